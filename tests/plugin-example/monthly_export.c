/*
 * monthly_export 月度出口统计 — a report type added without touching
 * yujing: a warning point reports its industry's exports of one month.
 *
 * Built out of tree against the installed header, as any plugin is:
 *
 *	cc $(pkg-config --cflags yujing-plugin) -shared -fPIC \
 *	    -o monthly_export.so monthly_export.c
 *	cp monthly_export.so $(pkg-config --variable=plugindir yujing-plugin)
 *	yujing plugins check $(pkg-config --variable=plugindir yujing-plugin)
 *
 * then restart yujing: GET /api/report-types lists it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <yujing-plugin.h>

/* An amount in 万美元 (ten thousand US dollars): digits, at most two
 * decimals, no sign. */
static const char *
amount(const char *s)
{
	size_t	 whole = strspn(s, "0123456789"), frac = 0;

	if (s[whole] == '.')
		frac = strspn(s + whole + 1, "0123456789");
	if (whole == 0 || whole > 12 || (s[whole] == '.' && (frac == 0 || frac > 2)) ||
	    s[whole + (s[whole] == '.' ? frac + 1 : 0)] != '\0')
		return "须为不带符号的金额（万美元），最多两位小数，如 1234.56";
	return NULL;
}

static const struct yj_field fields[] = {
	{ .name = "year", .label = "年度", .type = YJ_FIELD_INT, .required = 1,
	  .min = 2000, .max = 2100 },
	{ .name = "month", .label = "月份", .type = YJ_FIELD_INT, .required = 1,
	  .min = 1, .max = 12 },
	{ .name = "value", .label = "出口额（万美元）", .type = YJ_FIELD_TEXT, .required = 1,
	  .max_length = 16, .check = amount },
	{ .name = "markets", .label = "主要出口市场", .type = YJ_FIELD_LIST_OF_TEXT,
	  .max_length = 32, .max = 10 },
	{ .name = "note", .label = "备注", .type = YJ_FIELD_LONGTEXT, .max_length = 2000 },
};

static const struct yj_host *host;

/* A month is reported once it has begun (Beijing time). */
static int
validate(const struct yj_host *h, const struct yj_record *rec, struct yj_error *err)
{
	const struct yj_value	*year = h->value(rec, "year"), *month = h->value(rec, "month");
	time_t			 now = time(NULL) + 8 * 3600;
	struct tm		 tm;

	gmtime_r(&now, &tm);
	if (year->num * 12 + month->num > (tm.tm_year + 1900) * 12LL + tm.tm_mon + 1) {
		err->code = YJ_ERR_INVALID;
		snprintf(err->field, sizeof(err->field), "month");
		snprintf(err->message, sizeof(err->message), "月份不能晚于本月（%d 年 %d 月）",
		    tm.tm_year + 1900, tm.tm_mon + 1);
		return -1;
	}
	return 0;
}

static int
init(const struct yj_host *h)
{
	host = h;
	host->log(YJ_LOG_INFO, "monthly_export ready (host plugin ABI %u.%u)",
	    h->abi_major, h->abi_minor);
	return 0;
}

static const struct yj_report_type types[] = {
	{ .name = "monthly_export", .label = "月度出口统计", .fields = fields,
	  .nfields = YJ_COUNT(fields), .submit_roles = YJ_ROLE_POINT,
	  .validate = validate },
};

YJ_PLUGIN(.name = "monthly_export", .version = "0.1", .init = init,
    .types = types, .ntypes = YJ_COUNT(types));
