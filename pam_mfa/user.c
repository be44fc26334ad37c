/*
 * user.c - password and group database look-ups.
 */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "user.h"

#define MFA_USER_MAX_NAME 256
#define MFA_USER_MAX_GROUPS 1024
#define MFA_USER_MAX_BUF (1024 * 1024)

/* Names reach file names and log lines: refuse what no real system uses. */
static int
name_is_sane(const char *name)
{
	size_t i, len = strnlen(name, MFA_USER_MAX_NAME + 1);

	if (len == 0 || len > MFA_USER_MAX_NAME)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f ||
		    name[i] == '/')
			return 0;
	return 1;
}

static int
lookup_passwd(const char *name, struct mfa_user *u)
{
	struct passwd *res = NULL;
	size_t size = 4096;
	int rc;

	for (;;) {
		u->buf = malloc(size);
		if (u->buf == NULL)
			return MFA_ERR_NOMEM;
		rc = getpwnam_r(name, &u->pw, u->buf, size, &res);
		if (rc != ERANGE || size >= MFA_USER_MAX_BUF)
			break;
		free(u->buf);
		u->buf = NULL;
		size *= 2;
	}
	/*
	 * "Not found" is 0 with no result, but getpwnam_r(3) lists ENOENT,
	 * ESRCH, EBADF and EPERM as what some implementations return instead.
	 */
	if (res == NULL &&
	    (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF ||
		rc == EPERM))
		return MFA_ERR_NOENT;
	if (rc != 0 || res == NULL)
		return MFA_ERR_SYSTEM;
	if (u->pw.pw_dir == NULL || u->pw.pw_dir[0] != '/')
		return MFA_ERR_INVALID;
	return MFA_OK;
}

/* The name of group gid, as a new string; NULL when unknown or no memory. */
static char *
group_name(gid_t gid)
{
	struct group gr, *res = NULL;
	char buf[16384];

	if (getgrgid_r(gid, &gr, buf, sizeof(buf), &res) != 0 || res == NULL)
		return NULL;
	return strdup(gr.gr_name);
}

static int
lookup_groups(struct mfa_user *u)
{
	gid_t gids[MFA_USER_MAX_GROUPS];
	int n = MFA_USER_MAX_GROUPS, i;

	if (getgrouplist(u->pw.pw_name, u->pw.pw_gid, gids, &n) < 0)
		return MFA_ERR_SYSTEM;
	u->groups = calloc((size_t)n + 1, sizeof(char *));
	if (u->groups == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		char *g = group_name(gids[i]);

		if (g != NULL)
			u->groups[u->ngroups++] = g;
	}
	return MFA_OK;
}

int
mfa_user_lookup(const char *name, struct mfa_user **out)
{
	struct mfa_user *u;
	int rc;

	*out = NULL;
	if (name == NULL || !name_is_sane(name))
		return MFA_ERR_INVALID;
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		return MFA_ERR_NOMEM;
	rc = lookup_passwd(name, u);
	if (rc == MFA_OK)
		rc = lookup_groups(u);
	if (rc != MFA_OK) {
		mfa_user_free(u);
		return rc;
	}
	*out = u;
	return MFA_OK;
}

void
mfa_user_free(struct mfa_user *u)
{
	size_t i;

	if (u == NULL)
		return;
	for (i = 0; i < u->ngroups; i++)
		free(u->groups[i]);
	free(u->groups);
	free(u->buf);
	free(u);
}
