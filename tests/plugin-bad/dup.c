/* A plugin that takes the name of the built-in warning_info plugin: must
 * be refused once the built-ins are loaded. */
#include "yujing-plugin.h"

static const struct yj_field fields[] = {
	{ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT, .required = 1 },
};

static const struct yj_report_type types[] = {
	{ .name = "warning_info_copy", .label = "预警信息副本", .fields = fields,
	  .nfields = YJ_COUNT(fields), .submit_roles = YJ_ROLE_POINT },
};

YJ_PLUGIN(.name = "warning_info", .version = "0.1", .types = types,
    .ntypes = YJ_COUNT(types));
