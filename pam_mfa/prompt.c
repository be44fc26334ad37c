/*
 * prompt.c - the PAM conversation.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <security/pam_ext.h>

#include "error.h"
#include "mem.h"
#include "prompt.h"

static void show(pam_handle_t *pamh, int style, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

static void
show(pam_handle_t *pamh, int style, const char *fmt, va_list ap)
{
	char *resp = NULL;

	if (pam_vprompt(pamh, style, &resp, fmt, ap) == PAM_SUCCESS)
		mfa_strfree(resp);
}

void
mfa_prompt_info(pam_handle_t *pamh, int silent, const char *fmt, ...)
{
	va_list ap;

	if (silent)
		return;
	va_start(ap, fmt);
	show(pamh, PAM_TEXT_INFO, fmt, ap);
	va_end(ap);
}

void
mfa_prompt_error(pam_handle_t *pamh, int silent, const char *fmt, ...)
{
	va_list ap;

	if (silent)
		return;
	va_start(ap, fmt);
	show(pamh, PAM_ERROR_MSG, fmt, ap);
	va_end(ap);
}

int
mfa_prompt_ask(pam_handle_t *pamh, int echo, const char *question, char **reply)
{
	char *resp = NULL;
	int style = echo ? PAM_PROMPT_ECHO_ON : PAM_PROMPT_ECHO_OFF;

	*reply = NULL;
	if (pam_prompt(pamh, style, &resp, "%s", question) != PAM_SUCCESS ||
	    resp == NULL) {
		mfa_strfree(resp);
		return MFA_ERR_SYSTEM;
	}
	if (strnlen(resp, MFA_PROMPT_MAX_REPLY + 1) > MFA_PROMPT_MAX_REPLY) {
		mfa_strfree(resp);
		return MFA_ERR_TOOBIG;
	}
	*reply = resp;
	return MFA_OK;
}

/*
 * Whether text is the password this stack was given (PAM_AUTHTOK), in
 * time that depends only on the lengths.  Nothing of either is kept.
 */
static int
is_the_password(pam_handle_t *pamh, const char *text)
{
	const void *tok = NULL;
	size_t n = strlen(text);

	if (pam_get_item(pamh, PAM_AUTHTOK, &tok) != PAM_SUCCESS ||
	    tok == NULL || n == 0 || strlen(tok) != n)
		return 0;
	return mfa_ct_equal(text, tok, n);
}

int
mfa_prompt_ask_code(pam_handle_t *pamh, int echo, const char *question,
    struct mfa_reply *r, int *password)
{
	char *text = NULL;
	int rc;

	memset(r, 0, sizeof(*r));
	if (password != NULL)
		*password = 0;
	rc = mfa_prompt_ask(pamh, echo, question, &text);
	if (rc == MFA_ERR_TOOBIG) {
		r->kind = MFA_REPLY_INVALID;
		return MFA_OK;
	}
	if (rc != MFA_OK)
		return rc;
	mfa_reply_classify(text, r);
	if (password != NULL)
		*password =
		    r->kind == MFA_REPLY_INVALID && is_the_password(pamh, text);
	mfa_strfree(text);
	return MFA_OK;
}

int
mfa_prompt_ask_reply(
    pam_handle_t *pamh, int echo, const char *question, struct mfa_reply *r)
{
	return mfa_prompt_ask_code(pamh, echo, question, r, NULL);
}

int
mfa_prompt_is_yes(const char *answer)
{
	size_t n = strlen(answer);

	while (n > 0 && answer[n - 1] == ' ')
		n--;
	return (n == 1 && strncasecmp(answer, "y", 1) == 0) ||
	    (n == 3 && strncasecmp(answer, "yes", 3) == 0);
}
