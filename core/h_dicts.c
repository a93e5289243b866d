/* yujing — /api/dicts/…: the dictionaries, data in sql/ (GB/T 2260
 * regions, ISO 3166 countries with trade groupings, industries, measure
 * types). */
#include <string.h>

#include "app.h"
#include "handlers.h"
#include "points.h"
#include "worker.h"

static void
answer_list(struct req *r, const struct db_res *res, bool with_kind)
{
	json_t	*items = json_array();
	size_t	 i;

	for (i = 0; i < res->nrows; i++) {
		json_t *o = json_pack("{s:s, s:s}", "code", db_res_str(res, i, 0),
		    "name", db_res_str(res, i, 1));

		if (with_kind)
			json_object_set_new(o, "kind", json_string(db_res_str(res, i, 2)));
		json_array_append_new(items, o);
	}
	http_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)res->nrows));
}

static void
simple(struct req *r, const char *sql, bool with_kind, const char *kind)
{
	struct db_res	 res;
	int		 rc;

	rc = with_kind ? db_query(&r->w->db, &res, sql, "ss", kind, kind) :
	    db_query(&r->w->db, &res, sql, "");
	if (rc != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	answer_list(r, &res, with_kind);
	db_res_free(&res);
}

void
h_dicts_industries(struct req *r)
{
	static const char sql[] = "SELECT code, name FROM industries ORDER BY sort";

	simple(r, sql, false, NULL);
}

void
h_dicts_measure_types(struct req *r)
{
	static const char sql[] = "SELECT code, name FROM measure_types ORDER BY sort";

	simple(r, sql, false, NULL);
}

void
h_dicts_countries(struct req *r)
{
	static const char sql[] =
	    "SELECT code, name, kind FROM countries WHERE (? IS NULL OR kind = ?) "
	    "ORDER BY kind = 'country', sort";
	const char *kind = points_nz(http_query(r, "kind"));

	if (kind && strcmp(kind, "country") && strcmp(kind, "group")) {
		http_error(r, ERR_INVALID, "kind 须为 country（国家和地区）或 group（组织与区域）", "kind");
		return;
	}
	simple(r, sql, true, kind);
}

/* Cities with their districts; abolished districts carry their status so
 * that old records still resolve, and new records can leave them out. */
void
h_dicts_regions(struct req *r)
{
	static const char sql[] =
	    "SELECT c.code, c.name, d.code, d.name, d.status FROM regions c "
	    "LEFT JOIN regions d ON d.city_code = c.code "
	    "WHERE c.level = 'city' ORDER BY c.sort, d.sort";
	struct db_res	 res;
	json_t		*items = json_array(), *city = NULL, *districts = NULL;
	const char	*last = "";
	size_t		 i;
	int		 rc;

	if ((rc = db_query(&r->w->db, &res, sql, "")) != DB_OK) {
		json_decref(items);
		app_db_error(r, rc);
		return;
	}
	for (i = 0; i < res.nrows; i++) {
		if (strcmp(last, db_res_str(&res, i, 0)) != 0) {
			last = db_res_str(&res, i, 0);
			districts = json_array();
			city = json_pack("{s:s, s:s, s:o}", "code", last,
			    "name", db_res_str(&res, i, 1), "districts", districts);
			json_array_append_new(items, city);
		}
		if (!db_res_null(&res, i, 2))
			json_array_append_new(districts, json_pack("{s:s, s:s, s:s}",
			    "code", db_res_str(&res, i, 2), "name", db_res_str(&res, i, 3),
			    "status", db_res_str(&res, i, 4)));
	}
	http_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total",
	    (json_int_t)json_array_size(items)));
	db_res_free(&res);
}
