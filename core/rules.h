/* yujing — rule scripts: the yearly scoring standards
 * (rules/scoring/<year>.lua) and the review policy (rules/review.lua).
 *
 * One registry holds the source of every file in force.  A reload (start,
 * SIGHUP, or a change on disk noticed by the watcher within a second or
 * two) compiles and test-runs a changed file in a fresh sandbox first; only
 * a file that passes replaces the one in force, and the registry's
 * generation goes up.  Each worker keeps its own sandboxes and rebuilds
 * them on its next request after the generation changed. */
#ifndef YJ_RULES_H
#define YJ_RULES_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "conf.h"
#include "facts.h"
#include "sandbox.h"

struct score_item {
	char	 key[64];
	char	 label[128];
	double	 score;
	double	 max;
	char	 reason[512];
};

struct score_result {
	char			 standard[64];	/* "scoring/2019.lua" */
	char			 title[128];
	double			 total;
	double			 max;		/* the standard's total maximum */
	struct score_item	*items;
	size_t			 n;
};

struct rules_wfile;

struct rules_worker {
	unsigned long		 gen;
	struct rules_wfile	*files;
	size_t			 n;
};

/* Registry. */
/* time_ms: processor time per call; 0: 1.5 times what the budget takes
 * here, measured now. */
void	 rules_set_limits(size_t mem_cap, unsigned long long budget, int time_ms);
int	 rules_time_limit(void);
/* Before rules_init: reloads then also test-run a standard on the real
 * facts of every point of its year, through a connection of their own. */
void	 rules_use_database(const struct config *);
void	 rules_init(const struct config *);
/* Rescans the folder; returns how many files changed what is in force. */
int	 rules_reload(void);
void	 rules_watch_start(void);
/* [{name, sha256, loaded_at, error}] */
json_t	*rules_status_json(void);
/* Whether a file on disk was refused and waits (the one before it, if
 * any, stays in force). */
bool	 rules_refused(void);
/* NULL when the review policy and at least one standard are in force. */
const char *rules_problem(void);

/* Workers. */
void	 rules_worker_sync(struct rules_worker *);
void	 rules_worker_free(struct rules_worker *);

/* Scores facts with the standard of facts->year (or the newest earlier).
 * 0, or -1 with a Chinese reason in err. */
int	 rules_score(struct rules_worker *, const struct facts *,
	    struct score_result *, char *err, size_t errsz);
void	 score_result_free(struct score_result *);
/* Whether a standard for this year (or an earlier one) is in force. */
bool	 rules_has_standard(struct rules_worker *, int year);

/* A candidate standard, compiled and checked but not activated (preview). */
struct rules_candidate {
	struct sandbox	 sb;
	int		 ref;
	char		 name[64];
};
int	 rules_candidate_open(struct rules_candidate *, const char *name,
	    const char *src, size_t len, char *err, size_t errsz);
int	 rules_candidate_score(struct rules_candidate *, const struct facts *,
	    struct score_result *, char *err, size_t errsz);
void	 rules_candidate_close(struct rules_candidate *);

/* Review policy. */
struct review_ctx {
	const char	*type;
	const char	*level;		/* "city" | "province" */
	const char	*role;
	const char	*decision;
	bool		 magazine, work_exchange, internal_exchange;
	const char	*opinion;
	const char	*chain;		/* "city,province": the item's own chain */
};
#define REVIEW_MAX_LEVELS 8
/* The review chain of a report type submitted by a role. */
int	 rules_review_chain(struct rules_worker *, const char *type, const char *role,
	    char levels[REVIEW_MAX_LEVELS][16], size_t *n, char *err, size_t errsz);
/* 0 allowed; 1 refused with field and message; -1 policy error in msg. */
int	 rules_review_check(struct rules_worker *, const struct review_ctx *,
	    char *field, size_t fieldsz, char *msg, size_t msgsz);
/* A yes/no question to the policy about a report type: "magazine_direct"
 * or "completes_on_submit".  0 with *answer, or -1 with err. */
int	 rules_review_bool(struct rules_worker *, const char *fn, const char *type,
	    bool *answer, char *err, size_t errsz);
/* The shipped preset opinions, as a JSON array of strings (NULL: error). */
json_t	*rules_review_presets(struct rules_worker *, char *err, size_t errsz);

/* Tools for policy staff. */
/* Writes dir/<year>.lua and dir/<year>.test.lua from the newest earlier
 * standard and its cases, years moved; checks and tests them. */
int	 rules_new(const char *dir, int year, FILE *out);
int	 rules_check_file(const char *path, FILE *out);
int	 rules_test_dir(const char *dir, FILE *out);
/* Scores n synthetic points with every standard in dir/scoring (and a
 * trivial one as the floor), and times a reload of dir. */
int	 rules_bench(const char *dir, int n, FILE *out);

#endif
