"""A point's contact enterprises (联系企业): /api/points/{id}/enterprises, the
unified social credit code, enterprise_count, soft removal and scope."""

import random

from client import Client, admin, assert_error, check, db, db_value, expect, expect_json, login
from pointlib import (ENTERPRISE_KEYS, JIANDE, QINGYUAN, check_list_envelope, check_traced,
                      city_user, create_point, get_point, find_point, is_int, page_through,
                      point_id, qs, race, refused, tag)

CC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
VALID_CC = "91330100716105852F"
WRONG_CHECK_CC = "91330100716105852X"

QINGYUAN_FIRST = [
    "庆元县宝丰文具有限公司", "庆元县顺发铅笔有限公司", "庆元县金鹰铅笔有限公司",
]


def credit_code():
    """A fresh valid unified social credit code (GB 32100-2015) of 浙江 330100."""
    body = "91330100" + "".join(random.choice(CC_CHARS) for _ in range(9))
    s = sum(CC_CHARS.index(ch) * w for ch, w in zip(body, CC_WEIGHTS))
    return body + CC_CHARS[(31 - s % 31) % 31]


def ents(pid):
    return "/api/points/%d/enterprises" % pid


def ent(pid, eid):
    return "/api/points/%d/enterprises/%d" % (pid, eid)


def body(**extra):
    t = tag()
    b = {"name": "测试%s文具有限公司" % t, "credit_code": credit_code(), "contact": "联系人%s" % t[:2],
         "phone": "0578-6011987", "products": "木杆铅笔、彩色铅笔", "markets": "欧盟、美国"}
    b.update(extra)
    return b


def add(c, pid, **extra):
    return expect_json(c.post(ents(pid), body(**extra)), 201, "add an enterprise to %d" % pid)


def listing(c, pid, **params):
    return expect_json(c.get(ents(pid) + qs(**params)), 200, "list enterprises of %d" % pid)


def count(c, pid):
    return get_point(c, pid)["enterprise_count"]


def test_credit_code_helper():
    check(credit_code()[:8] == "91330100", "helper broken")
    s = sum(CC_CHARS.index(ch) * w for ch, w in zip(VALID_CC, CC_WEIGHTS))
    check(CC_CHARS[(31 - s % 31) % 31] == VALID_CC[-1], "the reference code's check char")
    check(WRONG_CHECK_CC[:17] == VALID_CC[:17] and WRONG_CHECK_CC[-1] != VALID_CC[-1], "fixtures")


def test_enterprises_create_list_and_count():
    prov = login("province")
    p = create_point(prov)
    b = body(products="铅笔板、铅芯", markets="东盟、非洲")
    resp = prov.post(ents(p["id"]), b)
    e1 = expect_json(resp, 201, "add an enterprise")
    missing = ENTERPRISE_KEYS - set(e1)
    check(not missing, "enterprise lacks %s" % sorted(missing), resp)
    check(is_int(e1["id"]) and e1["version"] == 1, "id/version %r" % e1, resp)
    for k, v in b.items():
        check(e1[k] == v, "%s %r echoed as %r" % (k, v, e1[k]), resp)
    check_traced(resp)
    e2 = add(prov, p["id"], name="测试%s美术笔厂" % tag(), products="美术笔", credit_code=None,
             contact=None, phone=None, markets=None)
    check(e2["credit_code"] is None and e2["contact"] is None, "unset fields: %r" % e2)
    e3 = add(admin(), p["id"], products="彩色铅笔、美术笔")
    check(count(prov, p["id"]) == 3, "enterprise_count %d after adding 3" % count(prov, p["id"]))
    check(find_point(prov, p["name"])["enterprise_count"] == 3, "the list item's enterprise_count")

    every = listing(prov, p["id"])
    check_list_envelope(every, None, 1, 20)
    check(every["items"] == [e1, e2, e3], "the list differs from what was added: %r" % every["items"])
    byq = listing(prov, p["id"], q="美术笔")
    check([e["id"] for e in byq["items"]] == [e2["id"], e3["id"]] and byq["total"] == 2,
          "?q=美术笔 (products) gave %r" % [e["name"] for e in byq["items"]])
    byq = listing(prov, p["id"], q=e1["name"][2:10])
    check([e["id"] for e in byq["items"]] == [e1["id"]], "?q= by name gave %r" % byq["items"])
    check(listing(prov, p["id"], q="%")["total"] == 0, "?q=% matches everything")
    check([e["id"] for e in page_through(prov, ents(p["id"]), 2)] == [e1["id"], e2["id"], e3["id"]],
          "paging by 2 differs")
    assert_error(prov.get(ents(p["id"]) + "?per_page=500"), 400, "invalid", "per_page")


def test_enterprises_demo_point():
    prov = login("province")
    qid = point_id(prov, QINGYUAN)
    items = page_through(prov, ents(qid), 200)
    check(len(items) == 19, "庆元 lists %d enterprises" % len(items))
    check([e["name"] for e in items[:3]] == QINGYUAN_FIRST, "庆元's first enterprises: %r"
          % [e["name"] for e in items[:3]])
    check(items[0]["credit_code"] == "913311267620296861" and items[0]["contact"] == "江新华",
          "庆元县宝丰文具有限公司 is %r" % items[0])
    got = listing(prov, qid, q="美术笔", per_page=200)["items"]
    want = [e for e in items if "美术笔" in (e["products"] or "") or "美术笔" in e["name"]]
    check(got == want and len(want) >= 2, "?q=美术笔: %d, want %d" % (len(got), len(want)))
    check([e["name"] for e in listing(prov, qid, q="宝丰")["items"]] == ["庆元县宝丰文具有限公司"],
          "?q=宝丰")


def test_enterprise_patch():
    prov = login("province")
    p = create_point(prov)
    e = add(prov, p["id"])
    path = ent(p["id"], e["id"])
    resp = prov.patch(path, {"version": e["version"], "markets": "欧盟、美国、东盟", "contact": "新联系人"})
    f = expect_json(resp, 200, "PATCH an enterprise")
    check(f["markets"] == "欧盟、美国、东盟" and f["contact"] == "新联系人", "not changed: %r" % f, resp)
    check(f["version"] == e["version"] + 1, "version %r" % f["version"], resp)
    for k in ("name", "credit_code", "phone", "products"):
        check(f[k] == e[k], "%s changed" % k, resp)
    h, _ = check_traced(resp)
    check(h == 2, "a PATCH of two fields wrote %d history rows" % h)
    refused(prov.patch(path, {"version": e["version"], "contact": "过期"}), 409, "conflict")
    refused(prov.patch(path, {"contact": "无版本"}), 400, "invalid", "version")
    refused(prov.patch(path, {"version": f["version"], "name": None}), 400, "invalid", "name")
    refused(prov.patch(path, {"version": f["version"], "credit_code": WRONG_CHECK_CC}), 400, "invalid",
            "credit_code")
    refused(prov.patch(path, {"version": f["version"], "phone": "0578－6011987"}), 400, "invalid", "phone")
    check(listing(prov, p["id"])["items"] == [f], "refused PATCHes changed the enterprise")
    g = expect_json(prov.patch(path, {"version": f["version"], "credit_code": None}), 200, "clear the code")
    check(g["credit_code"] is None, "credit_code %r" % g["credit_code"])


def test_enterprise_credit_code():
    prov = login("province")
    p, other = create_point(prov), create_point(prov)
    for bad in (WRONG_CHECK_CC, VALID_CC.lower(), VALID_CC[:17], VALID_CC + "0",
                "91330100716105852 ", "９1330100716105852F", "9133010071610585IF", "91AB0100716105852F"):
        refused(prov.post(ents(p["id"]), body(credit_code=bad)), 400, "invalid", "credit_code")
    check(listing(prov, p["id"])["total"] == 0 and count(prov, p["id"]) == 0,
          "a refused enterprise was added")

    code = credit_code()
    first = add(prov, p["id"], credit_code=code)
    check(first["credit_code"] == code, "credit_code %r" % first["credit_code"])
    err = refused(prov.post(ents(p["id"]), body(credit_code=code)), 400, "invalid", "credit_code")
    check("信用代码" in err["message"], "the duplicate message %r does not name the code" % err["message"])
    check(listing(prov, p["id"])["total"] == 1, "a duplicate was added")
    second = add(prov, p["id"])
    refused(prov.patch(ent(p["id"], second["id"]), {"version": second["version"], "credit_code": code}),
            400, "invalid", "credit_code")
    elsewhere = add(prov, other["id"], credit_code=code)
    check(elsewhere["credit_code"] == code, "the same code at another point was refused")
    same = expect_json(prov.patch(ent(p["id"], first["id"]), {"version": first["version"],
                                                             "credit_code": code, "contact": "同码"}),
                       200, "PATCH keeping its own code")
    check(same["credit_code"] == code and same["contact"] == "同码", "after PATCH %r" % same)
    expect(prov.delete(ent(p["id"], first["id"])), 204, "remove the first")
    again = add(prov, p["id"], credit_code=code)
    check(again["credit_code"] == code, "a removed enterprise's code cannot be used again")


def test_enterprise_validation():
    prov = login("province")
    p = create_point(prov)
    for change, field in (({"name": None}, "name"), ({"name": ""}, "name"), ({"name": "厂"}, "name"),
                          ({"phone": "12345678901"}, "phone"), ({"phone": "0578－6011987"}, "phone"),
                          ({"products": "品" * 256}, "products")):
        b = body()
        for k, v in change.items():
            if v is None:
                b.pop(k)
            else:
                b[k] = v
        refused(prov.post(ents(p["id"]), b), 400, "invalid", field)
    for change in ({"name": 5}, {"credit_code": 913301007161058}, {"markets": ["欧盟"]}):
        refused(prov.post(ents(p["id"]), body(**change)), 400, "bad_request")
    check(listing(prov, p["id"])["total"] == 0, "a refused create added an enterprise")


def test_enterprise_delete_is_soft():
    prov = login("province")
    p = create_point(prov)
    a, b = add(prov, p["id"]), add(prov, p["id"])
    check(count(prov, p["id"]) == 2, "enterprise_count %d" % count(prov, p["id"]))
    resp = prov.delete(ent(p["id"], a["id"]))
    expect(resp, 204, "remove an enterprise")
    check(resp.body == b"", "204 with a body", resp)
    check_traced(resp)
    check(count(prov, p["id"]) == 1, "enterprise_count %d after removing one of two" % count(prov, p["id"]))
    check(find_point(prov, p["name"])["enterprise_count"] == 1, "the list item's enterprise_count")
    check(listing(prov, p["id"])["items"] == [b], "the removed enterprise is still listed")
    check(listing(prov, p["id"], q=a["name"])["total"] == 0, "?q= finds the removed enterprise")
    refused(prov.patch(ent(p["id"], a["id"]), {"version": a["version"], "name": "复活企业"}), 404, "not_found")
    refused(prov.delete(ent(p["id"], a["id"])), 404, "not_found")
    row = db("SELECT name, deleted_at IS NOT NULL FROM point_enterprises WHERE id = %d" % a["id"])
    check(row == [[a["name"], "1"]], "the removed row should stay, marked removed: %r" % row)
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 1000 FROM point_enterprises"))
    refused(prov.delete(ent(p["id"], missing)), 404, "not_found")


def test_enterprises_scope():
    prov = login("province")
    jid, qid = point_id(prov, JIANDE), point_id(prov, QINGYUAN)
    jd = login("jiande")
    n = count(prov, jid)
    e = add(jd, jid)
    check(count(prov, jid) == n + 1, "建德's enterprise_count did not grow")
    f = expect_json(jd.patch(ent(jid, e["id"]), {"version": e["version"], "products": "精细化工中间体"}),
                    200, "建德 edits its enterprise")
    check(f["products"] == "精细化工中间体", "products %r" % f["products"])

    qitems = page_through(prov, ents(qid), 200)
    target = qitems[0]
    assert_error(jd.get(ents(qid)), 404, "not_found")
    refused(jd.post(ents(qid), body()), 404, "not_found")
    refused(jd.patch(ent(qid, target["id"]), {"version": target["version"], "name": "越权企业"}),
            404, "not_found")
    refused(jd.delete(ent(qid, target["id"])), 404, "not_found")
    refused(jd.patch(ent(jid, target["id"]), {"version": target["version"], "name": "越权企业"}),
            404, "not_found")
    refused(jd.delete(ent(jid, target["id"])), 404, "not_found")
    check(page_through(prov, ents(qid), 200) == qitems, "建德 changed 庆元's enterprises")
    check(count(prov, qid) == 19, "庆元's enterprise_count changed")

    hz = login("hangzhou")
    check(f in page_through(hz, ents(jid), 200), "杭州市 does not see 建德's enterprise")
    refused(hz.post(ents(jid), body()), 403, "forbidden")
    refused(hz.patch(ent(jid, f["id"]), {"version": f["version"], "name": "市改企业"}), 403, "forbidden")
    refused(hz.delete(ent(jid, f["id"])), 403, "forbidden")
    assert_error(hz.get(ents(qid)), 404, "not_found")
    ls = city_user(admin(), "331100")
    check(listing(ls, qid)["total"] == 19, "丽水市 reads 庆元's enterprises")
    assert_error(ls.get(ents(jid)), 404, "not_found")

    ed = login("editor")
    assert_error(ed.get(ents(jid)), 403, "forbidden")
    refused(ed.post(ents(jid), body()), 403, "forbidden")
    assert_error(Client().get(ents(jid)), 401, "unauthenticated")

    expect(jd.delete(ent(jid, e["id"])), 204, "建德 removes its enterprise")
    check(count(prov, jid) == n, "建德's enterprise_count did not drop back")


def test_enterprise_blank_name():
    prov = login("province")
    p = create_point(prov)
    for blank in ("   ", "\u3000\u3000"):
        refused(prov.post(ents(p["id"]), body(name=blank)), 400, "invalid", "name")
    check(listing(prov, p["id"])["total"] == 0, "an enterprise with a blank name was added")


def test_enterprises_concurrent_duplicate_code():
    prov = login("province")
    clients = [login("province") for _ in range(8)]
    outcomes = []
    for _ in range(5):
        p = create_point(prov)
        code = credit_code()
        resps = race(clients, lambda i, c: c.post(ents(p["id"]), body(credit_code=code)))
        created = [r for r in resps if r.status == 201]
        listed = [e for e in page_through(prov, ents(p["id"]), 200) if e["credit_code"] == code]
        outcomes.append((len(created), len(listed), sorted(r.status for r in resps)))
        for r in resps:
            if r.status != 201:
                refused(r, 400, "invalid", "credit_code")
    check(all(o[0] == 1 and o[1] == 1 for o in outcomes),
          "8 simultaneous creates of one credit code at one point: (created, listed, statuses) "
          "per round %r; want exactly one" % outcomes)
