/* yujing — login throttling: failures per account and per client address
 * within a sliding window. */
#include "throttle.h"

int
throttle_check(struct db *db, const struct config *cfg, const char *username,
    const char *addr, bool *blocked)
{
	static const char sql[] =
	    "SELECT "
	    "(SELECT COUNT(*) FROM login_attempts WHERE username = ? AND at > NOW() - INTERVAL ? SECOND), "
	    "(SELECT COUNT(*) FROM login_attempts WHERE addr = ? AND at > NOW() - INTERVAL ? SECOND)";
	struct db_res	 res;
	int		 rc;

	*blocked = false;
	rc = db_query(db, &res, sql, "sisi", username, (long long)cfg->login_window,
	    addr, (long long)cfg->login_window);
	if (rc != DB_OK)
		return rc;
	*blocked = db_res_int(&res, 0, 0) >= cfg->login_max_failures ||
	    db_res_int(&res, 0, 1) >= cfg->login_max_failures_addr;
	db_res_free(&res);
	return DB_OK;
}

int
throttle_fail(struct db *db, const char *username, const char *addr)
{
	static const char ins[] =
	    "INSERT INTO login_attempts (username, addr, at) VALUES (?, ?, NOW())";
	static const char purge[] =
	    "DELETE FROM login_attempts WHERE at < NOW() - INTERVAL 1 DAY LIMIT 100";
	int rc;

	if ((rc = db_exec(db, ins, "ss", username, addr)) < 0)
		return rc;
	rc = db_exec(db, purge, "");
	return rc < 0 ? rc : DB_OK;
}

int
throttle_clear(struct db *db, const char *username)
{
	static const char sql[] = "DELETE FROM login_attempts WHERE username = ?";
	int rc;

	rc = db_exec(db, sql, "s", username);
	return rc < 0 ? rc : DB_OK;
}
