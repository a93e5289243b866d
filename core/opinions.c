/* yujing — the preset review opinions (see opinions.h). */
#include "opinions.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"

static const char cols[] =
    "SELECT id, text, sort, version FROM opinions WHERE deleted_at IS NULL ORDER BY sort, id";

static json_t *
row(const struct db_res *res, size_t i)
{
	return json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)db_res_int(res, i, 0),
	    "text", db_res_str(res, i, 1), "sort", (json_int_t)db_res_int(res, i, 2),
	    "version", (json_int_t)db_res_int(res, i, 3));
}

static int
dbfail(struct db *db, struct outcome *o, int rc)
{
	db_rollback(db);
	return outcome_db(o, rc);
}

/* Seeds the presets of review.lua into an opinions table that has never
 * held a row.  DB_OK or a db_rc; presets the policy cannot give leave the
 * table empty. */
static int
seed(struct db *db, struct rules_worker *rules)
{
	static const char any[] = "SELECT COUNT(*) FROM opinions";
	/* Two first reads at once must not seed twice: the lock makes the
	 * second wait on one database server, and each preset's slot is unique
	 * (019_opinions_seed_slot.sql), which also holds across Galera nodes,
	 * where GET_LOCK locks one node only. */
	static const char lock[] = "SELECT GET_LOCK('yujing.opinions.seed', 10)";
	static const char unlock[] = "SELECT RELEASE_LOCK('yujing.opinions.seed')";
	static const char ins[] =
	    "INSERT IGNORE INTO opinions (text, sort, seed_slot, version, created_at, updated_at) "
	    "VALUES (?, ?, ?, 1, NOW(), NOW())";
	struct db_res	 res;
	json_t		*presets, *p;
	char		 err[640];
	size_t		 i;
	long long	 n;
	int		 rc;

	if ((rc = db_query(db, &res, any, "")) != DB_OK)
		return rc;
	n = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if (n > 0)
		return DB_OK;
	if ((rc = db_query(db, &res, lock, "")) != DB_OK)
		return rc;
	db_res_free(&res);
	if ((rc = db_query(db, &res, any, "")) == DB_OK) {
		n = db_res_int(&res, 0, 0);
		db_res_free(&res);
		if (n == 0 && (presets = rules_review_presets(rules, err, sizeof(err))) != NULL) {
			json_array_foreach(presets, i, p)
				if ((rc = db_exec(db, ins, "sii", json_string_value(p),
				    (long long)(i + 1) * 10, (long long)(i + 1))) < 0)
					break;
			json_decref(presets);
			rc = rc < 0 ? rc : DB_OK;
		}
	}
	if (db_query(db, &res, unlock, "") == DB_OK)
		db_res_free(&res);
	return rc;
}

int
opinions_list(struct db *db, struct rules_worker *rules, const struct actor *actor,
    json_t **items, struct outcome *o)
{
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	(void)actor;	/* the route admits the province and the cities */
	memset(o, 0, sizeof(*o));
	*items = NULL;
	if ((rc = seed(db, rules)) != DB_OK || (rc = db_query(db, &res, cols, "")) != DB_OK)
		return outcome_db(o, rc);
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, row(&res, i));
	db_res_free(&res);
	return 0;
}

int
opinions_get(struct db *db, const struct actor *actor, long long id, json_t **out,
    struct outcome *o)
{
	static const char sql[] =
	    "SELECT id, text, sort, version FROM opinions WHERE id = ? AND deleted_at IS NULL";
	struct db_res	 res;
	int		 rc;

	(void)actor;
	memset(o, 0, sizeof(*o));
	*out = NULL;
	if ((rc = db_query(db, &res, sql, "i", id)) != DB_OK)
		return outcome_db(o, rc);
	if (res.nrows > 0)
		*out = row(&res, 0);
	db_res_free(&res);
	if (*out == NULL)
		return outcome_set(o, OUT_NOT_FOUND, NULL, "审核意见不存在");
	return 0;
}

int
opinions_create(struct db *db, struct rules_worker *rules, const struct actor *actor,
    const char *text, const long long *sort, long long *id, struct outcome *o)
{
	static const char ins[] =
	    "INSERT INTO opinions (text, sort, version, created_at, updated_at) "
	    "VALUES (?, COALESCE(?, (SELECT COALESCE(MAX(o.sort), 0) + 10 FROM opinions o)), 1, NOW(), NOW())";
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = db_begin(db)) != DB_OK || (rc = seed(db, rules)) != DB_OK ||
	    (rc = db_exec(db, ins, "sI", text, sort)) < 0)
		return dbfail(db, o, rc);
	*id = (long long)db_insert_id(db);
	if ((rc = audit_actor(db, actor, "opinion.create", "opinion", *id,
	    json_pack("{s:s}", "text", text))) != DB_OK || (rc = db_commit(db)) != DB_OK)
		return dbfail(db, o, rc);
	o->id = *id;
	return 0;
}

int
opinions_update(struct db *db, const struct actor *actor, long long id, const char *text,
    const long long *sort, long long version, struct outcome *o)
{
	static const char upd[] =
	    "UPDATE opinions SET text = COALESCE(?, text), sort = COALESCE(?, sort), version = version + 1, "
	    "updated_at = NOW() WHERE id = ? AND version = ? AND deleted_at IS NULL";
	static const char exists[] = "SELECT 1 FROM opinions WHERE id = ? AND deleted_at IS NULL";
	struct db_res	 res;
	bool		 found;
	int		 rc;

	memset(o, 0, sizeof(*o));
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = db_exec(db, upd, "sIii", text, sort, id, version)) < 0)
		return dbfail(db, o, rc);
	if (rc == 0) {
		/* Stale version, or gone: which one, read after the rollback. */
		db_rollback(db);
		if ((rc = db_query(db, &res, exists, "i", id)) != DB_OK)
			return outcome_db(o, rc);
		found = res.nrows > 0;
		db_res_free(&res);
		if (found)
			return outcome_set(o, OUT_CONFLICT, "version", "该审核意见已被他人修改，请刷新后重试");
		return outcome_set(o, OUT_NOT_FOUND, NULL, "审核意见不存在");
	}
	if ((rc = audit_actor(db, actor, "opinion.update", "opinion", id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		return dbfail(db, o, rc);
	o->id = id;
	return 0;
}

int
opinions_delete(struct db *db, const struct actor *actor, long long id, struct outcome *o)
{
	static const char del[] =
	    "UPDATE opinions SET deleted_at = NOW(), version = version + 1 WHERE id = ? AND deleted_at IS NULL";
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = db_begin(db)) != DB_OK || (rc = db_exec(db, del, "i", id)) < 0)
		return dbfail(db, o, rc);
	if (rc == 0) {
		db_rollback(db);
		return outcome_set(o, OUT_NOT_FOUND, NULL, "审核意见不存在");
	}
	if ((rc = audit_actor(db, actor, "opinion.delete", "opinion", id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		return dbfail(db, o, rc);
	o->id = id;
	return 0;
}
