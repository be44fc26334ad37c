/*
 * authcmd.c - "mfa-enroll list" and "mfa-enroll remove NAME": the
 * authenticators of an enrolment (add is in enrol.c, with enrolment).
 *
 * A user removes one only after proving another factor (a code from
 * another authenticator or a backup code), so that a moment at an
 * unlocked terminal is not enough to take away a factor; root acting for
 * a user needs none.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "backup.h"
#include "commands.h"
#include "enrolment.h"
#include "error.h"
#include "mem.h"
#include "otp.h"
#include "store.h"
#include "store_open.h"
#include "userfile.h"

static const char list_usage[] =
    "usage: mfa-enroll [--user NAME] list\n"
    "\n"
    "List the authenticators of the enrolment: name, TOTP parameters, when\n"
    "each was added; run by root with --user, also when each last gave an\n"
    "accepted code.\n"
    "\n"
    "Exit status: 0 listed, 1 failed, 2 usage, 3 not enrolled.\n";

static const char remove_usage[] =
    "usage: mfa-enroll [--user NAME] remove NAME [--code CODE]\n"
    "\n"
    "Remove the authenticator NAME (see mfa-enroll list).  A user proves\n"
    "another factor first: a code from another authenticator, or a backup\n"
    "code (checked, not used up); root with --user needs none.  The last\n"
    "authenticator cannot be removed: mfa-enroll disable does that.\n"
    "\n"
    "  --code CODE       the proof, without a prompt\n"
    "\n"
    "Exit status: 0 removed, 1 failed (wrong code, no such name), 2 usage.\n";

/* The enrolment, or a message; MFA_EXIT_NOT_ENROLLED when there is none. */
static int
load(const struct mfa_cli *c, struct mfa_secret **s)
{
	char why[MFA_USERFILE_WHY] = "";
	int rc = mfa_userfile_load(c, s, why, sizeof(why));

	if (rc == MFA_ERR_NOENT) {
		printf("%s is not enrolled (run mfa-enroll).\n", c->user);
		return MFA_EXIT_NOT_ENROLLED;
	}
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s", why);
		return MFA_EXIT_FAIL;
	}
	return MFA_EXIT_OK;
}

/* Root: the module's record, to say when each one was last used. */
static int
load_state(const struct mfa_cli *c, struct mfa_state *st)
{
	struct mfa_store *store = NULL;
	char why[256];
	int rc;

	mfa_state_init(st);
	if (!c->is_root)
		return 0;
	rc = mfa_store_open_config(&c->cfg, 0, &store, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_store_read(
		    store, c->user, c->cfg.lock_timeout, st, why, sizeof(why));
	mfa_store_close(store);
	return rc == MFA_OK;
}

/* ", clock about N s behind" (or ahead), nothing for 0. */
static void
print_drift(int drift)
{
	if (drift != 0)
		printf(", clock about %d s %s", drift < 0 ? -drift : drift,
		    drift < 0 ? "behind" : "ahead");
}

static void
print_one(const struct mfa_secret *s, const struct mfa_authenticator *a,
    const struct mfa_state *st, int have_state)
{
	char when[64];

	mfa_cli_time(a->created, when, sizeof(when));
	printf("%-16s TOTP %s, %u digits, %u s  added %s", a->name,
	    mfa_otp_alg_name(a->totp.alg), a->totp.digits, a->totp.period,
	    when);
	if (have_state) {
		mfa_cli_time(
		    mfa_enrolment_last_code(st, s, a), when, sizeof(when));
		printf("  last code %s", when);
		print_drift(mfa_enrolment_drift(st, a));
	}
	printf("\n");
}

int
mfa_authcmd_list_run(struct mfa_cli *c, int argc, char **argv)
{
	struct mfa_secret *s = NULL;
	struct mfa_authenticator a;
	struct mfa_state st;
	size_t i;
	int ex, have_state;

	if (mfa_cli_want_help(argc, argv)) {
		fputs(list_usage, stdout);
		return MFA_EXIT_OK;
	}
	if (argc > 1) {
		fputs(list_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	if ((ex = load(c, &s)) != MFA_EXIT_OK)
		return ex;
	have_state = load_state(c, &st);
	for (i = 0; i < mfa_secret_auth_count(s); i++)
		if (mfa_secret_auth_get(s, i, &a) == MFA_OK)
			print_one(s, &a, &st, have_state);
	MFA_WIPE_OBJ(&a);
	mfa_state_wipe(&st);
	mfa_secret_free(s);
	return MFA_EXIT_OK;
}

/* A backup code of s?  Checked only: the module's record is root's. */
static int
backup_matches(const struct mfa_secret *s, const char *typed)
{
	char norm[MFA_BACKUP_CODE_SIZE];
	unsigned int slot = 0;
	int ok = 0;

	if (s->has_backup &&
	    mfa_backup_normalize(typed, norm, &slot) == MFA_OK &&
	    slot < MFA_BACKUP_SLOTS && s->backup[slot] != NULL)
		ok = mfa_backup_verify(norm, s->backup[slot]) == MFA_OK;
	MFA_WIPE_ARRAY(norm);
	return ok;
}

/* A code of an authenticator other than skip, or a backup code. */
static int
proof_matches(const struct mfa_cli *c, const struct mfa_secret *s, size_t skip,
    const char *typed)
{
	struct mfa_authenticator a;
	size_t i;
	int ok = 0;

	for (i = 0; !ok && i < mfa_secret_auth_count(s); i++) {
		if (i == skip || mfa_secret_auth_get(s, i, &a) != MFA_OK)
			continue;
		ok = mfa_totp_verify(a.key, a.keylen, &a.totp, mfa_cli_now(),
			 c->cfg.window, NULL, typed, NULL) == MFA_OK;
	}
	MFA_WIPE_OBJ(&a);
	return ok || backup_matches(s, typed);
}

/* The user's proof of another factor (root needs none). */
static int
prove(const struct mfa_cli *c, const struct mfa_secret *s, size_t skip,
    const char *code)
{
	char typed[MFA_CLI_ANSWER_MAX];
	int ok;

	if (c->admin)
		return MFA_OK;
	if (code != NULL)
		snprintf(typed, sizeof(typed), "%s", code);
	else if (mfa_cli_ask(c,
		     "Code from another authenticator, or a backup code: ",
		     "--code CODE", typed, sizeof(typed)) != MFA_OK)
		return MFA_ERR_NOENT;
	ok = proof_matches(c, s, skip, typed);
	MFA_WIPE_ARRAY(typed);
	if (!ok) {
		mfa_cli_err(c, "wrong code: nothing was removed");
		return MFA_ERR_MISMATCH;
	}
	return MFA_OK;
}

/* NAME of s: its index, or a message and -1. */
static int
find_removable(
    const struct mfa_cli *c, const struct mfa_secret *s, const char *name)
{
	int i = mfa_secret_auth_find(s, name);

	if (i < 0)
		mfa_cli_err(c,
		    "%s has no authenticator called %s (see "
		    "mfa-enroll list)",
		    c->user,
		    mfa_secret_name_check(name) == MFA_OK ? name : "so");
	else if (mfa_secret_auth_count(s) == 1) {
		mfa_cli_err(c,
		    "%s is the only authenticator: add another "
		    "first, or run mfa-enroll disable",
		    name);
		i = -1;
	}
	return i;
}

static int
parse_remove(int argc, char **argv, const char **code)
{
	static const struct option longopts[] = {
	    {"code", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int ch;

	*code = NULL;
	optind = 0;
	/* Permuted: the name may come before or after --code. */
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'c')
			*code = optarg;
		else {
			fputs(remove_usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? -1 : MFA_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fputs(remove_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	return MFA_EXIT_OK;
}

int
mfa_authcmd_remove_run(struct mfa_cli *c, int argc, char **argv)
{
	char why[MFA_USERFILE_WHY] = "";
	struct mfa_secret *s = NULL;
	const char *code, *name;
	int ex, i;

	if ((ex = parse_remove(argc, argv, &code)) != MFA_EXIT_OK)
		return ex < 0 ? MFA_EXIT_OK : ex;
	name = argv[optind];
	if ((ex = load(c, &s)) != MFA_EXIT_OK)
		return ex;
	ex = MFA_EXIT_FAIL;
	if ((i = find_removable(c, s, name)) < 0 ||
	    prove(c, s, (size_t)i, code) != MFA_OK)
		goto out;
	if (mfa_secret_auth_remove(s, (size_t)i) != MFA_OK ||
	    mfa_userfile_write(c, s, why, sizeof(why)) != MFA_OK) {
		mfa_cli_err(c, "%s; nothing was removed",
		    why[0] != '\0' ? why : "cannot remove it");
		goto out;
	}
	printf("Authenticator %s removed; %zu left.\n", name,
	    mfa_secret_auth_count(s));
	if (c->admin)
		mfa_admin_event(
		    c, MFA_EVENT_ENROLMENT, "authenticator removed");
	ex = MFA_EXIT_OK;
out:
	mfa_secret_free(s);
	return ex;
}
