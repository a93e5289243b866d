/* yujing — the figures behind the dashboard's charts: approved warning
 * info (上报信息) of formal points in a year, by month of first submission,
 * by city and by measure type.  They read the same stat_records and
 * stat_totals as the count details, so a chart's bars add up to the
 * dashboard's 上报信息. */
#include <stdio.h>

#include "stats_charts.h"

int
stats_charts(struct db *db, int year, const char *city, long long point, json_t **out)
{
	static const char month_sql[] =
	    "SELECT SUM(s.m1), SUM(s.m2), SUM(s.m3), SUM(s.m4), SUM(s.m5), SUM(s.m6), "
	    "SUM(s.m7), SUM(s.m8), SUM(s.m9), SUM(s.m10), SUM(s.m11), SUM(s.m12) "
	    "FROM stat_totals s JOIN points p ON p.id = s.point_id "
	    "WHERE s.year = ? AND s.metric = 'warning_info' AND p.status = '正式' "
	    "AND (? IS NULL OR p.city = ?) AND (? IS NULL OR p.id = ?)";
	static const char city_sql[] =
	    "SELECT g.code, g.name, COALESCE(SUM(s.n), 0) FROM regions g "
	    "LEFT JOIN points p ON p.city = g.code AND p.status = '正式' AND (? IS NULL OR p.id = ?) "
	    "LEFT JOIN stat_totals s ON s.point_id = p.id AND s.year = ? AND s.metric = 'warning_info' "
	    "WHERE g.level = 'city' AND (? IS NULL OR g.code = ?) "
	    "GROUP BY g.code, g.name, g.sort ORDER BY g.sort";
	static const char measure_sql[] =
	    "SELECT t.code, t.name, COUNT(x.sid) FROM measure_types t LEFT JOIN ("
	    " SELECT JSON_VALUE(s.fields, '$.measure_type') AS code, r.submission_id AS sid "
	    " FROM stat_records r JOIN submissions s ON s.id = r.submission_id "
	    " JOIN points p ON p.id = r.point_id "
	    " WHERE r.year = ? AND r.metric = 'warning_info' AND p.status = '正式' "
	    " AND (? IS NULL OR p.city = ?) AND (? IS NULL OR p.id = ?)) x ON x.code = t.code "
	    "GROUP BY t.code, t.name, t.sort ORDER BY t.sort";
	struct db_res	 res;
	long long	*pp = point ? &point : NULL;
	json_t		*months, *cities, *measures;
	size_t		 i;
	int		 rc;

	*out = NULL;
	if ((rc = db_query(db, &res, month_sql, "issII", (long long)year, city, city, pp, pp)) != DB_OK)
		return rc;
	months = json_array();
	for (i = 0; i < 12; i++)
		json_array_append_new(months, json_pack("{s:I, s:I}", "month", (json_int_t)(i + 1),
		    "count", (json_int_t)(res.nrows && !db_res_null(&res, 0, i) ? db_res_int(&res, 0, i) : 0)));
	db_res_free(&res);
	if ((rc = db_query(db, &res, city_sql, "IIiss", pp, pp, (long long)year, city, city)) != DB_OK) {
		json_decref(months);
		return rc;
	}
	cities = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(cities, json_pack("{s:s, s:s, s:I}", "city", db_res_str(&res, i, 0),
		    "name", db_res_str(&res, i, 1), "count", (json_int_t)db_res_int(&res, i, 2)));
	db_res_free(&res);
	if ((rc = db_query(db, &res, measure_sql, "issII", (long long)year, city, city, pp, pp)) != DB_OK) {
		json_decref(months);
		json_decref(cities);
		return rc;
	}
	measures = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(measures, json_pack("{s:s, s:s, s:I}", "code", db_res_str(&res, i, 0),
		    "name", db_res_str(&res, i, 1), "count", (json_int_t)db_res_int(&res, i, 2)));
	db_res_free(&res);
	*out = json_pack("{s:i, s:s, s:o, s:o, s:o}", "year", year, "metric", "warning_info",
	    "by_month", months, "by_city", cities, "by_measure_type", measures);
	return DB_OK;
}
