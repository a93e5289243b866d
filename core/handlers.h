/* yujing — HTTP handlers, one file per resource. */
#ifndef YJ_HANDLERS_H
#define YJ_HANDLERS_H

#include "http.h"

/* h_health.c */
void	 h_health(struct req *);
/* h_openapi.c */
void	 h_openapi(struct req *);
/* h_rules.c */
void	 h_rules_list(struct req *);
void	 h_rules_preview(struct req *);
/* h_scores.c */
void	 h_scores_list(struct req *);
void	 h_scores_get(struct req *);
/* h_session.c */
void	 h_session_login(struct req *);
void	 h_session_get(struct req *);
void	 h_session_logout(struct req *);
void	 h_session_password(struct req *);
/* h_users.c */
void	 h_users_list(struct req *);
void	 h_users_create(struct req *);
void	 h_users_get(struct req *);
void	 h_users_update(struct req *);
void	 h_users_delete(struct req *);

#endif
