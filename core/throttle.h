/* yujing — login throttling, kept in MariaDB so that every app host sees
 * the same counts.
 *
 * An attempt is counted before its password is checked: throttle_attempt
 * locks the account's and the address's rows (login_locks), counts their
 * failures within login_window, decides, and records the attempt as a
 * failure, in one transaction.  Parallel attempts are therefore decided one
 * after the other and never slip past a limit.  A right password then takes
 * its attempt back (throttle_clear, throttle_forget).
 *
 * The account limit (login_max_failures) locks the account until its
 * failures fall out of the window.  The address limit
 * (login_max_failures_addr) slows the address down instead of locking it
 * out, for an office behind one NAT address: past it, the address gets one
 * attempt per login_addr_delay seconds (429 with Retry-After in between),
 * a right password is accepted in its turn and frees the turn at once. */
#ifndef YJ_THROTTLE_H
#define YJ_THROTTLE_H

#include <stdbool.h>

#include "conf.h"
#include "db.h"

enum throttle_verdict {
	THROTTLE_ALLOW,		/* check the password */
	THROTTLE_ACCOUNT,	/* the account is locked: 429 */
	THROTTLE_ADDRESS,	/* the address must wait retry_after s: 429 */
};

struct throttle {
	enum throttle_verdict verdict;
	int		 retry_after;	/* seconds, THROTTLE_ADDRESS */
	bool		 take_turn;	/* THROTTLE_ALLOW past the address limit */
	long long	 attempt_id;	/* the login_attempts row, THROTTLE_ALLOW */
};

/* The decision alone, from the account's and the address's failures within
 * the window and the milliseconds until the address's next turn (<= 0: its
 * turn has come). */
void	 throttle_decide(const struct config *, long long account_failures,
	    long long address_failures, long long turn_wait_ms, struct throttle *);

/* Decides and, when allowed, records the attempt as a failure; its own
 * transaction (call it outside one).  DB_OK with *t filled. */
int	 throttle_attempt(struct db *, const struct config *, const char *username,
	    const char *addr, struct throttle *t);
/* Logged in, in the login's transaction: forgets the account's failures
 * and frees the address's turn. */
int	 throttle_clear(struct db *, const char *username, const char *addr);
/* A right password that is not a login (a password change), in its
 * transaction: takes back this one attempt and frees the address's turn. */
int	 throttle_forget(struct db *, const struct throttle *, const char *username,
	    const char *addr);

#endif
