/*
 * store.h - the module's per-user state, behind one small interface.
 *
 * Today a store is a root-owned directory with one file per user
 * (DESIGN §2): "<dir>/<name>" holds the record, "<dir>/.<name>.lock" is
 * the lock file (record names never start with '.', see
 * mfa_store_filename, so lock and temporary files cannot clash with them)
 * (never replaced, so an open-file-description lock on it means something even
 * while the record is renamed over).  A shared store for a fleet can replace
 * this unit later without touching its callers.
 *
 * Every read-verify-write goes: mfa_store_begin (lock, then load) ...
 * change the record ... mfa_store_commit (atomic replace) ... mfa_store_end
 * (unlock).  The lock is never held while a person is typing.
 */
#ifndef MFA_STORE_H
#define MFA_STORE_H

#include <stddef.h>

#include "state.h"

struct mfa_store;
struct mfa_store_txn;

/*
 * mfa_store_open - open the state directory dir, creating it (mode 0700)
 * when create is set and it is missing.  It must be owned by the effective
 * uid (root in production) and not writable by group or others.
 * Returns MFA_OK with *out (close with mfa_store_close) or an error with a
 * reason for the log in why.
 */
int mfa_store_open(const char *dir, int create, struct mfa_store **out,
    char *why, size_t whysz);

/* mfa_store_close - release a store.  NULL is fine. */
void mfa_store_close(struct mfa_store *s);

/*
 * mfa_store_begin - lock user's record (waiting at most timeout_ms, then
 * MFA_ERR_LOCK_TIMEOUT) and load it into *st (an empty record when the user
 * has none yet).  A record that does not parse is an error (MFA_ERR_FORMAT,
 * the line and reason in why): the module fails closed and the admin can
 * inspect or reset it.  On success *txn holds the lock until mfa_store_end.
 */
int mfa_store_begin(struct mfa_store *s, const char *user,
    unsigned int timeout_ms, struct mfa_state *st, struct mfa_store_txn **txn,
    char *why, size_t whysz);

/*
 * mfa_store_commit - replace the record of an open transaction with *st,
 * atomically (the file is always the old or the new version).  Expired
 * entries are pruned at time now first.
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
 * mfa_store_remove - delete user's record (the admin's reset), under the
 * lock.  A missing record is fine.
 */
int mfa_store_remove(
    struct mfa_store *s, const char *user, unsigned int timeout_ms);

/*
 * mfa_store_filename - the file name of user's record: the name itself
 * when it is made only of A-Z a-z 0-9 '.' '_' '-' and does not start with
 * '.', otherwise a %XX escape for every other byte (and a leading '.'), so
 * different users never share a file and no name can leave the directory.
 * Returns MFA_OK or MFA_ERR_BUFSIZE / MFA_ERR_INVALID (empty name).
 */
int mfa_store_filename(const char *user, char *out, size_t outsz);

#endif /* MFA_STORE_H */
