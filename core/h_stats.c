/* yujing — /api/stats and the information list export (导出信息清单).
 *
 * Every figure comes from stat_records (core/stats.c: what counts, in
 * which year) or its counters stat_totals, joined with the points as they
 * are now: only formal points (正式) count (core/stats_query.c: the
 * summary, the drill-down, the review progress, whose figures one sees).  The drill-down lists the
 * records a count details number counts; `yujing stats verify` and the
 * tests hold the counters equal to them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor.h"
#include "app.h"
#include "export.h"
#include "facts_db.h"
#include "handlers.h"
#include "outcome.h"
#include "stats.h"
#include "stats_charts.h"
#include "stats_query.h"
#include "validate.h"
#include "worker.h"

/* The most rows one page of count details or scores may hold: all the
 * points of a province in one request. */
#define STATS_PAGE_MAX 20000

/* ?year=&city=&point= read and handed to stats_scope_resolve. */
int
stats_scope(struct req *r, struct stats_scope *s)
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;
	long long	 point;
	int		 year;

	if (validate_query_year(r, &year) == -1 ||
	    validate_query_id(r, "point", "预警点编号", &point) == -1)
		return -1;
	if (stats_scope_resolve(&r->w->db, &actor, year, http_query(r, "city"), point, s, &o) != 0) {
		app_outcome(r, &o);
		return -1;
	}
	return 0;
}

/* ---- GET /api/stats/summary ------------------------------------------- */

void
h_stats_summary(struct req *r)
{
	struct stats_scope	 s;
	struct outcome		 o;
	json_t			*out;

	if (stats_scope(r, &s) == -1)
		return;
	if (stats_summary(&r->w->db, &s, &out, &o) != 0) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

/* ---- GET /api/stats/charts (the dashboard's charts) ------------------ */

void
h_stats_charts(struct req *r)
{
	struct stats_scope	 s;
	json_t			*out;
	int			 rc;

	if (stats_scope(r, &s) == -1)
		return;
	if ((rc = stats_charts(&r->w->db, s.year, stats_scope_city(&s), s.point, &out)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	http_json(r, 200, out);
}

/* ---- GET /api/stats/points (条数详情) --------------------------------- */

static json_t *
counts_json(const struct facts *f, json_t *o)
{
	int m;

	for (m = 0; m < METRIC_N; m++)
		json_object_set_new(o, metric_names[m], json_integer(f->counts[m]));
	return o;
}

void
h_stats_points(struct req *r)
{
	struct stats_scope s;
	struct facts	*f = NULL;
	size_t		 n = 0, i;
	long long	 page, per_page, total;
	json_t		*items;
	int		 rc;

	if (stats_scope(r, &s) == -1 ||
	    validate_paging_max(r, &page, &per_page, STATS_PAGE_MAX) == -1)
		return;
	if ((rc = facts_load(&r->w->db, s.year, stats_scope_city(&s), s.point, true, FACTS_COUNTS, per_page,
	    (page - 1) * per_page, &f, &n, &total)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, counts_json(&f[i], json_pack("{s:I, s:s, s:s, s:s, s:i}",
		    "point_id", (json_int_t)f[i].point_id, "point_name", f[i].point_name,
		    "city", f[i].city, "city_name", f[i].city_name, "year", s.year)));
	facts_free(f, n);
	http_list(r, items, total, page, per_page);
}

/* ---- GET /api/stats/points/{id}/records (the drill-down) -------------- */

void
h_stats_records(struct req *r)
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;
	const char	*metric = http_query(r, "metric");
	long long	 page, per_page;
	json_t		*out;
	int		 year, m;

	if (validate_query_year(r, &year) == -1 || validate_paging(r, &page, &per_page) == -1)
		return;
	if (metric == NULL || *metric == '\0' || (m = stats_metric(metric)) < 0) {
		http_error(r, ERR_INVALID, "请指定统计项（metric）：warning_info、annual_summary、"
		    "quarterly_analysis、internal_adopted、quarterly_magazine、warning_magazine、"
		    "subsite_info、subsite_news、work_exchange 或 subsite_policy", "metric");
		return;
	}
	if (stats_point_records(&r->w->db, &actor, r->params[0], year, m, page, per_page,
	    &out, &o) != 0) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

/* ---- GET /api/stats/review-progress (地市审核进度) -------------------- */

void
h_stats_review_progress(struct req *r)
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;
	json_t		*out;
	int		 year;

	if (validate_query_year(r, &year) == -1)
		return;
	if (stats_review_progress(&r->w->db, &actor, year, &out, &o) != 0) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

/* ---- GET /api/exports/info-list.xlsx|.csv (导出信息清单) --------------- */

static const char *const info_headers[] = {
	"所属地市", "预警点名称", "信息上报-总数", "信息上报-外网录用", "信息上报-杂志录用",
	"信息上报-内部交流", "子网站信息发布-预警信息", "子网站信息发布-工作动态",
	"季度形势分析", "年度工作总结", "绑定企业数",
};
#define INFO_COLS (sizeof(info_headers) / sizeof(info_headers[0]))
#define INFO_NUMS (INFO_COLS - 2)
static const bool info_numeric[INFO_COLS] = {
	false, false, true, true, true, true, true, true, true, true, true,
};
/* The figures of a row, in column order. */
static const int info_metric[INFO_NUMS - 1] = {
	M_WARNING_INFO, M_WORK_EXCHANGE, M_WARNING_MAGAZINE, M_INTERNAL_ADOPTED,
	M_SUBSITE_INFO, M_SUBSITE_NEWS, M_QUARTERLY_ANALYSIS, M_ANNUAL_SUMMARY,
};

static int
by_city(const void *a, const void *b)
{
	const struct facts *x = a, *y = b;
	int c = strcmp(x->city, y->city);

	if (c != 0)
		return c;
	return x->point_id < y->point_id ? -1 : x->point_id > y->point_id;
}

static void
figures(const struct facts *f, long long v[INFO_NUMS])
{
	size_t k;

	for (k = 0; k < INFO_NUMS - 1; k++)
		v[k] = f->counts[info_metric[k]];
	v[INFO_NUMS - 1] = f->enterprises;
}

/* Appends a row: two texts, then the figures as numbers. */
static void
add_row(char **cells, unsigned char *kinds, size_t *row, const char *a, const char *b,
    const long long v[INFO_NUMS], unsigned char kind)
{
	size_t k, at = *row * INFO_COLS;

	if ((cells[at] = strdup(a)) == NULL || (cells[at + 1] = strdup(b)) == NULL)
		abort();
	for (k = 0; k < INFO_NUMS; k++)
		if (asprintf(&cells[at + 2 + k], "%lld", v[k]) < 0)
			abort();
	kinds[*row] = kind;
	(*row)++;
}

static void
info_list(struct req *r, bool xlsx)
{
	struct stats_scope s;
	struct facts	*f = NULL;
	size_t		 n = 0, i, k, rows = 0, ncells;
	long long	 total, sub[INFO_NUMS], all[INFO_NUMS], v[INFO_NUMS];
	char		**cells, title[64], name[64], fallback[64];
	unsigned char	*kinds;
	struct xtable	 t;
	int		 year, rc;

	if (stats_scope(r, &s) == -1)
		return;
	year = s.year;
	if ((rc = facts_load(&r->w->db, year, stats_scope_city(&s), s.point, true,
	    FACTS_COUNTS | FACTS_ENTERPRISES,
	    1000000, 0, &f, &n, &total)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	qsort(f, n, sizeof(*f), by_city);
	/* Rows: the points, a subtotal after each city, the total. */
	ncells = (2 * n + 2) * INFO_COLS;
	if ((cells = calloc(ncells, sizeof(*cells))) == NULL ||
	    (kinds = calloc(2 * n + 2, 1)) == NULL)
		abort();
	memset(sub, 0, sizeof(sub));
	memset(all, 0, sizeof(all));
	for (i = 0; i < n; i++) {
		figures(&f[i], v);
		add_row(cells, kinds, &rows, f[i].city_name, f[i].point_name, v, XROW_DATA);
		for (k = 0; k < INFO_NUMS; k++) {
			sub[k] += v[k];
			all[k] += v[k];
		}
		if (i + 1 == n || strcmp(f[i].city, f[i + 1].city) != 0) {
			add_row(cells, kinds, &rows, f[i].city_name, "小计", sub, XROW_SUBTOTAL);
			memset(sub, 0, sizeof(sub));
		}
	}
	add_row(cells, kinds, &rows, "合计", "", all, XROW_TOTAL);
	facts_free(f, n);

	snprintf(title, sizeof(title), "%d年度预警点信息清单", year);
	memset(&t, 0, sizeof(t));
	t.title = title;
	t.ncols = INFO_COLS;
	t.headers = info_headers;
	t.numeric = info_numeric;
	t.nrows = rows;
	t.cells = (const char *const *)cells;
	t.kinds = kinds;
	snprintf(name, sizeof(name), "%d年度信息清单", year);
	snprintf(fallback, sizeof(fallback), "info-list-%d", year);
	app_export(r, &t, xlsx, name, fallback);
	for (i = 0; i < rows * INFO_COLS; i++)
		free(cells[i]);
	free(cells);
	free(kinds);
}

void
h_exports_info_list_xlsx(struct req *r)
{
	info_list(r, true);
}

void
h_exports_info_list_csv(struct req *r)
{
	info_list(r, false);
}
