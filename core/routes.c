/* yujing — the route table: every path the API serves, and who may call it.
 * A route that names no roles and is not public is closed to everyone. */
#include "access.h"
#include "app.h"
#include "handlers.h"

const struct route app_routes[] = {
	{ HTTP_GET,    "/api/health",		h_health,		0, RF_PUBLIC },
	{ HTTP_GET,    "/api/openapi.json",	h_openapi,		0, RF_PUBLIC },
	/* Outside /api/: the nginx site passes it from allowed addresses only. */
	{ HTTP_GET,    "/metrics",		h_metrics,		0, RF_PUBLIC },

	{ HTTP_POST,   "/api/session",		h_session_login,	0, RF_PUBLIC | RF_JSON },
	{ HTTP_GET,    "/api/session",		h_session_get,		ROLE_ANY, 0 },
	{ HTTP_DELETE, "/api/session",		h_session_logout,	ROLE_ANY, 0 },
	{ HTTP_PUT,    "/api/session/password",	h_session_password,	ROLE_ANY, RF_JSON },

#define STAFF (ROLE_ADMIN | ROLE_PROVINCE | ROLE_CITY | ROLE_POINT)
#define OFFICE (ROLE_ADMIN | ROLE_PROVINCE)
	/* Reference data: public, for the filters of the public pages. */
	{ HTTP_GET,    "/api/dicts/regions",	h_dicts_regions,	0, RF_PUBLIC },
	{ HTTP_GET,    "/api/dicts/industries",	h_dicts_industries,	0, RF_PUBLIC },
	{ HTTP_GET,    "/api/dicts/countries",	h_dicts_countries,	0, RF_PUBLIC },
	{ HTTP_GET,    "/api/dicts/measure-types", h_dicts_measure_types, 0, RF_PUBLIC },

	/* Points: scope (city, own point) is checked in the handlers. */
	{ HTTP_GET,    "/api/points",		h_points_list,		STAFF, 0 },
	{ HTTP_POST,   "/api/points",		h_points_create,	OFFICE, RF_JSON },
	{ HTTP_GET,    "/api/points/contacts.xlsx", h_points_contacts_xlsx, STAFF, 0 },
	{ HTTP_GET,    "/api/points/contacts.csv", h_points_contacts_csv, STAFF, 0 },
	{ HTTP_GET,    "/api/points/{id}",	h_points_get,		STAFF, 0 },
	{ HTTP_PATCH,  "/api/points/{id}",	h_points_update,	OFFICE, RF_JSON },
	{ HTTP_GET,    "/api/points/{id}/history", h_points_history,	STAFF, 0 },
	{ HTTP_GET,    "/api/points/{id}/people", h_people_list,	STAFF, 0 },
	{ HTTP_POST,   "/api/points/{id}/people", h_people_create,	OFFICE | ROLE_POINT, RF_JSON },
	{ HTTP_PATCH,  "/api/points/{id}/people/{pid}", h_people_update, OFFICE | ROLE_POINT, RF_JSON },
	{ HTTP_DELETE, "/api/points/{id}/people/{pid}", h_people_delete, OFFICE | ROLE_POINT, 0 },
	{ HTTP_GET,    "/api/points/{id}/enterprises", h_enterprises_list, STAFF, 0 },
	{ HTTP_POST,   "/api/points/{id}/enterprises", h_enterprises_create, OFFICE | ROLE_POINT, RF_JSON },
	{ HTTP_PATCH,  "/api/points/{id}/enterprises/{eid}", h_enterprises_update, OFFICE | ROLE_POINT, RF_JSON },
	{ HTTP_DELETE, "/api/points/{id}/enterprises/{eid}", h_enterprises_delete, OFFICE | ROLE_POINT, 0 },
	{ HTTP_GET,    "/api/points/{id}/leadership", h_leadership_get, STAFF, 0 },
	{ HTTP_PUT,    "/api/points/{id}/leadership", h_leadership_put, OFFICE | ROLE_POINT, RF_JSON },

	{ HTTP_GET,    "/api/report-types",	h_report_types,		ROLE_ANY, 0 },

	{ HTTP_GET,    "/api/rules",		h_rules_list,		ROLE_ADMIN | ROLE_PROVINCE, 0 },
	{ HTTP_POST,   "/api/rules/preview",	h_rules_preview,	ROLE_ADMIN | ROLE_PROVINCE, RF_JSON },

	{ HTTP_GET,    "/api/scores",		h_scores_list,		ROLE_ADMIN | ROLE_PROVINCE | ROLE_CITY | ROLE_POINT, 0 },
	{ HTTP_GET,    "/api/scores/{id}",	h_scores_get,		ROLE_ADMIN | ROLE_PROVINCE | ROLE_CITY | ROLE_POINT, 0 },
	{ HTTP_GET,    "/api/stats/summary",	h_stats_summary,	ROLE_ANY, 0 },
	{ HTTP_GET,    "/api/stats/charts",	h_stats_charts,		STAFF, 0 },
	{ HTTP_GET,    "/api/stats/points",	h_stats_points,		STAFF, 0 },
	{ HTTP_GET,    "/api/stats/points/{id}/records", h_stats_records, STAFF, 0 },
	{ HTTP_GET,    "/api/stats/review-progress", h_stats_review_progress, ROLE_ADMIN | ROLE_PROVINCE | ROLE_CITY, 0 },
	{ HTTP_GET,    "/api/exports/info-list.xlsx", h_exports_info_list_xlsx, STAFF, 0 },
	{ HTTP_GET,    "/api/exports/info-list.csv", h_exports_info_list_csv, STAFF, 0 },
	/* 预警信息专刊: YYYY-MM.pdf or .html, the name checked by the handler. */
	{ HTTP_GET,    "/api/bulletins/{*}",	h_bulletin,		ROLE_PROVINCE | ROLE_CITY, 0 },

	/* Submissions: scope (the submitter's unit, the city, the level that
	 * holds an item) is checked in the handlers. */
	{ HTTP_GET,    "/api/submissions",	h_submissions_list,	ROLE_ANY, 0 },
	{ HTTP_POST,   "/api/submissions",	h_submissions_create,	ROLE_PROVINCE | ROLE_CITY | ROLE_POINT, RF_JSON },
	{ HTTP_GET,    "/api/submissions/{id}",	h_submissions_get,	ROLE_ANY, 0 },
	{ HTTP_PATCH,  "/api/submissions/{id}",	h_submissions_update,	ROLE_PROVINCE | ROLE_CITY | ROLE_POINT, RF_JSON },
	{ HTTP_POST,   "/api/submissions/{id}/submit", h_submissions_submit, ROLE_PROVINCE | ROLE_CITY | ROLE_POINT, RF_JSON },
	{ HTTP_POST,   "/api/submissions/{id}/withdraw", h_submissions_withdraw, ROLE_PROVINCE | ROLE_CITY | ROLE_POINT, RF_JSON },
	{ HTTP_POST,   "/api/submissions/{id}/decisions", h_submissions_decide, ROLE_PROVINCE | ROLE_CITY, RF_JSON },
	{ HTTP_POST,   "/api/submissions/{id}/attachments", h_attachments_upload, ROLE_PROVINCE | ROLE_CITY | ROLE_POINT, RF_RAW },
	{ HTTP_GET,    "/api/attachments/{id}",	h_attachments_get,	ROLE_ANY, 0 },
	{ HTTP_DELETE, "/api/attachments/{id}",	h_attachments_delete,	ROLE_PROVINCE | ROLE_CITY | ROLE_POINT, 0 },
	{ HTTP_POST,   "/api/decisions/bulk",	h_decisions_bulk,	ROLE_PROVINCE | ROLE_CITY, RF_JSON },
	{ HTTP_GET,    "/api/reviews/queue",	h_reviews_queue,	ROLE_PROVINCE | ROLE_CITY, 0 },
	{ HTTP_GET,    "/api/opinions",		h_opinions_list,	ROLE_PROVINCE | ROLE_CITY, 0 },
	{ HTTP_POST,   "/api/opinions",		h_opinions_create,	ROLE_PROVINCE, RF_JSON },
	{ HTTP_PATCH,  "/api/opinions/{id}",	h_opinions_update,	ROLE_PROVINCE, RF_JSON },
	{ HTTP_DELETE, "/api/opinions/{id}",	h_opinions_delete,	ROLE_PROVINCE, 0 },
	{ HTTP_GET,    "/api/magazine",		h_magazine_list,	ROLE_EDITOR, 0 },
	{ HTTP_POST,   "/api/submissions/{id}/magazine", h_magazine_decide, ROLE_EDITOR, RF_JSON },
	{ HTTP_GET,    "/api/internal-exchange", h_internal_exchange_list, ROLE_PROVINCE, 0 },
	{ HTTP_POST,   "/api/submissions/{id}/adoption", h_adoption,	ROLE_PROVINCE, RF_JSON },
	{ HTTP_POST,   "/api/submissions/{id}/leader-instructions", h_leader_instruction, ROLE_PROVINCE, RF_JSON },
	{ HTTP_GET,    "/api/messages",		h_messages_list,	ROLE_ANY, 0 },
	{ HTTP_POST,   "/api/messages/{id}/read", h_messages_read,	ROLE_ANY, 0 },

	/* Publication and dissemination (预警信息发布与传递): the public side
	 * needs no login; channels are scoped in the handlers (a point its
	 * own, the province all). */
	{ HTTP_GET,    "/api/public/warnings",	h_public_warnings,	0, RF_PUBLIC },
	{ HTTP_GET,    "/api/public/warnings/{id}", h_public_warning,	0, RF_PUBLIC },
	{ HTTP_GET,    "/api/public/points/{id}", h_public_point,	0, RF_PUBLIC },
	{ HTTP_GET,    "/api/public/points/{id}/posts", h_public_posts,	0, RF_PUBLIC },
	{ HTTP_GET,    "/feeds/warnings.atom",	h_feed_atom,		0, RF_PUBLIC },
	{ HTTP_GET,    "/feeds/warnings.json",	h_feed_json,		0, RF_PUBLIC },
	{ HTTP_POST,   "/api/public/subscriptions", h_subscribe,	0, RF_PUBLIC | RF_JSON },
	{ HTTP_POST,   "/api/public/subscriptions/confirm", h_subscribe_confirm, 0, RF_PUBLIC | RF_JSON },
	{ HTTP_GET,    "/api/public/subscriptions/manage", h_subscription_get, 0, RF_PUBLIC },
	{ HTTP_PATCH,  "/api/public/subscriptions/manage", h_subscription_update, 0, RF_PUBLIC | RF_JSON },
	{ HTTP_POST,   "/api/public/subscriptions/unsubscribe", h_unsubscribe, 0, RF_PUBLIC | RF_RAW },
	{ HTTP_GET,    "/api/channels",		h_channels_list,	OFFICE | ROLE_POINT, 0 },
	{ HTTP_POST,   "/api/channels",		h_channels_create,	OFFICE | ROLE_POINT, RF_JSON },
	{ HTTP_PATCH,  "/api/channels/{id}",	h_channels_update,	OFFICE | ROLE_POINT, RF_JSON },
	{ HTTP_DELETE, "/api/channels/{id}",	h_channels_delete,	OFFICE | ROLE_POINT, 0 },
	{ HTTP_POST,   "/api/channels/{id}/test", h_channels_test,	OFFICE | ROLE_POINT, 0 },
	{ HTTP_GET,    "/api/deliveries",	h_deliveries_list,	OFFICE | ROLE_CITY | ROLE_POINT, 0 },
	{ HTTP_POST,   "/api/deliveries/{id}/retry", h_deliveries_retry, ROLE_PROVINCE, 0 },
	{ HTTP_GET,    "/api/settings/mail",	h_settings_mail_get,	ROLE_ADMIN, 0 },
	{ HTTP_PUT,    "/api/settings/mail",	h_settings_mail_put,	ROLE_ADMIN, RF_JSON },
	{ HTTP_POST,   "/api/settings/mail/test", h_settings_mail_test, ROLE_ADMIN, RF_JSON },
	{ HTTP_GET,    "/api/stats/dissemination", h_stats_dissemination, OFFICE | ROLE_CITY, 0 },
	{ HTTP_GET,    "/api/stats/dissemination/report", h_stats_dissemination_report,
	  OFFICE | ROLE_CITY | ROLE_POINT, 0 },

	{ HTTP_GET,    "/api/users",		h_users_list,		ROLE_ADMIN, 0 },
	{ HTTP_POST,   "/api/users",		h_users_create,		ROLE_ADMIN, RF_JSON },
	{ HTTP_GET,    "/api/users/{id}",	h_users_get,		ROLE_ADMIN, 0 },
	{ HTTP_PATCH,  "/api/users/{id}",	h_users_update,		ROLE_ADMIN, RF_JSON },
	{ HTTP_DELETE, "/api/users/{id}",	h_users_delete,		ROLE_ADMIN, 0 },
};

const size_t app_nroutes = sizeof(app_routes) / sizeof(app_routes[0]);
