/*
 * caseless_passwd.c - an LD_PRELOAD shim that makes the password database
 * case-insensitive, as SSSD's AD provider and winbind are: getpwnam_r and
 * getpwnam find an entry whatever the case of the name asked for, and
 * return it spelt as the database spells it (pw_name), so "ALICE" and
 * "alice" are one account.
 *
 * It asks the next getpwnam_r (nss_wrapper's, or the C library's) first;
 * when that finds nothing, it walks the entries with getpwent_r for a name
 * equal but for case and asks again with that spelling.  Preload it before
 * libnss_wrapper.so.  Test-only: built by the Makefile, never installed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef int (*getpwnam_r_fn)(
    const char *, struct passwd *, char *, size_t, struct passwd **);

static getpwnam_r_fn
next_getpwnam_r(void)
{
	static getpwnam_r_fn next;

	if (next == NULL)
		next = (getpwnam_r_fn)dlsym(RTLD_NEXT, "getpwnam_r");
	return next;
}

/* The database's spelling of name into out (outsz bytes): 0, or -1. */
static int
database_spelling(const char *name, char *out, size_t outsz)
{
	struct passwd pw, *res = NULL;
	char buf[16384];
	int found = -1;

	setpwent();
	while (found != 0 && getpwent_r(&pw, buf, sizeof(buf), &res) == 0 &&
	    res != NULL)
		if (strcasecmp(pw.pw_name, name) == 0 &&
		    strlen(pw.pw_name) < outsz) {
			snprintf(out, outsz, "%s", pw.pw_name);
			found = 0;
		}
	endpwent();
	return found;
}

int
getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
    struct passwd **res)
{
	getpwnam_r_fn next = next_getpwnam_r();
	char spelt[256];
	int rc;

	if (next == NULL)
		return ENOSYS;
	rc = next(name, pw, buf, size, res);
	/* "Not found" is 0 or ENOENT (nss_wrapper), and so on: anything but
	 * a result or a buffer too small. */
	if (*res != NULL || rc == ERANGE ||
	    database_spelling(name, spelt, sizeof(spelt)) != 0)
		return rc;
	return next(spelt, pw, buf, size, res);
}

struct passwd *
getpwnam(const char *name)
{
	static struct passwd pw;
	static char buf[16384];
	struct passwd *res = NULL;

	return getpwnam_r(name, &pw, buf, sizeof(buf), &res) == 0 ? res : NULL;
}
