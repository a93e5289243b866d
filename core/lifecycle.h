/* yujing — the review lifecycle of a submission, as a domain layer that
 * HTTP (h_submissions.c), jobs and the command line share.
 *
 * Where a decision is made: here.  Every transition takes an actor
 * (actor.h) and typed arguments, owns its transaction, the item's row lock
 * and its version check, and answers one outcome (outcome.h).  Its effects
 * happen in one place (effects() in lifecycle.c), inside that transaction:
 * statistics (stats_sync), the submitter's message, the audit row and one
 * event row (events.h), with the time of the one clock (clock.h).
 *
 * The state machine is the table lc_transitions: from which states an
 * action may be taken, by whom (the submitting unit, the level holding the
 * item, the province), to which state.  Visibility is lc_visible() in C
 * and LC_VISIBLE_SQL for lists, side by side, checked against each other
 * by "yujing lifecycle check-visibility" (and its test). */
#ifndef YJ_LIFECYCLE_H
#define YJ_LIFECYCLE_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "outcome.h"

struct worker;

/* The one column list of table submissions, and each column's index. */
#define SUB_COLS \
	"id, type, point_id, city, submitter_id, submitter_role, state, review_level, chain, " \
	"title, fields, year, quarter, opt_magazine, opt_work_exchange, opt_internal, magazine, " \
	"adopted, rounds, first_submitted_at, submitted_at, decided_at, accepted_at, version, " \
	"created_at, updated_at"
enum sub_col {
	SUB_ID, SUB_TYPE, SUB_POINT, SUB_CITY, SUB_SUBMITTER, SUB_SROLE, SUB_STATE, SUB_LEVEL,
	SUB_CHAIN, SUB_TITLE, SUB_FIELDS, SUB_YEAR, SUB_QUARTER, SUB_OPT_MAG, SUB_OPT_WE,
	SUB_OPT_INT, SUB_MAGAZINE, SUB_ADOPTED, SUB_ROUNDS, SUB_FIRST_AT, SUB_SUBMITTED_AT,
	SUB_DECIDED_AT, SUB_ACCEPTED_AT, SUB_VERSION, SUB_CREATED, SUB_UPDATED, SUB_NCOLS
};

/* ------------------------------------------------------------ states */

enum lc_state {
	LC_DRAFT,	/* 草稿: only its unit sees it */
	LC_SUBMITTED,	/* 待审核 at review_level */
	LC_RETURNED,	/* 退回修改 */
	LC_REJECTED,	/* 未予通过 */
	LC_APPROVED,	/* 审核通过 / completed on submit */
	LC_NSTATES,
	LC_TO_CHAIN = LC_NSTATES,	/* "to": the next level, or approved after the last */
	LC_SAME,			/* "to": the state does not change */
};
#define LC_BIT(s) (1u << (s))

const char *lc_state_name(enum lc_state);
int	 lc_state_parse(const char *);	/* -1 when unknown */

enum lc_action {
	LC_UPDATE,	/* 修改 fields */
	LC_ATTACH,	/* 添加/删除附件 */
	LC_SUBMIT,	/* 提交 */
	LC_WITHDRAW,	/* 撤回 */
	LC_PASS,	/* 通过 */
	LC_RETURN,	/* 退回修改 */
	LC_REJECT,	/* 不予通过 */
	LC_REVERT,	/* 撤销省级审核结果 */
	LC_NACTIONS,
};

enum lc_who {
	LC_WHO_OWNER,		/* the submitting unit (lc_owner) */
	LC_WHO_HOLDER,		/* the level holding the item (lc_holds) */
	LC_WHO_PROVINCE,	/* the province, whose decision was the last */
};

struct lc_transition {
	const char	*name;		/* "pass", as in the API */
	unsigned	 from;		/* LC_BIT of each state it starts from */
	enum lc_who	 who;
	int		 to;		/* an lc_state, LC_TO_CHAIN or LC_SAME */
	const char	*verb;		/* 修改, 提交 … for messages */
	const char	*refused_state;	/* 409 when the state does not allow it */
};

extern const struct lc_transition lc_transitions[LC_NACTIONS];

/* The decision named in the API (pass, return, reject, revert); -1. */
int	 lc_decision_parse(const char *);

/* What visibility and the table look at in an item. */
struct lc_item {
	int		 state;		/* enum lc_state, -1 when unknown */
	long long	 point_id;	/* 0: none (a city's or the province's own) */
	const char	*city;		/* NULL: none */
	const char	*submitter_role;
	const char	*level;		/* review_level, NULL when not waiting */
	bool		 in_magazine;	/* magazine IS NOT NULL */
};

/* The item of a row of SUB_COLS (borrows the row's strings). */
struct lc_item lc_item_of(const struct db_res *, size_t row);

/* The submitting unit: its point (point items), its city (a city's own),
 * the province (the province's own). */
bool	 lc_owner(const struct actor *, const struct lc_item *);
/* Who may read: the owner always; others never a draft; admin and province
 * all; a city its city's; a point its own; the editor what went to the
 * magazine. */
bool	 lc_visible(const struct actor *, const struct lc_item *);
/* The same as a filter on table submissions, for lists: bind
 * LC_VISIBLE_FMT with LC_VISIBLE_ARGS(role name, city, point id). */
#define LC_VISIBLE_SQL \
	"((? = 'admin' AND state <> 'draft')" \
	" OR (? = 'province' AND (state <> 'draft' OR submitter_role = 'province'))" \
	" OR (? = 'city' AND city = ? AND (state <> 'draft'" \
	"     OR (point_id IS NULL AND submitter_role = 'city')))" \
	" OR (? = 'point' AND point_id = ?)" \
	" OR (? = 'editor' AND state <> 'draft' AND magazine IS NOT NULL))"
#define LC_VISIBLE_FMT "sssssis"
#define LC_VISIBLE_ARGS(role, city, point) (role), (role), (role), (city), (role), \
	(long long)(point), (role)
/* Whether the actor holds the item at its review level: the city of the
 * item at city level, the province at province level. */
bool	 lc_holds(const struct actor *, const struct lc_item *);
/* May the actor take this action on the item now (state and who, before
 * version and policy)?  province_last: the item's last decision was the
 * province's and not a revert (for LC_REVERT).  0, or -1 with o set
 * (forbidden or conflict, with the Chinese message the API answers). */
int	 lc_may(const struct actor *, const struct lc_item *, enum lc_action,
	    bool province_last, struct outcome *o);
/* The level after cur in a chain "city,province"; "" when cur is last. */
void	 lc_next_level(const char *chain, const char *cur, char out[16]);

/* ------------------------------------------------------- transitions */

/* The version the caller read: missing (400), not an integer (400), given
 * (409 unless it is the row's), or "whatever is current" (bulk decisions,
 * and the yes/no decisions when the body has none). */
struct lc_version {
	enum { LC_V_MISSING, LC_V_BAD, LC_V_GIVEN, LC_V_CURRENT } kind;
	long long	 v;
};

struct lc_decision {
	const char	*decision;	/* pass, return, reject, revert */
	const char	*opinion;	/* NULL or "": none */
	bool		 magazine, work_exchange, internal_exchange;
	struct lc_version version;
};

/* Each returns 0 with o->kind OUT_OK and o->id the item, or -1 with the
 * outcome; nothing is left open either way. */
int	 lc_create(struct worker *, const struct actor *, const char *type,
	    const json_t *fields, struct outcome *o);
int	 lc_update(struct worker *, const struct actor *, long long id,
	    struct lc_version, const json_t *fields, struct outcome *o);
int	 lc_submit(struct worker *, const struct actor *, long long id,
	    struct lc_version, struct outcome *o);
int	 lc_withdraw(struct worker *, const struct actor *, long long id,
	    struct lc_version, struct outcome *o);
int	 lc_decide(struct worker *, const struct actor *, long long id,
	    const struct lc_decision *, struct outcome *o);
/* 录用 / 不录用 by the editor, once. */
int	 lc_magazine(struct worker *, const struct actor *, long long id,
	    struct lc_version, bool accept, struct outcome *o);
/* 采纳 / 不采纳 an internal-exchange item, by the province. */
int	 lc_adoption(struct worker *, const struct actor *, long long id,
	    struct lc_version, bool adopt, struct outcome *o);
/* 厅领导批示 on an adopted item, by the province. */
int	 lc_leader_instruction(struct worker *, const struct actor *, long long id,
	    struct lc_version, const char *leader, const char *text, struct outcome *o);
/* Attachments of a draft or returned item, by its unit; o->id is the
 * attachment's id. */
int	 lc_attach(struct worker *, const struct actor *, long long id, const char *name,
	    const void *content, size_t len, struct outcome *o);
int	 lc_detach(struct worker *, const struct actor *, long long attachment_id,
	    struct outcome *o);

/* ------------------------------------------------------------- reads */

/* Loads an item the actor may see: 0 with the row (SUB_COLS) in *s, or -1
 * with not_found (or a db outcome).  A completed item of a type with an
 * audience field (a notice) is also readable by the points it reached. */
int	 lc_load(struct db *, const struct actor *, long long id, bool for_update,
	    struct db_res *s, struct outcome *o);

/* "yujing lifecycle check-visibility": for every actor that the data
 * suggests (each role, each city, each point), compares lc_visible() over
 * every submission with LC_VISIBLE_SQL; prints each difference.  0 equal,
 * 1 a difference, 2 an error. */
int	 lc_check_visibility(struct db *, FILE *out);

#endif
