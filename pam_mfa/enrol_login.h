/*
 * enrol_login.h - enrolment at first login (enroll_at_login) and the
 * notices of a roll-out (DESIGN section 4).
 */
#ifndef MFA_ENROL_LOGIN_H
#define MFA_ENROL_LOGIN_H

#include "handover.h"
#include "login.h"
#include "state.h"

/* How long an enrolment at login waits for setcred to confirm it. */
#define MFA_ENROL_PENDING_TTL 600

/*
 * mfa_enrol_login - walk a user who has no secret file and was never
 * marked enrolled (lg->user set, lg->store open) through the enrolment of
 * an authenticator app inside the login: an info line, the QR code (drawn
 * only when libqrencode can be loaded at run time; the module does not
 * link it), the key in groups of four, up to `tries` prompts for a code
 * checked at lg->now with window=, then the enrolment recorded as pending
 * in the state (with the step proved and a fresh nonce), the file written
 * with the user's identity (pam_modutil_drop_priv; mfa_secret_write, mode
 * 0600, under the lock and through the one temporary name mfa-enroll
 * uses; an existing file is never replaced, except lg->unconfirmed_file),
 * the nonce handed over to setcred
 * (handover.h), and 10 backup codes shown once.
 * With nullok or before enforce_after=, an empty answer skips.
 * Returns MFA_VERDICT_SUCCESS (pending: lg->method is TOTP, lg->secret
 * stays NULL), MFA_VERDICT_REFUSED (privileges could not be regained: fail
 * closed), MFA_VERDICT_UNAVAILABLE (the file is written but could not be
 * handed over: it stays unconfirmed), MFA_VERDICT_CONV_FAILED (the
 * conversation failed after the file was written), or
 * MFA_VERDICT_FALLBACK (retcode.h): PAM_SILENT, no
 * conversation, a skip, wrong codes, or a state or file that cannot be
 * written; nothing that counts was written and the caller applies the
 * policy it applies without enroll_at_login.
 * Every outcome is logged ("enrolment at login started / completed /
 * skipped / failed", with user and service), never the key or a code.
 */
enum mfa_verdict mfa_enrol_login(struct mfa_login *lg);

/*
 * mfa_enrol_login_notices - after a successful second factor of an
 * enrolled user (lg->secret loaded, st the record read before the
 * challenge): a notice when three or fewer backup codes remain.  A
 * backup-code login says so itself and gets nothing more here.
 */
void mfa_enrol_login_notices(struct mfa_login *lg, const struct mfa_state *st);

/*
 * mfa_enrol_login_confirm - pam_sm_setcred's part: the pending enrolment
 * whose nonce MFA_ENROL_ENV carries (mfa_handover_take: and, in the process
 * that authenticated, the nonce it handed over), made at most
 * MFA_ENROL_PENDING_TTL seconds ago by a login whose stack has now
 * succeeded, becomes the user's enrolment: enrolled mark, replay floor, a
 * success, the pending record cleared; with secrets = vault a renewal
 * moves from the pending slot to the current one and the request in the
 * home is removed.  The variable is removed.  Opens
 * lg->store unless it is open.  It cannot fail: a stale or forged
 * variable or a failure is logged, and leaves the enrolment unconfirmed
 * (the next login offers enrolment again).
 */
void mfa_enrol_login_confirm(struct mfa_login *lg);

/*
 * mfa_enrol_login_renew - secrets = vault, after the challenge succeeded
 * (lg->secret loaded, lg->method the factor verified): honour the user's
 * self-service request (vault_request.h) when that factor was an app code
 * or a backup code, never an emailed code or a trusted device.  A new
 * authenticator walks through mfa_enrol_login's steps (QR code, a code
 * from the new app, new backup codes; Enter skips); new backup codes are
 * shown once.  Either is written to the vault's pending slot and handed
 * over like an enrolment at login: setcred makes it current and removes
 * the request (mfa_enrol_login_confirm); until then, and if the stack
 * fails, the old enrolment stays.  Returns MFA_VERDICT_SUCCESS (also when
 * nothing was asked for or the renewal was skipped or failed: the login
 * stands on the factor verified), MFA_VERDICT_CONV_FAILED (the codes
 * could not be shown) or MFA_VERDICT_REFUSED (privileges not regained).
 */
enum mfa_verdict mfa_enrol_login_renew(struct mfa_login *lg);

#endif /* MFA_ENROL_LOGIN_H */
