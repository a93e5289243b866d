// Helpers of the browser tests: Debian's Chromium driven by playwright-core
// (from nginx/ui's lockfile), one fresh profile per run, console errors
// collected per page, screenshots at 1366x768 and 390x844 under .run/ui/.
import { createRequire } from 'node:module'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

const require = createRequire(new URL('../../nginx/ui/package.json', import.meta.url))
const { chromium } = require('playwright-core')

export const BASE = process.env.YJ_UI_BASE || 'http://127.0.0.1:18080'
export const PASSWORD = 'Demo#2019'
export const SHOTS = process.env.YJ_UI_SHOTS || new URL('../../.run/ui/', import.meta.url).pathname
mkdirSync(SHOTS, { recursive: true })

export const WIDE = { width: 1366, height: 768 }
export const PHONE = { width: 390, height: 844 }

let browser = null
// Playwright starts Chromium with a fresh temporary --user-data-dir of its
// own for every launch, and removes it on close.
export async function launch() {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  return browser
}
export async function close() { if (browser) await browser.close() }

// Each role in its own browser context (own cookies), as people at
// different desks; console errors and page errors collected on the page.
// options: more of the context's (e.g. timezoneId).
export async function rolePage(username, viewport = WIDE, options = {}) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', acceptDownloads: true, ...options })
  const page = await ctx.newPage()
  page.consoleErrors = []
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()) })
  page.on('pageerror', (e) => page.consoleErrors.push('pageerror: ' + e.message))
  if (username) await login(page, username)
  return page
}

export async function login(page, username, password = PASSWORD) {
  await page.goto(BASE + '/login')
  await page.getByLabel('用户名').fill(username)
  await page.getByLabel('密码', { exact: true }).fill(password)
  await page.getByRole('button', { name: '登录' }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
  await page.getByRole('navigation', { name: '用户' }).waitFor()
}

// Both widths; waits for dialogs, messages and animations to settle.
export async function shots(page, name) {
  const size = page.viewportSize()
  await page.waitForTimeout(400)
  await page.setViewportSize(WIDE)
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(SHOTS, name + '-1366.png'), fullPage: true })
  await page.setViewportSize(PHONE)
  await page.waitForTimeout(300)
  await page.screenshot({ path: join(SHOTS, name + '-390.png'), fullPage: true })
  await page.setViewportSize(size)
  await page.waitForTimeout(200)
}

// The API as a test's own client, to set up and to check what the screen says.
export async function apiLogin(username) {
  const r = await fetch(BASE + '/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }) })
  if (!r.ok) throw new Error('login ' + username + ': ' + r.status)
  const cookie = r.headers.get('set-cookie').split(';')[0]
  const { csrf_token: csrf } = await r.json()
  const call = async (method, path, body) => {
    const resp = await fetch(BASE + '/api' + path, { method, headers: { Cookie: cookie, 'X-CSRF-Token': csrf,
      'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await resp.text()
    const data = text ? JSON.parse(text) : null
    if (!resp.ok) { const e = new Error(method + ' ' + path + ': ' + resp.status + ' ' + text); e.status = resp.status; e.data = data; throw e }
    return data
  }
  return { get: (p) => call('GET', p), post: (p, b) => call('POST', p, b ?? {}), patch: (p, b) => call('PATCH', p, b), del: (p) => call('DELETE', p) }
}

// Console errors a test did not provoke. A refusal the test asks for shows
// in Chromium's console as "Failed to load resource: ... status of 409";
// pass those statuses as expected.
export function unexpectedErrors(page, statuses = []) {
  return page.consoleErrors.filter((m) => {
    const s = /status of (\d{3})/.exec(m)
    return !(s && statuses.includes(Number(s[1])))
  })
}

// Element Plus controls, found by their visible label as a user would.
// A required field's label reads "*标题" to assistive technology (the
// asterisk is CSS content), so names are matched with an optional "*".
export const named = (label) => new RegExp('^\\*?\\s*' + label + '$')
// scope: the page, or a part of it (a dialog); the options open in a
// popper at the end of the page.
export async function choose(scope, label, option) {
  const page = typeof scope.page === 'function' ? scope.page() : scope
  const box = page.getByRole('combobox', { name: named(label) })
  await scope.locator('.el-select__wrapper').filter({ has: box }).click()
  await page.getByRole('option', { name: option, exact: true }).locator('visible=true').click()
}
export async function menu(page) {
  return (await page.getByRole('navigation', { name: '我的工作' }).locator('.el-menu-item').allInnerTexts())
    .map((t) => t.trim())
}
export async function go(page, entry) {
  await page.getByRole('navigation', { name: '我的工作' }).getByRole('menuitem', { name: entry, exact: true }).click()
}
// The table row (or card at phone width) holding a text.
export function row(page, text) {
  return page.locator('.el-table__body tr, .card-item').filter({ hasText: text }).first()
}
// Radios and checkboxes by their text (Element Plus hides the <input>).
export async function radio(scope, name) {
  await scope.locator('.el-radio').filter({ hasText: new RegExp('^\\s*' + name + '\\s*$') }).click()
}
export function checkbox(scope, name) {
  return scope.locator('.el-checkbox').filter({ hasText: new RegExp('^\\s*' + name + '\\s*$') })
}
