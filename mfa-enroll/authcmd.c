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

/* The type and parameters of a, then when it was added. */
static void
print_kind(const struct mfa_authenticator *a)
{
	char when[64];

	mfa_cli_time(a->created, when, sizeof(when));
	if (a->hotp)
		printf("%-16s HOTP %s, %u digits  added %s", a->name,
		    mfa_otp_alg_name(a->totp.alg), a->totp.digits, when);
	else
		printf("%-16s TOTP %s, %u digits, %u s  added %s", a->name,
		    mfa_otp_alg_name(a->totp.alg), a->totp.digits,
		    a->totp.period, when);
}

static void
print_one(const struct mfa_secret *s, const struct mfa_authenticator *a,
    const struct mfa_state *st, int have_state)
{
	const uint64_t *counter = mfa_enrolment_floor(st, s, a);
	char when[64];

	print_kind(a);
	if (have_state && a->hotp) {
		if (counter != NULL)
			printf("  counter %llu", (unsigned long long)*counter);
		else
			printf("  counter not used yet");
	} else if (have_state) {
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

	/* An HOTP token's counter is root's: it cannot be checked here. */
	for (i = 0; !ok && i < mfa_secret_auth_count(s); i++) {
		if (i == skip || mfa_secret_auth_get(s, i, &a) != MFA_OK ||
		    a.hotp)
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

/* Is there an app (TOTP) besides the file's own one? */
static int
has_other_app(const struct mfa_secret *s)
{
	size_t i;

	for (i = 0; i < s->nextra; i++)
		if (!s->extra[i].hotp)
			return 1;
	return 0;
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
	else if (i == 0 && !has_other_app(s)) {
		mfa_cli_err(c,
		    "%s is the only authenticator app (the others are "
		    "hardware tokens): add another app first",
		    name);
		i = -1;
	} else if (mfa_secret_auth_count(s) == 1) {
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
		mfa_admin_auth_event(
		    c, MFA_EVENT_ENROLMENT, name, "authenticator removed");
	ex = MFA_EXIT_OK;
out:
	mfa_secret_free(s);
	return ex;
}

static const char resync_usage[] =
    "usage: mfa-enroll --user NAME resync [--name TOKEN] CODE1 CODE2\n"
    "\n"
    "Resynchronise an HOTP hardware token that is further ahead than\n"
    "hotp_window (pressed many times away from a login): press it twice and\n"
    "give both codes; they must follow each other within 1000 counters\n"
    "after the last one used.  --name picks the token when there are\n"
    "several.  Root only: the counter is in the module's state.\n"
    "\n"
    "Exit status: 0 resynchronised, 1 failed (codes not found), 2 usage.\n";

/* The HOTP token called name, or the only one; its index or -1. */
static int
find_token(
    const struct mfa_cli *c, const struct mfa_secret *s, const char *name)
{
	size_t i;
	int found = -1, n = 0;

	for (i = 0; i < s->nextra; i++)
		if (s->extra[i].hotp &&
		    (name == NULL || strcmp(name, s->extra[i].name) == 0)) {
			found = (int)i + 1;
			n++;
		}
	if (n == 1)
		return found;
	mfa_cli_err(c,
	    n == 0 ? "%s has no HOTP token%s%s (see mfa-enroll list)"
		   : "%s has several HOTP tokens%s%s: name one with --name",
	    c->user, name != NULL ? " called " : "",
	    name != NULL && mfa_secret_name_check(name) == MFA_OK ? name : "");
	return -1;
}

/* In the state transaction: find the pair, move the counter forward. */
static int
resync_in_state(const struct mfa_cli *c, const struct mfa_secret *s,
    const struct mfa_authenticator *a, char *const codes[2], uint64_t *ctr)
{
	struct mfa_cli_state cs;
	char why[256] = "";
	int rc;

	rc = mfa_cli_state_begin(c, 1, &cs, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_hotp_resync(a->key, a->keylen, a->totp.alg,
		    a->totp.digits, mfa_enrolment_floor(&cs.st, s, a),
		    MFA_HOTP_SCAN_MAX, codes[0], codes[1], ctr);
	if (rc == MFA_OK) {
		mfa_enrolment_set_floor(&cs.st, s, a, *ctr, 0);
		rc = mfa_store_commit(cs.txn, &cs.st, mfa_cli_now());
	}
	mfa_cli_state_end(&cs);
	if (rc == MFA_ERR_MISMATCH || rc == MFA_ERR_FORMAT)
		mfa_cli_err(c,
		    "the two codes are not consecutive codes of %s "
		    "within %d counters: nothing was changed",
		    a->name, MFA_HOTP_SCAN_MAX);
	else if (rc != MFA_OK)
		mfa_cli_err(c, "%s's state in %s: %s", c->user,
		    mfa_store_config_where(&c->cfg),
		    why[0] != '\0' ? why : mfa_strerror(rc));
	return rc;
}

/* The audit event of a resynchronisation: the token and its counter. */
static void
resync_event(
    const struct mfa_cli *c, const struct mfa_authenticator *a, uint64_t ctr)
{
	char what[64];

	snprintf(what, sizeof(what),
	    "hotp token resynchronised at counter %llu",
	    (unsigned long long)ctr);
	mfa_admin_auth_event(c, MFA_EVENT_RESYNC, a->name, what);
}

int
mfa_authcmd_resync_run(struct mfa_cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	struct mfa_secret *s = NULL;
	struct mfa_authenticator a;
	const char *name = NULL;
	uint64_t ctr = 0;
	int ch, ex, i;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'n')
			name = optarg;
		else {
			fputs(resync_usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? MFA_EXIT_OK : MFA_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fputs(resync_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	if (!c->admin) {
		mfa_cli_err(c,
		    "resync needs root and --user NAME: a token's "
		    "counter is kept in the module's state");
		return MFA_EXIT_USAGE;
	}
	if ((ex = load(c, &s)) != MFA_EXIT_OK)
		return ex;
	ex = MFA_EXIT_FAIL;
	if ((i = find_token(c, s, name)) > 0 &&
	    mfa_secret_auth_get(s, (size_t)i, &a) == MFA_OK &&
	    resync_in_state(c, s, &a, argv + optind, &ctr) == MFA_OK) {
		printf("%s resynchronised: counter %llu used, the next code "
		       "logs in.\n",
		    a.name, (unsigned long long)ctr);
		resync_event(c, &a, ctr);
		ex = MFA_EXIT_OK;
	}
	MFA_WIPE_OBJ(&a);
	mfa_secret_free(s);
	return ex;
}
