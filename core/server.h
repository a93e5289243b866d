/* yujing — the FastCGI server: worker threads, signals, graceful stop. */
#ifndef YJ_SERVER_H
#define YJ_SERVER_H

#include "conf.h"

/* Serves until SIGTERM or SIGINT; returns the exit status. */
int	 server_run(const struct config *);
/* Worker threads handling a request now; connections from the web server
 * open now (idle kept ones included).  For /metrics. */
int	 server_busy(void);
int	 server_connections(void);

#endif
