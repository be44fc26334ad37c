/*
 * slots.c - the two-slot record file (format and reading rules in
 * slots.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "error.h"
#include "slots.h"
#include "tally.h"

#define MAGIC "pam_mfa-state 2 "
/* Where each field of a header starts, and how long it is. */
#define SEQ_AT 20
#define BOOT_AT 46
#define SLOT_AT 84
#define LENGTH_AT 102
#define BODY_AT 118
#define HASHED_LEN 182 /* the bytes the header's own hash covers */
#define SHA_AT 190

_Static_assert(SHA_AT + 64 + 1 == MFA_SLOTS_HEADER_LEN,
    "MFA_SLOTS_HEADER_LEN matches the header layout");

int
mfa_slots_checksum(const void *data, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return MFA_ERR_CRYPTO;
	mfa_text_hex_encode(md, 32, out);
	out[64] = '\0';
	return MFA_OK;
}

int
mfa_slots_detect(const char *buf, size_t len)
{
	return len >= sizeof(MAGIC) - 1 &&
	    memcmp(buf, MAGIC, sizeof(MAGIC) - 1) == 0;
}

int
mfa_slots_fits(size_t slot_size, size_t len)
{
	return slot_size > MFA_SLOTS_HEADER_LEN &&
	    len <= slot_size - MFA_SLOTS_HEADER_LEN;
}

size_t
mfa_slots_size_for(size_t len)
{
	size_t want;

	if (len > MFA_SLOTS_MAX_SLOT)
		return 0;
	want = MFA_SLOTS_HEADER_LEN + 2 * len;
	want = (want + MFA_SLOTS_PAGE - 1) / MFA_SLOTS_PAGE * MFA_SLOTS_PAGE;
	if (want > MFA_SLOTS_MAX_SLOT)
		want = MFA_SLOTS_MAX_SLOT;
	return mfa_slots_fits(want, len) ? want : 0;
}

static int
valid_slot_size(size_t s)
{
	return s >= MFA_SLOTS_PAGE && s <= MFA_SLOTS_MAX_SLOT &&
	    s % MFA_SLOTS_PAGE == 0;
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
			(s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* The header of a slot whose body hashes to body (64 hex digits). */
static int
format_header(uint64_t seq, const char *boot, size_t slot_size, size_t len,
    const char *body, char *out)
{
	char sha[65];
	int n;

	if (boot == NULL || strlen(boot) != MFA_SLOTS_BOOT_LEN ||
	    !is_hex(boot, MFA_SLOTS_BOOT_LEN) || !valid_slot_size(slot_size))
		return MFA_ERR_INVALID;
	n = snprintf(out, HASHED_LEN + 1,
	    MAGIC "seq %020llu boot %s slot %010zu length %010zu body %s",
	    (unsigned long long)seq, boot, slot_size, len, body);
	if (n != HASHED_LEN)
		return MFA_ERR_INVALID;
	if (mfa_slots_checksum(out, HASHED_LEN, sha) != MFA_OK)
		return MFA_ERR_CRYPTO;
	memcpy(out + HASHED_LEN, " sha256 ", 8);
	memcpy(out + SHA_AT, sha, 64);
	out[SHA_AT + 64] = '\n';
	return MFA_OK;
}

int
mfa_slots_format(uint64_t seq, const char *boot, size_t slot_size,
    const char *text, size_t len, char *out)
{
	char body[65];
	char *b = out + MFA_SLOTS_HEADER_LEN;
	size_t room;

	if (out == NULL || (text == NULL && len > 0) ||
	    !valid_slot_size(slot_size) || !mfa_slots_fits(slot_size, len))
		return MFA_ERR_INVALID;
	room = slot_size - MFA_SLOTS_HEADER_LEN;
	if (len > 0)
		memcpy(b, text, len);
	memset(b + len, '\n', room - len);
	if (mfa_slots_checksum(b, room, body) != MFA_OK)
		return MFA_ERR_CRYPTO;
	return format_header(seq, boot, slot_size, len, body, out);
}

int
mfa_slots_retract(uint64_t seq, const char *boot, size_t slot_size, char *out)
{
	char none[65];

	/* No data hashes to all zeros (as far as anyone knows). */
	memset(none, '0', 64);
	none[64] = '\0';
	if (out == NULL)
		return MFA_ERR_INVALID;
	return format_header(seq, boot, slot_size, 0, none, out);
}

/* What a slot turned out to be. */
enum slot_class { SLOT_OK, SLOT_BODY_BAD, SLOT_HEADER_BAD };

struct slot {
	enum slot_class cls;
	uint64_t seq;
	char boot[MFA_SLOTS_BOOT_LEN + 1];
	size_t length;
};

/* A number of n digits at p, at most max. */
static int
field(const char *p, size_t n, uint64_t max, uint64_t *out)
{
	return mfa_text_digits(p, n, max, out) == MFA_OK;
}

/*
 * The header of the slot at p (of size s): its fields, or HEADER_BAD.
 * The header is read back field by field and must be exactly the one
 * those fields give, its own hash included.
 */
static void
read_header(const char *p, size_t s, struct slot *sl)
{
	char body[65], want[MFA_SLOTS_HEADER_LEN];
	uint64_t slot = 0, length = 0;

	sl->cls = SLOT_HEADER_BAD;
	if (memcmp(p, MAGIC "seq ", SEQ_AT) != 0 ||
	    !field(p + SEQ_AT, 20, UINT64_MAX, &sl->seq) ||
	    !is_hex(p + BOOT_AT, MFA_SLOTS_BOOT_LEN) ||
	    !field(p + SLOT_AT, 10, MFA_SLOTS_MAX_SLOT, &slot) ||
	    !field(p + LENGTH_AT, 10, MFA_SLOTS_MAX_SLOT, &length) ||
	    slot != s || !mfa_slots_fits(s, (size_t)length) ||
	    !is_hex(p + BODY_AT, 64))
		return;
	memcpy(sl->boot, p + BOOT_AT, MFA_SLOTS_BOOT_LEN);
	sl->boot[MFA_SLOTS_BOOT_LEN] = '\0';
	memcpy(body, p + BODY_AT, 64);
	body[64] = '\0';
	sl->length = (size_t)length;
	if (format_header(sl->seq, sl->boot, s, sl->length, body, want) !=
		MFA_OK ||
	    memcmp(want, p, MFA_SLOTS_HEADER_LEN) != 0)
		return;
	sl->cls = SLOT_BODY_BAD;
}

/* Classify the slot at p of size s. */
static void
read_slot(const char *p, size_t s, struct slot *sl)
{
	char body[65];

	memset(sl, 0, sizeof(*sl));
	read_header(p, s, sl);
	if (sl->cls != SLOT_BODY_BAD)
		return;
	if (mfa_slots_checksum(p + MFA_SLOTS_HEADER_LEN,
		s - MFA_SLOTS_HEADER_LEN, body) == MFA_OK &&
	    memcmp(p + BODY_AT, body, 64) == 0)
		sl->cls = SLOT_OK;
}

static int refuse(struct mfa_parse_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The reason in err (may be NULL); MFA_ERR_FORMAT. */
static int
refuse(struct mfa_parse_error *err, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		err->line = 0;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return MFA_ERR_FORMAT;
}

/*
 * May the reader pass over bad, which is not OK, for good, which is?
 * Only a slot a writer was cut off in: older than good, or one newer
 * written in an earlier boot (a power cut).
 */
static int
passable(const struct slot *bad, const struct slot *good, const char *boot)
{
	static const char zeros[MFA_SLOTS_BOOT_LEN + 1] =
	    "00000000000000000000000000000000";

	if (bad->cls != SLOT_BODY_BAD)
		return 0;
	if (bad->seq < good->seq)
		return 1;
	return good->seq < UINT64_MAX && bad->seq == good->seq + 1 &&
	    strcmp(boot, zeros) != 0 && strcmp(bad->boot, boot) != 0;
}

/* Which slot is current, or a refusal. */
static int
choose(const struct slot sl[2], const char *boot, unsigned int *cur,
    struct mfa_parse_error *err)
{
	static const char *const what[] = {"",
	    "its text does not match its checksum", "its header is damaged"};
	unsigned int i;

	if (sl[0].cls == SLOT_OK && sl[1].cls == SLOT_OK) {
		if (sl[0].seq == sl[1].seq)
			return refuse(err,
			    "both slots have sequence number %llu",
			    (unsigned long long)sl[0].seq);
		*cur = sl[1].seq > sl[0].seq;
	} else {
		for (i = 0; i < 2 && sl[i].cls != SLOT_OK; i++)
			;
		if (i == 2 || !passable(&sl[1 - i], &sl[i], boot)) {
			i = sl[0].cls != SLOT_OK ? 0 : 1;
			return refuse(
			    err, "slot %u damaged: %s", i + 1, what[sl[i].cls]);
		}
		*cur = i;
	}
	if (sl[*cur].seq == 0 || sl[*cur].length == 0)
		return refuse(err, "slot %u holds no record", *cur + 1);
	return MFA_OK;
}

int
mfa_slots_read(const char *buf, size_t len, const char *boot,
    struct mfa_slots_view *v, struct mfa_parse_error *err)
{
	struct slot sl[2];
	size_t s;
	unsigned int cur = 0;
	int rc;

	if (buf == NULL || v == NULL || boot == NULL)
		return MFA_ERR_INVALID;
	if (!mfa_slots_detect(buf, len))
		return refuse(err, "not a two-slot record file");
	s = len > MFA_TALLY_SEALED_LEN ? (len - MFA_TALLY_SEALED_LEN) / 2 : 0;
	if (!valid_slot_size(s) || 2 * s + MFA_TALLY_SEALED_LEN != len)
		return refuse(err,
		    "file of %u bytes: truncated or extended (a record "
		    "file is two slots of a multiple of %u bytes and a "
		    "tally)",
		    (unsigned int)len, MFA_SLOTS_PAGE);
	read_slot(buf, s, &sl[0]);
	read_slot(buf + s, s, &sl[1]);
	rc = choose(sl, boot, &cur, err);
	if (rc != MFA_OK)
		return rc;
	v->slot_size = s;
	v->current = cur;
	v->seq = sl[cur].seq;
	v->text = buf + cur * s + MFA_SLOTS_HEADER_LEN;
	v->text_len = sl[cur].length;
	v->tally = buf + 2 * s;
	return MFA_OK;
}
