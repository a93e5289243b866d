/* yujing — reminders into the message centre (kind "reminder"), each once.
 *
 * Deadlines (the 2019 standard, rules/scoring/2019.lua, followed by later
 * years without their own file): the quarterly analyses of a year count
 * when submitted by 20 January of the next year (23:59:59, Beijing), and
 * the annual summary is on time by the same day.  The standard has no
 * other deadline for a quarter.  From remind_before_days before that
 * deadline until it passes, every formal point (正式) that has not
 * submitted a quarter's analysis of that year, or its annual summary, gets
 * one reminder per missing report, addressed to the point (all its
 * accounts read it).
 *
 * Waiting items: a submission waiting on a reviewer for longer than
 * review_remind_days (since it reached its level: its submission, or the
 * city's pass or the revert that sent it on) reminds those who can act on
 * it: at city level the city (its accounts share the city's messages), at
 * province level each enabled province account.  Once per item, level
 * visit and recipient.
 *
 * Once: each reminder has a key (reminders.reminder_key, unique) written
 * in the transaction that writes its message; the whole run holds the row
 * lock of reminder_runs, so runs of two hosts follow each other and the
 * second finds every key there. */
#ifndef YJ_REMINDERS_H
#define YJ_REMINDERS_H

#include <stdbool.h>
#include <time.h>

#include "db.h"

struct config;

struct reminder_counts {
	int	 quarterly;	/* quarterly-analysis reminders sent */
	int	 annual;	/* annual-summary reminders */
	int	 review;	/* waiting-item reminders */
	int	 year;		/* the report year whose deadline is near; 0: none */
};

/* One run at time now (seconds since the epoch; its Beijing time is what
 * the messages carry).  every > 0 is the server's periodic run: it answers
 * 1 at once when another run holds the lock, or when the last recorded run
 * (of any host) is less than every seconds old.  record: write now as the
 * last run (not for a run at a fixed time of the command line's --at).
 * 0 with the counts, 1 skipped, or a db_rc (< 0). */
int	 reminders_run(struct db *, time_t now, int before_days, int review_days,
	    int every, bool record, struct reminder_counts *);

/* The deadline of year's quarterly analyses and annual summary:
 * "YYYY-01-20 23:59:59" of year + 1. */
void	 reminders_deadline(int year, char out[20]);

/* Starts the server's periodic run: every 30 s (or reminders_interval,
 * when shorter) it runs the reminders if the last run of any host is
 * reminders_interval seconds old or never happened; 0: never. */
void	 reminders_start(const struct config *);

#endif
