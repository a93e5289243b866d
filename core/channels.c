/* yujing — channels: scope, validation, the robots' formats and sending. */
#include "channels.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "access.h"
#include "app.h"
#include "publication.h"

/* --- URLs ------------------------------------------------------------------ */

bool
ip_is_private(const char *ip)
{
	unsigned char	 a[16];
	static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (inet_pton(AF_INET, ip, a) == 1)
		goto v4;
	if (inet_pton(AF_INET6, ip, a) != 1)
		return false;
	if (!memcmp(a, v4mapped, 12)) {
		memmove(a, a + 12, 4);
		goto v4;
	}
	{
		static const unsigned char zero[16], one[16] = { [15] = 1 };

		return !memcmp(a, zero, 16) || !memcmp(a, one, 16) ||
		    (a[0] & 0xfe) == 0xfc ||			/* fc00::/7 */
		    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80);	/* fe80::/10 */
	}
v4:
	return a[0] == 0 || a[0] == 10 || a[0] == 127 ||
	    (a[0] == 100 && (a[1] & 0xc0) == 64) ||		/* 100.64/10 */
	    (a[0] == 169 && a[1] == 254) ||
	    (a[0] == 172 && (a[1] & 0xf0) == 16) ||
	    (a[0] == 192 && a[1] == 168) || a[0] >= 224;
}

static bool
host_allowed(const char *host, const char *allow)
{
	const char	*p = allow;
	size_t		 n, hl = strlen(host);

	while (p != NULL && *p) {
		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n > 0 && n == hl && !strncasecmp(p, host, n))
			return true;
		p += n;
	}
	return false;
}

const char *
channel_url_check(const char *url, const char *allow)
{
	const char	*p, *h;
	char		 host[256];
	size_t		 n;

	if (strlen(url) > 500)
		return "地址最多 500 个字符";
	if (!strncasecmp(url, "https://", 8))
		p = url + 8;
	else if (!strncasecmp(url, "http://", 7))
		p = url + 7;
	else
		return "地址应以 http:// 或 https:// 开头";
	for (h = url; *h; h++)
		if ((unsigned char)*h <= 0x20 || (unsigned char)*h >= 0x7f)
			return "地址不能含空格、中文或控制字符（中文请先做 URL 编码）";
	n = strcspn(p, "/?#");
	if (memchr(p, '@', n) != NULL)
		return "地址不能含用户名或密码（@）";
	if (*p == '[') {
		const char *e = memchr(p, ']', n);

		if (e == NULL)
			return "地址的主机部分不正确";
		snprintf(host, sizeof(host), "%.*s", (int)(e - p - 1), p + 1);
	} else
		snprintf(host, sizeof(host), "%.*s", (int)strcspn(p, ":/?#"), p);
	if (host[0] == '\0')
		return "地址缺少主机名";
	if (host_allowed(host, allow))
		return NULL;
	if (ip_is_private(host) || !strcasecmp(host, "localhost") ||
	    (strlen(host) > 10 && !strcasecmp(host + strlen(host) - 10, ".localhost")))
		return "不允许指向本机或内网地址（可由管理员在 channel_allow_hosts 中放行）";
	if (strspn(host, "0123456789.") == strlen(host) && inet_addr(host) == INADDR_NONE)
		return "地址的主机部分不正确";
	return NULL;
}

/* --- channels as data ------------------------------------------------------ */

#define CH_COLS "id, kind, name, url, secret, filters, point_id, enabled, rate_per_minute, " \
	"version, created_at, updated_at, (SELECT p.name FROM points p WHERE p.id = channels.point_id)"

static json_t *
channel_json(const struct db_res *res, size_t i)
{
	json_t *f = json_loads(db_res_str(res, i, 5), 0, NULL);

	return json_pack("{s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:o, s:b, s:I, s:I, s:o, s:o}",
	    "id", (json_int_t)db_res_int(res, i, 0), "kind", db_res_str(res, i, 1),
	    "name", db_res_str(res, i, 2), "url", db_res_str(res, i, 3),
	    "secret_set", !db_res_null(res, i, 4) && db_res_str(res, i, 4)[0] != '\0',
	    "filters", f != NULL ? f : json_object(),
	    "point_id", db_res_null(res, i, 6) ? json_null() : json_integer(db_res_int(res, i, 6)),
	    "point_name", db_res_null(res, i, 12) ? json_null() : json_string(db_res_str(res, i, 12)),
	    "enabled", (int)db_res_int(res, i, 7), "rate_per_minute", (json_int_t)db_res_int(res, i, 8),
	    "version", (json_int_t)db_res_int(res, i, 9), "created_at", app_time(db_res_str(res, i, 10)),
	    "updated_at", app_time(db_res_str(res, i, 11)));
}

bool
channels_visible(const struct actor *a, long long channel_point_id)
{
	if (a->role == ROLE_ADMIN || a->role == ROLE_PROVINCE)
		return true;
	return a->role == ROLE_POINT && channel_point_id != 0 && channel_point_id == a->point_id;
}

int
channels_list(struct db *db, const struct actor *a, const struct channel_query *q, json_t **items,
    long long *total, struct outcome *o)
{
#define CH_LIST_WHERE " FROM channels WHERE deleted_at IS NULL AND (? IS NULL OR point_id = ?) " \
	"AND (? IS NULL OR point_id = ?) AND (? IS NULL OR kind = ?) AND (? IS NULL OR enabled = ?) " \
	"AND (? IS NULL OR name LIKE ?)"
	static const char count_sql[] = "SELECT COUNT(*)" CH_LIST_WHERE;
	static const char rows_sql[] = "SELECT " CH_COLS CH_LIST_WHERE " ORDER BY id LIMIT ? OFFSET ?";
	struct db_res	 res;
	long long	*own = a->role == ROLE_POINT ? (long long *)&a->point_id : NULL;
	long long	*pid = q->point_id > 0 ? (long long *)&q->point_id : NULL;
	long long	 en = q->enabled, *enp = q->enabled >= 0 ? &en : NULL;
	char		*pat = q->q != NULL ? db_like(q->q) : NULL;
	size_t		 i;
	int		 rc;
#define CH_LIST_ARGS own, own, pid, pid, q->kind, q->kind, enp, enp, pat, pat

	if ((rc = db_query(db, &res, count_sql, "IIIIssIIss", CH_LIST_ARGS)) != DB_OK)
		goto fail;
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(db, &res, rows_sql, "IIIIssIIssii", CH_LIST_ARGS, q->per_page,
	    (q->page - 1) * q->per_page)) != DB_OK)
		goto fail;
	free(pat);
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, channel_json(&res, i));
	db_res_free(&res);
	o->kind = OUT_OK;
	return 0;
fail:
	free(pat);
	return outcome_db(o, rc);
#undef CH_LIST_ARGS
#undef CH_LIST_WHERE
}

static int
load(struct db *db, const struct actor *a, long long id, bool lock, struct db_res *res,
    struct outcome *o)
{
	static const char sql[] = "SELECT " CH_COLS " FROM channels WHERE id = ? AND deleted_at IS NULL";
	static const char sql_lock[] = "SELECT " CH_COLS " FROM channels WHERE id = ? AND deleted_at IS NULL "
	    "FOR UPDATE";
	int rc;

	if ((rc = db_query(db, res, lock ? sql_lock : sql, "i", id)) != DB_OK)
		return outcome_db(o, rc);
	if (res->nrows == 0 || !channels_visible(a, db_res_null(res, 0, 6) ? 0 : db_res_int(res, 0, 6))) {
		db_res_free(res);
		return outcome_fail(o, OUT_NOT_FOUND, NULL, "渠道不存在");
	}
	return 0;
}

static bool
email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	size_t i;

	if (strlen(s) > 254 || at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' || s[strlen(s) - 1] == '.')
		return false;
	for (i = 0; s[i]; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || strchr("<>()[],;:\\\"", s[i]))
			return false;
	return true;
}

/* The fields of a channel from in over cur (NULL: a new one). */
struct ch_in {
	const char	*kind, *name, *url, *secret;
	bool		 secret_given;
	json_t		*filters;	/* owned */
	long long	 point_id;
	bool		 enabled;
	long long	 rate;
};

static int
parse_in(struct db *db, const struct config *cfg, const struct actor *a, const json_t *in,
    struct ch_in *c, bool creating, struct outcome *o)
{
	const json_t	*v;
	const char	*why;
	char		 field[64], msg[256];
	int		 dbrc;

	if ((v = json_object_get(in, "kind")) != NULL) {
		if (!creating)
			return outcome_fail(o, OUT_INVALID, "kind", "渠道类型创建后不能修改");
		c->kind = json_string_value(v);
	}
	if (c->kind == NULL || (strcmp(c->kind, "wecom") && strcmp(c->kind, "dingtalk") &&
	    strcmp(c->kind, "webhook") && strcmp(c->kind, "email")))
		return outcome_fail(o, OUT_INVALID, "kind", "渠道类型应为 wecom、dingtalk、webhook 或 email");
	if ((v = json_object_get(in, "name")) != NULL)
		c->name = json_string_value(v);
	if (c->name == NULL || c->name[0] == '\0' || strlen(c->name) > 300 ||
	    !http_utf8_valid(c->name, strlen(c->name)) || http_utf8_len(c->name) > 100)
		return outcome_fail(o, OUT_INVALID, "name", "渠道名称不能为空，最多 100 个字");
	if ((v = json_object_get(in, "url")) != NULL)
		c->url = json_string_value(v);
	if (c->url == NULL || c->url[0] == '\0')
		return outcome_fail(o, OUT_INVALID, "url", strcmp(c->kind, "email") ? "请填写机器人或接收地址" :
		    "请填写邮件列表地址");
	if (!strcmp(c->kind, "email")) {
		if (!strncasecmp(c->url, "mailto:", 7))
			c->url += 7;
		if (!email_ok(c->url))
			return outcome_fail(o, OUT_INVALID, "url", "邮件列表地址格式不正确，如 list@example.com");
	} else if ((why = channel_url_check(c->url, cfg->channel_allow_hosts)) != NULL)
		return outcome_fail(o, OUT_INVALID, "url", why);
	if ((v = json_object_get(in, "secret")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v) || strlen(json_string_value(v)) > 200)
			return outcome_fail(o, OUT_INVALID, "secret", "密钥应为文本，最多 200 个字符");
		c->secret = json_string_value(v);
		c->secret_given = true;
	}
	if (!strcmp(c->kind, "webhook") && (c->secret == NULL || c->secret[0] == '\0'))
		return outcome_fail(o, OUT_INVALID, "secret", "通用 Webhook 须设置签名密钥");
	if ((v = json_object_get(in, "filters")) != NULL || creating) {
		if (v != NULL && !json_is_object(v) && !json_is_null(v))
			return outcome_fail(o, OUT_INVALID, "filters", "筛选条件应为对象");
		json_decref(c->filters);
		c->filters = NULL;
		if (pub_filters_parse(db, v, &c->filters, field, sizeof(field), msg, sizeof(msg), &dbrc) == -1) {
			if (dbrc != DB_OK)
				return outcome_db(o, dbrc);
			char f2[80];

			snprintf(f2, sizeof(f2), "filters.%s", field);
			return outcome_fail(o, OUT_INVALID, f2, msg);
		}
	}
	if ((v = json_object_get(in, "point_id")) != NULL) {
		if (!json_is_integer(v) && !json_is_null(v))
			return outcome_fail(o, OUT_INVALID, "point_id", "预警点应为编号");
		c->point_id = json_is_integer(v) ? json_integer_value(v) : 0;
	} else if (creating && a->role == ROLE_POINT)
		c->point_id = a->point_id;
	if (a->role == ROLE_POINT && c->point_id != a->point_id)
		return outcome_fail(o, OUT_FORBIDDEN, "point_id", "预警点只能管理本点的渠道");
	if ((v = json_object_get(in, "enabled")) != NULL) {
		if (!json_is_boolean(v))
			return outcome_fail(o, OUT_INVALID, "enabled", "是否启用应为 true 或 false");
		c->enabled = json_is_true(v);
	}
	if ((v = json_object_get(in, "rate_per_minute")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 600)
			return outcome_fail(o, OUT_INVALID, "rate_per_minute", "每分钟条数应为 1 到 600");
		c->rate = json_integer_value(v);
	}
	if (c->rate == 0)
		c->rate = !strcmp(c->kind, "email") ? 600 : !strcmp(c->kind, "webhook") ? 60 : 20;
	/* The robots take 20 a minute; more only gets refused. */
	if ((!strcmp(c->kind, "wecom") || !strcmp(c->kind, "dingtalk")) && c->rate > 20)
		return outcome_fail(o, OUT_INVALID, "rate_per_minute", "群机器人每分钟最多 20 条");
	o->kind = OUT_OK;
	return 0;
}

static int
point_exists(struct db *db, long long id, struct outcome *o)
{
	struct db_res	 res;
	int		 rc, n;

	if ((rc = db_query(db, &res, "SELECT id FROM points WHERE id = ?", "i", id)) != DB_OK)
		return outcome_db(o, rc);
	n = (int)res.nrows;
	db_res_free(&res);
	return n == 1 ? 0 : outcome_fail(o, OUT_INVALID, "point_id", "预警点不存在");
}

static int
get_json(struct db *db, long long id, json_t **out, struct outcome *o)
{
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(db, &res, "SELECT " CH_COLS " FROM channels WHERE id = ?", "i", id)) != DB_OK)
		return outcome_db(o, rc);
	*out = res.nrows == 1 ? channel_json(&res, 0) : json_null();
	db_res_free(&res);
	o->kind = OUT_OK;
	return 0;
}

int
channels_create(struct db *db, const struct config *cfg, const struct actor *a, const json_t *in,
    json_t **out, struct outcome *o)
{
	static const char ins[] = "INSERT INTO channels (kind, name, url, secret, filters, point_id, enabled, "
	    "rate_per_minute, version, created_by, created_at, updated_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, NOW(), NOW())";
	struct ch_in	 c = { .enabled = true };
	char		*f;
	long long	 id;
	int		 rc;

	if (parse_in(db, cfg, a, in, &c, true, o) == -1 ||
	    (c.point_id != 0 && point_exists(db, c.point_id, o) == -1)) {
		json_decref(c.filters);
		return -1;
	}
	f = json_dumps(c.filters, JSON_COMPACT);
	json_decref(c.filters);
	rc = db_exec(db, ins, "sssssIiii", c.kind, c.name, c.url, c.secret, f,
	    c.point_id ? &c.point_id : NULL, (long long)c.enabled, c.rate, a->id);
	free(f);
	if (rc < 0)
		return outcome_db(o, rc);
	id = (long long)db_insert_id(db);
	return get_json(db, id, out, o);
}

int
channels_update(struct db *db, const struct config *cfg, const struct actor *a, long long id,
    const json_t *in, json_t **out, struct outcome *o)
{
	static const char upd[] = "UPDATE channels SET name = ?, url = ?, secret = ?, filters = ?, "
	    "point_id = ?, enabled = ?, rate_per_minute = ?, version = version + 1, updated_at = NOW() "
	    "WHERE id = ? AND version = ?";
	struct db_res	 res;
	struct ch_in	 c = { 0 };
	const json_t	*v = json_object_get(in, "version");
	char		*f = NULL;
	int		 rc;

	if (!json_is_integer(v))
		return outcome_fail(o, OUT_INVALID, "version", "缺少版本号（version）");
	if ((rc = db_begin(db)) != DB_OK)
		return outcome_db(o, rc);
	if (load(db, a, id, true, &res, o) == -1)
		goto fail;
	if (json_integer_value(v) != db_res_int(&res, 0, 9)) {
		db_res_free(&res);
		outcome_fail(o, OUT_CONFLICT, "version", "该渠道已被他人修改，请刷新后重试");
		goto fail;
	}
	c.kind = db_res_str(&res, 0, 1);
	c.name = db_res_str(&res, 0, 2);
	c.url = db_res_str(&res, 0, 3);
	c.secret = db_res_str(&res, 0, 4);
	c.filters = json_loads(db_res_str(&res, 0, 5), 0, NULL);
	c.point_id = db_res_null(&res, 0, 6) ? 0 : db_res_int(&res, 0, 6);
	c.enabled = db_res_int(&res, 0, 7) != 0;
	c.rate = db_res_int(&res, 0, 8);
	if (parse_in(db, cfg, a, in, &c, false, o) == -1 ||
	    (c.point_id != 0 && point_exists(db, c.point_id, o) == -1)) {
		json_decref(c.filters);
		db_res_free(&res);
		goto fail;
	}
	f = json_dumps(c.filters, JSON_COMPACT);
	json_decref(c.filters);
	rc = db_exec(db, upd, "ssssIiiii", c.name, c.url, c.secret, f, c.point_id ? &c.point_id : NULL,
	    (long long)c.enabled, c.rate, id, json_integer_value(v));
	free(f);
	db_res_free(&res);
	if (rc < 0 || (rc = db_commit(db)) != DB_OK) {
		db_rollback(db);
		return outcome_db(o, rc);
	}
	return get_json(db, id, out, o);
fail:
	db_rollback(db);
	return -1;
}

int
channels_delete(struct db *db, const struct actor *a, long long id, struct outcome *o)
{
	struct db_res	 res;
	int		 rc;

	if (load(db, a, id, false, &res, o) == -1)
		return -1;
	db_res_free(&res);
	if ((rc = db_exec(db, "UPDATE channels SET deleted_at = NOW(), enabled = 0 WHERE id = ?", "i", id)) < 0)
		return outcome_db(o, rc);
	o->kind = OUT_OK;
	return 0;
}

/* --- messages ----------------------------------------------------------------- */

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* The longest prefix of s within n bytes that ends between characters. */
static size_t
utf8_cut(const char *s, size_t n)
{
	size_t len = strlen(s);

	if (len <= n)
		return len;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* What ends a content cut to the robot's limit (its bytes are reserved). */
#define MORE "……（内容较长，请查看全文）"

void
channel_markdown(const json_t *w, const char *link, size_t max, struct buf *b)
{
	const json_t	*hs = json_object_get(w, "hs_codes"), *c;
	struct buf	 head = { 0 }, tail = { 0 };
	const char	*content = jstr(w, "content");
	size_t		 i, room, n;

	buf_printf(&head, "### 【贸易预警】%s\n> 国别地区：%s　行业：%s　措施：%s\n", jstr(w, "title"),
	    jstr(w, "country_name"), jstr(w, "industry_name"), jstr(w, "measure_type_name"));
	if (json_array_size(hs) > 0) {
		buf_puts(&head, "> HS编码：");
		json_array_foreach(hs, i, c)
			buf_printf(&head, "%s%s", i ? "、" : "", json_string_value(c));
		buf_puts(&head, "\n");
	}
	if (*jstr(w, "comment_deadline"))
		buf_printf(&head, "> 评议截止日期：%s\n", jstr(w, "comment_deadline"));
	buf_printf(&head, "> 发布：%s %.10s\n\n", jstr(w, "point_name"), jstr(w, "published_at"));
	buf_printf(&tail, "\n\n[查看全文](%s)", link);
	/* Title and links stay; the content gives way. */
	if (head.len + tail.len + 32 > max) {
		n = utf8_cut(head.data, max > tail.len + 32 ? max - tail.len - 32 : 0);
		buf_add(b, head.data, n);
	} else {
		buf_add(b, head.data, head.len);
		room = max - head.len - tail.len;
		n = utf8_cut(content, room);
		if (n < strlen(content)) {
			n = utf8_cut(content, room > sizeof(MORE) ? room - sizeof(MORE) : 0);
			buf_add(b, content, n);
			buf_puts(b, MORE);
		} else
			buf_add(b, content, n);
	}
	buf_add(b, tail.data, tail.len);
	buf_free(&head);
	buf_free(&tail);
}

struct sink {
	struct buf	*b;
	size_t		 max;
};

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;

	if (s->b->len < s->max)
		buf_add(s->b, p, size * n < s->max - s->b->len ? size * n : s->max - s->b->len);
	return size * n;
}

struct prereq {
	const char *allow;
	char	   *ip;
	size_t	    ipsz;
};

/* The connected address, checked again after DNS: a name that resolves to
 * a private address is refused like the address itself. */
static int
prereq_cb(void *arg, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
	struct prereq *p = arg;

	(void)local_ip; (void)primary_port; (void)local_port;
	snprintf(p->ip, p->ipsz, "%s", primary_ip);
	if (ip_is_private(primary_ip) && !host_allowed(primary_ip, p->allow))
		return CURL_PREREQFUNC_ABORT;
	return CURL_PREREQFUNC_OK;
}

static void
hmac_sha256(const char *key, const void *msg, size_t len, unsigned char out[32])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&st, msg, len);
	crypto_auth_hmacsha256_final(&st, out);
}

static enum send_result
post_json(CURL *c, const struct config *cfg, const char *url, struct curl_slist *hdr, const char *body,
    bool robot, char *err, size_t errsz)
{
	struct buf	 resp = { 0 };
	struct sink	 sink = { &resp, 65536 };
	char		 ip[64] = "", cerr[CURL_ERROR_SIZE] = "";
	struct prereq	 pre = { cfg->channel_allow_hosts, ip, sizeof(ip) };
	json_t		*j;
	long		 status = 0;
	CURLcode	 rc;
	enum send_result out;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)cfg->send_timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(cfg->send_timeout < 10 ? cfg->send_timeout : 10));
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_PREREQFUNCTION, prereq_cb);
	curl_easy_setopt(c, CURLOPT_PREREQDATA, &pre);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "yujing");
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(err, errsz, "地址 %s 属于本机或内网，未发送", ip);
		out = SEND_PERMANENT;
	} else if (rc != CURLE_OK) {
		snprintf(err, errsz, "%s%s%s", curl_easy_strerror(rc), cerr[0] ? ": " : "", cerr);
		out = rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL ? SEND_PERMANENT :
		    SEND_TEMPORARY;
	} else if (status == 429 || status >= 500) {
		snprintf(err, errsz, "HTTP %ld", status);
		out = SEND_TEMPORARY;
	} else if (status < 200 || status >= 300) {
		snprintf(err, errsz, "HTTP %ld", status);
		out = SEND_PERMANENT;
	} else if (!robot) {
		out = SEND_OK;
	} else if ((j = json_loadb(resp.data ? resp.data : "", resp.len, 0, NULL)) == NULL ||
	    !json_is_integer(json_object_get(j, "errcode"))) {
		json_decref(j);
		snprintf(err, errsz, "机器人应答无法解析（HTTP %ld，%zu 字节）", status, resp.len);
		out = SEND_TEMPORARY;
	} else {
		long long	 code = json_integer_value(json_object_get(j, "errcode"));
		const char	*m = json_string_value(json_object_get(j, "errmsg"));

		if (code == 0)
			out = SEND_OK;
		else {
			snprintf(err, errsz, "errcode %lld: %.200s", code, m ? m : "");
			/* 45009: WeCom's, 130101: DingTalk's "too many a minute". */
			out = code == 45009 || code == 130101 || code == -1 ? SEND_TEMPORARY : SEND_PERMANENT;
		}
		json_decref(j);
	}
	if (out == SEND_OK)
		err[0] = '\0';
	buf_free(&resp);
	return out;
}

enum send_result
channel_send(void *handle, const struct config *cfg, const struct channel_target *t, const json_t *w,
    const char *link, const char *key, char *err, size_t errsz)
{
	CURL			*c = handle;
	struct curl_slist	*hdr = NULL;
	struct buf		 md = { 0 }, url = { 0 };
	json_t			*body;
	char			*s, sig[128], h[80];
	unsigned char		 mac[32];
	enum send_result	 out;
	const char		*why;
	bool			 own = c == NULL;

	net_init();
	if ((why = channel_url_check(t->url, cfg->channel_allow_hosts)) != NULL) {
		snprintf(err, errsz, "%s", why);
		return SEND_PERMANENT;
	}
	if (own && (c = curl_easy_init()) == NULL) {
		snprintf(err, errsz, "libcurl 初始化失败");
		return SEND_TEMPORARY;
	}
	hdr = curl_slist_append(hdr, "Content-Type: application/json; charset=utf-8");
	buf_puts(&url, t->url);
	if (!strcmp(t->kind, "webhook")) {
		body = w != NULL ? json_pack("{s:s, s:s, s:O, s:s}", "event", "warning.published",
		    "delivery", key, "warning", w, "url", link) :
		    json_pack("{s:s, s:s}", "event", "test", "delivery", key);
		s = json_dumps(body, JSON_COMPACT);
		hmac_sha256(t->secret ? t->secret : "", s, strlen(s), mac);
		memcpy(sig, "X-Yujing-Signature: sha256=", 27);
		sodium_bin2hex(sig + 27, sizeof(sig) - 27, mac, sizeof(mac));
		hdr = curl_slist_append(hdr, sig);
		snprintf(h, sizeof(h), "X-Yujing-Delivery: %.60s", key);
		hdr = curl_slist_append(hdr, h);
	} else {
		bool wecom = !strcmp(t->kind, "wecom");

		if (w != NULL)
			channel_markdown(w, link, wecom ? WECOM_MAX_BYTES : DINGTALK_MAX_BYTES, &md);
		else
			buf_puts(&md, "### 外贸预警服务平台\n> 这是一条测试消息：渠道设置正确。");
		if (wecom)
			body = json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown", "content", md.data);
		else {
			body = json_pack("{s:s, s:{s:s, s:s}}", "msgtype", "markdown", "markdown",
			    "title", w != NULL ? jstr(w, "title") : "测试消息", "text", md.data);
			if (t->secret != NULL && t->secret[0] != '\0') {
				struct timeval	 tv;
				char		 ts[32], *tosign, b64[64], *enc;

				gettimeofday(&tv, NULL);
				snprintf(ts, sizeof(ts), "%lld", (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000);
				if (asprintf(&tosign, "%s\n%s", ts, t->secret) < 0)
					abort();
				hmac_sha256(t->secret, tosign, strlen(tosign), mac);
				free(tosign);
				sodium_bin2base64(b64, sizeof(b64), mac, sizeof(mac), sodium_base64_VARIANT_ORIGINAL);
				enc = curl_easy_escape(c, b64, 0);
				buf_printf(&url, "%stimestamp=%s&sign=%s", strchr(t->url, '?') ? "&" : "?", ts, enc);
				curl_free(enc);
			}
		}
		s = json_dumps(body, JSON_COMPACT);
	}
	json_decref(body);
	out = post_json(c, cfg, url.data, hdr, s, strcmp(t->kind, "webhook") != 0, err, errsz);
	free(s);
	buf_free(&md);
	buf_free(&url);
	curl_slist_free_all(hdr);
	if (own)
		curl_easy_cleanup(c);
	return out;
}

int
channels_test(struct db *db, const struct config *cfg, const struct actor *a, long long id,
    json_t **result, struct outcome *o)
{
	struct db_res		 res;
	struct channel_target	 t;
	enum send_result	 r;
	char			 err[512] = "", key[64];

	if (load(db, a, id, false, &res, o) == -1)
		return -1;
	t.kind = db_res_str(&res, 0, 1);
	t.url = db_res_str(&res, 0, 3);
	t.secret = db_res_str(&res, 0, 4);
	snprintf(key, sizeof(key), "test:%lld", id);
	if (!strcmp(t.kind, "email")) {
		struct mail_settings	 s;
		struct mail_msg		 m = { .to = t.url, .subject = "【外贸预警服务平台】测试邮件",
		    .text = "这是一封测试邮件：邮件列表渠道设置正确。", .html = NULL };
		struct buf		 msg = { 0 };
		int			 rc;

		if ((rc = mail_settings_load(db, &s)) != DB_OK) {
			db_res_free(&res);
			return outcome_db(o, rc);
		}
		mail_build(&s, &m, &msg);
		r = mail_send(NULL, &s, t.url, &msg, cfg->send_timeout, err, sizeof(err));
		buf_free(&msg);
	} else
		r = channel_send(NULL, cfg, &t, NULL, cfg->public_url, key, err, sizeof(err));
	db_res_free(&res);
	*result = json_pack("{s:b, s:o}", "ok", r == SEND_OK, "error", r == SEND_OK ? json_null() :
	    json_string(err));
	o->kind = OUT_OK;
	return 0;
}
