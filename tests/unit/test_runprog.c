/*
 * test_runprog.c - running a delivery program: results, refusals before
 * fork, time-outs that leave no process behind, the host's signal
 * dispositions, and what the child sees (checked from inside it by
 * tests/tools/gateway_probe.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "runprog.h"
#include "testutil.h"

#define BIG_INPUT (1024 * 1024) /* far more than a pipe buffer holds */

static char *tmp;

static void
setup(void)
{
	tmp = strdup(mfa_test_tmpdir());
	ck_assert_ptr_nonnull(tmp);
}

static void
teardown(void)
{
	mfa_test_rm_rf(tmp);
	free(tmp);
	tmp = NULL;
}

/* 1 when this process has no child left, zombie or not. */
static int
no_children(void)
{
	int st;

	return waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD;
}

static long
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)(t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The whole content of path in a fresh NUL-terminated buffer. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	buf = malloc(BIG_INPUT + 65536);
	ck_assert_ptr_nonnull(buf);
	n = fread(buf, 1, BIG_INPUT + 65535, f);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static char *
big_input(void)
{
	char *p = malloc(BIG_INPUT);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < BIG_INPUT; i++)
		p[i] = (char)('a' + i % 23);
	return p;
}

/* Programs and what must come of them. */
static const struct {
	const char *argv[4];
	int rc, exited, status, signaled;
	const char *why;
} results[] = {
    {{"/bin/true"}, MFA_OK, 1, 0, 0, "exited with status 0"},
    {{"/bin/false"}, MFA_ERR_EXEC, 1, 1, 0, "exited with status 1"},
    {{"/bin/sh", "-c", "exit 75"}, MFA_ERR_EXEC, 1, 75, 0,
	"exited with status 75"},
    {{"/bin/sh", "-c", "kill -TERM $$"}, MFA_ERR_EXEC, 0, SIGTERM, 1,
	"killed by signal 15"},
    {{"/bin/sh", "-c", "echo noise; echo noise >&2"}, MFA_OK, 1, 0, 0,
	"exited with status 0"},
};

START_TEST(program_results)
{
	struct mfa_run_result res;
	char why[MFA_RUN_WHY_SIZE];
	int rc;

	rc = mfa_run_program((char *const *)results[_i].argv, "x", 1, 5000,
	    &res, why, sizeof(why));
	ck_assert_int_eq(rc, results[_i].rc);
	ck_assert_int_eq(res.exited, results[_i].exited);
	ck_assert_int_eq(res.status, results[_i].status);
	ck_assert_int_eq(res.signaled, results[_i].signaled);
	ck_assert_int_eq(res.timed_out, 0);
	ck_assert_str_eq(why, results[_i].why);
	ck_assert(no_children());
}
END_TEST

/*
 * argv[0] values refused before anything is forked; "@noexec" and "@dir"
 * stand for a file without execute bits and a directory made by the test.
 */
static const char *const refused[] = {
    "",
    "bin/true",
    "./true",
    "true",
    "/nonexistent/sendmail",
    "/tmp",
    "/dev/null",
    "@noexec",
    "@dir",
};

START_TEST(refused_before_fork)
{
	struct mfa_run_result res;
	char why[MFA_RUN_WHY_SIZE], noexec[PATH_MAX], dir[PATH_MAX];
	char *argv[2] = {(char *)refused[_i], NULL};
	int rc;

	snprintf(noexec, sizeof(noexec), "%s/not-executable", tmp);
	mfa_test_write_file(noexec, "#!/bin/sh\n", 10, 0644);
	snprintf(dir, sizeof(dir), "%s/dir", tmp);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	if (strcmp(argv[0], "@noexec") == 0)
		argv[0] = noexec;
	else if (strcmp(argv[0], "@dir") == 0)
		argv[0] = dir;
	memset(&res, 0x55, sizeof(res));
	rc = mfa_run_program(argv, "x", 1, 1000, &res, why, sizeof(why));
	ck_assert_int_eq(rc, MFA_ERR_EXEC);
	ck_assert_msg(strcmp(why, "missing or not executable") == 0 ||
		strcmp(why, "not an absolute path") == 0,
	    "%s: %s", argv[0], why);
	if (argv[0][0] != '/')
		ck_assert_str_eq(why, "not an absolute path");
	ck_assert_int_eq(res.exited, 0);
	ck_assert_int_eq(res.signaled, 0);
	ck_assert_int_eq(res.timed_out, 0);
	ck_assert(no_children());
}
END_TEST

START_TEST(invalid_arguments)
{
	struct mfa_run_result res;
	char *argv[] = {(char *)"/bin/true", NULL};
	char *empty[] = {NULL};

	ck_assert_int_eq(
	    mfa_run_program(NULL, "", 0, 100, &res, NULL, 0), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_run_program(empty, "", 0, 100, &res, NULL, 0), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_run_program(argv, "", 0, 100, NULL, NULL, 0), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_run_program(argv, NULL, 5, 100, &res, NULL, 0),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_run_program(argv, "", 0, 0, &res, NULL, 0), MFA_ERR_INVALID);
	/* No input at all and no why buffer are fine. */
	ck_assert_int_eq(
	    mfa_run_program(argv, NULL, 0, 1000, &res, NULL, 0), MFA_OK);
	ck_assert(no_children());
}
END_TEST

START_TEST(exec_failure_reported)
{
	struct mfa_run_result res;
	char why[MFA_RUN_WHY_SIZE], path[PATH_MAX];
	char *argv[2] = {path, NULL};
	int rc;

	/* Executable bits but no valid format: execve fails (ENOEXEC). */
	snprintf(path, sizeof(path), "%s/garbage", tmp);
	mfa_test_write_file(path,
	    "\x7f"
	    "ELF garbage\n",
	    13, 0755);
	rc = mfa_run_program(argv, "x", 1, 2000, &res, why, sizeof(why));
	ck_assert_int_eq(rc, MFA_ERR_EXEC);
	ck_assert_msg(strncmp(why, "exec failed: ", 13) == 0, "%s", why);
	ck_assert_int_eq(res.exited, 1);
	ck_assert_int_eq(res.status, 127);
	ck_assert(no_children());
}
END_TEST

START_TEST(hanging_program_killed)
{
	char *argv[] = {(char *)"/bin/sleep", (char *)"30", NULL};
	struct mfa_run_result res;
	char why[MFA_RUN_WHY_SIZE];
	struct timespec t0;
	long ms;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = mfa_run_program(argv, "x", 1, 300, &res, why, sizeof(why));
	ms = elapsed_ms(&t0);
	ck_assert_int_eq(rc, MFA_ERR_TIMEOUT);
	ck_assert_int_eq(res.timed_out, 1);
	ck_assert_int_eq(res.signaled, 1);
	ck_assert_int_eq(res.status, SIGKILL);
	ck_assert_int_eq(res.exited, 0);
	ck_assert_str_eq(why, "timed out after 300 ms");
	ck_assert_msg(ms >= 300 && ms < 2000, "took %ld ms", ms);
	ck_assert(no_children());
}
END_TEST

/* A program that never reads a large input is killed at the time-out too. */
START_TEST(hanging_reader_killed)
{
	char *argv[] = {(char *)"/bin/sleep", (char *)"30", NULL};
	struct mfa_run_result res;
	struct timespec t0;
	char *in = big_input();
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(
	    mfa_run_program(argv, in, BIG_INPUT, 300, &res, NULL, 0),
	    MFA_ERR_TIMEOUT);
	ms = elapsed_ms(&t0);
	ck_assert_int_eq(res.timed_out, 1);
	ck_assert_msg(ms >= 300 && ms < 2000, "took %ld ms", ms);
	ck_assert(no_children());
	free(in);
}
END_TEST

START_TEST(grandchildren_killed)
{
	char pidfile[PATH_MAX], *text;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
	    (char *)"sleep 30 & echo $! >\"$0\"; wait", pidfile, NULL};
	struct mfa_run_result res;
	long pid;

	snprintf(pidfile, sizeof(pidfile), "%s/pid", tmp);
	ck_assert_int_eq(mfa_run_program(argv, NULL, 0, 500, &res, NULL, 0),
	    MFA_ERR_TIMEOUT);
	ck_assert(no_children());
	text = slurp(pidfile, NULL);
	pid = strtol(text, NULL, 10);
	free(text);
	ck_assert_int_gt(pid, 1);
	ck_assert_msg(
	    mfa_test_process_dies(pid, 1000), "grandchild %ld survived", pid);
}
END_TEST

static volatile sig_atomic_t chld_seen;

static void
on_chld(int sig)
{
	(void)sig;
	chld_seen++;
}

START_TEST(sigchld_ignored_by_host)
{
	char *argv[] = {(char *)"/bin/false", NULL};
	struct mfa_run_result res;
	struct sigaction sa, now;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	ck_assert_int_eq(sigaction(SIGCHLD, &sa, NULL), 0);
	/* With SIGCHLD ignored, waitpid would fail if it were left so. */
	ck_assert_int_eq(
	    mfa_run_program(argv, NULL, 0, 2000, &res, NULL, 0), MFA_ERR_EXEC);
	ck_assert_int_eq(res.exited, 1);
	ck_assert_int_eq(res.status, 1);
	ck_assert_int_eq(sigaction(SIGCHLD, NULL, &now), 0);
	ck_assert(now.sa_handler == SIG_IGN);
	ck_assert(no_children());

	/* A host's own handler is put back as well. */
	sa.sa_handler = on_chld;
	ck_assert_int_eq(sigaction(SIGCHLD, &sa, NULL), 0);
	ck_assert_int_eq(
	    mfa_run_program(argv, NULL, 0, 2000, &res, NULL, 0), MFA_ERR_EXEC);
	ck_assert_int_eq(res.status, 1);
	ck_assert_int_eq(sigaction(SIGCHLD, NULL, &now), 0);
	ck_assert(now.sa_handler == on_chld);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
}
END_TEST

/* Input of several sizes arrives intact through "cat > FILE". */
START_TEST(input_delivered)
{
	char out[PATH_MAX], *got, *in = big_input();
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
	    (char *)"exec cat >\"$0\"", out, NULL};
	static const size_t sizes[] = {0, 1, 12, 65536, BIG_INPUT};
	struct mfa_run_result res;
	size_t i, n;

	snprintf(out, sizeof(out), "%s/in", tmp);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ck_assert_int_eq(
		    mfa_run_program(argv, in, sizes[i], 5000, &res, NULL, 0),
		    MFA_OK);
		got = slurp(out, &n);
		ck_assert_uint_eq(n, sizes[i]);
		ck_assert(memcmp(got, in, n) == 0);
		free(got);
	}
	ck_assert(no_children());
	free(in);
}
END_TEST

/* A child that exits without reading: no SIGPIPE death of the host. */
START_TEST(unread_input_no_sigpipe)
{
	char *argv[] = {(char *)"/bin/true", NULL};
	struct mfa_run_result res;
	struct sigaction now;
	char *in = big_input();

	ck_assert_int_eq(
	    mfa_run_program(argv, in, BIG_INPUT, 5000, &res, NULL, 0), MFA_OK);
	ck_assert_int_eq(res.exited, 1);
	ck_assert_int_eq(sigaction(SIGPIPE, NULL, &now), 0);
	ck_assert(now.sa_handler == SIG_DFL); /* restored */
	ck_assert(no_children());
	free(in);
}
END_TEST

/*
 * Capture: standard error and output kept apart, bounded and terminated,
 * a flood read to the end (the child never blocks), filled on failure too.
 */
START_TEST(output_captured)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
	    (char *)"cat >/dev/null; echo out; "
		    "echo 'msmtp: cannot connect to 127.0.0.1' >&2; exit 75",
	    NULL};
	char *flood[] = {(char *)"/bin/sh", (char *)"-c",
	    (char *)"head -c 1000000 /dev/zero | tr '\\0' x >&2; echo done",
	    NULL};
	char out[16], err[64], why[MFA_RUN_WHY_SIZE];
	struct mfa_run_capture cap = {out, sizeof(out), 0, err, sizeof(err), 0};
	struct mfa_run_result res;

	ck_assert_int_eq(mfa_run_program_capture(
			     argv, "hi", 2, 5000, &cap, &res, why, sizeof(why)),
	    MFA_ERR_EXEC);
	ck_assert_str_eq(why, "exited with status 75");
	ck_assert_str_eq(out, "out\n");
	ck_assert_uint_eq(cap.out_len, 4);
	ck_assert_str_eq(err, "msmtp: cannot connect to 127.0.0.1\n");
	cap.out = NULL;
	ck_assert_int_eq(mfa_run_program_capture(flood, NULL, 0, 5000, &cap,
			     &res, why, sizeof(why)),
	    MFA_OK);
	ck_assert_uint_eq(cap.err_len, sizeof(err) - 1);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	ck_assert(strspn(err, "x") == sizeof(err) - 1);
	cap.err_size = 0;
	ck_assert_int_eq(mfa_run_program_capture(flood, NULL, 0, 5000, &cap,
			     &res, why, sizeof(why)),
	    MFA_ERR_INVALID);
	ck_assert(no_children());
}
END_TEST

/* With descriptors 0-2 closed in the host, the child still gets its input. */
START_TEST(host_without_stdio)
{
	char out[PATH_MAX], *got;
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
	    (char *)"exec cat >\"$0\"", out, NULL};
	struct mfa_run_result res;
	int rc;

	snprintf(out, sizeof(out), "%s/in", tmp);
	close(0);
	close(1);
	rc = mfa_run_program(argv, "hello\n", 6, 5000, &res, NULL, 0);
	ck_assert_int_eq(rc, MFA_OK);
	got = slurp(out, NULL);
	ck_assert_str_eq(got, "hello\n");
	free(got);
}
END_TEST

/* The section of the probe's report that starts after "--- name\n". */
static char *
section(char *report, const char *name)
{
	char mark[32], *p, *end;

	snprintf(mark, sizeof(mark), "--- %s\n", name);
	p = strstr(report, mark);
	ck_assert_msg(p != NULL, "no section %s", name);
	p += strlen(mark);
	end = strstr(p, "\n--- ");
	if (end != NULL)
		end[1] = '\0'; /* keep the final newline */
	return p;
}

/* Variables a shell may add by itself; anything else must be ours. */
static int
env_allowed(const char *line)
{
	static const char *const ok[] = {
	    MFA_RUN_PATH, MFA_RUN_LOCALE, "PWD=/", "SHLVL=", "_=", "OLDPWD="};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strncmp(line, ok[i], strlen(ok[i])) == 0 &&
		    (ok[i][strlen(ok[i]) - 1] == '=' ||
			strcmp(line, ok[i]) == 0))
			return 1;
	return 0;
}

static void
check_env(char *env)
{
	char *line, *save = NULL;
	int path = 0, locale = 0;

	for (line = strtok_r(env, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(env_allowed(line), "child saw %s", line);
		path += strcmp(line, MFA_RUN_PATH) == 0;
		locale += strcmp(line, MFA_RUN_LOCALE) == 0;
	}
	ck_assert_int_eq(path, 1);
	ck_assert_int_eq(locale, 1);
}

/* Make the host as messy as a real one before running the probe. */
static void
dirty_host(void)
{
	struct sigaction sa;
	sigset_t set;
	int fd;

	setenv("LD_PRELOAD", "foo", 1);
	setenv("http_proxy", "http://proxy.invalid:3128", 1);
	setenv("MFA_CANARY", "1", 1);
	fd = open("/dev/null", O_RDONLY); /* no O_CLOEXEC: inheritable */
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 77), 77);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/*
 * The probe's descriptors, directory and signal masks.  Signals 32 and 33
 * are glibc's own (thread cancellation, set*id): nobody can change their
 * disposition with sigaction, so the child keeps whatever the process that
 * started the tests gave them.  Every other signal must be default.
 */
static void
check_clean_signals(const char *out)
{
	static const char head[] = "fd1: /dev/null\nfd2: /dev/null\ncwd: /\n"
				   "SigBlk:\t0000000000000000\nSigIgn:\t";
	unsigned long long ign;
	char *end;

	ck_assert_msg(strncmp(out, head, strlen(head)) == 0, "%s", out);
	ign = strtoull(out + strlen(head), &end, 16);
	ck_assert_str_eq(end, "\n");
	ck_assert_msg((ign & ~0x180000000ULL) == 0, "SigIgn %llx", ign);
}

START_TEST(child_sees_clean_slate)
{
	char probe[PATH_MAX], out[PATH_MAX], *report;
	const char *src = getenv("MFA_SRC");
	char *argv[] = {(char *)"/bin/sh", probe, out, (char *)"a b",
	    (char *)"$(touch /tmp/pwned)", (char *)";id", NULL};
	static const char args[] = "arg: a b\narg: $(touch /tmp/pwned)\n"
				   "arg: ;id\n--- env\n";
	struct mfa_run_result res;
	struct sigaction now;
	sigset_t mask;
	char cwd[PATH_MAX];

	if (src == NULL || *src == '\0')
		src = getcwd(cwd, sizeof(cwd));
	ck_assert_ptr_nonnull(src);
	snprintf(probe, sizeof(probe), "%s/tests/tools/gateway_probe.sh", src);
	snprintf(out, sizeof(out), "%s/report", tmp);
	dirty_host();
	ck_assert_int_eq(
	    mfa_run_program(argv, "the message\n", 12, 5000, &res, NULL, 0),
	    MFA_OK);
	report = slurp(out, NULL);
	/* Each argument arrives as one word, nothing interpreted. */
	ck_assert_msg(strncmp(report, args, strlen(args)) == 0, "%s", report);
	ck_assert_str_eq(section(report, "stdin"), "the message\n");
	check_clean_signals(section(report, "out"));
	ck_assert_str_eq(section(report, "fd"), "0\n1\n2\n3\n");
	check_env(section(report, "env"));
	free(report);
	/* The host's own settings are untouched. */
	ck_assert_int_eq(sigaction(SIGUSR1, NULL, &now), 0);
	ck_assert(now.sa_handler == SIG_IGN);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	ck_assert_int_eq(sigismember(&mask, SIGUSR2), 1);
	ck_assert_int_eq(fcntl(77, F_GETFD), 0);
	ck_assert(no_children());
}
END_TEST

static Suite *
runprog_suite(void)
{
	Suite *s = suite_create("runprog");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_loop_test(tc, program_results, 0,
	    (int)(sizeof(results) / sizeof(results[0])));
	tcase_add_loop_test(tc, refused_before_fork, 0,
	    (int)(sizeof(refused) / sizeof(refused[0])));
	tcase_add_test(tc, invalid_arguments);
	tcase_add_test(tc, exec_failure_reported);
	tcase_add_test(tc, hanging_program_killed);
	tcase_add_test(tc, hanging_reader_killed);
	tcase_add_test(tc, grandchildren_killed);
	tcase_add_test(tc, sigchld_ignored_by_host);
	tcase_add_test(tc, input_delivered);
	tcase_add_test(tc, unread_input_no_sigpipe);
	tcase_add_test(tc, host_without_stdio);
	tcase_add_test(tc, child_sees_clean_slate);
	tcase_add_test(tc, output_captured);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(runprog_suite());
}
