/* yujing — point change history. */
#include "history.h"

#include <string.h>

#include "db.h"

int
history_write(struct db *db, const struct actor *a, long long point_id, const char *entity, long long entity_id,
    const char *action, const char *field, const char *old, const char *new_value)
{
	static const char sql[] =
	    "INSERT INTO point_history (point_id, at, user_id, username, entity, entity_id, "
	    "action, field, old_value, new_value, request_id) "
	    "VALUES (?, NOW(3), ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	long long	 uid = a->kind == ACTOR_USER ? a->id : 0;
	int		 rc;

	rc = db_exec(db, sql, "iIssIsssss", point_id, uid ? &uid : NULL,
	    a->kind == ACTOR_USER && a->username ? a->username : "(system)", entity,
	    entity_id ? &entity_id : NULL, action, field, old, new_value,
	    a->request_id ? a->request_id : "");
	return rc < 0 ? rc : DB_OK;
}

static const char *
nonempty(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

int
history_diff(struct db *db, const struct actor *a, long long point_id, const char *entity, long long entity_id,
    const char *action, const char *const *names, const char *const *old,
    const char *const *new_values, size_t n)
{
	const char	*o, *v;
	size_t		 i;
	int		 rc;

	for (i = 0; i < n; i++) {
		o = old ? nonempty(old[i]) : NULL;
		v = new_values ? nonempty(new_values[i]) : NULL;
		if ((o == NULL && v == NULL) || (o != NULL && v != NULL && !strcmp(o, v)))
			continue;
		if ((rc = history_write(db, a, point_id, entity, entity_id, action, names[i], o, v)) != DB_OK)
			return rc;
	}
	return DB_OK;
}
