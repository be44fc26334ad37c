/*
 * pam_mfa.c - the PAM entry points.  Each is init, delegate, log, free; the
 * decisions live in policy.c, and verdicts become PAM codes in retcode.c.
 */
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "combined.h"
#include "enrol_confirm.h"
#include "handover.h"
#include "login.h"
#include "policy.h"
#include "retcode.h"
#include "trust.h"

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct mfa_login *lg = NULL;
	enum mfa_verdict v;

	v = mfa_login_begin(pamh, flags, argc, argv, &lg);
	if (v == MFA_VERDICT_SUCCESS) {
		/* Nothing an earlier call handed over survives (DESIGN §12);
		 * argv tells this stack line from another pam_mfa line. */
		mfa_handover_begin(lg, argv);
		v = mfa_combined_ask(lg) == MFA_OK ? mfa_policy_authenticate(lg)
						   : MFA_VERDICT_CONV_FAILED;
		mfa_combined_hand_on(lg); /* code_in_password */
	}
	mfa_handover_end(pamh, lg, v);
	mfa_login_end(lg, v);
	return mfa_verdict_pam_code(v);
}

/*
 * Credentials: pam_mfa has none of its own.  Applications call this only
 * after the whole stack authenticated, so it is where a "trust this device"
 * answer becomes a trusted device (trust.c) and an enrolment made during
 * the login becomes the user's enrolment (enrol_confirm.c), each only when the
 * nonce in the PAM environment names a pending record of the state (and
 * the hand-over this process made, if it authenticated: handover.h).  One
 * store handle serves both.  It never resets a lock-out.
 */
PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct mfa_login *lg = NULL;
	enum mfa_verdict v;

	/* Nothing handed over by authenticate: no options, no state to read. */
	if (((unsigned int)flags & PAM_ESTABLISH_CRED) == 0 ||
	    (pam_getenv(pamh, MFA_TRUST_ENV) == NULL &&
		pam_getenv(pamh, MFA_ENROL_ENV) == NULL))
		return PAM_SUCCESS;
	v = mfa_login_begin(pamh, flags, argc, argv, &lg);
	if (v == MFA_VERDICT_SUCCESS) {
		mfa_trust_confirm(lg);
		mfa_enrol_login_confirm(lg);
		/* Still the user's file identity: sshd must not go on. */
		if (lg->privs_lost)
			v = MFA_VERDICT_REFUSED;
	}
	mfa_login_free(lg);
	return mfa_verdict_pam_code(v);
}
