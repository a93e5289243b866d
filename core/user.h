/* yujing — a signed-in account as the session gives it. */
#ifndef YJ_USER_H
#define YJ_USER_H

struct user {
	long long	 id;
	char		 username[64];
	char		 name[128];
	int		 role;		/* one ROLE_* bit, see access.h */
	long long	 point_id;	/* 0: none */
	char		 city[8];	/* "" : none */
};

#endif
