/* yujing — configuration file: "key = value" lines, '#' comments. */
#ifndef YJ_CONFIG_H
#define YJ_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
	char	*path;			/* the file read, for messages */
	char	*listen;		/* FastCGI unix socket path, or ":port" */
	unsigned listen_mode;		/* permissions of the socket */
	int	 threads;		/* worker threads = concurrent requests */
	int	 backlog;
	char	*db_socket;		/* unix socket; empty: use db_host/db_port */
	char	*db_host;
	int	 db_port;
	char	*db_name;
	char	*db_user;
	char	*db_password;
	int	 db_connect_timeout;	/* seconds */
	int	 db_rw_timeout;		/* seconds, per read or write */
	char	*sql_dir;		/* numbered migrations */
	size_t	 max_body;		/* bytes */
	size_t	 max_attachment;	/* bytes of an upload (RF_RAW routes) */
	size_t	 max_header;		/* bytes of all request headers */
	size_t	 max_query;		/* bytes of the query string */
	int	 session_ttl;		/* seconds */
	int	 session_cache_ttl;	/* seconds a validated session is trusted; 0: off */
	int	 scores_parallel_min;	/* score a page this long in two threads; 0: never */
	int	 list_count_limit;	/* lists of items count this far, then say "more" */
	bool	 cookie_secure;
	int	 login_max_failures;	/* per account within login_window */
	int	 login_max_failures_addr; /* per client address */
	int	 login_window;		/* seconds */
	int	 login_addr_delay;	/* seconds between attempts past the address limit */
	int	 password_min_length;
	char	*rules_dir;		/* scoring/<year>.lua and review.lua */
	size_t	 rules_memory_limit;	/* bytes per Lua state */
	size_t	 rules_instruction_limit; /* Lua instructions per call */
	int	 rules_time_limit;	/* ms of processor time per call; 0: measured */
	int	 worker_stuck_after;	/* seconds in one request before the watchdog reports it */
	char	*plugins_dir;		/* report-type plugins, *.so */
	char	*log_file;		/* empty: stderr (the journal under systemd) */
	/* Publication and dissemination. */
	char	*public_url;		/* base of the links in mails and feeds */
	char	*channel_allow_hosts;	/* private hosts channels may reach */
	int	 deliver_threads;	/* 0: this host sends nothing */
	int	 deliver_poll_ms;	/* between looks when idle */
	int	 deliver_lease;		/* seconds a claimed row is ours */
	int	 deliver_retry_base;	/* seconds before the first retry */
	int	 deliver_max_attempts;
	int	 send_timeout;		/* seconds per SMTP or HTTP send */
	int	 subscribe_max_per_hour; /* per e-mail address, and ×10 per client */
	int	 remind_before_days;	/* reminders of a deadline this many days before it */
	int	 review_remind_days;	/* remind reviewers of items waiting longer than this */
	int	 reminders_interval;	/* seconds between the server's reminder runs; 0: none */
};

/* Fills defaults, then reads path (NULL: defaults only).  On error returns
 * -1 and writes "file:line: reason" into err. */
int	 config_load(struct config *, const char *path, char *err, size_t errsz);
void	 config_free(struct config *);
/* One line per key with its value, in file syntax. */
void	 config_dump(const struct config *, void (*emit)(const char *line, void *), void *);

#endif
