/* yujing — GET /api/health: is the database reachable, are the rules in
 * force (and is a refused file waiting), is any worker stuck in one
 * request.  No login. */
#include "app.h"
#include "db.h"
#include "handlers.h"
#include "rules.h"
#include "watchdog.h"
#include "worker.h"

void
h_health(struct req *r)
{
	const char	*rules = rules_problem();
	bool		 db_ok = db_ping(&r->w->db) == DB_OK;
	json_t		*stuck = watchdog_stuck_json(), *o;

	if (db_ok && rules == NULL) {
		/* A stuck worker is reported, but the others serve: still 200. */
		/* A refused file waiting on disk is no failure either, but it
		 * says so: policy staff's change is not in force. */
		o = json_pack("{s:s, s:s, s:s, s:s}", "status", "ok", "db", "ok",
		    "rules", rules_refused() ? "refused" : "ok",
		    "workers", json_array_size(stuck) ? "stuck" : "ok");
		if (json_array_size(stuck))
			json_object_set(o, "stuck", stuck);
		json_decref(stuck);
		http_json(r, 200, o);
		return;
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}",
	    "status", "unavailable", "db", db_ok ? "ok" : "unavailable",
	    "rules", rules == NULL ? "ok" : "error",
	    "workers", json_array_size(stuck) ? "stuck" : "ok",
	    "error", "code", "unavailable", "message",
	    !db_ok ? "数据库暂时不可用，请稍后重试" : rules);
	if (json_array_size(stuck))
		json_object_set(o, "stuck", stuck);
	json_decref(stuck);
	http_json(r, 503, o);
}
