"""List totals at scale: each list counts its total only up to
list_count_limit rows (the test stack sets 40) past the start of the page
asked for, and says "total_exact": false when there are more.  The page
itself, its order and paging to the end stay exact."""

from client import check, db, expect_json
from pointlib import qs, tag
from sublib import accounts, create, wi_fields

LIMIT = 40  # tests/run.sh: --set list_count_limit=40


def jiande_items(a):
    """Ids of every item jiande's point may list, newest first (from the table)."""
    pid = a["points"]["jiande"]
    return [int(r[0]) for r in db("SELECT id FROM submissions WHERE point_id = %d ORDER BY id DESC"
                                  % pid)]


def page(c, **params):
    return expect_json(c.get("/api/submissions" + qs(**params)), 200, "list %r" % params)


def test_list_total_counted_to_the_limit():
    a = accounts()
    jd = a["jiande"]
    ids = jiande_items(a)
    # More than two limits' worth, so that page 3 is still capped.
    for _ in range(max(0, 2 * LIMIT + 5 - len(ids))):
        create(jd, fields=wi_fields())
    ids = jiande_items(a)
    n = len(ids)
    check(n > 2 * LIMIT, "only %d items" % n)

    body = page(jd, per_page=20)
    check(body["total_exact"] is False and body["total"] == LIMIT,
          "page 1 of %d items: total %r, total_exact %r; want %d, false"
          % (n, body["total"], body["total_exact"], LIMIT))
    check([s["id"] for s in body["items"]] == ids[:20], "page 1 is not the newest 20")
    check(body["page"] == 1 and body["per_page"] == 20, "page/per_page %r" % body)

    # Page 3 counts from its own start: 40 rows past row 40.
    body = page(jd, page=3, per_page=20)
    want_exact = n <= 40 + LIMIT
    check(body["total"] == min(n, 40 + LIMIT) and body["total_exact"] is want_exact,
          "page 3: total %r exact %r, want %d %r" % (body["total"], body["total_exact"],
                                                     min(n, 40 + LIMIT), want_exact))
    check([s["id"] for s in body["items"]] == ids[40:60], "page 3 holds other items")

    # A page longer than the limit counts at least the page.
    body = page(jd, per_page=200)
    check(len(body["items"]) == min(n, 200) and body["total"] == min(n, 200)
          and body["total_exact"] is (n <= 200),
          "per_page 200: %d items, total %r exact %r (n %d)"
          % (len(body["items"]), body["total"], body["total_exact"], n))

    # Paging until an empty page gives every item once, in order.
    seen, p = [], 1
    while p < 100:
        body = page(jd, page=p, per_page=30)
        if not body["items"]:
            break
        seen += [s["id"] for s in body["items"]]
        p += 1
    check(seen == ids, "paging through gave %d items, the table has %d" % (len(seen), n))


def test_list_total_exact_below_the_limit():
    a = accounts()
    jd = a["jiande"]
    title = "限额计数标题 " + tag()
    s = create(jd, fields=wi_fields(title=title))
    body = page(jd, q=title)
    check(body["total"] == 1 and body["total_exact"] is True
          and [x["id"] for x in body["items"]] == [s["id"]],
          "a filter matching one item: %r" % {k: v for k, v in body.items() if k != "items"})
    # The other lists of items carry the flag too.
    for path in ("/api/messages", "/api/reviews/queue"):
        body = expect_json(a["hangzhou"].get(path), 200, path)
        check(isinstance(body["total_exact"], bool) and isinstance(body["total"], int),
              "%s: total %r total_exact %r" % (path, body.get("total"), body.get("total_exact")))
        if body["total_exact"]:
            check(body["total"] >= len(body["items"]), "%s: total below the page" % path)
        else:
            check(body["total"] == LIMIT, "%s: a capped total %r, want %d" % (path, body["total"], LIMIT))
