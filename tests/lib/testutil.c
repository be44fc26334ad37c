/*
 * testutil.c - helpers shared by the Check suites.
 */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

int
mfa_test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}

const char *
mfa_test_tmpdir(void)
{
	static char path[PATH_MAX];
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	snprintf(path, sizeof(path), "%s/mfa-test.XXXXXX", base);
	ck_assert_ptr_nonnull(mkdtemp(path));
	return path;
}

/* Is every directory from "/" to dir (a canonical path) one we may use? */
static int
chain_is_safe(const char *dir)
{
	char buf[PATH_MAX], real[PATH_MAX];
	struct stat st;

	if (dir == NULL || dir[0] != '/' || realpath(dir, real) == NULL ||
	    strcmp(real, dir) != 0 || access(dir, W_OK) != 0)
		return 0;
	snprintf(buf, sizeof(buf), "%s", dir);
	for (;;) {
		if (lstat(buf[0] ? buf : "/", &st) != 0 ||
		    !S_ISDIR(st.st_mode) ||
		    (st.st_uid != 0 && st.st_uid != geteuid()) ||
		    (st.st_mode & 022) != 0)
			return 0;
		if (buf[0] == '\0')
			return 1;
		*strrchr(buf, '/') = '\0';
	}
}

int
mfa_test_safe_tmpdir(const char *prefix, char *out, size_t outsz)
{
	const char *cand[5];
	char cwd[PATH_MAX];
	size_t i;

	cand[0] = getenv("MFA_TEST_SAFE_DIR");
	cand[1] = getenv("TMPDIR");
	cand[2] = getenv("MFA_BUILD");
	cand[3] = getenv("HOME");
	cand[4] = getcwd(cwd, sizeof(cwd));
	for (i = 0; i < 5; i++) {
		if (!chain_is_safe(cand[i]))
			continue;
		snprintf(out, outsz, "%s/%s.XXXXXX", cand[i], prefix);
		ck_assert_ptr_nonnull(mkdtemp(out));
		ck_assert_int_eq(chmod(out, 0700), 0);
		return 0;
	}
	out[0] = '\0';
	return -1;
}

void
mfa_test_write_file(
    const char *path, const void *data, size_t len, unsigned int mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, (mode_t)mode), 0);
	ck_assert_int_eq(close(fd), 0);
}

static int
rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) == 0 ? 0 : 0;
	chmod(path, 0700);
	return unlink(path) == 0 ? 0 : 0;
}

void
mfa_test_rm_rf(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
