/* yujing plugin — notice 下发信息: a notice the province sends down to all
 * points, one city's points or chosen points; issued on submit, read in
 * the points' inboxes (rules/review.lua). */
#include "yujing-plugin.h"

static const struct yj_field fields[] = {
	{ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT, .required = 1,
	  .max_length = 200 },
	{ .name = "content", .label = "内容", .type = YJ_FIELD_LONGTEXT, .required = 1,
	  .max_length = 50000 },
	/* {"all": true} | {"city": "330100"} | {"points": [ids]} */
	{ .name = "audience", .label = "接收范围", .type = YJ_FIELD_AUDIENCE, .required = 1 },
};

static const struct yj_report_type types[] = {
	{ .name = "notice", .label = "下发信息", .fields = fields,
	  .nfields = YJ_COUNT(fields), .submit_roles = YJ_ROLE_PROVINCE },
};

YJ_PLUGIN(.name = "notice", .version = "1.0", .types = types,
    .ntypes = YJ_COUNT(types));
