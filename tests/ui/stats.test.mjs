// 统计分析 through the screens: the dashboard's counts equal the API's, a
// number of 条数详情 clicked shows exactly that many records, 分数详情 shows
// each item with its reason, the information list downloads (xlsx, CSV)
// and reads back, the charts carry the API's figures; a city sees its city.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import * as L from './lib.mjs'

const { BASE } = L
const Y = String(new Date().getFullYear())
const stamp = Date.now().toString(36)
let api = {}
let jiande = null         // jiande's point id
const made = []            // the items this file passes, for the drill-down

before(async () => {
  await L.launch()
  for (const u of ['jiande', 'hangzhou', 'province', 'editor']) api[u] = await L.apiLogin(u)
  jiande = (await api.jiande.get('/session')).user.point_id
  // Three warning infos of jiande through the review, one published to the
  // work-exchange column, one accepted by the magazine.
  for (const [i, options] of [{ work_exchange: true }, { magazine: true }, {}].entries()) {
    let s = await api.jiande.post('/submissions', { type: 'warning_info', fields: { title: '统计测试预警' + (i + 1) + '·' + stamp,
      country: 'US', industry: 'CHEMICAL', measure_type: i === 0 ? 'AD' : 'TBT', content: '统计页面测试。', author: '姚红燕', phone: '0571-64712345' } })
    s = await api.jiande.post('/submissions/' + s.id + '/submit', { version: s.version })
    s = await api.hangzhou.post('/submissions/' + s.id + '/decisions', { decision: 'pass', opinion: '', version: s.version })
    s = await api.province.post('/submissions/' + s.id + '/decisions', { decision: 'pass', opinion: '',
      options: { magazine: false, work_exchange: false, internal_exchange: false, ...options }, version: s.version })
    if (options.magazine) s = await api.editor.post('/submissions/' + s.id + '/magazine', { accept: true })
    made.push(s)
  }
})
after(async () => { await L.close() })

function noErrors(p, statuses) { assert.deepEqual(L.unexpectedErrors(p, statuses), []) }
async function cards(p) {
  await p.locator('.count-card .count-value').first().filter({ hasNotText: '—' }).waitFor()
  const out = {}
  for (const c of await p.locator('.count-card').all()) out[await c.getAttribute('data-key')] = Number(await c.locator('.count-value').innerText())
  return out
}
const want = (s) => ({ warning_info: s.warning_info, notices: s.notices, quarterly_analysis: s.quarterly_analysis,
  annual_summary: s.annual_summary, magazine_accepted: s.magazine_accepted, points: s.points, enterprises: s.enterprises })

test('dashboard: the province lands on 统计分析; the counts equal the API\'s, for the province and for a city', async () => {
  const p = await L.rolePage('province')
  await p.getByRole('heading', { name: '统计分析' }).waitFor()
  assert.equal(new URL(p.url()).pathname, '/stats')
  assert.deepEqual(await cards(p), want(await api.province.get('/stats/summary?year=' + Y)))
  await L.choose(p, '所属地区', '杭州市')
  await p.getByRole('button', { name: '查询', exact: true }).click()
  await p.waitForURL(/city=330100/)
  const hz = want(await api.province.get('/stats/summary?year=' + Y + '&city=330100'))
  await p.locator('.count-card[data-key="points"] .count-value').filter({ hasText: new RegExp('^' + hz.points + '$') }).waitFor()
  assert.deepEqual(await cards(p), hz)
  await L.shots(p, 'stats-dashboard')
  noErrors(p)
  // The city's own screen: its city, no 所属地区 to choose.
  const c = await L.rolePage('hangzhou')
  await L.go(c, '统计分析')
  assert.deepEqual(await cards(c), want(await api.hangzhou.get('/stats/summary?year=' + Y)))
  assert.deepEqual(await cards(c), hz)
  assert.equal(await c.getByRole('combobox', { name: '所属地区' }).count(), 0)
  const rows = await api.hangzhou.get('/stats/points?year=' + Y + '&per_page=200')
  assert.ok(rows.items.every((r) => r.city === '330100'))
  await c.getByText('共 ' + rows.total + ' 条').waitFor()
  noErrors(c)
})

test('条数详情: each number is a link; clicked, it shows exactly that many records with 提交时间 and 录用时间', async () => {
  const p = await L.rolePage('province')
  await p.goto(BASE + '/stats?view=counts&year=' + Y + '&point=' + jiande)
  const row = (await api.province.get('/stats/points?year=' + Y + '&point=' + jiande)).items[0]
  const tr = L.row(p, row.point_name)
  await tr.waitFor()
  for (const m of ['warning_info', 'annual_summary', 'quarterly_analysis', 'internal_adopted', 'quarterly_magazine',
    'warning_magazine', 'subsite_info', 'subsite_news', 'work_exchange']) {
    assert.equal(await tr.locator('a[data-metric="' + m + '"]').innerText(), String(row[m]), m)
  }
  assert.ok(row.warning_info >= 3 && row.work_exchange >= 1 && row.warning_magazine >= 1)
  await L.shots(p, 'stats-counts')
  // 上报信息: every record, each one this file made among them.
  await tr.locator('a[data-metric="warning_info"]').click()
  await p.waitForURL(/\/stats\/records\//)
  await p.getByRole('heading', { name: Y + '年上报信息记录详情' }).waitFor()
  await p.locator('.records-total').filter({ hasText: String(row.warning_info) }).waitFor()
  const shown = Math.min(row.warning_info, 20)
  await p.locator('.el-table__body tr').nth(shown - 1).waitFor()
  assert.equal(await p.locator('.el-table__body tr').count(), shown)
  const recs = await api.province.get('/stats/points/' + jiande + '/records?year=' + Y + '&metric=warning_info&per_page=20')
  assert.equal(recs.total, row.warning_info)
  for (const [i, r] of recs.items.entries()) {
    const cells = await p.locator('.el-table__body tr').nth(i).locator('td').allInnerTexts()
    assert.deepEqual(cells.map((t) => t.trim()), [String(r.seq), r.title, r.submitted_at.slice(0, 19).replace('T', ' '),
      r.accepted_at ? r.accepted_at.slice(0, 19).replace('T', ' ') : ''])
  }
  const all = await api.province.get('/stats/points/' + jiande + '/records?year=' + Y + '&metric=warning_info&per_page=200')
  assert.deepEqual(made.map((m) => Boolean(all.items.find((r) => r.id === m.id).accepted_at)), [false, true, false], 'the magazine\'s 录用时间')
  await L.shots(p, 'stats-records')
  // 外网录用: the work-exchange items only.
  await p.getByRole('button', { name: '返回' }).click()
  await L.row(p, row.point_name).locator('a[data-metric="work_exchange"]').click()
  await p.getByRole('heading', { name: Y + '年外网录用记录详情' }).waitFor()
  await p.locator('.records-total').filter({ hasText: String(row.work_exchange) }).waitFor()
  assert.equal(await p.locator('.el-table__body tr').count(), Math.min(row.work_exchange, 20))
  await L.row(p, made[0].title).waitFor()
  assert.equal(await L.row(p, made[2].title).count(), 0)
  noErrors(p)
})

test('分数详情: each point\'s total; a point\'s page shows every item with its score, maximum and reason', async () => {
  const p = await L.rolePage('province')
  await p.goto(BASE + '/stats?year=' + Y)
  await p.getByRole('button', { name: '分数详情' }).click()
  await p.waitForURL(/view=scores/)
  const sc = await api.province.get('/scores/' + jiande + '?year=' + Y)
  const tr = L.row(p, sc.point_name)
  await tr.waitFor()
  assert.equal((await tr.locator('td').nth(3).innerText()).trim(), String(sc.total))
  await L.shots(p, 'stats-scores')
  await tr.getByRole('button', { name: '查看' }).click()
  await p.getByRole('heading', { name: sc.point_name + ' · ' + Y + '年度得分' }).waitFor()
  assert.equal(await p.locator('.score-total').innerText(), String(sc.total))
  assert.ok(sc.items.length >= 5)
  for (const it of sc.items) {
    const cells = await p.locator('tr[data-key="' + it.key + '"] td').allInnerTexts()
    assert.deepEqual(cells.map((t) => t.trim()), [it.label, String(it.score), String(it.max), it.reason])
  }
  await L.shots(p, 'stats-score-items')
  noErrors(p)
})

test('导出信息清单: the xlsx and the CSV download and read back with the figures of 条数详情', async () => {
  const p = await L.rolePage('province')
  await p.goto(BASE + '/stats?year=' + Y)
  await p.getByRole('button', { name: '导出信息清单' }).waitFor()
  const [csv] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: '导出CSV' }).click()])
  assert.equal(csv.suggestedFilename(), Y + '年度信息清单.csv')
  const text = readFileSync(await csv.path(), 'utf8')
  assert.equal(text.charCodeAt(0), 0xfeff, 'UTF-8 with BOM')
  const lines = text.slice(1).split(/\r?\n/).filter(Boolean).map((l) => l.split(','))
  const row = (await api.province.get('/stats/points?year=' + Y + '&point=' + jiande)).items[0]
  const mine = lines.find((l) => l[1] === row.point_name)
  assert.ok(mine, 'jiande in the CSV')
  assert.deepEqual(mine.slice(2, 6).map(Number), [row.warning_info, row.work_exchange, row.warning_magazine, row.internal_adopted])
  assert.equal(lines.at(-1)[0], '合计')
  assert.equal(Number(lines.at(-1)[2]), (await api.province.get('/stats/summary?year=' + Y)).warning_info)
  const [xlsx] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: '导出信息清单' }).click()])
  assert.equal(xlsx.suggestedFilename(), Y + '年度信息清单.xlsx')
  const file = await xlsx.path()
  assert.equal(readFileSync(file).subarray(0, 2).toString(), 'PK')
  const strings = execFileSync('unzip', ['-p', file, 'xl/sharedStrings.xml']).toString()
  assert.ok(strings.includes(row.point_name) && strings.includes('合计') && strings.includes('信息上报'))
  noErrors(p)
})

test('charts: per month, per city, per measure type, with the API\'s figures', async () => {
  const p = await L.rolePage('province')
  await p.goto(BASE + '/stats?year=' + Y)
  await p.getByRole('button', { name: '图表' }).click()
  await p.locator('[data-chart="city"] canvas').waitFor()
  await p.waitForTimeout(1500)    // the entry animation
  const d = await api.province.get('/stats/charts?year=' + Y)
  const label = async (k) => (await p.locator('[data-chart="' + k + '"]').getAttribute('aria-label')) || ''
  const city = await label('city')
  assert.equal(city, '上报信息按地市：' + d.by_city.map((c) => c.name + ' ' + c.count + ' 条').join('，') + '。')
  assert.equal(await label('month'), '上报信息按月：' + d.by_month.map((m) => m.month + '月 ' + m.count + ' 条').join('，') + '。')
  assert.equal(await label('measure'), '上报信息按措施类型：' + d.by_measure_type.map((m) => m.name + ' ' + m.count + ' 条').join('，') + '。')
  assert.ok(d.by_measure_type.find((m) => m.code === 'TBT').count >= 2)
  assert.equal(d.by_month.reduce((a, m) => a + m.count, 0), (await api.province.get('/stats/summary?year=' + Y)).warning_info)
  await L.shots(p, 'stats-charts')
  noErrors(p)
})
