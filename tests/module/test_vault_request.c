/*
 * test_vault_request.c - the self-service request in the user's home
 * (pam_mfa/vault_request.c), read and removed with the user's identity:
 * a request is read and removed, and when root's identity cannot be
 * regained afterwards the login knows it must fail (lg.privs_lost, *lost)
 * rather than go on as the user.  fakepam.c stands for libpam; its
 * regain_fails switch makes pam_modutil_regain_priv fail.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fakepam.h"
#include "login.h"
#include "testutil.h"
#include "user.h"
#include "vault.h"
#include "vault_request.h"

static struct mfa_login lg;
static struct mfa_user user;
static char home[4096], path[4200];

/* alice's login, her home a private directory holding a request. */
static void
setup(void)
{
	static const char req[] = MFA_VAULT_REQUEST_HEADER "add phone2\n";

	memset(&lg, 0, sizeof(lg));
	memset(&user, 0, sizeof(user));
	ck_assert_int_eq(
	    mfa_test_safe_tmpdir("vault_request", home, sizeof(home)), 0);
	snprintf(path, sizeof(path), "%s/%s", home, MFA_VAULT_REQUEST_NAME);
	mfa_test_write_file(path, req, strlen(req), 0600);
	user.pw.pw_name = "alice";
	user.pw.pw_dir = home;
	user.pw.pw_uid = getuid();
	user.pw.pw_gid = getgid();
	lg.pamh = fakepam_start("sshd", "alice");
	ck_assert_ptr_nonnull(lg.pamh);
	lg.log.pamh = lg.pamh;
	lg.user = &user;
	lg.username = "alice";
	strcpy(lg.user_clean, "alice");
}

static void
teardown(void)
{
	fakepam_end(lg.pamh);
	mfa_test_rm_rf(home);
}

START_TEST(request_read_then_removed)
{
	struct mfa_vault_req req;
	int lost = -1;

	mfa_vault_request_read(&lg, &req, &lost);
	ck_assert_int_eq(lost, 0);
	ck_assert_int_eq(req.kind, MFA_VAULT_REQUEST_ADD);
	ck_assert_str_eq(req.name, "phone2");
	mfa_vault_request_done(&lg);
	ck_assert_int_eq(lg.privs_lost, 0);
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(lg.pamh->privs_dropped, 0);
}
END_TEST

/* Root's identity not regained: the reader says so, nothing is read. */
START_TEST(read_without_regain_is_lost)
{
	struct mfa_vault_req req;
	int lost = 0;

	lg.pamh->regain_fails = 1;
	mfa_vault_request_read(&lg, &req, &lost);
	ck_assert_int_eq(lost, 1);
	ck_assert_int_eq(req.kind, MFA_VAULT_REQUEST_NONE);
}
END_TEST

/* The same after the removal (setcred, or a request refused at
 * authenticate): the login is told to fail, and the log says why. */
START_TEST(done_without_regain_marks_the_login)
{
	lg.pamh->regain_fails = 1;
	mfa_vault_request_done(&lg);
	ck_assert_int_eq(lg.privs_lost, 1);
	ck_assert_msg(strstr(lg.pamh->log,
			  "user=alice self-service request not removed "
			  "(privileges not regained)") != NULL,
	    "%s", lg.pamh->log);
}
END_TEST

static Suite *
vault_request_suite(void)
{
	Suite *s = suite_create("vault_request");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, request_read_then_removed);
	tcase_add_test(tc, read_without_regain_is_lost);
	tcase_add_test(tc, done_without_regain_marks_the_login);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(vault_request_suite());
}
