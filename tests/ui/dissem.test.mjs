// 推送渠道, 投递记录, 传递统计 and 邮件设置 through the screens: the province
// registers a robot (a refused private address shown under its field, then
// a local receiver that checks the body), presses 测试 and the receiver gets
// markdown; a warning published through the API is listed as delivered to
// it; the statistics' figures and a point's paragraph equal the API's; the
// admin's mail settings refuse a bad server address in place.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import * as L from './lib.mjs'

const stamp = Date.now().toString(36)
let api = {}
let receiver
const got = []
let port = 0
before(async () => {
  await L.launch()
  for (const u of ['jiande', 'hangzhou', 'province', 'admin']) api[u] = await L.apiLogin(u)
  // A WeCom robot as the documentation describes it: markdown in, errcode out.
  receiver = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => { body += c })
    req.on('end', () => {
      let j = null
      try { j = JSON.parse(body) } catch (e) { /* recorded as it came */ }
      got.push({ url: req.url, body: j })
      const okBody = j && j.msgtype === 'markdown' && j.markdown && typeof j.markdown.content === 'string'
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify(okBody ? { errcode: 0, errmsg: 'ok' } : { errcode: 40008, errmsg: 'invalid message type' }))
    })
  })
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r))
  port = receiver.address().port
})
after(async () => {
  for (const c of (await api.province.get('/channels?per_page=200&q=' + encodeURIComponent(stamp))).items.filter((x) => x.name.includes(stamp))) {
    await api.province.del('/channels/' + c.id)
  }
  receiver.close()
  await L.close()
})
function noErrors(p, statuses) { assert.deepEqual(L.unexpectedErrors(p, statuses), []) }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

test('推送渠道: a private address is refused in place; a robot is registered and 测试 reaches it', async () => {
  const p = await L.rolePage('province')
  await L.go(p, '推送渠道')
  await p.getByRole('heading', { name: '推送渠道' }).waitFor()
  await p.getByRole('button', { name: '新增渠道' }).click()
  const dlg = p.getByRole('dialog', { name: '新增渠道' })
  await dlg.getByLabel(L.named('名称')).fill('出口企业群 ' + stamp)
  await dlg.getByLabel(L.named('机器人地址')).fill('http://10.20.30.40/cgi-bin/webhook/send?key=x')
  await dlg.getByRole('button', { name: '保存' }).click()
  await dlg.locator('.el-form-item__error').filter({ hasText: '内网' }).waitFor()
  await L.shots(p, 'channels-refused')
  await dlg.getByLabel(L.named('机器人地址')).fill('http://127.0.0.1:' + port + '/cgi-bin/webhook/send?key=' + stamp)
  await dlg.getByRole('button', { name: '保存' }).click()
  await dlg.waitFor({ state: 'hidden' })
  const r = L.row(p, '出口企业群 ' + stamp)
  await r.waitFor()
  assert.match(await r.innerText(), /企业微信群机器人/)
  assert.match(await r.innerText(), /省厅/)
  const mine = (await api.province.get('/channels?per_page=200&q=' + encodeURIComponent(stamp))).items.filter((c) => c.name === '出口企业群 ' + stamp)
  assert.equal(mine.length, 1)
  assert.equal(mine[0].kind, 'wecom')
  await r.getByRole('button', { name: '测试' }).click()
  await p.getByText('测试消息已发送').waitFor()
  assert.equal(got.length, 1)
  assert.ok(got[0].body.markdown.content.length > 0)
  // The filters go to the server: 钉钉 leaves the WeCom robot out, its name finds it again.
  await L.choose(p, '类型', '钉钉群机器人')
  const asked = p.waitForResponse((x) => x.url().includes('/api/channels?') && x.url().includes('kind=dingtalk'))
  await p.getByRole('button', { name: '查询', exact: true }).click()
  assert.equal((await (await asked).json()).items.filter((c) => c.kind !== 'dingtalk').length, 0)
  await r.waitFor({ state: 'hidden' })
  await L.choose(p, '类型', '全部')
  await p.locator('#flt-q').fill(stamp)
  await p.getByRole('button', { name: '查询', exact: true }).click()
  await r.waitFor()
  assert.equal(await p.locator('.el-table__body tr').count(), 1)
  await L.shots(p, 'channels')
  noErrors(p, [400])
})

test('投递记录 and 传递统计: a published warning delivered to the robot; figures equal the API', async () => {
  let s = await api.jiande.post('/submissions', { type: 'warning_info', fields: { title: '界面传递测试 ' + stamp,
    country: 'EU', industry: 'CHEMICAL', measure_type: 'AD', content: '欧盟发布反倾销立案公告。', author: '姚红燕', phone: '0571-64712345' } })
  s = await api.jiande.post('/submissions/' + s.id + '/submit', { version: s.version })
  s = await api.hangzhou.post('/submissions/' + s.id + '/decisions', { decision: 'pass', opinion: '', version: s.version })
  s = await api.province.post('/submissions/' + s.id + '/decisions', { decision: 'pass', opinion: '',
    options: { magazine: false, work_exchange: true, internal_exchange: false }, version: s.version })
  let d
  for (let i = 0; i < 150; i++) {
    d = await api.province.get('/deliveries?submission=' + s.id)
    if (d.items.some((x) => x.recipient === '出口企业群 ' + stamp && x.state === 'sent')) break
    await sleep(200)
  }
  assert.ok(got.some((g) => g.body && g.body.markdown.content.includes('界面传递测试 ' + stamp)), 'the robot got the warning')
  const p = await L.rolePage('province')
  await L.go(p, '投递记录')
  await p.getByRole('heading', { name: '投递记录' }).waitFor()
  await p.getByLabel('信息编号').fill(String(s.id))
  await p.getByRole('button', { name: '查询' }).click()
  const r = L.row(p, '出口企业群 ' + stamp)
  await r.waitFor()
  assert.match(await r.innerText(), /已送达/)
  await p.locator('.el-pagination__total').filter({ hasText: String(d.total) }).waitFor()
  assert.equal(d.items.find((x) => x.recipient === '出口企业群 ' + stamp).state, 'sent')
  await L.shots(p, 'deliveries')

  await L.go(p, '传递统计')
  await p.getByRole('heading', { name: '预警信息传递统计' }).waitFor()
  const year = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date())
  const st = await api.province.get('/stats/dissemination?year=' + year)
  await p.locator('[data-figure="published"]').filter({ hasText: new RegExp('^' + st.total.published + '$') }).waitFor()
  assert.equal(await p.locator('[data-figure="sent"]').innerText(), String(st.total.deliveries_sent))
  const jd = (await api.jiande.get('/session')).user.point_id
  const rep = await api.province.get('/stats/dissemination/report?year=' + year + '&point=' + jd)
  await L.row(p, rep.point_name).getByRole('button', { name: '年度传递情况' }).click()
  await p.locator('[data-report]').filter({ hasText: rep.text }).waitFor()
  assert.match(rep.text, /发布预警信息\d+条/)
  // The groups are named by the kinds pushed to: here WeCom robots only.
  const bc = rep.by_channel
  assert.ok(bc.wecom && !bc.dingtalk, JSON.stringify(bc))
  assert.ok(rep.text.includes('通过' + bc.wecom.recipients + '个企业微信群推送' + bc.wecom.sent + '条次'), rep.text)
  await L.shots(p, 'dissemination')
  noErrors(p)
})

test('邮件设置: a bad server address is refused under its field and nothing changes', async () => {
  const before = await api.admin.get('/settings/mail')
  const p = await L.rolePage('admin')
  await L.go(p, '邮件设置')
  await p.getByRole('heading', { name: '邮件设置' }).waitFor()
  await p.getByLabel(L.named('邮件服务器')).fill('http://mail.example.gov.cn')
  await p.getByLabel(L.named('发件人')).fill('noreply@example.gov.cn')
  await p.getByRole('button', { name: '保存' }).click()
  await p.locator('.el-form-item__error').filter({ hasText: 'smtp://' }).waitFor()
  assert.deepEqual(await api.admin.get('/settings/mail'), before)
  await L.shots(p, 'mail-settings')
  noErrors(p, [400])
})
