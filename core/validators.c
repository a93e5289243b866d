/* yujing — checks for the strings clerks type into forms, with messages
 * that say what is expected and give an example. */
#include "validators.h"
#include "clock.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DIGITS		"0123456789"
#define U_BAD		0xFFFFFFFFu

/* --- UTF-8 --- */

/* The code point of the character at s (not at its terminating NUL), or
 * U_BAD for a malformed sequence; *len gets the bytes it takes (at least 1,
 * never past a NUL). */
static uint32_t
u8next(const char *s, size_t *len)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 n, i;

	if (p[0] < 0x80) {
		*len = 1;
		return p[0];
	}
	if (p[0] >= 0xC2 && p[0] <= 0xDF) {
		n = 2;
		cp = p[0] & 0x1F;
	} else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		n = 3;
		cp = p[0] & 0x0F;
	} else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		n = 4;
		cp = p[0] & 0x07;
	} else {
		*len = 1;
		return U_BAD;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80) {
			*len = i;
			return U_BAD;
		}
		cp = cp << 6 | (p[i] & 0x3F);
	}
	*len = n;
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return U_BAD;
	return cp;
}

static bool
is_space_cp(uint32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0 || cp == 0x3000;
}

/* Whether s holds a character in [lo, hi]. */
static bool
has_range(const char *s, uint32_t lo, uint32_t hi)
{
	size_t		 n;
	uint32_t	 cp;

	for (; *s != '\0'; s += n) {
		cp = u8next(s, &n);
		if (cp >= lo && cp <= hi)
			return true;
	}
	return false;
}

static bool
has_cp(const char *s, uint32_t cp)
{
	return has_range(s, cp, cp);
}

static bool
has_space(const char *s)
{
	size_t n;

	for (; *s != '\0'; s += n)
		if (is_space_cp(u8next(s, &n)))
			return true;
	return false;
}

static bool
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Full-width forms of ASCII characters (Ａ, １, ＠, －, …). */
#define has_fullwidth(s)	has_range((s), 0xFF01, 0xFF5E)
#define has_fullwidth_digit(s)	has_range((s), 0xFF10, 0xFF19)

/* What every check says first: empty, malformed, spaces at either end. */
static const char *
common(const char *s)
{
	const char	*p;
	size_t		 n;
	uint32_t	 cp = 0;

	if (s == NULL || *s == '\0')
		return "不能为空";
	for (p = s; *p != '\0'; p += n)
		if ((cp = u8next(p, &n)) == U_BAD)
			return "含有无法识别的字符，请重新输入";
	if (is_space_cp(u8next(s, &n)) || is_space_cp(cp))
		return "首尾不能有空格，请删去";
	return NULL;
}

static int
beijing_year(void)
{
	return clock_year();
}

/* --- telephone numbers --- */

/* Past one separator between groups of digits: " - ", "-" or " ". */
static const char *
skip_sep(const char *p)
{
	if (strncmp(p, " - ", 3) == 0)
		return p + 3;
	if (*p == '-' || *p == ' ')
		return p + 1;
	return p;
}

/* 0 + 2 or 3 digits, a separator or none, 7 or 8 digits not starting with 0
 * or 1, then "-123" or "转123" or nothing. */
static bool
landline_ok(const char *s)
{
	const char	*p;
	size_t		 a, n;

	if (s[0] != '0' || s[1] < '1' || s[1] > '9')
		return false;
	for (a = 3; a <= 4; a++) {
		if (strspn(s, DIGITS) < a)
			break;
		p = skip_sep(s + a);
		n = strspn(p, DIGITS);
		if (n < 7 || n > 8 || *p < '2')
			continue;
		p += n;
		if (*p == '\0')
			return true;
		if (*p == '-')
			p++;
		else if (strncmp(p, "转", strlen("转")) == 0)
			p += strlen("转");
		else
			continue;
		n = strspn(p, DIGITS);
		if (n >= 1 && n <= 6 && p[n] == '\0')
			return true;
	}
	return false;
}

/* After "400" or "800": seven digits in groups, separated as above. */
static bool
service_ok(const char *p)
{
	const char	*q;
	size_t		 n, digits = 0;

	p = skip_sep(p);
	for (;;) {
		if ((n = strspn(p, DIGITS)) == 0)
			return false;
		digits += n;
		p += n;
		if (*p == '\0')
			break;
		if ((q = skip_sep(p)) == p)
			return false;
		p = q;
	}
	return digits == 7;
}

const char *
check_phone(const char *s)
{
	const char *why;

	if ((why = common(s)) != NULL)
		return why;
	if (has_cp(s, 0xFF0D) || has_range(s, 0x2010, 0x2015) || has_cp(s, 0x2212))
		return "不能使用全角或中文横线“－”“—”，请改用半角“-”，如 0571-87654321";
	if (has_fullwidth_digit(s))
		return "含有全角数字，请改用半角数字，如 0571-87654321";
	if (check_mobile(s) == NULL)
		return NULL;
	if (s[0] == '1' || s[0] == '+')
		return check_mobile(s);
	if (strncmp(s, "400", 3) == 0 || strncmp(s, "800", 3) == 0) {
		if (service_ok(s + 3))
			return NULL;
		return "格式不正确，400、800 电话应为 10 位数字，如 400-123-4567";
	}
	if (landline_ok(s))
		return NULL;
	return "格式不正确，应为区号加号码，如 0571-87654321"
	    "，分机写作 0571-87654321-123，也可填写手机号或 400 电话";
}

const char *
check_mobile(const char *s)
{
	const char	*p = s, *why;
	size_t		 n;

	if ((why = common(s)) != NULL)
		return why;
	if (has_fullwidth_digit(s))
		return "含有全角数字，请改用半角数字，如 13506818287";
	if (strncmp(p, "+86", 3) == 0)
		p += 3;
	else if (strncmp(p, "86", 2) == 0 && strlen(p) > 11)
		p += 2;
	if (p != s && (*p == ' ' || *p == '-'))
		p++;
	n = strspn(p, DIGITS);
	if (p[n] != '\0') {
		if (p[strspn(p, DIGITS " -")] == '\0')
			return "数字中间不能有空格或横线，应为连续的 11 位数字，如 13506818287";
		return "格式不正确，应为 11 位手机号，如 13506818287";
	}
	if (n != 11)
		return "应为 11 位数字，如 13506818287";
	if (p[0] != '1' || p[1] < '3' || p[1] > '9')
		return "应以 13 至 19 开头，如 13506818287";
	return NULL;
}

/* --- e-mail and web addresses --- */

static bool
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

const char *
check_email(const char *s)
{
	const char	*why, *at, *domain, *p, *label, *tld;
	size_t		 len;

	if ((why = common(s)) != NULL)
		return why;
	len = strlen(s);
	if (len > 128)
		return "不能超过 128 个字符";
	if (has_cp(s, 0xFF20))
		return "含有全角“＠”，请改用半角“@”，如 name@example.com";
	if (has_space(s))
		return "不能含有空格，如 name@example.com";
	if (!is_ascii(s)) {
		if (has_fullwidth(s) || has_cp(s, 0x3002))
			return "含有全角字符，请改用半角字母、数字和符号，如 name@example.com";
		return "只能使用英文字母、数字和 . _ - + 等符号，如 name@example.com";
	}
	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return "格式不正确，应为“用户名@域名”，如 name@example.com";
	domain = at + 1;
	if (at == s)
		return "“@”前应有用户名，如 name@example.com";
	if (*domain == '\0')
		return "“@”后应有域名，如 name@example.com";
	if (strstr(s, "..") != NULL)
		return "不能有连续的点“..”，如 name@example.com";
	if (s[0] == '.' || at[-1] == '.' || domain[0] == '.' || s[len - 1] == '.')
		return "用户名和域名的开头、结尾不能是点“.”，如 name@example.com";
	for (p = s; p < at; p++)
		if (!is_alnum(*p) && strchr("._%+-", *p) == NULL)
			return "“@”前只能使用英文字母、数字和 . _ - + %，如 name@example.com";
	if (at - s > 64)
		return "“@”前的用户名不能超过 64 个字符";
	if (strchr(domain, '.') == NULL)
		return "域名不完整，应含有点，如 qq.com、example.com.cn";
	for (p = domain; *p != '\0'; p++)
		if (!is_alnum(*p) && *p != '-' && *p != '.')
			return "“@”后的域名只能使用英文字母、数字、横线和点，如 example.com";
	for (label = domain; ; label = p + 1) {
		p = label + strcspn(label, ".");
		if (*label == '-' || p[-1] == '-' || p - label > 63)
			return "域名格式不正确，各段不能以横线开头或结尾，如 example.com";
		if (*p == '\0')
			break;
	}
	tld = strrchr(domain, '.') + 1;
	if (strlen(tld) < 2 || tld[strspn(tld, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ")] != '\0')
		return "域名后缀不正确，应如 .com、.cn、.com.cn";
	return NULL;
}

static bool
is_cjk(uint32_t cp)
{
	return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF);
}

const char *
check_url(const char *s)
{
	const char	*why, *p, *host, *end, *label;
	size_t		 n, dots = 0;
	uint32_t	 cp;
	unsigned long	 port;

	if ((why = common(s)) != NULL)
		return why;
	if (strncasecmp(s, "javascript:", 11) == 0 || strncasecmp(s, "data:", 5) == 0 ||
	    strncasecmp(s, "vbscript:", 9) == 0)
		return "不能是脚本链接，应为以 http:// 或 https:// 开头的网址，如 http://qyqbxh.com/";
	if (has_space(s))
		return "不能含有空格，如 http://qyqbxh.com/";
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			return "含有不可见的字符，请重新输入，如 http://qyqbxh.com/";
	if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (has_cp(s, 0xFF1A) || has_cp(s, 0xFF0F))
		return "“://”须为半角符号，如 http://qyqbxh.com/";
	else
		return "应以 http:// 或 https:// 开头，如 http://qyqbxh.com/";
	end = host + strcspn(host, ":/?#");
	if (end == host)
		return "缺少网站域名，如 http://qyqbxh.com/";
	if (memchr(host, '@', end - host) != NULL)
		return "不能含有用户名或“@”，只填网站地址，如 http://qyqbxh.com/";
	if (end - host > 253)
		return "域名过长，请核对，如 http://qyqbxh.com/";
	for (p = host; p < end; p += n) {
		cp = u8next(p, &n);
		if (cp == 0xFF0E || cp == 0x3002)
			return "域名中的点须为半角“.”，如 http://qyqbxh.com/";
		if (cp == '.')
			dots++;
		else if (cp >= 0x80 ? !is_cjk(cp) : (!is_alnum((char)cp) && cp != '-'))
			return "域名只能使用英文字母、数字、横线、点或汉字，如 http://qyqbxh.com/";
	}
	if (dots == 0)
		return "域名不完整，应含有点，如 http://qyqbxh.com/";
	for (label = host; label <= end; label = p + 1) {
		for (p = label; p < end && *p != '.'; p++)
			;
		if (p == label || *label == '-' || p[-1] == '-')
			return "域名格式不正确，不能有连续的点，各段不能以点或横线开头、结尾，"
			    "如 http://qyqbxh.com/";
		if (p == end)
			break;
	}
	p = end;
	if (*p == ':') {
		p++;
		n = strspn(p, DIGITS);
		port = n >= 1 && n <= 5 ? strtoul(p, NULL, 10) : 0;
		if (port < 1 || port > 65535 || (p[n] != '\0' && strchr("/?#", p[n]) == NULL))
			return "端口须为 1 到 65535 之间的数字，如 http://example.com:8080/";
		p += n;
	}
	if (strpbrk(p, "\"<>\\`") != NULL)
		return "不能含有 \" < > \\ ` 等符号，如 http://qyqbxh.com/";
	return NULL;
}

/* --- unified social credit code (GB 32100-2015) --- */

/* The 31 characters, in the order of their values 0 to 30. */
static const char	 cc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/* W_i = 3^(i-1) mod 31. */
static const int	 cc_weights[17] = {
	1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
};

#define CC_EXAMPLE	"91330100716105852F"
#define CC_BAD(n)	"第 " #n " 位的字符不允许：只能是数字或大写字母" \
			"（不用 I、O、Z、S、V），如 " CC_EXAMPLE
#define CC_DIGIT(n)	"第 " #n " 位应为数字（第 3 至 8 位是登记管理机关的行政区划码）"

static const char *const cc_bad[18] = {
	CC_BAD(1), CC_BAD(2), CC_BAD(3), CC_BAD(4), CC_BAD(5), CC_BAD(6),
	CC_BAD(7), CC_BAD(8), CC_BAD(9), CC_BAD(10), CC_BAD(11), CC_BAD(12),
	CC_BAD(13), CC_BAD(14), CC_BAD(15), CC_BAD(16), CC_BAD(17), CC_BAD(18),
};
static const char *const cc_digit[8] = {
	NULL, NULL, CC_DIGIT(3), CC_DIGIT(4), CC_DIGIT(5), CC_DIGIT(6),
	CC_DIGIT(7), CC_DIGIT(8),
};

static int
cc_value(char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(cc_chars, c)) == NULL)
		return -1;
	return p - cc_chars;
}

char
credit_code_check_char(const char first17[17])
{
	int	 i, v, sum = 0;

	for (i = 0; i < 17; i++) {
		if ((v = cc_value(first17[i])) < 0)
			return '\0';
		sum += v * cc_weights[i];
	}
	return cc_chars[(31 - sum % 31) % 31];
}

const char *
check_credit_code(const char *s)
{
	const char	*why, *p;
	size_t		 i;

	if ((why = common(s)) != NULL)
		return why;
	if (has_space(s))
		return "不能含有空格，应为连续的 18 位，如 " CC_EXAMPLE;
	if (!is_ascii(s)) {
		if (has_fullwidth(s))
			return "含有全角字符，请改用半角数字和大写字母，如 " CC_EXAMPLE;
		return "只能由数字和大写英文字母组成，如 " CC_EXAMPLE;
	}
	if (strlen(s) != 18)
		return "应为 18 位，如 " CC_EXAMPLE;
	for (p = s; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			return "字母须大写，如 " CC_EXAMPLE;
	for (i = 0; i < 18; i++)
		if (cc_value(s[i]) < 0)
			return cc_bad[i];
	for (i = 2; i < 8; i++)
		if (s[i] < '0' || s[i] > '9')
			return cc_digit[i];
	if (credit_code_check_char(s) != s[17])
		return "校验位（第 18 位）不正确，请核对";
	return NULL;
}

bool
credit_code_valid(const char *s)
{
	return s != NULL && check_credit_code(s) == NULL;
}

/* --- years and approval numbers --- */

int
valid_founded_year(long long y)
{
	return y >= 1949 && y <= beijing_year();
}

const char *
check_year_founded(const char *s)
{
	const char *why;

	if ((why = common(s)) != NULL)
		return why;
	if (has_fullwidth_digit(s))
		return "含有全角数字，请改用半角数字，如 2015";
	if (strlen(s) != 4 || strspn(s, DIGITS) != 4)
		return "应为 4 位数字，如 2015";
	if (!valid_founded_year(atoi(s)))
		return "应在 1949 年到今年之间，如 2015";
	return NULL;
}

static const struct {
	uint32_t	 open, close;
} brackets[] = {
	{ '{', '}' }, { '[', ']' }, { '(', ')' },
	{ 0x3014, 0x3015 },	/* 〔〕 */
	{ 0xFF08, 0xFF09 },	/* （） */
	{ 0x3010, 0x3011 },	/* 【】 */
};

/* At p, just past an opening bracket: a year, the closing bracket, "第"
 * or not, a number and "号".  The year, or -1. */
static int
approval_at(const char *p, uint32_t close)
{
	size_t	 n;
	int	 year;

	if (strspn(p, DIGITS) != 4)
		return -1;
	year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	p += 4;
	if (u8next(p, &n) != close)
		return -1;
	p += n;
	if (strncmp(p, "第", strlen("第")) == 0)
		p += strlen("第");
	n = strspn(p, DIGITS);
	if (n < 1 || n > 6 || strncmp(p + n, "号", strlen("号")) != 0)
		return -1;
	return year;
}

const char *
check_approval_no(const char *s)
{
	const char	*why, *p;
	size_t		 n, chars = 0, i;
	uint32_t	 cp;
	int		 year;
	bool		 bad_year = false;

	if ((why = common(s)) != NULL)
		return why;
	for (p = s; *p != '\0'; p += n, chars++)
		u8next(p, &n);
	if (chars > 64)
		return "不能超过 64 个字";
	if (has_fullwidth_digit(s))
		return "含有全角数字，请改用半角数字，如 {2015}3号";
	for (p = s; *p != '\0'; p += n) {
		cp = u8next(p, &n);
		for (i = 0; i < sizeof(brackets) / sizeof(brackets[0]); i++) {
			if (cp != brackets[i].open)
				continue;
			if ((year = approval_at(p + n, brackets[i].close)) < 0)
				break;
			if (valid_founded_year(year))
				return NULL;
			bad_year = true;
		}
	}
	if (bad_year)
		return "中的年份不正确，应在 1949 年到今年之间，如 {2015}3号";
	return "格式不正确，应含有括号括起的年份、序号和“号”字，如 {2015}3号";
}
