/*
 * test_store_plugin.c - loading a store backend plug-in
 * (store_plugin.h) and store = postgresql in mfa_store_open_config: the
 * plug-in is called with the configured parameters; a missing, unsafe,
 * linked or foreign file is refused with a reason, never loaded.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "store.h"
#include "store_backend.h"
#include "store_open.h"
#include "store_plugin.h"
#include "testutil.h"

static char g_base[PATH_MAX];
static char g_dir[PATH_MAX + 16];
static char g_why[512];

/* Copy the built shared object BUILD/tests/modules/<so> to dst. */
static void
install_so(const char *so, const char *dst, unsigned int mode)
{
	const char *build = getenv("MFA_BUILD");
	char src[PATH_MAX];
	FILE *f;
	char *buf;
	long n;

	ck_assert_msg(build != NULL, "MFA_BUILD is not set (run make check)");
	snprintf(src, sizeof(src), "%s/tests/modules/%s", build, so);
	f = fopen(src, "rb");
	ck_assert_msg(f != NULL, "%s missing (make test-programs)", src);
	ck_assert(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0);
	rewind(f);
	buf = malloc((size_t)n);
	ck_assert(buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	mfa_test_write_file(dst, buf, (size_t)n, mode);
	free(buf);
}

static void
setup(void)
{
	char path[PATH_MAX + 64];

	ck_assert(mfa_test_safe_tmpdir("plugin", g_base, sizeof(g_base)) == 0);
	snprintf(g_dir, sizeof(g_dir), "%s/plugins", g_base);
	ck_assert(mkdir(g_dir, 0755) == 0);
	snprintf(path, sizeof(path), "%s/pam_mfa_store_fixture.so", g_dir);
	install_so("store_fixture.so", path, 0644);
	g_why[0] = '\0';
}

static void
teardown(void)
{
	if (g_base[0] != '\0')
		mfa_test_rm_rf(g_base);
}

/* Load plug-in name from g_dir; the error code (why in g_why). */
static int
load(const char *name)
{
	const struct mfa_store_params p = {
	    MFA_STORE_ABI, "/etc/security/fixture.conninfo", 1234};
	struct mfa_store *s = NULL;
	int rc;

	rc = mfa_store_plugin_load(g_dir, name, &p, &s, g_why, sizeof(g_why));
	ck_assert_ptr_null(s);
	return rc;
}

START_TEST(entry_point_gets_the_parameters)
{
	char want[128];

	ck_assert_int_eq(load("fixture"), MFA_ERR_UNAVAILABLE);
	snprintf(want, sizeof(want),
	    "fixture: abi=%u conninfo=/etc/security/fixture.conninfo "
	    "timeout=1234",
	    (unsigned int)MFA_STORE_ABI);
	ck_assert_str_eq(g_why, want);
}
END_TEST

START_TEST(missing_plugin_is_noent)
{
	ck_assert_int_eq(load("pgsql"), MFA_ERR_NOENT);
	ck_assert_msg(
	    strstr(g_why, "pam_mfa_store_pgsql.so") != NULL, "%s", g_why);
}
END_TEST

START_TEST(group_writable_plugin_is_refused)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/pam_mfa_store_fixture.so", g_dir);
	ck_assert(chmod(path, 0664) == 0);
	ck_assert_int_eq(load("fixture"), MFA_ERR_UNSAFE);
	ck_assert_msg(
	    strstr(g_why, "writable by group or others") != NULL, "%s", g_why);
}
END_TEST

START_TEST(open_directory_is_refused)
{
	ck_assert(chmod(g_dir, 0777) == 0);
	ck_assert_int_eq(load("fixture"), MFA_ERR_UNSAFE);
	ck_assert_msg(strstr(g_why, "plug-in directory") != NULL, "%s", g_why);
}
END_TEST

START_TEST(linked_plugin_is_refused)
{
	char from[PATH_MAX + 64], to[PATH_MAX + 64];

	snprintf(from, sizeof(from), "%s/pam_mfa_store_link.so", g_dir);
	snprintf(to, sizeof(to), "%s/pam_mfa_store_fixture.so", g_dir);
	ck_assert(symlink(to, from) == 0);
	ck_assert_int_eq(load("link"), MFA_ERR_UNSAFE);
	ck_assert_int_eq(load("fixture"), MFA_ERR_UNAVAILABLE);
}
END_TEST

START_TEST(object_without_entry_point_is_refused)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/pam_mfa_store_other.so", g_dir);
	install_so("putenv_authinfo.so", path, 0644);
	ck_assert_int_eq(load("other"), MFA_ERR_VERSION);
	ck_assert_msg(
	    strstr(g_why, "not a pam_mfa store plug-in") != NULL, "%s", g_why);
}
END_TEST

/* store = postgresql without the plug-in: unavailable, and says why. */
START_TEST(postgresql_without_plugin_is_unavailable)
{
	struct mfa_config cfg;
	struct mfa_store *s = NULL;

	ck_assert_int_eq(mfa_config_init(&cfg), MFA_OK);
	cfg.store = MFA_STORE_POSTGRESQL;
	free(cfg.plugin_dir);
	cfg.plugin_dir = strdup(g_dir);
	ck_assert_ptr_nonnull(cfg.plugin_dir);
	ck_assert_int_eq(
	    mfa_store_open_config(&cfg, 1, &s, g_why, sizeof(g_why)),
	    MFA_ERR_UNAVAILABLE);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(g_why, "libpam-mfa-pgsql") != NULL, "%s", g_why);
	ck_assert_str_eq(mfa_store_config_where(&cfg), cfg.store_conninfo);
	mfa_config_free(&cfg);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("store_plugin");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, entry_point_gets_the_parameters);
	tcase_add_test(tc, missing_plugin_is_noent);
	tcase_add_test(tc, group_writable_plugin_is_refused);
	tcase_add_test(tc, open_directory_is_refused);
	tcase_add_test(tc, linked_plugin_is_refused);
	tcase_add_test(tc, object_without_entry_point_is_refused);
	tcase_add_test(tc, postgresql_without_plugin_is_unavailable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(suite());
}
