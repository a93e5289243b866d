/* yujing — unit tests: the pure parts of the lifecycle (core/lifecycle.h):
 * the transition table over every state × action × role × level, who owns
 * and who sees an item, the next level of a chain; and the clock
 * (core/clock.h) at a year boundary. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "access.h"
#include "clock.h"
#include "lifecycle.h"

#define HZ "330100"
#define LS "331100"

static const int roles[] = { ROLE_ADMIN, ROLE_PROVINCE, ROLE_CITY, ROLE_POINT, ROLE_EDITOR };
#define NROLES (sizeof(roles) / sizeof(roles[0]))

/* An actor of each role: the city of 杭州, point 7 (of 杭州). */
static struct actor
mk(int role, const char *city, long long point)
{
	struct user u;

	memset(&u, 0, sizeof(u));
	u.id = 1;
	snprintf(u.username, sizeof(u.username), "t");
	u.role = role;
	u.point_id = point;
	snprintf(u.city, sizeof(u.city), "%s", city ? city : "");
	return actor_user(&u, "127.0.0.1", "r");
}

static struct actor
actor_of_role(int role)
{
	switch (role) {
	case ROLE_CITY:		return mk(ROLE_CITY, HZ, 0);
	case ROLE_POINT:	return mk(ROLE_POINT, NULL, 7);
	default:		return mk(role, NULL, 0);
	}
}

/* A point item of point 7 in 杭州 at a level. */
static struct lc_item
point_item(int state, const char *level)
{
	struct lc_item it = { state, 7, HZ, "point", level, false };

	return it;
}

/* --- the table, against the rules as the README states them --- */

static void
test_table_every_case(void **st)
{
	static const char *const levels[] = { NULL, "city", "province" };
	struct outcome	 o;
	struct actor	 a;
	struct lc_item	 it;
	size_t		 r, l;
	int		 s, act, rc, last;
	size_t		 cases = 0;

	(void)st;
	for (s = 0; s < LC_NSTATES; s++)
		for (act = 0; act < LC_NACTIONS; act++)
			for (r = 0; r < NROLES; r++)
				for (l = 0; l < 3; l++)
					for (last = 0; last < 2; last++) {
		bool owner, holds, ok;
		enum outcome_kind want = OUT_OK;
		const char *want_field = "";

		a = actor_of_role(roles[r]);
		it = point_item(s, s == LC_SUBMITTED ? levels[l] : NULL);
		owner = roles[r] == ROLE_POINT;
		holds = s == LC_SUBMITTED && ((l == 1 && roles[r] == ROLE_CITY) ||
		    (l == 2 && roles[r] == ROLE_PROVINCE));
		switch (act) {
		case LC_UPDATE: case LC_ATTACH: case LC_SUBMIT:
			ok = s == LC_DRAFT || s == LC_RETURNED;
			if (!owner)
				want = OUT_FORBIDDEN;
			else if (!ok)
				want = OUT_CONFLICT, want_field = "state";
			break;
		case LC_WITHDRAW:
			if (!owner)
				want = OUT_FORBIDDEN;
			else if (s != LC_SUBMITTED)
				want = OUT_CONFLICT, want_field = "state";
			break;
		case LC_PASS: case LC_RETURN: case LC_REJECT:
			if (s != LC_SUBMITTED)
				want = OUT_CONFLICT, want_field = "state";
			else if (!holds)
				want = OUT_FORBIDDEN;
			break;
		case LC_REVERT:
			ok = roles[r] == ROLE_PROVINCE && last &&
			    (s == LC_RETURNED || s == LC_REJECTED || s == LC_APPROVED);
			if (!ok)
				want = OUT_CONFLICT, want_field = "decision";
			break;
		}
		memset(&o, 0, sizeof(o));
		rc = lc_may(&a, &it, (enum lc_action)act, last != 0, &o);
		if (want == OUT_OK) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(o.kind, want);
			assert_string_equal(o.field, want_field);
			assert_true(o.message[0] != '\0');
		}
		cases++;
	}
	assert_int_equal(cases, LC_NSTATES * LC_NACTIONS * NROLES * 3 * 2);
}

static void
test_table_other_city_does_not_hold(void **st)
{
	struct actor	 lishui = mk(ROLE_CITY, LS, 0), hz = mk(ROLE_CITY, HZ, 0);
	struct actor	 prov = mk(ROLE_PROVINCE, NULL, 0);
	struct lc_item	 at_city = point_item(LC_SUBMITTED, "city");
	struct lc_item	 at_prov = point_item(LC_SUBMITTED, "province");
	struct outcome	 o;

	(void)st;
	assert_int_equal(lc_may(&lishui, &at_city, LC_PASS, false, &o), -1);
	assert_int_equal(o.kind, OUT_FORBIDDEN);
	assert_string_equal(o.message, "该信息当前不在您的审核环节");
	assert_int_equal(lc_may(&hz, &at_city, LC_PASS, false, &o), 0);
	assert_int_equal(lc_may(&prov, &at_city, LC_RETURN, false, &o), -1);
	assert_int_equal(lc_may(&hz, &at_prov, LC_REJECT, false, &o), -1);
	assert_int_equal(lc_may(&prov, &at_prov, LC_REJECT, false, &o), 0);
	/* The system in the province's stead holds what the province holds. */
	{
		struct actor sys = actor_system(ROLE_PROVINCE, NULL, 0);

		assert_int_equal(lc_may(&sys, &at_prov, LC_PASS, false, &o), 0);
		assert_int_equal(lc_may(&sys, &at_city, LC_PASS, false, &o), -1);
	}
}

static void
test_table_names(void **st)
{
	int i;

	(void)st;
	for (i = 0; i < LC_NSTATES; i++)
		assert_int_equal(lc_state_parse(lc_state_name((enum lc_state)i)), i);
	assert_int_equal(lc_state_parse("published"), -1);
	assert_int_equal(lc_state_parse(NULL), -1);
	assert_int_equal(lc_decision_parse("pass"), LC_PASS);
	assert_int_equal(lc_decision_parse("return"), LC_RETURN);
	assert_int_equal(lc_decision_parse("reject"), LC_REJECT);
	assert_int_equal(lc_decision_parse("revert"), LC_REVERT);
	assert_int_equal(lc_decision_parse("submit"), -1);	/* not a decision */
	assert_int_equal(lc_decision_parse("withdraw"), -1);
	assert_int_equal(lc_decision_parse(""), -1);
	/* Every transition starts from some state, none from nowhere. */
	for (i = 0; i < LC_NACTIONS; i++) {
		assert_true(lc_transitions[i].from != 0);
		assert_true(lc_transitions[i].from < (1u << LC_NSTATES));
	}
}

/* --- ownership and visibility --- */

static void
test_owner(void **st)
{
	struct actor	 p7 = mk(ROLE_POINT, NULL, 7), p8 = mk(ROLE_POINT, NULL, 8);
	struct actor	 hz = mk(ROLE_CITY, HZ, 0), ls = mk(ROLE_CITY, LS, 0);
	struct actor	 prov = mk(ROLE_PROVINCE, NULL, 0), adm = mk(ROLE_ADMIN, NULL, 0);
	struct lc_item	 pi = point_item(LC_DRAFT, NULL);
	struct lc_item	 ci = { LC_DRAFT, 0, HZ, "city", NULL, false };
	struct lc_item	 vi = { LC_DRAFT, 0, NULL, "province", NULL, false };

	(void)st;
	assert_true(lc_owner(&p7, &pi));
	assert_false(lc_owner(&p8, &pi));
	assert_false(lc_owner(&hz, &pi));	/* the city reviews, it does not own */
	assert_true(lc_owner(&hz, &ci));
	assert_false(lc_owner(&ls, &ci));
	assert_true(lc_owner(&prov, &vi));
	assert_false(lc_owner(&prov, &ci));
	assert_false(lc_owner(&adm, &vi));
}

static void
test_visible(void **st)
{
	struct actor	 p7 = mk(ROLE_POINT, NULL, 7), p8 = mk(ROLE_POINT, NULL, 8);
	struct actor	 hz = mk(ROLE_CITY, HZ, 0), ls = mk(ROLE_CITY, LS, 0);
	struct actor	 prov = mk(ROLE_PROVINCE, NULL, 0), adm = mk(ROLE_ADMIN, NULL, 0);
	struct actor	 ed = mk(ROLE_EDITOR, NULL, 0);
	struct lc_item	 it;
	int		 s;

	(void)st;
	/* A point's draft: only the point. */
	it = point_item(LC_DRAFT, NULL);
	assert_true(lc_visible(&p7, &it));
	assert_false(lc_visible(&p8, &it));
	assert_false(lc_visible(&hz, &it));
	assert_false(lc_visible(&prov, &it));
	assert_false(lc_visible(&adm, &it));
	assert_false(lc_visible(&ed, &it));
	/* Past the draft: its city, province, admin; never another city or
	 * point; the editor only what went to the magazine. */
	for (s = LC_SUBMITTED; s < LC_NSTATES; s++) {
		it = point_item(s, s == LC_SUBMITTED ? "city" : NULL);
		assert_true(lc_visible(&p7, &it));
		assert_false(lc_visible(&p8, &it));
		assert_true(lc_visible(&hz, &it));
		assert_false(lc_visible(&ls, &it));
		assert_true(lc_visible(&prov, &it));
		assert_true(lc_visible(&adm, &it));
		assert_false(lc_visible(&ed, &it));
		it.in_magazine = true;
		assert_true(lc_visible(&ed, &it));
	}
	/* A city's own draft: that city only; the province's own: the
	 * province only. */
	it = (struct lc_item){ LC_DRAFT, 0, HZ, "city", NULL, false };
	assert_true(lc_visible(&hz, &it));
	assert_false(lc_visible(&ls, &it));
	assert_false(lc_visible(&prov, &it));
	it = (struct lc_item){ LC_DRAFT, 0, NULL, "province", NULL, false };
	assert_true(lc_visible(&prov, &it));
	assert_false(lc_visible(&adm, &it));
	assert_false(lc_visible(&hz, &it));
}

static void
test_next_level(void **st)
{
	char out[16];

	(void)st;
	lc_next_level("city,province", "city", out);
	assert_string_equal(out, "province");
	lc_next_level("city,province", "province", out);
	assert_string_equal(out, "");
	lc_next_level("province", "province", out);
	assert_string_equal(out, "");
	lc_next_level("", "city", out);
	assert_string_equal(out, "");
	lc_next_level("city,province", NULL, out);
	assert_string_equal(out, "");
	lc_next_level("district,city,province", "city", out);
	assert_string_equal(out, "province");
}

/* --- the clock --- */

static void
test_clock_year_boundary(void **st)
{
	char	 text[CLOCK_TEXT_SIZE], iso[32];
	time_t	 t;

	(void)st;
	assert_int_equal(clock_parse("2020-12-31 23:59:59", &t), 0);
	clock_set(t);
	assert_int_equal(clock_year(), 2020);
	clock_text(text);
	assert_string_equal(text, "2020-12-31 23:59:59");
	clock_set(t + 1);
	assert_int_equal(clock_year(), 2021);
	clock_text(text);
	assert_string_equal(text, "2021-01-01 00:00:00");
	clock_iso(iso);
	assert_string_equal(iso, "2021-01-01T00:00:00+08:00");
	/* Beijing midnight is 16:00 UTC the day before. */
	assert_int_equal((long long)clock_now(), 1609430400LL);
	assert_int_equal(clock_parse("2019-02-29 00:00:00", &t), -1);
	assert_int_equal(clock_parse("2020-02-29T12:00:00", &t), 0);
	assert_int_equal(clock_parse("2020-13-01 00:00:00", &t), -1);
	assert_int_equal(clock_parse("2020-01-01", &t), -1);
	assert_int_equal(clock_parse(NULL, &t), -1);
	clock_reset();
	assert_true(clock_year() >= 2024);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_every_case),
		cmocka_unit_test(test_table_other_city_does_not_hold),
		cmocka_unit_test(test_table_names),
		cmocka_unit_test(test_owner),
		cmocka_unit_test(test_visible),
		cmocka_unit_test(test_next_level),
		cmocka_unit_test(test_clock_year_boundary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
