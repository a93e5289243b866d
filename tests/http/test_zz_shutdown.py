"""Graceful shutdown: SIGTERM lets in-flight requests finish.  Runs last."""

import os
import signal
import threading
import time

from client import (DEMO_USERS, DEMO_PASSWORD, Client, app_pid, assert_error, check,
                    expect_json, raw_request, run_dir, stack, wait_healthy)

IN_FLIGHT = 8
EXIT_WITHIN = 15.0


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("State:"):
                    return "Z" not in line.split(":", 1)[1]
    except OSError:
        return False
    return True


def _last_yujing_line(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = [l.rstrip("\n") for l in f if "yujing" in l]
    return lines[-1] if lines else None


def test_sigterm_finishes_in_flight_requests():
    wait_healthy()
    pid = app_pid()
    check(_alive(pid), "yujing (pid %d) is not running" % pid)
    users = list(DEMO_USERS) * 2
    results = [None] * IN_FLIGHT
    go = threading.Event()

    def one(i):
        go.wait()
        body = ('{"username": "%s", "password": "%s"}' % (users[i], DEMO_PASSWORD)).encode()
        t0 = time.monotonic()
        try:
            resp = raw_request("POST", "/api/session", body=body,
                               headers={"Content-Type": "application/json"}, timeout=60)
            results[i] = (users[i], resp, None, t0, time.monotonic())
        except Exception as e:   # a reset or a truncated body is a failure
            results[i] = (users[i], None, e, t0, time.monotonic())

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(IN_FLIGHT)]
    for t in threads:
        t.start()
    try:
        go.set()
        time.sleep(0.02)
        killed_at = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        for t in threads:
            t.join(60)
        check(not any(t.is_alive() for t in threads), "a request never got an answer")

        deadline = killed_at + EXIT_WITHIN
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        exited = not _alive(pid)
        took = time.monotonic() - killed_at

        ok = 0
        finished_after_kill = 0
        for username, resp, exc, t0, t1 in results:
            check(exc is None, "login as %s broke off: %r" % (username, exc))
            if t1 > killed_at:
                finished_after_kill += 1
            if resp.status == 200:
                body = expect_json(resp, 200, "login as %s" % username)
                check(body.get("user", {}).get("username") == username
                      and isinstance(body.get("csrf_token"), str),
                      "incomplete login answer for %s" % username, resp)
                ok += 1
            else:
                check(resp.status != 502, "nginx answered 502 for %s" % username, resp)
                assert_error(resp, 503, "unavailable")
        check(finished_after_kill > 0,
              "every login finished before SIGTERM; nothing was in flight")
        check(ok > 0, "no in-flight login completed")
        check(exited, "yujing still running %.1fs after SIGTERM" % took)

        log = os.path.join(run_dir(), "yujing.log")
        last = _last_yujing_line(log)
        check(last is not None and "yujing: stopped" in last,
              "last yujing line of the log is %r, want \"yujing: stopped\"" % last)
    finally:
        stack("app-restart")

    health = expect_json(wait_healthy(), 200, "health after restart")
    check(health.get("status") == "ok" and health.get("db") == "ok", "health is %r" % health)
    check(app_pid() != pid, "the pid file still names the stopped process")
    expect_json(Client().login("admin"), 200, "login after restart")
    expect_json(raw_request("GET", "/api/health"), 200)
