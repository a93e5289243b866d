/* yujing — the one path every request takes: route match, then session,
 * CSRF and role checks (default deny), then the body, then the handler. */
#include "app.h"

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "actor.h"
#include "db.h"
#include "export.h"
#include "outcome.h"
#include "session.h"
#include "worker.h"

void
app_db_error(struct req *r, int rc)
{
	switch (rc) {
	case DB_UNAVAILABLE:
		http_error(r, ERR_UNAVAILABLE, "数据库暂时不可用，请稍后重试", NULL);
		break;
	case DB_RETRY:
		http_error(r, ERR_CONFLICT, "数据正被他人同时修改，请刷新后重试", NULL);
		break;
	default:
		http_error(r, ERR_INTERNAL, "服务器内部错误，请联系管理员", NULL);
		break;
	}
}

struct actor
app_actor(const struct req *r)
{
	return actor_user(&r->user, r->remote_addr, r->request_id);
}

static enum http_err
outcome_err(const struct outcome *o)
{
	switch (o->kind) {
	case OUT_NOT_FOUND:	return ERR_NOT_FOUND;
	case OUT_FORBIDDEN:	return ERR_FORBIDDEN;
	case OUT_CONFLICT:	return ERR_CONFLICT;
	case OUT_INVALID:	return ERR_INVALID;
	case OUT_BAD_REQUEST:	return ERR_BAD_REQUEST;
	case OUT_UNAVAILABLE:	return ERR_UNAVAILABLE;
	case OUT_RATE_LIMITED:	return ERR_RATE_LIMITED;
	case OUT_UNAUTHENTICATED: return ERR_UNAUTHENTICATED;
	case OUT_DB:
		return o->db_rc == DB_UNAVAILABLE ? ERR_UNAVAILABLE :
		    o->db_rc == DB_RETRY ? ERR_CONFLICT : ERR_INTERNAL;
	default:		return ERR_INTERNAL;
	}
}

int
app_outcome_status(const struct outcome *o)
{
	return o->kind == OUT_OK ? 200 : http_err_status(outcome_err(o));
}

json_t *
app_outcome_json(const struct outcome *o)
{
	const char *msg = o->message[0] ? o->message : "服务器内部错误，请联系管理员";

	if (o->kind == OUT_DB)
		msg = o->db_rc == DB_UNAVAILABLE ? "数据库暂时不可用，请稍后重试" :
		    o->db_rc == DB_RETRY ? "数据正被他人同时修改，请刷新后重试" :
		    "服务器内部错误，请联系管理员";
	json_t *e = json_pack("{s:s, s:s}", "code", http_err_code(outcome_err(o)), "message", msg);

	if (o->field[0] && o->kind != OUT_DB)
		json_object_set_new(e, "field", json_string(o->field));
	return e;
}

void
app_outcome(struct req *r, const struct outcome *o)
{
	if (o->kind == OUT_DB) {
		app_db_error(r, o->db_rc);
		return;
	}
	http_error(r, outcome_err(o), o->message[0] ? o->message : "服务器内部错误，请联系管理员",
	    o->field[0] ? o->field : NULL);
}

json_t *
app_time(const char *t)
{
	char s[40];

	if (t == NULL)
		return json_null();
	if (strlen(t) < 19)
		return json_string(t);
	snprintf(s, sizeof(s), "%.10sT%.8s+08:00", t, t + 11);
	return json_string(s);
}

static bool
changes_state(enum http_method m)
{
	return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH || m == HTTP_DELETE;
}

static int
authenticate(struct req *r)
{
	const char	*tok;
	size_t		 len = 0;
	bool		 found;
	int		 rc;

	tok = http_cookie(r, SESSION_COOKIE, &len);
	if (tok == NULL || !session_token_wellformed(tok, len)) {
		http_error(r, ERR_UNAUTHENTICATED, "请先登录", NULL);
		return -1;
	}
	if ((rc = session_lookup(&r->w->db, tok, len, &r->user, &found)) != DB_OK) {
		app_db_error(r, rc);
		return -1;
	}
	if (!found) {
		http_error(r, ERR_UNAUTHENTICATED, "登录已失效，请重新登录", NULL);
		return -1;
	}
	memcpy(r->session_token, tok, len);
	r->session_token[len] = '\0';
	r->authed = true;
	return 0;
}

void
app_dispatch(struct req *r)
{
	const struct route *rt;
	unsigned	 allowed;
	char		 allow[64], msg[96];

	rt = router_match(app_routes, app_nroutes, r->method, r->path,
	    r->params, &r->nparams, &allowed);
	if (rt == NULL) {
		if (allowed == 0) {
			http_error(r, ERR_NOT_FOUND, "请求的资源不存在", NULL);
			return;
		}
		router_allow_str(allowed, allow, sizeof(allow));
		http_header(r, "Allow: %s", allow);
		http_error(r, ERR_METHOD, "不支持该请求方法", NULL);
		return;
	}
	r->route = rt;
	/* Uploads (raw bodies) have their own limit; http_parse read up to
	 * the larger of the two. */
	if ((rt->flags & RF_RAW) && r->body_len > r->w->cfg->max_attachment) {
		snprintf(msg, sizeof(msg), "附件过大：不能超过 %zu KiB", r->w->cfg->max_attachment / 1024);
		http_error(r, ERR_TOO_LARGE, msg, NULL);
		return;
	}
	if (!(rt->flags & RF_RAW) && r->body_len > r->w->cfg->max_body) {
		http_error(r, ERR_TOO_LARGE, "请求体过大", NULL);
		return;
	}

	if (!(rt->flags & RF_PUBLIC)) {
		if (authenticate(r) == -1)
			return;
		if (changes_state(r->method) && !(rt->flags & RF_NO_CSRF) &&
		    !session_csrf_ok(r->session_token, strlen(r->session_token), r->csrf_header)) {
			http_error(r, ERR_FORBIDDEN, "缺少或错误的 CSRF 令牌，请刷新页面后重试", NULL);
			return;
		}
		if (!access_role(&r->user, rt->roles)) {
			http_error(r, ERR_FORBIDDEN, "您没有执行此操作的权限", NULL);
			return;
		}
	}

	if (rt->flags & RF_JSON) {
		if (http_parse_json(r) == -1)
			return;
	} else if (!(rt->flags & RF_RAW) && r->body_len > 0) {
		http_error(r, ERR_BAD_REQUEST, "此请求不接受请求体", NULL);
		return;
	}
	rt->handler(r);
	if (r->status == 0)
		http_error(r, ERR_INTERNAL, "服务器内部错误，请联系管理员", NULL);
}

void
app_export(struct req *r, const struct xtable *t, bool xlsx, const char *name, const char *ascii)
{
	struct buf	 out = { 0 };
	char		 err[256], file[256], fallback[128], disp[512];

	if (xlsx) {
		if (export_xlsx(t, &out, err, sizeof(err)) == -1) {
			buf_free(&out);
			http_error(r, ERR_INTERNAL, "生成 Excel 文件失败，请联系管理员", NULL);
			return;
		}
		r->out_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	} else {
		export_csv(t, &out);
		r->out_type = "text/csv; charset=utf-8";
	}
	snprintf(file, sizeof(file), "%s.%s", name, xlsx ? "xlsx" : "csv");
	snprintf(fallback, sizeof(fallback), "%s.%s", ascii, xlsx ? "xlsx" : "csv");
	export_disposition(file, fallback, disp, sizeof(disp));
	http_header(r, "Content-Disposition: %s", disp);
	r->status = 200;
	buf_free(&r->out);
	r->out = out;
}
