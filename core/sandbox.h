/* yujing — a sandboxed Lua 5.4 state for rule scripts: only the base
 * library (without dofile, loadfile, load, collectgarbage, print), string
 * (without string.dump), table, math and utf8; text chunks only; a memory
 * cap (counting allocator) and an instruction budget per call (a count hook
 * that turns into a line hook once the budget is spent, so that pcall
 * inside the script cannot swallow the stop). */
#ifndef YJ_SANDBOX_H
#define YJ_SANDBOX_H

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
	char			 name[128];	/* the chunk loaded last, for messages */
	char			 err[512];	/* the last error, "file:line: reason" */
};

int	 sandbox_open(struct sandbox *, size_t mem_cap, unsigned long long budget);
void	 sandbox_close(struct sandbox *);
/* Compiles a text chunk (name is used in messages: "scoring/2019.lua:12:
 * …"), runs it and leaves its single return value on the stack.  0 or -1
 * with sb->err set and the stack as before. */
int	 sandbox_load(struct sandbox *, const char *name, const char *src, size_t len);
/* lua_pcall with the budget armed; -1 with sb->err set (and the error
 * popped) on failure. */
int	 sandbox_call(struct sandbox *, int nargs, int nresults);
/* For C functions the script calls: charges n steps to the budget and
 * stops the script (as the hook does) when it is spent. */
void	 sandbox_charge(lua_State *, unsigned long long n);
/* lua_pattern.c: string.find, match, gmatch, gsub that charge their steps. */
void	 sandbox_patterns(lua_State *);

#endif
