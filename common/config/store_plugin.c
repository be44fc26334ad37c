/*
 * store_plugin.c - load a plug-in store backend (see store_plugin.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "store_backend.h"
#include "store_plugin.h"

/*
 * May the file or directory st be trusted as part of the module: owned
 * by root or the effective uid (the tests'), writable by nobody else.
 */
static const char *
untrusted_why(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return "not owned by root";
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return "writable by group or others";
	return NULL;
}

/* Check dir (not a link, a trusted directory); MFA_OK or why. */
static int
check_dir(const char *dir, char *why, size_t whysz)
{
	struct stat st;
	const char *bad;

	if (lstat(dir, &st) != 0) {
		snprintf(why, whysz, "plug-in directory %s: %s", dir,
		    strerror(errno));
		return errno == ENOENT ? MFA_ERR_NOENT : MFA_ERR_SYSTEM;
	}
	bad = S_ISDIR(st.st_mode) ? untrusted_why(&st) : "not a directory";
	if (bad != NULL) {
		snprintf(why, whysz, "plug-in directory %s: %s", dir, bad);
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

/*
 * Open path (not a link) as a trusted regular file: *fd, or an error
 * with why.  The plug-in is then loaded through this descriptor, so what
 * was checked is what runs.
 */
static int
open_checked(const char *path, int *fd, char *why, size_t whysz)
{
	struct stat st;
	const char *bad;

	*fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0 || fstat(*fd, &st) != 0) {
		int e = errno;

		snprintf(why, whysz, "%s: %s", path, strerror(e));
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return e == ENOENT ? MFA_ERR_NOENT : MFA_ERR_UNSAFE;
	}
	bad = S_ISREG(st.st_mode) ? untrusted_why(&st) : "not a regular file";
	if (bad != NULL) {
		snprintf(why, whysz, "%s: %s", path, bad);
		close(*fd);
		*fd = -1;
		return MFA_ERR_UNSAFE;
	}
	return MFA_OK;
}

/* dlopen the checked descriptor fd of path: the handle, or NULL + why. */
static void *
load_fd(int fd, const char *path, char *why, size_t whysz)
{
	char proc[64];
	void *h;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	h = dlopen(proc, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		snprintf(why, whysz, "%s: %s", path, dlerror());
	return h;
}

/* Call the entry point of handle h; on success the store owns h. */
static int
open_from(void *h, const char *path, const struct mfa_store_params *p,
    struct mfa_store **out, char *why, size_t whysz)
{
	mfa_store_plugin_open_fn open_fn;
	int rc;

	*(void **)&open_fn = dlsym(h, MFA_STORE_PLUGIN_ENTRY);
	if (open_fn == NULL) {
		snprintf(why, whysz, "%s: no %s: not a pam_mfa store plug-in",
		    path, MFA_STORE_PLUGIN_ENTRY);
		return MFA_ERR_VERSION;
	}
	rc = open_fn(p, out, why, whysz);
	if (rc == MFA_OK)
		(*out)->plugin = h;
	return rc;
}

int
mfa_store_plugin_load(const char *dir, const char *name,
    const struct mfa_store_params *p, struct mfa_store **out, char *why,
    size_t whysz)
{
	char path[4096];
	void *h;
	int fd, rc, n;

	*out = NULL;
	n = snprintf(path, sizeof(path), "%s/pam_mfa_store_%s.so", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(why, whysz, "plug-in path too long");
		return MFA_ERR_BUFSIZE;
	}
	rc = check_dir(dir, why, whysz);
	if (rc == MFA_OK)
		rc = open_checked(path, &fd, why, whysz);
	if (rc != MFA_OK)
		return rc;
	h = load_fd(fd, path, why, whysz);
	close(fd);
	if (h == NULL)
		return MFA_ERR_VERSION;
	rc = open_from(h, path, p, out, why, whysz);
	if (rc != MFA_OK)
		dlclose(h);
	return rc;
}
