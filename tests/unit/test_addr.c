/*
 * test_addr.c - email address and phone number checks and masks.
 */
#include <string.h>

#include "addr.h"
#include "error.h"
#include "testutil.h"

static const char *const good_emails[] = {
    "alice@example.com",
    "a@b.co",
    "x@y.z",
    "first.last@sub.example.org",
    "user+tag@example.com",
    "!#$%&*+/=?^_`{|}~@example.com",
    "a-b@ex-ample.com",
    "UPPER@EXAMPLE.COM",
    "1234@123.45",
};

START_TEST(email_accepts)
{
	char why[64] = "x";
	const char *a = good_emails[_i];

	ck_assert_msg(mfa_addr_email_check(a, why, sizeof(why)) == MFA_OK,
	    "%s refused: %s", a, why);
	ck_assert_str_eq(why, "");
}
END_TEST

static const struct {
	const char *addr;
	const char *why;
} bad_emails[] = {
    {"", "is shorter than 3 bytes"},
    {"a@", "is shorter than 3 bytes"},
    {"alice", "has no '@'"},
    {"a@b@example.com", "has more than one '@'"},
    {"@example.com", "has an empty local part"},
    {"alice@", "has an empty domain"},
    {"alice@example", "domain has a single label"},
    {"alice@example.com\n", "contains a line break"},
    {"alice@example.com\r\nBcc: x@y.z", "contains a line break"},
    {"alice\n@example.com", "contains a line break"},
    {"alice\t@example.com", "contains a control character"},
    {"alice\x7f@example.com", "contains a control character"},
    {"al ice@example.com", "contains a space"},
    {"alice@example.com ", "contains a space"},
    {"\xc3\xa9@example.com", "contains a non-ASCII byte"},
    {"-oQ/tmp/x@example.com", "starts with '-'"},
    {".alice@example.com", "local part starts or ends with '.'"},
    {"alice.@example.com", "local part starts or ends with '.'"},
    {"al..ice@example.com", "local part contains \"..\""},
    {"\"alice\"@example.com", "local part contains '\"'"},
    {"al\\ice@example.com", "local part contains '\\'"},
    {"a(b)@example.com", "local part contains '('"},
    {"a<b@example.com", "local part contains '<'"},
    {"a,b@example.com", "local part contains ','"},
    {"a;b@example.com", "local part contains ';'"},
    /* RFC 5322 allows it; a quote is too dangerous near a shell. */
    {"o'neil@example.ie", "local part contains '''"},
    {"alice@.example.com", "domain has an empty label"},
    {"alice@example.com.", "domain has an empty label"},
    {"alice@example..com", "domain has an empty label"},
    {"alice@-example.com", "domain label starts or ends with '-'"},
    {"alice@example-.com", "domain label starts or ends with '-'"},
    {"alice@exa_mple.com", "domain contains '_'"},
    {"alice@[127.0.0.1]", "domain contains '['"},
    {"alice@example.com>", "domain contains '>'"},
};

START_TEST(email_refuses)
{
	char why[64];

	ck_assert_int_eq(
	    mfa_addr_email_check(bad_emails[_i].addr, why, sizeof(why)),
	    MFA_ERR_FORMAT);
	ck_assert_str_eq(why, bad_emails[_i].why);
}
END_TEST

START_TEST(email_lengths)
{
	char addr[400], why[64];

	/* local part: 64 is fine, 65 is not */
	memset(addr, 'a', 64);
	strcpy(addr + 64, "@example.com");
	ck_assert_int_eq(mfa_addr_email_check(addr, why, sizeof(why)), MFA_OK);
	memset(addr, 'a', 65);
	strcpy(addr + 65, "@example.com");
	ck_assert_int_eq(
	    mfa_addr_email_check(addr, why, sizeof(why)), MFA_ERR_FORMAT);
	ck_assert_str_eq(why, "local part is longer than 64 bytes");

	/* label: 63 is fine, 64 is not */
	strcpy(addr, "a@");
	memset(addr + 2, 'b', 63);
	strcpy(addr + 65, ".com");
	ck_assert_int_eq(mfa_addr_email_check(addr, why, sizeof(why)), MFA_OK);
	memset(addr + 2, 'b', 64);
	strcpy(addr + 66, ".com");
	ck_assert_int_eq(
	    mfa_addr_email_check(addr, why, sizeof(why)), MFA_ERR_FORMAT);
	ck_assert_str_eq(why, "domain label is longer than 63 bytes");

	/* whole: 254 is fine, 255 is not ("a@" + 4 labels of 60 + ...) */
	strcpy(addr, "a@");
	while (strlen(addr) < 254 - 4) {
		size_t n = strlen(addr);
		size_t add = 254 - 4 - n > 50 ? 50 : 254 - 4 - n;

		memset(addr + n, 'c', add);
		strcpy(addr + n + add, ".");
	}
	strcat(addr, "com");
	ck_assert_uint_eq(strlen(addr), 254);
	ck_assert_msg(
	    mfa_addr_email_check(addr, why, sizeof(why)) == MFA_OK, "%s", why);
	strcat(addr, "x");
	ck_assert_int_eq(
	    mfa_addr_email_check(addr, why, sizeof(why)), MFA_ERR_FORMAT);
	ck_assert_str_eq(why, "is longer than 254 bytes");

	/* a huge string is not walked past the limit and is refused */
	memset(addr, 'a', sizeof(addr) - 1);
	addr[sizeof(addr) - 1] = '\0';
	ck_assert_int_eq(mfa_addr_email_check(addr, NULL, 0), MFA_ERR_FORMAT);
}
END_TEST

START_TEST(null_and_small_why)
{
	char why[8];

	ck_assert_int_eq(
	    mfa_addr_email_check(NULL, why, sizeof(why)), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_addr_phone_check(NULL, why, sizeof(why)), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_addr_email_check("x", why, sizeof(why)), MFA_ERR_FORMAT);
	ck_assert_str_eq(why, "is shor"); /* truncated, terminated */
	ck_assert_int_eq(mfa_addr_email_check("x", NULL, 0), MFA_ERR_FORMAT);
}
END_TEST

static const char *const good_phones[] = {
    "+441234567890",
    "+12025550123",
    "+33612345678",
    "+12345678",
    "+123456789012345",
};

START_TEST(phone_accepts)
{
	char why[64];

	ck_assert_msg(
	    mfa_addr_phone_check(good_phones[_i], why, sizeof(why)) == MFA_OK,
	    "%s: %s", good_phones[_i], why);
}
END_TEST

static const struct {
	const char *number;
	const char *why;
} bad_phones[] = {
    {"", "does not start with '+'"},
    {"441234567890", "does not start with '+'"},
    {"-441234567890", "starts with '-'"},
    {"+", "has fewer than 8 digits"},
    {"+1234567", "has fewer than 8 digits"},
    {"+1234567890123456", "has more than 15 digits"},
    {"+0441234567890", "country code starts with 0"},
    {"+44 1234 567890", "contains a space"},
    {"+44-1234-567890", "contains '-', not a digit"},
    {"+44(0)1234567890", "contains '(', not a digit"},
    {"++441234567890", "contains '+', not a digit"},
    {"+441234567890\n", "contains a line break"},
    {"+44123\x01"
     "4567890",
	"contains a control character"},
    {"+44\xd9\xa1"
     "234567890",
	"contains a non-ASCII byte"},
};

START_TEST(phone_refuses)
{
	char why[64];

	ck_assert_int_eq(
	    mfa_addr_phone_check(bad_phones[_i].number, why, sizeof(why)),
	    MFA_ERR_FORMAT);
	ck_assert_str_eq(why, bad_phones[_i].why);
}
END_TEST

START_TEST(email_masks)
{
	char out[MFA_ADDR_MASK_SIZE];

	ck_assert_int_eq(
	    mfa_addr_email_mask("alice@example.com", out, sizeof(out)), MFA_OK);
	ck_assert_str_eq(
	    out, "a\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2@example.com");
	ck_assert_int_eq(
	    mfa_addr_email_mask("x@y.z", out, sizeof(out)), MFA_OK);
	ck_assert_str_eq(out, "x\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2@y.z");
	/* exact fit: 1 + 9 + 4 + NUL = 15 */
	ck_assert_int_eq(mfa_addr_email_mask("x@y.z", out, 15), MFA_OK);
	ck_assert_int_eq(
	    mfa_addr_email_mask("x@y.z", out, 14), MFA_ERR_BUFSIZE);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(
	    mfa_addr_email_mask("bad address@example.com", out, sizeof(out)),
	    MFA_ERR_FORMAT);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(mfa_addr_email_mask("a@b.c", out, 0), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_addr_email_mask(NULL, out, sizeof(out)), MFA_ERR_INVALID);
}
END_TEST

START_TEST(phone_masks)
{
	char out[MFA_ADDR_MASK_SIZE];

	ck_assert_int_eq(
	    mfa_addr_phone_mask("+441234567890", out, sizeof(out)), MFA_OK);
	ck_assert_str_eq(out,
	    "+44\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80"
	    "\xa2\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
	    "890");
	ck_assert_int_eq(
	    mfa_addr_phone_mask("+12345678", out, sizeof(out)), MFA_OK);
	ck_assert_str_eq(out,
	    "+12\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
	    "678");
	ck_assert_int_eq(
	    mfa_addr_phone_mask("+123456789012345", out, sizeof(out)), MFA_OK);
	ck_assert_uint_eq(strlen(out), 3 + 10 * 3 + 3);
	ck_assert_int_eq(mfa_addr_phone_mask("+12345678", out, 16), MFA_OK);
	ck_assert_int_eq(
	    mfa_addr_phone_mask("+12345678", out, 15), MFA_ERR_BUFSIZE);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(mfa_addr_phone_mask("0441234567890", out, sizeof(out)),
	    MFA_ERR_FORMAT);
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite *s = suite_create("addr");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, email_accepts, 0,
	    (int)(sizeof(good_emails) / sizeof(good_emails[0])));
	tcase_add_loop_test(tc, email_refuses, 0,
	    (int)(sizeof(bad_emails) / sizeof(bad_emails[0])));
	tcase_add_test(tc, email_lengths);
	tcase_add_test(tc, null_and_small_why);
	tcase_add_loop_test(tc, phone_accepts, 0,
	    (int)(sizeof(good_phones) / sizeof(good_phones[0])));
	tcase_add_loop_test(tc, phone_refuses, 0,
	    (int)(sizeof(bad_phones) / sizeof(bad_phones[0])));
	tcase_add_test(tc, email_masks);
	tcase_add_test(tc, phone_masks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(addr_suite());
}
