/* yujing — what the lifecycle's items look like to a reader: an item as
 * JSON (with its rounds and attachments), the lists (by filter, the review
 * queue, the magazine's, internal exchange, the message centre).  Reads
 * only; every change goes through lifecycle.h.  Each takes an actor and
 * answers an outcome, like the transitions. */
#ifndef YJ_SUBMISSION_VIEWS_H
#define YJ_SUBMISSION_VIEWS_H

#include <stdbool.h>

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "outcome.h"

/* Row i of a SUB_COLS result; with_rounds adds rounds and attachments. */
json_t	*sv_item_json(struct db *, const struct db_res *, size_t i, bool with_rounds);
/* The item if the actor may see it (404 otherwise), with its rounds,
 * attachments and its point's name (point_name, null for a city's item). */
int	 sv_get(struct db *, const struct actor *, long long id, json_t **out,
	    struct outcome *);

/* A page of a list: items and the total before paging.  The total is
 * counted up to count_limit rows (at least per_page) past the start of
 * the page; when there are more, total_exact is false and total is the
 * rows counted (a lower bound).  count_limit 0: list_count_limit's
 * default. */
struct sv_page {
	long long	 page, per_page;
	long long	 count_limit;
	json_t		*items;		/* set on success */
	long long	 total;
	bool		 total_exact;
};

struct sv_filter {
	const char	*type, *state, *q;	/* NULL: any */
	const char	*industry;		/* NULL: any; a dictionary code */
	long long	 point, year, quarter;	/* 0: any */
};
int	 sv_list(struct db *, const struct actor *, const struct sv_filter *,
	    struct sv_page *, struct outcome *);
/* What waits on the actor: at city level for its city, else province. */
int	 sv_queue(struct db *, const struct actor *, const char *type,
	    struct sv_page *, struct outcome *);
/* The editor's list: magazine pending, accepted or declined, of one
 * report type (NULL: any); each item with its point's name (point_name). */
int	 sv_magazine(struct db *, const char *state, const char *type, struct sv_page *,
	    struct outcome *);
/* Internal-exchange items: adopted 1, 0, 2 (none yet), -1 any; from/to
 * "YYYY-MM-DD" or NULL. */
int	 sv_internal_exchange(struct db *, int adopted, const char *from, const char *to,
	    struct sv_page *, struct outcome *);
/* The leader instructions of an item: {"submission_id", "items", "total"}. */
int	 sv_instructions(struct db *, long long id, json_t **out, struct outcome *);

/* The actor's message centre; unread 1, 0, or -1 any. */
int	 sv_messages(struct db *, const struct actor *, int unread, struct sv_page *,
	    struct outcome *);
/* Marks a message read (again is fine); 404 when it is not the actor's. */
int	 sv_message_read(struct db *, const struct actor *, long long id, struct outcome *);

/* An attachment of an item the actor may see: 0 with (submission_id,
 * name, size, sha256[, content]) in *a, or -1 (404 附件不存在). */
int	 sv_attachment(struct db *, const struct actor *, long long aid, bool content,
	    struct db_res *a, struct outcome *);

#endif
