#!/usr/bin/env python3
"""Demo submissions for the local stack: two years (2019, as in the seed
guide, and the current year) of items of every type in every state, for
jiande and a few other demo points, so that the dashboard, the drill-downs
and the scores show figures worth looking at.

Everything is made through the HTTP API of the running stack by the real
roles (the points draft, attach and submit; the cities and the province
review; the editor decides on the magazine; the province adopts and records
leader instructions), so every state, round, message and counter comes from
the lifecycle's own rules. Only then are the items' times moved back to
their dates (2019, or earlier this year) with SQL, and "yujing stats
rebuild" recounts the statistics from the submissions as the program does.

It also completes jiande's basic info and its leadership group.

Idempotent: when the first demo item exists, it does nothing.
Usage: demo-items.py --url URL --conf CONF --bin YUJING --socket DBSOCK --dbuser USER
"""
import argparse
import datetime as dt
import http.cookiejar
import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "Demo#2019"
BEIJING = dt.timezone(dt.timedelta(hours=8))
MARKER = "建德预警信息上报1"


class Api:
    def __init__(self, url, username):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        body = self.call("POST", "/api/session", {"username": username, "password": PASSWORD}, csrf=False)
        self.csrf = body["csrf_token"]
        self.user = body["user"]

    def call(self, method, path, body=None, csrf=True, raw=None):
        headers = {}
        data = None
        if raw is not None:
            data = raw
            headers["Content-Type"] = "application/octet-stream"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        req = urllib.request.Request(self.url + path, data, headers, method=method)
        try:
            with self.opener.open(req) as r:
                text = r.read()
        except urllib.error.HTTPError as e:
            raise RuntimeError("%s %s: %d %s" % (method, path, e.code, e.read().decode(errors="replace")))
        return json.loads(text) if text else None

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None):
        return self.call("POST", path, body if body is not None else {})


def sql(args, text):
    out = subprocess.run(["mariadb", "--no-defaults", "--socket=" + args.socket, "-u", args.dbuser,
                          "--default-character-set=utf8mb4", "-N", "-B", "yujing"],
                         input=text, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("mariadb: " + out.stderr)
    return out.stdout


WARNINGS = [
    ("美国对华化工产品发起反倾销调查", "US", "CHEMICAL", "AD"),
    ("欧盟更新REACH法规高度关注物质清单", "EU", "CHEMICAL", "TBT"),
    ("马达加斯加对进口洗衣粉启动保障措施立案调查", "MG", "CHEMICAL", "SG"),
    ("日本对中国普惠制待遇4月终结 化工、纺织产品对日出口将受影响", "JP", "CHEMICAL", "OTHER"),
    ("欧亚经济联盟终止对进口微波炉产品保障措施调查", "EAEU", "MACHINERY", "SG"),
    ("印度对华有机硅产品反倾销终裁", "IN", "CHEMICAL", "AD"),
    ("巴西对华涂料产品发起反补贴调查", "BR", "CHEMICAL", "CVD"),
    ("美国对华电缆产品337调查", "US", "ELECTRONICS", "S337"),
    ("东盟国家加强进口食品卫生检疫", "ASEAN", "AGRI", "SPS"),
    ("土耳其对华纺织品加征保障措施关税", "TR", "TEXTILE", "SG"),
    ("韩国修订化学品注册与评估法", "KR", "CHEMICAL", "TBT"),
    ("越南对华钢铁制品反倾销调查", "VN", "METAL", "AD"),
]


def warning_fields(i, title, author):
    t = WARNINGS[i % len(WARNINGS)]
    return {"title": title or t[0], "country": t[1], "industry": t[2], "measure_type": t[3],
            "hs_codes": ["2910", "3824"][: 1 + i % 2], "source_url": "https://www.mofcom.gov.cn/",
            "content": t[0] + "。\n据商务部贸易救济调查局消息，相关措施涉及我省多家出口企业。建议企业关注案件进展，及时应诉，"
                       "做好市场多元化布局。",
            "author": author, "phone": "0571-64712345"}


class Loader:
    def __init__(self, args):
        self.args = args
        self.dated = []     # (submission id, datetime it was first submitted, review lag days)
        self.n = 0

    def date(self, s, when, lag=2):
        self.dated.append((s["id"], when, lag))

    def draft(self, who, type_, fields):
        self.n += 1
        return who.post("/api/submissions", {"type": type_, "fields": fields})

    def submit(self, who, s):
        return who.post("/api/submissions/%d/submit" % s["id"], {"version": s["version"]})

    def decide(self, who, s, decision, opinion="", options=None):
        body = {"decision": decision, "opinion": opinion, "version": s["version"]}
        if options:
            body["options"] = options
        return who.post("/api/submissions/%d/decisions" % s["id"], body)

    def attach(self, who, s, name, text):
        who.call("POST", "/api/submissions/%d/attachments?name=%s" % (s["id"], urllib.parse.quote(name)),
                 raw=text.encode())

    # One warning info through its whole life; `end` is where it stops.
    def warning(self, point, city, province, editor, i, when, title=None, end="approved",
                options=None, magazine=None, adopt=None, instruction=None, author="姚红燕"):
        s = self.draft(point, "warning_info", warning_fields(i, title, author))
        if i % 3 == 0:
            self.attach(point, s, "案件公告.txt", "立案公告全文（演示附件）\n")
        self.date(s, when)
        if end == "draft":
            return s
        s = self.submit(point, s)
        if end == "city":
            return s
        if end == "returned_city":
            return self.decide(city, s, "return", "请补充涉案企业名单和HS编码后重新提交")
        if end == "rejected":
            return self.decide(city, s, "reject", "非原创，不予通过")
        if end == "resubmitted":
            s = self.decide(city, s, "return", "请补充信息来源")
            fields = dict(s["fields"], source_url="https://www.mofcom.gov.cn/article/")
            s = point.call("PATCH", "/api/submissions/%d" % s["id"], {"fields": fields, "version": s["version"]})
            s = self.submit(point, s)
        s = self.decide(city, s, "pass")
        if end == "province":
            return s
        if end == "returned_province":
            return self.decide(province, s, "return", "内容较简略，请补充对我省企业的影响分析")
        options = options or {"magazine": False, "work_exchange": True, "internal_exchange": False}
        s = self.decide(province, s, "pass", "内容具有典型性", options)
        if magazine is not None:
            s = editor.post("/api/submissions/%d/magazine" % s["id"], {"accept": magazine})
        if adopt is not None:
            s = province.post("/api/submissions/%d/adoption" % s["id"], {"adopt": adopt})
        if instruction:
            province.post("/api/submissions/%d/leader-instructions" % s["id"],
                          {"leader": "王副厅长", "text": instruction})
        return s

    def simple(self, point, type_, fields, when, end="approved"):
        s = self.draft(point, type_, fields)
        self.date(s, when, lag=0)
        if end != "draft":
            s = self.submit(point, s)
        return s


def jiande_complete(province, point):
    p = province.get("/api/points/1")
    if not p.get("address"):
        province.call("PATCH", "/api/points/1", {
            "approval_no": "{2015}5号", "address": "建德市新安江街道江滨中路88号商会大厦6楼",
            "phone": "0571-64712345", "fax": "0571-64712346", "website": "http://www.jdhgxh.cn/",
            "email": "jdhg623@163.com", "version": p["version"]})
    lead = point.get("/api/points/1/leadership")
    if not lead["members"]:
        point.call("PUT", "/api/points/1/leadership", {
            "members": [
                {"role": "组长", "name": "姚红燕", "position": "秘书长", "unit": "建德市精细化工行业协会"},
                {"role": "副组长", "name": "方建国", "position": "副局长", "unit": "建德市商务局"},
                {"role": "成员", "name": "金黎明", "position": "信息员", "unit": "建德市精细化工行业协会"},
                {"role": "成员", "name": "虞超", "position": "外贸部经理", "unit": "建德市安达精细化工股份有限公司"},
            ],
            "party_org": True, "party_members": 12, "version": lead["version"]})


def ensure_user(admin, username, name, role, point_id=None, city=None):
    users = admin.get("/api/users?q=%s&per_page=50" % urllib.parse.quote(username))["items"]
    if any(u["username"] == username for u in users):
        return
    body = {"username": username, "name": name, "role": role, "password": PASSWORD}
    if point_id:
        body["point_id"] = point_id
    if city:
        body["city"] = city
    admin.post("/api/users", body)


def check_dates(args, L, province):
    """Every item now stands at its date, as stored and as the API answers
    it (Beijing time, +08:00); a zone slip anywhere fails the load."""
    ids = ",".join(str(sid) for sid, _, _ in L.dated)
    got = dict(line.split("\t") for line in sql(args, "SELECT id, COALESCE(first_submitted_at, created_at) "
                                                     "FROM submissions WHERE id IN (%s);" % ids).splitlines())
    for sid, when, _ in L.dated:
        want = when.strftime("%Y-%m-%d %H:%M:%S")
        if got.get(str(sid)) != want:
            raise RuntimeError("item %d stands at %s, not at %s" % (sid, got.get(str(sid)), want))
    sid, when, _ = L.dated[0]
    answer = province.get("/api/submissions/%d" % sid)["submitted_at"]
    if answer != when.strftime("%Y-%m-%dT%H:%M:%S+08:00"):
        raise RuntimeError("item %d: the API answers submitted_at %s for %s" % (sid, answer, when))


def main():
    ap = argparse.ArgumentParser()
    for a in ("url", "conf", "bin", "socket", "dbuser"):
        ap.add_argument("--" + a, required=True)
    args = ap.parse_args()
    if sql(args, "SELECT COUNT(*) FROM submissions WHERE title = '%s';" % MARKER).strip() != "0":
        print("already loaded")
        return
    url = args.url
    now = dt.datetime.now(BEIJING).replace(tzinfo=None)   # the platform's zone, not this host's
    year = now.year
    admin, province = Api(url, "admin"), Api(url, "province")

    # Points of three more cities, with their city's account and their own.
    others = []
    for city, cname, cuser in (("330200", "宁波市商务局", "ningbo"), ("330700", "金华市商务局", "jinhua")):
        ensure_user(admin, cuser, cname, "city", city=city)
    pts = {}
    for city in ("330100", "330200", "330700"):
        pts[city] = [p for p in province.get("/api/points?city=%s&status=%s&per_page=10" % (city, urllib.parse.quote("正式")))["items"] if p["id"] != 1]
    picks = [(pts["330100"][0], "hangzhou"), (pts["330100"][7], "hangzhou"),
             (pts["330200"][0], "ningbo"), (pts["330200"][1], "ningbo"), (pts["330700"][0], "jinhua")]
    for k, (p, cuser) in enumerate(picks):
        uname = "point%d" % p["id"]
        ensure_user(admin, uname, p["name"], "point", point_id=p["id"])
        others.append((p, uname, cuser))

    L = Loader(args)
    jiande, hangzhou, editor = Api(url, "jiande"), Api(url, "hangzhou"), Api(url, "editor")
    jiande_complete(province, jiande)
    cities = {"hangzhou": hangzhou, "ningbo": Api(url, "ningbo"), "jinhua": Api(url, "jinhua")}
    D = dt.datetime

    # 建德, 2019, after the seed's row: 9 上报信息, 1 年度总结, 4 季度分析,
    # 1 内部交流采纳, 0 季度分析杂志录用, 2 预警信息杂志录用, 2 子网站信息,
    # 2 子网站工作动态; and one item in each other state.
    A = lambda j, when, **kw: L.warning(jiande, hangzhou, province, editor, j, when, **kw)
    A(0, D(2019, 1, 18, 17, 28, 4), title=MARKER)
    A(1, D(2019, 1, 18, 19, 12, 46))
    A(2, D(2019, 1, 22, 10, 40, 24), options={"magazine": True, "work_exchange": True, "internal_exchange": False}, magazine=True)
    A(3, D(2019, 1, 22, 11, 10, 26), options={"magazine": False, "work_exchange": False, "internal_exchange": True},
      adopt=True, instruction="请产业处跟进，指导相关企业做好应对。")
    A(4, D(2019, 5, 9, 10, 29, 10), options={"magazine": True, "work_exchange": False, "internal_exchange": False}, magazine=True)
    A(5, D(2019, 5, 10, 8, 35, 33), end="resubmitted")
    A(6, D(2019, 5, 10, 9, 14, 33))
    A(7, D(2019, 6, 12, 9, 16, 38), options={"magazine": False, "work_exchange": False, "internal_exchange": True}, adopt=False)
    A(8, D(2019, 9, 10, 9, 17, 5))
    A(9, D(2019, 10, 15, 14, 2, 0), end="rejected")
    A(10, D(2019, 11, 20, 15, 30, 0), end="returned_city")
    A(11, D(2019, 12, 2, 10, 0, 0), end="returned_province")
    for q, when in ((1, D(2019, 4, 8, 9, 0)), (2, D(2019, 7, 9, 9, 0)), (3, D(2019, 10, 10, 9, 0)), (4, D(2020, 1, 10, 9, 0))):
        s = L.simple(jiande, "quarterly_analysis", {"year": 2019, "quarter": q, "title": "2019年第%d季度分析报告" % q,
                     "content": "本季度建德精细化工产品出口总体平稳，对美出口受加征关税影响有所下降。"}, when)
        editor.post("/api/submissions/%d/magazine" % s["id"], {"accept": False})
    L.simple(jiande, "annual_summary", {"year": 2019, "title": "建德精细化工产品对外贸易预警点2019年度工作总结",
             "content": "全年上报预警信息9条，编写季度分析4期，组织企业应对贸易摩擦培训2次。"}, D(2020, 1, 15, 10, 0))
    for col, title, when in (("预警信息", "有机硅出口预警提示", D(2019, 3, 5, 9, 0)), ("预警信息", "美国301关税清单更新提示", D(2019, 6, 3, 9, 0)),
                             ("工作动态", "预警点召开企业座谈会", D(2019, 4, 2, 9, 0)), ("工作动态", "贸易摩擦应对培训会举行", D(2019, 9, 20, 9, 0))):
        L.simple(jiande, "subsite_post", {"column": col, "title": title, "content": title + "。"}, when)
    L.simple(jiande, "warning_info", warning_fields(1, "（草稿）印尼对华化工产品保障措施调查", "姚红燕"), D(2019, 12, 20, 9, 0), end="draft")

    # 建德, this year so far: a lighter year, every state present.
    m = max(1, now.month - 1)
    when = lambda k: min(D(year, 1 + (k * (m - 1)) // 9, 5 + (k * 2) % 20, 9 + k % 8, 15),
                         now - dt.timedelta(days=3))
    A(0, when(0))
    A(1, when(1), options={"magazine": True, "work_exchange": True, "internal_exchange": False}, magazine=True)
    A(2, when(2), options={"magazine": False, "work_exchange": False, "internal_exchange": True}, adopt=True,
      instruction="此信息很有价值，请相关处室研究。")
    A(3, when(3), options={"magazine": False, "work_exchange": False, "internal_exchange": True})
    A(4, when(4), options={"magazine": True, "work_exchange": False, "internal_exchange": False})
    A(5, when(5))
    A(6, when(6), end="returned_city")
    A(7, when(7), end="province")
    A(8, when(8), end="city")
    A(9, when(9), end="rejected")
    A(10, when(9), end="draft")
    for q in range(1, min(4, (now.month - 1) // 3 + 1) + 1):
        if q > 3:
            break
        s = L.simple(jiande, "quarterly_analysis", {"year": year, "quarter": q, "title": "%d年第%d季度分析报告" % (year, q),
                     "content": "本季度出口企业订单总体稳定。"}, D(year, 3 * q, 28, 10, 0) if 3 * q < now.month else when(8))
        if q == 1:
            editor.post("/api/submissions/%d/magazine" % s["id"], {"accept": True})
    for k, (col, title) in enumerate((("预警信息", "欧盟碳边境调节机制实施提示"), ("工作动态", "预警点走访重点出口企业"),
                                      ("政策法规", "出口管制法解读"))):
        L.simple(jiande, "subsite_post", {"column": col, "title": title, "content": title + "。"}, when(k * 3))

    # The other points: a few items each year, in several states.
    for n, (p, uname, cuser) in enumerate(others):
        pt, city = Api(url, uname), cities[cuser]
        who = p["name"][:4] + "预警点"
        B = lambda j, when, **kw: L.warning(pt, city, province, editor, j, when, author=who, **kw)
        B(n, D(2019, 3 + n, 12, 10, 0))
        B(n + 1, D(2019, 6 + n, 3, 14, 0), options={"magazine": n % 2 == 0, "work_exchange": True, "internal_exchange": False},
          magazine=True if n % 2 == 0 else None)
        B(n + 2, when(n), end=("city", "province", "returned_city", "approved", "rejected")[n])
        B(n + 3, when(n + 3), options={"magazine": False, "work_exchange": False, "internal_exchange": True},
          adopt=(True if n % 2 else None))
        L.simple(pt, "quarterly_analysis", {"year": 2019, "quarter": 2, "title": "2019年第2季度分析报告",
                 "content": "本季度行业出口平稳。"}, D(2019, 7, 8 + n, 9, 0))
        if n < 3:
            L.simple(pt, "annual_summary", {"year": 2019, "title": "2019年度工作总结", "content": "全年工作总结。"},
                     D(2020, 1, 12 + n, 9, 0))
        L.simple(pt, "subsite_post", {"column": "工作动态", "title": "预警点工作动态", "content": "工作动态。"}, when(n + 1))

    # 下发信息: notices from the province (three in 2019, as in the seed).
    for k, (title, aud, when_) in enumerate((("关于做好2019年度预警点考核工作的通知", {"all": True}, D(2019, 3, 1, 9, 0)),
                                            ("关于报送第二季度形势分析的通知", {"all": True}, D(2019, 6, 20, 9, 0)),
                                            ("杭州市预警点工作座谈会通知", {"city": "330100"}, D(2019, 9, 2, 9, 0)),
                                            ("关于报送%d年度工作总结的通知" % year, {"all": True}, when(8)))):
        L.simple(province, "notice", {"title": title, "content": title + "，请各预警点按时完成。", "audience": aud}, when_)

    # Move each item's times back to its date, keeping their order: first
    # submitted (or made, for a draft) at `when`, decided `lag` days later
    # (never in the future). The shift is the distance from the row's own
    # stored time, so it holds whatever zone this host's clock is in; the
    # stored times are Beijing times like every time yujing stores.
    stmts = []
    for sid, when, lag in L.dated:
        stmts.append(
            "SELECT TIMESTAMPDIFF(SECOND, '{w}', COALESCE(first_submitted_at, created_at)) INTO @d "
            "FROM submissions WHERE id = {id};".format(w=when.strftime("%Y-%m-%d %H:%M:%S"), id=sid))
        stmts.append("SET @r = LEAST({lag} * 86400, GREATEST(0, @d - 3600));".format(lag=lag))
        stmts.append("SET @dr = @d - @r, @da = GREATEST(0, @d - 2 * @r);")
        stmts.append(
            "UPDATE submissions SET created_at = created_at - INTERVAL @d SECOND, "
            "updated_at = updated_at - INTERVAL @dr SECOND, "
            "first_submitted_at = first_submitted_at - INTERVAL @d SECOND, "
            "submitted_at = submitted_at - INTERVAL @d SECOND, "
            "decided_at = decided_at - INTERVAL @dr SECOND, "
            "accepted_at = accepted_at - INTERVAL @da SECOND, "
            "adopted_at = adopted_at - INTERVAL @da SECOND, "
            "year = IF(type IN ('quarterly_analysis', 'annual_summary') OR first_submitted_at IS NULL, year, YEAR(first_submitted_at)) "
            "WHERE id = {id};".format(id=sid))
        stmts.append("UPDATE decisions SET at = at - INTERVAL @dr SECOND WHERE submission_id = {id};".format(id=sid))
        stmts.append("UPDATE messages SET created_at = created_at - INTERVAL @dr SECOND, "
                     "read_at = IF(YEAR(created_at) < {y}, created_at, NULL) WHERE submission_id = {id};".format(id=sid, y=year))
        stmts.append("UPDATE leader_instructions SET at = at - INTERVAL @da SECOND WHERE submission_id = {id};".format(id=sid))
        stmts.append("UPDATE attachments SET created_at = created_at - INTERVAL @d SECOND WHERE submission_id = {id};".format(id=sid))
    sql(args, "\n".join(stmts) + "\n")
    check_dates(args, L, province)
    out = subprocess.run([args.bin, "stats", "rebuild", "-c", args.conf], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("yujing stats rebuild: " + out.stdout + out.stderr)
    print(out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "stats rebuilt")
    print("%d submissions for %d points over 2019 and %d" % (L.n, 1 + len(others), year))


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        print("demo-items: %s" % e, file=sys.stderr)
        sys.exit(1)
