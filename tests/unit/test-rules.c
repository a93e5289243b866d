/* yujing — unit tests: the rules registry (load, refuse, replace, unload),
 * the per-worker sandboxes and scoring, and the C interface to the review
 * policy with the repository's own rules/review.lua (core/rules.h).
 *
 * The registry is process-global: the tests share one rules folder in /tmp
 * and run in order, each building on the state the previous one left. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "conf.h"
#include "facts.h"
#include "rules.h"

static char		 dir[64];
static struct config	 cfg;
static struct rules_worker w;		/* synced early, reused throughout */

/* ---------------------------------------------------------------- helpers */

/* The repository: YJ_SRCDIR (make check sets it), else the working
 * directory or its parent (tests/run.sh runs from the top). */
static const char *
srcdir(void)
{
	static const char *const guesses[] = { ".", "..", "../..", NULL };
	const char	*env = getenv("YJ_SRCDIR");
	static char	 path[4096];
	size_t		 i;

	if (env != NULL && *env != '\0')
		return env;
	for (i = 0; guesses[i] != NULL; i++) {
		snprintf(path, sizeof(path), "%s/rules/review.lua", guesses[i]);
		if (access(path, R_OK) == 0)
			return guesses[i];
	}
	fail_msg("rules/review.lua not found: set YJ_SRCDIR to the source tree");
	return NULL;
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "rb");
	char	*s;
	long	 n;

	if (f == NULL)
		fail_msg("cannot read %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* The repository's copy of a rule file, e.g. "review.lua". */
static char *
shipped(const char *rel)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/rules/%s", srcdir(), rel);
	return slurp(path);
}

static void
put(const char *rel, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((f = fopen(path, "w")) == NULL)
		fail_msg("cannot write %s", path);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void
put_shipped(const char *rel)
{
	char *s = shipped(rel);

	put(rel, s);
	free(s);
}

static void
rm(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(unlink(path), 0);
}

static void
sha_hex(const char *text, char out[65])
{
	unsigned char h[32];

	crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void
sha_of_file(const char *rel, char out[65])
{
	char	 path[256];
	char	*s;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	s = slurp(path);
	sha_hex(s, out);
	free(s);
}

/* A valid standard whose single item scores version points (max 50). */
static const char *
standard(int version)
{
	static char s[1024];

	snprintf(s, sizeof(s),
	    "-- 测试用评分标准，第 %d 版\n"
	    "local V = %d\n"
	    "return {\n"
	    "  title = \"测试标准 第 \" .. V .. \" 版\",\n"
	    "  max = 50,\n"
	    "  score = function(facts)\n"
	    "    return { items = { { key = \"version\", label = \"版本\", score = V, max = 50,\n"
	    "                         reason = facts.year .. \" 年按第 \" .. V .. \" 版计分\" } },\n"
	    "             total = V }\n"
	    "  end,\n"
	    "}\n", version, version);
	return s;
}

/* One entry of rules_status_json(), copied out so that a failing
 * assertion leaks nothing.  A null string field is "" with its flag set. */
struct status {
	bool	 listed, in_force, has_year;
	int	 year;
	char	 kind[16], sha256[72], loaded_at[40], error[640];
	bool	 sha256_null, loaded_at_null, error_null;
};

static void
copy_field(json_t *o, const char *key, char *dst, size_t sz, bool *null)
{
	json_t *v = json_object_get(o, key);

	*null = json_is_null(v);
	if (json_is_string(v))
		snprintf(dst, sz, "%s", json_string_value(v));
	else
		snprintf(dst, sz, "%s", v == NULL ? "<missing>" : "");
}

static struct status
status_of(const char *name)
{
	json_t		*a = rules_status_json(), *o;
	struct status	 st;
	size_t		 i;
	bool		 null;

	memset(&st, 0, sizeof(st));
	json_array_foreach(a, i, o) {
		if (strcmp(json_string_value(json_object_get(o, "name")), name) != 0)
			continue;
		st.listed = true;
		st.in_force = json_is_true(json_object_get(o, "in_force"));
		st.has_year = json_is_integer(json_object_get(o, "year"));
		st.year = (int)json_integer_value(json_object_get(o, "year"));
		copy_field(o, "kind", st.kind, sizeof(st.kind), &null);
		copy_field(o, "sha256", st.sha256, sizeof(st.sha256), &st.sha256_null);
		copy_field(o, "loaded_at", st.loaded_at, sizeof(st.loaded_at), &st.loaded_at_null);
		copy_field(o, "error", st.error, sizeof(st.error), &st.error_null);
		break;
	}
	json_decref(a);
	return st;
}

/* The error of a listed file starts with prefix and contains want. */
static void
assert_error(const char *name, const char *prefix, const char *want)
{
	struct status st = status_of(name);

	if (!st.listed)
		fail_msg("%s is not listed", name);
	if (st.error_null || strncmp(st.error, prefix, strlen(prefix)) != 0 ||
	    (want != NULL && strstr(st.error, want) == NULL))
		fail_msg("%s: error %s, want %s…%s", name, st.error_null ? "null" : st.error,
		    prefix, want ? want : "");
}

static size_t
status_count(void)
{
	json_t	*a = rules_status_json();
	size_t	 n = json_array_size(a);

	json_decref(a);
	return n;
}

static bool
is_iso_beijing(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd+08:00";
	size_t i;

	if (s == NULL || strlen(s) != sizeof(shape) - 1)
		return false;
	for (i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	return true;
}

static bool
is_sha256(const char *s)
{
	return s != NULL && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* Asserts a file is in force with the sha256 of its file on disk and no
 * error; returns its loaded_at in out. */
static void
assert_in_force(const char *name, const char *rel, char loaded_at[32])
{
	struct status	 st = status_of(name);
	char		 sha[65];

	if (!st.listed)
		fail_msg("%s is not listed", name);
	sha_of_file(rel, sha);
	assert_true(st.in_force);
	assert_true(is_sha256(st.sha256));
	assert_string_equal(st.sha256, sha);
	if (!is_iso_beijing(st.loaded_at))
		fail_msg("%s: loaded_at %s is not YYYY-MM-DDTHH:MM:SS+08:00", name, st.loaded_at);
	if (loaded_at != NULL)
		snprintf(loaded_at, 32, "%s", st.loaded_at);
	if (!st.error_null)
		fail_msg("%s: error %s, want null", name, st.error);
}

/* Scores the facts of year (busy or empty) with the worker w. */
static double
score_year(int year, bool busy, char *standard_name, size_t sz)
{
	struct facts		 f;
	struct facts_qa		 qa[4];
	struct score_result	 r;
	char			 err[640];
	double			 total;

	if (busy)
		facts_fixture_busy(&f, year, qa);
	else
		facts_empty(&f, year);
	if (rules_score(&w, &f, &r, err, sizeof(err)) == -1)
		fail_msg("scoring %d failed: %s", year, err);
	if (standard_name != NULL)
		snprintf(standard_name, sz, "%s", r.standard);
	total = r.total;
	score_result_free(&r);
	return total;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
group_setup(void **state)
{
	char path[128];

	(void)state;
	if (sodium_init() < 0)
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/yujing-rules-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/scoring", dir);
	if (mkdir(path, 0700) == -1)
		return -1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.rules_dir = dir;
	cfg.rules_memory_limit = 8 * 1024 * 1024;
	cfg.rules_instruction_limit = 2 * 1000 * 1000;
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	rules_worker_free(&w);
	if (dir[0] != '\0')
		nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ------------------------------------------------------------- registry */

static void
test_no_review_policy_is_a_problem(void **state)
{
	const char *p;

	(void)state;
	put("scoring/2019.lua", standard(1));
	rules_init(&cfg);
	assert_in_force("scoring/2019.lua", "scoring/2019.lua", NULL);
	assert_non_null(p = rules_problem());
	assert_non_null(strstr(p, "review.lua"));
	assert_false(status_of("review.lua").listed);
}

static void
test_broken_review_policy_stays_a_problem(void **state)
{
	struct status st;

	(void)state;
	put("review.lua", "local CHAINS = {\n  warning_info = {\n    point = { \"city\" \"province\" },\n");
	assert_int_equal(rules_reload(), 0);
	assert_non_null(rules_problem());
	st = status_of("review.lua");
	assert_true(st.listed);
	assert_false(st.in_force);
	assert_true(st.sha256_null && st.loaded_at_null);
	assert_error("review.lua", "review.lua:3:", NULL);
}

static void
test_valid_standard_loads(void **state)
{
	char		 loaded_at[32], name[64];
	struct status	 st;

	(void)state;
	put_shipped("review.lua");
	put_shipped("scoring/2019.lua");
	assert_int_equal(rules_reload(), 2);
	assert_null(rules_problem());
	assert_int_equal(status_count(), 2);
	assert_in_force("review.lua", "review.lua", NULL);
	assert_in_force("scoring/2019.lua", "scoring/2019.lua", loaded_at);
	st = status_of("scoring/2019.lua");
	assert_string_equal(st.kind, "scoring");
	assert_true(st.has_year);
	assert_int_equal(st.year, 2019);
	st = status_of("review.lua");
	assert_string_equal(st.kind, "review");
	assert_false(st.has_year);
	/* Nothing changed: a second reload does nothing. */
	assert_int_equal(rules_reload(), 0);

	/* The shipped 2019 standard: the busy fixture scores 49 of 50. */
	assert_true(score_year(2019, true, name, sizeof(name)) == 49);
	assert_string_equal(name, "scoring/2019.lua");
	assert_true(score_year(2019, false, NULL, 0) == 0);
}

static void
test_score_result_items(void **state)
{
	static const char *const keys[] = {
		"upkeep_basic", "upkeep_subsite_info", "upkeep_subsite_news", "report_work_exchange",
		"report_quarterly", "report_annual_on_time", "dept_reporting",
	};
	static const double maxes[] = { 5, 5, 5, 12, 8, 5, 10 };
	struct facts		 f;
	struct facts_qa		 qa[4];
	struct score_result	 r;
	char			 err[640];
	double			 sum = 0, max = 0;
	size_t			 i;

	(void)state;
	facts_fixture_busy(&f, 2019, qa);
	assert_int_equal(rules_score(&w, &f, &r, err, sizeof(err)), 0);
	assert_string_equal(r.title, "2019年度外贸预警工作评分标准");
	assert_int_equal(r.n, 7);
	for (i = 0; i < r.n; i++) {
		assert_string_equal(r.items[i].key, keys[i]);
		assert_true(r.items[i].max == maxes[i]);
		assert_true(r.items[i].label[0] != '\0' && r.items[i].reason[0] != '\0');
		sum += r.items[i].score;
		max += r.items[i].max;
	}
	assert_true(sum == r.total);
	assert_true(max == 50);
	score_result_free(&r);
}

static void
test_broken_rewrite_keeps_the_old_one(void **state)
{
	char		 before[65], loaded_at[32], name[64];
	struct status	 st;

	(void)state;
	sha_of_file("scoring/2019.lua", before);
	assert_in_force("scoring/2019.lua", "scoring/2019.lua", loaded_at);

	/* A syntax error on line 3. */
	put("scoring/2019.lua", "-- 改坏了\nlocal x = 1\nlocal y = = 2\nreturn { score = function() end }\n");
	assert_int_equal(rules_reload(), 0);
	st = status_of("scoring/2019.lua");
	assert_true(st.in_force);
	assert_string_equal(st.sha256, before);
	assert_string_equal(st.loaded_at, loaded_at);
	assert_error("scoring/2019.lua", "scoring/2019.lua:3:", NULL);
	assert_null(rules_problem());
	/* Scoring still uses the old one. */
	assert_true(score_year(2019, true, name, sizeof(name)) == 49);
	assert_string_equal(name, "scoring/2019.lua");

	/* Compiles, but fails when test-run: the line of the failure. */
	put("scoring/2019.lua",
	    "return {\n"
	    "  score = function(facts)\n"
	    "    local t = nil\n"
	    "    return t.items\n"
	    "  end,\n"
	    "}\n");
	assert_int_equal(rules_reload(), 0);
	st = status_of("scoring/2019.lua");
	assert_string_equal(st.sha256, before);
	assert_error("scoring/2019.lua", "scoring/2019.lua:4:", NULL);
	assert_true(score_year(2019, true, NULL, 0) == 49);

	/* An endless loop at load time is stopped, and named. */
	put("scoring/2019.lua", "local n = 0\nwhile true do n = n + 1 end\n");
	assert_int_equal(rules_reload(), 0);
	st = status_of("scoring/2019.lua");
	assert_string_equal(st.sha256, before);
	assert_error("scoring/2019.lua", "scoring/2019.lua:2:", "指令数上限");
	assert_true(score_year(2019, true, NULL, 0) == 49);
}

static void
test_valid_rewrite_replaces_it(void **state)
{
	struct rules_worker	 late = { 0 };
	struct facts		 f;
	struct score_result	 r;
	char			 err[640], name[64];

	(void)state;
	/* w synced before; it picks the new version up on its next use. */
	assert_true(w.files != NULL);
	put("scoring/2019.lua", standard(2));
	assert_int_equal(rules_reload(), 1);
	assert_in_force("scoring/2019.lua", "scoring/2019.lua", NULL);
	facts_empty(&f, 2019);
	assert_int_equal(rules_score(&w, &f, &r, err, sizeof(err)), 0);
	assert_true(r.total == 2);
	assert_string_equal(r.title, "测试标准 第 2 版");
	assert_int_equal(r.n, 1);
	assert_string_equal(r.items[0].reason, "2019 年按第 2 版计分");
	score_result_free(&r);

	put("scoring/2019.lua", standard(3));
	assert_int_equal(rules_reload(), 1);
	assert_true(score_year(2019, true, name, sizeof(name)) == 3);
	assert_string_equal(name, "scoring/2019.lua");
	/* A worker that starts now sees the same. */
	assert_int_equal(rules_score(&late, &f, &r, err, sizeof(err)), 0);
	assert_true(r.total == 3);
	score_result_free(&r);
	rules_worker_free(&late);
}

static void
test_restoring_the_version_in_force_clears_the_error(void **state)
{
	(void)state;
	/* Refused, then the file goes back to the version in force: the file
	 * on disk is the one in force, so there is nothing to report. */
	put("scoring/2019.lua", "return {\n");
	assert_int_equal(rules_reload(), 0);
	assert_error("scoring/2019.lua", "scoring/2019.lua:", NULL);
	put("scoring/2019.lua", standard(3));
	rules_reload();
	assert_in_force("scoring/2019.lua", "scoring/2019.lua", NULL);
	assert_true(score_year(2019, false, NULL, 0) == 3);
}

static void
test_year_without_its_own_standard(void **state)
{
	struct facts		 f;
	struct score_result	 r;
	char			 err[640], name[64];

	(void)state;
	assert_true(score_year(2021, false, name, sizeof(name)) == 3);
	assert_string_equal(name, "scoring/2019.lua");
	facts_empty(&f, 2018);
	assert_int_equal(rules_score(&w, &f, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "没有 2018 年或更早年度的评分标准");

	/* With a 2020 standard, 2021 takes that one; 2019 keeps its own. */
	put("scoring/2020.lua", standard(20));
	assert_int_equal(rules_reload(), 1);
	assert_in_force("scoring/2020.lua", "scoring/2020.lua", NULL);
	assert_true(score_year(2021, false, name, sizeof(name)) == 20);
	assert_string_equal(name, "scoring/2020.lua");
	assert_true(score_year(2020, false, name, sizeof(name)) == 20);
	assert_true(score_year(2019, false, name, sizeof(name)) == 3);
	assert_string_equal(name, "scoring/2019.lua");
}

static void
test_removed_standard_is_unloaded(void **state)
{
	char name[64];

	(void)state;
	rm("scoring/2020.lua");
	assert_int_equal(rules_reload(), 1);
	assert_false(status_of("scoring/2020.lua").listed);
	assert_int_equal(status_count(), 2);
	assert_true(score_year(2021, false, name, sizeof(name)) == 3);
	assert_string_equal(name, "scoring/2019.lua");
	assert_true(score_year(2020, false, name, sizeof(name)) == 3);
	assert_null(rules_problem());
	/* Files that are not standards are ignored. */
	put("scoring/notes.lua", "这不是 Lua");
	put("scoring/2019.test.lua", "return {}\n");
	put("scoring/19.lua", "return {}\n");
	assert_int_equal(rules_reload(), 0);
	assert_int_equal(status_count(), 2);
	rm("scoring/notes.lua");
	rm("scoring/2019.test.lua");
	rm("scoring/19.lua");
}

struct bad_standard {
	const char	*file;
	const char	*src;
	const char	*why;	/* in the error */
};

static void
test_bad_standards_refused_at_load(void **state)
{
	static const struct bad_standard bad[] = {
		{ "2022", "return { score = function(f)\n"
		    "  return { items = { { key = \"a\", label = \"甲\", score = 6, max = 5, reason = \"超\" } },\n"
		    "           total = 6 }\nend }\n", "不在 0 到 5 之间" },
		/* Above max only for the busy fixture (12 work exchange items). */
		{ "2023", "return { score = function(f)\n"
		    "  local s = f.counts.work_exchange\n"
		    "  return { items = { { key = \"a\", label = \"甲\", score = s, max = 10, reason = \"多\" } },\n"
		    "           total = s }\nend }\n", "不在 0 到 10 之间" },
		{ "2024", "return { score = function(f)\n"
		    "  return { items = { { key = \"a\", label = \"甲\", score = 1, max = 5, reason = \"\" },\n"
		    "                     { key = \"b\", label = \"乙\", score = 2, max = 5, reason = \"\" } },\n"
		    "           total = 4 }\nend }\n", "不等于各项得分之和" },
		{ "2025", "return { title = \"没有评分函数\", max = 50 }\n", "没有 score 函数" },
		{ "2026", "return 50\n", "须返回一个表" },
		{ "2027", "return { score = function(f) return { total = 0 } end }\n", "items" },
		{ "2028", "return { score = function(f)\n"
		    "  return { items = { { key = \"a\", label = \"甲\", score = -1, max = 5, reason = \"\" } },\n"
		    "           total = -1 }\nend }\n", "不在 0 到 5 之间" },
		{ "2029", "return { score = function(f)\n"
		    "  return { items = { { key = \"a\", label = \"甲\", score = 0/0, max = 5, reason = \"\" } },\n"
		    "           total = 0 }\nend }\n", "须为数字" },
	};
	char		 rel[64], name[64];
	size_t		 i;
	struct status	 st;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(rel, sizeof(rel), "scoring/%s.lua", bad[i].file);
		put(rel, bad[i].src);
	}
	assert_int_equal(rules_reload(), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(rel, sizeof(rel), "scoring/%s.lua", bad[i].file);
		st = status_of(rel);
		if (!st.listed)
			fail_msg("%s is not listed", rel);
		assert_false(st.in_force);
		assert_true(st.sha256_null && st.loaded_at_null);
		assert_error(rel, rel, bad[i].why);
	}
	/* None is used: those years fall back to 2019. */
	assert_true(score_year(2029, true, name, sizeof(name)) == 3);
	assert_string_equal(name, "scoring/2019.lua");
	assert_null(rules_problem());
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(rel, sizeof(rel), "scoring/%s.lua", bad[i].file);
		rm(rel);
	}
	rules_reload();
	assert_int_equal(status_count(), 2);
}

static void
test_problem_without_any_standard(void **state)
{
	const char *p;

	(void)state;
	rm("scoring/2019.lua");
	assert_int_equal(rules_reload(), 1);
	assert_non_null(p = rules_problem());
	assert_non_null(strstr(p, "评分标准"));
	put("scoring/2019.lua", standard(4));
	assert_int_equal(rules_reload(), 1);
	assert_null(rules_problem());
	assert_true(score_year(2019, false, NULL, 0) == 4);
}

/* --------------------------------------------------------- review policy */

static void
assert_chain(const char *type, const char *role, size_t n, const char *l1, const char *l2)
{
	char	 levels[REVIEW_MAX_LEVELS][16], err[640];
	size_t	 got = 99;

	if (rules_review_chain(&w, type, role, levels, &got, err, sizeof(err)) == -1)
		fail_msg("chain(%s, %s): %s", type, role, err);
	if (got != n)
		fail_msg("chain(%s, %s) has %zu levels, want %zu", type, role, got, n);
	if (n > 0)
		assert_string_equal(levels[0], l1);
	if (n > 1)
		assert_string_equal(levels[1], l2);
}

static void
test_review_chains(void **state)
{
	static const char *const direct[] = {
		"quarterly_analysis", "annual_summary", "subsite_post", "notice", NULL,
	};
	size_t i;

	(void)state;
	assert_chain("warning_info", "point", 2, "city", "province");
	assert_chain("warning_info", "city", 1, "province", NULL);
	assert_chain("warning_info", "province", 0, NULL, NULL);
	for (i = 0; direct[i] != NULL; i++) {
		assert_chain(direct[i], "point", 0, NULL, NULL);
		assert_chain(direct[i], "city", 0, NULL, NULL);
		assert_chain(direct[i], "province", 0, NULL, NULL);
	}
	/* A plugin's type: the province reviews what points and cities send. */
	assert_chain("plugin_report", "point", 1, "province", NULL);
	assert_chain("plugin_report", "city", 1, "province", NULL);
	assert_chain("plugin_report", "editor", 0, NULL, NULL);
}

/* 0 allowed, 1 refused (field in field). */
static int
check(const char *level, const char *role, const char *decision, bool magazine,
    bool work_exchange, bool internal, const char *opinion, char field[64])
{
	struct review_ctx	 c;
	char			 msg[640];
	int			 rc;

	memset(&c, 0, sizeof(c));
	c.type = "warning_info";
	c.level = level;
	c.role = role;
	c.decision = decision;
	c.magazine = magazine;
	c.work_exchange = work_exchange;
	c.internal_exchange = internal;
	c.opinion = opinion;
	field[0] = '\0';
	rc = rules_review_check(&w, &c, field, 64, msg, sizeof(msg));
	if (rc == -1)
		fail_msg("check(%s, %s, %s) failed: %s", level, role, decision, msg);
	if (rc == 1 && msg[0] == '\0')
		fail_msg("check(%s, %s, %s) refused without a message", level, role, decision);
	return rc;
}

static void
test_review_check(void **state)
{
	char field[64];

	(void)state;
	/* Internal exchange excludes the magazine. */
	assert_int_equal(check("province", "province", "pass", true, false, true, "", field), 1);
	assert_string_equal(field, "options");
	assert_int_equal(check("province", "province", "pass", false, true, true, "", field), 1);
	assert_string_equal(field, "options");
	assert_int_equal(check("province", "province", "pass", true, true, false, "", field), 0);
	assert_int_equal(check("province", "province", "pass", false, false, true, NULL, field), 0);
	/* Return and reject need an opinion that is not blank. */
	assert_int_equal(check("province", "province", "return", false, false, false, "", field), 1);
	assert_string_equal(field, "opinion");
	assert_int_equal(check("province", "province", "reject", false, false, false, NULL, field), 1);
	assert_string_equal(field, "opinion");
	assert_int_equal(check("city", "city", "return", false, false, false,
	    " \t\xe3\x80\x80", field), 1);		/* with a full-width space */
	assert_string_equal(field, "opinion");
	assert_int_equal(check("province", "province", "return", false, false, false,
	    "请补充数据来源", field), 0);
	assert_int_equal(check("city", "city", "reject", false, false, false, "非原创，不予通过", field), 0);
	/* A level the role does not hold, an unknown decision. */
	assert_int_equal(check("province", "city", "pass", false, false, false, "", field), 1);
	assert_string_equal(field, "decision");
	assert_int_equal(check("city", "province", "pass", false, false, false, "", field), 1);
	assert_string_equal(field, "decision");
	assert_int_equal(check("city", "city", "revert", false, false, false, "", field), 1);
	assert_string_equal(field, "decision");
	assert_int_equal(check("province", "province", "approve", false, false, false, "", field), 1);
	assert_string_equal(field, "decision");
	/* Options only at province level, only with pass. */
	assert_int_equal(check("city", "city", "pass", true, false, false, "", field), 1);
	assert_string_equal(field, "options");
	assert_int_equal(check("city", "city", "pass", false, false, true, "", field), 1);
	assert_string_equal(field, "options");
	assert_int_equal(check("province", "province", "reject", true, false, false, "不行", field), 1);
	assert_string_equal(field, "options");
	assert_int_equal(check("city", "city", "pass", false, false, false, "", field), 0);
	assert_int_equal(check("province", "province", "revert", false, false, false, "", field), 0);
}

static void
test_review_check_direct_type(void **state)
{
	struct review_ctx	 c;
	char			 field[64], msg[640];

	(void)state;
	memset(&c, 0, sizeof(c));
	c.type = "subsite_post";
	c.level = "province";
	c.role = "province";
	c.decision = "pass";
	assert_int_equal(rules_review_check(&w, &c, field, sizeof(field), msg, sizeof(msg)), 1);
	assert_string_equal(field, "decision");
	assert_non_null(strstr(msg, "无需审核"));
}

static void
test_review_presets(void **state)
{
	json_t	*p;
	char	 err[640], got[4][256];
	size_t	 i, n;

	(void)state;
	if ((p = rules_review_presets(&w, err, sizeof(err))) == NULL)
		fail_msg("presets: %s", err);
	n = json_array_size(p);
	for (i = 0; i < n && i < 4; i++)
		snprintf(got[i], sizeof(got[i]), "%s",
		    json_is_string(json_array_get(p, i)) ? json_string_value(json_array_get(p, i)) : "");
	json_decref(p);
	assert_int_equal(n, 3);
	assert_string_equal(got[0], "非原创，不予通过");
	assert_string_equal(got[1], "内容较有深度，但存在保密信息，推荐内部交流");
	assert_string_equal(got[2], "内容具有典型性，建议推荐到《浙江商务》");
}

static void
test_removed_review_policy_stays_in_force(void **state)
{
	struct status	 st;
	char		 sha[65];

	(void)state;
	sha_of_file("review.lua", sha);
	rm("review.lua");
	rules_reload();
	st = status_of("review.lua");
	assert_true(st.in_force);
	assert_string_equal(st.sha256, sha);
	assert_error("review.lua", "review.lua", "删除");
	assert_null(rules_problem());
	assert_chain("warning_info", "point", 2, "city", "province");
	/* Put back unchanged: in force, and nothing left to report. */
	put_shipped("review.lua");
	rules_reload();
	assert_in_force("review.lua", "review.lua", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_review_policy_is_a_problem),
		cmocka_unit_test(test_broken_review_policy_stays_a_problem),
		cmocka_unit_test(test_valid_standard_loads),
		cmocka_unit_test(test_score_result_items),
		cmocka_unit_test(test_broken_rewrite_keeps_the_old_one),
		cmocka_unit_test(test_valid_rewrite_replaces_it),
		cmocka_unit_test(test_restoring_the_version_in_force_clears_the_error),
		cmocka_unit_test(test_year_without_its_own_standard),
		cmocka_unit_test(test_removed_standard_is_unloaded),
		cmocka_unit_test(test_bad_standards_refused_at_load),
		cmocka_unit_test(test_problem_without_any_standard),
		cmocka_unit_test(test_review_chains),
		cmocka_unit_test(test_review_check),
		cmocka_unit_test(test_review_check_direct_type),
		cmocka_unit_test(test_review_presets),
		cmocka_unit_test(test_removed_review_policy_stays_in_force),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
