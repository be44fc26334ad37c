/*
 * reexec.c - a preload for tests/valgrind/run.sh only (never installed).
 *
 * A PAM suite (tests/lib/pamh.c) writes its fixture and then re-runs
 * itself with execv("/proc/self/exe") and pam_wrapper preloaded.  Under
 * valgrind that path names valgrind's own tool, which valgrind cannot load
 * as a client, so the suite's first stage runs without valgrind and this
 * preload turns that one execv into "valgrind OPTIONS... EXE ARGS...": the
 * second stage, where every login happens, runs under memcheck.
 *
 * MFA_VALGRIND holds valgrind's options, separated by single spaces.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ARGS 256

int execv(const char *path, char *const argv[]);

/* Split opts (modified in place) into out; the number of words. */
static size_t
split(char *opts, char **out, size_t max)
{
	size_t n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(opts, " ", &save); w != NULL && n < max;
	     w = strtok_r(NULL, " ", &save))
		out[n++] = w;
	return n;
}

static int
real_execv(const char *path, char *const argv[])
{
	int (*next)(const char *, char *const[]) =
	    (int (*)(const char *, char *const[]))dlsym(RTLD_NEXT, "execv");

	if (next == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return next(path, argv);
}

int
execv(const char *path, char *const argv[])
{
	static char exe[PATH_MAX], opts[8192];
	char *args[MAX_ARGS + 1];
	const char *env = getenv("MFA_VALGRIND");
	size_t n, i;
	ssize_t len;

	if (env == NULL || strcmp(path, "/proc/self/exe") != 0)
		return real_execv(path, argv);
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0 || strlen(env) >= sizeof(opts))
		return real_execv(path, argv);
	exe[len] = '\0';
	strcpy(opts, env);
	args[0] = "valgrind";
	n = 1 + split(opts, args + 1, MAX_ARGS - 2);
	args[n++] = exe;
	for (i = 1; argv[i] != NULL && n < MAX_ARGS; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	/* The second stage must not do this again. */
	unsetenv("MFA_VALGRIND");
	return execvp("valgrind", args);
}
