/*
 * test_trust_scope.c - where and how long a trusted device counts, through
 * the real libpam: only on the services trust_services= names (default
 * sshd), never for a record dated in the future, and never past the
 * current trust_days, even for devices trusted under a longer one.
 *
 * Every service here has tests/modules/putenv_authinfo.so ahead of
 * pam_mfa, standing for sshd (or for any module that sets SSH_AUTH_INFO_0
 * on a console).  Logins run authenticate and setcred in one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "pamh.h"
#include "testutil.h"

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109
#define DAY 86400
#define KEY                                                                    \
	"publickey ssh-ed25519 "                                               \
	"AAAAC3NzaC1lZDI1NTE5AAAAICD64LRP+"                                    \
	"EWimdU91FDxIJrvausp5bxNG89G2mjfXYLZ\n"
#define ASK "Trust this device for"

static const struct mfa_pamh_service services[] = {
    {"sshd", "", 1, 1, 0},
    {"login", "", 1, 1, 0},
    {"login2", "trust_services=sshd,login2", 1, 1, 0},
    {NULL, NULL, 0, 0, 0},
};

static struct mfa_pamh_result res;
static int setcred_rv;

/* The fixture's pam_mfa.conf, which every service reads first. */
static void
write_conf(const char *text)
{
	mfa_pamh_write_conf(text);
}

static void
setup(void)
{
	char path[4096];

	mfa_pamh_reset();
	write_conf("# empty\n");
	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\ntotp-secret " SEED "\n");
	snprintf(path, sizeof(path), "%s/authinfo", mfa_pamh_dir());
	mfa_test_write_file(path, KEY, strlen(KEY), 0600);
	setenv("MFA_TEST_AUTHINFO_FILE", path, 1);
}

/* A login at t answering the code, then trust (NULL: no further answer). */
static int
login_code(const char *service, int64_t t, const char *trust)
{
	char code[16];
	const char *answers[] = {code, trust, NULL};

	mfa_pamh_set_time(t);
	mfa_pamh_oath_code(SEED, t, code);
	setcred_rv = -1;
	mfa_pamh_login_setcred(service, "alice", answers, &res, &setcred_rv);
	return res.rv;
}

/* A login at t with no answer at all: only a trusted device gets in. */
static int
login_device(const char *service, int64_t t)
{
	const char *answers[] = {NULL};

	mfa_pamh_set_time(t);
	mfa_pamh_login_setcred(service, "alice", answers, &res, &setcred_rv);
	return res.rv;
}

/* Trust the key on service at t: asked, answered yes, confirmed. */
static void
trust_on(const char *service, int64_t t)
{
	ck_assert_int_eq(login_code(service, t, "y"), PAM_SUCCESS);
	MFA_CK_IN(res.transcript, ASK);
	ck_assert_int_eq(setcred_rv, PAM_SUCCESS);
	ck_assert_int_eq(login_device(service, t + 60), PAM_SUCCESS);
	MFA_CK_IN(res.transcript, "Second factor skipped: trusted device");
}

/* A console login whose environment holds a key is not offered trust. */
START_TEST(console_login_is_not_offered_trust)
{
	ck_assert_int_eq(login_code("login", T0, NULL), PAM_SUCCESS);
	ck_assert_uint_eq(res.nprompts, 1);
	MFA_CK_NOT_IN(res.transcript, ASK);
	/* ...and keeps asking for the code. */
	ck_assert_int_eq(login_device("login", T0 + 60), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, "P: Verification code: ");
	/* sshd, the default, still is. */
	trust_on("sshd", T0 + 120);
}
END_TEST

/* Services the admin names are offered trust, the others are not. */
START_TEST(named_services_are_offered_trust)
{
	trust_on("login2", T0);
	write_conf("trust_services = sshd, login\n");
	trust_on("login", T0 + 120);
}
END_TEST

/* A device trusted on a service stops counting when it is taken out. */
START_TEST(service_taken_out_is_not_honoured)
{
	write_conf("trust_services = login\n");
	trust_on("login", T0);
	write_conf("# empty\n");
	ck_assert_int_eq(login_device("login", T0 + 120), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, "P: Verification code: ");
	MFA_CK_NOT_IN(res.transcript, "Second factor skipped");
}
END_TEST

/* With the clock before a record's creation, the record does not count. */
START_TEST(device_dated_in_the_future_is_not_honoured)
{
	trust_on("sshd", T0);
	ck_assert_int_eq(login_device("sshd", T0 - 600), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, "P: Verification code: ");
	MFA_CK_NOT_IN(res.transcript, "Second factor skipped");
	ck_assert_int_eq(login_device("sshd", T0 + 600), PAM_SUCCESS);
}
END_TEST

/* Lowering trust_days shortens devices trusted under the old value. */
START_TEST(lower_trust_days_shortens_devices)
{
	trust_on("sshd", T0); /* 90 days */
	write_conf("trust_days = 30\n");
	ck_assert_int_eq(login_device("sshd", T0 + 10 * DAY), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, "P: Verification code: ");
	/* A device trusted under 30 days counts for 30 days. */
	ck_assert_int_eq(login_code("sshd", T0 + 11 * DAY, "y"), PAM_SUCCESS);
	MFA_CK_IN(res.transcript, "Q: Trust this device for 30 days? [y/N]: ");
	ck_assert_int_eq(login_device("sshd", T0 + 40 * DAY), PAM_SUCCESS);
	ck_assert_int_eq(login_device("sshd", T0 + 41 * DAY), PAM_CONV_ERR);
	/*
	 * Raised again, the 90-day device counts again, up to its own
	 * expiry, which never moves.
	 */
	write_conf("trust_days = 365\n");
	ck_assert_int_eq(login_device("sshd", T0 + 41 * DAY), PAM_SUCCESS);
	MFA_CK_IN(res.transcript, "until 2005-06-16.");
	ck_assert_int_eq(login_device("sshd", T0 + 90 * DAY), PAM_CONV_ERR);
}
END_TEST

static Suite *
scope_suite(void)
{
	Suite *s = suite_create("trust_scope");
	TCase *tc = tcase_create("scope");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, console_login_is_not_offered_trust);
	tcase_add_test(tc, named_services_are_offered_trust);
	tcase_add_test(tc, service_taken_out_is_not_honoured);
	tcase_add_test(tc, device_dated_in_the_future_is_not_honoured);
	tcase_add_test(tc, lower_trust_days_shortens_devices);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, scope_suite);
}
