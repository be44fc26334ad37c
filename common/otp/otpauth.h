/*
 * otpauth.h - the otpauth:// key URI that authenticator apps read from a QR
 * code, and the grouped secret for typing it in by hand.
 *
 * The URI follows the "Key Uri Format" that Google Authenticator defined
 * and the other apps copied:
 *   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER
 * with &algorithm=, &digits= and &period= only when they differ from the
 * defaults SHA1, 6 and 30, because some apps refuse or mishandle
 * parameters they do not expect.  No I/O, no clock.
 */
#ifndef MFA_OTPAUTH_H
#define MFA_OTPAUTH_H

#include <stddef.h>

/* Longest issuer and account accepted, in bytes (before encoding). */
#define MFA_OTPAUTH_MAX_NAME 256
/* Longest base32 secret accepted (64 bytes encode to 103 characters). */
#define MFA_OTPAUTH_MAX_SECRET 128

/*
 * mfa_otpauth_uri - build the key URI for a TOTP secret.
 * issuer: who the account belongs to (e.g. a host name); NULL or "" leaves
 * the issuer out of both the label and the parameters.  account: the user's
 * name for it (e.g. "alice@host"), not empty.  Both are percent-encoded per
 * RFC 3986: only A-Z a-z 0-9 - . _ ~ stay as they are, every other byte
 * (including ':', '@', space and UTF-8 bytes) becomes %XX in upper-case
 * hex; the one ':' between issuer and account is literal.  secret_b32:
 * canonical base32 (A-Z, 2-7, no padding).  alg_name: "SHA1", "SHA256" or
 * "SHA512" (NULL means SHA1).  digits: 6 or 8.  period: 15..300 seconds.
 * On success *out is a malloc'd NUL-terminated string that holds the
 * secret: the caller wipes and frees it with mfa_strfree.
 * Returns MFA_OK, MFA_ERR_INVALID (a NULL or empty account, a bad
 * character in the secret, an unknown algorithm, digits or period out of
 * range), MFA_ERR_TOOBIG (a name or the secret over its limit) or
 * MFA_ERR_NOMEM; *out is NULL on error.
 */
int mfa_otpauth_uri(const char *issuer, const char *account,
    const char *secret_b32, const char *alg_name, unsigned digits,
    unsigned period, char **out);

/*
 * The rule of mfa_otpauth_name_check, as every refusal words it (the
 * issuer= option and mfa-enroll's --issuer and --label).
 */
#define MFA_OTPAUTH_NAME_RULE "only printable ASCII without ':' is allowed"

/*
 * mfa_otpauth_name_check - may name be given as an issuer or an account
 * label?  Only printable ASCII (0x20..0x7e) without ':': the Key URI
 * format separates issuer and account with ':' and forbids it in either,
 * and apps that split the label even at an encoded ':' would show the
 * wrong names.  Length is not checked here.
 * Returns MFA_OK, MFA_ERR_FORMAT (a byte outside the rule) or
 * MFA_ERR_INVALID (NULL).
 */
int mfa_otpauth_name_check(const char *name);

/*
 * mfa_otpauth_group4 - the base32 secret b32 in groups of four characters
 * separated by single spaces ("GEZD GNBV GY3T ..."), for typing into an
 * app by hand.  out (outsz bytes) must hold strlen(b32) + the number of
 * spaces + 1; MFA_OTPAUTH_GROUP4_SIZE gives the size needed.  The result
 * is a secret: the caller wipes out after use.
 * Returns MFA_OK, MFA_ERR_INVALID (NULL, or a character outside A-Z and
 * 2-7) or MFA_ERR_BUFSIZE; on error out holds "" when outsz > 0.
 */
int mfa_otpauth_group4(const char *b32, char *out, size_t outsz);

/* Bytes mfa_otpauth_group4 needs for n base32 characters, NUL included. */
#define MFA_OTPAUTH_GROUP4_SIZE(n) ((n) + ((n) > 0 ? ((n)-1) / 4 : 0) + 1)

#endif /* MFA_OTPAUTH_H */
