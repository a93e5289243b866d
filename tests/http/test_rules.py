"""/api/rules: the rule files in force, live reload (watcher and SIGHUP),
and POST /api/rules/preview, which scores with a candidate standard and
activates nothing.  The tests change the stack's copy of the rules
(.run/<stack>/rules/) and always put the original back."""

import os
import re
import shutil
import signal
import subprocess
import threading
import time

import rulefiles as rf
from client import (BASE, Client, app_pid, assert_error, check, expect, expect_json, has_cjk,
                    login, raw_request)

STD = "scoring/2019.lua"
WATCH = 3.0         # seconds: the watcher notices a change within this


def _health_ok(rules=("ok", "refused")):
    """200 and ok; rules is "refused" while a refused file waits on disk."""
    body = expect_json(raw_request("GET", "/api/health"), 200, "health")
    check(body.get("status") == "ok" and body.get("rules") in rules, "health is %r" % body)


def _scores(c, year=2019, per_page=200):
    return expect_json(c.get("/api/scores?year=%d&per_page=%d" % (year, per_page)), 200,
                       "GET /api/scores?year=%d" % year)


def _preview(c, source, year=2019, query=""):
    body = {"source": source}
    if year is not None:
        body["year"] = year
    return c.post("/api/rules/preview" + query, body)


def _refused(resp, field, contains=None):
    """400 invalid with field; the message contains the given text."""
    expect(resp, 400, "preview")
    err = resp.error()
    check(err is not None and err.get("code") == "invalid",
          "error code %r, want invalid" % (err and err.get("code")), resp)
    check(err.get("field") == field, "error field %r, want %r" % (err.get("field"), field), resp)
    msg = err.get("message")
    check(isinstance(msg, str) and msg.strip(), "empty error message", resp)
    if contains is not None:
        check(contains in msg, "error message %r does not contain %r" % (msg, contains), resp)
    return msg


# ------------------------------------------------------------ GET /api/rules

def test_rules_list_shows_the_files_in_force():
    for user in ("province", "admin"):
        c = login(user)
        files = rf.status(c)
        for name, kind in (("review.lua", "review"), (STD, "scoring")):
            e = files.get(name)
            check(e is not None, "%s: %s is not listed: %r" % (user, name, files))
            check(e.get("kind") == kind, "%s: kind %r, want %r" % (name, e.get("kind"), kind))
            check(e.get("in_force") is True, "%s is not in force: %r" % (name, e))
            want = rf.sha256(rf.read(name))
            check(e.get("sha256") == want,
                  "%s: sha256 %r, the file on disk has %s" % (name, e.get("sha256"), want))
            check(isinstance(e.get("loaded_at"), str) and rf.ISO_BEIJING.match(e["loaded_at"]),
                  "%s: loaded_at %r is not ISO 8601 with +08:00" % (name, e.get("loaded_at")))
            check("error" in e and e["error"] is None, "%s: error %r, want null" % (name, e.get("error")))
        check(files[STD].get("year") == 2019, "year %r, want 2019" % files[STD].get("year"))
        check("year" not in files["review.lua"], "review.lua carries a year: %r" % files["review.lua"])


def test_rules_list_other_roles_refused():
    for user in ("hangzhou", "jiande", "editor"):
        assert_error(login(user).get("/api/rules"), 403, "forbidden")
    assert_error(Client().get("/api/rules"), 401, "unauthenticated")
    c = login("province")
    resp = c.post("/api/rules", {})
    check(resp.status == 405, "POST /api/rules answered %d, want 405" % resp.status, resp)


# ---------------------------------------------------------------- reloading

def test_broken_rewrite_keeps_the_standard_in_force():
    c = login("province")
    with rf.kept(c, STD) as original:
        old_sha = rf.sha256(original)
        before = rf.status(c)[STD]
        check(before.get("sha256") == old_sha, "the test starts with another version in force")
        log = rf.LogTail()
        rf.write(STD, "-- 改坏了\nlocal x = 1\nlocal y = = 2\nreturn { score = function() end }\n")
        e, took = rf.wait_status(c, STD, lambda e: (e or {}).get("error") is not None, WATCH,
                                 "the refusal of a broken 2019.lua")
        check(e["error"].startswith("scoring/2019.lua:3:"),
              "error %r does not start with scoring/2019.lua:3:" % e["error"])
        check(e.get("sha256") == old_sha, "sha256 changed to %r on a refused file" % e.get("sha256"))
        check(e.get("loaded_at") == before.get("loaded_at"), "loaded_at changed on a refused file")
        check(e.get("in_force") is True, "the old standard is no longer in force: %r" % e)
        _health_ok(rules=("refused",))
        log.wait_for("rules: scoring/2019.lua refused")
        # Scoring goes on with the old standard.
        scores = _scores(c)
        check(all(it["standard"] == STD and it["title"] == rf.TITLE_2019 for it in scores["items"]),
              "scores no longer use the old standard: %r" % scores["items"][:1])

        # Still refused a few seconds later (the watcher does not retry it).
        time.sleep(1.5)
        e = rf.status(c)[STD]
        check(e.get("sha256") == old_sha and (e.get("error") or "").startswith("scoring/2019.lua:3:"),
              "later: %r" % e)

        # A valid rewrite replaces it.
        new_sha = rf.write(STD, original.decode("utf-8") + "\n-- 改好了\n")
        e, _ = rf.wait_status(c, STD, rf.in_force_with(new_sha), WATCH,
                              "a valid rewrite of 2019.lua")
        check(e.get("error") is None, "error %r after a valid rewrite" % e.get("error"))
        check(rf.ISO_BEIJING.match(e.get("loaded_at") or ""), "loaded_at %r" % e.get("loaded_at"))
        _health_ok(rules=("ok",))


def test_runtime_error_is_refused_with_its_line():
    c = login("admin")
    with rf.kept(c, STD) as original:
        old_sha = rf.sha256(original)
        rf.write(STD, "return {\n  score = function(facts)\n    local t = nil\n"
                      "    return t.items\n  end,\n}\n")
        e, _ = rf.wait_status(c, STD, lambda e: (e or {}).get("error") is not None, WATCH,
                              "the refusal of a standard that fails when run")
        check(e["error"].startswith("scoring/2019.lua:4:"), "error %r" % e["error"])
        check(e.get("sha256") == old_sha, "sha256 changed on a refused file")
        # A score above the maximum is refused too, and named.
        rf.write(STD, "return { score = function(f)\n"
                      "  return { items = { { key = \"a\", label = \"甲\", score = 6, max = 5,\n"
                      "                       reason = \"超出\" } }, total = 6 }\nend }\n")
        e, _ = rf.wait_status(c, STD, lambda e: "不在 0 到 5 之间" in ((e or {}).get("error") or ""),
                              WATCH, "the refusal of a score above its maximum")
        check(e.get("sha256") == old_sha, "sha256 changed on a refused file")
        _health_ok()


def test_restoring_the_version_in_force_clears_the_error():
    c = login("admin")
    with rf.kept(c, STD) as original:
        rf.write(STD, "-- 临时改坏\nlocal = 1\n")
        rf.wait_status(c, STD, lambda e: ((e or {}).get("error") or "").startswith(
            "scoring/2019.lua:2:"), WATCH, "the refusal of a broken 2019.lua")
        # Put back as it was: the file on disk is the one in force again.
        rf.write(STD, original)
        e, _ = rf.wait_status(c, STD, lambda e: e is not None and e.get("error") is None, WATCH,
                              "the error to clear once the file in force is back")
        check(e.get("sha256") == rf.sha256(original) and e.get("in_force") is True, "%r" % e)


def test_sighup_reloads_at_once():
    c = login("admin")
    pid = app_pid()
    with rf.kept(c, STD) as original:
        # The watcher may beat the signal now and then; then try again.
        for attempt in range(1, 4):
            log = rf.LogTail()
            new_sha = rf.write(STD, original.decode("utf-8") + "\n-- SIGHUP %d %f\n"
                               % (attempt, time.time()))
            os.kill(pid, signal.SIGHUP)
            e, took = rf.wait_status(c, STD, rf.in_force_with(new_sha), 1.0,
                                     "GET /api/rules after SIGHUP", interval=0.05)
            check(e.get("error") is None, "error %r" % e.get("error"))
            lines = log.wait_for("SIGHUP, reloading rules")
            if "reloading rules: 1 file(s) changed" in lines[-1]:
                break
            check(attempt < 3, "the watcher reloaded first three times running: %r" % lines)
        _health_ok()


# -------------------------------------------------------- POST /api/rules/preview

def _check_rows(body, year, per_page=20):
    items = body.get("items")
    check(body.get("year") == year, "year %r, want %d" % (body.get("year"), year))
    check(isinstance(items, list) and items, "no items: %r" % body)
    check(body.get("page") == 1 and body.get("per_page") == per_page,
          "page %r per_page %r" % (body.get("page"), body.get("per_page")))
    check(isinstance(body.get("total"), int) and len(items) == min(per_page, body["total"]),
          "%d items for total %r" % (len(items), body.get("total")))
    ids = [it.get("point_id") for it in items]
    check(ids == sorted(ids) and len(set(ids)) == len(ids), "point ids not ascending: %r" % ids)
    for it in items:
        check(isinstance(it.get("point_id"), int) and has_cjk(it.get("point_name")),
              "row without point: %r" % it)
        check(re.match(r"^\d{6}$", it.get("city") or ""), "city %r" % it.get("city"))
        check(isinstance(it.get("items"), list), "row without items: %r" % it)
        check(it.get("total") == sum(x["score"] for x in it["items"]),
              "total %r is not the sum of %r" % (it.get("total"), it["items"]))
    return items


def test_preview_with_the_real_standard():
    c = login("province")
    src = rf.shipped(STD)
    body = expect_json(_preview(c, src), 200, "preview of the shipped 2019.lua")
    rows = _check_rows(body, 2019)
    keys = [k for k, _ in rf.ITEMS_2019]
    for row in rows:
        got = [x.get("key") for x in row["items"]]
        check(got == keys, "items %r, want %r" % (got, keys))
        for x, (_, mx) in zip(row["items"], rf.ITEMS_2019):
            check(x.get("max") == mx and 0 <= x.get("score") <= mx, "item %r" % x)
            check(has_cjk(x.get("label")) and has_cjk(x.get("reason")), "item %r" % x)
        # The same standard as the one in force: the same totals.
        check(row.get("current_total") == row["total"],
              "current_total %r, total %r" % (row.get("current_total"), row["total"]))
        check(row.get("current_standard") == STD, "current_standard %r" % row.get("current_standard"))
    # The scores API agrees, point by point.
    scores = {it["point_id"]: it for it in _scores(c)["items"]}
    check(body["total"] == _scores(c)["total"], "preview total %r, scores total %r"
          % (body["total"], _scores(c)["total"]))
    for row in rows:
        s = scores.get(row["point_id"])
        check(s is not None and s["total"] == row["total"] and
              [x["score"] for x in s["items"]] == [x["score"] for x in row["items"]],
              "point %s: preview %r, scores %r" % (row["point_id"], row, s))
    # Paging and the city filter.
    body = expect_json(_preview(c, src, query="?per_page=5&page=2&city=330100"), 200,
                       "preview, page 2 of Hangzhou")
    check(body["page"] == 2 and body["per_page"] == 5, "paging %r" % body)
    check(all(r["city"] == "330100" for r in body["items"]), "other cities in %r" % body["items"])
    # A year without its own standard: 2019's, periods shifted.
    body = expect_json(_preview(c, src, year=2021), 200, "preview for 2021")
    for row in body["items"]:
        check(row.get("current_standard") == STD, "2021: current_standard %r" % row.get("current_standard"))
        q = [x for x in row["items"] if x["key"] == "report_quarterly"][0]
        check("2021-01-01" in q["reason"] and "2022-01-20" in q["reason"], "2021 reason %r" % q)


def test_preview_activates_nothing():
    c = login("admin")
    src = rf.shipped(STD)
    tail = "  return { items = items, total = total }\n"
    check(tail in src, "the shipped 2019.lua no longer ends its score function with %r" % tail)
    # Every item full marks: 50 for everyone.
    full = src.replace(tail, "  for _, it in ipairs(items) do it.score = it.max end\n"
                             "  total = 0\n"
                             "  for _, it in ipairs(items) do total = total + it.score end\n" + tail)
    before = rf.status(c)
    scores_before = _scores(c)
    body = expect_json(_preview(c, full), 200, "preview of a full-marks candidate")
    current = {it["point_id"]: it["total"] for it in scores_before["items"]}
    scores_items = {it["point_id"]: it["items"] for it in scores_before["items"]}
    for row in _check_rows(body, 2019):
        check(row["total"] == 50, "candidate total %r, want 50" % row["total"])
        check(row.get("current_total") == current.get(row["point_id"]),
              "current_total %r, the scores API says %r"
              % (row.get("current_total"), current.get(row["point_id"])))
        # Item by item, the standard in force beside the candidate's.
        now_items = [(x["key"], x["score"], x["max"], x["reason"]) for x in row.get("current_items", [])]
        want_items = [(x["key"], x["score"], x["max"], x["reason"])
                      for x in scores_items[row["point_id"]]]
        check(now_items == want_items, "current_items %r, the scores API says %r" % (now_items, want_items))
        check([x["score"] for x in row["items"]] == [x["max"] for x in row["items"]], "candidate items %r" % row)
    time.sleep(1.5)     # a watcher pass: still nothing changed
    check(rf.status(c) == before, "GET /api/rules changed after a preview:\n%r\n%r"
          % (before, rf.status(c)))
    check(_scores(c) == scores_before, "GET /api/scores changed after a preview")
    check(not os.path.exists(rf.path("preview")), "a preview folder appeared in the rules")


def test_preview_refuses_broken_candidates():
    c = login("province")
    msg = _refused(_preview(c, "local a = 1\nlocal b = 2\nlocal c = = 3\n"), "source",
                   "preview/2019.lua:3:")
    _refused(_preview(c, "-- 2020\nreturn {", year=2020), "source", "preview/2020.lua:")
    _refused(_preview(c, "local x = 1\nos.execute('true')\n"), "source",
             "preview/2019.lua:2:")
    _refused(_preview(c, "return io.open('yujing.conf'):read('a')\n"), "source", "preview/2019.lua:1:")
    _refused(_preview(c, "local os = require('os')\n"), "source", "preview/2019.lua:1:")
    _refused(_preview(c, "return load('return 1')()\n"), "source", "preview/2019.lua:1:")
    _refused(_preview(c, "return 50\n"), "source", "preview/2019.lua")
    _refused(_preview(c, "return { score = function(f)\n"
                         "  return { items = { { key = \"a\", label = \"甲\", score = 1, max = 5,\n"
                         "                       reason = \"\" } }, total = 2 }\nend }\n"),
             "source", "不等于各项得分之和")
    # Fails only on a real point, not on the built-in facts (point id 1).
    point = [it for it in _scores(c)["items"] if it["point_id"] != 1][0]
    msg = _refused(_preview(c, "return { score = function(f)\n"
                               "  if f.point.id == %d then error('这个点算不了') end\n"
                               "  return { items = {}, total = 0 }\nend }\n" % point["point_id"]),
                   "source", "这个点算不了")
    check("评分时出错" in msg and point["point_name"] in msg,
          "message %r does not name the point %s" % (msg, point["point_name"]))
    # A result out of range on a real point names the file too.
    msg = _refused(_preview(c, "return { score = function(f)\n"
                               "  local s = f.point.id == %d and 9 or 1\n"
                               "  return { items = { { key = \"a\", label = \"甲\", score = s, max = 5,\n"
                               "                       reason = \"\" } }, total = s }\nend }\n"
                               % point["point_id"]), "source", "不在 0 到 5 之间")
    check("preview/2019.lua" in msg, "message %r does not name preview/2019.lua" % msg)
    _health_ok()


def test_preview_stops_endless_loops_and_memory_bombs():
    c = login("province")
    loops = [
        "while true do end\n",
        "return { score = function(f)\n  while true do end\nend }\n",
        "local function spin() while true do end end\n"
        "while true do pcall(spin) end\n",
    ]
    for src in loops:
        t0 = time.monotonic()
        # The instruction count, or on a busy machine the processor-time
        # limit (1.5 times what the budget took at start), whichever first.
        msg = _refused(_preview(c, src), "source", "上限")
        check("指令数上限" in msg or "运行时间上限" in msg, "message %r" % msg)
        check(time.monotonic() - t0 < 30, "an endless loop took %.0f s to stop" % (time.monotonic() - t0))
        # The worker that ran it goes on serving.
        _health_ok()
        expect_json(_preview(c, rf.shipped(STD)), 200, "a preview after an endless loop")
    _refused(_preview(c, "local s = string.rep('x', 1 << 30)\nreturn s\n"), "source", "内存上限")
    # Filling the memory cap makes the collector work: the processor-time
    # limit may stop it first.
    msg = _refused(_preview(c, "local t = {}\nfor i = 1, 1e9 do t[i] = i end\n"), "source", "上限")
    check("内存上限" in msg or "运行时间上限" in msg, "message %r" % msg)
    _health_ok()
    expect_json(_preview(c, rf.shipped(STD)), 200, "a preview after a memory bomb")


def test_preview_validation_and_roles():
    c = login("province")
    src = rf.shipped(STD)
    assert_error(_preview(c, src, year=None), 400, "invalid", "year")
    assert_error(_preview(c, src, year=1999), 400, "invalid", "year")
    assert_error(c.post("/api/rules/preview", {"year": 2019}), 400, "invalid", "source")
    assert_error(c.post("/api/rules/preview", {"year": 2019, "source": ""}), 400, "invalid", "source")
    for user in ("hangzhou", "jiande", "editor"):
        assert_error(_preview(login(user), src), 403, "forbidden")
    assert_error(Client().post("/api/rules/preview", {"year": 2019, "source": src}),
                 401, "unauthenticated")
    assert_error(c.post("/api/rules/preview", {"year": 2019, "source": src}, csrf=False),
                 403, "forbidden")
    expect_json(_preview(login("admin"), src), 200, "preview as admin")


# ------------------------------------------------------------ reload under load

def _wrk_counts(out):
    """(requests, non-2xx/3xx, socket errors) from wrk's report."""
    m = re.search(r"^\s*(\d+) requests in ", out, re.M)
    check(m is not None, "wrk printed no request count:\n%s" % out)
    requests = int(m.group(1))
    m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    bad = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors:\s*(.*)$", out, re.M)
    errors = sum(int(n) for n in re.findall(r"\d+", m.group(1))) if m else 0
    return requests, bad, errors


def test_reload_under_load():
    """wrk keeps scoring with the standard in force while the file is
    rewritten 20 times, valid and broken in turn: no request fails, and the
    last valid version is the one in force at the end."""
    wrk = shutil.which("wrk")
    check(wrk is not None, "wrk is not installed (tests/deps.sh installs it): "
                           "the reload-under-load test cannot run")
    c = login("province")
    # (kept sets the deployed 2019 test cases aside: versions 0..10 of a
    # one-item standard would not pass them.)
    with rf.kept(c, STD):
        rf.write(STD, rf.version_standard(0))
        rf.wait_status(c, STD, rf.in_force_with(rf.sha256(rf.version_standard(0))), WATCH,
                       "version 0")
        url = BASE + "/api/scores?year=2019"
        # A slow answer is not a failed one: the suite runs the ASan build on
        # two shared cores, where a queued request can wait past wrk's 2 s
        # default; connect, read and write errors and non-2xx still count.
        cmd = [wrk, "-t2", "-c8", "-d12s", "--timeout", "30s",
               "-H", "Cookie: yj_session=%s" % c.session_cookie(), url]
        result = {}

        def run():
            p = subprocess.run(cmd, capture_output=True, timeout=60)
            result["rc"] = p.returncode
            result["out"] = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")

        t = threading.Thread(target=run)
        t.start()
        last_valid = None
        try:
            time.sleep(1.0)
            for i in range(1, 21):
                if i % 2:
                    v = (i + 1) // 2
                    sha = rf.write(STD, rf.version_standard(v))
                    last_valid = v
                    if i == 19:     # the watcher may skip a version: not the last one
                        rf.wait_status(c, STD, rf.in_force_with(sha), WATCH,
                                       "version %d under load" % v)
                elif i % 4 == 0:
                    rf.write(STD, "-- 第 %d 次，语法错误\nreturn {\n  score = function(facts)\n" % i)
                else:
                    rf.write(STD, "-- 第 %d 次，总分不对\nreturn { score = function(f)\n"
                                  "  return { items = {}, total = %d }\nend }\n" % (i, i))
                time.sleep(0.4)
        finally:
            t.join(90)
        check(not t.is_alive(), "wrk did not finish")
        out = result.get("out", "")
        check(result.get("rc") == 0, "wrk failed (%r):\n%s" % (result.get("rc"), out))
        requests, bad, errors = _wrk_counts(out)
        check(requests > 0, "wrk made no requests:\n%s" % out)
        check(bad == 0, "%d of %d responses were not 2xx during the reloads:\n%s" % (bad, requests, out))
        check(errors == 0, "%d socket errors during the reloads:\n%s" % (errors, out))

        # The last write was a broken one: the last valid version stays.
        want = rf.sha256(rf.version_standard(last_valid))
        e, _ = rf.wait_status(c, STD, lambda e: e is not None and e.get("error") is not None,
                              WATCH, "the refusal of the last, broken, version")
        check(e.get("sha256") == want and e.get("in_force") is True,
              "in force: %r, want version %d (sha256 %s)" % (e, last_valid, want))
        scores = _scores(c)
        check(scores["items"] and all(it["total"] == last_valid and
                                      it["title"] == "测试标准 第 %d 版" % last_valid
                                      for it in scores["items"]),
              "scores do not come from version %d: %r" % (last_valid, scores["items"][:2]))
        body = expect_json(_preview(c, rf.version_standard(42)), 200, "preview after the reloads")
        check(all(r["total"] == 42 and r["current_total"] == last_valid for r in body["items"]),
              "preview rows %r" % body["items"][:2])
        _health_ok()
