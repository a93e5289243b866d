/* yujing — command line: serve, check the configuration, migrate, add a
 * user. */
#include "conf.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <mysql.h>
#include <sodium.h>

#include "actor.h"
#include "clock.h"
#include "db.h"
#include "deliver.h"
#include "lifecycle.h"
#include "log.h"
#include "migrate.h"
#include "password.h"
#include "plugins.h"
#include "rules.h"
#include "server.h"
#include "reminders.h"
#include "stats.h"
#include "users.h"
#include "worker.h"
#include "access.h"

/* Every command: its words, its synopsis and what it does, for
 * "yujing --help", "yujing help COMMAND" and "yujing COMMAND --help". */
static const struct command_help {
	const char	*words;		/* "stats rebuild" */
	const char	*synopsis;
	const char	*text;
} commands[] = {
	{ "", "yujing [-c FILE]",
	  "Serve FastCGI requests on the socket of \"listen\" with \"threads\" worker threads,\n"
	  "in the foreground, one log line per request (stderr, the journal under systemd,\n"
	  "or log_file).  SIGTERM and SIGINT: stop accepting, finish the requests in\n"
	  "flight, exit 0.  SIGHUP: reload the rules.  SIGUSR1: reopen log_file." },
	{ "-t", "yujing -t [-c FILE] [dump]",
	  "Check the configuration file and exit (0: valid), as nginx -t does; with\n"
	  "\"dump\", print every key with its value (db_password as \"(set)\")." },
	{ "migrate", "yujing migrate [-c FILE]",
	  "Apply the numbered migrations sql_dir/NNN_*.sql not applied yet (table\n"
	  "schema_version), then fill a statistics table that is new from what is there.\n"
	  "Shows each migration and its time (and MariaDB's progress of a long ALTER) on\n"
	  "stderr.  Running it again changes nothing." },
	{ "user add", "yujing user add [-c FILE] --username NAME [--name 姓名] --role ROLE\n"
	  "                [--point ID] [--city CODE]",
	  "Create an account; the password is read from standard input (not echoed on a\n"
	  "terminal).  ROLE: admin, province, city (needs --city), point (needs --point),\n"
	  "editor." },
	{ "hash-password", "yujing hash-password",
	  "Print the argon2id hash of the password read from standard input." },
	{ "rules check", "yujing rules check [-c FILE] RULE.lua...",
	  "Check rule files before deploying them: syntax, the sandbox, a run against\n"
	  "built-in facts.  Prints file:line: reason and exits 1 on a problem." },
	{ "rules test", "yujing rules test [-c FILE] DIR|FILE",
	  "Run the cases DIR/<year>.test.lua against DIR/<year>.lua (or only those of\n"
	  "one <year>.lua or <year>.test.lua); ends with \"N passed, M failed\" (exit 1\n"
	  "when one failed)." },
	{ "rules new", "yujing rules new YEAR [DIR]",
	  "Write DIR/YEAR.lua and DIR/YEAR.test.lua (DIR: rules/scoring) from the newest\n"
	  "earlier standard and its cases, the years moved, then check and test them.\n"
	  "Never overwrites a file." },
	{ "rules bench", "yujing rules bench [-c FILE] DIR [N]",
	  "Score N (10000) synthetic points with every standard in DIR/scoring, against\n"
	  "a trivial standard, and time a reload." },
	{ "plugins check", "yujing plugins check DIR",
	  "Load the report-type plugins in DIR as yujing does at start and list them with\n"
	  "their fields; prints refused: FILE: reason and exits 1 on a problem." },
	{ "stats rebuild", "yujing stats rebuild [-c FILE]",
	  "Rewrite stat_records from a recount of every submission, in batches of 5000\n"
	  "(each its own transaction), then stat_totals.  Safe while yujing runs; the\n"
	  "figures may be off until it ends.  Progress on stderr." },
	{ "stats verify", "yujing stats verify [-c FILE]",
	  "Recount every submission and compare with stat_records, and those rows with\n"
	  "stat_totals; exit 0 when equal, 1 with each difference.  Progress on stderr." },
	{ "lifecycle check-visibility", "yujing lifecycle check-visibility [-c FILE]",
	  "Compare the C visibility check of the lifecycle with its SQL filter over every\n"
	  "submission, for every role and scope that has items; exit 1 on a difference." },
	{ "submission", "yujing submission submit|withdraw|decide|revert [-c FILE] --id N --as ROLE\n"
	  "                [--city CODE] [--point ID] [--decision D] [--opinion TEXT]\n"
	  "                [--magazine] [--work-exchange] [--internal-exchange]\n"
	  "                [--version V] [--now 'YYYY-MM-DD HH:MM:SS']",
	  "Make one transition of the lifecycle as the system in ROLE's stead, through the\n"
	  "same function as the HTTP API (--now sets the clock, for tests)." },
	{ "deliver run", "yujing deliver run [-c FILE] [--until-idle]",
	  "Deliver published warnings from this process, as the server's deliver_threads\n"
	  "do: events into delivery rows, digests, then claim, send and record the due\n"
	  "rows.  Safe beside running servers and other such processes (rows are claimed\n"
	  "in the database).  --until-idle stops when a round finds nothing to do; the\n"
	  "counts go to stdout." },
	{ "reminders run", "yujing reminders run [-c FILE] [--at 'YYYY-MM-DD HH:MM']",
	  "Send the reminders due now (or at --at, Beijing time) into the message centre:\n"
	  "quarterly analyses and annual summaries not yet submitted as 20 January nears\n"
	  "(remind_before_days), items waiting on a reviewer longer than\n"
	  "review_remind_days.  Each reminder once; a second run adds nothing.  Prints\n"
	  "the counts." },
	{ "help", "yujing help [COMMAND]", "Show the help of every command, or of one." },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage:");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "%s%s\n", i == 0 ? " " : "       ", commands[i].synopsis);
	fprintf(f, "       yujing --version\n"
	    "FILE: the configuration, by default " SYSCONFDIR "/yujing/yujing.conf.\n"
	    "\"yujing help COMMAND\" or \"yujing COMMAND --help\" says more about one.\n");
}

/* The help of the command named by words[0..n-1] ("stats", "rebuild"). */
static int
help(int n, char **words)
{
	char	 name[64] = "";
	size_t	 i;
	int	 k;

	for (k = 0; k < n && k < 2; k++)
		if (strcmp(words[k], "--help") && strcmp(words[k], "-h"))
			snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s",
			    name[0] ? " " : "", words[k]);
	if (name[0] == '\0') {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].words, name) ||
		    (strchr(name, ' ') == NULL && !strncmp(commands[i].words, name, strlen(name)) &&
		    commands[i].words[strlen(name)] == ' '))
			printf("usage: %s\n%s\n\n", commands[i].synopsis, commands[i].text);
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].words, name) ||
		    (!strncmp(commands[i].words, name, strlen(name)) &&
		    commands[i].words[strlen(name)] == ' '))
			return 0;
	fprintf(stderr, "yujing: no command \"%s\"; yujing --help lists them\n", name);
	return 2;
}

/* Whether argv holds --help or -h (the help of that command). */
static bool
wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

static void
emit(const char *line, void *arg)
{
	(void)arg;
	printf("%s\n", line);
}

static int
read_password(char *pw, size_t sz)
{
	struct termios	 old, quiet;
	bool		 tty = isatty(STDIN_FILENO);
	size_t		 n;

	if (tty) {
		fprintf(stderr, "password: ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (fgets(pw, (int)sz, stdin) == NULL)
		pw[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fprintf(stderr, "\n");
	}
	n = strlen(pw);
	while (n > 0 && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	return n > 0 ? 0 : -1;
}

static int
cmd_user_add(const struct config *cfg, struct users_input *in)
{
	struct actor		 cli = actor_system(ROLE_ADMIN, NULL, 0);
	struct outcome		 e;
	struct db		 db;
	char			 pw[512];
	long long		 id;
	int			 rc;

	if (read_password(pw, sizeof(pw)) == -1) {
		fprintf(stderr, "yujing user add: no password given on standard input\n");
		return 2;
	}
	in->password = pw;
	db_init(&db, cfg);
	rc = users_create(&db, cfg, in, &cli, &id, &e);
	db_close(&db);
	sodium_memzero(pw, sizeof(pw));
	if (rc != 0) {
		if (e.kind == OUT_DB)
			fprintf(stderr, "yujing user add: %s: %s\n", db_strerror(e.db_rc), db.last_error);
		else
			fprintf(stderr, "yujing user add: %s%s%s\n", e.field, e.field[0] ? ": " : "",
			    e.message);
		return 1;
	}
	printf("user %s (%s) created with id %lld\n", in->username, in->role, id);
	return 0;
}

/* Options of "user add"; -c may come after the command words too. */
static int
parse_user_add(int argc, char **argv, struct users_input *in, const char **conf)
{
	static const struct option opts[] = {
		{ "username", required_argument, NULL, 'u' },
		{ "name", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ "point", required_argument, NULL, 'p' },
		{ "city", required_argument, NULL, 'C' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(in, 0, sizeof(*in));
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1)
		switch (c) {
		case 'u': in->username = optarg; break;
		case 'n': in->name = optarg; break;
		case 'r': in->role = optarg; break;
		case 'p': in->point_id = atoll(optarg); break;
		case 'C': in->city = optarg; break;
		case 'c': *conf = optarg; break;
		default: return -1;
		}
	if (optind != argc || in->username == NULL || in->role == NULL)
		return -1;
	if (in->name == NULL)
		in->name = in->username;
	return 0;
}

/* yujing rules check|test: no database, no server; limits from -c FILE
 * when given, else the defaults. */
static int
cmd_rules(int argc, char **argv)
{
	struct config	 cfg;
	const char	*conf = NULL, *verb = argv[0];
	char		 err[1024];
	int		 c, i, rc = 0;

	optind = 1;
	while ((c = getopt(argc, argv, "c:")) != -1)
		if (c == 'c')
			conf = optarg;
		else {
			usage(stderr);
			return 2;
		}
	argc -= optind;
	argv += optind;
	/* Without -c, the defaults (an empty file reads as nothing but them). */
	if (config_load(&cfg, conf != NULL ? conf : "/dev/null", err, sizeof(err)) == -1) {
		fprintf(stderr, "yujing: %s\n", err);
		config_free(&cfg);
		return 1;
	}
	/* The time limit is measured here as at a start, without saying so. */
	log_quiet(1);
	rules_set_limits(cfg.rules_memory_limit, cfg.rules_instruction_limit,
	    cfg.rules_time_limit);
	log_quiet(0);
	config_free(&cfg);
	if (argc >= 1 && !strcmp(verb, "check")) {
		for (i = 0; i < argc; i++)
			if (rules_check_file(argv[i], stdout) != 0)
				rc = 1;
		return rc;
	}
	if (argc == 1 && !strcmp(verb, "test"))
		return rules_test_dir(argv[0], stdout) == 0 ? 0 : 1;
	if ((argc == 1 || argc == 2) && !strcmp(verb, "new"))
		return rules_new(argc == 2 ? argv[1] : "rules/scoring", atoi(argv[0]), stdout) == 0 ? 0 : 1;
	if ((argc == 1 || argc == 2) && !strcmp(verb, "bench"))
		return rules_bench(argv[0], argc == 2 ? atoi(argv[1]) : 10000, stdout) == 0 ? 0 : 1;
	usage(stderr);
	return 2;
}

static void
print_refused(const char *msg, void *arg)
{
	int *bad = arg;

	printf("refused: %s\n", msg);
	(*bad)++;
}

/* yujing plugins check DIR: loads DIR as yujing would at start (no
 * database, no server), lists each plugin and its report types, and
 * exits 1 when one is refused. */
static int
cmd_plugins_check(const char *dir)
{
	const struct yj_plugin		*p;
	const struct yj_report_type	*t;
	const char			*path;
	size_t				 i, j, k;
	int				 bad = 0;

	log_quiet(1);
	plugins_load_dir(dir, print_refused, &bad);
	for (i = 0; i < plugins_count(); i++) {
		p = plugins_at(i);
		plugins_owner(p->types, &path);
		printf("ok: %s %s (%s)\n", p->name, p->version, path);
		for (j = 0; j < p->ntypes; j++) {
			t = &p->types[j];
			printf("  %s %s:", t->name, t->label);
			for (k = 0; k < t->nfields; k++)
				printf(" %s%s", t->fields[k].name, t->fields[k].required ? "*" : "");
			printf("\n");
		}
	}
	printf("%zu plugin(s), %zu report type(s), %d refused\n", plugins_count(),
	    plugins_ntypes(), bad);
	plugins_unload_all();
	return bad == 0 ? 0 : 1;
}

/* After migrate, and for "yujing stats rebuild|verify": the plugins say
 * which report types feed which statistics. */
static int
run_stats(const struct config *cfg, const char *verb)
{
	struct db	 db;
	int		 rc;

	log_quiet(1);
	if (plugins_start(cfg) != 0) {
		fprintf(stderr, "yujing stats: the report-type plugins in %s do not load; "
		    "run yujing plugins check %s\n", cfg->plugins_dir, cfg->plugins_dir);
		return 2;
	}
	db_init(&db, cfg);
	if (!strcmp(verb, "verify"))
		rc = stats_verify(&db, stdout);
	else if (!strcmp(verb, "rebuild"))
		rc = stats_rebuild(&db, stdout);
	else
		rc = stats_rebuild_if_empty(&db, stdout);
	db_close(&db);
	plugins_unload_all();
	return rc;
}

/* "yujing submission VERB": one lifecycle transition by the system (as a
 * job would make it), in a role's stead; prints the outcome. */
struct cli_transition {
	const char		*verb;
	long long		 id;
	int			 role;
	const char		*city;
	long long		 point;
	struct lc_decision	 d;
	const char		*now;
};

static int
parse_transition(int argc, char **argv, struct cli_transition *t, const char **conf)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "as", required_argument, NULL, 'a' },
		{ "city", required_argument, NULL, 'C' },
		{ "point", required_argument, NULL, 'p' },
		{ "decision", required_argument, NULL, 'd' },
		{ "opinion", required_argument, NULL, 'o' },
		{ "magazine", no_argument, NULL, 'm' },
		{ "work-exchange", no_argument, NULL, 'w' },
		{ "internal-exchange", no_argument, NULL, 'x' },
		{ "version", required_argument, NULL, 'V' },
		{ "now", required_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(t, 0, sizeof(*t));
	t->verb = argv[0];
	t->d.version.kind = LC_V_CURRENT;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1)
		switch (c) {
		case 'i': t->id = atoll(optarg); break;
		case 'a': t->role = role_parse(optarg); break;
		case 'C': t->city = optarg; break;
		case 'p': t->point = atoll(optarg); break;
		case 'd': t->d.decision = optarg; break;
		case 'o': t->d.opinion = optarg; break;
		case 'm': t->d.magazine = true; break;
		case 'w': t->d.work_exchange = true; break;
		case 'x': t->d.internal_exchange = true; break;
		case 'V': t->d.version.kind = LC_V_GIVEN; t->d.version.v = atoll(optarg); break;
		case 'n': t->now = optarg; break;
		case 'c': *conf = optarg; break;
		default: return -1;
		}
	if (!strcmp(t->verb, "revert"))
		t->d.decision = "revert";
	if (optind != argc || t->id <= 0 || t->role == 0 ||
	    (strcmp(t->verb, "submit") && strcmp(t->verb, "withdraw") && strcmp(t->verb, "decide") &&
	    strcmp(t->verb, "revert")) || (!strcmp(t->verb, "decide") && t->d.decision == NULL))
		return -1;
	return 0;
}

static const char *
outcome_name(enum outcome_kind k)
{
	static const char *const names[] = {
		[OUT_OK] = "ok", [OUT_NOT_FOUND] = "not_found", [OUT_FORBIDDEN] = "forbidden",
		[OUT_CONFLICT] = "conflict", [OUT_INVALID] = "invalid",
		[OUT_BAD_REQUEST] = "bad_request", [OUT_UNAVAILABLE] = "unavailable",
		[OUT_RATE_LIMITED] = "rate_limited", [OUT_UNAUTHENTICATED] = "unauthenticated",
		[OUT_INTERNAL] = "internal", [OUT_DB] = "db_error",
	};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) && names[k] ? names[k] : "?";
}

static int
cmd_transition(const struct config *cfg, struct cli_transition *t)
{
	struct worker	 w;
	struct actor	 a = actor_system(t->role, t->city, t->point);
	struct outcome	 o;
	struct db_res	 s;
	time_t		 now;
	int		 rc;

	if (t->now != NULL) {
		if (clock_parse(t->now, &now) == -1) {
			fprintf(stderr, "yujing submission: --now wants Beijing time as 'YYYY-MM-DD HH:MM:SS'\n");
			return 2;
		}
		clock_set(now);
	}
	log_quiet(1);
	if (plugins_start(cfg) != 0) {
		fprintf(stderr, "yujing submission: the report-type plugins in %s do not load\n",
		    cfg->plugins_dir);
		return 2;
	}
	rules_init(cfg);
	memset(&w, 0, sizeof(w));
	w.cfg = cfg;
	db_init(&w.db, cfg);
	if (!strcmp(t->verb, "submit"))
		rc = lc_submit(&w, &a, t->id, t->d.version, &o);
	else if (!strcmp(t->verb, "withdraw"))
		rc = lc_withdraw(&w, &a, t->id, t->d.version, &o);
	else
		rc = lc_decide(&w, &a, t->id, &t->d, &o);
	if (rc == 0 && lc_load(&w.db, &a, t->id, false, &s, &o) == 0) {
		printf("submission %lld: ok: state %s, level %s, version %lld\n", t->id,
		    db_res_str(&s, 0, SUB_STATE),
		    db_res_str(&s, 0, SUB_LEVEL) ? db_res_str(&s, 0, SUB_LEVEL) : "-",
		    db_res_int(&s, 0, SUB_VERSION));
		db_res_free(&s);
	} else {
		rc = 1;
		if (o.kind == OUT_DB)
			printf("submission %lld: db_error: %s: %s\n", t->id, db_strerror(o.db_rc),
			    w.db.last_error);
		else
			printf("submission %lld: %s: %s%s%s%s\n", t->id, outcome_name(o.kind), o.message,
			    o.field[0] ? " (field " : "", o.field, o.field[0] ? ")" : "");
	}
	db_close(&w.db);
	rules_worker_free(&w.rules);
	plugins_unload_all();
	clock_reset();
	return rc == 0 ? 0 : 1;
}

static int
cmd_check_visibility(const struct config *cfg)
{
	struct db	 db;
	int		 rc;

	log_quiet(1);
	if (plugins_start(cfg) != 0) {
		fprintf(stderr, "yujing lifecycle: the report-type plugins in %s do not load\n",
		    cfg->plugins_dir);
		return 2;
	}
	db_init(&db, cfg);
	rc = lc_check_visibility(&db, stdout);
	db_close(&db);
	plugins_unload_all();
	return rc;
}

static volatile sig_atomic_t deliver_stopping;

static void
deliver_on_signal(int sig)
{
	(void)sig;
	deliver_stopping = 1;
}

/* "yujing deliver run": rounds in this process until idle (--until-idle) or
 * until SIGTERM/SIGINT. */
static int
cmd_deliver_run(const struct config *cfg, bool until_idle)
{
	struct deliver_ctx	 c;
	long long		 total = 0;
	int			 n, rounds = 0, rc = 0;

	log_quiet(until_idle);
	signal(SIGTERM, deliver_on_signal);
	signal(SIGINT, deliver_on_signal);
	deliver_ctx_init(&c, cfg, 0);
	while (!deliver_stopping) {
		if ((n = deliver_round(&c, true)) < 0) {
			fprintf(stderr, "yujing deliver: round failed (database: %s)\n", c.db.last_error);
			if (until_idle) {
				rc = 1;
				break;
			}
			sleep(1);
			continue;
		}
		rounds++;
		total += n;
		if (n == 0) {
			if (until_idle)
				break;
			usleep((useconds_t)cfg->deliver_poll_ms * 1000);
		}
	}
	deliver_ctx_free(&c);
	printf("yujing deliver: %d round(s), %lld event(s) and row(s) handled\n", rounds, total);
	return rc;
}

static int
cmd_hash_password(void)
{
	char pw[512], hash[PASSWORD_HASH_MAX];

	if (read_password(pw, sizeof(pw)) == -1 || password_hash(pw, hash) != 0) {
		fprintf(stderr, "yujing hash-password: no password on standard input\n");
		return 1;
	}
	printf("%s\n", hash);
	sodium_memzero(pw, sizeof(pw));
	return 0;
}

/* "yujing reminders run [--at TIME]". */
static int
cmd_reminders(const struct config *cfg, const char *at)
{
	struct reminder_counts	 n;
	struct db		 db;
	char			 text[24];
	time_t			 t = clock_now();
	int			 rc;

	if (at != NULL) {
		snprintf(text, sizeof(text), "%s%s", at, strlen(at) == 16 ? ":00" : "");
		if (clock_parse(text, &t) == -1) {
			fprintf(stderr, "yujing reminders: --at wants Beijing time as 'YYYY-MM-DD HH:MM'\n");
			return 2;
		}
		clock_set(t);
	}
	log_quiet(1);
	db_init(&db, cfg);
	/* A run at a fixed time (--at) is not the last run of the clock's. */
	rc = reminders_run(&db, t, cfg->remind_before_days, cfg->review_remind_days, 0, at == NULL, &n);
	db_close(&db);
	if (rc != 0) {
		fprintf(stderr, "yujing reminders: %s\n", rc < 0 ? db_strerror(rc) : "busy");
		return 1;
	}
	printf("reminders: %d quarterly analysis, %d annual summary, %d review\n", n.quarterly,
	    n.annual, n.review);
	return 0;
}

int
main(int argc, char **argv)
{
	struct config		 cfg;
	struct users_input	 in;
	struct cli_transition	 tr;
	static const struct option top[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },
		{ "config", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char		*conf = NULL, *cmd = NULL, *at = NULL;
	char			 err[1024];
	int			 c, test = 0, rc;
	bool			 until_idle = false;

	while ((c = getopt_long(argc, argv, "+c:thvV", top, NULL)) != -1)
		switch (c) {
		case 'c': conf = optarg; break;
		case 't': test = 1; break;
		case 'v': case 'V': printf("yujing %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	argc -= optind;
	argv += optind;
	if (argc > 0 && !strcmp(argv[0], "help"))
		return help(argc - 1, argv + 1);
	if (argc > 0 && wants_help(argc, argv))
		return help(argc, argv);

	if (sodium_init() < 0) {
		fprintf(stderr, "yujing: libsodium failed to initialise\n");
		return 1;
	}
	if (argc > 0) {
		cmd = argv[0];
		if (!strcmp(cmd, "hash-password") && argc == 1)
			return cmd_hash_password();
		if (!strcmp(cmd, "plugins")) {
			if (argc == 3 && !strcmp(argv[1], "check"))
				return cmd_plugins_check(argv[2]);
			usage(stderr);
			return 2;
		}
		if (!strcmp(cmd, "rules")) {
			/* "rules check|test" take their options after the verb. */
			if (argc >= 2)
				return cmd_rules(argc - 1, argv + 1);
			usage(stderr);
			return 2;
		}
		if (!strcmp(cmd, "migrate") || (!strcmp(cmd, "stats") && argc >= 2 &&
		    (!strcmp(argv[1], "rebuild") || !strcmp(argv[1], "verify")))) {
			if (!strcmp(cmd, "stats")) {
				argc--;
				argv++;
				cmd = argv[0];
			}
			optind = 1;
			while ((c = getopt(argc, argv, "c:")) != -1)
				if (c == 'c')
					conf = optarg;
				else {
					usage(stderr);
					return 2;
				}
			if (optind != argc) {
				usage(stderr);
				return 2;
			}
		} else if (!strcmp(cmd, "lifecycle") && argc >= 2 && !strcmp(argv[1], "check-visibility")) {
			optind = 1;
			argc--;
			argv++;
			while ((c = getopt(argc, argv, "c:")) != -1)
				if (c == 'c')
					conf = optarg;
				else {
					usage(stderr);
					return 2;
				}
			if (optind != argc) {
				usage(stderr);
				return 2;
			}
			cmd = "check-visibility";
		} else if ((!strcmp(cmd, "deliver") || !strcmp(cmd, "reminders")) && argc >= 2 &&
		    !strcmp(argv[1], "run")) {
			/* "deliver run [--until-idle]", "reminders run [--at T]". */
			static const struct option lo[] = {
				{ "until-idle", no_argument, NULL, 'i' },
				{ "at", required_argument, NULL, 'a' },
				{ "config", required_argument, NULL, 'c' },
				{ NULL, 0, NULL, 0 },
			};
			bool deliver = !strcmp(cmd, "deliver");

			optind = 1;
			argc--;
			argv++;
			while ((c = getopt_long(argc, argv, "c:", lo, NULL)) != -1)
				if (c == 'c')
					conf = optarg;
				else if (c == 'i' && deliver)
					until_idle = true;
				else if (c == 'a' && !deliver)
					at = optarg;
				else {
					usage(stderr);
					return 2;
				}
			if (optind != argc) {
				usage(stderr);
				return 2;
			}
			cmd = deliver ? "deliver" : "reminders";
		} else if (!strcmp(cmd, "submission") && argc >= 2) {
			if (parse_transition(argc - 1, argv + 1, &tr, &conf) == -1) {
				usage(stderr);
				return 2;
			}
		} else if (!strcmp(cmd, "user") && argc >= 2 && !strcmp(argv[1], "add")) {
			if (parse_user_add(argc - 1, argv + 1, &in, &conf) == -1) {
				usage(stderr);
				return 2;
			}
		} else if (!(test && !strcmp(cmd, "dump") && argc == 1)) {
			usage(stderr);
			return 2;
		}
	}

	if (config_load(&cfg, conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "yujing: %s\n", err);
		if (test)
			fprintf(stderr, "yujing: configuration file %s test failed\n", cfg.path);
		config_free(&cfg);
		return 1;
	}
	if (test) {
		if (cmd != NULL)
			config_dump(&cfg, emit, NULL);
		printf("yujing: configuration file %s test is successful\n", cfg.path);
		config_free(&cfg);
		return 0;
	}
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "yujing: cannot initialise the MariaDB client library\n");
		return 1;
	}
	if (cmd == NULL) {
		if (log_open(cfg.log_file) != 0) {
			fprintf(stderr, "yujing: log_file %s: %s\n", cfg.log_file, strerror(errno));
			mysql_library_end();
			config_free(&cfg);
			return 1;
		}
		rc = server_run(&cfg);
	}
	else if (!strcmp(cmd, "migrate")) {
		/* A new statistics table is filled from what is there. */
		if ((rc = migrate_run(&cfg, 1)) == 0)
			rc = run_stats(&cfg, "if-empty") == 0 ? 0 : 1;
	} else if (!strcmp(cmd, "rebuild") || !strcmp(cmd, "verify"))
		rc = run_stats(&cfg, cmd);
	else if (!strcmp(cmd, "check-visibility"))
		rc = cmd_check_visibility(&cfg);
	else if (!strcmp(cmd, "submission"))
		rc = cmd_transition(&cfg, &tr);
	else if (!strcmp(cmd, "deliver"))
		rc = cmd_deliver_run(&cfg, until_idle);
	else if (!strcmp(cmd, "reminders"))
		rc = cmd_reminders(&cfg, at);
	else
		rc = cmd_user_add(&cfg, &in);
	mysql_library_end();
	config_free(&cfg);
	return rc;
}
