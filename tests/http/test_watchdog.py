"""The watchdog: a worker held in one request past worker_stuck_after
seconds (the test stack sets 2) is reported in the log and in /api/health
while it lasts; the other workers go on serving; the server keeps its pid.

The hang is real: a MariaDB session holds the row lock a point's PATCH
needs, as a query that never returns would hold a worker."""

import subprocess
import threading
import time

import rulefiles as rf
from client import _conf_value, app_pid, check, expect_json, login, raw_request
from pointlib import create_point

HOLD = 7        # seconds the lock is held


def test_a_stuck_request_is_reported_and_the_others_serve():
    pid = app_pid()
    prov = login("province")
    p = create_point(prov)
    path = "/api/points/%d" % p["id"]
    log = rf.LogTail()
    holder = subprocess.Popen(
        ["mariadb", "--no-defaults", "--socket=" + _conf_value("db_socket"), "-u", "root", "yujing",
         "-e", "BEGIN; SELECT id FROM points WHERE id = %d FOR UPDATE; SELECT SLEEP(%d); COMMIT;"
         % (p["id"], HOLD)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        answer = {}

        def patch():
            answer["resp"] = prov.patch(path, {"version": p["version"], "phone": "0571-88880000"})

        t = threading.Thread(target=patch)
        t.start()
        seen = None
        deadline = time.monotonic() + HOLD - 1
        while time.monotonic() < deadline and seen is None:
            body = expect_json(raw_request("GET", "/api/health"), 200, "health while a worker hangs")
            if body.get("workers") == "stuck":
                seen = body
            else:
                time.sleep(0.2)
        check(seen is not None, "health never said a worker is stuck")
        stuck = seen.get("stuck") or []
        check(len(stuck) == 1 and stuck[0]["request"] == "PATCH " + path and stuck[0]["seconds"] >= 2
              and isinstance(stuck[0]["worker"], int), "stuck %r" % stuck)
        check(seen.get("status") == "ok" and seen.get("db") == "ok", "health %r" % seen)
        # The other workers serve meanwhile.
        other = login("admin")
        expect_json(other.get("/api/points?per_page=5"), 200, "a list while one worker hangs")
        log.wait_for("watchdog: worker %d has been in one request" % stuck[0]["worker"], seconds=5)
        t.join(HOLD + 30)
    finally:
        holder.wait(HOLD + 30)
    check(not t.is_alive(), "the PATCH never ended")
    resp = answer["resp"]
    # Once the lock goes, the PATCH completes (or, past the lock wait, is a
    # 503 to retry); either way nothing is stuck any more.
    check(resp.status in (200, 503), "PATCH after the hang: %d" % resp.status, resp)
    body = expect_json(raw_request("GET", "/api/health"), 200, "health after the hang")
    check(body.get("workers") == "ok" and "stuck" not in body, "health after the hang %r" % body)
    check(app_pid() == pid, "yujing restarted")
