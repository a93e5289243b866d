/* yujing — unit tests: route matching (core/router.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "router.h"

static void h_list(struct req *r) { (void)r; }
static void h_create(struct req *r) { (void)r; }
static void h_get(struct req *r) { (void)r; }
static void h_delete(struct req *r) { (void)r; }
static void h_sub(struct req *r) { (void)r; }
static void h_many(struct req *r) { (void)r; }
static void h_too_many(struct req *r) { (void)r; }
static void h_file(struct req *r) { (void)r; }

static const struct route routes[] = {
	{ HTTP_GET,    "/api/users",                   h_list,     0, 0 },
	{ HTTP_POST,   "/api/users",                   h_create,   0, RF_JSON },
	{ HTTP_GET,    "/api/users/{id}",              h_get,      0, 0 },
	{ HTTP_DELETE, "/api/users/{id}",              h_delete,   0, 0 },
	{ HTTP_GET,    "/api/points/{pid}/people/{id}", h_sub,     0, 0 },
	{ HTTP_GET,    "/m/{a}/{b}/{c}/{d}",           h_many,     0, 0 },
	{ HTTP_GET,    "/x/{a}/{b}/{c}/{d}/{e}",       h_too_many, 0, 0 },
	{ HTTP_GET,    "/api/files/{*}",               h_file,     0, 0 },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Matches and returns the route, with params, count and allowed mask. */
static const struct route *
match(enum http_method m, const char *path, long long *params, size_t *np,
    unsigned *allowed)
{
	memset(params, 0, HTTP_MAX_PARAMS * sizeof(*params));
	*np = 99;
	*allowed = 0xdead;
	return router_match(routes, NROUTES, m, path, params, np, allowed);
}

static void
test_literal_path_matches(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;
	const struct route *r;

	r = match(HTTP_GET, "/api/users", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_list);
	assert_int_equal(np, 0);
	assert_int_equal(allowed, HTTP_GET | HTTP_POST);
}

static void
test_method_selects_route(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;
	const struct route *r;

	r = match(HTTP_POST, "/api/users", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_create);
	assert_int_equal(r->flags, RF_JSON);
}

static void
test_param_filled(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;
	const struct route *r;

	r = match(HTTP_GET, "/api/users/42", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_get);
	assert_int_equal(np, 1);
	assert_int_equal(p[0], 42);

	r = match(HTTP_DELETE, "/api/users/7", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_delete);
	assert_int_equal(p[0], 7);
}

static void
test_two_params_in_order(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;
	const struct route *r;

	r = match(HTTP_GET, "/api/points/3/people/1200", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_sub);
	assert_int_equal(np, 2);
	assert_int_equal(p[0], 3);
	assert_int_equal(p[1], 1200);
}

static void
test_max_params_filled(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;
	const struct route *r;

	r = match(HTTP_GET, "/m/1/2/3/4", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_many);
	assert_int_equal(np, HTTP_MAX_PARAMS);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 2);
	assert_int_equal(p[2], 3);
	assert_int_equal(p[3], 4);
}

static void
test_more_params_than_max_refused(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_GET, "/x/1/2/3/4/5", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_large_param_fits(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_non_null(match(HTTP_GET, "/api/users/1000000000000000000", p, &np, &allowed));
	assert_int_equal(p[0], 1000000000000000000LL);
}

static void
test_unknown_path_is_404(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_GET, "/api/nothing", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_wrong_method_is_405_with_allowed(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_PUT, "/api/users", p, &np, &allowed));
	assert_int_equal(allowed, HTTP_GET | HTTP_POST);

	assert_null(match(HTTP_POST, "/api/users/5", p, &np, &allowed));
	assert_int_equal(allowed, HTTP_GET | HTTP_DELETE);
}

static void
test_head_matches_get(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;
	const struct route *r;

	r = match(HTTP_HEAD, "/api/users/9", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_get);
	assert_int_equal(np, 1);
	assert_int_equal(p[0], 9);
}

static void
test_non_numeric_param_refused(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_GET, "/api/users/abc", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/users/12a", p, &np, &allowed));
	assert_null(match(HTTP_GET, "/api/users/-3", p, &np, &allowed));
	assert_null(match(HTTP_GET, "/api/users/+3", p, &np, &allowed));
	assert_null(match(HTTP_GET, "/api/users/1.5", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_zero_param_refused(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_GET, "/api/users/0", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/users/000", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_largest_id_matches(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_non_null(match(HTTP_GET, "/api/users/9223372036854775807", p, &np, &allowed));
	assert_int_equal(np, 1);
	assert_true(p[0] == 9223372036854775807LL);
	assert_null(match(HTTP_GET, "/api/users/9223372036854775808", p, &np, &allowed));
}

static void
test_leading_zero_refused(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_GET, "/api/users/05", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_overflowing_param_refused(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	/* 2^63, one above the largest long long */
	assert_null(match(HTTP_GET, "/api/users/9223372036854775808", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	/* 20 digits */
	assert_null(match(HTTP_GET, "/api/users/12345678901234567890", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/users/99999999999999999999", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_empty_segment_refused(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_GET, "/api/users/", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/users//5", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/points//people/1", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_trailing_slash_does_not_match(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_GET, "/api/users/5/", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	/* "/api/users/" is not "/api/users" */
	assert_null(match(HTTP_POST, "/api/users/", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_longer_or_shorter_path_does_not_match(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;

	assert_null(match(HTTP_GET, "/api/users/5/extra", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/user", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/usersx", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/points/3/people", p, &np, &allowed));
	assert_int_equal(allowed, 0);
}

static void
test_allow_str_lists_methods(void **state)
{
	char s[64];

	router_allow_str(HTTP_GET | HTTP_POST, s, sizeof(s));
	assert_string_equal(s, "GET, POST");
	router_allow_str(HTTP_GET, s, sizeof(s));
	assert_string_equal(s, "GET");
	router_allow_str(HTTP_DELETE | HTTP_GET | HTTP_PATCH | HTTP_PUT | HTTP_POST,
	    s, sizeof(s));
	assert_string_equal(s, "GET, POST, PUT, PATCH, DELETE");
}

static void
test_allow_str_empty_mask(void **state)
{
	char s[16];

	memset(s, 'x', sizeof(s));
	router_allow_str(0, s, sizeof(s));
	assert_string_equal(s, "");
}

static void
test_allow_str_truncates_to_buffer(void **state)
{
	char s[8];

	memset(s, 'x', sizeof(s));
	router_allow_str(HTTP_GET | HTTP_POST, s, sizeof(s));
	assert_string_equal(s, "GET, PO");
}
/* A final {*} takes any one non-empty segment, and nothing deeper. */
static void
test_wildcard_last_segment(void **state)
{
	long long p[HTTP_MAX_PARAMS];
	size_t np;
	unsigned allowed;
	const struct route *r;

	r = match(HTTP_GET, "/api/files/2019-05.pdf", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_file);
	assert_int_equal(np, 0);
	r = match(HTTP_GET, "/api/files/text", p, &np, &allowed);
	assert_non_null(r);
	assert_ptr_equal(r->handler, h_file);
	assert_null(match(HTTP_GET, "/api/files/", p, &np, &allowed));
	assert_int_equal(allowed, 0);
	assert_null(match(HTTP_GET, "/api/files", p, &np, &allowed));
	assert_null(match(HTTP_GET, "/api/files/a/b", p, &np, &allowed));
	assert_null(match(HTTP_POST, "/api/files/x", p, &np, &allowed));
	assert_int_equal(allowed, HTTP_GET);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_path_matches),
		cmocka_unit_test(test_method_selects_route),
		cmocka_unit_test(test_param_filled),
		cmocka_unit_test(test_two_params_in_order),
		cmocka_unit_test(test_max_params_filled),
		cmocka_unit_test(test_more_params_than_max_refused),
		cmocka_unit_test(test_large_param_fits),
		cmocka_unit_test(test_unknown_path_is_404),
		cmocka_unit_test(test_wrong_method_is_405_with_allowed),
		cmocka_unit_test(test_head_matches_get),
		cmocka_unit_test(test_non_numeric_param_refused),
		cmocka_unit_test(test_zero_param_refused),
		cmocka_unit_test(test_overflowing_param_refused),
		cmocka_unit_test(test_largest_id_matches),
		cmocka_unit_test(test_leading_zero_refused),
		cmocka_unit_test(test_empty_segment_refused),
		cmocka_unit_test(test_trailing_slash_does_not_match),
		cmocka_unit_test(test_longer_or_shorter_path_does_not_match),
		cmocka_unit_test(test_wildcard_last_segment),
		cmocka_unit_test(test_allow_str_lists_methods),
		cmocka_unit_test(test_allow_str_empty_mask),
		cmocka_unit_test(test_allow_str_truncates_to_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
