"""Dictionaries: /api/dicts/regions, countries, industries, measure-types.

The dictionaries are data: what the API serves must equal sql/data/*.csv."""

from client import CITIES, Client, assert_error, check, expect_json, has_cjk, login
from pointlib import read_csv

PATHS = ("/api/dicts/regions", "/api/dicts/countries", "/api/dicts/industries",
         "/api/dicts/measure-types")


def _get(c, path):
    resp = c.get(path)
    body = expect_json(resp, 200, path)
    check(isinstance(body.get("items"), list), "%s has no items list" % path, resp)
    check(body.get("total") == len(body["items"]),
          "%s: total %r, %d items" % (path, body.get("total"), len(body["items"])), resp)
    return body["items"]


def test_dict_regions_equal_the_data_file():
    rows = read_csv("zhejiang-regions.csv")
    cities = [r for r in rows if r["status"] == "city"]
    items = _get(login("province"), "/api/dicts/regions")

    check([(c["code"], c["name"]) for c in items] == [(r["code"], r["name"]) for r in cities],
          "cities: %r" % [(c["code"], c["name"]) for c in items])
    check([c["code"] for c in items] == list(CITIES),
          "the 11 cities are not in GB/T 2260 order: %r" % [c["code"] for c in items])
    check({c["code"]: c["name"] for c in items} == CITIES, "city names differ from GB/T 2260")
    for city in items:
        want = [(r["code"], r["name"], r["status"]) for r in rows
                if r["city_code"] == city["code"]]
        got = [(d.get("code"), d.get("name"), d.get("status")) for d in city.get("districts", [])]
        check(got == want, "districts of %s %s differ from the data file:\n got %r\nwant %r"
              % (city["code"], city["name"], got, want))
        for d in city["districts"]:
            check(d["code"][:4] == city["code"][:4],
                  "district %s listed under city %s" % (d["code"], city["code"]))
            check(has_cjk(d["name"]), "district %s has no Chinese name" % d["code"])

    byname = {c["code"]: {d["code"]: d for d in c["districts"]} for c in items}
    check(byname["330100"].get("330182", {}).get("name") == "建德市",
          "杭州市 330100 lacks 建德市 330182: %r" % byname["330100"].get("330182"))
    check(byname["330100"]["330182"]["status"] == "current", "建德市 is not current")
    xc = byname["330100"].get("330103")
    check(xc is not None and xc["name"] == "下城区" and xc["status"] == "abolished-2021",
          "下城区 330103 should be listed as abolished-2021: %r" % xc)
    check(byname["331100"].get("331126", {}).get("name") == "庆元县",
          "丽水市 lacks 庆元县 331126")
    check(sum(len(c["districts"]) for c in items) == len(rows) - len(cities),
          "district count differs from the data file")


def test_dict_countries_equal_the_data_file():
    rows = read_csv("countries-zh.csv")
    c = login("hangzhou")
    items = _get(c, "/api/dicts/countries")
    got = [(i.get("code"), i.get("name"), i.get("kind")) for i in items]
    want = [(r["code"], r["name"], r["kind"]) for r in rows]
    check(sorted(got) == sorted(want), "countries differ from sql/data/countries-zh.csv: "
          "extra %r, missing %r" % (sorted(set(got) - set(want))[:5], sorted(set(want) - set(got))[:5]))
    check(len(got) == len(set(i[0] for i in got)), "a country code is listed twice")
    for kind in ("country", "group"):
        check([g for g in got if g[2] == kind] == [w for w in want if w[2] == kind],
              "the %ss are not in the data file's order" % kind)
    index = {g[0]: g for g in got}
    check(index.get("US") == ("US", "美国", "country"), "US is %r" % (index.get("US"),))
    check(index.get("CN") == ("CN", "中国", "country"), "CN is %r" % (index.get("CN"),))
    check(index.get("EU") == ("EU", "欧盟", "group"), "EU is %r" % (index.get("EU"),))
    check(index.get("EAEU") == ("EAEU", "欧亚经济联盟", "group"), "EAEU is %r" % (index.get("EAEU"),))
    check(all(has_cjk(g[1]) for g in got), "a country has no Chinese name")

    groups = _get(c, "/api/dicts/countries?kind=group")
    check([(i["code"], i["name"], i["kind"]) for i in groups] ==
          [w for w in want if w[2] == "group"], "?kind=group gave %r" % groups)
    countries = _get(c, "/api/dicts/countries?kind=country")
    check([(i["code"], i["name"], i["kind"]) for i in countries] ==
          [w for w in want if w[2] == "country"], "?kind=country differs from the data file")
    check(len(groups) + len(countries) == len(items), "group + country != all")
    for bad in ("groups", "GROUP", "x"):
        assert_error(c.get("/api/dicts/countries?kind=" + bad), 400, "invalid", "kind")


def test_dict_industries_equal_the_data_file():
    want = [(r["code"], r["name"]) for r in read_csv("industries.csv")]
    items = _get(login("jiande"), "/api/dicts/industries")
    got = [(i.get("code"), i.get("name")) for i in items]
    check(got == want, "industries differ from sql/data/industries.csv:\n got %r\nwant %r" % (got, want))
    names = [g[1] for g in got]
    for n in ("纺织服装", "化工", "机电", "农产品", "水海产品", "轻工", "医药", "其它行业"):
        check(n in names, "industry %s missing" % n)


def test_dict_measure_types_equal_the_data_file():
    want = [(r["code"], r["name"]) for r in read_csv("measure-types.csv")]
    check(want == [("AD", "反倾销"), ("CVD", "反补贴"), ("SG", "保障措施"), ("TBT", "技术性贸易壁垒"),
                   ("SPS", "卫生与植物卫生措施"), ("S337", "337调查"), ("OTHER", "其它")],
          "sql/data/measure-types.csv is not API.md's list: %r" % want)
    items = _get(login("editor"), "/api/dicts/measure-types")
    got = [(i.get("code"), i.get("name")) for i in items]
    check(got == want, "measure types: %r" % got)


def test_dicts_are_public():
    """Reference data for the public pages' filters (预警信息专栏, 订阅): the
    same answer with no session, a stale cookie, or any role's session."""
    anon = Client()
    staff = {user: login(user) for user in ("admin", "province", "hangzhou", "jiande", "editor")}
    for path in PATHS:
        body = expect_json(anon.get(path), 200, "anonymous reads %s" % path)
        check(body["total"] > 0 and body["items"], "%s without a session: %r" % (path, body))
        stale = expect_json(anon.get(path, cookie="yj_session=" + "0" * 43), 200, "stale cookie reads %s" % path)
        check(stale == body, "%s with a stale cookie differs" % path)
        for user, c in staff.items():
            check(expect_json(c.get(path), 200, "%s reads %s" % (user, path)) == body,
                  "%s reads another %s than the public" % (user, path))


def test_dicts_are_read_only():
    c = login("admin")
    for path in PATHS:
        resp = c.post(path, {"code": "XX", "name": "新"})
        check(resp.status in (404, 405), "POST %s answered %d" % (path, resp.status), resp)
    items = _get(c, "/api/dicts/industries")
    check("XX" not in [i["code"] for i in items], "a POST added an industry")
