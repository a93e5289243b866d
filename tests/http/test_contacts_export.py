"""The contacts export (导出预警点联系人): GET /api/points/contacts.csv and
.xlsx.  Their rows must equal what the API shows: one per point, with its
city, district and first responsible person."""

import re
from urllib.parse import unquote

from client import CITIES, Client, admin, assert_error, check, expect, expect_json, has_cjk, login
from pointlib import (DEMO_POINTS, QINGYUAN, all_points, city_user, create_point, parse_csv, qs,
                      xlsx_rows)

HEADER = ["预警点名称", "所属地市", "所在地区", "负责人名字", "负责人电话"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CITY_ORDER = [c for c in CITIES]


def _expected_rows(c, **params):
    """The rows the export must hold, built from the list and people APIs."""
    rows = []
    for p in all_points(c, **params):
        people = expect_json(c.get("/api/points/%d/people?kind=responsible&per_page=1" % p["id"]), 200)
        first = people["items"][0] if people["items"] else None
        rows.append((CITY_ORDER.index(p["city"]), p["id"],
                     [p["name"], p["city_name"], p["district_name"] or "",
                      first["name"] if first else "",
                      (first["mobile"] or first["phone"] or "") if first else ""]))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def _csv(c, params=None):
    resp = c.get("/api/points/contacts.csv" + qs(**(params or {})))
    expect(resp, 200, "contacts.csv %r" % (params,))
    ct = resp.header("Content-Type", "")
    check(ct.lower().startswith("text/csv") and "utf-8" in ct.lower(), "Content-Type %r" % ct, resp)
    _disposition(resp, ".csv")
    rows = parse_csv(resp.body)
    check(rows and rows[0] == HEADER, "CSV header %r" % (rows[0] if rows else None,), resp)
    check(resp.body.endswith(b"\r\n") and b"\r\n" in resp.body, "CSV records do not end in CRLF")
    return [_unguard(r) for r in rows[1:]]


def _unguard(row):
    # A text cell starting with = + - @ carries a leading apostrophe against formulas.
    return [v[1:] if v[:2] in ("'=", "'+", "'-", "'@") else v for v in row]


def _disposition(resp, ext):
    cd = resp.header("Content-Disposition", "")
    check(cd.startswith("attachment"), "Content-Disposition %r" % cd, resp)
    m = re.search(r"filename\*=UTF-8''([^;\s]+)", cd)
    check(m is not None, "Content-Disposition has no filename*=UTF-8'': %r" % cd, resp)
    name = unquote(m.group(1), encoding="utf-8", errors="strict")
    check(name.endswith(ext) and has_cjk(name) and "联系人" in name,
          "the file is named %r" % name, resp)
    m = re.search(r'filename="([^"]+)"', cd)
    check(m is not None and m.group(1).isascii() and m.group(1).endswith(ext),
          "no ASCII filename fallback: %r" % cd, resp)


def _xlsx(c, params=None):
    resp = c.get("/api/points/contacts.xlsx" + qs(**(params or {})))
    expect(resp, 200, "contacts.xlsx %r" % (params,))
    check(resp.header("Content-Type", "").startswith(XLSX_TYPE), "Content-Type %r"
          % resp.header("Content-Type"), resp)
    check(resp.body[:2] == b"PK", "the .xlsx is not a zip file")
    _disposition(resp, ".xlsx")
    rows = xlsx_rows(resp.body)
    check(HEADER in [r[:5] for r in rows], "no header row %r in the sheet: %r" % (HEADER, rows[:3]))
    start = [r[:5] for r in rows].index(HEADER) + 1
    data = [(r + [""] * 5)[:5] for r in rows[start:]]
    for r in rows[start:]:
        check(all(v == "" for v in r[5:]), "a row has more than 5 cells: %r" % r)
    return data


def test_contacts_csv_province():
    prov = login("province")
    rows = _csv(prov)
    total = expect_json(prov.get("/api/points?per_page=1"), 200)["total"]
    check(len(rows) == total >= DEMO_POINTS, "the CSV has %d rows, the list %d points" % (len(rows), total))
    want = _expected_rows(prov)
    check(rows == want, "CSV rows differ from the API: first difference %r"
          % next(((g, w) for g, w in zip(rows, want) if g != w), None))
    q = [r for r in rows if r[0] == QINGYUAN]
    check(q == [[QINGYUAN, "丽水市", "庆元县", "冯永康", "15230529062"]], "庆元's row: %r" % q)
    cities = [r[1] for r in rows]
    check(cities == sorted(cities, key=lambda n: list(CITIES.values()).index(n)),
          "rows are not grouped by city in GB/T 2260 order")
    check(len({r[0] for r in rows}) == len(rows), "a point has two rows")
    check(_csv(admin()) == rows, "admin's export differs")


def test_contacts_csv_filters_and_scope():
    prov = login("province")
    ls_rows = _csv(prov, {"city": "331100"})
    check(ls_rows == _expected_rows(prov, city="331100"), "?city=331100 rows differ from the API")
    check(ls_rows and all(r[1] == "丽水市" for r in ls_rows), "?city=331100 has other cities")
    q = _csv(prov, {"q": "庆元"})
    check(q == _expected_rows(prov, q="庆元") and QINGYUAN in [r[0] for r in q], "?q=庆元 gave %r" % q)
    shi = _csv(prov, {"type": "市级", "status": "正式"})
    check(shi == _expected_rows(prov, type="市级", status="正式"), "?type=市级&status=正式 differs")
    check(_csv(prov, {"city": "999999"}) == [], "an unknown city gives rows")
    assert_error(prov.get("/api/points/contacts.csv?type=x"), 400, "invalid", "type")

    hz = login("hangzhou")
    hz_rows = _csv(hz)
    check(hz_rows == _expected_rows(hz) and hz_rows, "杭州市's export differs from its list")
    check(all(r[1] == "杭州市" for r in hz_rows), "杭州市's export has other cities: %r"
          % sorted({r[1] for r in hz_rows}))
    check(hz_rows == _csv(prov, {"city": "330100"}), "杭州市's export differs from the province's ?city=330100")
    assert_error(hz.get("/api/points/contacts.csv?city=331100"), 403, "forbidden")
    ls = city_user(admin(), "331100")
    check(_csv(ls) == ls_rows, "丽水市's export differs")

    jd = login("jiande")
    jrows = _csv(jd)
    check(len(jrows) == 1 and jrows[0][0] == "建德精细化工产品对外贸易预警示范点" and jrows[0][2] == "建德市",
          "建德's export: %r" % jrows)


def test_contacts_follow_people_changes():
    prov = login("province")
    p = create_point(prov, city="331100", district="331126")
    row = [r for r in _csv(prov, {"city": "331100"}) if r[0] == p["name"]]
    check(row == [[p["name"], "丽水市", "庆元县", "", ""]], "a point without people: %r" % row)
    base = "/api/points/%d/people" % p["id"]
    expect_json(prov.post(base, {"kind": "staff", "name": "工作人员", "mobile": "13900000001"}), 201)
    a = expect_json(prov.post(base, {"kind": "responsible", "name": "负责人甲", "phone": "0578-6011987"}), 201)
    expect_json(prov.post(base, {"kind": "responsible", "name": "负责人乙", "mobile": "13900000002"}), 201)
    row = [r for r in _csv(prov, {"q": p["name"]})]
    check(row == [[p["name"], "丽水市", "庆元县", "负责人甲", "0578-6011987"]],
          "the first responsible person (landline when no mobile): %r" % row)
    expect(prov.delete(base + "/%d" % a["id"]), 204)
    row = [r for r in _csv(prov, {"q": p["name"]})]
    check(row == [[p["name"], "丽水市", "庆元县", "负责人乙", "13900000002"]],
          "after removing the first responsible person: %r" % row)
    xrow = [r for r in _xlsx(prov, {"q": p["name"]})]
    check(xrow == row, "the .xlsx row %r differs from the CSV %r" % (xrow, row))


def test_contacts_xlsx_equals_csv():
    prov = login("province")
    csv_rows = _csv(prov)
    rows = _xlsx(prov)
    check(len(rows) == len(csv_rows), "the .xlsx has %d rows, the CSV %d" % (len(rows), len(csv_rows)))
    check(rows == csv_rows, "the .xlsx differs from the CSV: first difference %r"
          % next(((g, w) for g, w in zip(rows, csv_rows) if g != w), None))
    check([QINGYUAN, "丽水市", "庆元县", "冯永康", "15230529062"] in rows, "庆元's row is not in the .xlsx")
    hz_rows = _xlsx(login("hangzhou"))
    check(hz_rows == _csv(login("hangzhou")) and all(r[1] == "杭州市" for r in hz_rows),
          "杭州市's .xlsx differs from its CSV")
    check(_xlsx(prov, {"city": "331100"}) == _csv(prov, {"city": "331100"}), "?city=331100 .xlsx differs")


def test_contacts_refused():
    assert_error(login("editor").get("/api/points/contacts.csv"), 403, "forbidden")
    assert_error(login("editor").get("/api/points/contacts.xlsx"), 403, "forbidden")
    assert_error(Client().get("/api/points/contacts.csv"), 401, "unauthenticated")
    assert_error(Client().get("/api/points/contacts.xlsx"), 401, "unauthenticated")
    assert_error(login("hangzhou").get("/api/points/contacts.xlsx?city=331100"), 403, "forbidden")
