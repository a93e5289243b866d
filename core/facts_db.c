/* yujing — facts from the database: the point's own data, and what it
 * counts in from stat_records (core/stats.c keeps that table). */
#include "facts_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"
#include "clock.h"

int
facts_months(int year)
{
	struct tm	 tm;

	clock_beijing(&tm);
	if (year < tm.tm_year + 1900)
		return 12;
	if (year == tm.tm_year + 1900)
		return tm.tm_mon + 1;
	return 0;
}

#define POINTS_WHERE \
	" FROM points p JOIN regions r ON r.code = p.city" \
	" WHERE (? IS NULL OR p.city = ?) AND (? IS NULL OR p.id = ?)" \
	" AND (? = 0 OR p.status = '正式')"

/* The facts of a point id in f[0..n), sorted by id; NULL when absent. */
static struct facts *
find(struct facts *f, size_t n, long long id)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (f[mid].point_id == id)
			return &f[mid];
		if (f[mid].point_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The counters of stat_totals (core/stats.c keeps them equal to the
 * records): the totals alone, or with months and quarters. */
static int
load_counts(struct db *db, int year, bool months, long long lo, long long hi, struct facts *f,
    size_t n)
{
	static const char totals_sql[] =
	    "SELECT point_id, metric, n FROM stat_totals WHERE year = ? AND point_id BETWEEN ? AND ?";
	static const char months_sql[] =
	    "SELECT point_id, metric, n, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, "
	    "q1, q2, q3, q4 FROM stat_totals WHERE year = ? AND point_id BETWEEN ? AND ?";
	static const int column_metric[COLUMN_N] = { M_SUBSITE_INFO, M_SUBSITE_NEWS, M_SUBSITE_POLICY };
	struct db_res	 res;
	struct facts	*p;
	size_t		 i;
	int		 rc, m, k, c;

	if ((rc = db_query(db, &res, months ? months_sql : totals_sql, "iii", (long long)year,
	    lo, hi)) != DB_OK)
		return rc;
	for (i = 0; i < n; i++) {
		memset(f[i].counts, 0, sizeof(f[i].counts));
		memset(f[i].monthly, 0, sizeof(f[i].monthly));
		memset(f[i].quarterly, 0, sizeof(f[i].quarterly));
		f[i].months_loaded = months;
	}
	for (i = 0; i < res.nrows; i++) {
		if ((p = find(f, n, db_res_int(&res, i, 0))) == NULL ||
		    (m = stats_metric(db_res_str(&res, i, 1))) < 0)
			continue;
		p->counts[m] += (int)db_res_int(&res, i, 2);
		if (!months)
			continue;
		for (k = 0; k < 12; k++)
			p->monthly[m][k] += (int)db_res_int(&res, i, 3 + (size_t)k);
		for (k = 0; k < 4; k++)
			p->quarterly[m][k] += (int)db_res_int(&res, i, 15 + (size_t)k);
	}
	db_res_free(&res);
	for (i = 0; i < n; i++)
		for (c = 0; c < COLUMN_N; c++)
			f[i].columns[c] = f[i].counts[column_metric[c]] > 0;
	return DB_OK;
}

/* Whether the one-column result r, in ascending order, holds id. */
static bool
sorted_has(const struct db_res *r, long long id)
{
	size_t lo = 0, hi = r->nrows, mid;
	long long v;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((v = db_res_int(r, mid, 0)) == id)
			return true;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int
load_enterprises(struct db *db, long long lo, long long hi, struct facts *f, size_t n)
{
	static const char sql[] =
	    "SELECT point_id, COUNT(*) FROM point_enterprises "
	    "WHERE point_id BETWEEN ? AND ? AND deleted_at IS NULL GROUP BY point_id";
	struct db_res	 res;
	struct facts	*p;
	size_t		 i;
	int		 rc;

	if ((rc = db_query(db, &res, sql, "ii", lo, hi)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++)
		if ((p = find(f, n, db_res_int(&res, i, 0))) != NULL)
			p->enterprises = (int)db_res_int(&res, i, 1);
	db_res_free(&res);
	return DB_OK;
}

static int
load_details(struct db *db, int year, long long lo, long long hi, struct facts *f, size_t n)
{
	/* Completed quarterly analyses declared for the year, or declared for
	 * the year before or after and filed from 1 January to 31 January of
	 * the next year (the standard applies its own period), with their
	 * magazine fate. */
	static const char qa_sql[] =
	    "SELECT point_id, year, quarter, at, submission_id FROM stat_records "
	    "WHERE year = ? AND metric = 'quarterly_analysis' AND point_id BETWEEN ? AND ? "
	    "UNION ALL SELECT point_id, year, quarter, at, submission_id FROM stat_records "
	    "WHERE year IN (?, ?) AND metric = 'quarterly_analysis' AND point_id BETWEEN ? AND ? "
	    "AND at >= ? AND at < ? ORDER BY 1, 4, 5";
	static const char mag_sql[] =
	    "SELECT submission_id FROM stat_records WHERE year IN (?, ?, ?) "
	    "AND metric = 'quarterly_magazine' AND point_id BETWEEN ? AND ? ORDER BY 1";
	/* The first annual summary of the year filed. */
	static const char annual_sql[] =
	    "SELECT point_id, MIN(at) FROM stat_records WHERE year = ? AND metric = 'annual_summary' "
	    "AND point_id BETWEEN ? AND ? GROUP BY point_id";
	/* Adopted internal-exchange items and the leader instructions on them. */
	static const char adopted_sql[] =
	    "SELECT r.point_id, COALESCE(s.adopted_at, s.decided_at, r.at), "
	    "(SELECT COUNT(*) FROM leader_instructions l WHERE l.submission_id = r.submission_id) "
	    "FROM stat_records r JOIN submissions s ON s.id = r.submission_id "
	    "WHERE r.year = ? AND r.metric = 'internal_adopted' AND r.point_id BETWEEN ? AND ? "
	    "ORDER BY r.point_id, r.at, r.submission_id";
	struct db_res	 res, mag;
	struct facts	*p;
	char		 from[24], to[24];
	size_t		 i;
	int		 rc;

	snprintf(from, sizeof(from), "%04d-01-01 00:00:00", year);
	snprintf(to, sizeof(to), "%04d-02-01 00:00:00", year + 1);
	if ((rc = db_query(db, &mag, mag_sql, "iiiii", (long long)year - 1, (long long)year,
	    (long long)year + 1, lo, hi)) != DB_OK)
		return rc;
	if ((rc = db_query(db, &res, qa_sql, "iiiiiiiss", (long long)year, lo, hi,
	    (long long)year - 1, (long long)year + 1, lo, hi, from, to)) != DB_OK) {
		db_res_free(&mag);
		return rc;
	}
	for (i = 0; i < res.nrows; i++) {
		if ((p = find(f, n, db_res_int(&res, i, 0))) == NULL)
			continue;
		if ((p->qa = realloc(p->qa, (p->nqa + 1) * sizeof(*p->qa))) == NULL)
			abort();
		p->qa[p->nqa].year = (int)db_res_int(&res, i, 1);
		p->qa[p->nqa].quarter = (int)db_res_int(&res, i, 2);
		snprintf(p->qa[p->nqa].submitted_at, sizeof(p->qa[p->nqa].submitted_at), "%.19s",
		    db_res_str(&res, i, 3));
		p->qa[p->nqa].magazine_accepted = sorted_has(&mag, db_res_int(&res, i, 4));
		p->nqa++;
	}
	db_res_free(&res);
	db_res_free(&mag);

	if ((rc = db_query(db, &res, annual_sql, "iii", (long long)year, lo, hi)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++)
		if ((p = find(f, n, db_res_int(&res, i, 0))) != NULL)
			snprintf(p->annual_summary_at, sizeof(p->annual_summary_at), "%.19s",
			    db_res_str(&res, i, 1));
	db_res_free(&res);

	if ((rc = db_query(db, &res, adopted_sql, "iii", (long long)year, lo, hi)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		if ((p = find(f, n, db_res_int(&res, i, 0))) == NULL)
			continue;
		if ((p->adopted = realloc(p->adopted, (p->nadopted + 1) * sizeof(*p->adopted))) == NULL)
			abort();
		snprintf(p->adopted[p->nadopted].adopted_at, sizeof(p->adopted[p->nadopted].adopted_at),
		    "%.19s", db_res_str(&res, i, 1));
		p->adopted[p->nadopted].leader_instructions = (int)db_res_int(&res, i, 2);
		p->leader_instructions += (int)db_res_int(&res, i, 2);
		p->nadopted++;
	}
	db_res_free(&res);
	return DB_OK;
}

int
facts_load(struct db *db, int year, const char *city, long long point_id,
    bool formal_only, unsigned what, long long limit, long long offset, struct facts **out,
    size_t *n, long long *total)
{
	static const char count[] = "SELECT COUNT(*)" POINTS_WHERE;
	/* Basic info is complete when every field SPEC §2 lists is filled. */
	static const char rows[] =
	    "SELECT p.id, p.name, p.city, r.name, p.type, p.status, "
	    "(p.host_org <> '' AND COALESCE(p.batch, '') <> '' AND p.industry IS NOT NULL "
	    " AND p.district IS NOT NULL AND p.founded_year IS NOT NULL "
	    " AND COALESCE(p.approval_no, '') <> '' AND COALESCE(p.address, '') <> '' "
	    " AND COALESCE(p.phone, '') <> '' AND COALESCE(p.email, '') <> '')"
	    POINTS_WHERE " ORDER BY p.id LIMIT ? OFFSET ?";
	struct db_res	 res;
	long long	*pp = point_id > 0 ? &point_id : NULL, lo, hi;
	size_t		 i;
	int		 rc;
	struct facts	*f;

	*out = NULL;
	*n = 0;
	if ((rc = db_query(db, &res, count, "ssIIi", city, city, pp, pp, (long long)formal_only)) != DB_OK)
		return rc;
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(db, &res, rows, "ssIIiii", city, city, pp, pp, (long long)formal_only,
	    limit, offset)) != DB_OK)
		return rc;
	if ((*out = calloc(res.nrows ? res.nrows : 1, sizeof(**out))) == NULL)
		abort();
	for (i = 0; i < res.nrows; i++) {
		f = &(*out)[i];
		facts_empty(f, year);
		f->months = facts_months(year);
		f->point_id = db_res_int(&res, i, 0);
		snprintf(f->point_name, sizeof(f->point_name), "%s", db_res_str(&res, i, 1));
		snprintf(f->city, sizeof(f->city), "%s", db_res_str(&res, i, 2));
		snprintf(f->city_name, sizeof(f->city_name), "%s", db_res_str(&res, i, 3));
		snprintf(f->type, sizeof(f->type), "%s", db_res_str(&res, i, 4));
		snprintf(f->status, sizeof(f->status), "%s", db_res_str(&res, i, 5));
		f->basic_info_complete = db_res_int(&res, i, 6) != 0;
	}
	*n = res.nrows;
	db_res_free(&res);
	if (*n == 0)
		return DB_OK;
	/* The page is a run of ids: one range read per kind of fact. */
	lo = (*out)[0].point_id;
	hi = (*out)[*n - 1].point_id;
	if (((what & (FACTS_COUNTS | FACTS_MONTHS)) && (rc = load_counts(db, year,
	    (what & FACTS_MONTHS) != 0, lo, hi, *out, *n)) != DB_OK) ||
	    ((what & FACTS_ENTERPRISES) && (rc = load_enterprises(db, lo, hi, *out, *n)) != DB_OK) ||
	    ((what & FACTS_DETAILS) && (rc = load_details(db, year, lo, hi, *out, *n)) != DB_OK)) {
		facts_free(*out, *n);
		*out = NULL;
		*n = 0;
		return rc;
	}
	return DB_OK;
}

int
facts_load_months(struct db *db, struct facts *f, size_t n)
{
	if (n == 0)
		return DB_OK;
	return load_counts(db, f[0].year, true, f[0].point_id, f[n - 1].point_id, f, n);
}

void
facts_free(struct facts *f, size_t n)
{
	size_t i;

	for (i = 0; f != NULL && i < n; i++) {
		free(f[i].qa);
		free(f[i].adopted);
	}
	free(f);
}
