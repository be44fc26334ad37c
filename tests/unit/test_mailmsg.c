/*
 * test_mailmsg.c - the emailed code, the notice and the SMS text: exact
 * output for known inputs, the Date header across the calendar, and
 * refusal of every hostile header value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mailmsg.h"
#include "mem.h"
#include "testutil.h"

static const struct mfa_mail sample = {
    .from = "pam_mfa@host.example.com",
    .to = "alice@example.com",
    .host = "host.example.com",
    .user = "alice",
    .code = "012345",
    .ttl_minutes = 5,
    .now = 1795554000, /* 2026-11-24T21:00:00Z, a Tuesday */
    .msgid_random_hex = "0123456789abcdef",
};

#define SAMPLE_HEADERS                                                         \
	"From: pam_mfa@host.example.com\n"                                     \
	"To: alice@example.com\n"                                              \
	"Subject: %s host.example.com\n"                                       \
	"Date: Tue, 24 Nov 2026 21:00:00 +0000\n"                              \
	"Message-ID: <0123456789abcdef@host.example.com>\n"                    \
	"Auto-Submitted: auto-generated\n"                                     \
	"MIME-Version: 1.0\n"                                                  \
	"Content-Type: text/plain; charset=UTF-8\n"                            \
	"Content-Transfer-Encoding: 8bit\n"                                    \
	"\n"

START_TEST(code_message_exact)
{
	static const char want[] =
	    "From: pam_mfa@host.example.com\n"
	    "To: alice@example.com\n"
	    "Subject: Your sign-in code for host.example.com\n"
	    "Date: Tue, 24 Nov 2026 21:00:00 +0000\n"
	    "Message-ID: <0123456789abcdef@host.example.com>\n"
	    "Auto-Submitted: auto-generated\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "\n"
	    "Your sign-in code is: 012345\n"
	    "\n"
	    "Enter it to sign in to host.example.com as alice.\n"
	    "It is valid for 5 minutes and can be used once.\n"
	    "\n"
	    "Nobody from your IT team will ask for this code.\n"
	    "If you did not try to sign in, tell your administrator.\n";
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(mfa_mail_code_message(&sample, &out, &len), MFA_OK);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_ptr_null(strchr(out, '\r'));
	mfa_strfree(out);
}
END_TEST

START_TEST(code_message_one_minute)
{
	struct mfa_mail m = sample;
	char *out = NULL;
	size_t len = 0;

	m.ttl_minutes = 1;
	ck_assert_int_eq(mfa_mail_code_message(&m, &out, &len), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, "It is valid for 1 minute and "));
	mfa_strfree(out);
}
END_TEST

START_TEST(notice_message_exact)
{
	static const char text[] = "A backup code was used to sign in to "
				   "host.example.com as alice at 2026-11-24 "
				   "21:00 UTC from 192.0.2.7";
	char want[2048], *out = NULL;
	size_t len = 0;

	snprintf(want, sizeof(want),
	    SAMPLE_HEADERS "%s\n\nIf this was not you, tell your "
			   "administrator.\n",
	    "Sign-in notice for", text);
	ck_assert_int_eq(
	    mfa_mail_notice_message(&sample, text, &out, &len), MFA_OK);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_ptr_null(strstr(out, "code is")); /* never a code */
	mfa_strfree(out);
}
END_TEST

/* The Date header for known instants (checked against date -u -R). */
static const struct {
	int64_t now;
	const char *date;
} dates[] = {
    {0, "Thu, 01 Jan 1970 00:00:00 +0000"},
    {951782400, "Tue, 29 Feb 2000 00:00:00 +0000"},
    {1709164800, "Thu, 29 Feb 2024 00:00:00 +0000"},
    {1764017613, "Mon, 24 Nov 2025 20:53:33 +0000"},
    {1798761599, "Thu, 31 Dec 2026 23:59:59 +0000"},
    {4102444800, "Fri, 01 Jan 2100 00:00:00 +0000"},
    {253402300799, "Fri, 31 Dec 9999 23:59:59 +0000"},
};

START_TEST(date_header)
{
	struct mfa_mail m = sample;
	char want[64], *out = NULL;
	size_t len;

	m.now = dates[_i].now;
	ck_assert_int_eq(mfa_mail_code_message(&m, &out, &len), MFA_OK);
	snprintf(want, sizeof(want), "\nDate: %s\n", dates[_i].date);
	ck_assert_msg(strstr(out, want) != NULL, "want %s in\n%s", want, out);
	mfa_strfree(out);
}
END_TEST

/* One field changed to a hostile or invalid value, and the result. */
enum field { F_FROM, F_TO, F_HOST, F_USER, F_CODE, F_MSGID, F_TTL, F_NOW };

static char long_addr[300];
static char long_host[260];
static char long_user[300];

static const struct {
	enum field f;
	const char *s;
	int64_t n;
	int rc;
} hostile[] = {
    {F_TO, "-X/tmp/x", 0, MFA_ERR_FORMAT},
    {F_TO, "-oQ/tmp@example.com", 0, MFA_ERR_FORMAT},
    {F_TO, "a@b.example\r\nBcc: c@d.example", 0, MFA_ERR_FORMAT},
    {F_TO, "a@b.example\nBcc: c@d.example", 0, MFA_ERR_FORMAT},
    {F_TO, "\"a b\"@example.com", 0, MFA_ERR_FORMAT},
    {F_TO, "a'b@example.com", 0, MFA_ERR_FORMAT},
    {F_TO, "a@example.com, b@example.com", 0, MFA_ERR_FORMAT},
    {F_TO, "a@example.com b@example.com", 0, MFA_ERR_FORMAT},
    {F_TO, "", 0, MFA_ERR_FORMAT},
    {F_TO, long_addr, 0, MFA_ERR_FORMAT},
    {F_TO, NULL, 0, MFA_ERR_INVALID},
    {F_FROM, "pam_mfa@host\nBcc: x@y.example", 0, MFA_ERR_FORMAT},
    {F_FROM, "-f@example.com", 0, MFA_ERR_FORMAT},
    {F_FROM, NULL, 0, MFA_ERR_INVALID},
    {F_HOST, "host\nBcc: x@y.example", 0, MFA_ERR_FORMAT},
    {F_HOST, "host\r", 0, MFA_ERR_FORMAT},
    {F_HOST, "two words", 0, MFA_ERR_FORMAT},
    {F_HOST, "host>", 0, MFA_ERR_FORMAT},
    {F_HOST, "-host", 0, MFA_ERR_FORMAT},
    {F_HOST, "", 0, MFA_ERR_FORMAT},
    {F_HOST, long_host, 0, MFA_ERR_FORMAT},
    {F_HOST, "h\xc3\xa9te", 0, MFA_ERR_FORMAT},
    {F_HOST, NULL, 0, MFA_ERR_INVALID},
    {F_USER, "alice\nBcc: x@y.example", 0, MFA_ERR_FORMAT},
    {F_USER, "alice\r", 0, MFA_ERR_FORMAT},
    {F_USER, "al\tice", 0, MFA_ERR_FORMAT},
    {F_USER, "\x1b[31malice", 0, MFA_ERR_FORMAT},
    {F_USER, "j\xc3\xb6rg", 0, MFA_ERR_FORMAT},
    {F_USER, "", 0, MFA_ERR_FORMAT},
    {F_USER, long_user, 0, MFA_ERR_FORMAT},
    {F_USER, NULL, 0, MFA_ERR_INVALID},
    {F_CODE, "12345", 0, MFA_ERR_FORMAT},
    {F_CODE, "1234567", 0, MFA_ERR_FORMAT},
    {F_CODE, "12345a", 0, MFA_ERR_FORMAT},
    {F_CODE, "12345\n", 0, MFA_ERR_FORMAT},
    {F_CODE, "", 0, MFA_ERR_FORMAT},
    {F_CODE, NULL, 0, MFA_ERR_INVALID},
    {F_MSGID, "0123456789abcde", 0, MFA_ERR_FORMAT},
    {F_MSGID, "0123456789ABCDEF", 0, MFA_ERR_FORMAT},
    {F_MSGID, "0123456789abcdef>", 0, MFA_ERR_FORMAT},
    {F_MSGID,
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", 0,
	MFA_ERR_FORMAT},
    {F_MSGID, NULL, 0, MFA_ERR_INVALID},
    {F_TTL, NULL, 0, MFA_ERR_RANGE},
    {F_TTL, NULL, 1441, MFA_ERR_RANGE},
    {F_NOW, NULL, -1, MFA_ERR_RANGE},
    {F_NOW, NULL, 253402300800, MFA_ERR_RANGE},
};

static void
fill_long(void)
{
	memset(long_addr, 'a', sizeof(long_addr) - 1);
	memcpy(long_addr + sizeof(long_addr) - 13, "@example.com", 12);
	memset(long_host, 'h', sizeof(long_host) - 1);
	memset(long_user, 'u', sizeof(long_user) - 1);
}

START_TEST(hostile_values_refused)
{
	struct mfa_mail m = sample;
	char *out = (char *)"untouched";
	size_t len = 99;

	fill_long();
	switch (hostile[_i].f) {
	case F_FROM:
		m.from = hostile[_i].s;
		break;
	case F_TO:
		m.to = hostile[_i].s;
		break;
	case F_HOST:
		m.host = hostile[_i].s;
		break;
	case F_USER:
		m.user = hostile[_i].s;
		break;
	case F_CODE:
		m.code = hostile[_i].s;
		break;
	case F_MSGID:
		m.msgid_random_hex = hostile[_i].s;
		break;
	case F_TTL:
		m.ttl_minutes = (unsigned int)hostile[_i].n;
		break;
	case F_NOW:
		m.now = hostile[_i].n;
		break;
	}
	ck_assert_int_eq(mfa_mail_code_message(&m, &out, &len), hostile[_i].rc);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(len, 0);
	/* The notice checks the same fields, except code and ttl. */
	if (hostile[_i].f != F_CODE && hostile[_i].f != F_TTL) {
		ck_assert_int_eq(mfa_mail_notice_message(&m, "x", &out, &len),
		    hostile[_i].rc);
		ck_assert_ptr_null(out);
	}
}
END_TEST

START_TEST(notice_text_refused)
{
	static const char *const bad[] = {"", "two\nlines", "cr\r", "tab\there",
	    "nul-free but \x7f", "caf\xc3\xa9"};
	char big[MFA_MAIL_TEXT_MAX + 2], *out = NULL;
	size_t i, len;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(
		    mfa_mail_notice_message(&sample, bad[i], &out, &len),
		    MFA_ERR_FORMAT);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(
	    mfa_mail_notice_message(&sample, big, &out, &len), MFA_ERR_FORMAT);
	big[sizeof(big) - 2] = '\0'; /* exactly the limit */
	ck_assert_int_eq(
	    mfa_mail_notice_message(&sample, big, &out, &len), MFA_OK);
	mfa_strfree(out);
	ck_assert_int_eq(mfa_mail_notice_message(&sample, NULL, &out, &len),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_mail_notice_message(NULL, "x", &out, &len), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_mail_code_message(NULL, &out, &len), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_mail_code_message(&sample, NULL, &len), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_mail_code_message(&sample, &out, NULL), MFA_ERR_INVALID);
}
END_TEST

START_TEST(sms_text_exact)
{
	char *out = NULL;
	size_t len = 0;

	ck_assert_int_eq(
	    mfa_sms_text("host.example.com", "012345", 5, &out, &len), MFA_OK);
	ck_assert_str_eq(out,
	    "host.example.com sign-in code: 012345 (valid 5 "
	    "min). Nobody will ask you for it.");
	ck_assert_uint_eq(len, strlen(out));
	mfa_strfree(out);
}
END_TEST

START_TEST(sms_text_refused)
{
	char *out = (char *)"untouched";
	size_t len = 9;

	ck_assert_int_eq(
	    mfa_sms_text("host\nx", "012345", 5, &out, &len), MFA_ERR_FORMAT);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(
	    mfa_sms_text("host", "01234", 5, &out, &len), MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_sms_text("host", "0123456", 5, &out, &len), MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_sms_text("host", "012345", 0, &out, &len), MFA_ERR_RANGE);
	ck_assert_int_eq(
	    mfa_sms_text(NULL, "012345", 5, &out, &len), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_sms_text("host", NULL, 5, &out, &len), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_sms_text("host", "012345", 5, NULL, &len), MFA_ERR_INVALID);
	ck_assert_uint_eq(len, 0);
}
END_TEST

/* A code that confirms an address says so, not "sign in". */
START_TEST(confirm_message_exact)
{
	static const char body[] =
	    "Your confirmation code is: 012345\n"
	    "\n"
	    "Type it into mfa-enroll to confirm that this address receives\n"
	    "the sign-in codes of alice on host.example.com.\n"
	    "It is valid for 5 minutes and can be used once.\n"
	    "\n"
	    "Nobody from your IT team will ask for this code.\n"
	    "If you did not ask for this, do not give the code to anyone,\n"
	    "and tell your administrator.\n";
	struct mfa_mail m = sample;
	char *out = NULL, want[2048];
	size_t len = 0;

	snprintf(want, sizeof(want), SAMPLE_HEADERS "%s",
	    "Confirm your email address for", body);
	m.purpose = MFA_MAIL_CONFIRM;
	ck_assert_int_eq(mfa_mail_code_message(&m, &out, &len), MFA_OK);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(len, strlen(want));
	mfa_strfree(out);
	ck_assert_int_eq(
	    mfa_sms_confirm_text("vm", "012345", 5, &out, &len), MFA_OK);
	ck_assert_str_eq(out,
	    "vm confirmation code: 012345 (valid 5 min). Type it into "
	    "mfa-enroll. Nobody will ask you for it.");
	mfa_strfree(out);
}
END_TEST

static Suite *
mailmsg_suite(void)
{
	Suite *s = suite_create("mailmsg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, code_message_exact);
	tcase_add_test(tc, code_message_one_minute);
	tcase_add_test(tc, notice_message_exact);
	tcase_add_loop_test(
	    tc, date_header, 0, (int)(sizeof(dates) / sizeof(dates[0])));
	tcase_add_loop_test(tc, hostile_values_refused, 0,
	    (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_test(tc, notice_text_refused);
	tcase_add_test(tc, sms_text_exact);
	tcase_add_test(tc, confirm_message_exact);
	tcase_add_test(tc, sms_text_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(mailmsg_suite());
}
