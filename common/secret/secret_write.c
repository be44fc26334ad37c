/*
 * secret_write.c - write, or remove, a user's enrolment file under its
 * lock, through one fixed temporary name (secret_write.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "secret_write.h"
#include "secretfile.h"
#include "text.h"

/* What each operation was doing, for "PATH: cannot ...: ERROR". */
static const char *const op_words[] = {
    [MFA_SECRET_WRITE_CLEAR] = "cannot lock it or clear a leftover",
    [MFA_SECRET_WRITE_REPLACE] = "cannot write",
    [MFA_SECRET_WRITE_NEW] = "cannot write",
    [MFA_SECRET_WRITE_REMOVE] = "cannot remove",
};

void
mfa_secret_file_why(char *why, size_t whysz, const char *path, int rc,
    const struct mfa_file_error *ferr)
{
	if (ferr != NULL && ferr->why[0] != '\0')
		mfa_text_why(why, whysz, "%s", ferr->why);
	else
		mfa_text_why(why, whysz, "%s: %s", path, mfa_strerror(rc));
}

/* ".NAME.SUFFIX": a companion of the enrolment file in its directory. */
static int
companion(const char *name, const char *suffix, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, ".%s.%s", name, suffix);

	return n > 0 && (size_t)n < outsz && n <= NAME_MAX ? MFA_OK
							   : MFA_ERR_TOOBIG;
}

/* 1 when the name lock in dirfd is still the file fd holds. */
static int
lock_is_current(int dirfd, const char *lock, int fd)
{
	struct stat held, named;

	return fstat(fd, &held) == 0 &&
	    fstatat(dirfd, lock, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
	    held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

/*
 * Take the lock file lock (created 0600 when missing).  Every holder
 * removes it when done, so a waiter may end up holding a file that no
 * longer has the name: it then tries again on the file that does.
 */
static int
lock_take(
    const struct mfa_secret_target *t, int dirfd, const char *lock, int *lockfd)
{
	int tries, rc;

	for (tries = 0; tries < 8; tries++) {
		rc = mfa_lock_acquire_as(
		    dirfd, lock, t->owner, t->lock_timeout_ms, lockfd);
		if (rc != MFA_OK || lock_is_current(dirfd, lock, *lockfd))
			return rc;
		mfa_lock_release(*lockfd);
		*lockfd = -1;
	}
	return MFA_ERR_LOCK_TIMEOUT;
}

/* A present file that op may act on; why says what is wrong with it. */
static int
check_present(const struct mfa_secret_target *t, enum mfa_secret_write_op op,
    const struct stat *st, char *why, size_t whysz)
{
	if (op == MFA_SECRET_WRITE_NEW) {
		mfa_text_why(why, whysz,
		    "a secret file appeared meanwhile: %s left as it is",
		    t->path);
		return MFA_ERR_DENIED;
	}
	if (S_ISLNK(st->st_mode)) {
		mfa_text_why(why, whysz,
		    "%s is a symbolic link: refused (left as it is; remove it "
		    "if you made it)",
		    t->path);
		return MFA_ERR_UNSAFE;
	}
	if (!S_ISREG(st->st_mode)) {
		mfa_text_why(
		    why, whysz, "%s is not a regular file: refused", t->path);
		return MFA_ERR_UNSAFE;
	}
	if (st->st_uid != t->owner) {
		mfa_text_why(why, whysz,
		    "%s belongs to uid %lu, not to %s: refused (left as it is)",
		    t->path, (unsigned long)st->st_uid,
		    t->user != NULL ? t->user : "the user");
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

/* The file at name inside dirfd, as op needs it (secret_write.h). */
static int
check_target(const struct mfa_secret_target *t, enum mfa_secret_write_op op,
    int dirfd, const char *name, char *why, size_t whysz)
{
	struct stat st;
	int e;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return check_present(t, op, &st, why, whysz);
	e = errno;
	if (e != ENOENT) {
		mfa_text_why(why, whysz, "%s: %s", t->path, strerror(e));
		return mfa_err_from_errno(e);
	}
	if (op == MFA_SECRET_WRITE_REMOVE) {
		mfa_text_why(why, whysz, "%s: no such file", t->path);
		return MFA_ERR_NOENT;
	}
	return MFA_OK;
}

/* Under the lock: the leftover at tmp goes, then what op does to name. */
static int
apply(enum mfa_secret_write_op op, int dirfd, const char *name, const char *tmp,
    const char *text, size_t len)
{
	int rc;

	switch (op) {
	case MFA_SECRET_WRITE_REPLACE:
	case MFA_SECRET_WRITE_NEW:
		/* Removes the leftover first; created with our identity. */
		return mfa_file_replace_locked(
		    dirfd, name, tmp, text, len, 0600);
	case MFA_SECRET_WRITE_REMOVE:
		rc = mfa_file_remove(dirfd, tmp);
		return rc == MFA_OK ? mfa_file_remove(dirfd, name) : rc;
	default:
		return mfa_file_remove(dirfd, tmp);
	}
}

/* Lock, check, apply, unlock; why is set on every failure. */
static int
under_lock(const struct mfa_secret_target *t, enum mfa_secret_write_op op,
    int dirfd, const char *name, const char *text, size_t len, char *why,
    size_t whysz)
{
	char lock[NAME_MAX + 1], tmp[NAME_MAX + 1];
	int lockfd = -1, rc;

	rc = companion(name, "lock", lock, sizeof(lock));
	if (rc == MFA_OK)
		rc = companion(name, "new", tmp, sizeof(tmp));
	if (rc == MFA_OK)
		rc = lock_take(t, dirfd, lock, &lockfd);
	if (rc != MFA_OK) {
		mfa_text_why(why, whysz, "%s: %s: %s", t->path, op_words[op],
		    mfa_strerror(rc));
		return rc;
	}
	rc = check_target(t, op, dirfd, name, why, whysz);
	if (rc == MFA_OK) {
		rc = apply(op, dirfd, name, tmp, text, len);
		if (rc != MFA_OK)
			mfa_text_why(why, whysz, "%s: %s: %s", t->path,
			    op_words[op], mfa_strerror(rc));
	}
	mfa_file_remove(dirfd, lock); /* before the release: see lock_take */
	mfa_lock_release(lockfd);
	return rc;
}

int
mfa_secret_write(const struct mfa_secret_target *t, enum mfa_secret_write_op op,
    const char *text, size_t len, char *why, size_t whysz)
{
	struct mfa_file_rules rules;
	struct mfa_file_error ferr = {""};
	const char *name = NULL;
	int dirfd = -1, rc;

	if (t == NULL || t->path == NULL ||
	    (unsigned int)op > MFA_SECRET_WRITE_REMOVE ||
	    ((op == MFA_SECRET_WRITE_REPLACE || op == MFA_SECRET_WRITE_NEW) &&
		text == NULL)) {
		mfa_text_why(why, whysz, "bad arguments");
		return MFA_ERR_INVALID;
	}
	memset(&rules, 0, sizeof(rules));
	rules.owner = t->owner;
	rules.max_size = MFA_SECRET_MAX_SIZE;
	rc = mfa_file_open_parent(t->path, &rules, &dirfd, &name, &ferr);
	if (rc != MFA_OK) {
		mfa_secret_file_why(why, whysz, t->path, rc, &ferr);
		return rc;
	}
	rc = under_lock(t, op, dirfd, name, text, len, why, whysz);
	close(dirfd);
	return rc;
}
