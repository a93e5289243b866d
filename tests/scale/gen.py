#!/usr/bin/env python3
"""Fill a local stack's database at province scale: warning points, their
people, contact enterprises and leadership groups, accounts, and
submissions of every report type in every state over several years, with
the decisions, messages and leader instructions the lifecycle would have
left.  Then recount the statistics with `yujing stats rebuild` and check
them with `yujing stats verify`.

    tests/scale/gen.py [--name scale] [--points 10000]
        [--people-enterprises 200000] [--submissions 1000000] [--years 3]
        [--seed 20240101] [--today YYYY-MM-DD] [--reset] [--no-stats]

The stack must run (tests/stack.sh up --name NAME, with the demo data).
--points and --people-enterprises are totals in the database (the demo's
106 points and 1,200 people and enterprises included); --submissions is the
number of submissions to have (the generator adds what is missing).  The
rows are written as tab-separated files under .run/NAME/gen/ and loaded
with LOAD DATA LOCAL INFILE by MariaDB's root account over the stack's
socket, while the next files are being written.  Generated points carry
the marker "（S00001）" at the end of their name, generated accounts the
username prefix "scale-"; --reset removes them and empties every
submission table (submissions, decisions, messages, leader_instructions,
attachments, stat_records, stat_totals) before generating.

The same seed and --today (default: today, Beijing time) give the same
rows.  Python 3 standard library only.  See tests/scale/README.md.
"""

import argparse
import bisect
import datetime
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARK = "（S%05d）"          # generated points' names end with it
MARK_LIKE = "%（S_____）"
USER_PREFIX = "scale-"

T0 = time.monotonic()


def say(msg):
    print("[gen %6.1fs] %s" % (time.monotonic() - T0, msg), flush=True)


def die(msg):
    print("gen: error: %s" % msg, file=sys.stderr, flush=True)
    sys.exit(1)


# ------------------------------------------------------------------ the stack

class Stack:
    def __init__(self, name):
        self.run = os.path.join(ROOT, ".run", name)
        env = os.path.join(self.run, "stack.env")
        if not os.path.isfile(env):
            die("no stack %r (%s missing); start it: tests/stack.sh up --name %s"
                % (name, env, name))
        self.env = {}
        with open(env, encoding="utf-8") as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                self.env[k] = v
        self.socket = self.env["DB_SOCKET"]
        self.conf = self.env["CONF"]
        binf = os.path.join(self.run, "yujing.bin")
        self.bin = open(binf).read().strip() if os.path.isfile(binf) else None

    def client(self, *extra):
        return ["mariadb", "--no-defaults", "--socket=" + self.socket, "-u", "root",
                "--default-character-set=utf8mb4"] + list(extra) + ["yujing"]

    def sql(self, text):
        """Runs SQL as root; rows as lists of strings (NULL: None)."""
        p = subprocess.run(self.client("-N", "-B"), input=text.encode("utf-8"),
                           capture_output=True)
        if p.returncode != 0:
            die("mariadb failed: %s\nSQL: %s" % (p.stderr.decode("utf-8", "replace").strip(),
                                                 text[:500]))
        rows = []
        for line in p.stdout.decode("utf-8").splitlines():
            rows.append([None if c == "NULL" else c for c in line.split("\t")])
        return rows

    def value(self, text):
        rows = self.sql(text)
        return rows[0][0] if rows else None


# ------------------------------------------------------------------ loading

class Loader:
    """One mariadb session fed LOAD DATA statements through a pipe while
    the generator writes the next files.  Each loaded file is removed."""

    def __init__(self, stack, keep):
        self.keep = keep
        self.p = subprocess.Popen(stack.client("--local-infile=1", "--unbuffered", "-N", "-B"),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.rows = {}
        self.warnings = []
        self.stderr = b""
        self.pending = 0
        self.lock = threading.Lock()
        self.out = threading.Thread(target=self._read_out, daemon=True)
        self.err = threading.Thread(target=self._read_err, daemon=True)
        self.out.start()
        self.err.start()
        self._send("SET SESSION unique_checks = 0, foreign_key_checks = 0, "
                   "time_zone = '+08:00';\n")

    def _send(self, text):
        try:
            self.p.stdin.write(text.encode("utf-8"))
            self.p.stdin.flush()
        except BrokenPipeError:
            self.close()
            die("the loading session ended early")

    def _read_out(self):
        for raw in self.p.stdout:
            cols = raw.decode("utf-8", "replace").rstrip("\n").split("\t")
            if cols[0] == "loaded" and len(cols) == 5:
                _, table, path, n, warn = cols
                with self.lock:
                    self.rows[table] = self.rows.get(table, 0) + int(n)
                    self.pending -= 1
                if int(warn) and len(self.warnings) < 20:
                    self.warnings.append("%s: %s warnings" % (os.path.basename(path), warn))
                if not self.keep:
                    try:
                        os.unlink(path)
                    except OSError:
                        pass
            elif cols[0] in ("Warning", "Error", "Note") and len(self.warnings) < 20:
                self.warnings.append(" ".join(cols))

    def _read_err(self):
        self.stderr = self.p.stderr.read()

    def load(self, table, cols, path, n):
        with self.lock:
            self.pending += 1
        self._send("LOAD DATA LOCAL INFILE '%s' INTO TABLE %s CHARACTER SET utf8mb4 (%s);\n"
                   "SHOW WARNINGS LIMIT 5;\n"
                   "SELECT 'loaded', '%s', '%s', %d, @@warning_count;\n"
                   % (path, table, cols, table, path, n))

    def backlog(self):
        with self.lock:
            return self.pending

    def close(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        rc = self.p.wait()
        self.out.join()
        self.err.join()
        if rc != 0:
            die("loading failed: %s" % self.stderr.decode("utf-8", "replace").strip())


class Table:
    """Rows of one table as tab-separated files of at most `chunk` rows,
    each handed to the loader when full."""

    def __init__(self, name, cols, workdir, loader, chunk):
        self.name, self.cols, self.dir, self.loader, self.chunk = name, cols, workdir, loader, chunk
        self.f = None
        self.n = 0          # rows in the open file
        self.total = 0
        self.files = 0

    def add(self, line):
        if self.f is None:
            self.files += 1
            self.path = os.path.join(self.dir, "%s.%04d.tsv" % (self.name, self.files))
            self.f = open(self.path, "w", encoding="utf-8", newline="\n")
            self.buf = []
        self.buf.append(line)
        self.n += 1
        self.total += 1
        if len(self.buf) >= 5000:
            self.f.write("".join(self.buf))
            self.buf = []
        if self.n >= self.chunk:
            self.flush()

    def flush(self):
        if self.f is None:
            return
        self.f.write("".join(self.buf))
        self.f.close()
        self.loader.load(self.name, self.cols, self.path, self.n)
        self.f = None
        self.n = 0
        # Let the database keep up rather than fill the disk.
        while self.loader.backlog() > 6:
            time.sleep(0.2)


N = "\\N"


def esc(s):
    """A text value for LOAD DATA's default format."""
    if s is None:
        return N
    s = str(s)
    if "\\" in s or "\t" in s or "\n" in s:
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return s


def row(*vals):
    return "\t".join(N if v is None else esc(v) if isinstance(v, str) else str(v)
                     for v in vals) + "\n"


# ------------------------------------------------------------------ time

EPOCH = datetime.date(2000, 1, 1)
DAYS = [(EPOCH + datetime.timedelta(days=i)).isoformat() for i in range(366 * 50)]
DAY = 86400
HOUR = 3600


def ts_of(date):
    return (date - EPOCH).days * DAY


def fmt(ts):
    if ts is None:
        return None
    d, s = divmod(ts, DAY)
    return "%s %02d:%02d:%02d" % (DAYS[d], s // 3600, s // 60 % 60, s % 60)


def year_of(ts):
    return int(DAYS[ts // DAY][:4])


def month_of(ts):
    return int(DAYS[ts // DAY][5:7])


def date_of(ts):
    return EPOCH + datetime.timedelta(days=ts // DAY)


# ------------------------------------------------------------------ words

CITY_WEIGHTS = {"330100": 16, "330200": 16, "330300": 12, "330400": 9, "330500": 6,
                "330600": 9, "330700": 11, "330800": 4, "330900": 3, "331000": 9,
                "331100": 5}
AREA_CODES = {"330100": "0571", "330200": "0574", "330300": "0577", "330400": "0573",
              "330500": "0572", "330600": "0575", "330700": "0579", "330800": "0570",
              "330900": "0580", "331000": "0576", "331100": "0578"}

PRODUCTS = {
    "TEXTILE": ["针织服装", "羊毛衫", "袜业", "领带", "家纺", "化纤", "羽绒制品", "丝绸", "童装", "箱包"],
    "CHEMICAL": ["精细化工产品", "农药", "染料", "合成革", "氟化工产品", "涂料", "橡胶制品", "塑料制品"],
    "MACHINERY": ["电动工具", "泵阀", "轴承", "电机", "缝纫机", "电梯", "气动元件", "低压电器", "注塑机"],
    "ELECTRONICS": ["光电产品", "半导体", "电子元器件", "通信设备", "照明电器", "家用电器"],
    "AUTO": ["汽车零部件", "汽摩配", "车用轮毂", "汽车用品", "电动车"],
    "METAL": ["紧固件", "五金工具", "锁具", "不锈钢制品", "铝型材", "金属材料"],
    "LIGHT": ["文具", "眼镜", "打火机", "制笔", "鞋革", "玩具", "伞业", "圣诞用品", "小商品"],
    "FURNITURE": ["家具", "木业", "竹制品", "办公椅", "户外家具"],
    "AGRI": ["茶叶", "蔬菜罐头", "蜂产品", "食用菌", "干坚果", "果蔬汁"],
    "AQUATIC": ["水海产品", "远洋渔业产品", "贻贝", "冷冻鱼片", "虾制品"],
    "MEDICINE": ["医药化工", "原料药", "医疗器械", "中药材", "生物医药"],
    "ENERGY": ["光伏产品", "锂电池", "风电设备", "新能源汽车零部件"],
    "OTHER": ["工艺品", "青瓷", "石雕", "再生金属", "节日灯"],
}
MEASURE_PHRASES = {
    "AD": ["发起反倾销调查", "作出反倾销初裁", "作出反倾销终裁", "启动反倾销期终复审", "发起反规避调查"],
    "CVD": ["发起反补贴调查", "作出反补贴初裁", "作出反补贴终裁"],
    "SG": ["发起保障措施调查", "延长保障措施", "实施保障措施关税配额"],
    "TBT": ["发布技术法规草案", "修订产品标准要求", "通报技术性贸易措施", "更新能效标签要求"],
    "SPS": ["调整农药残留限量标准", "发布进口检疫新要求", "暂停部分企业输入资格"],
    "S337": ["发起337调查", "作出337调查初裁"],
    "OTHER": ["提高进口关税", "发布进口限制措施", "调整进口许可管理", "发布出口管制新规"],
}
MEASURE_WEIGHTS = {"AD": 30, "CVD": 8, "SG": 6, "TBT": 25, "SPS": 12, "S337": 4, "OTHER": 15}
COUNTRY_WEIGHTS = {"US": 20, "EU": 15, "IN": 10, "TR": 6, "BR": 5, "MX": 4, "AR": 3, "RU": 3,
                   "EAEU": 3, "ZA": 3, "ID": 3, "VN": 3, "TH": 2, "KR": 2, "JP": 2, "AU": 2,
                   "CA": 3, "GB": 2, "CO": 2, "PK": 1, "EG": 2, "MY": 1, "PH": 1, "UA": 1,
                   "CL": 1, "PE": 1, "SA": 1, "AE": 1}
AGENCIES = ["商务部", "贸易委员会", "海关", "标准化机构", "农业部", "卫生部", "国际贸易委员会"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇浩凯健俊帆鹏晨阳欣怡佳琪雪梅婷晓东海波斌峰林宁远志刚国庆春燕"
POSITIONS_RESP = ["会长", "秘书长", "常务副会长"]
POSITIONS_STAFF = ["副秘书长", "办公室主任", "预警信息员", "干事", "联络员", "信息专员"]
ENT_WORDS = ["华盛", "恒力", "永固", "金达", "宏远", "新亚", "天元", "海纳", "鑫源", "东方", "振华",
             "国泰", "联合", "中盛", "瑞丰", "嘉利", "万通", "长城", "南洋", "远航", "正泰", "龙腾",
             "华宇", "浙丰", "通达", "明珠", "富春", "钱江", "之江", "越美"]
ENT_SUFFIX = ["有限公司", "股份有限公司", "实业有限公司", "进出口有限公司", "制造有限公司"]
MARKETS = ["美国", "欧盟", "东盟", "日本", "韩国", "中东", "非洲", "拉美", "俄罗斯", "印度", "澳大利亚"]
NEWS_TOPICS = ["贸易摩擦应对", "出口合规", "技术性贸易措施", "反倾销应诉", "RCEP 原产地规则",
               "欧盟碳边境调节机制", "出口信用保险", "知识产权海外维权"]
POLICY_TITLES = ["关于进一步做好稳外贸工作的若干措施", "出口管制法实施条例", "关于支持外贸企业拓展国际市场的通知",
                 "技术性贸易措施年度报告", "贸易救济调查应对指引", "跨境电商出口退税管理办法"]
NOTICE_TOPICS = ["贸易摩擦应对", "季度形势分析报送", "年度工作总结报送", "预警信息报送质量",
                 "预警点年度考核", "业务培训", "出口预警监测", "重点市场风险排查"]
LEADERS = ["韩杰（厅长）", "盛秋平（副厅长）", "张钱江（副厅长）", "朱军（副厅长）"]
OPINIONS_RETURN = ["请补充信息来源和涉及企业情况后重新上报", "内容较简略，请补充对本地出口的影响分析",
                   "标题与内容不符，请修改", "请核实 HS 编码后重新提交"]
OPINIONS_REJECT = ["非原创，不予通过", "信息已由其他预警点报送，不予通过", "时效性不足，不予通过"]
OPINIONS_PASS = ["内容具有典型性，建议推荐到《浙江商务》", "内容较有深度，但存在保密信息，推荐内部交流", None]


# ------------------------------------------------------------------ generator

class Gen:
    def __init__(self, args, stack):
        self.a = args
        self.s = stack
        self.rng = random.Random(args.seed)
        today = args.today
        self.now = ts_of(today)                       # 00:00 today, Beijing time
        self.start = ts_of(datetime.date(today.year - args.years + 1, 1, 1))

    # ---------------------------------------------------------- helpers
    def pick(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    def wpick(self, items, cum):
        return items[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def name(self):
        r = self.rng
        return self.pick(SURNAMES) + "".join(self.pick(GIVEN) for _ in range(1 + (r.random() < 0.6)))

    def mobile(self):
        return "1%d%09d" % (self.pick((3, 5, 7, 8, 9)), self.rng.randrange(10 ** 9))

    def phone(self, city):
        return "%s-%d" % (AREA_CODES.get(city, "0571"), self.rng.randrange(50000000, 89999999))

    def work_time(self, lo, hi):
        """A moment in office hours of a day in [lo, hi)."""
        d0, d1 = lo // DAY, max(lo // DAY + 1, hi // DAY)
        d = d0 + int(self.rng.random() * (d1 - d0))
        t = d * DAY + 8 * HOUR + int(self.rng.random() * 11 * HOUR)
        return max(lo, min(t, hi - 1))

    def later(self, t, lo_h, hi_h):
        """Some hours after t, in office hours (08:00-19:00)."""
        t += int((lo_h + self.rng.random() * (hi_h - lo_h)) * HOUR)
        d, s = divmod(t, DAY)
        if s < 8 * HOUR or s >= 19 * HOUR:
            t = (d + (s >= 19 * HOUR)) * DAY + 8 * HOUR + int(self.rng.random() * 11 * HOUR)
        return t

    # ---------------------------------------------------------- dictionaries
    def read_db(self):
        s = self.s
        self.cities = {}
        self.districts = {}
        for code, name, level, city, status in s.sql(
                "SELECT code, name, level, city_code, status FROM regions ORDER BY sort"):
            if level == "city":
                self.cities[code] = name
            elif status == "current":
                self.districts.setdefault(city, []).append((code, name))
        self.industries = [r[0] for r in s.sql("SELECT code FROM industries ORDER BY sort")]
        countries = dict(s.sql("SELECT code, name FROM countries"))
        self.countries = [(c, countries[c]) for c in COUNTRY_WEIGHTS if c in countries]
        self.country_cum = list(accumulate(COUNTRY_WEIGHTS[c] for c, _ in self.countries))
        self.measures = [m for m in MEASURE_WEIGHTS if s.value(
            "SELECT COUNT(*) FROM measure_types WHERE code = '%s'" % m) == "1"]
        self.measure_cum = list(accumulate(MEASURE_WEIGHTS[m] for m in self.measures))
        self.province_id = s.value("SELECT MIN(id) FROM users WHERE role = 'province' "
                                   "AND deleted_at IS NULL AND disabled = 0")
        if self.province_id is None:
            die("no province account: load the demo data (tests/stack.sh up without --no-demo)")
        self.province_id = int(self.province_id)
        self.hash = s.value("SELECT password_hash FROM users WHERE id = %d" % self.province_id)
        self.editor_id = s.value("SELECT MIN(id) FROM users WHERE role = 'editor'")

    # ---------------------------------------------------------- points
    def gen_points(self, T, n_new):
        rng = self.rng
        s = self.s
        self.points = []      # dicts: id, city, status, name, short, industry, phone, weight
        for pid, name, city, status, industry, phone in s.sql(
                "SELECT id, name, city, status, COALESCE(industry, 'OTHER'), phone FROM points ORDER BY id"):
            self.points.append(dict(id=int(pid), name=name, city=city, status=status,
                                    industry=industry, phone=phone,
                                    short=name.replace("对外贸易预警示范点", "").replace("对外贸易预警点", "")))
        next_id = int(s.value("SELECT COALESCE(MAX(id), 0) FROM points")) + 1
        first_serial = int(s.value("SELECT COUNT(*) FROM points WHERE name LIKE '%s'" % MARK_LIKE)) + 1
        cities = list(CITY_WEIGHTS)
        city_cum = list(accumulate(CITY_WEIGHTS[c] for c in cities))
        cols = ("id, name, host_org, type, batch, industry, city, district, founded_year, "
                "approval_no, address, phone, fax, website, email, status, party_org, "
                "party_members, leadership_version, version, created_at, updated_at")
        t = Table("points", cols, self.work, self.loader, 50000)
        lcols = "id, point_id, sort, role, name, position, unit"
        lt = Table("point_leaders", lcols, self.work, self.loader, 100000)
        lid = int(s.value("SELECT COALESCE(MAX(id), 0) FROM point_leaders")) + 1
        batches = ["第一批", "第二批", "第三批", "第四批", "第五批", "第六批"]
        for k in range(n_new):
            pid = next_id + k
            serial = first_serial + k
            city = self.wpick(cities, city_cum)
            dists = self.districts.get(city, [])
            district, dname = self.pick(dists) if dists and rng.random() > 0.03 else (None, self.cities[city])
            industry = self.pick(self.industries)
            product = self.pick(PRODUCTS.get(industry, PRODUCTS["OTHER"]))
            typ = "省级" if rng.random() < 0.55 else "市级"
            stem = dname + product
            name = stem + ("对外贸易预警示范点" if typ == "省级" else "对外贸易预警点") + MARK % serial
            r = rng.random()
            status = "正式" if r < 0.90 else "筹建" if r < 0.96 else "撤销"
            year = rng.randint(2008, 2025) if status != "筹建" else rng.randint(2023, 2026)
            batch = None if rng.random() < 0.03 else batches[min(5, (year - 2008) // 3)]
            approval = None if status == "筹建" or rng.random() < 0.04 else "{%d}%d号" % (year, rng.randint(1, 40))
            address = None if rng.random() < 0.05 else "%s%s路%d号" % (dname, self.pick("人民解放中山建设新华文化环城开发"), rng.randint(1, 999))
            phone = self.phone(city)
            fax = phone if rng.random() < 0.4 else None
            slug = "s%05d" % serial
            website = "http://www.%s.org.cn/" % slug if rng.random() < 0.35 else None
            email = None if rng.random() < 0.06 else "%s@%s" % (slug, self.pick(("163.com", "126.com", "qq.com")))
            party = None if rng.random() < 0.05 else int(rng.random() < 0.7)
            members = rng.randint(3, 40) if party == 1 else None
            created = self.work_time(ts_of(datetime.date(2019, 1, 1)), ts_of(datetime.date(2023, 12, 1)))
            t.add(row(pid, name, stem + "行业协会", typ, batch, industry, city, district, year,
                      approval, address, phone, fax, website, email, status, party, members, 1, 1,
                      fmt(created), fmt(created)))
            for sort, role in ((1, "组长"), (2, "副组长"), (3, "成员")):
                lt.add(row(lid, pid, sort, role, self.name(), self.pick(POSITIONS_RESP) if sort == 1 else self.pick(POSITIONS_STAFF),
                           stem + "行业协会"))
                lid += 1
            self.points.append(dict(id=pid, name=name, city=city, status=status, industry=industry,
                                    phone=phone, short=stem))
        t.flush()
        lt.flush()
        self.made["points"] = t.total
        self.made["point_leaders"] = lt.total
        self.new_point_ids = set(range(next_id, next_id + n_new))
        # How busy each point is: a few very busy, most ordinary.
        for p in self.points:
            p["weight"] = rng.lognormvariate(0, 1.0) * {"正式": 1.0, "筹建": 0.3, "撤销": 0.5}[p["status"]]
        self.point_cum = list(accumulate(p["weight"] for p in self.points))
        # Quarterly analyses and annual summaries: about one per point and
        # period whatever the point's activity.
        self.flat_cum = list(accumulate({"正式": 1.0, "筹建": 0.3, "撤销": 0.5}[p["status"]]
                                        for p in self.points))
        self.by_city = {}
        for p in self.points:
            if p["status"] != "撤销":
                self.by_city.setdefault(p["city"], []).append(p["id"])
        self.live_points = [p["id"] for p in self.points if p["status"] != "撤销"]

    # ---------------------------------------------------------- people and enterprises
    def gen_members(self, target):
        rng = self.rng
        s = self.s
        have = int(s.value("SELECT (SELECT COUNT(*) FROM point_people) + (SELECT COUNT(*) FROM point_enterprises)"))
        want = max(0, target - have)
        new = [p for p in self.points if p["id"] in self.new_point_ids]
        if not new or want == 0:
            return
        n_people = int(want * 0.3)
        n_ent = want - n_people
        weights = [rng.lognormvariate(0, 0.6) for _ in new]

        def spread(total, floor):
            base = [floor] * len(new)
            rest = total - floor * len(new)
            if rest < 0:
                base = [0] * len(new)
                rest = total
            tw = sum(weights)
            out = [b + int(rest * w / tw) for b, w in zip(base, weights)]
            for i in rng.sample(range(len(new)), total - sum(out)) if total > sum(out) else []:
                out[i] += 1
            return out

        people = spread(n_people, 1)
        ents = spread(n_ent, 0)
        pcols = "id, point_id, kind, name, position, phone, mobile, email, deleted_at, version, created_at, updated_at"
        ecols = ("id, point_id, name, credit_code, contact, phone, products, markets, deleted_at, "
                 "version, created_at, updated_at")
        pt = Table("point_people", pcols, self.work, self.loader, 100000)
        et = Table("point_enterprises", ecols, self.work, self.loader, 100000)
        pid_ = int(s.value("SELECT COALESCE(MAX(id), 0) FROM point_people")) + 1
        eid = int(s.value("SELECT COALESCE(MAX(id), 0) FROM point_enterprises")) + 1
        serial = int(s.value("SELECT COUNT(*) FROM point_enterprises WHERE credit_code IS NOT NULL"))
        created = fmt(ts_of(datetime.date(2023, 12, 15)) + 10 * HOUR)
        for p, np_, ne in zip(new, people, ents):
            nresp = 1 if np_ < 4 else 2
            for k in range(np_):
                deleted = fmt(self.work_time(self.start, self.now)) if rng.random() < 0.02 else None
                resp = k < nresp
                pt.add(row(pid_, p["id"], "responsible" if resp else "staff", self.name(),
                           self.pick(POSITIONS_RESP if resp else POSITIONS_STAFF), p["phone"],
                           self.mobile(), None if rng.random() < 0.3 else "u%d@%s" % (pid_, self.pick(("163.com", "qq.com"))),
                           deleted, 2 if deleted else 1, created, deleted or created))
                pid_ += 1
            prods = PRODUCTS.get(p["industry"], PRODUCTS["OTHER"])
            cshort = self.cities[p["city"]][:-1]
            for k in range(ne):
                code = None
                if rng.random() < 0.4:
                    serial += 1
                    code = credit_code(p["city"], serial)
                deleted = fmt(self.work_time(self.start, self.now)) if rng.random() < 0.03 else None
                et.add(row(eid, p["id"], cshort + self.pick(ENT_WORDS) + self.pick(prods) + self.pick(ENT_SUFFIX),
                           code, self.name(), self.mobile(),
                           "、".join(rng.sample(prods, min(len(prods), rng.randint(1, 3)))),
                           "、".join(rng.sample(MARKETS, rng.randint(1, 4))),
                           deleted, 2 if deleted else 1, created, deleted or created))
                eid += 1
        pt.flush()
        et.flush()
        self.made["point_people"] = pt.total
        self.made["point_enterprises"] = et.total

    # ---------------------------------------------------------- accounts
    def gen_users(self):
        s = self.s
        have_point = {int(r[0]): int(r[1]) for r in s.sql(
            "SELECT point_id, MIN(id) FROM users WHERE role = 'point' AND point_id IS NOT NULL "
            "AND deleted_at IS NULL GROUP BY point_id")}
        have_city = {r[0]: int(r[1]) for r in s.sql(
            "SELECT city, MIN(id) FROM users WHERE role = 'city' AND city IS NOT NULL "
            "AND deleted_at IS NULL GROUP BY city")}
        uid = int(s.value("SELECT COALESCE(MAX(id), 0) FROM users")) + 1
        cols = "id, username, name, role, point_id, city, password_hash, disabled, version, created_at, updated_at"
        t = Table("users", cols, self.work, self.loader, 100000)
        created = fmt(ts_of(datetime.date(2023, 12, 20)) + 9 * HOUR)
        for p in self.points:
            if p["id"] in have_point:
                p["user"] = have_point[p["id"]]
                continue
            p["user"] = uid
            t.add(row(uid, "%sp%d" % (USER_PREFIX, p["id"]), p["name"][:64], "point", p["id"],
                      p["city"], self.hash, 0, 1, created, created))
            uid += 1
        self.city_user = {}
        for code, name in self.cities.items():
            if code in have_city:
                self.city_user[code] = have_city[code]
                continue
            self.city_user[code] = uid
            t.add(row(uid, "%sc%s" % (USER_PREFIX, code), name + "商务局", "city", None, code,
                      self.hash, 0, 1, created, created))
            uid += 1
        t.flush()
        self.made["users"] = t.total

    # ---------------------------------------------------------- submissions
    def gen_submissions(self, n):
        s = self.s
        rng = self.rng
        if n <= 0:
            return
        self.sid = int(s.value("SELECT COALESCE(MAX(id), 0) FROM submissions")) + 1
        self.did = int(s.value("SELECT COALESCE(MAX(id), 0) FROM decisions")) + 1
        self.mid = int(s.value("SELECT COALESCE(MAX(id), 0) FROM messages")) + 1
        self.lid = int(s.value("SELECT COALESCE(MAX(id), 0) FROM leader_instructions")) + 1
        chunk = self.a.chunk
        self.st = Table("submissions", SUB_COLS, self.work, self.loader, chunk)
        self.dt = Table("decisions", "id, submission_id, round, level, city, decision, reviewer_id, reviewer_role, "
                        "opinion, opt_magazine, opt_work_exchange, opt_internal, at", self.work, self.loader, chunk)
        self.mt = Table("messages", "id, point_id, city, user_id, submission_id, kind, title, body, "
                        "created_at, read_at", self.work, self.loader, chunk)
        self.lt = Table("leader_instructions", "id, submission_id, leader, text, user_id, at",
                        self.work, self.loader, chunk)
        self.counts = {}
        # Creation times in order, so ids rise with time like the real table;
        # a little busier each year.
        span = self.now - self.start
        times = sorted(self.start + int(span * rng.random() ** 0.8) for _ in range(n))
        every = max(1, n // 10)
        for i, c in enumerate(times):
            c = c // DAY * DAY + 8 * HOUR + int(rng.random() * 11 * HOUR)
            m = month_of(c)
            p_as = 0.17 if m in (12, 1) else 0.03 if m in (2, 3) else 0.004
            r = rng.random()
            if r < p_as:
                self.annual(c)
            elif r < p_as + 0.10:
                self.quarterly(c)
            elif r < p_as + 0.11:
                self.notice(c)
            elif r < p_as + 0.14:
                self.warning(c, None)
            elif rng.random() < 0.48 / 0.83:
                self.warning(c, self.points[bisect.bisect(self.point_cum, rng.random() * self.point_cum[-1])])
            else:
                self.subsite(c)
            if (i + 1) % every == 0:
                say("submissions: %d of %d written (%d waiting to load)" % (i + 1, n, self.loader.backlog()))
        for t in (self.st, self.dt, self.mt, self.lt):
            t.flush()
        for t in (self.st, self.dt, self.mt, self.lt):
            self.made[t.name] = t.total

    def a_point(self, flat=False):
        cum = self.flat_cum if flat else self.point_cum
        return self.points[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def count(self, typ, state):
        k = (typ, state)
        self.counts[k] = self.counts.get(k, 0) + 1

    def emit(self, typ, p, city, submitter, srole, state, level, chain, title, fields, year, quarter,
             mag=0, we=0, inte=0, magazine=None, adopted=None, adopted_at=None, rounds=0, first=None,
             submitted=None, decided=None, accepted=None, version=1, created=None, updated=None):
        sid = self.sid
        self.sid += 1
        self.st.add(row(sid, typ, p, city, submitter, srole, state, level, chain, title,
                        json.dumps(fields, ensure_ascii=False, separators=(",", ":")),
                        year, quarter, mag, we, inte, magazine, adopted, fmt(adopted_at), rounds,
                        fmt(first), fmt(submitted), fmt(decided), fmt(accepted), version,
                        fmt(created), fmt(updated)))
        self.count(typ if srole != "city" else typ + " (city)", state)
        return sid

    def decision(self, sid, city, rnd, level, dec, reviewer, rrole, opinion, at, mag=0, we=0, inte=0):
        # The decision keeps the item's city, as the lifecycle writes it.
        self.dt.add(row(self.did, sid, rnd, level, city, dec, reviewer, rrole, opinion, mag, we, inte,
                        fmt(at)))
        self.did += 1

    def message(self, point, city, user, sid, kind, title, at):
        read = None
        if self.rng.random() < 0.85 and at + 3 * DAY < self.now:
            read = at + int(self.rng.random() * 3 * DAY)
        self.mt.add(row(self.mid, point, city, user, sid, kind, title, None, fmt(at), fmt(read)))
        self.mid += 1

    # ---- warning info (预警信息), by a point (chain city,province) or a city (province)
    def wi_fields(self, industry, author_phone):
        rng = self.rng
        code, cname = self.wpick(self.countries, self.country_cum)
        measure = self.wpick(self.measures, self.measure_cum)
        product = self.pick(PRODUCTS.get(industry, PRODUCTS["OTHER"]))
        phrase = self.pick(MEASURE_PHRASES[measure])
        title = "%s对华%s%s" % (cname, product, phrase)
        if rng.random() < 0.3:
            title += "预警"
        f = {"title": title, "country": code, "industry": industry, "measure_type": measure}
        if rng.random() < 0.6:
            f["hs_codes"] = ["%d" % rng.randrange(1000, 9999) + ("%04d" % rng.randrange(10000) if rng.random() < 0.5 else "")
                             for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.7:
            f["source_url"] = "https://www.%s.gov/trade/notice/%d.html" % (code.lower(), rng.randrange(10 ** 6))
        f["content"] = ("%s%s%s，涉及%s等产品。据初步统计，本地相关企业上年对%s出口额约%d万美元，"
                        "涉及企业%d家。建议企业密切关注调查进展，及时应诉并调整市场布局，"
                        "预警点将持续跟踪并提供应对指导。" % (cname, self.pick(AGENCIES), phrase, product,
                                                   cname, rng.randint(50, 50000), rng.randint(1, 80)))
        f["author"] = self.name()
        f["phone"] = author_phone or self.mobile()
        return f, title

    def warning(self, c, p):
        rng = self.rng
        if p is None:       # a city's own warning info
            city = self.pick(list(self.cities))
            submitter, srole, chain_levels = self.city_user[city], "city", ["province"]
            industry = self.pick(self.industries)
            pid, phone = None, self.phone(city)
        else:
            city = p["city"]
            submitter, srole, chain_levels = p["user"], "point", ["city", "province"]
            industry = p["industry"] if rng.random() < 0.8 else self.pick(self.industries)
            pid, phone = p["id"], p["phone"]
        fields, title = self.wi_fields(industry, phone)
        chain = ",".join(chain_levels)
        age = self.now - c
        r = rng.random()
        if age < 30 * DAY:
            target = ("draft" if r < 0.08 else "withdrawn" if r < 0.10 else "wait0" if r < 0.45
                      else "wait1" if r < 0.62 else "decided")
        else:
            target = ("draft" if r < 0.035 else "withdrawn" if r < 0.045 else "wait0" if r < 0.06
                      else "wait1" if r < 0.07 else "decided")
        version = 1 + (rng.random() < 0.3)
        created = c
        if target == "draft":
            self.emit("warning_info", pid, city, submitter, srole, "draft", None, "", title, fields,
                      None, None, version=version, created=created, updated=created + (version - 1) * HOUR)
            return
        sid = self.sid
        t = self.later(c, 0.2, 48)       # first submission
        if t >= self.now:
            t = c + 1
        first = t
        rounds = 1
        version += 1
        decisions = []                    # (round, level, decision, at, opinion, opts)

        def reviewer(level):
            return (self.city_user[city], "city") if level == "city" else (self.province_id, "province")

        # One earlier round returned for revision, now and then.
        if target != "withdrawn" and rng.random() < 0.08 and age > 25 * DAY:
            lvl_i = 0 if (len(chain_levels) == 1 or rng.random() < 0.6) else 1
            for li in range(lvl_i):
                t = self.later(t, 2, 72)
                decisions.append((rounds, chain_levels[li], "pass", t, None, (0, 0, 0)))
            t = self.later(t, 2, 72)
            decisions.append((rounds, chain_levels[lvl_i], "return", t, self.pick(OPINIONS_RETURN), (0, 0, 0)))
            t = self.later(t, 4, 120)     # edited and resubmitted
            rounds += 1
            version += 2 + lvl_i
        submitted = t
        level_i = 0
        state, level, decided = "submitted", chain_levels[0], None
        opts = (0, 0, 0)
        if target == "withdrawn":
            nt = self.later(t, 2, 72)
            if len(chain_levels) > 1 and rng.random() < 0.3 and nt < self.now:
                t = nt
                decisions.append((rounds, chain_levels[0], "pass", t, None, (0, 0, 0)))
                level_i = 1
                version += 1
            nt = self.later(t, 1, 48)
            if nt < self.now:
                t = nt
                decisions.append((rounds, chain_levels[level_i], "withdraw", t, None, (0, 0, 0)))
                state, level = "draft", None
                version += 1
            else:
                level = chain_levels[level_i]
        elif target in ("wait0", "wait1", "decided"):
            stop = {"wait0": 0, "wait1": len(chain_levels) - 1}.get(target, len(chain_levels))
            if target == "decided":
                r = rng.random()
                final = "return" if r < 0.06 else "reject" if r < 0.15 else "pass"
                final_at = len(chain_levels) - 1 if final == "pass" or rng.random() < 0.4 else 0
            while level_i < len(chain_levels):
                lvl = chain_levels[level_i]
                if level_i == stop:
                    break
                nt = self.later(t, 2, 96)
                if nt >= self.now:
                    break
                t = nt
                version += 1
                if target == "decided" and level_i == final_at and final != "pass":
                    decisions.append((rounds, lvl, final, t, self.pick(OPINIONS_RETURN if final == "return"
                                                                       else OPINIONS_REJECT), (0, 0, 0)))
                    state, level, decided = ("returned" if final == "return" else "rejected"), None, t
                    break
                if level_i == len(chain_levels) - 1:
                    r = rng.random()
                    if r < 0.05:
                        opts = (0, 0, 1)
                    else:
                        opts = (int(rng.random() < 0.12), int(rng.random() < 0.45), 0)
                    decisions.append((rounds, lvl, "pass", t, self.pick(OPINIONS_PASS) if any(opts) else None, opts))
                    state, level, decided = "approved", None, t
                else:
                    decisions.append((rounds, lvl, "pass", t, None, (0, 0, 0)))
                level_i += 1
            if state == "submitted":
                level = chain_levels[min(level_i, len(chain_levels) - 1)]
        mag, we, inte = opts
        magazine = accepted = adopted = adopted_at = None
        updated = t
        if state == "approved":
            if mag:
                magazine = "pending"
                at = self.later(t, 24, 24 * 40)
                if at < self.now and rng.random() < 0.85:
                    magazine = "accepted" if rng.random() < 0.55 else "declined"
                    accepted = at if magazine == "accepted" else None
                    version += 1
                    updated = at
                    self.message(pid, city if pid is None else None, None, sid, "magazine",
                                 "《%s》%s" % (title, "已被《浙江商务》录用" if magazine == "accepted" else "未被《浙江商务》录用"), at)
            if inte:
                at = self.later(t, 24, 24 * 30)
                if at < self.now and rng.random() < 0.75:
                    adopted = 1 if rng.random() < 0.72 else 0
                    adopted_at = at
                    version += 1
                    updated = at
                    self.message(pid, city if pid is None else None, None, sid, "adoption",
                                 "《%s》%s" % (title, "已被采纳（内部交流）" if adopted else "未被采纳（内部交流）"), at)
                    if adopted:
                        for k in range(rng.choice((0, 0, 1, 1, 2))):
                            li = self.later(at, 24, 24 * 20)
                            if li >= self.now:
                                break
                            self.lt.add(row(self.lid, sid, self.pick(LEADERS),
                                            "请%s认真研究，做好应对预案。" % self.cities[city], self.province_id, fmt(li)))
                            self.lid += 1
                            self.message(pid, city if pid is None else None, None, sid, "instruction",
                                         "《%s》获得厅领导批示" % title, li)
        self.emit("warning_info", pid, city, submitter, srole, state, level, chain, title, fields,
                  year_of(first), None, mag, we, inte, magazine, adopted, adopted_at, rounds, first,
                  submitted, decided, accepted, version, created, updated)
        msgs = {"pass": "已审核通过", "return": "被退回修改，请修改后重新提交", "reject": "未予通过"}
        for rnd, lvl, dec, at, opinion, o in decisions:
            if dec == "withdraw":
                self.decision(sid, city, rnd, lvl, dec, submitter, srole, None, at)
                continue
            rid, rrole = reviewer(lvl)
            self.decision(sid, city, rnd, lvl, dec, rid, rrole, opinion, at, *o)
            text = msgs[dec] if not (dec == "pass" and lvl != chain_levels[-1]) else "已通过初审，转交省级审核"
            self.message(pid, city if pid is None else None, None, sid, "decision", "《%s》%s" % (title, text), at)

    # ---- types that complete on submit
    def simple(self, typ, p, c, fields, title, year, quarter, draft_p, magazine_direct=False):
        rng = self.rng
        version = 1 + (rng.random() < 0.2)
        if rng.random() < draft_p:
            self.emit(typ, p["id"], p["city"], p["user"], "point", "draft", None, "", title, fields,
                      year, quarter, version=version, created=c, updated=c + (version - 1) * HOUR)
            return
        t = self.later(c, 0.1, 24)
        if t >= self.now:
            t = c + 1
        magazine = accepted = None
        updated = t
        version += 1
        sid = self.sid
        if magazine_direct:
            magazine = "pending"
            at = self.later(t, 24, 24 * 45)
            if at < self.now and rng.random() < 0.9:
                magazine = "accepted" if rng.random() < 0.3 else "declined"
                accepted = at if magazine == "accepted" else None
                version += 1
                updated = at
                self.message(p["id"], None, None, sid, "magazine", "《%s》%s" % (
                    title, "已被《浙江商务》录用" if magazine == "accepted" else "未被《浙江商务》录用"), at)
        self.emit(typ, p["id"], p["city"], p["user"], "point", "approved", None, "", title, fields,
                  year if year is not None else year_of(t), quarter, magazine=magazine, rounds=1,
                  first=t, submitted=t, decided=t, accepted=accepted, version=version, created=c,
                  updated=updated)

    def subsite(self, c):
        rng = self.rng
        p = self.a_point()
        r = rng.random()
        column = "预警信息" if r < 0.5 else "工作动态" if r < 0.85 else "政策法规"
        if column == "预警信息":
            _, title = self.wi_fields(p["industry"], None)
        elif column == "工作动态":
            title = "%s组织会员企业参加%s培训" % (p["short"], self.pick(NEWS_TOPICS))
        else:
            title = "%s发布《%s》" % (self.pick(("商务部", "海关总署", "浙江省商务厅", "国务院")), self.pick(POLICY_TITLES))
        content = "%s。%s预警点转发并解读，提醒会员企业关注相关要求，做好%s工作。" % (
            title, p["short"], self.pick(NEWS_TOPICS))
        self.simple("subsite_post", p, c, {"column": column, "title": title, "content": content},
                    title, None, None, 0.03)

    def quarterly(self, c):
        p = self.a_point(flat=True)
        d = date_of(c - 20 * DAY)
        year, q = d.year, (d.month - 1) // 3 + 1
        ind = p["short"]
        title = "%d年第%d季度%s出口形势分析" % (year, q, ind)
        content = ("%d年第%d季度，%s产品出口总体%s，对美出口%s，对东盟出口%s。主要风险：%s。"
                   "下季度预计%s。" % (year, q, ind, self.pick(("平稳", "增长", "回落")),
                                  self.pick(("下降", "持平", "增长")), self.pick(("增长", "快速增长")),
                                  self.pick(NEWS_TOPICS), self.pick(("继续承压", "企稳回升", "保持增长"))))
        self.simple("quarterly_analysis", p, c, {"year": year, "quarter": q, "title": title,
                                                 "content": content},
                    title, year, q, 0.03, magazine_direct=True)

    def annual(self, c):
        p = self.a_point(flat=True)
        m = month_of(c)
        year = year_of(c) if m == 12 else year_of(c) - 1
        title = "%s%d年度预警工作总结" % (p["short"], year)
        content = ("%d年，%s预警点共上报预警信息若干条，组织培训%d场，服务企业%d家，"
                   "协助企业应对贸易摩擦案件%d起。" % (year, p["short"], self.rng.randint(1, 12),
                                             self.rng.randint(10, 300), self.rng.randint(0, 8)))
        self.simple("annual_summary", p, c, {"year": year, "title": title, "content": content},
                    title, year, None, 0.03)

    def notice(self, c):
        rng = self.rng
        title = "关于做好%s工作的通知" % self.pick(NOTICE_TOPICS)
        r = rng.random()
        if r < 0.003:
            audience, targets = {"all": True}, self.live_points
        elif r < 0.033:
            city = self.pick(list(self.cities))
            audience, targets = {"city": city}, self.by_city.get(city, [])
        else:
            targets = sorted(rng.sample(self.live_points, min(len(self.live_points), rng.randint(2, 8))))
            audience = {"points": targets}
        fields = {"title": title, "content": "请各预警点按要求做好%s相关工作，并按时报送。" % self.pick(NOTICE_TOPICS),
                  "audience": audience}
        if rng.random() < 0.03:
            self.emit("notice", None, None, self.province_id, "province", "draft", None, "", title, fields,
                      None, None, created=c, updated=c)
            return
        t = self.later(c, 0.1, 4)
        if t >= self.now:
            t = c + 1
        sid = self.emit("notice", None, None, self.province_id, "province", "approved", None, "",
                        title, fields, year_of(t), None, rounds=1, first=t, submitted=t, decided=t,
                        version=2, created=c, updated=t)
        for pid in targets:
            self.message(pid, None, None, sid, "notice", title, t)


SUB_COLS = ("id, type, point_id, city, submitter_id, submitter_role, state, review_level, chain, "
            "title, fields, year, quarter, opt_magazine, opt_work_exchange, opt_internal, magazine, "
            "adopted, adopted_at, rounds, first_submitted_at, submitted_at, decided_at, accepted_at, "
            "version, created_at, updated_at")

CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def credit_code(region, serial):
    """A valid GB 32100-2015 code, unique per serial: 91 (enterprise), the
    region, an organisation code made of the serial (GB 11714 check)."""
    body = "%08d" % (serial % 10 ** 8)
    s = sum(int(ch) * w for ch, w in zip(body, ORG_WEIGHTS))
    oc = 11 - s % 11
    first17 = "91" + region + body + ("X" if oc == 10 else "0" if oc == 11 else str(oc))
    s = sum(CREDIT_CHARS.index(ch) * w for ch, w in zip(first17, CREDIT_WEIGHTS))
    return first17 + CREDIT_CHARS[(31 - s % 31) % 31]


def accumulate(it):
    t = 0
    for v in it:
        t += v
        yield t


# ------------------------------------------------------------------ main

def reset(stack):
    say("reset: removing submissions and everything hanging off them, generated accounts and points")
    stack.sql("""
SET SESSION foreign_key_checks = 0;
TRUNCATE TABLE stat_records;
TRUNCATE TABLE stat_totals;
TRUNCATE TABLE leader_instructions;
TRUNCATE TABLE decisions;
TRUNCATE TABLE messages;
TRUNCATE TABLE attachments;
TRUNCATE TABLE submissions;
DELETE s FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username LIKE '{up}%';
DELETE FROM users WHERE username LIKE '{up}%';
DELETE x FROM point_people x JOIN points p ON p.id = x.point_id WHERE p.name LIKE '{m}';
DELETE x FROM point_enterprises x JOIN points p ON p.id = x.point_id WHERE p.name LIKE '{m}';
DELETE x FROM point_leaders x JOIN points p ON p.id = x.point_id WHERE p.name LIKE '{m}';
DELETE x FROM point_history x JOIN points p ON p.id = x.point_id WHERE p.name LIKE '{m}';
DELETE FROM points WHERE name LIKE '{m}';
ALTER TABLE points AUTO_INCREMENT = 1;
ALTER TABLE point_people AUTO_INCREMENT = 1;
ALTER TABLE point_enterprises AUTO_INCREMENT = 1;
ALTER TABLE point_leaders AUTO_INCREMENT = 1;
ALTER TABLE users AUTO_INCREMENT = 1;
""".format(up=USER_PREFIX, m=MARK_LIKE))


def timed(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, (p.stdout + p.stderr).strip(), time.monotonic() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", default="scale", help="stack name (default scale)")
    ap.add_argument("--points", type=int, default=10000, help="points in the database (default 10000)")
    ap.add_argument("--people-enterprises", type=int, default=200000,
                    help="people and contact enterprises in the database (default 200000)")
    ap.add_argument("--submissions", type=int, default=1000000,
                    help="submissions in the database (default 1000000)")
    ap.add_argument("--years", type=int, default=3, help="years of submissions up to today (default 3)")
    ap.add_argument("--seed", type=int, default=20240101, help="random seed (default 20240101)")
    ap.add_argument("--today", type=datetime.date.fromisoformat,
                    default=datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).date(),
                    help="the day the data ends (default: today, Beijing time)")
    ap.add_argument("--reset", action="store_true",
                    help="first remove generated points and accounts and every submission")
    ap.add_argument("--no-stats", action="store_true",
                    help="skip yujing stats rebuild and verify")
    ap.add_argument("--chunk", type=int, default=200000, help="rows per loaded file (default 200000)")
    ap.add_argument("--keep-files", action="store_true", help="keep the .tsv files in .run/NAME/gen/")
    a = ap.parse_args()
    if a.years < 1 or a.points < 1 or a.submissions < 0 or a.people_enterprises < 0:
        die("sizes must be positive")
    if not (2001 <= a.today.year - a.years + 1 and a.today.year < 2040):
        die("--today and --years must keep the data between 2001 and 2039")

    stack = Stack(a.name)
    if stack.value("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'yujing' "
                   "AND table_name = 'stat_records'") != "1":
        die("the database of stack %r is not migrated (no stat_records)" % a.name)
    generated = int(stack.value("SELECT COUNT(*) FROM points WHERE name LIKE '%s'" % MARK_LIKE))
    subs = int(stack.value("SELECT COUNT(*) FROM submissions"))
    if (generated or subs) and not a.reset:
        die("the database already holds %d generated points and %d submissions; "
            "--reset replaces them" % (generated, subs))
    if a.reset:
        reset(stack)

    g = Gen(a, stack)
    g.made = {}
    g.work = os.path.join(stack.run, "gen")
    shutil.rmtree(g.work, ignore_errors=True)
    os.makedirs(g.work)
    g.read_db()
    have_points = int(stack.value("SELECT COUNT(*) FROM points"))
    n_points = max(0, a.points - have_points)
    n_subs = max(0, a.submissions - int(stack.value("SELECT COUNT(*) FROM submissions")))
    say("stack %s: %d points there, adding %d; adding %d submissions from %s to %s (seed %d)"
        % (a.name, have_points, n_points, n_subs, date_of(g.start), a.today, a.seed))

    t_gen = time.monotonic()
    g.loader = Loader(stack, a.keep_files)
    g.gen_points(a.points, n_points)
    say("points: %d written" % n_points)
    g.gen_users()
    g.gen_members(a.people_enterprises)
    say("people and enterprises: %d + %d written" % (g.made.get("point_people", 0),
                                                     g.made.get("point_enterprises", 0)))
    g.gen_submissions(n_subs)
    say("all written; waiting for the database to load the rest (%d files)" % g.loader.backlog())
    g.loader.close()
    if g.loader.warnings:
        for w in g.loader.warnings:
            print("  " + w, file=sys.stderr)
        die("LOAD DATA reported warnings (above): the generated rows do not fit the schema")
    stack.sql("ANALYZE TABLE points, point_people, point_enterprises, point_leaders, users, "
              "submissions, decisions, messages, leader_instructions")
    t_gen = time.monotonic() - t_gen
    if not a.keep_files:
        shutil.rmtree(g.work, ignore_errors=True)

    print()
    print("generated and loaded in %.1f s:" % t_gen)
    for k in ("points", "point_leaders", "users", "point_people", "point_enterprises",
              "submissions", "decisions", "messages", "leader_instructions"):
        print("  %-20s %9d rows added" % (k, g.made.get(k, 0)))
    if getattr(g, "counts", None):
        print("  submissions by type and state:")
        types = sorted({k[0] for k in g.counts})
        states = ["draft", "submitted", "approved", "returned", "rejected"]
        print("    %-26s" % "" + "".join("%11s" % s for s in states))
        for typ in types:
            print("    %-26s" % typ + "".join("%11d" % g.counts.get((typ, s), 0) for s in states))
    totals = stack.sql("SELECT (SELECT COUNT(*) FROM points), (SELECT COUNT(*) FROM points WHERE status = '正式'), "
                       "(SELECT COUNT(*) FROM point_people) + (SELECT COUNT(*) FROM point_enterprises), "
                       "(SELECT COUNT(*) FROM submissions)")[0]
    print("  the database now: %s points (%s formal), %s people and enterprises, %s submissions"
          % tuple(totals))

    if a.no_stats:
        return 0
    if not stack.bin or not os.access(stack.bin, os.X_OK):
        die("no yujing binary recorded in %s/yujing.bin; run yujing stats rebuild by hand" % stack.run)
    print()
    rc, out, secs = timed([stack.bin, "stats", "rebuild", "-c", stack.conf])
    print("yujing stats rebuild: %.1f s: %s" % (secs, out))
    if rc != 0:
        die("yujing stats rebuild failed")
    stack.sql("ANALYZE TABLE stat_records, stat_totals")
    rc, out, secs = timed([stack.bin, "stats", "verify", "-c", stack.conf])
    print("yujing stats verify: %.1f s: %s" % (secs, out))
    if rc != 0:
        die("yujing stats verify did not find the statistics equal to a recount")
    print("total %.1f s" % (time.monotonic() - T0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
