/*
 * backup.h - one-time backup codes, stored only as Argon2id hashes.
 *
 * A set has MFA_BACKUP_SLOTS codes.  A code is its slot digit followed by
 * 8 characters of the alphabet 23456789ABCDEFGHJKLMNPQRSTUVWXYZ (no 0, 1,
 * I or O: nothing ambiguous to read aloud), 40 random bits, shown as
 * "S-XXXX-XXXX".  What a person types is normalised (spaces and dashes
 * dropped, letters upper-cased) to the 9 characters that are hashed.
 *
 * Stored form: the PHC string of Argon2id over the 9 normalised characters,
 *   $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
 * with a 16-byte random salt, a 32-byte hash, both in base64 without
 * padding (libargon2's encoding).  A stored string comes from a file the
 * user can write and is hashed by root, so it is parsed strictly and its
 * parameters must be one of OWASP's equivalent sets before any hashing:
 * m=19456,t=2 | m=47104,t=1 | m=12288,t=3 | m=9216,t=4 | m=7168,t=5, p=1;
 * salt 16..64 bytes; hash exactly 32 bytes; argon2id; version 19.
 *
 * No I/O, no clock.  Every buffer that held a code or a hash is wiped.
 */
#ifndef MFA_BACKUP_H
#define MFA_BACKUP_H

#include <stddef.h>
#include <stdint.h>

struct mfa_secret;

/* Codes per set, slots 0..9. */
#define MFA_BACKUP_SLOTS 10
/* Length of a normalised code: the slot digit and 8 characters. */
#define MFA_BACKUP_CODE_CHARS 9
/* Size of a normalised code buffer, with its NUL. */
#define MFA_BACKUP_CODE_SIZE (MFA_BACKUP_CODE_CHARS + 1)
/* "S-XXXX-XXXX" and its NUL, with room to spare. */
#define MFA_BACKUP_DISPLAY_SIZE 16
/* Parameters used for new hashes (OWASP's first recommendation). */
#define MFA_BACKUP_M_COST 19456
#define MFA_BACKUP_T_COST 2
#define MFA_BACKUP_SALT_LEN 16
#define MFA_BACKUP_HASH_LEN 32
#define MFA_BACKUP_SALT_MIN 16
#define MFA_BACKUP_SALT_MAX 64
/* Longest PHC string accepted: far above the longest valid one (~160). */
#define MFA_BACKUP_PHC_MAX 256

/*
 * mfa_backup_generate - a fresh random code for slot (0..9): display gets
 * "S-XXXX-XXXX", normalized the 9 characters that are hashed, both
 * NUL-terminated.  Characters are drawn with mfa_random_uniform (no modulo
 * bias).  The caller owns both buffers and wipes them after use.
 * Returns MFA_OK, MFA_ERR_INVALID (slot > 9 or NULL buffer) or
 * MFA_ERR_SYSTEM (no randomness; both buffers are then wiped).
 */
int mfa_backup_generate(unsigned int slot,
    char display[MFA_BACKUP_DISPLAY_SIZE],
    char normalized[MFA_BACKUP_CODE_SIZE]);

/*
 * mfa_backup_normalize - turn what was typed into a normalised code:
 * spaces and dashes dropped, lower case upper-cased; the result must be
 * exactly a slot digit and 8 alphabet characters, or a slot digit and 8
 * decimal digits (an imported google-authenticator scratch code).  Writes it to
 * out (wiped by the caller after use) and the slot digit's value to *slot (may
 * be NULL). typed is read only as far as needed (at most 128 bytes; longer
 * input is refused). Returns MFA_OK, MFA_ERR_FORMAT (not a backup code; out is
 * wiped) or MFA_ERR_INVALID (NULL typed or out).
 */
int mfa_backup_normalize(
    const char *typed, char out[MFA_BACKUP_CODE_SIZE], unsigned int *slot);

/*
 * mfa_backup_hash - hash a normalised code with a fresh random salt and
 * the default parameters; *phc receives a new PHC string that the caller
 * frees (it is not secret, but mfa_strfree is fine).
 * Returns MFA_OK, MFA_ERR_INVALID (code not normalised), MFA_ERR_NOMEM,
 * MFA_ERR_SYSTEM (no randomness) or MFA_ERR_CRYPTO.
 */
int mfa_backup_hash(const char normalized[MFA_BACKUP_CODE_SIZE], char **phc);

/*
 * mfa_backup_hash_salt - mfa_backup_hash with a caller-chosen salt
 * (MFA_BACKUP_SALT_MIN..MFA_BACKUP_SALT_MAX bytes).  For known-answer
 * tests; production code uses mfa_backup_hash.  Results as above.
 */
int mfa_backup_hash_salt(const char normalized[MFA_BACKUP_CODE_SIZE],
    const unsigned char *salt, size_t saltlen, char **phc);

/*
 * mfa_backup_phc_check - strict syntax check of a stored PHC string and of
 * its parameters against the whitelist above, without hashing.
 * Returns MFA_OK, MFA_ERR_FORMAT (malformed, or parameters, salt or hash
 * length not allowed) or MFA_ERR_INVALID (NULL).
 */
int mfa_backup_phc_check(const char *phc);

/*
 * mfa_backup_verify - does the normalised code match the stored PHC
 * string?  Checks phc with mfa_backup_phc_check first and refuses it
 * without hashing; otherwise runs exactly one Argon2id with the parsed
 * parameters and salt and compares the result in constant time.
 * Returns MFA_OK (match), MFA_ERR_MISMATCH, MFA_ERR_FORMAT (phc refused),
 * MFA_ERR_INVALID (code not normalised, or NULL), MFA_ERR_NOMEM or
 * MFA_ERR_CRYPTO.
 */
int mfa_backup_verify(
    const char normalized[MFA_BACKUP_CODE_SIZE], const char *phc);

/*
 * mfa_backup_new_set - replace the backup codes of s with a new set: a
 * fresh random backup_set id, backup_created = now, and for each slot a
 * fresh code whose display form goes to display[slot] and whose hash goes
 * to s->backup[slot].  On failure s is left unchanged and display wiped.
 * The caller shows display once and wipes it (MFA_WIPE_ARRAY).
 * Returns MFA_OK, MFA_ERR_INVALID, MFA_ERR_NOMEM, MFA_ERR_SYSTEM or
 * MFA_ERR_CRYPTO.
 */
int mfa_backup_new_set(struct mfa_secret *s,
    char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE], int64_t now);

#endif /* MFA_BACKUP_H */
