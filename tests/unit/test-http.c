/* yujing — unit tests: request parsing, limits, UTF-8, cookies and the
 * error envelope (core/http.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "http.h"

/* A body reader over a memory buffer, handing out at most chunk bytes a
 * call (0: as much as asked). */
struct mem {
	const char	*data;
	size_t		 len;
	size_t		 pos;
	size_t		 chunk;
	int		 calls;
};

static ssize_t
mem_read(void *arg, char *dst, size_t n)
{
	struct mem *m = arg;

	m->calls++;
	if (m->chunk && n > m->chunk)
		n = m->chunk;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(dst, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static const struct http_limits lim = {
	.max_body = 1024,
	.max_header = 256,
	.max_query = 128,
};

static int
parse(struct req *r, char **env, struct mem *m)
{
	memset(r, 0, sizeof(*r));
	return http_parse(r, env, m ? mem_read : NULL, m, &lim);
}

/* r->out is the envelope {"error":{"code":code,...}} and r->status is
 * status; field is the expected "field" or NULL for none. */
static void
assert_error(const struct req *r, int status, const char *code, const char *field)
{
	json_t		*root, *err;
	json_error_t	 je;

	assert_int_equal(r->status, status);
	assert_non_null(r->out.data);
	root = json_loadb(r->out.data, r->out.len, 0, &je);
	assert_non_null(root);
	err = json_object_get(root, "error");
	assert_true(json_is_object(err));
	assert_string_equal(json_string_value(json_object_get(err, "code")), code);
	assert_true(json_is_string(json_object_get(err, "message")));
	assert_true(json_string_length(json_object_get(err, "message")) > 0);
	if (field == NULL)
		assert_null(json_object_get(err, "field"));
	else
		assert_string_equal(json_string_value(json_object_get(err, "field")), field);
	json_decref(root);
}

static int
setup_sodium(void **state)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* --- method, path, headers --- */

static void
test_method_parsed(void **state)
{
	struct req r;
	char *env[] = { "REQUEST_METHOD=POST", "DOCUMENT_URI=/api/x", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_int_equal(r.method, HTTP_POST);
	assert_string_equal(r.method_str, "POST");
	assert_int_equal(r.status, 0);
	http_req_free(&r);
}

static void
test_method_absent_is_get_unknown_is_other(void **state)
{
	struct req r;
	char *none[] = { "DOCUMENT_URI=/", NULL };
	char *odd[] = { "REQUEST_METHOD=PROPFIND", "DOCUMENT_URI=/", NULL };
	char *head[] = { "REQUEST_METHOD=HEAD", "DOCUMENT_URI=/", NULL };

	assert_int_equal(parse(&r, none, NULL), 0);
	assert_int_equal(r.method, HTTP_GET);
	http_req_free(&r);
	assert_int_equal(parse(&r, odd, NULL), 0);
	assert_int_equal(r.method, HTTP_OTHER);
	assert_string_equal(r.method_str, "PROPFIND");
	http_req_free(&r);
	assert_int_equal(parse(&r, head, NULL), 0);
	assert_int_equal(r.method, HTTP_HEAD);
	http_req_free(&r);
}

static void
test_path_from_document_uri(void **state)
{
	struct req r;
	char *env[] = { "REQUEST_URI=/other?x=1", "DOCUMENT_URI=/api/users/5", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(r.path, "/api/users/5");
	http_req_free(&r);
}

static void
test_path_from_request_uri_decoded_query_cut(void **state)
{
	struct req r;
	char *env[] = { "REQUEST_URI=/api/%E4%B8%AD%20x?a=1&b=2", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(r.path, "/api/中 x");
	/* the query comes from QUERY_STRING, not from the URI */
	assert_int_equal(r.nquery, 0);
	http_req_free(&r);
}

static void
test_path_plus_not_decoded(void **state)
{
	struct req r;
	char *env[] = { "REQUEST_URI=/a+b", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(r.path, "/a+b");
	http_req_free(&r);
}

static void
test_path_defaults_to_root(void **state)
{
	struct req r;
	char *env[] = { "DOCUMENT_URI=", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(r.path, "/");
	http_req_free(&r);
}

static void
test_path_bad_escape_refused(void **state)
{
	struct req r;
	char *env[] = { "REQUEST_URI=/api/%zz", NULL };

	assert_int_equal(parse(&r, env, NULL), -1);
	assert_error(&r, 400, "bad_request", NULL);
	http_req_free(&r);
}

/* A decoded NUL would silently cut the path or a query value short. */
static void
test_encoded_nul_refused(void **state)
{
	struct req r;
	char *query[] = { "DOCUMENT_URI=/", "QUERY_STRING=q=a%00b", NULL };
	char *path[] = { "REQUEST_URI=/api/users/5%00/x", NULL };

	assert_int_equal(parse(&r, query, NULL), -1);
	assert_error(&r, 400, "bad_request", NULL);
	http_req_free(&r);
	assert_int_equal(parse(&r, path, NULL), -1);
	assert_error(&r, 400, "bad_request", NULL);
	http_req_free(&r);
}

static void
test_path_invalid_utf8_refused(void **state)
{
	struct req r;
	char *env[] = { "REQUEST_URI=/api/%C0%AF", NULL };

	assert_int_equal(parse(&r, env, NULL), -1);
	assert_error(&r, 400, "bad_request", NULL);
	http_req_free(&r);
}

static void
test_headers_captured(void **state)
{
	struct req r;
	char *env[] = {
		"DOCUMENT_URI=/", "REMOTE_ADDR=192.0.2.7",
		"CONTENT_TYPE=application/json", "HTTP_COOKIE=yj_session=abc",
		"HTTP_X_CSRF_TOKEN=tok", NULL,
	};

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(r.remote_addr, "192.0.2.7");
	assert_string_equal(r.content_type, "application/json");
	assert_string_equal(r.cookie, "yj_session=abc");
	assert_string_equal(r.csrf_header, "tok");
	http_req_free(&r);
}

static void
test_remote_addr_absent_is_dash(void **state)
{
	struct req r;
	char *env[] = { "DOCUMENT_URI=/", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(r.remote_addr, "-");
	assert_null(r.cookie);
	assert_null(r.content_type);
	http_req_free(&r);
}

static void
test_http_env_exact_name(void **state)
{
	char *env[] = { "HTTP_COOKIE_X=1", "HTTP_COOKIE=2", "EMPTY=", NULL };

	assert_string_equal(http_env(env, "HTTP_COOKIE"), "2");
	assert_string_equal(http_env(env, "EMPTY"), "");
	assert_null(http_env(env, "HTTP_COOK"));
	assert_null(http_env(NULL, "X"));
}

/* --- header limit --- */

static void
test_header_bytes_over_limit_refused(void **state)
{
	struct req r;
	char big[300], *env[] = { "DOCUMENT_URI=/", big, NULL };

	/* "HTTP_X=" + 250 bytes = 257 > 256 */
	memcpy(big, "HTTP_X=", 7);
	memset(big + 7, 'a', 250);
	big[257] = '\0';
	assert_int_equal(parse(&r, env, NULL), -1);
	assert_error(&r, 400, "bad_request", NULL);
	http_req_free(&r);
}

static void
test_header_bytes_summed(void **state)
{
	struct req r;
	char a[200], b[200], *env[] = { "DOCUMENT_URI=/", a, b, NULL };

	/* 130 + 130: each fits, the sum does not */
	memcpy(a, "HTTP_A=", 7);
	memset(a + 7, 'a', 123);
	a[130] = '\0';
	memcpy(b, "HTTP_B=", 7);
	memset(b + 7, 'b', 123);
	b[130] = '\0';
	assert_int_equal(parse(&r, env, NULL), -1);
	assert_error(&r, 400, "bad_request", NULL);
	http_req_free(&r);
}

static void
test_header_bytes_at_limit_accepted(void **state)
{
	struct req r;
	char big[300], other[400], *env[] = { "DOCUMENT_URI=/", big, other, NULL };

	memcpy(big, "HTTP_X=", 7);
	memset(big + 7, 'a', 249);
	big[256] = '\0';
	/* not a header: does not count */
	memcpy(other, "SERVER_X=", 9);
	memset(other + 9, 'b', 300);
	other[309] = '\0';
	assert_int_equal(parse(&r, env, NULL), 0);
	assert_int_equal(r.status, 0);
	http_req_free(&r);
}

/* --- query string --- */

static void
test_query_decoded(void **state)
{
	struct req r;
	char *env[] = { "DOCUMENT_URI=/",
	    "QUERY_STRING=a=1&name=%E5%BC%A0%E4%B8%89&q=x+y%2Bz&empty=&bare", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_int_equal(r.nquery, 5);
	assert_string_equal(http_query(&r, "a"), "1");
	assert_string_equal(http_query(&r, "name"), "张三");
	assert_string_equal(http_query(&r, "q"), "x y+z");
	assert_string_equal(http_query(&r, "empty"), "");
	assert_string_equal(http_query(&r, "bare"), "");
	assert_null(http_query(&r, "missing"));
	http_req_free(&r);
}

static void
test_query_key_decoded(void **state)
{
	struct req r;
	char *env[] = { "DOCUMENT_URI=/", "QUERY_STRING=a%5Bb%5D=1&c+d=2", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(http_query(&r, "a[b]"), "1");
	assert_string_equal(http_query(&r, "c d"), "2");
	http_req_free(&r);
}

static void
test_query_repeated_key_first_wins(void **state)
{
	struct req r;
	char *env[] = { "DOCUMENT_URI=/", "QUERY_STRING=k=1&k=2&k=3", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_int_equal(r.nquery, 3);
	assert_string_equal(http_query(&r, "k"), "1");
	http_req_free(&r);
}

static void
test_query_empty_segments_skipped(void **state)
{
	struct req r;
	char *env[] = { "DOCUMENT_URI=/", "QUERY_STRING=&&a=1&&b=2&", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_int_equal(r.nquery, 2);
	assert_string_equal(r.query[0].key, "a");
	assert_string_equal(r.query[0].val, "1");
	assert_string_equal(r.query[1].key, "b");
	assert_string_equal(r.query[1].val, "2");
	http_req_free(&r);
}

static void
test_query_value_keeps_equals(void **state)
{
	struct req r;
	char *env[] = { "DOCUMENT_URI=/", "QUERY_STRING=x=a=b", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(http_query(&r, "x"), "a=b");
	http_req_free(&r);
}

static void
test_query_too_long_refused(void **state)
{
	struct req r;
	char qs[200], *env[] = { "DOCUMENT_URI=/", qs, NULL };

	/* 129 bytes of query > 128 */
	memcpy(qs, "QUERY_STRING=a=", 15);
	memset(qs + 15, 'x', 127);
	qs[142] = '\0';
	assert_int_equal(parse(&r, env, NULL), -1);
	assert_error(&r, 400, "bad_request", NULL);
	assert_int_equal(r.nquery, 0);
	http_req_free(&r);
}

static void
test_query_at_limit_accepted(void **state)
{
	struct req r;
	char qs[200], *env[] = { "DOCUMENT_URI=/", qs, NULL };

	memcpy(qs, "QUERY_STRING=a=", 15);
	memset(qs + 15, 'x', 126);
	qs[141] = '\0';
	assert_int_equal(parse(&r, env, NULL), 0);
	assert_int_equal(strlen(http_query(&r, "a")), 126);
	http_req_free(&r);
}

static void
test_query_bad_percent_refused(void **state)
{
	static const char *bad[] = {
		"QUERY_STRING=a=%zz", "QUERY_STRING=a=%4", "QUERY_STRING=a=%",
		"QUERY_STRING=%g1=1", "QUERY_STRING=ok=1&a=x%2",
	};
	struct req r;
	char *env[] = { "DOCUMENT_URI=/", NULL, NULL };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		env[1] = (char *)bad[i];
		assert_int_equal(parse(&r, env, NULL), -1);
		assert_error(&r, 400, "bad_request", NULL);
		http_req_free(&r);
	}
}

static void
test_query_invalid_utf8_refused(void **state)
{
	static const char *bad[] = {
		"QUERY_STRING=a=%FF", "QUERY_STRING=a=%C3%28",
		"QUERY_STRING=%ED%A0%80=1", "QUERY_STRING=a=%E4%B8",
	};
	struct req r;
	char *env[] = { "DOCUMENT_URI=/", NULL, NULL };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		env[1] = (char *)bad[i];
		assert_int_equal(parse(&r, env, NULL), -1);
		assert_error(&r, 400, "bad_request", NULL);
		http_req_free(&r);
	}
}

/* --- body --- */

static void
test_body_read(void **state)
{
	struct req r;
	struct mem m = { "{\"a\":\"中\"}", 11, 0, 3, 0 };
	char *env[] = { "REQUEST_METHOD=POST", "DOCUMENT_URI=/",
	    "CONTENT_LENGTH=11", NULL };

	assert_int_equal(parse(&r, env, &m), 0);
	assert_int_equal(r.body_len, 11);
	assert_memory_equal(r.body, "{\"a\":\"中\"}", 11);
	assert_int_equal(r.body[11], '\0');
	/* read in chunks of three */
	assert_int_equal(m.calls, 4);
	http_req_free(&r);
}

static void
test_no_content_length_no_body(void **state)
{
	struct req r;
	struct mem m = { "ignored", 7, 0, 0, 0 };
	char *env[] = { "DOCUMENT_URI=/", "CONTENT_LENGTH=", NULL };

	assert_int_equal(parse(&r, env, &m), 0);
	assert_null(r.body);
	assert_int_equal(r.body_len, 0);
	assert_int_equal(m.pos, 0);
	http_req_free(&r);
}

static void
test_body_over_max_refused_and_drained(void **state)
{
	struct req r;
	struct mem m;
	char *data, *env[] = { "REQUEST_METHOD=POST", "DOCUMENT_URI=/",
	    "CONTENT_LENGTH=10000", NULL };

	data = malloc(10000);
	assert_non_null(data);
	memset(data, 'x', 10000);
	m = (struct mem){ data, 10000, 0, 0, 0 };
	assert_int_equal(parse(&r, env, &m), -1);
	assert_error(&r, 413, "too_large", NULL);
	assert_int_equal(m.pos, 10000);
	assert_null(r.body);
	http_req_free(&r);
	free(data);
}

static void
test_body_at_max_accepted(void **state)
{
	struct req r;
	struct mem m;
	char data[1024], *env[] = { "REQUEST_METHOD=POST", "DOCUMENT_URI=/",
	    "CONTENT_LENGTH=1024", NULL };

	memset(data, 'y', sizeof(data));
	m = (struct mem){ data, sizeof(data), 0, 0, 0 };
	assert_int_equal(parse(&r, env, &m), 0);
	assert_int_equal(r.body_len, 1024);
	http_req_free(&r);
}

static void
test_body_shorter_than_length_refused(void **state)
{
	struct req r;
	struct mem m = { "{}", 2, 0, 0, 0 };
	char *env[] = { "REQUEST_METHOD=POST", "DOCUMENT_URI=/",
	    "CONTENT_LENGTH=10", NULL };

	assert_int_equal(parse(&r, env, &m), -1);
	assert_error(&r, 400, "bad_request", NULL);
	http_req_free(&r);
}

static void
test_content_length_not_numeric_refused(void **state)
{
	static const char *bad[] = {
		"CONTENT_LENGTH=abc", "CONTENT_LENGTH=12x", "CONTENT_LENGTH=-1",
		"CONTENT_LENGTH= 5", "CONTENT_LENGTH=+5",
	};
	struct req r;
	struct mem m = { "12345", 5, 0, 0, 0 };
	char *env[] = { "DOCUMENT_URI=/", NULL, NULL };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.pos = 0;
		env[1] = (char *)bad[i];
		assert_int_equal(parse(&r, env, &m), -1);
		assert_error(&r, 400, "bad_request", NULL);
		assert_null(r.body);
		http_req_free(&r);
	}
}

/* --- request id --- */

static void
test_request_id_taken_when_hex(void **state)
{
	struct req r;
	char *env[] = { "DOCUMENT_URI=/", "REQUEST_ID=0123456789abcdefABCDEF", NULL };

	assert_int_equal(parse(&r, env, NULL), 0);
	assert_string_equal(r.request_id, "0123456789abcdefABCDEF");
	http_req_free(&r);
}

static void
assert_generated_id(const char *id)
{
	size_t i;

	assert_int_equal(strlen(id), 16);
	for (i = 0; i < 16; i++)
		assert_non_null(strchr("0123456789abcdef", id[i]));
}

static void
test_request_id_generated_otherwise(void **state)
{
	struct req r;
	char first[40];
	char *bad[] = { "DOCUMENT_URI=/", "REQUEST_ID=<script>", NULL };
	char *none[] = { "DOCUMENT_URI=/", NULL };

	assert_int_equal(parse(&r, bad, NULL), 0);
	assert_generated_id(r.request_id);
	memcpy(first, r.request_id, sizeof(first));
	http_req_free(&r);

	assert_int_equal(parse(&r, none, NULL), 0);
	assert_generated_id(r.request_id);
	assert_string_not_equal(r.request_id, first);
	http_req_free(&r);
}

static void
test_request_id_too_long_generated(void **state)
{
	struct req r;
	char id[80], *env[] = { "DOCUMENT_URI=/", id, NULL };

	/* 50 hex digits do not fit request_id[40] */
	memcpy(id, "REQUEST_ID=", 11);
	memset(id + 11, 'a', 50);
	id[61] = '\0';
	assert_int_equal(parse(&r, env, NULL), 0);
	assert_generated_id(r.request_id);
	http_req_free(&r);
}

/* --- JSON bodies --- */

static void
json_req(struct req *r, const char *content_type, const char *body, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->content_type = content_type;
	if (body != NULL) {
		r->body = malloc(len + 1);
		assert_non_null(r->body);
		memcpy(r->body, body, len);
		r->body[len] = '\0';
		r->body_len = len;
	}
}

static void
test_json_empty_body_refused(void **state)
{
	struct req r;

	json_req(&r, "application/json", NULL, 0);
	assert_int_equal(http_parse_json(&r), -1);
	assert_error(&r, 400, "bad_request", NULL);
	assert_null(r.json);
	http_req_free(&r);
}

static void
test_json_wrong_content_type_is_415(void **state)
{
	static const char *bad[] = {
		"text/plain", "application/x-www-form-urlencoded",
		"application/jsonp", "application/json; charset=latin1",
		"application/json; charset=iso-8859-1", NULL,
	};
	struct req r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_req(&r, bad[i], "{}", 2);
		assert_int_equal(http_parse_json(&r), -1);
		assert_error(&r, 415, "unsupported_media_type", NULL);
		assert_null(r.json);
		http_req_free(&r);
	}
}

static void
test_json_content_types_accepted(void **state)
{
	static const char *good[] = {
		"application/json", "application/json; charset=utf-8",
		"application/json;charset=UTF-8", "Application/JSON",
		"application/json; charset=\"utf-8\"",
	};
	struct req r;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		json_req(&r, good[i], "{\"a\":1}", 7);
		assert_int_equal(http_parse_json(&r), 0);
		assert_int_equal(r.status, 0);
		assert_int_equal(json_integer_value(json_object_get(r.json, "a")), 1);
		http_req_free(&r);
	}
}

static void
test_json_invalid_utf8_refused(void **state)
{
	struct req r;
	const char *body = "{\"a\":\"\xc3\x28\"}";

	json_req(&r, "application/json", body, strlen(body));
	assert_int_equal(http_parse_json(&r), -1);
	assert_error(&r, 400, "bad_request", NULL);
	assert_null(r.json);
	http_req_free(&r);
}

static void
test_json_syntax_error_refused(void **state)
{
	struct req r;

	json_req(&r, "application/json", "{\"a\":", 5);
	assert_int_equal(http_parse_json(&r), -1);
	assert_error(&r, 400, "bad_request", NULL);
	assert_null(r.json);
	http_req_free(&r);
}

static void
test_json_not_object_refused(void **state)
{
	static const char *bad[] = { "[1,2]", "\"s\"", "3", "null" };
	struct req r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_req(&r, "application/json", bad[i], strlen(bad[i]));
		assert_int_equal(http_parse_json(&r), -1);
		assert_error(&r, 400, "bad_request", NULL);
		assert_null(r.json);
		http_req_free(&r);
	}
}

static void
test_json_duplicate_keys_refused(void **state)
{
	struct req r;
	const char *body = "{\"a\":1,\"a\":2}";

	json_req(&r, "application/json", body, strlen(body));
	assert_int_equal(http_parse_json(&r), -1);
	assert_error(&r, 400, "bad_request", NULL);
	assert_null(r.json);
	http_req_free(&r);
}

static void
test_json_object_parsed(void **state)
{
	struct req r;
	const char *body = "{\"title\":\"预警\",\"n\":3}";

	json_req(&r, "application/json; charset=utf-8", body, strlen(body));
	assert_int_equal(http_parse_json(&r), 0);
	assert_true(json_is_object(r.json));
	assert_string_equal(json_string_value(json_object_get(r.json, "title")), "预警");
	assert_int_equal(json_integer_value(json_object_get(r.json, "n")), 3);
	assert_int_equal(r.out.len, 0);
	http_req_free(&r);
}

static void
test_json_through_http_parse(void **state)
{
	struct req r;
	struct mem m = { "{\"x\":true}", 10, 0, 0, 0 };
	char *env[] = { "REQUEST_METHOD=POST", "DOCUMENT_URI=/api/x",
	    "CONTENT_TYPE=application/json", "CONTENT_LENGTH=10", NULL };

	assert_int_equal(parse(&r, env, &m), 0);
	assert_int_equal(http_parse_json(&r), 0);
	assert_true(json_is_true(json_object_get(r.json, "x")));
	http_req_free(&r);
}

/* --- UTF-8 --- */

static void
test_utf8_chinese_accepted(void **state)
{
	const char *s = "预警点：杭州市 abc 123";

	assert_true(http_utf8_valid(s, strlen(s)));
	assert_true(http_utf8_valid("", 0));
	/* boundaries: U+007F, U+0080, U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF */
	assert_true(http_utf8_valid("\x7f", 1));
	assert_true(http_utf8_valid("\xc2\x80", 2));
	assert_true(http_utf8_valid("\xed\x9f\xbf", 3));
	assert_true(http_utf8_valid("\xee\x80\x80", 3));
	assert_true(http_utf8_valid("\xef\xbf\xbf", 3));
	assert_true(http_utf8_valid("\xf0\x90\x80\x80", 4));
	assert_true(http_utf8_valid("\xf4\x8f\xbf\xbf", 4));
}

static void
test_utf8_overlong_refused(void **state)
{
	assert_false(http_utf8_valid("\xc0\xaf", 2));
	assert_false(http_utf8_valid("\xc1\xbf", 2));
	assert_false(http_utf8_valid("\xe0\x80\xaf", 3));
	assert_false(http_utf8_valid("\xe0\x9f\xbf", 3));
	assert_false(http_utf8_valid("\xf0\x80\x80\xaf", 4));
	assert_false(http_utf8_valid("\xf0\x8f\xbf\xbf", 4));
}

static void
test_utf8_surrogates_refused(void **state)
{
	assert_false(http_utf8_valid("\xed\xa0\x80", 3));
	assert_false(http_utf8_valid("\xed\xbf\xbf", 3));
	assert_false(http_utf8_valid("a\xed\xb0\x80z", 5));
}

static void
test_utf8_above_max_refused(void **state)
{
	assert_false(http_utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(http_utf8_valid("\xf5\x80\x80\x80", 4));
	assert_false(http_utf8_valid("\xf8\x88\x80\x80\x80", 5));
	assert_false(http_utf8_valid("\xff", 1));
}

static void
test_utf8_truncated_refused(void **state)
{
	assert_false(http_utf8_valid("\xe4\xb8", 2));
	assert_false(http_utf8_valid("\xc3", 1));
	assert_false(http_utf8_valid("\xf0\x9f\x98", 3));
	/* a lead byte followed by ASCII, and a lone continuation byte */
	assert_false(http_utf8_valid("\xe4" "ab", 3));
	assert_false(http_utf8_valid("\x80", 1));
	/* the length given counts, not the NUL */
	assert_false(http_utf8_valid("\xe4\xb8\xad", 2));
}

static void
test_utf8_nul_refused(void **state)
{
	assert_false(http_utf8_valid("a\0b", 3));
	assert_false(http_utf8_valid("\0", 1));
}

static void
test_utf8_len_counts_characters(void **state)
{
	assert_int_equal(http_utf8_len(""), 0);
	assert_int_equal(http_utf8_len("abc"), 3);
	assert_int_equal(http_utf8_len("中文"), 2);
	assert_int_equal(http_utf8_len("a中b文c"), 5);
	assert_int_equal(http_utf8_len("\xf0\x9f\x98\x80"), 1);
	assert_int_equal(http_utf8_len("é"), 1);
}

/* --- url decoding --- */

static void
test_urldecode_form_and_path(void **state)
{
	char *s;

	s = http_urldecode("a+b%20c%2b", 10, true);
	assert_string_equal(s, "a b c+");
	free(s);
	s = http_urldecode("a+b%20c", 7, false);
	assert_string_equal(s, "a+b c");
	free(s);
	/* only len bytes are read */
	s = http_urldecode("abc%41", 3, false);
	assert_string_equal(s, "abc");
	free(s);
	assert_null(http_urldecode("%4", 2, false));
	assert_null(http_urldecode("%%41", 4, false));
	assert_null(http_urldecode("abc%41", 5, false));
}

/* --- cookies --- */

static void
test_cookie_found_among_several(void **state)
{
	struct req r;
	const char *v;
	size_t len = 0;

	memset(&r, 0, sizeof(r));
	r.cookie = "theme=dark; yj_session=AbC-_123; lang=zh";
	v = http_cookie(&r, "yj_session", &len);
	assert_non_null(v);
	assert_int_equal(len, 8);
	assert_memory_equal(v, "AbC-_123", 8);
	assert_int_equal(v[len], ';');
}

static void
test_cookie_first_and_last(void **state)
{
	struct req r;
	const char *v;
	size_t len = 0;

	memset(&r, 0, sizeof(r));
	r.cookie = "a=1;b=22; c=333";
	v = http_cookie(&r, "a", &len);
	assert_non_null(v);
	assert_int_equal(len, 1);
	assert_memory_equal(v, "1", 1);
	v = http_cookie(&r, "b", &len);
	assert_non_null(v);
	assert_int_equal(len, 2);
	assert_memory_equal(v, "22", 2);
	v = http_cookie(&r, "c", &len);
	assert_non_null(v);
	assert_int_equal(len, 3);
	assert_string_equal(v, "333");
}

static void
test_cookie_name_not_prefix_matched(void **state)
{
	struct req r;
	size_t len = 0;

	memset(&r, 0, sizeof(r));
	r.cookie = "xyj_session=bad; yj_session_old=bad; yj_sessio=bad";
	assert_null(http_cookie(&r, "yj_session", &len));
	r.cookie = NULL;
	assert_null(http_cookie(&r, "yj_session", &len));
	r.cookie = "";
	assert_null(http_cookie(&r, "yj_session", &len));
}

/* --- the error envelope and the response --- */

static void
test_error_envelope(void **state)
{
	struct req r;
	json_t *got, *want;
	json_error_t je;

	memset(&r, 0, sizeof(r));
	http_error(&r, ERR_INVALID, "标题不能为空", "title");
	assert_int_equal(r.status, 400);
	got = json_loadb(r.out.data, r.out.len, 0, &je);
	assert_non_null(got);
	want = json_pack("{s:{s:s, s:s, s:s}}", "error", "code", "invalid",
	    "message", "标题不能为空", "field", "title");
	assert_true(json_equal(got, want));
	assert_null(r.out_type);
	json_decref(got);
	json_decref(want);
	http_req_free(&r);
}

static void
test_error_without_field(void **state)
{
	struct req r;

	memset(&r, 0, sizeof(r));
	http_error(&r, ERR_NOT_FOUND, "没有这个用户", NULL);
	assert_error(&r, 404, "not_found", NULL);
	http_req_free(&r);
}

static void
test_error_replaces_earlier_output(void **state)
{
	struct req r;

	memset(&r, 0, sizeof(r));
	http_error(&r, ERR_INVALID, "first", "a");
	http_error(&r, ERR_CONFLICT, "second", NULL);
	/* assert_error parses the whole buffer: two envelopes would not parse */
	assert_error(&r, 409, "conflict", NULL);
	http_req_free(&r);
}

static void
test_every_error_maps(void **state)
{
	static const struct {
		enum http_err	 e;
		int		 status;
		const char	*code;
	} map[] = {
		{ ERR_BAD_REQUEST, 400, "bad_request" },
		{ ERR_INVALID, 400, "invalid" },
		{ ERR_UNAUTHENTICATED, 401, "unauthenticated" },
		{ ERR_FORBIDDEN, 403, "forbidden" },
		{ ERR_NOT_FOUND, 404, "not_found" },
		{ ERR_METHOD, 405, "bad_request" },
		{ ERR_CONFLICT, 409, "conflict" },
		{ ERR_TOO_LARGE, 413, "too_large" },
		{ ERR_MEDIA_TYPE, 415, "unsupported_media_type" },
		{ ERR_RATE_LIMITED, 429, "rate_limited" },
		{ ERR_INTERNAL, 500, "internal" },
		{ ERR_UNAVAILABLE, 503, "unavailable" },
	};
	struct req r;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		assert_int_equal(http_err_status(map[i].e), map[i].status);
		assert_string_equal(http_err_code(map[i].e), map[i].code);
		memset(&r, 0, sizeof(r));
		http_error(&r, map[i].e, "m", NULL);
		assert_error(&r, map[i].status, map[i].code, NULL);
		assert_string_not_equal(http_status_text(map[i].status), "Unknown");
		http_req_free(&r);
	}
}

static void
test_status_text(void **state)
{
	assert_string_equal(http_status_text(200), "OK");
	assert_string_equal(http_status_text(201), "Created");
	assert_string_equal(http_status_text(204), "No Content");
	assert_string_equal(http_status_text(404), "Not Found");
	assert_string_equal(http_status_text(405), "Method Not Allowed");
	assert_string_equal(http_status_text(413), "Payload Too Large");
	assert_string_equal(http_status_text(299), "Unknown");
}

static void
test_serialize_error_response(void **state)
{
	struct req r;
	struct buf b = { 0 };
	char *body;

	memset(&r, 0, sizeof(r));
	strcpy(r.request_id, "00ff00ff00ff00ff");
	http_error(&r, ERR_NOT_FOUND, "没有", NULL);
	http_header(&r, "Allow: %s", "GET, POST");
	http_serialize(&r, &b);
	assert_non_null(b.data);
	assert_memory_equal(b.data, "Status: 404 Not Found\r\n", 23);
	assert_non_null(strstr(b.data, "\r\nContent-Type: application/json; charset=utf-8\r\n"));
	assert_non_null(strstr(b.data, "\r\nX-Request-Id: 00ff00ff00ff00ff\r\n"));
	assert_non_null(strstr(b.data, "\r\nAllow: GET, POST\r\n"));
	body = strstr(b.data, "\r\n\r\n");
	assert_non_null(body);
	assert_string_equal(body + 4, r.out.data);
	buf_free(&b);
	http_req_free(&r);
}

static void
test_serialize_no_content(void **state)
{
	struct req r;
	struct buf b = { 0 };
	const char *end;

	memset(&r, 0, sizeof(r));
	strcpy(r.request_id, "abc");
	buf_puts(&r.out, "{\"stale\":1}");
	http_no_content(&r);
	assert_int_equal(r.status, 204);
	http_serialize(&r, &b);
	assert_memory_equal(b.data, "Status: 204 No Content\r\n", 24);
	assert_null(strstr(b.data, "\r\nContent-Type:"));
	assert_non_null(strstr(b.data, "X-Request-Id: abc\r\n"));
	end = strstr(b.data, "\r\n\r\n");
	assert_non_null(end);
	assert_int_equal(end + 4 - b.data, b.len);
	buf_free(&b);
	http_req_free(&r);
}

static void
test_serialize_json_body(void **state)
{
	struct req r;
	struct buf b = { 0 };
	const char *end;

	memset(&r, 0, sizeof(r));
	http_json(&r, 201, json_pack("{s:i}", "id", 5));
	http_serialize(&r, &b);
	assert_memory_equal(b.data, "Status: 201 Created\r\n", 21);
	end = strstr(b.data, "\r\n\r\n");
	assert_non_null(end);
	assert_string_equal(end + 4, "{\"id\":5}");
	buf_free(&b);
	http_req_free(&r);
}

static void
test_serialize_head_has_no_body(void **state)
{
	struct req r;
	struct buf b = { 0 };
	const char *end;

	memset(&r, 0, sizeof(r));
	r.method = HTTP_HEAD;
	http_json(&r, 200, json_pack("{s:b}", "ok", 1));
	http_serialize(&r, &b);
	assert_memory_equal(b.data, "Status: 200 OK\r\n", 16);
	assert_non_null(strstr(b.data, "Content-Type: application/json; charset=utf-8\r\n"));
	end = strstr(b.data, "\r\n\r\n");
	assert_non_null(end);
	assert_int_equal(end + 4 - b.data, b.len);
	buf_free(&b);
	http_req_free(&r);
}

static void
test_serialize_custom_type(void **state)
{
	struct req r;
	struct buf b = { 0 };

	memset(&r, 0, sizeof(r));
	r.status = 200;
	r.out_type = "text/csv; charset=utf-8";
	buf_puts(&r.out, "a,b\r\n");
	http_serialize(&r, &b);
	assert_non_null(strstr(b.data, "\r\nContent-Type: text/csv; charset=utf-8\r\n"));
	assert_null(strstr(b.data, "application/json"));
	assert_int_equal(strcmp(b.data + b.len - 9, "\r\n\r\na,b\r\n"), 0);
	buf_free(&b);
	http_req_free(&r);
}

/* The JSON string writer the big lists use: every string parses back with
 * jansson to what went in; invalid UTF-8 becomes U+FFFD. */
static void
test_buf_json_str(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "", "\"\"" },
		{ "得 5 分", "\"得 5 分\"" },
		{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
		{ "line\nnext\ttab\x01", "\"line\\u000anext\\u0009tab\\u0001\"" },
		{ "bad\xff\xc3(", "\"bad\xef\xbf\xbd\xef\xbf\xbd(\"" },
		{ "\xed\xa0\x80 surrogate", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate\"" },
		{ "\xf0\x9f\x98\x80 emoji", "\"\xf0\x9f\x98\x80 emoji\"" },
	};
	struct buf	 b = { 0 };
	json_t		*j;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		buf_json_str(&b, cases[i].in);
		assert_string_equal(b.data, cases[i].want);
		j = json_loadb(b.data, b.len, JSON_DECODE_ANY, NULL);
		assert_non_null(j);
		assert_true(json_is_string(j));
		json_decref(j);
	}
	buf_reset(&b);
	buf_int(&b, 0);
	buf_puts(&b, " ");
	buf_int(&b, -9223372036854775807LL - 1);
	buf_puts(&b, " ");
	buf_int(&b, 20250);
	assert_string_equal(b.data, "0 -9223372036854775808 20250");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_json_str),
		cmocka_unit_test(test_method_parsed),
		cmocka_unit_test(test_method_absent_is_get_unknown_is_other),
		cmocka_unit_test(test_path_from_document_uri),
		cmocka_unit_test(test_path_from_request_uri_decoded_query_cut),
		cmocka_unit_test(test_path_plus_not_decoded),
		cmocka_unit_test(test_path_defaults_to_root),
		cmocka_unit_test(test_path_bad_escape_refused),
		cmocka_unit_test(test_path_invalid_utf8_refused),
		cmocka_unit_test(test_encoded_nul_refused),
		cmocka_unit_test(test_headers_captured),
		cmocka_unit_test(test_remote_addr_absent_is_dash),
		cmocka_unit_test(test_http_env_exact_name),
		cmocka_unit_test(test_header_bytes_over_limit_refused),
		cmocka_unit_test(test_header_bytes_summed),
		cmocka_unit_test(test_header_bytes_at_limit_accepted),
		cmocka_unit_test(test_query_decoded),
		cmocka_unit_test(test_query_key_decoded),
		cmocka_unit_test(test_query_repeated_key_first_wins),
		cmocka_unit_test(test_query_empty_segments_skipped),
		cmocka_unit_test(test_query_value_keeps_equals),
		cmocka_unit_test(test_query_too_long_refused),
		cmocka_unit_test(test_query_at_limit_accepted),
		cmocka_unit_test(test_query_bad_percent_refused),
		cmocka_unit_test(test_query_invalid_utf8_refused),
		cmocka_unit_test(test_body_read),
		cmocka_unit_test(test_no_content_length_no_body),
		cmocka_unit_test(test_body_over_max_refused_and_drained),
		cmocka_unit_test(test_body_at_max_accepted),
		cmocka_unit_test(test_body_shorter_than_length_refused),
		cmocka_unit_test(test_content_length_not_numeric_refused),
		cmocka_unit_test(test_request_id_taken_when_hex),
		cmocka_unit_test(test_request_id_generated_otherwise),
		cmocka_unit_test(test_request_id_too_long_generated),
		cmocka_unit_test(test_json_empty_body_refused),
		cmocka_unit_test(test_json_wrong_content_type_is_415),
		cmocka_unit_test(test_json_content_types_accepted),
		cmocka_unit_test(test_json_invalid_utf8_refused),
		cmocka_unit_test(test_json_syntax_error_refused),
		cmocka_unit_test(test_json_not_object_refused),
		cmocka_unit_test(test_json_duplicate_keys_refused),
		cmocka_unit_test(test_json_object_parsed),
		cmocka_unit_test(test_json_through_http_parse),
		cmocka_unit_test(test_utf8_chinese_accepted),
		cmocka_unit_test(test_utf8_overlong_refused),
		cmocka_unit_test(test_utf8_surrogates_refused),
		cmocka_unit_test(test_utf8_above_max_refused),
		cmocka_unit_test(test_utf8_truncated_refused),
		cmocka_unit_test(test_utf8_nul_refused),
		cmocka_unit_test(test_utf8_len_counts_characters),
		cmocka_unit_test(test_urldecode_form_and_path),
		cmocka_unit_test(test_cookie_found_among_several),
		cmocka_unit_test(test_cookie_first_and_last),
		cmocka_unit_test(test_cookie_name_not_prefix_matched),
		cmocka_unit_test(test_error_envelope),
		cmocka_unit_test(test_error_without_field),
		cmocka_unit_test(test_error_replaces_earlier_output),
		cmocka_unit_test(test_every_error_maps),
		cmocka_unit_test(test_status_text),
		cmocka_unit_test(test_serialize_error_response),
		cmocka_unit_test(test_serialize_no_content),
		cmocka_unit_test(test_serialize_json_body),
		cmocka_unit_test(test_serialize_head_has_no_body),
		cmocka_unit_test(test_serialize_custom_type),
	};

	return cmocka_run_group_tests(tests, setup_sodium, NULL);
}
