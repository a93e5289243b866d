/* yujing — who may do what: role and scope (point, city), default deny. */
#ifndef YJ_ACCESS_H
#define YJ_ACCESS_H

#include <stdbool.h>

#include "http.h"

enum role {
	ROLE_ADMIN	= 1 << 0,	/* 系统管理员 */
	ROLE_PROVINCE	= 1 << 1,	/* 省商务厅预警工作联系人 */
	ROLE_CITY	= 1 << 2,	/* 地市商务局 */
	ROLE_POINT	= 1 << 3,	/* 预警点 */
	ROLE_EDITOR	= 1 << 4,	/* 《浙江商务》杂志编辑 */
};
#define ROLE_ANY (ROLE_ADMIN | ROLE_PROVINCE | ROLE_CITY | ROLE_POINT | ROLE_EDITOR)

enum access_op {
	ACCESS_READ,
	ACCESS_WRITE,
};

const char *role_name(int role);	/* "admin" …; NULL for none */
const char *role_label(int role);	/* 系统管理员 … */
int	 role_parse(const char *);	/* 0 when unknown */

/* Route level: may this user call a route open to these roles? */
bool	 access_role(const struct user *, unsigned roles);

/* Scope of a warning point's data.  point_city is the point's city code.
 * Province and admin: everything; city: read its own city's points;
 * point: read its own point, write only where own_data is true (its people,
 * enterprises, leadership); editor: nothing.  Anything else: deny. */
bool	 access_point(const struct user *, enum access_op, long long point_id,
	    const char *point_city, bool own_data);

#endif
