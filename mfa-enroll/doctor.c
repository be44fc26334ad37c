/*
 * doctor.c - "mfa-enroll doctor": read the system's configuration and say,
 * line by line, what will and will not work.
 *
 * The most common question about a PAM second factor is why SSH does not
 * prompt, or prompts for the password twice.  The answer is almost always
 * in sshd_config or the order of /etc/pam.d, so the doctor reads those,
 * the site's pam_mfa.conf and the module's state directory, and prints one
 * "ok:", "warn:" or "FAIL:" line per check.  It changes nothing.
 *
 * With --root DIR every file is read under DIR instead of "/", so the same
 * checks run on a copy of a system (the tests use fixture trees), and the
 * owner expected of root's files is then the owner of DIR itself.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "runprog.h"
#include "state.h"
#include "tally.h"

static const char doctor_usage[] =
    "usage: mfa-enroll doctor [--root DIR] [--verbose]   (root only, unless\n"
    "       --root is given)\n"
    "\n"
    "Check the system's set-up for pam_mfa and print one line per check,\n"
    "starting with ok:, info:, warn: or FAIL:, each saying what to change:\n"
    "  - sshd: UsePAM, KbdInteractiveAuthentication, PasswordAuthentication,\n"
    "    AuthenticationMethods, PermitRootLogin (from sshd -T when it runs,\n"
    "    else /etc/ssh/sshd_config and the files it includes);\n"
    "  - /etc/pam.d/sshd and login (and what they include): pam_mfa\n"
    "    present once, after a password module, required, not skipped,\n"
    "    valid arguments; which stack (password oracle or not) each uses;\n"
    "  - pam_mfa.conf parses and is root's; the state directory's owner and\n"
    "    mode; the mail_command and sms_command programs exist; the syslog\n"
    "    socket /dev/log exists;\n"
    "  - users the module's state knows: enrolled, locked out, failures.\n"
    "Nothing is changed.\n"
    "\n"
    "  --root DIR   read the files under DIR instead of / (a copy of a\n"
    "               system, an image); files there are expected to belong\n"
    "               to DIR's owner instead of root\n"
    "  --verbose    also list the users of the state directory\n"
    "The pam_mfa.conf checked is the one mfa-enroll reads (--conf FILE\n"
    "changes it), or DIR" MFA_SYSCONFDIR "/security/pam_mfa.conf with --root.\n"
    "\n"
    "Exit status: 0 nothing FAILs (warnings allowed), 1 something FAILs,\n"
    "2 usage or not root.\n";

#define DOC_SSHD_BIN "/usr/sbin/sshd"
#define DOC_SSHD_CONFIG "/etc/ssh/sshd_config"
#define DOC_SSHD_DIR "/etc/ssh/"
#define DOC_PAM_DIR "/etc/pam.d/"
#define DOC_CONF MFA_SYSCONFDIR "/security/pam_mfa.conf"
#define DOC_SYSLOG "/dev/log"
#define DOC_TEXT_MAX (1024 * 1024) /* largest config file read */
#define DOC_SSHD_T_MAX (256 * 1024)
#define DOC_SSHD_T_MS 5000
#define DOC_SSHD_DEPTH 16 /* Include nesting, as sshd allows */
#define DOC_FILES_MAX 256 /* files read per stack: globs cannot explode */
#define DOC_PAM_DEPTH 8
#define DOC_PAM_ENTRIES 128
#define DOC_PAM_ARGS 32
#define DOC_SEEN_MAX 64
#define DOC_TARGETS 4
#define DOC_SHOWN_MAX 256 /* a path as shown, without DIR */
#define DOC_VALUE_MAX 256

/* info: a fact worth knowing that needs no change (counts nowhere). */
enum doc_level { DOC_OK, DOC_INFO, DOC_WARN, DOC_FAIL };

/* The run: where to look, and what was found so far. */
struct doctor {
	char root[PATH_MAX]; /* "" for "/": prefixed to every path */
	uid_t owner;         /* expected owner of root's files */
	int verbose;
	int ssh_key_first; /* every AuthenticationMethods list has publickey */
	unsigned int fails, warns;
	int64_t now;
	char *conf_buf; /* the site's pam_mfa.conf, NULL when absent */
	size_t conf_len;
	char seen[DOC_SEEN_MAX][DOC_SHOWN_MAX + 16]; /* pam lines reported */
	size_t nseen;
};

/* Distinct places the effective configurations point at. */
struct doc_targets {
	char state_dir[DOC_TARGETS][MFA_CONFIG_PATH_MAX + 1];
	char mail[DOC_TARGETS][MFA_CONFIG_CMD_WORD_MAX + 1];
	char sms[DOC_TARGETS][MFA_CONFIG_CMD_WORD_MAX + 1];
	size_t nstate, nmail, nsms;
};

/* Print one result line; control bytes (from files) become '?'. */
static void __attribute__((format(printf, 3, 4)))
say(struct doctor *d, enum doc_level lv, const char *fmt, ...)
{
	static const char *const prefix[] = {"ok", "info", "warn", "FAIL"};
	char line[1024];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (i = 0; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	if (lv == DOC_FAIL)
		d->fails++;
	else if (lv == DOC_WARN)
		d->warns++;
	printf("%s: %s\n", prefix[lv], line);
}

/* out = DIR + path.  Returns MFA_OK or MFA_ERR_BUFSIZE. */
static int
rooted(const struct doctor *d, const char *path, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s%s", d->root, path);

	return n < 0 || (size_t)n >= outsz ? MFA_ERR_BUFSIZE : MFA_OK;
}

/*
 * Read the file at path (already under DIR) into a new NUL-terminated
 * buffer: a regular file of at most DOC_TEXT_MAX bytes, opened without
 * blocking on a FIFO.  st receives its status.  The caller frees *buf.
 */
static int
read_text(const char *path, char **buf, size_t *len, struct stat *st)
{
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return mfa_err_from_errno(errno);
	if (fstat(fd, st) != 0)
		rc = MFA_ERR_SYSTEM;
	else if (!S_ISREG(st->st_mode))
		rc = MFA_ERR_UNSAFE;
	else
		rc = mfa_file_read_all(fd, DOC_TEXT_MAX, buf, len);
	close(fd);
	return rc;
}

/* The next line of *p (cut in place), or NULL at the end. */
static char *
next_line(char **p)
{
	char *line = *p, *nl;

	if (line == NULL || *line == '\0')
		return NULL;
	nl = strchr(line, '\n');
	if (nl != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	return line;
}

/* The next blank-separated word of *p (cut in place), or NULL. */
static char *
next_word(char **p)
{
	char *w = *p + strspn(*p, " \t\r"), *end;

	if (*w == '\0')
		return NULL;
	end = w + strcspn(w, " \t\r");
	if (*end != '\0')
		*end++ = '\0';
	*p = end;
	return w;
}

static const char *
owner_name(uid_t uid, char *buf, size_t bufsz)
{
	if (uid == 0)
		return "root";
	snprintf(buf, bufsz, "uid %u", (unsigned int)uid);
	return buf;
}

/* ---- sshd ---------------------------------------------------------- */

enum sshd_key {
	SK_USEPAM,
	SK_KBDINT,
	SK_PASSWORD,
	SK_METHODS,
	SK_ROOTLOGIN,
	SK_COUNT
};

static const struct {
	const char *name, *alias, *shown;
} sshd_keys[SK_COUNT] = {
    {"usepam", NULL, "UsePAM"},
    {"kbdinteractiveauthentication", "challengeresponseauthentication",
	"KbdInteractiveAuthentication"},
    {"passwordauthentication", NULL, "PasswordAuthentication"},
    {"authenticationmethods", NULL, "AuthenticationMethods"},
    {"permitrootlogin", NULL, "PermitRootLogin"},
};

struct sshd_setting {
	int set;
	char kw[40]; /* the keyword as written (an old alias stays visible) */
	char value[DOC_VALUE_MAX];
	char where[DOC_SHOWN_MAX + 32]; /* "/etc/ssh/sshd_config line 3" */
};

struct sshd_conf {
	struct sshd_setting s[SK_COUNT];
	int match_only; /* sshd -T gave the values: note Match blocks only */
	unsigned int files, too_deep;
};

static int
sshd_key_find(const char *kw)
{
	int i;

	for (i = 0; i < SK_COUNT; i++)
		if (strcasecmp(kw, sshd_keys[i].name) == 0 ||
		    (sshd_keys[i].alias != NULL &&
			strcasecmp(kw, sshd_keys[i].alias) == 0))
			return i;
	return -1;
}

/* Record a value; the first one wins, as in sshd.  Quotes are dropped. */
static void
sshd_set(struct sshd_conf *sc, int k, const char *kw, const char *value,
    const char *where)
{
	struct sshd_setting *s = &sc->s[k];
	size_t i, o = 0;

	if (s->set)
		return;
	s->set = 1;
	snprintf(s->kw, sizeof(s->kw), "%s", kw);
	for (i = 0; value[i] != '\0' && o + 1 < sizeof(s->value); i++)
		if (value[i] != '"')
			s->value[o++] = value[i];
	s->value[o] = '\0';
	snprintf(s->where, sizeof(s->where), "%s", where);
}

/*
 * Split an sshd_config line into its keyword and the rest ("Key value"
 * or "Key=value").  Returns 0 for a blank or comment line.
 */
static int
sshd_split(char *line, char **kw, char **val)
{
	char *p = line + strspn(line, " \t\r"), *end;

	if (*p == '\0' || *p == '#')
		return 0;
	*kw = p;
	p += strcspn(p, " \t\r=");
	if (*p != '\0')
		*p++ = '\0';
	p += strspn(p, " \t\r");
	if (*p == '=')
		p += 1 + strspn(p + 1, " \t\r");
	end = p + strlen(p);
	while (
	    end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	*val = p;
	return 1;
}

static void sshd_parse_file(
    struct doctor *d, struct sshd_conf *sc, const char *path, int depth);

/* Include: each argument is a glob, relative to /etc/ssh, under DIR. */
static void
sshd_include(struct doctor *d, struct sshd_conf *sc, char *args, int depth)
{
	char pattern[PATH_MAX], *w;
	glob_t g;
	size_t i;

	while ((w = next_word(&args)) != NULL) {
		if (w[0] == '"' && w[1] != '\0' && w[strlen(w) - 1] == '"') {
			w[strlen(w) - 1] = '\0';
			w++;
		}
		if (snprintf(pattern, sizeof(pattern), "%s%s%s", d->root,
			w[0] == '/' ? "" : DOC_SSHD_DIR,
			w) >= (int)sizeof(pattern))
			continue;
		if (glob(pattern, 0, NULL, &g) != 0)
			continue; /* sshd ignores a pattern with no match */
		for (i = 0; i < g.gl_pathc; i++)
			sshd_parse_file(d, sc, g.gl_pathv[i], depth + 1);
		globfree(&g);
	}
}

/* One line of sshd_config (Match state in *in_match). */
static void
sshd_line(struct doctor *d, struct sshd_conf *sc, char *line, const char *where,
    int depth, int *in_match)
{
	char *kw, *val;
	int k;

	if (!sshd_split(line, &kw, &val))
		return;
	if (strcasecmp(kw, "match") == 0) {
		*in_match = 1;
		return;
	}
	k = sshd_key_find(kw);
	if (*in_match) {
		if (k >= 0 || strcasecmp(kw, "include") == 0)
			say(d, DOC_WARN,
			    "sshd: %s sets %s inside a Match block: only the "
			    "global settings are checked; make sure the users "
			    "it matches still get the code prompt",
			    where, k >= 0 ? sshd_keys[k].shown : "Include");
		return;
	}
	if (strcasecmp(kw, "include") == 0)
		sshd_include(d, sc, val, depth);
	else if (k >= 0 && !sc->match_only)
		sshd_set(sc, k, kw, val, where);
}

/* Read path (under DIR) and the files it includes. */
static void
sshd_parse_file(
    struct doctor *d, struct sshd_conf *sc, const char *path, int depth)
{
	const char *shown = path + strlen(d->root);
	char *buf = NULL, *p, *line, where[DOC_SHOWN_MAX + 32];
	unsigned int n = 0;
	int in_match = 0;
	struct stat st;
	size_t len;

	if (depth > DOC_SSHD_DEPTH || sc->files >= DOC_FILES_MAX) {
		if (!sc->too_deep++)
			say(d, DOC_WARN,
			    "sshd: Include nested too deeply or too many "
			    "files at %s: the rest is not checked",
			    shown);
		return;
	}
	if (read_text(path, &buf, &len, &st) != MFA_OK)
		return;
	sc->files++;
	p = buf;
	while ((line = next_line(&p)) != NULL) {
		snprintf(where, sizeof(where), "%.*s line %u", DOC_SHOWN_MAX,
		    shown, ++n);
		sshd_line(d, sc, line, where, depth, &in_match);
	}
	free(buf);
}

/* Child of sshd_t_capture: sshd -T with output into wfd, nothing else. */
static void __attribute__((noreturn)) sshd_t_child(int wfd)
{
	char *argv[] = {(char *)DOC_SSHD_BIN, (char *)"-T", NULL};
	char *envp[] = {(char *)MFA_RUN_PATH, (char *)MFA_RUN_LOCALE, NULL};
	sigset_t none;
	int fd, nul = open("/dev/null", O_RDWR | O_CLOEXEC);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (nul < 0 || dup2(nul, STDIN_FILENO) < 0 ||
	    dup2(nul, STDERR_FILENO) < 0)
		_exit(127);
	if (wfd == STDOUT_FILENO)
		fcntl(wfd, F_SETFD, 0); /* dup2 onto itself keeps CLOEXEC */
	else if (dup2(wfd, STDOUT_FILENO) < 0)
		_exit(127);
#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
		for (fd = 3; fd < 1024; fd++)
			close(fd);
	execve(argv[0], argv, envp);
	_exit(127);
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read fd until end of file, a full buffer or the deadline. */
static int
sshd_t_read(int fd, char *buf, size_t bufsz, size_t *len)
{
	int64_t deadline = mono_ms() + DOC_SSHD_T_MS, left;
	struct pollfd pfd = {fd, POLLIN, 0};
	ssize_t n;

	*len = 0;
	while (*len + 1 < bufsz) {
		left = deadline - mono_ms();
		if (left <= 0)
			return MFA_ERR_TIMEOUT;
		if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR)
			return MFA_ERR_SYSTEM;
		n = read(fd, buf + *len, bufsz - 1 - *len);
		if (n == 0)
			break;
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return MFA_ERR_SYSTEM;
		if (n > 0)
			*len += (size_t)n;
	}
	buf[*len] = '\0';
	return *len + 1 < bufsz ? MFA_OK : MFA_ERR_TOOBIG;
}

/*
 * Run sshd -T (the effective settings, defaults included) with a clean
 * environment and a time-out, its output into buf.  runprog discards a
 * program's output, so this small capture lives here.  Returns MFA_OK
 * when sshd exited 0, else an error; *status gets its exit status.
 */
static int
sshd_t_capture(char *buf, size_t bufsz, int *status)
{
	int p[2], rc, ws = 0;
	pid_t pid;

	*status = -1;
	if (access(DOC_SSHD_BIN, X_OK) != 0)
		return MFA_ERR_NOENT;
	if (pipe2(p, O_CLOEXEC) != 0)
		return MFA_ERR_SYSTEM;
	pid = fork();
	if (pid == 0)
		sshd_t_child(p[1]);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return MFA_ERR_SYSTEM;
	}
	rc = sshd_t_read(p[0], buf, bufsz, &(size_t){0});
	close(p[0]);
	if (rc != MFA_OK)
		kill(pid, SIGKILL);
	while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (rc == MFA_OK && WIFEXITED(ws)) {
		*status = WEXITSTATUS(ws);
		rc = *status == 0 ? MFA_OK : MFA_ERR_EXEC;
	} else if (rc == MFA_OK) {
		rc = MFA_ERR_EXEC;
	}
	return rc;
}

/* Take the settings from sshd -T output ("key value" lines). */
static void
sshd_t_parse(struct sshd_conf *sc, char *out)
{
	char *line, *kw, *val;
	int k;

	while ((line = next_line(&out)) != NULL) {
		if (!sshd_split(line, &kw, &val))
			continue;
		k = sshd_key_find(kw);
		if (k >= 0)
			sshd_set(sc, k, sshd_keys[k].shown, val, "sshd -T");
	}
}

/* Does every alternative list of AuthenticationMethods hold method?
 * Returns 2 all, 1 some, 0 none. */
static int
methods_include(const char *value, const char *method)
{
	char copy[DOC_VALUE_MAX], *p = copy, *list, *m, *save;
	int all = 1, some = 0, hit;
	size_t ml = strlen(method);

	snprintf(copy, sizeof(copy), "%s", value);
	while ((list = next_word(&p)) != NULL) {
		hit = 0;
		for (m = strtok_r(list, ",", &save); m != NULL;
		     m = strtok_r(NULL, ",", &save))
			if (strncasecmp(m, method, ml) == 0 &&
			    (m[ml] == '\0' || m[ml] == ':'))
				hit = 1;
		all &= hit;
		some |= hit;
	}
	return all && some ? 2 : some;
}

static int
is_yes(const struct sshd_setting *s, int dflt)
{
	return s->set ? strcasecmp(s->value, "yes") == 0 : dflt;
}

/* " (where)" after a value, or " (default)". */
static const char *
sshd_where(const struct sshd_setting *s, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, " (%s)", s->set ? s->where : "sshd's default");
	return buf;
}

static void
sshd_check_pam(struct doctor *d, const struct sshd_conf *sc)
{
	const struct sshd_setting *s = &sc->s[SK_USEPAM];
	char w[DOC_SHOWN_MAX + 64];

	if (is_yes(s, 0))
		say(d, DOC_OK, "sshd: UsePAM yes%s",
		    sshd_where(s, w, sizeof(w)));
	else
		say(d, DOC_FAIL,
		    "sshd: UsePAM %s%s: sshd never runs the PAM stack, so "
		    "pam_mfa is never asked; set UsePAM yes",
		    s->set ? s->value : "no", sshd_where(s, w, sizeof(w)));
	s = &sc->s[SK_KBDINT];
	if (is_yes(s, 1))
		say(d, DOC_OK, "sshd: %s yes%s",
		    s->set ? s->kw : "KbdInteractiveAuthentication",
		    sshd_where(s, w, sizeof(w)));
	else
		say(d, DOC_FAIL,
		    "sshd: %s %s%s: the code prompt cannot be shown; set "
		    "KbdInteractiveAuthentication yes",
		    s->kw, s->value, sshd_where(s, w, sizeof(w)));
	s = &sc->s[SK_PASSWORD];
	if (is_yes(s, 1))
		say(d, DOC_WARN,
		    "sshd: PasswordAuthentication yes%s: sshd feeds the "
		    "password to the code prompt: set PasswordAuthentication "
		    "no and use keyboard-interactive",
		    sshd_where(s, w, sizeof(w)));
	else
		say(d, DOC_OK, "sshd: PasswordAuthentication %s%s", s->value,
		    sshd_where(s, w, sizeof(w)));
}

/* AuthenticationMethods; returns 1 when every login passes PAM auth. */
static int
sshd_check_methods(struct doctor *d, const struct sshd_conf *sc)
{
	const struct sshd_setting *s = &sc->s[SK_METHODS];
	char w[DOC_SHOWN_MAX + 64];
	int ki;

	if (!s->set || strcasecmp(s->value, "any") == 0) {
		say(d, DOC_WARN,
		    "sshd: AuthenticationMethods is not set%s: publickey alone "
		    "skips PAM auth and the code; set AuthenticationMethods "
		    "publickey,keyboard-interactive (or keyboard-interactive)",
		    sshd_where(s, w, sizeof(w)));
		return 0;
	}
	ki = methods_include(s->value, "keyboard-interactive");
	d->ssh_key_first = methods_include(s->value, "publickey") == 2;
	if (ki == 2)
		say(d, DOC_OK, "sshd: AuthenticationMethods %s%s", s->value,
		    sshd_where(s, w, sizeof(w)));
	else if (ki == 1)
		say(d, DOC_WARN,
		    "sshd: AuthenticationMethods %s%s: a list without "
		    "keyboard-interactive lets a login skip the code",
		    s->value, sshd_where(s, w, sizeof(w)));
	else
		say(d, DOC_FAIL,
		    "sshd: AuthenticationMethods %s%s has no "
		    "keyboard-interactive: SSH logins never ask for a code",
		    s->value, sshd_where(s, w, sizeof(w)));
	return ki == 2;
}

static void
sshd_check_root(struct doctor *d, const struct sshd_conf *sc, int ki_always)
{
	const struct sshd_setting *s = &sc->s[SK_ROOTLOGIN];
	const char *v = s->set ? s->value : "prohibit-password";
	char w[DOC_SHOWN_MAX + 64];

	if (strcasecmp(v, "no") == 0 || ki_always) {
		say(d, DOC_OK, "sshd: PermitRootLogin %s%s%s", v,
		    sshd_where(s, w, sizeof(w)),
		    strcasecmp(v, "no") == 0
			? ""
			: ": root too must pass keyboard-interactive");
		return;
	}
	say(d, DOC_WARN,
	    "sshd: PermitRootLogin %s%s: key-only root logins skip PAM auth "
	    "and the code; set PermitRootLogin no, or require "
	    "keyboard-interactive in AuthenticationMethods",
	    v, sshd_where(s, w, sizeof(w)));
}

static void
check_sshd(struct doctor *d)
{
	struct sshd_conf sc;
	char path[PATH_MAX], *out = NULL;
	int status = -1, rc = MFA_ERR_NOENT;

	memset(&sc, 0, sizeof(sc));
	if (d->root[0] == '\0' && (out = malloc(DOC_SSHD_T_MAX)) != NULL &&
	    (rc = sshd_t_capture(out, DOC_SSHD_T_MAX, &status)) == MFA_OK) {
		sshd_t_parse(&sc, out);
		sc.match_only = 1;
	} else if (rc != MFA_ERR_NOENT) {
		say(d, DOC_WARN,
		    "sshd: %s -T failed (%s%d): sshd may not start with this "
		    "configuration; reading " DOC_SSHD_CONFIG " instead",
		    DOC_SSHD_BIN, status >= 0 ? "exit status " : "error ",
		    status >= 0 ? status : rc);
	}
	free(out);
	if (rooted(d, DOC_SSHD_CONFIG, path, sizeof(path)) == MFA_OK)
		sshd_parse_file(d, &sc, path, 0);
	if (sc.files == 0 && !sc.match_only) {
		say(d, DOC_WARN,
		    "sshd: no " DOC_SSHD_CONFIG " (is openssh-server "
		    "installed?): SSH checks skipped");
		return;
	}
	say(d, DOC_OK, "sshd: settings read from %s",
	    sc.match_only ? DOC_SSHD_BIN " -T"
			  : DOC_SSHD_CONFIG " and "
					    "its includes");
	sshd_check_pam(d, &sc);
	sshd_check_root(d, &sc, sshd_check_methods(d, &sc));
}

/* ---- pam.d --------------------------------------------------------- */

struct pam_entry {
	char where[DOC_SHOWN_MAX + 16]; /* "/etc/pam.d/sshd line 3" */
	char control[DOC_VALUE_MAX];
	char module[DOC_VALUE_MAX]; /* base name: "pam_unix.so" */
	char args[1024];
};

struct pam_stack {
	struct pam_entry e[DOC_PAM_ENTRIES];
	size_t n;
	unsigned int files, too_deep;
};

/* The next token of a PAM line: a word or a whole "[...]" group. */
static char *
pam_token(char **p)
{
	char *t = *p + strspn(*p, " \t\r"), *end;

	if (*t == '\0')
		return NULL;
	if (*t == '[') {
		for (end = t + 1; *end != '\0' && *end != ']'; end++)
			if (*end == '\\' && end[1] != '\0')
				end++;
		if (*end == ']')
			end++;
	} else {
		end = t + strcspn(t, " \t\r");
	}
	if (*end != '\0')
		*end++ = '\0';
	*p = end;
	return t;
}

static void pam_parse_file(
    struct doctor *d, struct pam_stack *ps, const char *shown, int depth);

/* @include NAME, or auth include/substack NAME. */
static void
pam_follow(struct doctor *d, struct pam_stack *ps, const char *name,
    const char *where, int depth)
{
	char shown[DOC_SHOWN_MAX];

	if (snprintf(shown, sizeof(shown), "%s%s",
		name[0] == '/' ? "" : DOC_PAM_DIR, name) >= (int)sizeof(shown))
		return;
	if (depth < DOC_PAM_DEPTH && ps->files < DOC_FILES_MAX)
		pam_parse_file(d, ps, shown, depth + 1);
	else if (!ps->too_deep++)
		say(d, DOC_WARN,
		    "%s: includes nested too deeply or too many files: the "
		    "rest is not checked",
		    where);
}

static void
pam_add(struct doctor *d, struct pam_stack *ps, const char *where,
    const char *control, const char *module, const char *args)
{
	const char *base = strrchr(module, '/');
	struct pam_entry *e;

	if (ps->n == DOC_PAM_ENTRIES) {
		if (!ps->too_deep++)
			say(d, DOC_WARN, "%s: auth stack too long to check",
			    where);
		return;
	}
	e = &ps->e[ps->n++];
	snprintf(e->where, sizeof(e->where), "%s", where);
	snprintf(e->control, sizeof(e->control), "%s", control);
	snprintf(e->module, sizeof(e->module), "%s",
	    base != NULL ? base + 1 : module);
	snprintf(e->args, sizeof(e->args), "%s", args);
}

/* One line of a PAM file: only auth lines and includes matter. */
static void
pam_line(struct doctor *d, struct pam_stack *ps, char *line, const char *where,
    int depth)
{
	char *type, *control, *module, *hash = strchr(line, '#');

	if (hash != NULL)
		*hash = '\0';
	type = pam_token(&line);
	if (type == NULL)
		return;
	control = pam_token(&line);
	if (control != NULL && strcmp(type, "@include") == 0) {
		pam_follow(d, ps, control, where, depth);
		return;
	}
	if (type[0] == '-')
		type++;
	module = control != NULL ? pam_token(&line) : NULL;
	if (strcasecmp(type, "auth") != 0 || module == NULL)
		return;
	if (strcasecmp(control, "include") == 0 ||
	    strcasecmp(control, "substack") == 0)
		pam_follow(d, ps, module, where, depth);
	else
		pam_add(d, ps, where, control, module,
		    line + strspn(line, " \t\r"));
}

static void
pam_parse_file(
    struct doctor *d, struct pam_stack *ps, const char *shown, int depth)
{
	char path[PATH_MAX], *buf = NULL, *p, *line, where[DOC_SHOWN_MAX + 16];
	unsigned int n = 0;
	struct stat st;
	size_t len;
	int rc;

	if (rooted(d, shown, path, sizeof(path)) != MFA_OK)
		return;
	ps->files++;
	rc = read_text(path, &buf, &len, &st);
	if (rc != MFA_OK) {
		if (depth > 0)
			say(d, DOC_FAIL,
			    "%s is included but cannot be read (%s): PAM fails "
			    "every login of the service",
			    shown, mfa_strerror(rc));
		return;
	}
	p = buf;
	while ((line = next_line(&p)) != NULL) {
		snprintf(where, sizeof(where), "%s line %u", shown, ++n);
		pam_line(d, ps, line, where, depth);
	}
	free(buf);
}

/* Report each pam.d line once, although several services include it. */
static int
first_time(struct doctor *d, const char *where)
{
	size_t i;

	for (i = 0; i < d->nseen; i++)
		if (strcmp(d->seen[i], where) == 0)
			return 0;
	if (d->nseen < DOC_SEEN_MAX)
		snprintf(d->seen[d->nseen++], sizeof(d->seen[0]), "%s", where);
	return 1;
}

static int
is_mfa(const struct pam_entry *e)
{
	return strcmp(e->module, "pam_mfa.so") == 0;
}

static int
is_password_module(const struct pam_entry *e)
{
	static const char *const mods[] = {"pam_unix.so", "pam_sss.so",
	    "pam_ldap.so", "pam_krb5.so", "pam_winbind.so", "pam_userdb.so"};
	size_t i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (strcmp(e->module, mods[i]) == 0)
			return 1;
	return 0;
}

/* Module arguments as an argv (brackets of "[a b]" dropped, as PAM does). */
static int
pam_argv(char *args, const char **argv, int max)
{
	int n = 0;
	char *t;
	size_t l;

	while (n < max && (t = pam_token(&args)) != NULL) {
		l = strlen(t);
		if (t[0] == '[' && l >= 2 && t[l - 1] == ']') {
			t[l - 1] = '\0';
			t++;
		}
		argv[n++] = t;
	}
	return n;
}

static void
targets_add(
    char (*list)[MFA_CONFIG_CMD_WORD_MAX + 1], size_t *n, const char *value)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(list[i], value) == 0)
			return;
	if (*n < DOC_TARGETS)
		snprintf(list[(*n)++], sizeof(list[0]), "%s", value);
}

/* What a configuration points at: state directory and programs. */
static void
targets_from(struct doc_targets *t, const struct mfa_config *cfg)
{
	size_t i;

	for (i = 0; i < t->nstate; i++)
		if (strcmp(t->state_dir[i], cfg->state_dir) == 0)
			break;
	if (i == t->nstate && t->nstate < DOC_TARGETS)
		snprintf(t->state_dir[t->nstate++], sizeof(t->state_dir[0]),
		    "%s", cfg->state_dir);
	if (cfg->mail_argv != NULL && cfg->mail_argv[0] != NULL)
		targets_add(t->mail, &t->nmail, cfg->mail_argv[0]);
	if (cfg->sms_argv != NULL && cfg->sms_argv[0] != NULL)
		targets_add(t->sms, &t->nsms, cfg->sms_argv[0]);
}

/* Load a conf= file named by a module argument (FAIL when it is bad). */
static int
pam_conf_arg(struct doctor *d, const struct pam_entry *e, const char *conf,
    struct mfa_config *cfg)
{
	char path[PATH_MAX], *buf = NULL, err[512] = "";
	struct stat st;
	size_t len = 0;
	int rc;

	rc = rooted(d, conf, path, sizeof(path));
	if (rc == MFA_OK)
		rc = read_text(path, &buf, &len, &st);
	if (rc == MFA_OK)
		rc = mfa_config_parse_file(cfg, buf, len, err, sizeof(err));
	free(buf);
	if (rc != MFA_OK)
		say(d, DOC_FAIL, "%s: pam_mfa conf=%s: %s", e->where, conf,
		    err[0] != '\0' ? err : mfa_strerror(rc));
	return rc;
}

/*
 * The arguments of a pam_mfa line, on top of its configuration file.
 * Returns 1 when the line FAILs, else 0.
 */
static int
pam_check_args(
    struct doctor *d, const struct pam_entry *e, struct doc_targets *t)
{
	char args[sizeof(e->args)], err[512] = "";
	const char *argv[DOC_PAM_ARGS], *conf;
	struct mfa_config cfg;
	int argc, rc;

	memcpy(args, e->args, sizeof(args));
	argc = pam_argv(args, argv, DOC_PAM_ARGS);
	rc = mfa_config_init(&cfg);
	conf = mfa_config_find_conf(argc, argv);
	if (rc == MFA_OK && conf != NULL)
		rc = pam_conf_arg(d, e, conf, &cfg) == MFA_OK ? MFA_OK : 1;
	else if (rc == MFA_OK && d->conf_buf != NULL)
		rc = mfa_config_parse_file(
			 &cfg, d->conf_buf, d->conf_len, NULL, 0) == MFA_OK
		    ? MFA_OK
		    : 1; /* reported by check_conf */
	if (rc == MFA_OK)
		rc = mfa_config_parse_args(&cfg, argc, argv, err, sizeof(err));
	if (rc < 0)
		say(d, DOC_FAIL,
		    "%s: pam_mfa %s: every login through this line fails "
		    "until it is fixed",
		    e->where, err[0] != '\0' ? err : mfa_strerror(rc));
	else if (rc == MFA_OK)
		targets_from(t, &cfg);
	mfa_config_free(&cfg);
	return rc != MFA_OK;
}

/* The control of a pam_mfa line; no "ok" for a stack that FAILs. */
static void
pam_check_control(struct doctor *d, const struct pam_entry *e, int stack_bad)
{
	const char *c = e->control;

	if (strcmp(c, "required") == 0 || strcmp(c, "requisite") == 0) {
		if (!stack_bad)
			say(d, DOC_OK, "%s: pam_mfa is %s", e->where, c);
	} else if (strcmp(c, "sufficient") == 0)
		say(d, DOC_FAIL,
		    "%s: pam_mfa is sufficient: a right code would replace the "
		    "password; use required",
		    e->where);
	else if (strcmp(c, "optional") == 0)
		say(d, DOC_FAIL,
		    "%s: pam_mfa is optional: the code is not enforced; use "
		    "required",
		    e->where);
	else
		say(d, DOC_WARN,
		    "%s: pam_mfa has the control %s, which the doctor cannot "
		    "judge: make sure a wrong code fails the login (required)",
		    e->where, c);
}

/*
 * What a success of entry e does: 0 goes on to the next line, 1 ends the
 * stack (sufficient, success=done), 2 jumps over *jump modules.
 */
static int
success_jump(const struct pam_entry *e, unsigned long *jump)
{
	const char *s;
	char *end;

	if (strcmp(e->control, "sufficient") == 0)
		return 1;
	if (e->control[0] != '[')
		return 0;
	s = strstr(e->control, "success=");
	if (s == NULL || (s != e->control + 1 && s[-1] != ' ' && s[-1] != '\t'))
		return 0;
	s += strlen("success=");
	if (strncmp(s, "done", 4) == 0)
		return 1;
	errno = 0;
	*jump = strtoul(s, &end, 10);
	return end != s && errno == 0 ? 2 : 0;
}

/* Could a success of entry i end the stack, or jump over entry mfa? */
static int
skips_mfa(const struct pam_entry *e, size_t i, size_t mfa)
{
	unsigned long jump = 0;
	int kind = success_jump(e, &jump);

	return kind == 1 || (kind == 2 && mfa - i <= jump);
}

/*
 * FAIL for entry i whose success skips pam_mfa at mfa, with a fix the
 * doctor then accepts: pam_mfa moved to just below the line the jump
 * lands on is where the jump (one line shorter without pam_mfa) lands
 * then, and it stays after the password module.
 */
static void
say_skip(struct doctor *d, const struct pam_stack *ps, size_t i, size_t mfa)
{
	const struct pam_entry *e = &ps->e[i], *land = NULL;
	unsigned long jump = 0;
	char fix[DOC_SHOWN_MAX + 128];

	if (success_jump(e, &jump) == 2 && jump < ps->n - i - 1)
		land = &ps->e[i + jump + 1];
	if (land != NULL)
		snprintf(fix, sizeof(fix),
		    "move the pam_mfa line to just below %s (%s), where the "
		    "jump lands",
		    land->where, land->module);
	else if (is_password_module(e))
		snprintf(fix, sizeof(fix), "make %s required", e->module);
	else
		snprintf(
		    fix, sizeof(fix), "change the control of %s", e->module);
	say(d, DOC_FAIL, "%s: a success of %s (%s) skips pam_mfa at %s: %s; %s",
	    e->where, e->module, e->control, ps->e[mfa].where,
	    land != NULL && strcmp(land->module, "pam_deny.so") == 0
		? "every login with the right password fails"
		: "the code is never asked",
	    fix);
}

/*
 * Which of the two stacks (see pam_mfa(8)) the service
 * uses: something between the password module and pam_mfa that ends a
 * failed login (requisite, as Debian's common-auth has with pam_deny.so)
 * gives a password oracle; without it strangers' wrong codes count.
 */
static void
say_stack_kind(struct doctor *d, const struct pam_stack *ps,
    const char *service, size_t pw, size_t mfa)
{
	const struct pam_entry *stop = NULL;
	size_t i;

	if (strcmp(ps->e[pw].control, "requisite") == 0 ||
	    strstr(ps->e[pw].control, "=die") != NULL)
		stop = &ps->e[pw];
	for (i = pw + 1; i < mfa && stop == NULL; i++)
		if (strcmp(ps->e[i].control, "requisite") == 0)
			stop = &ps->e[i];
	if (stop != NULL)
		say(d, DOC_INFO,
		    "pam.d/%s: a wrong password ends the login at %s (%s %s) "
		    "before the code prompt: the prompt tells the password "
		    "was right, and strangers cannot add failures to a "
		    "user's lock-out",
		    service, stop->where, stop->control, stop->module);
	else
		say(d, DOC_INFO,
		    "pam.d/%s: the password and the code are both required: "
		    "a wrong password still gets the code prompt (no password "
		    "oracle), and wrong codes typed after it count toward the "
		    "user's lock-out from that address (deny=) and in all "
		    "(deny_total=)",
		    service);
}

/* No password module: a code alone logs in, unless sshd asks for a key. */
static void
say_no_password(struct doctor *d, const char *service)
{
	if (strcmp(service, "sshd") == 0 && d->ssh_key_first)
		say(d, DOC_INFO,
		    "pam.d/%s: no password module in the auth stack: SSH "
		    "logins need a key (AuthenticationMethods) and a code",
		    service);
	else
		say(d, DOC_FAIL,
		    "pam.d/%s: no password module (pam_unix, pam_sss...) in "
		    "the auth stack: a code alone logs in%s; add the password "
		    "module before pam_mfa (@include common-auth)",
		    service,
		    strcmp(service, "sshd") == 0
			? " (AuthenticationMethods does not ask for a key "
			  "first)"
			: "");
}

/*
 * Order: the password module first, nothing able to skip pam_mfa.
 * bad says the stack already FAILed (then no "ok" line for it).  Returns
 * 1 when the stack has a failure (reported here, or already for another
 * service that includes the same line), else 0.
 */
static int
pam_check_order(struct doctor *d, const struct pam_stack *ps,
    const char *service, size_t mfa, int bad)
{
	char key[sizeof(d->seen[0])];
	size_t i, pw = ps->n;

	for (i = 0; i < ps->n && pw == ps->n; i++)
		if (is_password_module(&ps->e[i]))
			pw = i;
	for (i = 0; i < mfa; i++) {
		if (!skips_mfa(&ps->e[i], i, mfa))
			continue;
		bad = 1;
		snprintf(key, sizeof(key), "skip %s", ps->e[i].where);
		if (first_time(d, key))
			say_skip(d, ps, i, mfa);
	}
	if (pw == ps->n) {
		say_no_password(d, service);
		return bad || strcmp(service, "sshd") != 0 || !d->ssh_key_first;
	}
	if (pw > mfa) {
		say(d, DOC_FAIL,
		    "%s: pam_mfa comes before the password module (%s at %s): "
		    "put it after the password module (after @include "
		    "common-auth)",
		    ps->e[mfa].where, ps->e[pw].module, ps->e[pw].where);
		return 1;
	}
	if (bad)
		return 1;
	say(d, DOC_OK, "pam.d/%s: pam_mfa comes after %s", service,
	    ps->e[pw].module);
	say_stack_kind(d, ps, service, pw, mfa);
	return 0;
}

/*
 * pam_mfa twice in one auth stack (the pam-auth-update profile in
 * common-auth and a line in the service's file): one login asks twice.
 * Returns 1 when it is.
 */
static int
pam_check_twice(struct doctor *d, const struct pam_stack *ps,
    const char *service, size_t mfa)
{
	size_t i;

	for (i = mfa + 1; i < ps->n; i++)
		if (is_mfa(&ps->e[i]))
			break;
	if (i == ps->n)
		return 0;
	say(d, DOC_FAIL,
	    "pam.d/%s: pam_mfa is twice in the auth stack (%s and %s): one "
	    "login runs it twice; keep one of the two lines",
	    service, ps->e[mfa].where, ps->e[i].where);
	return 1;
}

static void
check_pam_service(struct doctor *d, const char *service, struct doc_targets *t)
{
	char shown[DOC_SHOWN_MAX], path[PATH_MAX];
	struct pam_stack *ps = calloc(1, sizeof(*ps));
	size_t i, mfa;
	int bad, args_bad;

	snprintf(shown, sizeof(shown), DOC_PAM_DIR "%s", service);
	if (ps == NULL || rooted(d, shown, path, sizeof(path)) != MFA_OK) {
		say(d, DOC_FAIL, "%s: out of memory", shown);
		free(ps);
		return;
	}
	if (access(path, F_OK) != 0) {
		say(d, DOC_WARN, "no %s: %s logins are not checked", shown,
		    service);
		free(ps);
		return;
	}
	pam_parse_file(d, ps, shown, 0);
	for (mfa = 0; mfa < ps->n && !is_mfa(&ps->e[mfa]); mfa++)
		;
	if (mfa == ps->n) {
		say(d, DOC_WARN,
		    "%s: pam_mfa is not in the auth stack: logins through it "
		    "ask for no code; add 'auth required pam_mfa.so' after "
		    "the password module",
		    shown);
		free(ps);
		return;
	}
	bad = pam_check_twice(d, ps, service, mfa);
	bad = pam_check_order(d, ps, service, mfa, bad);
	for (i = mfa; i < ps->n; i++) {
		if (!is_mfa(&ps->e[i]) || !first_time(d, ps->e[i].where))
			continue;
		args_bad = pam_check_args(d, &ps->e[i], t);
		pam_check_control(d, &ps->e[i], bad || args_bad);
	}
	free(ps);
}

/* ---- pam_mfa.conf, state directory, programs ----------------------- */

/* The site's configuration: parses, root's, not writable by others. */
static void
check_conf(struct doctor *d, const char *shown, struct doc_targets *t)
{
	char path[PATH_MAX], err[512] = "", who[32];
	struct mfa_config cfg;
	struct stat st;
	int rc, refused = 0;

	rc = rooted(d, shown, path, sizeof(path));
	if (rc == MFA_OK)
		rc = read_text(path, &d->conf_buf, &d->conf_len, &st);
	if (rc == MFA_ERR_NOENT) {
		say(d, DOC_OK, "%s does not exist: the defaults apply", shown);
	} else if (rc != MFA_OK) {
		say(d, DOC_FAIL, "%s cannot be read: %s", shown,
		    mfa_strerror(rc));
		return;
	} else if (st.st_uid != d->owner || (st.st_mode & 022) != 0) {
		refused = 1; /* so no "ok" line for this file below */
		say(d, DOC_FAIL,
		    "%s: owner %s, mode %04o: it must be %s's and not "
		    "writable by group or others, or the module refuses it",
		    shown, owner_name(st.st_uid, who, sizeof(who)),
		    (unsigned int)(st.st_mode & 07777),
		    d->owner == 0 ? "root" : "DIR's owner");
	}
	if (mfa_config_init(&cfg) != MFA_OK)
		return;
	rc = d->conf_buf == NULL ? MFA_OK
				 : mfa_config_parse_file(&cfg, d->conf_buf,
				       d->conf_len, err, sizeof(err));
	if (rc != MFA_OK)
		say(d, DOC_FAIL,
		    "%s does not parse: %s (every login through pam_mfa fails "
		    "until it is fixed)",
		    shown, err[0] != '\0' ? err : mfa_strerror(rc));
	else if (d->conf_buf != NULL && !refused)
		say(d, DOC_OK, "%s parses", shown);
	if (rc == MFA_OK)
		targets_from(t, &cfg);
	mfa_config_free(&cfg);
}

static void
check_state_dir(struct doctor *d, const char *dir)
{
	char path[PATH_MAX], who[32];
	struct mfa_file_error fe;
	struct stat st;
	unsigned int mode;
	int fd = -1;

	if (rooted(d, dir, path, sizeof(path)) != MFA_OK)
		return;
	if (lstat(path, &st) != 0) {
		say(d, errno == ENOENT ? DOC_WARN : DOC_FAIL,
		    "state directory %s: %s%s", dir, strerror(errno),
		    errno == ENOENT ? " (the module creates it, mode 0700, at "
				      "the first login)"
				    : "");
		return;
	}
	mode = (unsigned int)(st.st_mode & 07777);
	/* On the live system, also the directories above it (first, so
	 * that a refused directory never gets an "ok" line too). */
	if (d->root[0] == '\0' && S_ISDIR(st.st_mode) &&
	    mfa_dir_open_private(dir, 0, &fd, &fe) != MFA_OK)
		say(d, DOC_FAIL, "state directory %s refused: %s", dir, fe.why);
	else if (!S_ISDIR(st.st_mode))
		say(d, DOC_FAIL,
		    "state directory %s is not a directory (or is a symbolic "
		    "link): the module refuses it",
		    dir);
	else if (st.st_uid != d->owner)
		say(d, DOC_FAIL,
		    "state directory %s is owned by %s: it must be %s's", dir,
		    owner_name(st.st_uid, who, sizeof(who)),
		    d->owner == 0 ? "root" : "DIR's owner");
	else if ((mode & 022) != 0)
		say(d, DOC_FAIL,
		    "state directory %s has mode %04o: writable by group or "
		    "others, who could reset lock-outs; chmod 0700 %s",
		    dir, mode, dir);
	else if ((mode & 077) != 0)
		say(d, DOC_WARN,
		    "state directory %s has mode %04o: others can see who is "
		    "enrolled; chmod 0700 %s",
		    dir, mode, dir);
	else
		say(d, DOC_OK, "state directory %s: owner %s, mode %04o", dir,
		    owner_name(st.st_uid, who, sizeof(who)), mode);
	if (fd >= 0)
		close(fd);
}

/* mail_command / sms_command: the program exists and can be run. */
static void
check_program(struct doctor *d, const char *option, const char *prog,
    const char *consequence)
{
	char path[PATH_MAX];
	struct stat st;

	if (rooted(d, prog, path, sizeof(path)) == MFA_OK &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0111) != 0)
		say(d, DOC_OK, "%s %s is executable", option, prog);
	else
		say(d, DOC_WARN, "%s %s is missing or not executable: %s",
		    option, prog, consequence);
}

/* Whether something receives datagrams on the socket at path. */
static int
syslog_listens(const char *path)
{
	struct sockaddr_un sa;
	int fd, ok;

	if (strlen(path) >= sizeof(sa.sun_path))
		return 1; /* cannot tell: do not cry wolf */
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 1; /* cannot tell: do not cry wolf */
	ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ok;
}

/*
 * The syslog socket: without one, every line pam_mfa logs (failures,
 * lock-outs, why a file was refused) is lost.  Under --root only its
 * presence is checked (a fixture's socket has no listener).
 */
static void
check_syslog(struct doctor *d)
{
	char path[PATH_MAX];
	struct stat st;

	if (rooted(d, DOC_SYSLOG, path, sizeof(path)) != MFA_OK)
		return;
	if (stat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
		say(d, DOC_WARN,
		    "no syslog socket at " DOC_SYSLOG ": every line pam_mfa "
		    "logs (failures, lock-outs, refused files) is lost; start "
		    "a syslog daemon (rsyslog) or systemd-journald");
	else if (d->root[0] == '\0' && !syslog_listens(path))
		say(d, DOC_WARN,
		    "nothing listens on the syslog socket " DOC_SYSLOG ": "
		    "every line pam_mfa logs is lost; start the syslog daemon "
		    "(rsyslog) or systemd-journald");
	else
		say(d, DOC_OK,
		    "syslog socket " DOC_SYSLOG " is there: "
		    "pam_mfa's log lines go to authpriv");
}

/* ---- users --------------------------------------------------------- */

struct doc_users {
	unsigned int files, enrolled, locked, failing, bad;
};

/* A state file name back to the user name (%XX escapes), printable. */
static void
user_from_file(const char *name, char *out, size_t outsz)
{
	size_t o = 0;
	unsigned int x;

	for (; *name != '\0' && o + 1 < outsz; name++) {
		if (name[0] == '%' && sscanf(name + 1, "%2x", &x) == 1 &&
		    name[1] != '\0' && name[2] != '\0') {
			/* Shown, never used as a name: keep it printable. */
			out[o++] = x >= 0x20 && x < 0x7f ? (char)x : '?';
			name += 2;
		} else {
			out[o++] = *name;
		}
	}
	out[o] = '\0';
}

/* The regular file name of dfd (at most max bytes) into *buf. */
static int
read_small(int dfd, const char *name, size_t max, char **buf, size_t *len)
{
	struct stat sb;
	int fd, rc;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return mfa_err_from_errno(errno);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		rc = MFA_ERR_UNSAFE;
	else
		rc = mfa_file_read_all(fd, max, buf, len);
	close(fd);
	return rc;
}

/*
 * Read one user's state file of the directory (dfd) into st, with the
 * failure tally of its lock file (tally.h) when there is one, as the
 * module sees them.  *what names the file at fault on failure.
 */
static int
user_state(int dfd, const char *name, struct mfa_state *st,
    struct mfa_parse_error *se, const char **what)
{
	char lock[NAME_MAX + 1];
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*what = "state";
	rc = read_small(dfd, name, MFA_STATE_MAX_SIZE, &buf, &len);
	if (rc == MFA_OK)
		rc = mfa_state_parse(buf, len, st, se);
	if (buf != NULL)
		mfa_freezero(buf, len + 1); /* holds code hashes */
	if (rc != MFA_OK ||
	    snprintf(lock, sizeof(lock), ".%s.lock", name) >= (int)sizeof(lock))
		return rc;
	*what = "failure tally (in its lock file)";
	buf = NULL;
	rc = read_small(dfd, lock, MFA_TALLY_LEN, &buf, &len);
	if (rc == MFA_ERR_NOENT)
		return MFA_OK;
	if (rc == MFA_OK)
		rc = mfa_tally_apply(buf, len, st, se);
	free(buf);
	return rc;
}

/* Sources (deny=) of st locked out at now: logins from there are refused. */
static unsigned int
sources_locked(const struct mfa_state *st, int64_t now)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < st->nsources; i++)
		n += st->sources[i].locked_until > now;
	return n;
}

static void
user_count(struct doctor *d, struct doc_users *u, int dfd, const char *name)
{
	struct mfa_state st;
	struct mfa_parse_error se = {0, ""};
	char user[DOC_SHOWN_MAX], when[64];
	const char *what = "state";
	int rc = user_state(dfd, name, &st, &se, &what);
	int locked = rc == MFA_OK && mfa_state_is_locked(&st, d->now);
	unsigned int sources = rc == MFA_OK ? sources_locked(&st, d->now) : 0;

	user_from_file(name, user, sizeof(user));
	u->files++;
	if (rc != MFA_OK) {
		u->bad++;
		say(d, DOC_WARN,
		    "%s of %s does not parse (line %u: %s): %s's logins "
		    "fail until mfa-enroll --user %s %s",
		    what, user, se.line,
		    se.msg[0] != '\0' ? se.msg : mfa_strerror(rc), user, user,
		    strcmp(what, "state") == 0 ? "reset" : "unlock");
		return;
	}
	u->enrolled += st.enrolled != 0;
	u->locked += locked != 0 || sources > 0;
	u->failing += st.failures > 0;
	if (d->verbose) {
		mfa_cli_time(st.locked_until, when, sizeof(when));
		printf("  user %s: %s, %u failures%s%s", user,
		    st.enrolled ? "enrolled" : "not enrolled", st.failures,
		    locked ? ", locked out until " : "", locked ? when : "");
		if (sources > 0)
			printf(", locked out from %u address%s", sources,
			    sources == 1 ? "" : "es");
		putchar('\n');
	}
	mfa_state_wipe(&st);
}

/* Record names never start with '.': lock and temporary files do. */
static int
not_hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

static void
check_users(struct doctor *d, const char *dir)
{
	struct doc_users u = {0, 0, 0, 0, 0};
	char path[PATH_MAX];
	struct dirent **list = NULL;
	int i, n, dfd;

	if (rooted(d, dir, path, sizeof(path)) != MFA_OK)
		return;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	/* Sorted, so that --verbose lists users in a stable order. */
	n = scandirat(dfd, ".", &list, not_hidden, alphasort);
	for (i = 0; i < n; i++) {
		user_count(d, &u, dfd, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	close(dfd);
	say(d, DOC_OK,
	    "users in %s: %u enrolled, %u with failed attempts (only users "
	    "the module has seen are counted: the others' homes are not read)",
	    dir, u.enrolled, u.failing);
	if (u.locked > 0)
		say(d, DOC_WARN,
		    "%u user%s locked out now (everywhere or from some "
		    "addresses): mfa-enroll --user NAME unlock lets one in%s",
		    u.locked, u.locked == 1 ? " is" : "s are",
		    d->verbose ? "" : " (--verbose lists them)");
	else
		say(d, DOC_OK, "users in %s: nobody is locked out", dir);
}

/* ---- the command --------------------------------------------------- */

/* --root DIR: an existing directory, made absolute, "" for "/". */
static int
set_root(const struct mfa_cli *c, struct doctor *d, const char *arg)
{
	char *real = realpath(arg, NULL);
	struct stat st;

	if (real == NULL || stat(real, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    strlen(real) >= sizeof(d->root)) {
		mfa_cli_err(c, "--root %s: not a directory", arg);
		free(real);
		return MFA_EXIT_USAGE;
	}
	snprintf(
	    d->root, sizeof(d->root), "%s", strcmp(real, "/") == 0 ? "" : real);
	d->owner = d->root[0] == '\0' ? 0 : st.st_uid;
	free(real);
	return -1;
}

/* Options.  Returns -1 to go on, else an exit status. */
static int
parse_doctor(const struct mfa_cli *c, struct doctor *d, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"root", required_argument, NULL, 'r'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	int ch, have_root = 0, ex;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "+hv", longopts, NULL)) != -1) {
		if (ch == 'h') {
			fputs(doctor_usage, stdout);
			return MFA_EXIT_OK;
		} else if (ch == 'v') {
			d->verbose = 1;
		} else if (ch == 'r') {
			have_root = 1;
			if ((ex = set_root(c, d, optarg)) >= 0)
				return ex;
		} else {
			fputs(doctor_usage, stderr);
			return MFA_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fputs(doctor_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	if (!have_root && !mfa_admin_need_root(c, "doctor"))
		return MFA_EXIT_USAGE;
	return -1;
}

int
mfa_doctor_run(struct mfa_cli *c, int argc, char **argv)
{
	struct doc_targets *t = calloc(1, sizeof(*t));
	struct doctor *d = calloc(1, sizeof(*d));
	size_t i;
	int ex = MFA_EXIT_FAIL;

	if (t == NULL || d == NULL ||
	    (ex = parse_doctor(c, d, argc, argv)) >= 0)
		goto out;
	d->now = mfa_cli_now();
	check_sshd(d);
	/* Without --root, --conf names the file; under DIR, the default. */
	check_conf(d, d->root[0] == '\0' ? c->cfg.conf : DOC_CONF, t);
	check_pam_service(d, "sshd", t);
	check_pam_service(d, "login", t);
	for (i = 0; i < t->nstate; i++)
		check_state_dir(d, t->state_dir[i]);
	for (i = 0; i < t->nmail; i++)
		check_program(
		    d, "mail_command", t->mail[i], "emailed codes will fail");
	for (i = 0; i < t->nsms; i++)
		check_program(
		    d, "sms_command", t->sms[i], "SMS codes will fail");
	for (i = 0; i < t->nstate; i++)
		check_users(d, t->state_dir[i]);
	check_syslog(d);
	printf("%u failure%s, %u warning%s\n", d->fails,
	    d->fails == 1 ? "" : "s", d->warns, d->warns == 1 ? "" : "s");
	ex = d->fails > 0 ? MFA_EXIT_FAIL : MFA_EXIT_OK;
out:
	if (d != NULL)
		free(d->conf_buf);
	free(d);
	free(t);
	return ex;
}
