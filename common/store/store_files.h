/*
 * store_files.h - the file backend of store.h: what only it knows.
 *
 * A file store is a root-owned directory with one file per user
 * (DESIGN §2): "<dir>/<name>" holds the record, "<dir>/.<name>.lock" is
 * the lock file (record names never start with '.', see
 * mfa_store_filename, so lock and temporary files cannot clash with them).
 * The lock file is never replaced or removed, so an open-file-description
 * lock on it means something even while the record is renamed over.
 * The record file has two slots and the failure tally (slots.h): a commit
 * that only raises failure counters is one pwrite of the sealed tally, no
 * flush (tally.h says what a power cut may cost); any other commit writes
 * the slot that is not current and flushes it with one fdatasync.  A new
 * record, one in the older layout (the record's text alone, its tally in
 * the lock file: still read, converted here) and one that outgrew its
 * slots are written as a new file instead, synced with its directory.
 * "<dir>/.<name>.new" is the temporary file of such a write; a writer
 * killed before its rename leaves it, and the next such write removes
 * it.  Callers open a store from the configuration (store_open.h); these
 * functions are for that unit, the doctor's look at a directory and tests.
 */
#ifndef MFA_STORE_FILES_H
#define MFA_STORE_FILES_H

#include <stddef.h>

#include "store.h"

/*
 * mfa_store_open - open the state directory dir, creating it (mode 0700)
 * when create is set and it is missing.  It must be owned by the effective
 * uid (root in production) and not writable by group or others.
 * Returns MFA_OK with *out (close with mfa_store_close) or an error with a
 * reason for the log in why.
 */
int mfa_store_open(const char *dir, int create, struct mfa_store **out,
    char *why, size_t whysz);

/*
 * mfa_store_open_inspect - open the directory dir (not a link) only to
 * list it (mfa_store_list) whoever owns it and whatever its mode or the
 * directories above it: the doctor judges those itself.  Records must
 * belong to the directory's owner.  Every transaction on it is refused
 * (MFA_ERR_READONLY).  Returns MFA_OK with *out, or an error with why.
 */
int mfa_store_open_inspect(
    const char *dir, struct mfa_store **out, char *why, size_t whysz);

/*
 * mfa_store_filename - the file name of user's record: the name itself
 * when it is made only of A-Z a-z 0-9 '.' '_' '-' and does not start with
 * '.', otherwise a %XX escape for every other byte (and a leading '.'), so
 * different users never share a file and no name can leave the directory.
 * Returns MFA_OK or MFA_ERR_BUFSIZE / MFA_ERR_INVALID (empty name).
 */
int mfa_store_filename(const char *user, char *out, size_t outsz);

/*
 * mfa_store_username - the user name of the record file name, undoing
 * mfa_store_filename: every %XX (two hex digits, not 00) becomes its byte,
 * anything else is kept as it is.  Truncated to fit outsz (> 0).
 */
void mfa_store_username(const char *file, char *out, size_t outsz);

/*
 * mfa_store_clear_tally - empty user's failure tally, under the lock, when
 * the record itself parses (the way out of a tally that does not parse,
 * without the full reset; mfa_store_unlock uses it).  A record that does
 * not parse is left, tally and all: its error and reason (in why) are
 * returned, as mfa_store_begin's.
 * Returns MFA_OK, MFA_ERR_LOCK_TIMEOUT, a parse error of the record or an
 * error mapped from errno.
 */
int mfa_store_clear_tally(struct mfa_store *s, const char *user,
    unsigned int timeout_ms, char *why, size_t whysz);

#endif /* MFA_STORE_FILES_H */
