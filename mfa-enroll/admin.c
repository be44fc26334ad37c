/*
 * admin.c - removing an enrolment ("disable", the user's own; "reset",
 * root's) and clearing a lock-out ("unlock", root's).
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "error.h"
#include "store.h"
#include "store_open.h"
#include "userfile.h"

static const char disable_usage[] =
    "usage: mfa-enroll [--user NAME] disable [--yes]\n"
    "\n"
    "Remove your enrolment file (asks you to type yes first; --yes does not\n"
    "ask, for scripts).  Once you have logged in with a code, the system\n"
    "expects one: without the file every login is refused, with no code\n"
    "prompt, until an admin runs mfa-enroll --user NAME reset (or you enrol\n"
    "again from a shell that is still open).\n"
    "\n"
    "Exit status: 0 removed, 1 failed or not confirmed, 2 usage,\n"
    "3 not enrolled.\n";

static const char reset_usage[] =
    "usage: mfa-enroll --user NAME reset [--yes]   (root only)\n"
    "\n"
    "Remove NAME's enrolment file and NAME's module state (enrolled mark,\n"
    "failures, lock-out, used backup codes, trusted devices), after a\n"
    "confirmation (--yes: none).  NAME can then log in without a second\n"
    "factor where the site allows it (nullok) or enrol again.\n"
    "\n"
    "Exit status: 0 done, 1 failed or not confirmed, 2 usage or not root.\n";

static const char unlock_usage[] =
    "usage: mfa-enroll --user NAME unlock   (root only)\n"
    "\n"
    "Clear NAME's failure counts and lock-outs, the account's and every\n"
    "source's; a failure tally that does not parse (it blocks NAME's\n"
    "logins) is emptied too.\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 usage or not root.\n";

/*
 * Who is root here, for the audit trail: the user sudo was run by, else
 * the name of the login uid (the audit subsystem's, kept across su), else
 * "root".  Names are cleaned; a process running as root could lie in
 * SUDO_USER, but such a process could also write the log itself.
 */
static void
admin_name(char *out, size_t outsz)
{
	const char *sudo = getenv("SUDO_USER");
	unsigned long luid = 0;
	struct passwd *pw = NULL;
	char buf[32] = "";
	FILE *f;

	if (sudo != NULL && *sudo != '\0') {
		mfa_log_clean(sudo, out, outsz);
		return;
	}
	if ((f = fopen("/proc/self/loginuid", "re")) != NULL) {
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    sscanf(buf, "%lu", &luid) == 1 && luid < 4294967295UL)
			pw = getpwuid((uid_t)luid);
		fclose(f);
	}
	mfa_log_clean(pw != NULL ? pw->pw_name : "root", out, outsz);
}

void
mfa_admin_auth_event(const struct mfa_cli *c, enum mfa_event_kind kind,
    const char *authenticator, const char *what)
{
	char admin[64], user[64], auth[64];
	struct mfa_event ev = {.kind = kind, .result = "success"};

	if (!c->is_root)
		return;
	admin_name(admin, sizeof(admin));
	mfa_log_clean(c->user, user, sizeof(user));
	ev.user = user;
	ev.admin = admin;
	ev.service = "mfa-enroll";
	if (authenticator != NULL)
		ev.authenticator =
		    mfa_log_clean(authenticator, auth, sizeof(auth));
	mfa_log_event(&c->log, LOG_NOTICE, &ev, "admin=%s user=%s %s%s%s",
	    admin, user, what,
	    ev.authenticator != NULL ? " authenticator=" : "",
	    ev.authenticator != NULL ? ev.authenticator : "");
}

void
mfa_admin_event(
    const struct mfa_cli *c, enum mfa_event_kind kind, const char *what)
{
	mfa_admin_auth_event(c, kind, NULL, what);
}

int
mfa_admin_need_root(const struct mfa_cli *c, const char *command)
{
	if (c->is_root)
		return 1;
	mfa_cli_err(c,
	    "%s is for root only (run it with sudo, or ask your "
	    "admin)",
	    command);
	return 0;
}

/* Parse [--yes] [--help].  Returns -1 to go on, else an exit status. */
static int
parse_yes(int argc, char **argv, const char *usage, int *yes)
{
	static const struct option longopts[] = {
	    {"yes", no_argument, NULL, 'y'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	int ch;

	*yes = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+hy", longopts, NULL)) != -1) {
		if (ch == 'y') {
			*yes = 1;
		} else if (ch == 'h') {
			fputs(usage, stdout);
			return MFA_EXIT_OK;
		} else {
			fputs(usage, stderr);
			return MFA_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fputs(usage, stderr);
		return MFA_EXIT_USAGE;
	}
	return -1;
}

int
mfa_admin_disable_run(struct mfa_cli *c, int argc, char **argv)
{
	char why[MFA_USERFILE_WHY] = "", q[1024];
	struct mfa_secret *s = NULL;
	int rc, yes;

	rc = parse_yes(argc, argv, disable_usage, &yes);
	if (rc >= 0)
		return rc;
	rc = mfa_userfile_load(c, &s, why, sizeof(why));
	mfa_secret_free(s);
	if (rc == MFA_ERR_NOENT) {
		mfa_cli_err(
		    c, "%s is not enrolled: nothing to disable", c->user);
		return MFA_EXIT_NOT_ENROLLED;
	}
	/* A file that does not parse can still be removed.  The warning
	 * comes first: after the refusal there is no shell to enrol from. */
	snprintf(q, sizeof(q),
	    "This removes the enrolment of %s (the app's secret and the "
	    "backup codes).\nOnce %s has logged in with a code, the system "
	    "expects one: without\nthe file every login of %s is refused, "
	    "with no code prompt, until an admin\nruns\n"
	    "    mfa-enroll --user %s reset\n"
	    "(Enrolling again with mfa-enroll needs a shell: this one, before "
	    "you close it.)",
	    c->user, c->user, c->user, c->user);
	if (!mfa_cli_confirm(c, q, yes))
		return MFA_EXIT_FAIL;
	rc = mfa_userfile_remove(c, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s", why);
		return rc == MFA_ERR_NOENT ? MFA_EXIT_NOT_ENROLLED
					   : MFA_EXIT_FAIL;
	}
	if (c->admin)
		mfa_admin_event(
		    c, MFA_EVENT_ENROLMENT, "disable: enrolment file removed");
	printf("The enrolment file of %s is removed.\n"
	       "If %s has logged in with a code before, every login is now "
	       "refused, with no\ncode prompt, until an admin runs\n"
	       "    mfa-enroll --user %s reset\n"
	       "or until you enrol again with mfa-enroll from this shell.\n",
	    c->user, c->user, c->user);
	return MFA_EXIT_OK;
}

/* Remove user's record from the state directory (missing is fine). */
static int
remove_state(const struct mfa_cli *c)
{
	struct mfa_store *store = NULL;
	char why[256] = "";
	int rc;

	rc = mfa_store_open_config(&c->cfg, 0, &store, why, sizeof(why));
	if (rc == MFA_ERR_NOENT)
		return MFA_OK;
	if (rc == MFA_OK)
		rc = mfa_store_remove(store, c->user, c->cfg.lock_timeout);
	mfa_store_close(store);
	if (rc != MFA_OK)
		mfa_cli_err(c, "state of %s in %s: %s", c->user,
		    mfa_store_config_where(&c->cfg),
		    why[0] != '\0' ? why : mfa_strerror(rc));
	return rc;
}

int
mfa_admin_reset_run(struct mfa_cli *c, int argc, char **argv)
{
	char why[MFA_USERFILE_WHY] = "", q[256];
	int rc, yes;

	rc = parse_yes(argc, argv, reset_usage, &yes);
	if (rc >= 0)
		return rc;
	if (!mfa_admin_need_root(c, "reset"))
		return MFA_EXIT_USAGE;
	snprintf(q, sizeof(q),
	    "This removes the enrolment file and the module state of %s.",
	    c->user);
	if (!mfa_cli_confirm(c, q, yes))
		return MFA_EXIT_FAIL;
	rc = mfa_userfile_remove(c, why, sizeof(why));
	if (rc != MFA_OK && rc != MFA_ERR_NOENT) {
		mfa_cli_err(c, "%s; nothing else was changed", why);
		return MFA_EXIT_FAIL;
	}
	if (remove_state(c) != MFA_OK)
		return MFA_EXIT_FAIL;
	mfa_admin_event(
	    c, MFA_EVENT_RESET, "reset: enrolment and state removed");
	printf("%s is reset: %s, module state removed.\n", c->user,
	    rc == MFA_OK ? "enrolment file removed" : "no enrolment file");
	return MFA_EXIT_OK;
}

/* Unlock c->user through the configured store (mfa_store_unlock). */
static int
unlock_user(const struct mfa_cli *c, unsigned int *failures, int *dropped)
{
	struct mfa_store *store = NULL;
	char why[256] = "";
	int rc;

	rc = mfa_store_open_config(&c->cfg, 0, &store, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_store_unlock(store, c->user, c->cfg.lock_timeout,
		    mfa_cli_now(), failures, dropped, why, sizeof(why));
	mfa_store_close(store);
	if (rc != MFA_OK)
		mfa_cli_err(c, "cannot unlock %s (%s): %s", c->user,
		    mfa_store_config_where(&c->cfg),
		    why[0] != '\0' ? why : mfa_strerror(rc));
	return rc;
}

int
mfa_admin_unlock_run(struct mfa_cli *c, int argc, char **argv)
{
	unsigned int failures = 0;
	int rc, yes, dropped = 0;

	rc = parse_yes(argc, argv, unlock_usage, &yes);
	if (rc >= 0)
		return rc;
	if (yes) {
		fputs(unlock_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	if (!mfa_admin_need_root(c, "unlock"))
		return MFA_EXIT_USAGE;
	if (unlock_user(c, &failures, &dropped) != MFA_OK)
		return MFA_EXIT_FAIL;
	mfa_admin_event(c, MFA_EVENT_UNLOCK, "unlocked");
	if (dropped)
		printf("%s's failure tally did not parse and was emptied.\n",
		    c->user);
	printf("%s is unlocked (%u failure%s cleared).\n", c->user, failures,
	    failures == 1 ? "" : "s");
	return MFA_EXIT_OK;
}
