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
 *
 * This file is the command and the helpers every check uses; the checks
 * live in doctor_sshd.c, doctor_pamd.c, doctor_stack.c, doctor_conf.c,
 * doctor_store.c and doctor_users.c (doctor.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "doctor.h"
#include "error.h"
#include "fileio.h"

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
    "  - the configured store answers (what it is, and for a server its\n"
    "    version, TLS, schema and round-trip time), not under --root;\n"
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

/* Print one result line; control bytes (from files) become '?'. */
void
mfa_doctor_say(struct doctor *d, enum doc_level lv, const char *fmt, ...)
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
	fprintf(d->out, "%s: %s\n", prefix[lv], line);
}

/* out = DIR + path.  Returns MFA_OK or MFA_ERR_BUFSIZE. */
int
mfa_doctor_rooted(
    const struct doctor *d, const char *path, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s%s", d->root, path);

	return n < 0 || (size_t)n >= outsz ? MFA_ERR_BUFSIZE : MFA_OK;
}

/*
 * Read the file at path (already under DIR) into a new NUL-terminated
 * buffer: a regular file of at most DOC_TEXT_MAX bytes, opened without
 * blocking on a FIFO.  st receives its status.  The caller frees *buf.
 */
int
mfa_doctor_read_text(const char *path, char **buf, size_t *len, struct stat *st)
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
char *
mfa_doctor_next_line(char **p)
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
char *
mfa_doctor_next_word(char **p)
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

void
mfa_doctor_each_line(char *buf, const char *shown,
    void (*fn)(void *ctx, char *line, const char *where), void *ctx)
{
	char *p = buf, *line, where[DOC_SHOWN_MAX + 32];
	unsigned int n = 0;

	while ((line = mfa_doctor_next_line(&p)) != NULL) {
		snprintf(where, sizeof(where), "%.*s line %u", DOC_SHOWN_MAX,
		    shown, ++n);
		fn(ctx, line, where);
	}
}

const char *
mfa_doctor_owner_name(uid_t uid, char *buf, size_t bufsz)
{
	if (uid == 0)
		return "root";
	snprintf(buf, bufsz, "uid %u", (unsigned int)uid);
	return buf;
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
	d->out = stdout;
	d->now = mfa_cli_now();
	mfa_doctor_check_sshd(d);
	/* Without --root, --conf names the file; under DIR, the default. */
	mfa_doctor_check_conf(
	    d, d->root[0] == '\0' ? c->cfg.conf : DOC_CONF, t);
	mfa_doctor_check_pam_service(d, "sshd", t);
	mfa_doctor_check_pam_service(d, "login", t);
	if (t->sk_keys)
		mfa_doctor_check_sk_keys(d);
	if (t->sk_keys_vault)
		mfa_doctor_say(d, DOC_WARN,
		    "sk_keys=second-factor has no effect with secrets=vault: "
		    "users can add FIDO2 keys to their authorized_keys, so "
		    "the module asks them for the code");
	for (i = 0; i < t->nstate; i++)
		mfa_doctor_check_state_dir(d, t->state_dir[i]);
	if (d->root[0] == '\0' && !c->conf_unloaded)
		mfa_doctor_check_store(d, &c->cfg);
	for (i = 0; i < t->nmail; i++)
		mfa_doctor_check_program(
		    d, "mail_command", t->mail[i], "emailed codes will fail");
	for (i = 0; i < t->nsms; i++)
		mfa_doctor_check_program(
		    d, "sms_command", t->sms[i], "SMS codes will fail");
	for (i = 0; i < t->nstate; i++)
		mfa_doctor_check_users(d, t->state_dir[i]);
	mfa_doctor_check_syslog(d);
	fprintf(d->out, "%u failure%s, %u warning%s\n", d->fails,
	    d->fails == 1 ? "" : "s", d->warns, d->warns == 1 ? "" : "s");
	ex = d->fails > 0 ? MFA_EXIT_FAIL : MFA_EXIT_OK;
out:
	if (d != NULL)
		free(d->conf_buf);
	free(d);
	free(t);
	return ex;
}
