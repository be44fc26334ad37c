/*
 * test_secret_io.c - opening, checking, reading and parsing a secret file
 * from disk (the part the module and mfa-enroll share).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mem.h"
#include "secret_io.h"
#include "secretfile.h"
#include "testutil.h"

static char path[512];

/* A fresh directory with a valid secret file "secret" of mode 0600;
 * its key in key[] (*keylen bytes). */
static void
setup_file(unsigned char *key, size_t *keylen)
{
	struct mfa_secret *s = NULL;
	char *text = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/secret", mfa_test_tmpdir());
	ck_assert_int_eq(mfa_secret_new(&s), MFA_OK);
	ck_assert_int_eq(mfa_secret_generate(s, 20, 1764017613), MFA_OK);
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), MFA_OK);
	mfa_test_write_file(path, text, len, 0600);
	memcpy(key, s->key, s->keylen);
	*keylen = s->keylen;
	mfa_freezero(text, len);
	mfa_secret_free(s);
}

START_TEST(loads_a_good_file)
{
	unsigned char key[MFA_SECRET_KEY_MAX];
	struct mfa_secret *s = NULL;
	char why[400] = "";
	size_t keylen = 0;

	setup_file(key, &keylen);
	ck_assert_int_eq(
	    mfa_secret_load_path(path, geteuid(), &s, why, sizeof(why)),
	    MFA_OK);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->keylen, keylen);
	ck_assert_mem_eq(s->key, key, keylen);
	ck_assert_int_eq(s->created, 1764017613);
	ck_assert_str_eq(why, "");
	mfa_secret_free(s);
	mfa_test_rm_rf(mfa_test_tmpdir());
}
END_TEST

START_TEST(missing_file_is_noent)
{
	struct mfa_secret *s = (struct mfa_secret *)1;
	char why[400] = "";

	snprintf(path, sizeof(path), "%s/none", mfa_test_tmpdir());
	ck_assert_int_eq(
	    mfa_secret_load_path(path, geteuid(), &s, why, sizeof(why)),
	    MFA_ERR_NOENT);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(why, "none"));
	mfa_test_rm_rf(mfa_test_tmpdir());
}
END_TEST

START_TEST(group_readable_file_is_refused)
{
	unsigned char key[MFA_SECRET_KEY_MAX];
	struct mfa_secret *s = NULL;
	char why[400] = "";
	size_t keylen = 0;

	setup_file(key, &keylen);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(
	    mfa_secret_load_path(path, geteuid(), &s, why, sizeof(why)),
	    MFA_ERR_UNSAFE);
	ck_assert_ptr_null(s);
	ck_assert_str_ne(why, "");
	mfa_test_rm_rf(mfa_test_tmpdir());
}
END_TEST

START_TEST(somebody_elses_file_is_refused)
{
	unsigned char key[MFA_SECRET_KEY_MAX];
	struct mfa_secret *s = NULL;
	char why[400] = "";
	size_t keylen = 0;
	uid_t owner = geteuid() + 1;

	setup_file(key, &keylen);
	/* As root, a file of another uid; otherwise a file not of owner
	 * (and not root's). */
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(path, 12345, 12345), 0);
		owner = 0;
	}
	ck_assert_int_eq(
	    mfa_secret_load_path(path, owner, &s, why, sizeof(why)),
	    MFA_ERR_UNSAFE);
	ck_assert_ptr_null(s);
	mfa_test_rm_rf(mfa_test_tmpdir());
}
END_TEST

START_TEST(parse_error_names_path_and_line)
{
	static const char text[] = "# comment\npam_mfa-secret 1\nhello\n";
	struct mfa_secret *s = NULL;
	char why[400] = "", want[600];

	snprintf(path, sizeof(path), "%s/secret", mfa_test_tmpdir());
	mfa_test_write_file(path, text, sizeof(text) - 1, 0600);
	ck_assert_int_eq(
	    mfa_secret_load_path(path, geteuid(), &s, why, sizeof(why)),
	    MFA_ERR_FORMAT);
	ck_assert_ptr_null(s);
	snprintf(
	    want, sizeof(want), "%s line 3: key 'hello' has no value", path);
	ck_assert_str_eq(why, want);
	/* why may be absent. */
	ck_assert_int_eq(
	    mfa_secret_load_path(path, geteuid(), &s, NULL, 0), MFA_ERR_FORMAT);
	mfa_test_rm_rf(mfa_test_tmpdir());
}
END_TEST

START_TEST(bad_arguments)
{
	struct mfa_secret *s = NULL;

	ck_assert_int_eq(
	    mfa_secret_load_path(NULL, 0, &s, NULL, 0), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_secret_load_path("/x", 0, NULL, NULL, 0), MFA_ERR_INVALID);
}
END_TEST

static Suite *
secret_io_suite(void)
{
	Suite *s = suite_create("secret_io");
	TCase *tc = tcase_create("secret_io");

	tcase_add_test(tc, loads_a_good_file);
	tcase_add_test(tc, missing_file_is_noent);
	tcase_add_test(tc, group_readable_file_is_refused);
	tcase_add_test(tc, somebody_elses_file_is_refused);
	tcase_add_test(tc, parse_error_names_path_and_line);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(secret_io_suite());
}
