/*
 * test_authenticators.c - several authenticators per user (issue 20):
 * the version 2 secret file (totp-name, totp-id, authenticator lines), the
 * helpers that add and remove them, and the version 2 state record's
 * per-authenticator replay floors (auth-step).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "otp.h"
#include "secretfile.h"
#include "state.h"
#include "testutil.h"

#define HEAD                                                                   \
	"id 6f1c0e3a9b2d4c58a7e1f0d2c3b4a596\ncreated 1764017613\n"            \
	"totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"
#define V1 "pam_mfa-secret 1\n" HEAD
#define V2 "pam_mfa-secret 2\n" HEAD
#define AUTH_B                                                                 \
	"authenticator phone-b 0123456789abcdef 1764017700 SHA256 8 60 "       \
	"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n"

static int
parse(const char *text, struct mfa_secret **s)
{
	return mfa_secret_parse(text, strlen(text), s, NULL);
}

START_TEST(version1_is_one_app)
{
	struct mfa_secret *s = NULL;
	struct mfa_authenticator a;
	char *out = NULL;

	ck_assert_int_eq(parse(V1, &s), MFA_OK);
	ck_assert_uint_eq(mfa_secret_auth_count(s), 1);
	ck_assert_int_eq(mfa_secret_auth_get(s, 0, &a), MFA_OK);
	ck_assert_str_eq(a.name, "app");
	ck_assert_mem_eq(a.id, s->id, 8);
	ck_assert_int_eq(mfa_secret_auth_find(s, "app"), 0);
	ck_assert_int_eq(mfa_secret_serialize(s, &out, NULL), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, "pam_mfa-secret 1\n"));
	ck_assert_ptr_null(strstr(out, "totp-name"));
	mfa_strfree(out);
	mfa_secret_free(s);
}
END_TEST

START_TEST(version2_round_trip)
{
	struct mfa_secret *s = NULL, *back = NULL;
	struct mfa_authenticator a;
	char *out = NULL;

	ck_assert_int_eq(
	    parse(
		V2 "totp-name phone-a\ntotp-id 1111111111111111\n" AUTH_B, &s),
	    MFA_OK);
	ck_assert_uint_eq(mfa_secret_auth_count(s), 2);
	ck_assert_int_eq(mfa_secret_auth_find(s, "phone-b"), 1);
	ck_assert_int_eq(mfa_secret_auth_get(s, 1, &a), MFA_OK);
	ck_assert_uint_eq(a.totp.digits, 8);
	ck_assert_uint_eq(a.totp.period, 60);
	ck_assert_uint_eq(a.keylen, 20);
	ck_assert_int_eq(mfa_secret_serialize(s, &out, NULL), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, "pam_mfa-secret 2\n"));
	ck_assert_ptr_nonnull(strstr(
	    out, "totp-name phone-a\ntotp-id 1111111111111111\n" AUTH_B));
	ck_assert_int_eq(parse(out, &back), MFA_OK);
	ck_assert_str_eq(back->name, "phone-a");
	mfa_strfree(out);
	mfa_secret_free(back);
	mfa_secret_free(s);
}
END_TEST

START_TEST(refusals)
{
	static const struct {
		const char *text;
		int rc;
	} rows[] = {
	    {V1 AUTH_B, MFA_ERR_FORMAT},          /* v2 key in v1 */
	    {V1 "totp-name x\n", MFA_ERR_FORMAT}, /* v2 key in v1 */
	    {"pam_mfa-secret 3\n" HEAD, MFA_ERR_VERSION},
	    {V2 "totp-name Bad\n", MFA_ERR_FORMAT}, /* upper case */
	    {V2 "totp-name -x\n", MFA_ERR_FORMAT},  /* starts with - */
	    {V2 "totp-name phone-b\n" AUTH_B, MFA_ERR_DUPLICATE},
	    {V2 AUTH_B AUTH_B, MFA_ERR_DUPLICATE},
	    {V2 "totp-id 0000000000000000\n", MFA_ERR_FORMAT},
	    {V2 "authenticator x 0123456789abcdef 1 SHA1 6 30\n",
		MFA_ERR_FORMAT}, /* no key */
	    {V2 "authenticator x 0123456789abcdef 1 SHA1 7 30 "
		"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n",
		MFA_ERR_RANGE},
	    {V2 "authenticator x 0123456789abcdef 1 SHA1 6 30 JBSWY3DP\n",
		MFA_ERR_FORMAT}, /* < 128 bits */
	    {V2 "authenticator x 6f1c0e3a9b2d4c58 1 SHA1 6 30 "
		"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n",
		MFA_ERR_DUPLICATE}, /* the file's own id */
	};
	struct mfa_secret *s = NULL;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ck_assert_msg(
		    parse(rows[i].text, &s) == rows[i].rc, "row %zu", i);
		ck_assert_ptr_null(s);
	}
}
END_TEST

static void
make_auth(struct mfa_authenticator *a, const char *name, unsigned char id)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	memset(a->id, id, sizeof(a->id));
	memset(a->key, id, 20);
	a->keylen = 20;
	a->totp.alg = MFA_OTP_SHA1;
	a->totp.digits = 6;
	a->totp.period = 30;
}

START_TEST(add_remove_cap)
{
	struct mfa_secret *s = NULL;
	struct mfa_authenticator a;
	char name[8];
	unsigned char i;

	ck_assert_int_eq(parse(V1, &s), MFA_OK);
	make_auth(&a, "app", 1);
	ck_assert_int_eq(mfa_secret_auth_add(s, &a), MFA_ERR_DUPLICATE);
	make_auth(&a, "Bad", 1);
	ck_assert_int_eq(mfa_secret_auth_add(s, &a), MFA_ERR_INVALID);
	for (i = 1; i < MFA_SECRET_AUTH_MAX; i++) {
		snprintf(name, sizeof(name), "p%u", i);
		make_auth(&a, name, i);
		ck_assert_int_eq(mfa_secret_auth_add(s, &a), MFA_OK);
	}
	make_auth(&a, "p9", 9);
	ck_assert_int_eq(mfa_secret_auth_add(s, &a), MFA_ERR_TOOBIG);
	make_auth(&a, "p8", 1);
	/* The full file is refused first; a free one still sees the id. */
	ck_assert_int_eq(mfa_secret_auth_remove(s, 4), MFA_OK);
	ck_assert_int_eq(mfa_secret_auth_add(s, &a), MFA_ERR_DUPLICATE);
	/* Removing the file's own one moves p1 up. */
	ck_assert_int_eq(mfa_secret_auth_remove(s, 0), MFA_OK);
	ck_assert_str_eq(s->name, "p1");
	ck_assert_uint_eq(s->key[0], 1);
	ck_assert_int_eq(mfa_secret_auth_find(s, "app"), -1);
	ck_assert_uint_eq(mfa_secret_auth_count(s), 3);
	ck_assert_int_eq(mfa_secret_auth_remove(s, 1), MFA_OK);
	ck_assert_int_eq(mfa_secret_auth_remove(s, 1), MFA_OK);
	/* The last one is disabling, not removing. */
	ck_assert_int_eq(mfa_secret_auth_remove(s, 0), MFA_ERR_INVALID);
	mfa_secret_free(s);
}
END_TEST

START_TEST(state_auth_step)
{
	static const char v2[] = "pam_mfa-state 2\n"
				 "auth-step 0123456789abcdef 58800587\n";
	struct mfa_state st;
	char *out = NULL;
	size_t len = 0;
	unsigned char id[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

	ck_assert_int_eq(mfa_state_parse(v2, strlen(v2), &st, NULL), MFA_OK);
	ck_assert_ptr_nonnull(mfa_state_auth_floor(&st, id));
	ck_assert_uint_eq(*mfa_state_auth_floor(&st, id), 58800587);
	ck_assert_int_eq(mfa_state_serialize(&st, &out, &len), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, v2 + 0));
	mfa_strfree(out);
	ck_assert_int_eq(mfa_state_parse("pam_mfa-state 1\n"
					 "auth-step 0123456789abcdef 1\n",
			     44, &st, NULL),
	    MFA_ERR_FORMAT);
	ck_assert_int_eq(mfa_state_parse("pam_mfa-state 2\n"
					 "auth-step 0123456789abcdef 1\n"
					 "auth-step 0123456789abcdef 2\n",
			     74, &st, NULL),
	    MFA_ERR_DUPLICATE);
	ck_assert_int_eq(mfa_state_parse("pam_mfa-state 3\n", 16, &st, NULL),
	    MFA_ERR_VERSION);
	/* Without auth-step lines the record stays version 1. */
	mfa_state_init(&st);
	ck_assert_int_eq(mfa_state_serialize(&st, &out, &len), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, "pam_mfa-state 1\n"));
	mfa_strfree(out);
}
END_TEST

START_TEST(state_auth_cap_and_keep)
{
	struct mfa_state st;
	unsigned char id[8], keep[2][8];
	unsigned int i;

	mfa_state_init(&st);
	for (i = 0; i < MFA_STATE_MAX_AUTH; i++) {
		memset(id, (int)i + 1, sizeof(id));
		mfa_state_auth_set(&st, id, 100 + i, 0);
	}
	ck_assert_uint_eq(st.nauth, MFA_STATE_MAX_AUTH);
	/* Full: the lowest step (id 1, step 100) makes room. */
	memset(id, 0x77, sizeof(id));
	mfa_state_auth_set(&st, id, 5, 0);
	ck_assert_uint_eq(st.nauth, MFA_STATE_MAX_AUTH);
	memset(id, 1, sizeof(id));
	ck_assert_ptr_null(mfa_state_auth_floor(&st, id));
	/* Updating an existing one does not add. */
	memset(id, 2, sizeof(id));
	mfa_state_auth_set(&st, id, 999, 0);
	ck_assert_uint_eq(*mfa_state_auth_floor(&st, id), 999);
	ck_assert_uint_eq(st.nauth, MFA_STATE_MAX_AUTH);
	memset(keep[0], 2, 8);
	memset(keep[1], 0x77, 8);
	mfa_state_auth_keep(&st, (const unsigned char(*)[8])keep, 2);
	ck_assert_uint_eq(st.nauth, 2);
	ck_assert_uint_eq(*mfa_state_auth_floor(&st, keep[1]), 5);
}
END_TEST

/* The clock offset: [-]N up to MFA_STATE_MAX_DRIFT, 0 not written. */
START_TEST(state_auth_drift)
{
	static const char v2[] = "pam_mfa-state 2\n"
				 "auth-step 0123456789abcdef 58800587 -3\n"
				 "auth-step 1123456789abcdef 58800587 4\n";
	static const char *const bad[] = {
	    "pam_mfa-state 2\nauth-step 0123456789abcdef 1 -0\n",
	    "pam_mfa-state 2\nauth-step 0123456789abcdef 1 5\n",
	    "pam_mfa-state 2\nauth-step 0123456789abcdef 1 -5\n",
	    "pam_mfa-state 2\nauth-step 0123456789abcdef 1 +1\n",
	    "pam_mfa-state 2\nauth-step 0123456789abcdef 1 1 2\n",
	};
	unsigned char id[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
	struct mfa_state st;
	char *out = NULL;
	size_t len = 0, i;

	ck_assert_int_eq(mfa_state_parse(v2, strlen(v2), &st, NULL), MFA_OK);
	ck_assert_int_eq(mfa_state_auth_drift(&st, id), -3);
	ck_assert_int_eq(mfa_state_serialize(&st, &out, &len), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, v2));
	mfa_strfree(out);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(mfa_state_parse(
				  bad[i], strlen(bad[i]), &st, NULL) != MFA_OK,
		    "row %zu", i);
	/* Set clamps to the bound; 0 leaves the field out. */
	mfa_state_init(&st);
	mfa_state_auth_set(&st, id, 7, -9);
	ck_assert_int_eq(mfa_state_auth_drift(&st, id), -MFA_STATE_MAX_DRIFT);
	mfa_state_auth_set(&st, id, 8, 0);
	ck_assert_int_eq(mfa_state_serialize(&st, &out, &len), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, "auth-step 0123456789abcdef 8\n"));
	mfa_strfree(out);
}
END_TEST

/* RFC 4226 Appendix D (tests/data/otp.txt): look-ahead and resync edges. */
START_TEST(hotp_verify_and_resync)
{
	static const char *const rfc[] = {"755224", "287082", "359152",
	    "969429", "338314", "254676", "287922", "162583", "399871",
	    "520489"};
	static const unsigned char key[] = "12345678901234567890";
	uint64_t i, m = 0, after, big = UINT64_MAX;

	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(mfa_hotp_verify(key, 20, MFA_OTP_SHA1, 6, NULL,
				     10, rfc[i], &m),
		    MFA_OK);
		ck_assert_uint_eq(m, i);
	}
	after = 5; /* counters 6.. only: 3 is spent, 9 is in reach */
	ck_assert_int_eq(
	    mfa_hotp_verify(key, 20, MFA_OTP_SHA1, 6, &after, 10, rfc[3], &m),
	    MFA_ERR_MISMATCH);
	ck_assert_int_eq(
	    mfa_hotp_verify(key, 20, MFA_OTP_SHA1, 6, &after, 4, rfc[9], &m),
	    MFA_OK);
	ck_assert_int_eq(
	    mfa_hotp_verify(key, 20, MFA_OTP_SHA1, 6, &after, 3, rfc[9], &m),
	    MFA_ERR_MISMATCH); /* 6, 7, 8: one short */
	ck_assert_int_eq(
	    mfa_hotp_verify(key, 20, MFA_OTP_SHA1, 6, &after, 0, rfc[9], &m),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_hotp_verify(key, 20, MFA_OTP_SHA1, 6, &big, 1, rfc[9], &m),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_hotp_verify(key, 20, MFA_OTP_SHA1, 6, NULL,
			     MFA_HOTP_SCAN_MAX + 1, rfc[9], &m),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_hotp_verify(key, 20, MFA_OTP_SHA1, 6, NULL, 10, "12345", &m),
	    MFA_ERR_FORMAT);
	after = 0;
	ck_assert_int_eq(mfa_hotp_resync(key, 20, MFA_OTP_SHA1, 6, &after, 10,
			     rfc[7], rfc[8], &m),
	    MFA_OK);
	ck_assert_uint_eq(m, 8);
	ck_assert_int_eq(mfa_hotp_resync(key, 20, MFA_OTP_SHA1, 6, &after, 10,
			     rfc[7], rfc[9], &m),
	    MFA_ERR_MISMATCH);
	after = 7; /* the pair must lie after the floor */
	ck_assert_int_eq(mfa_hotp_resync(key, 20, MFA_OTP_SHA1, 6, &after, 10,
			     rfc[7], rfc[8], &m),
	    MFA_ERR_MISMATCH);
}
END_TEST

/* The file's HOTP tokens: "hotp" as the period; never the file's own. */
START_TEST(hotp_in_file)
{
	struct mfa_secret *s = NULL;
	char *out = NULL;

	ck_assert_int_eq(parse(V2 "authenticator tok 0123456789abcdef 1 SHA1 "
				  "6 hotp GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n",
			     &s),
	    MFA_OK);
	ck_assert_int_eq(s->extra[0].hotp, 1);
	ck_assert_int_eq(mfa_secret_serialize(s, &out, NULL), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, " SHA1 6 hotp GEZDGNBV"));
	mfa_strfree(out);
	/* Only a token besides: the app cannot go. */
	ck_assert_int_eq(mfa_secret_auth_remove(s, 0), MFA_ERR_DENIED);
	ck_assert_int_eq(mfa_secret_auth_remove(s, 1), MFA_OK);
	mfa_secret_free(s);
}
END_TEST

/* 80..120-bit keys: only in a version 2 file marked legacy-short-key. */
START_TEST(legacy_short_key)
{
	struct mfa_secret *s = NULL;
	char *out = NULL;
	static const char head[] = "id 6f1c0e3a9b2d4c58a7e1f0d2c3b4a596\n"
				   "created 1\ntotp-secret JBSWY3DPEHPK3PXP\n";
	char text[256];

	snprintf(text, sizeof(text), "pam_mfa-secret 1\n%s", head);
	ck_assert_int_eq(parse(text, &s), MFA_ERR_RANGE);
	snprintf(text, sizeof(text), "pam_mfa-secret 2\n%s", head);
	ck_assert_int_eq(parse(text, &s), MFA_ERR_RANGE);
	snprintf(text, sizeof(text),
	    "pam_mfa-secret 2\n%slegacy-short-key yes\n", head);
	ck_assert_int_eq(parse(text, &s), MFA_OK);
	ck_assert_uint_eq(s->keylen, 10);
	ck_assert_int_eq(mfa_secret_serialize(s, &out, NULL), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, "legacy-short-key yes\n"));
	mfa_strfree(out);
	/* Without the mark the record is refused, never written short. */
	s->short_key = 0;
	ck_assert_int_eq(mfa_secret_serialize(s, &out, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_secret_set_key(s, s->key, 10), MFA_ERR_INVALID);
	mfa_secret_free(s);
	/* Under 80 bits: never. */
	snprintf(text, sizeof(text),
	    "pam_mfa-secret 2\nid 6f1c0e3a9b2d4c58a7e1f0d2c3b4a596\n"
	    "created 1\ntotp-secret JBSWY3DP\nlegacy-short-key yes\n");
	ck_assert_int_eq(parse(text, &s), MFA_ERR_RANGE);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("authenticators");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, version1_is_one_app);
	tcase_add_test(tc, version2_round_trip);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, add_remove_cap);
	tcase_add_test(tc, state_auth_step);
	tcase_add_test(tc, state_auth_cap_and_keep);
	tcase_add_test(tc, state_auth_drift);
	tcase_add_test(tc, hotp_verify_and_resync);
	tcase_add_test(tc, hotp_in_file);
	tcase_add_test(tc, legacy_short_key);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(auth_suite());
}
