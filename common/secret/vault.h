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
 * (mfa_vault_promote).  Callers hand over the open store (store.h), and
 * do not care which backend holds the vault: a store that holds it itself
 * (mfa_store_has_vault: PostgreSQL, a table keyed by (user, slot) with the
 * record text as a column, shared by every host of the database) gets the
 * record's text through mfa_store_vault_*; this unit parses and
 * serializes it.
 *
 * The file store (which holds no vault itself: common/store may not
 * include this folder) keeps them below the state directory, owned by the
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
#include "store.h"

/* The directory of the vault below the state directory. */
#define MFA_VAULT_DIR ".vault"
/* The directory of pending enrolments below the vault's. */
#define MFA_VAULT_PENDING_DIR ".pending"

enum mfa_vault_slot {
	/* the enrolment logins check */
	MFA_VAULT_CURRENT = MFA_STORE_VAULT_CURRENT,
	/* made during a login, waiting for setcred */
	MFA_VAULT_PENDING = MFA_STORE_VAULT_PENDING,
};

/*
 * Where the vault is: the open store (never NULL: a vault without it is
 * refused, MFA_ERR_INVALID, so that no host falls back to files of its
 * own when the store is shared), the state directory that holds the
 * file store's vault, and the lock wait.
 */
struct mfa_vault {
	struct mfa_store *store;   /* the configured store, open */
	const char *state_dir;     /* state_dir= (absolute) */
	unsigned int lock_timeout; /* ms (lock_timeout=) */
};

/*
 * mfa_vault_path - the file of user's record in slot in the file store:
 * "<state_dir>/.vault/NAME" or "<state_dir>/.vault/.pending/NAME".  *path is
 * the caller's (free()).  Returns MFA_OK, MFA_ERR_INVALID (empty or unusable
 * name), MFA_ERR_TOOBIG or MFA_ERR_NOMEM.
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
 * then exactly one line, '\n'-terminated, naming what is asked for:
 *   authenticator        a new key in place of the current one
 *   backup-codes         a new set of backup codes
 *   add                  another authenticator, named app2, app3...
 *   add NAME             another authenticator called NAME
 *   remove NAME          remove the authenticator called NAME
 * NAME as secretfile.h (mfa_secret_name_check), one space before it.
 */
#define MFA_VAULT_REQUEST_NAME ".pam_mfa-request"
#define MFA_VAULT_REQUEST_HEADER "pam_mfa-request 1\n"
#define MFA_VAULT_REQUEST_MAX 256

enum mfa_vault_request {
	MFA_VAULT_REQUEST_NONE,
	MFA_VAULT_REQUEST_APP,    /* "authenticator": a new key (and codes) */
	MFA_VAULT_REQUEST_BACKUP, /* "backup-codes": a new set of codes */
	MFA_VAULT_REQUEST_ADD,    /* "add [NAME]": another authenticator */
	MFA_VAULT_REQUEST_REMOVE, /* "remove NAME": one authenticator less */
};

/* One request: what, and the authenticator's name ("" for none). */
struct mfa_vault_req {
	enum mfa_vault_request kind;
	char name[MFA_SECRET_NAME_MAX + 1];
};

/*
 * mfa_vault_request_parse - the request in the len bytes of buf (a file
 * the user wrote: hostile).  Returns MFA_OK with *out, or MFA_ERR_FORMAT
 * (out->kind NONE, no name).
 */
int mfa_vault_request_parse(
    const char *buf, size_t len, struct mfa_vault_req *out);

/*
 * mfa_vault_request_format - the file text of *r into out (outsz bytes,
 * NUL-terminated).  Returns MFA_OK, MFA_ERR_FORMAT (kind NONE, a name
 * that does not pass mfa_secret_name_check, none for REMOVE, one for APP
 * or BACKUP) or MFA_ERR_TOOBIG.
 */
int mfa_vault_request_format(
    const struct mfa_vault_req *r, char *out, size_t outsz);

#endif /* MFA_VAULT_H */
