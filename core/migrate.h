/* yujing — numbered schema migrations from sql/NNN_name.sql. */
#ifndef YJ_MIGRATE_H
#define YJ_MIGRATE_H

#include "conf.h"

/* Applies every migration newer than schema_version, in order; prints what
 * it did.  Returns 0, or 1 with the reason printed. */
int	 migrate_run(const struct config *, int verbose);

#endif
