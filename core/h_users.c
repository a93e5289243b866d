/* yujing — /api/users: accounts, managed by the admin. */
#include <ctype.h>
#include <string.h>

#include "actor.h"
#include "app.h"
#include "outcome.h"
#include "handlers.h"
#include "users.h"
#include "validate.h"
#include "worker.h"

static void
answer_user(struct req *r, int status, long long id)
{
	struct outcome	 e;
	struct actor	 actor = app_actor(r);
	json_t		*u;

	if (users_get(&r->w->db, &actor, id, &u, &e) != 0) {
		app_outcome(r, &e);
		return;
	}
	http_json(r, status, u);
}

void
h_users_list(struct req *r)
{
	struct users_query	 q;
	struct outcome		 e;
	struct actor		 actor = app_actor(r);
	json_t			*items;
	long long		 total;

	memset(&q, 0, sizeof(q));
	if (validate_paging(r, &q.page, &q.per_page) == -1)
		return;
	if ((q.disabled = validate_query_bool(r, "disabled", "是否停用")) == -2)
		return;
	q.q = http_query(r, "q");
	q.role = http_query(r, "role");
	if (users_list(&r->w->db, &actor, &q, &items, &total, &e) != 0) {
		app_outcome(r, &e);
		return;
	}
	http_list(r, items, total, q.page, q.per_page);
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
