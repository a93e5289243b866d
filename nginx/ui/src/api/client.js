// The one door to the HTTP API (/api/...). Every state-changing call sends
// the session's X-CSRF-Token; a 401 sends the user to the login page and
// back; errors become ApiError with the API's Chinese message and field.
import { reactive } from 'vue'

export const session = reactive({ user: null, csrf: null, checked: false, unread: 0 })

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(e.message || statusText(status))
    this.status = status
    this.code = e.code || 'internal'
    this.field = e.field || null
  }
}

function statusText(status) {
  if (status === 429) return '操作过于频繁，请稍后再试'
  if (status === 413) return '文件过大'
  if (status === 503) return '服务暂不可用，请稍后再试'
  if (status === 0) return '无法连接服务器，请检查网络'
  return '请求失败（' + status + '）'
}

let onUnauthenticated = () => {}
export function setUnauthenticatedHandler(fn) { onUnauthenticated = fn }

export function query(params) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue
    q.set(k, String(v))
  }
  const s = q.toString()
  return s ? '?' + s : ''
}

export async function request(method, path, body, opts = {}) {
  const headers = {}
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  let payload
  if (opts.raw !== undefined) {
    payload = opts.raw
    headers['Content-Type'] = 'application/octet-stream'
  } else if (body !== undefined) {
    payload = JSON.stringify(body)
    headers['Content-Type'] = 'application/json; charset=utf-8'
  }
  let resp
  try {
    resp = await fetch('/api' + path, { method, headers, body: payload, credentials: 'same-origin' })
  } catch (e) {
    throw new ApiError(0, null)
  }
  if (resp.status === 204) return null
  const text = await resp.text()
  let data = null
  if (text) {
    try { data = JSON.parse(text) } catch (e) { data = null }
  }
  if (!resp.ok) {
    const err = new ApiError(resp.status, data)
    if (resp.status === 401 && !opts.noRedirect) {
      session.user = null
      session.csrf = null
      onUnauthenticated()
    }
    throw err
  }
  return data
}

export const api = {
  get: (path, params) => request('GET', path + query(params)),
  post: (path, body) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
  upload: (path, blob) => request('POST', path, undefined, { raw: blob }),
}

// Whether this browser signed in last time: without it, the first page
// (the login page) does not ask GET /api/session for a 401 it knows.
const HINT = 'yj-signed-in'
const hint = (on) => { try { if (on) localStorage.setItem(HINT, '1'); else localStorage.removeItem(HINT) } catch (e) { /* private mode */ } }
const hinted = () => { try { return localStorage.getItem(HINT) === '1' } catch (e) { return true } }

export async function login(username, password) {
  const data = await request('POST', '/session', { username, password }, { noRedirect: true })
  session.user = data.user
  session.csrf = data.csrf_token
  hint(true)
  return data.user
}

export async function loadSession() {
  if (!hinted()) {
    session.user = null
    session.checked = true
    return null
  }
  try {
    const data = await request('GET', '/session', undefined, { noRedirect: true })
    session.user = data.user
    session.csrf = data.csrf_token
  } catch (e) {
    session.user = null
    session.csrf = null
    hint(false)
  }
  session.checked = true
  return session.user
}

export async function logout() {
  try { await request('DELETE', '/session', undefined, { noRedirect: true }) } catch (e) { /* gone already */ }
  session.user = null
  session.csrf = null
  hint(false)
}

export async function refreshUnread() {
  if (!session.user) return
  try {
    const d = await api.get('/messages', { unread: 'true', per_page: 1 })
    // A count past list_count_limit is a lower bound: "1000+".
    session.unread = d.total_exact === false ? d.total + '+' : d.total
  } catch (e) { /* shown elsewhere */ }
}
