"""A changed review policy (rules/review.lua) applies to new submissions;
items already under review keep the chain they started with."""

import rulefiles
from client import check, login
from sublib import accounts, decide, drafted_and_submitted, get, queue_ids

OLD = 'point = { "city", "province" },'
NEW = 'point = { "province" },'


def test_review_policy_change_applies_to_new_items_only():
    a = accounts()
    jd, hz, prov = a["jiande"], a["hangzhou"], a["province"]
    adm = login("admin")
    before = drafted_and_submitted(jd)
    check(before["review_level"] == "city", "before the change: %r" % before["review_level"])
    with rulefiles.kept(adm, "review.lua") as original:
        text = original.decode("utf-8")
        check(OLD in text, "the stack's review.lua has no point chain line")
        sha = rulefiles.write("review.lua", text.replace(OLD, NEW, 1))
        rulefiles.wait_status(adm, "review.lua", rulefiles.in_force_with(sha), 10,
                              "the changed review.lua")
        after = drafted_and_submitted(jd)
        check(after["state"] == "submitted" and after["review_level"] == "province",
              "a new item starts at %r" % after["review_level"])
        check(after["id"] in queue_ids(prov) and after["id"] not in queue_ids(hz),
              "queues disagree with the new chain")
        still = get(jd, before["id"])
        check(still["review_level"] == "city", "the old item moved to %r" % still["review_level"])
        mid = decide(hz, still, "pass")
        check(mid["state"] == "submitted" and mid["review_level"] == "province",
              "old item after the city's pass: %s at %r" % (mid["state"], mid["review_level"]))
        done = decide(prov, mid, "pass")
        check(done["state"] == "approved", "old item final %r" % done["state"])
        done2 = decide(prov, after, "pass")
        check(done2["state"] == "approved", "new item final %r" % done2["state"])
    check(rulefiles.read("review.lua") == original, "review.lua not restored")
    again = drafted_and_submitted(jd)
    check(again["review_level"] == "city", "after the restore: %r" % again["review_level"])
