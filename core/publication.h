/* yujing — what the public sees: published warnings (an approved
 * warning_info with 发布到预警工作交流), a point's sub-site and its posts,
 * the feeds; and the filters subscriptions and channels use to pick
 * warnings.  Nothing here reads a draft, an opinion or a reviewer. */
#ifndef YJ_PUBLICATION_H
#define YJ_PUBLICATION_H

/* Published (public): an approved warning_info passed with 发布到预警工作交流,
 * over submissions aliased s.  The public answers, the feeds and the
 * bulletin all read this one condition. */
#define PUB_WHERE \
	"s.type = 'warning_info' AND s.state = 'approved' AND s.opt_work_exchange = 1"

#include <stdbool.h>

#include <jansson.h>

#include "buf.h"
#include "db.h"

/* The public list's filters; NULL or 0: any. */
struct pub_filter {
	const char	*country, *industry, *measure_type;
	const char	*hs;		/* digits: a prefix of one of its HS codes */
	const char	*q;		/* in the title or the content */
	const char	*from, *to;	/* "YYYY-MM-DD", publication day, inclusive */
	long long	 point_id;
};

/* A page of published warnings, newest first: items (stolen by the
 * caller) and the total.  DB_OK or a db_rc. */
int	 pub_list(struct db *, const struct pub_filter *, long long page, long long per_page,
	    json_t **items, long long *total);
/* One published warning, or *out NULL when there is none (not published,
 * not a warning, no such id). */
int	 pub_get(struct db *, long long id, json_t **out);
/* The newest change any public list could show (publication or
 * unpublication), for ETags: "count-maxid-maxtime". */
int	 pub_stamp(struct db *, char *out, size_t outsz);

/* A point's public sub-site, *out NULL when none; its approved posts of a
 * column (NULL: every column). */
int	 pub_point(struct db *, long long id, json_t **out);
int	 pub_posts(struct db *, long long point_id, const char *column, long long page,
	    long long per_page, json_t **items, long long *total);

/* The feeds of a list of warnings (pub_list's items).  self: the feed's own
 * URL with its query; site: the public base URL. */
void	 pub_atom(const json_t *items, const char *self, const char *site, struct buf *out);
void	 pub_jsonfeed(const json_t *items, const char *self, const char *site, struct buf *out);

/* The link of a published warning for people. */
void	 pub_link(const char *site, long long id, char *out, size_t outsz);

/* Subscription and channel filters: {"industries", "countries",
 * "measure_types", "hs_prefixes"}, each a list, empty meaning all. */
bool	 pub_filters_match(const json_t *filters, const json_t *warning);
/* Checks and normalises filters from a request body: 0 and *out a new
 * object, or -1 with field and a Chinese message. */
int	 pub_filters_parse(struct db *, const json_t *in, json_t **out, char *field, size_t fieldsz,
	    char *msg, size_t msgsz, int *dbrc);

#endif
