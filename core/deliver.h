/* yujing — delivery of published warnings, from the lifecycle's event rows.
 *
 * A round: (1) every publication event not yet handled becomes one
 * deliveries row per recipient (immediate subscribers and channels whose
 * filters match), unique by idempotency key, in the transaction that marks
 * the event handled; an unpublication cancels what has not gone out;
 * (2) daily and weekly subscribers whose period is over get a digest row;
 * (3) due rows are claimed in the database for deliver_lease seconds,
 * sent, and marked sent, retrying (backoff doubling from
 * deliver_retry_base) or failed, every attempt recorded.  A host killed
 * mid-send leaves claimed rows whose lease runs out; another round takes
 * them again, so nothing is lost, and the claim keeps two hosts from
 * sending one row at once.
 *
 * yujing runs rounds in deliver_threads background threads. */
#ifndef YJ_DELIVER_H
#define YJ_DELIVER_H

#include <jansson.h>

#include "dissem.h"

struct deliver_ctx {
	const struct config	*cfg;
	struct db		 db;
	void			*curl;		/* kept: its connections are reused */
	char			 me[96];	/* claim owner: host, pid, thread */
	unsigned long		 round;
	int			 idx;
};

void	 deliver_ctx_init(struct deliver_ctx *, const struct config *, int idx);
void	 deliver_ctx_free(struct deliver_ctx *);
/* One round; the number of events and rows handled (0: nothing to do), or
 * -1 when the database failed. */
int	 deliver_round(struct deliver_ctx *, bool events);

/* The background threads (none when deliver_threads is 0). */
int	 deliver_start(const struct config *);
void	 deliver_stop(void);

/* The API's side: a page of deliveries for actor (?submission=&channel=
 * &state=), and a retry (province). */
struct delivery_query {
	long long	 submission_id, channel_id;
	const char	*state;
	long long	 page, per_page;
};
int	 deliveries_list(struct db *, const struct actor *, const struct delivery_query *,
	    json_t **items, long long *total, struct outcome *);
int	 deliveries_retry(struct db *, const struct config *, const struct actor *, long long id,
	    json_t **out, struct outcome *);

/* /api/stats/dissemination: per point, per city and in total. */
int	 dissem_stats(struct db *, int year, const char *city, json_t **out, struct outcome *);

/* /api/stats/dissemination/report: one point's year as the seed's
 * paragraphs count it (published, pushed to groups, mailed to enterprises,
 * within two hours, bulletin issues), with a paragraph of Chinese text.  A
 * point reads its own, a city its city's points, the province any. */
int	 dissem_report(struct db *, const struct actor *, int year, long long point_id, json_t **out,
	    struct outcome *);

#endif
