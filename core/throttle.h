/* yujing — login throttling, kept in MariaDB so that every app host sees
 * the same counts. */
#ifndef YJ_THROTTLE_H
#define YJ_THROTTLE_H

#include <stdbool.h>

#include "conf.h"
#include "db.h"

/* DB_OK and *blocked when the account or the address has had too many
 * failures within the window. */
int	 throttle_check(struct db *, const struct config *, const char *username,
	    const char *addr, bool *blocked);
int	 throttle_fail(struct db *, const char *username, const char *addr);
int	 throttle_clear(struct db *, const char *username);

#endif
