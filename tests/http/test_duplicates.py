"""Likely duplicates on a submitted warning: the published and waiting
warnings of the same country and measure type, first submitted within 30
days, with a similar title (bigram Dice >= 0.5), listed to its reviewers
in "duplicates"; never to the submitting point; a city sees the published
ones and those waiting within its city."""

from client import check, db
from sublib import accounts, create, decide, get, submit, wi_fields

TITLE = "新西兰对华羊毛制品启动保障措施调查"


def _wi(c, title=TITLE, country="NZ", measure="SG"):
    return create(c, fields=wi_fields(title=title, country=country, measure_type=measure))


def _dups(c, sid, ours):
    got = get(c, sid)
    if "duplicates" not in got:
        return None
    for d in got["duplicates"]:
        check(set(d) >= {"id", "title", "point_name", "state", "submitted_at"}, "entry %r" % d)
    return [d["id"] for d in got["duplicates"] if d["id"] in ours]


def test_duplicates_listed_to_reviewers_only():
    a = accounts()
    jd, hzp, lsp = a["jiande"], a["hz_point"], a["ls_point"]
    hz, ls, prov = a["hangzhou"], a["lishui"], a["province"]

    published = submit(jd, _wi(jd))
    published = decide(hz, published, "pass")
    published = decide(prov, published, "pass", options={"work_exchange": True})
    waiting_ls = submit(lsp, _wi(lsp, title="新西兰对华羊毛制品启动“保障措施”调查！"))
    unrelated = submit(jd, _wi(jd, title="新西兰更新乳制品进口卫生要求"))
    other_country = submit(jd, _wi(jd, country="AU"))
    other_measure = submit(jd, _wi(jd, measure="AD"))
    draft = _wi(jd)
    rejected = submit(jd, _wi(jd))
    rejected = decide(hz, rejected, "reject", opinion="重复上报")
    approved_not_published = submit(jd, _wi(jd))
    approved_not_published = decide(hz, approved_not_published, "pass")
    approved_not_published = decide(prov, approved_not_published, "pass")
    old = submit(jd, _wi(jd))
    db("UPDATE submissions SET first_submitted_at = first_submitted_at - INTERVAL 31 DAY "
       "WHERE id = %d" % old["id"])
    new = submit(hzp, _wi(hzp, title="新西兰对华羊毛制品启动保障措施调查（二）"))
    ours = {s["id"] for s in (published, waiting_ls, unrelated, other_country, other_measure,
                              draft, rejected, approved_not_published, old, new)}

    got = _dups(prov, new["id"], ours)
    check(got is not None and sorted(got) == sorted([published["id"], waiting_ls["id"]]),
          "the province sees duplicates %r; want the published %d and the waiting %d"
          % (got, published["id"], waiting_ls["id"]))
    entry = [d for d in get(prov, new["id"])["duplicates"] if d["id"] == published["id"]][0]
    check(entry["title"] == TITLE and entry["state"] == "approved" and entry["published"] is True
          and "建德" in entry["point_name"] and entry["submitted_at"].endswith("+08:00")
          and 0.5 <= entry["similarity"] <= 1, "entry %r" % entry)
    # 杭州 reviews it: the published one, not 丽水's waiting item.
    got = _dups(hz, new["id"], ours)
    check(got == [published["id"]], "杭州 sees duplicates %r" % got)
    # The submitting point is not shown other points' items.
    check(_dups(hzp, new["id"], ours) is None, "the submitting point sees duplicates")
    check(_dups(jd, published["id"], ours) is None, "a point sees duplicates")
    # Seen from 丽水's waiting item: the published one and the new one.
    got = _dups(prov, waiting_ls["id"], ours)
    check(sorted(got) == sorted([published["id"], new["id"]]), "from 丽水's item: %r" % got)
    got = _dups(ls, waiting_ls["id"], ours)
    check(got == [published["id"]], "丽水 sees %r" % got)
    # A draft has no duplicates field; nor has another type.
    check("duplicates" not in get(jd, draft["id"]), "a draft has duplicates")
