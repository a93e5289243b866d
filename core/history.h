/* yujing — the change history of a warning point (变更历史): one row per
 * changed field, who and when, old and new value; never deleted. */
#ifndef YJ_HISTORY_H
#define YJ_HISTORY_H

#include <stddef.h>

#include "actor.h"
#include "db.h"

/* Writes one row in the caller's open transaction, by actor.  old/new NULL: none. */
int	 history_write(struct db *, const struct actor *, long long point_id, const char *entity,
	    long long entity_id, const char *action, const char *field,
	    const char *old, const char *new_value);

/* Rows for every field whose value differs (NULL and "" are the same:
 * empty).  names, old and new have n entries; old NULL: a create, new
 * NULL: a delete.  Returns DB_OK or a db_rc. */
int	 history_diff(struct db *, const struct actor *, long long point_id, const char *entity,
	    long long entity_id, const char *action, const char *const *names,
	    const char *const *old, const char *const *new_values, size_t n);

#endif
