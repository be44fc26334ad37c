/*
 * user.h - who is logging in, from the password database only.
 */
#ifndef MFA_USER_H
#define MFA_USER_H

#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

struct mfa_user {
	struct passwd pw; /* name, uid, gid, home (strings point into buf) */
	char *buf;
	char **groups; /* names of every group the user is in */
	size_t ngroups;
};

/*
 * mfa_user_lookup - look name up with getpwnam_r and collect the names of
 * the user's groups (primary and supplementary).  The home directory comes
 * from the password database, never from the environment.
 * Returns MFA_OK with *out (free with mfa_user_free), MFA_ERR_NOENT for an
 * unknown user, MFA_ERR_INVALID for an empty or over-long name or one with
 * control characters, MFA_ERR_NOMEM or MFA_ERR_SYSTEM.
 */
int mfa_user_lookup(const char *name, struct mfa_user **out);

/*
 * mfa_user_free - free what mfa_user_lookup returned.  NULL is fine.
 */
void mfa_user_free(struct mfa_user *u);

#endif /* MFA_USER_H */
