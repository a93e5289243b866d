"""Dissemination end to end, against a real SMTP server (aiosmtpd) and a
real HTTP receiver that checks the robots' documented formats: approve →
public list and feeds → an immediate subscriber's mail with the right
subject, body, headers and a working unsubscribe link → WeCom and DingTalk
markdown (signature verified) and a signed webhook → counted in
/api/stats/dissemination.  Then the digest, a revert, the mail server down
and up, and robots answering errors."""

import contextlib
import hashlib
import hmac
import json
import re
import time
import urllib.parse
import xml.etree.ElementTree as ET

import dissemlib as dl
from client import Client, admin, jiande_point_id, assert_error, check, db, db_value, expect_json, raw_request
from pointlib import tag
from sublib import accounts, at_province, decide, wi_fields

ATOM = "{http://www.w3.org/2005/Atom}"


def publish(a, **fields):
    sub = at_province(a["hangzhou"], a["jiande"], wi_fields(**fields))
    return decide(a["province"], sub, "pass", options={"work_exchange": True})


@contextlib.contextmanager
def receivers(**kw):
    """A real SMTP server and robot receiver for one test, no subscriptions
    or channels of earlier tests, and everything gone afterwards."""
    dl.reset_dissemination()
    db("DELETE FROM subscribe_attempts")
    smtp = dl.SMTPServer().start()
    robots = dl.RobotReceiver(**kw).start()
    try:
        yield smtp, robots
    finally:
        smtp.cleanup()
        robots.stop()
        dl.reset_dissemination()


def channel(client, kind, name, url, **more):
    body = {"kind": kind, "name": name, "url": url}
    body.update(more)
    return expect_json(client.post("/api/channels", body), 201, "channel %s" % name)


def delivery_rows(sid):
    rows = db("SELECT recipient, state, attempts, kind, last_error FROM deliveries "
              "WHERE submission_id = %d AND cancelled = 0 ORDER BY id" % sid)
    return [(r[0], r[1], int(r[2]), r[3], r[4]) for r in rows]


def wait_states(sid, want, seconds=60):
    """Waits until every delivery of sid is in a final state in want."""
    def done():
        rows = delivery_rows(sid)
        return rows if rows and all(r[1] in want for r in rows) else None
    return dl.wait_until(done, "deliveries of %d in %r (now %r)" % (sid, want, delivery_rows(sid)), seconds)


def test_approved_warning_reaches_subscriber_robots_and_stats():
    a = accounts()
    adm = admin()
    t = tag()
    secret = "SEC" + t
    with receivers(dingtalk_secret=secret, webhook_secret="hook-" + t) as (smtp, robots):
        dl.set_mail(adm)
        addr = "buyer-%s@example.com" % t.lower()
        other = "other-%s@example.com" % t.lower()
        manage = dl.subscribe(Client(), smtp, addr, countries=["EU"], digest="immediate")
        dl.subscribe(Client(), smtp, other, countries=["US"], digest="immediate")
        prov = a["province"]
        wc = channel(prov, "wecom", "省厅企业微信群 " + t, robots.url("/wecom?key=K" + t))
        dt = channel(prov, "dingtalk", "省厅钉钉群 " + t, robots.url("/dingtalk?access_token=T" + t),
                     secret=secret)
        wh = channel(prov, "webhook", "通用推送 " + t, robots.url("/webhook/" + t), secret="hook-" + t)
        check("secret" not in dt and "secret" not in wh, "secret shown back: %r" % dt)
        # A point's own channel that filters on another country gets nothing.
        quiet = channel(a["jiande"], "wecom", "只收美国 " + t, robots.url("/wecom?key=Q" + t),
                        filters={"countries": ["US"]})
        check(quiet["point_id"] == jiande_point_id(), "point channel: %r" % quiet)

        year = time.strftime("%Y", time.gmtime(time.time() + 8 * 3600))
        rep0 = expect_json(a["jiande"].get("/api/stats/dissemination/report"), 200, "report before")
        w = publish(a, title="欧盟对华电动自行车反倾销立案 " + t, country="EU", measure_type="AD",
                    hs_codes=["871160"], comment_deadline="2030-03-31")
        sid = w["id"]
        # Public at once, in the list and in both feeds.
        lst = expect_json(raw_request("GET", "/api/public/warnings?q=" + urllib.parse.quote(t)), 200, "list")
        check([x["id"] for x in lst["items"]] == [sid], "public list: %r" % lst["items"])
        atom = raw_request("GET", "/feeds/warnings.atom?country=EU")
        check(atom.status == 200 and "application/atom+xml" in atom.header("Content-Type"), str(atom))
        root = ET.fromstring(atom.body)
        titles = [e.find(ATOM + "title").text for e in root.findall(ATOM + "entry")]
        check(any(t in (x or "") for x in titles), "atom lacks the warning: %r" % titles[:5])
        jf = json.loads(raw_request("GET", "/feeds/warnings.json?country=EU").body)
        check(any(t in it.get("title", "") for it in jf["items"]), "json feed lacks it")

        mails = smtp.wait(addr, 1, subject=t)
        check(len(mails) == 1, "subscriber mails: %d" % len(mails))
        m = mails[0]
        check(str(m["Subject"]) == "【贸易预警】欧盟对华电动自行车反倾销立案 " + t, "subject %r" % str(m["Subject"]))
        raw_subject = m.get("Subject").__str__()
        check(raw_subject, "no subject")
        text, html = dl.parts(m)
        check(text is not None and html is not None, "not multipart/alternative with both parts")
        for s in ("国别地区：欧盟", "措施类型：", "HS编码：871160", "评议截止日期：2030-03-31",
                  "建德", "/warnings/%d" % sid):
            check(s in text, "text part lacks %r:\n%s" % (s, text))
        check(t in html and "<h2>" in html, "html part: %s" % html[:300])
        # 全文 leads to the warning's page of the public site, not to JSON.
        check("/warnings/%d\n" % sid in text and "/api/public/warnings/" not in text, text)
        lu = str(m["List-Unsubscribe"])
        check(str(m["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click", "List-Unsubscribe-Post")
        link = re.search(r"<(https?://[^>]+)>", lu)
        check(link is not None and "/api/public/subscriptions/unsubscribe?token=" in link.group(1), lu)
        check(m["Message-ID"] and m["Date"], "Message-ID and Date")
        # The other subscriber (US only) got nothing for it.
        check(smtp.wait(other, 1, seconds=1, subject=t) == [], "US subscriber got the EU warning")

        got = robots.wait("/wecom", 1)
        got = [g for g in got if g["query"].get("key") == ["K" + t]]
        check(len(got) == 1 and not got[0]["problems"], "wecom: %r" % got)
        md = json.loads(got[0]["body"])["markdown"]["content"]
        check(t in md and "欧盟" in md, "wecom markdown: %s" % md)
        got = [g for g in robots.wait("/dingtalk", 1) if g["query"].get("access_token") == ["T" + t]]
        check(len(got) == 1 and not got[0]["problems"], "dingtalk: %r" % got)
        dj = json.loads(got[0]["body"])
        check(t in dj["markdown"]["title"] + dj["markdown"]["text"], "dingtalk markdown %r" % dj)
        got = robots.wait("/webhook/" + t, 1)
        check(len(got) == 1 and not got[0]["problems"], "webhook: %r" % got)
        hook = json.loads(got[0]["body"])
        check(hook.get("id") == sid or hook.get("warning", {}).get("id") == sid, "webhook body %r" % hook)
        check(robots.received(path="/wecom") and
              not [g for g in robots.received(path="/wecom") if g["query"].get("key") == ["Q" + t]],
              "the US-only channel got the EU warning")

        rows = wait_states(sid, {"sent"})
        check(sorted(r[0] for r in rows if r[3] == "warning") ==
              sorted([addr, wc["url"], dt["url"], wh["url"]]), "delivery rows: %r" % rows)
        check(all(r[2] == 1 for r in rows), "attempts: %r" % rows)
        # The API's view of it.
        d = expect_json(prov.get("/api/deliveries?submission=%d" % sid), 200, "deliveries")
        check(d["total"] == 4 and {x["state"] for x in d["items"]} == {"sent"}, repr(d))
        one = [x for x in d["items"] if x.get("channel_id") == dt["id"]]
        check(len(one) == 1 and one[0]["sent_at"] and one[0]["attempts"] == 1, repr(one))
        check(a["jiande"].get("/api/deliveries?submission=%d" % sid).status == 200, "point reads its own")
        # A city reads its city's deliveries, but never a robot's URL and key.
        hz = expect_json(a["hangzhou"].get("/api/deliveries?submission=%d" % sid), 200, "city deliveries")
        check(hz["total"] == 4 and "K" + t not in json.dumps(hz) and "T" + t not in json.dumps(hz), repr(hz))
        check({x["recipient"] for x in hz["items"] if x["channel_id"]} == {wc["name"], dt["name"], wh["name"]},
              repr(hz["items"]))
        check({x["title"] for x in hz["items"]} == {w["title"]}, "titles %r" % hz["items"])

        # The centre's year, as the seed counts it: one more published,
        # one more mail, one more push to each kind of group.
        rep = expect_json(a["jiande"].get("/api/stats/dissemination/report?year=" + year), 200, "report")
        check(rep["point_id"] == jiande_point_id() and rep["published"] == rep0["published"] + 1, repr(rep))

        def sent(r, k):
            return r["by_channel"].get(k, {}).get("sent", 0)
        for k in ("subscriber", "wecom", "dingtalk", "webhook"):
            check(sent(rep, k) == sent(rep0, k) + 1, "%s: %r → %r" % (k, rep0["by_channel"], rep["by_channel"]))
        check(rep["point_name"] in rep["text"] and "发布预警信息%d条" % rep["published"] in rep["text"] and
              "2小时内送达" in rep["text"], rep["text"])
        groups = sum(rep["by_channel"][k]["recipients"] for k in ("wecom", "dingtalk"))
        check("通过企业微信群、钉钉群共%d个工作群推送%d条次" % (groups, sent(rep, "wecom") + sent(rep, "dingtalk"))
              in rep["text"], rep["text"])
        check(expect_json(prov.get("/api/stats/dissemination/report?point=%d" % jiande_point_id()), 200,
                          "province reads it")["published"] == rep["published"], "province's report")
        other_city = db_value("SELECT MIN(id) FROM points WHERE city <> '330100'")
        if other_city not in (None, "NULL"):
            assert_error(a["hangzhou"].get("/api/stats/dissemination/report?point=%s" % other_city),
                         404, "not_found")
            assert_error(a["jiande"].get("/api/stats/dissemination/report?point=%s" % other_city),
                         404, "not_found")
        assert_error(prov.get("/api/stats/dissemination/report?point=abc"), 400, "invalid", "point")
        # Counted: the point published one more, sent four more.
        st = expect_json(prov.get("/api/stats/dissemination?year=%s" % year), 200, "stats")
        pt = [p for p in st["points"] if p["point_id"] == jiande_point_id()]
        check(len(pt) == 1 and pt[0]["published"] >= 1 and pt[0]["deliveries_sent"] >= 4, repr(pt))
        tot = st["total"]
        for k in ("published", "deliveries_sent", "deliveries_failed", "recipients", "median_minutes",
                  "p90_minutes", "within_2h"):
            check(k in tot, "total lacks %s: %r" % (k, tot))
        check(0 <= tot["within_2h"] <= 1 and tot["median_minutes"] is not None, repr(tot))
        cities = {c["city"]: c for c in st.get("cities", [])}
        check("330100" in cities and cities["330100"]["published"] >= 1, "per city: %r" % cities.keys())
        hz = expect_json(a["hangzhou"].get("/api/stats/dissemination?year=%s" % year), 200, "city stats")
        check({p["city"] for p in hz["points"]} <= {"330100"}, "a city sees its city: %r" % hz["points"])

        # The one-click unsubscribe of the mail, as a mail client does it.
        u = urllib.parse.urlsplit(link.group(1))
        r = raw_request("POST", u.path + "?" + u.query, body=b"List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        check(r.status == 200, "one-click unsubscribe: %s" % r)
        check(db_value("SELECT state FROM subscriptions WHERE email = '%s'" % addr) == "unsubscribed", "state")
        m2 = expect_json(raw_request("GET", "/api/public/subscriptions/manage?token=" + manage), 200, "manage")
        check(m2["state"] == "unsubscribed", repr(m2))
        w2 = publish(a, title="欧盟更新化妆品法规附件 " + t, country="EU")
        wait_states(w2["id"], {"sent"})
        check(smtp.wait(addr, 1, seconds=1, subject="化妆品") == [], "mail after unsubscribing")


def test_revert_unpublishes_and_nothing_is_sent_twice():
    a = accounts()
    adm = admin()
    t = tag()
    with receivers() as (smtp, robots):
        dl.set_mail(adm)
        addr = "rev-%s@example.com" % t.lower()
        dl.subscribe(Client(), smtp, addr)
        w = publish(a, title="撤销测试 " + t, country="JP")
        sid = w["id"]
        check(len(smtp.wait(addr, 1, subject=t)) == 1, "first mail")
        wait_states(sid, {"sent"})
        r = decide(a["province"], w, "revert")
        check(r["state"] == "submitted", "revert: %r" % r)
        pub = raw_request("GET", "/api/public/warnings/%d" % sid)
        check(pub.status == 404, "public after revert: %s" % pub)
        feed = json.loads(raw_request("GET", "/feeds/warnings.json?country=JP").body)
        check(not [i for i in feed["items"] if t in i.get("title", "")], "feed keeps a reverted warning")
        dl.wait_until(lambda: db_value("SELECT COUNT(*) FROM publications WHERE submission_id = %d "
                                       "AND unpublished_at IS NOT NULL" % sid) == "1", "unpublication")
        # Approved again: public again, but the subscriber is not mailed twice.
        again = decide(a["province"], r, "pass", options={"work_exchange": True})
        check(again["state"] == "approved", repr(again))
        check(raw_request("GET", "/api/public/warnings/%d" % sid).status == 200, "public again")
        dl.wait_until(lambda: dl.published_row(sid), "published again")
        time.sleep(1.5)
        check(len(smtp.messages(addr)) == 2, "mails to %s: %d (confirmation + one warning)"
              % (addr, len(smtp.messages(addr))))
        rows = delivery_rows(sid)
        check([x[0] for x in rows] == [addr] and rows[0][1] == "sent", "rows: %r" % rows)


def test_revert_before_sending_cancels_what_has_not_gone_out():
    a = accounts()
    adm = admin()
    t = tag()
    with receivers() as (smtp, robots):
        dl.set_mail(adm)
        addr = "cancel-%s@example.com" % t.lower()
        dl.subscribe(Client(), smtp, addr)
        smtp.mode = "tempfail"
        w = publish(a, title="未发即撤 " + t, country="KR")
        dl.wait_until(lambda: [r for r in delivery_rows(w["id"]) if r[1] == "retrying"], "a retrying row")
        decide(a["province"], w, "revert")
        dl.wait_until(lambda: db_value("SELECT COUNT(*) FROM deliveries WHERE submission_id = %d AND "
                                       "cancelled = 1" % w["id"]) == "1", "the row cancelled")
        smtp.mode = "ok"
        time.sleep(3)
        check(smtp.messages(addr)[1:] == [], "a reverted warning was mailed")


def test_smtp_down_then_up_delivers_once():
    a = accounts()
    adm = admin()
    t = tag()
    with receivers() as (smtp, robots):
        dl.set_mail(adm)
        addr = "down-%s@example.com" % t.lower()
        dl.subscribe(Client(), smtp, addr)
        smtp.stop()                     # the mail server is down
        w = publish(a, title="邮件服务器中断 " + t, country="IN")
        sid = w["id"]
        row = dl.wait_until(lambda: [r for r in delivery_rows(sid) if r[1] == "retrying" and r[2] >= 1],
                            "a retrying row")
        check(row[0][4], "no last_error recorded: %r" % row)
        d = expect_json(a["province"].get("/api/deliveries?submission=%d&state=retrying" % sid), 200, "list")
        check(d["total"] == 1 and d["items"][0]["last_error"], repr(d))
        check(raw_request("GET", "/api/health").status == 200, "health while SMTP is down")
        smtp.start()
        rows = wait_states(sid, {"sent"}, seconds=90)
        check(rows[0][2] >= 2, "attempts: %r" % rows)
        check(len(smtp.wait(addr, 1, subject=t)) == 1, "mail after the server came back")
        time.sleep(2)
        check(len(smtp.messages(addr)) == 2, "exactly one warning mail: %d" % (len(smtp.messages(addr)) - 1))
        n = int(db_value("SELECT COUNT(*) FROM delivery_attempts da JOIN deliveries d ON d.id = da.delivery_id "
                         "WHERE d.submission_id = %d" % sid))
        check(n == rows[0][2], "every attempt recorded: %d attempts, %d rows" % (rows[0][2], n))


def test_robot_errcodes_retry_or_fail():
    a = accounts()
    t = tag()
    with receivers() as (smtp, robots):
        prov = a["province"]
        limited = channel(prov, "wecom", "限流 " + t, robots.url("/wecom/limited?key=" + t))
        ding = channel(prov, "dingtalk", "限流钉钉 " + t, robots.url("/dingtalk/limited?access_token=" + t))
        bad = channel(prov, "wecom", "乱码 " + t, robots.url("/wecom/garbage?key=" + t))
        robots.mode["/wecom/limited"] = "45009"
        robots.mode["/dingtalk/limited"] = "130101"
        robots.mode["/wecom/garbage"] = "garbage"
        w = publish(a, title="机器人限流 " + t, country="BR")
        sid = w["id"]

        def retried():
            rows = {r[0]: r for r in delivery_rows(sid)}
            return rows if all(u in rows and rows[u][1] == "retrying"
                               for u in (limited["url"], ding["url"], bad["url"])) else None
        rows = dl.wait_until(retried, "three retrying rows")
        check("45009" in rows[limited["url"]][4], "errcode 45009 not read: %r" % (rows[limited["url"]],))
        check("130101" in rows[ding["url"]][4], "errcode 130101 not read: %r" % (rows[ding["url"]],))
        check(rows[bad["url"]][4], "garbage answer not recorded")
        robots.mode["/wecom/limited"] = "ok"
        robots.mode["/dingtalk/limited"] = "ok"
        dl.wait_until(lambda: {r[0]: r[1] for r in delivery_rows(sid)}.get(limited["url"]) == "sent" and
                      {r[0]: r[1] for r in delivery_rows(sid)}.get(ding["url"]) == "sent", "sent after limits",
                      seconds=90)
        ok = [g for g in robots.received(path="/wecom/limited") if not g["problems"]]
        check(len(ok) >= 2, "retried: %d posts" % len(ok))
        # A permanent refusal (93000: the webhook's key is invalid) fails
        # for good after one attempt; the row says why.
        perm = channel(prov, "wecom", "无效密钥 " + t, robots.url("/wecom/perm?key=" + t))
        robots.mode["/wecom/perm"] = "93000"
        w2 = publish(a, title="机器人永久失败 " + t, country="AR")
        row = dl.wait_until(lambda: [r for r in delivery_rows(w2["id"]) if r[0] == perm["url"] and
                                     r[1] == "failed"], "the permanent failure")
        check(row[0][2] == 1 and "93000" in row[0][4], "failed row: %r" % row)
        time.sleep(2)
        check(len(robots.received(path="/wecom/perm")) == 1, "a permanent failure was retried")
        # The province sends it again by hand once the key is right.
        robots.mode["/wecom/perm"] = "ok"
        did = int(db_value("SELECT id FROM deliveries WHERE submission_id = %d AND channel_id = %d"
                           % (w2["id"], perm["id"])))
        assert_error(a["hangzhou"].post("/api/deliveries/%d/retry" % did), 403, "forbidden")
        r = expect_json(prov.post("/api/deliveries/%d/retry" % did), 200, "retry")
        check(r["state"] in ("pending", "retrying", "sent"), repr(r))
        dl.wait_until(lambda: db_value("SELECT state FROM deliveries WHERE id = %d" % did) == "sent", "resent")
        check(len(robots.received(path="/wecom/perm")) == 2, "resent once")


def test_bad_subscription_input_is_refused_and_throttled():
    dl.reset_dissemination()
    db("DELETE FROM subscribe_attempts")
    anon = Client()
    before = db_value("SELECT COUNT(*) FROM subscriptions")
    t = tag().lower()
    good = "ok-%s@example.com" % t
    for body, field in (
            ({"email": "not-an-address"}, "email"),
            ({"email": "a@b"}, "email"),
            ({"email": "x" * 250 + "@example.com"}, "email"),
            ({"email": good, "countries": ["ZZ"]}, "countries"),
            ({"email": good, "industries": ["NO_SUCH"]}, "industries"),
            ({"email": good, "measure_types": ["XX"]}, "measure_types"),
            ({"email": good, "hs_prefixes": ["87a3"]}, "hs_prefixes"),
            ({"email": good, "hs_prefixes": ["8703"] * 201}, "hs_prefixes"),
            ({"email": good, "countries": "US"}, "countries"),
            ({"email": good, "digest": "hourly"}, "digest")):
        r = anon.post("/api/public/subscriptions", body)
        err = assert_error(r, 400, "invalid")
        check(err.get("field", "").startswith(field), "field for %r: %r" % (body, err))
    check(db_value("SELECT COUNT(*) FROM subscriptions") == before, "a refused subscription was stored")
    assert_error(anon.post("/api/public/subscriptions/confirm", {"token": "0" * 64}), 404, "not_found")
    assert_error(raw_request("GET", "/api/public/subscriptions/manage?token=abc"), 404, "not_found")
    # The same address asked for again and again: 429 after the hourly limit.
    codes = [anon.post("/api/public/subscriptions", {"email": good}).status for _ in range(7)]
    check(codes[:5] == [202] * 5 and codes[5:] == [429, 429], "throttle: %r" % codes)
    r = anon.post("/api/public/subscriptions", {"email": good})
    check(r.status == 429 and r.error()["message"], "429 envelope: %s" % r)
    check(db_value("SELECT COUNT(*) FROM subscriptions WHERE email = '%s'" % good) == "1", "one row")
    db("DELETE FROM subscribe_attempts")


def test_channel_urls_validated_and_test_button():
    a = accounts()
    t = tag()
    prov = a["province"]
    with receivers(dingtalk_secret="S" + t) as (smtp, robots):
        for url, why in (("ftp://example.com/hook", "scheme"),
                         ("http://10.1.2.3/hook", "private"),
                         ("http://192.168.0.7:8080/x", "private"),
                         ("http://localhost/x", "loopback"),
                         ("http://[::1]/x", "loopback v6"),
                         ("https://example.com/" + "a" * 2100, "long"),
                         ("not a url", "garbage")):
            r = prov.post("/api/channels", {"kind": "wecom", "name": "坏地址 " + t, "url": url})
            err = assert_error(r, 400, "invalid", "url")
            check(err["message"], "%s: %r" % (why, err))
        assert_error(prov.post("/api/channels", {"kind": "sms", "name": "短信", "url": "http://127.0.0.1/"}),
                     400, "invalid", "kind")
        assert_error(prov.post("/api/channels", {"kind": "webhook", "name": "无密钥",
                                                 "url": robots.url("/webhook/x")}), 400, "invalid", "secret")
        assert_error(prov.post("/api/channels", {"kind": "email", "name": "列表", "url": "list-at-nowhere"}),
                     400, "invalid", "url")
        assert_error(prov.post("/api/channels", {"kind": "wecom", "name": "太快", "url": robots.url("/wecom"),
                                                 "rate_per_minute": 60}), 400, "invalid", "rate_per_minute")
        check(db_value("SELECT COUNT(*) FROM channels WHERE name LIKE '%%%s%%'" % t) == "0", "stored a bad one")
        # A point keeps only its own.
        other_point = int(db_value("SELECT MIN(id) FROM points WHERE id <> %d" % jiande_point_id()))
        assert_error(a["jiande"].post("/api/channels", {"kind": "wecom", "name": "别人的 " + t,
                                                        "url": robots.url("/wecom"),
                                                        "point_id": other_point}),
                     403, "forbidden")
        dt = channel(prov, "dingtalk", "测试按钮 " + t, robots.url("/dingtalk/btn?access_token=" + t),
                     secret="S" + t)
        r = expect_json(prov.post("/api/channels/%d/test" % dt["id"]), 200, "test button")
        got = robots.wait("/dingtalk/btn", 1)
        check(len(got) == 1 and not got[0]["problems"], "test message: %r" % got)
        check(r.get("ok") is True or r.get("state") == "sent", "test answer: %r" % r)
        robots.mode["/dingtalk/btn"] = "310000"
        r = prov.post("/api/channels/%d/test" % dt["id"])
        check(r.status in (200, 502) and "310000" in r.body.decode("utf-8"), "failing test: %s" % r)
        # Listed, secret never shown; changed with its version; deleted.
        lst = expect_json(prov.get("/api/channels?q=" + urllib.parse.quote(t)), 200, "list")
        mine = [c for c in lst["items"] if c["id"] == dt["id"]]
        check(len(mine) == 1 and "secret" not in mine[0] and mine[0].get("secret_set") is True, repr(mine))
        up = expect_json(prov.patch("/api/channels/%d" % dt["id"], {"enabled": False,
                                                                      "version": mine[0]["version"]}), 200, "patch")
        check(up["enabled"] is False, repr(up))
        assert_error(prov.patch("/api/channels/%d" % dt["id"], {"enabled": True,
                                                                "version": mine[0]["version"]}), 409, "conflict")
        check(prov.delete("/api/channels/%d" % dt["id"]).status in (200, 204), "delete")
        check(not [c for c in expect_json(prov.get("/api/channels?q=" + urllib.parse.quote(t)), 200,
                                          "list")["items"]
                   if c["id"] == dt["id"]], "deleted channel listed")


def test_channel_list_filters_and_pages():
    a = accounts()
    t = tag()
    prov, jd = a["province"], a["jiande"]
    jid = jiande_point_id()
    with receivers() as (smtp, robots):
        made = {}
        for i in range(7):
            kind = ("wecom", "dingtalk", "webhook", "email")[i % 4]
            url = ("list%d-%s@example.com" % (i, t.lower())) if kind == "email" else robots.url("/%s/l%d" % (kind, i))
            more = {"secret": "S" + t} if kind == "webhook" else {}
            if i in (1, 5):
                more["point_id"] = jid
            c = channel(prov, kind, "列表%d %s" % (i, t), url, **more)
            made[c["id"]] = c
        off = [c for c in made.values() if c["kind"] == "wecom"][0]
        expect_json(prov.patch("/api/channels/%d" % off["id"], {"enabled": False, "version": off["version"]}),
                    200, "disable")
        mine = "q=" + urllib.parse.quote(t)

        def ids(client, query):
            body = expect_json(client.get("/api/channels?" + mine + "&" + query), 200, query)
            return body, [c["id"] for c in body["items"]]

        body, got = ids(prov, "per_page=200")
        check(body["total"] == 7 and sorted(got) == sorted(made) and got == sorted(got), repr(body))
        _, got = ids(prov, "kind=dingtalk")
        check(got == sorted(k for k, c in made.items() if c["kind"] == "dingtalk"), repr(got))
        _, got = ids(prov, "enabled=false")
        check(got == [off["id"]], repr(got))
        _, got = ids(prov, "enabled=true&kind=wecom")
        check(got == sorted(k for k, c in made.items() if c["kind"] == "wecom" and k != off["id"]), repr(got))
        _, got = ids(prov, "point=%d" % jid)
        check(got == sorted(k for k, c in made.items() if c["point_id"] == jid) and len(got) == 2, repr(got))
        # Pages of 3: every channel once, in order, with the whole total on each.
        seen = []
        for page in (1, 2, 3):
            body, got = ids(prov, "per_page=3&page=%d" % page)
            check(body["total"] == 7 and body["page"] == page and body["per_page"] == 3, repr(body))
            seen += got
        check(seen == sorted(made), "pages: %r" % seen)
        # A point lists its own only, whatever point it asks for.
        body, got = ids(jd, "per_page=200")
        check(body["total"] == 2 and got == sorted(k for k, c in made.items() if c["point_id"] == jid), repr(body))
        other = int(db_value("SELECT MIN(id) FROM points WHERE id <> %d" % jid))
        body, got = ids(jd, "point=%d" % other)
        check(body["total"] == 0 and got == [], repr(body))
        for query, field in (("kind=sms", "kind"), ("enabled=maybe", "enabled"), ("point=abc", "point"),
                             ("per_page=500", "per_page"), ("page=0", "page")):
            err = assert_error(prov.get("/api/channels?" + query), 400, "invalid", field)
            check(err["message"], "%s: %r" % (query, err))


def test_mail_settings_keep_the_password_and_test_mail():
    adm = admin()
    smtp = dl.SMTPServer().start()
    try:
        body = expect_json(adm.put("/api/settings/mail", {"smtp_url": "smtp://127.0.0.1:%d" % dl.smtp_port(),
                                                          "from": "noreply@yujing.test", "username": "u",
                                                          "password": "p-secret"}), 200, "put")
        check("password" not in body and body.get("password_set") is True, repr(body))
        got = expect_json(adm.get("/api/settings/mail"), 200, "get")
        check(got["smtp_url"].endswith(":%d" % dl.smtp_port()) and "password" not in got, repr(got))
        check("p-secret" not in json.dumps(got), "password shown")
        for bad, field in (({"smtp_url": "http://x", "from": "a@b.cn"}, "smtp_url"),
                           ({"smtp_url": "smtp://127.0.0.1:25", "from": "nobody"}, "from")):
            assert_error(adm.put("/api/settings/mail", bad), 400, "invalid", field)
        check(expect_json(adm.get("/api/settings/mail"), 200, "get")["from"] == "noreply@yujing.test", "changed")
        assert_error(accounts()["province"].get("/api/settings/mail"), 403, "forbidden")
        dl.set_mail(adm)        # no login: aiosmtpd here does not offer AUTH
        to = "it-%s@example.com" % tag().lower()
        r = expect_json(adm.post("/api/settings/mail/test", {"to": to}), 200, "test mail")
        check(r, "empty answer")
        msgs = smtp.wait(to, 1, subject="测试")
        check(len(msgs) == 1 and "测试邮件" in dl.parts(msgs[0])[0], "test mail: %r" % msgs)
        assert_error(adm.post("/api/settings/mail/test", {"to": "bad"}), 400, "invalid", "to")
    finally:
        smtp.cleanup()


def test_daily_digest_collects_the_day():
    a = accounts()
    adm = admin()
    t = tag()
    with receivers() as (smtp, robots):
        dl.set_mail(adm)
        addr = "daily-%s@example.com" % t.lower()
        dl.subscribe(Client(), smtp, addr, countries=["VN"], digest="daily")
        w1 = publish(a, title="越南保障措施一 " + t, country="VN")
        w2 = publish(a, title="越南保障措施二 " + t, country="VN")
        publish(a, title="泰国不在摘要 " + t, country="TH")
        time.sleep(1.5)
        check([m for _, m in smtp.messages(addr) if t in str(m["Subject"])] == [], "digest mailed immediately")
        # The day is over for this subscriber.
        db("UPDATE subscriptions SET last_digest_at = NOW(3) - INTERVAL 25 HOUR WHERE email = '%s'" % addr)
        db("UPDATE publications SET published_at = NOW(3) - INTERVAL 1 HOUR WHERE submission_id IN (%d, %d)"
           % (w1["id"], w2["id"]))
        msgs = smtp.wait(addr, 1, subject="摘要")
        check(len(msgs) == 1, "digest mails: %d" % len(msgs))
        m = msgs[0]
        check(str(m["Subject"]) == "【贸易预警】预警信息摘要：2 条", "subject %r" % str(m["Subject"]))
        text, html = dl.parts(m)
        check("越南保障措施一" in text and "越南保障措施二" in text and "泰国" not in text, text)
        check(m["List-Unsubscribe"], "digest without List-Unsubscribe")
        time.sleep(1.5)
        check(len(smtp.wait(addr, 2, seconds=1, subject="摘要")) == 1, "a second digest")


def test_long_warning_fits_each_robot_and_rate_limit_holds():
    a = accounts()
    t = tag()
    with receivers() as (smtp, robots):
        prov = a["province"]
        wc = channel(prov, "wecom", "长文 " + t, robots.url("/wecom/long?key=" + t), rate_per_minute=2)
        long_content = ("欧盟委员会发布公告，对原产于中国的相关产品发起反倾销调查。" * 200)[:4000]
        w = publish(a, title="长文预警 " + t, country="EU", content=long_content)
        got = robots.wait("/wecom/long", 1)
        check(got and not got[0]["problems"], "long markdown refused: %r" % [g["problems"] for g in got])
        md = json.loads(got[0]["body"])["markdown"]["content"]
        check(len(md.encode("utf-8")) <= 4096 and t in md, "markdown %d bytes" % len(md.encode("utf-8")))
        check("/warnings/%d" % w["id"] in md, "no link to the full text in the summary")
        # Two a minute on this channel: the third waits.
        publish(a, title="限速二 " + t, country="JP")
        w3 = publish(a, title="限速三 " + t, country="KR")
        dl.wait_until(lambda: len(robots.received(path="/wecom/long")) >= 2, "the second post")
        time.sleep(3)
        check(len(robots.received(path="/wecom/long")) == 2, "rate limit: %d posts in the minute"
              % len(robots.received(path="/wecom/long")))
        st = db_value("SELECT state FROM deliveries WHERE submission_id = %d AND channel_id = %d"
                      % (w3["id"], wc["id"]))
        check(st in ("pending", "retrying"), "the third: %s" % st)


def test_delivery_processes_never_send_twice():
    """Three `yujing deliver run` processes beside the server's threads,
    on the same rows: each recipient gets each warning exactly once."""
    import subprocess
    import os
    from client import run_dir
    a = accounts()
    adm = admin()
    t = tag()
    with receivers() as (smtp, robots):
        dl.set_mail(adm)
        addrs = ["many%02d-%s@example.com" % (i, t.lower()) for i in range(12)]
        for x in addrs:
            # Confirmed directly: the double opt-in is tested above.
            db("INSERT INTO subscriptions (email, filters, digest, state, token, created_at, updated_at, "
               "confirmed_at) VALUES ('%s', '{}', 'immediate', 'active', SHA2('%s', 256), NOW(), NOW(), NOW())"
               % (x, x))
        smtp.mode = "hang"      # the first sends wait while the others start
        # Three countries: not one announcement (the same title pattern of one
        # country would be, and reach each recipient once).
        ws = [publish(a, title="并发投递%d %s" % (i, t), country=cc) for i, cc in enumerate(("MX", "CA", "CL"))]
        with open(os.path.join(run_dir(), "yujing.bin")) as f:
            binary = f.read().strip()
        conf = os.path.join(run_dir(), "yujing.conf")
        procs = [subprocess.Popen([binary, "deliver", "run", "-c", conf], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL) for _ in range(3)]
        time.sleep(2)
        smtp.mode = "ok"
        try:
            for w in ws:
                wait_states(w["id"], {"sent"}, seconds=120)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
        for x in addrs:
            subjects = sorted(str(m["Subject"]) for m in [mm for _, mm in smtp.messages(x)])
            check(subjects == sorted("【贸易预警】并发投递%d %s" % (i, t) for i in range(3)),
                  "%s got %r" % (x, subjects))
        check(all(p.returncode == 0 for p in procs), "deliver run exit codes %r" % [p.returncode for p in procs])


def test_manage_change_unsubscribe_and_subscribe_again():
    adm = admin()
    dl.reset_dissemination()
    db("DELETE FROM subscribe_attempts")
    t = tag().lower()
    smtp = dl.SMTPServer().start()
    try:
        dl.set_mail(adm)
        anon = Client()
        addr = "manage-%s@example.com" % t
        tok = dl.subscribe(anon, smtp, addr, countries=["US"], digest="weekly")
        m = expect_json(raw_request("GET", "/api/public/subscriptions/manage?token=" + tok), 200, "manage")
        check(m["email"] == addr and m["digest"] == "weekly" and m["countries"] == ["US"], repr(m))
        path = "/api/public/subscriptions/manage?token=" + tok
        up = expect_json(anon.patch(path, {"countries": ["JP", "KR"], "digest": "daily"}), 200, "patch")
        check(up["countries"] == ["JP", "KR"] and up["digest"] == "daily", repr(up))
        assert_error(anon.patch(path, {"countries": ["ZZ"]}), 400, "invalid", "countries[0]")
        assert_error(anon.patch(path, {"email": "other@example.com"}), 400, "invalid", "email")
        again = expect_json(raw_request("GET", path), 200, "manage")
        check(again["countries"] == ["JP", "KR"] and again["email"] == addr, "changed by a refusal")
        # Asking again for an active address: a mail with the manage link,
        # no second row.
        expect_json(anon.post("/api/public/subscriptions", {"email": addr}), 202, "again")
        msgs = smtp.wait(addr, 1, subject="您的外贸预警信息订阅")
        check(len(msgs) == 1 and tok in dl.parts(msgs[0])[0], "manage mail: %r" % msgs)
        check(db_value("SELECT COUNT(*) FROM subscriptions WHERE email = '%s'" % addr) == "1", "rows")
        r = raw_request("POST", "/api/public/subscriptions/unsubscribe?token=" + tok)
        check(r.status == 200, "unsubscribe %s" % r)
        assert_error(anon.patch(path, {"digest": "immediate"}), 409, "conflict")
        # Subscribing again after unsubscribing starts a new double opt-in.
        tok2 = dl.subscribe(anon, smtp, addr)
        check(expect_json(raw_request("GET", "/api/public/subscriptions/manage?token=" + tok2), 200,
                          "manage")["state"] == "active", "subscribed again")
        assert_error(raw_request("POST", "/api/public/subscriptions/unsubscribe?token=nonsense"), 404, "not_found")
    finally:
        smtp.cleanup()
        dl.reset_dissemination()


def test_one_announcement_reaches_each_recipient_once():
    """Two warnings of one announcement (likely duplicates: same country and
    measure type, similar titles), both approved: each recipient gets the
    first only; a different announcement still goes out."""
    a = accounts()
    adm = admin()
    t = tag()
    with receivers() as (smtp, robots):
        dl.set_mail(adm)
        addr = "dup-%s@example.com" % t.lower()
        dl.subscribe(Client(), smtp, addr, countries=["AU"])
        wc = channel(a["province"], "wecom", "查重群 " + t, robots.url("/wecom/dup?key=" + t))
        w1 = publish(a, title="澳大利亚对华钢制轮毂反倾销立案调查" + t, country="AU", measure_type="AD")
        wait_states(w1["id"], {"sent"})
        w2 = publish(a, title="澳大利亚对华钢制轮毂发起反倾销立案调查" + t, country="AU", measure_type="AD")
        w3 = publish(a, title="澳大利亚食品标签新规通报" + t, country="AU", measure_type="TBT")
        wait_states(w3["id"], {"sent"})
        time.sleep(1.5)
        check(delivery_rows(w2["id"]) == [], "the duplicate was delivered: %r" % delivery_rows(w2["id"]))
        subjects = sorted(str(m["Subject"]) for _, m in smtp.messages(addr) if t in str(m["Subject"]))
        check(subjects == sorted(["【贸易预警】" + w1["title"], "【贸易预警】" + w3["title"]]), repr(subjects))
        posts = robots.received(path="/wecom/dup")
        check(len(posts) == 2, "robot posts: %d" % len(posts))
        check(raw_request("GET", "/api/public/warnings/%d" % w2["id"]).status == 200, "still public")
        check(wc["id"], "channel")
