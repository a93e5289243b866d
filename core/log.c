/* yujing — logging: UTC timestamp, level, message.  Every line is written
 * whole, so lines from worker threads never interleave. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define LOG_BUF (64 * 1024)
#define LOG_LINE 2048

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static char		 pending[LOG_BUF];
static size_t		 npending;
static bool		 buffering;
static bool		 quiet;

void
log_quiet(int on)
{
	quiet = on != 0;
}

static void
write_all(const char *p, size_t n)
{
	ssize_t w;

	while (n > 0 && (w = write(STDERR_FILENO, p, n)) > 0) {
		p += w;
		n -= (size_t)w;
	}
}

/* Caller holds mu. */
static void
flush_locked(void)
{
	write_all(pending, npending);
	npending = 0;
}

static size_t
format(char *line, const char *level, const char *fmt, va_list ap)
{
	struct timeval	 tv;
	struct tm	 tm;
	int		 n, m;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	n = (int)strftime(line, LOG_LINE, "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(line + n, LOG_LINE - n, ".%03dZ %s ", (int)(tv.tv_usec / 1000), level);
	m = vsnprintf(line + n, LOG_LINE - n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > LOG_LINE - 2)
		n = LOG_LINE - 2;
	line[n++] = '\n';
	return (size_t)n;
}

static void
vlog(const char *level, bool buffered, const char *fmt, va_list ap)
{
	char	 line[LOG_LINE];
	size_t	 n;

	if (quiet && level[0] == 'i')
		return;
	n = format(line, level, fmt, ap);

	pthread_mutex_lock(&mu);
	if (buffered && buffering) {
		if (npending + n > sizeof(pending))
			flush_locked();
		memcpy(pending + npending, line, n);
		npending += n;
	} else {
		flush_locked();
		write_all(line, n);
	}
	pthread_mutex_unlock(&mu);
}

#define DEF(fn, level, buffered) \
void fn(const char *fmt, ...) { va_list ap; va_start(ap, fmt); vlog(level, buffered, fmt, ap); va_end(ap); }
DEF(log_info, "info", false)
DEF(log_warn, "warn", false)
DEF(log_err, "error", false)
DEF(log_request, "info", true)

void
log_flush(void)
{
	pthread_mutex_lock(&mu);
	flush_locked();
	pthread_mutex_unlock(&mu);
}

static void *
flusher(void *arg)
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };

	(void)arg;
	for (;;) {
		nanosleep(&ts, NULL);
		log_flush();
	}
	return NULL;
}

void
log_buffer_start(void)
{
	pthread_t tid;

	pthread_mutex_lock(&mu);
	if (!buffering && pthread_create(&tid, NULL, flusher, NULL) == 0) {
		pthread_detach(tid);
		buffering = true;
	}
	pthread_mutex_unlock(&mu);
}
