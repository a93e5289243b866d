/* yujing — the watchdog.
 *
 * - A rule script that has used more processor time than the rules' time
 *   limit is interrupted: a processor-time timer of its thread (or, where
 *   there is none, the watchdog's thread, which looks every 5 ms) sends
 *   WATCHDOG_SIGNAL, whose handler arms the sandbox's hook so that the
 *   script stops at its next instruction (see sandbox.h).  This bounds what the instruction count
 *   cannot see: work inside one instruction (comparing two long strings)
 *   or inside a library function.
 * - A request that has run for longer than `worker_stuck_after` seconds
 *   (a bug nobody foresaw: a loop in C, a query that never returns) is
 *   reported once in the log and in /api/health for as long as it lasts;
 *   the other workers go on serving.
 *
 * Threads enrol themselves on first use; the thread starts with the first
 * enrolment. */
#ifndef YJ_WATCHDOG_H
#define YJ_WATCHDOG_H

#include <signal.h>

#include <jansson.h>

/* The signal the watchdog sends to interrupt a script. */
#define WATCHDOG_SIGNAL (SIGRTMIN + 3)

/* Called by the sandbox around every protected call.  limit_ms 0: no
 * processor-time limit for this call. */
void	 watchdog_lua_begin(unsigned limit_ms);
void	 watchdog_lua_end(void);
/* Set by the signal handler's owner (sandbox.c). */
void	 watchdog_set_interrupt(void (*)(void));

/* Called by a worker around each request. */
void	 watchdog_request_begin(int worker, const char *method, const char *uri);
void	 watchdog_request_end(void);
void	 watchdog_set_stuck_after(unsigned seconds);
/* The requests running past the limit now: [{worker, request, seconds}];
 * an empty array when there are none. */
json_t	*watchdog_stuck_json(void);
/* How many times the watchdog's thread interrupted a script (threads
 * with a timer of their own are interrupted by the kernel instead). */
unsigned long watchdog_interrupts(void);

#endif
