/*
 * secret_load.c - reading a user's secret file with the user's identity.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <security/pam_modutil.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "secret_load.h"

/* Open and read path as the caller's current identity. */
static int
read_file(const char *path, uid_t owner, char **buf, size_t *len, char *why,
    size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = owner, .max_size = MFA_SECRET_MAX_SIZE};
	struct mfa_file_error ferr = {""};
	int fd, rc;

	rc = mfa_file_open_read(path, &rules, &fd, &ferr);
	if (rc == MFA_OK) {
		rc = mfa_file_read_all(fd, MFA_SECRET_MAX_SIZE, buf, len);
		close(fd);
	}
	if (rc != MFA_OK)
		snprintf(why, whysz, "%s",
		    ferr.why[0] != '\0' ? ferr.why : mfa_strerror(rc));
	return rc;
}

/* read_file with the user's uid, gid and groups, then back to ours. */
static int
read_as_user(pam_handle_t *pamh, const struct mfa_user *u, const char *path,
    char **buf, size_t *len, char *why, size_t whysz)
{
/* Linux-PAM's macro initialises ids with -1. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
	PAM_MODUTIL_DEF_PRIVS(privs);
#pragma GCC diagnostic pop
	int rc;

	if (pam_modutil_drop_priv(pamh, &privs, &u->pw) != 0) {
		snprintf(why, whysz, "cannot switch to the user's identity");
		return MFA_ERR_SYSTEM;
	}
	rc = read_file(path, u->pw.pw_uid, buf, len, why, whysz);
	if (pam_modutil_regain_priv(pamh, &privs) != 0) {
		snprintf(why, whysz, "cannot regain privileges after reading");
		if (*buf != NULL)
			mfa_freezero(*buf, *len + 1);
		*buf = NULL;
		return MFA_ERR_SYSTEM;
	}
	return rc;
}

int
mfa_secret_load(pam_handle_t *pamh, const struct mfa_config *cfg,
    const struct mfa_user *u, struct mfa_secret **out, char *why, size_t whysz)
{
	struct mfa_parse_error perr = {0, ""};
	char *path = NULL, *buf = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	rc = mfa_config_expand_path(
	    cfg->secret, u->pw.pw_name, u->pw.pw_dir, &path);
	if (rc != MFA_OK) {
		snprintf(why, whysz, "secret= does not expand to a safe path");
		return rc;
	}
	rc = read_as_user(pamh, u, path, &buf, &len, why, whysz);
	if (rc == MFA_OK) {
		rc = mfa_secret_parse(buf, len, out, &perr);
		if (rc != MFA_OK)
			snprintf(why, whysz, "%s line %u: %s", path, perr.line,
			    perr.msg);
		mfa_freezero(buf, len + 1);
	}
	free(path);
	return rc;
}
