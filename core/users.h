/* yujing — user accounts: the rules every way of creating or changing one
 * goes through (the API and "yujing user add"). */
#ifndef YJ_USERS_H
#define YJ_USERS_H

#include <stdbool.h>

#include <jansson.h>

#include "conf.h"
#include "db.h"
#include "actor.h"
#include "outcome.h"

struct users_input {
	const char	*username;
	const char	*name;
	const char	*role;
	const char	*password;
	long long	 point_id;	/* 0: none */
	const char	*city;		/* NULL: none */
	bool		 disabled;
};

/* The filters of the account list; NULL / -1: any. */
struct users_query {
	const char	*q;		/* in username or name, literally */
	const char	*role;		/* a role name */
	int		 disabled;	/* 0, 1, or -1 */
	long long	 page, per_page;
};

struct users_patch {
	long long	 version;
	const char	*name;		/* NULL: unchanged */
	const char	*role;
	const char	*password;
	bool		 set_point;
	long long	 point_id;
	bool		 set_city;
	const char	*city;
	bool		 set_disabled;
	bool		 disabled;
};

/* One page of the accounts the query selects, by id, as the API shows
 * them (*items a new array), and how many it selects in all.  0, or -1
 * with the outcome (invalid role, or a db error). */
int	 users_list(struct db *, const struct actor *, const struct users_query *,
	    json_t **items, long long *total, struct outcome *);
/* One account as the API shows it (*out new), or -1 with not_found. */
int	 users_get(struct db *, const struct actor *, long long id, json_t **out,
	    struct outcome *);

/* Each answers 0, or -1 with the outcome (invalid with field and Chinese
 * message, not_found, conflict, or a db error), rolled back.  The actor is
 * who asks: the admin over HTTP, the system for "yujing user add". */
int	 users_create(struct db *, const struct config *, const struct users_input *,
	    const struct actor *, long long *id, struct outcome *);
int	 users_update(struct db *, const struct config *, long long id,
	    const struct users_patch *, const struct actor *, struct outcome *);
int	 users_delete(struct db *, long long id, const struct actor *, struct outcome *);
/* A point moved to another city: the city of its accounts follows, inside
 * the caller's transaction, one audit row per account changed; *moved is
 * their number.  Call session_cache_bump() after the commit when *moved > 0:
 * cached sessions carry the old city.  DB_OK or a db_rc. */
int	 users_follow_point(struct db *, long long point_id, const char *city,
	    const struct actor *, int *moved);

#endif
