/*
 * test_otpauth.c - the otpauth:// key URI and the grouped secret.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "otpauth.h"
#include "testutil.h"

#define SECRET "GEZDGNBVGY3TQOJQ"
#define TAIL "?secret=" SECRET

struct uri_case {
	const char *issuer;
	const char *account;
	const char *alg;
	unsigned digits;
	unsigned period;
	const char *want;
};

static const struct uri_case uri_cases[] = {
    {"Example", "alice", "SHA1", 6, 30,
	"otpauth://totp/Example:alice" TAIL "&issuer=Example"},
    /* NULL algorithm means the default, SHA1. */
    {"Example", "alice", NULL, 6, 30,
	"otpauth://totp/Example:alice" TAIL "&issuer=Example"},
    /* A space is %20 (never '+') in the label and in the parameter. */
    {"ACME Co", "alice@host", "SHA1", 6, 30,
	"otpauth://totp/ACME%20Co:alice%40host" TAIL "&issuer=ACME%20Co"},
    /* UTF-8 bytes, each encoded, upper-case hex. */
    {"Soci\xc3\xa9t\xc3\xa9", "j\xc3\xb6rg", "SHA1", 6, 30,
	"otpauth://totp/Soci%C3%A9t%C3%A9:j%C3%B6rg" TAIL
	"&issuer=Soci%C3%A9t%C3%A9"},
    /* URI delimiters inside the names are encoded; ':' too, so the one
     * literal ':' is the issuer/account separator. */
    {"a&b?c#d:e", "x:y&z=w", "SHA1", 6, 30,
	"otpauth://totp/a%26b%3Fc%23d%3Ae:x%3Ay%26z%3Dw" TAIL
	"&issuer=a%26b%3Fc%23d%3Ae"},
    {"p/q+r%s", "[u]\"v\\", "SHA1", 6, 30,
	"otpauth://totp/p%2Fq%2Br%25s:%5Bu%5D%22v%5C" TAIL
	"&issuer=p%2Fq%2Br%25s"},
    /* Control bytes and DEL. */
    {"i\x01", "a\x7f\n", "SHA1", 6, 30,
	"otpauth://totp/i%01:a%7F%0A" TAIL "&issuer=i%01"},
    /* RFC 3986 unreserved characters stay as they are. */
    {"AZaz09-._~", "Zz-._~90", "SHA1", 6, 30,
	"otpauth://totp/AZaz09-._~:Zz-._~90" TAIL "&issuer=AZaz09-._~"},
    /* Non-default parameters, each only when it differs. */
    {"H", "u", "SHA256", 8, 60,
	"otpauth://totp/H:u" TAIL "&issuer=H&algorithm=SHA256&digits=8"
	"&period=60"},
    {"H", "u", "SHA512", 6, 30,
	"otpauth://totp/H:u" TAIL "&issuer=H&algorithm=SHA512"},
    {"H", "u", "SHA1", 8, 30, "otpauth://totp/H:u" TAIL "&issuer=H&digits=8"},
    {"H", "u", "SHA1", 6, 15, "otpauth://totp/H:u" TAIL "&issuer=H&period=15"},
    {"H", "u", NULL, 6, 300, "otpauth://totp/H:u" TAIL "&issuer=H&period=300"},
    /* No issuer: neither prefix nor parameter. */
    {NULL, "alice", "SHA1", 6, 30, "otpauth://totp/alice" TAIL},
    {"", "alice", "SHA256", 6, 30,
	"otpauth://totp/alice" TAIL "&algorithm=SHA256"},
};

START_TEST(uri_table)
{
	const struct uri_case *c = &uri_cases[_i];
	char *uri = (char *)"untouched";

	ck_assert_int_eq(mfa_otpauth_uri(c->issuer, c->account, SECRET, c->alg,
			     c->digits, c->period, &uri),
	    MFA_OK);
	ck_assert_ptr_nonnull(uri);
	ck_assert_str_eq(uri, c->want);
	mfa_strfree(uri);
}
END_TEST

struct bad_case {
	const char *issuer;
	const char *account;
	const char *secret;
	const char *alg;
	unsigned digits;
	unsigned period;
	int want;
};

static char long_name[MFA_OTPAUTH_MAX_NAME + 2];
static char long_secret[MFA_OTPAUTH_MAX_SECRET + 2];
static char max_name[MFA_OTPAUTH_MAX_NAME + 1];
static char max_secret[MFA_OTPAUTH_MAX_SECRET + 1];

static const struct bad_case bad_cases[] = {
    {"I", NULL, SECRET, "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "", SECRET, "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", NULL, "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", "", "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", "gezdgnbv", "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", "GEZDGNBV====", "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", "GEZD GNBV", "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", "GEZDGNB1", "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", "GEZDGNB&x=y", "SHA1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", SECRET, "sha1", 6, 30, MFA_ERR_INVALID},
    {"I", "a", SECRET, "MD5", 6, 30, MFA_ERR_INVALID},
    {"I", "a", SECRET, "", 6, 30, MFA_ERR_INVALID},
    {"I", "a", SECRET, "SHA1", 7, 30, MFA_ERR_INVALID},
    {"I", "a", SECRET, "SHA1", 0, 30, MFA_ERR_INVALID},
    {"I", "a", SECRET, "SHA1", 10, 30, MFA_ERR_INVALID},
    {"I", "a", SECRET, "SHA1", 6, 14, MFA_ERR_INVALID},
    {"I", "a", SECRET, "SHA1", 6, 301, MFA_ERR_INVALID},
    {"I", "a", SECRET, "SHA1", 6, 0, MFA_ERR_INVALID},
    {long_name, "a", SECRET, "SHA1", 6, 30, MFA_ERR_TOOBIG},
    {"I", long_name, SECRET, "SHA1", 6, 30, MFA_ERR_TOOBIG},
    {"I", "a", long_secret, "SHA1", 6, 30, MFA_ERR_TOOBIG},
    /* The limits themselves are accepted. */
    {max_name, max_name, max_secret, "SHA1", 6, 30, MFA_OK},
};

static void
fill_long(void)
{
	memset(long_name, 'n', sizeof(long_name) - 1);
	memset(long_secret, 'A', sizeof(long_secret) - 1);
	/* Every byte encoded: the worst case for the output size. */
	memset(max_name, ' ', sizeof(max_name) - 1);
	memset(max_secret, 'Z', sizeof(max_secret) - 1);
}

START_TEST(uri_rejects)
{
	const struct bad_case *c = &bad_cases[_i];
	char *uri = (char *)"untouched";
	int r;

	fill_long();
	r = mfa_otpauth_uri(c->issuer, c->account, c->secret, c->alg, c->digits,
	    c->period, &uri);
	ck_assert_int_eq(r, c->want);
	if (r == MFA_OK) {
		/* 15 + 3*256 + 1 + 3*256 + 8 + 128 + 8 + 3*256 */
		ck_assert_uint_eq(strlen(uri), 2464);
		mfa_strfree(uri);
	} else {
		ck_assert_ptr_null(uri);
	}
}
END_TEST

START_TEST(uri_null_out)
{
	ck_assert_int_eq(mfa_otpauth_uri("I", "a", SECRET, "SHA1", 6, 30, NULL),
	    MFA_ERR_INVALID);
}
END_TEST

struct group_case {
	const char *in;
	const char *want;
};

static const struct group_case group_cases[] = {
    {"GEZDGNBVGY3TQOJQ", "GEZD GNBV GY3T QOJQ"},
    {"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
	"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"},
    {"GEZDG", "GEZD G"},
    {"GEZDGNB", "GEZD GNB"},
    {"ABCD", "ABCD"},
    {"AB", "AB"},
    {"A", "A"},
    {"", ""},
};

START_TEST(group4_table)
{
	const struct group_case *c = &group_cases[_i];
	size_t need = MFA_OTPAUTH_GROUP4_SIZE(strlen(c->in));
	char out[64];

	ck_assert_uint_eq(need, strlen(c->want) + 1);
	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(mfa_otpauth_group4(c->in, out, need), MFA_OK);
	ck_assert_str_eq(out, c->want);
	if (need > 1) {
		memset(out, 'x', sizeof(out));
		ck_assert_int_eq(
		    mfa_otpauth_group4(c->in, out, need - 1), MFA_ERR_BUFSIZE);
		ck_assert_str_eq(out, "");
	}
}
END_TEST

START_TEST(group4_rejects)
{
	char out[64];

	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(
	    mfa_otpauth_group4("GEZDgnbv", out, sizeof(out)), MFA_ERR_INVALID);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(
	    mfa_otpauth_group4("GEZD GNBV", out, sizeof(out)), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_otpauth_group4("GEZDGNB=", out, sizeof(out)), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_otpauth_group4(NULL, out, sizeof(out)), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_otpauth_group4("ABCD", NULL, 8), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_otpauth_group4("ABCD", out, 0), MFA_ERR_BUFSIZE);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The rule of issuer=, --issuer and --label: printable ASCII, no ':'. */
START_TEST(name_rule)
{
	static const char *const good[] = {"", "ACME Co", "alice@host",
	    "AZaz09-._~ !\"#$%&'()*+,/;<=>?[\\]^`{|}"};
	static const char *const bad[] = {
	    ":", "ACME:prod", "a\tb", "a\nb", "\x7f", "caf\xc3\xa9", "x:"};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_int_eq(mfa_otpauth_name_check(good[i]), MFA_OK);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(
		    mfa_otpauth_name_check(bad[i]), MFA_ERR_FORMAT);
	ck_assert_int_eq(mfa_otpauth_name_check(NULL), MFA_ERR_INVALID);
}
END_TEST

static Suite *
otpauth_suite(void)
{
	Suite *s = suite_create("otpauth");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, uri_table, 0, N(uri_cases));
	tcase_add_loop_test(tc, uri_rejects, 0, N(bad_cases));
	tcase_add_test(tc, uri_null_out);
	tcase_add_loop_test(tc, group4_table, 0, N(group_cases));
	tcase_add_test(tc, group4_rejects);
	tcase_add_test(tc, name_rule);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(otpauth_suite());
}
