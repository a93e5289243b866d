"""《浙江商务》 magazine: what reaches the editor's list, 录用 / 不录用 once,
who may decide, and the submitter's message."""

from client import check, expect_json
from pointlib import check_time, refused
from sublib import accounts, at_province, create, decide, get, messages_of, path, submit


def mag_ids(c, state=None):
    q = "/api/magazine?per_page=200" + ("&state=%s" % state if state else "")
    body = expect_json(c.get(q), 200, "magazine list %s" % state)
    return [m["id"] for m in body["items"]]


def test_magazine_warning_info_accept_once():
    a = accounts()
    ed = a["editor"]
    sub = at_province(a["hangzhou"], a["jiande"])
    done = decide(a["province"], sub, "pass", options={"magazine": True})
    sid = done["id"]
    check(done["magazine"] == "pending", "magazine %r" % done["magazine"])
    check(sid in mag_ids(ed), "the item is not in the editor's default (pending) list")
    check(sid in mag_ids(ed, "pending"), "not in ?state=pending")
    check(sid not in mag_ids(ed, "accepted"), "already in ?state=accepted")

    refused(a["province"].post(path(sid, "/magazine"), {"accept": True}), 403, "forbidden")
    refused(a["jiande"].post(path(sid, "/magazine"), {"accept": True}), 403, "forbidden")
    refused(a["province"].get("/api/magazine"), 403, "forbidden")
    check(get(ed, sid)["magazine"] == "pending", "refused decisions changed the item")

    resp = ed.post(path(sid, "/magazine"), {"accept": True})
    got = expect_json(resp, 200, "accept")
    check(got["magazine"] == "accepted", "magazine %r after accept" % got["magazine"])
    check_time(got.get("accepted_at"), "accepted_at", resp)
    check(sid in mag_ids(ed, "accepted"), "not in ?state=accepted")
    check(sid not in mag_ids(ed, "pending"), "still pending")
    refused(ed.post(path(sid, "/magazine"), {"accept": False}), 409, "conflict")
    refused(ed.post(path(sid, "/magazine"), {"accept": True}), 409, "conflict")
    check(get(ed, sid)["magazine"] == "accepted", "a second decision changed the item")

    msgs = messages_of(a["jiande"], sid)
    check(any("录用" in (m.get("title") or "") for m in msgs),
          "the submitter has no magazine message: %r" % msgs)


def test_magazine_quarterly_on_submit_declined():
    a = accounts()
    ed = a["editor"]
    qa = submit(a["jiande"], create(a["jiande"], "quarterly_analysis"))
    sid = qa["id"]
    check(qa["state"] == "approved" and qa["magazine"] == "pending",
          "quarterly on submit: %s %r" % (qa["state"], qa["magazine"]))
    check(sid in mag_ids(ed), "the quarterly analysis is not pending at the editor")
    got = expect_json(ed.post(path(sid, "/magazine"), {"accept": False}), 200, "decline")
    check(got["magazine"] == "declined" and got["accepted_at"] is None,
          "declined: %r %r" % (got["magazine"], got["accepted_at"]))
    check(sid in mag_ids(ed, "declined") and sid not in mag_ids(ed, "pending"),
          "declined item in the wrong list")
    refused(ed.post(path(sid, "/magazine"), {"accept": True}), 409, "conflict")
    check(messages_of(a["jiande"], sid), "the submitter has no message")
    refused(ed.get("/api/magazine?state=bogus"), 400, "invalid", "state")


def test_magazine_not_sent_is_404_for_editor():
    a = accounts()
    sub = at_province(a["hangzhou"], a["jiande"])
    done = decide(a["province"], sub, "pass")
    check(done["magazine"] is None, "magazine %r without the option" % done["magazine"])
    refused(a["editor"].post(path(done["id"], "/magazine"), {"accept": True}), 404, "not_found")
    check(done["id"] not in mag_ids(a["editor"]), "listed without the option")
    refused(a["editor"].post(path(999999999, "/magazine"), {"accept": True}), 404, "not_found")
