/*
 * test_code_in_password.c - code_in_password (issue 20): one prompt for
 * clients that send only one answer.  pam_mfa comes first and the
 * password module after it (tests/modules/authtok_check.so: PAM_AUTHTOK
 * must be "secret", as pam_unix.so use_first_pass checks it; pamh.c puts
 * it after pam_mfa for arguments naming code_in_password), through the
 * real libpam.
 */
#include <stdio.h>
#include <string.h>

#include <security/pam_appl.h>

#include "pamh.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109
#define CODE_T0 "081804"
#define PROMPT "P: Password and code: "

static const struct mfa_pamh_service services[] = {
    {"mfa", "code_in_password", 0, 0, 0},
    {"mfa-groups", "code_in_password groups=nobody-here", 0, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static struct mfa_pamh_result res;

static int
login(const char *service, const char *user, const char *answer)
{
	const char *answers[] = {answer, NULL};

	mfa_pamh_log_clear();
	mfa_pamh_login(service, user, answers, 0, &res);
	return res.rv;
}

static void
setup(void)
{
	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 1\n"
	    "id 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\n"
	    "totp-secret " SEED "\n");
}

START_TEST(password_and_code_in_one_answer)
{
	ck_assert_int_eq(login("mfa", "alice", "secret" CODE_T0), PAM_SUCCESS);
	ck_logged("authtok_check: password accepted");
	ck_assert_int_eq(mfa_pamh_count(res.transcript, "P: "), 1);
	ck_shown(PROMPT);
	MFA_CK_NOT_IN(res.transcript, "Verification code");
	MFA_CK_NOT_IN(res.transcript, "I: ");
	ck_logged("method=totp result=success authenticator=app");
	MFA_CK_NOT_IN(mfa_pamh_log(), "secret");
	MFA_CK_NOT_IN(mfa_pamh_log(), CODE_T0);
}
END_TEST

/* A wrong code fails after one answer; the password is still checked. */
START_TEST(wrong_code_one_answer)
{
	ck_assert_int_eq(login("mfa", "alice", "secret000000"), PAM_AUTH_ERR);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, "P: "), 1);
	ck_shown("E: Invalid code.");
	ck_logged("method=none result=failure reason=wrong code");
	MFA_CK_NOT_IN(mfa_pamh_log(), "secret");
}
END_TEST

/* The rest is the password the next module checks: a wrong one fails. */
START_TEST(wrong_password_right_code)
{
	ck_assert_int_eq(login("mfa", "alice", "wrong" CODE_T0), PAM_AUTH_ERR);
	ck_logged("method=totp result=success");
	ck_logged("authtok_check: password refused");
	/* The code was used up all the same: replay refused. */
	ck_assert_int_eq(login("mfa", "alice", "secret" CODE_T0), PAM_AUTH_ERR);
	ck_logged("reason=code already used");
}
END_TEST

/* No code at the end: a wrong answer, never an emailed code. */
START_TEST(password_without_code)
{
	ck_assert_int_eq(login("mfa", "alice", "secret"), PAM_AUTH_ERR);
	ck_logged("reason=wrong code");
	ck_assert_int_eq(login("mfa", "alice", "123456"), PAM_AUTH_ERR);
	ck_logged("reason=wrong code");
}
END_TEST

/* Whoever needs no code hands the whole answer on as the password. */
START_TEST(no_code_needed_whole_answer_is_password)
{
	ck_assert_int_eq(login("mfa-groups", "alice", "secret"), PAM_SUCCESS);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, "P: "), 1);
	ck_logged("result=ignore");
}
END_TEST

/* Locked out: still one answer, and the password module gets the
 * password alone (a lock-out is no password failure). */
START_TEST(locked_out_password_part_handed_on)
{
	const char *answers[] = {"secret000000", NULL};

	mfa_pamh_state_put("alice",
	    "pam_mfa-state 1\n"
	    "enrolled 1111111000 "
	    "00112233445566778899aabbccddeeff\n"
	    "locked-until 9223372036854775807\n");
	mfa_pamh_log_clear();
	mfa_pamh_login("mfa", "alice", answers, 0, &res);
	ck_assert_int_ne(res.rv, PAM_SUCCESS);
	ck_shown("E: Too many failed attempts. Contact your administrator.");
	/* The password module after pam_mfa got "secret" alone. */
	ck_logged("authtok_check: password accepted");
}
END_TEST

static Suite *
cip_suite(void)
{
	Suite *s = suite_create("code_in_password");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, password_and_code_in_one_answer);
	tcase_add_test(tc, wrong_code_one_answer);
	tcase_add_test(tc, wrong_password_right_code);
	tcase_add_test(tc, password_without_code);
	tcase_add_test(tc, no_code_needed_whole_answer_is_password);
	tcase_add_test(tc, locked_out_password_part_handed_on);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, cip_suite);
}
