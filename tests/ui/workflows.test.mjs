// The five roles' daily work through the screens, end to end, against the
// real stack: what each screen shows is checked against what the API holds.
// Run by tests/run.sh: node --test tests/ui/*.test.mjs (YJ_UI_BASE = the
// stack's URL). Screenshots at 1366x768 and 390x844 go to .run/ui/.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as L from './lib.mjs'

const { BASE } = L
const stamp = Date.now().toString(36)
const T = (s) => s + '·' + stamp
let api = {}
const pages = []
const tmp = mkdtempSync(join(tmpdir(), 'yujing-ui-'))

before(async () => {
  await L.launch()
  for (const u of ['jiande', 'hangzhou', 'province', 'editor', 'admin']) api[u] = await L.apiLogin(u)
})
after(async () => { await L.close() })

async function page(user, viewport) {
  const p = await L.rolePage(user, viewport)
  pages.push(p)
  return p
}
function noErrors(p, statuses) { assert.deepEqual(L.unexpectedErrors(p, statuses), []) }

// A warning info made and moved along through the API, for the screens
// that start later in its life.
const fields = (title) => ({ title, country: 'US', industry: 'CHEMICAL', measure_type: 'AD',
  content: '美国商务部对华化工产品发起反倾销调查。', author: '姚红燕', phone: '0571-64712345' })
async function warning(title, upto) {
  let s = await api.jiande.post('/submissions', { type: 'warning_info', fields: fields(title) })
  if (upto === 'draft') return s
  s = await api.jiande.post('/submissions/' + s.id + '/submit', { version: s.version })
  if (upto === 'city') return s
  s = await api.hangzhou.post('/submissions/' + s.id + '/decisions', { decision: 'pass', opinion: '', version: s.version })
  return s
}

test('login: a wrong password is refused in place; the role lands on its own screen', async () => {
  const p = await page(null)
  await p.goto(BASE + '/login')
  await p.getByLabel('用户名').fill('jiande')
  await p.getByLabel('密码', { exact: true }).fill('wrong-password')
  await p.getByRole('button', { name: '登录' }).click()
  await p.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor()
  await L.shots(p, 'login-refused')
  await p.getByLabel('密码', { exact: true }).fill(L.PASSWORD)
  await p.getByRole('button', { name: '登录' }).click()
  await p.waitForURL(BASE + '/my')
  await p.getByRole('heading', { name: '我的报送' }).waitFor()
  noErrors(p, [401])
})

test('each role sees only its own menu entries; a page of another role is refused', async () => {
  const expected = {
    jiande: ['我的报送', '预警信息上报', '季度形势分析', '年度工作总结', '子网站信息发布', '预警点信息', '推送渠道', '投递记录'],
    hangzhou: ['原创预警信息审核', '商务局预警信息', '地市审核进度查询', '预警点管理', '统计分析', '传递统计', '投递记录'],
    province: ['原创预警信息审核', '审核意见配置', '地市审核进度查询', '预警点管理', '季度形势分析', '年度工作总结',
      '统计分析', '内部交流', '下发信息', '评分标准', '推送渠道', '投递记录', '传递统计'],
    editor: ['期刊杂志'],
    admin: ['账号管理', '邮件设置', '预警点管理', '评分标准'],
  }
  for (const [user, entries] of Object.entries(expected)) {
    const p = await page(user)
    assert.deepEqual(await L.menu(p), entries, user)
    noErrors(p)
  }
  const p = await page('jiande')
  await p.goto(BASE + '/internal')
  await p.getByRole('heading', { name: '页面不存在或无权访问' }).waitFor()
  assert.equal(await p.getByRole('menuitem', { name: '内部交流' }).count(), 0)
  noErrors(p)
})

let item = null   // the warning info the point makes on screen
test('point: drafts a warning info (a missing field refused in place), attaches a file, submits', async () => {
  const p = await page('jiande')
  await L.go(p, '预警信息上报')
  await p.getByRole('button', { name: '新建预警信息' }).click()
  await p.getByRole('heading', { name: '新建预警信息' }).waitFor()
  await L.shots(p, 'point-new-warning')
  // Nothing filled: the API's message stands under 标题.
  await p.getByRole('button', { name: '保存' }).click()
  const titleItem = p.locator('.el-form-item').filter({ has: p.getByLabel('标题') })
  await titleItem.getByText('标题不能为空').waitFor()
  const title = T('印度对华有机硅产品反倾销调查')
  await p.getByLabel('标题').fill(title)
  await L.choose(p, '国别地区', '印度')
  await L.choose(p, '所属行业', '化工')
  await L.choose(p, '措施类型', '反倾销')
  await p.getByRole('combobox', { name: L.named('HS编码') }).pressSequentially('2910')
  await p.getByRole('combobox', { name: L.named('HS编码') }).press('Enter')
  await p.getByLabel('内容').fill('印度商务部对原产于中国的有机硅产品发起反倾销调查。')
  await p.getByLabel('作者').fill('姚红燕')
  await p.getByLabel('联系电话').fill('0571-64712345')
  await L.shots(p, 'point-new-warning-filled')
  await p.getByRole('button', { name: '保存' }).click()
  await p.waitForURL(/\/submissions\/\d+$/)
  const id = Number(p.url().split('/').pop())
  await p.getByRole('heading', { name: title }).waitFor()
  await p.locator('.state-tag').filter({ hasText: '草稿' }).waitFor()
  assert.equal(await p.locator('[data-field="country"]').innerText(), '印度')
  assert.equal(await p.locator('[data-field="hs_codes"]').innerText(), '2910')
  // Attach, see it listed, download the same bytes.
  const file = join(tmp, '立案公告.txt')
  writeFileSync(file, 'notice of initiation\n')
  await p.getByLabel('上传附件').setInputFiles(file)
  const link = p.getByRole('link', { name: '立案公告.txt' })
  await link.waitFor()
  const [dl] = await Promise.all([p.waitForEvent('download'), link.click()])
  assert.equal(readFileSync(await dl.path(), 'utf8'), 'notice of initiation\n')
  await L.shots(p, 'point-draft')
  await p.getByRole('button', { name: '提交' }).click()
  await p.locator('.state-tag').filter({ hasText: '待审核（地市审核）' }).waitFor()
  item = await api.jiande.get('/submissions/' + id)
  assert.equal(item.state, 'submitted')
  assert.equal(item.review_level, 'city')
  assert.equal(item.fields.country, 'IN')
  assert.deepEqual(item.fields.hs_codes, ['2910'])
  assert.deepEqual(item.attachments.map((a) => a.name), ['立案公告.txt'])
  // 我的报送 lists it with its state.
  await L.go(p, '我的报送')
  await L.row(p, title).getByText('待审核（地市审核）').waitFor()
  noErrors(p, [400])
})

test('city: the review queue and page (font size switch), 通过 sends the item to the province', async () => {
  assert.ok(item, 'needs the point\'s item')
  const p = await page('hangzhou')
  await L.go(p, '原创预警信息审核')
  await L.row(p, item.title).waitFor()
  await L.shots(p, 'city-queue')
  await L.row(p, item.title).getByRole('button', { name: '审核' }).click()
  await p.getByRole('heading', { name: item.title }).waitFor()
  await p.getByRole('button', { name: '特大号' }).click()
  assert.match(await p.locator('.review-title').getAttribute('class'), /fs-xl/)
  assert.match(await p.locator('.fields-view').getAttribute('class'), /fs-xl/)
  await p.getByRole('button', { name: '中号' }).click()
  assert.equal(await p.getByText('推荐到杂志').count(), 0, 'the options are the province\'s')
  await L.shots(p, 'city-review')
  await L.radio(p, '通过')
  await p.getByRole('button', { name: '审核', exact: true }).click()
  await p.waitForURL(BASE + '/review')
  const s = await api.province.get('/submissions/' + item.id)
  assert.equal(s.state, 'submitted')
  assert.equal(s.review_level, 'province')
  assert.deepEqual(s.rounds.map((r) => [r.level, r.decision]), [['city', 'pass']])
  item = s
  noErrors(p)
})

test('province: 通过 with options (internal exchange excludes the others) and a preset opinion', async () => {
  const p = await page('province')
  await L.go(p, '原创预警信息审核')
  await L.row(p, item.title).getByRole('button', { name: '审核' }).click()
  await p.getByRole('heading', { name: item.title }).waitFor()
  const mag = L.checkbox(p, '推荐到杂志')
  const work = L.checkbox(p, '发布到预警工作交流')
  const internal = L.checkbox(p, '重要信息内部交流')
  const cls = async (c) => (await c.getAttribute('class')).split(/\s+/)
  await internal.click()
  assert.ok((await cls(mag)).includes('is-disabled'))
  assert.ok((await cls(work)).includes('is-disabled'))
  await internal.click()
  await mag.click()
  await work.click()
  assert.ok((await cls(internal)).includes('is-disabled'))
  assert.ok((await cls(mag)).includes('is-checked') && (await cls(work)).includes('is-checked'))
  const presets = (await api.province.get('/opinions')).items
  await L.choose(p, '请选择意见', presets[2].text)
  assert.equal(await p.getByLabel('审核意见').inputValue(), presets[2].text)
  await L.shots(p, 'province-review')
  await p.getByRole('button', { name: '审核', exact: true }).click()
  await p.waitForURL(BASE + '/review')
  const s = await api.province.get('/submissions/' + item.id)
  assert.equal(s.state, 'approved')
  assert.deepEqual(s.options, { magazine: true, work_exchange: true, internal_exchange: false })
  assert.equal(s.magazine, 'pending')
  assert.equal(s.rounds[1].opinion, presets[2].text)
  item = s
  noErrors(p)
})

test('editor: 期刊杂志 lists the recommended item; 录用', async () => {
  const p = await page('editor')
  await p.getByRole('tab', { name: '精选原创预警' }).waitFor()
  await L.row(p, item.title).waitFor()
  await L.shots(p, 'editor-magazine')
  await L.row(p, item.title).getByRole('button', { name: '查看' }).click()
  await p.getByText(item.title).first().waitFor()
  await L.radio(p, '录用')
  await p.getByRole('button', { name: '审核' }).click()
  await p.getByText('录用状态：录用').waitFor()
  assert.equal((await api.editor.get('/submissions/' + item.id)).magazine, 'accepted')
  noErrors(p)
})

test('province: 内部交流 采纳 and 厅领导批示', async () => {
  let s = await warning(T('欧盟对华紧固件反倾销复审'), 'passed')
  s = await api.province.post('/submissions/' + s.id + '/decisions', { decision: 'pass', opinion: '',
    options: { magazine: false, work_exchange: false, internal_exchange: true }, version: s.version })
  const p = await page('province')
  await L.go(p, '内部交流')
  await L.choose(p, '处理状态', '未处理')
  await p.getByRole('button', { name: '查询' }).click()
  const r = L.row(p, s.title)
  await r.getByText('未处理').waitFor()
  await r.getByRole('button', { name: '审核' }).click()
  const dlg = p.getByRole('dialog', { name: '审核' })
  await L.radio(dlg, '采纳')
  await dlg.getByRole('button', { name: '审核' }).click()
  await dlg.waitFor({ state: 'hidden' })
  await L.choose(p, '处理状态', '全部')
  await p.getByRole('button', { name: '查询' }).click()
  await L.row(p, s.title).getByText('采纳', { exact: true }).waitFor()
  await L.row(p, s.title).getByRole('button', { name: '厅领导批示' }).click()
  const li = p.getByRole('dialog', { name: '厅领导批示' })
  await li.getByLabel('批示领导').fill('王副厅长')
  await li.getByLabel('批示内容').fill('请产业处跟进，指导企业应诉。')
  await li.getByRole('button', { name: '保存' }).click()
  await li.waitFor({ state: 'hidden' })
  await L.row(p, s.title).getByText('王副厅长：请产业处跟进，指导企业应诉。').waitFor()
  await L.row(p, s.title).getByText('1 条').waitFor()
  await L.shots(p, 'province-internal')
  const x = (await api.province.get('/internal-exchange?per_page=200')).items.find((i) => i.id === s.id)
  assert.equal(x.adopted, true)
  assert.equal(x.leader_instructions, 1)
  noErrors(p)
})

test('a returned item: the city returns it with an opinion, the point edits and resubmits it', async () => {
  const s0 = await warning(T('越南对华钢铁制品反倾销调查'), 'city')
  const city = await page('hangzhou')
  await city.goto(BASE + '/review/' + s0.id)
  await city.getByRole('heading', { name: s0.title }).waitFor()
  await L.radio(city, '退回修改')
  await city.getByRole('button', { name: '审核', exact: true }).click()
  await city.getByText('需要审核意见').or(city.locator('.el-form-item__error')).first().waitFor()
  await city.getByLabel('审核意见').fill('请补充涉案企业名单')
  await city.getByRole('button', { name: '审核', exact: true }).click()
  await city.waitForURL(BASE + '/review')
  noErrors(city, [400])

  const p = await page('jiande')
  await L.go(p, '我的报送')
  const r = L.row(p, s0.title)
  await r.getByText('退回修改').first().waitFor()
  await r.getByText('请补充涉案企业名单').waitFor()
  await L.shots(p, 'point-returned')
  await r.getByRole('button', { name: '编辑' }).click()
  await p.getByText('该信息被退回修改：请补充涉案企业名单').waitFor()
  const title = s0.title + '（补充）'
  await p.getByLabel('标题').fill(title)
  await p.getByRole('button', { name: '提交' }).click()
  await p.waitForURL(/\/submissions\/\d+$/)
  await p.locator('.state-tag').filter({ hasText: '待审核（地市审核）' }).waitFor()
  await p.getByText('第2轮').first().waitFor()
  const s = await api.jiande.get('/submissions/' + s0.id)
  assert.equal(s.title, title)
  assert.equal(s.state, 'submitted')
  assert.equal(s.round, 2)
  noErrors(p)
})

test('a stale version: 409 is shown with a reload that brings the other writer\'s change', async () => {
  const s = await warning(T('stale'), 'draft')
  const p = await page('jiande')
  await p.goto(BASE + '/submissions/' + s.id + '/edit')
  await p.getByLabel('标题').waitFor()
  await api.jiande.patch('/submissions/' + s.id, { fields: fields(T('另一窗口的修改')), version: s.version })
  await p.getByLabel('标题').fill(T('这个窗口的修改'))
  await p.getByRole('button', { name: '保存' }).click()
  const box = p.getByRole('dialog', { name: '信息已变更' })
  await box.waitFor()
  await L.shots(p, 'point-conflict')
  await box.getByRole('button', { name: '重新加载' }).click()
  await p.waitForFunction((t) => document.querySelector('#f-title').value === t, T('另一窗口的修改'))
  noErrors(p, [409])
})

test('bulk review with a per-item result; the province reverts its decision', async () => {
  const a = await warning(T('批量一'), 'city')
  const b = await warning(T('批量二'), 'city')
  const p = await page('hangzhou')
  await L.go(p, '原创预警信息审核')
  for (const s of [a, b]) await L.row(p, s.title).locator('.el-checkbox').click()
  await p.getByRole('button', { name: '批量通过' }).click()
  const dlg = p.getByRole('dialog', { name: '批量通过' })
  await dlg.getByRole('button', { name: '审核' }).click()
  await dlg.getByText('成功 2 条，失败 0 条。').waitFor()
  await L.shots(p, 'city-bulk')
  for (const s of [a, b]) assert.equal((await api.hangzhou.get('/submissions/' + s.id)).review_level, 'province')
  noErrors(p)

  let s = await api.province.get('/submissions/' + a.id)
  s = await api.province.post('/submissions/' + a.id + '/decisions', { decision: 'pass', opinion: '', version: s.version,
    options: { magazine: false, work_exchange: true, internal_exchange: false } })
  const q = await page('province')
  await q.goto(BASE + '/submissions/' + a.id)
  await q.locator('.state-tag').filter({ hasText: '已通过' }).waitFor()
  await q.getByRole('button', { name: '撤销审核' }).click()
  await q.getByRole('dialog', { name: '撤销审核' }).getByRole('button', { name: '撤销审核' }).click()
  await q.locator('.state-tag').filter({ hasText: '待审核（省厅审核）' }).waitFor()
  const r = await api.province.get('/submissions/' + a.id)
  assert.equal(r.state, 'submitted')
  assert.equal(r.rounds.at(-1).decision, 'revert')
  noErrors(q)
})

test('审核意见配置: add, edit, order and delete a preset', async () => {
  const p = await page('province')
  await L.go(p, '审核意见配置')
  const text = T('请注明信息来源')
  await p.getByRole('button', { name: '+新增' }).click()
  let dlg = p.getByRole('dialog', { name: '新增意见' })
  await dlg.getByRole('button', { name: '保存' }).click()
  await dlg.locator('.el-form-item__error').waitFor()
  await dlg.getByLabel('审核意见').fill(text)
  await dlg.getByRole('button', { name: '保存' }).click()
  await p.locator('.opinions tr').filter({ hasText: text }).waitFor()
  const rowsBefore = await p.locator('.opinions tbody tr').allInnerTexts()
  assert.ok(rowsBefore.at(-1).includes(text), 'a new preset goes last')
  await p.locator('.opinions tr').filter({ hasText: text }).getByRole('button', { name: '上移' }).click()
  await p.waitForFunction((t) => [...document.querySelectorAll('.opinions tbody tr')].at(-2).innerText.includes(t), text)
  await p.locator('.opinions tr').filter({ hasText: text }).getByRole('button', { name: '编辑' }).click()
  dlg = p.getByRole('dialog', { name: '编辑意见' })
  await dlg.getByLabel('审核意见').fill(text + '和日期')
  await dlg.getByRole('button', { name: '保存' }).click()
  await p.locator('.opinions tr').filter({ hasText: text + '和日期' }).waitFor()
  await L.shots(p, 'province-opinions')
  const api1 = (await api.province.get('/opinions')).items
  assert.equal(api1.at(-2).text, text + '和日期')
  await p.locator('.opinions tr').filter({ hasText: text }).getByRole('button', { name: '删除' }).click()
  await p.getByRole('dialog', { name: '删除' }).getByRole('button', { name: '删除' }).click()
  await p.locator('.opinions tr').filter({ hasText: text }).waitFor({ state: 'detached' })
  assert.ok(!(await api.province.get('/opinions')).items.some((o) => o.text.includes(text)))
  noErrors(p, [400])
})

test('下发信息: the province issues a notice to all points; it reaches the point\'s 消息中心', async () => {
  const p = await page('province')
  await L.go(p, '下发信息')
  await p.getByRole('button', { name: '新建下发信息' }).click()
  await p.getByRole('heading', { name: '新建下发信息' }).waitFor()
  const title = T('关于报送季度形势分析的通知')
  await p.getByLabel('标题').fill(title)
  await p.getByLabel('内容').fill('请各预警点于本月底前报送。')
  await L.shots(p, 'province-notice-new')
  await p.getByRole('button', { name: '提交' }).click()
  await p.waitForURL(/\/submissions\/\d+$/)
  await p.locator('.state-tag').filter({ hasText: '已通过' }).waitFor()
  await L.go(p, '下发信息')
  await L.row(p, title).getByText('已下发').waitFor()
  noErrors(p)

  // The notice's messages may be written just after the answer: wait for it.
  for (let i = 0; i < 50; i++) {
    if ((await api.jiande.get('/messages?per_page=50')).items.some((m) => m.title.includes(title))) break
    await new Promise((r) => setTimeout(r, 200))
  }
  const unread = (await api.jiande.get('/messages?unread=true&per_page=1')).total
  const q = await page('jiande')
  assert.ok(unread > 0)
  const badge = (n) => q.getByRole('link', { name: n ? new RegExp('^消息中心\\s*未读 ' + n + ' 条$') : /^消息中心$/ })
  await badge(unread).waitFor()
  await q.getByRole('link', { name: /消息中心/ }).click()
  await L.row(q, title).waitFor()
  await L.row(q, '已审核通过').waitFor()
  await L.shots(q, 'point-messages')
  await L.row(q, title).getByRole('button', { name: '标为已读' }).click()
  await badge(unread - 1).waitFor()
  assert.equal((await api.jiande.get('/messages?unread=true&per_page=1')).total, unread - 1)
  noErrors(q)
})

test('session expiry: back to the login page, and after login back to where the user was', async () => {
  const p = await page('province')
  await L.go(p, '地市审核进度查询')
  // Exactly the city's cell: until the page has changed, the one before
  // it may still show points whose names begin with 杭州市.
  await p.getByRole('heading', { name: '地市审核进度查询' }).waitFor()
  await p.getByRole('cell', { name: '杭州市', exact: true }).waitFor()
  await p.context().clearCookies()
  await L.go(p, '内部交流')
  await p.waitForURL(/\/login\?/)
  await p.getByText('登录已过期，请重新登录').waitFor()
  await p.getByLabel('用户名').fill('province')
  await p.getByLabel('密码', { exact: true }).fill(L.PASSWORD)
  await p.getByRole('button', { name: '登录' }).click()
  await p.waitForURL(BASE + '/internal')
  await p.getByRole('heading', { name: '内部交流采纳' }).waitFor()
  noErrors(p, [401])
})

test('帮助中心 and 账户设置: each role\'s guide; a password mismatch is refused in place', async () => {
  const p = await page('editor')
  await p.getByRole('link', { name: '帮助中心' }).click()
  await p.getByRole('heading', { name: '杂志编辑使用指南' }).waitFor()
  await L.shots(p, 'help-editor')
  await p.getByRole('link', { name: '账户设置' }).click()
  await p.getByLabel('原密码').fill(L.PASSWORD)
  await p.getByLabel('新密码', { exact: true }).fill('Neu#Pass2026')
  await p.getByLabel('确认新密码').fill('Neu#Pass2027')
  await p.getByRole('button', { name: '保存' }).click()
  await p.getByText('两次输入的新密码不一致').waitFor()
  await p.getByLabel('新密码', { exact: true }).fill('short')
  await p.getByLabel('确认新密码').fill('short')
  await p.getByRole('button', { name: '保存' }).click()
  await p.locator('.el-form-item').filter({ has: p.getByLabel('新密码', { exact: true }) }).locator('.el-form-item__error').waitFor()
  await L.shots(p, 'account')
  noErrors(p, [400])
})

test('phone width: the menu opens from 菜单, lists become cards', async () => {
  const p = await page('jiande', L.PHONE)
  await p.getByRole('button', { name: '菜单' }).click()
  await L.go(p, '我的报送')
  await p.locator('.card-item').first().waitFor()
  assert.ok(await p.locator('.card-item').count() >= 1)
  assert.equal(await p.locator('.el-table').count(), 0)
  const width = await p.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 390, 'no horizontal scrolling: ' + width)
  noErrors(p)
})
