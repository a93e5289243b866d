/* yujing — the one clock: Beijing time (UTC+8, no daylight saving), from
 * which deadlines and year boundaries are computed.  The database runs in
 * the same zone (time_zone '+08:00'), so the text form binds straight into
 * DATETIME columns.
 *
 * Tests (and the command line's --now) may set the clock: clock_set() fixes
 * it at one instant, clock_reset() returns it to the system clock.  The
 * server never sets it. */
#ifndef YJ_CLOCK_H
#define YJ_CLOCK_H

#include <stdbool.h>
#include <time.h>

#define CLOCK_TEXT_SIZE 20	/* "2019-05-09 10:24:45" */

/* Seconds since the epoch (UTC), as the system or clock_set() says. */
time_t	 clock_now(void);
/* Now in Beijing, broken down. */
void	 clock_beijing(struct tm *);
int	 clock_year(void);	/* the Beijing calendar year */
/* Now in Beijing as "YYYY-MM-DD HH:MM:SS", for a DATETIME parameter. */
void	 clock_text(char out[CLOCK_TEXT_SIZE]);
/* The same as ISO 8601 with the offset: "2019-05-09T10:24:45+08:00". */
void	 clock_iso(char out[32]);

/* Fixes the clock at t; clock_reset() undoes it. */
void	 clock_set(time_t t);
void	 clock_reset(void);
/* Parses Beijing "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DDTHH:MM:SS") into
 * seconds since the epoch: 0, or -1 when malformed. */
int	 clock_parse(const char *text, time_t *t);

#endif
