/*
 * text.h - the pieces the line-oriented formats share: the secret file
 * (secretfile.h), the module state (state.h) and SSH_AUTH_INFO_0
 * (device.h).  One walker for their line loop (length, bytes, final
 * newline, then the format's own line parser), recording why and where
 * input was refused, and the two strict spellings every format uses:
 * canonical decimal numbers and lower-case hex.  Buffers only: no I/O, no
 * clock.
 *
 * Each parser keeps its own grammar and its own messages; what is here is
 * only what was the same in all of them, so one fix reaches every parser.
 */
#ifndef MFA_TEXT_H
#define MFA_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Why a parse failed.  line is the 1-based line number, or 0 when the
 * input as a whole is at fault (too big, a required key missing); msg is a
 * short English reason without the line number, NUL-terminated printable
 * ASCII.  A parser never copies input bytes into msg except names it has
 * already checked, so a message can be logged as it is.
 */
struct mfa_parse_error {
	unsigned int line;
	char msg[160];
};

/*
 * A text being parsed line by line.  Set it up with mfa_text_init and
 * walk it with mfa_text_walk; the fields are read by the parser (line for
 * its own bookkeeping) but only changed through the functions below
 * (mfa_text_fail_at names another line, or 0 for the whole input).
 */
struct mfa_text {
	const char *buf;   /* the input; not NUL-terminated */
	size_t len, pos;   /* its length, the start of the next line */
	unsigned int line; /* the line last returned; 0 before */
	struct mfa_parse_error *err; /* where failures go; may be NULL */
};

/*
 * mfa_text_init - start walking the len bytes at buf (kept, not copied:
 * they must outlive t).  err (may be NULL) receives failures; it is not
 * cleared here.
 */
void mfa_text_init(struct mfa_text *t, const char *buf, size_t len,
    struct mfa_parse_error *err);

/*
 * mfa_text_next_line - the next line of t: *s points at it inside the
 * buffer, *n is its length without the '\n', *terminated is 1 when a '\n'
 * ends it and 0 when it runs to the end of the buffer (a truncated last
 * line: each format decides when to refuse it).  t->line counts it.
 * Returns 1 with a line, or 0 at the end of the input.
 */
int mfa_text_next_line(
    struct mfa_text *t, const char **s, size_t *n, int *terminated);

/*
 * mfa_text_fail - record in t->err (when not NULL) the current line number
 * t->line and the message fmt, truncated to fit; then return code, so a
 * parser can write "return mfa_text_fail(t, MFA_ERR_FORMAT, ...)".
 */
int mfa_text_fail(struct mfa_text *t, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * mfa_text_fail_at - mfa_text_fail for another line than the current one:
 * line is the 1-based line at fault, or 0 when the input as a whole is
 * (a required key missing, a rule across lines).  t->line becomes line.
 */
int mfa_text_fail_at(struct mfa_text *t, unsigned int line, int code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The skeleton every line-oriented format shares, for mfa_text_walk: how
 * long a line may be, what a last line without its '\n' is, and the
 * format's own checks of a line's bytes and of the line itself.  ctx is
 * the format's parser, which holds the struct mfa_text the callbacks fail
 * through.
 */
struct mfa_text_rules {
	size_t max_line; /* longest line without its '\n'; 0: no limit */
	/* Why a last line without its '\n' is refused (MFA_ERR_FORMAT). */
	const char *no_newline;
	/*
	 * 1: the newline is checked first (a torn write shows as a truncated
	 * line, whatever it holds); 0: after the length and bytes, so a
	 * bad byte is named even on the last line.
	 */
	int newline_first;
	/* The bytes of a line (NULL: no check); MFA_OK or an error. */
	int (*check)(void *ctx, const char *s, size_t n);
	/* One line (not NUL-terminated, without its '\n'). */
	int (*line)(void *ctx, const char *s, size_t n);
};

/*
 * How a format names the bytes its lines may never hold: a NUL, a carriage
 * return, and any other control byte, said as ctl_before "0x%02x"
 * ctl_after (each format keeps the words its users and tests know).
 */
struct mfa_text_byte_words {
	const char *nul;
	const char *cr;
	const char *ctl_before, *ctl_after;
};

/*
 * mfa_text_check_controls - refuse the first NUL, CR or other control byte
 * (below 0x20, or 0x7f) of the n bytes at s, in the words w, through
 * mfa_text_fail on t.  Returns MFA_OK or MFA_ERR_FORMAT.
 */
int mfa_text_check_controls(struct mfa_text *t, const char *s, size_t n,
    const struct mfa_text_byte_words *w);

/*
 * mfa_text_walk - run every line of t through the rules r, in order: the
 * newline (when r->newline_first), the length (MFA_ERR_TOOBIG "line longer
 * than N bytes"), r->check, the newline (otherwise), r->line.  Stops at
 * the first error, which the callbacks (or this function, through
 * mfa_text_fail) have recorded with its line number.
 * Returns MFA_OK after the last line, or that error.
 */
int mfa_text_walk(
    struct mfa_text *t, const struct mfa_text_rules *r, void *ctx);

/*
 * mfa_text_digits - the n bytes at s, which must all be decimal digits
 * (leading zeros allowed: a format that wants one spelling per value
 * checks that itself), as a number no larger than max.
 * Returns MFA_OK (*out set), MFA_ERR_FORMAT (n is 0, or a byte that is not
 * a digit before the value went past max) or MFA_ERR_RANGE.
 */
int mfa_text_digits(const char *s, size_t n, uint64_t max, uint64_t *out);

/*
 * mfa_text_uint - s (a C string) as a canonical decimal number no larger
 * than max: digits only (no sign, no space), no leading zero except "0"
 * itself, no overflow.  One spelling per value keeps files easy to audit
 * and compare.  The spelling is checked before the value, so a malformed
 * number is MFA_ERR_FORMAT however long it is.
 * Returns MFA_OK (*out set), MFA_ERR_FORMAT or MFA_ERR_RANGE (above max);
 * on failure *why (when why is not NULL) is a static reason: "empty
 * number", "leading zero", "not a decimal number" or "number out of
 * range".
 */
int mfa_text_uint(const char *s, uint64_t max, uint64_t *out, const char **why);

/*
 * mfa_text_hex_decode - s (a C string) as exactly 2 * n lower-case hex
 * digits into out[n].  Upper case is refused: the formats have one
 * spelling per value.
 * Returns MFA_OK or MFA_ERR_FORMAT (out may then hold part of a value).
 */
int mfa_text_hex_decode(const char *s, unsigned char *out, size_t n);

/*
 * mfa_text_hex_encode - the n bytes at in as 2 * n lower-case hex digits
 * and a NUL in out (2 * n + 1 bytes).
 */
void mfa_text_hex_encode(const unsigned char *in, size_t n, char *out);

/*
 * Text being written into a buffer of fixed capacity: the serializers of
 * the secret and state files, whose capacity is the format's size limit.
 */
struct mfa_text_out {
	char *buf;       /* cap bytes, the caller's */
	size_t len, cap; /* text so far (without its NUL); cap counts the NUL */
	int rc;          /* MFA_OK, or MFA_ERR_TOOBIG once a text did not fit */
};

/*
 * mfa_text_printf - append the printf-formatted text to o->buf.  When it
 * does not fit, o->rc becomes MFA_ERR_TOOBIG, o->buf keeps the text before
 * it (NUL-terminated), and this and every later call append nothing: the
 * caller checks o->rc once at the end.
 */
void mfa_text_printf(struct mfa_text_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * mfa_text_why - snprintf into a caller's reason buffer that may be
 * absent: nothing happens when why is NULL or whysz is 0.
 */
void mfa_text_why(char *why, size_t whysz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* MFA_TEXT_H */
