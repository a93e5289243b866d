/* yujing — user account rules. */
#include "users.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "access.h"
#include "app.h"
#include "audit.h"
#include "password.h"
#include "session.h"

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

int
users_list(struct db *db, const struct actor *actor, const struct users_query *uq,
    json_t **items, long long *total, struct outcome *e)
{
#define USERS_WHERE \
	" FROM users WHERE deleted_at IS NULL" \
	" AND (? IS NULL OR username LIKE ? OR name LIKE ?)" \
	" AND (? IS NULL OR role = ?)" \
	" AND (? IS NULL OR disabled = ?)"
	static const char sql_count[] = "SELECT COUNT(*)" USERS_WHERE;
	static const char sql_items[] =
	    "SELECT " USER_COLS USERS_WHERE " ORDER BY id LIMIT ? OFFSET ?";
	const char	*q = uq->q, *role = uq->role;
	char		*pat = NULL;
	long long	 dis = uq->disabled, *dp = uq->disabled >= 0 ? &dis : NULL;
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	(void)actor;	/* the route admits the admin only */
	memset(e, 0, sizeof(*e));
	*items = NULL;
	*total = 0;
	if (q != NULL && *q == '\0')
		q = NULL;
	if (role != NULL && *role == '\0')
		role = NULL;
	if (role != NULL && role_parse(role) == 0)
		return outcome_set(e, OUT_INVALID, "role", "角色须为 admin、province、city、point、editor 之一");
	if (q != NULL)
		pat = db_like(q);
	rc = db_query(db, &res, sql_count, "sssssII", pat, pat, pat, role, role, dp, dp);
	if (rc != DB_OK)
		goto out;
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	rc = db_query(db, &res, sql_items, "sssssIIii", pat, pat, pat, role, role, dp, dp,
	    uq->per_page, (uq->page - 1) * uq->per_page);
	if (rc != DB_OK)
		goto out;
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, user_json(&res, i));
	db_res_free(&res);
out:
	free(pat);
	return rc != DB_OK ? outcome_db(e, rc) : 0;
}

int
users_get(struct db *db, const struct actor *actor, long long id, json_t **out,
    struct outcome *e)
{
	static const char sql[] =
	    "SELECT " USER_COLS " FROM users WHERE id = ? AND deleted_at IS NULL";
	struct db_res	 res;
	int		 rc;

	(void)actor;	/* the route admits the admin only */
	memset(e, 0, sizeof(*e));
	*out = NULL;
	if ((rc = db_query(db, &res, sql, "i", id)) != DB_OK)
		return outcome_db(e, rc);
	if (res.nrows == 1)
		*out = user_json(&res, 0);
	db_res_free(&res);
	if (*out == NULL)
		return outcome_set(e, OUT_NOT_FOUND, NULL, "用户不存在");
	return 0;
}

static int
dbfail(struct db *db, struct outcome *e, int rc)
{
	db_rollback(db);
	return outcome_db(e, rc);
}

/* Point and city that go with a role: a point account takes its point's
 * city; a city account needs one of the province's cities; the others have
 * neither. */
static int
check_scope(struct db *db, int role, long long *point_id, char city[8],
    struct outcome *e)
{
	/* Locked: a point moving to another city at the same time either
	 * waits for this account or is read here with its new city. */
	static const char get_point[] = "SELECT city FROM points WHERE id = ? LOCK IN SHARE MODE";
	static const char get_city[] =
	    "SELECT 1 FROM regions WHERE code = ? AND level = 'city'";
	struct db_res	 res;
	int		 rc;
	bool		 found;

	switch (role) {
	case ROLE_POINT:
		if (*point_id <= 0)
			return outcome_set(e, OUT_INVALID, "point_id", "预警点账号须指定所属预警点");
		if ((rc = db_query(db, &res, get_point, "i", *point_id)) != DB_OK)
			return dbfail(db, e, rc);
		found = res.nrows == 1;
		if (found)
			snprintf(city, 8, "%s", db_res_null(&res, 0, 0) ? "" : db_res_str(&res, 0, 0));
		db_res_free(&res);
		if (!found)
			return outcome_set(e, OUT_INVALID, "point_id", "所属预警点不存在");
		return 0;
	case ROLE_CITY:
		if (*point_id != 0)
			return outcome_set(e, OUT_INVALID, "point_id", "地市账号不能指定预警点");
		if (city[0] == '\0')
			return outcome_set(e, OUT_INVALID, "city", "地市账号须指定所属地市");
		if ((rc = db_query(db, &res, get_city, "s", city)) != DB_OK)
			return dbfail(db, e, rc);
		found = res.nrows == 1;
		db_res_free(&res);
		if (!found)
			return outcome_set(e, OUT_INVALID, "city", "所属地市须为浙江省 11 个地市之一（如杭州市 330100）");
		return 0;
	default:
		*point_id = 0;
		city[0] = '\0';
		return 0;
	}
}

int
users_create(struct db *db, const struct config *cfg, const struct users_input *in,
    const struct actor *actor, long long *id, struct outcome *e)
{
	static const char exists[] = "SELECT id FROM users WHERE username = ?";
	static const char ins[] =
	    "INSERT INTO users (username, name, role, point_id, city, password_hash, "
	    "disabled, version, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, 1, NOW(), NOW())";
	char		 hash[PASSWORD_HASH_MAX], city[8], msg[128];
	const char	*weak;
	long long	 point_id = in->point_id;
	struct db_res	 res;
	int		 role, rc;
	bool		 dup;

	memset(e, 0, sizeof(*e));
	if ((role = role_parse(in->role)) == 0)
		return outcome_set(e, OUT_INVALID, "role", "角色须为 admin、province、city、point、editor 之一");
	if ((weak = password_weak(in->password, cfg->password_min_length, msg, sizeof(msg))) != NULL)
		return outcome_set(e, OUT_INVALID, "password", "%s", weak);
	snprintf(city, sizeof(city), "%s", in->city ? in->city : "");
	if (password_hash(in->password, hash) != 0)
		return dbfail(db, e, DB_ERROR);
	if ((rc = db_begin(db)) != DB_OK)
		return dbfail(db, e, rc);
	if (check_scope(db, role, &point_id, city, e) == -1) {
		db_rollback(db);
		return -1;
	}
	if ((rc = db_query(db, &res, exists, "s", in->username)) != DB_OK)
		return dbfail(db, e, rc);
	dup = res.nrows > 0;
	db_res_free(&res);
	if (dup) {
		db_rollback(db);
		return outcome_set(e, OUT_INVALID, "username", "用户名“%s”已存在", in->username);
	}
	rc = db_exec(db, ins, "sssIssi", in->username, in->name, role_name(role),
	    point_id ? &point_id : NULL, city[0] ? city : NULL, hash,
	    (long long)in->disabled);
	if (rc == DB_DUPLICATE) {
		db_rollback(db);
		return outcome_set(e, OUT_INVALID, "username", "用户名“%s”已存在", in->username);
	}
	if (rc < 0)
		return dbfail(db, e, rc);
	*id = (long long)db_insert_id(db);
	rc = audit_actor(db, actor, "user.create", "user", *id,
	    json_pack("{s:s, s:s, s:s, s:o, s:o, s:b}", "username", in->username,
	    "name", in->name, "role", role_name(role),
	    "point_id", point_id ? json_integer(point_id) : json_null(),
	    "city", city[0] ? json_string(city) : json_null(), "disabled", in->disabled));
	if (rc != DB_OK || (rc = db_commit(db)) != DB_OK)
		return dbfail(db, e, rc);
	sodium_memzero(hash, sizeof(hash));
	return 0;
}

static void
change_s(json_t *d, const char *k, const char *old, const char *new)
{
	if ((old == NULL) != (new == NULL) || (old && strcmp(old, new)))
		json_object_set_new(d, k, json_pack("[o, o]",
		    old ? json_string(old) : json_null(), new ? json_string(new) : json_null()));
}

int
users_update(struct db *db, const struct config *cfg, long long id,
    const struct users_patch *p, const struct actor *actor, struct outcome *e)
{
	static const char get[] =
	    "SELECT name, role, point_id, city, disabled, version FROM users "
	    "WHERE id = ? AND deleted_at IS NULL FOR UPDATE";
	static const char upd[] =
	    "UPDATE users SET name = ?, role = ?, point_id = ?, city = ?, disabled = ?, "
	    "password_hash = COALESCE(?, password_hash), version = version + 1, "
	    "updated_at = NOW() WHERE id = ?";
	struct db_res	 res;
	char		 name[256], city[8], oldcity[8], hash[PASSWORD_HASH_MAX], msg[128];
	const char	*weak;
	long long	 point_id, oldpoint;
	int		 role, oldrole, rc;
	bool		 disabled, olddisabled;
	json_t		*d;

	memset(e, 0, sizeof(*e));
	if (p->role != NULL && role_parse(p->role) == 0)
		return outcome_set(e, OUT_INVALID, "role", "角色须为 admin、province、city、point、editor 之一");
	if (p->password != NULL &&
	    (weak = password_weak(p->password, cfg->password_min_length, msg, sizeof(msg))) != NULL)
		return outcome_set(e, OUT_INVALID, "password", "%s", weak);
	if (p->password != NULL && password_hash(p->password, hash) != 0)
		return dbfail(db, e, DB_ERROR);
	if ((rc = db_begin(db)) != DB_OK)
		return dbfail(db, e, rc);
	if ((rc = db_query(db, &res, get, "i", id)) != DB_OK)
		return dbfail(db, e, rc);
	if (res.nrows == 0) {
		db_res_free(&res);
		db_rollback(db);
		return outcome_set(e, OUT_NOT_FOUND, NULL, "用户不存在");
	}
	snprintf(name, sizeof(name), "%s", db_res_str(&res, 0, 0));
	oldrole = role_parse(db_res_str(&res, 0, 1));
	oldpoint = db_res_int(&res, 0, 2);
	snprintf(oldcity, sizeof(oldcity), "%s", db_res_null(&res, 0, 3) ? "" : db_res_str(&res, 0, 3));
	olddisabled = db_res_int(&res, 0, 4) != 0;
	if (db_res_int(&res, 0, 5) != p->version) {
		db_res_free(&res);
		db_rollback(db);
		return outcome_set(e, OUT_CONFLICT, "version", "该用户已被他人修改，请刷新后重试");
	}
	db_res_free(&res);

	role = p->role ? role_parse(p->role) : oldrole;
	point_id = p->set_point ? p->point_id : oldpoint;
	if (p->set_city)
		snprintf(city, sizeof(city), "%s", p->city ? p->city : "");
	else
		snprintf(city, sizeof(city), "%s", oldcity);
	disabled = p->set_disabled ? p->disabled : olddisabled;
	if (actor != NULL && actor->id == id && (role != oldrole || disabled)) {
		db_rollback(db);
		return outcome_set(e, OUT_INVALID, role != oldrole ? "role" : "disabled",
		    "不能修改自己的角色或停用自己的账号");
	}
	if (check_scope(db, role, &point_id, city, e) == -1) {
		db_rollback(db);
		return -1;
	}
	rc = db_exec(db, upd, "ssIsisi", p->name ? p->name : name, role_name(role),
	    point_id ? &point_id : NULL, city[0] ? city : NULL, (long long)disabled,
	    p->password ? hash : NULL, id);
	if (rc < 0)
		return dbfail(db, e, rc);
	if (disabled || p->password != NULL || role != oldrole || point_id != oldpoint ||
	    strcmp(city, oldcity) != 0) {
		/* Whoever held a session under the old terms logs in again. */
		if ((rc = session_revoke_user(db, id, NULL)) != DB_OK)
			return dbfail(db, e, rc);
	}
	d = json_object();
	if (p->name)
		change_s(d, "name", name, p->name);
	change_s(d, "role", role_name(oldrole), role_name(role));
	if (point_id != oldpoint)
		json_object_set_new(d, "point_id", json_pack("[o, o]",
		    oldpoint ? json_integer(oldpoint) : json_null(),
		    point_id ? json_integer(point_id) : json_null()));
	change_s(d, "city", oldcity[0] ? oldcity : NULL, city[0] ? city : NULL);
	if (disabled != olddisabled)
		json_object_set_new(d, "disabled", json_pack("[b, b]", olddisabled, disabled));
	if (p->password)
		json_object_set_new(d, "password", json_string("changed"));
	if ((rc = audit_actor(db, actor, "user.update", "user", id, d)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		return dbfail(db, e, rc);
	session_cache_bump();	/* cached sessions carry the old name, role, scope */
	sodium_memzero(hash, sizeof(hash));
	return 0;
}

int
users_delete(struct db *db, long long id, const struct actor *actor, struct outcome *e)
{
	static const char del[] =
	    "UPDATE users SET deleted_at = NOW(), disabled = 1, version = version + 1, "
	    "updated_at = NOW() WHERE id = ? AND deleted_at IS NULL";
	int rc;

	memset(e, 0, sizeof(*e));
	if (actor != NULL && actor->id == id)
		return outcome_set(e, OUT_INVALID, NULL, "不能删除自己的账号");
	if ((rc = db_begin(db)) != DB_OK)
		return dbfail(db, e, rc);
	if ((rc = db_exec(db, del, "i", id)) < 0)
		return dbfail(db, e, rc);
	if (rc == 0) {
		db_rollback(db);
		return outcome_set(e, OUT_NOT_FOUND, NULL, "用户不存在");
	}
	if ((rc = session_revoke_user(db, id, NULL)) != DB_OK ||
	    (rc = audit_actor(db, actor, "user.delete", "user", id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		return dbfail(db, e, rc);
	session_cache_bump();
	return 0;
}

int
users_follow_point(struct db *db, long long point_id, const char *city,
    const struct actor *actor, int *moved)
{
	static const char get[] =
	    "SELECT id, city FROM users WHERE point_id = ? AND role = 'point' "
	    "AND deleted_at IS NULL AND NOT (city <=> ?) ORDER BY id FOR UPDATE";
	static const char upd[] =
	    "UPDATE users SET city = ?, version = version + 1, updated_at = NOW() WHERE id = ?";
	struct db_res	 res;
	size_t		 i;
	int		 rc = DB_OK;

	*moved = 0;
	if ((rc = db_query(db, &res, get, "is", point_id, city)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		const char *old = db_res_null(&res, i, 1) ? NULL : db_res_str(&res, i, 1);
		long long uid = db_res_int(&res, i, 0);

		if ((rc = db_exec(db, upd, "si", city, uid)) < 0)
			break;
		rc = audit_actor(db, actor, "user.update", "user", uid,
		    json_pack("{s:[s?, s], s:I}", "city", old, city, "point_moved",
		    (json_int_t)point_id));
		if (rc != DB_OK)
			break;
		(*moved)++;
	}
	db_res_free(&res);
	return rc < 0 ? rc : DB_OK;
}
