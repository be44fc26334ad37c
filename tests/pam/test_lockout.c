/*
 * test_lockout.c - lock-out that a stranger cannot use against a user
 * (issue 14, item 4), through the real libpam (pam_wrapper):
 *   - deny= counts per user and source (PAM_RHOST, set by pam_set_items.so
 *     from the environment; no address is the console's source): a user
 *     locked out from one address still logs in from another;
 *   - deny_total= bounds the account's failures from every source, until
 *     an admin unlock or a success;
 *   - the password typed into the code prompt (PAM_AUTHTOK) is not a wrong
 *     code: said, logged, never counted.  pam_matrix.so sets PAM_AUTHTOK
 *     but then wipes it in place (the module after it reads ""), so here
 *     pam_set_items.so stands for the password module and puts the typed
 *     password there from $PAM_AUTHTOK; tests/e2e/ssh.sh does it for real
 *     with sshd and pam_unix.so.
 * Every scenario asserts the PAM result, what the user was shown, what was
 * logged and what the state file says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "error.h"
#include "pamh.h"
#include "state.h"
#include "store.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)
#define ck_not_shown(s) MFA_CK_NOT_IN(res.transcript, s)

/* RFC 6238's SHA1 seed "12345678901234567890" in base32. */
#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109 /* RFC 6238 row: code 081804 */
#define CODE_T0 "081804"
#define PROMPT "P: Verification code: "
#define A "192.0.2.7"
#define B "198.51.100.9"
#define PASSWORD "secret" /* pamh.h: every fixture user's password */
#define SAID_PASSWORD                                                          \
	"E: That looks like your password. Enter the 6-digit code from your "  \
	"authenticator app."

static const struct mfa_pamh_service services[] = {
    /* The code alone, with the address from $PAM_RHOST. */
    {"src", "deny=3 unlock_time=600", 1, 0, 1},
    {"total", "deny=3 unlock_time=600 deny_total=7", 1, 0, 1},
    {"count", "deny=0 deny_total=0 tries=1", 1, 0, 1},
    /* A password module's PAM_AUTHTOK ($PAM_AUTHTOK), then pam_mfa. */
    {"pw", "deny=3 unlock_time=600", 1, 0, 1},
    {NULL, NULL, 0, 0, 0},
};

static const char *secret_text = "pam_mfa-secret 1\n"
				 "id 00112233445566778899aabbccddeeff\n"
				 "created 1111111000\n"
				 "totp-secret " SEED "\n";

static struct mfa_pamh_result res;
static const char *g_service; /* login_from's: "src" unless a test says */

static void
setup(void)
{
	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	mfa_pamh_write_secret("alice", secret_text);
	mfa_pamh_log_clear();
	unsetenv("PAM_RHOST");
	unsetenv("PAM_AUTHTOK");
	g_service = "src";
}

static void
teardown(void)
{
	unsetenv("PAM_RHOST");
	unsetenv("PAM_AUTHTOK");
}

/* One login from rhost (NULL: none) at time t with up to three answers. */
static int
login_from(const char *rhost, int64_t t, const char *a1, const char *a2,
    const char *a3)
{
	const char *answers[] = {a1, a2, a3, NULL};

	if (rhost != NULL)
		setenv("PAM_RHOST", rhost, 1);
	else
		unsetenv("PAM_RHOST");
	mfa_pamh_set_time(t);
	mfa_pamh_login(g_service, "alice", answers, 0, &res);
	return res.rv;
}

/* The right code at time t. */
static const char *
code_at(int64_t t)
{
	static char code[16];

	mfa_pamh_oath_code(SEED, t, code);
	return code;
}

/* alice's record as the store holds it, every failure counted. */
static const char *
state_text(void)
{
	return mfa_pamh_state_text("alice");
}

/* alice's state file alone, without the tally (empty when none). */
static const char *
state_file_text(void)
{
	static char text[65536];
	char path[4096];
	FILE *f;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/alice", mfa_pamh_state_dir());
	f = fopen(path, "r");
	if (f != NULL) {
		n = fread(text, 1, sizeof(text) - 1, f);
		fclose(f);
	}
	text[n] = '\0';
	return text;
}

/* What the module reads of alice: the record with the tally over it. */
static void
merged(struct mfa_state *st)
{
	mfa_pamh_state_read("alice", st);
}

/* alice's failures from source (NULL: the account's). */
static unsigned int
failures_from(const char *source)
{
	struct mfa_state st;
	const struct mfa_source *src;
	unsigned int n;

	merged(&st);
	src = source != NULL ? mfa_state_source_find(&st, source) : NULL;
	n = source == NULL ? st.failures : src != NULL ? src->failures : 0;
	mfa_state_wipe(&st);
	return n;
}

#define ck_state_has(s) MFA_CK_IN(state_text(), s)
#define ck_state_lacks(s) MFA_CK_NOT_IN(state_text(), s)

/* A stranger at A locks A out; the user logs in from B all the same. */
START_TEST(locked_from_one_address_not_another)
{
	ck_assert_int_eq(
	    login_from(A, T0, "000000", "000000", "000000"), PAM_AUTH_ERR);
	ck_shown("E: Too many failed attempts. Try again in 10 minutes.");
	ck_state_has("\nsource " A " 3 1111111109 1111111709\n");
	ck_state_lacks("locked-until");
	/* From A, even the right code is refused, without a prompt. */
	ck_assert_int_eq(
	    login_from(A, T0 + 30, code_at(T0 + 30), NULL, NULL), PAM_AUTH_ERR);
	ck_not_shown(PROMPT);
	ck_shown("E: Too many failed attempts. Try again in 10 minutes.");
	ck_logged("rhost=" A " method=none result=failure reason=locked out");
	/* From B, and from the console, the user gets in. */
	ck_assert_int_eq(
	    login_from(B, T0 + 60, code_at(T0 + 60), NULL, NULL), PAM_SUCCESS);
	ck_logged("rhost=" B " method=totp result=success");
	ck_assert_int_eq(
	    login_from(NULL, T0 + 90, code_at(T0 + 90), NULL, NULL),
	    PAM_SUCCESS);
	/* A stays locked: a success elsewhere gives a stranger no tries. */
	ck_state_has("\nsource " A " 3 1111111109 1111111709\n");
	ck_assert_int_eq(login_from(A, T0 + 120, code_at(T0 + 120), NULL, NULL),
	    PAM_AUTH_ERR);
	ck_not_shown(PROMPT);
}
END_TEST

/* deny_total=7: failures from many addresses lock the account at the
 * seventh, everywhere, until an admin unlocks. */
START_TEST(deny_total_locks_everywhere)
{
	g_service = "total";
	ck_assert_int_eq(
	    login_from(A, T0, "000000", "000000", NULL), PAM_CONV_ERR);
	ck_assert_int_eq(
	    login_from(B, T0, "000000", "000000", "000000"), PAM_AUTH_ERR);
	ck_assert_int_eq(
	    login_from("203.0.113.1", T0, "000000", NULL, NULL), PAM_CONV_ERR);
	ck_assert_uint_eq(failures_from(NULL), 6);
	ck_state_lacks("locked-until");
	ck_assert_int_eq(
	    login_from("203.0.113.2", T0, "000000", "000000", NULL),
	    PAM_AUTH_ERR);
	/* The seventh locked the account: no more questions, anywhere. */
	ck_shown("E: Too many failed attempts. Contact your administrator.");
	ck_assert_int_eq(mfa_pamh_count(res.transcript, PROMPT), 1);
	ck_state_has("\nfailures 7\nlocked-until 9223372036854775807\n");
	ck_assert_int_eq(
	    login_from(NULL, T0 + 86400, code_at(T0 + 86400), NULL, NULL),
	    PAM_AUTH_ERR);
	ck_not_shown(PROMPT);
	ck_shown("E: Too many failed attempts. Contact your administrator.");
}
END_TEST

/* A success clears the account's count and its own source's; another
 * source keeps its count (deny_total is cleared only by a success or an
 * admin unlock). */
START_TEST(success_clears_total_and_its_source)
{
	ck_assert_int_eq(
	    login_from(A, T0, "000000", "000000", NULL), PAM_CONV_ERR);
	ck_assert_int_eq(
	    login_from(B, T0, "000000", code_at(T0), NULL), PAM_SUCCESS);
	ck_state_lacks("\nfailures ");
	ck_state_has("\nsource " A " 2 1111111109 0\n");
	ck_state_has("\nsource " B " 0 1111111109 0\n");
	/* A's third failure locks A: the success from B did not reset it. */
	ck_assert_int_eq(
	    login_from(A, T0 + 30, "000000", code_at(T0 + 30), NULL),
	    PAM_AUTH_ERR);
	ck_shown("E: Too many failed attempts. Try again in 10 minutes.");
	ck_assert_int_eq(mfa_pamh_count(res.transcript, PROMPT), 1);
}
END_TEST

/* The password at the code prompt: told, logged, not counted. */
START_TEST(password_at_code_prompt_not_counted)
{
	const char *answers[] = {PASSWORD, PASSWORD, PASSWORD, NULL};
	const char *right[] = {PASSWORD, CODE_T0, NULL};

	setenv("PAM_RHOST", A, 1);
	setenv("PAM_AUTHTOK", PASSWORD, 1);
	/* sshd with PasswordAuthentication answers every prompt so. */
	mfa_pamh_login("pw", "alice", answers, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, SAID_PASSWORD), 3);
	ck_not_shown("Invalid code.");
	ck_not_shown("Too many failed attempts");
	ck_logged("alice answered the code prompt with the password given to "
		  "this login: not counted as a failure");
	ck_logged("reason=password typed at the code prompt");
	/* The log never holds the password itself. */
	ck_assert_int_eq(mfa_pamh_count(mfa_pamh_log(), PASSWORD), 0);
	/* Nothing counted (deny is 3: three would have locked A). */
	ck_state_lacks("failures");
	ck_state_lacks("source");
	/* It used up a prompt, no more: the code on the next one works. */
	mfa_pamh_login("pw", "alice", right, 0, &res);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, SAID_PASSWORD), 1);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, PROMPT), 2);
}
END_TEST

/* Whatever was given as PAM_AUTHTOK (a wrong password too) is not a
 * guess at the code; the real wrong code next to it counts. */
START_TEST(wrong_password_at_code_prompt_not_counted)
{
	const char *answers[] = {"hunter2", "000000", "hunter3", NULL};

	setenv("PAM_RHOST", A, 1);
	setenv("PAM_AUTHTOK", "hunter2", 1);
	mfa_pamh_login("pw", "alice", answers, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, SAID_PASSWORD), 1);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, "E: Invalid code."), 2);
	/* Only the real wrong code counted. */
	ck_assert_uint_eq(failures_from(NULL), 2);
	ck_assert_uint_eq(failures_from(A), 2);
	ck_assert_int_eq(mfa_pamh_count(mfa_pamh_log(), "hunter2"), 0);
}
END_TEST

/* A password that could be a code counts like any wrong code: were it
 * exempt, whoever picks the password would pick an uncounted guess. */
START_TEST(code_shaped_password_counts)
{
	const char *answers[] = {"123456", "123456", "123456", NULL};

	setenv("PAM_RHOST", A, 1);
	setenv("PAM_AUTHTOK", "123456", 1);
	mfa_pamh_login("pw", "alice", answers, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	ck_not_shown("That looks like your password");
	ck_shown("E: Too many failed attempts. Try again in 10 minutes.");
	ck_assert_uint_eq(failures_from(A), 3);
}
END_TEST

/* The cost of a wrong code stays one tally write (tally.h): once the
 * record names the source, the state file is not rewritten.  A success
 * names its source, so the user's own typos never cost a durable write. */
START_TEST(wrong_codes_from_a_known_source_are_a_tally)
{
	char first[65536];
	int i;

	if (!mfa_pamh_files_only("wrong codes from a known source are a "
				 "tally in the lock file"))
		return;
	g_service = "count";
	ck_assert_int_eq(
	    login_from(NULL, T0, CODE_T0, NULL, NULL), PAM_SUCCESS);
	snprintf(first, sizeof(first), "%s", state_file_text());
	MFA_CK_IN(first, "\nsource - 0 0 0\n");
	for (i = 1; i <= 5; i++)
		ck_assert_int_eq(login_from(NULL, T0 + i, "000000", NULL, NULL),
		    PAM_AUTH_ERR);
	ck_assert_str_eq(state_file_text(), first);
	ck_assert_uint_eq(failures_from(NULL), 5);
	ck_assert_uint_eq(failures_from("-"), 5);
	/* A source never seen: its first failure names it (durable), the
	 * next ones are the tally again. */
	ck_assert_int_eq(
	    login_from(A, T0 + 10, "000000", NULL, NULL), PAM_AUTH_ERR);
	ck_assert_str_ne(state_file_text(), first);
	snprintf(first, sizeof(first), "%s", state_file_text());
	MFA_CK_IN(first, "\nsource " A " 1 1111111119 0\n");
	ck_assert_int_eq(
	    login_from(A, T0 + 11, "000000", NULL, NULL), PAM_AUTH_ERR);
	ck_assert_str_eq(state_file_text(), first);
	ck_assert_uint_eq(failures_from(A), 2);
	ck_assert_uint_eq(failures_from(NULL), 7);
}
END_TEST

static Suite *
lockout_suite(void)
{
	Suite *s = suite_create("lockout");
	TCase *tc = tcase_create("lockout");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, locked_from_one_address_not_another);
	tcase_add_test(tc, deny_total_locks_everywhere);
	tcase_add_test(tc, success_clears_total_and_its_source);
	tcase_add_test(tc, password_at_code_prompt_not_counted);
	tcase_add_test(tc, wrong_password_at_code_prompt_not_counted);
	tcase_add_test(tc, code_shaped_password_counts);
	tcase_add_test(tc, wrong_codes_from_a_known_source_are_a_tally);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, lockout_suite);
}
