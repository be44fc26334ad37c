/*
 * pam_mfa.c - the PAM entry points.  Each is init, delegate, log, free; the
 * decisions live in login.c.
 */
#include <security/pam_modules.h>

#include "login.h"

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct mfa_login *lg = NULL;
	int rc;

	rc = mfa_login_begin(pamh, flags, argc, argv, &lg);
	if (rc == PAM_SUCCESS)
		rc = mfa_login_authenticate(lg);
	mfa_login_end(lg, rc);
	return rc;
}

/*
 * Credentials: pam_mfa has none to set.  It must not undo anything either:
 * a lock-out is never reset here (DESIGN §3).
 */
PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
