/* yujing — the route table: method, path pattern with numeric parameters,
 * handler, and who may call it. */
#ifndef YJ_ROUTER_H
#define YJ_ROUTER_H

#include "http.h"

typedef void (*handler_fn)(struct req *);

enum route_flags {
	RF_PUBLIC	= 1 << 0,	/* no session needed */
	RF_JSON		= 1 << 1,	/* body is a JSON object */
	RF_RAW		= 1 << 2,	/* body is taken as is (uploads) */
	RF_NO_CSRF	= 1 << 3,	/* state-changing but exempt (login) */
};

struct route {
	unsigned	 method;	/* one HTTP_* bit */
	const char	*pattern;	/* "/api/users/{id}" */
	handler_fn	 handler;
	unsigned	 roles;		/* ROLE_* mask; 0 and not public: nobody */
	unsigned	 flags;
};

/* Finds the route for method and path.  On a match fills params and returns
 * it; otherwise returns NULL and sets *allowed to the methods that the path
 * does accept (0: no such path -> 404, else 405). */
const struct route *router_match(const struct route *, size_t n,
	    enum http_method, const char *path, long long *params,
	    size_t *nparams, unsigned *allowed);
/* "GET, POST" for the Allow header. */
void	 router_allow_str(unsigned allowed, char *dst, size_t sz);

#endif
