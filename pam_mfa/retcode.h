/*
 * retcode.h - the one place where internal errors become PAM return codes.
 */
#ifndef MFA_RETCODE_H
#define MFA_RETCODE_H

/*
 * mfa_pam_code - the PAM return code for an mfa_err (common/error.h).
 * MFA_OK is the only input that gives PAM_SUCCESS; every other code maps to
 * a failure (fail closed): out of memory to PAM_BUF_ERR, errors of the
 * system around us (disk full, lock time-out, read-only state) to
 * PAM_AUTHINFO_UNAVAIL, everything else to PAM_AUTH_ERR.
 */
int mfa_pam_code(int err);

#endif /* MFA_RETCODE_H */
