/* yujing — one HTTP request as FastCGI hands it over, and its response.
 * Parsing works on a "KEY=VALUE" environment array and a body reader, so
 * that unit tests need no FastCGI. */
#ifndef YJ_HTTP_H
#define YJ_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "buf.h"
#include "user.h"

enum http_method {
	HTTP_GET	= 1 << 0,
	HTTP_POST	= 1 << 1,
	HTTP_PUT	= 1 << 2,
	HTTP_PATCH	= 1 << 3,
	HTTP_DELETE	= 1 << 4,
	HTTP_HEAD	= 1 << 5,
	HTTP_OTHER	= 1 << 6,
};

/* The error codes of the API envelope. */
enum http_err {
	ERR_BAD_REQUEST,	/* 400 malformed JSON, wrong types */
	ERR_INVALID,		/* 400 a field fails validation */
	ERR_UNAUTHENTICATED,	/* 401 */
	ERR_FORBIDDEN,		/* 403 */
	ERR_NOT_FOUND,		/* 404 */
	ERR_METHOD,		/* 405, code bad_request */
	ERR_CONFLICT,		/* 409 */
	ERR_TOO_LARGE,		/* 413 */
	ERR_MEDIA_TYPE,		/* 415 */
	ERR_RATE_LIMITED,	/* 429 */
	ERR_INTERNAL,		/* 500 */
	ERR_UNAVAILABLE,	/* 503 */
};

struct http_limits {
	size_t	 max_body;		/* of a JSON body */
	size_t	 max_attachment;	/* of an upload; http_parse reads up to the larger */
	size_t	 max_header;
	size_t	 max_query;
};

struct kv {
	char	*key;
	char	*val;
};

#define HTTP_MAX_PARAMS 4

struct worker;
struct route;

struct req {
	/* what came in */
	enum http_method method;
	const char	*method_str;
	char		*path;		/* without the query string */
	struct kv	*query;
	size_t		 nquery;
	const char	*content_type;
	const char	*cookie;
	const char	*csrf_header;
	const char	*if_none_match;	/* for conditional GET */
	const char	*remote_addr;
	char		 request_id[40];
	char		*body;
	size_t		 body_len;
	json_t		*json;		/* the body when the route takes JSON */
	long long	 params[HTTP_MAX_PARAMS]; /* numeric path parameters */
	size_t		 nparams;
	const struct route *route;

	/* who asks */
	bool		 authed;
	struct user	 user;
	char		 session_token[64];

	/* where it runs */
	struct worker	*w;

	/* what goes out */
	int		 status;
	struct buf	 headers;	/* extra header lines, each ending "\r\n" */
	struct buf	 out;		/* the body */
	const char	*out_type;	/* Content-Type; NULL: JSON */
	const char	*cache_control;	/* NULL: no-store */
};

typedef ssize_t (*http_reader)(void *arg, char *dst, size_t n);

/* Reads the request from env and body.  Returns 0, or -1 with the error
 * response already written into req. */
int	 http_parse(struct req *, char **env, http_reader, void *arg,
	    const struct http_limits *);
/* Parses req->body as a JSON object into req->json (0), or writes the
 * error (415 for a non-JSON content type, 400 otherwise) and returns -1. */
int	 http_parse_json(struct req *);
void	 http_req_free(struct req *);

const char *http_env(char **env, const char *name);
const char *http_query(const struct req *, const char *key);
bool	 http_utf8_valid(const char *, size_t);
size_t	 http_utf8_len(const char *);
/* Percent-decodes src (and '+' to ' ' when form is true) into a new string;
 * NULL when an escape is malformed. */
char	*http_urldecode(const char *src, size_t len, bool form);
const char *http_cookie(const struct req *, const char *name, size_t *len);

/* Responses. */
void	 http_json(struct req *, int status, json_t *body);	/* steals body */
void	 http_no_content(struct req *);
void	 http_error(struct req *, enum http_err, const char *message, const char *field);
void	 http_header(struct req *, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 200 with a page of a list: {"items", "total", "page", "per_page"}; takes
 * items. */
void	 http_list(struct req *, json_t *items, long long total, long long page,
	    long long per_page);
int	 http_err_status(enum http_err);
const char *http_err_code(enum http_err);
const char *http_status_text(int);
/* The whole response (CGI-style status and headers, blank line, body). */
void	 http_serialize(const struct req *, struct buf *);
/* The same in two parts, so that a big body is sent from r->out without
 * a copy: the status and headers, and how much of r->out is the body. */
void	 http_serialize_head(const struct req *, struct buf *);
size_t	 http_body_len(const struct req *);

#endif
