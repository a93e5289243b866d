/* yujing — the public side, no login: published warnings, a point's
 * sub-site and its posts, the Atom and JSON feeds.  Answers are cacheable
 * (Cache-Control: public) and carry an ETag from the newest publication
 * change, so a client or nginx asking again gets 304. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"
#include "handlers.h"
#include "metrics.h"
#include "publication.h"
#include "validate.h"
#include "worker.h"

#define PUBLIC_CACHE "public, max-age=60"
#define FEED_SIZE 50

static bool
code_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 16 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* ?country=&industry=&measure_type=&hs=&q=&from=&to= into f; 0, or -1
 * answered. */
static int
filter_from_query(struct req *r, struct pub_filter *f)
{
	static const struct { const char *key, *label; } codes[] = {
		{ "country", "国别地区" }, { "industry", "行业" }, { "measure_type", "措施类型" },
	};
	const char	*v;
	char		 msg[128];
	size_t		 i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < 3; i++) {
		if ((v = http_query(r, codes[i].key)) == NULL || *v == '\0')
			continue;
		if (!code_ok(v)) {
			snprintf(msg, sizeof(msg), "%s代码格式不正确", codes[i].label);
			http_error(r, ERR_INVALID, msg, codes[i].key);
			return -1;
		}
		if (i == 0) f->country = v;
		else if (i == 1) f->industry = v;
		else f->measure_type = v;
	}
	if ((v = http_query(r, "hs")) != NULL && *v != '\0') {
		if (strspn(v, "0123456789") != strlen(v) || strlen(v) < 2 || strlen(v) > 10) {
			http_error(r, ERR_INVALID, "HS编码须为 2 到 10 位数字，如 8703", "hs");
			return -1;
		}
		f->hs = v;
	}
	if ((v = http_query(r, "q")) != NULL && *v != '\0') {
		if (!http_utf8_valid(v, strlen(v)) || http_utf8_len(v) > 100) {
			http_error(r, ERR_INVALID, "关键词最多 100 个字", "q");
			return -1;
		}
		f->q = v;
	}
	if ((v = http_query(r, "from")) != NULL && *v != '\0') {
		if (!text_date(v)) {
			http_error(r, ERR_INVALID, "起始日期格式应为 2019-05-09", "from");
			return -1;
		}
		f->from = v;
	}
	if ((v = http_query(r, "to")) != NULL && *v != '\0') {
		if (!text_date(v)) {
			http_error(r, ERR_INVALID, "截止日期格式应为 2019-05-09", "to");
			return -1;
		}
		f->to = v;
	}
	if (f->from != NULL && f->to != NULL && strcmp(f->from, f->to) > 0) {
		http_error(r, ERR_INVALID, "起始日期不能晚于截止日期", "from");
		return -1;
	}
	return 0;
}

/* Answers already made, by ETag: the ETag names the publication state,
 * the path and the query, so an entry is right for as long as anyone asks
 * for that ETag; a publication change makes new ETags and the old entries
 * are overwritten as slots are reused.  Shared by the workers. */
#define ANSWER_SLOTS	256
#define ANSWER_MAX	(512 * 1024)

static struct answer {
	char		 etag[40];
	int		 status;
	const char	*type;		/* a string literal, or NULL: JSON */
	char		*body;
	size_t		 len;
} answers[ANSWER_SLOTS];
static pthread_mutex_t answers_mu = PTHREAD_MUTEX_INITIALIZER;

static struct answer *
slot(const char *etag)
{
	unsigned long	 h = 5381;
	const char	*p;

	for (p = etag; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return &answers[h % ANSWER_SLOTS];
}

/* 1 when the answer for etag was there and is now r's. */
static int
from_cache(struct req *r, const char *etag)
{
	struct answer	*a = slot(etag);
	int		 hit = 0;

	pthread_mutex_lock(&answers_mu);
	if (a->body != NULL && !strcmp(a->etag, etag)) {
		buf_reset(&r->out);
		buf_add(&r->out, a->body, a->len);
		r->status = a->status;
		r->out_type = a->type;
		hit = 1;
	}
	pthread_mutex_unlock(&answers_mu);
	if (hit)
		metrics_public_cache(1);
	return hit;
}

static void
to_cache(struct req *r, const char *etag)
{
	struct answer	*a = slot(etag);
	char		*copy;

	metrics_public_cache(0);
	if (r->status != 200 || r->out.len > ANSWER_MAX || (copy = malloc(r->out.len + 1)) == NULL)
		return;
	memcpy(copy, r->out.data, r->out.len);
	pthread_mutex_lock(&answers_mu);
	free(a->body);
	snprintf(a->etag, sizeof(a->etag), "%s", etag);
	a->status = r->status;
	a->type = r->out_type;
	a->body = copy;
	a->len = r->out.len;
	pthread_mutex_unlock(&answers_mu);
}

/* Sets the ETag of this answer (the newest publication change, the path
 * and the query) and answers 304 when the client has it: 1 answered, 0
 * go on, -1 answered with an error. */
static int
conditional(struct req *r, char etag[40])
{
	crypto_generichash_state st;
	unsigned char	 h[16];
	char		 stamp[160], hex[33];
	size_t		 i;
	int		 rc;

	if ((rc = pub_stamp(&r->w->db, stamp, sizeof(stamp))) != DB_OK) {
		app_db_error(r, rc);
		return -1;
	}
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)stamp, strlen(stamp) + 1);
	crypto_generichash_update(&st, (const unsigned char *)r->path, strlen(r->path) + 1);
	for (i = 0; i < r->nquery; i++) {
		crypto_generichash_update(&st, (const unsigned char *)r->query[i].key,
		    strlen(r->query[i].key) + 1);
		crypto_generichash_update(&st, (const unsigned char *)r->query[i].val,
		    strlen(r->query[i].val) + 1);
	}
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(etag, 40, "\"%s\"", hex);
	http_header(r, "ETag: %s", etag);
	r->cache_control = PUBLIC_CACHE;
	if (r->if_none_match != NULL && (strstr(r->if_none_match, etag) != NULL ||
	    !strcmp(r->if_none_match, "*"))) {
		r->status = 304;
		buf_reset(&r->out);
		return 1;
	}
	return from_cache(r, etag);
}

void
h_public_warnings(struct req *r)
{
	struct pub_filter f;
	json_t		*items;
	long long	 page, per_page, total;
	char		 etag[40];
	int		 rc;

	if (filter_from_query(r, &f) == -1 || validate_paging(r, &page, &per_page) == -1)
		return;
	if (conditional(r, etag) != 0)
		return;
	if ((rc = pub_list(&r->w->db, &f, page, per_page, &items, &total)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	http_list(r, items, total, page, per_page);
	to_cache(r, etag);
}

void
h_public_warning(struct req *r)
{
	json_t	*w;
	char	 etag[40];
	int	 rc;

	if (conditional(r, etag) != 0)
		return;
	if ((rc = pub_get(&r->w->db, r->params[0], &w)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (w == NULL) {
		r->cache_control = NULL;
		http_error(r, ERR_NOT_FOUND, "该预警信息不存在或未公开发布", NULL);
		return;
	}
	json_object_del(w, "updated_at");
	http_json(r, 200, w);
	to_cache(r, etag);
}

void
h_public_point(struct req *r)
{
	json_t	*p;
	int	 rc;

	if ((rc = pub_point(&r->w->db, r->params[0], &p)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (p == NULL) {
		http_error(r, ERR_NOT_FOUND, "该预警点不存在", NULL);
		return;
	}
	r->cache_control = PUBLIC_CACHE;
	http_json(r, 200, p);
}

void
h_public_posts(struct req *r)
{
	const char	*column = http_query(r, "column");
	json_t		*p, *items;
	long long	 page, per_page, total;
	int		 rc;

	if (column != NULL && *column == '\0')
		column = NULL;
	if (column != NULL && strcmp(column, "预警信息") && strcmp(column, "工作动态") &&
	    strcmp(column, "政策法规")) {
		http_error(r, ERR_INVALID, "栏目应为预警信息、工作动态或政策法规", "column");
		return;
	}
	if (validate_paging(r, &page, &per_page) == -1)
		return;
	if ((rc = pub_point(&r->w->db, r->params[0], &p)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (p == NULL) {
		http_error(r, ERR_NOT_FOUND, "该预警点不存在", NULL);
		return;
	}
	json_decref(p);
	if ((rc = pub_posts(&r->w->db, r->params[0], column, page, per_page, &items, &total)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	r->cache_control = PUBLIC_CACHE;
	http_list(r, items, total, page, per_page);
}

static void
url_char(struct buf *b, char c)
{
	if (isalnum((unsigned char)c) || strchr("-_.~", c) != NULL)
		buf_add(b, &c, 1);
	else
		buf_printf(b, "%%%02X", (unsigned char)c);
}

/* The feed's own URL: public_url + path + the query as it came. */
static void
self_url(struct req *r, char *out, size_t outsz)
{
	struct buf	 b = { 0 };
	size_t		 i;

	buf_puts(&b, r->w->cfg->public_url);
	buf_puts(&b, r->path);
	for (i = 0; i < r->nquery; i++) {
		char *k = NULL, *v = NULL;

		buf_puts(&b, i == 0 ? "?" : "&");
		/* Keys and values are the decoded ones: re-encode what a URL
		 * cannot hold. */
		for (k = r->query[i].key; *k; k++)
			url_char(&b, *k);
		buf_puts(&b, "=");
		for (v = r->query[i].val; *v; v++)
			url_char(&b, *v);
	}
	snprintf(out, outsz, "%s", b.data ? b.data : "");
	buf_free(&b);
}

static void
feed(struct req *r, bool atom)
{
	struct pub_filter f;
	json_t		*items;
	long long	 total;
	char		 self[2048], etag[40];
	int		 rc;

	if (filter_from_query(r, &f) == -1)
		return;
	if (conditional(r, etag) != 0)
		return;
	if ((rc = pub_list(&r->w->db, &f, 1, FEED_SIZE, &items, &total)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	self_url(r, self, sizeof(self));
	buf_reset(&r->out);
	if (atom) {
		pub_atom(items, self, r->w->cfg->public_url, &r->out);
		r->out_type = "application/atom+xml; charset=utf-8";
	} else {
		pub_jsonfeed(items, self, r->w->cfg->public_url, &r->out);
		r->out_type = "application/feed+json; charset=utf-8";
	}
	json_decref(items);
	r->status = 200;
	to_cache(r, etag);
}

void
h_feed_atom(struct req *r)
{
	feed(r, true);
}

void
h_feed_json(struct req *r)
{
	feed(r, false);
}
