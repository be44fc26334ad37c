/*
 * reply.h - what a person typed at the "Verification code:" prompt.
 */
#ifndef MFA_REPLY_H
#define MFA_REPLY_H

#include "backup.h"

enum mfa_reply_kind {
	MFA_REPLY_EMPTY,   /* nothing (or only spaces): a request for a code */
	MFA_REPLY_NUMERIC, /* 6 or 8 digits: TOTP or an emailed code */
	MFA_REPLY_BACKUP,  /* a backup code */
	MFA_REPLY_EMAIL,   /* "email": send a code by email */
	MFA_REPLY_SMS,     /* "sms": send a code by text message */
	MFA_REPLY_INVALID, /* anything else: a wrong answer */
};

struct mfa_reply {
	enum mfa_reply_kind kind;
	char digits[9];                         /* NUMERIC: the digits */
	char backup[MFA_BACKUP_CODE_CHARS + 1]; /* BACKUP: normalised */
	unsigned int slot;                      /* BACKUP: its slot */
};

/*
 * mfa_reply_classify - sort a reply.  ASCII spaces are ignored anywhere
 * (apps show codes as "123 456"); any other byte outside the expected
 * alphabet (tabs, line breaks, non-ASCII digits) makes the reply INVALID.
 * The words "email" and "sms" (any case, spaces around) ask for a code.
 * The result holds secrets: wipe it with mfa_reply_wipe.
 */
void mfa_reply_classify(const char *text, struct mfa_reply *r);

/* mfa_reply_wipe - wipe a classified reply. */
void mfa_reply_wipe(struct mfa_reply *r);

#endif /* MFA_REPLY_H */
