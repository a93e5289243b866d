"""Change history (变更历史): GET /api/points/{id}/history keeps every change
to a point, its people, enterprises and leadership, field by field."""

from datetime import timedelta

from client import Client, admin, assert_error, check, create_user, db_value, expect, expect_json, login
from pointlib import (EDITABLE, JIANDE, check_time, city_user, create_point, now_beijing,
                      page_through, point_id, refused, tag)

ITEM_KEYS = {"at", "user", "entity", "entity_id", "action", "field", "old", "new"}
TRUE_WORDS = ("是", "true", "1")


def hpath(pid):
    return "/api/points/%d/history" % pid


def history(c, pid):
    return page_through(c, hpath(pid), 200)


def _script():
    """Runs the sequence on a new point; returns what the history must show."""
    prov, adm = login("province"), admin()
    p = create_point(prov)
    pid = p["id"]
    steps = []      # (entity, action, entity_id, user, [(field, old, new)])
    steps.append(("point", "create", pid, "province",
                  [(k, None, str(p[k])) for k in EDITABLE]))

    q = expect_json(adm.patch("/api/points/%d" % pid, {"version": p["version"],
                                                        "address": "杭州市上城区清泰街1号",
                                                        "phone": "0571-86001234"}), 200)
    steps.append(("point", "update", pid, "admin",
                  [("address", p["address"], q["address"]), ("phone", p["phone"], "0571-86001234")]))

    user, password = create_user(adm, role="point", point_id=pid)
    pu = login(user["username"], password)
    uname = user["username"]
    person = {"kind": "staff", "name": "历史%s" % tag()[:4], "position": "外贸专员",
              "phone": "0571-87001234", "mobile": "13506818287", "email": "h%s@example.com" % tag()}
    x = expect_json(pu.post("/api/points/%d/people" % pid, person), 201)
    steps.append(("person", "create", x["id"], uname,
                  [(k, None, person[k]) for k in ("kind", "name", "position", "phone", "mobile", "email")]))
    y = expect_json(pu.patch("/api/points/%d/people/%d" % (pid, x["id"]),
                             {"version": x["version"], "mobile": "13967001122"}), 200)
    steps.append(("person", "update", x["id"], uname, [("mobile", "13506818287", "13967001122")]))
    expect(pu.delete("/api/points/%d/people/%d" % (pid, x["id"])), 204)
    after = dict(person, mobile=y["mobile"])
    steps.append(("person", "delete", x["id"], uname,
                  [(k, after[k], None) for k in ("kind", "name", "position", "phone", "mobile", "email")]))

    ent = {"name": "历史%s化工有限公司" % tag(), "credit_code": "91330100716105852F", "contact": "联系人",
           "phone": "0571-64001234", "products": "精细化工产品", "markets": "欧盟、美国"}
    e = expect_json(pu.post("/api/points/%d/enterprises" % pid, ent), 201)
    steps.append(("enterprise", "create", e["id"], uname,
                  [(k, None, ent[k]) for k in ("name", "credit_code", "contact", "phone", "products",
                                               "markets")]))

    lb = expect_json(prov.get("/api/points/%d/leadership" % pid), 200)
    members = [{"role": "组长", "name": "王组长", "position": "会长", "unit": "测试协会"},
               {"role": "成员", "name": "李成员", "position": "总经理", "unit": "测试化工有限公司"}]
    expect_json(prov.put("/api/points/%d/leadership" % pid, {"members": members, "party_org": True,
                                                            "party_members": 12,
                                                            "version": lb["version"]}), 200)
    steps.append(("leadership", "update", pid, "province",
                  [("members", None, members), ("party_org", None, True), ("party_members", None, "12")]))
    return pid, steps, x["id"], pu


def _check_item(it):
    missing = ITEM_KEYS - set(it)
    check(not missing, "history item lacks %s: %r" % (sorted(missing), it))
    check_time(it["at"], "at")
    for k in ("old", "new"):
        check(it[k] is None or isinstance(it[k], str), "%s is %r, want text or null" % (k, it[k]))


def test_history_records_every_change():
    start = now_beijing() - timedelta(minutes=5)
    pid, steps, person_id, _ = _script()
    prov = login("province")
    items = history(prov, pid)
    for it in items:
        _check_item(it)

    want_total = sum(len(s[4]) for s in steps)
    check(len(items) == want_total, "history holds %d rows, the script changed %d fields"
          % (len(items), want_total))

    got = set()
    member_rows = []
    for it in items:
        if it["entity"] == "leadership" and it["field"] == "members":
            member_rows.append(it)
            got.add((it["entity"], it["action"], it["field"], it["old"], "<members>"))
        elif it["entity"] == "leadership" and it["field"] == "party_org":
            got.add((it["entity"], it["action"], it["field"], it["old"],
                     True if it["new"] in TRUE_WORDS else it["new"]))
        else:
            got.add((it["entity"], it["action"], it["field"], it["old"], it["new"]))
    want = set()
    for entity, action, _, _, fields in steps:
        for field, old, new in fields:
            want.add((entity, action, field, old, "<members>" if field == "members" else new))
    check(got == want, "history rows differ:\n extra   %r\n missing %r"
          % (sorted(got - want, key=str), sorted(want - got, key=str)))

    check(len(member_rows) == 1, "%d rows for the members" % len(member_rows))
    text = member_rows[0]["new"] or ""
    pos = [text.find(s) for s in ("组长", "王组长", "会长", "测试协会", "成员", "李成员", "总经理")]
    check(all(i >= 0 for i in pos) and pos[1] < pos[5],
          "the members row %r does not show the members in order" % text)

    # Who and which object, per row.
    index = {(s[0], s[1]): s for s in steps}
    for it in items:
        s = index[(it["entity"], it["action"])]
        check(it["user"] == s[3], "%s %s %s by %r, want %r" % (it["entity"], it["action"], it["field"],
                                                             it["user"], s[3]))
        if it["entity"] == "leadership":
            check(it["entity_id"] in (pid, None), "leadership entity_id %r" % it["entity_id"])
        else:
            check(it["entity_id"] == s[2], "%s %s entity_id %r, want %r"
                  % (it["entity"], it["action"], it["entity_id"], s[2]))

    # Newest first.
    seq = []
    for it in items:
        k = (it["entity"], it["action"])
        if not seq or seq[-1] != k:
            seq.append(k)
    check(seq == [(s[0], s[1]) for s in reversed(steps)], "history is not newest first: %r" % seq)
    times = [check_time(it["at"], "at") for it in items]
    check(all(a >= b for a, b in zip(times, times[1:])), "times are not descending")
    check(start <= times[-1] and times[0] <= now_beijing() + timedelta(minutes=5),
          "times %s .. %s are not now" % (items[-1]["at"], items[0]["at"]))

    # The removed person's rows stay.
    mine = [(it["action"], it["field"]) for it in items if it["entity"] == "person"
            and it["entity_id"] == person_id]
    check(len(mine) == 13 and {a for a, _ in mine} == {"create", "update", "delete"},
          "the removed person's history: %r" % mine)


def test_history_paging():
    pid, steps, _, _ = _script()
    prov = login("province")
    full = expect_json(prov.get(hpath(pid) + "?per_page=200"), 200)
    check(full["total"] == len(full["items"]) == sum(len(s[4]) for s in steps), "total %r" % full["total"])
    paged = page_through(prov, hpath(pid), 4)
    check(paged == full["items"], "paging by 4 differs from one page of 200")
    body = expect_json(prov.get(hpath(pid)), 200)
    check(body["page"] == 1 and body["per_page"] == 20 and body["items"] == full["items"][:20],
          "the default page differs")
    assert_error(prov.get(hpath(pid) + "?per_page=201"), 400, "invalid", "per_page")
    assert_error(prov.get(hpath(pid) + "?page=0"), 400, "invalid", "page")


def test_refused_writes_leave_no_history():
    pid, _, person_id, pu = _script()
    prov = login("province")
    before = history(prov, pid)
    audit_before = int(db_value("SELECT COUNT(*) FROM audit_log WHERE object_id = %d "
                                "AND object_type = 'point'" % pid))
    p = expect_json(prov.get("/api/points/%d" % pid), 200)
    base = "/api/points/%d" % pid
    hz, jd, ed = login("hangzhou"), login("jiande"), login("editor")
    lb = expect_json(prov.get(base + "/leadership"), 200)

    refused(prov.patch(base, {"version": p["version"] - 1, "address": "过期"}), 409, "conflict")
    refused(prov.patch(base, {"address": "无版本"}), 400, "invalid", "version")
    refused(prov.patch(base, {"version": p["version"], "name": None}), 400, "invalid", "name")
    refused(prov.patch(base, {"version": p["version"], "district": "330104"}), 400, "invalid", "district")
    refused(prov.patch(base, {"version": p["version"], "type": 1}), 400, "bad_request")
    refused(pu.patch(base, {"version": p["version"], "address": "预警点改基本信息"}), 403, "forbidden")
    refused(hz.patch(base, {"version": p["version"], "address": "地市改"}), 403, "forbidden")
    refused(ed.patch(base, {"version": p["version"], "address": "编辑改"}), 403, "forbidden")
    refused(prov.patch(base, {"version": p["version"], "address": "无令牌"}, csrf=False), 403, "forbidden")
    refused(pu.post(base + "/people", {"kind": "staff", "name": "坏手机", "mobile": "12345678901"}),
            400, "invalid", "mobile")
    refused(pu.patch(base + "/people/%d" % person_id, {"version": 3, "name": "已删"}), 404, "not_found")
    refused(pu.delete(base + "/people/%d" % person_id), 404, "not_found")
    refused(hz.post(base + "/people", {"kind": "staff", "name": "地市加人"}), 403, "forbidden")
    refused(jd.post(base + "/people", {"kind": "staff", "name": "他点加人"}), 404, "not_found")
    refused(pu.post(base + "/enterprises", {"name": "坏代码企业", "credit_code": "91330100716105852X"}),
            400, "invalid", "credit_code")
    refused(pu.post(base + "/enterprises", {"name": "重复代码企业", "credit_code": "91330100716105852F"}),
            400, "invalid", "credit_code")
    refused(jd.post(base + "/enterprises", {"name": "他点企业"}), 404, "not_found")
    refused(pu.put(base + "/leadership", {"members": [], "party_org": True, "version": lb["version"]}),
            400, "invalid", "party_members")
    refused(pu.put(base + "/leadership", {"members": [], "party_org": False, "version": lb["version"] - 1}),
            409, "conflict")
    refused(hz.put(base + "/leadership", {"members": [], "party_org": False, "version": lb["version"]}),
            403, "forbidden")
    refused(jd.put(base + "/leadership", {"members": [], "party_org": False, "version": lb["version"]}),
            404, "not_found")

    check(history(prov, pid) == before, "refused writes added history rows")
    check(int(db_value("SELECT COUNT(*) FROM audit_log WHERE object_id = %d AND object_type = 'point'"
                       % pid)) == audit_before, "refused writes added audit_log rows about the point")


def test_history_scope():
    pid, _, _, pu = _script()
    prov = login("province")
    full = history(prov, pid)
    check(history(admin(), pid) == full, "admin reads another history")
    check(history(login("hangzhou"), pid) == full, "杭州市 reads another history of its point")
    check(history(pu, pid) == full, "the point's own account reads another history")
    ls = city_user(admin(), "331100")
    assert_error(ls.get(hpath(pid)), 404, "not_found")
    assert_error(login("jiande").get(hpath(pid)), 404, "not_found")
    assert_error(pu.get(hpath(point_id(prov, JIANDE))), 404, "not_found")
    assert_error(login("editor").get(hpath(pid)), 403, "forbidden")
    assert_error(Client().get(hpath(pid)), 401, "unauthenticated")
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 1000 FROM points"))
    assert_error(prov.get(hpath(missing)), 404, "not_found")
    jid = point_id(prov, JIANDE)
    expect_json(login("jiande").get(hpath(jid)), 200, "建德 reads its own history")
