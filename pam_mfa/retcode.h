/*
 * retcode.h - the module's one vocabulary for the outcome of a login, and
 * the one place where it becomes a PAM return code.
 *
 * Internal functions of pam_mfa/ return an mfa_err (common/error.h) when
 * they do a job, or an enum mfa_verdict when they decide a login; only the
 * entry points (pam_mfa.c) turn a verdict into a PAM code, through
 * mfa_verdict_pam_code.  Results of libpam and of common/ become verdicts
 * where they are received (mfa_verdict_of_pam, mfa_verdict_of_err).
 */
#ifndef MFA_RETCODE_H
#define MFA_RETCODE_H

#include "error.h"

enum mfa_verdict {
	MFA_VERDICT_SUCCESS,       /* second factor given: PAM_SUCCESS */
	MFA_VERDICT_IGNORE,        /* not this module's business (nullok,
				      groups=, before enforce_after=, no file
				      for an unprivileged caller, failmode=safe):
				      PAM_IGNORE */
	MFA_VERDICT_REFUSED,       /* wrong answers, not enrolled, a refused
				      file: PAM_AUTH_ERR */
	MFA_VERDICT_LOCKED,        /* locked out: PAM_AUTH_ERR */
	MFA_VERDICT_UNAVAILABLE,   /* the state or a delivery failed:
				      PAM_AUTHINFO_UNAVAIL */
	MFA_VERDICT_CONV_FAILED,   /* the conversation failed: PAM_CONV_ERR */
	MFA_VERDICT_SERVICE_ERROR, /* a bad option: PAM_SERVICE_ERR */
	MFA_VERDICT_NO_MEMORY,     /* PAM_BUF_ERR */
	MFA_VERDICT_SYSTEM_ERROR,  /* libpam's own failure: PAM_SYSTEM_ERR */
	MFA_VERDICT_INCOMPLETE,    /* the application will call again
				      (pam_get_user): PAM_INCOMPLETE */
	/*
	 * Not a decision: enrolment at login was not done, the caller
	 * applies its ordinary policy (enrol_login.h).  Never returned by
	 * the login flow; should it reach mfa_verdict_pam_code, it fails
	 * closed (PAM_AUTH_ERR).
	 */
	MFA_VERDICT_FALLBACK,
};

/*
 * mfa_verdict_pam_code - the PAM return code of verdict v, as listed at
 * each value above.  MFA_VERDICT_SUCCESS is the only value that gives
 * PAM_SUCCESS; a value outside the enum gives PAM_AUTH_ERR (fail closed).
 */
int mfa_verdict_pam_code(enum mfa_verdict v);

/*
 * mfa_verdict_of_err - the verdict for an error of common/ that ends a
 * login (MFA_OK is a success): out of memory is NO_MEMORY, errors of the
 * system around us (disk full, lock time-out, read-only state, a helper
 * program that failed or hung) UNAVAILABLE, everything else REFUSED.
 */
enum mfa_verdict mfa_verdict_of_err(enum mfa_err err);

/*
 * mfa_verdict_of_pam - the verdict for a failure code of a libpam call
 * (pam_get_user) that ends a login, so that the module returns what libpam
 * said: PAM_CONV_ERR, PAM_BUF_ERR, PAM_SYSTEM_ERR, PAM_SERVICE_ERR (no
 * conversation) and PAM_INCOMPLETE, all that Linux-PAM's pam_get_user
 * returns, have their verdicts; anything else (PAM_SUCCESS included: the
 * caller found no name) is REFUSED.
 */
enum mfa_verdict mfa_verdict_of_pam(int pam_rc);

/*
 * mfa_verdict_name - the result word of the log line: "success",
 * "ignored" or "failure".  Static string.
 */
const char *mfa_verdict_name(enum mfa_verdict v);

#endif /* MFA_RETCODE_H */
