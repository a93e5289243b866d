/* yujing — facts from the database.  Submissions do not exist yet (the
 * lifecycle adds them), so the counts are zero; the point's own data
 * (basic info) is real. */
#include "facts_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int
facts_months(int year)
{
	time_t		 t = time(NULL) + 8 * 3600;
	struct tm	 tm;

	gmtime_r(&t, &tm);
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

int
facts_load(struct db *db, int year, const char *city, long long point_id,
    bool formal_only, long long limit, long long offset, struct facts **out, size_t *n,
    long long *total)
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
	long long	*pp = point_id > 0 ? &point_id : NULL;
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
	return DB_OK;
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
