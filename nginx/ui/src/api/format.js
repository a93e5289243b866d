// Display helpers shared by every screen.
export const stateLabels = { draft: '草稿', submitted: '待审核', approved: '已通过', returned: '退回修改', rejected: '不予通过' }
export const decisionLabels = { pass: '通过', return: '退回修改', reject: '不予通过', revert: '撤销审核' }
export const roleLabels = { admin: '系统管理员', province: '省商务厅', city: '地市商务局', point: '预警点', editor: '杂志编辑' }
export const levelLabels = { city: '地市审核', province: '省厅审核' }
export const magazineLabels = { pending: '待录用', accepted: '录用', declined: '不录用' }

export function stateText(s) {
  let t = stateLabels[s.state] || s.state
  if (s.state === 'submitted' && s.review_level) t += '（' + levelLabels[s.review_level] + '）'
  return t
}

// Times are shown as Asia/Shanghai wall-clock time, whatever zone the
// browser runs in: the API answers them with +08:00 (shown as they are);
// any other offset, or a browser-made instant, is moved to UTC+8 (China
// has had no summer time since 1991).
const SHANGHAI = 8 * 3600 * 1000
const pad = (n) => String(n).padStart(2, '0')
function shanghai(ms) {
  const d = new Date(ms + SHANGHAI)
  return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
    pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds())
}

export function time(t) {
  if (!t) return ''
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/.exec(t)
  if (!m) return t
  if (!m[4] || m[4] === '+08:00' || m[4] === '+0800') return m[1] + ' ' + m[2]
  return shanghai(Date.parse(t))
}

// Now, as the API writes times ("YYYY-MM-DDTHH:MM:SS+08:00").
export function nowIso() { return shanghai(Date.now()).replace(' ', 'T') + '+08:00' }
// The current year in Beijing (the statistics' and the forms' default).
export function thisYear() { return new Date(Date.now() + SHANGHAI).getUTCFullYear() }

export function optionsText(o) {
  if (!o) return ''
  const out = []
  if (o.magazine) out.push('推荐到杂志')
  if (o.work_exchange) out.push('发布到预警工作交流')
  if (o.internal_exchange) out.push('重要信息内部交流')
  return out.join('、')
}

export function size(n) {
  if (n < 1024) return n + ' B'
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB'
  return (n / 1024 / 1024).toFixed(1) + ' MB'
}
