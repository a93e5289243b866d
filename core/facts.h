/* yujing — the facts a scoring standard sees for one point and year, and
 * how they are handed to Lua.  rules/README.md documents them for policy
 * staff; keep the two in step. */
#ifndef YJ_FACTS_H
#define YJ_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

/* The API's metric names, in this order. */
enum metric {
	M_WARNING_INFO,
	M_ANNUAL_SUMMARY,
	M_QUARTERLY_ANALYSIS,
	M_INTERNAL_ADOPTED,
	M_QUARTERLY_MAGAZINE,
	M_WARNING_MAGAZINE,
	M_SUBSITE_INFO,
	M_SUBSITE_NEWS,
	M_WORK_EXCHANGE,
	M_SUBSITE_POLICY,
	METRIC_N
};
extern const char *const metric_names[METRIC_N];
extern const char *const metric_labels[METRIC_N];	/* 上报信息 … */
/* The metric named by the first len bytes of name; -1 when none. */
int	 metric_find(const char *name, size_t len);

/* Sub-site columns, in this order. */
#define COLUMN_N 3
extern const char *const column_names[COLUMN_N];

struct facts_qa {
	int	 year;
	int	 quarter;
	char	 submitted_at[32];	/* "YYYY-MM-DD HH:MM:SS", Beijing time */
	bool	 magazine_accepted;
};

/* An internal-exchange item of the point adopted (采纳) in the year. */
struct facts_adopted {
	char	 adopted_at[32];	/* "YYYY-MM-DD HH:MM:SS", Beijing time */
	int	 leader_instructions;	/* 厅领导批示 recorded on it */
};

struct facts {
	int		 year;
	int		 months;
	long long	 point_id;
	char		 point_name[256];
	char		 city[8];
	char		 city_name[64];
	char		 type[16];
	char		 status[16];
	bool		 basic_info_complete;
	int		 counts[METRIC_N];
	int		 monthly[METRIC_N][12];
	int		 quarterly[METRIC_N][4];
	bool		 columns[COLUMN_N];
	char		 annual_summary_at[32];	/* "" : none */
	struct facts_qa	*qa;
	size_t		 nqa;
	int		 leader_instructions;
	struct facts_adopted *adopted;
	size_t		 nadopted;
	int		 enterprises;	/* contact enterprises (联系企业) now */
	bool		 months_loaded;	/* monthly and quarterly are filled */
};

/* Empty facts of a year: a formal point, nothing reported, 12 months. */
void	 facts_empty(struct facts *, int year);
/* Two fixed sets the rule checker scores: the empty one and a busy one. */
void	 facts_fixture_busy(struct facts *, int year, struct facts_qa qa[4]);
void	 facts_push(lua_State *, const struct facts *);

/* Facts may be pushed without their monthly and quarterly numbers (most
 * standards never read them, and they are the largest part to load): a
 * standard that reads facts.monthly or facts.quarterly of such facts sets
 * a flag of the calling thread, and the caller loads them and scores that
 * point again.  Reset the flag before scoring. */
void	 facts_months_reset(void);
bool	 facts_months_wanted(void);

#endif
