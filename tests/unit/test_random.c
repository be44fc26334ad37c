/*
 * test_random.c - getrandom wrapper and unbiased bounded integers.
 *
 * Statistical checks use margins of many standard deviations so that a
 * correct implementation fails them with negligible probability, while a
 * broken one (constant output, wrong range, missed values) fails surely.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "random.h"
#include "testutil.h"

START_TEST(bytes_zero_length)
{
	unsigned char b = 0x5a;

	ck_assert_int_eq(mfa_random_bytes(NULL, 0), MFA_OK);
	ck_assert_int_eq(mfa_random_bytes(&b, 0), MFA_OK);
	ck_assert_uint_eq(b, 0x5a); /* nothing written */
	ck_assert_int_eq(mfa_random_bytes(NULL, 1), MFA_ERR_INVALID);
}
END_TEST

START_TEST(bytes_one_mebibyte)
{
	const size_t n = (size_t)1 << 20;
	unsigned char *buf = calloc(1, n + 1);
	size_t i, count[256] = {0};

	ck_assert_ptr_nonnull(buf);
	buf[n] = 0xa5; /* guard: must not be overwritten */
	ck_assert_int_eq(mfa_random_bytes(buf, n), MFA_OK);
	ck_assert_uint_eq(buf[n], 0xa5);
	for (i = 0; i < n; i++)
		count[buf[i]]++;
	/* Expected 4096 per value, sd 64: a zero-filled or partly filled
	 * buffer is far outside [3500, 4700]. */
	for (i = 0; i < 256; i++) {
		ck_assert_uint_gt(count[i], 3500);
		ck_assert_uint_lt(count[i], 4700);
	}
	free(buf);
}
END_TEST

START_TEST(bytes_differ_between_calls)
{
	unsigned char a[32], b[32];

	ck_assert_int_eq(mfa_random_bytes(a, sizeof(a)), MFA_OK);
	ck_assert_int_eq(mfa_random_bytes(b, sizeof(b)), MFA_OK);
	ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
}
END_TEST

START_TEST(uniform_bound_zero_invalid)
{
	uint32_t v = 77;

	ck_assert_int_eq(mfa_random_uniform(0, &v), MFA_ERR_INVALID);
	ck_assert_uint_eq(v, 77);
	ck_assert_int_eq(mfa_random_uniform(10, NULL), MFA_ERR_INVALID);
}
END_TEST

START_TEST(uniform_bound_one_is_zero)
{
	uint32_t v;
	int i;

	for (i = 0; i < 1000; i++) {
		v = 99;
		ck_assert_int_eq(mfa_random_uniform(1, &v), MFA_OK);
		ck_assert_uint_eq(v, 0);
	}
}
END_TEST

static const uint32_t small_bounds[] = {2, 3, 7, 10, 32, 33};

/* Every value of a small bound appears in a few thousand draws, and
 * none falls outside [0, bound). */
START_TEST(uniform_small_bound_hits_all)
{
	uint32_t bound = small_bounds[_i], v, seen[64] = {0};
	uint32_t k;
	int i;

	for (i = 0; i < 4000; i++) {
		ck_assert_int_eq(mfa_random_uniform(bound, &v), MFA_OK);
		ck_assert_uint_lt(v, bound);
		seen[v]++;
	}
	/* Expected 4000/bound >= 121 each; sd <= 11. */
	for (k = 0; k < bound; k++)
		ck_assert_uint_gt(seen[k], 4000 / bound / 2);
}
END_TEST

/* Large bounds, including the worst case for rejection (2^31 + 1, where
 * almost half the raw values are rejected) and the largest. */
START_TEST(uniform_large_bounds)
{
	static const uint32_t bounds[] = {
	    0x80000001U, 0xffffffffU, 1000000000U, 0x80000000U};
	uint32_t v, high;
	size_t b;
	int i;

	for (b = 0; b < sizeof(bounds) / sizeof(bounds[0]); b++) {
		high = 0;
		for (i = 0; i < 2000; i++) {
			ck_assert_int_eq(
			    mfa_random_uniform(bounds[b], &v), MFA_OK);
			ck_assert_uint_lt(v, bounds[b]);
			if (v >= bounds[b] / 2)
				high++;
		}
		/* About half land in the upper half: not stuck low. */
		ck_assert_uint_gt(high, 800);
		ck_assert_uint_lt(high, 1200);
	}
}
END_TEST

static Suite *
random_suite(void)
{
	Suite *s = suite_create("random");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, bytes_zero_length);
	tcase_add_test(tc, bytes_one_mebibyte);
	tcase_add_test(tc, bytes_differ_between_calls);
	tcase_add_test(tc, uniform_bound_zero_invalid);
	tcase_add_test(tc, uniform_bound_one_is_zero);
	tcase_add_loop_test(tc, uniform_small_bound_hits_all, 0,
	    (int)(sizeof(small_bounds) / sizeof(small_bounds[0])));
	tcase_add_test(tc, uniform_large_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(random_suite());
}
