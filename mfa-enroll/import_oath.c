/*
 * import_oath.c - "mfa-enroll import-oath FILE [--user NAME|--all]": move
 * users of pam_oath (oath-toolkit's users file) to pam_mfa without
 * enrolling anyone again.
 *
 * Each line is "TYPE USER PIN HEXKEY [COUNTER [LASTOTP [TIME]]]", blanks
 * between fields, '#' comments.  TYPE is HOTP or HOTP/E (counter-based),
 * HOTP/T30 or HOTP/T60 (time-based, that many seconds), each optionally
 * followed by "/6" or "/8" digits.  pam_mfa has no PIN: a line with one
 * (anything but "-" or "+") is refused with a message and skipped.  The
 * key becomes an authenticator of the user ("oath", "oath2"...), the
 * file's own one when the user had no enrolment.  The COUNTER of an HOTP
 * line is carried as oath-toolkit means it: with a LASTOTP, the counter of
 * that last accepted code (pam_oath refuses it by its text), so COUNTER
 * becomes the token's last used counter in root's state; without one, the
 * next counter to accept, so COUNTER - 1 does (none for 0).  Root only:
 * the file is root's and so is the state.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "enrolment.h"
#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "random.h"
#include "store.h"
#include "store_open.h"
#include "text.h"
#include "userfile.h"

#define OATH_MAX_SIZE (1024 * 1024)

static const char oath_usage[] =
    "usage: mfa-enroll import-oath FILE --user NAME | --all\n"
    "\n"
    "Import pam_oath users (an oath-toolkit users file, such as\n"
    "/etc/users.oath): each HOTP, HOTP/T30 or HOTP/T60 line (/6 or /8\n"
    "digits) becomes an authenticator of its user (\"oath\"), the\n"
    "enrolment itself for a user who has none; HOTP counters carry over.\n"
    "Lines with a PIN are refused (pam_mfa has none).  A key imported\n"
    "already is skipped.  Root only.\n"
    "\n"
    "  --user NAME       only NAME's lines\n"
    "  --all             every line\n"
    "\n"
    "Exit status: 0 all imported, 1 a line was refused, 2 usage.\n";

struct oath_line {
	char *user, *pin, *hex, *counter;
	struct mfa_authenticator a; /* type, key (secret) */
	uint64_t moving;            /* COUNTER, 0 when absent */
	int used;                   /* a LASTOTP follows: COUNTER was used */
};

/* "HOTP[/E|/T30|/T60][/6|/8]" into a's kind and parameters. */
static int
parse_type(const char *t, struct mfa_authenticator *a)
{
	if (strncmp(t, "HOTP", 4) != 0)
		return MFA_ERR_FORMAT;
	t += 4;
	a->hotp = 1;
	a->totp.alg = MFA_OTP_SHA1;
	a->totp.digits = 6;
	a->totp.period = 30;
	if (strncmp(t, "/E", 2) == 0)
		t += 2;
	else if (strncmp(t, "/T30", 4) == 0 || strncmp(t, "/T60", 4) == 0) {
		a->hotp = 0;
		a->totp.period = t[2] == '3' ? 30 : 60;
		t += 4;
	}
	if (strcmp(t, "/8") == 0 || strcmp(t, "/6") == 0) {
		a->totp.digits = (unsigned int)(t[1] - '0');
		t += 2;
	}
	return *t == '\0' ? MFA_OK : MFA_ERR_FORMAT;
}

/* The key: lower- or upper-case hex of 16..64 bytes. */
static int
parse_key(char *hex, struct mfa_authenticator *a)
{
	size_t n = strlen(hex), i;

	for (i = 0; i < n; i++)
		if (hex[i] >= 'A' && hex[i] <= 'F')
			hex[i] = (char)(hex[i] - 'A' + 'a');
	if (n % 2 != 0 || n / 2 < MFA_SECRET_KEY_MIN ||
	    n / 2 > MFA_SECRET_KEY_MAX ||
	    mfa_text_hex_decode(hex, a->key, n / 2) != MFA_OK)
		return MFA_ERR_FORMAT;
	a->keylen = n / 2;
	return MFA_OK;
}

/* Split a line into l; why says what is wrong. */
static int
parse_line(char *line, struct oath_line *l, const char **why)
{
	char *f[6] = {NULL}, *save = NULL, *t;
	size_t n = 0;

	memset(l, 0, sizeof(*l));
	for (t = strtok_r(line, " \t", &save); t != NULL && n < 6;
	     t = strtok_r(NULL, " \t", &save))
		f[n++] = t;
	*why = "want TYPE USER PIN KEY [COUNTER]";
	if (n < 4)
		return MFA_ERR_FORMAT;
	l->user = f[1];
	l->pin = f[2];
	*why = "unknown type (HOTP, HOTP/T30, HOTP/T60, then /6 or /8)";
	if (parse_type(f[0], &l->a) != MFA_OK)
		return MFA_ERR_FORMAT;
	*why = "has a PIN, which pam_mfa does not have: set it to - in a "
	       "copy of the file, the PIN stays the user's password";
	if (strcmp(l->pin, "-") != 0 && strcmp(l->pin, "+") != 0)
		return MFA_ERR_DENIED;
	*why = "the key is not hex of 16 to 64 bytes (128 bits at least)";
	if (parse_key(f[3], &l->a) != MFA_OK)
		return MFA_ERR_FORMAT;
	*why = "the counter is not a number";
	if (f[4] != NULL &&
	    mfa_text_uint(f[4], UINT64_MAX, &l->moving, NULL) != MFA_OK)
		return MFA_ERR_FORMAT;
	l->used = f[4] != NULL && f[5] != NULL;
	*why = NULL;
	return MFA_OK;
}

/* A key of s already?  (A second run imports nothing twice.) */
static int
has_key(const struct mfa_secret *s, const struct mfa_authenticator *a)
{
	struct mfa_authenticator b;
	size_t i;
	int same = 0;

	for (i = 0; i < mfa_secret_auth_count(s); i++)
		if (mfa_secret_auth_get(s, i, &b) == MFA_OK &&
		    b.keylen == a->keylen)
			same |= mfa_ct_equal(b.key, a->key, a->keylen);
	MFA_WIPE_OBJ(&b);
	return same;
}

/* a into s (new: s is NULL, a becomes its own); its index in *idx. */
static int
place(struct mfa_secret **s, struct mfa_authenticator *a, int64_t now,
    size_t *idx)
{
	unsigned int i;
	int rc;

	if (*s == NULL) {
		if ((rc = mfa_enrolment_new(now, s)) != MFA_OK ||
		    (rc = mfa_secret_set_key(*s, a->key, a->keylen)) != MFA_OK)
			return rc;
		(*s)->totp = a->totp;
		(*s)->hotp = a->hotp;
		snprintf((*s)->name, sizeof((*s)->name), "oath");
		*idx = 0;
		return MFA_OK;
	}
	for (i = 1; i < 100; i++) {
		snprintf(
		    a->name, sizeof(a->name), i == 1 ? "oath" : "oath%u", i);
		if (mfa_secret_auth_find(*s, a->name) < 0)
			break;
	}
	a->created = now;
	if ((rc = mfa_random_bytes(a->id, sizeof(a->id))) == MFA_OK &&
	    (rc = mfa_secret_auth_add(*s, a)) == MFA_OK)
		*idx = (*s)->nextra;
	return rc;
}

/*
 * The last used counter or step a line carries into root's state: 1 and
 * *floor, or 0 for none.  HOTP: COUNTER as oath-toolkit means it (the
 * counter of the last code when one follows, else the next to accept).
 * TOTP with a last code: that code's step is at most the step of now, so
 * now's step becomes the floor and pam_oath's last code stays spent (a
 * code of this very step waits for the next one).
 */
static int
carried_floor(const struct oath_line *l, int64_t now, uint64_t *floor)
{
	if (l->a.hotp && (l->used || l->moving > 0)) {
		*floor = l->used ? l->moving : l->moving - 1;
		return 1;
	}
	if (!l->a.hotp && l->used && l->a.totp.period > 0 && now > 0) {
		*floor = (uint64_t)now / l->a.totp.period;
		return 1;
	}
	return 0;
}

/* Root's record: a new enrolment's mark, the floor the line carries. */
static int
record(const struct mfa_cli *u, const struct mfa_secret *s, size_t idx,
    int fresh, const struct oath_line *l, int64_t now)
{
	struct mfa_authenticator a;
	struct mfa_cli_state cs;
	char why[256] = "";
	uint64_t floor = 0;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = mfa_cli_state_begin(u, 1, &cs, why, sizeof(why));
	if (rc == MFA_OK && fresh)
		mfa_enrolment_mark(&cs.st, s->id, now, NULL);
	if (rc == MFA_OK && carried_floor(l, now, &floor) &&
	    mfa_secret_auth_get(s, idx, &a) == MFA_OK)
		mfa_enrolment_set_floor(&cs.st, s, &a, floor, 0);
	if (rc == MFA_OK)
		rc = mfa_store_commit(cs.txn, &cs.st, now);
	mfa_cli_state_end(&cs);
	MFA_WIPE_OBJ(&a);
	if (rc != MFA_OK)
		mfa_cli_err(u, "%s: the file is written, but the state: %s",
		    u->user, why[0] != '\0' ? why : mfa_strerror(rc));
	return rc;
}

/* One line for the user u: add it, write the file, then the state. */
static int
import_for(const struct mfa_cli *u, struct oath_line *l)
{
	char why[MFA_USERFILE_WHY] = "", what[96];
	const char *name;
	struct mfa_secret *s = NULL;
	int64_t now = mfa_cli_now();
	size_t idx = 0;
	int rc, fresh;

	rc = mfa_userfile_load(u, &s, why, sizeof(why));
	fresh = rc == MFA_ERR_NOENT;
	if (rc == MFA_OK && has_key(s, &l->a)) {
		printf("%s: imported already\n", u->user);
		mfa_secret_free(s);
		return MFA_OK;
	}
	if (rc == MFA_OK || fresh)
		rc = place(&s, &l->a, now, &idx);
	if (rc == MFA_OK)
		rc = mfa_userfile_write(u, s, why, sizeof(why));
	if (rc == MFA_OK)
		rc = record(u, s, idx, fresh, l, now);
	if (rc == MFA_OK) {
		name = idx == 0 ? s->name : s->extra[idx - 1].name;
		snprintf(what, sizeof(what), "imported %s (%s) from pam_oath",
		    name, l->a.hotp ? "HOTP" : "TOTP");
		mfa_admin_auth_event(u, MFA_EVENT_ENROLMENT, name, what);
		printf("%s: imported %s (%s%s)\n", u->user, name,
		    l->a.hotp ? "HOTP" : "TOTP",
		    l->a.hotp && (l->used || l->moving > 0)
			? ", counter carried"
			: "");
	} else
		mfa_cli_err(u, "%s: %s", u->user,
		    why[0] != '\0' ? why : mfa_strerror(rc));
	mfa_secret_free(s);
	return rc;
}

/* One line, when its user is selected; counts in *failed. */
static void
import_line(const struct mfa_cli *c, char *text, unsigned int lineno,
    const char *only, unsigned int *failed)
{
	struct oath_line l;
	struct mfa_cli u;
	struct passwd *pw;
	const char *why = NULL;
	int rc = parse_line(text, &l, &why);

	/* --user: other users' lines, good or bad, are not ours to judge. */
	if (only != NULL && (l.user == NULL || strcmp(l.user, only) != 0))
		goto out;
	if (rc == MFA_OK && (pw = getpwnam(l.user)) == NULL) {
		rc = MFA_ERR_NOENT;
		why = "no such user";
	}
	if (rc != MFA_OK) {
		mfa_cli_err(c, "line %u%s%s: %s", lineno,
		    l.user != NULL && mfa_secret_name_check(l.user) == MFA_OK
			? " of "
			: "",
		    l.user != NULL && mfa_secret_name_check(l.user) == MFA_OK
			? l.user
			: "",
		    why);
		(*failed)++;
		goto out;
	}
	if (mfa_cli_as_user(c, pw, &u) != MFA_OK ||
	    import_for(&u, &l) != MFA_OK)
		(*failed)++;
	mfa_cli_as_user_end(&u);
out:
	MFA_WIPE_OBJ(&l.a);
}

/* The root-owned file, whole (it holds keys: wiped by the caller). */
static int
read_users_file(
    const struct mfa_cli *c, const char *path, char **buf, size_t *len)
{
	const struct mfa_file_rules rules = {0, OATH_MAX_SIZE, 0};
	struct mfa_file_error err = {""};
	int fd = -1, rc;

	rc = mfa_file_open_read(path, &rules, &fd, &err);
	if (rc == MFA_OK) {
		rc = mfa_file_read_all(fd, OATH_MAX_SIZE, buf, len);
		close(fd);
	}
	if (rc != MFA_OK)
		mfa_cli_err(c, "%s: %s", path,
		    err.why[0] != '\0' ? err.why : mfa_strerror(rc));
	return rc;
}

/* Every line of buf (comments and blank lines skipped). */
static unsigned int
import_lines(const struct mfa_cli *c, char *buf, const char *only)
{
	char *line = buf, *nl;
	unsigned int lineno = 0, failed = 0;

	for (; line != NULL && *line != '\0'; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		lineno++;
		if (line[strspn(line, " \t")] == '\0' ||
		    line[strspn(line, " \t")] == '#')
			continue;
		import_line(c, line, lineno, only, &failed);
	}
	return failed;
}

int
mfa_import_oath_run(struct mfa_cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"user", required_argument, NULL, 'u'},
	    {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	const char *only = NULL;
	char *buf = NULL;
	size_t len = 0;
	int ch, all = 0, ex;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'u')
			only = optarg;
		else if (ch == 'a')
			all = 1;
		else {
			fputs(oath_usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? MFA_EXIT_OK : MFA_EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || (only == NULL) == !all) {
		fputs(oath_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	if (!mfa_admin_need_root(c, "import-oath"))
		return MFA_EXIT_USAGE;
	if (read_users_file(c, argv[optind], &buf, &len) != MFA_OK)
		return MFA_EXIT_FAIL;
	ex = import_lines(c, buf, only) == 0 ? MFA_EXIT_OK : MFA_EXIT_FAIL;
	mfa_freezero(buf, len + 1);
	return ex;
}
