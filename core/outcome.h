/* yujing — what a domain function answers: one type for every caller.
 * HTTP maps it to the envelope (app_outcome), the command line prints it.
 *
 *   OUT_OK          done
 *   OUT_NOT_FOUND   no such item, or not within the actor's sight (404)
 *   OUT_FORBIDDEN   the actor may not do this (403)
 *   OUT_CONFLICT    the item's state or version does not allow it now (409)
 *   OUT_INVALID     an argument fails validation, with field (400 invalid)
 *   OUT_BAD_REQUEST an argument has the wrong type, with field (400)
 *   OUT_UNAVAILABLE a lookup the check needs failed, with message (503)
 *   OUT_RATE_LIMITED too many attempts, with message (429)
 *   OUT_UNAUTHENTICATED who asks is not known: a wrong login (401)
 *   OUT_INTERNAL    policy or plugin broken: see the log (500)
 *   OUT_DB          the database failed: db_rc says how (503/409/500) */
#ifndef YJ_OUTCOME_H
#define YJ_OUTCOME_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum outcome_kind {
	OUT_OK = 0,
	OUT_NOT_FOUND,
	OUT_FORBIDDEN,
	OUT_CONFLICT,
	OUT_INVALID,
	OUT_BAD_REQUEST,
	OUT_UNAVAILABLE,
	OUT_RATE_LIMITED,
	OUT_UNAUTHENTICATED,
	OUT_INTERNAL,
	OUT_DB,
};

struct outcome {
	enum outcome_kind kind;
	int		 db_rc;		/* OUT_DB: a db_rc (db.h) */
	char		 field[64];	/* "" when none */
	char		 message[640];	/* Chinese, fit to show a user */
	long long	 id;		/* OUT_OK: the item made or changed */
};

static inline void
outcome_ok(struct outcome *o, long long id)
{
	memset(o, 0, sizeof(*o));
	o->id = id;
}

/* Sets kind, field (NULL: none) and a formatted message; returns -1 so
 * that a refusal reads "return outcome_set(...)". */
static inline int __attribute__((format(printf, 4, 5)))
outcome_set(struct outcome *o, enum outcome_kind kind, const char *field,
    const char *fmt, ...)
{
	va_list ap;

	o->kind = kind;
	o->db_rc = 0;
	snprintf(o->field, sizeof(o->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(o->message, sizeof(o->message), fmt, ap);
	va_end(ap);
	return -1;
}

/* outcome_set() with a message as it is (no format). */
static inline int
outcome_fail(struct outcome *o, enum outcome_kind kind, const char *field, const char *message)
{
	return outcome_set(o, kind, field, "%s", message);
}

static inline int
outcome_db(struct outcome *o, int rc)
{
	o->kind = OUT_DB;
	o->db_rc = rc;
	o->field[0] = '\0';
	o->message[0] = '\0';
	return -1;
}

#endif
