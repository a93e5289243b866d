/* yujing — the lifecycle's event rows (outbox, table `events`): one row per
 * transition, written inside the transition's own transaction, so that a
 * consumer (delivery of published warnings, reminders) sees exactly the
 * changes that committed, in id order. */
#ifndef YJ_EVENTS_H
#define YJ_EVENTS_H

#include <jansson.h>

#include "db.h"

/* What a transition did to the item's publication (预警工作交流). */
enum event_publication {
	EVENT_PUB_NONE = 0,
	EVENT_PUB_PUBLISHED,	/* approved with work_exchange */
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
