/*
 * pamh.h - a harness for module tests through the real libpam.
 *
 * A test program calls mfa_pamh_main() from main().  The first time, it
 * writes a fixture directory (an nss_wrapper passwd and group file, a
 * pam_matrix password file, a pam.d directory with one service per entry
 * of the services table, home directories, a state directory) and re-runs
 * itself with pam_wrapper and nss_wrapper preloaded; the second time it
 * runs the Check suite.  Logins go through libpamtest with a conversation
 * that answers prompts from a list and records everything it is shown;
 * syslog lines are captured in memory.
 *
 * Users (all with the test's own uid, so no root is needed): alice, bob
 * and carol with password "secret", homes under DIR/home/.  carol is in
 * group "exempt"; alice and bob in "staff".
 *
 * The module's state is reached only through the store interface
 * (store.h), opened from the fixture's own configuration as the module
 * opens it, so that the suites run unchanged on any backend.  When the
 * environment variable MFA_TEST_STORE_CONF names a file, its lines are
 * appended to every pam_mfa.conf the suites write (README.md, "Building
 * and testing"): the same suites then run on the store it configures, and
 * the tests about the file store as such skip (mfa_pamh_files_only).
 */
#ifndef MFA_PAMH_H
#define MFA_PAMH_H

#include <check.h>
#include <stdint.h>
#include <sys/types.h>

#include <security/pam_appl.h>

#include "state.h"
#include "store.h"

struct mfa_pamh_service {
	const char *name;     /* service name */
	const char *mfa_args; /* pam_mfa.so arguments ("" for none) */
	int no_password;      /* 1: no pam_matrix line before pam_mfa */
	int authinfo;         /* 1: tests/modules/putenv_authinfo.so first (sets
				 SSH_AUTH_INFO_0 from $MFA_TEST_AUTHINFO_FILE) */
	int set_items;        /* 1: pam_set_items.so first (PAM_RHOST etc. from
				 the environment) */
};
/* In mfa_args, " | " starts a second pam_mfa.so line with the rest. */
#define MFA_PAMH_SECOND_LINE " | "

struct mfa_pamh_result {
	int rv;                 /* what pam_authenticate returned */
	char transcript[65536]; /* "I: text\n", "E: ...", "P: prompt" (echo
				  off), "Q: prompt" (echo on), in order */
	unsigned int nprompts;  /* questions asked */
};

/*
 * mfa_pamh_main - see above.  Returns main's exit status.
 */
int mfa_pamh_main(int argc, char **argv,
    const struct mfa_pamh_service *services, Suite *(*make_suite)(void));

/* The fixture directory (absolute). */
const char *mfa_pamh_dir(void);

/* The state directory the services are configured with: DIR/state. */
const char *mfa_pamh_state_dir(void);

/* The home directory of a fixture user. */
const char *mfa_pamh_home(const char *user);

/*
 * mfa_pamh_login - run pam_authenticate for user on service, answering
 * prompts in order from answers (NULL-terminated; running out is a
 * conversation error).  flags are passed to pam_authenticate.
 */
void mfa_pamh_login(const char *service, const char *user,
    const char *const *answers, int flags, struct mfa_pamh_result *r);

/*
 * mfa_pamh_setcred - pam_authenticate and then pam_setcred(PAM_ESTABLISH_CRED)
 * in one PAM transaction; r->rv is authenticate's result, *setcred_rv
 * setcred's (only called when authenticate succeeded).
 */
void mfa_pamh_login_setcred(const char *service, const char *user,
    const char *const *answers, struct mfa_pamh_result *r, int *setcred_rv);

/*
 * One PAM handle kept across calls, as util-linux login keeps it for its
 * retries: pam_start once, then any number of pam_authenticate and
 * pam_setcred calls, then pam_end.
 */
struct mfa_pamh_session;

/* mfa_pamh_open - pam_start(service, user); fails the test on error. */
struct mfa_pamh_session *mfa_pamh_open(const char *service, const char *user);

/*
 * mfa_pamh_auth - one pam_authenticate on the session's handle, answering
 * and recording as mfa_pamh_login does; r->rv is its result.
 */
void mfa_pamh_auth(struct mfa_pamh_session *s, const char *const *answers,
    struct mfa_pamh_result *r);

/* mfa_pamh_setcred - pam_setcred(PAM_ESTABLISH_CRED); its result. */
int mfa_pamh_setcred(struct mfa_pamh_session *s);

/* mfa_pamh_handle - the session's handle (pam_putenv, pam_getenv). */
pam_handle_t *mfa_pamh_handle(struct mfa_pamh_session *s);

/* mfa_pamh_close - pam_end(PAM_SUCCESS) and free.  NULL is fine. */
void mfa_pamh_close(struct mfa_pamh_session *s);

/*
 * mfa_pamh_set_answer_hook - answers that start with '@' are passed to
 * hook with the transcript so far, which returns the text to send (for
 * codes of a key the module has just shown).  NULL: sent as they are.
 */
void mfa_pamh_set_answer_hook(
    const char *(*hook)(const char *token, const char *transcript));

/* Set the test clock of the test build of the module (MFA_TEST_NOW). */
void mfa_pamh_set_time(int64_t t);

/*
 * Remove every user's record from the store (and everything in the state
 * directory) and the users' secret files.
 */
void mfa_pamh_reset(void);

/*
 * mfa_pamh_stuck_locker - a child process that holds user's record locked
 * (an open mfa_store_begin) until killed (SIGKILL, then waitpid): every
 * state update of user times out meanwhile.  Its pid.
 */
pid_t mfa_pamh_stuck_locker(const char *user);

/* ---- the store the services use ---- */

/* mfa_pamh_store_hooked - 1 when MFA_TEST_STORE_CONF names a file. */
int mfa_pamh_store_hooked(void);

/*
 * mfa_pamh_files_only - for a test about the file store as such (lock
 * files, the failure tally, renames, the state directory's mode): 1 to
 * run it; with MFA_TEST_STORE_CONF set, print "SKIP: what: ..." and
 * return 0 (the test then returns and passes).
 */
int mfa_pamh_files_only(const char *what);

/*
 * mfa_pamh_write_conf - write the fixture's pam_mfa.conf (mode 0600),
 * which every service reads first: text, then the lines of the file
 * MFA_TEST_STORE_CONF names, when set.
 */
void mfa_pamh_write_conf(const char *text);

/*
 * mfa_pamh_store_open - the store the services use, opened as the module
 * opens it (mfa_store_open_config with the options of DIR/pam_mfa.conf
 * and state_dir=DIR/state), created when missing.  Fails the test when it
 * cannot.  Close it with mfa_store_close.
 */
struct mfa_store *mfa_pamh_store_open(void);

/*
 * mfa_pamh_state_read - user's record as the module reads it, every
 * failure counted (mfa_store_read), into st: the empty record when there
 * is none.  Fails the test when it cannot be read.  st holds code hashes:
 * release it with mfa_state_wipe.
 */
void mfa_pamh_state_read(const char *user, struct mfa_state *st);

/*
 * mfa_pamh_state_text - user's record (mfa_pamh_state_read) in the text of
 * the state format (state.h), in a static buffer, so that tests can look
 * for its lines whatever the backend keeps.  "pam_mfa-state 1" and no
 * more for a user without a record.
 */
const char *mfa_pamh_state_text(const char *user);

/* mfa_pamh_state_has - 1 when the store lists a record of exactly user. */
int mfa_pamh_state_has(const char *user);

/*
 * mfa_pamh_state_put - make text (a record in the state format, without a
 * serial) user's record: parsed, then written in one transaction
 * (mfa_store_begin, mfa_store_commit), nothing of it pruned.  Fails the
 * test when text does not parse or the store refuses it.
 */
void mfa_pamh_state_put(const char *user, const char *text);

/* mfa_pamh_state_remove - remove user's record (the admin's reset). */
void mfa_pamh_state_remove(const char *user);

/*
 * mfa_pamh_write_secret - write user's ~/.pam_mfa with mode 0600 and the
 * given content.
 */
void mfa_pamh_write_secret(const char *user, const char *content);

/*
 * mfa_pamh_oath_code - the 6-digit TOTP code of base32 seed at unix time
 * t, computed by oathtool (an independent implementation), run without
 * the test's preloads.  Fails the test when oathtool does not answer.
 */
void mfa_pamh_oath_code(const char *seed, int64_t t, char out[16]);

/* The log lines captured since the last mfa_pamh_log_clear(). */
const char *mfa_pamh_log(void);
void mfa_pamh_log_clear(void);

/* How many times needle occurs in hay (without overlaps). */
int mfa_pamh_count(const char *hay, const char *needle);

/* Assertions on what was shown or logged, quoting the text on failure. */
#define MFA_CK_IN(text, s)                                                     \
	ck_assert_msg(strstr(text, s) != NULL, "expected [%s] in:\n%s", s, text)
#define MFA_CK_NOT_IN(text, s)                                                 \
	ck_assert_msg(                                                         \
	    strstr(text, s) == NULL, "unexpected [%s] in:\n%s", s, text)
#define ck_logged(s) MFA_CK_IN(mfa_pamh_log(), s)

#endif /* MFA_PAMH_H */
