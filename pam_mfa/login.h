/*
 * login.h - one login through pam_mfa: the context every unit of the
 * module works on.
 *
 * The entry points in pam_mfa.c only create a context, hand it to the flow
 * (policy.h) and free it.  Policy lives in policy.c and challenge.c; the
 * core units in common/ only parse, compute and store.  This unit calls
 * no other unit of the module but user.c, so every unit may include it.
 */
#ifndef MFA_LOGIN_H
#define MFA_LOGIN_H

#include <stdint.h>

#include <security/pam_modules.h>

#include "config.h"
#include "device.h"
#include "log.h"
#include "retcode.h"
#include "state.h"

struct mfa_secret;
struct mfa_store;
struct mfa_store_txn;
struct mfa_user;

struct mfa_login {
	pam_handle_t *pamh;
	int silent; /* PAM_SILENT: no info messages */
	struct mfa_config cfg;
	struct mfa_logger log;
	int64_t now;               /* the host's clock at the start; the
				      store's from each transaction on
				      (mfa_login_store_begin) */
	const char *username;      /* the account's name from the password
				      database (lg->user owns it); for an
				      unknown user, the name PAM gave */
	char user_clean[64];       /* for log lines */
	char service[64];          /* PAM_SERVICE, for log lines */
	char rhost[64];            /* PAM_RHOST, for log lines */
	struct mfa_user *user;     /* NULL for an unknown user */
	struct mfa_secret *secret; /* NULL when not enrolled */
	struct mfa_store *store;
	enum mfa_method method;             /* what decided, for the log line */
	char key_fp[MFA_DEVICE_FP_MAX + 1]; /* the FIDO2 key that did
					       (skkey.h), or "" */
	char auth_name[33]; /* the authenticator whose code was accepted
			       (secretfile.h), or "" */
	int drift; /* its clock's learnt offset, seconds (< 0: behind) */
	/* An HOTP token's resynchronisation in this login (challenge.c):
	 * a wrong code matched counter resync_next - 1 beyond the window. */
	int resync_armed;
	uint64_t resync_next;
	unsigned char resync_id[8];
	/* code_in_password (combined.h): the one answer, the code at its
	 * end, the length of the password before it, and whether the code
	 * was taken as the code prompt's answer. */
	char *combined;
	char combined_code[8];
	size_t combined_len;
	int code_taken;
	char device_fp[MFA_DEVICE_FP_MAX + 1]; /* the SSH key of the device
						  (trust.h), or "": for the
						  journal only */
	int unconfirmed_file; /* the secret file is an enrolment at login
				 that setcred never confirmed */
	int privs_lost;       /* root's identity not regained after acting
			       * as the user (vault_request.c): fail */
	int unpriv;           /* a caller without root's state (unpriv.c):
				 app codes only, nothing recorded */
	unsigned char unconfirmed_id[16]; /* that file's id */
	const void *instance; /* this stack line (its argv), handover.h */
	int factor_given;     /* another line succeeded in this call */
	const char *reason;   /* why it failed, for the log line */
	/* Where the login comes from, as deny= counts it (state.h). */
	char source[MFA_STATE_SOURCE_MAX + 1];
};

/*
 * mfa_login_begin - read the options (the config file, then the module
 * arguments), fix the time and the names the log line needs.  Returns
 * MFA_VERDICT_SUCCESS with *out, MFA_VERDICT_SERVICE_ERROR for a bad option
 * (logged), MFA_VERDICT_NO_MEMORY.  *out is set whenever it could be
 * allocated and must then be passed to mfa_login_end.
 */
enum mfa_verdict mfa_login_begin(pam_handle_t *pamh, int flags, int argc,
    const char **argv, struct mfa_login **out);

/*
 * mfa_login_account - look name (as typed, e.g. PAM_USER) up in the
 * password database and make the account's own spelling (pw_name) the
 * name everything is keyed by: lg->user, lg->username and lg->user_clean
 * are set; a spelling that differs from the database's is logged, both
 * names named.  For an unknown name lg->username and lg->user_clean are
 * the name as given and lg->user stays NULL.
 * Returns MFA_OK or the error of mfa_user_lookup (MFA_ERR_NOENT: unknown).
 */
int mfa_login_account(struct mfa_login *lg, const char *name);

/*
 * mfa_login_free - free a context without logging anything (setcred).
 * NULL is fine.
 */
void mfa_login_free(struct mfa_login *lg);

/*
 * mfa_login_store_begin - mfa_store_begin on lg->store for user, waiting
 * at most lock_timeout; on success lg->now becomes the store's clock
 * (mfa_clock_store), so that expiry and lock-out inside the transaction
 * go by the clock every host sharing the store agrees on.
 */
int mfa_login_store_begin(struct mfa_login *lg, const char *user,
    struct mfa_state *st, struct mfa_store_txn **txn, char *why, size_t whysz);

/*
 * mfa_login_end - write the one syslog line of the decision (user,
 * service, rhost, method, result, the fingerprint of a FIDO2 key that was
 * the second factor and, on failure, the reason; never a code or a
 * secret) and free everything.  NULL is fine.
 */
void mfa_login_end(struct mfa_login *lg, enum mfa_verdict v);

#endif /* MFA_LOGIN_H */
