/*
 * test_fileio.c - safe opening (walk, links, owners, modes, sizes), atomic
 * replace (modes, planted links, clean-up, crash safety) and locks.
 *
 * Files are made under a private directory whose parents pass the checks
 * (the build directory, $HOME or the current directory; /tmp would be
 * refused).  MFA_TEST_SAFE_DIR names another one.  Owner checks expect
 * getuid(); cases that need another uid (chown) run only as root and print
 * a SKIP line otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "random.h"
#include "testutil.h"

#define NOBODY 65534

static char g_dir[PATH_MAX]; /* this test's private directory, or "" */

static void
setup(void)
{
	if (mfa_test_safe_tmpdir("fileio-test", g_dir, sizeof(g_dir)) != 0)
		fprintf(stderr,
		    "SKIP: no directory whose parents are safe; "
		    "set MFA_TEST_SAFE_DIR\n");
}

static void
teardown(void)
{
	if (g_dir[0] != '\0')
		mfa_test_rm_rf(g_dir);
}

#define NEED_DIR()                                                             \
	do {                                                                   \
		if (g_dir[0] == '\0')                                          \
			return;                                                \
	} while (0)

#define NEED_ROOT(what)                                                        \
	do {                                                                   \
		if (geteuid() != 0) {                                          \
			fprintf(stderr, "SKIP: %s needs root\n", what);        \
			return;                                                \
		}                                                              \
	} while (0)

/* g_dir + "/" + rel in one of four rotating buffers. */
static const char *
at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static unsigned int n;
	char *b = buf[n++ % 4];

	int len = snprintf(b, PATH_MAX, "%s/%s", g_dir, rel);

	ck_assert(len > 0 && len < PATH_MAX);
	return b;
}

static void
put(const char *rel, const char *data, unsigned int mode)
{
	mfa_test_write_file(at(rel), data, strlen(data), mode);
}

static void
mkdir_mode(const char *rel, mode_t mode)
{
	ck_assert_int_eq(mkdir(at(rel), 0700), 0);
	ck_assert_int_eq(chmod(at(rel), mode), 0);
}

/* mfa_file_open_read with owner getuid(); checks the fd contract. */
static int
try_open(const char *path, size_t max, struct mfa_file_error *err)
{
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = max};
	int fd = 4242, r;

	r = mfa_file_open_read(path, &rules, &fd, err);
	if (r == MFA_OK) {
		ck_assert_int_ge(fd, 0);
		close(fd);
	} else {
		ck_assert_int_eq(fd, -1);
	}
	return r;
}

static int
dir_fd(void)
{
	int fd = open(g_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Read a whole small file with plain calls; returns its length. */
static size_t
slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, size);
	ck_assert_int_ge(n, 0);
	close(fd);
	return (size_t)n;
}

/* Entries of g_dir that start with prefix. */
static int
count_prefix(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(open_read_and_read_all)
{
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = 100};
	struct mfa_file_error err;
	char *buf;
	size_t len;
	int fd;

	NEED_DIR();
	put("f", "secret\n", 0600);
	ck_assert_int_eq(mfa_file_open_read(at("f"), &rules, &fd, &err), 0);
	ck_assert_str_eq(err.why, "");
	ck_assert_int_eq(mfa_file_read_all(fd, 100, &buf, &len), MFA_OK);
	ck_assert_uint_eq(len, 7);
	ck_assert_str_eq(buf, "secret\n");
	mfa_freezero(buf, len + 1);
	/* O_NONBLOCK is harmless on a regular file; it stays readable. */
	close(fd);
	ck_assert_int_eq(try_open(at("/f"), 100, &err), MFA_OK); /* "//" */
	ck_assert_int_eq(
	    mfa_file_read_all(-1, 10, &buf, &len), MFA_ERR_INVALID);
}
END_TEST

static const struct {
	unsigned int mode;
	int want;
} mode_cases[] = {
    {0600, MFA_OK},
    {0400, MFA_OK},
    {0700, MFA_OK},
    {0640, MFA_ERR_UNSAFE},
    {0644, MFA_ERR_UNSAFE},
    {0666, MFA_ERR_UNSAFE},
    {0604, MFA_ERR_UNSAFE},
    {0620, MFA_ERR_UNSAFE},
    {0602, MFA_ERR_UNSAFE},
    {0601, MFA_ERR_UNSAFE},
    {0610, MFA_ERR_UNSAFE},
};

START_TEST(file_modes)
{
	struct mfa_file_error err;
	int r;

	NEED_DIR();
	put("f", "x", mode_cases[_i].mode);
	r = try_open(at("f"), 100, &err);
	ck_assert_msg(r == mode_cases[_i].want, "mode %04o: got %d (%s)",
	    mode_cases[_i].mode, r, err.why);
	if (r != MFA_OK)
		ck_assert_ptr_nonnull(strstr(err.why, "mode 0"));
}
END_TEST

/* The site configuration may be world-readable, never writable. */
START_TEST(readable_by_all)
{
	static const struct {
		unsigned int mode;
		int want;
	} cases[] = {{0644, MFA_OK}, {0640, MFA_OK}, {0444, MFA_OK},
	    {0600, MFA_OK}, {0664, MFA_ERR_UNSAFE}, {0646, MFA_ERR_UNSAFE},
	    {0666, MFA_ERR_UNSAFE}};
	struct mfa_file_rules rules = {
	    .owner = getuid(), .max_size = 100, .readable_by_all = 1};
	struct mfa_file_error err;
	size_t i;
	int fd, r;

	NEED_DIR();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put("conf", "x = 1\n", cases[i].mode);
		r = mfa_file_open_read(at("conf"), &rules, &fd, &err);
		ck_assert_msg(r == cases[i].want, "mode %04o: %d (%s)",
		    cases[i].mode, r, err.why);
		if (r == MFA_OK)
			close(fd);
	}
	/* Directories stay strict. */
	ck_assert_int_eq(chmod(g_dir, 0770), 0);
	put("conf", "x = 1\n", 0644);
	ck_assert_int_eq(
	    mfa_file_open_read(at("conf"), &rules, &fd, &err), MFA_ERR_UNSAFE);
	ck_assert_int_eq(chmod(g_dir, 0700), 0);
}
END_TEST

START_TEST(size_limits)
{
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = 1000};
	struct mfa_file_error err;
	char data[102], *buf = (char *)1;
	size_t len;
	int fd;

	NEED_DIR();
	memset(data, 'x', 101);
	data[101] = '\0';
	put("big", data, 0600);
	ck_assert_int_eq(try_open(at("big"), 100, &err), MFA_ERR_TOOBIG);
	ck_assert_ptr_nonnull(strstr(err.why, "101 bytes"));
	data[100] = '\0';
	put("exact", data, 0600);
	ck_assert_int_eq(try_open(at("exact"), 100, &err), MFA_OK);
	put("empty", "", 0600);
	ck_assert_int_eq(try_open(at("empty"), 0, &err), MFA_OK);
	/* read_all: exactly max is fine, one more byte is too big. */
	ck_assert_int_eq(mfa_file_open_read(at("big"), &rules, &fd, &err), 0);
	ck_assert_int_eq(
	    mfa_file_read_all(fd, 100, &buf, &len), MFA_ERR_TOOBIG);
	ck_assert_ptr_null(buf);
	ck_assert_uint_eq(len, 0);
	close(fd);
	ck_assert_int_eq(mfa_file_open_read(at("exact"), &rules, &fd, &err), 0);
	ck_assert_int_eq(mfa_file_read_all(fd, 100, &buf, &len), MFA_OK);
	ck_assert_uint_eq(len, 100);
	ck_assert_int_eq(buf[100], '\0');
	mfa_freezero(buf, len + 1);
	close(fd);
	ck_assert_int_eq(mfa_file_open_read(at("empty"), &rules, &fd, &err), 0);
	ck_assert_int_eq(mfa_file_read_all(fd, 100, &buf, &len), MFA_OK);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(buf, "");
	mfa_freezero(buf, len + 1);
	close(fd);
}
END_TEST

START_TEST(symlink_as_file)
{
	struct mfa_file_error err;

	NEED_DIR();
	put("f", "secret", 0600);
	ck_assert_int_eq(symlink(at("f"), at("own")), 0);
	ck_assert_int_eq(try_open(at("own"), 100, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "symbolic link"));
	ck_assert_int_eq(symlink("/etc/shadow", at("shadow")), 0);
	ck_assert_int_eq(try_open(at("shadow"), 100000, &err), MFA_ERR_UNSAFE);
	ck_assert_int_eq(symlink(at("nowhere"), at("dangling")), 0);
	ck_assert_int_eq(try_open(at("dangling"), 100, &err), MFA_ERR_UNSAFE);
}
END_TEST

START_TEST(symlink_as_parent)
{
	struct mfa_file_error err;

	NEED_DIR();
	mkdir_mode("real", 0700);
	put("real/f", "secret", 0600);
	ck_assert_int_eq(symlink("real", at("ln")), 0);
	if (geteuid() == 0) /* root's own link would be trusted: hand it off */
		ck_assert_int_eq(lchown(at("ln"), NOBODY, NOBODY), 0);
	ck_assert_int_eq(try_open(at("ln/f"), 100, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "not controlled by root"));
	ck_assert_int_eq(try_open(at("real/f"), 100, &err), MFA_OK);
}
END_TEST

/* Links root controls are followed: /bin -> usr/bin on merged-/usr. */
START_TEST(system_link_followed)
{
	static const char path[] = "/bin/mfa-test-no-such-file";
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = 100};
	struct mfa_file_error err;
	const char *name;
	struct stat st, want;
	int dfd;

	if (lstat("/bin", &st) != 0 || !S_ISLNK(st.st_mode) || st.st_uid != 0 ||
	    stat("/bin", &want) != 0) {
		fprintf(stderr, "SKIP: /bin is not a root-owned link here\n");
		return;
	}
	ck_assert_int_eq(
	    mfa_file_open_parent(path, &rules, &dfd, &name, &err), MFA_OK);
	ck_assert_ptr_eq(name, path + 5);
	ck_assert_int_eq(fstat(dfd, &st), 0);
	ck_assert(st.st_ino == want.st_ino && st.st_dev == want.st_dev);
	close(dfd);
	ck_assert_int_eq(try_open(path, 100, &err), MFA_ERR_NOENT);
}
END_TEST

START_TEST(root_links)
{
	struct mfa_file_rules rules = {.owner = NOBODY, .max_size = 100};
	struct mfa_file_error err;
	char name[16], target[16];
	int i, fd;

	NEED_DIR();
	NEED_ROOT("following root's links in a test directory");
	mkdir_mode("a", 0755);
	mkdir_mode("b", 0755);
	put("b/f", "data", 0600);
	ck_assert_int_eq(symlink("../b", at("a/up")), 0); /* relative, ".." */
	ck_assert_int_eq(try_open(at("a/up/f"), 100, &err), MFA_OK);
	ck_assert_int_eq(symlink(at("b"), at("abs")), 0); /* absolute */
	ck_assert_int_eq(try_open(at("abs/f"), 100, &err), MFA_OK);
	/* A chain of 8 is allowed, 9 is not. */
	for (i = 1; i <= 9; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(target, sizeof(target), i == 1 ? "b" : "c%d", i - 1);
		ck_assert_int_eq(symlink(target, at(name)), 0);
	}
	ck_assert_int_eq(try_open(at("c8/f"), 100, &err), MFA_OK);
	ck_assert_int_eq(try_open(at("c9/f"), 100, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "symbolic links"));
	/* Root's link in a directory root does not own: not followed. */
	mkdir_mode("n", 0700);
	ck_assert_int_eq(symlink(at("b"), at("n/ln")), 0);
	ck_assert_int_eq(chown(at("n"), NOBODY, NOBODY), 0);
	ck_assert_int_eq(chown(at("b/f"), NOBODY, NOBODY), 0);
	ck_assert_int_eq(mfa_file_open_read(at("n/ln/f"), &rules, &fd, &err),
	    MFA_ERR_UNSAFE);
}
END_TEST

START_TEST(fifo_refused_promptly)
{
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = 100};
	struct mfa_file_error err;
	time_t t0 = time(NULL);
	int dfd, fd;

	NEED_DIR();
	ck_assert_int_eq(mkfifo(at("p"), 0600), 0);
	ck_assert_int_eq(try_open(at("p"), 100, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "not a regular file"));
	dfd = dir_fd();
	ck_assert_int_eq(
	    mfa_file_openat_read(dfd, "p", &rules, &fd, &err), MFA_ERR_UNSAFE);
	close(dfd);
	ck_assert_int_le(time(NULL) - t0, 2);
}
END_TEST

START_TEST(directory_as_file)
{
	struct mfa_file_error err;

	NEED_DIR();
	mkdir_mode("d", 0700);
	ck_assert_int_eq(try_open(at("d"), 100, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "is a directory"));
}
END_TEST

START_TEST(wrong_owner)
{
	struct mfa_file_error err;
	struct stat st;

	NEED_DIR();
	/* Root-owned files are accepted, but not with group/other bits. */
	if (stat("/etc/hostname", &st) == 0 && st.st_uid == 0 &&
	    (st.st_mode & 077) != 0)
		ck_assert_int_eq(
		    try_open("/etc/hostname", 100000, &err), MFA_ERR_UNSAFE);
	else
		fprintf(stderr, "SKIP: /etc/hostname is not root's and 0644\n");
	NEED_ROOT("a file owned by another user");
	put("f", "x", 0600);
	ck_assert_int_eq(chown(at("f"), NOBODY, NOBODY), 0);
	{
		struct mfa_file_rules rules = {.owner = 1000, .max_size = 100};
		int fd;

		ck_assert_int_eq(mfa_file_open_read(at("f"), &rules, &fd, &err),
		    MFA_ERR_UNSAFE);
		ck_assert_ptr_nonnull(strstr(err.why, "owned by uid 65534"));
	}
	mkdir_mode("d", 0700);
	put("d/f", "x", 0600);
	ck_assert_int_eq(chown(at("d"), NOBODY, NOBODY), 0);
	{
		struct mfa_file_rules rules = {.owner = 1000, .max_size = 100};
		int fd;

		ck_assert_int_eq(
		    mfa_file_open_read(at("d/f"), &rules, &fd, &err),
		    MFA_ERR_UNSAFE);
		ck_assert_ptr_nonnull(strstr(err.why, "directory owned by"));
	}
}
END_TEST

START_TEST(hard_link)
{
	struct mfa_file_error err;

	NEED_DIR();
	put("f", "x", 0600);
	ck_assert_int_eq(link(at("f"), at("h")), 0);
	ck_assert_int_eq(try_open(at("h"), 100, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "2 hard links"));
	ck_assert_int_eq(try_open(at("f"), 100, &err), MFA_ERR_UNSAFE);
}
END_TEST

static const struct {
	unsigned int mode;
	int want;
} dir_cases[] = {
    {0700, MFA_OK},
    {0755, MFA_OK},
    {0750, MFA_OK},
    {0711, MFA_OK},
    {0770, MFA_ERR_UNSAFE},
    {0707, MFA_ERR_UNSAFE},
    {0777, MFA_ERR_UNSAFE},
    {01777, MFA_ERR_UNSAFE}, /* like /tmp */
    {0720, MFA_ERR_UNSAFE},
    {0702, MFA_ERR_UNSAFE},
};

START_TEST(parent_modes)
{
	struct mfa_file_error err;
	int r;

	NEED_DIR();
	mkdir_mode("a", 0700);
	mkdir_mode("a/b", 0700);
	put("a/b/f", "x", 0600);
	/* The direct parent, then the grandparent. */
	ck_assert_int_eq(chmod(at("a/b"), dir_cases[_i].mode), 0);
	r = try_open(at("a/b/f"), 100, &err);
	ck_assert_msg(r == dir_cases[_i].want, "parent %04o: %d (%s)",
	    dir_cases[_i].mode, r, err.why);
	ck_assert_int_eq(chmod(at("a/b"), 0700), 0);
	ck_assert_int_eq(chmod(at("a"), dir_cases[_i].mode), 0);
	r = try_open(at("a/b/f"), 100, &err);
	ck_assert_msg(r == dir_cases[_i].want, "grandparent %04o: %d (%s)",
	    dir_cases[_i].mode, r, err.why);
	if (r != MFA_OK)
		ck_assert_ptr_nonnull(
		    strstr(err.why, "/a: directory writable"));
	ck_assert_int_eq(chmod(at("a"), 0700), 0);
}
END_TEST

START_TEST(tmp_refused)
{
	struct mfa_file_error err;
	struct stat st;

	if (stat("/tmp", &st) != 0 || (st.st_mode & 022) == 0)
		return;
	ck_assert_int_eq(
	    try_open("/tmp/mfa-no-such/f", 100, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "/tmp: directory writable"));
}
END_TEST

START_TEST(missing)
{
	struct mfa_file_error err;

	NEED_DIR();
	ck_assert_int_eq(try_open(at("nofile"), 100, &err), MFA_ERR_NOENT);
	ck_assert_ptr_nonnull(strstr(err.why, "does not exist"));
	ck_assert_int_eq(try_open(at("nodir/f"), 100, &err), MFA_ERR_NOENT);
	ck_assert_ptr_nonnull(strstr(err.why, "/nodir: does not exist"));
	/* A file where a directory should be is not "missing". */
	put("f", "x", 0600);
	ck_assert_int_eq(try_open(at("f/g"), 100, &err), MFA_ERR_UNSAFE);
	/* Bytes that could forge a log line are masked in the reason. */
	ck_assert_int_eq(try_open(at("x\ny/f"), 100, &err), MFA_ERR_NOENT);
	ck_assert_ptr_null(strchr(err.why, '\n'));
	ck_assert_ptr_nonnull(strstr(err.why, "x?y"));
}
END_TEST

static const char *const bad_paths[] = {
    "",
    "relative/f",
    "f",
    "/",
    "/etc/",
    "/etc/../etc/hostname",
    "/etc/./hostname",
    "/etc/..",
    "/etc/.",
    "/..",
    "./f",
};

START_TEST(invalid_paths)
{
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = 100};
	struct mfa_file_error err;
	const char *name = "x";
	int fd = 7;

	ck_assert_int_eq(try_open(bad_paths[_i], 100, &err), MFA_ERR_INVALID);
	ck_assert_str_ne(err.why, "");
	ck_assert_int_eq(
	    mfa_file_open_parent(bad_paths[_i], &rules, &fd, &name, &err),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(fd, -1);
	ck_assert_ptr_null(name);
	ck_assert_int_eq(
	    mfa_dir_open_private(bad_paths[_i], 1, &fd, &err), MFA_ERR_INVALID);
}
END_TEST

START_TEST(dots_in_names_are_names)
{
	struct mfa_file_error err;

	NEED_DIR();
	put("...", "x", 0600);
	put(".f", "x", 0600);
	ck_assert_int_eq(try_open(at("..."), 100, &err), MFA_OK);
	ck_assert_int_eq(try_open(at(".f"), 100, &err), MFA_OK);
	ck_assert_int_eq(try_open(NULL, 100, &err), MFA_ERR_INVALID);
}
END_TEST

START_TEST(open_parent)
{
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = 100};
	struct mfa_file_error err;
	const char *path, *name;
	struct stat a, b;
	int dfd;

	NEED_DIR();
	mkdir_mode("d", 0700);
	path = at("d/newfile");
	ck_assert_int_eq(
	    mfa_file_open_parent(path, &rules, &dfd, &name, &err), MFA_OK);
	ck_assert_ptr_eq(name, path + strlen(path) - strlen("newfile"));
	ck_assert_int_eq(fstat(dfd, &a), 0);
	ck_assert_int_eq(stat(at("d"), &b), 0);
	ck_assert(a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	ck_assert_int_eq(
	    mfa_file_replace(dfd, name, "hi", 2, 0600, (uid_t)-1, (gid_t)-1),
	    MFA_OK);
	close(dfd);
	ck_assert_int_eq(try_open(at("d/newfile"), 100, &err), MFA_OK);
	ck_assert_int_eq(chmod(at("d"), 0770), 0);
	ck_assert_int_eq(mfa_file_open_parent(path, &rules, &dfd, &name, &err),
	    MFA_ERR_UNSAFE);
	ck_assert_int_eq(dfd, -1);
	ck_assert_int_eq(
	    mfa_file_open_parent(at("nodir/x"), &rules, &dfd, &name, &err),
	    MFA_ERR_NOENT);
}
END_TEST

START_TEST(openat_read)
{
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = 100};
	struct mfa_file_error err;
	char *buf;
	size_t len;
	int dfd, fd;

	NEED_DIR();
	put("f", "abc", 0600);
	put("g", "abc", 0644);
	ck_assert_int_eq(symlink("f", at("l")), 0);
	dfd = dir_fd();
	ck_assert_int_eq(mfa_file_openat_read(dfd, "f", &rules, &fd, &err), 0);
	ck_assert_int_eq(mfa_file_read_all(fd, 100, &buf, &len), MFA_OK);
	ck_assert_str_eq(buf, "abc");
	mfa_freezero(buf, len + 1);
	close(fd);
	ck_assert_int_eq(
	    mfa_file_openat_read(dfd, "g", &rules, &fd, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "g: group or others"));
	ck_assert_int_eq(
	    mfa_file_openat_read(dfd, "l", &rules, &fd, &err), MFA_ERR_UNSAFE);
	ck_assert_int_eq(mfa_file_openat_read(dfd, "nope", &rules, &fd, &err),
	    MFA_ERR_NOENT);
	ck_assert_int_eq(mfa_file_openat_read(dfd, "a/f", &rules, &fd, &err),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_file_openat_read(dfd, "..", &rules, &fd, &err),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(fd, -1);
	close(dfd);
}
END_TEST

START_TEST(private_dir)
{
	struct mfa_file_error err;
	struct stat st;
	int fd;

	NEED_DIR();
	ck_assert_int_eq(
	    mfa_dir_open_private_as(at("s"), 0, getuid(), &fd, &err),
	    MFA_ERR_NOENT);
	umask(0777); /* the directory must still come out 0700 */
	ck_assert_int_eq(
	    mfa_dir_open_private_as(at("s"), 1, getuid(), &fd, &err), MFA_OK);
	umask(022);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert(S_ISDIR(st.st_mode));
	close(fd);
	ck_assert_int_eq(
	    mfa_dir_open_private_as(at("s"), 1, getuid(), &fd, &err), MFA_OK);
	close(fd);
	ck_assert_int_eq(chmod(at("s"), 0755), 0);
	ck_assert_int_eq(
	    mfa_dir_open_private_as(at("s"), 0, getuid(), &fd, &err), MFA_OK);
	close(fd);
	ck_assert_int_eq(chmod(at("s"), 0775), 0);
	ck_assert_int_eq(
	    mfa_dir_open_private_as(at("s"), 0, getuid(), &fd, &err),
	    MFA_ERR_UNSAFE);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(symlink("s", at("ln")), 0);
	ck_assert_int_eq(
	    mfa_dir_open_private_as(at("ln"), 1, getuid(), &fd, &err),
	    MFA_ERR_UNSAFE);
	put("file", "x", 0600);
	ck_assert_int_eq(
	    mfa_dir_open_private_as(at("file"), 1, getuid(), &fd, &err),
	    MFA_ERR_UNSAFE);
	ck_assert_int_eq(
	    mfa_dir_open_private_as(at("no/s"), 1, getuid(), &fd, &err),
	    MFA_ERR_NOENT);
}
END_TEST

START_TEST(private_dir_owner)
{
	struct mfa_file_error err;
	int fd;

	NEED_DIR();
	mkdir_mode("s", 0700);
	if (geteuid() != 0) {
		/* Owned by us, not root: the module's directory is refused. */
		ck_assert_int_eq(mfa_dir_open_private(at("s"), 1, &fd, &err),
		    MFA_ERR_UNSAFE);
		return;
	}
	ck_assert_int_eq(mfa_dir_open_private(at("s"), 0, &fd, &err), MFA_OK);
	close(fd);
	ck_assert_int_eq(mfa_dir_open_private(at("new"), 1, &fd, &err), 0);
	close(fd);
	ck_assert_int_eq(chown(at("s"), NOBODY, NOBODY), 0);
	ck_assert_int_eq(
	    mfa_dir_open_private(at("s"), 0, &fd, &err), MFA_ERR_UNSAFE);
	ck_assert_ptr_nonnull(strstr(err.why, "owned by uid 65534"));
}
END_TEST

static void
check_replace_mode(mode_t um, mode_t mode)
{
	char buf[16];
	struct stat st;
	int dfd = dir_fd();

	umask(um);
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "f", "new", 3, mode, (uid_t)-1, (gid_t)-1),
	    MFA_OK);
	umask(022);
	close(dfd);
	ck_assert_int_eq(lstat(at("f"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, mode);
	ck_assert_uint_eq(slurp(at("f"), buf, sizeof(buf)), 3);
	ck_assert(memcmp(buf, "new", 3) == 0);
}

START_TEST(replace_modes_and_content)
{
	char buf[64];
	int dfd;

	NEED_DIR();
	check_replace_mode(0, 0600);
	check_replace_mode(077, 0600);
	check_replace_mode(0777, 0600);
	check_replace_mode(0, 0640);
	put("g", "a much longer old content", 0600);
	dfd = dir_fd();
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "g", "short", 5, 0600, (uid_t)-1, (gid_t)-1),
	    MFA_OK);
	ck_assert_uint_eq(slurp(at("g"), buf, sizeof(buf)), 5);
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "e", NULL, 0, 0600, (uid_t)-1, (gid_t)-1),
	    MFA_OK);
	ck_assert_uint_eq(slurp(at("e"), buf, sizeof(buf)), 0);
	close(dfd);
	ck_assert_int_eq(count_prefix(g_dir, ".g."), 0);
}
END_TEST

/* A walk's O_PATH descriptor cannot be fsync'ed: the replace copes. */
START_TEST(replace_opath_dirfd)
{
	char buf[16];
	int dfd;

	NEED_DIR();
	dfd = open(g_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "f", "abc", 3, 0600, -1u, -1u), MFA_OK);
	close(dfd);
	ck_assert_uint_eq(slurp(at("f"), buf, sizeof(buf)), 3);
}
END_TEST

START_TEST(replace_invalid)
{
	char longname[256];
	int dfd;

	NEED_DIR();
	memset(longname, 'n', 250);
	longname[250] = '\0';
	dfd = dir_fd();
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "", "x", 1, 0600, -1u, -1u), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_file_replace(dfd, ".", "x", 1, 0600, -1u, -1u),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_file_replace(dfd, "..", "x", 1, 0600, -1u, -1u),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_file_replace(dfd, "a/b", "x", 1, 0600, -1u, -1u),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_file_replace(dfd, NULL, "x", 1, 0600, -1u, -1u),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_file_replace(dfd, "f", NULL, 1, 0600, -1u, -1u),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_file_replace(dfd, "f", "x", 1, 04600, -1u, -1u),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_file_replace(dfd, longname, "x", 1, 0600, -1u, -1u),
	    MFA_ERR_INVALID);
	longname[247] = '\0'; /* ".name.XXXXXX" is then 255 bytes */
	ck_assert_int_eq(
	    mfa_file_replace(dfd, longname, "x", 1, 0600, -1u, -1u), MFA_OK);
	close(dfd);
}
END_TEST

START_TEST(replace_planted)
{
	char buf[64], lnk[PATH_MAX];
	ssize_t n;
	int dfd;

	NEED_DIR();
	put("victim", "victim", 0600);
	ck_assert_int_eq(symlink(at("victim"), at("state")), 0);
	dfd = dir_fd();
	ck_assert_int_eq(mfa_file_replace(dfd, "state", "evil", 4, 0600,
			     (uid_t)-1, (gid_t)-1),
	    MFA_ERR_UNSAFE);
	n = readlink(at("state"), lnk, sizeof(lnk) - 1);
	ck_assert_int_gt(n, 0);
	lnk[n] = '\0';
	ck_assert_str_eq(lnk, at("victim"));
	ck_assert_uint_eq(slurp(at("victim"), buf, sizeof(buf)), 6);
	ck_assert(memcmp(buf, "victim", 6) == 0);
	mkdir_mode("dir", 0700);
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "dir", "evil", 4, 0600, (uid_t)-1, (gid_t)-1),
	    MFA_ERR_UNSAFE);
	ck_assert_int_eq(mkfifo(at("fifo"), 0600), 0);
	ck_assert_int_eq(mfa_file_replace(dfd, "fifo", "evil", 4, 0600,
			     (uid_t)-1, (gid_t)-1),
	    MFA_ERR_UNSAFE);
	close(dfd);
	ck_assert_int_eq(count_prefix(g_dir, ".state."), 0);
	ck_assert_int_eq(count_prefix(g_dir, ".dir."), 0);
}
END_TEST

/* In a child: a write that fails half-way (RLIMIT_FSIZE, even for root). */
START_TEST(replace_failure_removes_temp)
{
	char big[8192], buf[64];
	pid_t pid;
	int status, dfd;

	NEED_DIR();
	put("state", "old", 0600);
	memset(big, 'z', sizeof(big));
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rl = {1024, 1024};

		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
			_exit(2);
		dfd = open(g_dir, O_RDONLY | O_DIRECTORY);
		_exit(mfa_file_replace(dfd, "state", big, sizeof(big), 0600,
			  (uid_t)-1, (gid_t)-1) == MFA_ERR_SYSTEM
			? 0
			: 1);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_eq(slurp(at("state"), buf, sizeof(buf)), 3);
	ck_assert_int_eq(count_prefix(g_dir, ".state."), 0);
}
END_TEST

START_TEST(replace_failure_unprivileged)
{
	char buf[64];
	int dfd;

	NEED_DIR();
	if (geteuid() == 0) {
		fprintf(stderr,
		    "SKIP: chown and read-only directory "
		    "failures do not happen to root\n");
		return;
	}
	put("state", "old", 0600);
	dfd = dir_fd();
	/* fchown to root fails after the temporary file exists. */
	ck_assert_int_eq(mfa_file_replace(dfd, "state", "new", 3, 0600, 0, 0),
	    MFA_ERR_SYSTEM);
	ck_assert_int_eq(count_prefix(g_dir, ".state."), 0);
	ck_assert_int_eq(chmod(g_dir, 0500), 0);
	ck_assert_int_ne(mfa_file_replace(dfd, "state", "new", 3, 0600,
			     (uid_t)-1, (gid_t)-1),
	    MFA_OK);
	ck_assert_int_eq(chmod(g_dir, 0700), 0);
	ck_assert_int_eq(count_prefix(g_dir, ".state."), 0);
	ck_assert_uint_eq(slurp(at("state"), buf, sizeof(buf)), 3);
	ck_assert(memcmp(buf, "old", 3) == 0);
	close(dfd);
}
END_TEST

START_TEST(replace_chown)
{
	struct stat st;
	int dfd;

	NEED_DIR();
	NEED_ROOT("fchown to another user");
	dfd = dir_fd();
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "f", "x", 1, 0600, NOBODY, NOBODY), MFA_OK);
	close(dfd);
	ck_assert_int_eq(stat(at("f"), &st), 0);
	ck_assert_uint_eq(st.st_uid, NOBODY);
	ck_assert_uint_eq(st.st_gid, NOBODY);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
}
END_TEST

/*
 * In a child with its own mount namespace (root only): a 16 KiB tmpfs
 * gives ENOSPC, the same mounted read-only gives EROFS.  Exit codes: 0
 * pass, 77 cannot set up, others the failed step.
 */
static int
nospace_child(const char *mnt)
{
	static char big[65536];
	int dfd;

	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", mnt, "tmpfs", 0, "size=16k,mode=0700") != 0)
		return 77;
	dfd = open(mnt, O_RDONLY | O_DIRECTORY);
	if (mfa_file_replace(dfd, "state", "old", 3, 0600, -1u, -1u) != 0)
		return 1;
	memset(big, 'x', sizeof(big));
	if (mfa_file_replace(dfd, "state", big, sizeof(big), 0600, -1u, -1u) !=
	    MFA_ERR_NOSPACE)
		return 2;
	if (count_prefix(mnt, ".state.") != 0)
		return 3;
	if (mount(NULL, mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL) != 0)
		return 77;
	if (mfa_file_replace(dfd, "state", "new", 3, 0600, -1u, -1u) !=
	    MFA_ERR_READONLY)
		return 4;
	return 0;
}

START_TEST(replace_nospace_readonly)
{
	pid_t pid;
	int status;

	NEED_DIR();
	NEED_ROOT("mounting a small tmpfs");
	mkdir_mode("mnt", 0700);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(nospace_child(at("mnt")));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		fprintf(stderr, "SKIP: cannot mount a tmpfs here\n");
		return;
	}
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

/*
 * Kill a writer at random instants: the file is always one whole version.
 */
START_TEST(replace_crash_safety)
{
	static char a[3072], b[5120], got[8192];
	DIR *d;
	struct dirent *e;
	uint32_t us;
	size_t n;
	pid_t pid;
	int i, dfd, status;

	NEED_DIR();
	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	dfd = dir_fd();
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "state", a, sizeof(a), 0600, -1u, -1u), 0);
	for (i = 0; i < 300; i++) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0)
			for (;;) {
				mfa_file_replace(
				    dfd, "state", b, sizeof(b), 0600, -1u, -1u);
				mfa_file_replace(
				    dfd, "state", a, sizeof(a), 0600, -1u, -1u);
			}
		ck_assert_int_eq(mfa_random_uniform(2001, &us), MFA_OK);
		usleep(us);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		n = slurp(at("state"), got, sizeof(got));
		ck_assert_msg((n == sizeof(a) && memcmp(got, a, n) == 0) ||
			(n == sizeof(b) && memcmp(got, b, n) == 0),
		    "iteration %d: torn file of %zu bytes", i, n);
	}
	close(dfd);
	/* Leftovers are allowed, but only as temporaries. */
	d = opendir(g_dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		ck_assert(strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, "state") == 0 ||
		    (strncmp(e->d_name, ".state.", 7) == 0 &&
			strlen(e->d_name) == 13));
	closedir(d);
}
END_TEST

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

START_TEST(lock_two_processes)
{
	struct timespec t0;
	struct stat before, after;
	int held[2], go[2], dfd, lk = 5, status;
	char c = 0;
	pid_t pid;
	long ms;

	NEED_DIR();
	ck_assert_int_eq(pipe(held), 0);
	ck_assert_int_eq(pipe(go), 0);
	dfd = dir_fd();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (mfa_lock_acquire(dfd, "u.lock", 0, &lk) != MFA_OK)
			_exit(1);
		if (write(held[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		mfa_lock_release(lk);
		_exit(0);
	}
	ck_assert_int_eq(read(held[0], &c, 1), 1);
	ck_assert_int_eq(stat(at("u.lock"), &before), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(
	    mfa_lock_acquire(dfd, "u.lock", 200, &lk), MFA_ERR_LOCK_TIMEOUT);
	ms = ms_since(&t0);
	ck_assert_int_eq(lk, -1);
	ck_assert_msg(ms >= 150 && ms <= 2000, "timed out after %ld ms", ms);
	/* Replacing the state file leaves the lock file and its lock alone. */
	ck_assert_int_eq(
	    mfa_file_replace(dfd, "u", "state", 5, 0600, -1u, -1u), MFA_OK);
	ck_assert_int_eq(stat(at("u.lock"), &after), 0);
	ck_assert(before.st_ino == after.st_ino);
	ck_assert_uint_eq(after.st_mode & 07777, 0600);
	ck_assert_int_eq(
	    mfa_lock_acquire(dfd, "u.lock", 0, &lk), MFA_ERR_LOCK_TIMEOUT);
	ck_assert_int_eq(write(go[1], "x", 1), 1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(mfa_lock_acquire(dfd, "u.lock", 2000, &lk), MFA_OK);
	ck_assert_int_ge(lk, 0);
	mfa_lock_release(lk);
	close(dfd);
}
END_TEST

/* OFD locks: two opens in one process exclude each other too. */
START_TEST(lock_same_process)
{
	int dfd, l1, l2;

	NEED_DIR();
	umask(0);
	dfd = dir_fd();
	ck_assert_int_eq(mfa_lock_acquire(dfd, "l", 0, &l1), MFA_OK);
	ck_assert_int_eq(
	    mfa_lock_acquire(dfd, "l", 20, &l2), MFA_ERR_LOCK_TIMEOUT);
	mfa_lock_release(l1);
	ck_assert_int_eq(mfa_lock_acquire(dfd, "l", 0, &l2), MFA_OK);
	mfa_lock_release(l2);
	mfa_lock_release(-1);
	close(dfd);
	umask(022);
	{
		struct stat st;

		ck_assert_int_eq(stat(at("l"), &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0600);
	}
}
END_TEST

START_TEST(lock_unsafe)
{
	int dfd, lk;

	NEED_DIR();
	dfd = dir_fd();
	put("target", "x", 0600);
	ck_assert_int_eq(symlink("target", at("ln")), 0);
	ck_assert_int_eq(mfa_lock_acquire(dfd, "ln", 0, &lk), MFA_ERR_UNSAFE);
	ck_assert_int_eq(lk, -1);
	put("open", "x", 0644);
	ck_assert_int_eq(mfa_lock_acquire(dfd, "open", 0, &lk), MFA_ERR_UNSAFE);
	ck_assert_int_eq(link(at("target"), at("hard")), 0);
	ck_assert_int_eq(mfa_lock_acquire(dfd, "hard", 0, &lk), MFA_ERR_UNSAFE);
	mkdir_mode("d", 0700);
	ck_assert_int_ne(mfa_lock_acquire(dfd, "d", 0, &lk), MFA_OK);
	ck_assert_int_eq(mkfifo(at("p"), 0600), 0);
	ck_assert_int_eq(mfa_lock_acquire(dfd, "p", 0, &lk), MFA_ERR_UNSAFE);
	ck_assert_int_eq(mfa_lock_acquire(dfd, "a/b", 0, &lk), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_lock_acquire(dfd, "", 0, &lk), MFA_ERR_INVALID);
	close(dfd);
}
END_TEST

START_TEST(remove_file)
{
	struct stat st;
	int dfd;

	NEED_DIR();
	dfd = dir_fd();
	put("f", "x", 0600);
	ck_assert_int_eq(mfa_file_remove(dfd, "f"), MFA_OK);
	ck_assert_int_ne(lstat(at("f"), &st), 0);
	ck_assert_int_eq(mfa_file_remove(dfd, "f"), MFA_OK);
	ck_assert_int_eq(mfa_file_remove(dfd, "a/b"), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_file_remove(dfd, ".."), MFA_ERR_INVALID);
	mkdir_mode("d", 0700);
	ck_assert_int_ne(mfa_file_remove(dfd, "d"), MFA_OK);
	ck_assert_int_eq(lstat(at("d"), &st), 0);
	/* A link is removed, never what it points to. */
	put("target", "x", 0600);
	ck_assert_int_eq(symlink("target", at("ln")), 0);
	ck_assert_int_eq(mfa_file_remove(dfd, "ln"), MFA_OK);
	ck_assert_int_eq(lstat(at("target"), &st), 0);
	close(dfd);
}
END_TEST

static int
count_fds(void)
{
	return count_prefix("/proc/self/fd", "") - 3; /* ".", "..", opendir */
}

/* Every path out of the walk closes what it opened (we live in sshd). */
START_TEST(no_fd_leaks)
{
	static const char *const rels[] = {"f", "g", "ln/f", "nodir/f", "d",
	    "p", "h", "real/f", "sub/f", "f/x"};
	struct mfa_file_rules rules = {.owner = getuid(), .max_size = 100};
	struct mfa_file_error err;
	const char *name;
	size_t i;
	int before, fd, dfd;

	NEED_DIR();
	put("f", "x", 0600);
	put("g", "x", 0644);
	mkdir_mode("real", 0700);
	put("real/f", "x", 0600);
	ck_assert_int_eq(symlink("real", at("ln")), 0);
	mkdir_mode("d", 0700);
	mkdir_mode("sub", 0777);
	ck_assert_int_eq(mkfifo(at("p"), 0600), 0);
	ck_assert_int_eq(link(at("g"), at("h")), 0);
	before = count_fds();
	for (i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
		if (mfa_file_open_read(at(rels[i]), &rules, &fd, &err) == 0)
			close(fd);
		if (mfa_file_open_parent(
			at(rels[i]), &rules, &dfd, &name, &err) == 0)
			close(dfd);
		if (mfa_dir_open_private_as(
			at(rels[i]), 0, getuid(), &dfd, &err) == 0)
			close(dfd);
	}
	ck_assert_int_eq(
	    mfa_lock_acquire(AT_FDCWD, "a/b", 0, &fd), MFA_ERR_INVALID);
	ck_assert_int_eq(count_fds(), before);
}
END_TEST

static TCase *
open_tests(void)
{
	TCase *tc = tcase_create("open");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, open_read_and_read_all);
	tcase_add_loop_test(tc, file_modes, 0,
	    (int)(sizeof(mode_cases) / sizeof(mode_cases[0])));
	tcase_add_test(tc, readable_by_all);
	tcase_add_test(tc, size_limits);
	tcase_add_test(tc, symlink_as_file);
	tcase_add_test(tc, symlink_as_parent);
	tcase_add_test(tc, system_link_followed);
	tcase_add_test(tc, root_links);
	tcase_add_test(tc, fifo_refused_promptly);
	tcase_add_test(tc, directory_as_file);
	tcase_add_test(tc, wrong_owner);
	tcase_add_test(tc, hard_link);
	tcase_add_loop_test(tc, parent_modes, 0,
	    (int)(sizeof(dir_cases) / sizeof(dir_cases[0])));
	tcase_add_test(tc, tmp_refused);
	tcase_add_test(tc, missing);
	tcase_add_loop_test(tc, invalid_paths, 0,
	    (int)(sizeof(bad_paths) / sizeof(bad_paths[0])));
	tcase_add_test(tc, dots_in_names_are_names);
	tcase_add_test(tc, open_parent);
	tcase_add_test(tc, openat_read);
	tcase_add_test(tc, private_dir);
	tcase_add_test(tc, private_dir_owner);
	tcase_add_test(tc, no_fd_leaks);
	return tc;
}

static TCase *
replace_tests(void)
{
	TCase *tc = tcase_create("replace");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, replace_modes_and_content);
	tcase_add_test(tc, replace_opath_dirfd);
	tcase_add_test(tc, replace_invalid);
	tcase_add_test(tc, replace_planted);
	tcase_add_test(tc, replace_failure_removes_temp);
	tcase_add_test(tc, replace_failure_unprivileged);
	tcase_add_test(tc, replace_chown);
	tcase_add_test(tc, replace_nospace_readonly);
	tcase_add_test(tc, remove_file);
	return tc;
}

static Suite *
fileio_suite(void)
{
	Suite *s = suite_create("fileio");
	TCase *crash = tcase_create("crash");
	TCase *lock = tcase_create("lock");

	suite_add_tcase(s, open_tests());
	suite_add_tcase(s, replace_tests());
	tcase_add_checked_fixture(crash, setup, teardown);
	tcase_set_timeout(crash, 120);
	tcase_add_test(crash, replace_crash_safety);
	suite_add_tcase(s, crash);
	tcase_add_checked_fixture(lock, setup, teardown);
	tcase_set_timeout(lock, 30);
	tcase_add_test(lock, lock_two_processes);
	tcase_add_test(lock, lock_same_process);
	tcase_add_test(lock, lock_unsafe);
	suite_add_tcase(s, lock);
	return s;
}

int
main(void)
{
	return mfa_test_run(fileio_suite());
}
