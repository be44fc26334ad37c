/*
 * enrolment.c - steps shared by every way of enrolling an app.
 */
#include <stdio.h>
#include <string.h>

#include "enrolment.h"
#include "error.h"
#include "mem.h"
#include "otp.h"

int
mfa_enrolment_new(int64_t now, struct mfa_secret **out)
{
	int rc;

	if (out == NULL)
		return MFA_ERR_INVALID;
	rc = mfa_secret_new(out);
	if (rc == MFA_OK)
		rc = mfa_secret_generate(*out, MFA_SECRET_KEY_DEFAULT, now);
	if (rc != MFA_OK) {
		mfa_secret_free(*out);
		*out = NULL;
	}
	return rc;
}

int
mfa_enrolment_text(const struct mfa_secret *s, const char *issuer,
    const char *account, struct mfa_enrolment_text *t)
{
	char b32[MFA_ENROLMENT_B32_SIZE];
	int rc;

	if (t == NULL)
		return MFA_ERR_INVALID;
	memset(t, 0, sizeof(*t));
	if (s == NULL || s->keylen == 0)
		return MFA_ERR_INVALID;
	rc = mfa_base32_encode(s->key, s->keylen, b32, sizeof(b32));
	if (rc == MFA_OK)
		rc = mfa_otpauth_uri(issuer, account, b32,
		    mfa_otp_alg_name(s->totp.alg), s->totp.digits,
		    s->totp.period, &t->uri);
	if (rc == MFA_OK)
		rc = mfa_otpauth_group4(b32, t->grouped, sizeof(t->grouped));
	MFA_WIPE_ARRAY(b32);
	if (rc != MFA_OK)
		mfa_enrolment_text_wipe(t);
	return rc;
}

void
mfa_enrolment_text_wipe(struct mfa_enrolment_text *t)
{
	if (t == NULL)
		return;
	mfa_strfree(t->uri);
	t->uri = NULL;
	MFA_WIPE_ARRAY(t->grouped);
}

void
mfa_enrolment_mark(struct mfa_state *st, const unsigned char id[16],
    int64_t now, const uint64_t *step)
{
	st->enrolled = 1;
	st->enrolled_at = now;
	memcpy(st->enrolled_id, id, sizeof(st->enrolled_id));
	/* The old floor counted steps of another key: meaningless now. */
	st->has_last_step = step != NULL;
	st->totp_last_step = step != NULL ? *step : 0;
	/* Devices trusted under an earlier enrolment are not trusted by
	 * this one (DESIGN section 6). */
	mfa_state_device_remove_all(st);
	/* The file on disk is now the confirmed one: a pending enrolment at
	 * login describes nothing any more (issue 14). */
	mfa_state_enrol_pending_clear(st);
}

int
mfa_enrolment_same(const struct mfa_state *st, const struct mfa_secret *s)
{
	return s != NULL && st->enrolled &&
	    memcmp(st->enrolled_id, s->id, sizeof(st->enrolled_id)) == 0;
}

const uint64_t *
mfa_enrolment_floor(const struct mfa_state *st, const struct mfa_secret *s,
    const struct mfa_authenticator *a)
{
	if (memcmp(a->id, s->id, sizeof(a->id)) != 0)
		return mfa_state_auth_floor(st, a->id);
	if (st->has_last_step && mfa_enrolment_same(st, s))
		return &st->totp_last_step;
	return NULL;
}

void
mfa_enrolment_set_floor(struct mfa_state *st, const struct mfa_secret *s,
    const struct mfa_authenticator *a, uint64_t step, int drift)
{
	if (memcmp(a->id, s->id, sizeof(a->id)) != 0) {
		mfa_state_auth_set(st, a->id, step, drift);
		return;
	}
	st->has_last_step = 1;
	st->totp_last_step = step;
	/* Its offset alone needs a line: a version 1 record without one. */
	if (drift != 0 || mfa_state_auth_floor(st, a->id) != NULL)
		mfa_state_auth_set(st, a->id, step, drift);
}

int64_t
mfa_enrolment_last_code(const struct mfa_state *st, const struct mfa_secret *s,
    const struct mfa_authenticator *a)
{
	const uint64_t *floor = mfa_enrolment_floor(st, s, a);

	if (floor == NULL || a->hotp || a->totp.period == 0 ||
	    *floor > (uint64_t)INT64_MAX / a->totp.period)
		return 0;
	return (int64_t)(*floor * a->totp.period);
}

int
mfa_enrolment_drift(
    const struct mfa_state *st, const struct mfa_authenticator *a)
{
	return mfa_state_auth_drift(st, a->id) * (int)a->totp.period;
}

void
mfa_enrolment_free_name(
    const struct mfa_secret *s, int hotp, char *name, size_t namesz)
{
	unsigned int i;

	/* At most MFA_SECRET_AUTH_MAX names are taken: one of the first
	 * MFA_SECRET_AUTH_MAX + 1 candidates is free. */
	for (i = 2; i < MFA_SECRET_AUTH_MAX + 3; i++) {
		if (hotp)
			snprintf(
			    name, namesz, i == 2 ? "token" : "token%u", i - 1);
		else
			snprintf(name, namesz, "app%u", i);
		if (mfa_secret_auth_find(s, name) < 0)
			return;
	}
}

void
mfa_enrolment_authenticator(const struct mfa_secret *tmp, const char *name,
    int hotp, struct mfa_authenticator *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	memcpy(a->id, tmp->id, sizeof(a->id)); /* random */
	a->created = tmp->created;
	memcpy(a->key, tmp->key, sizeof(a->key));
	a->keylen = tmp->keylen;
	a->totp = tmp->totp;
	a->hotp = hotp;
}
