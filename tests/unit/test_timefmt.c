/*
 * test_timefmt.c - unix times as text for people.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"
#include "testutil.h"

/* 2027-05-08 09:05:00 UTC, a single-digit day for %e. */
#define T_MAY8 1809767100LL

START_TEST(utc_formats)
{
	char out[64];

	mfa_timefmt_utc(0, "%Y-%m-%d %H:%M UTC", "?", out, sizeof(out));
	ck_assert_str_eq(out, "1970-01-01 00:00 UTC");
	mfa_timefmt_utc(T_MAY8, "%Y-%m-%d", "?", out, sizeof(out));
	ck_assert_str_eq(out, "2027-05-08");
	/* %e pads a one-digit day with a space: it is dropped. */
	mfa_timefmt_utc(T_MAY8, "%e %B %Y", "soon", out, sizeof(out));
	ck_assert_str_eq(out, "8 May 2027");
	mfa_timefmt_utc(
	    T_MAY8 + 10 * 86400, "%e %B %Y", "soon", out, sizeof(out));
	ck_assert_str_eq(out, "18 May 2027");
}
END_TEST

START_TEST(fallbacks)
{
	char out[64], tiny[5];

	/* Too small for the text: the fallback, itself cut to fit. */
	mfa_timefmt_utc(T_MAY8, "%Y-%m-%d", "?", tiny, sizeof(tiny));
	ck_assert_str_eq(tiny, "?");
	mfa_timefmt_utc(T_MAY8, "%Y-%m-%d", NULL, out, 6);
	ck_assert_str_eq(out, "18097"); /* the number, cut */
	/* A time gmtime cannot convert. */
	mfa_timefmt_utc(INT64_MAX, "%Y", "soon", out, sizeof(out));
	ck_assert_str_eq(out, "soon");
	mfa_timefmt_utc(INT64_MAX, "%Y", NULL, out, sizeof(out));
	ck_assert_str_eq(out, "9223372036854775807");
	mfa_timefmt_utc(T_MAY8, "%Y", "?", NULL, 0); /* no crash */
}
END_TEST

START_TEST(local_uses_the_zone)
{
	char out[64];

	ck_assert_int_eq(setenv("TZ", "UTC0", 1), 0);
	tzset();
	mfa_timefmt_local(T_MAY8, "%Y-%m-%d %H:%M", "?", out, sizeof(out));
	ck_assert_str_eq(out, "2027-05-08 09:05");
	ck_assert_int_eq(setenv("TZ", "XXX-2", 1), 0); /* two hours east */
	tzset();
	mfa_timefmt_local(T_MAY8, "%Y-%m-%d %H:%M", "?", out, sizeof(out));
	ck_assert_str_eq(out, "2027-05-08 11:05");
}
END_TEST

static Suite *
timefmt_suite(void)
{
	Suite *s = suite_create("timefmt");
	TCase *tc = tcase_create("timefmt");

	tcase_add_test(tc, utc_formats);
	tcase_add_test(tc, fallbacks);
	tcase_add_test(tc, local_uses_the_zone);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(timefmt_suite());
}
