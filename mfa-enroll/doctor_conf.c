/*
 * doctor_conf.c - the doctor's checks of what pam_mfa's configuration
 * points at: pam_mfa.conf itself (parses, root's, not writable by
 * others), the state directory (owner, mode, the directories above it),
 * the mail_command and sms_command programs, and the syslog socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "doctor.h"
#include "error.h"
#include "fileio.h"

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
void
mfa_doctor_targets_from(struct doc_targets *t, const struct mfa_config *cfg)
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
	t->sk_keys |= cfg->sk_keys == MFA_SK_KEYS_SECOND_FACTOR;
	t->sk_keys_vault |= cfg->sk_keys == MFA_SK_KEYS_SECOND_FACTOR &&
	    cfg->secrets == MFA_SECRETS_VAULT;
}

/* The site's configuration: parses, root's, not writable by others. */
void
mfa_doctor_check_conf(
    struct doctor *d, const char *shown, struct doc_targets *t)
{
	char path[PATH_MAX], err[512] = "", who[32];
	struct mfa_config cfg;
	struct stat st;
	int rc, refused = 0;

	rc = mfa_doctor_rooted(d, shown, path, sizeof(path));
	if (rc == MFA_OK)
		rc =
		    mfa_doctor_read_text(path, &d->conf_buf, &d->conf_len, &st);
	if (rc == MFA_ERR_NOENT) {
		mfa_doctor_say(
		    d, DOC_OK, "%s does not exist: the defaults apply", shown);
	} else if (rc != MFA_OK) {
		mfa_doctor_say(d, DOC_FAIL, "%s cannot be read: %s", shown,
		    mfa_strerror(rc));
		return;
	} else if (st.st_uid != d->owner || (st.st_mode & 022) != 0) {
		refused = 1; /* so no "ok" line for this file below */
		mfa_doctor_say(d, DOC_FAIL,
		    "%s: owner %s, mode %04o: it must be %s's and not "
		    "writable by group or others, or the module refuses it",
		    shown, mfa_doctor_owner_name(st.st_uid, who, sizeof(who)),
		    (unsigned int)(st.st_mode & 07777),
		    d->owner == 0 ? "root" : "DIR's owner");
	}
	if (mfa_config_init(&cfg) != MFA_OK)
		return;
	rc = d->conf_buf == NULL ? MFA_OK
				 : mfa_config_parse_file(&cfg, d->conf_buf,
				       d->conf_len, err, sizeof(err));
	if (rc != MFA_OK)
		mfa_doctor_say(d, DOC_FAIL,
		    "%s does not parse: %s (every login through pam_mfa fails "
		    "until it is fixed)",
		    shown, err[0] != '\0' ? err : mfa_strerror(rc));
	else if (d->conf_buf != NULL && !refused)
		mfa_doctor_say(d, DOC_OK, "%s parses", shown);
	if (rc == MFA_OK)
		mfa_doctor_targets_from(t, &cfg);
	mfa_config_free(&cfg);
}

void
mfa_doctor_check_state_dir(struct doctor *d, const char *dir)
{
	char path[PATH_MAX], who[32];
	struct mfa_file_error fe;
	struct stat st;
	unsigned int mode;
	int fd = -1;

	if (mfa_doctor_rooted(d, dir, path, sizeof(path)) != MFA_OK)
		return;
	if (lstat(path, &st) != 0) {
		mfa_doctor_say(d, errno == ENOENT ? DOC_WARN : DOC_FAIL,
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
		mfa_doctor_say(
		    d, DOC_FAIL, "state directory %s refused: %s", dir, fe.why);
	else if (!S_ISDIR(st.st_mode))
		mfa_doctor_say(d, DOC_FAIL,
		    "state directory %s is not a directory (or is a symbolic "
		    "link): the module refuses it",
		    dir);
	else if (st.st_uid != d->owner)
		mfa_doctor_say(d, DOC_FAIL,
		    "state directory %s is owned by %s: it must be %s's", dir,
		    mfa_doctor_owner_name(st.st_uid, who, sizeof(who)),
		    d->owner == 0 ? "root" : "DIR's owner");
	else if ((mode & 022) != 0)
		mfa_doctor_say(d, DOC_FAIL,
		    "state directory %s has mode %04o: writable by group or "
		    "others, who could reset lock-outs; chmod 0700 %s",
		    dir, mode, dir);
	else if ((mode & 077) != 0)
		mfa_doctor_say(d, DOC_WARN,
		    "state directory %s has mode %04o: others can see who is "
		    "enrolled; chmod 0700 %s",
		    dir, mode, dir);
	else
		mfa_doctor_say(d, DOC_OK,
		    "state directory %s: owner %s, mode %04o", dir,
		    mfa_doctor_owner_name(st.st_uid, who, sizeof(who)), mode);
	if (fd >= 0)
		close(fd);
}

/* mail_command / sms_command: the program exists and can be run. */
void
mfa_doctor_check_program(struct doctor *d, const char *option, const char *prog,
    const char *consequence)
{
	char path[PATH_MAX];
	struct stat st;

	if (mfa_doctor_rooted(d, prog, path, sizeof(path)) == MFA_OK &&
	    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 0111) != 0)
		mfa_doctor_say(d, DOC_OK, "%s %s is executable", option, prog);
	else
		mfa_doctor_say(d, DOC_WARN,
		    "%s %s is missing or not executable: %s", option, prog,
		    consequence);
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
void
mfa_doctor_check_syslog(struct doctor *d)
{
	char path[PATH_MAX];
	struct stat st;

	if (mfa_doctor_rooted(d, DOC_SYSLOG, path, sizeof(path)) != MFA_OK)
		return;
	if (stat(path, &st) != 0 || !S_ISSOCK(st.st_mode))
		mfa_doctor_say(d, DOC_WARN,
		    "no syslog socket at " DOC_SYSLOG ": every line pam_mfa "
		    "logs (failures, lock-outs, refused files) is lost; start "
		    "a syslog daemon (rsyslog) or systemd-journald");
	else if (d->root[0] == '\0' && !syslog_listens(path))
		mfa_doctor_say(d, DOC_WARN,
		    "nothing listens on the syslog socket " DOC_SYSLOG ": "
		    "every line pam_mfa logs is lost; start the syslog daemon "
		    "(rsyslog) or systemd-journald");
	else
		mfa_doctor_say(d, DOC_OK,
		    "syslog socket " DOC_SYSLOG " is there: "
		    "pam_mfa's log lines go to authpriv");
}
