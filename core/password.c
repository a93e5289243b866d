/* yujing — argon2id password hashes. */
#include "password.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http.h"

static unsigned long long ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
static size_t mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

void
password_set_cost(unsigned long long ops, size_t mem)
{
	ops_limit = ops;
	mem_limit = mem;
}

int
password_hash(const char *pw, char out[PASSWORD_HASH_MAX])
{
	_Static_assert(PASSWORD_HASH_MAX == crypto_pwhash_STRBYTES, "hash size");
	return crypto_pwhash_str_alg(out, pw, strlen(pw), ops_limit, mem_limit,
	    crypto_pwhash_ALG_ARGON2ID13) == 0 ? 0 : -1;
}

bool
password_verify(const char *hash, const char *pw)
{
	if (hash == NULL || strncmp(hash, "$argon2id$", 10) != 0)
		return false;
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

static void
make_dummy(void)
{
	unsigned char	 rnd[16];
	char		 pw[33];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(pw, sizeof(pw), rnd, sizeof(rnd));
	if (password_hash(pw, dummy_hash) != 0)
		abort();
}

void
password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, make_dummy);
	(void)password_verify(dummy_hash, pw);
}

const char *
password_weak(const char *pw, int min_length, char *msg, size_t msgsz)
{
	int		 lower = 0, upper = 0, digit = 0, other = 0;
	const char	*p;

	if (!http_utf8_valid(pw, strlen(pw)))
		return "密码含有非法字符";
	if ((int)http_utf8_len(pw) < min_length) {
		snprintf(msg, msgsz, "密码至少需要 %d 个字符", min_length);
		return msg;
	}
	if (http_utf8_len(pw) > 128)
		return "密码不能超过 128 个字符";
	for (p = pw; *p; p++) {
		if (*p >= 'a' && *p <= 'z') lower = 1;
		else if (*p >= 'A' && *p <= 'Z') upper = 1;
		else if (*p >= '0' && *p <= '9') digit = 1;
		else other = 1;
	}
	if (lower + upper + digit + other < 3)
		return "密码须包含小写字母、大写字母、数字、符号中的至少三类";
	return NULL;
}
