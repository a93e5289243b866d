-- 2019年度评分标准的测试用例。运行：yujing rules test rules/scoring
--
-- 每个用例从“空白”事实出发（2019 年、12 个月、各项计数为 0、基本信息不完整、
-- 子网站栏目均未更新、未提交年度总结、无季度分析、无领导批示），再把 facts
-- 逐键合并上去（数组整体替换）。expect.total 与 expect.scores 中列出的每一项都必须相符。

-- 一期季度分析
local function qa(year, quarter, submitted_at, magazine_accepted)
  return { year = year, quarter = quarter, submitted_at = submitted_at,
           magazine_accepted = magazine_accepted or false }
end

-- 2019 年度的 n 期季度分析，都在统计期内
local function qas(n, accepted)
  local list = {}
  for i = 1, n do
    local q = (i - 1) % 4 + 1
    list[i] = qa(2019, q, string.format("2019-%02d-10 09:30:00", q * 3), i <= (accepted or 0))
  end
  return list
end

local ALL_COLUMNS = { ["预警信息"] = true, ["工作动态"] = true, ["政策法规"] = true }

return {
  -- 空白年度 ---------------------------------------------------------------
  {
    name = "空白年度：没有任何记录，总分 0",
    facts = {},
    expect = { total = 0, scores = {
      upkeep_basic = 0, upkeep_subsite_info = 0, upkeep_subsite_news = 0,
      report_work_exchange = 0, report_quarterly = 0, report_annual_on_time = 0,
      dept_reporting = 0 } },
  },

  -- 基础信息完善、日常维护正常 -------------------------------------------
  {
    name = "基本信息完整但三个栏目均未更新：0 分",
    facts = { basic_info_complete = true },
    expect = { total = 0, scores = { upkeep_basic = 0 } },
  },
  {
    name = "预警信息栏目已更新但基本信息不完整：0 分",
    facts = { subsite_columns_updated = { ["预警信息"] = true } },
    expect = { total = 0, scores = { upkeep_basic = 0 } },
  },
  {
    name = "基本信息完整且只更新了政策法规栏目：5 分",
    facts = { basic_info_complete = true, subsite_columns_updated = { ["政策法规"] = true } },
    expect = { total = 5, scores = { upkeep_basic = 5 } },
  },
  {
    name = "基本信息完整且只更新了工作动态栏目：5 分",
    facts = { basic_info_complete = true, subsite_columns_updated = { ["工作动态"] = true } },
    expect = { total = 5, scores = { upkeep_basic = 5 } },
  },
  {
    name = "基本信息完整且三个栏目都已更新：5 分",
    facts = { basic_info_complete = true, subsite_columns_updated = ALL_COLUMNS },
    expect = { total = 5, scores = { upkeep_basic = 5 } },
  },

  -- 子网站预警信息月均（12 个月）-----------------------------------------
  {
    name = "子网站预警信息 84 条，月均 7.00：5 分",
    facts = { counts = { subsite_info = 84 } },
    expect = { total = 5, scores = { upkeep_subsite_info = 5 } },
  },
  {
    name = "子网站预警信息 83 条，月均 6.92：3 分",
    facts = { counts = { subsite_info = 83 } },
    expect = { total = 3, scores = { upkeep_subsite_info = 3 } },
  },
  {
    name = "子网站预警信息 60 条，月均 5.00：3 分",
    facts = { counts = { subsite_info = 60 } },
    expect = { total = 3, scores = { upkeep_subsite_info = 3 } },
  },
  {
    name = "子网站预警信息 59 条，月均 4.92：2 分",
    facts = { counts = { subsite_info = 59 } },
    expect = { total = 2, scores = { upkeep_subsite_info = 2 } },
  },
  {
    name = "子网站预警信息 36 条，月均 3.00：2 分",
    facts = { counts = { subsite_info = 36 } },
    expect = { total = 2, scores = { upkeep_subsite_info = 2 } },
  },
  {
    name = "子网站预警信息 35 条，月均 2.92：0 分",
    facts = { counts = { subsite_info = 35 } },
    expect = { total = 0, scores = { upkeep_subsite_info = 0 } },
  },
  {
    name = "子网站预警信息 200 条，远超 7 条仍为 5 分",
    facts = { counts = { subsite_info = 200 } },
    expect = { total = 5, scores = { upkeep_subsite_info = 5 } },
  },

  -- 子网站工作动态月均（12 个月）-----------------------------------------
  {
    name = "子网站工作动态 36 条，月均 3.00：5 分",
    facts = { counts = { subsite_news = 36 } },
    expect = { total = 5, scores = { upkeep_subsite_news = 5 } },
  },
  {
    name = "子网站工作动态 35 条，月均 2.92：3 分",
    facts = { counts = { subsite_news = 35 } },
    expect = { total = 3, scores = { upkeep_subsite_news = 3 } },
  },
  {
    name = "子网站工作动态 24 条，月均 2.00：3 分",
    facts = { counts = { subsite_news = 24 } },
    expect = { total = 3, scores = { upkeep_subsite_news = 3 } },
  },
  {
    name = "子网站工作动态 23 条，月均 1.92：0 分",
    facts = { counts = { subsite_news = 23 } },
    expect = { total = 0, scores = { upkeep_subsite_news = 0 } },
  },

  -- 本年度未过完：按已过月份计算月均 ----------------------------------------
  {
    name = "已过 6 个月：预警信息 42 条（月均 7）5 分，工作动态 18 条（月均 3）5 分",
    facts = { months = 6, counts = { subsite_info = 42, subsite_news = 18 } },
    expect = { total = 10, scores = { upkeep_subsite_info = 5, upkeep_subsite_news = 5 } },
  },
  {
    name = "已过 6 个月：预警信息 41 条（月均 6.83）3 分，工作动态 17 条（月均 2.83）3 分",
    facts = { months = 6, counts = { subsite_info = 41, subsite_news = 17 } },
    expect = { total = 6, scores = { upkeep_subsite_info = 3, upkeep_subsite_news = 3 } },
  },
  {
    name = "已过 7 个月：预警信息 35 条（月均 5）3 分，工作动态 13 条（月均 1.86）0 分",
    facts = { months = 7, counts = { subsite_info = 35, subsite_news = 13 } },
    expect = { total = 3, scores = { upkeep_subsite_info = 3, upkeep_subsite_news = 0 } },
  },
  {
    name = "已过 1 个月：预警信息 7 条 5 分，工作动态 2 条 3 分",
    facts = { months = 1, counts = { subsite_info = 7, subsite_news = 2 } },
    expect = { total = 8, scores = { upkeep_subsite_info = 5, upkeep_subsite_news = 3 } },
  },
  {
    name = "已过 1 个月：预警信息 2 条、工作动态 1 条，均不得分",
    facts = { months = 1, counts = { subsite_info = 2, subsite_news = 1 } },
    expect = { total = 0, scores = { upkeep_subsite_info = 0, upkeep_subsite_news = 0 } },
  },
  {
    name = "尚无已过月份（months = 0）：月均两项 0 分，其他项照常",
    facts = { months = 0, basic_info_complete = true,
              subsite_columns_updated = { ["预警信息"] = true },
              counts = { subsite_info = 10, subsite_news = 10 } },
    expect = { total = 5, scores = { upkeep_basic = 5,
                                     upkeep_subsite_info = 0, upkeep_subsite_news = 0 } },
  },

  -- “预警工作交流”栏原创预警信息 ------------------------------------------
  {
    name = "预警工作交流录用 11 条：11 分",
    facts = { counts = { work_exchange = 11 } },
    expect = { total = 11, scores = { report_work_exchange = 11 } },
  },
  {
    name = "预警工作交流录用 12 条：12 分",
    facts = { counts = { work_exchange = 12 } },
    expect = { total = 12, scores = { report_work_exchange = 12 } },
  },
  {
    name = "预警工作交流录用 13 条：封顶 12 分",
    facts = { counts = { work_exchange = 13 } },
    expect = { total = 12, scores = { report_work_exchange = 12 } },
  },
  {
    name = "上报信息再多，未发布到预警工作交流也不计分",
    facts = { counts = { warning_info = 40, work_exchange = 0 } },
    expect = { total = 0, scores = { report_work_exchange = 0 } },
  },

  -- 季度分析报告 -----------------------------------------------------------
  {
    name = "季度分析 3 期：6 分",
    facts = { quarterly_analyses = qas(3) },
    expect = { total = 6, scores = { report_quarterly = 6 } },
  },
  {
    name = "季度分析 4 期：8 分",
    facts = { quarterly_analyses = qas(4) },
    expect = { total = 8, scores = { report_quarterly = 8 } },
  },
  {
    name = "季度分析 5 期（10 分）：封顶 8 分",
    facts = { quarterly_analyses = qas(5) },
    expect = { total = 8, scores = { report_quarterly = 8 } },
  },
  {
    name = "同一季度报了两份只算一期：2 分",
    facts = { quarterly_analyses = { qa(2019, 2, "2019-07-05 10:00:00"),
                                     qa(2019, 2, "2019-07-08 10:00:00") } },
    expect = { total = 2, scores = { report_quarterly = 2 } },
  },
  {
    name = "次年 1 月 20 日 23:59:59 提交的第 4 季度分析计入",
    facts = { quarterly_analyses = { qa(2019, 4, "2020-01-20 23:59:59") } },
    expect = { total = 2, scores = { report_quarterly = 2 } },
  },
  {
    name = "次年 1 月 21 日 00:00:00 提交的第 4 季度分析不计入",
    facts = { quarterly_analyses = { qa(2019, 4, "2020-01-21 00:00:00") } },
    expect = { total = 0, scores = { report_quarterly = 0 } },
  },
  {
    name = "统计期内提交但申报年度为 2020 年的季度分析不计入",
    facts = { quarterly_analyses = { qa(2020, 1, "2020-01-15 10:00:00"),
                                     qa(2018, 4, "2019-01-10 10:00:00") } },
    expect = { total = 0, scores = { report_quarterly = 0 } },
  },
  {
    name = "上一年 12 月 31 日 23:59:59 提交的 2019 年度季度分析不计入",
    facts = { quarterly_analyses = { qa(2019, 1, "2018-12-31 23:59:59") } },
    expect = { total = 0, scores = { report_quarterly = 0 } },
  },
  {
    name = "本年 1 月 1 日 00:00:00 提交的 2019 年度季度分析计入",
    facts = { quarterly_analyses = { qa(2019, 1, "2019-01-01 00:00:00") } },
    expect = { total = 2, scores = { report_quarterly = 2 } },
  },
  {
    name = "季度分析混合：3 期有效、3 期不在统计期或年度不符，得 6 分",
    facts = { quarterly_analyses = {
      qa(2019, 1, "2019-04-08 09:00:00"), qa(2019, 2, "2019-07-09 09:00:00"),
      qa(2019, 4, "2020-01-18 16:20:00"), qa(2019, 3, "2020-02-01 08:00:00"),
      qa(2018, 4, "2019-01-15 08:00:00"), qa(2019, 1, "2018-12-20 08:00:00") } },
    expect = { total = 6, scores = { report_quarterly = 6 } },
  },

  -- 按时上报年度工作总结 ---------------------------------------------------
  {
    name = "年度总结于次年 1 月 20 日 23:59:59 提交：按时，5 分",
    facts = { annual_summary_submitted_at = "2020-01-20 23:59:59" },
    expect = { total = 5, scores = { report_annual_on_time = 5 } },
  },
  {
    name = "年度总结于次年 1 月 21 日 00:00:00 提交：逾期，0 分",
    facts = { annual_summary_submitted_at = "2020-01-21 00:00:00" },
    expect = { total = 0, scores = { report_annual_on_time = 0 } },
  },
  {
    name = "年度总结于本年 12 月提交：按时，5 分",
    facts = { annual_summary_submitted_at = "2019-12-26 15:04:11" },
    expect = { total = 5, scores = { report_annual_on_time = 5 } },
  },
  {
    name = "未提交年度总结：0 分（其他项照常）",
    facts = { counts = { work_exchange = 3 }, annual_summary_submitted_at = nil },
    expect = { total = 3, scores = { report_annual_on_time = 0, report_work_exchange = 3 } },
  },

  -- 向省商务主管部门报送 ---------------------------------------------------
  {
    name = "杂志录用 3 篇（6 分）+ 内部交流采纳 5 篇（5 分）= 11：封顶 10 分",
    facts = { quarterly_analyses = qas(3, 3), counts = { internal_adopted = 5 } },
    expect = { total = 16, scores = { report_quarterly = 6, dept_reporting = 10 } },
  },
  {
    name = "杂志录用 2 篇 + 内部交流采纳 2 篇 + 领导批示 2 次 = 10 分整",
    facts = { quarterly_analyses = qas(2, 2), counts = { internal_adopted = 2 },
              leader_instructions = 2 },
    expect = { total = 14, scores = { report_quarterly = 4, dept_reporting = 10 } },
  },
  {
    name = "杂志录用 1 篇 + 内部交流采纳 3 篇 + 领导批示 2 次 = 9 分",
    facts = { quarterly_analyses = qas(1, 1), counts = { internal_adopted = 3 },
              leader_instructions = 2 },
    expect = { total = 11, scores = { report_quarterly = 2, dept_reporting = 9 } },
  },
  {
    name = "内部交流采纳 10 篇：10 分",
    facts = { counts = { internal_adopted = 10 } },
    expect = { total = 10, scores = { dept_reporting = 10 } },
  },
  {
    name = "内部交流采纳 11 篇：封顶 10 分",
    facts = { counts = { internal_adopted = 11 } },
    expect = { total = 10, scores = { dept_reporting = 10 } },
  },
  {
    name = "厅领导批示 6 次（12 分）：封顶 10 分",
    facts = { leader_instructions = 6 },
    expect = { total = 10, scores = { dept_reporting = 10 } },
  },
  {
    name = "统计期外的季度分析即使被杂志录用也不加分",
    facts = { quarterly_analyses = { qa(2019, 4, "2020-01-21 00:00:00", true),
                                     qa(2018, 4, "2019-01-05 00:00:00", true) } },
    expect = { total = 0, scores = { report_quarterly = 0, dept_reporting = 0 } },
  },
  {
    name = "季度分析杂志录用计数只看统计期内的季度分析",
    facts = { counts = { quarterly_magazine = 4 },
              quarterly_analyses = { qa(2019, 2, "2019-07-01 10:00:00", true),
                                     qa(2019, 3, "2019-10-01 10:00:00", false) } },
    expect = { total = 6, scores = { report_quarterly = 4, dept_reporting = 2 } },
  },

  -- 综合 -------------------------------------------------------------------
  {
    name = "满分年度：50 分",
    facts = {
      basic_info_complete = true, subsite_columns_updated = ALL_COLUMNS,
      counts = { subsite_info = 90, subsite_news = 40, work_exchange = 15,
                 internal_adopted = 2, warning_info = 30 },
      quarterly_analyses = qas(4, 4),
      annual_summary_submitted_at = "2020-01-10 11:00:00",
      leader_instructions = 1,
    },
    expect = { total = 50, scores = {
      upkeep_basic = 5, upkeep_subsite_info = 5, upkeep_subsite_news = 5,
      report_work_exchange = 12, report_quarterly = 8, report_annual_on_time = 5,
      dept_reporting = 10 } },
  },
  {
    name = "一般年度：各项部分得分",
    facts = {
      basic_info_complete = true, subsite_columns_updated = { ["工作动态"] = true },
      counts = { subsite_info = 61, subsite_news = 25, work_exchange = 6, internal_adopted = 1 },
      quarterly_analyses = {
        qa(2019, 1, "2019-04-12 10:00:00", true), qa(2019, 2, "2019-07-15 10:00:00"),
        qa(2019, 3, "2019-10-14 10:00:00") },
      annual_summary_submitted_at = "2020-01-22 09:00:00",
    },
    expect = { total = 26, scores = {
      upkeep_basic = 5, upkeep_subsite_info = 3, upkeep_subsite_news = 3,
      report_work_exchange = 6, report_quarterly = 6, report_annual_on_time = 0,
      dept_reporting = 3 } },
  },
  {
    name = "以后年度沿用本标准：2020 年的统计期顺延到 2021-01-20",
    facts = {
      year = 2020,
      quarterly_analyses = { qa(2020, 4, "2021-01-20 23:59:59", true),
                             qa(2019, 4, "2020-01-10 10:00:00", true),
                             qa(2020, 1, "2021-01-21 00:00:00") },
      annual_summary_submitted_at = "2021-01-20 23:59:59",
    },
    expect = { total = 9, scores = {
      report_quarterly = 2, report_annual_on_time = 5, dept_reporting = 2 } },
  },
}
