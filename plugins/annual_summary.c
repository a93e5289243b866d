/* yujing plugin — annual_summary 年度工作总结: a point's summary of its
 * year's warning work.  Submitting completes it (rules/review.lua). */
#include <stdio.h>
#include <time.h>

#include "yujing-plugin.h"

static const struct yj_field fields[] = {
	{ .name = "year", .label = "年度", .type = YJ_FIELD_INT, .required = 1,
	  .min = 2000, .max = 2100 },
	{ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT, .required = 1,
	  .max_length = 200 },
	{ .name = "content", .label = "内容", .type = YJ_FIELD_LONGTEXT, .required = 1,
	  .max_length = 50000 },
};

/* A year is summed up while it runs or after it (Beijing time). */
static int
validate(const struct yj_host *host, const struct yj_record *rec, struct yj_error *err)
{
	const struct yj_value	*year = host->value(rec, "year");
	time_t			 now = time(NULL) + 8 * 3600;
	struct tm		 tm;

	gmtime_r(&now, &tm);
	if (year->num > tm.tm_year + 1900) {
		err->code = YJ_ERR_INVALID;
		snprintf(err->field, sizeof(err->field), "year");
		snprintf(err->message, sizeof(err->message), "年度不能晚于今年（%d 年）",
		    tm.tm_year + 1900);
		return -1;
	}
	return 0;
}

static const char *const metrics[] = {
	"annual_summary",	/* 年度总结 */
	NULL
};

static const struct yj_report_type types[] = {
	{ .name = "annual_summary", .label = "年度工作总结", .fields = fields,
	  .nfields = YJ_COUNT(fields), .submit_roles = YJ_ROLE_POINT,
	  .metrics = metrics, .validate = validate },
};

YJ_PLUGIN(.name = "annual_summary", .version = "1.0", .types = types,
    .ntypes = YJ_COUNT(types));
