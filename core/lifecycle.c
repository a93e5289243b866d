/* yujing — the review lifecycle (see lifecycle.h): the state machine,
 * visibility, and every transition with its effects. */
#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "access.h"
#include "audit.h"
#include "buf.h"
#include "clock.h"
#include "events.h"
#include "log.h"
#include "plugins.h"
#include "rules.h"
#include "stats.h"
#include "worker.h"

static bool
same(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* ------------------------------------------------------------ states */

static const char *const state_names[LC_NSTATES] = {
	[LC_DRAFT] = "draft", [LC_SUBMITTED] = "submitted", [LC_RETURNED] = "returned",
	[LC_REJECTED] = "rejected", [LC_APPROVED] = "approved",
};

const char *
lc_state_name(enum lc_state s)
{
	return (unsigned)s < LC_NSTATES ? state_names[s] : NULL;
}

int
lc_state_parse(const char *s)
{
	int i;

	for (i = 0; s != NULL && i < LC_NSTATES; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

#define EDITABLE (LC_BIT(LC_DRAFT) | LC_BIT(LC_RETURNED))
#define DECIDED (LC_BIT(LC_RETURNED) | LC_BIT(LC_REJECTED) | LC_BIT(LC_APPROVED))

/* The state machine.  "to" LC_TO_CHAIN: the next level of the item's
 * chain, or approved after the last (a chain of no level completes on
 * submit). */
const struct lc_transition lc_transitions[LC_NACTIONS] = {
	[LC_UPDATE] =	{ "update", EDITABLE, LC_WHO_OWNER, LC_SAME, "修改",
			  "只有草稿或退回修改的信息可以修改" },
	[LC_ATTACH] =	{ "attach", EDITABLE, LC_WHO_OWNER, LC_SAME, "添加附件",
			  "只有草稿或退回修改的信息可以添加附件" },
	[LC_SUBMIT] =	{ "submit", EDITABLE, LC_WHO_OWNER, LC_TO_CHAIN, "提交",
			  "只有草稿或退回修改的信息可以提交" },
	[LC_WITHDRAW] =	{ "withdraw", LC_BIT(LC_SUBMITTED), LC_WHO_OWNER, LC_DRAFT, "撤回",
			  "只有待审核的信息可以撤回" },
	[LC_PASS] =	{ "pass", LC_BIT(LC_SUBMITTED), LC_WHO_HOLDER, LC_TO_CHAIN, "通过",
			  "该信息当前不在待审核状态" },
	[LC_RETURN] =	{ "return", LC_BIT(LC_SUBMITTED), LC_WHO_HOLDER, LC_RETURNED, "退回",
			  "该信息当前不在待审核状态" },
	[LC_REJECT] =	{ "reject", LC_BIT(LC_SUBMITTED), LC_WHO_HOLDER, LC_REJECTED, "不予通过",
			  "该信息当前不在待审核状态" },
	[LC_REVERT] =	{ "revert", DECIDED, LC_WHO_PROVINCE, LC_SUBMITTED, "撤销",
			  "只有省级已作出的审核结果可以撤销" },
};

int
lc_decision_parse(const char *d)
{
	int a;

	for (a = LC_PASS; d != NULL && a <= LC_REVERT; a++)
		if (!strcmp(d, lc_transitions[a].name))
			return a;
	return -1;
}

struct lc_item
lc_item_of(const struct db_res *s, size_t i)
{
	struct lc_item it;

	it.state = lc_state_parse(db_res_str(s, i, SUB_STATE));
	it.point_id = db_res_null(s, i, SUB_POINT) ? 0 : db_res_int(s, i, SUB_POINT);
	it.city = db_res_str(s, i, SUB_CITY);
	it.submitter_role = db_res_str(s, i, SUB_SROLE);
	it.level = db_res_str(s, i, SUB_LEVEL);
	it.in_magazine = !db_res_null(s, i, SUB_MAGAZINE);
	return it;
}

bool
lc_owner(const struct actor *a, const struct lc_item *it)
{
	switch (a->role) {
	case ROLE_POINT:
		return it->point_id != 0 && it->point_id == a->point_id;
	case ROLE_CITY:
		return it->point_id == 0 && same(it->submitter_role, "city") &&
		    same(it->city, a->city);
	case ROLE_PROVINCE:
		return same(it->submitter_role, "province");
	default:
		return false;
	}
}

/* Keep in step with LC_VISIBLE_SQL (lc_check_visibility compares them). */
bool
lc_visible(const struct actor *a, const struct lc_item *it)
{
	if (lc_owner(a, it))
		return true;
	if (it->state == LC_DRAFT)
		return false;
	switch (a->role) {
	case ROLE_ADMIN:
	case ROLE_PROVINCE:
		return true;
	case ROLE_CITY:
		return same(it->city, a->city);
	case ROLE_EDITOR:
		return it->in_magazine;
	default:
		return false;
	}
}

bool
lc_holds(const struct actor *a, const struct lc_item *it)
{
	return (same(it->level, "city") && a->role == ROLE_CITY && same(it->city, a->city)) ||
	    (same(it->level, "province") && a->role == ROLE_PROVINCE);
}

int
lc_may(const struct actor *a, const struct lc_item *it, enum lc_action act,
    bool province_last, struct outcome *o)
{
	const struct lc_transition *t = &lc_transitions[act];
	bool in_state = it->state >= 0 && (t->from & LC_BIT(it->state)) != 0;

	switch (t->who) {
	case LC_WHO_OWNER:
		if (!lc_owner(a, it)) {
			if (act == LC_ATTACH)
				return outcome_set(o, OUT_FORBIDDEN, NULL, "只有报送单位可以添加附件");
			return outcome_set(o, OUT_FORBIDDEN, NULL, "只有报送单位可以%s这条信息",
			    t->verb);
		}
		if (!in_state)
			return outcome_set(o, OUT_CONFLICT, "state", "%s", t->refused_state);
		return 0;
	case LC_WHO_HOLDER:
		if (!in_state)
			return outcome_set(o, OUT_CONFLICT, "state", "%s", t->refused_state);
		if (!lc_holds(a, it))
			return outcome_set(o, OUT_FORBIDDEN, NULL, "该信息当前不在您的审核环节");
		return 0;
	case LC_WHO_PROVINCE:
		if (a->role != ROLE_PROVINCE || !in_state || !province_last)
			return outcome_set(o, OUT_CONFLICT, "decision", "%s", t->refused_state);
		return 0;
	}
	return outcome_set(o, OUT_INTERNAL, NULL, "服务器内部错误，请联系管理员");
}

void
lc_next_level(const char *chain, const char *cur, char out[16])
{
	const char *p = chain && cur && *cur ? strstr(chain, cur) : NULL;

	out[0] = '\0';
	if (p == NULL || (p = strchr(p, ',')) == NULL)
		return;
	snprintf(out, 16, "%.*s", (int)strcspn(p + 1, ","), p + 1);
}

/* --------------------------------------------------- report-type needs */

/* The field of a type that names an audience (a notice's 接收范围): the
 * item reaches those points when it completes.  NULL when none. */
static const struct yj_field *
audience_field(const struct yj_report_type *t)
{
	size_t i;

	for (i = 0; t != NULL && i < t->nfields; i++)
		if (t->fields[i].type == YJ_FIELD_AUDIENCE)
			return &t->fields[i];
	return NULL;
}

/* Whether completing an item of this type publishes it on its point's
 * sub-site (the types that feed the sub-site statistics). */
static bool
publishes_on_completion(const struct yj_report_type *t)
{
	size_t i;

	for (i = 0; t != NULL && t->metrics != NULL && t->metrics[i] != NULL; i++)
		if (!strncmp(t->metrics[i], "subsite_", 8))
			return true;
	return false;
}

/* ------------------------------------------------------------- reads */

int
lc_load(struct db *db, const struct actor *a, long long id, bool for_update,
    struct db_res *s, struct outcome *o)
{
	static const char get[] = "SELECT " SUB_COLS " FROM submissions WHERE id = ?";
	static const char lock[] = "SELECT " SUB_COLS " FROM submissions WHERE id = ? FOR UPDATE";
	static const char reached[] =
	    "SELECT 1 FROM messages WHERE submission_id = ? AND point_id = ? AND kind = ?";
	struct lc_item	 it;
	struct db_res	 m;
	int		 rc;

	if ((rc = db_query(db, s, for_update ? lock : get, "i", id)) != DB_OK)
		return outcome_db(o, rc);
	if (s->nrows == 1) {
		it = lc_item_of(s, 0);
		if (lc_visible(a, &it))
			return 0;
		if (a->role == ROLE_POINT && it.state == LC_APPROVED &&
		    audience_field(plugins_type(db_res_str(s, 0, SUB_TYPE))) != NULL) {
			if ((rc = db_query(db, &m, reached, "iis", id, a->point_id,
			    db_res_str(s, 0, SUB_TYPE))) != DB_OK) {
				db_res_free(s);
				return outcome_db(o, rc);
			}
			rc = (int)m.nrows;
			db_res_free(&m);
			if (rc > 0)
				return 0;
		}
	}
	db_res_free(s);
	return outcome_set(o, OUT_NOT_FOUND, NULL, "信息不存在");
}

/* ------------------------------------------------- transaction frame */

struct tx {
	struct worker		*w;
	struct db		*db;
	const struct actor	*a;
	struct outcome		*o;
	long long		 id;
	struct db_res		 s;		/* the locked row */
	bool			 loaded;
	struct lc_item		 it;
	char			 now[CLOCK_TEXT_SIZE];
};

static void
tx_init(struct tx *t, struct worker *w, const struct actor *a, long long id, struct outcome *o)
{
	memset(t, 0, sizeof(*t));
	t->w = w;
	t->db = &w->db;
	t->a = a;
	t->o = o;
	t->id = id;
	clock_text(t->now);
	outcome_ok(o, id);
}

static int
tx_fail(struct tx *t)
{
	if (t->loaded)
		db_res_free(&t->s);
	t->loaded = false;
	db_rollback(t->db);
	return -1;
}

static int
tx_dberr(struct tx *t, int rc)
{
	outcome_db(t->o, rc);
	return tx_fail(t);
}

/* Starts the transaction and locks the item (404 unless visible). */
static int
tx_begin(struct tx *t)
{
	int rc;

	if ((rc = db_begin(t->db)) != DB_OK)
		return outcome_db(t->o, rc);
	if (lc_load(t->db, t->a, t->id, true, &t->s, t->o) == -1) {
		db_rollback(t->db);
		return -1;
	}
	t->loaded = true;
	t->it = lc_item_of(&t->s, 0);
	return 0;
}

static int
tx_commit(struct tx *t)
{
	int rc;

	if ((rc = db_commit(t->db)) != DB_OK)
		return tx_dberr(t, rc);
	if (t->loaded)
		db_res_free(&t->s);
	t->loaded = false;
	t->o->kind = OUT_OK;
	t->o->id = t->id;
	return 0;
}

static long long
row_version(const struct tx *t)
{
	return db_res_int(&t->s, 0, SUB_VERSION);
}

/* The version the caller read, against the locked row's. */
static int
check_version(struct tx *t, struct lc_version v, long long *out)
{
	switch (v.kind) {
	case LC_V_MISSING:
		return outcome_set(t->o, OUT_INVALID, "version", "缺少版本号（version），请刷新后重试");
	case LC_V_BAD:
		return outcome_set(t->o, OUT_BAD_REQUEST, "version", "版本号应为整数");
	case LC_V_GIVEN:
		if (v.v != row_version(t))
			return outcome_set(t->o, OUT_CONFLICT, "version",
			    "该信息已被他人处理或修改，请刷新后重试");
		break;
	case LC_V_CURRENT:
		break;
	}
	*out = row_version(t);
	return 0;
}

/* An "UPDATE … AND version = ?" changed exactly the one row, or the item
 * moved on (409). */
static int
one_row(struct tx *t, int rc)
{
	if (rc < 0)
		return outcome_db(t->o, rc);
	if (rc != 1)
		return outcome_set(t->o, OUT_CONFLICT, "version", "该信息已被他人处理或修改，请刷新后重试");
	return 0;
}

/* ----------------------------------------------------------- effects */

/* A message for the submitter's unit. */
static int
notify(struct tx *t, const char *kind, const char *text)
{
	static const char ins[] =
	    "INSERT INTO messages (point_id, city, user_id, submission_id, kind, title, body, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	const struct db_res *s = &t->s;
	long long	 point = db_res_int(s, 0, SUB_POINT), uid = db_res_int(s, 0, SUB_SUBMITTER);
	bool		 is_point = !db_res_null(s, 0, SUB_POINT);
	bool		 is_city = !is_point && same(db_res_str(s, 0, SUB_SROLE), "city");
	char		 title[400];
	int		 rc;

	snprintf(title, sizeof(title), "《%s》%s", db_res_str(s, 0, SUB_TITLE), text);
	rc = db_exec(t->db, ins, "IsIissss", is_point ? &point : NULL,
	    is_city ? db_res_str(s, 0, SUB_CITY) : NULL, !is_point && !is_city ? &uid : NULL,
	    t->id, kind, title, (const char *)NULL, t->now);
	return rc < 0 ? rc : DB_OK;
}

/* What a transition did, for its effects. */
struct effect {
	const char		*event;		/* the event kind */
	const char		*audit;		/* the audit action */
	bool			 stats;		/* the item may count differently now */
	bool			 moves;		/* state or level change */
	const char		*to_state, *to_level;
	enum event_publication	 pub;
	const char		*msg_kind, *msg;	/* the submitter's message; NULL: none */
	json_t			*detail;	/* audit and event detail; stolen */
};

/* The effects of every transition, in one place, inside its transaction:
 * statistics, the submitter's message, the audit row, the event row. */
static int
effects(struct tx *t, struct effect *e)
{
	struct event	 ev;
	int		 rc;

	if (e->stats && (rc = stats_sync(t->db, t->id)) != DB_OK)
		goto out;
	if (e->msg != NULL && (rc = notify(t, e->msg_kind, e->msg)) != DB_OK)
		goto out;
	if ((rc = audit_actor(t->db, t->a, e->audit, "submission", t->id,
	    e->detail ? json_incref(e->detail) : NULL)) != DB_OK)
		goto out;
	memset(&ev, 0, sizeof(ev));
	ev.kind = e->event;
	ev.submission_id = t->id;
	ev.actor_id = t->a->kind == ACTOR_SYSTEM ? 0 : t->a->id;
	ev.actor_role = t->a->kind == ACTOR_SYSTEM ? NULL : role_name(t->a->role);
	if (e->moves) {
		ev.from_state = t->loaded ? db_res_str(&t->s, 0, SUB_STATE) : NULL;
		ev.from_level = t->loaded ? db_res_str(&t->s, 0, SUB_LEVEL) : NULL;
		ev.to_state = e->to_state;
		ev.to_level = e->to_level;
	}
	ev.publication = e->pub;
	ev.detail = e->detail;
	e->detail = NULL;
	ev.at = t->now;
	rc = events_emit(t->db, &ev);
out:
	if (e->detail != NULL)
		json_decref(e->detail);
	e->detail = NULL;
	return rc;
}

/* ------------------------------------------------------- transitions */

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

/* The plugin's verdict on a record's fields, as an outcome. */
static int
check_fields(struct db *db, const struct yj_report_type *t, const json_t *fields,
    struct outcome *o)
{
	struct yj_error err;

	if (!json_is_object(fields))
		return outcome_set(o, fields ? OUT_BAD_REQUEST : OUT_INVALID, "fields",
		    "信息内容（fields）应为对象");
	if (plugins_validate_fields(t, fields, db, &err) == 0)
		return 0;
	return outcome_set(o, err.code == YJ_ERR_TYPE ? OUT_BAD_REQUEST :
	    err.code == YJ_ERR_UNAVAILABLE ? OUT_UNAVAILABLE : OUT_INVALID,
	    err.field[0] ? err.field : NULL, "%s", err.message);
}

int
lc_create(struct worker *w, const struct actor *a, const char *type, const json_t *fields,
    struct outcome *o)
{
	static const char ins[] =
	    "INSERT INTO submissions (type, point_id, city, submitter_id, submitter_role, state, "
	    "title, fields, year, quarter, version, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, 1, ?, ?)";
	static const char point_city[] = "SELECT city FROM points WHERE id = ?";
	const struct yj_report_type *rt;
	struct effect	 e;
	struct tx	 t;
	struct db_res	 res;
	long long	 point = 0, year, quarter;
	char		 city[8] = "", *text;
	int		 rc;

	tx_init(&t, w, a, 0, o);
	if ((rt = plugins_type(type)) == NULL)
		return outcome_set(o, OUT_INVALID, "type", "未知的报送类型，可用类型见 /api/report-types");
	if (!plugins_may_submit(rt, a->role))
		return outcome_set(o, OUT_FORBIDDEN, NULL, "您的角色不能报送这类信息");
	if (check_fields(t.db, rt, fields, o) == -1)
		return -1;
	if (a->role == ROLE_POINT) {
		point = a->point_id;
		if ((rc = db_query(t.db, &res, point_city, "i", point)) != DB_OK)
			return outcome_db(o, rc);
		if (res.nrows == 1)
			snprintf(city, sizeof(city), "%s", db_res_str(&res, 0, 0));
		db_res_free(&res);
	} else if (a->role == ROLE_CITY)
		snprintf(city, sizeof(city), "%s", a->city);
	declared(fields, &year, &quarter);
	if ((rc = db_begin(t.db)) != DB_OK)
		return outcome_db(o, rc);
	text = json_dumps(fields, JSON_COMPACT);
	rc = db_exec(t.db, ins, "sIsisssIIss", rt->name, point ? &point : NULL,
	    city[0] ? city : NULL, a->id, role_name(a->role), title_of(fields), text,
	    year ? &year : NULL, quarter ? &quarter : NULL, t.now, t.now);
	free(text);
	if (rc < 0)
		return tx_dberr(&t, rc);
	t.id = (long long)db_insert_id(t.db);
	memset(&e, 0, sizeof(e));
	e.event = "create";
	e.audit = "submission.create";
	e.moves = true;
	e.to_state = "draft";
	e.detail = json_pack("{s:s}", "type", rt->name);
	if ((rc = effects(&t, &e)) != DB_OK)
		return tx_dberr(&t, rc);
	return tx_commit(&t);
}

int
lc_update(struct worker *w, const struct actor *a, long long id, struct lc_version ver,
    const json_t *fields, struct outcome *o)
{
	static const char upd[] =
	    "UPDATE submissions SET fields = ?, title = ?, year = ?, quarter = ?, "
	    "version = version + 1, updated_at = ? WHERE id = ? AND version = ?";
	const struct yj_report_type *rt;
	struct effect	 e;
	struct tx	 t;
	long long	 version, year, quarter;
	char		*text;
	int		 rc;

	tx_init(&t, w, a, id, o);
	if (tx_begin(&t) == -1)
		return -1;
	if (lc_may(a, &t.it, LC_UPDATE, false, o) == -1 || check_version(&t, ver, &version) == -1)
		return tx_fail(&t);
	if (!json_is_object(fields)) {
		outcome_set(o, fields ? OUT_BAD_REQUEST : OUT_INVALID, "fields", "信息内容（fields）应为对象");
		return tx_fail(&t);
	}
	if ((rt = plugins_type(db_res_str(&t.s, 0, SUB_TYPE))) == NULL) {
		outcome_set(o, OUT_CONFLICT, NULL, "这类信息的插件已不再加载，不能修改");
		return tx_fail(&t);
	}
	if (check_fields(t.db, rt, fields, o) == -1)
		return tx_fail(&t);
	declared(fields, &year, &quarter);
	text = json_dumps(fields, JSON_COMPACT);
	rc = db_exec(t.db, upd, "ssIIsii", text, title_of(fields), year ? &year : NULL,
	    quarter ? &quarter : NULL, t.now, id, version);
	free(text);
	if (one_row(&t, rc) == -1)
		return tx_fail(&t);
	memset(&e, 0, sizeof(e));
	e.event = "update";
	e.audit = "submission.update";
	e.stats = true;
	if ((rc = effects(&t, &e)) != DB_OK)
		return tx_dberr(&t, rc);
	return tx_commit(&t);
}

/* An item of a type with an audience reaches, on completion, the message
 * centre of every point of its audience ({"all": true}, {"city": code} or
 * {"points": [ids]}); withdrawn points (撤销) get nothing. */
static int
deliver(struct tx *t, const struct yj_report_type *rt, const struct yj_field *f)
{
	static const char ins[] =
	    "INSERT INTO messages (point_id, submission_id, kind, title, created_at) "
	    "SELECT p.id, ?, ?, ?, ? FROM points p WHERE p.status <> '撤销' "
	    "AND (? = 1 OR p.city = ? OR FIND_IN_SET(p.id, ?) > 0)";
	json_t		*fields = json_loads(db_res_str(&t->s, 0, SUB_FIELDS), 0, NULL), *v;
	const json_t	*aud = json_object_get(fields, f->name);
	struct buf	 ids = { 0 };
	size_t		 i;
	int		 rc;

	json_array_foreach(json_object_get(aud, "points"), i, v)
		if (json_is_integer(v))
			buf_printf(&ids, "%s%lld", ids.len ? "," : "", (long long)json_integer_value(v));
	rc = db_exec(t->db, ins, "isssiss", t->id, rt->name, db_res_str(&t->s, 0, SUB_TITLE), t->now,
	    (long long)json_is_true(json_object_get(aud, "all")),
	    json_string_value(json_object_get(aud, "city")), ids.len ? ids.data : "");
	buf_free(&ids);
	json_decref(fields);
	return rc < 0 ? rc : DB_OK;
}

int
lc_submit(struct worker *w, const struct actor *a, long long id, struct lc_version ver,
    struct outcome *o)
{
	static const char upd[] =
	    "UPDATE submissions SET state = ?, review_level = ?, chain = ?, rounds = rounds + 1, "
	    "magazine = ?, submitted_at = ?, first_submitted_at = COALESCE(first_submitted_at, ?), "
	    "year = COALESCE(year, ?), decided_at = IF(? = 1, ?, NULL), version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?";
	char		 levels[REVIEW_MAX_LEVELS][16], chain[REVIEW_MAX_LEVELS * 16] = "", err[640];
	const struct yj_report_type *rt;
	const struct yj_field *aud;
	struct effect	 e;
	struct tx	 t;
	long long	 version;
	size_t		 n, i;
	bool		 magazine = false;
	int		 rc;

	tx_init(&t, w, a, id, o);
	if (tx_begin(&t) == -1)
		return -1;
	if (lc_may(a, &t.it, LC_SUBMIT, false, o) == -1 || check_version(&t, ver, &version) == -1)
		return tx_fail(&t);
	if (rules_review_chain(&w->rules, db_res_str(&t.s, 0, SUB_TYPE), db_res_str(&t.s, 0, SUB_SROLE),
	    levels, &n, err, sizeof(err)) == -1 ||
	    (n == 0 && rules_review_bool(&w->rules, "magazine_direct", db_res_str(&t.s, 0, SUB_TYPE),
	    &magazine, err, sizeof(err)) == -1)) {
		log_err("rules: review policy: %s", err);
		outcome_set(o, OUT_INTERNAL, NULL, "审核政策出错，请联系管理员查看日志");
		return tx_fail(&t);
	}
	for (i = 0; i < n; i++)
		snprintf(chain + strlen(chain), sizeof(chain) - strlen(chain), "%s%s", i ? "," : "", levels[i]);
	/* No review: submitting completes the flow (filed, published, issued). */
	rc = db_exec(t.db, upd, "ssssssiissii", n ? "submitted" : "approved", n ? levels[0] : NULL,
	    chain, magazine ? "pending" : NULL, t.now, t.now, (long long)clock_year(),
	    (long long)(n == 0), t.now, t.now, id, version);
	if (one_row(&t, rc) == -1)
		return tx_fail(&t);
	rt = plugins_type(db_res_str(&t.s, 0, SUB_TYPE));
	if (n == 0 && (aud = audience_field(rt)) != NULL && (rc = deliver(&t, rt, aud)) != DB_OK)
		return tx_dberr(&t, rc);
	memset(&e, 0, sizeof(e));
	e.event = "submit";
	e.audit = "submission.submit";
	e.stats = true;
	e.moves = true;
	e.to_state = n ? "submitted" : "approved";
	e.to_level = n ? levels[0] : NULL;
	e.pub = n == 0 && publishes_on_completion(rt) ? EVENT_PUB_PUBLISHED : EVENT_PUB_NONE;
	e.detail = json_pack("{s:s}", "chain", chain);
	if ((rc = effects(&t, &e)) != DB_OK)
		return tx_dberr(&t, rc);
	return tx_commit(&t);
}

/* A decision row: who decided what at which level, in which round. */
static int
record(struct tx *t, const char *level, const char *decision, const char *opinion,
    bool mag, bool we, bool in)
{
	/* The decision keeps the item's city for the review progress. */
	static const char ins[] =
	    "INSERT INTO decisions (submission_id, round, level, city, decision, reviewer_id, "
	    "reviewer_role, opinion, opt_magazine, opt_work_exchange, opt_internal, at) "
	    "SELECT s.id, ?, ?, s.city, ?, ?, ?, ?, ?, ?, ?, ? FROM submissions s WHERE s.id = ?";
	int rc;

	rc = db_exec(t->db, ins, "ississiiisi", db_res_int(&t->s, 0, SUB_ROUNDS), level, decision,
	    t->a->id, role_name(t->a->role), opinion, (long long)mag, (long long)we, (long long)in,
	    t->now, t->id);
	return rc < 0 ? rc : DB_OK;
}

int
lc_withdraw(struct worker *w, const struct actor *a, long long id, struct lc_version ver,
    struct outcome *o)
{
	static const char upd[] =
	    "UPDATE submissions SET state = 'draft', review_level = NULL, version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?";
	struct effect	 e;
	struct tx	 t;
	long long	 version;
	int		 rc;

	tx_init(&t, w, a, id, o);
	if (tx_begin(&t) == -1)
		return -1;
	if (lc_may(a, &t.it, LC_WITHDRAW, false, o) == -1 || check_version(&t, ver, &version) == -1)
		return tx_fail(&t);
	if (one_row(&t, db_exec(t.db, upd, "sii", t.now, id, version)) == -1)
		return tx_fail(&t);
	if ((rc = record(&t, db_res_str(&t.s, 0, SUB_LEVEL), "withdraw", NULL, false, false,
	    false)) != DB_OK)
		return tx_dberr(&t, rc);
	memset(&e, 0, sizeof(e));
	e.event = "withdraw";
	e.audit = "submission.withdraw";
	e.stats = true;
	e.moves = true;
	e.to_state = "draft";
	if ((rc = effects(&t, &e)) != DB_OK)
		return tx_dberr(&t, rc);
	return tx_commit(&t);
}

int
lc_decide(struct worker *w, const struct actor *a, long long id, const struct lc_decision *d,
    struct outcome *o)
{
	static const char upd[] =
	    "UPDATE submissions SET state = ?, review_level = ?, opt_magazine = ?, opt_work_exchange = ?, "
	    "opt_internal = ?, magazine = ?, adopted = NULL, adopted_at = NULL, "
	    "decided_at = IF(? = 1, ?, NULL), version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?";
	static const char last_sql[] =
	    "SELECT decision, level FROM decisions WHERE submission_id = ? AND decision <> 'withdraw' "
	    "ORDER BY id DESC LIMIT 1";
	static const char lock_sql[] = "SELECT " SUB_COLS " FROM submissions WHERE id = ? FOR UPDATE";
	struct review_ctx ctx;
	struct effect	 e;
	struct tx	 t;
	struct db_res	 last;
	const char	*level, *new_state, *msg;
	char		 field[64], why[640], next[16] = "", *new_level = NULL;
	long long	 version;
	bool		 final = false, province_last = false, was_published;
	int		 act, rc, ok;

	tx_init(&t, w, a, id, o);
	/* A decision the table does not know is checked as a pass would be,
	 * and the review policy names what is wrong with it. */
	act = lc_decision_parse(d->decision);
	if ((rc = db_begin(t.db)) != DB_OK)
		return outcome_db(o, rc);
	if ((rc = db_query(t.db, &t.s, lock_sql, "i", id)) != DB_OK)
		return tx_dberr(&t, rc);
	t.loaded = true;
	/* A reviewer who acted on what it read, after someone else moved the
	 * item on (another reviewer, the submitter withdrawing), gets 409 like
	 * any stale write, even where the item has since left its sight. */
	if (t.s.nrows == 1 && d->version.kind == LC_V_GIVEN && d->version.v != row_version(&t) &&
	    (a->role == ROLE_PROVINCE ||
	    (a->role == ROLE_CITY && same(db_res_str(&t.s, 0, SUB_CITY), a->city)))) {
		outcome_set(o, OUT_CONFLICT, "version", "该信息已被他人处理或修改，请刷新后重试");
		return tx_fail(&t);
	}
	if (t.s.nrows == 1)
		t.it = lc_item_of(&t.s, 0);
	if (t.s.nrows == 0 || !lc_visible(a, &t.it)) {
		outcome_set(o, OUT_NOT_FOUND, NULL, "信息不存在");
		return tx_fail(&t);
	}
	level = db_res_str(&t.s, 0, SUB_LEVEL);
	if (act == LC_REVERT) {
		/* A revert undoes the province's last decision on a decided item. */
		if ((rc = db_query(t.db, &last, last_sql, "i", id)) != DB_OK)
			return tx_dberr(&t, rc);
		province_last = last.nrows == 1 && same(db_res_str(&last, 0, 1), "province") &&
		    !same(db_res_str(&last, 0, 0), "revert");
		db_res_free(&last);
		level = "province";
	}
	if (lc_may(a, &t.it, act == -1 ? LC_PASS : (enum lc_action)act, province_last, o) == -1 ||
	    check_version(&t, d->version, &version) == -1)
		return tx_fail(&t);
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = db_res_str(&t.s, 0, SUB_TYPE);
	ctx.level = level;
	ctx.role = role_name(a->role);
	ctx.decision = d->decision;
	ctx.magazine = d->magazine;
	ctx.work_exchange = d->work_exchange;
	ctx.internal_exchange = d->internal_exchange;
	ctx.opinion = d->opinion ? d->opinion : "";
	ctx.chain = db_res_str(&t.s, 0, SUB_CHAIN);
	ok = rules_review_check(&w->rules, &ctx, field, sizeof(field), why, sizeof(why));
	if (ok == -1) {
		log_err("rules: review policy: %s", why);
		outcome_set(o, OUT_INTERNAL, NULL, "审核政策出错，请联系管理员查看日志");
		return tx_fail(&t);
	}
	if (ok == 1 || act == -1) {
		if (ok == 1)
			outcome_set(o, OUT_INVALID, field, "%s", why);
		else
			outcome_set(o, OUT_INVALID, "decision",
			    "审核结果须为 pass（通过）、return（退回修改）、reject（不予通过）或 revert（撤销）");
		return tx_fail(&t);
	}
	switch (act) {
	case LC_PASS:
		lc_next_level(db_res_str(&t.s, 0, SUB_CHAIN), level, next);
		if (next[0] != '\0') {
			new_state = "submitted";
			new_level = next;
			msg = "已通过初审，转交省级审核";
		} else {
			new_state = "approved";
			final = true;
			msg = "已审核通过";
		}
		break;
	case LC_RETURN:
		new_state = "returned";
		final = true;
		msg = "被退回修改，请修改后重新提交";
		break;
	case LC_REJECT:
		new_state = "rejected";
		final = true;
		msg = "未予通过";
		break;
	default:	/* revert */
		new_state = "submitted";
		new_level = "province";
		msg = "的审核结果已撤销，重新审核中";
		break;
	}
	if (!final || act != LC_PASS)
		ctx.magazine = ctx.work_exchange = ctx.internal_exchange = false;
	was_published = t.it.state == LC_APPROVED && db_res_int(&t.s, 0, SUB_OPT_WE) != 0;
	rc = db_exec(t.db, upd, "ssiiisissii", new_state, new_level, (long long)ctx.magazine,
	    (long long)ctx.work_exchange, (long long)ctx.internal_exchange,
	    ctx.magazine ? "pending" : NULL, (long long)final, t.now, t.now, id, version);
	if (one_row(&t, rc) == -1)
		return tx_fail(&t);
	if ((rc = record(&t, level, d->decision, ctx.opinion[0] ? ctx.opinion : NULL,
	    ctx.magazine, ctx.work_exchange, ctx.internal_exchange)) != DB_OK)
		return tx_dberr(&t, rc);
	memset(&e, 0, sizeof(e));
	e.event = act == LC_REVERT ? "revert" : "decide";
	e.audit = "submission.decide";
	e.stats = true;
	e.moves = true;
	e.to_state = new_state;
	e.to_level = new_level;
	if (act == LC_PASS && final && ctx.work_exchange)
		e.pub = EVENT_PUB_PUBLISHED;
	else if (act == LC_REVERT && was_published)
		e.pub = EVENT_PUB_UNPUBLISHED;
	e.msg_kind = "decision";
	e.msg = msg;
	e.detail = json_pack("{s:s, s:s}", "decision", d->decision, "level", level);
	if ((rc = effects(&t, &e)) != DB_OK)
		return tx_dberr(&t, rc);
	return tx_commit(&t);
}

/* The yes/no decisions on a finished item and the leader instruction:
 * one role may, under the row lock, at the version read. */
static int
begin_finished(struct tx *t, int role, struct lc_version ver, long long *version)
{
	if (t->a->role != role)
		return outcome_set(t->o, OUT_FORBIDDEN, NULL, "您没有执行此操作的权限");
	if (tx_begin(t) == -1)
		return -1;
	if (check_version(t, ver, version) == -1)
		return tx_fail(t);
	return 0;
}

int
lc_magazine(struct worker *w, const struct actor *a, long long id, struct lc_version ver,
    bool accept, struct outcome *o)
{
	static const char upd[] =
	    "UPDATE submissions SET magazine = ?, accepted_at = IF(? = 1, ?, NULL), "
	    "version = version + 1, updated_at = ? WHERE id = ? AND magazine = 'pending' AND version = ?";
	struct effect	 e;
	struct tx	 t;
	long long	 version;
	int		 rc;

	tx_init(&t, w, a, id, o);
	if (begin_finished(&t, ROLE_EDITOR, ver, &version) == -1)
		return -1;
	if (!same(db_res_str(&t.s, 0, SUB_MAGAZINE), "pending")) {
		outcome_set(o, OUT_CONFLICT, "accept", "该信息不在待录用状态（可能已被处理）");
		return tx_fail(&t);
	}
	if (one_row(&t, db_exec(t.db, upd, "sissii", accept ? "accepted" : "declined",
	    (long long)accept, t.now, t.now, id, version)) == -1)
		return tx_fail(&t);
	memset(&e, 0, sizeof(e));
	e.event = "magazine";
	e.audit = "submission.magazine";
	e.stats = true;
	e.msg_kind = "magazine";
	e.msg = accept ? "已被《浙江商务》录用" : "未被《浙江商务》录用";
	e.detail = json_pack("{s:b}", "accept", accept);
	if ((rc = effects(&t, &e)) != DB_OK)
		return tx_dberr(&t, rc);
	return tx_commit(&t);
}

int
lc_adoption(struct worker *w, const struct actor *a, long long id, struct lc_version ver,
    bool adopt, struct outcome *o)
{
	static const char upd[] =
	    "UPDATE submissions SET adopted = ?, adopted_at = ?, version = version + 1, "
	    "updated_at = ? WHERE id = ? AND version = ?";
	struct effect	 e;
	struct tx	 t;
	long long	 version;
	int		 rc;

	tx_init(&t, w, a, id, o);
	if (begin_finished(&t, ROLE_PROVINCE, ver, &version) == -1)
		return -1;
	if (t.it.state != LC_APPROVED || db_res_int(&t.s, 0, SUB_OPT_INT) != 1) {
		outcome_set(o, OUT_CONFLICT, NULL, "只有审核通过并设为重要信息内部交流的信息可以采纳");
		return tx_fail(&t);
	}
	if (one_row(&t, db_exec(t.db, upd, "issii", (long long)adopt, t.now, t.now, id, version)) == -1)
		return tx_fail(&t);
	memset(&e, 0, sizeof(e));
	e.event = "adoption";
	e.audit = "submission.adoption";
	e.stats = true;
	e.msg_kind = "adoption";
	e.msg = adopt ? "已被采纳（内部交流）" : "未被采纳（内部交流）";
	e.detail = json_pack("{s:b}", "adopt", adopt);
	if ((rc = effects(&t, &e)) != DB_OK)
		return tx_dberr(&t, rc);
	return tx_commit(&t);
}

int
lc_leader_instruction(struct worker *w, const struct actor *a, long long id,
    struct lc_version ver, const char *leader, const char *text, struct outcome *o)
{
	static const char ins[] =
	    "INSERT INTO leader_instructions (submission_id, leader, text, user_id, at) "
	    "VALUES (?, ?, ?, ?, ?)";
	struct effect	 e;
	struct tx	 t;
	long long	 version;
	int		 rc;

	tx_init(&t, w, a, id, o);
	if (begin_finished(&t, ROLE_PROVINCE, ver, &version) == -1)
		return -1;
	if (db_res_null(&t.s, 0, SUB_ADOPTED) || db_res_int(&t.s, 0, SUB_ADOPTED) != 1) {
		outcome_set(o, OUT_CONFLICT, NULL, "只有已采纳的内部交流信息可以记录领导批示");
		return tx_fail(&t);
	}
	if ((rc = db_exec(t.db, ins, "issis", id, leader, text, a->id, t.now)) < 0)
		return tx_dberr(&t, rc);
	memset(&e, 0, sizeof(e));
	e.event = "leader_instruction";
	e.audit = "submission.leader_instruction";
	e.msg_kind = "instruction";
	e.msg = "获得厅领导批示";
	e.detail = json_pack("{s:s}", "leader", leader);
	if ((rc = effects(&t, &e)) != DB_OK)
		return tx_dberr(&t, rc);
	return tx_commit(&t);
}

/* ------------------------------------------------------- attachments */

int
lc_attach(struct worker *w, const struct actor *a, long long id, const char *name,
    const void *content, size_t len, struct outcome *o)
{
	static const char ins[] =
	    "INSERT INTO attachments (submission_id, name, size, sha256, content, uploader_id, created_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)";
	unsigned char	 h[32];
	char		 hex[65];
	struct tx	 t;
	long long	 aid;
	int		 rc;

	tx_init(&t, w, a, id, o);
	if (tx_begin(&t) == -1)
		return -1;
	if (lc_may(a, &t.it, LC_ATTACH, false, o) == -1)
		return tx_fail(&t);
	crypto_hash_sha256(h, content, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	if ((rc = db_exec(t.db, ins, "isisbis", id, name, (long long)len, hex, content, len,
	    a->id, t.now)) < 0)
		return tx_dberr(&t, rc);
	aid = (long long)db_insert_id(t.db);
	if ((rc = audit_actor(t.db, a, "attachment.create", "attachment", aid,
	    json_pack("{s:I, s:s, s:I, s:s}", "submission_id", (json_int_t)id, "name", name,
	    "size", (json_int_t)len, "sha256", hex))) != DB_OK)
		return tx_dberr(&t, rc);
	if (tx_commit(&t) == -1)
		return -1;
	o->id = aid;
	return 0;
}

int
lc_detach(struct worker *w, const struct actor *a, long long aid, struct outcome *o)
{
	static const char sub[] = "SELECT submission_id FROM attachments WHERE id = ? AND deleted_at IS NULL";
	static const char del[] = "UPDATE attachments SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL";
	struct db_res	 r;
	struct tx	 t;
	int		 rc;

	tx_init(&t, w, a, 0, o);
	if ((rc = db_begin(t.db)) != DB_OK)
		return outcome_db(o, rc);
	if ((rc = db_query(t.db, &r, sub, "i", aid)) != DB_OK)
		return tx_dberr(&t, rc);
	if (r.nrows == 0) {
		db_res_free(&r);
		outcome_set(o, OUT_NOT_FOUND, NULL, "附件不存在");
		return tx_fail(&t);
	}
	t.id = db_res_int(&r, 0, 0);
	db_res_free(&r);
	if (lc_load(t.db, a, t.id, false, &t.s, o) == -1) {
		if (o->kind == OUT_NOT_FOUND)
			outcome_set(o, OUT_NOT_FOUND, NULL, "附件不存在");
		return tx_fail(&t);
	}
	t.loaded = true;
	t.it = lc_item_of(&t.s, 0);
	if (lc_may(a, &t.it, LC_ATTACH, false, o) == -1) {
		outcome_set(o, OUT_FORBIDDEN, NULL, "只有报送单位可以在草稿或退回修改时删除附件");
		return tx_fail(&t);
	}
	if ((rc = db_exec(t.db, del, "si", t.now, aid)) < 0 ||
	    (rc = audit_actor(t.db, a, "attachment.delete", "attachment", aid, NULL)) != DB_OK)
		return tx_dberr(&t, rc);
	if (tx_commit(&t) == -1)
		return -1;
	o->id = aid;
	return 0;
}

/* ------------------------------------------------ visibility, checked */

static int
compare_actor(struct db *db, const struct actor *a, const struct db_res *all, FILE *out,
    size_t *diffs)
{
	static const char sql[] = "SELECT id FROM submissions WHERE " LC_VISIBLE_SQL " ORDER BY id";
	struct db_res	 v;
	struct lc_item	 it;
	size_t		 i, k = 0;
	bool		 c, s;
	int		 rc;

	if ((rc = db_query(db, &v, sql, LC_VISIBLE_FMT,
	    LC_VISIBLE_ARGS(role_name(a->role), a->city, a->point_id))) != DB_OK)
		return rc;
	for (i = 0; i < all->nrows; i++) {
		it = lc_item_of(all, i);
		c = lc_visible(a, &it);
		s = k < v.nrows && db_res_int(&v, k, 0) == db_res_int(all, i, SUB_ID);
		if (s)
			k++;
		if (c != s) {
			(*diffs)++;
			fprintf(out, "visibility differs: %s city %s point %lld, submission %lld (%s): "
			    "C %s, SQL %s\n", role_name(a->role), a->city, a->point_id,
			    db_res_int(all, i, SUB_ID), db_res_str(all, i, SUB_STATE),
			    c ? "visible" : "hidden", s ? "visible" : "hidden");
		}
	}
	db_res_free(&v);
	return DB_OK;
}

int
lc_check_visibility(struct db *db, FILE *out)
{
	static const char all_sql[] = "SELECT " SUB_COLS " FROM submissions ORDER BY id";
	static const char units[] =
	    "SELECT DISTINCT city, COALESCE(point_id, 0) FROM submissions";
	static const int roles[] = { ROLE_ADMIN, ROLE_PROVINCE, ROLE_EDITOR };
	struct db_res	 all, u;
	struct actor	 a;
	size_t		 i, nactors = 0, diffs = 0;
	int		 rc;

	if ((rc = db_query(db, &all, all_sql, "")) != DB_OK)
		goto err;
	if ((rc = db_query(db, &u, units, "")) != DB_OK) {
		db_res_free(&all);
		goto err;
	}
	for (i = 0; rc == DB_OK && i < sizeof(roles) / sizeof(roles[0]); i++, nactors++) {
		a = actor_system(roles[i], NULL, 0);
		rc = compare_actor(db, &a, &all, out, &diffs);
	}
	/* Every city and point that has items, and one that has none. */
	for (i = 0; rc == DB_OK && i <= u.nrows; i++) {
		const char *city = i < u.nrows ? db_res_str(&u, i, 0) : "000000";
		long long point = i < u.nrows ? db_res_int(&u, i, 1) : -1;

		a = actor_system(ROLE_CITY, city ? city : "", 0);
		if ((rc = compare_actor(db, &a, &all, out, &diffs)) != DB_OK)
			break;
		nactors++;
		if (point != 0) {
			a = actor_system(ROLE_POINT, NULL, point);
			rc = compare_actor(db, &a, &all, out, &diffs);
			nactors++;
		}
	}
	if (rc == DB_OK)
		fprintf(out, "visibility: lc_visible and LC_VISIBLE_SQL compared on %zu submissions "
		    "for %zu actors: %zu differences\n", all.nrows, nactors, diffs);
	db_res_free(&all);
	db_res_free(&u);
	if (rc != DB_OK)
		goto err;
	return diffs == 0 ? 0 : 1;
err:
	fprintf(out, "yujing lifecycle: %s: %s\n", db_strerror(rc), db->last_error);
	return 2;
}
