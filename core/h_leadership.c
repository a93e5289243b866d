/* yujing — /api/points/{id}/leadership over HTTP: the body read into
 * values, the rules and the writes in leadership.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor.h"
#include "app.h"
#include "handlers.h"
#include "leadership.h"
#include "point_members.h"
#include "validate.h"
#include "worker.h"

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

void
h_leadership_get(struct req *r)
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;
	json_t		*out;

	if (leadership_get(&r->w->db, &actor, r->params[0], &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
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
	struct leader		 leaders[LEADERSHIP_MAX_MEMBERS];
	struct leadership_input	 in;
	struct outcome		 o;
	struct vval		 v[3], mv[4];
	json_t			*members, *m, *out;
	size_t			 i;
	int			 rc;

	/* The scope first: a point out of sight is 404 whatever the body. */
	if (point_members_scope(&r->w->db, &actor, r->params[0], ACCESS_WRITE, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	if (validate_object(r, r->json, fields, 3, v) == -1)
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
	if (!json_is_array(members)) {
		http_error(r, ERR_BAD_REQUEST, "领导小组成员（members）应为数组", "members");
		return;
	}
	if (json_array_size(members) > LEADERSHIP_MAX_MEMBERS) {
		http_error(r, ERR_INVALID, "领导小组成员不能超过 50 人", "members");
		return;
	}
	json_array_foreach(members, i, m) {
		char prefix[32];

		snprintf(prefix, sizeof(prefix), "members[%zu].", i);
		if (!json_is_object(m)) {
			http_error(r, ERR_BAD_REQUEST, "领导小组成员应为对象", "members");
			return;
		}
		if (validate_object_at(r, m, member_fields, 4, mv, prefix) == -1)
			return;
		leaders[i].role = mv[0].s;
		leaders[i].name = mv[1].s;
		leaders[i].position = mv[2].present && !mv[2].null ? mv[2].s : NULL;
		leaders[i].unit = mv[3].present && !mv[3].null ? mv[3].s : NULL;
	}
	memset(&in, 0, sizeof(in));
	in.version = v[2].i;
	in.party_org = v[0].b;
	in.has_party_members = v[1].present && !v[1].null;
	in.party_members = in.has_party_members ? v[1].i : 0;
	in.members = leaders;
	in.nmembers = json_array_size(members);
	rc = leadership_put(&r->w->db, &actor, r->params[0], &in, &out, &o);
	if (rc == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}
