"""Message centre (消息中心): every review decision notifies the submitting
unit; messages are read by that unit only."""

from client import check, db_value, expect, expect_json
from pointlib import refused
from sublib import accounts, create, decide, drafted_and_submitted, messages_of, submit


def _read(c, mid):
    return c.post("/api/messages/%d/read" % mid)


def test_message_for_every_decision():
    a = accounts()
    jd, hz, prov = a["jiande"], a["hangzhou"], a["province"]
    sub = drafted_and_submitted(jd)
    title = sub["fields"]["title"]
    check(messages_of(jd, sub["id"]) == [], "a message before any decision")

    steps = []
    cur = decide(hz, sub, "pass")
    steps.append("city pass")
    cur = decide(prov, cur, "return", opinion="请补充出口数据")
    steps.append("province return")
    cur = decide(hz, submit(jd, cur), "pass")
    steps.append("city pass (round 2)")
    cur = decide(prov, cur, "pass", options={"work_exchange": True})
    steps.append("province pass")
    cur = decide(prov, cur, "revert", opinion="重新审核")
    steps.append("province revert")
    cur = decide(prov, cur, "reject", opinion="非原创，不予通过")
    steps.append("province reject")

    msgs = messages_of(jd, sub["id"])
    check(len(msgs) == len(steps), "%d messages for %d decisions (%s): %r"
          % (len(msgs), len(steps), ", ".join(steps), [m["title"] for m in msgs]))
    for m in msgs:
        check(title in m["title"], "message %r does not name the item" % m["title"])
        check(m["read_at"] is None and m["created_at"], "message %r" % m)
        check(isinstance(m["id"], int), "message id %r" % m["id"])
    check([m["id"] for m in msgs] == sorted((m["id"] for m in msgs), reverse=True),
          "messages are not newest first")
    check(int(db_value("SELECT COUNT(*) FROM messages WHERE submission_id = %d" % sub["id"]))
          == len(steps), "the messages table holds another count")
    # the same point's other account sees them; other units do not
    for who in ("hz_point", "ls_point", "hangzhou", "lishui", "province", "editor"):
        check(messages_of(a[who], sub["id"]) == [], "%s sees the point's messages" % who)


def test_message_read_by_its_unit_only():
    a = accounts()
    jd, hz = a["jiande"], a["hangzhou"]
    sub = drafted_and_submitted(jd)
    decide(hz, sub, "return", opinion="标题请写明国别")
    m = messages_of(jd, sub["id"])
    check(len(m) == 1, "%d messages after one decision" % len(m))
    mid = m[0]["id"]

    for who in ("hz_point", "ls_point", "hangzhou", "lishui", "province", "editor", "admin"):
        refused(_read(a[who], mid), 404, "not_found")
    refused(_read(jd, 999999999), 404, "not_found")
    refused(jd.post("/api/messages/%d/read" % mid, csrf=False), 403, "forbidden")
    check(db_value("SELECT read_at FROM messages WHERE id = %d" % mid) == "NULL",
          "a refused read marked the message read")

    unread = expect_json(jd.get("/api/messages?unread=true&per_page=200"), 200)
    check(mid in [x["id"] for x in unread["items"]] or unread["total"] > 200,
          "?unread=true misses the new message")
    expect(_read(jd, mid), 204, "read")
    after = messages_of(jd, sub["id"])[0]
    check(after["read_at"] is not None, "read_at is still null after reading")
    expect(_read(jd, mid), 204, "read twice")
    check(messages_of(jd, sub["id"])[0]["read_at"] == after["read_at"],
          "reading again moved read_at")
    unread = expect_json(jd.get("/api/messages?unread=true&per_page=200"), 200)
    check(mid not in [x["id"] for x in unread["items"]], "?unread=true lists a read message")
    read = expect_json(jd.get("/api/messages?unread=false&per_page=200"), 200)
    check(mid in [x["id"] for x in read["items"]], "?unread=false misses the read message")
    for x in unread["items"]:
        check(x["read_at"] is None, "?unread=true lists %r" % x)


def test_message_city_own_item_reaches_the_city():
    a = accounts()
    hz, prov = a["hangzhou"], a["province"]
    sub = submit(hz, create(hz))
    decide(prov, sub, "return", opinion="请注明信息来源")
    msgs = messages_of(hz, sub["id"])
    check(len(msgs) == 1, "杭州市 has %d messages about its own item" % len(msgs))
    for who in ("lishui", "jiande", "province"):
        check(messages_of(a[who], sub["id"]) == [], "%s sees 杭州市's message" % who)
        refused(_read(a[who], msgs[0]["id"]), 404, "not_found")
    expect(_read(hz, msgs[0]["id"]), 204, "the city reads its message")
