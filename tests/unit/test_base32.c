/*
 * test_base32.c - RFC 4648 base32: the RFC vectors from
 * tests/data/otp.txt, the strict decoder's rejections, the normaliser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base32.h"
#include "error.h"
#include "random.h"
#include "testutil.h"

/* ---- the RFC 4648 rows of tests/data/otp.txt ---- */

struct b32_row {
	char plain[16];
	char padded[24];
};

/* Copy the "..." field at *p into out; advance *p past it. */
static int
quoted(const char **p, char *out, size_t outsz)
{
	const char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '"')
		return -1;
	e = strchr(s + 1, '"');
	if (e == NULL || (size_t)(e - s - 1) >= outsz)
		return -1;
	memcpy(out, s + 1, (size_t)(e - s - 1));
	out[e - s - 1] = '\0';
	*p = e + 1;
	return 0;
}

/* All "base32" rows of the vector file; aborts the test if unreadable. */
static size_t
load_rows(struct b32_row *rows, size_t max)
{
	const char *src = getenv("MFA_SRC");
	char path[4096], line[256];
	const char *p;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/otp.txt",
	    src != NULL ? src : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "base32 ", 7) != 0)
			continue;
		ck_assert_uint_lt(n, max);
		p = line + 7;
		ck_assert_msg(
		    quoted(&p, rows[n].plain, sizeof(rows[n].plain)) == 0 &&
			quoted(&p, rows[n].padded, sizeof(rows[n].padded)) == 0,
		    "bad vector line: %s", line);
		n++;
	}
	fclose(f);
	return n;
}

START_TEST(rfc4648_vectors)
{
	struct b32_row rows[16];
	char enc[32], norm[32], expect[32];
	unsigned char dec[16];
	size_t n, i, len, declen;

	n = load_rows(rows, 16);
	ck_assert_uint_eq(n, 7); /* "" f fo foo foob fooba foobar */
	for (i = 0; i < n; i++) {
		len = strlen(rows[i].plain);
		/* Encoder: the RFC form without its padding. */
		snprintf(expect, sizeof(expect), "%.*s",
		    (int)strcspn(rows[i].padded, "="), rows[i].padded);
		ck_assert_int_eq(
		    mfa_base32_encode((const unsigned char *)rows[i].plain, len,
			enc, sizeof(enc)),
		    MFA_OK);
		ck_assert_str_eq(enc, expect);
		ck_assert_uint_eq(strlen(enc), MFA_BASE32_ENCODED_LEN(len));
		/* Normaliser takes the padded RFC form. */
		ck_assert_int_eq(
		    mfa_base32_normalize(rows[i].padded, norm, sizeof(norm)),
		    MFA_OK);
		ck_assert_str_eq(norm, expect);
		/* Strict decoder round-trips the canonical form... */
		ck_assert_int_eq(mfa_base32_decode(enc, strlen(enc), dec,
				     sizeof(dec), &declen),
		    MFA_OK);
		ck_assert_uint_eq(declen, len);
		ck_assert_mem_eq(dec, rows[i].plain, len);
		/* ...and refuses the padded one, where there is padding. */
		if (strchr(rows[i].padded, '=') != NULL)
			ck_assert_int_eq(mfa_base32_decode(rows[i].padded,
					     strlen(rows[i].padded), dec,
					     sizeof(dec), &declen),
			    MFA_ERR_FORMAT);
	}
}
END_TEST

/* ---- strict decoder rejections ---- */

struct reject_case {
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *why;
};

static const struct reject_case rejects[] = {
    {"my", 0, "lower case"},
    {"MZxq", 0, "lower case inside"},
    {"MY======", 0, "padding"},
    {"MZXW6YQ=", 0, "one pad character"},
    {"M1", 0, "digit 1"},
    {"M8", 0, "digit 8"},
    {"M0", 0, "digit 0"},
    {"MZXW 6YQ", 0, "space"},
    {"MZXW-6YQ", 0, "dash"},
    {"M", 0, "length 1 mod 8"},
    {"MZX", 0, "length 3 mod 8"},
    {"MZXW6Y", 0, "length 6 mod 8"},
    {"MZXW6YTBM", 0, "length 9 (1 mod 8)"},
    {"MZXW6YTBOIA", 0, "length 11 (3 mod 8)"},
    {"MZXW6YTBOIAAAA", 0, "length 14 (6 mod 8)"},
    {"MZ", 0, "f with a trailing bit set (canonical MY)"},
    {"M7", 0, "f with trailing bits 11 (canonical MY)"},
    {"MZXR", 0, "fo with a trailing bit set (canonical MZXQ)"},
    {"MZXW7", 0, "foo with a trailing bit set (canonical MZXW6)"},
    {"MZXW6YR", 0, "foob with a trailing bit set (canonical MZXW6YQ)"},
    {"MZXW6YTBOJ", 0, "foobar with a trailing bit set (canonical OI)"},
    {"MZ\0Q", 4, "NUL inside"},
    {"MZXW6YT\0", 8, "NUL at the end, counted in inlen"},
    {"\xcdY", 0, "byte 0xcd ('M' | 0x80)"},
    {"\xc1\xc1", 0, "high bytes"},
    {"[Y", 0, "character after Z"},
    {"@Y", 0, "character before A"},
};

START_TEST(decode_rejects)
{
	const struct reject_case *c = &rejects[_i];
	size_t len = c->len != 0 ? c->len : strlen(c->in), outlen = 99;
	unsigned char out[16];

	memset(out, 0, sizeof(out));
	ck_assert_msg(mfa_base32_decode(c->in, len, out, sizeof(out),
			  &outlen) == MFA_ERR_FORMAT,
	    "accepted: %s", c->why);
	ck_assert_uint_eq(outlen, 0);
	/* The partial output was wiped. */
	for (len = 0; len < sizeof(out); len++)
		ck_assert_uint_eq(out[len], 0);
}
END_TEST

START_TEST(decode_empty_is_zero_bytes)
{
	unsigned char out[1];
	size_t outlen = 99;

	ck_assert_int_eq(
	    mfa_base32_decode("", 0, out, sizeof(out), &outlen), MFA_OK);
	ck_assert_uint_eq(outlen, 0);
	ck_assert_int_eq(mfa_base32_decode(NULL, 0, NULL, 0, &outlen), MFA_OK);
	ck_assert_uint_eq(outlen, 0);
	/* inlen, not a NUL, ends the input. */
	ck_assert_int_eq(mfa_base32_decode("MY", 0, out, 0, &outlen), MFA_OK);
	ck_assert_uint_eq(outlen, 0);
}
END_TEST

START_TEST(decode_respects_inlen)
{
	unsigned char out[8];
	size_t outlen;

	/* Only the first 2 of 4 characters are read. */
	ck_assert_int_eq(
	    mfa_base32_decode("MYzz", 2, out, sizeof(out), &outlen), MFA_OK);
	ck_assert_uint_eq(outlen, 1);
	ck_assert_uint_eq(out[0], 'f');
}
END_TEST

START_TEST(decode_bufsize)
{
	unsigned char out[8];
	size_t outlen = 99;

	ck_assert_int_eq(
	    mfa_base32_decode("MZXW6YTB", 8, out, 4, &outlen), MFA_ERR_BUFSIZE);
	ck_assert_int_eq(
	    mfa_base32_decode("MZXW6YTB", 8, out, 5, &outlen), MFA_OK);
	ck_assert_uint_eq(outlen, 5);
	ck_assert_mem_eq(out, "fooba", 5);
	ck_assert_int_eq(
	    mfa_base32_decode("MZXW6YQ", 7, out, 3, &outlen), MFA_ERR_BUFSIZE);
	ck_assert_int_eq(
	    mfa_base32_decode("MZXW6YQ", 7, NULL, 0, NULL), MFA_ERR_INVALID);
}
END_TEST

START_TEST(encode_bufsize)
{
	char out[16];

	memset(out, 'x', sizeof(out));
	/* "foobar" needs 10 characters and the NUL. */
	ck_assert_int_eq(
	    mfa_base32_encode((const unsigned char *)"foobar", 6, out, 10),
	    MFA_ERR_BUFSIZE);
	ck_assert_int_eq(out[0], '\0');
	ck_assert_int_eq(out[1], 'x'); /* nothing else written */
	ck_assert_int_eq(
	    mfa_base32_encode((const unsigned char *)"foobar", 6, out, 11),
	    MFA_OK);
	ck_assert_str_eq(out, "MZXW6YTBOI");
	ck_assert_int_eq(mfa_base32_encode(NULL, 0, out, 1), MFA_OK);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(mfa_base32_encode(NULL, 0, out, 0), MFA_ERR_BUFSIZE);
}
END_TEST

/* Every 2- and 4-character string over the alphabet: the decoder accepts
 * exactly the canonical ones, one per byte string. */
START_TEST(decode_exactly_canonical)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	char in[5], back[8];
	unsigned char out[4];
	size_t outlen, ok2 = 0, ok4 = 0;
	unsigned int i;

	for (i = 0; i < 32U * 32U * 32U * 32U; i++) {
		in[0] = alpha[i & 31U];
		in[1] = alpha[(i >> 5) & 31U];
		in[2] = alpha[(i >> 10) & 31U];
		in[3] = alpha[(i >> 15) & 31U];
		if (i < 32U * 32U &&
		    mfa_base32_decode(in, 2, out, sizeof(out), &outlen) ==
			MFA_OK) {
			ok2++;
			mfa_base32_encode(out, outlen, back, sizeof(back));
			ck_assert_mem_eq(back, in, 2);
		}
		if (mfa_base32_decode(in, 4, out, sizeof(out), &outlen) ==
		    MFA_OK) {
			ok4++;
			ck_assert_uint_eq(outlen, 2);
			mfa_base32_encode(out, outlen, back, sizeof(back));
			ck_assert_mem_eq(back, in, 4);
		}
	}
	ck_assert_uint_eq(ok2, 256);
	ck_assert_uint_eq(ok4, 65536);
}
END_TEST

START_TEST(roundtrip_random_lengths)
{
	unsigned char in[80], out[80];
	char enc[MFA_BASE32_ENCODED_LEN(80) + 1];
	size_t len, outlen;

	for (len = 0; len <= sizeof(in); len++) {
		ck_assert_int_eq(mfa_random_bytes(in, len), MFA_OK);
		ck_assert_int_eq(
		    mfa_base32_encode(in, len, enc, sizeof(enc)), MFA_OK);
		ck_assert_uint_eq(strlen(enc), MFA_BASE32_ENCODED_LEN(len));
		ck_assert_uint_eq(
		    strspn(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
		    strlen(enc));
		ck_assert_int_eq(mfa_base32_decode(enc, strlen(enc), out,
				     sizeof(out), &outlen),
		    MFA_OK);
		ck_assert_uint_eq(outlen, len);
		ck_assert_mem_eq(out, in, len);
	}
}
END_TEST

/* ---- normaliser ---- */

struct norm_case {
	const char *in;
	int rc;
	const char *out;
};

static const struct norm_case norms[] = {
    {"gezd gnbv-gy3t", MFA_OK, "GEZDGNBVGY3T"},
    {"GEZD\tGNBV", MFA_OK, "GEZDGNBV"},
    {" - gezd - ", MFA_OK, "GEZD"},
    {"MY======", MFA_OK, "MY"},
    {"my======", MFA_OK, "MY"},
    {"MZXW6YQ=", MFA_OK, "MZXW6YQ"},
    {"MY== ==", MFA_OK, "MY"},
    {"MY== ", MFA_OK, "MY"},
    {"", MFA_OK, ""},
    {"=", MFA_OK, ""},
    {"MZ=XQ", MFA_ERR_FORMAT, ""},
    {"=MY", MFA_ERR_FORMAT, ""},
    {"MY==X", MFA_ERR_FORMAT, ""},
    {"M1", MFA_ERR_FORMAT, ""},
    {"M8", MFA_ERR_FORMAT, ""},
    {"M0", MFA_ERR_FORMAT, ""},
    {"GEZD\nGNBV", MFA_ERR_FORMAT, ""},
    {"GEZD\n", MFA_ERR_FORMAT, ""},
    {"GE.ZD", MFA_ERR_FORMAT, ""},
    {"G\xc3\xa9ZD", MFA_ERR_FORMAT, ""},
    {"GEZD_GNBV", MFA_ERR_FORMAT, ""},
};

START_TEST(normalize_table)
{
	const struct norm_case *c = &norms[_i];
	char out[32];
	size_t i;

	memset(out, 'X', sizeof(out));
	ck_assert_int_eq(mfa_base32_normalize(c->in, out, sizeof(out)), c->rc);
	ck_assert_str_eq(out, c->out);
	if (c->rc != MFA_OK) /* the whole buffer is wiped */
		for (i = 0; i < sizeof(out); i++)
			ck_assert_int_eq(out[i], 0);
}
END_TEST

START_TEST(normalize_bufsize)
{
	char out[16];

	/* 8 characters need 9 bytes; separators and padding are free. */
	ck_assert_int_eq(
	    mfa_base32_normalize("gezd gnbv", out, 8), MFA_ERR_BUFSIZE);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(mfa_base32_normalize("gezd-gnbv===", out, 9), MFA_OK);
	ck_assert_str_eq(out, "GEZDGNBV");
	ck_assert_int_eq(mfa_base32_normalize("", out, 1), MFA_OK);
	ck_assert_int_eq(mfa_base32_normalize("A", out, 1), MFA_ERR_BUFSIZE);
	ck_assert_int_eq(mfa_base32_normalize("A", out, 0), MFA_ERR_BUFSIZE);
	ck_assert_int_eq(
	    mfa_base32_normalize(NULL, out, sizeof(out)), MFA_ERR_INVALID);
}
END_TEST

/* What a person pastes goes through the normaliser, then the decoder. */
START_TEST(normalize_then_decode)
{
	char norm[64];
	unsigned char key[32];
	size_t keylen;

	ck_assert_int_eq(mfa_base32_normalize("gezd gnbv gy3t qojq gezd gnbv "
					      "gy3t qojq",
			     norm, sizeof(norm)),
	    MFA_OK);
	ck_assert_int_eq(
	    mfa_base32_decode(norm, strlen(norm), key, sizeof(key), &keylen),
	    MFA_OK);
	ck_assert_uint_eq(keylen, 20);
	ck_assert_mem_eq(key, "12345678901234567890", 20);
}
END_TEST

static Suite *
base32_suite(void)
{
	Suite *s = suite_create("base32");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rfc4648_vectors);
	tcase_add_loop_test(
	    tc, decode_rejects, 0, (int)(sizeof(rejects) / sizeof(rejects[0])));
	tcase_add_test(tc, decode_empty_is_zero_bytes);
	tcase_add_test(tc, decode_respects_inlen);
	tcase_add_test(tc, decode_bufsize);
	tcase_add_test(tc, encode_bufsize);
	tcase_add_test(tc, decode_exactly_canonical);
	tcase_add_test(tc, roundtrip_random_lengths);
	tcase_add_loop_test(
	    tc, normalize_table, 0, (int)(sizeof(norms) / sizeof(norms[0])));
	tcase_add_test(tc, normalize_bufsize);
	tcase_add_test(tc, normalize_then_decode);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(base32_suite());
}
