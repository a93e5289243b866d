"""审核意见配置: the preset opinions of rules/review.lua and the province's
edits to the list."""

import subprocess
import threading
import time

from client import _conf_value, check, db, db_value, expect_json, sql_str
from pointlib import refused, tag
from sublib import accounts

PRESETS = ["非原创，不予通过", "内容较有深度，但存在保密信息，推荐内部交流",
           "内容具有典型性，建议推荐到《浙江商务》"]


def listed(c):
    body = expect_json(c.get("/api/opinions"), 200, "opinions")
    check(body["total"] == len(body["items"]), "total %r" % body["total"])
    return body["items"]


def test_opinions_presets_first_in_order():
    a = accounts()
    for who in ("province", "hangzhou"):
        items = listed(a[who])
        check([o["text"] for o in items[:3]] == PRESETS,
              "%s sees %r" % (who, [o["text"] for o in items[:3]]))
        sorts = [o["sort"] for o in items]
        check(sorts == sorted(sorts), "not in sort order: %r" % sorts)


def test_opinions_create_edit_delete():
    a = accounts()
    prov = a["province"]
    text = "请补充信息来源 " + tag()
    before = listed(prov)
    made = expect_json(prov.post("/api/opinions", {"text": text}), 201, "create")
    check(made["text"] == text and made["version"] == 1, "created %r" % made)
    check(made["sort"] > max(o["sort"] for o in before), "sort %r not after the last" % made["sort"])
    items = listed(prov)
    check(items[-1]["id"] == made["id"], "the new opinion is not last")
    check(made["id"] in [o["id"] for o in listed(a["hangzhou"])], "the city does not see it")

    p = "/api/opinions/%d" % made["id"]
    new = text + "（修改）"
    edited = expect_json(prov.patch(p, {"text": new, "version": made["version"]}), 200, "edit")
    check(edited["text"] == new and edited["version"] == made["version"] + 1, "edited %r" % edited)
    refused(prov.patch(p, {"text": "旧版本的修改", "version": made["version"]}), 409, "conflict",
            "version")
    check([o for o in listed(prov) if o["id"] == made["id"]][0]["text"] == new,
          "a stale edit changed the text")
    refused(prov.patch(p, {"text": "无版本"}), 400, "invalid", "version")

    r = prov.delete(p)
    check(r.status == 204 and not r.body, "delete: %s" % r)
    check(made["id"] not in [o["id"] for o in listed(prov)], "deleted opinion still listed")
    refused(prov.patch(p, {"text": "x", "version": edited["version"]}), 404, "not_found")
    refused(prov.delete(p), 404, "not_found")
    check([o["text"] for o in listed(prov)[:3]] == PRESETS, "the presets moved")


def test_opinions_roles_and_blank_text():
    a = accounts()
    prov = a["province"]
    for who in ("jiande", "editor"):
        refused(a[who].get("/api/opinions"), 403, "forbidden")
        refused(a[who].post("/api/opinions", {"text": "x"}), 403, "forbidden")
    refused(a["hangzhou"].post("/api/opinions", {"text": "城市的意见"}), 403, "forbidden")
    n = len(listed(prov))
    refused(prov.post("/api/opinions", {"text": ""}), 400, "invalid", "text")
    refused(prov.post("/api/opinions", {}), 400, "invalid", "text")
    check(len(listed(prov)) == n, "refused creates added opinions")


def test_opinions_whitespace_text_is_blank():
    prov = accounts()["province"]
    n = len(listed(prov))
    resp = prov.post("/api/opinions", {"text": " \u3000 "})
    if resp.status == 201:
        prov.delete("/api/opinions/%d" % resp.json["id"])
    refused(resp, 400, "invalid", "text")
    check(len(listed(prov)) == n, "a blank opinion was added")


def test_presets_seeded_once_with_their_slots_when_the_lock_is_elsewhere():
    """Under Galera GET_LOCK locks one node only: a seeder on another node
    goes on without it.  Here another session holds the lock, so the first
    reads wait out its 10 s and seed without it.  They must answer, and
    leave each preset once, in its slot of review.lua (the unique
    seed_slot of migration 019, which turns a second seeder's rows into
    no-ops or, across Galera nodes, a certification conflict)."""
    prov = accounts()["province"]
    kept = db("SELECT id, text, sort, seed_slot, deleted_at, version, created_at, updated_at FROM opinions")
    db("DELETE FROM opinions")
    holder = subprocess.Popen(
        ["mariadb", "--no-defaults", "--socket=" + _conf_value("db_socket"), "-u", "root", "-N", "-B", "yujing", "-e",
         "SELECT GET_LOCK('yujing.opinions.seed', 0); SELECT SLEEP(25);"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if db_value("SELECT IS_USED_LOCK('yujing.opinions.seed')") not in (None, "NULL"):
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the lock was never taken")
        answers = [None] * 4

        def read(i):
            answers[i] = prov.get("/api/opinions")
        threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        check([r.status for r in answers] == [200] * 4, "answers %r" % [str(r) for r in answers])
        rows = db("SELECT text, seed_slot FROM opinions ORDER BY sort")
        check(rows == [[t, str(i + 1)] for i, t in enumerate(PRESETS)], "seeded: %r" % rows)
        check([o["text"] for o in listed(prov)] == PRESETS, "listed")
    finally:
        holder.kill()
        holder.wait()
        db("DELETE FROM opinions")
        for r in kept:
            db("INSERT INTO opinions (id, text, sort, seed_slot, deleted_at, version, created_at, updated_at) "
               "VALUES (%s)" % ", ".join("NULL" if v == "NULL" else sql_str(v) for v in r))
