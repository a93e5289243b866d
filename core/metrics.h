/* yujing — counters for GET /metrics (Prometheus text format, version
 * 0.0.4): requests by route and status, latency histograms by route,
 * database errors by kind, rule reloads and refusals, worker threads busy,
 * connections open, and gauges other modules register (the delivery queue
 * of the dissemination module, for one).  Every counter is a relaxed
 * atomic: recording costs no lock. */
#ifndef YJ_METRICS_H
#define YJ_METRICS_H

#include <stdbool.h>

#include "buf.h"

struct db;
struct route;

/* Sizes the tables to the route table; call once before threads start. */
void	 metrics_init(void);
/* One finished request: its route (NULL: none matched), the status sent,
 * the seconds it took. */
void	 metrics_request(const struct route *, int status, double seconds);
/* A database error classified as enum db_rc (DB_UNAVAILABLE and the rest). */
void	 metrics_db_error(int rc);
/* A rule file loaded (true) or refused (false) by a reload. */
void	 metrics_rules_event(bool loaded);
/* A public answer made (false) or served from the answer cache (true). */
void	 metrics_public_cache(bool hit);

/* A gauge another module fills when /metrics is read: fn returns the value,
 * or a negative number to leave the gauge out this time.  db is the worker's
 * connection of the request reading /metrics (NULL outside a request).  name
 * and help must live as long as the process.  Returns 0, or -1 when the
 * table (16 gauges) is full. */
typedef double (*metrics_gauge_fn)(struct db *db, void *arg);
int	 metrics_gauge_register(const char *name, const char *help,
	    metrics_gauge_fn fn, void *arg);

/* Writes every metric in the text format into out. */
void	 metrics_write(struct buf *out, struct db *db);

#endif
