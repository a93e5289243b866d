/* yujing — the watchdog (see watchdog.h). */
#include "watchdog.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define MAX_SLOTS	512
#define TICK_NS		5000000L	/* 5 ms */

struct slot {
	atomic_bool		 used;		/* a live thread holds it */
	pthread_t		 tid;
	clockid_t		 cpu;		/* the thread's processor clock */
	bool			 has_cpu;
	bool			 has_timer;	/* a processor-time timer of its own */
	timer_t			 timer;
	/* Written by the thread. */
	atomic_uint		 lua_seq;	/* odd while a script runs */
	atomic_uint		 lua_limit_ms;
	atomic_llong		 lua_cpu_start;	/* the thread's clock at the start */
	atomic_uint		 req_seq;	/* odd while a request runs */
	atomic_llong		 req_start_ns;
	atomic_int		 worker;
	char			 what[96];
	/* The watchdog's own. */
	unsigned		 seen_lua;
	long long		 lua_cpu0;
	long long		 signalled_at;
	unsigned		 reported_req;
};

static struct slot		 slots[MAX_SLOTS];
static atomic_int		 nslots;		/* slots ever used: a high-water mark */
static pthread_key_t		 slot_key;		/* gives a slot back when its thread ends */
static _Thread_local struct slot *mine;
static pthread_once_t		 once = PTHREAD_ONCE_INIT;
static void			(*interrupt_fn)(void);
static atomic_uint		 stuck_after = 30;
static atomic_ulong		 interrupts;

static long long
ns_of(const struct timespec *ts)
{
	return (long long)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long long
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ns_of(&ts);
}

static void
on_signal(int sig)
{
	int saved = errno;

	(void)sig;
	if (interrupt_fn != NULL)
		interrupt_fn();
	errno = saved;
}

static void
look(struct slot *s, long long now)
{
	unsigned	 seq, limit, rseq;
	struct timespec	 ts;
	long long	 cpu, start;

	if (!atomic_load(&s->used))
		return;
	seq = atomic_load(&s->lua_seq);

	if ((seq & 1) && s->has_cpu && !s->has_timer && (limit = atomic_load(&s->lua_limit_ms)) > 0 &&
	    clock_gettime(s->cpu, &ts) == 0) {
		cpu = ns_of(&ts);
		if (s->seen_lua != seq) {
			s->seen_lua = seq;
			s->lua_cpu0 = atomic_load(&s->lua_cpu_start);
			s->signalled_at = 0;
		}
		if (cpu - s->lua_cpu0 >= (long long)limit * 1000000LL &&
		    (s->signalled_at == 0 || cpu - s->signalled_at >= (long long)limit * 1000000LL)) {
			/* Again after another limit if the first did not stop it. */
			s->signalled_at = cpu;
			atomic_fetch_add(&interrupts, 1);
			pthread_kill(s->tid, WATCHDOG_SIGNAL);
		}
	}
	rseq = atomic_load(&s->req_seq);
	start = atomic_load(&s->req_start_ns);
	if ((rseq & 1) && start > 0 && s->reported_req != rseq &&
	    now - start >= (long long)atomic_load(&stuck_after) * 1000000000LL) {
		char what[sizeof(s->what)];

		memcpy(what, s->what, sizeof(what));
		what[sizeof(what) - 1] = '\0';
		if (atomic_load(&s->req_seq) != rseq)
			return;
		s->reported_req = rseq;
		log_err("watchdog: worker %d has been in one request for %lld s: %s "
		    "(the other workers go on serving)", atomic_load(&s->worker),
		    (now - start) / 1000000000LL, what);
	}
}

static void *
watch(void *arg)
{
	struct timespec tick = { 0, TICK_NS };
	int i, n;

	(void)arg;
	for (;;) {
		long long now = mono_ns();

		n = atomic_load(&nslots);
		for (i = 0; i < n && i < MAX_SLOTS; i++)
			look(&slots[i], now);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

/* A thread that ends (a worker's helper thread scoring half a list, say)
 * gives its slot back for the next one. */
static void
release(void *arg)
{
	struct slot *s = arg;

	if (s->has_timer)
		timer_delete(s->timer);
	s->has_timer = false;
	atomic_store(&s->req_start_ns, 0);
	atomic_store(&s->used, false);
}

static void
start(void)
{
	struct sigaction sa;
	pthread_t	 tid;
	pthread_attr_t	 attr;
	sigset_t	 all;

	pthread_key_create(&slot_key, release);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(WATCHDOG_SIGNAL, &sa, NULL);
	/* The watchdog takes no signals: they belong to the main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &sa.sa_mask);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, watch, NULL) != 0)
		log_err("watchdog: cannot start its thread; scripts are bounded by their "
		    "instruction count only");
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &sa.sa_mask, NULL);
}

static struct slot *
enrol(void)
{
	sigset_t	 set;
	struct slot	*s = NULL;
	int		 i, n;
	bool		 no = false;

	if (mine != NULL)
		return mine;
	pthread_once(&once, start);
	/* A free slot, else a new one at the end. */
	n = atomic_load(&nslots);
	for (i = 0; i < n && i < MAX_SLOTS && s == NULL; i++) {
		no = false;
		if (atomic_compare_exchange_strong(&slots[i].used, &no, true))
			s = &slots[i];
	}
	while (s == NULL) {
		if ((i = atomic_load(&nslots)) >= MAX_SLOTS)
			return NULL;
		if (atomic_compare_exchange_strong(&nslots, &i, i + 1)) {
			no = false;
			if (atomic_compare_exchange_strong(&slots[i].used, &no, true))
				s = &slots[i];
		}
	}
	/* The fields the watchdog reads are set before the first odd seq. */
	s->tid = pthread_self();
	s->has_cpu = pthread_getcpuclockid(s->tid, &s->cpu) == 0;
	{
		/* The kernel signals this thread when its own processor time
		 * reaches the limit: precise however busy the machine is.
		 * Without it, the watchdog's thread polls the clock. */
		struct sigevent ev;

		memset(&ev, 0, sizeof(ev));
		ev.sigev_notify = SIGEV_THREAD_ID;
		ev.sigev_signo = WATCHDOG_SIGNAL;
		ev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
		s->has_timer = timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &s->timer) == 0;
	}
	sigemptyset(&set);
	sigaddset(&set, WATCHDOG_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	pthread_setspecific(slot_key, s);
	mine = s;
	return mine;
}

void
watchdog_set_interrupt(void (*fn)(void))
{
	interrupt_fn = fn;
}

void
watchdog_lua_begin(unsigned limit_ms)
{
	struct slot *s = enrol();

	if (s == NULL)
		return;
	atomic_store(&s->lua_limit_ms, limit_ms);
	if (limit_ms > 0 && s->has_timer) {
		struct itimerspec it;

		memset(&it, 0, sizeof(it));
		it.it_value.tv_sec = limit_ms / 1000;
		it.it_value.tv_nsec = (long)(limit_ms % 1000) * 1000000L;
		/* Again every limit, should the first not stop it. */
		it.it_interval = it.it_value;
		timer_settime(s->timer, 0, &it, NULL);
	} else if (limit_ms > 0) {
		struct timespec ts;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
		atomic_store(&s->lua_cpu_start, ns_of(&ts));
	}
	atomic_fetch_add(&s->lua_seq, 1);
}

void
watchdog_lua_end(void)
{
	static const struct itimerspec off;

	if (mine == NULL || !(atomic_load(&mine->lua_seq) & 1))
		return;
	if (mine->has_timer && atomic_load(&mine->lua_limit_ms) > 0)
		timer_settime(mine->timer, 0, &off, NULL);
	atomic_fetch_add(&mine->lua_seq, 1);
}

void
watchdog_request_begin(int worker, const char *method, const char *uri)
{
	struct slot *s = enrol();

	if (s == NULL)
		return;
	atomic_store(&s->worker, worker);
	snprintf(s->what, sizeof(s->what), "%s %s", method ? method : "-", uri ? uri : "-");
	atomic_store(&s->req_start_ns, mono_ns());
	atomic_fetch_add(&s->req_seq, 1);
}

void
watchdog_request_end(void)
{
	if (mine == NULL || !(atomic_load(&mine->req_seq) & 1))
		return;
	atomic_fetch_add(&mine->req_seq, 1);
	atomic_store(&mine->req_start_ns, 0);
}

void
watchdog_set_stuck_after(unsigned seconds)
{
	atomic_store(&stuck_after, seconds ? seconds : 1);
}

json_t *
watchdog_stuck_json(void)
{
	json_t		*a = json_array(), *o;
	long long	 now = mono_ns(), start, limit;
	int		 i, n = atomic_load(&nslots);
	unsigned	 seq;

	limit = (long long)atomic_load(&stuck_after) * 1000000000LL;
	for (i = 0; i < n && i < MAX_SLOTS; i++) {
		struct slot	*s = &slots[i];
		char		 what[sizeof(s->what)];

		if (!atomic_load(&s->used))
			continue;
		seq = atomic_load(&s->req_seq);
		start = atomic_load(&s->req_start_ns);
		if (!(seq & 1) || start == 0 || now - start < limit)
			continue;
		memcpy(what, s->what, sizeof(what));
		what[sizeof(what) - 1] = '\0';
		if (atomic_load(&s->req_seq) != seq)
			continue;
		o = json_object();
		json_object_set_new(o, "worker", json_integer(atomic_load(&s->worker)));
		json_object_set_new(o, "request", json_string(what));
		json_object_set_new(o, "seconds", json_integer((now - start) / 1000000000LL));
		json_array_append_new(a, o);
	}
	return a;
}

unsigned long
watchdog_interrupts(void)
{
	return atomic_load(&interrupts);
}
