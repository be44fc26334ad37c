/*
 * test_retcode.c - the module's verdicts and the one table that turns
 * them into PAM return codes (pam_mfa/retcode.c).
 */
#include <security/pam_modules.h>

#include "error.h"
#include "retcode.h"
#include "testutil.h"

/* Every verdict and the code pam_mfa(8) documents for it. */
static const struct {
	enum mfa_verdict v;
	int pam;
	const char *name;
} table[] = {
    {MFA_VERDICT_SUCCESS, PAM_SUCCESS, "success"},
    {MFA_VERDICT_IGNORE, PAM_IGNORE, "ignored"},
    {MFA_VERDICT_REFUSED, PAM_AUTH_ERR, "failure"},
    {MFA_VERDICT_LOCKED, PAM_AUTH_ERR, "failure"},
    {MFA_VERDICT_UNAVAILABLE, PAM_AUTHINFO_UNAVAIL, "failure"},
    {MFA_VERDICT_CONV_FAILED, PAM_CONV_ERR, "failure"},
    {MFA_VERDICT_SERVICE_ERROR, PAM_SERVICE_ERR, "failure"},
    {MFA_VERDICT_NO_MEMORY, PAM_BUF_ERR, "failure"},
    {MFA_VERDICT_SYSTEM_ERROR, PAM_SYSTEM_ERR, "failure"},
    {MFA_VERDICT_INCOMPLETE, PAM_INCOMPLETE, "failure"},
    {MFA_VERDICT_FALLBACK, PAM_AUTH_ERR, "failure"},
};
#define NTABLE ((int)(sizeof(table) / sizeof(table[0])))

START_TEST(verdict_maps_to_documented_code)
{
	ck_assert_int_eq(mfa_verdict_pam_code(table[_i].v), table[_i].pam);
	ck_assert_str_eq(mfa_verdict_name(table[_i].v), table[_i].name);
}
END_TEST

/* The table above names every value of the enum, in order. */
START_TEST(table_covers_every_verdict)
{
	int i;

	for (i = 0; i < NTABLE; i++)
		ck_assert_int_eq((int)table[i].v, i);
	ck_assert_int_eq(NTABLE, (int)MFA_VERDICT_FALLBACK + 1);
}
END_TEST

/* Fail closed: only SUCCESS succeeds, a value outside the enum fails. */
START_TEST(only_success_succeeds)
{
	int i;

	for (i = 0; i <= (int)MFA_VERDICT_FALLBACK + 5; i++)
		if (i != (int)MFA_VERDICT_SUCCESS)
			ck_assert_int_ne(
			    mfa_verdict_pam_code((enum mfa_verdict)i),
			    PAM_SUCCESS);
	ck_assert_int_eq(
	    mfa_verdict_pam_code((enum mfa_verdict) - 1), PAM_AUTH_ERR);
	ck_assert_int_eq(
	    mfa_verdict_pam_code((enum mfa_verdict)1000), PAM_AUTH_ERR);
	ck_assert_str_eq(mfa_verdict_name((enum mfa_verdict)1000), "failure");
}
END_TEST

static const struct {
	enum mfa_err err;
	enum mfa_verdict v;
} errs[] = {
    {MFA_OK, MFA_VERDICT_SUCCESS},
    {MFA_ERR_NOMEM, MFA_VERDICT_NO_MEMORY},
    {MFA_ERR_INVALID, MFA_VERDICT_REFUSED},
    {MFA_ERR_SYSTEM, MFA_VERDICT_UNAVAILABLE},
    {MFA_ERR_NOENT, MFA_VERDICT_REFUSED},
    {MFA_ERR_UNSAFE, MFA_VERDICT_REFUSED},
    {MFA_ERR_TOOBIG, MFA_VERDICT_REFUSED},
    {MFA_ERR_FORMAT, MFA_VERDICT_REFUSED},
    {MFA_ERR_VERSION, MFA_VERDICT_REFUSED},
    {MFA_ERR_CRYPTO, MFA_VERDICT_REFUSED},
    {MFA_ERR_LOCK_TIMEOUT, MFA_VERDICT_UNAVAILABLE},
    {MFA_ERR_NOSPACE, MFA_VERDICT_UNAVAILABLE},
    {MFA_ERR_READONLY, MFA_VERDICT_UNAVAILABLE},
    {MFA_ERR_MISMATCH, MFA_VERDICT_REFUSED},
    {MFA_ERR_REPLAY, MFA_VERDICT_REFUSED},
    {MFA_ERR_RANGE, MFA_VERDICT_REFUSED},
    {MFA_ERR_UNKNOWN_KEY, MFA_VERDICT_REFUSED},
    {MFA_ERR_DUPLICATE, MFA_VERDICT_REFUSED},
    {MFA_ERR_TIMEOUT, MFA_VERDICT_UNAVAILABLE},
    {MFA_ERR_EXEC, MFA_VERDICT_UNAVAILABLE},
    {MFA_ERR_EXPIRED, MFA_VERDICT_REFUSED},
    {MFA_ERR_DENIED, MFA_VERDICT_REFUSED},
    {MFA_ERR_BUFSIZE, MFA_VERDICT_REFUSED},
    {MFA_ERR_UNAVAILABLE, MFA_VERDICT_UNAVAILABLE},
};

START_TEST(err_maps_to_verdict)
{
	ck_assert_int_eq(mfa_verdict_of_err(errs[_i].err), errs[_i].v);
}
END_TEST

/* The codes pam_get_user can return reach the application unchanged. */
static const int pam_failures[] = {
    PAM_CONV_ERR, PAM_BUF_ERR, PAM_SYSTEM_ERR, PAM_SERVICE_ERR, PAM_INCOMPLETE};

START_TEST(pam_failure_kept)
{
	int rc = pam_failures[_i];

	ck_assert_int_eq(mfa_verdict_pam_code(mfa_verdict_of_pam(rc)), rc);
}
END_TEST

/* No name (PAM_SUCCESS without one) or an odd code: refused. */
START_TEST(pam_other_refused)
{
	ck_assert_int_eq(mfa_verdict_of_pam(PAM_SUCCESS), MFA_VERDICT_REFUSED);
	ck_assert_int_eq(
	    mfa_verdict_of_pam(PAM_PERM_DENIED), MFA_VERDICT_REFUSED);
	ck_assert_int_eq(mfa_verdict_of_pam(PAM_ABORT), MFA_VERDICT_REFUSED);
	ck_assert_int_eq(mfa_verdict_of_pam(-1), MFA_VERDICT_REFUSED);
}
END_TEST

static Suite *
retcode_suite(void)
{
	Suite *s = suite_create("retcode");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, verdict_maps_to_documented_code, 0, NTABLE);
	tcase_add_test(tc, table_covers_every_verdict);
	tcase_add_test(tc, only_success_succeeds);
	tcase_add_loop_test(
	    tc, err_maps_to_verdict, 0, (int)(sizeof(errs) / sizeof(errs[0])));
	tcase_add_loop_test(tc, pam_failure_kept, 0,
	    (int)(sizeof(pam_failures) / sizeof(pam_failures[0])));
	tcase_add_test(tc, pam_other_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(retcode_suite());
}
