/* yujing — delivery rounds: events into rows, digests, claim and send. */
#include "deliver.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "access.h"
#include "app.h"
#include "channels.h"
#include "duplicates.h"
#include "log.h"
#include "mail.h"
#include "metrics.h"
#include "publication.h"

#define CLAIM_BATCH 20
#define EVENT_BATCH 50

void
deliver_ctx_init(struct deliver_ctx *c, const struct config *cfg, int idx)
{
	char host[64] = "host";

	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	c->idx = idx;
	db_init(&c->db, cfg);
	net_init();
	c->curl = curl_easy_init();
	gethostname(host, sizeof(host) - 1);
	snprintf(c->me, sizeof(c->me), "%.60s:%ld:%d", host, (long)getpid(), idx);
}

void
deliver_ctx_free(struct deliver_ctx *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
	db_close(&c->db);
}

/* --- one announcement, one message ------------------------------------------ */

/* The published warnings that are likely the same announcement as w
 * (duplicates.h: same country and measure type, published within
 * DUP_DAYS, titles at least DUP_DELIVERY_THRESHOLD alike): their ids into
 * ids (at most max); returns how many, or a db_rc < 0. */
static int
same_announcement(struct db *db, long long sid, const json_t *w, long long *ids, int max)
{
	static const char sql[] = "SELECT s.id, s.title FROM publications p JOIN submissions s ON s.id = p.submission_id "
	    "WHERE p.unpublished_at IS NULL AND p.submission_id <> ? "
	    "AND p.published_at >= NOW(3) - INTERVAL " DUP_DAYS_SQL " DAY "
	    "AND JSON_VALUE(s.fields, '$.country') = ? AND JSON_VALUE(s.fields, '$.measure_type') = ?";
	const char	*title = json_string_value(json_object_get(w, "title"));
	const char	*country = json_string_value(json_object_get(w, "country"));
	const char	*measure = json_string_value(json_object_get(w, "measure_type"));
	struct db_res	 res;
	size_t		 i;
	int		 rc, n = 0;

	if (title == NULL || country == NULL || measure == NULL)
		return 0;
	if ((rc = db_query(db, &res, sql, "iss", sid, country, measure)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows && n < max; i++)
		if (dup_similarity(title, db_res_str(&res, i, 1)) >= DUP_DELIVERY_THRESHOLD)
			ids[n++] = db_res_int(&res, i, 0);
	db_res_free(&res);
	return n;
}

/* 1 when recipient already has (or is getting) one of the warnings ids. */
static int
already_told(struct db *db, const long long *ids, int n, const char *recipient)
{
	static const char sql[] = "SELECT COUNT(*) FROM deliveries WHERE submission_id = ? AND recipient = ? "
	    "AND cancelled = 0 AND state <> 'failed'";
	struct db_res	 res;
	int		 i, rc, told = 0;

	for (i = 0; i < n && !told; i++) {
		if ((rc = db_query(db, &res, sql, "is", ids[i], recipient)) != DB_OK)
			return rc;
		told = db_res_int(&res, 0, 0) > 0;
		db_res_free(&res);
	}
	return told;
}

/* --- events into rows ------------------------------------------------------ */

static int
fan_out(struct deliver_ctx *c, long long sid, const json_t *w)
{
	static const char subs_sql[] = "SELECT id, email, filters FROM subscriptions "
	    "WHERE state = 'active' AND digest = 'immediate'";
	static const char ch_sql[] = "SELECT id, kind, url, filters FROM channels "
	    "WHERE enabled = 1 AND deleted_at IS NULL";
	/* A row cancelled by an unpublication comes back when the warning is
	 * published again; one that went out stays as it is. */
	static const char ins[] = "INSERT INTO deliveries (idem_key, kind, submission_id, subscription_id, "
	    "channel_id, recipient, state, max_attempts, next_at, created_at) "
	    "VALUES (?, 'warning', ?, ?, ?, ?, 'pending', ?, NOW(3), NOW(3)) "
	    "ON DUPLICATE KEY UPDATE state = IF(cancelled = 1, 'pending', state), "
	    "next_at = IF(cancelled = 1, NOW(3), next_at), last_error = IF(cancelled = 1, NULL, last_error), "
	    "cancelled = 0";
	struct db_res	 res;
	json_t		*f;
	char		 key[400];
	long long	 id, max = c->cfg->deliver_max_attempts, dups[DUP_MAX];
	size_t		 i;
	int		 rc, n = 0, ndups, told;
	bool		 m;

	/* Two points reporting one announcement: a recipient who has the one
	 * is not sent the other (the reviewers saw both as likely duplicates). */
	if ((ndups = same_announcement(&c->db, sid, w, dups, DUP_MAX)) < 0)
		return ndups;
	if ((rc = db_query(&c->db, &res, subs_sql, "")) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		f = json_loads(db_res_str(&res, i, 2), 0, NULL);
		m = f != NULL && pub_filters_match(f, w);
		json_decref(f);
		if (!m)
			continue;
		if (ndups > 0 && (told = already_told(&c->db, dups, ndups, db_res_str(&res, i, 1))) != 0) {
			if (told < 0) {
				rc = told;
				break;
			}
			continue;
		}
		id = db_res_int(&res, i, 0);
		snprintf(key, sizeof(key), "w:%lld:%s", sid, db_res_str(&res, i, 1));
		if ((rc = db_exec(&c->db, ins, "siIIsi", key, sid, &id, NULL, db_res_str(&res, i, 1), max)) < 0)
			break;
		n++;
	}
	db_res_free(&res);
	if (rc < 0)
		return rc;
	if ((rc = db_query(&c->db, &res, ch_sql, "")) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		f = json_loads(db_res_str(&res, i, 3), 0, NULL);
		m = f != NULL && pub_filters_match(f, w);
		json_decref(f);
		if (!m)
			continue;
		if (ndups > 0 && (told = already_told(&c->db, dups, ndups, db_res_str(&res, i, 2))) != 0) {
			if (told < 0) {
				rc = told;
				break;
			}
			continue;
		}
		id = db_res_int(&res, i, 0);
		/* A mailing list is a recipient address like a subscriber's: one
		 * mail to it, whichever way it was reached. */
		if (!strcmp(db_res_str(&res, i, 1), "email"))
			snprintf(key, sizeof(key), "w:%lld:%s", sid, db_res_str(&res, i, 2));
		else
			snprintf(key, sizeof(key), "w:%lld:c:%lld", sid, id);
		if ((rc = db_exec(&c->db, ins, "siIIsi", key, sid, NULL, &id, db_res_str(&res, i, 2), max)) < 0)
			break;
		n++;
	}
	db_res_free(&res);
	return rc < 0 ? rc : n;
}

static int
handle_event(struct deliver_ctx *c, long long eid, long long sid, const char *publication, const char *at)
{
	static const char mark[] = "INSERT INTO dissem_events (event_id, done_at) VALUES (?, NOW(3))";
	static const char pub_ins[] = "INSERT INTO publications (submission_id, point_id, city, published_at) "
	    "SELECT id, point_id, city, ? FROM submissions WHERE id = ? "
	    "ON DUPLICATE KEY UPDATE unpublished_at = NULL";
	static const char unpub[] = "UPDATE publications SET unpublished_at = NOW(3) WHERE submission_id = ?";
	static const char cancel[] = "UPDATE deliveries SET state = 'failed', cancelled = 1, "
	    "last_error = '已撤销发布，未发送', claimed_by = NULL, claimed_until = NULL "
	    "WHERE submission_id = ? AND state IN ('pending', 'retrying')";
	struct db	*db = &c->db;
	json_t		*w = NULL;
	int		 rc, n = 0;

	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	if ((rc = db_exec(db, mark, "i", eid)) < 0) {
		db_rollback(db);
		return rc == DB_DUPLICATE ? 0 : rc;	/* another host has it */
	}
	if (!strcmp(publication, "published")) {
		if ((rc = pub_get(db, sid, &w)) != DB_OK)
			goto fail;
		/* Unpublished again since: its own event cancels. */
		if (w != NULL) {
			if ((rc = db_exec(db, pub_ins, "si", at, sid)) < 0 || (rc = fan_out(c, sid, w)) < 0)
				goto fail;
			n = rc;
		}
	} else if ((rc = db_exec(db, unpub, "i", sid)) < 0 || (rc = db_exec(db, cancel, "i", sid)) < 0)
		goto fail;
	if ((rc = db_commit(db)) != DB_OK)
		goto fail;
	json_decref(w);
	if (n > 0)
		log_info("deliver: submission %lld published: %d deliveries queued", sid, n);
	return 1;
fail:
	json_decref(w);
	db_rollback(db);
	return rc;
}

static int
consume_events(struct deliver_ctx *c)
{
	static const char cur_sql[] = "SELECT last_event_id FROM dissem_cursor WHERE name = 'deliver'";
	static const char ev_sql[] = "SELECT e.id, e.submission_id, e.publication, e.at FROM events e "
	    "LEFT JOIN dissem_events d ON d.event_id = e.id WHERE e.id > ? AND e.publication IS NOT NULL "
	    "AND d.event_id IS NULL ORDER BY e.id LIMIT " "50";
	/* The mark only passes events older than any transaction runs, and
	 * never an unhandled one. */
	static const char adv_sql[] = "UPDATE dissem_cursor SET last_event_id = GREATEST(last_event_id, "
	    "COALESCE((SELECT MAX(e.id) FROM events e WHERE e.id > ? AND e.at < NOW(3) - INTERVAL 10 MINUTE "
	    "AND e.id < COALESCE((SELECT MIN(u.id) FROM events u LEFT JOIN dissem_events d ON d.event_id = u.id "
	    "WHERE u.id > ? AND u.publication IS NOT NULL AND d.event_id IS NULL), 9223372036854775807)), 0)) "
	    "WHERE name = 'deliver'";
	struct db_res	 res;
	long long	 cur;
	size_t		 i;
	int		 rc, n = 0, r;

	if ((rc = db_query(&c->db, &res, cur_sql, "")) != DB_OK)
		return rc;
	cur = res.nrows ? db_res_int(&res, 0, 0) : 0;
	db_res_free(&res);
	if ((rc = db_query(&c->db, &res, ev_sql, "i", cur)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		if ((r = handle_event(c, db_res_int(&res, i, 0), db_res_int(&res, i, 1), db_res_str(&res, i, 2),
		    db_res_str(&res, i, 3))) < 0) {
			db_res_free(&res);
			return r;
		}
		n += r;
	}
	db_res_free(&res);
	if ((c->round % 20) == 0 && (rc = db_exec(&c->db, adv_sql, "ii", cur, cur)) < 0)
		return rc;
	return n;
}

/* --- digests ------------------------------------------------------------------ */

static int
make_digests(struct deliver_ctx *c)
{
	static const char due[] = "SELECT id, email, filters, last_digest_at FROM subscriptions "
	    "WHERE state = 'active' AND digest IN ('daily', 'weekly') AND last_digest_at <= "
	    "NOW(3) - INTERVAL IF(digest = 'daily', 1, 7) DAY ORDER BY id LIMIT 50";
	static const char relock[] = "SELECT last_digest_at FROM subscriptions WHERE id = ? AND "
	    "last_digest_at = ? FOR UPDATE";
	static const char pubs[] = "SELECT submission_id FROM publications WHERE published_at > ? "
	    "AND unpublished_at IS NULL ORDER BY published_at";
	static const char ins[] = "INSERT IGNORE INTO deliveries (idem_key, kind, subscription_id, recipient, "
	    "payload, state, max_attempts, next_at, created_at) VALUES (?, 'digest', ?, ?, ?, 'pending', ?, "
	    "NOW(3), NOW(3))";
	static const char done[] = "UPDATE subscriptions SET last_digest_at = NOW(3) WHERE id = ?";
	struct db	*db = &c->db;
	struct db_res	 res, lk, pr;
	json_t		*f, *ids, *w;
	char		 key[200], *pl;
	long long	 sid;
	size_t		 i, j;
	int		 rc, n = 0;

	if ((rc = db_query(db, &res, due, "")) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows; i++) {
		sid = db_res_int(&res, i, 0);
		if ((rc = db_begin(db)) != DB_OK)
			break;
		if ((rc = db_query(db, &lk, relock, "is", sid, db_res_str(&res, i, 3))) != DB_OK) {
			db_rollback(db);
			break;
		}
		if (lk.nrows == 0) {		/* another host did it */
			db_res_free(&lk);
			db_rollback(db);
			continue;
		}
		db_res_free(&lk);
		if ((rc = db_query(db, &pr, pubs, "s", db_res_str(&res, i, 3))) != DB_OK) {
			db_rollback(db);
			break;
		}
		f = json_loads(db_res_str(&res, i, 2), 0, NULL);
		ids = json_array();
		for (j = 0; j < pr.nrows && rc == DB_OK; j++) {
			if ((rc = pub_get(db, db_res_int(&pr, j, 0), &w)) != DB_OK || w == NULL)
				continue;
			if (f != NULL && pub_filters_match(f, w))
				json_array_append_new(ids, json_integer(db_res_int(&pr, j, 0)));
			json_decref(w);
		}
		db_res_free(&pr);
		json_decref(f);
		if (rc == DB_OK && json_array_size(ids) > 0) {
			snprintf(key, sizeof(key), "d:%lld:%s", sid, db_res_str(&res, i, 3));
			json_t *po = json_pack("{s:O}", "ids", ids);

			pl = json_dumps(po, JSON_COMPACT);
			json_decref(po);
			rc = db_exec(db, ins, "sissi", key, sid, db_res_str(&res, i, 1), pl,
			    (long long)c->cfg->deliver_max_attempts);
			free(pl);
			rc = rc < 0 ? rc : DB_OK;
			n++;
		}
		json_decref(ids);
		if (rc != DB_OK || (rc = db_exec(db, done, "i", sid)) < 0 || (rc = db_commit(db)) != DB_OK) {
			db_rollback(db);
			break;
		}
	}
	db_res_free(&res);
	return rc < 0 ? rc : n;
}

/* --- messages ------------------------------------------------------------------- */

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static void
html_text(struct buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '&': buf_puts(b, "&amp;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\n': buf_puts(b, "<br>\n"); break;
		default: buf_add(b, s, 1); break;
		}
}

static void
warning_lines(const json_t *w, const char *link, struct buf *t, struct buf *h)
{
	const json_t	*hs = json_object_get(w, "hs_codes"), *v;
	size_t		 i;

	buf_printf(t, "%s\n\n国别地区：%s\n行业：%s\n措施类型：%s\n", jstr(w, "title"),
	    jstr(w, "country_name"), jstr(w, "industry_name"), jstr(w, "measure_type_name"));
	buf_puts(h, "<h2>");
	html_text(h, jstr(w, "title"));
	buf_puts(h, "</h2>\n<p>国别地区：");
	html_text(h, jstr(w, "country_name"));
	buf_puts(h, "<br>\n行业：");
	html_text(h, jstr(w, "industry_name"));
	buf_puts(h, "<br>\n措施类型：");
	html_text(h, jstr(w, "measure_type_name"));
	if (json_array_size(hs) > 0) {
		buf_puts(t, "HS编码：");
		buf_puts(h, "<br>\nHS编码：");
		json_array_foreach(hs, i, v) {
			buf_printf(t, "%s%s", i ? "、" : "", json_string_value(v));
			buf_printf(h, "%s%s", i ? "、" : "", json_string_value(v));
		}
		buf_puts(t, "\n");
	}
	if (*jstr(w, "comment_deadline")) {
		buf_printf(t, "评议截止日期：%s\n", jstr(w, "comment_deadline"));
		buf_printf(h, "<br>\n评议截止日期：%s", jstr(w, "comment_deadline"));
	}
	buf_printf(t, "发布单位：%s\n发布时间：%.10s\n\n%s\n\n全文：%s\n", jstr(w, "point_name"),
	    jstr(w, "published_at"), jstr(w, "content"), link);
	buf_puts(h, "<br>\n发布单位：");
	html_text(h, jstr(w, "point_name"));
	buf_printf(h, "<br>\n发布时间：%.10s</p>\n<p>", jstr(w, "published_at"));
	html_text(h, jstr(w, "content"));
	buf_puts(h, "</p>\n<p><a href=\"");
	html_text(h, link);
	buf_puts(h, "\">查看全文</a></p>\n");
}

static void
footer(const struct config *cfg, const char *token, struct buf *t, struct buf *h)
{
	if (token == NULL)
		return;
	buf_printf(t, "\n--\n您收到此邮件是因为订阅了外贸预警服务平台的预警信息。\n"
	    "修改订阅：%s/subscribe/manage?token=%s\n退订：%s/subscribe/unsubscribe?token=%s\n",
	    cfg->public_url, token, cfg->public_url, token);
	buf_printf(h, "<hr><p style=\"color:#666\">您收到此邮件是因为订阅了外贸预警服务平台的预警信息。"
	    "<a href=\"%s/subscribe/manage?token=%s\">修改订阅</a> · "
	    "<a href=\"%s/subscribe/unsubscribe?token=%s\">退订</a></p>\n",
	    cfg->public_url, token, cfg->public_url, token);
}

/* --- sending -------------------------------------------------------------------- */

struct row {
	long long	 id, submission_id, subscription_id, channel_id;
	const char	*kind, *recipient, *payload, *key;
	long long	 attempts, max_attempts;
	const char	*ch_kind, *ch_url, *ch_secret;
	long long	 ch_rate, ch_enabled;
	bool		 ch_deleted;
	const char	*sub_token, *sub_state;
};

/* What a row came to before sending: send it, cancel it, or wait (rate). */
enum verdict { V_SEND, V_CANCEL, V_WAIT };

static enum send_result
send_mail(struct deliver_ctx *c, const struct row *r, json_t *w, char *err, size_t errsz, enum verdict *v,
    const char **why)
{
	const struct config	*cfg = c->cfg;
	struct mail_settings	 s;
	struct buf		 t = { 0 }, h = { 0 }, msg = { 0 }, subj = { 0 };
	struct mail_msg		 m = { .to = r->recipient, .id_seed = r->key };
	char			 link[512], unsub[600];
	json_t			*pl = NULL, *ids, *x, *ww;
	size_t			 i;
	int			 rc, nlisted = 0;
	enum send_result	 out;

	if ((rc = mail_settings_load(&c->db, &s)) != DB_OK) {
		snprintf(err, errsz, "数据库不可用：%s", db_strerror(rc));
		return SEND_TEMPORARY;
	}
	if (r->sub_token != NULL && strcmp(r->kind, "confirm") != 0) {
		snprintf(unsub, sizeof(unsub), "%s/api/public/subscriptions/unsubscribe?token=%s",
		    cfg->public_url, r->sub_token);
		m.unsubscribe = unsub;
	}
	buf_puts(&h, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n");
	if (!strcmp(r->kind, "warning")) {
		pub_link(cfg->public_url, r->submission_id, link, sizeof(link));
		buf_printf(&subj, "【贸易预警】%s", jstr(w, "title"));
		warning_lines(w, link, &t, &h);
	} else if (!strcmp(r->kind, "digest")) {
		pl = json_loads(r->payload ? r->payload : "{}", 0, NULL);
		ids = json_object_get(pl, "ids");
		buf_puts(&h, "<h2>外贸预警信息摘要</h2>\n");
		json_array_foreach(ids, i, x) {
			if (pub_get(&c->db, json_integer_value(x), &ww) != DB_OK || ww == NULL)
				continue;
			pub_link(cfg->public_url, json_integer_value(x), link, sizeof(link));
			buf_printf(&t, "%d. ", ++nlisted);
			warning_lines(ww, link, &t, &h);
			buf_puts(&t, "\n");
			json_decref(ww);
		}
		if (nlisted == 0) {	/* all unpublished since */
			*v = V_CANCEL;
			*why = "摘要中的预警信息均已撤销发布，未发送";
			out = SEND_PERMANENT;
			goto out;
		}
		buf_printf(&subj, "【贸易预警】预警信息摘要：%d 条", nlisted);
	} else if (!strcmp(r->kind, "confirm")) {
		const char *what, *token;

		pl = json_loads(r->payload ? r->payload : "{}", 0, NULL);
		what = jstr(pl, "what");
		token = jstr(pl, "token");
		if (!strcmp(what, "manage")) {
			buf_puts(&subj, "您的外贸预警信息订阅");
			buf_printf(&t, "您好：\n\n有人（可能是您）用本邮箱再次申请订阅外贸预警信息。您已订阅，无需重复申请。\n"
			    "如需修改订阅条件或退订，请打开：\n%s/subscribe/manage?token=%s\n", cfg->public_url, token);
			buf_printf(&h, "<p>您好：</p><p>有人（可能是您）用本邮箱再次申请订阅外贸预警信息。您已订阅，无需重复申请。</p>"
			    "<p><a href=\"%s/subscribe/manage?token=%s\">修改订阅条件或退订</a></p>\n",
			    cfg->public_url, token);
		} else {
			buf_puts(&subj, "请确认订阅外贸预警信息");
			buf_printf(&t, "您好：\n\n请打开以下链接确认订阅外贸预警服务平台的预警信息：\n"
			    "%s/subscribe/confirm?token=%s\n\n如果不是您本人申请，请忽略本邮件，我们不会再给您发信。\n",
			    cfg->public_url, token);
			buf_printf(&h, "<p>您好：</p><p>请点击 <a href=\"%s/subscribe/confirm?token=%s\">确认订阅</a>"
			    " 外贸预警服务平台的预警信息。</p><p>如果不是您本人申请，请忽略本邮件，我们不会再给您发信。</p>\n",
			    cfg->public_url, token);
		}
	} else {
		buf_puts(&subj, "【外贸预警服务平台】测试邮件");
		buf_puts(&t, "这是一封测试邮件：邮件设置正确。\n");
		buf_puts(&h, "<p>这是一封测试邮件：邮件设置正确。</p>\n");
	}
	if (strcmp(r->kind, "confirm") != 0)
		footer(cfg, r->sub_token, &t, &h);
	buf_puts(&h, "</body></html>\n");
	m.subject = subj.data;
	m.text = t.data;
	m.html = h.data;
	mail_build(&s, &m, &msg);
	out = mail_send(c->curl, &s, r->recipient, &msg, cfg->send_timeout, err, errsz);
out:
	json_decref(pl);
	buf_free(&t);
	buf_free(&h);
	buf_free(&msg);
	buf_free(&subj);
	return out;
}

static int
rate_room(struct deliver_ctx *c, const struct row *r)
{
	static const char sql[] = "SELECT COUNT(*) FROM delivery_attempts WHERE channel_id = ? "
	    "AND at > NOW(3) - INTERVAL 60 SECOND";
	struct db_res	 res;
	long long	 n;

	if (db_query(&c->db, &res, sql, "i", r->channel_id) != DB_OK)
		return 0;
	n = db_res_int(&res, 0, 0);
	db_res_free(&res);
	return n < r->ch_rate;
}

static void
finish(struct deliver_ctx *c, const struct row *r, enum send_result res, const char *err, bool attempted)
{
	static const char att[] = "INSERT INTO delivery_attempts (delivery_id, channel_id, at, ok, temporary, error) "
	    "VALUES (?, ?, NOW(3), ?, ?, ?)";
	static const char sent[] = "UPDATE deliveries SET state = 'sent', attempts = attempts + 1, "
	    "sent_at = NOW(3), last_error = NULL, claimed_by = NULL, claimed_until = NULL "
	    "WHERE id = ? AND claimed_by = ?";
	static const char first[] = "UPDATE publications SET first_delivered_at = COALESCE(first_delivered_at, NOW(3)) "
	    "WHERE submission_id = ?";
	static const char again[] = "UPDATE deliveries SET state = 'retrying', attempts = attempts + 1, last_error = ?, "
	    "next_at = NOW(3) + INTERVAL ? SECOND, claimed_by = NULL, claimed_until = NULL "
	    "WHERE id = ? AND claimed_by = ?";
	static const char failed[] = "UPDATE deliveries SET state = 'failed', attempts = attempts + ?, last_error = ?, "
	    "cancelled = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ?";
	struct db	*db = &c->db;
	long long	 delay, chid = r->channel_id, n = r->attempts + 1;
	char		 e[500];
	int		 rc;

	snprintf(e, sizeof(e), "%.490s", err != NULL ? err : "");
	if ((rc = db_begin(db)) != DB_OK)
		return;
	if (attempted && (rc = db_exec(db, att, "iIiis", r->id, chid ? &chid : NULL, (long long)(res == SEND_OK),
	    (long long)(res == SEND_TEMPORARY), res == SEND_OK ? NULL : e)) < 0)
		goto fail;
	if (res == SEND_OK) {
		if ((rc = db_exec(db, sent, "is", r->id, c->me)) < 0 ||
		    (r->submission_id && (rc = db_exec(db, first, "i", r->submission_id)) < 0))
			goto fail;
	} else if (res == SEND_TEMPORARY && n < r->max_attempts) {
		delay = (long long)c->cfg->deliver_retry_base << (n - 1 < 12 ? n - 1 : 12);
		if (delay > 6 * 3600)
			delay = 6 * 3600;
		if ((rc = db_exec(db, again, "siis", e, delay, r->id, c->me)) < 0)
			goto fail;
	} else if ((rc = db_exec(db, failed, "isiis", (long long)attempted, e, (long long)!attempted, r->id,
	    c->me)) < 0)
		goto fail;
	if (db_commit(db) == DB_OK)
		return;
fail:
	db_rollback(db);
	log_warn("deliver: recording delivery %lld failed: %s", r->id, db_strerror(rc));
}

static void
send_row(struct deliver_ctx *c, struct row *r)
{
	static const char wait_sql[] = "UPDATE deliveries SET claimed_by = NULL, claimed_until = NULL, "
	    "next_at = NOW(3) + INTERVAL 3 SECOND WHERE id = ? AND claimed_by = ?";
	json_t			*w = NULL;
	enum verdict		 v = V_SEND;
	enum send_result	 res;
	const char		*why = NULL;
	char			 err[512] = "", link[512];

	if (!strcmp(r->kind, "warning")) {
		if (pub_get(&c->db, r->submission_id, &w) != DB_OK)
			return;		/* the lease runs out; tried again */
		if (w == NULL) {
			v = V_CANCEL;
			why = "已撤销发布，未发送";
		}
	}
	if (v == V_SEND && r->subscription_id && strcmp(r->kind, "confirm") &&
	    (r->sub_state == NULL || strcmp(r->sub_state, "active"))) {
		v = V_CANCEL;
		why = "已退订，未发送";
	}
	if (v == V_SEND && r->channel_id) {
		if (r->ch_kind == NULL || r->ch_deleted || !r->ch_enabled) {
			v = V_CANCEL;
			why = "渠道已停用或删除，未发送";
		} else if (!rate_room(c, r))
			v = V_WAIT;
	}
	if (v == V_WAIT) {
		db_exec(&c->db, wait_sql, "is", r->id, c->me);
		json_decref(w);
		return;
	}
	if (v == V_CANCEL) {
		finish(c, r, SEND_PERMANENT, why, false);
		json_decref(w);
		return;
	}
	if (r->channel_id && strcmp(r->ch_kind, "email") != 0) {
		struct channel_target t = { r->ch_kind, r->ch_url, r->ch_secret };

		pub_link(c->cfg->public_url, r->submission_id, link, sizeof(link));
		res = channel_send(c->curl, c->cfg, &t, w, link, r->key, err, sizeof(err));
	} else {
		res = send_mail(c, r, w, err, sizeof(err), &v, &why);
		if (v == V_CANCEL) {
			finish(c, r, SEND_PERMANENT, why, false);
			json_decref(w);
			return;
		}
	}
	json_decref(w);
	if (res != SEND_OK)
		log_warn("deliver: delivery %lld (%s to %s) attempt %lld: %s", r->id, r->kind, r->recipient,
		    r->attempts + 1, err);
	finish(c, r, res, err, true);
}

static int
send_due(struct deliver_ctx *c)
{
	static const char claim[] = "UPDATE deliveries SET claimed_by = ?, claimed_until = NOW(3) + INTERVAL ? SECOND "
	    "WHERE state IN ('pending', 'retrying') AND next_at <= NOW(3) "
	    "AND (claimed_until IS NULL OR claimed_until < NOW(3)) ORDER BY next_at, id LIMIT 20";
	static const char mine[] = "SELECT d.id, d.kind, d.submission_id, d.subscription_id, d.channel_id, "
	    "d.recipient, d.payload, d.idem_key, d.attempts, d.max_attempts, ch.kind, ch.url, ch.secret, "
	    "ch.rate_per_minute, ch.enabled, ch.deleted_at IS NOT NULL, s.token, s.state "
	    "FROM deliveries d LEFT JOIN channels ch ON ch.id = d.channel_id "
	    "LEFT JOIN subscriptions s ON s.id = d.subscription_id WHERE d.claimed_by = ? ORDER BY d.id";
	struct db_res	 res;
	struct row	 r;
	size_t		 i;
	int		 rc, n;

	if ((rc = db_exec(&c->db, claim, "si", c->me, (long long)c->cfg->deliver_lease)) < 0)
		return rc;
	if (rc == 0)
		return 0;
	if ((rc = db_query(&c->db, &res, mine, "s", c->me)) != DB_OK)
		return rc;
	n = (int)res.nrows;
	for (i = 0; i < res.nrows; i++) {
		memset(&r, 0, sizeof(r));
		r.id = db_res_int(&res, i, 0);
		r.kind = db_res_str(&res, i, 1);
		r.submission_id = db_res_null(&res, i, 2) ? 0 : db_res_int(&res, i, 2);
		r.subscription_id = db_res_null(&res, i, 3) ? 0 : db_res_int(&res, i, 3);
		r.channel_id = db_res_null(&res, i, 4) ? 0 : db_res_int(&res, i, 4);
		r.recipient = db_res_str(&res, i, 5);
		r.payload = db_res_str(&res, i, 6);
		r.key = db_res_str(&res, i, 7);
		r.attempts = db_res_int(&res, i, 8);
		r.max_attempts = db_res_int(&res, i, 9);
		r.ch_kind = db_res_str(&res, i, 10);
		r.ch_url = db_res_str(&res, i, 11);
		r.ch_secret = db_res_str(&res, i, 12);
		r.ch_rate = db_res_null(&res, i, 13) ? 0 : db_res_int(&res, i, 13);
		r.ch_enabled = db_res_null(&res, i, 14) ? 0 : db_res_int(&res, i, 14);
		r.ch_deleted = !db_res_null(&res, i, 15) && db_res_int(&res, i, 15);
		r.sub_token = db_res_str(&res, i, 16);
		r.sub_state = db_res_str(&res, i, 17);
		send_row(c, &r);
	}
	db_res_free(&res);
	return n;
}

int
deliver_round(struct deliver_ctx *c, bool events)
{
	int n = 0, rc;

	c->round++;
	db_request_begin(&c->db);
	if (events) {
		if ((rc = consume_events(c)) < 0)
			goto fail;
		n += rc;
		if ((rc = make_digests(c)) < 0)
			goto fail;
		n += rc;
	}
	if ((rc = send_due(c)) < 0)
		goto fail;
	n += rc;
	db_request_end(&c->db);
	return n;
fail:
	db_request_end(&c->db);
	return -1;
}

/* --- threads ------------------------------------------------------------------------ */

static struct {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	bool			 stopping;
	int			 n;
	pthread_t		*tids;
	struct deliver_ctx	*ctx;
} pool = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

static void *
deliver_main(void *arg)
{
	struct deliver_ctx	*c = arg;
	struct timespec		 ts;
	int			 n, fails = 0;

	for (;;) {
		pthread_mutex_lock(&pool.mu);
		if (pool.stopping) {
			pthread_mutex_unlock(&pool.mu);
			break;
		}
		pthread_mutex_unlock(&pool.mu);
		n = deliver_round(c, c->idx == 0);
		if (n < 0 && fails++ % 60 == 0)
			log_warn("deliver: round failed (database: %s); trying again", c->db.last_error);
		if (n >= 0)
			fails = 0;
		if (n > 0)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)c->cfg->deliver_poll_ms % 1000 * 1000000L;
		ts.tv_sec += c->cfg->deliver_poll_ms / 1000 + ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&pool.mu);
		if (!pool.stopping)
			pthread_cond_timedwait(&pool.cv, &pool.mu, &ts);
		pthread_mutex_unlock(&pool.mu);
	}
	deliver_ctx_free(c);
	return NULL;
}

/* /metrics: what waits to go out, and how long the oldest due row has
 * waited (the 2-hour rule's alarm).  The queue is the database's, so every
 * host shows it, sending or not.  -1: the database did not answer (the
 * gauge is left out). */
static double
gauge_queue(struct db *db, void *arg)
{
	static const char sql[] = "SELECT COUNT(*), COALESCE(TIMESTAMPDIFF(SECOND, MIN(next_at), NOW(3)), 0) "
	    "FROM deliveries WHERE state IN ('pending', 'retrying') AND cancelled = 0";
	struct db_res	 res;
	double		 v;

	if (db_query(db, &res, sql, "") != DB_OK)
		return -1;
	v = arg == NULL ? (double)db_res_int(&res, 0, 0) : (double)db_res_int(&res, 0, 1);
	db_res_free(&res);
	return v < 0 ? 0 : v;
}

int
deliver_start(const struct config *cfg)
{
	static int oldest = 1;
	int i;

	metrics_gauge_register("yujing_delivery_queue", "Deliveries pending or waiting to retry.", gauge_queue, NULL);
	metrics_gauge_register("yujing_delivery_oldest_seconds",
	    "Seconds the longest-waiting due delivery has waited (0: none).", gauge_queue, &oldest);
	if (cfg->deliver_threads == 0)
		return 0;
	net_init();
	pool.n = cfg->deliver_threads;
	if ((pool.tids = calloc((size_t)pool.n, sizeof(*pool.tids))) == NULL ||
	    (pool.ctx = calloc((size_t)pool.n, sizeof(*pool.ctx))) == NULL)
		abort();
	for (i = 0; i < pool.n; i++) {
		deliver_ctx_init(&pool.ctx[i], cfg, i);
		if (pthread_create(&pool.tids[i], NULL, deliver_main, &pool.ctx[i]) != 0) {
			log_err("deliver: cannot start thread %d", i);
			pool.n = i;
			return -1;
		}
	}
	log_info("deliver: %d thread(s), lease %d s, first retry after %d s", pool.n, cfg->deliver_lease,
	    cfg->deliver_retry_base);
	return 0;
}

void
deliver_stop(void)
{
	int i;

	pthread_mutex_lock(&pool.mu);
	pool.stopping = true;
	pthread_cond_broadcast(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	for (i = 0; i < pool.n; i++)
		pthread_join(pool.tids[i], NULL);
	free(pool.tids);
	free(pool.ctx);
	pool.tids = NULL;
	pool.ctx = NULL;
	pool.n = 0;
}

/* --- the API's side ------------------------------------------------------------------- */

static json_t *
delivery_json(const struct db_res *res, size_t i)
{
	json_t *o = json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s, s:I, s:o, s:b, s:o, s:o}",
	    "id", (json_int_t)db_res_int(res, i, 0), "kind", db_res_str(res, i, 1),
	    "submission_id", db_res_null(res, i, 2) ? json_null() : json_integer(db_res_int(res, i, 2)),
	    "subscription_id", db_res_null(res, i, 3) ? json_null() : json_integer(db_res_int(res, i, 3)),
	    "channel_id", db_res_null(res, i, 4) ? json_null() : json_integer(db_res_int(res, i, 4)),
	    /* A channel's URL holds its robot's key: the channel's name instead. */
	    "recipient", db_res_null(res, i, 4) ? db_res_str(res, i, 5) :
	    db_res_null(res, i, 13) ? "" : db_res_str(res, i, 13), "state", db_res_str(res, i, 6),
	    "attempts", (json_int_t)db_res_int(res, i, 7),
	    "last_error", db_res_null(res, i, 8) ? json_null() : json_string(db_res_str(res, i, 8)),
	    "cancelled", (int)db_res_int(res, i, 9), "created_at", app_time(db_res_str(res, i, 10)),
	    "sent_at", app_time(db_res_str(res, i, 11)));

	json_object_set_new(o, "next_at", app_time(db_res_str(res, i, 12)));
	json_object_set_new(o, "title", db_res_null(res, i, 14) ? json_null() : json_string(db_res_str(res, i, 14)));
	return o;
}

#define DL_COLS "d.id, d.kind, d.submission_id, d.subscription_id, d.channel_id, d.recipient, d.state, " \
	"d.attempts, d.last_error, d.cancelled, d.created_at, d.sent_at, d.next_at, ch.name, s.title"
/* A point sees what went to its channels and for its warnings; a city its
 * points'; the province everything. */
#define DL_WHERE " FROM deliveries d LEFT JOIN channels ch ON ch.id = d.channel_id " \
	"LEFT JOIN submissions s ON s.id = d.submission_id WHERE (? IS NULL OR d.submission_id = ?) " \
	"AND (? IS NULL OR d.channel_id = ?) AND (? IS NULL OR d.state = ?) " \
	"AND (? IS NULL OR ch.point_id = ? OR s.point_id = ?) AND (? IS NULL OR s.city = ?)"

int
deliveries_list(struct db *db, const struct actor *a, const struct delivery_query *q, json_t **items,
    long long *total, struct outcome *o)
{
	static const char count_sql[] = "SELECT COUNT(*)" DL_WHERE;
	static const char rows_sql[] = "SELECT " DL_COLS DL_WHERE " ORDER BY d.id DESC LIMIT ? OFFSET ?";
	struct db_res	 res;
	long long	*sid = q->submission_id ? (long long *)&q->submission_id : NULL;
	long long	*cid = q->channel_id ? (long long *)&q->channel_id : NULL;
	long long	*pid = a->role == ROLE_POINT ? (long long *)&a->point_id : NULL;
	const char	*city = a->role == ROLE_CITY ? a->city : NULL;
	size_t		 i;
	int		 rc;

#define ARGS sid, sid, cid, cid, q->state, q->state, pid, pid, pid, city, city
	if ((rc = db_query(db, &res, count_sql, "IIIIssIIIss", ARGS)) != DB_OK)
		return outcome_db(o, rc);
	*total = db_res_int(&res, 0, 0);
	db_res_free(&res);
	if ((rc = db_query(db, &res, rows_sql, "IIIIssIIIssii", ARGS, q->per_page,
	    (q->page - 1) * q->per_page)) != DB_OK)
		return outcome_db(o, rc);
#undef ARGS
	*items = json_array();
	for (i = 0; i < res.nrows; i++)
		json_array_append_new(*items, delivery_json(&res, i));
	db_res_free(&res);
	o->kind = OUT_OK;
	return 0;
}

int
deliveries_retry(struct db *db, const struct config *cfg, const struct actor *a, long long id, json_t **out,
    struct outcome *o)
{
	static const char get[] = "SELECT " DL_COLS " FROM deliveries d LEFT JOIN channels ch ON ch.id = d.channel_id "
	    "LEFT JOIN submissions s ON s.id = d.submission_id WHERE d.id = ?";
	static const char upd[] = "UPDATE deliveries SET state = 'retrying', next_at = NOW(3), "
	    "max_attempts = attempts + ?, claimed_by = NULL, claimed_until = NULL "
	    "WHERE id = ? AND state IN ('failed', 'retrying') AND cancelled = 0 "
	    "AND (claimed_until IS NULL OR claimed_until < NOW(3))";
	struct db_res	 res;
	int		 rc;

	if (a->role != ROLE_PROVINCE && a->role != ROLE_ADMIN)
		return outcome_fail(o, OUT_FORBIDDEN, NULL, "只有省级可以重发");
	if ((rc = db_query(db, &res, get, "i", id)) != DB_OK)
		return outcome_db(o, rc);
	if (res.nrows == 0) {
		db_res_free(&res);
		return outcome_fail(o, OUT_NOT_FOUND, NULL, "投递记录不存在");
	}
	db_res_free(&res);
	if ((rc = db_exec(db, upd, "ii", (long long)cfg->deliver_max_attempts, id)) < 0)
		return outcome_db(o, rc);
	if (rc == 0)
		return outcome_fail(o, OUT_CONFLICT, "state", "只有发送失败或等待重试、且未撤销的投递可以重发");
	if ((rc = db_query(db, &res, get, "i", id)) != DB_OK)
		return outcome_db(o, rc);
	*out = delivery_json(&res, 0);
	db_res_free(&res);
	o->kind = OUT_OK;
	return 0;
}

/* --- statistics -------------------------------------------------------------------------- */

struct agg {
	long long	 published, sent, failed, recipients, within;
	double		*mins;
	size_t		 nmins, cap;
};

static void
agg_add(struct agg *g, long long secs, bool delivered, long long sent, long long failed)
{
	g->published++;
	g->sent += sent;
	g->failed += failed;
	if (!delivered)
		return;
	if (secs <= 7200)
		g->within++;
	if (g->nmins == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		if ((g->mins = realloc(g->mins, g->cap * sizeof(double))) == NULL)
			abort();
	}
	g->mins[g->nmins++] = (double)secs / 60.0;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (nearest rank) of sorted v. */
static json_t *
quantile(const double *v, size_t n, double q)
{
	size_t k;

	if (n == 0)
		return json_null();
	k = (size_t)(q * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return json_real((double)(long long)(v[k - 1] * 10 + 0.5) / 10);
}

static json_t *
agg_json(struct agg *g, long long recipients)
{
	json_t *o;

	if (g->nmins > 0)
		qsort(g->mins, g->nmins, sizeof(double), cmp_d);
	o = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "published", (json_int_t)g->published,
	    "deliveries_sent", (json_int_t)g->sent, "deliveries_failed", (json_int_t)g->failed,
	    "recipients", (json_int_t)recipients, "median_minutes", quantile(g->mins, g->nmins, 0.5),
	    "p90_minutes", quantile(g->mins, g->nmins, 0.9),
	    "within_2h", g->published ? json_real((double)(long long)((double)g->within * 1000 /
	    (double)g->published + 0.5) / 1000) : json_null());
	free(g->mins);
	memset(g, 0, sizeof(*g));
	return o;
}

/* From the rollup: a (city, point) row, a city's (point -1) or the total
 * (city NULL). */
static long long
recipients(const struct db_res *rr, const char *city, long long point)
{
	size_t j;

	for (j = 0; j < rr->nrows; j++) {
		if (city == NULL) {
			if (db_res_null(rr, j, 0))
				return db_res_int(rr, j, 2);
			continue;
		}
		if (db_res_null(rr, j, 0) || strcmp(db_res_str(rr, j, 0), city))
			continue;
		if (point < 0 ? db_res_null(rr, j, 1) : (!db_res_null(rr, j, 1) && db_res_int(rr, j, 1) == point))
			return db_res_int(rr, j, 2);
	}
	return 0;
}

int
dissem_stats(struct db *db, int year, const char *city, json_t **out, struct outcome *o)
{
	static const char rows[] = "SELECT p.point_id, pt.name, p.city, r.name, "
	    "TIMESTAMPDIFF(SECOND, p.published_at, p.first_delivered_at), "
	    "(SELECT COUNT(*) FROM deliveries d WHERE d.submission_id = p.submission_id AND d.kind = 'warning' "
	    " AND d.state = 'sent'), "
	    "(SELECT COUNT(*) FROM deliveries d WHERE d.submission_id = p.submission_id AND d.kind = 'warning' "
	    " AND d.state = 'failed' AND d.cancelled = 0) "
	    "FROM publications p LEFT JOIN points pt ON pt.id = p.point_id LEFT JOIN regions r ON r.code = p.city "
	    "WHERE p.unpublished_at IS NULL AND p.published_at >= ? AND p.published_at < ? "
	    "AND (? IS NULL OR p.city = ?) ORDER BY p.city, p.point_id";
	/* Distinct recipients per (city, point), per city (point NULL) and in
	 * total (both NULL); a warning of a city itself has point 0. */
	static const char recips[] = "SELECT COALESCE(p.city, '') AS c, COALESCE(p.point_id, 0) AS pt, "
	    "COUNT(DISTINCT d.recipient) FROM deliveries d "
	    "JOIN publications p ON p.submission_id = d.submission_id WHERE d.state = 'sent' AND d.kind = 'warning' "
	    "AND p.unpublished_at IS NULL AND p.published_at >= ? AND p.published_at < ? "
	    "AND (? IS NULL OR p.city = ?) GROUP BY c, pt WITH ROLLUP";
	struct db_res	 res, rr;
	struct agg	 pa = { 0 }, ca = { 0 }, ta = { 0 };
	json_t		*points, *cities, *row;
	char		 from[32], to[32];
	long long	 secs, total_recipients = 0;
	size_t		 i;
	int		 rc;
	bool		 delivered;

	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-01-01", year + 1);
	if ((rc = db_query(db, &res, rows, "ssss", from, to, city, city)) != DB_OK)
		return outcome_db(o, rc);
	if ((rc = db_query(db, &rr, recips, "ssss", from, to, city, city)) != DB_OK) {
		db_res_free(&res);
		return outcome_db(o, rc);
	}
	points = json_array();
	cities = json_array();
	for (i = 0; i < res.nrows; i++) {
		delivered = !db_res_null(&res, i, 4);
		secs = delivered ? db_res_int(&res, i, 4) : 0;
		agg_add(&pa, secs, delivered, db_res_int(&res, i, 5), db_res_int(&res, i, 6));
		agg_add(&ca, secs, delivered, db_res_int(&res, i, 5), db_res_int(&res, i, 6));
		agg_add(&ta, secs, delivered, db_res_int(&res, i, 5), db_res_int(&res, i, 6));
		if (i + 1 == res.nrows || db_res_int(&res, i, 0) != db_res_int(&res, i + 1, 0) ||
		    db_res_null(&res, i, 0) != db_res_null(&res, i + 1, 0) ||
		    strcmp(db_res_str(&res, i, 2) ? db_res_str(&res, i, 2) : "",
		    db_res_str(&res, i + 1, 2) ? db_res_str(&res, i + 1, 2) : "")) {
			row = agg_json(&pa, recipients(&rr, db_res_str(&res, i, 2) ? db_res_str(&res, i, 2) : "",
			    db_res_null(&res, i, 0) ? 0 : db_res_int(&res, i, 0)));
			json_object_set_new(row, "point_id", db_res_null(&res, i, 0) ? json_null() :
			    json_integer(db_res_int(&res, i, 0)));
			json_object_set_new(row, "point_name", db_res_str(&res, i, 1) ?
			    json_string(db_res_str(&res, i, 1)) : json_null());
			json_object_set_new(row, "city", db_res_str(&res, i, 2) ? json_string(db_res_str(&res, i, 2)) :
			    json_null());
			json_array_append_new(points, row);
		}
		if (i + 1 == res.nrows || strcmp(db_res_str(&res, i, 2) ? db_res_str(&res, i, 2) : "",
		    db_res_str(&res, i + 1, 2) ? db_res_str(&res, i + 1, 2) : "")) {
			json_t *city_row;

			city_row = agg_json(&ca, recipients(&rr, db_res_str(&res, i, 2) ? db_res_str(&res, i, 2) : "", -1));
			json_object_set_new(city_row, "city", db_res_str(&res, i, 2) ?
			    json_string(db_res_str(&res, i, 2)) : json_null());
			json_object_set_new(city_row, "city_name", db_res_str(&res, i, 3) ?
			    json_string(db_res_str(&res, i, 3)) : json_null());
			json_array_append_new(cities, city_row);
		}
	}
	total_recipients = recipients(&rr, NULL, -1);
	db_res_free(&res);
	db_res_free(&rr);
	*out = json_pack("{s:i, s:o, s:o, s:o}", "year", year, "points", points, "cities", cities,
	    "total", agg_json(&ta, total_recipients));
	o->kind = OUT_OK;
	return 0;
}

/* --- a centre's year, as the seed's paragraphs count it ------------------------------ */

int
dissem_report(struct db *db, const struct actor *a, int year, long long point_id, json_t **out,
    struct outcome *o)
{
	static const char pt_sql[] = "SELECT p.id, p.name, p.city FROM points p WHERE p.id = ?";
	static const char pub_sql[] = "SELECT COUNT(*), "
	    "SUM(p.first_delivered_at IS NOT NULL AND p.first_delivered_at <= p.published_at + INTERVAL 2 HOUR), "
	    "SUM(p.first_delivered_at IS NOT NULL), "
	    "COUNT(DISTINCT DATE_FORMAT(p.published_at, '%Y-%m')) "
	    "FROM publications p WHERE p.point_id = ? AND p.unpublished_at IS NULL "
	    "AND p.published_at >= ? AND p.published_at < ?";
	static const char mins_sql[] = "SELECT TIMESTAMPDIFF(SECOND, p.published_at, p.first_delivered_at) "
	    "FROM publications p WHERE p.point_id = ? AND p.unpublished_at IS NULL "
	    "AND p.published_at >= ? AND p.published_at < ? AND p.first_delivered_at IS NOT NULL";
	/* Sent rows by the way they went: a subscriber's mail (no channel),
	 * or the channel's kind. */
	static const char by_sql[] = "SELECT COALESCE(c.kind, 'subscriber'), COUNT(*), COUNT(DISTINCT d.recipient) "
	    "FROM deliveries d JOIN publications p ON p.submission_id = d.submission_id "
	    "LEFT JOIN channels c ON c.id = d.channel_id "
	    "WHERE p.point_id = ? AND p.unpublished_at IS NULL AND p.published_at >= ? AND p.published_at < ? "
	    "AND d.kind = 'warning' AND d.state = 'sent' GROUP BY COALESCE(c.kind, 'subscriber')";
	static const char posts_sql[] = "SELECT COUNT(*) FROM submissions s WHERE s.point_id = ? "
	    "AND s.type = 'subsite_post' AND s.state = 'approved' AND s.submitted_at >= ? AND s.submitted_at < ?";
	struct db_res	 res;
	json_t		*by;
	struct agg	 g = { 0 };
	struct buf	 t = { 0 };
	char		 from[32], to[32], name[256] = "", city[8] = "";
	long long	 published = 0, within = 0, delivered = 0, months = 0, posts = 0;
	long long	 sub_sent = 0, sub_people = 0, robot_sent = 0, robot_groups = 0, list_sent = 0, hook_sent = 0;
	bool		 wecom = false, dingtalk = false;
	size_t		 i;
	int		 rc;
	json_t		*median;

	if (point_id <= 0)
		return outcome_fail(o, OUT_INVALID, "point", "请指定预警点（point）");
	if ((rc = db_query(db, &res, pt_sql, "i", point_id)) != DB_OK)
		return outcome_db(o, rc);
	if (res.nrows == 1) {
		snprintf(name, sizeof(name), "%s", db_res_str(&res, 0, 1));
		snprintf(city, sizeof(city), "%s", db_res_str(&res, 0, 2) ? db_res_str(&res, 0, 2) : "");
	}
	db_res_free(&res);
	if (name[0] == '\0' || (a->role == ROLE_POINT && a->point_id != point_id) ||
	    (a->role == ROLE_CITY && strcmp(a->city, city) != 0))
		return outcome_fail(o, OUT_NOT_FOUND, "point", "预警点不存在");
	snprintf(from, sizeof(from), "%04d-01-01", year);
	snprintf(to, sizeof(to), "%04d-01-01", year + 1);
	if ((rc = db_query(db, &res, pub_sql, "iss", point_id, from, to)) != DB_OK)
		return outcome_db(o, rc);
	published = db_res_int(&res, 0, 0);
	within = db_res_null(&res, 0, 1) ? 0 : db_res_int(&res, 0, 1);
	delivered = db_res_null(&res, 0, 2) ? 0 : db_res_int(&res, 0, 2);
	months = db_res_int(&res, 0, 3);
	db_res_free(&res);
	if ((rc = db_query(db, &res, mins_sql, "iss", point_id, from, to)) != DB_OK)
		return outcome_db(o, rc);
	for (i = 0; i < res.nrows; i++)
		agg_add(&g, db_res_int(&res, i, 0), true, 0, 0);
	db_res_free(&res);
	if (g.nmins > 0)
		qsort(g.mins, g.nmins, sizeof(double), cmp_d);
	median = quantile(g.mins, g.nmins, 0.5);
	free(g.mins);
	if ((rc = db_query(db, &res, by_sql, "iss", point_id, from, to)) != DB_OK) {
		json_decref(median);
		return outcome_db(o, rc);
	}
	by = json_object();
	for (i = 0; i < res.nrows; i++) {
		const char	*k = db_res_str(&res, i, 0);
		long long	 n = db_res_int(&res, i, 1), people = db_res_int(&res, i, 2);

		json_object_set_new(by, k, json_pack("{s:I, s:I}", "sent", (json_int_t)n,
		    "recipients", (json_int_t)people));
		if (!strcmp(k, "subscriber")) {
			sub_sent = n;
			sub_people = people;
		} else if (!strcmp(k, "wecom") || !strcmp(k, "dingtalk")) {
			robot_sent += n;
			robot_groups += people;
			*(k[0] == 'w' ? &wecom : &dingtalk) = true;
		} else if (!strcmp(k, "email"))
			list_sent = n;
		else
			hook_sent = n;
	}
	db_res_free(&res);
	if ((rc = db_query(db, &res, posts_sql, "iss", point_id, from, to)) != DB_OK) {
		json_decref(median);
		json_decref(by);
		return outcome_db(o, rc);
	}
	posts = db_res_int(&res, 0, 0);
	db_res_free(&res);

	buf_printf(&t, "%d年，%s通过外贸预警服务平台发布预警信息%lld条，在预警信息专栏和本点子站同步公开", year, name,
	    published);
	if (posts > 0)
		buf_printf(&t, "，子站另发布动态%lld条", posts);
	buf_puts(&t, "。");
	/* The kinds of group named are those that were pushed to. */
	if (robot_sent > 0 && wecom && dingtalk)
		buf_printf(&t, "通过企业微信群、钉钉群共%lld个工作群推送%lld条次；", robot_groups, robot_sent);
	else if (robot_sent > 0)
		buf_printf(&t, "通过%lld个%s推送%lld条次；", robot_groups, wecom ? "企业微信群" : "钉钉群", robot_sent);
	if (sub_sent > 0)
		buf_printf(&t, "向%lld个订阅企业邮箱发送预警邮件%lld封；", sub_people, sub_sent);
	if (list_sent > 0)
		buf_printf(&t, "向邮件列表发送%lld封；", list_sent);
	if (hook_sent > 0)
		buf_printf(&t, "向对接系统推送%lld次；", hook_sent);
	if (published > 0) {
		buf_printf(&t, "%lld条在审核通过后2小时内送达（占%.0f%%）", within,
		    (double)within * 100.0 / (double)published);
		if (json_is_number(median))
			buf_printf(&t, "，审核通过至首次送达用时中位数%.1f分钟", json_number_value(median));
		buf_printf(&t, "。按月编入《国际贸易风险预警信息专刊》%lld期。", months);
	}
	*out = json_pack("{s:i, s:I, s:s, s:I, s:I, s:I, s:I, s:o, s:I, s:o, s:I, s:s}",
	    "year", year, "point_id", (json_int_t)point_id, "point_name", name, "published", (json_int_t)published,
	    "subsite_posts", (json_int_t)posts, "delivered", (json_int_t)delivered, "within_2h_count",
	    (json_int_t)within, "median_minutes", median, "recipients", (json_int_t)sub_people, "by_channel", by,
	    "bulletin_issues", (json_int_t)months, "text", t.data ? t.data : "");
	buf_free(&t);
	o->kind = OUT_OK;
	return 0;
}
