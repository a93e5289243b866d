"""Submissions (上报): drafts, who may see and edit them, submit and
withdraw, and the report types whose flow ends on submit."""

from client import check, expect_json
from pointlib import check_traced, refused
from sublib import (accounts, audit_rows, create, decide_req, get, listed_ids, messages_of,
                    path, qa_fields, queue_ids, submit, unchanged, wi_fields, withdraw)

SUB_KEYS = {"id", "type", "point_id", "city", "state", "review_level", "fields", "options",
            "magazine", "adopted", "submitted_at", "decided_at", "accepted_at", "version",
            "rounds"}


def test_submission_create_draft():
    a = accounts()
    jd = a["jiande"]
    fields = wi_fields(hs_codes=["2903", "29031100"], source_url="https://www.trade.gov/ad-cvd")
    s = create(jd, fields=fields)
    missing = SUB_KEYS - set(s)
    check(not missing, "the submission lacks %s" % sorted(missing))
    check(s["type"] == "warning_info" and s["state"] == "draft", "type/state %r/%r"
          % (s["type"], s["state"]))
    check(s["review_level"] is None, "a draft has review_level %r" % s["review_level"])
    check(s["point_id"] == a["points"]["jiande"], "point_id %r" % s["point_id"])
    check(s["city"] == "330100", "city %r, want 330100 (建德 is in 杭州市)" % s["city"])
    check(s["fields"] == fields, "fields not echoed: %r" % s["fields"])
    check(isinstance(s["version"], int) and not isinstance(s["version"], bool), "version %r"
          % s["version"])
    check(s["rounds"] == [], "a new draft has rounds %r" % s["rounds"])
    check(s["options"] == {"magazine": False, "work_exchange": False, "internal_exchange": False},
          "options %r" % s["options"])
    check(s["magazine"] is None and s["adopted"] is None and s["submitted_at"] is None
          and s["decided_at"] is None, "a draft carries review results: %r" % s)
    check(get(jd, s["id"]) == s, "GET differs from the create answer")
    check(s["id"] in listed_ids(jd, state="draft"), "the draft is not in its owner's list")
    check(audit_rows(s["id"]) == 1, "creating left %d audit rows" % audit_rows(s["id"]))


def test_submission_create_refused():
    a = accounts()
    jd, hz = a["jiande"], a["hangzhou"]
    refused(jd.post("/api/submissions", {"type": "no_such_type", "fields": wi_fields()}),
            400, "invalid", "type")
    refused(jd.post("/api/submissions", {"fields": wi_fields()}), 400, "invalid", "type")
    # quarterly analyses come from points only; nobody but province/city/point reports
    refused(hz.post("/api/submissions", {"type": "quarterly_analysis", "fields": qa_fields()}),
            403, "forbidden")
    for who in ("editor", "admin"):
        refused(a[who].post("/api/submissions", {"type": "warning_info", "fields": wi_fields()}),
                403, "forbidden")
    refused(a["province"].post("/api/submissions", {"type": "warning_info",
                                                    "fields": wi_fields()}), 403, "forbidden")
    for bad, field in (({"country": "XX"}, "country"), ({"industry": "NOPE"}, "industry"),
                       ({"measure_type": "BAN"}, "measure_type"), ({"title": ""}, "title"),
                       ({"phone": "电话"}, "phone"), ({"hs_codes": ["2903", "96A9"]}, "hs_codes[1]")):
        refused(jd.post("/api/submissions", {"type": "warning_info", "fields": wi_fields(**bad)}),
                400, "invalid", field)
    f = wi_fields()
    del f["content"]
    refused(jd.post("/api/submissions", {"type": "warning_info", "fields": f}),
            400, "invalid", "content")
    refused(jd.post("/api/submissions", {"type": "quarterly_analysis",
                                         "fields": qa_fields(quarter=5)}), 400, "invalid",
            "quarter")


def test_submission_draft_visible_only_to_its_unit():
    a = accounts()
    s = create(a["jiande"])
    sid = s["id"]
    for who in ("hz_point", "ls_point", "hangzhou", "lishui", "province", "editor", "admin"):
        refused(a[who].get(path(sid)), 404, "not_found")
        check(sid not in listed_ids(a[who], q=s["fields"]["title"]),
              "%s lists another unit's draft" % who)
    check(get(a["jiande"], sid)["id"] == sid, "the point cannot read its own draft")


def test_submission_patch_draft():
    a = accounts()
    jd = a["jiande"]
    s = create(jd)
    sid = s["id"]
    new = wi_fields(title="修改后的标题 " + s["fields"]["title"][-8:], country="EU")
    resp = jd.patch(path(sid), {"fields": new, "version": s["version"]})
    p = expect_json(resp, 200, "PATCH draft")
    check_traced(resp, history=False)
    check(p["fields"] == new and p["version"] == s["version"] + 1 and p["state"] == "draft",
          "PATCH answer %r" % p)
    # stale version, missing version, bad field: refused and nothing changes
    refused(jd.patch(path(sid), {"fields": wi_fields(), "version": s["version"]}),
            409, "conflict")
    refused(jd.patch(path(sid), {"fields": wi_fields()}), 400, "invalid", "version")
    refused(jd.patch(path(sid), {"fields": wi_fields(country="ZZ"), "version": p["version"]}),
            400, "invalid", "country")
    # another unit cannot even see it
    for who in ("hz_point", "hangzhou", "province"):
        refused(a[who].patch(path(sid), {"fields": wi_fields(), "version": p["version"]}),
                404, "not_found")
    check(get(jd, sid)["fields"] == new, "a refused PATCH changed the draft")

    sub = submit(jd, p)
    refused(jd.patch(path(sid), {"fields": wi_fields(), "version": sub["version"]}),
            409, "conflict")
    # the reviewer of a submitted item may read it but not edit it
    refused(a["hangzhou"].patch(path(sid), {"fields": wi_fields(), "version": sub["version"]}),
            403, "forbidden")
    unchanged(jd, sub, "refused edits of a submitted item")


def test_submission_submit_goes_to_city():
    a = accounts()
    jd = a["jiande"]
    s = create(jd)
    refused(jd.post(path(s["id"], "/submit"), {"version": s["version"] + 7}), 409, "conflict")
    refused(jd.post(path(s["id"], "/submit"), {}), 400, "invalid", "version")
    refused(a["hz_point"].post(path(s["id"], "/submit"), {"version": s["version"]}),
            404, "not_found")
    sub = submit(jd, s)
    check(sub["state"] == "submitted" and sub["review_level"] == "city",
          "a point's warning info submitted is %s at %r" % (sub["state"], sub["review_level"]))
    check(sub["version"] > s["version"], "submit did not bump the version")
    check(sub["submitted_at"] is not None, "submitted_at is not set")
    check(sub["fields"] == s["fields"], "submit changed the fields")
    # submitted items are visible to the city and the province, not to other units
    check(get(a["hangzhou"], s["id"])["state"] == "submitted", "杭州市 cannot read it")
    check(get(a["province"], s["id"])["state"] == "submitted", "the province cannot read it")
    for who in ("hz_point", "ls_point", "lishui"):
        refused(a[who].get(path(s["id"])), 404, "not_found")
    refused(jd.post(path(s["id"], "/submit"), {"version": sub["version"]}), 409, "conflict")
    check(audit_rows(s["id"]) == 2, "create + submit left %d audit rows" % audit_rows(s["id"]))


def test_submission_withdraw_back_to_draft():
    a = accounts()
    jd = a["jiande"]
    sub = submit(jd, create(jd))
    refused(a["hangzhou"].post(path(sub["id"], "/withdraw"), {"version": sub["version"]}),
            403, "forbidden")
    refused(jd.post(path(sub["id"], "/withdraw"), {"version": sub["version"] - 1}),
            409, "conflict")
    w = withdraw(jd, sub)
    check(w["state"] == "draft" and w["review_level"] is None,
          "withdrawn item is %s at %r" % (w["state"], w["review_level"]))
    check(sub["id"] not in queue_ids(a["hangzhou"]), "a withdrawn item stays in the city queue")
    refused(a["hangzhou"].get(path(sub["id"])), 404, "not_found")
    refused(jd.post(path(sub["id"], "/withdraw"), {"version": w["version"]}), 409, "conflict")
    # the draft is editable and can be submitted again
    p = expect_json(jd.patch(path(sub["id"]), {"fields": wi_fields(), "version": w["version"]}),
                    200, "edit after withdraw")
    again = submit(jd, p, "submit again")
    check(again["state"] == "submitted" and again["review_level"] == "city",
          "resubmitted: %s at %r" % (again["state"], again["review_level"]))
    check(audit_rows(sub["id"]) == 5, "create, submit, withdraw, edit, submit left %d audit rows"
          % audit_rows(sub["id"]))


def test_submission_quarterly_analysis_completes_on_submit():
    a = accounts()
    jd = a["jiande"]
    s = create(jd, "quarterly_analysis")
    check(s["state"] == "draft", "state %r" % s["state"])
    done = submit(jd, s)
    check(done["state"] == "approved", "a quarterly analysis is %r after submit" % done["state"])
    check(done["review_level"] is None, "review_level %r" % done["review_level"])
    check(done["magazine"] == "pending", "the policy sends it to the magazine; magazine is %r"
          % done["magazine"])
    check(done["decided_at"] is not None, "decided_at is not set")
    for who in ("hangzhou", "province"):
        check(s["id"] not in queue_ids(a[who]), "%s is asked to review a quarterly analysis" % who)
    mag = expect_json(a["editor"].get("/api/magazine?state=pending&per_page=200"), 200)
    check(s["id"] in [m["id"] for m in mag["items"]] or mag["total"] > 200,
          "the editor does not see the quarterly analysis")
    check(get(a["editor"], s["id"])["magazine"] == "pending", "the editor cannot read it")
    for who, status, code in (("province", 409, "conflict"), ("hangzhou", 409, "conflict")):
        refused(decide_req(a[who], done, "pass"), status, code)
    refused(jd.post(path(s["id"], "/withdraw"), {"version": done["version"]}), 409, "conflict")
    unchanged(jd, done, "refused decisions on a quarterly analysis")


def test_submission_city_own_warning_info_goes_to_province():
    a = accounts()
    hz, prov = a["hangzhou"], a["province"]
    s = create(hz)
    check(s["point_id"] is None and s["city"] == "330100",
          "a city's own item: point_id %r city %r" % (s["point_id"], s["city"]))
    for who in ("lishui", "province", "jiande"):
        refused(a[who].get(path(s["id"])), 404, "not_found")
    sub = submit(hz, s)
    check(sub["state"] == "submitted" and sub["review_level"] == "province",
          "a city's warning info starts at %r (%s), want province" % (sub["review_level"],
                                                                     sub["state"]))
    check(sub["id"] not in queue_ids(hz), "the city is asked to review its own item")
    check(sub["id"] in queue_ids(prov), "the item is not in the province queue")
    refused(decide_req(hz, sub, "pass"), 403, "forbidden")
    resp = decide_req(prov, sub, "pass", options={"work_exchange": True})
    done = expect_json(resp, 200, "province pass")
    check_traced(resp, history=False)
    check(done["state"] == "approved" and done["options"]["work_exchange"] is True,
          "after the province's pass: %s %r" % (done["state"], done["options"]))
    check([r["reviewer_role"] for r in done["rounds"]] == ["province"],
          "rounds %r" % done["rounds"])
    msgs = messages_of(hz, sub["id"])
    check(len(msgs) == 1, "the city has %d messages about its item, want 1" % len(msgs))
    check(messages_of(a["jiande"], sub["id"]) == [], "a point got the city's message")
    check(messages_of(a["lishui"], sub["id"]) == [], "another city got the message")
