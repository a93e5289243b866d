/* yujing — counters for GET /metrics; see metrics.h. */
#include "metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "router.h"
#include "server.h"

/* Upper bounds of the latency buckets, in seconds (the last is +Inf). */
static const double bounds[] = {
	0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))
/* Distinct statuses counted per route; more are counted as status "other". */
#define NSTATUS 12

struct status_count {
	atomic_int		 status;	/* 0: free slot */
	atomic_ullong		 n;
};

struct route_stats {
	struct status_count	 st[NSTATUS];
	atomic_ullong		 other;
	atomic_ullong		 bucket[NBOUNDS + 1];
	atomic_ullong		 count;
	atomic_ullong		 micros;	/* sum of durations, µs */
};

struct gauge {
	const char		*name, *help;
	metrics_gauge_fn	 fn;
	void			*arg;
};

#define MAX_GAUGES 16

static struct {
	struct route_stats	*routes;	/* app_nroutes + 1: the last, no route */
	size_t			 nroutes;
	atomic_ullong		 db_unavailable, db_retry, db_duplicate, db_error;
	atomic_ullong		 rules_loaded, rules_refused;
	atomic_ullong		 public_hit, public_miss;
	pthread_mutex_t		 gmu;
	struct gauge		 gauges[MAX_GAUGES];
	size_t			 ngauges;
} m = { .gmu = PTHREAD_MUTEX_INITIALIZER };

void
metrics_init(void)
{
	if (m.routes != NULL)
		return;
	m.nroutes = app_nroutes;
	if ((m.routes = calloc(m.nroutes + 1, sizeof(*m.routes))) == NULL)
		abort();
}

static struct route_stats *
stats_of(const struct route *rt)
{
	if (m.routes == NULL)
		return NULL;
	if (rt != NULL && rt >= app_routes && rt < app_routes + m.nroutes)
		return &m.routes[rt - app_routes];
	return &m.routes[m.nroutes];
}

void
metrics_request(const struct route *route, int status, double seconds)
{
	struct route_stats	*s;
	size_t			 i;
	int			 expect;

	if ((s = stats_of(route)) == NULL)
		return;
	for (i = 0; i < NSTATUS; i++) {
		expect = 0;
		if (atomic_load_explicit(&s->st[i].status, memory_order_relaxed) == status ||
		    atomic_compare_exchange_strong(&s->st[i].status, &expect, status) ||
		    expect == status) {
			atomic_fetch_add_explicit(&s->st[i].n, 1, memory_order_relaxed);
			break;
		}
	}
	if (i == NSTATUS)
		atomic_fetch_add_explicit(&s->other, 1, memory_order_relaxed);
	for (i = 0; i < NBOUNDS && seconds > bounds[i]; i++)
		;
	atomic_fetch_add_explicit(&s->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->micros, (unsigned long long)(seconds * 1e6 + 0.5),
	    memory_order_relaxed);
}

void
metrics_db_error(int rc)
{
	switch (rc) {
	case DB_UNAVAILABLE: atomic_fetch_add(&m.db_unavailable, 1); break;
	case DB_RETRY: atomic_fetch_add(&m.db_retry, 1); break;
	case DB_DUPLICATE: atomic_fetch_add(&m.db_duplicate, 1); break;
	default: atomic_fetch_add(&m.db_error, 1); break;
	}
}

void
metrics_rules_event(bool loaded)
{
	atomic_fetch_add(loaded ? &m.rules_loaded : &m.rules_refused, 1);
}

void
metrics_public_cache(bool hit)
{
	atomic_fetch_add(hit ? &m.public_hit : &m.public_miss, 1);
}

int
metrics_gauge_register(const char *name, const char *help, metrics_gauge_fn fn, void *arg)
{
	int rc = -1;

	pthread_mutex_lock(&m.gmu);
	if (m.ngauges < MAX_GAUGES) {
		m.gauges[m.ngauges++] = (struct gauge){ name, help, fn, arg };
		rc = 0;
	}
	pthread_mutex_unlock(&m.gmu);
	return rc;
}

static void
head(struct buf *out, const char *name, const char *type, const char *help)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A route's label: its method and pattern ("GET /api/points/{id}"), or
 * "none" for requests no route matched. */
static void
route_label(struct buf *out, size_t i)
{
	char allow[64];

	if (i == m.nroutes) {
		buf_puts(out, "route=\"none\"");
		return;
	}
	router_allow_str(app_routes[i].method, allow, sizeof(allow));
	buf_printf(out, "route=\"%s %s\"", allow, app_routes[i].pattern);
}

static double
gauge_busy(struct db *db, void *arg)
{
	(void)db, (void)arg;
	return server_busy();
}

static double
gauge_conns(struct db *db, void *arg)
{
	(void)db, (void)arg;
	return server_connections();
}

void
metrics_write(struct buf *out, struct db *db)
{
	static const struct gauge builtin[] = {
		{ "yujing_workers_busy", "Worker threads handling a request now.", gauge_busy, NULL },
		{ "yujing_connections_open", "FastCGI connections from the web server now open, idle kept ones included.", gauge_conns, NULL },
	};
	struct route_stats	*s;
	unsigned long long	 n, cum;
	struct gauge		 g[MAX_GAUGES];
	size_t			 i, j, ng;
	double			 v;
	int			 st;

	if (m.routes == NULL)
		metrics_init();
	head(out, "yujing_requests_total", "counter", "Requests answered, by route and status.");
	for (i = 0; i <= m.nroutes; i++) {
		s = &m.routes[i];
		for (j = 0; j < NSTATUS; j++) {
			st = atomic_load(&s->st[j].status);
			n = atomic_load(&s->st[j].n);
			if (st == 0 || n == 0)
				continue;
			buf_puts(out, "yujing_requests_total{");
			route_label(out, i);
			buf_printf(out, ",status=\"%d\"} %llu\n", st, n);
		}
		if ((n = atomic_load(&s->other)) > 0) {
			buf_puts(out, "yujing_requests_total{");
			route_label(out, i);
			buf_printf(out, ",status=\"other\"} %llu\n", n);
		}
	}
	head(out, "yujing_request_duration_seconds", "histogram",
	    "Time from the request read to the answer written, by route.");
	for (i = 0; i <= m.nroutes; i++) {
		s = &m.routes[i];
		if (atomic_load(&s->count) == 0)
			continue;
		for (cum = 0, j = 0; j <= NBOUNDS; j++) {
			cum += atomic_load(&s->bucket[j]);
			buf_puts(out, "yujing_request_duration_seconds_bucket{");
			route_label(out, i);
			if (j < NBOUNDS)
				buf_printf(out, ",le=\"%g\"} %llu\n", bounds[j], cum);
			else
				buf_printf(out, ",le=\"+Inf\"} %llu\n", cum);
		}
		buf_puts(out, "yujing_request_duration_seconds_sum{");
		route_label(out, i);
		buf_printf(out, "} %.6f\n", atomic_load(&s->micros) / 1e6);
		buf_puts(out, "yujing_request_duration_seconds_count{");
		route_label(out, i);
		buf_printf(out, "} %llu\n", cum);
	}
	head(out, "yujing_db_errors_total", "counter",
	    "Database errors by kind: unavailable (answered 503), conflict (deadlock, lock wait or "
	    "cluster certification failure, answered 409), duplicate, other (answered 500).");
	buf_printf(out, "yujing_db_errors_total{kind=\"unavailable\"} %llu\n", atomic_load(&m.db_unavailable));
	buf_printf(out, "yujing_db_errors_total{kind=\"conflict\"} %llu\n", atomic_load(&m.db_retry));
	buf_printf(out, "yujing_db_errors_total{kind=\"duplicate\"} %llu\n", atomic_load(&m.db_duplicate));
	buf_printf(out, "yujing_db_errors_total{kind=\"other\"} %llu\n", atomic_load(&m.db_error));
	head(out, "yujing_rules_reloads_total", "counter",
	    "Rule files put in force (loaded) or refused by a reload since the start.");
	buf_printf(out, "yujing_rules_reloads_total{result=\"loaded\"} %llu\n", atomic_load(&m.rules_loaded));
	buf_printf(out, "yujing_rules_reloads_total{result=\"refused\"} %llu\n", atomic_load(&m.rules_refused));
	head(out, "yujing_public_answers_total", "counter",
	    "Public answers (warnings, feeds) made (miss) or served as made before (hit).");
	buf_printf(out, "yujing_public_answers_total{result=\"hit\"} %llu\n", atomic_load(&m.public_hit));
	buf_printf(out, "yujing_public_answers_total{result=\"miss\"} %llu\n", atomic_load(&m.public_miss));

	for (i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		head(out, builtin[i].name, "gauge", builtin[i].help);
		buf_printf(out, "%s %g\n", builtin[i].name, builtin[i].fn(db, NULL));
	}
	/* Copied out of the lock: a gauge may ask the database. */
	pthread_mutex_lock(&m.gmu);
	ng = m.ngauges;
	memcpy(g, m.gauges, ng * sizeof(g[0]));
	pthread_mutex_unlock(&m.gmu);
	for (i = 0; i < ng; i++) {
		if ((v = g[i].fn(db, g[i].arg)) < 0)
			continue;
		head(out, g[i].name, "gauge", g[i].help);
		buf_printf(out, "%s %g\n", g[i].name, v);
	}
}
