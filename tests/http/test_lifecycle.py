"""The lifecycle as a domain layer: one event row per transition with the
right from/to state and publication, a transition made by the system from
the command line (as a job would) with all its effects, the one clock at a
year boundary, the visibility check in C against its SQL filter, and the
version checks of the yes/no decisions."""

import re

from client import check, db, db_value, expect_json
from pointlib import refused
from statslib import verify_equal, yujing
from sublib import accounts, create, decide, decide_req, path, submit, withdraw, wi_fields


def events(sid):
    """The event rows of a submission, oldest first, as dicts."""
    cols = ["kind", "actor_id", "actor_role", "from_state", "to_state", "from_level",
            "to_level", "publication"]
    rows = db("SELECT %s FROM events WHERE submission_id = %d ORDER BY id" % (", ".join(cols), sid))
    return [{k: (None if v == "NULL" else v) for k, v in zip(cols, r)} for r in rows]


def check_event(ev, kind, frm, to, frm_level=None, to_level=None, publication=None, what=""):
    got = (ev["kind"], ev["from_state"], ev["to_state"], ev["from_level"], ev["to_level"],
           ev["publication"])
    want = (kind, frm, to, frm_level, to_level, publication)
    check(got == want, "%s: event %r, expected %r" % (what or kind, got, want))


def test_each_transition_writes_one_event():
    a = accounts()
    jd, hz, prov = a["jiande"], a["hangzhou"], a["province"]
    sub = create(jd)
    sid = sub["id"]
    evs = events(sid)
    check(len(evs) == 1, "create: %d events" % len(evs))
    check_event(evs[0], "create", None, "draft")
    check(evs[0]["actor_role"] == "point" and evs[0]["actor_id"] not in (None, "0"),
          "create by %r" % evs[0])

    sub = expect_json(jd.patch(path(sid), {"version": sub["version"],
                                           "fields": wi_fields(title="改过的标题")}), 200, "patch")
    sub = submit(jd, sub)
    sub = withdraw(jd, sub)
    sub = submit(jd, sub, "submit again")
    sub = decide(hz, sub, "pass")
    sub = decide(prov, sub, "pass", options={"work_exchange": True})
    sub = decide(prov, sub, "revert")
    sub = decide(prov, sub, "return", opinion="请补充来源")
    evs = events(sid)
    check(len(evs) == 9, "9 transitions, %d events: %r" % (len(evs), [e["kind"] for e in evs]))
    check_event(evs[1], "update", None, None)
    check_event(evs[2], "submit", "draft", "submitted", None, "city")
    check_event(evs[3], "withdraw", "submitted", "draft", "city", None)
    check_event(evs[4], "submit", "draft", "submitted", None, "city", what="resubmit")
    check_event(evs[5], "decide", "submitted", "submitted", "city", "province", what="city pass")
    check_event(evs[6], "decide", "submitted", "approved", "province", None, "published",
                what="province pass with work_exchange")
    check_event(evs[7], "revert", "approved", "submitted", None, "province", "unpublished")
    check_event(evs[8], "decide", "submitted", "returned", "province", None, what="return")
    check([e["actor_role"] for e in evs[5:]] == ["city", "province", "province", "province"],
          "reviewers %r" % [e["actor_role"] for e in evs[5:]])

    # A refusal writes none.
    n = len(evs)
    refused(decide_req(prov, sub, "pass"), 409, "conflict", "state")
    check(len(events(sid)) == n, "a refused decision wrote an event")


def test_pass_without_work_exchange_publishes_nothing():
    a = accounts()
    sub = submit(a["jiande"], create(a["jiande"]))
    sub = decide(a["hangzhou"], sub, "pass")
    sub = decide(a["province"], sub, "pass", options={"magazine": True})
    ev = events(sub["id"])[-1]
    check_event(ev, "decide", "submitted", "approved", "province", None, None)
    sub = decide(a["province"], sub, "revert")
    check_event(events(sub["id"])[-1], "revert", "approved", "submitted", None, "province", None,
                what="revert of an unpublished pass")


def test_yes_no_decisions_check_the_version():
    a = accounts()
    prov, ed = a["province"], a["editor"]
    sub = submit(a["jiande"], create(a["jiande"]))
    sub = decide(a["hangzhou"], sub, "pass")
    sub = decide(prov, sub, "pass", options={"internal_exchange": True})
    sid = sub["id"]
    refused(prov.post(path(sid, "/adoption"), {"adopt": True, "version": sub["version"] - 1}),
            409, "conflict", "version")
    refused(prov.post(path(sid, "/adoption"), {"adopt": True, "version": "x"}),
            400, "bad_request", "version")
    got = expect_json(prov.post(path(sid, "/adoption"), {"adopt": True, "version": sub["version"]}),
                      200, "adopt at the version read")
    check(got["adopted"] is True and got["version"] == sub["version"] + 1, "adopted %r" % got)
    check_event(events(sid)[-1], "adoption", None, None)
    refused(prov.post(path(sid, "/leader-instructions"),
                      {"leader": "王厅长", "text": "阅。", "version": sub["version"]}),
            409, "conflict", "version")
    expect_json(prov.post(path(sid, "/leader-instructions"),
                          {"leader": "王厅长", "text": "阅。", "version": got["version"]}),
                201, "instruction at the version read")
    check_event(events(sid)[-1], "leader_instruction", None, None)

    mag = submit(a["jiande"], create(a["jiande"]))
    mag = decide(a["hangzhou"], mag, "pass")
    mag = decide(prov, mag, "pass", options={"magazine": True})
    refused(ed.post(path(mag["id"], "/magazine"), {"accept": True, "version": mag["version"] + 5}),
            409, "conflict", "version")
    got = expect_json(ed.post(path(mag["id"], "/magazine"), {"accept": True}), 200, "accept")
    check(got["magazine"] == "accepted", "magazine %r" % got["magazine"])
    check_event(events(mag["id"])[-1], "magazine", None, None)


CLI_OK = re.compile(r"^submission (\d+): ok: state (\w+), level ([\w-]+), version (\d+)$", re.M)


def test_system_actor_from_the_command_line():
    """A job's path: submit and decide by the system in a unit's stead, with
    the clock set across a year boundary; the effects are those of HTTP."""
    a = accounts()
    ls_point = a["points"]["ls_point"]
    lsp = a["ls_point"]
    late, early = create(lsp), create(lsp)

    rc, out = yujing("submission", "submit", "--id", str(late["id"]), "--as", "point",
                     "--point", str(ls_point), "--now", "2020-12-31 23:59:59")
    check(rc == 0 and CLI_OK.search(out), "cli submit exited %d: %s" % (rc, out))
    rc, out = yujing("submission", "submit", "--id", str(early["id"]), "--as", "point",
                     "--point", str(ls_point), "--now", "2021-01-01 00:00:00")
    check(rc == 0, "cli submit exited %d: %s" % (rc, out))
    years = db("SELECT id, year, first_submitted_at FROM submissions WHERE id IN (%d, %d) "
               "ORDER BY id" % (late["id"], early["id"]))
    check(years == [[str(late["id"]), "2020", "2020-12-31 23:59:59"],
                    [str(early["id"]), "2021", "2021-01-01 00:00:00"]],
          "year from the one clock: %r" % years)

    sid = late["id"]
    # Not the unit that holds it: refused, nothing written.
    n = len(events(sid))
    rc, out = yujing("submission", "decide", "--id", str(sid), "--as", "province",
                     "--decision", "pass")
    check(rc == 1 and "forbidden" in out and "该信息当前不在您的审核环节" in out,
          "province at city level: %d %s" % (rc, out))
    check(len(events(sid)) == n, "a refused transition wrote an event")

    rc, out = yujing("submission", "decide", "--id", str(sid), "--as", "city",
                     "--city", "331100", "--decision", "pass", "--now", "2021-01-02 09:00:00")
    m = CLI_OK.search(out)
    check(rc == 0 and m and m.group(2) == "submitted" and m.group(3) == "province",
          "city pass exited %d: %s" % (rc, out))
    rc, out = yujing("submission", "decide", "--id", str(sid), "--as", "province",
                     "--decision", "pass", "--work-exchange", "--now", "2021-01-03 10:00:00")
    m = CLI_OK.search(out)
    check(rc == 0 and m and m.group(2) == "approved", "province pass exited %d: %s" % (rc, out))

    # Its effects: state, decision rows, the unit's message, audit, events,
    # statistics — as over HTTP, with the clock's time.
    got = expect_json(lsp.get(path(sid)), 200, "the point reads it")
    check(got["state"] == "approved" and got["options"]["work_exchange"] is True,
          "state %r options %r" % (got["state"], got["options"]))
    check(got["decided_at"] == "2021-01-03T10:00:00+08:00", "decided_at %r" % got["decided_at"])
    check([(r["level"], r["decision"], r["reviewer_role"]) for r in got["rounds"]] ==
          [("city", "pass", "city"), ("province", "pass", "province")], "rounds %r" % got["rounds"])
    check(db_value("SELECT COUNT(*) FROM decisions WHERE submission_id = %d AND reviewer_id = 0"
                   % sid) == "2", "the system's decisions carry reviewer 0")
    msgs = db("SELECT title, created_at FROM messages WHERE submission_id = %d AND point_id = %d "
              "ORDER BY id" % (sid, ls_point))
    check([m[1] for m in msgs] == ["2021-01-02 09:00:00", "2021-01-03 10:00:00"] and
          msgs[-1][0].endswith("已审核通过"), "messages %r" % msgs)
    audit = db("SELECT username, action FROM audit_log WHERE object_type = 'submission' "
               "AND object_id = %d ORDER BY id" % sid)
    check(audit[1:] == [["(system)", "submission.submit"], ["(system)", "submission.decide"],
                        ["(system)", "submission.decide"]], "audit %r" % audit)
    evs = events(sid)
    check([e["kind"] for e in evs] == ["create", "submit", "decide", "decide"],
          "events %r" % [e["kind"] for e in evs])
    check(all(e["actor_id"] is None and e["actor_role"] is None for e in evs[1:]),
          "system events name no user: %r" % evs[1:])
    check_event(evs[-1], "decide", "submitted", "approved", "province", None, "published")
    check(db_value("SELECT at FROM events WHERE submission_id = %d ORDER BY id DESC LIMIT 1" % sid)
          .startswith("2021-01-03 10:00:00"), "event time is the clock's")
    check(db_value("SELECT COUNT(*) FROM stat_records WHERE submission_id = %d AND year = 2020 "
                   "AND metric = 'work_exchange'" % sid) == "1", "counted in 2020's 外网录用")
    verify_equal("after the command-line transitions")

    # Bad arguments: usage, nothing done.
    rc, out = yujing("submission", "decide", "--id", str(early["id"]), "--as", "nobody",
                     "--decision", "pass")
    check(rc == 2, "unknown role exited %d" % rc)
    rc, out = yujing("submission", "submit", "--id", str(early["id"]), "--as", "point",
                     "--point", str(ls_point), "--now", "2021-02-30 00:00:00")
    check(rc == 2 and "YYYY-MM-DD" in out, "bad --now exited %d: %s" % (rc, out))


VIS = re.compile(r"^visibility: lc_visible and LC_VISIBLE_SQL compared on (\d+) submissions "
                 r"for (\d+) actors: (\d+) differences$", re.M)


def test_visibility_in_c_equals_its_sql_filter():
    a = accounts()
    # Items in every state, of a point, a city and the province.
    submit(a["jiande"], create(a["jiande"]))
    create(a["hangzhou"])
    create(a["province"], type="notice",
           fields={"title": "通知", "content": "内容", "audience": {"all": True}})
    sub = submit(a["jiande"], create(a["jiande"]))
    decide(a["hangzhou"], sub, "reject", opinion="不予通过")
    states = {r[0] for r in db("SELECT DISTINCT state FROM submissions")}
    check(states >= {"draft", "submitted", "approved", "returned", "rejected"},
          "states present %r" % states)
    rc, out = yujing("lifecycle", "check-visibility")
    m = VIS.search(out)
    check(rc == 0 and m and m.group(3) == "0", "check-visibility exited %d: %s" % (rc, out[-3000:]))
    check(int(m.group(1)) == int(db_value("SELECT COUNT(*) FROM submissions")) and
          int(m.group(2)) >= 6, "compared %s submissions for %s actors" % (m.group(1), m.group(2)))
