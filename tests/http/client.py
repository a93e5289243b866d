"""Helpers for the black-box HTTP tests of yujing.

The tests talk to the real stack (nginx -> yujing -> private MariaDB) over
plain HTTP/1.1.  Requests are written to the socket by hand so that a test
can send any bytes, headers and content types it likes, and every response
is read completely (a truncated body raises instead of passing silently).

run.py calls configure() before importing the test files.
"""

import email.utils
import http.client
import json as _json
import os
import re
import secrets
import socket
import subprocess
import time
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

BASE = "http://127.0.0.1:18080"
STACK = "test"
TIMEOUT = 60.0

DEMO_PASSWORD = "Demo#2019"
DEMO_USERS = {
    "admin": "admin",
    "province": "province",
    "hangzhou": "city",
    "jiande": "point",
    "editor": "editor",
}
JIANDE_POINT = "建德精细化工产品对外贸易预警示范点"
SESSION_COOKIE = "yj_session"
JSON_TYPE = "application/json; charset=utf-8"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

# The 11 cities of Zhejiang (GB/T 2260).
CITIES = {
    "330100": "杭州市", "330200": "宁波市", "330300": "温州市",
    "330400": "嘉兴市", "330500": "湖州市", "330600": "绍兴市",
    "330700": "金华市", "330800": "衢州市", "330900": "舟山市",
    "331000": "台州市", "331100": "丽水市",
}

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MISSING = object()


def configure(base=None, stack=None):
    global BASE, STACK
    if base:
        BASE = base.rstrip("/")
    if stack:
        STACK = stack


def run_dir():
    return os.path.join(REPO, ".run", STACK)


# ---------------------------------------------------------------- responses

class Response:
    """One HTTP answer.  Unpacks as (status, headers, body, json)."""

    def __init__(self, method, path, status, headers, body):
        self.method = method
        self.path = path
        self.status = status
        self.headers = headers          # http.client.HTTPMessage
        self.body = body                # bytes
        try:
            self.json = _json.loads(body.decode("utf-8")) if body else None
        except (ValueError, UnicodeDecodeError):
            self.json = None

    def __iter__(self):
        return iter((self.status, self.headers, self.body, self.json))

    def header(self, name, default=None):
        return self.headers.get(name, default)

    def header_all(self, name):
        return self.headers.get_all(name) or []

    def error(self):
        j = self.json
        if isinstance(j, dict) and isinstance(j.get("error"), dict):
            return j["error"]
        return None

    def __str__(self):
        text = self.body[:1500].decode("utf-8", "replace")
        if len(self.body) > 1500:
            text += "... (%d bytes)" % len(self.body)
        shown = self.path if len(self.path) <= 120 else self.path[:120] + "..."
        return "%s %s -> HTTP %s, body: %s" % (self.method, shown, self.status,
                                               text if text else "(empty)")


def raw_request(method, path, body=None, headers=None, timeout=None):
    """Send one request exactly as given and read the whole answer.

    headers is a list of (name, value) pairs or a dict; Host, Connection
    and Content-Length are added unless given.  body is bytes (or str).
    """
    u = urlsplit(BASE)
    host, port = u.hostname, u.port or 80
    if isinstance(headers, dict):
        headers = list(headers.items())
    headers = list(headers or [])
    names = {k.lower() for k, _ in headers}
    if isinstance(body, str):
        body = body.encode("utf-8")
    if "host" not in names:
        headers.insert(0, ("Host", "%s:%d" % (host, port)))
    if "connection" not in names:
        headers.append(("Connection", "close"))
    if body is not None and "content-length" not in names:
        headers.append(("Content-Length", str(len(body))))
    head = "%s %s HTTP/1.1\r\n" % (method, path)
    head += "".join("%s: %s\r\n" % (k, v) for k, v in headers) + "\r\n"
    data = head.encode("utf-8") + (body or b"")

    sock = socket.create_connection((host, port), timeout=timeout or TIMEOUT)
    try:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass        # the server may answer before reading it all (413)
        resp = http.client.HTTPResponse(sock, method=method)
        resp.begin()
        payload = resp.read()   # raises IncompleteRead on a truncated body
        return Response(method, path, resp.status, resp.headers, payload)
    finally:
        sock.close()


# ------------------------------------------------------------------ clients

def _parse_set_cookie(value):
    parts = [p.strip() for p in value.split(";")]
    name, _, val = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        if not p:
            continue
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return name.strip(), val.strip(), attrs


def cookie_expired(attrs):
    """True when a Set-Cookie's attributes delete the cookie."""
    ma = attrs.get("max-age")
    if isinstance(ma, str):
        try:
            if int(ma) <= 0:
                return True
        except ValueError:
            pass
    exp = attrs.get("expires")
    if isinstance(exp, str):
        try:
            when = email.utils.parsedate_to_datetime(exp)
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            if when <= datetime.now(timezone.utc):
                return True
        except (TypeError, ValueError):
            pass
    return False


def session_set_cookie(resp):
    """(value, attrs) of the yj_session Set-Cookie in resp, or None."""
    for v in resp.header_all("Set-Cookie"):
        name, val, attrs = _parse_set_cookie(v)
        if name == SESSION_COOKIE:
            return val, attrs
    return None


class Client:
    """A browser-like client: its own cookie jar and CSRF token."""

    def __init__(self):
        self.cookies = {}
        self.csrf = None
        self.user = None

    def session_cookie(self):
        return self.cookies.get(SESSION_COOKIE)

    def request(self, method, path, json=_MISSING, body=None, headers=None,
                content_type=None, csrf=None, cookie=None, timeout=None):
        """csrf: None sends the stored token on unsafe methods, False sends
        none, a string sends that.  cookie: None sends the jar, False sends
        no cookie, a string is sent as the Cookie header."""
        hdrs = list((headers or {}).items()) if isinstance(headers, dict) \
            else list(headers or [])
        if json is not _MISSING:
            body = _json.dumps(json, ensure_ascii=False).encode("utf-8")
            if content_type is None:
                content_type = "application/json"
        if content_type is not None:
            hdrs.append(("Content-Type", content_type))
        if method in UNSAFE:
            token = self.csrf if csrf is None else csrf
            if token:
                hdrs.append(("X-CSRF-Token", token))
        if cookie is None and self.cookies:
            hdrs.append(("Cookie", "; ".join("%s=%s" % kv for kv in self.cookies.items())))
        elif isinstance(cookie, str):
            hdrs.append(("Cookie", cookie))
        if body is None and method in UNSAFE:
            body = b""
        resp = raw_request(method, path, body=body, headers=hdrs, timeout=timeout)
        for v in resp.header_all("Set-Cookie"):
            name, val, attrs = _parse_set_cookie(v)
            if not val or cookie_expired(attrs):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=_MISSING, **kw):
        return self.request("POST", path, json=json, **kw)

    def put(self, path, json=_MISSING, **kw):
        return self.request("PUT", path, json=json, **kw)

    def patch(self, path, json=_MISSING, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def login(self, username, password=DEMO_PASSWORD, expect_ok=True):
        resp = self.post("/api/session", {"username": username, "password": password})
        if resp.status == 200 and isinstance(resp.json, dict):
            self.csrf = resp.json.get("csrf_token")
            self.user = resp.json.get("user")
        elif expect_ok:
            raise AssertionError("login as %r failed: %s" % (username, resp))
        return resp


def login(username, password=DEMO_PASSWORD):
    """A new Client logged in as username."""
    c = Client()
    c.login(username, password)
    return c


def admin():
    return login("admin")


# --------------------------------------------------------------- assertions

def check(cond, msg, resp=None):
    if not cond:
        raise AssertionError(msg + ("\n%s" % resp if resp is not None else ""))


def expect(resp, status, what=None):
    """Asserts the status; for JSON answers also the Content-Type."""
    if resp.status != status:
        raise AssertionError("%sexpected HTTP %d, got %s"
                             % (what + ": " if what else "", status, resp))
    if resp.body:
        ct = resp.header("Content-Type", "")
        if ct.lower().startswith("application/json"):
            check(ct == JSON_TYPE, "Content-Type is %r, want %r" % (ct, JSON_TYPE), resp)
    return resp.json


def expect_json(resp, status, what=None):
    """Status plus a JSON object body with the exact JSON Content-Type."""
    expect(resp, status, what)
    ct = resp.header("Content-Type")
    check(ct == JSON_TYPE, "Content-Type is %r, want %r" % (ct, JSON_TYPE), resp)
    check(isinstance(resp.json, dict), "body is not a JSON object", resp)
    return resp.json


def has_cjk(s):
    return isinstance(s, str) and _CJK.search(s) is not None


def assert_error(resp, status, code, field=None):
    """The error envelope {"error": {"code", "message", "field"?}}."""
    if resp.status != status:
        raise AssertionError("expected HTTP %d %s, got %s" % (status, code, resp))
    ct = resp.header("Content-Type")
    check(ct == JSON_TYPE, "Content-Type is %r, want %r" % (ct, JSON_TYPE), resp)
    err = resp.error()
    check(err is not None, "no error envelope", resp)
    check(err.get("code") == code, "error code %r, want %r" % (err.get("code"), code), resp)
    msg = err.get("message")
    check(isinstance(msg, str) and msg.strip() != "", "error message is empty", resp)
    check(has_cjk(msg), "error message %r has no Chinese text" % (msg,), resp)
    if field is not None:
        check(err.get("field") == field,
              "error field %r, want %r" % (err.get("field"), field), resp)
    return err


# ---------------------------------------------------------- database, stack

def _conf_value(key):
    path = os.path.join(run_dir(), "yujing.conf")
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            k, eq, v = line.partition("=")
            if eq and k.strip() == key:
                return v.strip()
    raise RuntimeError("%s: no %s line" % (path, key))


def db(sql):
    """Runs SQL as MariaDB root on the private test instance; returns the
    rows as lists of strings (NULL comes back as the string "NULL")."""
    cmd = ["mariadb", "--no-defaults", "--socket=" + _conf_value("db_socket"), "-u", "root",
           "--default-character-set=utf8mb4", "-N", "-B", "yujing", "-e", sql]
    p = subprocess.run(cmd, capture_output=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError("mariadb failed (%d) for %r: %s"
                           % (p.returncode, sql, p.stderr.decode("utf-8", "replace").strip()))
    out = p.stdout.decode("utf-8")
    return [line.split("\t") for line in out.splitlines()]


def db_value(sql):
    rows = db(sql)
    return rows[0][0] if rows else None


def sql_str(s):
    """A SQL string literal for test-controlled text."""
    return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'"


def clear_login_attempts():
    db("DELETE FROM login_attempts")
    db("DELETE FROM login_locks")


def stack(cmd, timeout=300):
    """Runs tests/stack.sh CMD --name STACK; raises when it fails."""
    script = os.path.join(REPO, "tests", "stack.sh")
    p = subprocess.run(["bash", script, cmd, "--name", STACK], cwd=REPO,
                       capture_output=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("stack.sh %s failed (%d): %s%s"
                           % (cmd, p.returncode, p.stdout.decode("utf-8", "replace")[-2000:],
                              p.stderr.decode("utf-8", "replace")[-2000:]))
    return p


def app_pid():
    with open(os.path.join(run_dir(), "yujing.pid")) as f:
        return int(f.read().strip())


def wait_healthy(seconds=30):
    """Polls /api/health until it answers 200; returns the last response."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = raw_request("GET", "/api/health", timeout=5)
            if last.status == 200:
                return last
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("health did not become ok within %ds: %s" % (seconds, last))


# ------------------------------------------------------------------- users

def unique(prefix="t"):
    return "%s_%s" % (prefix, secrets.token_hex(5))


def strong_password():
    return "Pw#" + secrets.token_hex(6) + "x"


def create_user(adm, role="province", username=None, password=None, **fields):
    """Creates a user through the admin API; returns (user, password)."""
    username = username or unique()
    password = password or strong_password()
    body = {"username": username, "name": "测试用户" + username[-4:],
            "role": role, "password": password}
    if role == "city" and "city" not in fields:
        fields["city"] = "330100"
    if role == "point" and "point_id" not in fields:
        fields["point_id"] = jiande_point_id()
    body.update(fields)
    resp = adm.post("/api/users", body)
    user = expect_json(resp, 201, "create user %s" % username)
    check(isinstance(user.get("id"), int), "created user has no integer id", resp)
    return user, password


def users_path(uid):
    return "/api/users/%s" % uid


def find_users(adm, **query):
    q = "&".join("%s=%s" % (k, quote(str(v), safe="")) for k, v in query.items())
    resp = adm.get("/api/users" + ("?" + q if q else ""))
    return expect_json(resp, 200, "list users")


def user_exists(adm, username):
    """True when an exact username is listed by the admin API."""
    body = find_users(adm, q=username, per_page=200)
    return any(u.get("username") == username for u in body.get("items", []))


def user_id(username):
    v = db_value("SELECT id FROM users WHERE username = %s" % sql_str(username))
    return int(v) if v not in (None, "NULL") else None


def jiande_point_id():
    v = db_value("SELECT id FROM points WHERE name = %s" % sql_str(JIANDE_POINT))
    if v in (None, "NULL"):
        raise AssertionError("demo point %s not found in the points table" % JIANDE_POINT)
    return int(v)
