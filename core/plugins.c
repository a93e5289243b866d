/* yujing — report-type plugins, the host side: loader, registry, field
 * validation.  The ABI is in yujing-plugin.h; the checks here are the
 * host's half of its compatibility rules. */
#include "plugins.h"
#include "facts.h"
#include "validate.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "access.h"
#include "db.h"
#include "log.h"
#include "validators.h"

_Static_assert(YJ_ROLE_ADMIN == ROLE_ADMIN && YJ_ROLE_PROVINCE == ROLE_PROVINCE &&
    YJ_ROLE_CITY == ROLE_CITY && YJ_ROLE_POINT == ROLE_POINT &&
    YJ_ROLE_EDITOR == ROLE_EDITOR, "YJ_ROLE_* mirror access.h");
#define YJ_ROLES_KNOWN (YJ_ROLE_ADMIN | YJ_ROLE_PROVINCE | YJ_ROLE_CITY | \
	YJ_ROLE_POINT | YJ_ROLE_EDITOR)

/* The smallest descriptor accepted: the ABI 1.0 struct yj_plugin. */
#define PLUGIN_SIZE_1_0	sizeof(struct yj_plugin)

#define NAME_MAX_LEN	32
#define MAX_TYPES	64	/* per plugin */
#define MAX_FIELDS	64	/* per type */
#define MAX_LENGTH	1000000	/* characters, the largest max_length */
#define DEF_TEXT_LEN	200
#define DEF_LONGTEXT_LEN 50000
#define DEF_LIST_ITEMS	100
#define DEF_AUDIENCE_POINTS 1000

struct loaded {
	void		*handle;
	char		*path;
	struct yj_plugin desc;		/* what the host knows of it, zero-padded */
};

struct entry {
	const struct yj_report_type *type;
	size_t		 plugin;
};

static struct loaded	*plugins;
static size_t		 nplugins;
static struct entry	*types;
static size_t		 ntypes;

/* --- dictionaries ------------------------------------------------------ */

struct dict {
	const char	*name;
	const char	*label;		/* in messages: 须为<label>中的代码 */
	const char	*api;		/* where clients find the codes */
	const char	*sql;		/* returns the code as stored */
};

static const char sql_countries[] = "SELECT code FROM countries WHERE code = ?";
static const char sql_industries[] = "SELECT code FROM industries WHERE code = ?";
static const char sql_measure_types[] = "SELECT code FROM measure_types WHERE code = ?";
static const char sql_cities[] = "SELECT code FROM regions WHERE code = ? AND level = 'city'";

static const struct dict dicts[] = {
	{ "countries",	   "国别地区字典", "/api/dicts/countries", sql_countries },
	{ "industries",	   "行业字典", "/api/dicts/industries", sql_industries },
	{ "measure_types", "措施类型字典", "/api/dicts/measure-types", sql_measure_types },
	{ "cities",	   "地市字典", "/api/dicts/regions", sql_cities },
};

static const struct dict *
dict_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(dicts) / sizeof(dicts[0]); i++)
		if (!strcmp(dicts[i].name, name))
			return &dicts[i];
	return NULL;
}

/* The tables' collation ignores case and trailing spaces: only the code
 * exactly as stored is accepted. */
static int
dict_lookup_db(struct db *db, const char *name, const char *code)
{
	const struct dict	*d = dict_find(name);
	struct db_res		 res;
	int			 found;

	if (d == NULL)
		return 0;
	if (db == NULL)
		return -1;
	if (db_query(db, &res, d->sql, "s", code) != DB_OK)
		return -1;
	found = res.nrows > 0 && !strcmp(db_res_str(&res, 0, 0), code);
	db_res_free(&res);
	return found;
}

static plugins_dict_lookup dict_lookup = dict_lookup_db;
/* The worker's connection while plugins_validate_fields runs. */
static __thread struct db *cur_db;

void
plugins_set_dict_lookup(plugins_dict_lookup fn)
{
	dict_lookup = fn != NULL ? fn : dict_lookup_db;
}

/* --- metrics (API.md; the list is facts.h's) ---------------------------- */

/* "metric" or "metric:field=value": the metric's length, and the field's
 * start and length (0 when there is no condition), and the value. */
static void
metric_split(const char *s, size_t *mlen, const char **field, size_t *flen,
    const char **value)
{
	const char *colon = strchr(s, ':'), *eq;

	*field = *value = NULL;
	*flen = 0;
	*mlen = colon ? (size_t)(colon - s) : strlen(s);
	if (colon == NULL)
		return;
	*field = colon + 1;
	eq = strchr(*field, '=');
	*flen = eq ? (size_t)(eq - *field) : strlen(*field);
	*value = eq ? eq + 1 : NULL;
}

/* --- the host table ---------------------------------------------------- */

static void
host_log(int level, const char *fmt, ...)
{
	char	 line[1024];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	switch (level) {
	case YJ_LOG_ERR:  log_err("plugin: %s", line); break;
	case YJ_LOG_WARN: log_warn("plugin: %s", line); break;
	default:	  log_info("plugin: %s", line); break;
	}
}

static int
host_dict_has(const char *dict, const char *code)
{
	if (dict_find(dict) == NULL || code == NULL)
		return 0;
	return dict_lookup(cur_db, dict, code);
}

static const struct yj_value *
host_value(const struct yj_record *rec, const char *name)
{
	size_t i;

	if (rec == NULL || rec->type == NULL || name == NULL)
		return NULL;
	for (i = 0; i < rec->nvalues && i < rec->type->nfields; i++)
		if (!strcmp(rec->type->fields[i].name, name))
			return &rec->values[i];
	return NULL;
}

static const struct yj_host host = {
	.abi_major = YJ_PLUGIN_ABI_MAJOR,
	.abi_minor = YJ_PLUGIN_ABI_MINOR,
	.struct_size = sizeof(struct yj_host),
	.log = host_log,
	.check_phone = check_phone,
	.check_mobile = check_mobile,
	.check_email = check_email,
	.check_url = check_url,
	.check_credit_code = check_credit_code,
	.dict_has = host_dict_has,
	.value = host_value,
};

const struct yj_host *
plugins_host(void)
{
	return &host;
}

static const struct format {
	const char	*name;
	const char	*(*check)(const char *);
} formats[] = {
	{ "phone",	 check_phone },
	{ "mobile",	 check_mobile },
	{ "email",	 check_email },
	{ "url",	 check_url },
	{ "credit_code", check_credit_code },
};

static const struct format *
format_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

static const char *const type_names[] = {
	[YJ_FIELD_TEXT] = "text",
	[YJ_FIELD_LONGTEXT] = "longtext",
	[YJ_FIELD_INT] = "int",
	[YJ_FIELD_BOOL] = "bool",
	[YJ_FIELD_DATE] = "date",
	[YJ_FIELD_DICT] = "dict",
	[YJ_FIELD_LIST_OF_TEXT] = "list_of_text",
	[YJ_FIELD_AUDIENCE] = "audience",
};

static const char *
type_name(int t)
{
	if (t <= 0 || (size_t)t >= sizeof(type_names) / sizeof(type_names[0]))
		return NULL;
	return type_names[t];
}

static bool
texty(const struct yj_field *f)
{
	return f->type == YJ_FIELD_TEXT || f->type == YJ_FIELD_LONGTEXT ||
	    f->type == YJ_FIELD_LIST_OF_TEXT;
}

static size_t
max_length(const struct yj_field *f)
{
	if (f->max_length > 0)
		return f->max_length;
	return f->type == YJ_FIELD_LONGTEXT ? DEF_LONGTEXT_LEN : DEF_TEXT_LEN;
}

static long long
max_items(const struct yj_field *f)
{
	if (f->max > 0)
		return f->max;
	return f->type == YJ_FIELD_AUDIENCE ? DEF_AUDIENCE_POINTS : DEF_LIST_ITEMS;
}

/* --- loading ----------------------------------------------------------- */

static bool
valid_name(const char *s)
{
	size_t i;

	if (s == NULL || !(*s >= 'a' && *s <= 'z'))
		return false;
	for (i = 0; s[i]; i++)
		if (i >= NAME_MAX_LEN || !((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool
reserved_zero(void *const *slots, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (slots[i] != NULL)
			return false;
	return true;
}

#define NAME_RULE "a-z, 0-9 and _, starting with a letter, at most 32 bytes"

static int
check_field(const struct yj_report_type *t, size_t i, char *why, size_t sz)
{
	const struct yj_field	*f = &t->fields[i];
	const char		*n = f->name;
	size_t			 j;

	if (n == NULL)
		return snprintf(why, sz, "report type \"%s\": field %zu has no name", t->name, i + 1), -1;
	if (!valid_name(n))
		return snprintf(why, sz, "report type \"%s\": field name \"%s\" is not " NAME_RULE,
		    t->name, n), -1;
	for (j = 0; j < i; j++)
		if (!strcmp(t->fields[j].name, n))
			return snprintf(why, sz, "report type \"%s\": field \"%s\" is declared twice",
			    t->name, n), -1;
#define BAD(...) (snprintf(why, sz, "report type \"%s\", field \"%s\": ", t->name, n), \
	snprintf(why + strlen(why), sz - strlen(why), __VA_ARGS__), -1)
	if (f->label == NULL || *f->label == '\0')
		return BAD("no label");
	if (!http_utf8_valid(f->label, strlen(f->label)))
		return BAD("the label is not UTF-8");
	if (type_name((int)f->type) == NULL)
		return BAD("unknown type %d", (int)f->type);
	if (!reserved_zero(f->reserved, sizeof(f->reserved) / sizeof(f->reserved[0])))
		return BAD("reserved slots are not zero");
	if (f->type == YJ_FIELD_DICT && f->dict == NULL)
		return BAD("a dict field names no dictionary");
	if (f->dict != NULL && f->type != YJ_FIELD_DICT)
		return BAD("dict is set on a %s field", type_name((int)f->type));
	if (f->dict != NULL && dict_find(f->dict) == NULL)
		return BAD("unknown dictionary \"%s\" (countries, industries, measure_types, cities)",
		    f->dict);
	if (!texty(f) && (f->choices || f->check || f->format || f->max_length))
		return BAD("choices, check, format and max_length apply to text fields only");
	if (f->format != NULL && format_find(f->format) == NULL)
		return BAD("unknown format \"%s\" (phone, mobile, email, url, credit_code)", f->format);
	if (f->max_length > MAX_LENGTH)
		return BAD("max_length %zu is larger than %d", f->max_length, MAX_LENGTH);
	if (f->choices != NULL) {
		if (f->choices[0] == NULL)
			return BAD("choices is an empty list");
		for (j = 0; f->choices[j] != NULL; j++)
			if (*f->choices[j] == '\0' ||
			    !http_utf8_valid(f->choices[j], strlen(f->choices[j])))
				return BAD("choice %zu is empty or not UTF-8", j + 1);
	}
	switch (f->type) {
	case YJ_FIELD_INT:
		if (f->min > f->max)
			return BAD("min %lld is larger than max %lld", f->min, f->max);
		break;
	case YJ_FIELD_LIST_OF_TEXT:
	case YJ_FIELD_AUDIENCE:
		if (f->min < 0 || f->max < 0 || (f->max > 0 && f->min > f->max))
			return BAD("min and max (numbers of items) are out of order");
		break;
	default:
		if (f->min != 0 || f->max != 0)
			return BAD("min and max apply to int and list fields only");
	}
#undef BAD
	return 0;
}

static int
check_metric(const struct yj_report_type *t, const char *m, char *why, size_t sz)
{
	const char	*field, *value;
	size_t		 mlen, flen, i, j;
	const struct yj_field *f = NULL;

	metric_split(m, &mlen, &field, &flen, &value);
	if (metric_find(m, mlen) < 0)
		return snprintf(why, sz, "report type \"%s\": unknown metric \"%.*s\"",
		    t->name, (int)mlen, m), -1;
	if (field == NULL)
		return 0;
	for (i = 0; i < t->nfields; i++)
		if (strlen(t->fields[i].name) == flen && !strncmp(t->fields[i].name, field, flen))
			f = &t->fields[i];
	if (f == NULL || value == NULL || *value == '\0' ||
	    !(f->type == YJ_FIELD_TEXT || f->type == YJ_FIELD_DICT))
		return snprintf(why, sz, "report type \"%s\": metric \"%s\" needs "
		    "\"metric:field=value\" with a text or dict field of the type", t->name, m), -1;
	if (f->choices != NULL) {
		for (j = 0; f->choices[j] != NULL; j++)
			if (!strcmp(f->choices[j], value))
				return 0;
		return snprintf(why, sz, "report type \"%s\": metric \"%s\": \"%s\" is not "
		    "one of the field's choices", t->name, m, value), -1;
	}
	return 0;
}

static int
check_type(const struct yj_report_type *all, size_t k, char *why, size_t sz)
{
	const struct yj_report_type *t = &all[k];
	size_t i;

	if (t->name == NULL)
		return snprintf(why, sz, "report type %zu has no name", k + 1), -1;
	if (!valid_name(t->name))
		return snprintf(why, sz, "report type name \"%s\" is not " NAME_RULE, t->name), -1;
	for (i = 0; i < k; i++)
		if (!strcmp(all[i].name, t->name))
			return snprintf(why, sz, "report type \"%s\" is declared twice", t->name), -1;
	for (i = 0; i < ntypes; i++)
		if (!strcmp(types[i].type->name, t->name))
			return snprintf(why, sz, "report type \"%s\" is already provided by plugin "
			    "\"%s\" (%s)", t->name, plugins[types[i].plugin].desc.name,
			    plugins[types[i].plugin].path), -1;
	if (t->label == NULL || *t->label == '\0' || !http_utf8_valid(t->label, strlen(t->label)))
		return snprintf(why, sz, "report type \"%s\" has no label (or not UTF-8)", t->name), -1;
	if (!reserved_zero(t->reserved, sizeof(t->reserved) / sizeof(t->reserved[0])))
		return snprintf(why, sz, "report type \"%s\": reserved slots are not zero", t->name), -1;
	if (t->fields == NULL || t->nfields == 0 || t->nfields > MAX_FIELDS)
		return snprintf(why, sz, "report type \"%s\" has %zu fields (1 to %d)", t->name,
		    t->fields ? t->nfields : 0, MAX_FIELDS), -1;
	if (t->submit_roles == 0 || (t->submit_roles & ~YJ_ROLES_KNOWN) != 0)
		return snprintf(why, sz, "report type \"%s\": submit_roles 0x%x must name known "
		    "YJ_ROLE_* bits only, at least one", t->name, t->submit_roles), -1;
	for (i = 0; i < t->nfields; i++)
		if (check_field(t, i, why, sz) != 0)
			return -1;
	for (i = 0; t->metrics != NULL && t->metrics[i] != NULL; i++)
		if (check_metric(t, t->metrics[i], why, sz) != 0)
			return -1;
	return 0;
}

/* The host's half of the ABI rules; fills *out with what it knows. */
static int
check_descriptor(const struct yj_plugin *d, struct yj_plugin *out, char *why, size_t sz)
{
	size_t i;

	if (d->abi_major != YJ_PLUGIN_ABI_MAJOR)
		return snprintf(why, sz, "built for plugin ABI %u.%u; this yujing provides %d.%d "
		    "and runs plugins of major version %d only: rebuild the plugin against "
		    "this yujing's yujing-plugin.h", d->abi_major, d->abi_minor,
		    YJ_PLUGIN_ABI_MAJOR, YJ_PLUGIN_ABI_MINOR, YJ_PLUGIN_ABI_MAJOR), -1;
	if (d->abi_minor > YJ_PLUGIN_ABI_MINOR)
		return snprintf(why, sz, "built for plugin ABI %u.%u, newer than this yujing's "
		    "%d.%d: upgrade yujing or rebuild the plugin against its yujing-plugin.h",
		    d->abi_major, d->abi_minor, YJ_PLUGIN_ABI_MAJOR, YJ_PLUGIN_ABI_MINOR), -1;
	if (d->struct_size < PLUGIN_SIZE_1_0)
		return snprintf(why, sz, "descriptor of %zu bytes, smaller than the %zu of ABI 1.0: "
		    "define it with YJ_PLUGIN() from yujing-plugin.h", d->struct_size,
		    PLUGIN_SIZE_1_0), -1;
	memset(out, 0, sizeof(*out));
	memcpy(out, d, d->struct_size < sizeof(*out) ? d->struct_size : sizeof(*out));
	if (!reserved_zero(out->reserved, sizeof(out->reserved) / sizeof(out->reserved[0])))
		return snprintf(why, sz, "reserved slots of the descriptor are not zero"), -1;
	if (out->name == NULL)
		return snprintf(why, sz, "the plugin has no name"), -1;
	if (!valid_name(out->name))
		return snprintf(why, sz, "plugin name \"%s\" is not " NAME_RULE, out->name), -1;
	if (out->version == NULL || !http_utf8_valid(out->version, strlen(out->version)) ||
	    strlen(out->version) > 32)
		return snprintf(why, sz, "plugin \"%s\" has no version (at most 32 bytes)", out->name), -1;
	for (i = 0; i < nplugins; i++)
		if (!strcmp(plugins[i].desc.name, out->name))
			return snprintf(why, sz, "a plugin named \"%s\" is already loaded from %s",
			    out->name, plugins[i].path), -1;
	if (out->types == NULL || out->ntypes == 0 || out->ntypes > MAX_TYPES)
		return snprintf(why, sz, "plugin \"%s\" declares %zu report types (1 to %d)",
		    out->name, out->types ? out->ntypes : 0, MAX_TYPES), -1;
	for (i = 0; i < out->ntypes; i++)
		if (check_type(out->types, i, why, sz) != 0)
			return -1;
	return 0;
}

/* Checks d, runs its init and keeps it; handle (may be NULL) is closed
 * on refusal. */
static int
add(const struct yj_plugin *d, void *handle, const char *origin, char *err, size_t errsz)
{
	struct yj_plugin	 desc;
	char			 why[512];
	size_t			 i;
	int			 rc;

	if (check_descriptor(d, &desc, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "%s: %s", origin, why);
		goto refuse;
	}
	if (desc.init != NULL && (rc = desc.init(&host)) != 0) {
		snprintf(err, errsz, "%s: plugin \"%s\": init failed (returned %d)", origin,
		    desc.name, rc);
		goto refuse;
	}
	if ((plugins = realloc(plugins, (nplugins + 1) * sizeof(*plugins))) == NULL ||
	    (types = realloc(types, (ntypes + desc.ntypes) * sizeof(*types))) == NULL)
		abort();
	plugins[nplugins].handle = handle;
	plugins[nplugins].desc = desc;
	if ((plugins[nplugins].path = strdup(origin)) == NULL)
		abort();
	for (i = 0; i < desc.ntypes; i++) {
		types[ntypes].type = &desc.types[i];
		types[ntypes].plugin = nplugins;
		ntypes++;
	}
	nplugins++;
	return 0;
refuse:
	if (handle != NULL)
		dlclose(handle);
	return -1;
}

int
plugins_register(const struct yj_plugin *d, const char *origin, char *err, size_t errsz)
{
	return add(d, NULL, origin, err, errsz);
}

int
plugins_load_file(const char *path, char *err, size_t errsz)
{
	const struct yj_plugin	*d;
	void			*h;
	const char		*e;

	dlerror();
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(err, errsz, "%s: cannot load: %s", path, e ? e : "unknown error");
		return -1;
	}
	if ((d = dlsym(h, YJ_PLUGIN_SYMBOL)) == NULL) {
		snprintf(err, errsz, "%s: no symbol " YJ_PLUGIN_SYMBOL ": not a yujing plugin "
		    "(define it with YJ_PLUGIN() from yujing-plugin.h)", path);
		dlclose(h);
		return -1;
	}
	return add(d, h, path, err, errsz);
}

static int
is_plugin_file(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return de->d_name[0] != '.' && n > 3 && !strcmp(de->d_name + n - 3, ".so");
}

int
plugins_load_dir(const char *dir, void (*refused)(const char *, void *), void *arg)
{
	struct dirent	**list;
	struct stat	 st;
	char		 path[4096], err[1024];
	int		 n, i, bad = 0;

	if ((n = scandir(dir, &list, is_plugin_file, alphasort)) < 0) {
		snprintf(err, sizeof(err), "plugins_dir %s: %s", dir, strerror(errno));
		refused(err, arg);
		return -1;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    plugins_load_file(path, err, sizeof(err)) != 0) {
			refused(err, arg);
			bad++;
		}
		free(list[i]);
	}
	free(list);
	return bad;
}

static void
log_refused(const char *msg, void *arg)
{
	(void)arg;
	log_err("plugins: refused %s", msg);
}

int
plugins_start(const struct config *cfg)
{
	char	 names[512];
	size_t	 i, j, len;
	int	 bad;

	if ((bad = plugins_load_dir(cfg->plugins_dir, log_refused, NULL)) != 0) {
		log_err("plugins: %s; yujing does not start until %s", bad < 0 ?
		    "no plugins_dir" : "a plugin was refused", bad < 0 ?
		    "plugins_dir names a readable directory" :
		    "the plugin is fixed or removed from plugins_dir");
		return -1;
	}
	for (i = 0; i < nplugins; i++) {
		names[0] = '\0';
		for (j = len = 0; j < plugins[i].desc.ntypes && len < sizeof(names); j++)
			len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
			    j ? ", " : "", plugins[i].desc.types[j].name);
		log_info("plugins: %s %s from %s: %s", plugins[i].desc.name,
		    plugins[i].desc.version, plugins[i].path, names);
	}
	if (ntypes == 0)
		log_warn("plugins: no plugin in %s: there are no report types", cfg->plugins_dir);
	return 0;
}

void
plugins_unload_all(void)
{
	while (nplugins > 0) {
		nplugins--;
		if (plugins[nplugins].desc.fini != NULL)
			plugins[nplugins].desc.fini();
		if (plugins[nplugins].handle != NULL)
			dlclose(plugins[nplugins].handle);
		free(plugins[nplugins].path);
	}
	free(plugins);
	free(types);
	plugins = NULL;
	types = NULL;
	ntypes = 0;
}

/* --- registry ---------------------------------------------------------- */

const struct yj_report_type *
plugins_type(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < ntypes; i++)
		if (!strcmp(types[i].type->name, name))
			return types[i].type;
	return NULL;
}

size_t
plugins_ntypes(void)
{
	return ntypes;
}

const struct yj_report_type *
plugins_type_at(size_t i)
{
	return i < ntypes ? types[i].type : NULL;
}

size_t
plugins_count(void)
{
	return nplugins;
}

const struct yj_plugin *
plugins_at(size_t i)
{
	return i < nplugins ? &plugins[i].desc : NULL;
}

const struct yj_plugin *
plugins_owner(const struct yj_report_type *t, const char **path)
{
	size_t i;

	for (i = 0; i < ntypes; i++)
		if (types[i].type == t) {
			if (path != NULL)
				*path = plugins[types[i].plugin].path;
			return &plugins[types[i].plugin].desc;
		}
	return NULL;
}

bool
plugins_may_submit(const struct yj_report_type *t, int role)
{
	return t != NULL && role > 0 && (t->submit_roles & (unsigned)role) != 0;
}

bool
plugins_feeds(const struct yj_report_type *t, const char *metric, const json_t *fields)
{
	const char	*field, *value, *have;
	char		 key[NAME_MAX_LEN + 1];
	size_t		 i, mlen, flen;

	for (i = 0; t != NULL && t->metrics != NULL && t->metrics[i] != NULL; i++) {
		metric_split(t->metrics[i], &mlen, &field, &flen, &value);
		if (strlen(metric) != mlen || strncmp(metric, t->metrics[i], mlen) != 0)
			continue;
		if (field == NULL)
			return true;
		snprintf(key, sizeof(key), "%.*s", (int)flen, field);
		have = json_string_value(json_object_get(fields, key));
		if (have != NULL && !strcmp(have, value))
			return true;
	}
	return false;
}

json_t *
plugins_type_json(const struct yj_report_type *t)
{
	const struct yj_plugin	*p = plugins_owner(t, NULL);
	const struct yj_field	*f;
	int			 m;
	const char		*field, *value;
	json_t			*fields = json_array(), *roles = json_array();
	json_t			*ms = json_array(), *o, *c;
	size_t			 i, j, mlen, flen;
	char			 key[NAME_MAX_LEN + 1];
	unsigned		 bit;

	for (i = 0; i < t->nfields; i++) {
		f = &t->fields[i];
		o = json_pack("{s:s, s:s, s:s, s:b, s:o, s:o}", "name", f->name,
		    "label", f->label, "type", type_name((int)f->type),
		    "required", f->required != 0,
		    "max_length", texty(f) ? json_integer((json_int_t)max_length(f)) : json_null(),
		    "dict", f->dict ? json_string(f->dict) : json_null());
		if (f->choices != NULL) {
			c = json_array();
			for (j = 0; f->choices[j] != NULL; j++)
				json_array_append_new(c, json_string(f->choices[j]));
			json_object_set_new(o, "choices", c);
		}
		if (f->format != NULL)
			json_object_set_new(o, "format", json_string(f->format));
		if (f->type == YJ_FIELD_INT && (f->min != 0 || f->max != 0)) {
			json_object_set_new(o, "min", json_integer(f->min));
			json_object_set_new(o, "max", json_integer(f->max));
		}
		if (f->type == YJ_FIELD_LIST_OF_TEXT || f->type == YJ_FIELD_AUDIENCE) {
			json_object_set_new(o, "min_items", json_integer(f->min));
			json_object_set_new(o, "max_items", json_integer(max_items(f)));
		}
		json_array_append_new(fields, o);
	}
	for (bit = 1; bit <= YJ_ROLE_EDITOR; bit <<= 1)
		if (t->submit_roles & bit)
			json_array_append_new(roles, json_string(role_name((int)bit)));
	for (i = 0; t->metrics != NULL && t->metrics[i] != NULL; i++) {
		metric_split(t->metrics[i], &mlen, &field, &flen, &value);
		m = metric_find(t->metrics[i], mlen);
		o = json_pack("{s:s, s:s}", "name", metric_names[m], "label", metric_labels[m]);
		if (field != NULL) {
			snprintf(key, sizeof(key), "%.*s", (int)flen, field);
			json_object_set_new(o, "field", json_string(key));
			json_object_set_new(o, "value", json_string(value));
		}
		json_array_append_new(ms, o);
	}
	return json_pack("{s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o}", "name", t->name,
	    "label", t->label, "plugin", "name", p ? p->name : "", "version",
	    p ? p->version : "", "fields", fields, "submit_roles", roles, "metrics", ms);
}

/* --- validation -------------------------------------------------------- */

/* Cuts a truncated string back to a whole UTF-8 character. */
static void
utf8_cut(char *s)
{
	size_t	 n = strlen(s), i = n, need;
	unsigned char c;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

static int
fail(struct yj_error *e, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(struct yj_error *e, int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	snprintf(e->field, sizeof(e->field), "%s", field);
	utf8_cut(e->field);
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	utf8_cut(e->message);
	return -1;
}

static int
dict_check(const struct dict *d, const char *code, const char *field,
    const char *what, struct yj_error *e)
{
	int rc = dict_lookup(cur_db, d->name, code);

	if (rc < 0)
		return fail(e, YJ_ERR_UNAVAILABLE, field, "%s暂时无法核对（%s读取失败），请稍后再试",
		    what, d->label);
	if (rc == 0)
		return fail(e, YJ_ERR_INVALID, field, "%s须为%s中的代码（见 %s）", what, d->label, d->api);
	return 0;
}

/* A string of a text, longtext or list field (what = label, or label and
 * item number).  1 when empty or blank, 0 when fine, -1 on error. */
static int
check_string(const struct yj_field *f, const json_t *v, const char *field,
    const char *what, const char **out, struct yj_error *e)
{
	const char		*s, *why;
	const struct format	*fmt;
	size_t			 i, len;
	bool			 multi = f->type == YJ_FIELD_LONGTEXT;

	if (!json_is_string(v))
		return fail(e, YJ_ERR_TYPE, field, "%s应为字符串", what);
	s = json_string_value(v);
	if (strlen(s) != json_string_length(v))
		return fail(e, YJ_ERR_TYPE, field, "%s含有非法字符", what);
	*out = s;
	if (*s == '\0' || text_blank(s))
		return 1;
	/* One line is taken trimmed; several lines as typed (a paragraph
	 * may start with 　　). */
	if (!multi && text_edge_space(s))
		return fail(e, YJ_ERR_INVALID, field, "%s首尾不能有空格", what);
	for (i = 0; s[i]; i++)
		if (((unsigned char)s[i] < 0x20 || s[i] == 0x7f) &&
		    !(multi && (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')))
			return fail(e, YJ_ERR_INVALID, field, multi ? "%s含有控制字符" :
			    "%s不能换行，也不能含有制表符等控制字符", what);
	if ((len = http_utf8_len(s)) > max_length(f))
		return fail(e, YJ_ERR_INVALID, field, "%s不能超过 %zu 个字（现有 %zu 个）", what,
		    max_length(f), len);
	if (f->choices != NULL) {
		char	 list[200];
		size_t	 n = 0;

		for (i = 0; f->choices[i] != NULL; i++)
			if (!strcmp(f->choices[i], s))
				break;
		if (f->choices[i] == NULL) {
			list[0] = '\0';
			for (i = 0; f->choices[i] != NULL && n < sizeof(list); i++)
				n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s",
				    i ? "、" : "", f->choices[i]);
			return fail(e, YJ_ERR_INVALID, field, "%s须为以下之一：%s", what, list);
		}
	}
	if ((fmt = format_find(f->format)) != NULL && (why = fmt->check(s)) != NULL)
		return fail(e, YJ_ERR_INVALID, field, "%s%s", what, why);
	if (f->check != NULL && (why = f->check(s)) != NULL)
		return fail(e, YJ_ERR_INVALID, field, "%s%s", what, why);
	return 0;
}

#define AUDIENCE_FORMS "{\"all\": true}、{\"city\": 地市代码} 或 {\"points\": [预警点编号, …]}"

static int
check_audience(const struct yj_field *f, const json_t *v, struct yj_value *out,
    struct yj_error *e)
{
	const char	*key;
	json_t		*x, *item;
	char		 field[64];
	long long	*ids;
	size_t		 i, j, n;

	if (!json_is_object(v))
		return fail(e, YJ_ERR_TYPE, f->name, "%s应为 " AUDIENCE_FORMS, f->label);
	if (json_object_size(v) != 1)
		return fail(e, YJ_ERR_INVALID, f->name, "%s须为 " AUDIENCE_FORMS " 中的一种",
		    f->label);
	key = json_object_iter_key(json_object_iter((json_t *)v));
	x = json_object_get(v, key);
	if (!strcmp(key, "all")) {
		snprintf(field, sizeof(field), "%s.all", f->name);
		if (!json_is_true(x))
			return fail(e, YJ_ERR_INVALID, field, "%s的 all 只能为 true（全部预警点）",
			    f->label);
		out->all = 1;
	} else if (!strcmp(key, "city")) {
		snprintf(field, sizeof(field), "%s.city", f->name);
		if (!json_is_string(x))
			return fail(e, YJ_ERR_TYPE, field, "%s的地市应为字符串，如 \"330100\"", f->label);
		out->city = json_string_value(x);
		if (dict_check(dict_find("cities"), out->city, field, f->label, e) != 0) {
			if (e->code == YJ_ERR_INVALID)
				snprintf(e->message, sizeof(e->message),
				    "%s的地市须为浙江省地市代码（见 /api/dicts/regions），如 330100",
				    f->label);
			return -1;
		}
	} else if (!strcmp(key, "points")) {
		snprintf(field, sizeof(field), "%s.points", f->name);
		if (!json_is_array(x))
			return fail(e, YJ_ERR_TYPE, field, "%s的预警点应为编号数组", f->label);
		if ((n = json_array_size(x)) == 0)
			return fail(e, YJ_ERR_INVALID, field, "%s至少需要选择一个预警点", f->label);
		if ((long long)n > max_items(f))
			return fail(e, YJ_ERR_INVALID, field, "%s最多选择 %lld 个预警点", f->label,
			    max_items(f));
		if ((ids = calloc(n, sizeof(*ids))) == NULL)
			abort();
		out->ids = ids;
		out->nids = n;
		json_array_foreach(x, i, item) {
			snprintf(field, sizeof(field), "%s.points[%zu]", f->name, i);
			if (!json_is_integer(item))
				return fail(e, YJ_ERR_TYPE, field, "%s的预警点编号应为整数", f->label);
			if ((ids[i] = json_integer_value(item)) <= 0)
				return fail(e, YJ_ERR_INVALID, field, "%s的预警点编号须为正整数", f->label);
			for (j = 0; j < i; j++)
				if (ids[j] == ids[i])
					return fail(e, YJ_ERR_INVALID, field,
					    "%s的第 %zu 个预警点与第 %zu 个重复", f->label, i + 1, j + 1);
		}
	} else
		return fail(e, YJ_ERR_INVALID, f->name, "%s须为 " AUDIENCE_FORMS " 中的一种",
		    f->label);
	out->present = 1;
	return 0;
}

static int
check_list(const struct yj_field *f, const json_t *v, struct yj_value *out,
    struct yj_error *e)
{
	const char	**items;
	json_t		*item;
	char		 field[80], what[160];
	size_t		 i, j, n;
	int		 rc;

	if (!json_is_array(v))
		return fail(e, YJ_ERR_TYPE, f->name, "%s应为字符串数组", f->label);
	if ((n = json_array_size(v)) == 0) {
		if (f->required)
			return fail(e, YJ_ERR_INVALID, f->name, "%s不能为空", f->label);
		return 0;
	}
	if ((long long)n > max_items(f))
		return fail(e, YJ_ERR_INVALID, f->name, "%s最多 %lld 项", f->label, max_items(f));
	if ((long long)n < f->min)
		return fail(e, YJ_ERR_INVALID, f->name, "%s至少需要 %lld 项", f->label, f->min);
	if ((items = calloc(n, sizeof(*items))) == NULL)
		abort();
	out->items = items;
	out->nitems = n;
	json_array_foreach(v, i, item) {
		snprintf(field, sizeof(field), "%s[%zu]", f->name, i);
		snprintf(what, sizeof(what), "%s第 %zu 项", f->label, i + 1);
		if ((rc = check_string(f, item, field, what, &items[i], e)) < 0)
			return -1;
		if (rc > 0)
			return fail(e, YJ_ERR_INVALID, field, "%s不能为空", what);
		for (j = 0; j < i; j++)
			if (!strcmp(items[j], items[i]))
				return fail(e, YJ_ERR_INVALID, field, "%s与第 %zu 项重复", what, j + 1);
	}
	out->present = 1;
	return 0;
}

static int
check_value(const struct yj_field *f, const json_t *v, struct yj_value *out,
    struct yj_error *e)
{
	const struct dict	*d;
	int			 rc;

	switch (f->type) {
	case YJ_FIELD_TEXT:
	case YJ_FIELD_LONGTEXT:
		if ((rc = check_string(f, v, f->name, f->label, &out->text, e)) < 0)
			return -1;
		if (rc > 0) {
			out->text = NULL;
			return f->required ? fail(e, YJ_ERR_INVALID, f->name, "%s不能为空", f->label) : 0;
		}
		break;
	case YJ_FIELD_DATE:
	case YJ_FIELD_DICT:
		if (!json_is_string(v))
			return fail(e, YJ_ERR_TYPE, f->name, "%s应为字符串", f->label);
		out->text = json_string_value(v);
		if (strlen(out->text) != json_string_length(v))
			return fail(e, YJ_ERR_TYPE, f->name, "%s含有非法字符", f->label);
		if (*out->text == '\0') {
			out->text = NULL;
			return f->required ? fail(e, YJ_ERR_INVALID, f->name, "%s不能为空", f->label) : 0;
		}
		if (f->type == YJ_FIELD_DATE && !text_date(out->text))
			return fail(e, YJ_ERR_INVALID, f->name, "%s须为日期，格式如 2019-05-09", f->label);
		if (f->type == YJ_FIELD_DICT) {
			d = dict_find(f->dict);
			if (strlen(out->text) > 32)
				return fail(e, YJ_ERR_INVALID, f->name, "%s须为%s中的代码（见 %s）",
				    f->label, d->label, d->api);
			if (dict_check(d, out->text, f->name, f->label, e) != 0)
				return -1;
		}
		break;
	case YJ_FIELD_INT:
		if (!json_is_integer(v))
			return fail(e, YJ_ERR_TYPE, f->name, "%s应为整数", f->label);
		out->num = json_integer_value(v);
		if ((f->min != 0 || f->max != 0) && (out->num < f->min || out->num > f->max))
			return fail(e, YJ_ERR_INVALID, f->name, "%s须在 %lld 到 %lld 之间", f->label,
			    f->min, f->max);
		break;
	case YJ_FIELD_BOOL:
		if (!json_is_boolean(v))
			return fail(e, YJ_ERR_TYPE, f->name, "%s应为 true 或 false", f->label);
		out->num = json_is_true(v);
		break;
	case YJ_FIELD_LIST_OF_TEXT:
		return check_list(f, v, out, e);
	case YJ_FIELD_AUDIENCE:
		return check_audience(f, v, out, e);
	}
	out->present = 1;
	return 0;
}

static int
validate(const struct yj_report_type *t, const json_t *fields, struct yj_value *vals,
    struct yj_error *e)
{
	const struct yj_field	*f;
	struct yj_record	 rec;
	const char		*key;
	json_t			*v;
	size_t			 i;

	if (!json_is_object(fields))
		return fail(e, YJ_ERR_TYPE, "fields", "fields 应为对象，键为%s的字段名", t->label);
	json_object_foreach((json_t *)fields, key, v) {
		for (i = 0; i < t->nfields; i++)
			if (!strcmp(t->fields[i].name, key))
				break;
		if (i == t->nfields)
			return fail(e, YJ_ERR_INVALID, key, "%s没有这个字段（见 /api/report-types）",
			    t->label);
	}
	for (i = 0; i < t->nfields; i++) {
		f = &t->fields[i];
		v = json_object_get(fields, f->name);
		if (v == NULL || json_is_null(v)) {
			if (f->required)
				return fail(e, YJ_ERR_INVALID, f->name, "%s不能为空", f->label);
			continue;
		}
		if (check_value(f, v, &vals[i], e) != 0)
			return -1;
	}
	if (t->validate == NULL)
		return 0;
	memset(&rec, 0, sizeof(rec));
	rec.type = t;
	rec.values = vals;
	rec.nvalues = t->nfields;
	if (t->validate(&host, &rec, e) == 0)
		return 0;
	if (e->code < YJ_ERR_INVALID || e->code > YJ_ERR_UNAVAILABLE)
		e->code = YJ_ERR_INVALID;
	e->field[sizeof(e->field) - 1] = '\0';
	e->message[sizeof(e->message) - 1] = '\0';
	if (e->message[0] == '\0')
		snprintf(e->message, sizeof(e->message), "%s的内容不符合要求", t->label);
	return -1;
}

int
plugins_validate_fields(const struct yj_report_type *t, const json_t *fields,
    struct db *db, struct yj_error *e)
{
	struct yj_value	*vals;
	struct db	*saved = cur_db;
	size_t		 i;
	int		 rc;

	memset(e, 0, sizeof(*e));
	if ((vals = calloc(t->nfields, sizeof(*vals))) == NULL)
		abort();
	cur_db = db;
	rc = validate(t, fields, vals, e);
	cur_db = saved;
	for (i = 0; i < t->nfields; i++) {
		free((void *)vals[i].items);
		free((void *)vals[i].ids);
	}
	free(vals);
	if (rc != 0) {
		/* A plugin's message goes to users as JSON: it must be UTF-8. */
		if (!http_utf8_valid(e->field, strlen(e->field)))
			e->field[0] = '\0';
		if (!http_utf8_valid(e->message, strlen(e->message))) {
			log_warn("plugins: report type %s answered a message that is not UTF-8",
			    t->name);
			snprintf(e->message, sizeof(e->message), "%s的内容不符合要求", t->label);
		}
	}
	return rc;
}

void
plugins_error_answer(struct req *r, const struct yj_error *e)
{
	enum http_err code;

	switch (e->code) {
	case YJ_ERR_TYPE:	 code = ERR_BAD_REQUEST; break;
	case YJ_ERR_UNAVAILABLE: code = ERR_UNAVAILABLE; break;
	default:		 code = ERR_INVALID; break;
	}
	http_error(r, code, e->message, e->field[0] ? e->field : NULL);
}
