/*
 * state.c - the module's per-user state record: strict parser, serializer
 * and small pure helpers.  Format and contracts in state.h.
 *
 * The file is written by root only, so a bad file means corruption or
 * tampering, never a user's typo: anything outside the grammar is refused
 * with the line and the reason, and the caller gets back an empty, wiped
 * record rather than half of one.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "error.h"
#include "log.h"
#include "mem.h"
#include "state.h"
#include "text.h"

#define VERSION_KEY "pam_mfa-state"
#define VERSION_VALUE "1"
#define ALL_SLOTS ((1u << MFA_STATE_BACKUP_SLOTS) - 1)

static const char *const method_names[] = {
    [MFA_METHOD_NONE] = "none",
    [MFA_METHOD_TOTP] = "totp",
    [MFA_METHOD_BACKUP] = "backup",
    [MFA_METHOD_EMAIL] = "email",
    [MFA_METHOD_SMS] = "sms",
    [MFA_METHOD_TRUSTED_DEVICE] = "trusted-device",
    [MFA_METHOD_FIDO2_KEY] = "fido2-key",
};

const char *
mfa_method_name(enum mfa_method m)
{
	if ((unsigned int)m >= sizeof(method_names) / sizeof(method_names[0]))
		return "unknown";
	return method_names[m];
}

void
mfa_state_init(struct mfa_state *st)
{
	if (st == NULL)
		return;
	memset(st, 0, sizeof(*st));
	st->last_method = MFA_METHOD_NONE;
	st->otp.channel = MFA_METHOD_NONE;
}

void
mfa_state_wipe(struct mfa_state *st)
{
	if (st == NULL)
		return;
	MFA_WIPE_OBJ(st);
	mfa_state_init(st);
}

/*
 * label_problem - why label (a char[MFA_STATE_MAX_LABEL + 1]) cannot be
 * stored, or NULL when it can.  Printable ASCII only, so that a label
 * cannot split a line or carry escape sequences to an admin's terminal;
 * no space first or last, so the "runs to end of line" field is exact.
 */
static const char *
label_problem(const char *label)
{
	const char *nul = memchr(label, '\0', MFA_STATE_MAX_LABEL + 1);
	size_t n, i;

	if (nul == NULL)
		return "label longer than 128 bytes";
	n = (size_t)(nul - label);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)label[i];

		if (c < 0x20 || c > 0x7e)
			return "label is not printable ASCII";
	}
	if (n > 0 && (label[0] == ' ' || label[n - 1] == ' '))
		return "label starts or ends with a space";
	return NULL;
}

/* ---- parser ---- */

struct parser {
	struct mfa_state *st;
	struct mfa_text t; /* the input, the line number, err */
	unsigned int seen; /* bit per key of key_table: given once already */
	int have_version;
};

/* parse_uint - mfa_text_uint with a message naming the field. */
static int
parse_uint(struct parser *p, const char *s, uint64_t max, const char *what,
    uint64_t *out)
{
	const char *why = NULL;
	int rc = mfa_text_uint(s, max, out, &why);

	if (rc != MFA_OK)
		return mfa_text_fail(&p->t, rc, "%s: %s", what, why);
	return MFA_OK;
}

static int
parse_time(struct parser *p, const char *s, const char *what, int64_t *out)
{
	uint64_t v;
	int rc = parse_uint(p, s, INT64_MAX, what, &v);

	if (rc == MFA_OK)
		*out = (int64_t)v;
	return rc;
}

static int
parse_u32(struct parser *p, const char *s, unsigned int max, const char *what,
    unsigned int *out)
{
	uint64_t v;
	int rc = parse_uint(p, s, max, what, &v);

	if (rc == MFA_OK)
		*out = (unsigned int)v;
	return rc;
}

/* parse_hex - exactly 2 * n lower-case hex digits into out[n]. */
static int
parse_hex(struct parser *p, const char *s, unsigned char *out, size_t n,
    const char *what)
{
	if (mfa_text_hex_decode(s, out, n) != MFA_OK)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "%s: want %zu lower-case hex digits", what, 2 * n);
	return MFA_OK;
}

/*
 * split_fields - cut s at single spaces into exactly n fields.  With rest
 * non-NULL, one more optional field may follow that runs to the end of the
 * line (a label, which may hold spaces); *rest is "" when it is absent.
 */
static int
split_fields(struct parser *p, char *s, char **f, size_t n, char **rest)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *sp;

		if (s == NULL || *s == '\0')
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "too few fields (want %zu)", n);
		if (*s == ' ')
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "empty field (two spaces in a row)");
		f[i] = s;
		sp = strchr(s, ' ');
		if (sp != NULL)
			*sp = '\0';
		s = sp != NULL ? sp + 1 : NULL;
	}
	if (rest != NULL) {
		*rest = s != NULL ? s : "";
		return MFA_OK;
	}
	if (s != NULL)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "too many fields (want %zu)", n);
	return MFA_OK;
}

static int
parse_label(struct parser *p, const char *s, char *label)
{
	size_t n = strlen(s);
	const char *why;

	if (n > MFA_STATE_MAX_LABEL)
		return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "label longer than %d bytes", MFA_STATE_MAX_LABEL);
	memcpy(label, s, n + 1);
	why = label_problem(label);
	if (why != NULL)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT, "%s", why);
	return MFA_OK;
}

static int
parse_method(
    struct parser *p, const char *s, int channel_only, enum mfa_method *out)
{
	enum mfa_method m;

	for (m = MFA_METHOD_TOTP; m <= MFA_METHOD_FIDO2_KEY; m++) {
		if (channel_only && m != MFA_METHOD_EMAIL &&
		    m != MFA_METHOD_SMS)
			continue;
		if (strcmp(s, method_names[m]) == 0) {
			*out = m;
			return MFA_OK;
		}
	}
	return mfa_text_fail(&p->t, MFA_ERR_FORMAT, "unknown %s",
	    channel_only ? "channel (want email or sms)" : "method");
}

static int
key_enrolled(struct parser *p, char *val)
{
	char *f[2];
	int rc;

	if ((rc = split_fields(p, val, f, 2, NULL)) != MFA_OK ||
	    (rc = parse_time(p, f[0], "enrolled time", &p->st->enrolled_at)) !=
		MFA_OK ||
	    (rc = parse_hex(p, f[1], p->st->enrolled_id, 16, "enrolment id")) !=
		MFA_OK)
		return rc;
	p->st->enrolled = 1;
	return MFA_OK;
}

/* The optional "[NONCE32HEX [OLDID32HEX]]" at the end of enrol-pending. */
static int
enrol_pending_tail(struct parser *p, char *rest)
{
	struct mfa_state *st = p->st;
	char *f[1] = {NULL}, *more = NULL;
	int rc;

	if (*rest == '\0')
		return MFA_OK; /* an older line: never confirmed */
	if ((rc = split_fields(p, rest, f, 1, &more)) != MFA_OK ||
	    (rc = parse_hex(p, f[0], st->enrol_pending_nonce, 16,
		 "enrol-pending nonce")) != MFA_OK)
		return rc;
	st->has_enrol_nonce = 1;
	if (*more == '\0')
		return MFA_OK;
	if ((rc = split_fields(p, more, f, 1, NULL)) != MFA_OK ||
	    (rc = parse_hex(p, f[0], st->enrol_replaced_id, 16,
		 "replaced enrolment id")) != MFA_OK)
		return rc;
	st->has_enrol_replaced = 1;
	return MFA_OK;
}

static int
key_enrol_pending(struct parser *p, char *val)
{
	struct mfa_state *st = p->st;
	char *f[3], *rest = NULL;
	int rc;

	if ((rc = split_fields(p, val, f, 3, &rest)) != MFA_OK ||
	    (rc = parse_hex(p, f[0], st->enrol_pending_id, 16,
		 "enrolment id")) != MFA_OK ||
	    (rc = parse_time(p, f[1], "enrol-pending time",
		 &st->enrol_pending_at)) != MFA_OK ||
	    (rc = parse_uint(p, f[2], UINT64_MAX, "enrol-pending step",
		 &st->enrol_pending_step)) != MFA_OK ||
	    (rc = enrol_pending_tail(p, rest)) != MFA_OK)
		return rc;
	st->has_enrol_pending = 1;
	return MFA_OK;
}

static int
key_last_step(struct parser *p, char *val)
{
	int rc = parse_uint(
	    p, val, UINT64_MAX, "totp-last-step", &p->st->totp_last_step);

	if (rc == MFA_OK)
		p->st->has_last_step = 1;
	return rc;
}

/* An optional clock offset: [-]N, N <= MFA_STATE_MAX_DRIFT; "": 0. */
static int
parse_drift(struct parser *p, const char *s, int *drift)
{
	unsigned int n = 0;
	int neg = s[0] == '-', rc;

	*drift = 0;
	if (s[0] == '\0')
		return MFA_OK;
	rc = parse_u32(p, s + neg, MFA_STATE_MAX_DRIFT, "auth-step drift", &n);
	if (rc == MFA_OK && neg && n == 0)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "auth-step drift -0");
	*drift = neg ? -(int)n : (int)n;
	return rc;
}

/* auth-step ID16HEX STEP [DRIFT]: version 2 only, each id once. */
static int
key_auth_step(struct parser *p, char *val)
{
	struct mfa_state *st = p->st;
	struct mfa_auth_floor a;
	char *f[2], *rest = NULL;
	int rc;

	if (p->have_version != 2)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "auth-step needs \"" VERSION_KEY " 2\"");
	if (st->nauth == MFA_STATE_MAX_AUTH)
		return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "more than %d auth-step lines", MFA_STATE_MAX_AUTH);
	/* Zeroed first: records compare byte for byte, padding included. */
	memset(&a, 0, sizeof(a));
	if ((rc = split_fields(p, val, f, 2, &rest)) != MFA_OK ||
	    (rc = parse_hex(p, f[0], a.id, sizeof(a.id), "auth-step id")) !=
		MFA_OK ||
	    (rc = parse_uint(p, f[1], UINT64_MAX, "auth-step step", &a.step)) !=
		MFA_OK ||
	    (rc = parse_drift(p, rest, &a.drift)) != MFA_OK)
		return rc;
	if (mfa_state_auth_floor(st, a.id) != NULL)
		return mfa_text_fail(
		    &p->t, MFA_ERR_DUPLICATE, "auth-step id given twice");
	st->auth[st->nauth++] = a;
	return MFA_OK;
}

static int
key_serial(struct parser *p, char *val)
{
	return parse_uint(p, val, UINT64_MAX, "serial", &p->st->serial);
}

static int
key_failures(struct parser *p, char *val)
{
	return parse_u32(p, val, UINT_MAX, "failures", &p->st->failures);
}

static int
key_locked_until(struct parser *p, char *val)
{
	return parse_time(p, val, "locked-until", &p->st->locked_until);
}

static int
key_last_success(struct parser *p, char *val)
{
	char *f[2];
	int rc;

	if ((rc = split_fields(p, val, f, 2, NULL)) != MFA_OK ||
	    (rc = parse_time(p, f[0], "last-success", &p->st->last_success)) !=
		MFA_OK)
		return rc;
	return parse_method(p, f[1], 0, &p->st->last_method);
}

static int
key_last_failure(struct parser *p, char *val)
{
	return parse_time(p, val, "last-failure", &p->st->last_failure);
}

/* A source key as the format allows it (state.h). */
static int
source_key_ok(const char *key)
{
	const char *nul = memchr(key, '\0', MFA_STATE_SOURCE_MAX + 1);
	size_t n, i;

	if (nul == NULL || nul == key)
		return 0;
	n = (size_t)(nul - key);
	if (key[0] == '#') {
		for (i = 1; i < n; i++)
			if (!((key[i] >= '0' && key[i] <= '9') ||
				(key[i] >= 'a' && key[i] <= 'f')))
				return 0;
		return n == 33;
	}
	for (i = 0; i < n; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') ||
			(key[i] >= '0' && key[i] <= '9') ||
			strchr(".:_%-", key[i]) != NULL))
			return 0;
	return 1;
}

static int
key_source(struct parser *p, char *val)
{
	struct mfa_state *st = p->st;
	struct mfa_source *src = &st->sources[st->nsources];
	char *f[4];
	int rc;

	if (st->nsources == MFA_STATE_MAX_SOURCES)
		return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "too many source lines (at most %d)",
		    MFA_STATE_MAX_SOURCES);
	if ((rc = split_fields(p, val, f, 4, NULL)) != MFA_OK)
		return rc;
	if (strlen(f[0]) > MFA_STATE_SOURCE_MAX)
		return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "source longer than %d bytes", MFA_STATE_SOURCE_MAX);
	memcpy(src->key, f[0], strlen(f[0]));
	if (!source_key_ok(src->key))
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "bad source (want -, a-z 0-9 . : _ %% -, or # and 32 "
		    "hex digits)");
	if ((rc = parse_u32(p, f[1], UINT_MAX, "source failures",
		 &src->failures)) != MFA_OK ||
	    (rc = parse_time(p, f[2], "source last failure",
		 &src->last_failure)) != MFA_OK ||
	    (rc = parse_time(
		 p, f[3], "source locked-until", &src->locked_until)) != MFA_OK)
		return rc;
	if (mfa_state_source_find(st, src->key) != NULL)
		return mfa_text_fail(
		    &p->t, MFA_ERR_DUPLICATE, "duplicate source");
	st->nsources++;
	return MFA_OK;
}

/*
 * parse_slots - "0,3,7": single digits, strictly ascending, so a slot is
 * never listed twice and the spelling of a set of slots is unique.
 */
static int
parse_slots(struct parser *p, const char *s, uint16_t *mask)
{
	int prev = -1;
	size_t i = 0;

	for (;;) {
		int d;

		if (s[i] < '0' || s[i] > '9')
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "backup-used: bad slot list (want digits 0..9 "
			    "separated by ',')");
		d = s[i] - '0';
		if (s[i + 1] >= '0' && s[i + 1] <= '9')
			return mfa_text_fail(&p->t, MFA_ERR_RANGE,
			    "backup-used: slot out of range (0..9)");
		if (d == prev)
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "backup-used: duplicated slot %d", d);
		if (d < prev)
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "backup-used: slots not ascending");
		*mask = (uint16_t)(*mask | (1u << d));
		prev = d;
		if (s[i + 1] == '\0')
			return MFA_OK;
		if (s[i + 1] != ',')
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "backup-used: bad slot list (want digits 0..9 "
			    "separated by ',')");
		i += 2;
	}
}

static int
key_backup_used(struct parser *p, char *val)
{
	char *f[2];
	int rc;

	if ((rc = split_fields(p, val, f, 2, NULL)) != MFA_OK ||
	    (rc = parse_hex(p, f[0], p->st->backup_set, 8, "backup set id")) !=
		MFA_OK ||
	    (rc = parse_slots(p, f[1], &p->st->backup_used_mask)) != MFA_OK)
		return rc;
	p->st->has_backup_used = 1;
	return MFA_OK;
}

static int
key_otp_pending(struct parser *p, char *val)
{
	struct mfa_otp_pending *o = &p->st->otp;
	char *f[6];
	int rc;

	if ((rc = split_fields(p, val, f, 6, NULL)) != MFA_OK ||
	    (rc = parse_method(p, f[0], 1, &o->channel)) != MFA_OK ||
	    (rc = parse_time(p, f[1], "otp-pending expiry", &o->expires)) !=
		MFA_OK ||
	    (rc = parse_u32(p, f[2], UINT_MAX, "otp-pending tries",
		 &o->tries_left)) != MFA_OK ||
	    (rc = parse_time(p, f[3], "otp-pending sent time", &o->sent_at)) !=
		MFA_OK ||
	    (rc = parse_hex(p, f[4], o->salt, sizeof(o->salt),
		 "otp-pending salt")) != MFA_OK ||
	    (rc = parse_hex(p, f[5], o->hash, sizeof(o->hash),
		 "otp-pending hash")) != MFA_OK)
		return rc;
	o->active = 1;
	return MFA_OK;
}

static int
key_send_times(struct parser *p, char *val)
{
	struct mfa_state *st = p->st;
	char *s = val;

	for (;;) {
		char *comma = strchr(s, ',');
		int rc;

		if (st->nsends == MFA_STATE_MAX_SENDS)
			return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
			    "too many send-times values (at most %d)",
			    MFA_STATE_MAX_SENDS);
		if (comma != NULL)
			*comma = '\0';
		rc =
		    parse_time(p, s, "send-times", &st->send_times[st->nsends]);
		if (rc != MFA_OK)
			return rc;
		st->nsends++;
		if (comma == NULL)
			return MFA_OK;
		s = comma + 1;
	}
}

static int
key_device(struct parser *p, char *val)
{
	struct mfa_state *st = p->st;
	struct mfa_device *d = &st->devices[st->ndevices];
	char *f[6], *label = NULL;
	size_t i;
	int rc;

	if (st->ndevices == MFA_STATE_MAX_DEVICES)
		return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "too many device lines "
		    "(at most %d)",
		    MFA_STATE_MAX_DEVICES);
	if ((rc = split_fields(p, val, f, 6, &label)) != MFA_OK ||
	    (rc = parse_hex(p, f[0], d->id, sizeof(d->id), "device id")) !=
		MFA_OK ||
	    (rc = parse_hex(p, f[1], d->digest, sizeof(d->digest),
		 "device digest")) != MFA_OK ||
	    (rc = parse_time(p, f[2], "device created", &d->created)) !=
		MFA_OK ||
	    (rc = parse_time(p, f[3], "device expiry", &d->expires)) !=
		MFA_OK ||
	    (rc = parse_time(p, f[4], "device last use", &d->last_used)) !=
		MFA_OK ||
	    (rc = parse_u32(p, f[5], UINT32_MAX, "device generation",
		 &d->generation)) != MFA_OK ||
	    (rc = parse_label(p, label, d->label)) != MFA_OK)
		return rc;
	/* The id names a device to "mfa-enroll devices forget ID". */
	for (i = 0; i < st->ndevices; i++)
		if (memcmp(st->devices[i].id, d->id, sizeof(d->id)) == 0)
			return mfa_text_fail(
			    &p->t, MFA_ERR_DUPLICATE, "duplicate device id");
	st->ndevices++;
	return MFA_OK;
}

static int
key_device_pending(struct parser *p, char *val)
{
	struct mfa_state *st = p->st;
	struct mfa_device_pending *d = &st->pending[st->npending];
	char *f[4], *label = NULL;
	int rc;

	if (st->npending == MFA_STATE_MAX_PENDING)
		return mfa_text_fail(&p->t, MFA_ERR_TOOBIG,
		    "too many device-pending lines "
		    "(at most %d)",
		    MFA_STATE_MAX_PENDING);
	/* A leading nonce (32 hex digits) is told from the digest (64). */
	if (strchr(val, ' ') == val + 2 * sizeof(d->nonce)) {
		val[2 * sizeof(d->nonce)] = '\0';
		if ((rc = parse_hex(p, val, d->nonce, sizeof(d->nonce),
			 "device-pending nonce")) != MFA_OK)
			return rc;
		d->has_nonce = 1;
		val += 2 * sizeof(d->nonce) + 1;
	}
	if ((rc = split_fields(p, val, f, 4, &label)) != MFA_OK ||
	    (rc = parse_hex(p, f[0], d->digest, sizeof(d->digest),
		 "device-pending digest")) != MFA_OK ||
	    (rc = parse_time(p, f[1], "device-pending created", &d->created)) !=
		MFA_OK ||
	    (rc = parse_time(p, f[2], "device-pending expiry", &d->expires)) !=
		MFA_OK ||
	    (rc = parse_u32(p, f[3], UINT32_MAX, "device-pending generation",
		 &d->generation)) != MFA_OK ||
	    (rc = parse_label(p, label, d->label)) != MFA_OK)
		return rc;
	st->npending++;
	return MFA_OK;
}

static const struct state_key {
	const char *name;
	int (*parse)(struct parser *p, char *val);
	int repeatable;
} key_table[] = {
    {"serial", key_serial, 0},
    {"enrolled", key_enrolled, 0},
    {"enrol-pending", key_enrol_pending, 0},
    {"totp-last-step", key_last_step, 0},
    {"failures", key_failures, 0},
    {"locked-until", key_locked_until, 0},
    {"last-success", key_last_success, 0},
    {"last-failure", key_last_failure, 0},
    {"source", key_source, 1},
    {"backup-used", key_backup_used, 0},
    {"otp-pending", key_otp_pending, 0},
    {"send-times", key_send_times, 0},
    {"device", key_device, 1},
    {"device-pending", key_device_pending, 1},
    {"auth-step", key_auth_step, 1},
};

/* check_bytes - refuse NUL, CR and every other control character. */
static int
check_bytes(void *ctx, const char *s, size_t len)
{
	static const struct mfa_text_byte_words words = {
	    "NUL byte", "carriage return (CR)", "control character ", ""};
	struct parser *p = ctx;

	return mfa_text_check_controls(&p->t, s, len, &words);
}

/* dispatch - one "KEY SP VALUE" line (a NUL-terminated copy). */
static int
dispatch(struct parser *p, char *line)
{
	char *sp = strchr(line, ' '), keybuf[48];
	size_t i;

	if (sp == line)
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "line starts with a space");
	if (sp == NULL)
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
		    "missing value after key \"%s\"",
		    mfa_log_clean(line, keybuf, sizeof(keybuf)));
	*sp = '\0';
	if (sp[1] == ' ')
		return mfa_text_fail(
		    &p->t, MFA_ERR_FORMAT, "more than one space after key");
	if (!p->have_version) {
		if (strcmp(line, VERSION_KEY) != 0)
			return mfa_text_fail(&p->t, MFA_ERR_FORMAT,
			    "missing version line "
			    "\"" VERSION_KEY " " VERSION_VALUE "\"");
		if (strcmp(sp + 1, VERSION_VALUE) != 0 &&
		    strcmp(sp + 1, "2") != 0)
			return mfa_text_fail(&p->t, MFA_ERR_VERSION,
			    "unsupported state file version");
		p->have_version = sp[1] - '0';
		return MFA_OK;
	}
	if (strcmp(line, VERSION_KEY) == 0)
		return mfa_text_fail(
		    &p->t, MFA_ERR_DUPLICATE, "duplicate version line");
	for (i = 0; i < sizeof(key_table) / sizeof(key_table[0]); i++) {
		if (strcmp(line, key_table[i].name) != 0)
			continue;
		if (!key_table[i].repeatable && (p->seen & (1u << i)))
			return mfa_text_fail(&p->t, MFA_ERR_DUPLICATE,
			    "duplicate key \"%s\"", key_table[i].name);
		p->seen |= 1u << i;
		return key_table[i].parse(p, sp + 1);
	}
	return mfa_text_fail(&p->t, MFA_ERR_UNKNOWN_KEY, "unknown key \"%s\"",
	    mfa_log_clean(line, keybuf, sizeof(keybuf)));
}

/* One line, its length and bytes checked: comments, then KEY SP VALUE. */
static int
parse_line(void *ctx, const char *s, size_t len)
{
	struct parser *p = ctx;
	char line[MFA_STATE_MAX_LINE + 1];
	int rc;

	if (len == 0 || s[0] == '#')
		return MFA_OK;
	if (s[len - 1] == ' ')
		return mfa_text_fail(&p->t, MFA_ERR_FORMAT, "trailing space");
	memcpy(line, s, len);
	line[len] = '\0';
	rc = dispatch(p, line);
	/* The line may have held a code hash. */
	MFA_WIPE_ARRAY(line);
	return rc;
}

/* The newline first: a torn write shows as a truncated line. */
static const struct mfa_text_rules rules = {
    MFA_STATE_MAX_LINE,
    "missing newline at end of file (truncated?)",
    1,
    check_bytes,
    parse_line,
};

static int
parse_lines(struct parser *p)
{
	int rc = mfa_text_walk(&p->t, &rules, p);

	if (rc != MFA_OK)
		return rc;
	if (!p->have_version)
		return mfa_text_fail_at(&p->t, 0, MFA_ERR_FORMAT,
		    "missing version line \"" VERSION_KEY " " VERSION_VALUE
		    "\"");
	return MFA_OK;
}

int
mfa_state_parse(const char *buf, size_t len, struct mfa_state *st,
    struct mfa_parse_error *err)
{
	struct parser p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.st = st;
	mfa_text_init(&p.t, buf, len, err);
	if (err != NULL) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	if (st == NULL || (buf == NULL && len > 0))
		return mfa_text_fail(
		    &p.t, MFA_ERR_INVALID, "no buffer or record");
	mfa_state_init(st);
	if (len > MFA_STATE_MAX_SIZE)
		return mfa_text_fail(&p.t, MFA_ERR_TOOBIG,
		    "file larger than %d bytes", MFA_STATE_MAX_SIZE);
	rc = parse_lines(&p);
	if (rc != MFA_OK)
		mfa_state_wipe(st);
	return rc;
}

/* ---- serializer ---- */

/* n is at most 32 (a SHA-256 digest): the longest hex field. */
static void
out_hex(
    struct mfa_text_out *o, const char *sep, const unsigned char *b, size_t n)
{
	char hex[2 * 32 + 1];

	if (n > 32) {
		o->rc = MFA_ERR_INVALID;
		return;
	}
	mfa_text_hex_encode(b, n, hex);
	mfa_text_printf(o, "%s%s", sep, hex);
}

static void
out_label(struct mfa_text_out *o, const char *label)
{
	if (label[0] != '\0')
		mfa_text_printf(o, " %s", label);
}

static int
times_ok(const int64_t *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i] < 0)
			return 0;
	return 1;
}

static int
devices_ok(const struct mfa_state *st)
{
	size_t i;

	if (st->ndevices > MFA_STATE_MAX_DEVICES ||
	    st->npending > MFA_STATE_MAX_PENDING)
		return 0;
	for (i = 0; i < st->ndevices; i++) {
		const struct mfa_device *d = &st->devices[i];
		int64_t t[3] = {d->created, d->expires, d->last_used};

		if (!times_ok(t, 3) || label_problem(d->label) != NULL)
			return 0;
	}
	for (i = 0; i < st->npending; i++) {
		const struct mfa_device_pending *d = &st->pending[i];
		int64_t t[2] = {d->created, d->expires};

		if (!times_ok(t, 2) || label_problem(d->label) != NULL)
			return 0;
	}
	return 1;
}

static int
sources_ok(const struct mfa_state *st)
{
	size_t i, j;

	if (st->nsources > MFA_STATE_MAX_SOURCES)
		return 0;
	for (i = 0; i < st->nsources; i++) {
		const struct mfa_source *src = &st->sources[i];
		int64_t t[2] = {src->last_failure, src->locked_until};

		if (!times_ok(t, 2) || !source_key_ok(src->key))
			return 0;
		for (j = 0; j < i; j++)
			if (strcmp(st->sources[j].key, src->key) == 0)
				return 0;
	}
	return 1;
}

/* The auth-step lines: within their caps. */
static int
auth_ok(const struct mfa_state *st)
{
	size_t i;

	if (st->nauth > MFA_STATE_MAX_AUTH)
		return 0;
	for (i = 0; i < st->nauth; i++)
		if (st->auth[i].drift < -MFA_STATE_MAX_DRIFT ||
		    st->auth[i].drift > MFA_STATE_MAX_DRIFT)
			return 0;
	return 1;
}

/* record_ok - whether the file format can hold st exactly. */
static int
record_ok(const struct mfa_state *st)
{
	int64_t t[5] = {st->enrolled_at, st->locked_until, st->last_success,
	    st->last_failure, st->enrol_pending_at};
	int64_t ot[2] = {st->otp.expires, st->otp.sent_at};

	if (!times_ok(t, 5) || st->nsends > MFA_STATE_MAX_SENDS ||
	    !times_ok(st->send_times, st->nsends))
		return 0;
	/* The old id is written after the nonce: no nonce, no old id. */
	if (st->has_enrol_replaced && !st->has_enrol_nonce)
		return 0;
	if ((unsigned int)st->last_method > MFA_METHOD_FIDO2_KEY ||
	    (st->last_method == MFA_METHOD_NONE && st->last_success != 0))
		return 0;
	if ((st->backup_used_mask & ~ALL_SLOTS) != 0 || !auth_ok(st))
		return 0;
	if (st->otp.active &&
	    ((st->otp.channel != MFA_METHOD_EMAIL &&
		 st->otp.channel != MFA_METHOD_SMS) ||
		!times_ok(ot, 2)))
		return 0;
	return devices_ok(st) && sources_ok(st);
}

static void
out_scalars(struct mfa_text_out *o, const struct mfa_state *st)
{
	if (st->serial != 0)
		mfa_text_printf(
		    o, "serial %llu\n", (unsigned long long)st->serial);
	if (st->enrolled) {
		mfa_text_printf(o, "enrolled %lld", (long long)st->enrolled_at);
		out_hex(o, " ", st->enrolled_id, sizeof(st->enrolled_id));
		mfa_text_printf(o, "\n");
	}
	if (st->has_enrol_pending) {
		out_hex(o, "enrol-pending ", st->enrol_pending_id, 16);
		mfa_text_printf(o, " %lld %llu",
		    (long long)st->enrol_pending_at,
		    (unsigned long long)st->enrol_pending_step);
		if (st->has_enrol_nonce)
			out_hex(o, " ", st->enrol_pending_nonce, 16);
		if (st->has_enrol_nonce && st->has_enrol_replaced)
			out_hex(o, " ", st->enrol_replaced_id, 16);
		mfa_text_printf(o, "\n");
	}
	if (st->has_last_step)
		mfa_text_printf(o, "totp-last-step %llu\n",
		    (unsigned long long)st->totp_last_step);
	if (st->failures != 0)
		mfa_text_printf(o, "failures %u\n", st->failures);
	if (st->locked_until != 0)
		mfa_text_printf(
		    o, "locked-until %lld\n", (long long)st->locked_until);
	if (st->last_method != MFA_METHOD_NONE)
		mfa_text_printf(o, "last-success %lld %s\n",
		    (long long)st->last_success, method_names[st->last_method]);
	if (st->last_failure != 0)
		mfa_text_printf(
		    o, "last-failure %lld\n", (long long)st->last_failure);
}

static void
out_sources(struct mfa_text_out *o, const struct mfa_state *st)
{
	size_t i;

	for (i = 0; i < st->nsources; i++) {
		const struct mfa_source *src = &st->sources[i];

		mfa_text_printf(o, "source %s %u %lld %lld\n", src->key,
		    src->failures, (long long)src->last_failure,
		    (long long)src->locked_until);
	}
}

static void
out_lists(struct mfa_text_out *o, const struct mfa_state *st)
{
	const struct mfa_otp_pending *otp = &st->otp;
	unsigned int slot;
	size_t i;

	/* A set with no used slot carries nothing worth a line. */
	if (st->has_backup_used && st->backup_used_mask != 0) {
		out_hex(
		    o, "backup-used ", st->backup_set, sizeof(st->backup_set));
		for (i = 0, slot = 0; slot < MFA_STATE_BACKUP_SLOTS; slot++)
			if (st->backup_used_mask & (1u << slot))
				mfa_text_printf(
				    o, "%s%u", i++ ? "," : " ", slot);
		mfa_text_printf(o, "\n");
	}
	if (otp->active) {
		mfa_text_printf(o, "otp-pending %s %lld %u %lld",
		    method_names[otp->channel], (long long)otp->expires,
		    otp->tries_left, (long long)otp->sent_at);
		out_hex(o, " ", otp->salt, sizeof(otp->salt));
		out_hex(o, " ", otp->hash, sizeof(otp->hash));
		mfa_text_printf(o, "\n");
	}
	for (i = 0; i < st->nsends; i++)
		mfa_text_printf(o, "%s%lld", i ? "," : "send-times ",
		    (long long)st->send_times[i]);
	if (st->nsends > 0)
		mfa_text_printf(o, "\n");
}

static void
out_devices(struct mfa_text_out *o, const struct mfa_state *st)
{
	size_t i;

	for (i = 0; i < st->ndevices; i++) {
		const struct mfa_device *d = &st->devices[i];

		out_hex(o, "device ", d->id, sizeof(d->id));
		out_hex(o, " ", d->digest, sizeof(d->digest));
		mfa_text_printf(o, " %lld %lld %lld %lu", (long long)d->created,
		    (long long)d->expires, (long long)d->last_used,
		    (unsigned long)d->generation);
		out_label(o, d->label);
		mfa_text_printf(o, "\n");
	}
	for (i = 0; i < st->npending; i++) {
		const struct mfa_device_pending *d = &st->pending[i];

		mfa_text_printf(o, "device-pending ");
		if (d->has_nonce)
			out_hex(o, "", d->nonce, sizeof(d->nonce));
		out_hex(
		    o, d->has_nonce ? " " : "", d->digest, sizeof(d->digest));
		mfa_text_printf(o, " %lld %lld %lu", (long long)d->created,
		    (long long)d->expires, (unsigned long)d->generation);
		out_label(o, d->label);
		mfa_text_printf(o, "\n");
	}
}

static void
out_auth(struct mfa_text_out *o, const struct mfa_state *st)
{
	size_t i;

	for (i = 0; i < st->nauth; i++) {
		out_hex(
		    o, "auth-step ", st->auth[i].id, sizeof(st->auth[i].id));
		mfa_text_printf(
		    o, " %llu", (unsigned long long)st->auth[i].step);
		if (st->auth[i].drift != 0)
			mfa_text_printf(o, " %d", st->auth[i].drift);
		mfa_text_printf(o, "\n");
	}
}

int
mfa_state_serialize(const struct mfa_state *st, char **out, size_t *outlen)
{
	struct mfa_text_out o = {NULL, 0, MFA_STATE_MAX_SIZE + 1, MFA_OK};

	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (st == NULL || out == NULL || outlen == NULL || !record_ok(st))
		return MFA_ERR_INVALID;
	o.buf = malloc(o.cap);
	if (o.buf == NULL)
		return MFA_ERR_NOMEM;
	o.buf[0] = '\0';
	mfa_text_printf(&o,
	    "# pam_mfa state, written by pam_mfa.so; "
	    "format in pam_mfa(8)\n" VERSION_KEY " %s\n",
	    st->nauth > 0 ? "2" : VERSION_VALUE);
	out_scalars(&o, st);
	out_sources(&o, st);
	out_lists(&o, st);
	out_devices(&o, st);
	out_auth(&o, st);
	if (o.rc != MFA_OK) {
		mfa_freezero(o.buf, o.cap);
		return o.rc;
	}
	*out = o.buf;
	*outlen = o.len;
	return MFA_OK;
}

/* ---- helpers on the record ---- */

int
mfa_state_is_locked(const struct mfa_state *st, int64_t now)
{
	return st->locked_until > now;
}

/* A PAM_RHOST short and plain enough to be its own key. */
static int
plain_rhost(const char *rhost, size_t n)
{
	size_t i;

	if (n == 0 || n > MFA_STATE_SOURCE_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)rhost[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || strchr(".:_%-", c) != NULL))
			return 0;
	}
	return 1;
}

int
mfa_state_source_key(const char *rhost, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t i, n;

	if (out == NULL)
		return MFA_ERR_INVALID;
	memset(out, 0, MFA_STATE_SOURCE_MAX + 1);
	n = rhost != NULL ? strlen(rhost) : 0;
	if (n == 0) {
		out[0] = '-';
		return MFA_OK;
	}
	if (plain_rhost(rhost, n)) {
		/* Host names are case-insensitive: one name, one source. */
		for (i = 0; i < n; i++)
			out[i] = (char)((rhost[i] >= 'A' && rhost[i] <= 'Z')
				? rhost[i] - 'A' + 'a'
				: rhost[i]);
		return MFA_OK;
	}
	/* Too long or too odd to show: a digest, not the name. */
	if (EVP_Digest(rhost, n, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen < 16)
		return MFA_ERR_SYSTEM;
	out[0] = '#';
	mfa_text_hex_encode(md, 16, out + 1);
	MFA_WIPE_ARRAY(md);
	return MFA_OK;
}

static struct mfa_source *
find_source(struct mfa_state *st, const char *key)
{
	size_t i;

	for (i = 0; i < st->nsources && i < MFA_STATE_MAX_SOURCES; i++)
		if (strcmp(st->sources[i].key, key) == 0)
			return &st->sources[i];
	return NULL;
}

const struct mfa_source *
mfa_state_source_find(const struct mfa_state *st, const char *key)
{
	return find_source((struct mfa_state *)st, key);
}

int64_t
mfa_state_lock_end(const struct mfa_state *st, const char *key, int64_t now)
{
	const struct mfa_source *src = mfa_state_source_find(st, key);
	int64_t end = st->locked_until > now ? st->locked_until : 0;

	if (src != NULL && src->locked_until > now && src->locked_until > end)
		end = src->locked_until;
	return end;
}

/* Remove entry i of the source table, keeping the order of the rest. */
static void
remove_source(struct mfa_state *st, size_t i)
{
	memmove(&st->sources[i], &st->sources[i + 1],
	    (st->nsources - i - 1) * sizeof(st->sources[0]));
	st->nsources--;
	MFA_WIPE_OBJ(&st->sources[st->nsources]);
}

/*
 * Whether entry a matters less than entry b at time now: one not locked
 * before one locked (a running lock-out is never pushed out while another
 * entry could go), then the fewer failures (a lock-out that has run out
 * counts as none), then the older last failure.
 */
static int
matters_less(
    const struct mfa_source *a, const struct mfa_source *b, int64_t now)
{
	int la = a->locked_until > now, lb = b->locked_until > now;
	unsigned int fa = a->locked_until != 0 && !la ? 0 : a->failures;
	unsigned int fb = b->locked_until != 0 && !lb ? 0 : b->failures;

	if (la != lb)
		return la < lb;
	if (fa != fb)
		return fa < fb;
	return a->last_failure < b->last_failure;
}

/* The entry of key, made (pushing out the least one) when missing. */
static struct mfa_source *
source_entry(struct mfa_state *st, const char *key, int64_t now)
{
	struct mfa_source *src = find_source(st, key);
	size_t i, least = 0;

	if (src != NULL)
		return src;
	if (st->nsources >= MFA_STATE_MAX_SOURCES) {
		for (i = 1; i < MFA_STATE_MAX_SOURCES; i++)
			if (matters_less(
				&st->sources[i], &st->sources[least], now))
				least = i;
		st->nsources = MFA_STATE_MAX_SOURCES;
		remove_source(st, least);
	}
	src = &st->sources[st->nsources++];
	memset(src, 0, sizeof(*src));
	memcpy(src->key, key, strlen(key));
	return src;
}

/* The end of a lock-out of unlock_time seconds that starts at now. */
static int64_t
lock_until(int64_t now, unsigned int unlock_time)
{
	if (unlock_time == 0 || now > INT64_MAX - (int64_t)unlock_time)
		return INT64_MAX;
	return now + (int64_t)unlock_time;
}

/* key into out (zero-filled), when it is a key the format can hold. */
static int
copy_key(const char *key, char out[MFA_STATE_SOURCE_MAX + 1])
{
	memset(out, 0, MFA_STATE_SOURCE_MAX + 1);
	if (key == NULL || strlen(key) > MFA_STATE_SOURCE_MAX)
		return 0;
	memcpy(out, key, strlen(key));
	return source_key_ok(out);
}

int
mfa_state_record_failure(struct mfa_state *st, int64_t now, const char *key,
    const struct mfa_lockout_policy *p)
{
	struct mfa_source *src;
	char probe[MFA_STATE_SOURCE_MAX + 1];

	if (st == NULL || p == NULL || !copy_key(key, probe))
		return MFA_ERR_INVALID;
	/* A lock-out that has run out starts a fresh count for that source
	 * (like pam_faillock), rather than re-locking at the next typo. */
	src = source_entry(st, probe, now);
	if (src->locked_until != 0 && src->locked_until <= now) {
		src->failures = 0;
		src->locked_until = 0;
	}
	if (src->failures < UINT_MAX)
		src->failures++;
	src->last_failure = now;
	if (p->deny != 0 && src->failures >= p->deny)
		src->locked_until = lock_until(now, p->unlock_time);
	/* An account lock-out from before per-source counting ends as it
	 * always did; the count it ended with goes on. */
	if (st->locked_until != 0 && st->locked_until <= now)
		st->locked_until = 0;
	if (st->failures < UINT_MAX)
		st->failures++;
	st->last_failure = now;
	if (p->deny_total != 0 && st->failures >= p->deny_total)
		st->locked_until = INT64_MAX;
	return MFA_OK;
}

void
mfa_state_record_success(struct mfa_state *st, int64_t now, enum mfa_method m)
{
	st->failures = 0;
	st->locked_until = 0;
	st->last_success = now;
	st->last_method = m;
}

int
mfa_state_source_success(struct mfa_state *st, const char *key)
{
	struct mfa_source *src;
	char probe[MFA_STATE_SOURCE_MAX + 1];

	if (st == NULL || !copy_key(key, probe))
		return MFA_ERR_INVALID;
	src = find_source(st, probe);
	if (src == NULL && st->nsources < MFA_STATE_MAX_SOURCES) {
		src = &st->sources[st->nsources++];
		memset(src, 0, sizeof(*src));
		memcpy(src->key, probe, sizeof(src->key));
	}
	if (src != NULL) {
		src->failures = 0;
		src->locked_until = 0;
	}
	return MFA_OK;
}

void
mfa_state_unlock(struct mfa_state *st)
{
	st->failures = 0;
	st->locked_until = 0;
	MFA_WIPE_ARRAY(st->sources);
	st->nsources = 0;
}

static int
same_set(const struct mfa_state *st, const unsigned char set[8])
{
	return st->has_backup_used &&
	    memcmp(st->backup_set, set, sizeof(st->backup_set)) == 0;
}

int
mfa_state_backup_is_used(
    const struct mfa_state *st, const unsigned char set[8], unsigned int slot)
{
	if (slot >= MFA_STATE_BACKUP_SLOTS)
		return 1;
	return same_set(st, set) && (st->backup_used_mask & (1u << slot));
}

void
mfa_state_backup_mark_used(
    struct mfa_state *st, const unsigned char set[8], unsigned int slot)
{
	if (slot >= MFA_STATE_BACKUP_SLOTS)
		return;
	if (!same_set(st, set)) {
		memcpy(st->backup_set, set, sizeof(st->backup_set));
		st->backup_used_mask = 0;
		st->has_backup_used = 1;
	}
	st->backup_used_mask = (uint16_t)(st->backup_used_mask | (1u << slot));
}

unsigned int
mfa_state_backup_used_count(
    const struct mfa_state *st, const unsigned char set[8])
{
	if (!same_set(st, set))
		return 0;
	return (unsigned int)__builtin_popcount(
	    st->backup_used_mask & ALL_SLOTS);
}

/*
 * keep_unexpired - drop the records of an array (count of them, max at
 * most, each size bytes, an int64_t expiry time at offset expires_at) that
 * have expired at now, keeping the others in order.  Returns how many are
 * kept; everything after them, a dropped record or a stale copy, is wiped.
 */
static size_t
keep_unexpired(void *recs, size_t count, size_t max, size_t size,
    size_t expires_at, int64_t now)
{
	unsigned char *r = recs;
	size_t i, j, n = count < max ? count : max;
	int64_t expires;

	for (i = 0, j = 0; i < n; i++) {
		memcpy(&expires, r + i * size + expires_at, sizeof(expires));
		if (expires <= now)
			continue;
		if (j != i)
			memcpy(r + j * size, r + i * size, size);
		j++;
	}
	if (j < n)
		mfa_wipe(r + j * size, (n - j) * size);
	return j;
}

static void
prune_devices(struct mfa_state *st, int64_t now)
{
	st->ndevices = keep_unexpired(st->devices, st->ndevices,
	    MFA_STATE_MAX_DEVICES, sizeof(st->devices[0]),
	    offsetof(struct mfa_device, expires), now);
}

static void
prune_pending(struct mfa_state *st, int64_t now)
{
	st->npending = keep_unexpired(st->pending, st->npending,
	    MFA_STATE_MAX_PENDING, sizeof(st->pending[0]),
	    offsetof(struct mfa_device_pending, expires), now);
}

/* Sources whose lock-out has run out would start again from zero. */
static void
prune_sources(struct mfa_state *st, int64_t now)
{
	size_t i = 0;

	if (st->nsources > MFA_STATE_MAX_SOURCES)
		st->nsources = MFA_STATE_MAX_SOURCES;
	while (i < st->nsources) {
		const struct mfa_source *src = &st->sources[i];

		if (src->locked_until != 0 && src->locked_until <= now)
			remove_source(st, i);
		else
			i++;
	}
}

void
mfa_state_prune(struct mfa_state *st, int64_t now)
{
	size_t i, j, n;

	prune_devices(st, now);
	prune_sources(st, now);
	prune_pending(st, now);
	if (st->otp.active && st->otp.expires <= now) {
		MFA_WIPE_OBJ(&st->otp);
		st->otp.channel = MFA_METHOD_NONE;
	}
	n = st->nsends < MFA_STATE_MAX_SENDS ? st->nsends : MFA_STATE_MAX_SENDS;
	for (i = 0, j = 0; i < n; i++) {
		/* Written so that it cannot overflow for any now. */
		if (st->send_times[i] <= now &&
		    now - st->send_times[i] >= MFA_STATE_SEND_WINDOW)
			continue;
		st->send_times[j++] = st->send_times[i];
	}
	for (i = j; i < n; i++)
		st->send_times[i] = 0;
	st->nsends = j;
}

int
mfa_state_device_add(struct mfa_state *st, const struct mfa_device *d)
{
	size_t i, oldest = 0;

	if (st == NULL || d == NULL || d->created < 0 || d->expires < 0 ||
	    d->last_used < 0 || label_problem(d->label) != NULL ||
	    st->ndevices > MFA_STATE_MAX_DEVICES)
		return MFA_ERR_INVALID;
	for (i = 0; i < st->ndevices; i++) {
		if (memcmp(st->devices[i].id, d->id, sizeof(d->id)) == 0) {
			st->devices[i] = *d;
			return MFA_OK;
		}
	}
	if (st->ndevices == MFA_STATE_MAX_DEVICES) {
		for (i = 1; i < st->ndevices; i++)
			if (st->devices[i].created <
			    st->devices[oldest].created)
				oldest = i;
		memmove(&st->devices[oldest], &st->devices[oldest + 1],
		    (st->ndevices - oldest - 1) * sizeof(st->devices[0]));
		st->ndevices--;
	}
	st->devices[st->ndevices++] = *d;
	return MFA_OK;
}

void
mfa_state_enrol_pending_clear(struct mfa_state *st)
{
	st->has_enrol_pending = 0;
	mfa_wipe(st->enrol_pending_id, sizeof(st->enrol_pending_id));
	st->enrol_pending_at = 0;
	st->enrol_pending_step = 0;
	st->has_enrol_nonce = 0;
	mfa_wipe(st->enrol_pending_nonce, sizeof(st->enrol_pending_nonce));
	st->has_enrol_replaced = 0;
	mfa_wipe(st->enrol_replaced_id, sizeof(st->enrol_replaced_id));
}

int
mfa_state_enrol_pending_names(
    const struct mfa_state *st, const unsigned char id[16])
{
	int is_new, is_old;

	if (!st->has_enrol_pending)
		return 0;
	is_new = mfa_ct_equal(st->enrol_pending_id, id, 16);
	is_old = mfa_ct_equal(st->enrol_replaced_id, id, 16);
	return is_new || (st->has_enrol_replaced && is_old);
}

void
mfa_state_device_remove_all(struct mfa_state *st)
{
	MFA_WIPE_ARRAY(st->devices);
	MFA_WIPE_ARRAY(st->pending);
	st->ndevices = 0;
	st->npending = 0;
}

const uint64_t *
mfa_state_auth_floor(const struct mfa_state *st, const unsigned char id[8])
{
	size_t i;

	for (i = 0; st != NULL && i < st->nauth; i++)
		if (memcmp(st->auth[i].id, id, sizeof(st->auth[i].id)) == 0)
			return &st->auth[i].step;
	return NULL;
}

int
mfa_state_auth_drift(const struct mfa_state *st, const unsigned char id[8])
{
	size_t i;

	for (i = 0; st != NULL && i < st->nauth; i++)
		if (memcmp(st->auth[i].id, id, sizeof(st->auth[i].id)) == 0)
			return st->auth[i].drift;
	return 0;
}

void
mfa_state_auth_set(
    struct mfa_state *st, const unsigned char id[8], uint64_t step, int drift)
{
	size_t i, low = 0;

	for (i = 0; i < st->nauth; i++)
		if (memcmp(st->auth[i].id, id, sizeof(st->auth[i].id)) == 0)
			break;
	if (i == st->nauth && st->nauth == MFA_STATE_MAX_AUTH) {
		for (i = 1; i < st->nauth; i++)
			if (st->auth[i].step < st->auth[low].step)
				low = i;
		i = low;
	} else if (i == st->nauth)
		st->nauth++;
	memcpy(st->auth[i].id, id, sizeof(st->auth[i].id));
	st->auth[i].step = step;
	st->auth[i].drift = drift < -MFA_STATE_MAX_DRIFT ? -MFA_STATE_MAX_DRIFT
	    : drift > MFA_STATE_MAX_DRIFT                ? MFA_STATE_MAX_DRIFT
							 : drift;
}

void
mfa_state_auth_keep(
    struct mfa_state *st, const unsigned char (*ids)[8], size_t n)
{
	size_t i, j, kept = 0;

	for (i = 0; i < st->nauth; i++) {
		for (j = 0; j < n; j++)
			if (memcmp(st->auth[i].id, ids[j], 8) == 0)
				break;
		if (j < n)
			st->auth[kept++] = st->auth[i];
	}
	for (i = kept; i < st->nauth; i++)
		MFA_WIPE_OBJ(&st->auth[i]);
	st->nauth = kept;
}
