/* yujing — /api/points/{id}/leadership: the leadership group (领导小组)
 * and the party organisation (党建组织), replaced as a whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor.h"
#include "app.h"
#include "audit.h"
#include "buf.h"
#include "history.h"
#include "handlers.h"
#include "points.h"
#include "validate.h"
#include "worker.h"

#define MAX_MEMBERS 50

static const char *
check_role(const char *s)
{
	return strcmp(s, "组长") && strcmp(s, "副组长") && strcmp(s, "成员") ?
	    "须为“组长”“副组长”或“成员”" : NULL;
}

static const struct vfield member_fields[] = {
	{ "role", "职务类别", VT_STRING, VF_REQUIRED, 1, 8, check_role },
	{ "name", "姓名", VT_STRING, VF_REQUIRED, 1, 64, NULL },
	{ "position", "职务", VT_STRING, VF_NULLABLE, 0, 64, NULL },
	{ "unit", "单位/企业", VT_STRING, VF_NULLABLE, 0, 128, NULL },
};

/* The members as one readable line, for the history. */
static void
members_text(struct buf *b, const struct db_res *res)
{
	const char	*pos, *unit;
	size_t		 i;

	for (i = 0; i < res->nrows; i++) {
		pos = db_res_str(res, i, 2);
		unit = db_res_str(res, i, 3);
		buf_printf(b, "%s%s %s", i ? "；" : "", db_res_str(res, i, 0), db_res_str(res, i, 1));
		if (pos && unit)
			buf_printf(b, "（%s，%s）", pos, unit);
		else if (pos || unit)
			buf_printf(b, "（%s）", pos ? pos : unit);
	}
}

static const char members_sql[] =
    "SELECT role, name, position, unit FROM point_leaders WHERE point_id = ? ORDER BY sort";

static void
answer(struct req *r, long long point)
{
	static const char head[] =
	    "SELECT party_org, party_members, leadership_version FROM points WHERE id = ?";
	struct db_res	 res, m;
	json_t		*members;
	size_t		 i;
	int		 rc;

	if ((rc = db_query(&r->w->db, &res, head, "i", point)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if ((rc = db_query(&r->w->db, &m, members_sql, "i", point)) != DB_OK) {
		db_res_free(&res);
		app_db_error(r, rc);
		return;
	}
	members = json_array();
	for (i = 0; i < m.nrows; i++)
		json_array_append_new(members, json_pack("{s:s, s:s, s:s?, s:s?}",
		    "role", db_res_str(&m, i, 0), "name", db_res_str(&m, i, 1),
		    "position", db_res_str(&m, i, 2), "unit", db_res_str(&m, i, 3)));
	http_json(r, 200, json_pack("{s:o, s:o, s:o, s:I}", "members", members,
	    "party_org", db_res_null(&res, 0, 0) ? json_null() : json_boolean(db_res_int(&res, 0, 0)),
	    "party_members", db_res_null(&res, 0, 1) ? json_null() : json_integer(db_res_int(&res, 0, 1)),
	    "version", (json_int_t)db_res_int(&res, 0, 2)));
	db_res_free(&res);
	db_res_free(&m);
}

void
h_leadership_get(struct req *r)
{
	char city[8];

	if (points_scope(r, r->params[0], ACCESS_READ, true, city) == -1)
		return;
	answer(r, r->params[0]);
}

void
h_leadership_put(struct req *r)
{
	struct actor	 actor = app_actor(r);
	static const struct vfield fields[] = {
		{ "party_org", "是否成立党建组织", VT_BOOL, VF_REQUIRED, 0, 0, NULL },
		{ "party_members", "党员人数", VT_INT, VF_NULLABLE, 0, 100000, NULL },
		{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL },
	};
	static const char lock[] =
	    "SELECT party_org, party_members, leadership_version FROM points WHERE id = ? FOR UPDATE";
	static const char del[] = "DELETE FROM point_leaders WHERE point_id = ?";
	static const char ins[] =
	    "INSERT INTO point_leaders (point_id, sort, role, name, position, unit) VALUES (?, ?, ?, ?, ?, ?)";
	static const char upd[] =
	    "UPDATE points SET party_org = ?, party_members = ?, leadership_version = leadership_version + 1 "
	    "WHERE id = ?";
	struct vval	 v[3], mv[4];
	long long	 point = r->params[0], party_members;
	struct db	*db = &r->w->db;
	struct db_res	 res;
	struct buf	 before = { 0 }, after = { 0 };
	json_t		*members, *m;
	char		 city[8], oldorg[8] = "", oldnum[32] = "", neworg[8], newnum[32];
	size_t		 i;
	int		 rc;

	if (points_scope(r, point, ACCESS_WRITE, true, city) == -1 ||
	    validate_object(r, r->json, fields, 3, v) == -1)
		return;
	if (!v[2].present) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return;
	}
	/* PUT replaces the whole group: leaving members out is a mistake,
	 * not a wish to empty it (send [] for that). */
	if ((members = json_object_get(r->json, "members")) == NULL) {
		http_error(r, ERR_INVALID, "领导小组成员（members）不能缺少；没有成员时请传空数组 []", "members");
		return;
	}
	json_incref(members);
	if (!json_is_array(members)) {
		json_decref(members);
		http_error(r, ERR_BAD_REQUEST, "领导小组成员（members）应为数组", "members");
		return;
	}
	if (json_array_size(members) > MAX_MEMBERS) {
		json_decref(members);
		http_error(r, ERR_INVALID, "领导小组成员不能超过 50 人", "members");
		return;
	}
	json_array_foreach(members, i, m) {
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "members[%zu].", i);
		if (!json_is_object(m)) {
			http_error(r, ERR_BAD_REQUEST, "领导小组成员应为对象", "members");
			json_decref(members);
			return;
		}
		if (validate_object_at(r, m, member_fields, 4, mv, prefix) == -1) {
			json_decref(members);
			return;
		}
	}
	if (v[0].b && (!v[1].present || v[1].null)) {
		json_decref(members);
		http_error(r, ERR_INVALID, "已成立党建组织时须填写党员人数", "party_members");
		return;
	}
	party_members = v[1].present && !v[1].null ? v[1].i : -1;	/* -1: none */

	if ((rc = db_begin(db)) != DB_OK || (rc = db_query(db, &res, lock, "i", point)) != DB_OK)
		goto dberr;
	if (db_res_int(&res, 0, 2) != v[2].i) {
		db_res_free(&res);
		db_rollback(db);
		json_decref(members);
		http_error(r, ERR_CONFLICT, "领导小组信息已被他人修改，请刷新后重试", "version");
		return;
	}
	if (!db_res_null(&res, 0, 0))
		snprintf(oldorg, sizeof(oldorg), "%s", db_res_int(&res, 0, 0) ? "是" : "否");
	if (!db_res_null(&res, 0, 1))
		snprintf(oldnum, sizeof(oldnum), "%s", db_res_str(&res, 0, 1));
	db_res_free(&res);
	if ((rc = db_query(db, &res, members_sql, "i", point)) != DB_OK)
		goto dberr;
	members_text(&before, &res);
	db_res_free(&res);

	if ((rc = db_exec(db, del, "i", point)) < 0)
		goto dberr;
	json_array_foreach(members, i, m) {
		validate_object(r, m, member_fields, 4, mv);
		if ((rc = db_exec(db, ins, "iissss", point, (long long)i, mv[0].s, mv[1].s,
		    mv[2].present && !mv[2].null && *mv[2].s ? mv[2].s : NULL,
		    mv[3].present && !mv[3].null && *mv[3].s ? mv[3].s : NULL)) < 0)
			goto dberr;
	}
	if ((rc = db_exec(db, upd, "iIi", (long long)v[0].b, party_members >= 0 ? &party_members : NULL,
	    point)) < 0)
		goto dberr;
	if ((rc = db_query(db, &res, members_sql, "i", point)) != DB_OK)
		goto dberr;
	members_text(&after, &res);
	db_res_free(&res);
	snprintf(neworg, sizeof(neworg), "%s", v[0].b ? "是" : "否");
	if (party_members >= 0)
		snprintf(newnum, sizeof(newnum), "%lld", party_members);
	else
		newnum[0] = '\0';
	if ((rc = history_diff(&r->w->db, &actor, point, "leadership", point, "update",
	    (const char *const[]){ "members", "party_org", "party_members" },
	    (const char *const[]){ before.data, oldorg, oldnum },
	    (const char *const[]){ after.data, neworg, newnum }, 3)) != DB_OK ||
	    (rc = audit_req(r, "leadership.update", "point", point, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	json_decref(members);
	buf_free(&before);
	buf_free(&after);
	answer(r, point);
	return;
dberr:
	db_rollback(db);
	json_decref(members);
	buf_free(&before);
	buf_free(&after);
	app_db_error(r, rc);
}
