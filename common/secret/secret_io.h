/*
 * secret_io.h - reading a user's enrolment file from disk: the part the
 * module (pam_mfa/secret_load.c) and mfa-enroll (mfa-enroll/userfile.c)
 * share.  Each caller keeps its own way of taking the user's identity
 * around the call (pam_modutil_drop_priv in the module, seteuid in the
 * CLI); this unit only opens, checks, reads and parses, with whatever
 * identity it is called.
 */
#ifndef MFA_SECRET_IO_H
#define MFA_SECRET_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "secretfile.h"

/*
 * mfa_secret_load_path - open path with the checks of mfa_file_open_read
 * (every directory on the way and the file itself owned by owner or root,
 * no group or other permission bits, one link, a regular file, at most
 * MFA_SECRET_MAX_SIZE bytes, no planted links), read it and parse it with
 * mfa_secret_parse.  The bytes read are wiped before returning.
 * Returns MFA_OK with *out (the caller releases it with mfa_secret_free),
 * MFA_ERR_NOENT when the file or a directory on its path does not exist,
 * or another error with *out NULL.  On failure why (whysz bytes; may be
 * NULL when whysz is 0) gets a reason for the log that never holds the
 * file's content: fileio's (it names the path as far as it was walked),
 * "PATH: ERROR" when reading failed, or "PATH line N: REASON" when the
 * file does not parse.
 */
int mfa_secret_load_path(const char *path, uid_t owner, struct mfa_secret **out,
    char *why, size_t whysz);

#endif /* MFA_SECRET_IO_H */
