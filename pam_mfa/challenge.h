/*
 * challenge.h - asking for the second factor and checking the answers.
 */
#ifndef MFA_CHALLENGE_H
#define MFA_CHALLENGE_H

#include "login.h"
#include "state.h"

/*
 * mfa_challenge_run - the conversation of DESIGN §3 for an enrolled user
 * whose secret is loaded (lg->secret) and whose record snapshot is *st: the
 * lock-out check, the info line naming the methods, up to `tries` prompts,
 * each answer checked under the user's lock.  With lg->unpriv (a caller
 * without root's state, unpriv.c) *st is an empty record and nothing is
 * stored: app codes only, no trusted device.  Returns the PAM code.
 */
int mfa_challenge_run(struct mfa_login *lg, const struct mfa_state *st);

/*
 * mfa_challenge_unknown_user - for a name that is not in the password
 * database, the conversation of an enrolled user with a 6-digit app code,
 * backup codes and no email or SMS address, word for word (the same line,
 * prompts and messages for the same replies), every answer refused, so
 * that it does not tell whether the user exists.  pam_mfa(8) lists what
 * the conversation of other users does reveal.  Returns PAM_AUTH_ERR (or
 * PAM_CONV_ERR when the conversation fails).
 */
int mfa_challenge_unknown_user(struct mfa_login *lg);

#endif /* MFA_CHALLENGE_H */
