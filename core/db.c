/* yujing — MariaDB Connector/C wrapper: prepared statements with a
 * per-connection cache, reconnection that never replays a write. */
#include "db.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "log.h"
#include "metrics.h"

#define MAX_PARAMS 32

void
db_init(struct db *db, const struct config *cfg)
{
	memset(db, 0, sizeof(*db));
	db->cfg = cfg;
}

static void
drop_connection(struct db *db)
{
	size_t i;

	for (i = 0; i < DB_STMT_CACHE; i++)
		if (db->cache[i].stmt) {
			mysql_stmt_close(db->cache[i].stmt);
			db->cache[i].stmt = NULL;
			db->cache[i].sql = NULL;
		}
	if (db->conn)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = false;
}

void
db_close(struct db *db)
{
	drop_connection(db);
}

/* The server of db_socket's or db_host's list that new connections try
 * first: the one reached last, moved on when it fails. */
static _Atomic unsigned next_server;

/* Entry i (of n) of the comma-separated list s, into out. */
static void
list_entry(const char *s, unsigned i, char *out, size_t outsz)
{
	const char	*e;
	size_t		 len;

	for (; i > 0 && (e = strchr(s, ',')) != NULL; i--)
		s = e + 1;
	len = (e = strchr(s, ',')) != NULL ? (size_t)(e - s) : strlen(s);
	while (len > 0 && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= outsz)
		len = outsz - 1;
	memcpy(out, s, len);
	out[len] = '\0';
}

static unsigned
list_count(const char *s)
{
	unsigned n = 1;

	for (; *s; s++)
		n += *s == ',';
	return n;
}

/* Moves new connections off server i (it failed), unless another
 * thread has already moved them. */
static void
server_failed(unsigned i)
{
	unsigned cur = i;

	atomic_compare_exchange_strong(&next_server, &cur, i + 1);
}

static MYSQL *connect_one(const struct config *, bool multi, const char *where,
    char *err, size_t errsz);

/* Tries each server of the list once, from next_server on. */
static MYSQL *
connect_any(const struct config *cfg, bool multi, unsigned *which, char *err, size_t errsz)
{
	const char	*list = cfg->db_socket[0] ? cfg->db_socket : cfg->db_host;
	unsigned	 n = list_count(list), start = atomic_load(&next_server), k, i;
	char		 where[512];
	MYSQL		*m;

	for (k = 0; k < n; k++) {
		i = (start + k) % n;
		list_entry(list, i, where, sizeof(where));
		if ((m = connect_one(cfg, multi, where, err, errsz)) != NULL) {
			if (k > 0)
				atomic_store(&next_server, i);
			if (which)
				*which = i;
			return m;
		}
	}
	return NULL;
}

MYSQL *
db_connect_raw(const struct config *cfg, bool multi, char *err, size_t errsz)
{
	return connect_any(cfg, multi, NULL, err, errsz);
}

static MYSQL *
connect_one(const struct config *cfg, bool multi, const char *where, char *err, size_t errsz)
{
	MYSQL		*m;
	unsigned	 t;
	bool		 off = false;
	/* No index-merge intersection: with a key on (city) and one on
	 * (city, type) MariaDB intersected the two for a city's list of one
	 * type, read 85,000 rows and sorted them (4 s), where reading
	 * (city, type) in key order gives the page at once (sql/050_…). */
	const char	*init = "SET time_zone = '+08:00', sql_mode = "
	    "'STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', "
	    "optimizer_switch = 'index_merge_intersection=off'";

	if ((m = mysql_init(NULL)) == NULL)
		abort();
	t = (unsigned)cfg->db_connect_timeout;
	mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	t = (unsigned)cfg->db_rw_timeout;
	mysql_optionsv(m, MYSQL_OPT_READ_TIMEOUT, &t);
	mysql_optionsv(m, MYSQL_OPT_WRITE_TIMEOUT, &t);
	mysql_optionsv(m, MYSQL_OPT_RECONNECT, &off);
	mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(m, MYSQL_INIT_COMMAND, init);
	if (mysql_real_connect(m,
	    cfg->db_socket[0] ? "localhost" : where,
	    cfg->db_user, cfg->db_password, cfg->db_name,
	    (unsigned)cfg->db_port,
	    cfg->db_socket[0] ? where : NULL,
	    multi ? CLIENT_MULTI_STATEMENTS : 0) == NULL) {
		snprintf(err, errsz, "%s", mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

static int
ensure_connected(struct db *db)
{
	char err[256];

	if (db->conn)
		return DB_OK;
	if ((db->conn = connect_any(db->cfg, false, &db->server, err, sizeof(err))) == NULL) {
		snprintf(db->last_error, sizeof(db->last_error), "%s", err);
		metrics_db_error(DB_UNAVAILABLE);
		return DB_UNAVAILABLE;
	}
	return DB_OK;
}

static bool
is_connection_error(unsigned e)
{
	switch (e) {
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONN_HOST_ERROR:
	case CR_CONNECTION_ERROR:
	case CR_SERVER_LOST_EXTENDED:
	case ER_SERVER_SHUTDOWN:
	case ER_CONNECTION_KILLED:
	case CR_COMMANDS_OUT_OF_SYNC:
		return true;
	default:
		return false;
	}
}

static int
classify_errno(struct db *db, unsigned e)
{
	if (is_connection_error(e)) {
		server_failed(db->server);
		drop_connection(db);
		return DB_UNAVAILABLE;
	}
	switch (e) {
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
		return DB_DUPLICATE;
	/* A Galera cluster reports a write set that lost certification
	 * against another node's commit as a deadlock, at COMMIT or at the
	 * next statement: the same conflict as two writers on one server. */
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT:
		return DB_RETRY;
	/* A Galera node cut off from the primary component answers
	 * "WSREP has not yet prepared node for application use"
	 * (ER_UNKNOWN_COM_ERROR) to every statement: the database is
	 * unavailable from here; reconnect on the next request. */
	case ER_UNKNOWN_COM_ERROR:
		server_failed(db->server);
		drop_connection(db);
		return DB_UNAVAILABLE;
	default:
		return DB_ERROR;
	}
}

static int
classify(struct db *db, unsigned e, const char *msg)
{
	int rc;

	db->last_errno = (int)e;
	snprintf(db->last_error, sizeof(db->last_error), "%s", msg);
	rc = classify_errno(db, e);
	if (rc == DB_ERROR)
		log_err("db: %u %s", e, msg);
	metrics_db_error(rc);
	return rc;
}

static size_t
slot_of(const char *sql)
{
	return ((uintptr_t)sql >> 3) % DB_STMT_CACHE;
}

/* The cached statement for sql (keyed by the literal's address), prepared
 * on first use. */
static int
prepare(struct db *db, const char *sql, MYSQL_STMT **out)
{
	struct db_stmt_slot *s = &db->cache[slot_of(sql)];
	MYSQL_STMT	*st;
	int		 rc;

	if ((rc = ensure_connected(db)) != DB_OK)
		return rc;
	if (s->sql == sql && s->stmt != NULL) {
		*out = s->stmt;
		return DB_OK;
	}
	if ((st = mysql_stmt_init(db->conn)) == NULL)
		abort();
	if (mysql_stmt_prepare(st, sql, strlen(sql)) != 0) {
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		mysql_stmt_close(st);
		return rc;
	}
	if (s->stmt != NULL)
		mysql_stmt_close(s->stmt);
	s->sql = sql;
	s->stmt = st;
	*out = st;
	return DB_OK;
}

/* Statements that may be sent again on a fresh connection when the old one
 * turns out dead before anything was written in this request. */
static bool
replayable(const struct db *db, const char *sql)
{
	return !db->wrote && !db->in_tx &&
	    (strncasecmp(sql, "SELECT", 6) == 0);
}

struct bound {
	MYSQL_BIND	 bind[MAX_PARAMS];
	long long	 ints[MAX_PARAMS];
	double		 dbls[MAX_PARAMS];
	unsigned long	 lens[MAX_PARAMS];
	my_bool		 nulls[MAX_PARAMS];
};

static int
bind_params(struct bound *b, const char *fmt, va_list ap)
{
	size_t		 i, n = fmt ? strlen(fmt) : 0;
	const char	*s;
	const long long	*ip;
	const void	*p;

	if (n > MAX_PARAMS)
		abort();
	memset(b, 0, sizeof(*b));
	for (i = 0; i < n; i++) {
		MYSQL_BIND *x = &b->bind[i];

		switch (fmt[i]) {
		case 'i':
			b->ints[i] = va_arg(ap, long long);
			x->buffer_type = MYSQL_TYPE_LONGLONG;
			x->buffer = &b->ints[i];
			break;
		case 'I':
			ip = va_arg(ap, const long long *);
			x->buffer_type = MYSQL_TYPE_LONGLONG;
			if (ip == NULL) {
				b->nulls[i] = 1;
				x->is_null = &b->nulls[i];
			} else {
				b->ints[i] = *ip;
				x->buffer = &b->ints[i];
			}
			break;
		case 'd':
			b->dbls[i] = va_arg(ap, double);
			x->buffer_type = MYSQL_TYPE_DOUBLE;
			x->buffer = &b->dbls[i];
			break;
		case 's':
			s = va_arg(ap, const char *);
			x->buffer_type = MYSQL_TYPE_STRING;
			if (s == NULL) {
				b->nulls[i] = 1;
				x->is_null = &b->nulls[i];
			} else {
				x->buffer = (void *)s;
				b->lens[i] = strlen(s);
				x->buffer_length = b->lens[i];
				x->length = &b->lens[i];
			}
			break;
		case 'b':
			p = va_arg(ap, const void *);
			b->lens[i] = (unsigned long)va_arg(ap, size_t);
			x->buffer_type = MYSQL_TYPE_BLOB;
			x->buffer = (void *)p;
			x->buffer_length = b->lens[i];
			x->length = &b->lens[i];
			break;
		default:
			abort();
		}
	}
	return (int)n;
}

/* Cell texts are carved from blocks of ARENA_BLOCK bytes (a larger text
 * gets a block of its own); each block starts with the link to the one
 * before. */
#define ARENA_BLOCK (256 * 1024)

struct arena_block {
	struct arena_block	*prev;
	size_t			 used, size;
	char			 data[];
};

static char *
arena_alloc(struct db_res *res, size_t n)
{
	struct arena_block *b = res->arena, *nb;
	size_t size;

	if (b == NULL || b->size - b->used < n) {
		size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
		if ((nb = malloc(sizeof(*nb) + size)) == NULL)
			abort();
		nb->used = 0;
		nb->size = size;
		if (b != NULL && n > ARENA_BLOCK / 4) {
			/* Keep filling the current block after a big text. */
			nb->prev = b->prev;
			b->prev = nb;
			nb->used = n;
			return nb->data;
		}
		nb->prev = b;
		res->arena = b = nb;
	}
	b->used += n;
	return b->data + b->used - n;
}

/* Decimal text of v into out (at least 21 bytes), NUL-terminated; the
 * length. */
static size_t
utoa(unsigned long long v, char *out)
{
	char	 tmp[24];
	size_t	 n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

static size_t
itoa_ll(long long v, char *out)
{
	if (v >= 0)
		return utoa((unsigned long long)v, out);
	out[0] = '-';
	return 1 + utoa(0ULL - (unsigned long long)v, out + 1);
}

static int
fetch_all(struct db *db, MYSQL_STMT *st, struct db_res *res)
{
	MYSQL_RES	*meta;
	MYSQL_FIELD	*f;
	MYSQL_BIND	*bind = NULL;
	unsigned long	*lens = NULL;
	my_bool		*nulls = NULL;
	char		**bufs = NULL, num[24];
	bool		*ints = NULL;
	size_t		 c, r, cap = 0, len;
	my_bool		 on = 1;
	int		 rc = DB_OK, frc;

	memset(res, 0, sizeof(*res));
	if ((meta = mysql_stmt_result_metadata(st)) == NULL)
		return DB_OK;
	res->ncols = mysql_num_fields(meta);
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_store_result(st) != 0) {
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto out;
	}
	f = mysql_fetch_fields(meta);
	bind = calloc(res->ncols, sizeof(*bind));
	lens = calloc(res->ncols, sizeof(*lens));
	nulls = calloc(res->ncols, sizeof(*nulls));
	bufs = calloc(res->ncols, sizeof(*bufs));
	ints = calloc(res->ncols, sizeof(*ints));
	if (!bind || !lens || !nulls || !bufs || !ints)
		abort();
	for (c = 0; c < res->ncols; c++) {
		size_t sz = f[c].max_length < 64 ? 64 : f[c].max_length + 1;

		if ((bufs[c] = malloc(sz)) == NULL)
			abort();
		/* Integers come as binary and are written out here: the client
		 * library's conversion to text was a tenth of a big list's time. */
		ints[c] = f[c].type == MYSQL_TYPE_TINY || f[c].type == MYSQL_TYPE_SHORT ||
		    f[c].type == MYSQL_TYPE_LONG || f[c].type == MYSQL_TYPE_INT24 ||
		    f[c].type == MYSQL_TYPE_LONGLONG;
		bind[c].buffer_type = ints[c] ? MYSQL_TYPE_LONGLONG : MYSQL_TYPE_STRING;
		bind[c].is_unsigned = ints[c] && (f[c].flags & UNSIGNED_FLAG) != 0;
		bind[c].buffer = bufs[c];
		bind[c].buffer_length = ints[c] ? sizeof(long long) : sz - 1;
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
	}
	if (mysql_stmt_bind_result(st, bind) != 0) {
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		goto out;
	}
	for (r = 0; (frc = mysql_stmt_fetch(st)) == 0 || frc == MYSQL_DATA_TRUNCATED; r++) {
		if (frc == MYSQL_DATA_TRUNCATED) {
			log_err("db: truncated column in result");
			rc = DB_ERROR;
			goto out;
		}
		if (r == cap) {
			cap = cap ? cap * 2 : 16;
			res->cells = realloc(res->cells, cap * res->ncols * sizeof(char *));
			res->lens = realloc(res->lens, cap * res->ncols * sizeof(size_t));
			if (!res->cells || !res->lens)
				abort();
		}
		for (c = 0; c < res->ncols; c++) {
			char **cell = &res->cells[r * res->ncols + c];

			if (nulls[c]) {
				res->lens[r * res->ncols + c] = 0;
				*cell = NULL;
				continue;
			}
			if (ints[c]) {
				len = bind[c].is_unsigned ?
				    utoa(*(unsigned long long *)(void *)bufs[c], num) :
				    itoa_ll(*(long long *)(void *)bufs[c], num);
				*cell = arena_alloc(res, len + 1);
				memcpy(*cell, num, len + 1);
				res->lens[r * res->ncols + c] = len;
				continue;
			}
			res->lens[r * res->ncols + c] = lens[c];
			*cell = arena_alloc(res, lens[c] + 1);
			memcpy(*cell, bufs[c], lens[c]);
			(*cell)[lens[c]] = '\0';
		}
		res->nrows = r + 1;
	}
	if (frc != MYSQL_NO_DATA)
		rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
out:
	mysql_stmt_free_result(st);
	for (c = 0; bufs && c < res->ncols; c++)
		free(bufs[c]);
	free(bufs);
	free(ints);
	free(bind);
	free(lens);
	free(nulls);
	mysql_free_result(meta);
	if (rc != DB_OK)
		db_res_free(res);
	return rc;
}

static int
run(struct db *db, struct db_res *res, const char *sql, const char *fmt, va_list ap)
{
	struct bound	 b;
	MYSQL_STMT	*st = NULL;
	int		 rc, attempt, n;
	va_list		 aq;

	for (attempt = 0; attempt < 2; attempt++) {
		va_copy(aq, ap);
		n = bind_params(&b, fmt, aq);
		va_end(aq);
		if ((rc = prepare(db, sql, &st)) != DB_OK) {
			if (rc == DB_UNAVAILABLE && attempt == 0 && !db->wrote && !db->in_tx)
				continue;	/* nothing was sent: try a fresh connection */
			return rc;
		}
		if (mysql_stmt_param_count(st) != (unsigned long)n) {
			log_err("db: %d parameters bound, statement wants %lu: %s",
			    n, mysql_stmt_param_count(st), sql);
			abort();
		}
		if (n && mysql_stmt_bind_param(st, b.bind) != 0)
			return classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		if (strncasecmp(sql, "SELECT", 6) != 0)
			db->wrote = true;
		if (mysql_stmt_execute(st) != 0) {
			bool replay = replayable(db, sql);

			rc = classify(db, mysql_stmt_errno(st), mysql_stmt_error(st));
			if (rc == DB_UNAVAILABLE && attempt == 0 && replay)
				continue;
			return rc;
		}
		db->insert_id = mysql_stmt_insert_id(st);
		if (res != NULL)
			return fetch_all(db, st, res);
		rc = (int)mysql_stmt_affected_rows(st);
		mysql_stmt_free_result(st);
		return rc;
	}
	return DB_UNAVAILABLE;
}

int
db_exec(struct db *db, const char *sql, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = run(db, NULL, sql, fmt, ap);
	va_end(ap);
	return rc;
}

int
db_query(struct db *db, struct db_res *res, const char *sql, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	memset(res, 0, sizeof(*res));
	va_start(ap, fmt);
	rc = run(db, res, sql, fmt, ap);
	va_end(ap);
	return rc < 0 ? rc : DB_OK;
}

unsigned long long
db_insert_id(const struct db *db)
{
	return db->insert_id;
}

void
db_request_begin(struct db *db)
{
	db->wrote = false;
}

void
db_request_end(struct db *db)
{
	if (db->in_tx)
		db_rollback(db);
}

int
db_begin(struct db *db)
{
	int rc;

	if (db->in_tx)
		abort();
	if ((rc = ensure_connected(db)) != DB_OK)
		return rc;
	if (mysql_real_query(db->conn, "START TRANSACTION", 17) != 0) {
		rc = classify(db, mysql_errno(db->conn), mysql_error(db->conn));
		if (rc != DB_UNAVAILABLE || db->wrote)
			return rc;
		/* A dead connection before anything was written: retry once. */
		if ((rc = ensure_connected(db)) != DB_OK)
			return rc;
		if (mysql_real_query(db->conn, "START TRANSACTION", 17) != 0)
			return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	}
	db->in_tx = true;
	return DB_OK;
}

int
db_commit(struct db *db)
{
	if (!db->in_tx || db->conn == NULL)
		return DB_UNAVAILABLE;
	db->in_tx = false;
	if (mysql_commit(db->conn) != 0)
		return classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	return DB_OK;
}

void
db_rollback(struct db *db)
{
	if (db->in_tx && db->conn != NULL && mysql_rollback(db->conn) != 0)
		(void)classify(db, mysql_errno(db->conn), mysql_error(db->conn));
	db->in_tx = false;
}

int
db_ping(struct db *db)
{
	static const char sql[] = "SELECT 1";
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(db, &res, sql, "")) != DB_OK)
		return rc;
	rc = res.nrows == 1 ? DB_OK : DB_ERROR;
	db_res_free(&res);
	return rc;
}

const char *
db_res_str(const struct db_res *r, size_t row, size_t col)
{
	if (row >= r->nrows || col >= r->ncols)
		abort();
	return r->cells[row * r->ncols + col];
}

/* The leading integer of a cell, as strtoll would read it (cells come from
 * the server: no spaces, and counts far from overflowing). */
long long
db_res_int(const struct db_res *r, size_t row, size_t col)
{
	const char		*s = db_res_str(r, row, col);
	unsigned long long	 v = 0;
	bool			 neg;

	if (s == NULL)
		return 0;
	if ((neg = *s == '-') || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (unsigned long long)(*s - '0');
	return neg ? (long long)(0ULL - v) : (long long)v;
}

bool
db_res_null(const struct db_res *r, size_t row, size_t col)
{
	return db_res_str(r, row, col) == NULL;
}

void
db_res_free(struct db_res *r)
{
	struct arena_block *b, *prev;

	for (b = r->arena; b != NULL; b = prev) {
		prev = b->prev;
		free(b);
	}
	free(r->cells);
	free(r->lens);
	memset(r, 0, sizeof(*r));
}

const char *
db_strerror(int rc)
{
	switch (rc) {
	case DB_OK: return "ok";
	case DB_UNAVAILABLE: return "database unavailable";
	case DB_DUPLICATE: return "duplicate key";
	case DB_RETRY: return "deadlock or lock timeout";
	default: return "database error";
	}
}

char *
db_like(const char *kw)
{
	size_t	 n = strlen(kw);
	char	*p, *o;

	if ((o = p = malloc(2 * n + 3)) == NULL)
		abort();
	*o++ = '%';
	for (; *kw; kw++) {
		if (*kw == '%' || *kw == '_' || *kw == '\\')
			*o++ = '\\';
		*o++ = *kw;
	}
	*o++ = '%';
	*o = '\0';
	return p;
}
