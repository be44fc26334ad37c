/*
 * base32.h - RFC 4648 base32, strict for stored data, forgiving for typing.
 *
 * No I/O, no clock.
 */
#ifndef MFA_BASE32_H
#define MFA_BASE32_H

#include <stddef.h>

/* Characters of the unpadded encoding of n bytes (without the NUL). */
#define MFA_BASE32_ENCODED_LEN(n) (((n)*8 + 4) / 5)

/*
 * mfa_base32_encode - canonical base32 of len bytes at in: upper case, no
 * '=' padding, NUL-terminated in out.  outsz must be at least
 * MFA_BASE32_ENCODED_LEN(len) + 1.
 * Returns MFA_OK, or MFA_ERR_BUFSIZE (out untouched beyond out[0] = '\0').
 */
int mfa_base32_encode(
    const unsigned char *in, size_t len, char *out, size_t outsz);

/*
 * mfa_base32_decode - strict decoder for stored data: inlen characters of
 * A-Z and 2-7 only, no padding, a length that a canonical encoding can
 * have (inlen % 8 in {0, 2, 4, 5, 7}) and unused trailing bits zero.  So
 * every byte string has exactly one accepted encoding.  Writes the bytes to
 * out (outsz bytes available) and their count to *outlen.
 * Returns MFA_OK, MFA_ERR_FORMAT (anything else; out may hold partial
 * data, which the caller must wipe) or MFA_ERR_BUFSIZE.
 */
int mfa_base32_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outsz, size_t *outlen);

/*
 * mfa_base32_normalize - turn what a person typed or pasted into the
 * canonical form: drop spaces, tabs and dashes, upper-case letters, drop
 * trailing '=' padding.  out (outsz bytes) receives a NUL-terminated string
 * that mfa_base32_decode can then check.
 * Returns MFA_OK, MFA_ERR_FORMAT (a character outside a-z, A-Z, 2-7 and the
 * separators, or '=' before the end) or MFA_ERR_BUFSIZE.
 */
int mfa_base32_normalize(const char *in, char *out, size_t outsz);

#endif /* MFA_BASE32_H */
