/* yujing — path matching.  A "{name}" segment matches a positive decimal
 * integer that fits in 63 bits; a final "{*}" matches any one non-empty
 * last segment (the handler reads it from the path and answers a bad one
 * itself, e.g. a month "2019-13.pdf" with 400); anything else must match
 * literally. */
#include "router.h"

#include <stdio.h>
#include <string.h>

static bool
match(const char *pat, const char *path, long long *params, size_t *np)
{
	const char	*ps, *pe;
	long long	 v;
	size_t		 n = 0;

	while (*pat && *path) {
		if (strcmp(pat, "{*}") == 0) {
			if (strchr(path, '/') != NULL)
				return false;
			*np = n;
			return true;
		}
		if (*pat == '{') {
			if ((pe = strchr(pat, '}')) == NULL)
				return false;
			ps = path;
			v = 0;
			if (*path == '0')	/* no leading zeros: one spelling per id */
				return false;
			while (*path >= '0' && *path <= '9') {
				if (v > (0x7fffffffffffffffLL - (*path - '0')) / 10)
					return false;
				v = v * 10 + (*path - '0');
				path++;
			}
			if (path == ps || v <= 0 || (*path && *path != '/') ||
			    n == HTTP_MAX_PARAMS)
				return false;
			params[n++] = v;
			pat = pe + 1;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	if (*pat != '\0' || *path != '\0')
		return false;
	*np = n;
	return true;
}

const struct route *
router_match(const struct route *routes, size_t n, enum http_method m,
    const char *path, long long *params, size_t *nparams, unsigned *allowed)
{
	long long	 tmp[HTTP_MAX_PARAMS];
	size_t		 i, tn;
	const struct route *found = NULL;

	*allowed = 0;
	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, tmp, &tn))
			continue;
		*allowed |= routes[i].method;
		if (found == NULL && (routes[i].method == (unsigned)m ||
		    (m == HTTP_HEAD && routes[i].method == HTTP_GET))) {
			found = &routes[i];
			memcpy(params, tmp, sizeof(tmp));
			*nparams = tn;
		}
	}
	return found;
}

void
router_allow_str(unsigned allowed, char *dst, size_t sz)
{
	static const struct { unsigned m; const char *s; } names[] = {
		{ HTTP_GET, "GET" }, { HTTP_POST, "POST" }, { HTTP_PUT, "PUT" },
		{ HTTP_PATCH, "PATCH" }, { HTTP_DELETE, "DELETE" },
	};
	size_t	 i, off = 0;

	dst[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (allowed & names[i].m)
			off += snprintf(dst + off, off < sz ? sz - off : 0, "%s%s",
			    off ? ", " : "", names[i].s);
}
