/* yujing — sessions. */
#include "session.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "access.h"
#include "audit.h"
#include "password.h"
#include "throttle.h"

void
session_token_new(char out[SESSION_TOKEN_LEN + 1])
{
	unsigned char rnd[32];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, rnd, sizeof(rnd),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof(rnd));
}

bool
session_token_wellformed(const char *t, size_t len)
{
	size_t i;

	if (t == NULL || len != SESSION_TOKEN_LEN)
		return false;
	for (i = 0; i < len; i++)
		if (!((t[i] >= 'A' && t[i] <= 'Z') || (t[i] >= 'a' && t[i] <= 'z') ||
		    (t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '_'))
			return false;
	return true;
}

void
session_token_hash(const char *tok, size_t len, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)tok, len);
}

void
session_csrf(const char *tok, size_t len, char out[SESSION_TOKEN_LEN + 1])
{
	static const unsigned char key[] = "yujing csrf token v1 derivation";
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)tok, len,
	    key, sizeof(key) - 1);
	sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, h, sizeof(h),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
session_csrf_ok(const char *tok, size_t len, const char *header)
{
	char want[SESSION_TOKEN_LEN + 1];

	if (header == NULL || strlen(header) != SESSION_TOKEN_LEN)
		return false;
	session_csrf(tok, len, want);
	return sodium_memcmp(want, header, SESSION_TOKEN_LEN) == 0;
}

#define CACHE_SLOTS 4096

struct cache_entry {
	unsigned char	 hash[32];
	struct user	 user;
	time_t		 expires;	/* the session's own expiry (wall clock) */
	time_t		 until;		/* trusted until (monotonic) */
	unsigned long	 epoch;
	bool		 used;
};

static struct {
	pthread_mutex_t		 mu;
	int			 ttl;
	atomic_ulong		 epoch;
	struct cache_entry	 slot[CACHE_SLOTS];
} cache = { .mu = PTHREAD_MUTEX_INITIALIZER };

void
session_cache_init(int ttl)
{
	cache.ttl = ttl;
}

void
session_cache_bump(void)
{
	atomic_fetch_add(&cache.epoch, 1);
}

static time_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct cache_entry *
slot_for(const unsigned char h[32])
{
	unsigned v;

	memcpy(&v, h, sizeof(v));	/* the hash of a random token */
	return &cache.slot[v % CACHE_SLOTS];
}

static bool
cache_get(const unsigned char h[32], struct user *u)
{
	struct cache_entry	*e = slot_for(h);
	bool			 hit;

	pthread_mutex_lock(&cache.mu);
	hit = e->used && memcmp(e->hash, h, 32) == 0 &&
	    e->epoch == atomic_load(&cache.epoch) &&
	    e->until > mono() && e->expires > time(NULL);
	if (hit)
		*u = e->user;
	pthread_mutex_unlock(&cache.mu);
	return hit;
}

/* epoch is the one read before the database was asked: a revocation
 * committed meanwhile makes the entry worthless at once. */
static void
cache_put(const unsigned char h[32], const struct user *u, time_t expires,
    unsigned long epoch)
{
	struct cache_entry *e = slot_for(h);

	pthread_mutex_lock(&cache.mu);
	memcpy(e->hash, h, 32);
	e->user = *u;
	e->expires = expires;
	e->until = mono() + cache.ttl;
	e->epoch = epoch;
	e->used = true;
	pthread_mutex_unlock(&cache.mu);
}

/* The user of a row whose first six columns are id, username, name, role,
 * point_id, city (both queries below read them in that order). */
static void
user_from_row(const struct db_res *res, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_res_int(res, 0, 0);
	snprintf(u->username, sizeof(u->username), "%s", db_res_str(res, 0, 1));
	snprintf(u->name, sizeof(u->name), "%s", db_res_str(res, 0, 2));
	u->role = role_parse(db_res_str(res, 0, 3));
	u->point_id = db_res_int(res, 0, 4);
	if (!db_res_null(res, 0, 5))
		snprintf(u->city, sizeof(u->city), "%s", db_res_str(res, 0, 5));
}

int
session_create(struct db *db, long long user_id, const char *addr, int ttl,
    char tok[SESSION_TOKEN_LEN + 1])
{
	static const char sql[] =
	    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, addr) "
	    "VALUES (?, ?, NOW(), NOW() + INTERVAL ? SECOND, ?)";
	static const char purge[] =
	    "DELETE FROM sessions WHERE expires_at < NOW() - INTERVAL 1 DAY LIMIT 100";
	unsigned char	 h[32];
	int		 rc;

	session_token_new(tok);
	session_token_hash(tok, SESSION_TOKEN_LEN, h);
	if ((rc = db_exec(db, sql, "biis", h, sizeof(h), user_id, (long long)ttl, addr)) < 0)
		return rc;
	rc = db_exec(db, purge, "");
	return rc < 0 ? rc : DB_OK;
}

int
session_lookup(struct db *db, const char *tok, size_t len, struct user *u, bool *found)
{
	static const char sql[] =
	    "SELECT u.id, u.username, u.name, u.role, u.point_id, u.city, "
	    "UNIX_TIMESTAMP(s.expires_at) "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.token_hash = ? AND s.expires_at > NOW() "
	    "AND u.disabled = 0 AND u.deleted_at IS NULL";
	unsigned char	 h[32];
	struct db_res	 res;
	unsigned long	 epoch;
	int		 rc;

	*found = false;
	if (!session_token_wellformed(tok, len))
		return DB_OK;
	session_token_hash(tok, len, h);
	if (cache.ttl > 0 && cache_get(h, u)) {
		*found = true;
		return DB_OK;
	}
	epoch = atomic_load(&cache.epoch);
	if ((rc = db_query(db, &res, sql, "b", h, sizeof(h))) != DB_OK)
		return rc;
	if (res.nrows == 1) {
		user_from_row(&res, u);
		*found = u->role != 0;
		if (*found && cache.ttl > 0)
			cache_put(h, u, (time_t)db_res_int(&res, 0, 6), epoch);
	}
	db_res_free(&res);
	return DB_OK;
}

int
session_delete(struct db *db, const char *tok, size_t len)
{
	static const char sql[] = "DELETE FROM sessions WHERE token_hash = ?";
	unsigned char	 h[32];
	int		 rc;

	session_token_hash(tok, len, h);
	rc = db_exec(db, sql, "b", h, sizeof(h));
	return rc < 0 ? rc : DB_OK;
}

int
session_revoke_user(struct db *db, long long user_id, const char *keep)
{
	static const char all[] = "DELETE FROM sessions WHERE user_id = ?";
	static const char but[] = "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?";
	unsigned char	 h[32];
	int		 rc;

	if (keep == NULL)
		rc = db_exec(db, all, "i", user_id);
	else {
		session_token_hash(keep, strlen(keep), h);
		rc = db_exec(db, but, "ib", user_id, h, sizeof(h));
	}
	return rc < 0 ? rc : DB_OK;
}

/* ---- login, logout, password change ----------------------------------- */

static const char bad_login[] = "用户名或密码错误";

static int
dbfail(struct db *db, struct outcome *o, int rc)
{
	db_rollback(db);
	return outcome_db(o, rc);
}

/* 0 when the password may be checked, else -1 with the refusal. */
static int
refused(const struct throttle *t, int *retry_after, struct outcome *o)
{
	switch (t->verdict) {
	case THROTTLE_ALLOW:
		return 0;
	case THROTTLE_ADDRESS:
		*retry_after = t->retry_after;
		return outcome_set(o, OUT_RATE_LIMITED, NULL,
		    "该网络地址登录失败次数过多，请 %d 秒后再试", t->retry_after);
	case THROTTLE_ACCOUNT:
	default:
		return outcome_fail(o, OUT_RATE_LIMITED, NULL, "登录失败次数过多，请稍后再试");
	}
}

int
session_login(struct db *db, const struct config *cfg, const char *username,
    const char *password, const char *addr, const char *request_id, struct user *u,
    char tok[SESSION_TOKEN_LEN + 1], int *retry_after, struct outcome *o)
{
	static const char sql[] =
	    "SELECT id, username, name, role, point_id, city, password_hash, disabled "
	    "FROM users WHERE username = ? AND deleted_at IS NULL";
	struct db_res	 res;
	struct throttle	 t;
	struct actor	 a;
	bool		 ok = false;
	int		 rc;

	memset(o, 0, sizeof(*o));
	*retry_after = 0;
	/* Counted as a failure before the password is checked; taken back
	 * when it is right. */
	if ((rc = throttle_attempt(db, cfg, username, addr, &t)) != DB_OK)
		return dbfail(db, o, rc);
	if (refused(&t, retry_after, o) == -1)
		return -1;
	if ((rc = db_query(db, &res, sql, "s", username)) != DB_OK)
		return dbfail(db, o, rc);
	if (res.nrows == 1 && db_res_int(&res, 0, 7) == 0)
		ok = password_verify(db_res_str(&res, 0, 6), password);
	else
		password_verify_dummy(password);
	if (ok) {
		user_from_row(&res, u);
		ok = u->role != 0;
	}
	db_res_free(&res);
	if (!ok)
		return outcome_fail(o, OUT_UNAUTHENTICATED, NULL, bad_login);
	a = actor_user(u, addr, request_id);
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = throttle_clear(db, u->username, addr)) != DB_OK ||
	    (rc = session_create(db, u->id, addr, cfg->session_ttl, tok)) != DB_OK ||
	    (rc = audit_actor(db, &a, "session.login", "user", u->id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		return dbfail(db, o, rc);
	o->id = u->id;
	return 0;
}

int
session_logout(struct db *db, const struct actor *a, const char *tok, struct outcome *o)
{
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = session_delete(db, tok, strlen(tok))) != DB_OK ||
	    (rc = audit_actor(db, a, "session.logout", "user", a->id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		return dbfail(db, o, rc);
	session_cache_bump();
	return 0;
}

int
session_password(struct db *db, const struct config *cfg, const struct actor *a,
    const char *keep_tok, const char *old_password, const char *new_password,
    int *retry_after, struct outcome *o)
{
	static const char get[] =
	    "SELECT password_hash FROM users WHERE id = ? FOR UPDATE";
	static const char upd[] =
	    "UPDATE users SET password_hash = ?, version = version + 1, updated_at = NOW() "
	    "WHERE id = ?";
	struct db_res	 res;
	char		 hash[PASSWORD_HASH_MAX], msg[128];
	const char	*weak;
	struct throttle	 t;
	bool		 ok;
	int		 rc;

	memset(o, 0, sizeof(*o));
	*retry_after = 0;
	if ((weak = password_weak(new_password, cfg->password_min_length, msg, sizeof(msg))) != NULL)
		return outcome_fail(o, OUT_INVALID, "new_password", weak);
	if ((rc = throttle_attempt(db, cfg, a->username, a->addr, &t)) != DB_OK)
		return dbfail(db, o, rc);
	if (refused(&t, retry_after, o) == -1)
		return -1;
	if (password_hash(new_password, hash) != 0)
		return outcome_fail(o, OUT_INTERNAL, NULL, "服务器内部错误，请联系管理员");
	if ((rc = db_begin(db)) != DB_OK ||
	    (rc = db_query(db, &res, get, "i", a->id)) != DB_OK) {
		sodium_memzero(hash, sizeof(hash));
		return dbfail(db, o, rc);
	}
	ok = res.nrows == 1 && password_verify(db_res_str(&res, 0, 0), old_password);
	db_res_free(&res);
	if (!ok) {
		db_rollback(db);
		sodium_memzero(hash, sizeof(hash));
		return outcome_fail(o, OUT_INVALID, "old_password", "原密码不正确");
	}
	if ((rc = throttle_forget(db, &t, a->username, a->addr)) != DB_OK ||
	    (rc = db_exec(db, upd, "si", hash, a->id)) < 0 ||
	    (rc = session_revoke_user(db, a->id, keep_tok)) != DB_OK ||
	    (rc = audit_actor(db, a, "user.password", "user", a->id, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK) {
		sodium_memzero(hash, sizeof(hash));
		return dbfail(db, o, rc);
	}
	sodium_memzero(hash, sizeof(hash));
	session_cache_bump();
	o->id = a->id;
	return 0;
}
