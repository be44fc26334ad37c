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
#include "store_files.h"
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
	ck_assert_int_eq(
	    mfa_store_open(dir, 1, &v.store, why, sizeof(why)), MFA_OK);
}

static void
teardown(void)
{
	char *slash = strrchr(dir, '/');

	mfa_store_close(v.store);
	v.store = NULL;
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
		const char *name;
	} rows[] = {
	    {"pam_mfa-request 1\nauthenticator\n", MFA_OK,
		MFA_VAULT_REQUEST_APP, ""},
	    {"pam_mfa-request 1\nbackup-codes\n", MFA_OK,
		MFA_VAULT_REQUEST_BACKUP, ""},
	    {"pam_mfa-request 1\nadd\n", MFA_OK, MFA_VAULT_REQUEST_ADD, ""},
	    {"pam_mfa-request 1\nadd phone-b\n", MFA_OK, MFA_VAULT_REQUEST_ADD,
		"phone-b"},
	    {"pam_mfa-request 1\nremove app\n", MFA_OK,
		MFA_VAULT_REQUEST_REMOVE, "app"},
	    {"pam_mfa-request 1\nadd "
	     "a2345678901234567890123456789012\n",
		MFA_OK, MFA_VAULT_REQUEST_ADD,
		"a2345678901234567890123456789012"},
	    {"pam_mfa-request 1\nadd "
	     "a23456789012345678901234567890123\n",
		MFA_ERR_FORMAT, MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nremove\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nremove \n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nadd \n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nadd  b\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nadd b c\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nadd B\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nadd ../x\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nremove app\r\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nauthenticator phone\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nbackup-codes x\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nremoveapp\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nadd\nadd\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nauthenticator", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\nauthenticator\nextra\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 2\nauthenticator\n", MFA_ERR_FORMAT,
		MFA_VAULT_REQUEST_NONE, ""},
	    {"", MFA_ERR_FORMAT, MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\n", MFA_ERR_FORMAT, MFA_VAULT_REQUEST_NONE, ""},
	    {"pam_mfa-request 1\n\n", MFA_ERR_FORMAT, MFA_VAULT_REQUEST_NONE,
		""},
	};
	static const char nul[] = "pam_mfa-request 1\nremove a\0b\n";
	struct mfa_vault_req r;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&r, 0x55, sizeof(r));
		ck_assert_msg(mfa_vault_request_parse(rows[i].text,
				  strlen(rows[i].text), &r) == rows[i].rc,
		    "row %zu", i);
		ck_assert_int_eq(r.kind, rows[i].r);
		ck_assert_str_eq(r.name, rows[i].name);
	}
	/* A NUL inside the name: refused, not cut short. */
	ck_assert_int_eq(
	    mfa_vault_request_parse(nul, sizeof(nul) - 1, &r), MFA_ERR_FORMAT);
}
END_TEST

START_TEST(request_format)
{
	struct mfa_vault_req r = {MFA_VAULT_REQUEST_BACKUP, ""};
	struct mfa_vault_req back;
	char text[MFA_VAULT_REQUEST_MAX];

	ck_assert_int_eq(mfa_vault_request_format(&r, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "pam_mfa-request 1\nbackup-codes\n");
	r.kind = MFA_VAULT_REQUEST_REMOVE;
	ck_assert_int_eq(
	    mfa_vault_request_format(&r, text, sizeof(text)), MFA_ERR_FORMAT);
	snprintf(r.name, sizeof(r.name), "phone-b");
	ck_assert_int_eq(mfa_vault_request_format(&r, text, sizeof(text)), 0);
	ck_assert_str_eq(text, "pam_mfa-request 1\nremove phone-b\n");
	ck_assert_int_eq(
	    mfa_vault_request_parse(text, strlen(text), &back), MFA_OK);
	ck_assert_int_eq(back.kind, MFA_VAULT_REQUEST_REMOVE);
	ck_assert_str_eq(back.name, "phone-b");
	r.kind = MFA_VAULT_REQUEST_APP;
	ck_assert_int_eq(
	    mfa_vault_request_format(&r, text, sizeof(text)), MFA_ERR_FORMAT);
	r.kind = MFA_VAULT_REQUEST_ADD;
	snprintf(r.name, sizeof(r.name), "Bad");
	ck_assert_int_eq(
	    mfa_vault_request_format(&r, text, sizeof(text)), MFA_ERR_FORMAT);
	r.kind = MFA_VAULT_REQUEST_NONE;
	r.name[0] = '\0';
	ck_assert_int_eq(
	    mfa_vault_request_format(&r, text, sizeof(text)), MFA_ERR_FORMAT);
	r.kind = MFA_VAULT_REQUEST_ADD;
	ck_assert_int_eq(
	    mfa_vault_request_format(&r, text, 10), MFA_ERR_TOOBIG);
}
END_TEST

/* Without the open store no vault is used: never files of a host's own. */
START_TEST(no_store_is_refused)
{
	struct mfa_vault nov = {NULL, dir, 200};
	struct mfa_secret *got = NULL;

	ck_assert_int_eq(mfa_vault_load(&nov, "alice", MFA_VAULT_CURRENT, &got,
			     why, sizeof(why)),
	    MFA_ERR_INVALID);
	ck_assert_ptr_null(got);
	ck_assert_int_eq(mfa_vault_write(&nov, "alice", MFA_VAULT_CURRENT,
			     MFA_SECRET_WRITE_REMOVE, NULL, why, sizeof(why)),
	    MFA_ERR_INVALID);
	ck_assert_str_eq(why, "no store for the vault");
}
END_TEST

static Suite *
vault_suite(void)
{
	Suite *s = suite_create("vault");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_store_is_refused);
	tcase_add_test(tc, paths_escape_the_name);
	tcase_add_test(tc, write_load_promote);
	tcase_add_test(tc, record_readable_by_others_refused);
	tcase_add_test(tc, request_parse);
	tcase_add_test(tc, request_format);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(vault_suite());
}
