/* yujing — logging to stderr, one line per event. */
#ifndef YJ_LOG_H
#define YJ_LOG_H

void	 log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
