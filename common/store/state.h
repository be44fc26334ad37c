/*
 * state.h - the module's per-user state record and its file format.
 *
 * The state file (/var/lib/pam_mfa/<user>, root 0600) holds what decides
 * security and must therefore be root's, not the user's: the last accepted
 * TOTP step (replay), the failure count and lock-out, the backup codes
 * already used, the pending emailed/SMS code, the send history (throttling)
 * and the trusted devices.  This unit only converts between a buffer and an
 * in-memory record and offers small pure helpers on the record; the locking
 * and file I/O around it live elsewhere.  No I/O, no clock: time is always a
 * parameter.
 *
 * File format (pam_mfa(8), FILES), version 1:
 *   - '\n'-terminated lines; every line, the last one included, must end
 *     with '\n' (a missing final newline means a torn write and is refused);
 *   - at most MFA_STATE_MAX_LINE bytes per line, not counting the '\n';
 *     at most MFA_STATE_MAX_SIZE bytes in all;
 *   - no NUL, no CR, no other control character anywhere;
 *   - blank lines and lines starting with '#' are ignored;
 *   - every other line is KEY SP VALUE: exactly one space after the key,
 *     fields of the value separated by exactly one space, no trailing space;
 *   - the first line that is not blank or a comment is "pam_mfa-state 1";
 *   - numbers are decimal digits without sign or leading zero (except "0");
 *     times are 0..INT64_MAX, counters fit their C type, overflow is refused;
 *   - hex fields are lower case and of exact length.
 * Keys (each at most once unless marked repeatable):
 *   serial U64                            (durable writes so far; the
 *                                          failure tally names it, tally.h)
 *   enrolled TIME ID32HEX
 *   enrol-pending ID32HEX CREATED STEP [NONCE32HEX [OLDID32HEX]]
 *                                         (an enrolment made during a login,
 *                                          awaiting pam_sm_setcred; NONCE
 *                                          names the authenticate call that
 *                                          made it, OLDID the unconfirmed
 *                                          file it replaced.  Lines without
 *                                          NONCE, from older versions, are
 *                                          never confirmed)
 *   totp-last-step U64
 *   failures UINT                         (account-wide: every wrong
 *                                          answer from any source since
 *                                          the last success or unlock)
 *   locked-until TIME                     (the account-wide lock-out;
 *                                          0 or absent: not locked)
 *   last-success TIME METHOD              (totp|backup|email|sms|
 *                                          trusted-device)
 *   last-failure TIME
 *   source KEY FAILURES LAST_FAILURE LOCKED_UNTIL
 *                                         (repeatable, <= MAX_SOURCES,
 *                                          KEY unique, see below)
 *   backup-used SET16HEX SLOTS            (slots 0..9, ascending, ',')
 *   otp-pending CHANNEL EXPIRES TRIES SENT SALT32HEX SHA256HEX64
 *                                         (channel email|sms)
 *   send-times TIME[,TIME...]             (1..MFA_STATE_MAX_SENDS values)
 *   device ID16HEX DIGEST64HEX CREATED EXPIRES LAST_USED GEN [LABEL]
 *                                         (repeatable, <= MAX_DEVICES)
 *   device-pending [NONCE32HEX] DIGEST64HEX CREATED EXPIRES GEN [LABEL]
 *                                         (repeatable, <= MAX_PENDING;
 *                                          told apart by length, NONCE as
 *                                          for enrol-pending; lines without
 *                                          it are never confirmed)
 * A LABEL runs to the end of the line: 1..MFA_STATE_MAX_LABEL bytes of
 * printable ASCII (spaces allowed inside, not first or last); when the
 * label is empty the field and its space are left out.
 * A source KEY names where wrong answers came from (mfa_state_source_key):
 * "-" (the console, or no PAM_RHOST), PAM_RHOST itself in lower case when
 * it is 1..MFA_STATE_SOURCE_MAX bytes of a-z 0-9 . : _ % - , otherwise '#'
 * and 32 lower-case hex digits of its SHA-256 (a name too long or too odd
 * to show; '#' cannot start a plain key, so the two never collide).
 * Files written before per-source counting have no source line and read
 * as they always did: failures and locked-until become the account-wide
 * count and lock-out.
 */
#ifndef MFA_STATE_H
#define MFA_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "text.h"

#define MFA_STATE_MAX_SIZE 65536
#define MFA_STATE_MAX_LINE 1024
#define MFA_STATE_MAX_DEVICES 20
#define MFA_STATE_MAX_PENDING 4
#define MFA_STATE_MAX_SENDS 20
#define MFA_STATE_MAX_LABEL 128
#define MFA_STATE_BACKUP_SLOTS 10
/* Sources whose failures are counted apart (deny=); the tally holds one
 * counter pair for each, so raising this lengthens the tally record. */
#define MFA_STATE_MAX_SOURCES 8
#define MFA_STATE_SOURCE_MAX 64 /* bytes of a source key */
/* send_times older than this are dropped by mfa_state_prune. */
#define MFA_STATE_SEND_WINDOW 3600

enum mfa_method {
	MFA_METHOD_NONE,
	MFA_METHOD_TOTP,
	MFA_METHOD_BACKUP,
	MFA_METHOD_EMAIL,
	MFA_METHOD_SMS,
	MFA_METHOD_TRUSTED_DEVICE,
	MFA_METHOD_FIDO2_KEY, /* a FIDO2 SSH key sshd verified (sk_keys=) */
};

/* A trusted device: a digest of what the client proved, never the key. */
struct mfa_device {
	unsigned char id[8];      /* random, shown by mfa-enroll devices */
	unsigned char digest[32]; /* digest of user, service and key */
	int64_t created, expires; /* absolute expiry; use never extends it */
	int64_t last_used;
	uint32_t generation; /* trust-generation of the secret file */
	char label[MFA_STATE_MAX_LABEL + 1]; /* NUL-terminated, may be "" */
};

/* A "yes, trust this device" awaiting pam_sm_setcred's confirmation. */
struct mfa_device_pending {
	int has_nonce;           /* 0: an older line, never confirmed */
	unsigned char nonce[16]; /* the hand-over of the login that said yes */
	unsigned char digest[32];
	int64_t created, expires;
	uint32_t generation;
	char label[MFA_STATE_MAX_LABEL + 1];
};

/*
 * The wrong answers from one source (deny=): a count, the last one, and
 * the lock-out of that source alone.  key is NUL-terminated and zero-filled
 * after the NUL, so records compare byte for byte.
 */
struct mfa_source {
	char key[MFA_STATE_SOURCE_MAX + 1];
	unsigned int failures; /* since its last lock-out ran out */
	int64_t last_failure;
	int64_t locked_until; /* 0: not locked; INT64_MAX: until unlock */
};

/* What the site's options say about lock-outs (pam_mfa.conf(5)). */
struct mfa_lockout_policy {
	unsigned int deny;        /* per source; 0: never lock a source */
	unsigned int deny_total;  /* account-wide; 0: no account limit */
	unsigned int unlock_time; /* a source's lock, s; 0: admin only */
};

/* The newest emailed or SMS code, stored only as a salted hash. */
struct mfa_otp_pending {
	int active;              /* 0: no code pending, other fields 0 */
	enum mfa_method channel; /* MFA_METHOD_EMAIL or MFA_METHOD_SMS */
	int64_t expires, sent_at;
	unsigned int tries_left;
	unsigned char salt[16];
	unsigned char hash[32]; /* SHA-256(salt || code) */
};

/*
 * The whole record.  Fixed-size arrays, so it needs no frees; it holds code
 * hashes, so release it with mfa_state_wipe.  A zero time means "never" or
 * "not set" for locked_until, last_success, last_failure.
 */
struct mfa_state {
	uint64_t serial; /* bumped by every durable write (store.c) */
	int enrolled;
	int64_t enrolled_at;
	unsigned char enrolled_id[16]; /* the secret file's id */
	/* An enrolment written during a login whose stack has not been seen
	 * to succeed: its file counts only once setcred confirms it. */
	int has_enrol_pending;
	unsigned char enrol_pending_id[16];
	int64_t enrol_pending_at;
	uint64_t enrol_pending_step; /* the step the user proved */
	int has_enrol_nonce;         /* 0: an older line, never confirmed */
	unsigned char enrol_pending_nonce[16]; /* the hand-over (DESIGN §12) */
	/* The unconfirmed file this enrolment replaced: it stays unconfirmed
	 * if the new file could not be written. */
	int has_enrol_replaced;
	unsigned char enrol_replaced_id[16];
	int has_last_step;
	uint64_t totp_last_step;
	unsigned int failures; /* account-wide, since success or unlock */
	int64_t locked_until;  /* account-wide; INT64_MAX: until unlock */
	int64_t last_success;
	enum mfa_method last_method; /* NONE iff last_success is 0 */
	int64_t last_failure;
	struct mfa_source sources[MFA_STATE_MAX_SOURCES];
	size_t nsources;
	int has_backup_used;
	unsigned char backup_set[8];
	uint16_t backup_used_mask; /* bit n set: slot n used */
	struct mfa_otp_pending otp;
	int64_t send_times[MFA_STATE_MAX_SENDS];
	size_t nsends;
	struct mfa_device devices[MFA_STATE_MAX_DEVICES];
	size_t ndevices;
	struct mfa_device_pending pending[MFA_STATE_MAX_PENDING];
	size_t npending;
};

/*
 * mfa_method_name - the file and log name of a method: "totp", "backup",
 * "email", "sms", "trusted-device", "fido2-key"; "none" for MFA_METHOD_NONE and
 * "unknown" for anything else.  A static string, never NULL.
 */
const char *mfa_method_name(enum mfa_method m);

/*
 * mfa_state_init - make st the empty record (not enrolled, no failures,
 * nothing pending), which is also what an absent state file means.
 */
void mfa_state_init(struct mfa_state *st);

/*
 * mfa_state_parse - parse the len bytes at buf (need not be NUL-terminated;
 * nothing beyond len is read) into st, strictly, per the format above.
 * st is always initialised first; on failure it is wiped back to the empty
 * record, so a caller can never act on half a file.  err may be NULL; when
 * given it receives the line number (0 for whole-file problems) and the
 * reason (struct mfa_parse_error, text.h).
 * Returns MFA_OK, MFA_ERR_INVALID (NULL buf or st), MFA_ERR_TOOBIG (file,
 * line or repeat count over its limit), MFA_ERR_VERSION (unknown version),
 * MFA_ERR_UNKNOWN_KEY, MFA_ERR_DUPLICATE, MFA_ERR_RANGE (a number too large)
 * or MFA_ERR_FORMAT (everything else).
 */
int mfa_state_parse(const char *buf, size_t len, struct mfa_state *st,
    struct mfa_parse_error *err);

/*
 * mfa_state_serialize - the file text of st: a NUL-terminated string in a
 * fresh allocation at *out, its length (without the NUL) in *outlen.  Zero
 * and empty fields are left out, so parsing the result gives back st.
 * The text holds code hashes: the caller owns it and releases it with
 * mfa_strfree (which wipes).  On failure *out is NULL and *outlen 0.
 * Returns MFA_OK, MFA_ERR_INVALID (NULL arguments, or a record the format
 * cannot hold: a negative time, a count over its cap, a bad label, method
 * or channel, a backup slot over 9, last_method NONE with last_success set),
 * MFA_ERR_TOOBIG or MFA_ERR_NOMEM.
 */
int mfa_state_serialize(const struct mfa_state *st, char **out, size_t *outlen);

/*
 * mfa_state_wipe - overwrite the whole record with zeros (it holds the
 * hashes of pending codes).  Afterwards it is the empty record.
 */
void mfa_state_wipe(struct mfa_state *st);

/*
 * mfa_state_is_locked - 1 when the whole account is locked out at time now
 * (locked_until > now: deny_total was reached, or a lock-out recorded
 * before per-source counting), 0 otherwise.  A locked source does not
 * count here: see mfa_state_lock_end.
 */
int mfa_state_is_locked(const struct mfa_state *st, int64_t now);

/*
 * mfa_state_source_key - the source key (format above) of a login whose
 * PAM_RHOST is rhost (NULL or "" for the console) into out, at least
 * MFA_STATE_SOURCE_MAX + 1 bytes, zero-filled after the NUL.
 * Returns MFA_OK, MFA_ERR_INVALID (NULL out) or MFA_ERR_SYSTEM (the digest
 * failed: the caller fails closed).
 */
int mfa_state_source_key(const char *rhost, char *out);

/*
 * mfa_state_source_find - the entry of source key in st, or NULL.
 */
const struct mfa_source *mfa_state_source_find(
    const struct mfa_state *st, const char *key);

/*
 * mfa_state_lock_end - when the lock-out that stops a login from source
 * key at time now ends: the later of the account's and the source's
 * lock-out that are still running (INT64_MAX: until an admin unlocks), or
 * 0 when neither is.
 */
int64_t mfa_state_lock_end(
    const struct mfa_state *st, const char *key, int64_t now);

/*
 * mfa_state_record_failure - count one wrong answer from source key at
 * time now (now >= 0).  The account's count and the source's go up by one
 * (saturating) and both last-failure times become now.  When the source's
 * count reaches p->deny (> 0), the source is locked until now +
 * unlock_time (INT64_MAX when unlock_time is 0 or the sum overflows); when
 * the account's count reaches p->deny_total (> 0), the account is locked
 * until an admin unlocks (INT64_MAX).  A source lock-out that has run out
 * starts that source's count again from zero (deny fresh tries); the
 * account's count goes on.  A source not in the table takes a free entry,
 * or the place of the entry that matters least: not locked before locked,
 * then the fewest failures, then the oldest last failure; so a stranger
 * must first give as many failures from other sources as a source has
 * before its count can be pushed out.  Returns MFA_OK or MFA_ERR_INVALID
 * (NULL arguments, a key the format cannot hold); st is then unchanged.
 */
int mfa_state_record_failure(struct mfa_state *st, int64_t now, const char *key,
    const struct mfa_lockout_policy *p);

/*
 * mfa_state_record_success - a login succeeded at time now with method m:
 * the account's failures and locked_until go back to 0, last_success and
 * last_method are set.  The per-source counts are left: a success from
 * one place does not give a stranger elsewhere fresh tries (the caller
 * clears the succeeding source with mfa_state_source_clear).  m must be
 * a real method (not MFA_METHOD_NONE) and now >= 0, or
 * mfa_state_serialize will refuse the record (fail closed).
 */
void mfa_state_record_success(
    struct mfa_state *st, int64_t now, enum mfa_method m);

/*
 * mfa_state_source_success - a login from source key succeeded: its
 * failures and lock-out go to 0.  The entry stays (with its last failure),
 * and a source not listed yet is added with no failures while the table
 * has room (never pushing another out), so that the next typo from a place
 * the user logs in from is counted in the tally (tally.h) rather than by a
 * durable write; with no failures such an entry is the first to make room
 * for a new source.  Returns MFA_OK or MFA_ERR_INVALID (NULL arguments, a
 * key the format cannot hold); st is then unchanged.
 */
int mfa_state_source_success(struct mfa_state *st, const char *key);

/*
 * mfa_state_unlock - the admin's unlock: the account's failures and
 * locked_until to 0, and every source forgotten.
 */
void mfa_state_unlock(struct mfa_state *st);

/*
 * mfa_state_backup_is_used - 1 when slot of the backup-code set set (its
 * 8-byte id) is recorded as used, 0 otherwise.  A slot over 9 is reported
 * as used, so that a caller's mistake can never accept a code.
 */
int mfa_state_backup_is_used(
    const struct mfa_state *st, const unsigned char set[8], unsigned int slot);

/*
 * mfa_state_backup_mark_used - record slot of set as used.  A set id other
 * than the recorded one replaces the record (a new set was generated, the
 * old one is gone).  A slot over 9 is ignored.
 */
void mfa_state_backup_mark_used(
    struct mfa_state *st, const unsigned char set[8], unsigned int slot);

/*
 * mfa_state_backup_used_count - how many slots of set are used (0 when the
 * record is about another set).
 */
unsigned int mfa_state_backup_used_count(
    const struct mfa_state *st, const unsigned char set[8]);

/*
 * mfa_state_prune - drop what can no longer matter at time now: devices and
 * pending devices with expires <= now, a pending code with expires <= now,
 * send times at or before now - MFA_STATE_SEND_WINDOW, and sources whose
 * lock-out has run out (their count would start again from zero: the
 * account's count keeps their failures).  Dropped entries are wiped and the
 * order of the rest is kept.  Called before serialising, so the file stays
 * small.
 */
void mfa_state_prune(struct mfa_state *st, int64_t now);

/*
 * mfa_state_device_add - add trusted device *d (copied).  A device with the
 * same id is replaced in place; otherwise, at MFA_STATE_MAX_DEVICES the
 * oldest one (smallest created, the first of equals) makes room.
 * Returns MFA_OK, or MFA_ERR_INVALID (NULL arguments, a negative time, or a
 * label the file cannot hold, see the format above); st is then unchanged.
 */
int mfa_state_device_add(struct mfa_state *st, const struct mfa_device *d);

/*
 * mfa_state_enrol_pending_clear - forget the pending enrolment at login
 * (fields wiped): done whenever the user is marked enrolled, since the
 * file on disk is then the confirmed one.
 */
void mfa_state_enrol_pending_clear(struct mfa_state *st);

/*
 * mfa_state_enrol_pending_names - 1 when the pending enrolment of st names
 * the secret file whose id is id[16] (as the new file or the unconfirmed
 * one it replaced), 0 otherwise.  Constant time in the ids.
 */
int mfa_state_enrol_pending_names(
    const struct mfa_state *st, const unsigned char id[16]);

/*
 * mfa_state_device_remove_all - forget every trusted device and every
 * pending "trust this device" (re-enrolment, admin revoke, backup-code
 * login).  The removed records are wiped.
 */
void mfa_state_device_remove_all(struct mfa_state *st);

#endif /* MFA_STATE_H */
