/* yujing — the lifecycle's event rows (outbox, table `events`): one row per
 * transition, written inside the transition's own transaction (effects()
 * in lifecycle.c), so that a consumer (delivery of published warnings,
 * reminders) sees exactly the changes that committed, in id order.
 *
 * Event kinds, one per transition of lifecycle.h:
 *
 *   kind                from_state → to_state          levels
 *   create              NULL → draft
 *   update              NULL → NULL (unchanged)
 *   submit              draft|returned → submitted     NULL → the first level
 *                       draft|returned → approved      (no review: completes)
 *   withdraw            submitted → draft              level → NULL
 *   decide              submitted → submitted          city → province (pass)
 *                       submitted → approved|returned|rejected
 *   revert              approved|returned|rejected → submitted   → province
 *   magazine            NULL → NULL   detail {"accept": bool}
 *   adoption            NULL → NULL   detail {"adopt": bool}
 *   leader_instruction  NULL → NULL   detail {"leader": name}
 *
 * publication says what the transition did to the item's public life:
 * 'published' when it made the item public — a decide to approved with
 * 发布到预警工作交流 (work_exchange: the province's pass, the last level), or
 * a submit that completes a type published on its point's sub-site (the
 * types feeding subsite_* statistics); 'unpublished' when a revert takes
 * such an approval back; NULL otherwise.  actor_id and actor_role are NULL
 * when the system acted (actor.h); at is the lifecycle clock's (clock.h).
 * Attachments are not transitions and write no event. */
#ifndef YJ_EVENTS_H
#define YJ_EVENTS_H

#include <jansson.h>

#include "db.h"

/* What a transition did to the item's publication (预警工作交流). */
enum event_publication {
	EVENT_PUB_NONE = 0,
	EVENT_PUB_PUBLISHED,	/* approved with work_exchange, or a sub-site post completed */
	EVENT_PUB_UNPUBLISHED,	/* such an approval reverted */
};

struct event {
	const char	*kind;		/* create, update, submit, withdraw, decide,
					 * revert, magazine, adoption, leader_instruction */
	long long	 submission_id;
	long long	 actor_id;	/* 0: the system (a job) */
	const char	*actor_role;	/* NULL for the system */
	const char	*from_state, *to_state;	/* NULL: unchanged or none */
	const char	*from_level, *to_level;
	enum event_publication publication;
	json_t		*detail;	/* stolen; may be NULL */
	const char	*at;		/* "YYYY-MM-DD HH:MM:SS" (clock.h); NULL: now */
};

/* Inserts the row; call inside the transition's transaction.  Returns DB_OK
 * or a db_rc.  ev->detail is released either way. */
int	 events_emit(struct db *, struct event *ev);

#endif
