"""The monthly bulletin (预警信息专刊): GET /api/bulletins/YYYY-MM.pdf and
.html hold exactly the warnings published in that month (approved with
发布到预警工作交流; a reverted one is gone), grouped by measure type and
country with a contents list naming each group's page; a city's holds its
city only; other roles are refused; a bad month is a 400."""

import os
import random
import threading
import re
import subprocess
import tempfile
from html.parser import HTMLParser

from client import assert_error, check, expect
from statslib import yujing
from sublib import accounts, create, submit, wi_fields

_month = {}


def _decide(sid, role, when, *extra):
    args = ["submission", "decide", "--id", str(sid), "--as", role]
    if role == "city":
        args += ["--city", extra[0]]
        extra = extra[1:]
    rc, out = yujing(*(args + list(extra) + ["--now", when]))
    check(rc == 0 and ": ok: " in out, "decide %d as %s at %s: %d %s" % (sid, role, when, rc, out))


def _warning(c, city, published, title, measure="AD", country="US", work_exchange=True,
             revert_at=None):
    """A warning of c's point, passed by its city and then by the province
    at the time published (with or without 发布到预警工作交流)."""
    sub = submit(c, create(c, fields=wi_fields(title=title, measure_type=measure, country=country,
                                               hs_codes=["2903"], source_url="https://example.org/n")))
    _decide(sub["id"], "city", published, city, "--decision", "pass")
    _decide(sub["id"], "province", published, "--decision", "pass",
            *(["--work-exchange"] if work_exchange else []))
    if revert_at:
        _decide(sub["id"], "province", revert_at, "--decision", "revert", "--opinion", "重新审核")
    return sub["id"]


def month():
    """A month of its own (far in the future, so no other test publishes
    in it) with: in it, two 反倾销/美国 (杭州 and 丽水), one 技术性贸易壁垒/欧盟
    (杭州); not in it, one approved without 预警工作交流, one published and
    reverted, one a second after the month, one a second before it."""
    if not _month:
        a = accounts()
        jd, ls = a["jiande"], a["ls_point"]
        y, m = random.randint(2040, 2990), random.randint(1, 11)
        ym = "%04d-%02d" % (y, m)
        t = "%08x" % random.getrandbits(32)

        def title(key):
            return "%s %s" % (TITLES[key], t)
        _warning(jd, "330100", ym + "-03 09:00:00", title("hz_ad_us"))
        _warning(ls, "331100", ym + "-11 10:00:00", title("ls_ad_us"))
        _warning(jd, "330100", ym + "-20 15:30:00", title("hz_tbt_eu"), measure="TBT", country="EU")
        _warning(jd, "330100", ym + "-05 09:00:00", title("no_we"), work_exchange=False)
        _warning(jd, "330100", ym + "-06 09:00:00", title("reverted"), revert_at=ym + "-07 09:00:00")
        _warning(jd, "330100", "%04d-%02d-01 00:00:00" % (y, m + 1), title("after"))
        _warning(ls, "331100", _day_before(y, m), title("before"))
        _month.update(ym=ym, tag=t, accounts=a)
    return _month


def _day_before(y, m):
    """The last second of the month before y-m."""
    return "%04d-%02d-%02d 23:59:59" % ((y, m - 1, _days(y, m - 1)) if m > 1 else (y - 1, 12, 31))


def _days(y, m):
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31


TITLES = {"hz_ad_us": "专刊甲 美国对华钢制品反倾销", "ls_ad_us": "专刊乙 美国对华家具反倾销",
          "hz_tbt_eu": "专刊丙 欧盟玩具新技术法规", "no_we": "专刊丁 未发布到工作交流",
          "reverted": "专刊戊 发布后撤销", "after": "专刊己 下月发布", "before": "专刊庚 上月发布"}


def _title(key):
    return "%s %s" % (TITLES[key], month()["tag"])


class _Sections(HTMLParser):
    """(measure code, country code, title) of every article, in order, and
    the contents' entries."""

    def __init__(self):
        super().__init__()
        self.measure = self.country = None
        self.in_h4 = self.in_nav = False
        self.items, self.contents, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-measure" in a:
            self.measure = a["data-measure"]
        if tag == "section" and "data-country" in a:
            self.country = a["data-country"]
        if tag == "h4":
            self.in_h4, self.text = True, []
        if tag == "nav":
            self.in_nav = True

    def handle_endtag(self, tag):
        if tag == "h4":
            self.in_h4 = False
            self.items.append((self.measure, self.country, "".join(self.text)))
        if tag == "nav":
            self.in_nav = False

    def handle_data(self, data):
        if self.in_h4:
            self.text.append(data)
        if self.in_nav and data.strip():
            self.contents.append(data.strip())


def _pdf_text(body, page=None, layout=False):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "b.pdf")
        with open(path, "wb") as f:
            f.write(body)
        args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else [])
        if page:
            args += ["-f", str(page), "-l", str(page)]
        text = subprocess.run(args + [path, "-"], capture_output=True, check=True).stdout
        info = subprocess.run(["pdfinfo", path], capture_output=True, check=True).stdout
    return text.decode("utf-8"), info.decode("utf-8")


def _get(c, name, status=200):
    resp = c.get("/api/bulletins/" + name)
    expect(resp, status, "GET /api/bulletins/" + name)
    return resp


def _our_titles(text):
    """The titles of this test's warnings found in text, in order of place."""
    found = [(text.find(_title(k)), k) for k in TITLES if _title(k) in text]
    check(all(text.count(_title(k)) == 1 for _, k in found),
          "a title appears twice: %r" % [(k, text.count(_title(k))) for _, k in found])
    check(text.count(month()["tag"]) == len(found), "a title of this run is cut or repeated")
    return [k for _, k in sorted(found)]


def test_bulletin_html_has_exactly_the_published_warnings_grouped():
    mo = month()
    prov = mo["accounts"]["province"]
    resp = _get(prov, mo["ym"] + ".html")
    check(resp.header("Content-Type") == "text/html; charset=utf-8",
          "Content-Type %r" % resp.header("Content-Type"))
    check("inline" in resp.header("Content-Disposition", ""), "disposition %r"
          % resp.header("Content-Disposition"))
    p = _Sections()
    p.feed(resp.body.decode("utf-8"))
    ours = [(m, c, ti) for m, c, ti in p.items if mo["tag"] in ti]
    check(ours == [("AD", "US", _title("hz_ad_us")), ("AD", "US", _title("ls_ad_us")),
                   ("TBT", "EU", _title("hz_tbt_eu"))],
          "articles (measure, country, title): %r" % ours)
    check(len(p.items) == 3, "the month holds other items: %r" % p.items)
    check(p.contents[:3] == ["目录", "一、反倾销", "美国"] and "二、技术性贸易壁垒" in p.contents
          and "欧盟" in p.contents, "contents %r" % p.contents)


def test_bulletin_pdf_is_a4_text_grouped_with_contents_pages():
    mo = month()
    prov = mo["accounts"]["province"]
    resp = _get(prov, mo["ym"] + ".pdf")
    check(resp.header("Content-Type") == "application/pdf", "Content-Type %r"
          % resp.header("Content-Type"))
    check(resp.body.startswith(b"%PDF-"), "not a PDF: %r" % resp.body[:20])
    text, info = _pdf_text(resp.body)
    check(re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), "pdfinfo: %s" % info)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    check(pages >= 3, "%d pages: the contents and two measure types each start a page" % pages)
    check("国际贸易风险预警信息专刊" in text and "目" in text, "no heading in %r" % text[:400])
    # Exactly the month's published warnings, under their measure type.
    order = _our_titles(text)
    check(order == ["hz_ad_us", "ls_ad_us", "hz_tbt_eu"], "titles in the PDF: %r" % order)
    body = text.split("\f", 1)[1]      # after the first page (title and contents)
    check(body.find("一、反倾销") < body.find(_title("hz_ad_us")) < body.find(_title("ls_ad_us"))
          < body.find("二、技术性贸易壁垒") < body.find(_title("hz_tbt_eu")),
          "the titles are not under their measure types:\n%s" % text[:3000])
    # Every page numbered; the contents name the page each group is on.
    for n in range(1, pages + 1):
        ptext, _ = _pdf_text(resp.body, n)
        check("第 %d 页，共 %d 页" % (n, pages) in ptext, "page %d has no number" % n)
    first, _ = _pdf_text(resp.body, 1, layout=True)
    entries = dict(re.findall(r"^\s*(\S.*?)\s{2,}(\d+)\s*$", first, re.M))
    for heading, country, key in (("一、反倾销", "美国（2 条）", "hz_ad_us"),
                                  ("二、技术性贸易壁垒", "欧盟（1 条）", "hz_tbt_eu")):
        check(heading in entries and country in entries, "contents %r" % entries)
        page = int(entries[country])
        ptext, _ = _pdf_text(resp.body, page)
        check(heading in ptext and _title(key) in ptext,
              "the contents put %s on page %d, which holds:\n%s" % (country, page, ptext[:800]))


def test_city_bulletin_holds_its_city_only():
    mo = month()
    a = mo["accounts"]
    hz_text, _ = _pdf_text(_get(a["hangzhou"], mo["ym"] + ".pdf").body)
    check(_our_titles(hz_text) == ["hz_ad_us", "hz_tbt_eu"], "杭州's: %r" % _our_titles(hz_text))
    check("杭州市" in hz_text, "the scope is not named")
    ls_text, _ = _pdf_text(_get(a["lishui"], mo["ym"] + ".pdf").body)
    check(_our_titles(ls_text) == ["ls_ad_us"], "丽水's: %r" % _our_titles(ls_text))
    p = _Sections()
    p.feed(_get(a["lishui"], mo["ym"] + ".html").body.decode("utf-8"))
    check([ti for _, _, ti in p.items] == [_title("ls_ad_us")], "丽水's HTML: %r" % p.items)


def test_bulletin_refusals_and_an_empty_month():
    a = month()["accounts"]
    for who in ("jiande", "editor", "admin"):
        assert_error(a[who].get("/api/bulletins/2019-05.pdf"), 403, "forbidden")
    for bad in ("2019-13.pdf", "text", "text.pdf", "2019-5.html", "2019-05.doc", "2019-00.html"):
        assert_error(a["province"].get("/api/bulletins/" + bad), 400, "invalid", "month")
    # A month without published warnings is still a bulletin, saying so.
    resp = _get(a["province"], "2999-12.pdf")
    text, info = _pdf_text(resp.body)
    check("本月没有发布" in text and "第 1 页，共 1 页" in text, "empty month: %r" % text)
    html = _get(a["hangzhou"], "2999-12.html").body.decode("utf-8")
    check("本月没有发布" in html and "<article" not in html, "empty month HTML: %s" % html[:600])


def test_bulletins_made_at_once_are_the_same():
    """Four PDFs and four HTML pages made in parallel (each PDF its own
    font map, nothing shared between worker threads) read the same."""
    mo = month()
    prov = mo["accounts"]["province"]
    out = {}

    def fetch(i):
        out[i] = prov.get("/api/bulletins/%s.%s" % (mo["ym"], "pdf" if i % 2 else "html"))
    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    made = re.compile(r"编制时间：[0-9-]+ [0-9:]+")     # the minute may tick between them
    pdfs = [made.sub("", _pdf_text(out[i].body)[0]) for i in range(1, 8, 2) if out[i].status == 200]
    htmls = {made.sub("", out[i].body.decode("utf-8")) for i in range(0, 8, 2)
             if out[i].status == 200}
    check(len(pdfs) == 4 and len(htmls) == 1, "statuses %r" % [out[i].status for i in range(8)])
    check(all(p == pdfs[0] for p in pdfs) and _our_titles(pdfs[0]) == ["hz_ad_us", "ls_ad_us",
                                                                         "hz_tbt_eu"],
          "parallel PDFs differ")
