/* yujing — the dictionaries (see dicts.h). */
#include "dicts.h"

#include <stdbool.h>
#include <string.h>

static json_t *
code_names(const struct db_res *res, bool with_kind)
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
	return items;
}

static int
simple(struct db *db, const char *sql, bool with_kind, const char *kind, json_t **items,
    struct outcome *o)
{
	struct db_res	 res;
	int		 rc;

	memset(o, 0, sizeof(*o));
	*items = NULL;
	rc = with_kind ? db_query(db, &res, sql, "ss", kind, kind) : db_query(db, &res, sql, "");
	if (rc != DB_OK)
		return outcome_db(o, rc);
	*items = code_names(&res, with_kind);
	db_res_free(&res);
	return 0;
}

int
dicts_industries(struct db *db, json_t **items, struct outcome *o)
{
	static const char sql[] = "SELECT code, name FROM industries ORDER BY sort";

	return simple(db, sql, false, NULL, items, o);
}

int
dicts_measure_types(struct db *db, json_t **items, struct outcome *o)
{
	static const char sql[] = "SELECT code, name FROM measure_types ORDER BY sort";

	return simple(db, sql, false, NULL, items, o);
}

int
dicts_countries(struct db *db, const char *kind, json_t **items, struct outcome *o)
{
	static const char sql[] =
	    "SELECT code, name, kind FROM countries WHERE (? IS NULL OR kind = ?) "
	    "ORDER BY kind = 'country', sort";

	memset(o, 0, sizeof(*o));
	*items = NULL;
	if (kind && strcmp(kind, "country") && strcmp(kind, "group"))
		return outcome_set(o, OUT_INVALID, "kind",
		    "kind 须为 country（国家和地区）或 group（组织与区域）");
	return simple(db, sql, true, kind, items, o);
}

int
dicts_regions(struct db *db, json_t **items, struct outcome *o)
{
	static const char sql[] =
	    "SELECT c.code, c.name, d.code, d.name, d.status FROM regions c "
	    "LEFT JOIN regions d ON d.city_code = c.code "
	    "WHERE c.level = 'city' ORDER BY c.sort, d.sort";
	struct db_res	 res;
	json_t		*city = NULL, *districts = NULL;
	const char	*last = "";
	size_t		 i;
	int		 rc;

	memset(o, 0, sizeof(*o));
	*items = NULL;
	if ((rc = db_query(db, &res, sql, "")) != DB_OK)
		return outcome_db(o, rc);
	*items = json_array();
	for (i = 0; i < res.nrows; i++) {
		if (strcmp(last, db_res_str(&res, i, 0)) != 0) {
			last = db_res_str(&res, i, 0);
			districts = json_array();
			city = json_pack("{s:s, s:s, s:o}", "code", last,
			    "name", db_res_str(&res, i, 1), "districts", districts);
			json_array_append_new(*items, city);
		}
		if (!db_res_null(&res, i, 2))
			json_array_append_new(districts, json_pack("{s:s, s:s, s:s}",
			    "code", db_res_str(&res, i, 2), "name", db_res_str(&res, i, 3),
			    "status", db_res_str(&res, i, 4)));
	}
	db_res_free(&res);
	return 0;
}
