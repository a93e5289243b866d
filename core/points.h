/* yujing — warning points (预警点): who may see and change which point,
 * what a valid point is (its type and status, a unique name, a city of the
 * province, a current district of that city, an industry of the
 * dictionary, a founding year not in the future), the optimistic version
 * of an edit, and its effects: the field-by-field history (变更历史), the
 * audit row, and a point's accounts following it to another city.  The
 * API's point handlers and those of its people, enterprises and leadership
 * go through it.  Each function takes an actor and answers 0, or -1 with
 * the outcome (not_found for a point that does not exist or may not even
 * be read, the same answer so that ids leak nothing; forbidden; conflict;
 * invalid with field and a Chinese message; or a db error), rolled back. */
#ifndef YJ_POINTS_H
#define YJ_POINTS_H

#include <stdbool.h>

#include <jansson.h>

#include "access.h"
#include "actor.h"
#include "db.h"
#include "http.h"
#include "outcome.h"

/* The editable fields of a point, in column order. */
enum points_field {
	PF_NAME, PF_HOST_ORG, PF_TYPE, PF_BATCH, PF_INDUSTRY, PF_CITY, PF_DISTRICT,
	PF_FOUNDED, PF_APPROVAL, PF_ADDRESS, PF_PHONE, PF_FAX, PF_WEBSITE, PF_EMAIL,
	PF_STATUS, PF__N
};
/* Their names in the API, the history and the audit ("name" …). */
extern const char *const points_field_names[PF__N];

/* A point's fields as text (founded_year in decimal).  value NULL or "":
 * none.  For a create every field counts (status none: 筹建); for an
 * update only those given, a given NULL clearing the field. */
struct point_input {
	const char	*value[PF__N];
	bool		 given[PF__N];
	long long	 version;	/* update: the version the edit is based on */
};

/* The list's filters (NULL or "": any), narrowed to the actor's scope;
 * page and per_page as validated (the contacts export takes no page). */
struct points_query {
	const char	*q;		/* in the name or the host organisation */
	const char	*type, *batch, *city, *district, *industry, *status;
	long long	 page, per_page;
};

/* NULL when s is a valid type (省级, 市级) or status (筹建, 正式, 撤销),
 * else what it must be. */
const char *points_check_type(const char *);
const char *points_check_status(const char *);

/* May the actor act on the point (own_data: its people, enterprises and
 * leadership, which a point account keeps itself)?  0 with the point's
 * city, or -1: not_found when it does not exist or may not even be read,
 * forbidden when it may be read but not changed. */
int	 points_access(struct db *, const struct actor *, long long id, enum access_op,
	    bool own_data, char city[8], struct outcome *);

/* A page of the points the actor may see, by id; *total before paging. */
int	 points_list(struct db *, const struct actor *, const struct points_query *,
	    json_t **items, long long *total, struct outcome *);
/* The point with its names of city, district and industry and its number
 * of enterprises. */
int	 points_get(struct db *, const struct actor *, long long id, json_t **point,
	    struct outcome *);
/* A new point (the province's or the admin's); *id its id. */
int	 points_create(struct db *, const struct actor *, const struct point_input *,
	    long long *id, struct outcome *);
/* Changes the given fields at in->version; nothing written when no value
 * changes.  A point moving to another city takes its accounts along. */
int	 points_update(struct db *, const struct actor *, long long id,
	    const struct point_input *, struct outcome *);
/* A page of the point's history, newest first. */
int	 points_history(struct db *, const struct actor *, long long id, long long page,
	    long long per_page, json_t **items, long long *total, struct outcome *);
/* 导出预警点联系人: the list's filters and scope, by city then id; one
 * row per point, POINTS_CONTACT_COLS columns: name, city, district, its
 * first responsible person and their mobile (else landline).  Free *rows
 * with db_res_free. */
#define POINTS_CONTACT_COLS 5
int	 points_contacts(struct db *, const struct actor *, const struct points_query *,
	    struct db_res *rows, struct outcome *);

/* For the handlers of a point's people, enterprises and leadership:
 * points_access for the request's user, answered (404, 403 or the db
 * error) when it is -1. */
int	 points_scope(struct req *, long long point_id, enum access_op, bool own_data,
	    char city[8]);

/* An empty string is no value. */
const char *points_nz(const char *);

#endif
