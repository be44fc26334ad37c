/*
 * test_secretfile.c - the secret file: parsing, every refusal (with its line
 * and reason), serialization, round trips and hostile input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "error.h"
#include "mem.h"
#include "secretfile.h"
#include "testutil.h"

#define V "pam_mfa-secret 1\n"
#define ID "id 6f1c0e3a9b2d4c58a7e1f0d2c3b4a596\n"
#define CR "created 1764017613\n"
/* RFC 6238's SHA1 test key, "12345678901234567890" */
#define TS "totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\n"
#define MIN V ID CR TS
#define PHC_A                                                                  \
	"$argon2id$v=19$m=19456,t=2,p=1$cGFtX21mYS1rYXQtc2FsdA$"               \
	"rA0NmakJc9lBI6ULciOOSzM7u2nbEQevA5WRclveDDI"
#define PHC_B                                                                  \
	"$argon2id$v=19$m=7168,t=5,p=1$cGFtX21mYS1rYXQtc2FsdA$"                \
	"fnnYbmJiNR4yBy/KShBfR6mHRYbJizHe96CtReATVB4"
#define BSET "backup-set 9f2c4e1a0b3d5f67\n"

/* A complete file in the order and spelling serialize writes. */
static const char full_file[] =
    "# pam_mfa enrolment file, written by mfa-enroll(1); format in "
    "pam_mfa(8)\n" V ID CR
    "totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA\n"
    "totp-algorithm SHA256\n"
    "totp-digits 8\n"
    "totp-period 60\n"
    "email alice@example.com\n"
    "phone +441234567890\n"
    "trust-generation 4294967295\n" BSET "backup-created 1764017614\n"
    "backup 0 " PHC_A "\n"
    "backup 3 " PHC_B "\n"
    "backup 9 " PHC_A "\n";

static struct mfa_secret *
parse_ok(const char *text, size_t len)
{
	struct mfa_secret *s = NULL;
	struct mfa_parse_error err;
	int r = mfa_secret_parse(text, len, &s, &err);

	ck_assert_msg(
	    r == MFA_OK, "refused (%d) at line %u: %s", r, err.line, err.msg);
	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(parse_full)
{
	static const unsigned char id[16] = {0x6f, 0x1c, 0x0e, 0x3a, 0x9b, 0x2d,
	    0x4c, 0x58, 0xa7, 0xe1, 0xf0, 0xd2, 0xc3, 0xb4, 0xa5, 0x96};
	static const unsigned char set[8] = {
	    0x9f, 0x2c, 0x4e, 0x1a, 0x0b, 0x3d, 0x5f, 0x67};
	struct mfa_secret *s = parse_ok(full_file, sizeof(full_file) - 1);
	char hex[MFA_SECRET_ID_HEX_SIZE];

	ck_assert_mem_eq(s->id, id, 16);
	mfa_secret_id_hex(s, hex);
	ck_assert_str_eq(hex, "6f1c0e3a9b2d4c58a7e1f0d2c3b4a596");
	ck_assert_int_eq(s->created, 1764017613);
	ck_assert_uint_eq(s->keylen, 32);
	ck_assert_mem_eq(s->key, "12345678901234567890123456789012", 32);
	ck_assert_int_eq(s->totp.alg, MFA_OTP_SHA256);
	ck_assert_uint_eq(s->totp.digits, 8);
	ck_assert_uint_eq(s->totp.period, 60);
	ck_assert_str_eq(s->email, "alice@example.com");
	ck_assert_str_eq(s->phone, "+441234567890");
	ck_assert_uint_eq(s->trust_generation, 4294967295u);
	ck_assert_int_eq(s->has_backup, 1);
	ck_assert_mem_eq(s->backup_set, set, 8);
	ck_assert_int_eq(s->backup_created, 1764017614);
	ck_assert_str_eq(s->backup[0], PHC_A);
	ck_assert_str_eq(s->backup[3], PHC_B);
	ck_assert_str_eq(s->backup[9], PHC_A);
	ck_assert_ptr_null(s->backup[1]);
	ck_assert_ptr_null(s->backup[8]);
	mfa_secret_free(s);
}
END_TEST

START_TEST(parse_minimal_defaults)
{
	static const char text[] = "# comment\n\n#\n" MIN "\n# end\n";
	struct mfa_secret *s = parse_ok(text, sizeof(text) - 1);

	ck_assert_uint_eq(s->keylen, 20);
	ck_assert_mem_eq(s->key, "12345678901234567890", 20);
	ck_assert_int_eq(s->totp.alg, MFA_OTP_SHA1);
	ck_assert_uint_eq(s->totp.digits, 6);
	ck_assert_uint_eq(s->totp.period, 30);
	ck_assert_ptr_null(s->email);
	ck_assert_ptr_null(s->phone);
	ck_assert_uint_eq(s->trust_generation, 0);
	ck_assert_int_eq(s->has_backup, 0);
	ck_assert_int_eq(s->backup_created, 0);
	mfa_secret_free(s);
}
END_TEST

/* Values at the edges of their ranges, in any key order. */
static const char *const accepted[] = {
    MIN "\n\n",
    V "created 4611686018427387904\n" ID TS,
    V "created 0\n" TS ID,
    V ID CR "totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY\n",
    V ID CR
    "totp-secret "
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBV"
    "GY3TQOJQGEZDGNBVGY3TQOJQGEZDGNA\n",
    MIN "totp-period 15\ntotp-digits 6\ntotp-algorithm SHA512\n",
    MIN "totp-period 300\n",
    MIN "trust-generation 0\n",
    MIN "backup 5 " PHC_A "\n" BSET,
    MIN BSET "backup 0 " PHC_A "\nbackup-created 0\n",
    MIN "email x@y.z\nphone +12345678\n",
    MIN "# a comment may hold anything printable: \"'$`\\ \xc3\xa9\n",
};

START_TEST(parse_accepts)
{
	const char *text = accepted[_i];

	mfa_secret_free(parse_ok(text, strlen(text)));
}
END_TEST

START_TEST(parse_key_lengths)
{
	struct mfa_secret *s;

	s = parse_ok(accepted[3], strlen(accepted[3]));
	ck_assert_uint_eq(s->keylen, 16);
	mfa_secret_free(s);
	s = parse_ok(accepted[4], strlen(accepted[4]));
	ck_assert_uint_eq(s->keylen, 64);
	mfa_secret_free(s);
	s = parse_ok(accepted[1], strlen(accepted[1]));
	ck_assert_int_eq(s->created, INT64_C(4611686018427387904));
	mfa_secret_free(s);
}
END_TEST

struct bad_case {
	const char *text;
	size_t len; /* 0: strlen(text) */
	unsigned int line;
	int code;
	const char *why; /* a substring of the message */
};

#define LONG64 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
static const struct bad_case bad[] = {
    /* version line */
    {"", 0, 0, MFA_ERR_FORMAT, "no version line"},
    {"# only a comment\n\n", 0, 0, MFA_ERR_FORMAT, "no version line"},
    {"pam_mfa-secret 3\n" ID CR TS, 0, 1, MFA_ERR_VERSION,
	"unsupported format version"},
    {"pam_mfa-secret 01\n" ID CR TS, 0, 1, MFA_ERR_VERSION,
	"unsupported format version"},
    {"pam_mfa-state 1\n", 0, 1, MFA_ERR_FORMAT, "not a pam_mfa secret file"},
    {ID V CR TS, 0, 1, MFA_ERR_FORMAT, "first line must be"},
    {"# c\n\n" MIN V, 0, 7, MFA_ERR_DUPLICATE, "second version line"},
    /* line syntax */
    {MIN "foo bar\n", 0, 5, MFA_ERR_UNKNOWN_KEY, "unknown key 'foo'"},
    {MIN "Email a@b.cd\n", 0, 5, MFA_ERR_FORMAT, "expected a key"},
    {MIN " email a@b.cd\n", 0, 5, MFA_ERR_FORMAT, "expected a key"},
    {MIN "email=a@b.cd\n", 0, 5, MFA_ERR_FORMAT, "expected a key"},
    {MIN "email a@b.cd \n", 0, 5, MFA_ERR_FORMAT, "trailing space"},
    {MIN "email  a@b.cd\n", 0, 5, MFA_ERR_FORMAT,
	"more than one space after key 'email'"},
    {MIN "email\n", 0, 5, MFA_ERR_FORMAT, "key 'email' has no value"},
    {MIN "email \n", 0, 5, MFA_ERR_FORMAT, "trailing space"},
    {MIN "email\ta@b.cd\n", 0, 5, MFA_ERR_FORMAT, "control character"},
    {V ID "created 1764017613\r\n" TS, 0, 3, MFA_ERR_FORMAT, "carriage return"},
    {V ID "created 17640\0"
	  "17613\n" TS,
	sizeof(V ID "created 17640\0"
		    "17613\n" TS) -
	    1,
	3, MFA_ERR_FORMAT, "NUL byte"},
    {MIN "#\0\n", sizeof(MIN "#\0\n") - 1, 5, MFA_ERR_FORMAT, "NUL byte"},
    {V ID CR "totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", 0, 4,
	MFA_ERR_FORMAT, "does not end with a newline"},
    {MIN "\x1b[2J\n", 0, 5, MFA_ERR_FORMAT, "control character"},
    /* duplicates and missing keys */
    {MIN ID, 0, 5, MFA_ERR_DUPLICATE, "duplicate key 'id'"},
    {MIN "totp-digits 6\ntotp-digits 6\n", 0, 6, MFA_ERR_DUPLICATE,
	"duplicate key 'totp-digits'"},
    {MIN "email a@b.cd\nemail c@d.ef\n", 0, 6, MFA_ERR_DUPLICATE,
	"duplicate key 'email'"},
    {MIN BSET BSET "backup 0 " PHC_A "\n", 0, 6, MFA_ERR_DUPLICATE,
	"duplicate key 'backup-set'"},
    {V CR TS, 0, 0, MFA_ERR_FORMAT, "missing required key 'id'"},
    {V ID TS, 0, 0, MFA_ERR_FORMAT, "missing required key 'created'"},
    {V ID CR, 0, 0, MFA_ERR_FORMAT, "missing required key 'totp-secret'"},
    /* id */
    {V "id 6F1C0E3A9B2D4C58A7E1F0D2C3B4A596\n" CR TS, 0, 2, MFA_ERR_FORMAT,
	"id must be 32 lower-case hex digits"},
    {V "id 6f1c0e3a9b2d4c58a7e1f0d2c3b4a59\n" CR TS, 0, 2, MFA_ERR_FORMAT,
	"id must be 32"},
    {V "id 6f1c0e3a9b2d4c58a7e1f0d2c3b4a5966\n" CR TS, 0, 2, MFA_ERR_FORMAT,
	"id must be 32"},
    {V "id 6f1c0e3a9b2d4c58a7e1f0d2c3b4a59g\n" CR TS, 0, 2, MFA_ERR_FORMAT,
	"id must be 32"},
    /* numbers */
    {V ID "created 01764017613\n" TS, 0, 3, MFA_ERR_FORMAT,
	"created is not a decimal number without sign or leading zero"},
    {V ID "created -1\n" TS, 0, 3, MFA_ERR_FORMAT, "not a decimal number"},
    {V ID "created +1\n" TS, 0, 3, MFA_ERR_FORMAT, "not a decimal number"},
    {V ID "created 1.5\n" TS, 0, 3, MFA_ERR_FORMAT, "not a decimal number"},
    {V ID "created 0x10\n" TS, 0, 3, MFA_ERR_FORMAT, "not a decimal number"},
    {V ID "created 00\n" TS, 0, 3, MFA_ERR_FORMAT, "leading zero"},
    {V ID "created 4611686018427387905\n" TS, 0, 3, MFA_ERR_RANGE,
	"created is out of range"},
    {V ID "created 18446744073709551616\n" TS, 0, 3, MFA_ERR_RANGE,
	"created is out of range"},
    {V ID "created 99999999999999999999999999\n" TS, 0, 3, MFA_ERR_RANGE,
	"out of range"},
    {MIN "trust-generation 4294967296\n", 0, 5, MFA_ERR_RANGE,
	"trust-generation is out of range"},
    /* the TOTP secret and parameters */
    {V ID CR "totp-secret gezdgnbvgy3tqojqgezdgnbvgy3tqojq\n", 0, 4,
	MFA_ERR_FORMAT, "not canonical base32"},
    {V ID CR "totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====\n", 0, 4,
	MFA_ERR_FORMAT, "not canonical base32"},
    {V ID CR "totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGZ\n", 0, 4, MFA_ERR_FORMAT,
	"not canonical base32"},
    {V ID CR "totp-secret GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ\n", 0, 4,
	MFA_ERR_FORMAT, "not canonical base32"},
    {V ID CR "totp-secret GEZDGNBVGY3TQOJQ\n", 0, 4, MFA_ERR_RANGE,
	"shorter than 16 bytes"},
    {V ID CR "totp-secret GEZDGNBVGY3TQOJQGEZDGNBV\n", 0, 4, MFA_ERR_RANGE,
	"shorter than 16 bytes"},
    {V ID CR "totp-secret " LONG64 LONG64 LONG64 "GEZDGNBA\n", 0, 4,
	MFA_ERR_RANGE, "longer than 64 bytes"},
    {V ID CR "totp-secret " LONG64 LONG64 LONG64 LONG64 "\n", 0, 4,
	MFA_ERR_RANGE, "longer than 64 bytes"},
    {MIN "totp-algorithm sha1\n", 0, 5, MFA_ERR_FORMAT,
	"unknown totp-algorithm"},
    {MIN "totp-algorithm MD5\n", 0, 5, MFA_ERR_FORMAT,
	"unknown totp-algorithm"},
    {MIN "totp-digits 7\n", 0, 5, MFA_ERR_RANGE, "must be 6 or 8"},
    {MIN "totp-digits 10\n", 0, 5, MFA_ERR_RANGE, "out of range"},
    {MIN "totp-digits 06\n", 0, 5, MFA_ERR_FORMAT, "leading zero"},
    {MIN "totp-period 14\n", 0, 5, MFA_ERR_RANGE,
	"totp-period is out of range (15..300)"},
    {MIN "totp-period 301\n", 0, 5, MFA_ERR_RANGE, "out of range (15..300)"},
    {MIN "totp-period 0\n", 0, 5, MFA_ERR_RANGE, "out of range"},
    /* addresses */
    {MIN "email alice@example\n", 0, 5, MFA_ERR_FORMAT,
	"email address domain has a single label"},
    {MIN "email -oQ/tmp/x@example.com\n", 0, 5, MFA_ERR_FORMAT,
	"email address starts with '-'"},
    {MIN "email alice@example.com,bob@example.com\n", 0, 5, MFA_ERR_FORMAT,
	"email address"},
    {MIN "phone 0123456789\n", 0, 5, MFA_ERR_FORMAT,
	"phone number does not start with '+'"},
    {MIN "phone +44 1234 567890\n", 0, 5, MFA_ERR_FORMAT,
	"phone number contains a space"},
    /* backup codes */
    {MIN BSET "backup 10 " PHC_A "\n", 0, 6, MFA_ERR_RANGE,
	"backup slot is out of range (0..9)"},
    {MIN BSET "backup a " PHC_A "\n", 0, 6, MFA_ERR_FORMAT,
	"backup slot is not a decimal number"},
    {MIN BSET "backup 01 " PHC_A "\n", 0, 6, MFA_ERR_FORMAT, "leading zero"},
    {MIN BSET "backup -1 " PHC_A "\n", 0, 6, MFA_ERR_FORMAT,
	"not a decimal number"},
    {MIN BSET "backup 3\n", 0, 6, MFA_ERR_FORMAT,
	"backup needs a slot and a hash"},
    {MIN BSET "backup 3  " PHC_A "\n", 0, 6, MFA_ERR_FORMAT,
	"backup slot 3: not an accepted argon2id hash"},
    {MIN BSET "backup 3 " PHC_A "\nbackup 3 " PHC_B "\n", 0, 7,
	MFA_ERR_DUPLICATE, "backup slot 3 given twice"},
    {MIN BSET "backup 3 $argon2id$v=19$m=4194304,t=2,p=1$cGFtX21mYS1rYXQtc2F"
	      "sdA$rA0NmakJc9lBI6ULciOOSzM7u2nbEQevA5WRclveDDI\n",
	0, 6, MFA_ERR_FORMAT, "backup slot 3: not an accepted argon2id hash"},
    {MIN BSET "backup 3 $argon2i$v=19$m=19456,t=2,p=1$cGFtX21mYS1rYXQtc2F"
	      "sdA$rA0NmakJc9lBI6ULciOOSzM7u2nbEQevA5WRclveDDI\n",
	0, 6, MFA_ERR_FORMAT, "not an accepted argon2id hash"},
    {MIN BSET "backup 3 3K7PMQ2XD\n", 0, 6, MFA_ERR_FORMAT,
	"not an accepted argon2id hash"},
    {MIN "# c\nbackup 2 " PHC_A "\n", 0, 6, MFA_ERR_FORMAT,
	"backup line without backup-set"},
    {MIN BSET "email a@b.cd\n", 0, 5, MFA_ERR_FORMAT,
	"backup-set without any backup line"},
    {MIN "backup-created 5\n", 0, 5, MFA_ERR_FORMAT,
	"backup-created without backup-set"},
    {MIN "backup-set 9F2C4E1A0B3D5F67\nbackup 0 " PHC_A "\n", 0, 5,
	MFA_ERR_FORMAT, "backup-set must be 16 lower-case hex digits"},
    {MIN "backup-set 9f2c4e1a0b3d5f\nbackup 0 " PHC_A "\n", 0, 5,
	MFA_ERR_FORMAT, "backup-set must be 16"},
};

START_TEST(parse_refuses)
{
	const struct bad_case *c = &bad[_i];
	struct mfa_secret *s = (struct mfa_secret *)&s;
	struct mfa_parse_error err;
	size_t len;
	int r;

	len = c->len != 0 ? c->len : strlen(c->text);
	r = mfa_secret_parse(c->text, len, &s, &err);
	ck_assert_msg(r == c->code, "case %d: got %d (line %u: %s)", _i, r,
	    err.line, err.msg);
	ck_assert_ptr_null(s);
	ck_assert_msg(err.line == c->line, "case %d: line %u, not %u (%s)", _i,
	    err.line, c->line, err.msg);
	ck_assert_msg(strstr(err.msg, c->why) != NULL,
	    "case %d: message \"%s\" lacks \"%s\"", _i, err.msg, c->why);
}
END_TEST

START_TEST(parse_line_sizes)
{
	struct mfa_secret *s = NULL;
	struct mfa_parse_error err;
	size_t n = MFA_SECRET_MAX_SIZE + 1, len;
	char *buf = malloc(n + 1);

	ck_assert_ptr_nonnull(buf);
	/* a comment line of exactly 1024 bytes is fine, 1025 is not */
	len = strlen(MIN);
	memcpy(buf, MIN, len);
	buf[len] = '#';
	memset(buf + len + 1, 'x', 1023);
	buf[len + 1024] = '\n';
	ck_assert_int_eq(mfa_secret_parse(buf, len + 1025, &s, &err), MFA_OK);
	mfa_secret_free(s);
	memset(buf + len + 1, 'x', 1024);
	buf[len + 1025] = '\n';
	ck_assert_int_eq(
	    mfa_secret_parse(buf, len + 1026, &s, &err), MFA_ERR_TOOBIG);
	ck_assert_uint_eq(err.line, 5);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 1024 bytes"));
	/* a long line without newline is refused for its length */
	ck_assert_int_eq(
	    mfa_secret_parse(buf, len + 1025, &s, &err), MFA_ERR_TOOBIG);

	free(buf);
}
END_TEST

START_TEST(parse_file_sizes)
{
	struct mfa_secret *s = NULL;
	struct mfa_parse_error err;
	char *buf = malloc(MFA_SECRET_MAX_SIZE + 2);
	size_t len = strlen(MIN);

	ck_assert_ptr_nonnull(buf);
	/* 16384 bytes in all is fine, 16385 is not */
	memcpy(buf, MIN, len);
	while (len < MFA_SECRET_MAX_SIZE) {
		size_t chunk = MFA_SECRET_MAX_SIZE - len > 1000
		    ? 1000
		    : MFA_SECRET_MAX_SIZE - len;

		memset(buf + len, '#', chunk - 1);
		buf[len + chunk - 1] = '\n';
		len += chunk;
	}
	ck_assert_int_eq(mfa_secret_parse(buf, len, &s, &err), MFA_OK);
	mfa_secret_free(s);
	buf[len] = '\n';
	ck_assert_int_eq(
	    mfa_secret_parse(buf, len + 1, &s, &err), MFA_ERR_TOOBIG);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than 16384 bytes"));
	ck_assert_ptr_null(s);
	free(buf);

	ck_assert_int_eq(mfa_secret_parse(NULL, 0, &s, &err), MFA_ERR_FORMAT);
	ck_assert_int_eq(mfa_secret_parse(NULL, 5, &s, &err), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_secret_parse(MIN, 5, NULL, &err), MFA_ERR_INVALID);
	/* err may be NULL */
	ck_assert_int_eq(mfa_secret_parse("x", 1, &s, NULL), MFA_ERR_FORMAT);
}
END_TEST

/* Messages never repeat values: not the key, not an address. */
START_TEST(messages_hide_values)
{
	static const char *const texts[] = {
	    V ID CR "totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ1\n",
	    MIN "email secret-person@nowhere\n",
	    MIN "nosuchkeyxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 1\n",
	    MIN "backup-set 0\n",
	};
	struct mfa_secret *s = NULL;
	struct mfa_parse_error err;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		ck_assert_int_ne(
		    mfa_secret_parse(texts[i], strlen(texts[i]), &s, &err),
		    MFA_OK);
		ck_assert_ptr_null(strstr(err.msg, "GEZDGNBV"));
		ck_assert_ptr_null(strstr(err.msg, "secret-person"));
		ck_assert_ptr_null(strstr(err.msg, "nosuchkey"));
		ck_assert_uint_gt(strlen(err.msg), 5);
	}
}
END_TEST

static void
assert_same(const struct mfa_secret *a, const struct mfa_secret *b)
{
	size_t i;

	ck_assert_mem_eq(a->id, b->id, sizeof(a->id));
	ck_assert_int_eq(a->created, b->created);
	ck_assert_uint_eq(a->keylen, b->keylen);
	ck_assert_mem_eq(a->key, b->key, a->keylen);
	ck_assert_int_eq(a->totp.alg, b->totp.alg);
	ck_assert_uint_eq(a->totp.digits, b->totp.digits);
	ck_assert_uint_eq(a->totp.period, b->totp.period);
	ck_assert_pstr_eq(a->email, b->email);
	ck_assert_pstr_eq(a->phone, b->phone);
	ck_assert_uint_eq(a->trust_generation, b->trust_generation);
	ck_assert_int_eq(a->has_backup, b->has_backup);
	ck_assert_mem_eq(a->backup_set, b->backup_set, sizeof(a->backup_set));
	ck_assert_int_eq(a->backup_created, b->backup_created);
	for (i = 0; i < MFA_BACKUP_SLOTS; i++)
		ck_assert_pstr_eq(a->backup[i], b->backup[i]);
}

static struct mfa_secret *
round_trip(const struct mfa_secret *s)
{
	struct mfa_secret *back = NULL;
	size_t len = 0;
	char *text = NULL;

	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_OK);
	ck_assert_uint_eq(strlen(text), len);
	back = parse_ok(text, len);
	assert_same(s, back);
	mfa_freezero(text, len);
	return back;
}

START_TEST(serialize_canonical_text)
{
	struct mfa_secret *s = parse_ok(full_file, sizeof(full_file) - 1);
	char *text = NULL;
	size_t len;

	/* the full file is in canonical form: serialize gives it back */
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_OK);
	ck_assert_str_eq(text, full_file);
	ck_assert_uint_eq(len, sizeof(full_file) - 1);
	mfa_freezero(text, len);
	mfa_secret_free(round_trip(s));
	mfa_secret_free(s);

	s = parse_ok(MIN, strlen(MIN));
	ck_assert_int_eq(mfa_secret_serialize(s, &text, NULL), MFA_OK);
	ck_assert_str_eq(text,
	    "# pam_mfa enrolment file, written by mfa-enroll(1); format in "
	    "pam_mfa(8)\n" MIN "totp-algorithm SHA1\ntotp-digits 6\n"
	    "totp-period 30\ntrust-generation 0\n");
	mfa_strfree(text);
	mfa_secret_free(s);
}
END_TEST

START_TEST(round_trip_generated)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	struct mfa_secret *s = NULL, *back;
	char why[64];
	int i;

	ck_assert_int_eq(mfa_secret_new(&s), MFA_OK);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(mfa_secret_generate(s,
				     (size_t)(MFA_SECRET_KEY_MIN + i * 2 + 1),
				     (int64_t)i * 1000003),
		    MFA_OK);
		s->totp.alg = (enum mfa_otp_alg)(i % 3);
		s->totp.digits = i % 2 ? 8 : 6;
		s->totp.period = (unsigned int)(15 + i * 14);
		s->trust_generation = (uint32_t)i * 214748364u;
		ck_assert_int_eq(
		    mfa_secret_set_email(
			s, i % 2 ? "bob@example.org" : NULL, why, sizeof(why)),
		    MFA_OK);
		ck_assert_int_eq(
		    mfa_secret_set_phone(
			s, i % 3 ? "+12025550123" : NULL, why, sizeof(why)),
		    MFA_OK);
		mfa_secret_free(round_trip(s));
	}
	/* with a full set of backup codes, then with a few slots gone */
	ck_assert_int_eq(mfa_backup_new_set(s, display, 1764017613), MFA_OK);
	MFA_WIPE_ARRAY(display);
	back = round_trip(s);
	mfa_secret_free(back);
	for (i = 0; i < 9; i++) {
		mfa_strfree(s->backup[i]);
		s->backup[i] = NULL;
	}
	mfa_secret_free(round_trip(s));
	mfa_secret_clear_backup(s);
	ck_assert_int_eq(s->has_backup, 0);
	ck_assert_ptr_null(s->backup[9]);
	mfa_secret_free(round_trip(s));
	mfa_secret_free(s);
}
END_TEST

START_TEST(serialize_refuses_invalid)
{
	struct mfa_secret *s = NULL;
	char *text = (char *)"sentinel";
	size_t len = 7;

	ck_assert_int_eq(mfa_secret_new(&s), MFA_OK);
	/* no key yet */
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	ck_assert_ptr_null(text);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(mfa_secret_generate(s, 20, 1764017613), MFA_OK);
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_OK);
	mfa_freezero(text, len);

	s->totp.digits = 7;
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	s->totp.digits = 6;
	s->totp.period = 301;
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	s->totp.period = 30;
	s->totp.alg = (enum mfa_otp_alg)7;
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	s->totp.alg = MFA_OTP_SHA1;
	s->created = -1;
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	s->created = 1;

	/* an address with a line break would inject a line */
	s->email = strdup("a@b.cd\ntrust-generation 9");
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	mfa_strfree(s->email);
	s->email = NULL;
	s->phone = strdup("+12345678\nemail x@y.z");
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	mfa_strfree(s->phone);
	s->phone = NULL;

	ck_assert_int_eq(
	    mfa_secret_serialize(NULL, &text, &len), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_secret_serialize(s, NULL, &len), MFA_ERR_INVALID);
	mfa_secret_free(s);
}
END_TEST

START_TEST(serialize_refuses_bad_backup)
{
	struct mfa_secret *s = NULL;
	char *text = NULL;
	size_t len = 0;

	ck_assert_int_eq(mfa_secret_new(&s), MFA_OK);
	ck_assert_int_eq(mfa_secret_generate(s, 20, 1764017613), MFA_OK);
	/* backup slots without a set, a set without slots, a bad hash */
	s->backup[2] = strdup(PHC_A);
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	s->has_backup = 1;
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_OK);
	mfa_freezero(text, len);
	mfa_strfree(s->backup[2]);
	s->backup[2] = NULL;
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	s->backup[2] = strdup("$argon2id$v=19$m=4194304,t=2,p=1$x$y");
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_ERR_INVALID);
	mfa_secret_free(s);
}
END_TEST

START_TEST(setters)
{
	struct mfa_secret *s = NULL;
	unsigned char key[65] = {1};
	char why[64];

	ck_assert_int_eq(mfa_secret_new(&s), MFA_OK);
	ck_assert_int_eq(
	    mfa_secret_set_email(s, "a@b.cd", why, sizeof(why)), MFA_OK);
	ck_assert_str_eq(s->email, "a@b.cd");
	ck_assert_int_eq(
	    mfa_secret_set_email(s, "a@b", why, sizeof(why)), MFA_ERR_FORMAT);
	ck_assert_str_eq(why, "domain has a single label");
	ck_assert_str_eq(s->email, "a@b.cd"); /* unchanged */
	ck_assert_int_eq(mfa_secret_set_email(s, NULL, why, 0), MFA_OK);
	ck_assert_ptr_null(s->email);
	ck_assert_int_eq(
	    mfa_secret_set_phone(s, "+441234567890", NULL, 0), MFA_OK);
	ck_assert_str_eq(s->phone, "+441234567890");
	ck_assert_int_eq(
	    mfa_secret_set_phone(s, "12", why, sizeof(why)), MFA_ERR_FORMAT);
	ck_assert_str_eq(s->phone, "+441234567890");

	ck_assert_int_eq(mfa_secret_set_key(s, key, 15), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_secret_set_key(s, key, 65), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_secret_set_key(s, key, 16), MFA_OK);
	ck_assert_uint_eq(s->keylen, 16);
	ck_assert_int_eq(mfa_secret_set_key(s, key, 64), MFA_OK);
	ck_assert_int_eq(mfa_secret_generate(s, 15, 0), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_secret_generate(s, 20, -1), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_secret_generate(s, 20, 7), MFA_OK);
	ck_assert_uint_eq(s->keylen, 20);
	ck_assert_int_eq(s->created, 7);
	ck_assert_int_eq(
	    mfa_secret_set_email(NULL, "a@b.cd", NULL, 0), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_secret_new(NULL), MFA_ERR_INVALID);
	mfa_secret_free(s);
	mfa_secret_free(NULL);
	mfa_secret_clear_backup(NULL);
}
END_TEST

/* A small fixed-seed generator: reproducible hostile input. */
static uint32_t
xorshift(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

static void
parse_any(const char *buf, size_t len)
{
	struct mfa_secret *s = NULL;
	struct mfa_parse_error err;
	int r = mfa_secret_parse(buf, len, &s, &err);

	if (r == MFA_OK) {
		ck_assert_ptr_nonnull(s);
		mfa_secret_free(round_trip(s));
		mfa_secret_free(s);
		return;
	}
	ck_assert_int_lt(r, 0);
	ck_assert_ptr_null(s);
	ck_assert_uint_gt(strlen(err.msg), 0);
	ck_assert_uint_lt(strlen(err.msg), sizeof(err.msg));
}

START_TEST(hostile_input)
{
	static const char alphabet[] = "pam_fi-secrtdobkuy 0123456789\n#$=\r\t";
	char *buf = malloc(MFA_SECRET_MAX_SIZE + 2);
	size_t len = sizeof(full_file) - 1, i, n;
	uint32_t st = 0x9e3779b9u;

	ck_assert_ptr_nonnull(buf);
	/* every truncation of a valid file */
	for (i = 0; i <= len; i++)
		parse_any(full_file, i);
	/* random bit flips and byte changes in a valid file */
	for (n = 0; n < 3000; n++) {
		memcpy(buf, full_file, len);
		for (i = 0; i < 1 + n % 4; i++) {
			size_t at = xorshift(&st) % len;

			if (n % 2)
				buf[at] ^= (char)(1u << (xorshift(&st) % 8));
			else
				buf[at] = alphabet[xorshift(&st) %
				    (sizeof(alphabet) - 1)];
		}
		parse_any(buf, len);
	}
	/* random bytes, and random text of the file's own characters */
	for (n = 0; n < 2000; n++) {
		size_t rl = xorshift(&st) % (MFA_SECRET_MAX_SIZE + 2);

		for (i = 0; i < rl; i++)
			buf[i] = n % 2
			    ? (char)xorshift(&st)
			    : alphabet[xorshift(&st) % (sizeof(alphabet) - 1)];
		parse_any(buf, rl);
		memcpy(buf, MIN, strlen(MIN));
		parse_any(buf, rl > strlen(MIN) ? rl : strlen(MIN));
	}
	free(buf);
}
END_TEST

static Suite *
secretfile_suite(void)
{
	Suite *s = suite_create("secretfile");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, parse_full);
	tcase_add_test(tc, parse_minimal_defaults);
	tcase_add_loop_test(tc, parse_accepts, 0,
	    (int)(sizeof(accepted) / sizeof(accepted[0])));
	tcase_add_test(tc, parse_key_lengths);
	tcase_add_loop_test(
	    tc, parse_refuses, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, parse_line_sizes);
	tcase_add_test(tc, parse_file_sizes);
	tcase_add_test(tc, messages_hide_values);
	tcase_add_test(tc, serialize_canonical_text);
	tcase_add_test(tc, round_trip_generated);
	tcase_add_test(tc, serialize_refuses_invalid);
	tcase_add_test(tc, serialize_refuses_bad_backup);
	tcase_add_test(tc, setters);
	tcase_add_test(tc, hostile_input);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(secretfile_suite());
}
