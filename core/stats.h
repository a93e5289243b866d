/* yujing — what the statistics count.
 *
 * A submission counts in a metric when its report type feeds the metric
 * (the plugin's metric list) and the item meets the metric's definition
 * (here, in the core):
 *
 *   every metric        the item completed its workflow (state approved)
 *                       and belongs to a point
 *   internal_adopted    … passed to internal exchange and adopted (采纳)
 *   *_magazine          … accepted by the magazine (录用)
 *   work_exchange       … passed with 发布到预警工作交流 (外网录用)
 *
 * Its statistical year is the declared year for types with a "year" field
 * (quarterly analyses, annual summaries), else the year of first
 * submission.  stat_records keeps the rows each submission counts in now,
 * stat_totals their number per year, point and metric (with months and
 * quarters); stats_sync changes both inside the transaction that changed
 * the submission, stats_rebuild and stats_verify recount everything.
 */
#ifndef YJ_STATS_H
#define YJ_STATS_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "conf.h"
#include "db.h"
#include "facts.h"

/* The counting rules, without a database: the metrics an item counts in
 * now, with its statistical year, month and quarter. */
struct yj_report_type;
struct stats_item {
	const struct yj_report_type *type;	/* its plugin's type */
	long long	 point_id;		/* 0: not a point's */
	const char	*state;
	const char	*first_submitted_at;	/* "YYYY-MM-DD HH:MM:SS" or NULL */
	long long	 year, quarter;		/* declared; 0: none */
	bool		 work_exchange, internal, adopted;
	const char	*magazine;		/* NULL, pending, accepted, declined */
	const json_t	*fields;		/* for "metric:field=value" */
};
struct stats_count {
	int		 metric;		/* index in metric_names */
	int		 year, month, quarter;
};
size_t	 stats_counts(const struct stats_item *, struct stats_count out[METRIC_N]);

/* Rewrites the stat_records of one submission; call inside the open
 * transaction that changed it, after the change.  DB_OK or a db_rc. */
int	 stats_sync(struct db *, long long submission_id);

/* The metric of a name; -1 when unknown. */
int	 stats_metric(const char *name);

/* Command line: recount every submission into stat_records (in batches,
 * each its own transaction, safe while yujing runs), or compare the table
 * with a recount and report each difference.  0 on success / equal, 1 on
 * a difference, 2 on an error.  Plugins must be loaded. */
int	 stats_rebuild(struct db *, FILE *out);
int	 stats_verify(struct db *, FILE *out);
/* After "yujing migrate": rebuilds when there are submissions but no
 * stat_records (the table is new), fills stat_totals when only it is new. */
int	 stats_rebuild_if_empty(struct db *, FILE *out);

#endif
