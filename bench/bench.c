/*
 * bench.c - make bench: the cost of a login through the real libpam, with
 * pam_mfa beside pam_google_authenticator (issue 9).
 *
 * The program runs in three roles:
 *   1. without MFA_BENCH_FIXTURE: write a fixture directory (an nss_wrapper
 *      passwd and group file, a pam.d directory with one service per
 *      stack, the module's configuration file) and re-run itself with
 *      pam_wrapper and nss_wrapper preloaded, as tests/lib/pamh.c does;
 *   2. with it: write every user's secret files, then measure and print
 *      the table;
 *   3. with --one-login SERVICE USER ANSWER: one login and exit, so that a
 *      login process's peak memory can be read with wait4().
 *
 * Every login is pam_start, pam_authenticate, pam_end (libpamtest), timed
 * with CLOCK_MONOTONIC.  The stacks are measured alternately in one run
 * (permit, pam_mfa, google-authenticator, in a rotating order), so that a
 * noisy neighbour slows all of them alike; pam_permit.so alone is the cost
 * of the framework (libpam, pam_wrapper, the conversation), subtracted to
 * give a module's own cost.
 *
 * Replay rules shape the right-code loop.  Both modules accept each time
 * step once per user (pam_mfa: steps at or below the last accepted one are
 * refused; google-authenticator with DISALLOW_REUSE: a used step is
 * refused), and the clock is the real one.  So every right-code login uses
 * a user who has not yet logged in at that step: a pool of users, each
 * with its own secret files, used round robin, each user logging in with
 * the code of step T and then T+1 (both inside the window of +-1 step).
 * Nothing is faked: the modules read the real clock and really write their
 * state on every success.  Each pool user's pam_mfa record is created
 * before timing (one wrong code), so that the timed logins are those of
 * users who logged in before.
 *
 * A second method, the state-restore one (issue 19), times one user (rs0)
 * whose state is put back before every login, outside the timing: pam_mfa's
 * record and lock file from a snapshot taken after one login, and
 * google-authenticator's file from its pristine copy, each rewritten and
 * flushed.  Both methods print both ratios (right and wrong code).
 *
 * Flushes per successful login are counted, not timed: a child stops
 * itself, strace -c attaches to it, and it makes BENCH_FLUSH_LOGINS
 * right-code logins to one module; the fsync, fdatasync, sync_file_range,
 * syncfs and sync calls over the number of logins is printed.  Nothing
 * here asserts a time: targets are printed as met or MISSED.
 *
 * With MFA_BENCH_PG_CONF and MFA_BENCH_PGTLS_CONF (pam_mfa.conf files
 * with store = postgresql, written by bench/run.sh for private servers on
 * loopback, plain and TLS), pam_mfa is measured a second and a third time
 * with its state in PostgreSQL, interleaved with the file store in the
 * same run; its round trips to the server are counted by this program's
 * own send() and connect() (exported, so that libpq's calls land here).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpamtest.h>
#include <security/pam_appl.h>

#include "backup.h"
#include "base32.h"
#include "error.h"
#include "mem.h"
#include "otp.h"
#include "secretfile.h"

#define PAM_SECURITY_DIR "/usr/lib/x86_64-linux-gnu/security"
#define BENCH_USERS 400        /* right-code pool: 800 logins per step */
#define BENCH_BACKUP_USERS 3   /* 10 backup codes each */
#define BENCH_BACKUP_LOGINS 20 /* leaves codes of the last user unused */
#define BENCH_SAMPLES 600      /* per stack and case (at most) */
#define BENCH_TP_SECONDS 1.5   /* per throughput point */
#define BENCH_MAX_PROCS 8
#define BENCH_RESTORE_USER (BENCH_USERS + BENCH_BACKUP_USERS) /* "rs0" */
#define BENCH_ALL_USERS (BENCH_RESTORE_USER + 1)
#define BENCH_FLUSH_LOGINS 20 /* right-code logins under strace -c */

enum stack { ST_PERMIT, ST_MFA, ST_GA, ST_PG, ST_PGTLS, ST_COUNT };

static const char *const stack_service[ST_COUNT] = {
    "permit", "mfa", "ga", "mfa-pg", "mfa-pgtls"};
static const char *const stack_label[ST_COUNT] = {"pam_permit only", "pam_mfa",
    "google-authenticator", "pam_mfa postgresql", "pam_mfa pg+TLS"};
/* The configuration of the PostgreSQL stacks, named by run.sh. */
static const char *const stack_conf_env[ST_COUNT] = {
    NULL, NULL, NULL, "MFA_BENCH_PG_CONF", "MFA_BENCH_PGTLS_CONF"};

struct user {
	char name[16];
	unsigned char key[20];
	int64_t next_step[ST_COUNT]; /* lowest step not yet used */
	char backup[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	unsigned int backup_next;
};

static char fixture[PATH_MAX / 2];
static struct user users[BENCH_ALL_USERS];
static int have_ga;
static unsigned int cursor[ST_COUNT];
static unsigned int unexpected, step_waits;
static unsigned int samples = BENCH_SAMPLES; /* MFA_BENCH_SAMPLES: fewer */

static const struct mfa_totp_params totp = {MFA_OTP_SHA1, 6, 30};

/* The stacks of this run, in order, into out: their count. */
static unsigned int
active_stacks(enum stack out[ST_COUNT])
{
	unsigned int k, n = 0;

	for (k = 0; k < ST_COUNT; k++) {
		if (k == ST_GA && !have_ga)
			continue;
		if (stack_conf_env[k] != NULL &&
		    getenv(stack_conf_env[k]) == NULL)
			continue;
		out[n++] = (enum stack)k;
	}
	return n;
}

/* ---- round trips: libpq's send() and connect() come here ---- */

static unsigned long tcp_sends, tcp_connects;

/* Is fd a TCP/IP socket (the database's; not syslog's unix socket)? */
static int
is_inet(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    (ss.ss_family == AF_INET || ss.ss_family == AF_INET6);
}

ssize_t send(int fd, const void *buf, size_t len, int flags);
int connect(int fd, const struct sockaddr *addr, socklen_t len);

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	static ssize_t (*next)(int, const void *, size_t, int);

	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "send");
	if (is_inet(fd))
		tcp_sends++;
	return next(fd, buf, len, flags);
}

int
connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	static int (*next)(int, const struct sockaddr *, socklen_t);

	if (next == NULL)
		*(void **)&next = dlsym(RTLD_NEXT, "connect");
	if (addr != NULL && addr->sa_family != AF_UNIX)
		tcp_connects++;
	return next(fd, addr, len);
}

/* ---- small helpers ---- */

static void
die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF ||
	    fchmod(fileno(f), mode) != 0 || fclose(f) != 0)
		die(path);
}

static void
make_dir(const char *path)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		die(path);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of n samples, which it sorts. */
static double
quantile(double *v, size_t n, double q)
{
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i];
}

/* ---- role 1: the fixture ---- */

static void
user_name(unsigned int i, char *out, size_t outsz)
{
	if (i < BENCH_USERS)
		snprintf(out, outsz, "u%u", i);
	else if (i < BENCH_RESTORE_USER)
		snprintf(out, outsz, "bk%u", i - BENCH_USERS);
	else
		snprintf(out, outsz, "rs%u", i - BENCH_RESTORE_USER);
}

static void
write_users(void)
{
	char path[PATH_MAX], line[PATH_MAX];
	unsigned int i, uid = (unsigned int)getuid();
	unsigned int gid = (unsigned int)getgid();
	FILE *f;

	snprintf(path, sizeof(path), "%s/passwd", fixture);
	f = fopen(path, "w");
	if (f == NULL)
		die(path);
	for (i = 0; i < BENCH_ALL_USERS; i++) {
		char name[16];

		user_name(i, name, sizeof(name));
		fprintf(f, "%s:x:%u:%u:%s:%s/home/%s:/bin/sh\n", name, uid, gid,
		    name, fixture, name);
	}
	if (fclose(f) != 0)
		die(path);
	snprintf(path, sizeof(path), "%s/group", fixture);
	snprintf(line, sizeof(line), "users:x:%u:\n", gid);
	write_file(path, line, 0600);
}

static void
write_service(const char *name, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/pam.d/%s", fixture, name);
	write_file(path, text, 0600);
}

/* The PostgreSQL stacks: the same settings, their own pam_mfa.conf. */
static void
write_store_services(const char *module)
{
	char text[PATH_MAX * 3];
	unsigned int k;

	for (k = ST_PG; k < ST_COUNT; k++) {
		const char *conf = getenv(stack_conf_env[k]);

		if (conf == NULL)
			continue;
		snprintf(text, sizeof(text),
		    "auth required %s state_dir=%s/state conf=%s "
		    "window=1 tries=1 deny=0 deny_total=0 trust_days=0\n",
		    module, fixture, conf);
		write_service(stack_service[k], text);
	}
}

/*
 * Matched settings: pam_mfa window=1 is google-authenticator's
 * WINDOW_SIZE 3 (steps T-1..T+1); deny=0 and deny_total=0 match its
 * disabled rate limit; tries=1 because google-authenticator asks once;
 * trust_days=0 so that no "trust this device?" question follows a success.
 */
static void
write_services(const char *module)
{
	char text[PATH_MAX * 3];

	snprintf(text, sizeof(text), "%s/pam.d", fixture);
	make_dir(text);
	write_service(
	    "permit", "auth required " PAM_SECURITY_DIR "/pam_permit.so\n");
	snprintf(text, sizeof(text),
	    "auth required %s state_dir=%s/state conf=%s/pam_mfa.conf "
	    "window=1 tries=1 deny=0 deny_total=0 trust_days=0\n",
	    module, fixture, fixture);
	write_service("mfa", text);
	/* libpam wants a fallback service; without it, it logs each login. */
	write_service(
	    "other", "auth required " PAM_SECURITY_DIR "/pam_deny.so\n");
	write_service("ga",
	    "auth required " PAM_SECURITY_DIR "/pam_google_authenticator.so\n");
	write_store_services(module);
	snprintf(text, sizeof(text), "%s/pam_mfa.conf", fixture);
	write_file(
	    text, "# pam_mfa bench: options are module arguments\n", 0600);
	snprintf(text, sizeof(text), "%s/state", fixture);
	make_dir(text);
	snprintf(text, sizeof(text), "%s/home", fixture);
	make_dir(text);
}

/*
 * pam_wrapper copies the service directory to /tmp/pam.X (one character)
 * and removes it at exit; a process that was killed leaves it behind, and
 * a new process may then fail to get one.  Remove those whose process is
 * gone (as tests/lib/pamh.c does).
 */
static void
clean_stale_pamwrap_dirs(void)
{
	static const char chars[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const char *c;

	for (c = chars; *c != '\0'; c++) {
		char pidfile[32], cmd[64];
		long pid = 0;
		FILE *f;

		snprintf(pidfile, sizeof(pidfile), "/tmp/pam.%c/pid", *c);
		f = fopen(pidfile, "r");
		if (f == NULL)
			continue;
		if (fscanf(f, "%ld", &pid) == 1 && pid > 0 &&
		    kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
			snprintf(cmd, sizeof(cmd), "rm -rf /tmp/pam.%c", *c);
			if (system(cmd) != 0)
				fprintf(stderr,
				    "bench: cannot remove /tmp/pam.%c\n", *c);
		}
		fclose(f);
	}
}

static int
setup_and_reexec(char **argv, const char *module)
{
	const char *tmp = getenv("TMPDIR");
	const char *pre = getenv("PAM_WRAPPER_PRELOAD");
	char path[PATH_MAX];

	snprintf(fixture, sizeof(fixture), "%s/mfa-bench.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(fixture) == NULL)
		die("mkdtemp");
	clean_stale_pamwrap_dirs();
	write_users();
	write_services(module);
	snprintf(path, sizeof(path), "%s:libnss_wrapper.so",
	    pre != NULL ? pre : "libpam_wrapper.so");
	setenv("LD_PRELOAD", path, 1);
	setenv("PAM_WRAPPER", "1", 1);
	snprintf(path, sizeof(path), "%s/pam.d", fixture);
	setenv("PAM_WRAPPER_SERVICE_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/passwd", fixture);
	setenv("NSS_WRAPPER_PASSWD", path, 1);
	snprintf(path, sizeof(path), "%s/group", fixture);
	setenv("NSS_WRAPPER_GROUP", path, 1);
	setenv("MFA_BENCH_FIXTURE", fixture, 1);
	execv("/proc/self/exe", argv);
	die("exec");
	return 2;
}

/* ---- role 2: secrets ---- */

/* google-authenticator's file, as `google-authenticator -t -d -u -w 3
 * -e 0` writes it: the secret, then its options. */
static void
write_ga_secret(const char *home, const unsigned char *key, size_t keylen)
{
	char b32[MFA_BASE32_ENCODED_LEN(64) + 1], path[PATH_MAX + 32],
	    text[256];

	if (mfa_base32_encode(key, keylen, b32, sizeof(b32)) != MFA_OK)
		exit(2);
	snprintf(text, sizeof(text),
	    "%s\n\" WINDOW_SIZE 3\n\" DISALLOW_REUSE\n\" TOTP_AUTH\n", b32);
	snprintf(path, sizeof(path), "%s/.google_authenticator", home);
	write_file(path, text, 0400);
	mfa_wipe(b32, sizeof(b32));
}

static void
write_user_secrets(unsigned int i, int64_t now)
{
	struct user *u = &users[i];
	struct mfa_secret *s = NULL;
	char home[PATH_MAX], path[PATH_MAX + 16], *text = NULL;
	size_t len = 0;

	user_name(i, u->name, sizeof(u->name));
	snprintf(home, sizeof(home), "%s/home/%s", fixture, u->name);
	make_dir(home);
	if (mfa_secret_new(&s) != MFA_OK ||
	    mfa_secret_generate(s, sizeof(u->key), now) != MFA_OK)
		exit(2);
	/* Ten codes issued: a backup login must still cost one Argon2id. */
	if (i >= BENCH_USERS && i < BENCH_RESTORE_USER &&
	    mfa_backup_new_set(s, u->backup, now) != MFA_OK)
		exit(2);
	memcpy(u->key, s->key, sizeof(u->key));
	if (mfa_secret_serialize(s, &text, &len) != MFA_OK)
		exit(2);
	snprintf(path, sizeof(path), "%s/.pam_mfa", home);
	write_file(path, text, 0600);
	mfa_freezero(text, len + 1);
	mfa_secret_free(s);
	write_ga_secret(home, u->key, sizeof(u->key));
}

/* ---- logins ---- */

struct conv_data {
	const char *answer;
};

/* Hidden prompts get the code; questions (echo on) get "n". */
static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	const struct conv_data *cd = data;
	struct pam_response *rs = calloc((size_t)n, sizeof(*rs));
	int i;

	if (rs == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
			rs[i].resp = strdup(cd->answer);
		else if (msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			rs[i].resp = strdup("n");
	}
	*resp = rs;
	return PAM_SUCCESS;
}

/* One login; its result, and its time in microseconds in *us. */
static int
login(const char *service, const char *user, const char *answer, double *us)
{
	struct pam_testcase tests[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	};
	struct conv_data cd = {answer};
	double t0 = now_s();

	_pamtest_conv(service, user, conv, &cd, tests, 1, NULL);
	if (us != NULL)
		*us = (now_s() - t0) * 1e6;
	return tests[0].op_rv;
}

static int64_t
current_step(void)
{
	return (int64_t)time(NULL) / 30;
}

static void
code_at(const struct user *u, int64_t step, char *out, size_t outsz)
{
	if (mfa_totp_code(
		u->key, sizeof(u->key), &totp, step * 30, out, outsz) != MFA_OK)
		exit(2);
}

/*
 * The next user who may still log in to stack st in this step, and the
 * step of the code to type (T or T+1).  When the whole pool is used up,
 * wait for the next step (counted and reported).
 */
static struct user *
next_right_user(enum stack st, int64_t *step)
{
	unsigned int tried;

	for (;;) {
		int64_t t = current_step();

		for (tried = 0; tried < BENCH_USERS; tried++) {
			struct user *u = &users[cursor[st]];
			int64_t s = u->next_step[st] > t ? u->next_step[st] : t;

			cursor[st] = (cursor[st] + 1) % BENCH_USERS;
			if (s <= t + 1) {
				u->next_step[st] = s + 1;
				*step = s;
				return u;
			}
		}
		step_waits++;
		while (current_step() == t)
			usleep(20000);
	}
}

/* A code outside the window T-1..T+1 of u. */
static void
wrong_code(const struct user *u, char *out, size_t outsz)
{
	char c[3][MFA_OTP_CODE_SIZE];
	int64_t t = current_step();
	unsigned int v = 0, k;

	for (k = 0; k < 3; k++)
		code_at(u, t - 1 + (int64_t)k, c[k], sizeof(c[k]));
	for (;;) {
		snprintf(out, outsz, "%06u", v);
		if (strcmp(out, c[0]) != 0 && strcmp(out, c[1]) != 0 &&
		    strcmp(out, c[2]) != 0)
			break;
		v += 111111;
	}
}

static void
expect(int rv, int want, const char *what)
{
	if (rv != want && unexpected++ < 5)
		fprintf(stderr, "bench: %s: PAM result %d, expected %d\n", what,
		    rv, want);
}

/* ---- measurements ---- */

struct series {
	double median, p95;
};

struct phase {
	struct series s[ST_COUNT];
	int files_only; /* the state-restore method: no database stacks */
};

static void
one_login(enum stack st, int right, double *us)
{
	char code[MFA_OTP_CODE_SIZE];
	struct user *u;
	int64_t step;

	if (st == ST_PERMIT) {
		u = &users[0];
		snprintf(code, sizeof(code), "000000");
	} else if (right) {
		u = next_right_user(st, &step);
		code_at(u, step, code, sizeof(code));
	} else {
		u = &users[cursor[st]];
		cursor[st] = (cursor[st] + 1) % BENCH_USERS;
		wrong_code(u, code, sizeof(code));
	}
	expect(login(stack_service[st], u->name, code, us),
	    st == ST_PERMIT || right ? PAM_SUCCESS : PAM_AUTH_ERR,
	    stack_label[st]);
	mfa_wipe(code, sizeof(code));
}

/*
 * Before timing: one wrong-code pam_mfa login per pool user, which
 * creates the user's record (a new file: two flushes, once per user), so
 * that the timed logins are those of users who have logged in before, as
 * google-authenticator's users have their file.  No step is used up.
 */
static void
warm_up(void)
{
	char code[MFA_OTP_CODE_SIZE];
	unsigned int i;

	for (i = 0; i < BENCH_USERS; i++) {
		wrong_code(&users[i], code, sizeof(code));
		expect(login("mfa", users[i].name, code, NULL), PAM_AUTH_ERR,
		    "pam_mfa warm-up");
	}
}

/* Interleave the stacks, rotating which goes first. */
static void
measure(int right, struct phase *ph)
{
	static double t[ST_COUNT][BENCH_SAMPLES];
	enum stack act[ST_COUNT];
	unsigned int i, k, nst = active_stacks(act);

	for (i = 0; i < samples; i++)
		for (k = 0; k < nst; k++) {
			enum stack st = act[(i + k) % nst];

			one_login(st, right, &t[st][i]);
		}
	for (k = 0; k < nst; k++) {
		ph->s[act[k]].median = quantile(t[act[k]], samples, 0.5);
		ph->s[act[k]].p95 = quantile(t[act[k]], samples, 0.95);
	}
}

/* Backup-code logins (pam_mfa), and one Argon2id evaluation alone. */
static void
measure_backup(double *login_ms, double *argon_ms)
{
	double t[BENCH_BACKUP_LOGINS], a[5], us;
	unsigned int i, n = 0;
	char *phc = NULL, norm[MFA_BACKUP_CODE_SIZE] = "2ABCDEFGH";

	for (i = 0; i < BENCH_BACKUP_LOGINS; i++) {
		struct user *u = &users[BENCH_USERS + i % BENCH_BACKUP_USERS];

		expect(login("mfa", u->name, u->backup[u->backup_next++], &us),
		    PAM_SUCCESS, "pam_mfa backup code");
		t[n++] = us / 1000;
	}
	*login_ms = quantile(t, n, 0.5);
	if (mfa_backup_hash(norm, &phc) != MFA_OK)
		exit(2);
	for (i = 0; i < 5; i++) {
		double t0 = now_s();

		if (mfa_backup_verify(norm, phc) != MFA_OK)
			exit(2);
		a[i] = (now_s() - t0) * 1000;
	}
	*argon_ms = quantile(a, 5, 0.5);
	free(phc);
}

/* ---- throughput ---- */

/*
 * A worker: wrong-code pam_mfa logins for `seconds`, count to fd.  Worker
 * w of distinct users owns users w+1, w+1+8, w+1+16...: never users[0],
 * whose lock a stuck process may hold (see hold_lock).
 */
static void
worker(unsigned int w, enum stack st, int one_user, double seconds, int fd)
{
	char code[MFA_OTP_CODE_SIZE];
	unsigned long n = 0;
	unsigned int j = 0;
	double end = now_s() + seconds;

	while (now_s() < end) {
		struct user *u = one_user
		    ? &users[0]
		    : &users[1 +
			  (w + BENCH_MAX_PROCS * j++) % (BENCH_USERS - 1)];

		wrong_code(u, code, sizeof(code));
		expect(login(stack_service[st], u->name, code, NULL),
		    PAM_AUTH_ERR, stack_label[st]);
		n++;
	}
	if (write(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		_exit(1);
	/* _exit: pam_wrapper's directory belongs to the parent. */
	_exit(unexpected == 0 ? 0 : 1);
}

static double
throughput(unsigned int procs, enum stack st, int one_user)
{
	pid_t pids[BENCH_MAX_PROCS];
	unsigned long total = 0, n;
	unsigned int i;
	int fds[2], status;

	if (procs > BENCH_MAX_PROCS || pipe(fds) != 0)
		die("pipe");
	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (pids[i] == 0) {
			close(fds[0]);
			worker(i, st, one_user, BENCH_TP_SECONDS, fds[1]);
		}
	}
	close(fds[1]);
	while (read(fds[0], &n, sizeof(n)) == (ssize_t)sizeof(n))
		total += n;
	close(fds[0]);
	/* Only our workers: a lock holder (hold_lock) may be running. */
	for (i = 0; i < procs; i++)
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			unexpected++;
	return (double)total / BENCH_TP_SECONDS;
}

/*
 * A child that takes users[0]'s lock, as the module does (an OFD lock on
 * the state directory's ".u0.lock"), and holds it until killed: a stuck
 * login.  Returns its pid once it holds the lock.
 */
static pid_t
hold_lock(void)
{
	char path[PATH_MAX], c = 0;
	int p[2];
	pid_t pid;

	snprintf(
	    path, sizeof(path), "%s/state/.%s.lock", fixture, users[0].name);
	if (pipe(p) != 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
		int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0 || fcntl(fd, F_OFD_SETLK, &fl) != 0 ||
		    write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		die("lock holder");
	close(p[0]);
	return pid;
}

/* Distinct users' throughput with users[0]'s lock held by a stuck login. */
static double
throughput_beside_stuck_lock(unsigned int procs)
{
	int status;
	pid_t holder = hold_lock();
	double tp = throughput(procs, ST_MFA, 0);

	kill(holder, SIGKILL);
	waitpid(holder, &status, 0);
	return tp;
}

/* ---- flushes per successful login ---- */

/* The calls to the syscalls counted in an strace -c summary file. */
static long
strace_calls(const char *path)
{
	static const char *const names[] = {
	    "fsync", "fdatasync", "sync_file_range", "syncfs", "sync"};
	char line[256], name[64];
	long calls, total = 0;
	double pct, secs;
	unsigned long usecs;
	FILE *f = fopen(path, "r");
	size_t i;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* "% time seconds usecs/call calls [errors] syscall" */
		if (sscanf(line, "%lf %lf %lu %ld", &pct, &secs, &usecs,
			&calls) != 4 ||
		    sscanf(strrchr(line, ' ') + 1, "%63s", name) != 1)
			continue;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcmp(name, names[i]) == 0)
				total += calls;
	}
	fclose(f);
	return total;
}

/* 1 once pid is traced (its TracerPid), within about five seconds. */
static int
wait_traced(pid_t pid)
{
	char path[64], line[128];
	int i, traced = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)pid);
	for (i = 0; i < 500 && !traced; i++) {
		f = fopen(path, "r");
		while (f != NULL && fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "TracerPid:", 10) == 0)
				traced = atol(line + 10) != 0;
		if (f != NULL)
			fclose(f);
		if (!traced)
			usleep(10000);
	}
	return traced;
}

/* Run strace -c on the stopped process pid, writing its summary to out. */
static pid_t
start_strace(pid_t pid, const char *out)
{
	char pidstr[32];
	pid_t tracer = fork();

	snprintf(pidstr, sizeof(pidstr), "%ld", (long)pid);
	if (tracer == 0) {
		execlp("strace", "strace", "-f", "-qq", "-c", "-o", out, "-e",
		    "trace=fsync,fdatasync,sync_file_range,syncfs,sync", "-p",
		    pidstr, (char *)NULL);
		_exit(127);
	}
	return tracer;
}

/*
 * Flushes per successful login to stack st: a child that stops itself,
 * is traced by strace -c, then makes BENCH_FLUSH_LOGINS right-code logins
 * (users of the pool that already have a record).  -1 without strace.
 */
static double
flushes_per_login(enum stack st)
{
	char out[PATH_MAX + 32];
	pid_t child, tracer;
	int status, ok;
	unsigned int i;
	long calls;

	snprintf(out, sizeof(out), "%s/strace.%s", fixture, stack_service[st]);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		raise(SIGSTOP);
		for (i = 0; i < BENCH_FLUSH_LOGINS; i++)
			one_login(st, 1, NULL);
		_exit(unexpected == 0 ? 0 : 1);
	}
	if (waitpid(child, &status, WUNTRACED) != child || !WIFSTOPPED(status))
		die("stopped child");
	tracer = start_strace(child, out);
	ok = tracer > 0 && wait_traced(child);
	kill(child, ok ? SIGCONT : SIGKILL);
	if (!ok)
		kill(child, SIGCONT);
	ok = waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0 && ok;
	if (tracer > 0)
		waitpid(tracer, &status, 0);
	calls = ok ? strace_calls(out) : -1;
	return calls < 0 ? -1 : (double)calls / BENCH_FLUSH_LOGINS;
}

static void
print_flushes(void)
{
	double mfa = flushes_per_login(ST_MFA);
	double ga = have_ga ? flushes_per_login(ST_GA) : -1;

	printf("\nflushes per successful login (strace -f -c -e "
	       "trace=fsync,fdatasync,sync_file_range,syncfs,sync, %d "
	       "right-code logins of users who have a record)\n",
	    BENCH_FLUSH_LOGINS);
	if (mfa < 0) {
		printf("  not counted: strace missing or cannot trace "
		       "(apt-get install strace)\n");
		return;
	}
	printf("  pam_mfa %.2f (target 1)  %s", mfa,
	    mfa <= 1.0 ? "met" : "MISSED");
	if (ga >= 0)
		printf("; google-authenticator %.2f", ga);
	printf("\n");
}

/* ---- the state-restore method: one user, state put back each time ---- */

/* A file as it was, to be put back before each login. */
struct saved {
	char path[PATH_MAX + 64];
	char *data;
	size_t len;
	mode_t mode;
};

static struct saved saved_mfa, saved_lock, saved_ga;

static void
save_file(struct saved *f, mode_t mode)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0)
		die(f->path);
	f->len = (size_t)st.st_size;
	f->data = malloc(f->len + 1);
	if (f->data == NULL ||
	    read(fd, f->data, f->len + 1) != (ssize_t)f->len)
		die(f->path);
	close(fd);
	f->mode = mode;
}

/* Put f back, flushed (outside the timing: the next login's own
 * flushes are then only its own writes). */
static void
restore_file(const struct saved *f)
{
	int fd = open(f->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || fchmod(fd, f->mode) != 0 ||
	    write(fd, f->data, f->len) != (ssize_t)f->len || fsync(fd) != 0 ||
	    close(fd) != 0)
		die(f->path);
}

/*
 * The snapshot: user rs0 logs in to pam_mfa once with the code of the
 * step before this one (its record: enrolled, a replay floor below every
 * code typed later, its own source listed); google-authenticator's file
 * as written, never used.
 */
static void
take_snapshots(void)
{
	struct user *u = &users[BENCH_RESTORE_USER];
	char code[MFA_OTP_CODE_SIZE];

	code_at(u, current_step() - 1, code, sizeof(code));
	expect(login("mfa", u->name, code, NULL), PAM_SUCCESS,
	    "pam_mfa snapshot login");
	snprintf(saved_mfa.path, sizeof(saved_mfa.path), "%s/state/%s",
	    fixture, u->name);
	snprintf(saved_lock.path, sizeof(saved_lock.path), "%s/state/.%s.lock",
	    fixture, u->name);
	snprintf(saved_ga.path, sizeof(saved_ga.path),
	    "%s/home/%s/.google_authenticator", fixture, u->name);
	save_file(&saved_mfa, 0600);
	save_file(&saved_lock, 0600);
	if (have_ga)
		save_file(&saved_ga, 0400);
}

/* Like measure, all logins by rs0, every one after a restore. */
static void
measure_restore(int right, struct phase *ph)
{
	static double t[ST_COUNT][BENCH_SAMPLES];
	struct user *u = &users[BENCH_RESTORE_USER];
	char code[MFA_OTP_CODE_SIZE];
	/* The stacks whose state lives in files, which it puts back. */
	unsigned int i, k, nst = have_ga ? ST_PG : ST_GA;

	ph->files_only = 1;
	for (i = 0; i < samples; i++)
		for (k = 0; k < nst; k++) {
			enum stack st = (enum stack)((i + k) % nst);

			restore_file(&saved_mfa);
			restore_file(&saved_lock);
			if (have_ga)
				restore_file(&saved_ga);
			if (right)
				code_at(u, current_step(), code, sizeof(code));
			else
				wrong_code(u, code, sizeof(code));
			expect(login(stack_service[st], u->name, code,
				   &t[st][i]),
			    st == ST_PERMIT || right ? PAM_SUCCESS
						    : PAM_AUTH_ERR,
			    stack_label[st]);
		}
	for (k = 0; k < nst; k++) {
		ph->s[k].median = quantile(t[k], samples, 0.5);
		ph->s[k].p95 = quantile(t[k], samples, 0.95);
	}
}

/* ---- round trips to the database ---- */

#define BENCH_RT_LOGINS 20

/* Right-code logins on each PostgreSQL stack: what each sent. */
static void
print_round_trips(void)
{
	enum stack act[ST_COUNT];
	unsigned int i, j, nst = active_stacks(act);

	for (i = 0; i < nst; i++) {
		unsigned long sends = 0, conns = 0, most = 0;
		enum stack st = act[i];

		if (st < ST_PG)
			continue;
		for (j = 0; j < BENCH_RT_LOGINS; j++) {
			unsigned long s0 = tcp_sends;

			tcp_connects = 0;
			one_login(st, 1, NULL);
			sends += tcp_sends - s0;
			conns += tcp_connects;
			if (tcp_sends - s0 > most)
				most = tcp_sends - s0;
		}
		printf("\nround trips, %s, right code, %u logins: %.1f "
		       "send() calls to the server per login (at most %lu), "
		       "%.1f connections per login\n",
		    stack_label[st], BENCH_RT_LOGINS,
		    (double)sends / BENCH_RT_LOGINS, most,
		    (double)conns / BENCH_RT_LOGINS);
		/* Trust authentication: a connection sends its startup
		 * packet and, at PQfinish, Terminate; every other send
		 * starts a round trip (pipelined statements share one). */
		if (st == ST_PG)
			printf("  send() calls after the connection: %.1f per "
			       "login (an unlock sent without waiting "
			       "counts too; the round trips waited for, "
			       "target <= 3, are timed by "
			       "tests/pgsql/test_store_pgsql through a "
			       "delaying proxy)\n",
			    (double)(sends - 2 * conns) / BENCH_RT_LOGINS);
		else
			printf("  (TLS: the handshake's sends are counted "
			       "too)\n");
	}
}

/* ---- peak memory of one login process ---- */

static long
login_rss_kib(const char *service, const char *user, const char *answer)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execl("/proc/self/exe", "bench", "--one-login", service, user,
		    answer, (char *)NULL);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid)
		die("wait4");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		unexpected++;
		fprintf(stderr, "bench: one login (%s) failed\n", service);
	}
	return ru.ru_maxrss;
}

static int
one_login_main(char **argv)
{
	int rv = login(argv[2], argv[3], argv[4], NULL);

	return rv == PAM_SUCCESS ? 0 : 1;
}

/* ---- report ---- */

static void
print_phase(const char *title, const struct phase *ph)
{
	enum stack act[ST_COUNT];
	unsigned int i, nst = active_stacks(act);

	for (i = 0; i < nst; i++) {
		enum stack k = act[i];

		if (ph->files_only && k >= ST_PG)
			continue;
		printf("%-11s %-21s %8.1f %8.1f", i == 0 ? title : "",
		    stack_label[k], ph->s[k].median, ph->s[k].p95);
		if (k == ST_PERMIT)
			printf("   (framework)\n");
		else
			printf("   %8.1f\n",
			    ph->s[k].median - ph->s[ST_PERMIT].median);
	}
}

static double
own(const struct phase *ph, enum stack st)
{
	return ph->s[st].median - ph->s[ST_PERMIT].median;
}

/* Both ratios of one method, with their targets (printed, not asserted). */
static void
print_ratios(
    const char *method, const struct phase *right, const struct phase *wrong)
{
	double r = own(right, ST_MFA) / own(right, ST_GA);
	double w = own(wrong, ST_MFA) / own(wrong, ST_GA);

	if (!have_ga) {
		printf(
		    "  pam_google_authenticator.so not installed: no "
		    "ratios (apt-get install libpam-google-authenticator)\n");
		return;
	}
	printf("  %s, right code: pam_mfa own cost / google-authenticator's "
	       "= %.2f  (target <= 1.00)  %s\n",
	    method, r, r <= 1.0 ? "met" : "MISSED");
	printf("  %s, wrong code: pam_mfa own cost / google-authenticator's "
	       "= %.3f (target <= 0.10)  %s\n",
	    method, w, w <= 0.10 ? "met" : "MISSED");
}

static void
print_targets(const struct phase *right, const struct phase *wrong,
    double backup_ms, double argon_ms)
{
	double b = (backup_ms - right->s[ST_PERMIT].median / 1000) / argon_ms;

	printf("\ntargets\n");
	print_ratios("round robin", right, wrong);
	printf("  backup code: login minus framework = %.2f Argon2id "
	       "evaluations (target 1)  %s\n",
	    b, b < 1.5 ? "met" : "MISSED");
}

/*
 * The state-restore method: one user, whose pam_mfa state directory
 * entries and google-authenticator file are put back (and flushed)
 * before every timed login, outside the timing.
 */
static void
run_restore_method(void)
{
	struct phase right, wrong;

	memset(&right, 0, sizeof(right));
	memset(&wrong, 0, sizeof(wrong));
	take_snapshots();
	printf("\nstate-restore method: one user (rs0), both modules' state "
	       "put back from a snapshot and flushed before every login, "
	       "outside the timing\n");
	measure_restore(1, &right);
	print_phase("right code", &right);
	measure_restore(0, &wrong);
	print_phase("wrong code", &wrong);
	print_ratios("state restore", &right, &wrong);
}

static const unsigned int tp_procs[] = {1, 2, 4, 8};

/* Stack st's throughput with 1, 2, 4, 8 processes: two rows; d[] gets
 * the distinct users' row. */
static void
print_tp_rows(enum stack st, double d[4])
{
	double o[4];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		d[i] = throughput(tp_procs[i], st, 0);
		o[i] = throughput(tp_procs[i], st, 1);
	}
	printf("  processes        %8u %8u %8u %8u\n", tp_procs[0], tp_procs[1],
	    tp_procs[2], tp_procs[3]);
	printf("  distinct users   %8.0f %8.0f %8.0f %8.0f\n", d[0], d[1], d[2],
	    d[3]);
	printf("  one user         %8.0f %8.0f %8.0f %8.0f\n", o[0], o[1], o[2],
	    o[3]);
}

/* The same for the PostgreSQL stacks of this run. */
static void
print_store_throughput(void)
{
	enum stack act[ST_COUNT];
	unsigned int i, nst = active_stacks(act);
	double d[4];

	for (i = 0; i < nst; i++) {
		if (act[i] < ST_PG)
			continue;
		printf("\nthroughput, %s (database on loopback), wrong code "
		       "(one transaction on the user's row), logins/s\n",
		    stack_label[act[i]]);
		print_tp_rows(act[i], d);
	}
}

static void
print_throughput(void)
{
	const unsigned int *procs = tp_procs;
	double d[4], stuck, ratio;

	printf("\nthroughput, pam_mfa, wrong code (locks the user, reads the "
	       "state, counts in the tally), logins/s, %ld CPUs\n",
	    sysconf(_SC_NPROCESSORS_ONLN));
	print_tp_rows(ST_MFA, d);
	stuck = throughput_beside_stuck_lock(procs[3]);
	printf("  (distinct users never share a lock; one user's logins "
	       "queue on its lock)\n");
	/* A shared lock would stop everyone behind the stuck login. */
	ratio = stuck / d[3];
	printf("  lock contention: %u processes over distinct users while "
	       "another user's lock is held by a stuck login: %.0f/s, %.2f "
	       "of the rate without it (target >= 0.80)  %s\n",
	    procs[3], stuck, ratio, ratio >= 0.8 ? "met" : "MISSED");
}

static void
print_rss(void)
{
	char code[MFA_OTP_CODE_SIZE];
	struct user *u, *bu = &users[BENCH_USERS + BENCH_BACKUP_USERS - 1];
	int64_t step;
	long permit, totp_kib, backup_kib, ga_kib = 0;

	permit = login_rss_kib("permit", "u0", "x");
	u = next_right_user(ST_MFA, &step);
	code_at(u, step, code, sizeof(code));
	totp_kib = login_rss_kib("mfa", u->name, code);
	backup_kib =
	    login_rss_kib("mfa", bu->name, bu->backup[bu->backup_next++]);
	if (have_ga) {
		u = next_right_user(ST_GA, &step);
		code_at(u, step, code, sizeof(code));
		ga_kib = login_rss_kib("ga", u->name, code);
	}
	printf("\npeak RSS of one login process (getrusage), KiB\n");
	printf("  pam_permit only %ld; pam_mfa TOTP %ld; pam_mfa backup code "
	       "%ld",
	    permit, totp_kib, backup_kib);
	if (have_ga)
		printf("; google-authenticator %ld", ga_kib);
	printf("\n");
}

static void
print_header(void)
{
	printf("pam_mfa bench: %u logins per stack and case, stacks "
	       "interleaved in one run\n",
	    samples);
	printf("each login: pam_start, pam_authenticate, pam_end (libpamtest, "
	       "pam_wrapper, nss_wrapper)\n");
	printf("right codes: %d users round robin, each logging in once per "
	       "step per module (codes of T, then T+1), real clock\n",
	    BENCH_USERS);
	printf("settings: pam_mfa window=1 tries=1 deny=0 deny_total=0; "
	       "google-authenticator WINDOW_SIZE 3, DISALLOW_REUSE, no rate "
	       "limit\n");
	printf("(a wrong code costs pam_mfa the same with the default deny=10 "
	       "until the one that locks the user, which is written "
	       "durably)\n");
	printf("every pool user's pam_mfa record is created before timing, by "
	       "one wrong code (a record's first write is a new file, two "
	       "flushes, once)\n\n");
	printf("%-11s %-21s %8s %8s   %8s\n", "case", "stack", "median", "p95",
	    "own cost");
	printf("%-11s %-21s %8s %8s   %8s\n", "", "", "us", "us", "us (med)");
}

static int
bench_main(void)
{
	struct phase right, wrong;
	double backup_ms, argon_ms;
	unsigned int i;
	int64_t now = (int64_t)time(NULL);
	const char *n = getenv("MFA_BENCH_SAMPLES");

	snprintf(fixture, sizeof(fixture), "%s", getenv("MFA_BENCH_FIXTURE"));
	if (n != NULL && atoi(n) > 0 && atoi(n) < BENCH_SAMPLES)
		samples = (unsigned int)atoi(n);
	have_ga =
	    access(PAM_SECURITY_DIR "/pam_google_authenticator.so", R_OK) == 0;
	for (i = 0; i < BENCH_ALL_USERS; i++)
		write_user_secrets(i, now);
	memset(&right, 0, sizeof(right));
	memset(&wrong, 0, sizeof(wrong));
	print_header();
	warm_up();
	measure(1, &right);
	print_phase("right code", &right);
	measure(0, &wrong);
	print_phase("wrong code", &wrong);
	measure_backup(&backup_ms, &argon_ms);
	printf("%-11s %-21s %8.1f ms (10 codes issued); one Argon2id "
	       "evaluation alone %.1f ms\n",
	    "backup code", "pam_mfa", backup_ms, argon_ms);
	print_targets(&right, &wrong, backup_ms, argon_ms);
	run_restore_method();
	print_throughput();
	print_store_throughput();
	print_round_trips();
	print_rss();
	print_flushes();
	if (step_waits > 0)
		printf(
		    "\n(the user pool ran out %u time(s): waited for the next "
		    "time step)\n",
		    step_waits);
	if (unexpected > 0)
		printf("\nbench: %u login(s) had an unexpected result\n",
		    unexpected);
	return unexpected > 0 ? 1 : 0;
}

int
main(int argc, char **argv)
{
	const char *fx = getenv("MFA_BENCH_FIXTURE");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && strcmp(argv[1], "--one-login") == 0 && fx != NULL)
		return one_login_main(argv);
	if (fx != NULL)
		return bench_main();
	if (argc != 2 || argv[1][0] != '/') {
		fprintf(stderr,
		    "usage: bench /ABSOLUTE/PATH/pam_mfa.so "
		    "(run it through make bench)\n");
		return 2;
	}
	return setup_and_reexec(argv, argv[1]);
}
