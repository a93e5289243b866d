// The public side's calls: no session needed, so a 401 never sends anyone
// to the login page; errors keep the API's Chinese message and field.
import { request, query } from '../../api/client.js'
import { loadDict, dicts, dictName } from '../../api/dicts.js'

const open = { noRedirect: true }
export const pub = {
  get: (path, params) => request('GET', path + query(params), undefined, open),
  post: (path, body) => request('POST', path, body, open),
  patch: (path, body) => request('PATCH', path, body, open),
}

// The dictionaries the filters pick from (public reference data).
export function loadFilterDicts() {
  return Promise.all(['countries', 'industries', 'measure_types'].map((d) => loadDict(d)))
}
export { dicts, dictName }

// The list's filters as the API and the feeds take them.
export const FILTER_KEYS = ['country', 'industry', 'measure_type', 'hs', 'q', 'from', 'to']

export function filterQuery(f) {
  const out = {}
  for (const k of FILTER_KEYS) if (f[k]) out[k] = f[k]
  return out
}

export function feedUrl(kind, f) {
  return '/feeds/warnings.' + kind + query(filterQuery(f))
}

// A field named "countries[2]" by the API belongs to the form item "countries".
export function fieldOf(e) {
  return e && e.field ? String(e.field).replace(/\[\d+\]$/, '') : null
}

export function day(t) { return t ? String(t).slice(0, 10) : '' }

export const digestLabels = { immediate: '即时推送', daily: '每日汇总', weekly: '每周汇总' }
export const subStateLabels = { pending: '待确认', active: '已订阅', unsubscribed: '已退订' }

// A link a page may show as a link: http(s) only.
export function safeUrl(u) { return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : '' }
