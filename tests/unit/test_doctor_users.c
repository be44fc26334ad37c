/*
 * test_doctor_users.c - the doctor's count of the users the state
 * directory knows: names decoded from file names (%XX, shown printable),
 * hidden lock and temporary files skipped, enrolled, failing and locked
 * out users counted, a state file that does not parse named.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "doctor_test.h"
#include "error.h"

#define DIR "/var/lib/pam_mfa"
#define NOW 1764017613

START_TEST(users_counted_and_listed)
{
	const char *root = mfa_test_tmpdir();
	struct doc_test t;

	doc_test_file(root, DIR "/al%2fice",
	    "pam_mfa-state 1\n"
	    "enrolled 1764017613 00112233445566778899aabbccddeeff\n"
	    "failures 2\n");
	doc_test_file(root, DIR "/b%0a%zz",
	    "pam_mfa-state 1\nfailures 10\nlocked-until 9999999999\n");
	doc_test_file(root, DIR "/.x.lock", "not a tally");
	doc_test_file(root, DIR "/.tmp.x", "pam_mfa-state 2\n");
	doc_test_file(root, DIR "/carol", "pam_mfa-state 1\nfailures x\n");
	doc_test_begin(&t, root);
	t.d.now = NOW;
	t.d.verbose = 1;
	mfa_doctor_check_users(&t.d, DIR);
	doc_test_has(&t, "  user al/ice: enrolled, 2 failures");
	doc_test_has(&t,
	    "  user b?%zz: not enrolled, 10 failures, locked out "
	    "until 2286-11-20 17:46 UTC");
	doc_test_has(&t,
	    "warn: state of carol does not parse (line 2: "
	    "failures: not a decimal number): carol's logins "
	    "fail until mfa-enroll --user carol reset");
	doc_test_has(&t,
	    "ok: users in " DIR ": 1 enrolled, 2 with failed "
	    "attempts (only users the module has seen are "
	    "counted: the others' homes are not read)");
	doc_test_has(&t,
	    "warn: 1 user is locked out now (everywhere or from "
	    "some addresses): mfa-enroll --user NAME unlock lets "
	    "one in");
	ck_assert_uint_eq(t.d.warns, 2);
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(nobody_locked_out)
{
	const char *root = mfa_test_tmpdir();
	struct doc_test t;

	doc_test_file(root, DIR "/dave",
	    "pam_mfa-state 1\nfailures 10\nlocked-until 1764017000\n");
	doc_test_begin(&t, root);
	t.d.now = NOW;
	mfa_doctor_check_users(&t.d, DIR);
	doc_test_has(&t, "ok: users in " DIR ": nobody is locked out");
	ck_assert_ptr_null(strstr(doc_test_text(&t), "  user "));
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("doctor_users");
	TCase *tc = tcase_create("core");

	/* Lock-out ends are shown in local time. */
	setenv("TZ", "UTC", 1);
	tzset();
	tcase_add_test(tc, users_counted_and_listed);
	tcase_add_test(tc, nobody_locked_out);
	suite_add_tcase(s, tc);
	return mfa_test_run(s);
}
