"""Reminders in the message centre (kind reminder), from "yujing reminders
run --at": a reviewer's item waiting longer than review_remind_days (3)
reminds the city at city level and each province account at province
level; as 20 January nears (remind_before_days, 7) every formal point gets
one reminder per quarterly analysis and annual summary of last year it has
not submitted.  Each once: a second run, or two runs at once, add nothing."""

import random
import re
import subprocess
import os

from client import check, db, db_value, expect_json, run_dir
from statslib import yujing
from sublib import accounts, create, qa_fields, submit, wi_fields

COUNTS = re.compile(r"^reminders: (\d+) quarterly analysis, (\d+) annual summary, (\d+) review$",
                    re.M)


def _run(at):
    rc, out = yujing("reminders", "run", "--at", at)
    m = COUNTS.search(out)
    check(rc == 0 and m, "reminders run --at %s: %d %s" % (at, rc, out))
    return tuple(int(x) for x in m.groups())


def _reminders(c, needle):
    """Titles of the caller's reminders whose title holds needle."""
    body = expect_json(c.get("/api/messages?per_page=200"), 200, "messages")
    return sorted(m["title"] for m in body["items"] if m["kind"] == "reminder" and needle in m["title"])


def _year():
    used = {r[0] for r in db("SELECT DISTINCT year FROM submissions WHERE year IS NOT NULL")}
    return random.choice([y for y in range(2001, 2016) if str(y) not in used])


def test_reminders_of_waiting_items_and_deadlines_once():
    a = accounts()
    jd, hzp, lsp = a["jiande"], a["hz_point"], a["ls_point"]
    hz, prov, prov2, ls = a["hangzhou"], a["province"], a["province2"], a["lishui"]
    y = _year()
    nxt = y + 1

    # A warning waiting at 杭州 since 1 January of next year.
    w = create(jd, fields=wi_fields(title="提醒测试 等待审核的预警 %d" % y))
    rc, out = yujing("submission", "submit", "--id", str(w["id"]), "--as", "point", "--point",
                     str(a["points"]["jiande"]), "--now", "%d-01-01 09:00:00" % nxt)
    check(rc == 0, "submit: %s" % out)
    needle = "提醒测试 等待审核的预警 %d" % y

    _run("%d-01-04 08:59" % nxt)          # under three days: nothing for it
    check(_reminders(hz, needle) == [], "杭州 reminded before three days")
    _run("%d-01-04 09:01" % nxt)
    want = ["《%s》等待审核已超过3天" % needle]
    check(_reminders(hz, needle) == want, "杭州's reminders: %r" % _reminders(hz, needle))
    for who in ("province", "province2", "lishui", "jiande"):
        check(_reminders(a[who], needle) == [], "%s reminded of 杭州's item" % who)
    msg = db("SELECT city, point_id, user_id, submission_id FROM messages WHERE kind = 'reminder' "
             "AND title LIKE '%%%s%%'" % needle)
    check(msg == [["330100", "NULL", "NULL", str(w["id"])]], "the city's message row %r" % msg)

    # The city passes it: now it waits at the province, which is reminded
    # three days later, each province account once; 杭州 not again.
    rc, out = yujing("submission", "decide", "--id", str(w["id"]), "--as", "city", "--city",
                     "330100", "--decision", "pass", "--now", "%d-01-05 10:00:00" % nxt)
    check(rc == 0, "city pass: %s" % out)
    _run("%d-01-08 09:59" % nxt)
    check(_reminders(prov, needle) == [], "the province reminded within three days")
    _run("%d-01-08 10:01" % nxt)
    for who in ("province", "province2"):
        check(_reminders(a[who], needle) == want, "%s: %r" % (who, _reminders(a[who], needle)))
    check(_reminders(hz, needle) == want, "杭州 reminded again: %r" % _reminders(hz, needle))
    enabled = int(db_value("SELECT COUNT(*) FROM users WHERE role = 'province' AND disabled = 0 "
                           "AND deleted_at IS NULL"))
    rows = int(db_value("SELECT COUNT(*) FROM messages WHERE kind = 'reminder' AND title LIKE "
                        "'%%%s%%' AND user_id IS NOT NULL" % needle))
    check(rows == enabled, "%d province reminders for %d enabled province accounts" % (rows, enabled))

    # Deadlines: jiande has submitted quarters 1 and 2 and its annual
    # summary of year y, the other 杭州 point quarter 3, 庆元 nothing.
    for q in (1, 2):
        submit(jd, create(jd, "quarterly_analysis", qa_fields(year=y, quarter=q)))
    submit(jd, create(jd, "annual_summary", {"year": y, "title": "%d年度工作总结" % y,
                                             "content": "全年工作总结。"}))
    submit(hzp, create(hzp, "quarterly_analysis", qa_fields(year=y, quarter=3)))
    year_needle = "%d年" % y

    check(_run("%d-01-13 23:59" % nxt)[:2] == (0, 0), "deadline reminders 8 days before")
    formal = int(db_value("SELECT COUNT(*) FROM points WHERE status = '正式'"))
    # Two runs at once: one waits for the other and then finds every key.
    binary = open(os.path.join(run_dir(), "yujing.bin")).read().strip()
    conf = os.path.join(run_dir(), "yujing.conf")
    procs = [subprocess.Popen([binary, "reminders", "run", "--at", "%d-01-14 09:00" % nxt, "-c", conf],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
    outs = [p.communicate(timeout=300)[0].decode() for p in procs]
    counts = [tuple(int(x) for x in COUNTS.search(o).groups()) for o in outs]
    qa = sum(c[0] for c in counts)
    an = sum(c[1] for c in counts)
    # Formal points x 4 quarters, less the 3 quarters submitted; formal points
    # less jiande's annual summary (every other point submitted nothing for y).
    check((qa, an) == (formal * 4 - 3, formal - 1) and min(c[0] for c in counts) == 0,
          "two runs at once sent %r (formal points %d)" % (counts, formal))
    day = "请于%d年1月20日前提交" % nxt
    check(_reminders(jd, year_needle) == sorted([day + "%d年第3季度形势分析" % y,
                                                 day + "%d年第4季度形势分析" % y]),
          "jiande's: %r" % _reminders(jd, year_needle))
    check(_reminders(hzp, year_needle) == sorted([day + "%d年第%d季度形势分析" % (y, q) for q in (1, 2, 4)]
                                                 + [day + "%d年度工作总结" % y]),
          "the other 杭州 point's: %r" % _reminders(hzp, year_needle))
    check(_reminders(lsp, year_needle) == sorted([day + "%d年第%d季度形势分析" % (y, q) for q in (1, 2, 3, 4)]
                                                 + [day + "%d年度工作总结" % y]),
          "庆元's: %r" % _reminders(lsp, year_needle))
    for who in ("hangzhou", "lishui", "province"):
        check(_reminders(a[who], year_needle) == [], "%s got a point's deadline reminder" % who)

    # Again, later in the window, and after the deadline: nothing new.
    check(_run("%d-01-14 09:00" % nxt) == (0, 0, 0), "a second run added reminders")
    check(_run("%d-01-20 23:59" % nxt)[:2] == (0, 0), "a later run in the window added reminders")
    check(_run("%d-01-21 00:00" % nxt)[:2] == (0, 0), "a run after the deadline")
    keys = int(db_value("SELECT COUNT(*) FROM reminders WHERE reminder_key LIKE 'quarterly:%d:%%' "
                        "OR reminder_key LIKE 'annual:%d:%%'" % (y, y)))
    msgs = int(db_value("SELECT COUNT(*) FROM messages WHERE kind = 'reminder' AND title LIKE "
                        "'%%%d年第%%' OR (kind = 'reminder' AND title LIKE '%%%d年度工作总结')" % (y, y)))
    check(keys == msgs == formal * 5 - 4, "%d keys, %d messages" % (keys, msgs))


def test_reminders_bad_time_is_refused():
    rc, out = yujing("reminders", "run", "--at", "2020-13-01 09:00")
    check(rc == 2 and "YYYY-MM-DD HH:MM" in out, "bad --at: %d %s" % (rc, out))
    rc, out = yujing("reminders", "run", "--at")
    check(rc == 2, "missing --at value: %d %s" % (rc, out))


def test_reminders_periodic_run_in_the_server():
    """The server's own thread: it ran at start (the last run is recorded),
    and once the last run is an interval old it runs again by itself, at
    the real clock: an item waiting four days reminds its city, once."""
    import time
    a = accounts()
    jd, hz = a["jiande"], a["hangzhou"]
    check(db_value("SELECT last_run_at FROM reminder_runs") != "NULL",
          "the server has not run the reminders since it started")
    w = submit(jd, create(jd, fields=wi_fields(title="提醒测试 服务器定时提醒")))
    db("UPDATE submissions SET submitted_at = submitted_at - INTERVAL 4 DAY, "
       "first_submitted_at = first_submitted_at - INTERVAL 4 DAY WHERE id = %d" % w["id"])
    db("UPDATE reminder_runs SET last_run_at = last_run_at - INTERVAL 2 HOUR")
    before = db_value("SELECT last_run_at FROM reminder_runs")
    deadline = time.time() + 120
    got = []
    while time.time() < deadline:
        got = [m for m in expect_json(hz.get("/api/messages?per_page=200"), 200)["items"]
               if m["kind"] == "reminder" and m["submission_id"] == w["id"]]
        if got and db_value("SELECT last_run_at FROM reminder_runs") != before:
            break
        time.sleep(2)
    check(len(got) == 1 and got[0]["title"].endswith("等待审核已超过3天"),
          "the periodic run's reminders for the waiting item: %r" % got)
    check(db_value("SELECT last_run_at FROM reminder_runs") > before, "the run was not recorded")
    time.sleep(1)
    check(int(db_value("SELECT COUNT(*) FROM messages WHERE kind = 'reminder' AND submission_id = %d"
                       % w["id"])) == 1, "the item was reminded more than once")
