/*
 * addr.h - validation and masking of email addresses and phone numbers.
 *
 * An address read from a user's file ends up in the argument vector or the
 * headers of a mail or SMS program run by root, so the rules are strict and
 * deliberately narrower than RFC 5322: no quoted local parts, no comments,
 * no IP literals, no spaces, no control or non-ASCII bytes, no leading '-'
 * (which a program could take for an option).  No I/O, no clock.
 */
#ifndef MFA_ADDR_H
#define MFA_ADDR_H

#include <stddef.h>

/* Longest accepted email address (RFC 5321's path limit less the <>). */
#define MFA_ADDR_EMAIL_MAX 254
/* Longest local part (RFC 5321). */
#define MFA_ADDR_LOCAL_MAX 64
/* Longest DNS label. */
#define MFA_ADDR_LABEL_MAX 63
/* E.164: '+' then at most 15 digits; we also want at least 8. */
#define MFA_ADDR_PHONE_MIN_DIGITS 8
#define MFA_ADDR_PHONE_MAX_DIGITS 15
/* Room for any masked address or number, with the NUL. */
#define MFA_ADDR_MASK_SIZE 288

/*
 * mfa_addr_email_check - is addr an email address we are willing to mail?
 * 3..254 bytes; exactly one '@'; a local part of 1..64 bytes of
 * [A-Za-z0-9.!#$%&*+/=?^_`{|}~-] that does not start with '-' or '.', does
 * not end with '.' and holds no ".."; a domain of at least two
 * dot-separated labels of [A-Za-z0-9-], 1..63 bytes each, none starting or
 * ending with '-'.
 * Returns MFA_OK, MFA_ERR_FORMAT (with a short English reason such as
 * "contains a line break" copied to why, truncated to whysz bytes; why may
 * be NULL when whysz is 0) or MFA_ERR_INVALID (addr NULL).
 */
int mfa_addr_email_check(const char *addr, char *why, size_t whysz);

/*
 * mfa_addr_phone_check - is number an E.164 number: '+' then 8..15 digits,
 * the first not 0?  Results and why as for mfa_addr_email_check.
 */
int mfa_addr_phone_check(const char *number, char *why, size_t whysz);

/*
 * mfa_addr_email_mask - write a form of addr safe to show to whoever is at
 * the login prompt or to log: its first byte, three U+2022 bullets (UTF-8),
 * '@' and the domain, e.g. "a\u2022\u2022\u2022@example.com".  addr must
 * pass mfa_addr_email_check.
 * Returns MFA_OK, MFA_ERR_FORMAT (addr invalid), MFA_ERR_INVALID (NULL
 * argument or outsz 0) or MFA_ERR_BUFSIZE (out then holds "").
 * MFA_ADDR_MASK_SIZE bytes are always enough.
 */
int mfa_addr_email_mask(const char *addr, char *out, size_t outsz);

/*
 * mfa_addr_phone_mask - the same for a phone number: '+', the first two
 * digits, one bullet per hidden digit, the last three digits, e.g.
 * "+44\u2022\u2022\u2022\u2022\u2022\u2022\u2022890" for +441234567890.
 * number must pass mfa_addr_phone_check.  Results as for
 * mfa_addr_email_mask.
 */
int mfa_addr_phone_mask(const char *number, char *out, size_t outsz);

#endif /* MFA_ADDR_H */
