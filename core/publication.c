/* yujing — published warnings, sub-sites, feeds and the filters that pick
 * warnings for subscribers and channels. */
#include "publication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

#define PUB_COLS \
	"s.id, s.fields, s.point_id, p.name, s.decided_at, " \
	"(SELECT name FROM countries WHERE code = JSON_VALUE(s.fields, '$.country')), " \
	"(SELECT name FROM industries WHERE code = JSON_VALUE(s.fields, '$.industry')), " \
	"(SELECT name FROM measure_types WHERE code = JSON_VALUE(s.fields, '$.measure_type')), " \
	"s.updated_at"
#define PUB_FILTER \
	" AND (? IS NULL OR JSON_VALUE(s.fields, '$.country') = ?)" \
	" AND (? IS NULL OR JSON_VALUE(s.fields, '$.industry') = ?)" \
	" AND (? IS NULL OR JSON_VALUE(s.fields, '$.measure_type') = ?)" \
	" AND (? IS NULL OR JSON_SEARCH(s.fields, 'one', ?, NULL, '$.hs_codes[*]') IS NOT NULL)" \
	" AND (? IS NULL OR s.title LIKE ? OR JSON_VALUE(s.fields, '$.content') LIKE ?)" \
	" AND (? IS NULL OR s.decided_at >= ?)" \
	" AND (? IS NULL OR s.decided_at < ? + INTERVAL 1 DAY)" \
	" AND (? IS NULL OR s.point_id = ?)"
#define PUB_FMT "ssssssssssssssssII"

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
warning_json(const struct db_res *res, size_t i)
{
	json_t		*f, *o, *hs;
	json_error_t	 e;
	const char	*keys[] = { "title", "country", "industry", "measure_type", "source_url",
	    "content", "comment_deadline" };
	size_t		 k;

	f = json_loads(db_res_str(res, i, 1), 0, &e);
	o = json_object();
	json_object_set_new(o, "id", json_integer(db_res_int(res, i, 0)));
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		json_t *v = f != NULL ? json_object_get(f, keys[k]) : NULL;

		json_object_set(o, keys[k], v != NULL && json_is_string(v) ? v : json_null());
	}
	hs = f != NULL ? json_object_get(f, "hs_codes") : NULL;
	json_object_set_new(o, "hs_codes", json_is_array(hs) ? json_deep_copy(hs) : json_array());
	json_object_set_new(o, "country_name", str_or_null(db_res_str(res, i, 5)));
	json_object_set_new(o, "industry_name", str_or_null(db_res_str(res, i, 6)));
	json_object_set_new(o, "measure_type_name", str_or_null(db_res_str(res, i, 7)));
	json_object_set_new(o, "point_id", db_res_null(res, i, 2) ? json_null() :
	    json_integer(db_res_int(res, i, 2)));
	json_object_set_new(o, "point_name", str_or_null(db_res_str(res, i, 3)));
	json_object_set_new(o, "published_at", app_time(db_res_str(res, i, 4)));
	json_object_set_new(o, "updated_at", app_time(db_res_str(res, i, 8)));
	json_decref(f);
	return o;
}

int
pub_list(struct db *db, const struct pub_filter *f, long long page, long long per_page,
    json_t **items, long long *total)
{
	static const char count_sql[] = "SELECT COUNT(*) FROM submissions s WHERE " PUB_WHERE PUB_FILTER;
	static const char rows_sql[] = "SELECT " PUB_COLS " FROM submissions s "
	    "LEFT JOIN points p ON p.id = s.point_id WHERE " PUB_WHERE PUB_FILTER
	    " ORDER BY s.decided_at DESC, s.id DESC LIMIT ? OFFSET ?";
	struct db_res	 res;
	char		 hs[32], *like = NULL;
	const char	*hsp = NULL;
	long long	*pid = f->point_id > 0 ? (long long *)&f->point_id : NULL;
	size_t		 i;
	int		 rc;

	*items = NULL;
	if (f->hs != NULL) {
		snprintf(hs, sizeof(hs), "%s%%", f->hs);
		hsp = hs;
	}
	if (f->q != NULL && (like = db_like(f->q)) == NULL)
		abort();
#define ARGS f->country, f->country, f->industry, f->industry, f->measure_type, f->measure_type, \
	hsp, hsp, like, like, like, f->from, f->from, f->to, f->to, pid, pid
	rc = db_query(db, &res, count_sql, "sssssssssssssss" "II", ARGS);
	if (rc != DB_OK)
		goto out;
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	rc = db_query(db, &res, rows_sql, "sssssssssssssss" "IIii", ARGS, per_page,
	    (page - 1) * per_page);
#undef ARGS
	if (rc != DB_OK)
		goto out;
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, warning_json(&res, i));
	db_res_free(&res);
out:
	free(like);
	return rc;
}

int
pub_get(struct db *db, long long id, json_t **out)
{
	static const char sql[] = "SELECT " PUB_COLS " FROM submissions s "
	    "LEFT JOIN points p ON p.id = s.point_id WHERE s.id = ? AND " PUB_WHERE;
	struct db_res	 res;
	int		 rc;

	*out = NULL;
	if ((rc = db_query(db, &res, sql, "i", id)) != DB_OK)
		return rc;
	if (res.nrows == 1)
		*out = warning_json(&res, 0);
	db_res_free(&res);
	return DB_OK;
}

int
pub_stamp(struct db *db, char *out, size_t outsz)
{
	/* What the public answers are made of changes only by an event row
	 * that publishes or unpublishes (approved items are not edited; a
	 * revert is an event), or by a point's own record (its name on every
	 * item).  Both are index lookups, not a scan of the items. */
	static const char sql[] = "SELECT (SELECT COALESCE(MAX(id), 0) FROM events WHERE publication IS NOT NULL), "
	    "(SELECT COALESCE(DATE_FORMAT(MAX(updated_at), '%Y%m%d%H%i%s'), '0') FROM points)";
	struct db_res	 res;
	int		 rc;

	if ((rc = db_query(db, &res, sql, "")) != DB_OK)
		return rc;
	snprintf(out, outsz, "%s-%s", db_res_str(&res, 0, 0), db_res_str(&res, 0, 1));
	db_res_free(&res);
	return DB_OK;
}

int
pub_point(struct db *db, long long id, json_t **out)
{
	static const char sql[] = "SELECT id, name, host_org, website, city, type FROM points "
	    "WHERE id = ? AND status <> '撤销'";
	struct db_res	 res;
	int		 rc;

	*out = NULL;
	if ((rc = db_query(db, &res, sql, "i", id)) != DB_OK)
		return rc;
	if (res.nrows == 1)
		*out = json_pack("{s:I, s:s, s:s, s:o, s:s, s:s, s:[s,s,s]}",
		    "id", (json_int_t)db_res_int(&res, 0, 0), "name", db_res_str(&res, 0, 1),
		    "host_org", db_res_str(&res, 0, 2), "website", str_or_null(db_res_str(&res, 0, 3)),
		    "city", db_res_str(&res, 0, 4), "type", db_res_str(&res, 0, 5),
		    "columns", "预警信息", "工作动态", "政策法规");
	db_res_free(&res);
	return DB_OK;
}

int
pub_posts(struct db *db, long long point_id, const char *column, long long page,
    long long per_page, json_t **items, long long *total)
{
#define POSTS_WHERE "type = 'subsite_post' AND state = 'approved' AND point_id = ? " \
	"AND (? IS NULL OR JSON_VALUE(fields, '$.column') = ?)"
	static const char count_sql[] = "SELECT COUNT(*) FROM submissions WHERE " POSTS_WHERE;
	static const char rows_sql[] = "SELECT id, JSON_VALUE(fields, '$.column'), title, "
	    "JSON_VALUE(fields, '$.content'), decided_at FROM submissions WHERE " POSTS_WHERE
	    " ORDER BY decided_at DESC, id DESC LIMIT ? OFFSET ?";
#undef POSTS_WHERE
	struct db_res	 res;
	size_t		 i;
	int		 rc;

	*items = NULL;
	if ((rc = db_query(db, &res, count_sql, "iss", point_id, column, column)) != DB_OK)
		return rc;
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(db, &res, rows_sql, "issii", point_id, column, column, per_page,
	    (page - 1) * per_page)) != DB_OK)
		return rc;
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, json_pack("{s:I, s:o, s:s, s:o, s:o}",
		    "id", (json_int_t)db_res_int(&res, i, 0), "column", str_or_null(db_res_str(&res, i, 1)),
		    "title", db_res_str(&res, i, 2), "content", str_or_null(db_res_str(&res, i, 3)),
		    "published_at", app_time(db_res_str(&res, i, 4))));
	db_res_free(&res);
	return DB_OK;
}

/* --- feeds ----------------------------------------------------------- */

static void
xml_text(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)(s ? s : ""); *p; p++)
		switch (*p) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\t': case '\n': case '\r': buf_add(b, p, 1); break;
		default:
			if (*p >= 0x20)		/* XML 1.0 allows no other control */
				buf_add(b, p, 1);
			break;
		}
}

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

void
pub_link(const char *site, long long id, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/warnings/%lld", site, id);
}

/* A feed entry's id: the public API's address of the warning, which never
 * changes (the page's address may). */
static void
pub_id(const char *site, long long id, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/api/public/warnings/%lld", site, id);
}

/* "国别 · 行业 · 措施" of a warning. */
static void
tags(const json_t *w, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s · %s · %s", jstr(w, "country_name"), jstr(w, "industry_name"),
	    jstr(w, "measure_type_name"));
}

void
pub_atom(const json_t *items, const char *self, const char *site, struct buf *b)
{
	const json_t	*w;
	const char	*updated;
	char		 link[512], idv[512], t[256];
	size_t		 i;

	updated = json_array_size(items) > 0 ? jstr(json_array_get(items, 0), "published_at") :
	    "2000-01-01T00:00:00+08:00";
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n<title>外贸预警信息</title>\n"
	    "<subtitle>浙江省外贸预警服务平台发布的预警信息</subtitle>\n<id>");
	xml_text(b, site);
	buf_puts(b, "/feeds/warnings</id>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"");
	xml_text(b, self);
	buf_puts(b, "\"/>\n<link rel=\"alternate\" href=\"");
	xml_text(b, site);
	buf_printf(b, "/\"/>\n<updated>%s</updated>\n<author><name>浙江省商务厅</name></author>\n"
	    "<generator>yujing</generator>\n", updated);
	json_array_foreach(items, i, w) {
		pub_link(site, json_integer_value(json_object_get(w, "id")), link, sizeof(link));
		pub_id(site, json_integer_value(json_object_get(w, "id")), idv, sizeof(idv));
		tags(w, t, sizeof(t));
		buf_puts(b, "<entry>\n<id>");
		xml_text(b, idv);
		buf_puts(b, "</id>\n<title>");
		xml_text(b, jstr(w, "title"));
		buf_puts(b, "</title>\n<link rel=\"alternate\" href=\"");
		xml_text(b, link);
		buf_printf(b, "\"/>\n<published>%s</published>\n<updated>%s</updated>\n",
		    jstr(w, "published_at"), jstr(w, "published_at"));
		if (*jstr(w, "point_name")) {
			buf_puts(b, "<author><name>");
			xml_text(b, jstr(w, "point_name"));
			buf_puts(b, "</name></author>\n");
		}
		buf_puts(b, "<category term=\"");
		xml_text(b, jstr(w, "measure_type"));
		buf_puts(b, "\" label=\"");
		xml_text(b, jstr(w, "measure_type_name"));
		buf_puts(b, "\"/>\n<summary>");
		xml_text(b, t);
		buf_puts(b, "</summary>\n<content type=\"text\">");
		xml_text(b, jstr(w, "content"));
		buf_puts(b, "</content>\n</entry>\n");
	}
	buf_puts(b, "</feed>\n");
}

void
pub_jsonfeed(const json_t *items, const char *self, const char *site, struct buf *b)
{
	const json_t	*w;
	json_t		*feed, *arr, *it, *tg;
	char		 link[512], idv[512], t[256], *s;
	size_t		 i;

	arr = json_array();
	json_array_foreach(items, i, w) {
		pub_link(site, json_integer_value(json_object_get(w, "id")), link, sizeof(link));
		pub_id(site, json_integer_value(json_object_get(w, "id")), idv, sizeof(idv));
		tags(w, t, sizeof(t));
		tg = json_array();
		if (*jstr(w, "country_name"))
			json_array_append_new(tg, json_string(jstr(w, "country_name")));
		if (*jstr(w, "industry_name"))
			json_array_append_new(tg, json_string(jstr(w, "industry_name")));
		if (*jstr(w, "measure_type_name"))
			json_array_append_new(tg, json_string(jstr(w, "measure_type_name")));
		it = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "id", idv, "url", link,
		    "title", jstr(w, "title"), "content_text", jstr(w, "content"), "summary", t,
		    "date_published", jstr(w, "published_at"), "tags", tg);
		if (*jstr(w, "point_name"))
			json_object_set_new(it, "authors", json_pack("[{s:s}]", "name", jstr(w, "point_name")));
		if (*jstr(w, "source_url"))
			json_object_set_new(it, "external_url", json_string(jstr(w, "source_url")));
		json_object_set_new(it, "_yujing", json_pack("{s:O, s:O, s:O, s:O, s:O}",
		    "country", json_object_get(w, "country"), "industry", json_object_get(w, "industry"),
		    "measure_type", json_object_get(w, "measure_type"),
		    "hs_codes", json_object_get(w, "hs_codes"),
		    "comment_deadline", json_object_get(w, "comment_deadline")));
		json_array_append_new(arr, it);
	}
	feed = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}",
	    "version", "https://jsonfeed.org/version/1.1", "title", "外贸预警信息",
	    "home_page_url", site, "feed_url", self, "description", "浙江省外贸预警服务平台发布的预警信息",
	    "language", "zh-CN", "items", arr);
	s = json_dumps(feed, JSON_COMPACT);
	buf_puts(b, s);
	free(s);
	json_decref(feed);
}

/* --- filters ------------------------------------------------------------ */

static bool
listed(const json_t *list, const char *code)
{
	const json_t	*v;
	size_t		 i;

	if (!json_is_array(list) || json_array_size(list) == 0)
		return true;
	if (code == NULL)
		return false;
	json_array_foreach(list, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), code))
			return true;
	return false;
}

bool
pub_filters_match(const json_t *filters, const json_t *w)
{
	const json_t	*pre, *hs, *p, *c;
	size_t		 i, j;

	if (!listed(json_object_get(filters, "industries"), json_string_value(json_object_get(w, "industry"))) ||
	    !listed(json_object_get(filters, "countries"), json_string_value(json_object_get(w, "country"))) ||
	    !listed(json_object_get(filters, "measure_types"),
	    json_string_value(json_object_get(w, "measure_type"))))
		return false;
	pre = json_object_get(filters, "hs_prefixes");
	if (!json_is_array(pre) || json_array_size(pre) == 0)
		return true;
	hs = json_object_get(w, "hs_codes");
	json_array_foreach(pre, i, p)
		json_array_foreach(hs, j, c)
			if (json_is_string(p) && json_is_string(c) &&
			    !strncmp(json_string_value(c), json_string_value(p), strlen(json_string_value(p))))
				return true;
	return false;
}

static int
known_code(struct db *db, const char *table, const char *code, int *dbrc)
{
	static const char *const sqls[] = {
		"SELECT code FROM industries WHERE code = ?",
		"SELECT code FROM countries WHERE code = ?",
		"SELECT code FROM measure_types WHERE code = ?",
	};
	struct db_res	 res;
	int		 found, which = !strcmp(table, "industries") ? 0 : !strcmp(table, "countries") ? 1 : 2;

	if ((*dbrc = db_query(db, &res, sqls[which], "s", code)) != DB_OK)
		return -1;
	found = res.nrows > 0 && !strcmp(db_res_str(&res, 0, 0), code);
	db_res_free(&res);
	return found;
}

#define FILTER_MAX 100

int
pub_filters_parse(struct db *db, const json_t *in, json_t **out, char *field, size_t fieldsz,
    char *msg, size_t msgsz, int *dbrc)
{
	static const struct { const char *key, *label; } lists[] = {
		{ "industries", "行业" }, { "countries", "国别地区" }, { "measure_types", "措施类型" },
		{ "hs_prefixes", "HS编码前缀" },
	};
	const json_t	*l, *v;
	json_t		*o, *a;
	const char	*s;
	size_t		 k, i, j;
	int		 found;

	*dbrc = DB_OK;
	o = json_object();
	for (k = 0; k < 4; k++) {
		l = in != NULL ? json_object_get(in, lists[k].key) : NULL;
		a = json_array();
		json_object_set_new(o, lists[k].key, a);
		if (l == NULL || json_is_null(l))
			continue;
		snprintf(field, fieldsz, "%s", lists[k].key);
		if (!json_is_array(l)) {
			snprintf(msg, msgsz, "%s应为列表", lists[k].label);
			goto bad;
		}
		if (json_array_size(l) > FILTER_MAX) {
			snprintf(msg, msgsz, "%s最多 %d 项", lists[k].label, FILTER_MAX);
			goto bad;
		}
		json_array_foreach(l, i, v) {
			snprintf(field, fieldsz, "%s[%zu]", lists[k].key, i);
			if (!json_is_string(v) || (s = json_string_value(v))[0] == '\0' || strlen(s) > 16) {
				snprintf(msg, msgsz, "%s第 %zu 项应为代码文本", lists[k].label, i + 1);
				goto bad;
			}
			if (k == 3) {
				if (strspn(s, "0123456789") != strlen(s) || strlen(s) < 2 || strlen(s) > 10) {
					snprintf(msg, msgsz, "HS编码前缀须为 2 到 10 位数字，如 8703");
					goto bad;
				}
			} else if ((found = known_code(db, lists[k].key, s, dbrc)) != 1) {
				if (found == -1)
					goto bad;
				snprintf(msg, msgsz, "%s代码“%.16s”不存在", lists[k].label, s);
				goto bad;
			}
			for (j = 0; j < json_array_size(a); j++)
				if (!strcmp(json_string_value(json_array_get(a, j)), s))
					break;
			if (j == json_array_size(a))
				json_array_append_new(a, json_string(s));
		}
	}
	*out = o;
	return 0;
bad:
	json_decref(o);
	return -1;
}
