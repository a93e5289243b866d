/* yujing — likely duplicates of a warning (重复信息提示): the same
 * announcement reported by two points, or twice.
 *
 * A warning's likely duplicates are the other warnings that are published
 * (approved with 发布到预警工作交流) or waiting on a reviewer, of the same
 * country and measure type, first submitted within 30 days of it (either
 * side), whose title is similar: the Dice coefficient of the two titles'
 * character bigrams, after normalising, is at least DUP_THRESHOLD.
 *
 * Normalising: full-width ASCII (Ａ, ２, ！) becomes half-width, ASCII
 * letters lower case, and white space and punctuation (ASCII and CJK:
 * 、，。《》“”（）【】：；！？…— and the like) are dropped, so that
 * "美国对华钢材“反倾销”调查" and "美国对华钢材反倾销调查！" read alike.
 * Dice = 2·|A∩B| / (|A| + |B|) over the bigram multisets A and B; a title
 * of one character compares equal or not.
 *
 * Who sees them: the reviewers (province, city) and the admin, on the item
 * (GET /api/submissions/{id}, field "duplicates"); the submitting point
 * does not (the list names other points' items it may not read).  A city
 * sees the published ones and the waiting ones within its sight. */
#ifndef YJ_DUPLICATES_H
#define YJ_DUPLICATES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "actor.h"
#include "db.h"

#define DUP_THRESHOLD	0.5
#define DUP_DAYS	30
#define DUP_DAYS_SQL	"30"	/* DUP_DAYS, in SQL text */
/* Delivery holds back a second warning of one announcement only when the
 * titles are this close: a hint to a reviewer may be wrong, a message held
 * back from an enterprise must not be. */
#define DUP_DELIVERY_THRESHOLD	0.75
#define DUP_MAX		10	/* the most similar first, at most this many */

/* The normalised code points of a UTF-8 title into out (at most max);
 * returns how many.  Invalid UTF-8 bytes are dropped. */
size_t	 dup_normalise(const char *title, uint32_t *out, size_t max);
/* The bigram Dice coefficient of two titles, 0 … 1. */
double	 dup_similarity(const char *a, const char *b);

/* The likely duplicates of the item of row 0 of s (SUB_COLS) as the actor
 * may see them: an array of {id, title, point_name, state, published,
 * submitted_at, similarity}, or NULL when the field does not apply (not a
 * warning, never submitted, or an actor who is not a reviewer). */
json_t	*duplicates_of(struct db *, const struct actor *, const struct db_res *s);

#endif
