/* yujing — unit tests: the configuration file (core/conf.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "conf.h"

/* A configuration file in /tmp, removed by the caller with unlink(). */
static void
write_conf(char path[32], const char *text)
{
	int fd;
	size_t len = strlen(text);

	strcpy(path, "/tmp/yujing-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Loads text as a configuration file; the file is gone afterwards. */
static int
load(struct config *c, const char *text, char path[32], char *err, size_t errsz)
{
	int rc;

	write_conf(path, text);
	err[0] = '\0';
	rc = config_load(c, path, err, errsz);
	assert_int_equal(unlink(path), 0);
	return rc;
}

/* err is "path:line: ..." and names what; c is freed. */
static void
assert_load_fails(const char *text, int line, const char *what)
{
	struct config c;
	char path[32], err[512], prefix[64];

	assert_int_equal(load(&c, text, path, err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
	assert_memory_equal(err, prefix, strlen(prefix));
	assert_non_null(strstr(err, what));
	config_free(&c);
}

/* --- defaults --- */

static void
test_defaults_when_keys_absent(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c, "", path, err, sizeof(err)), 0);
	assert_string_equal(c.path, path);
	assert_string_equal(c.listen, "/run/yujing/yujing.sock");
	assert_int_equal(c.listen_mode, 0660);
	assert_int_equal(c.threads, 4);
	assert_int_equal(c.backlog, 1024);
	assert_string_equal(c.db_socket, "/run/mysqld/mysqld.sock");
	assert_string_equal(c.db_host, "localhost");
	assert_int_equal(c.db_port, 3306);
	assert_string_equal(c.db_name, "yujing");
	assert_string_equal(c.db_user, "yujing");
	assert_string_equal(c.db_password, "");
	assert_int_equal(c.max_body, 1048576);
	assert_int_equal(c.max_attachment, 20 * 1024 * 1024);
	assert_string_equal(c.log_file, "");
	assert_int_equal(c.max_header, 16384);
	assert_int_equal(c.max_query, 4096);
	assert_int_equal(c.session_ttl, 28800);
	assert_true(c.cookie_secure);
	assert_int_equal(c.login_max_failures, 5);
	assert_int_equal(c.password_min_length, 8);
	config_free(&c);
}

static void
test_only_comments_and_blank_lines(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c, "# a comment\n\n   \n\t# indented = 5\n",
	    path, err, sizeof(err)), 0);
	assert_int_equal(c.threads, 4);
	config_free(&c);
}

/* --- values --- */

static void
test_values_with_spaces_and_comments(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c,
	    "# yujing\n"
	    "  threads   =   8  \n"
	    "\n"
	    "   # db_name = commented_out\n"
	    "db_name=yj_test\n"
	    "\tdb_user\t=\tclerk\t\n"
	    "listen = /tmp/yj.sock\n",
	    path, err, sizeof(err)), 0);
	assert_int_equal(c.threads, 8);
	assert_string_equal(c.db_name, "yj_test");
	assert_string_equal(c.db_user, "clerk");
	assert_string_equal(c.listen, "/tmp/yj.sock");
	config_free(&c);
}

static void
test_hash_inside_value_kept(void **state)
{
	struct config c;
	char path[32], err[256];

	/* only whole lines are comments: a password may contain '#' */
	assert_int_equal(load(&c, "db_password = s3cr#t = x\n", path, err, sizeof(err)), 0);
	assert_string_equal(c.db_password, "s3cr#t = x");
	config_free(&c);
}

static void
test_empty_string_value(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c, "db_socket =\n", path, err, sizeof(err)), 0);
	assert_string_equal(c.db_socket, "");
	config_free(&c);
}

static void
test_last_line_without_newline(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c, "backlog = 64", path, err, sizeof(err)), 0);
	assert_int_equal(c.backlog, 64);
	config_free(&c);
}

static void
test_sizes_with_suffixes(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c,
	    "max_body = 2M\nmax_header = 32k\nmax_query = 1K\n",
	    path, err, sizeof(err)), 0);
	assert_int_equal(c.max_body, 2 * 1024 * 1024);
	assert_int_equal(c.max_header, 32 * 1024);
	assert_int_equal(c.max_query, 1024);
	config_free(&c);

	assert_int_equal(load(&c, "max_body = 4096\nmax_header = 1m\n",
	    path, err, sizeof(err)), 0);
	assert_int_equal(c.max_body, 4096);
	assert_int_equal(c.max_header, 1024 * 1024);
	config_free(&c);
}

static void
test_bad_size_suffix_refused(void **state)
{
	assert_load_fails("max_body = 2G\n", 1, "max_body");
	assert_load_fails("max_body = 2MB\n", 1, "max_body");
	assert_load_fails("max_body = M\n", 1, "max_body");
	assert_load_fails("max_body = 2 M\n", 1, "max_body");
}

static void
test_size_suffix_overflow_refused(void **state)
{
	/* 17592186044417 * 2^20 wraps a 64-bit integer to 2^20. */
	assert_load_fails("max_body = 17592186044417M\n", 1, "max_body");
	assert_load_fails("max_body = 9223372036854775807k\n", 1, "max_body");
}

static void
test_size_out_of_range_after_suffix(void **state)
{
	/* max_header is at most 1M */
	assert_load_fails("max_header = 2M\n", 1, "between 1024 and 1048576");
}

static void
test_booleans(void **state)
{
	static const struct { const char *text; bool want; } cases[] = {
		{ "cookie_secure = off\n", false },
		{ "cookie_secure = on\n", true },
		{ "cookie_secure = no\n", false },
		{ "cookie_secure = yes\n", true },
	};
	struct config c;
	char path[32], err[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(load(&c, cases[i].text, path, err, sizeof(err)), 0);
		assert_int_equal(c.cookie_secure, cases[i].want);
		config_free(&c);
	}
}

static void
test_bad_boolean_refused(void **state)
{
	assert_load_fails("cookie_secure = maybe\n", 1, "cookie_secure");
	assert_load_fails("\ncookie_secure = 2\n", 2, "expected on or off");
}

static void
test_octal_listen_mode(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c, "listen_mode = 0600\n", path, err, sizeof(err)), 0);
	assert_int_equal(c.listen_mode, 0600);
	assert_int_equal(c.listen_mode, 384);
	config_free(&c);
	assert_int_equal(load(&c, "listen_mode = 0666\n", path, err, sizeof(err)), 0);
	assert_int_equal(c.listen_mode, 0666);
	config_free(&c);
}

static void
test_non_octal_listen_mode_refused(void **state)
{
	assert_load_fails("listen_mode = 0800\n", 1, "listen_mode");
	assert_load_fails("listen_mode = 010000\n", 1, "listen_mode");
}

/* --- errors --- */

static void
test_unknown_key_refused(void **state)
{
	assert_load_fails("threads = 2\n# x\ncolour = red\n", 3, "unknown key \"colour\"");
}

static void
test_bad_number_refused(void **state)
{
	assert_load_fails("threads = four\n", 1, "threads: \"four\"");
	assert_load_fails("\n\nthreads = 4x\n", 3, "threads: \"4x\"");
	assert_load_fails("db_port = \n", 1, "db_port");
}

static void
test_out_of_range_refused(void **state)
{
	assert_load_fails("threads = 0\n", 1, "between 1 and 256");
	assert_load_fails("threads = 257\n", 1, "between 1 and 256");
	assert_load_fails("threads = -1\n", 1, "threads");
	assert_load_fails("max_body = 512\n", 1, "max_body");
	assert_load_fails("threads = 99999999999999999999\n", 1, "threads");
}

static void
test_line_without_equals_refused(void **state)
{
	assert_load_fails("threads = 4\nthreads 8\n", 2, "key = value");
}

static void
test_line_too_long_refused(void **state)
{
	char *text;

	text = malloc(6000);
	assert_non_null(text);
	memcpy(text, "db_password = ", 14);
	memset(text + 14, 'p', 5000);
	strcpy(text + 5014, "\n");
	assert_load_fails(text, 1, "too long");
	free(text);
}

static void
test_empty_listen_refused(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c, "listen =\n", path, err, sizeof(err)), -1);
	assert_memory_equal(err, path, strlen(path));
	assert_non_null(strstr(err, "listen"));
	config_free(&c);
}

static void
test_missing_file_refused(void **state)
{
	struct config c;
	char path[32], err[256];

	/* a name that surely does not exist: made, then removed */
	write_conf(path, "");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	assert_memory_equal(err, path, strlen(path));
	assert_int_equal(err[strlen(path)], ':');
	assert_non_null(strstr(err, "No such file"));
	config_free(&c);
}

/* --- dump --- */

static void
collect(const char *line, void *arg)
{
	struct buf *b = arg;

	buf_puts(b, line);
	buf_puts(b, "\n");
}

static void
test_dump_defaults(void **state)
{
	struct config c;
	struct buf b = { 0 };
	char path[32], err[256];

	assert_int_equal(load(&c, "", path, err, sizeof(err)), 0);
	config_dump(&c, collect, &b);
	assert_non_null(b.data);
	assert_non_null(strstr(b.data, "\nthreads = 4\n"));
	assert_non_null(strstr(b.data, "\nlisten_mode = 0660\n"));
	assert_non_null(strstr(b.data, "\nmax_body = 1048576\n"));
	assert_non_null(strstr(b.data, "\ncookie_secure = on\n"));
	assert_non_null(strstr(b.data, "\ndb_password = \n"));
	assert_memory_equal(b.data, "listen = /run/yujing/yujing.sock\n", 33);
	buf_free(&b);
	config_free(&c);
}

static void
test_dump_hides_password(void **state)
{
	struct config c;
	struct buf b = { 0 };
	char path[32], err[256];

	assert_int_equal(load(&c, "db_password = hunter2\nthreads = 12\n",
	    path, err, sizeof(err)), 0);
	config_dump(&c, collect, &b);
	assert_non_null(strstr(b.data, "\ndb_password = (set)\n"));
	assert_null(strstr(b.data, "hunter2"));
	assert_non_null(strstr(b.data, "\nthreads = 12\n"));
	buf_free(&b);
	config_free(&c);
}

static void
test_dump_reloads_to_same_values(void **state)
{
	struct config c, d;
	struct buf b = { 0 };
	char path[32], err[256];

	assert_int_equal(load(&c,
	    "listen = :9000\nlisten_mode = 0600\nthreads = 16\nmax_body = 2M\n"
	    "cookie_secure = off\ndb_socket =\n", path, err, sizeof(err)), 0);
	config_dump(&c, collect, &b);
	assert_int_equal(load(&d, b.data, path, err, sizeof(err)), 0);
	assert_string_equal(d.listen, ":9000");
	assert_int_equal(d.listen_mode, 0600);
	assert_int_equal(d.threads, 16);
	assert_int_equal(d.max_body, 2 * 1024 * 1024);
	assert_false(d.cookie_secure);
	assert_string_equal(d.db_socket, "");
	buf_free(&b);
	config_free(&c);
	config_free(&d);
}

static void
test_free_twice_is_harmless(void **state)
{
	struct config c;
	char path[32], err[256];

	assert_int_equal(load(&c, "db_host = db.example\n", path, err, sizeof(err)), 0);
	assert_string_equal(c.db_host, "db.example");
	config_free(&c);
	assert_null(c.db_host);
	assert_null(c.path);
	config_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_when_keys_absent),
		cmocka_unit_test(test_only_comments_and_blank_lines),
		cmocka_unit_test(test_values_with_spaces_and_comments),
		cmocka_unit_test(test_hash_inside_value_kept),
		cmocka_unit_test(test_empty_string_value),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_sizes_with_suffixes),
		cmocka_unit_test(test_bad_size_suffix_refused),
		cmocka_unit_test(test_size_suffix_overflow_refused),
		cmocka_unit_test(test_size_out_of_range_after_suffix),
		cmocka_unit_test(test_booleans),
		cmocka_unit_test(test_bad_boolean_refused),
		cmocka_unit_test(test_octal_listen_mode),
		cmocka_unit_test(test_non_octal_listen_mode_refused),
		cmocka_unit_test(test_unknown_key_refused),
		cmocka_unit_test(test_bad_number_refused),
		cmocka_unit_test(test_out_of_range_refused),
		cmocka_unit_test(test_line_without_equals_refused),
		cmocka_unit_test(test_line_too_long_refused),
		cmocka_unit_test(test_empty_listen_refused),
		cmocka_unit_test(test_missing_file_refused),
		cmocka_unit_test(test_dump_defaults),
		cmocka_unit_test(test_dump_hides_password),
		cmocka_unit_test(test_dump_reloads_to_same_values),
		cmocka_unit_test(test_free_twice_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
