/*
 * fuzz_pam.c - the whole module: pam_sm_authenticate (and pam_sm_setcred
 * after a success) with an in-memory libpam (fakepam.c), real files in a
 * private directory, and the test clock.
 *
 * The input is text in up to five sections separated by lines "%%" (each
 * section keeps its final newline):
 *   1. options, one per line: "args ARG ARG..." (module arguments; the
 *      harness adds state_dir= and conf= and drops the fuzzer's own
 *      state_dir=, conf=, secret=, mail_command= and sms_command=, so a
 *      login never leaves the private directory or runs a program other
 *      than /bin/true), "user NAME" (default alice, the one user that
 *      exists), "time SECONDS" (default 1111111109), "rhost HOST",
 *      "authtok PASSWORD" (PAM_AUTHTOK, the password a module before
 *      gave), "service NAME" (default sshd), "silent", "setcred";
 *   2. the conversation's answers, one per line (it fails once they run
 *      out);
 *   3. the secret file ~/.pam_mfa;
 *   4. the state file;
 *   5. SSH_AUTH_INFO_0.
 * A missing section, or one that is "-" (a line of its own), means no such
 * file or variable.
 *
 * Besides crashes, leaks and sanitizer reports, a run fails when the module
 * returns a code pam_mfa(8) does not list, leaves privileges dropped,
 * succeeds without a secret file or without asking anything (a trusted
 * device aside), shows or logs the TOTP secret, or writes a state file it
 * cannot read back.  MFA_FUZZ_VERBOSE=1 prints the result, the transcript
 * and the log of each input (fuzz_pam FILE... runs given inputs).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakepam.h"
#include "fuzz.h"
#include "slots.h"
#include "state.h"

#define SECTIONS 5
#define MAX_ARGS 32
#define DEFAULT_TIME "1111111109"

int LLVMFuzzerInitialize(int *argc, char ***argv);
PAM_EXTERN int pam_sm_authenticate(
    pam_handle_t *pamh, int flags, int argc, const char **argv);
PAM_EXTERN int pam_sm_setcred(
    pam_handle_t *pamh, int flags, int argc, const char **argv);

static char base[PATH_MAX - 64];
static char home[PATH_MAX], state_dir[PATH_MAX], secret_path[PATH_MAX];
static char state_path[PATH_MAX], conf_path[PATH_MAX];
static char arg_state[PATH_MAX + 16], arg_conf[PATH_MAX + 16];

struct input {
	const char *raw; /* the input as it came */
	size_t rawlen;
	char *sec[SECTIONS]; /* NUL-terminated; NULL: absent */
	size_t len[SECTIONS];
	const char *args[MAX_ARGS];
	int argc;
	const char *user, *time, *rhost, *service, *authtok;
	int silent, setcred;
};

static void
die(const char *what)
{
	fprintf(stderr, "fuzz_pam: %s: %s\n", what, strerror(errno));
	abort();
}

static void
make_dir(const char *path)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		die(path);
}

static int
remove_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* At exit: the private directory goes (after a crash it stays, to look). */
static void
remove_base(void)
{
	if (base[0] != '\0')
		nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A private directory whose every parent passes the module's checks: under
 * MFA_FUZZ_DIR (tests/fuzz/run.sh points it into the build tree), or the
 * current directory; never /tmp, which is world-writable.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *parent = getenv("MFA_FUZZ_DIR");
	char cwd[PATH_MAX - 128];
	int fd;

	(void)argc;
	(void)argv;
	if (parent == NULL || *parent != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			die("getcwd");
		parent = cwd;
	}
	snprintf(base, sizeof(base), "%s/fuzz-pam.XXXXXX", parent);
	if (mkdtemp(base) == NULL)
		die(base);
	atexit(remove_base);
	snprintf(home, sizeof(home), "%s/home", base);
	snprintf(state_dir, sizeof(state_dir), "%s/state", base);
	snprintf(secret_path, sizeof(secret_path), "%s/.pam_mfa", home);
	snprintf(state_path, sizeof(state_path), "%s/alice", state_dir);
	snprintf(conf_path, sizeof(conf_path), "%s/pam_mfa.conf", base);
	snprintf(arg_state, sizeof(arg_state), "state_dir=%s", state_dir);
	snprintf(arg_conf, sizeof(arg_conf), "conf=%s", conf_path);
	make_dir(home);
	make_dir(state_dir);
	fd = open(conf_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 ||
	    dprintf(fd,
		"mail_command = /bin/true\n"
		"sms_command = /bin/true\n") < 0 ||
	    close(fd) != 0)
		die(conf_path);
	fakepam_set_user("alice", home, geteuid(), getegid());
	/* The QR library is loaded on the in-login enrolment path only. */
	setenv("MFA_TEST_QRENCODE", "libqrencode.so.4", 0);
	return 0;
}

/* Remove every entry of dir (flat: the module makes no subdirectories). */
static void
empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d == NULL)
		die(dir);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

static void
write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) != 0)
		die(path);
}

/* The whole file, or NULL when it does not exist. */
static char *
read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0 ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL)
		die(path);
	*len = (size_t)read(fd, buf, (size_t)st.st_size);
	buf[*len] = '\0';
	close(fd);
	return buf;
}

/* Where the next separator line "%%" starts in p..end, or NULL. */
static char *
next_separator(char *p, char *end)
{
	char *sep;

	if (end - p >= 3 && memcmp(p, "%%\n", 3) == 0)
		return p;
	sep = memmem(p, (size_t)(end - p), "\n%%\n", 4);
	return sep != NULL ? sep + 1 : NULL;
}

/* Split the input on "%%" lines into NUL-terminated sections, each with
 * its own final newline. */
static void
split(char *text, size_t size, struct input *in)
{
	char *p = text, *end = text + size;
	int i;

	for (i = 0; i < SECTIONS && p != NULL; i++) {
		char *sep = next_separator(p, end);

		in->sec[i] = p;
		in->len[i] = (size_t)((sep != NULL ? sep : end) - p);
		p[in->len[i]] = '\0';
		p = sep != NULL ? sep + 3 : NULL;
	}
	/* "-" (and newlines): absent. */
	for (i = 0; i < SECTIONS; i++)
		if (in->sec[i] != NULL && in->sec[i][0] == '-' &&
		    in->sec[i][1 + strspn(in->sec[i] + 1, "\n")] == '\0')
			in->sec[i] = NULL;
}

/* Module arguments the harness owns: the private paths, the programs. */
static int
arg_allowed(const char *a)
{
	static const char *const owned[] = {
	    "state_dir", "conf", "secret", "mail_command", "sms_command"};
	size_t i, n = strcspn(a, "=");

	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (n == strlen(owned[i]) && strncmp(a, owned[i], n) == 0)
			return 0;
	return *a != '\0';
}

static void
parse_options(char *s, struct input *in)
{
	char *save = NULL, *line, *w, *wsave = NULL;

	in->args[in->argc++] = arg_state;
	in->args[in->argc++] = arg_conf;
	if (s == NULL)
		return;
	for (line = strtok_r(s, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "args ", 5) == 0) {
			for (w = strtok_r(line + 5, " ", &wsave);
			     w != NULL && in->argc < MAX_ARGS;
			     w = strtok_r(NULL, " ", &wsave))
				if (arg_allowed(w))
					in->args[in->argc++] = w;
		} else if (strncmp(line, "user ", 5) == 0) {
			in->user = line + 5;
		} else if (strncmp(line, "time ", 5) == 0) {
			in->time = line + 5;
		} else if (strncmp(line, "rhost ", 6) == 0) {
			in->rhost = line + 6;
		} else if (strncmp(line, "authtok ", 8) == 0) {
			in->authtok = line + 8;
		} else if (strncmp(line, "service ", 8) == 0) {
			in->service = line + 8;
		} else {
			in->silent |= strcmp(line, "silent") == 0;
			in->setcred |= strcmp(line, "setcred") == 0;
		}
	}
}

static void
set_answers(pam_handle_t *h, char *s)
{
	char *p = s, *nl;

	/* One answer per line; a final newline ends a line, it does not
	 * start an empty answer. */
	while (p != NULL && *p != '\0' && h->nanswers < FAKEPAM_MAX_ANSWERS) {
		nl = strchr(p, '\n');
		if (nl != NULL)
			*nl = '\0';
		h->answers[h->nanswers++] = p;
		p = nl != NULL ? nl + 1 : NULL;
	}
}

static int
known_code(int rc)
{
	return rc == PAM_SUCCESS || rc == PAM_AUTH_ERR || rc == PAM_IGNORE ||
	    rc == PAM_AUTHINFO_UNAVAIL || rc == PAM_SERVICE_ERR ||
	    rc == PAM_CONV_ERR || rc == PAM_BUF_ERR || rc == PAM_MAXTRIES ||
	    rc == PAM_USER_UNKNOWN || rc == PAM_CRED_ERR ||
	    rc == PAM_SYSTEM_ERR;
}

/* The TOTP secret of the secret-file section must never be shown. */
static void
check_no_secret(const struct input *in, const pam_handle_t *h)
{
	const char *p =
	    in->sec[2] != NULL ? strstr(in->sec[2], "totp-secret ") : NULL;
	const char *q;
	char value[128];
	size_t n;
	int i;

	if (p == NULL)
		return;
	p += strlen("totp-secret ");
	n = strcspn(p, "\n");
	if (n < 16 || n >= sizeof(value))
		return;
	memcpy(value, p, n);
	value[n] = '\0';
	/* Only a value the module could take for a key is a secret: not,
	 * say, "pam_mfa-secret 1", which a parse error quotes. */
	if (strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != n)
		return;
	/* Unless the fuzzer also put it where the module may echo it (an
	 * argument, an answer): then it is in the input more than once. */
	for (i = 0, q = in->raw; i < 2 && q != NULL; i++) {
		q = memmem(q, in->rawlen - (size_t)(q - in->raw), value, n);
		q = q != NULL ? q + 1 : NULL;
	}
	if (i == 2 && q != NULL)
		return;
	FUZZ_ASSERT(strstr(h->transcript, value) == NULL);
	FUZZ_ASSERT(strstr(h->log, value) == NULL);
}

/*
 * Whatever the module wrote must parse: it never writes a torn state.  It
 * writes the two-slot file of the store (slots.h), whose current slot
 * holds the state text; a file it left as planted is not its own.
 */
static void
check_state(const struct input *in)
{
	static const char no_boot[] = "00000000000000000000000000000000";
	size_t len = 0;
	char *text = read_file(state_path, &len);
	struct mfa_slots_view v;
	struct mfa_state st;

	if (text == NULL)
		return;
	if (in->sec[3] == NULL || len != in->len[3] ||
	    memcmp(text, in->sec[3], len) != 0) {
		FUZZ_ASSERT(mfa_slots_detect(text, len));
		FUZZ_ASSERT(mfa_slots_read(text, len, no_boot, &v, NULL) == 0);
		FUZZ_ASSERT(
		    mfa_state_parse(v.text, v.text_len, &st, NULL) == 0);
		mfa_state_wipe(&st);
	}
	free(text);
}

static void
check(const struct input *in, const pam_handle_t *h, int rc)
{
	FUZZ_ASSERT(known_code(rc));
	FUZZ_ASSERT(!h->privs_dropped);
	if (rc == PAM_SUCCESS) {
		FUZZ_ASSERT(in->sec[2] != NULL);
		FUZZ_ASSERT(in->user == NULL || strcmp(in->user, "alice") == 0);
		/* No question asked: only a trusted device may do that. */
		FUZZ_ASSERT(h->prompts > 0 ||
		    (in->sec[4] != NULL && in->sec[3] != NULL &&
			strstr(in->sec[3], "\ndevice ") != NULL));
	}
	check_no_secret(in, h);
	check_state(in);
}

static void
prepare_files(const struct input *in)
{
	empty_dir(state_dir);
	empty_dir(home);
	if (in->sec[2] != NULL)
		write_file(secret_path, in->sec[2], in->len[2]);
	if (in->sec[3] != NULL)
		write_file(state_path, in->sec[3], in->len[3]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	char *text, env[8192];
	pam_handle_t *h;
	int rc;

	if (size > 60000 || (text = fuzz_cstring(data, size)) == NULL)
		return 0;
	memset(&in, 0, sizeof(in));
	in.raw = (const char *)data;
	in.rawlen = size;
	split(text, size, &in);
	parse_options(in.sec[0], &in);
	prepare_files(&in);
	setenv("MFA_TEST_NOW", in.time != NULL ? in.time : DEFAULT_TIME, 1);
	h = fakepam_start(in.service != NULL ? in.service : "sshd",
	    in.user != NULL ? in.user : "alice");
	if (h == NULL)
		abort();
	if (in.rhost != NULL)
		pam_set_item(h, PAM_RHOST, in.rhost);
	if (in.authtok != NULL)
		pam_set_item(h, PAM_AUTHTOK, in.authtok);
	if (in.sec[4] != NULL) {
		snprintf(env, sizeof(env), "SSH_AUTH_INFO_0=%s", in.sec[4]);
		pam_putenv(h, env);
	}
	if (in.sec[1] != NULL)
		set_answers(h, in.sec[1]);
	rc = pam_sm_authenticate(
	    h, in.silent ? PAM_SILENT : 0, in.argc, in.args);
	/* MFA_FUZZ_VERBOSE=1: what happened, to turn a finding into a test. */
	if (getenv("MFA_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "rc=%d\n%s%s", rc, h->transcript, h->log);
	check(&in, h, rc);
	if (rc == PAM_SUCCESS && in.setcred) {
		rc = pam_sm_setcred(h, PAM_ESTABLISH_CRED, in.argc, in.args);
		FUZZ_ASSERT(known_code(rc));
		FUZZ_ASSERT(!h->privs_dropped);
		check_state(&in);
	}
	fakepam_end(h);
	free(text);
	return 0;
}
