/* yujing — the statistics as the API shows them (see stats_query.h). */
#include "stats_query.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "facts.h"
#include "stats.h"

int
stats_scope_resolve(struct db *db, const struct actor *a, int year, const char *city,
    long long point, struct stats_scope *s, struct outcome *o)
{
	static const char city_sql[] = "SELECT 1 FROM regions WHERE code = ? AND level = 'city'";
	struct db_res	 res;
	int		 rc;

	memset(o, 0, sizeof(*o));
	memset(s, 0, sizeof(*s));
	s->year = year;
	s->point = point;
	if (city != NULL && *city == '\0')
		city = NULL;
	if (city != NULL) {
		if ((rc = db_query(db, &res, city_sql, "s", city)) != DB_OK)
			return outcome_db(o, rc);
		rc = (int)res.nrows;
		db_res_free(&res);
		if (rc == 0)
			return outcome_set(o, OUT_INVALID, "city",
			    "所属地市须为浙江省地市的六位行政区划代码，如 330100（杭州市）");
		snprintf(s->city, sizeof(s->city), "%s", city);
		s->has_city = true;
	}
	if (a->role == ROLE_CITY) {
		snprintf(s->city, sizeof(s->city), "%s", a->city);
		s->has_city = true;
	} else if (a->role == ROLE_POINT)
		s->point = a->point_id;
	return 0;
}

int
stats_summary(struct db *db, const struct stats_scope *s, json_t **out, struct outcome *o)
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
	const char	*city = stats_scope_city(s);
	long long	 point = s->point, *pp, counts[METRIC_N] = { 0 }, points, enterprises, notices;
	char		 from[24], to[24];
	size_t		 i;
	int		 year = s->year, rc, m;

	memset(o, 0, sizeof(*o));
	*out = NULL;
	pp = point ? &point : NULL;
	if ((rc = db_query(db, &res, metrics_sql, "issII", (long long)year, city, city,
	    pp, pp)) != DB_OK)
		return outcome_db(o, rc);
	for (i = 0; i < res.nrows; i++)
		if ((m = stats_metric(db_res_str(&res, i, 0))) >= 0)
			counts[m] = db_res_int(&res, i, 1);
	db_res_free(&res);
	if ((rc = db_query(db, &res, points_sql, "ssIIssII", city, city, pp, pp,
	    city, city, pp, pp)) != DB_OK)
		return outcome_db(o, rc);
	points = db_res_int(&res, 0, 0);
	enterprises = db_res_int(&res, 0, 1);
	db_res_free(&res);
	snprintf(from, sizeof(from), "%04d-01-01 00:00:00", year);
	snprintf(to, sizeof(to), "%04d-01-01 00:00:00", year + 1);
	if ((rc = db_query(db, &res, notices_sql, "sssIssII", from, to, city, pp,
	    city, city, pp, pp)) != DB_OK)
		return outcome_db(o, rc);
	notices = db_res_int(&res, 0, 0);
	db_res_free(&res);
	*out = json_pack("{s:i, s:s?, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "year", year, "city", city, "point_id", point ? json_integer(point) : json_null(),
	    "warning_info", (json_int_t)counts[M_WARNING_INFO],
	    "notices", (json_int_t)notices,
	    "quarterly_analysis", (json_int_t)counts[M_QUARTERLY_ANALYSIS],
	    "annual_summary", (json_int_t)counts[M_ANNUAL_SUMMARY],
	    "magazine_accepted", (json_int_t)(counts[M_QUARTERLY_MAGAZINE] + counts[M_WARNING_MAGAZINE]),
	    "subsite_posts", (json_int_t)(counts[M_SUBSITE_INFO] + counts[M_SUBSITE_NEWS] +
	    counts[M_SUBSITE_POLICY]),
	    "points", (json_int_t)points, "enterprises", (json_int_t)enterprises);
	return 0;
}

/* May the actor read point id of city? (access_point, for an actor.) */
static bool
may_read_point(const struct actor *a, long long id, const char *city)
{
	struct user u;

	if (a->kind != ACTOR_USER)
		return false;
	memset(&u, 0, sizeof(u));
	u.id = a->id;
	u.role = a->role;
	u.point_id = a->point_id;
	memcpy(u.city, a->city, sizeof(u.city));
	return access_point(&u, ACCESS_READ, id, city, false);
}

int
stats_point_records(struct db *db, const struct actor *a, long long id, int year, int m,
    long long page, long long per_page, json_t **out, struct outcome *o)
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
	const char	*metric = metric_names[m];
	long long	 total;
	json_t		*items;
	size_t		 i;
	int		 rc;

	memset(o, 0, sizeof(*o));
	*out = NULL;
	if ((rc = db_query(db, &p, point_sql, "i", id)) != DB_OK)
		return outcome_db(o, rc);
	if (p.nrows == 0 || !may_read_point(a, id, db_res_str(&p, 0, 2))) {
		db_res_free(&p);
		return outcome_set(o, OUT_NOT_FOUND, NULL, "预警点不存在");
	}
	if (strcmp(db_res_str(&p, 0, 3), "正式") != 0) {
		db_res_free(&p);
		return outcome_set(o, OUT_NOT_FOUND, NULL, "该预警点不是正式预警点，不计入统计");
	}
	if ((rc = db_query(db, &res, count_sql, "iis", (long long)year, id, metric)) != DB_OK)
		goto dberr;
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(db, &res, rows_sql, "iisii", (long long)year, id, metric,
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
	*out = json_pack("{s:I, s:s, s:i, s:s, s:s, s:o, s:I, s:I, s:I}",
	    "point_id", (json_int_t)id, "point_name", db_res_str(&p, 0, 1), "year", year,
	    "metric", metric_names[m], "label", metric_labels[m], "items", items,
	    "total", (json_int_t)total, "page", (json_int_t)page, "per_page", (json_int_t)per_page);
	db_res_free(&p);
	return 0;
dberr:
	db_res_free(&p);
	return outcome_db(o, rc);
}

int
stats_review_progress(struct db *db, const struct actor *a, int year, json_t **out,
    struct outcome *o)
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
	json_t		*items, *it;
	size_t		 i, j;
	int		 rc;
	long long	 t_wait = 0, t_prov = 0, t_pass = 0, t_ret = 0, t_rej = 0;

	memset(o, 0, sizeof(*o));
	*out = NULL;
	if (a->role == ROLE_CITY)
		city = a->city;
	snprintf(from, sizeof(from), "%04d-01-01 00:00:00", year);
	snprintf(to, sizeof(to), "%04d-01-01 00:00:00", year + 1);
	if ((rc = db_query(db, &c, cities_sql, "ss", city, city)) != DB_OK)
		return outcome_db(o, rc);
	if ((rc = db_query(db, &w, waiting_sql, "ss", city, city)) != DB_OK) {
		db_res_free(&c);
		return outcome_db(o, rc);
	}
	if ((rc = db_query(db, &d, decided_sql, "ssss", from, to, city, city)) != DB_OK) {
		db_res_free(&c);
		db_res_free(&w);
		return outcome_db(o, rc);
	}
	items = json_array();
	for (i = 0; i < c.nrows; i++) {
		code = db_res_str(&c, i, 0);
		it = json_pack("{s:s, s:s, s:i, s:n, s:i, s:i, s:i, s:i}", "city", code,
		    "city_name", db_res_str(&c, i, 1), "waiting", 0, "oldest_waiting_since",
		    "waiting_province", 0, "passed", 0, "returned", 0, "rejected", 0);
		for (j = 0; j < w.nrows; j++) {
			if (db_res_null(&w, j, 0) || strcmp(db_res_str(&w, j, 0), code) != 0)
				continue;
			level = db_res_str(&w, j, 1);
			if (level != NULL && !strcmp(level, "city")) {
				json_object_set_new(it, "waiting", json_integer(db_res_int(&w, j, 2)));
				json_object_set_new(it, "oldest_waiting_since",
				    app_time(db_res_str(&w, j, 3)));
				t_wait += db_res_int(&w, j, 2);
			} else if (level != NULL && !strcmp(level, "province")) {
				json_object_set_new(it, "waiting_province", json_integer(db_res_int(&w, j, 2)));
				t_prov += db_res_int(&w, j, 2);
			}
		}
		for (j = 0; j < d.nrows; j++) {
			if (db_res_null(&d, j, 0) || strcmp(db_res_str(&d, j, 0), code) != 0)
				continue;
			dec = db_res_str(&d, j, 1);
			if (!strcmp(dec, "pass")) {
				json_object_set_new(it, "passed", json_integer(db_res_int(&d, j, 2)));
				t_pass += db_res_int(&d, j, 2);
			} else if (!strcmp(dec, "return")) {
				json_object_set_new(it, "returned", json_integer(db_res_int(&d, j, 2)));
				t_ret += db_res_int(&d, j, 2);
			} else {
				json_object_set_new(it, "rejected", json_integer(db_res_int(&d, j, 2)));
				t_rej += db_res_int(&d, j, 2);
			}
		}
		json_array_append_new(items, it);
	}
	db_res_free(&c);
	db_res_free(&w);
	db_res_free(&d);
	*out = json_pack("{s:i, s:o, s:{s:I, s:I, s:I, s:I, s:I}}", "year", year,
	    "items", items, "totals", "waiting", (json_int_t)t_wait,
	    "waiting_province", (json_int_t)t_prov, "passed", (json_int_t)t_pass,
	    "returned", (json_int_t)t_ret, "rejected", (json_int_t)t_rej);
	return 0;
}
