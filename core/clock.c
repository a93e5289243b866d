/* yujing — Beijing time from one function (see clock.h). */
#include "clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#define BEIJING_OFFSET (8 * 3600)

/* 0: the system clock; else the instant clock_set() fixed. */
static _Atomic long long fixed;

time_t
clock_now(void)
{
	long long f = atomic_load(&fixed);

	return f != 0 ? (time_t)f : time(NULL);
}

void
clock_beijing(struct tm *tm)
{
	time_t t = clock_now() + BEIJING_OFFSET;

	if (gmtime_r(&t, tm) == NULL)
		memset(tm, 0, sizeof(*tm));
}

int
clock_year(void)
{
	struct tm tm;

	clock_beijing(&tm);
	return tm.tm_year + 1900;
}

void
clock_text(char out[CLOCK_TEXT_SIZE])
{
	struct tm tm;

	clock_beijing(&tm);
	strftime(out, CLOCK_TEXT_SIZE, "%Y-%m-%d %H:%M:%S", &tm);
}

void
clock_iso(char out[32])
{
	struct tm tm;

	clock_beijing(&tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

void
clock_set(time_t t)
{
	atomic_store(&fixed, (long long)t);
}

void
clock_reset(void)
{
	atomic_store(&fixed, 0);
}

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
clock_parse(const char *s, time_t *t)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	 y, mo, d, h, mi, se, n = 0, i;
	long long days;

	if (s == NULL || strlen(s) != 19 || (s[10] != ' ' && s[10] != 'T') ||
	    sscanf(s, "%4d-%2d-%2d%*c%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
		return -1;
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 || se > 59 ||
	    h < 0 || mi < 0 || se < 0)
		return -1;
	days = 0;
	for (i = 1970; i < y; i++)
		days += leap(i) ? 366 : 365;
	for (i = 1; i < mo; i++)
		days += mdays[i - 1] + (i == 2 && leap(y));
	days += d - 1;
	*t = (time_t)(days * 86400 + h * 3600 + mi * 60 + se - BEIJING_OFFSET);
	return 0;
}
