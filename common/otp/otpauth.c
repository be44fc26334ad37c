/*
 * otpauth.c - the otpauth:// key URI and the grouped secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "otpauth.h"

/* A fixed-size output buffer; every append checks the space left. */
struct uri_buf {
	char *p;
	size_t len;
	size_t cap;
};

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~';
}

static int
is_base32(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7');
}

/*
 * Cannot fail with the size mfa_otpauth_uri computes; the check is there so
 * that a mistake in that sum gives an error, never a write out of bounds.
 */
static int
buf_put(struct uri_buf *b, const char *s, size_t n)
{
	if (n >= b->cap - b->len)
		return MFA_ERR_BUFSIZE;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return MFA_OK;
}

static int
buf_puts(struct uri_buf *b, const char *s)
{
	return buf_put(b, s, strlen(s));
}

/* Append s percent-encoded: RFC 3986 unreserved characters only stay. */
static int
buf_put_encoded(struct uri_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	char esc[3];
	int r;

	for (; *u != '\0'; u++) {
		if (is_unreserved(*u)) {
			r = buf_put(b, (const char *)u, 1);
		} else {
			esc[0] = '%';
			esc[1] = hex[*u >> 4];
			esc[2] = hex[*u & 0x0f];
			r = buf_put(b, esc, sizeof(esc));
		}
		if (r != MFA_OK)
			return r;
	}
	return MFA_OK;
}

/* Check the caller's parameters before anything is allocated. */
static int
check_params(const char *account, const char *secret_b32, const char *alg_name,
    unsigned digits, unsigned period)
{
	size_t i;

	if (account == NULL || account[0] == '\0' || secret_b32 == NULL ||
	    secret_b32[0] == '\0')
		return MFA_ERR_INVALID;
	for (i = 0; secret_b32[i] != '\0'; i++) {
		if (i >= MFA_OTPAUTH_MAX_SECRET)
			return MFA_ERR_TOOBIG;
		if (!is_base32((unsigned char)secret_b32[i]))
			return MFA_ERR_INVALID;
	}
	if (alg_name != NULL && strcmp(alg_name, "SHA1") != 0 &&
	    strcmp(alg_name, "SHA256") != 0 && strcmp(alg_name, "SHA512") != 0)
		return MFA_ERR_INVALID;
	if ((digits != 6 && digits != 8) || period < 15 || period > 300)
		return MFA_ERR_INVALID;
	return MFA_OK;
}

/* The query parameters that differ from the defaults SHA1/6/30. */
static int
put_nondefault(
    struct uri_buf *b, const char *alg_name, unsigned digits, unsigned period)
{
	char num[32];
	int r = MFA_OK;

	if (alg_name != NULL && strcmp(alg_name, "SHA1") != 0) {
		if ((r = buf_puts(b, "&algorithm=")) != MFA_OK ||
		    (r = buf_puts(b, alg_name)) != MFA_OK)
			return r;
	}
	if (digits != 6) {
		snprintf(num, sizeof(num), "&digits=%u", digits);
		if ((r = buf_puts(b, num)) != MFA_OK)
			return r;
	}
	if (period != 30) {
		snprintf(num, sizeof(num), "&period=%u", period);
		r = buf_puts(b, num);
	}
	return r;
}

/* Write the whole URI; issuer is NULL when there is none. */
static int
put_uri(struct uri_buf *b, const char *issuer, const char *account,
    const char *secret_b32, const char *alg_name, unsigned digits,
    unsigned period)
{
	int r;

	if ((r = buf_puts(b, "otpauth://totp/")) != MFA_OK)
		return r;
	if (issuer != NULL) {
		/* The label separator is the one literal ':'; a ':' inside
		 * either name is encoded, so apps split it unambiguously. */
		if ((r = buf_put_encoded(b, issuer)) != MFA_OK ||
		    (r = buf_puts(b, ":")) != MFA_OK)
			return r;
	}
	if ((r = buf_put_encoded(b, account)) != MFA_OK ||
	    (r = buf_puts(b, "?secret=")) != MFA_OK ||
	    (r = buf_puts(b, secret_b32)) != MFA_OK)
		return r;
	if (issuer != NULL) {
		/* Apps prefer the parameter over the label prefix. */
		if ((r = buf_puts(b, "&issuer=")) != MFA_OK ||
		    (r = buf_put_encoded(b, issuer)) != MFA_OK)
			return r;
	}
	return put_nondefault(b, alg_name, digits, period);
}

int
mfa_otpauth_uri(const char *issuer, const char *account, const char *secret_b32,
    const char *alg_name, unsigned digits, unsigned period, char **out)
{
	struct uri_buf b = {NULL, 0, 0};
	size_t ilen, alen;
	int has_issuer, r;

	if (out == NULL)
		return MFA_ERR_INVALID;
	*out = NULL;
	if ((r = check_params(account, secret_b32, alg_name, digits, period)) !=
	    MFA_OK)
		return r;
	has_issuer = issuer != NULL && issuer[0] != '\0';
	ilen = has_issuer ? strnlen(issuer, MFA_OTPAUTH_MAX_NAME + 1) : 0;
	alen = strnlen(account, MFA_OTPAUTH_MAX_NAME + 1);
	if (ilen > MFA_OTPAUTH_MAX_NAME || alen > MFA_OTPAUTH_MAX_NAME)
		return MFA_ERR_TOOBIG;
	/* Worst case: every name byte encoded (3x), issuer twice, and the
	 * fixed parts with the longest parameters; small, so no overflow. */
	b.cap = 128 + 6 * ilen + 3 * alen + strlen(secret_b32);
	if ((b.p = malloc(b.cap)) == NULL)
		return MFA_ERR_NOMEM;
	b.p[0] = '\0';
	if ((r = put_uri(&b, has_issuer ? issuer : NULL, account, secret_b32,
		 alg_name, digits, period)) != MFA_OK)
		goto out;
	*out = b.p;
	b.p = NULL;
out:
	/* The buffer holds the secret: wipe all of it, not just the string. */
	mfa_freezero(b.p, b.cap);
	return r;
}

int
mfa_otpauth_name_check(const char *name)
{
	if (name == NULL)
		return MFA_ERR_INVALID;
	for (; *name != '\0'; name++) {
		unsigned char ch = (unsigned char)*name;

		if (ch < 0x20 || ch >= 0x7f || ch == ':')
			return MFA_ERR_FORMAT;
	}
	return MFA_OK;
}

int
mfa_otpauth_group4(const char *b32, char *out, size_t outsz)
{
	size_t i, n, j = 0;

	if (out != NULL && outsz > 0)
		out[0] = '\0';
	if (b32 == NULL || out == NULL)
		return MFA_ERR_INVALID;
	n = strlen(b32);
	for (i = 0; i < n; i++) {
		if (!is_base32((unsigned char)b32[i]))
			return MFA_ERR_INVALID;
	}
	if (outsz < MFA_OTPAUTH_GROUP4_SIZE(n))
		return MFA_ERR_BUFSIZE;
	for (i = 0; i < n; i++) {
		if (i > 0 && i % 4 == 0)
			out[j++] = ' ';
		out[j++] = b32[i];
	}
	out[j] = '\0';
	return MFA_OK;
}
