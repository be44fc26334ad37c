/*
 * retcode.c - mapping of internal errors to PAM return codes.
 */
#include <security/pam_modules.h>

#include "error.h"
#include "retcode.h"

int
mfa_pam_code(int err)
{
	switch (err) {
	case MFA_OK:
		return PAM_SUCCESS;
	case MFA_ERR_NOMEM:
		return PAM_BUF_ERR;
	case MFA_ERR_SYSTEM:
	case MFA_ERR_LOCK_TIMEOUT:
	case MFA_ERR_NOSPACE:
	case MFA_ERR_READONLY:
	case MFA_ERR_TIMEOUT:
	case MFA_ERR_EXEC:
		return PAM_AUTHINFO_UNAVAIL;
	default:
		return PAM_AUTH_ERR;
	}
}
