/*
 * test_prompt.c - the PAM conversation (pam_mfa/prompt.c), against the
 * in-memory libpam of tests/fuzz/fakepam.c: what the user is shown, what
 * is asked with echo on or off, and how the answers come back.
 */
#include <string.h>

#include "error.h"
#include "fakepam.h"
#include "mem.h"
#include "prompt.h"
#include "testutil.h"

#define QUESTION "Verification code: "

static pam_handle_t *pamh;

static void
setup(void)
{
	pamh = fakepam_start("login", "alice");
	ck_assert_ptr_nonnull(pamh);
}

static void
teardown(void)
{
	fakepam_end(pamh);
	pamh = NULL;
}

/* The conversation will give these answers, in order, then fail. */
static void
answers(const char *a, const char *b)
{
	pamh->nanswers = pamh->next_answer = 0;
	if (a != NULL)
		pamh->answers[pamh->nanswers++] = a;
	if (b != NULL)
		pamh->answers[pamh->nanswers++] = b;
}

START_TEST(info_and_error_lines)
{
	mfa_prompt_info(pamh, 0, "%u backup code%s left.", 2u, "s");
	mfa_prompt_error(pamh, 0, "%s", "Invalid code.");
	ck_assert_str_eq(
	    pamh->transcript, "I: 2 backup codes left.\nE: Invalid code.\n");
	ck_assert_uint_eq(pamh->prompts, 0);
}
END_TEST

START_TEST(silent_shows_nothing)
{
	mfa_prompt_info(pamh, 1, "info");
	mfa_prompt_error(pamh, 1, "error");
	ck_assert_str_eq(pamh->transcript, "");
}
END_TEST

START_TEST(ask_echo_off_and_on)
{
	char *reply = NULL;

	answers("one", "two");
	ck_assert_int_eq(mfa_prompt_ask(pamh, 0, QUESTION, &reply), MFA_OK);
	ck_assert_str_eq(reply, "one");
	mfa_strfree(reply);
	ck_assert_int_eq(mfa_prompt_ask(pamh, 1, "Trust? ", &reply), MFA_OK);
	ck_assert_str_eq(reply, "two");
	mfa_strfree(reply);
	ck_assert_str_eq(pamh->transcript, "P: " QUESTION "\nQ: Trust? \n");
}
END_TEST

START_TEST(ask_conversation_fails)
{
	char *reply = (char *)1;

	answers(NULL, NULL);
	ck_assert_int_eq(
	    mfa_prompt_ask(pamh, 0, QUESTION, &reply), MFA_ERR_SYSTEM);
	ck_assert_ptr_null(reply);
}
END_TEST

START_TEST(ask_too_long)
{
	char long_reply[MFA_PROMPT_MAX_REPLY + 2], *reply = (char *)1;

	memset(long_reply, '1', sizeof(long_reply) - 1);
	long_reply[sizeof(long_reply) - 1] = '\0';
	answers(long_reply, NULL);
	ck_assert_int_eq(
	    mfa_prompt_ask(pamh, 0, QUESTION, &reply), MFA_ERR_TOOBIG);
	ck_assert_ptr_null(reply);
	/* Exactly the limit is fine. */
	long_reply[MFA_PROMPT_MAX_REPLY] = '\0';
	answers(long_reply, NULL);
	ck_assert_int_eq(mfa_prompt_ask(pamh, 0, QUESTION, &reply), MFA_OK);
	ck_assert_uint_eq(strlen(reply), MFA_PROMPT_MAX_REPLY);
	mfa_strfree(reply);
}
END_TEST

/* A reply over the limit is a wrong answer, not a failed conversation. */
START_TEST(ask_code_too_long_is_invalid)
{
	char long_reply[MFA_PROMPT_MAX_REPLY + 2];
	struct mfa_reply r;
	int password = -1;

	memset(long_reply, 'x', sizeof(long_reply) - 1);
	long_reply[sizeof(long_reply) - 1] = '\0';
	ck_assert_int_eq(
	    pam_set_item(pamh, PAM_AUTHTOK, long_reply), PAM_SUCCESS);
	answers(long_reply, NULL);
	ck_assert_int_eq(
	    mfa_prompt_ask_code(pamh, 0, QUESTION, &r, &password), MFA_OK);
	ck_assert_int_eq(r.kind, MFA_REPLY_INVALID);
	ck_assert_int_eq(password, 0);
}
END_TEST

START_TEST(ask_code_classifies)
{
	struct mfa_reply r;
	int password = -1;

	answers("123 456", NULL);
	ck_assert_int_eq(
	    mfa_prompt_ask_code(pamh, 0, QUESTION, &r, &password), MFA_OK);
	ck_assert_int_eq(r.kind, MFA_REPLY_NUMERIC);
	ck_assert_str_eq(r.digits, "123456");
	ck_assert_int_eq(password, 0);
	mfa_reply_wipe(&r);
	ck_assert_str_eq(pamh->transcript, "P: " QUESTION "\n");
}
END_TEST

START_TEST(ask_code_echo_on)
{
	struct mfa_reply r;

	answers("email", NULL);
	ck_assert_int_eq(mfa_prompt_ask_reply(pamh, 1, QUESTION, &r), MFA_OK);
	ck_assert_int_eq(r.kind, MFA_REPLY_EMAIL);
	ck_assert_str_eq(pamh->transcript, "Q: " QUESTION "\n");
	mfa_reply_wipe(&r);
}
END_TEST

START_TEST(ask_code_conversation_fails)
{
	struct mfa_reply r;
	int password = -1;

	answers(NULL, NULL);
	ck_assert_int_eq(mfa_prompt_ask_code(pamh, 0, QUESTION, &r, &password),
	    MFA_ERR_SYSTEM);
	ck_assert_int_eq(password, 0);
}
END_TEST

/* The password this stack was given, typed at the code prompt. */
static const struct {
	const char *authtok; /* NULL: none given */
	const char *typed;
	enum mfa_reply_kind kind;
	int password;
} pw_cases[] = {
    {"correct horse", "correct horse", MFA_REPLY_INVALID, 1},
    {"hunter2", "hunter2", MFA_REPLY_INVALID, 1},
    {"hunter2", "hunter3", MFA_REPLY_INVALID, 0},
    {"hunter2", "hunter22", MFA_REPLY_INVALID, 0},
    {"hunter2", "hunter", MFA_REPLY_INVALID, 0},
    {NULL, "hunter2", MFA_REPLY_INVALID, 0},
    {"", "", MFA_REPLY_EMPTY, 0},
    /* A password with a code's shape is a guess at the code. */
    {"123456", "123456", MFA_REPLY_NUMERIC, 0},
    {"3abcdefgh", "3abcdefgh", MFA_REPLY_BACKUP, 0},
    {"email", "email", MFA_REPLY_EMAIL, 0},
};

START_TEST(ask_code_detects_password)
{
	struct mfa_reply r;
	int password = -1;

	if (pw_cases[_i].authtok != NULL)
		ck_assert_int_eq(
		    pam_set_item(pamh, PAM_AUTHTOK, pw_cases[_i].authtok),
		    PAM_SUCCESS);
	answers(pw_cases[_i].typed, NULL);
	ck_assert_int_eq(
	    mfa_prompt_ask_code(pamh, 0, QUESTION, &r, &password), MFA_OK);
	ck_assert_int_eq(r.kind, pw_cases[_i].kind);
	ck_assert_msg(password == pw_cases[_i].password,
	    "authtok \"%s\", typed \"%s\": password %d",
	    pw_cases[_i].authtok ? pw_cases[_i].authtok : "(none)",
	    pw_cases[_i].typed, password);
	mfa_reply_wipe(&r);
}
END_TEST

/* Without a place to say so, nothing is checked against the password. */
START_TEST(ask_code_password_null)
{
	struct mfa_reply r;

	ck_assert_int_eq(
	    pam_set_item(pamh, PAM_AUTHTOK, "hunter2"), PAM_SUCCESS);
	answers("hunter2", NULL);
	ck_assert_int_eq(
	    mfa_prompt_ask_code(pamh, 0, QUESTION, &r, NULL), MFA_OK);
	ck_assert_int_eq(r.kind, MFA_REPLY_INVALID);
}
END_TEST

static const struct {
	const char *answer;
	int yes;
} yes_cases[] = {
    {"y", 1},
    {"Y", 1},
    {"yes", 1},
    {"YeS", 1},
    {"y  ", 1},
    {"yes ", 1},
    {"", 0},
    {"n", 0},
    {"no", 0},
    {" y", 0},
    {"ye", 0},
    {"yess", 0},
    {"yes\t", 0},
    {"y\n", 0},
    {"oui", 0},
};

START_TEST(is_yes)
{
	ck_assert_msg(
	    mfa_prompt_is_yes(yes_cases[_i].answer) == yes_cases[_i].yes,
	    "\"%s\"", yes_cases[_i].answer);
}
END_TEST

static Suite *
prompt_suite(void)
{
	Suite *s = suite_create("prompt");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, info_and_error_lines);
	tcase_add_test(tc, silent_shows_nothing);
	tcase_add_test(tc, ask_echo_off_and_on);
	tcase_add_test(tc, ask_conversation_fails);
	tcase_add_test(tc, ask_too_long);
	tcase_add_test(tc, ask_code_too_long_is_invalid);
	tcase_add_test(tc, ask_code_classifies);
	tcase_add_test(tc, ask_code_echo_on);
	tcase_add_test(tc, ask_code_conversation_fails);
	tcase_add_loop_test(tc, ask_code_detects_password, 0,
	    (int)(sizeof(pw_cases) / sizeof(pw_cases[0])));
	tcase_add_test(tc, ask_code_password_null);
	tcase_add_loop_test(
	    tc, is_yes, 0, (int)(sizeof(yes_cases) / sizeof(yes_cases[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(prompt_suite());
}
