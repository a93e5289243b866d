/* yujing plugin — warning_info 预警信息: the original warning information
 * a point (or a city's commerce bureau) reports.  Reviewed by the city,
 * then the province (rules/review.lua). */
#include <string.h>

#include "yujing-plugin.h"

/* An HS code: 2 to 10 digits (chapter, heading, subheading, national). */
static const char *
hs_code(const char *s)
{
	size_t n = strspn(s, "0123456789");

	if (s[n] != '\0' || n < 2 || n > 10)
		return "须为 2 到 10 位数字的 HS 编码，如 9609 或 96091010";
	return NULL;
}

static const struct yj_field fields[] = {
	{ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT, .required = 1,
	  .max_length = 200 },
	{ .name = "country", .label = "国别地区", .type = YJ_FIELD_DICT, .required = 1,
	  .dict = "countries" },
	{ .name = "industry", .label = "所属行业", .type = YJ_FIELD_DICT, .required = 1,
	  .dict = "industries" },
	{ .name = "measure_type", .label = "措施类型", .type = YJ_FIELD_DICT, .required = 1,
	  .dict = "measure_types" },
	{ .name = "hs_codes", .label = "HS编码", .type = YJ_FIELD_LIST_OF_TEXT,
	  .max_length = 10, .check = hs_code, .max = 20 },
	{ .name = "source_url", .label = "信息来源网址", .type = YJ_FIELD_TEXT,
	  .max_length = 500, .format = "url" },
	{ .name = "content", .label = "内容", .type = YJ_FIELD_LONGTEXT, .required = 1,
	  .max_length = 50000 },
	{ .name = "comment_deadline", .label = "评议截止日期", .type = YJ_FIELD_DATE },
	{ .name = "author", .label = "作者", .type = YJ_FIELD_TEXT, .required = 1,
	  .max_length = 50 },
	{ .name = "phone", .label = "联系电话", .type = YJ_FIELD_TEXT, .required = 1,
	  .max_length = 40, .format = "phone" },
};

static const char *const metrics[] = {
	"warning_info",		/* 上报信息 */
	"warning_magazine",	/* 预警信息杂志录用 */
	"work_exchange",	/* 外网录用 */
	"internal_adopted",	/* 内部交流采纳 */
	NULL
};

static const struct yj_report_type types[] = {
	{ .name = "warning_info", .label = "预警信息", .fields = fields,
	  .nfields = YJ_COUNT(fields), .submit_roles = YJ_ROLE_POINT | YJ_ROLE_CITY,
	  .metrics = metrics },
};

YJ_PLUGIN(.name = "warning_info", .version = "1.0", .types = types,
    .ntypes = YJ_COUNT(types));
