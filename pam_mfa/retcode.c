/*
 * retcode.c - the verdicts of a login and their PAM return codes.
 */
#include <stddef.h>

#include <security/pam_modules.h>

#include "retcode.h"

/* The one table: every verdict and the code pam_sm_authenticate returns. */
static const int pam_codes[] = {
    [MFA_VERDICT_SUCCESS] = PAM_SUCCESS,
    [MFA_VERDICT_IGNORE] = PAM_IGNORE,
    [MFA_VERDICT_REFUSED] = PAM_AUTH_ERR,
    [MFA_VERDICT_LOCKED] = PAM_AUTH_ERR,
    [MFA_VERDICT_UNAVAILABLE] = PAM_AUTHINFO_UNAVAIL,
    [MFA_VERDICT_CONV_FAILED] = PAM_CONV_ERR,
    [MFA_VERDICT_SERVICE_ERROR] = PAM_SERVICE_ERR,
    [MFA_VERDICT_NO_MEMORY] = PAM_BUF_ERR,
    [MFA_VERDICT_SYSTEM_ERROR] = PAM_SYSTEM_ERR,
    [MFA_VERDICT_INCOMPLETE] = PAM_INCOMPLETE,
    [MFA_VERDICT_FALLBACK] = PAM_AUTH_ERR,
};

int
mfa_verdict_pam_code(enum mfa_verdict v)
{
	size_t i = (size_t)v;

	if (i >= sizeof(pam_codes) / sizeof(pam_codes[0]))
		return PAM_AUTH_ERR;
	return pam_codes[i];
}

enum mfa_verdict
mfa_verdict_of_err(enum mfa_err err)
{
	switch (err) {
	case MFA_OK:
		return MFA_VERDICT_SUCCESS;
	case MFA_ERR_NOMEM:
		return MFA_VERDICT_NO_MEMORY;
	case MFA_ERR_SYSTEM:
	case MFA_ERR_LOCK_TIMEOUT:
	case MFA_ERR_NOSPACE:
	case MFA_ERR_READONLY:
	case MFA_ERR_TIMEOUT:
	case MFA_ERR_EXEC:
	case MFA_ERR_UNAVAILABLE:
		return MFA_VERDICT_UNAVAILABLE;
	default:
		return MFA_VERDICT_REFUSED;
	}
}

enum mfa_verdict
mfa_verdict_of_pam(int pam_rc)
{
	switch (pam_rc) {
	case PAM_CONV_ERR:
		return MFA_VERDICT_CONV_FAILED;
	case PAM_BUF_ERR:
		return MFA_VERDICT_NO_MEMORY;
	case PAM_SYSTEM_ERR:
		return MFA_VERDICT_SYSTEM_ERROR;
	case PAM_INCOMPLETE:
		return MFA_VERDICT_INCOMPLETE;
	case PAM_SERVICE_ERR:
		return MFA_VERDICT_SERVICE_ERROR;
	default:
		return MFA_VERDICT_REFUSED;
	}
}

const char *
mfa_verdict_name(enum mfa_verdict v)
{
	switch (v) {
	case MFA_VERDICT_SUCCESS:
		return "success";
	case MFA_VERDICT_IGNORE:
		return "ignored";
	default:
		return "failure";
	}
}
