/* yujing — /api/dicts/…: the dictionaries (dicts.h): regions, countries
 * with trade groupings, industries, measure types. */
#include <string.h>

#include "app.h"
#include "dicts.h"
#include "handlers.h"
#include "outcome.h"
#include "worker.h"

/* Answers {"items", "total"}, or the outcome when rc is -1. */
static void
answer(struct req *r, int rc, json_t *items, const struct outcome *o)
{
	if (rc != 0) {
		app_outcome(r, o);
		return;
	}
	http_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total",
	    (json_int_t)json_array_size(items)));
}

void
h_dicts_industries(struct req *r)
{
	struct outcome	 o;
	json_t		*items;
	int		 rc = dicts_industries(&r->w->db, &items, &o);

	answer(r, rc, items, &o);
}

void
h_dicts_measure_types(struct req *r)
{
	struct outcome	 o;
	json_t		*items;
	int		 rc = dicts_measure_types(&r->w->db, &items, &o);

	answer(r, rc, items, &o);
}

void
h_dicts_countries(struct req *r)
{
	struct outcome	 o;
	json_t		*items;
	const char	*kind = http_query(r, "kind");
	int		 rc;

	if (kind != NULL && *kind == '\0')
		kind = NULL;
	rc = dicts_countries(&r->w->db, kind, &items, &o);

	answer(r, rc, items, &o);
}

void
h_dicts_regions(struct req *r)
{
	struct outcome	 o;
	json_t		*items;
	int		 rc = dicts_regions(&r->w->db, &items, &o);

	answer(r, rc, items, &o);
}
