/* yujing — request parsing with limits, and responses in the API envelope. */
#include "http.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

const char *
http_env(char **env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF, no NUL. */
bool
http_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	unsigned	 c;
	int		 need;
	unsigned	 min;

	while (p < e) {
		c = *p++;
		if (c == 0)
			return false;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) { need = 1; min = 0x80; c &= 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { need = 2; min = 0x800; c &= 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { need = 3; min = 0x10000; c &= 0x07; }
		else
			return false;
		if (e - p < need)
			return false;
		while (need--) {
			if ((*p & 0xc0) != 0x80)
				return false;
			c = (c << 6) | (*p++ & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return false;
	}
	return true;
}

size_t
http_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

char *
http_urldecode(const char *src, size_t len, bool form)
{
	char	*dst, *d;
	size_t	 i;
	int	 hi, lo;

	if ((dst = malloc(len + 1)) == NULL)
		abort();
	for (i = 0, d = dst; i < len; i++) {
		if (src[i] == '%') {
			if (i + 2 >= len) {
				free(dst);
				return NULL;
			}
			hi = hexval((unsigned char)src[i + 1]);
			lo = hexval((unsigned char)src[i + 2]);
			if (hi < 0 || lo < 0) {
				free(dst);
				return NULL;
			}
			if (hi == 0 && lo == 0) {	/* %00 would cut the string */
				free(dst);
				return NULL;
			}
			*d++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (form && src[i] == '+')
			*d++ = ' ';
		else
			*d++ = src[i];
	}
	*d = '\0';
	return dst;
}

static int
parse_query(struct req *r, const char *qs)
{
	const char	*p = qs, *amp, *eq;
	size_t		 seglen;
	char		*k, *v;

	while (*p) {
		amp = strchr(p, '&');
		seglen = amp ? (size_t)(amp - p) : strlen(p);
		if (seglen) {
			eq = memchr(p, '=', seglen);
			k = http_urldecode(p, eq ? (size_t)(eq - p) : seglen, true);
			v = eq ? http_urldecode(eq + 1, seglen - (eq - p) - 1, true) : strdup("");
			if (k == NULL || v == NULL || !http_utf8_valid(k, strlen(k)) ||
			    !http_utf8_valid(v, strlen(v))) {
				free(k);
				free(v);
				return -1;
			}
			if ((r->query = realloc(r->query, (r->nquery + 1) * sizeof(*r->query))) == NULL)
				abort();
			r->query[r->nquery].key = k;
			r->query[r->nquery].val = v;
			r->nquery++;
		}
		p += seglen;
		if (*p == '&')
			p++;
	}
	return 0;
}

const char *
http_query(const struct req *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nquery; i++)
		if (!strcmp(r->query[i].key, key))
			return r->query[i].val;
	return NULL;
}

const char *
http_cookie(const struct req *r, const char *name, size_t *len)
{
	const char	*p = r->cookie, *e;
	size_t		 n = strlen(name);

	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		e = strchr(p, ';');
		if (!strncmp(p, name, n) && p[n] == '=') {
			p += n + 1;
			*len = e ? (size_t)(e - p) : strlen(p);
			return p;
		}
		p = e;
	}
	return NULL;
}

static enum http_method
parse_method(const char *m)
{
	if (!strcmp(m, "GET")) return HTTP_GET;
	if (!strcmp(m, "POST")) return HTTP_POST;
	if (!strcmp(m, "PUT")) return HTTP_PUT;
	if (!strcmp(m, "PATCH")) return HTTP_PATCH;
	if (!strcmp(m, "DELETE")) return HTTP_DELETE;
	if (!strcmp(m, "HEAD")) return HTTP_HEAD;
	return HTTP_OTHER;
}

int
http_parse(struct req *r, char **env, http_reader rd, void *arg,
    const struct http_limits *lim)
{
	const char	*uri, *qs, *cl, *id;
	char		*end, junk[4096];
	size_t		 hdr = 0, n;
	unsigned long long clen = 0;
	ssize_t		 got;
	unsigned char	 rnd[8];
	char		**e;

	r->status = 0;
	r->method_str = http_env(env, "REQUEST_METHOD");
	if (r->method_str == NULL)
		r->method_str = "GET";
	r->method = parse_method(r->method_str);
	r->remote_addr = http_env(env, "REMOTE_ADDR");
	if (r->remote_addr == NULL)
		r->remote_addr = "-";
	id = http_env(env, "REQUEST_ID");
	if (id != NULL && *id && strlen(id) < sizeof(r->request_id) &&
	    strspn(id, "0123456789abcdefABCDEF-") == strlen(id))
		snprintf(r->request_id, sizeof(r->request_id), "%s", id);
	else {
		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(r->request_id, sizeof(r->request_id), rnd, sizeof(rnd));
	}

	for (e = env; e && *e; e++)
		if (!strncmp(*e, "HTTP_", 5))
			hdr += strlen(*e);
	if (hdr > lim->max_header) {
		http_error(r, ERR_BAD_REQUEST, "请求头过大", NULL);
		return -1;
	}
	r->content_type = http_env(env, "CONTENT_TYPE");
	r->cookie = http_env(env, "HTTP_COOKIE");
	r->csrf_header = http_env(env, "HTTP_X_CSRF_TOKEN");
	r->if_none_match = http_env(env, "HTTP_IF_NONE_MATCH");

	/* The path: nginx's normalised $document_uri, else REQUEST_URI. */
	uri = http_env(env, "DOCUMENT_URI");
	if (uri == NULL || *uri == '\0') {
		if ((uri = http_env(env, "REQUEST_URI")) == NULL || *uri == '\0')
			uri = "/";
		n = strcspn(uri, "?");
		r->path = http_urldecode(uri, n, false);
	} else
		r->path = strdup(uri);
	if (r->path == NULL || !http_utf8_valid(r->path, strlen(r->path))) {
		http_error(r, ERR_BAD_REQUEST, "请求路径不是合法的 UTF-8", NULL);
		return -1;
	}

	qs = http_env(env, "QUERY_STRING");
	if (qs != NULL) {
		if (strlen(qs) > lim->max_query) {
			http_error(r, ERR_BAD_REQUEST, "查询参数过长", NULL);
			return -1;
		}
		if (parse_query(r, qs) == -1) {
			http_error(r, ERR_BAD_REQUEST, "查询参数格式错误或不是合法的 UTF-8", NULL);
			return -1;
		}
	}

	cl = http_env(env, "CONTENT_LENGTH");
	if (cl != NULL && *cl != '\0') {
		clen = strtoull(cl, &end, 10);
		if (*end != '\0' || !isdigit((unsigned char)*cl)) {
			http_error(r, ERR_BAD_REQUEST, "Content-Length 无效", NULL);
			return -1;
		}
	}
	if (clen > (lim->max_attachment > lim->max_body ? lim->max_attachment : lim->max_body)) {
		/* Drain what the web server already sent so that the kept
		 * connection stays usable; nginx caps it anyway. */
		while (rd != NULL && (got = rd(arg, junk, sizeof(junk))) > 0)
			continue;
		http_error(r, ERR_TOO_LARGE, "请求体过大", NULL);
		return -1;
	}
	if (clen > 0) {
		if ((r->body = malloc(clen + 1)) == NULL)
			abort();
		while (r->body_len < clen) {
			got = rd ? rd(arg, r->body + r->body_len, clen - r->body_len) : 0;
			if (got <= 0)
				break;
			r->body_len += (size_t)got;
		}
		r->body[r->body_len] = '\0';
		if (r->body_len != clen) {
			http_error(r, ERR_BAD_REQUEST, "请求体不完整", NULL);
			return -1;
		}
	}
	return 0;
}

/* "application/json" with an optional charset that must be UTF-8. */
static bool
is_json_type(const char *ct)
{
	const char *p, *cs;

	if (ct == NULL || strncasecmp(ct, "application/json", 16) != 0)
		return false;
	p = ct + 16;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return true;
	if (*p != ';')
		return false;
	if ((cs = strcasestr(p, "charset=")) == NULL)
		return true;
	cs += 8;
	if (*cs == '"')
		cs++;
	return strncasecmp(cs, "utf-8", 5) == 0 || strncasecmp(cs, "utf8", 4) == 0;
}

int
http_parse_json(struct req *r)
{
	json_error_t err;

	if (r->body_len == 0) {
		http_error(r, ERR_BAD_REQUEST, "请求体为空，需要 JSON 对象", NULL);
		return -1;
	}
	if (!is_json_type(r->content_type)) {
		http_error(r, ERR_MEDIA_TYPE, "请求体须为 JSON（Content-Type: application/json; charset=utf-8）", NULL);
		return -1;
	}
	if (!http_utf8_valid(r->body, r->body_len)) {
		http_error(r, ERR_BAD_REQUEST, "请求体不是合法的 UTF-8", NULL);
		return -1;
	}
	r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &err);
	if (r->json == NULL) {
		http_error(r, ERR_BAD_REQUEST, "请求体不是合法的 JSON", NULL);
		return -1;
	}
	if (!json_is_object(r->json)) {
		json_decref(r->json);
		r->json = NULL;
		http_error(r, ERR_BAD_REQUEST, "请求体须为 JSON 对象", NULL);
		return -1;
	}
	return 0;
}

void
http_req_free(struct req *r)
{
	size_t i;

	for (i = 0; i < r->nquery; i++) {
		free(r->query[i].key);
		free(r->query[i].val);
	}
	free(r->query);
	free(r->path);
	free(r->body);
	if (r->json)
		json_decref(r->json);
	buf_free(&r->headers);
	buf_free(&r->out);
	sodium_memzero(r->session_token, sizeof(r->session_token));
	memset(r, 0, sizeof(*r));
}

static const struct {
	int		 status;
	const char	*code;
} errs[] = {
	[ERR_BAD_REQUEST]	= { 400, "bad_request" },
	[ERR_INVALID]		= { 400, "invalid" },
	[ERR_UNAUTHENTICATED]	= { 401, "unauthenticated" },
	[ERR_FORBIDDEN]		= { 403, "forbidden" },
	[ERR_NOT_FOUND]		= { 404, "not_found" },
	[ERR_METHOD]		= { 405, "bad_request" },
	[ERR_CONFLICT]		= { 409, "conflict" },
	[ERR_TOO_LARGE]		= { 413, "too_large" },
	[ERR_MEDIA_TYPE]	= { 415, "unsupported_media_type" },
	[ERR_RATE_LIMITED]	= { 429, "rate_limited" },
	[ERR_INTERNAL]		= { 500, "internal" },
	[ERR_UNAVAILABLE]	= { 503, "unavailable" },
};

int
http_err_status(enum http_err e)
{
	return errs[e].status;
}

const char *
http_err_code(enum http_err e)
{
	return errs[e].code;
}

const char *
http_status_text(int s)
{
	switch (s) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default:  return "Unknown";
	}
}

void
http_json(struct req *r, int status, json_t *body)
{
	char *s;

	r->status = status;
	r->out_type = NULL;
	buf_reset(&r->out);
	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (s == NULL)
		abort();
	buf_puts(&r->out, s);
	free(s);
}

void
http_list(struct req *r, json_t *items, long long total, long long page, long long per_page)
{
	http_json(r, 200, json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total",
	    (json_int_t)total, "page", (json_int_t)page, "per_page", (json_int_t)per_page));
}

void
http_no_content(struct req *r)
{
	r->status = 204;
	buf_reset(&r->out);
}

void
http_error(struct req *r, enum http_err e, const char *message, const char *field)
{
	json_t *err;

	err = json_pack("{s:s, s:s}", "code", errs[e].code, "message", message);
	if (field != NULL)
		json_object_set_new(err, "field", json_string(field));
	http_json(r, errs[e].status, json_pack("{s:o}", "error", err));
}

void
http_header(struct req *r, const char *fmt, ...)
{
	va_list	 ap, again;
	char	 line[1024], *big;
	int	 n;

	/* Whole, however long: a Content-Disposition with a long Chinese
	 * file name percent-encoded runs to a few kilobytes. */
	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line)) {
		if ((big = malloc((size_t)n + 1)) == NULL)
			abort();
		vsnprintf(big, (size_t)n + 1, fmt, again);
		buf_puts(&r->headers, big);
		free(big);
	} else if (n > 0)
		buf_puts(&r->headers, line);
	va_end(again);
	buf_puts(&r->headers, "\r\n");
}

void
http_serialize(const struct req *r, struct buf *b)
{
	http_serialize_head(r, b);
	buf_add(b, r->out.data, http_body_len(r));
}

size_t
http_body_len(const struct req *r)
{
	return r->status != 204 && r->status != 304 && r->method != HTTP_HEAD ? r->out.len : 0;
}

void
http_serialize_head(const struct req *r, struct buf *b)
{
	buf_printf(b, "Status: %d %s\r\n", r->status, http_status_text(r->status));
	if (r->status != 204 && r->status != 304)
		buf_printf(b, "Content-Type: %s\r\n",
		    r->out_type ? r->out_type : "application/json; charset=utf-8");
	buf_printf(b, "X-Request-Id: %s\r\n", r->request_id);
	buf_printf(b, "Cache-Control: %s\r\nX-Content-Type-Options: nosniff\r\n",
	    r->cache_control ? r->cache_control : "no-store");
	if (r->headers.len)
		buf_add(b, r->headers.data, r->headers.len);
	buf_puts(b, "\r\n");
}
