/*
 * userfile.h - the user's files (the enrolment file, a Google
 * Authenticator file) read and written with the user's identity.
 *
 * Root acting with --user never touches a directory the user controls with
 * root's file-system identity (DESIGN section 2): around every file
 * operation it switches its effective ids to the user's (supplementary
 * groups, gid, uid) and back.  Run by the user, no switch is needed.
 * Every path goes through common/fileio: parents walked with openat,
 * owner and modes checked on descriptors, links refused.
 *
 * Writes of the enrolment file NAME go through common/secret_write, as the
 * module's enrolment at login does: they take turns under the lock file
 * ".NAME.lock" and go through the one temporary name ".NAME.new" in the
 * same directory (a directory only the user or root may write): a run
 * killed before its rename leaves at most that one file, holding a secret,
 * and the next run that checks, writes or removes the file removes it.
 * Both names are gone after a run that ends normally.
 *
 * With secrets = vault the enrolment is root's record in the vault
 * (vault.h): load, check, write and remove act on it with root's own
 * identity, and refuse a user who is not root (MFA_ERR_DENIED, why says
 * to ask the administrator); mfa_userfile_load_home and mfa_userfile_read
 * still read the files of the home (import-home, a Google Authenticator
 * file).
 */
#ifndef MFA_ENROLL_USERFILE_H
#define MFA_ENROLL_USERFILE_H

#include <stddef.h>

#include "cli.h"
#include "secretfile.h"

/* Room for the reason of a refused file operation. */
#define MFA_USERFILE_WHY 320

/*
 * mfa_userfile_path - the enrolment file of c's user: cfg.secret expanded
 * with their name and home.  *path is the caller's (free()).
 * Returns MFA_OK or the error of mfa_config_expand_path (why says so).
 */
int mfa_userfile_path(
    const struct mfa_cli *c, char **path, char *why, size_t whysz);

/*
 * mfa_userfile_read - read the whole file path (at most max bytes) as the
 * user, with mfa_file_open_read's checks (owner: the user or root).
 * *buf is NUL-terminated, *len bytes; the caller wipes and frees it with
 * mfa_freezero(*buf, *len + 1).  Returns MFA_OK, MFA_ERR_NOENT (no such
 * file) or another error with a reason in why.
 */
int mfa_userfile_read(const struct mfa_cli *c, const char *path, size_t max,
    char **buf, size_t *len, char *why, size_t whysz);

/*
 * mfa_userfile_load - read and parse the user's enrolment file.  *out is
 * released with mfa_secret_free.  Returns MFA_OK, MFA_ERR_NOENT (not
 * enrolled) or another error with the path, line and reason in why.
 */
int mfa_userfile_load(
    const struct mfa_cli *c, struct mfa_secret **out, char *why, size_t whysz);

/*
 * mfa_userfile_load_home - mfa_userfile_load of the file secret= names in
 * the home, whatever secrets= says (import-home).  Same results.
 */
int mfa_userfile_load_home(
    const struct mfa_cli *c, struct mfa_secret **out, char *why, size_t whysz);

/*
 * mfa_userfile_check - check, before anything is shown or asked, that the
 * enrolment file can be written: its directories pass the checks and the
 * file is either missing or a regular file owned by the user (a link, a
 * directory or somebody else's file is refused and left alone), and
 * remove what a killed run left at the temporary name (see above).
 * Returns MFA_OK, MFA_ERR_UNSAFE, MFA_ERR_LOCK_TIMEOUT or another error,
 * with a reason in why.
 */
int mfa_userfile_check(const struct mfa_cli *c, char *why, size_t whysz);

/*
 * mfa_userfile_write - serialise s and replace the user's enrolment file
 * with it atomically: mode 0600 whatever the umask, owned by the user,
 * after the checks of mfa_userfile_check (repeated on the directory that
 * is written), under the lock and through the fixed temporary name (see
 * above).  A reader sees the old or the new file, never a mix.
 * Returns MFA_OK or an error with a reason in why.
 */
int mfa_userfile_write(const struct mfa_cli *c, const struct mfa_secret *s,
    char *why, size_t whysz);

/*
 * mfa_userfile_remove - remove the user's enrolment file, after the checks
 * of mfa_userfile_check (a leftover temporary file goes too).  Returns MFA_OK,
 * MFA_ERR_NOENT (there was none) or an error with a reason in why.
 */
int mfa_userfile_remove(const struct mfa_cli *c, char *why, size_t whysz);

#endif /* MFA_ENROLL_USERFILE_H */
