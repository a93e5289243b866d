"""Real receivers for the dissemination tests: an SMTP server (aiosmtpd,
Debian's python3-aiosmtpd) that writes every message it accepts into a
folder, and an HTTP receiver that checks the WeCom and DingTalk robots'
documented body formats, DingTalk's signature and the generic webhook's
HMAC, and can answer errcode 45009 / 130101 or garbage.  Tests start them
and stop them; yujing talks to them over TCP like to the real ones.

Ports: the test stack's HTTP port + 5 (SMTP) and + 6 (robots)."""

import base64
import email
import email.policy
import hashlib
import hmac
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import client
from client import check, db, db_value, expect_json

if "/usr/lib/python3/dist-packages" not in sys.path:
    sys.path.append("/usr/lib/python3/dist-packages")   # python3-aiosmtpd
from aiosmtpd.controller import Controller  # noqa: E402


def _base_port():
    return urllib.parse.urlsplit(client.BASE).port or 80


def smtp_port():
    return _base_port() + 5


def robot_port():
    return _base_port() + 6


# ------------------------------------------------------------------- SMTP

class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, srv, session, envelope, address, rcpt_options):
        if self.server.mode == "refuse":
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, srv, session, envelope):
        import asyncio
        mode = self.server.mode
        if mode == "tempfail":
            return "451 4.3.0 try again later"
        if mode == "hang":
            # Holds the client until released; what was held is not kept.
            self.server.held += 1
            while self.server.mode == "hang":
                await asyncio.sleep(0.05)
            return "451 4.3.0 try again later"
        self.server.store(envelope)
        return "250 2.0.0 queued"


class SMTPServer:
    """aiosmtpd on 127.0.0.1:smtp_port(); mode: ok | tempfail | refuse | hang."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="yj-smtp-")
        self.mode = "ok"
        self.held = 0
        self._n = 0
        self._lock = threading.Lock()
        self.ctl = None

    def start(self):
        self.ctl = Controller(_Handler(self), hostname="127.0.0.1", port=smtp_port())
        self.ctl.start()
        return self

    def stop(self):
        if self.ctl is not None:
            self.mode = "ok"
            self.ctl.stop()
            self.ctl = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def store(self, envelope):
        with self._lock:
            self._n += 1
            n = self._n
        for rcpt in envelope.rcpt_tos:
            path = os.path.join(self.dir, "%06d-%s.eml" % (n, rcpt.replace("/", "_")))
            with open(path + ".tmp", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            os.rename(path + ".tmp", path)

    def messages(self, to=None):
        """[(recipient, email.message.EmailMessage)] in arrival order."""
        out = []
        for name in sorted(os.listdir(self.dir)):
            if not name.endswith(".eml"):
                continue
            rcpt = name.split("-", 1)[1][:-4]
            if to is not None and rcpt != to:
                continue
            with open(os.path.join(self.dir, name), "rb") as f:
                out.append((rcpt, email.message_from_bytes(f.read(), policy=email.policy.default)))
        return out

    def wait(self, to, n=1, seconds=60, subject=None):
        deadline = time.monotonic() + seconds
        while True:
            msgs = [m for _, m in self.messages(to)
                    if subject is None or subject in str(m["Subject"])]
            if len(msgs) >= n or time.monotonic() > deadline:
                return msgs
            time.sleep(0.1)


def parts(msg):
    """(text, html) of a multipart/alternative message."""
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return (text.get_content() if text else None, html.get_content() if html else None)


# ----------------------------------------------------------------- robots

class RobotReceiver:
    """HTTP on 127.0.0.1:robot_port().  /wecom?key=K, /dingtalk?access_token=T,
    /webhook/NAME; answers by mode[path name]: ok | an errcode (45009, 130101, 93000...) |
    garbage | 500.  Records (path, query, headers, body, problems)."""

    def __init__(self, dingtalk_secret=None, webhook_secret=None):
        self.dingtalk_secret = dingtalk_secret
        self.webhook_secret = webhook_secret
        self.mode = {}
        self.got = []
        self._lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n)
                u = urllib.parse.urlsplit(self.path)
                q = urllib.parse.parse_qs(u.query)
                name = u.path.strip("/").split("/")[0]
                problems = outer.check(name, q, self.headers, body)
                rec = {"path": u.path, "name": name, "query": q, "headers": dict(self.headers),
                       "body": body, "problems": problems}
                with outer._lock:
                    outer.got.append(rec)
                mode = outer.mode.get(u.path, outer.mode.get(name, "ok"))
                if mode == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                if mode == "garbage":
                    out = b"<html>bad gateway?"
                elif mode.isdigit():    # 45009, 130101: rate limits; others permanent
                    out = json.dumps({"errcode": int(mode), "errmsg": "api freq out of limit"
                                      if mode in ("45009", "130101") else "invalid webhook url"}).encode()
                elif problems:
                    out = json.dumps({"errcode": 310000, "errmsg": "; ".join(problems)}).encode()
                else:
                    out = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", robot_port()), H)
        self.httpd.daemon_threads = True

    def check(self, name, q, headers, body):
        """What a real robot would refuse, as a list of problems."""
        p = []
        try:
            j = json.loads(body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return ["body is not UTF-8 JSON"]
        if name == "wecom":
            # https://developer.work.weixin.qq.com/document/path/91770
            if j.get("msgtype") != "markdown" or not isinstance(j.get("markdown"), dict):
                p.append("msgtype markdown with a markdown object")
            else:
                c = j["markdown"].get("content")
                if not isinstance(c, str) or not c:
                    p.append("markdown.content")
                elif len(c.encode("utf-8")) > 4096:
                    p.append("markdown.content over 4096 bytes")
        elif name == "dingtalk":
            # https://open.dingtalk.com/document/robots/custom-robot-access
            md = j.get("markdown")
            if j.get("msgtype") != "markdown" or not isinstance(md, dict) or \
                    not isinstance(md.get("title"), str) or not isinstance(md.get("text"), str):
                p.append("msgtype markdown with title and text")
            if self.dingtalk_secret is not None:
                ts = (q.get("timestamp") or [""])[0]
                sign = (q.get("sign") or [""])[0]
                want = base64.b64encode(hmac.new(self.dingtalk_secret.encode(),
                                                 ("%s\n%s" % (ts, self.dingtalk_secret)).encode(),
                                                 hashlib.sha256).digest()).decode()
                if not ts.isdigit() or abs(int(ts) - time.time() * 1000) > 3600 * 1000:
                    p.append("timestamp %r not within an hour" % ts)
                if not hmac.compare_digest(sign, want):
                    p.append("sign mismatch")
        elif name == "webhook":
            sig = headers.get("X-Yujing-Signature", "")
            want = "sha256=" + hmac.new((self.webhook_secret or "").encode(), body,
                                        hashlib.sha256).hexdigest()
            if not hmac.compare_digest(sig, want):
                p.append("X-Yujing-Signature mismatch")
        return p

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def received(self, name=None, path=None):
        with self._lock:
            return [g for g in self.got if (name is None or g["name"] == name)
                    and (path is None or g["path"] == path)]

    def wait(self, path, n=1, seconds=60):
        deadline = time.monotonic() + seconds
        while True:
            got = self.received(path=path)
            if len(got) >= n or time.monotonic() > deadline:
                return got
            time.sleep(0.1)

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (robot_port(), path)


# ---------------------------------------------------------------- helpers

def set_mail(adm, port=None):
    body = expect_json(adm.put("/api/settings/mail", {
        "smtp_url": "smtp://127.0.0.1:%d" % (port or smtp_port()),
        "from": "noreply@yujing.test", "username": "", "password": ""}), 200, "PUT /api/settings/mail")
    return body


def reset_dissemination():
    """No subscriptions or channels of earlier tests reach the next one."""
    db("UPDATE subscriptions SET state = 'unsubscribed' WHERE state <> 'unsubscribed'")
    db("UPDATE channels SET enabled = 0, deleted_at = NOW() WHERE deleted_at IS NULL")
    db("UPDATE deliveries SET state = 'failed', cancelled = 1 WHERE state IN ('pending', 'retrying')")


def token_from(msg, what):
    """The token of the /subscribe/WHAT?token= link in a mail's text."""
    text, _ = parts(msg)
    key = "/subscribe/%s?token=" % what
    i = text.index(key) + len(key)
    return text[i:i + 64]


def subscribe(anon, smtp, addr, **filters):
    """Subscribes and confirms through the mail; returns the manage token."""
    body = {"email": addr}
    body.update(filters)
    had = len(smtp.wait(addr, 0, subject="确认"))
    resp = anon.post("/api/public/subscriptions", body)
    expect_json(resp, 202, "subscribe %s" % addr)
    msgs = smtp.wait(addr, had + 1, subject="确认")
    check(len(msgs) > had, "no confirmation mail for %s" % addr)
    tok = token_from(msgs[-1], "confirm")
    conf = expect_json(anon.post("/api/public/subscriptions/confirm", {"token": tok}), 200, "confirm")
    check(conf["state"] == "active", "after confirm: %r" % conf)
    return conf["manage_token"]


def deliveries(sid):
    rows = db("SELECT recipient, state, attempts, kind FROM deliveries WHERE submission_id = %d "
              "ORDER BY id" % sid)
    return rows


def wait_until(fn, what, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.1)


def published_row(sid):
    return db_value("SELECT COUNT(*) FROM publications WHERE submission_id = %d "
                    "AND unpublished_at IS NULL" % sid) == "1"
