"""批量审核: one decision for several items, answered per id."""

from client import check, expect_json
from pointlib import refused
from sublib import accounts, decision_rows, drafted_and_submitted, get


def test_bulk_pass_three_and_a_missing_id():
    a = accounts()
    jd, hz = a["jiande"], a["hangzhou"]
    subs = [drafted_and_submitted(jd) for _ in range(3)]
    ids = [s["id"] for s in subs]
    rows = {i: decision_rows(i) for i in ids}
    body = expect_json(hz.post("/api/decisions/bulk", {"ids": ids + [999999999],
                                                       "decision": "pass"}), 200, "bulk")
    check(body["succeeded"] == 3 and body["failed"] == 1 and body["total"] == 4,
          "bulk counts %r" % {k: body.get(k) for k in ("succeeded", "failed", "total")})
    st = {it["id"]: it["status"] for it in body["items"]}
    check(st == {ids[0]: 200, ids[1]: 200, ids[2]: 200, 999999999: 404}, "per id %r" % st)
    for it in body["items"]:
        if it["status"] == 200:
            check(it["submission"]["review_level"] == "province", "answer %r" % it)
        else:
            check(it["error"]["code"] == "not_found", "error %r" % it)
    for i in ids:
        now = get(jd, i)
        check(now["state"] == "submitted" and now["review_level"] == "province",
              "%d is %s at %r" % (i, now["state"], now["review_level"]))
        check(decision_rows(i) == rows[i] + 1, "%d has %d decision rows" % (i, decision_rows(i)))


def test_bulk_return_without_opinion_changes_nothing():
    a = accounts()
    jd, hz = a["jiande"], a["hangzhou"]
    subs = [drafted_and_submitted(jd) for _ in range(2)]
    ids = [s["id"] for s in subs]
    body = expect_json(hz.post("/api/decisions/bulk", {"ids": ids, "decision": "return"}),
                       200, "bulk return")
    check(body["succeeded"] == 0 and body["failed"] == 2, "counts %r" % body)
    for it in body["items"]:
        check(it["status"] == 400 and it["error"]["field"] == "opinion", "item %r" % it)
    for s in subs:
        now = get(jd, s["id"])
        check((now["state"], now["review_level"], now["version"]) ==
              ("submitted", "city", s["version"]), "changed: %r" % now)
        check(decision_rows(s["id"]) == 0, "decision rows left")


def test_bulk_bad_ids():
    a = accounts()
    hz = a["hangzhou"]
    resp = hz.post("/api/decisions/bulk", {"ids": [], "decision": "pass"})
    check(resp.status == 400, "empty ids: %s" % resp)
    check(resp.error()["field"] == "ids", "field %r" % resp.error())
    refused(hz.post("/api/decisions/bulk", {"ids": list(range(1, 202)), "decision": "pass"}),
            400, "invalid", "ids")
    resp = hz.post("/api/decisions/bulk", {"ids": ["1"], "decision": "pass"})
    check(resp.status == 400, "string id: %s" % resp)
    refused(a["jiande"].post("/api/decisions/bulk", {"ids": [1], "decision": "pass"}),
            403, "forbidden")
