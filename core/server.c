/* yujing — worker threads accept FastCGI requests on one socket; each owns
 * its request, its database connection and (later) its Lua state.  SIGTERM:
 * stop accepting, let in-flight requests finish, exit 0. */
#include "server.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "http.h"
#include "log.h"
#include "plugins.h"
#include "session.h"
#include "watchdog.h"
#include "worker.h"

struct pool {
	const struct config	*cfg;
	int			 listen_fd;
	pthread_mutex_t		 mu;
	pthread_cond_t		 idle;
	int			 busy;		/* requests being handled */
	int			 running;	/* worker threads alive */
	volatile sig_atomic_t	 stopping;
	struct worker		*workers;	/* kept reachable until exit */
};

static struct pool pool = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
};

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
	http_req_free(&r);
	/* A province-wide list or export leaves tens of megabytes free in
	 * this thread's heap; give them back instead of keeping each
	 * worker's high-water mark. */
	if (big)
		malloc_trim(0);
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	FCGX_Request	 fr;

	if (FCGX_InitRequest(&fr, pool.listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		abort();
	while (!pool.stopping) {
		if (FCGX_Accept_r(&fr) < 0) {
			if (pool.stopping)
				break;
			if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
				continue;
			log_warn("worker %d: accept failed: %s", w->idx, strerror(errno));
			usleep(100000);
			continue;
		}
		pthread_mutex_lock(&pool.mu);
		pool.busy++;
		pthread_mutex_unlock(&pool.mu);

		handle(w, &fr);
		FCGX_Finish_r(&fr);

		pthread_mutex_lock(&pool.mu);
		pool.busy--;
		pthread_cond_broadcast(&pool.idle);
		pthread_mutex_unlock(&pool.mu);
	}
	FCGX_Free(&fr, 1);
	db_close(&w->db);
	rules_worker_free(&w->rules);
	pthread_mutex_lock(&pool.mu);
	pool.running--;
	pthread_cond_broadcast(&pool.idle);
	pthread_mutex_unlock(&pool.mu);
	return NULL;
}

static int
open_socket(const struct config *cfg)
{
	struct stat	 st;
	int		 fd;

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

int
server_run(const struct config *cfg)
{
	struct worker	*workers;
	pthread_t	 tid;
	pthread_attr_t	 attr;
	sigset_t	 set;
	int		 i, sig;

	if (FCGX_Init() != 0) {
		log_err("FCGX_Init failed");
		return 1;
	}
	pool.cfg = cfg;
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

	/* Signals go to this thread only: workers inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
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
	log_info("yujing: listening on %s with %d threads", cfg->listen, cfg->threads);

	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("yujing: SIGHUP, reloading rules: %d file(s) changed", rules_reload());
			continue;
		}
		break;
	}
	log_info("yujing: %s, no longer accepting; finishing requests in flight",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT");
	pool.stopping = 1;
	/* Wakes the threads blocked in accept(). */
	shutdown(pool.listen_fd, SHUT_RDWR);

	pthread_mutex_lock(&pool.mu);
	while (pool.busy > 0)
		pthread_cond_wait(&pool.idle, &pool.mu);
	pthread_mutex_unlock(&pool.mu);
	/* Threads idle on a kept nginx connection are not waited for: they
	 * hold no request.  Closing the listening socket ends the rest. */
	close(pool.listen_fd);
	if (cfg->listen[0] == '/')
		unlink(cfg->listen);
	log_info("yujing: stopped");
	return 0;
}
