/*
 * userfile.c - the user's files, read and written with the user's identity.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "secret_io.h"
#include "userfile.h"

/* Back to root.  Failing to get back is not survivable: stop at once. */
static void
become_root(const struct mfa_cli *c)
{
	if (!c->admin)
		return;
	if (seteuid(0) != 0 || setegid(0) != 0 ||
	    setgroups((size_t)c->own_ngroups, c->own_groups) != 0) {
		fputs("mfa-enroll: cannot switch back to root\n", stderr);
		abort();
	}
}

/*
 * Switch the effective ids to the user's when root acts for them, so that
 * the kernel's permission checks are the user's own and every file created
 * is theirs.  Order matters: groups and gid first, while we still may.
 * On failure why says so and we are root again.
 */
static int
become_user(const struct mfa_cli *c, char *why, size_t whysz)
{
	int e;

	if (!c->admin)
		return MFA_OK;
	if (setgroups((size_t)c->ngroups, c->groups) == 0 &&
	    setegid(c->gid) == 0 && seteuid(c->uid) == 0)
		return MFA_OK;
	e = errno;
	become_root(c); /* never go on with a mixed identity */
	snprintf(why, whysz, "cannot switch to %s's identity", c->user);
	return mfa_err_from_errno(e);
}

static void
file_why(char *why, size_t whysz, const char *path, int rc,
    const struct mfa_file_error *ferr)
{
	/* fileio's reason names the path as far as it was walked. */
	if (ferr->why[0] != '\0')
		snprintf(why, whysz, "%s", ferr->why);
	else
		snprintf(why, whysz, "%s: %s", path, mfa_strerror(rc));
}

int
mfa_userfile_path(const struct mfa_cli *c, char **path, char *why, size_t whysz)
{
	int rc;

	rc = mfa_config_expand_path(c->cfg.secret, c->user, c->home, path);
	if (rc != MFA_OK)
		snprintf(why, whysz,
		    "secret = %s does not give a safe absolute path for this "
		    "user: %s",
		    c->cfg.secret, mfa_strerror(rc));
	return rc;
}

int
mfa_userfile_read(const struct mfa_cli *c, const char *path, size_t max,
    char **buf, size_t *len, char *why, size_t whysz)
{
	struct mfa_file_rules rules = {.owner = c->uid, .max_size = max};
	struct mfa_file_error ferr = {""};
	int fd = -1, rc;

	*buf = NULL;
	*len = 0;
	if ((rc = become_user(c, why, whysz)) != MFA_OK)
		return rc;
	rc = mfa_file_open_read(path, &rules, &fd, &ferr);
	if (rc == MFA_OK) {
		rc = mfa_file_read_all(fd, max, buf, len);
		close(fd);
	}
	become_root(c);
	if (rc != MFA_OK)
		file_why(why, whysz, path, rc, &ferr);
	return rc;
}

int
mfa_userfile_load(
    const struct mfa_cli *c, struct mfa_secret **out, char *why, size_t whysz)
{
	char *path = NULL;
	int rc;

	*out = NULL;
	rc = mfa_userfile_path(c, &path, why, whysz);
	if (rc == MFA_OK && (rc = become_user(c, why, whysz)) == MFA_OK) {
		rc = mfa_secret_load_path(path, c->uid, out, why, whysz);
		become_root(c);
	}
	free(path);
	return rc;
}

/* The target name inside dirfd: missing, or a regular file of the user. */
static int
check_target(const struct mfa_cli *c, int dirfd, const char *path,
    const char *name, char *why, size_t whysz)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return MFA_OK;
		snprintf(why, whysz, "%s: %s", path, strerror(errno));
		return mfa_err_from_errno(errno);
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, whysz,
		    "%s is a symbolic link: refused (left as it is; remove it "
		    "if you made it)",
		    path);
		return MFA_ERR_UNSAFE;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "%s is not a regular file: refused", path);
		return MFA_ERR_UNSAFE;
	}
	if (st.st_uid != c->uid) {
		snprintf(why, whysz,
		    "%s belongs to uid %lu, not to %s: refused (left as it is)",
		    path, (unsigned long)st.st_uid, c->user);
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

/* Open the directory of the enrolment file and check the file, as the
 * user.  On MFA_OK *dirfd is open and *name points into *path. */
static int
open_target(const struct mfa_cli *c, char **path, int *dirfd, const char **name,
    char *why, size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = c->uid, .max_size = MFA_SECRET_MAX_SIZE};
	struct mfa_file_error ferr = {""};
	int rc;

	*dirfd = -1;
	rc = mfa_userfile_path(c, path, why, whysz);
	if (rc != MFA_OK)
		return rc;
	rc = mfa_file_open_parent(*path, &rules, dirfd, name, &ferr);
	if (rc != MFA_OK) {
		file_why(why, whysz, *path, rc, &ferr);
		return rc;
	}
	rc = check_target(c, *dirfd, *path, *name, why, whysz);
	if (rc != MFA_OK) {
		close(*dirfd);
		*dirfd = -1;
	}
	return rc;
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
lock_take(const struct mfa_cli *c, int dirfd, const char *lock, int *lockfd)
{
	int tries, rc;

	for (tries = 0; tries < 8; tries++) {
		rc = mfa_lock_acquire(dirfd, lock, c->cfg.lock_timeout, lockfd);
		if (rc != MFA_OK || lock_is_current(dirfd, lock, *lockfd))
			return rc;
		mfa_lock_release(*lockfd);
		*lockfd = -1;
	}
	return MFA_ERR_LOCK_TIMEOUT;
}

/*
 * Under the lock ".NAME.lock", write text as the file through the fixed
 * temporary name ".NAME.new", or with text NULL only remove that name.
 * The lock makes this run the only writer of the file among mfa-enroll
 * runs, so whatever is at the temporary name was left by a run killed
 * before its rename (it holds a secret): it is removed, never piled up.
 * A fixed name is safe here where it would not be in a shared directory:
 * we act as the user, in a directory only the user or root can write.
 * The lock file is removed too when done; a killed run leaves it, empty,
 * and the next run takes it over.
 */
static int
under_lock(const struct mfa_cli *c, int dirfd, const char *name,
    const char *text, size_t len)
{
	char lock[NAME_MAX + 1], tmp[NAME_MAX + 1];
	int lockfd = -1, rc;

	rc = companion(name, "lock", lock, sizeof(lock));
	if (rc == MFA_OK)
		rc = companion(name, "new", tmp, sizeof(tmp));
	if (rc == MFA_OK)
		rc = lock_take(c, dirfd, lock, &lockfd);
	if (rc != MFA_OK)
		return rc;
	if (text != NULL)
		rc = mfa_file_replace_locked(dirfd, name, tmp, text, len, 0600);
	else
		rc = mfa_file_remove(dirfd, tmp);
	mfa_file_remove(dirfd, lock); /* before the release: see lock_take */
	mfa_lock_release(lockfd);
	return rc;
}

int
mfa_userfile_check(const struct mfa_cli *c, char *why, size_t whysz)
{
	const char *name = NULL;
	char *path = NULL;
	int dirfd = -1, rc;

	if ((rc = become_user(c, why, whysz)) != MFA_OK)
		return rc;
	rc = open_target(c, &path, &dirfd, &name, why, whysz);
	if (rc == MFA_OK &&
	    (rc = under_lock(c, dirfd, name, NULL, 0)) != MFA_OK)
		snprintf(why, whysz,
		    "%s: cannot lock it or clear a leftover: %s", path,
		    mfa_strerror(rc));
	if (dirfd >= 0)
		close(dirfd);
	become_root(c);
	free(path);
	return rc;
}

int
mfa_userfile_write(const struct mfa_cli *c, const struct mfa_secret *s,
    char *why, size_t whysz)
{
	const char *name = NULL;
	char *path = NULL, *text = NULL;
	size_t len = 0;
	int dirfd = -1, rc;

	rc = mfa_secret_serialize(s, &text, &len);
	if (rc != MFA_OK) {
		snprintf(
		    why, whysz, "cannot build the file: %s", mfa_strerror(rc));
		return rc;
	}
	if ((rc = become_user(c, why, whysz)) != MFA_OK)
		goto out;
	rc = open_target(c, &path, &dirfd, &name, why, whysz);
	if (rc == MFA_OK) {
		/* Created as the user (see become_user): theirs. */
		rc = under_lock(c, dirfd, name, text, len);
		if (rc != MFA_OK)
			snprintf(why, whysz, "%s: cannot write: %s", path,
			    mfa_strerror(rc));
		close(dirfd);
	}
	become_root(c);
out:
	mfa_freezero(text, len);
	free(path);
	return rc;
}

int
mfa_userfile_remove(const struct mfa_cli *c, char *why, size_t whysz)
{
	const char *name = NULL;
	char *path = NULL;
	struct stat st;
	int dirfd = -1, rc;

	if ((rc = become_user(c, why, whysz)) != MFA_OK)
		return rc;
	rc = open_target(c, &path, &dirfd, &name, why, whysz);
	if (rc == MFA_OK &&
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		rc = MFA_ERR_NOENT;
		snprintf(why, whysz, "%s: no such file", path);
	} else if (rc == MFA_OK) {
		rc = under_lock(c, dirfd, name, NULL, 0);
		if (rc == MFA_OK)
			rc = mfa_file_remove(dirfd, name);
		if (rc != MFA_OK)
			snprintf(why, whysz, "%s: cannot remove: %s", path,
			    mfa_strerror(rc));
	}
	if (dirfd >= 0)
		close(dirfd);
	become_root(c);
	free(path);
	return rc;
}
