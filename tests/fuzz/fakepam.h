/*
 * fakepam.h - a tiny in-memory libpam (and password database) for the
 * whole-module fuzz target fuzz_pam.c and the suites of the module's own
 * units (tests/module/).  Never linked into anything installed.
 *
 * The module's objects are linked with fakepam.o instead of libpam: a
 * handle holds the items, the PAM environment, the answers the
 * conversation gives (in order; when they run out the conversation fails)
 * and everything the module showed and logged.  For fuzz_pam, user.c is
 * compiled with getpwnam_r, getgrgid_r and getgrouplist renamed to the
 * fuzz_* functions here, which know one user whose home is a private
 * directory; the unit suites use the real name service.
 */
#ifndef MFA_FAKEPAM_H
#define MFA_FAKEPAM_H

#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <sys/types.h>

#include <security/pam_modules.h>

#define FAKEPAM_MAX_ANSWERS 16

#define FAKEPAM_MAX_DATA 8

/* One pam_set_data entry. */
struct fakepam_data {
	char *name;
	void *data;
	void (*cleanup)(pam_handle_t *, void *, int);
};

struct pam_handle {
	char *service, *user, *rhost, *ruser, *tty, *authtok;
	struct fakepam_data data[FAKEPAM_MAX_DATA];
	size_t ndata;
	char **env; /* "NAME=value", NULL-terminated */
	size_t nenv;
	const char *answers[FAKEPAM_MAX_ANSWERS];
	size_t nanswers, next_answer;
	unsigned int prompts;  /* questions asked */
	int privs_dropped;     /* drop_priv without regain_priv */
	int regain_fails;      /* set by a test: regain_priv fails */
	char transcript[8192]; /* what the user was shown (truncated) */
	size_t transcript_len;
	char log[8192]; /* what was logged (truncated) */
	size_t log_len;
};

/* A new handle for service and user (either may be NULL); NULL: no memory. */
pam_handle_t *fakepam_start(const char *service, const char *user);

/* Free a handle and everything in it. */
void fakepam_end(pam_handle_t *h);

/* The one user fuzz_getpwnam_r knows: name, home, uid and gid. */
void fakepam_set_user(const char *name, const char *home, uid_t uid, gid_t gid);

int fuzz_getpwnam_r(const char *name, struct passwd *pw, char *buf,
    size_t buflen, struct passwd **result);
int fuzz_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t buflen,
    struct group **result);
int fuzz_getgrouplist(const char *user, gid_t group, gid_t *groups, int *n);

#endif /* MFA_FAKEPAM_H */
