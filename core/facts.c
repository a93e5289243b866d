/* yujing — facts for scoring, as a Lua table. */
#include "facts.h"

#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

const char *const metric_names[METRIC_N] = {
	"warning_info", "annual_summary", "quarterly_analysis", "internal_adopted",
	"quarterly_magazine", "warning_magazine", "subsite_info", "subsite_news",
	"work_exchange", "subsite_policy",
};

const char *const metric_labels[METRIC_N] = {
	"上报信息", "年度总结", "季度分析", "内部交流采纳", "季度分析杂志录用",
	"预警信息杂志录用", "子网站信息", "子网站工作动态", "外网录用", "子网站政策法规",
};

int
metric_find(const char *name, size_t len)
{
	int m;

	for (m = 0; m < METRIC_N; m++)
		if (strlen(metric_names[m]) == len && !strncmp(metric_names[m], name, len))
			return m;
	return -1;
}

const char *const column_names[COLUMN_N] = { "预警信息", "工作动态", "政策法规" };

void
facts_empty(struct facts *f, int year)
{
	static const struct facts empty = {
		.months = 12, .point_id = 1, .point_name = "测试预警点", .city = "330100",
		.city_name = "杭州市", .type = "省级", .status = "正式", .months_loaded = true,
	};

	*f = empty;
	f->year = year;
}

void
facts_fixture_busy(struct facts *f, int year, struct facts_qa qa[4])
{
	int m, i;

	facts_empty(f, year);
	f->basic_info_complete = true;
	for (m = 0; m < 12; m++) {
		f->monthly[M_SUBSITE_INFO][m] = 8;
		f->monthly[M_SUBSITE_NEWS][m] = 3;
		f->monthly[M_WARNING_INFO][m] = 2;
		f->monthly[M_WORK_EXCHANGE][m] = 1;
	}
	for (i = 0; i < METRIC_N; i++)
		for (m = 0; m < 12; m++) {
			f->counts[i] += f->monthly[i][m];
			f->quarterly[i][m / 3] += f->monthly[i][m];
		}
	f->counts[M_QUARTERLY_ANALYSIS] = 4;
	f->counts[M_QUARTERLY_MAGAZINE] = 2;
	f->counts[M_INTERNAL_ADOPTED] = 3;
	f->counts[M_ANNUAL_SUMMARY] = 1;
	f->columns[0] = f->columns[1] = true;
	snprintf(f->annual_summary_at, sizeof(f->annual_summary_at), "%04d-01-10 09:30:00", year + 1);
	for (i = 0; i < 4; i++) {
		qa[i].year = year;
		qa[i].quarter = i + 1;
		snprintf(qa[i].submitted_at, sizeof(qa[i].submitted_at), "%04d-%02d-15 10:00:00",
		    i == 3 ? year + 1 : year, i == 3 ? 1 : 3 * i + 4);
		qa[i].magazine_accepted = i < 2;
	}
	f->qa = qa;
	f->nqa = 4;
	f->leader_instructions = 1;
}

/*
 * facts.monthly and facts.quarterly hold 9 arrays each, and most standards
 * read one or two of them: they are built on first access from a copy of
 * the numbers.  __pairs walks them in metric order, so they look and behave
 * like plain tables; the copy sits under a key scripts cannot reach (the
 * metatable, which __metatable hides).
 */
static const char monthly_key = 'm', quarterly_key = 'q';
/* The same for facts without them: reading one sets months_wanted. */
static const char monthly_missing_key = 'M', quarterly_missing_key = 'Q';
static __thread bool months_wanted;

void
facts_months_reset(void)
{
	months_wanted = false;
}

bool
facts_months_wanted(void)
{
	return months_wanted;
}

static void push_int_array(lua_State *, const int *, int);

static int
lazy_index(lua_State *L)
{
	int		 len = (int)lua_tointeger(L, lua_upvalueindex(1));
	const int	*v;
	const char	*k;
	size_t		 klen;
	int		 m;

	if (lua_toboolean(L, lua_upvalueindex(3)))
		months_wanted = true;
	if (lua_type(L, 2) != LUA_TSTRING || (k = lua_tolstring(L, 2, &klen)) == NULL ||
	    (m = metric_find(k, klen)) < 0)
		return 0;
	lua_pushvalue(L, lua_upvalueindex(2));	/* the metatable: key of the data */
	lua_rawget(L, 1);
	v = lua_touserdata(L, -1);
	lua_pop(L, 1);
	if (v == NULL)
		return 0;
	push_int_array(L, v + (size_t)m * len, len);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1);			/* built once per facts */
	return 1;
}

static int
lazy_next(lua_State *L)
{
	int m = 0;

	if (lua_type(L, 2) == LUA_TSTRING)
		for (; m < METRIC_N; m++)
			if (!strcmp(lua_tostring(L, 2), metric_names[m])) {
				m++;
				break;
			}
	if (m >= METRIC_N)
		return 0;
	lua_pushstring(L, metric_names[m]);
	lua_pushvalue(L, -1);
	lua_gettable(L, 1);			/* through __index */
	return 2;
}

static int
lazy_pairs(lua_State *L)
{
	lua_pushcfunction(L, lazy_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static void
push_lazy(lua_State *L, const void *key, const int *data, int len, bool missing)
{
	int mt;

	if (lua_rawgetp(L, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_createtable(L, 0, 3);
		mt = lua_gettop(L);
		lua_pushinteger(L, len);
		lua_pushvalue(L, mt);
		lua_pushboolean(L, missing);
		lua_pushcclosure(L, lazy_index, 3);
		lua_setfield(L, mt, "__index");
		lua_pushcfunction(L, lazy_pairs);
		lua_setfield(L, mt, "__pairs");
		lua_pushboolean(L, 0);
		lua_setfield(L, mt, "__metatable");
		lua_pushvalue(L, mt);
		lua_rawsetp(L, LUA_REGISTRYINDEX, key);
	}
	mt = lua_gettop(L);
	lua_createtable(L, 0, 2);
	lua_pushvalue(L, mt);
	memcpy(lua_newuserdatauv(L, sizeof(int) * METRIC_N * (size_t)len, 0), data,
	    sizeof(int) * METRIC_N * (size_t)len);
	lua_rawset(L, -3);
	lua_pushvalue(L, mt);
	lua_setmetatable(L, -2);
	lua_remove(L, mt);
}

static void
push_int_array(lua_State *L, const int *v, int n)
{
	int i;

	lua_createtable(L, n, 0);
	for (i = 0; i < n; i++) {
		lua_pushinteger(L, v[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

void
facts_push(lua_State *L, const struct facts *f)
{
	size_t	 i;
	int	 m;

	lua_createtable(L, 0, 12);
	lua_pushinteger(L, f->year);
	lua_setfield(L, -2, "year");
	lua_pushinteger(L, f->months);
	lua_setfield(L, -2, "months");

	lua_createtable(L, 0, 6);
	lua_pushinteger(L, f->point_id);
	lua_setfield(L, -2, "id");
	lua_pushstring(L, f->point_name);
	lua_setfield(L, -2, "name");
	lua_pushstring(L, f->city);
	lua_setfield(L, -2, "city");
	lua_pushstring(L, f->city_name);
	lua_setfield(L, -2, "city_name");
	lua_pushstring(L, f->type);
	lua_setfield(L, -2, "type");
	lua_pushstring(L, f->status);
	lua_setfield(L, -2, "status");
	lua_setfield(L, -2, "point");

	lua_pushboolean(L, f->basic_info_complete);
	lua_setfield(L, -2, "basic_info_complete");

	lua_createtable(L, 0, METRIC_N);
	for (m = 0; m < METRIC_N; m++) {
		lua_pushinteger(L, f->counts[m]);
		lua_setfield(L, -2, metric_names[m]);
	}
	lua_setfield(L, -2, "counts");

	push_lazy(L, f->months_loaded ? &monthly_key : &monthly_missing_key, &f->monthly[0][0], 12,
	    !f->months_loaded);
	lua_setfield(L, -2, "monthly");
	push_lazy(L, f->months_loaded ? &quarterly_key : &quarterly_missing_key, &f->quarterly[0][0], 4,
	    !f->months_loaded);
	lua_setfield(L, -2, "quarterly");

	lua_createtable(L, 0, COLUMN_N);
	for (m = 0; m < COLUMN_N; m++) {
		lua_pushboolean(L, f->columns[m]);
		lua_setfield(L, -2, column_names[m]);
	}
	lua_setfield(L, -2, "subsite_columns_updated");

	if (f->annual_summary_at[0] != '\0') {
		lua_pushstring(L, f->annual_summary_at);
		lua_setfield(L, -2, "annual_summary_submitted_at");
	}

	lua_createtable(L, (int)f->nqa, 0);
	for (i = 0; i < f->nqa; i++) {
		lua_createtable(L, 0, 4);
		lua_pushinteger(L, f->qa[i].year);
		lua_setfield(L, -2, "year");
		lua_pushinteger(L, f->qa[i].quarter);
		lua_setfield(L, -2, "quarter");
		lua_pushstring(L, f->qa[i].submitted_at);
		lua_setfield(L, -2, "submitted_at");
		lua_pushboolean(L, f->qa[i].magazine_accepted);
		lua_setfield(L, -2, "magazine_accepted");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "quarterly_analyses");

	lua_pushinteger(L, f->leader_instructions);
	lua_setfield(L, -2, "leader_instructions");

	lua_createtable(L, (int)f->nadopted, 0);
	for (i = 0; i < f->nadopted; i++) {
		lua_createtable(L, 0, 2);
		lua_pushstring(L, f->adopted[i].adopted_at);
		lua_setfield(L, -2, "adopted_at");
		lua_pushinteger(L, f->adopted[i].leader_instructions);
		lua_setfield(L, -2, "leader_instructions");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "adopted_items");

	lua_pushinteger(L, f->enterprises);
	lua_setfield(L, -2, "enterprises");
}
