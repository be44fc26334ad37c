/*
 * test_otpcode.c - emailed/SMS codes: issue (format, stored hash,
 * uniformity), verify (single use, expiry edges, tries, only the newest
 * counts) and the send throttle (interval and hourly edges).
 */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "error.h"
#include "mem.h"
#include "otpcode.h"
#include "state.h"
#include "testutil.h"

#define T0 INT64_C(1764017613)

static void
sha256_salted(
    const unsigned char salt[16], const char *code, unsigned char out[32])
{
	unsigned char buf[22];
	unsigned int n = 0;

	memcpy(buf, salt, 16);
	memcpy(buf + 16, code, 6);
	ck_assert_int_eq(
	    EVP_Digest(buf, sizeof(buf), out, &n, EVP_sha256(), NULL), 1);
	ck_assert_uint_eq(n, 32);
}

START_TEST(issue_fills_record)
{
	struct mfa_state st;
	unsigned char h[32];
	char code[7];
	size_t i;

	mfa_state_init(&st);
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, T0, 300, code), MFA_OK);
	ck_assert_uint_eq(strlen(code), 6);
	for (i = 0; i < 6; i++)
		ck_assert(code[i] >= '0' && code[i] <= '9');
	ck_assert_int_eq(st.otp.active, 1);
	ck_assert_int_eq(st.otp.channel, MFA_METHOD_EMAIL);
	ck_assert_int_eq(st.otp.expires, T0 + 300);
	ck_assert_int_eq(st.otp.sent_at, T0);
	ck_assert_uint_eq(st.otp.tries_left, 3);
	sha256_salted(st.otp.salt, code, h);
	ck_assert(memcmp(h, st.otp.hash, 32) == 0);
	/* The record round-trips through the state file format. */
	{
		struct mfa_state back;
		char *text = NULL;
		size_t len = 0;

		ck_assert_int_eq(mfa_state_serialize(&st, &text, &len), MFA_OK);
		ck_assert_int_eq(
		    mfa_state_parse(text, len, &back, NULL), MFA_OK);
		mfa_strfree(text);
		ck_assert_int_eq(
		    mfa_otpcode_verify(&back, code, T0 + 1), MFA_OK);
	}
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_SMS, T0, 60, code), MFA_OK);
	ck_assert_int_eq(st.otp.channel, MFA_METHOD_SMS);
}
END_TEST

START_TEST(issue_refuses)
{
	struct mfa_state st;
	char code[7];

	mfa_state_init(&st);
	memset(code, 'x', sizeof(code));
	ck_assert_int_eq(mfa_otpcode_issue(&st, MFA_METHOD_TOTP, T0, 300, code),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(code[0], '\0'); /* zeroed on failure */
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_BACKUP, T0, 300, code),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, -1, 300, code),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, T0, 0, code),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_otpcode_issue(NULL, MFA_METHOD_EMAIL, T0, 1, code),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, T0, 1, NULL),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, INT64_MAX - 10, 300, code),
	    MFA_ERR_RANGE);
	ck_assert_int_eq(st.otp.active, 0); /* nothing was started */
}
END_TEST

/*
 * Roughly uniform: over 5000 codes each first digit appears 500 times on
 * average (standard deviation about 21); every one must appear, within
 * 350..650 (over 7 deviations: a false alarm is practically impossible,
 * a modulo bias or a stuck digit is not).  Leading zeros must be kept.
 */
START_TEST(codes_roughly_uniform)
{
	unsigned int first[10] = {0}, last[10] = {0}, i;
	struct mfa_state st;
	char code[7];

	mfa_state_init(&st);
	for (i = 0; i < 5000; i++) {
		ck_assert_int_eq(
		    mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, T0, 300, code),
		    MFA_OK);
		ck_assert_uint_eq(strlen(code), 6);
		first[code[0] - '0']++;
		last[code[5] - '0']++;
	}
	for (i = 0; i < 10; i++) {
		ck_assert_msg(first[i] >= 350 && first[i] <= 650,
		    "first digit %u: %u times", i, first[i]);
		ck_assert_msg(last[i] >= 350 && last[i] <= 650,
		    "last digit %u: %u times", i, last[i]);
	}
	mfa_state_wipe(&st);
}
END_TEST

START_TEST(verify_single_use)
{
	struct mfa_state st;
	char code[7];

	mfa_state_init(&st);
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, T0, 300, code), MFA_OK);
	ck_assert_int_eq(mfa_otpcode_verify(&st, code, T0 + 10), MFA_OK);
	ck_assert_int_eq(st.otp.active, 0);
	ck_assert_int_eq(
	    mfa_otpcode_verify(&st, code, T0 + 11), MFA_ERR_EXPIRED);
}
END_TEST

/* A code other than code (same length, differs in the last digit). */
static void
other_code(const char *code, char out[7])
{
	memcpy(out, code, 7);
	out[5] = (char)(out[5] == '9' ? '0' : out[5] + 1);
}

/* Expiry edges: valid while now < expires. */
static const struct {
	int64_t at;
	int rc;
} expiry[] = {
    {T0, MFA_OK},
    {T0 + 299, MFA_OK},
    {T0 + 300, MFA_ERR_EXPIRED},
    {T0 + 301, MFA_ERR_EXPIRED},
    {INT64_MAX, MFA_ERR_EXPIRED},
};

START_TEST(verify_expiry_edges)
{
	struct mfa_state st;
	char code[7];

	mfa_state_init(&st);
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, T0, 300, code), MFA_OK);
	ck_assert_int_eq(
	    mfa_otpcode_verify(&st, code, expiry[_i].at), expiry[_i].rc);
	ck_assert_int_eq(st.otp.active, 0); /* consumed, or dead */
}
END_TEST

START_TEST(verify_three_tries)
{
	struct mfa_state st;
	char code[7], wrong[7];

	mfa_state_init(&st);
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_SMS, T0, 300, code), MFA_OK);
	other_code(code, wrong);
	ck_assert_int_eq(
	    mfa_otpcode_verify(&st, wrong, T0 + 1), MFA_ERR_MISMATCH);
	ck_assert_uint_eq(st.otp.tries_left, 2);
	ck_assert_int_eq(
	    mfa_otpcode_verify(&st, wrong, T0 + 2), MFA_ERR_MISMATCH);
	ck_assert_uint_eq(st.otp.tries_left, 1);
	/* The right code still works on the last try... */
	ck_assert_int_eq(mfa_otpcode_verify(&st, code, T0 + 3), MFA_OK);

	/* ...but not after a third wrong one. */
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_SMS, T0, 300, code), MFA_OK);
	other_code(code, wrong);
	ck_assert_int_eq(mfa_otpcode_verify(&st, wrong, T0), MFA_ERR_MISMATCH);
	ck_assert_int_eq(mfa_otpcode_verify(&st, wrong, T0), MFA_ERR_MISMATCH);
	ck_assert_int_eq(mfa_otpcode_verify(&st, wrong, T0), MFA_ERR_MISMATCH);
	ck_assert_int_eq(st.otp.active, 0);
	ck_assert_int_eq(mfa_otpcode_verify(&st, code, T0), MFA_ERR_EXPIRED);
}
END_TEST

START_TEST(verify_bad_input)
{
	static const char *const bad[] = {
	    "", "12345", "1234567", "12345a", " 12345", "12345\n", "-12345"};
	struct mfa_state st;
	char code[7];
	size_t i;

	mfa_state_init(&st);
	ck_assert_int_eq(
	    mfa_otpcode_verify(&st, "123456", T0), MFA_ERR_EXPIRED);
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, T0, 300, code), MFA_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(
		    mfa_otpcode_verify(&st, bad[i], T0), MFA_ERR_FORMAT);
	ck_assert_uint_eq(st.otp.tries_left, 3); /* none counted */
	ck_assert_int_eq(mfa_otpcode_verify(NULL, code, T0), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_otpcode_verify(&st, NULL, T0), MFA_ERR_INVALID);
	/* A record with no tries left (as a file could hold) is dead. */
	st.otp.tries_left = 0;
	ck_assert_int_eq(mfa_otpcode_verify(&st, code, T0), MFA_ERR_EXPIRED);
	ck_assert_int_eq(st.otp.active, 0);
}
END_TEST

START_TEST(only_newest_counts)
{
	struct mfa_state st;
	char old[7], code[7];

	mfa_state_init(&st);
	ck_assert_int_eq(
	    mfa_otpcode_issue(&st, MFA_METHOD_EMAIL, T0, 300, old), MFA_OK);
	do
		ck_assert_int_eq(mfa_otpcode_issue(
				     &st, MFA_METHOD_EMAIL, T0 + 60, 300, code),
		    MFA_OK);
	while (strcmp(old, code) == 0);
	ck_assert_int_eq(st.otp.expires, T0 + 360);
	ck_assert_int_eq(
	    mfa_otpcode_verify(&st, old, T0 + 61), MFA_ERR_MISMATCH);
	ck_assert_int_eq(mfa_otpcode_verify(&st, code, T0 + 62), MFA_OK);
}
END_TEST

/* Throttle cases: recorded send times (relative to T0, up to 20),
 * interval, hourly cap, the result and the wait. */
#define NOSEND INT64_MIN
static const struct {
	const char *what;
	int64_t sends[MFA_STATE_MAX_SENDS];
	size_t n;
	unsigned int interval, hourly;
	int rc;
	int64_t wait;
} throttle[] = {
    {"no sends", {0}, 0, 60, 10, MFA_OK, 0},
    {"last send exactly interval ago", {-60}, 1, 60, 10, MFA_OK, 0},
    {"last send interval-1 ago", {-59}, 1, 60, 10, MFA_ERR_DENIED, 1},
    {"just sent", {0}, 1, 60, 10, MFA_ERR_DENIED, 60},
    {"interval 0", {0}, 1, 0, 10, MFA_OK, 0},
    {"newest counts, not the first", {-3000, -10, -500}, 3, 60, 10,
	MFA_ERR_DENIED, 50},
    {"hourly cap reached", {-3599, -3000, -2000}, 3, 60, 3, MFA_ERR_DENIED, 1},
    {"oldest just left the window", {-3600, -3000, -2000}, 3, 60, 3, MFA_OK, 0},
    {"cap below count", {-3500, -3400, -3300, -100}, 4, 60, 2, MFA_ERR_DENIED,
	300},
    {"cap and interval: interval longer", {-3590, -30}, 2, 60, 2,
	MFA_ERR_DENIED, 30},
    {"cap and interval: cap longer", {-3000, -30}, 2, 60, 2, MFA_ERR_DENIED,
	600},
    {"unsorted times", {-100, -3599, -2000}, 3, 60, 3, MFA_ERR_DENIED, 1},
    {"future time counts as now", {5000}, 1, 60, 10, MFA_ERR_DENIED, 60},
    {"future times and cap", {5000, 6000}, 2, 0, 2, MFA_ERR_DENIED, 3600},
    {"hourly 1", {-3599}, 1, 0, 1, MFA_ERR_DENIED, 1},
    {"twenty sends, cap above",
	{-2000, -1900, -1800, -1700, -1600, -1500, -1400, -1300, -1200, -1100,
	    -1000, -900, -800, -700, -600, -500, -400, -300, -200, -100},
	20, 60, 100, MFA_OK, 0},
    {"twenty sends, cap 20",
	{-2000, -1900, -1800, -1700, -1600, -1500, -1400, -1300, -1200, -1100,
	    -1000, -900, -800, -700, -600, -500, -400, -300, -200, -100},
	20, 60, 20, MFA_ERR_DENIED, 1600},
};

START_TEST(throttle_edges)
{
	struct mfa_state st;
	int64_t wait = -1;
	size_t i;

	mfa_state_init(&st);
	for (i = 0; i < throttle[_i].n; i++)
		st.send_times[i] = T0 + throttle[_i].sends[i];
	st.nsends = throttle[_i].n;
	ck_assert_msg(mfa_otpcode_may_send(&st, T0, throttle[_i].interval,
			  throttle[_i].hourly, &wait) == throttle[_i].rc,
	    "%s", throttle[_i].what);
	ck_assert_msg(wait == throttle[_i].wait, "%s: wait %lld, want %lld",
	    throttle[_i].what, (long long)wait, (long long)throttle[_i].wait);
	/* Waiting that long is enough. */
	ck_assert_int_eq(mfa_otpcode_may_send(&st, T0 + wait,
			     throttle[_i].interval, throttle[_i].hourly, NULL),
	    wait > 0 && throttle[_i].sends[0] > 0 && throttle[_i].n > 0
		? MFA_ERR_DENIED /* future times stay ahead of the clock */
		: MFA_OK);
}
END_TEST

START_TEST(throttle_invalid)
{
	struct mfa_state st;
	int64_t wait;

	mfa_state_init(&st);
	ck_assert_int_eq(
	    mfa_otpcode_may_send(NULL, T0, 60, 10, &wait), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_otpcode_may_send(&st, -1, 60, 10, &wait), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_otpcode_may_send(&st, T0, 60, 0, &wait), MFA_ERR_INVALID);
}
END_TEST

START_TEST(note_send_window_and_cap)
{
	struct mfa_state st;
	size_t i;

	mfa_state_init(&st);
	mfa_otpcode_note_send(&st, T0);
	ck_assert_uint_eq(st.nsends, 1);
	ck_assert_int_eq(st.send_times[0], T0);
	ck_assert_int_eq(
	    mfa_otpcode_may_send(&st, T0 + 59, 60, 10, NULL), MFA_ERR_DENIED);
	/* An hour later the first send has left the window and is dropped. */
	mfa_otpcode_note_send(&st, T0 + 3599);
	ck_assert_uint_eq(st.nsends, 2);
	mfa_otpcode_note_send(&st, T0 + 3600);
	ck_assert_uint_eq(st.nsends, 2);
	ck_assert_int_eq(st.send_times[0], T0 + 3599);
	ck_assert_int_eq(st.send_times[1], T0 + 3600);
	/* At the cap the oldest makes room; the order is kept. */
	mfa_state_init(&st);
	for (i = 0; i < MFA_STATE_MAX_SENDS + 5; i++)
		mfa_otpcode_note_send(&st, T0 + (int64_t)i);
	ck_assert_uint_eq(st.nsends, MFA_STATE_MAX_SENDS);
	for (i = 0; i < MFA_STATE_MAX_SENDS; i++)
		ck_assert_int_eq(st.send_times[i], T0 + 5 + (int64_t)i);
	/* The record stays storable. */
	{
		char *text = NULL;
		size_t len;

		ck_assert_int_eq(mfa_state_serialize(&st, &text, &len), MFA_OK);
		mfa_strfree(text);
	}
	mfa_otpcode_note_send(&st, -1); /* ignored */
	ck_assert_int_eq(st.send_times[MFA_STATE_MAX_SENDS - 1], T0 + 24);
	mfa_otpcode_note_send(NULL, T0); /* harmless */
}
END_TEST

static Suite *
otpcode_suite(void)
{
	Suite *s = suite_create("otpcode");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, issue_fills_record);
	tcase_add_test(tc, issue_refuses);
	tcase_add_test(tc, codes_roughly_uniform);
	tcase_add_test(tc, verify_single_use);
	tcase_add_loop_test(tc, verify_expiry_edges, 0,
	    (int)(sizeof(expiry) / sizeof(expiry[0])));
	tcase_add_test(tc, verify_three_tries);
	tcase_add_test(tc, verify_bad_input);
	tcase_add_test(tc, only_newest_counts);
	tcase_add_loop_test(tc, throttle_edges, 0,
	    (int)(sizeof(throttle) / sizeof(throttle[0])));
	tcase_add_test(tc, throttle_invalid);
	tcase_add_test(tc, note_send_window_and_cap);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(otpcode_suite());
}
