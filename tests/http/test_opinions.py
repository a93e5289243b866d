"""审核意见配置: the preset opinions of rules/review.lua and the province's
edits to the list."""

from client import check, expect_json
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
