/* yujing — audit log writes, inside the caller's transaction. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "worker.h"

int
audit_write(struct db *db, const struct user *actor, const char *addr,
    const char *request_id, const char *action, const char *object_type,
    long long object_id, json_t *detail)
{
	static const char sql[] =
	    "INSERT INTO audit_log (at, user_id, username, role, action, object_type, "
	    "object_id, detail, addr, request_id) "
	    "VALUES (NOW(3), ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	char		*d = NULL;
	long long	 uid = actor && actor->id ? actor->id : 0;
	int		 rc;

	if (detail != NULL) {
		d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(detail);
	}
	rc = db_exec(db, sql, "IssssIsss",
	    uid ? &uid : NULL,
	    actor ? actor->username : "(cli)",
	    actor ? role_name(actor->role) : NULL,
	    action, object_type,
	    object_id ? &object_id : NULL,
	    d, addr, request_id);
	free(d);
	return rc < 0 ? rc : DB_OK;
}

int
audit_actor(struct db *db, const struct actor *a, const char *action,
    const char *object_type, long long object_id, json_t *detail)
{
	struct user u;

	if (a->kind == ACTOR_SYSTEM) {
		memset(&u, 0, sizeof(u));
		snprintf(u.username, sizeof(u.username), "%s", a->username ? a->username : "(system)");
		u.role = a->role;
		return audit_write(db, &u, a->addr, a->request_id, action, object_type,
		    object_id, detail);
	}
	memset(&u, 0, sizeof(u));
	u.id = a->id;
	snprintf(u.username, sizeof(u.username), "%s", a->username ? a->username : "");
	u.role = a->role;
	u.point_id = a->point_id;
	memcpy(u.city, a->city, sizeof(u.city));
	return audit_write(db, &u, a->addr, a->request_id, action, object_type, object_id, detail);
}

int
audit_req(struct req *r, const char *action, const char *object_type,
    long long object_id, json_t *detail)
{
	return audit_write(&r->w->db, r->authed ? &r->user : NULL, r->remote_addr,
	    r->request_id, action, object_type, object_id, detail);
}
