// 评分标准 and 账号管理 through the screens: the files in force with their
// sha256, a refused file with its file:line: reason, a candidate standard
// loaded from disk into the Lua editor and previewed with its differences
// marked point by point and item by item; the admin creates an account
// that then logs in, resets its password, disables it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync, rmSync, mkdtempSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as L from './lib.mjs'

const { BASE } = L
// The rules folder of the stack under test (tests/run.sh: .run/ui-test).
const RULES = process.env.YJ_UI_RULES || new URL('../../.run/ui-test/rules/', import.meta.url).pathname
const SHIPPED = readFileSync(new URL('../../rules/scoring/2019.lua', import.meta.url), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'yujing-ui-rules-'))
let api = {}
before(async () => {
  await L.launch()
  for (const u of ['province', 'admin']) api[u] = await L.apiLogin(u)
})
after(async () => { await L.close(); rmSync(join(RULES, 'scoring', '2031.lua'), { force: true }) })
function noErrors(p, statuses) { assert.deepEqual(L.unexpectedErrors(p, statuses), []) }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

test('评分标准: the files in force with their sha256; a refused file shows its file:line: reason', async () => {
  assert.ok(existsSync(join(RULES, 'scoring')), 'the stack\'s rules folder ' + RULES + ' (YJ_UI_RULES)')
  const bad = join(RULES, 'scoring', '2031.lua')
  writeFileSync(bad, 'return {\n  title = "2031年度标准",\n  score = function(f) return = 1 end,\n}\n')
  let rules
  for (let i = 0; i < 50; i++) {
    rules = (await api.province.get('/rules')).items
    if (rules.some((r) => r.name === 'scoring/2031.lua' && r.error)) break
    await sleep(200)
  }
  const refused = rules.find((r) => r.name === 'scoring/2031.lua')
  assert.match(refused.error, /^scoring\/2031\.lua:3: /)
  const p = await L.rolePage('province')
  await L.go(p, '评分标准')
  await p.getByRole('heading', { name: '评分标准' }).waitFor()
  for (const r of rules.filter((x) => x.in_force)) {
    const cells = (await p.locator('tr[data-name="' + r.name + '"] td').allInnerTexts()).map((t) => t.trim())
    assert.equal(cells[0], r.name)
    assert.equal(cells[2], r.sha256)
    assert.equal(cells[3], r.loaded_at.slice(0, 19).replace('T', ' '))
    assert.equal(cells[4], '生效中')
  }
  await p.getByRole('alert').filter({ hasText: refused.error }).waitFor()
  await L.shots(p, 'rules-refused')
  rmSync(bad)
  for (let i = 0; i < 50 && (await api.province.get('/rules')).items.some((r) => r.name === 'scoring/2031.lua'); i++) await sleep(200)
  await p.getByRole('button', { name: '刷新' }).click()
  await p.locator('tr[data-name="scoring/2031.lua"]').waitFor({ state: 'detached' })
  assert.equal(await p.getByRole('alert').count(), 0)
  noErrors(p)
})

test('试算: a changed standard loaded from disk shows the differences point by point and item by item', async () => {
  const tail = '  return { items = items, total = total }\n'
  assert.ok(SHIPPED.includes(tail), 'the shipped 2019.lua no longer ends its score function with the expected line')
  // The candidate: the basic-info item worth its full 5 for every point of 杭州市.
  const cand = SHIPPED.replace(tail, '  for _, it in ipairs(items) do\n    if it.key == "upkeep_basic" and it.score < it.max and facts.point.city == "330100" then\n' +
    '      total = total + (it.max - it.score); it.score = it.max; it.reason = "试算：一律满分"\n    end\n  end\n' + tail)
  const file = join(tmp, '2019.lua')
  writeFileSync(file, cand)
  const want = await api.province.post('/rules/preview?page=1&per_page=20', { year: 2019, source: cand })
  const changed = want.items.filter((r) => r.total !== r.current_total)
  assert.ok(changed.length > 0 && changed.length < want.items.length, 'some points change, not all')
  assert.ok(changed.every((r) => r.city === '330100'))
  const p = await L.rolePage('province')
  await L.go(p, '评分标准')
  await p.getByRole('button', { name: '试算评分标准' }).click()
  await p.getByRole('heading', { name: '试算评分标准' }).waitFor()
  // A broken candidate typed into the editor: the API's file:line: reason.
  await p.getByLabel('评分标准脚本').click()
  await p.keyboard.type('return {\n  title = "x",\n  score = function(f) return = 1 end,\n}\n')
  await p.getByRole('button', { name: '试算' }).click()
  await p.getByRole('alert').filter({ hasText: /^preview\/\d{4}\.lua:3: / }).waitFor()
  // The changed standard, from disk.
  await p.getByLabel('从文件载入').setInputFiles(file)
  await p.getByText('已载入：2019.lua').waitFor()
  assert.equal(await p.getByRole('combobox', { name: '年度' }).locator('..').locator('..').innerText().then((t) => t.includes('2019')), true)
  await p.locator('.cm-line').first().filter({ hasText: SHIPPED.split('\n')[0] }).waitFor()
  await p.getByRole('button', { name: '试算' }).click()
  await p.locator('.changed-count').filter({ hasText: String(changed.length) }).waitFor()
  assert.equal(await p.locator('.preview-table > tbody > tr.changed').count(), changed.length)
  for (const r of want.items) {
    const tr = p.locator('.preview-table > tbody > tr[data-point="' + r.point_id + '"]')
    const cells = (await tr.locator('td').allInnerTexts()).map((t) => t.trim())
    const d = r.total - r.current_total
    assert.deepEqual(cells.slice(0, 4), [r.point_name, String(r.current_total), String(r.total), d === 0 ? '' : '+' + d])
    assert.equal((await tr.getAttribute('class') || '').includes('changed'), d !== 0)
  }
  // Item by item (the first changed points open by themselves).
  const r = changed[0]
  const items = p.locator('.preview-table > tbody > tr[data-point="' + r.point_id + '"] + tr.items-row')
  await items.waitFor()
  for (const it of r.items) {
    const cur = r.current_items.find((x) => x.key === it.key)
    const row = items.locator('tr[data-key="' + it.key + '"]')
    assert.equal((await row.getAttribute('class') || '').includes('changed'), cur.score !== it.score, it.key)
    const cells = (await row.locator('td').allInnerTexts()).map((t) => t.trim())
    assert.deepEqual(cells.slice(0, 4), [it.label, String(cur.score), String(it.score), String(it.max)])
  }
  assert.equal(await items.locator('tr.changed').count(), 1)
  await L.shots(p, 'rules-preview')
  // Nothing was activated.
  assert.ok((await api.province.get('/rules')).items.every((x) => !x.name.startsWith('preview')))
  noErrors(p, [400])
})

test('账号管理: the admin creates an account that then logs in; refusals in place; reset password; disable', async () => {
  const p = await L.rolePage('admin')
  await p.getByRole('heading', { name: '账号管理' }).waitFor()
  const all = await api.admin.get('/users?per_page=20')
  await p.getByText('共 ' + all.total + ' 条').waitFor()
  const username = 'ui' + Date.now().toString(36)
  await p.getByRole('button', { name: '新建账号' }).click()
  const dlg = p.getByRole('dialog', { name: '新建账号' })
  await dlg.getByLabel('用户名').fill(username)
  await dlg.getByLabel('姓名').fill('宁波市商务局测试')
  await L.choose(dlg, '角色', '地市商务局')
  await dlg.getByLabel('初始密码').fill('weak')
  await dlg.getByRole('button', { name: '保存' }).click()
  await dlg.locator('.el-form-item').filter({ has: p.getByLabel('初始密码') }).locator('.el-form-item__error')
    .filter({ hasText: '密码' }).waitFor()
  await dlg.getByLabel('初始密码').fill('Ningbo#2026x')
  await dlg.getByRole('button', { name: '保存' }).click()
  await dlg.locator('.el-form-item').filter({ has: p.getByLabel('所属地市') }).locator('.el-form-item__error')
    .filter({ hasText: '地市账号须指定所属地市' }).waitFor()
  await L.shots(p, 'admin-user-refused')
  await L.choose(dlg, '所属地市', '宁波市')
  await dlg.getByRole('button', { name: '保存' }).click()
  await dlg.waitFor({ state: 'hidden' })
  await L.row(p, username).getByText('宁波市', { exact: true }).waitFor()
  const u = (await api.admin.get('/users?q=' + username)).items[0]
  assert.deepEqual([u.role, u.city, u.point_id, u.disabled], ['city', '330200', null, false])
  await L.shots(p, 'admin-users')
  // The new account logs in and lands on its city's review queue.
  const q = await L.rolePage(null)
  await L.login(q, username, 'Ningbo#2026x')
  await q.getByRole('heading', { name: /审核/ }).first().waitFor()
  assert.equal(new URL(q.url()).pathname, '/review')
  assert.deepEqual(await L.menu(q), ['原创预警信息审核', '商务局预警信息', '地市审核进度查询', '预警点管理', '统计分析', '传递统计', '投递记录'])
  noErrors(q)
  // Reset its password: the new one works, the old one no longer.
  await L.row(p, username).getByRole('button', { name: '重置密码' }).click()
  const rd = p.getByRole('dialog', { name: '重置密码' })
  await rd.getByLabel('新密码').fill('Reset#2026y')
  await rd.getByRole('button', { name: '保存' }).click()
  await rd.waitFor({ state: 'hidden' })
  const tryLogin = async (pw) => (await fetch(BASE + '/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: pw }) })).status
  assert.equal(await tryLogin('Ningbo#2026x'), 401)
  assert.equal(await tryLogin('Reset#2026y'), 200)
  // Disable it: it cannot log in.
  await L.row(p, username).getByRole('button', { name: '停用' }).click()
  await L.row(p, username).getByText('已停用').waitFor()
  assert.equal((await api.admin.get('/users?q=' + username)).items[0].disabled, true)
  assert.equal(await tryLogin('Reset#2026y'), 401)
  noErrors(p, [400])
})
