/* yujing — likely duplicates of a warning (see duplicates.h). */
#include "duplicates.h"

#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "lifecycle.h"

#define TITLE_MAX 512
#define DUP_DAYS_SQL "30"	/* DUP_DAYS */	/* code points; titles are at most 255 characters */

/* One UTF-8 code point from *p (advanced), or (uint32_t)-1 for a bad byte. */
static uint32_t
next_cp(const unsigned char **p)
{
	const unsigned char	*s = *p;
	uint32_t		 c;
	int			 n, i;

	if (s[0] < 0x80) {
		*p = s + 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 1, c = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 2, c = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 3, c = s[0] & 0x07;
	else {
		*p = s + 1;
		return (uint32_t)-1;
	}
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + i;
			return (uint32_t)-1;
		}
		c = (c << 6) | (s[i] & 0x3f);
	}
	*p = s + n + 1;
	return c;
}

/* White space and punctuation, ASCII and CJK. */
static int
dropped(uint32_t c)
{
	if (c < 0x80)
		return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
	return (c >= 0x2000 && c <= 0x206f) ||	/* general punctuation: “” — … */
	    (c >= 0x3000 && c <= 0x303f) ||	/* CJK symbols: 、。《》【】 and the ideographic space */
	    (c >= 0xff01 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
	    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||	/* full-width punctuation */
	    c == 0x00a0 || c == 0x00b7 || c == 0xfeff;
}

size_t
dup_normalise(const char *title, uint32_t *out, size_t max)
{
	const unsigned char	*p = (const unsigned char *)(title ? title : "");
	size_t			 n = 0;
	uint32_t		 c;

	while (*p && n < max) {
		if ((c = next_cp(&p)) == (uint32_t)-1)
			continue;
		if (c >= 0xff01 && c <= 0xff5e && !dropped(c))
			c -= 0xfee0;	/* full-width letters and digits */
		if (dropped(c))
			continue;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		out[n++] = c;
	}
	return n;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The sorted bigrams of n code points; returns how many (n - 1). */
static size_t
bigrams(const uint32_t *cp, size_t n, uint64_t *out)
{
	size_t i;

	if (n < 2)
		return 0;
	for (i = 0; i + 1 < n; i++)
		out[i] = (uint64_t)cp[i] << 32 | cp[i + 1];
	qsort(out, n - 1, sizeof(*out), cmp_u64);
	return n - 1;
}

double
dup_similarity(const char *a, const char *b)
{
	uint32_t	 ca[TITLE_MAX], cb[TITLE_MAX];
	uint64_t	 ba[TITLE_MAX], bb[TITLE_MAX];
	size_t		 na = dup_normalise(a, ca, TITLE_MAX), nb = dup_normalise(b, cb, TITLE_MAX);
	size_t		 ga, gb, i = 0, j = 0, common = 0;

	if (na < 2 || nb < 2)
		return na == nb && na > 0 && memcmp(ca, cb, na * sizeof(*ca)) == 0 ? 1.0 : 0.0;
	ga = bigrams(ca, na, ba);
	gb = bigrams(cb, nb, bb);
	while (i < ga && j < gb) {	/* the multiset intersection of two sorted lists */
		if (ba[i] == bb[j])
			common++, i++, j++;
		else if (ba[i] < bb[j])
			i++;
		else
			j++;
	}
	return 2.0 * (double)common / (double)(ga + gb);
}

struct cand {
	json_t		*o;
	double		 sim;
	long long	 id;
};

static int
cmp_cand(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->sim != b->sim)
		return a->sim > b->sim ? -1 : 1;
	return a->id > b->id ? -1 : a->id < b->id;	/* then the newest */
}

json_t *
duplicates_of(struct db *db, const struct actor *a, const struct db_res *s)
{
	/* Published (public anyway) for every reviewer; waiting ones only
	 * within the actor's sight. */
	static const char sql[] =
	    "SELECT id, title, COALESCE((SELECT name FROM points WHERE points.id = submissions.point_id), "
	    " CONCAT(COALESCE((SELECT name FROM regions WHERE regions.code = submissions.city), ''), '商务局')), "
	    " state, first_submitted_at, state = 'approved' "
	    "FROM submissions WHERE type = 'warning_info' AND id <> ? "
	    "AND first_submitted_at BETWEEN ? - INTERVAL " DUP_DAYS_SQL " DAY AND ? + INTERVAL " DUP_DAYS_SQL " DAY "
	    "AND ((state = 'approved' AND opt_work_exchange = 1) OR (state = 'submitted' AND " LC_VISIBLE_SQL ")) "
	    "AND JSON_VALUE(fields, '$.country') = ? AND JSON_VALUE(fields, '$.measure_type') = ? "
	    "ORDER BY id DESC LIMIT 2000";
	json_t		*fields, *out;
	const char	*at = db_res_str(s, 0, SUB_FIRST_AT), *title = db_res_str(s, 0, SUB_TITLE);
	const char	*country, *measure;
	struct cand	*c;
	struct db_res	 res;
	size_t		 i, n = 0;

	if (a->role != ROLE_PROVINCE && a->role != ROLE_CITY && a->role != ROLE_ADMIN)
		return NULL;
	if (strcmp(db_res_str(s, 0, SUB_TYPE), "warning_info") != 0 || at == NULL)
		return NULL;
	fields = json_loads(db_res_str(s, 0, SUB_FIELDS), 0, NULL);
	country = json_string_value(json_object_get(fields, "country"));
	measure = json_string_value(json_object_get(fields, "measure_type"));
	out = json_array();
	if (country == NULL || measure == NULL) {
		json_decref(fields);
		return out;
	}
	if (db_query(db, &res, sql, "iss" LC_VISIBLE_FMT "ss", db_res_int(s, 0, SUB_ID), at, at,
	    LC_VISIBLE_ARGS(role_name(a->role), a->city, a->point_id), country, measure) != DB_OK) {
		json_decref(fields);
		return out;
	}
	json_decref(fields);
	c = calloc(res.nrows ? res.nrows : 1, sizeof(*c));
	if (c == NULL)
		abort();
	for (i = 0; i < res.nrows; i++) {
		double sim = dup_similarity(title, db_res_str(&res, i, 1));

		if (sim < DUP_THRESHOLD)
			continue;
		c[n].sim = sim;
		c[n].id = db_res_int(&res, i, 0);
		c[n++].o = json_pack("{s:I, s:s, s:s, s:s, s:b, s:o, s:f}",
		    "id", (json_int_t)db_res_int(&res, i, 0), "title", db_res_str(&res, i, 1),
		    "point_name", db_res_str(&res, i, 2), "state", db_res_str(&res, i, 3),
		    "published", (int)db_res_int(&res, i, 5),
		    "submitted_at", app_time(db_res_str(&res, i, 4)),
		    "similarity", (double)(long)(sim * 1000 + 0.5) / 1000);
	}
	db_res_free(&res);
	qsort(c, n, sizeof(*c), cmp_cand);
	for (i = 0; i < n; i++) {
		if (i < DUP_MAX)
			json_array_append_new(out, c[i].o);
		else
			json_decref(c[i].o);
	}
	free(c);
	return out;
}
