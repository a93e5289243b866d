// Dictionaries and report types, read once per session and cached.
import { reactive } from 'vue'
import { api, session } from './client.js'

const cache = {}
export const dicts = reactive({ countries: [], industries: [], measure_types: [], regions: [] })

const paths = { countries: '/dicts/countries', industries: '/dicts/industries',
  measure_types: '/dicts/measure-types', regions: '/dicts/regions' }

export function loadDict(name) {
  if (!cache[name]) {
    cache[name] = api.get(paths[name]).then((d) => { dicts[name] = d.items; return d.items })
      .catch((e) => { delete cache[name]; throw e })
  }
  return cache[name]
}

export function dictName(name, code) {
  if (code === null || code === undefined || code === '') return ''
  const e = (dicts[name] || []).find((x) => x.code === code)
  return e ? e.name : code
}

export function cityName(code) {
  const c = dicts.regions.find((x) => x.code === code)
  if (c) return c.name
  for (const city of dicts.regions) {
    const d = (city.districts || []).find((x) => x.code === code)
    if (d) return d.name
  }
  return code || ''
}

// The unit an item came from: its point, else the city office (商务局) that
// wrote it, else the province (省商务厅).
export function unitName(s) {
  if (s.point_name) return s.point_name
  return s.city ? cityName(s.city) + '商务局' : '省商务厅'
}

let typesPromise = null
export const reportTypes = reactive({ list: [] })
export function loadReportTypes(force) {
  if (!typesPromise || force) {
    typesPromise = api.get('/report-types').then((d) => { reportTypes.list = d.items; return d.items })
      .catch((e) => { typesPromise = null; throw e })
  }
  return typesPromise
}
export function typeOf(name) { return reportTypes.list.find((t) => t.name === name) }
export function typeLabel(name) { const t = typeOf(name); return t ? t.label : name }

export function resetCaches() { typesPromise = null; reportTypes.list = [] }

// Points, by id, for showing a submission's unit.
const pointNames = reactive({})
export function pointName(id) {
  if (!id) return ''
  if (session.user && session.user.role === 'editor') return ''   // the editor reads no points
  if (!(id in pointNames)) {
    pointNames[id] = ''
    api.get('/points/' + id).then((p) => { pointNames[id] = p.name }).catch(() => { pointNames[id] = '预警点 ' + id })
  }
  return pointNames[id]
}
