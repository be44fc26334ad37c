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
#include "tally.h"

#define TALLY_MAGIC "pam_mfa-tally "
#define TALLY_VERSION "1 "
#define SERIAL_KEY "serial "
#define FAILURES_KEY " failures "
#define LAST_KEY " last-failure "
#define SERIAL_DIGITS 20
#define FAILURES_DIGITS 10
#define TIME_DIGITS 19

/* Offsets of the three numbers inside a record. */
#define SERIAL_AT                                                              \
	(sizeof(TALLY_MAGIC) - 1 + sizeof(TALLY_VERSION) - 1 +                 \
	    sizeof(SERIAL_KEY) - 1)
#define FAILURES_AT (SERIAL_AT + SERIAL_DIGITS + sizeof(FAILURES_KEY) - 1)
#define TIME_AT (FAILURES_AT + FAILURES_DIGITS + sizeof(LAST_KEY) - 1)

_Static_assert(TIME_AT + TIME_DIGITS + 1 == MFA_TALLY_LEN,
    "MFA_TALLY_LEN matches the record layout");

int
mfa_tally_format(const struct mfa_state *st, char *out, size_t outsz)
{
	int n;

	if (st == NULL || out == NULL || outsz < MFA_TALLY_LEN + 1 ||
	    st->last_failure < 0)
		return MFA_ERR_INVALID;
	n = snprintf(out, outsz, "%s%s%s%0*llu%s%0*u%s%0*lld\n", TALLY_MAGIC,
	    TALLY_VERSION, SERIAL_KEY, SERIAL_DIGITS,
	    (unsigned long long)st->serial, FAILURES_KEY, FAILURES_DIGITS,
	    st->failures, LAST_KEY, TIME_DIGITS, (long long)st->last_failure);
	return n == MFA_TALLY_LEN ? MFA_OK : MFA_ERR_INVALID;
}

/* Check the fixed text of a record of the right length. */
static int
check_layout(const char *buf, struct mfa_parse_error *err)
{
	const size_t m = sizeof(TALLY_MAGIC) - 1, v = sizeof(TALLY_VERSION) - 1;
	const char *why = NULL;
	int rc = MFA_ERR_FORMAT;

	if (memcmp(buf, TALLY_MAGIC, m) != 0)
		why = "not a pam_mfa tally record";
	else if (memcmp(buf + m, TALLY_VERSION, v) != 0) {
		why = "unsupported tally version";
		rc = MFA_ERR_VERSION;
	} else if (memcmp(buf + m + v, SERIAL_KEY, sizeof(SERIAL_KEY) - 1) !=
		0 ||
	    memcmp(buf + SERIAL_AT + SERIAL_DIGITS, FAILURES_KEY,
		sizeof(FAILURES_KEY) - 1) != 0 ||
	    memcmp(buf + FAILURES_AT + FAILURES_DIGITS, LAST_KEY,
		sizeof(LAST_KEY) - 1) != 0 ||
	    buf[MFA_TALLY_LEN - 1] != '\n')
		why = "malformed tally record";
	if (why == NULL)
		return MFA_OK;
	if (err != NULL)
		snprintf(err->msg, sizeof(err->msg), "%s", why);
	return rc;
}

/* Record "what is wrong with a number" in err; return rc. */
static int
number_fail(int rc, const char *what, struct mfa_parse_error *err)
{
	if (err != NULL)
		snprintf(err->msg, sizeof(err->msg), "%s: %s", what,
		    rc == MFA_ERR_RANGE ? "number out of range"
					: "not a decimal number");
	return rc;
}

int
mfa_tally_apply(const char *buf, size_t len, struct mfa_state *st,
    struct mfa_parse_error *err)
{
	uint64_t serial = 0, failures = 0, last = 0;
	int rc;

	if (err != NULL) {
		err->line = 1;
		err->msg[0] = '\0';
	}
	if (st == NULL || (buf == NULL && len > 0))
		return MFA_ERR_INVALID;
	if (len == 0)
		return MFA_OK;
	if (len != MFA_TALLY_LEN) {
		if (err != NULL)
			snprintf(err->msg, sizeof(err->msg),
			    "tally record of %zu bytes, not %d", len,
			    MFA_TALLY_LEN);
		return MFA_ERR_FORMAT;
	}
	if ((rc = check_layout(buf, err)) != MFA_OK)
		return rc;
	if ((rc = mfa_text_digits(buf + SERIAL_AT, SERIAL_DIGITS, UINT64_MAX,
		 &serial)) != MFA_OK)
		return number_fail(rc, "serial", err);
	if ((rc = mfa_text_digits(buf + FAILURES_AT, FAILURES_DIGITS, UINT_MAX,
		 &failures)) != MFA_OK)
		return number_fail(rc, "failures", err);
	if ((rc = mfa_text_digits(
		 buf + TIME_AT, TIME_DIGITS, INT64_MAX, &last)) != MFA_OK)
		return number_fail(rc, "last-failure", err);
	if (serial != st->serial)
		return MFA_OK; /* counted on a record since replaced */
	st->failures = (unsigned int)failures;
	st->last_failure = (int64_t)last;
	return MFA_OK;
}

/* The file text of st with the tally's two fields taken from from. */
static int
text_without_tally(const struct mfa_state *st, const struct mfa_state *from,
    char **text, size_t *len)
{
	struct mfa_state copy;
	int rc;

	memcpy(&copy, st, sizeof(copy));
	copy.failures = from->failures;
	copy.last_failure = from->last_failure;
	rc = mfa_state_serialize(&copy, text, len);
	MFA_WIPE_OBJ(&copy); /* holds code hashes */
	return rc;
}

int
mfa_tally_only_change(
    const struct mfa_state *before, const struct mfa_state *after)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int same;

	if (before == NULL || after == NULL || after->last_failure < 0)
		return 0;
	same = text_without_tally(before, before, &a, &alen) == MFA_OK &&
	    text_without_tally(after, before, &b, &blen) == MFA_OK &&
	    alen == blen && memcmp(a, b, alen) == 0;
	mfa_strfree(a);
	mfa_strfree(b);
	return same;
}
