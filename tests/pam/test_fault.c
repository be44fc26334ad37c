/*
 * test_fault.c - pam_mfa.so when the machine misbehaves (DESIGN §2, §8):
 * logins killed with SIGKILL in the middle of a state update, a state
 * directory on a full or read-only file system, and a lock held by a stuck
 * process.  Every scenario asserts the PAM result, what the user was shown,
 * the log line an admin acts on, and that the state file is intact.
 *
 * The file-system scenarios mount a tiny tmpfs over the state directory in
 * a private mount namespace, so they need root; without it they print a
 * "SKIP:" line and pass.
 *
 * The kill, full and read-only scenarios are about the file store as such
 * (its files, tally and directory): with MFA_TEST_STORE_CONF set (the
 * suites on another store, see tests/run.sh) they print a "SKIP:" line
 * and pass.  The stuck lock goes through the store and runs on any.
 *
 * MFA_FAULT_KILLS (default 500) and MFA_FAULT_SEED (default: from the
 * clock, printed) reproduce a kill run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "otp.h"
#include "pamh.h"
#include "state.h"
#include "tally.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)
#define ck_not_shown(s) MFA_CK_NOT_IN(res.transcript, s)

/* RFC 6238's SHA1 seed "12345678901234567890" in base32. */
#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define KEY "12345678901234567890"
#define T0 1111111109
#define LOCK_MS 300
#define UNAVAILABLE "E: Multi-factor authentication is temporarily unavailable."

static const struct mfa_pamh_service services[] = {
    {"fault", "tries=1", 1, 0, 0},
    {"fault-kill", "tries=1 deny=0", 1, 0, 0},
    {"fault-lock", "tries=1 lock_timeout=300", 1, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static const char *secret_text = "pam_mfa-secret 1\n"
				 "id 00112233445566778899aabbccddeeff\n"
				 "created 1111111000\n"
				 "totp-secret " SEED "\n";

static struct mfa_pamh_result res;

static void
setup(void)
{
	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	mfa_pamh_write_secret("alice", secret_text);
}

/* The right code at time t, from our own TOTP (oathtool agrees: see
 * test_module.c); a fork per code would dominate the kill loop. */
static void
code_at(int64_t t, char out[MFA_OTP_CODE_SIZE])
{
	struct mfa_totp_params p = {MFA_OTP_SHA1, 6, 30};

	ck_assert_int_eq(mfa_totp_code((const unsigned char *)KEY, strlen(KEY),
			     &p, t, out, MFA_OTP_CODE_SIZE),
	    0);
}

/* A code matching none of the steps in the window around t. */
static void
wrong_code_at(int64_t t, char out[MFA_OTP_CODE_SIZE])
{
	char near[3][MFA_OTP_CODE_SIZE];
	unsigned int n;
	int i;

	for (i = 0; i < 3; i++)
		code_at(t + 30 * (i - 1), near[i]);
	for (n = 0;; n++) {
		snprintf(out, MFA_OTP_CODE_SIZE, "%06u", n * 7919 % 1000000);
		if (strcmp(out, near[0]) != 0 && strcmp(out, near[1]) != 0 &&
		    strcmp(out, near[2]) != 0)
			return;
	}
}

static int
login_at(const char *service, int64_t t, const char *code)
{
	const char *answers[] = {code, NULL};

	mfa_pamh_set_time(t);
	mfa_pamh_log_clear();
	mfa_pamh_login(service, "alice", answers, 0, &res);
	return res.rv;
}

/* alice's file name in the state directory: "alice" or ".alice.lock". */
static const char *
state_path(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", mfa_pamh_state_dir(), name);
	return path;
}

/*
 * The whole file name of the state directory into buf (NUL-terminated);
 * its length, or -1 when it does not exist.  Anything else fails the test.
 */
static ssize_t
read_state_file(const char *name, char *buf, size_t bufsz)
{
	ssize_t n, len = 0;
	int fd = open(state_path(name), O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		ck_assert_msg(
		    errno == ENOENT, "open %s: %s", name, strerror(errno));
		buf[0] = '\0';
		return -1;
	}
	while ((n = read(fd, buf + len, bufsz - 1 - (size_t)len)) > 0)
		len += n;
	ck_assert_int_eq(n, 0);
	close(fd);
	buf[len] = '\0';
	return len;
}

/* What the module reads as alice's state: the record and the tally. */
struct snapshot {
	char text[MFA_STATE_MAX_SIZE + 1];
	ssize_t len; /* -1: no state file */
	char tally[MFA_TALLY_LEN + 2];
	ssize_t tallylen; /* -1: no lock file */
};

static void
take_snapshot(struct snapshot *s)
{
	s->len = read_state_file("alice", s->text, sizeof(s->text));
	s->tallylen =
	    read_state_file(".alice.lock", s->tally, sizeof(s->tally));
}

static int
same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	return a->len == b->len && a->tallylen == b->tallylen &&
	    memcmp(a->text, b->text, a->len > 0 ? (size_t)a->len : 0) == 0 &&
	    memcmp(a->tally, b->tally,
		a->tallylen > 0 ? (size_t)a->tallylen : 0) == 0;
}

/* Parse a snapshot as the store does; fails the test when it cannot. */
static void
parse_snapshot(const struct snapshot *s, struct mfa_state *st, int64_t t)
{
	struct mfa_parse_error err = {0, ""};

	mfa_state_init(st);
	if (s->len >= 0)
		ck_assert_msg(
		    mfa_state_parse(s->text, (size_t)s->len, st, &err) == 0,
		    "torn state at t=%lld, line %u: %s:\n%s", (long long)t,
		    err.line, err.msg, s->text);
	if (s->tallylen > 0)
		ck_assert_msg(mfa_tally_apply(
				  s->tally, (size_t)s->tallylen, st, &err) == 0,
		    "torn tally at t=%lld: %s: %s", (long long)t, err.msg,
		    s->tally);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * pam_wrapper copies its service directory to /tmp/pam.X (X one of 62
 * characters) in every process that starts PAM, forked children included,
 * writes the process id into X/pid, and removes the copy at exit.  A
 * killed login leaves its copy behind, and the names run out after about
 * 60: remove what our child left, and nothing of anyone else's.
 */
static const char pamwrap_chars[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* The pid in /tmp/pam.X/pid: > 0, 0 when missing or empty, -1 (no dir). */
static long
pamwrap_owner(char x)
{
	char path[48];
	long owner = 0;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/pam.%c", x);
	if (lstat(path, &st) != 0)
		return -1;
	snprintf(path, sizeof(path), "/tmp/pam.%c/pid", x);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &owner) != 1 || owner < 0)
		owner = 0;
	fclose(f);
	return owner;
}

/* Which /tmp/pam.X exist now, one bit per character. */
static uint64_t
pamwrap_dirs(void)
{
	uint64_t mask = 0;
	unsigned int i;

	for (i = 0; pamwrap_chars[i] != '\0'; i++)
		if (pamwrap_owner(pamwrap_chars[i]) >= 0)
			mask |= (uint64_t)1 << i;
	return mask;
}

static void
pamwrap_remove(char x)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "/tmp/pam.%c", x);
	mfa_test_rm_rf(dir);
}

/*
 * After the child pid is dead: remove its copy, and a copy that appeared
 * since before (a mask from pamwrap_dirs) with no pid in it yet (the
 * child died between mkdir and writing it) and still none a moment later
 * (a live process writes its pid at once).
 */
static void
remove_pamwrap_leftovers(pid_t pid, uint64_t before)
{
	struct timespec ts = {0, 50 * 1000000L};
	uint64_t empty = 0;
	unsigned int i;

	for (i = 0; pamwrap_chars[i] != '\0'; i++) {
		long owner = pamwrap_owner(pamwrap_chars[i]);

		if (owner == (long)pid)
			pamwrap_remove(pamwrap_chars[i]);
		else if (owner == 0 && (before & ((uint64_t)1 << i)) == 0)
			empty |= (uint64_t)1 << i;
	}
	if (empty == 0)
		return;
	nanosleep(&ts, NULL);
	for (i = 0; pamwrap_chars[i] != '\0'; i++)
		if ((empty & ((uint64_t)1 << i)) != 0 &&
		    pamwrap_owner(pamwrap_chars[i]) == 0)
			pamwrap_remove(pamwrap_chars[i]);
}

/* ---- kill -9 in the middle of a state update ---- */

struct kill_stats {
	unsigned int killed_old, killed_new, finished;
};

/*
 * After a login at time t with a right (or wrong) code was killed or
 * finished, what the module reads (state file and tally) must be the old
 * version byte for byte or the complete new one: never missing, empty,
 * torn or half-updated.  A right code takes the durable path (a new state
 * file, then an empty tally); a wrong one only rewrites the tally.
 */
static int
check_transition(
    const struct snapshot *old, const struct mfa_state *o, int64_t t, int right)
{
	static struct snapshot now;
	struct mfa_state n;

	take_snapshot(&now);
	ck_assert_msg(now.len >= 0 || old->len < 0,
	    "state file vanished at t=%lld", (long long)t);
	parse_snapshot(&now, &n, t);
	if (same_snapshot(&now, old)) {
		mfa_state_wipe(&n);
		return 0;
	}
	if (right) {
		ck_assert(
		    n.has_last_step && n.totp_last_step == (uint64_t)t / 30);
		ck_assert(n.failures == 0 && n.last_success == t);
		ck_assert(n.last_method == MFA_METHOD_TOTP && n.enrolled);
	} else {
		ck_assert_uint_eq(n.failures, o->failures + 1);
		ck_assert(
		    n.last_failure == t && n.last_success == o->last_success);
		ck_assert(n.has_last_step == o->has_last_step &&
		    n.totp_last_step == o->totp_last_step);
		/* Counting a failure never touches the state file, once
		 * the record names the source (the console here). */
		if (mfa_state_source_find(o, "-") != NULL)
			ck_assert(now.len == old->len &&
			    memcmp(now.text, old->text,
				now.len > 0 ? (size_t)now.len : 0) == 0);
		else
			ck_assert(mfa_state_source_find(&n, "-") != NULL);
	}
	mfa_state_wipe(&n);
	return 1;
}

/*
 * Fork a login and SIGKILL it after delay_us (never when delay_us < 0);
 * 1 if it was killed, 0 if it finished with expect_rv.
 */
static int
killed_login(int64_t t, const char *code, long delay_us, int expect_rv)
{
	struct timespec ts = {0, 0};
	uint64_t before;
	pid_t pid;
	int status;

	if (delay_us >= 0) {
		ts.tv_sec = delay_us / 1000000;
		ts.tv_nsec = (delay_us % 1000000) * 1000;
	}
	mfa_pamh_set_time(t);
	before = pamwrap_dirs();
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *answers[] = {code, NULL};

		mfa_pamh_login("fault-kill", "alice", answers, 0, &res);
		_exit(res.rv);
	}
	if (delay_us >= 0) {
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	remove_pamwrap_leftovers(pid, before);
	if (WIFSIGNALED(status))
		return 1;
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == expect_rv,
	    "login at t=%lld: status 0x%x", (long long)t, status);
	return 0;
}

/* How long one whole login takes here (ASan and valgrind are slower). */
static long
login_duration_us(void)
{
	char code[MFA_OTP_CODE_SIZE];
	int64_t start = now_ms();
	int i;

	for (i = 0; i < 5; i++) {
		wrong_code_at(T0 - 3600 + i * 30, code);
		ck_assert_int_eq(
		    killed_login(T0 - 3600 + i * 30, code, -1, PAM_AUTH_ERR),
		    0);
	}
	return (long)(now_ms() - start) * 1000 / 5;
}

static unsigned int
env_uint(const char *name, unsigned int dflt)
{
	const char *s = getenv(name);

	return s != NULL && *s != '\0' ? (unsigned int)strtoul(s, NULL, 10)
				       : dflt;
}

static void
one_kill(unsigned int i, long span_us, struct kill_stats *ks)
{
	static struct snapshot old;
	char code[MFA_OTP_CODE_SIZE];
	struct mfa_state o;
	int64_t t = T0 + 30 * (int64_t)i;
	int right, killed;

	take_snapshot(&old);
	parse_snapshot(&old, &o, t);
	/* Mostly right codes, and never so many wrong ones in a row that
	 * the failure count matters. */
	right = o.failures >= 4 || random() % 3 != 0;
	if (right)
		code_at(t, code);
	else
		wrong_code_at(t, code);
	killed = killed_login(t, code, random() % (span_us + 1),
	    right ? PAM_SUCCESS : PAM_AUTH_ERR);
	if (check_transition(&old, &o, t, right)) {
		if (killed)
			ks->killed_new++;
	} else {
		ck_assert_msg(killed,
		    "login at t=%lld finished but the "
		    "state did not change",
		    (long long)t);
		ks->killed_old++;
	}
	ks->finished += !killed;
	mfa_state_wipe(&o);
}

/* Files ".alice.*" other than the lock: a killed writer's temporary. */
static unsigned int
temp_files_left(void)
{
	DIR *d = opendir(mfa_pamh_state_dir());
	struct dirent *e;
	unsigned int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, ".alice.", 7) == 0 &&
		    strcmp(e->d_name, ".alice.lock") != 0;
	closedir(d);
	return n;
}

START_TEST(kill_during_state_update)
{
	unsigned int i, n = env_uint("MFA_FAULT_KILLS", 500);
	unsigned int seed =
	    env_uint("MFA_FAULT_SEED", (unsigned int)time(NULL));
	struct kill_stats ks = {0, 0, 0};
	char code[MFA_OTP_CODE_SIZE];
	int64_t start = now_ms();
	unsigned int left;
	long span;

	if (!mfa_pamh_files_only("kill during a state update (state file, "
				 "tally and temporary file)"))
		return;
	span = login_duration_us();
	if (span < 5000)
		span = 5000;
	printf(
	    "kill: seed %u, %u logins, kill after 0..%ld us\n", seed, n, span);
	fflush(stdout);
	srandom(seed);
	for (i = 0; i < n; i++)
		one_kill(i, span, &ks);
	left = temp_files_left();
	printf("kill: %u killed before the new state, %u killed after it, "
	       "%u finished, %u temporary file(s) left, %lld ms\n",
	    ks.killed_old, ks.killed_new, ks.finished, left,
	    (long long)(now_ms() - start));
	/* A killed writer's ".alice.new" is removed by the next write: at
	 * most the last one is left, never one per kill. */
	ck_assert_uint_le(left, 1);
	/* Kills must have landed on both sides of the update. */
	ck_assert_uint_gt(ks.killed_old, 0);
	ck_assert_uint_gt(ks.killed_new + ks.finished, 0);
	/* No lock left behind: the next login works at once. */
	code_at(T0 + 30 * (int64_t)n, code);
	ck_assert_int_eq(
	    login_at("fault", T0 + 30 * (int64_t)n, code), PAM_SUCCESS);
}
END_TEST

/* ---- a lock held by a stuck process ---- */

START_TEST(stuck_lock_fails_closed)
{
	static char before[MFA_STATE_MAX_SIZE + 1];
	char code[MFA_OTP_CODE_SIZE];
	int64_t start, waited, normal;
	pid_t pid;
	int status;

	code_at(T0, code);
	ck_assert_int_eq(login_at("fault-lock", T0, code), PAM_SUCCESS);
	snprintf(before, sizeof(before), "%s", mfa_pamh_state_text("alice"));
	pid = mfa_pamh_stuck_locker("alice");
	code_at(T0 + 30, code);
	start = now_ms();
	ck_assert_int_eq(
	    login_at("fault-lock", T0 + 30, code), PAM_AUTHINFO_UNAVAIL);
	waited = now_ms() - start;
	ck_logged("timed out waiting for a lock");
	ck_logged("result=failure");
	/* The stuck process dies: its lock goes with it.  It wrote nothing,
	 * and the login that timed out nothing either. */
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_str_eq(mfa_pamh_state_text("alice"), before);
	start = now_ms();
	ck_assert_int_eq(login_at("fault-lock", T0 + 30, code), PAM_SUCCESS);
	normal = now_ms() - start;
	printf("lock: gave up after %lld ms (lock_timeout=%d, a login takes "
	       "%lld ms)\n",
	    (long long)waited, LOCK_MS, (long long)normal);
	ck_assert_int_ge(waited, LOCK_MS);
	ck_assert_msg(waited <= LOCK_MS + 1000 + 2 * normal,
	    "waited %lld ms for a %d ms lock_timeout", (long long)waited,
	    LOCK_MS);
}
END_TEST

/* ---- full and read-only file systems (root) ---- */

/*
 * Mount a tmpfs of size_kb (and at most inodes inodes, 0: default) over
 * the state directory, in a mount namespace of our own so that nothing
 * leaks to the machine.  0, or -1 after printing a SKIP line.
 */
static int
private_tmpfs(unsigned int size_kb, unsigned int inodes)
{
	char opts[128];

	if (geteuid() != 0) {
		printf("SKIP: full and read-only state directory: needs root "
		       "(a tmpfs in a private mount namespace)\n");
		return -1;
	}
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0) {
		printf("SKIP: full and read-only state directory: no private "
		       "mount namespace: %s\n",
		    strerror(errno));
		return -1;
	}
	snprintf(opts, sizeof(opts), "size=%uk,mode=0700,uid=%u,gid=%u",
	    size_kb, (unsigned int)geteuid(), (unsigned int)getegid());
	if (inodes != 0)
		snprintf(opts + strlen(opts), sizeof(opts) - strlen(opts),
		    ",nr_inodes=%u", inodes);
	ck_assert_msg(mount("tmpfs", mfa_pamh_state_dir(), "tmpfs",
			  MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) == 0,
	    "mount tmpfs: %s", strerror(errno));
	return 0;
}

static void
unmount_state(void)
{
	ck_assert_msg(umount2(mfa_pamh_state_dir(), MNT_DETACH) == 0,
	    "umount: %s", strerror(errno));
}

/* Fill the file system: data until ENOSPC, then inodes until ENOSPC. */
static void
fill_state_dir(void)
{
	static const char block[4096];
	char path[4096];
	unsigned int i;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/filler", mfa_pamh_state_dir());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	while ((n = write(fd, block, sizeof(block))) > 0)
		;
	ck_assert_msg(n < 0 && errno == ENOSPC, "filling: %s", strerror(errno));
	close(fd);
	for (i = 0;; i++) {
		snprintf(
		    path, sizeof(path), "%s/inode%u", mfa_pamh_state_dir(), i);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			break;
		close(fd);
		ck_assert_uint_lt(i, 100000);
	}
	ck_assert_msg(errno == ENOSPC, "inodes: %s", strerror(errno));
}

static void
empty_state_dir(void)
{
	char path[4096];
	unsigned int i;

	snprintf(path, sizeof(path), "%s/filler", mfa_pamh_state_dir());
	ck_assert_int_eq(unlink(path), 0);
	for (i = 0;; i++) {
		snprintf(
		    path, sizeof(path), "%s/inode%u", mfa_pamh_state_dir(), i);
		if (unlink(path) != 0)
			break;
	}
}

/*
 * A login that cannot save its state: the result DESIGN §8 and pam_mfa(8)
 * give, the user told, the cause in the log, the old state untouched.
 */
static void
expect_unavailable(int64_t t, int right, const char *cause)
{
	static char before[MFA_STATE_MAX_SIZE + 1], after[sizeof(before)];
	char code[MFA_OTP_CODE_SIZE];
	ssize_t len = read_state_file("alice", before, sizeof(before));

	ck_assert_int_gt(len, 0);
	if (right)
		code_at(t, code);
	else
		wrong_code_at(t, code);
	ck_assert_int_eq(login_at("fault", t, code), PAM_AUTHINFO_UNAVAIL);
	ck_shown(UNAVAILABLE);
	ck_logged(cause);
	ck_logged("user=alice service=fault rhost=- method=none "
		  "result=failure");
	ck_assert_int_eq(read_state_file("alice", after, sizeof(after)), len);
	ck_assert_str_eq(after, before);
}

START_TEST(full_state_dir_fails_closed)
{
	char code[MFA_OTP_CODE_SIZE];

	if (!mfa_pamh_files_only("full state directory") ||
	    private_tmpfs(64, 64) != 0)
		return;
	code_at(T0, code);
	ck_assert_int_eq(login_at("fault", T0, code), PAM_SUCCESS);
	fill_state_dir();
	expect_unavailable(T0 + 30, 1, "no space left on device");
	expect_unavailable(T0 + 60, 0, "no space left on device");
	/* Space again: the next code works and is recorded. */
	empty_state_dir();
	code_at(T0 + 90, code);
	ck_assert_int_eq(login_at("fault", T0 + 90, code), PAM_SUCCESS);
	ck_assert_int_eq(login_at("fault", T0 + 90, code), PAM_AUTH_ERR);
	unmount_state();
}
END_TEST

START_TEST(readonly_state_dir_fails_closed)
{
	char code[MFA_OTP_CODE_SIZE];

	if (!mfa_pamh_files_only("read-only state directory") ||
	    private_tmpfs(256, 0) != 0)
		return;
	code_at(T0, code);
	ck_assert_int_eq(login_at("fault", T0, code), PAM_SUCCESS);
	ck_assert_msg(mount("tmpfs", mfa_pamh_state_dir(), "tmpfs",
			  MS_REMOUNT | MS_RDONLY, NULL) == 0,
	    "remount ro: %s", strerror(errno));
	expect_unavailable(T0 + 30, 1, "read-only file system");
	expect_unavailable(T0 + 60, 0, "read-only file system");
	ck_assert_msg(mount("tmpfs", mfa_pamh_state_dir(), "tmpfs", MS_REMOUNT,
			  NULL) == 0,
	    "remount rw: %s", strerror(errno));
	code_at(T0 + 90, code);
	ck_assert_int_eq(login_at("fault", T0 + 90, code), PAM_SUCCESS);
	unmount_state();
}
END_TEST

static Suite *
fault_suite(void)
{
	Suite *s = suite_create("fault");
	TCase *tc = tcase_create("fault");

	/* 500 forked logins; valgrind runs are much slower. */
	tcase_set_timeout(tc, 600);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, kill_during_state_update);
	tcase_add_test(tc, stuck_lock_fails_closed);
	tcase_add_test(tc, full_state_dir_fails_closed);
	tcase_add_test(tc, readonly_state_dir_fails_closed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, fault_suite);
}
