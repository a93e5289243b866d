/* yujing — request dispatch: route, authentication, CSRF, role, body,
 * handler; and helpers handlers share. */
#ifndef YJ_APP_H
#define YJ_APP_H

#include "http.h"
#include "router.h"

extern const struct route app_routes[];
extern const size_t app_nroutes;

/* Runs the request through the route table; req->status is set after. */
void	 app_dispatch(struct req *);
/* Answers a database failure: 503 when unavailable, 409 on a deadlock
 * (retry), 500 otherwise. */
void	 app_db_error(struct req *, int rc);
/* Answers a domain outcome that is not OUT_OK with the envelope: 404,
 * 403, 409, 400 (invalid / bad_request) with its field and message, 503,
 * 500, or the db error as app_db_error. */
struct outcome;
struct actor;
/* The request's user as a domain actor (its address and request id). */
struct actor app_actor(const struct req *);
void	 app_outcome(struct req *, const struct outcome *);
int	 app_outcome_status(const struct outcome *);
/* The envelope's "error" object of an outcome (for per-item answers). */
json_t	*app_outcome_json(const struct outcome *);
/* "2019-05-09T10:24:45+08:00" from MariaDB's "2019-05-09 10:24:45". */
json_t	*app_time(const char *dbtime);
/* Answers a table as a download: .xlsx (xlsx) or CSV with a BOM, named
 * name + extension (Chinese) with ascii + extension as the fallback. */
struct xtable;
void	 app_export(struct req *, const struct xtable *, bool xlsx, const char *name,
	    const char *ascii);

#endif
