/* yujing — the preset review opinions (审核意见配置) the province picks
 * from when it decides: the list, add, edit, delete.  An opinions table
 * that has never held a row is seeded with the presets of rules/review.lua
 * when it is first read or added to.  Each answers 0, or -1 with the
 * outcome (not_found, conflict on a stale version, or a db error), rolled
 * back; changes are audited as the actor's. */
#ifndef YJ_OPINIONS_H
#define YJ_OPINIONS_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "outcome.h"
#include "rules.h"

/* *items: a new array {"id", "text", "sort", "version"} in their order. */
int	 opinions_list(struct db *, struct rules_worker *, const struct actor *,
	    json_t **items, struct outcome *);
/* *out: a new object as in the list. */
int	 opinions_get(struct db *, const struct actor *, long long id, json_t **out,
	    struct outcome *);
/* sort NULL: after the last one. */
int	 opinions_create(struct db *, struct rules_worker *, const struct actor *,
	    const char *text, const long long *sort, long long *id, struct outcome *);
/* text, sort NULL: unchanged; version: the one the caller read. */
int	 opinions_update(struct db *, const struct actor *, long long id, const char *text,
	    const long long *sort, long long version, struct outcome *);
int	 opinions_delete(struct db *, const struct actor *, long long id, struct outcome *);

#endif
