"""重要信息内部交流: the province's list, 采纳, 厅领导批示 and the filters."""

from datetime import timedelta

from client import check, expect_json, JIANDE_POINT
from pointlib import check_time, now_beijing, refused
from sublib import accounts, at_province, decide, path, wi_fields


def ix(c, **params):
    q = "&".join("%s=%s" % kv for kv in params.items())
    body = expect_json(c.get("/api/internal-exchange?per_page=200" + ("&" + q if q else "")),
                       200, "internal exchange %r" % params)
    return {i["id"]: i for i in body["items"]}


def approved_internal(a):
    fields = wi_fields(country="JP", industry="TEXTILE")
    sub = at_province(a["hangzhou"], a["jiande"], fields)
    done = decide(a["province"], sub, "pass", options={"internal_exchange": True})
    return done, fields


def test_internal_exchange_adopt_and_instructions():
    a = accounts()
    prov = a["province"]
    done, fields = approved_internal(a)
    sid = done["id"]
    items = ix(prov, adopted="none")
    check(sid in items, "not listed with ?adopted=none")
    it = items[sid]
    check(it["title"] == fields["title"], "title %r" % it["title"])
    check(it["country"] == "JP" and it["industry"] == "TEXTILE",
          "country/industry %r %r" % (it["country"], it["industry"]))
    check(it["unit"] == JIANDE_POINT, "unit %r" % it["unit"])
    check_time(it["submitted_at"], "submitted_at")
    check(it["adopted"] is None and it["leader_instructions"] == 0, "fresh item %r" % it)

    li = {"leader": "王厅长", "text": "请相关处室研究提出应对措施。"}
    refused(prov.post(path(sid, "/leader-instructions"), li), 409, "conflict")

    got = expect_json(prov.post(path(sid, "/adoption"), {"adopt": True}), 200, "adopt")
    check(got.get("adopted") is True, "adopted %r" % got.get("adopted"))
    check(sid in ix(prov, adopted="true"), "not in ?adopted=true")
    check(sid not in ix(prov, adopted="none"), "still in ?adopted=none")
    check(sid not in ix(prov, adopted="false"), "in ?adopted=false")

    resp = prov.post(path(sid, "/leader-instructions"), li)
    body = expect_json(resp, 201, "leader instruction")
    check(body["submission_id"] == sid and body["total"] == 1, "instruction answer %r" % body)
    check([(x["leader"], x["text"]) for x in body["items"]] == [(li["leader"], li["text"])],
          "instructions %r" % body["items"])
    check_time(body["items"][0]["at"], "instruction at")
    check(ix(prov, adopted="true")[sid]["leader_instructions"] == 1, "count not 1")
    refused(prov.post(path(sid, "/leader-instructions"), {"leader": "", "text": "x"}),
            400, "invalid", "leader")
    for who in ("hangzhou", "jiande", "editor"):
        refused(a[who].get("/api/internal-exchange"), 403, "forbidden")
        refused(a[who].post(path(sid, "/adoption"), {"adopt": False}), 403, "forbidden")
        refused(a[who].post(path(sid, "/leader-instructions"), li), 403, "forbidden")


def test_internal_exchange_not_internal_is_409():
    a = accounts()
    sub = at_province(a["hangzhou"], a["jiande"])
    done = decide(a["province"], sub, "pass")
    refused(a["province"].post(path(done["id"], "/adoption"), {"adopt": True}), 409, "conflict")
    check(done["id"] not in ix(a["province"]), "a plain pass is in the internal list")


def test_internal_exchange_date_filters():
    a = accounts()
    prov = a["province"]
    done, _ = approved_internal(a)
    sid = done["id"]
    today = now_beijing().date()
    check(sid in ix(prov, **{"from": today.isoformat(), "to": today.isoformat()}),
          "today's item not within from=to=today")
    check(sid in ix(prov, **{"from": today.isoformat()}), "not within from=today")
    past = (today - timedelta(days=30)).isoformat(), (today - timedelta(days=10)).isoformat()
    check(sid not in ix(prov, **{"from": past[0], "to": past[1]}), "listed in a past range")
    check(sid not in ix(prov, to=past[1]), "listed with to in the past")
    refused(prov.get("/api/internal-exchange?from=2019-1-1"), 400, "invalid", "from")
    refused(prov.get("/api/internal-exchange?to=20190101"), 400, "invalid", "to")
    refused(prov.get("/api/internal-exchange?adopted=maybe"), 400, "invalid", "adopted")


def test_internal_exchange_bad_date_of_ten_chars():
    prov = accounts()["province"]
    refused(prov.get("/api/internal-exchange?from=not-a-date"), 400, "invalid", "from")
    refused(prov.get("/api/internal-exchange?from=2019-13-45"), 400, "invalid", "from")


def test_internal_exchange_revert_undoes_the_adoption():
    """A revert sends the item back to review: its adoption goes with it, so
    passing it again asks for a new 采纳 before it counts as 内部交流采纳."""
    a = accounts()
    prov = a["province"]
    done, _ = approved_internal(a)
    sid = done["id"]
    got = expect_json(prov.post(path(sid, "/adoption"), {"adopt": True}), 200, "adopt")
    pid = a["points"]["jiande"]
    year = now_beijing().year

    def adopted_ids():
        body = expect_json(prov.get("/api/stats/points/%d/records?year=%d&metric=internal_adopted"
                                    "&per_page=200" % (pid, year)), 200, "drill-down")
        return [i["id"] for i in body["items"]]

    check(sid in adopted_ids(), "adopted item not in the 内部交流采纳 drill-down")
    back = decide(prov, got, "revert")
    check(back["state"] == "submitted" and back.get("adopted") is None,
          "after revert: %s adopted=%r" % (back["state"], back.get("adopted")))
    check(sid not in adopted_ids(), "a reverted item still counts as adopted")
    li = {"leader": "王厅长", "text": "请研究。"}
    refused(prov.post(path(sid, "/leader-instructions"), li), 409, "conflict")
    again = decide(prov, back, "pass", options={"internal_exchange": True})
    check(again.get("adopted") is None, "adoption came back with the new pass: %r" % again.get("adopted"))
    check(sid in ix(prov, adopted="none"), "re-passed item not waiting for 采纳")
    check(sid not in adopted_ids(), "re-passed item counts before a new adoption")
