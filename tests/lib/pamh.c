/*
 * pamh.c - a harness for module tests through the real libpam (see pamh.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <libpamtest.h>
#include <security/pam_appl.h>

#include "config_load.h"
#include "error.h"
#include "mem.h"
#include "pamh.h"
#include "state.h"
#include "store.h"
#include "store_open.h"
#include "testutil.h"

#define PAMWRAP_MODULES "/usr/lib/x86_64-linux-gnu/pam_wrapper"

/* Short enough that every path built from it fits in PATH_MAX. */
static char fixture[1024];
static char logbuf[65536];
static size_t loglen;

/* ---- syslog capture: libpam's pam_syslog ends in these ---- */

void
vsyslog(int priority, const char *fmt, va_list ap)
{
	int n;

	(void)priority;
	if (loglen + 2 >= sizeof(logbuf))
		return;
	n = vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen - 1, fmt, ap);
	if (n < 0)
		return;
	loglen += (size_t)n < sizeof(logbuf) - loglen - 1
	    ? (size_t)n
	    : sizeof(logbuf) - loglen - 2;
	logbuf[loglen++] = '\n';
	logbuf[loglen] = '\0';
}

void
syslog(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
}

/* glibc's fortified entry points, which a FORTIFY-built libpam calls. */
void __syslog_chk(int priority, int flag, const char *fmt, ...);
void __vsyslog_chk(int priority, int flag, const char *fmt, va_list ap);

void
__vsyslog_chk(int priority, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	vsyslog(priority, fmt, ap);
}

void
__syslog_chk(int priority, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
}

const char *
mfa_pamh_log(void)
{
	return logbuf;
}

void
mfa_pamh_log_clear(void)
{
	loglen = 0;
	logbuf[0] = '\0';
}

/* ---- fixture ---- */

const char *
mfa_pamh_dir(void)
{
	return fixture;
}

const char *
mfa_pamh_state_dir(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/state", fixture);
	return path;
}

const char *
mfa_pamh_home(const char *user)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/home/%s", fixture, user);
	return path;
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "pamh: cannot write %s: %s\n", path,
		    strerror(errno));
		exit(2);
	}
}

/* mkdir FIXTURE/sub (mode 0700); an existing directory is fine. */
static void
make_dir(const char *sub)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", fixture, sub);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "pamh: mkdir %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

static void
write_users(void)
{
	static const char *const users[] = {"alice", "bob", "carol"};
	char path[PATH_MAX], text[16384] = "";
	size_t i, len = 0;
	unsigned int uid = (unsigned int)getuid(), gid = (unsigned int)getgid();

	make_dir("home");
	for (i = 0; i < 3; i++) {
		char line[PATH_MAX + 128];

		snprintf(line, sizeof(line), "home/%s", users[i]);
		make_dir(line);
		snprintf(line, sizeof(line),
		    "%s:x:%u:%u:%s:%s/home/%s:/bin/sh\n", users[i], uid, gid,
		    users[i], fixture, users[i]);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%.*s",
		    (int)(sizeof(text) - len - 1), line);
	}
	snprintf(path, sizeof(path), "%s/passwd", fixture);
	write_text(path, text);
	snprintf(text, sizeof(text),
	    "users:x:%u:\nstaff:x:%u:alice,bob\nexempt:x:%u:carol\n", gid,
	    gid + 1000, gid + 1001);
	snprintf(path, sizeof(path), "%s/group", fixture);
	write_text(path, text);
	snprintf(path, sizeof(path), "%s/passdb", fixture);
	write_text(
	    path, "alice:secret:mfa\nbob:secret:mfa\ncarol:secret:mfa\n");
}

/* The pam_mfa.so line(s) for args (MFA_PAMH_SECOND_LINE splits them). */
static size_t
mfa_lines(char *out, size_t outsz, const char *build, const char *args)
{
	const char *second = strstr(args, MFA_PAMH_SECOND_LINE);
	int first_len =
	    second != NULL ? (int)(second - args) : (int)strlen(args);
	int n;

	n = snprintf(out, outsz,
	    "auth required %s/testclock/pam_mfa.so state_dir=%s/state "
	    "conf=%s/pam_mfa.conf %.*s\n",
	    build, fixture, fixture, first_len, args);
	if (second != NULL && n >= 0 && (size_t)n < outsz)
		n += snprintf(out + n, outsz - (size_t)n,
		    "auth required %s/testclock/pam_mfa.so state_dir=%s/state "
		    "conf=%s/pam_mfa.conf %s\n",
		    build, fixture, fixture,
		    second + strlen(MFA_PAMH_SECOND_LINE));
	return n < 0 ? 0 : (size_t)n;
}

static void
write_services(const struct mfa_pamh_service *services)
{
	const char *build = getenv("MFA_BUILD");
	char path[PATH_MAX], text[4 * PATH_MAX + 1024];

	make_dir("pam.d");
	make_dir("state");
	for (; services->name != NULL; services++) {
		char pw[3 * PATH_MAX] = "";
		size_t n = 0;

		if (services->set_items)
			n += (size_t)snprintf(pw + n, sizeof(pw) - n,
			    "auth optional %s/pam_set_items.so\n",
			    PAMWRAP_MODULES);
		if (services->authinfo)
			n += (size_t)snprintf(pw + n, sizeof(pw) - n,
			    "auth optional "
			    "%s/tests/modules/putenv_authinfo.so\n",
			    build);
		if (!services->no_password)
			snprintf(pw + n, sizeof(pw) - n,
			    "auth required %s/pam_matrix.so passdb=%s/passdb\n",
			    PAMWRAP_MODULES, fixture);
		n = (size_t)snprintf(text, sizeof(text), "%s", pw);
		n += mfa_lines(
		    text + n, sizeof(text) - n, build, services->mfa_args);
		snprintf(text + n, sizeof(text) - n,
		    "account required %s/pam_matrix.so passdb=%s/passdb\n",
		    PAMWRAP_MODULES, fixture);
		snprintf(
		    path, sizeof(path), "%s/pam.d/%s", fixture, services->name);
		write_text(path, text);
	}
	mfa_pamh_write_conf("# empty: tests set options as module arguments\n");
}

/*
 * pam_wrapper copies the service directory to /tmp/pam.X (one character:
 * about 60 at once) and removes it at exit; a process that _exits or is
 * killed leaves it behind.  Remove those whose process is gone.
 */
static void
clean_stale_pamwrap_dirs(void)
{
	static const char chars[] =
	    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	const char *c;

	for (c = chars; *c != '\0'; c++) {
		char dir[32], pidfile[48];
		long pid = 0;
		FILE *f;

		snprintf(dir, sizeof(dir), "/tmp/pam.%c", *c);
		snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
		f = fopen(pidfile, "r");
		if (f == NULL)
			continue;
		if (fscanf(f, "%ld", &pid) == 1 && pid > 0 &&
		    kill((pid_t)pid, 0) != 0 && errno == ESRCH)
			mfa_test_rm_rf(dir);
		fclose(f);
	}
}

/* Re-run this program with the wrappers preloaded and the fixture set. */
static int
reexec(char **argv)
{
	const char *pre = getenv("PAM_WRAPPER_PRELOAD");
	char preload[PATH_MAX * 2], path[PATH_MAX];

	snprintf(preload, sizeof(preload), "%s:libnss_wrapper.so",
	    pre != NULL ? pre : "libpam_wrapper.so");
	setenv("LD_PRELOAD", preload, 1);
	setenv("PAM_WRAPPER", "1", 1);
	setenv("PAM_WRAPPER_USE_SYSLOG", "1", 1);
	snprintf(path, sizeof(path), "%s/pam.d", fixture);
	setenv("PAM_WRAPPER_SERVICE_DIR", path, 1);
	snprintf(path, sizeof(path), "%s/passwd", fixture);
	setenv("NSS_WRAPPER_PASSWD", path, 1);
	snprintf(path, sizeof(path), "%s/group", fixture);
	setenv("NSS_WRAPPER_GROUP", path, 1);
	setenv("MFA_PAMH_FIXTURE", fixture, 1);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "pamh: exec: %s\n", strerror(errno));
	return 2;
}

int
mfa_pamh_main(int argc, char **argv, const struct mfa_pamh_service *services,
    Suite *(*make_suite)(void))
{
	const char *fx = getenv("MFA_PAMH_FIXTURE");
	int rc;

	(void)argc;
	if (fx == NULL) {
		clean_stale_pamwrap_dirs();
		if (getenv("MFA_BUILD") == NULL) {
			fprintf(stderr, "pamh: run through `make check`\n");
			return 2;
		}
		const char *base = mfa_test_base();

		/* Not mfa_test_tmpdir: Check's asserts only work inside tests.
		 */
		if (base == NULL) {
			fprintf(stderr, "pamh: %s\n", MFA_TEST_NO_BASE);
			return 2;
		}
		snprintf(fixture, sizeof(fixture), "%s/mfa-pam.XXXXXX", base);
		if (mkdtemp(fixture) == NULL) {
			perror("pamh: mkdtemp");
			return 2;
		}
		write_users();
		write_services(services);
		return reexec(argv);
	}
	snprintf(fixture, sizeof(fixture), "%s", fx);
	rc = mfa_test_run(make_suite());
	mfa_test_rm_rf(fixture);
	clean_stale_pamwrap_dirs();
	return rc;
}

/* ---- per-test helpers ---- */

void
mfa_pamh_set_time(int64_t t)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)t);
	setenv("MFA_TEST_NOW", buf, 1);
}

static void remove_every_record(void);

void
mfa_pamh_reset(void)
{
	char path[PATH_MAX + 16];
	static const char *const users[] = {"alice", "bob", "carol"};
	size_t i;

	if (mfa_pamh_store_hooked())
		remove_every_record();
	mfa_test_rm_rf(mfa_pamh_state_dir());
	make_dir("state");
	for (i = 0; i < 3; i++) {
		snprintf(
		    path, sizeof(path), "%s/.pam_mfa", mfa_pamh_home(users[i]));
		unlink(path);
	}
	mfa_pamh_log_clear();
}

pid_t
mfa_pamh_stuck_locker(const char *user)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_store *store;
	struct mfa_state st;
	char c = 0, why[256];
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* A store of its own: nothing of the parent's is shared. */
		store = mfa_pamh_store_open();
		if (mfa_store_begin(store, user, 5000, &st, &txn, why,
			sizeof(why)) != MFA_OK ||
		    write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

void
mfa_pamh_write_secret(const char *user, const char *content)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/.pam_mfa", mfa_pamh_home(user));
	mfa_test_write_file(path, content, strlen(content), 0600);
}

void
mfa_pamh_oath_code(const char *seed, int64_t t, char out[16])
{
	char cmd[256], *preload = getenv("LD_PRELOAD");
	FILE *p;

	snprintf(cmd, sizeof(cmd), "oathtool --totp -b %s -N @%lld", seed,
	    (long long)t);
	/* No preloads (pam_wrapper, ASan) for the shell and oathtool. */
	preload = preload != NULL ? strdup(preload) : NULL;
	unsetenv("LD_PRELOAD");
	p = popen(cmd, "r");
	if (preload != NULL)
		setenv("LD_PRELOAD", preload, 1);
	free(preload);
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(out, 16, p));
	ck_assert_int_eq(pclose(p), 0);
	out[strcspn(out, "\n")] = '\0';
	ck_assert_uint_eq(strlen(out), 6);
}

int
mfa_pamh_count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
		n++;
	return n;
}

/* ---- the store the services use ---- */

int
mfa_pamh_store_hooked(void)
{
	const char *conf = getenv("MFA_TEST_STORE_CONF");

	return conf != NULL && conf[0] != '\0';
}

int
mfa_pamh_files_only(const char *what)
{
	if (!mfa_pamh_store_hooked())
		return 1;
	printf("SKIP: %s: about the file store as such, and "
	       "MFA_TEST_STORE_CONF=%s configures another\n",
	    what, getenv("MFA_TEST_STORE_CONF"));
	fflush(stdout);
	return 0;
}

void
mfa_pamh_write_conf(const char *text)
{
	static char buf[65536];
	const char *extra = getenv("MFA_TEST_STORE_CONF");
	char path[PATH_MAX];
	size_t len = strlen(text), n = 0;
	FILE *f;

	if (len >= sizeof(buf) / 2) {
		fprintf(stderr, "pamh: pam_mfa.conf text too long\n");
		exit(2);
	}
	memcpy(buf, text, len);
	if (len > 0 && buf[len - 1] != '\n')
		buf[len++] = '\n';
	if (mfa_pamh_store_hooked()) {
		/* A file that cannot be read must not leave the suites on
		 * the file store without a word. */
		f = fopen(extra, "r");
		if (f == NULL) {
			fprintf(stderr, "pamh: MFA_TEST_STORE_CONF=%s: %s\n",
			    extra, strerror(errno));
			exit(2);
		}
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "# from MFA_TEST_STORE_CONF\n");
		n = fread(buf + len, 1, sizeof(buf) - len - 1, f);
		fclose(f);
	}
	buf[len + n] = '\0';
	snprintf(path, sizeof(path), "%s/pam_mfa.conf", fixture);
	write_text(path, buf);
	chmod(path, 0600);
}

/*
 * The fixture's options as the module reads them (its pam_mfa.conf and
 * the state_dir= every service line gives), loaded once per process:
 * what the store is does not change between the tests of a suite.
 */
static const struct mfa_config *
fixture_config(void)
{
	static struct mfa_config cfg;
	static int loaded;
	char conf[PATH_MAX + 8], dir[PATH_MAX + 16], err[512] = "";
	const char *argv[2] = {conf, dir};

	if (!loaded) {
		snprintf(conf, sizeof(conf), "conf=%s/pam_mfa.conf", fixture);
		snprintf(
		    dir, sizeof(dir), "state_dir=%s", mfa_pamh_state_dir());
		ck_assert_msg(
		    mfa_config_load(&cfg, 2, argv, err, sizeof(err)) == MFA_OK,
		    "pamh: the fixture's options: %s", err);
		loaded = 1;
	}
	return &cfg;
}

struct mfa_store *
mfa_pamh_store_open(void)
{
	struct mfa_store *s = NULL;
	char why[512] = "";
	int rc;

	rc = mfa_store_open_config(fixture_config(), 1, &s, why, sizeof(why));
	ck_assert_msg(rc == MFA_OK, "pamh: cannot open the store: %s (%s)", why,
	    mfa_strerror(rc));
	return s;
}

void
mfa_pamh_state_read(const char *user, struct mfa_state *st)
{
	struct mfa_store *s = mfa_pamh_store_open();
	char why[512] = "";
	int rc;

	rc = mfa_store_read(s, user, 5000, st, why, sizeof(why));
	mfa_store_close(s);
	ck_assert_msg(rc == MFA_OK, "pamh: the record of %s: %s (%s)", user,
	    why, mfa_strerror(rc));
}

const char *
mfa_pamh_state_text(const char *user)
{
	static char buf[MFA_STATE_MAX_SIZE + 1];
	struct mfa_state st;
	char *text = NULL;
	size_t len = 0;

	mfa_pamh_state_read(user, &st);
	ck_assert_int_eq(mfa_state_serialize(&st, &text, &len), MFA_OK);
	mfa_state_wipe(&st);
	snprintf(buf, sizeof(buf), "%s", text);
	mfa_strfree(text);
	return buf;
}

/* mfa_store_list's visitor: is this entry the user looked for? */
static int
is_user(void *arg, const struct mfa_store_entry *e)
{
	return strcmp(e->user, arg) == 0;
}

int
mfa_pamh_state_has(const char *user)
{
	struct mfa_store *s = mfa_pamh_store_open();
	char why[512] = "";
	int rc;

	rc = mfa_store_list(
	    s, is_user, (void *)(uintptr_t)user, why, sizeof(why));
	mfa_store_close(s);
	ck_assert_msg(rc >= 0, "pamh: cannot list the store: %s (%s)", why,
	    mfa_strerror(rc));
	return rc == 1;
}

void
mfa_pamh_state_put(const char *user, const char *text)
{
	struct mfa_parse_error err = {0, ""};
	struct mfa_store_txn *txn = NULL;
	struct mfa_state cur, st;
	struct mfa_store *s;
	char why[512] = "";
	int rc;

	ck_assert_msg(mfa_state_parse(text, strlen(text), &st, &err) == MFA_OK,
	    "pamh: a planted record does not parse (line %u: %s):\n%s",
	    err.line, err.msg, text);
	s = mfa_pamh_store_open();
	rc = mfa_store_begin(s, user, 5000, &cur, &txn, why, sizeof(why));
	if (rc == MFA_OK) {
		st.serial = cur.serial; /* the store's own count of writes */
		rc = mfa_store_commit(txn, &st, 0); /* 0: nothing pruned */
	}
	mfa_store_end(txn);
	mfa_store_close(s);
	mfa_state_wipe(&cur);
	mfa_state_wipe(&st);
	ck_assert_msg(rc == MFA_OK,
	    "pamh: cannot plant the record of %s: %s (%s)", user, why,
	    mfa_strerror(rc));
}

void
mfa_pamh_state_remove(const char *user)
{
	struct mfa_store *s = mfa_pamh_store_open();
	int rc;

	rc = mfa_store_remove(s, user, 5000);
	mfa_store_close(s);
	ck_assert_msg(rc == MFA_OK, "pamh: cannot remove the record of %s: %s",
	    user, mfa_strerror(rc));
}

/* The users a store lists (every one, readable or not). */
struct user_names {
	char name[64][256];
	size_t n;
};

/* mfa_store_list's visitor: note the user's name. */
static int
note_user(void *arg, const struct mfa_store_entry *e)
{
	struct user_names *u = arg;

	if (u->n >= sizeof(u->name) / sizeof(u->name[0]))
		return -1;
	snprintf(u->name[u->n++], sizeof(u->name[0]), "%s", e->user);
	return 0;
}

/*
 * Remove every record of the store (one that is not DIR/state alone):
 * listed first, then removed, so that no backend is asked to change what
 * it is listing.
 */
static void
remove_every_record(void)
{
	static struct user_names u;
	struct mfa_store *s = mfa_pamh_store_open();
	char why[512] = "";
	size_t i;
	int rc;

	u.n = 0;
	rc = mfa_store_list(s, note_user, &u, why, sizeof(why));
	for (i = 0; rc == MFA_OK && i < u.n; i++)
		rc = mfa_store_remove(s, u.name[i], 5000);
	mfa_store_close(s);
	ck_assert_msg(rc == MFA_OK, "pamh: cannot empty the store: %s (%s)",
	    why, mfa_strerror(rc));
}

/* ---- the conversation ---- */

struct conv_state {
	const char *const *answers;
	struct mfa_pamh_result *r;
};

static const char *(*answer_hook)(const char *, const char *);

void
mfa_pamh_set_answer_hook(
    const char *(*hook)(const char *token, const char *transcript))
{
	answer_hook = hook;
}

static void
note(struct mfa_pamh_result *r, const char *tag, const char *text)
{
	size_t len = strlen(r->transcript);

	snprintf(r->transcript + len, sizeof(r->transcript) - len, "%s%s\n",
	    tag, text != NULL ? text : "(null)");
}

static int
answer(struct conv_state *cs, const struct pam_message *m, char **out)
{
	const char *a;

	switch (m->msg_style) {
	case PAM_PROMPT_ECHO_OFF:
	case PAM_PROMPT_ECHO_ON:
		note(cs->r, m->msg_style == PAM_PROMPT_ECHO_OFF ? "P: " : "Q: ",
		    m->msg);
		cs->r->nprompts++;
		if (cs->answers == NULL || *cs->answers == NULL)
			return PAM_CONV_ERR;
		a = *cs->answers++;
		if (a[0] == '@' && answer_hook != NULL)
			a = answer_hook(a, cs->r->transcript);
		*out = strdup(a);
		return *out != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
	case PAM_TEXT_INFO:
		note(cs->r, "I: ", m->msg);
		return PAM_SUCCESS;
	case PAM_ERROR_MSG:
		note(cs->r, "E: ", m->msg);
		return PAM_SUCCESS;
	default:
		return PAM_CONV_ERR;
	}
}

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *data)
{
	struct pam_response *rs = calloc((size_t)n, sizeof(*rs));
	int i;

	if (rs == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		if (answer(data, msg[i], &rs[i].resp) != PAM_SUCCESS) {
			while (i-- > 0)
				free(rs[i].resp);
			free(rs);
			return PAM_CONV_ERR;
		}
	}
	*resp = rs;
	return PAM_SUCCESS;
}

static void
run(const char *service, const char *user, const char *const *answers,
    struct pam_testcase *tests, size_t ntests, struct mfa_pamh_result *r)
{
	struct conv_state cs = {answers, r};

	memset(r, 0, sizeof(*r));
	_pamtest_conv(service, user, conv, &cs, tests, ntests, NULL);
	r->rv = tests[0].op_rv;
}

void
mfa_pamh_login(const char *service, const char *user,
    const char *const *answers, int flags, struct mfa_pamh_result *r)
{
	struct pam_testcase tests[] = {
	    pam_test_flags(PAMTEST_AUTHENTICATE, PAM_SUCCESS, flags),
	};

	run(service, user, answers, tests, 1, r);
}

void
mfa_pamh_login_setcred(const char *service, const char *user,
    const char *const *answers, struct mfa_pamh_result *r, int *setcred_rv)
{
	struct pam_testcase tests[] = {
	    pam_test(PAMTEST_AUTHENTICATE, PAM_SUCCESS),
	    pam_test_flags(PAMTEST_SETCRED, PAM_SUCCESS, PAM_ESTABLISH_CRED),
	};

	run(service, user, answers, tests, 2, r);
	*setcred_rv = tests[1].op_rv;
}

/* ---- one handle across calls ---- */

struct mfa_pamh_session {
	pam_handle_t *pamh;
	struct conv_state cs;
	struct mfa_pamh_result scratch; /* for a conversation outside auth */
};

struct mfa_pamh_session *
mfa_pamh_open(const char *service, const char *user)
{
	struct mfa_pamh_session *s = calloc(1, sizeof(*s));
	struct pam_conv pc = {conv, NULL};

	ck_assert_ptr_nonnull(s);
	s->cs.r = &s->scratch;
	pc.appdata_ptr = &s->cs;
	ck_assert_int_eq(pam_start(service, user, &pc, &s->pamh), PAM_SUCCESS);
	return s;
}

void
mfa_pamh_auth(struct mfa_pamh_session *s, const char *const *answers,
    struct mfa_pamh_result *r)
{
	memset(r, 0, sizeof(*r));
	s->cs.answers = answers;
	s->cs.r = r;
	r->rv = pam_authenticate(s->pamh, 0);
	s->cs.answers = NULL;
	s->cs.r = &s->scratch;
}

int
mfa_pamh_setcred(struct mfa_pamh_session *s)
{
	return pam_setcred(s->pamh, PAM_ESTABLISH_CRED);
}

pam_handle_t *
mfa_pamh_handle(struct mfa_pamh_session *s)
{
	return s->pamh;
}

void
mfa_pamh_close(struct mfa_pamh_session *s)
{
	if (s == NULL)
		return;
	pam_end(s->pamh, PAM_SUCCESS);
	free(s);
}
