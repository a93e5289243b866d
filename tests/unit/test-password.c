/* yujing — unit tests: argon2id hashes and the password policy
 * (core/password.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "password.h"

static int
setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	/* The lowest cost libsodium allows: these tests prove the format and
	 * the checks, not the strength, and under valgrind the interactive
	 * cost (64 MiB per hash) makes each hash take many seconds.  A hash
	 * carries its own cost, so verify is unaffected. */
	password_set_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
	return 0;
}

/* --- hashing --- */

static void
test_hash_is_argon2id(void **state)
{
	char h[PASSWORD_HASH_MAX];

	assert_int_equal(password_hash("Demo#2019", h), 0);
	assert_memory_equal(h, "$argon2id$", 10);
	assert_true(strlen(h) < PASSWORD_HASH_MAX);
}

static void
test_hash_carries_cost_set(void **state)
{
	char h[PASSWORD_HASH_MAX], want[64];

	assert_int_equal(password_hash("Demo#2019", h), 0);
	snprintf(want, sizeof(want), "$m=%zu,t=%llu,",
	    (size_t)crypto_pwhash_MEMLIMIT_MIN / 1024,
	    (unsigned long long)crypto_pwhash_OPSLIMIT_MIN);
	assert_non_null(strstr(h, want));
}

static void
test_verify_right_password(void **state)
{
	char h[PASSWORD_HASH_MAX];

	assert_int_equal(password_hash("正确的密码Aa1", h), 0);
	assert_true(password_verify(h, "正确的密码Aa1"));
}

static void
test_verify_wrong_password(void **state)
{
	char h[PASSWORD_HASH_MAX];

	assert_int_equal(password_hash("Demo#2019", h), 0);
	assert_false(password_verify(h, "Demo#2018"));
	assert_false(password_verify(h, "demo#2019"));
	assert_false(password_verify(h, ""));
	assert_false(password_verify(h, "Demo#2019 "));
}

static void
test_same_password_different_hashes(void **state)
{
	char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX];

	assert_int_equal(password_hash("Demo#2019", a), 0);
	assert_int_equal(password_hash("Demo#2019", b), 0);
	assert_string_not_equal(a, b);
	assert_true(password_verify(a, "Demo#2019"));
	assert_true(password_verify(b, "Demo#2019"));
}

static void
test_non_argon2id_never_verifies(void **state)
{
	char h[PASSWORD_HASH_MAX], i[PASSWORD_HASH_MAX];

	assert_false(password_verify(NULL, "Demo#2019"));
	assert_false(password_verify("", ""));
	assert_false(password_verify("Demo#2019", "Demo#2019"));
	/* a bcrypt-looking string */
	assert_false(password_verify("$2y$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ012",
	    "Demo#2019"));
	/* a genuine argon2i hash of the right password is refused too
	 * (argon2i needs at least three passes) */
	assert_int_equal(crypto_pwhash_str_alg(i, "Demo#2019", 9,
	    3, crypto_pwhash_MEMLIMIT_MIN,
	    crypto_pwhash_ALG_ARGON2I13), 0);
	assert_memory_equal(i, "$argon2i$", 9);
	assert_false(password_verify(i, "Demo#2019"));
	/* a truncated argon2id hash */
	assert_int_equal(password_hash("Demo#2019", h), 0);
	h[strlen(h) - 5] = '\0';
	assert_false(password_verify(h, "Demo#2019"));
}

static void
test_verify_dummy_returns(void **state)
{
	char h[PASSWORD_HASH_MAX];

	/* twice: the second call reuses the hash made once */
	password_verify_dummy("whatever");
	password_verify_dummy("");
	/* and leaves real hashing working */
	assert_int_equal(password_hash("x", h), 0);
	assert_true(password_verify(h, "x"));
}

/* --- policy --- */

static void
test_weak_too_short_names_minimum(void **state)
{
	char msg[128];
	const char *why;

	msg[0] = '\0';
	why = password_weak("Ab#1", 8, msg, sizeof(msg));
	assert_non_null(why);
	assert_non_null(strstr(why, "8"));
	assert_string_equal(why, "密码至少需要 8 个字符");

	why = password_weak("Abcdef#12", 10, msg, sizeof(msg));
	assert_non_null(why);
	assert_non_null(strstr(why, "10"));
}

static void
test_weak_length_counts_characters(void **state)
{
	char msg[128];

	/* eight characters, 24 bytes: short for 9, fine for 8 */
	assert_non_null(password_weak("密码密码密码A1", 9, msg, sizeof(msg)));
	assert_null(password_weak("密码密码密码A1", 8, msg, sizeof(msg)));
}

static void
test_weak_fewer_than_three_classes(void **state)
{
	char msg[128];
	const char *why;

	why = password_weak("abcdefgh", 8, msg, sizeof(msg));
	assert_non_null(why);
	assert_non_null(strstr(why, "三类"));
	assert_non_null(password_weak("abcd1234", 8, msg, sizeof(msg)));
	assert_non_null(password_weak("ABCDEFGH", 8, msg, sizeof(msg)));
	assert_non_null(password_weak("12345678", 8, msg, sizeof(msg)));
	assert_non_null(password_weak("abcdEFGH", 8, msg, sizeof(msg)));
	assert_non_null(password_weak("#$%^&*!@", 8, msg, sizeof(msg)));
}

static void
test_weak_three_classes_accepted(void **state)
{
	char msg[128];

	assert_null(password_weak("Demo#2019", 8, msg, sizeof(msg)));
	assert_null(password_weak("Demo2019", 8, msg, sizeof(msg)));
	assert_null(password_weak("demo#2019", 8, msg, sizeof(msg)));
	assert_null(password_weak("DEMO#2019", 8, msg, sizeof(msg)));
	assert_null(password_weak("Demo#abc", 8, msg, sizeof(msg)));
}

static void
test_weak_over_128_bytes_refused(void **state)
{
	char pw[200], msg[128];
	const char *why;

	memset(pw, 'a', sizeof(pw));
	memcpy(pw, "A1#", 3);
	pw[128] = '\0';
	assert_null(password_weak(pw, 8, msg, sizeof(msg)));
	pw[128] = 'a';
	pw[129] = '\0';
	why = password_weak(pw, 8, msg, sizeof(msg));
	assert_non_null(why);
	assert_non_null(strstr(why, "128"));
}

static void
test_weak_invalid_utf8_refused(void **state)
{
	char msg[128];

	assert_non_null(password_weak("Demo#2019\xff", 8, msg, sizeof(msg)));
	assert_non_null(password_weak("Demo#2019\xc0\xaf", 8, msg, sizeof(msg)));
	assert_non_null(password_weak("Demo#\xed\xa0\x80" "2019", 8, msg, sizeof(msg)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_is_argon2id),
		cmocka_unit_test(test_hash_carries_cost_set),
		cmocka_unit_test(test_verify_right_password),
		cmocka_unit_test(test_verify_wrong_password),
		cmocka_unit_test(test_same_password_different_hashes),
		cmocka_unit_test(test_non_argon2id_never_verifies),
		cmocka_unit_test(test_verify_dummy_returns),
		cmocka_unit_test(test_weak_too_short_names_minimum),
		cmocka_unit_test(test_weak_length_counts_characters),
		cmocka_unit_test(test_weak_fewer_than_three_classes),
		cmocka_unit_test(test_weak_three_classes_accepted),
		cmocka_unit_test(test_weak_over_128_bytes_refused),
		cmocka_unit_test(test_weak_invalid_utf8_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
