/* yujing — the statistics as the API shows them: the dashboard's summary,
 * a point's counted records (the drill-down), the cities' review progress;
 * and whose figures an actor sees.  Every figure reads stat_records or
 * stat_totals (stats.h), of formal points (正式) as they are now.
 *
 * Scope: a city account sees its city and a point account its point,
 * whatever they ask; the others see what they ask, the province by
 * default.  Each function answers 0, or -1 with the outcome (invalid with
 * field, not_found, or a db error). */
#ifndef YJ_STATS_QUERY_H
#define YJ_STATS_QUERY_H

#include <stdbool.h>

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "outcome.h"

struct stats_scope {
	int		 year;
	bool		 has_city;	/* false: every city */
	char		 city[8];
	long long	 point;		/* 0: every point */
};

/* The city, NULL for every city. */
static inline const char *
stats_scope_city(const struct stats_scope *s)
{
	return s->has_city ? s->city : NULL;
}

/* What the actor sees of what it asks: city (NULL: any) must be a city of
 * the province (field city); then narrowed to the actor's own. */
int	 stats_scope_resolve(struct db *, const struct actor *, int year, const char *city,
	    long long point, struct stats_scope *, struct outcome *);

/* The dashboard's figures in the scope: *out a new object. */
int	 stats_summary(struct db *, const struct stats_scope *, json_t **out, struct outcome *);

/* The records a formal point counts in a metric (index in metric_names) in
 * a year, a page at a time, with the numbers of the point's count details:
 * *out a new object.  not_found when the point is not the actor's to see or
 * not a formal point. */
int	 stats_point_records(struct db *, const struct actor *, long long point_id, int year,
	    int metric, long long page, long long per_page, json_t **out, struct outcome *);

/* Per city: waiting on the city now, waiting on the province, decisions the
 * city took in the year; a city account sees its own.  *out a new object. */
int	 stats_review_progress(struct db *, const struct actor *, int year, json_t **out,
	    struct outcome *);

#endif
