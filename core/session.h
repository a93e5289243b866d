/* yujing — login sessions: a random token in an HttpOnly cookie, stored
 * only as its SHA-256; the CSRF token is derived from the session token, so
 * it is never stored either. */
#ifndef YJ_SESSION_H
#define YJ_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "http.h"

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

#endif
