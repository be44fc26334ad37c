/*
 * trust.h - "Trust this device for N days" (DESIGN §6).
 *
 * A device is what the client proved: for SSH the public key sshd already
 * verified (SSH_AUTH_INFO_0 in the PAM environment, with
 * AuthenticationMethods publickey,keyboard-interactive), bound to the user
 * and the service; the client address only when the admin says
 * trust_by=rhost.  The root state keeps a digest, never the key.
 *
 * A "yes" must only count when the whole login succeeds, which
 * pam_sm_authenticate cannot see (the password module may have failed).  So
 * authenticate records the answer as pending in the root state with a
 * fresh nonce and hands the nonce over (handover.h: PAM_MFA_TRUST=<nonce>,
 * never the digest); pam_sm_setcred, which applications call only after a
 * successful authentication (sshd in another process, to which it hands
 * the PAM environment), turns the pending record with that nonce into a
 * trusted device and removes the variable.  Each authenticate call starts
 * by removing what an earlier one handed over, so a "yes" of a failed
 * attempt is never confirmed by a later attempt on the same handle.
 */
#ifndef MFA_TRUST_H
#define MFA_TRUST_H

#include "device.h"
#include "handover.h"
#include "login.h"

/* How long a "yes" waits for setcred before it is worthless. */
#define MFA_TRUST_PENDING_TTL 600

/*
 * mfa_trust_identify - the identity of the device this login comes from,
 * if trust is enabled (trust_days > 0) and the device can be identified.
 * Returns 1 with *id filled, or 0 (no trust offered or honoured; the
 * reason is logged at debug level).
 */
int mfa_trust_identify(struct mfa_login *lg, struct mfa_device_id *id);

/* What mfa_trust_skip decided. */
enum mfa_trust_skip {
	MFA_TRUST_ASK,     /* not a trusted device: the user must answer */
	MFA_TRUST_SKIPPED, /* a trusted device: no second factor asked */
	MFA_TRUST_FAILED,  /* the state could not be used: fail closed */
};

/*
 * mfa_trust_skip - if *id is a trusted device of this enrolment that has
 * not expired, record the login (last use, success with method
 * trusted-device) and say so: "Second factor skipped: trusted device,
 * until 2027-02-22."  Returns what it decided.
 */
enum mfa_trust_skip mfa_trust_skip(
    struct mfa_login *lg, const struct mfa_device_id *id);

/*
 * mfa_trust_offer - after a successful second factor: ask "Trust this
 * device for N days? [y/N]: " (echo on) unless silent; on yes/y (any case)
 * record a pending device with a fresh nonce, then hand the nonce over
 * (MFA_TRUST_ENV).  Any failure here only means no trust (logged); the
 * login itself has already succeeded.
 */
void mfa_trust_offer(struct mfa_login *lg, const struct mfa_device_id *id);

/*
 * mfa_trust_confirm - pam_sm_setcred's part: turn the pending device whose
 * nonce MFA_TRUST_ENV carries (mfa_handover_take; recorded at most
 * MFA_TRUST_PENDING_TTL seconds ago) into a trusted device; the variable is
 * removed in any case.  Opens lg->store unless it is open.  It cannot
 * fail: a failure to record is logged and leaves no device trusted
 * (credentials are not the place to fail a login that succeeded).
 */
void mfa_trust_confirm(struct mfa_login *lg);

#endif /* MFA_TRUST_H */
