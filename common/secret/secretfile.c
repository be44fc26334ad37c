/*
 * secretfile.c - the user's enrolment file: parse, build and serialize.
 *
 * The file is written by the user and read by the module, so the parser
 * treats it as hostile: sizes are bounded before anything else, each byte
 * class is whitelisted, each key has one strict value syntax, and every
 * refusal names the line and the reason so an admin can fix the file.  It
 * never prints file bytes back except key names it has already checked to
 * be [a-z0-9-], so an error message cannot leak the key or forge a log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "backup.h"
#include "base32.h"
#include "error.h"
#include "mem.h"
#include "otp.h"
#include "random.h"
#include "secretfile.h"
#include "text.h"

#define VERSION_KEY "pam_mfa-secret"
#define VERSION_LINE VERSION_KEY " 1"
#define VERSION_LINE2 VERSION_KEY " 2"
#define HEADER_COMMENT                                                         \
	"# pam_mfa enrolment file, written by mfa-enroll(1); format in "       \
	"pam_mfa(8)\n"
/* Longest key shown in a message (no known key is longer). */
#define KEY_SHOW_MAX 32
/* Base32 of the longest key: 103 characters. */
#define B32_MAX MFA_BASE32_ENCODED_LEN(MFA_SECRET_KEY_MAX)

struct parser {
	struct mfa_secret *s;
	struct mfa_text t; /* the input, the line number, err */
	unsigned int seen; /* bit i: keys[i] seen */
	int version_seen;  /* 0, or the version: 1 or 2 */
	unsigned int first_backup_line, backup_set_line, backup_created_line;
	unsigned int short_line;           /* a totp-secret of 10..15 bytes */
	char buf[MFA_SECRET_MAX_LINE + 1]; /* the current line, wiped */
};

/* mfa_text_uint with a message naming the key. */
static int
num_value(struct parser *p, const char *key, const char *v, uint64_t min,
    uint64_t max, uint64_t *out)
{
	int r = mfa_text_uint(v, max, out, NULL);

	if (r == MFA_OK && *out < min)
		r = MFA_ERR_RANGE;
	if (r == MFA_ERR_RANGE)
		return mfa_text_fail(&p->t, r,
		    "%s is out of range (%llu..%llu)", key,
		    (unsigned long long)min, (unsigned long long)max);
	if (r != MFA_OK)
		return mfa_text_fail(&p->t, r,
		    "%s is not a decimal number without sign or leading zero",
		    key);
	return MFA_OK;
}

static int
kv_id(struct parser *p, char *v)
{
	if (mfa_text_hex_decode(v, p->s->id, sizeof(p->s->id)) != MFA_OK)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "id must be 32 lower-case hex digits");
	return MFA_OK;
}

static int
kv_created(struct parser *p, char *v)
{
	uint64_t n = 0;
	int r = num_value(p, "created", v, 0, MFA_SECRET_TIME_MAX, &n);

	p->s->created = (int64_t)n;
	return r;
}

static int
kv_totp_secret(struct parser *p, char *v)
{
	size_t len = strlen(v);
	int r;

	if (len > B32_MAX)
		return mfa_text_fail(&p->t, MFA_ERR_RANGE,
		    "totp-secret is longer than %d bytes", MFA_SECRET_KEY_MAX);
	r = mfa_base32_decode(
	    v, len, p->s->key, sizeof(p->s->key), &p->s->keylen);
	if (r != MFA_OK) {
		MFA_WIPE_ARRAY(p->s->key);
		p->s->keylen = 0;
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "totp-secret is not canonical base32 "
		    "(A-Z and 2-7, no padding)");
	}
	if (p->s->keylen < MFA_SECRET_KEY_LEGACY_MIN)
		return mfa_text_fail(&p->t, MFA_ERR_RANGE,
		    "totp-secret is shorter than %d bytes (128 bits)",
		    MFA_SECRET_KEY_MIN);
	/* 80..120 bits only with legacy-short-key: check_complete. */
	if (p->s->keylen < MFA_SECRET_KEY_MIN)
		p->short_line = p->t.line;
	return MFA_OK;
}

static int
kv_totp_algorithm(struct parser *p, char *v)
{
	if (mfa_otp_alg_parse(v, &p->s->totp.alg) != MFA_OK)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "unknown totp-algorithm (SHA1, SHA256 or SHA512)");
	return MFA_OK;
}

static int
kv_totp_digits(struct parser *p, char *v)
{
	uint64_t n = 0;
	int r = num_value(p, "totp-digits", v, 6, 8, &n);

	if (r == MFA_OK && n != 6 && n != 8)
		r = mfa_text_fail(
		    &p->t, MFA_ERR_RANGE, "totp-digits must be 6 or 8");
	p->s->totp.digits = (unsigned int)n;
	return r;
}

static int
kv_totp_period(struct parser *p, char *v)
{
	uint64_t n = 0;
	int r = num_value(
	    p, "totp-period", v, MFA_TOTP_PERIOD_MIN, MFA_TOTP_PERIOD_MAX, &n);

	p->s->totp.period = (unsigned int)n;
	return r;
}

static int
kv_email(struct parser *p, char *v)
{
	char why[96];

	if (mfa_addr_email_check(v, why, sizeof(why)) != MFA_OK)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "email address %s", why);
	if ((p->s->email = strdup(v)) == NULL)
		return mfa_text_fail(&p->t, MFA_ERR_NOMEM, "out of memory");
	return MFA_OK;
}

static int
kv_phone(struct parser *p, char *v)
{
	char why[96];

	if (mfa_addr_phone_check(v, why, sizeof(why)) != MFA_OK)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "phone number %s", why);
	if ((p->s->phone = strdup(v)) == NULL)
		return mfa_text_fail(&p->t, MFA_ERR_NOMEM, "out of memory");
	return MFA_OK;
}

static int
kv_trust_generation(struct parser *p, char *v)
{
	uint64_t n = 0;
	int r = num_value(p, "trust-generation", v, 0, UINT32_MAX, &n);

	p->s->trust_generation = (uint32_t)n;
	return r;
}

static int
kv_backup_set(struct parser *p, char *v)
{
	p->backup_set_line = p->t.line;
	if (mfa_text_hex_decode(
		v, p->s->backup_set, sizeof(p->s->backup_set)) != MFA_OK)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "backup-set must be 16 lower-case hex digits");
	p->s->has_backup = 1;
	return MFA_OK;
}

static int
kv_backup_created(struct parser *p, char *v)
{
	uint64_t n = 0;
	int r = num_value(p, "backup-created", v, 0, MFA_SECRET_TIME_MAX, &n);

	p->backup_created_line = p->t.line;
	p->s->backup_created = (int64_t)n;
	return r;
}

static int
kv_backup(struct parser *p, char *v)
{
	char *sp = strchr(v, ' ');
	uint64_t slot = 0;
	int r;

	if (p->first_backup_line == 0)
		p->first_backup_line = p->t.line;
	if (sp == NULL)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "backup needs a slot and a hash");
	*sp = '\0';
	r = num_value(p, "backup slot", v, 0, MFA_BACKUP_SLOTS - 1, &slot);
	if (r != MFA_OK)
		return r;
	if (p->s->backup[slot] != NULL)
		return mfa_text_fail(&p->t, MFA_ERR_DUPLICATE,
		    "backup slot %u given twice", (unsigned int)slot);
	if (mfa_backup_phc_check(sp + 1) != MFA_OK)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "backup slot %u: not an accepted argon2id hash "
		    "($argon2id$v=19$m=19456,t=2,p=1$SALT$HASH)",
		    (unsigned int)slot);
	if ((p->s->backup[slot] = strdup(sp + 1)) == NULL)
		return mfa_text_fail(&p->t, MFA_ERR_NOMEM, "out of memory");
	return MFA_OK;
}

/* The keys of version 2 only: a version 1 file cannot hold them. */
static int
need_version2(struct parser *p, const char *key)
{
	if (p->version_seen == 2)
		return MFA_OK;
	return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
	    "%s needs '%s' as the version line", key, VERSION_LINE2);
}

static int
kv_totp_name(struct parser *p, char *v)
{
	if (need_version2(p, "totp-name") != MFA_OK)
		return MFA_ERR_FORMAT;
	if (mfa_secret_name_check(v) != MFA_OK)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "totp-name: " MFA_SECRET_NAME_RULE);
	snprintf(p->s->name, sizeof(p->s->name), "%s", v);
	return MFA_OK;
}

static int
kv_totp_id(struct parser *p, char *v)
{
	static const unsigned char zero[8];

	if (need_version2(p, "totp-id") != MFA_OK)
		return MFA_ERR_FORMAT;
	if (mfa_text_hex_decode(v, p->s->auth_id, sizeof(p->s->auth_id)) !=
		MFA_OK ||
	    memcmp(p->s->auth_id, zero, sizeof(zero)) == 0)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "totp-id must be 16 lower-case hex digits, not all 0");
	return MFA_OK;
}

static int
kv_legacy_short_key(struct parser *p, char *v)
{
	if (need_version2(p, "legacy-short-key") != MFA_OK)
		return MFA_ERR_FORMAT;
	if (strcmp(v, "yes") != 0)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "legacy-short-key must be yes");
	p->s->short_key = 1;
	return MFA_OK;
}

static int
kv_totp_kind(struct parser *p, char *v)
{
	if (need_version2(p, "totp-kind") != MFA_OK)
		return MFA_ERR_FORMAT;
	if (strcmp(v, "hotp") != 0)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "totp-kind must be hotp (absent: TOTP)");
	p->s->hotp = 1;
	return MFA_OK;
}

/* The fields of an authenticator line after its name and id. */
static int
auth_fields(struct parser *p, char **f, struct mfa_authenticator *a)
{
	uint64_t n = 0;
	int r;

	if ((r = num_value(p, "created", f[2], 0, MFA_SECRET_TIME_MAX, &n)) !=
	    MFA_OK)
		return r;
	a->created = (int64_t)n;
	if (mfa_otp_alg_parse(f[3], &a->totp.alg) != MFA_OK)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "unknown algorithm (SHA1, SHA256 or SHA512)");
	if ((r = num_value(p, "digits", f[4], 6, 8, &n)) != MFA_OK)
		return r;
	a->totp.digits = (unsigned int)n;
	a->hotp = strcmp(f[5], "hotp") == 0;
	if (!a->hotp &&
	    (r = num_value(p, "period", f[5], MFA_TOTP_PERIOD_MIN,
		 MFA_TOTP_PERIOD_MAX, &n)) != MFA_OK)
		return r;
	a->totp.period = a->hotp ? MFA_TOTP_PERIOD_DEFAULT : (unsigned int)n;
	if (mfa_totp_params_check(&a->totp) != MFA_OK)
		return mfa_text_fail(
		    &p->t, MFA_ERR_RANGE, "digits must be 6 or 8");
	if (strlen(f[6]) > B32_MAX ||
	    mfa_base32_decode(f[6], strlen(f[6]), a->key, sizeof(a->key),
		&a->keylen) != MFA_OK ||
	    a->keylen < MFA_SECRET_KEY_MIN)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "the key is not canonical base32 of %d to %d bytes",
		    MFA_SECRET_KEY_MIN, MFA_SECRET_KEY_MAX);
	return MFA_OK;
}

/* NAME HEX16 CREATED ALG DIGITS PERIOD BASE32, each field one space. */
static int
kv_authenticator(struct parser *p, char *v)
{
	struct mfa_authenticator *a;
	char *f[7];
	size_t i;

	if (need_version2(p, "authenticator") != MFA_OK)
		return MFA_ERR_FORMAT;
	if (p->s->nextra == MFA_SECRET_AUTH_MAX - 1)
		return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "more than %d authenticators", MFA_SECRET_AUTH_MAX);
	for (i = 0; i < 7; i++) {
		f[i] = v;
		v = strchr(v, ' ');
		if ((v == NULL) != (i == 6) || f[i][0] == ' ' || f[i][0] == 0)
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "authenticator needs NAME ID CREATED ALGORITHM "
			    "DIGITS PERIOD KEY");
		if (v != NULL)
			*v++ = '\0';
	}
	a = &p->s->extra[p->s->nextra++];
	if (mfa_secret_name_check(f[0]) != MFA_OK)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "authenticator name: " MFA_SECRET_NAME_RULE);
	snprintf(a->name, sizeof(a->name), "%s", f[0]);
	if (mfa_text_hex_decode(f[1], a->id, sizeof(a->id)) != MFA_OK)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "authenticator id must be 16 lower-case hex digits");
	return auth_fields(p, f, a);
}

/* Keys in the order serialize writes them; backup and authenticator
 * alone repeat. */
static const struct {
	const char *name;
	int (*parse)(struct parser *p, char *value);
	int required;
} keys[] = {
    {"id", kv_id, 1},
    {"created", kv_created, 1},
    {"totp-secret", kv_totp_secret, 1},
    {"totp-algorithm", kv_totp_algorithm, 0},
    {"totp-digits", kv_totp_digits, 0},
    {"totp-period", kv_totp_period, 0},
    {"email", kv_email, 0},
    {"phone", kv_phone, 0},
    {"trust-generation", kv_trust_generation, 0},
    {"backup-set", kv_backup_set, 0},
    {"backup-created", kv_backup_created, 0},
    {"backup", kv_backup, 0},
    {"totp-name", kv_totp_name, 0},
    {"totp-id", kv_totp_id, 0},
    {"totp-kind", kv_totp_kind, 0},
    {"legacy-short-key", kv_legacy_short_key, 0},
    {"authenticator", kv_authenticator, 0},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#define BACKUP_KEY (NKEYS - 6)
#define AUTH_KEY (NKEYS - 1)

/* The version line, which must come before any other key. */
static int
version_line(struct parser *p, const char *key, const char *value)
{
	if (strcmp(key, VERSION_KEY) != 0)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "not a pam_mfa secret file: the first line must be '%s'",
		    VERSION_LINE);
	if (strcmp(value, "1") != 0 && strcmp(value, "2") != 0)
		return mfa_text_fail(&p->t, MFA_ERR_VERSION,
		    "unsupported format version (this module reads '%s' and "
		    "'%s')",
		    VERSION_LINE, VERSION_LINE2);
	p->version_seen = value[0] - '0';
	return MFA_OK;
}

/* One KEY SP VALUE line in p->buf (no '\n', NUL-terminated). */
static int
parse_line(struct parser *p)
{
	char *line = p->buf, *value;
	size_t len = strlen(line), klen, i;

	if (len == 0 || line[0] == '#')
		return MFA_OK;
	if (line[len - 1] == ' ')
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT, "trailing space");
	klen = strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789-_");
	if (klen == 0 || klen > KEY_SHOW_MAX ||
	    (line[klen] != ' ' && line[klen] != '\0'))
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "expected a key of a-z, 0-9, '-' and '_', a space and a "
		    "value");
	if (line[klen] == '\0')
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "key '%s' has no value", line);
	line[klen] = '\0';
	value = line + klen + 1;
	if (value[0] == ' ')
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "more than one space after key '%s'", line);
	if (!p->version_seen)
		return version_line(p, line, value);
	if (strcmp(line, VERSION_KEY) == 0)
		return mfa_text_fail(
		    &p->t, MFA_ERR_DUPLICATE, "a second version line");
	for (i = 0; i < NKEYS; i++)
		if (strcmp(line, keys[i].name) == 0)
			break;
	if (i == NKEYS)
		return mfa_text_fail(
		    &p->t, MFA_ERR_UNKNOWN_KEY, "unknown key '%s'", line);
	if (i != BACKUP_KEY && i != AUTH_KEY && (p->seen & (1u << i)))
		return mfa_text_fail(
		    &p->t, MFA_ERR_DUPLICATE, "duplicate key '%s'", line);
	p->seen |= 1u << i;
	return keys[i].parse(p, value);
}

/* Bytes a line may never hold, each with its own reason. */
static int
check_bytes(void *ctx, const char *s, size_t len)
{
	static const struct mfa_text_byte_words words = {"contains a NUL byte",
	    "contains a carriage return (CRLF line ends?)",
	    "contains a control character (byte ", ")"};
	struct parser *p = ctx;

	return mfa_text_check_controls(&p->t, s, len, &words);
}

/* Names and ids of the authenticators: each one once in the file. */
static int
check_auth_unique(struct parser *p)
{
	static const unsigned char zero[8];
	struct mfa_secret *s = p->s;
	const unsigned char *main_id =
	    memcmp(s->auth_id, zero, 8) != 0 ? s->auth_id : s->id;
	size_t i, j;

	if (s->name[0] == '\0')
		snprintf(
		    s->name, sizeof(s->name), "%s", MFA_SECRET_DEFAULT_NAME);
	for (i = 0; i < s->nextra; i++) {
		if (strcmp(s->extra[i].name, s->name) == 0 ||
		    memcmp(s->extra[i].id, main_id, 8) == 0)
			return mfa_text_fail_at(&p->t, 0, MFA_ERR_DUPLICATE,
			    "authenticator name '%s' given twice", s->name);
		for (j = i + 1; j < s->nextra; j++)
			if (strcmp(s->extra[i].name, s->extra[j].name) == 0 ||
			    memcmp(s->extra[i].id, s->extra[j].id, 8) == 0)
				return mfa_text_fail_at(&p->t, 0,
				    MFA_ERR_DUPLICATE,
				    "authenticator '%s' or its id given twice",
				    s->extra[j].name);
	}
	return MFA_OK;
}

/* What only the whole file can tell: required keys, backup consistency. */
static int
check_complete(struct parser *p)
{
	size_t i;

	if (!p->version_seen)
		return mfa_text_fail_at(&p->t, 0, MFA_ERR_FORMAT,
		    "no version line: not a pam_mfa secret file");
	for (i = 0; i < NKEYS; i++)
		if (keys[i].required && !(p->seen & (1u << i)))
			return mfa_text_fail_at(&p->t, 0, MFA_ERR_FORMAT,
			    "missing required key '%s'", keys[i].name);
	if (p->first_backup_line != 0 && !p->s->has_backup)
		return mfa_text_fail_at(&p->t, p->first_backup_line,
		    MFA_ERR_FORMAT, "backup line without backup-set");
	if (p->s->has_backup && p->first_backup_line == 0)
		return mfa_text_fail_at(&p->t, p->backup_set_line,
		    MFA_ERR_FORMAT, "backup-set without any backup line");
	if (p->backup_created_line != 0 && !p->s->has_backup)
		return mfa_text_fail_at(&p->t, p->backup_created_line,
		    MFA_ERR_FORMAT, "backup-created without backup-set");
	if (p->short_line != 0 && !p->s->short_key)
		return mfa_text_fail_at(&p->t, p->short_line, MFA_ERR_RANGE,
		    "totp-secret is shorter than %d bytes (128 bits)",
		    MFA_SECRET_KEY_MIN);
	return check_auth_unique(p);
}

/* One line (its bytes checked): a NUL-terminated copy to parse_line. */
static int
walk_line(void *ctx, const char *s, size_t n)
{
	struct parser *p = ctx;

	memcpy(p->buf, s, n);
	p->buf[n] = '\0';
	return parse_line(p);
}

/* Each line whole before the next: the last one must end with '\n'. */
static const struct mfa_text_rules rules = {
    MFA_SECRET_MAX_LINE,
    "last line does not end with a newline (truncated file?)",
    0,
    check_bytes,
    walk_line,
};

static int
parse_lines(struct parser *p)
{
	int r = mfa_text_walk(&p->t, &rules, p);

	return r != MFA_OK ? r : check_complete(p);
}

int
mfa_secret_parse(const char *buf, size_t len, struct mfa_secret **out,
    struct mfa_parse_error *err)
{
	struct parser *p = NULL;
	int r;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (out == NULL || (buf == NULL && len > 0))
		return MFA_ERR_INVALID;
	*out = NULL;
	/* calloc: the parser holds each line, the key among them. */
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return MFA_ERR_NOMEM;
	mfa_text_init(&p->t, buf, len, err);
	if (len > MFA_SECRET_MAX_SIZE) {
		r = mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "file larger than %d bytes", MFA_SECRET_MAX_SIZE);
		goto out;
	}
	if ((r = mfa_secret_new(&p->s)) != MFA_OK)
		goto out;
	r = parse_lines(p);
	if (r == MFA_OK) {
		*out = p->s;
		p->s = NULL;
	}
out:
	mfa_secret_free(p->s);
	mfa_freezero(p, sizeof(*p));
	return r;
}

int
mfa_secret_new(struct mfa_secret **out)
{
	struct mfa_secret *s;

	if (out == NULL)
		return MFA_ERR_INVALID;
	if ((*out = s = calloc(1, sizeof(*s))) == NULL)
		return MFA_ERR_NOMEM;
	s->totp.alg = MFA_OTP_SHA1;
	s->totp.digits = MFA_OTP_DIGITS_DEFAULT;
	s->totp.period = MFA_TOTP_PERIOD_DEFAULT;
	snprintf(s->name, sizeof(s->name), "%s", MFA_SECRET_DEFAULT_NAME);
	return MFA_OK;
}

void
mfa_secret_clear_backup(struct mfa_secret *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < MFA_BACKUP_SLOTS; i++) {
		mfa_strfree(s->backup[i]);
		s->backup[i] = NULL;
	}
	MFA_WIPE_ARRAY(s->backup_set);
	s->has_backup = 0;
	s->backup_created = 0;
}

void
mfa_secret_free(struct mfa_secret *s)
{
	if (s == NULL)
		return;
	mfa_secret_clear_backup(s);
	mfa_strfree(s->email);
	mfa_strfree(s->phone);
	mfa_freezero(s, sizeof(*s));
}

int
mfa_secret_set_key(struct mfa_secret *s, const unsigned char *key, size_t len)
{
	if (s == NULL || key == NULL || len > MFA_SECRET_KEY_MAX ||
	    len <
		(s->short_key ? MFA_SECRET_KEY_LEGACY_MIN : MFA_SECRET_KEY_MIN))
		return MFA_ERR_INVALID;
	MFA_WIPE_ARRAY(s->key);
	memcpy(s->key, key, len);
	s->keylen = len;
	return MFA_OK;
}

int
mfa_secret_generate(struct mfa_secret *s, size_t keylen, int64_t now)
{
	unsigned char key[MFA_SECRET_KEY_MAX];
	unsigned char id[sizeof(s->id)];
	int r;

	if (s == NULL || keylen < MFA_SECRET_KEY_MIN ||
	    keylen > MFA_SECRET_KEY_MAX || now < 0 || now > MFA_SECRET_TIME_MAX)
		return MFA_ERR_INVALID;
	r = mfa_random_bytes(key, keylen);
	if (r == MFA_OK)
		r = mfa_random_bytes(id, sizeof(id));
	if (r == MFA_OK)
		r = mfa_secret_set_key(s, key, keylen);
	if (r == MFA_OK) {
		memcpy(s->id, id, sizeof(id));
		s->created = now;
	}
	MFA_WIPE_ARRAY(key);
	MFA_WIPE_ARRAY(id);
	return r;
}

/* Replace *slot with a copy of v (checked by check), or clear it. */
static int
set_addr(char **slot, const char *v, int (*check)(const char *, char *, size_t),
    char *why, size_t whysz)
{
	char *copy = NULL;
	int r;

	if (v != NULL) {
		if ((r = check(v, why, whysz)) != MFA_OK)
			return r;
		if ((copy = strdup(v)) == NULL)
			return MFA_ERR_NOMEM;
	}
	mfa_strfree(*slot);
	*slot = copy;
	return MFA_OK;
}

int
mfa_secret_set_email(
    struct mfa_secret *s, const char *addr, char *why, size_t whysz)
{
	if (s == NULL)
		return MFA_ERR_INVALID;
	return set_addr(&s->email, addr, mfa_addr_email_check, why, whysz);
}

int
mfa_secret_set_phone(
    struct mfa_secret *s, const char *number, char *why, size_t whysz)
{
	if (s == NULL)
		return MFA_ERR_INVALID;
	return set_addr(&s->phone, number, mfa_addr_phone_check, why, whysz);
}

void
mfa_secret_id_hex(const struct mfa_secret *s, char out[MFA_SECRET_ID_HEX_SIZE])
{
	mfa_text_hex_encode(s->id, sizeof(s->id), out);
}

int
mfa_secret_name_check(const char *name)
{
	size_t n;

	if (name == NULL)
		return MFA_ERR_FORMAT;
	n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-");
	if (n == 0 || n > MFA_SECRET_NAME_MAX || name[n] != '\0' ||
	    strchr("._-", name[0]) != NULL)
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

size_t
mfa_secret_auth_count(const struct mfa_secret *s)
{
	return s != NULL ? 1 + s->nextra : 0;
}

/* The id of the key's authenticator: totp-id, else the file id's start. */
static const unsigned char *
main_auth_id(const struct mfa_secret *s)
{
	static const unsigned char zero[8];

	return memcmp(s->auth_id, zero, sizeof(zero)) != 0 ? s->auth_id : s->id;
}

int
mfa_secret_auth_get(
    const struct mfa_secret *s, size_t i, struct mfa_authenticator *a)
{
	if (s == NULL || a == NULL || i > s->nextra)
		return MFA_ERR_INVALID;
	if (i > 0) {
		*a = s->extra[i - 1];
		return MFA_OK;
	}
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s",
	    s->name[0] != '\0' ? s->name : MFA_SECRET_DEFAULT_NAME);
	memcpy(a->id, main_auth_id(s), sizeof(a->id));
	a->created = s->created;
	memcpy(a->key, s->key, sizeof(a->key));
	a->keylen = s->keylen;
	a->totp = s->totp;
	a->hotp = s->hotp;
	return MFA_OK;
}

int
mfa_secret_auth_find(const struct mfa_secret *s, const char *name)
{
	size_t i;

	if (s == NULL || name == NULL)
		return -1;
	if (strcmp(name,
		s->name[0] != '\0' ? s->name : MFA_SECRET_DEFAULT_NAME) == 0)
		return 0;
	for (i = 0; i < s->nextra; i++)
		if (strcmp(name, s->extra[i].name) == 0)
			return (int)i + 1;
	return -1;
}

int
mfa_secret_auth_add(struct mfa_secret *s, const struct mfa_authenticator *a)
{
	size_t i;

	if (s == NULL || a == NULL ||
	    mfa_secret_name_check(a->name) != MFA_OK ||
	    a->keylen < MFA_SECRET_KEY_MIN || a->keylen > MFA_SECRET_KEY_MAX ||
	    mfa_totp_params_check(&a->totp) != MFA_OK || a->created < 0 ||
	    a->created > MFA_SECRET_TIME_MAX)
		return MFA_ERR_INVALID;
	if (mfa_secret_auth_find(s, a->name) >= 0 ||
	    memcmp(a->id, main_auth_id(s), sizeof(a->id)) == 0)
		return MFA_ERR_DUPLICATE;
	for (i = 0; i < s->nextra; i++)
		if (memcmp(a->id, s->extra[i].id, sizeof(a->id)) == 0)
			return MFA_ERR_DUPLICATE;
	if (s->nextra == MFA_SECRET_AUTH_MAX - 1)
		return MFA_ERR_TOOBIG;
	s->extra[s->nextra++] = *a;
	return MFA_OK;
}

int
mfa_secret_auth_remove(struct mfa_secret *s, size_t i)
{
	struct mfa_authenticator *up;
	size_t j;

	if (s == NULL || i > s->nextra || s->nextra == 0)
		return MFA_ERR_INVALID;
	if (i == 0) {
		/* The first other app takes the key's place. */
		for (j = 0; j < s->nextra && s->extra[j].hotp; j++)
			;
		if (j == s->nextra)
			return MFA_ERR_DENIED;
		up = &s->extra[j];
		MFA_WIPE_ARRAY(s->key);
		memcpy(s->key, up->key, sizeof(s->key));
		s->keylen = up->keylen;
		s->totp = up->totp;
		s->hotp = up->hotp;
		memcpy(s->name, up->name, sizeof(s->name));
		memcpy(s->auth_id, up->id, sizeof(s->auth_id));
		i = j + 1;
	}
	memmove(&s->extra[i - 1], &s->extra[i],
	    (s->nextra - i) * sizeof(s->extra[0]));
	s->nextra--;
	MFA_WIPE_OBJ(&s->extra[s->nextra]);
	return MFA_OK;
}

/* Does s need version 2 of the format (see secretfile.h)? */
static int
needs_version2(const struct mfa_secret *s)
{
	return s->nextra > 0 || s->hotp || s->short_key ||
	    strcmp(s->name, MFA_SECRET_DEFAULT_NAME) != 0 ||
	    main_auth_id(s) != s->id;
}

/* The checks the text alone cannot express: what serialize would drop. */
static int
check_record(const struct mfa_secret *s)
{
	size_t i;

	if (s->keylen < (s->short_key ? MFA_SECRET_KEY_LEGACY_MIN
				      : MFA_SECRET_KEY_MIN) ||
	    s->keylen > MFA_SECRET_KEY_MAX ||
	    mfa_totp_params_check(&s->totp) != MFA_OK || s->created < 0 ||
	    s->created > MFA_SECRET_TIME_MAX || s->backup_created < 0 ||
	    s->backup_created > MFA_SECRET_TIME_MAX)
		return MFA_ERR_INVALID;
	/* An address with a line break would inject keys: check, not trust. */
	if ((s->email != NULL &&
		mfa_addr_email_check(s->email, NULL, 0) != MFA_OK) ||
	    (s->phone != NULL &&
		mfa_addr_phone_check(s->phone, NULL, 0) != MFA_OK))
		return MFA_ERR_INVALID;
	for (i = 0; i < MFA_BACKUP_SLOTS; i++) {
		if (s->backup[i] == NULL)
			continue;
		if (!s->has_backup ||
		    mfa_backup_phc_check(s->backup[i]) != MFA_OK)
			return MFA_ERR_INVALID;
	}
	if (mfa_secret_name_check(s->name) != MFA_OK ||
	    s->nextra > MFA_SECRET_AUTH_MAX - 1)
		return MFA_ERR_INVALID;
	return MFA_OK;
}

/* The version 2 keys: the key's name and id, the other authenticators. */
static void
write_authenticators(struct mfa_text_out *w, const struct mfa_secret *s)
{
	char hex[MFA_SECRET_ID_HEX_SIZE], b32[B32_MAX + 1];
	const struct mfa_authenticator *a;
	size_t i;

	mfa_text_hex_encode(main_auth_id(s), sizeof(s->auth_id), hex);
	mfa_text_printf(w, "totp-name %s\ntotp-id %s\n", s->name, hex);
	if (s->hotp)
		mfa_text_printf(w, "totp-kind hotp\n");
	if (s->short_key)
		mfa_text_printf(w, "legacy-short-key yes\n");
	for (i = 0; i < s->nextra; i++) {
		a = &s->extra[i];
		mfa_text_hex_encode(a->id, sizeof(a->id), hex);
		if (mfa_base32_encode(a->key, a->keylen, b32, sizeof(b32)) !=
		    MFA_OK)
			w->rc = MFA_ERR_INVALID;
		mfa_text_printf(w, "authenticator %s %s %lld %s %u ", a->name,
		    hex, (long long)a->created, mfa_otp_alg_name(a->totp.alg),
		    a->totp.digits);
		if (a->hotp)
			mfa_text_printf(w, "hotp %s\n", b32);
		else
			mfa_text_printf(w, "%u %s\n", a->totp.period, b32);
	}
	MFA_WIPE_ARRAY(b32);
}

static void
write_record(struct mfa_text_out *w, const struct mfa_secret *s)
{
	char hex[MFA_SECRET_ID_HEX_SIZE], b32[B32_MAX + 1];
	size_t i;

	mfa_text_hex_encode(s->id, sizeof(s->id), hex);
	if (mfa_base32_encode(s->key, s->keylen, b32, sizeof(b32)) != MFA_OK)
		w->rc = MFA_ERR_INVALID;
	mfa_text_printf(w, "%s%s\nid %s\ncreated %lld\ntotp-secret %s\n",
	    HEADER_COMMENT, needs_version2(s) ? VERSION_LINE2 : VERSION_LINE,
	    hex, (long long)s->created, b32);
	mfa_text_printf(w,
	    "totp-algorithm %s\ntotp-digits %u\ntotp-period %u\n",
	    mfa_otp_alg_name(s->totp.alg), s->totp.digits, s->totp.period);
	if (s->email != NULL)
		mfa_text_printf(w, "email %s\n", s->email);
	if (s->phone != NULL)
		mfa_text_printf(w, "phone %s\n", s->phone);
	mfa_text_printf(
	    w, "trust-generation %u\n", (unsigned int)s->trust_generation);
	if (s->has_backup) {
		mfa_text_hex_encode(s->backup_set, sizeof(s->backup_set), hex);
		mfa_text_printf(w, "backup-set %s\nbackup-created %lld\n", hex,
		    (long long)s->backup_created);
	}
	for (i = 0; s->has_backup && i < MFA_BACKUP_SLOTS; i++)
		if (s->backup[i] != NULL)
			mfa_text_printf(w, "backup %zu %s\n", i, s->backup[i]);
	if (needs_version2(s))
		write_authenticators(w, s);
	MFA_WIPE_ARRAY(b32);
}

int
mfa_secret_serialize(const struct mfa_secret *s, char **out, size_t *outlen)
{
	struct mfa_text_out w = {NULL, 0, MFA_SECRET_MAX_SIZE + 1, MFA_OK};
	struct mfa_secret *back = NULL;

	if (out == NULL)
		return MFA_ERR_INVALID;
	*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (s == NULL || check_record(s) != MFA_OK)
		return MFA_ERR_INVALID;
	if ((w.buf = malloc(MFA_SECRET_MAX_SIZE + 1)) == NULL)
		return MFA_ERR_NOMEM;
	write_record(&w, s);
	/* Only invalid fields can overflow the file's maximum size. */
	if (w.rc != MFA_OK)
		w.rc = MFA_ERR_INVALID;
	/* What we write must be what we read: parse it back. */
	if (w.rc == MFA_OK &&
	    mfa_secret_parse(w.buf, w.len, &back, NULL) != MFA_OK)
		w.rc = MFA_ERR_INVALID;
	mfa_secret_free(back);
	/* An exact-size copy, so the caller's mfa_freezero covers it all. */
	if (w.rc == MFA_OK && (*out = malloc(w.len + 1)) == NULL)
		w.rc = MFA_ERR_NOMEM;
	if (w.rc == MFA_OK) {
		memcpy(*out, w.buf, w.len + 1);
		if (outlen != NULL)
			*outlen = w.len;
	}
	mfa_freezero(w.buf, MFA_SECRET_MAX_SIZE + 1);
	return w.rc;
}
