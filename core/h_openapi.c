/* yujing — GET /api/openapi.json: the API reference, compiled in from
 * core/openapi.json so that it always matches the binary. */
#include "handlers.h"

extern const char openapi_json[];

void
h_openapi(struct req *r)
{
	r->status = 200;
	buf_reset(&r->out);
	buf_puts(&r->out, openapi_json);
}
