/*
 * import_ga.c - "mfa-enroll import-google-authenticator [FILE]": convert
 * a ~/.google_authenticator file.
 *
 * Its format: line 1 the base32 secret; option lines starting with '" '
 * (" TOTP_AUTH, " STEP_SIZE n, " WINDOW_SIZE n, " RATE_LIMIT n m ...,
 * " DISALLOW_REUSE ..., " HOTP_COUNTER n); then up to 10 scratch codes of
 * 8 digits, one per line.  The secret and the step size carry over; each
 * scratch code becomes the backup code "<slot digit><8 digits>", stored
 * hashed like any other.  The original file is only read.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base32.h"
#include "commands.h"
#include "error.h"
#include "mem.h"
#include "random.h"
#include "userfile.h"

#define GA_MAX_SIZE 4096
#define GA_SCRATCH_DIGITS 8

static const char ga_usage[] =
    "usage: mfa-enroll [--user NAME] import-google-authenticator [--code "
    "CODE]\n"
    "       [--allow-short-key] [FILE]\n"
    "\n"
    "Convert a google-authenticator file (default ~/.google_authenticator)\n"
    "into a pam_mfa enrolment: the secret and the step size carry over, so\n"
    "the app keeps working; the scratch codes become backup codes, typed\n"
    "with their slot number first (0-12345678).  One code from the app is\n"
    "checked first (--code CODE answers without a prompt).  FILE itself is\n"
    "left untouched.  Counter-based (HOTP) files are not supported.\n"
    "\n"
    "  --allow-short-key  also a key under 128 bits (old files, 80 bits);\n"
    "                    the module accepts it only with legacy_short_keys\n"
    "\n"
    "Exit status: 0 imported, 1 failed, 2 usage.\n";

struct ga_file {
	char secret[2 * MFA_BASE32_ENCODED_LEN(MFA_SECRET_KEY_MAX) + 2];
	unsigned int period;
	char scratch[MFA_BACKUP_SLOTS][GA_SCRATCH_DIGITS + 1];
	unsigned int nscratch;
};

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/* One '" ' option line (without the prefix). */
static int
ga_option(struct ga_file *g, const char *opt, char *why, size_t whysz)
{
	const char *arg = strchr(opt, ' ');
	size_t klen = arg != NULL ? (size_t)(arg - opt) : strlen(opt);
	unsigned long v;

	if (klen == 12 && strncmp(opt, "HOTP_COUNTER", klen) == 0) {
		snprintf(why, whysz,
		    "a counter-based (HOTP) file: pam_mfa "
		    "supports only time-based codes (TOTP)");
		return MFA_ERR_FORMAT;
	}
	if (klen == 9 && strncmp(opt, "STEP_SIZE", klen) == 0) {
		if (arg == NULL || strlen(arg + 1) > 3 ||
		    !all_digits(arg + 1, strlen(arg + 1)))
			goto bad;
		v = strtoul(arg + 1, NULL, 10);
		if (v < 15 || v > 300) {
			snprintf(why, whysz,
			    "STEP_SIZE %lu: pam_mfa needs 15 to 300 seconds",
			    v);
			return MFA_ERR_RANGE;
		}
		g->period = (unsigned int)v;
	}
	/* TOTP_AUTH, WINDOW_SIZE, RATE_LIMIT, DISALLOW_REUSE, TIME_SKEW:
	 * pam_mfa's window=, deny= and replay protection are site policy. */
	return MFA_OK;
bad:
	snprintf(why, whysz, "a bad STEP_SIZE line");
	return MFA_ERR_FORMAT;
}

/* One line of the file (NUL-terminated, no '\n'), number lineno. */
static int
ga_line(struct ga_file *g, unsigned int lineno, const char *line, char *why,
    size_t whysz)
{
	size_t n = strlen(line);

	if (lineno == 1) {
		if (n == 0 || n >= sizeof(g->secret)) {
			snprintf(why, whysz, "no secret on the first line");
			return MFA_ERR_FORMAT;
		}
		memcpy(g->secret, line, n + 1);
		return MFA_OK;
	}
	if (n >= 2 && line[0] == '"' && line[1] == ' ')
		return ga_option(g, line + 2, why, whysz);
	if (n == 0)
		return MFA_OK;
	if (n != GA_SCRATCH_DIGITS || !all_digits(line, n)) {
		snprintf(why, whysz,
		    "neither an option nor an 8-digit "
		    "scratch code");
		return MFA_ERR_FORMAT;
	}
	if (g->nscratch == MFA_BACKUP_SLOTS) {
		snprintf(
		    why, whysz, "more than %d scratch codes", MFA_BACKUP_SLOTS);
		return MFA_ERR_TOOBIG;
	}
	memcpy(g->scratch[g->nscratch++], line, n + 1);
	return MFA_OK;
}

/* Parse the whole file; buf is NUL-terminated and is modified. */
static int
ga_parse(char *buf, struct ga_file *g, char *why, size_t whysz)
{
	char reason[200] = "";
	unsigned int lineno = 0;
	char *line = buf, *nl;
	int rc = MFA_OK;

	memset(g, 0, sizeof(*g));
	g->period = 30;
	while (rc == MFA_OK && *line != '\0') {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl = '\0';
		lineno++;
		if (strchr(line, '\r') != NULL) {
			snprintf(reason, sizeof(reason), "a carriage return");
			rc = MFA_ERR_FORMAT;
		} else {
			rc = ga_line(g, lineno, line, reason, sizeof(reason));
		}
		line = nl != NULL ? nl + 1 : line + strlen(line);
	}
	if (rc == MFA_OK && lineno == 0) {
		snprintf(why, whysz, "the file is empty");
		return MFA_ERR_FORMAT;
	}
	if (rc != MFA_OK)
		snprintf(why, whysz, "line %u: %s", lineno, reason);
	return rc;
}

/* --allow-short-key: keys of 80..120 bits (legacy-short-key). */
static int allow_short;

/* The secret of g into s (at least 128 bits, or 80 with allow_short). */
static int
ga_key(const struct ga_file *g, struct mfa_secret *s, char *why, size_t whysz)
{
	char norm[sizeof(g->secret)];
	unsigned char key[MFA_SECRET_KEY_MAX + 8];
	size_t keylen = 0;
	int rc;

	rc = mfa_base32_normalize(g->secret, norm, sizeof(norm));
	if (rc == MFA_OK)
		rc = mfa_base32_decode(
		    norm, strlen(norm), key, sizeof(key), &keylen);
	if (rc != MFA_OK)
		snprintf(why, whysz, "line 1: not a base32 secret");
	else if (keylen < (allow_short ? MFA_SECRET_KEY_LEGACY_MIN
				       : MFA_SECRET_KEY_MIN) ||
	    keylen > MFA_SECRET_KEY_MAX) {
		snprintf(why, whysz,
		    "the secret has %zu bits; pam_mfa needs 128 to 512 (make "
		    "a new enrolment with mfa-enroll instead, or import it "
		    "with --allow-short-key where legacy_short_keys is set)",
		    keylen * 8);
		rc = MFA_ERR_RANGE;
	} else {
		s->short_key = keylen < MFA_SECRET_KEY_MIN;
		rc = mfa_secret_set_key(s, key, keylen);
		if (rc == MFA_OK && s->short_key)
			printf("Note: the key has %zu bits, under 128: the "
			       "module accepts it only where legacy_short_keys "
			       "is set.  Enrol again when you can.\n",
			    keylen * 8);
	}
	MFA_WIPE_ARRAY(norm);
	MFA_WIPE_ARRAY(key);
	return rc;
}

/* Each scratch code becomes backup slot i, code "<i><8 digits>". */
static int
ga_backup(const struct ga_file *g, struct mfa_secret *s, int64_t now)
{
	char code[MFA_BACKUP_CODE_SIZE];
	unsigned int i;
	int rc;

	mfa_secret_clear_backup(s);
	if (g->nscratch == 0)
		return MFA_OK;
	rc = mfa_random_bytes(s->backup_set, sizeof(s->backup_set));
	for (i = 0; rc == MFA_OK && i < g->nscratch; i++) {
		code[0] = (char)('0' + i);
		memcpy(code + 1, g->scratch[i], GA_SCRATCH_DIGITS + 1);
		rc = mfa_backup_hash(code, &s->backup[i]);
	}
	MFA_WIPE_ARRAY(code);
	if (rc != MFA_OK) {
		mfa_secret_clear_backup(s);
		return rc;
	}
	s->has_backup = 1;
	s->backup_created = now;
	return MFA_OK;
}

/* The file to read: FILE (made absolute) or ~/.google_authenticator. */
static char *
ga_path(const struct mfa_cli *c, const char *arg)
{
	char cwd[4096], *path = NULL;

	if (arg == NULL) {
		if (asprintf(&path, "%s/.google_authenticator", c->home) < 0)
			return NULL;
	} else if (arg[0] == '/') {
		path = strdup(arg);
	} else if (getcwd(cwd, sizeof(cwd)) != NULL) {
		if (asprintf(&path, "%s/%s", strcmp(cwd, "/") == 0 ? "" : cwd,
			arg) < 0)
			return NULL;
	}
	return path;
}

/* Read and convert the file into s.  Messages printed. */
static int
ga_load(const struct mfa_cli *c, const char *path, struct mfa_secret *s,
    struct ga_file *g, int64_t now)
{
	char why[MFA_USERFILE_WHY] = "", *buf = NULL;
	size_t len = 0;
	int rc;

	rc = mfa_userfile_read(
	    c, path, GA_MAX_SIZE, &buf, &len, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s", why);
		return rc;
	}
	rc = ga_parse(buf, g, why, sizeof(why));
	mfa_freezero(buf, len + 1);
	if (rc == MFA_OK)
		rc = ga_key(g, s, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s: %s; nothing was changed", path, why);
		return rc;
	}
	s->totp.period = g->period;
	rc = ga_backup(g, s, now);
	if (rc != MFA_OK)
		mfa_cli_err(
		    c, "cannot hash the scratch codes: %s", mfa_strerror(rc));
	return rc;
}

static void
ga_report(const struct ga_file *g, const char *path)
{
	unsigned int i;

	printf("\nImported %s: the app keeps working.\n", path);
	if (g->nscratch == 0)
		return;
	printf("Your scratch codes still work as backup codes: type them with "
	       "their slot\nnumber first:");
	for (i = 0; i < g->nscratch; i++)
		printf(
		    "%s%u-%s", i % 4 == 0 ? "\n    " : ", ", i, g->scratch[i]);
	printf("\nYou can make a fresh set with mfa-enroll backup-codes.\n");
}

static int
parse_args(int argc, char **argv, const char **code, const char **file)
{
	static const struct option longopts[] = {
	    {"code", required_argument, NULL, 'c'},
	    {"allow-short-key", no_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int ch;

	*code = *file = NULL;
	allow_short = 0;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (ch == 'c') {
			*code = optarg;
		} else if (ch == 'S') {
			allow_short = 1;
		} else if (ch == 'h') {
			fputs(ga_usage, stdout);
			return MFA_EXIT_OK;
		} else {
			fputs(ga_usage, stderr);
			return MFA_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fputs(ga_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	*file = optind < argc ? argv[optind] : NULL;
	return -1;
}

int
mfa_import_ga_run(struct mfa_cli *c, int argc, char **argv)
{
	char why[MFA_USERFILE_WHY] = "";
	const char *code, *file;
	struct mfa_secret *s = NULL;
	struct ga_file g;
	int64_t now = mfa_cli_now();
	uint64_t step = 0;
	char *path = NULL;
	int rc, ex = MFA_EXIT_FAIL;

	memset(&g, 0, sizeof(g));
	rc = parse_args(argc, argv, &code, &file);
	if (rc >= 0)
		return rc;
	if (mfa_userfile_check(c, why, sizeof(why)) != MFA_OK) {
		mfa_cli_err(c, "%s", why);
		return MFA_EXIT_FAIL;
	}
	path = ga_path(c, file);
	rc = path != NULL ? mfa_secret_new(&s) : MFA_ERR_NOMEM;
	if (rc == MFA_OK)
		rc = mfa_secret_generate(s, MFA_SECRET_KEY_DEFAULT, now);
	if (rc == MFA_OK)
		rc = ga_load(c, path, s, &g, now);
	if (rc == MFA_OK) {
		printf("Checking one code from the app (the account that "
		       "google-authenticator set up).\n");
		rc = mfa_enrol_verify(c, s, code, &step);
		if (rc != MFA_OK)
			mfa_cli_err(c, "not imported: nothing was changed");
	}
	if (rc == MFA_OK && mfa_enrol_save(c, s, now, step) == MFA_OK) {
		ga_report(&g, path);
		mfa_enrol_next_steps(c);
		ex = MFA_EXIT_OK;
	}
	MFA_WIPE_OBJ(&g);
	mfa_secret_free(s);
	free(path);
	return ex;
}
