/* yujing — MariaDB access for one worker thread: one connection, a cache of
 * prepared statements, explicit transactions.  Only prepared statements:
 * parameters are bound, never spliced into SQL text.
 *
 * Parameter formats (one char per '?', in order):
 *   i  long long           I  const long long * (NULL: SQL NULL)
 *   s  const char *  (NULL: SQL NULL)
 *   b  const void *, size_t (blob)
 *   d  double
 */
#ifndef YJ_DB_H
#define YJ_DB_H

#include <stdbool.h>
#include <stddef.h>

#include <mysql.h>

#include "conf.h"

enum db_rc {
	DB_OK		= 0,
	DB_UNAVAILABLE	= -1,	/* no connection: answer 503 */
	DB_DUPLICATE	= -2,	/* unique key violated */
	DB_RETRY	= -3,	/* deadlock or lock wait timeout */
	DB_ERROR	= -4,	/* anything else: a bug, answer 500 */
};

struct db_stmt_slot {
	const char	*sql;
	MYSQL_STMT	*stmt;
};

#define DB_STMT_CACHE 128

struct db {
	const struct config *cfg;
	MYSQL		*conn;
	struct db_stmt_slot cache[DB_STMT_CACHE];
	bool		 in_tx;
	bool		 wrote;		/* a write was sent in this request */
	int		 last_errno;
	char		 last_error[256];
	unsigned long long insert_id;
	unsigned	 server;	/* which of db_socket/db_host's list conn reached */
};

/* A materialised result: every cell as text (NULL for SQL NULL).  The
 * texts live in a few large blocks (arena), not one allocation each. */
struct db_res {
	size_t		 nrows;
	size_t		 ncols;
	char		**cells;	/* nrows * ncols */
	size_t		*lens;
	void		*arena;		/* the blocks, chained */
};

void	 db_init(struct db *, const struct config *);
void	 db_close(struct db *);
/* Call at the start of each request: forgets the per-request write flag. */
void	 db_request_begin(struct db *);
/* Rolls back a transaction the request left open. */
void	 db_request_end(struct db *);

int	 db_exec(struct db *, const char *sql, const char *fmt, ...);	/* affected rows or db_rc */
int	 db_query(struct db *, struct db_res *, const char *sql, const char *fmt, ...);
unsigned long long db_insert_id(const struct db *);

int	 db_begin(struct db *);
int	 db_commit(struct db *);
void	 db_rollback(struct db *);
int	 db_ping(struct db *);

const char *db_res_str(const struct db_res *, size_t row, size_t col);
long long db_res_int(const struct db_res *, size_t row, size_t col);
bool	 db_res_null(const struct db_res *, size_t row, size_t col);
void	 db_res_free(struct db_res *);

/* For "yujing migrate": a connection that runs trusted multi-statement
 * files from sql/. */
/* db_socket (or db_host) may list the nodes of a Galera cluster,
 * separated by commas: the connection goes to the first that answers,
 * starting at the one this process reached last. */
MYSQL	*db_connect_raw(const struct config *, bool multi, char *err, size_t errsz);

const char *db_strerror(int rc);
/* "%kw%" for LIKE with the wildcards in kw escaped, so a keyword matches
 * literally; free() it. */
char	*db_like(const char *kw);

#endif
