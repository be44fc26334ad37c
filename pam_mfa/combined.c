/*
 * combined.c - code_in_password: the password and the code in one answer
 * (combined.h).
 */
#include <stdio.h>
#include <string.h>

#include <security/pam_ext.h>

#include "combined.h"
#include "error.h"
#include "mem.h"
#include "prompt.h"

#define MFA_PROMPT_COMBINED "Password and code: "

/* Split lg->combined: the last digits are the code, when there are more. */
static void
split(struct mfa_login *lg)
{
	size_t n = strlen(lg->combined), d = MFA_COMBINED_DIGITS;
	const char *tail = lg->combined + (n > d ? n - d : 0);

	if (n > d && strspn(tail, "0123456789") == d) {
		memcpy(lg->combined_code, tail, d + 1);
		lg->combined_len = n - d;
	} else {
		snprintf(lg->combined_code, sizeof(lg->combined_code), "-");
		/* "-": a wrong answer */
		lg->combined_len = n;
	}
}

int
mfa_combined_ask(struct mfa_login *lg)
{
	const void *tok = NULL;
	char *text = NULL;
	int rc;

	if (!lg->cfg.code_in_password)
		return MFA_OK;
	if (pam_get_item(lg->pamh, PAM_AUTHTOK, &tok) == PAM_SUCCESS &&
	    tok != NULL && strlen(tok) <= MFA_PROMPT_MAX_REPLY)
		text = strdup(tok);
	else if ((rc = mfa_prompt_ask(
		      lg->pamh, 0, MFA_PROMPT_COMBINED, &text)) != MFA_OK) {
		mfa_log(&lg->log, LOG_NOTICE,
		    "code_in_password: no answer for %s: %s", lg->user_clean,
		    mfa_strerror(rc));
		lg->reason = "conversation failed";
		return MFA_ERR_SYSTEM;
	}
	if (text == NULL)
		return MFA_ERR_SYSTEM;
	lg->combined = text;
	split(lg);
	return MFA_OK;
}

void
mfa_combined_hand_on(struct mfa_login *lg)
{
	if (lg == NULL || lg->combined == NULL)
		return;
	/* The password part: what the password module checks next. */
	if (lg->code_taken)
		lg->combined[lg->combined_len] = '\0';
	if (pam_set_item(lg->pamh, PAM_AUTHTOK, lg->combined) != PAM_SUCCESS)
		mfa_log(&lg->log, LOG_ERR,
		    "code_in_password: cannot hand the password on");
	mfa_strfree(lg->combined);
	lg->combined = NULL;
	MFA_WIPE_ARRAY(lg->combined_code);
}
