/* yujing — /api/scores: each formal point's score by the year's standard
 * in force, item by item with the reason for each. */
#include <pthread.h>
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
#include "stats_query.h"
#include "validate.h"
#include "worker.h"

/* A standard that fails on a point: 404 when the year has none, else 500
 * with the reason in the log (the standard in force passed its test-run,
 * so this is rare). */
static void
score_error(struct req *r, const struct facts *f, const char *err)
{
	if (strncmp(err, "没有", 6) == 0)
		http_error(r, ERR_NOT_FOUND, err, "year");
	else {
		log_err("rules: scoring point %lld for %d: %s", f->point_id, f->year, err);
		http_error(r, ERR_INTERNAL, "评分标准运行出错，请联系管理员查看日志", NULL);
	}
}

/*
 * Scores point i of the page f[0..n), loaded with FACTS_SCORE: when the
 * standard read the monthly or quarterly numbers, which were not loaded,
 * they are loaded for the whole page and the point is scored again (the
 * points before it did not read them, so their scores stand).  0, or -1
 * with err filled (or a database error answered, err empty).
 */
static int
score_point(struct req *r, struct facts *f, size_t n, size_t i, struct score_result *s,
    char *err, size_t errsz)
{
	int rc;

	facts_months_reset();
	rc = rules_score(&r->w->rules, &f[i], s, err, errsz);
	if (f[i].months_loaded || !facts_months_wanted())
		return rc;
	if (rc == 0)
		score_result_free(s);
	if ((rc = facts_load_months(&r->w->db, f, n)) != DB_OK) {
		app_db_error(r, rc);
		err[0] = '\0';
		return -1;
	}
	return rules_score(&r->w->rules, &f[i], s, err, errsz);
}

/* A number as jansson writes it: an integer without a point. */
static void
put_num(struct buf *b, double v)
{
	if (v == (double)(long long)v)
		buf_int(b, (long long)v);
	else
		buf_printf(b, "%.17g", v);
}

/* A point's score as JSON, written straight into the answer: a list of
 * every point of the province is 16 MB of JSON, and a tree of jansson
 * objects for it took most of the time and 130 MB per request. */
static void
put_score(struct buf *b, const struct facts *f, const struct score_result *s)
{
	size_t i;

	buf_puts(b, "{\"point_id\":");
	buf_int(b, f->point_id);
	buf_puts(b, ",\"point_name\":");
	buf_json_str(b, f->point_name);
	buf_puts(b, ",\"city\":");
	buf_json_str(b, f->city);
	buf_puts(b, ",\"year\":");
	buf_int(b, f->year);
	buf_puts(b, ",\"standard\":");
	buf_json_str(b, s->standard);
	buf_puts(b, ",\"title\":");
	buf_json_str(b, s->title);
	buf_puts(b, ",\"total\":");
	put_num(b, s->total);
	buf_puts(b, ",\"max\":");
	put_num(b, s->max);
	buf_puts(b, ",\"items\":[");
	for (i = 0; i < s->n; i++) {
		buf_puts(b, i ? ",{\"key\":" : "{\"key\":");
		buf_json_str(b, s->items[i].key);
		buf_puts(b, ",\"label\":");
		buf_json_str(b, s->items[i].label);
		buf_puts(b, ",\"score\":");
		put_num(b, s->items[i].score);
		buf_puts(b, ",\"max\":");
		put_num(b, s->items[i].max);
		buf_puts(b, ",\"reason\":");
		buf_json_str(b, s->items[i].reason);
		buf_puts(b, "}");
	}
	buf_puts(b, "]}");
}

/*
 * A run of points scored into JSON by one thread: the worker's own rules,
 * or (rules == NULL) a private set of the same rules loaded by the thread
 * itself.  It never touches the database: when the standard asks for the
 * months, which were not loaded, the run stops and says so.
 */
struct run {
	const struct facts	*f;
	size_t			 from, to;
	struct rules_worker	*rules;
	struct buf		*out;		/* where the JSON goes: dst or own */
	struct buf		 own;
	size_t			 failed;	/* index of a failing point, or to */
	bool			 months;	/* stopped: the months are wanted */
	char			 err[640];
};

static void *
score_run(void *arg)
{
	struct run		*u = arg;
	struct rules_worker	 own = { 0 }, *w = u->rules ? u->rules : &own;
	struct score_result	 s;
	size_t			 i;

	u->failed = u->to;
	for (i = u->from; i < u->to; i++) {
		facts_months_reset();
		if (rules_score(w, &u->f[i], &s, u->err, sizeof(u->err)) == -1) {
			u->failed = i;
			u->months = !u->f[i].months_loaded && facts_months_wanted();
			break;
		}
		if (!u->f[i].months_loaded && facts_months_wanted()) {
			score_result_free(&s);
			u->months = true;
			break;
		}
		if (i > u->from)
			buf_puts(u->out, ",");
		put_score(u->out, &u->f[i], &s);
		score_result_free(&s);
	}
	rules_worker_free(&own);
	return NULL;
}

/* Scores f[0..n) into JSON items in out: in two halves at once for a page
 * of scores_parallel_min points or more (the scores of every point of the
 * province are mostly Lua time, and the other core is idle then), else (or
 * when the standard wants the months) one by one.  0, or -1 with the error
 * answered. */
static int
score_page(struct req *r, struct facts *f, size_t n, struct buf *out)
{
	struct run		 a = { .f = f, .from = 0, .to = n / 2, .rules = &r->w->rules, .out = out };
	struct run		 b = { .f = f, .from = n / 2, .to = n };
	struct score_result	 s;
	pthread_t		 t;
	char			 err[640];
	size_t			 i, start = out->len;
	int			 min = r->w->cfg->scores_parallel_min;

	b.out = &b.own;
	if (min > 0 && n >= (size_t)min && n >= 2 && pthread_create(&t, NULL, score_run, &b) == 0) {
		score_run(&a);
		pthread_join(t, NULL);
		if (!a.months && !b.months && a.failed == a.to && b.failed == b.to) {
			if (b.own.len > 0)
				buf_puts(out, ",");
			buf_add(out, b.own.data, b.own.len);
			buf_free(&b.own);
			return 0;
		}
		buf_free(&b.own);
		if (out->data != NULL) {
			out->len = start;	/* a's items go */
			out->data[start] = '\0';
		}
		if (!a.months && !b.months) {
			struct run *bad = a.failed < a.to ? &a : &b;

			score_error(r, &f[bad->failed], bad->err);
			return -1;
		}
		/* The standard reads the months: one by one from here. */
	}
	for (i = 0; i < n; i++) {
		if (score_point(r, f, n, i, &s, err, sizeof(err)) == -1) {
			if (err[0] != '\0')
				score_error(r, &f[i], err);
			return -1;
		}
		if (i > 0)
			buf_puts(out, ",");
		put_score(out, &f[i], &s);
		score_result_free(&s);
	}
	return 0;
}

void
h_scores_list(struct req *r)
{
	long long	 page, per_page, total;
	int		 rc;
	struct stats_scope s;
	struct facts	*f = NULL;
	size_t		 n = 0;

	if (stats_scope(r, &s) == -1 ||
	    validate_paging_max(r, &page, &per_page, 20000) == -1)
		return;
	rc = facts_load(&r->w->db, s.year, stats_scope_city(&s), s.point, true, FACTS_SCORE, per_page,
	    (page - 1) * per_page, &f, &n, &total);
	if (rc != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	buf_reset(&r->out);
	buf_puts(&r->out, "{\"items\":[");
	if (score_page(r, f, n, &r->out) == -1) {
		facts_free(f, n);
		return;
	}
	facts_free(f, n);
	buf_printf(&r->out, "],\"total\":%lld,\"page\":%lld,\"per_page\":%lld}", total, page,
	    per_page);
	r->status = 200;
	r->out_type = NULL;
}

void
h_scores_get(struct req *r)
{
	int		 year, rc;
	struct facts	*f = NULL;
	size_t		 n = 0;
	long long	 total;

	if (validate_query_year(r, &year) == -1)
		return;
	if (!rules_has_standard(&r->w->rules, year)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "没有 %d 年或更早年度的评分标准", year);
		http_error(r, ERR_NOT_FOUND, msg, "year");
		return;
	}
	rc = facts_load(&r->w->db, year, NULL, r->params[0], false, FACTS_SCORE, 1, 0, &f, &n, &total);
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
	buf_reset(&r->out);
	rc = score_page(r, f, n, &r->out);
	facts_free(f, n);
	if (rc == 0) {
		r->status = 200;
		r->out_type = NULL;
	}
}
