/* yujing — user accounts: the rules every way of creating or changing one
 * goes through (the API and "yujing user add"). */
#ifndef YJ_USERS_H
#define YJ_USERS_H

#include <stdbool.h>

#include "conf.h"
#include "db.h"
#include "http.h"

struct users_input {
	const char	*username;
	const char	*name;
	const char	*role;
	const char	*password;
	long long	 point_id;	/* 0: none */
	const char	*city;		/* NULL: none */
	bool		 disabled;
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

/* Why a change was refused: db_rc != DB_OK for a database failure, else an
 * API error with a Chinese message and the field. */
struct users_error {
	int		 db_rc;
	enum http_err	 code;
	const char	*field;
	char		 message[256];
};

int	 users_create(struct db *, const struct config *, const struct users_input *,
	    const struct user *actor, const char *addr, const char *request_id,
	    long long *id, struct users_error *);
int	 users_update(struct db *, const struct config *, long long id,
	    const struct users_patch *, const struct user *actor, const char *addr,
	    const char *request_id, struct users_error *);
int	 users_delete(struct db *, long long id, const struct user *actor,
	    const char *addr, const char *request_id, struct users_error *);
/* A point moved to another city: the city of its accounts follows, inside
 * the caller's transaction, one audit row per account changed; *moved is
 * their number.  Call session_cache_bump() after the commit when *moved > 0:
 * cached sessions carry the old city.  DB_OK or a db_rc. */
int	 users_follow_point(struct db *, long long point_id, const char *city,
	    const struct user *actor, const char *addr, const char *request_id,
	    int *moved);

#endif
