"""Backup and restore as the README says (Deploying, "Backup and restore"):
mariadb-dump --single-transaction while yujing serves writes, loaded into an
empty database, gives the same answers: the same rows in every table, the
same attachment bytes, and a yujing run against the restored database
answers the scores, the lists and the attachment as the live one does."""

import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time

from client import REPO, _conf_value, check, db, db_value, expect_json, login, run_dir
from sublib import accounts, create, submit

sys.path.insert(0, os.path.join(REPO, "tests", "deploy"))
import fcgi_get  # noqa: E402  (tests/deploy/fcgi_get.py)

RESTORED = "yujing_restore"


def _mariadb(args, **kw):
    base = ["--no-defaults", "--socket=" + _conf_value("db_socket"), "-u", "root"]
    return subprocess.run(args[:1] + base + args[1:], capture_output=True, timeout=300, **kw)


def _tables():
    return [r[0] for r in db("SELECT table_name FROM information_schema.tables "
                             "WHERE table_schema = 'yujing' AND table_type = 'BASE TABLE' "
                             "ORDER BY table_name")]


def _snapshot(schema, tables):
    """Per table: row count and CHECKSUM TABLE (equal rows, equal sums)."""
    out = {}
    for t in tables:
        n = db_value("SELECT COUNT(*) FROM `%s`.`%s`" % (schema, t))
        s = db("CHECKSUM TABLE `%s`.`%s`" % (schema, t))[0][1]
        out[t] = (n, s)
    return out


def _yujing(conf_path, sock, log):
    bin_path = open(os.path.join(run_dir(), "yujing.bin")).read().strip()
    p = subprocess.Popen([bin_path, "-c", conf_path], stdout=log, stderr=log)
    for _ in range(150):
        if os.path.exists(sock):
            return p
        if p.poll() is not None:
            break
        time.sleep(0.2)
    p.kill()
    raise AssertionError("the yujing on the restored database did not start")


def _dump(path):
    p = subprocess.run(["mariadb-dump", "--no-defaults", "--socket=" + _conf_value("db_socket"),
                        "-u", "root", "--single-transaction", "--routines", "--triggers",
                        "--events", "--hex-blob", "--default-character-set=utf8mb4",
                        "--result-file=" + path, "yujing"], capture_output=True, timeout=300)
    check(p.returncode == 0, "mariadb-dump failed: %s" % p.stderr.decode("utf-8", "replace"))


def _restore(path):
    """Into an empty database RESTORED, which the yujing user may use."""
    db("DROP DATABASE IF EXISTS %s" % RESTORED)
    db("CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" % RESTORED)
    db("GRANT ALL ON %s.* TO '%s'@'localhost'" % (RESTORED, _conf_value("db_user")))
    with open(path, "rb") as f:
        p = _mariadb(["mariadb", "--default-character-set=utf8mb4", RESTORED], stdin=f)
    check(p.returncode == 0, "loading the dump failed: %s" % p.stderr.decode("utf-8", "replace"))


def _verify(conf):
    v = subprocess.run([_bin(), "stats", "verify", "-c", conf], capture_output=True, timeout=300)
    out = v.stdout.decode("utf-8", "replace") + v.stderr.decode("utf-8", "replace")
    check(v.returncode == 0 and "stat_totals equal" in out, "yujing stats verify on the restore: %s" % out)


def _bin():
    with open(os.path.join(run_dir(), "yujing.bin")) as f:
        return f.read().strip()


def _cookie(c):
    return "; ".join("%s=%s" % kv for kv in c.cookies.items())


def test_backup_restore_same_answers():
    a = accounts()
    jd, prov = a["jiande"], login("province")
    sub = create(jd)
    data = secrets.token_bytes(300 * 1024) + b"\x00end"
    att = expect_json(jd.post("/api/submissions/%d/attachments?name=backup.bin" % sub["id"],
                              body=data, content_type="application/octet-stream"), 201, "upload")
    sub = submit(jd, sub)

    tmp = tempfile.mkdtemp(prefix="yujing-backup.")
    dump, conf, sock = (os.path.join(tmp, n) for n in ("yujing.sql", "yujing.conf", "yujing.sock"))
    with open(os.path.join(run_dir(), "yujing.conf"), encoding="utf-8") as f:
        lines = [ln for ln in f if ln.split("=")[0].strip() not in ("db_name", "listen")]
    with open(conf, "w", encoding="utf-8") as f:
        f.writelines(lines)
        f.write("db_name = %s\nlisten = %s\n" % (RESTORED, sock))
    log = open(os.path.join(tmp, "yujing.log"), "wb")
    proc = None
    try:
        # 1. A quiet database: the same rows in every table.
        tables = _tables()
        check(len(tables) > 10, "tables %r" % tables)
        # The server's background jobs (delivery, reminders) may write in
        # between: the dump counts when nothing moved while it was taken.
        for _ in range(5):
            live = _snapshot("yujing", tables)
            _dump(dump)
            if _snapshot("yujing", tables) == live:
                break
            time.sleep(1)
        _restore(dump)
        restored = _snapshot(RESTORED, tables)
        diff = [t for t in tables if live[t] != restored[t]]
        check(not diff, "tables differ after the restore: %r"
              % [(t, live[t], restored[t]) for t in diff])
        content = db_value("SELECT HEX(content) FROM %s.attachments WHERE id = %d" % (RESTORED, att["id"]))
        check(content is not None and bytes.fromhex(content) == data, "the attachment's bytes differ")
        _verify(conf)

        # 2. yujing on the restored database answers as the live one.
        proc = _yujing(conf, sock, log)
        for c, uris in ((prov, ("/api/scores?year=2019&per_page=200", "/api/stats/summary?year=2019",
                                "/api/submissions?per_page=100", "/api/submissions/%d" % sub["id"])),
                        (jd, ("/api/submissions/%d" % sub["id"],))):
            for uri in uris:
                want = c.get(uri)
                check(want.status == 200, "%s on the live database: %s" % (uri, want))
                st, body = fcgi_get.get(sock, uri, cookie=_cookie(c))
                check(st == want.status, "%s: restored %s, live %s" % (uri, st, want.status))
                check(json.loads(body) == want.json, "%s answers differ after the restore" % uri)
        st, body = fcgi_get.get(sock, "/api/attachments/%d" % att["id"], cookie=_cookie(jd))
        check(st == 200 and body == data,
              "the restored attachment's download: %s, %d bytes" % (st, len(body)))
        proc.terminate()
        proc.wait(timeout=60)
        proc = None

        # 3. Writes go on during the dump: --single-transaction still gives
        #    one consistent snapshot (the counters equal a recount).
        stop, written = threading.Event(), []

        def writer():
            while not stop.is_set():
                written.append(submit(jd, create(jd))["id"])

        t = threading.Thread(target=writer)
        t.start()
        try:
            time.sleep(0.5)
            _dump(dump)
        finally:
            stop.set()
            t.join()
        check(written, "no write happened during the dump")
        _restore(dump)
        _verify(conf)
        # Each item is in the dump as one of its committed states: a draft
        # (created before the snapshot, submitted after it) or submitted with
        # its submission time; never anything between.
        states = db("SELECT state, submitted_at IS NOT NULL FROM %s.submissions WHERE id IN (%s)"
                    % (RESTORED, ",".join(str(i) for i in written)))
        check(states and all(r in (["draft", "0"], ["submitted", "1"]) for r in states),
              "a half-written item in the dump: states %r" % states)
        check(any(r[0] == "submitted" for r in states), "no submitted item in the dump: %r" % states)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=60)
        log.close()
        db("DROP DATABASE IF EXISTS %s" % RESTORED)
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)
