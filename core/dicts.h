/* yujing — the dictionaries, data in sql/: industries, measure types,
 * countries with trade groupings (ISO 3166), and the province's cities
 * with their districts (GB/T 2260).  Each answers 0 with *items a new
 * array as the API shows it, or -1 with the outcome (an invalid filter, or
 * a db error). */
#ifndef YJ_DICTS_H
#define YJ_DICTS_H

#include <jansson.h>

#include "db.h"
#include "outcome.h"

int	 dicts_industries(struct db *, json_t **items, struct outcome *);
int	 dicts_measure_types(struct db *, json_t **items, struct outcome *);
/* kind: "country", "group", or NULL for both (groups first). */
int	 dicts_countries(struct db *, const char *kind, json_t **items, struct outcome *);
/* Cities with their districts; abolished districts carry their status so
 * that old records still resolve, and new records can leave them out. */
int	 dicts_regions(struct db *, json_t **items, struct outcome *);

#endif
