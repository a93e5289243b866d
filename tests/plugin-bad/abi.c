/* A plugin built for plugin ABI 2.0: a yujing of ABI 1 must refuse it. */
#include "yujing-plugin.h"

static const struct yj_field fields[] = {
	{ .name = "title", .label = "标题", .type = YJ_FIELD_TEXT, .required = 1 },
};

static const struct yj_report_type types[] = {
	{ .name = "future_type", .label = "未来类型", .fields = fields,
	  .nfields = YJ_COUNT(fields), .submit_roles = YJ_ROLE_POINT },
};

extern YJ_EXPORT const struct yj_plugin yj_plugin_descriptor;
YJ_EXPORT const struct yj_plugin yj_plugin_descriptor = {
	.abi_major = 2, .abi_minor = 0, .struct_size = sizeof(struct yj_plugin),
	.name = "future", .version = "2.0", .types = types, .ntypes = YJ_COUNT(types),
};
