/*
 * secret_load.h - reading a user's secret file inside the module.
 */
#ifndef MFA_SECRET_LOAD_H
#define MFA_SECRET_LOAD_H

#include <stddef.h>

#include <security/pam_modules.h>

#include "config.h"
#include "secretfile.h"
#include "user.h"

/*
 * mfa_secret_load - read and parse u's secret file (cfg->secret expanded
 * for u) with the file-system identity of the user: uid, gid and
 * supplementary groups through pam_modutil_drop_priv, so root never opens
 * a path in a directory the user controls.  The walk and the checks of
 * mfa_file_open_read apply (owner u or root, no group/other bits, one
 * link, regular file, bounded size, no planted links: mfa_secret_load_path).
 * Returns MFA_OK with *out (free with mfa_secret_free), MFA_ERR_NOENT when
 * the file (or a directory on its path) does not exist, or another error
 * with the reason for the log in why (never any content of the file).  If
 * privileges cannot be regained the error is MFA_ERR_SYSTEM and the caller
 * must fail.
 * With secrets = vault the record is the vault's (vault.h), read with
 * root's identity, and no file of the user's takes part.
 */
int mfa_secret_load(pam_handle_t *pamh, const struct mfa_config *cfg,
    const struct mfa_user *u, struct mfa_secret **out, char *why, size_t whysz);

#endif /* MFA_SECRET_LOAD_H */
