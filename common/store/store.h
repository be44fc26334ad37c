/*
 * store.h - the module's per-user state, behind one small interface.
 *
 * Today a store is a root-owned directory with one file per user
 * (DESIGN §2): "<dir>/<name>" holds the record, "<dir>/.<name>.lock" is
 * the lock file (record names never start with '.', see
 * mfa_store_filename, so lock and temporary files cannot clash with them).
 * The lock file is never replaced or removed, so an open-file-description
 * lock on it means something even while the record is renamed over; it
 * also holds the failure tally (tally.h): the count of wrong answers since
 * the record was last written, which overrides the record's own while the
 * record's serial is the one it names.
 * "<dir>/.<name>.new" is the temporary file of a record being written; a
 * writer killed before its rename leaves it, and the next write removes
 * it.  A shared store for a fleet can replace this unit later without
 * touching its callers.
 *
 * Every read-verify-write goes: mfa_store_begin (lock, then load) ...
 * change the record ... mfa_store_commit (atomic replace, or the tally)
 * ... mfa_store_end (unlock).  The lock is never held while a person is
 * typing.
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
 * has none yet), with the counters of the tally in the lock file when it
 * holds one (tally.h: never fewer failures than the record says).  A record or
 * a tally that does not parse is an error (MFA_ERR_FORMAT, MFA_ERR_VERSION,
 * MFA_ERR_RANGE... with the file, line and reason in why): the module fails
 * closed and the admin can inspect or reset it.  On success *txn holds the lock
 * until mfa_store_end.
 */
int mfa_store_begin(struct mfa_store *s, const char *user,
    unsigned int timeout_ms, struct mfa_state *st, struct mfa_store_txn **txn,
    char *why, size_t whysz);

/*
 * mfa_store_commit - save *st as the record of an open transaction.
 * When it differs from the record as loaded (or as last committed in this
 * transaction) only in failure counters that went up (mfa_tally_only_change),
 * the counters are written as the tally in the lock file: one pwrite, no fsync
 * (tally.h says what a power cut may cost).  Otherwise expired entries are
 * pruned at time now, its serial goes up by one (a new record gets a random
 * one) so that the tally on disk becomes stale, and the record replaces the
 * file atomically and durably (fsync of the file and the directory), after
 * which the tally is emptied. Whenever the writer dies, the next
 * mfa_store_begin reads the old version or the new one, never a mix. Returns
 * MFA_OK, or MFA_ERR_INVALID (a record the format cannot hold),
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
 * mfa_store_remove - empty user's tally and delete the record and any
 * temporary file a killed writer left (the admin's reset), under the lock.
 * A missing record is fine.
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

/*
 * mfa_store_clear_tally - empty user's failure tally, under the lock, when
 * the record itself parses (the admin's unlock, which clears the failure
 * count anyway: also the way out of a tally that does not parse, without
 * the full reset).  A record that does not parse is left, tally and all:
 * its error and reason (in why) are returned, as mfa_store_begin's.
 * Returns MFA_OK, MFA_ERR_LOCK_TIMEOUT, a parse error of the record or an
 * error mapped from errno.
 */
int mfa_store_clear_tally(struct mfa_store *s, const char *user,
    unsigned int timeout_ms, char *why, size_t whysz);

#endif /* MFA_STORE_H */
