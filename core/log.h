/* yujing — logging to stderr, one line per event.  Request lines are
 * buffered and written at least every 200 ms (as nginx's access_log buffer
 * does); other lines are written at once, after what is buffered. */
#ifndef YJ_LOG_H
#define YJ_LOG_H

void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line per request; buffered once log_buffer_start() has run. */
void	 log_request(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Starts the thread that writes buffered lines every 200 ms. */
void	 log_buffer_start(void);
void	 log_flush(void);
/* Drops info lines (tools that print their own report). */
void	 log_quiet(int);
/* Where lines go: path (log_file) opened for appending as stderr, or, for
 * NULL or "", stderr as it is (the journal's format when it is the
 * journal).  0, or -1 with errno when path cannot be opened. */
int	 log_open(const char *path);
/* Opens log_file again (after logrotate moved it); no-op without one. */
void	 log_reopen(void);

#endif
