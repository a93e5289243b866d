/* yujing — subscriptions as a domain: each function takes the actor and
 * answers an outcome. */
#include "subscriptions.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "publication.h"

#define SUB_COLS "id, email, filters, digest, state, token, confirmed_at, created_at"

int
subs_email_check(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 i;

	if (strlen(s) > 254 || at == NULL || at == s || at - s > 64 || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' || s[strlen(s) - 1] == '.' || strstr(s, "..") != NULL)
		return -1;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
		    strchr("<>()[],;:\\\"", s[i]) != NULL)
			return -1;
	return 0;
}

static void
new_token(char out[65])
{
	unsigned char b[32];

	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, 65, b, sizeof(b));
}

static bool
token_ok(const char *t)
{
	return t != NULL && strlen(t) == 64 && strspn(t, "0123456789abcdef") == 64;
}

static int
parse_digest(const json_t *in, const char **digest, struct outcome *o)
{
	const json_t *v = json_object_get(in, "digest");

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || (strcmp(json_string_value(v), "immediate") &&
	    strcmp(json_string_value(v), "daily") && strcmp(json_string_value(v), "weekly")))
		return outcome_fail(o, OUT_INVALID, "digest", "推送频率应为 immediate（即时）、daily（每日）或 weekly（每周）");
	*digest = json_string_value(v);
	return 0;
}

static int
parse_filters(struct db *db, const json_t *in, char **out, struct outcome *o)
{
	char	 field[64], msg[256];
	json_t	*f;
	int	 dbrc;

	if (pub_filters_parse(db, in, &f, field, sizeof(field), msg, sizeof(msg), &dbrc) == -1)
		return dbrc != DB_OK ? outcome_db(o, dbrc) : outcome_fail(o, OUT_INVALID, field, msg);
	*out = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(f);
	return 0;
}

/* A mail to the subscriber, queued as a delivery (kind confirm): the
 * confirmation link, or the manage link of an active subscription. */
static int
queue_mail(struct db *db, const struct config *cfg, long long sid, const char *email,
    const char *what, const char *token, const char *nonce, struct outcome *o)
{
	static const char ins[] = "INSERT IGNORE INTO deliveries (idem_key, kind, subscription_id, recipient, "
	    "payload, state, max_attempts, next_at, created_at) VALUES (?, 'confirm', ?, ?, ?, 'pending', ?, "
	    "NOW(3), NOW(3))";
	char	 key[120], *p;
	json_t	*pl;
	int	 rc;

	snprintf(key, sizeof(key), "%s:%s", what, nonce);
	pl = json_pack("{s:s, s:s}", "what", what, "token", token);
	p = json_dumps(pl, JSON_COMPACT);
	json_decref(pl);
	rc = db_exec(db, ins, "sissi", key, sid, email, p, (long long)cfg->deliver_max_attempts);
	free(p);
	return rc < 0 ? outcome_db(o, rc) : 0;
}

static int
throttled(struct db *db, const struct config *cfg, const char *email, const char *addr,
    struct outcome *o)
{
	static const char by_email[] = "SELECT COUNT(*) FROM subscribe_attempts WHERE email = ? "
	    "AND at > NOW(3) - INTERVAL 1 HOUR";
	static const char by_addr[] = "SELECT COUNT(*) FROM subscribe_attempts WHERE addr = ? "
	    "AND at > NOW(3) - INTERVAL 1 HOUR";
	static const char ins[] = "INSERT INTO subscribe_attempts (email, addr, at) VALUES (?, ?, NOW(3))";
	struct db_res	 res;
	long long	 ne, na;
	int		 rc;

	if ((rc = db_query(db, &res, by_email, "s", email)) != DB_OK)
		return outcome_db(o, rc);
	ne = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(db, &res, by_addr, "s", addr)) != DB_OK)
		return outcome_db(o, rc);
	na = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if (ne >= cfg->subscribe_max_per_hour || na >= 10LL * cfg->subscribe_max_per_hour)
		return outcome_fail(o, OUT_RATE_LIMITED, NULL, "订阅请求过于频繁，请一小时后再试");
	if ((rc = db_exec(db, ins, "ss", email, addr)) < 0)
		return outcome_db(o, rc);
	return 0;
}

int
subs_subscribe(struct db *db, const struct config *cfg, const struct actor *a, const json_t *in,
    struct outcome *o)
{
	static const char find[] = "SELECT id, state, token FROM subscriptions WHERE email = ? FOR UPDATE";
	static const char ins[] = "INSERT INTO subscriptions (email, filters, digest, state, token, confirm_token, "
	    "addr, created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, ?, ?, NOW(), NOW())";
	static const char upd[] = "UPDATE subscriptions SET filters = ?, digest = ?, state = 'pending', "
	    "confirm_token = ?, addr = ?, updated_at = NOW() WHERE id = ?";
	const json_t	*v = json_object_get(in, "email");
	const char	*digest = "immediate";
	char		 email[256], token[65], ctoken[65], *filters = NULL;
	struct db_res	 res;
	long long	 id;
	size_t		 i;
	int		 rc;

	if (!json_is_string(v) || json_string_value(v)[0] == '\0')
		return outcome_fail(o, OUT_INVALID, "email", "请填写邮箱地址");
	if (strlen(json_string_value(v)) >= sizeof(email) || subs_email_check(json_string_value(v)) != 0)
		return outcome_fail(o, OUT_INVALID, "email", "邮箱地址格式不正确，如 name@example.com");
	/* The domain is case-insensitive; the local part is kept as given. */
	snprintf(email, sizeof(email), "%s", json_string_value(v));
	for (i = (size_t)(strchr(email, '@') - email); email[i]; i++)
		email[i] = (char)tolower((unsigned char)email[i]);
	if (parse_digest(in, &digest, o) == -1 || parse_filters(db, in, &filters, o) == -1)
		return -1;
	if ((rc = db_begin(db)) != DB_OK) {
		free(filters);
		return outcome_db(o, rc);
	}
	if (throttled(db, cfg, email, a->addr ? a->addr : "-", o) == -1) {
		free(filters);
		/* The attempt row is kept when refused too: commit what there is. */
		if (o->kind == OUT_RATE_LIMITED)
			db_commit(db);
		else
			db_rollback(db);
		return -1;
	}
	if ((rc = db_query(db, &res, find, "s", email)) != DB_OK)
		goto dberr;
	new_token(ctoken);
	if (res.nrows == 1 && !strcmp(db_res_str(&res, 0, 1), "active")) {
		/* Someone else may be typing this address: change nothing, mail
		 * the owner the manage link. */
		id = db_res_int(&res, 0, 0);
		snprintf(token, sizeof(token), "%s", db_res_str(&res, 0, 2));
		db_res_free(&res);
		if (queue_mail(db, cfg, id, email, "manage", token, ctoken, o) == -1)
			goto fail;
	} else if (res.nrows == 1) {
		id = db_res_int(&res, 0, 0);
		db_res_free(&res);
		if ((rc = db_exec(db, upd, "ssssi", filters, digest, ctoken, a->addr, id)) < 0)
			goto dberr;
		if (queue_mail(db, cfg, id, email, "confirm", ctoken, ctoken, o) == -1)
			goto fail;
	} else {
		db_res_free(&res);
		new_token(token);
		if ((rc = db_exec(db, ins, "ssssss", email, filters, digest, token, ctoken, a->addr)) < 0)
			goto dberr;
		id = (long long)db_insert_id(db);
		if (queue_mail(db, cfg, id, email, "confirm", ctoken, ctoken, o) == -1)
			goto fail;
	}
	if ((rc = db_commit(db)) != DB_OK)
		goto dberr;
	free(filters);
	o->kind = OUT_OK;
	return 0;
dberr:
	outcome_db(o, rc);
fail:
	free(filters);
	db_rollback(db);
	return -1;
}

static json_t *
sub_json(const struct db_res *res)
{
	json_t *f = json_loads(db_res_str(res, 0, 2), 0, NULL);

	if (f == NULL)
		f = json_object();
	json_object_set_new(f, "email", json_string(db_res_str(res, 0, 1)));
	json_object_set_new(f, "digest", json_string(db_res_str(res, 0, 3)));
	json_object_set_new(f, "state", json_string(db_res_str(res, 0, 4)));
	json_object_set_new(f, "confirmed_at", app_time(db_res_str(res, 0, 6)));
	json_object_set_new(f, "created_at", app_time(db_res_str(res, 0, 7)));
	return f;
}

static int
by_token(struct db *db, const char *token, bool lock, struct db_res *res, struct outcome *o)
{
	static const char sql[] = "SELECT " SUB_COLS " FROM subscriptions WHERE token = ?";
	static const char sql_lock[] = "SELECT " SUB_COLS " FROM subscriptions WHERE token = ? FOR UPDATE";
	int rc;

	if (!token_ok(token))
		return outcome_fail(o, OUT_NOT_FOUND, "token", "链接无效或已过期");
	if ((rc = db_query(db, res, lock ? sql_lock : sql, "s", token)) != DB_OK)
		return outcome_db(o, rc);
	if (res->nrows == 0) {
		db_res_free(res);
		return outcome_fail(o, OUT_NOT_FOUND, "token", "链接无效或已过期");
	}
	return 0;
}

int
subs_confirm(struct db *db, const char *token, json_t **out, struct outcome *o)
{
	static const char sql[] = "SELECT token FROM subscriptions WHERE confirm_token = ?";
	static const char upd[] = "UPDATE subscriptions SET state = 'active', confirm_token = NULL, "
	    "confirmed_at = NOW(), unsubscribed_at = NULL, last_digest_at = NOW(3), updated_at = NOW() "
	    "WHERE confirm_token = ?";
	struct db_res	 res;
	char		 mtoken[65];
	int		 rc;

	if (!token_ok(token))
		return outcome_fail(o, OUT_NOT_FOUND, "token", "确认链接无效或已使用");
	if ((rc = db_query(db, &res, sql, "s", token)) != DB_OK)
		return outcome_db(o, rc);
	if (res.nrows == 0) {
		db_res_free(&res);
		return outcome_fail(o, OUT_NOT_FOUND, "token", "确认链接无效或已使用");
	}
	snprintf(mtoken, sizeof(mtoken), "%s", db_res_str(&res, 0, 0));
	db_res_free(&res);
	if ((rc = db_exec(db, upd, "s", token)) < 0)
		return outcome_db(o, rc);
	if (by_token(db, mtoken, false, &res, o) == -1)
		return -1;
	*out = sub_json(&res);
	json_object_set_new(*out, "manage_token", json_string(mtoken));
	db_res_free(&res);
	o->kind = OUT_OK;
	return 0;
}

int
subs_get(struct db *db, const char *token, json_t **out, struct outcome *o)
{
	struct db_res res;

	if (by_token(db, token, false, &res, o) == -1)
		return -1;
	*out = sub_json(&res);
	db_res_free(&res);
	o->kind = OUT_OK;
	return 0;
}

int
subs_update(struct db *db, const char *token, const json_t *in, json_t **out, struct outcome *o)
{
	static const char upd[] = "UPDATE subscriptions SET filters = ?, digest = ?, updated_at = NOW() WHERE id = ?";
	struct db_res	 res;
	const char	*digest;
	char		*filters = NULL, dg[16];
	json_t		*cur, *merged;
	const char	*k;
	json_t		*v;
	long long	 id;
	int		 rc;

	if (by_token(db, token, false, &res, o) == -1)
		return -1;
	id = db_res_int(&res, 0, 0);
	snprintf(dg, sizeof(dg), "%s", db_res_str(&res, 0, 3));
	if (!strcmp(db_res_str(&res, 0, 4), "unsubscribed")) {
		db_res_free(&res);
		return outcome_fail(o, OUT_CONFLICT, NULL, "该订阅已退订，请重新订阅");
	}
	cur = json_loads(db_res_str(&res, 0, 2), 0, NULL);
	db_res_free(&res);
	if (json_object_get(in, "email") != NULL) {
		json_decref(cur);
		return outcome_fail(o, OUT_INVALID, "email", "邮箱地址不能修改，请用新地址重新订阅");
	}
	/* Lists not given are kept. */
	merged = cur != NULL ? cur : json_object();
	json_object_foreach((json_t *)in, k, v)
		if (strcmp(k, "digest"))
			json_object_set(merged, k, v);
	digest = dg;
	if (parse_digest(in, &digest, o) == -1 || parse_filters(db, merged, &filters, o) == -1) {
		json_decref(merged);
		return -1;
	}
	json_decref(merged);
	rc = db_exec(db, upd, "ssi", filters, digest, id);
	free(filters);
	if (rc < 0)
		return outcome_db(o, rc);
	return subs_get(db, token, out, o);
}

int
subs_unsubscribe(struct db *db, const char *token, struct outcome *o)
{
	static const char upd[] = "UPDATE subscriptions SET state = 'unsubscribed', confirm_token = NULL, "
	    "unsubscribed_at = COALESCE(unsubscribed_at, NOW()), updated_at = NOW() WHERE id = ?";
	static const char cancel[] = "UPDATE deliveries SET state = 'failed', cancelled = 1, "
	    "last_error = '已退订，未发送', claimed_by = NULL WHERE subscription_id = ? AND kind <> 'confirm' "
	    "AND state IN ('pending', 'retrying')";
	struct db_res	 res;
	long long	 id;
	int		 rc;

	if (by_token(db, token, false, &res, o) == -1)
		return -1;
	id = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_exec(db, upd, "i", id)) < 0 || (rc = db_exec(db, cancel, "i", id)) < 0)
		return outcome_db(o, rc);
	o->kind = OUT_OK;
	return 0;
}
