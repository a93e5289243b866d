/* yujing — /api/opinions: the preset review opinions (审核意见配置) the
 * province picks from: add, edit, delete, order.  The shipped ones come
 * from rules/review.lua the first time the list is read. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "handlers.h"
#include "rules.h"
#include "validate.h"
#include "worker.h"

static const char cols[] = "SELECT id, text, sort, version FROM opinions WHERE deleted_at IS NULL ORDER BY sort, id";

static json_t *
row(const struct db_res *res, size_t i)
{
	return json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)db_res_int(res, i, 0),
	    "text", db_res_str(res, i, 1), "sort", (json_int_t)db_res_int(res, i, 2),
	    "version", (json_int_t)db_res_int(res, i, 3));
}

/* Seeds the presets of review.lua into an opinions table that has never
 * held a row. */
static int
seed(struct req *r)
{
	static const char any[] = "SELECT COUNT(*) FROM opinions";
	/* Two first reads at once (on any app host) must not seed twice. */
	static const char lock[] = "SELECT GET_LOCK('yujing.opinions.seed', 10)";
	static const char unlock[] = "SELECT RELEASE_LOCK('yujing.opinions.seed')";
	static const char ins[] =
	    "INSERT INTO opinions (text, sort, version, created_at, updated_at) VALUES (?, ?, 1, NOW(), NOW())";
	struct db_res	 res;
	json_t		*presets, *p;
	char		 err[640];
	size_t		 i;
	long long	 n;
	int		 rc;

	if ((rc = db_query(&r->w->db, &res, any, "")) != DB_OK)
		return rc;
	n = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if (n > 0)
		return DB_OK;
	if ((rc = db_query(&r->w->db, &res, lock, "")) != DB_OK)
		return rc;
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, any, "")) == DB_OK) {
		n = db_res_int(&res, 0, 0);
		db_res_free(&res);
		if (n == 0 && (presets = rules_review_presets(&r->w->rules, err, sizeof(err))) != NULL) {
			json_array_foreach(presets, i, p)
				if ((rc = db_exec(&r->w->db, ins, "si", json_string_value(p),
				    (long long)(i + 1) * 10)) < 0)
					break;
			json_decref(presets);
			rc = rc < 0 ? rc : DB_OK;
		}
	}
	if (db_query(&r->w->db, &res, unlock, "") == DB_OK)
		db_res_free(&res);
	return rc;
}

void
h_opinions_list(struct req *r)
{
	struct db_res	 res;
	json_t		*items;
	size_t		 i;
	int		 rc;

	if ((rc = seed(r)) != DB_OK || (rc = db_query(&r->w->db, &res, cols, "")) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, row(&res, i));
	http_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)res.nrows));
	db_res_free(&res);
}

static const struct vfield fields[] = {
	{ "text", "意见内容", VT_STRING, VF_REQUIRED, 1, 500, NULL },
	{ "sort", "排序", VT_INT, 0, 0, 1000000, NULL },
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL },
};

static void
answer_one(struct req *r, int status, long long id)
{
	static const char sql[] = "SELECT id, text, sort, version FROM opinions WHERE id = ? AND deleted_at IS NULL";
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(&r->w->db, &res, sql, "i", id)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (res.nrows == 0)
		http_error(r, ERR_NOT_FOUND, "审核意见不存在", NULL);
	else
		http_json(r, status, row(&res, 0));
	db_res_free(&res);
}

void
h_opinions_create(struct req *r)
{
	static const char ins[] =
	    "INSERT INTO opinions (text, sort, version, created_at, updated_at) "
	    "VALUES (?, COALESCE(?, (SELECT COALESCE(MAX(o.sort), 0) + 10 FROM opinions o)), 1, NOW(), NOW())";
	struct vval	 v[3];
	struct db	*db = &r->w->db;
	long long	 id;
	int		 rc;

	if (validate_object(r, r->json, fields, 3, v) == -1)
		return;
	if ((rc = db_begin(db)) != DB_OK || (rc = seed(r)) != DB_OK ||
	    (rc = db_exec(db, ins, "sI", v[0].s, v[1].present ? &v[1].i : NULL)) < 0)
		goto dberr;
	id = (long long)db_insert_id(db);
	if ((rc = audit_req(r, "opinion.create", "opinion", id, json_pack("{s:s}", "text", v[0].s))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	answer_one(r, 201, id);
	return;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
}

void
h_opinions_update(struct req *r)
{
	static const char upd[] =
	    "UPDATE opinions SET text = COALESCE(?, text), sort = COALESCE(?, sort), version = version + 1, "
	    "updated_at = NOW() WHERE id = ? AND version = ? AND deleted_at IS NULL";
	static const char exists[] = "SELECT 1 FROM opinions WHERE id = ? AND deleted_at IS NULL";
	struct vval	 v[3];
	struct db	*db = &r->w->db;
	struct db_res	 res;
	bool		 found;
	int		 rc;

	if (validate_object(r, r->json, (const struct vfield[]){
	    { "text", "意见内容", VT_STRING, 0, 1, 500, NULL }, fields[1], fields[2] }, 3, v) == -1)
		return;
	if (!v[2].present) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return;
	}
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = db_exec(db, upd, "sIii", v[0].present ? v[0].s : NULL, v[1].present ? &v[1].i : NULL,
	    r->params[0], v[2].i)) < 0)
		goto dberr;
	if (rc == 0) {
		db_rollback(db);
		if ((rc = db_query(db, &res, exists, "i", r->params[0])) != DB_OK) {
			app_db_error(r, rc);
			return;
		}
		found = res.nrows > 0;
		db_res_free(&res);
		if (found)
			http_error(r, ERR_CONFLICT, "该审核意见已被他人修改，请刷新后重试", "version");
		else
			http_error(r, ERR_NOT_FOUND, "审核意见不存在", NULL);
		return;
	}
	if ((rc = audit_req(r, "opinion.update", "opinion", r->params[0], NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	answer_one(r, 200, r->params[0]);
	return;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
}

void
h_opinions_delete(struct req *r)
{
	static const char del[] =
	    "UPDATE opinions SET deleted_at = NOW(), version = version + 1 WHERE id = ? AND deleted_at IS NULL";
	struct db	*db = &r->w->db;
	int		 rc;

	if ((rc = db_begin(db)) != DB_OK || (rc = db_exec(db, del, "i", r->params[0])) < 0)
		goto dberr;
	if (rc == 0) {
		db_rollback(db);
		http_error(r, ERR_NOT_FOUND, "审核意见不存在", NULL);
		return;
	}
	if ((rc = audit_req(r, "opinion.delete", "opinion", r->params[0], NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	http_no_content(r);
	return;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
}
