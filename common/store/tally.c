/*
 * tally.c - the failure tally record (format and contracts in tally.h).
 *
 * The lock file is root's, like the state file, so a record that is not
 * exactly right means corruption or tampering: it is refused, and the
 * caller fails closed as it does for a state file that does not parse.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "slots.h"
#include "tally.h"

#define TALLY_MAGIC "pam_mfa-tally "
#define SERIAL_DIGITS 20
#define FAILURES_DIGITS 10
#define TIME_DIGITS 19

_Static_assert(sizeof("pam_mfa-tally 1 serial  failures  last-failure \n") - 1 +
	    SERIAL_DIGITS + FAILURES_DIGITS + TIME_DIGITS ==
	MFA_TALLY_V1_LEN,
    "MFA_TALLY_V1_LEN matches the record layout");
_Static_assert(MFA_TALLY_V1_LEN + sizeof(" sources") - 1 +
	    MFA_STATE_MAX_SOURCES * (2 + FAILURES_DIGITS + TIME_DIGITS) ==
	MFA_TALLY_LEN,
    "MFA_TALLY_LEN matches the record layout");

int
mfa_tally_format(const struct mfa_state *st, char *out, size_t outsz)
{
	size_t i, len;
	int n;

	if (st == NULL || out == NULL || outsz < MFA_TALLY_LEN + 1 ||
	    st->last_failure < 0 || st->nsources > MFA_STATE_MAX_SOURCES)
		return MFA_ERR_INVALID;
	n = snprintf(out, outsz,
	    TALLY_MAGIC "2 serial %0*llu failures %0*u last-failure %0*lld "
			"sources",
	    SERIAL_DIGITS, (unsigned long long)st->serial, FAILURES_DIGITS,
	    st->failures, TIME_DIGITS, (long long)st->last_failure);
	for (i = 0; n > 0 && i < MFA_STATE_MAX_SOURCES; i++) {
		const struct mfa_source *src = &st->sources[i];
		int used = i < st->nsources;

		if (used && src->last_failure < 0)
			return MFA_ERR_INVALID;
		len = (size_t)n;
		n = snprintf(out + len, outsz - len, " %0*u %0*lld",
		    FAILURES_DIGITS, used ? src->failures : 0, TIME_DIGITS,
		    used ? (long long)src->last_failure : 0LL);
		n = n > 0 ? n + (int)len : -1;
	}
	if (n > 0 && (size_t)n + 1 < outsz) {
		out[n++] = '\n';
		out[n] = '\0';
	}
	return n == MFA_TALLY_LEN ? MFA_OK : MFA_ERR_INVALID;
}

/* A reader of a record: where it is, and what went wrong. */
struct reader {
	const char *buf;
	size_t pos, len;
	struct mfa_parse_error *err;
};

static int
fail(struct reader *r, int rc, const char *what, const char *why)
{
	if (r->err != NULL)
		snprintf(r->err->msg, sizeof(r->err->msg), "%s%s%s", what,
		    why != NULL ? ": " : "", why != NULL ? why : "");
	return rc;
}

/* The fixed text lit at the reader's place. */
static int
expect(struct reader *r, const char *lit)
{
	size_t n = strlen(lit);

	if (r->len - r->pos < n || memcmp(r->buf + r->pos, lit, n) != 0)
		return fail(r, MFA_ERR_FORMAT, "malformed tally record", NULL);
	r->pos += n;
	return MFA_OK;
}

/* A zero-padded number of exactly n digits, at most max. */
static int
number(
    struct reader *r, size_t n, uint64_t max, const char *what, uint64_t *out)
{
	int rc;

	if (r->len - r->pos < n)
		return fail(r, MFA_ERR_FORMAT, "malformed tally record", NULL);
	rc = mfa_text_digits(r->buf + r->pos, n, max, out);
	if (rc != MFA_OK)
		return fail(r, rc, what,
		    rc == MFA_ERR_RANGE ? "number out of range"
					: "not a decimal number");
	r->pos += n;
	return MFA_OK;
}

/* What a record says: the account's counters and the sources'. */
struct counts {
	uint64_t serial, failures, last;
	uint64_t src_failures[MFA_STATE_MAX_SOURCES];
	uint64_t src_last[MFA_STATE_MAX_SOURCES];
	int with_sources;
};

static int
read_header(struct reader *r, struct counts *c)
{
	const size_t m = sizeof(TALLY_MAGIC) - 1;
	int rc;

	if (r->len < m || memcmp(r->buf, TALLY_MAGIC, m) != 0)
		return fail(
		    r, MFA_ERR_FORMAT, "not a pam_mfa tally record", NULL);
	if (r->len < m + 2 || r->buf[m + 1] != ' ' ||
	    (r->buf[m] != '1' && r->buf[m] != '2'))
		return fail(
		    r, MFA_ERR_VERSION, "unsupported tally version", NULL);
	c->with_sources = r->buf[m] == '2';
	r->pos = m + 2;
	if ((rc = expect(r, "serial ")) != MFA_OK ||
	    (rc = number(r, SERIAL_DIGITS, UINT64_MAX, "serial", &c->serial)) !=
		MFA_OK ||
	    (rc = expect(r, " failures ")) != MFA_OK ||
	    (rc = number(r, FAILURES_DIGITS, UINT_MAX, "failures",
		 &c->failures)) != MFA_OK ||
	    (rc = expect(r, " last-failure ")) != MFA_OK)
		return rc;
	return number(r, TIME_DIGITS, INT64_MAX, "last-failure", &c->last);
}

static int
read_sources(struct reader *r, struct counts *c)
{
	size_t i;
	int rc;

	if (!c->with_sources)
		return MFA_OK;
	if ((rc = expect(r, " sources")) != MFA_OK)
		return rc;
	for (i = 0; i < MFA_STATE_MAX_SOURCES; i++)
		if ((rc = expect(r, " ")) != MFA_OK ||
		    (rc = number(r, FAILURES_DIGITS, UINT_MAX,
			 "source failures", &c->src_failures[i])) != MFA_OK ||
		    (rc = expect(r, " ")) != MFA_OK ||
		    (rc = number(r, TIME_DIGITS, INT64_MAX,
			 "source last failure", &c->src_last[i])) != MFA_OK)
			return rc;
	return MFA_OK;
}

/* A record exactly as long as its version says, every field well-formed. */
static int
read_record(struct reader *r, struct counts *c)
{
	int rc;

	if ((rc = read_header(r, c)) != MFA_OK ||
	    (rc = read_sources(r, c)) != MFA_OK)
		return rc;
	if ((rc = expect(r, "\n")) != MFA_OK)
		return rc;
	if (r->pos != r->len ||
	    r->len != (c->with_sources ? MFA_TALLY_LEN : MFA_TALLY_V1_LEN))
		return fail(r, MFA_ERR_FORMAT, "malformed tally record",
		    "trailing bytes");
	return MFA_OK;
}

/* The tally may only add to what the record says (tally.h). */
static void
raise_to(unsigned int *count, int64_t *last, uint64_t tcount, uint64_t tlast)
{
	if (tcount > *count)
		*count = (unsigned int)tcount;
	if ((int64_t)tlast > *last)
		*last = (int64_t)tlast;
}

static int
apply_counts(struct reader *r, const struct counts *c, struct mfa_state *st)
{
	size_t i;

	/* Counters for sources the record does not have: not ours. */
	for (i = st->nsources; c->with_sources && i < MFA_STATE_MAX_SOURCES;
	     i++)
		if (c->src_failures[i] != 0 || c->src_last[i] != 0)
			return fail(r, MFA_ERR_FORMAT,
			    "tally counts a source the state record does not "
			    "have",
			    NULL);
	raise_to(&st->failures, &st->last_failure, c->failures, c->last);
	for (i = 0; c->with_sources && i < st->nsources; i++)
		raise_to(&st->sources[i].failures, &st->sources[i].last_failure,
		    c->src_failures[i], c->src_last[i]);
	return MFA_OK;
}

int
mfa_tally_apply(const char *buf, size_t len, struct mfa_state *st,
    struct mfa_parse_error *err)
{
	struct reader r = {buf, 0, len, err};
	struct counts c;
	int rc;

	if (err != NULL) {
		err->line = 1;
		err->msg[0] = '\0';
	}
	if (st == NULL || (buf == NULL && len > 0))
		return MFA_ERR_INVALID;
	if (len == 0)
		return MFA_OK;
	if (len != MFA_TALLY_LEN && len != MFA_TALLY_V1_LEN) {
		if (err != NULL)
			snprintf(err->msg, sizeof(err->msg),
			    "tally record of %zu bytes, not %d (or %d, "
			    "version 1)",
			    len, MFA_TALLY_LEN, MFA_TALLY_V1_LEN);
		return MFA_ERR_FORMAT;
	}
	memset(&c, 0, sizeof(c));
	if ((rc = read_record(&r, &c)) != MFA_OK)
		return rc;
	if (c.serial != st->serial || st->nsources > MFA_STATE_MAX_SOURCES)
		return MFA_OK; /* counted on a record since replaced */
	return apply_counts(&r, &c, st);
}

/* Where the version digit is, and where a sealed record's hash starts. */
#define VERSION_AT (sizeof(TALLY_MAGIC) - 1)
#define SEAL_AT (MFA_TALLY_LEN - 1)

int
mfa_tally_format_sealed(const struct mfa_state *st, char *out, size_t outsz)
{
	char sha[65];
	int rc;

	if (outsz < MFA_TALLY_SEALED_LEN + 1)
		return MFA_ERR_INVALID;
	rc = mfa_tally_format(st, out, outsz);
	if (rc != MFA_OK)
		return rc;
	out[VERSION_AT] = '3';
	rc = mfa_slots_checksum(out, SEAL_AT, sha);
	if (rc != MFA_OK)
		return rc;
	snprintf(out + SEAL_AT, outsz - SEAL_AT, " sha256 %s\n", sha);
	return MFA_OK;
}

int
mfa_tally_apply_sealed(const char *buf, size_t len, struct mfa_state *st,
    struct mfa_parse_error *err)
{
	char plain[MFA_TALLY_LEN], sha[65];
	int rc;

	if (st == NULL || buf == NULL)
		return MFA_ERR_INVALID;
	if (len != MFA_TALLY_SEALED_LEN ||
	    memcmp(buf, TALLY_MAGIC "3 ", VERSION_AT + 2) != 0 ||
	    memcmp(buf + SEAL_AT, " sha256 ", 8) != 0 ||
	    buf[MFA_TALLY_SEALED_LEN - 1] != '\n') {
		if (err != NULL) {
			err->line = 1;
			snprintf(err->msg, sizeof(err->msg),
			    "not a sealed tally record (version 3, %d bytes)",
			    MFA_TALLY_SEALED_LEN);
		}
		return MFA_ERR_FORMAT;
	}
	rc = mfa_slots_checksum(buf, SEAL_AT, sha);
	if (rc != MFA_OK)
		return rc;
	if (memcmp(buf + SEAL_AT + 8, sha, 64) != 0) {
		if (err != NULL) {
			err->line = 1;
			snprintf(err->msg, sizeof(err->msg),
			    "tally record does not match its checksum");
		}
		return MFA_ERR_FORMAT;
	}
	/* Checked: the rest is version 2's record. */
	memcpy(plain, buf, SEAL_AT);
	plain[VERSION_AT] = '2';
	plain[SEAL_AT] = '\n';
	return mfa_tally_apply(plain, sizeof(plain), st, err);
}

/* The file text of st with every counter the tally holds taken from from. */
static int
text_without_tally(const struct mfa_state *st, const struct mfa_state *from,
    char **text, size_t *len)
{
	struct mfa_state copy;
	size_t i;
	int rc;

	memcpy(&copy, st, sizeof(copy));
	copy.failures = from->failures;
	copy.last_failure = from->last_failure;
	for (i = 0; i < copy.nsources && i < from->nsources &&
	     i < MFA_STATE_MAX_SOURCES;
	     i++) {
		copy.sources[i].failures = from->sources[i].failures;
		copy.sources[i].last_failure = from->sources[i].last_failure;
	}
	rc = mfa_state_serialize(&copy, text, len);
	MFA_WIPE_OBJ(&copy); /* holds code hashes */
	return rc;
}

/* Every counter of after at least the one of before. */
static int
counts_only_grow(const struct mfa_state *before, const struct mfa_state *after)
{
	size_t i;

	if (after->failures < before->failures ||
	    after->last_failure < before->last_failure ||
	    after->nsources != before->nsources ||
	    after->nsources > MFA_STATE_MAX_SOURCES)
		return 0;
	for (i = 0; i < after->nsources; i++)
		if (after->sources[i].failures < before->sources[i].failures ||
		    after->sources[i].last_failure <
			before->sources[i].last_failure)
			return 0;
	return 1;
}

int
mfa_tally_only_change(
    const struct mfa_state *before, const struct mfa_state *after)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int same;

	if (before == NULL || after == NULL || after->last_failure < 0 ||
	    !counts_only_grow(before, after))
		return 0;
	same = text_without_tally(before, before, &a, &alen) == MFA_OK &&
	    text_without_tally(after, before, &b, &blen) == MFA_OK &&
	    alen == blen && memcmp(a, b, alen) == 0;
	mfa_strfree(a);
	mfa_strfree(b);
	return same;
}
