/*
 * authtok_check.c - a test-only PAM module standing in for "pam_unix.so
 * use_first_pass" after pam_mfa code_in_password: it never prompts, and
 * succeeds only when PAM_AUTHTOK is exactly its argument "password=TEXT".
 * No PAM_AUTHTOK, no argument or another value: PAM_AUTH_ERR.  It logs
 * "authtok_check: password accepted" or "... refused" (pam_syslog), so a
 * test sees what it got even when an earlier line already failed.
 */
#include <string.h>

#include <syslog.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define ARG "password="

PAM_EXTERN int pam_sm_authenticate(
    pam_handle_t *pamh, int flags, int argc, const char **argv);
PAM_EXTERN int pam_sm_setcred(
    pam_handle_t *pamh, int flags, int argc, const char **argv);

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const void *tok = NULL;
	int ok;

	(void)flags;
	ok = argc == 1 && strncmp(argv[0], ARG, sizeof(ARG) - 1) == 0 &&
	    pam_get_item(pamh, PAM_AUTHTOK, &tok) == PAM_SUCCESS &&
	    tok != NULL && strcmp(tok, argv[0] + sizeof(ARG) - 1) == 0;
	pam_syslog(pamh, LOG_NOTICE, "authtok_check: password %s",
	    ok ? "accepted" : "refused");
	return ok ? PAM_SUCCESS : PAM_AUTH_ERR;
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}
