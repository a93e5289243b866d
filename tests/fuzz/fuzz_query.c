/* yujing — libFuzzer harness: the query string.  The input is
 * QUERY_STRING: parsed by http_parse, then looked up and checked as the
 * list handlers do (paging, year, an id, a yes/no), and decoded alone by
 * http_urldecode in both modes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "http.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct http_limits lim = {
		.max_body = 1024, .max_attachment = 1024, .max_header = 1024, .max_query = 4096,
	};
	char		*qs, *env[4], *d;
	struct req	 r;
	long long	 page, per_page, id;
	int		 year;

	if ((qs = malloc(size + 14)) == NULL)
		return 0;
	memcpy(qs, "QUERY_STRING=", 13);
	memcpy(qs + 13, data, size);
	qs[size + 13] = '\0';
	env[0] = "REQUEST_METHOD=GET";
	env[1] = "DOCUMENT_URI=/api/submissions";
	env[2] = qs;
	env[3] = NULL;
	memset(&r, 0, sizeof(r));
	if (http_parse(&r, env, NULL, NULL, &lim) == 0) {
		(void)http_query(&r, "state");
		if (validate_paging(&r, &page, &per_page) == 0 &&
		    validate_query_year(&r, &year) == 0 &&
		    validate_query_id(&r, "point_id", "预警点", &id) == 0)
			(void)validate_query_bool(&r, "mine", "我的");
	}
	http_req_free(&r);
	if ((d = http_urldecode((const char *)data, size, true)) != NULL)
		free(d);
	if ((d = http_urldecode((const char *)data, size, false)) != NULL)
		free(d);
	free(qs);
	return 0;
}
