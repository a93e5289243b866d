/* yujing — /api/submissions and the review routes over HTTP: each handler
 * parses the request, calls the lifecycle (lifecycle.h: where a decision
 * is made) or its read side (submission_views.h), and maps the outcome to
 * the envelope.  Nothing else happens here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "actor.h"
#include "app.h"
#include "export.h"
#include "handlers.h"
#include "lifecycle.h"
#include "plugins.h"
#include "points.h"
#include "submission_views.h"
#include "validate.h"
#include "worker.h"

/* The item as the caller now sees it, with status. */
static void
answer(struct req *r, int status, long long id)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o;
	json_t		*item;

	if (sv_get(&r->w->db, &a, id, &item, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, status, item);
}

/* Answers a transition's outcome: the item, or the refusal. */
static void
done(struct req *r, int rc, const struct outcome *o, int status)
{
	if (rc == -1)
		app_outcome(r, o);
	else
		answer(r, status, o->id);
}

/* The version a write names, as the body gives it. */
static struct lc_version
version_of(const struct req *r, bool optional)
{
	json_t			*j = r->json ? json_object_get(r->json, "version") : NULL;
	struct lc_version	 v = { LC_V_GIVEN, 0 };

	if (j == NULL)
		v.kind = optional ? LC_V_CURRENT : LC_V_MISSING;
	else if (!json_is_integer(j))
		v.kind = LC_V_BAD;
	else
		v.v = json_integer_value(j);
	return v;
}

static void
page_answer(struct req *r, int rc, const struct outcome *o, struct sv_page *p)
{
	if (rc == -1)
		app_outcome(r, o);
	else
		http_json(r, 200, json_pack("{s:o, s:I, s:b, s:I, s:I}", "items", p->items,
		    "total", (json_int_t)p->total, "total_exact", p->total_exact,
		    "page", (json_int_t)p->page, "per_page", (json_int_t)p->per_page));
}

void
h_submissions_create(struct req *r)
{
	json_t		*type = json_object_get(r->json, "type");
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	if (!json_is_string(type)) {
		http_error(r, type ? ERR_BAD_REQUEST : ERR_INVALID, "请选择报送类型（type）", "type");
		return;
	}
	done(r, lc_create(r->w, &a, json_string_value(type), json_object_get(r->json, "fields"), &o),
	    &o, 201);
}

void
h_submissions_get(struct req *r)
{
	answer(r, 200, r->params[0]);
}

void
h_submissions_list(struct req *r)
{
	struct sv_filter f = { 0 };
	struct sv_page	 p = { .count_limit = r->w->cfg->list_count_limit };
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	f.type = points_nz(http_query(r, "type"));
	f.state = points_nz(http_query(r, "state"));
	f.q = points_nz(http_query(r, "q"));
	f.industry = points_nz(http_query(r, "industry"));
	if (validate_paging(r, &p.page, &p.per_page) == -1 ||
	    validate_query_id(r, "point", "预警点", &f.point) == -1 ||
	    validate_query_id(r, "year", "年度", &f.year) == -1 ||
	    validate_query_id(r, "quarter", "季度", &f.quarter) == -1)
		return;
	page_answer(r, sv_list(&r->w->db, &a, &f, &p, &o), &o, &p);
}

void
h_submissions_update(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	done(r, lc_update(r->w, &a, r->params[0], version_of(r, false),
	    json_object_get(r->json, "fields"), &o), &o, 200);
}

void
h_submissions_submit(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	done(r, lc_submit(r->w, &a, r->params[0], version_of(r, false), &o), &o, 200);
}

void
h_submissions_withdraw(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	done(r, lc_withdraw(r->w, &a, r->params[0], version_of(r, false), &o), &o, 200);
}

/* The decision of a body ({"decision", "opinion", "options"}): 0, or -1
 * answered. */
static int
parse_decision(struct req *r, const json_t *body, struct lc_decision *d)
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
	struct vval	 v[2], o[3];
	json_t		*opts;

	if (validate_object(r, body, fields, 2, v) == -1)
		return -1;
	opts = json_object_get(body, "options");
	if (opts != NULL && !json_is_object(opts)) {
		http_error(r, ERR_BAD_REQUEST, "审核选项（options）应为对象", "options");
		return -1;
	}
	if (validate_object_at(r, opts, opt_fields, 3, o, "options.") == -1)
		return -1;
	memset(d, 0, sizeof(*d));
	d->decision = v[0].s;
	d->opinion = v[1].present && !v[1].null ? v[1].s : NULL;
	d->magazine = o[0].b;
	d->work_exchange = o[1].b;
	d->internal_exchange = o[2].b;
	return 0;
}

void
h_submissions_decide(struct req *r)
{
	struct lc_decision d;
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	if (parse_decision(r, r->json, &d) == -1)
		return;
	d.version = version_of(r, false);
	done(r, lc_decide(r->w, &a, r->params[0], &d, &o), &o, 200);
}

void
h_reviews_queue(struct req *r)
{
	struct sv_page	 p = { .count_limit = r->w->cfg->list_count_limit };
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	if (validate_paging(r, &p.page, &p.per_page) == -1)
		return;
	page_answer(r, sv_queue(&r->w->db, &a, points_nz(http_query(r, "type")), &p, &o), &o, &p);
}

void
h_messages_list(struct req *r)
{
	struct sv_page	 p = { .count_limit = r->w->cfg->list_count_limit };
	struct actor	 a = app_actor(r);
	struct outcome	 o;
	int		 unread;

	if (validate_paging(r, &p.page, &p.per_page) == -1 ||
	    (unread = validate_query_bool(r, "unread", "是否未读")) == -2)
		return;
	page_answer(r, sv_messages(&r->w->db, &a, unread, &p, &o), &o, &p);
}

void
h_messages_read(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	if (sv_message_read(&r->w->db, &a, r->params[0], &o) == -1)
		app_outcome(r, &o);
	else
		http_no_content(r);
}

/* ---------------------------------------------------------------- magazine */

/* The editor's list: warning info passed with 推荐到杂志 and the quarterly
 * analyses the policy sends straight to the magazine. */
void
h_magazine_list(struct req *r)
{
	const char	*state = points_nz(http_query(r, "state"));
	const char	*type = points_nz(http_query(r, "type"));
	struct sv_page	 p = { .count_limit = r->w->cfg->list_count_limit };
	struct outcome	 o;

	if (validate_paging(r, &p.page, &p.per_page) == -1)
		return;
	if (type != NULL && plugins_type(type) == NULL) {
		http_error(r, ERR_INVALID, "未知的报送类型，可用类型见 /api/report-types", "type");
		return;
	}
	if (state == NULL)
		state = "pending";
	if (strcmp(state, "pending") && strcmp(state, "accepted") && strcmp(state, "declined")) {
		http_error(r, ERR_INVALID, "state 须为 pending（待处理）、accepted（录用）或 declined（不录用）", "state");
		return;
	}
	page_answer(r, sv_magazine(&r->w->db, state, type, &p, &o), &o, &p);
}

/* The one boolean of a yes/no body; -1 answered. */
static int
yes_no(struct req *r, const char *name, const char *label, bool *yes)
{
	const struct vfield f = { name, label, VT_BOOL, VF_REQUIRED, 0, 0, NULL };
	struct vval v[1];

	if (validate_object(r, r->json, &f, 1, v) == -1)
		return -1;
	*yes = v[0].b;
	return 0;
}

/* 录用 / 不录用, once, by the editor; version optional. */
void
h_magazine_decide(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o;
	bool		 yes;

	if (yes_no(r, "accept", "是否录用", &yes) == -1)
		return;
	done(r, lc_magazine(r->w, &a, r->params[0], version_of(r, true), yes, &o), &o, 200);
}

/* ------------------------------------------------------- internal exchange */

void
h_internal_exchange_list(struct req *r)
{
	const char	*adopted = points_nz(http_query(r, "adopted"));
	const char	*from = points_nz(http_query(r, "from")), *to = points_nz(http_query(r, "to"));
	struct sv_page	 p = { .count_limit = r->w->cfg->list_count_limit };
	struct outcome	 o;
	int		 a = -1;

	if (validate_paging(r, &p.page, &p.per_page) == -1)
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
	page_answer(r, sv_internal_exchange(&r->w->db, a, from, to, &p, &o), &o, &p);
}

/* 采纳 / 不采纳 an internal-exchange item; version optional. */
void
h_adoption(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o;
	bool		 yes;

	if (yes_no(r, "adopt", "是否采纳", &yes) == -1)
		return;
	done(r, lc_adoption(r->w, &a, r->params[0], version_of(r, true), yes, &o), &o, 200);
}

/* 厅领导批示 on an adopted item; answers the item's instructions. */
void
h_leader_instruction(struct req *r)
{
	static const struct vfield fields[] = {
		{ "leader", "批示领导", VT_STRING, VF_REQUIRED, 1, 64, NULL },
		{ "text", "批示内容", VT_STRING, VF_REQUIRED, 1, 5000, NULL },
	};
	struct vval	 v[2];
	struct actor	 a = app_actor(r);
	struct outcome	 o;
	json_t		*out;

	if (validate_object(r, r->json, fields, 2, v) == -1)
		return;
	if (lc_leader_instruction(r->w, &a, r->params[0], version_of(r, true), v[0].s, v[1].s, &o) == -1 ||
	    sv_instructions(&r->w->db, r->params[0], &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 201, out);
}

/* -------------------------------------------------------------------- bulk */

/* One decision for several items: each is decided on its own, in its own
 * transaction, by the same lifecycle function as one item, at the version
 * in force when its turn comes, and answered per id; one refusal does not
 * stop the others. */
void
h_decisions_bulk(struct req *r)
{
	json_t		*ids = json_object_get(r->json, "ids"), *id, *results, *item;
	struct lc_decision d;
	struct actor	 a = app_actor(r);
	struct outcome	 o;
	size_t		 i, ok = 0;
	int		 status;

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
	if (parse_decision(r, r->json, &d) == -1)
		return;
	d.version.kind = LC_V_CURRENT;
	results = json_array();
	json_array_foreach(ids, i, id) {
		if (lc_decide(r->w, &a, json_integer_value(id), &d, &o) == 0 &&
		    sv_get(&r->w->db, &a, json_integer_value(id), &item, &o) == 0) {
			ok++;
			status = 200;
		} else {
			status = app_outcome_status(&o);
			item = app_outcome_json(&o);
		}
		db_request_end(&r->w->db);	/* nothing may stay open between items */
		json_array_append_new(results, json_pack("{s:I, s:i, s:o}", "id",
		    (json_int_t)json_integer_value(id), "status", status,
		    status == 200 ? "submission" : "error", item));
	}
	http_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", results,
	    "total", (json_int_t)json_array_size(ids), "succeeded", (json_int_t)ok,
	    "failed", (json_int_t)(json_array_size(ids) - ok)));
}

/* ------------------------------------------------------------- attachments */

void
h_attachments_upload(struct req *r)
{
	const char	*name = http_query(r, "name"), *why;
	struct actor	 a = app_actor(r);
	struct db_res	 att;
	struct outcome	 o;

	if ((why = validate_file_name(name)) != NULL) {
		http_error(r, ERR_INVALID, why, "name");
		return;
	}
	if (r->body_len == 0) {
		http_error(r, ERR_INVALID, "附件内容为空", "body");
		return;
	}
	if (lc_attach(r->w, &a, r->params[0], name, r->body, r->body_len, &o) == -1 ||
	    sv_attachment(&r->w->db, &a, o.id, false, &att, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 201, json_pack("{s:I, s:s, s:I, s:s}", "id", (json_int_t)o.id,
	    "name", db_res_str(&att, 0, 1), "size", (json_int_t)db_res_int(&att, 0, 2),
	    "sha256", db_res_str(&att, 0, 3)));
	db_res_free(&att);
}

void
h_attachments_get(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct db_res	 att;
	struct outcome	 o;
	char		 disp[EXPORT_DISPOSITION_MAX];

	if (sv_attachment(&r->w->db, &a, r->params[0], true, &att, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	/* Never rendered by the browser: a download, no sniffing (the core
	 * sends X-Content-Type-Options: nosniff on every answer). */
	export_disposition(db_res_str(&att, 0, 1), NULL, disp, sizeof(disp));
	http_header(r, "Content-Disposition: %s", disp);
	http_header(r, "X-Attachment-SHA256: %s", db_res_str(&att, 0, 3));
	http_header(r, "Content-Security-Policy: sandbox");
	r->status = 200;
	r->out_type = "application/octet-stream";
	buf_reset(&r->out);
	buf_add(&r->out, db_res_str(&att, 0, 4), att.lens[4]);
	db_res_free(&att);
}

void
h_attachments_delete(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o;

	if (lc_detach(r->w, &a, r->params[0], &o) == -1)
		app_outcome(r, &o);
	else
		http_no_content(r);
}
