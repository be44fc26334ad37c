/*
 * test_reply.c - sorting what a person typed at the code prompt
 * (pam_mfa/reply.c).
 */
#include <string.h>

#include "reply.h"
#include "testutil.h"

static const struct {
	const char *typed;
	enum mfa_reply_kind kind;
	const char *digits; /* NUMERIC: what is kept */
	const char *backup; /* BACKUP: the normalised code */
	unsigned int slot;
} cases[] = {
    {"", MFA_REPLY_EMPTY, NULL, NULL, 0},
    {"   ", MFA_REPLY_EMPTY, NULL, NULL, 0},
    {"123456", MFA_REPLY_NUMERIC, "123456", NULL, 0},
    {"123 456", MFA_REPLY_NUMERIC, "123456", NULL, 0},
    {" 1 2 3 4 5 6 ", MFA_REPLY_NUMERIC, "123456", NULL, 0},
    {"12345678", MFA_REPLY_NUMERIC, "12345678", NULL, 0},
    {"000000", MFA_REPLY_NUMERIC, "000000", NULL, 0},
    {"12345", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"1234567", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"123456\t", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"123456\n", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"12345\xd9\xa6", MFA_REPLY_INVALID, NULL, NULL, 0}, /* Arabic 6 */
    {"-123456", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"email", MFA_REPLY_EMAIL, NULL, NULL, 0},
    {"  EMail  ", MFA_REPLY_EMAIL, NULL, NULL, 0},
    {"sms", MFA_REPLY_SMS, NULL, NULL, 0},
    {" SMS", MFA_REPLY_SMS, NULL, NULL, 0},
    {"emails", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"e mail", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"sms please", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"3-ABCD-EFGH", MFA_REPLY_BACKUP, NULL, "3ABCDEFGH", 3},
    {"3abcdefgh", MFA_REPLY_BACKUP, NULL, "3ABCDEFGH", 3},
    {"3 abcd efgh", MFA_REPLY_BACKUP, NULL, "3ABCDEFGH", 3},
    /* A slot digit and 8 digits: an imported scratch code. */
    {"123456789", MFA_REPLY_BACKUP, NULL, "123456789", 1},
    {"3-ABCD-EFG1", MFA_REPLY_INVALID, NULL, NULL, 0}, /* 1 not in alphabet */
    {"3-ABCD-EFGHJ", MFA_REPLY_INVALID, NULL, NULL, 0},
    {"hunter2", MFA_REPLY_INVALID, NULL, NULL, 0},
};

START_TEST(classify_table)
{
	struct mfa_reply r;

	memset(&r, 0x55, sizeof(r));
	mfa_reply_classify(cases[_i].typed, &r);
	ck_assert_msg(r.kind == cases[_i].kind, "\"%s\": kind %d, want %d",
	    cases[_i].typed, (int)r.kind, (int)cases[_i].kind);
	ck_assert_str_eq(r.digits, cases[_i].digits ? cases[_i].digits : "");
	ck_assert_str_eq(r.backup, cases[_i].backup ? cases[_i].backup : "");
	ck_assert_uint_eq(r.slot, cases[_i].slot);
	mfa_reply_wipe(&r);
}
END_TEST

/* Only the field of the reply's kind keeps anything; nothing else. */
START_TEST(other_fields_wiped)
{
	static const char zero[sizeof(((struct mfa_reply *)0)->backup)];
	struct mfa_reply r;

	mfa_reply_classify("123456", &r);
	ck_assert_mem_eq(r.backup, zero, sizeof(r.backup));
	mfa_reply_classify("3-ABCD-EFGH", &r);
	ck_assert_mem_eq(r.digits, zero, sizeof(r.digits));
	mfa_reply_classify("1234567890123", &r); /* too long for digits[] */
	ck_assert_int_eq(r.kind, MFA_REPLY_INVALID);
	ck_assert_mem_eq(r.digits, zero, sizeof(r.digits));
	ck_assert_mem_eq(r.backup, zero, sizeof(r.backup));
}
END_TEST

START_TEST(wipe_clears_everything)
{
	static const struct mfa_reply zero;
	struct mfa_reply r;

	mfa_reply_classify("3-ABCD-EFGH", &r);
	mfa_reply_wipe(&r);
	ck_assert_mem_eq(&r, &zero, sizeof(r));
}
END_TEST

static Suite *
reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(
	    tc, classify_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, other_fields_wiped);
	tcase_add_test(tc, wipe_clears_everything);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(reply_suite());
}
