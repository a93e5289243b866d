"""A point's people: responsible persons (预警负责人) and staff (工作人员),
/api/points/{id}/people, with validation, versions, soft removal and scope."""

from client import Client, admin, assert_error, check, db, db_value, expect, expect_json, login
from pointlib import (JIANDE, PERSON_KEYS, QINGYUAN, check_list_envelope, check_time,
                      check_traced, city_user, create_point, is_int, page_through, point_id,
                      point_user, qs, refused, tag)


def people(pid):
    return "/api/points/%d/people" % pid


def person(pid, xid):
    return "/api/points/%d/people/%d" % (pid, xid)


def body(kind="responsible", **extra):
    t = tag()
    b = {"kind": kind, "name": "测试%s" % t[:4], "position": "秘书长", "phone": "0571-87654321",
         "mobile": "13506818287", "email": "p%s@example.com" % t}
    b.update(extra)
    return b


def add(c, pid, kind="responsible", **extra):
    b = body(kind, **extra)
    resp = c.post(people(pid), b)
    got = expect_json(resp, 201, "add a person to point %d" % pid)
    return got


def listing(c, pid, **params):
    resp = c.get(people(pid) + qs(**params))
    b = expect_json(resp, 200, "list people of %d" % pid)
    return b


def _check_person(p, resp=None):
    missing = PERSON_KEYS - set(p)
    check(not missing, "person lacks %s" % sorted(missing), resp)
    check(is_int(p["id"]) and is_int(p["version"]), "id/version not integers", resp)
    check(p["kind"] in ("responsible", "staff"), "kind %r" % p["kind"], resp)


def test_people_create_and_list():
    prov = login("province")
    p = create_point(prov)
    check(listing(prov, p["id"])["total"] == 0, "a new point has people")
    b1 = body("responsible")
    resp = prov.post(people(p["id"]), b1)
    r1 = expect_json(resp, 201, "add a responsible person")
    _check_person(r1, resp)
    for k, v in b1.items():
        check(r1[k] == v, "%s %r echoed as %r" % (k, v, r1[k]), resp)
    check(r1["version"] == 1, "version %r" % r1["version"], resp)
    if "created_at" in r1:
        check_time(r1["created_at"], "created_at", resp)
    check_traced(resp)
    s1 = add(prov, p["id"], "staff", mobile=None, email=None, position="外贸专员")
    check(s1["mobile"] is None and s1["email"] is None, "unset fields of a person: %r" % s1)
    r2 = add(admin(), p["id"], "responsible", phone=None)
    s2 = add(prov, p["id"], "staff", name="工作人员乙")

    every = listing(prov, p["id"])
    check_list_envelope(every, None, 1, 20)
    check(every["total"] == 4, "4 people added, %d listed" % every["total"])
    byid = {x["id"]: x for x in every["items"]}
    for x in (r1, s1, r2, s2):
        check(byid.get(x["id"]) == x, "listed %r, created %r" % (byid.get(x["id"]), x))
    check([x["kind"] for x in every["items"]] == ["responsible", "responsible", "staff", "staff"],
          "responsible persons are not listed first: %r" % [x["kind"] for x in every["items"]])

    resp_only = listing(prov, p["id"], kind="responsible")
    check([x["id"] for x in resp_only["items"]] == [r1["id"], r2["id"]] and resp_only["total"] == 2,
          "?kind=responsible gave %r" % resp_only["items"])
    staff = listing(prov, p["id"], kind="staff")
    check([x["id"] for x in staff["items"]] == [s1["id"], s2["id"]] and staff["total"] == 2,
          "?kind=staff gave %r" % staff["items"])
    assert_error(prov.get(people(p["id"]) + "?kind=leader"), 400, "invalid", "kind")

    paged = page_through(prov, people(p["id"]), 1)
    check([x["id"] for x in paged] == [x["id"] for x in every["items"]], "paging by 1 differs")
    paged = page_through(prov, people(p["id"]), 3, kind="staff")
    check([x["id"] for x in paged] == [s1["id"], s2["id"]], "paging with ?kind=staff differs")
    assert_error(prov.get(people(p["id"]) + "?per_page=201"), 400, "invalid", "per_page")
    assert_error(prov.get(people(p["id"]) + "?page=0"), 400, "invalid", "page")


def test_people_demo_point():
    prov = login("province")
    qid = point_id(prov, QINGYUAN)
    b = listing(prov, qid, kind="responsible")
    check(b["total"] >= 1 and b["items"][0]["name"] == "冯永康" and b["items"][0]["mobile"] == "15230529062",
          "庆元's first responsible person: %r" % b["items"][:1])
    check(listing(prov, qid)["total"] == 4, "庆元 should list 4 people")
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 1000 FROM points"))
    assert_error(prov.get(people(missing)), 404, "not_found")


def test_people_patch():
    prov = login("province")
    p = create_point(prov)
    x = add(prov, p["id"], "staff")
    path = person(p["id"], x["id"])
    resp = prov.patch(path, {"version": x["version"], "mobile": "13967123456", "position": "副秘书长"})
    y = expect_json(resp, 200, "PATCH a person")
    check(y["mobile"] == "13967123456" and y["position"] == "副秘书长", "not changed: %r" % y, resp)
    check(y["version"] == x["version"] + 1, "version %r after %r" % (y["version"], x["version"]), resp)
    for k in ("kind", "name", "phone", "email"):
        check(y[k] == x[k], "%s changed: %r -> %r" % (k, x[k], y[k]), resp)
    h, _ = check_traced(resp)
    check(h == 2, "a PATCH of two fields wrote %d history rows" % h)
    check(listing(prov, p["id"])["items"] == [y], "the list differs from the PATCH answer")

    z = expect_json(prov.patch(path, {"version": y["version"], "kind": "responsible", "email": None}),
                    200, "make the person responsible")
    check(z["kind"] == "responsible" and z["email"] is None, "after PATCH: %r" % z)

    refused(prov.patch(path, {"version": y["version"], "name": "过期版本"}), 409, "conflict")
    refused(prov.patch(path, {"name": "无版本"}), 400, "invalid", "version")
    refused(prov.patch(path, {"version": z["version"], "name": None}), 400, "invalid", "name")
    refused(prov.patch(path, {"version": z["version"], "kind": None}), 400, "invalid", "kind")
    refused(prov.patch(path, {"version": z["version"], "kind": "boss"}), 400, "invalid", "kind")
    refused(prov.patch(path, {"version": z["version"], "mobile": "12345678901"}), 400, "invalid", "mobile")
    refused(prov.patch(path, {"version": z["version"], "email": "p@q"}), 400, "invalid", "email")
    refused(prov.patch(path, {"version": z["version"], "name": 7}), 400, "bad_request")
    check(listing(prov, p["id"])["items"] == [z], "refused PATCHes changed the person")

    other = create_point(prov)
    refused(prov.patch(person(other["id"], x["id"]), {"version": z["version"], "name": "错点"}),
            404, "not_found")
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 1000 FROM point_people"))
    refused(prov.patch(person(p["id"], missing), {"version": 1, "name": "无"}), 404, "not_found")


def test_people_delete_is_soft():
    prov = login("province")
    p = create_point(prov)
    keep = add(prov, p["id"], "responsible")
    gone = add(prov, p["id"], "staff")
    resp = prov.delete(person(p["id"], gone["id"]))
    expect(resp, 204, "delete a person")
    check(resp.body == b"", "204 with a body", resp)
    check_traced(resp)
    b = listing(prov, p["id"])
    check([x["id"] for x in b["items"]] == [keep["id"]] and b["total"] == 1,
          "the removed person is still listed: %r" % b["items"])
    check(listing(prov, p["id"], kind="staff")["total"] == 0, "?kind=staff lists the removed person")
    refused(prov.patch(person(p["id"], gone["id"]), {"version": gone["version"] + 1, "name": "复活"}),
            404, "not_found")
    refused(prov.patch(person(p["id"], gone["id"]), {"version": gone["version"], "name": "复活"}),
            404, "not_found")
    refused(prov.delete(person(p["id"], gone["id"])), 404, "not_found")
    row = db("SELECT name, deleted_at IS NOT NULL FROM point_people WHERE id = %d" % gone["id"])
    check(row == [[gone["name"], "1"]], "the removed person's row should stay, marked removed: %r" % row)


def test_people_validation():
    prov = login("province")
    p = create_point(prov)
    for change, field in (({"kind": None}, "kind"), ({"kind": "leader"}, "kind"),
                          ({"kind": ""}, "kind"), ({"name": None}, "name"), ({"name": ""}, "name"),
                          ({"mobile": "12345678901"}, "mobile"), ({"mobile": "1350681828"}, "mobile"),
                          ({"mobile": "135 0681 8287"}, "mobile"),
                          ({"mobile": "１３５０６８１８２８７"}, "mobile"),
                          ({"phone": "0571－87654321"}, "phone"), ({"email": "abc"}, "email"),
                          ({"email": "a@@example.com"}, "email"), ({"name": "名" * 65}, "name")):
        b = body("staff")
        for k, v in change.items():
            if v is None:
                b.pop(k)
            else:
                b[k] = v
        refused(prov.post(people(p["id"]), b), 400, "invalid", field)
    for change in ({"name": 1}, {"kind": ["staff"]}, {"mobile": 13506818287}):
        refused(prov.post(people(p["id"]), body(**change)), 400, "bad_request")
    refused(prov.post(people(p["id"]), body=b"[1]", content_type="application/json"), 400, "bad_request")
    check(listing(prov, p["id"])["total"] == 0, "a refused create added a person")
    ok = add(prov, p["id"], "staff", mobile="+86 13506818287", phone="0571-87654321转123")
    check(ok["mobile"] == "+86 13506818287", "mobile stored as %r" % ok["mobile"])


def test_people_blank_name():
    prov = login("province")
    p = create_point(prov)
    for blank in ("   ", "\u3000"):
        refused(prov.post(people(p["id"]), body("staff", name=blank)), 400, "invalid", "name")
    check(listing(prov, p["id"])["total"] == 0, "a person with a blank name was added")


def test_people_point_user_keeps_its_own():
    prov = login("province")
    jid, qid = point_id(prov, JIANDE), point_id(prov, QINGYUAN)
    jd = login("jiande")
    x = add(jd, jid, "staff", name="建德测试%s" % tag()[:4])
    y = expect_json(jd.patch(person(jid, x["id"]), {"version": x["version"], "mobile": "13912345678"}),
                    200, "建德 edits its own person")
    check(y["mobile"] == "13912345678" and y["version"] == x["version"] + 1, "after PATCH: %r" % y)
    expect(jd.delete(person(jid, x["id"])), 204, "建德 removes its own person")
    check(x["id"] not in [i["id"] for i in page_through(jd, people(jid), 200)], "still listed")

    before = listing(prov, qid, per_page=200)["items"]
    target = before[0]
    assert_error(jd.get(people(qid)), 404, "not_found")
    refused(jd.post(people(qid), body("staff")), 404, "not_found")
    refused(jd.patch(person(qid, target["id"]), {"version": target["version"], "name": "越权"}),
            404, "not_found")
    refused(jd.delete(person(qid, target["id"])), 404, "not_found")
    # Its own point's path with another point's person.
    refused(jd.patch(person(jid, target["id"]), {"version": target["version"], "name": "越权"}),
            404, "not_found")
    refused(jd.delete(person(jid, target["id"])), 404, "not_found")
    check(listing(prov, qid, per_page=200)["items"] == before, "建德 changed 庆元's people")

    # A point account of a new point only reaches that point.
    p = create_point(prov)
    pu = point_user(admin(), p["id"])
    z = add(pu, p["id"], "responsible")
    check(listing(prov, p["id"])["items"] == [z], "the point account's person is not listed")
    refused(pu.post(people(jid), body("staff")), 404, "not_found")


def test_people_city_user_reads_only():
    prov = login("province")
    jid, qid = point_id(prov, JIANDE), point_id(prov, QINGYUAN)
    x = add(prov, jid, "staff", name="市级只读%s" % tag()[:4])
    hz = login("hangzhou")
    got = listing(hz, jid, per_page=200)
    check(x in got["items"], "杭州市 does not see 建德's people")
    refused(hz.post(people(jid), body("staff")), 403, "forbidden")
    refused(hz.patch(person(jid, x["id"]), {"version": x["version"], "name": "市改"}), 403, "forbidden")
    refused(hz.delete(person(jid, x["id"])), 403, "forbidden")
    assert_error(hz.get(people(qid)), 404, "not_found")
    # A city account never writes people: the same 403 for any point, so it leaks nothing.
    refused(hz.post(people(qid), body("staff")), 403, "forbidden")
    ls = city_user(admin(), "331100")
    b = listing(ls, qid, kind="responsible")
    check(b["items"] and b["items"][0]["name"] == "冯永康", "丽水市 reads 庆元's people: %r" % b["items"][:1])
    assert_error(ls.get(people(jid)), 404, "not_found")
    check(listing(prov, jid, per_page=200)["items"].count(x) == 1, "a refused write changed the person")
    expect(prov.delete(person(jid, x["id"])), 204, "clean up")


def test_people_editor_and_anonymous():
    prov = login("province")
    jid = point_id(prov, JIANDE)
    ed = login("editor")
    assert_error(ed.get(people(jid)), 403, "forbidden")
    refused(ed.post(people(jid), body("staff")), 403, "forbidden")
    anon = Client()
    assert_error(anon.get(people(jid)), 401, "unauthenticated")
    assert_error(anon.post(people(jid), body("staff")), 401, "unauthenticated")
