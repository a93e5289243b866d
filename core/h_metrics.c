/* yujing — GET /metrics: the counters of metrics.h in Prometheus text
 * format.  No login: the nginx site passes /metrics only from the
 * addresses it allows (the monitoring host), and /api/ never reaches it. */
#include "app.h"
#include "handlers.h"
#include "metrics.h"
#include "worker.h"

void
h_metrics(struct req *r)
{
	buf_reset(&r->out);
	metrics_write(&r->out, &r->w->db);
	r->out_type = "text/plain; version=0.0.4; charset=utf-8";
	r->status = 200;
}
