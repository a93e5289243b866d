/* yujing — GET /api/health: is the database reachable.  No login. */
#include "app.h"
#include "db.h"
#include "handlers.h"
#include "worker.h"

void
h_health(struct req *r)
{
	json_t	*body;
	int	 rc;

	rc = db_ping(&r->w->db);
	if (rc == DB_OK) {
		http_json(r, 200, json_pack("{s:s, s:s, s:s}",
		    "status", "ok", "db", "ok", "rules", "ok"));
		return;
	}
	body = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}}",
	    "status", "unavailable", "db", "unavailable", "rules", "ok",
	    "error", "code", "unavailable", "message", "数据库暂时不可用，请稍后重试");
	http_json(r, 503, body);
}
