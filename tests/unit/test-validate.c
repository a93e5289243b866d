/* yujing — unit tests: field tables, paging and boolean query parameters
 * (core/validate.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "validate.h"

static const char *
no_digits(const char *s)
{
	return strpbrk(s, "0123456789") ? "不能含有数字" : NULL;
}

enum { F_TITLE, F_COUNT, F_URGENT, F_NOTE, F_CODE, NFIELDS };

static const struct vfield fields[NFIELDS] = {
	[F_TITLE]  = { "title",  "标题", VT_STRING, VF_REQUIRED, 0, 10, NULL },
	[F_COUNT]  = { "count",  "数量", VT_INT,    0,           1, 100, NULL },
	[F_URGENT] = { "urgent", "紧急", VT_BOOL,   0,           0, 0, NULL },
	[F_NOTE]   = { "note",   "备注", VT_STRING, VF_NULLABLE, 0, 20, no_digits },
	[F_CODE]   = { "code",   "代码", VT_STRING, 0,           2, 6, NULL },
};

/* The error written into r: status, code, field, and (when message is not
 * NULL) the exact message. */
static void
assert_error(const struct req *r, int status, const char *code,
    const char *field, const char *message)
{
	json_t		*root, *err;
	json_error_t	 je;

	assert_int_equal(r->status, status);
	root = json_loadb(r->out.data, r->out.len, 0, &je);
	assert_non_null(root);
	err = json_object_get(root, "error");
	assert_string_equal(json_string_value(json_object_get(err, "code")), code);
	assert_string_equal(json_string_value(json_object_get(err, "field")), field);
	if (message != NULL)
		assert_string_equal(json_string_value(json_object_get(err, "message")), message);
	json_decref(root);
}

/* Validates obj (stolen) against the field table. */
static int
run(struct req *r, json_t *obj, struct vval *out)
{
	int rc;

	memset(r, 0, sizeof(*r));
	r->json = obj;	/* freed with the request */
	assert_non_null(obj);
	rc = validate_object(r, r->json, fields, NFIELDS, out);
	if (rc == 0)
		assert_int_equal(r->status, 0);
	return rc;
}

/* --- objects --- */

static void
test_all_fields_filled(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:i, s:b, s:s, s:s}",
	    "title", "预警", "count", 5, "urgent", 1, "note", "正常", "code", "ab"), v), 0);
	assert_true(v[F_TITLE].present);
	assert_false(v[F_TITLE].null);
	assert_string_equal(v[F_TITLE].s, "预警");
	assert_true(v[F_COUNT].present);
	assert_int_equal(v[F_COUNT].i, 5);
	assert_true(v[F_URGENT].present);
	assert_true(v[F_URGENT].b);
	assert_string_equal(v[F_NOTE].s, "正常");
	assert_string_equal(v[F_CODE].s, "ab");
	http_req_free(&r);
}

static void
test_optional_fields_absent(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	memset(v, 0x5a, sizeof(v));
	assert_int_equal(run(&r, json_pack("{s:s}", "title", "t"), v), 0);
	assert_true(v[F_TITLE].present);
	assert_false(v[F_COUNT].present);
	assert_int_equal(v[F_COUNT].i, 0);
	assert_false(v[F_URGENT].present);
	assert_false(v[F_URGENT].b);
	assert_false(v[F_NOTE].present);
	assert_null(v[F_NOTE].s);
	assert_false(v[F_CODE].present);
	http_req_free(&r);
}

static void
test_string_ten_chinese_chars_pass(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s}", "title", "一二三四五六七八九十"), v), 0);
	assert_string_equal(v[F_TITLE].s, "一二三四五六七八九十");
	http_req_free(&r);
}

static void
test_string_eleven_chinese_chars_fail(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s}", "title", "一二三四五六七八九十一"), v), -1);
	assert_error(&r, 400, "invalid", "title", "标题不能超过 10 个字");
	http_req_free(&r);
}

static void
test_string_length_counts_ascii_too(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s}", "title", "abcdefghij"), v), 0);
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s}", "title", "abcdefghijk"), v), -1);
	assert_error(&r, 400, "invalid", "title", NULL);
	http_req_free(&r);
}

static void
test_string_below_min_fails(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:s}", "title", "t", "code", "a"), v), -1);
	assert_error(&r, 400, "invalid", "code", "代码至少需要 2 个字");
	http_req_free(&r);
}

static void
test_optional_empty_string_passes(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	/* the check does not apply to an empty optional field */
	assert_int_equal(run(&r, json_pack("{s:s, s:s}", "title", "t", "note", ""), v), 0);
	assert_true(v[F_NOTE].present);
	assert_string_equal(v[F_NOTE].s, "");
	http_req_free(&r);
}

static void
test_optional_empty_string_below_min_fails(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	/* a field with a minimum length cannot be empty, even when optional */
	assert_int_equal(run(&r, json_pack("{s:s, s:s}", "title", "t", "code", ""), v), -1);
	assert_error(&r, 400, "invalid", "code", "代码不能为空");
	http_req_free(&r);
}

static void
test_missing_required_invalid(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:i}", "count", 3), v), -1);
	assert_error(&r, 400, "invalid", "title", "标题不能为空");
	http_req_free(&r);
}

static void
test_empty_required_invalid(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s}", "title", ""), v), -1);
	assert_error(&r, 400, "invalid", "title", "标题不能为空");
	http_req_free(&r);
}

static void
test_null_required_invalid(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:n}", "title"), v), -1);
	assert_error(&r, 400, "invalid", "title", "标题不能为空");
	http_req_free(&r);
}

static void
test_wrong_type_string_bad_request(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:i}", "title", 5), v), -1);
	assert_error(&r, 400, "bad_request", "title", "标题应为字符串");
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:[s]}", "title", "x"), v), -1);
	assert_error(&r, 400, "bad_request", "title", NULL);
	http_req_free(&r);
}

static void
test_wrong_type_int_bad_request(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:s}", "title", "t", "count", "5"), v), -1);
	assert_error(&r, 400, "bad_request", "count", "数量应为整数");
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s, s:f}", "title", "t", "count", 5.0), v), -1);
	assert_error(&r, 400, "bad_request", "count", NULL);
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s, s:b}", "title", "t", "count", 1), v), -1);
	assert_error(&r, 400, "bad_request", "count", NULL);
	http_req_free(&r);
}

static void
test_wrong_type_bool_bad_request(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:s}", "title", "t", "urgent", "true"), v), -1);
	assert_error(&r, 400, "bad_request", "urgent", "紧急应为 true 或 false");
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s, s:i}", "title", "t", "urgent", 1), v), -1);
	assert_error(&r, 400, "bad_request", "urgent", NULL);
	http_req_free(&r);
}

static void
test_bool_false_read(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:b}", "title", "t", "urgent", 0), v), 0);
	assert_true(v[F_URGENT].present);
	assert_false(v[F_URGENT].b);
	http_req_free(&r);
}

static void
test_int_range(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:i}", "title", "t", "count", 1), v), 0);
	assert_int_equal(v[F_COUNT].i, 1);
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s, s:i}", "title", "t", "count", 100), v), 0);
	assert_int_equal(v[F_COUNT].i, 100);
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s, s:i}", "title", "t", "count", 0), v), -1);
	assert_error(&r, 400, "invalid", "count", "数量须在 1 到 100 之间");
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s, s:I}", "title", "t", "count",
	    (json_int_t)101), v), -1);
	assert_error(&r, 400, "invalid", "count", NULL);
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s, s:I}", "title", "t", "count",
	    (json_int_t)-100), v), -1);
	assert_error(&r, 400, "invalid", "count", NULL);
	http_req_free(&r);
}

static void
test_nullable_null_reported(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:n}", "title", "t", "note"), v), 0);
	assert_true(v[F_NOTE].present);
	assert_true(v[F_NOTE].null);
	assert_null(v[F_NOTE].s);
	http_req_free(&r);
}

static void
test_null_on_optional_not_nullable_is_absent(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:n}", "title", "t", "count"), v), 0);
	assert_false(v[F_COUNT].present);
	assert_false(v[F_COUNT].null);
	http_req_free(&r);
}

static void
test_check_message_used(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:s}", "title", "t", "note", "第3条"), v), -1);
	assert_error(&r, 400, "invalid", "note", "备注不能含有数字");
	http_req_free(&r);
	assert_int_equal(run(&r, json_pack("{s:s, s:s}", "title", "t", "note", "第三条"), v), 0);
	assert_string_equal(v[F_NOTE].s, "第三条");
	http_req_free(&r);
}

static void
test_embedded_nul_bad_request(void **state)
{
	struct req r;
	struct vval v[NFIELDS];
	json_t *obj = json_object();

	json_object_set_new(obj, "title", json_stringn("a\0b", 3));
	assert_int_equal(run(&r, obj, v), -1);
	assert_error(&r, 400, "bad_request", "title", NULL);
	http_req_free(&r);
}

static void
test_first_failing_field_reported(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	/* count and urgent are both wrong: the table order decides */
	assert_int_equal(run(&r, json_pack("{s:s, s:i, s:s}", "title", "t",
	    "count", 0, "urgent", "x"), v), -1);
	assert_error(&r, 400, "invalid", "count", NULL);
	http_req_free(&r);
}

static void
test_unknown_keys_ignored(void **state)
{
	struct req r;
	struct vval v[NFIELDS];

	assert_int_equal(run(&r, json_pack("{s:s, s:s}", "title", "t", "extra", "x"), v), 0);
	assert_string_equal(v[F_TITLE].s, "t");
	http_req_free(&r);
}

/* --- query parameters --- */

/* Sets the request's query from key, value pairs ending with NULL, owned
 * as http_parse owns them (freed by http_req_free). */
static void
set_query(struct req *r, ...)
{
	va_list ap;
	const char *k, *v;

	memset(r, 0, sizeof(*r));
	va_start(ap, r);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		r->query = realloc(r->query, (r->nquery + 1) * sizeof(*r->query));
		assert_non_null(r->query);
		r->query[r->nquery].key = strdup(k);
		r->query[r->nquery].val = strdup(v);
		r->nquery++;
	}
	va_end(ap);
}

static void
test_paging_defaults(void **state)
{
	struct req r;
	long long page = -7, per = -7;

	set_query(&r, NULL);
	assert_int_equal(validate_paging(&r, &page, &per), 0);
	assert_int_equal(page, 1);
	assert_int_equal(per, 20);
	assert_int_equal(r.status, 0);
	http_req_free(&r);

	set_query(&r, "page", "", "per_page", "", NULL);
	assert_int_equal(validate_paging(&r, &page, &per), 0);
	assert_int_equal(page, 1);
	assert_int_equal(per, 20);
	http_req_free(&r);
}

static void
test_paging_values_read(void **state)
{
	struct req r;
	long long page = 0, per = 0;

	set_query(&r, "q", "x", "per_page", "200", "page", "3", NULL);
	assert_int_equal(validate_paging(&r, &page, &per), 0);
	assert_int_equal(page, 3);
	assert_int_equal(per, 200);
	http_req_free(&r);
}

static void
test_paging_per_page_over_max(void **state)
{
	struct req r;
	long long page = 0, per = 0;

	set_query(&r, "per_page", "201", NULL);
	assert_int_equal(validate_paging(&r, &page, &per), -1);
	assert_error(&r, 400, "invalid", "per_page", NULL);
	http_req_free(&r);

	set_query(&r, "per_page", "0", NULL);
	assert_int_equal(validate_paging(&r, &page, &per), -1);
	assert_error(&r, 400, "invalid", "per_page", NULL);
	http_req_free(&r);
}

static void
test_paging_page_zero(void **state)
{
	struct req r;
	long long page = 0, per = 0;

	set_query(&r, "page", "0", NULL);
	assert_int_equal(validate_paging(&r, &page, &per), -1);
	assert_error(&r, 400, "invalid", "page", NULL);
	http_req_free(&r);

	set_query(&r, "page", "-2", NULL);
	assert_int_equal(validate_paging(&r, &page, &per), -1);
	assert_error(&r, 400, "invalid", "page", NULL);
	http_req_free(&r);
}

static void
test_paging_non_numeric(void **state)
{
	static const char *bad[] = { "abc", "2x", "1.5", "0x10", "99999999999999999999" };
	struct req r;
	long long page = 0, per = 0;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_query(&r, "page", bad[i], NULL);
		assert_int_equal(validate_paging(&r, &page, &per), -1);
		assert_error(&r, 400, "invalid", "page", NULL);
		http_req_free(&r);
	}
	set_query(&r, "per_page", "ten", NULL);
	assert_int_equal(validate_paging(&r, &page, &per), -1);
	assert_error(&r, 400, "invalid", "per_page", NULL);
	http_req_free(&r);
}

static void
test_query_bool_absent(void **state)
{
	struct req r;

	set_query(&r, "other", "1", NULL);
	assert_int_equal(validate_query_bool(&r, "closed", "已关闭"), -1);
	assert_int_equal(r.status, 0);
	http_req_free(&r);
	set_query(&r, "closed", "", NULL);
	assert_int_equal(validate_query_bool(&r, "closed", "已关闭"), -1);
	http_req_free(&r);
}

static void
test_query_bool_values(void **state)
{
	static const struct { const char *s; int want; } cases[] = {
		{ "true", 1 }, { "1", 1 }, { "false", 0 }, { "0", 0 },
	};
	struct req r;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_query(&r, "closed", cases[i].s, NULL);
		assert_int_equal(validate_query_bool(&r, "closed", "已关闭"), cases[i].want);
		assert_int_equal(r.status, 0);
		http_req_free(&r);
	}
}

static void
test_query_bool_invalid(void **state)
{
	struct req r;

	set_query(&r, "closed", "maybe", NULL);
	assert_int_equal(validate_query_bool(&r, "closed", "已关闭"), -2);
	assert_error(&r, 400, "invalid", "closed", "已关闭须为 true 或 false");
	http_req_free(&r);
	set_query(&r, "closed", "TRUE", NULL);
	assert_int_equal(validate_query_bool(&r, "closed", "已关闭"), -2);
	http_req_free(&r);
}

/* Attachment file names (validate_file_name). */
static void
test_file_name_accepted(void **state)
{
	(void)state;
	assert_null(validate_file_name("中文 名字.pdf"));
	assert_null(validate_file_name("report-2019_v2 (final).docx"));
	assert_null(validate_file_name("\xf0\x9f\x93\x8e 附件.txt"));	/* U+1F4CE, 4 bytes */
	assert_null(validate_file_name("a\xc2\xa0" "b.txt"));		/* no-break space */
	assert_null(validate_file_name("\xd8\xb9\xd8\xb1\xd8\xa8\xd9\x8a.pdf"));	/* Arabic letters */
	assert_null(validate_file_name("...x"));
}

static void
test_file_name_invisible_refused(void **state)
{
	static const char *bad[] = {
		"a\tb.txt", "a\nb.txt", "a\rb", "a\x01" "b", "a\x1f" "b", "a\x7f" "b",
		"a\xc2\x80" "b", "a\xc2\x85" "b.txt", "a\xc2\x9f" "b",	/* C1, NEL */
		"a\xe2\x80\xa8" "b", "a\xe2\x80\xa9" "b",		/* U+2028, U+2029 */
		"a\xe2\x80\xaa" "b", "a\xe2\x80\xab" "b", "a\xe2\x80\xac" "b",
		"a\xe2\x80\xad" "b", "a\xe2\x80\xae" "txt.exe",		/* U+202A–202E */
		"a\xe2\x81\xa6" "b", "a\xe2\x81\xa7" "b", "a\xe2\x81\xa8" "b",
		"a\xe2\x81\xa9" "b",					/* U+2066–2069 */
		"\xef\xbb\xbf" "a.txt", "a\xef\xbb\xbf" ".txt",		/* BOM */
		"a\xe2\x80\x8b" "b", "a\xe2\x80\x8c" "b", "a\xe2\x80\x8d" "b",
		"a\xe2\x80\x8e" "b", "a\xe2\x80\x8f" "b",		/* U+200B–200F */
		"a\xe2\x81\xa0" "b", "a\xd8\x9c" "b", "a\xef\xbf\xb9" "b",
	};
	const char	*msg;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg = validate_file_name(bad[i]);
		if (msg == NULL)
			fail_msg("accepted bad name %zu", i);
		assert_non_null(strstr(msg, "不可见字符"));
	}
	/* The neighbours of the refused ranges pass. */
	assert_null(validate_file_name("a\xc2\xa1" "b"));		/* U+00A1 */
	assert_null(validate_file_name("a\xe2\x80\x90" "b"));	/* U+2010 hyphen */
	assert_null(validate_file_name("a\xe2\x80\xaf" "b"));	/* U+202F */
	assert_null(validate_file_name("a\xe2\x81\xaa" "b"));	/* U+206A */
	assert_null(validate_file_name("a\xe2\x80\xa7" "b"));	/* U+2027 */
}

static void
test_file_name_other_rules(void **state)
{
	char	 long_name[4 * 256 + 1];
	size_t	 i;

	(void)state;
	assert_non_null(validate_file_name(NULL));
	assert_non_null(validate_file_name(""));
	assert_non_null(validate_file_name("."));
	assert_non_null(validate_file_name(".."));
	assert_non_null(strstr(validate_file_name("a/b.pdf"), "/"));
	assert_non_null(validate_file_name("..\\x.pdf"));
	assert_non_null(validate_file_name("a\"b"));
	assert_non_null(strstr(validate_file_name("a\xff" "b"), "UTF-8"));
	assert_non_null(validate_file_name("a\xc0\xaf" "b"));		/* overlong "/" */
	assert_non_null(validate_file_name("a\xed\xa0\x80" "b"));	/* a surrogate */
	for (i = 0; i < 255; i++)
		memcpy(long_name + 3 * i, "汉", 3);
	long_name[3 * 255] = '\0';
	assert_null(validate_file_name(long_name));
	memcpy(long_name + 3 * 255, "字", 4);
	assert_non_null(strstr(validate_file_name(long_name), "255"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_fields_filled),
		cmocka_unit_test(test_optional_fields_absent),
		cmocka_unit_test(test_string_ten_chinese_chars_pass),
		cmocka_unit_test(test_string_eleven_chinese_chars_fail),
		cmocka_unit_test(test_string_length_counts_ascii_too),
		cmocka_unit_test(test_string_below_min_fails),
		cmocka_unit_test(test_optional_empty_string_passes),
		cmocka_unit_test(test_optional_empty_string_below_min_fails),
		cmocka_unit_test(test_missing_required_invalid),
		cmocka_unit_test(test_empty_required_invalid),
		cmocka_unit_test(test_null_required_invalid),
		cmocka_unit_test(test_wrong_type_string_bad_request),
		cmocka_unit_test(test_wrong_type_int_bad_request),
		cmocka_unit_test(test_wrong_type_bool_bad_request),
		cmocka_unit_test(test_bool_false_read),
		cmocka_unit_test(test_int_range),
		cmocka_unit_test(test_nullable_null_reported),
		cmocka_unit_test(test_null_on_optional_not_nullable_is_absent),
		cmocka_unit_test(test_check_message_used),
		cmocka_unit_test(test_embedded_nul_bad_request),
		cmocka_unit_test(test_first_failing_field_reported),
		cmocka_unit_test(test_unknown_keys_ignored),
		cmocka_unit_test(test_paging_defaults),
		cmocka_unit_test(test_paging_values_read),
		cmocka_unit_test(test_paging_per_page_over_max),
		cmocka_unit_test(test_paging_page_zero),
		cmocka_unit_test(test_paging_non_numeric),
		cmocka_unit_test(test_query_bool_absent),
		cmocka_unit_test(test_query_bool_values),
		cmocka_unit_test(test_query_bool_invalid),
		cmocka_unit_test(test_file_name_accepted),
		cmocka_unit_test(test_file_name_invisible_refused),
		cmocka_unit_test(test_file_name_other_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
