// The dashboard and 条数详情 in a real browser at the province scale of
// tests/scale/ (a stack filled by tests/scale/gen.py): how long each screen
// takes until its figures show, next to GET /api/health fetched by the same
// browser in the same run (the baseline). Prints medians, maxima and
// ratios; a benchmark, not a test (it asserts only that the screens show
// the API's figures).
//   YJ_UI_BASE=http://127.0.0.1:PORT node tests/ui/bench-dashboard.mjs [runs] [year]
import * as L from './lib.mjs'

const runs = Number(process.argv[2] || 5)
const year = String(process.argv[3] || 2025)
const { BASE } = L
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)] }
const ms = (v) => v.toFixed(1).padStart(8) + ' ms'

await L.launch()
const p = await L.rolePage('province')
const api = await L.apiLogin('province')
const summary = await api.get('/stats/summary?year=' + year)
const first = await api.get('/stats/points?year=' + year + '&per_page=20')
const busiest = first.items.reduce((a, r) => (r.warning_info > a.warning_info ? r : a), first.items[0])
const lastPage = Math.ceil(first.total / 20)

async function timed(fn) {
  const out = []
  await fn()   // warm-up
  for (let i = 0; i < runs; i++) { const t = performance.now(); await fn(); out.push(performance.now() - t) }
  return out
}
const fetchIn = (path) => p.evaluate(async (u) => { const r = await fetch(u, { credentials: 'same-origin' }); await r.text(); return r.status }, '/api' + path)

await p.goto(BASE + '/stats?year=' + year)
const rows = {}
rows['GET /api/health (baseline)'] = await timed(() => fetchIn('/health'))
rows['GET /index.html (static file, nginx)'] = await timed(() => p.evaluate(async () => (await fetch('/index.html')).text()))
rows['GET /api/stats/summary'] = await timed(() => fetchIn('/stats/summary?year=' + year))
rows['GET /api/stats/points (a page of 20)'] = await timed(() => fetchIn('/stats/points?year=' + year + '&per_page=20'))
rows['GET /api/stats/points (last page)'] = await timed(() => fetchIn('/stats/points?year=' + year + '&per_page=20&page=' + lastPage))
rows['GET /api/stats/points/{id}/records'] = await timed(() => fetchIn('/stats/points/' + busiest.point_id + '/records?year=' + year + '&metric=warning_info'))
rows['screen: 统计分析 until counts and 条数详情 show'] = await timed(async () => {
  await p.goto(BASE + '/stats?view=counts&year=' + year)
  await p.locator('.count-card[data-key="points"] .count-value').filter({ hasText: new RegExp('^' + summary.points + '$') }).waitFor()
  await p.getByText('共 ' + first.total + ' 条').first().waitFor()
  await p.locator('.el-table__body a[data-metric="warning_info"]').first().waitFor()
})
rows['screen: 条数详情 next page'] = await timed(async () => {
  const before = await p.locator('.el-table__body tr').first().innerText()
  await p.locator('.btn-next').click()
  await p.waitForFunction((b) => { const r = document.querySelector('.el-table__body tr'); return r && r.innerText !== b }, before)
  await p.locator('.btn-prev').click()
  await p.waitForFunction((b) => { const r = document.querySelector('.el-table__body tr'); return r && r.innerText === b }, before)
})
rows['screen: a number clicked, its records'] = await timed(async () => {
  await p.goto(BASE + '/stats/records/' + busiest.point_id + '?metric=warning_info&year=' + year)
  await p.locator('.records-total').filter({ hasText: String(busiest.warning_info) }).waitFor()
  await p.locator('.el-table__body tr').nth(Math.min(busiest.warning_info, 20) - 1).waitFor()
})

console.log('year %s: %d formal points, 上报信息 %d; the busiest point on page 1 has %d records; %d runs each',
  year, first.total, summary.warning_info, busiest.warning_info, runs)
const base = median(rows['GET /api/health (baseline)'])
for (const [k, v] of Object.entries(rows)) {
  console.log(k.padEnd(48), 'median', ms(median(v)), ' max', ms(Math.max(...v)), ' ×' + (median(v) / base).toFixed(1), 'health')
}
if (p.consoleErrors.length) console.log('console errors:', p.consoleErrors)
await L.close()
