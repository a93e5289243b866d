/* yujing — channels (传递渠道): WeCom and DingTalk group robots, signed
 * webhooks, mailing lists, of a point or of the province.  Who may manage
 * which, what a valid channel is, and how a warning is written and sent to
 * each kind. */
#ifndef YJ_CHANNELS_H
#define YJ_CHANNELS_H

#include <jansson.h>

#include "buf.h"
#include "dissem.h"
#include "mail.h"

/* Markdown sizes the robots accept (bytes of content). */
#define WECOM_MAX_BYTES 4096
#define DINGTALK_MAX_BYTES 5000

/* GET /api/channels: those the actor keeps (a point its own, the province
 * all), filtered, a page at a time in id order; *total counts them all. */
struct channel_query {
	const char	*kind;		/* NULL: any */
	const char	*q;		/* in the name; NULL: any */
	long long	 point_id;	/* 0: any */
	int		 enabled;	/* -1: any, 0 or 1 */
	long long	 page, per_page;
};
int	 channels_list(struct db *, const struct actor *, const struct channel_query *,
	    json_t **items, long long *total, struct outcome *);
int	 channels_create(struct db *, const struct config *, const struct actor *,
	    const json_t *in, json_t **out, struct outcome *);
int	 channels_update(struct db *, const struct config *, const struct actor *, long long id,
	    const json_t *in, json_t **out, struct outcome *);
int	 channels_delete(struct db *, const struct actor *, long long id, struct outcome *);
/* Sends a test message now: *result {"ok", "error"}. */
int	 channels_test(struct db *, const struct config *, const struct actor *, long long id,
	    json_t **result, struct outcome *);
/* May actor see deliveries of channel id (0: subscriptions)? */
bool	 channels_visible(const struct actor *, long long channel_point_id);

/* NULL when url may be a channel's, else why not.  A loopback,
 * private-range or link-local host is refused unless listed in allow
 * (comma or space separated). */
const char *channel_url_check(const char *url, const char *allow);
/* Whether an IP address (text) is loopback, private or link-local. */
bool	 ip_is_private(const char *ip);

/* A robot's markdown for a warning within max bytes (the content cut and
 * a link to the rest when longer). */
void	 channel_markdown(const json_t *warning, const char *link, size_t max, struct buf *out);

/* One message to a channel: kind, url, secret; body is the warning (or a
 * test text when warning is NULL). */
struct channel_target {
	const char	*kind;
	const char	*url;
	const char	*secret;
};
enum send_result channel_send(void *curl, const struct config *, const struct channel_target *,
	    const json_t *warning, const char *link, const char *delivery_key, char *err, size_t errsz);

#endif
