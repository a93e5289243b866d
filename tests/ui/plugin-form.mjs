// The form of a report type that only a plugin declares (tests/plugin-example:
// monthly_export, 月度出口统计) in the web UI: the point's menu lists it, its
// form has the plugin's fields, the plugin's refusal shows under its field,
// and the saved item shows what was typed. No UI code knows this type.
// Run by tests/plugin-example/build.sh: node tests/ui/plugin-form.mjs
// (YJ_UI_BASE = the stack with the plugin). Prints "ok - …" or fails.
import assert from 'node:assert/strict'
import * as L from './lib.mjs'

await L.launch()
try {
  const p = await L.rolePage('jiande')
  assert.ok((await L.menu(p)).includes('月度出口统计'), 'the menu lists the plugin\'s type')
  await L.go(p, '月度出口统计')
  await p.getByRole('button', { name: '新建月度出口统计' }).click()
  await p.getByRole('heading', { name: '新建月度出口统计' }).waitFor()
  const labels = (await p.locator('.schema-form .el-form-item__label').allInnerTexts()).map((t) => t.trim())
  assert.deepEqual(labels, ['年度', '月份', '出口额（万美元）', '主要出口市场', '备注'])
  await p.getByLabel('月份').fill('10')
  await p.getByRole('button', { name: '保存' }).click()
  const value = p.locator('.el-form-item').filter({ has: p.getByLabel('出口额（万美元）') })
  await value.locator('.el-form-item__error').waitFor()
  const refusal = await value.locator('.el-form-item__error').innerText()
  await p.getByLabel('出口额（万美元）').fill('1234.5')
  const markets = p.getByRole('combobox', { name: L.named('主要出口市场') })
  for (const m of ['美国', '欧盟']) { await markets.pressSequentially(m); await markets.press('Enter') }
  await p.getByLabel('备注').fill('演示')
  await L.shots(p, 'plugin-monthly-export-form')
  await p.getByRole('button', { name: '保存' }).click()
  await p.waitForURL(/\/submissions\/\d+$/)
  assert.equal(await p.locator('[data-field="value"]').innerText(), '1234.5')
  assert.equal(await p.locator('[data-field="markets"]').innerText(), '美国、欧盟')
  assert.equal(await p.locator('[data-field="month"]').innerText(), '10')
  await L.shots(p, 'plugin-monthly-export-item')
  assert.deepEqual(L.unexpectedErrors(p, [400]), [])
  console.log('ok - the web UI builds monthly_export\'s form from /api/report-types (refusal in place: ' + refusal + ')')
} finally {
  await L.close()
}
