/* yujing — a point's leadership group (领导小组) and party organisation
 * (党建组织), replaced as a whole: who may read or change it (the point's
 * own data, as point_members.h), the version check, and the history and
 * audit rows of each change.
 *
 * Each answers 0, or -1 with the outcome filled (not_found, forbidden,
 * invalid with field, conflict on a stale version, or a db error), rolled
 * back. */
#ifndef YJ_LEADERSHIP_H
#define YJ_LEADERSHIP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "outcome.h"

#define LEADERSHIP_MAX_MEMBERS 50

struct leader {
	const char	*role;		/* 组长, 副组长, 成员 */
	const char	*name;
	const char	*position;	/* NULL or "": none */
	const char	*unit;
};

struct leadership_input {
	long long		 version;
	bool			 party_org;
	bool			 has_party_members;
	long long		 party_members;
	const struct leader	*members;	/* in order */
	size_t			 nmembers;
};

/* *out {"members", "party_org", "party_members", "version"}. */
int	 leadership_get(struct db *, const struct actor *, long long point, json_t **out,
	    struct outcome *);
/* *out the group as it is after the change. */
int	 leadership_put(struct db *, const struct actor *, long long point,
	    const struct leadership_input *, json_t **out, struct outcome *);

#endif
