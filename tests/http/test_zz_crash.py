"""Crash consistency: a bounded write load from 8 clients (drafts, submits,
the city's decisions), and in its middle yujing is killed with SIGKILL
(then restarted), or MariaDB is (then started again, yujing left running).
Afterwards every write answered 2xx is there with the state it was answered
with (or the state of a later write whose answer the crash lost), nothing
is half-written, and "yujing stats verify" finds the counters equal."""

import os
import signal
import subprocess
import threading
import time

from client import app_pid, check, db, login, raw_request, run_dir, stack, wait_healthy
from sublib import accounts, path, wi_fields

POINTS, CITIES = 6, 2
ROUNDS = 25          # per point client: create, then submit


class Ledger:
    """Per submission: the last state answered 2xx, and the state of a
    later attempt whose answer was lost (None if there is none)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answered, self.lost = {}, {}
        self.statuses = {}
        self.submitted = []

    def note(self, status):
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def ok(self, sid, state):
        with self.lock:
            self.answered[sid] = state
            self.lost.pop(sid, None)

    def unanswered(self, sid, state):
        with self.lock:
            self.lost[sid] = state


def _point_client(c, ledger, stop):
    for _ in range(ROUNDS):
        if stop.is_set():
            return
        try:
            r = c.post("/api/submissions", {"type": "warning_info", "fields": wi_fields()}, timeout=30)
        except OSError:
            ledger.note("refused")
            time.sleep(0.05)
            continue
        ledger.note(r.status)
        if r.status != 201:
            time.sleep(0.05)
            continue
        sub = r.json
        ledger.ok(sub["id"], "draft")
        try:
            r = c.post(path(sub["id"], "/submit"), {"version": sub["version"]}, timeout=30)
        except OSError:
            ledger.note("refused")
            ledger.unanswered(sub["id"], "submitted")
            continue
        ledger.note(r.status)
        if r.status == 200:
            ledger.ok(sub["id"], "submitted@city")
            with ledger.lock:
                ledger.submitted.append(r.json)
        else:
            ledger.unanswered(sub["id"], "submitted@city")


def _city_client(c, ledger, stop):
    while not stop.is_set():
        with ledger.lock:
            sub = ledger.submitted.pop() if ledger.submitted else None
        if sub is None:
            time.sleep(0.02)
            continue
        try:
            r = c.post(path(sub["id"], "/decisions"), {"decision": "pass", "version": sub["version"]},
                       timeout=30)
        except OSError:
            ledger.note("refused")
            ledger.unanswered(sub["id"], "submitted@province")
            continue
        ledger.note(r.status)
        if r.status == 200:
            ledger.ok(sub["id"], "submitted@province")
        else:
            ledger.unanswered(sub["id"], "submitted@province")


def _load(fault):
    """Runs the load; fault() is called once the first writes are answered."""
    a = accounts()
    ledger, stop = Ledger(), threading.Event()
    points = [login("jiande") for _ in range(POINTS - 1)] + [a["hz_point"]]
    cities = [login("hangzhou") for _ in range(CITIES)]
    threads = [threading.Thread(target=_point_client, args=(c, ledger, stop)) for c in points]
    threads += [threading.Thread(target=_city_client, args=(c, ledger, stop)) for c in cities]
    for t in threads:
        t.start()
    for _ in range(600):
        with ledger.lock:
            if len(ledger.answered) >= 20:
                break
        time.sleep(0.05)
    fault()
    for t in threads[:POINTS]:
        t.join(timeout=600)
    time.sleep(0.5)       # the cities take what is left
    stop.set()
    for t in threads[POINTS:]:
        t.join(timeout=120)
    return ledger


def _check(ledger, what):
    ids = sorted(set(ledger.answered) | set(ledger.lost))
    check(len(ledger.answered) >= 20, "%s: only %d writes answered" % (what, len(ledger.answered)))
    rows = db("SELECT id, state, review_level FROM submissions WHERE id IN (%s)"
              % ",".join(str(i) for i in ids))
    have = {int(r[0]): r[1] if r[1] == "draft" else "%s@%s" % (r[1], r[2]) for r in rows}
    bad = []
    for sid in ids:
        want = ledger.answered.get(sid)
        got = have.get(sid)
        lost = ledger.lost.get(sid)
        if want is None:                     # created, answer lost: absent or a draft
            if got not in (None, "draft", lost):
                bad.append((sid, want, lost, got))
        elif got != want and got != lost:
            bad.append((sid, want, lost, got))
    check(not bad, "%s: states differ from the answers (id, answered, lost, now): %r"
          % (what, bad[:10]))
    # Nothing half-written: a submitted item has its submission time and
    # round; one the city passed has the city's decision; the counters
    # equal a recount.
    idlist = ",".join(str(i) for i in ids)
    half = db("SELECT id FROM submissions WHERE id IN (%s) AND state = 'submitted' "
              "AND (submitted_at IS NULL OR rounds < 1)" % idlist)
    half += db("SELECT s.id FROM submissions s WHERE s.id IN (%s) AND s.review_level = 'province' "
               "AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.submission_id = s.id "
               "AND d.level = 'city' AND d.decision = 'pass')" % idlist)
    check(not half, "%s: half-written items: %r" % (what, half[:10]))
    with open(os.path.join(run_dir(), "yujing.bin")) as f:
        binary = f.read().strip()
    v = subprocess.run([binary, "stats", "verify", "-c", os.path.join(run_dir(), "yujing.conf")],
                       capture_output=True, timeout=300)
    out = v.stdout.decode("utf-8", "replace") + v.stderr.decode("utf-8", "replace")
    check(v.returncode == 0, "%s: yujing stats verify: %s" % (what, out))


def test_sigkill_yujing_under_write_load():
    wait_healthy()
    pid = app_pid()

    def fault():
        os.kill(pid, signal.SIGKILL)
        time.sleep(1.0)
        stack("app-restart")

    ledger = _load(fault)
    wait_healthy()
    check(app_pid() != pid, "yujing was not restarted")
    check(any(k not in (200, 201) for k in ledger.statuses),
          "the kill did not interrupt any request: %r" % ledger.statuses)
    _check(ledger, "after SIGKILL of yujing")


def test_sigkill_mariadb_under_write_load():
    wait_healthy()
    pid = app_pid()
    with open(os.path.join(run_dir(), "mariadb.pid")) as f:
        dbpid = int(f.read().strip())
    seen = {}

    def fault():
        os.kill(dbpid, signal.SIGKILL)
        for _ in range(100):
            try:
                os.kill(dbpid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        r = raw_request("GET", "/api/health", timeout=30)
        seen["health"] = r.status
        time.sleep(1.0)
        stack("db-start")

    ledger = _load(fault)
    check(seen.get("health") == 503, "health while MariaDB was down: %r" % seen)
    check(500 not in ledger.statuses and 502 not in ledger.statuses,
          "answers during the outage: %r (503 expected, never 500 or 502)" % ledger.statuses)
    check(503 in ledger.statuses, "no 503 during the outage: %r" % ledger.statuses)
    wait_healthy()
    check(app_pid() == pid, "yujing was restarted")
    _check(ledger, "after SIGKILL of MariaDB")
