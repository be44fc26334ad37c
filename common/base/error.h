/*
 * error.h - the one error convention of pam_mfa's core.
 *
 * Every function of common/ that can fail returns 0 (MFA_OK) on success or
 * one of the negative codes below.  Results of other libraries (libc errno,
 * OpenSSL, libargon2) are converted where they are called, so callers only
 * ever see these.  pam_mfa/retcode.c maps them to PAM return codes.
 */
#ifndef MFA_ERROR_H
#define MFA_ERROR_H

enum mfa_err {
	MFA_OK = 0,
	MFA_ERR_NOMEM = -1,         /* out of memory */
	MFA_ERR_INVALID = -2,       /* bad argument from the caller */
	MFA_ERR_SYSTEM = -3,        /* a system call failed (see errno) */
	MFA_ERR_NOENT = -4,         /* a file or entry does not exist */
	MFA_ERR_UNSAFE = -5,        /* a file failed an ownership/mode check */
	MFA_ERR_TOOBIG = -6,        /* input over its size limit */
	MFA_ERR_FORMAT = -7,        /* malformed data */
	MFA_ERR_VERSION = -8,       /* unknown format version */
	MFA_ERR_CRYPTO = -9,        /* a cryptographic primitive failed */
	MFA_ERR_LOCK_TIMEOUT = -10, /* a lock was not obtained in time */
	MFA_ERR_NOSPACE = -11,      /* disk full or quota exceeded */
	MFA_ERR_READONLY = -12,     /* read-only file system */
	MFA_ERR_MISMATCH = -13,     /* a code or value did not verify */
	MFA_ERR_REPLAY = -14,       /* a code was already used */
	MFA_ERR_RANGE = -15,        /* a number outside its allowed range */
	MFA_ERR_UNKNOWN_KEY = -16,  /* an unknown key in a file or option */
	MFA_ERR_DUPLICATE = -17,    /* a key given twice */
	MFA_ERR_TIMEOUT = -18,      /* a helper program took too long */
	MFA_ERR_EXEC = -19,         /* a helper program failed or was missing */
	MFA_ERR_EXPIRED = -20,      /* a code or record is past its expiry */
	MFA_ERR_DENIED = -21,       /* refused by policy */
	MFA_ERR_BUFSIZE = -22,      /* a caller's buffer is too small */
	MFA_ERR_UNAVAILABLE = -23,  /* a store server cannot be reached */
};

/*
 * mfa_strerror - a short English description of an mfa_err code.
 * Returns a static string, never NULL; unknown codes get a generic text.
 */
const char *mfa_strerror(int err);

/*
 * mfa_err_from_errno - the mfa_err matching an errno value: ENOENT gives
 * MFA_ERR_NOENT, ENOMEM MFA_ERR_NOMEM, ENOSPC/EDQUOT MFA_ERR_NOSPACE,
 * EROFS MFA_ERR_READONLY, ELOOP (a symbolic link refused by O_NOFOLLOW)
 * MFA_ERR_UNSAFE, anything else MFA_ERR_SYSTEM.
 */
int mfa_err_from_errno(int errnum);

#endif /* MFA_ERROR_H */
