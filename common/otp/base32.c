/*
 * base32.c - RFC 4648 base32, strict for stored data, forgiving for typing.
 *
 * The decoded bytes are usually a TOTP key, so the character <-> value
 * mappings are computed with masks rather than looked up in a table or
 * chosen by branches: neither the cache nor the branch predictor then sees
 * the secret.  Only the final accept/reject decision depends on the data.
 */
#include <stdint.h>

#include "base32.h"
#include "error.h"
#include "mem.h"

/* All ones when lo <= c <= hi, else 0, without a branch. */
static unsigned int
range_mask(unsigned int c, unsigned int lo, unsigned int hi)
{
	/* (c - lo) and (hi - c) are both non-negative iff c is in range;
	 * the sign bit of their OR is set otherwise. */
	unsigned int m = (c - lo) | (hi - c);

	return ((m >> (sizeof(m) * 8 - 1)) & 1U) - 1U;
}

/* The 5-bit value of an upper-case base32 character, or 0xff. */
static unsigned int
b32_value(unsigned char ch)
{
	unsigned int c = ch, v = 0, ok, az, digit;

	az = range_mask(c, 'A', 'Z');
	digit = range_mask(c, '2', '7');
	v |= az & (c - 'A');
	v |= digit & (c - '2' + 26);
	ok = az | digit;
	return (v & ok) | (0xffU & ~ok);
}

/* The character of a 5-bit value (0..31). */
static char
b32_char(unsigned int v)
{
	/* 'A' + v for 0..25, '2' + (v - 26) for 26..31. */
	unsigned int letter = range_mask(v, 0, 25);
	unsigned int c = (letter & ('A' + v)) | (~letter & ('2' + v - 26));

	return (char)(c & 0xffU);
}

int
mfa_base32_encode(const unsigned char *in, size_t len, char *out, size_t outsz)
{
	uint32_t acc = 0;
	unsigned int bits = 0;
	size_t i, o = 0;

	if (out == NULL || (in == NULL && len > 0))
		return MFA_ERR_INVALID;
	if (len > (SIZE_MAX - 5) / 8 ||
	    outsz < MFA_BASE32_ENCODED_LEN(len) + 1) {
		if (outsz > 0)
			out[0] = '\0';
		return MFA_ERR_BUFSIZE;
	}
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_char((acc >> bits) & 31U);
		}
		acc &= (1U << bits) - 1U; /* keep only the unused bits */
	}
	if (bits > 0)
		out[o++] = b32_char((acc << (5 - bits)) & 31U);
	out[o] = '\0';
	return MFA_OK;
}

/* Lengths a canonical unpadded encoding can have: 8 characters hold 5
 * bytes; 1, 3 and 6 leftover characters encode no whole number of bytes. */
static int
b32_len_ok(size_t inlen)
{
	size_t r = inlen % 8;

	return r == 0 || r == 2 || r == 4 || r == 5 || r == 7;
}

int
mfa_base32_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outsz, size_t *outlen)
{
	uint32_t acc = 0;
	unsigned int bits = 0, bad = 0, v;
	size_t i, o = 0, need;

	if (outlen == NULL || (in == NULL && inlen > 0) ||
	    (out == NULL && outsz > 0))
		return MFA_ERR_INVALID;
	*outlen = 0;
	if (!b32_len_ok(inlen))
		return MFA_ERR_FORMAT;
	need = inlen / 8 * 5 + (inlen % 8) * 5 / 8;
	if (outsz < need)
		return MFA_ERR_BUFSIZE;
	for (i = 0; i < inlen; i++) {
		v = b32_value((unsigned char)in[i]);
		bad |= v >> 5; /* non-zero only for 0xff */
		acc = (acc << 5) | (v & 31U);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
			acc &= (1U << bits) - 1U;
		}
	}
	/* Left-over bits must be zero, or two strings would decode alike. */
	bad |= acc;
	if (bad != 0) {
		mfa_wipe(out, o);
		return MFA_ERR_FORMAT;
	}
	*outlen = o;
	return MFA_OK;
}

/* 1 for the separators a person may type between groups. */
static int
is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '-';
}

int
mfa_base32_normalize(const char *in, char *out, size_t outsz)
{
	size_t i, o = 0;
	int padding = 0, rc = MFA_OK;
	char c;

	if (in == NULL || out == NULL || outsz == 0)
		return in == NULL || out == NULL ? MFA_ERR_INVALID
						 : MFA_ERR_BUFSIZE;
	for (i = 0; in[i] != '\0'; i++) {
		c = in[i];
		if (is_separator(c))
			continue;
		if (c == '=') {
			padding = 1; /* only padding may follow */
			continue;
		}
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (padding || b32_value((unsigned char)c) == 0xffU) {
			rc = MFA_ERR_FORMAT;
			goto out;
		}
		if (o + 1 >= outsz) {
			rc = MFA_ERR_BUFSIZE;
			goto out;
		}
		out[o++] = c;
	}
	out[o] = '\0';
out:
	if (rc != MFA_OK)
		mfa_wipe(out, outsz); /* may be a partial secret */
	return rc;
}
