/*
 * testutil.c - helpers shared by the Check suites.
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "slots.h"
#include "store.h"
#include "store_files.h"
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

/*
 * The candidates for the base, in order: the one tests/run.sh made for this
 * run, then what a suite run by hand may offer.  Same rule as
 * tests/lib/testdir.sh.
 */
static const char *const base_vars[] = {
    "MFA_TEST_BASE", "MFA_TEST_SAFE_DIR", "TMPDIR", "MFA_BUILD", "HOME"};

const char *
mfa_test_base(void)
{
	static char cwd[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(base_vars) / sizeof(base_vars[0]); i++) {
		const char *dir = getenv(base_vars[i]);

		if (chain_is_safe(dir))
			return dir;
	}
	if (getcwd(cwd, sizeof(cwd)) != NULL && chain_is_safe(cwd))
		return cwd;
	return NULL;
}

int
mfa_test_safe_tmpdir(const char *prefix, char *out, size_t outsz)
{
	const char *base = mfa_test_base();

	if (base == NULL) {
		out[0] = '\0';
		return -1;
	}
	snprintf(out, outsz, "%s/%s.XXXXXX", base, prefix);
	ck_assert_ptr_nonnull(mkdtemp(out));
	ck_assert_int_eq(chmod(out, 0700), 0);
	return 0;
}

const char *
mfa_test_tmpdir(void)
{
	static char path[PATH_MAX];

	ck_assert_msg(mfa_test_safe_tmpdir("mfa-test", path, sizeof(path)) == 0,
	    "%s", MFA_TEST_NO_BASE);
	return path;
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

const char *
mfa_test_dir_names(const char *dir)
{
	static char list[4096];
	struct dirent **ents = NULL;
	int n, i;

	list[0] = '\0';
	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_msg(n >= 0, "cannot list %s", dir);
	for (i = 0; i < n; i++) {
		if (strcmp(ents[i]->d_name, ".") != 0 &&
		    strcmp(ents[i]->d_name, "..") != 0)
			snprintf(list + strlen(list),
			    sizeof(list) - strlen(list), "%s\n",
			    ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return list;
}

/* 1 when pid is gone or only a zombie (of init, not of ours). */
static int
process_dead(long pid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

int
mfa_test_process_dies(long pid, unsigned int ms)
{
	unsigned int waited;

	for (waited = 0; waited < ms && !process_dead(pid); waited += 10)
		usleep(10000);
	return process_dead(pid);
}

size_t
mfa_test_record_text(char *buf, size_t len)
{
	static const char no_boot[] = "00000000000000000000000000000000";
	struct mfa_parse_error e = {0, ""};
	struct mfa_slots_view v;

	buf[len] = '\0';
	if (!mfa_slots_detect(buf, len))
		return len;
	ck_assert_msg(mfa_slots_read(buf, len, no_boot, &v, &e) == 0,
	    "record file: %s", e.msg);
	memmove(buf, v.text, v.text_len);
	buf[v.text_len] = '\0';
	return v.text_len;
}

void
mfa_test_store_open(const char *prefix, char *base, size_t basesz, char *dir,
    size_t dirsz, struct mfa_store **s)
{
	char why[256] = "";

	ck_assert_msg(mfa_test_safe_tmpdir(prefix, base, basesz) == 0,
	    "no directory whose parents the store accepts: set TMPDIR to a "
	    "private directory (tests/run.sh does)");
	snprintf(dir, dirsz, "%s/state", base);
	ck_assert_msg(mfa_store_open(dir, 1, s, why, sizeof(why)) == MFA_OK,
	    "store: %s", why);
}

void
mfa_test_store_close(const char *base, struct mfa_store **s)
{
	mfa_store_close(*s);
	*s = NULL;
	if (base[0] != '\0')
		mfa_test_rm_rf(base);
}
