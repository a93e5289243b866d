/* yujing — facts for scoring, as a Lua table. */
#include "facts.h"

#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

const char *const metric_names[METRIC_N] = {
	"warning_info", "annual_summary", "quarterly_analysis", "internal_adopted",
	"quarterly_magazine", "warning_magazine", "subsite_info", "subsite_news",
	"work_exchange",
};

const char *const column_names[COLUMN_N] = { "预警信息", "工作动态", "政策法规" };

void
facts_empty(struct facts *f, int year)
{
	memset(f, 0, sizeof(*f));
	f->year = year;
	f->months = 12;
	f->point_id = 1;
	snprintf(f->point_name, sizeof(f->point_name), "测试预警点");
	snprintf(f->city, sizeof(f->city), "330100");
	snprintf(f->city_name, sizeof(f->city_name), "杭州市");
	snprintf(f->type, sizeof(f->type), "省级");
	snprintf(f->status, sizeof(f->status), "正式");
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

	lua_createtable(L, 0, METRIC_N);
	for (m = 0; m < METRIC_N; m++) {
		push_int_array(L, f->monthly[m], 12);
		lua_setfield(L, -2, metric_names[m]);
	}
	lua_setfield(L, -2, "monthly");

	lua_createtable(L, 0, METRIC_N);
	for (m = 0; m < METRIC_N; m++) {
		push_int_array(L, f->quarterly[m], 4);
		lua_setfield(L, -2, metric_names[m]);
	}
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
}
