/* yujing — field validation with messages a clerk can act on. */
#include "validate.h"
#include "clock.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
fail(struct req *r, enum http_err e, const char *prefix, const struct vfield *f,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
fail(struct req *r, enum http_err e, const char *prefix, const struct vfield *f,
    const char *fmt, ...)
{
	char	 msg[512], field[128];
	int	 n;
	va_list	 ap;

	n = snprintf(msg, sizeof(msg), "%s", f->label);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	snprintf(field, sizeof(field), "%s%s", prefix ? prefix : "", f->name);
	http_error(r, e, msg, field);
	return -1;
}

/* ASCII white space, the ideographic space U+3000 and no-break U+00A0. */
static size_t
space_at(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		return 1;
	if (!strncmp(s, "\xe3\x80\x80", 3))
		return 3;
	if (!strncmp(s, "\xc2\xa0", 2))
		return 2;
	return 0;
}

bool
text_blank(const char *s)
{
	size_t n;

	while (*s && (n = space_at(s)) > 0)
		s += n;
	return *s == '\0';
}

bool
text_edge_space(const char *s)
{
	size_t len = strlen(s);

	if (space_at(s))
		return true;
	return (len >= 1 && space_at(s + len - 1) == 1) ||
	    (len >= 3 && space_at(s + len - 3) == 3) ||
	    (len >= 2 && space_at(s + len - 2) == 2);
}

/* The code point at p (valid UTF-8, not at its end), its length in *len. */
static unsigned
code_point(const unsigned char *p, size_t *len)
{
	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if (p[0] < 0xe0) {
		*len = 2;
		return (p[0] & 0x1fu) << 6 | (p[1] & 0x3fu);
	}
	if (p[0] < 0xf0) {
		*len = 3;
		return (p[0] & 0x0fu) << 12 | (p[1] & 0x3fu) << 6 | (p[2] & 0x3fu);
	}
	*len = 4;
	return (p[0] & 0x07u) << 18 | (p[1] & 0x3fu) << 12 | (p[2] & 0x3fu) << 6 |
	    (p[3] & 0x3fu);
}

static bool
invisible(unsigned c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||	/* C0, DEL, C1 (U+0085) */
	    c == 0x061c ||				/* Arabic letter mark */
	    (c >= 0x200b && c <= 0x200f) ||		/* zero width, LRM, RLM */
	    (c >= 0x2028 && c <= 0x202e) ||		/* LS, PS, embeddings, overrides */
	    (c >= 0x2060 && c <= 0x2064) ||		/* word joiner, invisible operators */
	    (c >= 0x2066 && c <= 0x2069) ||		/* isolates */
	    c == 0xfeff ||				/* BOM, zero-width no-break space */
	    (c >= 0xfff9 && c <= 0xfffb);		/* interlinear annotations */
}

const char *
validate_file_name(const char *n)
{
	const unsigned char	*p;
	size_t			 len;

	if (n == NULL || *n == '\0')
		return "请用 ?name=文件名 给出附件的文件名";
	if (!http_utf8_valid(n, strlen(n)) || http_utf8_len(n) > 255)
		return "附件文件名须为不超过 255 个字的 UTF-8 文本";
	for (p = (const unsigned char *)n; *p != '\0'; p += len) {
		if (invisible(code_point(p, &len)))
			return "附件文件名不能含有控制字符、换行、方向控制或零宽字符等不可见字符";
		if (*p == '/' || *p == '\\' || *p == '"')
			return "附件文件名不能含有 / \\ \" 或控制字符";
	}
	if (!strcmp(n, ".") || !strcmp(n, ".."))
		return "附件文件名不合法";
	return NULL;
}

int
validate_object(struct req *r, const json_t *obj, const struct vfield *f,
    size_t n, struct vval *out)
{
	return validate_object_at(r, obj, f, n, out, NULL);
}

int
validate_object_at(struct req *r, const json_t *obj, const struct vfield *f,
    size_t n, struct vval *out, const char *prefix)
{
	size_t		 i, len;
	json_t		*v;
	const char	*why;

	for (i = 0; i < n; i++, f++) {
		memset(&out[i], 0, sizeof(out[i]));
		v = json_object_get(obj, f->name);
		if (v == NULL || (json_is_null(v) && !(f->flags & VF_NULLABLE))) {
			if (f->flags & VF_REQUIRED)
				return fail(r, ERR_INVALID, prefix, f, "不能为空");
			continue;
		}
		out[i].present = true;
		if (json_is_null(v)) {
			if (f->flags & VF_REQUIRED)
				return fail(r, ERR_INVALID, prefix, f, "不能为空");
			out[i].null = true;
			continue;
		}
		switch (f->type) {
		case VT_STRING:
			if (!json_is_string(v))
				return fail(r, ERR_BAD_REQUEST, prefix, f, "应为字符串");
			out[i].s = json_string_value(v);
			if (strlen(out[i].s) != json_string_length(v))
				return fail(r, ERR_BAD_REQUEST, prefix, f, "含有非法字符");
			len = http_utf8_len(out[i].s);
			if (len > 0 && !(f->flags & VF_RAW)) {
				if (text_blank(out[i].s))
					len = 0;	/* only spaces: nothing */
				else if (text_edge_space(out[i].s))
					return fail(r, ERR_INVALID, prefix, f, "首尾不能有空格");
			}
			if (len == 0 && (f->flags & VF_REQUIRED))
				return fail(r, ERR_INVALID, prefix, f, "不能为空");
			if (f->max > 0 && (long long)len > f->max)
				return fail(r, ERR_INVALID, prefix, f, "不能超过 %lld 个字", f->max);
			if (len == 0 && f->min > 0)
				return fail(r, ERR_INVALID, prefix, f, "不能为空");
			if ((long long)len < f->min && f->min == f->max)
				return fail(r, ERR_INVALID, prefix, f, "须为 %lld 位", f->min);
			if ((long long)len < f->min)
				return fail(r, ERR_INVALID, prefix, f, "至少需要 %lld 个字", f->min);
			if (len > 0 && f->check != NULL && (why = f->check(out[i].s)) != NULL)
				return fail(r, ERR_INVALID, prefix, f, "%s", why);
			break;
		case VT_INT:
			if (!json_is_integer(v))
				return fail(r, ERR_BAD_REQUEST, prefix, f, "应为整数");
			out[i].i = json_integer_value(v);
			if (out[i].i < f->min || out[i].i > f->max)
				return fail(r, ERR_INVALID, prefix, f, "须在 %lld 到 %lld 之间", f->min, f->max);
			break;
		case VT_BOOL:
			if (!json_is_boolean(v))
				return fail(r, ERR_BAD_REQUEST, prefix, f, "应为 true 或 false");
			out[i].b = json_is_true(v);
			break;
		}
	}
	return 0;
}

static int
query_int(struct req *r, const char *key, const char *label, long long def,
    long long min, long long max, long long *out)
{
	const char	*s = http_query(r, key);
	char		*end, msg[256];
	long long	 v;

	*out = def;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	/* Digits only: no sign, no spaces. */
	if (*s < '0' || *s > '9' || errno || *end != '\0' || v < min || v > max) {
		snprintf(msg, sizeof(msg), "%s须为 %lld 到 %lld 之间的整数", label, min, max);
		http_error(r, ERR_INVALID, msg, key);
		return -1;
	}
	*out = v;
	return 0;
}

int
validate_paging(struct req *r, long long *page, long long *per_page)
{
	return validate_paging_max(r, page, per_page, 200);
}

int
validate_paging_max(struct req *r, long long *page, long long *per_page, long long max)
{
	if (query_int(r, "page", "页码", 1, 1, 1000000, page) == -1)
		return -1;
	return query_int(r, "per_page", "每页条数", 20, 1, max, per_page);
}

int
validate_query_year(struct req *r, int *year)
{
	long long	 v;

	if (query_int(r, "year", "年度", clock_year(), 2000, 2100, &v) == -1)
		return -1;
	*year = (int)v;
	return 0;
}

int
validate_query_id(struct req *r, const char *key, const char *label, long long *id)
{
	const char	*s = http_query(r, key);
	char		*end, msg[128];

	*id = 0;
	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	*id = strtoll(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end != '\0' || *id <= 0) {
		snprintf(msg, sizeof(msg), "%s须为正整数", label);
		http_error(r, ERR_INVALID, msg, key);
		return -1;
	}
	return 0;
}

int
validate_query_bool(struct req *r, const char *key, const char *label)
{
	const char	*s = http_query(r, key);
	char		 msg[256];

	if (s == NULL || *s == '\0')
		return -1;
	if (!strcmp(s, "true") || !strcmp(s, "1"))
		return 1;
	if (!strcmp(s, "false") || !strcmp(s, "0"))
		return 0;
	snprintf(msg, sizeof(msg), "%s须为 true 或 false", label);
	http_error(r, ERR_INVALID, msg, key);
	return -2;
}

bool
text_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	 y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !(s[i] >= '0' && s[i] <= '9'))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}
