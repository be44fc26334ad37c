/*
 * test_secret_write.c - writing and removing a user's enrolment file under
 * its lock, through its one temporary name (the part the module's
 * enrolment at login and mfa-enroll share): what each operation leaves in
 * the directory, what it refuses, and why it says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "secret_write.h"
#include "testutil.h"

#define TEXT "pam_mfa-secret 1\nnew\n"
#define OLD "pam_mfa-secret 1\nold\n"

static char dir[512], path[600], tmp[600], lock[600];
static struct mfa_secret_target target;
static char why[400];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s", mfa_test_tmpdir());
	snprintf(path, sizeof(path), "%s/.pam_mfa", dir);
	snprintf(tmp, sizeof(tmp), "%s/..pam_mfa.new", dir);
	snprintf(lock, sizeof(lock), "%s/..pam_mfa.lock", dir);
	target.path = path;
	target.owner = geteuid();
	target.user = "alice";
	target.lock_timeout_ms = 200;
	why[0] = '\0';
}

static void
teardown(void)
{
	mfa_test_rm_rf(dir);
}

/* The names in dir, one per line, sorted. */
static const char *
names(void)
{
	return mfa_test_dir_names(dir);
}

/* A file "other" beside the enrolment file, for links to point at. */
static const char *
plant_other(void)
{
	static char other[700];

	snprintf(other, sizeof(other), "%s/other", dir);
	mfa_test_write_file(other, OLD, strlen(OLD), 0600);
	return other;
}

static const char *
content(const char *p)
{
	static char buf[256];
	FILE *f = fopen(p, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int
op(enum mfa_secret_write_op o, const char *text)
{
	return mfa_secret_write(&target, o, text,
	    text != NULL ? strlen(text) : 0, why, sizeof(why));
}

/* Writes leave exactly the file, 0600 whatever the umask, and a leftover
 * of a killed writer goes. */
START_TEST(new_writes_and_clears_the_leftover)
{
	struct stat st;
	mode_t old = umask(0);

	mfa_test_write_file(tmp, OLD, strlen(OLD), 0600);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_NEW, TEXT), MFA_OK);
	umask(old);
	ck_assert_str_eq(names(), ".pam_mfa\n");
	ck_assert_str_eq(content(path), TEXT);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_str_eq(why, "");
}
END_TEST

/* NEW never writes over a file: one that appeared is the user's. */
START_TEST(new_refuses_an_existing_file)
{
	mfa_test_write_file(path, OLD, strlen(OLD), 0600);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_NEW, TEXT), MFA_ERR_DENIED);
	ck_assert_str_eq(content(path), OLD);
	ck_assert_ptr_nonnull(strstr(why, "a secret file appeared meanwhile"));
	ck_assert_str_eq(names(), ".pam_mfa\n");
}
END_TEST

START_TEST(replace_writes_over_the_users_file)
{
	mfa_test_write_file(path, OLD, strlen(OLD), 0600);
	mfa_test_write_file(tmp, OLD, strlen(OLD), 0600);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_REPLACE, TEXT), MFA_OK);
	ck_assert_str_eq(content(path), TEXT);
	ck_assert_str_eq(names(), ".pam_mfa\n");
}
END_TEST

/* A link or a directory at the name is refused and left alone. */
START_TEST(replace_refuses_a_link_or_a_directory)
{
	const char *other = plant_other();

	ck_assert_int_eq(symlink(other, path), 0);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_REPLACE, TEXT), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(why, "is a symbolic link: refused"));
	ck_assert_str_eq(content(other), OLD);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_CLEAR, NULL), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(why, "is not a regular file: refused"));
	ck_assert_str_eq(names(), ".pam_mfa\nother\n");
}
END_TEST

START_TEST(clear_removes_only_the_leftover)
{
	mfa_test_write_file(path, OLD, strlen(OLD), 0600);
	mfa_test_write_file(tmp, TEXT, strlen(TEXT), 0600);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_CLEAR, NULL), MFA_OK);
	ck_assert_str_eq(names(), ".pam_mfa\n");
	ck_assert_str_eq(content(path), OLD);
	/* Nothing there: nothing to do, nothing left. */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_CLEAR, NULL), MFA_OK);
	ck_assert_str_eq(names(), "");
}
END_TEST

START_TEST(remove_removes_the_file_and_the_leftover)
{
	ck_assert_int_eq(op(MFA_SECRET_WRITE_REMOVE, NULL), MFA_ERR_NOENT);
	ck_assert_ptr_nonnull(strstr(why, ".pam_mfa: no such file"));
	mfa_test_write_file(path, OLD, strlen(OLD), 0600);
	mfa_test_write_file(tmp, TEXT, strlen(TEXT), 0600);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_REMOVE, NULL), MFA_OK);
	ck_assert_str_eq(names(), "");
}
END_TEST

/* A link at the lock name: nothing is written, the reason says so. */
START_TEST(link_at_the_lock_name_is_refused)
{
	const char *other = plant_other();

	ck_assert_int_eq(symlink(other, lock), 0);
	ck_assert_int_ne(op(MFA_SECRET_WRITE_NEW, TEXT), MFA_OK);
	ck_assert_ptr_nonnull(strstr(why, ".pam_mfa: cannot write: "));
	ck_assert_int_ne(op(MFA_SECRET_WRITE_CLEAR, NULL), MFA_OK);
	ck_assert_ptr_nonnull(
	    strstr(why, ".pam_mfa: cannot lock it or clear a leftover: "));
	ck_assert_str_eq(content(other), OLD);
	ck_assert_str_eq(names(), "..pam_mfa.lock\nother\n");
}
END_TEST

/* A directory others may write is refused before anything is made. */
START_TEST(unsafe_directory_is_refused)
{
	ck_assert_int_eq(chmod(dir, 0777), 0);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_NEW, TEXT), MFA_ERR_UNSAFE);
	ck_assert_str_ne(why, "");
	ck_assert_int_eq(chmod(dir, 0700), 0);
	ck_assert_str_eq(names(), "");
}
END_TEST

START_TEST(bad_arguments)
{
	ck_assert_int_eq(op(MFA_SECRET_WRITE_NEW, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(op(MFA_SECRET_WRITE_REPLACE, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    op((enum mfa_secret_write_op)7, TEXT), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_secret_write(NULL, MFA_SECRET_WRITE_CLEAR, NULL, 0, NULL, 0),
	    MFA_ERR_INVALID);
	target.path = "relative/.pam_mfa";
	ck_assert_int_eq(op(MFA_SECRET_WRITE_NEW, TEXT), MFA_ERR_INVALID);
	ck_assert_str_eq(names(), "");
}
END_TEST

static Suite *
secret_write_suite(void)
{
	Suite *s = suite_create("secret_write");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_writes_and_clears_the_leftover);
	tcase_add_test(tc, new_refuses_an_existing_file);
	tcase_add_test(tc, replace_writes_over_the_users_file);
	tcase_add_test(tc, replace_refuses_a_link_or_a_directory);
	tcase_add_test(tc, clear_removes_only_the_leftover);
	tcase_add_test(tc, remove_removes_the_file_and_the_leftover);
	tcase_add_test(tc, link_at_the_lock_name_is_refused);
	tcase_add_test(tc, unsafe_directory_is_refused);
	tcase_add_test(tc, bad_arguments);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(secret_write_suite());
}
