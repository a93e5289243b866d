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


def test_magazine_type_filter_and_point_name():
    a = accounts()
    ed, jd = a["editor"], a["jiande"]
    wi = decide(a["province"], at_province(a["hangzhou"], jd), "pass", options={"magazine": True})
    qa = submit(jd, create(jd, "quarterly_analysis"))
    own = submit(a["hangzhou"], create(a["hangzhou"]))          # a city's own item: no point
    own = decide(a["province"], own, "pass", options={"magazine": True})
    check(wi["magazine"] == qa["magazine"] == own["magazine"] == "pending",
          "not all pending: %r %r %r" % (wi["magazine"], qa["magazine"], own["magazine"]))

    def page(t=None):
        q = "/api/magazine?per_page=200" + ("&type=" + t if t is not None else "")
        return expect_json(ed.get(q), 200, "magazine type=%s" % t)

    every, wis, qas = page(), page("warning_info"), page("quarterly_analysis")
    check({s["type"] for s in wis["items"]} == {"warning_info"}, "type=warning_info lists %r"
          % sorted({s["type"] for s in wis["items"]}))
    check({s["type"] for s in qas["items"]} == {"quarterly_analysis"}, "type=quarterly_analysis lists %r"
          % sorted({s["type"] for s in qas["items"]}))
    check(wis["total"] + qas["total"] == every["total"],
          "%d + %d pending by type, %d in all" % (wis["total"], qas["total"], every["total"]))
    ids = lambda b: [s["id"] for s in b["items"]]
    check(wi["id"] in ids(wis) and own["id"] in ids(wis) and qa["id"] not in ids(wis),
          "type=warning_info: %r" % ids(wis)[:10])
    check(qa["id"] in ids(qas) and wi["id"] not in ids(qas), "type=quarterly_analysis: %r" % ids(qas)[:10])
    check(page("")["total"] == every["total"], "an empty type filters")
    check(page("subsite_post")["total"] == 0, "subsite posts in the magazine")
    refused(ed.get("/api/magazine?type=bogus"), 400, "invalid", "type")

    # The editor reads no point records; the rows and the item name the unit.
    jname = expect_json(a["province"].get("/api/points/%d" % a["points"]["jiande"]), 200, "point")["name"]
    rows = {s["id"]: s for s in every["items"]}
    check(rows[wi["id"]]["point_name"] == jname and rows[qa["id"]]["point_name"] == jname,
          "point_name %r %r, want %r" % (rows[wi["id"]]["point_name"], rows[qa["id"]]["point_name"], jname))
    check(rows[own["id"]]["point_name"] is None, "a city's item has point_name %r" % rows[own["id"]]["point_name"])
    check(get(ed, qa["id"])["point_name"] == jname, "GET names point %r" % get(ed, qa["id"])["point_name"])
    refused(ed.get("/api/points/%d" % a["points"]["jiande"]), 403, "forbidden")
