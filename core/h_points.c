/* yujing — /api/points: warning points (预警点) with every basic-info field
 * of SPEC §2, list filters and paging, field-by-field history.  The rules
 * are points.c's; here the query and body are read and the answer written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actor.h"
#include "app.h"
#include "export.h"
#include "handlers.h"
#include "outcome.h"
#include "points.h"
#include "validate.h"
#include "validators.h"
#include "worker.h"

int
points_scope(struct req *r, long long id, enum access_op op, bool own_data, char city[8])
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;

	if (points_access(&r->w->db, &actor, id, op, own_data, city, &o) == -1) {
		app_outcome(r, &o);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- fields */

#define POINT_FIELDS(req) \
	{ "name", "预警点名称", VT_STRING, req, 2, 128, NULL }, \
	{ "host_org", "承办单位", VT_STRING, req, 2, 128, NULL }, \
	{ "type", "类型", VT_STRING, req, 1, 8, points_check_type }, \
	{ "batch", "预警点批次", VT_STRING, VF_NULLABLE, 0, 32, NULL }, \
	{ "industry", "所属行业", VT_STRING, VF_NULLABLE, 0, 16, NULL }, \
	{ "city", "所属地市", VT_STRING, req, 6, 6, NULL }, \
	{ "district", "所在地区", VT_STRING, VF_NULLABLE, 0, 6, NULL }, \
	{ "founded_year", "成立时间", VT_INT, VF_NULLABLE, 1949, 2100, NULL }, \
	{ "approval_no", "批准文号", VT_STRING, VF_NULLABLE, 0, 64, check_approval_no }, \
	{ "address", "联系地址", VT_STRING, VF_NULLABLE, 0, 255, NULL }, \
	{ "phone", "办公电话", VT_STRING, VF_NULLABLE, 0, 32, check_phone }, \
	{ "fax", "传真", VT_STRING, VF_NULLABLE, 0, 32, check_phone }, \
	{ "website", "预警点网址", VT_STRING, VF_NULLABLE, 0, 255, check_url }, \
	{ "email", "电子邮箱", VT_STRING, VF_NULLABLE, 0, 128, check_email }, \
	{ "status", "状态", VT_STRING, 0, 1, 8, points_check_status }, \
	{ "version", "版本号", VT_INT, 0, 0, 0x7fffffffLL, NULL }

/* In points_field order, then the version. */
enum { F_VERSION = PF__N, F__N };
static const struct vfield create_fields[] = { POINT_FIELDS(VF_REQUIRED) };
/* In an update, null for a required field is refused rather than ignored. */
static const struct vfield update_fields[] = { POINT_FIELDS(VF_NULLABLE) };

/* The value of a validated field as text (NULL: none). */
static char *
field_text(const struct vval *v, enum vtype t)
{
	char buf[32];

	if (!v->present || v->null)
		return NULL;
	if (t == VT_INT) {
		snprintf(buf, sizeof(buf), "%lld", v->i);
		return strdup(buf);
	}
	return *v->s ? strdup(v->s) : NULL;
}

/* The body's fields as a point_input; free the values with free_input. */
static void
read_input(const struct vval *v, const struct vfield *fields, struct point_input *in)
{
	int k;

	memset(in, 0, sizeof(*in));
	for (k = 0; k < PF__N; k++) {
		in->given[k] = v[k].present;
		in->value[k] = field_text(&v[k], fields[k].type);
	}
	in->version = v[F_VERSION].present ? v[F_VERSION].i : 0;
}

static void
free_input(struct point_input *in)
{
	int k;

	for (k = 0; k < PF__N; k++)
		free((char *)in->value[k]);
}

static void
answer_point(struct req *r, const struct actor *actor, int status, long long id)
{
	struct outcome	 o;
	json_t		*p;

	if (points_get(&r->w->db, actor, id, &p, &o) == -1)
		app_outcome(r, &o);
	else
		http_json(r, status, p);
}

/* ------------------------------------------------------------------ list */

static void
read_query(struct req *r, struct points_query *q)
{
	memset(q, 0, sizeof(*q));
	q->q = http_query(r, "q");
	q->type = http_query(r, "type");
	q->batch = http_query(r, "batch");
	q->city = http_query(r, "city");
	q->district = http_query(r, "district");
	q->industry = http_query(r, "industry");
	q->status = http_query(r, "status");
}

void
h_points_list(struct req *r)
{
	struct actor		 actor = app_actor(r);
	struct points_query	 q;
	struct outcome		 o;
	long long		 total;
	json_t			*items;

	read_query(r, &q);
	if (validate_paging(r, &q.page, &q.per_page) == -1)
		return;
	if (points_list(&r->w->db, &actor, &q, &items, &total, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_list(r, items, total, q.page, q.per_page);
}

/* ---------------------------------------------------------- create, edit */

void
h_points_create(struct req *r)
{
	struct actor		 actor = app_actor(r);
	struct point_input	 in;
	struct vval		 v[F__N];
	struct outcome		 o;
	long long		 id;

	if (validate_object(r, r->json, create_fields, F__N, v) == -1)
		return;
	read_input(v, create_fields, &in);
	if (points_create(&r->w->db, &actor, &in, &id, &o) == -1)
		app_outcome(r, &o);
	else
		answer_point(r, &actor, 201, id);
	free_input(&in);
}

void
h_points_get(struct req *r)
{
	struct actor actor = app_actor(r);

	answer_point(r, &actor, 200, r->params[0]);
}

void
h_points_update(struct req *r)
{
	struct actor		 actor = app_actor(r);
	struct point_input	 in;
	struct vval		 v[F__N];
	struct outcome		 o;
	char			 city[8];
	long long		 id = r->params[0];

	/* Who may not edit the point learns so before the body is judged. */
	if (points_scope(r, id, ACCESS_WRITE, false, city) == -1 ||
	    validate_object(r, r->json, update_fields, F__N, v) == -1)
		return;
	if (!v[F_VERSION].present) {
		http_error(r, ERR_INVALID, "缺少版本号（version），请刷新后重试", "version");
		return;
	}
	read_input(v, update_fields, &in);
	if (points_update(&r->w->db, &actor, id, &in, &o) == -1)
		app_outcome(r, &o);
	else
		answer_point(r, &actor, 200, id);
	free_input(&in);
}

/* ---------------------------------------------------------------- history */

void
h_points_history(struct req *r)
{
	struct actor	 actor = app_actor(r);
	struct outcome	 o;
	long long	 page, per_page, total;
	json_t		*items;

	if (validate_paging(r, &page, &per_page) == -1)
		return;
	if (points_history(&r->w->db, &actor, r->params[0], page, per_page, &items, &total,
	    &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_list(r, items, total, page, per_page);
}

/* ---------------------------------------------------------------- export */

/* 导出预警点联系人.  The seed's export labels the district "所属地市";
 * both are given. */
static void
contacts(struct req *r, bool xlsx)
{
	static const char *const headers[POINTS_CONTACT_COLS] = {
		"预警点名称", "所属地市", "所在地区", "负责人名字", "负责人电话",
	};
	struct actor		 actor = app_actor(r);
	struct points_query	 q;
	struct outcome		 o;
	struct xtable		 t;
	struct db_res		 rows;

	read_query(r, &q);
	if (points_contacts(&r->w->db, &actor, &q, &rows, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	memset(&t, 0, sizeof(t));
	t.title = "预警点联系人";
	t.ncols = POINTS_CONTACT_COLS;
	t.headers = headers;
	t.nrows = rows.nrows;
	t.cells = (const char *const *)rows.cells;
	app_export(r, &t, xlsx, "预警点联系人", "contacts");
	db_res_free(&rows);
}

void
h_points_contacts_xlsx(struct req *r)
{
	contacts(r, true);
}

void
h_points_contacts_csv(struct req *r)
{
	contacts(r, false);
}
