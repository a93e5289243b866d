/* yujing — mail settings, MIME messages and SMTP through libcurl. */
#include "mail.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

static pthread_once_t net_once = PTHREAD_ONCE_INIT;

static void
net_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
net_init(void)
{
	pthread_once(&net_once, net_init_once);
}

/* --- settings ------------------------------------------------------------ */

static void
copy_str(char *dst, size_t sz, const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	snprintf(dst, sz, "%s", s != NULL ? s : "");
}

int
mail_settings_load(struct db *db, struct mail_settings *s)
{
	static const char sql[] = "SELECT value FROM settings WHERE name = 'mail'";
	struct db_res	 res;
	json_t		*o;
	int		 rc;

	memset(s, 0, sizeof(*s));
	if ((rc = db_query(db, &res, sql, "")) != DB_OK)
		return rc;
	if (res.nrows == 1 && (o = json_loads(db_res_str(&res, 0, 0), 0, NULL)) != NULL) {
		copy_str(s->smtp_url, sizeof(s->smtp_url), o, "smtp_url");
		copy_str(s->from, sizeof(s->from), o, "from");
		copy_str(s->username, sizeof(s->username), o, "username");
		copy_str(s->password, sizeof(s->password), o, "password");
		json_decref(o);
	}
	db_res_free(&res);
	return DB_OK;
}

json_t *
mail_settings_json(const struct mail_settings *s)
{
	return json_pack("{s:s, s:s, s:s, s:b}", "smtp_url", s->smtp_url, "from", s->from,
	    "username", s->username, "password_set", s->password[0] != '\0');
}

static bool
plain_ascii(const char *s, const char *extra_bad)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || strchr(extra_bad, *s) != NULL)
			return false;
	return true;
}

/* local@domain.tld, ASCII, no spaces or angle brackets. */
static bool
address_ok(const char *s)
{
	const char *at = strchr(s, '@');

	return strlen(s) <= 254 && at != NULL && at != s && strchr(at + 1, '@') == NULL &&
	    strchr(at + 1, '.') != NULL && at[1] != '.' && s[strlen(s) - 1] != '.' &&
	    plain_ascii(s, "<>()[],;:\\\"");
}

int
mail_settings_apply(struct mail_settings *s, const json_t *in, const char **field, const char **msg)
{
	static const char *const keys[] = { "smtp_url", "from", "username", "password" };
	char		*dst[] = { s->smtp_url, s->from, s->username, s->password };
	size_t		 szs[] = { sizeof(s->smtp_url), sizeof(s->from), sizeof(s->username),
	    sizeof(s->password) };
	const json_t	*v;
	const char	*u;
	size_t		 i;

	for (i = 0; i < 4; i++) {
		v = json_object_get(in, keys[i]);
		if (v == NULL || (i == 3 && json_is_null(v)))
			continue;
		*field = keys[i];
		if (!json_is_string(v)) {
			*msg = "应为文本";
			return -1;
		}
		if (strlen(json_string_value(v)) >= szs[i]) {
			*msg = "过长";
			return -1;
		}
		snprintf(dst[i], szs[i], "%s", json_string_value(v));
	}
	u = s->smtp_url;
	*field = "smtp_url";
	if (strncmp(u, "smtp://", 7) && strncmp(u, "smtps://", 8)) {
		*msg = "邮件服务器地址应以 smtp:// 或 smtps:// 开头，如 smtp://127.0.0.1:2525";
		return -1;
	}
	if (!plain_ascii(u, "\"<>\\")) {
		*msg = "邮件服务器地址不能含空格或中文";
		return -1;
	}
	*field = "from";
	if (!address_ok(s->from)) {
		*msg = "发件人应为邮箱地址，如 noreply@example.gov.cn";
		return -1;
	}
	return 0;
}

int
mail_settings_save(struct db *db, const struct mail_settings *s)
{
	static const char sql[] = "INSERT INTO settings (name, value, updated_at) VALUES ('mail', ?, NOW()) "
	    "ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = NOW()";
	json_t	*o;
	char	*v;
	int	 rc;

	o = json_pack("{s:s, s:s, s:s, s:s}", "smtp_url", s->smtp_url, "from", s->from,
	    "username", s->username, "password", s->password);
	v = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	rc = db_exec(db, sql, "s", v);
	free(v);
	return rc < 0 ? rc : DB_OK;
}

/* --- messages ------------------------------------------------------------ */

void
mail_base64_lines(struct buf *b, const void *data, size_t len)
{
	const unsigned char	*p = data;
	char			 line[80];
	size_t			 n;

	while (len > 0) {
		n = len > 57 ? 57 : len;	/* 57 bytes: 76 characters */
		sodium_bin2base64(line, sizeof(line), p, n, sodium_base64_VARIANT_ORIGINAL);
		buf_puts(b, line);
		buf_puts(b, "\r\n");
		p += n;
		len -= n;
	}
}

void
mail_encode_header(struct buf *b, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	char			 word[80];
	size_t			 len = strlen(s), n, k;
	bool			 first = true;

	if (plain_ascii(s, "=?\"") || (len < 60 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789 -_.,:") == len)) {
		buf_puts(b, s);
		return;
	}
	/* At most 45 bytes a word (60 base64 characters, 72 with the
	 * "=?UTF-8?B?" and "?="), cut between characters, never inside one. */
	while (len > 0) {
		n = 0;
		while (n < len) {
			k = 1;
			if (p[n] >= 0xf0) k = 4;
			else if (p[n] >= 0xe0) k = 3;
			else if (p[n] >= 0xc0) k = 2;
			if (n + k > 45 || n + k > len)
				break;
			n += k;
		}
		if (n == 0)
			n = len < 45 ? len : 45;
		sodium_bin2base64(word, sizeof(word), p, n, sodium_base64_VARIANT_ORIGINAL);
		buf_printf(b, "%s=?UTF-8?B?%s?=", first ? "" : "\r\n ", word);
		first = false;
		p += n;
		len -= n;
	}
}

static void
message_id(const char *seed, const char *from, char *out, size_t outsz)
{
	unsigned char	 h[16];
	char		 hex[33];
	const char	*dom = strchr(from, '@');

	crypto_generichash(h, sizeof(h), (const unsigned char *)seed, strlen(seed), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, outsz, "<%s.yujing@%s>", hex, dom != NULL ? dom + 1 : "localhost");
}

void
mail_build(const struct mail_settings *s, const struct mail_msg *m, struct buf *b)
{
	unsigned char	 rnd[12];
	char		 boundary[40], date[64], mid[128], seed[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	randombytes_buf(rnd, sizeof(rnd));
	memcpy(boundary, "=_yj_", 5);
	sodium_bin2hex(boundary + 5, sizeof(boundary) - 5, rnd, sizeof(rnd));
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if (m->id_seed == NULL) {
		sodium_bin2hex(seed, sizeof(seed), rnd, sizeof(rnd));
		message_id(seed, s->from, mid, sizeof(mid));
	} else
		message_id(m->id_seed, s->from, mid, sizeof(mid));

	buf_puts(b, "From: ");
	mail_encode_header(b, "外贸预警服务平台");
	buf_printf(b, " <%s>\r\nTo: <%s>\r\nSubject: ", s->from, m->to);
	mail_encode_header(b, m->subject);
	buf_printf(b, "\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n", date, mid);
	if (m->unsubscribe != NULL)
		buf_printf(b, "List-Unsubscribe: <%s>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
		    m->unsubscribe);
	buf_puts(b, "Auto-Submitted: auto-generated\r\n");
	if (m->html == NULL) {
		buf_puts(b, "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		mail_base64_lines(b, m->text, strlen(m->text));
		return;
	}
	buf_printf(b, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
	    "This is a MIME message.\r\n--%s\r\n"
	    "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
	    boundary, boundary);
	mail_base64_lines(b, m->text, strlen(m->text));
	buf_printf(b, "--%s\r\nContent-Type: text/html; charset=UTF-8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	mail_base64_lines(b, m->html, strlen(m->html));
	buf_printf(b, "--%s--\r\n", boundary);
}

/* --- SMTP ------------------------------------------------------------------ */

struct reader {
	const char	*p;
	size_t		 left;
};

static size_t
read_cb(char *dst, size_t size, size_t n, void *arg)
{
	struct reader	*r = arg;
	size_t		 k = size * n < r->left ? size * n : r->left;

	memcpy(dst, r->p, k);
	r->p += k;
	r->left -= k;
	return k;
}

enum send_result
mail_send(void *handle, const struct mail_settings *s, const char *to, const struct buf *msg,
    int timeout, char *err, size_t errsz)
{
	CURL			*c = handle;
	struct curl_slist	*rcpt = NULL;
	struct reader		 rd = { msg->data, msg->len };
	char			 from[300], rcp[300], cerr[CURL_ERROR_SIZE] = "";
	long			 code = 0;
	CURLcode		 rc;
	enum send_result	 out;
	bool			 own = c == NULL;

	net_init();
	if (s->smtp_url[0] == '\0') {
		snprintf(err, errsz, "未设置邮件服务器（/api/settings/mail）");
		return SEND_TEMPORARY;
	}
	if (own && (c = curl_easy_init()) == NULL) {
		snprintf(err, errsz, "libcurl 初始化失败");
		return SEND_TEMPORARY;
	}
	snprintf(from, sizeof(from), "<%s>", s->from);
	snprintf(rcp, sizeof(rcp), "<%s>", to);
	rcpt = curl_slist_append(rcpt, rcp);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, s->smtp_url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(timeout < 10 ? timeout : 10));
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	if (s->username[0] != '\0') {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->password);
		/* Credentials only over TLS (smtps:// or STARTTLS). */
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK) {
		out = SEND_OK;
		err[0] = '\0';
	} else {
		snprintf(err, errsz, "SMTP %ld: %s%s%s", code, curl_easy_strerror(rc),
		    cerr[0] ? ": " : "", cerr);
		if (code >= 500 || rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
			out = SEND_PERMANENT;
		else
			out = SEND_TEMPORARY;
	}
	/* A handle that failed may hold a broken connection: let the next
	 * send open a new one. */
	if (own)
		curl_easy_cleanup(c);
	return out;
}
