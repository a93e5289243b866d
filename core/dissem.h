/* yujing — publication and dissemination as a domain: who acts (struct
 * actor, actor.h; role 0 for the public, an enterprise without an account)
 * and what came of it (struct outcome, outcome.h), for subscriptions,
 * channels and deliveries.  No HTTP in here: handlers map an outcome to the
 * envelope (app_outcome), jobs and the command line read it as it is. */
#ifndef YJ_DISSEM_H
#define YJ_DISSEM_H

#include <stdbool.h>

#include <jansson.h>

#include "actor.h"
#include "conf.h"
#include "db.h"
#include "outcome.h"

#endif
