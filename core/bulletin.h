/* yujing — the monthly bulletin (预警信息专刊): the warnings published in a
 * month (approved with 发布到预警工作交流, in the month of that approval;
 * a reverted one is no longer published and is not in it), grouped by
 * measure type and then country, with a contents list, as a PDF (A4, made
 * with cairo and pango: real, selectable text, page numbers, the contents
 * with each group's page, a bookmark per group) and as HTML.
 *
 * Who: the province reads the whole province's, a city its city's (its
 * points' and its own); anyone else is refused (403).
 *
 * The pure part (the month's name, the grouping) is separate from the
 * database and the drawing, for unit tests. */
#ifndef YJ_BULLETIN_H
#define YJ_BULLETIN_H

#include <stdbool.h>
#include <stddef.h>

#include "actor.h"
#include "buf.h"
#include "db.h"
#include "outcome.h"

enum bulletin_format {
	BULLETIN_PDF,
	BULLETIN_HTML,
};

/* "2019-05.pdf" or "2019-05.html": 0 with year, month and format, -1 when
 * the name is not a month (year 2000–2999, month 01–12) with one of the
 * two extensions. */
int	 bulletin_parse_name(const char *name, int *year, int *month,
	    enum bulletin_format *fmt);

struct bulletin_item {
	long long	 id;
	char		*title;
	char		*measure_code, *measure_name;
	char		*country_code, *country_name;
	long long	 measure_sort, country_sort;	/* the dictionaries' order */
	char		*industry_name;
	char		*point_name;	/* the point, or the city's 商务局 */
	char		*published_at;	/* "YYYY-MM-DD HH:MM:SS" */
	char		*hs_codes;	/* "6109、6110", or "" */
	char		*source_url;	/* or "" */
	char		*content;
};

/* A run of items of one measure type and country. */
struct bulletin_group {
	size_t		 first, n;	/* items[first .. first + n) */
	bool		 new_measure;	/* the first group of its measure type */
	int		 page;		/* PDF: the page its heading is on */
};

struct bulletin {
	int		 year, month;
	char		 scope[64];	/* 全省 or the city's name */
	char		 made_at[20];	/* when it was made (clock.h) */
	struct bulletin_item *items;
	size_t		 nitems;
	struct bulletin_group *groups;
	size_t		 ngroups;
};

/* Sorts the items by measure type, country (each in its dictionary's
 * order, then by code), time of publication and id, and fills groups. */
void	 bulletin_group(struct bulletin *);
void	 bulletin_free(struct bulletin *);

/* Loads the month's published warnings within the actor's sight, grouped:
 * 0, or -1 with the outcome (forbidden for a role other than province and
 * city, db). */
int	 bulletin_load(struct db *, const struct actor *, int year, int month,
	    struct bulletin *, struct outcome *);

/* Appends the bulletin as a PDF; 0, or -1 when cairo failed. */
int	 bulletin_pdf(struct bulletin *, struct buf *out);
/* Appends it as an HTML page (UTF-8, escaped). */
void	 bulletin_html(const struct bulletin *, struct buf *out);

/* At exit, when no thread makes a PDF any more: frees what fontconfig
 * keeps for the whole process (its configuration and font caches). */
void	 bulletin_cleanup(void);

#endif
