"""Helpers for the submission and review tests: accounts of several units,
report bodies, the lifecycle calls, and what a write left behind."""

from datetime import datetime, timedelta, timezone

from client import (admin, assert_error, check, create_user, db_value, expect_json,
                    jiande_point_id, login)
from pointlib import QINGYUAN, all_points, check_traced, point_id, qs, refused, tag

BEIJING = timezone(timedelta(hours=8))

_accounts = {}


def accounts():
    """Logged-in clients of every unit the tests need, made once per run:
    jiande (demo point of 建德, 杭州市), hz_point (a user of another 杭州
    point), ls_point (a user of 庆元, 丽水市), hangzhou, lishui (a new 丽水市
    city user), province, province2 (a second province user), editor, admin.
    The demo accounts log in afresh for every call."""
    if not _accounts:
        adm = admin()
        prov = login("province")
        jid = jiande_point_id()
        other = [p for p in all_points(prov, city="330100") if p["id"] != jid]
        check(other, "the demo data has no second 杭州 point")
        qid = point_id(prov, QINGYUAN)
        made = {}
        for key, role, extra in (("hz_point", "point", {"point_id": other[0]["id"]}),
                                 ("ls_point", "point", {"point_id": qid}),
                                 ("lishui", "city", {"city": "331100"}),
                                 ("province2", "province", {})):
            user, password = create_user(adm, role=role, **extra)
            made[key] = (user["username"], password)
        _accounts.update(made)
        _accounts["_points"] = {"jiande": jid, "hz_point": other[0]["id"], "ls_point": qid}
    out = {name: login(name) for name in ("jiande", "hangzhou", "province", "editor", "admin")}
    for key in ("hz_point", "ls_point", "lishui", "province2"):
        out[key] = login(*_accounts[key])
    out["points"] = dict(_accounts["_points"])
    return out


# ------------------------------------------------------------------ bodies

def wi_fields(**over):
    f = {"title": "美国对华化工产品反倾销调查预警 " + tag(), "country": "US",
         "industry": "CHEMICAL", "measure_type": "AD",
         "content": "美国商务部对原产于中国的某化工产品发起反倾销调查，请相关企业及时应诉。",
         "author": "张三", "phone": "0571-87654321"}
    f.update(over)
    return f


def qa_fields(**over):
    now = datetime.now(BEIJING)
    f = {"year": now.year, "quarter": 1, "title": "一季度化工产品出口形势分析 " + tag(),
         "content": "一季度出口总体平稳，对美出口下降，对东盟出口增长。"}
    f.update(over)
    return f


# ------------------------------------------------------------------- calls

def path(sid, tail=""):
    return "/api/submissions/%d%s" % (sid, tail)


def create(c, type="warning_info", fields=None):
    fields = fields if fields is not None else (qa_fields() if type == "quarterly_analysis"
                                                else wi_fields())
    resp = c.post("/api/submissions", {"type": type, "fields": fields})
    body = expect_json(resp, 201, "create %s" % type)
    check_traced(resp, history=False)
    return body


def get(c, sid):
    return expect_json(c.get(path(sid)), 200, "GET submission %d" % sid)


def submit(c, sub, what="submit"):
    resp = c.post(path(sub["id"], "/submit"), {"version": sub["version"]})
    body = expect_json(resp, 200, what)
    check_traced(resp, history=False)
    return body


def withdraw(c, sub):
    resp = c.post(path(sub["id"], "/withdraw"), {"version": sub["version"]})
    body = expect_json(resp, 200, "withdraw")
    check_traced(resp, history=False)
    return body


def decide_req(c, sub, decision, options=None, opinion=None, version=None):
    body = {"decision": decision, "version": sub["version"] if version is None else version}
    if options is not None:
        body["options"] = options
    if opinion is not None:
        body["opinion"] = opinion
    return c.post(path(sub["id"], "/decisions"), body)


def decide(c, sub, decision, options=None, opinion=None):
    resp = decide_req(c, sub, decision, options, opinion)
    body = expect_json(resp, 200, "decision %s" % decision)
    check_traced(resp, history=False)
    return body


def drafted_and_submitted(submitter, fields=None):
    """A warning_info of submitter, submitted; returns the submission."""
    return submit(submitter, create(submitter, fields=fields))


def at_province(reviewer_city, submitter, fields=None):
    """A point's warning_info passed by its city: waits on the province."""
    sub = drafted_and_submitted(submitter, fields)
    sub = decide(reviewer_city, sub, "pass")
    check(sub["state"] == "submitted" and sub["review_level"] == "province",
          "after the city's pass: %s at %r" % (sub["state"], sub["review_level"]))
    return sub


# ------------------------------------------------------------------ checks

def queue_ids(c, **params):
    body = expect_json(c.get("/api/reviews/queue" + qs(per_page=200, **params)), 200, "queue")
    ids = [s["id"] for s in body["items"]]
    pages = 1
    # A total past list_count_limit is a lower bound (total_exact false):
    # page on while pages come full.
    while (len(ids) < body["total"] or (not body["total_exact"] and len(body["items"]) == 200)) \
            and pages < 100:
        pages += 1
        more = expect_json(c.get("/api/reviews/queue" + qs(page=pages, per_page=200, **params)),
                           200, "queue page %d" % pages)
        ids += [s["id"] for s in more["items"]]
        body = more
    return ids


def decision_rows(sid):
    return int(db_value("SELECT COUNT(*) FROM decisions WHERE submission_id = %d" % sid))


def audit_rows(sid):
    return int(db_value("SELECT COUNT(*) FROM audit_log WHERE object_type = 'submission' "
                        "AND object_id = %d" % sid))


def unchanged(c, sub, what):
    """The submission is as sub says (state, level, version)."""
    now = get(c, sub["id"])
    for k in ("state", "review_level", "version"):
        check(now[k] == sub[k], "%s: %s is %r, was %r" % (what, k, now[k], sub[k]))
    return now


def listed_ids(c, **params):
    body = expect_json(c.get("/api/submissions" + qs(per_page=200, **params)), 200, "list")
    return [s["id"] for s in body["items"]]


def messages_of(c, sid):
    """The caller's messages about submission sid (newest first)."""
    body = expect_json(c.get("/api/messages?per_page=200"), 200, "messages")
    return [m for m in body["items"] if m.get("submission_id") == sid]


__all__ = ["accounts", "wi_fields", "qa_fields", "path", "create", "get", "submit", "withdraw",
           "decide_req", "decide", "drafted_and_submitted", "at_province", "queue_ids",
           "decision_rows", "audit_rows", "unchanged", "listed_ids", "messages_of",
           "assert_error", "refused", "BEIJING"]
