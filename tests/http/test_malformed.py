"""Malformed requests get the error envelope, never a crash or a change."""

from client import (Client, DEMO_PASSWORD, admin, assert_error, check, expect_json,
                    find_users, raw_request, session_set_cookie, unique, user_exists, users_path)

MIB = 1048576


def _login_raw(body, content_type="application/json"):
    return Client().post("/api/session", body=body, content_type=content_type)


def _user_count(adm):
    return find_users(adm, per_page=1)["total"]


def test_malformed_json():
    for body in (b'{"username": "admin", ', b'{username: "admin"}', b"{'a': 1}",
                 b'{"username": "admin", "password": "Demo#2019"} trailing', b"", b"nul"):
        resp = _login_raw(body)
        assert_error(resp, 400, "bad_request")
        check(session_set_cookie(resp) is None, "malformed login set a cookie", resp)
    adm = admin()
    before = _user_count(adm)
    assert_error(adm.post("/api/users", body=b'{"username": "x1y2z3", "role": ',
                          content_type="application/json"), 400, "bad_request")
    check(_user_count(adm) == before, "malformed create added a user")


def test_json_not_an_object():
    for body in (b'["admin", "Demo#2019"]', b'"admin"', b"42", b"null", b"true"):
        assert_error(_login_raw(body), 400, "bad_request")
    adm = admin()
    before = _user_count(adm)
    assert_error(adm.post("/api/users", body=b"[]", content_type="application/json"),
                 400, "bad_request")
    check(_user_count(adm) == before, "array create added a user")


def test_wrong_types():
    assert_error(Client().post("/api/session", {"username": ["admin"], "password": DEMO_PASSWORD}),
                 400, "bad_request", "username")
    assert_error(Client().post("/api/session", {"username": "admin", "password": 2019}),
                 400, "bad_request", "password")
    adm = admin()
    name = unique()
    assert_error(adm.post("/api/users", {"username": name, "name": "类型", "role": 3,
                                         "password": "Type#2019x"}), 400, "bad_request", "role")
    assert_error(adm.post("/api/users", {"username": name, "name": "类型", "role": "point",
                                         "point_id": "12", "password": "Type#2019x"}),
                 400, "bad_request", "point_id")
    check(not user_exists(adm, name), "a badly typed create added a user")


def test_invalid_utf8_in_json_string():
    resp = _login_raw(b'{"username": "\xff\xfe", "password": "Demo#2019"}')
    assert_error(resp, 400, "bad_request")
    resp = _login_raw(b'{"username": "adm\xc3in", "password": "Demo#2019"}')
    assert_error(resp, 400, "bad_request")
    adm = admin()
    name = unique()
    body = ('{"username": "%s", "name": "\xff\xfe", "role": "province", "password": "Utf8#2019x"}'
            % name).encode("latin-1")
    assert_error(adm.post("/api/users", body=body, content_type="application/json"),
                 400, "bad_request")
    check(not user_exists(adm, name), "a create with invalid UTF-8 added a user")


def test_body_over_one_mib():
    pad = MIB - len(b'{"username": "admin", "password": "Demo#2019", "pad": ""}') + 1
    body = b'{"username": "admin", "password": "Demo#2019", "pad": "' + b"a" * pad + b'"}'
    check(len(body) == MIB + 1, "test body is %d bytes" % len(body))
    resp = _login_raw(body)
    assert_error(resp, 413, "too_large")
    check(session_set_cookie(resp) is None, "an oversized login set a cookie", resp)
    adm = admin()
    name = unique()
    body = ('{"username": "%s", "name": "大", "role": "province", "password": "Big#2019xx", "pad": "'
            % name).encode() + b"b" * MIB + b'"}'
    assert_error(adm.post("/api/users", body=body, content_type="application/json"), 413, "too_large")
    check(not user_exists(adm, name), "an oversized create added a user")
    expect_json(raw_request("GET", "/api/health"), 200, "health after oversized bodies")


def test_body_of_exactly_one_mib_is_not_too_large():
    head = b'{"username": "admin", "password": "Demo#2019", "pad": "'
    body = head + b"a" * (MIB - len(head) - 2) + b'"}'
    check(len(body) == MIB, "test body is %d bytes" % len(body))
    resp = _login_raw(body)
    check(resp.status != 413, "a body of exactly 1 MiB was refused as too large", resp)
    check(resp.error() is not None or resp.status == 200, "no JSON answer", resp)


def test_wrong_content_type():
    body = b'{"username": "admin", "password": "Demo#2019"}'
    for ct in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        resp = _login_raw(body, ct)
        assert_error(resp, 415, "unsupported_media_type")
        check(session_set_cookie(resp) is None, "a %s login set a cookie" % ct, resp)
    adm = admin()
    name = unique()
    resp = adm.post("/api/users", body=('{"username": "%s", "name": "类型", "role": "province",'
                                        ' "password": "Type#2019x"}' % name).encode(),
                    content_type="text/plain")
    assert_error(resp, 415, "unsupported_media_type")
    check(not user_exists(adm, name), "a text/plain create added a user")
    # the charset parameter is accepted
    expect_json(_login_raw(body, "application/json; charset=utf-8"), 200, "charset=utf-8")


def test_unknown_path():
    adm = admin()
    for path in ("/api/nope", "/api/users/1/nope", "/api/sessionx", "/api/"):
        assert_error(adm.get(path), 404, "not_found")
    assert_error(adm.post("/api/nope", {"a": 1}), 404, "not_found")


def test_wrong_method():
    adm = admin()
    resp = adm.put("/api/health", {"status": "ok"})
    assert_error(resp, 405, "bad_request")
    allow = {m.strip().upper() for m in (resp.header("Allow") or "").split(",") if m.strip()}
    check("GET" in allow and "PUT" not in allow, "Allow is %r" % resp.header("Allow"), resp)
    before = _user_count(adm)
    resp = adm.delete("/api/users")
    assert_error(resp, 405, "bad_request")
    allow = {m.strip().upper() for m in (resp.header("Allow") or "").split(",") if m.strip()}
    check({"GET", "POST"} <= allow and "DELETE" not in allow, "Allow is %r" % resp.header("Allow"), resp)
    check(_user_count(adm) == before, "DELETE on the collection removed users")
    resp = adm.request("POST", users_path(adm.user["id"]), json={})
    assert_error(resp, 405, "bad_request")
    allow = {m.strip().upper() for m in (resp.header("Allow") or "").split(",") if m.strip()}
    check({"GET", "PATCH", "DELETE"} <= allow, "Allow is %r" % resp.header("Allow"), resp)


def test_invalid_utf8_in_query():
    adm = admin()
    for q in ("%FF", "%C3", "abc%FE%FF", "%ED%A0%80"):
        assert_error(adm.get("/api/users?q=" + q), 400, "bad_request")
    expect_json(adm.get("/api/users?q=%E6%9D%AD"), 200, "valid UTF-8 in the query")


def test_query_too_long():
    adm = admin()
    path = "/api/users?q=" + "a" * 5000
    assert_error(adm.get(path), 400, "bad_request")
    # exactly 4096 bytes is within the limit: it may be refused as an
    # invalid keyword, but not as a malformed request
    resp = adm.get("/api/users?q=" + "a" * (4096 - 2))
    if resp.status == 400:
        assert_error(resp, 400, "invalid", "q")
    else:
        body = expect_json(resp, 200, "a query of exactly 4096 bytes")
        check(body["items"] == [] and body["total"] == 0, "q=aaa... matched users", resp)


def test_bad_numeric_path_parameter():
    adm = admin()
    for p in ("abc", "99999999999999999999", "18446744073709551617", "1abc", "0x10", "1.0", "-1"):
        assert_error(adm.get(users_path(p)), 404, "not_found")
    assert_error(adm.patch(users_path("abc"), {"version": 1}), 404, "not_found")
    assert_error(adm.delete(users_path("99999999999999999999")), 404, "not_found")


def test_deeply_nested_json():
    body = b"[" * 100000 + b"]" * 100000
    assert_error(_login_raw(body), 400, "bad_request")
    body = b'{"username": ' + b'{"a":' * 50000 + b"1" + b"}" * 50000 + b', "password": "x"}'
    assert_error(_login_raw(body), 400, "bad_request")
    expect_json(raw_request("GET", "/api/health"), 200, "health after deep nesting")
