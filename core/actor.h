/* yujing — who acts on the domain: a signed-in user (over HTTP) or the
 * system (a job, the command line).  Domain functions (lifecycle.h) take
 * an actor, never a request: the same transition serves HTTP, jobs and the
 * command line.
 *
 * A system actor acts in a role's stead (e.g. the province, for a job that
 * decides as the province would); its id is 0, and it is written as the
 * system in the audit log (username "(system)") and the event rows
 * (actor_id and actor_role NULL). */
#ifndef YJ_ACTOR_H
#define YJ_ACTOR_H

#include <stdbool.h>
#include <string.h>

#include "user.h"

enum actor_kind {
	ACTOR_USER,
	ACTOR_SYSTEM,
};

struct actor {
	enum actor_kind	 kind;
	long long	 id;		/* the user's id; 0 for the system */
	const char	*username;
	int		 role;		/* one ROLE_* bit (access.h) */
	long long	 point_id;	/* 0: none */
	char		 city[8];	/* "": none */
	const char	*addr;		/* the client's address, or "cli" */
	const char	*request_id;	/* for the audit log; may be "" */
};

static inline struct actor
actor_user(const struct user *u, const char *addr, const char *request_id)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.kind = ACTOR_USER;
	a.id = u->id;
	a.username = u->username;
	a.role = u->role;
	a.point_id = u->point_id;
	memcpy(a.city, u->city, sizeof(a.city));
	a.city[sizeof(a.city) - 1] = '\0';
	a.addr = addr;
	a.request_id = request_id ? request_id : "";
	return a;
}

/* The system, in role's stead (and city's, for a city). */
static inline struct actor
actor_system(int role, const char *city, long long point_id)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.kind = ACTOR_SYSTEM;
	a.username = "(system)";
	a.role = role;
	a.point_id = point_id;
	if (city != NULL) {
		strncpy(a.city, city, sizeof(a.city) - 1);
	}
	a.addr = "cli";
	a.request_id = "";
	return a;
}

#endif
