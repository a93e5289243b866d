/* yujing — a point's people (预警负责人, 预警点工作人员) and contact
 * enterprises (联系企业): the same life, different fields.  Removal is soft,
 * so that the history keeps what was there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor.h"
#include "app.h"
#include "audit.h"
#include "history.h"
#include "handlers.h"
#include "points.h"
#include "validate.h"
#include "validators.h"
#include "worker.h"

#define NF 6	/* fields of either kind */

struct member_kind {
	const char		*entity;	/* history and audit: "person" */
	const char		*label;		/* "人员" */
	const struct vfield	*create;	/* NF fields + version */
	const struct vfield	*update;
	const char *const	*names;
	const char		*sql_count, *sql_list, *sql_get, *sql_lock, *sql_insert,
				*sql_update, *sql_delete, *sql_dup;
	int			 dup_field;	/* checked unique within the point, -1: none */
	const char		*dup_msg;
};

static const char *
check_kind(const char *s)
{
	return strcmp(s, "responsible") && strcmp(s, "staff") ?
	    "须为 responsible（预警负责人）或 staff（工作人员）" : NULL;
}

#define PERSON_FIELDS(req, opt) \
	{ "kind", "人员类别", VT_STRING, req, 1, 16, check_kind }, \
	{ "name", "姓名", VT_STRING, req, 1, 64, NULL }, \
	{ "position", "职务", VT_STRING, opt, 0, 64, NULL }, \
	{ "phone", "办公电话", VT_STRING, opt, 0, 32, check_phone }, \
	{ "mobile", "手机", VT_STRING, opt, 0, 32, check_mobile }, \
	{ "email", "电子邮箱", VT_STRING, opt, 0, 128, check_email }, \
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL }
static const struct vfield person_create[] = { PERSON_FIELDS(VF_REQUIRED, VF_NULLABLE) };
static const struct vfield person_update[] = { PERSON_FIELDS(VF_NULLABLE, VF_NULLABLE) };
static const char *const person_names[NF] = { "kind", "name", "position", "phone", "mobile", "email" };

#define ENTERPRISE_FIELDS(req, opt) \
	{ "name", "企业名称", VT_STRING, req, 2, 128, NULL }, \
	{ "credit_code", "统一社会信用代码", VT_STRING, opt, 0, 18, check_credit_code }, \
	{ "contact", "联系人", VT_STRING, opt, 0, 64, NULL }, \
	{ "phone", "联系电话", VT_STRING, opt, 0, 32, check_phone }, \
	{ "products", "主要产品", VT_STRING, opt, 0, 255, NULL }, \
	{ "markets", "主要出口市场", VT_STRING, opt, 0, 255, NULL }, \
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL }
static const struct vfield enterprise_create[] = { ENTERPRISE_FIELDS(VF_REQUIRED, VF_NULLABLE) };
static const struct vfield enterprise_update[] = { ENTERPRISE_FIELDS(VF_NULLABLE, VF_NULLABLE) };
static const char *const enterprise_names[NF] = { "name", "credit_code", "contact", "phone", "products", "markets" };

static const struct member_kind people = {
	"person", "人员", person_create, person_update, person_names,
	"SELECT COUNT(*) FROM point_people WHERE point_id = ? AND deleted_at IS NULL AND (? IS NULL OR kind = ?)",
	"SELECT id, kind, name, position, phone, mobile, email, version, created_at, updated_at "
	"FROM point_people WHERE point_id = ? AND deleted_at IS NULL AND (? IS NULL OR kind = ?) "
	"ORDER BY kind = 'staff', id LIMIT ? OFFSET ?",
	"SELECT id, kind, name, position, phone, mobile, email, version, created_at, updated_at "
	"FROM point_people WHERE id = ? AND point_id = ? AND deleted_at IS NULL",
	"SELECT id, kind, name, position, phone, mobile, email, version "
	"FROM point_people WHERE id = ? AND point_id = ? AND deleted_at IS NULL FOR UPDATE",
	"INSERT INTO point_people (point_id, kind, name, position, phone, mobile, email, "
	"version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, NOW(), NOW())",
	"UPDATE point_people SET kind = ?, name = ?, position = ?, phone = ?, mobile = ?, email = ?, "
	"version = version + 1, updated_at = NOW() WHERE id = ? AND version = ?",
	"UPDATE point_people SET deleted_at = NOW(), version = version + 1 WHERE id = ?",
	NULL, -1, NULL,
};

static const struct member_kind enterprises = {
	"enterprise", "联系企业", enterprise_create, enterprise_update, enterprise_names,
	"SELECT COUNT(*) FROM point_enterprises WHERE point_id = ? AND deleted_at IS NULL "
	"AND (? IS NULL OR name LIKE ? OR products LIKE ?)",
	"SELECT id, name, credit_code, contact, phone, products, markets, version, created_at, updated_at "
	"FROM point_enterprises WHERE point_id = ? AND deleted_at IS NULL "
	"AND (? IS NULL OR name LIKE ? OR products LIKE ?) ORDER BY id LIMIT ? OFFSET ?",
	"SELECT id, name, credit_code, contact, phone, products, markets, version, created_at, updated_at "
	"FROM point_enterprises WHERE id = ? AND point_id = ? AND deleted_at IS NULL",
	"SELECT id, name, credit_code, contact, phone, products, markets, version "
	"FROM point_enterprises WHERE id = ? AND point_id = ? AND deleted_at IS NULL FOR UPDATE",
	"INSERT INTO point_enterprises (point_id, name, credit_code, contact, phone, products, "
	"markets, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, NOW(), NOW())",
	"UPDATE point_enterprises SET name = ?, credit_code = ?, contact = ?, phone = ?, "
	"products = ?, markets = ?, version = version + 1, updated_at = NOW() "
	"WHERE id = ? AND version = ?",
	"UPDATE point_enterprises SET deleted_at = NOW(), version = version + 1 WHERE id = ?",
	"SELECT id FROM point_enterprises WHERE point_id = ? AND credit_code = ? "
	"AND deleted_at IS NULL AND id <> ?",
	1, "该预警点已有统一社会信用代码相同的联系企业",
};

static json_t *
member_json(const struct member_kind *k, const struct db_res *res, size_t i)
{
	json_t	*o = json_object();
	size_t	 f;

	json_object_set_new(o, "id", json_integer(db_res_int(res, i, 0)));
	for (f = 0; f < NF; f++) {
		const char *v = db_res_str(res, i, f + 1);

		json_object_set_new(o, k->names[f], v ? json_string(v) : json_null());
	}
	json_object_set_new(o, "version", json_integer(db_res_int(res, i, NF + 1)));
	json_object_set_new(o, "created_at", app_time(db_res_str(res, i, NF + 2)));
	json_object_set_new(o, "updated_at", app_time(db_res_str(res, i, NF + 3)));
	return o;
}

static void
answer_member(struct req *r, const struct member_kind *k, int status, long long point, long long id)
{
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(&r->w->db, &res, k->sql_get, "ii", id, point)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (res.nrows == 0) {
		char msg[64];

		snprintf(msg, sizeof(msg), "%s不存在", k->label);
		http_error(r, ERR_NOT_FOUND, msg, NULL);
	} else
		http_json(r, status, member_json(k, &res, 0));
	db_res_free(&res);
}

static void
list(struct req *r, const struct member_kind *k)
{
	long long	 page, per_page, total, point = r->params[0];
	const char	*filter;
	char		 city[8], *like = NULL;
	struct db_res	 res;
	json_t		*items;
	size_t		 i;
	int		 rc;

	if (validate_paging(r, &page, &per_page) == -1 ||
	    points_scope(r, point, ACCESS_READ, true, city) == -1)
		return;
	if (k == &people) {
		filter = points_nz(http_query(r, "kind"));
		if (filter && check_kind(filter)) {
			http_error(r, ERR_INVALID, "人员类别须为 responsible（预警负责人）或 staff（工作人员）", "kind");
			return;
		}
		rc = db_query(&r->w->db, &res, k->sql_count, "iss", point, filter, filter);
	} else {
		if ((filter = points_nz(http_query(r, "q"))) != NULL)
			filter = like = db_like(filter);
		rc = db_query(&r->w->db, &res, k->sql_count, "isss", point, filter, filter, filter);
	}
	if (rc != DB_OK)
		goto out;
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if (k == &people)
		rc = db_query(&r->w->db, &res, k->sql_list, "issii", point, filter, filter,
		    per_page, (page - 1) * per_page);
	else
		rc = db_query(&r->w->db, &res, k->sql_list, "isssii", point, filter, filter, filter,
		    per_page, (page - 1) * per_page);
	if (rc != DB_OK)
		goto out;
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, member_json(k, &res, i));
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
out:
	free(like);
	if (rc != DB_OK)
		app_db_error(r, rc);
}

static char *
text(const struct vval *v)
{
	return v->present && !v->null && *v->s ? strdup(v->s) : NULL;
}

/* Writes to one point's members take the point's row lock first, so that
 * two at once cannot both pass the duplicate check. */
static int
lock_point(struct req *r, long long point)
{
	static const char sql[] = "SELECT id FROM points WHERE id = ? FOR UPDATE";
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(&r->w->db, &res, sql, "i", point)) != DB_OK)
		return rc;
	db_res_free(&res);
	return DB_OK;
}

static int
check_dup(struct req *r, const struct member_kind *k, long long point, long long id, char **vals)
{
	struct db_res	 res;
	bool		 dup;
	int		 rc;

	if (k->dup_field < 0 || vals[k->dup_field] == NULL)
		return 0;
	if ((rc = db_query(&r->w->db, &res, k->sql_dup, "isi", point, vals[k->dup_field], id)) != DB_OK) {
		app_db_error(r, rc);
		return -1;
	}
	dup = res.nrows > 0;
	db_res_free(&res);
	if (dup) {
		http_error(r, ERR_INVALID, k->dup_msg, k->names[k->dup_field]);
		return -1;
	}
	return 0;
}

static void
create(struct req *r, const struct member_kind *k)
{
	struct actor	 actor = app_actor(r);
	struct vval	 v[NF + 1];
	char		*vals[NF] = { 0 }, city[8], action[32];
	long long	 point = r->params[0], id;
	struct db	*db = &r->w->db;
	size_t		 f;
	int		 rc;

	if (points_scope(r, point, ACCESS_WRITE, true, city) == -1 ||
	    validate_object(r, r->json, k->create, NF + 1, v) == -1)
		return;
	for (f = 0; f < NF; f++)
		vals[f] = text(&v[f]);
	if ((rc = db_begin(db)) != DB_OK || (rc = lock_point(r, point)) != DB_OK)
		goto dberr;
	if (check_dup(r, k, point, 0, vals) == -1) {
		db_rollback(db);
		goto out;
	}
	if ((rc = db_exec(db, k->sql_insert, "issssss", point, vals[0], vals[1], vals[2],
	    vals[3], vals[4], vals[5])) < 0)
		goto dberr;
	id = (long long)db_insert_id(db);
	snprintf(action, sizeof(action), "%s.create", k->entity);
	if ((rc = history_diff(&r->w->db, &actor, point, k->entity, id, "create", k->names, NULL,
	    (const char *const *)vals, NF)) != DB_OK ||
	    (rc = audit_req(r, action, k->entity, id, json_pack("{s:I}", "point_id", (json_int_t)point))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	answer_member(r, k, 201, point, id);
	goto out;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
out:
	for (f = 0; f < NF; f++)
		free(vals[f]);
}

/* Locks the row and checks the version; 0, or -1 answered. */
static int
lock_member(struct req *r, const struct member_kind *k, long long point, long long id,
    const struct vval *version, char **old)
{
	struct db_res	 res;
	size_t		 f;
	int		 rc;
	char		 msg[64];

	if ((rc = db_query(&r->w->db, &res, k->sql_lock, "ii", id, point)) != DB_OK) {
		app_db_error(r, rc);
		return -1;
	}
	if (res.nrows == 0) {
		db_res_free(&res);
		snprintf(msg, sizeof(msg), "%s不存在", k->label);
		http_error(r, ERR_NOT_FOUND, msg, NULL);
		return -1;
	}
	for (f = 0; f < NF; f++) {
		const char *o = db_res_str(&res, 0, f + 1);

		old[f] = o ? strdup(o) : NULL;
	}
	if (version != NULL && db_res_int(&res, 0, NF + 1) != version->i) {
		db_res_free(&res);
		snprintf(msg, sizeof(msg), "该%s已被他人修改，请刷新后重试", k->label);
		http_error(r, ERR_CONFLICT, msg, "version");
		return -1;
	}
	db_res_free(&res);
	return 0;
}

static void
update(struct req *r, const struct member_kind *k)
{
	struct actor	 actor = app_actor(r);
	struct vval	 v[NF + 1];
	char		*vals[NF] = { 0 }, *old[NF] = { 0 }, city[8], action[32], msg[128];
	long long	 point = r->params[0], id = r->params[1];
	struct db	*db = &r->w->db;
	size_t		 f;
	int		 rc;

	if (points_scope(r, point, ACCESS_WRITE, true, city) == -1 ||
	    validate_object(r, r->json, k->update, NF + 1, v) == -1)
		return;
	if (!v[NF].present) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return;
	}
	for (f = 0; f < NF; f++)
		if (v[f].present && v[f].null && (k->create[f].flags & VF_REQUIRED)) {
			snprintf(msg, sizeof(msg), "%s不能为空", k->create[f].label);
			http_error(r, ERR_INVALID, msg, k->names[f]);
			return;
		}
	if ((rc = db_begin(db)) != DB_OK || (rc = lock_point(r, point)) != DB_OK)
		goto dberr;
	if (lock_member(r, k, point, id, &v[NF], old) == -1) {
		db_rollback(db);
		goto out;
	}
	for (f = 0; f < NF; f++)
		vals[f] = v[f].present ? text(&v[f]) : (old[f] ? strdup(old[f]) : NULL);
	if (check_dup(r, k, point, id, vals) == -1) {
		db_rollback(db);
		goto out;
	}
	for (f = 0; f < NF; f++)
		if ((points_nz(old[f]) == NULL) != (points_nz(vals[f]) == NULL) ||
		    (points_nz(old[f]) && strcmp(old[f], vals[f])))
			break;
	if (f == NF) {		/* nothing changes: no new version, no audit */
		db_rollback(db);
		answer_member(r, k, 200, point, id);
		goto out;
	}
	if ((rc = db_exec(db, k->sql_update, "ssssssii", vals[0], vals[1], vals[2], vals[3],
	    vals[4], vals[5], id, v[NF].i)) < 0)
		goto dberr;
	if (rc != 1) {		/* the version moved under the lock: never, but say so */
		char stale[128];

		db_rollback(db);
		snprintf(stale, sizeof(stale), "该%s已被他人修改，请刷新后重试", k->label);
		http_error(r, ERR_CONFLICT, stale, "version");
		goto out;
	}
	snprintf(action, sizeof(action), "%s.update", k->entity);
	if ((rc = history_diff(&r->w->db, &actor, point, k->entity, id, "update", k->names,
	    (const char *const *)old, (const char *const *)vals, NF)) != DB_OK ||
	    (rc = audit_req(r, action, k->entity, id, json_pack("{s:I}", "point_id", (json_int_t)point))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	answer_member(r, k, 200, point, id);
	goto out;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
out:
	for (f = 0; f < NF; f++) {
		free(vals[f]);
		free(old[f]);
	}
}

static void
remove_member(struct req *r, const struct member_kind *k)
{
	struct actor	 actor = app_actor(r);
	char		*old[NF] = { 0 }, city[8], action[32];
	long long	 point = r->params[0], id = r->params[1];
	struct db	*db = &r->w->db;
	size_t		 f;
	int		 rc;

	if (points_scope(r, point, ACCESS_WRITE, true, city) == -1)
		return;
	if ((rc = db_begin(db)) != DB_OK)
		goto dberr;
	if (lock_member(r, k, point, id, NULL, old) == -1) {
		db_rollback(db);
		goto out;
	}
	snprintf(action, sizeof(action), "%s.delete", k->entity);
	if ((rc = db_exec(db, k->sql_delete, "i", id)) < 0 ||
	    (rc = history_diff(&r->w->db, &actor, point, k->entity, id, "delete", k->names,
	    (const char *const *)old, NULL, NF)) != DB_OK ||
	    (rc = audit_req(r, action, k->entity, id, json_pack("{s:I}", "point_id", (json_int_t)point))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	http_no_content(r);
	goto out;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
out:
	for (f = 0; f < NF; f++)
		free(old[f]);
}

void h_people_list(struct req *r)		{ list(r, &people); }
void h_people_create(struct req *r)		{ create(r, &people); }
void h_people_update(struct req *r)		{ update(r, &people); }
void h_people_delete(struct req *r)		{ remove_member(r, &people); }
void h_enterprises_list(struct req *r)		{ list(r, &enterprises); }
void h_enterprises_create(struct req *r)	{ create(r, &enterprises); }
void h_enterprises_update(struct req *r)	{ update(r, &enterprises); }
void h_enterprises_delete(struct req *r)	{ remove_member(r, &enterprises); }
