/*
 * fileio.h - safe access to security-relevant files: opening a user's file
 * without following an attacker's links, replacing a file atomically, and
 * locking a read-verify-write.
 *
 * This is the only unit of common/ that touches the file system for the
 * secret file and the module state (DESIGN §2, §8, §11).
 *
 * Paths are walked from "/" one component at a time with openat(2), and
 * every check is made on the open descriptor, never on a name that could
 * change under us.  Every directory on the way must be a directory owned by
 * root or by the expected owner, and not writable by group or others (so a
 * file under /tmp, mode 1777, is refused).
 *
 * Symbolic links.  A link is never followed for the final component (the
 * file itself).  A link among the directories is followed only when root
 * controls it: the link is owned by root and the directory that holds it
 * is owned by root (it already had to be unwritable by group and others).
 * Such a link could only have been made by root, so following it trusts no
 * one new; a symlinked /home (/home -> /data/home) keeps working, while a
 * link planted by a user in a directory they own is refused.  The target is
 * re-walked from "/" with every check again; ".." in a target is resolved
 * lexically against the real directories walked so far; at most
 * MFA_FILE_MAX_LINKS links per walk.
 *
 * Paths given by the caller must be absolute and contain no "." or ".."
 * component and no trailing '/': MFA_ERR_INVALID otherwise.
 *
 * Error codes: MFA_ERR_NOENT only when a component does not exist, so that
 * callers can tell "no file" from "bad file"; MFA_ERR_UNSAFE for a failed
 * ownership, mode, type or link check (a dangling link is UNSAFE, and so is
 * a file where a directory is needed); MFA_ERR_TOOBIG; MFA_ERR_SYSTEM for
 * the rest (EACCES included: a directory we may not search), through
 * mfa_err_from_errno.
 */
#ifndef MFA_FILEIO_H
#define MFA_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Symbolic links followed in one walk before giving up (MFA_ERR_UNSAFE). */
#define MFA_FILE_MAX_LINKS 8

/* What a file and its parent directories must look like. */
struct mfa_file_rules {
	uid_t owner;     /* file and parents: owned by this uid or by root */
	size_t max_size; /* larger files are refused (MFA_ERR_TOOBIG) */
	/*
	 * 0 (secrets, state): no permission bit at all for group or others.
	 * 1 (the site configuration, which holds no secret): group and others
	 * may read it; write bits stay refused.
	 */
	int readable_by_all;
};

/*
 * Why a check failed, for the log: the path (as far as it was walked) and
 * what was wrong with it.  Bytes outside printable ASCII are replaced with
 * '?', so the text can be logged as it is.  Empty when there is nothing to
 * say.
 */
struct mfa_file_error {
	char why[200];
};

/*
 * mfa_file_open_read - open the existing file path for reading after
 * checking every directory on the way (see above) and the file itself:
 * a regular file (not a link, FIFO, device or directory), owned by
 * rules->owner or root, no group or other permission bits (only read bits
 * with rules->readable_by_all), exactly one link, at most rules->max_size
 * bytes.  The file is opened with O_NOFOLLOW|O_NONBLOCK|O_CLOEXEC (a FIFO
 * cannot block us) and checked again through the descriptor. Returns MFA_OK
 * with *fd (the caller closes it), or MFA_ERR_INVALID, MFA_ERR_NOENT,
 * MFA_ERR_UNSAFE, MFA_ERR_TOOBIG, MFA_ERR_SYSTEM with *fd set to -1 and a
 * reason in err (err may be NULL).
 */
int mfa_file_open_read(const char *path, const struct mfa_file_rules *rules,
    int *fd, struct mfa_file_error *err);

/*
 * mfa_file_read_all - read everything from fd (a file opened by the
 * functions here), at most max bytes, into a new NUL-terminated buffer.
 * The file may have grown since it was checked: reading one byte more than
 * max proves it is too big.
 * Returns MFA_OK with *buf (*len bytes plus a NUL; the caller owns it and
 * wipes it with mfa_freezero(*buf, *len + 1)), MFA_ERR_TOOBIG, MFA_ERR_NOMEM,
 * MFA_ERR_INVALID or MFA_ERR_SYSTEM (then *buf is NULL and nothing read is
 * left in memory).
 */
int mfa_file_read_all(int fd, size_t max, char **buf, size_t *len);

/*
 * mfa_file_open_parent - walk and check every directory of path except the
 * last component (as mfa_file_open_read does, the containing directory
 * included) and open that directory.  Used to write the user's secret file
 * (as the user) and the state files (as root).
 * Returns MFA_OK with *dirfd (opened O_RDONLY|O_DIRECTORY; the caller
 * closes it) and *name pointing at the last component inside path (not a
 * copy: valid as long as path), or an error as mfa_file_open_read, with
 * *dirfd -1 and *name NULL.
 */
int mfa_file_open_parent(const char *path, const struct mfa_file_rules *rules,
    int *dirfd, const char **name, struct mfa_file_error *err);

/*
 * mfa_dir_open_private - open the root-owned private directory path (the
 * module's state directory): it must be a directory, not a link, owned by
 * root and not writable by group or others, and so must every directory
 * above it.  With create set, a missing last component is created with
 * mode 0700 (only the last one: its parent must exist).
 * Returns MFA_OK with *dirfd (O_RDONLY|O_DIRECTORY; the caller closes it),
 * or MFA_ERR_NOENT (missing, create not set), MFA_ERR_UNSAFE, MFA_ERR_INVALID,
 * MFA_ERR_SYSTEM... with *dirfd -1 and a reason in err (may be NULL).
 */
int mfa_dir_open_private(
    const char *path, int create, int *dirfd, struct mfa_file_error *err);

/*
 * mfa_dir_open_private_as - mfa_dir_open_private with owner in place of
 * root: the directory must be owned by owner, and every directory above it
 * by root or owner.  For callers that run the same code unprivileged
 * (tests, or a store owned by the effective uid).  Same results.
 */
int mfa_dir_open_private_as(const char *path, int create, uid_t owner,
    int *dirfd, struct mfa_file_error *err);

/*
 * mfa_file_replace - atomically replace the file name inside directory
 * dirfd with the len bytes of data: a new temporary file ".name.XXXXXX"
 * (random suffix, created exclusively, never following a link) gets mode
 * (exactly, whatever the umask; only permission bits 0777 are allowed),
 * owner uid and group gid when uid or gid is not -1, the data, an fsync;
 * then it is renamed over name and the directory is synced.  A reader sees
 * the old or the new content, never a mix, even if we are killed at any
 * instant (a killed writer may leave a temporary file behind).
 * On failure the temporary file is removed and name is left as it was.
 * Call it with the identity that owns the directory: as the user for a
 * user's directory, never as root there (DESIGN §2).
 * name must be one path component.  A name that exists and is not a
 * regular file (a planted link or directory) is refused: MFA_ERR_UNSAFE.
 * Returns MFA_OK, MFA_ERR_INVALID, MFA_ERR_UNSAFE, MFA_ERR_NOSPACE
 * (ENOSPC, EDQUOT), MFA_ERR_READONLY (EROFS) or MFA_ERR_SYSTEM.
 */
int mfa_file_replace(int dirfd, const char *name, const void *data, size_t len,
    mode_t mode, uid_t uid, gid_t gid);

/*
 * mfa_file_replace_locked - mfa_file_replace (no owner change) through the
 * temporary file name tmp (one component, not name) chosen by the caller,
 * for a caller holding a lock that makes it the only writer of name in a
 * directory nobody else can write (the module's state directory).  A file
 * tmp left by a writer killed before its rename is removed first, so
 * killed writers leave at most one file behind per name, never a pile.
 * Never use it in a directory another user can write: there the random
 * names of mfa_file_replace are what keeps a planted file out.
 * Same results as mfa_file_replace (MFA_ERR_INVALID also for a bad tmp).
 */
int mfa_file_replace_locked(int dirfd, const char *name, const char *tmp,
    const void *data, size_t len, mode_t mode);

/*
 * mfa_file_openat_read - open the existing file name (one component)
 * inside dirfd with the checks and flags of mfa_file_open_read for the
 * file itself (the directory is the caller's: it was checked when opened).
 * Same results; the reason in err names only name.
 */
int mfa_file_openat_read(int dirfd, const char *name,
    const struct mfa_file_rules *rules, int *fd, struct mfa_file_error *err);

/*
 * mfa_file_openat_rw - mfa_file_openat_read, opened for reading and
 * writing: for a file of a private directory that is updated in place
 * (the file store's record files).  Same checks and results.
 */
int mfa_file_openat_rw(int dirfd, const char *name,
    const struct mfa_file_rules *rules, int *fd, struct mfa_file_error *err);

/*
 * mfa_file_remove - remove name (one component, never a directory) from
 * dirfd.  A missing name is not an error.
 * Returns MFA_OK, MFA_ERR_INVALID or an error mapped from errno.
 */
int mfa_file_remove(int dirfd, const char *name);

/*
 * mfa_lock_acquire - take an exclusive lock for a read-verify-write on the
 * lock file name (one component) inside dirfd, creating it (0600) when
 * missing.  The lock file is separate from the data it protects and is
 * never replaced or removed, so the lock stays meaningful while the data
 * file is renamed over.  It must be a regular file with one link, owned by
 * the effective uid or root, no group or other permission bits.
 * The lock is an open-file-description lock (fcntl F_OFD_SETLK, which works
 * on NFS unlike flock, and is not dropped when some other descriptor of the
 * process is closed), polled with sleeps of 5 ms growing to 50 ms for at
 * most timeout_ms (0: one try).  No signals or alarms: we run inside sshd.
 * Returns MFA_OK with *lockfd (give it to mfa_lock_release),
 * MFA_ERR_LOCK_TIMEOUT, MFA_ERR_INVALID, MFA_ERR_UNSAFE or an error mapped
 * from errno, with *lockfd -1.
 */
int mfa_lock_acquire(
    int dirfd, const char *name, unsigned int timeout_ms, int *lockfd);

/*
 * mfa_lock_acquire_as - mfa_lock_acquire with the lock file owned by owner
 * (or root) in place of the effective uid: for a caller that creates
 * files with another file-system identity than its effective one (the
 * module as the user through pam_modutil_drop_priv, which sets the fsuid
 * and leaves the euid root).  Same results.
 */
int mfa_lock_acquire_as(int dirfd, const char *name, uid_t owner,
    unsigned int timeout_ms, int *lockfd);

/*
 * mfa_lock_release - release a lock from mfa_lock_acquire (closes lockfd).
 * A negative lockfd is ignored.
 */
void mfa_lock_release(int lockfd);

#endif /* MFA_FILEIO_H */
