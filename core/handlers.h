/* yujing — HTTP handlers, one file per resource. */
#ifndef YJ_HANDLERS_H
#define YJ_HANDLERS_H

#include "http.h"

/* h_bulletin.c */
void	 h_bulletin(struct req *);
/* h_dicts.c */
void	 h_dicts_regions(struct req *);
void	 h_dicts_industries(struct req *);
void	 h_dicts_countries(struct req *);
void	 h_dicts_measure_types(struct req *);
/* h_health.c */
void	 h_health(struct req *);
/* h_metrics.c */
void	 h_metrics(struct req *);
/* h_opinions.c */
void	 h_opinions_list(struct req *);
void	 h_opinions_create(struct req *);
void	 h_opinions_update(struct req *);
void	 h_opinions_delete(struct req *);
/* h_openapi.c */
void	 h_openapi(struct req *);
/* h_leadership.c */
void	 h_leadership_get(struct req *);
void	 h_leadership_put(struct req *);
/* h_point_members.c */
void	 h_people_list(struct req *);
void	 h_people_create(struct req *);
void	 h_people_update(struct req *);
void	 h_people_delete(struct req *);
void	 h_enterprises_list(struct req *);
void	 h_enterprises_create(struct req *);
void	 h_enterprises_update(struct req *);
void	 h_enterprises_delete(struct req *);
/* h_points.c */
void	 h_points_list(struct req *);
void	 h_points_create(struct req *);
void	 h_points_get(struct req *);
void	 h_points_update(struct req *);
void	 h_points_history(struct req *);
void	 h_points_contacts_xlsx(struct req *);
void	 h_points_contacts_csv(struct req *);
/* h_report_types.c */
void	 h_report_types(struct req *);
/* h_rules.c */
void	 h_rules_list(struct req *);
void	 h_rules_preview(struct req *);
/* h_scores.c */
void	 h_scores_list(struct req *);
void	 h_scores_get(struct req *);

/* h_stats.c */
/* ?year=&city=&point= narrowed to the caller's scope (stats_query.h); 0,
 * or -1 with the error answered. */
struct stats_scope;
int	 stats_scope(struct req *, struct stats_scope *);
void	 h_stats_summary(struct req *);
void	 h_stats_points(struct req *);
void	 h_stats_records(struct req *);
void	 h_stats_review_progress(struct req *);
void	 h_stats_charts(struct req *);
void	 h_exports_info_list_xlsx(struct req *);
void	 h_exports_info_list_csv(struct req *);
/* h_session.c */
void	 h_session_login(struct req *);
void	 h_session_get(struct req *);
void	 h_session_logout(struct req *);
void	 h_session_password(struct req *);
/* h_submissions.c */
void	 h_submissions_list(struct req *);
void	 h_submissions_create(struct req *);
void	 h_submissions_get(struct req *);
void	 h_submissions_update(struct req *);
void	 h_submissions_submit(struct req *);
void	 h_submissions_withdraw(struct req *);
void	 h_submissions_decide(struct req *);
void	 h_reviews_queue(struct req *);
void	 h_messages_list(struct req *);
void	 h_messages_read(struct req *);
void	 h_decisions_bulk(struct req *);
void	 h_attachments_upload(struct req *);
void	 h_attachments_get(struct req *);
void	 h_attachments_delete(struct req *);
void	 h_magazine_list(struct req *);
void	 h_magazine_decide(struct req *);
void	 h_internal_exchange_list(struct req *);
void	 h_adoption(struct req *);
void	 h_leader_instruction(struct req *);
/* h_public.c */
void	 h_public_warnings(struct req *);
void	 h_public_warning(struct req *);
void	 h_public_point(struct req *);
void	 h_public_posts(struct req *);
void	 h_feed_atom(struct req *);
void	 h_feed_json(struct req *);
/* h_dissemination.c */
void	 h_subscribe(struct req *);
void	 h_subscribe_confirm(struct req *);
void	 h_subscription_get(struct req *);
void	 h_subscription_update(struct req *);
void	 h_unsubscribe(struct req *);
void	 h_channels_list(struct req *);
void	 h_channels_create(struct req *);
void	 h_channels_update(struct req *);
void	 h_channels_delete(struct req *);
void	 h_channels_test(struct req *);
void	 h_deliveries_list(struct req *);
void	 h_deliveries_retry(struct req *);
void	 h_settings_mail_get(struct req *);
void	 h_settings_mail_put(struct req *);
void	 h_settings_mail_test(struct req *);
void	 h_stats_dissemination(struct req *);
void	 h_stats_dissemination_report(struct req *);
/* h_users.c */
void	 h_users_list(struct req *);
void	 h_users_create(struct req *);
void	 h_users_get(struct req *);
void	 h_users_update(struct req *);
void	 h_users_delete(struct req *);

#endif
