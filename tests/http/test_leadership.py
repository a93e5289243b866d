"""The leadership group (领导小组) and party organisation (党建组织):
GET|PUT /api/points/{id}/leadership, replaced as a whole under a version."""

from client import Client, admin, assert_error, check, db_value, expect_json, login
from pointlib import (JIANDE, QINGYUAN, check_traced, city_user, create_point, is_int, point_id,
                      point_user, refused, tag)

MEMBER_KEYS = {"role", "name", "position", "unit"}


def lpath(pid):
    return "/api/points/%d/leadership" % pid


def get(c, pid):
    resp = c.get(lpath(pid))
    b = expect_json(resp, 200, "GET leadership of %d" % pid)
    for k in ("members", "party_org", "party_members", "version"):
        check(k in b, "leadership lacks %r" % k, resp)
    check(isinstance(b["members"], list), "members is not a list", resp)
    check(is_int(b["version"]), "version %r" % b["version"], resp)
    check(b["party_org"] is None or isinstance(b["party_org"], bool), "party_org %r" % b["party_org"], resp)
    check(b["party_members"] is None or is_int(b["party_members"]),
          "party_members %r" % b["party_members"], resp)
    for m in b["members"]:
        check(set(m) >= MEMBER_KEYS, "member %r lacks fields" % m, resp)
        check(m["role"] in ("组长", "副组长", "成员"), "role %r" % m["role"], resp)
    return b


def members(t=None):
    t = t or tag()[:4]
    return [
        {"role": "成员", "name": "成员甲%s" % t, "position": "总经理", "unit": "某某文具有限公司"},
        {"role": "组长", "name": "组长乙%s" % t, "position": "会长", "unit": "某某行业协会"},
        {"role": "副组长", "name": "副组长丙%s" % t, "position": "秘书长", "unit": "某某行业协会"},
        {"role": "成员", "name": "成员丁%s" % t, "position": None, "unit": None},
    ]


def test_leadership_shape_of_a_new_point():
    prov = login("province")
    p = create_point(prov)
    b = get(prov, p["id"])
    check(b["members"] == [] and b["party_org"] is None and b["party_members"] is None,
          "a new point's leadership: %r" % b)
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 1000 FROM points"))
    assert_error(prov.get(lpath(missing)), 404, "not_found")


def test_leadership_put_replaces_members():
    prov = login("province")
    p = create_point(prov)
    b = get(prov, p["id"])
    ms = members()
    resp = prov.put(lpath(p["id"]), {"members": ms, "party_org": True, "party_members": 12,
                                     "version": b["version"]})
    c = expect_json(resp, 200, "PUT leadership")
    check(c["members"] == ms, "members not kept in order:\n got %r\nwant %r" % (c["members"], ms), resp)
    check(c["party_org"] is True and c["party_members"] == 12, "party: %r" % c, resp)
    check(c["version"] == b["version"] + 1, "version %r after %r" % (c["version"], b["version"]), resp)
    check(get(prov, p["id"]) == c, "GET differs from the PUT answer")
    h, _ = check_traced(resp)
    check(h == 3, "a first PUT (members, party_org, party_members) wrote %d history rows" % h)

    refused(prov.put(lpath(p["id"]), {"party_org": True, "party_members": 12, "version": c["version"]}),
            400, "invalid", "members")
    check(get(prov, p["id"]) == c, "a PUT without members changed the group")

    one = [{"role": "组长", "name": "新组长%s" % tag()[:4], "position": "会长", "unit": "协会"}]
    d = expect_json(admin().put(lpath(p["id"]), {"members": one, "party_org": True, "party_members": 30,
                                                 "version": c["version"]}), 200, "replace by one")
    check(d["members"] == one and d["party_members"] == 30, "after replacing: %r" % d)
    e = expect_json(prov.put(lpath(p["id"]), {"members": [], "party_org": False, "version": d["version"]}),
                    200, "no members, no party organisation")
    check(e["members"] == [] and e["party_org"] is False and e["version"] == d["version"] + 1,
          "after emptying: %r" % e)
    check(e["party_members"] in (None, 0),
          "party_members %r without a party organisation" % e["party_members"])
    check(get(prov, p["id"]) == e, "GET differs")


def test_leadership_validation():
    prov = login("province")
    p = create_point(prov)
    b = get(prov, p["id"])
    ms = members()
    v = b["version"]
    refused(prov.put(lpath(p["id"]), {"members": ms, "party_members": 3, "version": v}),
            400, "invalid", "party_org")
    refused(prov.put(lpath(p["id"]), {"members": ms, "party_org": None, "party_members": 3, "version": v}),
            400, "invalid", "party_org")
    refused(prov.put(lpath(p["id"]), {"members": ms, "party_org": True, "version": v}),
            400, "invalid", "party_members")
    refused(prov.put(lpath(p["id"]), {"members": ms, "party_org": True, "party_members": None,
                                      "version": v}), 400, "invalid", "party_members")
    refused(prov.put(lpath(p["id"]), {"members": ms, "party_org": True, "party_members": -1,
                                      "version": v}), 400, "invalid", "party_members")
    bad = members()
    bad[1]["role"] = "主任"
    err = refused(prov.put(lpath(p["id"]), {"members": bad, "party_org": False, "version": v}),
                  400, "invalid", "members[1].role")
    check("组长" in err["message"], "the role message %r does not say what is allowed" % err["message"])
    bad = members()
    bad[2]["name"] = ""
    refused(prov.put(lpath(p["id"]), {"members": bad, "party_org": False, "version": v}),
            400, "invalid", "members[2].name")
    bad = members()
    del bad[0]["role"]
    refused(prov.put(lpath(p["id"]), {"members": bad, "party_org": False, "version": v}),
            400, "invalid", "members[0].role")
    refused(prov.put(lpath(p["id"]), {"members": members(), "party_org": True, "party_members": 5}),
            400, "invalid", "version")
    # PUT replaces the whole group: leaving members out must not empty it.
    refused(prov.put(lpath(p["id"]), {"party_org": True, "party_members": 5, "version": v}),
            400, "invalid", "members")
    refused(prov.put(lpath(p["id"]), {"members": "组长张三", "party_org": False, "version": v}),
            400, "bad_request")
    refused(prov.put(lpath(p["id"]), {"members": ["张三"], "party_org": False, "version": v}),
            400, "bad_request")
    refused(prov.put(lpath(p["id"]), {"members": [], "party_org": "是", "version": v}), 400, "bad_request")
    refused(prov.put(lpath(p["id"]), {"members": [], "party_org": True, "party_members": "12",
                                      "version": v}), 400, "bad_request")
    refused(prov.put(lpath(p["id"]), {"members": [dict(ms[0], name=7)], "party_org": False,
                                      "version": v}), 400, "bad_request")
    check(get(prov, p["id"]) == b, "refused PUTs changed the leadership")


def test_leadership_blank_member_name():
    prov = login("province")
    p = create_point(prov)
    b = get(prov, p["id"])
    bad = members()
    bad[3]["name"] = "   "
    refused(prov.put(lpath(p["id"]), {"members": bad, "party_org": False, "version": b["version"]}),
            400, "invalid", "members[3].name")
    check(get(prov, p["id"]) == b, "a member with a blank name was stored")


def test_leadership_stale_version():
    prov = login("province")
    p = create_point(prov)
    b = get(prov, p["id"])
    first = expect_json(prov.put(lpath(p["id"]), {"members": members(), "party_org": True,
                                                  "party_members": 8, "version": b["version"]}), 200)
    refused(admin().put(lpath(p["id"]), {"members": [], "party_org": False, "version": b["version"]}),
            409, "conflict")
    check(get(prov, p["id"]) == first, "the stale PUT changed the leadership")


def test_leadership_scope():
    prov = login("province")
    jid, qid = point_id(prov, JIANDE), point_id(prov, QINGYUAN)
    jd = login("jiande")
    b = get(jd, jid)
    ms = members()[:2]
    c = expect_json(jd.put(lpath(jid), {"members": ms, "party_org": True, "party_members": 21,
                                       "version": b["version"]}), 200, "建德 keeps its own leadership")
    check(c["members"] == ms and c["party_members"] == 21, "建德's PUT: %r" % c)
    check(get(prov, jid) == c, "the province reads another leadership")

    qb = get(prov, qid)
    assert_error(jd.get(lpath(qid)), 404, "not_found")
    refused(jd.put(lpath(qid), {"members": [], "party_org": False, "version": qb["version"]}),
            404, "not_found")

    hz = login("hangzhou")
    check(get(hz, jid) == c, "杭州市 reads 建德's leadership differently")
    refused(hz.put(lpath(jid), {"members": [], "party_org": False, "version": c["version"]}),
            403, "forbidden")
    assert_error(hz.get(lpath(qid)), 404, "not_found")
    ls = city_user(admin(), "331100")
    check(get(ls, qid) == qb, "丽水市 reads 庆元's leadership")
    refused(ls.put(lpath(qid), {"members": [], "party_org": False, "version": qb["version"]}),
            403, "forbidden")

    p = create_point(prov)
    pu = point_user(admin(), p["id"])
    pb = get(pu, p["id"])
    expect_json(pu.put(lpath(p["id"]), {"members": ms, "party_org": False, "version": pb["version"]}),
                200, "a point account of a new point")
    assert_error(pu.get(lpath(jid)), 404, "not_found")

    ed = login("editor")
    assert_error(ed.get(lpath(jid)), 403, "forbidden")
    refused(ed.put(lpath(jid), {"members": [], "party_org": False, "version": c["version"]}),
            403, "forbidden")
    assert_error(Client().get(lpath(jid)), 401, "unauthenticated")
    check(get(prov, jid) == c and get(prov, qid) == qb, "refused PUTs changed a leadership")
