/* yujing — /api/opinions: the preset review opinions (审核意见配置) the
 * province picks from: add, edit, delete, order (opinions.h).  The shipped
 * ones come from rules/review.lua the first time the list is read. */
#include <string.h>

#include "actor.h"
#include "app.h"
#include "handlers.h"
#include "opinions.h"
#include "outcome.h"
#include "validate.h"
#include "worker.h"

void
h_opinions_list(struct req *r)
{
	struct outcome	 o;
	struct actor	 actor = app_actor(r);
	json_t		*items;

	if (opinions_list(&r->w->db, &r->w->rules, &actor, &items, &o) != 0) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total",
	    (json_int_t)json_array_size(items)));
}

static const struct vfield fields[] = {
	{ "text", "意见内容", VT_STRING, VF_REQUIRED, 1, 500, NULL },
	{ "sort", "排序", VT_INT, 0, 0, 1000000, NULL },
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL },
};

static void
answer_one(struct req *r, int status, long long id)
{
	struct outcome	 o;
	struct actor	 actor = app_actor(r);
	json_t		*out;

	if (opinions_get(&r->w->db, &actor, id, &out, &o) != 0) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, status, out);
}

void
h_opinions_create(struct req *r)
{
	struct vval	 v[3];
	struct outcome	 o;
	struct actor	 actor = app_actor(r);
	long long	 id;

	if (validate_object(r, r->json, fields, 3, v) == -1)
		return;
	if (opinions_create(&r->w->db, &r->w->rules, &actor, v[0].s,
	    v[1].present ? &v[1].i : NULL, &id, &o) != 0) {
		app_outcome(r, &o);
		return;
	}
	answer_one(r, 201, id);
}

void
h_opinions_update(struct req *r)
{
	struct vval	 v[3];
	struct outcome	 o;
	struct actor	 actor = app_actor(r);

	if (validate_object(r, r->json, (const struct vfield[]){
	    { "text", "意见内容", VT_STRING, 0, 1, 500, NULL }, fields[1], fields[2] }, 3, v) == -1)
		return;
	if (!v[2].present) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return;
	}
	if (opinions_update(&r->w->db, &actor, r->params[0], v[0].present ? v[0].s : NULL,
	    v[1].present ? &v[1].i : NULL, v[2].i, &o) != 0) {
		app_outcome(r, &o);
		return;
	}
	answer_one(r, 200, r->params[0]);
}

void
h_opinions_delete(struct req *r)
{
	struct outcome	 o;
	struct actor	 actor = app_actor(r);

	if (opinions_delete(&r->w->db, &actor, r->params[0], &o) != 0) {
		app_outcome(r, &o);
		return;
	}
	http_no_content(r);
}
