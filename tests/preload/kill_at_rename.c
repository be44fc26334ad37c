/*
 * kill_at_rename.c - an LD_PRELOAD shim that kills its process (SIGKILL)
 * at the first renameat(2) or rename(2), when MFA_TEST_KILL_AT_RENAME is
 * set: the moment a writer has written and synced its temporary file and
 * is about to put it in place.  Tests use it to leave what a writer killed
 * mid-write leaves, deterministically.  With MFA_TEST_KILL_AT_RENAME_TO
 * set to a name as well, only a rename to that last path component kills
 * (a login writes its state before the user's file).  Test-only: built by
 * the Makefile, never installed.
 */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
maybe_die(const char *newpath)
{
	const char *only = getenv("MFA_TEST_KILL_AT_RENAME_TO");
	const char *last = strrchr(newpath, '/');

	last = last != NULL ? last + 1 : newpath;
	if (getenv("MFA_TEST_KILL_AT_RENAME") != NULL &&
	    (only == NULL || strcmp(only, last) == 0))
		raise(SIGKILL);
}

int
renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	int (*next)(int, const char *, int, const char *) = (int (*)(
	    int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");

	maybe_die(newpath);
	return next(olddirfd, oldpath, newdirfd, newpath);
}

int
rename(const char *oldpath, const char *newpath)
{
	int (*next)(const char *, const char *) =
	    (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");

	maybe_die(newpath);
	return next(oldpath, newpath);
}
