/*
 * otpcode.c - emailed and SMS one-time codes, kept in the state record.
 *
 * The code is stored as SHA-256(salt || code).  A million codes are no
 * match for an offline search, so the hash is not what protects them: the
 * state file is root's, the code lives five minutes and dies after three
 * wrong answers.  The hash only keeps a usable code out of the file (and
 * out of a backup of it), and the salt keeps two equal codes from showing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "error.h"
#include "mem.h"
#include "otpcode.h"
#include "random.h"

#define OTPCODE_SPACE 1000000U /* 10^MFA_OTPCODE_DIGITS */

static int
is_code(const char *s)
{
	size_t i;

	for (i = 0; i < MFA_OTPCODE_DIGITS; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[MFA_OTPCODE_DIGITS] == '\0';
}

/* out = SHA-256(salt || code), code being MFA_OTPCODE_DIGITS digits. */
static int
code_hash(const unsigned char salt[16], const char *code, unsigned char out[32])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int outlen = 0;
	int rc = MFA_ERR_CRYPTO;

	if (ctx == NULL)
		return MFA_ERR_CRYPTO;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, salt, 16) == 1 &&
	    EVP_DigestUpdate(ctx, code, MFA_OTPCODE_DIGITS) == 1 &&
	    EVP_DigestFinal_ex(ctx, out, &outlen) == 1 && outlen == 32)
		rc = MFA_OK;
	EVP_MD_CTX_free(ctx);
	return rc;
}

static void
clear_pending(struct mfa_state *st)
{
	MFA_WIPE_OBJ(&st->otp);
	st->otp.active = 0;
	st->otp.channel = MFA_METHOD_NONE;
}

int
mfa_otpcode_issue(struct mfa_state *st, enum mfa_method channel, int64_t now,
    unsigned int ttl, char code_out[7])
{
	struct mfa_otp_pending p;
	uint32_t n = 0;
	int rc;

	if (code_out == NULL)
		return MFA_ERR_INVALID;
	mfa_wipe(code_out, MFA_OTPCODE_DIGITS + 1);
	if (st == NULL || now < 0 || ttl == 0 ||
	    (channel != MFA_METHOD_EMAIL && channel != MFA_METHOD_SMS))
		return MFA_ERR_INVALID;
	if (now > INT64_MAX - (int64_t)ttl)
		return MFA_ERR_RANGE;
	memset(&p, 0, sizeof(p));
	rc = mfa_random_uniform(OTPCODE_SPACE, &n);
	if (rc == MFA_OK)
		rc = mfa_random_bytes(p.salt, sizeof(p.salt));
	if (rc != MFA_OK)
		goto out;
	/* n < 10^6, so this always writes exactly 6 digits and a NUL. */
	snprintf(code_out, MFA_OTPCODE_DIGITS + 1, "%06u", (unsigned int)n);
	rc = code_hash(p.salt, code_out, p.hash);
	if (rc != MFA_OK)
		goto out;
	p.active = 1;
	p.channel = channel;
	p.expires = now + (int64_t)ttl;
	p.sent_at = now;
	p.tries_left = MFA_OTPCODE_TRIES;
	st->otp = p;
out:
	if (rc != MFA_OK)
		mfa_wipe(code_out, MFA_OTPCODE_DIGITS + 1);
	MFA_WIPE_OBJ(&p);
	MFA_WIPE_OBJ(&n);
	return rc;
}

/* A recorded time, clamped to [0, now] (see the header). */
static int64_t
send_time(const struct mfa_state *st, size_t i, int64_t now)
{
	int64_t t = st->send_times[i];

	return t < 0 ? 0 : (t > now ? now : t);
}

/*
 * Seconds until the hourly cap allows a send: with count sends in the
 * window and at most hourly_max - 1 allowed to remain, the
 * (count - hourly_max + 1)-th oldest must leave the window first.
 */
static int64_t
hourly_wait(const struct mfa_state *st, size_t nsends, int64_t now,
    unsigned int hourly_max)
{
	int64_t win[MFA_STATE_MAX_SENDS], t;
	size_t i, j, count = 0;

	for (i = 0; i < nsends; i++) {
		t = send_time(st, i, now);
		if (now - t >= MFA_STATE_SEND_WINDOW)
			continue;
		/* Insertion sort: at most MFA_STATE_MAX_SENDS values. */
		for (j = count; j > 0 && win[j - 1] > t; j--)
			win[j] = win[j - 1];
		win[j] = t;
		count++;
	}
	if (count < hourly_max)
		return 0;
	return MFA_STATE_SEND_WINDOW - (now - win[count - hourly_max]);
}

int
mfa_otpcode_may_send(const struct mfa_state *st, int64_t now,
    unsigned int interval, unsigned int hourly_max, int64_t *wait_s)
{
	int64_t wait = 0, last = -1, t, hw;
	size_t i, n;

	if (wait_s != NULL)
		*wait_s = 0;
	if (st == NULL || now < 0 || hourly_max == 0)
		return MFA_ERR_INVALID;
	n = st->nsends < MFA_STATE_MAX_SENDS ? st->nsends : MFA_STATE_MAX_SENDS;
	for (i = 0; i < n; i++) {
		t = send_time(st, i, now);
		if (t > last)
			last = t;
	}
	if (last >= 0 && now - last < (int64_t)interval)
		wait = (int64_t)interval - (now - last);
	hw = hourly_wait(st, n, now, hourly_max);
	if (hw > wait)
		wait = hw;
	if (wait_s != NULL)
		*wait_s = wait;
	return wait > 0 ? MFA_ERR_DENIED : MFA_OK;
}

/* Drop send times that have left the window, as mfa_state_prune does. */
static void
prune_sends(struct mfa_state *st, int64_t now)
{
	size_t i, j = 0;

	if (st->nsends > MFA_STATE_MAX_SENDS)
		st->nsends = MFA_STATE_MAX_SENDS;
	for (i = 0; i < st->nsends; i++) {
		int64_t t = st->send_times[i];

		if (t <= now && now - t >= MFA_STATE_SEND_WINDOW)
			continue;
		st->send_times[j++] = t;
	}
	for (i = j; i < st->nsends; i++)
		st->send_times[i] = 0;
	st->nsends = j;
}

void
mfa_otpcode_note_send(struct mfa_state *st, int64_t now)
{
	size_t i, oldest = 0;

	if (st == NULL || now < 0)
		return;
	prune_sends(st, now);
	if (st->nsends >= MFA_STATE_MAX_SENDS) {
		for (i = 1; i < st->nsends; i++)
			if (st->send_times[i] < st->send_times[oldest])
				oldest = i;
		memmove(&st->send_times[oldest], &st->send_times[oldest + 1],
		    (st->nsends - oldest - 1) * sizeof(st->send_times[0]));
		st->nsends--;
	}
	st->send_times[st->nsends++] = now;
}

int
mfa_otpcode_verify(struct mfa_state *st, const char *typed, int64_t now)
{
	unsigned char h[32];
	int rc, same;

	if (st == NULL || typed == NULL)
		return MFA_ERR_INVALID;
	if (!is_code(typed))
		return MFA_ERR_FORMAT;
	if (!st->otp.active || st->otp.tries_left == 0 ||
	    now >= st->otp.expires) {
		clear_pending(st);
		return MFA_ERR_EXPIRED;
	}
	rc = code_hash(st->otp.salt, typed, h);
	if (rc != MFA_OK)
		goto out;
	same = mfa_ct_equal(h, st->otp.hash, sizeof(h));
	if (same) {
		clear_pending(st); /* single use */
		rc = MFA_OK;
		goto out;
	}
	if (--st->otp.tries_left == 0)
		clear_pending(st);
	rc = MFA_ERR_MISMATCH;
out:
	MFA_WIPE_ARRAY(h);
	return rc;
}
