/* yujing — password hashing (argon2id, libsodium) and password policy. */
#ifndef YJ_PASSWORD_H
#define YJ_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX 128	/* crypto_pwhash_STRBYTES */

/* Cost of new hashes; the defaults are libsodium's "interactive" limits.
 * Existing hashes carry their own cost. */
void	 password_set_cost(unsigned long long ops, size_t mem);
int	 password_hash(const char *pw, char out[PASSWORD_HASH_MAX]);
bool	 password_verify(const char *hash, const char *pw);
/* Spends the same time as a verify, for unknown users. */
void	 password_verify_dummy(const char *pw);
/* NULL when acceptable, else a Chinese reason (possibly written into msg). */
const char *password_weak(const char *pw, int min_length, char *msg, size_t msgsz);

#endif
