/*
 * error.c - descriptions of the mfa_err codes.
 */
#include <errno.h>
#include <stddef.h>

#include "error.h"

static const char *const mfa_err_text[] = {
    [0] = "success",
    [-MFA_ERR_NOMEM] = "out of memory",
    [-MFA_ERR_INVALID] = "invalid argument",
    [-MFA_ERR_SYSTEM] = "system error",
    [-MFA_ERR_NOENT] = "no such file or entry",
    [-MFA_ERR_UNSAFE] = "unsafe file ownership, mode or type",
    [-MFA_ERR_TOOBIG] = "input too large",
    [-MFA_ERR_FORMAT] = "malformed data",
    [-MFA_ERR_VERSION] = "unsupported format version",
    [-MFA_ERR_CRYPTO] = "cryptographic failure",
    [-MFA_ERR_LOCK_TIMEOUT] = "timed out waiting for a lock",
    [-MFA_ERR_NOSPACE] = "no space left on device",
    [-MFA_ERR_READONLY] = "read-only file system",
    [-MFA_ERR_MISMATCH] = "verification failed",
    [-MFA_ERR_REPLAY] = "code already used",
    [-MFA_ERR_RANGE] = "value out of range",
    [-MFA_ERR_UNKNOWN_KEY] = "unknown key",
    [-MFA_ERR_DUPLICATE] = "duplicate key",
    [-MFA_ERR_TIMEOUT] = "timed out",
    [-MFA_ERR_EXEC] = "helper program failed",
    [-MFA_ERR_EXPIRED] = "expired",
    [-MFA_ERR_DENIED] = "denied by policy",
    [-MFA_ERR_BUFSIZE] = "buffer too small",
    [-MFA_ERR_UNAVAILABLE] = "store unavailable",
};

const char *
mfa_strerror(int err)
{
	unsigned int idx;

	if (err > 0)
		return "unknown error";
	idx = (unsigned int)-err;
	if (idx >= sizeof(mfa_err_text) / sizeof(mfa_err_text[0]) ||
	    mfa_err_text[idx] == NULL)
		return "unknown error";
	return mfa_err_text[idx];
}

int
mfa_err_from_errno(int errnum)
{
	switch (errnum) {
	case ENOENT:
	case ENOTDIR:
		return MFA_ERR_NOENT;
	case ENOMEM:
		return MFA_ERR_NOMEM;
	case ENOSPC:
	case EDQUOT:
		return MFA_ERR_NOSPACE;
	case EROFS:
		return MFA_ERR_READONLY;
	case ELOOP:
		return MFA_ERR_UNSAFE;
	default:
		return MFA_ERR_SYSTEM;
	}
}
