// Chinese names of what the change history (变更历史) names.
export const fieldLabels = {
  name: '名称', host_org: '承办单位', type: '类型', batch: '预警点批次', industry: '所属行业', city: '所属地市',
  district: '所在地区', founded_year: '成立时间', approval_no: '批准文号', address: '联系地址', phone: '电话',
  fax: '传真', website: '预警点网址', email: '电子邮箱', status: '状态', kind: '人员类别', position: '职务',
  mobile: '手机', credit_code: '统一社会信用代码', contact: '联系人', products: '主要产品', markets: '主要出口市场',
  members: '领导小组成员', party_org: '是否成立党建组织', party_members: '党员数量',
}
export const entityLabels = { point: '基本信息', person: '人员', enterprise: '联系企业', leadership: '领导小组及党建组织' }
export const actionLabels = { create: '新增', update: '修改', delete: '删除' }
