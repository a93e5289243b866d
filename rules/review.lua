-- 审核策略（预警信息上报审批流程）
--
-- 本文件决定：哪类上报由谁审核、按什么顺序审核；每一级审核可以作出哪些决定；
-- 一个决定是否合规；哪些上报提交即完成流程、哪些直接送杂志编辑。
-- 其他省份采用不同流程时只改本文件，不改 C 代码。说明见 rules/README.md。
--
-- 角色：point 预警点，city 地市商务局，province 省商务厅（预警工作联系人），
--       editor 《浙江商务》杂志编辑，admin 系统管理员。
-- 审核级别：city 地市审核，province 省级审核。

-- 已知上报类型的审核链：按提交者角色给出审核级别，依次审核；{} 表示无需审核。
local CHAINS = {
  warning_info = {                       -- 预警信息
    point = { "city", "province" },      -- 预警点上报：地市初审，省厅终审
    city  = { "province" },              -- 商务局预警信息：省厅审核
  },
  quarterly_analysis = {},               -- 季度形势分析：提交即归档，直接送杂志编辑
  annual_summary     = {},               -- 年度工作总结：提交即归档，省厅只查看
  subsite_post       = {},               -- 子网站信息：提交即发布
  notice             = {},               -- 下发信息：提交即下发
}

-- 提交即完成流程的类型
local COMPLETES_ON_SUBMIT = {
  quarterly_analysis = true,
  annual_summary     = true,
  subsite_post       = true,
  notice             = true,
}

-- 提交后直接进入杂志编辑待录用列表的类型
local MAGAZINE_DIRECT = {
  quarterly_analysis = true,
}

-- 每一级由哪个角色审核、可以作出哪些决定
local LEVELS = {
  city     = { role = "city",     name = "地市审核", holder = "地市商务局",
               decisions = { "pass", "return", "reject" } },
  province = { role = "province", name = "省级审核", holder = "省商务厅预警工作联系人",
               decisions = { "pass", "return", "reject", "revert" } },
}

local DECISION_NAMES = {
  pass = "通过", ["return"] = "退回修改", reject = "不予通过", revert = "撤销审核决定",
}

local SUBMITTER_ROLES = { "point", "city", "province", "editor", "admin" }

local function copy(list)
  local r = {}
  for i, v in ipairs(list) do r[i] = v end
  return r
end

local function contains(list, x)
  for _, v in ipairs(list) do
    if v == x then return true end
  end
  return false
end

-- 审核链。未知类型（插件新增的上报类型）：预警点或地市提交的由省厅审核，其他角色提交的无需审核。
local function chain(report_type, submitter_role)
  local known = CHAINS[report_type]
  if known ~= nil then
    return copy(known[submitter_role] or {})
  end
  if submitter_role == "point" or submitter_role == "city" then
    return { "province" }
  end
  return {}
end

-- 该类型的上报在某一级是否可能需要审核（任一提交者角色的审核链中含有该级）
local function reviewed_at(report_type, level)
  for _, r in ipairs(SUBMITTER_ROLES) do
    if contains(chain(report_type, r), level) then return true end
  end
  return false
end

-- 某角色在某级审核某类型上报时可作出的决定（供界面显示），无权时为 {}
local function decisions(report_type, level, role)
  local lv = LEVELS[level]
  if lv == nil or lv.role ~= role or not reviewed_at(report_type, level) then
    return {}
  end
  return copy(lv.decisions)
end

local function truthy(options, name)
  return type(options) == "table" and options[name] == true
end

local function blank(s)
  if s == nil then return true end
  if type(s) ~= "string" then return false end
  return text.is_blank(s)   -- 空格、全角空格、不换行空格都算空白
end

-- 检查一个审核决定。允许时返回 nil；否则返回 字段名, 提示信息。
local function check(ctx)
  ctx = ctx or {}
  local decision, level, role = ctx.decision, ctx.level, ctx.role

  if DECISION_NAMES[decision] == nil then
    return "decision", "审核决定无效，只能选择通过、退回修改、不予通过或撤销审核决定"
  end

  local lv = LEVELS[level]
  if lv == nil then
    return "decision", "该信息当前不在审核环节，不能作出审核决定"
  end
  -- ctx.chain: the levels the item was submitted under; an item keeps its
  -- chain when this policy changes afterwards.
  local in_chain = type(ctx.chain) == "table" and contains(ctx.chain, level)
  if not in_chain and not reviewed_at(ctx.type, level) then
    if COMPLETES_ON_SUBMIT[ctx.type] then
      return "decision", "该类信息提交即完成流程，无需审核"
    end
    return "decision", "该类信息不经过" .. lv.name .. "，不能作出审核决定"
  end
  if role ~= lv.role then
    return "decision", "当前是" .. lv.name .. "环节，只有" .. lv.holder .. "可以审核"
  end
  if not contains(lv.decisions, decision) then
    return "decision", lv.name .. "不能" .. DECISION_NAMES[decision]
  end

  local options = ctx.options
  local magazine = truthy(options, "magazine")
  local work_exchange = truthy(options, "work_exchange")
  local internal = truthy(options, "internal_exchange")
  if magazine or work_exchange or internal then
    if level ~= "province" then
      return "options", lv.name .. "不能选择推荐到杂志、发布到预警工作交流或重要信息内部交流，这些选项由省级审核决定"
    end
    if decision ~= "pass" then
      return "options", "只有“通过”时才能选择推荐到杂志、发布到预警工作交流或重要信息内部交流"
    end
    if internal and (magazine or work_exchange) then
      return "options", "重要信息内部交流不能与推荐到杂志、发布到预警工作交流同时选择"
    end
  end

  if (decision == "return" or decision == "reject") and blank(ctx.opinion) then
    return "opinion", DECISION_NAMES[decision] .. "时必须填写审核意见，可从快捷意见中选择"
  end

  return nil
end

local function magazine_direct(report_type)
  return MAGAZINE_DIRECT[report_type] == true
end

-- 提交即完成流程（发布、下发或归档）。可选的第二个参数为提交者角色：
-- 给出时，审核链为空的提交也视为提交即完成。
local function completes_on_submit(report_type, submitter_role)
  if COMPLETES_ON_SUBMIT[report_type] then return true end
  if submitter_role ~= nil then
    return #chain(report_type, submitter_role) == 0
  end
  return false
end

return {
  chain = chain,
  decisions = decisions,
  check = check,
  magazine_direct = magazine_direct,
  completes_on_submit = completes_on_submit,
  presets = {
    "非原创，不予通过",
    "内容较有深度，但存在保密信息，推荐内部交流",
    "内容具有典型性，建议推荐到《浙江商务》",
  },
}
