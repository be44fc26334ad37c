/*
 * test_doctor_pamd.c - the doctor's pam.d reader: auth lines only, in
 * order, with @include, include and substack read in place, "[...]"
 * controls as one token, "-auth", comments, and the limits on nesting.
 */
#include <string.h>

#include "doctor_test.h"
#include "error.h"

#define PAMD DOC_PAM_DIR

/* Read root's /etc/pam.d/sshd into a new stack (the caller frees it). */
static struct doc_pam_stack *
read_sshd(struct doc_test *t)
{
	struct doc_pam_stack *ps = calloc(1, sizeof(*ps));

	ck_assert_ptr_nonnull(ps);
	mfa_doctor_pam_read(&t->d, ps, PAMD "sshd");
	return ps;
}

static void
assert_entry(const struct doc_pam_entry *e, const char *where,
    const char *control, const char *module, const char *args)
{
	ck_assert_str_eq(e->where, where);
	ck_assert_str_eq(e->control, control);
	ck_assert_str_eq(e->module, module);
	ck_assert_str_eq(e->args, args);
}

START_TEST(includes_read_in_place)
{
	const char *root = mfa_test_tmpdir();
	struct doc_pam_stack *ps;
	struct doc_test t;

	doc_test_file(root, PAMD "common-auth",
	    "# here are the per-package modules\n"
	    "auth\t[success=1 default=ignore]\tpam_unix.so nullok\n"
	    "auth\trequisite\t\t\tpam_deny.so\n"
	    "account required pam_permit.so\n");
	doc_test_file(root, PAMD "mfa-stack",
	    "auth required /lib/x86_64-linux-gnu/security/pam_mfa.so "
	    "conf=/etc/x.conf [prompt=Code: ] # a comment\n");
	doc_test_file(root, PAMD "sshd",
	    "@include common-auth\n"
	    "-auth optional pam_gnome_keyring.so\n"
	    "auth substack mfa-stack\n"
	    "session include common-session-missing-is-not-auth\n"
	    "auth\n"
	    "password required pam_unix.so\n");
	doc_test_begin(&t, root);
	ps = read_sshd(&t);
	ck_assert_uint_eq(ps->n, 4);
	assert_entry(&ps->e[0], PAMD "common-auth line 2",
	    "[success=1 default=ignore]", "pam_unix.so", "nullok");
	assert_entry(&ps->e[1], PAMD "common-auth line 3", "requisite",
	    "pam_deny.so", "");
	assert_entry(&ps->e[2], PAMD "sshd line 2", "optional",
	    "pam_gnome_keyring.so", "");
	assert_entry(&ps->e[3], PAMD "mfa-stack line 1", "required",
	    "pam_mfa.so", "conf=/etc/x.conf [prompt=Code: ] ");
	ck_assert_uint_eq(ps->files, 3);
	ck_assert_str_eq(doc_test_text(&t), "");
	free(ps);
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(missing_include_fails)
{
	const char *root = mfa_test_tmpdir();
	struct doc_pam_stack *ps;
	struct doc_test t;

	doc_test_file(root, PAMD "sshd",
	    "@include common-auth\nauth required pam_mfa.so\n");
	doc_test_begin(&t, root);
	ps = read_sshd(&t);
	ck_assert_uint_eq(ps->n, 1);
	ck_assert_uint_eq(t.d.fails, 1);
	doc_test_has(&t,
	    "FAIL: " PAMD "common-auth is included but cannot be "
	    "read (no such file or entry): PAM fails every "
	    "login of the service");
	free(ps);
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(include_loop_stops_once)
{
	const char *root = mfa_test_tmpdir();
	struct doc_pam_stack *ps;
	struct doc_test t;

	doc_test_file(
	    root, PAMD "sshd", "auth required pam_unix.so\n@include sshd\n");
	doc_test_begin(&t, root);
	ps = read_sshd(&t);
	ck_assert_uint_eq(ps->n, 9); /* depth 0 to 8 */
	ck_assert_uint_eq(t.d.warns, 1);
	doc_test_has(&t,
	    "warn: " PAMD "sshd line 2: includes nested too "
	    "deeply or too many files: the rest is not checked");
	free(ps);
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(pam_tokens)
{
	char line[] = "  a [b c\\] d] \t[unclosed e";
	char *p = line;

	ck_assert_str_eq(mfa_doctor_pam_token(&p), "a");
	ck_assert_str_eq(mfa_doctor_pam_token(&p), "[b c\\] d]");
	ck_assert_str_eq(mfa_doctor_pam_token(&p), "[unclosed e");
	ck_assert_ptr_null(mfa_doctor_pam_token(&p));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("doctor_pamd");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, includes_read_in_place);
	tcase_add_test(tc, missing_include_fails);
	tcase_add_test(tc, include_loop_stops_once);
	tcase_add_test(tc, pam_tokens);
	suite_add_tcase(s, tc);
	return mfa_test_run(s);
}
