/*
 * test_canonical.c - state belongs to the account, not to the spelling
 * typed.  With a case-insensitive name service (SSSD's AD provider,
 * winbind) "ALICE" and "alice" are one account; the shim
 * tests/preload/caseless_passwd.so, preloaded ahead of nss_wrapper, makes
 * the fixture's password database behave that way.  Every record (lock-out,
 * replay floor, enrolment mark, trusted devices) must be the one of the
 * database's own spelling, whatever was typed at the login prompt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "pamh.h"
#include "testutil.h"

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109
#define KEY                                                                    \
	"publickey ssh-ed25519 "                                               \
	"AAAAC3NzaC1lZDI1NTE5AAAAICD64LRP+"                                    \
	"EWimdU91FDxIJrvausp5bxNG89G2mjfXYLZ\n"

static const struct mfa_pamh_service services[] = {
    {"mfa", "deny=3 unlock_time=600", 1, 0, 0},
    {"mfa-nullok", "nullok", 1, 0, 0},
    {"sshd", "", 1, 1, 0},
    {NULL, NULL, 0, 0, 0},
};

static struct mfa_pamh_result res;

static void
setup(void)
{
	char path[4096];

	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\ntotp-secret " SEED "\n");
	snprintf(path, sizeof(path), "%s/authinfo", mfa_pamh_dir());
	mfa_test_write_file(path, KEY, strlen(KEY), 0600);
	setenv("MFA_TEST_AUTHINFO_FILE", path, 1);
}

/* user logs in on service at t with the code of t, then answers a2. */
static int
login_code(const char *service, const char *user, int64_t t, const char *a2)
{
	char code[16];
	const char *answers[] = {code, a2, NULL};

	mfa_pamh_set_time(t);
	mfa_pamh_oath_code(SEED, t, code);
	mfa_pamh_login(service, user, answers, 0, &res);
	return res.rv;
}

/* Does the store hold a record of this exact name? */
static int
has_record(const char *name)
{
	return mfa_pamh_state_has(name);
}

/* The shim works: the fixture's database answers any case. */
START_TEST(other_spelling_is_the_same_account)
{
	ck_assert_int_eq(login_code("mfa", "ALICE", T0, NULL), PAM_SUCCESS);
	ck_logged("user=alice service=mfa: name typed as ALICE");
	ck_logged("user=alice service=mfa rhost=- method=totp result=success");
	ck_assert(has_record("alice"));
	ck_assert(!has_record("ALICE"));
}
END_TEST

/* Locked out as "alice": "ALICE" is locked out too. */
START_TEST(locked_user_cannot_use_another_spelling)
{
	const char *wrong[] = {"000000", "111111", "222222", NULL};

	mfa_pamh_login("mfa", "alice", wrong, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	MFA_CK_IN(res.transcript, "Too many failed attempts");
	ck_assert_int_eq(
	    login_code("mfa", "ALICE", T0 + 30, NULL), PAM_AUTH_ERR);
	MFA_CK_IN(res.transcript, "E: Too many failed attempts. Try again in");
	ck_assert_int_eq(
	    login_code("mfa", "Alice", T0 + 60, NULL), PAM_AUTH_ERR);
	MFA_CK_IN(res.transcript, "E: Too many failed attempts. Try again in");
}
END_TEST

/* One code, one login, whatever the spelling. */
START_TEST(code_accepted_once_across_spellings)
{
	char code[16];
	const char *again[] = {code, code, code, NULL};

	ck_assert_int_eq(
	    login_code("mfa-nullok", "alice", T0, NULL), PAM_SUCCESS);
	mfa_pamh_oath_code(SEED, T0, code);
	mfa_pamh_log_clear();
	mfa_pamh_login("mfa-nullok", "ALICE", again, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	ck_assert_int_eq(
	    mfa_pamh_count(res.transcript, "E: This code was already used."),
	    3);
	ck_logged(
	    "user=alice service=mfa-nullok rhost=- method=none result=failure "
	    "reason=code already used");
	mfa_pamh_login("mfa-nullok", "aLiCe", again, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
}
END_TEST

/* Enrolled as "alice", file deleted: "ALICE" is not let through by
 * nullok as if never enrolled. */
START_TEST(enrolled_user_without_file_refused_under_nullok)
{
	char path[4096];

	ck_assert_int_eq(
	    login_code("mfa-nullok", "alice", T0, NULL), PAM_SUCCESS);
	snprintf(path, sizeof(path), "%s/.pam_mfa", mfa_pamh_home("alice"));
	ck_assert_int_eq(unlink(path), 0);
	mfa_pamh_log_clear();
	ck_assert_int_eq(
	    login_code("mfa-nullok", "ALICE", T0 + 30, NULL), PAM_AUTH_ERR);
	MFA_CK_IN(
	    res.transcript, "E: Multi-factor authentication is not available");
	ck_logged("reason=secret file missing but user is enrolled");
}
END_TEST

/* A device trusted after logging in as "ALICE" (confirmed in setcred) is
 * alice's: her next login, spelt either way, skips the code. */
START_TEST(trusted_device_is_the_accounts)
{
	char code[16];
	const char *yes[] = {code, "y", NULL}, *none[] = {NULL};
	int setcred_rv = -1;

	mfa_pamh_oath_code(SEED, T0, code);
	mfa_pamh_login_setcred("sshd", "ALICE", yes, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_assert_int_eq(setcred_rv, PAM_SUCCESS);
	ck_logged("user=alice service=sshd trusted a device");
	mfa_pamh_set_time(T0 + 60);
	mfa_pamh_login_setcred("sshd", "alice", none, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	MFA_CK_IN(res.transcript, "Second factor skipped: trusted device");
	mfa_pamh_login_setcred("sshd", "ALICE", none, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_assert(!has_record("ALICE"));
}
END_TEST

/* A name no spelling of which exists is still an unknown user. */
START_TEST(unknown_name_stays_unknown)
{
	const char *answers[] = {"000000", "000000", "000000", NULL};

	mfa_pamh_login("mfa", "ALICIA", answers, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	ck_logged("user=ALICIA service=mfa rhost=- method=none result=failure "
		  "reason=unknown user");
	ck_assert(!has_record("ALICIA"));
}
END_TEST

static Suite *
canonical_suite(void)
{
	Suite *s = suite_create("canonical");
	TCase *tc = tcase_create("names");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, other_spelling_is_the_same_account);
	tcase_add_test(tc, locked_user_cannot_use_another_spelling);
	tcase_add_test(tc, code_accepted_once_across_spellings);
	tcase_add_test(tc, enrolled_user_without_file_refused_under_nullok);
	tcase_add_test(tc, trusted_device_is_the_accounts);
	tcase_add_test(tc, unknown_name_stays_unknown);
	suite_add_tcase(s, tc);
	return s;
}

/* Put the case-insensitive shim ahead of nss_wrapper (pamh.c adds it). */
static void
preload_shim(void)
{
	const char *build = getenv("MFA_BUILD"), *pre;
	char value[8192];

	if (build == NULL || getenv("MFA_PAMH_FIXTURE") != NULL)
		return;
	pre = getenv("PAM_WRAPPER_PRELOAD");
	snprintf(value, sizeof(value), "%s:%s/tests/preload/caseless_passwd.so",
	    pre != NULL ? pre : "libpam_wrapper.so", build);
	setenv("PAM_WRAPPER_PRELOAD", value, 1);
}

int
main(int argc, char **argv)
{
	preload_shim();
	return mfa_pamh_main(argc, argv, services, canonical_suite);
}
