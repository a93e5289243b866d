/* yujing — e-mail: the settings all hosts share (table settings, name
 * "mail"), messages as RFC 5322 + MIME (UTF-8 subject in RFC 2047 words,
 * a plain-text and an HTML part in base64, List-Unsubscribe with RFC 8058
 * one-click), sent over SMTP with libcurl. */
#ifndef YJ_MAIL_H
#define YJ_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "buf.h"
#include "db.h"

/* What a send came to. */
enum send_result {
	SEND_OK = 0,
	SEND_TEMPORARY,		/* try again later: 4xx, timeouts, rate limits */
	SEND_PERMANENT,		/* never: 5xx, a refused address, a bad URL */
};

struct mail_settings {
	char	 smtp_url[512];
	char	 from[256];
	char	 username[256];
	char	 password[256];
};

/* DB_OK with s filled (smtp_url "" when none is set), or a db_rc. */
int	 mail_settings_load(struct db *, struct mail_settings *s);
/* The settings as the API shows them (no password: password_set). */
json_t	*mail_settings_json(const struct mail_settings *);
/* Validates {"smtp_url", "from", "username", "password"} over the current
 * settings: 0, or -1 with field and message.  An absent password keeps the
 * stored one. */
int	 mail_settings_apply(struct mail_settings *, const json_t *in, const char **field,
	    const char **msg);
int	 mail_settings_save(struct db *, const struct mail_settings *);

struct mail_msg {
	const char	*to;
	const char	*subject;
	const char	*text;		/* plain text, UTF-8 */
	const char	*html;		/* the same as HTML, UTF-8; NULL: none */
	const char	*unsubscribe;	/* one-click URL; NULL: no List-Unsubscribe */
	const char	*id_seed;	/* Message-ID from this, so a resend has the same one */
};

/* The whole message, CRLF line ends. */
void	 mail_build(const struct mail_settings *, const struct mail_msg *, struct buf *out);
/* s as RFC 2047 encoded words (base64, at most 75 characters each, folded);
 * ASCII text without specials is written as it is. */
void	 mail_encode_header(struct buf *, const char *s);
/* base64 of data in lines of 76 characters. */
void	 mail_base64_lines(struct buf *, const void *data, size_t len);

/* Sends msg to one address.  curl: a handle to reuse (its connection is
 * kept), or NULL for a one-off.  err gets the server's or libcurl's reason. */
enum send_result mail_send(void *curl, const struct mail_settings *, const char *to,
	    const struct buf *msg, int timeout, char *err, size_t errsz);

/* libcurl's global set-up, once per process (thread-safe). */
void	 net_init(void);

#endif
