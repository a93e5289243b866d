/* yujing — facts for scoring and the statistics, built from the database
 * (points, stat_records, submissions). */
#ifndef YJ_FACTS_DB_H
#define YJ_FACTS_DB_H

#include <stdbool.h>

#include "db.h"
#include "facts.h"

/* What to load besides the point itself. */
#define FACTS_COUNTS		0x1	/* counts, columns */
#define FACTS_MONTHS		0x2	/* counts, columns, monthly, quarterly */
#define FACTS_ENTERPRISES	0x4	/* contact enterprises */
#define FACTS_DETAILS		0x8	/* quarterly analyses, annual summary, adopted items */
#define FACTS_ALL		0xe
/* For scoring: all but the months, which facts_load_months adds when the
 * standard asks for them (see facts_months_wanted). */
#define FACTS_SCORE		0xd

/* Facts of the points of a year, in id order: all, one city's (city not
 * NULL) or one point (point_id > 0), a page at a time.  *total counts all
 * that match.  DB_OK or a db_rc. */
int	 facts_load(struct db *, int year, const char *city, long long point_id,
	    bool formal_only, unsigned what, long long limit, long long offset,
	    struct facts **out, size_t *n, long long *total);
void	 facts_free(struct facts *, size_t n);
/* Loads monthly and quarterly (and the counts again) for facts loaded
 * without them: the whole page f[0..n), sorted by point id. */
int	 facts_load_months(struct db *, struct facts *f, size_t n);
/* Months of a year to average over: 12 for a past year, the months begun
 * so far for the current one (Beijing time), 0 for a future one. */
int	 facts_months(int year);

#endif
