/*
 * test_vault.c - the file store's vault (secrets = vault): where a user's
 * record and a pending one live, what a write leaves, what promote does,
 * and the request a user leaves in the home, parsed as hostile input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enrolment.h"
#include "error.h"
#include "testutil.h"
#include "vault.h"

static char dir[512], why[400];
static struct mfa_vault v;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "%s/state", mfa_test_tmpdir());
	v.state_dir = dir;
	v.lock_timeout = 200;
	why[0] = '\0';
}

static void
teardown(void)
{
	char *slash = strrchr(dir, '/');

	*slash = '\0';
	mfa_test_rm_rf(dir);
}

START_TEST(paths_escape_the_name)
{
	static const struct {
		const char *user;
		enum mfa_vault_slot slot;
		const char *tail;
	} rows[] = {
	    {"alice", MFA_VAULT_CURRENT, "/.vault/alice"},
	    {"alice", MFA_VAULT_PENDING, "/.vault/.pending/alice"},
	    {".hidden", MFA_VAULT_CURRENT, "/.vault/%2Ehidden"},
	    {"../root", MFA_VAULT_CURRENT, "/.vault/%2E.%2Froot"},
	    {"DOM\\bob", MFA_VAULT_CURRENT, "/.vault/DOM%5Cbob"},
	};
	char *path = NULL, want[700];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ck_assert_int_eq(
		    mfa_vault_path(&v, rows[i].user, rows[i].slot, &path),
		    MFA_OK);
		snprintf(want, sizeof(want), "%s%s", dir, rows[i].tail);
		ck_assert_str_eq(path, want);
		free(path);
	}
	ck_assert_int_eq(
	    mfa_vault_path(&v, "", MFA_VAULT_CURRENT, &path), MFA_ERR_INVALID);
	ck_assert_ptr_null(path);
}
END_TEST

START_TEST(write_load_promote)
{
	struct mfa_secret *a = NULL, *b = NULL, *got = NULL;
	char path[700];
	struct stat st;

	ck_assert_int_eq(mfa_enrolment_new(1764017613, &a), MFA_OK);
	ck_assert_int_eq(mfa_enrolment_new(1764017613, &b), MFA_OK);
	ck_assert_int_eq(mfa_vault_load(&v, "alice", MFA_VAULT_CURRENT, &got,
			     why, sizeof(why)),
	    MFA_ERR_NOENT);
	ck_assert_int_eq(mfa_vault_write(&v, "alice", MFA_VAULT_CURRENT,
			     MFA_SECRET_WRITE_NEW, a, why, sizeof(why)),
	    MFA_OK);
	snprintf(path, sizeof(path), "%s/.vault", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	snprintf(path, sizeof(path), "%s/.vault/alice", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	/* NEW never replaces. */
	ck_assert_int_eq(mfa_vault_write(&v, "alice", MFA_VAULT_CURRENT,
			     MFA_SECRET_WRITE_NEW, b, why, sizeof(why)),
	    MFA_ERR_DENIED);
	/* A pending record with another id than the one confirmed stays. */
	ck_assert_int_eq(mfa_vault_write(&v, "alice", MFA_VAULT_PENDING,
			     MFA_SECRET_WRITE_REPLACE, b, why, sizeof(why)),
	    MFA_OK);
	ck_assert_int_eq(
	    mfa_vault_promote(&v, "alice", a->id, why, sizeof(why)),
	    MFA_ERR_MISMATCH);
	ck_assert_int_eq(
	    mfa_vault_promote(&v, "alice", b->id, why, sizeof(why)), MFA_OK);
	ck_assert_int_eq(mfa_vault_load(&v, "alice", MFA_VAULT_CURRENT, &got,
			     why, sizeof(why)),
	    MFA_OK);
	ck_assert_mem_eq(got->id, b->id, sizeof(b->id));
	ck_assert_mem_eq(got->key, b->key, b->keylen);
	mfa_secret_free(got);
	ck_assert_int_eq(mfa_vault_load(&v, "alice", MFA_VAULT_PENDING, &got,
			     why, sizeof(why)),
	    MFA_ERR_NOENT);
	ck_assert_int_eq(
	    mfa_vault_promote(&v, "alice", b->id, why, sizeof(why)),
	    MFA_ERR_NOENT);
	mfa_secret_free(a);
	mfa_secret_free(b);
}
END_TEST

START_TEST(record_readable_by_others_refused)
{
	struct mfa_secret *a = NULL, *got = NULL;
	char path[700];

	ck_assert_int_eq(mfa_enrolment_new(1764017613, &a), MFA_OK);
	ck_assert_int_eq(mfa_vault_write(&v, "alice", MFA_VAULT_CURRENT,
			     MFA_SECRET_WRITE_REPLACE, a, why, sizeof(why)),
	    MFA_OK);
	snprintf(path, sizeof(path), "%s/.vault/alice", dir);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(mfa_vault_load(&v, "alice", MFA_VAULT_CURRENT, &got,
			     why, sizeof(why)),
	    MFA_ERR_UNSAFE);
	ck_assert_ptr_null(got);
	ck_assert_ptr_nonnull(strstr(why, "alice"));
	mfa_secret_free(a);
}
END_TEST

START_TEST(request_parse)
{
	static const struct {
		const char *text;
		int rc;
		enum mfa_vault_request r;
	} rows[] = {
	    {"pam_mfa-request 1\nauthenticator\n", MFA_OK,
		MFA_VAULT_REQUEST_APP},
	    {"pam_mfa-request 1\nbackup-codes\n", MFA_OK,
		MFA_VAULT_REQUEST_BACKUP},
	    {"pam_mfa-request 1\nauthenticator", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE},
	    {"pam_mfa-request 1\nauthenticator\nextra\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE},
	    {"pam_mfa-request 2\nauthenticator\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE},
	    {"", MFA_ERR_FORMAT, MFA_VAULT_REQUEST_NONE},
	    {"pam_mfa-request 1\n", MFA_ERR_FORMAT, MFA_VAULT_REQUEST_NONE},
	};
	enum mfa_vault_request r;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = MFA_VAULT_REQUEST_APP;
		ck_assert_int_eq(mfa_vault_request_parse(
				     rows[i].text, strlen(rows[i].text), &r),
		    rows[i].rc);
		ck_assert_int_eq(r, rows[i].r);
	}
	ck_assert_str_eq(mfa_vault_request_text(MFA_VAULT_REQUEST_BACKUP),
	    "pam_mfa-request 1\nbackup-codes\n");
	ck_assert_ptr_null(mfa_vault_request_text(MFA_VAULT_REQUEST_NONE));
}
END_TEST

static Suite *
vault_suite(void)
{
	Suite *s = suite_create("vault");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, paths_escape_the_name);
	tcase_add_test(tc, write_load_promote);
	tcase_add_test(tc, record_readable_by_others_refused);
	tcase_add_test(tc, request_parse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(vault_suite());
}
