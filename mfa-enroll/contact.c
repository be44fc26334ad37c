/*
 * contact.c - "mfa-enroll email" and "mfa-enroll sms": record the address
 * or phone number that logins send one-time codes to.
 *
 * An address is recorded only after a code sent to it has been typed back
 * (three tries, within code_ttl seconds): a typo, or an address that is
 * not the user's, must never become the place where login codes go.  The
 * address is validated strictly before anything runs, because it ends up
 * in the headers (email) or the argument vector (sms) of a program that
 * the module later runs as root (DESIGN section 7).  Delivery is the
 * module's own (common/deliver/deliver.c): the site's mail_command= or
 * sms_command=, no shell, a clean environment, a time-out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "commands.h"
#include "deliver.h"
#include "error.h"
#include "mem.h"
#include "random.h"
#include "userfile.h"

#define TRIES 3
#define CODE_DIGITS 6
/* Time given to the mail or SMS program, in milliseconds. */
#define SEND_TIMEOUT_MS 30000
/* Room for "pam_mfa@" and a host name. */

static const char email_usage[] =
    "usage: mfa-enroll [--user NAME] email ADDRESS\n"
    "       mfa-enroll [--user NAME] email --remove\n"
    "\n"
    "Record the email address that logins can send a one-time code to\n"
    "(press Enter at the code prompt).  A 6-digit code is sent to ADDRESS\n"
    "through the site's mail_command; the address is recorded only once\n"
    "you type that code back (3 tries, within code_ttl, 5 minutes by\n"
    "default).  Without a terminal, the code is read from standard input.\n"
    "--remove forgets the address (no code needed).  Needs an enrolment\n"
    "(run mfa-enroll first).\n"
    "\n"
    "Email is weaker than an authenticator app: whoever reads your mail\n"
    "can log in with your password.\n"
    "\n"
    "Exit status: 0 done, 1 failed (not delivered, wrong or expired code,\n"
    "refused file), 2 usage (bad address), 3 not enrolled.\n";

static const char sms_usage[] =
    "usage: mfa-enroll [--user NAME] sms NUMBER\n"
    "       mfa-enroll [--user NAME] sms --remove\n"
    "\n"
    "Record the phone number (E.164: + and 8 to 15 digits, e.g.\n"
    "+441234567890) that logins can send a one-time code to by SMS, where\n"
    "the site has an SMS gateway (sms_command).  Verified like an email\n"
    "address: the number is recorded only once you type back the code sent\n"
    "to it (3 tries, within code_ttl).  --remove forgets the number.  Needs\n"
    "an enrolment (run mfa-enroll first).\n"
    "\n"
    "Exit status: 0 done, 1 failed (no gateway, not delivered, wrong or\n"
    "expired code, refused file), 2 usage (bad number), 3 not enrolled.\n";

/* What differs between the two commands. */
struct channel {
	const char *cmd;   /* "email" or "sms" */
	const char *noun;  /* "email address" or "phone number" */
	const char *usage; /* its --help */
	int (*check)(const char *, char *, size_t);
	int (*set)(struct mfa_secret *, const char *, char *, size_t);
	enum mfa_method method; /* how deliver.c sends it */
};

/* The address currently recorded for ch in s, or NULL. */
static const char *
recorded(const struct mfa_secret *s, const struct channel *ch)
{
	return strcmp(ch->cmd, "email") == 0 ? s->email : s->phone;
}

/* A time that only goes forward, for the code's validity: the user may
 * not stretch it by setting the wall clock back. */
static int64_t
elapsed_clock(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
		return mfa_cli_now();
	return (int64_t)ts.tv_sec;
}

/* A fresh code: 6 decimal digits, uniform (no modulo bias). */
static int
make_code(char code[CODE_DIGITS + 1])
{
	uint32_t n = 0;
	int rc;

	rc = mfa_random_uniform(1000000, &n);
	if (rc == MFA_OK)
		snprintf(code, CODE_DIGITS + 1, "%06u", (unsigned int)n);
	mfa_wipe(&n, sizeof(n));
	return rc;
}

static const struct channel email_channel = {"email", "email address",
    email_usage, mfa_addr_email_check, mfa_secret_set_email, MFA_METHOD_EMAIL};
static const struct channel sms_channel = {"sms", "phone number", sms_usage,
    mfa_addr_phone_check, mfa_secret_set_phone, MFA_METHOD_SMS};

/* Does the typed answer (spaces and dashes ignored) equal code?  The
 * comparison takes the same time whichever digits differ. */
static int
code_matches(char *typed, const char *code)
{
	size_t i, n = 0;

	for (i = 0; typed[i] != '\0'; i++)
		if (typed[i] != ' ' && typed[i] != '-')
			typed[n++] = typed[i];
	typed[n] = '\0';
	return n == CODE_DIGITS && mfa_ct_equal(typed, code, CODE_DIGITS);
}

/*
 * Ask for the code sent at sent (elapsed_clock) up to TRIES times.  Each
 * answer counts only while the code is valid.  Returns MFA_OK,
 * MFA_ERR_MISMATCH, MFA_ERR_EXPIRED or the prompt's error.
 */
static int
verify_code(const struct mfa_cli *c, const char *code, int64_t sent)
{
	char typed[MFA_CLI_ANSWER_MAX];
	int i, ok, rc = MFA_ERR_MISMATCH;

	for (i = 0; i < TRIES; i++) {
		rc = mfa_cli_ask(c, "Code you received: ",
		    "the code as a line on standard input", typed,
		    sizeof(typed));
		if (rc != MFA_OK)
			break;
		ok = code_matches(typed, code);
		MFA_WIPE_ARRAY(typed);
		if (elapsed_clock() - sent > (int64_t)c->cfg.code_ttl) {
			mfa_cli_err(c,
			    "the code has expired (it was valid %u "
			    "minute%s): run the command again for a new one",
			    c->cfg.code_ttl / 60,
			    c->cfg.code_ttl / 60 == 1 ? "" : "s");
			return MFA_ERR_EXPIRED;
		}
		if (ok)
			return MFA_OK;
		rc = MFA_ERR_MISMATCH;
		if (i + 1 < TRIES)
			mfa_cli_err(c, "wrong code, try again");
	}
	MFA_WIPE_ARRAY(typed);
	if (rc == MFA_ERR_MISMATCH)
		mfa_cli_err(c, "%d wrong codes", TRIES);
	return rc;
}

/* Send a fresh code to addr and have it typed back. */
static int
prove_address(
    const struct mfa_cli *c, const struct channel *ch, const char *addr)
{
	char code[CODE_DIGITS + 1], why[512] = "";
	int64_t sent;
	int rc;

	rc = make_code(code);
	if (rc != MFA_OK) {
		mfa_cli_err(c, "cannot make a code: %s", mfa_strerror(rc));
		return rc;
	}
	sent = elapsed_clock(); /* valid from now, however long sending takes */
	/* The same delivery as the module's (common/deliver/deliver.c). */
	rc = mfa_deliver_confirm_code(&c->cfg, ch->method, addr, c->user, code,
	    c->cfg.code_ttl, mfa_cli_now(), why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "could not send the code: %s", why);
	} else {
		printf("A %d-digit code was sent to %s; it is valid %u "
		       "minute%s.\n",
		    CODE_DIGITS, addr, c->cfg.code_ttl / 60,
		    c->cfg.code_ttl / 60 == 1 ? "" : "s");
		rc = verify_code(c, code, sent);
	}
	MFA_WIPE_ARRAY(code);
	return rc;
}

/* Load the enrolment (exit 3 without one).  Returns an exit status. */
static int
load_enrolment(const struct mfa_cli *c, struct mfa_secret **s)
{
	char why[MFA_USERFILE_WHY] = "";
	int rc;

	rc = mfa_userfile_load(c, s, why, sizeof(why));
	if (rc == MFA_ERR_NOENT) {
		mfa_cli_err(c,
		    "%s is not enrolled: run mfa-enroll first (the address "
		    "is kept in the enrolment file)",
		    c->user);
		return MFA_EXIT_NOT_ENROLLED;
	}
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s", why);
		return MFA_EXIT_FAIL;
	}
	rc = mfa_userfile_check(c, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s", why);
		mfa_secret_free(*s);
		*s = NULL;
		return MFA_EXIT_FAIL;
	}
	return MFA_EXIT_OK;
}

/* Set (or with addr NULL remove) the address in the file as it is now,
 * leaving everything else in it as it was.  Returns an exit status. */
static int
store_address(
    const struct mfa_cli *c, const struct channel *ch, const char *addr)
{
	char why[MFA_USERFILE_WHY] = "";
	struct mfa_secret *s = NULL;
	int ex, rc;

	ex = load_enrolment(c, &s);
	if (ex != MFA_EXIT_OK)
		return ex;
	rc = ch->set(s, addr, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_userfile_write(c, s, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s; nothing was changed",
		    why[0] != '\0' ? why : mfa_strerror(rc));
		ex = MFA_EXIT_FAIL;
	}
	mfa_secret_free(s);
	return ex;
}

static int
remove_address(const struct mfa_cli *c, const struct channel *ch)
{
	struct mfa_secret *s = NULL;
	int ex, had;

	ex = load_enrolment(c, &s);
	if (ex != MFA_EXIT_OK)
		return ex;
	had = recorded(s, ch) != NULL;
	mfa_secret_free(s);
	if (!had) {
		printf("No %s is recorded for %s: nothing to remove.\n",
		    ch->noun, c->user);
		return MFA_EXIT_OK;
	}
	ex = store_address(c, ch, NULL);
	if (ex == MFA_EXIT_OK)
		printf("The %s of %s is removed: logins no longer send codes "
		       "to it.\n",
		    ch->noun, c->user);
	return ex;
}

static int
add_address(const struct mfa_cli *c, const struct channel *ch, const char *addr)
{
	struct mfa_secret *s = NULL;
	int ex, rc;

	/* Before sending anything: a code is pointless if the result
	 * cannot be recorded. */
	ex = load_enrolment(c, &s);
	mfa_secret_free(s);
	if (ex != MFA_EXIT_OK)
		return ex;
	rc = prove_address(c, ch, addr);
	if (rc != MFA_OK) {
		mfa_cli_err(c, "the %s was not recorded", ch->noun);
		return MFA_EXIT_FAIL;
	}
	ex = store_address(c, ch, addr);
	if (ex == MFA_EXIT_OK)
		printf("The %s %s is recorded: at the code prompt, press Enter "
		       "to get a code\nthere.\n",
		    ch->noun, addr);
	return ex;
}

/* Common to both commands: parse, validate, then add or remove. */
static int
contact_run(struct mfa_cli *c, int argc, char **argv, const struct channel *ch)
{
	char why[128] = "";
	const char *arg;

	if (mfa_cli_want_help(argc, argv)) {
		fputs(ch->usage, stdout);
		return MFA_EXIT_OK;
	}
	if (argc == 3 && strcmp(argv[1], "--") == 0)
		arg = argv[2];
	else if (argc == 2)
		arg = argv[1];
	else {
		fputs(ch->usage, stderr);
		return MFA_EXIT_USAGE;
	}
	if (strcmp(arg, "--remove") == 0 && argc == 2)
		return remove_address(c, ch);
	if (ch == &sms_channel && c->cfg.sms_argv == NULL) {
		mfa_cli_err(c, "this site has no SMS gateway (sms_command)");
		return MFA_EXIT_FAIL;
	}
	/* The value is not echoed: it may hold line breaks or escapes. */
	if (ch->check(arg, why, sizeof(why)) != MFA_OK) {
		mfa_cli_err(c, "%s: %s refused: %s", ch->cmd, ch->noun,
		    why[0] != '\0' ? why : "invalid");
		return MFA_EXIT_USAGE;
	}
	return add_address(c, ch, arg);
}

int
mfa_contact_email_run(struct mfa_cli *c, int argc, char **argv)
{
	return contact_run(c, argc, argv, &email_channel);
}

int
mfa_contact_sms_run(struct mfa_cli *c, int argc, char **argv)
{
	return contact_run(c, argc, argv, &sms_channel);
}
