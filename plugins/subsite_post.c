/* yujing plugin — subsite_post 子网站信息: a post on a point's sub-site,
 * in one of three columns; published on submit (rules/review.lua). */
#include "yujing-plugin.h"

static const char *const columns[] = { "预警信息", "工作动态", "政策法规", NULL };

static const struct yj_field fields[] = {
	{ .name = "column", .label = "栏目", .type = YJ_FIELD_TEXT, .required = 1,
	  .choices = columns },
	{ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT, .required = 1,
	  .max_length = 200 },
	{ .name = "content", .label = "内容", .type = YJ_FIELD_LONGTEXT, .required = 1,
	  .max_length = 50000 },
};

/* The column decides the count: 子网站信息 (预警信息), 子网站工作动态
 * (工作动态) or subsite_policy (政策法规, which tells a standard that the
 * column was updated). */
static const char *const metrics[] = {
	"subsite_info:column=预警信息",
	"subsite_news:column=工作动态",
	"subsite_policy:column=政策法规",
	NULL
};

static const struct yj_report_type types[] = {
	{ .name = "subsite_post", .label = "子网站信息", .fields = fields,
	  .nfields = YJ_COUNT(fields), .submit_roles = YJ_ROLE_POINT,
	  .metrics = metrics },
};

YJ_PLUGIN(.name = "subsite_post", .version = "1.0", .types = types,
    .ntypes = YJ_COUNT(types));
