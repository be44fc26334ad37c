/*
 * prompt.h - the PAM conversation: info lines, errors and questions.
 */
#ifndef MFA_PROMPT_H
#define MFA_PROMPT_H

#include <security/pam_modules.h>

#include "reply.h"

/* Replies longer than this are refused without being looked at. */
#define MFA_PROMPT_MAX_REPLY 256

/*
 * mfa_prompt_info - show an informational line (PAM_TEXT_INFO), unless
 * silent (PAM_SILENT was passed).  A conversation failure is ignored: an
 * info line is never worth failing a login over.
 */
void mfa_prompt_info(pam_handle_t *pamh, int silent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * mfa_prompt_error - show an error line (PAM_ERROR_MSG), unless silent.
 */
void mfa_prompt_error(pam_handle_t *pamh, int silent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * mfa_prompt_ask - ask one question, with echo off (echo == 0) or on.
 * On success *reply is a malloc'd NUL-terminated string the caller wipes
 * and frees with mfa_strfree.  Returns MFA_OK; MFA_ERR_SYSTEM when the
 * conversation failed or gave no reply (the caller fails with
 * PAM_CONV_ERR); MFA_ERR_TOOBIG for a reply over MFA_PROMPT_MAX_REPLY
 * bytes (wiped, *reply NULL).
 */
int mfa_prompt_ask(
    pam_handle_t *pamh, int echo, const char *question, char **reply);

/*
 * mfa_prompt_is_yes - 1 when answer is "y" or "yes" (any case, trailing
 * spaces allowed), 0 for anything else: a question's default is no.
 */
int mfa_prompt_is_yes(const char *answer);

/*
 * mfa_prompt_ask_reply - ask for a code and classify the answer
 * (reply.h).  A reply over MFA_PROMPT_MAX_REPLY bytes is an INVALID one,
 * not an error.  Returns MFA_OK with *r (the caller wipes it with
 * mfa_reply_wipe) or MFA_ERR_SYSTEM when the conversation failed.
 */
int mfa_prompt_ask_reply(
    pam_handle_t *pamh, int echo, const char *question, struct mfa_reply *r);

/*
 * mfa_prompt_ask_code - mfa_prompt_ask_reply, and *password (may be NULL)
 * set to 1 when the reply is exactly the password the stack was given
 * (PAM_AUTHTOK, compared in constant time) and has no code's shape (an
 * INVALID reply), 0 otherwise.  sshd with PasswordAuthentication answers
 * every prompt with the password, and people type it twice: that is no
 * guess at the code.  A reply that could be a code (digits, a backup code)
 * is never flagged, even when it equals the password: otherwise whoever
 * picks the "password" would pick an uncounted guess.
 */
int mfa_prompt_ask_code(pam_handle_t *pamh, int echo, const char *question,
    struct mfa_reply *r, int *password);

#endif /* MFA_PROMPT_H */
