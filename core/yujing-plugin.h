/*
 * yujing-plugin.h — report-type plugins for yujing.
 *
 * A plugin is a shared object (.so) in yujing's plugins_dir.  It exports
 * one symbol, yj_plugin_descriptor, a struct yj_plugin that names the
 * plugin and lists its report types.  A report type is mostly data: its
 * fields (name, Chinese label, kind, required, length, dictionary, choices,
 * checks), who may submit it and which statistics it feeds.  yujing loads
 * every plugin at start, before it serves a request, and refuses to start
 * when one is wrong, naming the file and the reason.
 *
 * Build one out of tree:
 *
 *	cc $(pkg-config --cflags yujing-plugin) -shared -fPIC -o my_type.so my_type.c
 *	install my_type.so $(pkg-config --variable=plugindir yujing-plugin)
 *
 * and check it with "yujing plugins check DIR" before restarting yujing.
 *
 * Compatibility rules (the same idea as SQLite's sqlite3_api_routines and
 * nginx's module signature):
 *
 *  - YJ_PLUGIN_ABI_MAJOR changes only when an existing member changes
 *    meaning, type or place.  A plugin whose major differs from the host's
 *    is refused.
 *  - YJ_PLUGIN_ABI_MINOR grows when something is added: a member taken
 *    from a reserved slot, a member appended to struct yj_plugin or struct
 *    yj_host, a new field kind, a new dictionary.  A host runs plugins built
 *    for its own or an older minor; a plugin built for a newer minor than
 *    the host's is refused (it may rely on what the host lacks).
 *  - struct yj_plugin and struct yj_host carry struct_size, the size the
 *    other side was compiled with: each side reads only the members that
 *    lie within it (see YJ_HOST_HAS).  A descriptor smaller than the
 *    ABI 1.0 descriptor is refused.
 *  - struct yj_field, struct yj_report_type, struct yj_value, struct
 *    yj_record and struct yj_error are laid out in arrays or shared
 *    buffers, so their size is fixed for a major version: new members take
 *    the reserved slots.  Reserved slots must be zero (NULL); the host
 *    refuses a descriptor or type whose reserved slots are not.
 *  - struct yj_host is append-only: members are never removed or
 *    reordered, new ones go at the end.
 *  - Enumerations only grow; a value the host does not know is refused.
 *
 * Everything a plugin hands the host (descriptor, types, fields, strings)
 * must stay valid and unchanged while the plugin is loaded: static const
 * data is the rule.  The host calls a plugin from several threads at once:
 * check and validate functions must be reentrant.
 */
#ifndef YUJING_PLUGIN_H
#define YUJING_PLUGIN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define YJ_PLUGIN_ABI_MAJOR	1
#define YJ_PLUGIN_ABI_MINOR	0

/* The name of the one symbol a plugin exports. */
#define YJ_PLUGIN_SYMBOL	"yj_plugin_descriptor"

/* Roles that may submit a type (API.md role ids). */
#define YJ_ROLE_ADMIN		(1u << 0)	/* admin    系统管理员 */
#define YJ_ROLE_PROVINCE	(1u << 1)	/* province 省商务厅预警工作联系人 */
#define YJ_ROLE_CITY		(1u << 2)	/* city     地市商务局 */
#define YJ_ROLE_POINT		(1u << 3)	/* point    预警点 */
#define YJ_ROLE_EDITOR		(1u << 4)	/* editor   《浙江商务》杂志编辑 */

/* What a field holds; in GET /api/report-types as the lower-case name
 * after YJ_FIELD_ ("text", "longtext", …).  Zero is no kind: a field left
 * zero is refused. */
enum yj_field_type {
	YJ_FIELD_TEXT = 1,	/* a string on one line */
	YJ_FIELD_LONGTEXT,	/* a string of several lines (tabs and line
				 * breaks allowed) */
	YJ_FIELD_INT,		/* a JSON integer, within [min, max] */
	YJ_FIELD_BOOL,		/* true or false */
	YJ_FIELD_DATE,		/* "2019-05-09" */
	YJ_FIELD_DICT,		/* a code of the dictionary named by dict */
	YJ_FIELD_LIST_OF_TEXT,	/* an array of one-line strings, each checked
				 * like a text field; no duplicates */
	YJ_FIELD_AUDIENCE,	/* who receives a notice: {"all": true},
				 * {"city": "330100"} or {"points": [3, 7]} */
};

/* One field of a report type.
 *
 * name		the JSON key: a-z, 0-9 and _, starting with a letter, at
 *		most 32 bytes; unique within the type.
 * label	Chinese, shown to users; error messages start with it
 *		("标题" → "标题不能为空").
 * required	non-zero: must be present, not null, not empty (a list: at
 *		least one item).
 * max_length	text, longtext, each list item: at most this many characters
 *		(not bytes); 0: 200 for text and list items, 50000 for
 *		longtext.
 * dict		YJ_FIELD_DICT only: "countries", "industries",
 *		"measure_types" or "cities" (the 11 cities of the regions
 *		dictionary).
 * check	text and list items: NULL when the string is fine, else a
 *		static Chinese message that follows the label, e.g.
 *		"须为 2 到 10 位数字，如 9609".  Called with non-empty strings
 *		only, from any thread.
 * choices	text and list items: NULL, or a NULL-terminated list of the
 *		only values allowed.
 * format	text and list items: NULL, or a check the host provides:
 *		"phone", "mobile", "email", "url", "credit_code" (the same
 *		checks the core applies to points and enterprises).
 * min, max	int: the allowed range (both 0: any value).  list_of_text,
 *		and the points of an audience: how many items (max 0: 100
 *		items for a list, 1000 points).
 */
struct yj_field {
	const char		*name;
	const char		*label;
	enum yj_field_type	 type;
	int			 required;
	size_t			 max_length;
	const char		*dict;
	const char		*(*check)(const char *value);
	const char *const	*choices;
	const char		*format;
	long long		 min, max;
	void			*reserved[4];
};

/* A field's value as the host validated it, for a type's validate hook.
 * Strings are UTF-8 and borrowed: valid during the call only. */
struct yj_value {
	int			 present;	/* 0: absent, null or empty */
	const char		*text;		/* text, longtext, date, dict */
	long long		 num;		/* int; bool: 0 or 1 */
	const char *const	*items;		/* list_of_text */
	size_t			 nitems;
	int			 all;		/* audience {"all": true} */
	const char		*city;		/* audience {"city": code} */
	const long long		*ids;		/* audience {"points": [...]} */
	size_t			 nids;
	void			*reserved[4];
};

struct yj_host;
struct yj_report_type;

/* A submission's fields: values[i] belongs to type->fields[i]. */
struct yj_record {
	const struct yj_report_type *type;
	const struct yj_value	*values;
	size_t			 nvalues;
	void			*reserved[4];
};

enum yj_error_code {
	YJ_ERR_INVALID = 1,	/* a value fails validation (400 invalid) */
	YJ_ERR_TYPE,		/* a value has the wrong JSON type (400 bad_request) */
	YJ_ERR_UNAVAILABLE,	/* a lookup failed, e.g. the database is down (503) */
};

/* What failed: the field's name (or "" for the record as a whole) and a
 * Chinese message fit to show a user.  A validate hook that returns
 * non-zero fills it (code 0 is taken as YJ_ERR_INVALID). */
struct yj_error {
	int			 code;		/* enum yj_error_code */
	char			 field[64];
	char			 message[256];
};

/* A report type.
 *
 * name		[a-z][a-z0-9_]*, at most 32 bytes; unique among all plugins.
 * label	Chinese: 预警信息, 季度形势分析 …
 * submit_roles	YJ_ROLE_* bits: who may create and submit it.
 * metrics	NULL, or a NULL-terminated list of the statistics it feeds
 *		(API.md metric names: warning_info, annual_summary,
 *		quarterly_analysis, internal_adopted, quarterly_magazine,
 *		warning_magazine, subsite_info, subsite_news, work_exchange).
 *		"metric:field=value" feeds the metric only with records whose
 *		field has that value: "subsite_news:column=工作动态".  How a
 *		record counts (passed, accepted, adopted) is the metric's own
 *		definition, in the core.
 * validate	NULL, or a check across fields, called after every field
 *		passed its own checks: 0 when fine, else non-zero with err
 *		filled.
 *
 * The review chain is not here: it is policy, in rules/review.lua.
 */
struct yj_report_type {
	const char		*name;
	const char		*label;
	const struct yj_field	*fields;
	size_t			 nfields;
	unsigned		 submit_roles;
	const char *const	*metrics;
	int			(*validate)(const struct yj_host *,
				    const struct yj_record *, struct yj_error *);
	void			*reserved[8];
};

/* Levels for yj_host.log. */
#define YJ_LOG_INFO	0
#define YJ_LOG_WARN	1
#define YJ_LOG_ERR	2

/* What the host offers a plugin: passed to init and to validate hooks.
 * Append-only: a plugin uses a member added after ABI 1.0 only when
 * YJ_HOST_HAS(host, member) holds. */
struct yj_host {
	unsigned		 abi_major;
	unsigned		 abi_minor;
	size_t			 struct_size;	/* sizeof(struct yj_host) in the host */
	/* One line in yujing's log, prefixed with "plugin: ". */
	void			(*log)(int level, const char *fmt, ...)
#if defined(__GNUC__)
				    __attribute__((format(printf, 2, 3)))
#endif
				    ;
	/* The core's checks: NULL when fine, else a Chinese message that
	 * follows the field's label. */
	const char		*(*check_phone)(const char *);
	const char		*(*check_mobile)(const char *);
	const char		*(*check_email)(const char *);
	const char		*(*check_url)(const char *);
	const char		*(*check_credit_code)(const char *);
	/* 1 when code is in the dictionary ("countries", "industries",
	 * "measure_types", "cities"), 0 when not, -1 when the lookup failed
	 * (answer with YJ_ERR_UNAVAILABLE). */
	int			(*dict_has)(const char *dict, const char *code);
	/* The value of the field named name, or NULL when the type has no
	 * such field. */
	const struct yj_value	*(*value)(const struct yj_record *, const char *name);
	/* append new members here only */
};

/* Whether the host's table holds member (it may be older than the header
 * the plugin was built with). */
#define YJ_HOST_HAS(host, member) \
	(offsetof(struct yj_host, member) + sizeof((host)->member) <= (host)->struct_size)

/* The descriptor.  init runs once after the host accepted the descriptor,
 * before any request: non-zero refuses the plugin (yujing does not start).
 * fini runs when the plugin is unloaded.  Both may be NULL. */
struct yj_plugin {
	unsigned		 abi_major;	/* YJ_PLUGIN_ABI_MAJOR */
	unsigned		 abi_minor;	/* YJ_PLUGIN_ABI_MINOR */
	size_t			 struct_size;	/* sizeof(struct yj_plugin) */
	const char		*name;		/* [a-z][a-z0-9_]*, unique */
	const char		*version;	/* the plugin's own, e.g. "1.0" */
	int			(*init)(const struct yj_host *);
	void			(*fini)(void);
	const struct yj_report_type *types;
	size_t			 ntypes;
	void			*reserved[8];
};

#if defined(__GNUC__)
#define YJ_EXPORT __attribute__((visibility("default")))
#else
#define YJ_EXPORT
#endif

#define YJ_COUNT(a)	(sizeof(a) / sizeof((a)[0]))

/* Defines the descriptor with the ABI version and size filled in:
 *
 *	YJ_PLUGIN(.name = "notice", .version = "1.0",
 *	    .types = types, .ntypes = YJ_COUNT(types));
 */
#define YJ_PLUGIN(...) \
	extern YJ_EXPORT const struct yj_plugin yj_plugin_descriptor; \
	YJ_EXPORT const struct yj_plugin yj_plugin_descriptor = { \
		.abi_major = YJ_PLUGIN_ABI_MAJOR, \
		.abi_minor = YJ_PLUGIN_ABI_MINOR, \
		.struct_size = sizeof(struct yj_plugin), \
		__VA_ARGS__ \
	}

#ifdef __cplusplus
}
#endif

#endif
