/* yujing — a point's leadership group and party organisation. */
#include "leadership.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "history.h"
#include "point_members.h"

static const char members_sql[] =
    "SELECT role, name, position, unit FROM point_leaders WHERE point_id = ? ORDER BY sort";

/* An empty string is no value. */
static const char *
nz(const char *s)
{
	return s && *s ? s : NULL;
}

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

static int
read_group(struct db *db, long long point, json_t **out, struct outcome *o)
{
	static const char head[] =
	    "SELECT party_org, party_members, leadership_version FROM points WHERE id = ?";
	struct db_res	 res, m;
	json_t		*members;
	size_t		 i;
	int		 rc;

	if ((rc = db_query(db, &res, head, "i", point)) != DB_OK)
		return outcome_db(o, rc);
	if ((rc = db_query(db, &m, members_sql, "i", point)) != DB_OK) {
		db_res_free(&res);
		return outcome_db(o, rc);
	}
	if (res.nrows == 0) {
		db_res_free(&res);
		db_res_free(&m);
		return outcome_fail(o, OUT_NOT_FOUND, NULL, "预警点不存在");
	}
	members = json_array();
	for (i = 0; i < m.nrows; i++)
		json_array_append_new(members, json_pack("{s:s, s:s, s:s?, s:s?}",
		    "role", db_res_str(&m, i, 0), "name", db_res_str(&m, i, 1),
		    "position", db_res_str(&m, i, 2), "unit", db_res_str(&m, i, 3)));
	*out = json_pack("{s:o, s:o, s:o, s:I}", "members", members,
	    "party_org", db_res_null(&res, 0, 0) ? json_null() : json_boolean(db_res_int(&res, 0, 0)),
	    "party_members", db_res_null(&res, 0, 1) ? json_null() : json_integer(db_res_int(&res, 0, 1)),
	    "version", (json_int_t)db_res_int(&res, 0, 2));
	db_res_free(&res);
	db_res_free(&m);
	outcome_ok(o, point);
	return 0;
}

int
leadership_get(struct db *db, const struct actor *a, long long point, json_t **out,
    struct outcome *o)
{
	if (point_members_scope(db, a, point, ACCESS_READ, o) == -1)
		return -1;
	return read_group(db, point, out, o);
}

int
leadership_put(struct db *db, const struct actor *a, long long point,
    const struct leadership_input *in, json_t **out, struct outcome *o)
{
	static const char lock[] =
	    "SELECT party_org, party_members, leadership_version FROM points WHERE id = ? FOR UPDATE";
	static const char del[] = "DELETE FROM point_leaders WHERE point_id = ?";
	static const char ins[] =
	    "INSERT INTO point_leaders (point_id, sort, role, name, position, unit) VALUES (?, ?, ?, ?, ?, ?)";
	static const char upd[] =
	    "UPDATE points SET party_org = ?, party_members = ?, leadership_version = leadership_version + 1 "
	    "WHERE id = ?";
	struct db_res	 res;
	struct buf	 before = { 0 }, after = { 0 };
	char		 oldorg[8] = "", oldnum[32] = "", neworg[8], newnum[32];
	long long	 party_members;
	size_t		 i;
	int		 rc, ret = -1;

	if (point_members_scope(db, a, point, ACCESS_WRITE, o) == -1)
		return -1;
	if (in->nmembers > LEADERSHIP_MAX_MEMBERS)
		return outcome_fail(o, OUT_INVALID, "members", "领导小组成员不能超过 50 人");
	if (in->party_org && !in->has_party_members)
		return outcome_fail(o, OUT_INVALID, "party_members", "已成立党建组织时须填写党员人数");
	party_members = in->has_party_members ? in->party_members : -1;	/* -1: none */

	if ((rc = db_begin(db)) != DB_OK || (rc = db_query(db, &res, lock, "i", point)) != DB_OK)
		goto dberr;
	if (res.nrows == 0 || db_res_int(&res, 0, 2) != in->version) {
		bool gone = res.nrows == 0;

		db_res_free(&res);
		db_rollback(db);
		return gone ? outcome_fail(o, OUT_NOT_FOUND, NULL, "预警点不存在") :
		    outcome_fail(o, OUT_CONFLICT, "version", "领导小组信息已被他人修改，请刷新后重试");
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
	for (i = 0; i < in->nmembers; i++) {
		const struct leader *m = &in->members[i];

		if ((rc = db_exec(db, ins, "iissss", point, (long long)i, m->role, m->name,
		    nz(m->position), nz(m->unit))) < 0)
			goto dberr;
	}
	if ((rc = db_exec(db, upd, "iIi", (long long)in->party_org,
	    party_members >= 0 ? &party_members : NULL, point)) < 0)
		goto dberr;
	if ((rc = db_query(db, &res, members_sql, "i", point)) != DB_OK)
		goto dberr;
	members_text(&after, &res);
	db_res_free(&res);
	snprintf(neworg, sizeof(neworg), "%s", in->party_org ? "是" : "否");
	if (party_members >= 0)
		snprintf(newnum, sizeof(newnum), "%lld", party_members);
	else
		newnum[0] = '\0';
	if ((rc = history_diff(db, a, point, "leadership", point, "update",
	    (const char *const[]){ "members", "party_org", "party_members" },
	    (const char *const[]){ before.data, oldorg, oldnum },
	    (const char *const[]){ after.data, neworg, newnum }, 3)) != DB_OK ||
	    (rc = audit_actor(db, a, "leadership.update", "point", point, NULL)) != DB_OK ||
	    (rc = db_commit(db)) != DB_OK)
		goto dberr;
	ret = read_group(db, point, out, o);
	goto out;
dberr:
	db_rollback(db);
	outcome_db(o, rc);
out:
	buf_free(&before);
	buf_free(&after);
	return ret;
}
