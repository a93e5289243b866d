"""Role refusal: user administration is for admin only; default deny."""

from client import (Client, admin, assert_error, check, create_user, expect_json, login,
                    strong_password, unique, user_exists, users_path)

NON_ADMIN = ("province", "hangzhou", "jiande", "editor")


def test_non_admin_cannot_list_users():
    for username in NON_ADMIN:
        c = login(username)
        resp = c.get("/api/users")
        assert_error(resp, 403, "forbidden")
        check(b"items" not in resp.body, "%s got a user list" % username, resp)
        assert_error(c.get("/api/users?q=admin&role=admin"), 403, "forbidden")


def test_non_admin_cannot_create_users():
    adm = admin()
    for username in NON_ADMIN:
        c = login(username)
        name = unique("x")
        for role in ("admin", "province"):
            resp = c.post("/api/users", {"username": name, "name": "越权", "role": role,
                                         "password": "Over#2019x"})
            assert_error(resp, 403, "forbidden")
        check(not user_exists(adm, name), "%s created user %s" % (username, name))
        assert_error(Client().post("/api/session", {"username": name, "password": "Over#2019x"}),
                     401, "unauthenticated")


def test_non_admin_cannot_read_change_or_delete_a_user():
    adm = admin()
    target, password = create_user(adm)
    path = users_path(target["id"])
    for username in NON_ADMIN:
        c = login(username)
        assert_error(c.get(path), 403, "forbidden")
        assert_error(c.patch(path, {"version": target["version"], "role": "admin"}), 403, "forbidden")
        assert_error(c.patch(users_path(c.user["id"]), {"version": 1, "role": "admin"}),
                     403, "forbidden")
        assert_error(c.delete(path), 403, "forbidden")
        me = expect_json(c.get("/api/session"), 200)
        check(me["user"]["role"] != "admin", "%s became admin" % username)
    got = expect_json(adm.get(path), 200, "target after refused writes")
    check(got == target, "refused writes changed the user: %r" % got)
    expect_json(Client().login(target["username"], password, expect_ok=False), 200)


def test_unauthenticated_is_401():
    c = Client()
    assert_error(c.get("/api/users"), 401, "unauthenticated")
    assert_error(c.get(users_path(1)), 401, "unauthenticated")
    name = unique("anon")
    resp = c.post("/api/users", {"username": name, "name": "匿名", "role": "admin",
                                 "password": strong_password()})
    assert_error(resp, 401, "unauthenticated")
    check(not user_exists(admin(), name), "an anonymous request created a user")


def test_disabled_admin_loses_access():
    adm = admin()
    other, password = create_user(adm, role="admin")
    c = login(other["username"], password)
    expect_json(c.get("/api/users"), 200, "second admin lists users")
    expect_json(adm.patch(users_path(other["id"]), {"version": other["version"], "disabled": True}), 200)
    assert_error(c.get("/api/users"), 401, "unauthenticated")
