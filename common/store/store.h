/*
 * store.h - the module's per-user state, behind one interface.
 *
 * A store holds one record (struct mfa_state, state.h) per user name, and
 * is opened from the site's configuration (mfa_store_open_config,
 * store_open.h), which picks the backend: the file backend
 * (store_files.h, DESIGN §2) or a plug-in (store_backend.h).  Nothing here
 * depends on how a backend keeps the records: callers (the module, mfa-enroll)
 * only use the functions below.  What every backend guarantees:
 *
 * - Every read-verify-write goes: mfa_store_begin (the user's record,
 *   locked against every other writer of that user) ... change the
 *   record ... mfa_store_commit ... mfa_store_end (unlock).  Two
 *   transactions on one user never interleave, so a code is accepted at
 *   most once and a failure is never lost.  The lock is never held while
 *   a person is typing.
 * - A commit is all or nothing: a reader sees the old record or the new
 *   one.  A change that only raises failure counters may be kept more
 *   cheaply than a full write (a power cut may then cost the last few
 *   failures, never a used code or a lock-out); every other change is
 *   durable when commit returns MFA_OK.
 * - A record that cannot be read or does not parse is an error, never an
 *   empty record: the module fails closed and the admin resets it.
 */
#ifndef MFA_STORE_H
#define MFA_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

struct mfa_logger;
struct mfa_store;
struct mfa_store_txn;

/* mfa_store_close - release a store.  NULL is fine. */
void mfa_store_close(struct mfa_store *s);

/*
 * mfa_store_set_logger - send the lines a backend logs of its own accord
 * (not errors, which come back in why: a connection made again after the
 * server dropped it, at LOG_INFO) to lg (mfa_log), which must outlive s;
 * NULL drops them, as before the first call.
 */
void mfa_store_set_logger(struct mfa_store *s, const struct mfa_logger *lg);

/*
 * mfa_store_begin - lock user's record (waiting at most timeout_ms, then
 * MFA_ERR_LOCK_TIMEOUT) and load it into *st (an empty record when the user
 * has none yet), with every failure counted so far.  A record that does not
 * parse is an error (MFA_ERR_FORMAT, MFA_ERR_VERSION, MFA_ERR_RANGE... with
 * where and why in why): the module fails closed and the admin can inspect,
 * unlock or reset it.  On success *txn holds the lock until mfa_store_end.
 */
int mfa_store_begin(struct mfa_store *s, const char *user,
    unsigned int timeout_ms, struct mfa_state *st, struct mfa_store_txn **txn,
    char *why, size_t whysz);

/*
 * mfa_store_commit - save *st as the record of an open transaction.
 * When it differs from the record as loaded (or as last committed in this
 * transaction) only in failure counters that went up (the account's and
 * each address's failures and last failure, see mfa_tally_only_change),
 * the backend may keep just the counters, cheaply and not durably.
 * Otherwise expired entries are pruned at time now, its serial goes up by
 * one (a new record gets a random one), and the record is replaced
 * atomically and durably.  Whenever the writer dies, the next
 * mfa_store_begin reads the old version or the new one, never a mix. Returns
 * MFA_OK, or MFA_ERR_INVALID (a record the backend cannot hold),
 * MFA_ERR_NOSPACE, MFA_ERR_READONLY, MFA_ERR_SYSTEM...: what a reader sees is
 * then the old version (*st, pruned and with its serial bumped, is for the
 * caller to discard).
 */
int mfa_store_commit(
    struct mfa_store_txn *txn, struct mfa_state *st, int64_t now);

/* mfa_store_end - unlock and free a transaction.  NULL is fine. */
void mfa_store_end(struct mfa_store_txn *txn);

/*
 * mfa_store_read - begin + end: a consistent snapshot of user's record.
 */
int mfa_store_read(struct mfa_store *s, const char *user,
    unsigned int timeout_ms, struct mfa_state *st, char *why, size_t whysz);

/*
 * mfa_store_remove - delete user's record, its failure counts and whatever
 * a killed writer left of it (the admin's reset), under the lock.  A
 * missing record is fine.
 */
int mfa_store_remove(
    struct mfa_store *s, const char *user, unsigned int timeout_ms);

/*
 * mfa_store_unlock - the admin's unlock of user, under the lock: the
 * failures and every lock-out (everywhere and per address) are cleared
 * (mfa_state_unlock) and the record is committed at time now; *failures
 * gets the failure count it had.  Failure counts that do not parse are
 * dropped (*dropped set), since unlock clears them anyway; a record that
 * does not parse is left as it is and its error (with why) is the result:
 * it needs mfa_store_remove.  Returns MFA_OK, MFA_ERR_LOCK_TIMEOUT, a parse
 * error or an error of mfa_store_commit.
 */
int mfa_store_unlock(struct mfa_store *s, const char *user,
    unsigned int timeout_ms, int64_t now, unsigned int *failures, int *dropped,
    char *why, size_t whysz);

/*
 * One user the store has a record of, as mfa_store_list hands it over.
 * user is the name as the module looked it up (a backend that cannot give
 * it back exactly gives its best reading: never use it to log in).  With
 * rc MFA_OK, st is the record with every failure counted (read without
 * the lock: a snapshot, for reports).  Otherwise it could not be read:
 * part names what ("state", or the part holding the failure counts),
 * needs_reset says which admin command brings the user back
 * (mfa_store_remove when set, else mfa_store_unlock), and line (0 when
 * none) and why say where and what did not parse; why is empty when the
 * record could not be read at all (rc says why: MFA_ERR_UNSAFE...).
 */
struct mfa_store_entry {
	const char *user;
	int rc;
	const struct mfa_state *st;
	const char *part;
	int needs_reset;
	unsigned int line;
	const char *why;
};

/* Called once per user by mfa_store_list; non-zero stops the listing. */
typedef int (*mfa_store_visit)(void *arg, const struct mfa_store_entry *e);

/*
 * mfa_store_list - call visit(arg, entry) for every user that has a record,
 * sorted by the backend's key (byte order of the file names for files), so
 * that reports are stable.  A record that cannot be read is handed over
 * with its error, never skipped.  Writes nothing and takes no lock.
 * Returns MFA_OK, what visit returned when non-zero, or an error of the
 * store itself (MFA_ERR_NOMEM, MFA_ERR_SYSTEM...) with why.
 */
int mfa_store_list(struct mfa_store *s, mfa_store_visit visit, void *arg,
    char *why, size_t whysz);

/*
 * mfa_store_now - the time that expiry and lock-out of an open
 * transaction go by: the store's clock where the store is shared by many
 * hosts (the database server's, read when the transaction began), else
 * host_now.
 */
int64_t mfa_store_now(struct mfa_store_txn *txn, int64_t host_now);

/*
 * mfa_store_probe - one line about the store for the admin (doctor):
 * the backend, where it is and, for a server, its version, TLS, schema
 * version and round-trip time.  Returns MFA_OK, or the error that makes
 * the store unusable with the reason in info.  A store that works but is
 * set up in a way the admin should fix adds a newline and one line of
 * advice after the first line (the result stays MFA_OK).
 */
int mfa_store_probe(struct mfa_store *s, char *info, size_t infosz);

/*
 * mfa_store_setup - create or upgrade what the store needs to hold
 * records (a database schema; nothing for files), idempotent.  Returns
 * MFA_OK or an error with why.
 */
int mfa_store_setup(struct mfa_store *s, char *why, size_t whysz);

/* mfa_store_backend - the backend's name ("files", "postgresql"). */
const char *mfa_store_backend(const struct mfa_store *s);

/*
 * The vault (secrets = vault, vault.h): root's copy of each user's
 * enrolment record, as text the store keeps without reading it, in one of
 * two slots: CURRENT (what logins check) and PENDING (a renewal made
 * during a login, waiting for pam_sm_setcred).  A backend that holds the
 * vault itself (a database shared by hosts) provides the three functions
 * below; the file backend does not (mfa_store_has_vault 0): its vault is
 * the files common/secret/vault.c keeps below the state directory, with
 * the same contract.
 */
enum mfa_store_vault_slot {
	MFA_STORE_VAULT_CURRENT,
	MFA_STORE_VAULT_PENDING,
};

/* What mfa_store_vault_write does (as enum mfa_secret_write_op). */
enum mfa_store_vault_op {
	MFA_STORE_VAULT_CLEAR,   /* only check that the vault can be written */
	MFA_STORE_VAULT_REPLACE, /* write, over a record if any */
	MFA_STORE_VAULT_NEW,     /* write only where there is none */
	MFA_STORE_VAULT_REMOVE,  /* remove the record */
};

/* The length of a vault record's id (the enrolment's id, 16 bytes). */
#define MFA_STORE_VAULT_ID_LEN 16

/* mfa_store_has_vault - 1 when s holds the vault itself, else 0. */
int mfa_store_has_vault(const struct mfa_store *s);

/*
 * mfa_store_vault_load - user's record in slot: MFA_OK with *text (NUL
 * terminated, *len bytes; the caller wipes and frees it with
 * mfa_freezero(*text, *len + 1)), MFA_ERR_NOENT when there is none, or an
 * error with why (never the record's content).  MFA_ERR_INVALID when s
 * does not hold the vault.
 */
int mfa_store_vault_load(struct mfa_store *s, const char *user,
    enum mfa_store_vault_slot slot, char **text, size_t *len, char *why,
    size_t whysz);

/*
 * mfa_store_vault_write - op on user's record in slot, under user's lock
 * (the one of mfa_store_begin, waiting at most timeout_ms): REPLACE and
 * NEW store the len bytes of text with its id (NEW: MFA_ERR_DENIED when a
 * record is there), REMOVE deletes it (MFA_ERR_NOENT when there is none),
 * CLEAR only checks.  Durable when it returns MFA_OK; otherwise the old
 * record stays, with why.
 */
int mfa_store_vault_write(struct mfa_store *s, const char *user,
    enum mfa_store_vault_slot slot, enum mfa_store_vault_op op,
    const unsigned char *id, const char *text, size_t len,
    unsigned int timeout_ms, char *why, size_t whysz);

/*
 * mfa_store_vault_promote - under user's lock, all or nothing: when the
 * PENDING record has id, it becomes the CURRENT one and the PENDING slot
 * is emptied.  Returns MFA_OK, MFA_ERR_NOENT (nothing pending),
 * MFA_ERR_MISMATCH (a pending record with another id: left alone) or an
 * error with why (nothing changed).
 */
int mfa_store_vault_promote(struct mfa_store *s, const char *user,
    const unsigned char *id, unsigned int timeout_ms, char *why, size_t whysz);

#endif /* MFA_STORE_H */
