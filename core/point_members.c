/* yujing — a point's people and contact enterprises: the same life,
 * different fields.  Removal is soft, so that the history keeps what was
 * there. */
#include "point_members.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "history.h"

#define NF MEMBER_NF

struct kind_def {
	const char		*entity;	/* history and audit: "person" */
	const char		*label;		/* "人员" */
	const char *const	*names;
	const char		*sql_count, *sql_list, *sql_get, *sql_lock, *sql_insert,
				*sql_update, *sql_delete, *sql_dup;
	int			 dup_field;	/* checked unique within the point, -1: none */
	const char		*dup_msg;
};

static const char *const person_names[NF] = { "kind", "name", "position", "phone", "mobile", "email" };
static const char *const enterprise_names[NF] = { "name", "credit_code", "contact", "phone", "products", "markets" };

static const struct kind_def people = {
	"person", "人员", person_names,
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

static const struct kind_def enterprises = {
	"enterprise", "联系企业", enterprise_names,
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

static const struct kind_def *
def(enum member_kind k)
{
	return k == MEMBER_PERSON ? &people : &enterprises;
}

/* An empty string is no value. */
static const char *
nz(const char *s)
{
	return s && *s ? s : NULL;
}

static char *
dup_nz(const char *s)
{
	return nz(s) ? strdup(s) : NULL;
}

int
point_members_scope(struct db *db, const struct actor *a, long long point, enum access_op op,
    struct outcome *o)
{
	static const char sql[] = "SELECT city FROM points WHERE id = ?";
	struct db_res	 res;
	struct user	 u;
	char		 city[8] = "";
	bool		 found;
	int		 rc;

	if ((rc = db_query(db, &res, sql, "i", point)) != DB_OK)
		return outcome_db(o, rc);
	found = res.nrows == 1;
	if (found)
		snprintf(city, sizeof(city), "%s", db_res_str(&res, 0, 0));
	db_res_free(&res);
	/* access.c decides on a user: the actor's role, point and city. */
	memset(&u, 0, sizeof(u));
	u.id = a->id;
	u.role = a->role;
	u.point_id = a->point_id;
	memcpy(u.city, a->city, sizeof(u.city));
	if (!found || !access_point(&u, ACCESS_READ, point, city, true))
		return outcome_fail(o, OUT_NOT_FOUND, NULL, "预警点不存在");
	if (op == ACCESS_WRITE && !access_point(&u, ACCESS_WRITE, point, city, true))
		return outcome_fail(o, OUT_FORBIDDEN, NULL, "您只能维护本预警点的信息");
	return 0;
}

static json_t *
member_json(const struct kind_def *k, const struct db_res *res, size_t i)
{
	json_t	*j = json_object();
	size_t	 f;

	json_object_set_new(j, "id", json_integer(db_res_int(res, i, 0)));
	for (f = 0; f < NF; f++) {
		const char *v = db_res_str(res, i, f + 1);

		json_object_set_new(j, k->names[f], v ? json_string(v) : json_null());
	}
	json_object_set_new(j, "version", json_integer(db_res_int(res, i, NF + 1)));
	json_object_set_new(j, "created_at", app_time(db_res_str(res, i, NF + 2)));
	json_object_set_new(j, "updated_at", app_time(db_res_str(res, i, NF + 3)));
	return j;
}

static int
get_member(struct db *db, const struct kind_def *k, long long point, long long id, json_t **out,
    struct outcome *o)
{
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(db, &res, k->sql_get, "ii", id, point)) != DB_OK)
		return outcome_db(o, rc);
	if (res.nrows == 0) {
		db_res_free(&res);
		return outcome_set(o, OUT_NOT_FOUND, NULL, "%s不存在", k->label);
	}
	*out = member_json(k, &res, 0);
	db_res_free(&res);
	return 0;
}

int
point_members_list(struct db *db, const struct actor *a, enum member_kind kind, long long point,
    const char *filter, long long page, long long per_page, json_t **items, long long *total,
    struct outcome *o)
{
	const struct kind_def	*k = def(kind);
	struct db_res		 res;
	char			*like = NULL;
	size_t			 i;
	int			 rc;

	if (point_members_scope(db, a, point, ACCESS_READ, o) == -1)
		return -1;
	filter = nz(filter);
	if (k == &people) {
		if (filter && strcmp(filter, "responsible") && strcmp(filter, "staff"))
			return outcome_fail(o, OUT_INVALID, "kind",
			    "人员类别须为 responsible（预警负责人）或 staff（工作人员）");
		rc = db_query(db, &res, k->sql_count, "iss", point, filter, filter);
	} else {
		if (filter != NULL)
			filter = like = db_like(filter);
		rc = db_query(db, &res, k->sql_count, "isss", point, filter, filter, filter);
	}
	if (rc != DB_OK)
		goto out;
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if (k == &people)
		rc = db_query(db, &res, k->sql_list, "issii", point, filter, filter,
		    per_page, (page - 1) * per_page);
	else
		rc = db_query(db, &res, k->sql_list, "isssii", point, filter, filter, filter,
		    per_page, (page - 1) * per_page);
	if (rc != DB_OK)
		goto out;
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, member_json(k, &res, i));
	db_res_free(&res);
out:
	free(like);
	if (rc != DB_OK)
		return outcome_db(o, rc);
	outcome_ok(o, 0);
	return 0;
}

/* Writes to one point's members take the point's row lock first, so that
 * two at once cannot both pass the duplicate check. */
static int
lock_point(struct db *db, long long point)
{
	static const char sql[] = "SELECT id FROM points WHERE id = ? FOR UPDATE";
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(db, &res, sql, "i", point)) != DB_OK)
		return rc;
	db_res_free(&res);
	return DB_OK;
}

static int
check_dup(struct db *db, const struct kind_def *k, long long point, long long id, char **vals,
    struct outcome *o)
{
	struct db_res	 res;
	bool		 dup;
	int		 rc;

	if (k->dup_field < 0 || vals[k->dup_field] == NULL)
		return 0;
	if ((rc = db_query(db, &res, k->sql_dup, "isi", point, vals[k->dup_field], id)) != DB_OK)
		return outcome_db(o, rc);
	dup = res.nrows > 0;
	db_res_free(&res);
	if (dup)
		return outcome_fail(o, OUT_INVALID, k->names[k->dup_field], k->dup_msg);
	return 0;
}

static int
write_trail(struct db *db, const struct actor *a, const struct kind_def *k, long long point,
    long long id, const char *what, char **old, char **vals)
{
	char	action[32];
	int	rc;

	snprintf(action, sizeof(action), "%s.%s", k->entity, what);
	if ((rc = history_diff(db, a, point, k->entity, id, what, k->names,
	    (const char *const *)old, (const char *const *)vals, NF)) != DB_OK)
		return rc;
	return audit_actor(db, a, action, k->entity, id,
	    json_pack("{s:I}", "point_id", (json_int_t)point));
}

int
point_members_create(struct db *db, const struct actor *a, enum member_kind kind, long long point,
    const char *const *in, json_t **out, struct outcome *o)
{
	const struct kind_def	*k = def(kind);
	char			*vals[NF] = { 0 };
	long long		 id = 0;
	size_t			 f;
	int			 rc, ret = -1;

	if (point_members_scope(db, a, point, ACCESS_WRITE, o) == -1)
		return -1;
	for (f = 0; f < NF; f++)
		vals[f] = dup_nz(in[f]);
	if ((rc = db_begin(db)) != DB_OK || (rc = lock_point(db, point)) != DB_OK)
		goto dberr;
	if (check_dup(db, k, point, 0, vals, o) == -1) {
		db_rollback(db);
		goto out;
	}
	if ((rc = db_exec(db, k->sql_insert, "issssss", point, vals[0], vals[1], vals[2],
	    vals[3], vals[4], vals[5])) < 0)
		goto dberr;
	id = (long long)db_insert_id(db);
	if ((rc = write_trail(db, a, k, point, id, "create", NULL, vals)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	if (get_member(db, k, point, id, out, o) == 0) {
		outcome_ok(o, id);
		ret = 0;
	}
	goto out;
dberr:
	db_rollback(db);
	outcome_db(o, rc);
out:
	for (f = 0; f < NF; f++)
		free(vals[f]);
	return ret;
}

/* Locks the row and checks the version (NULL: none); 0, or -1 with o. */
static int
lock_member(struct db *db, const struct kind_def *k, long long point, long long id,
    const long long *version, char **old, struct outcome *o)
{
	struct db_res	 res;
	size_t		 f;
	int		 rc;

	if ((rc = db_query(db, &res, k->sql_lock, "ii", id, point)) != DB_OK)
		return outcome_db(o, rc);
	if (res.nrows == 0) {
		db_res_free(&res);
		return outcome_set(o, OUT_NOT_FOUND, NULL, "%s不存在", k->label);
	}
	for (f = 0; f < NF; f++) {
		const char *s = db_res_str(&res, 0, f + 1);

		old[f] = s ? strdup(s) : NULL;
	}
	if (version != NULL && db_res_int(&res, 0, NF + 1) != *version) {
		db_res_free(&res);
		return outcome_set(o, OUT_CONFLICT, "version", "该%s已被他人修改，请刷新后重试", k->label);
	}
	db_res_free(&res);
	return 0;
}

int
point_members_update(struct db *db, const struct actor *a, enum member_kind kind, long long point,
    long long id, const struct member_patch *p, json_t **out, struct outcome *o)
{
	const struct kind_def	*k = def(kind);
	char			*vals[NF] = { 0 }, *old[NF] = { 0 };
	size_t			 f;
	int			 rc, ret = -1;

	if (point_members_scope(db, a, point, ACCESS_WRITE, o) == -1)
		return -1;
	if ((rc = db_begin(db)) != DB_OK || (rc = lock_point(db, point)) != DB_OK)
		goto dberr;
	if (lock_member(db, k, point, id, &p->version, old, o) == -1) {
		db_rollback(db);
		goto out;
	}
	for (f = 0; f < NF; f++)
		vals[f] = p->set[f] ? dup_nz(p->val[f]) : (old[f] ? strdup(old[f]) : NULL);
	if (check_dup(db, k, point, id, vals, o) == -1) {
		db_rollback(db);
		goto out;
	}
	for (f = 0; f < NF; f++)
		if ((nz(old[f]) == NULL) != (nz(vals[f]) == NULL) ||
		    (nz(old[f]) && strcmp(old[f], vals[f])))
			break;
	if (f == NF) {		/* nothing changes: no new version, no audit */
		db_rollback(db);
		goto answer;
	}
	if ((rc = db_exec(db, k->sql_update, "ssssssii", vals[0], vals[1], vals[2], vals[3],
	    vals[4], vals[5], id, p->version)) < 0)
		goto dberr;
	if (rc != 1) {		/* the version moved under the lock: never, but say so */
		db_rollback(db);
		outcome_set(o, OUT_CONFLICT, "version", "该%s已被他人修改，请刷新后重试", k->label);
		goto out;
	}
	if ((rc = write_trail(db, a, k, point, id, "update", old, vals)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
answer:
	if (get_member(db, k, point, id, out, o) == 0) {
		outcome_ok(o, id);
		ret = 0;
	}
	goto out;
dberr:
	db_rollback(db);
	outcome_db(o, rc);
out:
	for (f = 0; f < NF; f++) {
		free(vals[f]);
		free(old[f]);
	}
	return ret;
}

int
point_members_delete(struct db *db, const struct actor *a, enum member_kind kind, long long point,
    long long id, struct outcome *o)
{
	const struct kind_def	*k = def(kind);
	char			*old[NF] = { 0 };
	size_t			 f;
	int			 rc, ret = -1;

	if (point_members_scope(db, a, point, ACCESS_WRITE, o) == -1)
		return -1;
	if ((rc = db_begin(db)) != DB_OK)
		goto dberr;
	if (lock_member(db, k, point, id, NULL, old, o) == -1) {
		db_rollback(db);
		goto out;
	}
	if ((rc = db_exec(db, k->sql_delete, "i", id)) < 0 ||
	    (rc = write_trail(db, a, k, point, id, "delete", old, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	outcome_ok(o, id);
	ret = 0;
	goto out;
dberr:
	db_rollback(db);
	outcome_db(o, rc);
out:
	for (f = 0; f < NF; f++)
		free(old[f]);
	return ret;
}
