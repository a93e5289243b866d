/* yujing — unit tests: the login throttle's decision (throttle_decide);
 * the locking and counting around it are tested over HTTP
 * (tests/http/test_throttle.py). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "throttle.h"

static struct config cfg;

static int
setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.login_max_failures = 5;
	cfg.login_max_failures_addr = 30;
	cfg.login_window = 900;
	cfg.login_addr_delay = 10;
	return 0;
}

static void
test_under_the_limits_allowed(void **state)
{
	struct throttle t;

	(void)state;
	throttle_decide(&cfg, 0, 0, 0, &t);
	assert_int_equal(t.verdict, THROTTLE_ALLOW);
	assert_false(t.take_turn);
	throttle_decide(&cfg, 4, 29, 5000, &t);	/* a turn only counts past the limit */
	assert_int_equal(t.verdict, THROTTLE_ALLOW);
	assert_false(t.take_turn);
}

static void
test_account_limit_locks(void **state)
{
	struct throttle t;

	(void)state;
	throttle_decide(&cfg, 5, 0, 0, &t);
	assert_int_equal(t.verdict, THROTTLE_ACCOUNT);
	throttle_decide(&cfg, 6, 0, 0, &t);
	assert_int_equal(t.verdict, THROTTLE_ACCOUNT);
	/* the account wins over the address: the same answer for any account */
	throttle_decide(&cfg, 5, 40, -1, &t);
	assert_int_equal(t.verdict, THROTTLE_ACCOUNT);
	assert_false(t.take_turn);
}

static void
test_address_limit_slows_down(void **state)
{
	struct throttle t;

	(void)state;
	/* its turn has come: allowed, and it takes the turn */
	throttle_decide(&cfg, 0, 30, 0, &t);
	assert_int_equal(t.verdict, THROTTLE_ALLOW);
	assert_true(t.take_turn);
	throttle_decide(&cfg, 4, 1000, -20000, &t);
	assert_int_equal(t.verdict, THROTTLE_ALLOW);
	assert_true(t.take_turn);
	/* waiting: seconds rounded up, never 0 */
	throttle_decide(&cfg, 0, 30, 1, &t);
	assert_int_equal(t.verdict, THROTTLE_ADDRESS);
	assert_int_equal(t.retry_after, 1);
	throttle_decide(&cfg, 0, 31, 9001, &t);
	assert_int_equal(t.verdict, THROTTLE_ADDRESS);
	assert_int_equal(t.retry_after, 10);
	throttle_decide(&cfg, 0, 31, 10000, &t);
	assert_int_equal(t.retry_after, 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_under_the_limits_allowed, setup),
		cmocka_unit_test_setup(test_account_limit_locks, setup),
		cmocka_unit_test_setup(test_address_limit_slows_down, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
