/* yujing — login throttling: failures per account and per client address
 * within a sliding window, decided under row locks (see throttle.h). */
#include "throttle.h"

void
throttle_decide(const struct config *cfg, long long account_failures,
    long long address_failures, long long turn_wait_ms, struct throttle *t)
{
	t->verdict = THROTTLE_ALLOW;
	t->retry_after = 0;
	t->take_turn = false;
	t->attempt_id = 0;
	if (account_failures >= cfg->login_max_failures) {
		t->verdict = THROTTLE_ACCOUNT;
		return;
	}
	if (address_failures < cfg->login_max_failures_addr)
		return;
	if (turn_wait_ms > 0) {
		t->verdict = THROTTLE_ADDRESS;
		t->retry_after = (int)((turn_wait_ms + 999) / 1000);
		return;
	}
	t->take_turn = true;
}

static int
attempt_once(struct db *db, const struct config *cfg, const char *username,
    const char *addr, struct throttle *t)
{
	static const char lock[] =
	    "INSERT INTO login_locks (kind, name, touched_at) VALUES (?, ?, NOW()) "
	    "ON DUPLICATE KEY UPDATE touched_at = NOW()";
	/* Read after the locks are held: the snapshot is taken at this first
	 * read, so it holds every attempt committed before ours. */
	static const char count[] =
	    "SELECT "
	    "(SELECT COUNT(*) FROM login_attempts WHERE username = ? AND at > NOW() - INTERVAL ? SECOND), "
	    "(SELECT COUNT(*) FROM login_attempts WHERE addr = ? AND at > NOW() - INTERVAL ? SECOND), "
	    "(SELECT COALESCE(TIMESTAMPDIFF(MICROSECOND, NOW(3), next_at) DIV 1000, 0) "
	    " FROM login_locks WHERE kind = 'a' AND name = ?)";
	static const char turn[] =
	    "UPDATE login_locks SET next_at = NOW(3) + INTERVAL ? SECOND "
	    "WHERE kind = 'a' AND name = ?";
	static const char ins[] =
	    "INSERT INTO login_attempts (username, addr, at) VALUES (?, ?, NOW())";
	struct db_res	 res;
	int		 rc;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, lock, "ss", "u", username)) < 0 ||
	    (rc = db_exec(db, lock, "ss", "a", addr)) < 0 ||
	    (rc = db_query(db, &res, count, "sisis", username, (long long)cfg->login_window,
	    addr, (long long)cfg->login_window, addr)) != DB_OK)
		goto fail;
	throttle_decide(cfg, db_res_int(&res, 0, 0), db_res_int(&res, 0, 1),
	    db_res_int(&res, 0, 2), t);
	db_res_free(&res);
	if (t->verdict == THROTTLE_ALLOW) {
		if (t->take_turn &&
		    (rc = db_exec(db, turn, "is", (long long)cfg->login_addr_delay, addr)) < 0)
			goto fail;
		if ((rc = db_exec(db, ins, "ss", username, addr)) < 0)
			goto fail;
		t->attempt_id = (long long)db_insert_id(db);
	}
	if ((rc = db_commit(db)) != DB_OK)
		goto fail;
	return DB_OK;
fail:
	db_rollback(db);
	return rc;
}

int
throttle_attempt(struct db *db, const struct config *cfg, const char *username,
    const char *addr, struct throttle *t)
{
	static const char purge[] =
	    "DELETE FROM login_attempts WHERE at < NOW() - INTERVAL 1 DAY LIMIT 100";
	static const char purge_locks[] =
	    "DELETE FROM login_locks WHERE touched_at < NOW() - INTERVAL 1 DAY LIMIT 100";
	int rc, tries;

	/* Two logins that create neighbouring lock rows can deadlock in
	 * InnoDB's gap locks; the loser is rolled back whole and tries again. */
	for (tries = 0; tries < 5; tries++)
		if ((rc = attempt_once(db, cfg, username, addr, t)) != DB_RETRY)
			break;
	if (rc != DB_OK)
		return rc;
	/* Outside the locks: old rows, a few at a time. */
	if ((rc = db_exec(db, purge, "")) < 0 || (rc = db_exec(db, purge_locks, "")) < 0)
		return rc;
	return DB_OK;
}

/* In the caller's transaction, in the order throttle_attempt locks (the
 * account's row, the address's row, then login_attempts), so the two never
 * wait on each other in a cycle: the turn freed, then this attempt
 * (attempt_id) or all the account's failures (0) forgotten. */
static int
release(struct db *db, const char *username, const char *addr, long long attempt_id)
{
	static const char lock_user[] =
	    "UPDATE login_locks SET touched_at = NOW() WHERE kind = 'u' AND name = ?";
	static const char free_turn[] =
	    "UPDATE login_locks SET next_at = NULL WHERE kind = 'a' AND name = ?";
	static const char del_one[] = "DELETE FROM login_attempts WHERE id = ?";
	static const char del_all[] = "DELETE FROM login_attempts WHERE username = ?";
	int rc;

	if ((rc = db_exec(db, lock_user, "s", username)) < 0 ||
	    (rc = db_exec(db, free_turn, "s", addr)) < 0)
		return rc;
	rc = attempt_id != 0 ? db_exec(db, del_one, "i", attempt_id) :
	    db_exec(db, del_all, "s", username);
	return rc < 0 ? rc : DB_OK;
}

int
throttle_clear(struct db *db, const char *username, const char *addr)
{
	return release(db, username, addr, 0);
}

int
throttle_forget(struct db *db, const struct throttle *t, const char *username,
    const char *addr)
{
	return t->attempt_id != 0 ? release(db, username, addr, t->attempt_id) : DB_OK;
}
