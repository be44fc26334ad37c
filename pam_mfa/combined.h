/*
 * combined.h - code_in_password: one prompt for clients that can send only
 * one answer (VPN, RADIUS, ssh with PasswordAuthentication).
 *
 * pam_mfa, placed before the password module, asks "Password and code: "
 * once (or takes PAM_AUTHTOK when an earlier module set it), checks the
 * 6-digit code at the end of the answer as the code prompt's one answer,
 * and hands the rest on as PAM_AUTHTOK for "pam_unix.so use_first_pass".
 * Whoever needs no code (groups=, nullok, not enrolled) gets the whole
 * answer handed on: it was only their password.
 */
#ifndef MFA_COMBINED_H
#define MFA_COMBINED_H

#include "login.h"

/* The code at the end of the answer: this many digits. */
#define MFA_COMBINED_DIGITS 6

/*
 * mfa_combined_ask - with code_in_password, get the answer (PAM_AUTHTOK,
 * else the prompt) into lg->combined and its code into lg->combined_code
 * ("-", which no code matches, when the answer does not end with
 * MFA_COMBINED_DIGITS digits after at least one other character).
 * Without the option, nothing.  Returns MFA_OK or MFA_ERR_SYSTEM (the
 * conversation failed; logged).
 */
int mfa_combined_ask(struct mfa_login *lg);

/*
 * mfa_combined_hand_on - set PAM_AUTHTOK to the answer without its code
 * when the code was taken (lg->code_taken), else to the whole answer;
 * then wipe both.  Without code_in_password, nothing.
 */
void mfa_combined_hand_on(struct mfa_login *lg);

#endif /* MFA_COMBINED_H */
