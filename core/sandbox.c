/* yujing — Lua sandbox for rule scripts. */
#include "sandbox.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "log.h"
#include "watchdog.h"

#define HOOK_EVERY 1000

/* Work done in C on the script's behalf, in instructions: one per this
 * many bytes allocated (a concatenation copies what it allocates), one per
 * element a library loop touches.  tests/bench-rules.sh prints what the
 * worst cases then take against a plain loop that spends the budget. */
#define BYTES_PER_STEP 4
/* What one element of a library loop costs, in instructions (measured). */
#define SHIFT_STEPS 3
#define CONCAT_STEPS 4
#define SORT_STEPS 5
#define FORMAT_STEPS 50

/* The sandbox whose protected call runs on this thread, for the
 * watchdog's interrupt. */
static _Thread_local struct sandbox *volatile running;

static unsigned default_time_limit_ms;

static void sb_hook(lua_State *, lua_Debug *);

static void *
sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sandbox	*sb = ud;
	size_t		 old = ptr != NULL ? osize : 0;
	void		*p;

	if (nsize == 0) {
		free(ptr);
		sb->used -= old;
		return NULL;
	}
	if (nsize > old && sb->used - old + nsize > sb->cap)
		return NULL;		/* Lua raises "not enough memory" */
	if ((p = realloc(ptr, nsize)) == NULL)
		return NULL;
	sb->used = sb->used - old + nsize;
	if (sb->armed && nsize > old) {
		/* Charged here, stopped at the next instruction: the allocator
		 * must not raise, but arming the hook is allowed anywhere. */
		sb->count += (nsize - old) / BYTES_PER_STEP;
		if (sb->count >= sb->budget && !sb->stopped && sb->L != NULL) {
			sb->stopped = true;
			lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
		}
	}
	return p;
}

static struct sandbox *
sb_of(lua_State *L)
{
	void *ud;

	lua_getallocf(L, &ud);
	return ud;
}

/* From the first stop on, every line and every instruction raises, so a
 * pcall in the script only catches the error to run into it again. */
static void
stop(lua_State *L, struct sandbox *sb)
{
	if (!sb->stopped) {
		sb->stopped = true;
		lua_sethook(L, sb_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
	}
}

static void
sb_hook(lua_State *L, lua_Debug *ar)
{
	struct sandbox	*sb = sb_of(L);
	char		 what[160];

	if (sb->time_up && !sb->timed_out) {
		sb->timed_out = true;
		stop(L, sb);
	}
	if (!sb->stopped) {
		if (ar->event == LUA_HOOKCOUNT)
			sb->count += HOOK_EVERY;
		if (sb->count < sb->budget)
			return;
		stop(L, sb);
	}
	if (sb->timed_out)
		snprintf(what, sizeof(what), "超出运行时间上限（%u 毫秒），脚本可能陷入死循环或做了过多的工作",
		    sb->time_limit_ms);
	else
		snprintf(what, sizeof(what), "超出指令数上限（%llu 条），脚本可能陷入死循环", sb->budget);
	/* lua_error, not luaL_error: the position is the line running. */
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline, what);
	else
		lua_pushstring(L, what);
	lua_error(L);
}

/* From the watchdog's signal, on the thread running the script: the next
 * instruction calls the hook, which sees time_up. */
static void
sb_interrupt(void)
{
	struct sandbox *sb = running;

	if (sb != NULL && sb->L != NULL && sb->armed) {
		sb->time_up = 1;
		lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT, 1);
	}
}

void
sandbox_charge(lua_State *L, unsigned long long n)
{
	struct sandbox *sb = sb_of(L);

	sb->count += n;
	if (sb->count < sb->budget && !sb->stopped)
		return;
	if (sb->timed_out)
		luaL_error(L, "超出运行时间上限（%d 毫秒），脚本可能陷入死循环或做了过多的工作",
		    (int)sb->time_limit_ms);
	stop(L, sb);
	luaL_error(L, "超出指令数上限（%I 条），脚本可能陷入死循环", (lua_Integer)sb->budget);
}

/*
 * Library functions replaced because the stock ones let a script escape
 * the limits.
 */

/* xpcall: Lua runs a message handler with hooks off, so an endless loop in
 * it would never stop.  Here the handler runs after the error has unwound,
 * as ordinary code under the hook. */
static int
sb_xpcall(lua_State *L)
{
	int n = lua_gettop(L), status;

	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 1);
	for (int i = 3; i <= n; i++)
		lua_pushvalue(L, i);
	status = lua_pcall(L, n - 2, LUA_MULTRET, 0);
	if (status == LUA_OK) {
		lua_pushboolean(L, 1);
		lua_insert(L, n + 1);
		return lua_gettop(L) - n;
	}
	lua_pushvalue(L, 2);
	lua_insert(L, -2);
	if (lua_pcall(L, 1, 1, 0) != LUA_OK && sb_of(L)->stopped)
		return lua_error(L);
	lua_pushboolean(L, 0);
	lua_insert(L, -2);
	return 2;
}

/* setmetatable without __gc: Lua runs finalizers with hooks off. */
static int
sb_setmetatable(lua_State *L)
{
	lua_pushliteral(L, "__gc");
	if (lua_istable(L, 2) && lua_rawget(L, 2) != LUA_TNIL)
		return luaL_error(L, "规则脚本不能使用 __gc 元方法");
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, 2, 1);
	return 1;
}

/* string.rep: the result must fit under the memory cap, and repeating an
 * empty string is not allowed to spin a billion times. */
static int
sb_rep(lua_State *L)
{
	size_t		 l, lsep = 0;
	lua_Integer	 n;
	struct sandbox	*sb = sb_of(L);

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	if ((unsigned long long)n > sb->cap / (l + lsep) + 1)
		return luaL_error(L, "string.rep 的结果超出内存上限（%I 字节）", (lua_Integer)sb->cap);
	sandbox_charge(L, (unsigned long long)n / 64);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* table.move: its loop runs in C; charge one step per element. */
static int
sb_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);

	if (e >= f)
		sandbox_charge(L, (unsigned long long)e - (unsigned long long)f + 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* Library functions that loop in C: each charges what it will touch before
 * it runs, then calls the original (its upvalue). */
static int
call_original(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static unsigned long long
span(lua_Integer i, lua_Integer j)
{
	return j >= i ? (unsigned long long)j - (unsigned long long)i + 1 : 0;
}

static lua_Integer
table_len(lua_State *L, int idx)
{
	return lua_type(L, idx) == LUA_TTABLE ? (lua_Integer)lua_rawlen(L, idx) : 0;
}

/* table.insert(t, pos, v) and table.remove(t, pos) shift what follows pos. */
static int
sb_insert(lua_State *L)
{
	lua_Integer n = table_len(L, 1);

	if (lua_gettop(L) >= 3)
		sandbox_charge(L, SHIFT_STEPS * span(luaL_optinteger(L, 2, n + 1), n + 1));
	return call_original(L);
}

static int
sb_remove(lua_State *L)
{
	lua_Integer n = table_len(L, 1);

	sandbox_charge(L, SHIFT_STEPS * span(luaL_optinteger(L, 2, n), n) + 1);
	return call_original(L);
}

/* table.concat(t, sep, i, j), table.unpack(t, i, j): one per element. */
static int
sb_concat(lua_State *L)
{
	lua_Integer n = table_len(L, 1);

	sandbox_charge(L, CONCAT_STEPS * span(luaL_optinteger(L, 3, 1), luaL_optinteger(L, 4, n)));
	return call_original(L);
}

static int
sb_unpack(lua_State *L)
{
	lua_Integer n = table_len(L, 1);

	sandbox_charge(L, span(luaL_optinteger(L, 2, 1), luaL_optinteger(L, 3, n)));
	return call_original(L);
}

/* table.sort: n log n comparisons (a comparator's own work is counted by
 * the hook as well). */
static int
sb_sort(lua_State *L)
{
	double n = (double)table_len(L, 1);

	if (n > 1)
		sandbox_charge(L, (unsigned long long)(SORT_STEPS * n * ceil(log2(n))));
	return call_original(L);
}

/* string.byte(s, i, j), utf8.codepoint(s, i, j): one per byte asked for;
 * utf8.len(s, i, j) and utf8.offset(s, n, i) walk the string. */
static int
sb_byte_span(lua_State *L)
{
	size_t		 l;
	lua_Integer	 i, j;

	luaL_checklstring(L, 1, &l);
	i = luaL_optinteger(L, 2, 1);
	j = luaL_optinteger(L, 3, i);
	if (i < 0)
		i = (lua_Integer)l + i + 1;
	if (j < 0)
		j = (lua_Integer)l + j + 1;
	sandbox_charge(L, span(i < 1 ? 1 : i, j > (lua_Integer)l ? (lua_Integer)l : j));
	return call_original(L);
}

static int
sb_string_walk(lua_State *L)
{
	size_t l;

	luaL_checklstring(L, 1, &l);
	sandbox_charge(L, l / 4 + 1);
	return call_original(L);
}

/* string.format: each directive formats through the C library. */
static int
sb_format(lua_State *L)
{
	size_t		 l, i, n = 0;
	const char	*f = luaL_checklstring(L, 1, &l);

	for (i = 0; i < l; i++)
		if (f[i] == '%')
			n++;
	sandbox_charge(L, FORMAT_STEPS * n + l);
	return call_original(L);
}

/* string.char(...), utf8.char(...): one per argument. */
static int
sb_per_arg(lua_State *L)
{
	sandbox_charge(L, (unsigned long long)lua_gettop(L));
	return call_original(L);
}

/* Replaces lib[name] (lib NULL: a global) by fn with the original as its
 * upvalue. */
static void
wrap(lua_State *L, const char *lib, const char *name, lua_CFunction fn)
{
	if (lib != NULL)
		lua_getglobal(L, lib);
	else
		lua_pushglobaltable(L);
	lua_getfield(L, -1, name);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
}

/* A Lua panic (an error outside any protected call) would abort the
 * process: here it ends the protected call that was running instead, and
 * the state, which may be inconsistent, is used no more. */
static int
sb_panic(lua_State *L)
{
	struct sandbox	*sb = sb_of(L);
	const char	*m = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;

	snprintf(sb->err, sizeof(sb->err), "%s: Lua 无保护错误（%s），该规则状态已停用",
	    sb->name[0] ? sb->name : "sandbox", m ? m : "错误值不是字符串");
	sb->broken = true;
	if (sb->jb != NULL)
		longjmp(*sb->jb, 1);
	log_err("rules: %s", sb->err);
	return 0;	/* Lua aborts: nowhere to go back to */
}

static int
open_body(lua_State *L)
{
	static const luaL_Reg libs[] = {
		{ LUA_GNAME, luaopen_base },
		{ LUA_STRLIBNAME, luaopen_string },
		{ LUA_TABLIBNAME, luaopen_table },
		{ LUA_MATHLIBNAME, luaopen_math },
		{ LUA_UTF8LIBNAME, luaopen_utf8 },
		{ NULL, NULL },
	};
	static const char *const banned[] = {
		"dofile", "loadfile", "load", "collectgarbage", "print", "require", NULL,
	};
	static const struct { const char *lib, *name; lua_CFunction fn; } charged[] = {
		{ NULL, "setmetatable", sb_setmetatable },
		{ LUA_STRLIBNAME, "rep", sb_rep },
		{ LUA_STRLIBNAME, "byte", sb_byte_span },
		{ LUA_STRLIBNAME, "char", sb_per_arg },
		{ LUA_STRLIBNAME, "format", sb_format },
		{ LUA_TABLIBNAME, "move", sb_move },
		{ LUA_TABLIBNAME, "insert", sb_insert },
		{ LUA_TABLIBNAME, "remove", sb_remove },
		{ LUA_TABLIBNAME, "concat", sb_concat },
		{ LUA_TABLIBNAME, "unpack", sb_unpack },
		{ LUA_TABLIBNAME, "sort", sb_sort },
		{ LUA_UTF8LIBNAME, "char", sb_per_arg },
		{ LUA_UTF8LIBNAME, "codepoint", sb_byte_span },
		{ LUA_UTF8LIBNAME, "len", sb_string_walk },
		{ LUA_UTF8LIBNAME, "offset", sb_string_walk },
		{ NULL, NULL, NULL },
	};
	const luaL_Reg	*l;
	size_t		 i;

	for (l = libs; l->func != NULL; l++) {
		luaL_requiref(L, l->name, l->func, 1);
		lua_pop(L, 1);
	}
	for (i = 0; banned[i] != NULL; i++) {
		lua_pushnil(L);
		lua_setglobal(L, banned[i]);
	}
	lua_getglobal(L, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 1);
	lua_pushcfunction(L, sb_xpcall);
	lua_setglobal(L, "xpcall");
	for (i = 0; charged[i].fn != NULL; i++)
		wrap(L, charged[i].lib, charged[i].name, charged[i].fn);
	sandbox_text(L);
	/* Scoring makes short-lived tables by the thousand: the generational
	 * collector handles those best. */
	lua_gc(L, LUA_GCGEN, 0, 0);
	return 0;
}

void
sandbox_set_default_time_limit(unsigned ms)
{
	default_time_limit_ms = ms;
}

int
sandbox_open(struct sandbox *sb, size_t cap, unsigned long long budget)
{
	memset(sb, 0, sizeof(*sb));
	sb->cap = cap;
	sb->budget = budget;
	sb->time_limit_ms = default_time_limit_ms;
	watchdog_set_interrupt(sb_interrupt);
	if ((sb->L = lua_newstate(sb_alloc, sb)) == NULL) {
		snprintf(sb->err, sizeof(sb->err), "无法创建 Lua 状态（内存上限过小）");
		return -1;
	}
	lua_atpanic(sb->L, sb_panic);
	snprintf(sb->name, sizeof(sb->name), "sandbox");
	if (sandbox_run(sb, open_body, NULL, 0) == -1) {
		lua_close(sb->L);
		sb->L = NULL;
		return -1;
	}
	return 0;
}

void
sandbox_close(struct sandbox *sb)
{
	if (sb->L != NULL)
		lua_close(sb->L);
	sb->L = NULL;
}


/* Whether s has a Chinese character (a three-byte UTF-8 sequence in the
 * CJK blocks): then it is a message of ours, or the script's own. */
static bool
has_cjk(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0xe3 && (unsigned char)*s <= 0xe9)
			return true;
	return false;
}

/* The error object as a message, without converting it in place (that
 * would allocate, outside any protected call). */
static void
take_error(struct sandbox *sb, int status)
{
	const char	*msg = NULL;
	char		 num[64];
	size_t		 n = strlen(sb->name);

	if (lua_type(sb->L, -1) == LUA_TSTRING)
		msg = lua_tostring(sb->L, -1);
	else if (lua_type(sb->L, -1) == LUA_TNUMBER) {
		snprintf(num, sizeof(num), "%.14g", (double)lua_tonumber(sb->L, -1));
		msg = num;
	}
	if (status == LUA_ERRMEM || (msg != NULL && !strcmp(msg, "not enough memory")))
		snprintf(sb->err, sizeof(sb->err), "%s: 超出内存上限（%zu 字节）", sb->name, sb->cap);
	else if (msg != NULL && n > 0 && strncmp(msg, sb->name, n) == 0 && !has_cjk(msg)) {
		/* Lua's own English: a Chinese word first, Lua's words after. */
		const char	*p = msg + n, *q;
		size_t		 pre = n;

		if (*p == ':') {
			for (q = p + 1; *q >= '0' && *q <= '9'; q++)
				;
			if (q > p + 1 && *q == ':') {
				pre = (size_t)(q - msg);
				p = q + 1;
			} else
				p++;
		}
		while (*p == ' ')
			p++;
		snprintf(sb->err, sizeof(sb->err), "%.*s: %s（Lua 原文：%s）", (int)pre, msg,
		    sb->syntax ? "语法错误" : "运行错误", p);
	} else if (msg != NULL && n > 0 && strncmp(msg, sb->name, n) == 0)
		snprintf(sb->err, sizeof(sb->err), "%s", msg);
	else if (msg != NULL && !has_cjk(msg))	/* no position: still say which file */
		snprintf(sb->err, sizeof(sb->err), "%s: %s（Lua 原文：%s）", sb->name,
		    sb->syntax ? "语法错误" : "运行错误", msg);
	else
		snprintf(sb->err, sizeof(sb->err), "%s: %s", sb->name,
		    msg ? msg : "错误值不是字符串");
	lua_pop(sb->L, 1);
}

int
sandbox_guard(struct sandbox *sb, void (*fn)(struct sandbox *, void *), void *ud)
{
	jmp_buf			 jb;
	jmp_buf *volatile	 saved = sb->jb;

	if (sb->broken) {
		snprintf(sb->err, sizeof(sb->err), "%s: 该规则状态已停用，将在下次加载时重建", sb->name);
		return -1;
	}
	if (setjmp(jb) != 0) {
		/* From sb_panic: sb->err says what happened. */
		running = NULL;
		watchdog_lua_end();
		sb->armed = false;
		sb->jb = saved;
		return -1;
	}
	sb->jb = &jb;
	fn(sb, ud);
	sb->jb = saved;
	return 0;
}

struct pcall_args {
	int	 nargs, nresults, status;
};

static void
pcall_fn(struct sandbox *sb, void *ud)
{
	struct pcall_args	*a = ud;
	lua_State		*L = sb->L;

	sb->armed = true;
	lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
	running = sb;
	watchdog_lua_begin(sb->time_limit_ms);
	a->status = lua_pcall(L, a->nargs, a->nresults, 0);
	watchdog_lua_end();
	running = NULL;
	lua_sethook(L, NULL, 0, 0);
	sb->armed = false;
	if (a->status != LUA_OK)
		take_error(sb, a->status);
}

/* The one way into the state: the function below its nargs arguments runs
 * in lua_pcall with the budget armed, the watchdog told, and a way back
 * from a panic. */
static int
protected(struct sandbox *sb, int nargs, int nresults)
{
	struct pcall_args a = { .nargs = nargs, .nresults = nresults };

	sb->count = 0;
	sb->syntax = false;
	sb->stopped = sb->timed_out = false;
	sb->time_up = 0;
	sb->err[0] = '\0';
	if (sb->broken)
		lua_pop(sb->L, nargs + 1);
	if (sandbox_guard(sb, pcall_fn, &a) == -1)
		return -1;
	if (a.status != LUA_OK) {
		if (sb->stopped && strstr(sb->err, "指令数上限") == NULL &&
		    strstr(sb->err, "运行时间上限") == NULL) {
			if (sb->timed_out)
				snprintf(sb->err + strlen(sb->err), sizeof(sb->err) - strlen(sb->err),
				    "（超出运行时间上限 %u 毫秒）", sb->time_limit_ms);
			else
				snprintf(sb->err + strlen(sb->err), sizeof(sb->err) - strlen(sb->err),
				    "（超出指令数上限 %llu 条）", sb->budget);
		}
		return -1;
	}
	return 0;
}

int
sandbox_call(struct sandbox *sb, int nargs, int nresults)
{
	return protected(sb, nargs, nresults);
}

int
sandbox_run(struct sandbox *sb, lua_CFunction fn, void *ud, int nresults)
{
	lua_pushcfunction(sb->L, fn);
	lua_pushlightuserdata(sb->L, ud);
	return protected(sb, 1, nresults);
}

int
sandbox_syntax_error(lua_State *L)
{
	sb_of(L)->syntax = true;
	return lua_error(L);
}

struct load_args {
	const char	*src;
	size_t		 len;
	char		 chunk[256];
};

static int
load_body(lua_State *L)
{
	struct load_args *a = lua_touserdata(L, 1);

	/* "t": text only, a precompiled (bytecode) chunk is refused. */
	if (luaL_loadbufferx(L, a->src, a->len, a->chunk, "t") != LUA_OK)
		return sandbox_syntax_error(L);
	lua_call(L, 0, 1);
	return 1;
}

int
sandbox_load(struct sandbox *sb, const char *name, const char *src, size_t len)
{
	struct load_args a = { .src = src, .len = len };

	snprintf(sb->name, sizeof(sb->name), "%s", name);
	snprintf(a.chunk, sizeof(a.chunk), "@%s", name);
	return sandbox_run(sb, load_body, &a, 1);
}

double
sandbox_measure_budget(size_t cap, unsigned long long budget)
{
	static const char spin[] = "local x = 0 while true do x = x + 1 end";
	/* A tenth of a big budget is measured and scaled (the loop's cost per
	 * instruction does not change with its length), the best of five: on
	 * a busy machine the others measure the neighbours. */
	unsigned long long probe = budget > 2000000 ? budget / 10 : budget;
	struct sandbox	 sb;
	struct timespec	 a, b;
	unsigned	 saved = default_time_limit_ms;
	double		 best = -1, ms;
	int		 rc, i;

	default_time_limit_ms = 0;
	rc = sandbox_open(&sb, cap, probe);
	default_time_limit_ms = saved;
	if (rc == -1)
		return -1;
	for (i = 0; i < 5; i++) {
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		rc = sandbox_load(&sb, "measure.lua", spin, sizeof(spin) - 1);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		if (rc != -1)
			break;
		ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		if (best < 0 || ms < best)
			best = ms;
	}
	sandbox_close(&sb);
	if (rc != -1)
		return -1;
	return best * ((double)budget / (double)probe);
}
