"""Two people acting on the same item at once (real parallel requests):
one wins, the other gets 409 conflict, and nothing is applied twice."""

from client import assert_error, check, db_value, login
from pointlib import race
from sublib import (accounts, at_province, audit_rows, decide_req, decision_rows,
                    drafted_and_submitted, get, messages_of, path)

ROUNDS = 5


def _one_winner(results, what):
    codes = sorted(r.status for r in results)
    check(codes == [200, 409], "%s: statuses %r, want one 200 and one 409\n%s"
          % (what, codes, "\n".join(str(r) for r in results)))
    loser = next(r for r in results if r.status == 409)
    assert_error(loser, 409, "conflict")
    return results.index(next(r for r in results if r.status == 200))


def _messages(sid):
    return int(db_value("SELECT COUNT(*) FROM messages WHERE submission_id = %d" % sid))


def test_review_concurrency_two_province_reviewers():
    a = accounts()
    jd, hz = a["jiande"], a["hangzhou"]
    reviewers = [a["province"], a["province2"]]
    for i in range(ROUNDS):
        sub = at_province(hz, jd)
        sid = sub["id"]
        rows, audits, msgs = decision_rows(sid), audit_rows(sid), _messages(sid)
        order = [("pass", None), ("return", "请补充数据")]
        if i % 2:
            order.reverse()

        def act(k, c):
            decision, opinion = order[k]
            return decide_req(c, sub, decision, opinion=opinion,
                              options={"magazine": True} if decision == "pass" else None)

        results = race(reviewers, act)
        won = _one_winner(results, "round %d" % (i + 1))
        decision = order[won][0]
        want_state = "approved" if decision == "pass" else "returned"
        now = get(jd, sid)
        check(now["state"] == want_state, "round %d: %s won but the item is %r"
              % (i + 1, decision, now["state"]))
        check(now["version"] == sub["version"] + 1, "round %d: version %d, want %d (one write)"
              % (i + 1, now["version"], sub["version"] + 1))
        check(now["magazine"] == ("pending" if decision == "pass" else None),
              "round %d: magazine %r after %s" % (i + 1, now["magazine"], decision))
        check(decision_rows(sid) == rows + 1, "round %d: %d decision rows added, want 1"
              % (i + 1, decision_rows(sid) - rows))
        check(now["rounds"][-1]["decision"] == decision, "round %d: last decision %r, winner %s"
              % (i + 1, now["rounds"][-1]["decision"], decision))
        check(audit_rows(sid) == audits + 1, "round %d: %d audit rows added"
              % (i + 1, audit_rows(sid) - audits))
        check(_messages(sid) == msgs + 1, "round %d: %d messages added"
              % (i + 1, _messages(sid) - msgs))


def _pass_vs_withdraw(a, reviewer, sub, after_pass):
    jd = a["jiande"]
    sid = sub["id"]
    rows, audits = decision_rows(sid), audit_rows(sid)

    def act(k, c):
        if k == 0:
            return decide_req(c, sub, "pass")
        return c.post(path(sid, "/withdraw"), {"version": sub["version"]})

    results = race([reviewer, jd], act)
    won = _one_winner(results, "pass vs withdraw")
    now = get(jd, sid)
    if won == 0:
        check((now["state"], now["review_level"]) == after_pass,
              "the pass won but the item is %s at %r" % (now["state"], now["review_level"]))
        check(now["rounds"][-1]["decision"] == "pass", "last decision %r"
              % now["rounds"][-1]["decision"])
    else:
        check(now["state"] == "draft" and now["review_level"] is None,
              "the withdraw won but the item is %s at %r" % (now["state"], now["review_level"]))
        last = now["rounds"][-1] if now["rounds"] else {}
        check(last.get("decision") == "withdraw",
              "the withdraw won but the last recorded step is %r" % last)
    check(now["version"] == sub["version"] + 1, "version %d, want %d (one write)"
          % (now["version"], sub["version"] + 1))
    check(decision_rows(sid) == rows + 1, "%d decision rows added, want 1"
          % (decision_rows(sid) - rows))
    check(audit_rows(sid) == audits + 1, "%d audit rows added" % (audit_rows(sid) - audits))
    return won


def test_review_concurrency_pass_vs_withdraw_at_city():
    a = accounts()
    wins = []
    for _ in range(ROUNDS):
        sub = drafted_and_submitted(a["jiande"])
        wins.append(_pass_vs_withdraw(a, a["hangzhou"], sub, ("submitted", "province")))
    check(len(wins) == ROUNDS, "not every round ran")


def test_review_concurrency_pass_vs_withdraw_at_province():
    a = accounts()
    for _ in range(ROUNDS):
        sub = at_province(a["hangzhou"], a["jiande"])
        won = _pass_vs_withdraw(a, a["province"], sub, ("approved", None))
        if won == 0:
            msgs = messages_of(a["jiande"], sub["id"])
            check(len(msgs) == 2, "%d messages after two passes" % len(msgs))


def test_review_concurrency_same_decision_twice():
    """The same reviewer's double click: the pass is applied once."""
    a = accounts()
    for _ in range(ROUNDS):
        sub = drafted_and_submitted(a["jiande"])
        results = race([a["hangzhou"], login("hangzhou")],
                       lambda k, c: decide_req(c, sub, "pass"))
        _one_winner(results, "double pass")
        now = get(a["jiande"], sub["id"])
        check((now["state"], now["review_level"]) == ("submitted", "province"),
              "after a double pass the item is %s at %r" % (now["state"], now["review_level"]))
        check(decision_rows(sub["id"]) == 1, "%d decision rows after a double pass"
              % decision_rows(sub["id"]))
