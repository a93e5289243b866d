/* yujing — rule scripts: registry, reload, per-worker sandboxes, scoring,
 * review policy, and the tools policy staff run before deploying. */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <sodium.h>

#include "buf.h"
#include "facts_db.h"
#include "http.h"
#include "log.h"
#include "clock.h"
#include "metrics.h"

#define MAX_FILES 64

enum kind { K_REVIEW, K_SCORING };

struct rfile {
	char	 name[64];	/* "review.lua", "scoring/2019.lua" */
	int	 year;		/* 0: the review policy */
	char	*src;		/* in force; NULL: none */
	size_t	 len;
	char	 sha[65];
	char	 loaded_at[32];
	char	 refused_sha[65];
	char	 error[1024];	/* why the newest file on disk was refused */
};

struct rules_wfile {
	char		 name[64];
	int		 year;
	struct sandbox	 sb;
	int		 ref;
	bool		 ok;
};

static struct {
	pthread_mutex_t		 mu;		/* files, n */
	pthread_mutex_t		 reload_mu;	/* one reload at a time */
	atomic_ulong		 gen;
	struct rfile		 files[MAX_FILES];
	size_t			 n;
	char			 dir[PATH_MAX];
	size_t			 cap;
	unsigned long long	 budget;
	int			 time_ms;
} reg = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.reload_mu = PTHREAD_MUTEX_INITIALIZER,
	.cap = 16 * 1024 * 1024,
	.budget = 10 * 1000 * 1000,
};

static const char *const builtin_types[] = {
	"warning_info", "quarterly_analysis", "annual_summary", "subsite_post", "notice", NULL,
};

/* ---------------------------------------------------------------- helpers */

static int
read_file(const char *path, struct buf *b)
{
	FILE	*f;
	char	 chunk[8192];
	size_t	 n;

	buf_reset(b);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(b, chunk, n);
	fclose(f);
	if (b->data == NULL)
		buf_add(b, "", 0);
	return 0;
}

static void
sha256_hex(const char *p, size_t n, char out[65])
{
	unsigned char h[32];

	crypto_hash_sha256(h, (const unsigned char *)p, n);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void
now_iso(char out[32])
{
	clock_iso(out);
}

/* "2019.lua" -> 2019; 0 when the name is not a standard's. */
static int
standard_year(const char *base)
{
	if (strlen(base) != 8 || strspn(base, "0123456789") != 4 || strcmp(base + 4, ".lua") != 0)
		return 0;
	return atoi(base);
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---------------------------------------------------------------- scoring */

void
score_result_free(struct score_result *r)
{
	free(r->items);
	memset(r, 0, sizeof(*r));
}

/* Copies at most sz - 1 bytes, never cutting a UTF-8 character. */
static void
copy_text(char *dst, size_t sz, const char *src, size_t len)
{
	if (len >= sz) {
		len = sz - 1;
		while (len > 0 && ((unsigned char)src[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Raw access: a result's fields are read without metamethods. */
static int
raw_field(lua_State *L, int idx, const char *k)
{
	idx = lua_absindex(L, idx);
	lua_pushstring(L, k);
	return lua_rawget(L, idx);
}

static int
field_string(lua_State *L, int idx, const char *k, char *dst, size_t sz, bool required)
{
	int		 t = raw_field(L, idx, k);
	const char	*s;
	size_t		 len;

	if (t == LUA_TNIL && !required) {
		dst[0] = '\0';
		lua_pop(L, 1);
		return 0;
	}
	if (t != LUA_TSTRING) {
		lua_pop(L, 1);
		return -1;
	}
	s = lua_tolstring(L, -1, &len);
	if (!http_utf8_valid(s, len)) {
		lua_pop(L, 1);
		return -2;
	}
	copy_text(dst, sz, s, len);
	lua_pop(L, 1);
	return 0;
}

static int
field_number(lua_State *L, int idx, const char *k, double *v)
{
	int t = raw_field(L, idx, k);

	if (t != LUA_TNUMBER) {
		lua_pop(L, 1);
		return -1;
	}
	*v = lua_tonumber(L, -1);
	lua_pop(L, 1);
	return isfinite(*v) ? 0 : -1;
}

/* A body run by sandbox_run reports a problem of the result (not a Lua
 * error) here. */
struct body {
	int	 rc;
	char	 err[640];
};

#define BODY_FAIL(b, ...) do { \
	snprintf((b)->err, sizeof((b)->err), __VA_ARGS__); \
	(b)->rc = -1; \
	return 0; \
} while (0)

/* Runs fn; -1 with err from the script's error or from the body. */
static int
run_body(struct sandbox *sb, lua_CFunction fn, struct body *b, char *err, size_t errsz)
{
	b->rc = 0;
	b->err[0] = '\0';
	if (sandbox_run(sb, fn, b, 0) == -1) {
		snprintf(err, errsz, "%s", sb->err);
		return -1;
	}
	if (b->rc == -1) {
		snprintf(err, errsz, "%s", b->err);
		return -1;
	}
	return 0;
}

struct score_args {
	struct body		 b;	/* first: the body's ud */
	int			 ref;
	const char		*name;
	const struct facts	*f;
	struct score_result	*out;
};

static int
score_body(lua_State *L)
{
	struct score_args	*a = lua_touserdata(L, 1);
	struct score_result	*out = a->out;
	const char		*name = a->name;
	int			 res, it, rc;
	size_t			 i, n;
	double			 sum = 0;
	struct score_item	*x;

	lua_rawgeti(L, LUA_REGISTRYINDEX, a->ref);
	if (field_string(L, -1, "title", out->title, sizeof(out->title), false) != 0)
		out->title[0] = '\0';
	if (raw_field(L, -1, "score") != LUA_TFUNCTION)
		BODY_FAIL(&a->b, "%s: 返回的表中没有 score 函数", name);
	facts_push(L, a->f);
	lua_call(L, 1, 1);
	res = lua_gettop(L);
	if (!lua_istable(L, res))
		BODY_FAIL(&a->b, "%s: score 须返回表 {items = {...}, total = 数字}", name);
	if (raw_field(L, res, "items") != LUA_TTABLE)
		BODY_FAIL(&a->b, "%s: 返回值缺少 items 数组", name);
	it = lua_gettop(L);
	n = (size_t)lua_rawlen(L, it);
	if (n > 200)
		BODY_FAIL(&a->b, "%s: items 多于 200 项", name);
	if ((out->items = calloc(n ? n : 1, sizeof(*out->items))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		x = &out->items[i];
		if (lua_rawgeti(L, it, (lua_Integer)i + 1) != LUA_TTABLE)
			BODY_FAIL(&a->b, "%s: items[%zu] 须为表", name, i + 1);
		if ((rc = field_string(L, -1, "key", x->key, sizeof(x->key), true)) == 0 &&
		    (rc = field_string(L, -1, "label", x->label, sizeof(x->label), true)) == 0)
			rc = field_string(L, -1, "reason", x->reason, sizeof(x->reason), true);
		if (rc == -2)
			BODY_FAIL(&a->b, "%s: items[%zu] 的 key、label 或 reason 不是有效的 UTF-8 文本"
			    "（规则文件须以 UTF-8 保存）", name, i + 1);
		if (rc != 0)
			BODY_FAIL(&a->b, "%s: items[%zu] 的 key、label、reason 须为字符串", name, i + 1);
		if (field_number(L, -1, "score", &x->score) == -1 ||
		    field_number(L, -1, "max", &x->max) == -1)
			BODY_FAIL(&a->b, "%s: items[%zu]（%s）的 score、max 须为数字", name, i + 1, x->key);
		if (x->score < 0 || x->score > x->max)
			BODY_FAIL(&a->b, "%s: items[%zu]（%s）得分 %g 不在 0 到 %g 之间",
			    name, i + 1, x->key, x->score, x->max);
		sum += x->score;
		lua_pop(L, 1);
		out->n = i + 1;
	}
	if (field_number(L, res, "total", &out->total) == -1)
		BODY_FAIL(&a->b, "%s: 返回值缺少数字 total", name);
	if (fabs(out->total - sum) > 1e-9)
		BODY_FAIL(&a->b, "%s: total %g 不等于各项得分之和 %g", name, out->total, sum);
	/* The maximum the standard declares (max = 50) is what the items'
	 * maxima add up to; without one, their sum. */
	for (sum = 0, i = 0; i < n; i++)
		sum += out->items[i].max;
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->ref);
	rc = raw_field(L, -1, "max");
	if (rc == LUA_TNUMBER) {
		out->max = lua_tonumber(L, -1);
		if (fabs(out->max - sum) > 1e-9)
			BODY_FAIL(&a->b, "%s: 各项满分之和 %g 不等于标准声明的总满分 max = %g"
			    "（增减评分项后请同时修改 max）", name, sum, out->max);
	} else if (rc != LUA_TNIL)
		BODY_FAIL(&a->b, "%s: 总满分 max 须为数字", name);
	else
		out->max = sum;
	return 0;
}

/* Calls module.score(facts) on the module table referenced by ref and
 * checks what comes back; all of it in one protected call. */
static int
score_call(struct sandbox *sb, int ref, const char *name, const struct facts *f,
    struct score_result *out, char *err, size_t errsz)
{
	struct score_args a = { .ref = ref, .name = name, .f = f, .out = out };

	memset(out, 0, sizeof(*out));
	snprintf(out->standard, sizeof(out->standard), "%s", name);
	if (run_body(sb, score_body, &a.b, err, errsz) == -1) {
		score_result_free(out);
		return -1;
	}
	return 0;
}

/* -------------------------------------------------------- review policy */

static const char *const review_functions[] = {
	"chain", "decisions", "check", "magazine_direct", "completes_on_submit", NULL,
};

/* Pushes review.lua's function fn (inside a body). */
static int
review_get(lua_State *L, int ref, const char *fn, struct body *b)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	if (raw_field(L, -1, fn) != LUA_TFUNCTION) {
		lua_pop(L, 2);
		snprintf(b->err, sizeof(b->err), "review.lua: 缺少函数 %s", fn);
		b->rc = -1;
		return -1;
	}
	lua_remove(L, -2);
	return 0;
}

struct chain_args {
	struct body	 b;
	int		 ref;
	const char	*type, *role;
	char		(*levels)[16];
	size_t		*n;
};

static int
chain_body(lua_State *L)
{
	struct chain_args	*a = lua_touserdata(L, 1);
	size_t			 i, len;
	const char		*s;

	if (review_get(L, a->ref, "chain", &a->b) == -1)
		return 0;
	lua_pushstring(L, a->type);
	lua_pushstring(L, a->role);
	lua_call(L, 2, 1);
	if (!lua_istable(L, -1) || (len = (size_t)lua_rawlen(L, -1)) > REVIEW_MAX_LEVELS)
		BODY_FAIL(&a->b, "review.lua: chain(%s, %s) 须返回审核级别数组", a->type, a->role);
	for (i = 0; i < len; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		s = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
		if (s == NULL || (strcmp(s, "city") != 0 && strcmp(s, "province") != 0))
			BODY_FAIL(&a->b, "review.lua: chain(%s, %s) 的第 %zu 级须为 \"city\" 或 \"province\"",
			    a->type, a->role, i + 1);
		snprintf(a->levels[i], 16, "%s", s);
		lua_pop(L, 1);
	}
	*a->n = len;
	return 0;
}

static int
chain_call(struct sandbox *sb, int ref, const char *type, const char *role,
    char levels[REVIEW_MAX_LEVELS][16], size_t *n, char *err, size_t errsz)
{
	struct chain_args a = { .ref = ref, .type = type, .role = role, .levels = levels, .n = n };

	*n = 0;
	if (run_body(sb, chain_body, &a.b, err, errsz) == -1) {
		*n = 0;
		return -1;
	}
	return 0;
}

struct check_args {
	struct body		 b;
	int			 ref;
	const struct review_ctx	*c;
	char			*field;
	size_t			 fieldsz;
	char			*msg;
	size_t			 msgsz;
	int			 answer;
};

static int
check_body(lua_State *L)
{
	struct check_args	*a = lua_touserdata(L, 1);
	const struct review_ctx	*c = a->c;

	if (review_get(L, a->ref, "check", &a->b) == -1)
		return 0;
	lua_createtable(L, 0, 6);
	lua_pushstring(L, c->type);
	lua_setfield(L, -2, "type");
	lua_pushstring(L, c->level);
	lua_setfield(L, -2, "level");
	lua_pushstring(L, c->role);
	lua_setfield(L, -2, "role");
	lua_pushstring(L, c->decision);
	lua_setfield(L, -2, "decision");
	lua_pushstring(L, c->opinion ? c->opinion : "");
	lua_setfield(L, -2, "opinion");
	if (c->chain != NULL) {
		const char	*p = c->chain, *e;
		int		 k = 0;

		lua_newtable(L);
		while (*p) {
			e = strchr(p, ',');
			lua_pushlstring(L, p, e ? (size_t)(e - p) : strlen(p));
			lua_rawseti(L, -2, ++k);
			p = e ? e + 1 : p + strlen(p);
		}
		lua_setfield(L, -2, "chain");
	}
	lua_createtable(L, 0, 3);
	lua_pushboolean(L, c->magazine);
	lua_setfield(L, -2, "magazine");
	lua_pushboolean(L, c->work_exchange);
	lua_setfield(L, -2, "work_exchange");
	lua_pushboolean(L, c->internal_exchange);
	lua_setfield(L, -2, "internal_exchange");
	lua_setfield(L, -2, "options");
	lua_call(L, 1, 2);
	if (lua_isnil(L, -2)) {
		a->answer = 0;
		return 0;
	}
	if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
		BODY_FAIL(&a->b, "review.lua: check 须返回 nil，或字段名与中文说明");
	snprintf(a->field, a->fieldsz, "%s", lua_tostring(L, -2));
	snprintf(a->msg, a->msgsz, "%s", lua_tostring(L, -1));
	a->answer = 1;
	return 0;
}

static int
check_call(struct sandbox *sb, int ref, const struct review_ctx *c,
    char *field, size_t fieldsz, char *msg, size_t msgsz)
{
	struct check_args a = { .ref = ref, .c = c, .field = field, .fieldsz = fieldsz,
	    .msg = msg, .msgsz = msgsz };

	if (run_body(sb, check_body, &a.b, msg, msgsz) == -1)
		return -1;
	return a.answer;
}

struct presets_args {
	struct body	 b;
	int		 ref;
	json_t		*a;
};

static int
presets_body(lua_State *L)
{
	struct presets_args	*a = lua_touserdata(L, 1);
	size_t			 i, n;

	lua_rawgeti(L, LUA_REGISTRYINDEX, a->ref);
	if (raw_field(L, -1, "presets") != LUA_TTABLE)
		BODY_FAIL(&a->b, "review.lua: 缺少 presets 数组");
	n = (size_t)lua_rawlen(L, -1);
	for (i = 0; i < n; i++) {
		const char	*s;
		size_t		 len;

		if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING)
			BODY_FAIL(&a->b, "review.lua: presets[%zu] 须为字符串", i + 1);
		s = lua_tolstring(L, -1, &len);
		if (!http_utf8_valid(s, len))
			BODY_FAIL(&a->b, "review.lua: presets[%zu] 不是有效的 UTF-8 文本", i + 1);
		json_array_append_new(a->a, json_stringn(s, len));
		lua_pop(L, 1);
	}
	return 0;
}

static json_t *
presets_get(struct sandbox *sb, int ref, char *err, size_t errsz)
{
	struct presets_args a = { .ref = ref, .a = json_array() };

	if (run_body(sb, presets_body, &a.b, err, errsz) == -1) {
		json_decref(a.a);
		return NULL;
	}
	return a.a;
}

struct bool_args {
	struct body	 b;
	int		 ref;
	const char	*fn, *type;
	bool		 answer;
};

static int
bool_body(lua_State *L)
{
	struct bool_args *a = lua_touserdata(L, 1);

	if (review_get(L, a->ref, a->fn, &a->b) == -1)
		return 0;
	lua_pushstring(L, a->type);
	lua_call(L, 1, 1);
	a->answer = lua_toboolean(L, -1);
	return 0;
}

static int
bool_call(struct sandbox *sb, int ref, const char *fn, const char *type, bool *answer,
    char *err, size_t errsz)
{
	struct bool_args a = { .ref = ref, .fn = fn, .type = type };

	if (run_body(sb, bool_body, &a.b, err, errsz) == -1)
		return -1;
	*answer = a.answer;
	return 0;
}

/* ------------------------------------------------------------ validation */

/* A rule file's text must be UTF-8: a byte-order mark (which some editors
 * put first) is skipped; anything else that is not UTF-8 is refused with
 * its line, as a file saved as GBK would be. */
static int
source_text(const char *name, const char **src, size_t *len, char *err, size_t errsz)
{
	const char	*p, *e, *nl;
	int		 line = 1;

	if (*len >= 3 && !memcmp(*src, "\xef\xbb\xbf", 3)) {
		*src += 3;
		*len -= 3;
	}
	if (http_utf8_valid(*src, *len))
		return 0;
	for (p = *src, e = *src + *len; p < e; p = nl + 1, line++) {
		if ((nl = memchr(p, '\n', (size_t)(e - p))) == NULL)
			nl = e;
		if (!http_utf8_valid(p, (size_t)(nl - p)))
			break;
	}
	snprintf(err, errsz, "%s:%d: 文件不是有效的 UTF-8 文本（可能以 GBK 等编码保存），"
	    "请在编辑器中另存为 UTF-8 后再加载", name, line);
	return -1;
}

struct ref_args {
	struct body	 b;
	const char	*name;
	const char	*src;
	size_t		 srclen;
	const char	*want;		/* what the file must return, for the message */
	int		 ref;
	size_t		 len;		/* its array length */
};

/* Compiles and runs a chunk; its value must be a table, kept as a
 * reference. */
static int
ref_body(lua_State *L)
{
	struct ref_args	*a = lua_touserdata(L, 1);
	char		 chunk[256];

	snprintf(chunk, sizeof(chunk), "@%s", a->name);
	/* "t": text only, a precompiled (bytecode) chunk is refused. */
	if (luaL_loadbufferx(L, a->src, a->srclen, chunk, "t") != LUA_OK)
		return sandbox_syntax_error(L);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		BODY_FAIL(&a->b, "%s: %s", a->name, a->want);
	a->len = (size_t)lua_rawlen(L, -1);
	a->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* Loads src into sb (a fresh sandbox when fresh) and keeps its table as
 * *ref. */
static int
load_table(struct sandbox *sb, bool fresh, const char *name, const char *src, size_t len,
    const char *want, int *ref, size_t *alen, char *err, size_t errsz)
{
	struct ref_args a = { .name = name, .want = want };

	if (source_text(name, &src, &len, err, errsz) == -1)
		return -1;
	a.src = src;
	a.srclen = len;
	if (fresh && sandbox_open(sb, reg.cap, reg.budget) == -1) {
		snprintf(err, errsz, "%s", sb->err);
		return -1;
	}
	snprintf(sb->name, sizeof(sb->name), "%s", name);
	if (run_body(sb, ref_body, &a.b, err, errsz) == -1) {
		if (fresh)
			sandbox_close(sb);
		return -1;
	}
	*ref = a.ref;
	if (alen != NULL)
		*alen = a.len;
	return 0;
}

/* Loads src into a fresh sandbox and keeps its return value as *ref. */
static int
open_module(struct sandbox *sb, const char *name, const char *src, size_t len,
    int *ref, char *err, size_t errsz)
{
	return load_table(sb, true, name, src, len, "文件须返回一个表（return { ... }）",
	    ref, NULL, err, errsz);
}

static int
test_run_scoring(struct sandbox *sb, int ref, const char *name, int year, char *err, size_t errsz)
{
	struct facts		 f;
	struct facts_qa		 qa[4];
	struct score_result	 r;

	facts_empty(&f, year);
	if (score_call(sb, ref, name, &f, &r, err, errsz) == -1)
		return -1;
	score_result_free(&r);
	facts_fixture_busy(&f, year, qa);
	if (score_call(sb, ref, name, &f, &r, err, errsz) == -1)
		return -1;
	score_result_free(&r);
	return 0;
}

struct has_args {
	struct body	 b;
	int		 ref;
	const char	*fn;
};

static int
has_body(lua_State *L)
{
	struct has_args *a = lua_touserdata(L, 1);

	review_get(L, a->ref, a->fn, &a->b);
	return 0;
}

static int
has_function(struct sandbox *sb, int ref, const char *fn, char *err, size_t errsz)
{
	struct has_args a = { .ref = ref, .fn = fn };

	return run_body(sb, has_body, &a.b, err, errsz);
}

static int
test_run_review(struct sandbox *sb, int ref, char *err, size_t errsz)
{
	static const char *const roles[] = { "point", "city", "province", NULL };
	char		 levels[REVIEW_MAX_LEVELS][16], field[64];
	size_t		 n, t, r, i;
	struct review_ctx c;
	json_t		*p;

	for (i = 0; review_functions[i] != NULL; i++)
		if (has_function(sb, ref, review_functions[i], err, errsz) == -1)
			return -1;
	for (t = 0; builtin_types[t] != NULL; t++)
		for (r = 0; roles[r] != NULL; r++)
			if (chain_call(sb, ref, builtin_types[t], roles[r], levels, &n, err, errsz) == -1)
				return -1;
	memset(&c, 0, sizeof(c));
	c.type = "warning_info";
	c.level = "province";
	c.role = "province";
	c.decision = "pass";
	c.opinion = "";
	if (check_call(sb, ref, &c, field, sizeof(field), err, errsz) == -1)
		return -1;
	c.decision = "return";
	if (check_call(sb, ref, &c, field, sizeof(field), err, errsz) == -1)
		return -1;
	if ((p = presets_get(sb, ref, err, errsz)) == NULL)
		return -1;
	json_decref(p);
	return 0;
}

/* The reloader's own connection, for the real facts of every point
 * (NULL config: none, as in the tools).  Used under reg.reload_mu. */
static const struct config	*reload_cfg;
static struct db		 reload_db;
static bool			 reload_db_ready;

void
rules_use_database(const struct config *cfg)
{
	reload_cfg = cfg;
}

/* A candidate standard scores every point of its year, as /api/scores
 * will: one that fails on any point is refused, naming it. */
static int
real_facts_run(struct sandbox *sb, int ref, const char *name, int year, char *err, size_t errsz)
{
	struct facts		*f = NULL;
	struct score_result	 r;
	size_t			 n = 0, i;
	long long		 total;
	char			 why[640];
	int			 rc;

	if (reload_cfg == NULL)
		return 0;
	if (!reload_db_ready) {
		db_init(&reload_db, reload_cfg);
		reload_db_ready = true;
	}
	db_request_begin(&reload_db);
	rc = facts_load(&reload_db, year, NULL, 0, true, FACTS_ALL, 1000000, 0, &f, &n, &total);
	db_request_end(&reload_db);
	if (rc != DB_OK) {
		log_warn("rules: %s: the database is unavailable; tested on the built-in facts only", name);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (score_call(sb, ref, name, &f[i], &r, why, sizeof(why)) == -1) {
			snprintf(err, errsz, "%s（在预警点“%s”（编号 %lld）%d 年度的实际数据上试运行时出错）",
			    why, f[i].point_name, (long long)f[i].point_id, year);
			facts_free(f, n);
			return -1;
		}
		score_result_free(&r);
	}
	facts_free(f, n);
	return 0;
}

/* Case i of a test file, for case_body. */
struct case_args {
	struct body	 b;
	int		 std, cases, year;
	size_t		 i;
	char		 name[256];
};

static int case_body(lua_State *);

/* The standard's own test cases, when deployed beside it
 * (scoring/<year>.test.lua), must pass too. */
static int
deployed_cases_run(struct sandbox *sb, int std, int year, char *err, size_t errsz)
{
	char		 path[PATH_MAX + 64], name[64], why[640];
	struct buf	 b = { 0 };
	int		 cases, rc = 0;
	size_t		 n, i;

	snprintf(path, sizeof(path), "%s/scoring/%04d.test.lua", reg.dir, year);
	if (access(path, R_OK) != 0 || read_file(path, &b) == -1)
		return 0;
	snprintf(name, sizeof(name), "scoring/%04d.test.lua", year);
	if (load_table(sb, false, name, b.data, b.len, "测试文件须返回用例数组", &cases, &n,
	    err, errsz) == -1) {
		buf_free(&b);
		return -1;
	}
	for (i = 0; i < n && rc == 0; i++) {
		struct case_args a = { .std = std, .cases = cases, .year = year, .i = i };

		if (run_body(sb, case_body, &a.b, why, sizeof(why)) == -1) {
			snprintf(err, errsz, "%s 第 %zu 个用例（%s）未通过：%s", name, i + 1,
			    a.name[0] ? a.name : "无名称", why);
			rc = -1;
		}
	}
	buf_free(&b);
	return rc;
}

/* Compiles and test-runs a rule file as policy staff's tools and the
 * reloader do.  kind from its name.  deployed: a file of rules_dir, which
 * also runs on every point's real facts and passes its test cases. */
static int
validate(const char *name, int year, const char *src, size_t len, bool deployed,
    char *err, size_t errsz)
{
	struct sandbox	 sb;
	int		 ref, rc;

	if (open_module(&sb, name, src, len, &ref, err, errsz) == -1)
		return -1;
	if (year > 0) {
		rc = test_run_scoring(&sb, ref, name, year, err, errsz);
		if (rc == 0 && deployed)
			rc = deployed_cases_run(&sb, ref, year, err, errsz);
		if (rc == 0 && deployed)
			rc = real_facts_run(&sb, ref, name, year, err, errsz);
	} else
		rc = test_run_review(&sb, ref, err, errsz);
	sandbox_close(&sb);
	return rc;
}

/* -------------------------------------------------------------- registry */

static struct rfile *
find_file(const char *name)
{
	size_t i;

	for (i = 0; i < reg.n; i++)
		if (!strcmp(reg.files[i].name, name))
			return &reg.files[i];
	return NULL;
}

/* Considers one file on disk; returns 1 when what is in force changed. */
static int
consider(const char *name, int year, const char *path, struct buf *b)
{
	struct rfile	*f;
	char		 sha[65], err[1024];
	int		 changed = 0;

	if (read_file(path, b) == -1)
		return 0;
	sha256_hex(b->data, b->len, sha);
	pthread_mutex_lock(&reg.mu);
	f = find_file(name);
	if (f != NULL && !strcmp(f->sha, sha)) {
		/* The file in force is back (after a refused edit or a removal):
		 * nothing is wrong any more. */
		f->error[0] = f->refused_sha[0] = '\0';
		pthread_mutex_unlock(&reg.mu);
		return 0;
	}
	if (f != NULL && !strcmp(f->refused_sha, sha)) {
		pthread_mutex_unlock(&reg.mu);
		return 0;
	}
	pthread_mutex_unlock(&reg.mu);

	/* Outside the lock: a standard may take a while to test-run. */
	if (validate(name, year, b->data, b->len, true, err, sizeof(err)) == -1) {
		pthread_mutex_lock(&reg.mu);
		if ((f = find_file(name)) == NULL && reg.n < MAX_FILES) {
			f = &reg.files[reg.n++];
			memset(f, 0, sizeof(*f));
			snprintf(f->name, sizeof(f->name), "%s", name);
			f->year = year;
		}
		if (f != NULL) {
			snprintf(f->error, sizeof(f->error), "%s", err);
			snprintf(f->refused_sha, sizeof(f->refused_sha), "%s", sha);
		}
		pthread_mutex_unlock(&reg.mu);
		metrics_rules_event(false);
		log_err("rules: %s refused, %s: %s", name,
		    f && f->src ? "the previous version stays in force" : "nothing in force", err);
		return 0;
	}
	pthread_mutex_lock(&reg.mu);
	if ((f = find_file(name)) == NULL) {
		if (reg.n == MAX_FILES) {
			pthread_mutex_unlock(&reg.mu);
			log_err("rules: %s ignored: more than %d rule files", name, MAX_FILES);
			return 0;
		}
		f = &reg.files[reg.n++];
		memset(f, 0, sizeof(*f));
		snprintf(f->name, sizeof(f->name), "%s", name);
		f->year = year;
	}
	free(f->src);
	if ((f->src = malloc(b->len + 1)) == NULL)
		abort();
	memcpy(f->src, b->data, b->len + 1);
	f->len = b->len;
	snprintf(f->sha, sizeof(f->sha), "%s", sha);
	now_iso(f->loaded_at);
	f->error[0] = f->refused_sha[0] = '\0';
	changed = 1;
	pthread_mutex_unlock(&reg.mu);
	metrics_rules_event(true);
	log_info("rules: %s loaded (sha256 %.12s…)", name, sha);
	return changed;
}

int
rules_reload(void)
{
	char		 path[PATH_MAX + 64], sdir[PATH_MAX + 16], name[64];
	char		 seen[MAX_FILES][64];
	size_t		 nseen = 0, i, j;
	struct buf	 b = { 0 };
	DIR		*d;
	struct dirent	*de;
	int		 changed = 0, year;
	bool		 found;

	pthread_mutex_lock(&reg.reload_mu);
	snprintf(path, sizeof(path), "%s/review.lua", reg.dir);
	if (access(path, R_OK) == 0) {
		changed += consider("review.lua", 0, path, &b);
		snprintf(seen[nseen++], 64, "review.lua");
	}
	snprintf(sdir, sizeof(sdir), "%s/scoring", reg.dir);
	if ((d = opendir(sdir)) != NULL) {
		while ((de = readdir(d)) != NULL && nseen < MAX_FILES) {
			if ((year = standard_year(de->d_name)) == 0)
				continue;
			snprintf(name, sizeof(name), "scoring/%s", de->d_name);
			snprintf(path, sizeof(path), "%s/%s", sdir, de->d_name);
			changed += consider(name, year, path, &b);
			snprintf(seen[nseen++], 64, "%s", name);
		}
		closedir(d);
	}
	/* A standard whose file was removed is no longer in force; the review
	 * policy stays, with a warning, because submissions need one. */
	pthread_mutex_lock(&reg.mu);
	for (i = 0; i < reg.n; ) {
		for (found = false, j = 0; j < nseen && !found; j++)
			found = !strcmp(seen[j], reg.files[i].name);
		if (found) {
			i++;
			continue;
		}
		if (reg.files[i].year == 0) {
			if (reg.files[i].src != NULL && reg.files[i].error[0] == '\0') {
				snprintf(reg.files[i].error, sizeof(reg.files[i].error),
				    "review.lua 已被删除，继续使用已加载的版本");
				log_err("rules: review.lua removed; the loaded version stays in force");
			}
			i++;
			continue;
		}
		if (reg.files[i].src != NULL) {
			log_info("rules: %s removed, no longer in force", reg.files[i].name);
			changed++;
		}
		free(reg.files[i].src);
		reg.files[i] = reg.files[--reg.n];
	}
	if (changed)
		atomic_fetch_add(&reg.gen, 1);
	pthread_mutex_unlock(&reg.mu);
	pthread_mutex_unlock(&reg.reload_mu);
	buf_free(&b);
	return changed;
}

void
rules_set_limits(size_t cap, unsigned long long budget, int time_ms)
{
	double t;

	reg.cap = cap;
	reg.budget = budget;
	if (time_ms == 0) {
		/* The backstop sits at 1.5 times what the budget takes here, so
		 * that the worst script stops within twice that. */
		t = sandbox_measure_budget(cap, budget);
		time_ms = t > 0 ? (int)ceil(t * 1.5) : 1000;
		if (time_ms < 20)
			time_ms = 20;
		log_info("rules: %llu instructions take %.0f ms here; a call is stopped after "
		    "%d ms of processor time", budget, t, time_ms);
	}
	reg.time_ms = time_ms;
	sandbox_set_default_time_limit((unsigned)time_ms);
}

int
rules_time_limit(void)
{
	return reg.time_ms;
}

void
rules_init(const struct config *cfg)
{
	snprintf(reg.dir, sizeof(reg.dir), "%s", cfg->rules_dir);
	rules_set_limits(cfg->rules_memory_limit, cfg->rules_instruction_limit,
	    cfg->rules_time_limit);
	rules_reload();
}

static void *
watcher(void *arg)
{
	struct timespec ts = { 1, 0 };

	(void)arg;
	for (;;) {
		nanosleep(&ts, NULL);
		rules_reload();
	}
	return NULL;
}

void
rules_watch_start(void)
{
	pthread_t tid;

	if (pthread_create(&tid, NULL, watcher, NULL) == 0)
		pthread_detach(tid);
	else
		log_err("rules: cannot start the file watcher; reload with SIGHUP");
}

json_t *
rules_status_json(void)
{
	json_t	*a = json_array(), *o;
	size_t	 i;

	pthread_mutex_lock(&reg.mu);
	for (i = 0; i < reg.n; i++) {
		struct rfile *f = &reg.files[i];

		o = json_pack("{s:s, s:s?, s:s?, s:s?}", "name", f->name,
		    "sha256", f->src ? f->sha : NULL,
		    "loaded_at", f->src ? f->loaded_at : NULL,
		    "error", f->error[0] ? f->error : NULL);
		json_object_set_new(o, "kind", json_string(f->year ? "scoring" : "review"));
		if (f->year)
			json_object_set_new(o, "year", json_integer(f->year));
		json_object_set_new(o, "in_force", json_boolean(f->src != NULL));
		json_array_append_new(a, o);
	}
	pthread_mutex_unlock(&reg.mu);
	return a;
}

bool
rules_refused(void)
{
	bool	 refused = false;
	size_t	 i;

	pthread_mutex_lock(&reg.mu);
	for (i = 0; i < reg.n; i++)
		refused = refused || reg.files[i].refused_sha[0] != '\0';
	pthread_mutex_unlock(&reg.mu);
	return refused;
}

const char *
rules_problem(void)
{
	bool	 review = false, scoring = false;
	size_t	 i;

	pthread_mutex_lock(&reg.mu);
	for (i = 0; i < reg.n; i++)
		if (reg.files[i].src != NULL) {
			if (reg.files[i].year)
				scoring = true;
			else
				review = true;
		}
	pthread_mutex_unlock(&reg.mu);
	if (!review)
		return "审核政策 review.lua 未能加载";
	if (!scoring)
		return "没有可用的评分标准";
	return NULL;
}

/* ---------------------------------------------------------------- workers */

static void
free_files(struct rules_worker *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		sandbox_close(&w->files[i].sb);
	free(w->files);
	w->files = NULL;
	w->n = 0;
}

void
rules_worker_free(struct rules_worker *w)
{
	free_files(w);
	w->gen = 0;
}

void
rules_worker_sync(struct rules_worker *w)
{
	struct { char name[64]; int year; char *src; size_t len; } copy[MAX_FILES];
	unsigned long	 gen = atomic_load(&reg.gen);
	size_t		 i, n = 0;
	char		 err[640];

	bool		 broken = false;

	for (i = 0; i < w->n; i++)
		broken = broken || w->files[i].sb.broken;
	/* A state retired after a panic is rebuilt with the rest. */
	if (w->files != NULL && w->gen == gen && !broken)
		return;
	pthread_mutex_lock(&reg.mu);
	gen = atomic_load(&reg.gen);
	for (i = 0; i < reg.n; i++) {
		if (reg.files[i].src == NULL)
			continue;
		snprintf(copy[n].name, sizeof(copy[n].name), "%s", reg.files[i].name);
		copy[n].year = reg.files[i].year;
		copy[n].len = reg.files[i].len;
		if ((copy[n].src = malloc(copy[n].len + 1)) == NULL)
			abort();
		memcpy(copy[n].src, reg.files[i].src, copy[n].len + 1);
		n++;
	}
	pthread_mutex_unlock(&reg.mu);

	free_files(w);
	if ((w->files = calloc(n ? n : 1, sizeof(*w->files))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		struct rules_wfile *f = &w->files[i];

		snprintf(f->name, sizeof(f->name), "%s", copy[i].name);
		f->year = copy[i].year;
		f->ok = open_module(&f->sb, f->name, copy[i].src, copy[i].len, &f->ref,
		    err, sizeof(err)) == 0;
		if (!f->ok)
			log_err("rules: %s failed to load in a worker: %s", f->name, err);
		free(copy[i].src);
	}
	w->n = n;
	w->gen = gen;
}

bool
rules_has_standard(struct rules_worker *w, int year)
{
	size_t i;

	rules_worker_sync(w);
	for (i = 0; i < w->n; i++)
		if (w->files[i].ok && w->files[i].year > 0 && w->files[i].year <= year)
			return true;
	return false;
}

int
rules_score(struct rules_worker *w, const struct facts *f, struct score_result *out,
    char *err, size_t errsz)
{
	struct rules_wfile	*best = NULL;
	size_t			 i;

	rules_worker_sync(w);
	for (i = 0; i < w->n; i++)
		if (w->files[i].ok && w->files[i].year > 0 && w->files[i].year <= f->year &&
		    (best == NULL || w->files[i].year > best->year))
			best = &w->files[i];
	if (best == NULL) {
		snprintf(err, errsz, "没有 %d 年或更早年度的评分标准", f->year);
		return -1;
	}
	return score_call(&best->sb, best->ref, best->name, f, out, err, errsz);
}

static struct rules_wfile *
review_file(struct rules_worker *w, char *err, size_t errsz)
{
	size_t i;

	rules_worker_sync(w);
	for (i = 0; i < w->n; i++)
		if (w->files[i].ok && w->files[i].year == 0)
			return &w->files[i];
	snprintf(err, errsz, "审核政策 review.lua 未能加载");
	return NULL;
}

int
rules_review_chain(struct rules_worker *w, const char *type, const char *role,
    char levels[REVIEW_MAX_LEVELS][16], size_t *n, char *err, size_t errsz)
{
	struct rules_wfile *f;

	if ((f = review_file(w, err, errsz)) == NULL)
		return -1;
	return chain_call(&f->sb, f->ref, type, role, levels, n, err, errsz);
}

int
rules_review_check(struct rules_worker *w, const struct review_ctx *c,
    char *field, size_t fieldsz, char *msg, size_t msgsz)
{
	struct rules_wfile *f;

	if ((f = review_file(w, msg, msgsz)) == NULL)
		return -1;
	return check_call(&f->sb, f->ref, c, field, fieldsz, msg, msgsz);
}

int
rules_review_bool(struct rules_worker *w, const char *fn, const char *type,
    bool *answer, char *err, size_t errsz)
{
	struct rules_wfile *f;

	if ((f = review_file(w, err, errsz)) == NULL)
		return -1;
	return bool_call(&f->sb, f->ref, fn, type, answer, err, errsz);
}

json_t *
rules_review_presets(struct rules_worker *w, char *err, size_t errsz)
{
	struct rules_wfile *f;

	if ((f = review_file(w, err, errsz)) == NULL)
		return NULL;
	return presets_get(&f->sb, f->ref, err, errsz);
}

/* ------------------------------------------------------------ candidates */

int
rules_candidate_open(struct rules_candidate *c, const char *name, const char *src,
    size_t len, char *err, size_t errsz)
{
	struct facts_qa	 qa[4];
	struct facts	 f;
	struct score_result r;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (open_module(&c->sb, name, src, len, &c->ref, err, errsz) == -1)
		return -1;
	facts_fixture_busy(&f, 2019, qa);
	if (score_call(&c->sb, c->ref, name, &f, &r, err, errsz) == -1) {
		sandbox_close(&c->sb);
		return -1;
	}
	score_result_free(&r);
	return 0;
}

int
rules_candidate_score(struct rules_candidate *c, const struct facts *f,
    struct score_result *out, char *err, size_t errsz)
{
	return score_call(&c->sb, c->ref, c->name, f, out, err, errsz);
}

void
rules_candidate_close(struct rules_candidate *c)
{
	sandbox_close(&c->sb);
}

/* ------------------------------------------------------------------ tools */

int
rules_check_file(const char *path, FILE *out)
{
	struct buf	 b = { 0 };
	char		 err[640];
	const char	*base = base_name(path);
	int		 year = standard_year(base), rc;

	if (read_file(path, &b) == -1) {
		fprintf(out, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (strlen(base) == 13 && strspn(base, "0123456789") == 4 && !strcmp(base + 4, ".test.lua")) {
		struct sandbox	 sb;
		int		 ref;
		size_t		 n;

		/* Test cases: they must compile and return the array of cases. */
		rc = load_table(&sb, true, path, b.data, b.len, "测试文件须返回用例数组", &ref, &n,
		    err, sizeof(err));
		if (rc == -1)
			fprintf(out, "%s\n", err);
		else {
			fprintf(out, "%s: ok (%zu 个用例)\n", path, n);
			sandbox_close(&sb);
		}
		buf_free(&b);
		return rc;
	}
	if (year == 0 && strcmp(base, "review.lua") != 0) {
		fprintf(out, "%s: 文件名须为 review.lua、<年份>.lua（如 2020.lua）或 <年份>.test.lua\n", path);
		buf_free(&b);
		return -1;
	}
	rc = validate(path, year, b.data, b.len, false, err, sizeof(err));
	if (rc == 0)
		fprintf(out, "%s: ok\n", path);
	else
		fprintf(out, "%s\n", err);
	buf_free(&b);
	return rc;
}

/* dst[k] = src[k] for every key; records (tables without an array part)
 * merge into records, anything else replaces. */
static void
merge(lua_State *L, int dst, int src)
{
	lua_pushnil(L);
	while (lua_next(L, src) != 0) {
		if (lua_type(L, -1) == LUA_TTABLE && lua_rawlen(L, -1) == 0) {
			lua_pushvalue(L, -2);
			if (lua_rawget(L, dst) == LUA_TTABLE) {
				merge(L, lua_absindex(L, -1), lua_absindex(L, -2));
				lua_pop(L, 2);
				continue;
			}
			lua_pop(L, 1);
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, dst);
	}
}

/* Case i of the test file: its facts merged into empty facts, scored by
 * the standard, compared with what it expects. */
static int
case_body(lua_State *L)
{
	struct case_args *a = lua_touserdata(L, 1);
	int		 c, f, exp, sc, want_t;
	struct facts	 empty;
	double		 want, got = 0;
	size_t		 k;
	bool		 found;

	lua_rawgeti(L, LUA_REGISTRYINDEX, a->cases);
	lua_rawgeti(L, -1, (lua_Integer)a->i + 1);
	c = lua_gettop(L);
	if (!lua_istable(L, c))
		BODY_FAIL(&a->b, "第 %zu 个用例不是表", a->i + 1);
	if (raw_field(L, c, "name") == LUA_TSTRING)
		snprintf(a->name, sizeof(a->name), "%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	lua_rawgeti(L, LUA_REGISTRYINDEX, a->std);
	raw_field(L, -1, "score");
	facts_empty(&empty, a->year);
	facts_push(L, &empty);
	f = lua_gettop(L);
	if (raw_field(L, c, "facts") == LUA_TTABLE)
		merge(L, f, lua_gettop(L));
	lua_pop(L, 1);
	lua_call(L, 1, 1);
	sc = lua_gettop(L);
	if (raw_field(L, c, "expect") != LUA_TTABLE)
		BODY_FAIL(&a->b, "用例缺少 expect 表");
	exp = lua_gettop(L);
	if (!lua_istable(L, sc))
		BODY_FAIL(&a->b, "score 没有返回表");
	if (raw_field(L, exp, "total") == LUA_TNUMBER) {
		want = lua_tonumber(L, -1);
		raw_field(L, sc, "total");
		got = lua_tonumber(L, -1);
		if (fabs(want - got) > 1e-9)
			BODY_FAIL(&a->b, "总分应为 %g，实际 %g", want, got);
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (raw_field(L, exp, "scores") != LUA_TTABLE)
		return 0;
	want_t = lua_gettop(L);
	raw_field(L, sc, "items");
	lua_pushnil(L);
	while (lua_next(L, want_t) != 0) {
		const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?";

		want = lua_tonumber(L, -1);
		found = false;
		for (k = 1; lua_istable(L, want_t + 1) && k <= lua_rawlen(L, want_t + 1); k++) {
			lua_rawgeti(L, want_t + 1, (lua_Integer)k);
			if (lua_istable(L, -1))
				raw_field(L, -1, "key");
			else
				lua_pushnil(L);
			/* stack: key, wanted score, item, item.key */
			if (lua_type(L, -4) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING &&
			    !strcmp(lua_tostring(L, -1), lua_tostring(L, -4))) {
				raw_field(L, -2, "score");
				got = lua_tonumber(L, -1);
				lua_pop(L, 1);
				found = true;
			}
			lua_pop(L, 2);
			if (found)
				break;
		}
		if (!found)
			BODY_FAIL(&a->b, "结果中没有 %s 项", key);
		if (fabs(want - got) > 1e-9)
			BODY_FAIL(&a->b, "%s 应得 %g 分，实际 %g 分", key, want, got);
		lua_pop(L, 1);
	}
	return 0;
}

int
rules_test_dir(const char *dir, FILE *out)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[PATH_MAX + 64], tname[64], why[640], err[640];
	struct buf	 b = { 0 };
	struct sandbox	 sb;
	int		 std, cases, year, passed = 0, failed = 0, rc;
	size_t		 i, n;
	char		 names[128][64];
	size_t		 nnames = 0, j;

	struct stat	 st;
	char		 folder[PATH_MAX];

	/* A file: its cases (2020.test.lua), or the cases of a standard
	 * (2020.lua), in the file's folder. */
	if (stat(dir, &st) == 0 && S_ISREG(st.st_mode)) {
		const char	*base = base_name(dir);
		size_t		 l = strlen(base);

		snprintf(folder, sizeof(folder), "%.*s", base == dir ? 1 : (int)(base - dir - 1),
		    base == dir ? "." : dir);
		if (l >= 8 && strspn(base, "0123456789") == 4 &&
		    (!strcmp(base + 4, ".test.lua") || !strcmp(base + 4, ".lua")))
			snprintf(names[nnames++], 64, "%.4s.test.lua", base);
		else {
			fprintf(out, "%s: 须为 <年份>.lua 或 <年份>.test.lua，或者包含它们的文件夹\n", dir);
			return -1;
		}
		dir = folder;
	} else {
		if ((d = opendir(dir)) == NULL) {
			fprintf(out, "%s: %s\n", dir, strerror(errno));
			return -1;
		}
		while ((de = readdir(d)) != NULL && nnames < 128) {
			size_t l = strlen(de->d_name);

			if (l == 13 && strspn(de->d_name, "0123456789") == 4 &&
			    !strcmp(de->d_name + 4, ".test.lua"))
				snprintf(names[nnames++], 64, "%s", de->d_name);
		}
		closedir(d);
	}
	qsort(names, nnames, sizeof(names[0]), (int (*)(const void *, const void *))strcmp);
	if (nnames == 0)
		fprintf(out, "%s: 没有 <年份>.test.lua 测试文件\n", dir);

	for (j = 0; j < nnames; j++) {
		year = atoi(names[j]);
		snprintf(tname, sizeof(tname), "%s", names[j]);
		snprintf(path, sizeof(path), "%s/%04d.lua", dir, year);
		if (read_file(path, &b) == -1) {
			fprintf(out, "not ok - %s: 找不到对应的评分标准 %04d.lua\n", tname, year);
			failed++;
			continue;
		}
		if (open_module(&sb, path, b.data, b.len, &std, err, sizeof(err)) == -1) {
			fprintf(out, "not ok - %s\n", err);
			failed++;
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, tname);
		if (read_file(path, &b) == -1) {
			fprintf(out, "not ok - %s: %s\n", path, strerror(errno));
			sandbox_close(&sb);
			failed++;
			continue;
		}
		if (load_table(&sb, false, path, b.data, b.len, "须返回用例数组", &cases, &n,
		    err, sizeof(err)) == -1) {
			fprintf(out, "not ok - %s\n", err);
			sandbox_close(&sb);
			failed++;
			continue;
		}
		for (i = 0; i < n; i++) {
			struct case_args a = { .std = std, .cases = cases, .year = year, .i = i };

			rc = run_body(&sb, case_body, &a.b, why, sizeof(why));
			if (rc == 0) {
				fprintf(out, "ok - %s #%zu %s\n", tname, i + 1, a.name);
				passed++;
			} else {
				fprintf(out, "not ok - %s #%zu %s: %s\n", tname, i + 1, a.name, why);
				failed++;
			}
		}
		sandbox_close(&sb);
	}
	buf_free(&b);
	fprintf(out, "%d passed, %d failed\n", passed, failed);
	return failed;
}

/* ------------------------------------------------------------------ bench */

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Varied facts for point i: every threshold of a standard gets crossed
 * by some points. */
static void
bench_facts(struct facts *f, int year, int i, struct facts_qa qa[4])
{
	int m, k;

	facts_empty(f, year);
	f->point_id = i + 1;
	f->basic_info_complete = i % 3 != 0;
	for (m = 0; m < 12; m++) {
		f->monthly[M_SUBSITE_INFO][m] = (i + m) % 10;
		f->monthly[M_SUBSITE_NEWS][m] = (i + 2 * m) % 5;
		f->monthly[M_WARNING_INFO][m] = i % 4;
		f->monthly[M_WORK_EXCHANGE][m] = (i + m) % 3 == 0;
	}
	for (k = 0; k < METRIC_N; k++)
		for (m = 0; m < 12; m++) {
			f->counts[k] += f->monthly[k][m];
			f->quarterly[k][m / 3] += f->monthly[k][m];
		}
	f->counts[M_INTERNAL_ADOPTED] = i % 6;
	f->columns[0] = i % 2 == 0;
	f->columns[1] = i % 5 == 0;
	if (i % 4 != 0)
		snprintf(f->annual_summary_at, sizeof(f->annual_summary_at),
		    "%04d-01-%02d 10:00:00", year + 1, 10 + i % 20);
	for (k = 0; k < 4; k++) {
		qa[k].year = year;
		qa[k].quarter = k + 1;
		snprintf(qa[k].submitted_at, sizeof(qa[k].submitted_at), "%04d-%02d-10 09:00:00",
		    k == 3 ? year + 1 : year, k == 3 ? 1 : 3 * k + 4);
		qa[k].magazine_accepted = (i + k) % 7 == 0;
	}
	f->qa = qa;
	f->nqa = (size_t)(i % 5);
	f->leader_instructions = i % 3;
}

static int
bench_one(struct sandbox *sb, int ref, const char *name, int year, int n,
    double *us_per_point, char *err, size_t errsz)
{
	struct facts		 f;
	struct facts_qa		 qa[4];
	struct score_result	 r;
	double			 t0;
	int			 i;

	t0 = now_us();
	for (i = 0; i < n; i++) {
		bench_facts(&f, year, i, qa);
		if (score_call(sb, ref, name, &f, &r, err, errsz) == -1)
			return -1;
		score_result_free(&r);
	}
	*us_per_point = (now_us() - t0) / n;
	return 0;
}

/* Scripts that make C work for them, each with what should stop it. */
static const struct { const char *name, *src; } worst_cases[] = {
	{ "plain loop (the budget)", "local x = 0 while true do x = x + 1 end" },
	{ "concatenation", "local s = '' for i = 1, 1e7 do s = s .. 'x' end" },
	{ "table.insert at the front", "local t = {} for i = 1, 1e7 do table.insert(t, 1, i) end" },
	{ "table.remove at the front",
	  "local t = {} for i = 1, 30000 do t[i] = i end "
	  "while true do table.insert(t, 1, table.remove(t, 1)) end" },
	{ "table.concat", "local t = {} for i = 1, 20000 do t[i] = 'ab' end "
	  "while true do local _ = table.concat(t) end" },
	{ "table.unpack", "local t = {} for i = 1, 5000 do t[i] = i end "
	  "while true do local _ = select('#', table.unpack(t)) end" },
	{ "table.sort", "local t = {} for i = 1, 50000 do t[i] = (i * 7919) % 50021 end "
	  "while true do table.sort(t) end" },
	{ "table.sort, comparator", "local t = {} for i = 1, 50000 do t[i] = (i * 7919) % 50021 end "
	  "while true do table.sort(t, function(a, b) return a > b end) end" },
	{ "utf8.len", "local s = string.rep('中', 300000) while true do local _ = utf8.len(s) end" },
	{ "string.byte", "local s = string.rep('x', 5000) "
	  "while true do local _ = select('#', s:byte(1, -1)) end" },
	{ "string.upper", "local s = string.rep('x', 200000) while true do local _ = s:upper() end" },
	{ "string.rep", "while true do local _ = string.rep('ab', 1e6) end" },
	{ "string.format %99d", "while true do local _ = string.format('%99d%99d%99d', 1, 2, 3) end" },
	{ "long strings compared",
	  "local a = string.rep('x', 4e6) local b = string.rep('x', 4e6 - 1) .. 'x' "
	  "while true do local _ = a == b end" },
	{ "long strings ordered",
	  "local a = string.rep('x', 4e6) local b = string.rep('x', 4e6 - 1) .. 'y' "
	  "while true do local _ = a < b end" },
	{ "memory filled in pcall", "keep = {} pcall(function() while true do keep[#keep + 1] = {} end end) "
	  "while true do end" },
	{ "pcall around the stop", "while true do pcall(function() while true do end end) end" },
	{ NULL, NULL },
};

static double
cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* How long each worst case takes to stop, against the plain loop: once
 * with the instruction count alone, once with the time limit as well. */
static int
rules_bench_worst(FILE *out)
{
	struct sandbox	 sb;
	double		 base[2] = { 0, 0 }, t, worst = 0;
	unsigned	 limit = (unsigned)reg.time_ms;
	int		 i, pass, rc = 0;
	char		 by[2][32];

	fprintf(out, "\nworst cases: processor time until stopped, against spending the budget "
	    "(%llu instructions) in a plain loop (best of five); time limit %u ms\n", reg.budget, limit);
	fprintf(out, "%-28s %12s %8s %-14s %12s %8s %s\n", "script", "count only", "ratio", "stopped by",
	    "with limit", "ratio", "stopped by");
	for (i = 0; worst_cases[i].name != NULL; i++) {
		double ms[2];

		for (pass = 0; pass < 2; pass++) {
			sandbox_set_default_time_limit(pass ? limit : 0);
			if (sandbox_open(&sb, reg.cap, reg.budget) == -1) {
				fprintf(out, "%s\n", sb.err);
				return -1;
			}
			/* The count-only pass of what only the limit stops would
			 * never end: it gets ten times the limit instead. */
			if (pass == 0 && strstr(worst_cases[i].name, "compared") != NULL)
				sb.time_limit_ms = limit * 10;
			if (pass == 0 && strstr(worst_cases[i].name, "ordered") != NULL)
				sb.time_limit_ms = limit * 10;
			t = cpu_ms();
			if (sandbox_load(&sb, "worst.lua", worst_cases[i].src,
			    strlen(worst_cases[i].src)) == 0) {
				fprintf(out, "%s: not stopped\n", worst_cases[i].name);
				rc = -1;
			}
			ms[pass] = cpu_ms() - t;
			snprintf(by[pass], sizeof(by[pass]), "%s",
			    strstr(sb.err, "运行时间") ? "time limit" :
			    strstr(sb.err, "内存") ? "memory cap" :
			    strstr(sb.err, "指令数") ? "count" : "error");
			sandbox_close(&sb);
		}
		if (i == 0) {
			/* The baseline as the limit was set: the best of five. */
			base[0] = sandbox_measure_budget(reg.cap, reg.budget);
			base[1] = ms[1];
		}
		fprintf(out, "%-28s %9.1f ms %7.2fx %-14s %9.1f ms %7.2fx %s\n", worst_cases[i].name,
		    ms[0], ms[0] / base[0], by[0], ms[1], ms[1] / base[0], by[1]);
		if (ms[1] / base[0] > worst)
			worst = ms[1] / base[0];
	}
	sandbox_set_default_time_limit(limit);
	fprintf(out, "worst with the time limit: %.2fx the budget's time (target: within 2x): %s\n",
	    worst, worst <= 2 ? "met" : "MISSED");
	return rc;
}

static int rules_bench_worst(FILE *);

int
rules_bench(const char *dir, int n, FILE *out)
{
	static const char floor_src[] =
	    "return { score = function(facts) return { items = {}, total = 0 } end }";
	struct sandbox	 sb;
	struct buf	 b = { 0 };
	char		 path[PATH_MAX + 64], name[64], err[640];
	double		 floor_us, us, t0;
	int		 ref, year, rc = 0, i, rounds = 5;
	DIR		*d;
	struct dirent	*de;

	if (open_module(&sb, "floor.lua", floor_src, sizeof(floor_src) - 1, &ref, err, sizeof(err)) == -1 ||
	    bench_one(&sb, ref, "floor.lua", 2019, n, &floor_us, err, sizeof(err)) == -1) {
		fprintf(out, "%s\n", err);
		return -1;
	}
	sandbox_close(&sb);
	fprintf(out, "%-28s %10s %12s %10s\n", "scoring", "points", "us/point", "vs floor");
	fprintf(out, "%-28s %10d %12.2f %9.1fx\n", "floor (facts + call only)", n, floor_us, 1.0);

	snprintf(path, sizeof(path), "%s/scoring", dir);
	if ((d = opendir(path)) == NULL) {
		fprintf(out, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if ((year = standard_year(de->d_name)) == 0)
			continue;
		snprintf(name, sizeof(name), "scoring/%s", de->d_name);
		snprintf(path, sizeof(path), "%s/scoring/%s", dir, de->d_name);
		if (read_file(path, &b) == -1 ||
		    open_module(&sb, name, b.data, b.len, &ref, err, sizeof(err)) == -1 ||
		    bench_one(&sb, ref, name, year, n, &us, err, sizeof(err)) == -1) {
			fprintf(out, "%s: %s\n", name, err);
			rc = -1;
			continue;
		}
		sandbox_close(&sb);
		fprintf(out, "%-28s %10d %12.2f %9.1fx   target < 20 us/point: %s\n", name, n, us,
		    us / floor_us, us < 20 ? "met" : "MISSED");
	}
	closedir(d);

	/* A reload as the server does it, of the whole folder, every file
	 * changed: compile and test-run each in a fresh state. */
	snprintf(reg.dir, sizeof(reg.dir), "%s", dir);
	log_quiet(1);
	t0 = now_us();
	for (i = 0; i < rounds; i++) {
		pthread_mutex_lock(&reg.mu);
		for (size_t j = 0; j < reg.n; j++)
			reg.files[j].sha[0] = reg.files[j].refused_sha[0] = '\0';
		pthread_mutex_unlock(&reg.mu);
		rules_reload();
	}
	fprintf(out, "reload of %s (%zu files, compile + test-run each): %.2f ms\n",
	    dir, reg.n, (now_us() - t0) / rounds / 1000);
	log_quiet(0);
	buf_free(&b);
	if (rules_bench_worst(out) == -1)
		rc = -1;
	return rc;
}

/* ---------------------------------------------------------------- scaffold */

/* src with every year token (four digits, not part of a longer number)
 * from year - 1 to year + 2 (a case of the year after, and its next
 * January) moved by delta years. */
static void
shift_years(const char *src, size_t len, int year, int delta, struct buf *out)
{
	size_t i = 0;

	while (i < len) {
		if (i + 4 <= len && strspn(src + i, "0123456789") >= 4 &&
		    (i == 0 || src[i - 1] < '0' || src[i - 1] > '9') &&
		    (i + 4 == len || src[i + 4] < '0' || src[i + 4] > '9')) {
			int y = (src[i] - '0') * 1000 + (src[i + 1] - '0') * 100 +
			    (src[i + 2] - '0') * 10 + (src[i + 3] - '0');

			if (y >= year - 1 && y <= year + 2) {
				buf_printf(out, "%04d", y + delta);
				i += 4;
				continue;
			}
		}
		buf_add(out, src + i, 1);
		i++;
	}
}

static int
write_new(const char *path, const struct buf *b, FILE *out)
{
	FILE *f;

	if ((f = fopen(path, "wx")) == NULL) {
		fprintf(out, "%s: %s\n", path, errno == EEXIST ? "已存在，未覆盖" : strerror(errno));
		return -1;
	}
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		fprintf(out, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
rules_new(const char *dir, int year, FILE *out)
{
	DIR		*d;
	struct dirent	*de;
	int		 from = 0, y, rc;
	char		 path[PATH_MAX + 64];
	struct buf	 src = { 0 }, dst = { 0 };

	if (year < 2000 || year > 2100) {
		fprintf(out, "年度须在 2000 到 2100 之间\n");
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		fprintf(out, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if ((y = standard_year(de->d_name)) > from && y < year)
			from = y;
	closedir(d);
	if (from == 0) {
		fprintf(out, "%s: 没有早于 %d 年的评分标准可作底稿\n", dir, year);
		return -1;
	}
	/* The standard, then its cases, each with the years moved. */
	snprintf(path, sizeof(path), "%s/%04d.lua", dir, from);
	if (read_file(path, &src) == -1) {
		fprintf(out, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	shift_years(src.data, src.len, from, year - from, &dst);
	snprintf(path, sizeof(path), "%s/%04d.lua", dir, year);
	rc = write_new(path, &dst, out);
	if (rc == 0)
		fprintf(out, "%s: 由 %04d.lua 生成，年份已改为 %d\n", path, from, year);
	snprintf(path, sizeof(path), "%s/%04d.test.lua", dir, from);
	if (rc == 0 && read_file(path, &src) == 0) {
		dst.len = 0;
		shift_years(src.data, src.len, from, year - from, &dst);
		snprintf(path, sizeof(path), "%s/%04d.test.lua", dir, year);
		rc = write_new(path, &dst, out);
		if (rc == 0)
			fprintf(out, "%s: 由 %04d.test.lua 生成，用例中的日期已改为 %d 年度\n", path, from, year);
	}
	buf_free(&src);
	buf_free(&dst);
	if (rc == -1)
		return -1;
	/* As generated, before anyone changes anything, it must pass. */
	snprintf(path, sizeof(path), "%s/%04d.lua", dir, year);
	if (rules_check_file(path, out) != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%04d.test.lua", dir, year);
	if (access(path, R_OK) == 0) {
		snprintf(path, sizeof(path), "%s/%04d.lua", dir, year);
		if (rules_test_dir(path, out) != 0)
			return -1;
	}
	fprintf(out, "下一步：修改文件开头的分值常量和标题，运行 yujing rules check 和 yujing rules test，"
	    "再用 POST /api/rules/preview 在实际数据上预览，最后放入 rules_dir/scoring/\n");
	return 0;
}
