// The province's 季度形势分析 / 年度工作总结 lists with the seed's 所属行业
// filter, the editor's 期刊杂志 tabs (one report type each, paged on the
// server, with the unit each item came from), the point's tabs at phone
// width, and times shown in Beijing time from a browser in another zone.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import * as L from './lib.mjs'

const { BASE } = L
const stamp = 'L' + Date.now().toString(36)
const api = {}
let other = null          // a point of another industry than jiande's, and its account
const made = {}
before(async () => {
  await L.launch()
  for (const u of ['jiande', 'province', 'editor', 'admin']) api[u] = await L.apiLogin(u)
  const jid = (await api.jiande.get('/session')).user.point_id
  const jiande = await api.province.get('/points/' + jid)
  const pts = (await api.province.get('/points?status=' + encodeURIComponent('正式') + '&per_page=200')).items
  other = pts.find((p) => p.industry && p.industry !== jiande.industry && p.city !== jiande.city)
  assert.ok(other, 'a formal point of another industry and city')
  const username = 'ui' + stamp.toLowerCase()
  await api.admin.post('/users', { username, name: other.name, role: 'point', point_id: other.id, password: L.PASSWORD })
  api.other = await L.apiLogin(username)
  made.jiande = jiande
  const year = new Date(Date.now() + 8 * 3600e3).getUTCFullYear()     // Beijing's
  const qa = (who, title) => api[who].post('/submissions', { type: 'quarterly_analysis',
    fields: { year, quarter: 1, title, content: '一季度出口总体平稳。' } })
  const as = (who, title) => api[who].post('/submissions', { type: 'annual_summary',
    fields: { year, title, content: '全年工作总结。' } })
  const submit = async (s) => api[s.submitted_by].post('/submissions/' + s.id + '/submit', { version: s.version })
  for (const [key, who, mk, title] of [['jqa', 'jiande', qa, '建德一季度分析 ' + stamp], ['oqa', 'other', qa, '他点一季度分析 ' + stamp],
    ['jas', 'jiande', as, '建德年度总结 ' + stamp], ['oas', 'other', as, '他点年度总结 ' + stamp]]) {
    const s = await mk(who, title)
    made[key] = await submit({ ...s, submitted_by: who })
  }
  // A warning info recommended to the magazine.
  let w = await api.jiande.post('/submissions', { type: 'warning_info', fields: { title: '杂志预警 ' + stamp, country: 'US',
    industry: 'CHEMICAL', measure_type: 'AD', content: '反倾销调查。', author: '姚红燕', phone: '0571-64712345' } })
  w = await api.jiande.post('/submissions/' + w.id + '/submit', { version: w.version })
  const hz = await L.apiLogin('hangzhou')
  w = await hz.post('/submissions/' + w.id + '/decisions', { decision: 'pass', opinion: '', version: w.version })
  made.wi = await api.province.post('/submissions/' + w.id + '/decisions', { decision: 'pass', opinion: '',
    options: { magazine: true, work_exchange: false, internal_exchange: false }, version: w.version })
})
after(async () => { await L.close() })
function noErrors(p, statuses) { assert.deepEqual(L.unexpectedErrors(p, statuses), []) }
const rowTitles = async (p) => (await p.locator('.el-table__body tr td:first-child').allInnerTexts()).map((t) => t.trim())

async function industryName(code) {
  return (await api.province.get('/dicts/industries')).items.find((i) => i.code === code).name
}

test('季度形势分析 and 年度工作总结: the seed\'s filters, 所属行业 by the point\'s industry', async () => {
  const p = await L.rolePage('province')
  await L.go(p, '季度形势分析')
  await p.getByRole('heading', { name: '季度分析报告' }).waitFor()
  const labels = (await p.locator('.filter-bar .el-form-item__label').allInnerTexts()).map((t) => t.trim())
  assert.deepEqual(labels.slice(0, 4), ['年度', '季度', '所属行业', '预警点名称'])
  await p.locator('#flt-q').fill(stamp)
  await p.getByRole('button', { name: '查询', exact: true }).click()
  await p.getByText('共 2 条').waitFor()
  assert.deepEqual(new Set(await rowTitles(p)), new Set([made.jqa.title, made.oqa.title]))
  await L.choose(p, '所属行业', await industryName(made.jiande.industry))
  await p.getByRole('button', { name: '查询', exact: true }).click()
  await p.getByText('共 1 条').waitFor()
  const want = await api.province.get('/submissions?type=quarterly_analysis&state=approved&q=' + stamp + '&industry=' + made.jiande.industry)
  assert.deepEqual(want.items.map((s) => s.id), [made.jqa.id])
  assert.deepEqual(await rowTitles(p), [made.jqa.title])
  const cells = (await L.row(p, made.jqa.title).locator('td').allInnerTexts()).map((t) => t.trim())
  assert.equal(cells[3], made.jiande.name)
  assert.equal(cells[4], made.jqa.submitted_at.slice(0, 19).replace('T', ' '))
  await L.shots(p, 'quarterly-industry')
  await L.choose(p, '所属行业', await industryName(other.industry))
  await p.getByRole('button', { name: '查询', exact: true }).click()
  await L.row(p, made.oqa.title).waitFor()
  assert.deepEqual(await rowTitles(p), [made.oqa.title])

  await L.go(p, '年度工作总结')
  await p.getByRole('heading', { name: '年度工作总结' }).waitFor()
  await p.locator('#flt-q').fill(stamp)
  await L.choose(p, '所属行业', await industryName(other.industry))
  await p.getByRole('button', { name: '查询', exact: true }).click()
  await p.getByText('共 1 条').waitFor()
  assert.deepEqual(await rowTitles(p), [made.oas.title])
  const total = (await api.province.get('/submissions?type=annual_summary&state=approved&industry=' + other.industry + '&q=' + stamp)).total
  assert.equal(total, 1)
  noErrors(p)
})

test('editor: 期刊杂志 tabs list one type each, paged on the server, with the unit', async () => {
  const p = await L.rolePage('editor')
  const requests = []
  p.on('request', (r) => { if (r.url().includes('/api/')) requests.push(new URL(r.url()).pathname + new URL(r.url()).search) })
  await p.goto(BASE + '/magazine')
  await p.getByRole('tab', { name: '精选原创预警' }).click()
  const wis = await api.editor.get('/magazine?state=pending&type=warning_info&per_page=20')
  await p.getByText('共 ' + wis.total + ' 条').waitFor()
  await L.row(p, made.wi.title).waitFor()
  assert.ok(!(await rowTitles(p)).includes(made.jqa.title), 'a quarterly analysis under 精选原创预警')
  assert.deepEqual(await rowTitles(p), wis.items.map((s) => s.title))
  const headers = (await p.locator('.el-table__header th').allInnerTexts()).map((t) => t.trim()).filter(Boolean)
  assert.ok(headers.includes('上报单位'), headers.join(','))
  const unit = headers.indexOf('上报单位')
  assert.equal((await L.row(p, made.wi.title).locator('td').nth(unit).innerText()).trim(), made.jiande.name)

  await p.getByRole('tab', { name: '季度形势分析' }).click()
  const qas = await api.editor.get('/magazine?state=pending&type=quarterly_analysis&per_page=20')
  await p.getByText('共 ' + qas.total + ' 条').waitFor()
  await L.row(p, made.oqa.title).waitFor()
  assert.deepEqual(await rowTitles(p), qas.items.map((s) => s.title))
  assert.ok(!(await rowTitles(p)).includes(made.wi.title), 'a warning info under 季度形势分析')
  const h2 = (await p.locator('.el-table__header th').allInnerTexts()).map((t) => t.trim()).filter(Boolean)
  assert.equal((await L.row(p, made.oqa.title).locator('td').nth(h2.indexOf('上报单位')).innerText()).trim(), other.name)
  assert.ok(requests.some((r) => r.startsWith('/api/magazine') && r.includes('type=quarterly_analysis')), requests.join(' '))
  assert.ok(!requests.some((r) => r.startsWith('/api/points')), 'the editor asked for point records: ' + requests.join(' '))
  await L.shots(p, 'editor-magazine-tabs')
  await L.row(p, made.oqa.title).getByRole('button', { name: '查看' }).click()
  await p.getByText('上报单位：').waitFor()
  await p.locator('.field-row').filter({ hasText: '上报单位：' }).getByText(other.name, { exact: true }).waitFor()
  noErrors(p)
})

test('the point\'s six tabs are all in sight and usable at 390 px', async () => {
  const p = await L.rolePage('province', L.PHONE)
  await p.goto(BASE + '/points/' + made.jiande.id)
  const names = ['基本信息', '预警负责人信息', '预警点工作人员信息', '预警点联系企业信息', '领导小组及党建组织信息', '变更历史']
  await p.getByRole('tab', { name: '变更历史' }).waitFor()
  await p.waitForTimeout(300)
  for (const n of names) {
    const b = await p.getByRole('tab', { name: n }).boundingBox()
    assert.ok(b && b.x >= 0 && b.x + b.width <= L.PHONE.width && b.width > 0, n + ' out of sight: ' + JSON.stringify(b))
  }
  assert.equal(await p.locator('.point-tabs .el-tabs__nav-next, .point-tabs .el-tabs__nav-prev').locator('visible=true').count(), 0)
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways')
  await p.getByRole('tab', { name: '变更历史' }).click()
  await p.getByRole('tabpanel', { name: '变更历史' }).locator('.card-item').first().waitFor()
  await p.getByRole('tab', { name: '领导小组及党建组织信息' }).click()
  await p.getByRole('tabpanel', { name: '领导小组及党建组织信息' }).waitFor()
  // Back at desktop width the tabs are a strip again, the underline under
  // the active one once its 0.3 s slide is over.
  await p.setViewportSize(L.WIDE)
  await p.waitForTimeout(800)
  const tabBox = await p.getByRole('tab', { name: '领导小组及党建组织信息' }).boundingBox()
  const barBox = await p.locator('.point-tabs .el-tabs__active-bar').boundingBox()
  assert.ok(barBox.x >= tabBox.x && barBox.x + barBox.width <= tabBox.x + tabBox.width + 1, JSON.stringify([tabBox, barBox]))
  await L.shots(p, 'point-tabs')
  noErrors(p)
})

test('times in Beijing time from a browser in America/Los_Angeles', async () => {
  const p = await L.rolePage('province', L.WIDE, { timezoneId: 'America/Los_Angeles' })
  // 2026-12-31 17:00 UTC: still 2026 in Los Angeles, already 2027 in Beijing.
  await p.clock.setFixedTime(new Date('2026-12-31T17:00:00Z'))
  await p.goto(BASE + '/list/quarterly_analysis')
  await p.getByRole('heading', { name: '季度分析报告' }).waitFor()
  assert.equal(await p.evaluate(() => new Date().getFullYear()), 2026)
  await p.locator('.filter-bar .el-select__wrapper').first().click()
  // The options are read once the popper has shown them: read while it
  // still opens, the list can be empty.
  await p.getByRole('option').locator('visible=true').nth(1).waitFor()
  const years = (await p.getByRole('option').locator('visible=true').allInnerTexts()).map((t) => t.trim())
  assert.equal(years[1], '2027年度', years.join(','))
  await p.keyboard.press('Escape')
  await p.locator('#flt-q').fill(stamp)
  await p.getByRole('button', { name: '查询', exact: true }).click()
  const cells = (await L.row(p, made.jqa.title).locator('td').allInnerTexts()).map((t) => t.trim())
  assert.equal(cells[4], made.jqa.submitted_at.slice(0, 19).replace('T', ' '))
  noErrors(p)
})
