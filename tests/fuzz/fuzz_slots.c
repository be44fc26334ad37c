/*
 * fuzz_slots.c - the two-slot record file (mfa_slots_read) and the sealed
 * tally at its end (mfa_tally_apply_sealed).
 *
 * The file is root's, but a torn or damaged one must never crash a login
 * nor be read out of bounds.  Whatever the input, the reader's answer does
 * not depend on anything but the bytes and the boot id; when it takes a
 * slot, the text and the tally it points at lie inside the input, the
 * slot's text written again into a fresh file reads back the same, and a
 * refused sealed tally changes nothing.
 */
#include "fuzz.h"

#include "error.h"
#include "mem.h"
#include "slots.h"
#include "state.h"
#include "tally.h"

#define BOOT "0123456789abcdef0123456789abcdef"

/* The taken slot's text, alone in a new file, is taken again. */
static void
rewrite(const struct mfa_slots_view *v)
{
	size_t s = mfa_slots_size_for(v->text_len);
	size_t len = 2 * s + MFA_TALLY_SEALED_LEN;
	struct mfa_slots_view again;
	struct mfa_state none;
	char *file;

	FUZZ_ASSERT(s != 0);
	file = calloc(1, len + 1);
	FUZZ_ASSERT(file != NULL);
	mfa_state_init(&none);
	FUZZ_ASSERT(mfa_slots_format(
			v->seq, BOOT, s, v->text, v->text_len, file) == MFA_OK);
	FUZZ_ASSERT(mfa_slots_format(0, BOOT, s, NULL, 0, file + s) == MFA_OK);
	FUZZ_ASSERT(mfa_tally_format_sealed(&none, file + 2 * s,
			MFA_TALLY_SEALED_LEN + 1) == MFA_OK);
	FUZZ_ASSERT(mfa_slots_read(file, len, BOOT, &again, NULL) == MFA_OK);
	FUZZ_ASSERT(again.current == 0 && again.seq == v->seq);
	FUZZ_ASSERT(again.text_len == v->text_len &&
	    memcmp(again.text, v->text, v->text_len) == 0);
	free(file);
}

static void
tally(const char *buf)
{
	struct mfa_state st, before;
	struct mfa_parse_error err;

	mfa_state_init(&st);
	memcpy(&before, &st, sizeof(st));
	memset(&err, 0, sizeof(err));
	if (mfa_tally_apply_sealed(buf, MFA_TALLY_SEALED_LEN, &st, &err) !=
	    MFA_OK) {
		FUZZ_ASSERT(memcmp(&st, &before, sizeof(st)) == 0);
		FUZZ_ASSERT(err.msg[0] != '\0');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const boots[] = {BOOT,
	    "fedcba9876543210fedcba9876543210",
	    "00000000000000000000000000000000"};
	const char *buf = (const char *)data;
	struct mfa_slots_view v;
	struct mfa_parse_error err;
	struct mfa_state st;
	size_t i;

	for (i = 0; i < sizeof(boots) / sizeof(boots[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mfa_slots_read(buf, size, boots[i], &v, &err) != MFA_OK) {
			FUZZ_ASSERT(err.msg[0] != '\0');
			continue;
		}
		FUZZ_ASSERT(v.text >= buf && v.text_len <= size &&
		    v.text + v.text_len <= buf + size);
		FUZZ_ASSERT(v.tally + MFA_TALLY_SEALED_LEN == buf + size);
		rewrite(&v);
		tally(v.tally);
		if (mfa_state_parse(v.text, v.text_len, &st, NULL) == MFA_OK)
			mfa_state_wipe(&st);
	}
	return 0;
}
