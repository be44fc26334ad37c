/*
 * test_unknown.c - the conversation does not tell a real user from a name
 * that is not in the password database: for the same replies, an unknown
 * name and an enrolled user (an app, no email or SMS address, with or
 * without backup codes) see the same lines, prompts and messages, word for
 * word, and get the same result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "backup.h"
#include "pamh.h"
#include "testutil.h"

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109
#define BACKUP_CODE "3-K7PM-Q2XD"

static const struct mfa_pamh_service services[] = {
    {"mfa", "", 1, 0, 0},
    {"mfa-echo", "echo_code tries=5", 1, 0, 0},
    /* PAM_AUTHTOK from $PAM_AUTHTOK, as a password module leaves it. */
    {"mfa-pw", "", 1, 0, 1},
    {NULL, NULL, 0, 0, 0},
};

/* Reply sets; "" is an empty reply (a request for an emailed code). */
static const char *const replies[][6] = {
    {"", "email", "sms", NULL},
    {"", "", "", NULL},
    {"000000", "not a code", "9-AAAA-BBBB", NULL},
    {"12345678", "   ", " EMAIL ", NULL},
    {"", "1-K7PM-Q2XD", "", "sms", "000 000", NULL},
};
#define NREPLIES (sizeof(replies) / sizeof(replies[0]))

static void
setup(void)
{
	char norm[MFA_BACKUP_CODE_SIZE], *phc = NULL, text[2048];
	unsigned int slot;

	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	ck_assert_int_eq(mfa_backup_normalize(BACKUP_CODE, norm, &slot), 0);
	ck_assert_int_eq(mfa_backup_hash(norm, &phc), 0);
	/* alice: app and backup codes; bob: the app only. */
	snprintf(text, sizeof(text),
	    "pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\ntotp-secret " SEED "\n"
	    "backup-set 0011223344556677\nbackup %u %s\n",
	    slot, phc);
	free(phc);
	mfa_pamh_write_secret("alice", text);
	mfa_pamh_write_secret("bob",
	    "pam_mfa-secret 1\nid ffeeddccbbaa99887766554433221100\n"
	    "created 1111111000\ntotp-secret " SEED "\n");
}

static struct mfa_pamh_result real, unknown;

/* The same replies for user and for an unknown name: same transcript. */
static unsigned int
count(const char *const *answers)
{
	unsigned int n = 0;

	while (answers[n] != NULL)
		n++;
	return n;
}

static void
compare(const char *service, const char *user, size_t set, int flags)
{
	unsigned int tries = strcmp(service, "mfa-echo") == 0 ? 5 : 3;
	char code[16];

	mfa_pamh_oath_code(SEED, T0, code);
	ck_assert_str_ne(code, "000000"); /* the replies must all be wrong */
	mfa_pamh_login(service, user, replies[set], flags, &real);
	mfa_pamh_login(service, "no-such-user", replies[set], flags, &unknown);
	ck_assert_msg(strcmp(real.transcript, unknown.transcript) == 0,
	    "reply set %zu, %s:\n%s\nunknown name:\n%s", set, user,
	    real.transcript, unknown.transcript);
	/* PAM_CONV_ERR when the replies run out before the tries. */
	ck_assert_int_eq(
	    real.rv, count(replies[set]) < tries ? PAM_CONV_ERR : PAM_AUTH_ERR);
	ck_assert_int_eq(unknown.rv, real.rv);
	ck_assert_uint_eq(unknown.nprompts, real.nprompts);
}

START_TEST(same_as_user_with_backup_codes)
{
	compare("mfa", "alice", (size_t)_i, 0);
	/* What they both saw, for the record. */
	MFA_CK_IN(real.transcript,
	    "I: Enter the 6-digit code from your "
	    "authenticator app, or a backup code.\n");
}
END_TEST

START_TEST(same_as_user_without_backup_codes)
{
	compare("mfa", "bob", (size_t)_i, 0);
}
END_TEST

START_TEST(same_with_echo_and_more_tries)
{
	compare("mfa-echo", "alice", (size_t)_i, 0);
}
END_TEST

START_TEST(same_when_silent)
{
	compare("mfa", "alice", (size_t)_i, PAM_SILENT);
	ck_assert_ptr_null(strstr(real.transcript, "I: "));
}
END_TEST

/*
 * The password typed at the code prompt is answered the same way for an
 * unknown name as for a real user, or that answer would tell them apart.
 */
START_TEST(password_at_the_prompt_same_as_user)
{
	const char *answers[] = {"Tr0ub4dor&3", "000000", "Tr0ub4dor&3", NULL};

	setenv("PAM_AUTHTOK", "Tr0ub4dor&3", 1);
	mfa_pamh_login("mfa-pw", "alice", answers, 0, &real);
	mfa_pamh_login("mfa-pw", "no-such-user", answers, 0, &unknown);
	unsetenv("PAM_AUTHTOK");
	ck_assert_msg(strcmp(real.transcript, unknown.transcript) == 0,
	    "alice:\n%s\nunknown name:\n%s", real.transcript,
	    unknown.transcript);
	ck_assert_int_eq(
	    mfa_pamh_count(unknown.transcript,
		"E: That looks like your password. Enter the 6-digit code "
		"from your authenticator app.\n"),
	    2);
	ck_assert_int_eq(unknown.rv, PAM_AUTH_ERR);
	ck_assert_int_eq(real.rv, PAM_AUTH_ERR);
}
END_TEST

/* The messages themselves, which the comparison alone would not pin. */
START_TEST(unknown_name_messages)
{
	const char *answers[] = {"", "email", "000000", NULL};

	mfa_pamh_login("mfa", "no-such-user", answers, 0, &unknown);
	ck_assert_str_eq(unknown.transcript,
	    "I: Enter the 6-digit code from your authenticator app, or a "
	    "backup code.\n"
	    "P: Verification code: \nE: No code entered.\n"
	    "P: Verification code: \nE: No code can be sent that way.\n"
	    "P: Verification code: \nE: Invalid code.\n");
	ck_assert_int_eq(unknown.rv, PAM_AUTH_ERR);
	ck_logged("user=no-such-user service=mfa rhost=- method=none "
		  "result=failure reason=unknown user");
}
END_TEST

static Suite *
unknown_suite(void)
{
	Suite *s = suite_create("unknown");
	TCase *tc = tcase_create("transcripts");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, same_as_user_with_backup_codes, 0, NREPLIES);
	tcase_add_loop_test(tc, same_as_user_without_backup_codes, 0, NREPLIES);
	tcase_add_loop_test(tc, same_with_echo_and_more_tries, 0, NREPLIES);
	tcase_add_loop_test(tc, same_when_silent, 0, NREPLIES);
	tcase_add_test(tc, unknown_name_messages);
	tcase_add_test(tc, password_at_the_prompt_same_as_user);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, unknown_suite);
}
