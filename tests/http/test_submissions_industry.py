"""GET /api/submissions?industry=: 所属行业 as the 季度形势分析 and 年度工作总结
lists filter it. An item's industry is its own industry field when its
type has one (预警信息), else its point's (the quarterly analysis and the
annual summary name none)."""

from datetime import datetime

from client import check, expect_json
from pointlib import qs, refused, tag
from sublib import BEIJING, accounts, create, qa_fields, submit, wi_fields


def listed(c, **params):
    """Every id the caller gets for these filters (paging through)."""
    ids, page = [], 1
    while True:
        q = qs(**dict(params, page=page, per_page=50))
        body = expect_json(c.get("/api/submissions" + q), 200, "list %s" % q)
        ids += [s["id"] for s in body["items"]]
        if len(ids) >= body["total"] or not body["items"]:
            check(len(ids) == body["total"], "paged %d ids, total %d" % (len(ids), body["total"]))
            return ids
        page += 1


def industry_of(c, point):
    return expect_json(c.get("/api/points/%d" % point), 200, "point %d" % point)["industry"]


def test_submissions_industry_filter():
    a = accounts()
    prov, pts = a["province"], a["points"]
    year = datetime.now(BEIJING).year
    t = "行业筛选" + tag()
    jd_ind, ls_ind = industry_of(prov, pts["jiande"]), industry_of(prov, pts["ls_point"])
    check(jd_ind and ls_ind and jd_ind != ls_ind,
          "the test needs two points of two industries: %r %r" % (jd_ind, ls_ind))

    def made(who, type_, fields):
        return submit(a[who], create(a[who], type_, fields))["id"]

    jd_qa = made("jiande", "quarterly_analysis", qa_fields(title="一季度分析 " + t))
    jd_as = made("jiande", "annual_summary", {"year": year, "title": "年度总结 " + t, "content": "全年工作。"})
    ls_qa = made("ls_point", "quarterly_analysis", qa_fields(title="一季度分析 " + t))
    ls_as = made("ls_point", "annual_summary", {"year": year, "title": "年度总结 " + t, "content": "全年工作。"})
    # jiande's warning info about the other point's industry: its own field counts.
    jd_wi = made("jiande", "warning_info", wi_fields(title="预警 " + t, industry=ls_ind))
    # A draft is nobody's but its owner's, filtered or not.
    jd_draft = create(a["jiande"], "quarterly_analysis", qa_fields(title="草稿 " + t))["id"]

    want = {jd_ind: {jd_qa, jd_as}, ls_ind: {ls_qa, ls_as, jd_wi}}
    everything = set(listed(prov, q=t))
    check(everything == {jd_qa, jd_as, ls_qa, ls_as, jd_wi},
          "the province lists %r for the title" % sorted(everything))
    for ind, ids in want.items():
        got = listed(prov, q=t, industry=ind)
        check(sorted(got) == sorted(ids), "industry=%s lists %r, want %r" % (ind, got, sorted(ids)))
    got = listed(prov, q=t, industry=jd_ind, type="quarterly_analysis")
    check(got == [jd_qa], "quarterly analyses of %s: %r, want [%d]" % (jd_ind, got, jd_qa))
    got = listed(prov, q=t, industry=ls_ind, type="annual_summary", year=year)
    check(got == [ls_as], "annual summaries of %s: %r, want [%d]" % (ls_ind, got, ls_as))
    got = listed(prov, q=t, industry=ls_ind, type="warning_info")
    check(got == [jd_wi], "warning info of %s by its own field: %r, want [%d]" % (ls_ind, got, jd_wi))
    got = listed(prov, q=t, industry=jd_ind, type="warning_info")
    check(got == [], "warning info listed by its point's industry: %r" % got)
    other = "AGRI" if "AGRI" not in want else "MEDICINE"
    check(listed(prov, q=t, industry=other) == [], "industry=%s lists items of other industries" % other)
    # Scope still holds: 杭州 sees its point's items, not 丽水's.
    got = listed(a["hangzhou"], q=t, industry=ls_ind)
    check(got == [jd_wi], "杭州 with industry=%s: %r, want [%d]" % (ls_ind, got, jd_wi))
    got = listed(a["jiande"], q=t, industry=jd_ind)
    check(sorted(got) == sorted({jd_qa, jd_as, jd_draft}), "jiande's own with industry=%s: %r"
          % (jd_ind, got))


def test_submissions_industry_refused():
    a = accounts()
    for bad in ("BOGUS", "化工", "CHEMICAL'--", "X" * 40):
        refused(a["province"].get("/api/submissions" + qs(industry=bad)), 400, "invalid", "industry")
    # An empty value does not filter.
    full = expect_json(a["province"].get("/api/submissions?per_page=1"), 200, "list")["total"]
    empty = expect_json(a["province"].get("/api/submissions?per_page=1&industry="), 200, "list")["total"]
    check(empty == full, "industry= (empty) gives %d items of %d" % (empty, full))
