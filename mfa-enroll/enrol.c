/*
 * enrol.c - enrolling an authenticator app: a new secret, its QR code,
 * one verified code, then the file and the backup codes.
 *
 * Nothing is written before a code from the app has verified, so an
 * interrupted or failed enrolment leaves the previous file byte for byte.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base32.h"
#include "commands.h"
#include "enrolment.h"
#include "error.h"
#include "mem.h"
#include "otp.h"
#include "otpauth.h"
#include "qr.h"
#include "store.h"
#include "store_open.h"
#include "userfile.h"

#define TRIES 3
#define APPS                                                                   \
	"Google Authenticator,\nMicrosoft Authenticator, Authy, FreeOTP, "     \
	"1Password or any TOTP app"

enum qr_choice { QR_AUTO, QR_UTF8, QR_ANSI, QR_NONE };

struct enrol_opts {
	const char *secret; /* --secret: a key to import (argv: not wiped) */
	const char *code;   /* --code */
	const char *issuer, *label;
	const char *name;    /* add --name */
	int hotp;            /* add --hotp */
	unsigned int period; /* add --period, 0: the default */
	enum qr_choice qr;
};

static const char enrol_usage[] =
    "usage: mfa-enroll [--user NAME] [--conf FILE] [OPTIONS]\n"
    "\n"
    "Enrol an authenticator app: make a new secret, show its QR code, check\n"
    "one code from the app, then write ~/.pam_mfa and print 10 backup\n"
    "codes.  Nothing changes until a correct code is typed.\n"
    "\n"
    "  --secret BASE32   import a known secret (at least 128 bits)\n"
    "  --code CODE       answer the verification without a prompt\n"
    "  --qr=utf8|ansi|none  how to draw the QR code (default: utf8 on a\n"
    "                    terminal, none otherwise: the otpauth URI is shown)\n"
    "  --issuer NAME     the name the app shows (default: issuer= or the\n"
    "                    host name)\n"
    "  --label ACCOUNT   the account the app shows (default: user@host)\n"
    "\n"
    "Exit status: 0 enrolled, 1 failed (wrong code, refused file), 2 usage.\n";

static int
parse_qr(const char *v, enum qr_choice *qr)
{
	static const char *const names[] = {"utf8", "ansi", "none"};
	static const enum qr_choice vals[] = {QR_UTF8, QR_ANSI, QR_NONE};
	size_t i;

	for (i = 0; i < 3; i++)
		if (strcmp(v, names[i]) == 0) {
			*qr = vals[i];
			return MFA_OK;
		}
	return MFA_ERR_FORMAT;
}

/* --issuer and --label: the rule issuer= follows, with its words. */
static int
check_names(const struct enrol_opts *o)
{
	const char *flag = NULL;

	if (o->issuer != NULL && mfa_otpauth_name_check(o->issuer) != MFA_OK)
		flag = "--issuer";
	else if (o->label != NULL && mfa_otpauth_name_check(o->label) != MFA_OK)
		flag = "--label";
	if (flag == NULL)
		return MFA_EXIT_OK;
	fprintf(stderr, "mfa-enroll: %s: " MFA_OTPAUTH_NAME_RULE "\n", flag);
	return MFA_EXIT_USAGE;
}

/* --period: 15..300 s, a TOTP token's step (60 for many). */
static int
parse_period(const char *v, unsigned int *period)
{
	char *end = NULL;
	unsigned long n = strtoul(v, &end, 10);

	if (v[0] < '0' || v[0] > '9' || *end != '\0' ||
	    n < MFA_TOTP_PERIOD_MIN || n > MFA_TOTP_PERIOD_MAX) {
		fprintf(stderr,
		    "mfa-enroll: --period must be %d to %d "
		    "seconds\n",
		    MFA_TOTP_PERIOD_MIN, MFA_TOTP_PERIOD_MAX);
		return -1;
	}
	*period = (unsigned int)n;
	return 0;
}

static const char add_usage[] =
    "usage: mfa-enroll [--user NAME] add [--name NAME] [OPTIONS]\n"
    "\n"
    "Add another authenticator (a second phone, a TOTP hardware token) to\n"
    "an enrolment: make a new secret, show its QR code, check one code\n"
    "from it, then add it to ~/.pam_mfa under NAME (default app2, app3...).\n"
    "Any authenticator then answers the login prompt; at most 5.\n"
    "\n"
    "  --name NAME       its name: " MFA_SECRET_NAME_RULE "\n"
    "  --period SECONDS  the time step of a TOTP token (default 30; many\n"
    "                    hardware tokens use 60)\n"
    "  --hotp            (root) an RFC 4226 counter-based hardware token:\n"
    "                    --secret HEX|BASE32 is its key (hex digits only:\n"
    "                    hex), --code one code it shows (6 or 8 digits,\n"
    "                    among its first hotp_window); no QR code\n"
    "  --secret BASE32   import a known secret (at least 128 bits)\n"
    "  --code CODE       answer the verification without a prompt\n"
    "  --qr=utf8|ansi|none  how to draw the QR code\n"
    "  --issuer NAME     the name the app shows\n"
    "  --label ACCOUNT   the account the app shows (default: user@host)\n"
    "\n"
    "Exit status: 0 added, 1 failed (wrong code, not enrolled, too many),\n"
    "2 usage.\n";

/* One option of parse_opts: 0 taken, -1 --help shown, or an exit status
 * (usage printed).  --name, --hotp and --period belong to add only. */
static int
take_opt(int ch, struct enrol_opts *o, const char *usage)
{
	int add_only = ch == 'n' || ch == 'H' || ch == 'p';

	if (add_only && usage != add_usage)
		ch = '?';
	switch (ch) {
	case 'n':
		o->name = optarg;
		return 0;
	case 'H':
		o->hotp = 1;
		return 0;
	case 'p':
		if (parse_period(optarg, &o->period) == 0)
			return 0;
		break;
	case 's':
		o->secret = optarg;
		return 0;
	case 'c':
		o->code = optarg;
		return 0;
	case 'i':
		o->issuer = optarg;
		return 0;
	case 'l':
		o->label = optarg;
		return 0;
	case 'q':
		if (parse_qr(optarg, &o->qr) == MFA_OK)
			return 0;
		fprintf(
		    stderr, "mfa-enroll: --qr must be utf8, ansi or none\n");
		return MFA_EXIT_USAGE;
	case 'h':
		fputs(usage, stdout);
		return -1;
	}
	fputs(usage, stderr);
	return MFA_EXIT_USAGE;
}

/* The flags of enrolment and add (usage names which): 0 and *o filled,
 * -1 after --help, or an exit status with the message printed. */
static int
parse_opts(int argc, char **argv, struct enrol_opts *o, const char *usage)
{
	static const struct option longopts[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"hotp", no_argument, NULL, 'H'},
	    {"period", required_argument, NULL, 'p'},
	    {"secret", required_argument, NULL, 's'},
	    {"code", required_argument, NULL, 'c'},
	    {"qr", required_argument, NULL, 'q'},
	    {"issuer", required_argument, NULL, 'i'},
	    {"label", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int ch, rc;

	memset(o, 0, sizeof(*o));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1)
		if ((rc = take_opt(ch, o, usage)) != 0)
			return rc;
	if (optind < argc) {
		fprintf(stderr,
		    "mfa-enroll: unknown command '%s' (see "
		    "mfa-enroll --help)\n",
		    argv[optind]);
		return MFA_EXIT_USAGE;
	}
	return check_names(o);
}

/* Import --secret: forgiving about spaces and case, strict about the
 * key (canonical after normalising, at least MFA_SECRET_KEY_MIN bytes). */
static int
import_key(const struct mfa_cli *c, struct mfa_secret *s, const char *typed)
{
	char norm[2 * MFA_OTPAUTH_MAX_SECRET];
	unsigned char key[MFA_SECRET_KEY_MAX + 8];
	size_t keylen = 0;
	int rc;

	rc = mfa_base32_normalize(typed, norm, sizeof(norm));
	if (rc == MFA_OK)
		rc = mfa_base32_decode(
		    norm, strlen(norm), key, sizeof(key), &keylen);
	if (rc != MFA_OK)
		mfa_cli_err(c, "--secret: not a valid base32 secret");
	else if (keylen < MFA_SECRET_KEY_MIN || keylen > MFA_SECRET_KEY_MAX) {
		mfa_cli_err(c,
		    "--secret: the key has %zu bytes; %d to %d are needed "
		    "(at least 128 bits)",
		    keylen, MFA_SECRET_KEY_MIN, MFA_SECRET_KEY_MAX);
		rc = MFA_ERR_RANGE;
	} else
		rc = mfa_secret_set_key(s, key, keylen);
	MFA_WIPE_ARRAY(norm);
	MFA_WIPE_ARRAY(key);
	return rc;
}

static int
term_columns(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/* Show the QR code, or the URI when there is no terminal to draw on. */
static void
show_uri(const struct mfa_cli *c, const struct enrol_opts *o, const char *uri)
{
	enum qr_choice qr = o->qr;
	int rc;

	if (qr == QR_AUTO)
		qr = c->stdout_tty ? QR_UTF8 : QR_NONE;
	if (qr != QR_NONE) {
		printf("Scan this QR code with your authenticator app (" APPS
		       "):\n\n");
		fflush(stdout);
		rc = mfa_qr_print(stdout, uri,
		    qr == QR_ANSI ? MFA_QR_ANSI : MFA_QR_UTF8, term_columns());
		if (rc == MFA_OK) {
			printf("\n");
			return;
		}
		printf("(the QR code does not fit this terminal: widen it, or "
		       "use the key below)\n");
	} else {
		printf("Add this key to your authenticator app (" APPS "):\n");
	}
	printf("  %s\n\n", uri);
}

/* Show the secret: QR code or URI, and the key in groups of four. */
static int
show_secret(const struct mfa_cli *c, const struct enrol_opts *o,
    const struct mfa_secret *s, const char *issuer, const char *label)
{
	char b32[MFA_BASE32_ENCODED_LEN(MFA_SECRET_KEY_MAX) + 1];
	char grouped[MFA_OTPAUTH_GROUP4_SIZE(sizeof(b32))];
	char *uri = NULL;
	int rc;

	rc = mfa_base32_encode(s->key, s->keylen, b32, sizeof(b32));
	if (rc == MFA_OK)
		rc = mfa_otpauth_uri(issuer, label, b32,
		    mfa_otp_alg_name(s->totp.alg), s->totp.digits,
		    s->totp.period, &uri);
	if (rc == MFA_OK)
		rc = mfa_otpauth_group4(b32, grouped, sizeof(grouped));
	if (rc != MFA_OK) {
		mfa_cli_err(c,
		    "cannot build the key URI: %s (check --issuer "
		    "and --label)",
		    mfa_strerror(rc));
		goto out;
	}
	show_uri(c, o, uri);
	printf("Or type the key by hand (time-based, %s, %u digits, %u s):\n"
	       "  %s\n\n",
	    mfa_otp_alg_name(s->totp.alg), s->totp.digits, s->totp.period,
	    grouped);
	fflush(stdout);
out:
	MFA_WIPE_ARRAY(b32);
	MFA_WIPE_ARRAY(grouped);
	mfa_strfree(uri);
	return rc;
}

/* Copy typed into code without the spaces apps show ("123 456"). */
static void
strip_spaces(const char *typed, char *code, size_t codesz)
{
	size_t n = 0;

	for (; *typed != '\0' && n + 1 < codesz; typed++)
		if (*typed != ' ' && *typed != '\t')
			code[n++] = *typed;
	code[n] = '\0';
}

static int
check_code(const struct mfa_cli *c, const struct mfa_secret *s,
    const char *typed, uint64_t *step)
{
	char code[MFA_CLI_ANSWER_MAX];
	int rc;

	strip_spaces(typed, code, sizeof(code));
	rc = mfa_totp_verify(s->key, s->keylen, &s->totp, mfa_cli_now(),
	    c->cfg.window, NULL, code, step);
	MFA_WIPE_ARRAY(code);
	if (rc == MFA_ERR_FORMAT)
		mfa_cli_err(c, "that is not a %u-digit code", s->totp.digits);
	else if (rc == MFA_ERR_MISMATCH || rc == MFA_ERR_REPLAY)
		mfa_cli_err(c, "wrong code (is the phone's clock right?)");
	else if (rc != MFA_OK)
		mfa_cli_err(c, "cannot check the code: %s", mfa_strerror(rc));
	return rc;
}

int
mfa_enrol_verify(const struct mfa_cli *c, const struct mfa_secret *s,
    const char *code, uint64_t *step)
{
	char typed[MFA_CLI_ANSWER_MAX];
	int i, rc = MFA_ERR_MISMATCH;

	if (code != NULL)
		return check_code(c, s, code, step) == MFA_OK
		    ? MFA_OK
		    : MFA_ERR_MISMATCH;
	for (i = 0; i < TRIES; i++) {
		rc = mfa_cli_ask(c, "Code shown by the app: ", "--code CODE",
		    typed, sizeof(typed));
		if (rc != MFA_OK)
			break;
		rc = check_code(c, s, typed, step);
		MFA_WIPE_ARRAY(typed);
		if (rc == MFA_OK)
			return MFA_OK;
	}
	MFA_WIPE_ARRAY(typed);
	if (rc != MFA_ERR_NOENT && rc != MFA_ERR_TOOBIG && rc != MFA_ERR_SYSTEM)
		mfa_cli_err(c, "%d wrong codes", TRIES);
	return rc == MFA_OK ? MFA_ERR_MISMATCH : rc;
}

/*
 * Root acting for a user: record in the module's state the enrolment of s
 * (a NULL), or the step the new authenticator a of s has used up.
 */
static int
record_step(const struct mfa_cli *c, const struct mfa_secret *s,
    const struct mfa_authenticator *a, int64_t now, uint64_t step)
{
	struct mfa_cli_state cs;
	char why[256] = "";
	int rc;

	rc = mfa_cli_state_begin(c, 1, &cs, why, sizeof(why));
	if (rc == MFA_OK) {
		/* The verified step is used up: that code cannot log in. */
		if (a == NULL)
			mfa_enrolment_mark(&cs.st, s->id, now, &step);
		else
			mfa_enrolment_set_floor(&cs.st, s, a, step, 0);
		rc = mfa_store_commit(cs.txn, &cs.st, now);
	}
	mfa_cli_state_end(&cs);
	if (rc != MFA_OK)
		mfa_cli_err(c, "the file is written, but %s's state in %s: %s",
		    c->user, mfa_store_config_where(&c->cfg),
		    why[0] != '\0' ? why : mfa_strerror(rc));
	return rc;
}

int
mfa_enrol_save(const struct mfa_cli *c, const struct mfa_secret *s, int64_t now,
    uint64_t step)
{
	char why[MFA_USERFILE_WHY] = "";
	int rc;

	rc = mfa_userfile_write(c, s, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s; nothing was changed", why);
		return rc;
	}
	if (c->admin)
		rc = record_step(c, s, NULL, now, step);
	if (c->admin && rc == MFA_OK)
		mfa_admin_event(c, MFA_EVENT_ENROLMENT, "provisioned");
	return rc;
}

/* Does any file of /etc/pam.d mention pam_mfa already? */
static int
pam_configured(void)
{
	char buf[65536];
	struct dirent *de;
	DIR *d = opendir(MFA_SYSCONFDIR "/pam.d");
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		ssize_t n;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), de->d_name,
		    O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			found = strstr(buf, "pam_mfa") != NULL;
		}
	}
	closedir(d);
	return found;
}

void
mfa_enrol_next_steps(const struct mfa_cli *c)
{
	printf("\nWhat next:\n");
	if (!pam_configured())
		printf("  - The system does not ask for codes yet.  An admin "
		       "adds this line after\n    the password module in "
		       "/etc/pam.d/sshd (and /etc/pam.d/login):\n"
		       "        auth required pam_mfa.so\n");
	printf("  - Test with a second login before you close this one%s.\n",
	    c->admin ? ""
		     : "\n    (ssh in again and type a code from the app)");
	printf("  - Lost the phone?  Log in with a backup code, then run "
	       "mfa-enroll again.\n");
}

/*
 * The other authenticators stay (they keep their ids, and so their replay
 * floors): enrolment replaces only the file's own one, now called "app".
 */
static void
carry_authenticators(const struct mfa_secret *old, struct mfa_secret *s)
{
	struct mfa_authenticator a;
	size_t i;

	for (i = 1; i < mfa_secret_auth_count(old); i++)
		if (mfa_secret_auth_get(old, i, &a) == MFA_OK &&
		    strcmp(a.name, s->name) != 0)
			(void)mfa_secret_auth_add(s, &a); /* fits: fewer */
	MFA_WIPE_OBJ(&a);
}

/* Carry the address, phone and trust generation of a previous file. */
static void
carry_over(const struct mfa_cli *c, struct mfa_secret *s)
{
	struct mfa_secret *old = NULL;
	char why[MFA_USERFILE_WHY] = "";
	int rc;

	rc = mfa_userfile_load(c, &old, why, sizeof(why));
	if (rc == MFA_ERR_NOENT)
		return;
	if (rc != MFA_OK) {
		printf("Note: the current enrolment file cannot be read (%s);"
		       " it will be replaced.\n",
		    why);
		return;
	}
	printf("You are enrolled already: the current enrolment stays until "
	       "a new code is\nconfirmed.  Trusted devices will be "
	       "forgotten.\n\n");
	if (old->email != NULL)
		mfa_secret_set_email(s, old->email, NULL, 0);
	if (old->phone != NULL)
		mfa_secret_set_phone(s, old->phone, NULL, 0);
	/* A new enrolment invalidates trusted devices: bump the generation. */
	s->trust_generation =
	    old->trust_generation == UINT32_MAX ? 0 : old->trust_generation + 1;
	carry_authenticators(old, s);
	mfa_secret_free(old);
}

/* Build the record: a new id and key, or the imported key. */
static int
make_secret(const struct mfa_cli *c, const struct enrol_opts *o,
    struct mfa_secret **out, int64_t now)
{
	int rc;

	rc = mfa_secret_new(out);
	if (rc == MFA_OK)
		rc = mfa_secret_generate(*out, MFA_SECRET_KEY_DEFAULT, now);
	if (rc != MFA_OK) {
		mfa_cli_err(c, "cannot make a secret: %s", mfa_strerror(rc));
		return rc;
	}
	if (o->secret != NULL)
		rc = import_key(c, *out, o->secret);
	if (rc == MFA_OK)
		carry_over(c, *out);
	return rc;
}

/* After a verified code: backup codes, the file, then what to do. */
static int
finish(
    const struct mfa_cli *c, struct mfa_secret *s, int64_t now, uint64_t step)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	int rc;

	rc = mfa_backup_new_set(s, display, now);
	if (rc != MFA_OK) {
		mfa_cli_err(c,
		    "cannot make backup codes: %s; nothing was "
		    "changed",
		    mfa_strerror(rc));
		return MFA_EXIT_FAIL;
	}
	rc = mfa_enrol_save(c, s, now, step);
	if (rc == MFA_OK) {
		printf("\nCode accepted: %s is enrolled.\n", c->user);
		mfa_backupcmd_print(display);
		mfa_enrol_next_steps(c);
	}
	MFA_WIPE_ARRAY(display);
	return rc == MFA_OK ? MFA_EXIT_OK : MFA_EXIT_FAIL;
}

/* The names the app shows: --issuer / issuer= / host, --label / user@host */
static void
names(const struct mfa_cli *c, const struct enrol_opts *o, char *issuer,
    size_t issz, char *label, size_t lbsz)
{
	char host[256];

	mfa_cli_hostname(host, sizeof(host));
	snprintf(issuer, issz, "%s",
	    o->issuer != NULL           ? o->issuer
		: c->cfg.issuer != NULL ? c->cfg.issuer
					: host);
	if (o->label != NULL)
		snprintf(label, lbsz, "%s", o->label);
	else
		snprintf(label, lbsz, "%s@%s", c->user, host);
}

int
mfa_enrol_run(struct mfa_cli *c, int argc, char **argv)
{
	char issuer[2 * MFA_OTPAUTH_MAX_NAME], label[2 * MFA_OTPAUTH_MAX_NAME];
	char why[MFA_USERFILE_WHY] = "";
	struct enrol_opts o;
	struct mfa_secret *s = NULL;
	int64_t now = mfa_cli_now();
	uint64_t step = 0;
	int rc;

	rc = parse_opts(argc, argv, &o, enrol_usage);
	if (rc != MFA_EXIT_OK)
		return rc < 0 ? MFA_EXIT_OK : rc;
	/* Refuse a bad target before showing anything. */
	if (mfa_userfile_check(c, why, sizeof(why)) != MFA_OK) {
		mfa_cli_err(c, "%s", why);
		return MFA_EXIT_FAIL;
	}
	if (make_secret(c, &o, &s, now) != MFA_OK) {
		mfa_secret_free(s);
		return MFA_EXIT_FAIL;
	}
	names(c, &o, issuer, sizeof(issuer), label, sizeof(label));
	rc = show_secret(c, &o, s, issuer, label);
	if (rc == MFA_OK)
		rc = mfa_enrol_verify(c, s, o.code, &step);
	if (rc == MFA_OK)
		rc = finish(c, s, now, step);
	else {
		mfa_cli_err(c, "not enrolled: nothing was changed");
		rc = MFA_EXIT_FAIL;
	}
	mfa_secret_free(s);
	return rc;
}

/* --name, or the first of app2, app3... (token, token2... for a token)
 * that is free. */
static int
pick_name(const struct mfa_cli *c, const struct mfa_secret *cur,
    const struct enrol_opts *o, char *name, size_t namesz)
{
	const char *want = o->name;

	if (want != NULL) {
		if (mfa_secret_name_check(want) != MFA_OK) {
			mfa_cli_err(c, "--name: " MFA_SECRET_NAME_RULE);
			return MFA_ERR_FORMAT;
		}
		if (mfa_secret_auth_find(cur, want) >= 0) {
			mfa_cli_err(c,
			    "there is an authenticator called %s already "
			    "(see mfa-enroll list)",
			    want);
			return MFA_ERR_DUPLICATE;
		}
		snprintf(name, namesz, "%s", want);
		return MFA_OK;
	}
	mfa_enrolment_free_name(cur, o->hotp, name, namesz);
	return MFA_OK;
}

/* The file of an enrolled user with room for one more authenticator. */
static int
load_for_add(const struct mfa_cli *c, struct mfa_secret **cur)
{
	char why[MFA_USERFILE_WHY] = "";
	int rc;

	rc = mfa_userfile_load(c, cur, why, sizeof(why));
	if (rc == MFA_ERR_NOENT)
		mfa_cli_err(c,
		    "%s is not enrolled: run mfa-enroll first (it sets up the "
		    "first authenticator)",
		    c->user);
	else if (rc != MFA_OK)
		mfa_cli_err(c, "%s", why);
	else if (mfa_secret_auth_count(*cur) >= MFA_SECRET_AUTH_MAX) {
		mfa_cli_err(c,
		    "%s has %d authenticators already, the most there can be: "
		    "remove one first (mfa-enroll remove NAME)",
		    c->user, MFA_SECRET_AUTH_MAX);
		rc = MFA_ERR_TOOBIG;
	}
	return rc;
}

/* The new authenticator (key and parameters of tmp) into cur, saved. */
static int
save_added(const struct mfa_cli *c, struct mfa_secret *cur,
    const struct mfa_secret *tmp, const char *name, uint64_t step, int hotp)
{
	struct mfa_authenticator a;
	char why[MFA_USERFILE_WHY] = "";
	int rc;

	mfa_enrolment_authenticator(tmp, name, hotp, &a);
	rc = mfa_secret_auth_add(cur, &a);
	if (rc == MFA_OK)
		rc = mfa_userfile_write(c, cur, why, sizeof(why));
	if (rc != MFA_OK)
		mfa_cli_err(c, "%s; nothing was changed",
		    why[0] != '\0' ? why : mfa_strerror(rc));
	if (rc == MFA_OK && c->admin)
		rc = record_step(c, cur, &a, tmp->created, step);
	if (rc == MFA_OK && c->admin)
		mfa_admin_auth_event(
		    c, MFA_EVENT_ENROLMENT, a.name, "authenticator added");
	MFA_WIPE_OBJ(&a);
	return rc;
}

/*
 * An HOTP token's key (--secret): hex when it is hex digits only (as
 * token vendors ship seeds), else base32 as for an app.
 */
static int
import_hotp_key(
    const struct mfa_cli *c, struct mfa_secret *s, const char *typed)
{
	unsigned char key[MFA_SECRET_KEY_MAX];
	char lower[2 * MFA_SECRET_KEY_MAX + 1];
	size_t n = strlen(typed), i;
	int rc;

	if (n == 0 || n % 2 != 0 || n > 2 * MFA_SECRET_KEY_MAX ||
	    strspn(typed, "0123456789abcdefABCDEF") != n)
		return import_key(c, s, typed);
	for (i = 0; i <= n; i++)
		lower[i] = (char)(typed[i] >= 'A' && typed[i] <= 'F'
			? typed[i] - 'A' + 'a'
			: typed[i]);
	rc = mfa_text_hex_decode(lower, key, n / 2);
	if (rc == MFA_OK && n / 2 < MFA_SECRET_KEY_MIN) {
		mfa_cli_err(c,
		    "--secret: the key has %zu bytes; at least %d are needed "
		    "(128 bits)",
		    n / 2, MFA_SECRET_KEY_MIN);
		rc = MFA_ERR_RANGE;
	} else if (rc == MFA_OK)
		rc = mfa_secret_set_key(s, key, n / 2);
	MFA_WIPE_ARRAY(key);
	MFA_WIPE_ARRAY(lower);
	return rc;
}

/* The token's code (--code, or asked): its counter in *counter. */
static int
hotp_first_code(const struct mfa_cli *c, struct mfa_secret *tmp,
    const char *code, uint64_t *counter)
{
	char typed[MFA_CLI_ANSWER_MAX];
	int rc;

	if (code != NULL)
		snprintf(typed, sizeof(typed), "%s", code);
	else if (mfa_cli_ask(c, "Code shown by the token: ", "--code CODE",
		     typed, sizeof(typed)) != MFA_OK)
		return MFA_ERR_NOENT;
	/* A token shows 6 or 8 digits: take the length it answered with. */
	tmp->totp.digits = strlen(typed) == 8 ? 8 : 6;
	rc = mfa_hotp_verify(tmp->key, tmp->keylen, tmp->totp.alg,
	    tmp->totp.digits, NULL, c->cfg.hotp_window, typed, counter);
	MFA_WIPE_ARRAY(typed);
	if (rc != MFA_OK)
		mfa_cli_err(c,
		    "wrong code: not one of the token's first %u codes "
		    "(hotp_window); if it was used elsewhere, add it and run "
		    "mfa-enroll resync",
		    c->cfg.hotp_window);
	return rc;
}

/* Show tmp's key, check a code from it (an app's, or a token's). */
static int
check_new(struct mfa_cli *c, const struct enrol_opts *o, struct mfa_secret *tmp,
    uint64_t *step)
{
	char issuer[2 * MFA_OTPAUTH_MAX_NAME], label[2 * MFA_OTPAUTH_MAX_NAME];
	int rc;

	if (o->hotp)
		return hotp_first_code(c, tmp, o->code, step);
	names(c, o, issuer, sizeof(issuer), label, sizeof(label));
	rc = show_secret(c, o, tmp, issuer, label);
	if (rc == MFA_OK)
		rc = mfa_enrol_verify(c, tmp, o->code, step);
	return rc;
}

/* Show tmp's key, check a code from it, add it to cur. */
static int
add_verified(struct mfa_cli *c, const struct enrol_opts *o,
    struct mfa_secret *cur, struct mfa_secret *tmp, const char *name)
{
	uint64_t step = 0;

	if (check_new(c, o, tmp, &step) != MFA_OK) {
		mfa_cli_err(c, "not added: nothing was changed");
		return MFA_EXIT_FAIL;
	}
	if (save_added(c, cur, tmp, name, step, o->hotp) != MFA_OK)
		return MFA_EXIT_FAIL;
	printf("\nCode accepted: authenticator %s added for %s (%zu of %d).\n",
	    name, c->user, mfa_secret_auth_count(cur), MFA_SECRET_AUTH_MAX);
	return MFA_EXIT_OK;
}

/* --hotp: root's (the counter is in the module's state), with a key. */
static int
hotp_allowed(const struct mfa_cli *c, const struct enrol_opts *o)
{
	if (!o->hotp)
		return 1;
	if (!c->admin)
		mfa_cli_err(c,
		    "--hotp needs root and --user NAME: a token's "
		    "counter is kept in the module's state");
	else if (o->secret == NULL)
		mfa_cli_err(c,
		    "--hotp needs --secret HEX|BASE32, the token's "
		    "key");
	return c->admin && o->secret != NULL;
}

int
mfa_enrol_add_run(struct mfa_cli *c, int argc, char **argv)
{
	char name[MFA_SECRET_NAME_MAX + 1];
	struct mfa_secret *cur = NULL, *tmp = NULL;
	struct enrol_opts o;
	int rc;

	rc = parse_opts(argc, argv, &o, add_usage);
	if (rc != MFA_EXIT_OK)
		return rc < 0 ? MFA_EXIT_OK : rc;
	if (!hotp_allowed(c, &o))
		return MFA_EXIT_USAGE;
	rc = MFA_EXIT_FAIL;
	if (load_for_add(c, &cur) != MFA_OK ||
	    pick_name(c, cur, &o, name, sizeof(name)) != MFA_OK)
		goto out;
	if (mfa_enrolment_new(mfa_cli_now(), &tmp) != MFA_OK) {
		mfa_cli_err(c, "cannot make a secret");
		goto out;
	}
	if (o.period != 0)
		tmp->totp.period = o.period;
	if (o.secret != NULL &&
	    (o.hotp ? import_hotp_key(c, tmp, o.secret)
		    : import_key(c, tmp, o.secret)) != MFA_OK)
		goto out;
	rc = add_verified(c, &o, cur, tmp, name);
out:
	mfa_secret_free(tmp);
	mfa_secret_free(cur);
	return rc;
}
