/* yujing — GET /api/report-types: the report types the plugins provide,
 * with their fields, who may submit them, the statistics they feed, and
 * whether the caller may submit each. */
#include "app.h"
#include "handlers.h"
#include "plugins.h"

void
h_report_types(struct req *r)
{
	const struct yj_report_type	*t;
	json_t				*items = json_array(), *o;
	size_t				 i;

	for (i = 0; i < plugins_ntypes(); i++) {
		t = plugins_type_at(i);
		o = plugins_type_json(t);
		json_object_set_new(o, "can_submit", json_boolean(plugins_may_submit(t, r->user.role)));
		json_array_append_new(items, o);
	}
	http_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total",
	    (json_int_t)json_array_size(items)));
}
