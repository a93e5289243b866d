/* yujing — the audit log: every state change, who (user and role), what,
 * when, from where, with the request id. */
#ifndef YJ_AUDIT_H
#define YJ_AUDIT_H

#include <jansson.h>

#include "db.h"
#include "actor.h"
#include "http.h"

/* actor NULL: the command line.  detail is stolen (may be NULL). */
int	 audit_write(struct db *, const struct user *actor, const char *addr,
	    const char *request_id, const char *action, const char *object_type,
	    long long object_id, json_t *detail);
/* The same for a domain actor (a user, or the system as "(system)"). */
int	 audit_actor(struct db *, const struct actor *, const char *action,
	    const char *object_type, long long object_id, json_t *detail);
/* The same for the request's user. */
int	 audit_req(struct req *, const char *action, const char *object_type,
	    long long object_id, json_t *detail);

#endif
