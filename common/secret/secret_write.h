/*
 * secret_write.h - writing a user's enrolment file: the part the module
 * (pam_mfa/enrol_record.c, enrolment at login) and mfa-enroll
 * (mfa-enroll/userfile.c) share; secret_io.h is the reading side.
 *
 * Each caller keeps its own way of taking the user's identity around the
 * call (pam_modutil_drop_priv in the module, seteuid in the CLI) and must
 * hold it: every file here is created with the caller's file-system
 * identity, and root's must never create anything in a directory the user
 * controls (DESIGN section 2).
 *
 * Writers of the enrolment file NAME take turns under the lock file
 * ".NAME.lock" and write through the one temporary name ".NAME.new" in the
 * same directory.  The lock makes the holder the only writer among the
 * module and mfa-enroll, so whatever is at the temporary name was left by
 * a writer killed before its rename (it holds a secret): it is removed,
 * never piled up.  A fixed name is safe where it would not be in a shared
 * directory: mfa_file_open_parent has checked that only the user or root
 * may write the directory.  The lock file is removed too when done; a
 * killed writer leaves it, empty, and the next one takes it over.
 */
#ifndef MFA_SECRET_WRITE_H
#define MFA_SECRET_WRITE_H

#include <stddef.h>
#include <sys/types.h>

#include "fileio.h"

/* What mfa_secret_write does with the enrolment file. */
enum mfa_secret_write_op {
	MFA_SECRET_WRITE_CLEAR,   /* only check, and remove a leftover */
	MFA_SECRET_WRITE_REPLACE, /* write, over the user's file if any */
	MFA_SECRET_WRITE_NEW,     /* write only where there is no file */
	MFA_SECRET_WRITE_REMOVE,  /* remove the file and a leftover */
};

/* The enrolment file of one user. */
struct mfa_secret_target {
	const char *path;             /* absolute, expanded (secret=) */
	uid_t owner;                  /* the user */
	const char *user;             /* their name, for the reasons */
	unsigned int lock_timeout_ms; /* wait for the lock (lock_timeout=) */
};

/*
 * mfa_secret_write - with the user's identity (see above), open the
 * directory of t->path with mfa_file_open_parent's checks (owner t->owner
 * or root), then, under the lock:
 * CLEAR, REPLACE and REMOVE first check the file: missing, or a regular
 * file of t->owner (a link, a directory or another's file is refused,
 * MFA_ERR_UNSAFE, and left alone); REMOVE wants it present (MFA_ERR_NOENT
 * when it is not, and nothing else is done).  NEW refuses any file at the
 * name (MFA_ERR_DENIED): one that appeared meanwhile is the user's choice.
 * Then the leftover temporary file is removed, and REPLACE and NEW write
 * the len bytes of text atomically (mfa_file_replace_locked: mode 0600
 * whatever the umask, synced, renamed over the name) while REMOVE removes
 * the file.  A reader sees the old or the new file, never a mix.
 * Returns MFA_OK, or an error with a reason in why (whysz bytes, may be
 * NULL when 0) naming the path and never the content: MFA_ERR_UNSAFE,
 * MFA_ERR_NOENT, MFA_ERR_DENIED, MFA_ERR_LOCK_TIMEOUT, MFA_ERR_INVALID,
 * MFA_ERR_NOSPACE, MFA_ERR_READONLY, MFA_ERR_SYSTEM...
 */
int mfa_secret_write(const struct mfa_secret_target *t,
    enum mfa_secret_write_op op, const char *text, size_t len, char *why,
    size_t whysz);

/*
 * mfa_secret_file_why - a failed walk's reason for the log: fileio's (it
 * names the path as far as it was walked) when it has one, else
 * "PATH: ERROR".  why as for mfa_text_why.
 */
void mfa_secret_file_why(char *why, size_t whysz, const char *path, int rc,
    const struct mfa_file_error *ferr);

#endif /* MFA_SECRET_WRITE_H */
