"""Statistics (统计分析), scores and the information-list export, read back
against what the tests did.

A scripted year of three new points of 丽水市 (every kind of item, passed
with every option, returned, rejected, waiting, reverted, drafts) checks
every number of /api/stats/points, every drill-down, the summary, the city
review progress and the 2019 standard's scores item by item.  Back-dated
items check the year boundaries with `yujing stats rebuild`; parallel
reviewers check that stat_records equals a recount (`yujing stats verify`);
the export is read back from the CSV and the .xlsx; bad input and roles;
a scoring standard rewritten while running.
"""

import threading
import time

import rulefiles as rf
from client import (Client, admin, assert_error, check, db, db_value, expect, expect_json,
                    login)
from pointlib import city_user, get_point, qs, tag
from statslib import (INFO_HEADER, INFO_METRICS, INFO_TIERS, LISHUI, METRICS, NEWS_TIERS, adopt,
                      adopted_at, annual, annual_item, as_figures, basic_item, check_score, counts,
                      db_time, dept_item, expected_rows, info_csv, info_xlsx, magazine,
                      monthly_item, months_of, new_point, now, passed, post, quarterly,
                      quarterly_item, rebuild, records, score, stat_rows_total, stats_points,
                      stats_row, summary, this_year, verify_equal, work_exchange_item, yujing)
from sublib import (at_province, create, decide, drafted_and_submitted, get, path, submit,
                    wi_fields, withdraw)

ZERO = {m: 0 for m in METRICS}


# ================================================================ scripted

_S = {}


def _progress(c, year):
    body = expect_json(c.get("/api/stats/review-progress?year=%d" % year), 200, "review progress")
    return body


def _lishui(body):
    rows = [it for it in body["items"] if it["city"] == LISHUI]
    check(len(rows) == 1, "review progress has %d rows for 丽水市" % len(rows))
    return rows[0]


def _resubmit_returned(ua, ls, prov, sub, title):
    """Edits a returned warning info, resubmits it and has it passed."""
    fields = wi_fields(title=title)
    resp = ua.patch(path(sub["id"]), {"fields": fields, "version": sub["version"]})
    edited = expect_json(resp, 200, "edit the returned item")
    again = submit(ua, edited, "resubmit")
    again = decide(ls, again, "pass")
    return decide(prov, again, "pass")


def scripted():
    """The scripted year, built once per run: returns a dict of what was
    done (points, clients, items, the figures each metric must show)."""
    if _S:
        return _S
    Y = this_year()
    qnow = (now().month - 1) // 3 + 1
    adm, prov, ed = admin(), login("province"), login("editor")
    ls = city_user(adm, LISHUI)
    before = _lishui(_progress(prov, Y))

    pa, ua = new_point(prov, adm)
    pb, ub = new_point(prov, adm)
    pc, uc = new_point(prov, adm, status="筹建")
    A, B, C = pa["id"], pb["id"], pc["id"]
    want = {A: {m: [] for m in METRICS}, B: {m: [] for m in METRICS}}
    prev = {m: [] for m in METRICS}         # A's items of last year
    city_passes = 0

    # A warning info returned by the city, resubmitted later: it stays at
    # its first submission time, before everything else of A.
    wi_ret = drafted_and_submitted(ua)
    wi_ret = decide(ls, wi_ret, "return", opinion="请补充信息来源后重新提交")
    time.sleep(1.1)

    wi_we = passed(ls, prov, ua, {"work_exchange": True})
    wi_mag = passed(ls, prov, ua, {"magazine": True})
    wi_mag = magazine(ed, wi_mag, True)
    wi_we_mag = passed(ls, prov, ua, {"magazine": True, "work_exchange": True})
    wi_we_mag = magazine(ed, wi_we_mag, False)
    wi_adopt = passed(ls, prov, ua, {"internal_exchange": True})
    wi_adopt = adopt(prov, wi_adopt, True)
    li = expect_json(prov.post(path(wi_adopt["id"], "/leader-instructions"),
                               {"leader": "王厅长", "text": "请相关处室研究提出应对措施。"}),
                     201, "leader instruction")
    check(li["total"] == 1, "leader instructions %r" % li)
    wi_noadopt = passed(ls, prov, ua, {"internal_exchange": True})
    wi_noadopt = adopt(prov, wi_noadopt, False)
    city_passes += 5

    # Not counted: rejected (by the province, by the city), waiting (at the
    # province, at the city), a draft, a withdrawn item, a reverted one.
    wi_rej = at_province(ls, ua)
    decide(prov, wi_rej, "reject", opinion="非原创，不予通过")
    wi_city_rej = drafted_and_submitted(ua)
    decide(ls, wi_city_rej, "reject", opinion="内容与外贸预警无关")
    at_province(ls, ua)
    drafted_and_submitted(ua)
    create(ua)
    withdraw(ua, drafted_and_submitted(ua))
    wi_rev = passed(ls, prov, ua, {"work_exchange": True})
    wi_rev = decide(prov, wi_rev, "revert")
    check(wi_rev["state"] == "submitted" and wi_rev["review_level"] == "province",
          "after a revert: %s at %r" % (wi_rev["state"], wi_rev["review_level"]))
    city_passes += 3
    # Accepted by the magazine, reverted, passed again without the option:
    # a warning info again, no magazine acceptance any more.
    wi_again = passed(ls, prov, ua, {"magazine": True})
    wi_again = magazine(ed, wi_again, True)
    wi_again = decide(prov, wi_again, "revert")
    wi_again = decide(prov, wi_again, "pass")
    city_passes += 1

    # Quarterly analyses: one accepted by the magazine, two for the same
    # quarter, one declined, one pending; one of last year.
    qas = []
    for q, fate in ((1, True), (2, None), (2, None), (3, False), (4, None)):
        qa = quarterly(ua, Y, min(q, qnow))
        if fate is not None:
            qa = magazine(ed, qa, fate)
        qas.append(qa)
    qa_prev = quarterly(ua, Y - 1, 4)
    ann = annual(ua, Y)
    ann_prev = annual(ua, Y - 1)

    posts = {"预警信息": [post(ua, "预警信息"), post(ua, "预警信息")],
             "工作动态": [post(ua, "工作动态")], "政策法规": [post(ua, "政策法规")]}
    create(ua, "subsite_post", {"column": "工作动态", "title": "未发布的动态", "content": "草稿"})

    # Contact enterprises: three added, one removed.
    eids = []
    for i in range(3):
        e = expect_json(prov.post("/api/points/%d/enterprises" % A, {
            "name": "测试%s进出口有限公司%d" % (tag(), i), "credit_code": None,
            "contact": "联系人", "phone": "0578-2123456", "products": "木制品", "markets": "欧盟"}),
            201, "add an enterprise")
        eids.append(e["id"])
    expect(prov.delete("/api/points/%d/enterprises/%d" % (A, eids[0])), 204, "remove an enterprise")

    # Notices: one to A alone, one to the whole city (A, B and C).
    for audience in ({"points": [A]}, {"city": LISHUI}):
        n = create(prov, "notice", {"title": "关于做好应对工作的通知 " + tag(),
                                    "content": "请及时报送。", "audience": audience})
        check(submit(prov, n)["state"] == "approved", "a notice is not issued on submit")

    # B: many sub-site posts (the monthly averages reach a tier), one
    # warning info published to the work-exchange column.
    M = months_of(Y)
    b_info = [post(ub, "预警信息") for _ in range(3 * M)]
    b_news = [post(ub, "工作动态") for _ in range(2 * M)]
    wi_b = passed(ls, prov, ub, {"work_exchange": True})
    city_passes += 1

    # C is 筹建: its post does not count until it becomes formal.
    c_post = post(uc, "预警信息")

    time.sleep(1.1)
    wi_ret = _resubmit_returned(ua, ls, prov, wi_ret, "欧盟对华木制品反倾销调查预警（修改稿）" + tag())
    city_passes += 1

    # The final state of every counted item, read back.
    def fresh(s):
        return get(prov, s["id"])

    wi_ret, wi_we, wi_mag, wi_we_mag, wi_adopt, wi_noadopt, wi_again = (
        fresh(s) for s in (wi_ret, wi_we, wi_mag, wi_we_mag, wi_adopt, wi_noadopt, wi_again))
    qas = [fresh(s) for s in qas]
    wa = want[A]
    wa["warning_info"] = [wi_ret, wi_we, wi_mag, wi_we_mag, wi_adopt, wi_noadopt, wi_again]
    wa["work_exchange"] = [wi_we, wi_we_mag]
    wa["warning_magazine"] = [wi_mag]
    wa["internal_adopted"] = [wi_adopt]
    wa["quarterly_analysis"] = qas
    wa["quarterly_magazine"] = [qas[0]]
    wa["annual_summary"] = [fresh(ann)]
    wa["subsite_info"] = [fresh(s) for s in posts["预警信息"]]
    wa["subsite_news"] = [fresh(s) for s in posts["工作动态"]]
    wa["subsite_policy"] = [fresh(s) for s in posts["政策法规"]]
    prev["quarterly_analysis"] = [fresh(qa_prev)]
    prev["annual_summary"] = [fresh(ann_prev)]
    wb = want[B]
    wb["subsite_info"] = b_info
    wb["subsite_news"] = b_news
    wb["warning_info"] = [fresh(wi_b)]
    wb["work_exchange"] = wb["warning_info"]

    _S.update(Y=Y, M=M, adm=adm, prov=prov, ed=ed, ls=ls, A=A, B=B, C=C, pa=pa, pb=pb, pc=pc,
              ua=ua, ub=ub, uc=uc, want=want, prev=prev, c_post=c_post, before=before,
              city_passes=city_passes, wi_ret=wi_ret, wi_again=wi_again, qas=qas,
              ann=wa["annual_summary"][0], ann_prev=prev["annual_summary"][0],
              qa_prev=prev["quarterly_analysis"][0])
    return _S


def _accepted_at(metric, s):
    """The 录用时间 the drill-down must show for item s in metric."""
    if metric == "work_exchange":
        return s["decided_at"]
    if metric == "internal_adopted":
        return adopted_at(s["id"])
    return s["accepted_at"] if s["magazine"] == "accepted" else None


def _check_drilldown(c, pid, year, metric, items, what):
    total, got = records(c, pid, metric, year)
    check(total == len(items), "%s %s %d: total %d, want %d (%r)"
          % (what, metric, year, total, len(items), [g["title"] for g in got]))
    want = [(s["id"], s["type"], s["title"], s["submitted_at"], _accepted_at(metric, s))
            for s in items]
    have = [(g["id"], g["type"], g["title"], g["submitted_at"], g["accepted_at"]) for g in got]
    check(have == want, "%s %s %d: records\n %r,\n want\n %r" % (what, metric, year, have, want))
    return got


# ------------------------------------------------------------------ tests

def test_stats_scripted_counts_every_metric():
    S = scripted()
    prov, Y = S["prov"], S["Y"]
    for pid, name in ((S["A"], "A"), (S["B"], "B")):
        row = stats_row(prov, pid, Y)
        want = {m: len(S["want"][pid][m]) for m in METRICS}
        check(counts(row) == want, "point %s %d: counts %r,\n want %r" % (name, Y, counts(row), want))
        p = S["pa"] if name == "A" else S["pb"]
        check(row["point_name"] == p["name"] and row["city"] == LISHUI and row["city_name"] == "丽水市"
              and row["year"] == Y, "point %s: row %r" % (name, row))
    # The numbers by hand, not only by the lists above.
    a = counts(stats_row(prov, S["A"], Y))
    check(a == dict(ZERO, warning_info=7, work_exchange=2, warning_magazine=1, internal_adopted=1,
                    quarterly_analysis=5, quarterly_magazine=1, annual_summary=1, subsite_info=2,
                    subsite_news=1, subsite_policy=1), "point A: %r" % a)
    # Last year holds only what was declared for it.
    a_prev = counts(stats_row(prov, S["A"], Y - 1))
    check(a_prev == dict(ZERO, quarterly_analysis=1, annual_summary=1), "point A, %d: %r" % (Y - 1, a_prev))
    check(counts(stats_row(prov, S["A"], Y + 1)) == ZERO, "point A has figures next year")
    # city= lists the city's formal points in id order, A and B among them.
    rows = stats_points(prov, year=Y, city=LISHUI)
    ids = [r["point_id"] for r in rows]
    formal = [int(r[0]) for r in db("SELECT id FROM points WHERE city = '%s' AND status = '正式' "
                                     "ORDER BY id" % LISHUI)]
    check(ids == formal, "stats/points?city=331100 lists %r, the formal points are %r" % (ids, formal))
    check(S["C"] not in ids, "a 筹建 point is listed")
    # Paging: page 2 at 2 per page holds the third and fourth rows.
    body = expect_json(prov.get("/api/stats/points" + qs(year=Y, city=LISHUI, per_page=2, page=2)), 200)
    check(body["total"] == len(rows) and body["items"] == rows[2:4] and body["per_page"] == 2,
          "page 2 of 2 per page: %r" % body)


def test_stats_scripted_drilldowns():
    S = scripted()
    prov, Y = S["prov"], S["Y"]
    for pid, name in ((S["A"], "A"), (S["B"], "B")):
        for m in METRICS:
            _check_drilldown(prov, pid, Y, m, S["want"][pid][m], "point " + name)
    for m in METRICS:
        _check_drilldown(prov, S["A"], Y - 1, m, S["prev"][m], "point A")
    # The returned item sits at its first submission time, not the later one.
    r = S["wi_ret"]
    check(r["submitted_at"] < r["last_submitted_at"] and r["round"] == 2,
          "the resubmitted item: first %r, last %r, round %r"
          % (r["submitted_at"], r["last_submitted_at"], r["round"]))
    first = records(prov, S["A"], "warning_info", Y)[1][0]
    check(first["id"] == r["id"] and first["submitted_at"] == r["submitted_at"],
          "the resubmitted item is not first, at its first submission: %r" % first)
    # 录用时间 set where there is one.
    for m in ("work_exchange", "internal_adopted", "warning_magazine", "quarterly_magazine"):
        for it in records(prov, S["A"], m, Y)[1]:
            check(it["accepted_at"] is not None, "%s record without accepted_at: %r" % (m, it))
    # A magazine acceptance undone by a revert leaves no 录用时间.
    again = [it for it in records(prov, S["A"], "warning_info", Y)[1] if it["id"] == S["wi_again"]["id"]]
    check(len(again) == 1 and again[0]["accepted_at"] is None,
          "an item reverted after the magazine accepted it shows 录用时间 %r" % again)
    # Pages of the drill-down.
    body = expect_json(prov.get("/api/stats/points/%d/records%s" % (
        S["B"], qs(year=Y, metric="subsite_info", per_page=2, page=2))), 200)
    check(body["total"] == 3 * S["M"] and [it["seq"] for it in body["items"]] == [3, 4][:max(0, 3 * S["M"] - 2)]
          and [it["id"] for it in body["items"]] == [s["id"] for s in S["want"][S["B"]]["subsite_info"][2:4]],
          "page 2 of B's subsite_info: %r" % body)


def test_stats_scripted_summary():
    S = scripted()
    prov, Y, A, B, M = S["prov"], S["Y"], S["A"], S["B"], S["M"]
    want_a = {"year": Y, "city": None, "point_id": A, "warning_info": 7, "notices": 2,
              "quarterly_analysis": 5, "annual_summary": 1, "magazine_accepted": 2,
              "subsite_posts": 4, "points": 1, "enterprises": 2}
    got = summary(prov, year=Y, point=A)
    check(got == want_a, "summary of A: %r,\n want %r" % (got, want_a))
    want_b = {"year": Y, "city": None, "point_id": B, "warning_info": 1, "notices": 1,
              "quarterly_analysis": 0, "annual_summary": 0, "magazine_accepted": 0,
              "subsite_posts": 5 * M, "points": 1, "enterprises": 0}
    got = summary(prov, year=Y, point=B)
    check(got == want_b, "summary of B: %r,\n want %r" % (got, want_b))
    got = summary(prov, year=Y - 1, point=A)
    check(got == dict(want_a, year=Y - 1, warning_info=0, notices=0, quarterly_analysis=1,
                      annual_summary=1, magazine_accepted=0, subsite_posts=0),
          "summary of A last year: %r" % got)
    # The point's own user sees the same, whatever point= it names.
    for q in ({}, {"point": B}):
        got = summary(S["ua"], year=Y, **q)
        check(got == want_a, "A's user, %r: %r" % (q, got))
    # The city: the sum of its formal points' rows.
    rows = stats_points(prov, year=Y, city=LISHUI)
    city = summary(prov, year=Y, city=LISHUI)
    check(city["warning_info"] == sum(r["warning_info"] for r in rows)
          and city["quarterly_analysis"] == sum(r["quarterly_analysis"] for r in rows)
          and city["annual_summary"] == sum(r["annual_summary"] for r in rows)
          and city["magazine_accepted"] == sum(r["warning_magazine"] + r["quarterly_magazine"] for r in rows)
          and city["subsite_posts"] == sum(r["subsite_info"] + r["subsite_news"] + r["subsite_policy"]
                                           for r in rows)
          and city["points"] == len(rows) and city["city"] == LISHUI,
          "summary of 丽水市 %r is not the sum of its rows" % city)
    check(summary(S["ls"], year=Y, city="330100") == city, "丽水's user asking for 杭州 sees other figures")
    check(summary(S["ls"], year=Y, point=A) == dict(want_a, city=LISHUI),
          "丽水's user, point A: %r" % summary(S["ls"], year=Y, point=A))


def test_stats_charts_add_up_to_the_figures():
    """/api/stats/charts: approved warning info by month (of first
    submission), by city and by measure type; each series adds up to the
    summary's 上报信息, and a city user sees its city only."""
    S = scripted()
    prov, Y, A = S["prov"], S["Y"], S["A"]
    got = expect_json(prov.get("/api/stats/charts" + qs(year=Y, point=A)), 200, "charts of A")
    _, recs = records(prov, A, "warning_info", Y)
    months = [0] * 12
    for r in recs:
        months[int(r["submitted_at"][5:7]) - 1] += 1
    check([m["count"] for m in got["by_month"]] == months and sum(months) == 7,
          "charts of A by month %r, want %r" % (got["by_month"], months))
    check({c["city"]: c["count"] for c in got["by_city"] if c["count"]} == {LISHUI: 7}
          and len(got["by_city"]) == 11, "charts of A by city %r" % got["by_city"])
    check({m["code"]: m["count"] for m in got["by_measure_type"] if m["count"]} == {"AD": 7}
          and [m["code"] for m in got["by_measure_type"]][:2] == ["AD", "CVD"],
          "charts of A by measure type %r" % got["by_measure_type"])
    for who in (prov, S["ls"]):
        city = expect_json(who.get("/api/stats/charts" + qs(year=Y, city=LISHUI)), 200, "charts of 丽水")
        want = summary(prov, year=Y, city=LISHUI)["warning_info"]
        for series in ("by_month", "by_city", "by_measure_type"):
            check(sum(x["count"] for x in city[series]) == want,
                  "charts of 丽水 %s add up to %d, want %d" % (series, sum(x["count"] for x in city[series]), want))
    mine = expect_json(S["ls"].get("/api/stats/charts" + qs(year=Y, city="330100")), 200, "丽水 asks 杭州")
    check([c["city"] for c in mine["by_city"]] == [LISHUI], "a city user sees cities %r" % mine["by_city"])
    whole = expect_json(prov.get("/api/stats/charts" + qs(year=Y)), 200, "charts of the province")
    check(sum(x["count"] for x in whole["by_city"]) == summary(prov, year=Y)["warning_info"],
          "the province's charts do not add up to its summary")
    assert_error(S["ed"].get("/api/stats/charts"), 403, "forbidden")
    assert_error(prov.get("/api/stats/charts?year=1999"), 400, "invalid", "year")
    assert_error(prov.get("/api/stats/charts?city=999999"), 400, "invalid", "city")


def test_stats_formal_points_only():
    S = scripted()
    prov, Y, C = S["prov"], S["Y"], S["C"]
    p = get_point(prov, C)
    if p["status"] != "正式":
        check(stats_points(prov, year=Y, point=C) == [], "a 筹建 point has a row")
        err = assert_error(prov.get("/api/stats/points/%d/records?year=%d&metric=subsite_info" % (C, Y)),
                           404, "not_found")
        check("正式" in err["message"], "message %r" % err["message"])
        got = summary(prov, year=Y, point=C)
        check(got["points"] == 0 and got["subsite_posts"] == 0 and got["enterprises"] == 0,
              "summary of a 筹建 point: %r" % got)
        expect_json(prov.patch("/api/points/%d" % C, {"status": "正式", "version": p["version"]}), 200,
                    "make C formal")
    # Checked against the point as it is now: its earlier post counts.
    row = stats_row(prov, C, Y)
    check(counts(row) == dict(ZERO, subsite_info=1), "C once formal: %r" % counts(row))
    _check_drilldown(prov, C, Y, "subsite_info", [get(prov, S["c_post"]["id"])], "point C")
    got = summary(prov, year=Y, point=C)
    check(got["points"] == 1 and got["subsite_posts"] == 1, "summary of C once formal: %r" % got)


def test_stats_review_progress():
    S = scripted()
    prov, Y = S["prov"], S["Y"]
    body = _progress(prov, Y)
    check(body["year"] == Y and [it["city"] for it in body["items"]] ==
          ["330100", "330200", "330300", "330400", "330500", "330600", "330700", "330800",
           "330900", "331000", "331100"], "cities %r" % [it["city"] for it in body["items"]])
    for k in ("waiting", "waiting_province", "passed", "returned", "rejected"):
        check(body["totals"][k] == sum(it[k] for it in body["items"]),
              "totals.%s %r is not the sum of the cities" % (k, body["totals"][k]))
    got, was = _lishui(body), S["before"]
    delta = {k: got[k] - was[k] for k in ("waiting", "waiting_province", "passed", "returned", "rejected")}
    want = {"waiting": 1, "waiting_province": 2, "passed": S["city_passes"], "returned": 1, "rejected": 1}
    check(delta == want, "丽水市 moved by %r, want %r" % (delta, want))
    waiting = db_value("SELECT MIN(submitted_at) FROM submissions WHERE state = 'submitted' "
                       "AND review_level = 'city' AND city = '%s'" % LISHUI)
    check(got["oldest_waiting_since"] == waiting[:10] + "T" + waiting[11:] + "+08:00",
          "oldest_waiting_since %r, the oldest waiting item was submitted %r"
          % (got["oldest_waiting_since"], waiting))
    mine = _progress(S["ls"], Y)
    check([it["city"] for it in mine["items"]] == [LISHUI] and mine["items"][0] == got,
          "丽水's user sees %r" % mine["items"])
    check(all(mine["totals"][k] == got[k] for k in mine["totals"]), "丽水's totals %r" % mine["totals"])
    assert_error(S["ua"].get("/api/stats/review-progress"), 403, "forbidden")
    assert_error(S["ed"].get("/api/stats/review-progress"), 403, "forbidden")


def _expected_scores_a(S, year):
    M = months_of(year)
    if year == S["Y"]:
        quarters = [qa["quarter"] for qa in S["qas"]]
        in_window = len(set(quarters))
        # Last year's Q4, filed this year, is listed but not this year's.
        return [
            ("upkeep_basic",) + basic_item(["预警信息", "工作动态", "政策法规"]),
            ("upkeep_subsite_info",) + monthly_item("子网站预警信息", 2, M, INFO_TIERS),
            ("upkeep_subsite_news",) + monthly_item("子网站工作动态", 1, M, NEWS_TIERS),
            ("report_work_exchange",) + work_exchange_item(2),
            ("report_quarterly",) + quarterly_item(year, in_window, len(quarters) - in_window, 1),
            ("report_annual_on_time",) + annual_item(year, db_time(S["ann"]["submitted_at"])),
            ("dept_reporting",) + dept_item(1, 1, 1),
        ]
    # Last year: only last year's quarterly analysis (in its period only
    # when filed by 20 January) and annual summary; in January this year's
    # analyses are listed too, outside last year's.
    late = db_time(S["qa_prev"]["submitted_at"]) > "%d-01-20 23:59:59" % (year + 1)
    outside = int(late) + (len(S["qas"]) if now().month == 1 else 0)
    return [
        ("upkeep_basic",) + basic_item([]),
        ("upkeep_subsite_info",) + monthly_item("子网站预警信息", 0, 12, INFO_TIERS),
        ("upkeep_subsite_news",) + monthly_item("子网站工作动态", 0, 12, NEWS_TIERS),
        ("report_work_exchange",) + work_exchange_item(0),
        ("report_quarterly",) + quarterly_item(year, int(not late), 0, outside),
        ("report_annual_on_time",) + annual_item(year, db_time(S["ann_prev"]["submitted_at"])),
        ("dept_reporting",) + dept_item(0, 0, 0),
    ]


def test_stats_scripted_scores():
    S = scripted()
    prov, Y, M = S["prov"], S["Y"], S["M"]
    a = score(prov, S["A"], Y)
    want = _expected_scores_a(S, Y)
    check_score(a, want, "A's score for %d" % Y)
    check(a["items"][3]["score"] == 2 and a["items"][5]["score"] == 5 and a["items"][6]["score"] == 5,
          "A: work exchange 2, annual summary on time 5, department 5: %r" % a["items"])
    check_score(score(prov, S["A"], Y - 1), _expected_scores_a(S, Y - 1), "A's score for %d" % (Y - 1))

    b = score(prov, S["B"], Y)
    want_b = [
        ("upkeep_basic",) + basic_item(["预警信息", "工作动态"]),
        ("upkeep_subsite_info",) + monthly_item("子网站预警信息", 3 * M, M, INFO_TIERS),
        ("upkeep_subsite_news",) + monthly_item("子网站工作动态", 2 * M, M, NEWS_TIERS),
        ("report_work_exchange",) + work_exchange_item(1),
        ("report_quarterly",) + quarterly_item(Y, 0),
        ("report_annual_on_time",) + annual_item(Y, None),
        ("dept_reporting",) + dept_item(0, 0, 0),
    ]
    check_score(b, want_b, "B's score for %d" % Y)
    check([x["score"] for x in b["items"]] == [5, 2, 3, 1, 0, 0, 0] and b["total"] == 11,
          "B by hand: %r" % [x["score"] for x in b["items"]])
    check("月均 3.00 条（≥3 条得 2 分）" in b["items"][1]["reason"]
          and "月均 2.00 条（≥2 条得 3 分）" in b["items"][2]["reason"], "B's reasons %r" % b["items"])
    # The list holds the same entries.
    body = expect_json(prov.get("/api/scores" + qs(year=Y, city=LISHUI, per_page=20000)), 200)
    listed = {it["point_id"]: it for it in body["items"]}
    check(listed.get(S["A"]) == a and listed.get(S["B"]) == b, "the list's entries differ")
    # A's own user gets its score; another point's is 404.
    check(score(S["ua"], S["A"], Y) == a, "A's user sees another score")
    assert_error(S["ua"].get("/api/scores/%d?year=%d" % (S["B"], Y)), 404, "not_found")


# ============================================================ year bounds

def _backdate(sid, at, accepted=None):
    db("UPDATE submissions SET first_submitted_at = '%s', submitted_at = '%s', decided_at = "
       "IF(decided_at IS NULL, NULL, '%s') %s WHERE id = %d"
       % (at, at, at, (", accepted_at = '%s'" % accepted) if accepted else "", sid))


def test_stats_year_boundaries_after_backdating():
    adm, prov, ed = admin(), login("province"), login("editor")
    ls = city_user(adm, LISHUI)
    pd, ud = new_point(prov, adm)
    pe, ue = new_point(prov, adm)
    D, E = pd["id"], pe["id"]
    Y = this_year()
    wi_a = passed(ls, prov, ud, {"work_exchange": True})
    wi_b = passed(ls, prov, ud)
    qa_a = magazine(ed, quarterly(ud, 2024, 4), True)
    qa_b = quarterly(ud, 2024, 3)
    as_a = annual(ud, 2024)
    as_b = annual(ue, 2024)
    before = counts(stats_row(prov, D, Y))
    check(before == dict(ZERO, warning_info=2, work_exchange=1), "D before back-dating: %r" % before)
    check(counts(stats_row(prov, D, 2024)) == dict(ZERO, quarterly_analysis=2, quarterly_magazine=1,
                                                    annual_summary=1), "D's 2024 before back-dating")

    moved = {wi_a["id"]: "2024-12-31 23:59:59", wi_b["id"]: "2025-01-01 00:00:00",
             qa_a["id"]: "2025-01-10 10:00:00", qa_b["id"]: "2025-01-21 09:00:00",
             as_a["id"]: "2025-01-20 23:59:59", as_b["id"]: "2025-01-21 00:00:00"}
    for sid, at in moved.items():
        _backdate(sid, at, "2025-02-01 10:00:00" if sid == qa_a["id"] else None)
    # stat_records no longer equal a recount, and verify names each item.
    rc, out = yujing("stats", "verify")
    check(rc == 1 and "stat_records DIFFER from a recount of" in out,
          "verify after back-dating exited %d:\n%s" % (rc, out[-3000:]))
    for sid in moved:
        check(("submission %d " % sid) in out, "verify does not name submission %d:\n%s" % (sid, out[-3000:]))
    rebuild("after back-dating")
    verify_equal("after the rebuild")

    d24, d25, dY = (counts(stats_row(prov, D, y)) for y in (2024, 2025, Y))
    check(d24 == dict(ZERO, warning_info=1, work_exchange=1, quarterly_analysis=2,
                      quarterly_magazine=1, annual_summary=1), "D in 2024: %r" % d24)
    check(d25 == dict(ZERO, warning_info=1), "D in 2025: %r" % d25)
    check(dY == ZERO, "D in %d still has %r" % (Y, dY))
    check(counts(stats_row(prov, E, 2024)) == dict(ZERO, annual_summary=1), "E in 2024")

    t24 = records(prov, D, "warning_info", 2024)[1]
    t25 = records(prov, D, "warning_info", 2025)[1]
    check([(t["id"], t["submitted_at"]) for t in t24] == [(wi_a["id"], "2024-12-31T23:59:59+08:00")],
          "2024's warning info: %r" % t24)
    check([(t["id"], t["submitted_at"]) for t in t25] == [(wi_b["id"], "2025-01-01T00:00:00+08:00")],
          "2025's warning info: %r" % t25)
    q24 = records(prov, D, "quarterly_analysis", 2024)[1]
    check([(t["id"], t["submitted_at"]) for t in q24] ==
          [(qa_a["id"], "2025-01-10T10:00:00+08:00"), (qa_b["id"], "2025-01-21T09:00:00+08:00")],
          "2024's quarterly analyses: %r" % q24)
    m24 = records(prov, D, "quarterly_magazine", 2024)[1]
    check([(t["id"], t["accepted_at"]) for t in m24] == [(qa_a["id"], "2025-02-01T10:00:00+08:00")],
          "2024's magazine: %r" % m24)
    s24 = summary(prov, year=2024, point=D)
    check((s24["warning_info"], s24["quarterly_analysis"], s24["annual_summary"], s24["magazine_accepted"])
          == (1, 2, 1, 1), "summary of D for 2024: %r" % s24)

    # The 2019 standard for 2024: the analysis of 2025-01-10 is in its
    # period, the one of 2025-01-21 is not; the summary of 2025-01-20
    # 23:59:59 is on time, the one of 2025-01-21 00:00:00 late.
    check_score(score(prov, D, 2024), [
        ("upkeep_basic",) + basic_item([]),
        ("upkeep_subsite_info",) + monthly_item("子网站预警信息", 0, 12, INFO_TIERS),
        ("upkeep_subsite_news",) + monthly_item("子网站工作动态", 0, 12, NEWS_TIERS),
        ("report_work_exchange",) + work_exchange_item(1),
        ("report_quarterly",) + quarterly_item(2024, 1, 0, 1),
        ("report_annual_on_time",) + annual_item(2024, "2025-01-20 23:59:59"),
        ("dept_reporting",) + dept_item(1, 0, 0),
    ], "D's score for 2024")
    sd = score(prov, D, 2024)
    check(sd["total"] == 10 and sd["items"][5]["score"] == 5 and sd["items"][4]["score"] == 2,
          "D for 2024 by hand: %r" % [x["score"] for x in sd["items"]])
    se = score(prov, E, 2024)
    check(se["items"][5] == {"key": "report_annual_on_time", "label": "按时上报年度工作总结", "score": 0,
                             "max": 5, "reason": "2024 年度工作总结于 2025-01-21 00:00:00 提交，"
                                                 "晚于 2025-01-20 截止时间，不得分"},
          "E's late summary: %r" % se["items"][5])
    check(se["total"] == 0, "E for 2024: %r" % se)
    # 2025: the 2024 analyses filed in January 2025 are not 2025's.
    s25 = score(prov, D, 2025)
    q = s25["items"][4]
    check(q["score"] == 0 and q["reason"].startswith(
        "2025-01-01 至 2026-01-20（含）提交的 2025 年度季度分析 0 期，每期 2 分"),
        "D's quarterly item for 2025: %r" % q)
    check(s25["items"][3]["score"] == 0 and s25["items"][5]["score"] == 0 and s25["total"] == 0,
          "D for 2025: %r" % [x["score"] for x in s25["items"]])
    verify_equal("at the end")


# ============================================================ concurrency

def _race(calls, also=()):
    """Runs the calls at once (one thread each); returns their responses.
    Each answers 200 or 409, or a status of also for the call indexes
    also names: {index: status}."""
    barrier = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def run(i, fn):
        try:
            barrier.wait(30)
            out[i] = fn()
        except Exception as e:   # noqa: BLE001 - reported below
            out[i] = e

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    also = dict(also)
    for i, r in enumerate(out):
        if isinstance(r, Exception):
            raise r
        check(r is not None, "a request did not finish")
        check(r.status in (200, 409) or r.status == also.get(i),
              "a racing request answered %d (want 200 or 409)" % r.status, r)
    return out


def _ok(resps):
    return sum(1 for r in resps if r.status == 200)


def _recount(items):
    """Counts per point and metric from the items' own state (GET)."""
    out = {}
    for s in items:
        c = out.setdefault(s["point_id"], dict(ZERO))
        if s["state"] != "approved":
            continue
        if s["type"] == "warning_info":
            c["warning_info"] += 1
            c["work_exchange"] += s["options"]["work_exchange"]
            c["warning_magazine"] += s["magazine"] == "accepted"
            c["internal_adopted"] += bool(s["options"]["internal_exchange"] and s["adopted"] is True)
        elif s["type"] == "quarterly_analysis":
            c["quarterly_analysis"] += 1
            c["quarterly_magazine"] += s["magazine"] == "accepted"
    return out


def test_stats_parallel_decisions_on_different_items_all_succeed():
    """Decisions on different items at once do not get in each other's
    way: each keeps its own statistics rows (no 409 from a deadlock)."""
    adm = admin()
    provs = [login("province") for _ in range(4)]
    ls = city_user(adm, LISHUI)
    (pf, uf), (pg, ug) = new_point(provs[0], adm), new_point(provs[0], adm)
    Y = this_year()
    for rnd in range(2):
        wis = [at_province(ls, (uf, ug)[i % 2]) for i in range(24)]
        resps = _race([lambda i=i, s=s: provs[i % 4].post(path(s["id"], "/decisions"), {
            "decision": "pass", "options": {"work_exchange": True}, "version": s["version"]})
            for i, s in enumerate(wis)])
        bad = [r for r in resps if r.status != 200]
        check(not bad, "round %d: %d of %d passes of different items failed, first: %s"
              % (rnd + 1, len(bad), len(resps), bad[0] if bad else ""))
    drafts = [create(u, "subsite_post", {"column": "工作动态", "title": "动态 " + tag(), "content": "内容"})
              for u in (uf, ug) for _ in range(8)]
    resps = _race([lambda d=d: (uf if d["point_id"] == pf["id"] else ug).post(
        path(d["id"], "/submit"), {"version": d["version"]}) for d in drafts])
    bad = [r for r in resps if r.status != 200]
    check(not bad, "%d of %d submits of different items failed, first: %s"
          % (len(bad), len(resps), bad[0] if bad else ""))
    for pid in (pf["id"], pg["id"]):
        got = counts(stats_row(provs[0], pid, Y))
        check(got == dict(ZERO, warning_info=24, work_exchange=24, subsite_news=8),
              "point %d after the parallel decisions: %r" % (pid, got))
    verify_equal("after the parallel decisions")


def test_stats_equal_a_recount_after_parallel_reviews():
    adm = admin()
    provs = [login("province") for _ in range(2)]
    eds = [login("editor") for _ in range(2)]
    ls = city_user(adm, LISHUI)
    ls2 = city_user(adm, LISHUI)
    pf, uf = new_point(provs[0], adm)
    pg, ug = new_point(provs[0], adm)
    Y = this_year()
    wis = [at_province(ls, uf if i % 2 else ug) for i in range(12)]
    qas = [quarterly(uf, Y, 1) for _ in range(4)]
    drafts = [create(ug) for _ in range(6)]
    opts = [{"magazine": True, "work_exchange": True}, {"internal_exchange": True}]

    # Round 1: two province users pass each item at once with other options;
    # two editors decide each quarterly analysis at once; the drafts are
    # submitted meanwhile.
    calls = []
    for s in wis:
        for k in range(2):
            body = {"decision": "pass", "options": opts[k], "version": s["version"]}
            calls.append(lambda s=s, k=k, body=body: provs[k].post(path(s["id"], "/decisions"), body))
    for q in qas:
        for k in range(2):
            calls.append(lambda q=q, k=k: eds[k].post(path(q["id"], "/magazine"), {"accept": k == 0}))
    for d in drafts:
        calls.append(lambda d=d: ug.post(path(d["id"], "/submit"), {"version": d["version"]}))
    resps = _race(calls)
    for i in range(len(wis) + len(qas)):
        pair = resps[2 * i:2 * i + 2]
        check(_ok(pair) == 1, "two at once on one item: %d succeeded (%s, %s)"
              % (_ok(pair), pair[0].status, pair[1].status), pair[1])
    check(_ok(resps[-len(drafts):]) == len(drafts), "a draft was not submitted")

    # Round 2: the editor decides while the province reverts; the province
    # adopts while another province user reverts; the city passes while the
    # submitter withdraws.
    wis = [get(provs[0], s["id"]) for s in wis]
    subs = [get(ug, d["id"]) for d in drafts]
    calls, also = [], {}
    for s in wis:
        check(s["state"] == "approved", "after round 1: %s" % s["state"])
        if s["options"]["internal_exchange"]:
            calls.append(lambda s=s: provs[0].post(path(s["id"], "/adoption"), {"adopt": True}))
        else:
            # Reverted first, the item is off the magazine: out of the
            # editor's sight.
            also[len(calls)] = 404
            calls.append(lambda s=s: eds[0].post(path(s["id"], "/magazine"), {"accept": True}))
        calls.append(lambda s=s: provs[1].post(path(s["id"], "/decisions"),
                                               {"decision": "revert", "version": s["version"]}))
    for s in subs:
        calls.append(lambda s=s: ls2.post(path(s["id"], "/decisions"),
                                          {"decision": "pass", "version": s["version"]}))
        calls.append(lambda s=s: ug.post(path(s["id"], "/withdraw"), {"version": s["version"]}))
    # Meanwhile the table is rebuilt from a recount, as an operator may do
    # while yujing runs.
    rebuilt = []
    rebuilder = threading.Thread(target=lambda: rebuilt.append(yujing("stats", "rebuild")))
    rebuilder.start()
    resps = _race(calls, also)
    rebuilder.join(300)
    check(rebuilt and rebuilt[0][0] == 0 and "stat_records rebuilt:" in rebuilt[0][1],
          "a rebuild while reviewers work: %r" % (rebuilt,))
    for i in range(len(subs)):
        pair = resps[2 * len(wis) + 2 * i:2 * len(wis) + 2 * i + 2]
        check(_ok(pair) == 1, "city pass and withdraw at once: %d succeeded" % _ok(pair), pair[1])
    for i in range(len(wis)):
        pair = resps[2 * i:2 * i + 2]
        check(_ok(pair) == 1, "a revert and a magazine decision or adoption at once: %d succeeded"
              % _ok(pair), pair[1])
    verify_equal("after round 2")

    # Round 3: each reverted item is passed and rejected at once; adoptions
    # of the internal items that are approved are set and unset at once.
    wis = [get(provs[0], s["id"]) for s in wis]
    calls = []
    for s in wis:
        if s["state"] == "submitted":
            calls.append(lambda s=s: provs[0].post(path(s["id"], "/decisions"), {
                "decision": "pass", "options": {"internal_exchange": True}, "version": s["version"]}))
            calls.append(lambda s=s: provs[1].post(path(s["id"], "/decisions"), {
                "decision": "reject", "opinion": "非原创，不予通过", "version": s["version"]}))
    for s in subs:
        s = get(ug, s["id"])
        if s["state"] == "submitted" and s["review_level"] == "province":
            calls.append(lambda s=s: provs[0].post(path(s["id"], "/decisions"), {
                "decision": "pass", "options": {"magazine": True}, "version": s["version"]}))
    check(calls, "nothing was reverted in round 2")
    _race(calls)
    for s in [get(provs[0], s["id"]) for s in wis]:
        if s["state"] == "approved" and s["options"]["internal_exchange"]:
            calls = [lambda s=s, k=k: provs[k].post(path(s["id"], "/adoption"), {"adopt": k == 0})
                     for k in range(2)]
            check(_ok(_race(calls)) == 2, "an adoption was refused")

    verify_equal("after the parallel reviews")
    check(stat_rows_total() == expected_rows(),
          "stat_records holds %d rows, the definitions count %d" % (stat_rows_total(), expected_rows()))
    items = [get(provs[0], s["id"]) for s in wis + qas] + [get(ug, s["id"]) for s in subs]
    want = _recount(items)
    for pid in (pf["id"], pg["id"]):
        got = counts(stats_row(provs[0], pid, Y))
        check(got == want[pid], "point %d: stats %r,\n the items say %r" % (pid, got, want[pid]))
    # Every number was exercised.
    total = {m: sum(want[p][m] for p in want) for m in METRICS}
    check(total["warning_info"] > 0 and total["quarterly_analysis"] == len(qas),
          "the race left %r" % total)


def test_stats_verify_names_a_corruption_and_rebuild_repairs_it():
    adm, prov = admin(), login("province")
    ls = city_user(adm, LISHUI)
    p, u = new_point(prov, adm)
    Y = this_year()
    wi = passed(ls, prov, u, {"work_exchange": True})
    ps = post(u, "工作动态")
    draft = create(u)
    good = stats_row(prov, p["id"], Y)
    verify_equal("before the corruption")

    db("DELETE FROM stat_records WHERE submission_id = %d AND metric = 'work_exchange'" % wi["id"])
    db("UPDATE stat_records SET month = IF(month = 1, 2, 1) WHERE submission_id = %d" % ps["id"])
    db("INSERT INTO stat_records (submission_id, metric, point_id, year, month, quarter, at) "
       "VALUES (%d, 'warning_info', %d, %d, 1, 1, NOW())" % (draft["id"], p["id"], Y))
    # The figures come from the counters: records alone changed nothing yet.
    check(stats_row(prov, p["id"], Y) == good, "counts moved without their counters")
    # A counter off by five shows in the API, and verify names it.
    db("UPDATE stat_totals SET n = n + 5 WHERE year = %d AND point_id = %d "
       "AND metric = 'subsite_news'" % (Y, p["id"]))
    bad = counts(stats_row(prov, p["id"], Y))
    check(bad == dict(counts(good), subsite_news=counts(good)["subsite_news"] + 5),
          "the API does not read stat_totals: %r" % bad)

    rc, out = yujing("stats", "verify")
    check(rc == 1, "verify exited %d on a corrupted table:\n%s" % (rc, out[-3000:]))
    lines = out.splitlines()
    check(any(ln.startswith("  missing: submission %d work_exchange point %d year %d"
                            % (wi["id"], p["id"], Y)) for ln in lines),
          "verify does not name the missing row:\n%s" % out[-3000:])
    check(any(ln.startswith("  extra: submission %d warning_info point %d" % (draft["id"], p["id"]))
              for ln in lines), "verify does not name the extra row:\n%s" % out[-3000:])
    check(any(ln.startswith("  stored: submission %d subsite_news" % ps["id"]) for ln in lines)
          and any(ln.startswith("  recount: submission %d subsite_news" % ps["id"]) for ln in lines),
          "verify does not show the changed row:\n%s" % out[-3000:])
    check(lines[-2].startswith("stat_records DIFFER from a recount of ")
          and lines[-2].endswith(", 3 differences"), "verify's stat_records line %r" % lines[-2])
    check(any(ln.startswith("  stat_totals %d point %d subsite_news: stored n=%d, recount n="
                            % (Y, p["id"], counts(good)["subsite_news"] + 5)) for ln in lines),
          "verify does not name the wrong counter:\n%s" % out[-3000:])
    check(lines[-1].startswith("stat_totals DIFFER from a recount of stat_records: "),
          "verify's last line %r" % lines[-1])

    rebuild("after the corruption")
    subs, rows = verify_equal("after the rebuild")
    check(subs == int(db_value("SELECT COUNT(*) FROM submissions")) and rows == stat_rows_total(),
          "verify counted %d submissions and %d rows" % (subs, rows))
    check(stats_row(prov, p["id"], Y) == good, "the rebuild did not bring the figures back")


# ================================================================ exports

def _enterprises(c, pid):
    body = expect_json(c.get("/api/points/%d/enterprises?per_page=1" % pid), 200)
    return body["total"]


def _expected_export(rows, ents):
    """The export's rows from /api/stats/points rows and enterprise counts:
    by city code then point id, a 小计 after each city, a 合计."""
    rows = sorted(rows, key=lambda r: (r["city"], r["point_id"]))
    out, sub, total = [], None, [0] * (len(INFO_METRICS) + 1)
    for i, r in enumerate(rows):
        v = [r[m] for m in INFO_METRICS] + [ents[r["point_id"]]]
        out.append([r["city_name"], r["point_name"]] + [str(x) for x in v])
        sub = v if sub is None else [a + b for a, b in zip(sub, v)]
        total = [a + b for a, b in zip(total, v)]
        if i + 1 == len(rows) or rows[i + 1]["city"] != r["city"]:
            out.append([r["city_name"], "小计"] + [str(x) for x in sub])
            sub = None
    out.append(["合计", ""] + [str(x) for x in total])
    return out


def _check_export(c, year, ents, what):
    rows = stats_points(c, year=year)
    want = _expected_export(rows, ents)
    got = info_csv(c, year=year)
    check(got[0] == INFO_HEADER, "%s: CSV header %r" % (what, got[0]))
    check(got[1:] == want, "%s: CSV rows differ; first difference %r" % (what, next(
        ((g, w) for g, w in zip(got[1:], want) if g != w), (len(got) - 1, len(want)))))
    x = info_xlsx(c, year=year)
    check(x[0][0] == "%d年度预警点信息清单" % year and all(v == "" for v in x[0][1:]),
          "%s: the .xlsx title row %r" % (what, x[0]))
    check(x[1] == INFO_HEADER, "%s: the .xlsx header %r" % (what, x[1]))
    xr = [[a, b] + [str(n) for n in nums] for a, b, nums in map(as_figures, x[2:])]
    check(xr == want, "%s: the .xlsx rows differ from the API; first difference %r" % (what, next(
        ((g, w) for g, w in zip(xr, want) if g != w), (len(xr), len(want)))))
    # Each 小计 is the sum of its city's rows.
    data = [as_figures(r) for r in got[1:]]
    acc = None
    for city, name, nums in data[:-1]:
        if name == "小计":
            check(acc == nums, "%s: 小计 of %s %r, its rows sum to %r" % (what, city, nums, acc))
            acc = None
        else:
            acc = nums if acc is None else [a + b for a, b in zip(acc, nums)]
    return rows, data


def test_stats_info_list_export():
    S = scripted()
    prov, Y = S["prov"], S["Y"]
    ids = [r["point_id"] for r in stats_points(prov, year=Y)]
    ents = {pid: _enterprises(prov, pid) for pid in ids}
    check(ents[S["A"]] == 2, "A's enterprises %r" % ents[S["A"]])
    for year in (Y, 2024):
        rows, data = _check_export(prov, year, ents, "province %d" % year)
        city, name, total = data[-1]
        check((city, name) == ("合计", ""), "the last row is %r" % ((city, name),))
        s = summary(prov, year=year)
        fig = dict(zip(INFO_METRICS + ["enterprises"], total))
        check(fig["warning_info"] == s["warning_info"] and fig["quarterly_analysis"] == s["quarterly_analysis"]
              and fig["annual_summary"] == s["annual_summary"] and fig["enterprises"] == s["enterprises"]
              and len([d for d in data if d[1] not in ("小计", "")]) == s["points"],
              "合计 %r differs from the summary %r" % (fig, s))
        check(s["magazine_accepted"] == sum(r["warning_magazine"] + r["quarterly_magazine"] for r in rows)
              and s["subsite_posts"] == sum(r["subsite_info"] + r["subsite_news"] + r["subsite_policy"]
                                            for r in rows), "summary %r and the rows differ" % s)
        # Every city's 小计 equals the city's summary.
        for cname, pname, nums in data:
            if pname == "小计":
                code = [r["city"] for r in rows if r["city_name"] == cname][0]
                cs = summary(prov, year=year, city=code)
                check((nums[0], nums[6], nums[7], nums[8]) == (cs["warning_info"], cs["quarterly_analysis"],
                                                               cs["annual_summary"], cs["enterprises"]),
                      "小计 of %s %r, its summary %r" % (cname, nums, cs))
    # The scripted point's row, by hand.
    row = [d for d in _check_export(prov, Y, ents, "again")[1] if d[1] == S["pa"]["name"]]
    check(row == [("丽水市", S["pa"]["name"], [7, 2, 1, 1, 2, 1, 5, 1, 2])], "A's row %r" % row)

    # A city user's export: its city only, the province's 丽水 block.
    mine = info_csv(S["ls"], year=Y)
    full = info_csv(prov, year=Y)
    block = [r for r in full[1:] if r[0] == "丽水市"]
    check(mine[1:-1] == block and mine[-1] == ["合计", ""] + block[-1][2:],
          "丽水's export differs from the province's 丽水 rows")
    check(mine == info_csv(S["ls"], year=Y, city="330100"), "丽水's user got another city")
    xm = info_xlsx(S["ls"], year=Y)
    check([[a, b] + [str(n) for n in nums] for a, b, nums in map(as_figures, xm[2:])] == mine[1:],
          "丽水's .xlsx differs from its CSV")
    # A point user's export: its own row.
    own = info_csv(S["ua"], year=Y, point=S["B"])
    check([r[:2] for r in own[1:]] == [["丽水市", S["pa"]["name"]], ["丽水市", "小计"], ["合计", ""]]
          and own[1][2:] == own[2][2:] == own[3][2:], "A's user's export %r" % own)


# ============================================================== bad input

def _fingerprint():
    return db("SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS(',', submission_id, metric, point_id, "
              "year, month, quarter, at))), 0) FROM stat_records")[0] + \
        db("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM audit_log")[0]


def test_stats_bad_input_and_roles():
    S = scripted()
    prov, A, B, Y = S["prov"], S["A"], S["B"], S["Y"]
    before = _fingerprint()
    rec = "/api/stats/points/%d/records?metric=warning_info&" % A
    everywhere = ["/api/stats/summary?", "/api/stats/points?", "/api/exports/info-list.csv?",
                  "/api/exports/info-list.xlsx?", "/api/stats/review-progress?", rec,
                  "/api/scores?"]
    for base in everywhere:
        for bad in ("abc", "1999", "2101", "-2019", "2019.0", "%202019", "20190"):
            assert_error(prov.get(base + "year=" + bad), 400, "invalid", "year")
    scoped = everywhere[:4] + ["/api/scores?"]
    for base in scoped:
        for bad in ("123", "999999", "331102", "abcdef"):
            assert_error(prov.get(base + "city=" + bad), 400, "invalid", "city")
        for bad in ("0", "x", "-1", "1.5"):
            assert_error(prov.get(base + "point=" + bad), 400, "invalid", "point")
    for bad in ("0", "20001", "x", "-5"):
        assert_error(prov.get("/api/stats/points?per_page=" + bad), 400, "invalid", "per_page")
    assert_error(prov.get("/api/stats/points?page=0"), 400, "invalid", "page")
    expect_json(prov.get("/api/stats/points?per_page=20000"), 200, "per_page 20000")
    assert_error(prov.get(rec + "per_page=201"), 400, "invalid", "per_page")
    for q in ("", "metric=", "metric=bogus", "metric=WARNING_INFO", "metric=notices"):
        err = assert_error(prov.get("/api/stats/points/%d/records?%s" % (A, q)), 400, "invalid", "metric")
        check("warning_info" in err["message"], "the message does not list the metrics: %r" % err["message"])
    unknown = assert_error(prov.get("/api/stats/points/999999999/records?metric=warning_info"), 404,
                           "not_found")
    # Another city's point is as unknown to a city user; another point to a
    # point user.
    hz = int(db_value("SELECT id FROM points WHERE city = '330100' AND status = '正式' ORDER BY id LIMIT 1"))
    check(assert_error(S["ls"].get("/api/stats/points/%d/records?metric=warning_info" % hz), 404,
                       "not_found") == unknown, "out of scope and unknown answer differently")
    assert_error(S["ua"].get("/api/stats/points/%d/records?metric=warning_info" % B), 404, "not_found")
    check(records(S["ua"], A, "warning_info", Y)[0] == 7, "A's user does not see its own drill-down")
    check(records(S["ls"], A, "warning_info", Y)[0] == 7, "丽水's user does not see A's drill-down")

    # Roles.
    ed = S["ed"]
    for p in ("/api/stats/points", "/api/stats/points/%d/records?metric=warning_info" % A,
              "/api/exports/info-list.csv", "/api/exports/info-list.xlsx", "/api/stats/review-progress"):
        assert_error(ed.get(p), 403, "forbidden")
        assert_error(Client().get(p), 401, "unauthenticated")
    assert_error(Client().get("/api/stats/summary"), 401, "unauthenticated")
    check(summary(ed, year=Y) == summary(prov, year=Y), "the editor's summary differs from the province's")
    for q in ({}, {"point": B}, {"city": LISHUI}, {"city": LISHUI, "point": B}):
        rows = stats_points(S["ua"], year=Y, **q)
        check([r["point_id"] for r in rows] == [A], "A's user, %r: rows of %r" % (q, [r["point_id"] for r in rows]))
    rows = stats_points(S["ua"], year=Y, city="330100")
    check([r["point_id"] for r in rows] in ([], [A]), "A's user sees %r" % rows)
    got = summary(S["ua"], year=Y, city="330100")
    check(got["point_id"] == A and got["points"] <= 1 and got["warning_info"] in (0, 7),
          "A's user with city=330100: %r" % got)
    rows = stats_points(S["ls"], year=Y, city="330100")
    check(rows and all(r["city"] == LISHUI for r in rows), "丽水's user sees other cities")
    check(stats_points(S["ls"], year=Y, point=hz) == [], "丽水's user sees a 杭州 point")
    resp = prov.post("/api/stats/points", {})
    check(resp.status == 405, "POST /api/stats/points answered %d" % resp.status, resp)
    check(_fingerprint() == before, "bad requests changed stat_records or wrote audit rows")


# ========================================================== live standard

REAL_STANDARD = """-- 测试用评分标准：按实际条数计分
return {
  title = "测试标准 按实际条数",
  max = 1000,
  score = function(facts)
    local c = facts.counts
    local n = c.warning_info * 10 + c.work_exchange + c.quarterly_analysis * 100
    return {
      items = { { key = "real", label = "按实际条数", score = n, max = 1000,
                  reason = string.format("上报信息 %d 条，外网录用 %d 条，季度分析 %d 期，领导批示 %d 次，%d 个月",
                                         c.warning_info, c.work_exchange, c.quarterly_analysis,
                                         facts.leader_instructions, facts.months) } },
      total = n,
    }
  end,
}
"""


def test_stats_scoring_standard_rewritten_while_running():
    S = scripted()
    prov, Y, M = S["prov"], S["Y"], S["M"]
    was = {pid: score(prov, pid, Y) for pid in (S["A"], S["B"])}
    with rf.kept(prov, "scoring/2019.lua"):
        sha = rf.write("scoring/2019.lua", REAL_STANDARD)
        rf.wait_status(prov, "scoring/2019.lua", rf.in_force_with(sha), 5.0, "the real-facts standard")
        a = score(prov, S["A"], Y)
        check(a["title"] == "测试标准 按实际条数" and a["total"] == 572 and a["items"] == [{
            "key": "real", "label": "按实际条数", "score": 572, "max": 1000,
            "reason": "上报信息 7 条，外网录用 2 条，季度分析 5 期，领导批示 1 次，%d 个月" % M}],
            "A under the rewritten standard: %r" % a)
        b = score(prov, S["B"], Y)
        check(b["total"] == 11 and b["items"][0]["reason"] ==
              "上报信息 1 条，外网录用 1 条，季度分析 0 期，领导批示 0 次，%d 个月" % M,
              "B under the rewritten standard: %r" % b)
        # Last year's facts through the same standard.
        p = score(prov, S["A"], Y - 1)
        check(p["total"] == 100 and "季度分析 1 期" in p["items"][0]["reason"]
              and "12 个月" in p["items"][0]["reason"], "A last year: %r" % p)
    for pid in (S["A"], S["B"]):
        check(score(prov, pid, Y) == was[pid], "the 2019 standard's score of %d did not come back" % pid)


# A standard that reads the months only for points with warning info: the
# list loads the facts without them, and must load them when asked and
# score that point again (the tests run lists in two threads, as
# scores_parallel_min=2 makes every list of two points or more).
MONTHS_STANDARD = """-- 测试用评分标准：按月、按季度的条数
local function sum(t) local s = 0 for _, v in ipairs(t) do s = s + v end return s end
return {
  title = "测试标准 按月份",
  max = 100000,
  score = function(facts)
    local c, all = facts.counts, 0
    for _, v in pairs(c) do all = all + v end
    if c.warning_info == 0 then
      return { items = { { key = "m", label = "月份", score = all, max = 100000,
                           reason = string.format("counts=%d", all) } }, total = all }
    end
    local m, q = 0, 0
    for k, _ in pairs(c) do m = m + sum(facts.monthly[k]) q = q + sum(facts.quarterly[k]) end
    return { items = { { key = "m", label = "月份", score = m, max = 100000,
                         reason = string.format("monthly=%d counts=%d quarterly=%d", m, all, q) } },
             total = m }
  end,
}
"""


def test_stats_scores_list_loads_the_months_a_standard_reads():
    S = scripted()
    prov, Y = S["prov"], S["Y"]
    rows = {r["point_id"]: counts(r) for r in stats_points(prov, year=Y, city=LISHUI)}
    with rf.kept(prov, "scoring/2019.lua"):
        sha = rf.write("scoring/2019.lua", MONTHS_STANDARD)
        rf.wait_status(prov, "scoring/2019.lua", rf.in_force_with(sha), 5.0, "the months standard")
        body = expect_json(prov.get("/api/scores" + qs(year=Y, city=LISHUI, per_page=500)), 200,
                           "scores of 丽水")
        got = {it["point_id"]: it for it in body["items"]}
        check(set(got) == set(rows), "scored %r, formal points %r" % (sorted(got), sorted(rows)))
        kinds = set()
        for pid, it in got.items():
            want = sum(rows[pid].values())
            reason = it["items"][0]["reason"]
            if rows[pid]["warning_info"] > 0:
                kinds.add("months")
                check(reason == "monthly=%d counts=%d quarterly=%d" % (want, want, want)
                      and it["total"] == want, "point %d with months: %r, counts %r" % (pid, it, rows[pid]))
            else:
                kinds.add("counts")
                check(reason == "counts=%d" % want and it["total"] == want,
                      "point %d without months: %r" % (pid, it))
            check(score(prov, pid, Y) == it, "point %d: the list and the single answer differ" % pid)
        check(kinds == {"months", "counts"}, "丽水 lacks a point of each kind: %r" % kinds)
        check(rows[S["A"]]["warning_info"] > 0, "A has no warning info")


FAILING_STANDARD = """-- 测试用评分标准：对一个预警点运行出错
return {
  title = "测试标准 出错",
  max = 10,
  score = function(facts)
    -- A reload tries a standard on its own year (2019) only: it fails on
    -- the later year the list asks for.
    if facts.point.id == %d and facts.year ~= 2019 then error("这个预警点算不了") end
    return { items = { { key = "x", label = "x", score = 1, max = 10, reason = "一分" } }, total = 1 }
  end,
}
"""


def test_stats_scores_list_with_a_standard_failing_on_one_point():
    """Whichever thread scores the failing point, the answer is the 500
    envelope (no half-written list), and the next list is whole again."""
    S = scripted()
    prov, Y = S["prov"], S["Y"]
    n = len(stats_points(prov, year=Y, city=LISHUI))
    with rf.kept(prov, "scoring/2019.lua"):
        for victim in (S["A"], S["B"]):
            sha = rf.write("scoring/2019.lua", FAILING_STANDARD % victim)
            rf.wait_status(prov, "scoring/2019.lua", rf.in_force_with(sha), 5.0, "the failing standard")
            resp = prov.get("/api/scores" + qs(year=Y, city=LISHUI, per_page=500))
            assert_error(resp, 500, "internal")
            check("评分标准运行出错" in resp.error()["message"], "message %r" % resp.error())
        sha = rf.write("scoring/2019.lua", FAILING_STANDARD % 0)
        rf.wait_status(prov, "scoring/2019.lua", rf.in_force_with(sha), 5.0, "the harmless standard")
        body = expect_json(prov.get("/api/scores" + qs(year=Y, city=LISHUI, per_page=500)), 200)
        check(body["total"] == n and len(body["items"]) == n
              and all(it["total"] == 1 for it in body["items"]), "after the failures: %r" % body)
