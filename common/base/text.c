/*
 * text.c - line walking, parse errors and strict numbers shared by the
 * parsers of the secret file, the state file and SSH_AUTH_INFO_0.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "text.h"

void
mfa_text_init(struct mfa_text *t, const char *buf, size_t len,
    struct mfa_parse_error *err)
{
	t->buf = buf;
	t->len = buf != NULL ? len : 0;
	t->pos = 0;
	t->line = 0;
	t->err = err;
}

int
mfa_text_next_line(
    struct mfa_text *t, const char **s, size_t *n, int *terminated)
{
	const char *start, *nl;

	if (t->pos >= t->len)
		return 0;
	start = t->buf + t->pos;
	nl = memchr(start, '\n', t->len - t->pos);
	*s = start;
	*n = nl != NULL ? (size_t)(nl - start) : t->len - t->pos;
	*terminated = nl != NULL;
	t->pos += *n + (nl != NULL);
	t->line++;
	return 1;
}

static int __attribute__((format(printf, 3, 0)))
text_vfail(struct mfa_text *t, int code, const char *fmt, va_list ap)
{
	if (t->err != NULL) {
		t->err->line = t->line;
		vsnprintf(t->err->msg, sizeof(t->err->msg), fmt, ap);
	}
	return code;
}

int
mfa_text_fail(struct mfa_text *t, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = text_vfail(t, code, fmt, ap);
	va_end(ap);
	return code;
}

int
mfa_text_fail_at(
    struct mfa_text *t, unsigned int line, int code, const char *fmt, ...)
{
	va_list ap;

	t->line = line;
	va_start(ap, fmt);
	code = text_vfail(t, code, fmt, ap);
	va_end(ap);
	return code;
}

int
mfa_text_check_controls(struct mfa_text *t, const char *s, size_t n,
    const struct mfa_text_byte_words *w)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return mfa_text_fail(t, MFA_ERR_FORMAT, "%s", w->nul);
		if (c == '\r')
			return mfa_text_fail(t, MFA_ERR_FORMAT, "%s", w->cr);
		if (c < 0x20 || c == 0x7f)
			return mfa_text_fail(t, MFA_ERR_FORMAT, "%s0x%02x%s",
			    w->ctl_before, c, w->ctl_after);
	}
	return MFA_OK;
}

int
mfa_text_walk(struct mfa_text *t, const struct mfa_text_rules *r, void *ctx)
{
	const char *s;
	size_t n;
	int rc, terminated;

	while (mfa_text_next_line(t, &s, &n, &terminated)) {
		if (r->newline_first && !terminated)
			return mfa_text_fail(
			    t, MFA_ERR_FORMAT, "%s", r->no_newline);
		if (r->max_line != 0 && n > r->max_line)
			return mfa_text_fail(t, MFA_ERR_TOOBIG,
			    "line longer than %zu bytes", r->max_line);
		if (r->check != NULL && (rc = r->check(ctx, s, n)) != MFA_OK)
			return rc;
		if (!terminated)
			return mfa_text_fail(
			    t, MFA_ERR_FORMAT, "%s", r->no_newline);
		if ((rc = r->line(ctx, s, n)) != MFA_OK)
			return rc;
	}
	return MFA_OK;
}

int
mfa_text_digits(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0)
		return MFA_ERR_FORMAT;
	for (i = 0; i < n; i++) {
		uint64_t d =
		    (uint64_t)((unsigned char)s[i] - (unsigned char)'0');

		if (d > 9)
			return MFA_ERR_FORMAT;
		/* Written so that v * 10 + d can never wrap. */
		if (d > max || v > (max - d) / 10)
			return MFA_ERR_RANGE;
		v = v * 10 + d;
	}
	*out = v;
	return MFA_OK;
}

int
mfa_text_uint(const char *s, uint64_t max, uint64_t *out, const char **why)
{
	const char *reason = NULL;
	int rc;

	if (s[0] == '\0')
		reason = "empty number";
	else if (s[0] == '0' && s[1] != '\0')
		reason = "leading zero";
	else if (s[strspn(s, "0123456789")] != '\0')
		reason = "not a decimal number";
	if (reason != NULL) {
		if (why != NULL)
			*why = reason;
		return MFA_ERR_FORMAT;
	}
	rc = mfa_text_digits(s, strlen(s), max, out);
	if (rc != MFA_OK && why != NULL)
		*why = "number out of range";
	return rc;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
mfa_text_hex_decode(const char *s, unsigned char *out, size_t n)
{
	size_t i;
	int hi, lo;

	/* strnlen: never read further than one byte past the value. */
	if (strnlen(s, 2 * n + 1) != 2 * n)
		return MFA_ERR_FORMAT;
	for (i = 0; i < n; i++) {
		hi = hex_value(s[2 * i]);
		lo = hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return MFA_ERR_FORMAT;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return MFA_OK;
}

void
mfa_text_hex_encode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

void
mfa_text_printf(struct mfa_text_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->rc != MFA_OK || o->len >= o->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->rc = MFA_ERR_TOOBIG;
		o->buf[o->len] = '\0';
		return;
	}
	o->len += (size_t)n;
}

void
mfa_text_why(char *why, size_t whysz, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whysz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
}
