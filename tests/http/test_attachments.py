"""附件: raw uploads to a draft, byte-exact downloads, who may see and
delete them, and the limits."""

import hashlib
from urllib.parse import quote

from client import check, expect_json
from pointlib import refused
from sublib import accounts, create, get, submit

NAME = "中文 名字.pdf"


def upload(c, sid, data, name=NAME):
    q = "" if name is None else "?name=" + quote(name, safe="")
    return c.post("/api/submissions/%d/attachments%s" % (sid, q), body=data,
                  content_type="application/octet-stream")


def test_attachment_roundtrip_and_rules():
    a = accounts()
    jd = a["jiande"]
    data = bytes(range(256)) * 3 + b"\x00\x00end\x00"
    sub = create(jd)
    sid = sub["id"]
    resp = upload(jd, sid, data)
    att = expect_json(resp, 201, "upload")
    check(att["name"] == NAME and att["size"] == len(data), "answer %r" % att)
    check(att["sha256"] == hashlib.sha256(data).hexdigest(), "sha256 %r" % att["sha256"])

    r = jd.get("/api/attachments/%d" % att["id"])
    check(r.status == 200 and r.body == data, "download differs: %d bytes, status %d"
          % (len(r.body), r.status))
    check(r.header("Content-Type", "").split(";")[0].strip() == "application/octet-stream",
          "Content-Type %r" % r.header("Content-Type"))
    disp = r.header("Content-Disposition", "")
    check(disp.startswith("attachment") and ("filename*=UTF-8''" + quote(NAME, safe="")) in disp,
          "Content-Disposition %r" % disp)
    check(r.header("X-Content-Type-Options") == "nosniff",
          "X-Content-Type-Options %r" % r.header("X-Content-Type-Options"))

    listed = get(jd, sid).get("attachments")
    check(listed == [{"id": att["id"], "name": NAME, "size": len(data), "sha256": att["sha256"]}],
          "the single read lists %r" % listed)

    for bad in ("a/b.pdf", "", None, "..\\x.pdf"):
        refused(upload(jd, sid, b"x", bad), 400, "invalid", "name")
    check(len(get(jd, sid)["attachments"]) == 1, "refused uploads added attachments")

    refused(a["ls_point"].get("/api/attachments/%d" % att["id"]), 404, "not_found")
    refused(a["hz_point"].get("/api/attachments/%d" % att["id"]), 404, "not_found")
    refused(upload(a["hz_point"], sid, b"x"), 404, "not_found")

    sub2 = create(jd)
    att2 = expect_json(upload(jd, sub2["id"], b"\x00delete me"), 201, "upload 2")
    d = jd.delete("/api/attachments/%d" % att2["id"])
    check(d.status == 204, "delete: %s" % d)
    refused(jd.get("/api/attachments/%d" % att2["id"]), 404, "not_found")
    check(get(jd, sub2["id"])["attachments"] == [], "deleted attachment still listed")

    done = submit(jd, get(jd, sid))
    refused(upload(jd, sid, b"late"), 409, "conflict")
    r = a["hangzhou"].get("/api/attachments/%d" % att["id"])
    check(r.status == 200 and r.body == data, "the reviewing city cannot download: %s" % r.status)
    check(done["state"] == "submitted", "state %r" % done["state"])


def test_attachment_limit_is_max_attachment():
    """Uploads have their own limit, max_attachment (20 MiB), on their own
    nginx location: a quarterly report with pictures over max_body (1 MiB)
    is stored byte for byte; one byte over 20 MiB is 413 and stores nothing."""
    jd = accounts()["jiande"]
    sub = create(jd)
    big = bytes(range(251)) * (20 * 1024 * 1024 // 251)
    big += b"\x07" * (20 * 1024 * 1024 - len(big))
    att = expect_json(upload(jd, sub["id"], big), 201, "an upload of exactly 20 MiB")
    check(att["size"] == len(big) and att["sha256"] == hashlib.sha256(big).hexdigest(),
          "20 MiB stored as %r" % att)
    r = jd.get("/api/attachments/%d" % att["id"])
    check(r.status == 200 and r.body == big, "the 20 MiB download differs: %d bytes" % len(r.body))
    sub2 = create(jd)
    resp = upload(jd, sub2["id"], big + b"x")
    check(resp.status == 413, "20 MiB + 1 byte: %s" % resp)
    check(get(jd, sub2["id"])["attachments"] == [], "the big body was stored")
    # JSON bodies keep max_body: 1 MiB + 1 byte to a JSON route is refused.
    resp = jd.post("/api/submissions", body=b"{" + b" " * (1024 * 1024) + b"}",
                   content_type="application/json")
    check(resp.status == 413, "a JSON body of 1 MiB + 1 byte: %s" % resp)


# Names that read differently from what they are: control characters, line
# separators, bidi overrides and isolates, BOM and zero-width characters.
INVISIBLE = [
    "a\tb.txt", "a\x7fb.txt", "a\x85b.txt", "a\x9bb.txt",
    "a\u2028b.txt", "a\u2029b.txt",
    "a\u202etxt.exe", "a\u202ab.txt", "a\u202db.txt",
    "a\u2066b.txt", "a\u2067b.txt", "a\u2068b.txt", "a\u2069b.txt",
    "\ufeffa.txt", "a\u200bb.txt", "a\u200cb.txt", "a\u200db.txt", "a\u200eb.txt", "a\u200fb.txt",
]


def test_attachment_names_with_invisible_characters_refused():
    jd = accounts()["jiande"]
    sub = create(jd)
    for name in INVISIBLE:
        err = refused(upload(jd, sub["id"], b"x", name), 400, "invalid", "name")
        check("不可见字符" in err["message"], "message for %r: %r" % (name, err["message"]))
    check(get(jd, sub["id"])["attachments"] == [], "a refused name was stored")
    # their visible neighbours are fine
    ok = expect_json(upload(jd, sub["id"], b"x", "a\u2010b\u00a1c.txt"), 201, "U+2010 and U+00A1")
    check(ok["name"] == "a\u2010b\u00a1c.txt", "stored name %r" % ok["name"])


def test_long_chinese_name_downloads_with_filename_star_and_sandbox():
    jd = accounts()["jiande"]
    sub = create(jd)
    name = ("关于对华反倾销调查的预警" * 21)[:249] + "报告.pdf"
    check(len(name) == 255, "the name has %d characters" % len(name))
    att = expect_json(upload(jd, sub["id"], b"%PDF-1.4 long name", name), 201, "255 characters")
    check(att["name"] == name, "stored %r" % att["name"])
    r = jd.get("/api/attachments/%d" % att["id"])
    check(r.status == 200 and r.body == b"%PDF-1.4 long name", "download %s" % r)
    disp = r.header_all("Content-Disposition")
    check(disp == ['attachment; filename="download.pdf"; filename*=UTF-8\'\'' + quote(name, safe="")],
          "Content-Disposition %r" % disp)
    # yujing's sandbox policy passes nginx, once, in place of the site's
    check(r.header_all("Content-Security-Policy") == ["sandbox"],
          "Content-Security-Policy %r" % r.header_all("Content-Security-Policy"))
    check(r.header_all("X-Content-Type-Options") == ["nosniff"],
          "X-Content-Type-Options %r" % r.header_all("X-Content-Type-Options"))
    # every other answer keeps the site's policy
    other = jd.get("/api/submissions/%d" % sub["id"])
    check(other.header_all("Content-Security-Policy") == ["default-src 'self'"],
          "an API answer's CSP %r" % other.header_all("Content-Security-Policy"))
    missing = jd.get("/api/attachments/%d" % (att["id"] + 100000))
    check(missing.status == 404 and
          missing.header_all("Content-Security-Policy") == ["default-src 'self'"],
          "a missing attachment's CSP %r" % missing.header_all("Content-Security-Policy"))
    page = jd.get("/")
    check(page.header_all("Content-Security-Policy") == ["default-src 'self'"],
          "the UI's CSP %r" % page.header_all("Content-Security-Policy"))
    # the longest value there is: 255 four-byte characters, through nginx whole
    emoji = "\U0001F4CE" * 255
    att = expect_json(upload(jd, sub["id"], b"clip", emoji), 201, "255 four-byte characters")
    r = jd.get("/api/attachments/%d" % att["id"])
    check(r.status == 200 and r.header_all("Content-Disposition") ==
          ["attachment; filename=\"download\"; filename*=UTF-8''" + quote(emoji, safe="")],
          "Content-Disposition %r" % r.header_all("Content-Disposition"))
