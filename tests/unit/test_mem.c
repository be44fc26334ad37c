/*
 * test_mem.c - wiping, constant-time comparison, error texts and the log
 * sanitizer.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "mem.h"
#include "testutil.h"

START_TEST(wipe_zeroes_array)
{
	unsigned char buf[32];
	size_t i;

	memset(buf, 0xa5, sizeof(buf));
	MFA_WIPE_ARRAY(buf);
	for (i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
}
END_TEST

START_TEST(wipe_null_is_harmless)
{
	mfa_wipe(NULL, 0);
	mfa_freezero(NULL, 10);
	mfa_strfree(NULL);
}
END_TEST

START_TEST(ct_equal_results)
{
	ck_assert_int_eq(mfa_ct_equal("123456", "123456", 6), 1);
	ck_assert_int_eq(mfa_ct_equal("123456", "123457", 6), 0);
	ck_assert_int_eq(mfa_ct_equal("023456", "123456", 6), 0);
	ck_assert_int_eq(mfa_ct_equal("", "", 0), 1);
}
END_TEST

START_TEST(strerror_covers_every_code)
{
	int e;

	for (e = MFA_OK; e >= MFA_ERR_BUFSIZE; e--)
		ck_assert_str_ne(mfa_strerror(e), "unknown error");
	ck_assert_str_eq(mfa_strerror(1), "unknown error");
	ck_assert_str_eq(mfa_strerror(-1000), "unknown error");
}
END_TEST

START_TEST(log_clean_strips_control)
{
	char out[16];

	ck_assert_str_eq(
	    mfa_log_clean("bob\nroot", out, sizeof(out)), "bob?root");
	ck_assert_str_eq(
	    mfa_log_clean("\x1b[31m\xc3\xa9", out, sizeof(out)), "?[31m??");
	ck_assert_str_eq(mfa_log_clean(NULL, out, sizeof(out)), "(null)");
	ck_assert_str_eq(
	    mfa_log_clean("0123456789abcdefXYZ", out, 8), "0123456");
}
END_TEST

static Suite *
mem_suite(void)
{
	Suite *s = suite_create("mem");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, wipe_zeroes_array);
	tcase_add_test(tc, wipe_null_is_harmless);
	tcase_add_test(tc, ct_equal_results);
	tcase_add_test(tc, strerror_covers_every_code);
	tcase_add_test(tc, log_clean_strips_control);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(mem_suite());
}
