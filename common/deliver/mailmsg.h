/*
 * mailmsg.h - the text of the emailed code, of the notice emails and of
 * the SMS.
 *
 * Pure: the host name, the time and the Message-ID's random part are
 * given by the caller; no I/O, no clock.  Every value that ends up in a
 * header is validated first, so that a hostile address, host or user name
 * can never add a header line (a "Bcc:") or split the message: addresses
 * must pass mfa_addr_email_check, the host name is a DNS-style name, the
 * user name printable ASCII.  Lines end in "\n" only: the sendmail
 * interface (sendmail -t -i, msmtp -t) converts to CRLF for SMTP.
 */
#ifndef MFA_MAILMSG_H
#define MFA_MAILMSG_H

#include <stddef.h>
#include <stdint.h>

/* Longest host name accepted (a DNS name). */
#define MFA_MAIL_HOST_MAX 253
/* Longest user name accepted. */
#define MFA_MAIL_USER_MAX 256
/* Longest notice text accepted. */
#define MFA_MAIL_TEXT_MAX 1024
/* Length of the Message-ID's random part: 16..64 lower-case hex digits. */
#define MFA_MAIL_MSGID_MIN 16
#define MFA_MAIL_MSGID_MAX 64
/* Longest validity accepted, in minutes (one day). */
#define MFA_MAIL_TTL_MAX 1440

/* What a code is for: signing in, or confirming the address it went to. */
enum mfa_mail_purpose { MFA_MAIL_SIGN_IN = 0, MFA_MAIL_CONFIRM };

struct mfa_mail {
	enum mfa_mail_purpose purpose; /* of the code; notices ignore it */
	const char *from;         /* envelope and header sender (mail_from=) */
	const char *to;           /* the user's address */
	const char *host;         /* this machine's name, shown to the user */
	const char *user;         /* the account the code is for */
	const char *code;         /* exactly 6 digits; unused by notices */
	unsigned int ttl_minutes; /* 1..MFA_MAIL_TTL_MAX; unused by notices */
	int64_t now;              /* unix seconds for the Date header, >= 0 */
	const char *msgid_random_hex; /* random left part of Message-ID */
};

/*
 * mfa_mail_code_message - the whole RFC 5322 message carrying m->code:
 * headers From, To, Subject ("Your sign-in code for HOST"), Date (UTC,
 * "Tue, 24 Nov 2026 21:00:00 +0000"), Message-ID (<HEX@HOST>),
 * Auto-Submitted: auto-generated, MIME-Version, Content-Type (text/plain,
 * UTF-8), Content-Transfer-Encoding (8bit), then a body giving the code,
 * what it is for ("to sign in to HOST as USER"), how long it is valid,
 * and that nobody from IT will ask for it.  With m->purpose
 * MFA_MAIL_CONFIRM the code confirms the address instead: Subject
 * "Confirm your email address for HOST", a body saying that typing it
 * into mfa-enroll confirms that this address receives USER's sign-in
 * codes on HOST, and what to do if the reader did not ask for that.
 * *out receives a fresh NUL-terminated allocation, *len its length
 * without the NUL.  It holds the code: the caller releases it with
 * mfa_strfree (which wipes).  On failure *out is NULL and *len 0.
 * Returns MFA_OK, MFA_ERR_INVALID (NULL m, field, out or len),
 * MFA_ERR_FORMAT (a field fails validation: address, host, user, code
 * not 6 digits, Message-ID part not 16..64 lower-case hex),
 * MFA_ERR_RANGE (ttl_minutes 0 or too large, now negative or past the
 * year 9999) or MFA_ERR_NOMEM.
 */
int mfa_mail_code_message(const struct mfa_mail *m, char **out, size_t *len);

/*
 * mfa_mail_notice_message - a message without any code (notify=), e.g.
 * about a backup code used or a device trusted: the same headers with the
 * Subject "Sign-in notice for HOST", and a body made of text (one line
 * of 1..MFA_MAIL_TEXT_MAX printable ASCII bytes, e.g. "A backup code was
 * used to sign in to HOST as USER at TIME from RHOST"; the caller cleans
 * an untrusted RHOST with mfa_log_clean) and advice to tell the
 * administrator if this was not the user.  m->code and m->ttl_minutes
 * are ignored.  Ownership, results and failures as for
 * mfa_mail_code_message (the text is no secret, but wiping is harmless).
 */
int mfa_mail_notice_message(
    const struct mfa_mail *m, const char *text, char **out, size_t *len);

/*
 * mfa_sms_confirm_text - mfa_sms_text for a code that confirms the phone
 * number: "HOST confirmation code: 123456 (valid 5 min). Type it into
 * mfa-enroll. Nobody will ask you for it."
 */
int mfa_sms_confirm_text(const char *host, const char *code,
    unsigned int ttl_minutes, char **out, size_t *len);

/*
 * mfa_sms_text - the text of an SMS carrying code:
 * "HOST sign-in code: 123456 (valid 5 min). Nobody will ask you for it."
 * host and code are validated as in mfa_mail_code_message.  *out and
 * *len as there: the caller releases *out with mfa_strfree.
 * Returns MFA_OK, MFA_ERR_INVALID, MFA_ERR_FORMAT, MFA_ERR_RANGE or
 * MFA_ERR_NOMEM.
 */
int mfa_sms_text(const char *host, const char *code, unsigned int ttl_minutes,
    char **out, size_t *len);

#endif /* MFA_MAILMSG_H */
