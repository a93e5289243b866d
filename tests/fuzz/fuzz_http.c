/* yujing — libFuzzer harness: a FastCGI request as http_parse sees it.
 * Input: "KEY=VALUE" environment entries separated by NUL bytes, then a
 * line "\0\0", then the body; the body is read back in chunks of 1..7
 * bytes (the first byte picks the size).  A parsed JSON request goes on to
 * http_parse_json. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct mem {
	const char	*data;
	size_t		 len, pos, chunk;
};

static ssize_t
mem_read(void *arg, char *dst, size_t n)
{
	struct mem *m = arg;

	if (n > m->chunk)
		n = m->chunk;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	if (n == 0)
		return 0;
	memcpy(dst, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct http_limits lim = {
		.max_body = 4096, .max_attachment = 8192, .max_header = 1024, .max_query = 512,
	};
	char		*copy, *env[33], *p, *end, *sep;
	struct mem	 m = { .chunk = 1 };
	struct req	 r;
	size_t		 n = 0;

	if (size == 0)
		return 0;
	m.chunk = 1 + data[0] % 7;
	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	end = copy + size - 1;
	sep = memmem(copy, size - 1, "\0\0", 2);
	if (sep != NULL) {
		m.data = sep + 2;
		m.len = (size_t)(end - (sep + 2));
		end = sep;
	}
	for (p = copy; p < end && n < 32; p += strlen(p) + 1)
		if (*p != '\0' && strchr(p, '=') != NULL)
			env[n++] = p;
	env[n] = NULL;
	memset(&r, 0, sizeof(r));
	if (http_parse(&r, env, mem_read, &m, &lim) == 0 && r.content_type != NULL)
		(void)http_parse_json(&r);
	http_req_free(&r);
	free(copy);
	return 0;
}
