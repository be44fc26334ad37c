/*
 * secret_load.c - reading a user's secret file with the user's identity.
 */
#include <stdio.h>
#include <stdlib.h>

#include <security/pam_modutil.h>

#include "error.h"
#include "secret_io.h"
#include "secret_load.h"
#include "vault.h"

/* mfa_secret_load_path with the user's uid, gid and groups, then back. */
static int
load_as_user(pam_handle_t *pamh, const struct mfa_user *u, const char *path,
    struct mfa_secret **out, char *why, size_t whysz)
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
	rc = mfa_secret_load_path(path, u->pw.pw_uid, out, why, whysz);
	if (pam_modutil_regain_priv(pamh, &privs) != 0) {
		snprintf(why, whysz, "cannot regain privileges after reading");
		mfa_secret_free(*out);
		*out = NULL;
		return MFA_ERR_SYSTEM;
	}
	return rc;
}

int
mfa_secret_load(pam_handle_t *pamh, const struct mfa_config *cfg,
    const struct mfa_user *u, struct mfa_secret **out, char *why, size_t whysz)
{
	char *path = NULL;
	int rc;

	*out = NULL;
	if (cfg->secrets == MFA_SECRETS_VAULT) {
		/* Root's own file: no user identity, no user directory. */
		struct mfa_vault v = {cfg->state_dir, cfg->lock_timeout};

		return mfa_vault_load(
		    &v, u->pw.pw_name, MFA_VAULT_CURRENT, out, why, whysz);
	}
	rc = mfa_config_expand_path(
	    cfg->secret, u->pw.pw_name, u->pw.pw_dir, &path);
	if (rc != MFA_OK) {
		snprintf(why, whysz, "secret= does not expand to a safe path");
		return rc;
	}
	rc = load_as_user(pamh, u, path, out, why, whysz);
	free(path);
	return rc;
}
