/*
 * unpriv.h - a login checked by a caller that is not root.
 *
 * Screen lockers (xscreensaver, i3lock, swaylock) and a pamtester run by
 * the user use common-auth as the user, so they cannot reach the module's
 * root-owned state.  Such a caller gets a login that records nothing: the
 * code is checked against the user's own secret file only.  The decisions
 * (and their reasons) are in README and pam_mfa(8), "Screen lockers".
 */
#ifndef MFA_UNPRIV_H
#define MFA_UNPRIV_H

#include "retcode.h"

struct mfa_login;

/*
 * mfa_unpriv_caller - 1 when this login runs without root's identity and
 * the configured store is not its own: not root's effective uid, and
 * mfa_store_config_foreign.  0 otherwise: root, or a caller whose own
 * store holds the state (a personal install, the tests), which goes
 * through the store as usual.
 */
int mfa_unpriv_caller(const struct mfa_login *lg);

/*
 * mfa_unpriv_authenticate - the decision for such a caller, lg->user
 * known and in groups=.  A caller running as another account than the
 * user cannot read the user's file: refused (the conversation of an unknown
 * name).  Otherwise lg->unpriv is set and: no secret file gives
 * MFA_VERDICT_IGNORE (the password alone decides), a refused one
 * MFA_VERDICT_REFUSED (NO_MEMORY without memory), else the challenge
 * without state (challenge.c: app codes only).  Logs the mode; returns the
 * verdict.
 */
enum mfa_verdict mfa_unpriv_authenticate(struct mfa_login *lg);

#endif /* MFA_UNPRIV_H */
