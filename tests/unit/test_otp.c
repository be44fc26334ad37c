/*
 * test_otp.c - HOTP/TOTP against every row of tests/data/otp.txt (RFC 4226
 * Appendix D, RFC 6238 Appendix B, the base32 seeds), then the window,
 * replay protection, strict code syntax and 64-bit time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "error.h"
#include "otp.h"
#include "random.h"
#include "testutil.h"

#define SEED1 "12345678901234567890"
#define SEED256 "12345678901234567890123456789012"
#define SEED512                                                                \
	"1234567890123456789012345678901234567890123456789012345678901234"

/* ---- the vector file ---- */

struct hotp_row {
	uint64_t counter;
	char hmac_hex[41];
	uint32_t truncated;
	char code6[7];
};

struct totp_row {
	int64_t time;
	char step_hex[17];
	char alg[8];
	char code8[9];
	char code6[7];
};

struct b32_seed {
	char alg[8];
	char b32[128];
};

struct vectors {
	struct hotp_row hotp[16];
	size_t nhotp;
	struct totp_row totp[32];
	size_t ntotp;
	struct b32_seed seed[4];
	size_t nseed;
};

static struct vectors vec;

/* Read every row of $MFA_SRC/tests/data/otp.txt; unknown kinds fail. */
static void
load_vectors(void)
{
	const char *src = getenv("MFA_SRC");
	char path[4096], line[512], kind[16];
	unsigned long long u;
	long long t;
	FILE *f;
	int ok;

	memset(&vec, 0, sizeof(vec));
	snprintf(path, sizeof(path), "%s/tests/data/otp.txt",
	    src != NULL ? src : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%15s", kind) != 1 || kind[0] == '#')
			continue;
		if (strcmp(kind, "hotp") == 0) {
			struct hotp_row *r = &vec.hotp[vec.nhotp++];
			unsigned long tr;

			ck_assert_uint_le(vec.nhotp, 16);
			ok = sscanf(line, "hotp %llu %40s %lu %6s", &u,
				 r->hmac_hex, &tr, r->code6) == 4;
			r->counter = u;
			r->truncated = (uint32_t)tr;
		} else if (strcmp(kind, "totp") == 0) {
			struct totp_row *r = &vec.totp[vec.ntotp++];

			ck_assert_uint_le(vec.ntotp, 32);
			ok = sscanf(line, "totp %lld %16s %7s %8s %6s", &t,
				 r->step_hex, r->alg, r->code8, r->code6) == 5;
			r->time = t;
		} else if (strcmp(kind, "b32seed") == 0) {
			struct b32_seed *r = &vec.seed[vec.nseed++];

			ck_assert_uint_le(vec.nseed, 4);
			ok = sscanf(line, "b32seed %7s %127s", r->alg,
				 r->b32) == 2;
		} else {
			ok = strcmp(kind, "base32") == 0; /* test_base32 */
		}
		ck_assert_msg(ok, "bad vector line: %s", line);
	}
	fclose(f);
	/* A short or damaged file must not pass by testing less. */
	ck_assert_uint_eq(vec.nhotp, 10);
	ck_assert_uint_eq(vec.ntotp, 18);
	ck_assert_uint_eq(vec.nseed, 3);
}

static enum mfa_otp_alg
alg_of(const char *name)
{
	enum mfa_otp_alg alg = MFA_OTP_SHA1;

	ck_assert_int_eq(mfa_otp_alg_parse(name, &alg), MFA_OK);
	return alg;
}

/* The RFC 6238 ASCII seed for an algorithm. */
static const char *
rfc_seed(enum mfa_otp_alg alg)
{
	return alg == MFA_OTP_SHA1  ? SEED1
	    : alg == MFA_OTP_SHA256 ? SEED256
				    : SEED512;
}

/* ---- known answers ---- */

START_TEST(hotp_rfc4226)
{
	const unsigned char *key = (const unsigned char *)SEED1;
	unsigned char mac[MFA_OTP_MAC_MAX];
	char hex[2 * MFA_OTP_MAC_MAX + 1], str[MFA_OTP_CODE_SIZE];
	size_t i, j, maclen;
	uint32_t code;

	load_vectors();
	for (i = 0; i < vec.nhotp; i++) {
		const struct hotp_row *r = &vec.hotp[i];

		ck_assert_int_eq(mfa_otp_hmac(key, 20, MFA_OTP_SHA1, r->counter,
				     mac, sizeof(mac), &maclen),
		    MFA_OK);
		ck_assert_uint_eq(maclen, 20);
		for (j = 0; j < maclen; j++)
			snprintf(hex + 2 * j, 3, "%02x", mac[j]);
		ck_assert_str_eq(hex, r->hmac_hex);
		ck_assert_uint_eq(mfa_otp_truncate(mac, maclen), r->truncated);
		ck_assert_int_eq(
		    mfa_hotp(key, 20, MFA_OTP_SHA1, r->counter, 6, &code),
		    MFA_OK);
		ck_assert_int_eq(
		    mfa_otp_format(code, 6, str, sizeof(str)), MFA_OK);
		ck_assert_str_eq(str, r->code6);
		ck_assert_int_eq(
		    mfa_hotp(key, 20, MFA_OTP_SHA1, r->counter, 8, &code),
		    MFA_OK);
		ck_assert_uint_eq(code, r->truncated % 100000000U);
	}
}
END_TEST

static uint64_t
parse_hex64(const char *s)
{
	return (uint64_t)strtoull(s, NULL, 16);
}

/* Every TOTP row with the given keys (indexed by algorithm). */
static void
check_totp_rows(const unsigned char *const keys[3], const size_t keylen[3])
{
	struct mfa_totp_params p = {MFA_OTP_SHA1, 8, 30};
	char out[MFA_OTP_CODE_SIZE];
	uint64_t step, matched;
	size_t i;

	for (i = 0; i < vec.ntotp; i++) {
		const struct totp_row *r = &vec.totp[i];

		p.alg = alg_of(r->alg);
		ck_assert_int_eq(mfa_totp_step(r->time, 30, &step), MFA_OK);
		ck_assert_uint_eq(step, parse_hex64(r->step_hex));
		p.digits = 8;
		ck_assert_int_eq(mfa_totp_code(keys[p.alg], keylen[p.alg], &p,
				     r->time, out, sizeof(out)),
		    MFA_OK);
		ck_assert_str_eq(out, r->code8);
		ck_assert_int_eq(mfa_totp_verify(keys[p.alg], keylen[p.alg], &p,
				     r->time, 0, NULL, r->code8, &matched),
		    MFA_OK);
		ck_assert_uint_eq(matched, step);
		p.digits = 6;
		ck_assert_int_eq(mfa_totp_code(keys[p.alg], keylen[p.alg], &p,
				     r->time, out, sizeof(out)),
		    MFA_OK);
		ck_assert_str_eq(out, r->code6);
		ck_assert_int_eq(mfa_totp_verify(keys[p.alg], keylen[p.alg], &p,
				     r->time, 1, NULL, r->code6, &matched),
		    MFA_OK);
		ck_assert_uint_eq(matched, step);
	}
}

START_TEST(totp_rfc6238)
{
	const unsigned char *keys[3] = {(const unsigned char *)SEED1,
	    (const unsigned char *)SEED256, (const unsigned char *)SEED512};
	const size_t keylen[3] = {20, 32, 64};

	load_vectors();
	check_totp_rows(keys, keylen);
}
END_TEST

/* The base32 seeds decode to the RFC seeds and give the same codes. */
START_TEST(totp_base32_seeds)
{
	unsigned char buf[3][64];
	const unsigned char *keys[3];
	size_t keylen[3] = {0, 0, 0}, i, seen = 0;
	enum mfa_otp_alg alg;

	load_vectors();
	for (i = 0; i < vec.nseed; i++) {
		alg = alg_of(vec.seed[i].alg);
		ck_assert_int_eq(
		    mfa_base32_decode(vec.seed[i].b32, strlen(vec.seed[i].b32),
			buf[alg], sizeof(buf[alg]), &keylen[alg]),
		    MFA_OK);
		ck_assert_uint_eq(keylen[alg], strlen(rfc_seed(alg)));
		ck_assert_mem_eq(buf[alg], rfc_seed(alg), keylen[alg]);
		keys[alg] = buf[alg];
		seen |= 1U << alg;
	}
	ck_assert_uint_eq(seen, 7); /* one seed per algorithm */
	check_totp_rows(keys, keylen);
}
END_TEST

/* From the comment in otp.txt: SHA1 seed, 6 digits, period 30. */
static const struct {
	int64_t t;
	uint64_t step;
	const char *code;
} boundaries[] = {
    {0, 0, "755224"},
    {29, 0, "755224"},
    {30, 1, "287082"},
    {59, 1, "287082"},
    {60, 2, "359152"},
};

START_TEST(step_boundaries)
{
	const struct mfa_totp_params p = {MFA_OTP_SHA1, 6, 30};
	char out[MFA_OTP_CODE_SIZE];
	uint64_t step;

	ck_assert_int_eq(mfa_totp_step(boundaries[_i].t, 30, &step), MFA_OK);
	ck_assert_uint_eq(step, boundaries[_i].step);
	ck_assert_int_eq(mfa_totp_code((const unsigned char *)SEED1, 20, &p,
			     boundaries[_i].t, out, sizeof(out)),
	    MFA_OK);
	ck_assert_str_eq(out, boundaries[_i].code);
}
END_TEST

/* Times past 2038, 2106 and far beyond; values cross-checked with
 * Python's hmac module and oathtool. */
static const struct {
	int64_t t;
	enum mfa_otp_alg alg;
	unsigned int digits, period;
	const char *code;
} far_times[] = {
    {INT64_C(34359738368), MFA_OTP_SHA1, 6, 30, "991370"},     /* 2^35 */
    {INT64_C(1099511627776), MFA_OTP_SHA1, 8, 30, "65853530"}, /* 2^40 */
    {INT64_C(1099511627776), MFA_OTP_SHA256, 8, 30, "05852965"},
    {INT64_C(1099511627776), MFA_OTP_SHA512, 6, 30, "806985"},
    {INT64_C(4611686018427387904), MFA_OTP_SHA1, 8, 30, "26539708"},
    {INT64_MAX, MFA_OTP_SHA256, 8, 30, "02144869"},
    {INT64_MAX, MFA_OTP_SHA512, 6, 30, "964213"},
    {INT64_C(1111111111), MFA_OTP_SHA1, 6, 60, "360094"}, /* period 60 */
};

START_TEST(totp_far_future)
{
	const struct mfa_totp_params p = {
	    far_times[_i].alg, far_times[_i].digits, far_times[_i].period};
	const unsigned char *key = (const unsigned char *)rfc_seed(p.alg);
	char out[MFA_OTP_CODE_SIZE];
	uint64_t step, before, matched = 0;

	ck_assert_int_eq(mfa_totp_code(key, strlen((const char *)key), &p,
			     far_times[_i].t, out, sizeof(out)),
	    MFA_OK);
	ck_assert_str_eq(out, far_times[_i].code);
	ck_assert_int_eq(
	    mfa_totp_step(far_times[_i].t, p.period, &step), MFA_OK);
	/* The widest window at the end of time must not overflow. */
	before = step - 1;
	ck_assert_int_eq(
	    mfa_totp_verify(key, strlen((const char *)key), &p, far_times[_i].t,
		MFA_TOTP_WINDOW_MAX, &before, out, &matched),
	    MFA_OK);
	ck_assert_uint_eq(matched, step);
}
END_TEST

/* ---- the window and replay protection ---- */

static const unsigned char *wkey = (const unsigned char *)SEED1;
static const struct mfa_totp_params wp = {MFA_OTP_SHA1, 6, 30};
#define WNOW INT64_C(1111111111)

/* The code of the step k steps away from WNOW's step. */
static void
code_at(int k, char out[MFA_OTP_CODE_SIZE])
{
	ck_assert_int_eq(
	    mfa_totp_code(wkey, 20, &wp, WNOW + 30 * k, out, MFA_OTP_CODE_SIZE),
	    MFA_OK);
}

static int
verify_at(unsigned int window, const uint64_t *after, int k, uint64_t *m)
{
	char code[MFA_OTP_CODE_SIZE];

	code_at(k, code);
	*m = UINT64_MAX;
	return mfa_totp_verify(wkey, 20, &wp, WNOW, window, after, code, m);
}

START_TEST(window_edges)
{
	char codes[25][MFA_OTP_CODE_SIZE];
	uint64_t t, m;
	int k, j;

	ck_assert_int_eq(mfa_totp_step(WNOW, 30, &t), MFA_OK);
	/* The test means nothing if two nearby steps share a code. */
	for (k = 0; k < 25; k++) {
		code_at(k - 12, codes[k]);
		for (j = 0; j < k; j++)
			ck_assert_str_ne(codes[j], codes[k]);
	}
	ck_assert_int_eq(verify_at(1, NULL, -2, &m), MFA_ERR_MISMATCH);
	ck_assert_uint_eq(m, UINT64_MAX); /* untouched on failure */
	for (k = -1; k <= 1; k++) {
		ck_assert_int_eq(verify_at(1, NULL, k, &m), MFA_OK);
		ck_assert_uint_eq(m, t + (uint64_t)(int64_t)k);
	}
	ck_assert_int_eq(verify_at(1, NULL, 2, &m), MFA_ERR_MISMATCH);
	/* window 0: now only. */
	ck_assert_int_eq(verify_at(0, NULL, 0, &m), MFA_OK);
	ck_assert_uint_eq(m, t);
	ck_assert_int_eq(verify_at(0, NULL, -1, &m), MFA_ERR_MISMATCH);
	ck_assert_int_eq(verify_at(0, NULL, 1, &m), MFA_ERR_MISMATCH);
	/* The largest window. */
	ck_assert_int_eq(verify_at(10, NULL, -10, &m), MFA_OK);
	ck_assert_uint_eq(m, t - 10);
	ck_assert_int_eq(verify_at(10, NULL, 10, &m), MFA_OK);
	ck_assert_uint_eq(m, t + 10);
	ck_assert_int_eq(verify_at(10, NULL, -11, &m), MFA_ERR_MISMATCH);
	ck_assert_int_eq(verify_at(10, NULL, 11, &m), MFA_ERR_MISMATCH);
	ck_assert_int_eq(verify_at(11, NULL, 0, &m), MFA_ERR_INVALID);
}
END_TEST

START_TEST(replay_protection)
{
	uint64_t t, after, m;

	ck_assert_int_eq(mfa_totp_step(WNOW, 30, &t), MFA_OK);
	after = t;
	ck_assert_int_eq(verify_at(1, &after, 0, &m), MFA_ERR_REPLAY);
	ck_assert_int_eq(verify_at(1, &after, -1, &m), MFA_ERR_REPLAY);
	ck_assert_int_eq(verify_at(1, &after, 1, &m), MFA_OK);
	ck_assert_uint_eq(m, t + 1);
	/* Outside the window stays a plain mismatch, not a replay. */
	ck_assert_int_eq(verify_at(1, &after, -2, &m), MFA_ERR_MISMATCH);
	after = t - 1;
	ck_assert_int_eq(verify_at(1, &after, -1, &m), MFA_ERR_REPLAY);
	ck_assert_int_eq(verify_at(1, &after, 0, &m), MFA_OK);
	ck_assert_uint_eq(m, t);
	after = t + 1; /* a code from the future was already used */
	ck_assert_int_eq(verify_at(1, &after, 1, &m), MFA_ERR_REPLAY);
	ck_assert_int_eq(verify_at(1, &after, 0, &m), MFA_ERR_REPLAY);
	after = 0;
	ck_assert_int_eq(verify_at(1, &after, 0, &m), MFA_OK);
	ck_assert_uint_eq(m, t);
}
END_TEST

/* Step 0 is an ordinary step: eligible with no history, a replay once
 * accepted; steps before 0 do not exist. */
START_TEST(step_zero_not_special)
{
	const uint64_t zero = 0;
	uint64_t m = 99;

	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, 10, 1, NULL, "755224", &m), MFA_OK);
	ck_assert_uint_eq(m, 0);
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, 10, 1, &zero, "755224", &m),
	    MFA_ERR_REPLAY);
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, 10, 1, &zero, "287082", &m), MFA_OK);
	ck_assert_uint_eq(m, 1);
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, 10, 1, NULL, "359152", &m),
	    MFA_ERR_MISMATCH);
	/* matched_step may be NULL. */
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, 10, 0, NULL, "755224", NULL),
	    MFA_OK);
}
END_TEST

/* When one code is valid at two steps of the window, the higher step is
 * reported, so that replay protection moves as far forward as it can.
 * SHA1 seed: steps 37353814 and 37353816 both give 137227 (found by
 * search, checked with oathtool), 37079356 and 37079357 both 186519. */
START_TEST(collision_reports_highest)
{
	const int64_t now = INT64_C(37353815) * 30;
	uint64_t after, m;

	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, now, 1, NULL, "137227", &m), MFA_OK);
	ck_assert_uint_eq(m, 37353816);
	after = 37353814;
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, now, 1, &after, "137227", &m),
	    MFA_OK);
	ck_assert_uint_eq(m, 37353816);
	after = 37353816;
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, now, 1, &after, "137227", &m),
	    MFA_ERR_REPLAY);
	ck_assert_int_eq(mfa_totp_verify(wkey, 20, &wp, INT64_C(37079356) * 30,
			     1, NULL, "186519", &m),
	    MFA_OK);
	ck_assert_uint_eq(m, 37079357);
}
END_TEST

/* ---- strict syntax of the typed code ---- */

static const char *const bad_codes[] = {
    "",
    "12345",
    "1234567",
    "12345678",
    "12345a",
    " 123456",
    "123456 ",
    "123456\n",
    "-12345",
    "+12345",
    "12 456",
    "１23456", /* full-width digit one */
    "0x1234",
};

START_TEST(verify_rejects_syntax)
{
	uint64_t m = 7;

	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &wp, WNOW, 1, NULL, bad_codes[_i], &m),
	    MFA_ERR_FORMAT);
	ck_assert_uint_eq(m, 7);
	/* Rejected before any HMAC: a NULL key is never looked at. */
	ck_assert_int_eq(
	    mfa_totp_verify(NULL, 0, &wp, WNOW, 1, NULL, bad_codes[_i], &m),
	    MFA_ERR_FORMAT);
}
END_TEST

START_TEST(verify_eight_digits)
{
	const struct mfa_totp_params p8 = {MFA_OTP_SHA1, 8, 30};
	uint64_t m;

	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &p8, 1111111111, 1, NULL, "14050471", &m),
	    MFA_OK);
	ck_assert_uint_eq(m, 0x23523ED);
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &p8, 1111111111, 1, NULL, "050471", &m),
	    MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &p8, 1111111111, 1, NULL, "14050472", &m),
	    MFA_ERR_MISMATCH);
}
END_TEST

START_TEST(verify_bad_arguments)
{
	struct mfa_totp_params p = wp;
	uint64_t m;

	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &p, -1, 1, NULL, "755224", &m),
	    MFA_ERR_RANGE);
	ck_assert_int_eq(mfa_totp_verify(wkey, 20, &p, WNOW, 1, NULL, NULL, &m),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, NULL, WNOW, 1, NULL, "755224", &m),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_totp_verify(NULL, 20, &p, WNOW, 1, NULL, "755224", &m),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 0, &p, WNOW, 1, NULL, "755224", &m),
	    MFA_ERR_INVALID);
	p.period = 14;
	ck_assert_int_eq(
	    mfa_totp_verify(wkey, 20, &p, WNOW, 1, NULL, "755224", &m),
	    MFA_ERR_RANGE);
}
END_TEST

/* ---- smaller pieces ---- */

static const struct {
	struct mfa_totp_params p;
	int rc;
} params[] = {
    {{MFA_OTP_SHA1, 6, 30}, MFA_OK},
    {{MFA_OTP_SHA256, 8, 15}, MFA_OK},
    {{MFA_OTP_SHA512, 8, 300}, MFA_OK},
    {{MFA_OTP_SHA1, 7, 30}, MFA_ERR_RANGE},
    {{MFA_OTP_SHA1, 0, 30}, MFA_ERR_RANGE},
    {{MFA_OTP_SHA1, 10, 30}, MFA_ERR_RANGE},
    {{MFA_OTP_SHA1, 6, 14}, MFA_ERR_RANGE},
    {{MFA_OTP_SHA1, 6, 301}, MFA_ERR_RANGE},
    {{MFA_OTP_SHA1, 6, 0}, MFA_ERR_RANGE},
    {{(enum mfa_otp_alg)3, 6, 30}, MFA_ERR_RANGE},
};

START_TEST(params_check)
{
	char out[MFA_OTP_CODE_SIZE] = "x";

	ck_assert_int_eq(mfa_totp_params_check(&params[_i].p), params[_i].rc);
	ck_assert_int_eq(
	    mfa_totp_code(wkey, 20, &params[_i].p, WNOW, out, sizeof(out)),
	    params[_i].rc);
	if (params[_i].rc != MFA_OK)
		ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(alg_names)
{
	static const char *const bad[] = {
	    "sha1", "Sha256", "SHA-1", "SHA1 ", " SHA1", "", "SHA384", "MD5"};
	enum mfa_otp_alg a = MFA_OTP_SHA256;
	size_t i;

	ck_assert_int_eq(mfa_otp_alg_parse("SHA1", &a), MFA_OK);
	ck_assert_int_eq(a, MFA_OTP_SHA1);
	ck_assert_int_eq(mfa_otp_alg_parse("SHA256", &a), MFA_OK);
	ck_assert_int_eq(a, MFA_OTP_SHA256);
	ck_assert_int_eq(mfa_otp_alg_parse("SHA512", &a), MFA_OK);
	ck_assert_int_eq(a, MFA_OTP_SHA512);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(mfa_otp_alg_parse(bad[i], &a), MFA_ERR_FORMAT);
		ck_assert_int_eq(a, MFA_OTP_SHA512); /* untouched */
	}
	ck_assert_int_eq(mfa_otp_alg_parse(NULL, &a), MFA_ERR_INVALID);
	ck_assert_str_eq(mfa_otp_alg_name(MFA_OTP_SHA1), "SHA1");
	ck_assert_str_eq(mfa_otp_alg_name(MFA_OTP_SHA256), "SHA256");
	ck_assert_str_eq(mfa_otp_alg_name(MFA_OTP_SHA512), "SHA512");
	ck_assert_ptr_null(mfa_otp_alg_name((enum mfa_otp_alg)3));
	ck_assert_ptr_null(mfa_otp_alg_name((enum mfa_otp_alg) - 1));
}
END_TEST

static const struct {
	uint32_t code;
	unsigned int digits;
	size_t outsz;
	int rc;
	const char *out;
} formats[] = {
    {0, 6, 7, MFA_OK, "000000"},
    {755224, 6, 7, MFA_OK, "755224"},
    {81804, 6, 7, MFA_OK, "081804"},
    {999999, 6, 7, MFA_OK, "999999"},
    {1000000, 6, 7, MFA_ERR_RANGE, ""},
    {123, 8, 9, MFA_OK, "00000123"},
    {99999999, 8, 9, MFA_OK, "99999999"},
    {100000000, 8, 9, MFA_ERR_RANGE, ""},
    {UINT32_MAX, 8, 9, MFA_ERR_RANGE, ""},
    {123456, 6, 6, MFA_ERR_BUFSIZE, ""},
    {123456, 8, 8, MFA_ERR_BUFSIZE, ""},
    {12, 7, 9, MFA_ERR_INVALID, "x"},
    {12, 0, 9, MFA_ERR_INVALID, "x"},
};

START_TEST(format_table)
{
	char out[16] = "x";

	ck_assert_int_eq(mfa_otp_format(formats[_i].code, formats[_i].digits,
			     out, formats[_i].outsz),
	    formats[_i].rc);
	ck_assert_str_eq(out, formats[_i].out);
}
END_TEST

START_TEST(step_values)
{
	uint64_t s = 5;

	ck_assert_int_eq(mfa_totp_step(-1, 30, &s), MFA_ERR_RANGE);
	ck_assert_int_eq(mfa_totp_step(INT64_MIN, 30, &s), MFA_ERR_RANGE);
	ck_assert_uint_eq(s, 5);
	ck_assert_int_eq(mfa_totp_step(100, 0, &s), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_totp_step(100, 30, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_totp_step(INT64_C(20000000000), 30, &s), MFA_OK);
	ck_assert_uint_eq(s, UINT64_C(666666666));
	ck_assert_int_eq(mfa_totp_step(INT64_C(1) << 40, 30, &s), MFA_OK);
	ck_assert_uint_eq(s, (UINT64_C(1) << 40) / 30);
	ck_assert_int_eq(mfa_totp_step(INT64_MAX, 1, &s), MFA_OK);
	ck_assert_uint_eq(s, (uint64_t)INT64_MAX);
	ck_assert_int_eq(mfa_totp_step(299, 300, &s), MFA_OK);
	ck_assert_uint_eq(s, 0);
	ck_assert_int_eq(mfa_totp_step(300, 300, &s), MFA_OK);
	ck_assert_uint_eq(s, 1);
}
END_TEST

START_TEST(hmac_sizes_and_errors)
{
	static const size_t want[3] = {20, 32, 64};
	unsigned char mac[MFA_OTP_MAC_MAX];
	size_t maclen;
	uint32_t code = 42;
	int a;

	for (a = 0; a < 3; a++) {
		ck_assert_int_eq(mfa_otp_hmac(wkey, 20, (enum mfa_otp_alg)a, 1,
				     mac, sizeof(mac), &maclen),
		    MFA_OK);
		ck_assert_uint_eq(maclen, want[a]);
	}
	ck_assert_int_eq(
	    mfa_otp_hmac(wkey, 0, MFA_OTP_SHA1, 1, mac, sizeof(mac), &maclen),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_otp_hmac(wkey, 20, MFA_OTP_SHA1, 1, mac,
			     sizeof(mac) - 1, &maclen),
	    MFA_ERR_BUFSIZE);
	ck_assert_int_eq(mfa_otp_hmac(wkey, 20, (enum mfa_otp_alg)3, 1, mac,
			     sizeof(mac), &maclen),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_hotp(wkey, 20, MFA_OTP_SHA1, 0, 7, &code), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_hotp(NULL, 20, MFA_OTP_SHA1, 0, 6, &code), MFA_ERR_INVALID);
	ck_assert_uint_eq(code, 42);
}
END_TEST

/* The masked selection of the truncation picks the same four bytes as a
 * plain index would, for every offset and MAC length. */
START_TEST(truncate_every_offset)
{
	static const size_t lens[3] = {20, 32, 64};
	unsigned char mac[MFA_OTP_MAC_MAX];
	uint32_t want;
	size_t l, off;

	for (l = 0; l < 3; l++) {
		for (off = 0; off < 16; off++) {
			ck_assert_int_eq(
			    mfa_random_bytes(mac, sizeof(mac)), MFA_OK);
			mac[lens[l] - 1] =
			    (unsigned char)((mac[lens[l] - 1] & 0xf0U) | off);
			want = ((uint32_t)mac[off] << 24 |
				   (uint32_t)mac[off + 1] << 16 |
				   (uint32_t)mac[off + 2] << 8 | mac[off + 3]) &
			    0x7fffffffU;
			ck_assert_uint_eq(mfa_otp_truncate(mac, lens[l]), want);
		}
	}
	ck_assert_uint_eq(mfa_otp_truncate(mac, 19), 0);
	ck_assert_uint_eq(mfa_otp_truncate(mac, 65), 0);
	ck_assert_uint_eq(mfa_otp_truncate(NULL, 20), 0);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
otp_suite(void)
{
	Suite *s = suite_create("otp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, hotp_rfc4226);
	tcase_add_test(tc, totp_rfc6238);
	tcase_add_test(tc, totp_base32_seeds);
	tcase_add_loop_test(tc, step_boundaries, 0, NELEM(boundaries));
	tcase_add_loop_test(tc, totp_far_future, 0, NELEM(far_times));
	tcase_add_test(tc, window_edges);
	tcase_add_test(tc, replay_protection);
	tcase_add_test(tc, step_zero_not_special);
	tcase_add_test(tc, collision_reports_highest);
	tcase_add_loop_test(tc, verify_rejects_syntax, 0, NELEM(bad_codes));
	tcase_add_test(tc, verify_eight_digits);
	tcase_add_test(tc, verify_bad_arguments);
	tcase_add_loop_test(tc, params_check, 0, NELEM(params));
	tcase_add_test(tc, alg_names);
	tcase_add_loop_test(tc, format_table, 0, NELEM(formats));
	tcase_add_test(tc, step_values);
	tcase_add_test(tc, hmac_sizes_and_errors);
	tcase_add_test(tc, truncate_every_offset);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(otp_suite());
}
