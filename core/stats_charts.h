/* yujing — the dashboard's charts: approved warning info of formal points
 * in a year by month, by city and by measure type, within a city or a
 * point when given (NULL / 0: all).  DB_OK with *out set, or a db_rc. */
#ifndef YJ_STATS_CHARTS_H
#define YJ_STATS_CHARTS_H

#include <jansson.h>

#include "db.h"

int	 stats_charts(struct db *, int year, const char *city, long long point, json_t **out);

#endif
