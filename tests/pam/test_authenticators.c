/*
 * test_authenticators.c - several authenticators per user (issue 20)
 * through the real libpam: any of them answers the prompt, each keeps its
 * own replay floor in root's state, the log line names the one used, and
 * version 1 files and records keep working as the authenticator "app".
 */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "error.h"
#include "otp.h"
#include "pamh.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define SEED_B "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
#define T0 1111111109
#define ID_B "0123456789abcdef"

static const struct mfa_pamh_service services[] = {
    {"mfa-one", "tries=1", 1, 0, 0},
    {"mfa-legacy", "tries=1 legacy_short_keys", 1, 0, 0},
    {"mfa-two", "tries=2", 1, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static const char *two_text =
    "pam_mfa-secret 2\n"
    "id 00112233445566778899aabbccddeeff\n"
    "created 1111111000\n"
    "totp-secret " SEED "\n"
    "authenticator phone-b " ID_B " 1111111000 SHA1 6 30 " SEED_B "\n";

static struct mfa_pamh_result res;

static int
login_code(const char *code)
{
	const char *answers[] = {code, NULL};

	mfa_pamh_log_clear();
	mfa_pamh_login("mfa-one", "alice", answers, 0, &res);
	return res.rv;
}

static void
setup(void)
{
	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	mfa_pamh_write_secret("alice", two_text);
}

/* A and B in the same step: a code of A does not burn B's step. */
START_TEST(each_authenticator_answers_with_its_own_floor)
{
	char a[16], b[16];
	struct mfa_state st;

	mfa_pamh_oath_code(SEED, T0, a);
	mfa_pamh_oath_code(SEED_B, T0, b);
	ck_assert_int_eq(login_code(a), PAM_SUCCESS);
	ck_logged("method=totp result=success authenticator=app");
	ck_assert_int_eq(login_code(b), PAM_SUCCESS);
	ck_logged("method=totp result=success authenticator=phone-b");
	/* Both steps are now spent, each on its own. */
	ck_assert_int_eq(login_code(a), PAM_AUTH_ERR);
	ck_logged("reason=code already used");
	ck_assert_int_eq(login_code(b), PAM_AUTH_ERR);
	ck_logged("reason=code already used");
	mfa_pamh_state_read("alice", &st);
	ck_assert(st.has_last_step && st.totp_last_step == T0 / 30);
	ck_assert_uint_eq(st.nauth, 1);
	ck_assert_uint_eq(st.auth[0].step, T0 / 30);
	ck_assert_mem_eq(st.auth[0].id, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
	MFA_CK_IN(mfa_pamh_state_text("alice"), "pam_mfa-state 2\n");
}
END_TEST

/* B's next code works after A's later one: floors never mix. */
START_TEST(floors_do_not_mix_across_steps)
{
	char a[16], b[16];

	mfa_pamh_oath_code(SEED, T0 + 30, a);
	mfa_pamh_oath_code(SEED_B, T0, b);
	ck_assert_int_eq(login_code(a), PAM_SUCCESS);
	/* With one floor for both, b (one step older) would be refused. */
	ck_assert_int_eq(login_code(b), PAM_SUCCESS);
	ck_logged("authenticator=phone-b");
}
END_TEST

/* A version 1 file: one authenticator "app", version 1 record kept. */
START_TEST(version1_file_is_app)
{
	char a[16];

	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 1\n"
	    "id 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\n"
	    "totp-secret " SEED "\n");
	mfa_pamh_oath_code(SEED, T0, a);
	ck_assert_int_eq(login_code(a), PAM_SUCCESS);
	ck_logged("method=totp result=success authenticator=app");
	MFA_CK_IN(mfa_pamh_state_text("alice"), "pam_mfa-state 1\n");
	ck_assert_int_eq(login_code(a), PAM_AUTH_ERR);
	ck_logged("reason=code already used");
}
END_TEST

/* The floor of an authenticator removed from the file is forgotten. */
START_TEST(floor_of_removed_authenticator_dropped)
{
	char a[16];
	struct mfa_state st;

	mfa_pamh_state_put("alice",
	    "pam_mfa-state 2\n"
	    "auth-step fedcba9876543210 37037036\n"
	    "auth-step " ID_B " 37037036\n");
	mfa_pamh_oath_code(SEED, T0, a);
	ck_assert_int_eq(login_code(a), PAM_SUCCESS);
	mfa_pamh_state_read("alice", &st);
	ck_assert_uint_eq(st.nauth, 1);
	ck_assert_mem_eq(st.auth[0].id, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
}
END_TEST

/* A wrong code is wrong for all: one failure, no name in the log. */
START_TEST(wrong_code_names_nothing)
{
	ck_assert_int_eq(login_code("000000"), PAM_AUTH_ERR);
	ck_shown("E: Invalid code.");
	ck_logged("method=none result=failure reason=wrong code");
	MFA_CK_NOT_IN(mfa_pamh_log(), "authenticator=");
}
END_TEST

/* A login at now with the code of a phone whose clock is behind by s. */
static int
login_behind(const char *seed, int64_t now, int behind)
{
	char c[16];

	mfa_pamh_set_time(now);
	mfa_pamh_oath_code(seed, now - behind, c);
	return login_code(c);
}

/*
 * A phone that drifts a step at a time stays usable: each accepted
 * neighbouring step moves the centre of its window, up to four steps;
 * past that bound its codes fail.
 */
START_TEST(drift_learnt_and_bounded)
{
	struct mfa_state st;

	ck_assert_int_eq(login_behind(SEED, T0, 30), PAM_SUCCESS);
	ck_logged("authenticator=app clock_offset=-30s");
	MFA_CK_NOT_IN(res.transcript, "clock");
	mfa_pamh_state_read("alice", &st);
	ck_assert_int_eq(mfa_state_auth_drift(&st,
			     (const unsigned char *)"\x00\x11\x22"
						    "\x33\x44\x55"
						    "\x66\x77"),
	    -1);
	/* Two steps behind: beyond window=1 alone, inside the moved one. */
	ck_assert_int_eq(login_behind(SEED, T0 + 60, 60), PAM_SUCCESS);
	ck_logged("clock_offset=-60s");
	ck_shown("I: The clock of your authenticator app is about 60 s "
		 "behind: set it to the network time.");
	ck_assert_int_eq(login_behind(SEED, T0 + 150, 90), PAM_SUCCESS);
	ck_assert_int_eq(login_behind(SEED, T0 + 240, 120), PAM_SUCCESS);
	/* Five steps: accepted at the edge, but the offset stays at four. */
	ck_assert_int_eq(login_behind(SEED, T0 + 390, 150), PAM_SUCCESS);
	ck_logged("clock_offset=-120s");
	/* Six steps behind: outside even the moved window. */
	ck_assert_int_eq(login_behind(SEED, T0 + 570, 180), PAM_AUTH_ERR);
	ck_shown("E: Invalid code.");
	MFA_CK_NOT_IN(res.transcript, "clock");
}
END_TEST

/* One phone's offset does not move another's window. */
START_TEST(drift_is_per_authenticator)
{
	ck_assert_int_eq(login_behind(SEED, T0, 30), PAM_SUCCESS);
	ck_assert_int_eq(login_behind(SEED, T0 + 60, 60), PAM_SUCCESS);
	/* phone-b, two steps behind, has learnt nothing: refused. */
	ck_assert_int_eq(login_behind(SEED_B, T0 + 90, 60), PAM_AUTH_ERR);
	/* A right clock again brings the offset back to 0. */
	ck_assert_int_eq(login_behind(SEED, T0 + 150, 0), PAM_SUCCESS);
	MFA_CK_NOT_IN(mfa_pamh_log(), "clock_offset");
	ck_assert_int_eq(login_behind(SEED, T0 + 240, 60), PAM_AUTH_ERR);
}
END_TEST

/* ---- HOTP tokens ---- */

#define ID_TOK "fedcba9876543210"

static const char *token_text =
    "pam_mfa-secret 2\n"
    "id 00112233445566778899aabbccddeeff\n"
    "created 1111111000\n"
    "totp-secret " SEED_B "\n"
    "authenticator tok " ID_TOK " 1111111000 SHA1 6 hotp " SEED "\n";

/* The RFC 4226 token's code at counter (key "12345678901234567890"). */
static void
hotp_code(uint64_t counter, char out[16])
{
	uint32_t v = 0;

	ck_assert_int_eq(mfa_hotp((const unsigned char *)"12345678901234567890",
			     20, MFA_OTP_SHA1, counter, 6, &v),
	    MFA_OK);
	ck_assert_int_eq(mfa_otp_format(v, 6, out, 16), MFA_OK);
}

static int
login_counter(uint64_t counter)
{
	char c[16];

	hotp_code(counter, c);
	return login_code(c);
}

static void
token_setup(uint64_t floor)
{
	char state[96];

	mfa_pamh_write_secret("alice", token_text);
	snprintf(state, sizeof(state),
	    "pam_mfa-state 2\nauth-step " ID_TOK " %llu\n",
	    (unsigned long long)floor);
	mfa_pamh_state_put("alice", state);
}

/* The token's last used counter in root's state. */
static uint64_t
token_counter(void)
{
	struct mfa_state st;
	const uint64_t *c;

	mfa_pamh_state_read("alice", &st);
	c = mfa_state_auth_floor(&st,
	    (const unsigned char *)"\xfe\xdc\xba"
				   "\x98\x76\x54"
				   "\x32\x10");
	ck_assert_ptr_nonnull(c);
	return *c;
}

/* The vectors, the look-ahead of hotp_window=10, never backwards. */
START_TEST(hotp_lookahead_forward_only)
{
	token_setup(2);
	ck_assert_int_eq(login_code("969429"), PAM_SUCCESS); /* counter 3 */
	ck_logged("method=totp result=success authenticator=tok");
	MFA_CK_NOT_IN(mfa_pamh_log(), "clock_offset");
	ck_assert_int_eq(login_code("969429"), PAM_AUTH_ERR); /* spent */
	ck_assert_int_eq(login_counter(13), PAM_SUCCESS);     /* 3 + 10 */
	ck_assert_int_eq(login_counter(5), PAM_AUTH_ERR);     /* behind */
	ck_assert_int_eq(login_counter(24), PAM_AUTH_ERR);    /* 13 + 11 */
	ck_shown("E: Invalid code.");
	ck_assert_uint_eq(token_counter(), 13);
}
END_TEST

/* Racing logins with one code: one success, the counter never back. */
START_TEST(hotp_racing_logins_one_success)
{
	pid_t pids[10];
	int i, ok = 0, status;

	token_setup(0);
	for (i = 0; i < 10; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0)
			_exit(login_counter(i % 2 ? 5 : 3) == PAM_SUCCESS ? 0
									  : 1);
	}
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert(WIFEXITED(status));
		ok += WEXITSTATUS(status) == 0;
	}
	/* 5 then 3 is one success; 3 then 5 is two: never more. */
	ck_assert_int_ge(ok, 1);
	ck_assert_int_le(ok, 2);
	ck_assert_uint_eq(token_counter(), 5);
}
END_TEST

/* Two codes of counters c, c + 1 in one login (tries=2); the result. */
static int
login_two(uint64_t c1, uint64_t c2)
{
	char a[16], b[16];
	const char *answers[] = {a, b, NULL};

	hotp_code(c1, a);
	hotp_code(c2, b);
	mfa_pamh_log_clear();
	mfa_pamh_login("mfa-two", "alice", answers, 0, &res);
	return res.rv;
}

/* A token far ahead resynchronises with two codes in a row in a login,
 * within 100 counters past the look-ahead; nothing else does. */
START_TEST(hotp_resync_in_login)
{
	token_setup(2); /* window: 3..12; resync: 13..112 */
	ck_assert_int_eq(login_two(50, 52), PAM_AUTH_ERR);   /* not in a row */
	ck_assert_int_eq(login_two(200, 201), PAM_AUTH_ERR); /* too far */
	ck_assert_int_eq(login_counter(51), PAM_AUTH_ERR);   /* other login */
	ck_assert_uint_eq(token_counter(), 2);
	ck_assert_int_eq(login_two(50, 51), PAM_SUCCESS);
	ck_assert_int_eq(mfa_pamh_count(res.transcript, "E: Invalid code."), 1);
	ck_logged("HOTP token tok of alice resynchronised at counter 51");
	ck_logged("method=totp result=success authenticator=tok");
	ck_assert_uint_eq(token_counter(), 51);
	ck_assert_int_eq(login_counter(52), PAM_SUCCESS);
}
END_TEST

/* The answer hook of hotp_resync_above_a_moved_floor: another login has
 * moved the token's counter to 51 meanwhile; the answer is counter 51's. */
static const char *
floor_moved_to_51(const char *token, const char *transcript)
{
	static char code[16];

	(void)token;
	(void)transcript;
	mfa_pamh_state_put(
	    "alice", "pam_mfa-state 2\nauth-step " ID_TOK " 51\n");
	hotp_code(51, code);
	return code;
}

/* The second code of a resynchronisation must still be above the floor
 * as the store holds it then, not as it was at the first code. */
START_TEST(hotp_resync_above_a_moved_floor)
{
	char first[16];
	const char *answers[] = {first, "@race", NULL};

	token_setup(2);
	hotp_code(50, first);
	mfa_pamh_set_answer_hook(floor_moved_to_51);
	mfa_pamh_login("mfa-two", "alice", answers, 0, &res);
	mfa_pamh_set_answer_hook(NULL);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	MFA_CK_NOT_IN(mfa_pamh_log(), "resynchronised");
	ck_assert_uint_eq(token_counter(), 51);
}
END_TEST

/* A TOTP hardware token with 60-second steps answers with its own step. */
START_TEST(totp_token_period_60)
{
	struct mfa_totp_params p60 = {MFA_OTP_SHA1, 6, 60};
	char c[16];

	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 2\n"
	    "id 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\n"
	    "totp-secret " SEED_B "\n"
	    "authenticator t60 " ID_B " 1111111000 SHA1 6 60 " SEED "\n");
	ck_assert_int_eq(mfa_totp_code((const unsigned char *)"1234567890"
							      "1234567890",
			     20, &p60, T0 - 60, c, sizeof(c)),
	    MFA_OK);
	ck_assert_int_eq(login_code(c), PAM_SUCCESS); /* one 60 s step */
	ck_logged("authenticator=t60 clock_offset=-60s");
	ck_assert_int_eq(mfa_totp_code((const unsigned char *)"1234567890"
							      "1234567890",
			     20, &p60, T0 + 120, c, sizeof(c)),
	    MFA_OK);
	ck_assert_int_eq(login_code(c), PAM_AUTH_ERR); /* two steps ahead */
}
END_TEST

/* A user moved from pam_oath with only a token (totp-kind hotp): its
 * counter is the record's totp-last-step, carried by import-oath. */
START_TEST(hotp_as_the_enrolment)
{
	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 2\n"
	    "id 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\n"
	    "totp-secret " SEED "\n"
	    "totp-name oath\n"
	    "totp-id 0011223344556677\n"
	    "totp-kind hotp\n");
	mfa_pamh_state_put("alice",
	    "pam_mfa-state 1\n"
	    "enrolled 1111111000 "
	    "00112233445566778899aabbccddeeff\n"
	    "totp-last-step 11\n");
	ck_assert_int_eq(login_counter(11), PAM_AUTH_ERR); /* used */
	ck_assert_int_eq(login_counter(12), PAM_SUCCESS);
	ck_logged("authenticator=oath");
	ck_assert_int_eq(login_counter(12), PAM_AUTH_ERR);
}
END_TEST

/* An 80-bit key (import-google-authenticator --allow-short-key) works
 * only where legacy_short_keys is set; elsewhere the login fails closed. */
START_TEST(short_key_only_with_legacy_short_keys)
{
	const char *answers[] = {NULL, NULL};
	char c[16];

	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 2\n"
	    "id 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\n"
	    "totp-secret JBSWY3DPEHPK3PXP\n"
	    "legacy-short-key yes\n");
	mfa_pamh_oath_code("JBSWY3DPEHPK3PXP", T0, c);
	ck_assert_int_ne(login_code(c), PAM_SUCCESS);
	ck_logged("shorter than 128 bits (legacy-short-key) and "
		  "legacy_short_keys is not set");
	answers[0] = c;
	mfa_pamh_log_clear();
	mfa_pamh_login("mfa-legacy", "alice", answers, 0, &res);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_logged("method=totp result=success authenticator=app");
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("authenticators");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, each_authenticator_answers_with_its_own_floor);
	tcase_add_test(tc, floors_do_not_mix_across_steps);
	tcase_add_test(tc, version1_file_is_app);
	tcase_add_test(tc, floor_of_removed_authenticator_dropped);
	tcase_add_test(tc, wrong_code_names_nothing);
	tcase_add_test(tc, drift_learnt_and_bounded);
	tcase_add_test(tc, drift_is_per_authenticator);
	tcase_add_test(tc, totp_token_period_60);
	tcase_add_test(tc, hotp_lookahead_forward_only);
	tcase_add_test(tc, hotp_racing_logins_one_success);
	tcase_add_test(tc, hotp_as_the_enrolment);
	tcase_add_test(tc, hotp_resync_in_login);
	tcase_add_test(tc, hotp_resync_above_a_moved_floor);
	tcase_add_test(tc, short_key_only_with_legacy_short_keys);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, auth_suite);
}
