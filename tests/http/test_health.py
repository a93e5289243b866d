"""GET /api/health and the headers every answer carries."""

from client import Client, JSON_TYPE, assert_error, check, expect_json, raw_request


def test_health_ok_without_login():
    resp = raw_request("GET", "/api/health")
    body = expect_json(resp, 200, "health")
    check(body.get("status") == "ok", "status is not ok", resp)
    check(body.get("db") == "ok", "db is not ok", resp)
    check(body.get("rules") == "ok", "rules is not ok", resp)
    check("error" not in body, "a healthy answer carries an error", resp)


def test_health_sets_no_session_cookie():
    resp = raw_request("GET", "/api/health")
    expect_json(resp, 200, "health")
    cookies = [c for c in resp.header_all("Set-Cookie") if c.startswith("yj_session=")]
    check(not cookies, "health handed out a session cookie %r" % cookies, resp)


def test_request_id_on_every_answer():
    c = Client()
    answers = [
        raw_request("GET", "/api/health"),
        raw_request("GET", "/api/health"),
        c.get("/api/session"),                          # 401
        c.post("/api/session", {"username": 1}),         # 400
    ]
    c.login("province")
    answers.append(c.get("/api/nope"))                  # 404
    answers.append(c.get("/api/session"))               # 200
    answers.append(c.delete("/api/session"))            # 204
    ids = []
    for r in answers:
        rid = r.header("X-Request-Id")
        check(rid is not None and rid.strip() != "", "no X-Request-Id header", r)
        ids.append(rid)
    check(len(set(ids)) == len(ids), "X-Request-Id values repeat: %r" % ids)


def test_json_answers_are_utf8_json():
    resp = raw_request("GET", "/api/health")
    check(resp.header("Content-Type") == JSON_TYPE,
          "Content-Type %r, want %r" % (resp.header("Content-Type"), JSON_TYPE), resp)
    resp = Client().get("/api/session")
    assert_error(resp, 401, "unauthenticated")
