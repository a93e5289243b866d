/* yujing — what one worker thread owns: its database connection (and, with
 * the rules engine, its Lua state).  Nothing in here is shared. */
#ifndef YJ_WORKER_H
#define YJ_WORKER_H

#include "conf.h"
#include "db.h"
#include "rules.h"

struct worker {
	int			 idx;
	const struct config	*cfg;
	struct db		 db;
	struct rules_worker	 rules;	/* its own Lua states */
};

#endif
