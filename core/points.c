/* yujing — warning point rules: scope, validity, edits and their history. */
#include "points.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "clock.h"
#include "history.h"
#include "session.h"
#include "users.h"

const char *const points_field_names[PF__N] = {
	"name", "host_org", "type", "batch", "industry", "city", "district",
	"founded_year", "approval_no", "address", "phone", "fax", "website",
	"email", "status",
};

const char *
points_nz(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

const char *
points_check_type(const char *s)
{
	return strcmp(s, "省级") && strcmp(s, "市级") ? "须为“省级”或“市级”" : NULL;
}

const char *
points_check_status(const char *s)
{
	return strcmp(s, "筹建") && strcmp(s, "正式") && strcmp(s, "撤销") ?
	    "须为“筹建”“正式”或“撤销”" : NULL;
}

static int
dbfail(struct db *db, struct outcome *e, int rc)
{
	db_rollback(db);
	return outcome_db(e, rc);
}

/* access_point() for an actor.  The system, in a role's stead, has that
 * role's scope: it counts as signed in, which access_point asks of a user
 * by a positive id. */
static bool
may(const struct actor *a, enum access_op op, long long id, const char *city, bool own_data)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.id = a->kind == ACTOR_SYSTEM ? LLONG_MAX : a->id;
	u.role = a->role;
	u.point_id = a->point_id;
	memcpy(u.city, a->city, sizeof(u.city));
	u.city[sizeof(u.city) - 1] = '\0';
	return access_point(&u, op, id, city, own_data);
}

/* The refusal for a point found with this city, or 0 when the actor may. */
static int
refuse(const struct actor *a, enum access_op op, long long id, const char *city,
    bool own_data, struct outcome *e)
{
	if (!may(a, ACCESS_READ, id, city, own_data))
		return outcome_fail(e, OUT_NOT_FOUND, NULL, "预警点不存在");
	if (op == ACCESS_WRITE && !may(a, ACCESS_WRITE, id, city, own_data))
		return outcome_fail(e, OUT_FORBIDDEN, NULL, own_data ? "您只能维护本预警点的信息" :
		    "预警点基本信息由省商务厅维护，您没有修改权限");
	return 0;
}

int
points_access(struct db *db, const struct actor *a, long long id, enum access_op op,
    bool own_data, char city[8], struct outcome *e)
{
	static const char sql[] = "SELECT city FROM points WHERE id = ?";
	struct db_res	 res;
	int		 rc;
	bool		 found;

	memset(e, 0, sizeof(*e));
	city[0] = '\0';
	if ((rc = db_query(db, &res, sql, "i", id)) != DB_OK)
		return outcome_db(e, rc);
	found = res.nrows == 1;
	if (found)
		snprintf(city, 8, "%s", db_res_str(&res, 0, 0));
	db_res_free(&res);
	if (!found)
		return outcome_fail(e, OUT_NOT_FOUND, NULL, "预警点不存在");
	return refuse(a, op, id, city, own_data, e);
}

/* ------------------------------------------------------------------ read */

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
	for (k = 0; k < PF__N; k++) {
		const char *v = db_res_str(res, i, (size_t)k + 1);

		if (k == PF_FOUNDED)
			json_object_set_new(o, points_field_names[k], v ? json_integer(atoll(v)) : json_null());
		else
			json_object_set_new(o, points_field_names[k], str_or_null(v));
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

int
points_get(struct db *db, const struct actor *a, long long id, json_t **point,
    struct outcome *e)
{
	static const char sql[] = POINT_SELECT "WHERE p.id = ?";
	struct db_res	 res;
	char		 city[8];
	int		 rc;

	*point = NULL;
	if (points_access(db, a, id, ACCESS_READ, false, city, e) == -1)
		return -1;
	if ((rc = db_query(db, &res, sql, "i", id)) != DB_OK)
		return outcome_db(e, rc);
	if (res.nrows == 0) {
		db_res_free(&res);
		return outcome_fail(e, OUT_NOT_FOUND, NULL, "预警点不存在");
	}
	*point = point_json(&res, 0);
	db_res_free(&res);
	return 0;
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

/* The query's filters, narrowed to the actor's scope.  0, or -1 refused;
 * free f->like after a 0. */
static int
list_filter(const struct actor *a, const struct points_query *q, struct list_filter *f,
    struct outcome *e)
{
	const char *kw = points_nz(q->q);

	memset(e, 0, sizeof(*e));
	memset(f, 0, sizeof(*f));
	f->type = points_nz(q->type);
	f->batch = points_nz(q->batch);
	f->city = points_nz(q->city);
	f->district = points_nz(q->district);
	f->industry = points_nz(q->industry);
	f->status = points_nz(q->status);
	if (f->type && points_check_type(f->type))
		return outcome_fail(e, OUT_INVALID, "type", "类型须为“省级”或“市级”");
	if (f->status && points_check_status(f->status))
		return outcome_fail(e, OUT_INVALID, "status", "状态须为“筹建”“正式”或“撤销”");
	if (a->role == ROLE_CITY) {
		if (f->city && strcmp(f->city, a->city) != 0)
			return outcome_fail(e, OUT_FORBIDDEN, "city", "您只能查看本地市的预警点");
		f->city = a->city;
	} else if (a->role == ROLE_POINT)
		f->point = a->point_id;
	if (kw != NULL)
		f->like = db_like(kw);
	return 0;
}

#define LIST_ARGS(f, pp) \
	(f)->like, (f)->like, (f)->like, (f)->type, (f)->type, (f)->batch, (f)->batch, \
	(f)->city, (f)->city, (f)->district, (f)->district, (f)->industry, (f)->industry, \
	(f)->status, (f)->status, (pp), (pp)

int
points_list(struct db *db, const struct actor *a, const struct points_query *q,
    json_t **items, long long *total, struct outcome *e)
{
	static const char count[] = "SELECT COUNT(*) FROM points p" LIST_WHERE;
	static const char rows[] = POINT_SELECT LIST_WHERE " ORDER BY p.id LIMIT ? OFFSET ?";
	struct list_filter f;
	struct db_res	 res;
	long long	*pp;
	size_t		 i;
	int		 rc;

	*items = NULL;
	*total = 0;
	if (list_filter(a, q, &f, e) == -1)
		return -1;
	pp = f.point ? &f.point : NULL;
	if ((rc = db_query(db, &res, count, "sssssssssssssssII", LIST_ARGS(&f, pp))) != DB_OK)
		goto out;
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(db, &res, rows, "sssssssssssssssIIii", LIST_ARGS(&f, pp),
	    q->per_page, (q->page - 1) * q->per_page)) != DB_OK)
		goto out;
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, point_json(&res, i));
	db_res_free(&res);
out:
	free(f.like);
	return rc != DB_OK ? outcome_db(e, rc) : 0;
}

int
points_contacts(struct db *db, const struct actor *a, const struct points_query *q,
    struct db_res *rows, struct outcome *e)
{
	static const char sql[] =
	    "SELECT p.name, c.name, d.name, rp.name, COALESCE(rp.mobile, rp.phone) "
	    "FROM points p JOIN regions c ON c.code = p.city "
	    "LEFT JOIN regions d ON d.code = p.district "
	    "LEFT JOIN point_people rp ON rp.id = (SELECT MIN(x.id) FROM point_people x "
	    "  WHERE x.point_id = p.id AND x.kind = 'responsible' AND x.deleted_at IS NULL)"
	    LIST_WHERE " ORDER BY c.sort, p.id LIMIT 100000";
	struct list_filter f;
	long long	*pp;
	int		 rc;

	memset(rows, 0, sizeof(*rows));
	if (list_filter(a, q, &f, e) == -1)
		return -1;
	pp = f.point ? &f.point : NULL;
	rc = db_query(db, rows, sql, "sssssssssssssssII", LIST_ARGS(&f, pp));
	free(f.like);
	if (rc != DB_OK) {
		memset(rows, 0, sizeof(*rows));
		return outcome_db(e, rc);
	}
	return 0;
}

/* --------------------------------------------------------------- history */

int
points_history(struct db *db, const struct actor *a, long long id, long long page,
    long long per_page, json_t **items, long long *total, struct outcome *e)
{
	static const char count[] = "SELECT COUNT(*) FROM point_history WHERE point_id = ?";
	static const char rows[] =
	    "SELECT at, username, entity, entity_id, action, field, old_value, new_value "
	    "FROM point_history WHERE point_id = ? ORDER BY id DESC LIMIT ? OFFSET ?";
	struct db_res	 res;
	char		 city[8];
	size_t		 i;
	int		 rc;

	*items = NULL;
	*total = 0;
	if (points_access(db, a, id, ACCESS_READ, false, city, e) == -1)
		return -1;
	if ((rc = db_query(db, &res, count, "i", id)) != DB_OK)
		return outcome_db(e, rc);
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(db, &res, rows, "iii", id, per_page, (page - 1) * per_page)) != DB_OK)
		return outcome_db(e, rc);
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, json_pack("{s:o, s:s, s:s, s:o, s:s, s:s, s:o, s:o}",
		    "at", app_time(db_res_str(&res, i, 0)),
		    "user", db_res_str(&res, i, 1),
		    "entity", db_res_str(&res, i, 2),
		    "entity_id", db_res_null(&res, i, 3) ? json_null() : json_integer(db_res_int(&res, i, 3)),
		    "action", db_res_str(&res, i, 4),
		    "field", db_res_str(&res, i, 5),
		    "old", str_or_null(db_res_str(&res, i, 6)),
		    "new", str_or_null(db_res_str(&res, i, 7))));
	db_res_free(&res);
	return 0;
}

/* --------------------------------------------------------- create, edit */

/* The checks that need no database: a required field is not empty, the
 * type and status are among theirs.  A NULL value is none; only the fields
 * in given count (given NULL: a create, where every field counts and the
 * status has its default). */
static int
check_values(const char *const *vals, const bool *given, struct outcome *e)
{
	static const struct {
		enum points_field	 k;
		const char		*label;
	} required[] = {
		{ PF_NAME, "预警点名称" }, { PF_HOST_ORG, "承办单位" }, { PF_TYPE, "类型" },
		{ PF_CITY, "所属地市" },
	};
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if ((given == NULL || given[required[i].k]) && vals[required[i].k] == NULL)
			return outcome_set(e, OUT_INVALID, points_field_names[required[i].k],
			    "%s不能为空", required[i].label);
	if ((given == NULL || given[PF_TYPE]) && points_check_type(vals[PF_TYPE]))
		return outcome_fail(e, OUT_INVALID, "type", "类型须为“省级”或“市级”");
	if (given != NULL && given[PF_STATUS] && vals[PF_STATUS] == NULL)
		return outcome_fail(e, OUT_INVALID, "status", "状态不能为空");
	if ((given == NULL || given[PF_STATUS]) && vals[PF_STATUS] != NULL &&
	    points_check_status(vals[PF_STATUS]))
		return outcome_fail(e, OUT_INVALID, "status", "状态须为“筹建”“正式”或“撤销”");
	return 0;
}

/* Checks against the dictionaries and other points, in the caller's
 * transaction.  vals are the complete new values; old NULL for a create.
 * 0, or -1 refused (not rolled back). */
static int
check_point(struct db *db, long long id, const char *const *vals, const char *const *old,
    struct outcome *e)
{
	static const char name_sql[] = "SELECT 1 FROM points WHERE name = ? AND id <> ?";
	static const char city_sql[] = "SELECT 1 FROM regions WHERE code = ? AND level = 'city'";
	static const char district_sql[] = "SELECT city_code, status FROM regions WHERE code = ? AND level = 'district'";
	static const char industry_sql[] = "SELECT 1 FROM industries WHERE code = ?";
	struct db_res	 res;
	bool		 ok, abolished = false;
	int		 rc;

	if ((rc = db_query(db, &res, name_sql, "si", vals[PF_NAME], id)) != DB_OK)
		return outcome_db(e, rc);
	ok = res.nrows == 0;
	db_res_free(&res);
	if (!ok)
		return outcome_set(e, OUT_INVALID, "name", "预警点名称“%s”已存在", vals[PF_NAME]);
	if ((rc = db_query(db, &res, city_sql, "s", vals[PF_CITY])) != DB_OK)
		return outcome_db(e, rc);
	ok = res.nrows == 1;
	db_res_free(&res);
	if (!ok)
		return outcome_fail(e, OUT_INVALID, "city",
		    "所属地市须为浙江省 11 个地市之一（行政区划代码，如杭州市 330100）");
	if (points_nz(vals[PF_DISTRICT])) {
		if ((rc = db_query(db, &res, district_sql, "s", vals[PF_DISTRICT])) != DB_OK)
			return outcome_db(e, rc);
		ok = res.nrows == 1 && !strcmp(db_res_str(&res, 0, 0), vals[PF_CITY]);
		abolished = ok && strcmp(db_res_str(&res, 0, 1), "current") != 0;
		db_res_free(&res);
		if (!ok)
			return outcome_fail(e, OUT_INVALID, "district",
			    "所在地区须为所属地市下辖的区县（行政区划代码）");
		/* Records from before 2021 keep 下城区 and 江干区; new ones may not. */
		if (abolished && (old == NULL || !points_nz(old[PF_DISTRICT]) ||
		    strcmp(old[PF_DISTRICT], vals[PF_DISTRICT]) != 0))
			return outcome_fail(e, OUT_INVALID, "district", "该区县已于 2021 年撤销，请选择现行区县");
	}
	if (points_nz(vals[PF_INDUSTRY])) {
		if ((rc = db_query(db, &res, industry_sql, "s", vals[PF_INDUSTRY])) != DB_OK)
			return outcome_db(e, rc);
		ok = res.nrows == 1;
		db_res_free(&res);
		if (!ok)
			return outcome_fail(e, OUT_INVALID, "industry",
			    "所属行业须为行业字典中的代码（见 /api/dicts/industries）");
	}
	if (points_nz(vals[PF_FOUNDED]) && atoi(vals[PF_FOUNDED]) > clock_year())
		return outcome_set(e, OUT_INVALID, "founded_year", "成立时间不能晚于今年（%d 年）",
		    clock_year());
	return 0;
}

/* Inserts (*id 0) or updates at version; the db_exec answer. */
static int
store(struct db *db, long long *id, const char *const *vals, long long version)
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
	int rc;

	if (*id == 0) {
		rc = db_exec(db, ins, "sssssssssssssss", vals[0], vals[1], vals[2], vals[3],
		    vals[4], vals[5], vals[6], vals[7], vals[8], vals[9], vals[10], vals[11],
		    vals[12], vals[13], vals[14]);
		if (rc >= 0)
			*id = (long long)db_insert_id(db);
	} else
		rc = db_exec(db, upd, "sssssssssssssssii", vals[0], vals[1], vals[2], vals[3],
		    vals[4], vals[5], vals[6], vals[7], vals[8], vals[9], vals[10], vals[11],
		    vals[12], vals[13], vals[14], *id, version);
	return rc;
}

/* A db failure of a write, rolled back: a name taken meanwhile (the unique
 * key) is the caller's to fix. */
static int
write_failed(struct db *db, struct outcome *e, int rc)
{
	db_rollback(db);
	if (rc == DB_DUPLICATE)
		return outcome_fail(e, OUT_INVALID, "name", "预警点名称已存在");
	return outcome_db(e, rc);
}

static void
free_vals(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
}

static char *
dup_or_null(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		abort();
	return d;
}

int
points_create(struct db *db, const struct actor *a, const struct point_input *in,
    long long *id, struct outcome *e)
{
	const char	*vals[PF__N];
	int		 k, rc;

	memset(e, 0, sizeof(*e));
	*id = 0;
	if (a->role != ROLE_ADMIN && a->role != ROLE_PROVINCE)
		return outcome_fail(e, OUT_FORBIDDEN, NULL, "预警点由省商务厅新增，您没有新增权限");
	for (k = 0; k < PF__N; k++)
		vals[k] = points_nz(in->value[k]);
	if (vals[PF_STATUS] == NULL)
		vals[PF_STATUS] = "筹建";
	if (check_values(vals, NULL, e) == -1)
		return -1;
	if ((rc = db_begin(db)) != DB_OK)
		return write_failed(db, e, rc);
	if (check_point(db, 0, vals, NULL, e) == -1) {
		db_rollback(db);
		return -1;
	}
	if ((rc = store(db, id, vals, 0)) < 0)
		return write_failed(db, e, rc);
	if ((rc = history_diff(db, a, *id, "point", *id, "create", points_field_names, NULL,
	    vals, PF__N)) != DB_OK ||
	    (rc = audit_actor(db, a, "point.create", "point", *id,
	    json_pack("{s:s}", "name", vals[PF_NAME]))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		return write_failed(db, e, rc);
	e->id = *id;
	return 0;
}

int
points_update(struct db *db, const struct actor *a, long long id,
    const struct point_input *in, struct outcome *e)
{
	static const char get[] =
	    "SELECT name, host_org, type, batch, industry, city, district, founded_year, "
	    "approval_no, address, phone, fax, website, email, status, version "
	    "FROM points WHERE id = ? FOR UPDATE";
	const char	*given[PF__N];
	char		*vals[PF__N] = { 0 }, *old[PF__N] = { 0 };
	struct db_res	 res;
	json_t		*changed = NULL;
	int		 k, rc, moved = 0, ret = -1;

	memset(e, 0, sizeof(*e));
	for (k = 0; k < PF__N; k++)
		given[k] = in->given[k] ? points_nz(in->value[k]) : NULL;
	if (check_values(given, in->given, e) == -1)
		return -1;
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = db_query(db, &res, get, "i", id)) != DB_OK)
		return dbfail(db, e, rc);
	if (res.nrows == 0) {
		db_res_free(&res);
		db_rollback(db);
		return outcome_fail(e, OUT_NOT_FOUND, NULL, "预警点不存在");
	}
	if (refuse(a, ACCESS_WRITE, id, db_res_str(&res, 0, PF_CITY), false, e) == -1) {
		db_res_free(&res);
		db_rollback(db);
		return -1;
	}
	for (k = 0; k < PF__N; k++) {
		const char *o = db_res_str(&res, 0, (size_t)k);

		old[k] = dup_or_null(o);
		vals[k] = dup_or_null(in->given[k] ? given[k] : o);
	}
	if (db_res_int(&res, 0, PF__N) != in->version) {
		db_res_free(&res);
		db_rollback(db);
		outcome_fail(e, OUT_CONFLICT, "version", "该预警点已被他人修改，请刷新后重试");
		goto out;
	}
	db_res_free(&res);
	if (check_point(db, id, (const char *const *)vals, (const char *const *)old, e) == -1) {
		db_rollback(db);
		goto out;
	}
	changed = json_array();
	for (k = 0; k < PF__N; k++)
		if ((points_nz(old[k]) == NULL) != (points_nz(vals[k]) == NULL) ||
		    (points_nz(old[k]) && strcmp(old[k], vals[k])))
			json_array_append_new(changed, json_string(points_field_names[k]));
	if (json_array_size(changed) == 0) {	/* nothing changes: no new version */
		db_rollback(db);
		ret = 0;
		goto out;
	}
	if ((rc = store(db, &id, (const char *const *)vals, in->version)) < 0) {
		write_failed(db, e, rc);
		goto out;
	}
	if (rc != 1) {		/* the version moved under the lock: never, but say so */
		db_rollback(db);
		outcome_fail(e, OUT_CONFLICT, "version", "该预警点已被他人修改，请刷新后重试");
		goto out;
	}
	/* A point that moves takes its accounts' scope along. */
	if (strcmp(points_nz(old[PF_CITY]) ? old[PF_CITY] : "", vals[PF_CITY]) != 0 &&
	    (rc = users_follow_point(db, id, vals[PF_CITY], a, &moved)) != DB_OK) {
		write_failed(db, e, rc);
		goto out;
	}
	rc = history_diff(db, a, id, "point", id, "update", points_field_names,
	    (const char *const *)old, (const char *const *)vals, PF__N);
	if (rc == DB_OK) {
		rc = audit_actor(db, a, "point.update", "point", id,
		    json_pack("{s:O}", "fields", changed));
		if (rc == DB_OK)
			rc = db_commit(db);
	}
	if (rc != DB_OK) {
		write_failed(db, e, rc);
		goto out;
	}
	if (moved > 0)
		session_cache_bump();	/* cached sessions carry the old city */
	e->id = id;
	ret = 0;
out:
	json_decref(changed);
	free_vals(vals, PF__N);
	free_vals(old, PF__N);
	return ret;
}
