"""Login, the session cookie, logout, expiry and password changes."""

import time

from client import (_conf_value, DEMO_PASSWORD, SESSION_COOKIE, Client, admin, assert_error, check,
                    cookie_expired, create_user, db, expect, expect_json,
                    jiande_point_id, login, session_set_cookie, user_id)

USER_KEYS = {"id", "username", "name", "role", "point_id", "city"}


def _check_login_body(resp, username, role):
    body = expect_json(resp, 200, "login as %s" % username)
    user = body.get("user")
    check(isinstance(user, dict), "no user object", resp)
    missing = USER_KEYS - set(user)
    check(not missing, "user lacks %s" % sorted(missing), resp)
    check(isinstance(user["id"], int) and not isinstance(user["id"], bool),
          "user.id is not an integer", resp)
    check(user["username"] == username, "username %r" % user["username"], resp)
    check(user["role"] == role, "role %r, want %r" % (user["role"], role), resp)
    check(isinstance(user["name"], str) and user["name"] != "", "empty name", resp)
    token = body.get("csrf_token")
    check(isinstance(token, str) and len(token) >= 16, "csrf_token missing or short", resp)
    for k in user:
        check("password" not in k.lower() and "hash" not in k.lower(),
              "user object exposes %r" % k, resp)
    return body


def test_login_sets_session_cookie():
    c = Client()
    resp = c.login("admin")
    body = _check_login_body(resp, "admin", "admin")
    sc = session_set_cookie(resp)
    check(sc is not None, "no Set-Cookie %s" % SESSION_COOKIE, resp)
    value, attrs = sc
    check(len(value) >= 16, "session cookie value %r is short" % value, resp)
    check(attrs.get("path") == "/", "cookie Path is %r" % attrs.get("path"), resp)
    check(attrs.get("httponly") is True, "cookie is not HttpOnly", resp)
    check(str(attrs.get("samesite", "")).lower() == "strict",
          "cookie SameSite is %r" % attrs.get("samesite"), resp)
    check("secure" not in attrs, "cookie is Secure in the plain-HTTP test stack", resp)
    check(not cookie_expired(attrs), "the new cookie is already expired", resp)
    check(value not in resp.body.decode("utf-8"), "the session id is in the body", resp)
    check(user_id("admin") == body["user"]["id"], "user.id differs from the database")


def test_login_roles_of_demo_users():
    for username, role in (("province", "province"), ("editor", "editor")):
        body = _check_login_body(Client().login(username), username, role)
        check(body["user"]["point_id"] is None, "%s has a point_id" % username)


def test_login_city_user():
    resp = Client().login("hangzhou")
    user = _check_login_body(resp, "hangzhou", "city")["user"]
    check(user["city"] == "330100", "city %r, want \"330100\"" % user["city"], resp)
    check(user["point_id"] is None, "a city user has a point_id", resp)


def test_login_point_user():
    resp = Client().login("jiande")
    user = _check_login_body(resp, "jiande", "point")["user"]
    pid = user["point_id"]
    check(isinstance(pid, int) and not isinstance(pid, bool), "point_id %r is not an integer" % pid, resp)
    check(pid == jiande_point_id(), "point_id %r is not the Jiande point" % pid, resp)
    check(user["city"] == "330100", "city %r, want \"330100\"" % user["city"], resp)


def test_wrong_password_and_unknown_user_look_alike():
    c = Client()
    wrong = c.post("/api/session", {"username": "editor", "password": "Wrong#2019"})
    assert_error(wrong, 401, "unauthenticated")
    unknown = c.post("/api/session", {"username": "nobody_here", "password": "Wrong#2019"})
    assert_error(unknown, 401, "unauthenticated")
    check(wrong.body == unknown.body,
          "answers differ:\n  wrong password: %r\n  unknown user:   %r" % (wrong.body, unknown.body))
    check(session_set_cookie(wrong) is None and session_set_cookie(unknown) is None,
          "a failed login set a session cookie")
    assert_error(c.get("/api/session"), 401, "unauthenticated")


def test_login_missing_username():
    resp = Client().post("/api/session", {"password": DEMO_PASSWORD})
    assert_error(resp, 400, "invalid", "username")
    check(session_set_cookie(resp) is None, "a refused login set a cookie", resp)


def test_login_username_wrong_type():
    resp = Client().post("/api/session", {"username": 12345, "password": DEMO_PASSWORD})
    assert_error(resp, 400, "bad_request", "username")
    check(session_set_cookie(resp) is None, "a refused login set a cookie", resp)


def test_get_session_returns_login_body():
    c = Client()
    first = expect_json(c.login("jiande"), 200)
    resp = c.get("/api/session")
    body = expect_json(resp, 200, "GET /api/session")
    check(body.get("user") == first["user"],
          "user differs from login: %r vs %r" % (body.get("user"), first["user"]), resp)
    check(body.get("csrf_token") == first["csrf_token"], "csrf_token differs from login", resp)


def test_two_logins_are_two_sessions():
    a, b = login("province"), login("province")
    check(a.session_cookie() != b.session_cookie(), "two logins share one session id")
    check(a.csrf != b.csrf, "two sessions share one csrf token")
    expect_json(a.get("/api/session"), 200)
    expect_json(b.get("/api/session"), 200)


def test_get_session_without_valid_cookie():
    assert_error(Client().get("/api/session"), 401, "unauthenticated")
    c = Client()
    for cookie in ("%s=garbage" % SESSION_COOKIE,
                   "%s=%s" % (SESSION_COOKIE, "0" * 64),
                   "%s=%s" % (SESSION_COOKIE, "A" * 5000),
                   "%s=" % SESSION_COOKIE,
                   "other=1"):
        assert_error(c.get("/api/session", cookie=cookie), 401, "unauthenticated")


def test_logout():
    c = login("province")
    old = c.session_cookie()
    keep = login("province")            # another session of the same user
    resp = c.delete("/api/session")
    expect(resp, 204, "logout")
    check(resp.body == b"", "204 with a body", resp)
    sc = session_set_cookie(resp)
    check(sc is not None, "logout does not clear the cookie", resp)
    value, attrs = sc
    check(value == "" and cookie_expired(attrs),
          "logout Set-Cookie does not delete the cookie: %r" % resp.header_all("Set-Cookie"), resp)
    check(attrs.get("path") == "/", "cleared cookie has Path %r" % attrs.get("path"), resp)
    assert_error(c.get("/api/session", cookie="%s=%s" % (SESSION_COOKIE, old)), 401, "unauthenticated")
    expect_json(keep.get("/api/session"), 200, "the other session")


def cache_ttl():
    """session_cache_ttl of the stack under test (1 s when not set)."""
    try:
        return float(_conf_value("session_cache_ttl"))
    except RuntimeError:
        return 1.0


def test_session_expiry():
    # Natural expiry: a session that runs out in 2–3 s (NOW() has whole seconds), used (and so cached)
    # just before, is refused right after its expires_at.
    c = login("editor")
    # Times in the database are Beijing time, as yujing's connections set.
    db("SET time_zone = '+08:00'; UPDATE sessions SET expires_at = NOW() + INTERVAL 3 SECOND "
       "WHERE user_id = (SELECT id FROM users WHERE username = 'editor')")
    time.sleep(cache_ttl() + 0.2)   # forget the login-time entry
    expect_json(c.get("/api/session"), 200, "before expires_at")
    time.sleep(3.5)
    assert_error(c.get("/api/session"), 401, "unauthenticated")
    d = login("editor")                  # a new login is not affected
    expect_json(d.get("/api/session"), 200)


def test_session_ended_elsewhere_stops_within_cache_ttl():
    # A session ended by another app host (here: straight in the database)
    # stops working within session_cache_ttl seconds.
    ttl = cache_ttl()
    c = login("editor")
    expect_json(c.get("/api/session"), 200)
    db("UPDATE sessions SET expires_at = NOW() - INTERVAL 1 SECOND "
       "WHERE user_id = (SELECT id FROM users WHERE username = 'editor')")
    start = time.monotonic()
    while True:
        resp = c.get("/api/session")
        if resp.status == 401 or time.monotonic() - start > ttl + 1.5:
            break
        time.sleep(0.1)
    assert_error(resp, 401, "unauthenticated")


# ---------------------------------------------------------- password change

def _pw_user():
    user, password = create_user(admin(), role="province")
    return user, password


def test_password_change():
    user, old = _pw_user()
    a, b = login(user["username"], old), login(user["username"], old)
    new = "Neu#Pass2019"
    resp = a.put("/api/session/password", {"old_password": old, "new_password": new})
    expect(resp, 204, "change password")
    expect_json(a.get("/api/session"), 200, "the session that changed it")
    assert_error(b.get("/api/session"), 401, "unauthenticated")
    assert_error(Client().post("/api/session", {"username": user["username"], "password": old}),
                 401, "unauthenticated")
    fresh = Client()
    body = expect_json(fresh.login(user["username"], new, expect_ok=False), 200, "login with new password")
    check(body["user"]["id"] == user["id"], "logged in as someone else")
    # the changing session still writes with its token
    expect(a.put("/api/session/password", {"old_password": new, "new_password": "abcdEFG1"}),
           204, "second change, three character classes, 8 characters")
    expect_json(Client().login(user["username"], "abcdEFG1", expect_ok=False), 200)


def test_password_change_wrong_old():
    user, old = _pw_user()
    a = login(user["username"], old)
    resp = a.put("/api/session/password", {"old_password": "Wrong#2019x", "new_password": "Neu#Pass2019"})
    assert_error(resp, 400, "invalid", "old_password")
    expect_json(Client().login(user["username"], old, expect_ok=False), 200, "old password still valid")
    assert_error(Client().post("/api/session", {"username": user["username"], "password": "Neu#Pass2019"}),
                 401, "unauthenticated")


def test_password_change_weak_new():
    user, old = _pw_user()
    a = login(user["username"], old)
    for weak in ("Ab1#xyz",          # 7 characters
                 "abcdefgh12",       # lower + digit only
                 "ABCDEFGH#",        # upper + other only
                 "abcdefghijklmn",   # one class
                 ""):
        resp = a.put("/api/session/password", {"old_password": old, "new_password": weak})
        assert_error(resp, 400, "invalid", "new_password")
        if weak:
            assert_error(Client().post("/api/session", {"username": user["username"], "password": weak}),
                         401, "unauthenticated")
    expect_json(Client().login(user["username"], old, expect_ok=False), 200, "old password still valid")
    expect_json(a.get("/api/session"), 200, "the session survives refused changes")


def test_password_change_needs_login():
    resp = Client().put("/api/session/password", {"old_password": DEMO_PASSWORD,
                                                  "new_password": "Neu#Pass2019"})
    assert_error(resp, 401, "unauthenticated")

