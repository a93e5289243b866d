/* yujing — unit tests: the field checks for telephone and mobile numbers,
 * e-mail and web addresses, credit codes, founding years and approval
 * numbers (core/validators.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "validators.h"

/* The message is there and says frag. */
#define assert_msg(msg, frag) do {					\
	const char *m_ = (msg);						\
	assert_non_null(m_);						\
	if (strstr(m_, (frag)) == NULL)					\
		fail_msg("\"%s\" does not say \"%s\"", m_, (frag));	\
} while (0)

/* A string of n copies of c, to be freed. */
static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static int
this_year(void)
{
	time_t		 t = time(NULL) + 8 * 3600;
	struct tm	 tm;

	assert_non_null(gmtime_r(&t, &tm));
	return tm.tm_year + 1900;
}

/* --- telephone --- */

static void
test_phone_landlines(void **state)
{
	assert_null(check_phone("0571-87654321"));
	assert_null(check_phone("0578 - 6011987"));	/* seed data */
	assert_null(check_phone("0578 6011987"));
	assert_null(check_phone("057187654321"));
	assert_null(check_phone("010-62345678"));
	assert_null(check_phone("021 52345678"));
	assert_null(check_phone("0571-87654321-123"));
	assert_null(check_phone("0571-87654321转8021"));
	assert_null(check_phone("0574-2345678"));
}

static void
test_phone_landlines_rejected(void **state)
{
	assert_msg(check_phone("87654321"), "如 0571-87654321");
	assert_msg(check_phone("0571-876543"), "区号加号码");	/* 6 digits */
	assert_msg(check_phone("0571-876543210"), "区号加号码");	/* 9 digits */
	assert_msg(check_phone("0571--87654321"), "区号加号码");
	assert_msg(check_phone("0571-87654321-"), "区号加号码");
	assert_msg(check_phone("0571-87654321-1234567"), "区号加号码");
	assert_msg(check_phone("0571/87654321"), "区号加号码");
	assert_msg(check_phone("(0571)87654321"), "区号加号码");
	assert_msg(check_phone("0571-87654321,0571-87654322"), "区号加号码");
	assert_msg(check_phone("00571-87654321"), "区号加号码");
	assert_msg(check_phone("010-12345678"), "区号加号码");	/* starts 1 */
	assert_msg(check_phone("0571-07654321"), "区号加号码");
}

static void
test_phone_fullwidth_rejected(void **state)
{
	assert_msg(check_phone("0571－87654321"), "半角“-”");
	assert_msg(check_phone("0571—87654321"), "半角“-”");
	assert_msg(check_phone("０５７１-８７６５４３２１"), "全角数字");
	assert_msg(check_phone("杭州市87654321"), "如 0571-87654321");
}

static void
test_phone_spaces_at_ends_rejected(void **state)
{
	assert_msg(check_phone(" 0571-87654321"), "首尾不能有空格");
	assert_msg(check_phone("0571-87654321 "), "首尾不能有空格");
	assert_msg(check_phone("0571-87654321\xe3\x80\x80"), "首尾不能有空格");
}

static void
test_phone_service_and_mobile(void **state)
{
	assert_null(check_phone("400-123-4567"));
	assert_null(check_phone("800-123-4567"));
	assert_null(check_phone("4001234567"));
	assert_null(check_phone("400 8888 999"));
	assert_msg(check_phone("400-123-456"), "400-123-4567");
	assert_msg(check_phone("400-123-45678"), "400-123-4567");
	assert_msg(check_phone("400-123-4567-"), "400-123-4567");
	assert_null(check_phone("13506818287"));	/* seed data */
	assert_null(check_phone("+86 13506818287"));
	/* What looks like a mobile number gets the mobile message. */
	assert_msg(check_phone("1350681828"), "11 位");
}

/* --- mobile --- */

static void
test_mobile(void **state)
{
	assert_null(check_mobile("13506818287"));
	assert_null(check_mobile("19912345678"));
	assert_null(check_mobile("+8613506818287"));
	assert_null(check_mobile("+86 13506818287"));
	assert_null(check_mobile("+86-13506818287"));
	assert_null(check_mobile("8613506818287"));
	assert_null(check_mobile("86 13506818287"));
	assert_msg(check_mobile("1350681828"), "应为 11 位数字");
	assert_msg(check_mobile("135068182870"), "应为 11 位数字");
	assert_msg(check_mobile("12506818287"), "13 至 19 开头");
	assert_msg(check_mobile("23506818287"), "13 至 19 开头");
	assert_msg(check_mobile("135 0681 8287"), "中间不能有空格或横线");
	assert_msg(check_mobile("135-0681-8287"), "中间不能有空格或横线");
	assert_msg(check_mobile("+86  13506818287"), "中间不能有空格或横线");
	assert_msg(check_mobile("１３５０６８１８２８７"), "全角数字");
	assert_msg(check_mobile("手机13506818287"), "如 13506818287");
	assert_msg(check_mobile("0571-87654321"), "如 13506818287");
	assert_msg(check_mobile(" 13506818287"), "首尾不能有空格");
}

/* --- e-mail --- */

static void
test_email_accepted(void **state)
{
	assert_null(check_email("1531300734@qq.com"));	/* seed data */
	assert_null(check_email("name@example.com"));
	assert_null(check_email("zhang.san+trade@zj-commerce.gov.cn"));
	assert_null(check_email("a_b%c@mail.example.com.cn"));
}

static void
test_email_rejected(void **state)
{
	assert_msg(check_email("1531300734qq.com"), "用户名@域名");
	assert_msg(check_email("a@b@qq.com"), "用户名@域名");
	assert_msg(check_email("@qq.com"), "“@”前应有用户名");
	assert_msg(check_email("name@"), "“@”后应有域名");
	assert_msg(check_email("name@qq"), "应含有点");
	assert_msg(check_email("na..me@qq.com"), "连续的点");
	assert_msg(check_email("name@qq..com"), "连续的点");
	assert_msg(check_email(".name@qq.com"), "不能是点");
	assert_msg(check_email("name.@qq.com"), "不能是点");
	assert_msg(check_email("name@.qq.com"), "不能是点");
	assert_msg(check_email("name@qq.com."), "不能是点");
	assert_msg(check_email("na me@qq.com"), "不能含有空格");
	assert_msg(check_email("name@qq.com "), "首尾不能有空格");
	assert_msg(check_email("name＠qq.com"), "全角“＠”");
	assert_msg(check_email("张三@qq.com"), "英文字母");
	assert_msg(check_email("name@qq。com"), "全角字符");
	assert_msg(check_email("na<me>@qq.com"), "英文字母、数字");
	assert_msg(check_email("name@q_q.com"), "域名只能使用");
	assert_msg(check_email("name@-qq.com"), "横线");
	assert_msg(check_email("name@qq.c"), "后缀");
	assert_msg(check_email("name@qq.123"), "后缀");
}

static void
test_email_length(void **state)
{
	char	*local, *label, addr[200];

	/* 128 bytes in all pass, 129 do not. */
	local = repeat('a', 64);
	label = repeat('b', 128 - 64 - strlen("@.example.com"));
	snprintf(addr, sizeof(addr), "%s@%s.example.com", local, label);
	assert_int_equal(strlen(addr), 128);
	assert_null(check_email(addr));
	snprintf(addr, sizeof(addr), "%s@%sb.example.com", local, label);
	assert_msg(check_email(addr), "不能超过 128 个字符");
	free(label);
	free(local);
	local = repeat('a', 65);
	snprintf(addr, sizeof(addr), "%s@qq.com", local);
	assert_msg(check_email(addr), "不能超过 64 个字符");
	free(local);
}

/* --- web addresses --- */

static void
test_url_accepted(void **state)
{
	assert_null(check_url("http://qyqbxh.com/"));	/* seed data */
	assert_null(check_url("http://qyqbxh.com"));
	assert_null(check_url("https://www.zcom.gov.cn/col/col1229080140/index.html"));
	assert_null(check_url("HTTPS://www.example.com.cn:8443/a?b=1&c=%E4%B8%AD#top"));
	assert_null(check_url("http://浙江商务.中国/"));
	assert_null(check_url("http://www.example.com/新闻/列表"));
	assert_null(check_url("http://192.168.1.10:8080/"));
}

static void
test_url_rejected(void **state)
{
	assert_msg(check_url("javascript:alert(1)"), "脚本链接");
	assert_msg(check_url("JavaScript:alert(1)"), "脚本链接");
	assert_msg(check_url("www.qyqbxh.com"), "应以 http:// 或 https:// 开头");
	assert_msg(check_url("ftp://qyqbxh.com/"), "应以 http:// 或 https:// 开头");
	assert_msg(check_url("http：//qyqbxh.com/"), "半角");
	assert_msg(check_url("http://qyqbxh.com/a b"), "不能含有空格");
	assert_msg(check_url("http://qyqbxh.com/\xe3\x80\x80x"), "不能含有空格");
	assert_msg(check_url(" http://qyqbxh.com/"), "首尾不能有空格");
	assert_msg(check_url("http://"), "缺少网站域名");
	assert_msg(check_url("http:///path"), "缺少网站域名");
	assert_msg(check_url("http://localhost/"), "应含有点");
	assert_msg(check_url("http://qyqbxh..com/"), "域名格式不正确");
	assert_msg(check_url("http://.qyqbxh.com/"), "域名格式不正确");
	assert_msg(check_url("http://-qyqbxh.com/"), "域名格式不正确");
	assert_msg(check_url("http://qyqbxh_x.com/"), "域名只能使用");
	assert_msg(check_url("http://qyqbxh。com/"), "半角“.”");
	assert_msg(check_url("http://user@evil.com/"), "“@”");
	assert_msg(check_url("http://qyqbxh.com:0/"), "端口");
	assert_msg(check_url("http://qyqbxh.com:65536/"), "端口");
	assert_msg(check_url("http://qyqbxh.com:80a/"), "端口");
	assert_null(check_url("http://qyqbxh.com:65535/"));
	assert_msg(check_url("http://qyqbxh.com/\"><script>"), "符号");
	assert_msg(check_url("http://qyqbxh.com/\tx"), "空格");
}

/* --- credit codes --- */

/* Published codes of real organisations; each verifies with the standard's
 * weights. */
static const char *const real_codes[] = {
	"91330100716105852F",	/* 阿里巴巴（中国）有限公司 */
	"914403001922038216",	/* 华为技术有限公司 */
	"91440300708461136T",	/* 深圳市腾讯计算机系统有限公司 */
	"91110000600037341L",
	"121200004013590816",	/* registered by 机构编制 (first 1) */
	"91310115MA1K3BTP2B",	/* letters in the organisation code */
	"91620105L015101280",
	"913304007429141869",	/* Jiaxing (3304) */
	"9144030071526726XG",
};

static void
test_credit_code_real(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(real_codes) / sizeof(real_codes[0]); i++) {
		if (check_credit_code(real_codes[i]) != NULL)
			fail_msg("%s: %s", real_codes[i], check_credit_code(real_codes[i]));
		assert_true(credit_code_valid(real_codes[i]));
		assert_int_equal(credit_code_check_char(real_codes[i]), real_codes[i][17]);
	}
}

static void
test_credit_code_check_char(void **state)
{
	char	 code[19];
	char	 c;

	/* The generator's use: 17 characters in, the 18th computed. */
	memcpy(code, "91330000MA27U0000", 17);
	c = credit_code_check_char(code);
	assert_int_not_equal(c, '\0');
	assert_non_null(strchr("0123456789ABCDEFGHJKLMNPQRTUWXY", c));
	code[17] = c;
	code[18] = '\0';
	assert_true(credit_code_valid(code));
	assert_int_equal(credit_code_check_char("91330100716105852"), 'F');
	/* A check value of 0 (31 - 0 mod 31 = 31) maps to '0'. */
	assert_int_equal(credit_code_check_char("00000000000000000"), '0');
	assert_int_equal(credit_code_check_char("10000000000000000"), 'Y');
	/* Outside the set: no check character. */
	assert_int_equal(credit_code_check_char("9133010071610585I"), '\0');
	assert_int_equal(credit_code_check_char("9133010071610585a"), '\0');
}

static void
test_credit_code_rejected(void **state)
{
	assert_msg(check_credit_code("91330100716105852E"), "校验位（第 18 位）不正确，请核对");
	assert_false(credit_code_valid("91330100716105852E"));
	assert_msg(check_credit_code("914403001922038217"), "校验位");
	assert_msg(check_credit_code("91330100716105852"), "应为 18 位");
	assert_msg(check_credit_code("91330100716105852FF"), "应为 18 位");
	assert_msg(check_credit_code("913301007161058"), "应为 18 位");
	assert_msg(check_credit_code("91330100716105852f"), "字母须大写");
	assert_msg(check_credit_code("91310115ma1k3btp2b"), "字母须大写");
	assert_msg(check_credit_code("9133010071610585IF"), "第 17 位");
	assert_msg(check_credit_code("O1330100716105852F"), "第 1 位");
	assert_msg(check_credit_code("91330100716105852Z"), "第 18 位");
	assert_msg(check_credit_code("9133010071610585-F"), "第 17 位");
	assert_msg(check_credit_code("91A30100716105852F"), "第 3 位应为数字");
	assert_msg(check_credit_code("913301A0716105852F"), "第 7 位应为数字");
	assert_msg(check_credit_code("9133 0100716105852F"), "不能含有空格");
	assert_msg(check_credit_code("９１３３０１００７１６１０５８５２Ｆ"), "全角");
	assert_msg(check_credit_code("统一社会信用代码"), "数字和大写英文字母");
	assert_msg(check_credit_code("91330100716105852F "), "首尾不能有空格");
	assert_false(credit_code_valid(""));
	assert_false(credit_code_valid(NULL));
}

/* --- founding years --- */

static void
test_year_founded(void **state)
{
	char	 y[16];
	int	 now = this_year();

	assert_null(check_year_founded("1949"));
	assert_null(check_year_founded("2015"));
	snprintf(y, sizeof(y), "%d", now);
	assert_null(check_year_founded(y));
	snprintf(y, sizeof(y), "%d", now + 1);
	assert_msg(check_year_founded(y), "1949 年到今年之间");
	assert_msg(check_year_founded("1948"), "1949 年到今年之间");
	assert_msg(check_year_founded("0000"), "1949 年到今年之间");
	assert_msg(check_year_founded("15"), "4 位数字");
	assert_msg(check_year_founded("20150"), "4 位数字");
	assert_msg(check_year_founded("2015年"), "4 位数字");
	assert_msg(check_year_founded("-201"), "4 位数字");
	assert_msg(check_year_founded("２０１５"), "全角数字");
	assert_msg(check_year_founded(" 2015"), "首尾不能有空格");

	assert_true(valid_founded_year(1949));
	assert_true(valid_founded_year(now));
	assert_false(valid_founded_year(1948));
	assert_false(valid_founded_year(now + 1));
	assert_false(valid_founded_year(-2015));
	assert_false(valid_founded_year(1LL << 40));
}

/* --- approval numbers --- */

static void
test_approval_no(void **state)
{
	assert_null(check_approval_no("{2015}3号"));	/* seed data */
	assert_null(check_approval_no("〔2015〕3号"));
	assert_null(check_approval_no("[2015]3号"));
	assert_null(check_approval_no("（2015）3号"));
	assert_null(check_approval_no("浙商务〔2015〕12号"));
	assert_null(check_approval_no("浙民〔2015〕第12号"));
	assert_null(check_approval_no("杭民政批〔2009〕108号（复函）"));

	assert_msg(check_approval_no("2015年3号"), "如 {2015}3号");
	assert_msg(check_approval_no("{2015}3"), "如 {2015}3号");
	assert_msg(check_approval_no("{2015}号"), "如 {2015}3号");
	assert_msg(check_approval_no("{15}3号"), "如 {2015}3号");
	assert_msg(check_approval_no("{2015]3号"), "如 {2015}3号");
	assert_msg(check_approval_no("〔2015〕3"), "如 {2015}3号");
	assert_msg(check_approval_no("{1900}3号"), "年份不正确");
	assert_msg(check_approval_no("{2999}3号"), "年份不正确");
	assert_msg(check_approval_no("{２０１５}3号"), "全角数字");
	assert_msg(check_approval_no(" {2015}3号"), "首尾不能有空格");
}

static void
test_approval_no_length(void **state)
{
	char	 s[512];
	size_t	 i;

	/* 64 characters pass (Chinese ones counted as one), 65 do not. */
	s[0] = '\0';
	for (i = 0; i < 56; i++)
		strcat(s, "浙");
	strcat(s, "{2015}3号");
	assert_null(check_approval_no(s));
	strcat(s, "附");
	assert_msg(check_approval_no(s), "不能超过 64 个字");
}

/* --- all of them --- */

static const char *(*const checks[])(const char *) = {
	check_phone, check_mobile, check_email, check_url, check_credit_code,
	check_year_founded, check_approval_no,
};
#define NCHECKS (sizeof(checks) / sizeof(checks[0]))

static void
test_empty_string_rejected(void **state)
{
	size_t i;

	for (i = 0; i < NCHECKS; i++)
		assert_msg(checks[i](""), "不能为空");
}

static void
test_very_long_input_rejected(void **state)
{
	const char	*fill = "0123456789aA.-@/:{}〔〕号";
	char		*s;
	size_t		 i, n = 100000;

	s = repeat('9', n);
	for (i = 0; i < NCHECKS; i++)
		assert_non_null(checks[i](s));
	free(s);
	/* A long mixture of what the checks look for. */
	s = malloc(strlen("http://a.b/") + 1000 * strlen(fill) + 1);
	assert_non_null(s);
	strcpy(s, "http://a.b/");
	for (i = 0; i < 1000; i++)
		strcat(s, fill);
	for (i = 0; i < NCHECKS; i++)
		if (checks[i] != check_url)
			assert_non_null(checks[i](s));
	assert_null(check_url(s));	/* a long path is a fine web address */
	free(s);
	s = repeat('a', 3000);
	memcpy(s, "http://", 7);
	assert_msg(check_url(s), "域名过长");
	free(s);
}

static void
test_malformed_utf8_rejected(void **state)
{
	size_t i;

	for (i = 0; i < NCHECKS; i++) {
		assert_msg(checks[i]("0571-\xe4\xb8"), "无法识别");
		assert_msg(checks[i]("\xff"), "无法识别");
		assert_msg(checks[i]("\xc0\xaf"), "无法识别");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_landlines),
		cmocka_unit_test(test_phone_landlines_rejected),
		cmocka_unit_test(test_phone_fullwidth_rejected),
		cmocka_unit_test(test_phone_spaces_at_ends_rejected),
		cmocka_unit_test(test_phone_service_and_mobile),
		cmocka_unit_test(test_mobile),
		cmocka_unit_test(test_email_accepted),
		cmocka_unit_test(test_email_rejected),
		cmocka_unit_test(test_email_length),
		cmocka_unit_test(test_url_accepted),
		cmocka_unit_test(test_url_rejected),
		cmocka_unit_test(test_credit_code_real),
		cmocka_unit_test(test_credit_code_check_char),
		cmocka_unit_test(test_credit_code_rejected),
		cmocka_unit_test(test_year_founded),
		cmocka_unit_test(test_approval_no),
		cmocka_unit_test(test_approval_no_length),
		cmocka_unit_test(test_empty_string_rejected),
		cmocka_unit_test(test_very_long_input_rejected),
		cmocka_unit_test(test_malformed_utf8_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
