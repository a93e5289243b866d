/* yujing — what the statistics count, kept in stat_records (see stats.h). */
#include "stats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "lifecycle.h"
#include "plugins.h"

/* Rows of table submissions in its one column list (lifecycle.h). */
#define ROW_COLS SUB_COLS
enum { R_ID = SUB_ID, R_TYPE = SUB_TYPE, R_POINT = SUB_POINT, R_STATE = SUB_STATE,
	R_YEAR = SUB_YEAR, R_QUARTER = SUB_QUARTER, R_FIRST = SUB_FIRST_AT, R_WE = SUB_OPT_WE,
	R_INT = SUB_OPT_INT, R_MAG = SUB_MAGAZINE, R_ADOPTED = SUB_ADOPTED, R_FIELDS = SUB_FIELDS };

static const char ins_sql[] =
    "INSERT INTO stat_records (submission_id, metric, point_id, year, month, quarter, at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";

/* One row of stat_records. */
struct srec {
	long long	 id;
	int		 metric;
	long long	 point;
	int		 year, month, quarter;
	char		 at[20];
};

int
stats_metric(const char *name)
{
	return name != NULL ? metric_find(name, strlen(name)) : -1;
}

static bool
has_field(const struct yj_report_type *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return true;
	return false;
}

static bool
conditional(const struct yj_report_type *t)
{
	size_t i;

	for (i = 0; t->metrics != NULL && t->metrics[i] != NULL; i++)
		if (strchr(t->metrics[i], ':') != NULL)
			return true;
	return false;
}

/* The metric's own definition, beyond "completed and the type feeds it". */
static bool
meets(int m, const struct stats_item *it)
{
	switch (m) {
	case M_INTERNAL_ADOPTED:
		return it->internal && it->adopted;
	case M_QUARTERLY_MAGAZINE:
	case M_WARNING_MAGAZINE:
		return it->magazine != NULL && !strcmp(it->magazine, "accepted");
	case M_WORK_EXCHANGE:
		return it->work_exchange;
	default:
		return true;
	}
}

size_t
stats_counts(const struct stats_item *it, struct stats_count out[METRIC_N])
{
	const struct yj_report_type	*t = it->type;
	const char			*at = it->first_submitted_at;
	int				 fy, fm, year, month, quarter, m;
	size_t				 n = 0;

	if (t == NULL || it->point_id == 0 || it->state == NULL ||
	    strcmp(it->state, "approved") != 0 || at == NULL || strlen(at) < 19)
		return 0;
	fy = atoi(at);
	fm = atoi(at + 5);
	year = has_field(t, "year") && it->year != 0 ? (int)it->year : fy;
	/* A declared year's item filed in another year sits at the nearer end
	 * of its year (a 4th-quarter analysis filed in January: December). */
	month = fy == year ? fm : fy < year ? 1 : 12;
	quarter = has_field(t, "quarter") && it->quarter != 0 ? (int)it->quarter : (month - 1) / 3 + 1;
	if (quarter < 1 || quarter > 4)
		quarter = (month - 1) / 3 + 1;
	for (m = 0; m < METRIC_N; m++) {
		if (!plugins_feeds(t, metric_names[m], it->fields) || !meets(m, it))
			continue;
		out[n].metric = m;
		out[n].year = year;
		out[n].month = month;
		out[n].quarter = quarter;
		n++;
	}
	return n;
}

/* The rows submission i of r counts in now, in metric order: 0, or 1 when
 * its report type is not loaded (its rows are left as they are). */
static int
compute(const struct db_res *r, size_t i, struct srec out[METRIC_N], size_t *n)
{
	struct stats_item	 it;
	struct stats_count	 c[METRIC_N];
	json_t			*fields = NULL;
	size_t			 k;

	*n = 0;
	memset(&it, 0, sizeof(it));
	if ((it.type = plugins_type(db_res_str(r, i, R_TYPE))) == NULL)
		return 1;
	if (conditional(it.type))
		fields = json_loads(db_res_str(r, i, R_FIELDS), 0, NULL);
	it.point_id = db_res_null(r, i, R_POINT) ? 0 : db_res_int(r, i, R_POINT);
	it.state = db_res_str(r, i, R_STATE);
	it.first_submitted_at = db_res_str(r, i, R_FIRST);
	it.year = db_res_null(r, i, R_YEAR) ? 0 : db_res_int(r, i, R_YEAR);
	it.quarter = db_res_null(r, i, R_QUARTER) ? 0 : db_res_int(r, i, R_QUARTER);
	it.work_exchange = db_res_int(r, i, R_WE) != 0;
	it.internal = db_res_int(r, i, R_INT) != 0;
	it.adopted = !db_res_null(r, i, R_ADOPTED) && db_res_int(r, i, R_ADOPTED) == 1;
	it.magazine = db_res_str(r, i, R_MAG);
	it.fields = fields;
	*n = stats_counts(&it, c);
	for (k = 0; k < *n; k++) {
		out[k].id = db_res_int(r, i, R_ID);
		out[k].metric = c[k].metric;
		out[k].point = it.point_id;
		out[k].year = c[k].year;
		out[k].month = c[k].month;
		out[k].quarter = c[k].quarter;
		snprintf(out[k].at, sizeof(out[k].at), "%.19s", it.first_submitted_at);
	}
	json_decref(fields);
	return 0;
}

static int
insert(struct db *db, const struct srec *s)
{
	int rc;

	rc = db_exec(db, ins_sql, "isiiiis", s->id, metric_names[s->metric], s->point,
	    (long long)s->year, (long long)s->month, (long long)s->quarter, s->at);
	return rc < 0 ? rc : DB_OK;
}

/* --- stat_totals: +1/-1 per row of stat_records --------------------------- */

#define TOTAL_COLS 17	/* n, m1..m12, q1..q4 */

struct tdelta {
	int		 year;
	long long	 point;
	int		 metric;
	long long	 d[TOTAL_COLS];
};

struct tdeltas {
	struct tdelta	 v[2 * METRIC_N];
	size_t		 n;
};

static void
delta_add(struct tdeltas *t, const struct srec *s, int sign)
{
	struct tdelta	*e = NULL;
	size_t		 i;

	for (i = 0; i < t->n && e == NULL; i++)
		if (t->v[i].year == s->year && t->v[i].point == s->point && t->v[i].metric == s->metric)
			e = &t->v[i];
	if (e == NULL) {
		if (t->n == sizeof(t->v) / sizeof(t->v[0]))
			abort();
		e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		e->year = s->year;
		e->point = s->point;
		e->metric = s->metric;
	}
	e->d[0] += sign;
	if (s->month >= 1 && s->month <= 12)
		e->d[s->month] += sign;
	if (s->quarter >= 1 && s->quarter <= 4)
		e->d[12 + s->quarter] += sign;
}

static int
cmp_delta(const void *a, const void *b)
{
	const struct tdelta *x = a, *y = b;

	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	if (x->point != y->point)
		return x->point < y->point ? -1 : 1;
	return strcmp(metric_names[x->metric], metric_names[y->metric]);
}

/* Applies the changes in key order (two transactions touching the same
 * counters take their locks in the same order). */
static int
delta_apply(struct db *db, struct tdeltas *t)
{
	static const char sql[] =
	    "INSERT INTO stat_totals (year, point_id, metric, n, m1, m2, m3, m4, m5, m6, m7, m8, "
	    "m9, m10, m11, m12, q1, q2, q3, q4) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE n = n + VALUES(n), m1 = m1 + VALUES(m1), m2 = m2 + VALUES(m2), "
	    "m3 = m3 + VALUES(m3), m4 = m4 + VALUES(m4), m5 = m5 + VALUES(m5), "
	    "m6 = m6 + VALUES(m6), m7 = m7 + VALUES(m7), m8 = m8 + VALUES(m8), "
	    "m9 = m9 + VALUES(m9), m10 = m10 + VALUES(m10), m11 = m11 + VALUES(m11), "
	    "m12 = m12 + VALUES(m12), q1 = q1 + VALUES(q1), q2 = q2 + VALUES(q2), "
	    "q3 = q3 + VALUES(q3), q4 = q4 + VALUES(q4)";
	struct tdelta	*e;
	size_t		 i, k;
	int		 rc;

	qsort(t->v, t->n, sizeof(t->v[0]), cmp_delta);
	for (i = 0; i < t->n; i++) {
		e = &t->v[i];
		for (k = 0; k < TOTAL_COLS && e->d[k] == 0; k++)
			;
		if (k == TOTAL_COLS)
			continue;
		rc = db_exec(db, sql, "iisiiiiiiiiiiiiiiiii", (long long)e->year, e->point,
		    metric_names[e->metric], e->d[0], e->d[1], e->d[2], e->d[3], e->d[4], e->d[5],
		    e->d[6], e->d[7], e->d[8], e->d[9], e->d[10], e->d[11], e->d[12], e->d[13],
		    e->d[14], e->d[15], e->d[16]);
		if (rc < 0)
			return rc;
	}
	return DB_OK;
}

/*
 * The item's rows are read with a plain read and changed by primary key.
 * A DELETE by submission_id alone locks the gap next to the item's rows
 * under REPEATABLE READ, even when it finds none; two transactions
 * deciding unrelated items lock the same gap that way, then both insert
 * into it and deadlock (one answers 409).  Deletes and updates by the full
 * key lock only the rows they find.  The plain read sees every committed
 * row of the item: the caller locked the item's submission row before its
 * first plain read, and whoever changed the rows held that lock (the
 * lifecycle FOR UPDATE, stats_rebuild LOCK IN SHARE MODE) until it
 * committed.
 */
int
stats_sync(struct db *db, long long id)
{
	static const char one_sql[] = "SELECT " ROW_COLS " FROM submissions WHERE id = ?";
	static const char have_sql[] =
	    "SELECT metric, point_id, year, month, quarter, at FROM stat_records "
	    "WHERE submission_id = ?";
	static const char del_sql[] = "DELETE FROM stat_records WHERE submission_id = ? AND metric = ?";
	static const char upd_sql[] =
	    "UPDATE stat_records SET point_id = ?, year = ?, month = ?, quarter = ?, at = ? "
	    "WHERE submission_id = ? AND metric = ?";
	struct db_res	 r;
	struct srec	 out[METRIC_N], *s, old;
	struct tdeltas	 t = { .n = 0 };
	bool		 kept[METRIC_N] = { false };
	const char	*metric, *at;
	size_t		 n = 0, i, k;
	int		 rc;

	if ((rc = db_query(db, &r, one_sql, "i", id)) != DB_OK)
		return rc;
	if (r.nrows != 1 || compute(&r, 0, out, &n) == 1) {
		db_res_free(&r);
		return DB_OK;
	}
	db_res_free(&r);
	if ((rc = db_query(db, &r, have_sql, "i", id)) != DB_OK)
		return rc;
	for (i = 0; i < r.nrows; i++) {
		metric = db_res_str(&r, i, 0);
		at = db_res_str(&r, i, 5);
		memset(&old, 0, sizeof(old));
		old.metric = stats_metric(metric);
		old.point = db_res_int(&r, i, 1);
		old.year = (int)db_res_int(&r, i, 2);
		old.month = (int)db_res_int(&r, i, 3);
		old.quarter = (int)db_res_int(&r, i, 4);
		for (k = 0, s = NULL; k < n && s == NULL; k++)
			if (!strcmp(metric_names[out[k].metric], metric))
				s = &out[k];
		if (s == NULL) {
			rc = db_exec(db, del_sql, "is", id, metric);
			if (old.metric >= 0)
				delta_add(&t, &old, -1);
		} else {
			kept[s - out] = true;
			if (old.point == s->point && old.year == s->year && old.month == s->month &&
			    old.quarter == s->quarter && at != NULL && !strncmp(at, s->at, 19))
				continue;
			rc = db_exec(db, upd_sql, "iiiisis", s->point, (long long)s->year,
			    (long long)s->month, (long long)s->quarter, s->at, id, metric);
			delta_add(&t, &old, -1);
			delta_add(&t, s, 1);
		}
		if (rc < 0) {
			db_res_free(&r);
			return rc;
		}
	}
	db_res_free(&r);
	for (k = 0; k < n; k++) {
		if (kept[k])
			continue;
		if ((rc = insert(db, &out[k])) != DB_OK)
			return rc;
		delta_add(&t, &out[k], 1);
	}
	return delta_apply(db, &t);
}

/* --- recount ------------------------------------------------------------ */

#define BATCH 5000

/* rebuild locks what it recounts against a concurrent change; verify reads
 * one snapshot (a locking read would see past it). */
static const char lock_sql[] =
    "SELECT " ROW_COLS " FROM submissions WHERE id > ? AND id <= ? ORDER BY id LOCK IN SHARE MODE";
static const char read_sql[] =
    "SELECT " ROW_COLS " FROM submissions WHERE id > ? AND id <= ? ORDER BY id";
static const char max_sql[] = "SELECT COALESCE(MAX(id), 0) FROM submissions";

/* The recount of the submissions in (lo, hi], sorted like the table's
 * primary key (id, metric name). */
static int
cmp_srec(const void *a, const void *b)
{
	const struct srec *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(metric_names[x->metric], metric_names[y->metric]);
}

struct recount {
	struct srec	*v;
	size_t		 n, cap;
	long long	*unknown;	/* ids of items whose type is not loaded */
	size_t		 nunknown;
	size_t		 rows;		/* submissions read */
};

static int
recount(struct db *db, const char *sql, long long lo, long long hi, struct recount *rc_out)
{
	struct db_res	 r;
	struct srec	 out[METRIC_N];
	size_t		 i, n;
	int		 rc;

	rc_out->n = rc_out->nunknown = rc_out->rows = 0;
	if ((rc = db_query(db, &r, sql, "ii", lo, hi)) != DB_OK)
		return rc;
	rc_out->rows = r.nrows;
	for (i = 0; i < r.nrows; i++) {
		if (compute(&r, i, out, &n) == 1) {
			if ((rc_out->unknown = realloc(rc_out->unknown,
			    (rc_out->nunknown + 1) * sizeof(long long))) == NULL)
				abort();
			rc_out->unknown[rc_out->nunknown++] = db_res_int(&r, i, R_ID);
			continue;
		}
		if (rc_out->n + n > rc_out->cap) {
			rc_out->cap = (rc_out->n + n) * 2 + 64;
			if ((rc_out->v = realloc(rc_out->v, rc_out->cap * sizeof(struct srec))) == NULL)
				abort();
		}
		if (n == 0)
			continue;
		memcpy(rc_out->v + rc_out->n, out, n * sizeof(struct srec));
		rc_out->n += n;
	}
	db_res_free(&r);
	if (rc_out->n > 1)
		qsort(rc_out->v, rc_out->n, sizeof(struct srec), cmp_srec);
	return DB_OK;
}

static bool
is_unknown(const struct recount *c, long long id)
{
	size_t i;

	for (i = 0; i < c->nunknown; i++)
		if (c->unknown[i] == id)
			return true;
	return false;
}

/* stat_totals recounted from stat_records, grouped as the table is. */
#define TOTALS_OF_RECORDS \
	"COUNT(*), SUM(month = 1), SUM(month = 2), SUM(month = 3), SUM(month = 4), " \
	"SUM(month = 5), SUM(month = 6), SUM(month = 7), SUM(month = 8), SUM(month = 9), " \
	"SUM(month = 10), SUM(month = 11), SUM(month = 12), SUM(quarter = 1), " \
	"SUM(quarter = 2), SUM(quarter = 3), SUM(quarter = 4)"
#define TOTALS_COLS \
	"n, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, q1, q2, q3, q4"

static const char years_sql[] =
    "SELECT year FROM stat_records GROUP BY year UNION SELECT year FROM stat_totals GROUP BY year "
    "ORDER BY 1";

/* Each year's counters from its records, in one transaction per year: the
 * INSERT … SELECT holds shared locks on the records it reads, so a
 * concurrent change waits and then applies its own +1/-1 on top. */
static int
totals_rebuild(struct db *db, size_t *rows)
{
	static const char del_sql[] = "DELETE FROM stat_totals WHERE year = ?";
	static const char fill_sql[] =
	    "INSERT INTO stat_totals (year, point_id, metric, " TOTALS_COLS ") "
	    "SELECT year, point_id, metric, " TOTALS_OF_RECORDS " FROM stat_records "
	    "WHERE year = ? GROUP BY year, point_id, metric";
	struct db_res	 y;
	size_t		 i;
	int		 rc;

	*rows = 0;
	if ((rc = db_query(db, &y, years_sql, "")) != DB_OK)
		return rc;
	for (i = 0; i < y.nrows; i++) {
		if ((rc = db_begin(db)) != DB_OK)
			break;
		if ((rc = db_exec(db, del_sql, "i", db_res_int(&y, i, 0))) < 0 ||
		    (rc = db_exec(db, fill_sql, "i", db_res_int(&y, i, 0))) < 0) {
			db_rollback(db);
			break;
		}
		*rows += (size_t)rc;
		if ((rc = db_commit(db)) != DB_OK)
			break;
	}
	db_res_free(&y);
	return rc < 0 ? rc : DB_OK;
}

/* Compares stat_totals with a recount of stat_records, year by year, in
 * the caller's snapshot; the number of differences. */
static size_t
totals_verify(struct db *db, FILE *out, size_t *rows, int *rcp)
{
	static const char want_sql[] =
	    "SELECT point_id, metric, " TOTALS_OF_RECORDS " FROM stat_records WHERE year = ? "
	    "GROUP BY point_id, metric ORDER BY point_id, metric";
	static const char have_sql[] =
	    "SELECT point_id, metric, " TOTALS_COLS " FROM stat_totals WHERE year = ? "
	    "AND (n <> 0 OR m1 <> 0 OR m2 <> 0 OR m3 <> 0 OR m4 <> 0 OR m5 <> 0 OR m6 <> 0 "
	    "OR m7 <> 0 OR m8 <> 0 OR m9 <> 0 OR m10 <> 0 OR m11 <> 0 OR m12 <> 0 "
	    "OR q1 <> 0 OR q2 <> 0 OR q3 <> 0 OR q4 <> 0) ORDER BY point_id, metric";
	struct db_res	 y, w, h;
	size_t		 i, a, b, diffs = 0;
	long long	 year;
	int		 d, k;

	*rows = 0;
	if ((*rcp = db_query(db, &y, years_sql, "")) != DB_OK)
		return 0;
	for (i = 0; i < y.nrows; i++) {
		year = db_res_int(&y, i, 0);
		if ((*rcp = db_query(db, &w, want_sql, "i", year)) != DB_OK)
			break;
		if ((*rcp = db_query(db, &h, have_sql, "i", year)) != DB_OK) {
			db_res_free(&w);
			break;
		}
		for (a = b = 0; a < w.nrows || b < h.nrows;) {
			if (a >= w.nrows)
				d = 1;
			else if (b >= h.nrows)
				d = -1;
			else if (db_res_int(&w, a, 0) != db_res_int(&h, b, 0))
				d = db_res_int(&w, a, 0) < db_res_int(&h, b, 0) ? -1 : 1;
			else
				d = strcmp(db_res_str(&w, a, 1), db_res_str(&h, b, 1));
			if (d == 0) {
				for (k = 2; k < 2 + TOTAL_COLS; k++)
					if (db_res_int(&w, a, (size_t)k) != db_res_int(&h, b, (size_t)k))
						break;
				if (k < 2 + TOTAL_COLS && diffs++ < 20)
					fprintf(out, "  stat_totals %lld point %lld %s: stored n=%lld, "
					    "recount n=%lld (column %d differs)\n", year,
					    db_res_int(&h, b, 0), db_res_str(&h, b, 1), db_res_int(&h, b, 2),
					    db_res_int(&w, a, 2), k - 2);
				(*rows)++;
				a++;
				b++;
			} else if (d < 0) {
				if (diffs++ < 20)
					fprintf(out, "  stat_totals %lld point %lld %s: missing, recount n=%lld\n",
					    year, db_res_int(&w, a, 0), db_res_str(&w, a, 1), db_res_int(&w, a, 2));
				a++;
			} else {
				if (diffs++ < 20)
					fprintf(out, "  stat_totals %lld point %lld %s: extra, stored n=%lld\n",
					    year, db_res_int(&h, b, 0), db_res_str(&h, b, 1), db_res_int(&h, b, 2));
				b++;
			}
		}
		db_res_free(&w);
		db_res_free(&h);
	}
	db_res_free(&y);
	return diffs;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A progress line on stderr for a long rebuild: at most one a second,
 * and the last batch's always. */
static void
progress(const struct timespec *t0, double *last, bool final, long long at, long long max,
    size_t subs)
{
	double	 s = seconds_since(t0);

	if (!final && s - *last < 1.0)
		return;
	*last = s;
	fprintf(stderr, "stats rebuild: %3.0f%% of stat_records (submission id %lld of %lld, "
	    "%zu submissions, %.1f s)\n", max > 0 ? 100.0 * (double)at / (double)max : 100.0,
	    at, max, subs, s);
}

int
stats_rebuild(struct db *db, FILE *out)
{
	static const char del_range[] =
	    "DELETE FROM stat_records WHERE submission_id > ? AND submission_id <= ?";
	static const char del_one[] = "DELETE FROM stat_records WHERE submission_id = ?";
	struct recount	 c = { 0 };
	struct db_res	 r;
	long long	 max, lo, id, prev;
	size_t		 i, subs = 0, rows = 0, skipped = 0, trows = 0;
	struct timespec	 t0;
	double		 last = 0;
	int		 rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = db_query(db, &r, max_sql, "")) != DB_OK)
		goto err;
	max = db_res_int(&r, 0, 0);
	db_res_free(&r);
	for (lo = 0; lo < max; lo += BATCH) {
		if ((rc = db_begin(db)) != DB_OK || (rc = recount(db, lock_sql, lo, lo + BATCH, &c)) != DB_OK)
			goto err_tx;
		if (c.nunknown == 0) {
			if ((rc = db_exec(db, del_range, "ii", lo, lo + BATCH)) < 0)
				goto err_tx;
		} else {
			/* Keep the rows of items whose plugin is not loaded. */
			for (i = 0, prev = 0; i < c.n; i++) {
				if ((id = c.v[i].id) == prev)
					continue;
				if ((rc = db_exec(db, del_one, "i", id)) < 0)
					goto err_tx;
				prev = id;
			}
			skipped += c.nunknown;
		}
		for (i = 0; i < c.n; i++)
			if ((rc = insert(db, &c.v[i])) != DB_OK)
				goto err_tx;
		if ((rc = db_commit(db)) != DB_OK)
			goto err_tx;
		subs += c.rows;
		rows += c.n;
		progress(&t0, &last, lo + BATCH >= max, lo + BATCH < max ? lo + BATCH : max, max, subs);
	}
	if ((rc = totals_rebuild(db, &trows)) != DB_OK)
		goto err;
	fprintf(stderr, "stats rebuild: stat_totals rebuilt (%.1f s in all)\n", seconds_since(&t0));
	fprintf(out, "stat_records rebuilt: %zu submissions, %zu rows", subs, rows);
	if (skipped > 0)
		fprintf(out, ", %zu items of report types not loaded kept as they were", skipped);
	fprintf(out, "; stat_totals: %zu rows\n", trows);
	free(c.v);
	free(c.unknown);
	return 0;
err_tx:
	db_rollback(db);
err:
	fprintf(out, "yujing stats rebuild: %s (%s)\n", db_strerror(rc), db->last_error);
	free(c.v);
	free(c.unknown);
	return 2;
}

static void
show(FILE *out, const char *what, const struct srec *s)
{
	fprintf(out, "  %s: submission %lld %s point %lld year %d month %d quarter %d at %s\n",
	    what, s->id, metric_names[s->metric], s->point, s->year, s->month, s->quarter, s->at);
}

int
stats_verify(struct db *db, FILE *out)
{
	static const char have_sql[] =
	    "SELECT submission_id, metric, point_id, year, month, quarter, at FROM stat_records "
	    "WHERE submission_id > ? AND submission_id <= ? ORDER BY submission_id, metric";
	struct recount	 c = { 0 };
	struct db_res	 r, h;
	struct srec	 t;
	long long	 max, lo;
	size_t		 i, j, subs = 0, rows = 0, diffs = 0, skipped = 0, tdiffs, trows;
	int		 rc, d, m;

	/* One snapshot for the whole comparison. */
	if ((rc = db_begin(db)) != DB_OK)
		goto err;
	if ((rc = db_query(db, &r, max_sql, "")) != DB_OK)
		goto err_tx;
	max = db_res_int(&r, 0, 0);
	db_res_free(&r);
	for (lo = 0; lo < max; lo += BATCH) {
		if ((rc = recount(db, read_sql, lo, lo + BATCH, &c)) != DB_OK ||
		    (rc = db_query(db, &h, have_sql, "ii", lo, lo + BATCH)) != DB_OK)
			goto err_tx;
		subs += c.rows;
		skipped += c.nunknown;
		for (i = j = 0; i < c.n || j < h.nrows;) {
			if (j < h.nrows) {
				memset(&t, 0, sizeof(t));
				t.id = db_res_int(&h, j, 0);
				m = stats_metric(db_res_str(&h, j, 1));
				t.point = db_res_int(&h, j, 2);
				t.year = (int)db_res_int(&h, j, 3);
				t.month = (int)db_res_int(&h, j, 4);
				t.quarter = (int)db_res_int(&h, j, 5);
				snprintf(t.at, sizeof(t.at), "%.19s", db_res_str(&h, j, 6));
				if (m < 0) {
					if (diffs++ < 20)
						fprintf(out, "  unknown metric \"%s\" on submission %lld\n",
						    db_res_str(&h, j, 1), t.id);
					j++;
					continue;
				}
				t.metric = m;
				if (is_unknown(&c, t.id)) {
					j++;
					continue;
				}
			}
			if (j >= h.nrows)
				d = -1;
			else if (i >= c.n)
				d = 1;
			else
				d = cmp_srec(&c.v[i], &t);
			if (d < 0) {
				if (diffs++ < 20)
					show(out, "missing", &c.v[i]);
				i++;
			} else if (d > 0) {
				if (diffs++ < 20)
					show(out, "extra", &t);
				j++;
			} else {
				if (c.v[i].point != t.point || c.v[i].year != t.year ||
				    c.v[i].month != t.month || c.v[i].quarter != t.quarter ||
				    strcmp(c.v[i].at, t.at) != 0) {
					if (diffs++ < 20) {
						show(out, "stored", &t);
						show(out, "recount", &c.v[i]);
					}
				}
				rows++;
				i++;
				j++;
			}
		}
		db_res_free(&h);
	}
	tdiffs = totals_verify(db, out, &trows, &rc);
	if (rc != DB_OK)
		goto err_tx;
	db_rollback(db);
	fprintf(out, "stat_records %s a recount of %zu submissions: %zu rows agree, %zu differences",
	    diffs ? "DIFFER from" : "equal", subs, rows, diffs);
	if (skipped > 0)
		fprintf(out, " (%zu items of report types not loaded not checked)", skipped);
	fprintf(out, "\nstat_totals %s a recount of stat_records: %zu rows agree, %zu differences\n",
	    tdiffs ? "DIFFER from" : "equal", trows, tdiffs);
	diffs += tdiffs;
	free(c.v);
	free(c.unknown);
	return diffs ? 1 : 0;
err_tx:
	db_rollback(db);
err:
	fprintf(out, "yujing stats verify: %s (%s)\n", db_strerror(rc), db->last_error);
	free(c.v);
	free(c.unknown);
	return 2;
}

int
stats_rebuild_if_empty(struct db *db, FILE *out)
{
	static const char sql[] =
	    "SELECT EXISTS (SELECT 1 FROM stat_records), EXISTS (SELECT 1 FROM submissions), "
	    "EXISTS (SELECT 1 FROM stat_totals)";
	struct db_res	 r;
	size_t		 rows;
	int		 rc, records, submissions, totals;

	if ((rc = db_query(db, &r, sql, "")) != DB_OK) {
		fprintf(out, "yujing migrate: %s (%s)\n", db_strerror(rc), db->last_error);
		return 2;
	}
	records = db_res_int(&r, 0, 0) != 0;
	submissions = db_res_int(&r, 0, 1) != 0;
	totals = db_res_int(&r, 0, 2) != 0;
	db_res_free(&r);
	if (!records && submissions)
		return stats_rebuild(db, out);
	if (records && !totals) {
		if ((rc = totals_rebuild(db, &rows)) != DB_OK) {
			fprintf(out, "yujing migrate: %s (%s)\n", db_strerror(rc), db->last_error);
			return 2;
		}
		fprintf(out, "stat_totals filled from stat_records: %zu rows\n", rows);
	}
	return 0;
}
