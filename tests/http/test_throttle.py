"""Login throttling: per username and per client address (login_attempts)."""

import secrets

from client import (DEMO_PASSWORD, Client, assert_error, check, clear_login_attempts,
                    expect_json, session_set_cookie)

PER_USER = 5
PER_ADDR = 30


def _fail(username, n):
    c = Client()
    for i in range(n):
        resp = c.post("/api/session", {"username": username, "password": "Wrong#%d" % i})
        assert_error(resp, 401, "unauthenticated")


def _login(username, password=DEMO_PASSWORD):
    return Client().post("/api/session", {"username": username, "password": password})


def test_account_locked_after_five_failures():
    clear_login_attempts()
    try:
        _fail("province", PER_USER)
        c = Client()
        resp = c.post("/api/session", {"username": "province", "password": DEMO_PASSWORD})
        assert_error(resp, 429, "rate_limited")
        check(session_set_cookie(resp) is None, "a throttled login set a cookie", resp)
        assert_error(c.get("/api/session"), 401, "unauthenticated")
        assert_error(_login("province", "Wrong#x"), 429, "rate_limited")
        # other accounts from the same address are not locked by five failures
        expect_json(_login("editor"), 200, "another user")
        clear_login_attempts()               # the window has passed
        expect_json(_login("province"), 200, "after the window")
    finally:
        clear_login_attempts()


def test_unknown_user_throttled_the_same():
    clear_login_attempts()
    try:
        ghost = "ghost_" + secrets.token_hex(4)
        _fail(ghost, PER_USER)
        ghost_resp = _login(ghost, "Wrong#x")
        assert_error(ghost_resp, 429, "rate_limited")
        _fail("editor", PER_USER)
        real_resp = _login("editor", "Wrong#x")
        assert_error(real_resp, 429, "rate_limited")
        check(ghost_resp.json == real_resp.json,
              "unknown and real user throttled differently:\n  %s\n  %s" % (ghost_resp, real_resp))
    finally:
        clear_login_attempts()


def test_successes_do_not_count():
    clear_login_attempts()
    try:
        for _ in range(PER_USER + 2):
            expect_json(_login("hangzhou"), 200, "repeated good logins")
        _fail("hangzhou", PER_USER - 1)
        expect_json(_login("hangzhou"), 200, "four failures are under the limit")
    finally:
        clear_login_attempts()


def test_address_locked_after_thirty_failures():
    clear_login_attempts()
    try:
        # spread over many usernames so no single account reaches its limit
        names = ["addr_%s_%d" % (secrets.token_hex(3), i) for i in range(PER_ADDR // 2)]
        for i in range(PER_ADDR):
            resp = _login(names[i % len(names)], "Wrong#%d" % i)
            assert_error(resp, 401, "unauthenticated")
        for username in ("admin", "jiande", "newcomer_" + secrets.token_hex(3)):
            resp = _login(username)
            assert_error(resp, 429, "rate_limited")
            check(session_set_cookie(resp) is None, "a throttled login set a cookie", resp)
        clear_login_attempts()
        expect_json(_login("admin"), 200, "after the window")
    finally:
        clear_login_attempts()
