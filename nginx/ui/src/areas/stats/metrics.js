// The metrics of 条数详情, in the seed's column order, with its labels.
import { thisYear as beijingYear } from '../../api/format.js'
export const countColumns = [
  { metric: 'warning_info', label: '上报信息（条数）' },
  { metric: 'annual_summary', label: '年度总结（条数）' },
  { metric: 'quarterly_analysis', label: '季度分析（条数）' },
  { metric: 'internal_adopted', label: '内部交流采纳（条数）' },
  { metric: 'quarterly_magazine', label: '季度分析杂志录用（条数）' },
  { metric: 'warning_magazine', label: '预警信息杂志录用（条数）' },
  { metric: 'subsite_info', label: '子网站信息（条数）' },
  { metric: 'subsite_news', label: '子网站工作动态（条数）' },
  { metric: 'work_exchange', label: '外网录用（条数）' },
]
export const metricLabel = (m) => (countColumns.find((c) => c.metric === m) || { label: m }).label.replace('（条数）', '')

// The six counts of the seed's first screen, and 联系企业.
export const summaryCards = [
  { key: 'warning_info', label: '上报信息' },
  { key: 'notices', label: '下发信息' },
  { key: 'quarterly_analysis', label: '季度分析' },
  { key: 'annual_summary', label: '年度报告' },
  { key: 'magazine_accepted', label: '杂志录用' },
  { key: 'points', label: '预警点' },
  { key: 'enterprises', label: '联系企业' },
]

export const thisYear = () => String(beijingYear())
