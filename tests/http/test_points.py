"""Warning points (预警点管理): /api/points list, filters, paging and scope;
create and PATCH with their validation, version checks and roles."""

from datetime import datetime

from client import (CITIES, Client, admin, assert_error, check, db, db_value, expect_json,
                    has_cjk, login, sql_str)
from pointlib import (DEMO_POINTS, EDITABLE, JIANDE, POINT_KEYS, QINGYUAN, TEA, all_points,
                      check_list_envelope, check_time, check_traced, city_user, create_point,
                      demo_point_names, find_point, get_point, is_int, list_points, now_beijing,
                      point_body, point_id, points_in_db, qs, race, read_csv, refused, tag, traces)

QINGYUAN_FIELDS = {
    "name": QINGYUAN, "host_org": "庆元县铅笔协会", "type": "省级", "batch": "第三批",
    "industry": "LIGHT", "industry_name": "轻工", "city": "331100", "city_name": "丽水市",
    "district": "331126", "district_name": "庆元县", "founded_year": 2015,
    "approval_no": "{2015}3号", "website": "http://qyqbxh.com/", "email": "1531300734@qq.com",
    "status": "正式", "enterprise_count": 19,
}


def _check_point(p, resp=None):
    missing = POINT_KEYS - set(p)
    check(not missing, "point %r lacks %s" % (p.get("name"), sorted(missing)), resp)
    for k in ("id", "version", "enterprise_count"):
        check(is_int(p[k]), "point %s: %s is %r" % (p.get("id"), k, p[k]), resp)
    check(p["founded_year"] is None or is_int(p["founded_year"]),
          "founded_year %r is not an integer" % p["founded_year"], resp)
    check(p["type"] in ("省级", "市级"), "type %r" % p["type"], resp)
    check(p["status"] in ("筹建", "正式", "撤销"), "status %r" % p["status"], resp)
    check(p["city_name"] == CITIES.get(p["city"]),
          "point %s: city %r named %r" % (p["id"], p["city"], p["city_name"]), resp)
    check((p["district"] is None) == (p["district_name"] is None),
          "point %s: district %r named %r" % (p["id"], p["district"], p["district_name"]), resp)
    check((p["industry"] is None) == (p["industry_name"] is None),
          "point %s: industry %r named %r" % (p["id"], p["industry"], p["industry_name"]), resp)


def _dicts():
    regions = {r["code"]: r for r in read_csv("zhejiang-regions.csv")}
    industries = {r["code"]: r["name"] for r in read_csv("industries.csv")}
    return regions, industries


# ------------------------------------------------------------------- list

def test_points_list_province_sees_every_point():
    prov = login("province")
    resp = prov.get("/api/points")
    body = expect_json(resp, 200, "list points")
    check_list_envelope(body, resp, 1, 20)
    items = all_points(prov)
    names = [p["name"] for p in items]
    demo = demo_point_names()
    check(len(demo) == DEMO_POINTS, "the demo files hold %d points" % len(demo))
    check(set(demo) <= set(names), "demo points not listed: %r" % sorted(set(demo) - set(names))[:5])
    check(len(names) == len(set(names)), "a point is listed twice")
    extra = [n for n in names if n not in set(demo)]
    check(body["total"] == DEMO_POINTS + len(extra) == points_in_db(),
          "total %d, want the %d demo points + %d made by tests = %d in the database"
          % (body["total"], DEMO_POINTS, len(extra), points_in_db()))
    check([p["id"] for p in items] == sorted(p["id"] for p in items), "the list is not in id order")

    regions, industries = _dicts()
    for p in items:
        _check_point(p)
        if p["district"] is not None:
            d = regions.get(p["district"])
            check(d is not None and d["city_code"] == p["city"] and d["name"] == p["district_name"],
                  "point %s: district %r (%r) is not in its city" % (p["id"], p["district"],
                                                                     p["district_name"]))
        if p["industry"] is not None:
            check(industries.get(p["industry"]) == p["industry_name"],
                  "point %s: industry %r named %r" % (p["id"], p["industry"], p["industry_name"]))

    q = next(p for p in items if p["name"] == QINGYUAN)
    for k, v in QINGYUAN_FIELDS.items():
        check(q[k] == v, "庆元: %s is %r, want %r" % (k, q[k], v))
    check(get_point(prov, q["id"]) == q, "GET /api/points/{id} differs from the list item")
    ents = expect_json(prov.get("/api/points/%d/enterprises?per_page=200" % q["id"]), 200)
    check(ents["total"] == q["enterprise_count"] == 19,
          "庆元 lists %d enterprises, enterprise_count %d" % (ents["total"], q["enterprise_count"]))

    check(list_points(admin(), per_page=1)["total"] == body["total"], "admin sees another total")


def test_points_list_enterprise_counts_match():
    prov = login("province")
    for p in all_points(prov, city="331100"):
        ents = expect_json(prov.get("/api/points/%d/enterprises?per_page=1" % p["id"]), 200)
        check(ents["total"] == p["enterprise_count"],
              "%s: enterprise_count %d, the enterprise list has %d"
              % (p["name"], p["enterprise_count"], ents["total"]))


def test_points_list_filters():
    prov = login("province")
    everything = all_points(prov)
    ids = lambda ps: sorted(p["id"] for p in ps)     # noqa: E731

    def expect_filter(params, pred, at_least=1):
        got = all_points(prov, **params)
        want = [p for p in everything if pred(p)]
        check(len(want) >= at_least, "the demo data has no point for %r" % params)
        check(ids(got) == ids(want), "filter %r: got %d points, want %d (extra %r, missing %r)"
              % (params, len(got), len(want), sorted(set(ids(got)) - set(ids(want)))[:5],
                 sorted(set(ids(want)) - set(ids(got)))[:5]))
        return got

    got = expect_filter({"q": "庆元"}, lambda p: "庆元" in p["name"] or "庆元" in p["host_org"])
    check(QINGYUAN in [p["name"] for p in got], "?q=庆元 misses 庆元")
    got = expect_filter({"q": "铅笔协会"}, lambda p: "铅笔协会" in p["name"] or "铅笔协会" in p["host_org"])
    check(QINGYUAN in [p["name"] for p in got], "?q= does not search the host organisation")
    expect_filter({"q": "%"}, lambda p: "%" in p["name"] or "%" in p["host_org"], 0)
    expect_filter({"q": "_"}, lambda p: "_" in p["name"] or "_" in p["host_org"], 0)
    expect_filter({"type": "市级"}, lambda p: p["type"] == "市级")
    expect_filter({"type": "省级"}, lambda p: p["type"] == "省级")
    expect_filter({"batch": "第三批"}, lambda p: p["batch"] == "第三批")
    expect_filter({"city": "331100"}, lambda p: p["city"] == "331100")
    expect_filter({"district": "331126"}, lambda p: p["district"] == "331126")
    got = expect_filter({"district": "330103"}, lambda p: p["district"] == "330103")
    check(TEA in [p["name"] for p in got], "?district=330103 (下城区, abolished) misses %s" % TEA)
    expect_filter({"industry": "LIGHT"}, lambda p: p["industry"] == "LIGHT")
    expect_filter({"status": "筹建"}, lambda p: p["status"] == "筹建")
    got = expect_filter({"city": "331100", "type": "省级", "industry": "LIGHT", "status": "正式",
                         "batch": "第三批"},
                        lambda p: (p["city"], p["type"], p["industry"], p["status"], p["batch"]) ==
                        ("331100", "省级", "LIGHT", "正式", "第三批"))
    check(QINGYUAN in [p["name"] for p in got], "the combined filter misses 庆元")
    expect_filter({"q": "铅笔", "city": "330100"},
                  lambda p: p["city"] == "330100" and ("铅笔" in p["name"] or "铅笔" in p["host_org"]),
                  0)
    expect_filter({"city": "999999"}, lambda p: False, 0)

    assert_error(prov.get("/api/points?type=国家级"), 400, "invalid", "type")
    assert_error(prov.get("/api/points?status=running"), 400, "invalid", "status")


def test_points_list_paging():
    prov = login("province")
    full = [p["id"] for p in all_points(prov)]
    seen, page = [], 1
    while True:
        resp = prov.get("/api/points" + qs(page=page, per_page=7))
        body = expect_json(resp, 200, "page %d" % page)
        check_list_envelope(body, resp, page, 7)
        check(body["total"] == len(full), "total %d on page %d, want %d" % (body["total"], page, len(full)))
        if not body["items"]:
            break
        seen.extend(p["id"] for p in body["items"])
        page += 1
    check(seen == full, "paging by 7 does not give the full list in order")
    body = list_points(prov, per_page=200)
    check(len(body["items"]) == min(200, len(full)), "per_page=200 gave %d" % len(body["items"]))
    for bad in ("201", "0", "-1", "abc"):
        assert_error(prov.get("/api/points?per_page=" + bad), 400, "invalid", "per_page")
    for bad in ("0", "-2", "x"):
        assert_error(prov.get("/api/points?page=" + bad), 400, "invalid", "page")


def test_points_scope_city_user():
    prov = login("province")
    everything = all_points(prov)
    hz = login("hangzhou")
    got = all_points(hz)
    want = [p["id"] for p in everything if p["city"] == "330100"]
    check(sorted(p["id"] for p in got) == sorted(want),
          "杭州市 sees %d points, want its %d" % (len(got), len(want)))
    check(all(p["city"] == "330100" and p["city_name"] == "杭州市" for p in got),
          "杭州市 sees another city's point")
    check(JIANDE in [p["name"] for p in got], "杭州市 does not see 建德")
    check(sorted(p["id"] for p in all_points(hz, city="330100")) == sorted(want), "?city=330100")
    for other in ("331100", "330200"):
        assert_error(hz.get("/api/points?city=" + other), 403, "forbidden")
    qid = point_id(prov, QINGYUAN)
    assert_error(hz.get("/api/points/%d" % qid), 404, "not_found")
    found = all_points(hz, q=QINGYUAN)
    check(all(p["city"] == "330100" for p in found) and QINGYUAN not in [p["name"] for p in found],
          "杭州市 finds 庆元 by name")
    jid = point_id(prov, JIANDE)
    check(get_point(hz, jid)["name"] == JIANDE, "杭州市 cannot read 建德")

    ls = city_user(admin(), "331100")
    got = all_points(ls)
    want = [p["id"] for p in everything if p["city"] == "331100"]
    check(sorted(p["id"] for p in got) == sorted(want), "丽水市 sees %d points, want %d" % (len(got), len(want)))
    check(QINGYUAN in [p["name"] for p in got], "丽水市 does not see 庆元")
    check(get_point(ls, qid)["enterprise_count"] == 19, "丽水市 reads 庆元 wrong")
    assert_error(ls.get("/api/points/%d" % jid), 404, "not_found")
    assert_error(ls.get("/api/points?city=330100"), 403, "forbidden")


def test_points_scope_point_user():
    prov = login("province")
    jid, qid = point_id(prov, JIANDE), point_id(prov, QINGYUAN)
    jd = login("jiande")
    body = list_points(jd)
    check(body["total"] == 1 and [p["id"] for p in body["items"]] == [jid],
          "the 建德 account lists %r" % [p["name"] for p in body["items"]])
    _check_point(body["items"][0])
    check(get_point(jd, jid) == get_point(prov, jid), "建德 reads its point differently")
    assert_error(jd.get("/api/points/%d" % qid), 404, "not_found")
    for params in ({"city": "331100"}, {"q": "庆元"}, {"type": "市级"}):
        resp = jd.get("/api/points" + qs(**params))
        if resp.status == 200:
            check(all(p["id"] == jid for p in resp.json["items"]) and resp.json["total"] <= 1,
                  "the 建德 account sees other points with %r" % params, resp)
        else:
            assert_error(resp, 403, "forbidden")


def test_points_editor_and_anonymous_refused():
    prov = login("province")
    jid = point_id(prov, JIANDE)
    ed = login("editor")
    assert_error(ed.get("/api/points"), 403, "forbidden")
    assert_error(ed.get("/api/points/%d" % jid), 403, "forbidden")
    anon = Client()
    assert_error(anon.get("/api/points"), 401, "unauthenticated")
    assert_error(anon.get("/api/points/%d" % jid), 401, "unauthenticated")
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 1000 FROM points"))
    assert_error(prov.get("/api/points/%d" % missing), 404, "not_found")


# ----------------------------------------------------------------- create

def test_create_point_echoes_every_field():
    for who in ("province", "admin"):
        c = login(who)
        body = point_body(status="撤销")     # not the default, and not counted in statistics
        before = points_in_db()
        resp = c.post("/api/points", body)
        p = expect_json(resp, 201, "%s creates a point" % who)
        _check_point(p, resp)
        for k in EDITABLE:
            check(p[k] == body[k], "%s: %r echoed as %r" % (k, body[k], p[k]), resp)
        check(p["version"] == 1 and p["enterprise_count"] == 0, "new point: %r" % p, resp)
        check((p["city_name"], p["district_name"], p["industry_name"]) == ("杭州市", "上城区", "机电"),
              "names %r" % ((p["city_name"], p["district_name"], p["industry_name"]),), resp)
        for k in ("created_at", "updated_at"):
            if k in p:
                when = check_time(p[k], k, resp)
                check(abs((datetime.now(when.tzinfo) - when).total_seconds()) < 600,
                      "%s %s is not now" % (k, p[k]), resp)
        check(points_in_db() == before + 1, "the database holds %d points, want %d"
              % (points_in_db(), before + 1))
        check(get_point(c, p["id"]) == p, "GET differs from the create answer")
        check(find_point(c, body["name"]) == p, "the list item differs from the create answer")
        h, a = check_traced(resp)
        check(h == len(EDITABLE), "creating a point with all %d fields wrote %d history rows"
              % (len(EDITABLE), h))
        row = db("SELECT username, action, object_type, object_id FROM audit_log WHERE request_id = %s"
                 % sql_str(resp.header("X-Request-Id")))
        check(row and row[0][0] == who and row[0][2] == "point" and row[0][3] == str(p["id"]),
              "audit_log row %r" % row)


def test_create_point_minimal():
    prov = login("province")
    t = tag()
    body = {"name": "测试最简%s预警点" % t, "host_org": "测试协会%s" % t, "type": "市级",
            "city": "331100"}
    resp = prov.post("/api/points", body)
    p = expect_json(resp, 201, "create with the required fields only")
    _check_point(p, resp)
    for k, v in body.items():
        check(p[k] == v, "%s echoed as %r" % (k, p[k]), resp)
    check(p["status"] == "筹建", "a new point without status should be 筹建, is %r" % p["status"], resp)
    for k in ("industry", "district", "founded_year", "approval_no", "address", "phone", "fax",
              "website", "email", "district_name", "industry_name"):
        check(p[k] is None, "%s of a point created without it is %r, want null" % (k, p[k]), resp)
    check(p["batch"] is None,
          "batch of a point created without one is %r, want null like every other unset field"
          % p["batch"], resp)


def test_create_point_accepts_common_formats():
    prov = login("province")
    for extra in ({"phone": "0571-87654321-123", "fax": "057187654321"},
                  {"phone": "400-123-4567", "approval_no": "〔2016〕第12号"},
                  {"phone": "13506818287", "website": "http://qyqbxh.com/", "founded_year": 1949},
                  {"approval_no": "浙商务{2015}3号", "district": None, "industry": None,
                   "founded_year": now_beijing().year}):
        p = create_point(prov, **extra)
        for k, v in extra.items():
            check(p[k] == v, "%s %r stored as %r" % (k, v, p[k]))


def test_create_point_validation():
    prov = login("province")
    next_year = now_beijing().year + 1
    cases = [
        ("name missing", {"name": None}, "name"),
        ("host_org missing", {"host_org": None}, "host_org"),
        ("type missing", {"type": None}, "type"),
        ("city missing", {"city": None}, "city"),
        ("empty name", {"name": ""}, "name"),
        ("name exists", {"name": QINGYUAN}, "name"),
        ("bad type", {"type": "国家级"}, "type"),
        ("bad status", {"status": "运行中"}, "status"),
        ("district as city", {"city": "330182", "district": None}, "city"),
        ("unknown city", {"city": "999999", "district": None}, "city"),
        ("city of another province", {"city": "320100", "district": None}, "city"),
        ("district of another city", {"city": "330100", "district": "331126"}, "district"),
        ("unknown district", {"district": "330199"}, "district"),
        ("abolished district 330104", {"district": "330104"}, "district"),
        ("abolished district 330103", {"district": "330103"}, "district"),
        ("unknown industry", {"industry": "STEEL"}, "industry"),
        ("industry by name", {"industry": "机电"}, "industry"),
        ("founded 1900", {"founded_year": 1900}, "founded_year"),
        ("founded next year", {"founded_year": next_year}, "founded_year"),
        ("full-width dash phone", {"phone": "0571－87654321"}, "phone"),
        ("short phone", {"phone": "12345"}, "phone"),
        ("full-width dash fax", {"fax": "0571－87654321"}, "fax"),
        ("bad email", {"email": "yujing@"}, "email"),
        ("full-width at", {"email": "yujing＠example.com"}, "email"),
        ("script website", {"website": "javascript:alert(1)"}, "website"),
        ("ftp website", {"website": "ftp://example.com/"}, "website"),
        ("approval without year", {"approval_no": "浙商务3号"}, "approval_no"),
        ("approval with a future year", {"approval_no": "{%d}3号" % next_year}, "approval_no"),
    ]
    before = points_in_db()
    names = []
    for what, change, field in cases:
        body = point_body()
        for k, v in change.items():
            if v is None:
                body.pop(k, None)
            else:
                body[k] = v
        if body.get("name") and body["name"] != QINGYUAN:
            names.append(body["name"])
        err = refused(prov.post("/api/points", body), 400, "invalid", field)
        check(has_cjk(err["message"]), "%s: message %r" % (what, err["message"]))
        if what.startswith("abolished"):
            check("撤销" in err["message"], "%s: the message %r does not say the district was "
                  "abolished" % (what, err["message"]))
    check(points_in_db() == before, "refused creates added %d points" % (points_in_db() - before))
    for n in names:
        check(list_points(prov, q=n)["total"] == 0, "refused point %s exists" % n)


def test_create_point_wrong_types():
    prov = login("province")
    before = points_in_db()
    for change, field in (({"name": 123}, "name"), ({"founded_year": "2015"}, "founded_year"),
                          ({"type": True}, "type"), ({"city": 330100}, "city"),
                          ({"status": ["正式"]}, "status"), ({"founded_year": 2015.5}, "founded_year"),
                          ({"host_org": {"a": 1}}, "host_org")):
        body = point_body(**change)
        err = refused(prov.post("/api/points", body), 400, "bad_request")
        check(err.get("field") in (field, None), "field %r for %r" % (err.get("field"), change))
    for raw in (b"[]", b'"name"', b"{", b'{"name": "x",}'):
        refused(prov.post("/api/points", body=raw, content_type="application/json"), 400,
                "bad_request")
    check(points_in_db() == before, "a malformed create added a point")


def test_create_point_blank_or_padded_text():
    prov = login("province")
    before = points_in_db()
    wrong = []
    for what, pad, field in (("host_org of spaces", None, "host_org"),
                             ("name of ideographic spaces", "", "name"),
                             ("an existing name after a space", " %s", "name"),
                             ("an existing name after an ideographic space", "\u3000%s", "name"),
                             ("an existing name before a space", "%s ", "name")):
        if pad is None:
            change = {"host_org": "   "}
        elif pad == "":
            change = {"name": "\u3000\u3000\u3000"}
        else:
            existing = create_point(prov)
            before += 1
            change = {"name": pad % existing["name"]}
        resp = prov.post("/api/points", point_body(**change))
        try:
            err = refused(resp, 400, "invalid", field)
            if pad == "":
                check("已存在" not in err["message"], "blank name refused as a duplicate")
        except AssertionError:
            wrong.append("%s: HTTP %d %s" % (what, resp.status, resp.body[:80].decode("utf-8", "replace")))
    check(not wrong, "blank or space-padded text is accepted: %s" % "; ".join(wrong))
    check(points_in_db() == before, "blank or space-padded text created %d points"
          % (points_in_db() - before))
    p = create_point(prov)
    refused(prov.patch("/api/points/%d" % p["id"], {"version": p["version"], "host_org": "  "}),
            400, "invalid", "host_org")
    check(get_point(prov, p["id"]) == p, "a blank host_org was stored")


def test_create_point_forbidden_roles():
    prov = login("province")
    before = points_in_db()
    for who in ("hangzhou", "jiande", "editor"):
        body = point_body()
        refused(login(who).post("/api/points", body), 403, "forbidden")
        check(list_points(prov, q=body["name"])["total"] == 0, "%s created a point" % who)
    refused(login("province").post("/api/points", point_body(), csrf=False), 403, "forbidden")
    check(points_in_db() == before, "a refused create added a point")
    assert_error(Client().post("/api/points", point_body()), 401, "unauthenticated")


# ------------------------------------------------------------------ patch

def test_patch_point():
    prov = login("province")
    p = create_point(prov)
    path = "/api/points/%d" % p["id"]
    resp = prov.patch(path, {"version": p["version"], "address": "杭州市上城区新地址1号",
                             "phone": "0571-88886666"})
    q = expect_json(resp, 200, "PATCH address and phone")
    _check_point(q, resp)
    check(q["address"] == "杭州市上城区新地址1号" and q["phone"] == "0571-88886666", "not changed", resp)
    check(q["version"] == p["version"] + 1, "version %r after %r" % (q["version"], p["version"]), resp)
    for k in EDITABLE:
        if k not in ("address", "phone"):
            check(q[k] == p[k], "%s changed from %r to %r" % (k, p[k], q[k]), resp)
    check(get_point(prov, p["id"]) == q, "GET differs from the PATCH answer")
    h, _ = check_traced(resp)
    check(h == 2, "a PATCH of two fields wrote %d history rows" % h)

    adm = admin()
    resp = adm.patch(path, {"version": q["version"], "status": "撤销", "industry": "LIGHT",
                            "district": "330182", "email": None, "batch": "第六批"})
    r = expect_json(resp, 200, "admin PATCH")
    check((r["status"], r["industry"], r["industry_name"], r["district"], r["district_name"],
           r["email"], r["batch"]) == ("撤销", "LIGHT", "轻工", "330182", "建德市", None, "第六批"),
          "after the admin PATCH: %r" % r, resp)
    check(r["version"] == q["version"] + 1, "version not incremented", resp)
    check(find_point(prov, p["name"]) == r, "the list shows another state")

    resp = prov.patch(path, {"version": r["version"], "name": p["name"] + "（更名）", "city": "331100",
                             "district": "331126"})
    s = expect_json(resp, 200, "rename and move")
    check((s["name"], s["city"], s["city_name"], s["district_name"]) ==
          (p["name"] + "（更名）", "331100", "丽水市", "庆元县"), "after moving: %r" % s, resp)
    check(list_points(prov, q=p["name"] + "（更名）")["total"] == 1, "the new name is not found")


def test_patch_point_without_changes():
    prov = login("province")
    p = create_point(prov)
    path = "/api/points/%d" % p["id"]
    same = {k: p[k] for k in ("address", "phone", "status", "district")}
    resp = prov.patch(path, dict(same, version=p["version"]))
    q = expect_json(resp, 200, "PATCH with the values the point has")
    check(q == p, "a PATCH that changes nothing changed the point: %r" % q, resp)
    h, a = traces(resp)
    check(h == 0 and a == 0, "a PATCH that changes nothing wrote %d history and %d audit rows" % (h, a))


def test_patch_point_stale_version():
    prov = login("province")
    p = create_point(prov)
    path = "/api/points/%d" % p["id"]
    first = expect_json(prov.patch(path, {"version": p["version"], "address": "第一次"}), 200)
    refused(admin().patch(path, {"version": p["version"], "address": "第二次", "type": "市级"}),
            409, "conflict")
    got = get_point(prov, p["id"])
    check(got == first, "the stale PATCH changed the point: %r" % got)
    refused(prov.patch(path, {"version": first["version"] + 5, "address": "未来"}), 409, "conflict")
    check(get_point(prov, p["id"]) == first, "a PATCH with a future version changed the point")


def test_patch_point_needs_version():
    prov = login("province")
    p = create_point(prov)
    path = "/api/points/%d" % p["id"]
    refused(prov.patch(path, {"address": "无版本"}), 400, "invalid", "version")
    refused(prov.patch(path, {"address": "空版本", "version": None}), 400, "invalid", "version")
    refused(prov.patch(path, {"address": "字符串版本", "version": str(p["version"])}), 400, "bad_request")
    check(get_point(prov, p["id"]) == p, "a PATCH without a version changed the point")


def test_patch_point_null_required_field():
    prov = login("province")
    p = create_point(prov)
    path = "/api/points/%d" % p["id"]
    for field in ("name", "host_org", "type", "city"):
        refused(prov.patch(path, {"version": p["version"], field: None}), 400, "invalid", field)
        refused(prov.patch(path, {"version": p["version"], field: ""}), 400, "invalid", field)
    check(get_point(prov, p["id"]) == p, "refused PATCHes changed the point")


def test_patch_point_validation():
    prov = login("province")
    p = create_point(prov)
    path = "/api/points/%d" % p["id"]
    v = p["version"]
    for change, field in (({"name": QINGYUAN}, "name"), ({"type": "县级"}, "type"),
                          ({"status": "正常"}, "status"), ({"district": "331126"}, "district"),
                          ({"city": "331100"}, "district"), ({"city": "330182"}, "city"),
                          ({"industry": "NOPE"}, "industry"), ({"founded_year": 1948}, "founded_year"),
                          ({"phone": "0571－87654321"}, "phone"), ({"email": "a@b"}, "email"),
                          ({"website": "javascript:alert(1)"}, "website"),
                          ({"approval_no": "第3号"}, "approval_no")):
        body = dict(change, version=v)
        refused(prov.patch(path, body), 400, "invalid", field)
    refused(prov.patch(path, {"version": v, "founded_year": "2016"}), 400, "bad_request")
    check(get_point(prov, p["id"]) == p, "refused PATCHes changed the point")
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 1000 FROM points"))
    refused(prov.patch("/api/points/%d" % missing, {"version": 1, "address": "无"}), 404, "not_found")


def test_patch_point_forbidden_roles():
    prov = login("province")
    jid = point_id(prov, JIANDE)
    before = get_point(prov, jid)
    path = "/api/points/%d" % jid
    for who in ("jiande", "hangzhou", "editor"):
        refused(login(who).patch(path, {"version": before["version"], "address": "越权修改",
                                        "phone": "0571-11112222"}), 403, "forbidden")
    p = create_point(prov)
    refused(login("hangzhou").patch("/api/points/%d" % p["id"], {"version": 1, "address": "x"}),
            403, "forbidden")
    check(get_point(prov, jid) == before, "a refused PATCH changed 建德")
    check(get_point(prov, p["id"]) == p, "a refused PATCH changed the point")


def test_patch_point_abolished_district():
    prov = login("province")
    tea = find_point(prov, TEA)
    check(tea["district"] == "330103" and tea["district_name"] == "下城区",
          "demo point %s should keep 下城区: %r" % (TEA, tea["district"]))

    p = create_point(prov, district="330102")
    path = "/api/points/%d" % p["id"]
    # A record from before 2021 (the way migrated data holds it).
    db("UPDATE points SET district = '330104' WHERE id = %d" % p["id"])
    old = get_point(prov, p["id"])
    check(old["district"] == "330104" and old["district_name"] == "江干区", "legacy district %r" % old)
    q = expect_json(prov.patch(path, {"version": old["version"], "address": "杭州市江干区老地址8号",
                                      "status": "撤销"}), 200, "PATCH a point in 江干区")
    check(q["district"] == "330104" and q["district_name"] == "江干区" and q["address"] == "杭州市江干区老地址8号",
          "the abolished district was not kept: %r" % q)
    r = expect_json(prov.patch(path, {"version": q["version"], "district": "330104", "fax": None}),
                    200, "PATCH sending the unchanged abolished district")
    check(r["district"] == "330104" and r["fax"] is None, "after PATCH: %r" % r)
    err = refused(prov.patch(path, {"version": r["version"], "district": "330103"}), 400, "invalid",
                  "district")
    check("撤销" in err["message"], "message %r" % err["message"])
    s = expect_json(prov.patch(path, {"version": r["version"], "district": "330105"}), 200,
                    "leave the abolished district for a current one")
    check(s["district"] == "330105", "district %r" % s["district"])
    refused(prov.patch(path, {"version": s["version"], "district": "330104"}), 400, "invalid", "district")
    check(get_point(prov, p["id"]) == s, "a refused switch changed the point")

    fresh = create_point(prov)
    refused(prov.patch("/api/points/%d" % fresh["id"], {"version": fresh["version"], "district": "330103"}),
            400, "invalid", "district")
    check(get_point(prov, fresh["id"]) == fresh, "a point was switched to an abolished district")


# ------------------------------------------------------------ concurrency

def test_concurrent_patches_one_wins():
    prov = login("province")
    p = create_point(prov)
    clients = [login("province") for _ in range(4)] + [admin() for _ in range(4)]
    resps = race(clients, lambda i, c: c.patch("/api/points/%d" % p["id"],
                                               {"version": p["version"], "address": "并发地址%d" % i}))
    won = [i for i, r in enumerate(resps) if r.status == 200]
    check(len(won) == 1, "%d of 8 PATCHes with the same version succeeded: %r"
          % (len(won), [r.status for r in resps]))
    for i, r in enumerate(resps):
        if i not in won:
            assert_error(r, 409, "conflict")
    got = get_point(prov, p["id"])
    check(got["address"] == "并发地址%d" % won[0] and got["version"] == p["version"] + 1,
          "after the race: %r" % got)
    n = int(db_value("SELECT COUNT(*) FROM point_history WHERE point_id = %d AND action = 'update'"
                     % p["id"]))
    check(n == 1, "the race left %d history rows, want 1" % n)


def test_concurrent_creates_same_name():
    clients = [login("province") for _ in range(8)]
    name = "测试并发%s预警点" % tag()
    resps = race(clients, lambda i, c: c.post("/api/points", point_body(name=name)))
    created = [r for r in resps if r.status == 201]
    check(len(created) == 1, "%d of 8 creates of one name succeeded: %r"
          % (len(created), [r.status for r in resps]))
    for r in resps:
        if r.status != 201:
            refused(r, 400, "invalid", "name")
    check(list_points(clients[0], q=name)["total"] == 1, "the name exists twice")


def test_point_moving_city_takes_its_accounts_along():
    from pointlib import point_user
    from sublib import create, queue_ids, submit
    from client import user_id
    adm = admin()
    prov = login("province")
    p = create_point(prov)
    pid = p["id"]
    pu = point_user(adm, pid)
    me = expect_json(pu.get("/api/session"), 200, "the point user's session")["user"]
    check(me["city"] == "330100" and me["point_id"] == pid, "before the move: %r" % me)
    hz = login("hangzhou")
    ls = city_user(adm, "331100")
    expect_json(hz.get("/api/points/%d" % pid), 200, "杭州 reads its point")
    refused(ls.get("/api/points/%d" % pid), 404, "not_found")

    resp = prov.patch("/api/points/%d" % pid, {"version": p["version"], "city": "331100",
                                               "district": "331126"})
    moved = expect_json(resp, 200, "move to 丽水市")
    check(moved["city"] == "331100", "the point did not move: %r" % moved)
    uid = me["id"]
    # in the same transaction: the account's row and its audit row
    check(db_value("SELECT city FROM users WHERE id = %d" % uid) == "331100",
          "the point user's stored city stayed %r" % db_value("SELECT city FROM users WHERE id = %d"
                                                              % uid))
    rid = resp.header("X-Request-Id")
    check(db_value("SELECT COUNT(*) FROM audit_log WHERE request_id = %s AND action = 'user.update' "
                   "AND object_id = %d" % (sql_str(rid), uid)) == "1",
          "no audit row for the account's new city")
    # the running session follows at once (no new login), as does the admin's view
    me2 = expect_json(pu.get("/api/session"), 200, "the session after the move")["user"]
    check(me2["city"] == "331100", "the session still says %r" % me2["city"])
    got = expect_json(adm.get("/api/users/%d" % uid), 200, "the account")
    check(got["city"] == "331100", "GET /api/users says %r" % got["city"])
    # the old city's staff no longer see the point or its new items; the new city does
    refused(hz.get("/api/points/%d" % pid), 404, "not_found")
    check(pid not in [x["id"] for x in all_points(hz)], "杭州 still lists the moved point")
    expect_json(ls.get("/api/points/%d" % pid), 200, "丽水 reads the moved point")
    sub = submit(pu, create(pu))
    check(sub["city"] == "331100", "the new item's city %r" % sub["city"])
    check(sub["id"] in queue_ids(ls), "丽水 does not review the moved point's item")
    check(sub["id"] not in queue_ids(hz), "杭州 still reviews the moved point's item")
    refused(hz.get("/api/submissions/%d" % sub["id"]), 404, "not_found")
    # a second move back leaves nothing behind either; other points' accounts are untouched
    jd = user_id("jiande")
    prov.patch("/api/points/%d" % pid, {"version": moved["version"], "city": "330100",
                                        "district": "330102"})
    check(db_value("SELECT city FROM users WHERE id = %d" % uid) == "330100", "the move back")
    check(db_value("SELECT city FROM users WHERE id = %d" % jd) == "330100", "jiande moved")
