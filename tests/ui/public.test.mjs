// The public side with no login: 预警信息专栏 (a warning published through
// the review found with the filters, its page, the feeds with the same
// filters), a point's sub-site with its three columns, and a subscription
// from the form through its confirmation mail's link, the manage page and
// the unsubscribe page. What each screen shows is checked against the
// public API's answer. The confirmation token is read from the database of
// the stack (YJ_UI_CONF, default .run/ui-test/yujing.conf): the mail itself
// is the HTTP tests' business.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import * as L from './lib.mjs'

const { BASE } = L
const stamp = Date.now().toString(36)
const CONF = process.env.YJ_UI_CONF || new URL('../../.run/ui-test/yujing.conf', import.meta.url).pathname
let api = {}
let pointId = 0
let published = null       // the warning published by the review, as the public API answers it
let quiet = null           // approved without 发布到预警工作交流: never public
let post = null            // a sub-site post of jiande's in 工作动态

function sql(query) {
  const socket = /^\s*db_socket\s*=\s*(\S+)/m.exec(readFileSync(CONF, 'utf8'))[1]
  return execFileSync('mariadb', ['--no-defaults', '--socket=' + socket, '-u', 'root', '--default-character-set=utf8mb4',
    '-N', '-B', 'yujing', '-e', query]).toString().trim()
}
const quote = (s) => "'" + String(s).replace(/\\/g, '\\\\').replace(/'/g, "''") + "'"
const pub = async (path, init) => {
  const r = await fetch(BASE + path, init)
  const text = await r.text()
  return { status: r.status, body: text && r.headers.get('content-type').includes('json') ? JSON.parse(text) : text }
}

async function passed(fields, options) {
  let s = await api.jiande.post('/submissions', { type: 'warning_info', fields })
  s = await api.jiande.post('/submissions/' + s.id + '/submit', { version: s.version })
  s = await api.hangzhou.post('/submissions/' + s.id + '/decisions', { decision: 'pass', opinion: '', version: s.version })
  return api.province.post('/submissions/' + s.id + '/decisions', { decision: 'pass', opinion: '',
    options: { magazine: false, work_exchange: false, internal_exchange: false, ...options }, version: s.version })
}

before(async () => {
  await L.launch()
  for (const u of ['jiande', 'hangzhou', 'province']) api[u] = await L.apiLogin(u)
  pointId = (await api.jiande.get('/session')).user.point_id
  // Earlier runs' subscribe attempts from this machine would count
  // against this one's (the throttle is per address and hour).
  sql('DELETE FROM subscribe_attempts')
  const s = await passed({ title: '欧盟对华陶瓷餐具反倾销调查·' + stamp, country: 'EU', industry: 'LIGHT', measure_type: 'AD',
    hs_codes: ['6911', '691200'], source_url: 'https://trade.ec.europa.eu/access-to-markets/zh/news',
    comment_deadline: '2030-06-30', content: '欧盟委员会对原产于中国的陶瓷餐具发起反倾销调查。\n请相关企业在评议截止日期前提交意见。',
    author: '姚红燕', phone: '0571-64712345' }, { work_exchange: true })
  published = (await pub('/api/public/warnings/' + s.id)).body
  assert.equal(published.id, s.id, 'the passed warning is public')
  quiet = await passed({ title: '内部交流预警·' + stamp, country: 'EU', industry: 'LIGHT', measure_type: 'AD',
    hs_codes: ['6911'], content: '只在内部交流。', author: '姚红燕', phone: '0571-64712345' }, { magazine: true })
  let p = await api.jiande.post('/submissions', { type: 'subsite_post', fields: { column: '工作动态', title: '预警点走访陶瓷企业·' + stamp,
    content: '预警点走访辖区陶瓷出口企业，通报欧盟反倾销调查进展（' + stamp + '）。' } })
  post = await api.jiande.post('/submissions/' + p.id + '/submit', { version: p.version })
})
after(async () => { await L.close() })

function noErrors(p, statuses) { assert.deepEqual(L.unexpectedErrors(p, statuses), []) }
const text = async (loc) => (await loc.innerText()).trim()
const field = (p, k) => p.locator('[data-field="' + k + '"]')

// An Element Plus select by its label: typed into when filterable, the
// option clicked; a multiple select is closed again.
async function pick(p, label, option, type = true) {
  const box = p.getByRole('combobox', { name: L.named(label) })
  await p.locator('.el-select__wrapper').filter({ has: box }).click()
  if (type) await box.fill(option)
  await p.getByRole('option', { name: option, exact: true }).locator('visible=true').click()
}
async function closeSelect(p) {
  await p.locator('h1').click()
  await p.locator('.el-select__popper').locator('visible=true').first().waitFor({ state: 'hidden' }).catch(() => {})
}
// The tags a multiple select shows.
async function tags(p, label) {
  const box = p.getByRole('combobox', { name: L.named(label) })
  return (await p.locator('.el-select__wrapper').filter({ has: box }).locator('.el-select__tags-text').allInnerTexts()).map((t) => t.trim())
}
const names = async (dict, codes) => {
  const items = (await pub('/api/dicts/' + dict)).body.items
  return codes.map((c) => items.find((x) => x.code === c).name)
}

test('预警信息专栏: no login; a published warning found with the filters, equal to the API; the feeds take the same filters', async () => {
  const p = await L.rolePage(null)
  await p.goto(BASE + '/warnings')
  await p.getByRole('heading', { name: '预警信息专栏' }).waitFor()
  assert.equal(new URL(p.url()).pathname, '/warnings', 'no redirect to the login page')
  const all = (await pub('/api/public/warnings?per_page=20')).body
  await p.getByText('共 ' + all.total + ' 条').first().waitFor()
  assert.equal(await p.locator('.warnings-table tbody tr').count(), Math.min(all.total, 20))
  const firstTitles = await p.locator('.warnings-table tbody tr .w-title').allInnerTexts()
  assert.deepEqual(firstTitles.map((t) => t.trim()), all.items.map((w) => w.title), 'the API\'s order, newest first')

  // 国别地区 欧盟, HS编码 6911 (a prefix of 691200 too), 关键词: exactly the published one.
  await pick(p, '国别地区', '欧盟')
  await p.getByLabel('HS编码').fill('6911')
  await p.getByLabel('关键词').fill(stamp)
  await p.getByRole('button', { name: '查询', exact: true }).click()
  await p.waitForURL((u) => u.searchParams.get('q') === stamp)
  const url = new URL(p.url())
  assert.deepEqual(Object.fromEntries(url.searchParams), { country: 'EU', hs: '6911', q: stamp })
  const found = (await pub('/api/public/warnings?country=EU&hs=6911&q=' + encodeURIComponent(stamp))).body
  assert.deepEqual(found.items.map((w) => w.id), [published.id], 'the API: the published one only, not ' + quiet.id)
  await p.getByText('共 1 条').first().waitFor()
  const row = p.locator('.warnings-table tbody tr[data-id="' + published.id + '"]')
  const cells = (await row.locator('td').allInnerTexts()).map((t) => t.trim())
  assert.equal(await text(row.locator('.w-title')), published.title)
  assert.equal(await text(row.locator('.deadline')), '评议截止 ' + published.comment_deadline)
  assert.deepEqual(cells.slice(1), [published.country_name, published.measure_type_name,
    published.industry_name, published.hs_codes.join('、'), published.point_name, published.published_at.slice(0, 10)])
  assert.equal(published.country_name, '欧盟')
  assert.equal(await p.getByText(quiet.fields.title).count(), 0, 'an item approved without work_exchange is not public')

  // The feeds with the same filters.
  const atomHref = await p.getByRole('link', { name: 'Atom 订阅源' }).getAttribute('href')
  const jsonHref = await p.getByRole('link', { name: 'JSON Feed' }).getAttribute('href')
  assert.equal(atomHref, '/feeds/warnings.atom?country=EU&hs=6911&q=' + stamp)
  assert.equal(jsonHref, '/feeds/warnings.json?country=EU&hs=6911&q=' + stamp)
  const atom = await fetch(BASE + atomHref)
  assert.match(atom.headers.get('content-type'), /^application\/atom\+xml/)
  const xml = await atom.text()
  assert.equal((xml.match(/<entry>/g) || []).length, 1)
  assert.ok(xml.includes(published.title))
  const feed = await (await fetch(BASE + jsonHref)).json()
  assert.deepEqual(feed.items.map((i) => i.title), [published.title])
  await L.shots(p, 'public-list')

  // 发布日期 from the URL: the day it was published finds it, the day after not.
  const day = published.published_at.slice(0, 10)
  const next = new Date(Date.parse(day + 'T00:00:00Z') + 86400000).toISOString().slice(0, 10)
  for (const [from, want] of [[day, 1], [next, 0]]) {
    const q = 'q=' + encodeURIComponent(stamp) + '&from=' + from + '&to=' + next
    assert.equal((await pub('/api/public/warnings?' + q)).body.total, want)
    await p.goto(BASE + '/warnings?' + q)
    await p.getByText('共 ' + want + ' 条').first().waitFor()
    assert.equal(await p.locator('.warnings-table tbody tr[data-id]').count(), want)
    assert.deepEqual(await p.locator('.pf-range .el-range-input').evaluateAll((xs) => xs.map((x) => x.value)), [from, next], 'the picker shows the URL\'s dates')
    assert.equal(await p.getByRole('link', { name: 'Atom 订阅源' }).getAttribute('href'), '/feeds/warnings.atom?' + q)
  }
  await p.goto(BASE + '/warnings?country=EU&hs=6911&q=' + encodeURIComponent(stamp))
  await p.getByText('共 1 条').first().waitFor()

  // Nothing for another prefix; a bad one gets the API's message under the field.
  await p.getByLabel('HS编码').fill('8703')
  await p.getByRole('button', { name: '查询', exact: true }).click()
  await p.waitForURL((u) => u.searchParams.get('hs') === '8703')
  assert.equal((await pub('/api/public/warnings?country=EU&hs=8703&q=' + encodeURIComponent(stamp))).body.total, 0)
  await p.getByText('暂无符合条件的预警信息').waitFor()
  await p.getByText('共 0 条').first().waitFor()
  await p.getByLabel('HS编码').fill('87a')
  await p.getByRole('button', { name: '查询', exact: true }).click()
  const bad = await pub('/api/public/warnings?hs=87a')
  assert.equal(bad.status, 400)
  await p.locator('.el-form-item').filter({ has: p.getByLabel('HS编码') }).locator('.el-form-item__error')
    .filter({ hasText: bad.body.error.message }).waitFor()
  noErrors(p, [400])
})

test('a warning\'s page shows what the public API holds, and its point\'s sub-site its three columns', async () => {
  const p = await L.rolePage(null)
  await p.goto(BASE + '/warnings?q=' + encodeURIComponent(stamp))
  await p.getByRole('link', { name: published.title }).click()
  await p.waitForURL(BASE + '/warnings/' + published.id)
  await p.getByRole('heading', { name: published.title }).waitFor()
  assert.equal(await text(field(p, 'country')), published.country_name)
  assert.equal(await text(field(p, 'industry')), published.industry_name)
  assert.equal(await text(field(p, 'measure_type')), published.measure_type_name)
  assert.deepEqual((await field(p, 'hs_codes').locator('.el-tag').allInnerTexts()).map((t) => t.trim()), published.hs_codes)
  assert.equal(await text(field(p, 'comment_deadline')), published.comment_deadline)
  assert.equal(await field(p, 'source_url').getByRole('link').getAttribute('href'), published.source_url)
  assert.equal(await text(field(p, 'content')), published.content)
  assert.equal(await text(field(p, 'point_name')), published.point_name)
  assert.equal(await text(field(p, 'published_at')), published.published_at.slice(0, 10))
  const article = await text(p.locator('article'))
  for (const word of ['审核', '退回', '杭州市商务局', '姚红燕', '0571-64712345']) assert.ok(!article.includes(word), 'nothing of the review or the author: ' + word)
  await L.shots(p, 'public-warning')

  // Not published: the API's message, in place.
  const q = await L.rolePage(null)
  await q.goto(BASE + '/warnings/' + quiet.id)
  const gone = await pub('/api/public/warnings/' + quiet.id)
  assert.equal(gone.status, 404)
  await q.getByText(gone.body.error.message).waitFor()
  noErrors(q, [404])

  // The point's sub-site, from the warning's page.
  await p.getByRole('link', { name: published.point_name }).click()
  await p.waitForURL(BASE + '/site/' + pointId)
  const site = (await pub('/api/public/points/' + pointId)).body
  await p.getByRole('heading', { name: site.name }).waitFor()
  assert.equal(await text(field(p, 'host_org')), '承办单位：' + site.host_org)
  assert.deepEqual(site.columns, ['预警信息', '工作动态', '政策法规'])
  assert.deepEqual((await p.getByRole('tab').allInnerTexts()).map((t) => t.trim()), site.columns)
  for (const column of site.columns) {
    await p.getByRole('tab', { name: column }).click()
    const posts = (await pub('/api/public/points/' + pointId + '/posts?per_page=10&column=' + encodeURIComponent(column))).body
    const panel = p.getByRole('tabpanel', { name: column })
    await panel.getByText('共 ' + posts.total + ' 条').waitFor()
    assert.deepEqual((await panel.locator('.post-title').allInnerTexts()).map((t) => t.trim()), posts.items.map((x) => x.title))
    if (column === '工作动态') {
      assert.equal(posts.items[0].id, post.id, 'the new post first')
      await panel.getByText(post.fields.title).click()
      await panel.getByText(post.fields.content).waitFor()
      assert.equal(new URL(p.url()).searchParams.get('column'), '工作动态')
      await L.shots(p, 'public-site')
    }
  }
  noErrors(p)
})

test('subscribe, confirm from the mail\'s link, change a filter on the manage page, unsubscribe', async () => {
  const email = 'pub-' + stamp + '@example.com'
  const p = await L.rolePage(null)
  // From the list's filters: 按此条件订阅邮件 carries them to the form.
  await p.goto(BASE + '/warnings?country=EU&measure_type=AD')
  await p.getByRole('link', { name: '按此条件订阅邮件' }).click()
  await p.getByRole('heading', { name: '订阅预警信息' }).waitFor()
  assert.deepEqual(await tags(p, '国别地区'), await names('countries', ['EU']))
  assert.deepEqual(await tags(p, '措施类型'), await names('measure-types', ['AD']))

  // A bad address: the API's message under the field, nothing stored.
  await p.getByLabel('邮箱地址').fill('not-an-address')
  await p.getByRole('button', { name: '订阅', exact: true }).click()
  const refused = await pub('/api/public/subscriptions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'not-an-address' }) })
  assert.equal(refused.status, 400)
  assert.equal(refused.body.error.field, 'email')
  await p.locator('.el-form-item').filter({ has: p.getByLabel('邮箱地址') }).locator('.el-form-item__error')
    .filter({ hasText: refused.body.error.message }).waitFor()

  await p.getByLabel('邮箱地址').fill(email)
  await pick(p, '国别地区', '美国')
  await closeSelect(p)
  await pick(p, 'HS编码前缀', '6911')   // typed: a new entry
  await closeSelect(p)
  await L.radio(p, '每日汇总')
  await p.getByRole('button', { name: '订阅', exact: true }).click()
  await p.getByText('请查收确认邮件').waitFor()
  await p.getByText(email).first().waitFor()
  await L.shots(p, 'public-subscribe')
  noErrors(p, [400])

  // What was stored, and the mail queued with its link's token.
  const [state, ctoken, filters, digest] = sql('SELECT state, confirm_token, filters, digest FROM subscriptions WHERE email = ' + quote(email)).split('\t')
  assert.equal(state, 'pending')
  assert.deepEqual(JSON.parse(filters), { countries: ['EU', 'US'], hs_prefixes: ['6911'], industries: [], measure_types: ['AD'] })
  assert.equal(digest, 'daily')
  const payload = JSON.parse(sql("SELECT payload FROM deliveries WHERE kind = 'confirm' AND recipient = " + quote(email) + ' ORDER BY id DESC LIMIT 1'))
  assert.deepEqual(payload, { what: 'confirm', token: ctoken })

  // The confirmation link.
  const c = await L.rolePage(null, L.PHONE)
  await c.goto(BASE + '/subscribe/confirm?token=' + payload.token)
  await c.getByText('订阅已确认').waitFor()
  assert.equal(await text(field(c, 'email')), email)
  assert.equal(await text(field(c, 'countries')), (await names('countries', ['EU', 'US'])).join('、'))
  assert.equal(await text(field(c, 'measure_types')), (await names('measure-types', ['AD'])).join('、'))
  assert.equal(await text(field(c, 'industries')), '全部')
  assert.equal(await text(field(c, 'hs_prefixes')), '6911')
  assert.equal(await text(field(c, 'digest')), '每日汇总')
  await L.shots(c, 'public-confirm')
  const manageHref = await c.getByRole('link', { name: '修改订阅条件或退订' }).getAttribute('href')
  const token = new URL(manageHref, BASE).searchParams.get('token')
  const mtoken = sql('SELECT token FROM subscriptions WHERE email = ' + quote(email))
  assert.equal(token, mtoken, 'the manage link carries the subscription\'s own token')
  // The link a second time: the API's refusal, in place.
  const again = await L.rolePage(null)
  await again.goto(BASE + '/subscribe/confirm?token=' + payload.token)
  const used = await pub('/api/public/subscriptions/confirm', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ token: payload.token }) })
  assert.equal(used.status, 404)
  await again.getByText(used.body.error.message).waitFor()
  noErrors(again, [404])
  noErrors(c)

  // The manage page: the form holds what the API holds; a filter changed.
  await c.getByRole('link', { name: '修改订阅条件或退订' }).click()
  await c.getByRole('heading', { name: '管理订阅' }).waitFor()
  const manage = (path) => pub('/api/public/subscriptions/manage?token=' + token, path)
  let sub = (await manage()).body
  assert.equal(sub.state, 'active')
  await c.getByText('已订阅').first().waitFor()
  assert.equal(await text(field(c, 'email')), sub.email)
  assert.deepEqual(await tags(c, '国别地区'), await names('countries', sub.countries))
  assert.deepEqual(await tags(c, '措施类型'), await names('measure-types', sub.measure_types))
  assert.deepEqual(await tags(c, 'HS编码前缀'), sub.hs_prefixes)
  assert.deepEqual(await tags(c, '行业'), [])
  await pick(c, '行业', '轻工')
  await closeSelect(c)
  await L.radio(c, '每周汇总')
  // A bad prefix first: refused under its field, nothing changed.
  const box = c.getByRole('combobox', { name: L.named('HS编码前缀') })
  await pick(c, 'HS编码前缀', '69x')
  await closeSelect(c)
  await c.getByRole('button', { name: '保存' }).click()
  const badPrefix = await pub('/api/public/subscriptions/manage?token=' + token, { method: 'PATCH',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ hs_prefixes: ['6911', '69x'] }) })
  assert.equal(badPrefix.status, 400)
  await c.locator('.el-form-item').filter({ has: box }).locator('.el-form-item__error')
    .filter({ hasText: badPrefix.body.error.message }).waitFor()
  assert.deepEqual((await manage()).body, sub, 'a refused change changes nothing')
  await c.locator('.el-select__wrapper').filter({ has: box }).locator('.el-tag').filter({ hasText: '69x' }).locator('.el-tag__close').click()
  await c.getByRole('button', { name: '保存' }).click()
  await c.getByText('订阅条件已保存').waitFor()
  sub = (await manage()).body
  assert.deepEqual(sub.industries, ['LIGHT'])
  assert.equal(sub.digest, 'weekly')
  assert.deepEqual(sub.countries, ['EU', 'US'])
  assert.deepEqual(sub.hs_prefixes, ['6911'])
  assert.deepEqual(await tags(c, '行业'), await names('industries', ['LIGHT']))
  await L.shots(c, 'public-manage')
  noErrors(c, [400])

  // Unsubscribe: the page names the address; one button.
  await c.getByRole('link', { name: '退订', exact: true }).click()
  await c.getByRole('heading', { name: '退订预警邮件' }).waitFor()
  assert.equal(await text(field(c, 'email')), email)
  await L.shots(c, 'public-unsubscribe')
  await c.getByRole('button', { name: '确认退订' }).click()
  await c.getByText('已退订，不会再收到预警邮件').waitFor()
  assert.equal((await manage()).body.state, 'unsubscribed')
  assert.equal(sql('SELECT state FROM subscriptions WHERE email = ' + quote(email)), 'unsubscribed')
  noErrors(c, [400])
})

test('repeated subscribe requests: the API\'s 429 message in place', async () => {
  const email = 'busy-' + stamp + '@example.com'
  let last = null
  for (let i = 0; i < 20 && (!last || last.status !== 429); i++) {
    last = await pub('/api/public/subscriptions', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email }) })
  }
  assert.equal(last.status, 429)
  const p = await L.rolePage(null)
  await p.goto(BASE + '/subscribe')
  await p.getByLabel('邮箱地址').fill(email)
  await p.getByRole('button', { name: '订阅', exact: true }).click()
  await p.getByRole('alert').filter({ hasText: last.body.error.message }).waitFor()
  assert.equal(await p.getByText('请查收确认邮件').count(), 0)
  await L.shots(p, 'public-throttled')
  noErrors(p, [429])
})

test('the signed-in shell leaves the public pages alone; the login page links 预警信息专栏', async () => {
  const p = await L.rolePage('province')
  await p.goto(BASE + '/warnings/' + published.id)
  await p.getByRole('heading', { name: published.title }).waitFor()
  assert.equal(new URL(p.url()).pathname, '/warnings/' + published.id)
  assert.equal(await p.getByRole('navigation', { name: '我的工作' }).count(), 0, 'the public frame, not the shell')
  const anon = await L.rolePage(null)
  await anon.goto(BASE + '/login')
  await anon.getByRole('link', { name: '预警信息专栏' }).click()
  await anon.waitForURL(BASE + '/warnings')
  await anon.getByRole('heading', { name: '预警信息专栏' }).waitFor()
  await L.shots(anon, 'public-from-login')
  noErrors(p)
  noErrors(anon)
})
