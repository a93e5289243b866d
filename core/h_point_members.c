/* yujing — a point's people (预警负责人, 预警点工作人员) and contact
 * enterprises (联系企业) over HTTP: the body read into values, the rules
 * and the writes in point_members.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor.h"
#include "app.h"
#include "handlers.h"
#include "point_members.h"
#include "validate.h"
#include "validators.h"
#include "worker.h"

#define NF MEMBER_NF

struct member_form {
	enum member_kind	 kind;
	const struct vfield	*create;	/* NF fields + version */
	const struct vfield	*update;
};

static const char *
check_kind(const char *s)
{
	return strcmp(s, "responsible") && strcmp(s, "staff") ?
	    "须为 responsible（预警负责人）或 staff（工作人员）" : NULL;
}

#define PERSON_FIELDS(req, opt) \
	{ "kind", "人员类别", VT_STRING, req, 1, 16, check_kind }, \
	{ "name", "姓名", VT_STRING, req, 1, 64, NULL }, \
	{ "position", "职务", VT_STRING, opt, 0, 64, NULL }, \
	{ "phone", "办公电话", VT_STRING, opt, 0, 32, check_phone }, \
	{ "mobile", "手机", VT_STRING, opt, 0, 32, check_mobile }, \
	{ "email", "电子邮箱", VT_STRING, opt, 0, 128, check_email }, \
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL }
static const struct vfield person_create[] = { PERSON_FIELDS(VF_REQUIRED, VF_NULLABLE) };
static const struct vfield person_update[] = { PERSON_FIELDS(VF_NULLABLE, VF_NULLABLE) };

#define ENTERPRISE_FIELDS(req, opt) \
	{ "name", "企业名称", VT_STRING, req, 2, 128, NULL }, \
	{ "credit_code", "统一社会信用代码", VT_STRING, opt, 0, 18, check_credit_code }, \
	{ "contact", "联系人", VT_STRING, opt, 0, 64, NULL }, \
	{ "phone", "联系电话", VT_STRING, opt, 0, 32, check_phone }, \
	{ "products", "主要产品", VT_STRING, opt, 0, 255, NULL }, \
	{ "markets", "主要出口市场", VT_STRING, opt, 0, 255, NULL }, \
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL }
static const struct vfield enterprise_create[] = { ENTERPRISE_FIELDS(VF_REQUIRED, VF_NULLABLE) };
static const struct vfield enterprise_update[] = { ENTERPRISE_FIELDS(VF_NULLABLE, VF_NULLABLE) };

static const struct member_form people = { MEMBER_PERSON, person_create, person_update };
static const struct member_form enterprises = { MEMBER_ENTERPRISE, enterprise_create, enterprise_update };

static void
list(struct req *r, const struct member_form *k)
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;
	long long	 page, per_page, total;
	json_t		*items;

	if (validate_paging(r, &page, &per_page) == -1)
		return;
	if (point_members_list(&r->w->db, &actor, k->kind, r->params[0],
	    http_query(r, k == &people ? "kind" : "q"), page, per_page, &items, &total, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_list(r, items, total, page, per_page);
}

/* The value a field was given: NULL when absent or null. */
static const char *
given(const struct vval *v)
{
	return v->present && !v->null ? v->s : NULL;
}

static void
create(struct req *r, const struct member_form *k)
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;
	struct vval	 v[NF + 1];
	const char	*vals[NF];
	json_t		*out;
	size_t		 f;

	/* The scope first: a point out of sight is 404 whatever the body. */
	if (point_members_scope(&r->w->db, &actor, r->params[0], ACCESS_WRITE, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	if (validate_object(r, r->json, k->create, NF + 1, v) == -1)
		return;
	for (f = 0; f < NF; f++)
		vals[f] = given(&v[f]);
	if (point_members_create(&r->w->db, &actor, k->kind, r->params[0], vals, &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 201, out);
}

static void
update(struct req *r, const struct member_form *k)
{
	struct actor		 actor = app_actor(r);
	struct outcome		 o;
	struct vval		 v[NF + 1];
	struct member_patch	 p;
	json_t			*out;
	char			 msg[128];
	size_t			 f;

	if (point_members_scope(&r->w->db, &actor, r->params[0], ACCESS_WRITE, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	if (validate_object(r, r->json, k->update, NF + 1, v) == -1)
		return;
	if (!v[NF].present) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return;
	}
	memset(&p, 0, sizeof(p));
	for (f = 0; f < NF; f++) {
		if (v[f].present && v[f].null && (k->create[f].flags & VF_REQUIRED)) {
			snprintf(msg, sizeof(msg), "%s不能为空", k->create[f].label);
			http_error(r, ERR_INVALID, msg, k->create[f].name);
			return;
		}
		p.set[f] = v[f].present;
		p.val[f] = given(&v[f]);
	}
	p.version = v[NF].i;
	if (point_members_update(&r->w->db, &actor, k->kind, r->params[0], r->params[1], &p,
	    &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

static void
remove_member(struct req *r, const struct member_form *k)
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;

	if (point_members_delete(&r->w->db, &actor, k->kind, r->params[0], r->params[1], &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_no_content(r);
}

void h_people_list(struct req *r)		{ list(r, &people); }
void h_people_create(struct req *r)		{ create(r, &people); }
void h_people_update(struct req *r)		{ update(r, &people); }
void h_people_delete(struct req *r)		{ remove_member(r, &people); }
void h_enterprises_list(struct req *r)		{ list(r, &enterprises); }
void h_enterprises_create(struct req *r)	{ create(r, &enterprises); }
void h_enterprises_update(struct req *r)	{ update(r, &enterprises); }
void h_enterprises_delete(struct req *r)	{ remove_member(r, &enterprises); }
