/* yujing — /api/submissions: drafts, edits, submit, withdraw, and review
 * decisions along the chain that rules/review.lua gives each report type.
 * Every state change is one transaction with its decision row, the
 * submitter's message and the audit row; the version guards against two
 * people acting at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "access.h"
#include "app.h"
#include "audit.h"
#include "export.h"
#include "handlers.h"
#include "log.h"
#include "plugins.h"
#include "points.h"
#include "rules.h"
#include "stats.h"
#include "validate.h"
#include "worker.h"

#define SUB_COLS \
	"id, type, point_id, city, submitter_id, submitter_role, state, review_level, chain, " \
	"title, fields, year, quarter, opt_magazine, opt_work_exchange, opt_internal, magazine, " \
	"adopted, rounds, first_submitted_at, submitted_at, decided_at, accepted_at, version, " \
	"created_at, updated_at"
enum {
	C_ID, C_TYPE, C_POINT, C_CITY, C_SUBMITTER, C_SROLE, C_STATE, C_LEVEL, C_CHAIN,
	C_TITLE, C_FIELDS, C_YEAR, C_QUARTER, C_OPT_MAG, C_OPT_WE, C_OPT_INT, C_MAGAZINE,
	C_ADOPTED, C_ROUNDS, C_FIRST_AT, C_SUBMITTED_AT, C_DECIDED_AT, C_ACCEPTED_AT,
	C_VERSION, C_CREATED, C_UPDATED
};

static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The submitter's unit: everyone of the same point (point items), of the
 * same city (a city's own items), or the province (notices). */
static bool
is_owner(const struct user *u, const struct db_res *s)
{
	const char *srole = db_res_str(s, 0, C_SROLE);

	switch (u->role) {
	case ROLE_POINT:
		return !db_res_null(s, 0, C_POINT) && db_res_int(s, 0, C_POINT) == u->point_id;
	case ROLE_CITY:
		return db_res_null(s, 0, C_POINT) && same(srole, "city") &&
		    same(db_res_str(s, 0, C_CITY), u->city);
	case ROLE_PROVINCE:
		return same(srole, "province");
	default:
		return false;
	}
}

/* Who may read: the owner always; others never a draft; a city its own
 * city's items; province and admin all; the editor what went to the
 * magazine. */
static bool
visible(const struct user *u, const struct db_res *s)
{
	if (is_owner(u, s))
		return true;
	if (same(db_res_str(s, 0, C_STATE), "draft"))
		return false;
	switch (u->role) {
	case ROLE_ADMIN:
	case ROLE_PROVINCE:
		return true;
	case ROLE_CITY:
		return same(db_res_str(s, 0, C_CITY), u->city);
	case ROLE_EDITOR:
		return !db_res_null(s, 0, C_MAGAZINE);
	default:
		return false;
	}
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
sub_json(struct req *r, const struct db_res *s, size_t i, bool with_rounds)
{
	static const char rounds_sql[] =
	    "SELECT round, level, decision, reviewer_role, opinion, opt_magazine, "
	    "opt_work_exchange, opt_internal, at FROM decisions WHERE submission_id = ? ORDER BY id";
	json_t		*o, *fields, *rounds;
	struct db_res	 d;
	size_t		 k;

	fields = json_loads(db_res_str(s, i, C_FIELDS), 0, NULL);
	o = json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:{s:b, s:b, s:b}, "
	    "s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:o, s:o}",
	    "id", (json_int_t)db_res_int(s, i, C_ID),
	    "type", db_res_str(s, i, C_TYPE),
	    "point_id", db_res_null(s, i, C_POINT) ? json_null() : json_integer(db_res_int(s, i, C_POINT)),
	    "city", str_or_null(db_res_str(s, i, C_CITY)),
	    "state", db_res_str(s, i, C_STATE),
	    "review_level", str_or_null(db_res_str(s, i, C_LEVEL)),
	    "fields", fields ? fields : json_object(),
	    "title", db_res_str(s, i, C_TITLE),
	    "year", db_res_null(s, i, C_YEAR) ? json_null() : json_integer(db_res_int(s, i, C_YEAR)),
	    "quarter", db_res_null(s, i, C_QUARTER) ? json_null() : json_integer(db_res_int(s, i, C_QUARTER)),
	    "options", "magazine", (int)db_res_int(s, i, C_OPT_MAG),
	    "work_exchange", (int)db_res_int(s, i, C_OPT_WE),
	    "internal_exchange", (int)db_res_int(s, i, C_OPT_INT),
	    "magazine", str_or_null(db_res_str(s, i, C_MAGAZINE)),
	    "adopted", db_res_null(s, i, C_ADOPTED) ? json_null() : json_boolean(db_res_int(s, i, C_ADOPTED)),
	    "submitted_at", app_time(db_res_str(s, i, C_FIRST_AT)),
	    "last_submitted_at", app_time(db_res_str(s, i, C_SUBMITTED_AT)),
	    "decided_at", app_time(db_res_str(s, i, C_DECIDED_AT)),
	    "accepted_at", app_time(db_res_str(s, i, C_ACCEPTED_AT)),
	    "version", (json_int_t)db_res_int(s, i, C_VERSION),
	    "round", (json_int_t)db_res_int(s, i, C_ROUNDS),
	    "created_at", app_time(db_res_str(s, i, C_CREATED)),
	    "updated_at", app_time(db_res_str(s, i, C_UPDATED)));
	if (!with_rounds)
		return o;
	rounds = json_array();
	if (db_query(&r->w->db, &d, rounds_sql, "i", db_res_int(s, i, C_ID)) == DB_OK) {
		for (k = 0; k < d.nrows; k++)
			json_array_append_new(rounds, json_pack("{s:I, s:s, s:s, s:s, s:o, s:{s:b, s:b, s:b}, s:o}",
			    "round", (json_int_t)db_res_int(&d, k, 0), "level", db_res_str(&d, k, 1),
			    "decision", db_res_str(&d, k, 2), "reviewer_role", db_res_str(&d, k, 3),
			    "opinion", str_or_null(db_res_str(&d, k, 4)),
			    "options", "magazine", (int)db_res_int(&d, k, 5),
			    "work_exchange", (int)db_res_int(&d, k, 6),
			    "internal_exchange", (int)db_res_int(&d, k, 7),
			    "at", app_time(db_res_str(&d, k, 8))));
		db_res_free(&d);
	}
	json_object_set_new(o, "rounds", rounds);
	{
		static const char att_sql[] = "SELECT id, name, size, sha256 FROM attachments "
		    "WHERE submission_id = ? AND deleted_at IS NULL ORDER BY id";
		json_t *atts = json_array();

		if (db_query(&r->w->db, &d, att_sql, "i", db_res_int(s, i, C_ID)) == DB_OK) {
			for (k = 0; k < d.nrows; k++)
				json_array_append_new(atts, json_pack("{s:I, s:s, s:I, s:s}",
				    "id", (json_int_t)db_res_int(&d, k, 0), "name", db_res_str(&d, k, 1),
				    "size", (json_int_t)db_res_int(&d, k, 2), "sha256", db_res_str(&d, k, 3)));
			db_res_free(&d);
		}
		json_object_set_new(o, "attachments", atts);
	}
	return o;
}

/* Loads a submission the caller may see (404 otherwise).  0 or -1
 * answered. */
static int
load(struct req *r, long long id, bool for_update, struct db_res *s)
{
	static const char get[] = "SELECT " SUB_COLS " FROM submissions WHERE id = ?";
	static const char lock[] = "SELECT " SUB_COLS " FROM submissions WHERE id = ? FOR UPDATE";
	int rc;

	if ((rc = db_query(&r->w->db, s, for_update ? lock : get, "i", id)) != DB_OK) {
		app_db_error(r, rc);
		return -1;
	}
	if (s->nrows == 1 && !visible(&r->user, s) && r->user.role == ROLE_POINT &&
	    same(db_res_str(s, 0, C_TYPE), "notice") && same(db_res_str(s, 0, C_STATE), "approved")) {
		/* A notice is readable by the points it was sent to. */
		static const char sent[] =
		    "SELECT 1 FROM messages WHERE submission_id = ? AND point_id = ? AND kind = 'notice'";
		struct db_res m;

		if ((rc = db_query(&r->w->db, &m, sent, "ii", id, r->user.point_id)) != DB_OK) {
			db_res_free(s);
			app_db_error(r, rc);
			return -1;
		}
		rc = (int)m.nrows;
		db_res_free(&m);
		if (rc > 0)
			return 0;
	}
	if (s->nrows == 0 || !visible(&r->user, s)) {
		db_res_free(s);
		http_error(r, ERR_NOT_FOUND, "信息不存在", NULL);
		return -1;
	}
	return 0;
}

static void
answer(struct req *r, int status, long long id)
{
	struct db_res s;

	if (load(r, id, false, &s) == -1)
		return;
	http_json(r, status, sub_json(r, &s, 0, true));
	db_res_free(&s);
}

/* year and quarter a type declares in its fields, if it has them. */
static void
declared(const json_t *fields, long long *year, long long *quarter)
{
	json_t *v;

	*year = *quarter = 0;
	if ((v = json_object_get(fields, "year")) != NULL && json_is_integer(v))
		*year = json_integer_value(v);
	if ((v = json_object_get(fields, "quarter")) != NULL && json_is_integer(v))
		*quarter = json_integer_value(v);
}

static const char *
title_of(const json_t *fields)
{
	json_t *t = json_object_get(fields, "title");

	return json_is_string(t) ? json_string_value(t) : "";
}

void
h_submissions_create(struct req *r)
{
	static const char ins[] =
	    "INSERT INTO submissions (type, point_id, city, submitter_id, submitter_role, state, "
	    "title, fields, year, quarter, version, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, 1, NOW(), NOW())";
	static const char point_city[] = "SELECT city FROM points WHERE id = ?";
	const struct yj_report_type *t;
	struct yj_error	 err;
	struct db	*db = &r->w->db;
	struct db_res	 res;
	json_t		*type = json_object_get(r->json, "type"), *fields = json_object_get(r->json, "fields");
	long long	 point = 0, year, quarter, id;
	char		 city[8] = "", *text;
	int		 rc;

	if (!json_is_string(type)) {
		http_error(r, type ? ERR_BAD_REQUEST : ERR_INVALID, "请选择报送类型（type）", "type");
		return;
	}
	if ((t = plugins_type(json_string_value(type))) == NULL) {
		http_error(r, ERR_INVALID, "未知的报送类型，可用类型见 /api/report-types", "type");
		return;
	}
	if (!plugins_may_submit(t, r->user.role)) {
		http_error(r, ERR_FORBIDDEN, "您的角色不能报送这类信息", NULL);
		return;
	}
	if (!json_is_object(fields)) {
		http_error(r, fields ? ERR_BAD_REQUEST : ERR_INVALID, "信息内容（fields）应为对象", "fields");
		return;
	}
	if (plugins_validate_fields(t, fields, db, &err) == -1) {
		plugins_error_answer(r, &err);
		return;
	}
	if (r->user.role == ROLE_POINT) {
		point = r->user.point_id;
		if ((rc = db_query(db, &res, point_city, "i", point)) != DB_OK) {
			app_db_error(r, rc);
			return;
		}
		if (res.nrows == 1)
			snprintf(city, sizeof(city), "%s", db_res_str(&res, 0, 0));
		db_res_free(&res);
	} else if (r->user.role == ROLE_CITY)
		snprintf(city, sizeof(city), "%s", r->user.city);
	declared(fields, &year, &quarter);
	text = json_dumps(fields, JSON_COMPACT);
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = db_exec(db, ins, "sIsisssII", t->name, point ? &point : NULL, city[0] ? city : NULL,
	    r->user.id, role_name(r->user.role), title_of(fields), text,
	    year ? &year : NULL, quarter ? &quarter : NULL)) < 0) {
		free(text);
		goto dberr;
	}
	free(text);
	id = (long long)db_insert_id(db);
	if ((rc = audit_req(r, "submission.create", "submission", id,
	    json_pack("{s:s}", "type", t->name))) != DB_OK || (rc = db_commit(db)) != DB_OK)
		goto dberr;
	answer(r, 201, id);
	return;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
}

void
h_submissions_get(struct req *r)
{
	answer(r, 200, r->params[0]);
}

#define LIST_WHERE \
	" WHERE (? IS NULL OR type = ?) AND (? IS NULL OR state = ?)" \
	" AND (? IS NULL OR point_id = ?) AND (? IS NULL OR year = ?) AND (? IS NULL OR quarter = ?)" \
	" AND (? IS NULL OR title LIKE ?)" \
	" AND ((? = 'province' AND (state <> 'draft' OR submitter_role = 'province'))" \
	"   OR (? = 'city' AND city = ? AND (state <> 'draft' OR (point_id IS NULL AND submitter_role = 'city')))" \
	"   OR (? = 'point' AND point_id = ?)" \
	"   OR (? = 'editor' AND magazine IS NOT NULL))"

void
h_submissions_list(struct req *r)
{
	static const char count[] = "SELECT COUNT(*) FROM submissions" LIST_WHERE;
	static const char rows[] = "SELECT " SUB_COLS " FROM submissions" LIST_WHERE
	    " ORDER BY id DESC LIMIT ? OFFSET ?";
	const char	*type = points_nz(http_query(r, "type")), *state = points_nz(http_query(r, "state"));
	const char	*q = points_nz(http_query(r, "q")), *role;
	long long	 page, per_page, point, year, quarter, total, own_point;
	char		*like = NULL;
	struct db_res	 res;
	json_t		*items;
	size_t		 i;
	int		 rc;

	if (validate_paging(r, &page, &per_page) == -1 ||
	    validate_query_id(r, "point", "预警点", &point) == -1 ||
	    validate_query_id(r, "year", "年度", &year) == -1 ||
	    validate_query_id(r, "quarter", "季度", &quarter) == -1)
		return;
	role = r->user.role == ROLE_ADMIN ? "province" : role_name(r->user.role);
	own_point = r->user.point_id;
	if (q != NULL)
		like = db_like(q);
#define ARGS type, type, state, state, point ? &point : NULL, point ? &point : NULL, \
	year ? &year : NULL, year ? &year : NULL, quarter ? &quarter : NULL, quarter ? &quarter : NULL, \
	like, like, role, role, r->user.city, role, &own_point, role
	if ((rc = db_query(&r->w->db, &res, count, "ssssIIIIIIssssssIs", ARGS)) != DB_OK)
		goto out;
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, rows, "ssssIIIIIIssssssIsii", ARGS, per_page,
	    (page - 1) * per_page)) != DB_OK)
		goto out;
#undef ARGS
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, sub_json(r, &res, i, false));
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
out:
	free(like);
	if (rc != DB_OK)
		app_db_error(r, rc);
}

/* The version a write names; -1 answered. */
static int
want_version(struct req *r, const struct db_res *s, long long *v)
{
	json_t *j = r->json ? json_object_get(r->json, "version") : NULL;

	if (j == NULL) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return -1;
	}
	if (!json_is_integer(j)) {
		http_error(r, ERR_BAD_REQUEST, "版本号应为整数", "version");
		return -1;
	}
	*v = json_integer_value(j);
	if (*v != db_res_int(s, 0, C_VERSION)) {
		http_error(r, ERR_CONFLICT, "该信息已被他人处理或修改，请刷新后重试", "version");
		return -1;
	}
	return 0;
}

/* Starts the transaction and locks an item for a change by the unit that
 * submitted it: a draft or returned item (editable) or a waiting one, at
 * the version the caller read.  0 with the row in *s, or -1 answered and
 * rolled back.  verb: 修改, 提交, 撤回. */
static int
begin_owned(struct req *r, long long id, bool editable, const char *verb,
    struct db_res *s, long long *version)
{
	const char	*state;
	char		 msg[128];
	int		 rc;

	if ((rc = db_begin(&r->w->db)) != DB_OK) {
		app_db_error(r, rc);
		return -1;
	}
	if (load(r, id, true, s) == -1) {
		db_rollback(&r->w->db);
		return -1;
	}
	state = db_res_str(s, 0, C_STATE);
	if (!is_owner(&r->user, s)) {
		snprintf(msg, sizeof(msg), "只有报送单位可以%s这条信息", verb);
		http_error(r, ERR_FORBIDDEN, msg, NULL);
	} else if (editable ? !same(state, "draft") && !same(state, "returned") : !same(state, "submitted")) {
		snprintf(msg, sizeof(msg), "只有%s的信息可以%s", editable ? "草稿或退回修改" : "待审核", verb);
		http_error(r, ERR_CONFLICT, msg, "state");
	} else if (want_version(r, s, version) == 0)
		return 0;
	db_res_free(s);
	db_rollback(&r->w->db);
	return -1;
}

void
h_submissions_update(struct req *r)
{
	static const char upd[] =
	    "UPDATE submissions SET fields = ?, title = ?, year = ?, quarter = ?, "
	    "version = version + 1, updated_at = NOW() WHERE id = ? AND version = ?";
	const struct yj_report_type *t;
	struct yj_error	 err;
	struct db	*db = &r->w->db;
	struct db_res	 s;
	json_t		*fields = json_object_get(r->json, "fields");
	long long	 id = r->params[0], version, year, quarter;
	char		*text;
	int		 rc;

	if (begin_owned(r, id, true, "修改", &s, &version) == -1)
		return;
	if (!json_is_object(fields)) {
		http_error(r, fields ? ERR_BAD_REQUEST : ERR_INVALID, "信息内容（fields）应为对象", "fields");
		goto refused_res;
	}
	t = plugins_type(db_res_str(&s, 0, C_TYPE));
	if (t == NULL || plugins_validate_fields(t, fields, db, &err) == -1) {
		if (t == NULL)
			http_error(r, ERR_CONFLICT, "这类信息的插件已不再加载，不能修改", NULL);
		else
			plugins_error_answer(r, &err);
		goto refused_res;
	}
	db_res_free(&s);
	declared(fields, &year, &quarter);
	text = json_dumps(fields, JSON_COMPACT);
	rc = db_exec(db, upd, "ssIIii", text, title_of(fields), year ? &year : NULL,
	    quarter ? &quarter : NULL, id, version);
	free(text);
	if (rc < 0 || (rc = stats_sync(db, id)) != DB_OK ||
	    (rc = audit_req(r, "submission.update", "submission", id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		app_db_error(r, rc);
		return;
	}
	answer(r, 200, id);
	return;
refused_res:
	db_res_free(&s);
	db_rollback(db);
}

/* A notice issued on submit reaches the points of its audience ({"all":
 * true}, {"city": code} or {"points": [ids]}) in their message centre;
 * withdrawn points (撤销) get nothing. */
static int
deliver_notice(struct req *r, long long id, const char *title, const json_t *fields)
{
	static const char ins[] =
	    "INSERT INTO messages (point_id, submission_id, kind, title, created_at) "
	    "SELECT p.id, ?, 'notice', ?, NOW() FROM points p WHERE p.status <> '撤销' "
	    "AND (? = 1 OR p.city = ? OR FIND_IN_SET(p.id, ?) > 0)";
	const json_t	*aud = json_object_get(fields, "audience"), *v;
	struct buf	 ids = { 0 };
	size_t		 i;
	int		 rc;

	json_array_foreach(json_object_get(aud, "points"), i, v)
		if (json_is_integer(v))
			buf_printf(&ids, "%s%lld", ids.len ? "," : "", (long long)json_integer_value(v));
	rc = db_exec(&r->w->db, ins, "isiss", id, title,
	    (long long)json_is_true(json_object_get(aud, "all")),
	    json_string_value(json_object_get(aud, "city")), ids.len ? ids.data : "");
	buf_free(&ids);
	return rc < 0 ? rc : DB_OK;
}

/* A message for the submitter's unit. */
static int
notify(struct req *r, const struct db_res *s, const char *kind, const char *text)
{
	static const char ins[] =
	    "INSERT INTO messages (point_id, city, user_id, submission_id, kind, title, body, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, NOW())";
	long long	 point = db_res_int(s, 0, C_POINT), uid = db_res_int(s, 0, C_SUBMITTER);
	bool		 is_point = !db_res_null(s, 0, C_POINT);
	bool		 is_city = !is_point && same(db_res_str(s, 0, C_SROLE), "city");
	char		 title[400];
	int		 rc;

	snprintf(title, sizeof(title), "《%s》%s", db_res_str(s, 0, C_TITLE), text);
	rc = db_exec(&r->w->db, ins, "IsIisss", is_point ? &point : NULL,
	    is_city ? db_res_str(s, 0, C_CITY) : NULL, !is_point && !is_city ? &uid : NULL,
	    db_res_int(s, 0, C_ID), kind, title, NULL);
	return rc < 0 ? rc : DB_OK;
}

void
h_submissions_submit(struct req *r)
{
	static const char upd[] =
	    "UPDATE submissions SET state = ?, review_level = ?, chain = ?, rounds = rounds + 1, "
	    "magazine = ?, submitted_at = NOW(), first_submitted_at = COALESCE(first_submitted_at, NOW()), "
	    "year = COALESCE(year, YEAR(NOW())), decided_at = NULL, version = version + 1, "
	    "updated_at = NOW() WHERE id = ? AND version = ?";
	static const char completed[] = "UPDATE submissions SET decided_at = submitted_at WHERE id = ?";
	char		 levels[REVIEW_MAX_LEVELS][16], chain[REVIEW_MAX_LEVELS * 16] = "", err[640];
	struct db	*db = &r->w->db;
	struct db_res	 s;
	long long	 id = r->params[0], version;
	size_t		 n, i;
	bool		 magazine = false;
	int		 rc;

	if (begin_owned(r, id, true, "提交", &s, &version) == -1)
		return;
	if (rules_review_chain(&r->w->rules, db_res_str(&s, 0, C_TYPE), db_res_str(&s, 0, C_SROLE),
	    levels, &n, err, sizeof(err)) == -1 ||
	    (n == 0 && rules_review_bool(&r->w->rules, "magazine_direct", db_res_str(&s, 0, C_TYPE),
	    &magazine, err, sizeof(err)) == -1)) {
		log_err("rules: review policy: %s", err);
		http_error(r, ERR_INTERNAL, "审核政策出错，请联系管理员查看日志", NULL);
		goto refused_res;
	}
	for (i = 0; i < n; i++)
		snprintf(chain + strlen(chain), sizeof(chain) - strlen(chain), "%s%s", i ? "," : "", levels[i]);
	/* No review: submitting completes the flow (filed, published, issued). */
	rc = db_exec(db, upd, "ssssii", n ? "submitted" : "approved", n ? levels[0] : NULL, chain,
	    magazine ? "pending" : NULL, id, version);
	if (rc >= 0 && n == 0)
		rc = db_exec(db, completed, "i", id);
	if (rc >= 0 && n == 0 && !strcmp(db_res_str(&s, 0, C_TYPE), "notice")) {
		json_t *f = json_loads(db_res_str(&s, 0, C_FIELDS), 0, NULL);

		rc = deliver_notice(r, id, db_res_str(&s, 0, C_TITLE), f);
		json_decref(f);
	}
	if (rc < 0 || (rc = stats_sync(db, id)) != DB_OK ||
	    (rc = audit_req(r, "submission.submit", "submission", id,
	    json_pack("{s:s}", "chain", chain))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK) {
		db_res_free(&s);
		db_rollback(db);
		app_db_error(r, rc);
		return;
	}
	db_res_free(&s);
	answer(r, 200, id);
	return;
refused_res:
	db_res_free(&s);
	db_rollback(db);
}

static int
record(struct req *r, long long id, long long round, const char *level, const char *decision,
    const char *opinion, bool mag, bool we, bool in)
{
	/* The decision keeps the item's city for the review progress. */
	static const char ins[] =
	    "INSERT INTO decisions (submission_id, round, level, city, decision, reviewer_id, "
	    "reviewer_role, opinion, opt_magazine, opt_work_exchange, opt_internal, at) "
	    "SELECT s.id, ?, ?, s.city, ?, ?, ?, ?, ?, ?, ?, NOW() FROM submissions s WHERE s.id = ?";
	int rc;

	rc = db_exec(&r->w->db, ins, "ississiiii", round, level, decision, r->user.id,
	    role_name(r->user.role), opinion, (long long)mag, (long long)we, (long long)in, id);
	return rc < 0 ? rc : DB_OK;
}

void
h_submissions_withdraw(struct req *r)
{
	static const char upd[] =
	    "UPDATE submissions SET state = 'draft', review_level = NULL, version = version + 1, "
	    "updated_at = NOW() WHERE id = ? AND version = ?";
	struct db	*db = &r->w->db;
	struct db_res	 s;
	long long	 id = r->params[0], version;
	int		 rc;

	if (begin_owned(r, id, false, "撤回", &s, &version) == -1)
		return;
	if ((rc = db_exec(db, upd, "ii", id, version)) < 0 ||
	    (rc = record(r, id, db_res_int(&s, 0, C_ROUNDS), db_res_str(&s, 0, C_LEVEL), "withdraw",
	    NULL, false, false, false)) != DB_OK ||
	    (rc = stats_sync(db, id)) != DB_OK ||
	    (rc = audit_req(r, "submission.withdraw", "submission", id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK) {
		db_res_free(&s);
		db_rollback(db);
		app_db_error(r, rc);
		return;
	}
	db_res_free(&s);
	answer(r, 200, id);
}

/* The level after cur in a chain "city,province"; "" when cur is last. */
static void
next_level(const char *chain, const char *cur, char out[16])
{
	const char *p = strstr(chain, cur);

	out[0] = '\0';
	if (p == NULL || (p = strchr(p, ',')) == NULL)
		return;
	snprintf(out, 16, "%.*s", (int)strcspn(p + 1, ","), p + 1);
}

void
h_submissions_decide(struct req *r)
{
	static const struct vfield fields[] = {
		{ "decision", "审核结果", VT_STRING, VF_REQUIRED, 1, 16, NULL },
		{ "opinion", "审核意见", VT_STRING, VF_NULLABLE, 0, 2000, NULL },
	};
	static const struct vfield opt_fields[] = {
		{ "magazine", "推荐到杂志", VT_BOOL, 0, 0, 0, NULL },
		{ "work_exchange", "发布到预警工作交流", VT_BOOL, 0, 0, 0, NULL },
		{ "internal_exchange", "重要信息内部交流", VT_BOOL, 0, 0, 0, NULL },
	};
	static const char upd[] =
	    "UPDATE submissions SET state = ?, review_level = ?, opt_magazine = ?, opt_work_exchange = ?, "
	    "opt_internal = ?, magazine = ?, adopted = NULL, adopted_at = NULL, "
	    "decided_at = IF(? = 1, NOW(), NULL), version = version + 1, "
	    "updated_at = NOW() WHERE id = ? AND version = ?";
	static const char last_sql[] =
	    "SELECT decision, level FROM decisions WHERE submission_id = ? AND decision <> 'withdraw' "
	    "ORDER BY id DESC LIMIT 1";
	static const char lock_sql[] = "SELECT " SUB_COLS " FROM submissions WHERE id = ? FOR UPDATE";
	struct vval	 v[2], o[3];
	json_t		*jv;
	struct review_ctx ctx;
	struct db	*db = &r->w->db;
	struct db_res	 s, last;
	json_t		*opts;
	long long	 id = r->params[0], version;
	const char	*state, *level, *decision, *new_state, *msg;
	char		 field[64], why[640], next[16] = "", *new_level = NULL;
	bool		 held, final = false;
	int		 rc, ok;

	if (validate_object(r, r->json, fields, 2, v) == -1)
		return;
	opts = json_object_get(r->json, "options");
	if (opts != NULL && !json_is_object(opts)) {
		http_error(r, ERR_BAD_REQUEST, "审核选项（options）应为对象", "options");
		return;
	}
	if (validate_object_at(r, opts, opt_fields, 3, o,
	    "options.") == -1)
		return;
	decision = v[0].s;
	if ((rc = db_begin(db)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if ((rc = db_query(db, &s, lock_sql, "i", id)) != DB_OK) {
		db_rollback(db);
		app_db_error(r, rc);
		return;
	}
	/* A reviewer who acted on what it read, after someone else moved the
	 * item on (another reviewer, the submitter withdrawing), gets 409 like
	 * any stale write, even where the item has since left its sight. */
	jv = json_object_get(r->json, "version");
	if (s.nrows == 1 && json_is_integer(jv) && json_integer_value(jv) != db_res_int(&s, 0, C_VERSION) &&
	    (r->user.role == ROLE_PROVINCE ||
	    (r->user.role == ROLE_CITY && same(db_res_str(&s, 0, C_CITY), r->user.city)))) {
		http_error(r, ERR_CONFLICT, "该信息已被他人处理或修改，请刷新后重试", "version");
		goto refused_res;
	}
	if (s.nrows == 0 || !visible(&r->user, &s)) {
		http_error(r, ERR_NOT_FOUND, "信息不存在", NULL);
		goto refused_res;
	}
	state = db_res_str(&s, 0, C_STATE);
	level = db_res_str(&s, 0, C_LEVEL);
	/* Who holds the item: the city of its point at city level, the
	 * province at province level; a revert undoes the province's last
	 * decision on a finished item. */
	if (!strcmp(decision, "revert")) {
		if ((rc = db_query(db, &last, last_sql, "i", id)) != DB_OK)
			goto dberr;
		held = r->user.role == ROLE_PROVINCE && !same(state, "submitted") && !same(state, "draft") &&
		    last.nrows == 1 && same(db_res_str(&last, 0, 1), "province") &&
		    !same(db_res_str(&last, 0, 0), "revert");
		db_res_free(&last);
		level = "province";
		if (!held) {
			http_error(r, ERR_CONFLICT, "只有省级已作出的审核结果可以撤销", "decision");
			goto refused_res;
		}
	} else {
		if (!same(state, "submitted")) {
			http_error(r, ERR_CONFLICT, "该信息当前不在待审核状态", "state");
			goto refused_res;
		}
		held = (same(level, "city") && r->user.role == ROLE_CITY &&
		    same(db_res_str(&s, 0, C_CITY), r->user.city)) ||
		    (same(level, "province") && r->user.role == ROLE_PROVINCE);
		if (!held) {
			http_error(r, ERR_FORBIDDEN, "该信息当前不在您的审核环节", NULL);
			goto refused_res;
		}
	}
	if (want_version(r, &s, &version) == -1)
		goto refused_res;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = db_res_str(&s, 0, C_TYPE);
	ctx.level = level;
	ctx.role = role_name(r->user.role);
	ctx.decision = decision;
	ctx.magazine = o[0].b;
	ctx.work_exchange = o[1].b;
	ctx.internal_exchange = o[2].b;
	ctx.opinion = v[1].present && !v[1].null ? v[1].s : "";
	ctx.chain = db_res_str(&s, 0, C_CHAIN);
	ok = rules_review_check(&r->w->rules, &ctx, field, sizeof(field), why, sizeof(why));
	if (ok == -1) {
		log_err("rules: review policy: %s", why);
		http_error(r, ERR_INTERNAL, "审核政策出错，请联系管理员查看日志", NULL);
		goto refused_res;
	}
	if (ok == 1) {
		http_error(r, ERR_INVALID, why, field);
		goto refused_res;
	}
	if (!strcmp(decision, "pass")) {
		next_level(db_res_str(&s, 0, C_CHAIN), level, next);
		if (next[0] != '\0') {
			new_state = "submitted";
			new_level = next;
			msg = "已通过初审，转交省级审核";
		} else {
			new_state = "approved";
			final = true;
			msg = "已审核通过";
		}
	} else if (!strcmp(decision, "return")) {
		new_state = "returned";
		final = true;
		msg = "被退回修改，请修改后重新提交";
	} else if (!strcmp(decision, "reject")) {
		new_state = "rejected";
		final = true;
		msg = "未予通过";
	} else {	/* revert */
		new_state = "submitted";
		new_level = "province";
		msg = "的审核结果已撤销，重新审核中";
	}
	if (!final || strcmp(decision, "pass") != 0)
		ctx.magazine = ctx.work_exchange = ctx.internal_exchange = false;
	if ((rc = db_exec(db, upd, "ssiiisiii", new_state, new_level, (long long)ctx.magazine,
	    (long long)ctx.work_exchange, (long long)ctx.internal_exchange,
	    ctx.magazine ? "pending" : NULL, (long long)final, id, version)) < 0 ||
	    (rc = record(r, id, db_res_int(&s, 0, C_ROUNDS), level, decision,
	    ctx.opinion[0] ? ctx.opinion : NULL, ctx.magazine, ctx.work_exchange,
	    ctx.internal_exchange)) != DB_OK ||
	    (rc = stats_sync(db, id)) != DB_OK ||
	    (rc = notify(r, &s, "decision", msg)) != DB_OK ||
	    (rc = audit_req(r, "submission.decide", "submission", id,
	    json_pack("{s:s, s:s}", "decision", decision, "level", level))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	db_res_free(&s);
	answer(r, 200, id);
	return;
dberr:
	db_res_free(&s);
	db_rollback(db);
	app_db_error(r, rc);
	return;
refused_res:
	db_res_free(&s);
	db_rollback(db);
}

/* What waits on the caller: at city level for its city, at province level
 * for the province. */
void
h_reviews_queue(struct req *r)
{
	static const char rows[] = "SELECT " SUB_COLS " FROM submissions "
	    "WHERE state = 'submitted' AND review_level = ? AND (? IS NULL OR city = ?) "
	    "AND (? IS NULL OR type = ?) ORDER BY submitted_at LIMIT ? OFFSET ?";
	static const char count[] = "SELECT COUNT(*) FROM submissions "
	    "WHERE state = 'submitted' AND review_level = ? AND (? IS NULL OR city = ?) "
	    "AND (? IS NULL OR type = ?)";
	const char	*type = points_nz(http_query(r, "type"));
	const char	*level = r->user.role == ROLE_CITY ? "city" : "province";
	const char	*city = r->user.role == ROLE_CITY ? r->user.city : NULL;
	long long	 page, per_page, total;
	struct db_res	 res;
	json_t		*items;
	size_t		 i;
	int		 rc;

	if (validate_paging(r, &page, &per_page) == -1)
		return;
	if ((rc = db_query(&r->w->db, &res, count, "sssss", level, city, city, type, type)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, rows, "sssssii", level, city, city, type, type,
	    per_page, (page - 1) * per_page)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, sub_json(r, &res, i, false));
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
}

#define MSG_WHERE \
	" WHERE ((? = 'point' AND point_id = ?) OR (? = 'city' AND city = ? AND point_id IS NULL)" \
	" OR user_id = ?) AND (? IS NULL OR (read_at IS NULL) = ?)"

void
h_messages_list(struct req *r)
{
	static const char count[] = "SELECT COUNT(*) FROM messages" MSG_WHERE;
	static const char rows[] = "SELECT id, kind, title, body, submission_id, created_at, read_at "
	    "FROM messages" MSG_WHERE " ORDER BY id DESC LIMIT ? OFFSET ?";
	const char	*role = role_name(r->user.role);
	long long	 page, per_page, total, point = r->user.point_id, uid = r->user.id, unread_v;
	struct db_res	 res;
	json_t		*items;
	size_t		 i;
	int		 unread, rc;

	if (validate_paging(r, &page, &per_page) == -1 ||
	    (unread = validate_query_bool(r, "unread", "是否未读")) == -2)
		return;
	unread_v = unread;
	if ((rc = db_query(&r->w->db, &res, count, "sissiII", role, point, role, r->user.city, uid,
	    unread >= 0 ? &unread_v : NULL, unread >= 0 ? &unread_v : NULL)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, rows, "sissiIIii", role, point, role, r->user.city, uid,
	    unread >= 0 ? &unread_v : NULL, unread >= 0 ? &unread_v : NULL, per_page,
	    (page - 1) * per_page)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}",
		    "id", (json_int_t)db_res_int(&res, i, 0), "kind", db_res_str(&res, i, 1),
		    "title", db_res_str(&res, i, 2), "body", str_or_null(db_res_str(&res, i, 3)),
		    "submission_id", db_res_null(&res, i, 4) ? json_null() : json_integer(db_res_int(&res, i, 4)),
		    "created_at", app_time(db_res_str(&res, i, 5)), "read_at", app_time(db_res_str(&res, i, 6))));
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
}

void
h_messages_read(struct req *r)
{
	static const char upd[] = "UPDATE messages SET read_at = COALESCE(read_at, NOW())" MSG_WHERE
	    " AND id = ?";
	const char	*role = role_name(r->user.role);
	long long	 point = r->user.point_id, uid = r->user.id;
	int		 rc;

	rc = db_exec(&r->w->db, upd, "sissiIIi", role, point, role, r->user.city, uid,
	    (long long *)NULL, (long long *)NULL, r->params[0]);
	if (rc < 0) {
		app_db_error(r, rc);
		return;
	}
	if (rc == 0) {
		static const char exists[] = "SELECT 1 FROM messages" MSG_WHERE " AND id = ?";
		struct db_res res;

		/* 0 rows: already read (still ours) or not ours at all. */
		if ((rc = db_query(&r->w->db, &res, exists, "sissiIIi", role, point, role,
		    r->user.city, uid, (long long *)NULL, (long long *)NULL, r->params[0])) != DB_OK) {
			app_db_error(r, rc);
			return;
		}
		rc = (int)res.nrows;
		db_res_free(&res);
		if (rc == 0) {
			http_error(r, ERR_NOT_FOUND, "消息不存在", NULL);
			return;
		}
	}
	http_no_content(r);
}

/* ---------------------------------------------------------------- magazine */

/* The editor's list: warning info passed with 推荐到杂志 and the quarterly
 * analyses the policy sends straight to the magazine. */
void
h_magazine_list(struct req *r)
{
	static const char count[] = "SELECT COUNT(*) FROM submissions WHERE magazine = ?";
	static const char rows[] = "SELECT " SUB_COLS " FROM submissions WHERE magazine = ? "
	    "ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?";
	const char	*state = points_nz(http_query(r, "state"));
	long long	 page, per_page, total;
	struct db_res	 res;
	json_t		*items;
	size_t		 i;
	int		 rc;

	if (validate_paging(r, &page, &per_page) == -1)
		return;
	if (state == NULL)
		state = "pending";
	if (strcmp(state, "pending") && strcmp(state, "accepted") && strcmp(state, "declined")) {
		http_error(r, ERR_INVALID, "state 须为 pending（待处理）、accepted（录用）或 declined（不录用）", "state");
		return;
	}
	if ((rc = db_query(&r->w->db, &res, count, "s", state)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, rows, "sii", state, per_page, (page - 1) * per_page)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(items, sub_json(r, &res, i, false));
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
}

/*
 * A yes/no decision on a finished item (录用 by the editor, 采纳 by the
 * province): one transaction under the item's row lock, refused with 409
 * unless may() holds, with its statistics, message and audit row.
 */
struct yes_no {
	struct vfield	 field;				/* the boolean in the body */
	bool		(*may)(const struct db_res *);
	const char	*refused, *refused_field;	/* 409 when !may */
	int		(*apply)(struct db *, long long id, bool yes);
	const char	*kind, *yes, *no;		/* the submitter's message */
	const char	*action;			/* audit */
};

static void
yes_no(struct req *r, const struct yes_no *d)
{
	struct vval	 v[1];
	struct db	*db = &r->w->db;
	struct db_res	 s;
	long long	 id = r->params[0];
	int		 rc;

	if (validate_object(r, r->json, &d->field, 1, v) == -1)
		return;
	if ((rc = db_begin(db)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (load(r, id, true, &s) == -1) {
		db_rollback(db);
		return;
	}
	if (!d->may(&s)) {
		db_res_free(&s);
		db_rollback(db);
		http_error(r, ERR_CONFLICT, d->refused, d->refused_field);
		return;
	}
	if ((rc = d->apply(db, id, v[0].b)) < 0 ||
	    (rc = stats_sync(db, id)) != DB_OK ||
	    (rc = notify(r, &s, d->kind, v[0].b ? d->yes : d->no)) != DB_OK ||
	    (rc = audit_req(r, d->action, "submission", id,
	    json_pack("{s:b}", d->field.name, v[0].b))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK) {
		db_res_free(&s);
		db_rollback(db);
		app_db_error(r, rc);
		return;
	}
	db_res_free(&s);
	answer(r, 200, id);
}

static bool
magazine_pending(const struct db_res *s)
{
	return same(db_res_str(s, 0, C_MAGAZINE), "pending");
}

static int
magazine_apply(struct db *db, long long id, bool yes)
{
	static const char upd[] =
	    "UPDATE submissions SET magazine = ?, accepted_at = IF(? = 1, NOW(), NULL), "
	    "version = version + 1, updated_at = NOW() WHERE id = ? AND magazine = 'pending'";

	return db_exec(db, upd, "sii", yes ? "accepted" : "declined", (long long)yes, id);
}

/* 录用 / 不录用, once, by the editor. */
void
h_magazine_decide(struct req *r)
{
	static const struct yes_no d = {
		{ "accept", "是否录用", VT_BOOL, VF_REQUIRED, 0, 0, NULL },
		magazine_pending, "该信息不在待录用状态（可能已被处理）", "accept",
		magazine_apply, "magazine", "已被《浙江商务》录用", "未被《浙江商务》录用",
		"submission.magazine",
	};

	yes_no(r, &d);
}

/* ------------------------------------------------------- internal exchange */

void
h_internal_exchange_list(struct req *r)
{
#define IX_WHERE \
	" FROM submissions s LEFT JOIN points p ON p.id = s.point_id" \
	" WHERE s.opt_internal = 1 AND s.state = 'approved'" \
	" AND (? IS NULL OR (? = 2 AND s.adopted IS NULL) OR s.adopted = ?)" \
	" AND (? IS NULL OR s.first_submitted_at >= ?) AND (? IS NULL OR s.first_submitted_at < ? + INTERVAL 1 DAY)"
	static const char count[] = "SELECT COUNT(*)" IX_WHERE;
	static const char rows[] = "SELECT s.id, s.title, s.fields, COALESCE(p.name, s.city), "
	    "s.first_submitted_at, s.adopted, "
	    "(SELECT COUNT(*) FROM leader_instructions l WHERE l.submission_id = s.id)"
	    IX_WHERE " ORDER BY s.first_submitted_at DESC, s.id DESC LIMIT ? OFFSET ?";
	const char	*adopted = points_nz(http_query(r, "adopted"));
	const char	*from = points_nz(http_query(r, "from")), *to = points_nz(http_query(r, "to"));
	long long	 page, per_page, total, a = 0;
	struct db_res	 res;
	json_t		*items, *f;
	size_t		 i;
	int		 rc;

	if (validate_paging(r, &page, &per_page) == -1)
		return;
	if (adopted != NULL) {
		if (!strcmp(adopted, "true")) a = 1;
		else if (!strcmp(adopted, "false")) a = 0;
		else if (!strcmp(adopted, "none")) a = 2;
		else {
			http_error(r, ERR_INVALID, "adopted 须为 true（采纳）、false（不采纳）或 none（未处理）", "adopted");
			return;
		}
	}
	if ((from && !text_date(from)) || (to && !text_date(to))) {
		http_error(r, ERR_INVALID, "日期应为有效的 YYYY-MM-DD，如 2019-01-20",
		    from && !text_date(from) ? "from" : "to");
		return;
	}
#define IX_ARGS adopted ? &a : NULL, adopted ? &a : NULL, adopted ? &a : NULL, from, from, to, to
	if ((rc = db_query(&r->w->db, &res, count, "IIIssss", IX_ARGS)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(&r->w->db, &res, rows, "IIIssssii", IX_ARGS, per_page,
	    (page - 1) * per_page)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
#undef IX_ARGS
	items = json_array();
	for (i = 0; i < res.nrows; i++) {
		f = json_loads(db_res_str(&res, i, 2), 0, NULL);
		json_array_append_new(items, json_pack("{s:I, s:s, s:O?, s:O?, s:o, s:o, s:o, s:I}",
		    "id", (json_int_t)db_res_int(&res, i, 0), "title", db_res_str(&res, i, 1),
		    "country", json_object_get(f, "country"), "industry", json_object_get(f, "industry"),
		    "unit", str_or_null(db_res_str(&res, i, 3)),
		    "submitted_at", app_time(db_res_str(&res, i, 4)),
		    "adopted", db_res_null(&res, i, 5) ? json_null() : json_boolean(db_res_int(&res, i, 5)),
		    "leader_instructions", (json_int_t)db_res_int(&res, i, 6)));
		json_decref(f);
	}
	db_res_free(&res);
	http_list(r, items, total, page, per_page);
}

static bool
internal_approved(const struct db_res *s)
{
	return same(db_res_str(s, 0, C_STATE), "approved") && db_res_int(s, 0, C_OPT_INT) == 1;
}

static int
adoption_apply(struct db *db, long long id, bool yes)
{
	static const char upd[] =
	    "UPDATE submissions SET adopted = ?, adopted_at = NOW(), version = version + 1, "
	    "updated_at = NOW() WHERE id = ?";

	return db_exec(db, upd, "ii", (long long)yes, id);
}

/* 采纳 / 不采纳 an internal-exchange item. */
void
h_adoption(struct req *r)
{
	static const struct yes_no d = {
		{ "adopt", "是否采纳", VT_BOOL, VF_REQUIRED, 0, 0, NULL },
		internal_approved, "只有审核通过并设为重要信息内部交流的信息可以采纳", NULL,
		adoption_apply, "adoption", "已被采纳（内部交流）", "未被采纳（内部交流）",
		"submission.adoption",
	};

	yes_no(r, &d);
}

/* 厅领导批示 on an adopted item. */
void
h_leader_instruction(struct req *r)
{
	static const struct vfield fields[] = {
		{ "leader", "批示领导", VT_STRING, VF_REQUIRED, 1, 64, NULL },
		{ "text", "批示内容", VT_STRING, VF_REQUIRED, 1, 5000, NULL },
	};
	static const char ins[] =
	    "INSERT INTO leader_instructions (submission_id, leader, text, user_id, at) VALUES (?, ?, ?, ?, NOW())";
	static const char list[] =
	    "SELECT id, leader, text, at FROM leader_instructions WHERE submission_id = ? ORDER BY id";
	struct vval	 v[2];
	struct db	*db = &r->w->db;
	struct db_res	 s, l;
	long long	 id = r->params[0];
	json_t		*items;
	size_t		 i;
	int		 rc;

	if (validate_object(r, r->json, fields, 2, v) == -1)
		return;
	if ((rc = db_begin(db)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (load(r, id, true, &s) == -1) {
		db_rollback(db);
		return;
	}
	if (db_res_int(&s, 0, C_ADOPTED) != 1 || db_res_null(&s, 0, C_ADOPTED)) {
		db_res_free(&s);
		db_rollback(db);
		http_error(r, ERR_CONFLICT, "只有已采纳的内部交流信息可以记录领导批示", NULL);
		return;
	}
	if ((rc = db_exec(db, ins, "issi", id, v[0].s, v[1].s, r->user.id)) < 0 ||
	    (rc = notify(r, &s, "instruction", "获得厅领导批示")) != DB_OK ||
	    (rc = audit_req(r, "submission.leader_instruction", "submission", id,
	    json_pack("{s:s}", "leader", v[0].s))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK) {
		db_res_free(&s);
		db_rollback(db);
		app_db_error(r, rc);
		return;
	}
	db_res_free(&s);
	if ((rc = db_query(db, &l, list, "i", id)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	items = json_array();
	for (i = 0; i < l.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o}",
		    "id", (json_int_t)db_res_int(&l, i, 0), "leader", db_res_str(&l, i, 1),
		    "text", db_res_str(&l, i, 2), "at", app_time(db_res_str(&l, i, 3))));
	db_res_free(&l);
	http_json(r, 201, json_pack("{s:I, s:o, s:I}", "submission_id", (json_int_t)id,
	    "items", items, "total", (json_int_t)json_array_size(items)));
}

/* -------------------------------------------------------------------- bulk */

/* One decision for several items: each is decided on its own, in its own
 * transaction, exactly as POST /api/submissions/{id}/decisions would, and
 * answered per id; one refusal does not stop the others. */
void
h_decisions_bulk(struct req *r)
{
	static const char ver[] = "SELECT version FROM submissions WHERE id = ?";
	json_t		*ids = json_object_get(r->json, "ids"), *id, *results, *body, *out, *item;
	struct db_res	 res;
	struct req	 one;
	size_t		 i, ok = 0;
	int		 rc;

	if (!json_is_array(ids) || json_array_size(ids) == 0) {
		http_error(r, ids ? ERR_BAD_REQUEST : ERR_INVALID, "请选择要审核的信息（ids 为 id 数组）", "ids");
		return;
	}
	if (json_array_size(ids) > 200) {
		http_error(r, ERR_INVALID, "一次最多审核 200 条", "ids");
		return;
	}
	json_array_foreach(ids, i, id)
		if (!json_is_integer(id) || json_integer_value(id) <= 0) {
			http_error(r, ERR_BAD_REQUEST, "ids 中的每一项应为正整数", "ids");
			return;
		}
	results = json_array();
	json_array_foreach(ids, i, id) {
		memset(&one, 0, sizeof(one));
		one.w = r->w;
		one.user = r->user;
		one.authed = true;
		one.method = HTTP_POST;
		one.method_str = "POST";
		one.remote_addr = r->remote_addr;
		memcpy(one.request_id, r->request_id, sizeof(one.request_id));
		one.params[0] = json_integer_value(id);
		one.nparams = 1;
		body = json_deep_copy(r->json);
		json_object_del(body, "ids");
		/* The version is the one in force now: a change in between makes
		 * this item 409, like any other race. */
		if ((rc = db_query(&r->w->db, &res, ver, "i", one.params[0])) != DB_OK) {
			json_decref(body);
			json_decref(results);
			app_db_error(r, rc);
			return;
		}
		if (res.nrows == 1)
			json_object_set_new(body, "version", json_integer(db_res_int(&res, 0, 0)));
		else
			json_object_set_new(body, "version", json_integer(0));
		db_res_free(&res);
		one.json = body;
		h_submissions_decide(&one);
		db_request_end(&r->w->db);	/* nothing may stay open between items */
		if ((out = json_loads(one.out.data ? one.out.data : "null", JSON_DECODE_ANY, NULL)) == NULL)
			out = json_null();
		if (one.status == 200) {
			ok++;
			item = out;
		} else {
			item = json_object_get(out, "error");
			item = item ? json_incref(item) : json_null();
			json_decref(out);
		}
		json_array_append_new(results, json_pack("{s:I, s:i, s:o}", "id",
		    (json_int_t)one.params[0], "status", one.status,
		    one.status == 200 ? "submission" : "error", item));
		http_req_free(&one);
	}
	http_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", results,
	    "total", (json_int_t)json_array_size(ids), "succeeded", (json_int_t)ok,
	    "failed", (json_int_t)(json_array_size(ids) - ok)));
}

/* ------------------------------------------------------------- attachments */

void
h_attachments_upload(struct req *r)
{
	static const char ins[] =
	    "INSERT INTO attachments (submission_id, name, size, sha256, content, uploader_id, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, NOW())";
	const char	*name = http_query(r, "name"), *why;
	unsigned char	 h[32];
	char		 hex[65];
	struct db	*db = &r->w->db;
	struct db_res	 s;
	long long	 id = r->params[0], aid;
	int		 rc;

	if ((why = validate_file_name(name)) != NULL) {
		http_error(r, ERR_INVALID, why, "name");
		return;
	}
	if (r->body_len == 0) {
		http_error(r, ERR_INVALID, "附件内容为空", "body");
		return;
	}
	if ((rc = db_begin(db)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (load(r, id, true, &s) == -1) {
		db_rollback(db);
		return;
	}
	if (!is_owner(&r->user, &s) ||
	    (!same(db_res_str(&s, 0, C_STATE), "draft") && !same(db_res_str(&s, 0, C_STATE), "returned"))) {
		bool owner = is_owner(&r->user, &s);

		db_res_free(&s);
		db_rollback(db);
		if (owner)
			http_error(r, ERR_CONFLICT, "只有草稿或退回修改的信息可以添加附件", "state");
		else
			http_error(r, ERR_FORBIDDEN, "只有报送单位可以添加附件", NULL);
		return;
	}
	db_res_free(&s);
	crypto_hash_sha256(h, (const unsigned char *)r->body, r->body_len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if ((rc = db_exec(db, ins, "isisbi", id, name, (long long)r->body_len, hex,
	    r->body, r->body_len, r->user.id)) < 0)
		goto dberr;
	aid = (long long)db_insert_id(db);
	if ((rc = audit_req(r, "attachment.create", "attachment", aid,
	    json_pack("{s:I, s:s, s:I, s:s}", "submission_id", (json_int_t)id, "name", name,
	    "size", (json_int_t)r->body_len, "sha256", hex))) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	http_json(r, 201, json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)aid, "name", name,
	    "size", (json_int_t)r->body_len, "sha256", hex));
	return;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
}

/* The attachment's submission, if the caller may see it: 0 with the
 * attachment row (name, size, sha256, content) in *a, or -1 answered. */
static int
load_attachment(struct req *r, long long aid, bool content, struct db_res *a, struct db_res *s)
{
	static const char meta[] =
	    "SELECT submission_id, name, size, sha256 FROM attachments WHERE id = ? AND deleted_at IS NULL";
	static const char full[] =
	    "SELECT submission_id, name, size, sha256, content FROM attachments WHERE id = ? AND deleted_at IS NULL";
	int rc;

	if ((rc = db_query(&r->w->db, a, content ? full : meta, "i", aid)) != DB_OK) {
		app_db_error(r, rc);
		return -1;
	}
	if (a->nrows == 0) {
		db_res_free(a);
		http_error(r, ERR_NOT_FOUND, "附件不存在", NULL);
		return -1;
	}
	if (load(r, db_res_int(a, 0, 0), false, s) == -1) {
		db_res_free(a);
		buf_reset(&r->out);
		http_error(r, ERR_NOT_FOUND, "附件不存在", NULL);
		return -1;
	}
	return 0;
}

void
h_attachments_get(struct req *r)
{
	struct db_res	 a, s;
	char		 disp[EXPORT_DISPOSITION_MAX];

	if (load_attachment(r, r->params[0], true, &a, &s) == -1)
		return;
	db_res_free(&s);
	/* Never rendered by the browser: a download, no sniffing (the core
	 * sends X-Content-Type-Options: nosniff on every answer). */
	export_disposition(db_res_str(&a, 0, 1), NULL, disp, sizeof(disp));
	http_header(r, "Content-Disposition: %s", disp);
	http_header(r, "X-Attachment-SHA256: %s", db_res_str(&a, 0, 3));
	http_header(r, "Content-Security-Policy: sandbox");
	r->status = 200;
	r->out_type = "application/octet-stream";
	buf_reset(&r->out);
	buf_add(&r->out, db_res_str(&a, 0, 4), a.lens[4]);
	db_res_free(&a);
}

void
h_attachments_delete(struct req *r)
{
	static const char del[] = "UPDATE attachments SET deleted_at = NOW() WHERE id = ? AND deleted_at IS NULL";
	struct db	*db = &r->w->db;
	struct db_res	 a, s;
	int		 rc;

	if ((rc = db_begin(db)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (load_attachment(r, r->params[0], false, &a, &s) == -1) {
		db_rollback(db);
		return;
	}
	if (!is_owner(&r->user, &s) ||
	    (!same(db_res_str(&s, 0, C_STATE), "draft") && !same(db_res_str(&s, 0, C_STATE), "returned"))) {
		db_res_free(&a);
		db_res_free(&s);
		db_rollback(db);
		http_error(r, ERR_FORBIDDEN, "只有报送单位可以在草稿或退回修改时删除附件", NULL);
		return;
	}
	db_res_free(&a);
	db_res_free(&s);
	if ((rc = db_exec(db, del, "i", r->params[0])) < 0 ||
	    (rc = audit_req(r, "attachment.delete", "attachment", r->params[0], NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		app_db_error(r, rc);
		return;
	}
	http_no_content(r);
}
