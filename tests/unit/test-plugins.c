/* yujing — unit tests: report-type plugins (core/plugins.h): loading the
 * built-in plugins from the build tree, the registry and its JSON, field
 * validation of every built-in type, validate hooks, and each refusal of
 * a bad plugin, from a file or registered in process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "plugins.h"
#include "validators.h"

/* --- where the build tree is ------------------------------------------ */

static char builddir[PATH_MAX];

/* YJ_BUILDDIR (make check sets it), else three levels above this program
 * (BUILD/tests/unit/test-plugins), as when valgrind runs it directly. */
static void
find_builddir(void)
{
	const char	*env = getenv("YJ_BUILDDIR");
	ssize_t		 n;
	int		 i;
	char		*slash;

	if (env != NULL && *env != '\0') {
		snprintf(builddir, sizeof(builddir), "%s", env);
		return;
	}
	n = readlink("/proc/self/exe", builddir, sizeof(builddir) - 1);
	assert_true(n > 0);
	builddir[n] = '\0';
	for (i = 0; i < 3; i++) {
		slash = strrchr(builddir, '/');
		assert_non_null(slash);
		*slash = '\0';
	}
}

static void
path_of(char *out, size_t sz, const char *rel)
{
	snprintf(out, sz, "%s/%s", builddir, rel);
}

/* --- dictionaries without a database ----------------------------------- */

static int dict_down;		/* 1: every lookup fails */
static int dict_calls;

static int
fake_dict(struct db *db, const char *dict, const char *code)
{
	static const char *const countries[] = { "US", "EU", "JP", NULL };
	static const char *const industries[] = { "TEXTILE", "LIGHT", NULL };
	static const char *const measures[] = { "AD", "TBT", NULL };
	static const char *const cities[] = { "330100", "331100", NULL };
	const char *const *set = NULL;
	size_t i;

	(void)db;
	dict_calls++;
	if (dict_down)
		return -1;
	if (!strcmp(dict, "countries")) set = countries;
	else if (!strcmp(dict, "industries")) set = industries;
	else if (!strcmp(dict, "measure_types")) set = measures;
	else if (!strcmp(dict, "cities")) set = cities;
	for (i = 0; set != NULL && set[i] != NULL; i++)
		if (!strcmp(set[i], code))
			return 1;
	return 0;
}

static void
ignore(const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
}

static void
load_builtins(void)
{
	char dir[PATH_MAX];

	path_of(dir, sizeof(dir), "plugins/.libs");
	if (plugins_load_dir(dir, ignore, NULL) != 0)
		fail_msg("the built-in plugins in %s did not load", dir);
	assert_int_equal(plugins_ntypes(), 5);
}

static int
setup(void **state)
{
	find_builddir();
	plugins_set_dict_lookup(fake_dict);
	load_builtins();
	return 0;
}

static int
teardown(void **state)
{
	plugins_unload_all();
	plugins_set_dict_lookup(NULL);
	return 0;
}

/* --- helpers ----------------------------------------------------------- */

static json_t *
parse(const char *text)
{
	json_error_t	 je;
	json_t		*v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);

	if (v == NULL)
		fail_msg("bad JSON in the test: %s: %s", text, je.text);
	return v;
}

/* Validates base with key set to value (JSON text; NULL: key removed).
 * code 0: must pass; else must fail with code, field and message. */
static void
expect(const char *type, const char *base, const char *key, const char *value,
    int code, const char *field, const char *message)
{
	const struct yj_report_type	*t = plugins_type(type);
	struct yj_error			 e;
	json_t				*o = parse(base);
	int				 rc;

	assert_non_null(t);
	if (key != NULL && value == NULL)
		json_object_del(o, key);
	else if (key != NULL)
		json_object_set_new(o, key, parse(value));
	rc = plugins_validate_fields(t, o, NULL, &e);
	if (code == 0 && rc != 0)
		fail_msg("%s %s=%s: expected success, got %s: %s", type, key ? key : "-",
		    value ? value : "-", e.field, e.message);
	if (code != 0 && (rc == 0 || e.code != code || strcmp(e.field, field) ||
	    strcmp(e.message, message)))
		fail_msg("%s %s=%s: expected %d %s \"%s\", got %d %d %s \"%s\"", type,
		    key ? key : "-", value ? value : "-", code, field, message, rc, e.code,
		    e.field, e.message);
	json_decref(o);
}

#define OK(type, base, key, value) expect(type, base, key, value, 0, NULL, NULL)
#define BAD(type, base, key, value, field, msg) \
	expect(type, base, key, value, YJ_ERR_INVALID, field, msg)
#define WRONG(type, base, key, value, field, msg) \
	expect(type, base, key, value, YJ_ERR_TYPE, field, msg)

/* "label" + a core check's own message, as validation writes it. */
static const char *
with_label(const char *label, const char *why)
{
	static char buf[512];

	assert_non_null(why);
	snprintf(buf, sizeof(buf), "%s%s", label, why);
	return buf;
}

/* A string of n copies of a character (UTF-8), as a JSON string. */
static const char *
repeat(const char *ch, size_t n)
{
	static char buf[4096];
	size_t i, len = 0;

	buf[len++] = '"';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s", ch);
	snprintf(buf + len, sizeof(buf) - len, "\"");
	return buf;
}

/* --- registry ---------------------------------------------------------- */

static void
test_builtins_registered(void **state)
{
	static const char *const names[] = { "annual_summary", "notice",
	    "quarterly_analysis", "subsite_post", "warning_info" };
	const struct yj_plugin *p;
	const char *path;
	size_t i;

	assert_int_equal(plugins_count(), 5);
	for (i = 0; i < 5; i++) {
		assert_non_null(plugins_type(names[i]));
		assert_ptr_equal(plugins_type_at(i), plugins_type(names[i]));
		p = plugins_owner(plugins_type(names[i]), &path);
		assert_non_null(p);
		assert_string_equal(p->name, names[i]);
		assert_string_equal(p->version, "1.0");
		assert_non_null(strstr(path, names[i]));
	}
	assert_null(plugins_type("monthly_export"));
	assert_null(plugins_type(""));
	assert_null(plugins_type(NULL));
	assert_null(plugins_type_at(5));
	assert_string_equal(plugins_type("warning_info")->label, "预警信息");
	assert_string_equal(plugins_type("quarterly_analysis")->label, "季度形势分析");
	assert_string_equal(plugins_type("annual_summary")->label, "年度工作总结");
	assert_string_equal(plugins_type("subsite_post")->label, "子网站信息");
	assert_string_equal(plugins_type("notice")->label, "下发信息");
}

static void
test_who_may_submit(void **state)
{
	const struct yj_report_type *wi = plugins_type("warning_info");
	const struct yj_report_type *qa = plugins_type("quarterly_analysis");
	const struct yj_report_type *as = plugins_type("annual_summary");
	const struct yj_report_type *sp = plugins_type("subsite_post");
	const struct yj_report_type *no = plugins_type("notice");

	assert_true(plugins_may_submit(wi, ROLE_POINT));
	assert_true(plugins_may_submit(wi, ROLE_CITY));
	assert_false(plugins_may_submit(wi, ROLE_PROVINCE));
	assert_false(plugins_may_submit(wi, ROLE_ADMIN));
	assert_false(plugins_may_submit(wi, ROLE_EDITOR));
	assert_false(plugins_may_submit(wi, 0));
	assert_true(plugins_may_submit(qa, ROLE_POINT));
	assert_false(plugins_may_submit(qa, ROLE_CITY));
	assert_true(plugins_may_submit(as, ROLE_POINT));
	assert_false(plugins_may_submit(as, ROLE_PROVINCE));
	assert_true(plugins_may_submit(sp, ROLE_POINT));
	assert_false(plugins_may_submit(sp, ROLE_CITY));
	assert_true(plugins_may_submit(no, ROLE_PROVINCE));
	assert_false(plugins_may_submit(no, ROLE_POINT));
	assert_false(plugins_may_submit(no, ROLE_CITY));
	assert_false(plugins_may_submit(NULL, ROLE_PROVINCE));
}

static json_t *
field_json(json_t *type, const char *name)
{
	json_t *f;
	size_t i;

	json_array_foreach(json_object_get(type, "fields"), i, f)
		if (!strcmp(json_string_value(json_object_get(f, "name")), name))
			return f;
	fail_msg("no field %s", name);
	return NULL;
}

static void
test_json_description(void **state)
{
	json_t	*o = plugins_type_json(plugins_type("warning_info")), *f, *a;
	size_t	 i;
	static const char *const order[] = { "title", "country", "industry",
	    "measure_type", "hs_codes", "source_url", "content", "comment_deadline", "author", "phone" };

	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "warning_info");
	assert_string_equal(json_string_value(json_object_get(o, "label")), "预警信息");
	assert_string_equal(json_string_value(json_object_get(json_object_get(o, "plugin"), "name")),
	    "warning_info");
	a = json_object_get(o, "fields");
	assert_int_equal(json_array_size(a), 10);
	json_array_foreach(a, i, f)
		assert_string_equal(json_string_value(json_object_get(f, "name")), order[i]);

	f = field_json(o, "title");
	assert_string_equal(json_string_value(json_object_get(f, "label")), "标题");
	assert_string_equal(json_string_value(json_object_get(f, "type")), "text");
	assert_true(json_is_true(json_object_get(f, "required")));
	assert_int_equal(json_integer_value(json_object_get(f, "max_length")), 200);
	assert_true(json_is_null(json_object_get(f, "dict")));

	f = field_json(o, "country");
	assert_string_equal(json_string_value(json_object_get(f, "type")), "dict");
	assert_string_equal(json_string_value(json_object_get(f, "dict")), "countries");
	assert_true(json_is_null(json_object_get(f, "max_length")));
	assert_string_equal(json_string_value(json_object_get(field_json(o, "industry"), "dict")),
	    "industries");
	assert_string_equal(json_string_value(json_object_get(field_json(o, "measure_type"), "dict")),
	    "measure_types");

	/* 评议截止日期 of a TBT/SPS notification: an optional date. */
	f = field_json(o, "comment_deadline");
	assert_string_equal(json_string_value(json_object_get(f, "type")), "date");
	assert_true(json_is_false(json_object_get(f, "required")));

	f = field_json(o, "hs_codes");
	assert_string_equal(json_string_value(json_object_get(f, "type")), "list_of_text");
	assert_true(json_is_false(json_object_get(f, "required")));
	assert_int_equal(json_integer_value(json_object_get(f, "max_length")), 10);
	assert_int_equal(json_integer_value(json_object_get(f, "max_items")), 20);
	assert_string_equal(json_string_value(json_object_get(field_json(o, "source_url"), "format")), "url");
	assert_true(json_is_false(json_object_get(field_json(o, "source_url"), "required")));
	assert_string_equal(json_string_value(json_object_get(field_json(o, "phone"), "format")), "phone");
	assert_string_equal(json_string_value(json_object_get(field_json(o, "content"), "type")), "longtext");

	a = json_object_get(o, "submit_roles");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "city");
	assert_string_equal(json_string_value(json_array_get(a, 1)), "point");
	a = json_object_get(o, "metrics");
	assert_int_equal(json_array_size(a), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "name")), "warning_info");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "label")), "上报信息");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "name")), "warning_magazine");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 2), "name")), "work_exchange");
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 3), "name")), "internal_adopted");
	json_decref(o);

	o = plugins_type_json(plugins_type("quarterly_analysis"));
	f = field_json(o, "quarter");
	assert_string_equal(json_string_value(json_object_get(f, "type")), "int");
	assert_int_equal(json_integer_value(json_object_get(f, "min")), 1);
	assert_int_equal(json_integer_value(json_object_get(f, "max")), 4);
	assert_string_equal(json_string_value(json_array_get(json_object_get(o, "submit_roles"), 0)), "point");
	a = json_object_get(o, "metrics");
	assert_int_equal(json_array_size(a), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "name")), "quarterly_magazine");
	json_decref(o);

	o = plugins_type_json(plugins_type("subsite_post"));
	a = json_object_get(field_json(o, "column"), "choices");
	assert_int_equal(json_array_size(a), 3);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "预警信息");
	assert_string_equal(json_string_value(json_array_get(a, 1)), "工作动态");
	assert_string_equal(json_string_value(json_array_get(a, 2)), "政策法规");
	a = json_object_get(o, "metrics");
	assert_int_equal(json_array_size(a), 3);
	f = json_array_get(a, 2);
	assert_string_equal(json_string_value(json_object_get(f, "name")), "subsite_policy");
	assert_string_equal(json_string_value(json_object_get(f, "value")), "政策法规");
	f = json_array_get(a, 1);
	assert_string_equal(json_string_value(json_object_get(f, "name")), "subsite_news");
	assert_string_equal(json_string_value(json_object_get(f, "field")), "column");
	assert_string_equal(json_string_value(json_object_get(f, "value")), "工作动态");
	json_decref(o);

	o = plugins_type_json(plugins_type("notice"));
	assert_string_equal(json_string_value(json_object_get(field_json(o, "audience"), "type")), "audience");
	assert_int_equal(json_array_size(json_object_get(o, "metrics")), 0);
	a = json_object_get(o, "submit_roles");
	assert_int_equal(json_array_size(a), 1);
	assert_string_equal(json_string_value(json_array_get(a, 0)), "province");
	json_decref(o);
	o = plugins_type_json(plugins_type("annual_summary"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(o, "metrics"), 0),
	    "name")), "annual_summary");
	json_decref(o);
}

static void
test_metrics_fed(void **state)
{
	json_t *news = parse("{\"column\": \"工作动态\"}"), *info = parse("{\"column\": \"预警信息\"}");
	json_t *law = parse("{\"column\": \"政策法规\"}"), *none = parse("{}");
	const struct yj_report_type *sp = plugins_type("subsite_post");

	assert_true(plugins_feeds(sp, "subsite_news", news));
	assert_false(plugins_feeds(sp, "subsite_info", news));
	assert_true(plugins_feeds(sp, "subsite_info", info));
	assert_false(plugins_feeds(sp, "subsite_news", info));
	assert_false(plugins_feeds(sp, "subsite_info", law));
	assert_false(plugins_feeds(sp, "subsite_news", law));
	assert_true(plugins_feeds(sp, "subsite_policy", law));
	assert_false(plugins_feeds(sp, "subsite_policy", news));
	assert_false(plugins_feeds(sp, "subsite_news", none));
	assert_true(plugins_feeds(plugins_type("warning_info"), "warning_info", none));
	assert_true(plugins_feeds(plugins_type("warning_info"), "internal_adopted", none));
	assert_false(plugins_feeds(plugins_type("warning_info"), "quarterly_analysis", none));
	assert_true(plugins_feeds(plugins_type("quarterly_analysis"), "quarterly_magazine", none));
	assert_true(plugins_feeds(plugins_type("annual_summary"), "annual_summary", none));
	assert_false(plugins_feeds(plugins_type("notice"), "warning_info", none));
	json_decref(news);
	json_decref(info);
	json_decref(law);
	json_decref(none);
}

/* --- warning_info ------------------------------------------------------ */

static const char WI[] = "{\"title\": \"美国对华铅笔反倾销日落复审\", \"country\": \"US\", "
    "\"industry\": \"LIGHT\", \"measure_type\": \"AD\", \"hs_codes\": [\"9609\", \"96091010\"], "
    "\"source_url\": \"https://www.usitc.gov/investigations\", "
    "\"content\": \"第一段。\\n\\t第二段。\\r\\n\", \"author\": \"王晓\", \"phone\": \"0578-6123456\"}";

static void
test_warning_info_valid(void **state)
{
	OK("warning_info", WI, NULL, NULL);
	OK("warning_info", WI, "hs_codes", NULL);			/* optional */
	OK("warning_info", WI, "hs_codes", "[]");
	OK("warning_info", WI, "hs_codes", "null");
	OK("warning_info", WI, "source_url", "\"\"");
	OK("warning_info", WI, "source_url", NULL);
	OK("warning_info", WI, "country", "\"EU\"");			/* a grouping */
	OK("warning_info", WI, "phone", "\"13777829300\"");
	OK("warning_info", WI, "title", repeat("预", 200));		/* characters, not bytes */
	OK("warning_info", WI, "hs_codes", "[\"96\", \"9609101000\"]");
}

static void
test_warning_info_required(void **state)
{
	BAD("warning_info", WI, "title", NULL, "title", "标题不能为空");
	BAD("warning_info", WI, "title", "null", "title", "标题不能为空");
	BAD("warning_info", WI, "title", "\"\"", "title", "标题不能为空");
	BAD("warning_info", WI, "title", "\"  \\u3000 \"", "title", "标题不能为空");
	BAD("warning_info", WI, "title", "\"\\u00a0\"", "title", "标题不能为空");
	BAD("warning_info", WI, "country", NULL, "country", "国别地区不能为空");
	BAD("warning_info", WI, "industry", "\"\"", "industry", "所属行业不能为空");
	BAD("warning_info", WI, "measure_type", NULL, "measure_type", "措施类型不能为空");
	BAD("warning_info", WI, "content", "\"\\n\\n\"", "content", "内容不能为空");
	BAD("warning_info", WI, "author", NULL, "author", "作者不能为空");
	BAD("warning_info", WI, "phone", NULL, "phone", "联系电话不能为空");
}

static void
test_warning_info_text(void **state)
{
	BAD("warning_info", WI, "title", repeat("预", 201), "title", "标题不能超过 200 个字（现有 201 个）");
	BAD("warning_info", WI, "title", "\"第一行\\n第二行\"", "title",
	    "标题不能换行，也不能含有制表符等控制字符");
	BAD("warning_info", WI, "title", "\"a\\tb\"", "title", "标题不能换行，也不能含有制表符等控制字符");
	BAD("warning_info", WI, "content", "\"a\\u0001b\"", "content", "内容含有控制字符");
	BAD("warning_info", WI, "title", "\" 标题\"", "title", "标题首尾不能有空格");
	BAD("warning_info", WI, "title", "\"标题\\u3000\"", "title", "标题首尾不能有空格");
	BAD("warning_info", WI, "author", "\"王晓\\u00a0\"", "author", "作者首尾不能有空格");
	/* several lines are taken as typed: paragraphs indented with 　　 */
	OK("warning_info", WI, "content", "\"\\u3000\\u3000第一段。\\n\\u3000\\u3000第二段。\\n\"");
	BAD("warning_info", WI, "author", repeat("a", 51), "author", "作者不能超过 50 个字（现有 51 个）");
	WRONG("warning_info", WI, "title", "12", "title", "标题应为字符串");
	WRONG("warning_info", WI, "title", "[\"x\"]", "title", "标题应为字符串");
	WRONG("warning_info", WI, "title", "\"a\\u0000b\"", "title", "标题含有非法字符");
	WRONG("warning_info", WI, "content", "true", "content", "内容应为字符串");
}

static void
test_warning_info_dicts(void **state)
{
	BAD("warning_info", WI, "country", "\"XX\"", "country",
	    "国别地区须为国别地区字典中的代码（见 /api/dicts/countries）");
	/* codes are exact: the tables' collation would take "us" */
	BAD("warning_info", WI, "country", "\"us\"", "country",
	    "国别地区须为国别地区字典中的代码（见 /api/dicts/countries）");
	BAD("warning_info", WI, "industry", "\"纺织服装\"", "industry",
	    "所属行业须为行业字典中的代码（见 /api/dicts/industries）");
	BAD("warning_info", WI, "measure_type", "\"ZZ\"", "measure_type",
	    "措施类型须为措施类型字典中的代码（见 /api/dicts/measure-types）");
	BAD("warning_info", WI, "country", repeat("U", 40), "country",
	    "国别地区须为国别地区字典中的代码（见 /api/dicts/countries）");
	WRONG("warning_info", WI, "country", "1", "country", "国别地区应为字符串");

	dict_down = 1;
	expect("warning_info", WI, NULL, NULL, YJ_ERR_UNAVAILABLE, "country",
	    "国别地区暂时无法核对（国别地区字典读取失败），请稍后再试");
	dict_down = 0;
}

static void
test_warning_info_hs_codes(void **state)
{
	WRONG("warning_info", WI, "hs_codes", "\"9609\"", "hs_codes", "HS编码应为字符串数组");
	WRONG("warning_info", WI, "hs_codes", "[9609]", "hs_codes[0]", "HS编码第 1 项应为字符串");
	BAD("warning_info", WI, "hs_codes", "[\"9609\", \"12a\"]", "hs_codes[1]",
	    "HS编码第 2 项须为 2 到 10 位数字的 HS 编码，如 9609 或 96091010");
	BAD("warning_info", WI, "hs_codes", "[\"9\"]", "hs_codes[0]",
	    "HS编码第 1 项须为 2 到 10 位数字的 HS 编码，如 9609 或 96091010");
	BAD("warning_info", WI, "hs_codes", "[\"12345678901\"]", "hs_codes[0]",
	    "HS编码第 1 项不能超过 10 个字（现有 11 个）");
	BAD("warning_info", WI, "hs_codes", "[\"9609\", \"4202\", \"9609\"]", "hs_codes[2]",
	    "HS编码第 3 项与第 1 项重复");
	BAD("warning_info", WI, "hs_codes", "[\"\"]", "hs_codes[0]", "HS编码第 1 项不能为空");
	BAD("warning_info", WI, "hs_codes", "[\"9609\", \" 4202\"]", "hs_codes[1]", "HS编码第 2 项首尾不能有空格");
	BAD("warning_info", WI, "hs_codes",
	    "[\"11\",\"12\",\"13\",\"14\",\"15\",\"16\",\"17\",\"18\",\"19\",\"20\","
	    "\"21\",\"22\",\"23\",\"24\",\"25\",\"26\",\"27\",\"28\",\"29\",\"30\",\"31\"]",
	    "hs_codes", "HS编码最多 20 项");
}

static void
test_warning_info_formats(void **state)
{
	BAD("warning_info", WI, "source_url", "\"ftp://example.com/x\"", "source_url",
	    with_label("信息来源网址", check_url("ftp://example.com/x")));
	BAD("warning_info", WI, "source_url", "\"www.usitc.gov\"", "source_url",
	    with_label("信息来源网址", check_url("www.usitc.gov")));
	BAD("warning_info", WI, "phone", "\"123\"", "phone", with_label("联系电话", check_phone("123")));
	BAD("warning_info", WI, "phone", "\"0578 612345a\"", "phone",
	    with_label("联系电话", check_phone("0578 612345a")));
}

static void
test_warning_info_shape(void **state)
{
	BAD("warning_info", WI, "titel", "\"x\"", "titel", "预警信息没有这个字段（见 /api/report-types）");
	BAD("warning_info", WI, "year", "2019", "year", "预警信息没有这个字段（见 /api/report-types）");
	expect("warning_info", "[]", NULL, NULL, YJ_ERR_TYPE, "fields",
	    "fields 应为对象，键为预警信息的字段名");
	expect("warning_info", "\"x\"", NULL, NULL, YJ_ERR_TYPE, "fields",
	    "fields 应为对象，键为预警信息的字段名");
	/* the first field in the type's order is reported */
	BAD("warning_info", "{}", NULL, NULL, "title", "标题不能为空");
}

/* --- quarterly_analysis, annual_summary -------------------------------- */

static const char QA[] = "{\"year\": 2019, \"quarter\": 2, \"title\": \"2019年二季度铅笔出口形势分析\", "
    "\"content\": \"一、出口总体情况……\"}";
static const char AS[] = "{\"year\": 2019, \"title\": \"2019年度预警工作总结\", "
    "\"content\": \"一年来……\"}";

static void
beijing_now(int *year, int *quarter)
{
	time_t		 now = time(NULL) + 8 * 3600;
	struct tm	 tm;

	gmtime_r(&now, &tm);
	*year = tm.tm_year + 1900;
	*quarter = tm.tm_mon / 3 + 1;
}

static void
test_quarterly_analysis(void **state)
{
	char	 msg[128], next[16], year[16];
	int	 y, q;

	OK("quarterly_analysis", QA, NULL, NULL);
	OK("quarterly_analysis", QA, "quarter", "4");
	OK("quarterly_analysis", QA, "quarter", "1");
	BAD("quarterly_analysis", QA, "quarter", "5", "quarter", "季度须在 1 到 4 之间");
	BAD("quarterly_analysis", QA, "quarter", "0", "quarter", "季度须在 1 到 4 之间");
	WRONG("quarterly_analysis", QA, "quarter", "\"2\"", "quarter", "季度应为整数");
	WRONG("quarterly_analysis", QA, "quarter", "2.5", "quarter", "季度应为整数");
	BAD("quarterly_analysis", QA, "quarter", NULL, "quarter", "季度不能为空");
	BAD("quarterly_analysis", QA, "year", "1999", "year", "年度须在 2000 到 2100 之间");
	BAD("quarterly_analysis", QA, "year", NULL, "year", "年度不能为空");
	BAD("quarterly_analysis", QA, "title", "\"\"", "title", "标题不能为空");
	BAD("quarterly_analysis", QA, "content", NULL, "content", "内容不能为空");
	BAD("quarterly_analysis", QA, "country", "\"US\"", "country",
	    "季度形势分析没有这个字段（见 /api/report-types）");

	/* the validate hook: not a quarter that has not begun */
	beijing_now(&y, &q);
	snprintf(msg, sizeof(msg), "季度不能晚于本季度（%d 年第 %d 季度）", y, q);
	snprintf(year, sizeof(year), "%d", y + 1);
	BAD("quarterly_analysis", QA, "year", year, "year", msg);
	snprintf(year, sizeof(year), "%d", y);
	OK("quarterly_analysis", "{\"year\": 2000, \"quarter\": 1, \"title\": \"t\", \"content\": \"c\"}",
	    "year", year);
	if (q < 4) {
		snprintf(next, sizeof(next), "{\"year\": %d, \"quarter\": %d, \"title\": \"t\", "
		    "\"content\": \"c\"}", y, q + 1);
		BAD("quarterly_analysis", next, NULL, NULL, "quarter", msg);
	}
}

static void
test_annual_summary(void **state)
{
	char	 msg[128], year[16];
	int	 y, q;

	OK("annual_summary", AS, NULL, NULL);
	BAD("annual_summary", AS, "year", "2101", "year", "年度须在 2000 到 2100 之间");
	WRONG("annual_summary", AS, "year", "true", "year", "年度应为整数");
	BAD("annual_summary", AS, "title", repeat("年", 201), "title", "标题不能超过 200 个字（现有 201 个）");
	BAD("annual_summary", AS, "quarter", "1", "quarter", "年度工作总结没有这个字段（见 /api/report-types）");
	beijing_now(&y, &q);
	snprintf(msg, sizeof(msg), "年度不能晚于今年（%d 年）", y);
	snprintf(year, sizeof(year), "%d", y + 1);
	BAD("annual_summary", AS, "year", year, "year", msg);
	snprintf(year, sizeof(year), "%d", y);
	OK("annual_summary", AS, "year", year);
}

/* --- subsite_post ------------------------------------------------------ */

static const char SP[] = "{\"column\": \"工作动态\", \"title\": \"协会召开预警工作会议\", "
    "\"content\": \"会议……\"}";

static void
test_subsite_post(void **state)
{
	OK("subsite_post", SP, NULL, NULL);
	OK("subsite_post", SP, "column", "\"预警信息\"");
	OK("subsite_post", SP, "column", "\"政策法规\"");
	BAD("subsite_post", SP, "column", "\"新闻\"", "column", "栏目须为以下之一：预警信息、工作动态、政策法规");
	BAD("subsite_post", SP, "column", "\"工作动态 \"", "column", "栏目首尾不能有空格");
	BAD("subsite_post", SP, "column", NULL, "column", "栏目不能为空");
	WRONG("subsite_post", SP, "column", "2", "column", "栏目应为字符串");
	BAD("subsite_post", SP, "title", NULL, "title", "标题不能为空");
}

/* --- notice ------------------------------------------------------------ */

static const char NO[] = "{\"title\": \"关于报送2019年度工作总结的通知\", \"content\": \"各预警点：……\", "
    "\"audience\": {\"all\": true}}";

static void
test_notice(void **state)
{
	OK("notice", NO, NULL, NULL);
	OK("notice", NO, "audience", "{\"city\": \"330100\"}");
	OK("notice", NO, "audience", "{\"points\": [3, 7, 12]}");
	BAD("notice", NO, "audience", NULL, "audience", "接收范围不能为空");
	WRONG("notice", NO, "audience", "\"all\"", "audience",
	    "接收范围应为 {\"all\": true}、{\"city\": 地市代码} 或 {\"points\": [预警点编号, …]}");
	BAD("notice", NO, "audience", "{}", "audience",
	    "接收范围须为 {\"all\": true}、{\"city\": 地市代码} 或 {\"points\": [预警点编号, …]} 中的一种");
	BAD("notice", NO, "audience", "{\"all\": true, \"city\": \"330100\"}", "audience",
	    "接收范围须为 {\"all\": true}、{\"city\": 地市代码} 或 {\"points\": [预警点编号, …]} 中的一种");
	BAD("notice", NO, "audience", "{\"region\": \"330100\"}", "audience",
	    "接收范围须为 {\"all\": true}、{\"city\": 地市代码} 或 {\"points\": [预警点编号, …]} 中的一种");
	BAD("notice", NO, "audience", "{\"all\": false}", "audience.all",
	    "接收范围的 all 只能为 true（全部预警点）");
	BAD("notice", NO, "audience", "{\"city\": \"330102\"}", "audience.city",
	    "接收范围的地市须为浙江省地市代码（见 /api/dicts/regions），如 330100");
	WRONG("notice", NO, "audience", "{\"city\": 330100}", "audience.city",
	    "接收范围的地市应为字符串，如 \"330100\"");
	WRONG("notice", NO, "audience", "{\"points\": 3}", "audience.points", "接收范围的预警点应为编号数组");
	BAD("notice", NO, "audience", "{\"points\": []}", "audience.points", "接收范围至少需要选择一个预警点");
	WRONG("notice", NO, "audience", "{\"points\": [1, \"2\"]}", "audience.points[1]",
	    "接收范围的预警点编号应为整数");
	BAD("notice", NO, "audience", "{\"points\": [1, 0]}", "audience.points[1]",
	    "接收范围的预警点编号须为正整数");
	BAD("notice", NO, "audience", "{\"points\": [3, 5, 3]}", "audience.points[2]",
	    "接收范围的第 3 个预警点与第 1 个重复");
	BAD("notice", NO, "content", "\"\"", "content", "内容不能为空");

	dict_down = 1;
	expect("notice", NO, "audience", "{\"city\": \"330100\"}", YJ_ERR_UNAVAILABLE, "audience.city",
	    "接收范围暂时无法核对（地市字典读取失败），请稍后再试");
	dict_down = 0;
}

/* Without a database the default lookup answers "unavailable", never
 * "fine". */
static void
test_default_lookup_needs_database(void **state)
{
	plugins_set_dict_lookup(NULL);
	expect("warning_info", WI, NULL, NULL, YJ_ERR_UNAVAILABLE, "country",
	    "国别地区暂时无法核对（国别地区字典读取失败），请稍后再试");
	OK("quarterly_analysis", QA, NULL, NULL);
	plugins_set_dict_lookup(fake_dict);
}

/* --- validate hooks through the host table ----------------------------- */

static int hook_calls;

static int
hook(const struct yj_host *h, const struct yj_record *rec, struct yj_error *err)
{
	const struct yj_value *from = h->value(rec, "from"), *to = h->value(rec, "to");
	const struct yj_value *tags = h->value(rec, "tags"), *code = h->value(rec, "code");

	hook_calls++;
	assert_null(h->value(rec, "nope"));
	assert_int_equal(rec->nvalues, 6);
	if (code->present && !strcmp(code->text, "empty"))
		return -1;		/* no message: the host writes one */
	if (code->present && !strcmp(code->text, "latin1")) {
		err->code = YJ_ERR_INVALID;
		snprintf(err->field, sizeof(err->field), "code");
		snprintf(err->message, sizeof(err->message), "caf\xe9");
		return 1;
	}
	if (code->present && !strcmp(code->text, "dict")) {
		/* the host's dictionary, during validation */
		assert_int_equal(h->dict_has("countries", "US"), 1);
		assert_int_equal(h->dict_has("countries", "XX"), 0);
		assert_int_equal(h->dict_has("no_such_dict", "US"), 0);
	}
	if (tags->present) {
		assert_int_equal(tags->nitems, 2);
		assert_string_equal(tags->items[1], "b");
	}
	if (from->present && to->present && strcmp(from->text, to->text) > 0) {
		err->code = YJ_ERR_INVALID;
		snprintf(err->field, sizeof(err->field), "to");
		snprintf(err->message, sizeof(err->message), "结束日期不能早于开始日期");
		return -1;
	}
	return 0;
}

static const struct yj_field hook_fields[] = {
	{ .name = "from", .label = "开始日期", .type = YJ_FIELD_DATE, .required = 1 },
	{ .name = "to", .label = "结束日期", .type = YJ_FIELD_DATE },
	{ .name = "urgent", .label = "紧急", .type = YJ_FIELD_BOOL },
	{ .name = "tags", .label = "标签", .type = YJ_FIELD_LIST_OF_TEXT, .choices =
	    (const char *const[]){ "a", "b", "c", NULL }, .min = 2 },
	{ .name = "code", .label = "信用代码", .type = YJ_FIELD_TEXT },
	{ .name = "mail", .label = "电子邮箱", .type = YJ_FIELD_TEXT, .format = "email" },
};
static const struct yj_report_type hook_types[] = {
	{ .name = "leave_request", .label = "请假", .fields = hook_fields,
	  .nfields = YJ_COUNT(hook_fields), .submit_roles = YJ_ROLE_POINT, .validate = hook },
};
static const struct yj_plugin hook_plugin = {
	.abi_major = YJ_PLUGIN_ABI_MAJOR, .abi_minor = YJ_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(struct yj_plugin), .name = "leave", .version = "0.1",
	.types = hook_types, .ntypes = 1,
};

static void
test_validate_hook(void **state)
{
	static const char LR[] = "{\"from\": \"2019-05-09\", \"to\": \"2019-05-10\"}";
	char err[512];

	assert_int_equal(plugins_register(&hook_plugin, "in-process", err, sizeof(err)), 0);
	assert_non_null(plugins_type("leave_request"));

	hook_calls = 0;
	OK("leave_request", LR, NULL, NULL);
	OK("leave_request", LR, "to", "\"2019-05-09\"");
	OK("leave_request", LR, "urgent", "true");
	OK("leave_request", LR, "tags", "[\"a\", \"b\"]");
	OK("leave_request", LR, "code", "\"dict\"");
	OK("leave_request", "{\"from\": \"2020-02-29\"}", NULL, NULL);
	assert_int_equal(hook_calls, 6);
	BAD("leave_request", LR, "to", "\"2019-05-08\"", "to", "结束日期不能早于开始日期");
	assert_int_equal(hook_calls, 7);
	/* a field failing its own checks never reaches the hook */
	BAD("leave_request", LR, "from", "\"2019-02-29\"", "from", "开始日期须为日期，格式如 2019-05-09");
	BAD("leave_request", LR, "from", "\"2019-5-9\"", "from", "开始日期须为日期，格式如 2019-05-09");
	BAD("leave_request", LR, "from", "\"2019-13-01\"", "from", "开始日期须为日期，格式如 2019-05-09");
	WRONG("leave_request", LR, "urgent", "1", "urgent", "紧急应为 true 或 false");
	BAD("leave_request", LR, "tags", "[\"a\"]", "tags", "标签至少需要 2 项");
	BAD("leave_request", LR, "tags", "[\"a\", \"d\"]", "tags[1]", "标签第 2 项须为以下之一：a、b、c");
	BAD("leave_request", LR, "mail", "\"a@b\"", "mail", with_label("电子邮箱", check_email("a@b")));
	assert_int_equal(hook_calls, 7);
	/* a hook that gives no message, or one that is not UTF-8 */
	BAD("leave_request", LR, "code", "\"empty\"", "", "请假的内容不符合要求");
	BAD("leave_request", LR, "code", "\"latin1\"", "code", "请假的内容不符合要求");
	/* without a connection the database lookup answers -1 */
	plugins_set_dict_lookup(NULL);
	assert_int_equal(plugins_host()->dict_has("countries", "US"), -1);
	plugins_set_dict_lookup(fake_dict);
}

/* --- refusals ---------------------------------------------------------- */

static void
expect_refused_file(const char *rel, const char *reason)
{
	char path[PATH_MAX], err[1024];
	size_t before = plugins_ntypes(), nplug = plugins_count();

	path_of(path, sizeof(path), rel);
	if (plugins_load_file(path, err, sizeof(err)) == 0)
		fail_msg("%s was accepted", rel);
	if (strncmp(err, path, strlen(path)) != 0 || strstr(err, reason) == NULL)
		fail_msg("%s: expected \"%s\" after the path, got \"%s\"", rel, reason, err);
	assert_int_equal(plugins_ntypes(), before);
	assert_int_equal(plugins_count(), nplug);
}

static void
test_refused_files(void **state)
{
	expect_refused_file("tests/plugin-bad/.libs/abi.so",
	    ": built for plugin ABI 2.0; this yujing provides 1.0 and runs plugins of major "
	    "version 1 only: rebuild the plugin against this yujing's yujing-plugin.h");
	expect_refused_file("tests/plugin-bad/.libs/dup.so",
	    ": a plugin named \"warning_info\" is already loaded from ");
	expect_refused_file("tests/plugin-bad/.libs/nodesc.so",
	    ": no symbol yj_plugin_descriptor: not a yujing plugin");
	expect_refused_file("tests/plugin-bad/.libs/missing.so", ": cannot load: ");
	expect_refused_file("plugins/.libs/notice.so", ": a plugin named \"notice\" is already loaded from ");
}

static int refused_count;
static char refused_last[1024];

static void
count_refused(const char *msg, void *arg)
{
	refused_count++;
	snprintf(refused_last, sizeof(refused_last), "%s", msg);
	(void)arg;
}

static void
test_refused_dir(void **state)
{
	char dir[PATH_MAX];
	size_t before = plugins_ntypes();

	path_of(dir, sizeof(dir), "tests/plugin-bad/.libs");
	refused_count = 0;
	assert_int_equal(plugins_load_dir(dir, count_refused, NULL), 3);
	assert_int_equal(refused_count, 3);
	assert_non_null(strstr(refused_last, "nodesc.so: no symbol"));	/* name order */
	assert_int_equal(plugins_ntypes(), before);

	path_of(dir, sizeof(dir), "no/such/dir");
	refused_count = 0;
	assert_int_equal(plugins_load_dir(dir, count_refused, NULL), -1);
	assert_int_equal(refused_count, 1);
	assert_non_null(strstr(refused_last, "no/such/dir: No such file or directory"));
}

/* A copy of a good descriptor and type to break one thing at a time. */
static struct yj_field bf[2];
static struct yj_report_type bt[2];
static struct yj_plugin bp;
static const char *const good_metrics[] = { "subsite_info:kind=a", NULL };
static const char *const kinds[] = { "a", "b", NULL };

static void
reset_bad(void)
{
	memset(bf, 0, sizeof(bf));
	memset(bt, 0, sizeof(bt));
	memset(&bp, 0, sizeof(bp));
	bf[0] = (struct yj_field){ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT };
	bf[1] = (struct yj_field){ .name = "kind", .label = "类别", .type = YJ_FIELD_TEXT,
	    .choices = kinds };
	bt[0] = (struct yj_report_type){ .name = "probe", .label = "探针", .fields = bf,
	    .nfields = 2, .submit_roles = YJ_ROLE_POINT, .metrics = good_metrics };
	bt[1] = bt[0];
	bt[1].name = "probe_two";
	bp = (struct yj_plugin){ .abi_major = YJ_PLUGIN_ABI_MAJOR, .abi_minor = YJ_PLUGIN_ABI_MINOR,
	    .struct_size = sizeof(struct yj_plugin), .name = "probe", .version = "1",
	    .types = bt, .ntypes = 1 };
}

static void
expect_refused(const char *reason)
{
	char err[1024];
	size_t before = plugins_ntypes(), nplug = plugins_count();

	if (plugins_register(&bp, "probe.so", err, sizeof(err)) == 0)
		fail_msg("accepted; expected \"%s\"", reason);
	if (strncmp(err, "probe.so: ", 10) != 0 || strncmp(err + 10, reason, strlen(reason)) != 0)
		fail_msg("expected \"probe.so: %s\", got \"%s\"", reason, err);
	assert_int_equal(plugins_ntypes(), before);
	assert_int_equal(plugins_count(), nplug);
	reset_bad();
}

static int init_calls, fini_calls;
static const struct yj_host *init_host;

static int
probe_init(const struct yj_host *h)
{
	init_calls++;
	init_host = h;
	return init_calls == 1 ? 3 : 0;
}

static void
probe_fini(void)
{
	fini_calls++;
}

static void
test_refused_descriptors(void **state)
{
	char msg[256];

	reset_bad();
	bp.abi_minor = YJ_PLUGIN_ABI_MINOR + 1;
	expect_refused("built for plugin ABI 1.1, newer than this yujing's 1.0: upgrade yujing "
	    "or rebuild the plugin against its yujing-plugin.h");
	bp.abi_major = 0;
	expect_refused("built for plugin ABI 0.0; this yujing provides 1.0 and runs plugins of "
	    "major version 1 only: rebuild the plugin against this yujing's yujing-plugin.h");
	bp.struct_size = 16;
	snprintf(msg, sizeof(msg), "descriptor of 16 bytes, smaller than the %zu of ABI 1.0: "
	    "define it with YJ_PLUGIN() from yujing-plugin.h", sizeof(struct yj_plugin));
	expect_refused(msg);
	bp.reserved[7] = &bp;
	expect_refused("reserved slots of the descriptor are not zero");
	bp.name = NULL;
	expect_refused("the plugin has no name");
	bp.name = "Probe-1";
	expect_refused("plugin name \"Probe-1\" is not a-z, 0-9 and _, starting with a letter, "
	    "at most 32 bytes");
	bp.version = NULL;
	expect_refused("plugin \"probe\" has no version (at most 32 bytes)");
	bp.name = "warning_info";
	expect_refused("a plugin named \"warning_info\" is already loaded from ");
	bp.ntypes = 0;
	expect_refused("plugin \"probe\" declares 0 report types (1 to 64)");
	bp.types = NULL;
	expect_refused("plugin \"probe\" declares 0 report types (1 to 64)");
}

static void
test_refused_types(void **state)
{
	reset_bad();
	bt[0].name = "notice";
	expect_refused("report type \"notice\" is already provided by plugin \"notice\" (");
	bp.ntypes = 2;
	bt[1].name = "probe";
	expect_refused("report type \"probe\" is declared twice");
	bt[0].name = NULL;
	expect_refused("report type 1 has no name");
	bt[0].name = "9lives";
	expect_refused("report type name \"9lives\" is not a-z, 0-9 and _, starting with a letter, "
	    "at most 32 bytes");
	bt[0].label = "";
	expect_refused("report type \"probe\" has no label (or not UTF-8)");
	bt[0].reserved[0] = bt;
	expect_refused("report type \"probe\": reserved slots are not zero");
	bt[0].nfields = 0;
	expect_refused("report type \"probe\" has 0 fields (1 to 64)");
	bt[0].submit_roles = 0;
	expect_refused("report type \"probe\": submit_roles 0x0 must name known YJ_ROLE_* bits "
	    "only, at least one");
	bt[0].submit_roles = 1u << 9;
	expect_refused("report type \"probe\": submit_roles 0x200 must name known YJ_ROLE_* bits "
	    "only, at least one");
	bt[0].metrics = (const char *const[]){ "warning_info", "downloads", NULL };
	expect_refused("report type \"probe\": unknown metric \"downloads\"");
	bt[0].metrics = (const char *const[]){ "subsite_info:kind=z", NULL };
	expect_refused("report type \"probe\": metric \"subsite_info:kind=z\": \"z\" is not one "
	    "of the field's choices");
	bt[0].metrics = (const char *const[]){ "subsite_info:nope=a", NULL };
	expect_refused("report type \"probe\": metric \"subsite_info:nope=a\" needs "
	    "\"metric:field=value\" with a text or dict field of the type");
}

static void
test_refused_fields(void **state)
{
	reset_bad();
	bf[1].name = NULL;
	expect_refused("report type \"probe\": field 2 has no name");
	bf[1].name = "Kind";
	expect_refused("report type \"probe\": field name \"Kind\" is not a-z, 0-9 and _, "
	    "starting with a letter, at most 32 bytes");
	bf[1].name = "title";
	expect_refused("report type \"probe\": field \"title\" is declared twice");
	bf[1].label = NULL;
	expect_refused("report type \"probe\", field \"kind\": no label");
	bf[1].type = 0;
	expect_refused("report type \"probe\", field \"kind\": unknown type 0");
	bf[1].type = 99;
	expect_refused("report type \"probe\", field \"kind\": unknown type 99");
	bf[1].reserved[3] = bf;
	expect_refused("report type \"probe\", field \"kind\": reserved slots are not zero");
	bf[0].type = YJ_FIELD_DICT;
	expect_refused("report type \"probe\", field \"title\": a dict field names no dictionary");
	bf[0].type = YJ_FIELD_DICT;
	bf[0].dict = "planets";
	expect_refused("report type \"probe\", field \"title\": unknown dictionary \"planets\" "
	    "(countries, industries, measure_types, cities)");
	bf[0].dict = "countries";
	expect_refused("report type \"probe\", field \"title\": dict is set on a text field");
	bf[0].format = "zipcode";
	expect_refused("report type \"probe\", field \"title\": unknown format \"zipcode\" "
	    "(phone, mobile, email, url, credit_code)");
	bf[0].type = YJ_FIELD_INT;
	bf[0].max_length = 10;
	expect_refused("report type \"probe\", field \"title\": choices, check, format and "
	    "max_length apply to text fields only");
	bf[0].type = YJ_FIELD_INT;
	bf[0].min = 5;
	bf[0].max = 1;
	expect_refused("report type \"probe\", field \"title\": min 5 is larger than max 1");
	bf[0].min = 1;
	expect_refused("report type \"probe\", field \"title\": min and max apply to int and list "
	    "fields only");
	bf[0].max_length = 2000000;
	expect_refused("report type \"probe\", field \"title\": max_length 2000000 is larger than 1000000");
	bf[1].choices = (const char *const[]){ NULL };
	expect_refused("report type \"probe\", field \"kind\": choices is an empty list");
}

static void
test_init_fini_and_sizes(void **state)
{
	struct {
		struct yj_plugin	 p;
		char			 later[32];	/* a descriptor from a later minor */
	} big;
	char err[1024];

	reset_bad();
	bp.init = probe_init;
	bp.fini = probe_fini;
	init_calls = fini_calls = 0;
	expect_refused("plugin \"probe\": init failed (returned 3)");
	assert_int_equal(init_calls, 1);
	assert_int_equal(fini_calls, 0);

	/* a larger descriptor is read up to what this host knows */
	bp.init = probe_init;
	bp.fini = probe_fini;
	memset(&big, 0x5a, sizeof(big));
	big.p = bp;
	big.p.struct_size = sizeof(big);
	assert_int_equal(plugins_register(&big.p, "probe.so", err, sizeof(err)), 0);
	assert_int_equal(init_calls, 2);
	assert_ptr_equal(init_host, plugins_host());
	assert_int_equal(init_host->abi_major, YJ_PLUGIN_ABI_MAJOR);
	assert_int_equal(init_host->abi_minor, YJ_PLUGIN_ABI_MINOR);
	assert_int_equal(init_host->struct_size, sizeof(struct yj_host));
	assert_true(YJ_HOST_HAS(init_host, value));
	assert_non_null(plugins_type("probe"));

	/* unloading calls fini once; the built-ins come back from the files */
	plugins_unload_all();
	assert_int_equal(fini_calls, 1);
	assert_int_equal(plugins_ntypes(), 0);
	assert_null(plugins_type("warning_info"));
	load_builtins();
	assert_null(plugins_type("probe"));
	assert_null(plugins_type("leave_request"));
}

static void
test_error_answer(void **state)
{
	struct yj_error e = { .code = YJ_ERR_INVALID, .field = "title", .message = "标题不能为空" };
	struct req r;
	json_t *root, *err;
	json_error_t je;

	memset(&r, 0, sizeof(r));
	plugins_error_answer(&r, &e);
	assert_int_equal(r.status, 400);
	root = json_loadb(r.out.data, r.out.len, 0, &je);
	err = json_object_get(root, "error");
	assert_string_equal(json_string_value(json_object_get(err, "code")), "invalid");
	assert_string_equal(json_string_value(json_object_get(err, "field")), "title");
	assert_string_equal(json_string_value(json_object_get(err, "message")), "标题不能为空");
	json_decref(root);
	http_req_free(&r);

	e.code = YJ_ERR_TYPE;
	memset(&r, 0, sizeof(r));
	plugins_error_answer(&r, &e);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.out.data, "bad_request"));
	http_req_free(&r);

	e.code = YJ_ERR_UNAVAILABLE;
	e.field[0] = '\0';
	memset(&r, 0, sizeof(r));
	plugins_error_answer(&r, &e);
	assert_int_equal(r.status, 503);
	assert_null(strstr(r.out.data, "\"field\""));
	http_req_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtins_registered),
		cmocka_unit_test(test_who_may_submit),
		cmocka_unit_test(test_json_description),
		cmocka_unit_test(test_metrics_fed),
		cmocka_unit_test(test_warning_info_valid),
		cmocka_unit_test(test_warning_info_required),
		cmocka_unit_test(test_warning_info_text),
		cmocka_unit_test(test_warning_info_dicts),
		cmocka_unit_test(test_warning_info_hs_codes),
		cmocka_unit_test(test_warning_info_formats),
		cmocka_unit_test(test_warning_info_shape),
		cmocka_unit_test(test_quarterly_analysis),
		cmocka_unit_test(test_annual_summary),
		cmocka_unit_test(test_subsite_post),
		cmocka_unit_test(test_notice),
		cmocka_unit_test(test_default_lookup_needs_database),
		cmocka_unit_test(test_validate_hook),
		cmocka_unit_test(test_refused_files),
		cmocka_unit_test(test_refused_dir),
		cmocka_unit_test(test_refused_descriptors),
		cmocka_unit_test(test_refused_types),
		cmocka_unit_test(test_refused_fields),
		cmocka_unit_test(test_init_fini_and_sizes),
		cmocka_unit_test(test_error_answer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
