/*
 * test_enrol_leftover.c - what an enrolment at login killed mid-write
 * leaves in the user's home: the one temporary file of the enrolment file
 * (it holds the secret) under its fixed name, never one more per kill, and
 * the next enrolment removes it (common/secret_write.h, the same rule as
 * mfa-enroll's: tests/sh/enroll_leftover.sh).
 *
 * Every login of this suite runs with tests/preload/kill_at_rename.so
 * loaded; a forked login with MFA_TEST_KILL_AT_RENAME set is killed
 * (SIGKILL) at the rename of its new ~/.pam_mfa, once the file is written
 * and synced: the instant a kill leaves the most behind.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "pamh.h"
#include "testutil.h"

#define T0 1764017613 /* 2025-11-24 */
#define TMPNAME "..pam_mfa.new"
#define LOCKNAME "..pam_mfa.lock"

static const struct mfa_pamh_service services[] = {
    {"ro", "enroll_at_login", 0, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static struct mfa_pamh_result res;
static char key[160]; /* the key the module showed, base32 */

/* "@CODE": the code of the key shown on the line after "the key into". */
static const char *
code_hook(const char *token, const char *transcript)
{
	static char code[16];
	const char *p = strstr(transcript, "the key into the app (");
	size_t n = 0;

	ck_assert_str_eq(token, "@CODE");
	ck_assert_ptr_nonnull(p);
	p = strstr(p, "\nI: ");
	ck_assert_ptr_nonnull(p);
	for (p += 4; *p != '\n' && *p != '\0' && n + 1 < sizeof(key); p++)
		if (*p != ' ')
			key[n++] = *p;
	key[n] = '\0';
	mfa_pamh_oath_code(key, T0, code);
	return code;
}

static const char *
home_file(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", mfa_pamh_home("alice"), name);
	return path;
}

/* A small file's text (a static buffer, overwritten by the next call). */
static const char *
file_text(const char *path)
{
	static char buf[8192];
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	ck_assert_msg(n >= 0, "cannot read %s", path);
	buf[n] = '\0';
	return buf;
}

/* alice's home, one name per line, sorted. */
static const char *
home_list(void)
{
	return mfa_test_dir_names(mfa_pamh_home("alice"));
}

static void
setup(void)
{
	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	mfa_pamh_set_answer_hook(code_hook);
	unlink(home_file(TMPNAME));
	unlink(home_file(LOCKNAME));
	unsetenv("MFA_TEST_KILL_AT_RENAME");
}

/* A forked enrolment at login, killed at the rename of ~/.pam_mfa. */
static void
killed_enrolment(void)
{
	static const char *const answers[] = {"secret", "@CODE", "", NULL};
	int status = 0;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setenv("MFA_TEST_KILL_AT_RENAME", "1", 1);
		mfa_pamh_login("ro", "alice", answers, 0, &res);
		_exit(3); /* not killed: the parent says so */
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "the login was not killed at its rename (status %d)", status);
}

START_TEST(killed_enrolments_leave_one_temporary_file)
{
	static const char *const answers[] = {"secret", "@CODE", "", NULL};
	struct stat st;
	const char *file;
	int setcred_rv = -1;

	killed_enrolment();
	killed_enrolment();
	killed_enrolment();
	/* One temporary file (the last kill's key), and the lock file. */
	ck_assert_str_eq(home_list(), LOCKNAME "\n" TMPNAME "\n");
	ck_assert_int_eq(lstat(home_file(TMPNAME), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_uint_eq(st.st_uid, getuid());
	file = file_text(home_file(TMPNAME));
	ck_assert_ptr_nonnull(strstr(file, "pam_mfa-secret 1\n"));
	ck_assert_ptr_nonnull(strstr(file, key));

	/* The next enrolment removes it, and leaves only the file. */
	mfa_pamh_login_setcred("ro", "alice", answers, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_assert_int_eq(setcred_rv, PAM_SUCCESS);
	MFA_CK_IN(res.transcript, "I: Code accepted");
	ck_assert_str_eq(home_list(), ".pam_mfa\n");
	ck_assert_int_eq(lstat(home_file(".pam_mfa"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	file = file_text(home_file(".pam_mfa"));
	ck_assert_ptr_nonnull(strstr(file, key));
	ck_logged("enrolment at login confirmed");
}
END_TEST

/* A link planted at the temporary name is removed, never followed. */
START_TEST(link_at_temporary_name_is_removed)
{
	static const char *const answers[] = {"secret", "@CODE", "", NULL};
	char target[4096];
	int setcred_rv = -1;

	snprintf(target, sizeof(target), "%s/target", mfa_pamh_dir());
	mfa_test_write_file(target, "keep\n", 5, 0644);
	ck_assert_int_eq(symlink(target, home_file(TMPNAME)), 0);
	mfa_pamh_login_setcred("ro", "alice", answers, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_assert_str_eq(home_list(), ".pam_mfa\n");
	ck_assert_str_eq(file_text(target), "keep\n");
	ck_assert_ptr_nonnull(strstr(file_text(home_file(".pam_mfa")), key));
	unlink(target);
}
END_TEST

static Suite *
enrol_leftover_suite(void)
{
	Suite *s = suite_create("enrol_leftover");
	TCase *tc = tcase_create("enrol_leftover");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, killed_enrolments_leave_one_temporary_file);
	tcase_add_test(tc, link_at_temporary_name_is_removed);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * The first run adds the preload to the wrappers (tests/lib/pamh.c re-runs
 * this program with them); it stays idle until a test sets its variable.
 */
static int
add_kill_preload(void)
{
	const char *pre = getenv("PAM_WRAPPER_PRELOAD");
	const char *build = getenv("MFA_BUILD");
	char buf[8192];

	if (getenv("MFA_PAMH_FIXTURE") != NULL || build == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s/tests/preload/kill_at_rename.so", build);
	if (access(buf, R_OK) != 0) {
		fprintf(stderr, "%s not built (make test-programs)\n", buf);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s:%s/tests/preload/kill_at_rename.so",
	    pre != NULL ? pre : "libpam_wrapper.so", build);
	setenv("PAM_WRAPPER_PRELOAD", buf, 1);
	setenv("MFA_TEST_KILL_AT_RENAME_TO", ".pam_mfa", 1);
	return 0;
}

int
main(int argc, char **argv)
{
	if (add_kill_preload() != 0)
		return 2;
	return mfa_pamh_main(argc, argv, services, enrol_leftover_suite);
}
