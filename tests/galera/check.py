#!/usr/bin/env python3
"""The checks of tests/galera/run.sh against a running cluster of three
Galera nodes (RUN/n1..n3) and two yujing hosts: --a and --b each reach one
host, --both is the nginx upstream over both.  Prints what it measured;
exits 1 when a check fails."""

import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

PASSWORD = "Demo#2019"
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("  FAIL: " + msg)
    return cond


class Client:
    """One browser: a cookie, a CSRF token, one kept connection to one URL."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.cookie = None
        self.csrf = None
        self.conn = None

    def request(self, method, path, body=None, timeout=30):
        hdrs = {}
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode()
            hdrs["Content-Type"] = "application/json"
        if method not in ("GET", "HEAD") and self.csrf:
            hdrs["X-CSRF-Token"] = self.csrf
        if self.cookie:
            hdrs["Cookie"] = self.cookie
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # nginx closed a kept connection between requests: nothing
                # was answered, so nothing was done; send it again once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie" and v.startswith("yj_session="):
                val = v.split(";", 1)[0]
                self.cookie = None if val == "yj_session=" else val
        try:
            js = json.loads(raw) if raw else None
        except ValueError:
            js = None
        return resp.status, js

    def login(self, user):
        st, js = self.request("POST", "/api/session", {"username": user, "password": PASSWORD})
        if st != 200:
            raise SystemExit("login as %s answered %s %r" % (user, st, js))
        self.csrf = js["csrf_token"]
        return self

    def as_other(self, base):
        """The same session (cookie and token) through another URL."""
        c = Client(base)
        c.cookie, c.csrf = self.cookie, self.csrf
        return c


def wi_fields(title):
    return {"title": title, "country": "US", "industry": "CHEMICAL", "measure_type": "AD",
            "content": "美国商务部对原产于中国的某化工产品发起反倾销调查，请相关企业及时应诉。",
            "author": "张三", "phone": "0571-87654321"}


def sql(run, node, stmt):
    out = subprocess.run(["mariadb", "--no-defaults", "--socket=%s/n%d/mysql.sock" % (run, node),
                          "-u", "root", "--default-character-set=utf8mb4", "-N", "-B", "yujing",
                          "-e", stmt], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def conflicts(base):
    """yujing_db_errors_total{kind="conflict"} of the host behind base."""
    c = Client(base)
    c.conn = http.client.HTTPConnection(c.host, c.port, timeout=10)
    c.conn.request("GET", "/metrics")
    text = c.conn.getresponse().read().decode()
    for line in text.splitlines():
        if line.startswith('yujing_db_errors_total{kind="conflict"}'):
            return int(float(line.split()[-1]))
    return 0


def ms(v):
    return "%.1f ms" % (v * 1000)


def stamp():
    return "%d" % (time.time() * 1e6)


# ------------------------------------------------------------------ checks

def write_here_read_there(args):
    print("1. a write through host a is read through host b at once (20 items)")
    a = Client(args.a).login("jiande")
    b = a.as_other(args.b)
    lat, misses = [], 0
    for i in range(20):
        title = "跨主机读写 %s" % stamp()
        t0 = time.time()
        st, s = a.request("POST", "/api/submissions", {"type": "warning_info",
                                                       "fields": wi_fields(title)})
        lat.append(time.time() - t0)
        if not check(st == 201, "create through a answered %s %r" % (st, s)):
            return
        st2, s2 = b.request("GET", "/api/submissions/%d" % s["id"])
        if st2 != 200 or s2["fields"]["title"] != title or s2["version"] != s["version"]:
            misses += 1
    check(misses == 0, "%d of 20 writes through a were not read through b at once" % misses)
    print("   %d of 20 read back through b; create through a: median %s, max %s"
          % (20 - misses, ms(statistics.median(lat)), ms(max(lat))))
    # The preset opinions are seeded by the first read, under GET_LOCK (a
    # lock of one node under Galera): two first reads on two hosts at once.
    ra, rb = Client(args.a).login("hangzhou"), Client(args.b).login("hangzhou")
    res = {}
    go = threading.Barrier(2)

    def read(who, c):
        go.wait()
        res[who] = c.request("GET", "/api/opinions")

    ts = [threading.Thread(target=read, args=("a", ra)), threading.Thread(target=read, args=("b", rb))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    texts = sorted(r[0] for r in sql(args.run, 1, "SELECT text FROM opinions"))
    check(res["a"][0] == 200 and res["b"][0] == 200, "GET /api/opinions on a, b: %s, %s"
          % (res["a"][0], res["b"][0]))
    check(len(texts) == len(set(texts)) and texts, "the presets seeded twice or not at all: %r" % texts)
    print("   the preset opinions, first read on both hosts at once: %d presets, each once"
          % len(texts))


def node_killed_under_load(args):
    print("4. database node n2 (host b's) killed under a write load through both hosts")
    clients = 8
    stop_at = time.time() + args.load_seconds
    kill_at = time.time() + args.load_seconds / 3
    answered = {}		# id -> state the 2xx answer said
    statuses = {}
    lat = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1, timeout=60)
    # One login, its session in every client: eight logins at once are
    # refused (429) by the login throttle.
    session = Client(args.both).login("jiande")

    def worker(k):
        c = session.as_other(args.both)
        start.wait()
        n = 0
        while time.time() < stop_at:
            n += 1
            t0 = time.time()
            try:
                st, s = c.request("POST", "/api/submissions", {
                    "type": "warning_info", "fields": wi_fields("负载 %d-%d %s" % (k, n, stamp()))})
            except OSError as e:
                st, s = "error %s" % type(e).__name__, None
            dt = time.time() - t0
            with lock:
                statuses[st] = statuses.get(st, 0) + 1
                lat.append((t0, dt, st))
                if st == 201:
                    answered[s["id"]] = ("draft", s["version"])
            if st != 201:
                continue
            # Submit every other one: a transaction over several tables.
            if n % 2:
                continue
            t0 = time.time()
            try:
                st, s2 = c.request("POST", "/api/submissions/%d/submit" % s["id"],
                                   {"version": s["version"]})
            except OSError as e:
                st, s2 = "error %s" % type(e).__name__, None
            dt = time.time() - t0
            with lock:
                statuses[st] = statuses.get(st, 0) + 1
                lat.append((t0, dt, st))
                if st == 200:
                    answered[s["id"]] = ("submitted", s2["version"])

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t_begin = time.time()
    time.sleep(max(0, kill_at - time.time()))
    pid = int(open(os.path.join(args.run, "n2", "mariadb.pid")).read())
    t_kill = time.time()
    os.kill(pid, signal.SIGKILL)
    print("   n2 (pid %d) killed with SIGKILL %.1f s into the load" % (pid, t_kill - t_begin))
    for t in threads:
        t.join()
    total = sum(statuses.values())
    ok = statuses.get(201, 0) + statuses.get(200, 0)
    print("   %d requests from %d clients in %.1f s; answers: %s"
          % (total, clients, time.time() - t_begin,
             ", ".join("%s: %d" % kv for kv in sorted(statuses.items(), key=lambda kv: str(kv[0])))))
    after = [(t0, dt, st) for t0, dt, st in lat if t0 >= t_kill]
    bad_after = [x for x in after if x[2] not in (200, 201)]
    if bad_after:
        gap = max(t0 + dt for t0, dt, st in bad_after) - t_kill
        print("   after the kill: %d of %d requests not 2xx, the last %.2f s after it"
              % (len(bad_after), len(after), gap))
    else:
        print("   after the kill: all %d requests 2xx" % len(after))
    slow = max((dt for t0, dt, st in after), default=0)
    print("   slowest request after the kill: %s; median before %s, after %s"
          % (ms(slow), ms(statistics.median([dt for t0, dt, st in lat if t0 < t_kill] or [0])),
             ms(statistics.median([dt for t0, dt, st in after] or [0]))))
    check(len(after) > 0 and len(bad_after) < len(after) / 2,
          "requests did not go on after the kill: %d of %d failed" % (len(bad_after), len(after)))
    check(not any(isinstance(st, int) and st >= 500 and st != 503 for st in statuses),
          "answers of 500 or other 5xx besides 503: %r" % statuses)
    # Every write answered 2xx is in the cluster, as answered, on both
    # surviving nodes.
    for node in (1, 3):
        rows = {int(i): (s, int(v)) for i, s, v in
                sql(args.run, node, "SELECT id, state, version FROM submissions WHERE id IN (%s)"
                    % ",".join(str(i) for i in answered))} if answered else {}
        lost = [i for i in answered if i not in rows]
        wrong = [i for i in answered if i in rows and rows[i] != answered[i]]
        check(not lost and not wrong, "n%d: %d answered writes missing, %d in another state (%r)"
              % (node, len(lost), len(wrong), (lost + wrong)[:5]))
    print("   %d writes answered 2xx (%d requests ok): all on n1 and n3 with the state and "
          "version answered" % (len(answered), ok))
    size = sql(args.run, 1, "SHOW STATUS LIKE 'wsrep_cluster_size'")[0][1]
    check(size == "2", "cluster size after the kill %s, want 2" % size)
    print("   the cluster goes on with %s nodes" % size)


def two_reviewers(args):
    rounds = args.rounds
    print("2. two reviewers, one on each host, decide the same item at the same moment "
          "(%d items)" % rounds)
    jd = Client(args.a).login("jiande")
    ra = Client(args.a).login("hangzhou")
    rb = Client(args.b).login("hangzhou")
    c0 = conflicts(args.a) + conflicts(args.b)
    outcomes = {}
    bad = []
    for i in range(rounds):
        st, s = jd.request("POST", "/api/submissions", {"type": "warning_info",
                                                        "fields": wi_fields("会审 %s" % stamp())})
        st2, s = jd.request("POST", "/api/submissions/%d/submit" % s["id"], {"version": s["version"]})
        if not check(st == 201 and st2 == 200, "preparing item %d: %s %s" % (i, st, st2)):
            return
        # Both reviewers read it (each on its host), then both decide.
        ra.request("GET", "/api/submissions/%d" % s["id"])
        rb.request("GET", "/api/submissions/%d" % s["id"])
        res = {}
        go = threading.Barrier(2)

        def decide(who, c, decision):
            go.wait()
            res[who] = c.request("POST", "/api/submissions/%d/decisions" % s["id"],
                                 {"decision": decision, "version": s["version"],
                                  **({"opinion": "请补充材料"} if decision == "return" else {})})

        ts = [threading.Thread(target=decide, args=("a", ra, "pass")),
              threading.Thread(target=decide, args=("b", rb, "return"))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        pair = tuple(sorted((res["a"][0], res["b"][0])))
        outcomes[pair] = outcomes.get(pair, 0) + 1
        if pair != (200, 409):
            bad.append((s["id"], res))
            continue
        loser = res["a"] if res["a"][0] == 409 else res["b"]
        msg = (loser[1] or {}).get("error", {}).get("message", "")
        check(loser[1]["error"]["code"] == "conflict" and any(ord(ch) > 0x4e00 for ch in msg),
              "the 409 is not a conflict with a Chinese message: %r" % loser[1])
        winner = "pass" if res["a"][0] == 200 else "return"
        rows = sql(args.run, 1, "SELECT decision FROM decisions WHERE submission_id = %d" % s["id"])
        check(rows == [[winner]], "item %d: decisions %r, want only the winner's %s"
              % (s["id"], rows, winner))
        state = sql(args.run, 3, "SELECT state, review_level FROM submissions WHERE id = %d" % s["id"])
        want = [["submitted", "province"]] if winner == "pass" else [["returned", "NULL"]]
        check(state == want, "item %d on n3: %r after %s" % (s["id"], state, winner))
    c1 = conflicts(args.a) + conflicts(args.b)
    check(not bad, "%d items without exactly one 200 and one 409: %r" % (len(bad), bad[:3]))
    print("   answers (status pairs): %s" % ", ".join("%s: %d" % (k, v) for k, v in outcomes.items()))
    print("   %d of the 409s came from the database (a certification conflict at commit, or "
          "a lock wait on one node: yujing_db_errors_total{kind=\"conflict\"}); the rest from "
          "the version check" % (c1 - c0))


def logout_elsewhere(args):
    print("3. a logout through host a ends the session on host b within session_cache_ttl (1 s)")
    times = []
    for i in range(5):
        a = Client(args.a).login("province")
        b = a.as_other(args.b)
        st, _ = b.request("GET", "/api/session")
        if not check(st == 200, "the session is not valid on b: %s" % st):
            return
        st, _ = a.request("DELETE", "/api/session")
        t0 = time.time()
        check(st in (200, 204), "logout answered %s" % st)
        st_a, _ = a.as_other(args.a).request("GET", "/api/session")
        check(st_a == 401, "after the logout host a answers %s" % st_a)
        while time.time() - t0 < 5:
            st, _ = b.request("GET", "/api/session")
            if st == 401:
                break
            time.sleep(0.02)
        dt = time.time() - t0
        times.append(dt)
        check(st == 401 and dt <= 1.0 + 0.5, "host b still took the session %.2f s after the "
              "logout (%s)" % (dt, st))
    print("   host b refused the session %s after the logout (5 logouts; max %s)"
          % (", ".join(ms(t) for t in times), ms(max(times))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--both", required=True)
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--load-seconds", type=float, default=12)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    write_here_read_there(args)
    two_reviewers(args)
    logout_elsewhere(args)
    node_killed_under_load(args)	# last: it leaves two nodes
    print()
    if failures:
        print("%d checks failed" % len(failures))
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
