/* yujing — unit tests: the counting rules of the statistics (core/stats.h,
 * stats_counts): which metrics a completed item counts in, and its
 * statistical year, month and quarter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "stats.h"
#include "yujing-plugin.h"

static const struct yj_field wi_fields[] = {
	{ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT },
};
static const char *const wi_metrics[] = {
	"warning_info", "internal_adopted", "warning_magazine", "work_exchange", NULL,
};
static const struct yj_report_type wi = {
	.name = "warning_info", .label = "预警信息", .fields = wi_fields, .nfields = 1,
	.metrics = wi_metrics,
};

static const struct yj_field qa_fields[] = {
	{ .name = "year", .label = "年度", .type = YJ_FIELD_INT },
	{ .name = "quarter", .label = "季度", .type = YJ_FIELD_INT },
};
static const char *const qa_metrics[] = { "quarterly_analysis", "quarterly_magazine", NULL };
static const struct yj_report_type qa = {
	.name = "quarterly_analysis", .label = "季度形势分析", .fields = qa_fields, .nfields = 2,
	.metrics = qa_metrics,
};

static const struct yj_field sp_fields[] = {
	{ .name = "column", .label = "栏目", .type = YJ_FIELD_TEXT },
};
static const char *const sp_metrics[] = {
	"subsite_info:column=预警信息", "subsite_news:column=工作动态", NULL,
};
static const struct yj_report_type sp = {
	.name = "subsite_post", .label = "子网站信息", .fields = sp_fields, .nfields = 1,
	.metrics = sp_metrics,
};

static struct stats_item
item(const struct yj_report_type *t, const char *state, const char *at)
{
	struct stats_item it;

	memset(&it, 0, sizeof(it));
	it.type = t;
	it.point_id = 7;
	it.state = state;
	it.first_submitted_at = at;
	return it;
}

static bool
has(const struct stats_count *c, size_t n, int metric)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i].metric == metric)
			return true;
	return false;
}

static void
test_only_approved_items_of_a_point_count(void **st)
{
	static const char *const states[] = { "draft", "submitted", "returned", "rejected" };
	struct stats_count c[METRIC_N];
	struct stats_item it;
	size_t i;

	(void)st;
	for (i = 0; i < 4; i++) {
		it = item(&wi, states[i], "2019-05-09 10:00:00");
		it.work_exchange = true;
		assert_int_equal(stats_counts(&it, c), 0);
	}
	it = item(&wi, "approved", "2019-05-09 10:00:00");
	it.point_id = 0;		/* a city's own */
	assert_int_equal(stats_counts(&it, c), 0);
	it = item(&wi, "approved", NULL);
	assert_int_equal(stats_counts(&it, c), 0);
	it = item(NULL, "approved", "2019-05-09 10:00:00");
	assert_int_equal(stats_counts(&it, c), 0);
}

static void
test_metric_definitions(void **st)
{
	struct stats_count c[METRIC_N];
	struct stats_item it = item(&wi, "approved", "2019-05-09 10:00:00");
	size_t n;

	(void)st;
	n = stats_counts(&it, c);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].metric, M_WARNING_INFO);
	assert_int_equal(c[0].year, 2019);
	assert_int_equal(c[0].month, 5);
	assert_int_equal(c[0].quarter, 2);
	it.work_exchange = true;
	it.internal = true;		/* not adopted yet: no internal_adopted */
	it.magazine = "pending";	/* not accepted yet */
	n = stats_counts(&it, c);
	assert_int_equal(n, 2);
	assert_true(has(c, n, M_WORK_EXCHANGE));
	assert_false(has(c, n, M_INTERNAL_ADOPTED));
	assert_false(has(c, n, M_WARNING_MAGAZINE));
	it.adopted = true;
	it.magazine = "accepted";
	n = stats_counts(&it, c);
	assert_int_equal(n, 4);
	assert_true(has(c, n, M_INTERNAL_ADOPTED));
	assert_true(has(c, n, M_WARNING_MAGAZINE));
	it.magazine = "declined";
	it.internal = false;		/* adopted without internal exchange: no */
	n = stats_counts(&it, c);
	assert_int_equal(n, 2);
	assert_false(has(c, n, M_WARNING_MAGAZINE));
	assert_false(has(c, n, M_INTERNAL_ADOPTED));
}

static void
test_declared_year_and_quarter(void **st)
{
	struct stats_count c[METRIC_N];
	struct stats_item it = item(&qa, "approved", "2020-01-10 09:00:00");
	size_t n;

	(void)st;
	/* A 4th-quarter analysis of 2019 filed in January 2020: 2019, December. */
	it.year = 2019;
	it.quarter = 4;
	n = stats_counts(&it, c);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].metric, M_QUARTERLY_ANALYSIS);
	assert_int_equal(c[0].year, 2019);
	assert_int_equal(c[0].month, 12);
	assert_int_equal(c[0].quarter, 4);
	/* Filed early for a later year: its January. */
	it.year = 2021;
	it.quarter = 0;
	n = stats_counts(&it, c);
	assert_int_equal(c[0].year, 2021);
	assert_int_equal(c[0].month, 1);
	assert_int_equal(c[0].quarter, 1);
	/* A warning info has no year field: the year of first submission,
	 * whatever a "year" value says. */
	it = item(&wi, "approved", "2020-12-31 23:59:59");
	it.year = 2019;
	n = stats_counts(&it, c);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].year, 2020);
	assert_int_equal(c[0].month, 12);
	assert_int_equal(c[0].quarter, 4);
}

static void
test_conditional_metric(void **st)
{
	struct stats_count c[METRIC_N];
	struct stats_item it = item(&sp, "approved", "2019-03-01 08:00:00");
	json_t *f = json_pack("{s:s}", "column", "工作动态");
	size_t n;

	(void)st;
	it.fields = f;
	n = stats_counts(&it, c);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].metric, M_SUBSITE_NEWS);
	json_object_set_new(f, "column", json_string("预警信息"));
	n = stats_counts(&it, c);
	assert_int_equal(n, 1);
	assert_int_equal(c[0].metric, M_SUBSITE_INFO);
	json_object_set_new(f, "column", json_string("政策法规"));
	assert_int_equal(stats_counts(&it, c), 0);
	json_decref(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_approved_items_of_a_point_count),
		cmocka_unit_test(test_metric_definitions),
		cmocka_unit_test(test_declared_year_and_quarter),
		cmocka_unit_test(test_conditional_metric),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
