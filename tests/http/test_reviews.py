"""Review (审核): the city-then-province chain of a point's warning info,
the queues, who may decide at which level, the pass options, return and
resubmit rounds, reject, and the province's revert."""

from client import check, expect_json, login
from pointlib import check_traced, refused
from sublib import (accounts, at_province, audit_rows, decide, decide_req, decision_rows, get,
                    drafted_and_submitted, path, queue_ids, submit, unchanged, wi_fields)

NO_OPTIONS = {"magazine": False, "work_exchange": False, "internal_exchange": False}


def test_review_chain_city_then_province_with_options():
    a = accounts()
    jd, hz, ls, prov = a["jiande"], a["hangzhou"], a["lishui"], a["province"]
    sub = drafted_and_submitted(jd)
    sid = sub["id"]

    check(sid in queue_ids(hz), "杭州市 does not find the item in its queue")
    check(sid not in queue_ids(ls), "丽水市 finds 杭州's item in its queue")
    check(sid not in queue_ids(prov), "the province queue holds an item still at city level")
    check(sid in queue_ids(hz, type="warning_info") and sid not in
          queue_ids(hz, type="quarterly_analysis"), "?type= does not filter the queue")
    refused(a["jiande"].get("/api/reviews/queue"), 403, "forbidden")

    # only the point's own city decides at city level
    resp = decide_req(ls, sub, "pass")
    check(resp.status in (403, 404), "丽水市 deciding 杭州's item: %s" % resp)
    refused(resp, resp.status, "forbidden" if resp.status == 403 else "not_found")
    refused(decide_req(prov, sub, "pass"), 403, "forbidden")
    refused(decide_req(jd, sub, "pass"), 403, "forbidden")
    refused(decide_req(a["hz_point"], sub, "pass"), 403, "forbidden")
    refused(decide_req(hz, sub, "approve"), 400, "invalid", "decision")
    refused(decide_req(hz, sub, "pass", version=sub["version"] - 1), 409, "conflict")
    refused(decide_req(hz, sub, "revert"), 409, "conflict")
    # options belong to the province's pass
    refused(decide_req(hz, sub, "pass", options={"magazine": True}), 400, "invalid", "options")
    unchanged(jd, sub, "refused city decisions")
    check(decision_rows(sid) == 0, "refused decisions left decision rows")

    mid = decide(hz, sub, "pass", opinion="内容属实，同意上报")
    check(mid["state"] == "submitted" and mid["review_level"] == "province",
          "after the city's pass: %s at %r" % (mid["state"], mid["review_level"]))
    check(mid["decided_at"] is None, "decided_at %r before the last level" % mid["decided_at"])
    check(sid not in queue_ids(hz), "the city queue still holds the passed item")
    check(sid in queue_ids(prov), "the province queue lacks the item")
    refused(decide_req(hz, mid, "pass"), 403, "forbidden")
    refused(decide_req(hz, mid, "return", opinion="再看看"), 403, "forbidden")

    refused(decide_req(prov, mid, "pass", options={"internal_exchange": True, "magazine": True}),
            400, "invalid", "options")
    refused(decide_req(prov, mid, "pass", options={"internal_exchange": True,
                                                   "work_exchange": True}),
            400, "invalid", "options")
    refused(decide_req(prov, mid, "return", options={"magazine": True}, opinion="退回"),
            400, "invalid", "options")
    refused(decide_req(prov, mid, "pass", options={"magazine": "yes"}), 400, "bad_request")
    unchanged(jd, mid, "refused province decisions")

    done = decide(prov, mid, "pass", options={"magazine": True, "work_exchange": True})
    check(done["state"] == "approved" and done["review_level"] is None,
          "after the province's pass: %s at %r" % (done["state"], done["review_level"]))
    check(done["options"] == {"magazine": True, "work_exchange": True,
                              "internal_exchange": False}, "options %r" % done["options"])
    check(done["magazine"] == "pending", "magazine %r, want pending" % done["magazine"])
    check(done["decided_at"] is not None, "decided_at is not set")
    check(sid not in queue_ids(prov), "the approved item stays in the province queue")
    check(get(a["editor"], sid)["magazine"] == "pending", "the editor cannot read the item")

    rounds = get(jd, sid)["rounds"]
    check([(r["round"], r["level"], r["decision"], r["reviewer_role"]) for r in rounds] ==
          [(1, "city", "pass", "city"), (1, "province", "pass", "province")],
          "the submitter sees rounds %r" % rounds)
    check(rounds[0]["opinion"] == "内容属实，同意上报" and rounds[1]["opinion"] is None,
          "opinions %r" % [r["opinion"] for r in rounds])
    check(rounds[1]["options"]["magazine"] and rounds[1]["options"]["work_exchange"],
          "the province's round lacks its options: %r" % rounds[1])
    check(all(r["at"] for r in rounds), "a round has no time")
    check(decision_rows(sid) == 2, "%d decision rows, want 2" % decision_rows(sid))
    check(audit_rows(sid) == 4, "create, submit, 2 decisions left %d audit rows" % audit_rows(sid))
    refused(decide_req(prov, done, "pass"), 409, "conflict")


def test_review_internal_exchange_alone():
    a = accounts()
    sub = at_province(a["hangzhou"], a["jiande"])
    done = decide(a["province"], sub, "pass", options={"internal_exchange": True},
                  opinion="内容较有深度，但存在保密信息，推荐内部交流")
    check(done["state"] == "approved" and done["options"] == {
        "magazine": False, "work_exchange": False, "internal_exchange": True},
        "internal exchange pass: %s %r" % (done["state"], done["options"]))
    check(done["magazine"] is None, "an internal-exchange item went to the magazine")
    ix = expect_json(a["province"].get("/api/internal-exchange?per_page=200"), 200)
    check(sub["id"] in [i["id"] for i in ix["items"]] or ix["total"] > 200,
          "the item is not in the internal-exchange list")


def test_review_return_needs_opinion_then_resubmit_opens_round_2():
    a = accounts()
    jd, hz, prov = a["jiande"], a["hangzhou"], a["province"]
    sub = drafted_and_submitted(jd)
    for decision in ("return", "reject"):
        refused(decide_req(hz, sub, decision), 400, "invalid", "opinion")
        refused(decide_req(hz, sub, decision, opinion=""), 400, "invalid", "opinion")
        refused(decide_req(hz, sub, decision, opinion=" \u3000 "), 400, "invalid", "opinion")
    unchanged(jd, sub, "decisions without an opinion")

    ret = decide(hz, sub, "return", opinion="请补充 HS 编码和信息来源")
    check(ret["state"] == "returned" and ret["review_level"] is None,
          "returned item is %s at %r" % (ret["state"], ret["review_level"]))
    check(sub["id"] not in queue_ids(hz), "a returned item stays in the city queue")
    seen = get(jd, sub["id"])
    check([(r["round"], r["decision"], r["reviewer_role"], r["opinion"]) for r in seen["rounds"]]
          == [(1, "return", "city", "请补充 HS 编码和信息来源")],
          "the submitter sees rounds %r" % seen["rounds"])
    refused(decide_req(hz, ret, "pass"), 409, "conflict")

    # the submitter edits and resubmits: round 2 at the city again
    fields = wi_fields(hs_codes=["2903"], source_url="https://www.trade.gov/")
    resp = jd.patch(path(sub["id"]), {"fields": fields, "version": ret["version"]})
    edited = expect_json(resp, 200, "edit the returned item")
    check_traced(resp, history=False)
    check(edited["state"] == "returned" and edited["fields"] == fields, "edit: %r" % edited)
    again = submit(jd, edited, "resubmit")
    check(again["state"] == "submitted" and again["review_level"] == "city",
          "resubmitted: %s at %r" % (again["state"], again["review_level"]))
    check(again.get("round") == 2, "the resubmission is round %r, want 2" % again.get("round"))
    check(sub["id"] in queue_ids(hz), "the resubmitted item is not in the city queue")

    mid = decide(hz, again, "pass")
    ret2 = decide(prov, mid, "return", opinion="内容具有典型性，请补充数据后再报")
    again2 = submit(jd, ret2, "resubmit 2")
    check(again2["review_level"] == "city", "round 3 starts at %r, want city"
          % again2["review_level"])
    mid = decide(hz, again2, "pass")
    done = decide(prov, mid, "pass", options={"magazine": True})
    check(done["state"] == "approved", "finally %r" % done["state"])
    got = [(r["round"], r["level"], r["decision"], r["reviewer_role"], r["opinion"])
           for r in get(jd, sub["id"])["rounds"]]
    want = [(1, "city", "return", "city", "请补充 HS 编码和信息来源"),
            (2, "city", "pass", "city", None),
            (2, "province", "return", "province", "内容具有典型性，请补充数据后再报"),
            (3, "city", "pass", "city", None),
            (3, "province", "pass", "province", None)]
    check(got == want, "the decision history is\n%r\nwant\n%r" % (got, want))
    check(decision_rows(sub["id"]) == 5, "%d decision rows" % decision_rows(sub["id"]))


def test_review_reject_is_final():
    a = accounts()
    jd, prov = a["jiande"], a["province"]
    sub = at_province(a["hangzhou"], jd)
    rej = decide(prov, sub, "reject", opinion="非原创，不予通过")
    check(rej["state"] == "rejected" and rej["review_level"] is None and rej["decided_at"],
          "rejected item: %r" % rej)
    before = decision_rows(sub["id"])
    for decision, opinion in (("pass", None), ("return", "再改"), ("reject", "重复")):
        refused(decide_req(prov, rej, decision, opinion=opinion), 409, "conflict")
    refused(decide_req(a["province2"], rej, "pass"), 409, "conflict")
    refused(jd.post(path(sub["id"], "/submit"), {"version": rej["version"]}), 409, "conflict")
    refused(jd.post(path(sub["id"], "/withdraw"), {"version": rej["version"]}), 409, "conflict")
    refused(jd.patch(path(sub["id"]), {"fields": wi_fields(), "version": rej["version"]}),
            409, "conflict")
    unchanged(jd, rej, "actions on a rejected item")
    check(decision_rows(sub["id"]) == before, "refused actions added decision rows")
    r = get(jd, sub["id"])["rounds"][-1]
    check((r["decision"], r["reviewer_role"], r["opinion"]) == ("reject", "province",
                                                                "非原创，不予通过"),
          "last round %r" % r)


def test_review_revert_by_province():
    a = accounts()
    jd, hz, prov = a["jiande"], a["hangzhou"], a["province"]
    sub = at_province(hz, jd)
    refused(decide_req(prov, sub, "revert"), 409, "conflict")      # nothing decided yet
    done = decide(prov, sub, "pass", options={"magazine": True, "work_exchange": True})
    check(done["magazine"] == "pending", "magazine %r" % done["magazine"])

    resp = decide_req(hz, done, "revert")
    check(resp.status in (403, 409), "a city reverting the province: %s" % resp)
    refused(resp, resp.status, "forbidden" if resp.status == 403 else "conflict")
    refused(decide_req(jd, done, "revert"), 403, "forbidden")
    refused(decide_req(prov, done, "revert", version=done["version"] - 1), 409, "conflict")
    unchanged(jd, done, "refused reverts")

    rev = decide(a["province2"], done, "revert", opinion="误选推荐到杂志，重新审核")
    check(rev["state"] == "submitted" and rev["review_level"] == "province",
          "reverted item is %s at %r" % (rev["state"], rev["review_level"]))
    check(rev["options"] == NO_OPTIONS and rev["magazine"] is None,
          "the revert keeps options %r magazine %r" % (rev["options"], rev["magazine"]))
    check(rev["decided_at"] is None, "decided_at %r after a revert" % rev["decided_at"])
    check(sub["id"] in queue_ids(prov), "the reverted item is not back in the province queue")
    mag = expect_json(a["editor"].get("/api/magazine?state=pending&per_page=200"), 200)
    check(sub["id"] not in [m["id"] for m in mag["items"]],
          "the reverted item stays in the magazine's pending list")
    refused(decide_req(prov, rev, "revert"), 409, "conflict")     # a revert is not reverted

    final = decide(prov, rev, "return", opinion="请核实数据来源")
    check(final["state"] == "returned", "after the new decision: %r" % final["state"])
    got = [(r["level"], r["decision"], r["reviewer_role"], r["opinion"])
           for r in get(jd, sub["id"])["rounds"]]
    want = [("city", "pass", "city", None), ("province", "pass", "province", None),
            ("province", "revert", "province", "误选推荐到杂志，重新审核"),
            ("province", "return", "province", "请核实数据来源")]
    check(got == want, "the decision history is\n%r\nwant\n%r" % (got, want))
    # the province may also revert a return of its own
    rev2 = decide(prov, final, "revert", opinion="撤销退回")
    check(rev2["state"] == "submitted" and rev2["review_level"] == "province",
          "revert of a return: %s at %r" % (rev2["state"], rev2["review_level"]))
    check(audit_rows(sub["id"]) == 7, "%d audit rows, want 7" % audit_rows(sub["id"]))


def test_review_city_decision_cannot_be_reverted():
    a = accounts()
    jd, hz, prov = a["jiande"], a["hangzhou"], a["province"]
    sub = drafted_and_submitted(jd)
    ret = decide(hz, sub, "return", opinion="标题不规范")
    refused(decide_req(prov, ret, "revert"), 409, "conflict")
    unchanged(jd, ret, "revert of a city decision")


def test_review_stale_decision_is_a_conflict():
    """A reviewer acting on what they read a moment ago, after someone else
    moved the item on: 409 conflict (refresh), never 403 or 404."""
    a = accounts()
    jd, hz = a["jiande"], a["hangzhou"]
    # another city session passed it to the province in between
    sub = drafted_and_submitted(jd)
    seen = get(hz, sub["id"])
    moved = decide(login("hangzhou"), seen, "pass")
    refused(decide_req(hz, seen, "pass"), 409, "conflict")
    unchanged(jd, moved, "a stale second pass")
    # the submitter withdrew it in between
    sub = drafted_and_submitted(jd)
    seen = get(hz, sub["id"])
    back = expect_json(jd.post(path(sub["id"], "/withdraw"), {"version": sub["version"]}), 200)
    refused(decide_req(hz, seen, "pass"), 409, "conflict")
    unchanged(jd, back, "a pass of a withdrawn item")
    check(decision_rows(sub["id"]) == 1, "the stale pass left a decision row")
