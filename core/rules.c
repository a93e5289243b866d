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
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <sodium.h>

#include "buf.h"
#include "log.h"
#include "clock.h"

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
	char	 error[640];	/* why the newest file on disk was refused */
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

static int
field_string(lua_State *L, int idx, const char *k, char *dst, size_t sz, bool required)
{
	int		 t = lua_getfield(L, idx, k);
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
	copy_text(dst, sz, s, len);
	lua_pop(L, 1);
	return 0;
}

static int
field_number(lua_State *L, int idx, const char *k, double *v)
{
	int t = lua_getfield(L, idx, k);

	if (t != LUA_TNUMBER) {
		lua_pop(L, 1);
		return -1;
	}
	*v = lua_tonumber(L, -1);
	lua_pop(L, 1);
	return isfinite(*v) ? 0 : -1;
}

/* Calls module.score(facts) on the module table referenced by ref and
 * checks what comes back. */
static int
score_call(struct sandbox *sb, int ref, const char *name, const struct facts *f,
    struct score_result *out, char *err, size_t errsz)
{
	lua_State	*L = sb->L;
	int		 top = lua_gettop(L), res, it, rc = -1;
	size_t		 i, n;
	double		 sum = 0;
	struct score_item *x;

	memset(out, 0, sizeof(*out));
	snprintf(out->standard, sizeof(out->standard), "%s", name);
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	field_string(L, -1, "title", out->title, sizeof(out->title), false);
	if (lua_getfield(L, -1, "score") != LUA_TFUNCTION) {
		snprintf(err, errsz, "%s: 返回的表中没有 score 函数", name);
		goto out;
	}
	facts_push(L, f);
	if (sandbox_call(sb, 1, 1) == -1) {
		snprintf(err, errsz, "%s", sb->err);
		goto out;
	}
	res = lua_gettop(L);
	if (!lua_istable(L, res)) {
		snprintf(err, errsz, "%s: score 须返回表 {items = {...}, total = 数字}", name);
		goto out;
	}
	if (lua_getfield(L, res, "items") != LUA_TTABLE) {
		snprintf(err, errsz, "%s: 返回值缺少 items 数组", name);
		goto out;
	}
	it = lua_gettop(L);
	n = (size_t)lua_rawlen(L, it);
	if (n > 200) {
		snprintf(err, errsz, "%s: items 多于 200 项", name);
		goto out;
	}
	if ((out->items = calloc(n ? n : 1, sizeof(*out->items))) == NULL)
		abort();
	for (i = 0; i < n; i++) {
		x = &out->items[i];
		if (lua_rawgeti(L, it, (lua_Integer)i + 1) != LUA_TTABLE) {
			snprintf(err, errsz, "%s: items[%zu] 须为表", name, i + 1);
			goto out;
		}
		if (field_string(L, -1, "key", x->key, sizeof(x->key), true) == -1 ||
		    field_string(L, -1, "label", x->label, sizeof(x->label), true) == -1 ||
		    field_string(L, -1, "reason", x->reason, sizeof(x->reason), true) == -1) {
			snprintf(err, errsz, "%s: items[%zu] 的 key、label、reason 须为字符串", name, i + 1);
			goto out;
		}
		if (field_number(L, -1, "score", &x->score) == -1 ||
		    field_number(L, -1, "max", &x->max) == -1) {
			snprintf(err, errsz, "%s: items[%zu]（%s）的 score、max 须为数字", name, i + 1, x->key);
			goto out;
		}
		if (x->score < 0 || x->score > x->max) {
			snprintf(err, errsz, "%s: items[%zu]（%s）得分 %g 不在 0 到 %g 之间",
			    name, i + 1, x->key, x->score, x->max);
			goto out;
		}
		sum += x->score;
		lua_pop(L, 1);
		out->n = i + 1;
	}
	if (field_number(L, res, "total", &out->total) == -1) {
		snprintf(err, errsz, "%s: 返回值缺少数字 total", name);
		goto out;
	}
	if (fabs(out->total - sum) > 1e-9) {
		snprintf(err, errsz, "%s: total %g 不等于各项得分之和 %g", name, out->total, sum);
		goto out;
	}
	rc = 0;
out:
	lua_settop(L, top);
	if (rc != 0)
		score_result_free(out);
	return rc;
}

/* -------------------------------------------------------- review policy */

static const char *const review_functions[] = {
	"chain", "decisions", "check", "magazine_direct", "completes_on_submit", NULL,
};

static int
review_get(struct sandbox *sb, int ref, const char *fn)
{
	lua_rawgeti(sb->L, LUA_REGISTRYINDEX, ref);
	if (lua_getfield(sb->L, -1, fn) != LUA_TFUNCTION) {
		lua_pop(sb->L, 2);
		snprintf(sb->err, sizeof(sb->err), "review.lua: 缺少函数 %s", fn);
		return -1;
	}
	lua_remove(sb->L, -2);
	return 0;
}

static int
chain_call(struct sandbox *sb, int ref, const char *type, const char *role,
    char levels[REVIEW_MAX_LEVELS][16], size_t *n, char *err, size_t errsz)
{
	lua_State	*L = sb->L;
	int		 top = lua_gettop(L), rc = -1;
	size_t		 i, len;
	const char	*s;

	*n = 0;
	if (review_get(sb, ref, "chain") == -1) {
		snprintf(err, errsz, "%s", sb->err);
		return -1;
	}
	lua_pushstring(L, type);
	lua_pushstring(L, role);
	if (sandbox_call(sb, 2, 1) == -1) {
		snprintf(err, errsz, "%s", sb->err);
		goto out;
	}
	if (!lua_istable(L, -1) || (len = (size_t)lua_rawlen(L, -1)) > REVIEW_MAX_LEVELS) {
		snprintf(err, errsz, "review.lua: chain(%s, %s) 须返回审核级别数组", type, role);
		goto out;
	}
	for (i = 0; i < len; i++) {
		lua_rawgeti(L, -1, (lua_Integer)i + 1);
		s = lua_tostring(L, -1);
		if (s == NULL || (strcmp(s, "city") != 0 && strcmp(s, "province") != 0)) {
			snprintf(err, errsz, "review.lua: chain(%s, %s) 的第 %zu 级须为 \"city\" 或 \"province\"",
			    type, role, i + 1);
			goto out;
		}
		snprintf(levels[i], 16, "%s", s);
		lua_pop(L, 1);
	}
	*n = len;
	rc = 0;
out:
	lua_settop(L, top);
	return rc;
}

static int
check_call(struct sandbox *sb, int ref, const struct review_ctx *c,
    char *field, size_t fieldsz, char *msg, size_t msgsz)
{
	lua_State	*L = sb->L;
	int		 top = lua_gettop(L), rc = -1;

	if (review_get(sb, ref, "check") == -1) {
		snprintf(msg, msgsz, "%s", sb->err);
		return -1;
	}
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
	if (sandbox_call(sb, 1, 2) == -1) {
		snprintf(msg, msgsz, "%s", sb->err);
		goto out;
	}
	if (lua_isnil(L, -2)) {
		rc = 0;
		goto out;
	}
	if (!lua_isstring(L, -2) || !lua_isstring(L, -1)) {
		snprintf(msg, msgsz, "review.lua: check 须返回 nil，或字段名与中文说明");
		goto out;
	}
	snprintf(field, fieldsz, "%s", lua_tostring(L, -2));
	snprintf(msg, msgsz, "%s", lua_tostring(L, -1));
	rc = 1;
out:
	lua_settop(L, top);
	return rc;
}

static json_t *
presets_get(struct sandbox *sb, int ref, char *err, size_t errsz)
{
	lua_State	*L = sb->L;
	int		 top = lua_gettop(L);
	size_t		 i, n;
	json_t		*a = NULL;

	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	if (lua_getfield(L, -1, "presets") != LUA_TTABLE) {
		snprintf(err, errsz, "review.lua: 缺少 presets 数组");
		goto out;
	}
	a = json_array();
	n = (size_t)lua_rawlen(L, -1);
	for (i = 0; i < n; i++) {
		if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING) {
			snprintf(err, errsz, "review.lua: presets[%zu] 须为字符串", i + 1);
			json_decref(a);
			a = NULL;
			goto out;
		}
		json_array_append_new(a, json_string(lua_tostring(L, -1)));
		lua_pop(L, 1);
	}
out:
	lua_settop(L, top);
	return a;
}

/* ------------------------------------------------------------ validation */

/* Loads src into a fresh sandbox and keeps its return value as *ref. */
static int
open_module(struct sandbox *sb, const char *name, const char *src, size_t len,
    int *ref, char *err, size_t errsz)
{
	if (sandbox_open(sb, reg.cap, reg.budget) == -1 ||
	    sandbox_load(sb, name, src, len) == -1) {
		snprintf(err, errsz, "%s", sb->err);
		sandbox_close(sb);
		return -1;
	}
	if (!lua_istable(sb->L, -1)) {
		snprintf(err, errsz, "%s: 文件须返回一个表（return { ... }）", name);
		sandbox_close(sb);
		return -1;
	}
	*ref = luaL_ref(sb->L, LUA_REGISTRYINDEX);
	return 0;
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

static int
test_run_review(struct sandbox *sb, int ref, char *err, size_t errsz)
{
	static const char *const roles[] = { "point", "city", "province", NULL };
	char		 levels[REVIEW_MAX_LEVELS][16], field[64];
	size_t		 n, t, r, i;
	struct review_ctx c;
	json_t		*p;

	for (i = 0; review_functions[i] != NULL; i++) {
		if (review_get(sb, ref, review_functions[i]) == -1) {
			snprintf(err, errsz, "%s", sb->err);
			return -1;
		}
		lua_pop(sb->L, 1);
	}
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

/* Compiles and test-runs a rule file as policy staff's tools and the
 * reloader do.  kind from its name. */
static int
validate(const char *name, int year, const char *src, size_t len, char *err, size_t errsz)
{
	struct sandbox	 sb;
	int		 ref, rc;

	if (open_module(&sb, name, src, len, &ref, err, errsz) == -1)
		return -1;
	if (year > 0)
		rc = test_run_scoring(&sb, ref, name, year, err, errsz);
	else
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
	char		 sha[65], err[640];
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
	if (validate(name, year, b->data, b->len, err, sizeof(err)) == -1) {
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
rules_set_limits(size_t cap, unsigned long long budget)
{
	reg.cap = cap;
	reg.budget = budget;
}

void
rules_init(const struct config *cfg)
{
	snprintf(reg.dir, sizeof(reg.dir), "%s", cfg->rules_dir);
	rules_set_limits(cfg->rules_memory_limit, cfg->rules_instruction_limit);
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

	if (w->files != NULL && w->gen == gen)
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
	struct rules_wfile	*f;
	lua_State		*L;
	int			 top;

	if ((f = review_file(w, err, errsz)) == NULL)
		return -1;
	L = f->sb.L;
	top = lua_gettop(L);
	if (review_get(&f->sb, f->ref, fn) == -1) {
		snprintf(err, errsz, "%s", f->sb.err);
		return -1;
	}
	lua_pushstring(L, type);
	if (sandbox_call(&f->sb, 1, 1) == -1) {
		snprintf(err, errsz, "%s", f->sb.err);
		lua_settop(L, top);
		return -1;
	}
	*answer = lua_toboolean(L, -1);
	lua_settop(L, top);
	return 0;
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
		struct sandbox sb;

		/* Test cases: they must compile and return the array of cases. */
		rc = sandbox_open(&sb, reg.cap, reg.budget) == -1 ||
		    sandbox_load(&sb, path, b.data, b.len) == -1 ? -1 : 0;
		if (rc == -1)
			fprintf(out, "%s\n", sb.err);
		else if (!lua_istable(sb.L, -1)) {
			fprintf(out, "%s: 测试文件须返回用例数组\n", path);
			rc = -1;
		} else
			fprintf(out, "%s: ok (%zu 个用例)\n", path, (size_t)lua_rawlen(sb.L, -1));
		sandbox_close(&sb);
		buf_free(&b);
		return rc;
	}
	if (year == 0 && strcmp(base, "review.lua") != 0) {
		fprintf(out, "%s: 文件名须为 review.lua、<年份>.lua（如 2020.lua）或 <年份>.test.lua\n", path);
		buf_free(&b);
		return -1;
	}
	rc = validate(path, year, b.data, b.len, err, sizeof(err));
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

static int
run_case(struct sandbox *sb, int std, int cases, size_t i, const char *name, int year,
    char *why, size_t whysz)
{
	lua_State	*L = sb->L;
	int		 top = lua_gettop(L), c, f, exp, sc, rc = -1;
	struct facts	 empty;
	double		 want, got = 0;
	size_t		 k;
	bool		 found;

	lua_rawgeti(L, LUA_REGISTRYINDEX, cases);
	lua_rawgeti(L, -1, (lua_Integer)i + 1);
	c = lua_gettop(L);
	if (!lua_istable(L, c)) {
		snprintf(why, whysz, "第 %zu 个用例不是表", i + 1);
		goto out;
	}
	lua_rawgeti(L, LUA_REGISTRYINDEX, std);
	lua_getfield(L, -1, "score");
	facts_empty(&empty, year);
	facts_push(L, &empty);
	f = lua_gettop(L);
	if (lua_getfield(L, c, "facts") == LUA_TTABLE)
		merge(L, f, lua_gettop(L));
	lua_pop(L, 1);
	if (sandbox_call(sb, 1, 1) == -1) {
		snprintf(why, whysz, "%s", sb->err);
		goto out;
	}
	sc = lua_gettop(L);
	if (lua_getfield(L, c, "expect") != LUA_TTABLE) {
		snprintf(why, whysz, "用例缺少 expect 表");
		goto out;
	}
	exp = lua_gettop(L);
	if (!lua_istable(L, sc)) {
		snprintf(why, whysz, "score 没有返回表");
		goto out;
	}
	if (lua_getfield(L, exp, "total") == LUA_TNUMBER) {
		want = lua_tonumber(L, -1);
		lua_getfield(L, sc, "total");
		got = lua_tonumber(L, -1);
		if (fabs(want - got) > 1e-9) {
			snprintf(why, whysz, "总分应为 %g，实际 %g", want, got);
			goto out;
		}
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, exp, "scores") == LUA_TTABLE) {
		int want_t = lua_gettop(L);

		lua_getfield(L, sc, "items");
		lua_pushnil(L);
		while (lua_next(L, want_t) != 0) {
			want = lua_tonumber(L, -1);
			found = false;
			for (k = 1; lua_istable(L, want_t + 1) && k <= lua_rawlen(L, want_t + 1); k++) {
				lua_rawgeti(L, want_t + 1, (lua_Integer)k);
				lua_getfield(L, -1, "key");
				/* stack: key, wanted score, item, item.key */
				if (lua_isstring(L, -4) && lua_isstring(L, -1) &&
				    !strcmp(lua_tostring(L, -1), lua_tostring(L, -4))) {
					lua_getfield(L, -2, "score");
					got = lua_tonumber(L, -1);
					lua_pop(L, 1);
					found = true;
				}
				lua_pop(L, 2);
				if (found)
					break;
			}
			if (!found || fabs(want - got) > 1e-9) {
				if (found)
					snprintf(why, whysz, "%s 应得 %g 分，实际 %g 分", lua_tostring(L, -2), want, got);
				else
					snprintf(why, whysz, "结果中没有 %s 项", lua_tostring(L, -2));
				goto out;
			}
			lua_pop(L, 1);
		}
	}
	(void)name;
	rc = 0;
out:
	lua_settop(L, top);
	return rc;
}

int
rules_test_dir(const char *dir, FILE *out)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[PATH_MAX + 64], tname[64], why[640], err[640], cname[256];
	struct buf	 b = { 0 };
	struct sandbox	 sb;
	int		 std, cases, year, passed = 0, failed = 0, rc;
	size_t		 i, n;
	char		 names[128][64];
	size_t		 nnames = 0, j;

	if ((d = opendir(dir)) == NULL) {
		fprintf(out, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && nnames < 128) {
		size_t l = strlen(de->d_name);

		if (l == 13 && strspn(de->d_name, "0123456789") == 4 && !strcmp(de->d_name + 4, ".test.lua"))
			snprintf(names[nnames++], 64, "%s", de->d_name);
	}
	closedir(d);
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
		if (read_file(path, &b) == -1 ||
		    sandbox_load(&sb, path, b.data, b.len) == -1 || !lua_istable(sb.L, -1)) {
			fprintf(out, "not ok - %s: %s\n", path, sb.err[0] ? sb.err : "须返回用例数组");
			sandbox_close(&sb);
			failed++;
			continue;
		}
		cases = luaL_ref(sb.L, LUA_REGISTRYINDEX);
		lua_rawgeti(sb.L, LUA_REGISTRYINDEX, cases);
		n = (size_t)lua_rawlen(sb.L, -1);
		lua_pop(sb.L, 1);
		for (i = 0; i < n; i++) {
			lua_rawgeti(sb.L, LUA_REGISTRYINDEX, cases);
			lua_rawgeti(sb.L, -1, (lua_Integer)i + 1);
			cname[0] = '\0';
			if (lua_istable(sb.L, -1) && lua_getfield(sb.L, -1, "name") == LUA_TSTRING)
				snprintf(cname, sizeof(cname), "%s", lua_tostring(sb.L, -1));
			lua_settop(sb.L, 0);
			rc = run_case(&sb, std, cases, i, cname, year, why, sizeof(why));
			if (rc == 0) {
				fprintf(out, "ok - %s #%zu %s\n", tname, i + 1, cname);
				passed++;
			} else {
				fprintf(out, "not ok - %s #%zu %s: %s\n", tname, i + 1, cname, why);
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
	return rc;
}
