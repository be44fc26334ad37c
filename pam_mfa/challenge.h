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
 * stored: app codes only, no trusted device.  Returns the verdict:
 * SUCCESS, IGNORE (failmode=safe and no code delivered), REFUSED (wrong or
 * no answers), LOCKED, UNAVAILABLE (the state failed) or CONV_FAILED.
 */
enum mfa_verdict mfa_challenge_run(
    struct mfa_login *lg, const struct mfa_state *st);

/*
 * mfa_challenge_unknown_user - for a name that is not in the password
 * database, the conversation of an enrolled user with a 6-digit app code,
 * backup codes and no email or SMS address, word for word (the same line,
 * prompts and messages for the same replies), every answer refused, so
 * that it does not tell whether the user exists.  pam_mfa(8) lists what
 * the conversation of other users does reveal.  Returns
 * MFA_VERDICT_REFUSED (or MFA_VERDICT_CONV_FAILED when the conversation
 * fails).
 */
enum mfa_verdict mfa_challenge_unknown_user(struct mfa_login *lg);

#endif /* MFA_CHALLENGE_H */
