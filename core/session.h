/* yujing — login sessions: a random token in an HttpOnly cookie, stored
 * only as its SHA-256; the CSRF token is derived from the session token, so
 * it is never stored either. */
#ifndef YJ_SESSION_H
#define YJ_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "actor.h"
#include "conf.h"
#include "db.h"
#include "http.h"
#include "outcome.h"

#define SESSION_COOKIE		"yj_session"
#define SESSION_TOKEN_LEN	43	/* base64url of 32 bytes, no padding */

void	 session_token_new(char out[SESSION_TOKEN_LEN + 1]);
bool	 session_token_wellformed(const char *, size_t);
void	 session_token_hash(const char *tok, size_t len, unsigned char out[32]);
void	 session_csrf(const char *tok, size_t len, char out[SESSION_TOKEN_LEN + 1]);
bool	 session_csrf_ok(const char *tok, size_t len, const char *header);

/* A process-wide cache of validated sessions, so that most requests need
 * no database round trip.  An entry is trusted for at most ttl seconds and
 * never past the session's expiry; session_cache_bump(), called after a
 * commit that ended sessions, drops every entry at once.  Sessions ended on
 * another app host stop working here within ttl seconds.  ttl 0: off. */
void	 session_cache_init(int ttl);
void	 session_cache_bump(void);

int	 session_create(struct db *, long long user_id, const char *addr,
	    int ttl, char tok[SESSION_TOKEN_LEN + 1]);
/* DB_OK and *found; the user row joined. */
int	 session_lookup(struct db *, const char *tok, size_t len, struct user *, bool *found);
int	 session_delete(struct db *, const char *tok, size_t len);
/* Ends every session of a user but the one given (NULL: all). */
int	 session_revoke_user(struct db *, long long user_id, const char *keep_tok);

/*
 * Signing in and out, and a user's own password change.  Each answers 0,
 * or -1 with the outcome, rolled back: rate_limited when the throttle
 * (throttle.h) refuses the attempt, with *retry_after the seconds the
 * address must wait (0: the account is locked, no wait to tell); invalid
 * with field; or a db error.
 */
/* Checks a login: the attempt is counted first and taken back when the
 * password is right.  0 with *u the user and tok a new session (the
 * throttle cleared, session.login audited as u from addr); -1 with
 * unauthenticated (用户名或密码错误) for a wrong name or password, a
 * disabled account or one without a role, alike. */
int	 session_login(struct db *, const struct config *, const char *username,
	    const char *password, const char *addr, const char *request_id,
	    struct user *u, char tok[SESSION_TOKEN_LEN + 1], int *retry_after,
	    struct outcome *);
/* Ends the actor's session tok (audited), and drops the cached sessions. */
int	 session_logout(struct db *, const struct actor *, const char *tok, struct outcome *);
/* The actor changes its own password: new_password must be strong enough
 * (field new_password), the attempt is throttled like a login, and
 * old_password must be right (field old_password).  Every other session of
 * the actor ends; keep_tok, the one asking, stays. */
int	 session_password(struct db *, const struct config *, const struct actor *,
	    const char *keep_tok, const char *old_password, const char *new_password,
	    int *retry_after, struct outcome *);

#endif
