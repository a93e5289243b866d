/* yujing — dissemination over HTTP: subscriptions (public), channels,
 * deliveries, mail settings, the dissemination statistics.  Each handler
 * parses, calls the domain (subscriptions.c, channels.c, deliver.c) and
 * maps the outcome to the envelope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "audit.h"
#include "channels.h"
#include "deliver.h"
#include "handlers.h"
#include "mail.h"
#include "subscriptions.h"
#include "validate.h"
#include "worker.h"

/* --- subscriptions ------------------------------------------------------------- */

void
h_subscribe(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o = { 0 };

	if (subs_subscribe(&r->w->db, r->w->cfg, &a, r->json, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 202, json_pack("{s:s, s:s}", "status", "pending",
	    "message", "确认邮件已发送，请在邮箱中点击链接完成订阅"));
}

void
h_subscribe_confirm(struct req *r)
{
	struct outcome	 o = { 0 };
	json_t			*out;

	if (subs_confirm(&r->w->db, json_string_value(json_object_get(r->json, "token")), &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

void
h_subscription_get(struct req *r)
{
	struct outcome	 o = { 0 };
	json_t			*out;

	if (subs_get(&r->w->db, http_query(r, "token"), &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

void
h_subscription_update(struct req *r)
{
	struct outcome	 o = { 0 };
	json_t			*out;

	if (subs_update(&r->w->db, http_query(r, "token"), r->json, &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

/* RFC 8058: a POST with "List-Unsubscribe=One-Click" (or any body) from
 * the mail client, no cookie, no CSRF token. */
void
h_unsubscribe(struct req *r)
{
	struct outcome o = { 0 };

	if (subs_unsubscribe(&r->w->db, http_query(r, "token"), &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, json_pack("{s:s, s:s}", "state", "unsubscribed", "message", "已退订，不会再收到预警邮件"));
}

/* --- channels ------------------------------------------------------------------ */

void
h_channels_list(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o = { 0 };
	struct channel_query	 q = { 0 };
	json_t			*items;
	long long		 total;

	if (validate_query_id(r, "point", "预警点", &q.point_id) == -1 ||
	    validate_paging(r, &q.page, &q.per_page) == -1 ||
	    (q.enabled = validate_query_bool(r, "enabled", "是否启用")) == -2)
		return;
	q.kind = http_query(r, "kind");
	if (q.kind != NULL && *q.kind == '\0')
		q.kind = NULL;
	if (q.kind != NULL && strcmp(q.kind, "wecom") && strcmp(q.kind, "dingtalk") &&
	    strcmp(q.kind, "webhook") && strcmp(q.kind, "email")) {
		http_error(r, ERR_INVALID, "渠道类型应为 wecom、dingtalk、webhook 或 email", "kind");
		return;
	}
	q.q = http_query(r, "q");
	if (q.q != NULL && *q.q == '\0')
		q.q = NULL;
	if (channels_list(&r->w->db, &a, &q, &items, &total, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_list(r, items, total, q.page, q.per_page);
}

void
h_channels_create(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o = { 0 };
	json_t			*out;

	if (channels_create(&r->w->db, r->w->cfg, &a, r->json, &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 201, out);
}

void
h_channels_update(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o = { 0 };
	json_t			*out;

	if (channels_update(&r->w->db, r->w->cfg, &a, r->params[0], r->json, &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

void
h_channels_delete(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o = { 0 };

	if (channels_delete(&r->w->db, &a, r->params[0], &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_no_content(r);
}

void
h_channels_test(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o = { 0 };
	json_t			*out;

	if (channels_test(&r->w->db, r->w->cfg, &a, r->params[0], &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

/* --- deliveries ---------------------------------------------------------------- */

void
h_deliveries_list(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o = { 0 };
	struct delivery_query	 q = { 0 };
	json_t			*items;
	long long		 total;

	if (validate_query_id(r, "submission", "信息", &q.submission_id) == -1 ||
	    validate_query_id(r, "channel", "渠道", &q.channel_id) == -1 ||
	    validate_paging(r, &q.page, &q.per_page) == -1)
		return;
	q.state = http_query(r, "state");
	if (q.state != NULL && *q.state == '\0')
		q.state = NULL;
	if (q.state != NULL && strcmp(q.state, "pending") && strcmp(q.state, "sent") &&
	    strcmp(q.state, "retrying") && strcmp(q.state, "failed")) {
		http_error(r, ERR_INVALID, "状态应为 pending、sent、retrying 或 failed", "state");
		return;
	}
	if (deliveries_list(&r->w->db, &a, &q, &items, &total, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_list(r, items, total, q.page, q.per_page);
}

void
h_deliveries_retry(struct req *r)
{
	struct actor	 a = app_actor(r);
	struct outcome	 o = { 0 };
	json_t			*out;

	if (deliveries_retry(&r->w->db, r->w->cfg, &a, r->params[0], &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

/* --- mail settings -------------------------------------------------------------- */

void
h_settings_mail_get(struct req *r)
{
	struct mail_settings	 s;
	int			 rc;

	if ((rc = mail_settings_load(&r->w->db, &s)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	http_json(r, 200, mail_settings_json(&s));
}

void
h_settings_mail_put(struct req *r)
{
	struct mail_settings	 s;
	const char		*field, *msg;
	char			 full[128];
	int			 rc;

	if ((rc = mail_settings_load(&r->w->db, &s)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	if (mail_settings_apply(&s, r->json, &field, &msg) == -1) {
		if (!strcmp(msg, "应为文本") || !strcmp(msg, "过长")) {
			snprintf(full, sizeof(full), "%s%s", field, msg);
			msg = full;
		}
		http_error(r, ERR_INVALID, msg, field);
		return;
	}
	if ((rc = mail_settings_save(&r->w->db, &s)) != DB_OK ||
	    (rc = audit_req(r, "settings.mail", "settings", 0,
	    json_pack("{s:s, s:s}", "smtp_url", s.smtp_url, "from", s.from))) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	http_json(r, 200, mail_settings_json(&s));
}

void
h_settings_mail_test(struct req *r)
{
	struct mail_settings	 s;
	struct mail_msg		 m = { .subject = "【外贸预警服务平台】测试邮件",
	    .text = "这是一封测试邮件：邮件设置正确。", .html = "<p>这是一封测试邮件：邮件设置正确。</p>" };
	struct buf		 msg = { 0 };
	const char		*to = json_string_value(json_object_get(r->json, "to"));
	char			 err[512] = "";
	enum send_result	 res;
	int			 rc;

	if (to == NULL || subs_email_check(to) != 0) {
		http_error(r, ERR_INVALID, "收件人邮箱地址格式不正确", "to");
		return;
	}
	if ((rc = mail_settings_load(&r->w->db, &s)) != DB_OK) {
		app_db_error(r, rc);
		return;
	}
	m.to = to;
	mail_build(&s, &m, &msg);
	res = mail_send(NULL, &s, to, &msg, r->w->cfg->send_timeout, err, sizeof(err));
	buf_free(&msg);
	http_json(r, 200, json_pack("{s:b, s:o}", "ok", res == SEND_OK,
	    "error", res == SEND_OK ? json_null() : json_string(err)));
}

/* --- statistics ------------------------------------------------------------------- */

void
h_stats_dissemination(struct req *r)
{
	struct outcome	 o = { 0 };
	const char		*city = http_query(r, "city");
	json_t			*out;
	int			 year;

	if (validate_query_year(r, &year) == -1)
		return;
	if (city != NULL && *city == '\0')
		city = NULL;
	if (city != NULL && (strlen(city) != 6 || strspn(city, "0123456789") != 6)) {
		http_error(r, ERR_INVALID, "地市应为 6 位行政区划代码，如 330100", "city");
		return;
	}
	if (r->user.role == ROLE_CITY)
		city = r->user.city;
	if (dissem_stats(&r->w->db, year, city, &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}

void
h_stats_dissemination_report(struct req *r)
{
	struct outcome	 o = { 0 };
	struct actor	 a = app_actor(r);
	json_t		*out;
	long long	 point = 0;
	int		 year;

	if (validate_query_year(r, &year) == -1 || validate_query_id(r, "point", "预警点", &point) == -1)
		return;
	if (r->user.role == ROLE_POINT && point == 0)
		point = r->user.point_id;
	if (dissem_report(&r->w->db, &a, year, point, &out, &o) == -1) {
		app_outcome(r, &o);
		return;
	}
	http_json(r, 200, out);
}
