#!/usr/bin/env python3
"""A FastCGI client for one GET, as nginx sends it, straight to a socket:
   fcgi_get.py SOCKET PATH
prints the status line and the body; exits 1 when the answer is not whole.
For testing yujing without nginx (tests/deploy/check.sh)."""
import socket
import struct
import sys

BEGIN, END, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7


def record(kind, content, rid=1):
    return struct.pack(">BBHHBB", 1, kind, rid, len(content), 0, 0) + content


def pair(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
    n, v = name.encode(), value.encode()
    return length(len(n)) + length(len(v)) + n + v


def get(path, uri, cookie=None):
    """GET uri from the FastCGI socket at path: (status, body bytes), or
    (None, b"") when the answer is not whole."""
    params = {"REQUEST_METHOD": "GET", "REQUEST_URI": uri, "DOCUMENT_URI": uri.split("?")[0],
              "QUERY_STRING": uri.partition("?")[2], "REMOTE_ADDR": "127.0.0.1",
              "SERVER_PROTOCOL": "HTTP/1.1", "GATEWAY_INTERFACE": "CGI/1.1"}
    if cookie:
        params["HTTP_COOKIE"] = cookie
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(path)
    body = b"".join(pair(k, v) for k, v in params.items())
    s.sendall(record(BEGIN, struct.pack(">HB5x", 1, 0)) + record(PARAMS, body)
              + record(PARAMS, b"") + record(STDIN, b""))
    data, out, ended = b"", b"", False
    while not ended:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
        while len(data) >= 8:
            _, kind, _, clen, plen, _ = struct.unpack(">BBHHBB", data[:8])
            if len(data) < 8 + clen + plen:
                break
            content, data = data[8:8 + clen], data[8 + clen + plen:]
            if kind == STDOUT:
                out += content
            elif kind == END:
                ended = True
    s.close()
    if not ended:
        return None, b""
    head, _, payload = out.partition(b"\r\n\r\n")
    status = 200
    for line in head.decode("latin-1").split("\r\n"):
        if line.lower().startswith("status:"):
            status = int(line.split(":", 1)[1].split()[0])
    return status, payload


def main():
    status, body = get(sys.argv[1], sys.argv[2])
    if status is None:
        print("no FCGI_END_REQUEST")
        return 1
    print("Status: %d" % status)
    print(body.decode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
