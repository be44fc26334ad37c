/*
 * cli.h - what every command of mfa-enroll shares: the run context (the
 * site's options, the user acted for), exit statuses, small option helpers
 * and prompts that never hang.
 *
 * mfa-enroll runs without any privilege of its own (no setuid bit): as the
 * user, it manages the user's own enrolment file; as root with --user, it
 * is the admin's tool and switches its effective ids to the user for every
 * file operation in the user's home (see userfile.h).
 */
#ifndef MFA_ENROLL_CLI_H
#define MFA_ENROLL_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "log.h"
#include "state.h"
#include "store.h"

/* Exit statuses, documented in --help and mfa-enroll(1). */
enum mfa_exit {
	MFA_EXIT_OK = 0,    /* success */
	MFA_EXIT_FAIL = 1,  /* the operation failed */
	MFA_EXIT_USAGE = 2, /* bad usage, or not root for a root command */
	MFA_EXIT_NOT_ENROLLED = 3 /* the command needs an enrolment */
};

/* Longest line read as an answer to a prompt. */
#define MFA_CLI_ANSWER_MAX 256

/*
 * The run context.  Built by main once the global options are parsed and
 * released with mfa_cli_free.
 */
struct mfa_cli {
	struct mfa_config cfg;
	struct mfa_logger log; /* pamh NULL: "mfa-enroll: ..." on stderr */
	char *user;            /* the user acted for (from the passwd db) */
	char *home;            /* their home directory (never $HOME) */
	uid_t uid;             /* their ids */
	gid_t gid;
	gid_t *groups; /* their supplementary groups (only with --user) */
	int ngroups;
	gid_t *own_groups; /* our own groups, restored after a switch */
	int own_ngroups;
	int admin;      /* root acting with --user: switch ids for files */
	int is_root;    /* the effective uid is 0 */
	int stdin_tty;  /* answers come from a terminal */
	int stdout_tty; /* output goes to a terminal */

	/* doctor: pam_mfa.conf did not load, cfg holds the defaults */
	int conf_unloaded;
};

/*
 * mfa_cli_free - release what c owns (options, names, groups).  c itself
 * is the caller's.  Calling it twice is fine.
 */
void mfa_cli_free(struct mfa_cli *c);

/*
 * mfa_cli_load_groups - fill c->groups with the supplementary groups of
 * c->user (c->gid first) and c->own_groups with our own, for the switches
 * of userfile.c.  Returns MFA_OK, MFA_ERR_NOMEM or MFA_ERR_SYSTEM.
 */
int mfa_cli_load_groups(struct mfa_cli *c);

/*
 * mfa_cli_err - print "mfa-enroll: MESSAGE" on standard error.  Never give
 * it a secret.
 */
void mfa_cli_err(const struct mfa_cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * mfa_cli_now - the current time, unix seconds.
 */
int64_t mfa_cli_now(void);

/*
 * mfa_cli_ask - show prompt (on the terminal, or on standard error when
 * output is not a terminal) and read one line of answer from standard
 * input into buf (bufsz bytes), without its line end.  When standard input
 * is not a terminal the line is read all the same, so scripts can pipe
 * answers in; at end of input the caller is told to fail, and the message
 * printed names flag (e.g. "--code CODE"), the way to answer without a
 * prompt.  An over-long line is consumed and refused.  buf may receive a
 * secret: the caller wipes it.
 * Returns MFA_OK, MFA_ERR_NOENT (end of input), MFA_ERR_TOOBIG or
 * MFA_ERR_SYSTEM.
 */
int mfa_cli_ask(const struct mfa_cli *c, const char *prompt, const char *flag,
    char *buf, size_t bufsz);

/*
 * mfa_cli_confirm - ask the user to type "yes" to go on (question is shown
 * first), unless yes is already set by --yes.
 * Returns 1 to go on, 0 when the answer is anything else or there is no
 * answer (a message says so, naming --yes).
 */
int mfa_cli_confirm(const struct mfa_cli *c, const char *question, int yes);

/*
 * mfa_cli_want_help - 1 when argv[1..argc-1] asks for --help or -h (only
 * before a "--"), else 0.
 */
int mfa_cli_want_help(int argc, char **argv);

/*
 * mfa_cli_hostname - the machine's name users see (mfa_host_name,
 * hostname.h: the same as in the emails and the enrolment at login).
 */
void mfa_cli_hostname(char *out, size_t outsz);

/*
 * mfa_cli_printable - text (a user name as a store lists it) for showing,
 * never for use as a name: every byte outside printable ASCII becomes '?',
 * cut to fit outsz (> 0) bytes.
 */
void mfa_cli_printable(const char *text, char *out, size_t outsz);

/*
 * mfa_cli_time - t as "YYYY-MM-DD HH:MM UTC" in out (or "never" for 0).
 */
void mfa_cli_time(int64_t t, char *out, size_t outsz);

/*
 * A read-verify-write of the module state of the user acted for: the store
 * is open and the record locked and loaded in st from mfa_cli_state_begin
 * to mfa_cli_state_end.
 */
struct mfa_cli_state {
	struct mfa_store *store;
	struct mfa_store_txn *txn;
	struct mfa_state st;
};

/*
 * mfa_cli_state_begin - open the configured store (mfa_store_open_config,
 * creating it when create is set), then lock and load c->user's record into
 * cs->st (waiting at most c->cfg.lock_timeout).  Change cs->st and write it
 * with mfa_store_commit(cs->txn, &cs->st, now).  Whatever the result, call
 * mfa_cli_state_end(cs) afterwards.
 * Returns MFA_OK, MFA_ERR_NOENT (no store yet and create not set: nothing
 * recorded yet) or another error; why (whysz bytes) gets the store's reason
 * when it has one, and is left alone otherwise.
 */
int mfa_cli_state_begin(const struct mfa_cli *c, int create,
    struct mfa_cli_state *cs, char *why, size_t whysz);

/*
 * mfa_cli_state_end - unlock, close and wipe what mfa_cli_state_begin
 * opened (the record holds code hashes).  Calling it twice is fine.
 */
void mfa_cli_state_end(struct mfa_cli_state *cs);

#endif /* MFA_ENROLL_CLI_H */
