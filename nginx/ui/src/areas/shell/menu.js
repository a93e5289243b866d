// Each role's menu under 我的工作: only the entries it may use (the others
// are absent, not disabled). A point gets one entry per report type it may
// submit, from GET /api/report-types, so a plugin's type appears by itself.
const menuLabelOfType = { subsite_post: '子网站信息发布', warning_info: '预警信息上报' }

// The built-in types in the seed's order; a plugin's type after them.
const order = ['warning_info', 'quarterly_analysis', 'annual_summary', 'subsite_post']
const rank = (t) => { const i = order.indexOf(t.name); return i < 0 ? order.length : i }
const byOrder = (a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name)

export function menuFor(user, types) {
  if (!user) return []
  switch (user.role) {
  case 'point':
    return [
      { label: '我的报送', path: '/my' },
      ...types.filter((t) => t.can_submit).sort(byOrder).map((t) => ({ label: menuLabelOfType[t.name] || t.label, path: '/my/' + t.name })),
    ]
  case 'city':
    return [
      { label: '原创预警信息审核', path: '/review' },
      { label: '商务局预警信息', path: '/city-info' },
      { label: '地市审核进度查询', path: '/progress' },
    ]
  case 'province':
    return [
      { label: '原创预警信息审核', path: '/review' },
      { label: '审核意见配置', path: '/opinions' },
      { label: '地市审核进度查询', path: '/progress' },
      { label: '季度形势分析', path: '/list/quarterly_analysis' },
      { label: '年度工作总结', path: '/list/annual_summary' },
      { label: '内部交流', path: '/internal' },
      { label: '下发信息', path: '/notices' },
    ]
  case 'editor':
    return [{ label: '期刊杂志', path: '/magazine' }]
  case 'admin':
    return [{ label: '帮助中心', path: '/help' }]
  }
  return []
}

export function homeFor(user) {
  switch (user && user.role) {
  case 'point': return '/my'
  case 'city': return '/review'
  case 'province': return '/review'
  case 'editor': return '/magazine'
  default: return '/help'
  }
}
