/* yujing — /api/session: login, who am I, logout, password change. */
#include <string.h>

#include <sodium.h>

#include "access.h"
#include "actor.h"
#include "app.h"
#include "handlers.h"
#include "outcome.h"
#include "session.h"
#include "validate.h"
#include "worker.h"

/* Answers a refusal, with Retry-After when the address must wait. */
static void
refusal(struct req *r, const struct outcome *o, int retry_after)
{
	app_outcome(r, o);
	if (o->kind == OUT_RATE_LIMITED && retry_after > 0)
		http_header(r, "Retry-After: %d", retry_after);
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
	struct vval	 v[2];
	struct user	 u;
	struct outcome	 o;
	char		 tok[SESSION_TOKEN_LEN + 1];
	int		 retry_after;

	if (validate_object(r, r->json, fields, 2, v) == -1)
		return;
	if (session_login(&r->w->db, r->w->cfg, v[0].s, v[1].s, r->remote_addr, r->request_id,
	    &u, tok, &retry_after, &o) != 0) {
		refusal(r, &o, retry_after);
		return;
	}
	r->user = u;
	r->authed = true;
	set_cookie(r, tok, r->w->cfg->session_ttl);
	http_json(r, 200, session_body(r, tok));
	sodium_memzero(tok, sizeof(tok));
}

void
h_session_get(struct req *r)
{
	http_json(r, 200, session_body(r, r->session_token));
}

void
h_session_logout(struct req *r)
{
	struct outcome	 o;
	struct actor	 actor = app_actor(r);

	if (session_logout(&r->w->db, &actor, r->session_token, &o) != 0) {
		app_outcome(r, &o);
		return;
	}
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
	struct vval	 v[2];
	struct outcome	 o;
	struct actor	 actor = app_actor(r);
	int		 retry_after;

	if (validate_object(r, r->json, fields, 2, v) == -1)
		return;
	if (session_password(&r->w->db, r->w->cfg, &actor, r->session_token, v[0].s, v[1].s,
	    &retry_after, &o) != 0) {
		refusal(r, &o, retry_after);
		return;
	}
	http_no_content(r);
}
