/*
 * otpcode.h - emailed and SMS one-time codes, kept in the state record.
 *
 * A code is 6 digits drawn without modulo bias from the kernel CSPRNG.
 * Only a salted SHA-256 of it is stored (struct mfa_otp_pending in the
 * root-owned state), with its expiry and a count of tries left, so that
 * it survives a dropped connection and a second login.  Only the newest
 * code counts; it is single use and dies after MFA_OTPCODE_TRIES wrong
 * answers.  Sends are throttled from the record's send_times.  Pure: no
 * I/O, no clock; time is always a parameter.
 */
#ifndef MFA_OTPCODE_H
#define MFA_OTPCODE_H

#include <stdint.h>

#include "state.h"

/* Digits of a code, and wrong answers before it dies. */
#define MFA_OTPCODE_DIGITS 6
#define MFA_OTPCODE_TRIES 3

/*
 * mfa_otpcode_issue - start a new code for channel (MFA_METHOD_EMAIL or
 * MFA_METHOD_SMS) at time now (>= 0), valid ttl seconds (> 0): 6 digits,
 * zero-padded, from mfa_random_uniform(1000000); a fresh 16-byte salt;
 * st->otp becomes {active, channel, expires now + ttl, tries_left 3,
 * sent_at now, salt, SHA-256(salt || code)}, replacing any pending code.
 * code_out receives the 6 digits and a NUL, for delivery only: the caller
 * wipes it (MFA_WIPE_ARRAY) once the message is built.
 * On failure st is unchanged and code_out is zeroed.
 * Returns MFA_OK, MFA_ERR_INVALID (NULL argument, another channel, now
 * negative, ttl 0), MFA_ERR_RANGE (now + ttl overflows), MFA_ERR_SYSTEM
 * (no randomness) or MFA_ERR_CRYPTO (SHA-256 failed).
 */
int mfa_otpcode_issue(struct mfa_state *st, enum mfa_method channel,
    int64_t now, unsigned int ttl, char code_out[7]);

/*
 * mfa_otpcode_may_send - may a code be sent at time now?  Yes (MFA_OK)
 * when the newest send in st->send_times is at least interval seconds
 * before now and fewer than hourly_max (>= 1) sends lie within the last
 * MFA_STATE_SEND_WINDOW seconds (times t with now - 3600 < t <= now).  A
 * recorded time after now (the clock went back) counts as a send at now,
 * so a clock change cannot lift the throttle and cannot block sends for
 * longer than the throttle itself would.  Otherwise MFA_ERR_DENIED and
 * *wait_s (may be NULL) receives the seconds until a send is allowed;
 * it is 0 when allowed.  Note that the record keeps at most
 * MFA_STATE_MAX_SENDS times, so an hourly_max above that never denies.
 * Returns MFA_OK, MFA_ERR_DENIED or MFA_ERR_INVALID (st NULL, now
 * negative, hourly_max 0).
 */
int mfa_otpcode_may_send(const struct mfa_state *st, int64_t now,
    unsigned int interval, unsigned int hourly_max, int64_t *wait_s);

/*
 * mfa_otpcode_note_send - record a send at time now (>= 0; a negative
 * now is ignored) in st->send_times: times at or before now - 3600 are
 * dropped first, and when MFA_STATE_MAX_SENDS remain, the oldest makes
 * room.  The order of the others is kept.
 */
void mfa_otpcode_note_send(struct mfa_state *st, int64_t now);

/*
 * mfa_otpcode_verify - check typed (exactly 6 digits) against the pending
 * code at time now, comparing the salted hashes in constant time.
 * MFA_OK: it matched and the code is consumed (cleared: single use).
 * MFA_ERR_EXPIRED: no pending code, none with tries left, or now is at or
 * past its expiry (the dead code is cleared).  MFA_ERR_MISMATCH: wrong;
 * tries_left goes down by one, and at 0 the code is cleared.
 * MFA_ERR_FORMAT: typed is not 6 digits (nothing is counted: the caller
 * only sends 6-digit answers here).  MFA_ERR_INVALID: NULL argument.
 * MFA_ERR_CRYPTO: SHA-256 failed (nothing changed).
 * Counting the wrong answer towards the lock-out is the caller's job.
 */
int mfa_otpcode_verify(struct mfa_state *st, const char *typed, int64_t now);

#endif /* MFA_OTPCODE_H */
