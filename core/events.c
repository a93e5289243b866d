/* yujing — the lifecycle's event rows, inside the caller's transaction. */
#include "events.h"

#include <stdlib.h>

static const char *
publication_name(enum event_publication p)
{
	switch (p) {
	case EVENT_PUB_PUBLISHED:	return "published";
	case EVENT_PUB_UNPUBLISHED:	return "unpublished";
	default:			return NULL;
	}
}

int
events_emit(struct db *db, struct event *ev)
{
	static const char sql[] =
	    "INSERT INTO events (kind, submission_id, actor_id, actor_role, from_state, "
	    "to_state, from_level, to_level, publication, detail, at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(?, NOW(3)))";
	char		*d = NULL;
	long long	 sid = ev->submission_id, aid = ev->actor_id;
	int		 rc;

	if (ev->detail != NULL) {
		d = json_dumps(ev->detail, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(ev->detail);
		ev->detail = NULL;
	}
	rc = db_exec(db, sql, "sIIssssssss", ev->kind,
	    sid ? &sid : NULL, aid ? &aid : NULL, ev->actor_role,
	    ev->from_state, ev->to_state, ev->from_level, ev->to_level,
	    publication_name(ev->publication), d, ev->at);
	free(d);
	return rc < 0 ? rc : DB_OK;
}
