/*
 * test_user.c - password and group database look-ups (pam_mfa/user.c),
 * against the real name service: the account running the test and root.
 */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "testutil.h"
#include "user.h"

/* Does u list the group named name? */
static int
has_group(const struct mfa_user *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->ngroups; i++)
		if (strcmp(u->groups[i], name) == 0)
			return 1;
	return 0;
}

START_TEST(current_user)
{
	const struct passwd *me = getpwuid(geteuid());
	const struct group *primary;
	struct mfa_user *u = NULL;

	ck_assert_ptr_nonnull(me);
	ck_assert_int_eq(mfa_user_lookup(me->pw_name, &u), MFA_OK);
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(u->pw.pw_name, me->pw_name);
	ck_assert_uint_eq(u->pw.pw_uid, geteuid());
	ck_assert_str_eq(u->pw.pw_dir, me->pw_dir);
	ck_assert_uint_ge(u->ngroups, 1);
	primary = getgrgid(u->pw.pw_gid);
	if (primary != NULL)
		ck_assert_msg(has_group(u, primary->gr_name),
		    "primary group %s missing", primary->gr_name);
	mfa_user_free(u);
}
END_TEST

START_TEST(root_user)
{
	struct mfa_user *u = NULL;

	ck_assert_int_eq(mfa_user_lookup("root", &u), MFA_OK);
	ck_assert_uint_eq(u->pw.pw_uid, 0);
	ck_assert_int_eq(u->pw.pw_dir[0], '/');
	ck_assert(has_group(u, "root"));
	mfa_user_free(u);
}
END_TEST

START_TEST(unknown_user)
{
	struct mfa_user *u = (struct mfa_user *)1;

	ck_assert_int_eq(
	    mfa_user_lookup("mfa-no-such-user-x7q", &u), MFA_ERR_NOENT);
	ck_assert_ptr_null(u);
}
END_TEST

/* Names no real system uses never reach the name service. */
static const char *const bad_names[] = {
    "",
    "a/b",
    "/root",
    "ro\not",
    "root\r",
    "\x7f",
    "ro\tot",
    "\x1b[31m",
};

START_TEST(insane_names)
{
	struct mfa_user *u = (struct mfa_user *)1;

	ck_assert_int_eq(mfa_user_lookup(bad_names[_i], &u), MFA_ERR_INVALID);
	ck_assert_ptr_null(u);
}
END_TEST

START_TEST(null_and_long_names)
{
	char name[258];
	struct mfa_user *u = (struct mfa_user *)1;

	ck_assert_int_eq(mfa_user_lookup(NULL, &u), MFA_ERR_INVALID);
	ck_assert_ptr_null(u);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0'; /* 257 bytes: one over */
	ck_assert_int_eq(mfa_user_lookup(name, &u), MFA_ERR_INVALID);
	name[256] = '\0'; /* 256: allowed, and unknown */
	ck_assert_int_eq(mfa_user_lookup(name, &u), MFA_ERR_NOENT);
	mfa_user_free(NULL);
}
END_TEST

static Suite *
user_suite(void)
{
	Suite *s = suite_create("user");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, current_user);
	tcase_add_test(tc, root_user);
	tcase_add_test(tc, unknown_user);
	tcase_add_loop_test(tc, insane_names, 0,
	    (int)(sizeof(bad_names) / sizeof(bad_names[0])));
	tcase_add_test(tc, null_and_long_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(user_suite());
}
