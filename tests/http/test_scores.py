"""GET /api/scores and /api/scores/{id}: each point's score under the
standard in force, item by item; scope by role; years without a standard
of their own; and scores that follow a reloaded standard."""

import re
import time

import rulefiles as rf
from client import Client, assert_error, check, db, db_value, expect_json, has_cjk, login

STD = "scoring/2019.lua"
HANGZHOU = "330100"
NINGBO = "330200"


def _formal_ids(city=None):
    sql = "SELECT id FROM points WHERE status = '正式'"
    if city:
        sql += " AND city = '%s'" % city
    return [int(r[0]) for r in db(sql + " ORDER BY id")]


def _list(c, query, what=None):
    return expect_json(c.get("/api/scores?" + query), 200, what or "GET /api/scores?" + query)


def _check_entry(it, year=2019, standard=STD, title=rf.TITLE_2019, keys=True):
    check(isinstance(it.get("point_id"), int) and has_cjk(it.get("point_name")),
          "entry without its point: %r" % it)
    check(re.match(r"^\d{6}$", it.get("city") or ""), "city %r" % it.get("city"))
    check(it.get("year") == year, "year %r, want %d" % (it.get("year"), year))
    check(it.get("standard") == standard, "standard %r, want %r" % (it.get("standard"), standard))
    check(it.get("title") == title, "title %r, want %r" % (it.get("title"), title))
    items = it.get("items")
    check(isinstance(items, list) and items, "no items: %r" % it)
    check(it.get("total") == sum(x.get("score") for x in items),
          "total %r is not the sum of the items %r" % (it.get("total"), items))
    # The standard's total maximum (2019: max = 50), the sum of the items'.
    check(it.get("max") == sum(x.get("max") for x in items) and
          (standard != STD or it.get("max") == 50), "max %r for items %r" % (it.get("max"), items))
    for x in items:
        check(isinstance(x.get("score"), (int, float)) and isinstance(x.get("max"), (int, float))
              and 0 <= x["score"] <= x["max"], "item %r" % x)
        check(has_cjk(x.get("label")) and has_cjk(x.get("reason")), "item %r" % x)
    if keys:
        want = rf.ITEMS_2019
        check([(x["key"], x["max"]) for x in items] == want,
              "items %r, want %r" % ([(x["key"], x["max"]) for x in items], want))


def test_scores_list_for_the_province():
    c = login("province")
    body = _list(c, "year=2019&per_page=200")
    ids = _formal_ids()
    check(body.get("total") == len(ids), "total %r, the database has %d formal points"
          % (body.get("total"), len(ids)))
    check(body.get("page") == 1 and body.get("per_page") == 200, "paging %r" % body)
    got = [it["point_id"] for it in body["items"]]
    check(got == ids[:200], "points %r, want the formal ones by id %r" % (got, ids[:200]))
    for it in body["items"]:
        _check_entry(it)
    # admin sees the same.
    check(_list(login("admin"), "year=2019&per_page=200") == body, "admin sees other scores")


def test_scores_paging():
    c = login("province")
    everything = _list(c, "year=2019&per_page=200")["items"]
    body = _list(c, "year=2019")
    check(body["per_page"] == 20 and body["items"] == everything[:20], "the default page differs")
    body = _list(c, "year=2019&per_page=5&page=2")
    check(body["items"] == everything[5:10], "page 2 of 5 is not items 6 to 10")
    body = _list(c, "year=2019&per_page=20&page=999")
    check(body["items"] == [] and body["total"] == len(everything), "a page past the end: %r" % body)
    assert_error(c.get("/api/scores?year=2019&per_page=20001"), 400, "invalid", "per_page")
    assert_error(c.get("/api/scores?year=2019&page=0"), 400, "invalid", "page")


def test_scores_scope_by_role():
    prov = login("province")
    body = _list(prov, "year=2019&per_page=200&city=" + NINGBO)
    check([it["point_id"] for it in body["items"]] == _formal_ids(NINGBO) and body["items"],
          "province, city filter: %r" % [it["point_id"] for it in body["items"]])

    city = login("hangzhou")
    own = _formal_ids(HANGZHOU)
    for q in ("year=2019&per_page=200", "year=2019&per_page=200&city=" + NINGBO):
        body = _list(city, q)
        check([it["point_id"] for it in body["items"]] == own and body["total"] == len(own),
              "city user, %s: %r" % (q, [it["point_id"] for it in body["items"]]))
        check(all(it["city"] == HANGZHOU for it in body["items"]), "another city's point")

    point = login("jiande")
    pid = point.user["point_id"]
    body = _list(point, "year=2019")
    check([it["point_id"] for it in body["items"]] == [pid] and body["total"] == 1,
          "point user sees %r, want only %d" % (body["items"], pid))
    _check_entry(body["items"][0])
    body = _list(point, "year=2019&city=" + NINGBO)
    check(body["items"] == [] and body["total"] == 0, "point user, another city: %r" % body)

    assert_error(login("editor").get("/api/scores?year=2019"), 403, "forbidden")
    assert_error(Client().get("/api/scores?year=2019"), 401, "unauthenticated")
    resp = prov.post("/api/scores", {})
    check(resp.status == 405, "POST /api/scores answered %d, want 405" % resp.status, resp)


def test_scores_year():
    c = login("province")
    for bad in ("abc", "1999", "2101", "20190", "-2019", "2019.0", "%202019"):
        assert_error(c.get("/api/scores?year=" + bad), 400, "invalid", "year")
    err = assert_error(c.get("/api/scores?year=2018"), 404, "not_found", "year")
    check(err["message"] == "没有 2018 年或更早年度的评分标准", "message %r" % err["message"])
    # Without a year: the current year (Beijing time), scored by the newest
    # standard up to it.
    year = int(time.strftime("%Y", time.gmtime(time.time() + 8 * 3600)))
    body = _list(c, "per_page=3")
    for it in body["items"]:
        _check_entry(it, year=year)


def test_later_year_uses_the_2019_standard_shifted():
    c = login("province")
    body = _list(c, "year=2021&per_page=10")
    check(body["items"], "no scores for 2021")
    for it in body["items"]:
        _check_entry(it, year=2021)
        q = [x for x in it["items"] if x["key"] == "report_quarterly"][0]
        check("2021-01-01" in q["reason"] and "2022-01-20" in q["reason"],
              "the 2021 period is not shifted: %r" % q["reason"])
        a = [x for x in it["items"] if x["key"] == "report_annual_on_time"][0]
        check("2021" in a["reason"], "annual summary reason %r" % a["reason"])


def test_score_of_one_point():
    prov = login("province")
    everything = {it["point_id"]: it for it in _list(prov, "year=2019&per_page=200")["items"]}
    hz = _formal_ids(HANGZHOU)[0]
    nb = _formal_ids(NINGBO)[0]
    one = expect_json(prov.get("/api/scores/%d?year=2019" % nb), 200, "one point")
    check(one == everything[nb], "one point %r differs from its list entry %r" % (one, everything[nb]))

    city = login("hangzhou")
    expect_json(city.get("/api/scores/%d?year=2019" % hz), 200, "city user, own city")
    missing = assert_error(city.get("/api/scores/%d?year=2019" % nb), 404, "not_found")
    unknown = assert_error(prov.get("/api/scores/99999999?year=2019"), 404, "not_found")
    check(missing == unknown, "another city's point and an unknown one answer differently: %r %r"
          % (missing, unknown))

    point = login("jiande")
    pid = point.user["point_id"]
    expect_json(point.get("/api/scores/%d?year=2019" % pid), 200, "point user, own point")
    assert_error(point.get("/api/scores/%d?year=2019" % nb), 404, "not_found")
    assert_error(login("editor").get("/api/scores/%d?year=2019" % pid), 403, "forbidden")
    assert_error(Client().get("/api/scores/%d?year=2019" % pid), 401, "unauthenticated")

    # Points that are not formal are not listed, but can be looked up.
    other = db_value("SELECT id FROM points WHERE status <> '正式' ORDER BY id LIMIT 1")
    if other not in (None, "NULL"):
        check(int(other) not in everything, "a point that is not formal is listed")
        _check_entry(expect_json(prov.get("/api/scores/%s?year=2019" % other), 200,
                                 "a point that is not formal"))

    assert_error(prov.get("/api/scores/%d?year=abc" % nb), 400, "invalid", "year")
    assert_error(prov.get("/api/scores/%d?year=2018" % nb), 404, "not_found", "year")
    # The year is checked before the point.
    assert_error(prov.get("/api/scores/99999999?year=2018"), 404, "not_found", "year")


def test_scores_follow_the_standard_in_force():
    c = login("province")
    before = _list(c, "year=2019&per_page=200")
    with rf.kept(c, STD):
        sha = rf.write(STD, rf.version_standard(7))
        rf.wait_status(c, STD, rf.in_force_with(sha), 3.0, "version 7")
        body = _list(c, "year=2019&per_page=200")
        check(body["total"] == before["total"], "the number of points changed")
        for it in body["items"]:
            _check_entry(it, title="测试标准 第 7 版", keys=False)
            check(it["total"] == 7 and [x["key"] for x in it["items"]] == ["version"],
                  "not scored by version 7: %r" % it)
            check(it["items"][0]["reason"] == "2019 年按第 7 版计分", "reason %r" % it["items"][0])
        one = expect_json(c.get("/api/scores/%d?year=2019" % body["items"][0]["point_id"]), 200,
                          "one point under version 7")
        check(one["total"] == 7, "one point: %r" % one)
        # 2021 falls back to it as well.
        check(all(it["total"] == 7 for it in _list(c, "year=2021")["items"]),
              "2021 is not scored by version 7")
    after = _list(c, "year=2019&per_page=200")
    check(after == before, "the scores did not come back with the original standard")
