"""Login throttling: per username and per client address (login_attempts,
login_locks)."""

import secrets

from client import (DEMO_PASSWORD, Client, assert_error, check, clear_login_attempts, db,
                    db_value, expect_json, session_set_cookie, sql_str)
from pointlib import race

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


def _attempts(where="1"):
    return int(db_value("SELECT COUNT(*) FROM login_attempts WHERE " + where))


def test_parallel_wrong_passwords_record_exactly_the_limit():
    clear_login_attempts()
    try:
        _fail("province", PER_USER - 1)
        n = 16
        answers = race([Client() for _ in range(n)],
                       lambda i, c: c.post("/api/session", {"username": "province",
                                                            "password": "Par#%d" % i}))
        statuses = sorted(r.status for r in answers)
        check(statuses == [401] + [429] * (n - 1),
              "16 parallel wrong passwords after 4 failures: %r" % statuses)
        for r in answers:
            assert_error(r, r.status, "unauthenticated" if r.status == 401 else "rate_limited")
        recorded = _attempts("username = 'province'")
        check(recorded == PER_USER, "%d failures recorded against a limit of %d"
              % (recorded, PER_USER))
        # locked: the right password is refused too, and is not counted
        resp = _login("province")
        assert_error(resp, 429, "rate_limited")
        check(session_set_cookie(resp) is None, "a throttled login set a cookie", resp)
        check(_attempts("username = 'province'") == PER_USER, "a refused attempt was recorded")
        # the same race on a fresh account, from scratch: exactly five get checked
        answers = race([Client() for _ in range(n)],
                       lambda i, c: c.post("/api/session", {"username": "Editor",
                                                            "password": "Par#%d" % i}))
        statuses = sorted(r.status for r in answers)
        check(statuses == [401] * PER_USER + [429] * (n - PER_USER),
              "16 parallel wrong passwords on a fresh account: %r" % statuses)
        check(_attempts("username = 'editor'") == PER_USER, "editor: %d recorded"
              % _attempts("username = 'editor'"))
        assert_error(_login("editor"), 429, "rate_limited")
    finally:
        clear_login_attempts()


def test_parallel_right_passwords():
    clear_login_attempts()
    try:
        # fewer in flight than the limit: all log in
        answers = race([Client() for _ in range(PER_USER - 1)], lambda i, c: c.post(
            "/api/session", {"username": "jiande", "password": DEMO_PASSWORD}))
        check([r.status for r in answers] == [200] * (PER_USER - 1),
              "parallel right passwords: %r" % [str(r) for r in answers if r.status != 200])
        check(_attempts("username = 'jiande'") == 0, "a login left its failures behind")
        # at the limit an attempt counts until its password proves right:
        # the first logs in, the others may be refused, none is left counted
        _fail("jiande", PER_USER - 1)
        answers = race([Client() for _ in range(8)], lambda i, c: c.post(
            "/api/session", {"username": "jiande", "password": DEMO_PASSWORD}))
        statuses = [r.status for r in answers]
        check(200 in statuses and set(statuses) <= {200, 429},
              "parallel right passwords at the limit: %r" % statuses)
        check(_attempts("username = 'jiande'") == 0, "right passwords left failures behind")
        expect_json(_login("jiande"), 200, "after the race")
    finally:
        clear_login_attempts()


def test_password_change_counts_and_forgets():
    clear_login_attempts()
    try:
        c = Client()
        c.login("hangzhou")
        for i in range(PER_USER - 1):
            assert_error(c.put("/api/session/password", {"old_password": "Wrong#%d" % i,
                                                         "new_password": "Never#2019x"}),
                         400, "invalid", "old_password")
        check(_attempts("username = 'hangzhou'") == PER_USER - 1, "wrong old passwords not counted")
        assert_error(c.put("/api/session/password", {"old_password": "Wrong#x",
                                                     "new_password": "Never#2019x"}),
                     400, "invalid", "old_password")
        assert_error(c.put("/api/session/password", {"old_password": DEMO_PASSWORD,
                                                     "new_password": "Never#2019x"}),
                     429, "rate_limited")
        assert_error(_login("hangzhou"), 429, "rate_limited")    # locked for logins too
    finally:
        clear_login_attempts()
    check(_login("hangzhou").status == 200, "the old password changed while locked")


def test_address_limit_slows_down_instead_of_locking_out():
    clear_login_attempts()
    try:
        # spread over many usernames so no single account reaches its limit
        names = ["addr_%s_%d" % (secrets.token_hex(3), i) for i in range(PER_ADDR // 2)]
        for i in range(PER_ADDR):
            resp = _login(names[i % len(names)], "Wrong#%d" % i)
            assert_error(resp, 401, "unauthenticated")
        # past the limit a right password is still accepted in its turn,
        # and a success leaves the turn free for the next colleague
        expect_json(_login("admin"), 200, "a right password past the address limit")
        expect_json(_login("jiande"), 200, "the next colleague")
        # a wrong password takes the turn: the address waits login_addr_delay
        assert_error(_login(names[0], "Wrong#turn"), 401, "unauthenticated")
        check(db_value("SELECT next_at > NOW(3) FROM login_locks WHERE kind = 'a'") == "1",
              "a wrong password past the limit took no turn")
        # (pushed far ahead so that a slow machine cannot reach it)
        db("UPDATE login_locks SET next_at = NOW(3) + INTERVAL 1 HOUR WHERE kind = 'a'")
        before = _attempts()
        for username in ("jiande", "newcomer_" + secrets.token_hex(3)):
            resp = _login(username)
            err = assert_error(resp, 429, "rate_limited")
            check("秒后再试" in err["message"], "message %r" % err["message"])
            retry = int(resp.header("Retry-After", "0"))
            check(3500 <= retry <= 3600, "Retry-After %r" % resp.header("Retry-After"))
            check(session_set_cookie(resp) is None, "a throttled login set a cookie", resp)
        check(_attempts() == before, "an attempt out of its turn was counted")
        # the turn comes: a right password logs in again
        db("UPDATE login_locks SET next_at = NOW(3) WHERE kind = 'a'")
        expect_json(_login("jiande"), 200, "in the next turn")
        clear_login_attempts()
        expect_json(_login("admin"), 200, "after the window")
    finally:
        clear_login_attempts()
