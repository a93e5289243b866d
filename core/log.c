/* yujing — logging: UTC timestamp, level, message.  Every line is written
 * whole, so lines from worker threads never interleave.
 *
 * Under systemd, stderr is the journal (JOURNAL_STREAM names it): a line
 * then starts with its syslog priority ("<6>" info, "<4>" warn, "<3>"
 * error) instead of a timestamp, which the journal adds itself.  With
 * log_file set, stderr is that file, opened for appending, and
 * log_reopen() (on SIGUSR1) opens it again after logrotate moved it. */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
static bool		 journal;	/* stderr is the systemd journal */
static char		*file;		/* log_file, or NULL */

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

	if (journal)
		n = snprintf(line, LOG_LINE, "<%c>%s ",
		    level[0] == 'e' ? '3' : level[0] == 'w' ? '4' : '6', level);
	else {
		gettimeofday(&tv, NULL);
		gmtime_r(&tv.tv_sec, &tm);
		n = (int)strftime(line, LOG_LINE, "%Y-%m-%dT%H:%M:%S", &tm);
		n += snprintf(line + n, LOG_LINE - n, ".%03dZ %s ", (int)(tv.tv_usec / 1000), level);
	}
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

/* JOURNAL_STREAM is "device:inode" of the journal's socket when systemd
 * connected stderr to it (systemd.exec(5)). */
static bool
stderr_is_journal(void)
{
	const char		*js = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;
	struct stat		 st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return false;
	return fstat(STDERR_FILENO, &st) == 0 && (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

static int
open_file(const char *path)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0)
		return -1;
	if (fd != STDERR_FILENO && dup2(fd, STDERR_FILENO) < 0) {
		close(fd);
		return -1;
	}
	if (fd != STDERR_FILENO)
		close(fd);
	return 0;
}

int
log_open(const char *path)
{
	int rc = 0;

	pthread_mutex_lock(&mu);
	flush_locked();
	free(file);
	file = NULL;
	if (path != NULL && *path != '\0') {
		if ((file = strdup(path)) == NULL || open_file(path) != 0)
			rc = -1;
		journal = false;
	} else
		journal = stderr_is_journal();
	pthread_mutex_unlock(&mu);
	return rc;
}

void
log_reopen(void)
{
	int failed = 0, err = 0;

	pthread_mutex_lock(&mu);
	flush_locked();
	if (file != NULL && open_file(file) != 0) {
		failed = 1;
		err = errno;
	}
	pthread_mutex_unlock(&mu);
	if (failed)
		log_err("log: cannot reopen %s: %s; still writing to the old file", file, strerror(err));
}
