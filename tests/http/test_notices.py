"""下发信息: a province notice reaches exactly its audience's points."""

from client import check, create_user, db, expect_json, login
from pointlib import QINGYUAN, point_id, refused, tag
from sublib import accounts, create, get, messages_of, submit


def notice(prov, audience):
    sub = create(prov, "notice", {"title": "关于做好应对工作的通知 " + tag(),
                                  "content": "请各预警点及时报送相关信息。", "audience": audience})
    done = submit(prov, sub)
    check(done["state"] == "approved", "notice after submit: %r" % done["state"])
    return done


def notified_points(sid):
    return sorted(int(r[0]) for r in db("SELECT point_id FROM messages WHERE kind = 'notice' "
                                        "AND submission_id = %d" % sid))


def test_notice_to_a_city():
    a = accounts()
    prov = a["province"]
    done = notice(prov, {"city": "331100"})
    want = sorted(int(r[0]) for r in db("SELECT id FROM points WHERE city = '331100' "
                                        "AND status <> '撤销'"))
    check(want, "丽水 has no points in the demo data")
    check(notified_points(done["id"]) == want, "notified %r, want %r"
          % (notified_points(done["id"]), want))

    ls = a["ls_point"]
    msgs = messages_of(ls, done["id"])
    check(len(msgs) == 1 and msgs[0].get("kind") == "notice", "丽水 point messages %r" % msgs)
    got = get(ls, done["id"])
    check(got["fields"]["content"] == "请各预警点及时报送相关信息。", "notice read %r" % got)
    refused(a["jiande"].get("/api/submissions/%d" % done["id"]), 404, "not_found")
    check(messages_of(a["jiande"], done["id"]) == [], "jiande got the 丽水 notice")


def test_notice_to_chosen_points():
    a = accounts()
    qid = a["points"]["ls_point"]
    done = notice(a["province"], {"points": [qid]})
    check(notified_points(done["id"]) == [qid], "notified %r" % notified_points(done["id"]))
    check(messages_of(a["ls_point"], done["id"]), "庆元 has no message")
    get(a["ls_point"], done["id"])
    refused(a["hz_point"].get("/api/submissions/%d" % done["id"]), 404, "not_found")
    refused(a["jiande"].get("/api/submissions/%d" % done["id"]), 404, "not_found")


def test_notice_skips_withdrawn_points():
    a = accounts()
    gone = db("SELECT id FROM points WHERE status = '撤销' LIMIT 1")
    if not gone:
        return
    gid = int(gone[0][0])
    done = notice(a["province"], {"points": [gid, a["points"]["ls_point"]]})
    check(notified_points(done["id"]) == [a["points"]["ls_point"]],
          "notified %r" % notified_points(done["id"]))
