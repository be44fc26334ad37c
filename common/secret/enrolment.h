/*
 * enrolment.h - the steps of enrolling an authenticator app that the
 * module (enrolment at login) and mfa-enroll share: a new secret, the text
 * that shows it (key URI, key in groups of four), the record that marks the
 * user enrolled.
 *
 * No I/O, no clock (time is a parameter), no PAM: callers show the text
 * and store the results.
 */
#ifndef MFA_ENROLMENT_H
#define MFA_ENROLMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base32.h"
#include "otpauth.h"
#include "secretfile.h"
#include "state.h"

/* Longest base32 form of a key, and of the same in groups of four. */
#define MFA_ENROLMENT_B32_SIZE (MFA_BASE32_ENCODED_LEN(MFA_SECRET_KEY_MAX) + 1)
#define MFA_ENROLMENT_GROUPED_SIZE                                             \
	MFA_OTPAUTH_GROUP4_SIZE(MFA_BASE32_ENCODED_LEN(MFA_SECRET_KEY_MAX))

/* How a secret is shown to a person; every field is a secret. */
struct mfa_enrolment_text {
	char *uri;                                /* otpauth:// key URI */
	char grouped[MFA_ENROLMENT_GROUPED_SIZE]; /* "GEZD GNBV ..." */
};

/*
 * mfa_enrolment_new - a fresh record for an app enrolment at time now:
 * a random id, a random MFA_SECRET_KEY_DEFAULT-byte key and the default
 * TOTP parameters (SHA1, 6 digits, 30 s), no address, no backup codes.
 * Returns MFA_OK with *out (the caller frees it with mfa_secret_free,
 * which wipes the key), MFA_ERR_INVALID (bad now), MFA_ERR_NOMEM or
 * MFA_ERR_SYSTEM (no randomness); *out is NULL on error.
 */
int mfa_enrolment_new(int64_t now, struct mfa_secret **out);

/*
 * mfa_enrolment_text - the key URI of s for issuer and account (see
 * mfa_otpauth_uri: issuer may be NULL or "", account must not be empty)
 * and the key in groups of four, into *t.  On MFA_OK the caller wipes and
 * frees *t with mfa_enrolment_text_wipe.  Returns MFA_OK or the errors of
 * mfa_otpauth_uri and mfa_otpauth_group4; on error *t holds nothing.
 */
int mfa_enrolment_text(const struct mfa_secret *s, const char *issuer,
    const char *account, struct mfa_enrolment_text *t);

/* mfa_enrolment_text_wipe - wipe and free what *t holds.  NULL is fine. */
void mfa_enrolment_text_wipe(struct mfa_enrolment_text *t);

/*
 * mfa_enrolment_mark - record in the module's state st that the user is
 * enrolled with the secret whose id is id[16] at time now (DESIGN section 2:
 * from now on a missing secret file is a failure).  step is the TOTP step the
 * user proved while enrolling, which becomes the replay floor, or NULL when
 * none was proved here (the floor is then cleared, since it belonged to an
 * earlier secret).  Trusted devices of the earlier enrolment are forgotten,
 * and so is a pending enrolment at login.
 */
void mfa_enrolment_mark(struct mfa_state *st, const unsigned char id[16],
    int64_t now, const uint64_t *step);

/*
 * mfa_enrolment_same - 1 when the record st was made for the enrolment
 * whose secret is s (st says enrolled, with s's id): its replay floor and
 * trusted devices belong to this secret, not to an earlier one.  0 when s
 * is NULL, st is not enrolled or the ids differ.
 */
int mfa_enrolment_same(const struct mfa_state *st, const struct mfa_secret *s);

/*
 * mfa_enrolment_floor - the replay floor (last accepted step) of
 * authenticator a of secret s in st, or NULL when none is recorded.  The
 * file's own authenticator (its id is the start of the file's id: every
 * version 1 file) keeps totp-last-step, valid only while st was made for
 * s (mfa_enrolment_same); every other one its own auth-step line
 * (state.h), so that a code from one phone never burns a step of another.
 */
const uint64_t *mfa_enrolment_floor(const struct mfa_state *st,
    const struct mfa_secret *s, const struct mfa_authenticator *a);

/*
 * mfa_enrolment_set_floor - record step as the replay floor of
 * authenticator a of s in st (where mfa_enrolment_floor looks), and drift
 * (time steps, clamped to +-MFA_STATE_MAX_DRIFT) as its clock's offset
 * (mfa_state_auth_drift: the centre of its next window).
 */
void mfa_enrolment_set_floor(struct mfa_state *st, const struct mfa_secret *s,
    const struct mfa_authenticator *a, uint64_t step, int drift);

/*
 * mfa_enrolment_last_code - when authenticator a of s last gave a code
 * that was accepted, as far as st tells: the start of its replay floor's
 * time step (unix seconds), or 0 when none is recorded or a is an HOTP
 * token (its floor is a counter, not a time).
 */
int64_t mfa_enrolment_last_code(const struct mfa_state *st,
    const struct mfa_secret *s, const struct mfa_authenticator *a);

/*
 * mfa_enrolment_drift - the clock offset learnt for authenticator a at
 * login, in seconds (< 0: its clock is behind), 0 when none is.
 */
int mfa_enrolment_drift(
    const struct mfa_state *st, const struct mfa_authenticator *a);

/*
 * mfa_enrolment_free_name - the default name of an authenticator added to
 * s: the first of app2, app3... (token, token2... when hotp) that no
 * authenticator of s has, into name (namesz bytes, at least
 * MFA_SECRET_NAME_MAX + 1).
 */
void mfa_enrolment_free_name(
    const struct mfa_secret *s, int hotp, char *name, size_t namesz);

/*
 * mfa_enrolment_authenticator - *a made from the new secret tmp (its key,
 * parameters, creation time, and the first 8 bytes of its random id) under
 * name (a valid name, secretfile.h), an HOTP token when hotp.  *a holds
 * the key: the caller wipes it (MFA_WIPE_OBJ).
 */
void mfa_enrolment_authenticator(const struct mfa_secret *tmp, const char *name,
    int hotp, struct mfa_authenticator *a);

#endif /* MFA_ENROLMENT_H */
