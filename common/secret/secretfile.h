/*
 * secretfile.h - the user's enrolment file (~/.pam_mfa): parse, build and
 * serialize it.  Buffers only: no I/O, no clock.
 *
 * File format (pam_mfa(8), FILES), version 1 or 2:
 *   - '\n'-terminated lines; every line, the last one included, must end
 *     with '\n' (mfa-enroll always writes one, so a missing final newline
 *     means a truncated file, whose last value might still look valid:
 *     "alice@example.c" - it is refused);
 *   - at most MFA_SECRET_MAX_LINE bytes per line, not counting the '\n';
 *     at most MFA_SECRET_MAX_SIZE bytes in all; no NUL or CR anywhere;
 *   - blank lines and lines whose first byte is '#' are ignored;
 *   - every other line is KEY SP VALUE: exactly one space after the key,
 *     the value runs to the end of the line, no trailing white space;
 *   - the first line that is not blank or a comment is "pam_mfa-secret 1"
 *     or "pam_mfa-secret 2" (2 only when the file holds what 1 cannot:
 *     the keys marked "version 2" below; a file that does not need them
 *     is written as version 1, so that older modules still read it);
 *   - numbers are decimal digits without sign or leading zero (except
 *     "0"); overflow is refused; hex is lower case and of exact length.
 * Keys (each at most once, except backup):
 *   id HEX32                  required, 16 random bytes
 *   created TIME              required, 0..2^62
 *   totp-secret BASE32        required, canonical, 16..64 bytes decoded
 *   totp-algorithm ALG        SHA1 (default) | SHA256 | SHA512
 *   totp-digits N             6 (default) | 8
 *   totp-period N             15..300, default 30
 *   email ADDRESS             mfa_addr_email_check
 *   phone NUMBER              mfa_addr_phone_check
 *   trust-generation N        0..2^32-1, default 0
 *   backup-set HEX16          present iff there is a backup line
 *   backup-created TIME       only with backup-set
 *   backup SLOT PHC           slot 0..9, each once; mfa_backup_phc_check
 *   totp-name NAME            version 2: the name of the totp-secret's
 *                             authenticator, default "app"
 *   totp-id HEX16             version 2: its id, default the first 8
 *                             bytes of id (what a version 1 file means)
 *   legacy-short-key yes      version 2: totp-secret may be 10..15
 *                             bytes (80..120 bits: an old
 *                             google-authenticator key); the module
 *                             accepts such a file only with
 *                             legacy_short_keys
 *   totp-kind hotp            version 2: totp-secret is an RFC 4226
 *                             counter-based token's key (a user moved from
 *                             pam_oath with only a token); absent: TOTP
 *   authenticator NAME HEX16 CREATED ALG DIGITS PERIOD BASE32
 *                             version 2, repeatable (at most
 *                             MFA_SECRET_AUTH_MAX - 1): another TOTP
 *                             authenticator: name, random id, creation
 *                             time, parameters and key as above; PERIOD
 *                             "hotp" makes it an RFC 4226 counter-based
 *                             token, whose counter is root's (state.h)
 * A NAME is 1..MFA_SECRET_NAME_MAX bytes of a-z 0-9 '.' '_' '-', starting
 * with a letter or digit; the names of one file are all different, and so
 * are the authenticator ids.  The module keeps each authenticator's
 * replay floor apart in its state under that id (state.h).
 */
#ifndef MFA_SECRETFILE_H
#define MFA_SECRETFILE_H

#include <stddef.h>
#include <stdint.h>

#include "backup.h"
#include "otp.h"
#include "text.h"

#define MFA_SECRET_MAX_SIZE 16384
#define MFA_SECRET_MAX_LINE 1024
#define MFA_SECRET_KEY_MIN 16 /* bytes: 128 bits (DESIGN 9) */
/* With legacy-short-key: old google-authenticator keys, 80 bits. */
#define MFA_SECRET_KEY_LEGACY_MIN 10
#define MFA_SECRET_KEY_MAX 64
#define MFA_SECRET_KEY_DEFAULT 20 /* 160 bits, RFC 4226's recommendation */
#define MFA_SECRET_TIME_MAX ((int64_t)1 << 62)
/* Authenticators per user (the totp-secret one and the others). */
#define MFA_SECRET_AUTH_MAX 5
#define MFA_SECRET_NAME_MAX 32
#define MFA_SECRET_DEFAULT_NAME "app"
#define MFA_SECRET_NAME_RULE                                                   \
	"a name is 1 to 32 of a-z, 0-9, '.', '_' and '-', starting with a "    \
	"letter or digit"
/* Hex form of the id (32 characters) and its NUL. */
#define MFA_SECRET_ID_HEX_SIZE 33

/* One TOTP authenticator: a phone app, a hardware token. */
struct mfa_authenticator {
	char name[MFA_SECRET_NAME_MAX + 1];    /* NUL-terminated, checked */
	unsigned char id[8];                   /* random; keys its state */
	int64_t created;                       /* unix seconds */
	unsigned char key[MFA_SECRET_KEY_MAX]; /* secret */
	size_t keylen;                         /* 16..64 */
	struct mfa_totp_params totp;           /* period unused for HOTP */
	int hotp; /* 1: RFC 4226 counter-based token */
};

struct mfa_secret {
	unsigned char id[16]; /* random enrolment id, recorded in the state */
	int64_t created;      /* unix seconds */
	unsigned char key[MFA_SECRET_KEY_MAX]; /* TOTP key (secret) */
	size_t keylen;                         /* 16..64 */
	struct mfa_totp_params totp;
	char *email; /* NULL when absent; valid per mfa_addr_email_check */
	char *phone; /* NULL when absent; valid per mfa_addr_phone_check */
	uint32_t trust_generation; /* bumped to invalidate trusted devices */
	int has_backup;            /* backup_set and backup[] meaningful */
	unsigned char backup_set[8];
	int64_t backup_created;         /* 0 when not recorded */
	char *backup[MFA_BACKUP_SLOTS]; /* PHC strings, NULL: empty slot */
	/* The name and id of the authenticator of key (totp-name, totp-id);
	 * version 1 files: "app" and the first 8 bytes of id. */
	char name[MFA_SECRET_NAME_MAX + 1];
	unsigned char auth_id[8];
	int hotp;      /* totp-kind hotp: key is a counter-based token's */
	int short_key; /* legacy-short-key yes: keylen may be 10..15 */
	/* The other authenticators, in the file's order. */
	struct mfa_authenticator extra[MFA_SECRET_AUTH_MAX - 1];
	size_t nextra;
};

/*
 * mfa_secret_name_check - MFA_OK when name is a valid authenticator name
 * (see above), MFA_ERR_FORMAT otherwise (NULL too).
 */
int mfa_secret_name_check(const char *name);

/*
 * mfa_secret_auth_count - how many authenticators s holds (1 + nextra).
 */
size_t mfa_secret_auth_count(const struct mfa_secret *s);

/*
 * mfa_secret_auth_get - authenticator i of s (0: the one of s->key, then
 * s->extra in order) as a copy into *a, which holds the key: the caller
 * wipes it (MFA_WIPE_OBJ).  Returns MFA_OK or MFA_ERR_INVALID (i out of
 * range, NULL arguments).
 */
int mfa_secret_auth_get(
    const struct mfa_secret *s, size_t i, struct mfa_authenticator *a);

/*
 * mfa_secret_auth_find - the index (as for mfa_secret_auth_get) of the
 * authenticator called name, or -1.
 */
int mfa_secret_auth_find(const struct mfa_secret *s, const char *name);

/*
 * mfa_secret_auth_add - append a copy of *a (a valid name used by no
 * other authenticator of s, a key of 16..64 bytes, valid parameters) as
 * another authenticator.  Returns MFA_OK, MFA_ERR_DUPLICATE (the name or
 * the id is taken), MFA_ERR_TOOBIG (MFA_SECRET_AUTH_MAX reached) or
 * MFA_ERR_INVALID; s is unchanged on error.
 */
int mfa_secret_auth_add(
    struct mfa_secret *s, const struct mfa_authenticator *a);

/*
 * mfa_secret_auth_remove - remove authenticator i (wiped).  Removing 0
 * makes the first other TOTP one the authenticator of s->key (its name,
 * id, key and parameters move up).  Returns MFA_OK, MFA_ERR_DENIED (0,
 * and only HOTP tokens besides: the file's own one is an app) or
 * MFA_ERR_INVALID (i out of range, or the last authenticator: that is
 * disabling, not removing).
 */
int mfa_secret_auth_remove(struct mfa_secret *s, size_t i);

/*
 * mfa_secret_new - allocate an empty record with the defaults (SHA1, 6
 * digits, 30 s); no key, id or time yet.  *out is released with
 * mfa_secret_free.
 * Returns MFA_OK, MFA_ERR_INVALID or MFA_ERR_NOMEM.
 */
int mfa_secret_new(struct mfa_secret **out);

/*
 * mfa_secret_free - wipe every field (the key, addresses, hashes) and
 * free s.  NULL is fine.
 */
void mfa_secret_free(struct mfa_secret *s);

/*
 * mfa_secret_generate - give s a fresh random id and a fresh random TOTP
 * key of keylen bytes (MFA_SECRET_KEY_MIN..MAX), and set created = now.
 * Other fields are left alone.
 * Returns MFA_OK, MFA_ERR_INVALID (bad keylen or now) or MFA_ERR_SYSTEM.
 */
int mfa_secret_generate(struct mfa_secret *s, size_t keylen, int64_t now);

/*
 * mfa_secret_set_key - copy a TOTP key of len bytes (16..64, or 10..64
 * when s->short_key is set) into s.  The caller still owns and wipes key.
 * Returns MFA_OK or MFA_ERR_INVALID.
 */
int mfa_secret_set_key(
    struct mfa_secret *s, const unsigned char *key, size_t len);

/*
 * mfa_secret_set_email - set (a copy of) addr as the email address, or
 * remove it when addr is NULL.  The address is checked with
 * mfa_addr_email_check; its reason goes to why (whysz bytes, may be 0).
 * Returns MFA_OK, MFA_ERR_FORMAT (s unchanged), MFA_ERR_INVALID or
 * MFA_ERR_NOMEM.
 */
int mfa_secret_set_email(
    struct mfa_secret *s, const char *addr, char *why, size_t whysz);

/*
 * mfa_secret_set_phone - the same for the phone number.
 */
int mfa_secret_set_phone(
    struct mfa_secret *s, const char *number, char *why, size_t whysz);

/*
 * mfa_secret_clear_backup - remove the backup codes of s (set id, time and
 * every hash).  NULL is fine.
 */
void mfa_secret_clear_backup(struct mfa_secret *s);

/*
 * mfa_secret_id_hex - the id of s as 32 lower-case hex characters and a
 * NUL in out (the form of the file and of the module's state).  s must
 * not be NULL.
 */
void mfa_secret_id_hex(
    const struct mfa_secret *s, char out[MFA_SECRET_ID_HEX_SIZE]);

/*
 * mfa_secret_parse - parse len bytes at buf (not NUL-terminated; a NUL
 * inside is an error) as a secret file.  On success *out is a new record
 * the caller releases with mfa_secret_free.  On failure *out is NULL and,
 * when err is not NULL, err says where and why (text.h).
 * Returns MFA_OK, MFA_ERR_TOOBIG (file or line too long), MFA_ERR_VERSION
 * (an unknown version line), MFA_ERR_UNKNOWN_KEY, MFA_ERR_DUPLICATE,
 * MFA_ERR_RANGE (a number out of range), MFA_ERR_FORMAT (anything else
 * malformed, or a required key missing), MFA_ERR_INVALID or
 * MFA_ERR_NOMEM.
 */
int mfa_secret_parse(const char *buf, size_t len, struct mfa_secret **out,
    struct mfa_parse_error *err);

/*
 * mfa_secret_serialize - the file text of s: a header comment, then the
 * keys in the order listed above (totp-algorithm, totp-digits, totp-period
 * and trust-generation always written, email, phone and the backup keys
 * only when present).  The text is checked by parsing it back, so what is
 * written can always be read.  *out is NUL-terminated, *outlen bytes long
 * (outlen may be NULL); it holds the TOTP key, so the caller releases it
 * with mfa_freezero(*out, *outlen) or mfa_strfree.
 * Returns MFA_OK, MFA_ERR_INVALID (s incomplete or out of range: no key,
 * a bad parameter, backup slots without has_backup...) or MFA_ERR_NOMEM.
 */
int mfa_secret_serialize(
    const struct mfa_secret *s, char **out, size_t *outlen);

#endif /* MFA_SECRETFILE_H */
