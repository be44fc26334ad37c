/*
 * fileio.c - safe access to security-relevant files (see fileio.h for the
 * rules: walk from "/" with openat, check descriptors, follow only links
 * that root controls).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "log.h"
#include "mem.h"
#include "random.h"

/*
 * One directory step.  O_PATH needs only search permission (a user may
 * pass through /home without reading it); O_DIRECTORY makes the kernel
 * trigger an automount (NFS homes) and refuse anything but a directory;
 * O_NOFOLLOW makes a link fail with ENOTDIR instead of being followed.
 */
#define DIR_FLAGS (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
/* The file itself: never a link, and a FIFO must not block the open. */
#define FILE_FLAGS (O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
/* Returned by a walk step after a link rewrote the path. */
#define WALK_RESTART 1
/* ".NAME.XXXXXX": the dot, a dot and six random characters. */
#define TEMP_EXTRA 8
#define LOCK_SLEEP_MIN_MS 5
#define LOCK_SLEEP_MAX_MS 50

/* The state of one walk down a path. */
struct walk {
	char path[PATH_MAX];   /* normalized absolute path being walked */
	char done[PATH_MAX];   /* real directories walked so far, "" is "/" */
	char target[PATH_MAX]; /* scratch: a link's target */
	char joined[PATH_MAX]; /* scratch: target joined with the rest */
	unsigned int links;    /* links followed so far */
	int dfd;               /* the current directory (O_PATH), or -1 */
	struct stat dst;       /* its status */
};

static void set_why(struct mfa_file_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Format a reason into err (when there is one), made safe for a log. */
static void
set_why(struct mfa_file_error *err, const char *fmt, ...)
{
	char raw[sizeof(err->why)];
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	mfa_log_clean(raw, err->why, sizeof(err->why));
}

static void
clear_why(struct mfa_file_error *err)
{
	if (err != NULL)
		err->why[0] = '\0';
}

/* A failed system call on label: the reason in err, the mfa_err result. */
static int
errno_why(struct mfa_file_error *err, int errnum, const char *label)
{
	if (errnum == ENOENT)
		set_why(err, "%s: does not exist", label);
	else if (errnum == ELOOP)
		set_why(err, "%s: is a symbolic link", label);
	else
		set_why(err, "%s: %s", label, strerror(errnum));
	return mfa_err_from_errno(errnum);
}

/* One path component: not empty, no '/', not "." or "..", short enough. */
static int
check_name(const char *name)
{
	if (name == NULL || name[0] == '\0' || strchr(name, '/') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strlen(name) > NAME_MAX)
		return MFA_ERR_INVALID;
	return MFA_OK;
}

/* A caller's path: absolute, bounded, no "." or "..", no trailing '/'. */
static int
check_path(const char *path, struct mfa_file_error *err)
{
	const char *p;
	size_t n;

	if (path == NULL || path[0] != '/') {
		set_why(
		    err, "%s: not an absolute path", path ? path : "(null)");
		return MFA_ERR_INVALID;
	}
	n = strlen(path);
	if (n >= PATH_MAX || path[n - 1] == '/') {
		set_why(err, "%s: too long or ends with '/'", path);
		return MFA_ERR_INVALID;
	}
	for (p = path; p != NULL; p = strchr(p + 1, '/')) {
		if (strncmp(p, "/./", 3) == 0 || strcmp(p, "/.") == 0 ||
		    strncmp(p, "/../", 4) == 0 || strcmp(p, "/..") == 0) {
			set_why(err, "%s: \".\" or \"..\" in path", path);
			return MFA_ERR_INVALID;
		}
	}
	return MFA_OK;
}

/*
 * Normalize the absolute path in into out (outsz bytes): repeated slashes
 * dropped, "." removed, ".." removes the component before it (never above
 * "/").  Lexical: only used on text whose directories are real (see
 * fileio.h).  Returns MFA_OK or MFA_ERR_INVALID when it does not fit.
 */
static int
normalize(const char *in, char *out, size_t outsz)
{
	size_t o = 0, n;
	const char *p = in, *end;

	while (*p != '\0') {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (o + 1 + n >= outsz)
				return MFA_ERR_INVALID;
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p = end;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return MFA_OK;
}

/* A directory on the way: owned by root or owner, not group/other-writable. */
static int
check_dir(const struct stat *st, uid_t owner, const char *label,
    struct mfa_file_error *err)
{
	if (label[0] == '\0')
		label = "/";
	if (st->st_uid != 0 && st->st_uid != owner) {
		set_why(err,
		    "%s: directory owned by uid %u, not by root or uid %u",
		    label, (unsigned int)st->st_uid, (unsigned int)owner);
		return MFA_ERR_UNSAFE;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		set_why(err,
		    "%s: directory writable by group or others (mode %04o)",
		    label, (unsigned int)(st->st_mode & 07777));
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

/* The file itself: see mfa_file_open_read. */
static int
check_file(const struct stat *st, const struct mfa_file_rules *rules,
    const char *label, struct mfa_file_error *err)
{
	unsigned int mode = (unsigned int)(st->st_mode & 07777);

	if (!S_ISREG(st->st_mode)) {
		set_why(err, "%s: %s", label,
		    S_ISLNK(st->st_mode)       ? "is a symbolic link"
			: S_ISDIR(st->st_mode) ? "is a directory"
					       : "is not a regular file");
		return MFA_ERR_UNSAFE;
	}
	if (st->st_uid != 0 && st->st_uid != rules->owner) {
		set_why(err, "%s: owned by uid %u, not by root or uid %u",
		    label, (unsigned int)st->st_uid,
		    (unsigned int)rules->owner);
		return MFA_ERR_UNSAFE;
	}
	if (rules->readable_by_all && (mode & 022u) != 0) {
		/* 0644 is fine here: only write access is a problem. */
		set_why(err, "%s: writable by group or others (mode %04o)",
		    label, mode);
		return MFA_ERR_UNSAFE;
	}
	if (!rules->readable_by_all && (mode & 077u) != 0) {
		set_why(err, "%s: group or others have access (mode %04o)",
		    label, mode);
		return MFA_ERR_UNSAFE;
	}
	if (st->st_nlink != 1) {
		set_why(err, "%s: has %lu hard links, not 1", label,
		    (unsigned long)st->st_nlink);
		return MFA_ERR_UNSAFE;
	}
	if (st->st_size < 0 || (uintmax_t)st->st_size > rules->max_size) {
		set_why(err, "%s: %jd bytes, more than the limit of %zu", label,
		    (intmax_t)st->st_size, rules->max_size);
		return MFA_ERR_TOOBIG;
	}
	return MFA_OK;
}

/*
 * A link among the directories (lfd, an O_PATH descriptor of the link
 * itself, lst its status; rest what follows it in the path).  Followed only
 * when root controls it: the link and the directory holding it are owned by
 * root (the directory was already checked not to be writable by others).
 * Rewrites w->path to target + rest and asks for a walk from "/" again.
 */
static int
follow_link(struct walk *w, int lfd, const struct stat *lst, const char *rest,
    struct mfa_file_error *err)
{
	ssize_t n;
	int len;

	if (lst->st_uid != 0 || w->dst.st_uid != 0) {
		set_why(err,
		    "%s: symbolic link not controlled by root "
		    "(link uid %u, directory uid %u)",
		    w->done, (unsigned int)lst->st_uid,
		    (unsigned int)w->dst.st_uid);
		return MFA_ERR_UNSAFE;
	}
	if (++w->links > MFA_FILE_MAX_LINKS) {
		set_why(err, "%s: more than %d symbolic links", w->done,
		    MFA_FILE_MAX_LINKS);
		return MFA_ERR_UNSAFE;
	}
	n = readlinkat(lfd, "", w->target, sizeof(w->target));
	if (n < 0)
		return errno_why(err, errno, w->done);
	if (n == 0 || (size_t)n >= sizeof(w->target)) {
		set_why(err, "%s: empty or overlong link target", w->done);
		return MFA_ERR_UNSAFE;
	}
	w->target[n] = '\0';
	/* A relative target is relative to the directory holding the link. */
	*strrchr(w->done, '/') = '\0';
	len = snprintf(w->joined, sizeof(w->joined), "%s/%s/%s",
	    w->target[0] == '/' ? "" : w->done, w->target, rest);
	if (len < 0 || (size_t)len >= sizeof(w->joined) ||
	    normalize(w->joined, w->path, sizeof(w->path)) != MFA_OK) {
		set_why(err, "%s: path too long after a symbolic link", rest);
		return MFA_ERR_INVALID;
	}
	return WALK_RESTART;
}

/*
 * Open the directory comp inside w->dfd, check it and make it the current
 * one.  rest is the path after comp (for a link).  Returns MFA_OK,
 * WALK_RESTART or an error.
 */
static int
walk_step(struct walk *w, const char *comp, const char *rest, uid_t owner,
    struct mfa_file_error *err)
{
	size_t base = strlen(w->done);
	struct stat st;
	int fd, r;

	if (base + 1 + strlen(comp) >= sizeof(w->done)) {
		set_why(err, "%s: path too long", w->done);
		return MFA_ERR_INVALID;
	}
	w->done[base] = '/';
	memcpy(w->done + base + 1, comp, strlen(comp) + 1); /* fits: above */
	fd = openat(w->dfd, comp, DIR_FLAGS);
	if (fd < 0 && errno == ENOTDIR) /* a link or not a directory */
		fd = openat(w->dfd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno_why(err, errno, w->done);
	if (fstat(fd, &st) != 0) {
		r = errno_why(err, errno, w->done);
	} else if (S_ISLNK(st.st_mode)) {
		r = follow_link(w, fd, &st, rest, err);
	} else if (!S_ISDIR(st.st_mode)) {
		set_why(err, "%s: not a directory", w->done);
		r = MFA_ERR_UNSAFE;
	} else if ((r = check_dir(&st, owner, w->done, err)) == MFA_OK) {
		close(w->dfd);
		w->dfd = fd;
		w->dst = st;
		return MFA_OK;
	}
	close(fd);
	return r;
}

/* Walk w->path from "/" to the directory holding its last component. */
static int
walk_from_root(struct walk *w, uid_t owner, struct mfa_file_error *err)
{
	char comp[NAME_MAX + 1];
	const char *p, *slash;
	int r;

	if (w->dfd >= 0)
		close(w->dfd);
	w->done[0] = '\0';
	w->dfd = open("/", DIR_FLAGS);
	if (w->dfd < 0 || fstat(w->dfd, &w->dst) != 0)
		return errno_why(err, errno, "/");
	r = check_dir(&w->dst, owner, "/", err);
	for (p = w->path + 1; r == MFA_OK && (slash = strchr(p, '/')) != NULL;
	     p = slash + 1) {
		if ((size_t)(slash - p) > NAME_MAX) {
			set_why(err, "%s: a component is too long", w->done);
			return MFA_ERR_INVALID;
		}
		memcpy(comp, p, (size_t)(slash - p));
		comp[slash - p] = '\0';
		r = walk_step(w, comp, slash + 1, owner, err);
	}
	return r;
}

/*
 * Check the caller's path and walk it, following links root controls.
 * Returns MFA_OK with *dirfd (O_PATH) of the directory holding the last
 * component, which is the last component of path too: a link only ever
 * rewrites the part before it.
 */
static int
walk_parent(
    const char *path, uid_t owner, int *dirfd, struct mfa_file_error *err)
{
	struct walk *w;
	int r;

	*dirfd = -1;
	r = check_path(path, err);
	if (r != MFA_OK)
		return r;
	w = malloc(sizeof(*w));
	if (w == NULL)
		return MFA_ERR_NOMEM;
	w->links = 0;
	w->dfd = -1;
	r = normalize(path, w->path, sizeof(w->path));
	while (
	    r == MFA_OK && (r = walk_from_root(w, owner, err)) == WALK_RESTART)
		r = MFA_OK;
	if (r == MFA_OK) {
		*dirfd = w->dfd;
		w->dfd = -1;
	}
	if (w->dfd >= 0)
		close(w->dfd);
	free(w);
	return r;
}

/* Open name in dirfd with flags and check it, before (no open) and after
 * opening. */
static int
open_file_at_flags(int dirfd, const char *name, const char *label,
    const struct mfa_file_rules *rules, int flags, int *fd,
    struct mfa_file_error *err)
{
	struct stat st;
	int f, r;

	/* Looking first means a FIFO or a device is never even opened. */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return errno_why(err, errno, label);
	r = check_file(&st, rules, label, err);
	if (r != MFA_OK)
		return r;
	f = openat(dirfd, name, flags);
	if (f < 0)
		return errno_why(err, errno, label);
	/* It may have been swapped since: the descriptor is what counts. */
	if (fstat(f, &st) != 0)
		r = errno_why(err, errno, label);
	else
		r = check_file(&st, rules, label, err);
	if (r != MFA_OK) {
		close(f);
		return r;
	}
	*fd = f;
	return MFA_OK;
}

static int
open_file_at(int dirfd, const char *name, const char *label,
    const struct mfa_file_rules *rules, int *fd, struct mfa_file_error *err)
{
	return open_file_at_flags(
	    dirfd, name, label, rules, FILE_FLAGS, fd, err);
}

int
mfa_file_open_read(const char *path, const struct mfa_file_rules *rules,
    int *fd, struct mfa_file_error *err)
{
	int dfd, r;

	clear_why(err);
	if (fd == NULL || rules == NULL)
		return MFA_ERR_INVALID;
	*fd = -1;
	r = walk_parent(path, rules->owner, &dfd, err);
	if (r != MFA_OK)
		return r;
	r = open_file_at(dfd, strrchr(path, '/') + 1, path, rules, fd, err);
	close(dfd);
	return r;
}

/* mfa_file_openat_read and _rw: name checked, opened with flags. */
static int
openat_checked(int dirfd, const char *name, const struct mfa_file_rules *rules,
    int flags, int *fd, struct mfa_file_error *err)
{
	clear_why(err);
	if (fd == NULL || rules == NULL)
		return MFA_ERR_INVALID;
	*fd = -1;
	if (check_name(name) != MFA_OK) {
		set_why(
		    err, "%s: not a single file name", name ? name : "(null)");
		return MFA_ERR_INVALID;
	}
	return open_file_at_flags(dirfd, name, name, rules, flags, fd, err);
}

int
mfa_file_openat_read(int dirfd, const char *name,
    const struct mfa_file_rules *rules, int *fd, struct mfa_file_error *err)
{
	return openat_checked(dirfd, name, rules, FILE_FLAGS, fd, err);
}

int
mfa_file_openat_rw(int dirfd, const char *name,
    const struct mfa_file_rules *rules, int *fd, struct mfa_file_error *err)
{
	return openat_checked(dirfd, name, rules, FILE_FLAGS | O_RDWR, fd, err);
}

int
mfa_file_read_all(int fd, size_t max, char **buf, size_t *len)
{
	size_t got = 0;
	ssize_t n = 0;
	char *b;

	if (buf == NULL || len == NULL || fd < 0 || max >= SIZE_MAX - 1)
		return MFA_ERR_INVALID;
	*buf = NULL;
	*len = 0;
	b = malloc(max + 1);
	if (b == NULL)
		return MFA_ERR_NOMEM;
	/* Ask for max + 1 bytes: getting them all proves the file too big. */
	while (got <= max) {
		n = read(fd, b + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (n < 0 || got > max) {
		mfa_freezero(b, max + 1);
		return n < 0 ? MFA_ERR_SYSTEM : MFA_ERR_TOOBIG;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	return MFA_OK;
}

int
mfa_file_open_parent(const char *path, const struct mfa_file_rules *rules,
    int *dirfd, const char **name, struct mfa_file_error *err)
{
	int pfd, r = MFA_OK;

	clear_why(err);
	if (dirfd == NULL || name == NULL || rules == NULL)
		return MFA_ERR_INVALID;
	*dirfd = -1;
	*name = NULL;
	r = walk_parent(path, rules->owner, &pfd, err);
	if (r != MFA_OK)
		return r;
	/* O_PATH cannot be fsync'ed: reopen the very same directory. */
	*dirfd = openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		r = errno_why(err, errno, path);
	else
		*name = strrchr(path, '/') + 1;
	close(pfd);
	return r;
}

/* Open the directory name in pfd, making it (0700) when asked to. */
static int
open_or_make_dir(int pfd, const char *name, int create, int *fd)
{
	*fd =
	    openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0 && errno == ENOENT && create) {
		if (mkdirat(pfd, name, 0700) == 0) {
			/*
			 * The umask may have left us without access: make it
			 * exactly 0700 before opening.  Following the name is
			 * safe: pfd passed the checks, only root or the owner
			 * can change what is in it.
			 */
			if (fchmodat(pfd, name, 0700, 0) != 0)
				return errno;
		} else if (errno != EEXIST) {
			return errno;
		}
		*fd = openat(
		    pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	return *fd < 0 ? errno : 0;
}

int
mfa_dir_open_private_as(const char *path, int create, uid_t owner, int *dirfd,
    struct mfa_file_error *err)
{
	struct stat st;
	int pfd, fd, e, r;

	clear_why(err);
	if (dirfd == NULL)
		return MFA_ERR_INVALID;
	*dirfd = -1;
	r = walk_parent(path, owner, &pfd, err);
	if (r != MFA_OK)
		return r;
	e = open_or_make_dir(pfd, strrchr(path, '/') + 1, create, &fd);
	close(pfd);
	if (e == ENOTDIR || e == ELOOP) {
		set_why(err, "%s: not a directory or a symbolic link", path);
		return MFA_ERR_UNSAFE;
	}
	if (e != 0)
		return errno_why(err, e, path);
	if (fstat(fd, &st) != 0)
		r = errno_why(err, errno, path);
	else if (st.st_uid != owner) {
		set_why(err, "%s: owned by uid %u, not by uid %u", path,
		    (unsigned int)st.st_uid, (unsigned int)owner);
		r = MFA_ERR_UNSAFE;
	} else
		r = check_dir(&st, owner, path, err);
	if (r != MFA_OK)
		close(fd);
	else
		*dirfd = fd;
	return r;
}

int
mfa_dir_open_private(
    const char *path, int create, int *dirfd, struct mfa_file_error *err)
{
	return mfa_dir_open_private_as(path, create, 0, dirfd, err);
}

/* Create ".name.XXXXXX" exclusively in dirfd; its name goes to tmp. */
static int
create_temp(int dirfd, const char *name, char *tmp, int *fd)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char rnd[6];
	size_t n = strlen(name), i;
	int tries, r;

	for (tries = 0; tries < 16; tries++) {
		r = mfa_random_bytes(rnd, sizeof(rnd));
		if (r != MFA_OK)
			return r;
		tmp[0] = '.';
		memcpy(tmp + 1, name, n);
		tmp[n + 1] = '.';
		for (i = 0; i < sizeof(rnd); i++) /* 64 letters: no bias */
			tmp[n + 2 + i] = abc[rnd[i] & 63];
		tmp[n + 2 + sizeof(rnd)] = '\0';
		*fd = openat(dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY |
			O_CLOEXEC,
		    0600);
		if (*fd >= 0)
			return MFA_OK;
		if (errno != EEXIST)
			return mfa_err_from_errno(errno);
	}
	return MFA_ERR_SYSTEM;
}

/* Owner, mode, content and fsync of the new file. */
static int
fill_temp(
    int fd, const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
	const unsigned char *p = data;
	ssize_t n;

	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) != 0)
		return mfa_err_from_errno(errno);
	/* After fchown (which may clear bits), and whatever the umask was. */
	if (fchmod(fd, mode) != 0)
		return mfa_err_from_errno(errno);
	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mfa_err_from_errno(errno);
		if (n == 0)
			return MFA_ERR_SYSTEM;
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		return mfa_err_from_errno(errno);
	return MFA_OK;
}

/* Make the rename durable; dirfd may be an O_PATH descriptor. */
static int
sync_dir(int dirfd)
{
	int fd, r = MFA_OK;

	if (fsync(dirfd) == 0 || errno == EINVAL) /* EINVAL: cannot sync */
		return MFA_OK;
	if (errno != EBADF)
		return mfa_err_from_errno(errno);
	fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return mfa_err_from_errno(errno);
	if (fsync(fd) != 0 && errno != EINVAL)
		r = mfa_err_from_errno(errno);
	close(fd);
	return r;
}

/* The checks both replace functions make on their arguments. */
static int
check_replace(
    int dirfd, const char *name, const void *data, size_t len, mode_t mode)
{
	struct stat st;

	if (check_name(name) != MFA_OK ||
	    strlen(name) + TEMP_EXTRA > NAME_MAX || (data == NULL && len > 0) ||
	    (mode & ~(mode_t)0777) != 0)
		return MFA_ERR_INVALID;
	/* rename would replace a planted link itself, but refuse it loudly. */
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISREG(st.st_mode))
			return MFA_ERR_UNSAFE;
	} else if (errno != ENOENT) {
		return mfa_err_from_errno(errno);
	}
	return MFA_OK;
}

/* 1 when tmp in dirfd is still the very file fd was opened on. */
static int
still_ours(int dirfd, const char *tmp, const struct stat *mine)
{
	struct stat now;

	return fstatat(dirfd, tmp, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_dev == mine->st_dev && now.st_ino == mine->st_ino;
}

/*
 * Fill the open temporary tmp (fd, closed here), rename it over name.  A
 * temporary that is no longer ours by the rename (only if a lock failed
 * to keep out another writer of a fixed name) is neither renamed nor
 * removed: half of someone else's write must never become the file.
 */
static int
commit_temp(int dirfd, const char *name, const char *tmp, int fd,
    const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
	struct stat mine;
	int r = fill_temp(fd, data, len, mode, uid, gid);

	if (r == MFA_OK && fstat(fd, &mine) != 0)
		r = mfa_err_from_errno(errno);
	/* NFS reports write errors at close. */
	if (close(fd) != 0 && errno != EINTR && r == MFA_OK)
		r = mfa_err_from_errno(errno);
	if (r == MFA_OK && !still_ours(dirfd, tmp, &mine))
		return MFA_ERR_UNSAFE;
	if (r == MFA_OK && renameat(dirfd, tmp, dirfd, name) != 0)
		r = mfa_err_from_errno(errno);
	if (r != MFA_OK) {
		unlinkat(dirfd, tmp, 0); /* the temporary, never the target */
		return r;
	}
	return sync_dir(dirfd);
}

int
mfa_file_replace(int dirfd, const char *name, const void *data, size_t len,
    mode_t mode, uid_t uid, gid_t gid)
{
	char tmp[NAME_MAX + 1];
	int fd, r;

	r = check_replace(dirfd, name, data, len, mode);
	if (r == MFA_OK)
		r = create_temp(dirfd, name, tmp, &fd);
	if (r != MFA_OK)
		return r;
	return commit_temp(dirfd, name, tmp, fd, data, len, mode, uid, gid);
}

int
mfa_file_replace_locked(int dirfd, const char *name, const char *tmp,
    const void *data, size_t len, mode_t mode)
{
	int fd, r;

	r = check_replace(dirfd, name, data, len, mode);
	if (r != MFA_OK)
		return r;
	if (check_name(tmp) != MFA_OK || strcmp(tmp, name) == 0)
		return MFA_ERR_INVALID;
	/* Ours alone under the caller's lock: what is there was left by a
	 * writer killed before its rename. */
	if (unlinkat(dirfd, tmp, 0) != 0 && errno != ENOENT)
		return mfa_err_from_errno(errno);
	fd = openat(dirfd, tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return mfa_err_from_errno(errno);
	return commit_temp(
	    dirfd, name, tmp, fd, data, len, mode, (uid_t)-1, (gid_t)-1);
}

int
mfa_file_remove(int dirfd, const char *name)
{
	if (check_name(name) != MFA_OK)
		return MFA_ERR_INVALID;
	if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT)
		return mfa_err_from_errno(errno);
	return MFA_OK;
}

/* Open (or create) the lock file and check it: owner's or root's. */
static int
lock_open(int dirfd, const char *name, uid_t owner, int *fd)
{
	struct stat st;

	*fd = openat(dirfd, name,
	    O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
	    0600);
	if (*fd < 0)
		return mfa_err_from_errno(errno);
	if (fstat(*fd, &st) != 0) {
		close(*fd);
		*fd = -1;
		return mfa_err_from_errno(errno);
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    (st.st_uid != owner && st.st_uid != 0) || (st.st_mode & 077) != 0) {
		close(*fd);
		*fd = -1;
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

/* One attempt: MFA_OK, MFA_ERR_LOCK_TIMEOUT when busy, or an error. */
static int
lock_try(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return MFA_OK;
	/*
	 * Kernels before 3.15 lack OFD locks: a process lock is as good here,
	 * since the lock file is opened only once by this process.
	 */
	if (errno == EINVAL && fcntl(fd, F_SETLK, &fl) == 0)
		return MFA_OK;
	if (errno == EAGAIN || errno == EACCES || errno == EINTR)
		return MFA_ERR_LOCK_TIMEOUT;
	return mfa_err_from_errno(errno);
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int
mfa_lock_acquire(
    int dirfd, const char *name, unsigned int timeout_ms, int *lockfd)
{
	return mfa_lock_acquire_as(dirfd, name, geteuid(), timeout_ms, lockfd);
}

int
mfa_lock_acquire_as(int dirfd, const char *name, uid_t owner,
    unsigned int timeout_ms, int *lockfd)
{
	uint64_t start, waited;
	unsigned int delay = LOCK_SLEEP_MIN_MS;
	struct timespec ts;
	int fd, r;

	if (lockfd == NULL)
		return MFA_ERR_INVALID;
	*lockfd = -1;
	if (check_name(name) != MFA_OK)
		return MFA_ERR_INVALID;
	r = lock_open(dirfd, name, owner, &fd);
	if (r != MFA_OK)
		return r;
	start = now_ms();
	while ((r = lock_try(fd)) == MFA_ERR_LOCK_TIMEOUT) {
		waited = now_ms() - start;
		if (waited >= timeout_ms)
			break;
		if (delay > timeout_ms - waited)
			delay = (unsigned int)(timeout_ms - waited);
		ts.tv_sec = 0;
		ts.tv_nsec = (long)delay * 1000000L;
		nanosleep(&ts, NULL); /* EINTR: the loop checks the time */
		delay = delay * 2 > LOCK_SLEEP_MAX_MS ? LOCK_SLEEP_MAX_MS
						      : delay * 2;
	}
	if (r != MFA_OK) {
		close(fd);
		return r;
	}
	*lockfd = fd;
	return MFA_OK;
}

void
mfa_lock_release(int lockfd)
{
	if (lockfd >= 0)
		close(lockfd);
}
