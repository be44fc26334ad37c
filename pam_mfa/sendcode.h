/*
 * sendcode.h - "Press Enter to get a code by email": sending a one-time
 * code during a login (DESIGN §3, §7).
 */
#ifndef MFA_SENDCODE_H
#define MFA_SENDCODE_H

#include "login.h"

enum mfa_send {
	MFA_SEND_SENT,   /* sent; the user was told where and how long */
	MFA_SEND_WAIT,   /* throttled; the user was told when to retry */
	MFA_SEND_NONE,   /* no such channel for this user */
	MFA_SEND_FAILED, /* delivery failed; the user was pointed to the
			    other methods, the reason logged */
	MFA_SEND_ERROR,  /* the state could not be used */
};

/*
 * mfa_sendcode_channel - the channel an empty reply (want ==
 * MFA_METHOD_NONE) or a keyword (MFA_METHOD_EMAIL / MFA_METHOD_SMS) asks
 * for, given what the user has: email first for an empty reply.
 * MFA_METHOD_NONE when the user has no such channel.
 */
enum mfa_method mfa_sendcode_channel(
    const struct mfa_login *lg, enum mfa_method want);

/*
 * mfa_sendcode - make a new code for channel (only the newest counts),
 * store its hash and expiry in the root state, and deliver it, unless
 * the per-user throttle (email_interval, email_hourly_max) says wait.
 * Every delivery attempt counts toward the throttle.
 */
enum mfa_send mfa_sendcode(struct mfa_login *lg, enum mfa_method channel);

/*
 * mfa_sendcode_describe - the part of the info line naming the channels
 * the user has, e.g. " Press Enter to get a code by email
 * (a•••@example.com)." ("" when none).
 */
void mfa_sendcode_describe(const struct mfa_login *lg, char *out, size_t outsz);

/*
 * mfa_sendcode_notify - with notify=, email the user (if they have an
 * address) a one-line notice about event (e.g. "A backup code was used"),
 * naming the host, the account, the time and the client's address.  A
 * failure is only logged.
 */
void mfa_sendcode_notify(struct mfa_login *lg, const char *event);

#endif /* MFA_SENDCODE_H */
