/*
 * enrol_login.h - enrolment at first login (enroll_at_login) and the
 * notices of a roll-out (DESIGN section 4).  The confirmation at setcred
 * is enrol_confirm.h's; the self-service requests of secrets = vault are
 * enrol_request.h's.
 */
#ifndef MFA_ENROL_LOGIN_H
#define MFA_ENROL_LOGIN_H

#include "login.h"
#include "state.h"

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

#endif /* MFA_ENROL_LOGIN_H */
