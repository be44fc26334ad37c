/*
 * vault_request.c - a self-service request in the user's home, read and
 * removed with the user's identity.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_modutil.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "user.h"
#include "vault_request.h"

/* The request file read and parsed, with whatever identity we have. */
static int
read_request(const char *path, uid_t owner, struct mfa_vault_req *out,
    char *why, size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = owner, .max_size = MFA_VAULT_REQUEST_MAX};
	struct mfa_file_error ferr = {""};
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, rc;

	rc = mfa_file_open_read(path, &rules, &fd, &ferr);
	if (rc == MFA_OK) {
		rc = mfa_file_read_all(fd, MFA_VAULT_REQUEST_MAX, &buf, &len);
		close(fd);
	}
	if (rc == MFA_OK) {
		rc = mfa_vault_request_parse(buf, len, out);
		mfa_freezero(buf, len + 1);
	}
	snprintf(why, whysz, "%s",
	    ferr.why[0] != '\0'        ? ferr.why
		: rc == MFA_ERR_FORMAT ? "it does not parse"
				       : mfa_strerror(rc));
	return rc;
}

/* The request file removed, with whatever identity we have. */
static int
remove_request(const char *path, uid_t owner, char *why, size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = owner, .max_size = MFA_VAULT_REQUEST_MAX};
	struct mfa_file_error ferr = {""};
	const char *name = NULL;
	int dirfd = -1, rc;

	rc = mfa_file_open_parent(path, &rules, &dirfd, &name, &ferr);
	if (rc == MFA_OK) {
		rc = mfa_file_remove(dirfd, name);
		close(dirfd);
	}
	snprintf(why, whysz, "%s",
	    ferr.why[0] != '\0' ? ferr.why : mfa_strerror(rc));
	return rc;
}

/* Read (out set) or remove (out NULL) the request as the user. */
static int
as_user(struct mfa_login *lg, struct mfa_vault_req *out, int *lost, char *why,
    size_t whysz)
{
/* Linux-PAM's macro initialises ids with -1. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
	PAM_MODUTIL_DEF_PRIVS(privs);
#pragma GCC diagnostic pop
	const struct passwd *pw = &lg->user->pw;
	char path[4096];
	int n, rc;

	*lost = 0;
	n = snprintf(
	    path, sizeof(path), "%s/%s", pw->pw_dir, MFA_VAULT_REQUEST_NAME);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(why, whysz, "home directory path too long");
		return MFA_ERR_TOOBIG;
	}
	if (pam_modutil_drop_priv(lg->pamh, &privs, pw) != 0) {
		snprintf(why, whysz, "cannot switch to the user's identity");
		return MFA_ERR_SYSTEM;
	}
	rc = out != NULL ? read_request(path, pw->pw_uid, out, why, whysz)
			 : remove_request(path, pw->pw_uid, why, whysz);
	if (pam_modutil_regain_priv(lg->pamh, &privs) != 0) {
		*lost = 1;
		return MFA_ERR_SYSTEM;
	}
	return rc;
}

void
mfa_vault_request_read(
    struct mfa_login *lg, struct mfa_vault_req *out, int *lost)
{
	char why[256] = "";
	int rc;

	memset(out, 0, sizeof(*out));
	*lost = 0;
	if (lg->user == NULL)
		return;
	rc = as_user(lg, out, lost, why, sizeof(why));
	if (rc != MFA_OK && rc != MFA_ERR_NOENT && !*lost)
		mfa_log(&lg->log, LOG_NOTICE,
		    "user=%s self-service request ignored: %s", lg->user_clean,
		    why);
	if (rc != MFA_OK)
		memset(out, 0, sizeof(*out));
}

void
mfa_vault_request_done(struct mfa_login *lg)
{
	char why[256] = "";
	int lost = 0;

	if (lg->user == NULL)
		return;
	if (as_user(lg, NULL, &lost, why, sizeof(why)) != MFA_OK)
		mfa_log(&lg->log, LOG_ERR,
		    "user=%s self-service request not removed%s: %s",
		    lg->user_clean, lost ? " (privileges not regained)" : "",
		    why);
	lg->privs_lost |= lost;
}
