/* yujing — configuration file reader. */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef PKGDATADIR
#define PKGDATADIR "/usr/share/yujing"
#endif
#ifndef PKGLIBDIR
#define PKGLIBDIR "/usr/lib/yujing"
#endif

enum kind { K_STR, K_INT, K_SIZE, K_BOOL, K_MODE };

struct key {
	const char	*name;
	enum kind	 kind;
	size_t		 off;
	const char	*def;
	long long	 min, max;
};

#define O(f) offsetof(struct config, f)
static const struct key keys[] = {
	{ "listen",		K_STR,  O(listen), "/run/yujing/yujing.sock", 0, 0 },
	{ "listen_mode",	K_MODE, O(listen_mode), "0660", 0, 07777 },
	{ "threads",		K_INT,  O(threads), "4", 1, 256 },
	{ "backlog",		K_INT,  O(backlog), "1024", 1, 65535 },
	{ "db_socket",		K_STR,  O(db_socket), "/run/mysqld/mysqld.sock", 0, 0 },
	{ "db_host",		K_STR,  O(db_host), "localhost", 0, 0 },
	{ "db_port",		K_INT,  O(db_port), "3306", 0, 65535 },
	{ "db_name",		K_STR,  O(db_name), "yujing", 0, 0 },
	{ "db_user",		K_STR,  O(db_user), "yujing", 0, 0 },
	{ "db_password",	K_STR,  O(db_password), "", 0, 0 },
	{ "db_connect_timeout",	K_INT,  O(db_connect_timeout), "2", 1, 60 },
	{ "db_rw_timeout",	K_INT,  O(db_rw_timeout), "30", 1, 3600 },
	{ "sql_dir",		K_STR,  O(sql_dir), PKGDATADIR "/sql", 0, 0 },
	{ "max_body",		K_SIZE, O(max_body), "1048576", 1024, 1LL << 31 },
	{ "max_attachment",	K_SIZE, O(max_attachment), "20M", 1024, 1LL << 31 },
	{ "max_header",		K_SIZE, O(max_header), "16384", 1024, 1 << 20 },
	{ "max_query",		K_SIZE, O(max_query), "4096", 256, 1 << 20 },
	{ "session_ttl",	K_INT,  O(session_ttl), "28800", 10, 30 * 86400 },
	{ "session_cache_ttl",	K_INT,  O(session_cache_ttl), "1", 0, 60 },
	{ "cookie_secure",	K_BOOL, O(cookie_secure), "on", 0, 0 },
	{ "login_max_failures",	K_INT,  O(login_max_failures), "5", 1, 1000 },
	{ "login_max_failures_addr", K_INT, O(login_max_failures_addr), "30", 1, 100000 },
	{ "login_window",	K_INT,  O(login_window), "900", 1, 86400 },
	{ "login_addr_delay",	K_INT,  O(login_addr_delay), "10", 1, 3600 },
	{ "password_min_length", K_INT, O(password_min_length), "8", 6, 128 },
	{ "rules_dir",		K_STR,  O(rules_dir), SYSCONFDIR "/yujing/rules", 0, 0 },
	{ "rules_memory_limit",	K_SIZE, O(rules_memory_limit), "16M", 1 << 20, 1LL << 32 },
	{ "rules_instruction_limit", K_SIZE, O(rules_instruction_limit), "10000000", 10000, 1LL << 40 },
	{ "rules_time_limit",	K_INT,  O(rules_time_limit), "0", 0, 600000 },
	{ "worker_stuck_after",	K_INT,  O(worker_stuck_after), "30", 1, 86400 },
	{ "plugins_dir",	K_STR,  O(plugins_dir), PKGLIBDIR "/plugins", 0, 0 },
	{ "scores_parallel_min", K_INT, O(scores_parallel_min), "1000", 0, 1000000 },
	{ "list_count_limit",	K_INT,  O(list_count_limit), "1000", 1, 1000000000 },
	{ "log_file",		K_STR,  O(log_file), "", 0, 0 },
	{ "public_url",		K_STR,  O(public_url), "http://localhost", 0, 0 },
	{ "channel_allow_hosts", K_STR, O(channel_allow_hosts), "", 0, 0 },
	{ "deliver_threads",	K_INT,  O(deliver_threads), "2", 0, 32 },
	{ "deliver_poll_ms",	K_INT,  O(deliver_poll_ms), "500", 10, 60000 },
	{ "deliver_lease",	K_INT,  O(deliver_lease), "120", 5, 3600 },
	{ "deliver_retry_base",	K_INT,  O(deliver_retry_base), "60", 1, 86400 },
	{ "deliver_max_attempts", K_INT, O(deliver_max_attempts), "8", 1, 100 },
	{ "send_timeout",	K_INT,  O(send_timeout), "30", 1, 600 },
	{ "subscribe_max_per_hour", K_INT, O(subscribe_max_per_hour), "5", 1, 10000 },
	{ "remind_before_days",	K_INT,  O(remind_before_days), "7", 0, 300 },
	{ "review_remind_days",	K_INT,  O(review_remind_days), "3", 1, 365 },
	{ "reminders_interval",	K_INT,  O(reminders_interval), "3600", 0, 7 * 86400 },
};
#undef O

static int
set_value(struct config *c, const struct key *k, const char *v,
    char *err, size_t errsz)
{
	char		*end, **sp;
	long long	 n;

	switch (k->kind) {
	case K_STR:
		sp = (char **)((char *)c + k->off);
		free(*sp);
		if ((*sp = strdup(v)) == NULL)
			abort();
		return 0;
	case K_BOOL:
		if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
			*(bool *)((char *)c + k->off) = true;
		else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
			*(bool *)((char *)c + k->off) = false;
		else {
			snprintf(err, errsz, "%s: expected on or off, got \"%s\"", k->name, v);
			return -1;
		}
		return 0;
	default:
		break;
	}
	errno = 0;
	n = strtoll(v, &end, k->kind == K_MODE ? 8 : 10);
	if (k->kind == K_SIZE && end != v && *end != '\0' && end[1] == '\0') {
		long long mult = 0;

		switch (*end) {
		case 'k': case 'K': mult = 1024; break;
		case 'm': case 'M': mult = 1024 * 1024; break;
		default: break;
		}
		if (mult != 0) {
			end++;
			n = n > k->max / mult ? k->max + 1 : n * mult;
		}
	}
	if (errno || end == v || *end != '\0' || n < k->min || n > k->max) {
		snprintf(err, errsz, "%s: \"%s\" is not a number between %lld and %lld",
		    k->name, v, k->min, k->max);
		return -1;
	}
	switch (k->kind) {
	case K_INT:  *(int *)((char *)c + k->off) = (int)n; break;
	case K_SIZE: *(size_t *)((char *)c + k->off) = (size_t)n; break;
	case K_MODE: *(unsigned *)((char *)c + k->off) = (unsigned)n; break;
	default: abort();
	}
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
config_load(struct config *c, const char *path, char *err, size_t errsz)
{
	FILE	*f;
	char	 line[4096], msg[512], *k, *v, *eq;
	size_t	 i;
	int	 lineno = 0, rc = -1;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (set_value(c, &keys[i], keys[i].def, msg, sizeof(msg)) == -1)
			abort();
	if (path == NULL)
		path = SYSCONFDIR "/yujing/yujing.conf";
	if ((c->path = strdup(path)) == NULL)
		abort();
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errsz, "%s:%d: line too long", path, lineno);
			goto out;
		}
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			snprintf(err, errsz, "%s:%d: expected \"key = value\"", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(keys[i].name, k))
				break;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			snprintf(err, errsz, "%s:%d: unknown key \"%s\"", path, lineno, k);
			goto out;
		}
		if (set_value(c, &keys[i], v, msg, sizeof(msg)) == -1) {
			snprintf(err, errsz, "%s:%d: %s", path, lineno, msg);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: read error", path);
		goto out;
	}
	if (c->deliver_lease < 2 * c->send_timeout + 5) {
		snprintf(err, errsz, "%s: deliver_lease (%d) must be at least 2 × send_timeout + 5 (%d), "
		    "or a slow send could be claimed twice", path, c->deliver_lease, 2 * c->send_timeout + 5);
		goto out;
	}
	if (c->listen[0] == '\0') {
		snprintf(err, errsz, "%s: listen must not be empty", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}

void
config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].kind == K_STR) {
			free(*(char **)((char *)c + keys[i].off));
			*(char **)((char *)c + keys[i].off) = NULL;
		}
	free(c->path);
	c->path = NULL;
}

void
config_dump(const struct config *c, void (*emit)(const char *, void *), void *arg)
{
	char	 line[4200];
	size_t	 i;
	const char *p;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		p = (const char *)c + keys[i].off;
		switch (keys[i].kind) {
		case K_STR:
			if (!strcmp(keys[i].name, "db_password"))
				snprintf(line, sizeof(line), "%s = %s", keys[i].name,
				    **(char *const *)p ? "(set)" : "");
			else
				snprintf(line, sizeof(line), "%s = %s", keys[i].name, *(char *const *)p);
			break;
		case K_INT:  snprintf(line, sizeof(line), "%s = %d", keys[i].name, *(const int *)p); break;
		case K_SIZE: snprintf(line, sizeof(line), "%s = %zu", keys[i].name, *(const size_t *)p); break;
		case K_BOOL: snprintf(line, sizeof(line), "%s = %s", keys[i].name, *(const bool *)p ? "on" : "off"); break;
		case K_MODE: snprintf(line, sizeof(line), "%s = %04o", keys[i].name, *(const unsigned *)p); break;
		}
		emit(line, arg);
	}
}
