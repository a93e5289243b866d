/* yujing — `text`, the few text helpers rule scripts need, in place of
 * Lua's pattern functions (string.find, match, gmatch, gsub), which the
 * sandbox does not offer: a pattern can take time quadratic or worse in
 * its subject, in C, where the instruction count does not see it.  Every
 * helper here is plain (no patterns), linear in what it reads, and charges
 * what it reads and writes to the script's budget.
 *
 *   text.trim(s)               without leading and trailing blanks
 *   text.is_blank(s)           nil, "" or only blanks
 *   text.find(s, sub [, init]) plain search: start, end (1-based) or nil
 *   text.starts_with(s, p), text.ends_with(s, p)
 *   text.split(s, sep)         array of the pieces between seps (plain)
 *   text.replace(s, old, new [, n])  plain replacement: result, count
 *
 * Blanks are ASCII white space, U+3000 (ideographic space, 全角空格) and
 * U+00A0 (no-break space), as they appear in text pasted from office
 * documents. */
/* memmem: _GNU_SOURCE comes from the build flags. */
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "sandbox.h"

/* Bytes per budget step, as for allocations. */
#define TEXT_BYTES_PER_STEP 4

static void
charge_bytes(lua_State *L, size_t n)
{
	sandbox_charge(L, n / TEXT_BYTES_PER_STEP + 1);
}

/* The length of the blank at p (0: none). */
static size_t
blank_at(const char *p, size_t left)
{
	unsigned char c = (unsigned char)p[0];

	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (left >= 2 && c == 0xc2 && (unsigned char)p[1] == 0xa0)
		return 2;
	if (left >= 3 && c == 0xe3 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x80)
		return 3;
	return 0;
}

/* The length of the blank that ends at p + len (0: none). */
static size_t
blank_before(const char *p, size_t len)
{
	unsigned char c = (unsigned char)p[len - 1];

	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (len >= 2 && (unsigned char)p[len - 2] == 0xc2 && c == 0xa0)
		return 2;
	if (len >= 3 && (unsigned char)p[len - 3] == 0xe3 && (unsigned char)p[len - 2] == 0x80 &&
	    c == 0x80)
		return 3;
	return 0;
}

static void
trimmed(const char *s, size_t len, size_t *from, size_t *to)
{
	size_t a = 0, b = len, n;

	while (a < b && (n = blank_at(s + a, b - a)) > 0)
		a += n;
	while (b > a && (n = blank_before(s + a, b - a)) > 0)
		b -= n;
	*from = a;
	*to = b;
}

static int
t_trim(lua_State *L)
{
	size_t		 len, a, b;
	const char	*s = luaL_checklstring(L, 1, &len);

	charge_bytes(L, len);
	trimmed(s, len, &a, &b);
	lua_pushlstring(L, s + a, b - a);
	return 1;
}

static int
t_is_blank(lua_State *L)
{
	size_t		 len, a, b;
	const char	*s;

	if (lua_isnoneornil(L, 1)) {
		lua_pushboolean(L, 1);
		return 1;
	}
	s = luaL_checklstring(L, 1, &len);
	charge_bytes(L, len);
	trimmed(s, len, &a, &b);
	lua_pushboolean(L, a == b);
	return 1;
}

/* A 1-based, possibly negative, start position as an offset in [0, len]. */
static size_t
start_offset(lua_Integer init, size_t len)
{
	if (init > 0)
		return (size_t)init - 1 > len ? len + 1 : (size_t)init - 1;
	if (init == 0 || (size_t)-init > len)
		return 0;
	return len - (size_t)-init;
}

static int
t_find(lua_State *L)
{
	size_t		 len, sublen, at;
	const char	*s = luaL_checklstring(L, 1, &len);
	const char	*sub = luaL_checklstring(L, 2, &sublen);
	const char	*hit;

	at = start_offset(luaL_optinteger(L, 3, 1), len);
	if (at > len) {
		lua_pushnil(L);
		return 1;
	}
	/* glibc's memmem is linear in both lengths. */
	charge_bytes(L, len - at + sublen);
	hit = sublen == 0 ? s + at : memmem(s + at, len - at, sub, sublen);
	if (hit == NULL) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
	lua_pushinteger(L, (lua_Integer)(hit - s + (ptrdiff_t)sublen));
	return 2;
}

static int
t_starts_with(lua_State *L)
{
	size_t		 len, plen;
	const char	*s = luaL_checklstring(L, 1, &len);
	const char	*p = luaL_checklstring(L, 2, &plen);

	charge_bytes(L, plen);
	lua_pushboolean(L, plen <= len && memcmp(s, p, plen) == 0);
	return 1;
}

static int
t_ends_with(lua_State *L)
{
	size_t		 len, plen;
	const char	*s = luaL_checklstring(L, 1, &len);
	const char	*p = luaL_checklstring(L, 2, &plen);

	charge_bytes(L, plen);
	lua_pushboolean(L, plen <= len && memcmp(s + len - plen, p, plen) == 0);
	return 1;
}

static int
t_split(lua_State *L)
{
	size_t		 len, seplen, at = 0;
	const char	*s = luaL_checklstring(L, 1, &len);
	const char	*sep = luaL_checklstring(L, 2, &seplen);
	const char	*hit;
	lua_Integer	 k = 0;

	if (seplen == 0)
		return luaL_argerror(L, 2, "分隔符不能为空");
	charge_bytes(L, len);
	lua_newtable(L);
	for (;;) {
		hit = memmem(s + at, len - at, sep, seplen);
		sandbox_charge(L, 1);
		lua_pushlstring(L, s + at, hit ? (size_t)(hit - s) - at : len - at);
		lua_rawseti(L, -2, ++k);
		if (hit == NULL)
			break;
		at = (size_t)(hit - s) + seplen;
	}
	return 1;
}

static int
t_replace(lua_State *L)
{
	size_t		 len, oldlen, newlen, at = 0;
	const char	*s = luaL_checklstring(L, 1, &len);
	const char	*old = luaL_checklstring(L, 2, &oldlen);
	const char	*rep = luaL_checklstring(L, 3, &newlen);
	lua_Integer	 max = luaL_optinteger(L, 4, LUA_MAXINTEGER), n = 0;
	const char	*hit;
	luaL_Buffer	 b;

	if (oldlen == 0)
		return luaL_argerror(L, 2, "要替换的文字不能为空");
	charge_bytes(L, len);
	luaL_buffinit(L, &b);
	while (n < max && (hit = memmem(s + at, len - at, old, oldlen)) != NULL) {
		luaL_addlstring(&b, s + at, (size_t)(hit - s) - at);
		charge_bytes(L, newlen);
		luaL_addlstring(&b, rep, newlen);
		at = (size_t)(hit - s) + oldlen;
		n++;
	}
	luaL_addlstring(&b, s + at, len - at);
	luaL_pushresult(&b);
	lua_pushinteger(L, n);
	return 2;
}

/* What a script that calls a pattern function is told. */
static int
t_no_patterns(lua_State *L)
{
	return luaL_error(L, "规则脚本不能使用 %s（模式匹配在沙箱中不可用）；请改用 text.find、"
	    "text.trim、text.is_blank、text.split、text.replace（见 rules/README.md）",
	    lua_tostring(L, lua_upvalueindex(1)));
}

void
sandbox_text(lua_State *L)
{
	static const luaL_Reg fns[] = {
		{ "trim", t_trim },
		{ "is_blank", t_is_blank },
		{ "find", t_find },
		{ "starts_with", t_starts_with },
		{ "ends_with", t_ends_with },
		{ "split", t_split },
		{ "replace", t_replace },
		{ NULL, NULL },
	};
	static const char *const patterns[] = { "find", "match", "gmatch", "gsub", NULL };
	char	 name[32];
	size_t	 i;

	luaL_newlib(L, fns);
	lua_setglobal(L, "text");
	lua_getglobal(L, "string");
	for (i = 0; patterns[i] != NULL; i++) {
		snprintf(name, sizeof(name), "string.%s", patterns[i]);
		lua_pushstring(L, name);
		lua_pushcclosure(L, t_no_patterns, 1);
		lua_setfield(L, -2, patterns[i]);
	}
	lua_pop(L, 1);
}
