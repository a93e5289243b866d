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
      ...(user.point_id ? [{ label: '预警点信息', path: '/points/' + user.point_id }] : []),
      { label: '推送渠道', path: '/channels' },
      { label: '投递记录', path: '/deliveries' },
    ]
  case 'city':
    return [
      { label: '原创预警信息审核', path: '/review' },
      { label: '商务局预警信息', path: '/city-info' },
      { label: '地市审核进度查询', path: '/progress' },
      { label: '预警点管理', path: '/points' },
      { label: '统计分析', path: '/stats' },
      { label: '传递统计', path: '/dissemination' },
      { label: '投递记录', path: '/deliveries' },
    ]
  case 'province':
    return [
      { label: '原创预警信息审核', path: '/review' },
      { label: '审核意见配置', path: '/opinions' },
      { label: '地市审核进度查询', path: '/progress' },
      { label: '预警点管理', path: '/points' },
      { label: '季度形势分析', path: '/list/quarterly_analysis' },
      { label: '年度工作总结', path: '/list/annual_summary' },
      { label: '统计分析', path: '/stats' },
      { label: '内部交流', path: '/internal' },
      { label: '下发信息', path: '/notices' },
      { label: '评分标准', path: '/rules' },
      { label: '推送渠道', path: '/channels' },
      { label: '投递记录', path: '/deliveries' },
      { label: '传递统计', path: '/dissemination' },
    ]
  case 'editor':
    return [{ label: '期刊杂志', path: '/magazine' }]
  case 'admin':
    return [
      { label: '账号管理', path: '/users' },
      { label: '邮件设置', path: '/mail' },
      { label: '预警点管理', path: '/points' },
      { label: '评分标准', path: '/rules' },
    ]
  }
  return []
}

export function homeFor(user) {
  switch (user && user.role) {
  case 'point': return '/my'
  case 'city': return '/review'
  case 'province': return '/stats'
  case 'editor': return '/magazine'
  case 'admin': return '/users'
  default: return '/help'
  }
}
