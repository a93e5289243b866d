/* yujing — reminders into the message centre (see reminders.h). */
#include "reminders.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "log.h"

/* t as Beijing "YYYY-MM-DD HH:MM:SS". */
static void
beijing_text(time_t t, char out[20])
{
	struct tm	 tm;
	time_t		 b = t + 8 * 3600;

	gmtime_r(&b, &tm);
	strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

void
reminders_deadline(int year, char out[20])
{
	snprintf(out, 20, "%04d-01-20 23:59:59", year + 1);
}

/* The key once, then the message; 1 sent, 0 already sent, or a db_rc. */
static int
send_once(struct db *db, const char *key, const char *now, const long long *point,
    const char *city, const long long *user, const long long *sub, const char *title,
    const char *body)
{
	static const char key_sql[] =
	    "INSERT INTO reminders (reminder_key, created_at) VALUES (?, ?) "
	    "ON DUPLICATE KEY UPDATE reminder_key = reminder_key";
	static const char msg_sql[] =
	    "INSERT INTO messages (point_id, city, user_id, submission_id, kind, title, body, created_at) "
	    "VALUES (?, ?, ?, ?, 'reminder', LEFT(?, 255), ?, ?)";
	int rc;

	if ((rc = db_exec(db, key_sql, "ss", key, now)) < 0)
		return rc;
	if (rc == 0)
		return 0;	/* sent before */
	if ((rc = db_exec(db, msg_sql, "IsIIsss", point, city, user, sub, title, body, now)) < 0)
		return rc;
	return 1;
}

/* Quarterly analyses and annual summaries of year, due at deadline. */
static int
deadlines(struct db *db, int year, const char *deadline, const char *now,
    struct reminder_counts *n)
{
	static const char qa_sql[] =
	    "SELECT p.id, q.q FROM points p JOIN (SELECT 1 AS q UNION ALL SELECT 2 UNION ALL SELECT 3 "
	    "UNION ALL SELECT 4) q WHERE p.status = '正式' AND NOT EXISTS (SELECT 1 FROM submissions s "
	    "WHERE s.type = 'quarterly_analysis' AND s.point_id = p.id AND s.year = ? "
	    "AND s.quarter = q.q AND s.state IN ('submitted', 'approved')) ORDER BY p.id, q.q";
	static const char as_sql[] =
	    "SELECT p.id FROM points p WHERE p.status = '正式' AND NOT EXISTS (SELECT 1 FROM submissions s "
	    "WHERE s.type = 'annual_summary' AND s.point_id = p.id AND s.year = ? "
	    "AND s.state IN ('submitted', 'approved')) ORDER BY p.id";
	struct db_res	 res;
	char		 key[96], title[256], body[512], day[32];
	size_t		 i;
	int		 rc = DB_OK, sent;

	snprintf(day, sizeof(day), "%d年1月20日", year + 1);
	if ((rc = db_query(db, &res, qa_sql, "i", (long long)year)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows && rc == DB_OK; i++) {
		long long p = db_res_int(&res, i, 0), q = db_res_int(&res, i, 1);

		snprintf(key, sizeof(key), "quarterly:%d:%lld:point:%lld", year, q, p);
		snprintf(title, sizeof(title), "请于%s前提交%d年第%lld季度形势分析", day, year, q);
		snprintf(body, sizeof(body), "按评分标准，%d年度的季度分析须在%s（含当日，截止 %s）前提交，"
		    "逾期提交的不计分。", year, day, deadline);
		if ((sent = send_once(db, key, now, &p, NULL, NULL, NULL, title, body)) < 0)
			rc = sent;
		else
			n->quarterly += sent;
	}
	db_res_free(&res);
	if (rc != DB_OK)
		return rc;
	if ((rc = db_query(db, &res, as_sql, "i", (long long)year)) != DB_OK)
		return rc;
	for (i = 0; i < res.nrows && rc == DB_OK; i++) {
		long long p = db_res_int(&res, i, 0);

		snprintf(key, sizeof(key), "annual:%d:point:%lld", year, p);
		snprintf(title, sizeof(title), "请于%s前提交%d年度工作总结", day, year);
		snprintf(body, sizeof(body), "按评分标准，%d年度工作总结在%s（含当日，截止 %s）前提交得分，"
		    "逾期不得分。", year, day, deadline);
		if ((sent = send_once(db, key, now, &p, NULL, NULL, NULL, title, body)) < 0)
			rc = sent;
		else
			n->annual += sent;
	}
	db_res_free(&res);
	return rc;
}

/* Items waiting on a reviewer since before limit. */
static int
waiting(struct db *db, const char *limit, int days, const char *now, struct reminder_counts *n)
{
	/* Since when it waits at its level: its (re)submission, or the last
	 * decision that moved it there (the city's pass, a revert). */
	static const char sql[] =
	    "SELECT id, title, review_level, city, since FROM (SELECT s.id, s.title, s.review_level, "
	    " s.city, GREATEST(s.submitted_at, COALESCE((SELECT MAX(d.at) FROM decisions d "
	    " WHERE d.submission_id = s.id), s.submitted_at)) AS since FROM submissions s "
	    " WHERE s.state = 'submitted' AND s.review_level IN ('city', 'province')) w "
	    "WHERE since < ? ORDER BY id";
	static const char prov_sql[] =
	    "SELECT id FROM users WHERE role = 'province' AND disabled = 0 AND deleted_at IS NULL ORDER BY id";
	struct db_res	 res, prov;
	char		 key[190], title[512], body[256];
	size_t		 i, k;
	int		 rc, sent;

	if ((rc = db_query(db, &res, sql, "s", limit)) != DB_OK)
		return rc;
	if ((rc = db_query(db, &prov, prov_sql, "")) != DB_OK) {
		db_res_free(&res);
		return rc;
	}
	for (i = 0; i < res.nrows && rc == DB_OK; i++) {
		long long	 sid = db_res_int(&res, i, 0);
		const char	*level = db_res_str(&res, i, 2), *city = db_res_str(&res, i, 3);
		const char	*since = db_res_str(&res, i, 4);

		snprintf(title, sizeof(title), "《%s》等待审核已超过%d天", db_res_str(&res, i, 1), days);
		snprintf(body, sizeof(body), "该信息自 %s 起等待%s审核，请及时处理。", since,
		    strcmp(level, "city") == 0 ? "市级" : "省级");
		if (strcmp(level, "city") == 0) {
			if (city == NULL)
				continue;
			snprintf(key, sizeof(key), "review:%lld:%s:%s:city:%s", sid, level, since, city);
			if ((sent = send_once(db, key, now, NULL, city, NULL, &sid, title, body)) < 0)
				rc = sent;
			else
				n->review += sent;
			continue;
		}
		for (k = 0; k < prov.nrows && rc == DB_OK; k++) {
			long long uid = db_res_int(&prov, k, 0);

			snprintf(key, sizeof(key), "review:%lld:%s:%s:user:%lld", sid, level, since, uid);
			if ((sent = send_once(db, key, now, NULL, NULL, &uid, &sid, title, body)) < 0)
				rc = sent;
			else
				n->review += sent;
		}
	}
	db_res_free(&prov);
	db_res_free(&res);
	return rc;
}

int
reminders_run(struct db *db, time_t now, int before_days, int review_days, int every,
    bool record, struct reminder_counts *n)
{
	static const char lock_wait[] =
	    "SELECT last_run_at IS NOT NULL AND last_run_at > ? FROM reminder_runs "
	    "WHERE name = 'reminders' FOR UPDATE";
	static const char lock_skip[] =
	    "SELECT last_run_at IS NOT NULL AND last_run_at > ? FROM reminder_runs "
	    "WHERE name = 'reminders' FOR UPDATE SKIP LOCKED";
	static const char done[] = "UPDATE reminder_runs SET last_run_at = ? WHERE name = 'reminders'";
	struct db_res	 res;
	char		 now_text[20], deadline[20], limit[20], recent[20];
	time_t		 d;
	struct tm	 tm;
	time_t		 b = now + 8 * 3600;
	int		 rc, year, y;

	memset(n, 0, sizeof(*n));
	beijing_text(now, now_text);
	gmtime_r(&b, &tm);
	year = tm.tm_year + 1900;
	if ((rc = db_begin(db)) != DB_OK)
		return rc;
	beijing_text(now - every, recent);
	if ((rc = db_query(db, &res, every > 0 ? lock_skip : lock_wait, "s", recent)) != DB_OK) {
		db_rollback(db);
		return rc;
	}
	/* No row: another host is at it; a recent run: not due yet. */
	rc = res.nrows == 0 || (every > 0 && db_res_int(&res, 0, 0) == 1);
	db_res_free(&res);
	if (rc) {
		db_rollback(db);
		return 1;
	}
	rc = DB_OK;
	/* The deadline near now: this January's (last year's reports), or,
	 * with a window longer than 20 days, next January's. */
	for (y = year - 1; y <= year && rc == DB_OK; y++) {
		reminders_deadline(y, deadline);
		if (clock_parse(deadline, &d) == -1)
			continue;
		if (now <= d && now >= d - (time_t)before_days * 86400) {
			n->year = y;
			rc = deadlines(db, y, deadline, now_text, n);
		}
	}
	if (rc == DB_OK) {
		beijing_text(now - (time_t)review_days * 86400, limit);
		rc = waiting(db, limit, review_days, now_text, n);
	}
	if (rc == DB_OK && (!record || (rc = db_exec(db, done, "s", now_text)) >= 0))
		rc = db_commit(db);
	if (rc < 0) {
		db_rollback(db);
		return rc;
	}
	return 0;
}

/* ------------------------------------------------ the server's periodic run */

static void *
periodic(void *arg)
{
	const struct config	*cfg = arg;
	struct reminder_counts	 n;
	struct db		 db;
	int			 rc;

	db_init(&db, cfg);
	for (;;) {
		rc = reminders_run(&db, clock_now(), cfg->remind_before_days, cfg->review_remind_days,
		    cfg->reminders_interval, true, &n);
		if (rc < 0)
			log_warn("reminders: run failed: %s", db_strerror(rc));
		else if (rc == 0 && n.quarterly + n.annual + n.review > 0)
			log_info("reminders: %d quarterly analysis, %d annual summary, %d review reminder(s) sent",
			    n.quarterly, n.annual, n.review);
		sleep(cfg->reminders_interval < 30 ? (unsigned)cfg->reminders_interval : 30);
	}
	return NULL;
}

void
reminders_start(const struct config *cfg)
{
	pthread_attr_t	 attr;
	pthread_t	 tid;

	if (cfg->reminders_interval <= 0)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&tid, &attr, periodic, (void *)cfg) != 0)
		log_err("reminders: cannot start the periodic run");
	pthread_attr_destroy(&attr);
}
