/* yujing plugin — quarterly_analysis 季度形势分析: a point's analysis of
 * its industry's export situation in one quarter.  Submitting completes
 * it; the magazine editor may accept it (rules/review.lua). */
#include <stdio.h>
#include <time.h>

#include "yujing-plugin.h"

static const struct yj_field fields[] = {
	{ .name = "year", .label = "年度", .type = YJ_FIELD_INT, .required = 1,
	  .min = 2000, .max = 2100 },
	{ .name = "quarter", .label = "季度", .type = YJ_FIELD_INT, .required = 1,
	  .min = 1, .max = 4 },
	{ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT, .required = 1,
	  .max_length = 200 },
	{ .name = "content", .label = "内容", .type = YJ_FIELD_LONGTEXT, .required = 1,
	  .max_length = 50000 },
};

/* A quarter is analysed while it runs or after it: not before it begins
 * (Beijing time). */
static int
validate(const struct yj_host *host, const struct yj_record *rec, struct yj_error *err)
{
	const struct yj_value	*year = host->value(rec, "year");
	const struct yj_value	*quarter = host->value(rec, "quarter");
	time_t			 now = time(NULL) + 8 * 3600;
	struct tm		 tm;
	long long		 y, q;

	gmtime_r(&now, &tm);
	y = tm.tm_year + 1900;
	q = tm.tm_mon / 3 + 1;
	if (year->num > y || (year->num == y && quarter->num > q)) {
		err->code = YJ_ERR_INVALID;
		snprintf(err->field, sizeof(err->field), "%s", year->num > y ? "year" : "quarter");
		snprintf(err->message, sizeof(err->message),
		    "季度不能晚于本季度（%lld 年第 %lld 季度）", y, q);
		return -1;
	}
	return 0;
}

static const char *const metrics[] = {
	"quarterly_analysis",	/* 季度分析 */
	"quarterly_magazine",	/* 季度分析杂志录用 */
	NULL
};

static const struct yj_report_type types[] = {
	{ .name = "quarterly_analysis", .label = "季度形势分析", .fields = fields,
	  .nfields = YJ_COUNT(fields), .submit_roles = YJ_ROLE_POINT,
	  .metrics = metrics, .validate = validate },
};

YJ_PLUGIN(.name = "quarterly_analysis", .version = "1.0", .types = types,
    .ntypes = YJ_COUNT(types));
