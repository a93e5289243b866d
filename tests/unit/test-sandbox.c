/* yujing — unit tests: the Lua sandbox for rule scripts (core/sandbox.h).
 * Every escape attempt is refused with an error that names the chunk (and
 * the line where there is one), and the sandbox keeps working afterwards. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lualib.h>

#include "sandbox.h"
#include "watchdog.h"

/* Small limits keep the tests fast under valgrind. */
#define CAP	(2u * 1024 * 1024)
#define BUDGET	1000000ULL

static int
setup(void **state)
{
	struct sandbox *sb = calloc(1, sizeof(*sb));

	if (sb == NULL || sandbox_open(sb, CAP, BUDGET) == -1) {
		free(sb);
		return -1;
	}
	*state = sb;
	return 0;
}

static int
teardown(void **state)
{
	struct sandbox *sb = *state;

	sandbox_close(sb);
	free(sb);
	return 0;
}

/* Loads src and returns its integer result (the stack is left empty). */
static long long
run_int(struct sandbox *sb, const char *name, const char *src)
{
	long long v;

	if (sandbox_load(sb, name, src, strlen(src)) == -1)
		fail_msg("%s failed: %s", name, sb->err);
	assert_true(lua_isinteger(sb->L, -1));
	v = (long long)lua_tointeger(sb->L, -1);
	lua_settop(sb->L, 0);
	return v;
}

/* The sandbox still compiles and runs an ordinary script, a loop and an
 * allocation of a few hundred KiB included; so does a fresh one. */
static void
still_works(struct sandbox *sb)
{
	static const char ok[] =
	    "local t = {}\n"
	    "for i = 1, 20000 do t[i] = i end\n"
	    "local s = string.rep('x', 100000)\n"
	    "return #t + #s + math.max(1, 2)\n";
	struct sandbox fresh;

	assert_int_equal(lua_gettop(sb->L), 0);
	assert_int_equal(run_int(sb, "ok.lua", ok), 120002);
	assert_string_equal(sb->err, "");
	assert_true(sb->used < sb->cap);
	assert_int_equal(sandbox_open(&fresh, CAP, BUDGET), 0);
	assert_int_equal(run_int(&fresh, "ok.lua", ok), 120002);
	sandbox_close(&fresh);
}

/* src must be refused; the error names the chunk, then line (when > 0),
 * and contains want (when given). */
static void
refused(struct sandbox *sb, const char *name, const char *src, size_t len, int line,
    const char *want)
{
	char prefix[160];

	assert_int_equal(sandbox_load(sb, name, src, len), -1);
	assert_int_equal(lua_gettop(sb->L), 0);
	if (sb->err[0] == '\0')
		fail_msg("%s: refused without an error message", name);
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d:", name, line);
	else
		snprintf(prefix, sizeof(prefix), "%s:", name);
	if (strncmp(sb->err, prefix, strlen(prefix)) != 0)
		fail_msg("error %s does not start with %s", sb->err, prefix);
	if (want != NULL && strstr(sb->err, want) == NULL)
		fail_msg("error %s does not contain %s", sb->err, want);
	/* Stopped by the budget (or the time limit) exactly when the error
	 * says so. */
	assert_int_equal(sb->stopped, strstr(sb->err, "指令数上限") != NULL ||
	    strstr(sb->err, "运行时间上限") != NULL);
	/* What the failed script allocated is garbage, and goes. */
	assert_true(sb->used < sb->cap);
	lua_gc(sb->L, LUA_GCCOLLECT);
	if (sb->used >= sb->cap / 4)
		fail_msg("%s: %zu bytes still in use after a full collection", name, sb->used);
	still_works(sb);
}

#define REFUSED(sb, name, src, line, want) refused(sb, name, src, strlen(src), line, want)

/* --- libraries that are not there --- */

static void
test_os_execute_refused(void **state)
{
	REFUSED(*state, "escape/os.lua", "local x = 1\nos.execute('true')\nreturn x\n",
	    2, "os");
	REFUSED(*state, "escape/os2.lua", "return os.getenv('HOME')\n", 1, "os");
}

static void
test_io_open_refused(void **state)
{
	REFUSED(*state, "escape/io.lua", "\n\nlocal f = io.open('/etc/passwd')\nreturn f:read('a')\n",
	    3, "io");
}

static void
test_require_refused(void **state)
{
	REFUSED(*state, "escape/require.lua", "local os = require('os')\nreturn os.time()\n",
	    1, "require");
	REFUSED(*state, "escape/package.lua", "return package.loadlib('libc.so.6', 'system')\n",
	    1, "package");
}

static void
test_dofile_loadfile_refused(void **state)
{
	REFUSED(*state, "escape/dofile.lua", "return dofile('/etc/passwd')\n", 1, "dofile");
	REFUSED(*state, "escape/loadfile.lua", "local x\nx = loadfile('/etc/passwd')\n", 2, "loadfile");
}

static void
test_load_of_a_string_refused(void **state)
{
	REFUSED(*state, "escape/load.lua", "local f = load('return 1')\nreturn f()\n", 1, "load");
}

static void
test_load_of_bytecode_refused(void **state)
{
	/* string.dump is gone, so no bytecode can be made inside... */
	REFUSED(*state, "escape/dump.lua", "local b = string.dump(function() return 1 end)\n",
	    1, "dump");
	REFUSED(*state, "escape/dump2.lua", "local s = ''\nreturn s.dump(print)\n", 2, "dump");
	/* ...and load, which would take it, is gone too. */
	REFUSED(*state, "escape/loadbin.lua", "return load('\\27Lua\\84\\0', 'x', 'b')\n", 1, "load");
}

static int
dump_writer(lua_State *L, const void *p, size_t n, void *ud)
{
	luaL_Buffer *b = ud;

	(void)L;
	luaL_addlstring(b, p, n);
	return 0;
}

static void
test_binary_chunk_refused(void **state)
{
	struct sandbox	*sb = *state;
	lua_State	*L = luaL_newstate();
	luaL_Buffer	 b;
	const char	*bin;
	size_t		 len;

	/* A genuine precompiled chunk, made by an ordinary Lua state. */
	assert_non_null(L);
	luaL_buffinit(L, &b);	/* sits on the stack below the function */
	assert_int_equal(luaL_loadstring(L, "return 42"), LUA_OK);
	assert_int_equal(lua_dump(L, dump_writer, &b, 0), 0);
	lua_pop(L, 1);
	luaL_pushresult(&b);
	bin = lua_tolstring(L, -1, &len);
	assert_true(len > 4 && memcmp(bin, "\x1bLua", 4) == 0);
	refused(sb, "escape/bin.lua", bin, len, 0, "binary");
	lua_close(L);
	/* A made-up one too. */
	refused(sb, "escape/bin2.lua", "\x1bLua\x54\x00garbage", 13, 0, "binary");
}

static void
test_collectgarbage_print_absent(void **state)
{
	struct sandbox *sb = *state;

	assert_int_equal(run_int(sb, "absent.lua",
	    "local n = 0\n"
	    "for _, name in ipairs({ 'collectgarbage', 'print', 'dofile', 'loadfile', 'load',\n"
	    "    'require', 'io', 'os', 'debug', 'package', 'coroutine' }) do\n"
	    "  if _G[name] == nil then n = n + 1 end\n"
	    "end\n"
	    "return n\n"), 11);
	REFUSED(sb, "escape/gc.lua", "collectgarbage('stop')\n", 1, "collectgarbage");
	REFUSED(sb, "escape/print.lua", "\nprint('hello')\n", 2, "print");
}

static void
test_string_metatable_has_no_dump(void **state)
{
	struct sandbox *sb = *state;

	assert_int_equal(run_int(sb, "meta.lua",
	    "local idx = getmetatable('').__index\n"
	    "assert(idx == string)\n"
	    "if idx.dump == nil and string.dump == nil and ('').dump == nil then return 1 end\n"
	    "return 0\n"), 1);
	/* What the rule scripts do use is there. */
	assert_int_equal(run_int(sb, "libs.lua",
	    "return #table.concat({ 'a', 'b' }) + math.tointeger(3.0) + utf8.len('中文')\n"
	    "  + select('#', pcall(error, 'x')) + #('%d'):format(7)\n"), 2 + 3 + 2 + 2 + 1);
}

/* --- memory cap --- */

static void
test_string_rep_memory_bomb(void **state)
{
	struct sandbox *sb = *state;

	REFUSED(sb, "bomb/rep.lua", "local s = string.rep('x', 100 * 1024 * 1024)\nreturn #s\n",
	    0, "内存上限");
	REFUSED(sb, "bomb/double.lua", "local s = 'x'\nfor i = 1, 40 do s = s .. s end\nreturn #s\n",
	    0, "内存上限");
}

static void
test_huge_table(void **state)
{
	struct sandbox *sb = *state;

	REFUSED(sb, "bomb/table.lua", "local t = {}\nfor i = 1, 1e8 do t[i] = i end\nreturn #t\n",
	    0, "内存上限");
	REFUSED(sb, "bomb/strings.lua",
	    "local t = {}\nfor i = 1, 1e8 do t[#t + 1] = tostring(i) .. 'padding-padding' end\n",
	    0, "内存上限");
}

static void
test_memory_error_caught_by_pcall_is_harmless(void **state)
{
	struct sandbox *sb = *state;

	/* The script may catch the failed allocation; nothing stays allocated. */
	assert_int_equal(run_int(sb, "bomb/pcall.lua",
	    "local ok = pcall(string.rep, 'x', 100 * 1024 * 1024)\n"
	    "return ok and 1 or 0\n"), 0);
	lua_gc(sb->L, LUA_GCCOLLECT);
	assert_true(sb->used < CAP / 4);
	still_works(sb);
}

/* --- instruction budget --- */

static void
test_endless_loop(void **state)
{
	struct sandbox *sb = *state;

	REFUSED(sb, "loop/while.lua", "local x = 0\nwhile true do x = x + 1 end\n", 2, "指令数上限");
	REFUSED(sb, "loop/repeat.lua", "repeat until false\n", 1, "指令数上限");
	/* Garbage made while spinning is collected: the budget stops it. */
	REFUSED(sb, "loop/garbage.lua",
	    "while true do\n  local t = { 1, 2, 3, tostring({}) .. 'x' }\nend\n", 2, "指令数上限");
	REFUSED(sb, "loop/recurse.lua", "local function f(n) return f(n + 1) end\nreturn f(1)\n",
	    1, "指令数上限");
}

static void
test_endless_loop_in_a_helper_names_its_line(void **state)
{
	struct sandbox *sb = *state;

	/* The line of the loop, once: not the line of the call before it. */
	REFUSED(sb, "loop/helper.lua",
	    "local function helper()\n"
	    "  while true do end\n"
	    "end\n"
	    "local function score()\n"
	    "  helper()\n"
	    "end\n"
	    "score()\n", 2, "指令数上限");
	if (strstr(sb->err + 1, "loop/helper.lua:") != NULL)
		fail_msg("the position is given twice: %s", sb->err);
}

static void
test_endless_loop_inside_pcall(void **state)
{
	struct sandbox *sb = *state;

	REFUSED(sb, "loop/pcall.lua",
	    "local ok, e = pcall(function()\n"
	    "  while true do end\n"
	    "end)\n"
	    "return 1\n", 0, "指令数上限");
	REFUSED(sb, "loop/pcall2.lua",
	    "local ok = pcall(function()\n"
	    "  pcall(function() while true do end end)\n"
	    "  while true do end\n"
	    "end)\n"
	    "while true do end\n", 0, "指令数上限");
	/* Catching the stop over and over does not help either. */
	REFUSED(sb, "loop/retry.lua",
	    "while true do\n"
	    "  pcall(function() while true do end end)\n"
	    "end\n", 0, "指令数上限");
	REFUSED(sb, "loop/xpcall.lua",
	    "local function spin() while true do end end\n"
	    "while true do xpcall(spin, function(m) return m end) end\n", 0, "指令数上限");
	REFUSED(sb, "loop/error.lua",
	    "local function f() error('mine') end\n"
	    "while true do pcall(f) end\n", 0, "指令数上限");
}

static void
test_budget_resets_between_calls(void **state)
{
	struct sandbox	*sb = *state;
	static const char spin[] =
	    "return function(n)\n"
	    "  local x = 0\n"
	    "  for i = 1, n do x = x + i end\n"	/* two instructions an iteration */
	    "  return x\n"
	    "end\n";
	int		 i;

	assert_int_equal(sandbox_load(sb, "spin.lua", spin, strlen(spin)), 0);
	assert_true(lua_isfunction(sb->L, -1));
	for (i = 0; i < 3; i++) {	/* 60 % of the budget each time */
		lua_pushvalue(sb->L, 1);
		lua_pushinteger(sb->L, (lua_Integer)(BUDGET * 6 / 10 / 2));
		if (sandbox_call(sb, 1, 1) == -1)
			fail_msg("call %d failed: %s", i + 1, sb->err);
		assert_false(sb->stopped);
		assert_int_equal(lua_tointeger(sb->L, -1), 45000150000LL);
		lua_pop(sb->L, 1);
	}
	/* 120 % is still too much, and the error names the function's line. */
	lua_pushvalue(sb->L, 1);
	lua_pushinteger(sb->L, (lua_Integer)(BUDGET * 12 / 10 / 2));
	assert_int_equal(sandbox_call(sb, 1, 1), -1);
	assert_true(sb->stopped);
	if (strncmp(sb->err, "spin.lua:3:", 11) != 0 || strstr(sb->err, "指令数上限") == NULL)
		fail_msg("unexpected error %s", sb->err);
	/* The function is still there and runs again within the budget. */
	assert_int_equal(lua_gettop(sb->L), 1);
	lua_pushvalue(sb->L, 1);
	lua_pushinteger(sb->L, 10);
	assert_int_equal(sandbox_call(sb, 1, 1), 0);
	assert_false(sb->stopped);
	assert_string_equal(sb->err, "");
	assert_int_equal(lua_tointeger(sb->L, -1), 55);
	lua_settop(sb->L, 0);
	still_works(sb);
}

/* --- the budget also bounds what runs in C or outside the hook ---
 *
 * Each script runs in a child process with an alarm: a script that escapes
 * the budget fails the test instead of hanging it. */

#define WALL_LIMIT 10	/* seconds; the budget is spent in well under one */
#define WALL_LIMIT_IN_PROCESS 20	/* SIGALRM ends the whole test program */

struct outcome {
	int	 rc;
	char	 err[512];
};

/* Loads src in a fresh sandbox and closes it again, both within
 * WALL_LIMIT seconds; returns how the load went. */
static struct outcome
bounded(const char *name, const char *src)
{
	struct outcome	 o;
	struct sandbox	 sb;
	int		 fd[2], status;
	pid_t		 pid;
	ssize_t		 n;

	memset(&o, 0, sizeof(o));
	assert_int_equal(pipe(fd), 0);
	fflush(NULL);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(fd[0]);
		signal(SIGALRM, SIG_DFL);
		alarm(WALL_LIMIT);
		if (sandbox_open(&sb, CAP, BUDGET) == -1)
			_exit(3);
		o.rc = sandbox_load(&sb, name, src, strlen(src));
		snprintf(o.err, sizeof(o.err), "%s", sb.err);
		if (write(fd[1], &o, sizeof(o)) != (ssize_t)sizeof(o))
			_exit(4);
		sandbox_close(&sb);
		_exit(0);
	}
	close(fd[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	n = read(fd[0], &o, sizeof(o));
	close(fd[0]);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fail_msg("%s: still running after %d s (%s): the script escapes the instruction budget",
		    name, WALL_LIMIT, n == (ssize_t)sizeof(o) ? "in sandbox_close" : "in sandbox_load");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n != (ssize_t)sizeof(o))
		fail_msg("%s: the child ended with status %d", name, status);
	if (o.rc == -1 && strncmp(o.err, name, strlen(name)) != 0)
		fail_msg("%s: error %s does not name the chunk", name, o.err);
	return o;
}

static void
test_message_handler_cannot_escape(void **state)
{
	struct outcome o;

	(void)state;
	/* The handler runs for the budget's own error, inside the hook. */
	o = bounded("escape/xpcall.lua",
	    "local function spin() while true do end end\n"
	    "xpcall(spin, spin)\n"
	    "return 1\n");
	assert_int_equal(o.rc, -1);
	o = bounded("escape/xpcall2.lua",
	    "xpcall(function() error('x') end, function() while true do end end)\n"
	    "return 1\n");
	assert_int_equal(o.rc, -1);
}

static void
test_finalizer_cannot_escape(void **state)
{
	(void)state;
	/* A __gc metamethod run by a collection during the script... */
	bounded("escape/gc.lua",
	    "setmetatable({}, { __gc = function() while true do end end })\n"
	    "for i = 1, 100000 do local t = {} end\n"
	    "return 1\n");
	/* ...or when the state is closed. */
	bounded("escape/gc2.lua",
	    "setmetatable({}, { __gc = function() while true do end end })\n"
	    "return 1\n");
	bounded("escape/gc3.lua",
	    "local keep = setmetatable({}, { __gc = function() while true do end end })\n"
	    "return { keep = keep }\n");
}

static void
test_close_method_cannot_escape(void **state)
{
	struct outcome o;

	(void)state;
	o = bounded("escape/close.lua",
	    "do\n"
	    "  local x <close> = setmetatable({}, { __close = function() while true do end end })\n"
	    "end\n"
	    "return 1\n");
	assert_int_equal(o.rc, -1);
	if (strstr(o.err, "指令数上限") == NULL)
		fail_msg("unexpected error %s", o.err);
}

static void
test_pattern_functions_are_refused(void **state)
{
	struct sandbox *sb = *state;

	/* Patterns backtrack in C, quadratic or worse: not offered. */
	REFUSED(sb, "pattern/find.lua", "return ('abc'):find('b')\n", 1, "text.find");
	REFUSED(sb, "pattern/match.lua", "local x = 1\nreturn string.match('a', '.')\n", 2,
	    "string.match");
	REFUSED(sb, "pattern/gsub.lua", "return (('a'):gsub('a', 'b'))\n", 1, "string.gsub");
	REFUSED(sb, "pattern/gmatch.lua", "for w in ('a b'):gmatch('%S+') do end\n", 1,
	    "string.gmatch");
}

/* Runs src, which must return a string; compares it with want. */
static void
text_is(struct sandbox *sb, const char *src, const char *want)
{
	if (sandbox_load(sb, "text.lua", src, strlen(src)) == -1)
		fail_msg("%s failed: %s", src, sb->err);
	if (lua_type(sb->L, -1) != LUA_TSTRING || strcmp(lua_tostring(sb->L, -1), want) != 0)
		fail_msg("%s gave %s, want %s", src, lua_tostring(sb->L, -1), want);
	lua_settop(sb->L, 0);
}

static void
test_coroutines_absent_and_format_widths_capped(void **state)
{
	struct sandbox *sb = *state;

	/* No coroutines: a second Lua thread would run outside this state's
	 * hook and watchdog bookkeeping. */
	assert_int_equal(run_int(sb, "co.lua", "return coroutine == nil and 1 or 0\n"), 1);
	/* Lua itself refuses a width past 99: one directive is bounded. */
	REFUSED(sb, "format/width.lua", "return string.format('%100d', 1)\n", 0,
	    "运行错误（Lua 原文：invalid conversion");
}

static void
test_text_helpers(void **state)
{
	struct sandbox *sb = *state;

	text_is(sb, "return '[' .. text.trim('  \\u{3000}评审意见 \\t\\u{00A0}\\n') .. ']'", "[评审意见]");
	text_is(sb, "return '[' .. text.trim('') .. text.trim(' \\u{3000} ') .. ']'", "[]");
	text_is(sb, "return '[' .. text.trim('a b') .. ']'", "[a b]");
	text_is(sb, "return tostring(text.is_blank(nil)) .. tostring(text.is_blank(' \\u{3000}\\u{00A0}\\t'))"
	    " .. tostring(text.is_blank(' 同意 '))", "truetruefalse");
	text_is(sb, "local a, b = text.find('预警信息 abc', 'abc') return a .. ',' .. b", "14,16");
	text_is(sb, "return tostring(text.find('a.b', '.', 3)) .. tostring(text.find('abc', 'x'))",
	    "nilnil");
	text_is(sb, "local a, b = text.find('a.b.', '.', 3) return a .. ',' .. b", "4,4");
	text_is(sb, "local a = text.find('abcabc', 'c', -2) return tostring(a)", "6");
	text_is(sb, "local a, b = text.find('abc', '') return a .. ',' .. b", "1,0");
	text_is(sb, "return tostring(text.starts_with('2019-01', '2019')) .. "
	    "tostring(text.ends_with('a.lua', '.lua')) .. tostring(text.starts_with('a', 'ab'))",
	    "truetruefalse");
	text_is(sb, "return table.concat(text.split('a,,b,', ','), '|')", "a||b|");
	text_is(sb, "return table.concat(text.split('甲、乙、丙', '、'), '|')", "甲|乙|丙");
	text_is(sb, "local s, n = text.replace('a-b-c', '-', '——') return s .. n", "a——b——c2");
	text_is(sb, "local s, n = text.replace('aaa', 'a', 'b', 2) return s .. n", "bba2");
	REFUSED(sb, "text/split.lua", "return text.split('a', '')\n", 1, "分隔符不能为空");
}

static void
test_library_loops_cannot_escape(void **state)
{
	(void)state;
	/* Loops in C that allocate nothing. */
	bounded("escape/rep.lua", "return #string.rep('', 1e15)\n");
	bounded("escape/rep2.lua", "return #string.rep('', 1e15, '')\n");
	bounded("escape/move.lua", "local t = table.move({}, 1, 1e12, 1, {})\nreturn 1\n");
	/* A plain search with a long needle, over and over: charged. */
	struct outcome o = bounded("escape/find.lua",
	    "local hay = string.rep('a', 400000)\n"
	    "local needle = string.rep('a', 200000) .. 'b'\n"
	    "while true do text.find(hay, needle) end\n");
	if (o.rc != -1 || strstr(o.err, "上限") == NULL)
		fail_msg("escape/find.lua: %s", o.err);
	o = bounded("escape/replace.lua",
	    "local s = string.rep('ab', 100000)\n"
	    "while true do s = text.replace(s, 'a', 'a') end\n");
	if (o.rc != -1 || strstr(o.err, "上限") == NULL)
		fail_msg("escape/replace.lua: %s", o.err);
}

/* --- what C does with the script's values runs protected too --- */

struct read_args {
	const char	*field;
	int		 type;
};

/* Reads field of the table the chunk returned the way careless C would:
 * with metamethods. */
static int
read_body(lua_State *L)
{
	struct read_args *a = lua_touserdata(L, 1);

	lua_getglobal(L, "result");
	a->type = lua_getfield(L, -1, a->field);
	return 0;
}

static void
read_result(struct sandbox *sb, const char *src, int want_rc, const char *want)
{
	struct read_args a = { .field = "score" };

	assert_int_equal(sandbox_load(sb, "meta.lua", src, strlen(src)), 0);
	lua_setglobal(sb->L, "result");
	assert_int_equal(sandbox_run(sb, read_body, &a, 0), want_rc);
	assert_int_equal(lua_gettop(sb->L), 0);
	if (want != NULL && strstr(sb->err, want) == NULL)
		fail_msg("error %s does not contain %s", sb->err, want);
	lua_pushnil(sb->L);
	lua_setglobal(sb->L, "result");
}

static void
test_metamethods_met_by_c_are_bounded(void **state)
{
	struct sandbox *sb = *state;

	alarm(WALL_LIMIT_IN_PROCESS);
	/* An error in __index while C reads a result: an error, not an abort. */
	read_result(sb, "return setmetatable({}, {__index = function(t, k) error('boom') end})\n",
	    -1, "boom");
	/* An endless __index: stopped by the budget. */
	read_result(sb, "return setmetatable({}, {__index = function() while true do end end})\n",
	    -1, "指令数上限");
	assert_true(sb->stopped);
	/* A harmless one still answers. */
	read_result(sb, "return setmetatable({}, {__index = function() return 1 end})\n", 0, NULL);
	alarm(0);
	still_works(sb);
}

struct fill_args {
	int n;
};

static int
fill_body(lua_State *L)
{
	struct fill_args *a = lua_touserdata(L, 1);

	/* What facts_push does: tables and strings. */
	for (a->n = 0; a->n < 100000; a->n++) {
		lua_createtable(L, 0, 8);
		lua_pushstring(L, "一段说明文字，会占用一些内存");
		lua_setfield(L, -2, "reason");
		lua_setglobal(L, "last");
		lua_newtable(L);
		lua_rawseti(L, LUA_REGISTRYINDEX, a->n + 100);
	}
	return 0;
}

static void
test_memory_filled_at_load_then_pushing_is_an_error(void **state)
{
	struct sandbox	*sb = *state;
	struct fill_args a;

	/* The script fills the cap inside pcall and still returns. */
	static const char fill[] =
	    "keep = {}\n"
	    "pcall(function() while true do keep[#keep + 1] = {} end end)\n"
	    "return 1\n";

	if (sandbox_load(sb, "fill.lua", fill, strlen(fill)) != 0)
		fail_msg("fill.lua: %s", sb->err);
	lua_settop(sb->L, 0);
	assert_int_equal(sandbox_run(sb, fill_body, &a, 0), -1);
	if (strstr(sb->err, "内存上限") == NULL)
		fail_msg("unexpected error %s", sb->err);
	assert_true(a.n < 100000);
	/* The state is still usable once the script lets go. */
	lua_pushnil(sb->L);
	lua_setglobal(sb->L, "keep");
	for (int i = 0; i <= a.n; i++) {
		lua_pushnil(sb->L);
		lua_rawseti(sb->L, LUA_REGISTRYINDEX, i + 100);
	}
	lua_gc(sb->L, LUA_GCCOLLECT);
	still_works(sb);
}

static void
raise_unprotected(struct sandbox *sb, void *ud)
{
	(void)ud;
	lua_pushstring(sb->L, "outside");
	lua_error(sb->L);
}

static void
test_panic_is_an_error_and_retires_the_state(void **state)
{
	struct sandbox sb;

	(void)state;
	assert_int_equal(sandbox_open(&sb, CAP, BUDGET), 0);
	assert_int_equal(sandbox_guard(&sb, raise_unprotected, NULL), -1);
	assert_true(sb.broken);
	if (strstr(sb.err, "无保护错误") == NULL || strstr(sb.err, "outside") == NULL)
		fail_msg("unexpected error %s", sb.err);
	/* Every later call fails, without touching the state. */
	assert_int_equal(sandbox_load(&sb, "after.lua", "return 1\n", 9), -1);
	if (strstr(sb.err, "已停用") == NULL)
		fail_msg("unexpected error %s", sb.err);
	sandbox_close(&sb);
}

/* --- work in C is charged to the budget --- */

static void
test_work_in_c_is_charged(void **state)
{
	struct outcome o;

	(void)state;
	static const char *const cases[][2] = {
		{ "charge/concat.lua",
		  "local s = '' for i = 1, 500000 do s = s .. 'x' end return #s\n" },
		{ "charge/insert.lua",
		  "local t = {} for i = 1, 40000 do table.insert(t, 1, i) end return #t\n" },
		{ "charge/remove.lua",
		  "local t = {} for i = 1, 30000 do t[i] = i end\n"
		  "for r = 1, 1e6 do table.insert(t, 1, table.remove(t, 1)) end return #t\n" },
		{ "charge/tconcat.lua",
		  "local t = {} for i = 1, 20000 do t[i] = 'ab' end\n"
		  "for r = 1, 1e6 do local _ = table.concat(t) end\n" },
		{ "charge/unpack.lua",
		  "local t = {} for i = 1, 5000 do t[i] = i end\n"
		  "for r = 1, 1e7 do local _ = select('#', table.unpack(t)) end\n" },
		{ "charge/sort.lua",
		  "local t = {} for i = 1, 50000 do t[i] = (i * 7919) % 50021 end\n"
		  "for r = 1, 1e6 do table.sort(t) end\n" },
		{ "charge/utf8.lua",
		  "local s = string.rep('中', 300000)\n"
		  "for r = 1, 1e7 do local _ = utf8.len(s) end\n" },
		{ "charge/byte.lua",
		  "local s = string.rep('x', 5000)\n"
		  "for r = 1, 1e7 do local _ = select('#', s:byte(1, -1)) end\n" },
		{ "charge/format.lua",
		  "for r = 1, 1e8 do local _ = string.format('%99d%99d%99d%99s', 1, 2, 3, 'x') end\n" },
		{ "charge/sortcmp.lua",
		  "local t = {} for i = 1, 20000 do t[i] = (i * 7919) % 20011 end\n"
		  "for r = 1, 1e6 do table.sort(t, function(a, b) return a > b end) end\n" },
		{ "charge/upper.lua",
		  "local s = string.rep('x', 200000)\n"
		  "for r = 1, 1e7 do local _ = s:upper() end\n" },
		{ NULL, NULL },
	};

	for (int i = 0; cases[i][0] != NULL; i++) {
		o = bounded(cases[i][0], cases[i][1]);
		if (o.rc != -1 || strstr(o.err, "指令数上限") == NULL)
			fail_msg("%s: rc %d, error %s: not stopped by the budget", cases[i][0], o.rc, o.err);
	}
}

/* --- the processor-time limit --- */

static void
test_time_limit_stops_what_the_count_cannot_see(void **state)
{
	struct sandbox sb;

	(void)state;
	/* Comparing two long equal strings is one instruction: with a budget
	 * nobody would reach, only the time limit stops it. */
	sandbox_set_default_time_limit(200);
	assert_int_equal(sandbox_open(&sb, 8u << 20, 1ULL << 40), 0);
	sandbox_set_default_time_limit(0);
	alarm(WALL_LIMIT_IN_PROCESS);
	REFUSED(&sb, "time/compare.lua",
	    "local a = string.rep('x', 2000000)\n"
	    "local b = string.rep('x', 1999999) .. 'x'\n"
	    "local n = 0\n"
	    "while true do if a == b then n = n + 1 end end\n", 0, "运行时间上限");
	/* pcall does not catch it for good either. */
	REFUSED(&sb, "time/pcall.lua",
	    "local a = string.rep('x', 2000000)\n"
	    "local b = string.rep('x', 1999999) .. 'x'\n"
	    "while true do pcall(function() while true do local _ = a == b end end) end\n",
	    0, "运行时间上限");
	alarm(0);
	sandbox_close(&sb);
}

struct stuck_args {
	int	 worker;
	unsigned ms;
};

static void *
stuck_thread(void *arg)
{
	struct stuck_args *a = arg;

	watchdog_request_begin(a->worker, "POST", "/api/rules/preview");
	usleep(a->ms * 1000);
	watchdog_request_end();
	return NULL;
}

static void *
short_thread(void *arg)
{
	(void)arg;
	watchdog_lua_begin(100);
	watchdog_lua_end();
	watchdog_request_begin(1, "GET", "/api/scores");
	watchdog_request_end();
	return NULL;
}

/* Threads come and go (a list scored in two threads makes one per
 * request): each gives its slot back, so a thousand of them, more than
 * there are slots, leave room for the next. */
static void
test_watchdog_slots_are_given_back(void **state)
{
	pthread_t t[8];

	(void)state;
	for (int round = 0; round < 125; round++) {
		for (int i = 0; i < 8; i++)
			assert_int_equal(pthread_create(&t[i], NULL, short_thread, NULL), 0);
		for (int i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
	}
}

static void
test_watchdog_reports_a_stuck_request(void **state)
{
	struct stuck_args	 a = { .worker = 7, .ms = 2500 };
	pthread_t		 t;
	json_t			*j, *e;

	(void)state;
	watchdog_set_stuck_after(1);
	assert_int_equal(pthread_create(&t, NULL, stuck_thread, &a), 0);
	usleep(300 * 1000);
	j = watchdog_stuck_json();
	assert_int_equal(json_array_size(j), 0);	/* not yet */
	json_decref(j);
	usleep(1500 * 1000);
	j = watchdog_stuck_json();
	assert_int_equal(json_array_size(j), 1);
	e = json_array_get(j, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "worker")), 7);
	assert_string_equal(json_string_value(json_object_get(e, "request")), "POST /api/rules/preview");
	assert_true(json_integer_value(json_object_get(e, "seconds")) >= 1);
	json_decref(j);
	pthread_join(t, NULL);
	j = watchdog_stuck_json();
	assert_int_equal(json_array_size(j), 0);	/* over */
	json_decref(j);
	watchdog_set_stuck_after(30);
}

/* --- errors --- */

static void
test_runtime_and_syntax_errors_name_chunk_and_line(void **state)
{
	struct sandbox *sb = *state;

	REFUSED(sb, "scoring/2019.lua", "local a = 1\nlocal b = 2\nlocal c = = 3\n", 3, NULL);
	REFUSED(sb, "scoring/2019.lua", "local t = nil\n\n\n\nreturn t.x\n", 5, "nil");
	REFUSED(sb, "scoring/2019.lua", "error('自定义错误')\n", 1, "自定义错误");
	/* An error value without position still names the file. */
	REFUSED(sb, "scoring/2019.lua", "error({})\n", 0, NULL);
	REFUSED(sb, "scoring/2019.lua", "error('no position', 0)\n", 0, "no position");
}

static void
test_tiny_cap_fails_cleanly(void **state)
{
	struct sandbox sb;

	(void)state;
	assert_int_equal(sandbox_open(&sb, 64, BUDGET), -1);
	assert_null(sb.L);
	assert_true(sb.err[0] != '\0');
	sandbox_close(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_os_execute_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_io_open_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_require_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dofile_loadfile_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_of_a_string_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_of_bytecode_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_chunk_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collectgarbage_print_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string_metatable_has_no_dump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_string_rep_memory_bomb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_error_caught_by_pcall_is_harmless, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endless_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endless_loop_in_a_helper_names_its_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endless_loop_inside_pcall, setup, teardown),
		cmocka_unit_test_setup_teardown(test_budget_resets_between_calls, setup, teardown),
		cmocka_unit_test(test_message_handler_cannot_escape),
		cmocka_unit_test(test_finalizer_cannot_escape),
		cmocka_unit_test(test_close_method_cannot_escape),
		cmocka_unit_test_setup_teardown(test_pattern_functions_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coroutines_absent_and_format_widths_capped, setup,
		    teardown),
		cmocka_unit_test(test_library_loops_cannot_escape),
		cmocka_unit_test_setup_teardown(test_runtime_and_syntax_errors_name_chunk_and_line, setup, teardown),
		cmocka_unit_test(test_tiny_cap_fails_cleanly),
		cmocka_unit_test_setup_teardown(test_metamethods_met_by_c_are_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_filled_at_load_then_pushing_is_an_error,
		    setup, teardown),
		cmocka_unit_test(test_panic_is_an_error_and_retires_the_state),
		cmocka_unit_test(test_work_in_c_is_charged),
		/* These start the watchdog's thread: after every forking test. */
		cmocka_unit_test(test_time_limit_stops_what_the_count_cannot_see),
		cmocka_unit_test(test_watchdog_slots_are_given_back),
		cmocka_unit_test(test_watchdog_reports_a_stuck_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
