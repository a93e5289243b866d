"""The database goes away and comes back: 503 while down, no restart needed."""

import time

from client import (Client, app_pid, assert_error, check, expect_json, login, raw_request,
                    session_set_cookie, stack, wait_healthy)

FAST = 5.0          # seconds: the bound for a 503 while the database is down


def _timed(fn):
    t0 = time.monotonic()
    resp = fn()
    return resp, time.monotonic() - t0


def test_db_outage_and_recovery():
    wait_healthy()
    c = login("hangzhou")
    before = expect_json(c.get("/api/session"), 200, "session before the outage")
    pid = app_pid()
    try:
        stack("db-stop")

        resp, took = _timed(lambda: raw_request("GET", "/api/health", timeout=30))
        assert_error(resp, 503, "unavailable")
        check(resp.json.get("db") == "unavailable", "health db is %r" % resp.json.get("db"), resp)
        check(resp.json.get("status") != "ok", "health status is ok while the database is down", resp)
        check(took < FAST, "health took %.1fs while the database is down" % took, resp)

        resp, took = _timed(lambda: c.get("/api/session", timeout=30))
        assert_error(resp, 503, "unavailable")
        check(took < FAST, "GET /api/session took %.1fs" % took, resp)
        check(c.session_cookie() is not None, "the 503 cleared the session cookie", resp)

        resp, took = _timed(lambda: Client().post(
            "/api/session", {"username": "province", "password": "Demo#2019"}, timeout=30))
        assert_error(resp, 503, "unavailable")
        check(session_set_cookie(resp) is None, "a login during the outage set a cookie", resp)
        check(took < FAST, "POST /api/session took %.1fs" % took, resp)

        # several in a row: no worker hangs on a dead connection
        for i in range(6):
            resp, took = _timed(lambda: raw_request("GET", "/api/health", timeout=30))
            assert_error(resp, 503, "unavailable")
            check(took < FAST, "health #%d took %.1fs" % (i, took), resp)
    finally:
        stack("db-start")           # always, even when an assertion failed

    resp = c.get("/api/session")
    body = expect_json(resp, 200, "the very next request after the database is back")
    check(body["user"] == before["user"] and body["csrf_token"] == before["csrf_token"],
          "the session changed across the outage: %r" % body, resp)
    # every worker thread reconnects, not only the first one asked
    for i in range(12):
        expect_json(c.get("/api/session"), 200, "request %d after the database is back" % i)
    health = expect_json(raw_request("GET", "/api/health"), 200, "health after the outage")
    check(health.get("db") == "ok" and health.get("status") == "ok", "health is %r" % health)
    expect_json(Client().login("province"), 200, "a fresh login after the outage")
    check(app_pid() == pid, "yujing was restarted (pid %d -> %d)" % (pid, app_pid()))
