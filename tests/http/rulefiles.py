"""Helpers for tests that change the test stack's rule files.

The stack runs with its own copy of rules/ in .run/<stack>/rules/ (made by
tests/stack.sh up); yujing's watcher re-reads it every second and SIGHUP
reloads it at once.  A test that changes a file wraps the change in
``with kept("scoring/2019.lua"):`` so that the original comes back, and is
in force again, however the test ends.
"""

import hashlib
import os
import re
import time

from client import REPO, check, expect_json, run_dir

ISO_BEIJING = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")

# The items of the shipped 2019 standard, in order, with their maxima.
ITEMS_2019 = [
    ("upkeep_basic", 5), ("upkeep_subsite_info", 5), ("upkeep_subsite_news", 5),
    ("report_work_exchange", 12), ("report_quarterly", 8), ("report_annual_on_time", 5),
    ("dept_reporting", 10),
]
TITLE_2019 = "2019年度外贸预警工作评分标准"


def path(rel):
    """The stack's copy of a rule file, e.g. path("scoring/2019.lua")."""
    return os.path.join(run_dir(), "rules", rel)


def shipped(rel):
    """The repository's version of a rule file, as text."""
    with open(os.path.join(REPO, "rules", rel), encoding="utf-8") as f:
        return f.read()


def read(rel):
    with open(path(rel), "rb") as f:
        return f.read()


def sha256(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def write(rel, text):
    """Replaces a rule file at once (rename), so the watcher never reads
    half of it.  The temporary name is not one yujing loads."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    p = path(rel)
    tmp = os.path.join(os.path.dirname(p), ".%s.%d.tmp" % (os.path.basename(p), os.getpid()))
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, p)
    return sha256(data)


def version_standard(version, year=2019):
    """A valid standard whose single item scores `version` points of 50."""
    return (
        "-- 测试用评分标准，第 %(v)d 版\n"
        "local V = %(v)d\n"
        "return {\n"
        "  title = \"测试标准 第 \" .. V .. \" 版\",\n"
        "  max = 50,\n"
        "  score = function(facts)\n"
        "    return {\n"
        "      items = { { key = \"version\", label = \"版本\", score = V, max = 50,\n"
        "                  reason = facts.year .. \" 年按第 \" .. V .. \" 版计分\" } },\n"
        "      total = V,\n"
        "    }\n"
        "  end,\n"
        "}\n" % {"v": version})


def status(c):
    """GET /api/rules as a dict: file name -> entry."""
    body = expect_json(c.get("/api/rules"), 200, "GET /api/rules")
    items = body.get("items")
    check(isinstance(items, list), "GET /api/rules has no items array: %r" % body)
    check(body.get("total") == len(items), "total %r for %d items" % (body.get("total"), len(items)))
    return {it.get("name"): it for it in items}


def wait_status(c, name, pred, seconds, what, interval=0.1):
    """Polls GET /api/rules until pred(entry of name) holds; returns the
    entry and the seconds it took.  entry is None when name is not listed."""
    t0 = time.monotonic()
    while True:
        entry = status(c).get(name)
        if pred(entry):
            return entry, time.monotonic() - t0
        if time.monotonic() - t0 > seconds:
            raise AssertionError("%s: not within %.1f s; %s is now %r" % (what, seconds, name, entry))
        time.sleep(interval)


def in_force_with(sha):
    return lambda e: e is not None and e.get("in_force") is True and e.get("sha256") == sha


class kept:
    """Restores a rule file when the block ends and waits until the
    restored version is the one in force.  A standard's deployed test
    cases (scoring/<year>.test.lua), which every reload runs, stand aside
    meanwhile: the test's own versions of the standard need not pass them."""

    def __init__(self, c, rel):
        self.c = c
        self.rel = rel
        self.aside = None
        if re.match(r"^scoring/\d{4}\.lua$", rel):
            self.aside = set_aside(rel[:-4] + ".test.lua")

    def __enter__(self):
        self.original = read(self.rel)
        if self.aside is not None:
            self.aside.__enter__()
        return self.original

    def __exit__(self, *exc):
        if self.aside is not None:
            self.aside.__exit__(None, None, None)
        sha = write(self.rel, self.original)
        entry, _ = wait_status(self.c, self.rel, in_force_with(sha), 10,
                               "restoring %s" % self.rel)
        return False


class LogTail:
    """Lines the stack's yujing.log gains from now on."""

    def __init__(self):
        self.file = os.path.join(run_dir(), "yujing.log")
        self.offset = os.path.getsize(self.file)

    def text(self):
        with open(self.file, "rb") as f:
            f.seek(self.offset)
            return f.read().decode("utf-8", "replace")

    def wait_for(self, needle, seconds=3.0):
        deadline = time.monotonic() + seconds
        while True:
            lines = [ln for ln in self.text().splitlines() if needle in ln]
            if lines:
                return lines
            if time.monotonic() > deadline:
                raise AssertionError("no line with %r in %s within %.0f s; new lines:\n%s"
                                     % (needle, os.path.relpath(self.file, REPO), seconds,
                                        self.text()[-2000:]))
            time.sleep(0.1)


class set_aside:
    """Moves a rule file out of the stack's rules folder for the duration
    (e.g. a deployed <year>.test.lua that a test's standards would not
    pass), and puts it back however the test ends."""

    def __init__(self, rel):
        self.path = path(rel)
        self.away = os.path.join(os.path.dirname(self.path),
                                 ".%s.aside" % os.path.basename(self.path))

    def __enter__(self):
        self.moved = os.path.exists(self.path)
        if self.moved:
            os.replace(self.path, self.away)
        return self

    def __exit__(self, *exc):
        if self.moved:
            os.replace(self.away, self.path)
        return False
