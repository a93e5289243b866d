/* yujing — /api/points: warning points (预警点) with every basic-info field
 * of SPEC §2, list filters and paging, field-by-field history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "actor.h"
#include "app.h"
#include "audit.h"
#include "export.h"
#include "history.h"
#include "handlers.h"
#include "points.h"
#include "session.h"
#include "users.h"
#include "validate.h"
#include "validators.h"
#include "worker.h"

const char *
points_nz(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

int
points_scope(struct req *r, long long id, enum access_op op, bool own_data, char city[8])
{
	static const char sql[] = "SELECT city FROM points WHERE id = ?";
	struct db_res	 res;
	int		 rc;
	bool		 found;

	if ((rc = db_query(&r->w->db, &res, sql, "i", id)) != DB_OK) {
		app_db_error(r, rc);
		return -1;
	}
	found = res.nrows == 1;
	if (found)
		snprintf(city, 8, "%s", db_res_str(&res, 0, 0));
	db_res_free(&res);
	if (!found || !access_point(&r->user, ACCESS_READ, id, city, own_data)) {
		http_error(r, ERR_NOT_FOUND, "预警点不存在", NULL);
		return -1;
	}
	if (op == ACCESS_WRITE && !access_point(&r->user, ACCESS_WRITE, id, city, own_data)) {
		http_error(r, ERR_FORBIDDEN, own_data ? "您只能维护本预警点的信息" :
		    "预警点基本信息由省商务厅维护，您没有修改权限", NULL);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- fields */

static const char *
check_type(const char *s)
{
	return strcmp(s, "省级") && strcmp(s, "市级") ? "须为“省级”或“市级”" : NULL;
}

static const char *
check_status(const char *s)
{
	return strcmp(s, "筹建") && strcmp(s, "正式") && strcmp(s, "撤销") ?
	    "须为“筹建”“正式”或“撤销”" : NULL;
}

/* The editable fields, in column order. */
enum {
	P_NAME, P_HOST_ORG, P_TYPE, P_BATCH, P_INDUSTRY, P_CITY, P_DISTRICT,
	P_FOUNDED, P_APPROVAL, P_ADDRESS, P_PHONE, P_FAX, P_WEBSITE, P_EMAIL,
	P_STATUS, P__N, P_VERSION = P__N
};

#define POINT_FIELDS(req) \
	{ "name", "预警点名称", VT_STRING, req, 2, 128, NULL }, \
	{ "host_org", "承办单位", VT_STRING, req, 2, 128, NULL }, \
	{ "type", "类型", VT_STRING, req, 1, 8, check_type }, \
	{ "batch", "预警点批次", VT_STRING, VF_NULLABLE, 0, 32, NULL }, \
	{ "industry", "所属行业", VT_STRING, VF_NULLABLE, 0, 16, NULL }, \
	{ "city", "所属地市", VT_STRING, req, 6, 6, NULL }, \
	{ "district", "所在地区", VT_STRING, VF_NULLABLE, 0, 6, NULL }, \
	{ "founded_year", "成立时间", VT_INT, VF_NULLABLE, 1949, 2100, NULL }, \
	{ "approval_no", "批准文号", VT_STRING, VF_NULLABLE, 0, 64, check_approval_no }, \
	{ "address", "联系地址", VT_STRING, VF_NULLABLE, 0, 255, NULL }, \
	{ "phone", "办公电话", VT_STRING, VF_NULLABLE, 0, 32, check_phone }, \
	{ "fax", "传真", VT_STRING, VF_NULLABLE, 0, 32, check_phone }, \
	{ "website", "预警点网址", VT_STRING, VF_NULLABLE, 0, 255, check_url }, \
	{ "email", "电子邮箱", VT_STRING, VF_NULLABLE, 0, 128, check_email }, \
	{ "status", "状态", VT_STRING, 0, 1, 8, check_status }, \
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL }

static const struct vfield create_fields[] = { POINT_FIELDS(VF_REQUIRED) };
/* In an update, null for a required field is refused rather than ignored. */
static const struct vfield update_fields[] = { POINT_FIELDS(VF_NULLABLE) };

static const char *const point_names[P__N] = {
	"name", "host_org", "type", "batch", "industry", "city", "district",
	"founded_year", "approval_no", "address", "phone", "fax", "website",
	"email", "status",
};

#define POINT_SELECT \
	"SELECT p.id, p.name, p.host_org, p.type, p.batch, p.industry, p.city, p.district, " \
	"p.founded_year, p.approval_no, p.address, p.phone, p.fax, p.website, p.email, " \
	"p.status, p.version, p.created_at, p.updated_at, " \
	"(SELECT COUNT(*) FROM point_enterprises e WHERE e.point_id = p.id AND e.deleted_at IS NULL), " \
	"c.name, d.name, i.name " \
	"FROM points p JOIN regions c ON c.code = p.city " \
	"LEFT JOIN regions d ON d.code = p.district LEFT JOIN industries i ON i.code = p.industry "

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
point_json(const struct db_res *res, size_t i)
{
	json_t	*o = json_object();
	int	 k;

	json_object_set_new(o, "id", json_integer(db_res_int(res, i, 0)));
	for (k = 0; k < P__N; k++) {
		const char *v = db_res_str(res, i, (size_t)k + 1);

		if (k == P_FOUNDED)
			json_object_set_new(o, point_names[k], v ? json_integer(atoll(v)) : json_null());
		else
			json_object_set_new(o, point_names[k], str_or_null(v));
	}
	json_object_set_new(o, "version", json_integer(db_res_int(res, i, 16)));
	json_object_set_new(o, "created_at", app_time(db_res_str(res, i, 17)));
	json_object_set_new(o, "updated_at", app_time(db_res_str(res, i, 18)));
	json_object_set_new(o, "enterprise_count", json_integer(db_res_int(res, i, 19)));
	json_object_set_new(o, "city_name", str_or_null(db_res_str(res, i, 20)));
	json_object_set_new(o, "district_name", str_or_null(db_res_str(res, i, 21)));
	json_object_set_new(o, "industry_name", str_or_null(db_res_str(res, i, 22)));
	return o;
}

static void
answer_point(struct req *r, int status, long long id)
{
	static const char sql[] = POINT_SELECT "WHERE p.id = ?";
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(&r->w->db, &res, sql, "i", id)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (res.nrows == 0)
		http_error(r, ERR_NOT_FOUND, "预警点不存在", NULL);
	else
		http_json(r, status, point_json(&res, 0));
	db_res_free(&res);
}

/* ------------------------------------------------------------------ list */

#define LIST_WHERE \
	" WHERE (? IS NULL OR p.name LIKE ? OR p.host_org LIKE ?)" \
	" AND (? IS NULL OR p.type = ?) AND (? IS NULL OR p.batch = ?)" \
	" AND (? IS NULL OR p.city = ?) AND (? IS NULL OR p.district = ?)" \
	" AND (? IS NULL OR p.industry = ?) AND (? IS NULL OR p.status = ?)" \
	" AND (? IS NULL OR p.id = ?)"

struct list_filter {
	char		*like;
	const char	*type, *batch, *city, *district, *industry, *status;
	long long	 point;		/* 0: any */
};

/* Filters from the query, narrowed to the caller's scope. */
static int
list_filter(struct req *r, struct list_filter *f)
{
	const char *q = points_nz(http_query(r, "q"));

	memset(f, 0, sizeof(*f));
	f->type = points_nz(http_query(r, "type"));
	f->batch = points_nz(http_query(r, "batch"));
	f->city = points_nz(http_query(r, "city"));
	f->district = points_nz(http_query(r, "district"));
	f->industry = points_nz(http_query(r, "industry"));
	f->status = points_nz(http_query(r, "status"));
	if (f->type && check_type(f->type)) {
		http_error(r, ERR_INVALID, "类型须为“省级”或“市级”", "type");
		return -1;
	}
	if (f->status && check_status(f->status)) {
		http_error(r, ERR_INVALID, "状态须为“筹建”“正式”或“撤销”", "status");
		return -1;
	}
	if (r->user.role == ROLE_CITY) {
		if (f->city && strcmp(f->city, r->user.city) != 0) {
			http_error(r, ERR_FORBIDDEN, "您只能查看本地市的预警点", "city");
			return -1;
		}
		f->city = r->user.city;
	} else if (r->user.role == ROLE_POINT)
		f->point = r->user.point_id;
	if (q != NULL)
		f->like = db_like(q);
	return 0;
}

#define LIST_ARGS(f, pp) \
	(f)->like, (f)->like, (f)->like, (f)->type, (f)->type, (f)->batch, (f)->batch, \
	(f)->city, (f)->city, (f)->district, (f)->district, (f)->industry, (f)->industry, \
	(f)->status, (f)->status, (pp), (pp)

void
h_points_list(struct req *r)
{
	static const char count[] = "SELECT COUNT(*) FROM points p" LIST_WHERE;
	static const char rows[] = POINT_SELECT LIST_WHERE " ORDER BY p.id LIMIT ? OFFSET ?";
	struct list_filter f;
	long long	 page, per_page, total, *pp;
	struct db_res	 res;
	json_t		*items;
	size_t		 i;
	int		 rc;

	if (validate_paging(r, &page, &per_page) == -1 || list_filter(r, &f) == -1)
		return;
	pp = f.point ? &f.point : NULL;
	if ((rc = db_query(&r->w->db, &res, count, "sssssssssssssssII", LIST_ARGS(&f, pp))) != DB_OK)
		goto out;
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, rows, "sssssssssssssssIIii", LIST_ARGS(&f, pp),
	    per_page, (page - 1) * per_page)) != DB_OK)
		goto out;
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, point_json(&res, i));
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
out:
	free(f.like);
	if (rc != DB_OK)
		app_db_error(r, rc);
}

/* ---------------------------------------------------------- create, edit */

static int
current_year(void)
{
	return clock_year();
}

/* Checks against the dictionaries and other points.  vals are the complete
 * new values; old NULL for a create.  0, or -1 answered. */
static int
check_point(struct req *r, long long id, char *const *vals, char *const *old)
{
	static const char name_sql[] = "SELECT 1 FROM points WHERE name = ? AND id <> ?";
	static const char city_sql[] = "SELECT 1 FROM regions WHERE code = ? AND level = 'city'";
	static const char district_sql[] = "SELECT city_code, status FROM regions WHERE code = ? AND level = 'district'";
	static const char industry_sql[] = "SELECT 1 FROM industries WHERE code = ?";
	struct db	*db = &r->w->db;
	struct db_res	 res;
	char		 msg[256];
	bool		 ok, abolished = false;
	int		 rc;

	if ((rc = db_query(db, &res, name_sql, "si", vals[P_NAME], id)) != DB_OK)
		goto dberr;
	ok = res.nrows == 0;
	db_res_free(&res);
	if (!ok) {
		snprintf(msg, sizeof(msg), "预警点名称“%s”已存在", vals[P_NAME]);
		http_error(r, ERR_INVALID, msg, "name");
		return -1;
	}
	if ((rc = db_query(db, &res, city_sql, "s", vals[P_CITY])) != DB_OK)
		goto dberr;
	ok = res.nrows == 1;
	db_res_free(&res);
	if (!ok) {
		http_error(r, ERR_INVALID, "所属地市须为浙江省 11 个地市之一（行政区划代码，如杭州市 330100）", "city");
		return -1;
	}
	if (points_nz(vals[P_DISTRICT])) {
		if ((rc = db_query(db, &res, district_sql, "s", vals[P_DISTRICT])) != DB_OK)
			goto dberr;
		ok = res.nrows == 1 && !strcmp(db_res_str(&res, 0, 0), vals[P_CITY]);
		abolished = ok && strcmp(db_res_str(&res, 0, 1), "current") != 0;
		db_res_free(&res);
		if (!ok) {
			http_error(r, ERR_INVALID, "所在地区须为所属地市下辖的区县（行政区划代码）", "district");
			return -1;
		}
		/* Records from before 2021 keep 下城区 and 江干区; new ones may not. */
		if (abolished && (old == NULL || !points_nz(old[P_DISTRICT]) ||
		    strcmp(old[P_DISTRICT], vals[P_DISTRICT]) != 0)) {
			http_error(r, ERR_INVALID, "该区县已于 2021 年撤销，请选择现行区县", "district");
			return -1;
		}
	}
	if (points_nz(vals[P_INDUSTRY])) {
		if ((rc = db_query(db, &res, industry_sql, "s", vals[P_INDUSTRY])) != DB_OK)
			goto dberr;
		ok = res.nrows == 1;
		db_res_free(&res);
		if (!ok) {
			http_error(r, ERR_INVALID, "所属行业须为行业字典中的代码（见 /api/dicts/industries）", "industry");
			return -1;
		}
	}
	if (points_nz(vals[P_FOUNDED]) && atoi(vals[P_FOUNDED]) > current_year()) {
		snprintf(msg, sizeof(msg), "成立时间不能晚于今年（%d 年）", current_year());
		http_error(r, ERR_INVALID, msg, "founded_year");
		return -1;
	}
	return 0;
dberr:
	app_db_error(r, rc);
	return -1;
}

/* The value of a validated field as text (NULL: none). */
static char *
field_text(const struct vval *v, enum vtype t)
{
	char buf[32];

	if (!v->present || v->null)
		return NULL;
	if (t == VT_INT) {
		snprintf(buf, sizeof(buf), "%lld", v->i);
		return strdup(buf);
	}
	return *v->s ? strdup(v->s) : NULL;
}

static void
free_vals(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
}

static int
store(struct req *r, long long *id, char *const *vals, long long version)
{
	static const char ins[] =
	    "INSERT INTO points (name, host_org, type, batch, industry, city, district, "
	    "founded_year, approval_no, address, phone, fax, website, email, status, "
	    "version, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NOW(), NOW())";
	static const char upd[] =
	    "UPDATE points SET name = ?, host_org = ?, type = ?, batch = ?, industry = ?, "
	    "city = ?, district = ?, founded_year = ?, approval_no = ?, address = ?, "
	    "phone = ?, fax = ?, website = ?, email = ?, status = ?, version = version + 1, "
	    "updated_at = NOW() WHERE id = ? AND version = ?";
	const char	*batch = vals[P_BATCH];
	int		 rc;

	if (*id == 0) {
		rc = db_exec(&r->w->db, ins, "sssssssssssssss", vals[0], vals[1], vals[2], batch,
		    vals[4], vals[5], vals[6], vals[7], vals[8], vals[9], vals[10], vals[11],
		    vals[12], vals[13], vals[14]);
		if (rc >= 0)
			*id = (long long)db_insert_id(&r->w->db);
	} else
		rc = db_exec(&r->w->db, upd, "sssssssssssssssii", vals[0], vals[1], vals[2], batch,
		    vals[4], vals[5], vals[6], vals[7], vals[8], vals[9], vals[10], vals[11],
		    vals[12], vals[13], vals[14], *id, version);
	return rc;
}

void
h_points_create(struct req *r)
{
	struct actor	 actor = app_actor(r);
	struct vval	 v[P__N + 1];
	char		*vals[P__N] = { 0 };
	long long	 id = 0;
	struct db	*db = &r->w->db;
	int		 k, rc;

	if (validate_object(r, r->json, create_fields, P__N + 1, v) == -1)
		return;
	for (k = 0; k < P__N; k++)
		vals[k] = field_text(&v[k], create_fields[k].type);
	if (vals[P_STATUS] == NULL)
		vals[P_STATUS] = strdup("筹建");
	if ((rc = db_begin(db)) != DB_OK)
		goto dberr;
	if (check_point(r, 0, vals, NULL) == -1) {
		db_rollback(db);
		goto out;
	}
	if ((rc = store(r, &id, vals, 0)) < 0)
		goto dberr;
	if ((rc = history_diff(&r->w->db, &actor, id, "point", id, "create", point_names, NULL,
	    (const char *const *)vals, P__N)) != DB_OK ||
	    (rc = audit_req(r, "point.create", "point", id, json_pack("{s:s}", "name", vals[P_NAME]))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	answer_point(r, 201, id);
	goto out;
dberr:
	db_rollback(db);
	if (rc == DB_DUPLICATE)
		http_error(r, ERR_INVALID, "预警点名称已存在", "name");
	else
		app_db_error(r, rc);
out:
	free_vals(vals, P__N);
}

void
h_points_get(struct req *r)
{
	char city[8];

	if (points_scope(r, r->params[0], ACCESS_READ, false, city) == -1)
		return;
	answer_point(r, 200, r->params[0]);
}

void
h_points_update(struct req *r)
{
	struct actor	 actor = app_actor(r);
	static const char get[] =
	    "SELECT name, host_org, type, batch, industry, city, district, founded_year, "
	    "approval_no, address, phone, fax, website, email, status, version "
	    "FROM points WHERE id = ? FOR UPDATE";
	struct vval	 v[P__N + 1];
	char		*vals[P__N] = { 0 }, *old[P__N] = { 0 }, city[8];
	long long	 id = r->params[0];
	struct db	*db = &r->w->db;
	struct db_res	 res;
	json_t		*changed;
	int		 k, rc, moved = 0;

	if (points_scope(r, id, ACCESS_WRITE, false, city) == -1 ||
	    validate_object(r, r->json, update_fields, P__N + 1, v) == -1)
		return;
	if (!v[P_VERSION].present) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return;
	}
	for (k = 0; k < P__N; k++)
		if (v[k].present && v[k].null && (create_fields[k].flags & VF_REQUIRED)) {
			char msg[128];

			snprintf(msg, sizeof(msg), "%s不能为空", create_fields[k].label);
			http_error(r, ERR_INVALID, msg, point_names[k]);
			return;
		}
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = db_query(db, &res, get, "i", id)) != DB_OK)
		goto dberr;
	if (res.nrows == 0) {
		db_res_free(&res);
		db_rollback(db);
		http_error(r, ERR_NOT_FOUND, "预警点不存在", NULL);
		return;
	}
	for (k = 0; k < P__N; k++) {
		const char *o = db_res_str(&res, 0, (size_t)k);

		old[k] = o ? strdup(o) : NULL;
		vals[k] = v[k].present ? field_text(&v[k], update_fields[k].type) : (o ? strdup(o) : NULL);
	}
	if (db_res_int(&res, 0, P__N) != v[P_VERSION].i) {
		db_res_free(&res);
		db_rollback(db);
		http_error(r, ERR_CONFLICT, "该预警点已被他人修改，请刷新后重试", "version");
		goto out;
	}
	db_res_free(&res);
	if (check_point(r, id, vals, old) == -1) {
		db_rollback(db);
		goto out;
	}
	changed = json_array();
	for (k = 0; k < P__N; k++)
		if ((points_nz(old[k]) == NULL) != (points_nz(vals[k]) == NULL) ||
		    (points_nz(old[k]) && strcmp(old[k], vals[k])))
			json_array_append_new(changed, json_string(point_names[k]));
	if (json_array_size(changed) == 0) {	/* nothing changes: no new version */
		json_decref(changed);
		db_rollback(db);
		answer_point(r, 200, id);
		goto out;
	}
	if ((rc = store(r, &id, vals, v[P_VERSION].i)) < 0) {
		json_decref(changed);
		goto dberr;
	}
	if (rc != 1) {		/* the version moved under the lock: never, but say so */
		json_decref(changed);
		db_rollback(db);
		http_error(r, ERR_CONFLICT, "该预警点已被他人修改，请刷新后重试", "version");
		goto out;
	}
	/* A point that moves takes its accounts' scope along. */
	if (strcmp(points_nz(old[P_CITY]) ? old[P_CITY] : "", vals[P_CITY]) != 0 &&
	    (rc = users_follow_point(db, id, vals[P_CITY], &actor, &moved)) != DB_OK) {
		json_decref(changed);
		goto dberr;
	}
	if ((rc = history_diff(&r->w->db, &actor, id, "point", id, "update", point_names,
	    (const char *const *)old, (const char *const *)vals, P__N)) != DB_OK ||
	    (rc = audit_req(r, "point.update", "point", id, json_pack("{s:o}", "fields", changed))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	if (moved > 0)
		session_cache_bump();	/* cached sessions carry the old city */
	answer_point(r, 200, id);
	goto out;
dberr:
	db_rollback(db);
	if (rc == DB_DUPLICATE)
		http_error(r, ERR_INVALID, "预警点名称已存在", "name");
	else
		app_db_error(r, rc);
out:
	free_vals(vals, P__N);
	free_vals(old, P__N);
}

/* ---------------------------------------------------------------- history */

void
h_points_history(struct req *r)
{
	static const char count[] = "SELECT COUNT(*) FROM point_history WHERE point_id = ?";
	static const char rows[] =
	    "SELECT at, username, entity, entity_id, action, field, old_value, new_value "
	    "FROM point_history WHERE point_id = ? ORDER BY id DESC LIMIT ? OFFSET ?";
	long long	 page, per_page, total;
	struct db_res	 res;
	json_t		*items;
	char		 city[8];
	size_t		 i;
	int		 rc;

	if (validate_paging(r, &page, &per_page) == -1 ||
	    points_scope(r, r->params[0], ACCESS_READ, false, city) == -1)
		return;
	if ((rc = db_query(&r->w->db, &res, count, "i", r->params[0])) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, rows, "iii", r->params[0], per_page,
	    (page - 1) * per_page)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:o, s:s, s:s, s:o, s:s, s:s, s:o, s:o}",
		    "at", app_time(db_res_str(&res, i, 0)),
		    "user", db_res_str(&res, i, 1),
		    "entity", db_res_str(&res, i, 2),
		    "entity_id", db_res_null(&res, i, 3) ? json_null() : json_integer(db_res_int(&res, i, 3)),
		    "action", db_res_str(&res, i, 4),
		    "field", db_res_str(&res, i, 5),
		    "old", str_or_null(db_res_str(&res, i, 6)),
		    "new", str_or_null(db_res_str(&res, i, 7))));
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
}

/* ---------------------------------------------------------------- export */

/* 导出预警点联系人信息: the list's filters and scope; one row per point with
 * its first responsible person, mobile preferred over the landline.  The
 * seed's export labels the district "所属地市"; both are given. */
static void
contacts(struct req *r, bool xlsx)
{
	static const char sql[] =
	    "SELECT p.name, c.name, d.name, rp.name, COALESCE(rp.mobile, rp.phone) "
	    "FROM points p JOIN regions c ON c.code = p.city "
	    "LEFT JOIN regions d ON d.code = p.district "
	    "LEFT JOIN point_people rp ON rp.id = (SELECT MIN(x.id) FROM point_people x "
	    "  WHERE x.point_id = p.id AND x.kind = 'responsible' AND x.deleted_at IS NULL)"
	    LIST_WHERE " ORDER BY c.sort, p.id LIMIT 100000";
	static const char *const headers[] = {
		"预警点名称", "所属地市", "所在地区", "负责人名字", "负责人电话",
	};
	struct list_filter f;
	struct xtable	 t;
	struct db_res	 res;
	long long	*pp;
	int		 rc;

	if (list_filter(r, &f) == -1)
		return;
	pp = f.point ? &f.point : NULL;
	rc = db_query(&r->w->db, &res, sql, "sssssssssssssssII", LIST_ARGS(&f, pp));
	free(f.like);
	if (rc != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	memset(&t, 0, sizeof(t));
	t.title = "预警点联系人";
	t.ncols = 5;
	t.headers = headers;
	t.nrows = res.nrows;
	t.cells = (const char *const *)res.cells;
	app_export(r, &t, xlsx, "预警点联系人", "contacts");
	db_res_free(&res);
}

void
h_points_contacts_xlsx(struct req *r)
{
	contacts(r, true);
}

void
h_points_contacts_csv(struct req *r)
{
	contacts(r, false);
}
