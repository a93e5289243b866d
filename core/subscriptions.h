/* yujing — enterprises' e-mail subscriptions: subscribe (double opt-in,
 * throttled), confirm, read and change by token, one-click unsubscribe. */
#ifndef YJ_SUBSCRIPTIONS_H
#define YJ_SUBSCRIPTIONS_H

#include <jansson.h>

#include "dissem.h"

/* The same answer whether the address was known or not; a confirmation (or,
 * for an active subscription, its manage link) goes out by mail. */
int	 subs_subscribe(struct db *, const struct config *, const struct actor *,
	    const json_t *in, struct outcome *);
int	 subs_confirm(struct db *, const char *token, json_t **out, struct outcome *);
int	 subs_get(struct db *, const char *token, json_t **out, struct outcome *);
int	 subs_update(struct db *, const char *token, const json_t *in, json_t **out,
	    struct outcome *);
/* Idempotent: a second call on the same token is fine. */
int	 subs_unsubscribe(struct db *, const char *token, struct outcome *);

/* 0 when e is an e-mail address the platform sends to. */
int	 subs_email_check(const char *e);

#endif
