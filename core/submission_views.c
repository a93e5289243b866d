/* yujing — the read side of the lifecycle (see submission_views.h). */
#include "submission_views.h"

#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "duplicates.h"
#include "lifecycle.h"

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *
rounds_json(struct db *db, long long id)
{
	static const char sql[] =
	    "SELECT round, level, decision, reviewer_role, opinion, opt_magazine, "
	    "opt_work_exchange, opt_internal, at FROM decisions WHERE submission_id = ? ORDER BY id";
	json_t		*rounds = json_array();
	struct db_res	 d;
	size_t		 k;

	if (db_query(db, &d, sql, "i", id) != DB_OK)
		return rounds;
	for (k = 0; k < d.nrows; k++)
		json_array_append_new(rounds, json_pack("{s:I, s:s, s:s, s:s, s:o, s:{s:b, s:b, s:b}, s:o}",
		    "round", (json_int_t)db_res_int(&d, k, 0), "level", db_res_str(&d, k, 1),
		    "decision", db_res_str(&d, k, 2), "reviewer_role", db_res_str(&d, k, 3),
		    "opinion", str_or_null(db_res_str(&d, k, 4)),
		    "options", "magazine", (int)db_res_int(&d, k, 5),
		    "work_exchange", (int)db_res_int(&d, k, 6),
		    "internal_exchange", (int)db_res_int(&d, k, 7),
		    "at", app_time(db_res_str(&d, k, 8))));
	db_res_free(&d);
	return rounds;
}

static json_t *
attachments_json(struct db *db, long long id)
{
	static const char sql[] = "SELECT id, name, size, sha256 FROM attachments "
	    "WHERE submission_id = ? AND deleted_at IS NULL ORDER BY id";
	json_t		*atts = json_array();
	struct db_res	 d;
	size_t		 k;

	if (db_query(db, &d, sql, "i", id) != DB_OK)
		return atts;
	for (k = 0; k < d.nrows; k++)
		json_array_append_new(atts, json_pack("{s:I, s:s, s:I, s:s}",
		    "id", (json_int_t)db_res_int(&d, k, 0), "name", db_res_str(&d, k, 1),
		    "size", (json_int_t)db_res_int(&d, k, 2), "sha256", db_res_str(&d, k, 3)));
	db_res_free(&d);
	return atts;
}

/* The unit of an item as an editor may know it: the point's name (the
 * editor reads no point record), null for a city's own item. */
static json_t *
point_name_json(struct db *db, const struct db_res *s, size_t i)
{
	static const char sql[] = "SELECT name FROM points WHERE id = ?";
	struct db_res	 n;
	json_t		*name;

	if (db_res_null(s, i, SUB_POINT) ||
	    db_query(db, &n, sql, "i", (long long)db_res_int(s, i, SUB_POINT)) != DB_OK)
		return json_null();
	name = n.nrows ? str_or_null(db_res_str(&n, 0, 0)) : json_null();
	db_res_free(&n);
	return name;
}

json_t *
sv_item_json(struct db *db, const struct db_res *s, size_t i, bool with_rounds)
{
	json_t *o, *fields;

	fields = json_loads(db_res_str(s, i, SUB_FIELDS), 0, NULL);
	o = json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, s:o, s:s, s:o, s:o, s:{s:b, s:b, s:b}, "
	    "s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:o, s:o}",
	    "id", (json_int_t)db_res_int(s, i, SUB_ID),
	    "type", db_res_str(s, i, SUB_TYPE),
	    "point_id", db_res_null(s, i, SUB_POINT) ? json_null() : json_integer(db_res_int(s, i, SUB_POINT)),
	    "city", str_or_null(db_res_str(s, i, SUB_CITY)),
	    "state", db_res_str(s, i, SUB_STATE),
	    "review_level", str_or_null(db_res_str(s, i, SUB_LEVEL)),
	    "fields", fields ? fields : json_object(),
	    "title", db_res_str(s, i, SUB_TITLE),
	    "year", db_res_null(s, i, SUB_YEAR) ? json_null() : json_integer(db_res_int(s, i, SUB_YEAR)),
	    "quarter", db_res_null(s, i, SUB_QUARTER) ? json_null() : json_integer(db_res_int(s, i, SUB_QUARTER)),
	    "options", "magazine", (int)db_res_int(s, i, SUB_OPT_MAG),
	    "work_exchange", (int)db_res_int(s, i, SUB_OPT_WE),
	    "internal_exchange", (int)db_res_int(s, i, SUB_OPT_INT),
	    "magazine", str_or_null(db_res_str(s, i, SUB_MAGAZINE)),
	    "adopted", db_res_null(s, i, SUB_ADOPTED) ? json_null() : json_boolean(db_res_int(s, i, SUB_ADOPTED)),
	    "submitted_at", app_time(db_res_str(s, i, SUB_FIRST_AT)),
	    "last_submitted_at", app_time(db_res_str(s, i, SUB_SUBMITTED_AT)),
	    "decided_at", app_time(db_res_str(s, i, SUB_DECIDED_AT)),
	    "accepted_at", app_time(db_res_str(s, i, SUB_ACCEPTED_AT)),
	    "version", (json_int_t)db_res_int(s, i, SUB_VERSION),
	    "round", (json_int_t)db_res_int(s, i, SUB_ROUNDS),
	    "created_at", app_time(db_res_str(s, i, SUB_CREATED)),
	    "updated_at", app_time(db_res_str(s, i, SUB_UPDATED)));
	if (with_rounds) {
		json_object_set_new(o, "rounds", rounds_json(db, db_res_int(s, i, SUB_ID)));
		json_object_set_new(o, "attachments", attachments_json(db, db_res_int(s, i, SUB_ID)));
	}
	return o;
}

int
sv_get(struct db *db, const struct actor *a, long long id, json_t **out, struct outcome *o)
{
	struct db_res s;
	json_t *dups;

	outcome_ok(o, id);
	if (lc_load(db, a, id, false, &s, o) == -1)
		return -1;
	*out = sv_item_json(db, &s, 0, true);
	json_object_set_new(*out, "point_name", point_name_json(db, &s, 0));
	if ((dups = duplicates_of(db, a, &s)) != NULL)
		json_object_set_new(*out, "duplicates", dups);
	db_res_free(&s);
	return 0;
}

/* The LIMIT of a list's count query: count_limit rows (at least a page)
 * past the start of the page asked for, and one more to know whether
 * there are more.  An exact COUNT(*) of every submission the province
 * may see reads a million rows; this reads what the pager can show from
 * where the reader is.  Count queries are written
 * SELECT COUNT(*) FROM (SELECT 1 … LIMIT ?) c. */
static long long
count_limit(const struct sv_page *p)
{
	long long ahead = p->count_limit > 0 ? p->count_limit : 1000;

	if (ahead < p->per_page)
		ahead = p->per_page;
	return (p->page - 1) * p->per_page + ahead + 1;
}

/* The total from the count (limited by count_limit) in res; frees res. */
static void
set_total(struct sv_page *p, struct db_res *res)
{
	long long n = db_res_int(res, 0, 0), lim = count_limit(p);

	db_res_free(res);
	p->total_exact = n < lim;
	p->total = p->total_exact ? n : lim - 1;
}

/* The rows become items with sv_item_json. */
static int
page_items(struct db *db, struct db_res *res, struct sv_page *p, struct outcome *o)
{
	size_t i;

	p->items = json_array();
	for (i = 0; i < res->nrows; i++)
		json_array_append_new(p->items, sv_item_json(db, res, i, false));
	db_res_free(res);
	outcome_ok(o, 0);
	return 0;
}

/* 所属行业: the item's own industry field when its type has one (预警信息),
 * else its point's (季度形势分析, 年度工作总结 and the others name none). */
#define LIST_INDUSTRY \
	"(? IS NULL OR COALESCE(JSON_VALUE(fields, '$.industry')," \
	" (SELECT ip.industry FROM points ip WHERE ip.id = point_id)) = ?)"

/* An industry filter names a code of the dictionary: 0, or -1 with o set. */
static int
industry_known(struct db *db, const char *code, struct outcome *o)
{
	static const char sql[] = "SELECT 1 FROM industries WHERE code = ?";
	struct db_res	 res;
	size_t		 n;
	int		 rc;

	if (code == NULL)
		return 0;
	if ((rc = db_query(db, &res, sql, "s", code)) != DB_OK)
		return outcome_db(o, rc);
	n = res.nrows;
	db_res_free(&res);
	if (n == 0)
		return outcome_set(o, OUT_INVALID, "industry",
		    "所属行业须为行业字典中的代码（见 /api/dicts/industries）");
	return 0;
}

#define LIST_WHERE \
	" WHERE (? IS NULL OR type = ?) AND (? IS NULL OR state = ?)" \
	" AND (? IS NULL OR point_id = ?) AND (? IS NULL OR year = ?) AND (? IS NULL OR quarter = ?)" \
	" AND (? IS NULL OR title LIKE ?) AND " LIST_INDUSTRY " AND " LC_VISIBLE_SQL

int
sv_list(struct db *db, const struct actor *a, const struct sv_filter *f, struct sv_page *p,
    struct outcome *o)
{
	static const char count[] = "SELECT COUNT(*) FROM (SELECT 1 FROM submissions" LIST_WHERE " LIMIT ?) c";
	static const char rows[] = "SELECT " SUB_COLS " FROM submissions" LIST_WHERE
	    " ORDER BY id DESC LIMIT ? OFFSET ?";
	const char	*role = role_name(a->role);
	long long	 point = f->point, year = f->year, quarter = f->quarter;
	char		*like = f->q ? db_like(f->q) : NULL;
	struct db_res	 res;
	int		 rc;

#define ARGS f->type, f->type, f->state, f->state, point ? &point : NULL, point ? &point : NULL, \
	year ? &year : NULL, year ? &year : NULL, quarter ? &quarter : NULL, quarter ? &quarter : NULL, \
	like, like, f->industry, f->industry, LC_VISIBLE_ARGS(role, a->city, a->point_id)
	if (industry_known(db, f->industry, o) == -1) {
		free(like);
		return -1;
	}
	if ((rc = db_query(db, &res, count, "ssssIIIIIIssss" LC_VISIBLE_FMT "i", ARGS, count_limit(p))) != DB_OK)
		goto out;
	set_total(p, &res);
	rc = db_query(db, &res, rows, "ssssIIIIIIssss" LC_VISIBLE_FMT "ii", ARGS, p->per_page,
	    (p->page - 1) * p->per_page);
#undef ARGS
out:
	free(like);
	if (rc != DB_OK)
		return outcome_db(o, rc);
	return page_items(db, &res, p, o);
}

int
sv_queue(struct db *db, const struct actor *a, const char *type, struct sv_page *p,
    struct outcome *o)
{
	static const char rows[] = "SELECT " SUB_COLS " FROM submissions "
	    "WHERE state = 'submitted' AND review_level = ? AND (? IS NULL OR city = ?) "
	    "AND (? IS NULL OR type = ?) ORDER BY submitted_at LIMIT ? OFFSET ?";
	static const char count[] = "SELECT COUNT(*) FROM (SELECT 1 FROM submissions "
	    "WHERE state = 'submitted' AND review_level = ? AND (? IS NULL OR city = ?) "
	    "AND (? IS NULL OR type = ?) LIMIT ?) c";
	const char	*level = a->role == ROLE_CITY ? "city" : "province";
	const char	*city = a->role == ROLE_CITY ? a->city : NULL;
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(db, &res, count, "sssssi", level, city, city, type, type,
	    count_limit(p))) != DB_OK)
		return outcome_db(o, rc);
	set_total(p, &res);
	if ((rc = db_query(db, &res, rows, "sssssii", level, city, city, type, type,
	    p->per_page, (p->page - 1) * p->per_page)) != DB_OK)
		return outcome_db(o, rc);
	return page_items(db, &res, p, o);
}

int
sv_magazine(struct db *db, const char *state, const char *type, struct sv_page *p,
    struct outcome *o)
{
	static const char count[] = "SELECT COUNT(*) FROM (SELECT 1 FROM submissions WHERE magazine = ? "
	    "AND (? IS NULL OR type = ?) LIMIT ?) c";
	static const char rows[] = "SELECT " SUB_COLS ", "
	    "(SELECT mp.name FROM points mp WHERE mp.id = point_id) FROM submissions "
	    "WHERE magazine = ? AND (? IS NULL OR type = ?) "
	    "ORDER BY submitted_at DESC, id DESC LIMIT ? OFFSET ?";
	struct db_res	 res;
	json_t		*item;
	size_t		 i;
	int		 rc;

	if ((rc = db_query(db, &res, count, "sssi", state, type, type, count_limit(p))) != DB_OK)
		return outcome_db(o, rc);
	set_total(p, &res);
	if ((rc = db_query(db, &res, rows, "sssii", state, type, type, p->per_page,
	    (p->page - 1) * p->per_page)) != DB_OK)
		return outcome_db(o, rc);
	p->items = json_array();
	for (i = 0; i < res.nrows; i++) {
		item = sv_item_json(db, &res, i, false);
		json_object_set_new(item, "point_name", str_or_null(db_res_str(&res, i, SUB_NCOLS)));
		json_array_append_new(p->items, item);
	}
	db_res_free(&res);
	outcome_ok(o, 0);
	return 0;
}

int
sv_internal_exchange(struct db *db, int adopted, const char *from, const char *to,
    struct sv_page *p, struct outcome *o)
{
#define IX_FILTER \
	" WHERE s.opt_internal = 1 AND s.state = 'approved'" \
	" AND (? IS NULL OR (? = 2 AND s.adopted IS NULL) OR s.adopted = ?)" \
	" AND (? IS NULL OR s.first_submitted_at >= ?) AND (? IS NULL OR s.first_submitted_at < ? + INTERVAL 1 DAY)"
#define IX_WHERE " FROM submissions s LEFT JOIN points p ON p.id = s.point_id" IX_FILTER
	/* The count reads the index only (sql/050_…): no join. */
	static const char count[] = "SELECT COUNT(*) FROM (SELECT 1 FROM submissions s" IX_FILTER " LIMIT ?) c";
	static const char rows[] = "SELECT s.id, s.title, s.fields, COALESCE(p.name, s.city), "
	    "s.first_submitted_at, s.adopted, "
	    "(SELECT COUNT(*) FROM leader_instructions l WHERE l.submission_id = s.id)"
	    IX_WHERE " ORDER BY s.first_submitted_at DESC, s.id DESC LIMIT ? OFFSET ?";
	long long	 a = adopted;
	struct db_res	 res;
	json_t		*f;
	size_t		 i;
	int		 rc;

#define IX_ARGS adopted >= 0 ? &a : NULL, adopted >= 0 ? &a : NULL, adopted >= 0 ? &a : NULL, \
	from, from, to, to
	if ((rc = db_query(db, &res, count, "IIIssssi", IX_ARGS, count_limit(p))) != DB_OK)
		return outcome_db(o, rc);
	set_total(p, &res);
	if ((rc = db_query(db, &res, rows, "IIIssssii", IX_ARGS, p->per_page,
	    (p->page - 1) * p->per_page)) != DB_OK)
		return outcome_db(o, rc);
#undef IX_ARGS
	p->items = json_array();
	for (i = 0; i < res.nrows; i++) {
		f = json_loads(db_res_str(&res, i, 2), 0, NULL);
		json_array_append_new(p->items, json_pack("{s:I, s:s, s:O?, s:O?, s:o, s:o, s:o, s:I}",
		    "id", (json_int_t)db_res_int(&res, i, 0), "title", db_res_str(&res, i, 1),
		    "country", json_object_get(f, "country"), "industry", json_object_get(f, "industry"),
		    "unit", str_or_null(db_res_str(&res, i, 3)),
		    "submitted_at", app_time(db_res_str(&res, i, 4)),
		    "adopted", db_res_null(&res, i, 5) ? json_null() : json_boolean(db_res_int(&res, i, 5)),
		    "leader_instructions", (json_int_t)db_res_int(&res, i, 6)));
		json_decref(f);
	}
	db_res_free(&res);
	outcome_ok(o, 0);
	return 0;
}

int
sv_instructions(struct db *db, long long id, json_t **out, struct outcome *o)
{
	static const char list[] =
	    "SELECT id, leader, text, at FROM leader_instructions WHERE submission_id = ? ORDER BY id";
	struct db_res	 l;
	json_t		*items;
	size_t		 i;
	int		 rc;

	if ((rc = db_query(db, &l, list, "i", id)) != DB_OK)
		return outcome_db(o, rc);
	items = json_array();
	for (i = 0; i < l.nrows; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o}",
		    "id", (json_int_t)db_res_int(&l, i, 0), "leader", db_res_str(&l, i, 1),
		    "text", db_res_str(&l, i, 2), "at", app_time(db_res_str(&l, i, 3))));
	db_res_free(&l);
	*out = json_pack("{s:I, s:o, s:I}", "submission_id", (json_int_t)id,
	    "items", items, "total", (json_int_t)json_array_size(items));
	outcome_ok(o, id);
	return 0;
}

#define MSG_WHERE \
	" WHERE ((? = 'point' AND point_id = ?) OR (? = 'city' AND city = ? AND point_id IS NULL)" \
	" OR user_id = ?) AND (? IS NULL OR (read_at IS NULL) = ?)"

int
sv_messages(struct db *db, const struct actor *a, int unread, struct sv_page *p,
    struct outcome *o)
{
	static const char count[] = "SELECT COUNT(*) FROM (SELECT 1 FROM messages" MSG_WHERE " LIMIT ?) c";
	static const char rows[] = "SELECT id, kind, title, body, submission_id, created_at, read_at "
	    "FROM messages" MSG_WHERE " ORDER BY id DESC LIMIT ? OFFSET ?";
	const char	*role = role_name(a->role);
	long long	 point = a->point_id, uid = a->id, unread_v = unread;
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	if ((rc = db_query(db, &res, count, "sissiIIi", role, point, role, a->city, uid,
	    unread >= 0 ? &unread_v : NULL, unread >= 0 ? &unread_v : NULL, count_limit(p))) != DB_OK)
		return outcome_db(o, rc);
	set_total(p, &res);
	if ((rc = db_query(db, &res, rows, "sissiIIii", role, point, role, a->city, uid,
	    unread >= 0 ? &unread_v : NULL, unread >= 0 ? &unread_v : NULL, p->per_page,
	    (p->page - 1) * p->per_page)) != DB_OK)
		return outcome_db(o, rc);
	p->items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(p->items, json_pack("{s:I, s:s, s:s, s:o, s:o, s:o, s:o}",
		    "id", (json_int_t)db_res_int(&res, i, 0), "kind", db_res_str(&res, i, 1),
		    "title", db_res_str(&res, i, 2), "body", str_or_null(db_res_str(&res, i, 3)),
		    "submission_id", db_res_null(&res, i, 4) ? json_null() : json_integer(db_res_int(&res, i, 4)),
		    "created_at", app_time(db_res_str(&res, i, 5)), "read_at", app_time(db_res_str(&res, i, 6))));
	db_res_free(&res);
	outcome_ok(o, 0);
	return 0;
}

int
sv_message_read(struct db *db, const struct actor *a, long long id, struct outcome *o)
{
	static const char upd[] = "UPDATE messages SET read_at = COALESCE(read_at, NOW())" MSG_WHERE
	    " AND id = ?";
	static const char exists[] = "SELECT 1 FROM messages" MSG_WHERE " AND id = ?";
	const char	*role = role_name(a->role);
	long long	 point = a->point_id, uid = a->id;
	struct db_res	 res;
	int		 rc;

	outcome_ok(o, id);
	rc = db_exec(db, upd, "sissiIIi", role, point, role, a->city, uid,
	    (long long *)NULL, (long long *)NULL, id);
	if (rc < 0)
		return outcome_db(o, rc);
	if (rc > 0)
		return 0;
	/* 0 rows: already read (still ours) or not ours at all. */
	if ((rc = db_query(db, &res, exists, "sissiIIi", role, point, role, a->city, uid,
	    (long long *)NULL, (long long *)NULL, id)) != DB_OK)
		return outcome_db(o, rc);
	rc = (int)res.nrows;
	db_res_free(&res);
	if (rc == 0)
		return outcome_set(o, OUT_NOT_FOUND, NULL, "消息不存在");
	return 0;
}

int
sv_attachment(struct db *db, const struct actor *a, long long aid, bool content,
    struct db_res *att, struct outcome *o)
{
	static const char meta[] =
	    "SELECT submission_id, name, size, sha256 FROM attachments WHERE id = ? AND deleted_at IS NULL";
	static const char full[] =
	    "SELECT submission_id, name, size, sha256, content FROM attachments WHERE id = ? AND deleted_at IS NULL";
	struct db_res	 s;
	int		 rc;

	outcome_ok(o, aid);
	if ((rc = db_query(db, att, content ? full : meta, "i", aid)) != DB_OK)
		return outcome_db(o, rc);
	if (att->nrows == 0) {
		db_res_free(att);
		return outcome_set(o, OUT_NOT_FOUND, NULL, "附件不存在");
	}
	if (lc_load(db, a, db_res_int(att, 0, 0), false, &s, o) == -1) {
		db_res_free(att);
		if (o->kind == OUT_NOT_FOUND)
			outcome_set(o, OUT_NOT_FOUND, NULL, "附件不存在");
		return -1;
	}
	db_res_free(&s);
	return 0;
}
