"""Publication: an approved warning with 发布到预警工作交流 is public at once
(list, page, filters, both feeds with conditional GET); a revert takes it
back; nothing unpublished ever shows."""

import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

from client import Client, assert_error, check, expect_json, raw_request
from pointlib import tag
from sublib import accounts, at_province, create, decide, wi_fields

ATOM = "{http://www.w3.org/2005/Atom}"


def publish(a, **fields):
    """A warning of 建德 passed by 杭州 and the province with work_exchange."""
    sub = at_province(a["hangzhou"], a["jiande"], wi_fields(**fields))
    return decide(a["province"], sub, "pass", options={"work_exchange": True})


def public_ids(**params):
    q = "&".join("%s=%s" % (k, quote(str(v), safe="")) for k, v in params.items())
    body = expect_json(raw_request("GET", "/api/public/warnings?per_page=200" + ("&" + q if q else "")),
                       200, "public list %r" % params)
    return [w["id"] for w in body["items"]], body


def validate_atom(body):
    """RFC 4287: a feed has id, title, updated (and author unless every
    entry has one); each entry id, title, updated, a link or content."""
    root = ET.fromstring(body)
    check(root.tag == ATOM + "feed", "root is %r" % root.tag)
    for req in ("id", "title", "updated"):
        check(root.find(ATOM + req) is not None, "feed has no <%s>" % req)
    feed_author = root.find(ATOM + "author") is not None
    ids = []
    for e in root.findall(ATOM + "entry"):
        for req in ("id", "title", "updated"):
            check(e.find(ATOM + req) is not None and (e.find(ATOM + req).text or "").strip(),
                  "entry has no <%s>" % req)
        check(feed_author or e.find(ATOM + "author") is not None, "entry without an author")
        check(e.find(ATOM + "content") is not None or
              e.find(ATOM + "link[@rel='alternate']") is not None, "entry without content or link")
        ids.append(e.find(ATOM + "id").text)
    self_link = root.find(ATOM + "link[@rel='self']")
    check(self_link is not None and self_link.get("href", "").startswith("http"), "no rel=self link")
    return root, ids


def validate_jsonfeed(body):
    """JSON Feed 1.1: version, title, items; each item id and content."""
    j = json.loads(body)
    check(j.get("version") == "https://jsonfeed.org/version/1.1", "version %r" % j.get("version"))
    check(isinstance(j.get("title"), str) and j["title"], "no title")
    check(isinstance(j.get("items"), list), "no items")
    for it in j["items"]:
        check(isinstance(it.get("id"), str) and it["id"], "item without a string id: %r" % it)
        check(isinstance(it.get("content_text"), str) or isinstance(it.get("content_html"), str),
              "item without content")
        check("date_published" in it and "T" in it["date_published"], "item date %r" % it)
    return j


def test_published_warning_is_public_with_filters():
    a = accounts()
    t = tag()
    w = publish(a, title="欧盟对华陶瓷餐具反倾销调查 " + t, country="EU", industry="CHEMICAL",
                measure_type="AD", hs_codes=["6911", "691200"], comment_deadline="2030-06-30")
    other = publish(a, title="美国技术性贸易措施通报 " + t, country="US", measure_type="TBT")
    # Approved without work_exchange, and one waiting: never public.
    quiet = decide(a["province"], at_province(a["hangzhou"], a["jiande"], wi_fields(title="内部 " + t)),
                   "pass", options={"magazine": True})
    waiting = at_province(a["hangzhou"], a["jiande"], wi_fields(title="待审 " + t))
    draft = create(a["jiande"], fields=wi_fields(title="草稿 " + t))

    ids, body = public_ids(q=t)
    check(set(ids) == {w["id"], other["id"]}, "public for %s: %r" % (t, ids))
    item = [x for x in body["items"] if x["id"] == w["id"]][0]
    for k in ("id", "title", "country", "industry", "measure_type", "hs_codes", "source_url", "content",
              "point_id", "point_name", "published_at", "comment_deadline"):
        check(k in item, "public item has no %s: %r" % (k, item))
    check(item["comment_deadline"] == "2030-06-30" and item["hs_codes"] == ["6911", "691200"], repr(item))
    check(item["point_name"] and item["published_at"].endswith("+08:00"), repr(item))
    for secret in ("opinion", "rounds", "author", "phone", "submitter_id", "state", "options"):
        check(secret not in item, "public item shows %s" % secret)

    check(public_ids(q=t, country="EU")[0] == [w["id"]], "country filter")
    check(public_ids(q=t, measure_type="TBT")[0] == [other["id"]], "measure filter")
    check(public_ids(q=t, hs="6912")[0] == [w["id"]], "hs prefix 6912")
    check(public_ids(q=t, hs="69")[0] == [w["id"]], "hs prefix 69")
    check(public_ids(q=t, hs="8703")[0] == [], "hs prefix 8703")
    check(public_ids(q=t, industry="CHEMICAL", country="US")[0] == [other["id"]], "two filters")
    today = item["published_at"][:10]
    check(set(public_ids(q=t, **{"from": today, "to": today})[0]) == {w["id"], other["id"]}, "dates")
    check(public_ids(q=t, to="2001-01-01")[0] == [], "to before")

    one = expect_json(raw_request("GET", "/api/public/warnings/%d" % w["id"]), 200, "public page")
    check(one["title"] == item["title"] and one["content"] == item["content"], repr(one))
    for sid in (quiet["id"], waiting["id"], draft["id"]):
        assert_error(raw_request("GET", "/api/public/warnings/%d" % sid), 404, "not_found")
    check(not set(public_ids(per_page=200)[0]) & {quiet["id"], waiting["id"], draft["id"]}, "leak")

    # Bad filters: a Chinese error, nothing else.
    assert_error(raw_request("GET", "/api/public/warnings?hs=87a"), 400, "invalid", "hs")
    assert_error(raw_request("GET", "/api/public/warnings?from=2019-13-01"), 400, "invalid", "from")
    assert_error(raw_request("GET", "/api/public/warnings?country=%27%20OR%201"), 400, "invalid", "country")


def test_feeds_validate_and_answer_304():
    a = accounts()
    t = tag()
    w = publish(a, title="印度对华光伏玻璃保障措施 <&> " + t, country="IN", measure_type="SG",
                hs_codes=["700719"])
    r = raw_request("GET", "/feeds/warnings.atom?q=" + quote(t))
    check(r.status == 200, "atom", r)
    check(r.header("Content-Type", "").startswith("application/atom+xml"), r.header("Content-Type"))
    root, ids = validate_atom(r.body)
    check(len(ids) == 1 and ids[0].endswith("/api/public/warnings/%d" % w["id"]), repr(ids))
    title = root.find(ATOM + "entry").find(ATOM + "title").text
    check(title.endswith("<&> " + t), "escaped title came back as %r" % title)

    j = raw_request("GET", "/feeds/warnings.json?q=" + quote(t))
    check(j.status == 200 and j.header("Content-Type", "").startswith("application/feed+json"), "json", j)
    feed = validate_jsonfeed(j.body)
    check([it["id"] for it in feed["items"]] == ids, "json feed ids %r" % feed["items"])
    # the same filters as the list
    check(validate_jsonfeed(raw_request("GET", "/feeds/warnings.json?country=IN&hs=7007&q=" + quote(t)).body)
          ["items"], "hs filter on the feed")
    check(not validate_jsonfeed(raw_request("GET", "/feeds/warnings.json?country=US&q=" + quote(t)).body)
          ["items"], "country filter on the feed")

    for path in ("/feeds/warnings.atom?q=" + quote(t), "/feeds/warnings.json", "/api/public/warnings"):
        first = raw_request("GET", path)
        etag = first.header("ETag")
        check(etag and etag.startswith('"'), "no ETag on %s" % path, first)
        check("public" in first.header("Cache-Control", ""), "not cacheable: %s" % first.header("Cache-Control"))
        again = raw_request("GET", path, headers={"If-None-Match": etag})
        check(again.status == 304 and again.body == b"", "If-None-Match on %s" % path, again)
        other = raw_request("GET", path, headers={"If-None-Match": '"stale"'})
        check(other.status == 200 and other.body, "a stale ETag on %s" % path, other)

    etag = raw_request("GET", "/feeds/warnings.atom").header("ETag")
    # The revert unpublishes: feeds drop it and the ETag moves.
    decide(a["province"], expect_json(a["province"].get("/api/submissions/%d" % w["id"]), 200),
           "revert", opinion="撤回发布")
    r2 = raw_request("GET", "/feeds/warnings.atom", headers={"If-None-Match": etag})
    check(r2.status == 200, "after a revert the old ETag still matched", r2)
    _, ids2 = validate_atom(raw_request("GET", "/feeds/warnings.atom?q=" + quote(t)).body)
    check(ids2 == [], "reverted warning still in the feed: %r" % ids2)
    check(public_ids(q=t)[0] == [], "reverted warning still listed")
    assert_error(raw_request("GET", "/api/public/warnings/%d" % w["id"]), 404, "not_found")


def test_point_subsite_and_posts():
    a = accounts()
    jid = a["points"]["jiande"]
    p = expect_json(raw_request("GET", "/api/public/points/%d" % jid), 200, "public point")
    check(p["id"] == jid and p["name"] and "host_org" in p and "website" in p, repr(p))
    check(p["columns"] == ["预警信息", "工作动态", "政策法规"], repr(p))
    for k in ("phone", "address", "approval_no", "people"):
        check(k not in p, "public point shows %s" % k)
    assert_error(raw_request("GET", "/api/public/points/999999999"), 404, "not_found")
    assert_error(raw_request("GET", "/api/public/points/%d/posts?column=x" % jid), 400, "invalid", "column")
    body = expect_json(raw_request("GET", "/api/public/points/%d/posts?column=%s" % (jid, quote("工作动态"))),
                       200, "posts")
    check(isinstance(body["items"], list) and body["total"] == len(body["items"]) or body["total"] > 200,
          repr(body))
    for it in body["items"]:
        check(it["column"] == "工作动态", repr(it))
    # A public answer needs no login and sets no cookie.
    r = Client().get("/api/public/warnings")
    check(r.status == 200 and not r.header_all("Set-Cookie"), "public list", r)
