/*
 * vault_request.h - the module's side of a self-service request in vault
 * mode (vault.h): the file the user left in the home, read and removed
 * with the user's identity, never root's (DESIGN section 2).
 */
#ifndef MFA_VAULT_REQUEST_H
#define MFA_VAULT_REQUEST_H

#include "login.h"
#include "vault.h"

/*
 * mfa_vault_request_read - the request in the home of lg->user
 * (MFA_VAULT_REQUEST_NAME), read through pam_modutil_drop_priv with the
 * checks of mfa_file_open_read (owner the user or root, no group or other
 * bits, one link, at most MFA_VAULT_REQUEST_MAX bytes).  out->kind is
 * NONE when there is none, it is refused (logged) or does not parse.  *lost is
 * set when root's identity could not be regained: the caller must fail.
 */
void mfa_vault_request_read(
    struct mfa_login *lg, struct mfa_vault_req *out, int *lost);

/*
 * mfa_vault_request_done - remove the request from lg->user's home with
 * the user's identity (setcred, once it is honoured; authenticate, when
 * it cannot be honoured as written).  A failure is logged; a request left
 * behind only asks again at the next login.  When root's identity could
 * not be regained, lg->privs_lost is set: the caller must fail.
 */
void mfa_vault_request_done(struct mfa_login *lg);

#endif /* MFA_VAULT_REQUEST_H */
