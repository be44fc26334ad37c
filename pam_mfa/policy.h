/*
 * policy.h - the second-factor decision of one login (DESIGN §3, §4).
 */
#ifndef MFA_POLICY_H
#define MFA_POLICY_H

#include "login.h"
#include "retcode.h"

/*
 * mfa_policy_authenticate - the whole decision for the context lg made by
 * mfa_login_begin: the user (an unknown name gets the conversation of an
 * enrolled user, refused), groups=, a caller without root's state
 * (unpriv.h), the state, the secret file and what a missing or
 * unconfirmed one means (nullok, enforce_after=, enroll_at_login), then
 * the challenge (challenge.h).  Returns the verdict; retcode.h maps it to
 * the PAM code pam_sm_authenticate returns.
 */
enum mfa_verdict mfa_policy_authenticate(struct mfa_login *lg);

#endif /* MFA_POLICY_H */
