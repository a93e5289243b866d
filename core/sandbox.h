/* yujing — a sandboxed Lua 5.4 state for rule scripts: only the base
 * library (without dofile, loadfile, load, collectgarbage, print), string
 * (without string.dump), table, math and utf8; text chunks only; a memory
 * cap (counting allocator) and an instruction budget per call (a count hook
 * that turns into a line hook once the budget is spent, so that pcall
 * inside the script cannot swallow the stop).
 *
 * Every entry into the state is a protected call with the budget armed:
 * loading, running, and the C code that pushes arguments and reads results
 * (sandbox_run), so that a metamethod, a memory error or a loop anywhere
 * becomes an error of that call, never an abort.  A panic handler turns
 * what would still escape into an error too, and retires the state.  Work
 * done in C on the script's behalf is charged to the budget: bytes
 * allocated, elements that library loops touch.  And a processor-time
 * limit, enforced by the watchdog (watchdog.h), bounds what neither sees. */
#ifndef YJ_SANDBOX_H
#define YJ_SANDBOX_H

#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include <lua.h>

struct sandbox {
	lua_State		*L;
	size_t			 used;		/* bytes allocated now */
	size_t			 cap;		/* at most */
	unsigned long long	 budget;	/* instructions per call */
	unsigned long long	 count;
	bool			 stopped;	/* the budget ran out */
	bool			 timed_out;	/* the time limit ran out */
	volatile sig_atomic_t	 time_up;	/* set by the watchdog's signal */
	bool			 armed;		/* inside a protected call */
	bool			 broken;	/* panicked: used no more */
	bool			 syntax;	/* the error is a compile error */
	jmp_buf			*jb;		/* back from a panic */
	unsigned		 time_limit_ms;	/* processor time per call; 0: none */
	char			 name[128];	/* the chunk loaded last, for messages */
	char			 err[512];	/* the last error, "file:line: reason" */
};

int	 sandbox_open(struct sandbox *, size_t mem_cap, unsigned long long budget);
/* The time limit of the sandboxes opened from now on (0: none). */
void	 sandbox_set_default_time_limit(unsigned ms);
/* The processor time, in ms, that spending the budget in a plain loop
 * takes on this machine (measured now); -1 on failure. */
double	 sandbox_measure_budget(size_t mem_cap, unsigned long long budget);
void	 sandbox_close(struct sandbox *);
/* Compiles a text chunk (name is used in messages: "scoring/2019.lua:12:
 * …"), runs it and leaves its single return value on the stack.  0 or -1
 * with sb->err set and the stack as before. */
int	 sandbox_load(struct sandbox *, const char *name, const char *src, size_t len);
/* lua_pcall of the function below its nargs arguments with the budget
 * armed; -1 with sb->err set (and the error popped) on failure. */
int	 sandbox_call(struct sandbox *, int nargs, int nresults);
/* Runs fn, which may use the state outside any protected call; a Lua panic
 * there ends fn: -1 with sb->err, and the state is retired (broken: every
 * later call fails until it is closed).  sandbox_call and sandbox_run use
 * it around their lua_pcall. */
int	 sandbox_guard(struct sandbox *, void (*fn)(struct sandbox *, void *), void *ud);
/* Runs fn in a protected call with the budget armed; fn finds ud as a
 * light userdata at index 1 and leaves nresults values.  Everything fn
 * does in the state (pushing arguments, lua_call of the script's
 * functions, reading results, even with metamethods) is bounded; an error
 * raised anywhere, fn's own luaL_error included, comes back as -1 with
 * sb->err. */
int	 sandbox_run(struct sandbox *, lua_CFunction fn, void *ud, int nresults);
/* For C functions the script calls: charges n steps to the budget and
 * stops the script (as the hook does) when it is spent. */
void	 sandbox_charge(lua_State *, unsigned long long n);
/* Raises the compile error on the stack (after luaL_loadbufferx failed):
 * the message then says 语法错误. */
int	 sandbox_syntax_error(lua_State *);
/* textlib.c: the `text` helpers in place of the pattern functions, which
 * say so when called. */
void	 sandbox_text(lua_State *);

#endif
