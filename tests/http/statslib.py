"""Helpers for the statistics, scores and information-list export tests
(test_stats.py): the calls, the yujing stats command line, the export's
rows, and the 2019 standard's reasons worked out by hand.

Every test makes its own warning points (formal, in 丽水市) so that the
figures of one point are exactly what the test did to it.
"""

import os
import re
import subprocess
from datetime import datetime

from client import check, db_value, expect, expect_json, run_dir
from pointlib import BEIJING, create_point, parse_csv, point_user, qs, tag, xlsx_rows
from sublib import create, decide, path, submit

LISHUI = "331100"
LIANDU = "331102"          # 莲都区, a district of 丽水市

# The API's metric names, in the order /api/stats/points gives them.
METRICS = ["warning_info", "annual_summary", "quarterly_analysis", "internal_adopted",
           "quarterly_magazine", "warning_magazine", "subsite_info", "subsite_news",
           "work_exchange", "subsite_policy"]
LABELS = {"warning_info": "上报信息", "annual_summary": "年度总结", "quarterly_analysis": "季度分析",
          "internal_adopted": "内部交流采纳", "quarterly_magazine": "季度分析杂志录用",
          "warning_magazine": "预警信息杂志录用", "subsite_info": "子网站信息",
          "subsite_news": "子网站工作动态", "work_exchange": "外网录用",
          "subsite_policy": "子网站政策法规"}
SUMMARY_KEYS = {"year", "city", "point_id", "warning_info", "notices", "quarterly_analysis",
                "annual_summary", "magazine_accepted", "subsite_posts", "points", "enterprises"}

INFO_HEADER = ["所属地市", "预警点名称", "信息上报-总数", "信息上报-外网录用", "信息上报-杂志录用",
               "信息上报-内部交流", "子网站信息发布-预警信息", "子网站信息发布-工作动态",
               "季度形势分析", "年度工作总结", "绑定企业数"]
# The metrics behind the export's figures, in column order (then 绑定企业数).
INFO_METRICS = ["warning_info", "work_exchange", "warning_magazine", "internal_adopted",
                "subsite_info", "subsite_news", "quarterly_analysis", "annual_summary"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ------------------------------------------------------------------- time

def now():
    return datetime.now(BEIJING)


def this_year():
    return now().year


def months_of(year):
    """facts.months: 12 for a past year, the month number this year."""
    n = now()
    return 12 if year < n.year else n.month if year == n.year else 0


def db_time(iso):
    """"2026-11-22T12:28:08+08:00" -> "2026-11-22 12:28:08" (the standard's form)."""
    check(isinstance(iso, str) and iso.endswith("+08:00") and len(iso) == 25,
          "not an ISO time with +08:00: %r" % (iso,))
    return iso[:10] + " " + iso[11:19]


def iso_time(dbtime):
    return dbtime[:10] + "T" + dbtime[11:19] + "+08:00"


# ----------------------------------------------------------- the calls

def stats_points(c, **params):
    """Every row of /api/stats/points for params, in one page."""
    params.setdefault("per_page", 20000)
    body = expect_json(c.get("/api/stats/points" + qs(**params)), 200, "stats/points %r" % params)
    check(body["total"] == len(body["items"]) and body["page"] == 1,
          "one page of %d holds %d rows, total %r" % (params["per_page"], len(body["items"]),
                                                       body["total"]))
    return body["items"]


def stats_row(c, pid, year):
    rows = stats_points(c, year=year, point=pid)
    check(len(rows) == 1 and rows[0]["point_id"] == pid,
          "stats/points?point=%d&year=%d gives %r" % (pid, year, rows))
    return rows[0]


def counts(row):
    return {m: row[m] for m in METRICS}


def records(c, pid, metric, year):
    """The drill-down of a number, every page (per_page 200 at most)."""
    items, page, total = [], 1, None
    while True:
        resp = c.get("/api/stats/points/%d/records%s"
                     % (pid, qs(year=year, metric=metric, page=page, per_page=200)))
        body = expect_json(resp, 200, "records of %d %s %d" % (pid, metric, year))
        check(body["point_id"] == pid and body["year"] == year and body["metric"] == metric
              and body["label"] == LABELS[metric],
              "records header %r" % {k: body.get(k) for k in ("point_id", "year", "metric", "label")},
              resp)
        total = body["total"] if total is None else total
        items.extend(body["items"])
        if len(items) >= total or not body["items"]:
            break
        page += 1
    check(len(items) == total, "paged through %d records, total %d" % (len(items), total))
    check([it["seq"] for it in items] == list(range(1, total + 1)),
          "seq is not 1..%d: %r" % (total, [it["seq"] for it in items]))
    return total, items


def summary(c, **params):
    body = expect_json(c.get("/api/stats/summary" + qs(**params)), 200, "summary %r" % params)
    check(set(body) == SUMMARY_KEYS, "summary keys %r" % sorted(body))
    return body


def score(c, pid, year):
    return expect_json(c.get("/api/scores/%d?year=%d" % (pid, year)), 200,
                       "score of %d in %d" % (pid, year))


# --------------------------------------------------------- points, items

def new_point(prov, adm, status="正式", **over):
    """A new point in 丽水市 (formal unless told) and a logged-in user of it."""
    p = create_point(prov, city=LISHUI, district=LIANDU, status=status, **over)
    return p, point_user(adm, p["id"])


def post(c, column, title=None):
    """A sub-site post in column, submitted (published)."""
    sub = create(c, "subsite_post", {"column": column, "title": title or ("子网站%s %s" % (column, tag())),
                                     "content": "栏目内容。"})
    done = submit(c, sub)
    check(done["state"] == "approved", "a sub-site post after submit: %r" % done["state"])
    return done


def quarterly(c, year, quarter, title=None):
    sub = create(c, "quarterly_analysis", {"year": year, "quarter": quarter,
                                            "title": title or "%d年第%d季度形势分析 %s" % (year, quarter, tag()),
                                            "content": "本季度出口总体平稳。"})
    done = submit(c, sub)
    check(done["state"] == "approved" and done["magazine"] == "pending",
          "a quarterly analysis after submit: %s %r" % (done["state"], done["magazine"]))
    return done


def annual(c, year, title=None):
    sub = create(c, "annual_summary", {"year": year, "title": title or "%d年度工作总结 %s" % (year, tag()),
                                        "content": "全年预警工作总结。"})
    done = submit(c, sub)
    check(done["state"] == "approved", "an annual summary after submit: %r" % done["state"])
    return done


def magazine(editor, sub, accept):
    body = expect_json(editor.post(path(sub["id"], "/magazine"), {"accept": accept}), 200,
                       "magazine %s" % accept)
    check(body["magazine"] == ("accepted" if accept else "declined"), "magazine %r" % body["magazine"])
    return body


def adopt(prov, sub, adopt_it):
    body = expect_json(prov.post(path(sub["id"], "/adoption"), {"adopt": adopt_it}), 200,
                       "adoption %s" % adopt_it)
    check(body["adopted"] is adopt_it, "adopted %r" % body["adopted"])
    return body


def passed(city, prov, submitter, options=None, fields=None):
    """A warning info of submitter passed by its city and the province."""
    from sublib import at_province
    sub = at_province(city, submitter, fields)
    done = decide(prov, sub, "pass", options=options)
    check(done["state"] == "approved", "after the province's pass: %r" % done["state"])
    return done


def adopted_at(sid):
    v = db_value("SELECT adopted_at FROM submissions WHERE id = %d" % sid)
    return None if v in (None, "NULL") else iso_time(v)


# ------------------------------------------------------------ yujing CLI

def yujing(*args, timeout=300):
    """Runs the stack's yujing binary with -c its config; (exit code, output)."""
    with open(os.path.join(run_dir(), "yujing.bin")) as f:
        binary = f.read().strip()
    conf = os.path.join(run_dir(), "yujing.conf")
    p = subprocess.run([binary] + list(args) + ["-c", conf], capture_output=True, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")


VERIFY_EQUAL = re.compile(r"^stat_records equal a recount of (\d+) submissions: (\d+) rows agree, "
                          r"0 differences$", re.M)
TOTALS_EQUAL = re.compile(r"^stat_totals equal a recount of stat_records: \d+ rows agree, "
                          r"0 differences$", re.M)


def verify_equal(what):
    rc, out = yujing("stats", "verify")
    m = VERIFY_EQUAL.search(out)
    check(rc == 0 and m is not None and TOTALS_EQUAL.search(out) is not None,
          "%s: yujing stats verify exited %d:\n%s" % (what, rc, out[-3000:]))
    return int(m.group(1)), int(m.group(2))


def rebuild(what):
    rc, out = yujing("stats", "rebuild")
    m = re.search(r"^stat_records rebuilt: (\d+) submissions, (\d+) rows; stat_totals: \d+ rows$",
                  out, re.M)
    check(rc == 0 and m is not None, "%s: yujing stats rebuild exited %d:\n%s" % (what, rc, out[-3000:]))
    # Progress on stderr: at least the last batch's line, then the totals'.
    check(re.search(r"^stats rebuild: 100%% of stat_records \(submission id (\d+) of \1, %s submissions, "
                    r"[0-9.]+ s\)$" % m.group(1), out, re.M) is not None
          and re.search(r"^stats rebuild: stat_totals rebuilt", out, re.M) is not None,
          "%s: no progress lines from yujing stats rebuild:\n%s" % (what, out[-3000:]))
    return int(m.group(1)), int(m.group(2))


def stat_rows_total():
    return int(db_value("SELECT COUNT(*) FROM stat_records"))


def expected_rows():
    """What a recount puts in stat_records, counted with SQL from the
    definitions (approved items of a point, per metric)."""
    return int(db_value(
        "SELECT SUM(n) FROM ("
        " SELECT COUNT(*) n FROM submissions WHERE state = 'approved' AND point_id IS NOT NULL"
        "  AND first_submitted_at IS NOT NULL AND type IN ('warning_info', 'quarterly_analysis',"
        "  'annual_summary', 'subsite_post')"
        " UNION ALL SELECT COUNT(*) FROM submissions WHERE state = 'approved' AND point_id IS NOT NULL"
        "  AND type = 'warning_info' AND opt_work_exchange = 1"
        " UNION ALL SELECT COUNT(*) FROM submissions WHERE state = 'approved' AND point_id IS NOT NULL"
        "  AND type IN ('warning_info', 'quarterly_analysis') AND magazine = 'accepted'"
        " UNION ALL SELECT COUNT(*) FROM submissions WHERE state = 'approved' AND point_id IS NOT NULL"
        "  AND type = 'warning_info' AND opt_internal = 1 AND adopted = 1) t"))


# ------------------------------------------------------- 2019 standard

INFO_TIERS = [(7, 5), (5, 3), (3, 2)]
NEWS_TIERS = [(3, 5), (2, 3)]


def monthly_item(what, count, months, tiers):
    """(score, reason) of a monthly-average item, as rules/scoring/2019.lua
    words it."""
    reached, got = None, 0
    for threshold, pts in tiers:
        if count >= threshold * months:
            reached, got = threshold, pts
            break
    nxt = None
    for threshold, _ in tiers:
        if reached is None or threshold > reached:
            nxt = threshold
    hundredths = (count * 200 + months) // (2 * months)
    if nxt is not None and hundredths >= nxt * 100:
        hundredths = nxt * 100 - 1
    avg = "%d.%02d" % (hundredths // 100, hundredths % 100)
    rule = ("≥%d 条得 %d 分" % (reached, got)) if reached else ("未达 %d 条，不得分" % tiers[-1][0])
    return got, "%s %d 条，%d 个月月均 %s 条（%s）" % (what, count, months, avg, rule)


def basic_item(columns):
    if columns:
        return 5, ("基本信息完整，子网站本年度已更新栏目：" + "、".join(columns)
                   + "（需基本信息完整且至少一个栏目有更新，得 5 分）")
    return 0, ("基本信息完整，但子网站三个栏目（预警信息、工作动态、政策法规）本年度均未更新，不得分"
               "（需基本信息完整且至少一个栏目有更新，得 5 分）")


def work_exchange_item(n):
    return min(n, 12), "发布到“预警工作交流”栏的原创预警信息 %d 条，每条 1 分%s" % (
        n, "，最高 12 分" if n > 12 else "")


def quarterly_item(year, in_window, repeated=0, outside=0):
    reason = "%d-01-01 至 %d-01-20（含）提交的 %d 年度季度分析 %d 期，每期 2 分" % (
        year, year + 1, year, in_window)
    if in_window * 2 > 8:
        reason += "，最高 8 分"
    if repeated:
        reason += "；另有 %d 份与已计分的季度重复，每期只计一次" % repeated
    if outside:
        reason += "；另有 %d 期不在统计期内或不属于 %d 年度，不计分" % (outside, year)
    return min(in_window * 2, 8), reason


def annual_item(year, at):
    deadline = "%d-01-20 23:59:59" % (year + 1)
    if at is None:
        return 0, "未提交 %d 年度工作总结，不得分" % year
    if at <= deadline:
        return 5, "%d 年度工作总结于 %s 提交，在 %s（含当日）截止前，得 5 分" % (year, at, deadline[:10])
    return 0, "%d 年度工作总结于 %s 提交，晚于 %s 截止时间，不得分" % (year, at, deadline[:10])


def dept_item(accepted, adopted, leader):
    raw = accepted * 2 + adopted + leader * 2
    reason = ("季度分析被《浙江商务》录用 %d 篇 ×2 = %d 分；内部交流采纳 %d 篇 ×1 = %d 分；"
              "厅领导批示 %d 次 ×2 = %d 分；合计 %d 分" % (accepted, accepted * 2, adopted, adopted,
                                                  leader, leader * 2, raw))
    if raw > 10:
        reason += "，最高 10 分"
    return min(raw, 10), reason


def check_score(got, want, what):
    """got: a /api/scores entry; want: [(key, score, reason)] in order."""
    keys = [(x["key"], x["score"], x["reason"]) for x in got["items"]]
    for k, (w, g) in enumerate(zip(want, keys)):
        check(w == g, "%s: item %d is %r,\n want %r" % (what, k + 1, g, w))
    check(len(keys) == len(want), "%s: %d items, want %d" % (what, len(keys), len(want)))
    total = sum(w[1] for w in want)
    check(got["total"] == total, "%s: total %r, want %d" % (what, got["total"], total))


# -------------------------------------------------------------- exports

def info_csv(c, **params):
    """The information list as CSV rows (header first), checked for BOM,
    CRLF, type and file name."""
    resp = c.get("/api/exports/info-list.csv" + qs(**params))
    expect(resp, 200, "info-list.csv %r" % params)
    ct = resp.header("Content-Type", "")
    check(ct.lower().startswith("text/csv") and "utf-8" in ct.lower(), "Content-Type %r" % ct, resp)
    check(resp.body.endswith(b"\r\n"), "the CSV does not end in CRLF", resp)
    check(b"\n" not in resp.body.replace(b"\r\n", b""), "a CSV line ends without CR", resp)
    _named(resp, params.get("year"), "csv")
    return parse_csv(resp.body)


def info_xlsx(c, **params):
    resp = c.get("/api/exports/info-list.xlsx" + qs(**params))
    expect(resp, 200, "info-list.xlsx %r" % params)
    check(resp.header("Content-Type", "").startswith(XLSX_TYPE),
          "Content-Type %r" % resp.header("Content-Type"), resp)
    check(resp.body[:2] == b"PK", "the .xlsx is not a zip file")
    _named(resp, params.get("year"), "xlsx")
    return xlsx_rows(resp.body)


def _named(resp, year, ext):
    from urllib.parse import unquote
    cd = resp.header("Content-Disposition", "")
    m = re.search(r"filename\*=UTF-8''([^;\s]+)", cd)
    check(cd.startswith("attachment") and m is not None, "Content-Disposition %r" % cd, resp)
    want = "%s年度信息清单.%s" % (year or this_year(), ext)
    check(unquote(m.group(1)) == want, "file named %r, want %r" % (unquote(m.group(1)), want), resp)


def as_figures(row):
    """A data row of the export: (city name, point name, [ints])."""
    check(len(row) == len(INFO_HEADER), "a row of %d cells: %r" % (len(row), row))
    nums = []
    for v in row[2:]:
        check(re.match(r"^\d+(\.0)?$", v) is not None, "a figure %r is not a whole number in %r"
              % (v, row))
        nums.append(int(float(v)))
    return row[0], row[1], nums
