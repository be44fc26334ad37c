/*
 * test_module.c - pam_mfa.so through the real libpam (pam_wrapper): the
 * TOTP second factor, replay protection, lock-out, enrolment policy, and
 * hostile files and replies.  Every scenario asserts the PAM result, what
 * the user was shown and what was logged.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "pamh.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)
#define ck_not_shown(s) MFA_CK_NOT_IN(res.transcript, s)

/* RFC 6238's SHA1 seed "12345678901234567890" in base32. */
#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109 /* RFC 6238 row: code 081804 (step 0x23523EC) */
#define CODE_T0 "081804"
#define PROMPT "P: Verification code: "

static const struct mfa_pamh_service services[] = {
    {"mfa", "", 0, 0, 0},
    {"mfa-only", "", 1, 0, 0},
    {"mfa-nullok", "nullok", 0, 0, 0},
    {"mfa-enforce", "enforce_after=2030-01-01", 0, 0, 0},
    {"mfa-groups", "groups=staff", 0, 0, 0},
    {"mfa-lock", "deny=3 unlock_time=600", 1, 0, 0},
    {"mfa-lock-admin", "deny=2 unlock_time=0", 1, 0, 0},
    {"mfa-one", "tries=1", 1, 0, 0},
    {"mfa-echo", "echo_code", 1, 0, 0},
    {"mfa-bad", "bogus_option=1", 1, 0, 0},
    {"mfa-badvalue", "window=99", 1, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static const char *secret_text = "pam_mfa-secret 1\n"
				 "id 00112233445566778899aabbccddeeff\n"
				 "created 1111111000\n"
				 "totp-secret " SEED "\n";

static void
oath_code(int64_t t, char out[16])
{
	mfa_pamh_oath_code(SEED, t, out);
}

static void
setup(void)
{
	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	mfa_pamh_write_secret("alice", secret_text);
}

static struct mfa_pamh_result res;

static int
login(const char *service, const char *user, const char *a1, const char *a2,
    const char *a3, const char *a4)
{
	const char *answers[] = {a1, a2, a3, a4, NULL};

	mfa_pamh_login(service, user, answers, 0, &res);
	return res.rv;
}

/* ---- the basic stack: password, then code ---- */

START_TEST(right_password_right_code)
{
	ck_assert_int_eq(
	    login("mfa", "alice", "secret", CODE_T0, NULL, NULL), PAM_SUCCESS);
	ck_shown("I: Enter the 6-digit code from your authenticator app, or a "
		 "backup code.");
	ck_shown(PROMPT);
	ck_logged("user=alice service=mfa rhost=- method=totp result=success");
	ck_assert_ptr_null(strstr(mfa_pamh_log(), CODE_T0));
}
END_TEST

START_TEST(right_password_wrong_code)
{
	ck_assert_int_eq(
	    login("mfa", "alice", "secret", "000000", "111111", "222222"),
	    PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, PROMPT), 3);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, "E: Invalid code."), 3);
	ck_logged("method=none result=failure reason=wrong code");
	ck_assert_ptr_null(strstr(mfa_pamh_log(), "000000"));
}
END_TEST

START_TEST(wrong_password_still_prompts_for_code)
{
	/* Both lines are required: the code prompt must not reveal the
	 * password result. */
	ck_assert_int_eq(
	    login("mfa", "alice", "wrong", CODE_T0, NULL, NULL), PAM_AUTH_ERR);
	ck_shown(PROMPT);
}
END_TEST

START_TEST(oathtool_codes_accepted)
{
	static const int64_t times[] = {
	    1700000000, 1764017613, 2000000000, 4102444800LL};
	char code[16];
	size_t i;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		mfa_pamh_reset();
		mfa_pamh_write_secret("alice", secret_text);
		mfa_pamh_set_time(times[i]);
		oath_code(times[i], code);
		ck_assert_int_eq(
		    login("mfa-only", "alice", code, NULL, NULL, NULL),
		    PAM_SUCCESS);
	}
}
END_TEST

/* Window 1: T-2 and T+2 refused, T-1, T and T+1 accepted. */
START_TEST(window_edges)
{
	static const struct {
		int offset;
		int rv;
	} rows[] = {{-2, PAM_AUTH_ERR}, {-1, PAM_SUCCESS}, {0, PAM_SUCCESS},
	    {1, PAM_SUCCESS}, {2, PAM_AUTH_ERR}};
	char code[16];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		mfa_pamh_reset();
		mfa_pamh_write_secret("alice", secret_text);
		oath_code(T0 + 30 * rows[i].offset, code);
		ck_assert_msg(login("mfa-one", "alice", code, NULL, NULL,
				  NULL) == rows[i].rv,
		    "offset %d", rows[i].offset);
	}
}
END_TEST

/* ---- replay ---- */

START_TEST(same_code_twice_fails)
{
	ck_assert_int_eq(
	    login("mfa-one", "alice", CODE_T0, NULL, NULL, NULL), PAM_SUCCESS);
	ck_assert_int_eq(
	    login("mfa-one", "alice", CODE_T0, NULL, NULL, NULL), PAM_AUTH_ERR);
	/* The code is spent: saying so reveals nothing. */
	ck_shown("E: This code was already used. Wait for the next code from "
		 "your app.");
	ck_not_shown("E: Invalid code.");
	ck_logged("reason=code already used");
}
END_TEST

START_TEST(older_code_after_newer_fails)
{
	char older[16], newer[16];

	oath_code(T0 - 30, older);
	oath_code(T0 + 30, newer);
	ck_assert_int_eq(
	    login("mfa-one", "alice", newer, NULL, NULL, NULL), PAM_SUCCESS);
	ck_assert_int_eq(
	    login("mfa-one", "alice", older, NULL, NULL, NULL), PAM_AUTH_ERR);
	/* Even after the clock goes back. */
	mfa_pamh_set_time(T0 - 30);
	ck_assert_int_eq(
	    login("mfa-one", "alice", older, NULL, NULL, NULL), PAM_AUTH_ERR);
}
END_TEST

START_TEST(twenty_racing_logins_one_success)
{
	pid_t pids[20];
	int i, ok = 0, status;

	for (i = 0; i < 20; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0)
			_exit(login("mfa-one", "alice", CODE_T0, NULL, NULL,
				  NULL) == PAM_SUCCESS
				? 0
				: 1);
	}
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ok += WEXITSTATUS(status) == 0;
	}
	ck_assert_int_eq(ok, 1);
}
END_TEST

/* ---- lock-out ---- */

START_TEST(lockout_after_deny_failures)
{
	int i;
	static char locked_right[sizeof(res.transcript)];

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(login("mfa-lock", "alice", "000000", "000000",
				     "000000", NULL),
		    PAM_AUTH_ERR);
	/* 3 failures in the first login already locked the user. */
	ck_assert_int_eq(login("mfa-lock", "alice", CODE_T0, NULL, NULL, NULL),
	    PAM_AUTH_ERR);
	ck_shown("E: Too many failed attempts. Try again in 10 minutes.");
	ck_not_shown(PROMPT);
	snprintf(locked_right, sizeof(locked_right), "%s", res.transcript);
	ck_assert_int_eq(login("mfa-lock", "alice", "123456", NULL, NULL, NULL),
	    PAM_AUTH_ERR);
	ck_assert_str_eq(res.transcript, locked_right);
	ck_logged("reason=locked out");
	/* After unlock_time the right code works again. */
	mfa_pamh_set_time(T0 + 601);
	{
		char code[16];

		oath_code(T0 + 601, code);
		/* A fresh count: one typo does not re-lock at once. */
		ck_assert_int_eq(
		    login("mfa-lock", "alice", "000000", code, NULL, NULL),
		    PAM_SUCCESS);
		ck_assert_int_eq(
		    mfa_pamh_count(res.transcript, "E: Invalid code."), 1);
	}
}
END_TEST

START_TEST(lockout_across_processes)
{
	int i, status;

	for (i = 0; i < 3; i++) {
		pid_t pid = fork();

		ck_assert_int_ge(pid, 0);
		if (pid == 0)
			_exit(login("mfa-one", "alice", "999999", NULL, NULL,
				  NULL) == PAM_AUTH_ERR
				? 0
				: 1);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert_int_eq(WEXITSTATUS(status), 0);
	}
	/* deny=10 by default: 3 failures do not lock, a success resets. */
	ck_assert_int_eq(
	    login("mfa-one", "alice", CODE_T0, NULL, NULL, NULL), PAM_SUCCESS);
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(login("mfa-lock-admin", "alice", "999999",
				     "999999", NULL, NULL),
		    PAM_AUTH_ERR);
	ck_shown("E: Too many failed attempts. Contact your administrator.");
	mfa_pamh_set_time(T0 + 86400 * 30);
	ck_assert_int_eq(
	    login("mfa-lock-admin", "alice", "999999", NULL, NULL, NULL),
	    PAM_AUTH_ERR);
	ck_shown("Contact your administrator.");
}
END_TEST

/* ---- enrolment policy ---- */

START_TEST(not_enrolled_refused)
{
	ck_assert_int_eq(
	    login("mfa", "bob", "secret", NULL, NULL, NULL), PAM_AUTH_ERR);
	ck_shown("Run mfa-enroll");
	ck_not_shown(PROMPT);
	ck_logged("user=bob service=mfa rhost=- method=none result=failure "
		  "reason=not enrolled");
}
END_TEST

START_TEST(nullok_ignores)
{
	ck_assert_int_eq(login("mfa-nullok", "bob", "secret", NULL, NULL, NULL),
	    PAM_SUCCESS); /* pam_matrix decides, pam_mfa is ignored */
	ck_logged("result=ignored reason=not enrolled, nullok");
	/* nullok never skips an enrolled user's code. */
	ck_assert_int_eq(login("mfa-nullok", "alice", "secret", "000000",
			     "000000", "000000"),
	    PAM_AUTH_ERR);
}
END_TEST

START_TEST(enforce_after_before_and_after)
{
	mfa_pamh_set_time(1893455999); /* 2029-12-31 23:59:59 UTC */
	ck_assert_int_eq(
	    login("mfa-enforce", "bob", "secret", NULL, NULL, NULL),
	    PAM_SUCCESS);
	ck_shown("I: Multi-factor authentication will be required from 1 "
		 "January 2030. Run mfa-enroll to set it up.");
	mfa_pamh_set_time(1893456000); /* 2030-01-01 00:00:00 UTC */
	ck_assert_int_eq(
	    login("mfa-enforce", "bob", "secret", NULL, NULL, NULL),
	    PAM_AUTH_ERR);
	ck_shown("Run mfa-enroll");
}
END_TEST

START_TEST(groups_select_users)
{
	ck_assert_int_eq(
	    login("mfa-groups", "carol", "secret", NULL, NULL, NULL),
	    PAM_SUCCESS);
	ck_assert_uint_eq(res.nprompts, 1); /* the password only */
	ck_logged("user=carol service=mfa-groups rhost=- method=none "
		  "result=ignored reason=not in groups=");
	ck_assert_int_eq(login("mfa-groups", "bob", "secret", NULL, NULL, NULL),
	    PAM_AUTH_ERR);
}
END_TEST

START_TEST(enrolled_user_deleting_file_is_refused)
{
	ck_assert_int_eq(
	    login("mfa-one", "alice", CODE_T0, NULL, NULL, NULL), PAM_SUCCESS);
	{
		char path[4096];

		snprintf(
		    path, sizeof(path), "%s/.pam_mfa", mfa_pamh_home("alice"));
		ck_assert_int_eq(unlink(path), 0);
	}
	ck_assert_int_eq(
	    login("mfa-only", "alice", NULL, NULL, NULL, NULL), PAM_AUTH_ERR);
	ck_shown("Contact your administrator.");
	ck_logged("reason=secret file missing but user is enrolled");
	/* nullok does not help either. */
	ck_assert_int_eq(
	    login("mfa-nullok", "alice", "secret", NULL, NULL, NULL),
	    PAM_AUTH_ERR);
}
END_TEST

START_TEST(unknown_user_is_challenged)
{
	ck_assert_int_eq(login("mfa-one", "mallory", CODE_T0, NULL, NULL, NULL),
	    PAM_AUTH_ERR);
	ck_shown(PROMPT);
	ck_shown("E: Invalid code.");
	ck_logged("reason=unknown user");
}
END_TEST

/* ---- options ---- */

START_TEST(bad_option_is_service_error)
{
	ck_assert_int_eq(login("mfa-bad", "alice", CODE_T0, NULL, NULL, NULL),
	    PAM_SERVICE_ERR);
	ck_logged("bogus_option");
	ck_assert_int_eq(
	    login("mfa-badvalue", "alice", CODE_T0, NULL, NULL, NULL),
	    PAM_SERVICE_ERR);
	ck_logged("window");
	ck_assert_uint_eq(res.nprompts, 0);
}
END_TEST

START_TEST(echo_code_prompts_with_echo)
{
	ck_assert_int_eq(
	    login("mfa-echo", "alice", CODE_T0, NULL, NULL, NULL), PAM_SUCCESS);
	ck_shown("Q: Verification code: ");
}
END_TEST

START_TEST(silent_hides_info)
{
	const char *answers[] = {CODE_T0, NULL};

	mfa_pamh_login("mfa-only", "alice", answers, PAM_SILENT, &res);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_not_shown("I: ");
	ck_shown(PROMPT);
}
END_TEST

/* ---- hostile replies ---- */

START_TEST(hostile_replies)
{
	static char big[1024 * 1024 + 1];
	const char *bad[] = {"", "123456\n", "12345", "1234567", "12345678",
	    "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6", "12345a",
	    "081804\t", "-81804", big, NULL};
	size_t i;

	memset(big, '1', sizeof(big) - 1);
	for (i = 0; bad[i] != NULL; i++) {
		mfa_pamh_reset();
		mfa_pamh_write_secret("alice", secret_text);
		ck_assert_msg(login("mfa-one", "alice", bad[i], NULL, NULL,
				  NULL) == PAM_AUTH_ERR,
		    "reply %zu accepted", i);
	}
	/* Spaces are ignored: apps show "081 804". */
	mfa_pamh_reset();
	mfa_pamh_write_secret("alice", secret_text);
	ck_assert_int_eq(
	    login("mfa-one", "alice", " 081 804 ", NULL, NULL, NULL),
	    PAM_SUCCESS);
}
END_TEST

START_TEST(conversation_failure)
{
	/* No answer at all: the conversation fails, so does the login. */
	ck_assert_int_eq(
	    login("mfa-only", "alice", NULL, NULL, NULL, NULL), PAM_CONV_ERR);
	ck_logged("reason=conversation failed");
}
END_TEST

/* ---- hostile secret files ---- */

static char secret_path[4096];

static const char *
alice_secret(void)
{
	snprintf(secret_path, sizeof(secret_path), "%s/.pam_mfa",
	    mfa_pamh_home("alice"));
	return secret_path;
}

/* Replace alice's file with what make() builds; the login must fail. */
static void
expect_refused(const char *what, const char *logged)
{
	ck_assert_msg(login("mfa-only", "alice", CODE_T0, NULL, NULL, NULL) ==
		PAM_AUTH_ERR,
	    "%s accepted", what);
	ck_not_shown(PROMPT);
	ck_shown("Contact your administrator.");
	ck_logged(logged);
}

START_TEST(secret_symlink_refused)
{
	char target[4096];

	snprintf(target, sizeof(target), "%s/.pam_mfa", mfa_pamh_home("bob"));
	mfa_pamh_write_secret("bob", secret_text);
	unlink(alice_secret());
	ck_assert_int_eq(symlink(target, alice_secret()), 0);
	expect_refused("link to another user's file", "secret file refused");
	unlink(alice_secret());
	ck_assert_int_eq(symlink("/etc/shadow", alice_secret()), 0);
	expect_refused("link to /etc/shadow", "secret file refused");
}
END_TEST

START_TEST(secret_fifo_refused_without_hanging)
{
	unlink(alice_secret());
	ck_assert_int_eq(mkfifo(alice_secret(), 0600), 0);
	alarm(20); /* a hang fails the test instead of blocking the suite */
	expect_refused("FIFO", "secret file refused");
	alarm(0);
}
END_TEST

START_TEST(secret_bad_modes_refused)
{
	static const mode_t modes[] = {0644, 0640, 0604, 0660, 0666};
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		ck_assert_int_eq(chmod(alice_secret(), modes[i]), 0);
		expect_refused("group/other bits", "secret file refused");
		mfa_pamh_log_clear();
	}
}
END_TEST

START_TEST(secret_hard_link_refused)
{
	char other[4096];

	snprintf(other, sizeof(other), "%s/copy", mfa_pamh_home("alice"));
	unlink(other);
	ck_assert_int_eq(link(alice_secret(), other), 0);
	expect_refused("hard link", "secret file refused");
	unlink(other);
}
END_TEST

START_TEST(secret_oversize_refused)
{
	size_t n = 10 * 1024 * 1024;
	char *big = malloc(n + 1);

	ck_assert_ptr_nonnull(big);
	memset(big, '#', n);
	big[n] = '\0';
	memcpy(big, secret_text, strlen(secret_text));
	mfa_pamh_write_secret("alice", big);
	free(big);
	expect_refused("10 MB file", "secret file refused");
}
END_TEST

START_TEST(secret_garbage_refused)
{
#define G(s)                                                                   \
	{                                                                      \
		s, sizeof(s) - 1                                               \
	}
	static const struct {
		const char *data;
		size_t len;
	} garbage[] = {
	    G("hello\n"),
	    G("pam_mfa-secret 2\nid 00112233445566778899aabbccddeeff\n"),
	    G("pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
	      "created 1\ntotp-secret GEZDGNBV\n"),
	    G("pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
	      "created 1\ntotp-secret " SEED "\x00\n"),
	    G("\xff\xfe\x00\x01"),
	    G(""),
	};
#undef G
	size_t i;

	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		mfa_test_write_file(
		    alice_secret(), garbage[i].data, garbage[i].len, 0600);
		expect_refused("garbage", "secret file refused");
		mfa_pamh_log_clear();
	}
}
END_TEST

START_TEST(secret_wrong_owner_refused)
{
	if (getuid() != 0) {
		/* Needs root to chown; covered by the e2e suite too. */
		return;
	}
	ck_assert_int_eq(chown(alice_secret(), 65534, 65534), 0);
	expect_refused("foreign owner", "secret file refused");
}
END_TEST

/* A login writes nothing in the user's home directory. */
START_TEST(login_writes_nothing_in_home)
{
	struct stat before, after, fbefore, fafter;

	ck_assert_int_eq(stat(mfa_pamh_home("alice"), &before), 0);
	ck_assert_int_eq(stat(alice_secret(), &fbefore), 0);
	sleep(1); /* so that a write would change the mtime */
	ck_assert_int_eq(
	    login("mfa-one", "alice", CODE_T0, NULL, NULL, NULL), PAM_SUCCESS);
	ck_assert_int_eq(login("mfa-one", "alice", "000000", NULL, NULL, NULL),
	    PAM_AUTH_ERR);
	ck_assert_int_eq(stat(mfa_pamh_home("alice"), &after), 0);
	ck_assert_int_eq(stat(alice_secret(), &fafter), 0);
	ck_assert(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	    before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
	ck_assert(before.st_nlink == after.st_nlink);
	ck_assert(fbefore.st_mtim.tv_nsec == fafter.st_mtim.tv_nsec);
	ck_assert(fbefore.st_ino == fafter.st_ino);
}
END_TEST

/* A login records the step used and the enrolment, never the code. */
START_TEST(state_recorded_after_login)
{
	const char *text;

	ck_assert_int_eq(
	    login("mfa-one", "alice", CODE_T0, NULL, NULL, NULL), PAM_SUCCESS);
	text = mfa_pamh_state_text("alice");
	MFA_CK_IN(text, "pam_mfa-state 1\n");
	MFA_CK_IN(text, "totp-last-step 37037036\n");
	MFA_CK_IN(
	    text, "enrolled 1111111109 00112233445566778899aabbccddeeff\n");
	MFA_CK_NOT_IN(text, CODE_T0);
}
END_TEST

/* The state file is the root-owned record, 0600, in the state dir. */
START_TEST(state_file_written_private)
{
	char path[4096], buf[4096];
	struct stat st;
	FILE *f;
	size_t n;

	if (!mfa_pamh_files_only("state file written private"))
		return;
	ck_assert_int_eq(
	    login("mfa-one", "alice", CODE_T0, NULL, NULL, NULL), PAM_SUCCESS);
	snprintf(path, sizeof(path), "%s/alice", mfa_pamh_state_dir());
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(st.st_uid, geteuid());
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "pam_mfa-state 1\n"));
	ck_assert_ptr_nonnull(strstr(buf, "totp-last-step 37037036\n"));
	ck_assert_ptr_nonnull(strstr(
	    buf, "enrolled 1111111109 00112233445566778899aabbccddeeff\n"));
	ck_assert_ptr_null(strstr(buf, CODE_T0));
}
END_TEST

/* A corrupt state file fails closed, with a log line naming it. */
START_TEST(corrupt_state_fails_closed)
{
	char path[4096];

	/* Only a backend's own files can hold a record that does not parse. */
	if (!mfa_pamh_files_only("corrupt state file fails closed"))
		return;
	snprintf(path, sizeof(path), "%s/alice", mfa_pamh_state_dir());
	mfa_test_write_file(path, "pam_mfa-state 1\nfailures x\n", 27, 0600);
	ck_assert_int_eq(login("mfa-one", "alice", CODE_T0, NULL, NULL, NULL),
	    PAM_AUTHINFO_UNAVAIL);
	ck_logged("line 2");
}
END_TEST

/* Only the pam_sm_* entry points are exported. */
START_TEST(only_entry_points_exported)
{
	char path[4096];
	void *h;

	snprintf(path, sizeof(path), "%s/pam_mfa.so", getenv("MFA_BUILD"));
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	ck_assert_msg(h != NULL, "%s", dlerror());
	ck_assert_ptr_nonnull(dlsym(h, "pam_sm_authenticate"));
	ck_assert_ptr_nonnull(dlsym(h, "pam_sm_setcred"));
	ck_assert_ptr_null(dlsym(h, "mfa_login_begin"));
	ck_assert_ptr_null(dlsym(h, "mfa_totp_verify"));
	ck_assert_ptr_null(dlsym(h, "mfa_store_begin"));
	dlclose(h);
}
END_TEST

static Suite *
module_suite(void)
{
	Suite *s = suite_create("module");
	TCase *tc = tcase_create("totp");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, right_password_right_code);
	tcase_add_test(tc, right_password_wrong_code);
	tcase_add_test(tc, wrong_password_still_prompts_for_code);
	tcase_add_test(tc, oathtool_codes_accepted);
	tcase_add_test(tc, window_edges);
	tcase_add_test(tc, same_code_twice_fails);
	tcase_add_test(tc, older_code_after_newer_fails);
	tcase_add_test(tc, twenty_racing_logins_one_success);
	tcase_add_test(tc, lockout_after_deny_failures);
	tcase_add_test(tc, lockout_across_processes);
	tcase_add_test(tc, not_enrolled_refused);
	tcase_add_test(tc, nullok_ignores);
	tcase_add_test(tc, enforce_after_before_and_after);
	tcase_add_test(tc, groups_select_users);
	tcase_add_test(tc, enrolled_user_deleting_file_is_refused);
	tcase_add_test(tc, unknown_user_is_challenged);
	tcase_add_test(tc, bad_option_is_service_error);
	tcase_add_test(tc, echo_code_prompts_with_echo);
	tcase_add_test(tc, silent_hides_info);
	tcase_add_test(tc, hostile_replies);
	tcase_add_test(tc, conversation_failure);
	tcase_add_test(tc, secret_symlink_refused);
	tcase_add_test(tc, secret_fifo_refused_without_hanging);
	tcase_add_test(tc, secret_bad_modes_refused);
	tcase_add_test(tc, secret_hard_link_refused);
	tcase_add_test(tc, secret_oversize_refused);
	tcase_add_test(tc, secret_garbage_refused);
	tcase_add_test(tc, secret_wrong_owner_refused);
	tcase_add_test(tc, login_writes_nothing_in_home);
	tcase_add_test(tc, state_recorded_after_login);
	tcase_add_test(tc, state_file_written_private);
	tcase_add_test(tc, corrupt_state_fails_closed);
	tcase_add_test(tc, only_entry_points_exported);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, module_suite);
}
