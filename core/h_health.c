/* yujing — GET /api/health: is the database reachable.  No login. */
#include "app.h"
#include "db.h"
#include "handlers.h"
#include "rules.h"
#include "worker.h"

void
h_health(struct req *r)
{
	const char	*rules = rules_problem();
	bool		 db_ok = db_ping(&r->w->db) == DB_OK;

	if (db_ok && rules == NULL) {
		http_json(r, 200, json_pack("{s:s, s:s, s:s}",
		    "status", "ok", "db", "ok", "rules", "ok"));
		return;
	}
	http_json(r, 503, json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}",
	    "status", "unavailable", "db", db_ok ? "ok" : "unavailable",
	    "rules", rules == NULL ? "ok" : "error",
	    "error", "code", "unavailable", "message",
	    !db_ok ? "数据库暂时不可用，请稍后重试" : rules));
}
