/*
 * device.c - device identity for "trust this device".  Contracts in
 * device.h.
 *
 * SSH_AUTH_INFO_0 is written by sshd, but this module must still treat it
 * as hostile: another module earlier in the stack can set any PAM
 * environment variable, and a parser that guesses would turn a malformed
 * value into a trusted device.  So the grammar is narrow, every length is
 * bounded before it is used, and anything unexpected means "no identity",
 * never "some identity".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "device.h"
#include "error.h"
#include "mem.h"
#include "text.h"

/* Domain separation: a digest of this unit can never equal another's. */
#define DIGEST_CONTEXT "pam_mfa device v1"
#define METHOD_PUBKEY "publickey"
#define METHOD_PUBKEY_LEN (sizeof(METHOD_PUBKEY) - 1)
/*
 * Everything in an SSH key label before " from RHOST" fits, so a cut at
 * MFA_STATE_MAX_LABEL bytes falls inside the host name, which holds no
 * spaces: a label never ends in a space (which the state file refuses).
 */
_Static_assert(MFA_DEVICE_KEYTYPE_MAX + sizeof(" SHA256:") - 1 +
	    MFA_DEVICE_FP_CHARS + sizeof(" from ") <
	MFA_STATE_MAX_LABEL,
    "an SSH key label must have room for part of the host");

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The one key found so far while parsing. */
struct key_acc {
	int have;
	char type[MFA_DEVICE_KEYTYPE_MAX + 1];
	unsigned char blob[MFA_DEVICE_BLOB_MAX];
	size_t len;
};

struct parser {
	struct mfa_text t; /* the value, the line number, err */
	unsigned char tmp[MFA_DEVICE_BLOB_MAX]; /* the blob being decoded */
	struct key_acc key;
};

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/*
 * Strict padded base64 (RFC 4648 section 4) of len characters into out
 * (outsz bytes): a non-zero multiple of 4 characters, '=' only as one or
 * two final padding characters, unused bits zero.  So each blob has one
 * accepted spelling and no decoder leniency (skipped whitespace, stray
 * padding) can make two different texts the same key.
 */
static int
b64_decode(struct parser *p, const char *in, size_t len, unsigned char *out,
    size_t outsz, size_t *outlen)
{
	size_t pad, i, o = 0;
	uint32_t acc = 0;
	int v;

	if (len == 0 || len % 4 != 0)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "base64 length is not a multiple of 4");
	pad = in[len - 1] != '=' ? 0 : in[len - 2] != '=' ? 1 : 2;
	if (len / 4 * 3 - pad > outsz)
		return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "key blob over %d bytes", MFA_DEVICE_BLOB_MAX);
	for (i = 0; i < len - pad; i++) {
		if ((v = b64_value((unsigned char)in[i])) < 0)
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "%s in the base64 key at offset %zu",
			    in[i] == '=' ? "misplaced '='" : "a bad character",
			    i);
		acc = (acc << 6) | (uint32_t)v;
		if (i % 4 == 3) {
			out[o++] = (unsigned char)(acc >> 16);
			out[o++] = (unsigned char)(acc >> 8);
			out[o++] = (unsigned char)acc;
			acc = 0;
		}
	}
	if ((pad == 1 && (acc & 0x3) != 0) || (pad == 2 && (acc & 0xf) != 0))
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "non-canonical base64 padding");
	if (pad == 1) {
		out[o++] = (unsigned char)(acc >> 10);
		out[o++] = (unsigned char)(acc >> 2);
	} else if (pad == 2) {
		out[o++] = (unsigned char)(acc >> 4);
	}
	*outlen = o;
	return MFA_OK;
}

/* A key type name: bounded, and only bytes a label and a log can carry. */
static int
valid_type(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > MFA_DEVICE_KEYTYPE_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9'))
			continue;
		/* c != '\0': strchr would find the terminator. */
		if (c == '\0' || strchr("@._+-", c) == NULL)
			return 0;
	}
	return 1;
}

/*
 * Does the blob's first field (uint32 big-endian length, then the string)
 * lie inside the blob, equal type, and have something after it?  The length is
 * checked against what is left before anything is read, so a lying length
 * cannot take a read past the buffer.
 */
static int
blob_type_is(const unsigned char *blob, size_t len, const char *type,
    size_t typelen, const char **why)
{
	uint32_t n;

	if (len < 4) {
		*why = "key blob is shorter than its type field";
		return 0;
	}
	n = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 |
	    (uint32_t)blob[2] << 8 | (uint32_t)blob[3];
	if (n > len - 4) {
		*why = "key blob's type length runs past its end";
		return 0;
	}
	if (n != typelen || memcmp(blob + 4, type, typelen) != 0) {
		*why = "key blob's type does not match the line's key type";
		return 0;
	}
	/* sshd never verified a key without key material. */
	if (n == len - 4) {
		*why = "key blob holds no key after its type";
		return 0;
	}
	return 1;
}

/* "TYPE BASE64" after "publickey ": one key, remembered in p->key. */
static int
parse_pubkey(struct parser *p, const char *s, size_t len)
{
	const char *sp = memchr(s, ' ', len), *why = NULL;
	size_t typelen, b64len, bloblen = 0;
	int r;

	if (sp == NULL)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "publickey line without a key");
	typelen = (size_t)(sp - s);
	b64len = len - typelen - 1;
	if (!valid_type(s, typelen))
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT, "bad key type");
	/* A space inside sp + 1 is reported as a bad base64 character. */
	r = b64_decode(p, sp + 1, b64len, p->tmp, sizeof(p->tmp), &bloblen);
	if (r != MFA_OK)
		return r;
	if (!blob_type_is(p->tmp, bloblen, s, typelen, &why))
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT, "%s", why);
	if (!p->key.have) {
		memcpy(p->key.type, s, typelen);
		p->key.type[typelen] = '\0';
		memcpy(p->key.blob, p->tmp, bloblen);
		p->key.len = bloblen;
		p->key.have = 1;
		return MFA_OK;
	}
	/* The type is inside the blob: equal blobs are equal keys. */
	if (bloblen != p->key.len || memcmp(p->tmp, p->key.blob, bloblen) != 0)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "more than one public key: ambiguous device");
	return MFA_OK;
}

/* One line of len bytes, its '\n' already removed. */
static int
parse_line(void *ctx, const char *s, size_t len)
{
	struct parser *p = ctx;
	size_t i, mlen;

	if (len == 0)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT, "empty line");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r')
			return mfa_text_fail(
			    &p->t, MFA_ERR_FORMAT, "carriage return");
		if (c < 0x20 || c == 0x7f)
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "control character at column %zu", i + 1);
		if (c == ' ' && (i == 0 || i == len - 1 || s[i + 1] == ' '))
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "leading, trailing or double space");
	}
	for (mlen = 0; mlen < len && s[mlen] != ' '; mlen++)
		;
	if (mlen == METHOD_PUBKEY_LEN &&
	    memcmp(s, METHOD_PUBKEY, METHOD_PUBKEY_LEN) == 0) {
		if (mlen == len)
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "publickey line without a key");
		return parse_pubkey(p, s + mlen + 1, len - mlen - 1);
	}
	/* publickey has no sub-methods: a "publickey/x" is not sshd's. */
	if (mlen > METHOD_PUBKEY_LEN &&
	    memcmp(s, METHOD_PUBKEY "/", METHOD_PUBKEY_LEN + 1) == 0)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "unknown publickey sub-method");
	return MFA_OK; /* another method: says nothing about the device */
}

/* sshd ends every line of SSH_AUTH_INFO_0 with '\n'. */
static const struct mfa_text_rules rules = {
    0,
    "no final newline",
    1,
    NULL,
    parse_line,
};

static int
parse_value(struct parser *p)
{
	int r = mfa_text_walk(&p->t, &rules, p);

	if (r != MFA_OK)
		return r;
	if (!p->key.have)
		return mfa_text_fail_at(
		    &p->t, 0, MFA_ERR_NOENT, "no publickey method");
	return MFA_OK;
}

int
mfa_device_parse_authinfo_err(const char *value, char **keytype,
    unsigned char **blob, size_t *bloblen, struct mfa_parse_error *err)
{
	struct parser *p = NULL;
	size_t len;
	int r;

	if (keytype != NULL)
		*keytype = NULL;
	if (blob != NULL)
		*blob = NULL;
	if (bloblen != NULL)
		*bloblen = 0;
	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (value == NULL || keytype == NULL || blob == NULL || bloblen == NULL)
		return MFA_ERR_INVALID;
	/* Never look further than the limit, NUL or not. */
	if ((len = strnlen(value, MFA_DEVICE_INFO_MAX + 1)) >
	    MFA_DEVICE_INFO_MAX) {
		if (err != NULL)
			snprintf(err->msg, sizeof(err->msg),
			    "value over %d bytes", MFA_DEVICE_INFO_MAX);
		return MFA_ERR_TOOBIG;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return MFA_ERR_NOMEM;
	mfa_text_init(&p->t, value, len, err);
	if ((r = parse_value(p)) != MFA_OK)
		goto out;
	*keytype = strdup(p->key.type);
	*blob = malloc(p->key.len);
	if (*keytype == NULL || *blob == NULL) {
		free(*keytype);
		free(*blob);
		*keytype = NULL;
		*blob = NULL;
		r = MFA_ERR_NOMEM;
		goto out;
	}
	memcpy(*blob, p->key.blob, p->key.len);
	*bloblen = p->key.len;
out:
	free(p);
	return r;
}

int
mfa_device_parse_authinfo(
    const char *value, char **keytype, unsigned char **blob, size_t *bloblen)
{
	return mfa_device_parse_authinfo_err(
	    value, keytype, blob, bloblen, NULL);
}

/*
 * SHA-256 over DIGEST_CONTEXT 0x00 user 0x00 service 0x00 kind 0x00 data.
 * user, service and kind are C strings (no NUL inside) and data is last,
 * so the encoding is unambiguous: no other (user, service, key) gives
 * the same input.
 */
static int
identity_digest(const char *user, const char *service, const char *kind,
    const void *data, size_t datalen, unsigned char out[32])
{
	const char *parts[] = {DIGEST_CONTEXT, user, service, kind};
	EVP_MD_CTX *ctx;
	unsigned int outlen = 0;
	size_t i;
	int ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return MFA_ERR_CRYPTO;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	for (i = 0; ok && i < sizeof(parts) / sizeof(parts[0]); i++)
		ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1) == 1;
	ok = ok && EVP_DigestUpdate(ctx, data, datalen) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, &outlen) == 1 && outlen == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? MFA_OK : MFA_ERR_CRYPTO;
}

/* A label under construction: cut at MFA_STATE_MAX_LABEL bytes. */
struct label {
	char s[MFA_STATE_MAX_LABEL + 1];
	size_t n;
};

/* Append s; with sanitize, bytes outside '!'..'~' become '?'. */
static void
label_add(struct label *l, const char *s, int sanitize)
{
	for (; *s != '\0' && l->n < MFA_STATE_MAX_LABEL; s++) {
		unsigned char c = (unsigned char)*s;

		if (sanitize && (c <= ' ' || c >= 0x7f))
			c = '?';
		l->s[l->n++] = (char)c;
	}
	l->s[l->n] = '\0';
}

int
mfa_device_fingerprint(
    const unsigned char *blob, size_t len, char out[MFA_DEVICE_FP_MAX + 1])
{
	unsigned char md[33] = {0}; /* one zero byte past the digest */
	unsigned int mdlen = 0;
	size_t i, o = 0;
	uint32_t acc;

	out[0] = '\0';
	if (blob == NULL ||
	    EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return MFA_ERR_CRYPTO;
	memcpy(out, "SHA256:", 7);
	o = 7;
	/* 32 bytes: ten groups of three, then two bytes (three characters,
	 * OpenSSH leaves the padding out). */
	for (i = 0; i < 33; i += 3) {
		acc = (uint32_t)md[i] << 16 | (uint32_t)md[i + 1] << 8 |
		    md[i + 2];
		out[o++] = b64_alphabet[(acc >> 18) & 0x3f];
		out[o++] = b64_alphabet[(acc >> 12) & 0x3f];
		out[o++] = b64_alphabet[(acc >> 6) & 0x3f];
		if (i + 3 < 33)
			out[o++] = b64_alphabet[acc & 0x3f];
	}
	out[o] = '\0';
	return MFA_OK;
}

/* The first MFA_DEVICE_FP_CHARS characters of OpenSSH's SHA256 print. */
static int
short_fingerprint(
    const unsigned char *blob, size_t len, char out[MFA_DEVICE_FP_CHARS + 1])
{
	char fp[MFA_DEVICE_FP_MAX + 1];
	int r = mfa_device_fingerprint(blob, len, fp);

	if (r == MFA_OK) {
		memcpy(out, fp + 7, MFA_DEVICE_FP_CHARS);
		out[MFA_DEVICE_FP_CHARS] = '\0';
	}
	return r;
}

int
mfa_device_is_sk_type(const char *keytype)
{
	return keytype != NULL &&
	    (strcmp(keytype, "sk-ssh-ed25519@openssh.com") == 0 ||
		strcmp(keytype, "sk-ecdsa-sha2-nistp256@openssh.com") == 0);
}

static int
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

int
mfa_device_id_sshkey(const char *user, const char *service, const char *keytype,
    const unsigned char *blob, size_t bloblen, const char *rhost,
    struct mfa_device_id *out)
{
	char fp[MFA_DEVICE_FP_CHARS + 1];
	struct label l = {.n = 0};
	const char *why = NULL;
	int r;

	if (out == NULL)
		return MFA_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	if (!nonempty(user) || !nonempty(service) || keytype == NULL ||
	    blob == NULL || bloblen > MFA_DEVICE_BLOB_MAX ||
	    !valid_type(
		keytype, strnlen(keytype, MFA_DEVICE_KEYTYPE_MAX + 1)) ||
	    !blob_type_is(blob, bloblen, keytype, strlen(keytype), &why))
		return MFA_ERR_INVALID;
	if ((r = identity_digest(user, service, "sshkey", blob, bloblen,
		 out->digest)) != MFA_OK ||
	    (r = short_fingerprint(blob, bloblen, fp)) != MFA_OK)
		goto out;
	label_add(&l, keytype, 0);
	label_add(&l, " SHA256:", 0);
	label_add(&l, fp, 0);
	if (nonempty(rhost)) {
		label_add(&l, " from ", 0);
		label_add(&l, rhost, 1);
	}
	memcpy(out->label, l.s, l.n + 1);
out:
	if (r != MFA_OK)
		memset(out, 0, sizeof(*out));
	return r;
}

int
mfa_device_id_rhost(const char *user, const char *service, const char *rhost,
    struct mfa_device_id *out)
{
	struct label l = {.n = 0};
	size_t i, len;
	int r;

	if (out == NULL)
		return MFA_ERR_INVALID;
	memset(out, 0, sizeof(*out));
	if (!nonempty(user) || !nonempty(service) || rhost == NULL)
		return MFA_ERR_INVALID;
	len = strnlen(rhost, MFA_DEVICE_RHOST_MAX + 1);
	if (len == 0 || len > MFA_DEVICE_RHOST_MAX)
		return MFA_ERR_FORMAT;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)rhost[i];

		if (c <= ' ' || c >= 0x7f)
			return MFA_ERR_FORMAT;
	}
	r = identity_digest(user, service, "rhost", rhost, len, out->digest);
	if (r != MFA_OK) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	label_add(&l, "address ", 0);
	label_add(&l, rhost, 0);
	memcpy(out->label, l.s, l.n + 1);
	return MFA_OK;
}

/* Is d valid at now, for a life of at most max_life seconds? */
static unsigned int
in_life(const struct mfa_device *d, int64_t now, int64_t max_life)
{
	if (max_life <= 0 || d->created > now || d->expires <= now)
		return 0;
	/* created < expires: the unsigned difference is exact. */
	return (uint64_t)d->expires - (uint64_t)d->created <=
	    (uint64_t)max_life;
}

int
mfa_device_find(const struct mfa_state *st, const struct mfa_device_id *id,
    uint32_t generation, int64_t now, int64_t max_life)
{
	size_t i, n;
	int found = -1;

	if (st == NULL || id == NULL)
		return -1;
	n = st->ndevices < MFA_STATE_MAX_DEVICES ? st->ndevices
						 : MFA_STATE_MAX_DEVICES;
	/*
	 * Look at every record and select by mask rather than branch, so
	 * that neither the position of a match nor a near-miss shows in the
	 * timing.  Expiry and generation are not secret, but folding them
	 * into the same mask costs nothing.
	 */
	for (i = 0; i < n; i++) {
		const struct mfa_device *d = &st->devices[i];
		unsigned int match, take;

		match = (unsigned int)mfa_ct_equal(
		    d->digest, id->digest, sizeof(d->digest));
		match &= in_life(d, now, max_life);
		match &= (unsigned int)(d->generation == generation);
		take = match & (unsigned int)(found < 0);
		found = (int)(((unsigned int)found & (take - 1u)) |
		    ((unsigned int)i & (0u - take)));
	}
	return found;
}
