/*
 * fuzz_state.c - the module's state-file parser (mfa_state_parse) and
 * the failure tally read from the lock file beside it (mfa_tally_apply).
 *
 * The state is root's, but a torn or hand-edited file must still never
 * crash a login.  When a file parses, serialize and parse again: the record
 * and the text must come back identical.  The same bytes are also read as
 * a tally: a refused one changes nothing, an accepted one formats back to
 * exactly the same bytes (its numbers have one fixed-width spelling), reads
 * back to the same record, and only ever adds to the counts.
 */
#include "fuzz.h"

#include "error.h"
#include "mem.h"
#include "state.h"
#include "tally.h"

static void
round_trip(const struct mfa_state *st)
{
	struct mfa_state again, again2;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;

	FUZZ_ASSERT(mfa_state_serialize(st, &text, &len) == MFA_OK);
	FUZZ_ASSERT(text != NULL && strlen(text) == len);
	FUZZ_ASSERT(mfa_state_parse(text, len, &again, NULL) == MFA_OK);
	FUZZ_ASSERT(memcmp(st, &again, sizeof(again)) == 0);
	FUZZ_ASSERT(mfa_state_serialize(&again, &text2, &len2) == MFA_OK);
	FUZZ_ASSERT(len == len2 && memcmp(text, text2, len) == 0);
	FUZZ_ASSERT(mfa_state_parse(text2, len2, &again2, NULL) == MFA_OK);
	FUZZ_ASSERT(memcmp(&again, &again2, sizeof(again)) == 0);
	mfa_strfree(text);
	mfa_strfree(text2);
	mfa_state_wipe(&again);
	mfa_state_wipe(&again2);
}

/* A record with three sources and no counts, whose serial is 0. */
static void
three_sources(struct mfa_state *st)
{
	mfa_state_init(st);
	st->sources[0].key[0] = '-';
	memcpy(st->sources[1].key, "192.0.2.7", 9);
	memcpy(st->sources[2].key, "2001:db8::1", 11);
	st->nsources = 3;
}

static void
tally(const uint8_t *data, size_t size)
{
	struct mfa_state st, before, again;
	struct mfa_parse_error err;
	char text[MFA_TALLY_LEN + 1];
	int rc;

	three_sources(&st);
	memcpy(&before, &st, sizeof(st));
	memset(&err, 0, sizeof(err));
	rc = mfa_tally_apply((const char *)data, size, &st, &err);
	if (rc != MFA_OK) {
		FUZZ_ASSERT(memcmp(&st, &before, sizeof(st)) == 0);
		FUZZ_ASSERT(err.msg[0] != '\0');
		return;
	}
	if (memcmp(&st, &before, sizeof(st)) == 0)
		return; /* empty, a tally of another serial, or all zeros */
	FUZZ_ASSERT(size == MFA_TALLY_LEN || size == MFA_TALLY_V1_LEN);
	/* Counted from zero, so the record's counters are the tally's: a
	 * version 2 record formats back to exactly its bytes, and either
	 * version, formatted and read again, gives the same record. */
	FUZZ_ASSERT(mfa_tally_format(&st, text, sizeof(text)) == MFA_OK);
	if (size == MFA_TALLY_LEN)
		FUZZ_ASSERT(memcmp(text, data, size) == 0);
	memcpy(&again, &before, sizeof(again));
	FUZZ_ASSERT(
	    mfa_tally_apply(text, MFA_TALLY_LEN, &again, NULL) == MFA_OK);
	FUZZ_ASSERT(memcmp(&again, &st, sizeof(st)) == 0);
	/* Whatever it says, it only ever adds to the record. */
	FUZZ_ASSERT(mfa_tally_only_change(&before, &st) == 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tally(data, size);
	struct mfa_state st;
	struct mfa_parse_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = mfa_state_parse((const char *)data, size, &st, &err);
	if (rc == MFA_OK) {
		round_trip(&st);
	} else {
		struct mfa_state empty;

		/* A refused file leaves the empty record, never half a file. */
		mfa_state_init(&empty);
		FUZZ_ASSERT(memcmp(&st, &empty, sizeof(st)) == 0);
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	}
	mfa_state_wipe(&st);
	return 0;
}
