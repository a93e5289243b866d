/* yujing — Lua sandbox for rule scripts. */
#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#define HOOK_EVERY 1000

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
	return p;
}

static struct sandbox *
sb_of(lua_State *L)
{
	void *ud;

	lua_getallocf(L, &ud);
	return ud;
}

static void sb_hook(lua_State *, lua_Debug *);

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
	struct sandbox *sb = sb_of(L);

	if (!sb->stopped) {
		if (ar->event == LUA_HOOKCOUNT)
			sb->count += HOOK_EVERY;
		if (sb->count < sb->budget)
			return;
		stop(L, sb);
	}
	/* lua_error, not luaL_error: the position is the line running. */
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: 超出指令数上限（%I 条），脚本可能陷入死循环",
		    ar->short_src, ar->currentline, (lua_Integer)sb->budget);
	else
		lua_pushfstring(L, "超出指令数上限（%I 条），脚本可能陷入死循环",
		    (lua_Integer)sb->budget);
	lua_error(L);
}

void
sandbox_charge(lua_State *L, unsigned long long n)
{
	struct sandbox *sb = sb_of(L);

	sb->count += n;
	if (sb->count < sb->budget && !sb->stopped)
		return;
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
	if (lua_istable(L, 2) && lua_getfield(L, 2, "__gc") != LUA_TNIL)
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

int
sandbox_open(struct sandbox *sb, size_t cap, unsigned long long budget)
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
	const luaL_Reg	*l;
	size_t		 i;

	memset(sb, 0, sizeof(*sb));
	sb->cap = cap;
	sb->budget = budget;
	if ((sb->L = lua_newstate(sb_alloc, sb)) == NULL) {
		snprintf(sb->err, sizeof(sb->err), "无法创建 Lua 状态（内存上限过小）");
		return -1;
	}
	for (l = libs; l->func != NULL; l++) {
		luaL_requiref(sb->L, l->name, l->func, 1);
		lua_pop(sb->L, 1);
	}
	for (i = 0; banned[i] != NULL; i++) {
		lua_pushnil(sb->L);
		lua_setglobal(sb->L, banned[i]);
	}
	lua_getglobal(sb->L, LUA_STRLIBNAME);
	lua_pushnil(sb->L);
	lua_setfield(sb->L, -2, "dump");
	lua_pop(sb->L, 1);
	lua_pushcfunction(sb->L, sb_xpcall);
	lua_setglobal(sb->L, "xpcall");
	wrap(sb->L, NULL, "setmetatable", sb_setmetatable);
	wrap(sb->L, LUA_STRLIBNAME, "rep", sb_rep);
	wrap(sb->L, LUA_TABLIBNAME, "move", sb_move);
	sandbox_patterns(sb->L);
	/* Scoring makes short-lived tables by the thousand: the generational
	 * collector handles those best. */
	lua_gc(sb->L, LUA_GCGEN, 0, 0);
	return 0;
}

void
sandbox_close(struct sandbox *sb)
{
	if (sb->L != NULL)
		lua_close(sb->L);
	sb->L = NULL;
}

static void
take_error(struct sandbox *sb, int status)
{
	const char	*msg = lua_tostring(sb->L, -1);
	size_t		 n = strlen(sb->name);

	if (status == LUA_ERRMEM)
		snprintf(sb->err, sizeof(sb->err), "%s: 超出内存上限（%zu 字节）", sb->name, sb->cap);
	else if (msg != NULL && n > 0 && strncmp(msg, sb->name, n) == 0)
		snprintf(sb->err, sizeof(sb->err), "%s", msg);
	else	/* no position: still say which file */
		snprintf(sb->err, sizeof(sb->err), "%s: %s", sb->name, msg ? msg : "未知错误");
	lua_pop(sb->L, 1);
}

int
sandbox_call(struct sandbox *sb, int nargs, int nresults)
{
	int status;

	sb->count = 0;
	sb->stopped = false;
	sb->err[0] = '\0';
	lua_sethook(sb->L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
	status = lua_pcall(sb->L, nargs, nresults, 0);
	lua_sethook(sb->L, NULL, 0, 0);
	if (status != LUA_OK) {
		take_error(sb, status);
		if (sb->stopped && strstr(sb->err, "指令数上限") == NULL)
			snprintf(sb->err + strlen(sb->err), sizeof(sb->err) - strlen(sb->err),
			    "（超出指令数上限 %llu 条）", sb->budget);
		return -1;
	}
	return 0;
}

int
sandbox_load(struct sandbox *sb, const char *name, const char *src, size_t len)
{
	char	 chunk[256];
	int	 status;

	snprintf(sb->name, sizeof(sb->name), "%s", name);
	snprintf(chunk, sizeof(chunk), "@%s", name);
	/* "t": text only, a precompiled (bytecode) chunk is refused. */
	status = luaL_loadbufferx(sb->L, src, len, chunk, "t");
	if (status != LUA_OK) {
		take_error(sb, status);
		return -1;
	}
	if (sandbox_call(sb, 0, 1) == -1)
		return -1;
	return 0;
}
