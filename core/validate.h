/* yujing — input declared as tables of fields; a validator fills typed
 * values or answers the request with the error (kcgi style): handlers never
 * touch raw JSON for their inputs. */
#ifndef YJ_VALIDATE_H
#define YJ_VALIDATE_H

#include <stdbool.h>

#include <jansson.h>

#include "http.h"

enum vtype {
	VT_STRING,
	VT_INT,
	VT_BOOL,
};

enum vflags {
	VF_REQUIRED	= 1 << 0,	/* must be present and not empty */
	VF_NULLABLE	= 1 << 1,	/* null is accepted (and reported) */
	VF_RAW		= 1 << 2,	/* taken as typed: leading or trailing
					 * spaces allowed (passwords) */
};

struct vfield {
	const char	*name;
	const char	*label;		/* Chinese, for messages */
	enum vtype	 type;
	unsigned	 flags;
	long long	 min, max;	/* string: length in characters; int: value */
	/* Extra check for strings: NULL when fine, else the message. */
	const char	*(*check)(const char *);
};

struct vval {
	bool		 present;
	bool		 null;
	const char	*s;		/* borrowed from the request's JSON */
	long long	 i;
	bool		 b;
};

/* 0 with out[] filled (one per field), or -1 with the error answered. */
int	 validate_object(struct req *, const json_t *obj, const struct vfield *,
	    size_t n, struct vval *out);
/* The same for an object inside the body: errors name "prefix" + field,
 * e.g. "members[2].name". */
int	 validate_object_at(struct req *, const json_t *obj, const struct vfield *,
	    size_t n, struct vval *out, const char *prefix);

/* Text rules shared with the plugins' field checks.  White space is ASCII
 * space, tab, CR, LF, the ideographic space U+3000 and no-break U+00A0. */
bool	 text_blank(const char *);		/* nothing but white space */
bool	 text_edge_space(const char *);	/* white space first or last */
bool	 text_date(const char *);		/* a real "YYYY-MM-DD", 1900–2100 */

/* An attachment's file name as the clerk gave it: NULL when fine, else the
 * Chinese message.  1–255 characters of UTF-8, not "." or "..", nothing
 * that names a path or breaks a header (/ \ "), and nothing invisible
 * that changes how the name reads: control characters (C0, DEL, C1 with
 * U+0085), the line and paragraph separators U+2028/2029, the bidi marks,
 * embeddings, overrides and isolates (U+061C, U+200E/200F, U+202A–202E,
 * U+2066–2069, which turn "txt.exe" into "exe.txt" on screen), zero-width
 * characters (U+200B–200D, U+2060–2064, the BOM U+FEFF) and the
 * interlinear annotation marks U+FFF9–FFFB. */
const char *validate_file_name(const char *name);

/* ?page=&per_page= with defaults 1 and 20, per_page at most 200 (or max). */
int	 validate_paging(struct req *, long long *page, long long *per_page);
int	 validate_paging_max(struct req *, long long *page, long long *per_page, long long max);
/* ?year=: 2000–2100, the current year (Beijing time) when absent. */
int	 validate_query_year(struct req *, int *year);
/* An optional positive id in the query: 0 when absent. */
int	 validate_query_id(struct req *, const char *key, const char *label, long long *id);
/* An optional boolean query parameter: -1 absent, 0, 1; -2 answered. */
int	 validate_query_bool(struct req *, const char *key, const char *label);

#endif
