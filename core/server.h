/* yujing — the FastCGI server: worker threads, signals, graceful stop. */
#ifndef YJ_SERVER_H
#define YJ_SERVER_H

#include "conf.h"

/* Serves until SIGTERM or SIGINT; returns the exit status. */
int	 server_run(const struct config *);

#endif
