/* yujing — a point's members: its people (预警负责人, 预警点工作人员) and
 * contact enterprises (联系企业), kept by the point itself (own data).  Who
 * may read or change which point's members, the duplicate check, the
 * version check, soft removal, and the history and audit rows of each
 * change, for every caller (HTTP today).
 *
 * Each answers 0, or -1 with the outcome filled (not_found when the point
 * or member does not exist or may not even be read, forbidden when it may
 * be read but not changed, invalid with field, conflict on a stale
 * version, or a db error), rolled back. */
#ifndef YJ_POINT_MEMBERS_H
#define YJ_POINT_MEMBERS_H

#include <stdbool.h>

#include <jansson.h>

#include "access.h"
#include "actor.h"
#include "db.h"
#include "outcome.h"

/* Fields of either kind, in order:
 *   people:      kind, name, position, phone, mobile, email
 *   enterprises: name, credit_code, contact, phone, products, markets */
#define MEMBER_NF 6

enum member_kind {
	MEMBER_PERSON,
	MEMBER_ENTERPRISE,
};

/* A change: set[f] false leaves field f as it is; val[f] NULL or "" clears
 * it. */
struct member_patch {
	long long	 version;
	bool		 set[MEMBER_NF];
	const char	*val[MEMBER_NF];
};

/* May actor act (op) on the own data of point (people, enterprises,
 * leadership)?  404 when it does not exist or may not be read (the same
 * answer, so ids leak nothing), 403 when it may be read but not changed. */
int	 point_members_scope(struct db *, const struct actor *, long long point,
	    enum access_op, struct outcome *);

/* One page of the point's members, *items an array.  filter (NULL: none):
 * people: the kind; enterprises: a word in the name or products. */
int	 point_members_list(struct db *, const struct actor *, enum member_kind,
	    long long point, const char *filter, long long page, long long per_page,
	    json_t **items, long long *total, struct outcome *);
/* vals: MEMBER_NF values (NULL or "": none); *out the new member. */
int	 point_members_create(struct db *, const struct actor *, enum member_kind,
	    long long point, const char *const *vals, json_t **out, struct outcome *);
/* *out the member as it is now (unchanged fields: no new version). */
int	 point_members_update(struct db *, const struct actor *, enum member_kind,
	    long long point, long long id, const struct member_patch *, json_t **out,
	    struct outcome *);
/* Soft removal: the history keeps what was there. */
int	 point_members_delete(struct db *, const struct actor *, enum member_kind,
	    long long point, long long id, struct outcome *);

#endif
