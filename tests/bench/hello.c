/*
 * hello — the smallest useful FastCGI responder, the ceiling for
 * tests/bench.sh: the same libfcgi, thread model and nginx path as yujing,
 * with no work per request.
 *
 * usage: hello SOCKET [THREADS [BACKLOG]]
 *
 * Each thread owns one FCGX_Request and calls FCGX_Accept_r without a
 * mutex: accept(2) is thread safe, and with nginx's fastcgi_keep_conn a
 * thread blocks reading its kept connection inside FCGX_Accept_r, so a
 * mutex around it would serialise every thread behind one idle connection.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_THREADS 256

static const char reply[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "\r\n"
    "{\"status\":\"ok\"}";

static void *
serve(void *arg)
{
	FCGX_Request	 req;
	int		 fd = *(const int *)arg;

	if (FCGX_InitRequest(&req, fd, 0) != 0)
		return NULL;
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(reply, (int)sizeof(reply) - 1, req.out);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t	 tid[MAX_THREADS];
	char		*end;
	long		 n = 4, backlog = 1024;
	int		 fd, i, rc;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s SOCKET [THREADS [BACKLOG]]\n", argv[0]);
		return 2;
	}
	if (argc >= 3) {
		errno = 0;
		n = strtol(argv[2], &end, 10);
		if (errno != 0 || *end != '\0' || n < 1 || n > MAX_THREADS) {
			fprintf(stderr, "%s: threads must be 1..%d\n", argv[0], MAX_THREADS);
			return 2;
		}
	}
	if (argc == 4) {
		errno = 0;
		backlog = strtol(argv[3], &end, 10);
		if (errno != 0 || *end != '\0' || backlog < 1 || backlog > 65535) {
			fprintf(stderr, "%s: backlog must be 1..65535\n", argv[0]);
			return 2;
		}
	}
	if (FCGX_Init() != 0) {
		fprintf(stderr, "%s: FCGX_Init failed\n", argv[0]);
		return 1;
	}
	/* FCGX_Init catches SIGTERM and only notes it; let it end us. */
	signal(SIGTERM, SIG_DFL);
	if (unlink(argv[1]) == -1 && errno != ENOENT) {
		fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], strerror(errno));
		return 1;
	}
	if ((fd = FCGX_OpenSocket(argv[1], (int)backlog)) < 0) {
		fprintf(stderr, "%s: cannot listen on %s\n", argv[0], argv[1]);
		return 1;
	}
	if (chmod(argv[1], 0666) == -1) {
		fprintf(stderr, "%s: chmod %s: %s\n", argv[0], argv[1], strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++)
		if ((rc = pthread_create(&tid[i], NULL, serve, &fd)) != 0) {
			fprintf(stderr, "%s: pthread_create: %s\n", argv[0], strerror(rc));
			return 1;
		}
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	return 0;
}
