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
 */
#ifndef MFA_PAMH_H
#define MFA_PAMH_H

#include <check.h>
#include <stdint.h>

struct mfa_pamh_service {
	const char *name;     /* service name */
	const char *mfa_args; /* pam_mfa.so arguments ("" for none) */
	int no_password;      /* 1: no pam_matrix line before pam_mfa */
	int authinfo;         /* 1: tests/modules/putenv_authinfo.so first (sets
				 SSH_AUTH_INFO_0 from $MFA_TEST_AUTHINFO_FILE) */
	int set_items;        /* 1: pam_set_items.so first (PAM_RHOST etc. from
				 the environment) */
};

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

/* Set the test clock of the test build of the module (MFA_TEST_NOW). */
void mfa_pamh_set_time(int64_t t);

/* Remove everything in the state directory and the users' secret files. */
void mfa_pamh_reset(void);

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
