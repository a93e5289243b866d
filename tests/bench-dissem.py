#!/usr/bin/env python3
"""Dissemination benchmark, against a running stack (tests/stack.sh up):

1. approval → delivery: one warning approved with 发布到预警工作交流 reaches
   N immediate subscribers (a real SMTP server, aiosmtpd) and M robot
   channels (a real HTTP receiver); prints the time to the first delivery,
   to the last, and deliveries per second;
2. feeds: wrk on /feeds/warnings.atom, /feeds/warnings.json and
   /api/public/warnings against /api/health in the same run, as requests
   per second and the ratio to health's.

The subscribers and channels it adds are removed at the end.  Figures, not
assertions: the machine may be busy."""

import argparse
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "http"))

import client  # noqa: E402


def wrk(url, seconds, conns):
    out = subprocess.run(["wrk", "-t", "2", "-c", str(conns), "-d", "%ds" % seconds, "--latency", url],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, int(bad.group(1)) if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--name", default="demo", help="stack name (default demo)")
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--channels", type=int, default=50)
    ap.add_argument("--duration", type=int, default=5, help="seconds per wrk run (default 5)")
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()

    env = os.path.join(HERE, "..", ".run", args.name, "stack.env")
    if not os.path.exists(env):
        sys.exit("bench-dissem: no stack %r; start it with tests/stack.sh up --name %s" % (args.name, args.name))
    port = [l.split("=", 1)[1].strip() for l in open(env) if l.startswith("PORT=")][0]
    base = "http://127.0.0.1:%s" % port
    client.configure(base=base, stack=args.name)
    import dissemlib as dl
    from client import admin, db, db_value
    from pointlib import tag
    from sublib import accounts, at_province, decide, wi_fields

    t = tag()
    a = accounts()
    dl.reset_dissemination()
    smtp = dl.SMTPServer().start()
    robots = dl.RobotReceiver().start()
    try:
        dl.set_mail(admin())
        vals = ",".join("('bench%05d-%s@example.com', '{}', 'immediate', 'active', SHA2('b%d%s', 256), "
                        "NOW(), NOW(), NOW())" % (i, t, i, t) for i in range(args.subscribers))
        if args.subscribers:
            db("INSERT INTO subscriptions (email, filters, digest, state, token, created_at, updated_at, "
               "confirmed_at) VALUES " + vals)
        for i in range(args.channels):
            kind = "wecom" if i % 2 == 0 else "dingtalk"
            path = "/%s/b%d?%s=%s" % (kind, i, "key" if kind == "wecom" else "access_token", t)
            r = a["province"].post("/api/channels", {"kind": kind, "name": "压测%d %s" % (i, t),
                                                     "url": robots.url(path)})
            assert r.status == 201, str(r)
        total = args.subscribers + args.channels
        sub = at_province(a["hangzhou"], a["jiande"], wi_fields(title="传递压测 " + t, country="EU"))
        t0 = time.monotonic()
        w = decide(a["province"], sub, "pass", options={"work_exchange": True})
        approved = time.monotonic()
        first = None
        last_n = -1
        deadline = approved + 600
        while time.monotonic() < deadline:
            n = int(db_value("SELECT COUNT(*) FROM deliveries WHERE submission_id = %d AND state = 'sent'"
                             % w["id"]))
            if n and first is None:
                first = time.monotonic()
            if n >= total:
                break
            if n != last_n:
                last_n = n
            time.sleep(0.05)
        done = time.monotonic()
        n = int(db_value("SELECT COUNT(*) FROM deliveries WHERE submission_id = %d AND state = 'sent'" % w["id"]))
        mails = len([1 for name in os.listdir(smtp.dir) if name.endswith(".eml") and t in name])
        posts = len(robots.received())
        print("approval → delivery: %d subscribers, %d channels (approval answered in %.2f s)"
              % (args.subscribers, args.channels, approved - t0))
        print("  first delivery after %.2f s, all %d/%d after %.2f s: %.0f deliveries/s; "
              "SMTP server received %d mails, robot receiver %d posts"
              % ((first or done) - approved, n, total, done - approved, n / max(done - approved, 1e-6),
                 mails, posts))
        print("feeds (wrk, %d connections, %d s each, same run):" % (args.connections, args.duration))
        h, hbad = wrk(base + "/api/health", args.duration, args.connections)
        print("  %-28s %9.0f req/s  1.00×  non-2xx %d" % ("/api/health", h, hbad))
        for path in ("/feeds/warnings.atom", "/feeds/warnings.json", "/api/public/warnings",
                     "/feeds/warnings.atom?country=EU"):
            rps, bad = wrk(base + path, args.duration, args.connections)
            print("  %-28s %9.0f req/s  %.2f×  non-2xx %d" % (path, rps, rps / h if h else 0, bad))
    finally:
        smtp.cleanup()
        robots.stop()
        db("DELETE FROM subscriptions WHERE email LIKE 'bench%%-" + t + "@example.com'")
        dl.reset_dissemination()


if __name__ == "__main__":
    main()
