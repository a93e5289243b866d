/* yujing — unit tests: roles and the scope of a warning point's data
 * (core/access.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "access.h"

static const int all_roles[] = {
	ROLE_ADMIN, ROLE_PROVINCE, ROLE_CITY, ROLE_POINT, ROLE_EDITOR,
};
#define NROLES (sizeof(all_roles) / sizeof(all_roles[0]))

static struct user
mkuser(long long id, int role, long long point_id, const char *city)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.id = id;
	u.role = role;
	u.point_id = point_id;
	snprintf(u.city, sizeof(u.city), "%s", city);
	return u;
}

/* --- role names --- */

static void
test_role_names(void **state)
{
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	assert_string_equal(role_name(ROLE_PROVINCE), "province");
	assert_string_equal(role_name(ROLE_CITY), "city");
	assert_string_equal(role_name(ROLE_POINT), "point");
	assert_string_equal(role_name(ROLE_EDITOR), "editor");
}

static void
test_role_labels(void **state)
{
	assert_string_equal(role_label(ROLE_ADMIN), "系统管理员");
	assert_string_equal(role_label(ROLE_PROVINCE), "省商务厅预警工作联系人");
	assert_string_equal(role_label(ROLE_CITY), "地市商务局");
	assert_string_equal(role_label(ROLE_POINT), "预警点");
	assert_string_equal(role_label(ROLE_EDITOR), "《浙江商务》杂志编辑");
}

static void
test_role_round_trip(void **state)
{
	size_t i;

	for (i = 0; i < NROLES; i++) {
		assert_non_null(role_name(all_roles[i]));
		assert_int_equal(role_parse(role_name(all_roles[i])), all_roles[i]);
	}
}

static void
test_role_unknown(void **state)
{
	assert_int_equal(role_parse("root"), 0);
	assert_int_equal(role_parse("Admin"), 0);
	assert_int_equal(role_parse("admin "), 0);
	assert_int_equal(role_parse(""), 0);
	assert_int_equal(role_parse(NULL), 0);
	assert_null(role_name(0));
	assert_null(role_name(ROLE_ADMIN | ROLE_CITY));
	assert_null(role_name(1 << 5));
	assert_null(role_label(0));
	assert_null(role_label(-1));
}

/* --- route level --- */

static void
test_role_denied_without_id_or_role(void **state)
{
	struct user u;

	u = mkuser(0, ROLE_ADMIN, 0, "");
	assert_false(access_role(&u, ROLE_ANY));
	u = mkuser(-5, ROLE_ADMIN, 0, "");
	assert_false(access_role(&u, ROLE_ANY));
	u = mkuser(1, 0, 0, "");
	assert_false(access_role(&u, ROLE_ANY));
	assert_false(access_role(&u, 0));
	assert_false(access_role(NULL, ROLE_ANY));
}

static void
test_role_combined_bits_denied(void **state)
{
	struct user u;

	/* a user has exactly one role */
	u = mkuser(1, ROLE_ADMIN | ROLE_EDITOR, 0, "");
	assert_false(access_role(&u, ROLE_ANY));
	u = mkuser(1, 1 << 7, 0, "");
	assert_false(access_role(&u, ROLE_ANY | (1 << 7)));
}

static void
test_role_mask_per_role(void **state)
{
	struct user u;
	size_t i, j;

	for (i = 0; i < NROLES; i++) {
		u = mkuser(10, all_roles[i], 3, "3301");
		assert_true(access_role(&u, ROLE_ANY));
		assert_true(access_role(&u, (unsigned)all_roles[i]));
		assert_false(access_role(&u, 0));
		assert_false(access_role(&u, ROLE_ANY & ~(unsigned)all_roles[i]));
		for (j = 0; j < NROLES; j++)
			assert_int_equal(access_role(&u, (unsigned)all_roles[j]), i == j);
	}
}

static void
test_role_mask_examples(void **state)
{
	struct user admin = mkuser(1, ROLE_ADMIN, 0, "");
	struct user editor = mkuser(2, ROLE_EDITOR, 0, "");
	struct user point = mkuser(3, ROLE_POINT, 7, "");

	assert_true(access_role(&admin, ROLE_ADMIN | ROLE_PROVINCE));
	assert_false(access_role(&editor, ROLE_ADMIN | ROLE_PROVINCE | ROLE_CITY));
	assert_true(access_role(&point, ROLE_POINT | ROLE_CITY));
	assert_false(access_role(&point, ROLE_ADMIN));
}

/* --- point scope --- */

static void
test_admin_and_province_reach_every_point(void **state)
{
	struct user a = mkuser(1, ROLE_ADMIN, 0, "");
	struct user p = mkuser(2, ROLE_PROVINCE, 0, "");

	assert_true(access_point(&a, ACCESS_READ, 5, "3301", false));
	assert_true(access_point(&a, ACCESS_WRITE, 5, "3302", false));
	assert_true(access_point(&a, ACCESS_WRITE, 9, NULL, true));
	assert_true(access_point(&p, ACCESS_READ, 5, "3301", false));
	assert_true(access_point(&p, ACCESS_WRITE, 6, "3311", true));
	assert_true(access_point(&p, ACCESS_WRITE, 6, NULL, false));
}

static void
test_city_reads_own_city_only(void **state)
{
	struct user c = mkuser(3, ROLE_CITY, 0, "3301");

	assert_true(access_point(&c, ACCESS_READ, 5, "3301", false));
	assert_true(access_point(&c, ACCESS_READ, 5, "3301", true));
	assert_false(access_point(&c, ACCESS_READ, 5, "3302", false));
	assert_false(access_point(&c, ACCESS_READ, 5, "330", false));
	assert_false(access_point(&c, ACCESS_READ, 5, "33011", false));
	assert_false(access_point(&c, ACCESS_READ, 5, "", false));
	assert_false(access_point(&c, ACCESS_READ, 5, NULL, false));
}

static void
test_city_never_writes(void **state)
{
	struct user c = mkuser(3, ROLE_CITY, 0, "3301");

	assert_false(access_point(&c, ACCESS_WRITE, 5, "3301", false));
	assert_false(access_point(&c, ACCESS_WRITE, 5, "3301", true));
}

static void
test_city_without_city_denied(void **state)
{
	struct user c = mkuser(3, ROLE_CITY, 0, "");

	assert_false(access_point(&c, ACCESS_READ, 5, "", false));
	assert_false(access_point(&c, ACCESS_READ, 5, "3301", false));
}

static void
test_point_reads_own_point(void **state)
{
	struct user u = mkuser(4, ROLE_POINT, 7, "3301");

	assert_true(access_point(&u, ACCESS_READ, 7, "3301", false));
	assert_true(access_point(&u, ACCESS_READ, 7, "3301", true));
}

static void
test_point_writes_own_data_only(void **state)
{
	struct user u = mkuser(4, ROLE_POINT, 7, "3301");

	assert_true(access_point(&u, ACCESS_WRITE, 7, "3301", true));
	assert_false(access_point(&u, ACCESS_WRITE, 7, "3301", false));
}

static void
test_point_never_another_point(void **state)
{
	struct user u = mkuser(4, ROLE_POINT, 7, "3301");

	/* same city does not matter */
	assert_false(access_point(&u, ACCESS_READ, 8, "3301", false));
	assert_false(access_point(&u, ACCESS_READ, 8, "3301", true));
	assert_false(access_point(&u, ACCESS_WRITE, 8, "3301", true));
}

static void
test_point_user_without_point_denied(void **state)
{
	struct user u = mkuser(4, ROLE_POINT, 0, "");

	assert_false(access_point(&u, ACCESS_READ, 7, "3301", false));
	assert_false(access_point(&u, ACCESS_READ, 0, "3301", false));
}

static void
test_editor_denied(void **state)
{
	struct user e = mkuser(5, ROLE_EDITOR, 7, "3301");

	assert_false(access_point(&e, ACCESS_READ, 7, "3301", false));
	assert_false(access_point(&e, ACCESS_READ, 7, "3301", true));
	assert_false(access_point(&e, ACCESS_WRITE, 7, "3301", true));
}

static void
test_nonpositive_point_denied(void **state)
{
	size_t i;
	struct user u;

	for (i = 0; i < NROLES; i++) {
		u = mkuser(1, all_roles[i], 0, "3301");
		assert_false(access_point(&u, ACCESS_READ, 0, "3301", true));
		assert_false(access_point(&u, ACCESS_READ, -1, "3301", true));
	}
}

static void
test_null_or_anonymous_user_denied(void **state)
{
	struct user u = mkuser(0, ROLE_ADMIN, 0, "");
	struct user none = mkuser(1, 0, 0, "3301");
	struct user two = mkuser(1, ROLE_ADMIN | ROLE_PROVINCE, 0, "");

	assert_false(access_point(NULL, ACCESS_READ, 5, "3301", false));
	assert_false(access_point(&u, ACCESS_READ, 5, "3301", false));
	assert_false(access_point(&none, ACCESS_READ, 5, "3301", false));
	assert_false(access_point(&two, ACCESS_READ, 5, "3301", false));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names),
		cmocka_unit_test(test_role_labels),
		cmocka_unit_test(test_role_round_trip),
		cmocka_unit_test(test_role_unknown),
		cmocka_unit_test(test_role_denied_without_id_or_role),
		cmocka_unit_test(test_role_combined_bits_denied),
		cmocka_unit_test(test_role_mask_per_role),
		cmocka_unit_test(test_role_mask_examples),
		cmocka_unit_test(test_admin_and_province_reach_every_point),
		cmocka_unit_test(test_city_reads_own_city_only),
		cmocka_unit_test(test_city_never_writes),
		cmocka_unit_test(test_city_without_city_denied),
		cmocka_unit_test(test_point_reads_own_point),
		cmocka_unit_test(test_point_writes_own_data_only),
		cmocka_unit_test(test_point_never_another_point),
		cmocka_unit_test(test_point_user_without_point_denied),
		cmocka_unit_test(test_editor_denied),
		cmocka_unit_test(test_nonpositive_point_denied),
		cmocka_unit_test(test_null_or_anonymous_user_denied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
