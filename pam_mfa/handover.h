/*
 * handover.h - what one pam_authenticate call leaves on the PAM handle
 * (DESIGN §12).
 *
 * pam_sm_authenticate cannot see whether the rest of the stack succeeded,
 * so a pending enrolment at login or a "trust this device" becomes real
 * only in pam_sm_setcred.  Each such hand-over is tied to the authenticate
 * call that made it by a fresh random nonce, kept in three places: the
 * pending record in the root state, the module's pam_set_data record on
 * the handle, and the PAM environment (PAM_MFA_ENROL / PAM_MFA_TRUST, the
 * nonce in hex, never a digest or an id).  sshd calls setcred in another
 * process than authenticate, where only the environment and the state
 * exist; where the pam_set_data record exists (login, su), it must agree.
 *
 * Every authenticate call starts by removing both variables and the record,
 * and removes them again when it does not succeed: in util-linux login's
 * retry loop (one handle, pam_authenticate called again) a failed attempt
 * can never leave anything for a later attempt's setcred.
 *
 * The same unit keeps the "second factor given" marker: with pam_mfa on two
 * lines of one stack, the line that comes second does not ask again once
 * the first has succeeded in this pam_authenticate call for the same user.
 */
#ifndef MFA_HANDOVER_H
#define MFA_HANDOVER_H

#include <stddef.h>

#include <security/pam_modules.h>

#include "login.h"

#define MFA_HANDOVER_NONCE_SIZE 16

/* The PAM environment variables that carry a nonce to setcred. */
#define MFA_ENROL_ENV "PAM_MFA_ENROL"
#define MFA_TRUST_ENV "PAM_MFA_TRUST"

enum mfa_handover_kind {
	MFA_HANDOVER_ENROL, /* an enrolment at login (enrol_login.c) */
	MFA_HANDOVER_TRUST, /* a "yes, trust this device" (trust.c) */
};

/*
 * mfa_handover_begin - the start of pam_sm_authenticate for the stack line
 * whose argument vector is instance (stable for one line of one handle).
 * A marker this line left in an earlier call is removed; a marker another
 * line left is kept and noted in lg->factor_given (mfa_handover_honour
 * decides once the user is known); without one, both variables and the
 * record are removed at once (mfa_handover_reset).
 */
void mfa_handover_begin(struct mfa_login *lg, const void *instance);

/*
 * mfa_handover_honour - 1 when another pam_mfa line of this stack has
 * already succeeded in this pam_authenticate call for the same account
 * (lg->user set): the caller returns PAM_SUCCESS without a prompt, and the
 * hand-overs of that line are kept.  0 otherwise; when a marker named
 * another account, the hand-overs are removed first.
 */
int mfa_handover_honour(struct mfa_login *lg);

/*
 * mfa_handover_end - the end of pam_sm_authenticate with its verdict v.
 * Anything but MFA_VERDICT_SUCCESS removes both variables, the record and
 * any "second factor given" marker of an earlier line; a
 * success of this line's own (not one honoured from another line) leaves
 * the "second factor given" marker with the account's name.  lg may be
 * NULL (no memory): then only the removal.
 */
void mfa_handover_end(
    pam_handle_t *pamh, struct mfa_login *lg, enum mfa_verdict v);

/*
 * mfa_handover_reset - remove both variables and the pam_set_data record.
 */
void mfa_handover_reset(pam_handle_t *pamh);

/*
 * mfa_handover_nonce - a fresh nonce from the kernel's CSPRNG (never all
 * zeros).  Returns MFA_OK or MFA_ERR_SYSTEM.
 */
int mfa_handover_nonce(unsigned char nonce[MFA_HANDOVER_NONCE_SIZE]);

/*
 * mfa_handover_publish - hand nonce over to setcred as kind: kept with
 * pam_set_data and put into the PAM environment in hex.  Call it only
 * after the pending record with this nonce is in the state.  Returns
 * MFA_OK, MFA_ERR_NOMEM or MFA_ERR_SYSTEM; on failure neither is left.
 */
int mfa_handover_publish(pam_handle_t *pamh, enum mfa_handover_kind kind,
    const unsigned char nonce[MFA_HANDOVER_NONCE_SIZE]);

/*
 * mfa_handover_take - setcred's side: the nonce handed over as kind.
 * Returns MFA_OK with nonce filled, MFA_ERR_NOENT (no variable),
 * MFA_ERR_FORMAT (the variable is not a nonce: forged) or
 * MFA_ERR_MISMATCH (this process ran authenticate and handed over no such
 * nonce: stale or forged).  The variable and the record of kind are
 * removed in every case: nothing reaches the session.  The caller still
 * has to find the nonce in the state (constant time) before acting.
 */
int mfa_handover_take(pam_handle_t *pamh, enum mfa_handover_kind kind,
    unsigned char nonce[MFA_HANDOVER_NONCE_SIZE]);

/*
 * mfa_handover_why - the words for a log line of mfa_handover_take's or a
 * state look-up's error rc: why a variable was ignored.  Static string.
 */
const char *mfa_handover_why(int rc);

/*
 * mfa_handover_store - open the state store into lg->store unless it is
 * open already (setcred confirms an enrolment and a device with one
 * handle).  Returns MFA_OK or the store's error, with why filled.
 */
int mfa_handover_store(struct mfa_login *lg, char *why, size_t whysz);

#endif /* MFA_HANDOVER_H */
