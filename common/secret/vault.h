/*
 * vault.h - enrolments held by root (secrets = vault): the user's enrolment
 * record (the format of ~/.pam_mfa: key, parameters, backup-code hashes,
 * addresses, id) kept where no process running as the user can read or
 * replace it.
 *
 * This is the whole interface a store gives the vault: load, write and
 * remove one user's record in one of two slots.  The current slot is the
 * enrolment logins check; the pending slot holds an enrolment made during a
 * login (a self-service re-enrolment, a new set of backup codes) until
 * pam_sm_setcred has seen the whole stack succeed and moves it over
 * (mfa_vault_promote).  A database backend provides the same functions on
 * a table keyed by (user, slot), with the record text as a column.
 *
 * The file store keeps them below the state directory, owned by the
 * effective uid (root in production, as the state store), mode 0600 in
 * directories of mode 0700:
 *   <state_dir>/.vault/NAME            the current enrolment
 *   <state_dir>/.vault/.pending/NAME   a pending one
 * NAME is mfa_store_filename's escape of the account name (never starts
 * with '.', never leaves the directory).  ".vault" starts with '.', so it
 * cannot be a user's state record.  Writes go through secret_write.h (the
 * lock ".NAME.lock", the temporary ".NAME.new", atomic replace), reads
 * through secret_io.h (every directory and the file owned by the effective
 * uid or root, no group or other bits, one link, bounded size).
 */
#ifndef MFA_VAULT_H
#define MFA_VAULT_H

#include <stddef.h>

#include "secret_write.h"
#include "secretfile.h"

/* The directory of the vault below the state directory. */
#define MFA_VAULT_DIR ".vault"
/* The directory of pending enrolments below the vault's. */
#define MFA_VAULT_PENDING_DIR ".pending"

enum mfa_vault_slot {
	MFA_VAULT_CURRENT, /* the enrolment logins check */
	MFA_VAULT_PENDING, /* made during a login, waiting for setcred */
};

/* Where the vault is: the store's location and its lock wait. */
struct mfa_vault {
	const char *state_dir;     /* state_dir= (absolute) */
	unsigned int lock_timeout; /* ms (lock_timeout=) */
};

/*
 * mfa_vault_path - the file of user's record in slot: "<state_dir>/.vault/
 * NAME" or "<state_dir>/.vault/.pending/NAME".  *path is the caller's
 * (free()).  Returns MFA_OK, MFA_ERR_INVALID (empty or unusable name),
 * MFA_ERR_TOOBIG or MFA_ERR_NOMEM.
 */
int mfa_vault_path(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, char **path);

/*
 * mfa_vault_load - read and parse user's record in slot (see above for the
 * checks).  Returns MFA_OK with *out (release with mfa_secret_free),
 * MFA_ERR_NOENT when there is none (nor a vault), or another error with
 * *out NULL; why (whysz bytes, may be NULL when 0) gets a reason for the
 * log that names the file and never its content.
 */
int mfa_vault_load(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, struct mfa_secret **out, char *why, size_t whysz);

/*
 * mfa_vault_write - op (secret_write.h) on user's record in slot, with s
 * serialized for REPLACE and NEW (s may be NULL for CLEAR and REMOVE).
 * The state directory, the vault and its pending directory are created
 * (0700) when missing, except for REMOVE.  The text is wiped.
 * Returns the results of mfa_secret_write (MFA_ERR_NOENT: REMOVE found
 * nothing), with a reason in why.
 */
int mfa_vault_write(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, enum mfa_secret_write_op op,
    const struct mfa_secret *s, char *why, size_t whysz);

/*
 * mfa_vault_promote - make user's pending record the current one and
 * remove it from the pending slot; id[16] is the id the caller confirmed:
 * a pending record with another id is left alone (MFA_ERR_MISMATCH).
 * The current record is replaced atomically; a failure leaves it as it
 * was.  Returns MFA_OK, MFA_ERR_NOENT (nothing pending) or an error with
 * why.
 */
int mfa_vault_promote(const struct mfa_vault *v, const char *user,
    const unsigned char id[16], char *why, size_t whysz);

/*
 * Self-service in vault mode: the user cannot write the vault, so
 * mfa-enroll, run by the user, leaves a request in the home
 * (MFA_VAULT_REQUEST_NAME, mode 0600, the user's); the next login that has
 * verified the current factor (an app or a backup code) honours it.  A
 * request grants nothing by itself.  Its text is MFA_VAULT_REQUEST_HEADER
 * then one line naming what is asked for.
 */
#define MFA_VAULT_REQUEST_NAME ".pam_mfa-request"
#define MFA_VAULT_REQUEST_HEADER "pam_mfa-request 1\n"
#define MFA_VAULT_REQUEST_MAX 256

enum mfa_vault_request {
	MFA_VAULT_REQUEST_NONE,
	MFA_VAULT_REQUEST_APP,    /* "authenticator": a new key (and codes) */
	MFA_VAULT_REQUEST_BACKUP, /* "backup-codes": a new set of codes */
};

/*
 * mfa_vault_request_parse - the request in the len bytes of buf (a file
 * the user wrote: hostile).  Returns MFA_OK with *out, or MFA_ERR_FORMAT
 * (*out NONE).
 */
int mfa_vault_request_parse(
    const char *buf, size_t len, enum mfa_vault_request *out);

/*
 * mfa_vault_request_text - the file text of request r (APP or BACKUP), a
 * static string; NULL for NONE.
 */
const char *mfa_vault_request_text(enum mfa_vault_request r);

#endif /* MFA_VAULT_H */
