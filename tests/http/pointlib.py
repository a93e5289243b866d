"""Shared helpers for the warning-point tests (test_point*.py, test_leadership.py,
test_contacts_export.py, test_dicts.py).

Every test makes its own uniquely named data, so the files run in any order
and again and again on the same stack.  Demo points are found by name through
the API, never by a hard-coded id.
"""

import csv
import io
import os
import re
import secrets
import zipfile
from datetime import datetime, timedelta, timezone
from urllib.parse import quote
from xml.etree import ElementTree as ET

from client import (REPO, assert_error, check, create_user, db_value, expect_json, login,
                    sql_str)

QINGYUAN = "庆元铅笔对外贸易预警示范点"
JIANDE = "建德精细化工产品对外贸易预警示范点"
TEA = "浙江省茶叶对外贸易预警示范点"          # a demo point in 下城区 (abolished 2021)
DEMO_POINTS = 106

# API.md's Point, plus what the list adds for people to read.
POINT_KEYS = {"id", "name", "host_org", "type", "batch", "industry", "city", "district",
              "founded_year", "approval_no", "address", "phone", "fax", "website", "email",
              "status", "enterprise_count", "version", "city_name", "district_name",
              "industry_name"}
EDITABLE = ("name", "host_org", "type", "batch", "industry", "city", "district",
            "founded_year", "approval_no", "address", "phone", "fax", "website", "email",
            "status")
PERSON_KEYS = {"id", "kind", "name", "position", "phone", "mobile", "email", "version"}
ENTERPRISE_KEYS = {"id", "name", "credit_code", "contact", "phone", "products", "markets",
                   "version"}

ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?\+08:00$")
BEIJING = timezone(timedelta(hours=8))


def tag():
    return secrets.token_hex(4)


def qs(**params):
    """A query string with every value percent-encoded."""
    parts = ["%s=%s" % (k, quote(str(v), safe="")) for k, v in params.items() if v is not None]
    return "?" + "&".join(parts) if parts else ""


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_time(s, what, resp=None):
    check(isinstance(s, str) and ISO_TIME.match(s) is not None,
          "%s %r is not ISO 8601 with +08:00" % (what, s), resp)
    when = datetime.fromisoformat(s)
    return when


def now_beijing():
    return datetime.now(BEIJING)


# ------------------------------------------------------------ reference data

def read_csv(name):
    with open(os.path.join(REPO, "sql", "data", name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def demo_point_names():
    """The names of the points the demo SQL files insert."""
    names = []
    for fname in sorted(os.listdir(os.path.join(REPO, "sql", "demo"))):
        if not fname.endswith(".sql"):
            continue
        with open(os.path.join(REPO, "sql", "demo", fname), encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"INSERT INTO points \(.*?\)\s*VALUES(.*?)ON DUPLICATE KEY", text, re.S):
            names.extend(re.findall(r"^\s*\(\s*'([^']+)'", m.group(1), re.M))
    return names


# ------------------------------------------------------------------ points

def list_points(c, **params):
    return expect_json(c.get("/api/points" + qs(**params)), 200, "list points %r" % params)


def all_points(c, **params):
    """Every point the caller may see (paging through), in list order."""
    items, page = [], 1
    while True:
        body = list_points(c, page=page, per_page=200, **params)
        items.extend(body["items"])
        if len(items) >= body["total"] or not body["items"]:
            check(len(items) == body["total"],
                  "paged through %d points, total says %d" % (len(items), body["total"]))
            return items
        page += 1


def find_point(c, name):
    """The list item of the point called exactly name (found with ?q=)."""
    body = list_points(c, q=name, per_page=200)
    hits = [p for p in body["items"] if p["name"] == name]
    check(len(hits) == 1, "?q=%s finds %d points named so" % (name, len(hits)))
    return hits[0]


def point_id(c, name):
    return find_point(c, name)["id"]


def point_body(**overrides):
    """A complete, valid, uniquely named point in 杭州市 上城区.

    Its status is 筹建: only 正式 points count in statistics and scores, so
    the points these tests leave behind do not change other files' figures."""
    t = tag()
    body = {
        "name": "测试轴承%s对外贸易预警示范点" % t,
        "host_org": "测试轴承行业协会%s" % t,
        "type": "省级",
        "batch": "第五批",
        "industry": "MACHINERY",
        "city": "330100",
        "district": "330102",
        "founded_year": 2016,
        "approval_no": "{2016}12号",
        "address": "杭州市上城区解放路100号%s室" % t,
        "phone": "0571-87654321",
        "fax": "0571-87654322",
        "website": "https://www.example.com/yj",
        "email": "yj%s@example.com" % t,
        "status": "筹建",
    }
    body.update(overrides)
    return body


def create_point(c, **overrides):
    body = point_body(**overrides)
    resp = c.post("/api/points", body)
    got = expect_json(resp, 201, "create point %s" % body["name"])
    check(is_int(got.get("id")), "created point has no integer id", resp)
    return got


def get_point(c, pid):
    return expect_json(c.get("/api/points/%d" % pid), 200, "GET point %d" % pid)


def points_in_db():
    return int(db_value("SELECT COUNT(*) FROM points"))


# ----------------------------------------------------------------- accounts

def city_user(adm, city):
    """A new city account of city, logged in."""
    user, password = create_user(adm, role="city", city=city)
    return login(user["username"], password)


def point_user(adm, pid):
    """A new point account of point pid, logged in."""
    user, password = create_user(adm, role="point", point_id=pid)
    return login(user["username"], password)


# ------------------------------------------------------------------ traces

def traces(resp):
    """(point_history rows, audit_log rows) written by the request resp."""
    rid = resp.header("X-Request-Id")
    check(rid, "the answer has no X-Request-Id", resp)
    h = int(db_value("SELECT COUNT(*) FROM point_history WHERE request_id = %s" % sql_str(rid)))
    a = int(db_value("SELECT COUNT(*) FROM audit_log WHERE request_id = %s" % sql_str(rid)))
    return h, a


def check_no_trace(resp):
    h, a = traces(resp)
    check(h == 0 and a == 0,
          "a refused request wrote %d history and %d audit_log rows" % (h, a), resp)


def refused(resp, status, code, field=None):
    """The error answer, and that the request left nothing behind."""
    err = assert_error(resp, status, code, field)
    check_no_trace(resp)
    return err


def check_traced(resp, history=True):
    """A successful write left history rows (when history) and an audit row."""
    h, a = traces(resp)
    check(a >= 1, "the write left no audit_log row", resp)
    if history:
        check(h >= 1, "the write left no point_history row", resp)
    return h, a


# ------------------------------------------------------------------- lists

def check_list_envelope(body, resp, page=1, per_page=20):
    for k in ("items", "total", "page", "per_page"):
        check(k in body, "list lacks %r" % k, resp)
    check(body["page"] == page and body["per_page"] == per_page,
          "page/per_page %r/%r, want %r/%r" % (body["page"], body["per_page"], page, per_page),
          resp)
    check(is_int(body["total"]), "total is not an integer", resp)
    check(len(body["items"]) == max(0, min(per_page, body["total"] - (page - 1) * per_page)),
          "page %d holds %d items of %d" % (page, len(body["items"]), body["total"]), resp)


def page_through(c, path, per_page, **params):
    """Items of every page of a list, checking each page's envelope."""
    seen, page, total = [], 1, None
    while True:
        resp = c.get(path + qs(page=page, per_page=per_page, **params))
        body = expect_json(resp, 200, "page %d of %s" % (page, path))
        check_list_envelope(body, resp, page, per_page)
        if total is None:
            total = body["total"]
        check(body["total"] == total, "total changes between pages", resp)
        if not body["items"]:
            break
        seen.extend(body["items"])
        page += 1
        check(page < 10000, "paging does not end")
    check(len(seen) == total, "paged through %d items, total says %d" % (len(seen), total))
    return seen


# --------------------------------------------------------------- csv, xlsx

def parse_csv(body):
    check(body.startswith(b"\xef\xbb\xbf"), "the CSV does not start with the UTF-8 BOM: %r"
          % body[:10])
    text = body[3:].decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


# ------------------------------------------------------------- concurrency


XLSX_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _xlsx_col(ref):
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1


def xlsx_rows(body):
    """The first sheet's rows as lists of text (numbers as written)."""
    zf = zipfile.ZipFile(io.BytesIO(body))
    names = zf.namelist()
    check("xl/worksheets/sheet1.xml" in names, "no sheet1.xml in %r" % names)
    shared = []
    if "xl/sharedStrings.xml" in names:
        root = ET.fromstring(zf.read("xl/sharedStrings.xml"))
        for si in root.findall("m:si", XLSX_NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % XLSX_NS["m"])))
    sheet = ET.fromstring(zf.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iter("{%s}row" % XLSX_NS["m"]):
        cells = {}
        for c in row.findall("m:c", XLSX_NS):
            t, v = c.get("t"), c.find("m:v", XLSX_NS)
            if t == "s":
                val = shared[int(v.text)]
            elif t == "inlineStr":
                val = "".join(x.text or "" for x in c.iter("{%s}t" % XLSX_NS["m"]))
            elif v is not None:
                val = v.text
            else:
                val = ""
            cells[_xlsx_col(c.get("r"))] = val
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(width)])
    return rows


def race(clients, fn):
    """Runs fn(i, client) in one thread per client, all released at once;
    returns the results in client order."""
    import threading

    barrier = threading.Barrier(len(clients))
    out = [None] * len(clients)

    def run(i, c):
        try:
            barrier.wait(30)
            out[i] = fn(i, c)
        except Exception as e:   # noqa: BLE001 - reported by the caller
            out[i] = e

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for r in out:
        if isinstance(r, Exception):
            raise r
    return out
