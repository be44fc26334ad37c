/*
 * doctor.h - what the units of "mfa-enroll doctor" share.
 *
 * doctor.c is the command (options, the order of the checks, the summary)
 * and the few helpers every unit uses; doctor_sshd.c reads sshd's
 * settings (sshd -T, or sshd_config and its includes) and judges them;
 * doctor_pamd.c reads a service's auth stack from pam.d (with @include,
 * include and substack) and doctor_stack.c judges that stack (order,
 * jumps, control, arguments); doctor_conf.c checks pam_mfa.conf, the
 * state directory, the delivery programs and the syslog socket;
 * doctor_store.c asks the configured store about itself; doctor_users.c
 * counts the users the module's state knows.  Every unit
 * reports through mfa_doctor_say and changes nothing on the system.
 */
#ifndef MFA_ENROLL_DOCTOR_H
#define MFA_ENROLL_DOCTOR_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "config.h"

#define DOC_SSHD_BIN "/usr/sbin/sshd"
#define DOC_SSHD_CONFIG "/etc/ssh/sshd_config"
#define DOC_SSHD_DIR "/etc/ssh/"
#define DOC_PAM_DIR "/etc/pam.d/"
#define DOC_CONF MFA_SYSCONFDIR "/security/pam_mfa.conf"
#define DOC_SYSLOG "/dev/log"
#define DOC_TEXT_MAX (1024 * 1024) /* largest config file read */
#define DOC_FILES_MAX 256 /* files read per stack: globs cannot explode */
#define DOC_PAM_ENTRIES 128
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
	int sk_verify;     /* PubkeyAuthOptions has verify-required */
	char sk_opts[DOC_VALUE_MAX + DOC_SHOWN_MAX + 64]; /* value, where */
	unsigned int fails, warns;
	int64_t now;
	FILE *out;      /* where the result lines go (stdout) */
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
	int sk_keys;       /* some configuration says sk_keys=second-factor */
	int sk_keys_vault; /* ... together with secrets=vault */
};

/* ---- doctor.c: helpers of every unit ------------------------------- */

/*
 * mfa_doctor_say - print one result line "ok: ", "info: ", "warn: " or
 * "FAIL: " and the formatted text to d->out, control bytes (from files)
 * turned into '?'; count it in d->fails or d->warns.
 */
void mfa_doctor_say(struct doctor *d, enum doc_level lv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* mfa_doctor_rooted - out = DIR + path.  MFA_OK or MFA_ERR_BUFSIZE. */
int mfa_doctor_rooted(
    const struct doctor *d, const char *path, char *out, size_t outsz);

/*
 * mfa_doctor_read_text - read the file at path (already under DIR) into a
 * new NUL-terminated buffer: a regular file of at most DOC_TEXT_MAX bytes,
 * opened without blocking on a FIFO.  st receives its status.  Returns
 * MFA_OK or an error; the caller frees *buf (NULL on error).
 */
int mfa_doctor_read_text(
    const char *path, char **buf, size_t *len, struct stat *st);

/* mfa_doctor_next_line - the next line of *p (cut in place), or NULL. */
char *mfa_doctor_next_line(char **p);

/*
 * mfa_doctor_next_word - the next blank-separated word of *p (cut in
 * place), or NULL.
 */
char *mfa_doctor_next_word(char **p);

/*
 * mfa_doctor_each_line - call fn(ctx, line, where) for each line of the
 * NUL-terminated text buf (cut in place), where being "SHOWN line N"
 * (shown cut to DOC_SHOWN_MAX bytes), the place a result line names.
 */
void mfa_doctor_each_line(char *buf, const char *shown,
    void (*fn)(void *ctx, char *line, const char *where), void *ctx);

/* mfa_doctor_owner_name - "root", or "uid N" written into buf. */
const char *mfa_doctor_owner_name(uid_t uid, char *buf, size_t bufsz);

/* ---- doctor_sshd.c: sshd's settings --------------------------------- */

enum sshd_key {
	SK_USEPAM,
	SK_KBDINT,
	SK_PASSWORD,
	SK_METHODS,
	SK_ROOTLOGIN,
	SK_PUBKEYOPTS,
	SK_COUNT
};

struct doc_sshd_setting {
	int set;
	char kw[40]; /* the keyword as written (an old alias stays visible) */
	char value[DOC_VALUE_MAX];
	char where[DOC_SHOWN_MAX + 32]; /* "/etc/ssh/sshd_config line 3" */
};

/* The settings the doctor judges, as sshd takes them (first one wins). */
struct doc_sshd_conf {
	struct doc_sshd_setting s[SK_COUNT];
	int match_only; /* sshd -T gave the values: note Match blocks only */
	unsigned int files, too_deep;
};

/*
 * mfa_doctor_sshd_read - read the sshd_config at path (under DIR) into sc
 * as sshd does: the first value of a keyword wins, Include globs (relative
 * to /etc/ssh, under DIR) are read in place, nested at most 16 deep and
 * 256 files in all; settings inside a Match block are not taken but
 * warned about.  With sc->match_only set (the values came from sshd -T),
 * only the Match warnings are given.
 */
void mfa_doctor_sshd_read(
    struct doctor *d, struct doc_sshd_conf *sc, const char *path);

/*
 * mfa_doctor_sshd_t_parse - take the settings of sshd -T output ("key
 * value" lines, NUL-terminated, cut in place) into sc, each with the
 * place "sshd -T".
 */
void mfa_doctor_sshd_t_parse(struct doc_sshd_conf *sc, char *out);

/*
 * mfa_doctor_check_sk_keys - for a site with sk_keys=second-factor: ok when
 * sshd's PubkeyAuthOptions (as mfa_doctor_check_sshd read it) has
 * verify-required, else a warning that touch-only FIDO2 keys prove
 * possession only.
 */
void mfa_doctor_check_sk_keys(struct doctor *d);

/*
 * mfa_doctor_sshd_t_run - run prog -T (prog: sshd) with a clean
 * environment, its standard output into buf (bufsz bytes, NUL-terminated);
 * after timeout_ms (> 0) it and everything it started are killed.
 * *status gets its exit status, or -1 when it did not exit by itself.
 * Returns MFA_OK when it exited 0, MFA_ERR_NOENT when prog is not
 * executable, MFA_ERR_TOOBIG when its output filled buf, MFA_ERR_TIMEOUT,
 * else another error (MFA_ERR_EXEC for a non-zero exit).
 */
int mfa_doctor_sshd_t_run(const char *prog, unsigned int timeout_ms, char *buf,
    size_t bufsz, int *status);

/*
 * mfa_doctor_check_sshd - the sshd checks: settings from sshd -T on the
 * live system (sshd_config and its includes under --root, or when sshd -T
 * fails), then UsePAM, KbdInteractiveAuthentication,
 * PasswordAuthentication, AuthenticationMethods and PermitRootLogin.
 * Sets d->ssh_key_first.
 */
void mfa_doctor_check_sshd(struct doctor *d);

/* ---- doctor_pamd.c: a service's auth stack -------------------------- */

struct doc_pam_entry {
	char where[DOC_SHOWN_MAX + 16]; /* "/etc/pam.d/sshd line 3" */
	char control[DOC_VALUE_MAX];
	char module[DOC_VALUE_MAX]; /* base name: "pam_unix.so" */
	char args[1024];
};

/* The auth lines of one service, includes expanded, in order. */
struct doc_pam_stack {
	struct doc_pam_entry e[DOC_PAM_ENTRIES];
	size_t n;
	unsigned int files, too_deep;
};

/*
 * mfa_doctor_pam_token - the next token of a PAM line (cut in place): a
 * word or a whole "[...]" group (backslash escapes inside), or NULL.
 */
char *mfa_doctor_pam_token(char **p);

/*
 * mfa_doctor_pam_read - add the auth lines of the pam.d file shown (a
 * path as shown, e.g. "/etc/pam.d/sshd", read under DIR) to ps, following
 * "@include NAME" and "auth include|substack NAME" (8 deep, 256 files at
 * most).  An included file that cannot be read FAILs.
 */
void mfa_doctor_pam_read(
    struct doctor *d, struct doc_pam_stack *ps, const char *shown);

/*
 * mfa_doctor_check_pam_service - read /etc/pam.d/SERVICE and judge its
 * auth stack (mfa_doctor_stack_check); the configurations its pam_mfa
 * lines use go into t.
 */
void mfa_doctor_check_pam_service(
    struct doctor *d, const char *service, struct doc_targets *t);

/* ---- doctor_stack.c: judging an auth stack -------------------------- */

/*
 * mfa_doctor_stack_check - the checks of the auth stack ps of service:
 * pam_mfa present, once, after a password module, not skipped by a
 * success of a line before it (sufficient, success=done, a
 * [success=N] jump over it), required, with valid arguments; which kind
 * of stack it is.  A pam.d line reached from several services is judged
 * once (d->seen).  The configurations its pam_mfa lines use go into t.
 */
void mfa_doctor_stack_check(struct doctor *d, const struct doc_pam_stack *ps,
    const char *service, struct doc_targets *t);

/* ---- doctor_conf.c: pam_mfa.conf, state directory, programs --------- */

/*
 * mfa_doctor_targets_from - add what cfg points at (state directory,
 * mail and SMS programs) to t, each place once, DOC_TARGETS at most.
 */
void mfa_doctor_targets_from(
    struct doc_targets *t, const struct mfa_config *cfg);

/*
 * mfa_doctor_check_conf - the site's configuration shown (read under
 * DIR): parses, root's (DIR's owner's), not writable by others.  Keeps
 * its text in d->conf_buf for the pam_mfa lines; its targets go into t.
 */
void mfa_doctor_check_conf(
    struct doctor *d, const char *shown, struct doc_targets *t);

/*
 * mfa_doctor_check_state_dir - owner and mode of a state directory: a
 * check of the file backend (store_files.h), kept here rather than behind
 * store.h because it grades each finding (missing: warn; refused, wrong
 * owner or mode: fail) with its own advice, and works on a tree under
 * --root that no store is opened on.  Another backend brings its own
 * doctor checks (connection, TLS, schema).
 */
void mfa_doctor_check_state_dir(struct doctor *d, const char *dir);

/*
 * mfa_doctor_check_program - option's program prog exists and can be
 * run; consequence says what fails when it cannot.
 */
void mfa_doctor_check_program(struct doctor *d, const char *option,
    const char *prog, const char *consequence);

/* mfa_doctor_check_syslog - the syslog socket exists (and listens). */
void mfa_doctor_check_syslog(struct doctor *d);

/* ---- doctor_store.c: the configured store ---------------------------- */

/*
 * mfa_doctor_check_store - open the store cfg names (never creating it)
 * and say what mfa_store_probe says of it: ok with its description, FAIL
 * with the reason and the fix; a store that does not exist yet is a
 * warning (mfa-enroll store init creates it).  Only on the live system
 * (under --root the store is not this tree's) and when pam_mfa.conf
 * loads (the store it names is not known otherwise).
 */
void mfa_doctor_check_store(struct doctor *d, const struct mfa_config *cfg);

/* ---- doctor_users.c: the users the state knows ---------------------- */

/*
 * mfa_doctor_check_users - count the users of the state directory dir, as
 * the store lists them (mfa_store_list): enrolled, with failures, locked
 * out, records that do not parse (warned about one by one); with
 * d->verbose, one line per user.
 */
void mfa_doctor_check_users(struct doctor *d, const char *dir);

#endif /* MFA_ENROLL_DOCTOR_H */
