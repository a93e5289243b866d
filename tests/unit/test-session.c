/* yujing — unit tests: session tokens and the CSRF token derived from them
 * (core/session.h; the database functions are left to the HTTP tests). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "session.h"

static int
setup(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

static bool
urlsafe(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789-_", s[i]) == NULL || s[i] == '\0')
			return false;
	return true;
}

/* --- tokens --- */

static void
test_token_is_43_urlsafe_chars(void **state)
{
	char t[SESSION_TOKEN_LEN + 1];

	memset(t, '=', sizeof(t));
	session_token_new(t);
	assert_int_equal(SESSION_TOKEN_LEN, 43);
	assert_int_equal(strlen(t), 43);
	assert_true(urlsafe(t, 43));
	assert_true(session_token_wellformed(t, strlen(t)));
}

static void
test_two_tokens_differ(void **state)
{
	char a[SESSION_TOKEN_LEN + 1], b[SESSION_TOKEN_LEN + 1];

	session_token_new(a);
	session_token_new(b);
	assert_string_not_equal(a, b);
}

static void
test_token_decodes_to_32_bytes(void **state)
{
	char t[SESSION_TOKEN_LEN + 1];
	unsigned char bin[64];
	size_t len = 0;

	session_token_new(t);
	assert_int_equal(sodium_base642bin(bin, sizeof(bin), t, strlen(t), NULL,
	    &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(len, 32);
}

static void
test_wellformed_checks_length(void **state)
{
	char t[SESSION_TOKEN_LEN + 2];

	memset(t, 'A', sizeof(t));
	t[SESSION_TOKEN_LEN + 1] = '\0';
	assert_true(session_token_wellformed(t, 43));
	assert_false(session_token_wellformed(t, 42));
	assert_false(session_token_wellformed(t, 44));
	assert_false(session_token_wellformed(t, 0));
	assert_false(session_token_wellformed(NULL, 43));
}

static void
test_wellformed_checks_alphabet(void **state)
{
	static const char bad[] = "+/=.~ \"\n\0";
	char t[SESSION_TOKEN_LEN + 1];
	size_t i;

	memcpy(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_9", 44);
	assert_int_equal(strlen(t), 43);
	assert_true(session_token_wellformed(t, 43));
	for (i = 0; i < sizeof(bad) - 1; i++) {
		t[20] = bad[i];
		assert_false(session_token_wellformed(t, 43));
	}
	t[20] = 'u';
	t[0] = (char)0xe4;
	assert_false(session_token_wellformed(t, 43));
}

/* --- the stored hash --- */

static void
test_hash_is_sha256_and_deterministic(void **state)
{
	const char *t = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123-_9";
	unsigned char a[32], b[32], want[32];

	memset(a, 0, sizeof(a));
	memset(b, 0xff, sizeof(b));
	session_token_hash(t, 43, a);
	session_token_hash(t, 43, b);
	assert_memory_equal(a, b, 32);
	crypto_hash_sha256(want, (const unsigned char *)t, 43);
	assert_memory_equal(a, want, 32);
}

static void
test_hash_differs_between_tokens(void **state)
{
	char t[SESSION_TOKEN_LEN + 1], u[SESSION_TOKEN_LEN + 1];
	unsigned char a[32], b[32];

	session_token_new(t);
	memcpy(u, t, sizeof(u));
	u[42] = u[42] == 'A' ? 'B' : 'A';
	session_token_hash(t, 43, a);
	session_token_hash(u, 43, b);
	assert_memory_not_equal(a, b, 32);
}

/* --- CSRF --- */

static void
test_csrf_deterministic(void **state)
{
	char t[SESSION_TOKEN_LEN + 1];
	char a[SESSION_TOKEN_LEN + 1], b[SESSION_TOKEN_LEN + 1];

	session_token_new(t);
	session_csrf(t, 43, a);
	session_csrf(t, 43, b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 43);
	assert_true(urlsafe(a, 43));
}

static void
test_csrf_differs_from_token(void **state)
{
	char t[SESSION_TOKEN_LEN + 1], c[SESSION_TOKEN_LEN + 1];

	session_token_new(t);
	session_csrf(t, 43, c);
	assert_string_not_equal(c, t);
}

static void
test_csrf_differs_between_tokens(void **state)
{
	char t[SESSION_TOKEN_LEN + 1], u[SESSION_TOKEN_LEN + 1];
	char a[SESSION_TOKEN_LEN + 1], b[SESSION_TOKEN_LEN + 1];

	session_token_new(t);
	session_token_new(u);
	session_csrf(t, 43, a);
	session_csrf(u, 43, b);
	assert_string_not_equal(a, b);
}

static void
test_csrf_ok_for_right_token(void **state)
{
	char t[SESSION_TOKEN_LEN + 1], c[SESSION_TOKEN_LEN + 1];

	session_token_new(t);
	session_csrf(t, 43, c);
	assert_true(session_csrf_ok(t, 43, c));
}

static void
test_csrf_refused_when_null_or_wrong_length(void **state)
{
	char t[SESSION_TOKEN_LEN + 1], c[SESSION_TOKEN_LEN + 2];

	session_token_new(t);
	session_csrf(t, 43, c);
	assert_false(session_csrf_ok(t, 43, NULL));
	assert_false(session_csrf_ok(t, 43, ""));
	/* one character short, and one extra */
	c[42] = '\0';
	assert_false(session_csrf_ok(t, 43, c));
	session_csrf(t, 43, c);
	c[43] = 'A';
	c[44] = '\0';
	assert_false(session_csrf_ok(t, 43, c));
}

static void
test_csrf_of_another_session_refused(void **state)
{
	char t[SESSION_TOKEN_LEN + 1], u[SESSION_TOKEN_LEN + 1];
	char cu[SESSION_TOKEN_LEN + 1];

	session_token_new(t);
	session_token_new(u);
	session_csrf(u, 43, cu);
	assert_true(session_csrf_ok(u, 43, cu));
	assert_false(session_csrf_ok(t, 43, cu));
}

static void
test_csrf_one_char_change_refused(void **state)
{
	char t[SESSION_TOKEN_LEN + 1], c[SESSION_TOKEN_LEN + 1];
	size_t pos[] = { 0, 21, 42 };
	size_t i;

	session_token_new(t);
	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		session_csrf(t, 43, c);
		c[pos[i]] = c[pos[i]] == 'x' ? 'y' : 'x';
		assert_false(session_csrf_ok(t, 43, c));
	}
}

static void
test_csrf_the_token_itself_refused(void **state)
{
	char t[SESSION_TOKEN_LEN + 1];

	session_token_new(t);
	assert_false(session_csrf_ok(t, 43, t));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_is_43_urlsafe_chars),
		cmocka_unit_test(test_two_tokens_differ),
		cmocka_unit_test(test_token_decodes_to_32_bytes),
		cmocka_unit_test(test_wellformed_checks_length),
		cmocka_unit_test(test_wellformed_checks_alphabet),
		cmocka_unit_test(test_hash_is_sha256_and_deterministic),
		cmocka_unit_test(test_hash_differs_between_tokens),
		cmocka_unit_test(test_csrf_deterministic),
		cmocka_unit_test(test_csrf_differs_from_token),
		cmocka_unit_test(test_csrf_differs_between_tokens),
		cmocka_unit_test(test_csrf_ok_for_right_token),
		cmocka_unit_test(test_csrf_refused_when_null_or_wrong_length),
		cmocka_unit_test(test_csrf_of_another_session_refused),
		cmocka_unit_test(test_csrf_one_char_change_refused),
		cmocka_unit_test(test_csrf_the_token_itself_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
