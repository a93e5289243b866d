"""X-CSRF-Token on every state-changing request except the login."""

from client import (Client, admin, assert_error, check, create_user, expect, expect_json,
                    login, unique, user_exists, users_path)


def _still_logged_in(c, what):
    body = expect_json(c.get("/api/session"), 200, what)
    check(body["csrf_token"] == c.csrf, "%s: csrf token changed" % what)


def test_logout_without_token_is_refused():
    c = login("province")
    assert_error(c.delete("/api/session", csrf=False), 403, "forbidden")
    _still_logged_in(c, "after a refused logout")


def test_logout_with_empty_or_wrong_token_is_refused():
    c = login("province")
    for bad in ("", "x", c.csrf[:-1] + ("A" if c.csrf[-1] != "A" else "B"), c.csrf + "0",
                c.session_cookie()):
        resp = c.request("DELETE", "/api/session", csrf=False, headers={"X-CSRF-Token": bad})
        assert_error(resp, 403, "forbidden")
    _still_logged_in(c, "after refused logouts")


def test_token_of_another_session_is_refused():
    a, b = login("province"), login("province")
    assert_error(a.delete("/api/session", csrf=b.csrf), 403, "forbidden")
    assert_error(b.delete("/api/session", csrf=a.csrf), 403, "forbidden")
    _still_logged_in(a, "session a")
    _still_logged_in(b, "session b")
    other = login("editor")
    assert_error(a.delete("/api/session", csrf=other.csrf), 403, "forbidden")
    _still_logged_in(a, "session a")


def test_token_in_cookie_or_query_does_not_count():
    c = login("province")
    resp = c.delete("/api/session?csrf_token=" + c.csrf, csrf=False)
    assert_error(resp, 403, "forbidden")
    resp = c.delete("/api/session", csrf=False,
                    cookie="yj_session=%s; csrf_token=%s; X-CSRF-Token=%s"
                    % (c.session_cookie(), c.csrf, c.csrf))
    assert_error(resp, 403, "forbidden")
    _still_logged_in(c, "after refused logouts")


def test_create_user_without_token_creates_nothing():
    adm = admin()
    name = unique()
    body = {"username": name, "name": "跨站测试", "role": "province", "password": "Csrf#2019x"}
    assert_error(adm.post("/api/users", body, csrf=False), 403, "forbidden")
    assert_error(adm.post("/api/users", body, csrf="wrong-token"), 403, "forbidden")
    check(not user_exists(adm, name), "user %s was created without a valid token" % name)
    assert_error(Client().post("/api/session", {"username": name, "password": "Csrf#2019x"}),
                 401, "unauthenticated")


def test_patch_and_delete_user_without_token_change_nothing():
    adm = admin()
    user, _ = create_user(adm)
    path = users_path(user["id"])
    resp = adm.patch(path, {"version": user["version"], "name": "被篡改"}, csrf=False)
    assert_error(resp, 403, "forbidden")
    assert_error(adm.delete(path, csrf="nope"), 403, "forbidden")
    now = expect_json(adm.get(path), 200, "user after refused writes")
    check(now["name"] == user["name"] and now["version"] == user["version"],
          "user changed: %r -> %r" % (user, now))


def test_password_change_without_token_changes_nothing():
    user, old = create_user(admin())
    c = login(user["username"], old)
    resp = c.put("/api/session/password", {"old_password": old, "new_password": "Csrf#2019y"},
                 csrf=False)
    assert_error(resp, 403, "forbidden")
    expect_json(Client().login(user["username"], old, expect_ok=False), 200, "old password")
    assert_error(Client().post("/api/session", {"username": user["username"], "password": "Csrf#2019y"}),
                 401, "unauthenticated")
    _still_logged_in(c, "after a refused change")


def test_login_needs_no_token():
    c = Client()
    resp = c.post("/api/session", {"username": "province", "password": "Demo#2019"}, csrf=False)
    expect_json(resp, 200, "login without a token")
    expect(c.delete("/api/session", csrf=resp.json["csrf_token"]), 204, "logout with the token")
    assert_error(c.get("/api/session"), 401, "unauthenticated")
