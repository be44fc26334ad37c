/*
 * test_rollout.c - enrolment at first login (enroll_at_login), deadlines
 * and notices, through the real libpam (pam_wrapper).
 *
 * The secret is made during the login, so the code cannot be known in
 * advance: this suite has its own conversation, which answers the token
 * "@CODE" with the code of the key the module has just shown (computed by
 * oathtool, an independent implementation, at the test clock), records
 * everything, and can plant a file in the middle of the login ("@RACE").
 * The QR code the module drew is painted as a terminal would and read
 * back with zbarimg, on a dark and a light theme.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpamtest.h>
#include <security/pam_appl.h>

#include "backup.h"
#include "mem.h"
#include "pamh.h"
#include "secretfile.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(cv.transcript, s)
#define ck_not_shown(s) MFA_CK_NOT_IN(cv.transcript, s)

#define T0 1764017613 /* 2025-11-24 */
#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define CODE_PROMPT "P: Code from your app: "
#define SAVED_PROMPT "Q: Press Enter when you have saved them: "

static const struct mfa_pamh_service services[] = {
    {"ro", "enroll_at_login issuer=ACME", 0, 0, 0},
    {"ro-before", "enroll_at_login enforce_after=2030-01-01", 0, 0, 0},
    {"ro-after", "enroll_at_login enforce_after=2020-01-01", 0, 0, 0},
    {"ro-nullok", "enroll_at_login nullok", 0, 0, 0},
    {"ro-groups", "enroll_at_login groups=staff", 0, 0, 0},
    {"plain", "", 0, 0, 0},
    {"ro-ssh", "enroll_at_login issuer=ACME", 0, 0, 1},
    {NULL, NULL, 0, 0, 0},
};

/* ---- a conversation that can read what the module showed ---- */

struct ro_conv {
	const char *const *answers;
	char transcript[131072];
	unsigned int nprompts;
	char key[160]; /* base32, from the grouped key line */
	char code[16]; /* the code sent for @CODE */
};

static struct ro_conv cv;
static int rv;

static void
note(const char *tag, const char *text)
{
	size_t len = strlen(cv.transcript);

	snprintf(cv.transcript + len, sizeof(cv.transcript) - len, "%s%s\n",
	    tag, text);
}

/* The key the module showed: the line after "... the key into the app". */
static void
find_key(void)
{
	const char *p = strstr(cv.transcript, "the key into the app (");
	size_t n = 0;

	ck_assert_msg(p != NULL, "no key shown:\n%s", cv.transcript);
	p = strstr(p, "\nI:     ");
	ck_assert_ptr_nonnull(p);
	for (p += strlen("\nI:     "); *p != '\n' && *p != '\0'; p++)
		if (*p != ' ' && n + 1 < sizeof(cv.key))
			cv.key[n++] = *p;
	cv.key[n] = '\0';
	ck_assert_uint_ge(strlen(cv.key), 26);
}

static int64_t
test_now(void)
{
	return strtoll(getenv("MFA_TEST_NOW"), NULL, 10);
}

static const char *
special_answer(const char *token)
{
	static char buf[16];

	find_key();
	mfa_pamh_oath_code(cv.key, test_now(), cv.code);
	if (strcmp(token, "@WRONG") == 0) {
		/* Half the code space away: no step near now has it. */
		snprintf(buf, sizeof(buf), "%06ld",
		    (strtol(cv.code, NULL, 10) + 500000) % 1000000);
		return buf;
	}
	if (strcmp(token, "@RACE") == 0)
		mfa_pamh_write_secret("alice", "# planted meanwhile\n");
	return cv.code;
}

static int
answer(const struct pam_message *m, char **out)
{
	const char *a;

	switch (m->msg_style) {
	case PAM_PROMPT_ECHO_OFF:
	case PAM_PROMPT_ECHO_ON:
		note(m->msg_style == PAM_PROMPT_ECHO_OFF ? "P: " : "Q: ",
		    m->msg);
		cv.nprompts++;
		if (cv.answers == NULL || *cv.answers == NULL)
			return PAM_CONV_ERR;
		a = *cv.answers++;
		if (a[0] == '@')
			a = special_answer(a);
		*out = strdup(a);
		return *out != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
	case PAM_TEXT_INFO:
		ck_assert_uint_lt(strlen(m->msg), PAM_MAX_MSG_SIZE);
		note("I: ", m->msg);
		return PAM_SUCCESS;
	case PAM_ERROR_MSG:
		note("E: ", m->msg);
		return PAM_SUCCESS;
	default:
		return PAM_CONV_ERR;
	}
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct pam_response *rs = calloc((size_t)n, sizeof(*rs));
	int i;

	(void)data;
	if (rs == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (answer(msg[i], &rs[i].resp) != PAM_SUCCESS) {
			while (i-- > 0)
				free(rs[i].resp);
			free(rs);
			return PAM_CONV_ERR;
		}
	}
	*resp = rs;
	return PAM_SUCCESS;
}

/*
 * pam_authenticate, then (when it succeeded and setcred is set)
 * pam_setcred, in one transaction, as sshd, login and su do: an enrolment
 * at login counts only once setcred has confirmed it.  The result is
 * authenticate's.
 */
static int
login_flags(const char *service, const char *user, int flags, int setcred,
    const char *const *answers)
{
	struct pam_testcase tests[] = {
	    pam_test_flags(PAMTEST_AUTHENTICATE, PAM_SUCCESS, flags),
	    pam_test_flags(PAMTEST_SETCRED, PAM_SUCCESS, PAM_ESTABLISH_CRED),
	};

	memset(&cv, 0, sizeof(cv));
	cv.answers = answers;
	_pamtest_conv(service, user, conv, NULL, tests, setcred ? 2 : 1, NULL);
	rv = tests[0].op_rv;
	return rv;
}

#define LOGIN(service, user, ...)                                              \
	login_flags(                                                           \
	    service, user, 0, 1, (const char *const[]){__VA_ARGS__, NULL})
#define LOGIN_NO_SETCRED(service, user, ...)                                   \
	login_flags(                                                           \
	    service, user, 0, 0, (const char *const[]){__VA_ARGS__, NULL})

/*
 * pam_mfa returned PAM_IGNORE: the stack's result is then pam_matrix's
 * (PAM_SUCCESS), and the module's decision line says "ignored".
 */
#define ck_ignored(call)                                                       \
	do {                                                                   \
		mfa_pamh_log_clear();                                          \
		ck_assert_int_eq(call, PAM_SUCCESS);                           \
		ck_logged("result=ignored");                                   \
	} while (0)

/* ---- files ---- */

static const char *
secret_path(const char *user)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/.pam_mfa", mfa_pamh_home(user));
	return path;
}

static int
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The whole of a small file, NUL-terminated, in a static buffer. */
static const char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* user's record, through the store (mfa_pamh_state_text). */
static const char *
state_text(const char *user)
{
	return mfa_pamh_state_text(user);
}

/* Run a shell command without the test's preloads; its first line. */
static int
run_plain(const char *cmd, char *out, size_t outsz)
{
	char *pre = getenv("LD_PRELOAD");
	FILE *p;
	int st;

	pre = pre != NULL ? strdup(pre) : NULL;
	unsetenv("LD_PRELOAD");
	p = popen(cmd, "r");
	if (pre != NULL)
		setenv("LD_PRELOAD", pre, 1);
	free(pre);
	ck_assert_ptr_nonnull(p);
	out[0] = '\0';
	if (fgets(out, (int)outsz, p) == NULL)
		out[0] = '\0';
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	out[strcspn(out, "\n")] = '\0';
	return st;
}

/* The QR lines of the transcript (after "Scan this QR code") to a file. */
static void
save_qr(const char *path)
{
	const char *p = strstr(cv.transcript, "I: Scan this QR code");
	const char *end;
	FILE *f;
	int lines = 0;

	ck_assert_msg(p != NULL, "no QR code:\n%s", cv.transcript);
	p = strchr(p, '\n') + 1;
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	/* QR lines: colour codes, or (colourless) spaces and blocks. */
	while (strncmp(p, "I: ", 3) == 0 &&
	    (p[3] == '\x1b' || p[3] == ' ' || p[3] == '\xe2')) {
		end = strchr(p, '\n');
		fprintf(f, "%.*s\n", (int)(end - p - 3), p + 3);
		p = end + 1;
		lines++;
	}
	fclose(f);
	ck_assert_int_ge(lines, 10);
}

/* What zbarimg reads from the QR lines painted with theme. */
static void
scan_qr(const char *theme, char *uri, size_t urisz)
{
	const char *src = getenv("MFA_SRC");
	char cmd[8192], txt[4096];

	snprintf(txt, sizeof(txt), "%s/qr.txt", mfa_pamh_dir());
	save_qr(txt);
	snprintf(cmd, sizeof(cmd),
	    "cd '%s' && /usr/bin/python3 '%s/tests/tools/term2pgm.py' "
	    "--theme %s qr.txt qr.pgm && zbarimg --raw -q qr.pgm",
	    mfa_pamh_dir(), src != NULL ? src : ".", theme);
	(void)run_plain(cmd, uri, urisz);
}

static int
have_zbar(void)
{
	char out[256];

	return run_plain("command -v zbarimg && test -x /usr/bin/python3", out,
		   sizeof(out)) == 0;
}

static void
setup(void)
{
	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	unsetenv("MFA_TEST_QRENCODE");
}

/* ---- enrolment through the conversation ---- */

START_TEST(enrol_at_login)
{
	struct stat st;
	const char *file;

	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
	ck_shown("I: Multi-factor authentication is required for this account "
		 "and is not set up yet.");
	ck_shown("I: Scan this QR code with the app:");
	ck_shown("I: Or type the key into the app (time-based, SHA1, 6 digits, "
		 "30 s):");
	ck_assert_int_eq(mfa_pamh_count(cv.transcript, CODE_PROMPT), 1);
	ck_not_shown("Press Enter to do this later");
	ck_not_shown("otpauth://"); /* the URI is only in the QR code */
	ck_shown("I: Code accepted: multi-factor authentication is set up.");
	ck_shown("I: Backup codes: each works once");
	ck_shown(SAVED_PROMPT);
	ck_logged("enrolment at login started: user=alice service=ro");
	ck_logged("enrolment at login completed: user=alice service=ro");
	ck_logged("user=alice service=ro rhost=- method=totp result=success "
		  "reason=enrolled at login");
	ck_assert_ptr_null(strstr(mfa_pamh_log(), cv.key));
	ck_assert_ptr_null(strstr(mfa_pamh_log(), cv.code));
	/* The file: the user's, 0600, the key shown, 10 backup codes. */
	ck_assert_int_eq(lstat(secret_path("alice"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(st.st_uid, getuid());
	ck_assert(S_ISREG(st.st_mode));
	file = slurp(secret_path("alice"));
	ck_assert_ptr_nonnull(strstr(file, "pam_mfa-secret 1\n"));
	ck_assert_ptr_nonnull(strstr(file, cv.key));
	ck_assert_int_eq(mfa_pamh_count(file, "\nbackup "), 10);
	/* The state: enrolled, and the enrolment's step used up. */
	ck_assert_ptr_nonnull(
	    strstr(state_text("alice"), "\nenrolled 1764017613 "));
	ck_assert_ptr_nonnull(
	    strstr(state_text("alice"), "\ntotp-last-step 58800587\n"));
}
END_TEST

START_TEST(qr_code_scans_to_the_uri)
{
	char uri[1024], want[512];

	if (!have_zbar()) {
		fprintf(stderr, "skipping the scan: no zbarimg or python3\n");
		return;
	}
	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
	find_key();
	snprintf(want, sizeof(want), "?secret=%s&issuer=ACME", cv.key);
	scan_qr("dark", uri, sizeof(uri));
	ck_assert_msg(strncmp(uri, "otpauth://totp/ACME:alice%40", 28) == 0,
	    "dark theme read [%s]", uri);
	ck_assert_msg(strstr(uri, want) != NULL, "[%s] lacks [%s]", uri, want);
	scan_qr("light", uri, sizeof(uri));
	ck_assert_msg(strstr(uri, want) != NULL, "light theme read [%s]", uri);
}
END_TEST

/*
 * As over SSH (PAM_TTY "ssh": the client would show escape codes as text):
 * no colours, and a question about the theme; the drawing scans on the
 * theme the user named.
 */
START_TEST(ssh_qr_scans_on_the_named_theme)
{
	char uri[1024], want[512];

	if (!have_zbar()) {
		fprintf(stderr, "skipping the scan: no zbarimg or python3\n");
		return;
	}
	setenv("PAM_TTY", "ssh", 1);
	ck_assert_int_eq(
	    LOGIN("ro-ssh", "alice", "secret", "y", "@CODE", ""), PAM_SUCCESS);
	ck_shown("Q: Is your terminal's background dark? [y/N]: ");
	ck_not_shown("\x1b");
	snprintf(want, sizeof(want), "?secret=%s&issuer=ACME", cv.key);
	scan_qr("dark", uri, sizeof(uri));
	ck_assert_msg(strstr(uri, want) != NULL, "dark theme read [%s]", uri);
	mfa_pamh_reset();
	ck_assert_int_eq(
	    LOGIN("ro-ssh", "alice", "secret", "n", "@CODE", ""), PAM_SUCCESS);
	snprintf(want, sizeof(want), "?secret=%s&issuer=ACME", cv.key);
	scan_qr("light", uri, sizeof(uri));
	ck_assert_msg(strstr(uri, want) != NULL, "light theme read [%s]", uri);
	unsetenv("PAM_TTY");
}
END_TEST

/* The next login asks for a code, and the enrolment's code is used up. */
START_TEST(next_login_asks_for_a_code)
{
	char key[160], code[16], backup[16];
	const char *p;

	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
	snprintf(key, sizeof(key), "%s", cv.key);
	snprintf(code, sizeof(code), "%s", cv.code);
	p = strstr(cv.transcript, "I:     0-");
	ck_assert_ptr_nonnull(p);
	snprintf(backup, sizeof(backup), "%.11s", p + 7);
	mfa_pamh_log_clear();
	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", code, code, code), PAM_AUTH_ERR);
	ck_assert_int_eq(
	    mfa_pamh_count(cv.transcript, "P: Verification code: "), 3);
	ck_not_shown("Scan this QR code");
	ck_logged("reason=code already used");
	mfa_pamh_set_time(T0 + 30);
	mfa_pamh_oath_code(key, T0 + 30, code);
	ck_assert_int_eq(LOGIN("plain", "alice", "secret", code), PAM_SUCCESS);
	ck_not_shown("Code from your app");
	/* A backup code shown at enrolment works once. */
	ck_assert_int_eq(
	    LOGIN("plain", "alice", "secret", backup), PAM_SUCCESS);
	ck_shown("Backup code accepted. 9 backup codes left.");
}
END_TEST

/*
 * A wrong password with a right code from the attacker's own phone: the
 * file is written (pam_mfa cannot see the password result) but never
 * confirmed, so it is not the user's enrolment: the user's next login
 * offers enrolment again and replaces it.
 */
START_TEST(wrong_password_plants_nothing)
{
	char planted[160];

	ck_assert_int_eq(
	    LOGIN("ro", "alice", "wrong", "@CODE", ""), PAM_AUTH_ERR);
	snprintf(planted, sizeof(planted), "%s", cv.key);
	ck_assert_ptr_nonnull(strstr(slurp(secret_path("alice")), planted));
	ck_assert_ptr_null(strstr(state_text("alice"), "\nenrolled "));
	ck_assert_ptr_nonnull(strstr(state_text("alice"), "\nenrol-pending "));
	mfa_pamh_log_clear();
	mfa_pamh_set_time(T0 + 30);
	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
	ck_shown("I: Scan this QR code with the app:");
	ck_not_shown("P: Verification code: ");
	ck_logged("comes from an enrolment at login that was never confirmed");
	ck_logged("enrolment at login confirmed");
	ck_assert_str_ne(cv.key, planted);
	ck_assert_ptr_null(strstr(slurp(secret_path("alice")), planted));
	ck_assert_ptr_nonnull(strstr(state_text("alice"), "\nenrolled "));
	ck_assert_ptr_null(strstr(state_text("alice"), "enrol-pending"));
}
END_TEST

/* An application that never calls pam_setcred confirms nothing. */
START_TEST(no_setcred_no_enrolment)
{
	ck_assert_int_eq(LOGIN_NO_SETCRED("ro", "alice", "secret", "@CODE", ""),
	    PAM_SUCCESS);
	ck_assert_ptr_null(strstr(state_text("alice"), "\nenrolled "));
	mfa_pamh_set_time(T0 + 30);
	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
	ck_shown("I: Scan this QR code with the app:");
	ck_assert_ptr_nonnull(strstr(state_text("alice"), "\nenrolled "));
}
END_TEST

START_TEST(wrong_codes_write_nothing)
{
	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", "@WRONG", "@WRONG", "@WRONG"),
	    PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(cv.transcript, CODE_PROMPT), 3);
	ck_assert_int_eq(mfa_pamh_count(cv.transcript, "E: Invalid code"), 3);
	ck_not_shown("Backup codes");
	ck_assert(!exists(secret_path("alice")));
	ck_assert_ptr_null(strstr(state_text("alice"), "enrolled"));
	ck_logged("enrolment at login failed: user=alice service=ro "
		  "reason=wrong code");
	ck_logged("result=failure reason=not enrolled");
}
END_TEST

/* A file that appeared while the user typed is not written over. */
START_TEST(existing_file_is_never_replaced)
{
	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", "@RACE", ""), PAM_AUTH_ERR);
	ck_assert_str_eq(slurp(secret_path("alice")), "# planted meanwhile\n");
	ck_logged("reason=a secret file appeared meanwhile");
	ck_not_shown("Backup codes");
	ck_assert_ptr_null(strstr(state_text("alice"), "enrolled"));
}
END_TEST

/* ---- deadlines ---- */

START_TEST(skip_before_the_deadline)
{
	ck_ignored(LOGIN("ro-before", "alice", "secret", ""));
	ck_shown("I: Press Enter to do this later; it will be required from 1 "
		 "January 2030.");
	ck_shown("I: Multi-factor authentication will be required from 1 "
		 "January 2030. Run mfa-enroll to set it up.");
	ck_logged("enrolment at login skipped: user=alice service=ro-before");
	ck_assert(!exists(secret_path("alice")));
	/* ... and enrolling before the deadline works too. */
	ck_assert_int_eq(
	    LOGIN("ro-before", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
	ck_assert(exists(secret_path("alice")));
}
END_TEST

START_TEST(required_after_the_deadline)
{
	ck_assert_int_eq(
	    LOGIN("ro-after", "alice", "secret", "", "", ""), PAM_AUTH_ERR);
	ck_not_shown("Press Enter to do this later");
	ck_assert_int_eq(mfa_pamh_count(cv.transcript, CODE_PROMPT), 3);
	ck_assert_int_eq(mfa_pamh_count(cv.transcript,
			     "E: A code from the app is required to finish."),
	    3);
	ck_assert(!exists(secret_path("alice")));
	ck_assert_int_eq(
	    LOGIN("ro-after", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
}
END_TEST

START_TEST(nullok_may_skip)
{
	ck_ignored(LOGIN("ro-nullok", "alice", "secret", ""));
	ck_shown("I: Press Enter to do this later.");
	ck_assert(!exists(secret_path("alice")));
}
END_TEST

/* ---- fall back to the ordinary policy ---- */

START_TEST(silent_falls_back)
{
	ck_ignored(login_flags("ro-before", "alice", PAM_SILENT, 1,
	    (const char *const[]){"secret", NULL}));
	ck_assert_uint_eq(cv.nprompts, 1);
	ck_not_shown("I: ");
	ck_logged("enrolment at login not offered: user=alice "
		  "service=ro-before reason=PAM_SILENT");
	ck_assert_int_eq(login_flags("ro", "alice", PAM_SILENT, 1,
			     (const char *const[]){"secret", NULL}),
	    PAM_AUTH_ERR);
	ck_assert_uint_eq(cv.nprompts, 1);
	ck_assert(!exists(secret_path("alice")));
}
END_TEST

START_TEST(conversation_failure_falls_back)
{
	/* No answer for the code prompt: the conversation fails. */
	ck_ignored(LOGIN("ro-before", "alice", "secret"));
	ck_shown(CODE_PROMPT);
	ck_logged("reason=conversation failed");
	ck_assert(!exists(secret_path("alice")));
	ck_assert_int_eq(LOGIN("ro", "alice", "secret"), PAM_AUTH_ERR);
	ck_assert(!exists(secret_path("alice")));
}
END_TEST

START_TEST(groups_decide)
{
	ck_ignored(LOGIN("ro-groups", "carol", "secret"));
	ck_not_shown("Multi-factor authentication is required");
	ck_assert_uint_eq(cv.nprompts, 1);
	ck_assert(!exists(secret_path("carol")));
	ck_assert_int_eq(
	    LOGIN("ro-groups", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
	ck_assert(exists(secret_path("alice")));
}
END_TEST

/* ---- libqrencode: loaded only for this, and optional ---- */

START_TEST(without_libqrencode_the_key_is_text)
{
	setenv("MFA_TEST_QRENCODE", "libqrencode-missing.so.99", 1);
	ck_assert_int_eq(
	    LOGIN("ro", "alice", "secret", "@CODE", ""), PAM_SUCCESS);
	unsetenv("MFA_TEST_QRENCODE");
	ck_not_shown("Scan this QR code");
	ck_not_shown("\x1b[");
	ck_shown("I: Type the key into the app (time-based, SHA1, 6 digits, "
		 "30 s):");
	ck_logged("enrolment at login: no QR code for alice, the key is shown "
		  "as text: cannot load libqrencode.so.4");
	ck_assert(exists(secret_path("alice")));
}
END_TEST

START_TEST(module_does_not_link_libqrencode)
{
	static const char *const mods[] = {
	    "pam_mfa.so", "testclock/pam_mfa.so"};
	const char *build = getenv("MFA_BUILD");
	char cmd[4096], out[256];
	size_t i;

	ck_assert_ptr_nonnull(build);
	for (i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "test -f '%s/%s' && echo present",
		    build, mods[i]);
		if (run_plain(cmd, out, sizeof(out)) != 0)
			continue; /* not built in this tree */
		snprintf(cmd, sizeof(cmd),
		    "readelf -d '%s/%s' | grep -c NEEDED; readelf -d '%s/%s' "
		    "| grep -qi qrencode && echo LINKED",
		    build, mods[i], build, mods[i]);
		(void)run_plain(cmd, out, sizeof(out));
		ck_assert_int_gt(atoi(out), 0); /* readelf worked */
		snprintf(cmd, sizeof(cmd),
		    "readelf -d '%s/%s' | grep -i qrencode", build, mods[i]);
		ck_assert_msg(run_plain(cmd, out, sizeof(out)) != 0,
		    "%s links libqrencode: %s", mods[i], out);
	}
}
END_TEST

/* ---- notices for enrolled users ---- */

/* alice enrolled with 10 backup codes, `used` of them used. */
static void
enrolled_with_backups(unsigned int used)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	char setid[17], state[512], slots[32] = "";
	struct mfa_secret *s = NULL;
	char *text = NULL;
	size_t len = 0, i;
	unsigned char key[20] = "12345678901234567890";

	ck_assert_int_eq(mfa_secret_new(&s), 0);
	ck_assert_int_eq(mfa_secret_generate(s, 20, T0 - 100), 0);
	ck_assert_int_eq(mfa_secret_set_key(s, key, sizeof(key)), 0);
	ck_assert_int_eq(mfa_backup_new_set(s, display, T0 - 100), 0);
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), 0);
	mfa_pamh_write_secret("alice", text);
	for (i = 0; i < 8; i++)
		snprintf(setid + 2 * i, 3, "%02x", s->backup_set[i]);
	for (i = 0; i < used; i++)
		snprintf(slots + strlen(slots), sizeof(slots) - strlen(slots),
		    "%s%zu", i > 0 ? "," : "", i);
	snprintf(state, sizeof(state), "pam_mfa-state 1\n%s%s%s%s",
	    used > 0 ? "backup-used " : "", used > 0 ? setid : "",
	    used > 0 ? " " : "", used > 0 ? slots : "");
	if (used > 0)
		strcat(state, "\n");
	mfa_pamh_state_put("alice", state);
	mfa_strfree(text);
	mfa_secret_free(s);
	MFA_WIPE_ARRAY(display);
}

START_TEST(notice_when_few_backup_codes_left)
{
	static const struct {
		unsigned int used;
		const char *notice; /* NULL: none */
	} rows[] = {
	    {0, NULL},
	    {6, NULL},
	    {7,
		"I: 3 backup codes left. Run mfa-enroll backup-codes to get a "
		"new set."},
	    {9, "I: 1 backup code left."},
	    {10, "I: 0 backup codes left."},
	};
	char code[16];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		mfa_pamh_reset();
		mfa_pamh_set_time(T0 + 300 * (int64_t)i);
		enrolled_with_backups(rows[i].used);
		mfa_pamh_oath_code(SEED, T0 + 300 * (int64_t)i, code);
		ck_assert_int_eq(
		    LOGIN("plain", "alice", "secret", code), PAM_SUCCESS);
		if (rows[i].notice != NULL)
			ck_shown(rows[i].notice);
		else
			ck_not_shown(" left. Run mfa-enroll backup-codes");
	}
	/* A wrong code: no notice. */
	ck_assert_int_eq(
	    LOGIN("plain", "alice", "secret", "000000", "000001", "000002"),
	    PAM_AUTH_ERR);
	ck_not_shown(" left. Run mfa-enroll backup-codes");
}
END_TEST

/* alice enrolled with a fresh set of backup codes, shown in display. */
static void
enrol_alice_with_backup_codes(
    char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE])
{
	struct mfa_secret *s = NULL;
	char *text = NULL;
	size_t len = 0;

	ck_assert_int_eq(mfa_secret_new(&s), 0);
	ck_assert_int_eq(mfa_secret_generate(s, 20, T0 - 100), 0);
	ck_assert_int_eq(mfa_backup_new_set(s, display, T0 - 100), 0);
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), 0);
	mfa_pamh_write_secret("alice", text);
	mfa_strfree(text);
	mfa_secret_free(s);
}

/* A backup code typed a second time is said to be used, not "invalid". */
START_TEST(backup_code_used_twice)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];

	enrol_alice_with_backup_codes(display);
	ck_assert_int_eq(
	    LOGIN("plain", "alice", "secret", display[0]), PAM_SUCCESS);
	ck_assert_int_eq(
	    LOGIN("plain", "alice", "secret", display[0], display[0], "000000"),
	    PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(cv.transcript,
			     "E: This backup code was already used."),
	    2);
	ck_assert_int_eq(mfa_pamh_count(cv.transcript, "E: Invalid code."), 1);
	MFA_WIPE_ARRAY(display);
}
END_TEST

/*
 * A made-up code naming a used slot is only wrong: "already used" is said
 * of the code itself, or guessing would show which slots are spent (and
 * that the name is a real, enrolled user).
 */
START_TEST(made_up_code_on_a_used_slot_is_invalid)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	char fake[MFA_BACKUP_DISPLAY_SIZE];

	enrol_alice_with_backup_codes(display);
	ck_assert_int_eq(
	    LOGIN("plain", "alice", "secret", display[0]), PAM_SUCCESS);
	/* Slot 0's digit, code 1's letters: the shape of a real code. */
	memcpy(fake, display[1], sizeof(fake));
	fake[0] = display[0][0];
	ck_assert_int_eq(
	    LOGIN("plain", "alice", "secret", fake, fake, fake), PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(cv.transcript, "E: Invalid code."), 3);
	ck_assert_ptr_null(strstr(cv.transcript, "already used"));
	MFA_WIPE_ARRAY(display);
	MFA_WIPE_ARRAY(fake);
}
END_TEST

static Suite *
rollout_suite(void)
{
	Suite *s = suite_create("rollout");
	TCase *tc = tcase_create("rollout");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, enrol_at_login);
	tcase_add_test(tc, qr_code_scans_to_the_uri);
	tcase_add_test(tc, next_login_asks_for_a_code);
	tcase_add_test(tc, ssh_qr_scans_on_the_named_theme);
	tcase_add_test(tc, wrong_password_plants_nothing);
	tcase_add_test(tc, no_setcred_no_enrolment);
	tcase_add_test(tc, wrong_codes_write_nothing);
	tcase_add_test(tc, existing_file_is_never_replaced);
	tcase_add_test(tc, skip_before_the_deadline);
	tcase_add_test(tc, required_after_the_deadline);
	tcase_add_test(tc, nullok_may_skip);
	tcase_add_test(tc, silent_falls_back);
	tcase_add_test(tc, conversation_failure_falls_back);
	tcase_add_test(tc, groups_decide);
	tcase_add_test(tc, without_libqrencode_the_key_is_text);
	tcase_add_test(tc, module_does_not_link_libqrencode);
	tcase_add_test(tc, notice_when_few_backup_codes_left);
	tcase_add_test(tc, backup_code_used_twice);
	tcase_add_test(tc, made_up_code_on_a_used_slot_is_invalid);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, rollout_suite);
}
