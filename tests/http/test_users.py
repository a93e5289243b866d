"""User administration: /api/users (admin only) and its audit trail."""

import secrets
import string

from client import (CITIES, DEMO_USERS, Client, admin, assert_error, check, create_user, db,
                    db_value, expect, expect_json, find_users, jiande_point_id, login,
                    strong_password, unique, user_exists, user_id, users_path)

ITEM_KEYS = {"id", "username", "name", "role", "point_id", "city", "disabled", "version"}


def _no_secrets(obj, resp, password=None):
    for k in obj:
        check("password" not in k.lower() and "hash" not in k.lower(),
              "user object exposes %r" % k, resp)
    text = resp.body.decode("utf-8")
    check("$argon2" not in text, "a password hash is in the answer", resp)
    if password:
        check(password not in text, "the password is echoed", resp)


def _check_item(u, resp):
    missing = ITEM_KEYS - set(u)
    check(not missing, "user item lacks %s: %r" % (sorted(missing), u), resp)
    check(isinstance(u["disabled"], bool), "disabled is not a boolean", resp)
    check(isinstance(u["version"], int) and not isinstance(u["version"], bool),
          "version is not an integer", resp)
    _no_secrets(u, resp)


def _audit_count(object_id):
    """Audit rows about user object_id written by an action of admin."""
    return int(db_value("SELECT COUNT(*) FROM audit_log WHERE object_id = %d "
                        "AND object_type LIKE '%%user%%' AND user_id = %d"
                        % (object_id, user_id("admin"))))


# ------------------------------------------------------------------- list

def test_list_users():
    adm = admin()
    resp = adm.get("/api/users")
    body = expect_json(resp, 200, "list users")
    for k in ("items", "total", "page", "per_page"):
        check(k in body, "list lacks %r" % k, resp)
    check(body["page"] == 1, "default page is %r" % body["page"], resp)
    check(isinstance(body["per_page"], int) and 1 <= body["per_page"] <= 200,
          "per_page %r" % body["per_page"], resp)
    check(len(body["items"]) == min(body["total"], body["per_page"]), "page size wrong", resp)
    for u in body["items"]:
        _check_item(u, resp)
    everyone = find_users(adm, per_page=200)
    check(everyone["total"] == body["total"], "total depends on per_page")
    byname = {u["username"]: u for u in everyone["items"]}
    for username, role in DEMO_USERS.items():
        check(username in byname, "demo user %s not listed" % username)
        check(byname[username]["role"] == role, "%s has role %r" % (username, byname[username]["role"]))
    check(byname["hangzhou"]["city"] == "330100", "hangzhou city %r" % byname["hangzhou"]["city"])
    check(byname["jiande"]["point_id"] == jiande_point_id(), "jiande point_id wrong")
    check(byname["admin"]["id"] == user_id("admin"), "admin id differs from the database")


def test_list_paging():
    adm = admin()
    for _ in range(3):
        create_user(adm)
    total = find_users(adm, per_page=200)["total"]
    check(total >= 8, "expected at least 8 users, total %d" % total)
    seen = []
    page = 1
    while True:
        body = find_users(adm, page=page, per_page=3)
        check(body["page"] == page and body["per_page"] == 3,
              "page/per_page echoed as %r/%r" % (body["page"], body["per_page"]))
        check(body["total"] == total, "total %r on page %d, want %d" % (body["total"], page, total))
        check(len(body["items"]) <= 3, "page %d has %d items" % (page, len(body["items"])))
        if not body["items"]:
            break
        seen.extend(u["id"] for u in body["items"])
        page += 1
        check(page < 1000, "paging does not end")
    check(len(seen) == total, "paged through %d users, total says %d" % (len(seen), total))
    check(len(set(seen)) == len(seen), "a user appears on two pages")


def test_list_limits():
    adm = admin()
    expect_json(adm.get("/api/users?per_page=200"), 200, "per_page 200")
    assert_error(adm.get("/api/users?per_page=201"), 400, "invalid", "per_page")
    assert_error(adm.get("/api/users?per_page=0"), 400, "invalid", "per_page")
    assert_error(adm.get("/api/users?page=0"), 400, "invalid", "page")
    assert_error(adm.get("/api/users?page=-1"), 400, "invalid", "page")


def test_list_filters():
    adm = admin()
    body = find_users(adm, q="hangzhou", per_page=200)
    names = [u["username"] for u in body["items"]]
    check("hangzhou" in names and "admin" not in names, "q=hangzhou gave %r" % names)
    check(body["total"] == len(body["items"]), "total %r vs %d items" % (body["total"], len(names)))

    body = find_users(adm, role="city", per_page=200)
    check(body["items"], "role=city lists nobody")
    check(all(u["role"] == "city" for u in body["items"]), "role=city lists other roles")
    check("hangzhou" in [u["username"] for u in body["items"]], "hangzhou not among city users")

    user, _ = create_user(adm)
    expect_json(adm.patch(users_path(user["id"]), {"version": user["version"], "disabled": True}), 200)
    body = find_users(adm, disabled="true", per_page=200)
    check(all(u["disabled"] is True for u in body["items"]), "disabled=true lists enabled users")
    check(user["id"] in [u["id"] for u in body["items"]], "the disabled user is not listed")
    body = find_users(adm, disabled="false", per_page=200)
    check(all(u["disabled"] is False for u in body["items"]), "disabled=false lists disabled users")
    check(user["id"] not in [u["id"] for u in body["items"]], "disabled=false lists the disabled user")


# ----------------------------------------------------------------- create

def test_create_user_of_each_role():
    adm = admin()
    pid = jiande_point_id()
    cases = [("province", {}), ("editor", {}), ("admin", {}),
             ("city", {"city": "330200"}), ("point", {"point_id": pid})]
    for role, extra in cases:
        username = unique("new")
        password = strong_password()
        body = {"username": username, "name": "新用户", "role": role, "password": password}
        body.update(extra)
        resp = adm.post("/api/users", body)
        u = expect_json(resp, 201, "create %s user" % role)
        _check_item(u, resp)
        _no_secrets(u, resp, password)
        check(u["username"] == username and u["name"] == "新用户" and u["role"] == role,
              "created user differs from the request", resp)
        check(u["disabled"] is False, "new user is disabled", resp)
        check(u["city"] == extra.get("city") if role == "city" else True, "city not kept", resp)
        check(u["point_id"] == (pid if role == "point" else None), "point_id %r" % u["point_id"], resp)
        got = expect_json(adm.get(users_path(u["id"])), 200, "GET the new user")
        check(got == u, "GET differs from the create answer: %r vs %r" % (got, u))
        session = expect_json(Client().login(username, password, expect_ok=False), 200,
                              "the new user logs in")
        check(session["user"]["role"] == role, "logged in with role %r" % session["user"]["role"])
    check(_audit_count(u["id"]) >= 1, "no audit_log row for creating user %d" % u["id"])
    actors = [r[0] for r in db("SELECT DISTINCT user_id FROM audit_log WHERE object_id = %d "
                               "AND object_type LIKE '%%user%%'" % u["id"])]
    check(str(user_id("admin")) in actors,
          "no audit row names the admin who created the user: %r" % actors)


def test_create_city_user_all_cities():
    adm = admin()
    for code, name in CITIES.items():
        u, _ = create_user(adm, role="city", city=code)
        check(u["city"] == code, "city %s (%s) stored as %r" % (code, name, u["city"]))
    for bad in ("330182", "331200", "110000", "999999", "", "杭州市"):
        username = unique()
        resp = adm.post("/api/users", {"username": username, "name": "地市", "role": "city",
                                       "password": strong_password(), "city": bad})
        assert_error(resp, 400, "invalid", "city")
        check(not user_exists(adm, username), "user with city %r was created" % bad)
    username = unique()
    resp = adm.post("/api/users", {"username": username, "name": "地市", "role": "city",
                                   "password": strong_password()})
    assert_error(resp, 400, "invalid", "city")
    check(not user_exists(adm, username), "city user without a city was created")


def test_create_point_user_needs_point():
    adm = admin()
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 1000 FROM points"))
    for extra in ({}, {"point_id": missing}, {"point_id": None}):
        username = unique()
        body = {"username": username, "name": "预警点", "role": "point", "password": strong_password()}
        body.update(extra)
        assert_error(adm.post("/api/users", body), 400, "invalid", "point_id")
        check(not user_exists(adm, username), "point user with %r was created" % extra)


def test_create_user_bad_role():
    adm = admin()
    for role in ("superuser", "Admin", ""):
        username = unique()
        resp = adm.post("/api/users", {"username": username, "name": "角色",
                                       "role": role, "password": strong_password()})
        assert_error(resp, 400, "invalid", "role")
        check(not user_exists(adm, username), "user with role %r was created" % role)


def test_create_user_username_rules():
    adm = admin()
    before = find_users(adm, per_page=1)["total"]
    for bad in ("admin", "ab", "x" * 33, "bad name", "bad/name", "用户名", "semi;colon", ""):
        resp = adm.post("/api/users", {"username": bad, "name": "用户名", "role": "province",
                                       "password": strong_password()})
        assert_error(resp, 400, "invalid", "username")
    check(find_users(adm, per_page=1)["total"] == before, "a refused create added a user")
    three = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(2)) + "."
    longest = ("Z_" + secrets.token_hex(16))[:32]
    for good in (three, longest, "A.b-c_" + secrets.token_hex(3)):
        resp = adm.post("/api/users", {"username": good, "name": "用户名", "role": "province",
                                       "password": strong_password()})
        u = expect_json(resp, 201, "username %r (%d characters)" % (good, len(good)))
        check(u["username"] == good, "username stored as %r" % u["username"], resp)

def test_create_duplicate_username():
    adm = admin()
    user, _ = create_user(adm)
    resp = adm.post("/api/users", {"username": user["username"], "name": "重复", "role": "editor",
                                   "password": strong_password()})
    assert_error(resp, 400, "invalid", "username")
    got = expect_json(adm.get(users_path(user["id"])), 200)
    check(got["role"] == user["role"] and got["name"] == user["name"],
          "the duplicate create changed the original user")


# -------------------------------------------------------------------- get

def test_get_user():
    adm = admin()
    uid = user_id("hangzhou")
    resp = adm.get(users_path(uid))
    u = expect_json(resp, 200, "GET hangzhou")
    _check_item(u, resp)
    check(u["id"] == uid and u["username"] == "hangzhou" and u["role"] == "city"
          and u["city"] == "330100", "hangzhou is %r" % u, resp)
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 100000 FROM users"))
    assert_error(adm.get(users_path(missing)), 404, "not_found")


# ------------------------------------------------------------------ patch

def test_patch_user():
    adm = admin()
    user, password = create_user(adm)
    n = _audit_count(user["id"])
    path = users_path(user["id"])
    resp = adm.patch(path, {"version": user["version"], "name": "改名后"})
    u = expect_json(resp, 200, "rename")
    check(u["name"] == "改名后", "name %r" % u["name"], resp)
    check(u["version"] == user["version"] + 1, "version %r after %r" % (u["version"], user["version"]), resp)
    got = expect_json(adm.get(path), 200)
    check(got == u, "GET differs from the PATCH answer: %r vs %r" % (got, u))
    check(_audit_count(user["id"]) > n, "no audit_log row for the update")

    resp = adm.patch(path, {"version": u["version"], "role": "city", "city": "331100"})
    v = expect_json(resp, 200, "change role")
    check(v["role"] == "city" and v["city"] == "331100" and v["version"] == u["version"] + 1,
          "after role change: %r" % v, resp)
    s = Client()
    body = expect_json(s.login(user["username"], password, expect_ok=False), 200)
    check(body["user"]["role"] == "city" and body["user"]["city"] == "331100",
          "session shows %r" % body["user"])


def test_patch_user_password():
    adm = admin()
    user, old = create_user(adm)
    new = strong_password()
    resp = adm.patch(users_path(user["id"]), {"version": user["version"], "password": new})
    u = expect_json(resp, 200, "set password")
    _no_secrets(u, resp, new)
    check(u["version"] == user["version"] + 1, "version not incremented", resp)
    expect_json(Client().login(user["username"], new, expect_ok=False), 200, "new password")
    assert_error(Client().post("/api/session", {"username": user["username"], "password": old}),
                 401, "unauthenticated")


def test_patch_user_needs_version():
    adm = admin()
    user, _ = create_user(adm)
    path = users_path(user["id"])
    assert_error(adm.patch(path, {"name": "无版本"}), 400, "invalid", "version")
    got = expect_json(adm.get(path), 200)
    check(got == user, "a refused PATCH changed the user: %r" % got)


def test_patch_user_stale_version():
    adm = admin()
    user, _ = create_user(adm)
    path = users_path(user["id"])
    first = expect_json(adm.patch(path, {"version": user["version"], "name": "第一次"}), 200)
    resp = adm.patch(path, {"version": user["version"], "name": "第二次"})
    assert_error(resp, 409, "conflict")
    got = expect_json(adm.get(path), 200)
    check(got["name"] == "第一次" and got["version"] == first["version"],
          "the stale write changed the user: %r" % got)


def test_patch_user_invalid_fields():
    adm = admin()
    user, _ = create_user(adm, role="city", city="330100")
    path = users_path(user["id"])
    assert_error(adm.patch(path, {"version": user["version"], "city": "330182"}), 400, "invalid", "city")
    assert_error(adm.patch(path, {"version": user["version"], "role": "boss"}), 400, "invalid", "role")
    got = expect_json(adm.get(path), 200)
    check(got == user, "refused PATCHes changed the user: %r" % got)
    missing = int(db_value("SELECT COALESCE(MAX(id), 0) + 100000 FROM users"))
    assert_error(adm.patch(users_path(missing), {"version": 1, "name": "无"}), 404, "not_found")


def test_disable_user():
    adm = admin()
    user, password = create_user(adm)
    s = login(user["username"], password)
    resp = adm.patch(users_path(user["id"]), {"version": user["version"], "disabled": True})
    u = expect_json(resp, 200, "disable")
    check(u["disabled"] is True and u["version"] == user["version"] + 1, "after disable: %r" % u, resp)
    assert_error(s.get("/api/session"), 401, "unauthenticated")
    assert_error(Client().post("/api/session", {"username": user["username"], "password": password}),
                 401, "unauthenticated")
    resp = adm.patch(users_path(user["id"]), {"version": u["version"], "disabled": False})
    expect_json(resp, 200, "enable again")
    expect_json(Client().login(user["username"], password, expect_ok=False), 200, "login after enable")


# ----------------------------------------------------------------- delete

def test_delete_user():
    adm = admin()
    user, password = create_user(adm)
    s = login(user["username"], password)
    expect_json(adm.patch(users_path(user["id"]), {"version": user["version"], "name": "将删除"}), 200)
    n = _audit_count(user["id"])
    resp = adm.delete(users_path(user["id"]))
    expect(resp, 204, "delete user")
    check(resp.body == b"", "204 with a body", resp)
    assert_error(adm.get(users_path(user["id"])), 404, "not_found")
    assert_error(s.get("/api/session"), 401, "unauthenticated")
    assert_error(Client().post("/api/session", {"username": user["username"], "password": password}),
                 401, "unauthenticated")
    check(not user_exists(adm, user["username"]), "the deleted user is still listed")
    assert_error(adm.delete(users_path(user["id"])), 404, "not_found")
    check(_audit_count(user["id"]) > n, "no audit_log row for the delete")
    actions = db("SELECT DISTINCT action FROM audit_log WHERE object_id = %d "
                 "AND object_type LIKE '%%user%%' AND user_id = %d" % (user["id"], user_id("admin")))
    check(len(actions) >= 3, "create, update and delete should be three actions, got %r" % actions)


def test_admin_cannot_delete_itself():
    adm = admin()
    me = adm.user["id"]
    assert_error(adm.delete(users_path(me)), 400, "invalid")
    got = expect_json(adm.get(users_path(me)), 200, "admin after refused self-delete")
    check(got["username"] == "admin" and got["disabled"] is False, "admin changed: %r" % got)
    expect_json(adm.get("/api/session"), 200, "admin session")
