/*
 * otp.c - HOTP (RFC 4226) and TOTP (RFC 6238) over OpenSSL's EVP_MAC.
 *
 * One EVP_MAC context is set up per call and re-keyed for each counter,
 * so verifying a window fetches the HMAC implementation once, not once
 * per step.  OpenSSL's HMAC provider clears its copy of the key when the
 * context is freed; this file wipes every MAC and code it computes.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "error.h"
#include "mem.h"
#include "otp.h"

struct otp_mac {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
	const unsigned char *key;
	size_t keylen;
};

static const char *const alg_names[] = {
    [MFA_OTP_SHA1] = "SHA1",
    [MFA_OTP_SHA256] = "SHA256",
    [MFA_OTP_SHA512] = "SHA512",
};

int
mfa_otp_alg_parse(const char *name, enum mfa_otp_alg *alg)
{
	size_t i;

	if (name == NULL || alg == NULL)
		return MFA_ERR_INVALID;
	for (i = 0; i < sizeof(alg_names) / sizeof(alg_names[0]); i++) {
		if (strcmp(name, alg_names[i]) == 0) {
			*alg = (enum mfa_otp_alg)i;
			return MFA_OK;
		}
	}
	return MFA_ERR_FORMAT;
}

const char *
mfa_otp_alg_name(enum mfa_otp_alg alg)
{
	if ((unsigned int)alg >= sizeof(alg_names) / sizeof(alg_names[0]))
		return NULL;
	return alg_names[alg];
}

int
mfa_totp_params_check(const struct mfa_totp_params *p)
{
	if (p == NULL)
		return MFA_ERR_INVALID;
	if (mfa_otp_alg_name(p->alg) == NULL ||
	    (p->digits != 6 && p->digits != 8) ||
	    p->period < MFA_TOTP_PERIOD_MIN || p->period > MFA_TOTP_PERIOD_MAX)
		return MFA_ERR_RANGE;
	return MFA_OK;
}

static void
otp_mac_close(struct otp_mac *m)
{
	EVP_MAC_CTX_free(m->ctx); /* clears the key it holds */
	EVP_MAC_free(m->mac);
	m->ctx = NULL;
	m->mac = NULL;
}

/* Prepare m for HMAC with the hash of alg under key (kept by reference). */
static int
otp_mac_open(struct otp_mac *m, const unsigned char *key, size_t keylen,
    enum mfa_otp_alg alg)
{
	OSSL_PARAM params[2];
	const char *digest = mfa_otp_alg_name(alg);
	int rc = MFA_ERR_CRYPTO;

	memset(m, 0, sizeof(*m));
	if (key == NULL || keylen == 0 || digest == NULL)
		return MFA_ERR_INVALID;
	m->key = key;
	m->keylen = keylen;
	/* OSSL_PARAM takes a non-const pointer but only reads the name. */
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	m->mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	if (m->mac == NULL)
		goto out;
	m->ctx = EVP_MAC_CTX_new(m->mac);
	if (m->ctx == NULL || EVP_MAC_CTX_set_params(m->ctx, params) != 1)
		goto out;
	rc = MFA_OK;
out:
	if (rc != MFA_OK) {
		otp_mac_close(m);
		ERR_clear_error(); /* no stale errors for the host program */
	}
	return rc;
}

/* HMAC of the 8-byte big-endian counter into mac (macsz bytes). */
static int
otp_mac_run(struct otp_mac *m, uint64_t counter, unsigned char *mac,
    size_t macsz, size_t *maclen)
{
	unsigned char msg[8];
	size_t i, len = 0;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)(counter >> (56 - 8 * i));
	if (EVP_MAC_init(m->ctx, m->key, m->keylen, NULL) != 1 ||
	    EVP_MAC_update(m->ctx, msg, sizeof(msg)) != 1 ||
	    EVP_MAC_final(m->ctx, mac, &len, macsz) != 1 || len < 20) {
		mfa_wipe(mac, macsz);
		ERR_clear_error();
		return MFA_ERR_CRYPTO;
	}
	*maclen = len;
	return MFA_OK;
}

int
mfa_otp_hmac(const unsigned char *key, size_t keylen, enum mfa_otp_alg alg,
    uint64_t counter, unsigned char *mac, size_t macsz, size_t *maclen)
{
	struct otp_mac m;
	int rc;

	if (mac == NULL || maclen == NULL)
		return MFA_ERR_INVALID;
	if (macsz < MFA_OTP_MAC_MAX)
		return MFA_ERR_BUFSIZE;
	rc = otp_mac_open(&m, key, keylen, alg);
	if (rc != MFA_OK)
		return rc;
	rc = otp_mac_run(&m, counter, mac, macsz, maclen);
	otp_mac_close(&m);
	return rc;
}

uint32_t
mfa_otp_truncate(const unsigned char *mac, size_t maclen)
{
	uint32_t off, word, mask, v = 0;
	uint32_t i;

	if (mac == NULL || maclen < 20 || maclen > MFA_OTP_MAC_MAX)
		return 0;
	off = mac[maclen - 1] & 0xfU;
	/* Read all 16 candidate words and keep the one at off: the memory
	 * accesses are the same whatever the (secret) offset is. */
	for (i = 0; i < 16; i++) {
		word = (uint32_t)mac[i] << 24 | (uint32_t)mac[i + 1] << 16 |
		    (uint32_t)mac[i + 2] << 8 | (uint32_t)mac[i + 3];
		mask = 0U - ((((i ^ off) - 1U) >> 31) & 1U); /* i == off */
		v |= word & mask;
	}
	return v & 0x7fffffffU;
}

/* truncate(mac) mod 10^digits, digits already checked to be 6 or 8. */
static uint32_t
otp_reduce(const unsigned char *mac, size_t maclen, unsigned int digits)
{
	uint32_t bin = mfa_otp_truncate(mac, maclen);

	/* Constant divisors: compiled to multiplications, whose time does
	 * not depend on the secret operand. */
	return digits == 8 ? bin % 100000000U : bin % 1000000U;
}

int
mfa_hotp(const unsigned char *key, size_t keylen, enum mfa_otp_alg alg,
    uint64_t counter, unsigned int digits, uint32_t *code)
{
	unsigned char mac[MFA_OTP_MAC_MAX];
	size_t maclen = 0;
	int rc;

	if (code == NULL || (digits != 6 && digits != 8))
		return MFA_ERR_INVALID;
	rc = mfa_otp_hmac(key, keylen, alg, counter, mac, sizeof(mac), &maclen);
	if (rc == MFA_OK)
		*code = otp_reduce(mac, maclen, digits);
	MFA_WIPE_ARRAY(mac);
	return rc;
}

int
mfa_otp_format(uint32_t code, unsigned int digits, char *out, size_t outsz)
{
	unsigned int i;

	if (out == NULL || (digits != 6 && digits != 8))
		return MFA_ERR_INVALID;
	if (outsz > 0)
		out[0] = '\0';
	if (code >= (digits == 8 ? 100000000U : 1000000U))
		return MFA_ERR_RANGE;
	if (outsz < (size_t)digits + 1)
		return MFA_ERR_BUFSIZE;
	/* Digit by digit from the right, so leading zeros come for free and
	 * no formatted copy is left in a stdio buffer. */
	for (i = digits; i > 0; i--) {
		out[i - 1] = (char)('0' + code % 10U);
		code /= 10U;
	}
	out[digits] = '\0';
	return MFA_OK;
}

int
mfa_totp_step(int64_t unix_time, unsigned int period, uint64_t *step)
{
	if (step == NULL || period == 0)
		return MFA_ERR_INVALID;
	if (unix_time < 0)
		return MFA_ERR_RANGE;
	*step = (uint64_t)unix_time / period;
	return MFA_OK;
}

/* The code string of step under m into out (MFA_OTP_CODE_SIZE bytes). */
static int
otp_code_at(struct otp_mac *m, uint64_t step, unsigned int digits, char *out)
{
	unsigned char mac[MFA_OTP_MAC_MAX];
	size_t maclen = 0;
	uint32_t code;
	int rc;

	rc = otp_mac_run(m, step, mac, sizeof(mac), &maclen);
	if (rc == MFA_OK) {
		code = otp_reduce(mac, maclen, digits);
		rc = mfa_otp_format(code, digits, out, MFA_OTP_CODE_SIZE);
		mfa_wipe(&code, sizeof(code));
	}
	MFA_WIPE_ARRAY(mac);
	return rc;
}

int
mfa_totp_code(const unsigned char *key, size_t keylen,
    const struct mfa_totp_params *p, int64_t unix_time, char *out, size_t outsz)
{
	char buf[MFA_OTP_CODE_SIZE];
	struct otp_mac m;
	uint64_t step;
	int rc;

	if (out == NULL)
		return MFA_ERR_INVALID;
	if (outsz > 0)
		out[0] = '\0';
	rc = mfa_totp_params_check(p);
	if (rc == MFA_OK)
		rc = mfa_totp_step(unix_time, p->period, &step);
	if (rc != MFA_OK)
		return rc;
	if (outsz < (size_t)p->digits + 1)
		return MFA_ERR_BUFSIZE;
	rc = otp_mac_open(&m, key, keylen, p->alg);
	if (rc != MFA_OK)
		return rc;
	rc = otp_code_at(&m, step, p->digits, buf);
	otp_mac_close(&m);
	if (rc == MFA_OK)
		memcpy(out, buf, (size_t)p->digits + 1);
	MFA_WIPE_ARRAY(buf);
	return rc;
}

/* 1 when code is exactly digits ASCII digits followed by the NUL. */
static int
code_syntax_ok(const char *code, unsigned int digits)
{
	unsigned int i;

	/* Stops at a NUL, which is not a digit, so never reads past it. */
	for (i = 0; i < digits; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[digits] == '\0';
}

struct otp_window {
	uint64_t first, last; /* steps to try, inclusive */
	const uint64_t *after_step;
	uint64_t best;         /* highest eligible matching step */
	unsigned int matched;  /* an eligible step matched */
	unsigned int replayed; /* an ineligible step matched */
};

/* Compare code with every step of w, all of them, recording matches
 * with masks rather than branches on the comparison result. */
static int
otp_scan(struct otp_mac *m, struct otp_window *w, unsigned int digits,
    const char *code)
{
	char expect[MFA_OTP_CODE_SIZE];
	unsigned int eq, eligible, hit;
	uint64_t s, mask;
	int rc = MFA_OK;

	for (s = w->first; s <= w->last; s++) {
		rc = otp_code_at(m, s, digits, expect);
		if (rc != MFA_OK)
			break;
		eq = (unsigned int)mfa_ct_equal(expect, code, digits);
		/* Eligibility depends only on stored state, not on secrets. */
		eligible = w->after_step == NULL || s > *w->after_step;
		hit = eq & eligible;
		mask = 0U - (uint64_t)hit;
		w->best = (w->best & ~mask) | (s & mask); /* s increases */
		w->matched |= hit;
		w->replayed |= eq & (eligible ^ 1U);
	}
	MFA_WIPE_ARRAY(expect);
	return rc;
}

int
mfa_totp_verify(const unsigned char *key, size_t keylen,
    const struct mfa_totp_params *p, int64_t now, unsigned int window,
    const uint64_t *after_step, const char *code, uint64_t *matched_step)
{
	struct otp_window w = {.after_step = after_step};
	struct otp_mac m;
	uint64_t t;
	int rc;

	if (code == NULL || window > MFA_TOTP_WINDOW_MAX)
		return MFA_ERR_INVALID;
	rc = mfa_totp_params_check(p);
	if (rc == MFA_OK)
		rc = mfa_totp_step(now, p->period, &t);
	if (rc != MFA_OK)
		return rc;
	if (!code_syntax_ok(code, p->digits))
		return MFA_ERR_FORMAT;
	/* t <= INT64_MAX / 15, so t + window cannot overflow. */
	w.first = t >= window ? t - window : 0;
	w.last = t + window;
	rc = otp_mac_open(&m, key, keylen, p->alg);
	if (rc != MFA_OK)
		return rc;
	rc = otp_scan(&m, &w, p->digits, code);
	otp_mac_close(&m);
	if (rc != MFA_OK)
		return rc;
	if (w.matched) {
		if (matched_step != NULL)
			*matched_step = w.best;
		return MFA_OK;
	}
	return w.replayed ? MFA_ERR_REPLAY : MFA_ERR_MISMATCH;
}

/* The counters after *after, lookahead of them: [*first, *last]. */
static int
hotp_range(const uint64_t *after, unsigned int lookahead, uint64_t *first,
    uint64_t *last)
{
	if (lookahead == 0 || lookahead > MFA_HOTP_SCAN_MAX)
		return MFA_ERR_INVALID;
	*first = after != NULL ? *after + 1 : 0;
	if ((after != NULL && *after == UINT64_MAX) ||
	    *first > UINT64_MAX - lookahead)
		return MFA_ERR_INVALID;
	*last = *first + lookahead - 1;
	return MFA_OK;
}

int
mfa_hotp_verify(const unsigned char *key, size_t keylen, enum mfa_otp_alg alg,
    unsigned int digits, const uint64_t *after, unsigned int lookahead,
    const char *code, uint64_t *matched)
{
	struct otp_window w = {.after_step = NULL};
	struct otp_mac m;
	int rc;

	if (code == NULL || (digits != 6 && digits != 8))
		return MFA_ERR_INVALID;
	if ((rc = hotp_range(after, lookahead, &w.first, &w.last)) != MFA_OK)
		return rc;
	if (!code_syntax_ok(code, digits))
		return MFA_ERR_FORMAT;
	if ((rc = otp_mac_open(&m, key, keylen, alg)) != MFA_OK)
		return rc;
	rc = otp_scan(&m, &w, digits, code);
	otp_mac_close(&m);
	if (rc != MFA_OK)
		return rc;
	if (!w.matched)
		return MFA_ERR_MISMATCH;
	if (matched != NULL)
		*matched = w.best;
	return MFA_OK;
}

/* Scan [first, last] for code1 at c and code2 at c + 1; lowest c wins. */
static int
resync_scan(struct otp_mac *m, uint64_t first, uint64_t last,
    unsigned int digits, const char *code1, const char *code2, uint64_t *c)
{
	char now[MFA_OTP_CODE_SIZE], next[MFA_OTP_CODE_SIZE];
	unsigned int found = 0, hit;
	uint64_t s, mask;
	int rc;

	if ((rc = otp_code_at(m, first, digits, now)) != MFA_OK)
		return rc;
	for (s = first; s <= last; s++) {
		if ((rc = otp_code_at(m, s + 1, digits, next)) != MFA_OK)
			break;
		hit = (unsigned int)(mfa_ct_equal(now, code1, digits) &
			  mfa_ct_equal(next, code2, digits)) &
		    (found ^ 1U);
		mask = 0U - (uint64_t)hit;
		*c = (*c & ~mask) | (s & mask);
		found |= hit;
		memcpy(now, next, sizeof(now));
	}
	MFA_WIPE_ARRAY(now);
	MFA_WIPE_ARRAY(next);
	return rc != MFA_OK ? rc : found ? MFA_OK : MFA_ERR_MISMATCH;
}

int
mfa_hotp_resync(const unsigned char *key, size_t keylen, enum mfa_otp_alg alg,
    unsigned int digits, const uint64_t *after, unsigned int lookahead,
    const char *code1, const char *code2, uint64_t *matched)
{
	struct otp_mac m;
	uint64_t first, last, c = 0;
	int rc;

	if (code1 == NULL || code2 == NULL || (digits != 6 && digits != 8))
		return MFA_ERR_INVALID;
	if ((rc = hotp_range(after, lookahead, &first, &last)) != MFA_OK ||
	    last == UINT64_MAX)
		return rc != MFA_OK ? rc : MFA_ERR_INVALID;
	if (!code_syntax_ok(code1, digits) || !code_syntax_ok(code2, digits))
		return MFA_ERR_FORMAT;
	if ((rc = otp_mac_open(&m, key, keylen, alg)) != MFA_OK)
		return rc;
	rc = resync_scan(&m, first, last, digits, code1, code2, &c);
	otp_mac_close(&m);
	if (rc == MFA_OK && matched != NULL)
		*matched = c + 1;
	return rc;
}
