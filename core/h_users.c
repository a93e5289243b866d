/* yujing — /api/users: accounts, managed by the admin. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "actor.h"
#include "app.h"
#include "outcome.h"
#include "audit.h"
#include "handlers.h"
#include "password.h"
#include "session.h"
#include "users.h"
#include "validate.h"
#include "worker.h"

#define USER_COLS \
	"id, username, name, role, point_id, city, disabled, version, created_at, updated_at"

static json_t *
user_json(const struct db_res *res, size_t i)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b, s:I, s:o, s:o}",
	    "id", (json_int_t)db_res_int(res, i, 0),
	    "username", db_res_str(res, i, 1),
	    "name", db_res_str(res, i, 2),
	    "role", db_res_str(res, i, 3),
	    "point_id", db_res_null(res, i, 4) ? json_null() : json_integer(db_res_int(res, i, 4)),
	    "city", db_res_null(res, i, 5) ? json_null() : json_string(db_res_str(res, i, 5)),
	    "disabled", (int)db_res_int(res, i, 6),
	    "version", (json_int_t)db_res_int(res, i, 7),
	    "created_at", app_time(db_res_str(res, i, 8)),
	    "updated_at", app_time(db_res_str(res, i, 9)));
}

static void
answer_user(struct req *r, int status, long long id)
{
	static const char sql[] =
	    "SELECT " USER_COLS " FROM users WHERE id = ? AND deleted_at IS NULL";
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(&r->w->db, &res, sql, "i", id)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (res.nrows == 0)
		http_error(r, ERR_NOT_FOUND, "用户不存在", NULL);
	else
		http_json(r, status, user_json(&res, 0));
	db_res_free(&res);
}

void
h_users_list(struct req *r)
{
#define USERS_WHERE \
	" FROM users WHERE deleted_at IS NULL" \
	" AND (? IS NULL OR username LIKE ? OR name LIKE ?)" \
	" AND (? IS NULL OR role = ?)" \
	" AND (? IS NULL OR disabled = ?)"
	static const char sql_count[] = "SELECT COUNT(*)" USERS_WHERE;
	static const char sql_items[] =
	    "SELECT " USER_COLS USERS_WHERE " ORDER BY id LIMIT ? OFFSET ?";
	long long	 page, per_page, dis;
	const char	*q, *role;
	char		*pat = NULL;
	struct db_res	 res;
	json_t		*items;
	int		 disabled, rc;
	size_t		 i;
	long long	 total;

	if (validate_paging(r, &page, &per_page) == -1)
		return;
	if ((disabled = validate_query_bool(r, "disabled", "是否停用")) == -2)
		return;
	q = http_query(r, "q");
	if (q != NULL && *q == '\0')
		q = NULL;
	role = http_query(r, "role");
	if (role != NULL && *role == '\0')
		role = NULL;
	if (role != NULL && role_parse(role) == 0) {
		http_error(r, ERR_INVALID, "角色须为 admin、province、city、point、editor 之一", "role");
		return;
	}
	if (q != NULL)
		pat = db_like(q);
	dis = disabled;
	rc = db_query(&r->w->db, &res, sql_count, "sssssII", pat, pat, pat, role, role,
	    disabled >= 0 ? &dis : NULL, disabled >= 0 ? &dis : NULL);
	if (rc != DB_OK)
		goto out;
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	rc = db_query(&r->w->db, &res, sql_items, "sssssIIii", pat, pat, pat, role, role,
	    disabled >= 0 ? &dis : NULL, disabled >= 0 ? &dis : NULL,
	    per_page, (page - 1) * per_page);
	if (rc != DB_OK)
		goto out;
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, user_json(&res, i));
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
out:
	free(pat);
	if (rc != DB_OK)
		app_db_error(r, rc);
}

static const char *
check_username(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return "只能包含字母、数字、下划线、点和连字符";
	return NULL;
}

/* Create needs the first four; update takes any of them but username. */
#define USER_FIELDS(req) \
	{ "username", "用户名", VT_STRING, req, 3, 32, check_username }, \
	{ "name", "姓名", VT_STRING, req, 1, 64, NULL }, \
	{ "role", "角色", VT_STRING, req, 1, 16, NULL }, \
	{ "password", "密码", VT_STRING, (req) | VF_RAW, 1, 256, NULL }, \
	{ "point_id", "所属预警点", VT_INT, VF_NULLABLE, 1, 0x7fffffffffffffffLL, NULL }, \
	{ "city", "所属地市", VT_STRING, VF_NULLABLE, 6, 6, NULL }, \
	{ "disabled", "是否停用", VT_BOOL, 0, 0, 0, NULL }, \
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL }
static const struct vfield create_fields[] = { USER_FIELDS(VF_REQUIRED) };
static const struct vfield update_fields[] = { USER_FIELDS(0) };
enum { F_USERNAME, F_NAME, F_ROLE, F_PASSWORD, F_POINT, F_CITY, F_DISABLED, F_VERSION, F__N };

void
h_users_create(struct req *r)
{
	struct vval		 v[F__N];
	struct users_input	 in;
	struct outcome		 e;
	struct actor		 actor = app_actor(r);
	long long		 id;

	if (validate_object(r, r->json, create_fields, F__N, v) == -1)
		return;
	memset(&in, 0, sizeof(in));
	in.username = v[F_USERNAME].s;
	in.name = v[F_NAME].s;
	in.role = v[F_ROLE].s;
	in.password = v[F_PASSWORD].s;
	in.point_id = v[F_POINT].present && !v[F_POINT].null ? v[F_POINT].i : 0;
	in.city = v[F_CITY].present && !v[F_CITY].null ? v[F_CITY].s : NULL;
	in.disabled = v[F_DISABLED].present && v[F_DISABLED].b;
	if (users_create(&r->w->db, r->w->cfg, &in, &actor, &id, &e) != 0) {
		app_outcome(r, &e);
		return;
	}
	answer_user(r, 201, id);
}

void
h_users_get(struct req *r)
{
	answer_user(r, 200, r->params[0]);
}

void
h_users_update(struct req *r)
{
	struct vval		 v[F__N];
	struct users_patch	 p;
	struct outcome		 e;
	struct actor		 actor = app_actor(r);

	if (validate_object(r, r->json, update_fields, F__N, v) == -1)
		return;
	if (!v[F_VERSION].present) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return;
	}
	if (v[F_USERNAME].present) {
		http_error(r, ERR_INVALID, "用户名创建后不能修改", "username");
		return;
	}
	memset(&p, 0, sizeof(p));
	p.version = v[F_VERSION].i;
	p.name = v[F_NAME].present ? v[F_NAME].s : NULL;
	p.role = v[F_ROLE].present ? v[F_ROLE].s : NULL;
	p.password = v[F_PASSWORD].present ? v[F_PASSWORD].s : NULL;
	p.set_point = v[F_POINT].present;
	p.point_id = v[F_POINT].present && !v[F_POINT].null ? v[F_POINT].i : 0;
	p.set_city = v[F_CITY].present;
	p.city = v[F_CITY].present && !v[F_CITY].null ? v[F_CITY].s : NULL;
	p.set_disabled = v[F_DISABLED].present;
	p.disabled = v[F_DISABLED].b;
	if (users_update(&r->w->db, r->w->cfg, r->params[0], &p, &actor, &e) != 0) {
		app_outcome(r, &e);
		return;
	}
	answer_user(r, 200, r->params[0]);
}

void
h_users_delete(struct req *r)
{
	struct outcome	 e;
	struct actor	 actor = app_actor(r);

	if (users_delete(&r->w->db, r->params[0], &actor, &e) != 0) {
		app_outcome(r, &e);
		return;
	}
	http_no_content(r);
}
