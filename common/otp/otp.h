/*
 * otp.h - HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA1/256/512.
 *
 * No I/O and no clock: the time is always a parameter (64-bit, so 2038
 * and 2106 are ordinary days).  Keys, MACs and codes are secrets: this
 * unit wipes its own copies; callers wipe theirs.
 */
#ifndef MFA_OTP_H
#define MFA_OTP_H

#include <stddef.h>
#include <stdint.h>

enum mfa_otp_alg { MFA_OTP_SHA1, MFA_OTP_SHA256, MFA_OTP_SHA512 };

struct mfa_totp_params {
	enum mfa_otp_alg alg;
	unsigned int digits; /* 6 or 8 */
	unsigned int period; /* seconds per step, MFA_TOTP_PERIOD_MIN..MAX */
};

#define MFA_OTP_MAX_DIGITS 8
/* Buffer size for a code string: the digits and a NUL. */
#define MFA_OTP_CODE_SIZE (MFA_OTP_MAX_DIGITS + 1)
/* The largest HMAC output (SHA-512). */
#define MFA_OTP_MAC_MAX 64
#define MFA_OTP_DIGITS_DEFAULT 6
#define MFA_TOTP_PERIOD_DEFAULT 30
#define MFA_TOTP_PERIOD_MIN 15
#define MFA_TOTP_PERIOD_MAX 300
/* Largest accepted verification window, in steps either side of now. */
#define MFA_TOTP_WINDOW_MAX 10

/*
 * mfa_otp_alg_parse - the algorithm named name: exactly "SHA1", "SHA256"
 * or "SHA512" (the spelling of the secret file and of otpauth URIs).
 * Returns MFA_OK and sets *alg, MFA_ERR_FORMAT for any other name, or
 * MFA_ERR_INVALID for a NULL argument.
 */
int mfa_otp_alg_parse(const char *name, enum mfa_otp_alg *alg);

/*
 * mfa_otp_alg_name - the name mfa_otp_alg_parse accepts for alg, a static
 * string; NULL for a value outside the enum.
 */
const char *mfa_otp_alg_name(enum mfa_otp_alg alg);

/*
 * mfa_totp_params_check - whether p holds parameters this unit accepts:
 * a known algorithm, digits 6 or 8, period MFA_TOTP_PERIOD_MIN..MAX.  The
 * secret-file parser and the TOTP functions share this one rule.
 * Returns MFA_OK, MFA_ERR_RANGE (a value out of range) or MFA_ERR_INVALID
 * (p NULL).
 */
int mfa_totp_params_check(const struct mfa_totp_params *p);

/*
 * mfa_otp_hmac - HMAC(key, counter as 8 bytes big-endian) with the hash of
 * alg, the first step of HOTP.  mac must have room for MFA_OTP_MAC_MAX
 * bytes (macsz); *maclen receives 20, 32 or 64.  keylen must be >= 1.
 * Returns MFA_OK, MFA_ERR_INVALID (bad argument), MFA_ERR_BUFSIZE or
 * MFA_ERR_CRYPTO (OpenSSL failed; mac is then wiped).  The caller wipes
 * mac.
 */
int mfa_otp_hmac(const unsigned char *key, size_t keylen, enum mfa_otp_alg alg,
    uint64_t counter, unsigned char *mac, size_t macsz, size_t *maclen);

/*
 * mfa_otp_truncate - RFC 4226 dynamic truncation of an HMAC output of
 * maclen bytes (20..MFA_OTP_MAC_MAX): the 31-bit number at the offset
 * given by the low 4 bits of the last byte.  The offset is secret, so the
 * four bytes are selected without a secret-dependent memory index.
 * Returns the number, or 0 when maclen is out of range.
 */
uint32_t mfa_otp_truncate(const unsigned char *mac, size_t maclen);

/*
 * mfa_hotp - the HOTP value of key at counter: truncate(HMAC) modulo
 * 10^digits, digits 6 or 8.  The HMAC is wiped before returning.
 * Returns MFA_OK and sets *code, MFA_ERR_INVALID (bad argument or digits)
 * or MFA_ERR_CRYPTO.  *code is a secret: the caller wipes it.
 */
int mfa_hotp(const unsigned char *key, size_t keylen, enum mfa_otp_alg alg,
    uint64_t counter, unsigned int digits, uint32_t *code);

/*
 * mfa_otp_format - write code as exactly digits decimal digits, with
 * leading zeros, and a NUL into out (outsz >= digits + 1).
 * Returns MFA_OK, MFA_ERR_INVALID (digits not 6 or 8, NULL out),
 * MFA_ERR_RANGE (code >= 10^digits) or MFA_ERR_BUFSIZE.  On error out is
 * the empty string when outsz > 0.
 */
int mfa_otp_format(uint32_t code, unsigned int digits, char *out, size_t outsz);

/*
 * mfa_totp_step - the RFC 6238 time step of unix_time: floor(unix_time /
 * period), with T0 = 0.  Any period >= 1 is accepted here.
 * Returns MFA_OK and sets *step, MFA_ERR_RANGE (unix_time < 0) or
 * MFA_ERR_INVALID (period 0, step NULL).
 */
int mfa_totp_step(int64_t unix_time, unsigned int period, uint64_t *step);

/*
 * mfa_totp_code - the TOTP code string of key at unix_time under p (see
 * mfa_totp_params_check), into out (outsz >= p->digits + 1, e.g.
 * MFA_OTP_CODE_SIZE).  Returns MFA_OK or the errors of the functions
 * above; on error out is the empty string when outsz > 0.  out is a
 * secret until used: the caller wipes it.
 */
int mfa_totp_code(const unsigned char *key, size_t keylen,
    const struct mfa_totp_params *p, int64_t unix_time, char *out,
    size_t outsz);

/*
 * mfa_totp_verify - check a typed code against key at time now.
 *
 * code must be exactly p->digits ASCII digits and nothing else; otherwise
 * the result is MFA_ERR_FORMAT and no HMAC is computed.  With T the step
 * of now, the codes of every step in [T - window, T + window] (steps below
 * 0 do not exist and are skipped) are computed and compared with
 * mfa_ct_equal, all of them, with no early exit, so the time taken does
 * not tell which step matched, if any.
 *
 * after_step is the last step already accepted for this key (replay
 * protection), or NULL when none was: steps <= *after_step are not
 * eligible.  A pointer rather than a sentinel value so that step 0 is an
 * ordinary step.
 *
 * window is 0..MFA_TOTP_WINDOW_MAX.  matched_step may be NULL.
 * Returns MFA_OK and sets *matched_step to the highest eligible step whose
 * code matched; MFA_ERR_REPLAY when the code matched only ineligible
 * steps; MFA_ERR_MISMATCH when it matched none; MFA_ERR_FORMAT (see
 * above); MFA_ERR_RANGE (now < 0, or p out of range); MFA_ERR_INVALID
 * (NULL argument, window too large) or MFA_ERR_CRYPTO.
 */
int mfa_totp_verify(const unsigned char *key, size_t keylen,
    const struct mfa_totp_params *p, int64_t now, unsigned int window,
    const uint64_t *after_step, const char *code, uint64_t *matched_step);

/* The most counters one HOTP check may scan (a resynchronisation). */
#define MFA_HOTP_SCAN_MAX 1000

/*
 * mfa_hotp_verify - check a typed code against an RFC 4226 counter-based
 * token: the counters after *after (0 on when after is NULL), ahead of
 * them at most lookahead (1..MFA_HOTP_SCAN_MAX), each one computed and
 * compared in constant time with no early exit.  code must be exactly
 * digits (6 or 8) ASCII digits, or MFA_ERR_FORMAT.
 * Returns MFA_OK and the highest matching counter in *matched (may be
 * NULL), MFA_ERR_MISMATCH, MFA_ERR_FORMAT, MFA_ERR_INVALID (bad
 * arguments, a counter range that would overflow) or MFA_ERR_CRYPTO.
 */
int mfa_hotp_verify(const unsigned char *key, size_t keylen,
    enum mfa_otp_alg alg, unsigned int digits, const uint64_t *after,
    unsigned int lookahead, const char *code, uint64_t *matched);

/*
 * mfa_hotp_resync - find the lowest counter c after *after (0 on when
 * NULL), within lookahead (1..MFA_HOTP_SCAN_MAX), where code1 is the
 * token's code at c and code2 at c + 1: two consecutive presses of a
 * token that is far ahead.  Returns MFA_OK with c + 1 in *matched (the
 * counter now used up), MFA_ERR_MISMATCH, MFA_ERR_FORMAT or the errors
 * above.
 */
int mfa_hotp_resync(const unsigned char *key, size_t keylen,
    enum mfa_otp_alg alg, unsigned int digits, const uint64_t *after,
    unsigned int lookahead, const char *code1, const char *code2,
    uint64_t *matched);

#endif /* MFA_OTP_H */
