-- 2019年度外贸预警工作评分标准（满分 50 分）
--
-- 一、平台日常维护（15 分）
--   upkeep_basic          基础信息完善、日常维护正常：基本信息完整且子网站三个栏目
--                         本年度至少有一个栏目更新，得 5 分
--   upkeep_subsite_info   子网站预警信息月均更新条数 ≥7 得 5 分，≥5 得 3 分，
--                         ≥3 得 2 分，否则 0 分
--   upkeep_subsite_news   子网站工作动态月均更新条数 ≥3 得 5 分，≥2 得 3 分，
--                         否则 0 分
-- 二、预警信息报告（25 分）
--   report_work_exchange  “预警工作交流”栏录用的原创预警信息每条 1 分，最高 12 分
--   report_quarterly      季度分析报告每期 2 分，最高 8 分
--                         （统计期：本年 1 月 1 日至次年 1 月 20 日，且申报年度为本年）
--   report_annual_on_time 次年 1 月 20 日（含当日）前提交年度工作总结得 5 分，否则 0 分
-- 三、向省商务主管部门报送（10 分）
--   dept_reporting        季度分析被《浙江商务》录用每篇加 2 分；内部交流采纳每篇 1 分；
--                         厅领导批示每次加 2 分；合计最高 10 分
--
-- 所有日期都是北京时间字符串 "YYYY-MM-DD HH:MM:SS"，按字符串比较先后。
-- 各统计期按 facts.year 计算：以后年度没有自己的标准文件时沿用本标准，统计期随之顺延。

local COLUMNS = { "预警信息", "工作动态", "政策法规" }

-- 各评分项的分值和上限：调整分值只改这里。MAX 是总满分，加载时检查它等于各项满分之和。
local MAX = 50
-- 一、平台日常维护
local BASIC_POINTS = 5                               -- 基础信息完善、日常维护正常
local INFO_TIERS = { { 7, 5 }, { 5, 3 }, { 3, 2 } }  -- 子网站预警信息：{月均门槛, 得分}，从高到低
local NEWS_TIERS = { { 3, 5 }, { 2, 3 } }            -- 子网站工作动态：{月均门槛, 得分}，从高到低
-- 二、预警信息报告
local WE_EACH, WE_CAP = 1, 12                        -- “预警工作交流”原创预警信息：每条得分，最高
local QA_EACH, QA_CAP = 2, 8                         -- 季度分析报告：每期得分，最高
local ANNUAL_POINTS = 5                              -- 按时上报年度工作总结
local DEADLINE = "01-20 23:59:59"                    -- 季度分析和年度总结的截止时间（次年）
-- 三、向省商务主管部门报送：《浙江商务》录用每篇、内部交流采纳每篇、厅领导批示每次，合计最高
local MAGAZINE_EACH, ADOPTED_EACH, LEADER_EACH, DEPT_CAP = 2, 1, 2, 10

-- 数字显示：整数不带小数点
local function num(x)
  local i = math.tointeger(x)
  if i then return string.format("%d", i) end
  return string.format("%g", x)
end

-- 把日期时间整理成 "YYYY-MM-DD HH:MM:SS"，以便按字符串比较
local function norm_time(s)
  if type(s) ~= "string" then return nil end
  -- 已是标准格式时直接返回（最常见的情形）
  if #s == 19 and s:sub(11, 11) == " " then return s end
  s = text.trim(s)
  if s == "" then return nil end
  if #s == 10 then s = s .. " 00:00:00" end
  if s:sub(11, 11) == "T" then s = s:sub(1, 10) .. " " .. s:sub(12) end
  return s:sub(1, 19)
end

-- 计数取非负整数（缺省按 0 计）
local function int(x)
  x = tonumber(x)
  if x == nil or x ~= x or x < 0 then return 0 end
  return math.tointeger(math.floor(x)) or 0
end

-- 月均值显示为两位小数；未达到门槛的值绝不显示成门槛本身
-- next_threshold：尚未达到的上一档门槛（已得满分时为 nil）
local function average_text(count, months, next_threshold)
  local hundredths = (count * 200 + months) // (2 * months)   -- 四舍五入到 0.01
  if next_threshold ~= nil and hundredths >= next_threshold * 100 then
    hundredths = next_threshold * 100 - 1
  end
  return string.format("%d.%02d", hundredths // 100, hundredths % 100)
end

-- 按月均条数分档：tiers 从高到低 { {门槛, 得分}, ... }
local function monthly_tier(count, months, tiers)
  if months <= 0 then return 0, nil end
  for _, t in ipairs(tiers) do
    if count >= t[1] * months then return t[2], t[1] end   -- 整数比较，避免浮点误差
  end
  return 0, nil
end

local function monthly_item(key, label, what, count, months, tiers)
  local max = tiers[1][2]
  if months <= 0 then
    return { key = key, label = label, score = 0, max = max,
             reason = string.format("%s %s 条；本年度尚无已过完的月份，无法计算月均，暂不得分",
                                    what, num(count)) }
  end
  local score, reached = monthly_tier(count, months, tiers)
  local next_tier
  for _, t in ipairs(tiers) do
    if reached == nil or t[1] > reached then next_tier = t[1] end
  end
  local avg = average_text(count, months, next_tier)
  local rule
  if reached then
    rule = string.format("≥%s 条得 %s 分", num(reached), num(score))
  else
    rule = "未达 " .. num(tiers[#tiers][1]) .. " 条，不得分"
  end
  return { key = key, label = label, score = score, max = max,
           reason = string.format("%s %s 条，%s 个月月均 %s 条（%s）",
                                  what, num(count), num(months), avg, rule) }
end

local function score(facts)
  local year = math.tointeger(tonumber(facts.year)) or 0
  local months = int(facts.months)
  local counts = facts.counts or {}
  local items = {}

  -- 一、平台日常维护 -----------------------------------------------------

  local complete = facts.basic_info_complete == true
  local updated = {}
  local cols = facts.subsite_columns_updated or {}
  for _, c in ipairs(COLUMNS) do
    if cols[c] then updated[#updated + 1] = c end
  end
  local basic_reason
  if complete and #updated > 0 then
    basic_reason = "基本信息完整，子网站本年度已更新栏目：" .. table.concat(updated, "、")
  elseif complete then
    basic_reason = "基本信息完整，但子网站三个栏目（预警信息、工作动态、政策法规）本年度均未更新，不得分"
  elseif #updated > 0 then
    basic_reason = "子网站本年度已更新栏目：" .. table.concat(updated, "、") ..
                   "，但预警点基本信息不完整，不得分"
  else
    basic_reason = "预警点基本信息不完整，子网站三个栏目本年度均未更新，不得分"
  end
  items[#items + 1] = {
    key = "upkeep_basic", label = "基础信息完善、日常维护正常",
    score = (complete and #updated > 0) and BASIC_POINTS or 0, max = BASIC_POINTS,
    reason = basic_reason .. "（需基本信息完整且至少一个栏目有更新，得 " .. num(BASIC_POINTS) .. " 分）",
  }

  items[#items + 1] = monthly_item("upkeep_subsite_info", "子网站预警信息月均更新",
    "子网站预警信息", int(counts.subsite_info), months, INFO_TIERS)

  items[#items + 1] = monthly_item("upkeep_subsite_news", "子网站工作动态月均更新",
    "子网站工作动态", int(counts.subsite_news), months, NEWS_TIERS)

  -- 二、预警信息报告 -----------------------------------------------------

  local we = int(counts.work_exchange)
  local we_score = math.min(we * WE_EACH, WE_CAP)
  items[#items + 1] = {
    key = "report_work_exchange", label = "“预警工作交流”栏原创预警信息",
    score = we_score, max = WE_CAP,
    reason = string.format("发布到“预警工作交流”栏的原创预警信息 %s 条，每条 %s 分%s",
                           num(we), num(WE_EACH),
                           we * WE_EACH > WE_CAP and ("，最高 " .. num(WE_CAP) .. " 分") or ""),
  }

  local from = string.format("%04d-01-01 00:00:00", year)
  -- 截止时间：次年 1 月 20 日当天内均有效（年度总结与季度分析统计期相同）
  local deadline = string.format("%04d-%s", year + 1, DEADLINE)
  local deadline_text = deadline:sub(1, 10)

  -- 每期（每个季度）计一次：同一季度报了两份也只算一期
  local in_window, outside, accepted, repeated = 0, 0, 0, 0
  local seen = {}
  for _, q in ipairs(facts.quarterly_analyses or {}) do
    local at = norm_time(q.submitted_at)
    if tonumber(q.year) == year and at and at >= from and at <= deadline then
      local quarter = tonumber(q.quarter)
      if seen[quarter] then
        repeated = repeated + 1
      else
        seen[quarter] = true
        in_window = in_window + 1
      end
      if q.magazine_accepted == true then accepted = accepted + 1 end
    else
      outside = outside + 1
    end
  end
  local q_score = math.min(in_window * QA_EACH, QA_CAP)
  local q_reason = string.format("%d-01-01 至 %s（含）提交的 %d 年度季度分析 %d 期，每期 %s 分",
                                 year, deadline_text, year, in_window, num(QA_EACH))
  if in_window * QA_EACH > QA_CAP then q_reason = q_reason .. "，最高 " .. num(QA_CAP) .. " 分" end
  if repeated > 0 then
    q_reason = q_reason .. string.format("；另有 %d 份与已计分的季度重复，每期只计一次", repeated)
  end
  if outside > 0 then
    q_reason = q_reason .. string.format("；另有 %d 期不在统计期内或不属于 %d 年度，不计分",
                                         outside, year)
  end
  items[#items + 1] = {
    key = "report_quarterly", label = "季度进出口动态分析研究报告",
    score = q_score, max = QA_CAP, reason = q_reason,
  }

  local at = norm_time(facts.annual_summary_submitted_at)
  local a_score, a_reason
  if at == nil then
    a_score = 0
    a_reason = string.format("未提交 %d 年度工作总结，不得分", year)
  elseif at <= deadline then
    a_score = ANNUAL_POINTS
    a_reason = string.format("%d 年度工作总结于 %s 提交，在 %s（含当日）截止前，得 %s 分",
                             year, at, deadline_text, num(ANNUAL_POINTS))
  else
    a_score = 0
    a_reason = string.format("%d 年度工作总结于 %s 提交，晚于 %s 截止时间，不得分",
                             year, at, deadline_text)
  end
  items[#items + 1] = {
    key = "report_annual_on_time", label = "按时上报年度工作总结",
    score = a_score, max = ANNUAL_POINTS, reason = a_reason,
  }

  -- 三、向省商务主管部门报送 ---------------------------------------------

  local adopted = int(counts.internal_adopted)
  local leader = int(facts.leader_instructions)
  local raw = accepted * MAGAZINE_EACH + adopted * ADOPTED_EACH + leader * LEADER_EACH
  local d_score = math.min(raw, DEPT_CAP)
  local d_reason = string.format(
    "季度分析被《浙江商务》录用 %d 篇 ×%s = %s 分；内部交流采纳 %s 篇 ×%s = %s 分；" ..
    "厅领导批示 %s 次 ×%s = %s 分；合计 %s 分",
    accepted, num(MAGAZINE_EACH), num(accepted * MAGAZINE_EACH), num(adopted), num(ADOPTED_EACH),
    num(adopted * ADOPTED_EACH), num(leader), num(LEADER_EACH), num(leader * LEADER_EACH), num(raw))
  if raw > DEPT_CAP then d_reason = d_reason .. "，最高 " .. num(DEPT_CAP) .. " 分" end
  items[#items + 1] = {
    key = "dept_reporting", label = "向省商务主管部门报送情况",
    score = d_score, max = DEPT_CAP, reason = d_reason,
  }

  local total = 0
  for _, it in ipairs(items) do total = total + it.score end
  return { items = items, total = total }
end

return {
  title = "2019年度外贸预警工作评分标准",
  max = MAX,
  score = score,
}
