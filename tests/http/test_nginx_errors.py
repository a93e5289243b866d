"""Requests nginx refuses itself answer the API's JSON envelope in Chinese,
never nginx's HTML pages (nginx/errors_yujing.conf). Written to a raw
socket, byte for byte, since no HTTP library sends these."""

import json
import socket
from urllib.parse import urlsplit

import client
from client import check, has_cjk


def _raw(data):
    """Sends data as it is and returns (status, headers dict, body bytes)."""
    u = urlsplit(client.BASE)
    sock = socket.create_connection((u.hostname, u.port or 80), timeout=client.TIMEOUT)
    try:
        sock.sendall(data)
        out = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            out += chunk
    finally:
        sock.close()
    head, _, body = out.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    check(len(parts) >= 2 and parts[0].startswith("HTTP/1."), "status line %r" % lines[0])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.setdefault(k.strip().lower(), []).append(v.strip())
    if "content-length" in headers:
        body = body[:int(headers["content-length"][0])]
    return int(parts[1]), headers, body


def _envelope(data, status, code="bad_request"):
    st, headers, body = _raw(data)
    shown = "%r -> %d %r" % (data[:80], st, body[:300])
    check(st == status, "status: " + shown)
    check(headers.get("content-type", [""])[0].startswith("application/json"),
          "Content-Type %r: %s" % (headers.get("content-type"), shown))
    check(b"<html" not in body.lower(), "an HTML page: " + shown)
    try:
        err = json.loads(body.decode("utf-8"))["error"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        check(False, "not the JSON envelope: " + shown)
    check(err.get("code") == code, "code: " + shown)
    check(has_cjk(err.get("message", "")), "message not Chinese: " + shown)
    check(headers.get("content-security-policy") == ["default-src 'self'"] and
          headers.get("x-content-type-options") == ["nosniff"],
          "security headers %r: %s" % (headers, shown))
    return err


def test_trace_is_405_json():
    err = _envelope(b"TRACE /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405)
    check("方法" in err["message"], "message %r" % err["message"])
    _envelope(b"TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 405)


def test_connect_is_json():
    _envelope(b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n"
              b"Connection: close\r\n\r\n", 400)


def test_transfer_encoding_gzip_is_501_json():
    for te in (b"gzip", b"gzip, chunked", b"deflate"):
        err = _envelope(b"POST /api/session HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te +
                        b"\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                        b"0\r\n\r\n", 501)
        check("传输编码" in err["message"], "message %r" % err["message"])


def test_http2_request_line_is_505_json():
    for version in (b"HTTP/2.0", b"HTTP/3.0"):
        err = _envelope(b"GET /api/health " + version + b"\r\nHost: x\r\nConnection: close\r\n\r\n",
                        505)
        check("HTTP/1.1" in err["message"], "message %r" % err["message"])


def test_post_to_a_static_file_is_405_json():
    _envelope(b"POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
              b"Connection: close\r\n\r\n{}", 405)


def test_unparsable_requests_stay_json():
    _envelope(b"GET\x01 / HTTP/1.1\r\n\r\n", 400)
    _envelope(b"GET /api/health HTTP/1.1\r\nConnection: close\r\n\r\n", 400)   # no Host
    _envelope(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 +
              b"\r\nConnection: close\r\n\r\n", 400)
    _envelope(b"GET /api/health?" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n"
              b"Connection: close\r\n\r\n", 414, "too_large")


def test_yujing_still_answers_after_them():
    st, _, body = _raw(b"GET /api/health HTTP/1.0\r\nHost: x\r\n\r\n")   # 1.0: not chunked
    check(st == 200 and json.loads(body)["status"] == "ok", "health %d %r" % (st, body))
