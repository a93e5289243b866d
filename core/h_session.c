/* yujing — /api/session: login, who am I, logout, password change. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "access.h"
#include "app.h"
#include "audit.h"
#include "handlers.h"
#include "password.h"
#include "session.h"
#include "throttle.h"
#include "validate.h"
#include "worker.h"

static const char bad_login[] = "用户名或密码错误";
static const char throttled[] = "登录失败次数过多，请稍后再试";

/* 0 when the password may be checked, -1 with the 429 answered. */
static int
refused(struct req *r, const struct throttle *t)
{
	char msg[160];

	switch (t->verdict) {
	case THROTTLE_ALLOW:
		return 0;
	case THROTTLE_ADDRESS:
		snprintf(msg, sizeof(msg), "该网络地址登录失败次数过多，请 %d 秒后再试", t->retry_after);
		http_error(r, ERR_RATE_LIMITED, msg, NULL);
		http_header(r, "Retry-After: %d", t->retry_after);
		return -1;
	case THROTTLE_ACCOUNT:
	default:
		http_error(r, ERR_RATE_LIMITED, throttled, NULL);
		return -1;
	}
}

static json_t *
session_body(const struct req *r, const char *tok)
{
	char csrf[SESSION_TOKEN_LEN + 1];

	session_csrf(tok, strlen(tok), csrf);
	return json_pack("{s:{s:I, s:s, s:s, s:s, s:o, s:o}, s:s}",
	    "user",
	    "id", (json_int_t)r->user.id,
	    "username", r->user.username,
	    "name", r->user.name,
	    "role", role_name(r->user.role),
	    "point_id", r->user.point_id ? json_integer(r->user.point_id) : json_null(),
	    "city", r->user.city[0] ? json_string(r->user.city) : json_null(),
	    "csrf_token", csrf);
}

static void
set_cookie(struct req *r, const char *tok, int max_age)
{
	http_header(r, "Set-Cookie: %s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
	    SESSION_COOKIE, tok, max_age, r->w->cfg->cookie_secure ? "; Secure" : "");
}

void
h_session_login(struct req *r)
{
	static const struct vfield fields[] = {
		{ "username", "用户名", VT_STRING, VF_REQUIRED, 1, 64, NULL },
		{ "password", "密码", VT_STRING, VF_REQUIRED | VF_RAW, 1, 256, NULL },
	};
	static const char sql[] =
	    "SELECT id, username, name, role, point_id, city, password_hash, disabled "
	    "FROM users WHERE username = ? AND deleted_at IS NULL";
	struct vval	 v[2];
	struct db	*db = &r->w->db;
	struct db_res	 res;
	struct throttle	 t;
	bool		 ok = false;
	char		 tok[SESSION_TOKEN_LEN + 1];
	int		 rc;

	if (validate_object(r, r->json, fields, 2, v) == -1)
		return;
	/* Counted as a failure before the password is checked; taken back
	 * when it is right. */
	if ((rc = throttle_attempt(db, r->w->cfg, v[0].s, r->remote_addr, &t)) != DB_OK)
		goto dberr;
	if (refused(r, &t) == -1)
		return;
	if ((rc = db_query(db, &res, sql, "s", v[0].s)) != DB_OK)
		goto dberr;
	if (res.nrows == 1 && db_res_int(&res, 0, 7) == 0)
		ok = password_verify(db_res_str(&res, 0, 6), v[1].s);
	else
		password_verify_dummy(v[1].s);
	if (ok) {
		memset(&r->user, 0, sizeof(r->user));
		r->user.id = db_res_int(&res, 0, 0);
		snprintf(r->user.username, sizeof(r->user.username), "%s", db_res_str(&res, 0, 1));
		snprintf(r->user.name, sizeof(r->user.name), "%s", db_res_str(&res, 0, 2));
		r->user.role = role_parse(db_res_str(&res, 0, 3));
		r->user.point_id = db_res_int(&res, 0, 4);
		if (!db_res_null(&res, 0, 5))
			snprintf(r->user.city, sizeof(r->user.city), "%s", db_res_str(&res, 0, 5));
		ok = r->user.role != 0;
	}
	db_res_free(&res);
	if (!ok) {
		http_error(r, ERR_UNAUTHENTICATED, bad_login, NULL);
		return;
	}
	r->authed = true;
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = throttle_clear(db, r->user.username, r->remote_addr)) != DB_OK ||
	    (rc = session_create(db, r->user.id, r->remote_addr, r->w->cfg->session_ttl, tok)) != DB_OK ||
	    (rc = audit_req(r, "session.login", "user", r->user.id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	set_cookie(r, tok, r->w->cfg->session_ttl);
	http_json(r, 200, session_body(r, tok));
	sodium_memzero(tok, sizeof(tok));
	return;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
}

void
h_session_get(struct req *r)
{
	http_json(r, 200, session_body(r, r->session_token));
}

void
h_session_logout(struct req *r)
{
	struct db	*db = &r->w->db;
	int		 rc;

	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = session_delete(db, r->session_token, strlen(r->session_token))) != DB_OK ||
	    (rc = audit_req(r, "session.logout", "user", r->user.id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		app_db_error(r, rc);
		return;
	}
	session_cache_bump();
	set_cookie(r, "", 0);
	http_no_content(r);
}

void
h_session_password(struct req *r)
{
	static const struct vfield fields[] = {
		{ "old_password", "原密码", VT_STRING, VF_REQUIRED | VF_RAW, 1, 256, NULL },
		{ "new_password", "新密码", VT_STRING, VF_REQUIRED | VF_RAW, 1, 256, NULL },
	};
	static const char get[] =
	    "SELECT password_hash FROM users WHERE id = ? FOR UPDATE";
	static const char upd[] =
	    "UPDATE users SET password_hash = ?, version = version + 1, updated_at = NOW() "
	    "WHERE id = ?";
	struct vval	 v[2];
	struct db	*db = &r->w->db;
	struct db_res	 res;
	char		 hash[PASSWORD_HASH_MAX], msg[128];
	const char	*weak;
	struct throttle	 t;
	bool		 ok;
	int		 rc;

	if (validate_object(r, r->json, fields, 2, v) == -1)
		return;
	if ((weak = password_weak(v[1].s, r->w->cfg->password_min_length, msg, sizeof(msg))) != NULL) {
		http_error(r, ERR_INVALID, weak, "new_password");
		return;
	}
	if ((rc = throttle_attempt(db, r->w->cfg, r->user.username, r->remote_addr, &t)) != DB_OK)
		goto dberr;
	if (refused(r, &t) == -1)
		return;
	if (password_hash(v[1].s, hash) != 0) {
		http_error(r, ERR_INTERNAL, "服务器内部错误，请联系管理员", NULL);
		return;
	}
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = db_query(db, &res, get, "i", r->user.id)) != DB_OK)
		goto dberr;
	ok = res.nrows == 1 && password_verify(db_res_str(&res, 0, 0), v[0].s);
	db_res_free(&res);
	if (!ok) {
		db_rollback(db);
		http_error(r, ERR_INVALID, "原密码不正确", "old_password");
		return;
	}
	if ((rc = throttle_forget(db, &t, r->user.username, r->remote_addr)) != DB_OK ||
	    (rc = db_exec(db, upd, "si", hash, r->user.id)) < 0 ||
	    (rc = session_revoke_user(db, r->user.id, r->session_token)) != DB_OK ||
	    (rc = audit_req(r, "user.password", "user", r->user.id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	session_cache_bump();
	http_no_content(r);
	return;
dberr:
	db_rollback(db);
	app_db_error(r, rc);
}
