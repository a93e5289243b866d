/* yujing — /api/scores: each formal point's score by the year's standard
 * in force, item by item with the reason for each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access.h"
#include "app.h"
#include "facts_db.h"
#include "handlers.h"
#include "log.h"
#include "rules.h"
#include "validate.h"
#include "worker.h"

static json_t *
num(double v)
{
	if (v == (double)(long long)v)
		return json_integer((long long)v);
	return json_real(v);
}

static json_t *
score_json(const struct facts *f, const struct score_result *s)
{
	json_t	*items = json_array();
	size_t	 i;

	for (i = 0; i < s->n; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:o, s:o, s:s}",
		    "key", s->items[i].key, "label", s->items[i].label,
		    "score", num(s->items[i].score), "max", num(s->items[i].max),
		    "reason", s->items[i].reason));
	return json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:o, s:o}",
	    "point_id", (json_int_t)f->point_id, "point_name", f->point_name,
	    "city", f->city, "year", f->year, "standard", s->standard, "title", s->title,
	    "total", num(s->total), "items", items);
}

/* Scores the loaded facts; on a rule error answers 500 with the reason in
 * the log (the standard in force passed its test-run, so this is rare). */
static json_t *
score_all(struct req *r, struct facts *f, size_t n)
{
	struct score_result	 s;
	char			 err[640];
	json_t			*items = json_array();
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (rules_score(&r->w->rules, &f[i], &s, err, sizeof(err)) == -1) {
			json_decref(items);
			if (strncmp(err, "没有", 6) == 0)
				http_error(r, ERR_NOT_FOUND, err, "year");
			else {
				log_err("rules: scoring point %lld for %d: %s", f[i].point_id, f[i].year, err);
				http_error(r, ERR_INTERNAL, "评分标准运行出错，请联系管理员查看日志", NULL);
			}
			return NULL;
		}
		json_array_append_new(items, score_json(&f[i], &s));
		score_result_free(&s);
	}
	return items;
}

void
h_scores_list(struct req *r)
{
	long long	 page, per_page, total;
	int		 year, rc;
	const char	*city;
	long long	 point;
	struct facts	*f = NULL;
	size_t		 n = 0;
	json_t		*items;

	if (stats_scope(r, &year, &city, &point) == -1 ||
	    validate_paging_max(r, &page, &per_page, 20000) == -1)
		return;
	rc = facts_load(&r->w->db, year, city, point, true, FACTS_ALL, per_page, (page - 1) * per_page,
	    &f, &n, &total);
	if (rc != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = score_all(r, f, n);
	facts_free(f, n);
	if (items == NULL)
		return;
	http_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", items,
	    "total", (json_int_t)total, "page", (json_int_t)page, "per_page", (json_int_t)per_page));
}

void
h_scores_get(struct req *r)
{
	int		 year, rc;
	struct facts	*f = NULL;
	size_t		 n = 0;
	long long	 total;
	json_t		*items;

	if (validate_query_year(r, &year) == -1)
		return;
	if (!rules_has_standard(&r->w->rules, year)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "没有 %d 年或更早年度的评分标准", year);
		http_error(r, ERR_NOT_FOUND, msg, "year");
		return;
	}
	rc = facts_load(&r->w->db, year, NULL, r->params[0], false, FACTS_ALL, 1, 0, &f, &n, &total);
	if (rc != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (n == 0 || !access_point(&r->user, ACCESS_READ, f[0].point_id, f[0].city, false)) {
		/* The same answer for "no such point" and "not yours". */
		facts_free(f, n);
		http_error(r, ERR_NOT_FOUND, "预警点不存在", NULL);
		return;
	}
	items = score_all(r, f, n);
	facts_free(f, n);
	if (items == NULL)
		return;
	http_json(r, 200, json_incref(json_array_get(items, 0)));
	json_decref(items);
}
