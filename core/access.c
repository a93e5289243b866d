/* yujing — the one access-control mechanism; everything not allowed here
 * is denied. */
#include "access.h"

#include <string.h>

static const struct {
	int		 role;
	const char	*name;
	const char	*label;
} roles[] = {
	{ ROLE_ADMIN,	 "admin",    "系统管理员" },
	{ ROLE_PROVINCE, "province", "省商务厅预警工作联系人" },
	{ ROLE_CITY,	 "city",     "地市商务局" },
	{ ROLE_POINT,	 "point",    "预警点" },
	{ ROLE_EDITOR,	 "editor",   "《浙江商务》杂志编辑" },
};

const char *
role_name(int role)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == role)
			return roles[i].name;
	return NULL;
}

const char *
role_label(int role)
{
	size_t i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == role)
			return roles[i].label;
	return NULL;
}

int
role_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (!strcmp(roles[i].name, s))
			return roles[i].role;
	return 0;
}

bool
access_role(const struct user *u, unsigned allowed)
{
	if (u == NULL || u->id <= 0 || role_name(u->role) == NULL)
		return false;
	return (allowed & (unsigned)u->role) != 0;
}

bool
access_point(const struct user *u, enum access_op op, long long point_id,
    const char *point_city, bool own_data)
{
	if (u == NULL || u->id <= 0 || point_id <= 0)
		return false;
	switch (u->role) {
	case ROLE_ADMIN:
	case ROLE_PROVINCE:
		return true;
	case ROLE_CITY:
		return op == ACCESS_READ && point_city != NULL &&
		    u->city[0] != '\0' && strcmp(u->city, point_city) == 0;
	case ROLE_POINT:
		if (u->point_id != point_id)
			return false;
		return op == ACCESS_READ || own_data;
	default:
		return false;
	}
}
