/*
 * tally.h - the failure tally: the count of wrong answers kept beside the
 * state record, so that a wrong code costs no durable file replacement.
 *
 * Every answer is one locked read-verify-write of the user's state.  A
 * right answer changes what protects the account (the replay floor, used
 * backup codes, the enrolled mark) and is written durably: one slot of
 * the record file and one fdatasync (slots.h).  A wrong answer only counts: it
 * changes counters and nothing else, unless it starts or ends a lock-out.
 * Such an update is written as one fixed-size record over the previous one
 * at the end of the user's record file (slots.h; in the lock file for a
 * record of the older layout or none), without fsync, like pam_faillock's
 * tally (one line; version 2, below, is 352 bytes and '\n', and the
 * sealed version 3 that is written adds its SHA-256):
 *
 *   pam_mfa-tally 2 serial 00000000000000000042 failures 0000000003
 *   last-failure 0000000001764028800 sources 0000000002
 *   0000000001764028790 0000000001 0000000001764028800 0000000000
 *   0000000000000000000 ... (MFA_STATE_MAX_SOURCES pairs in all)
 *
 * (serial: 20 digits, failures: 10, times: 19, zero-padded, so every
 * record has the same length and one pwrite replaces it whole; it fits
 * in one 512-byte sector).  failures and last-failure are the account's;
 * pair i counts the failures and the last failure of the record's source
 * line i, and the pairs past the record's sources are zero.  The sources
 * themselves (their names, their lock-outs) are in the record only: a
 * wrong answer from a source the record does not list yet, or one that
 * pushes another out, changes the record and takes the durable path, as
 * does anything that lowers a count (a success, an unlock).  So a tally
 * only ever adds to the record it names, and a reader takes, counter by
 * counter, the larger of the two: an old or damaged-but-parsable tally
 * never reads as fewer failures than the record says.
 * Version 1 (97 bytes: the account's three fields, no "sources") is still
 * read; it is written over by version 2.
 * serial is that of the state record the tally was counted on top of
 * (state.h): a durable write bumps the record's serial, so a tally left
 * from before it (the writer was killed between its rename and emptying
 * the lock file) no longer matches and is ignored.  Whatever instant a
 * writer dies at, a reader sees the old version or the new one.  An empty
 * lock file means "no tally".
 *
 * What this costs: a power cut (not a crash of the process: the page cache
 * survives that) may forget the wrong answers of the last few seconds
 * before it.  A lock-out is never forgotten, because starting or ending
 * one changes locked_until and so always takes the durable path.
 *
 * Buffers and records only: no I/O, no clock.
 */
#ifndef MFA_TALLY_H
#define MFA_TALLY_H

#include <stddef.h>

#include "state.h"
#include "text.h"

/* The length of a record, its '\n' included: version 2, version 1. */
#define MFA_TALLY_LEN 353
#define MFA_TALLY_V1_LEN 97
/*
 * Version 3, the sealed record: version 2's fields with "3" for "2", and
 * " sha256 " and the SHA-256 (64 hex digits) of the bytes before it
 * inserted before the '\n'.  Every tally written now is sealed, so that
 * a torn, cut or flipped one is refused rather than read as fewer
 * failures; versions 1 and 2 are still read from the lock files of
 * records in the older layout (store_files.h).
 */
#define MFA_TALLY_SEALED_LEN (MFA_TALLY_LEN + 8 + 64)

/*
 * mfa_tally_format - the version 2 record of st's serial and counters
 * into out (at least MFA_TALLY_LEN + 1 bytes: the record and a NUL).
 * Returns MFA_OK, or MFA_ERR_INVALID for NULL arguments, a small outsz,
 * a negative last failure or more than MFA_STATE_MAX_SOURCES sources.
 */
int mfa_tally_format(const struct mfa_state *st, char *out, size_t outsz);

/*
 * mfa_tally_apply - parse the len bytes at buf (a lock file's content, not
 * NUL-terminated) and, when they are one valid record (version 2, or 1)
 * whose serial is st->serial, raise st's counters to the record's: each of
 * failures and last_failure, the account's and those of source i, becomes
 * the larger of the two.
 * len 0 (no record) and a record of another serial (stale) leave st alone.
 * Anything else (another length, a torn or edited record, a value out of
 * range, a count for a source st does not have) is refused with the
 * reason in err (may be NULL; line is 1), and st is left alone.
 * Returns MFA_OK, MFA_ERR_INVALID (NULL st, or NULL buf with len > 0),
 * MFA_ERR_VERSION, MFA_ERR_RANGE or MFA_ERR_FORMAT.
 */
int mfa_tally_apply(const char *buf, size_t len, struct mfa_state *st,
    struct mfa_parse_error *err);

/*
 * mfa_tally_format_sealed - the version 3 record of st into out (at least
 * MFA_TALLY_SEALED_LEN + 1 bytes).  Same results as mfa_tally_format,
 * and MFA_ERR_CRYPTO.
 */
int mfa_tally_format_sealed(
    const struct mfa_state *st, char *out, size_t outsz);

/*
 * mfa_tally_apply_sealed - mfa_tally_apply for a version 3 record only:
 * exactly MFA_TALLY_SEALED_LEN bytes whose checksum matches (len 0 is
 * refused too: a sealed tally is never empty).  Same results, and
 * MFA_ERR_CRYPTO.
 */
int mfa_tally_apply_sealed(const char *buf, size_t len, struct mfa_state *st,
    struct mfa_parse_error *err);

/*
 * mfa_tally_only_change - 1 when after differs from before in nothing but
 * the counters the tally holds (the account's and each source's failures
 * and last failure), none of them lower, with the same sources in the same
 * order (or in nothing at all), so that the update can be written as a
 * tally; 0 when anything else changed, including a lock-out, a source
 * added or pushed out, or a count that went down, or when either record
 * cannot be serialised (the durable path will then refuse it).  Compares
 * the records' file texts, so a field added to the state format later is
 * covered without a change here.
 */
int mfa_tally_only_change(
    const struct mfa_state *before, const struct mfa_state *after);

#endif /* MFA_TALLY_H */
