/* yujing — warning points: shared by the handlers of the point, its
 * people, enterprises, leadership and history. */
#ifndef YJ_POINTS_H
#define YJ_POINTS_H

#include "access.h"
#include "http.h"

/* Loads the point's city and checks the caller may act on it (own_data:
 * the point's people, enterprises and leadership, which a point account
 * keeps itself).  0, or -1 answered: 404 when it does not exist or may not
 * even be read (the same answer, so ids leak nothing), 403 when it may be
 * read but not changed. */
int	 points_scope(struct req *, long long point_id, enum access_op, bool own_data,
	    char city[8]);

/* An empty string is no value. */
const char *points_nz(const char *);

#endif
