/*
 * enrol_request.h - the self-service requests of secrets = vault (a new
 * authenticator, new backup codes, another authenticator, one less),
 * honoured inside a login after the current factor (vault.h,
 * vault_request.h).
 */
#ifndef MFA_ENROL_REQUEST_H
#define MFA_ENROL_REQUEST_H

#include "login.h"

/*
 * mfa_enrol_login_renew - secrets = vault, after the challenge succeeded
 * (lg->secret loaded, lg->method the factor verified): honour the user's
 * self-service request (vault_request.h) when that factor was an app code
 * or a backup code, never an emailed code or a trusted device.  A new
 * authenticator walks through mfa_enrol_login's steps (QR code, a code
 * from the new app, new backup codes; Enter skips); new backup codes are
 * shown once; another authenticator (add) walks through the same steps
 * without new backup codes; a removal needs a code from another
 * authenticator or a backup code.  A request that cannot be honoured as
 * written (no such name, the last one, no room) is refused and removed.
 * Each is written to the vault's pending slot and handed
 * over like an enrolment at login: setcred makes it current and removes
 * the request (mfa_enrol_login_confirm); until then, and if the stack
 * fails, the old enrolment stays.  Returns MFA_VERDICT_SUCCESS (also when
 * nothing was asked for or the renewal was skipped or failed: the login
 * stands on the factor verified), MFA_VERDICT_CONV_FAILED (the codes
 * could not be shown) or MFA_VERDICT_REFUSED (privileges not regained).
 */
enum mfa_verdict mfa_enrol_login_renew(struct mfa_login *lg);

#endif /* MFA_ENROL_REQUEST_H */
