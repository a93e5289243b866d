/* yujing — /api/rules: what is in force, and a preview of a candidate
 * standard that activates nothing. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "facts_db.h"
#include "handlers.h"
#include "rules.h"
#include "validate.h"
#include "worker.h"

void
h_rules_list(struct req *r)
{
	json_t *items = rules_status_json();

	http_json(r, 200, json_pack("{s:o, s:I}", "items", items,
	    "total", (json_int_t)json_array_size(items)));
}

/* 5 rather than 5.0: scores are whole numbers unless a standard says not. */
static json_t *
num(double v)
{
	if (v == (double)(long long)v)
		return json_integer((long long)v);
	return json_real(v);
}

static json_t *
result_json(const struct score_result *s)
{
	json_t	*items = json_array();
	size_t	 i;

	for (i = 0; i < s->n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:o, s:o, s:s}",
		    "key", s->items[i].key, "label", s->items[i].label,
		    "score", num(s->items[i].score), "max", num(s->items[i].max),
		    "reason", s->items[i].reason));
	return items;
}

void
h_rules_preview(struct req *r)
{
	static const struct vfield fields[] = {
		{ "year", "年度", VT_INT, VF_REQUIRED, 2000, 2100, NULL },
		{ "source", "评分标准脚本", VT_STRING, VF_REQUIRED | VF_RAW, 1, 256 * 1024, NULL },
	};
	struct vval		 v[2];
	struct rules_candidate	 cand;
	struct score_result	 s, cur;
	struct facts		*f = NULL;
	size_t			 n = 0, i;
	long long		 page, per_page, total;
	char			 err[640], name[32];
	const char		*city;
	json_t			*items, *row;
	int			 rc;

	if (validate_object(r, r->json, fields, 2, v) == -1 ||
	    validate_paging(r, &page, &per_page) == -1)
		return;
	city = http_query(r, "city");
	if (city != NULL && *city == '\0')
		city = NULL;
	snprintf(name, sizeof(name), "preview/%lld.lua", v[0].i);
	if (rules_candidate_open(&cand, name, v[1].s, strlen(v[1].s), err, sizeof(err)) == -1) {
		http_error(r, ERR_INVALID, err, "source");
		return;
	}
	if ((rc = facts_load(&r->w->db, (int)v[0].i, city, 0, true, FACTS_ALL, per_page,
	    (page - 1) * per_page, &f, &n, &total)) != DB_OK) {
		rules_candidate_close(&cand);
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++) {
		if (rules_candidate_score(&cand, &f[i], &s, err, sizeof(err)) == -1) {
			char msg[1024];

			snprintf(msg, sizeof(msg), "为“%s”评分时出错：%s", f[i].point_name, err);
			json_decref(items);
			facts_free(f, n);
			rules_candidate_close(&cand);
			http_error(r, ERR_INVALID, msg, "source");
			return;
		}
		row = json_pack("{s:I, s:s, s:s, s:o, s:o}", "point_id", (json_int_t)f[i].point_id,
		    "point_name", f[i].point_name, "city", f[i].city, "total", num(s.total),
		    "items", result_json(&s));
		/* The standard in force, for comparison (null when none). */
		if (rules_score(&r->w->rules, &f[i], &cur, err, sizeof(err)) == 0) {
			json_object_set_new(row, "current_total", num(cur.total));
			json_object_set_new(row, "current_standard", json_string(cur.standard));
			json_object_set_new(row, "current_items", result_json(&cur));
			score_result_free(&cur);
		} else {
			json_object_set_new(row, "current_total", json_null());
			json_object_set_new(row, "current_items", json_array());
		}
		score_result_free(&s);
		json_array_append_new(items, row);
	}
	facts_free(f, n);
	rules_candidate_close(&cand);
	http_json(r, 200, json_pack("{s:I, s:o, s:I, s:I, s:I}", "year", (json_int_t)v[0].i,
	    "items", items, "total", (json_int_t)total, "page", (json_int_t)page,
	    "per_page", (json_int_t)per_page));
}
