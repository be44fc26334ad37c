/*
 * addr.c - validation and masking of email addresses and phone numbers.
 *
 * The rules are a whitelist: every byte must belong to a small set, so
 * whatever a later consumer (a mailer's argument vector, a To: header, a
 * log line) does with the string, it cannot carry a header break, an
 * option, a shell metacharacter it could misread or an encoding trick.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "error.h"
#include "text.h"

/* U+2022 BULLET in UTF-8. */
#define BULLET "\xe2\x80\xa2"
#define BULLET_LEN 3

/*
 * Reject the bytes that are never acceptable in either kind of address.
 * Checking them first gives the most useful reason for the most dangerous
 * input (a line break is a header injection, not a typo).
 */
static int
check_bytes(const char *s, size_t len, char *why, size_t whysz)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\r') {
			mfa_text_why(why, whysz, "contains a line break");
			return MFA_ERR_FORMAT;
		}
		if (c < 0x20 || c == 0x7f) {
			mfa_text_why(
			    why, whysz, "contains a control character");
			return MFA_ERR_FORMAT;
		}
		if (c >= 0x80) {
			mfa_text_why(why, whysz, "contains a non-ASCII byte");
			return MFA_ERR_FORMAT;
		}
		if (c == ' ') {
			mfa_text_why(why, whysz, "contains a space");
			return MFA_ERR_FORMAT;
		}
	}
	return MFA_OK;
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_local_char(char c)
{
	return is_alnum(c) || (c != '\0' && strchr(".!#$%&*+/=?^_`{|}~-", c));
}

static int
check_local(const char *s, size_t len, char *why, size_t whysz)
{
	size_t i;

	if (len == 0) {
		mfa_text_why(why, whysz, "has an empty local part");
		return MFA_ERR_FORMAT;
	}
	if (len > MFA_ADDR_LOCAL_MAX) {
		mfa_text_why(why, whysz, "local part is longer than %d bytes",
		    MFA_ADDR_LOCAL_MAX);
		return MFA_ERR_FORMAT;
	}
	if (s[0] == '-') {
		mfa_text_why(why, whysz, "starts with '-'");
		return MFA_ERR_FORMAT;
	}
	if (s[0] == '.' || s[len - 1] == '.') {
		mfa_text_why(why, whysz, "local part starts or ends with '.'");
		return MFA_ERR_FORMAT;
	}
	for (i = 0; i < len; i++) {
		if (!is_local_char(s[i])) {
			/* check_bytes has made s[i] printable ASCII. */
			mfa_text_why(
			    why, whysz, "local part contains '%c'", s[i]);
			return MFA_ERR_FORMAT;
		}
		if (s[i] == '.' && s[i + 1] == '.') {
			mfa_text_why(why, whysz, "local part contains \"..\"");
			return MFA_ERR_FORMAT;
		}
	}
	return MFA_OK;
}

static int
check_label(const char *s, size_t len, char *why, size_t whysz)
{
	size_t i;

	if (len == 0) {
		mfa_text_why(why, whysz, "domain has an empty label");
		return MFA_ERR_FORMAT;
	}
	if (len > MFA_ADDR_LABEL_MAX) {
		mfa_text_why(why, whysz, "domain label is longer than %d bytes",
		    MFA_ADDR_LABEL_MAX);
		return MFA_ERR_FORMAT;
	}
	for (i = 0; i < len; i++) {
		if (!is_alnum(s[i]) && s[i] != '-') {
			mfa_text_why(why, whysz, "domain contains '%c'", s[i]);
			return MFA_ERR_FORMAT;
		}
	}
	if (s[0] == '-' || s[len - 1] == '-') {
		mfa_text_why(
		    why, whysz, "domain label starts or ends with '-'");
		return MFA_ERR_FORMAT;
	}
	return MFA_OK;
}

static int
check_domain(const char *s, size_t len, char *why, size_t whysz)
{
	size_t start = 0, labels = 0, i;
	int r;

	if (len == 0) {
		mfa_text_why(why, whysz, "has an empty domain");
		return MFA_ERR_FORMAT;
	}
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		r = check_label(s + start, i - start, why, whysz);
		if (r != MFA_OK)
			return r;
		labels++;
		start = i + 1;
	}
	if (labels < 2) {
		mfa_text_why(why, whysz, "domain has a single label");
		return MFA_ERR_FORMAT;
	}
	return MFA_OK;
}

int
mfa_addr_email_check(const char *addr, char *why, size_t whysz)
{
	const char *at;
	size_t len;
	int r;

	mfa_text_why(why, whysz, "%s", "");
	if (addr == NULL)
		return MFA_ERR_INVALID;
	len = strnlen(addr, MFA_ADDR_EMAIL_MAX + 1);
	r = check_bytes(addr, len, why, whysz);
	if (r != MFA_OK)
		return r;
	if (len > MFA_ADDR_EMAIL_MAX) {
		mfa_text_why(
		    why, whysz, "is longer than %d bytes", MFA_ADDR_EMAIL_MAX);
		return MFA_ERR_FORMAT;
	}
	if (len < 3) {
		mfa_text_why(why, whysz, "is shorter than 3 bytes");
		return MFA_ERR_FORMAT;
	}
	at = memchr(addr, '@', len);
	if (at == NULL) {
		mfa_text_why(why, whysz, "has no '@'");
		return MFA_ERR_FORMAT;
	}
	if (memchr(at + 1, '@', len - (size_t)(at - addr) - 1) != NULL) {
		mfa_text_why(why, whysz, "has more than one '@'");
		return MFA_ERR_FORMAT;
	}
	r = check_local(addr, (size_t)(at - addr), why, whysz);
	if (r != MFA_OK)
		return r;
	return check_domain(at + 1, len - (size_t)(at - addr) - 1, why, whysz);
}

int
mfa_addr_phone_check(const char *number, char *why, size_t whysz)
{
	size_t len, i;
	int r;

	mfa_text_why(why, whysz, "%s", "");
	if (number == NULL)
		return MFA_ERR_INVALID;
	len = strnlen(number, MFA_ADDR_PHONE_MAX_DIGITS + 2);
	r = check_bytes(number, len, why, whysz);
	if (r != MFA_OK)
		return r;
	if (number[0] == '-') {
		mfa_text_why(why, whysz, "starts with '-'");
		return MFA_ERR_FORMAT;
	}
	if (number[0] != '+') {
		mfa_text_why(why, whysz, "does not start with '+'");
		return MFA_ERR_FORMAT;
	}
	for (i = 1; i < len; i++) {
		if (number[i] < '0' || number[i] > '9') {
			mfa_text_why(why, whysz, "contains '%c', not a digit",
			    number[i]);
			return MFA_ERR_FORMAT;
		}
	}
	if (len - 1 > MFA_ADDR_PHONE_MAX_DIGITS) {
		mfa_text_why(why, whysz, "has more than %d digits",
		    MFA_ADDR_PHONE_MAX_DIGITS);
		return MFA_ERR_FORMAT;
	}
	if (len - 1 < MFA_ADDR_PHONE_MIN_DIGITS) {
		mfa_text_why(why, whysz, "has fewer than %d digits",
		    MFA_ADDR_PHONE_MIN_DIGITS);
		return MFA_ERR_FORMAT;
	}
	if (number[1] == '0') {
		mfa_text_why(why, whysz, "country code starts with 0");
		return MFA_ERR_FORMAT;
	}
	return MFA_OK;
}

/* Append n bytes to out at *pos, keeping room for the NUL. */
static int
put(char *out, size_t outsz, size_t *pos, const char *s, size_t n)
{
	if (outsz - *pos <= n)
		return MFA_ERR_BUFSIZE;
	memcpy(out + *pos, s, n);
	*pos += n;
	out[*pos] = '\0';
	return MFA_OK;
}

int
mfa_addr_email_mask(const char *addr, char *out, size_t outsz)
{
	const char *at;
	size_t pos = 0;
	int r;

	if (addr == NULL || out == NULL || outsz == 0)
		return MFA_ERR_INVALID;
	out[0] = '\0';
	r = mfa_addr_email_check(addr, NULL, 0);
	if (r != MFA_OK)
		return r;
	at = strchr(addr, '@');
	r = put(out, outsz, &pos, addr, 1);
	if (r == MFA_OK)
		r = put(out, outsz, &pos, BULLET BULLET BULLET, 3 * BULLET_LEN);
	if (r == MFA_OK)
		r = put(out, outsz, &pos, at, strlen(at));
	if (r != MFA_OK)
		out[0] = '\0';
	return r;
}

int
mfa_addr_phone_mask(const char *number, char *out, size_t outsz)
{
	size_t digits, i, pos = 0;
	int r;

	if (number == NULL || out == NULL || outsz == 0)
		return MFA_ERR_INVALID;
	out[0] = '\0';
	r = mfa_addr_phone_check(number, NULL, 0);
	if (r != MFA_OK)
		return r;
	digits = strlen(number) - 1;
	/* '+' and the first two digits: the country, rarely a secret. */
	r = put(out, outsz, &pos, number, 3);
	for (i = 2; r == MFA_OK && i < digits - 3; i++)
		r = put(out, outsz, &pos, BULLET, BULLET_LEN);
	if (r == MFA_OK)
		r = put(out, outsz, &pos, number + 1 + digits - 3, 3);
	if (r != MFA_OK)
		out[0] = '\0';
	return r;
}
