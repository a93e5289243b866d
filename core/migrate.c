/* yujing — migrations.  Each file sql/NNN_name.sql is applied once, in
 * number order, and recorded in schema_version.  The files are the
 * project's own trusted SQL, run as multi-statement text; nothing from a
 * user ever reaches them. */
#include "migrate.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

#include "buf.h"
#include "db.h"

struct mig {
	int	 version;
	char	*name;
};

static int
cmp(const void *a, const void *b)
{
	return ((const struct mig *)a)->version - ((const struct mig *)b)->version;
}

static int
read_file(const char *path, struct buf *b)
{
	FILE	*f;
	char	 chunk[8192];
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	return 0;
}

static int
drain(MYSQL *m)
{
	MYSQL_RES	*res;
	int		 st;

	do {
		if ((res = mysql_store_result(m)) != NULL)
			mysql_free_result(res);
		else if (mysql_field_count(m) != 0)
			return -1;
	} while ((st = mysql_next_result(m)) == 0);
	return st > 0 ? -1 : 0;
}

static int
applied(MYSQL *m, int version)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 b;
	long long	 v = version;
	int		 found = -1;

	if ((st = mysql_stmt_init(m)) == NULL)
		abort();
	memset(&b, 0, sizeof(b));
	b.buffer_type = MYSQL_TYPE_LONGLONG;
	b.buffer = &v;
	if (mysql_stmt_prepare(st, "SELECT 1 FROM schema_version WHERE version = ?", 46) == 0 &&
	    mysql_stmt_bind_param(st, &b) == 0 && mysql_stmt_execute(st) == 0 &&
	    mysql_stmt_store_result(st) == 0)
		found = mysql_stmt_num_rows(st) > 0;
	mysql_stmt_close(st);
	return found;
}

static int
record(MYSQL *m, int version, const char *name)
{
	MYSQL_STMT	*st;
	MYSQL_BIND	 b[2];
	long long	 v = version;
	unsigned long	 len = strlen(name);
	int		 rc = -1;
	static const char sql[] =
	    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, NOW())";

	if ((st = mysql_stmt_init(m)) == NULL)
		abort();
	memset(b, 0, sizeof(b));
	b[0].buffer_type = MYSQL_TYPE_LONGLONG;
	b[0].buffer = &v;
	b[1].buffer_type = MYSQL_TYPE_STRING;
	b[1].buffer = (void *)name;
	b[1].buffer_length = len;
	b[1].length = &len;
	if (mysql_stmt_prepare(st, sql, sizeof(sql) - 1) == 0 &&
	    mysql_stmt_bind_param(st, b) == 0 && mysql_stmt_execute(st) == 0)
		rc = 0;
	mysql_stmt_close(st);
	return rc;
}

int
migrate_run(const struct config *cfg, int verbose)
{
	static const char create[] =
	    "CREATE TABLE IF NOT EXISTS schema_version ("
	    " version INT NOT NULL PRIMARY KEY,"
	    " name VARCHAR(255) NOT NULL,"
	    " applied_at DATETIME NOT NULL"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";
	MYSQL		*m;
	DIR		*d;
	struct dirent	*de;
	struct mig	*migs = NULL;
	size_t		 n = 0, i;
	char		 err[256], path[4096];
	struct buf	 sql = { 0 };
	struct timespec	 t0, t1;
	int		 rc = 1, done = 0, a, ver;

	if ((m = db_connect_raw(cfg, true, err, sizeof(err))) == NULL) {
		fprintf(stderr, "yujing migrate: cannot connect to MariaDB: %s\n", err);
		return 1;
	}
	if (mysql_real_query(m, create, sizeof(create) - 1) != 0) {
		fprintf(stderr, "yujing migrate: %s\n", mysql_error(m));
		goto out;
	}
	if ((d = opendir(cfg->sql_dir)) == NULL) {
		fprintf(stderr, "yujing migrate: %s: %s\n", cfg->sql_dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 9 || strspn(de->d_name, "0123456789") != 3 || de->d_name[3] != '_' ||
		    strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		ver = atoi(de->d_name);
		for (i = 0; i < n; i++)
			if (migs[i].version == ver) {
				fprintf(stderr, "yujing migrate: two migrations numbered %03d: %s and %s\n",
				    ver, migs[i].name, de->d_name);
				closedir(d);
				goto out;
			}
		if ((migs = realloc(migs, (n + 1) * sizeof(*migs))) == NULL)
			abort();
		migs[n].version = ver;
		if ((migs[n].name = strdup(de->d_name)) == NULL)
			abort();
		n++;
	}
	closedir(d);
	qsort(migs, n, sizeof(*migs), cmp);

	for (i = 0; i < n; i++) {
		if ((a = applied(m, migs[i].version)) < 0) {
			fprintf(stderr, "yujing migrate: %s\n", mysql_error(m));
			goto out;
		}
		if (a)
			continue;
		snprintf(path, sizeof(path), "%s/%s", cfg->sql_dir, migs[i].name);
		buf_reset(&sql);
		if (read_file(path, &sql) == -1) {
			fprintf(stderr, "yujing migrate: %s: %s\n", path, strerror(errno));
			goto out;
		}
		if (verbose) {
			printf("applying %s …\n", migs[i].name);
			fflush(stdout);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (mysql_real_query(m, sql.data, sql.len) != 0 || drain(m) != 0) {
			fprintf(stderr, "yujing migrate: %s: %s\n", migs[i].name, mysql_error(m));
			goto out;
		}
		if (record(m, migs[i].version, migs[i].name) != 0) {
			fprintf(stderr, "yujing migrate: recording %s: %s\n", migs[i].name, mysql_error(m));
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (verbose)
			printf("applied %s (%.1f s)\n", migs[i].name, (double)(t1.tv_sec - t0.tv_sec) +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		done++;
	}
	if (verbose)
		printf("schema is up to date (%d applied now, %zu in all)\n", done, n);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(migs[i].name);
	free(migs);
	buf_free(&sql);
	mysql_close(m);
	return rc;
}
