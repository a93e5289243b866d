/* yujing — report-type plugins, the host side: the loader (dlopen of every
 * *.so in plugins_dir at start), the registry of report types, and the
 * validation of a submission's fields against its type.
 *
 * The registry is filled before worker threads start and read-only after:
 * lookups take no lock.  Loading is not thread-safe. */
#ifndef YJ_PLUGINS_H
#define YJ_PLUGINS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "conf.h"
#include "http.h"
#include "yujing-plugin.h"

struct db;

/* Loads every *.so in dir, in name order.  A file refused is reported
 * through refused ("FILE: reason") and the next one is tried.  Returns the
 * number refused, or -1 (reported too) when dir cannot be read. */
int	 plugins_load_dir(const char *dir, void (*refused)(const char *msg, void *),
	    void *arg);
/* Loads one plugin.  0, or -1 with err "FILE: reason" and nothing kept. */
int	 plugins_load_file(const char *path, char *err, size_t errsz);
/* Registers a descriptor linked into the program (origin names it in
 * messages), with the same checks as a file.  0, or -1 with err. */
int	 plugins_register(const struct yj_plugin *, const char *origin, char *err,
	    size_t errsz);
/* At start: plugins_load_dir(cfg->plugins_dir) with a log line per plugin;
 * -1 (logged) when one is refused: yujing must not start. */
int	 plugins_start(const struct config *);
/* Calls each plugin's fini and unloads it, newest first. */
void	 plugins_unload_all(void);

/* Registry. */
const struct yj_report_type *plugins_type(const char *name);
size_t	 plugins_ntypes(void);
const struct yj_report_type *plugins_type_at(size_t);	/* load order */
size_t	 plugins_count(void);
const struct yj_plugin *plugins_at(size_t);
/* The plugin that provides a type, and the file it came from. */
const struct yj_plugin *plugins_owner(const struct yj_report_type *, const char **path);
/* Whether a user of role (one ROLE_* bit) may submit the type. */
bool	 plugins_may_submit(const struct yj_report_type *, int role);
/* Whether a record of the type with these fields counts towards metric:
 * the type declares it, and the record meets the declared condition. */
bool	 plugins_feeds(const struct yj_report_type *, const char *metric,
	    const json_t *fields);

/* The type as GET /api/report-types describes it: name, label, plugin,
 * fields (name, label, type, required, max_length, dict, choices, format,
 * min, max), submit_roles (role ids), metrics. */
json_t	*plugins_type_json(const struct yj_report_type *);

/* Validates a submission's "fields" object: unknown keys, required,
 * JSON types, lengths in characters, line breaks, dates, dictionary
 * membership, choices, formats, the field's check, then the type's
 * validate hook.  0, or -1 with err filled (field and Chinese message).
 * db is the worker's connection for dictionary lookups. */
int	 plugins_validate_fields(const struct yj_report_type *, const json_t *fields,
	    struct db *, struct yj_error *);
/* Answers the request with err in the API's error envelope. */
void	 plugins_error_answer(struct req *, const struct yj_error *);

/* How dictionary membership is looked up: 1 present, 0 absent, -1 failed.
 * The default asks MariaDB through db with a prepared statement; tests
 * replace it (NULL restores the default). */
typedef int (*plugins_dict_lookup)(struct db *, const char *dict, const char *code);
void	 plugins_set_dict_lookup(plugins_dict_lookup);

/* The host table handed to plugins. */
const struct yj_host *plugins_host(void);

#endif
