/*
 * slots.h - the two-slot record file of the file store: one durable
 * update of a user's state is one write into the slot that is not
 * current and one fdatasync, never a new file.
 *
 * A record file (/var/lib/pam_mfa/<user>, format 2) has a fixed size:
 * slot 0 at offset 0, slot 1 at offset S, the failure tally (tally.h,
 * sealed version, MFA_TALLY_SEALED_LEN bytes) at offset 2 S, and nothing
 * after it.  S, the slot size, is a multiple of MFA_SLOTS_PAGE, so that
 * writing one slot never touches a disk sector or page of the other.
 * Each slot is one header line of exactly MFA_SLOTS_HEADER_LEN bytes,
 * then the state text (state.h, version 1), then '\n' up to S:
 *
 *   pam_mfa-state 2 seq SEQ20 boot BOOT32HEX slot S10 length LEN10
 *     body SHA256HEX sha256 SHA256HEX
 *
 * (one line; numbers zero-padded to 20 or 10 digits).  seq counts the
 * writes of the file; boot is the kernel's boot id when the slot was
 * written (zeros when unknown); length is the state text's; body is the
 * SHA-256 of the S - MFA_SLOTS_HEADER_LEN bytes after the header (text
 * and padding); sha256 the SHA-256 of the header's bytes before
 * " sha256 ".  A slot of seq 0 and length 0 is blank (a new file's
 * second slot).
 *
 * A writer puts the body first and the header last, then one fdatasync:
 * a writer killed in between leaves the slot's old header, whose body
 * hash no longer matches: a slot older than the current one, which the
 * reader passes over.  A power cut may keep a new header over a torn
 * body: its seq is one more than the current slot's and its boot id is
 * not this boot's, which a reader also passes over (the write never
 * finished, so no login relied on it).  Anything else that does not check
 * out (a header that does not hash to itself, a slot claiming to be
 * newer, a file of the wrong size, two slots with one seq) is damage, and
 * the whole record is refused: the reader never falls back to an older
 * slot that would bring back a used code or forget a lock-out.
 *
 * Buffers only: no I/O, no clock.
 */
#ifndef MFA_SLOTS_H
#define MFA_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "text.h"

#define MFA_SLOTS_PAGE 4096
#define MFA_SLOTS_HEADER_LEN 255
#define MFA_SLOTS_BOOT_LEN 32 /* hex digits of a boot id */
/* The largest slot: any state text the store accepts fits in it. */
#define MFA_SLOTS_MAX_SLOT (MFA_STATE_MAX_SIZE + MFA_SLOTS_PAGE)

/*
 * mfa_slots_checksum - the SHA-256 of the len bytes at data as 64
 * lower-case hex digits and a NUL in out.  Returns MFA_OK or
 * MFA_ERR_CRYPTO.
 */
int mfa_slots_checksum(const void *data, size_t len, char out[65]);

/*
 * mfa_slots_detect - 1 when the len bytes at buf start like a two-slot
 * record file ("pam_mfa-state 2 "), 0 otherwise (an older, plain state
 * file, or anything else: state.h's parser judges those).
 */
int mfa_slots_detect(const char *buf, size_t len);

/*
 * mfa_slots_size_for - the slot size for a new file holding a state text
 * of len bytes, with room for it to grow to twice that: a multiple of
 * MFA_SLOTS_PAGE, at least one page, at most MFA_SLOTS_MAX_SLOT; 0 when
 * even that is too small.
 */
size_t mfa_slots_size_for(size_t len);

/*
 * mfa_slots_fits - 1 when a state text of len bytes fits a slot of
 * slot_size bytes.
 */
int mfa_slots_fits(size_t slot_size, size_t len);

/*
 * mfa_slots_format - the slot_size bytes of a slot holding the len bytes
 * of text (len 0 and seq 0: a blank slot) with sequence number seq,
 * written during boot (MFA_SLOTS_BOOT_LEN hex digits and a NUL) into out.
 * Returns MFA_OK, MFA_ERR_INVALID (a bad slot size or boot id, or a text
 * that does not fit) or MFA_ERR_CRYPTO.
 */
int mfa_slots_format(uint64_t seq, const char *boot, size_t slot_size,
    const char *text, size_t len, char *out);

/*
 * mfa_slots_retract - the header of a slot of slot_size bytes that a
 * failed write must not leave as the newest: seq (one less than the
 * current slot's) and a body hash that matches nothing, so the reader
 * passes over the slot (MFA_SLOTS_HEADER_LEN bytes into out).  Returns
 * MFA_OK, MFA_ERR_INVALID or MFA_ERR_CRYPTO.
 */
int mfa_slots_retract(
    uint64_t seq, const char *boot, size_t slot_size, char *out);

/* The current record of a two-slot file, as mfa_slots_read finds it. */
struct mfa_slots_view {
	size_t slot_size;
	unsigned int current; /* 0 or 1 */
	uint64_t seq;
	const char *text; /* the state text, inside the caller's buffer */
	size_t text_len;
	const char *tally; /* MFA_TALLY_SEALED_LEN bytes, inside it too */
};

/*
 * mfa_slots_read - check the len bytes of a two-slot record file and find
 * its current slot (see above), boot being this boot's id
 * (MFA_SLOTS_BOOT_LEN hex digits; zeros when unknown: then no torn slot is
 * ever passed over).  Returns MFA_OK with *v, or MFA_ERR_FORMAT /
 * MFA_ERR_VERSION / MFA_ERR_CRYPTO with the reason in err (may be NULL;
 * line 0).  The state text and the tally are the caller's to parse.
 */
int mfa_slots_read(const char *buf, size_t len, const char *boot,
    struct mfa_slots_view *v, struct mfa_parse_error *err);

#endif /* MFA_SLOTS_H */
