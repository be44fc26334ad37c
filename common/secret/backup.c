/*
 * backup.c - one-time backup codes, stored only as Argon2id hashes.
 *
 * The PHC string is parsed here rather than handed to argon2_verify: that
 * function would take its memory and time costs from the string, and the
 * string comes from a file the user writes while the hashing runs as root.
 * So parameters are checked against a short whitelist first, and only then
 * is one Argon2id computed with them.
 */
#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup.h"
#include "error.h"
#include "mem.h"
#include "random.h"
#include "secretfile.h"

/*
 * Longest typed reply normalize looks at: generous for separators, small
 * enough that hostile input is not walked to its end.
 */
#define TYPED_MAX 128

static const char code_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* OWASP's equivalent Argon2id settings (Password Storage Cheat Sheet). */
static const struct {
	uint32_t m, t;
} allowed_params[] = {
    {19456, 2},
    {47104, 1},
    {12288, 3},
    {9216, 4},
    {7168, 5},
};

/* A stored hash, parsed: nothing in it has been used yet. */
struct phc {
	uint32_t m, t, p;
	unsigned char salt[MFA_BACKUP_SALT_MAX];
	size_t saltlen;
	unsigned char hash[MFA_BACKUP_HASH_LEN];
};

static int
in_alphabet(char c)
{
	return c != '\0' && strchr(code_alphabet, c) != NULL;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * The 8 characters after the slot digit: all from the alphabet (the codes
 * we make), or all decimal digits (google-authenticator's 8-digit scratch
 * codes, imported by mfa-enroll with a slot digit in front).
 */
static int
body_ok(const char *body)
{
	size_t i, alpha = 0, digits = 0;

	for (i = 0; i < MFA_BACKUP_CODE_CHARS - 1; i++) {
		alpha += (size_t)in_alphabet(body[i]);
		digits += (size_t)is_digit(body[i]);
	}
	return alpha == MFA_BACKUP_CODE_CHARS - 1 ||
	    digits == MFA_BACKUP_CODE_CHARS - 1;
}

/* Is code exactly a slot digit and a body_ok body, then NUL? */
static int
is_normalized(const char *code)
{
	size_t i;

	if (code == NULL || !is_digit(code[0]))
		return 0;
	for (i = 1; i < MFA_BACKUP_CODE_CHARS; i++)
		if (code[i] == '\0')
			return 0;
	return body_ok(code + 1) && code[MFA_BACKUP_CODE_CHARS] == '\0';
}

int
mfa_backup_generate(unsigned int slot, char display[MFA_BACKUP_DISPLAY_SIZE],
    char normalized[MFA_BACKUP_CODE_SIZE])
{
	size_t i, d = 2;
	uint32_t v;
	int r = MFA_OK;

	if (slot >= MFA_BACKUP_SLOTS || display == NULL || normalized == NULL)
		return MFA_ERR_INVALID;
	memset(display, 0, MFA_BACKUP_DISPLAY_SIZE);
	normalized[0] = display[0] = (char)('0' + slot);
	display[1] = '-';
	for (i = 1; i < MFA_BACKUP_CODE_CHARS; i++) {
		/* 32 divides 2^32: no bias, but keep the sampler general. */
		r = mfa_random_uniform(sizeof(code_alphabet) - 1, &v);
		if (r != MFA_OK)
			goto out;
		normalized[i] = display[d++] = code_alphabet[v];
		if (i == 4)
			display[d++] = '-';
	}
	normalized[MFA_BACKUP_CODE_CHARS] = '\0';
	display[d] = '\0';
out:
	mfa_wipe(&v, sizeof(v));
	if (r != MFA_OK) {
		mfa_wipe(display, MFA_BACKUP_DISPLAY_SIZE);
		mfa_wipe(normalized, MFA_BACKUP_CODE_SIZE);
	}
	return r;
}

int
mfa_backup_normalize(
    const char *typed, char out[MFA_BACKUP_CODE_SIZE], unsigned int *slot)
{
	size_t n = 0, i;

	if (typed == NULL || out == NULL)
		return MFA_ERR_INVALID;
	for (i = 0; typed[i] != '\0'; i++) {
		char c = typed[i];

		if (i >= TYPED_MAX)
			goto bad;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (n == MFA_BACKUP_CODE_CHARS)
			goto bad;
		if (n == 0 ? !is_digit(c) : !(in_alphabet(c) || is_digit(c)))
			goto bad;
		out[n++] = c;
	}
	if (n != MFA_BACKUP_CODE_CHARS)
		goto bad;
	out[n] = '\0';
	if (!body_ok(out + 1))
		goto bad;
	if (slot != NULL)
		*slot = (unsigned int)(out[0] - '0');
	return MFA_OK;
bad:
	mfa_wipe(out, MFA_BACKUP_CODE_SIZE);
	return MFA_ERR_FORMAT;
}

/* Unpadded base64 of len bytes, appended at out (room checked by caller). */
static size_t
b64_encode(const unsigned char *in, size_t len, char *out)
{
	size_t i, o = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64_alphabet[(acc >> bits) & 0x3f];
		}
	}
	if (bits > 0)
		out[o++] = b64_alphabet[(acc << (6 - bits)) & 0x3f];
	out[o] = '\0';
	return o;
}

/*
 * Strict unpadded base64 of exactly len characters: alphabet only, no '=',
 * a length a canonical encoding can have and zero unused bits, so every
 * byte string has one accepted form.
 */
static int
b64_decode(const char *in, size_t len, unsigned char *out, size_t outsz,
    size_t *outlen)
{
	size_t i, o = 0;
	uint32_t acc = 0;
	unsigned int bits = 0;
	const char *p;

	if (len % 4 == 1)
		return MFA_ERR_FORMAT;
	for (i = 0; i < len; i++) {
		if (in[i] == '\0' || (p = strchr(b64_alphabet, in[i])) == NULL)
			return MFA_ERR_FORMAT;
		acc = (acc << 6) | (uint32_t)(p - b64_alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == outsz)
				return MFA_ERR_FORMAT;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	if ((acc & ((1u << bits) - 1)) != 0)
		return MFA_ERR_FORMAT;
	*outlen = o;
	return MFA_OK;
}

/*
 * A decimal uint32 at *pp, no sign, no leading zero, ended by stop;
 * advances *pp past the stop character.
 */
static int
parse_u32(const char **pp, char stop, uint32_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	size_t n = 0;

	while (p[n] >= '0' && p[n] <= '9') {
		if (n == 10)
			return MFA_ERR_FORMAT;
		v = v * 10 + (uint64_t)(p[n] - '0');
		n++;
	}
	if (n == 0 || p[n] != stop || (n > 1 && p[0] == '0') || v > UINT32_MAX)
		return MFA_ERR_FORMAT;
	*out = (uint32_t)v;
	*pp = p + n + 1;
	return MFA_OK;
}

static int
params_allowed(const struct phc *h)
{
	size_t i;

	if (h->p != 1)
		return 0;
	for (i = 0; i < sizeof(allowed_params) / sizeof(allowed_params[0]); i++)
		if (h->m == allowed_params[i].m && h->t == allowed_params[i].t)
			return 1;
	return 0;
}

static int
parse_phc(const char *s, struct phc *h)
{
	static const char prefix[] = "$argon2id$v=19$m=";
	const char *p, *end, *dollar;
	size_t len, n;

	memset(h, 0, sizeof(*h));
	len = strnlen(s, MFA_BACKUP_PHC_MAX + 1);
	if (len > MFA_BACKUP_PHC_MAX)
		return MFA_ERR_FORMAT;
	end = s + len;
	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0)
		return MFA_ERR_FORMAT;
	p = s + sizeof(prefix) - 1;
	if (parse_u32(&p, ',', &h->m) != MFA_OK || strncmp(p, "t=", 2) != 0)
		return MFA_ERR_FORMAT;
	p += 2;
	if (parse_u32(&p, ',', &h->t) != MFA_OK || strncmp(p, "p=", 2) != 0)
		return MFA_ERR_FORMAT;
	p += 2;
	if (parse_u32(&p, '$', &h->p) != MFA_OK || !params_allowed(h))
		return MFA_ERR_FORMAT;
	dollar = memchr(p, '$', (size_t)(end - p));
	if (dollar == NULL ||
	    b64_decode(p, (size_t)(dollar - p), h->salt, sizeof(h->salt),
		&h->saltlen) != MFA_OK ||
	    h->saltlen < MFA_BACKUP_SALT_MIN)
		return MFA_ERR_FORMAT;
	p = dollar + 1;
	if (b64_decode(p, (size_t)(end - p), h->hash, sizeof(h->hash), &n) !=
		MFA_OK ||
	    n != MFA_BACKUP_HASH_LEN)
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

int
mfa_backup_phc_check(const char *phc)
{
	struct phc h;
	int r;

	if (phc == NULL)
		return MFA_ERR_INVALID;
	r = parse_phc(phc, &h);
	MFA_WIPE_OBJ(&h);
	return r;
}

static int
argon2_err(int rc)
{
	if (rc == ARGON2_OK)
		return MFA_OK;
	if (rc == ARGON2_MEMORY_ALLOCATION_ERROR)
		return MFA_ERR_NOMEM;
	return MFA_ERR_CRYPTO;
}

int
mfa_backup_hash_salt(const char normalized[MFA_BACKUP_CODE_SIZE],
    const unsigned char *salt, size_t saltlen, char **phc)
{
	unsigned char hash[MFA_BACKUP_HASH_LEN];
	char *buf = NULL;
	int n, r;

	if (phc == NULL)
		return MFA_ERR_INVALID;
	*phc = NULL;
	if (!is_normalized(normalized) || salt == NULL ||
	    saltlen < MFA_BACKUP_SALT_MIN || saltlen > MFA_BACKUP_SALT_MAX)
		return MFA_ERR_INVALID;
	r = argon2_err(argon2id_hash_raw(MFA_BACKUP_T_COST, MFA_BACKUP_M_COST,
	    1, normalized, MFA_BACKUP_CODE_CHARS, salt, saltlen, hash,
	    sizeof(hash)));
	if (r != MFA_OK)
		goto out;
	if ((buf = malloc(MFA_BACKUP_PHC_MAX + 1)) == NULL) {
		r = MFA_ERR_NOMEM;
		goto out;
	}
	n = snprintf(buf, MFA_BACKUP_PHC_MAX + 1,
	    "$argon2id$v=19$m=%u,t=%u,p=1$", (unsigned)MFA_BACKUP_M_COST,
	    (unsigned)MFA_BACKUP_T_COST);
	/* 64 bytes of salt and 32 of hash encode to 86 + 43 characters. */
	n += (int)b64_encode(salt, saltlen, buf + n);
	buf[n++] = '$';
	b64_encode(hash, sizeof(hash), buf + n);
	*phc = buf;
	buf = NULL;
out:
	MFA_WIPE_ARRAY(hash);
	free(buf);
	return r;
}

int
mfa_backup_hash(const char normalized[MFA_BACKUP_CODE_SIZE], char **phc)
{
	unsigned char salt[MFA_BACKUP_SALT_LEN];
	int r;

	if (phc == NULL)
		return MFA_ERR_INVALID;
	*phc = NULL;
	if (!is_normalized(normalized))
		return MFA_ERR_INVALID;
	r = mfa_random_bytes(salt, sizeof(salt));
	if (r == MFA_OK)
		r = mfa_backup_hash_salt(normalized, salt, sizeof(salt), phc);
	MFA_WIPE_ARRAY(salt);
	return r;
}

int
mfa_backup_verify(const char normalized[MFA_BACKUP_CODE_SIZE], const char *phc)
{
	unsigned char out[MFA_BACKUP_HASH_LEN];
	struct phc h;
	int r;

	if (phc == NULL || !is_normalized(normalized))
		return MFA_ERR_INVALID;
	/* Refuse before hashing: the costs come from a user's file. */
	r = parse_phc(phc, &h);
	if (r != MFA_OK)
		goto out;
	r = argon2_err(argon2id_hash_raw(h.t, h.m, h.p, normalized,
	    MFA_BACKUP_CODE_CHARS, h.salt, h.saltlen, out, sizeof(out)));
	if (r != MFA_OK)
		goto out;
	r = mfa_ct_equal(out, h.hash, sizeof(out)) ? MFA_OK : MFA_ERR_MISMATCH;
out:
	MFA_WIPE_ARRAY(out);
	MFA_WIPE_OBJ(&h);
	return r;
}

int
mfa_backup_new_set(struct mfa_secret *s,
    char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE], int64_t now)
{
	char *phc[MFA_BACKUP_SLOTS] = {NULL};
	char code[MFA_BACKUP_CODE_SIZE];
	unsigned char set[sizeof(s->backup_set)];
	unsigned int i;
	int r;

	if (s == NULL || display == NULL || now < 0)
		return MFA_ERR_INVALID;
	r = mfa_random_bytes(set, sizeof(set));
	for (i = 0; r == MFA_OK && i < MFA_BACKUP_SLOTS; i++) {
		r = mfa_backup_generate(i, display[i], code);
		if (r == MFA_OK)
			r = mfa_backup_hash(code, &phc[i]);
	}
	MFA_WIPE_ARRAY(code);
	if (r != MFA_OK)
		goto out;
	/* All or nothing: the old set stays until the new one is complete. */
	for (i = 0; i < MFA_BACKUP_SLOTS; i++) {
		mfa_strfree(s->backup[i]);
		s->backup[i] = phc[i];
		phc[i] = NULL;
	}
	memcpy(s->backup_set, set, sizeof(set));
	s->has_backup = 1;
	s->backup_created = now;
out:
	if (r != MFA_OK)
		mfa_wipe(display, MFA_BACKUP_SLOTS * MFA_BACKUP_DISPLAY_SIZE);
	for (i = 0; i < MFA_BACKUP_SLOTS; i++)
		free(phc[i]);
	MFA_WIPE_ARRAY(set);
	return r;
}
