/* yujing — /api/stats and the information list export (导出信息清单).
 *
 * Every figure comes from stat_records (core/stats.c: what counts, in
 * which year) or its counters stat_totals, joined with the points as they
 * are now: only formal points (正式) count.  The drill-down lists the
 * records a count details number counts; `yujing stats verify` and the
 * tests hold the counters equal to them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "export.h"
#include "facts_db.h"
#include "handlers.h"
#include "stats.h"
#include "stats_charts.h"
#include "validate.h"
#include "worker.h"

/* The most rows one page of count details or scores may hold: all the
 * points of a province in one request. */
#define STATS_PAGE_MAX 20000

/*
 * ?year=&city=&point= and the caller's scope: a city user sees its city, a
 * point user its point, whatever they ask.  city must name a city of the
 * province.  0, or -1 with the error answered.
 */
int
stats_scope(struct req *r, int *year, const char **city, long long *point)
{
	static const char city_sql[] = "SELECT 1 FROM regions WHERE code = ? AND level = 'city'";
	struct db_res	 res;
	int		 rc;

	if (validate_query_year(r, year) == -1 ||
	    validate_query_id(r, "point", "预警点编号", point) == -1)
		return -1;
	*city = http_query(r, "city");
	if (*city != NULL && **city == '\0')
		*city = NULL;
	if (*city != NULL) {
		if ((rc = db_query(&r->w->db, &res, city_sql, "s", *city)) != DB_OK) {
			app_db_error(r, rc);
			return -1;
		}
		rc = (int)res.nrows;
		db_res_free(&res);
		if (rc == 0) {
			http_error(r, ERR_INVALID, "所属地市须为浙江省地市的六位行政区划代码，如 330100（杭州市）",
			    "city");
			return -1;
		}
	}
	if (r->user.role == ROLE_CITY)
		*city = r->user.city;
	else if (r->user.role == ROLE_POINT)
		*point = r->user.point_id;
	return 0;
}

/* ---- GET /api/stats/summary ------------------------------------------- */

void
h_stats_summary(struct req *r)
{
	static const char metrics_sql[] =
	    "SELECT s.metric, SUM(s.n) FROM points p JOIN stat_totals s "
	    "ON s.year = ? AND s.point_id = p.id "
	    "WHERE p.status = '正式' AND (? IS NULL OR p.city = ?) AND (? IS NULL OR p.id = ?) "
	    "GROUP BY s.metric";
	static const char points_sql[] =
	    "SELECT COUNT(*), (SELECT COUNT(*) FROM point_enterprises e JOIN points q "
	    " ON q.id = e.point_id WHERE e.deleted_at IS NULL AND q.status = '正式' "
	    " AND (? IS NULL OR q.city = ?) AND (? IS NULL OR q.id = ?)) "
	    "FROM points p WHERE p.status = '正式' AND (? IS NULL OR p.city = ?) "
	    "AND (? IS NULL OR p.id = ?)";
	/* Notices issued in the year; in a city's or a point's view, those
	 * that reached one of its points. */
	static const char notices_sql[] =
	    "SELECT COUNT(*) FROM submissions n WHERE n.type = 'notice' AND n.state = 'approved' "
	    "AND n.first_submitted_at >= ? AND n.first_submitted_at < ? "
	    "AND (? IS NULL AND ? IS NULL OR EXISTS (SELECT 1 FROM messages m "
	    " JOIN points p ON p.id = m.point_id WHERE m.submission_id = n.id AND m.kind = 'notice' "
	    " AND (? IS NULL OR p.city = ?) AND (? IS NULL OR p.id = ?)))";
	struct db_res	 res;
	const char	*city;
	long long	 point, *pp, counts[METRIC_N] = { 0 }, points, enterprises, notices;
	char		 from[24], to[24];
	size_t		 i;
	int		 year, rc, m;

	if (stats_scope(r, &year, &city, &point) == -1)
		return;
	pp = point ? &point : NULL;
	if ((rc = db_query(&r->w->db, &res, metrics_sql, "issII", (long long)year, city, city,
	    pp, pp)) != DB_OK)
		goto dberr;
	for (i = 0; i < res.nrows; i++)
		if ((m = stats_metric(db_res_str(&res, i, 0))) >= 0)
			counts[m] = db_res_int(&res, i, 1);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, points_sql, "ssIIssII", city, city, pp, pp,
	    city, city, pp, pp)) != DB_OK)
		goto dberr;
	points = db_res_int(&res, 0, 0);
	enterprises = db_res_int(&res, 0, 1);
	db_res_free(&res);
	snprintf(from, sizeof(from), "%04d-01-01 00:00:00", year);
	snprintf(to, sizeof(to), "%04d-01-01 00:00:00", year + 1);
	if ((rc = db_query(&r->w->db, &res, notices_sql, "sssIssII", from, to, city, pp,
	    city, city, pp, pp)) != DB_OK)
		goto dberr;
	notices = db_res_int(&res, 0, 0);
	db_res_free(&res);
	http_json(r, 200, json_pack("{s:i, s:s?, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "year", year, "city", city, "point_id", point ? json_integer(point) : json_null(),
	    "warning_info", (json_int_t)counts[M_WARNING_INFO],
	    "notices", (json_int_t)notices,
	    "quarterly_analysis", (json_int_t)counts[M_QUARTERLY_ANALYSIS],
	    "annual_summary", (json_int_t)counts[M_ANNUAL_SUMMARY],
	    "magazine_accepted", (json_int_t)(counts[M_QUARTERLY_MAGAZINE] + counts[M_WARNING_MAGAZINE]),
	    "subsite_posts", (json_int_t)(counts[M_SUBSITE_INFO] + counts[M_SUBSITE_NEWS] +
	    counts[M_SUBSITE_POLICY]),
	    "points", (json_int_t)points, "enterprises", (json_int_t)enterprises));
	return;
dberr:
	app_db_error(r, rc);
}

/* ---- GET /api/stats/charts (the dashboard's charts) ------------------ */

void
h_stats_charts(struct req *r)
{
	const char	*city;
	long long	 point;
	json_t		*out;
	int		 year, rc;

	if (stats_scope(r, &year, &city, &point) == -1)
		return;
	if ((rc = stats_charts(&r->w->db, year, city, point, &out)) != DB_OK) {
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
	struct facts	*f = NULL;
	size_t		 n = 0, i;
	const char	*city;
	long long	 point, page, per_page, total;
	json_t		*items;
	int		 year, rc;

	if (stats_scope(r, &year, &city, &point) == -1 ||
	    validate_paging_max(r, &page, &per_page, STATS_PAGE_MAX) == -1)
		return;
	if ((rc = facts_load(&r->w->db, year, city, point, true, FACTS_COUNTS, per_page,
	    (page - 1) * per_page, &f, &n, &total)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, counts_json(&f[i], json_pack("{s:I, s:s, s:s, s:s, s:i}",
		    "point_id", (json_int_t)f[i].point_id, "point_name", f[i].point_name,
		    "city", f[i].city, "city_name", f[i].city_name, "year", year)));
	facts_free(f, n);
	http_list(r, items, total, page, per_page);
}

/* ---- GET /api/stats/points/{id}/records (the drill-down) -------------- */

void
h_stats_records(struct req *r)
{
	static const char point_sql[] =
	    "SELECT p.id, p.name, p.city, p.status FROM points p WHERE p.id = ?";
	static const char count_sql[] =
	    "SELECT COUNT(*) FROM stat_records WHERE year = ? AND point_id = ? AND metric = ?";
	/* 录用时间: when it went to the work-exchange column, was adopted, or
	 * was accepted by the magazine (accepted_at outlives a revert, which
	 * takes the item off the magazine: only an accepted item has one). */
	static const char rows_sql[] =
	    "SELECT s.id, s.type, s.title, r.at, "
	    "CASE r.metric WHEN 'work_exchange' THEN s.decided_at "
	    " WHEN 'internal_adopted' THEN s.adopted_at "
	    " ELSE IF(s.magazine = 'accepted', s.accepted_at, NULL) END "
	    "FROM stat_records r JOIN submissions s ON s.id = r.submission_id "
	    "WHERE r.year = ? AND r.point_id = ? AND r.metric = ? "
	    "ORDER BY r.at, r.submission_id LIMIT ? OFFSET ?";
	struct db_res	 p, res;
	const char	*metric = http_query(r, "metric");
	long long	 id = r->params[0], page, per_page, total;
	json_t		*items;
	size_t		 i;
	int		 year, rc, m;

	if (validate_query_year(r, &year) == -1 || validate_paging(r, &page, &per_page) == -1)
		return;
	if (metric == NULL || *metric == '\0' || (m = stats_metric(metric)) < 0) {
		http_error(r, ERR_INVALID, "请指定统计项（metric）：warning_info、annual_summary、"
		    "quarterly_analysis、internal_adopted、quarterly_magazine、warning_magazine、"
		    "subsite_info、subsite_news、work_exchange 或 subsite_policy", "metric");
		return;
	}
	if ((rc = db_query(&r->w->db, &p, point_sql, "i", id)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (p.nrows == 0 || !access_point(&r->user, ACCESS_READ, id, db_res_str(&p, 0, 2), false)) {
		db_res_free(&p);
		http_error(r, ERR_NOT_FOUND, "预警点不存在", NULL);
		return;
	}
	if (strcmp(db_res_str(&p, 0, 3), "正式") != 0) {
		db_res_free(&p);
		http_error(r, ERR_NOT_FOUND, "该预警点不是正式预警点，不计入统计", NULL);
		return;
	}
	if ((rc = db_query(&r->w->db, &res, count_sql, "iis", (long long)year, id, metric)) != DB_OK)
		goto dberr;
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, rows_sql, "iisii", (long long)year, id, metric,
	    per_page, (page - 1) * per_page)) != DB_OK)
		goto dberr;
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:o, s:o}",
		    "seq", (json_int_t)((page - 1) * per_page + (long long)i + 1),
		    "id", (json_int_t)db_res_int(&res, i, 0), "type", db_res_str(&res, i, 1),
		    "title", db_res_str(&res, i, 2), "submitted_at", app_time(db_res_str(&res, i, 3)),
		    "accepted_at", app_time(db_res_str(&res, i, 4))));
	db_res_free(&res);
	http_json(r, 200, json_pack("{s:I, s:s, s:i, s:s, s:s, s:o, s:I, s:I, s:I}",
	    "point_id", (json_int_t)id, "point_name", db_res_str(&p, 0, 1), "year", year,
	    "metric", metric_names[m], "label", metric_labels[m], "items", items,
	    "total", (json_int_t)total, "page", (json_int_t)page, "per_page", (json_int_t)per_page));
	db_res_free(&p);
	return;
dberr:
	db_res_free(&p);
	app_db_error(r, rc);
}

/* ---- GET /api/stats/review-progress (地市审核进度) -------------------- */

void
h_stats_review_progress(struct req *r)
{
	static const char cities_sql[] =
	    "SELECT code, name FROM regions WHERE level = 'city' AND (? IS NULL OR code = ?) "
	    "ORDER BY sort";
	/* Waiting on the city now; decisions the city took in the year. */
	static const char waiting_sql[] =
	    "SELECT city, review_level, COUNT(*), MIN(submitted_at) FROM submissions "
	    "WHERE state = 'submitted' AND (? IS NULL OR city = ?) GROUP BY city, review_level";
	static const char decided_sql[] =
	    "SELECT d.city, d.decision, COUNT(*) FROM decisions d "
	    "WHERE d.level = 'city' AND d.at >= ? AND d.at < ? "
	    "AND d.decision IN ('pass', 'return', 'reject') AND (? IS NULL OR d.city = ?) "
	    "GROUP BY d.city, d.decision";
	struct db_res	 c, w, d;
	const char	*city = NULL, *code, *level, *dec;
	char		 from[24], to[24];
	json_t		*items, *o;
	size_t		 i, j;
	int		 year, rc;
	long long	 t_wait = 0, t_prov = 0, t_pass = 0, t_ret = 0, t_rej = 0;

	if (validate_query_year(r, &year) == -1)
		return;
	if (r->user.role == ROLE_CITY)
		city = r->user.city;
	snprintf(from, sizeof(from), "%04d-01-01 00:00:00", year);
	snprintf(to, sizeof(to), "%04d-01-01 00:00:00", year + 1);
	if ((rc = db_query(&r->w->db, &c, cities_sql, "ss", city, city)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if ((rc = db_query(&r->w->db, &w, waiting_sql, "ss", city, city)) != DB_OK) {
		db_res_free(&c);
		app_db_error(r, rc);
		return;
	}
	if ((rc = db_query(&r->w->db, &d, decided_sql, "ssss", from, to, city, city)) != DB_OK) {
		db_res_free(&c);
		db_res_free(&w);
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < c.nrows; i++) {
		code = db_res_str(&c, i, 0);
		o = json_pack("{s:s, s:s, s:i, s:n, s:i, s:i, s:i, s:i}", "city", code,
		    "city_name", db_res_str(&c, i, 1), "waiting", 0, "oldest_waiting_since",
		    "waiting_province", 0, "passed", 0, "returned", 0, "rejected", 0);
		for (j = 0; j < w.nrows; j++) {
			if (db_res_null(&w, j, 0) || strcmp(db_res_str(&w, j, 0), code) != 0)
				continue;
			level = db_res_str(&w, j, 1);
			if (level != NULL && !strcmp(level, "city")) {
				json_object_set_new(o, "waiting", json_integer(db_res_int(&w, j, 2)));
				json_object_set_new(o, "oldest_waiting_since",
				    app_time(db_res_str(&w, j, 3)));
				t_wait += db_res_int(&w, j, 2);
			} else if (level != NULL && !strcmp(level, "province")) {
				json_object_set_new(o, "waiting_province", json_integer(db_res_int(&w, j, 2)));
				t_prov += db_res_int(&w, j, 2);
			}
		}
		for (j = 0; j < d.nrows; j++) {
			if (db_res_null(&d, j, 0) || strcmp(db_res_str(&d, j, 0), code) != 0)
				continue;
			dec = db_res_str(&d, j, 1);
			if (!strcmp(dec, "pass")) {
				json_object_set_new(o, "passed", json_integer(db_res_int(&d, j, 2)));
				t_pass += db_res_int(&d, j, 2);
			} else if (!strcmp(dec, "return")) {
				json_object_set_new(o, "returned", json_integer(db_res_int(&d, j, 2)));
				t_ret += db_res_int(&d, j, 2);
			} else {
				json_object_set_new(o, "rejected", json_integer(db_res_int(&d, j, 2)));
				t_rej += db_res_int(&d, j, 2);
			}
		}
		json_array_append_new(items, o);
	}
	db_res_free(&c);
	db_res_free(&w);
	db_res_free(&d);
	http_json(r, 200, json_pack("{s:i, s:o, s:{s:I, s:I, s:I, s:I, s:I}}", "year", year,
	    "items", items, "totals", "waiting", (json_int_t)t_wait,
	    "waiting_province", (json_int_t)t_prov, "passed", (json_int_t)t_pass,
	    "returned", (json_int_t)t_ret, "rejected", (json_int_t)t_rej));
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
	struct facts	*f = NULL;
	size_t		 n = 0, i, k, rows = 0, ncells;
	const char	*city;
	long long	 point, total, sub[INFO_NUMS], all[INFO_NUMS], v[INFO_NUMS];
	char		**cells, title[64], name[64], fallback[64];
	unsigned char	*kinds;
	struct xtable	 t;
	int		 year, rc;

	if (stats_scope(r, &year, &city, &point) == -1)
		return;
	if ((rc = facts_load(&r->w->db, year, city, point, true, FACTS_COUNTS | FACTS_ENTERPRISES,
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
