/*
 * test_handover.c - one login, one hand-over (DESIGN §12, issue 14 items
 * 1, 2 and 5), through the real libpam (pam_wrapper).
 *
 * util-linux login keeps one PAM handle for its retries and calls
 * pam_authenticate again after a failure; only after a success does it
 * call pam_setcred.  These tests do the same (mfa_pamh_open/auth/setcred)
 * with pam_matrix as the password module before pam_mfa, in every order of
 * failed and successful attempts, and check what setcred confirms: the
 * state file, the next login, the log.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "pamh.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)
#define ck_not_shown(s) MFA_CK_NOT_IN(res.transcript, s)

#define T0 1764017613 /* 2025-11-24 */
#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define ID_E "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_C "cccccccccccccccccccccccccccccccc"
#define NONCE "0123456789abcdef0123456789abcdef"
#define KEY1                                                                   \
	"publickey ssh-ed25519 "                                               \
	"AAAAC3NzaC1lZDI1NTE5AAAAICD64LRP+"                                    \
	"EWimdU91FDxIJrvausp5bxNG89G2mjfXYLZ\n"
#define ENROL_PROMPT "P: Code from your app: "
#define CODE_PROMPT "P: Verification code: "
#define TRUST_PROMPT "Q: Trust this device for 90 days? [y/N]: "

static const struct mfa_pamh_service services[] = {
    /* The README's roll-out stack. */
    {"ro", "enroll_at_login enforce_after=2099-01-01", 0, 0, 0},
    {"ro-lock", "enroll_at_login enforce_after=2099-01-01 lock_timeout=300", 0,
	0, 0},
    {"tr", "trust_services=tr", 0, 1, 0},
    /* pam_mfa twice: a profile line and a line of the service's own. */
    {"twice", "tries=3" MFA_PAMH_SECOND_LINE "tries=2", 0, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static struct mfa_pamh_result res;
static struct mfa_pamh_session *sess;
static int64_t now;
static char shown_key[160]; /* the key the last enrolment showed */
static pid_t locker = -1;

/* ---- files ---- */

static const char *
slurp(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f == NULL)
		return buf;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* alice's record, through the store (mfa_pamh_state_text). */
static const char *
state_text(void)
{
	return mfa_pamh_state_text("alice");
}

static const char *
secret_text(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/.pam_mfa", mfa_pamh_home("alice"));
	return slurp(path);
}

/* Make body alice's record, through the store. */
static void
write_state(const char *body)
{
	char text[4096];

	snprintf(text, sizeof(text), "pam_mfa-state 1\n%s", body);
	mfa_pamh_state_put("alice", text);
}

static void
write_secret(const char *id)
{
	char text[1024];

	snprintf(text, sizeof(text),
	    "pam_mfa-secret 1\nid %s\ncreated 1764000000\ntotp-secret " SEED
	    "\n",
	    id);
	mfa_pamh_write_secret("alice", text);
}

/* ---- faults planted while the user types the code ---- */

static void
unlock_state(void)
{
	int status;

	if (locker <= 0)
		return;
	kill(locker, SIGKILL);
	waitpid(locker, &status, 0);
	locker = -1;
}

/* The key an enrolment showed: the line after "... the key into the app". */
static void
find_key(const char *transcript)
{
	const char *p = strstr(transcript, "the key into the app (");
	size_t n = 0;

	ck_assert_msg(p != NULL, "no key shown:\n%s", transcript);
	p = strstr(p, "\nI:     ");
	ck_assert_ptr_nonnull(p);
	for (p += strlen("\nI:     "); *p != '\n' && *p != '\0'; p++)
		if (*p != ' ' && n + 1 < sizeof(shown_key))
			shown_key[n++] = *p;
	shown_key[n] = '\0';
}

/*
 * "@CODE": the code of the key just shown.  "@CODE_LOCKED": the same, and
 * the state is locked by a stuck process before the module records
 * anything.  "@CODE_OPEN": the same, and the home directory becomes
 * writable by others, so the module refuses to write the secret file.
 */
static const char *
code_hook(const char *token, const char *transcript)
{
	static char code[16];

	find_key(transcript);
	mfa_pamh_oath_code(shown_key, now, code);
	if (strcmp(token, "@CODE_LOCKED") == 0)
		locker = mfa_pamh_stuck_locker("alice");
	else if (strcmp(token, "@CODE_OPEN") == 0)
		ck_assert_int_eq(chmod(mfa_pamh_home("alice"), 0777), 0);
	return code;
}

/* ---- logins ---- */

static void
setup(void)
{
	mfa_pamh_reset();
	mfa_pamh_set_answer_hook(code_hook);
	now = T0;
	mfa_pamh_set_time(now);
	sess = NULL;
	shown_key[0] = '\0';
}

static void
teardown(void)
{
	unlock_state();
	chmod(mfa_pamh_home("alice"), 0700);
	mfa_pamh_close(sess);
	sess = NULL;
}

/* The next time step: codes are single use. */
static void
tick(void)
{
	now += 30;
	mfa_pamh_set_time(now);
}

/* One attempt on the open handle (opened for alice on service first). */
static int
attempt(const char *service, const char *const *answers)
{
	if (sess == NULL)
		sess = mfa_pamh_open(service, "alice");
	tick();
	mfa_pamh_auth(sess, answers, &res);
	return res.rv;
}

#define ATTEMPT(service, ...)                                                  \
	attempt(service, (const char *const[]){__VA_ARGS__, NULL})

/* The application's end of the login: setcred after a success, pam_end. */
static void
finish_login(void)
{
	ck_assert_int_eq(mfa_pamh_setcred(sess), PAM_SUCCESS);
	ck_assert_ptr_null(pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_ENROL"));
	ck_assert_ptr_null(pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_TRUST"));
	mfa_pamh_close(sess);
	sess = NULL;
}

/* A fresh login: a new handle, one attempt, setcred when it succeeded. */
static int
fresh_login(const char *service, const char *const *answers)
{
	mfa_pamh_close(sess);
	sess = NULL;
	if (attempt(service, answers) == PAM_SUCCESS)
		finish_login();
	return res.rv;
}

#define FRESH_LOGIN(service, ...)                                              \
	fresh_login(service, (const char *const[]){__VA_ARGS__, NULL})

/*
 * The victim's next login is not bound to the key shown as `key`: the
 * module offers enrolment instead of asking for a code, and that key's
 * code does not log in.
 */
static void
ck_not_bound_to(const char *key)
{
	char code[16];

	ck_assert_ptr_null(strstr(state_text(), "\nenrolled "));
	mfa_pamh_close(sess);
	sess = NULL;
	tick();
	mfa_pamh_oath_code(key, now + 30, code);
	mfa_pamh_log_clear();
	/* Its code at the first prompt, then Enter: skip. */
	ck_assert_int_eq(FRESH_LOGIN("ro", "secret", code, ""), PAM_SUCCESS);
	ck_not_shown(CODE_PROMPT);
	ck_shown(ENROL_PROMPT);
	ck_shown("E: Invalid code");
	ck_logged("result=ignored");
	ck_assert_ptr_null(strstr(state_text(), "\nenrolled "));
}

/* ---- enrolment at login across retries ---- */

/*
 * The attack of issue 14: the attacker types the victim's name, a wrong
 * password and enrols their own phone; the victim, in the same login
 * process, types the right password and skips.  setcred confirms nothing.
 */
START_TEST(failed_enrolment_then_skip_confirms_nothing)
{
	char attacker[160];

	ck_assert_int_eq(ATTEMPT("ro", "wrong", "@CODE", ""), PAM_AUTH_ERR);
	snprintf(attacker, sizeof(attacker), "%s", shown_key);
	ck_assert_ptr_nonnull(
	    pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_ENROL"));
	ck_assert_int_eq(ATTEMPT("ro", "secret", ""), PAM_SUCCESS);
	ck_shown("Press Enter to do this later");
	ck_assert_ptr_null(pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_ENROL"));
	mfa_pamh_log_clear();
	finish_login();
	ck_assert_ptr_null(strstr(mfa_pamh_log(), "enrolment at login"));
	ck_not_bound_to(attacker);
}
END_TEST

/* The second attempt enrols too: only its own key is confirmed. */
START_TEST(failed_enrolment_then_enrolment_confirms_the_second)
{
	char attacker[160], victim[160], code[16];

	ck_assert_int_eq(ATTEMPT("ro", "wrong", "@CODE", ""), PAM_AUTH_ERR);
	snprintf(attacker, sizeof(attacker), "%s", shown_key);
	ck_assert_int_eq(ATTEMPT("ro", "secret", "@CODE", ""), PAM_SUCCESS);
	snprintf(victim, sizeof(victim), "%s", shown_key);
	ck_assert_str_ne(attacker, victim);
	mfa_pamh_log_clear();
	finish_login();
	ck_logged("user=alice service=ro enrolment at login confirmed");
	ck_assert_ptr_nonnull(strstr(secret_text(), victim));
	ck_assert_ptr_nonnull(strstr(state_text(), "\nenrolled "));
	ck_assert_ptr_null(strstr(state_text(), "enrol-pending"));
	/* The attacker's code is refused, the victim's accepted. */
	tick();
	mfa_pamh_oath_code(attacker, now + 30, code);
	ck_assert_int_eq(
	    FRESH_LOGIN("ro", "secret", code, code, code), PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, CODE_PROMPT), 3);
	mfa_pamh_oath_code(victim, now + 30, code);
	ck_assert_int_eq(FRESH_LOGIN("ro", "secret", code), PAM_SUCCESS);
}
END_TEST

/* Two failed attempts, then a skip: nothing of either is confirmed. */
START_TEST(two_failed_enrolments_then_skip)
{
	char first[160];

	ck_assert_int_eq(ATTEMPT("ro", "wrong", "@CODE", ""), PAM_AUTH_ERR);
	snprintf(first, sizeof(first), "%s", shown_key);
	ck_assert_int_eq(ATTEMPT("ro", "wrong", "@CODE", ""), PAM_AUTH_ERR);
	ck_assert_int_eq(ATTEMPT("ro", "secret", ""), PAM_SUCCESS);
	finish_login();
	ck_not_bound_to(shown_key);
	ck_assert_ptr_null(strstr(secret_text(), first));
}
END_TEST

/*
 * A success that enrols, then (the application tries again) a success that
 * skips: setcred follows the second call, which handed nothing over.
 */
START_TEST(enrolment_then_skip_confirms_nothing)
{
	ck_assert_int_eq(ATTEMPT("ro", "secret", "@CODE", ""), PAM_SUCCESS);
	ck_assert_int_eq(ATTEMPT("ro", "secret", ""), PAM_SUCCESS);
	finish_login();
	ck_not_bound_to(shown_key);
}
END_TEST

/* A success, then a failure on the same handle: no setcred, nothing. */
START_TEST(enrolment_then_failure_clears_the_variable)
{
	ck_assert_int_eq(ATTEMPT("ro", "secret", "@CODE", ""), PAM_SUCCESS);
	ck_assert_int_eq(ATTEMPT("ro", "wrong", ""), PAM_AUTH_ERR);
	ck_assert_ptr_null(pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_ENROL"));
	/* Even an application that calls setcred now confirms nothing. */
	(void)mfa_pamh_setcred(sess);
	ck_not_bound_to(shown_key);
}
END_TEST

/* The plain case still works: one success, setcred confirms it. */
START_TEST(enrolment_confirmed_by_its_own_setcred)
{
	const char *st;

	ck_assert_int_eq(ATTEMPT("ro", "secret", "@CODE", ""), PAM_SUCCESS);
	/* The environment carries a nonce, never an id or a digest. */
	ck_assert_uint_eq(
	    strlen(pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_ENROL")), 32);
	st = state_text();
	ck_assert_ptr_nonnull(
	    strstr(st, pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_ENROL")));
	ck_assert_ptr_null(strstr(
	    secret_text(), pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_ENROL")));
	finish_login();
	ck_assert_ptr_nonnull(strstr(state_text(), "\nenrolled "));
	ck_assert_ptr_null(strstr(state_text(), "enrol-pending"));
}
END_TEST

/* ---- trust across retries ---- */

static void
trust_setup(void)
{
	char path[4096];

	setup();
	write_secret(ID_E);
	snprintf(path, sizeof(path), "%s/authinfo", mfa_pamh_dir());
	mfa_test_write_file(path, KEY1, strlen(KEY1), 0600);
	setenv("MFA_TEST_AUTHINFO_FILE", path, 1);
}

/* One attempt on "tr": password, the code of the moment, the answer. */
static int
trust_attempt(const char *password, const char *yes_no)
{
	char code[16];

	mfa_pamh_oath_code(SEED, now + 30, code);
	return ATTEMPT("tr", password, code, yes_no);
}

static void
ck_devices(int n)
{
	ck_assert_int_eq(mfa_pamh_count(state_text(), "\ndevice "), n);
}

/* "Yes" with a wrong password, then "no" with the right one: untrusted. */
START_TEST(failed_yes_then_no_trusts_nothing)
{
	ck_assert_int_eq(trust_attempt("wrong", "y"), PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(state_text(), "\ndevice-pending "), 1);
	ck_assert_int_eq(trust_attempt("secret", "n"), PAM_SUCCESS);
	mfa_pamh_log_clear();
	finish_login();
	ck_assert_ptr_null(strstr(mfa_pamh_log(), "trusted a device"));
	ck_devices(0);
	/* The next login from that key still asks. */
	ck_assert_int_eq(trust_attempt("secret", "n"), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
	ck_not_shown("Second factor skipped");
}
END_TEST

/* "Yes" twice: the second login's hand-over is confirmed, once. */
START_TEST(failed_yes_then_yes_trusts_once)
{
	ck_assert_int_eq(trust_attempt("wrong", "y"), PAM_AUTH_ERR);
	ck_assert_int_eq(trust_attempt("secret", "y"), PAM_SUCCESS);
	mfa_pamh_log_clear();
	finish_login();
	ck_logged("user=alice service=tr trusted a device");
	ck_devices(1);
	ck_assert_int_eq(ATTEMPT("tr", "secret"), PAM_SUCCESS);
	ck_shown("I: Second factor skipped: trusted device");
}
END_TEST

/* "Yes" and a success, then (called again) "no": nothing is trusted. */
START_TEST(yes_then_no_trusts_nothing)
{
	ck_assert_int_eq(trust_attempt("secret", "y"), PAM_SUCCESS);
	ck_assert_int_eq(trust_attempt("secret", "n"), PAM_SUCCESS);
	finish_login();
	ck_devices(0);
}
END_TEST

/* "Yes", a failure, then "no": nothing. */
START_TEST(yes_failure_no_trusts_nothing)
{
	ck_assert_int_eq(trust_attempt("secret", "y"), PAM_SUCCESS);
	ck_assert_int_eq(trust_attempt("wrong", "y"), PAM_AUTH_ERR);
	ck_assert_int_eq(trust_attempt("secret", "n"), PAM_SUCCESS);
	finish_login();
	ck_devices(0);
}
END_TEST

/* The plain case: "yes" with a success is confirmed by setcred. */
START_TEST(yes_confirmed_by_its_own_setcred)
{
	ck_assert_int_eq(trust_attempt("secret", "y"), PAM_SUCCESS);
	ck_assert_uint_eq(
	    strlen(pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_TRUST")), 32);
	finish_login();
	ck_devices(1);
}
END_TEST

/* ---- forged variables ---- */

/* The value after "KEY " in the state, up to the next space or line end. */
static void
state_field(const char *key, char *out, size_t outsz)
{
	const char *p = strstr(state_text(), key);
	size_t n;

	ck_assert_msg(p != NULL, "no [%s] in:\n%s", key, state_text());
	p += strlen(key);
	n = strcspn(p, " \n");
	ck_assert_uint_lt(n, outsz);
	memcpy(out, p, n);
	out[n] = '\0';
}

/* setcred on a new handle whose environment holds name=value (and the
 * "NAME=value" also, unless NULL). */
static void
forged_setcred2(const char *name, const char *value, const char *also)
{
	char env[256];

	mfa_pamh_close(sess);
	sess = mfa_pamh_open("ro", "alice");
	snprintf(env, sizeof(env), "%s=%s", name, value);
	ck_assert_int_eq(pam_putenv(mfa_pamh_handle(sess), env), PAM_SUCCESS);
	if (also != NULL)
		ck_assert_int_eq(
		    pam_putenv(mfa_pamh_handle(sess), also), PAM_SUCCESS);
	mfa_pamh_log_clear();
	finish_login();
}

#define forged_setcred(name, value) forged_setcred2(name, value, NULL)

/*
 * What b432e86 put in the environment (the pending enrolment's id, the
 * pending device's digest) and made-up nonces confirm nothing now.
 */
START_TEST(forged_variables_confirm_nothing)
{
	char value[128];

	ck_assert_int_eq(ATTEMPT("ro", "wrong", "@CODE", ""), PAM_AUTH_ERR);
	state_field("\nenrol-pending ", value, sizeof(value));
	forged_setcred("PAM_MFA_ENROL", value);
	ck_logged("enrolment at login not confirmed: PAM_MFA_ENROL ");
	ck_logged("names nothing pending in the state");
	forged_setcred("PAM_MFA_ENROL", "../../etc/shadow");
	ck_logged("not a hand-over of pam_mfa");
	forged_setcred("PAM_MFA_ENROL", NONCE);
	ck_logged("names nothing pending in the state");
	ck_assert_ptr_null(strstr(state_text(), "\nenrolled "));
	/* A pending device, and its digest as the variable. */
	mfa_pamh_reset();
	trust_setup();
	ck_assert_int_eq(trust_attempt("wrong", "y"), PAM_AUTH_ERR);
	mfa_pamh_close(sess);
	sess = NULL;
	state_field("\ndevice-pending ", value, sizeof(value)); /* nonce */
	ck_assert_uint_eq(strlen(value), 32);
	{
		const char *p = strstr(state_text(), "\ndevice-pending ");

		snprintf(value, sizeof(value), "%.64s", p + 16 + 33);
	}
	forged_setcred("PAM_MFA_TRUST", value);
	ck_logged("no device trusted: PAM_MFA_TRUST ignored");
	forged_setcred("PAM_MFA_TRUST", NONCE);
	ck_logged("names nothing pending in the state");
	ck_devices(0);
	/* Both at once: one store handle serves both (valgrind: no leak). */
	forged_setcred2("PAM_MFA_TRUST", NONCE, "PAM_MFA_ENROL=" NONCE);
	ck_logged("no device trusted: PAM_MFA_TRUST ignored");
	ck_logged("enrolment at login not confirmed: PAM_MFA_ENROL");
}
END_TEST

/*
 * In the process that authenticated, the variable must be the nonce that
 * process handed over: another pending record's nonce, put there by
 * another module, is refused.
 */
START_TEST(variable_must_match_this_process)
{
	char first[64], env[128];

	ck_assert_int_eq(trust_attempt("wrong", "y"), PAM_AUTH_ERR);
	state_field("\ndevice-pending ", first, sizeof(first));
	ck_assert_int_eq(trust_attempt("secret", "n"), PAM_SUCCESS);
	snprintf(env, sizeof(env), "PAM_MFA_TRUST=%s", first);
	ck_assert_int_eq(pam_putenv(mfa_pamh_handle(sess), env), PAM_SUCCESS);
	mfa_pamh_log_clear();
	finish_login();
	ck_logged("does not match this process's authentication");
	ck_devices(0);
}
END_TEST

/* ---- enrolment at login when writing fails (issue 14 item 2) ---- */

/*
 * The state cannot be written when the enrolment is to be recorded (a
 * stuck lock here; a full or read-only disk alike): nothing is written,
 * and the next login does not take the attacker's key.
 */
START_TEST(state_write_fails_nothing_written)
{
	char planted[160];

	ck_assert_int_eq(
	    ATTEMPT("ro-lock", "wrong", "@CODE_LOCKED", ""), PAM_AUTH_ERR);
	snprintf(planted, sizeof(planted), "%s", shown_key);
	unlock_state();
	ck_shown("E: The set-up could not be saved; nothing was changed.");
	ck_logged("enrolment at login failed: state not saved, nothing "
		  "written: user=alice service=ro-lock");
	ck_assert_str_eq(secret_text(), "");
	ck_assert_ptr_null(pam_getenv(mfa_pamh_handle(sess), "PAM_MFA_ENROL"));
	ck_not_bound_to(planted);
}
END_TEST

/*
 * An unconfirmed file is being replaced by a new enrolment, and the new
 * file cannot be written: the old one stays unconfirmed.
 */
START_TEST(file_write_fails_old_file_stays_unconfirmed)
{
	char planted[160];

	ck_assert_int_eq(ATTEMPT("ro", "wrong", "@CODE", ""), PAM_AUTH_ERR);
	snprintf(planted, sizeof(planted), "%s", shown_key);
	ck_assert_int_eq(
	    ATTEMPT("ro", "secret", "@CODE_OPEN", ""), PAM_SUCCESS);
	ck_assert_int_eq(chmod(mfa_pamh_home("alice"), 0700), 0);
	ck_shown("E: The set-up could not be saved; nothing was changed.");
	ck_logged("writable by");
	ck_assert_ptr_nonnull(strstr(secret_text(), planted));
	finish_login();
	ck_not_bound_to(planted);
}
END_TEST

/*
 * An enrolled user whose file is one a pending enrolment at login names
 * is refused, never treated as not enrolled (which would let them in with
 * the password alone before the deadline, or enrol anew).
 */
START_TEST(enrolled_user_with_unconfirmed_file_is_refused)
{
	char code[16];

	/* A pending record as b432e86 wrote it (no nonce), then today's. */
	write_state("enrolled 1764000000 " ID_E "\n"
		    "enrol-pending " ID_A " 1764000000 58800000\n");
	write_secret(ID_A);
	mfa_pamh_oath_code(SEED, now + 30, code);
	ck_assert_int_eq(FRESH_LOGIN("ro", "secret", code, ""), PAM_AUTH_ERR);
	ck_shown("E: Multi-factor authentication is not available for this "
		 "account. Contact your administrator.");
	ck_not_shown(ENROL_PROMPT);
	ck_not_shown(CODE_PROMPT);
	ck_logged("secret file of alice comes from an enrolment at login "
		  "that was never confirmed, but alice is enrolled with "
		  "another key: refused");
	ck_logged("mfa-enroll --user alice reset");
	ck_logged("reason=unconfirmed secret file but user is enrolled");
	write_state("enrolled 1764000000 " ID_E "\n"
		    "enrol-pending " ID_A " 1764000000 58800000 " NONCE "\n");
	ck_assert_int_eq(FRESH_LOGIN("ro", "secret", code, ""), PAM_AUTH_ERR);
	ck_shown("Contact your administrator.");
}
END_TEST

/* A login with the user's own file clears a leftover pending record. */
START_TEST(enrolment_clears_a_leftover_pending_record)
{
	char code[16];

	write_state("enrol-pending " ID_A " 1764000000 58800000\n");
	write_secret(ID_C);
	mfa_pamh_oath_code(SEED, now + 30, code);
	ck_assert_int_eq(FRESH_LOGIN("ro", "secret", code), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
	ck_assert_ptr_nonnull(strstr(state_text(), "\nenrolled "));
	ck_assert_ptr_nonnull(strstr(state_text(), ID_C));
	ck_assert_ptr_null(strstr(state_text(), "enrol-pending"));
}
END_TEST

/* ---- pam_mfa twice in one stack (issue 14 item 5) ---- */

START_TEST(twice_in_a_stack_asks_once)
{
	char code[16];

	write_secret(ID_E);
	mfa_pamh_oath_code(SEED, now + 30, code);
	ck_assert_int_eq(ATTEMPT("twice", "secret", code), PAM_SUCCESS);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, CODE_PROMPT), 1);
	ck_assert_uint_eq(res.nprompts, 2);
	ck_logged("reason=second factor already given by an earlier pam_mfa "
		  "line of this stack");
	/* The same handle again: the first line asks again. */
	mfa_pamh_log_clear();
	mfa_pamh_oath_code(SEED, now + 30, code);
	ck_assert_int_eq(ATTEMPT("twice", "secret", code), PAM_SUCCESS);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, CODE_PROMPT), 1);
	ck_logged("method=totp result=success");
	/* A retry with wrong codes: the first line (tries=3) fails, and the
	 * second (tries=2) asks again: no marker of a success is left. */
	ck_assert_int_eq(ATTEMPT("twice", "secret", "000000", "000000",
			     "000000", "111111", "111111"),
	    PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, CODE_PROMPT), 5);
}
END_TEST

static Suite *
handover_suite(void)
{
	Suite *s = suite_create("handover");
	TCase *tc = tcase_create("enrolment");
	TCase *tt = tcase_create("trust");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, failed_enrolment_then_skip_confirms_nothing);
	tcase_add_test(tc, failed_enrolment_then_enrolment_confirms_the_second);
	tcase_add_test(tc, two_failed_enrolments_then_skip);
	tcase_add_test(tc, enrolment_then_skip_confirms_nothing);
	tcase_add_test(tc, enrolment_then_failure_clears_the_variable);
	tcase_add_test(tc, enrolment_confirmed_by_its_own_setcred);
	tcase_add_test(tc, forged_variables_confirm_nothing);
	tcase_add_test(tc, state_write_fails_nothing_written);
	tcase_add_test(tc, file_write_fails_old_file_stays_unconfirmed);
	tcase_add_test(tc, enrolled_user_with_unconfirmed_file_is_refused);
	tcase_add_test(tc, enrolment_clears_a_leftover_pending_record);
	tcase_add_test(tc, twice_in_a_stack_asks_once);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tt, trust_setup, teardown);
	tcase_add_test(tt, failed_yes_then_no_trusts_nothing);
	tcase_add_test(tt, failed_yes_then_yes_trusts_once);
	tcase_add_test(tt, yes_then_no_trusts_nothing);
	tcase_add_test(tt, yes_failure_no_trusts_nothing);
	tcase_add_test(tt, yes_confirmed_by_its_own_setcred);
	tcase_add_test(tt, variable_must_match_this_process);
	suite_add_tcase(s, tt);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, handover_suite);
}
