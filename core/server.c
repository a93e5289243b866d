/* yujing — the FastCGI server.  Connections are not tied to threads: one
 * epoll set holds the listening socket and every connection from nginx,
 * idle kept connections included.  A worker thread waits on that set, takes
 * whichever connection has a request ready, serves that one request with
 * its own FCGX_Request, database connection and Lua state, and gives the
 * connection back to the set.  So nginx may keep any number of idle
 * connections: they cost a file descriptor each, never a thread, and a new
 * request never waits behind an idle kept connection or in the listen queue
 * while a thread is free.
 *
 * libfcgi serves one connection at a time per FCGX_Request: FCGX_Accept_r
 * reads the next request from the request's ipcFd when it is open and
 * accepts only when it is not.  The workers hand it a ready connection that
 * way (ipcFd, with keepConnection set so that the finish of the previous
 * request does not close it), and give their requests no listening socket
 * (-1), so that libfcgi never blocks in accept(2).
 *
 * SIGTERM: stop accepting, let in-flight requests finish, exit 0. */
#include "server.h"
#include "bulletin.h"
#include "reminders.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "deliver.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "plugins.h"
#include "session.h"
#include "watchdog.h"
#include "worker.h"

/* What an epoll event names: the wake-up eventfd, the listening socket, a
 * connection with a request to read, or one being closed (its write side
 * shut, waiting for nginx to close its end). */
enum ev_kind { EV_WAKE = 1, EV_LISTEN, EV_CONN, EV_LINGER };
#define EV(kind, fd)	(((uint64_t)(kind) << 32) | (uint32_t)(fd))
#define EV_KIND(u)	((enum ev_kind)((u) >> 32))
#define EV_FD(u)	((int)(uint32_t)(u))

struct pool {
	const struct config	*cfg;
	int			 listen_fd;
	int			 epfd;
	int			 wake_fd;	/* readable once stopping */
	pthread_mutex_t		 mu;
	pthread_cond_t		 idle;
	int			 busy;		/* requests being handled */
	int			 running;	/* worker threads alive */
	atomic_int		 stopping;
	atomic_int		 conns;		/* connections open */
	bool			 inherited;	/* socket from systemd */
	struct worker		*workers;	/* kept reachable until exit */
};

static struct pool pool = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
	.listen_fd = -1,
	.epfd = -1,
	.wake_fd = -1,
};

int
server_busy(void)
{
	int n;

	pthread_mutex_lock(&pool.mu);
	n = pool.busy;
	pthread_mutex_unlock(&pool.mu);
	return n;
}

int
server_connections(void)
{
	return atomic_load(&pool.conns);
}

static ssize_t
fcgi_read(void *arg, char *dst, size_t n)
{
	int got;

	got = FCGX_GetStr(dst, n > 0x7fffffff ? 0x7fffffff : (int)n, (FCGX_Stream *)arg);
	return got;
}

/* Answers above this size are followed by malloc_trim(). */
#define BIG_ANSWER (1024 * 1024)

static void
handle(struct worker *w, FCGX_Request *fr)
{
	struct http_limits lim = {
		.max_body = w->cfg->max_body,
		.max_attachment = w->cfg->max_attachment,
		.max_header = w->cfg->max_header,
		.max_query = w->cfg->max_query,
	};
	struct req	 r;
	struct buf	 out = { 0 };
	struct timespec	 t0, t1;
	double		 ms;
	size_t		 len;
	bool		 big;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	watchdog_request_begin(w->idx, FCGX_GetParam("REQUEST_METHOD", fr->envp),
	    FCGX_GetParam("REQUEST_URI", fr->envp));
	memset(&r, 0, sizeof(r));
	r.w = w;
	db_request_begin(&w->db);
	if (http_parse(&r, fr->envp, fcgi_read, fr->in, &lim) == 0)
		app_dispatch(&r);
	db_request_end(&w->db);
	http_serialize_head(&r, &out);
	FCGX_PutStr(out.data, (int)out.len, fr->out);
	if ((len = http_body_len(&r)) > 0)
		FCGX_PutStr(r.out.data, (int)len, fr->out);
	big = len > BIG_ANSWER;
	buf_free(&out);
	watchdog_request_end();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	log_request("req=%s user=%s addr=%s %s %s %d %.2fms", r.request_id,
	    r.authed ? r.user.username : "-", r.remote_addr, r.method_str,
	    r.path ? r.path : "-", r.status, ms);
	metrics_request(r.route, r.status, ms / 1e3);
	http_req_free(&r);
	/* A province-wide list or export leaves tens of megabytes free in
	 * this thread's heap; give them back instead of keeping each
	 * worker's high-water mark. */
	if (big)
		malloc_trim(0);
}

static void
conn_close(int fd)
{
	close(fd);
	atomic_fetch_sub(&pool.conns, 1);
}

/* Puts fd back into the set for its next event (EPOLLONESHOT: one thread
 * gets it, and nobody else until it is armed again). */
static void
arm(int fd, enum ev_kind kind)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = EV(kind, fd) };

	if (epoll_ctl(pool.epfd, EPOLL_CTL_MOD, fd, &ev) != 0 &&
	    epoll_ctl(pool.epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		log_warn("epoll: cannot watch fd %d: %s", fd, strerror(errno));
		if (kind != EV_LISTEN)
			conn_close(fd);
	}
}

/* Takes every connection waiting in the listen queue into the set. */
static void
accept_all(void)
{
	int fd, n;

	for (n = 0; n < 256; n++) {
		fd = accept4(pool.listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno == EMFILE || errno == ENFILE)
				log_warn("accept: %s (raise LimitNOFILE or lower nginx's keepalive)",
				    strerror(errno));
			else if (errno != EAGAIN)
				log_warn("accept: %s", strerror(errno));
			break;
		}
		atomic_fetch_add(&pool.conns, 1);
		arm(fd, EV_CONN);
	}
	if (!atomic_load(&pool.stopping))
		arm(pool.listen_fd, EV_LISTEN);
}

/* A connection nginx does not keep: our write side is shut; read what
 * nginx may still send until it closes its end, so that closing ours never
 * turns unread bytes into a reset of the answer. */
static void
linger(int fd)
{
	char	 trash[4096];
	ssize_t	 n;

	while ((n = recv(fd, trash, sizeof(trash), MSG_DONTWAIT)) > 0)
		;
	if (n < 0 && (errno == EAGAIN || errno == EINTR) && !atomic_load(&pool.stopping))
		arm(fd, EV_LINGER);
	else
		conn_close(fd);
}

/* Serves the request waiting on connection fd, then gives the connection
 * back to the set (or closes it). */
static void
serve(struct worker *w, FCGX_Request *fr, int fd)
{
	char	 c;
	ssize_t	 n;
	bool	 keep;

	/* A kept connection nginx closed, or a spurious wake-up. */
	n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		conn_close(fd);
		return;
	}
	if (n < 0) {
		arm(fd, EV_CONN);
		return;
	}
	fr->ipcFd = fd;
	fr->keepConnection = 1;	/* the finish inside Accept must not close fd */
	fr->detached = 1;	/* if libfcgi closes fd, no lingering select() */
	if (FCGX_Accept_r(fr) < 0) {
		/* Not a FastCGI request: libfcgi closed the connection and
		 * found no listening socket to accept on. */
		atomic_fetch_sub(&pool.conns, 1);
		fr->ipcFd = -1;
		return;
	}
	pthread_mutex_lock(&pool.mu);
	pool.busy++;
	pthread_mutex_unlock(&pool.mu);

	handle(w, fr);
	keep = fr->keepConnection != 0;
	fr->keepConnection = 1;
	fr->detached = 1;
	FCGX_Finish_r(fr);

	pthread_mutex_lock(&pool.mu);
	pool.busy--;
	pthread_cond_broadcast(&pool.idle);
	pthread_mutex_unlock(&pool.mu);

	if (fr->ipcFd < 0) {
		/* Writing the answer failed: libfcgi closed the connection. */
		atomic_fetch_sub(&pool.conns, 1);
		return;
	}
	fr->ipcFd = -1;
	if (keep && !atomic_load(&pool.stopping))
		arm(fd, EV_CONN);
	else if (shutdown(fd, SHUT_WR) == 0)
		linger(fd);
	else
		conn_close(fd);
}

static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct epoll_event	 ev;
	FCGX_Request		 fr;
	int			 n;

	/* No listening socket: accepting is done here, not in libfcgi. */
	if (FCGX_InitRequest(&fr, -1, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		abort();
	while (!atomic_load(&pool.stopping)) {
		n = epoll_wait(pool.epfd, &ev, 1, -1);
		if (n < 0) {
			if (errno != EINTR) {
				log_warn("worker %d: epoll_wait: %s", w->idx, strerror(errno));
				usleep(100000);
			}
			continue;
		}
		if (n == 0)
			continue;
		switch (EV_KIND(ev.data.u64)) {
		case EV_WAKE:
			break;
		case EV_LISTEN:
			accept_all();
			break;
		case EV_CONN:
			serve(w, &fr, EV_FD(ev.data.u64));
			break;
		case EV_LINGER:
			linger(EV_FD(ev.data.u64));
			break;
		}
	}
	FCGX_Free(&fr, 0);
	db_close(&w->db);
	rules_worker_free(&w->rules);
	pthread_mutex_lock(&pool.mu);
	pool.running--;
	pthread_cond_broadcast(&pool.idle);
	pthread_mutex_unlock(&pool.mu);
	return NULL;
}

/* systemd socket activation (sd_listen_fds(3)): LISTEN_PID is this
 * process and LISTEN_FDS at least 1: the socket is fd 3, made and owned by
 * the .socket unit, which keeps it open across restarts. */
static int
inherited_socket(void)
{
	const char	*pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");

	if (pid == NULL || fds == NULL || atoll(pid) != (long long)getpid() || atoi(fds) < 1)
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return 3;
}

static int
open_socket(const struct config *cfg)
{
	struct stat	 st;
	int		 fd;

	if ((fd = inherited_socket()) >= 0) {
		pool.inherited = true;
		return fd;
	}
	if (cfg->listen[0] == '/') {
		if (stat(cfg->listen, &st) == 0 && S_ISSOCK(st.st_mode))
			unlink(cfg->listen);
	}
	if ((fd = FCGX_OpenSocket(cfg->listen, cfg->backlog)) < 0) {
		log_err("cannot listen on %s: %s", cfg->listen, strerror(errno));
		return -1;
	}
	if (cfg->listen[0] == '/' && chmod(cfg->listen, cfg->listen_mode) != 0) {
		log_err("chmod %s: %s", cfg->listen, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
setup_events(void)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = EV(EV_WAKE, 0) };
	int fl;

	if ((fl = fcntl(pool.listen_fd, F_GETFL)) < 0 ||
	    fcntl(pool.listen_fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
	    fcntl(pool.listen_fd, F_SETFD, FD_CLOEXEC) != 0) {
		log_err("listening socket: %s", strerror(errno));
		return -1;
	}
	if ((pool.epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    (pool.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		log_err("epoll: %s", strerror(errno));
		return -1;
	}
	/* Level-triggered, never armed off: once written, every thread
	 * waiting sees it. */
	ev.data.u64 = EV(EV_WAKE, pool.wake_fd);
	if (epoll_ctl(pool.epfd, EPOLL_CTL_ADD, pool.wake_fd, &ev) != 0) {
		log_err("epoll: %s", strerror(errno));
		return -1;
	}
	arm(pool.listen_fd, EV_LISTEN);
	return 0;
}

int
server_run(const struct config *cfg)
{
	struct worker	*workers;
	pthread_t	 tid;
	pthread_attr_t	 attr;
	sigset_t	 set;
	uint64_t	 one = 1;
	int		 i, sig;

	if (FCGX_Init() != 0) {
		log_err("FCGX_Init failed");
		return 1;
	}
	pool.cfg = cfg;
	metrics_init();
	watchdog_set_stuck_after((unsigned)cfg->worker_stuck_after);
	/* Buffers of a megabyte and more (answers, exports) are mapped and
	 * unmapped on their own, never kept in a heap; a fixed threshold also
	 * stops glibc from raising it after the first big free. */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
	session_cache_init(cfg->session_cache_ttl);
	rules_use_database(cfg);
	rules_init(cfg);
	if (rules_problem() != NULL)
		log_err("rules: %s (in %s); health answers 503 until it is fixed",
		    rules_problem(), cfg->rules_dir);
	if (plugins_start(cfg) != 0)
		return 1;
	if ((pool.listen_fd = open_socket(cfg)) < 0)
		return 1;
	if (setup_events() != 0)
		return 1;

	/* Signals go to this thread only: workers inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((pool.workers = workers = calloc((size_t)cfg->threads, sizeof(*workers))) == NULL)
		abort();
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < cfg->threads; i++) {
		workers[i].idx = i;
		workers[i].cfg = cfg;
		db_init(&workers[i].db, cfg);
		pool.running++;
		if (pthread_create(&tid, &attr, worker_main, &workers[i]) != 0) {
			log_err("cannot start worker thread %d", i);
			return 1;
		}
	}
	pthread_attr_destroy(&attr);
	log_buffer_start();
	rules_watch_start();
	if (deliver_start(cfg) != 0)
		return 1;
	reminders_start(cfg);
	log_info("yujing: listening on %s%s with %d threads", cfg->listen,
	    pool.inherited ? " (socket from systemd)" : "", cfg->threads);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("yujing: SIGHUP, reloading rules: %d file(s) changed", rules_reload());
			continue;
		}
		if (sig == SIGUSR1) {
			log_reopen();
			log_info("yujing: SIGUSR1, log file reopened");
			continue;
		}
		break;
	}
	log_info("yujing: %s, no longer accepting; finishing requests in flight",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	atomic_store(&pool.stopping, 1);
	epoll_ctl(pool.epfd, EPOLL_CTL_DEL, pool.listen_fd, NULL);
	/* Wakes every thread waiting for an event. */
	if (write(pool.wake_fd, &one, sizeof(one)) != sizeof(one))
		log_warn("yujing: waking the workers: %s", strerror(errno));

	pthread_mutex_lock(&pool.mu);
	while (pool.busy > 0 || pool.running > 0)
		pthread_cond_wait(&pool.idle, &pool.mu);
	pthread_mutex_unlock(&pool.mu);
	deliver_stop();
	/* Connections still open are idle kept ones: they end with the
	 * process.  A socket from systemd stays with systemd. */
	close(pool.listen_fd);
	if (cfg->listen[0] == '/' && !pool.inherited)
		unlink(cfg->listen);
	/* No worker makes a bulletin any more. */
	bulletin_cleanup();
	log_info("yujing: stopped");
	return 0;
}
