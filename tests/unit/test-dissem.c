/* yujing — unit tests: the pieces of dissemination that need no server:
 * mail encoding (RFC 2047 subjects, base64 bodies, the headers of a
 * message), robot markdown within its size limit, channel URL checks and
 * private ranges, and subscription filters.  Sending itself is tested over
 * HTTP against real receivers (tests/http/test_dissemination.py). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "buf.h"
#include "channels.h"
#include "mail.h"
#include "publication.h"

/* The decoded text of every =?UTF-8?B?...?= word of h, concatenated. */
static void
decode_words(const char *h, char *out, size_t outsz)
{
	const char	*p = h, *e;
	size_t		 len, n = 0;

	out[0] = '\0';
	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		p += 10;
		e = strstr(p, "?=");
		assert_non_null(e);
		assert_int_equal(sodium_base642bin((unsigned char *)out + n, outsz - n - 1, p, (size_t)(e - p),
		    NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
		n += len;
		out[n] = '\0';
		p = e + 2;
	}
}

static void
test_header_words_decode_to_the_subject(void **state)
{
	const char	*subj = "【贸易预警】欧盟对华电动自行车反倾销立案调查的最新进展与企业应对建议汇总";
	struct buf	 b = { 0 };
	char		 back[1024], *line, *save;

	(void)state;
	mail_encode_header(&b, subj);
	buf_puts(&b, "");
	decode_words(b.data, back, sizeof(back));
	assert_string_equal(back, subj);
	/* Each encoded word at most 75 characters; lines folded with CRLF SP. */
	for (line = strtok_r(b.data, "\r\n", &save); line != NULL; line = strtok_r(NULL, "\r\n", &save)) {
		char *w = strstr(line, "=?UTF-8?B?");

		assert_non_null(w);
		assert_true(strlen(w) <= 75);
	}
	buf_free(&b);
	mail_encode_header(&b, "Weekly digest");
	buf_puts(&b, "");
	assert_string_equal(b.data, "Weekly digest");
	buf_free(&b);
}

static void
test_base64_lines_round_trip(void **state)
{
	unsigned char	 data[1000], back[1000];
	struct buf	 b = { 0 }, flat = { 0 };
	const char	*p;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 7 + 3);
	mail_base64_lines(&b, data, sizeof(data));
	buf_puts(&b, "");
	for (p = b.data; *p; ) {
		const char *e = strstr(p, "\r\n");
		size_t n = e ? (size_t)(e - p) : strlen(p);

		assert_true(n <= 76);
		buf_add(&flat, p, n);
		p += n + (e ? 2 : 0);
	}
	buf_puts(&flat, "");
	assert_int_equal(sodium_base642bin(back, sizeof(back), flat.data, flat.len, NULL, &len, NULL,
	    sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(back, data, sizeof(data));
	buf_free(&b);
	buf_free(&flat);
}

static void
test_message_headers_and_parts(void **state)
{
	struct mail_settings	 s = { .smtp_url = "smtp://127.0.0.1:2525", .from = "noreply@example.gov.cn" };
	struct mail_msg		 m = { .to = "buyer@example.com", .subject = "【贸易预警】测试",
	    .text = "正文\n第二行", .html = "<p>正文</p>",
	    .unsubscribe = "https://yj.example.gov.cn/api/public/subscriptions/unsubscribe?token=abc",
	    .id_seed = "w:1:buyer@example.com" };
	struct buf		 a = { 0 }, b = { 0 };
	const char		*p, *id1, *id2;
	size_t			 i;

	(void)state;
	mail_build(&s, &m, &a);
	buf_puts(&a, "");
	assert_non_null(strstr(a.data, "From: "));
	assert_non_null(strstr(a.data, "noreply@example.gov.cn"));
	assert_non_null(strstr(a.data, "To: <buyer@example.com>") ? a.data : strstr(a.data, "To: buyer@example.com"));
	assert_non_null(strstr(a.data, "\r\nSubject: =?UTF-8?B?"));
	assert_non_null(strstr(a.data, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(a.data, "multipart/alternative"));
	assert_non_null(strstr(a.data, "text/plain; charset=UTF-8") ? a.data : strstr(a.data, "text/plain; charset=\"UTF-8\""));
	assert_non_null(strstr(a.data, "text/html"));
	assert_non_null(strstr(a.data, "\r\nList-Unsubscribe: <https://yj.example.gov.cn/api/public/"
	    "subscriptions/unsubscribe?token=abc>\r\n"));
	assert_non_null(strstr(a.data, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
	assert_non_null(strstr(a.data, "\r\nDate: "));
	/* CRLF line ends only: no bare LF, no bare CR. */
	for (i = 0; i < a.len; i++) {
		if (a.data[i] == '\n')
			assert_int_equal(a.data[i - 1], '\r');
		if (a.data[i] == '\r')
			assert_int_equal(a.data[i + 1], '\n');
	}
	/* The same row sent again has the same Message-ID (receivers can
	 * drop the second); another recipient another. */
	mail_build(&s, &m, &b);
	buf_puts(&b, "");
	id1 = strstr(a.data, "Message-ID: ");
	id2 = strstr(b.data, "Message-ID: ");
	assert_non_null(id1);
	assert_non_null(id2);
	assert_memory_equal(id1, id2, (size_t)(strstr(id1, "\r\n") - id1));
	buf_free(&b);
	m.id_seed = "w:1:other@example.com";
	m.unsubscribe = NULL;
	mail_build(&s, &m, &b);
	buf_puts(&b, "");
	id2 = strstr(b.data, "Message-ID: ");
	assert_true(memcmp(id1, id2, (size_t)(strstr(id1, "\r\n") - id1)) != 0);
	assert_null(strstr(b.data, "List-Unsubscribe"));
	/* A header cannot be injected through the subject. */
	buf_free(&b);
	m.subject = "标题\r\nBcc: victim@example.com";
	mail_build(&s, &m, &b);
	buf_puts(&b, "");
	for (p = b.data; (p = strstr(p, "\r\nBcc:")) != NULL; p++)
		fail_msg("a Bcc header came through the subject");
	buf_free(&a);
	buf_free(&b);
}

static json_t *
warning(const char *content)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:s}",
	    "title", "欧盟对华陶瓷餐具反倾销", "country", "EU", "country_name", "欧盟",
	    "industry", "LIGHT", "industry_name", "轻工", "measure_type_name", "反倾销",
	    "point_name", "建德精细化工产品对外贸易预警示范点", "published_at", "2026-12-07T10:00:00+08:00",
	    "hs_codes", "6911", "content", content);
}

static void
test_markdown_fits_and_keeps_the_link(void **state)
{
	struct buf	 b = { 0 }, big = { 0 };
	json_t		*w;
	size_t		 i;

	(void)state;
	for (i = 0; i < 600; i++)
		buf_puts(&big, "欧盟委员会发布公告，对原产于中国的产品发起调查。");
	buf_puts(&big, "");
	w = warning(big.data);
	channel_markdown(w, "https://yj.example.gov.cn/warnings/7", WECOM_MAX_BYTES, &b);
	buf_puts(&b, "");
	assert_true(b.len <= WECOM_MAX_BYTES);
	assert_true(b.len > WECOM_MAX_BYTES - 200);	/* it uses the room it has */
	assert_non_null(strstr(b.data, "### 【贸易预警】欧盟对华陶瓷餐具反倾销"));
	assert_non_null(strstr(b.data, "[查看全文](https://yj.example.gov.cn/warnings/7)"));
	assert_non_null(strstr(b.data, "内容较长"));
	/* Valid UTF-8: jansson refuses anything else. */
	json_t *s = json_string(b.data);
	assert_non_null(s);
	json_decref(s);
	buf_free(&b);
	json_decref(w);
	w = warning("短内容。");
	channel_markdown(w, "https://x/warnings/8", DINGTALK_MAX_BYTES, &b);
	buf_puts(&b, "");
	assert_non_null(strstr(b.data, "短内容。"));
	assert_null(strstr(b.data, "内容较长"));
	buf_free(&b);
	json_decref(w);
	buf_free(&big);
}

static void
test_channel_urls(void **state)
{
	char	 longurl[2300];

	(void)state;
	assert_null(channel_url_check("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", ""));
	assert_null(channel_url_check("https://oapi.dingtalk.com/robot/send?access_token=x", ""));
	assert_non_null(channel_url_check("ftp://example.com/", ""));
	assert_non_null(channel_url_check("javascript:alert(1)", ""));
	assert_non_null(channel_url_check("http://127.0.0.1:9/x", ""));
	assert_null(channel_url_check("http://127.0.0.1:9/x", "127.0.0.1"));
	assert_non_null(channel_url_check("http://127.0.0.1:9/x", "10.0.0.1,192.168.1.1"));
	assert_null(channel_url_check("http://10.0.0.1/x", "127.0.0.1, 10.0.0.1"));
	assert_non_null(channel_url_check("http://localhost/x", ""));
	assert_non_null(channel_url_check("http://[::1]/x", ""));
	assert_non_null(channel_url_check("http://169.254.169.254/latest/meta-data", ""));
	assert_non_null(channel_url_check("http://user:pw@example.com/", ""));
	memset(longurl, 'a', sizeof(longurl) - 1);
	memcpy(longurl, "https://example.com/", 20);
	longurl[sizeof(longurl) - 1] = '\0';
	assert_non_null(channel_url_check(longurl, ""));
}

static void
test_private_ranges(void **state)
{
	static const char *const priv[] = { "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.3.4",
	    "127.0.0.1", "127.8.9.10", "169.254.1.1", "0.0.0.0", "100.64.0.1", "::1", "::", "fc00::1",
	    "fd12:3456::1", "fe80::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1" };
	static const char *const pub[] = { "8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1",
	    "203.119.0.1", "2001:4860:4860::8888", "::ffff:8.8.8.8" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(priv) / sizeof(priv[0]); i++)
		if (!ip_is_private(priv[i]))
			fail_msg("%s should be private", priv[i]);
	for (i = 0; i < sizeof(pub) / sizeof(pub[0]); i++)
		if (ip_is_private(pub[i]))
			fail_msg("%s should be public", pub[i]);
}

static void
test_filters(void **state)
{
	json_t *w = warning("x"), *f;

	(void)state;
	json_object_set_new(w, "measure_type", json_string("AD"));
	json_array_append_new(json_object_get(w, "hs_codes"), json_string("691200"));
	f = json_loads("{}", 0, NULL);
	assert_true(pub_filters_match(f, w));			/* empty: all */
	json_decref(f);
	f = json_loads("{\"countries\":[],\"industries\":[],\"measure_types\":[],\"hs_prefixes\":[]}", 0, NULL);
	assert_true(pub_filters_match(f, w));
	json_decref(f);
	f = json_loads("{\"countries\":[\"US\",\"EU\"]}", 0, NULL);
	assert_true(pub_filters_match(f, w));
	json_decref(f);
	f = json_loads("{\"countries\":[\"US\"]}", 0, NULL);
	assert_false(pub_filters_match(f, w));
	json_decref(f);
	f = json_loads("{\"countries\":[\"EU\"],\"measure_types\":[\"CVD\"]}", 0, NULL);
	assert_false(pub_filters_match(f, w));			/* every list must match */
	json_decref(f);
	f = json_loads("{\"hs_prefixes\":[\"8703\",\"6912\"]}", 0, NULL);
	assert_true(pub_filters_match(f, w));			/* 691200 */
	json_decref(f);
	f = json_loads("{\"hs_prefixes\":[\"69120\",\"8703\"]}", 0, NULL);
	assert_true(pub_filters_match(f, w));
	json_decref(f);
	f = json_loads("{\"hs_prefixes\":[\"6913\"]}", 0, NULL);
	assert_false(pub_filters_match(f, w));
	json_decref(f);
	json_decref(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_words_decode_to_the_subject),
		cmocka_unit_test(test_base64_lines_round_trip),
		cmocka_unit_test(test_message_headers_and_parts),
		cmocka_unit_test(test_markdown_fits_and_keeps_the_link),
		cmocka_unit_test(test_channel_urls),
		cmocka_unit_test(test_private_ranges),
		cmocka_unit_test(test_filters),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
