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
 * every byte string has exactly one accepted encoding.  A NUL inside the
 * inlen characters is an error like any other character.  The empty
 * string (inlen 0) is valid and decodes to zero bytes; callers that need a
 * minimum key length check *outlen.  Writes the bytes to out (outsz bytes
 * available, at least inlen * 5 / 8) and their count to *outlen.
 * Returns MFA_OK, MFA_ERR_FORMAT (anything else; the bytes written so far
 * are wiped again, *outlen is 0), MFA_ERR_BUFSIZE or MFA_ERR_INVALID (a
 * NULL pointer).  The caller owns and wipes the decoded secret.
 */
int mfa_base32_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outsz, size_t *outlen);

/*
 * mfa_base32_normalize - turn what a person typed or pasted into the
 * canonical form: drop spaces, tabs and dashes, upper-case letters, drop
 * trailing '=' padding.  out (outsz bytes) receives a NUL-terminated string
 * that mfa_base32_decode can then check.
 * Returns MFA_OK, MFA_ERR_FORMAT (a character outside a-z, A-Z, 2-7 and the
 * separators, or '=' followed by anything but '=' and separators) or
 * MFA_ERR_BUFSIZE (outsz must be at least the normalised length + 1).  On
 * any error all outsz bytes of out are wiped (they may hold part of a
 * secret) and out is the empty string when outsz > 0.
 */
int mfa_base32_normalize(const char *in, char *out, size_t outsz);

#endif /* MFA_BASE32_H */
