/*
 * test_enrolment.c - the enrolment steps shared by the module and
 * mfa-enroll (common/enrolment.c): whether a record was made for a secret.
 */
#include <string.h>

#include "enrolment.h"
#include "error.h"
#include "state.h"
#include "testutil.h"

static struct mfa_secret *s;
static struct mfa_state st;

static void
setup(void)
{
	ck_assert_int_eq(mfa_enrolment_new(1800000000, &s), MFA_OK);
	mfa_state_init(&st);
}

static void
teardown(void)
{
	mfa_secret_free(s);
	s = NULL;
	mfa_state_wipe(&st);
}

START_TEST(same_after_mark)
{
	mfa_enrolment_mark(&st, s->id, 1800000000, NULL);
	ck_assert_int_eq(mfa_enrolment_same(&st, s), 1);
}
END_TEST

START_TEST(not_enrolled)
{
	memcpy(st.enrolled_id, s->id, sizeof(st.enrolled_id));
	ck_assert_int_eq(mfa_enrolment_same(&st, s), 0);
}
END_TEST

/* Another enrolment's record: its floor and devices are not this one's. */
START_TEST(other_id)
{
	mfa_enrolment_mark(&st, s->id, 1800000000, NULL);
	st.enrolled_id[15] ^= 1;
	ck_assert_int_eq(mfa_enrolment_same(&st, s), 0);
	st.enrolled_id[15] ^= 1;
	st.enrolled_id[0] ^= 0x80;
	ck_assert_int_eq(mfa_enrolment_same(&st, s), 0);
}
END_TEST

START_TEST(no_secret)
{
	mfa_enrolment_mark(&st, s->id, 1800000000, NULL);
	ck_assert_int_eq(mfa_enrolment_same(&st, NULL), 0);
}
END_TEST

static Suite *
enrolment_suite(void)
{
	Suite *su = suite_create("enrolment");
	TCase *tc = tcase_create("same");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, same_after_mark);
	tcase_add_test(tc, not_enrolled);
	tcase_add_test(tc, other_id);
	tcase_add_test(tc, no_secret);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	return mfa_test_run(enrolment_suite());
}
