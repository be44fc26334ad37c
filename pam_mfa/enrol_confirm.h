/*
 * enrol_confirm.h - pam_sm_setcred's part of an enrolment made inside a
 * login: the pending record becomes the user's enrolment once the whole
 * stack has succeeded (DESIGN section 12, handover.h).
 */
#ifndef MFA_ENROL_CONFIRM_H
#define MFA_ENROL_CONFIRM_H

#include "login.h"

/* How long an enrolment at login waits for setcred to confirm it. */
#define MFA_ENROL_PENDING_TTL 600

/*
 * mfa_enrol_login_confirm - pam_sm_setcred's part: the pending enrolment
 * whose nonce MFA_ENROL_ENV carries (mfa_handover_take: and, in the process
 * that authenticated, the nonce it handed over), made at most
 * MFA_ENROL_PENDING_TTL seconds ago by a login whose stack has now
 * succeeded, becomes the user's enrolment: enrolled mark, replay floor, a
 * success, the pending record cleared; with secrets = vault a renewal
 * moves from the pending slot to the current one and the request in the
 * home is removed, logged as what it put in force (told by the vault's
 * records, not by the request).  The variable is removed.  Opens
 * lg->store unless it is open.  It cannot fail: a stale or forged
 * variable or a failure is logged, and leaves the enrolment unconfirmed
 * (the next login offers enrolment again).
 */
void mfa_enrol_login_confirm(struct mfa_login *lg);

#endif /* MFA_ENROL_CONFIRM_H */
