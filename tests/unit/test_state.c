/*
 * test_state.c - the module state record: known-answer parses, round trips,
 * every rejection with its line and reason, the helpers, and a mutation
 * loop over a full file.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "enrolment.h"
#include "state.h"
#include "testutil.h"

#define HDR "pam_mfa-state 1\n"
#define ID32 "6f1c0e3a9b2d4c58a7e1f0d2c3b4a596"
#define SET16 "9f2c4e1a0b3d5f67"
#define SALT32 "000102030405060708090a0b0c0d0e0f"
#define HASH64                                                                 \
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define DEV16 "0011223344556677"
#define DEVLINE "device " DEV16 " " HASH64 " 100 200 150 4"

static const unsigned char set_a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
static const unsigned char set_b[8] = {8, 7, 6, 5, 4, 3, 2, 1};

static int
parse_str(const char *text, struct mfa_state *st, struct mfa_parse_error *e)
{
	return mfa_state_parse(text, strlen(text), st, e);
}

static void
fill_device(struct mfa_device *d, size_t i)
{
	size_t j;

	memset(d, 0, sizeof(*d));
	/* id[0] = i keeps ids unique for i < 256. */
	for (j = 0; j < sizeof(d->id); j++)
		d->id[j] = (unsigned char)(j == 0 ? i : i * 16 + j);
	for (j = 0; j < sizeof(d->digest); j++)
		d->digest[j] = (unsigned char)(i * 31 + j * 7);
	d->created = 1764000000 + (int64_t)i;
	d->expires = d->created + 90 * 86400;
	d->last_used = d->created + 1000;
	d->generation = (uint32_t)i;
	snprintf(d->label, sizeof(d->label),
	    "ssh-ed25519 SHA256:k%zu from h%zu", i, i);
}

static void
fill_pending(struct mfa_state *st)
{
	size_t i, j;

	for (i = 0; i < MFA_STATE_MAX_PENDING; i++) {
		struct mfa_device_pending *p = &st->pending[i];

		for (j = 0; j < sizeof(p->digest); j++)
			p->digest[j] = (unsigned char)(i + j * 3);
		p->created = 1764017613 + (int64_t)i;
		p->expires = p->created + 300;
		p->generation = (uint32_t)(i + 7);
		snprintf(p->label, sizeof(p->label), "pending %zu", i);
		/* The last one as b432e86 wrote it: without a nonce. */
		p->has_nonce = i + 1 < MFA_STATE_MAX_PENDING;
		for (j = 0; p->has_nonce && j < sizeof(p->nonce); j++)
			p->nonce[j] = (unsigned char)(0xa0 + i + j);
	}
	st->pending[3].label[0] = '\0';
	st->npending = MFA_STATE_MAX_PENDING;
}

/* Every kind of source key, the table full, counters at their limits. */
static void
fill_sources(struct mfa_state *st)
{
	static const char *const keys[MFA_STATE_MAX_SOURCES] = {"-",
	    "192.0.2.7", "2001:db8::1", "host.example.org",
	    "#0123456789abcdef0123456789abcdef", "fe80::1%eth0", "a_b", "x.y"};
	size_t i;

	for (i = 0; i < MFA_STATE_MAX_SOURCES; i++) {
		struct mfa_source *src = &st->sources[i];

		memcpy(src->key, keys[i], strlen(keys[i]));
		src->failures = (unsigned int)i;
		src->last_failure = 1764017000 + (int64_t)i;
		src->locked_until = i == 1 ? INT64_MAX : (int64_t)i * 1000;
	}
	st->sources[7].failures = UINT_MAX;
	memset(st->sources[6].key, 'k', MFA_STATE_SOURCE_MAX);
	st->nsources = MFA_STATE_MAX_SOURCES;
}

/* fill_full - a record with every field set, at every cap, at limits. */
static void
fill_full(struct mfa_state *st)
{
	size_t i;

	mfa_state_init(st);
	st->enrolled = 1;
	st->enrolled_at = 1764017613;
	for (i = 0; i < sizeof(st->enrolled_id); i++)
		st->enrolled_id[i] = (unsigned char)(0xf0 - i);
	st->has_last_step = 1;
	st->totp_last_step = UINT64_MAX;
	st->failures = UINT_MAX;
	st->locked_until = INT64_MAX;
	st->last_success = 1764017613;
	st->last_method = MFA_METHOD_TRUSTED_DEVICE;
	st->last_failure = 1764017600;
	st->has_backup_used = 1;
	memcpy(st->backup_set, set_a, sizeof(set_a));
	st->backup_used_mask = (1u << 0) | (1u << 3) | (1u << 7) | (1u << 9);
	st->otp.active = 1;
	st->otp.channel = MFA_METHOD_SMS;
	st->otp.expires = 1764017913;
	st->otp.tries_left = 3;
	st->otp.sent_at = 1764017613;
	for (i = 0; i < sizeof(st->otp.salt); i++)
		st->otp.salt[i] = (unsigned char)(i * 7);
	for (i = 0; i < sizeof(st->otp.hash); i++)
		st->otp.hash[i] = (unsigned char)(255 - i);
	for (i = 0; i < MFA_STATE_MAX_SENDS; i++)
		st->send_times[i] = 1764017000 + (int64_t)i * 60;
	st->nsends = MFA_STATE_MAX_SENDS;
	for (i = 0; i < MFA_STATE_MAX_DEVICES; i++)
		fill_device(&st->devices[i], i);
	st->ndevices = MFA_STATE_MAX_DEVICES;
	/* Limits: widest label with inner spaces, an empty label, max gen. */
	memset(st->devices[0].label, 'x', MFA_STATE_MAX_LABEL);
	st->devices[0].label[MFA_STATE_MAX_LABEL] = '\0';
	st->devices[0].label[10] = ' ';
	st->devices[0].label[11] = ' ';
	st->devices[1].label[0] = '\0';
	st->devices[2].generation = UINT32_MAX;
	st->devices[3].created = 0;
	fill_pending(st);
	st->has_enrol_pending = st->has_enrol_nonce = 1;
	st->has_enrol_replaced = 1;
	for (i = 0; i < 16; i++) {
		st->enrol_pending_id[i] = (unsigned char)(0x10 + i);
		st->enrol_pending_nonce[i] = (unsigned char)(0x30 + i);
		st->enrol_replaced_id[i] = (unsigned char)(0x50 + i);
	}
	st->enrol_pending_at = 1764017613;
	st->enrol_pending_step = UINT64_MAX;
	fill_sources(st);
}

static void
assert_devices_eq(const struct mfa_state *a, const struct mfa_state *b)
{
	size_t i;

	ck_assert_uint_eq(a->ndevices, b->ndevices);
	for (i = 0; i < a->ndevices; i++) {
		const struct mfa_device *x = &a->devices[i],
					*y = &b->devices[i];

		ck_assert_mem_eq(x->id, y->id, sizeof(x->id));
		ck_assert_mem_eq(x->digest, y->digest, sizeof(x->digest));
		ck_assert_int_eq(x->created, y->created);
		ck_assert_int_eq(x->expires, y->expires);
		ck_assert_int_eq(x->last_used, y->last_used);
		ck_assert_uint_eq(x->generation, y->generation);
		ck_assert_str_eq(x->label, y->label);
	}
	ck_assert_uint_eq(a->npending, b->npending);
	for (i = 0; i < a->npending; i++) {
		const struct mfa_device_pending *x = &a->pending[i];
		const struct mfa_device_pending *y = &b->pending[i];

		ck_assert_mem_eq(x->digest, y->digest, sizeof(x->digest));
		ck_assert_int_eq(x->created, y->created);
		ck_assert_int_eq(x->expires, y->expires);
		ck_assert_uint_eq(x->generation, y->generation);
		ck_assert_str_eq(x->label, y->label);
		ck_assert_int_eq(x->has_nonce, y->has_nonce);
		ck_assert_mem_eq(x->nonce, y->nonce, sizeof(x->nonce));
	}
}

static void
assert_enrol_pending_eq(const struct mfa_state *a, const struct mfa_state *b)
{
	ck_assert_int_eq(a->has_enrol_pending, b->has_enrol_pending);
	ck_assert_mem_eq(a->enrol_pending_id, b->enrol_pending_id, 16);
	ck_assert_int_eq(a->enrol_pending_at, b->enrol_pending_at);
	ck_assert_uint_eq(a->enrol_pending_step, b->enrol_pending_step);
	ck_assert_int_eq(a->has_enrol_nonce, b->has_enrol_nonce);
	ck_assert_mem_eq(a->enrol_pending_nonce, b->enrol_pending_nonce, 16);
	ck_assert_int_eq(a->has_enrol_replaced, b->has_enrol_replaced);
	ck_assert_mem_eq(a->enrol_replaced_id, b->enrol_replaced_id, 16);
}

static void
assert_state_eq(const struct mfa_state *a, const struct mfa_state *b)
{
	ck_assert_int_eq(a->enrolled, b->enrolled);
	ck_assert_int_eq(a->enrolled_at, b->enrolled_at);
	ck_assert_mem_eq(
	    a->enrolled_id, b->enrolled_id, sizeof(a->enrolled_id));
	ck_assert_int_eq(a->has_last_step, b->has_last_step);
	ck_assert_uint_eq(a->totp_last_step, b->totp_last_step);
	ck_assert_uint_eq(a->failures, b->failures);
	ck_assert_int_eq(a->locked_until, b->locked_until);
	ck_assert_int_eq(a->last_success, b->last_success);
	ck_assert_int_eq(a->last_method, b->last_method);
	ck_assert_int_eq(a->last_failure, b->last_failure);
	ck_assert_uint_eq(a->nsources, b->nsources);
	ck_assert_mem_eq(a->sources, b->sources, sizeof(a->sources));
	ck_assert_int_eq(a->has_backup_used, b->has_backup_used);
	ck_assert_mem_eq(a->backup_set, b->backup_set, sizeof(a->backup_set));
	ck_assert_uint_eq(a->backup_used_mask, b->backup_used_mask);
	ck_assert_int_eq(a->otp.active, b->otp.active);
	ck_assert_int_eq(a->otp.channel, b->otp.channel);
	ck_assert_int_eq(a->otp.expires, b->otp.expires);
	ck_assert_int_eq(a->otp.sent_at, b->otp.sent_at);
	ck_assert_uint_eq(a->otp.tries_left, b->otp.tries_left);
	ck_assert_mem_eq(a->otp.salt, b->otp.salt, sizeof(a->otp.salt));
	ck_assert_mem_eq(a->otp.hash, b->otp.hash, sizeof(a->otp.hash));
	ck_assert_uint_eq(a->nsends, b->nsends);
	if (a->nsends > 0)
		ck_assert_mem_eq(a->send_times, b->send_times,
		    a->nsends * sizeof(a->send_times[0]));
	assert_devices_eq(a, b);
	assert_enrol_pending_eq(a, b);
}

static void
assert_empty(const struct mfa_state *st)
{
	struct mfa_state empty;

	mfa_state_init(&empty);
	assert_state_eq(st, &empty);
}

/* ---- round trips and known answers ---- */

START_TEST(empty_round_trip)
{
	struct mfa_state st, back;
	struct mfa_parse_error e;
	char *text;
	size_t len;

	mfa_state_init(&st);
	ck_assert_int_eq(mfa_state_serialize(&st, &text, &len), MFA_OK);
	ck_assert_str_eq(text,
	    "# pam_mfa state, written by pam_mfa.so; format in "
	    "pam_mfa(8)\n" HDR);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_int_eq(mfa_state_parse(text, len, &back, &e), MFA_OK);
	assert_empty(&back);
	mfa_strfree(text);
	/* The bare version line is a whole, valid file. */
	ck_assert_int_eq(parse_str(HDR, &back, NULL), MFA_OK);
	assert_empty(&back);
}
END_TEST

START_TEST(full_round_trip)
{
	struct mfa_state st, back;
	struct mfa_parse_error e;
	char *text, *again;
	size_t len, len2;

	fill_full(&st);
	ck_assert_int_eq(mfa_state_serialize(&st, &text, &len), MFA_OK);
	ck_assert_int_eq(mfa_state_parse(text, len, &back, &e), MFA_OK);
	assert_state_eq(&st, &back);
	ck_assert_int_eq(mfa_state_serialize(&back, &again, &len2), MFA_OK);
	ck_assert_str_eq(text, again);
	/* Spot checks of the text itself, at the limits. */
	ck_assert_ptr_nonnull(strstr(text, "\nfailures 4294967295\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "\ntotp-last-step "
	    "18446744073709551615\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "\nlocked-until "
	    "9223372036854775807\n"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\nlast-success 1764017613 trusted-device\n"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\nbackup-used 0102030405060708 0,3,7,9\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "\notp-pending sms 1764017913 3 "
	    "1764017613 00070e151c"));
	ck_assert_ptr_nonnull(
	    strstr(text, "\nsend-times 1764017000,1764017060,"));
	ck_assert_ptr_nonnull(strstr(text,
	    " 1764000002 1771776002 1764001002 "
	    "4294967295 ssh-ed25519 SHA256:k2 "
	    "from h2\n"));
	/* An empty label leaves no field and no trailing space. */
	ck_assert_ptr_nonnull(
	    strstr(text, " 1764000001 1771776001 1764001001 1\n"));
	mfa_strfree(text);
	mfa_strfree(again);
	mfa_state_wipe(&st);
	mfa_state_wipe(&back);
}
END_TEST

/* An enrolment at login awaiting setcred: parsed, kept, refused when bad. */
START_TEST(enrol_pending_round_trip)
{
	static const char text[] =
	    "pam_mfa-state 1\n"
	    "enrol-pending 00112233445566778899aabbccddeeff 1764017613 "
	    "58800587\n";
	struct mfa_parse_error err;
	struct mfa_state st;
	char *out = NULL;
	size_t len;

	ck_assert_int_eq(mfa_state_parse(text, sizeof(text) - 1, &st, &err), 0);
	ck_assert_int_eq(st.has_enrol_pending, 1);
	ck_assert_int_eq(st.enrol_pending_at, 1764017613);
	ck_assert_uint_eq(st.enrol_pending_step, 58800587);
	ck_assert_uint_eq(st.enrol_pending_id[15], 0xff);
	ck_assert_int_eq(mfa_state_serialize(&st, &out, &len), 0);
	ck_assert_ptr_nonnull(strstr(out, text + strlen("pam_mfa-state 1\n")));
	mfa_strfree(out);
	{
		static const char bad[] =
		    "pam_mfa-state 1\nenrol-pending 0011 1 2\n";

		ck_assert_int_eq(mfa_state_parse(bad, strlen(bad), &st, &err),
		    MFA_ERR_FORMAT);
		ck_assert_ptr_nonnull(strstr(err.msg, "enrolment id"));
	}
	ck_assert_uint_eq(err.line, 2);
}
END_TEST

/*
 * The nonces of the hand-over to setcred (DESIGN §12): optional at the end
 * of enrol-pending (with the id of the file it replaced after it), and at
 * the start of device-pending (32 hex digits, told from a 64-digit
 * digest).  Lines without them, as b432e86 wrote them, still parse.
 */
START_TEST(handover_nonces_round_trip)
{
	static const char text[] = HDR
	    "enrol-pending " ID32 " 1764017613 58800587 " SALT32 " " ID32 "\n"
	    "device-pending " SALT32 " " HASH64
	    " 1764017613 1764017913 0 ssh-ed25519 key\n"
	    "device-pending " HASH64 " 1764017613 1764017913 0\n";
	struct mfa_state st;
	struct mfa_parse_error e;
	char *out = NULL;
	size_t len;

	ck_assert_int_eq(parse_str(text, &st, &e), MFA_OK);
	ck_assert_int_eq(st.has_enrol_nonce, 1);
	ck_assert_uint_eq(st.enrol_pending_nonce[15], 0x0f);
	ck_assert_int_eq(st.has_enrol_replaced, 1);
	ck_assert_uint_eq(st.enrol_replaced_id[0], 0x6f);
	ck_assert_uint_eq(st.npending, 2);
	ck_assert_int_eq(st.pending[0].has_nonce, 1);
	ck_assert_uint_eq(st.pending[0].nonce[1], 0x01);
	ck_assert_str_eq(st.pending[0].label, "ssh-ed25519 key");
	ck_assert_int_eq(st.pending[1].has_nonce, 0);
	ck_assert_int_eq(mfa_state_serialize(&st, &out, &len), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, text + strlen(HDR)));
	mfa_strfree(out);
	/* Only the nonce: no old id. */
	ck_assert_int_eq(
	    parse_str(HDR "enrol-pending " ID32 " 1 2 " SALT32 "\n", &st, &e),
	    MFA_OK);
	ck_assert_int_eq(st.has_enrol_nonce, 1);
	ck_assert_int_eq(st.has_enrol_replaced, 0);
	/* An old id without a nonce cannot be written. */
	st.has_enrol_nonce = 0;
	st.has_enrol_replaced = 1;
	ck_assert_int_eq(mfa_state_serialize(&st, &out, &len), MFA_ERR_INVALID);
	mfa_state_wipe(&st);
}
END_TEST

/* Which secret files a pending enrolment names; clearing it. */
START_TEST(enrol_pending_names_and_clear)
{
	unsigned char a[16], b[16], c[16];
	struct mfa_state st;

	memset(a, 0xaa, 16);
	memset(b, 0xbb, 16);
	memset(c, 0xcc, 16);
	mfa_state_init(&st);
	memcpy(st.enrol_pending_id, a, 16);
	ck_assert_int_eq(mfa_state_enrol_pending_names(&st, a), 0);
	st.has_enrol_pending = 1;
	ck_assert_int_eq(mfa_state_enrol_pending_names(&st, a), 1);
	ck_assert_int_eq(mfa_state_enrol_pending_names(&st, b), 0);
	memcpy(st.enrol_replaced_id, b, 16);
	ck_assert_int_eq(mfa_state_enrol_pending_names(&st, b), 0);
	st.has_enrol_replaced = st.has_enrol_nonce = 1;
	ck_assert_int_eq(mfa_state_enrol_pending_names(&st, b), 1);
	ck_assert_int_eq(mfa_state_enrol_pending_names(&st, c), 0);
	/* Marking the user enrolled (mfa-enroll as root, setcred) clears
	 * it: the file on disk is the confirmed one. */
	mfa_enrolment_mark(&st, c, 1764017613, NULL);
	ck_assert_int_eq(st.has_enrol_pending, 0);
	ck_assert_int_eq(st.has_enrol_nonce, 0);
	ck_assert_int_eq(st.has_enrol_replaced, 0);
	ck_assert_int_eq(mfa_state_enrol_pending_names(&st, a), 0);
	ck_assert_int_eq(mfa_state_enrol_pending_names(&st, b), 0);
	ck_assert_uint_eq(st.enrol_replaced_id[0], 0);
	ck_assert_int_eq(st.enrolled, 1);
}
END_TEST

START_TEST(known_answer_parse)
{
	static const char text[] =
	    "# pam_mfa enrolment state\n"
	    "\n" HDR "serial 42\n"
	    "enrolled 1764017613 " ID32 "\n"
	    "totp-last-step 58800587\n"
	    "failures 3\n"
	    "locked-until 1764018513\n"
	    "last-success 1764017613 totp\n"
	    "last-failure 1764017600\n"
	    "backup-used " SET16 " 0,3,7\n"
	    "otp-pending email 1764017913 3 1764017613 " SALT32 " " HASH64 "\n"
	    "send-times 1764017613,1764017000\n"
	    "# a comment between records\n" DEVLINE " laptop  (work)\n"
	    "device-pending " HASH64 " 1764017613 1764017913 0\n";
	static const unsigned char id[16] = {0x6f, 0x1c, 0x0e, 0x3a, 0x9b, 0x2d,
	    0x4c, 0x58, 0xa7, 0xe1, 0xf0, 0xd2, 0xc3, 0xb4, 0xa5, 0x96};
	static const unsigned char set[8] = {
	    0x9f, 0x2c, 0x4e, 0x1a, 0x0b, 0x3d, 0x5f, 0x67};
	struct mfa_state st;
	struct mfa_parse_error e;

	ck_assert_int_eq(parse_str(text, &st, &e), MFA_OK);
	ck_assert_uint_eq(st.serial, 42);
	ck_assert_int_eq(st.enrolled, 1);
	ck_assert_int_eq(st.enrolled_at, 1764017613);
	ck_assert_mem_eq(st.enrolled_id, id, 16);
	ck_assert_int_eq(st.has_last_step, 1);
	ck_assert_uint_eq(st.totp_last_step, 58800587);
	ck_assert_uint_eq(st.failures, 3);
	ck_assert_int_eq(st.locked_until, 1764018513);
	ck_assert_int_eq(st.last_success, 1764017613);
	ck_assert_int_eq(st.last_method, MFA_METHOD_TOTP);
	ck_assert_int_eq(st.last_failure, 1764017600);
	ck_assert_int_eq(st.has_backup_used, 1);
	ck_assert_mem_eq(st.backup_set, set, 8);
	ck_assert_uint_eq(st.backup_used_mask, 0x89);
	ck_assert_int_eq(st.otp.active, 1);
	ck_assert_int_eq(st.otp.channel, MFA_METHOD_EMAIL);
	ck_assert_int_eq(st.otp.expires, 1764017913);
	ck_assert_uint_eq(st.otp.tries_left, 3);
	ck_assert_int_eq(st.otp.sent_at, 1764017613);
	ck_assert_uint_eq(st.otp.salt[15], 0x0f);
	ck_assert_uint_eq(st.otp.hash[0], 0xe3);
	ck_assert_uint_eq(st.otp.hash[31], 0x55);
	ck_assert_uint_eq(st.nsends, 2);
	ck_assert_int_eq(st.send_times[0], 1764017613);
	ck_assert_int_eq(st.send_times[1], 1764017000);
	ck_assert_uint_eq(st.ndevices, 1);
	ck_assert_uint_eq(st.devices[0].id[7], 0x77);
	ck_assert_int_eq(st.devices[0].created, 100);
	ck_assert_int_eq(st.devices[0].expires, 200);
	ck_assert_int_eq(st.devices[0].last_used, 150);
	ck_assert_uint_eq(st.devices[0].generation, 4);
	ck_assert_str_eq(st.devices[0].label, "laptop  (work)");
	ck_assert_uint_eq(st.npending, 1);
	ck_assert_str_eq(st.pending[0].label, "");
	ck_assert_int_eq(st.pending[0].expires, 1764017913);
	mfa_state_wipe(&st);
	ck_assert_int_eq(st.otp.hash[0], 0);
}
END_TEST

/* Accepted edge values, each must parse. */
static const char *const accepted[] = {
    HDR "failures 0\n",
    HDR "failures 4294967295\n",
    HDR "totp-last-step 18446744073709551615\n",
    HDR "serial 0\n",
    HDR "serial 18446744073709551615\n",
    HDR "locked-until 9223372036854775807\n",
    HDR "backup-used " SET16 " 0,1,2,3,4,5,6,7,8,9\n",
    HDR "backup-used " SET16 " 9\n",
    HDR "send-times 0\n",
    HDR "last-success 0 sms\n",
    HDR DEVLINE " ~\n",
    HDR "#\n#"
	"\x80\xff"
	" high bytes in a comment\n",
};

START_TEST(accepts_edges)
{
	struct mfa_state st;
	struct mfa_parse_error e;
	int rc = parse_str(accepted[_i], &st, &e);

	ck_assert_msg(
	    rc == MFA_OK, "case %d: %d line %u %s", _i, rc, e.line, e.msg);
}
END_TEST

/* A state record must not be readable from a prefix: len is honoured. */
START_TEST(parse_honours_len)
{
	static const char text[] = HDR "failures 12\n";
	struct mfa_state st;

	ck_assert_int_eq(mfa_state_parse(text, sizeof(HDR) - 1 + 11, &st, NULL),
	    MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_state_parse(text, sizeof(text) - 1, &st, NULL), MFA_OK);
	ck_assert_uint_eq(st.failures, 12);
	ck_assert_int_eq(mfa_state_parse(NULL, 0, &st, NULL), MFA_ERR_FORMAT);
	ck_assert_int_eq(mfa_state_parse(NULL, 1, &st, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_state_parse(text, 1, NULL, NULL), MFA_ERR_INVALID);
}
END_TEST

/* ---- rejections ---- */

struct reject_case {
	const char *text;
	size_t len; /* 0: strlen */
	unsigned int line;
	int rc;
	const char *why;
};

#define L(s) s, sizeof(s) - 1

static const struct reject_case rejects[] = {
    {"", 0, 0, MFA_ERR_FORMAT, "missing version line"},
    {"# only\n\n", 0, 0, MFA_ERR_FORMAT, "missing version line"},
    {"failures 1\n" HDR, 0, 1, MFA_ERR_FORMAT, "missing version line"},
    {"pam_mfa-state 3\n", 0, 1, MFA_ERR_VERSION, "version"},
    {"pam_mfa-state 01\n", 0, 1, MFA_ERR_VERSION, "version"},
    {"pam_mfa-secret 1\n", 0, 1, MFA_ERR_FORMAT, "missing version line"},
    {HDR HDR, 0, 2, MFA_ERR_DUPLICATE, "duplicate version line"},
    {HDR "foo 1\n", 0, 2, MFA_ERR_UNKNOWN_KEY, "unknown key \"foo\""},
    {HDR "Failures 1\n", 0, 2, MFA_ERR_UNKNOWN_KEY, "unknown key"},
    {HDR "failures 1\nfailures 2\n", 0, 3, MFA_ERR_DUPLICATE,
	"duplicate key \"failures\""},
    {HDR "send-times 1\n#\nsend-times 2\n", 0, 4, MFA_ERR_DUPLICATE,
	"duplicate key \"send-times\""},
    {HDR "otp-pending email 1 3 1 " SALT32 " " HASH64 "\n"
	 "otp-pending sms 1 3 1 " SALT32 " " HASH64 "\n",
	0, 3, MFA_ERR_DUPLICATE, "duplicate key \"otp-pending\""},
    /* numbers */
    {HDR "failures +1\n", 0, 2, MFA_ERR_FORMAT, "not a decimal number"},
    {HDR "failures -1\n", 0, 2, MFA_ERR_FORMAT, "not a decimal number"},
    {HDR "failures 1x\n", 0, 2, MFA_ERR_FORMAT, "not a decimal number"},
    {HDR "failures 01\n", 0, 2, MFA_ERR_FORMAT, "leading zero"},
    {HDR "failures 00\n", 0, 2, MFA_ERR_FORMAT, "leading zero"},
    {HDR "failures 4294967296\n", 0, 2, MFA_ERR_RANGE, "out of range"},
    {HDR "totp-last-step 18446744073709551616\n", 0, 2, MFA_ERR_RANGE,
	"out of range"},
    {HDR "serial 18446744073709551616\n", 0, 2, MFA_ERR_RANGE, "out of range"},
    {HDR "serial 07\n", 0, 2, MFA_ERR_FORMAT, "leading zero"},
    {HDR "serial 1\nserial 2\n", 0, 3, MFA_ERR_DUPLICATE,
	"duplicate key \"serial\""},
    {HDR "totp-last-step 99999999999999999999999\n", 0, 2, MFA_ERR_RANGE,
	"out of range"},
    {HDR "locked-until 9223372036854775808\n", 0, 2, MFA_ERR_RANGE,
	"out of range"},
    {HDR "send-times 1,,2\n", 0, 2, MFA_ERR_FORMAT, "empty number"},
    {HDR "send-times 1,\n", 0, 2, MFA_ERR_FORMAT, "empty number"},
    {HDR "send-times 1,02\n", 0, 2, MFA_ERR_FORMAT, "leading zero"},
    {HDR "send-times 1 2\n", 0, 2, MFA_ERR_FORMAT, "not a decimal number"},
    {HDR DEVLINE "\n"
		 "device 1122334455667788 " HASH64 " 1 2 3 4294967296\n",
	0, 3, MFA_ERR_RANGE, "device generation: number out of range"},
    /* line grammar */
    {HDR "failures\n", 0, 2, MFA_ERR_FORMAT, "missing value"},
    {HDR "failures  1\n", 0, 2, MFA_ERR_FORMAT, "more than one space"},
    {HDR "failures 1 \n", 0, 2, MFA_ERR_FORMAT, "trailing space"},
    {HDR " failures 1\n", 0, 2, MFA_ERR_FORMAT, "starts with a space"},
    {HDR " \n", 0, 2, MFA_ERR_FORMAT, "trailing space"},
    {HDR "failures\t1\n", 0, 2, MFA_ERR_FORMAT, "control character 0x09"},
    {HDR "# bell \a\n", 0, 2, MFA_ERR_FORMAT, "control character 0x07"},
    {HDR "# del \x7f\n", 0, 2, MFA_ERR_FORMAT, "control character 0x7f"},
    {L(HDR "failures 1\0\n"), 2, MFA_ERR_FORMAT, "NUL byte"},
    {L(HDR "#\0\n"), 2, MFA_ERR_FORMAT, "NUL byte"},
    {HDR "failures 1\r\n", 0, 2, MFA_ERR_FORMAT, "carriage return"},
    {"pam_mfa-state 1\r\n", 0, 1, MFA_ERR_FORMAT, "carriage return"},
    {HDR "failures 1", 0, 2, MFA_ERR_FORMAT, "missing newline"},
    {"pam_mfa-state 1", 0, 1, MFA_ERR_FORMAT, "missing newline"},
    /* fields */
    {HDR "enrolled 1\n", 0, 2, MFA_ERR_FORMAT, "too few fields"},
    {HDR "enrolled 1 " ID32 " x\n", 0, 2, MFA_ERR_FORMAT, "too many fields"},
    {HDR "enrolled 1  " ID32 "\n", 0, 2, MFA_ERR_FORMAT, "empty field"},
    {HDR "enrolled 1 6F1C0E3A9B2D4C58A7E1F0D2C3B4A596\n", 0, 2, MFA_ERR_FORMAT,
	"enrolment id: want 32 lower-case hex digits"},
    {HDR "enrolled 1 6f1c0e3a9b2d4c58a7e1f0d2c3b4a59\n", 0, 2, MFA_ERR_FORMAT,
	"enrolment id: want 32 lower-case hex"},
    {HDR "enrolled 1 6f1c0e3a9b2d4c58a7e1f0d2c3b4a5966\n", 0, 2, MFA_ERR_FORMAT,
	"enrolment id: want 32 lower-case hex"},
    {HDR "enrolled 1 6f1c0e3a9b2d4c58a7e1f0d2c3b4a59g\n", 0, 2, MFA_ERR_FORMAT,
	"enrolment id: want 32 lower-case hex"},
    {HDR "backup-used 9F2C4E1A0B3D5F67 1\n", 0, 2, MFA_ERR_FORMAT,
	"backup set id: want 16 lower-case hex"},
    {HDR "last-success 1 password\n", 0, 2, MFA_ERR_FORMAT, "unknown method"},
    {HDR "last-success 1 none\n", 0, 2, MFA_ERR_FORMAT, "unknown method"},
    {HDR "last-success 1 TOTP\n", 0, 2, MFA_ERR_FORMAT, "unknown method"},
    {HDR "otp-pending voice 1 3 1 " SALT32 " " HASH64 "\n", 0, 2,
	MFA_ERR_FORMAT, "unknown channel"},
    {HDR "otp-pending totp 1 3 1 " SALT32 " " HASH64 "\n", 0, 2, MFA_ERR_FORMAT,
	"unknown channel"},
    {HDR "otp-pending email 1 3 1 " SALT32 " " SALT32 "\n", 0, 2,
	MFA_ERR_FORMAT, "otp-pending hash: want 64"},
    {HDR "otp-pending email 1 3 1 " SALT32 "\n", 0, 2, MFA_ERR_FORMAT,
	"too few fields"},
    /* backup slots */
    {HDR "backup-used " SET16 " 0,3,3\n", 0, 2, MFA_ERR_FORMAT,
	"duplicated slot 3"},
    {HDR "backup-used " SET16 " 3,0\n", 0, 2, MFA_ERR_FORMAT, "not ascending"},
    {HDR "backup-used " SET16 " 10\n", 0, 2, MFA_ERR_RANGE, "out of range"},
    {HDR "backup-used " SET16 " 1,23\n", 0, 2, MFA_ERR_RANGE, "out of range"},
    {HDR "backup-used " SET16 " 0,,3\n", 0, 2, MFA_ERR_FORMAT, "bad slot list"},
    {HDR "backup-used " SET16 " 0,3,\n", 0, 2, MFA_ERR_FORMAT, "bad slot list"},
    {HDR "backup-used " SET16 " ,3\n", 0, 2, MFA_ERR_FORMAT, "bad slot list"},
    {HDR "backup-used " SET16 " 0;3\n", 0, 2, MFA_ERR_FORMAT, "bad slot list"},
    {HDR "backup-used " SET16 "\n", 0, 2, MFA_ERR_FORMAT, "too few fields"},
    /* caps */
    {HDR "send-times 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21\n",
	0, 2, MFA_ERR_TOOBIG, "too many send-times values"},
    {HDR "enrol-pending " ID32 " 1 2 " SALT32 " " ID32 " x\n", 0, 2,
	MFA_ERR_FORMAT, "too many fields"},
    {HDR "enrol-pending " ID32 " 1 2 " HASH64 "\n", 0, 2, MFA_ERR_FORMAT,
	"enrol-pending nonce"},
    {HDR "enrol-pending " ID32 " 1 2 " SALT32 " 00\n", 0, 2, MFA_ERR_FORMAT,
	"replaced enrolment id"},
    {HDR "device-pending 000102030405060708090A0B0C0D0E0F " HASH64 " 1 2 3\n",
	0, 2, MFA_ERR_FORMAT, "device-pending nonce"},
    {HDR "device-pending " SALT32 " 1 2 3\n", 0, 2, MFA_ERR_FORMAT,
	"too few fields"},
    {HDR "device-pending " HASH64 " 1 2 3\n"
	 "device-pending " HASH64 " 1 2 3\n"
	 "device-pending " HASH64 " 1 2 3\n"
	 "device-pending " HASH64 " 1 2 3\n"
	 "device-pending " HASH64 " 1 2 3\n",
	0, 6, MFA_ERR_TOOBIG, "too many device-pending lines"},
    {HDR DEVLINE "\n" DEVLINE " again\n", 0, 3, MFA_ERR_DUPLICATE,
	"duplicate device id"},
    /* labels */
    {HDR DEVLINE "  two spaces\n", 0, 2, MFA_ERR_FORMAT,
	"label starts or ends with a space"},
    {HDR DEVLINE " caf\xc3\xa9\n", 0, 2, MFA_ERR_FORMAT,
	"label is not printable ASCII"},
    {HDR DEVLINE " tab\there\n", 0, 2, MFA_ERR_FORMAT,
	"control character 0x09"},
    {HDR "device-pending " HASH64 " 1 2 3 esc\x1b[0m\n", 0, 2, MFA_ERR_FORMAT,
	"control character 0x1b"},
    {HDR DEVLINE
	" "
	"0123456789012345678901234567890123456789012345678901234567890123"
	"01234567890123456789012345678901234567890123456789012345678901234"
	"\n",
	0, 2, MFA_ERR_TOOBIG, "label longer than 128 bytes"},
    {HDR "device " DEV16 " " HASH64 " 1 2 3\n", 0, 2, MFA_ERR_FORMAT,
	"too few fields"},
};

START_TEST(rejects_with_line_and_reason)
{
	const struct reject_case *c = &rejects[_i];
	size_t len = c->len != 0 ? c->len : strlen(c->text);
	char *copy = malloc(len + 1);
	struct mfa_state st;
	struct mfa_parse_error e;
	int rc;

	/* An exact-size copy, so ASan sees any read past len. */
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, c->text, len);
	rc = mfa_state_parse(copy, len, &st, &e);
	ck_assert_msg(
	    rc == c->rc, "case %d: rc %d, want %d (%s)", _i, rc, c->rc, e.msg);
	ck_assert_msg(e.line == c->line, "case %d: line %u, want %u (%s)", _i,
	    e.line, c->line, e.msg);
	ck_assert_msg(strstr(e.msg, c->why) != NULL,
	    "case %d: \"%s\" lacks \"%s\"", _i, e.msg, c->why);
	assert_empty(&st);
	/* Without an error struct the result is the same. */
	ck_assert_int_eq(mfa_state_parse(copy, len, &st, NULL), c->rc);
	free(copy);
}
END_TEST

/* A valid prefix must not survive a later bad line. */
START_TEST(failure_leaves_empty_record)
{
	struct mfa_state st;
	struct mfa_parse_error e;

	ck_assert_int_eq(parse_str(HDR "enrolled 1 " ID32 "\n"
				       "otp-pending email 1 3 1 " SALT32
				       " " HASH64 "\nbogus 1\n",
			     &st, &e),
	    MFA_ERR_UNKNOWN_KEY);
	ck_assert_uint_eq(e.line, 4);
	assert_empty(&st);
	ck_assert_uint_eq(st.otp.hash[0], 0);
}
END_TEST

START_TEST(twenty_one_devices_rejected)
{
	char text[8192];
	struct mfa_state st;
	struct mfa_parse_error e;
	size_t n = 0;
	int i;

	n += (size_t)snprintf(text + n, sizeof(text) - n, HDR);
	for (i = 0; i < MFA_STATE_MAX_DEVICES + 1; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "device %016x " HASH64 " 1 2 3 4 dev %d\n", (unsigned int)i,
		    i);
	ck_assert_uint_lt(n, sizeof(text));
	ck_assert_int_eq(mfa_state_parse(text, n, &st, &e), MFA_ERR_TOOBIG);
	ck_assert_uint_eq(e.line, MFA_STATE_MAX_DEVICES + 2);
	ck_assert_ptr_nonnull(strstr(e.msg, "too many device lines"));
	/* Twenty are fine. */
	n = (size_t)(strstr(text, "device 0000000000000014") - text);
	ck_assert_int_eq(mfa_state_parse(text, n, &st, &e), MFA_OK);
	ck_assert_uint_eq(st.ndevices, MFA_STATE_MAX_DEVICES);
	ck_assert_str_eq(st.devices[19].label, "dev 19");
}
END_TEST

START_TEST(size_limits)
{
	char *text = malloc(MFA_STATE_MAX_SIZE + 1);
	struct mfa_state st;
	struct mfa_parse_error e;
	size_t n;

	ck_assert_ptr_nonnull(text);
	/* A line of exactly 1024 bytes (plus '\n') is fine, 1025 is not. */
	memcpy(text, HDR, sizeof(HDR) - 1);
	n = sizeof(HDR) - 1;
	text[n] = '#';
	memset(text + n + 1, 'x', MFA_STATE_MAX_LINE - 1);
	text[n + MFA_STATE_MAX_LINE] = '\n';
	ck_assert_int_eq(
	    mfa_state_parse(text, n + MFA_STATE_MAX_LINE + 1, &st, &e), MFA_OK);
	text[n + MFA_STATE_MAX_LINE] = 'x';
	text[n + MFA_STATE_MAX_LINE + 1] = '\n';
	ck_assert_int_eq(
	    mfa_state_parse(text, n + MFA_STATE_MAX_LINE + 2, &st, &e),
	    MFA_ERR_TOOBIG);
	ck_assert_uint_eq(e.line, 2);
	ck_assert_ptr_nonnull(strstr(e.msg, "line longer than 1024 bytes"));
	/* A file of exactly 65536 bytes is fine, one more byte is not. */
	memset(text + n, '\n', MFA_STATE_MAX_SIZE + 1 - n);
	ck_assert_int_eq(
	    mfa_state_parse(text, MFA_STATE_MAX_SIZE, &st, &e), MFA_OK);
	ck_assert_int_eq(mfa_state_parse(text, MFA_STATE_MAX_SIZE + 1, &st, &e),
	    MFA_ERR_TOOBIG);
	ck_assert_uint_eq(e.line, 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "file larger than 65536 bytes"));
	free(text);
}
END_TEST

/* ---- serializer refusals ---- */

START_TEST(serialize_refuses_unstorable)
{
	struct mfa_state st;
	char *text = (char *)"sentinel";
	size_t len = 99;
	int i;

	for (i = 0; i < 11; i++) {
		fill_full(&st);
		switch (i) {
		case 0:
			st.enrolled_at = -1;
			break;
		case 1:
			st.send_times[19] = -5;
			break;
		case 2:
			st.devices[4].expires = -1;
			break;
		case 3:
			st.ndevices = MFA_STATE_MAX_DEVICES + 1;
			break;
		case 4:
			st.nsends = MFA_STATE_MAX_SENDS + 1;
			break;
		case 5:
			st.backup_used_mask |= 1u << 10;
			break;
		case 6:
			st.otp.channel = MFA_METHOD_TOTP;
			break;
		case 7:
			st.last_method = (enum mfa_method)42;
			break;
		case 8:
			st.devices[5].label[0] = ' ';
			break;
		case 9:
			memset(st.pending[0].label, 'a',
			    sizeof(st.pending[0].label));
			break;
		default:
			st.last_method = MFA_METHOD_NONE;
			break;
		}
		ck_assert_msg(
		    mfa_state_serialize(&st, &text, &len) == MFA_ERR_INVALID,
		    "case %d", i);
		ck_assert_ptr_null(text);
		ck_assert_uint_eq(len, 0);
	}
	ck_assert_int_eq(
	    mfa_state_serialize(NULL, &text, &len), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_state_serialize(&st, NULL, &len), MFA_ERR_INVALID);
}
END_TEST

/* A used-up record of the backup set leaves no line; a zero time none. */
START_TEST(serialize_omits_empty_fields)
{
	struct mfa_state st;
	char *text;
	size_t len;

	mfa_state_init(&st);
	st.has_backup_used = 1;
	st.has_last_step = 1;
	st.totp_last_step = 0;
	ck_assert_int_eq(mfa_state_serialize(&st, &text, &len), MFA_OK);
	ck_assert_ptr_null(strstr(text, "backup-used"));
	ck_assert_ptr_nonnull(strstr(text, "\ntotp-last-step 0\n"));
	ck_assert_ptr_null(strstr(text, "failures"));
	ck_assert_ptr_null(strstr(text, "locked-until"));
	ck_assert_ptr_null(strstr(text, "send-times"));
	mfa_strfree(text);
}
END_TEST

/* ---- helpers ---- */

static const struct mfa_lockout_policy deny10 = {10, 100, 900};

START_TEST(lockout_reaches_deny_exactly)
{
	struct mfa_state st;
	const int64_t now = 1764017613;
	const struct mfa_source *src;
	unsigned int i;

	mfa_state_init(&st);
	for (i = 1; i < 10; i++) {
		ck_assert_int_eq(mfa_state_record_failure(
				     &st, now + i, "192.0.2.7", &deny10),
		    MFA_OK);
		ck_assert_uint_eq(st.failures, i);
		ck_assert_int_eq(st.last_failure, now + i);
		ck_assert_int_eq(
		    mfa_state_lock_end(&st, "192.0.2.7", now + i), 0);
	}
	mfa_state_record_failure(&st, now + 10, "192.0.2.7", &deny10);
	src = mfa_state_source_find(&st, "192.0.2.7");
	ck_assert_ptr_nonnull(src);
	ck_assert_uint_eq(src->failures, 10);
	ck_assert_int_eq(src->last_failure, now + 10);
	ck_assert_int_eq(src->locked_until, now + 910);
	ck_assert_int_eq(
	    mfa_state_lock_end(&st, "192.0.2.7", now + 909), now + 910);
	ck_assert_int_eq(mfa_state_lock_end(&st, "192.0.2.7", now + 910), 0);
	/* The source is locked, not the account, nor another source. */
	ck_assert_int_eq(mfa_state_is_locked(&st, now + 10), 0);
	ck_assert_int_eq(st.locked_until, 0);
	ck_assert_int_eq(mfa_state_lock_end(&st, "198.51.100.9", now + 10), 0);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", now + 10), 0);
	/* The lock-out ran out: a fresh count for the source, not an instant
	 * re-lock; the account's count goes on. */
	mfa_state_record_failure(&st, now + 2000, "192.0.2.7", &deny10);
	ck_assert_uint_eq(src->failures, 1);
	ck_assert_int_eq(src->locked_until, 0);
	ck_assert_uint_eq(st.failures, 11);
	for (i = 2; i <= 10; i++)
		mfa_state_record_failure(&st, now + 2000, "192.0.2.7", &deny10);
	ck_assert_int_eq(src->locked_until, now + 2900);
	/* While locked, failures do not restart the count (the module asks
	 * nothing of a locked source; a racing login may still count). */
	mfa_state_record_failure(&st, now + 2001, "192.0.2.7", &deny10);
	ck_assert_uint_eq(src->failures, 11);
	ck_assert_int_eq(src->locked_until, now + 2901);
}
END_TEST

START_TEST(success_clears_account_and_its_source)
{
	struct mfa_state st;
	const int64_t now = 1764017613;
	unsigned int i;

	mfa_state_init(&st);
	for (i = 0; i < 10; i++)
		mfa_state_record_failure(&st, now, "192.0.2.7", &deny10);
	for (i = 0; i < 3; i++)
		mfa_state_record_failure(&st, now, "-", &deny10);
	ck_assert_uint_eq(st.failures, 13);
	ck_assert_uint_eq(st.nsources, 2);
	/* The user logs in at the console: its count and the account's
	 * start again; the stranger's address stays locked. */
	mfa_state_record_success(&st, now + 5, MFA_METHOD_TOTP);
	ck_assert_int_eq(mfa_state_source_success(&st, "-"), MFA_OK);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_int_eq(st.last_success, now + 5);
	ck_assert_int_eq(st.last_method, MFA_METHOD_TOTP);
	ck_assert_int_eq(st.last_failure, now);
	ck_assert_uint_eq(mfa_state_source_find(&st, "-")->failures, 0);
	ck_assert_int_eq(mfa_state_source_find(&st, "-")->last_failure, now);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", now + 5), 0);
	ck_assert_uint_eq(st.nsources, 2);
	ck_assert_int_eq(
	    mfa_state_lock_end(&st, "192.0.2.7", now + 5), now + 900);
	/* A source not listed yet is added with no failures, while there is
	 * room; when the table is full nothing is pushed out for it. */
	ck_assert_int_eq(mfa_state_source_success(&st, "203.0.113.1"), MFA_OK);
	ck_assert_uint_eq(st.nsources, 3);
	ck_assert_uint_eq(
	    mfa_state_source_find(&st, "203.0.113.1")->failures, 0);
	ck_assert_int_eq(
	    mfa_state_source_find(&st, "203.0.113.1")->last_failure, 0);
	st.nsources = MFA_STATE_MAX_SOURCES;
	for (i = 3; i < MFA_STATE_MAX_SOURCES; i++)
		snprintf(st.sources[i].key, sizeof(st.sources[i].key),
		    "10.0.0.%u", i);
	ck_assert_int_eq(mfa_state_source_success(&st, "198.51.100.1"), MFA_OK);
	ck_assert_ptr_null(mfa_state_source_find(&st, "198.51.100.1"));
	ck_assert_uint_eq(st.nsources, MFA_STATE_MAX_SOURCES);
	ck_assert_int_eq(
	    mfa_state_source_success(&st, "Bad Key"), MFA_ERR_INVALID);
	ck_assert_uint_eq(st.nsources, MFA_STATE_MAX_SOURCES);
	/* The admin's unlock forgets everything. */
	mfa_state_unlock(&st);
	ck_assert_uint_eq(st.nsources, 0);
	ck_assert_int_eq(mfa_state_lock_end(&st, "192.0.2.7", now + 5), 0);
}
END_TEST

START_TEST(deny_total_locks_everywhere)
{
	const struct mfa_lockout_policy p = {10, 25, 900};
	struct mfa_state st;
	char key[16];
	unsigned int i;

	mfa_state_init(&st);
	/* 24 failures spread over 6 addresses: no source reaches deny. */
	for (i = 0; i < 24; i++) {
		snprintf(key, sizeof(key), "192.0.2.%u", i % 6);
		mfa_state_record_failure(&st, 100 + i, key, &p);
	}
	ck_assert_int_eq(mfa_state_is_locked(&st, 200), 0);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", 200), 0);
	mfa_state_record_failure(&st, 200, "192.0.2.99", &p);
	ck_assert_uint_eq(st.failures, 25);
	/* The 25th locks the account, everywhere, until an admin unlocks. */
	ck_assert_int_eq(st.locked_until, INT64_MAX);
	ck_assert_int_eq(mfa_state_is_locked(&st, INT64_MAX - 1), 1);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", 10000000), INT64_MAX);
	ck_assert_int_eq(mfa_state_lock_end(&st, "192.0.2.0", 200), INT64_MAX);
	mfa_state_unlock(&st);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", 201), 0);
}
END_TEST

START_TEST(lockout_until_admin_and_limits)
{
	const struct mfa_lockout_policy admin = {1, 100, 0};
	const struct mfa_lockout_policy never = {0, 0, 900};
	const struct mfa_lockout_policy three = {3, 0, 900};
	struct mfa_state st;
	char *text;
	size_t len;
	unsigned int i;

	mfa_state_init(&st);
	mfa_state_record_failure(&st, 100, "-", &admin);
	ck_assert_int_eq(st.sources[0].locked_until, INT64_MAX);
	ck_assert_int_eq(
	    mfa_state_lock_end(&st, "-", INT64_MAX - 1), INT64_MAX);
	/* It survives the file. */
	ck_assert_int_eq(mfa_state_serialize(&st, &text, &len), MFA_OK);
	ck_assert_ptr_nonnull(
	    strstr(text, "\nsource - 1 100 9223372036854775807\n"));
	ck_assert_int_eq(mfa_state_parse(text, len, &st, NULL), MFA_OK);
	mfa_strfree(text);
	ck_assert_int_eq(
	    mfa_state_lock_end(&st, "-", INT64_MAX - 1), INT64_MAX);
	mfa_state_unlock(&st);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", 0), 0);
	/* deny 0 and deny_total 0 never lock. */
	for (i = 0; i < 1000; i++)
		mfa_state_record_failure(&st, 100, "-", &never);
	ck_assert_uint_eq(st.failures, 1000);
	ck_assert_uint_eq(st.sources[0].failures, 1000);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", 100), 0);
	/* No overflow near the end of time; the counters saturate. */
	st.failures = UINT_MAX;
	st.sources[0].failures = UINT_MAX;
	mfa_state_record_failure(&st, INT64_MAX - 10, "-", &three);
	ck_assert_uint_eq(st.failures, UINT_MAX);
	ck_assert_uint_eq(st.sources[0].failures, UINT_MAX);
	ck_assert_int_eq(st.sources[0].locked_until, INT64_MAX);
	/* A key the format cannot hold changes nothing. */
	ck_assert_int_eq(mfa_state_record_failure(&st, 5, "Bad Key", &three),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_state_record_failure(&st, 5, NULL, &three), MFA_ERR_INVALID);
	ck_assert_uint_eq(st.nsources, 1);
}
END_TEST

/* Fill the table with sources "10.0.0.N" holding counts[N] failures. */
static void
fill_table(struct mfa_state *st, const unsigned int *counts, int64_t t0)
{
	char key[16];
	size_t i;
	unsigned int j;

	mfa_state_init(st);
	for (i = 0; i < MFA_STATE_MAX_SOURCES; i++) {
		snprintf(key, sizeof(key), "10.0.0.%zu", i);
		for (j = 0; j < counts[i]; j++)
			mfa_state_record_failure(
			    st, t0 + (int64_t)i, key, &deny10);
	}
	ck_assert_uint_eq(st->nsources, MFA_STATE_MAX_SOURCES);
}

START_TEST(eviction_keeps_the_counts_that_matter)
{
	static const unsigned int counts[MFA_STATE_MAX_SOURCES] = {
	    9, 10, 2, 9, 2, 9, 9, 9};
	struct mfa_state st;
	char key[16];
	unsigned int i;

	fill_table(&st, counts, 1000);
	/* A new source pushes out the fewest failures, the oldest of equals
	 * (10.0.0.2, not 10.0.0.4); nine failures and the lock stay. */
	mfa_state_record_failure(&st, 1500, "203.0.113.5", &deny10);
	ck_assert_ptr_null(mfa_state_source_find(&st, "10.0.0.2"));
	ck_assert_ptr_nonnull(mfa_state_source_find(&st, "10.0.0.4"));
	ck_assert_ptr_nonnull(mfa_state_source_find(&st, "203.0.113.5"));
	ck_assert_uint_eq(st.nsources, MFA_STATE_MAX_SOURCES);
	/* Rotating through many addresses never frees 10.0.0.0's nine, nor
	 * the lock-out of 10.0.0.1: only entries with fewer go. */
	for (i = 0; i < 50; i++) {
		snprintf(key, sizeof(key), "198.51.100.%u", i);
		mfa_state_record_failure(&st, 1600 + i, key, &deny10);
	}
	ck_assert_uint_eq(mfa_state_source_find(&st, "10.0.0.0")->failures, 9);
	ck_assert_int_eq(
	    mfa_state_source_find(&st, "10.0.0.1")->locked_until, 1001 + 900);
	/* ...while the account's limit (100) bounds the rotation. */
	ck_assert_uint_eq(st.failures, 59 + 1 + 50);
	ck_assert_int_eq(st.locked_until, INT64_MAX);
	ck_assert_uint_eq(mfa_state_source_find(&st, "10.0.0.4")->failures, 2);
}
END_TEST

START_TEST(eviction_of_locked_only_when_all_are)
{
	static const unsigned int counts[MFA_STATE_MAX_SOURCES] = {
	    10, 10, 10, 10, 10, 10, 10, 10};
	struct mfa_state st;

	fill_table(&st, counts, 1000);
	/* Every entry is locked: the oldest goes (deny_total bounds the
	 * whole, DESIGN §5). */
	mfa_state_record_failure(&st, 1100, "203.0.113.5", &deny10);
	ck_assert_ptr_null(mfa_state_source_find(&st, "10.0.0.0"));
	ck_assert_ptr_nonnull(mfa_state_source_find(&st, "10.0.0.1"));
	/* A lock-out that has run out counts as no failures. */
	fill_table(&st, counts, 1000);
	st.sources[7].locked_until = 1500;
	mfa_state_record_failure(&st, 1600, "203.0.113.5", &deny10);
	ck_assert_ptr_null(mfa_state_source_find(&st, "10.0.0.7"));
	ck_assert_ptr_nonnull(mfa_state_source_find(&st, "10.0.0.0"));
}
END_TEST

START_TEST(source_keys)
{
	static const struct {
		const char *rhost, *key;
	} cases[] = {
	    {NULL, "-"},
	    {"", "-"},
	    {"192.0.2.7", "192.0.2.7"},
	    {"2001:DB8::1", "2001:db8::1"},
	    {"Host.Example.ORG", "host.example.org"},
	    {"fe80::1%eth0", "fe80::1%eth0"},
	    /* sha256("a b") */
	    {"a b", "#c8687a08aa5d6ed2044328fa6a697ab8"},
	    {"x\033[31m", NULL},
	    {"#0123456789abcdef0123456789abcdef", NULL},
	};
	char key[MFA_STATE_SOURCE_MAX + 1], longer[MFA_STATE_SOURCE_MAX + 2];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(
		    mfa_state_source_key(cases[i].rhost, key), MFA_OK);
		if (cases[i].key != NULL)
			ck_assert_str_eq(key, cases[i].key);
		else
			ck_assert(key[0] == '#' && strlen(key) == 33);
	}
	/* 64 bytes is a name; 65 a digest. */
	memset(longer, 'a', sizeof(longer) - 1);
	longer[MFA_STATE_SOURCE_MAX] = '\0';
	ck_assert_int_eq(mfa_state_source_key(longer, key), MFA_OK);
	ck_assert_str_eq(key, longer);
	longer[MFA_STATE_SOURCE_MAX] = 'a';
	longer[MFA_STATE_SOURCE_MAX + 1] = '\0';
	ck_assert_int_eq(mfa_state_source_key(longer, key), MFA_OK);
	ck_assert_int_eq(key[0], '#');
	ck_assert_int_eq(mfa_state_source_key("x", NULL), MFA_ERR_INVALID);
}
END_TEST

/* A file from before per-source counting: the old lock-out still holds. */
START_TEST(old_file_reads_as_account_lock)
{
	static const char text[] = "pam_mfa-state 1\nserial 7\n"
				   "failures 10\nlocked-until 2000\n"
				   "last-failure 1100\n";
	struct mfa_state st;
	char *out;
	size_t len;

	ck_assert_int_eq(
	    mfa_state_parse(text, sizeof(text) - 1, &st, NULL), MFA_OK);
	ck_assert_uint_eq(st.failures, 10);
	ck_assert_uint_eq(st.nsources, 0);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", 1500), 2000);
	ck_assert_int_eq(mfa_state_lock_end(&st, "192.0.2.7", 1500), 2000);
	/* It ran out: the next failure starts a source, the count goes on. */
	mfa_state_record_failure(&st, 2100, "192.0.2.7", &deny10);
	ck_assert_int_eq(st.locked_until, 0);
	ck_assert_uint_eq(st.failures, 11);
	ck_assert_int_eq(mfa_state_serialize(&st, &out, &len), MFA_OK);
	ck_assert_ptr_nonnull(strstr(out, "\nsource 192.0.2.7 1 2100 0\n"));
	mfa_strfree(out);
}
END_TEST

START_TEST(backup_mask_across_sets)
{
	struct mfa_state st;
	unsigned int slot;

	mfa_state_init(&st);
	ck_assert_int_eq(mfa_state_backup_is_used(&st, set_a, 0), 0);
	ck_assert_uint_eq(mfa_state_backup_used_count(&st, set_a), 0);
	mfa_state_backup_mark_used(&st, set_a, 3);
	mfa_state_backup_mark_used(&st, set_a, 7);
	mfa_state_backup_mark_used(&st, set_a, 7);
	ck_assert_uint_eq(mfa_state_backup_used_count(&st, set_a), 2);
	for (slot = 0; slot < 10; slot++)
		ck_assert_int_eq(mfa_state_backup_is_used(&st, set_a, slot),
		    slot == 3 || slot == 7);
	/* Another set knows nothing of set A's slots. */
	ck_assert_int_eq(mfa_state_backup_is_used(&st, set_b, 3), 0);
	ck_assert_uint_eq(mfa_state_backup_used_count(&st, set_b), 0);
	/* Out of range: reported used, never recorded. */
	ck_assert_int_eq(mfa_state_backup_is_used(&st, set_a, 10), 1);
	ck_assert_int_eq(mfa_state_backup_is_used(&st, set_b, UINT_MAX), 1);
	mfa_state_backup_mark_used(&st, set_a, 10);
	ck_assert_uint_eq(st.backup_used_mask, (1u << 3) | (1u << 7));
	/* A new set replaces the old record. */
	mfa_state_backup_mark_used(&st, set_b, 0);
	ck_assert_mem_eq(st.backup_set, set_b, 8);
	ck_assert_uint_eq(mfa_state_backup_used_count(&st, set_b), 1);
	ck_assert_uint_eq(mfa_state_backup_used_count(&st, set_a), 0);
	ck_assert_int_eq(mfa_state_backup_is_used(&st, set_a, 3), 0);
	ck_assert_int_eq(mfa_state_backup_is_used(&st, set_b, 0), 1);
	for (slot = 0; slot < 10; slot++)
		mfa_state_backup_mark_used(&st, set_b, slot);
	ck_assert_uint_eq(mfa_state_backup_used_count(&st, set_b), 10);
}
END_TEST

START_TEST(prune_drops_expired)
{
	struct mfa_state st;
	const int64_t now = 1764017613;
	size_t i;

	fill_full(&st);
	st.ndevices = 4;
	st.devices[0].expires = now - 1;
	st.devices[1].expires = now + 1;
	st.devices[2].expires = now;
	st.devices[3].expires = now + 100;
	st.pending[0].expires = now;
	st.pending[1].expires = now + 5;
	st.pending[2].expires = 0;
	st.pending[3].expires = now + 6;
	st.otp.expires = now;
	st.nsends = 5;
	st.send_times[0] = now - 3600;
	st.send_times[1] = now - 3599;
	st.send_times[2] = 0;
	st.send_times[3] = now;
	st.send_times[4] = now + 10; /* clock went back: still counts */
	mfa_state_prune(&st, now);
	ck_assert_uint_eq(st.ndevices, 2);
	ck_assert_int_eq(st.devices[0].expires, now + 1);
	ck_assert_int_eq(st.devices[1].expires, now + 100);
	ck_assert_uint_eq(st.devices[1].id[0], 3);
	for (i = 2; i < 4; i++)
		ck_assert_int_eq(st.devices[i].expires, 0); /* wiped */
	ck_assert_uint_eq(st.npending, 2);
	ck_assert_int_eq(st.pending[0].expires, now + 5);
	ck_assert_int_eq(st.pending[1].expires, now + 6);
	ck_assert_int_eq(st.otp.active, 0);
	ck_assert_uint_eq(st.otp.hash[0], 0);
	ck_assert_uint_eq(st.nsends, 3);
	ck_assert_int_eq(st.send_times[0], now - 3599);
	ck_assert_int_eq(st.send_times[1], now);
	ck_assert_int_eq(st.send_times[2], now + 10);
	/* A live code stays; pruning twice changes nothing. */
	fill_full(&st);
	mfa_state_prune(&st, 1764017612);
	ck_assert_int_eq(st.otp.active, 1);
	ck_assert_uint_eq(st.ndevices, MFA_STATE_MAX_DEVICES);
	ck_assert_uint_eq(st.npending, MFA_STATE_MAX_PENDING);
	ck_assert_uint_eq(st.nsends, MFA_STATE_MAX_SENDS);
	/* Far-off times cannot overflow the comparison. */
	mfa_state_prune(&st, INT64_MIN);
	mfa_state_prune(&st, INT64_MAX);
	ck_assert_uint_eq(st.ndevices, 0);
	ck_assert_uint_eq(st.nsends, 0);
}
END_TEST

START_TEST(device_cap_drops_oldest)
{
	struct mfa_state st;
	struct mfa_device d;
	size_t i;

	mfa_state_init(&st);
	for (i = 0; i < MFA_STATE_MAX_DEVICES; i++) {
		fill_device(&d, i);
		/* Oldest is in the middle, not first. */
		d.created = i == 7 ? 5 : 1000 + (int64_t)i;
		ck_assert_int_eq(mfa_state_device_add(&st, &d), MFA_OK);
	}
	ck_assert_uint_eq(st.ndevices, MFA_STATE_MAX_DEVICES);
	fill_device(&d, 50);
	ck_assert_int_eq(mfa_state_device_add(&st, &d), MFA_OK);
	ck_assert_uint_eq(st.ndevices, MFA_STATE_MAX_DEVICES);
	for (i = 0; i < st.ndevices; i++)
		ck_assert_int_ne(st.devices[i].created, 5);
	ck_assert_mem_eq(st.devices[19].id, d.id, sizeof(d.id));
	ck_assert_int_eq(st.devices[6].created, 1006);
	ck_assert_int_eq(st.devices[7].created, 1008); /* order kept */
	/* Equal ages: the first goes. */
	fill_device(&d, 51);
	ck_assert_int_eq(mfa_state_device_add(&st, &d), MFA_OK);
	ck_assert_int_eq(st.devices[0].created, 1001);
	/* Same id: replaced in place, nothing dropped. */
	fill_device(&d, 51);
	d.expires = 42;
	ck_assert_int_eq(mfa_state_device_add(&st, &d), MFA_OK);
	ck_assert_uint_eq(st.ndevices, MFA_STATE_MAX_DEVICES);
	ck_assert_int_eq(st.devices[19].expires, 42);
	ck_assert_int_eq(st.devices[0].created, 1001);
	/* A label the file cannot hold is refused, nothing changes. */
	fill_device(&d, 60);
	strcpy(d.label, "bad\nlabel");
	ck_assert_int_eq(mfa_state_device_add(&st, &d), MFA_ERR_INVALID);
	d.label[3] = ' ';
	d.created = -1;
	ck_assert_int_eq(mfa_state_device_add(&st, &d), MFA_ERR_INVALID);
	ck_assert_int_eq(st.devices[0].created, 1001);
	mfa_state_device_remove_all(&st);
	ck_assert_uint_eq(st.ndevices, 0);
	ck_assert_uint_eq(st.npending, 0);
	ck_assert_uint_eq(st.devices[19].digest[1], 0);
}
END_TEST

START_TEST(method_names)
{
	static const char *const want[] = {
	    "none", "totp", "backup", "email", "sms", "trusted-device"};
	int m;

	for (m = MFA_METHOD_NONE; m <= MFA_METHOD_TRUSTED_DEVICE; m++)
		ck_assert_str_eq(mfa_method_name((enum mfa_method)m), want[m]);
	ck_assert_str_eq(mfa_method_name((enum mfa_method)99), "unknown");
	ck_assert_str_eq(mfa_method_name((enum mfa_method) - 1), "unknown");
}
END_TEST

/* ---- mutation loop ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t
mutate(char *buf, size_t len, size_t cap)
{
	static const char interesting[] = " \n,#0019af-+\0\r\t\x7f\x80\xff";
	size_t pos = len ? (size_t)(rng() % len) : 0;
	size_t n;

	switch (rng() % 7) {
	case 0: /* replace a byte with anything */
		if (len)
			buf[pos] = (char)rng();
		return len;
	case 1: /* replace a byte with a meaningful one */
		if (len)
			buf[pos] =
			    interesting[rng() % (sizeof(interesting) - 1)];
		return len;
	case 2: /* insert */
		if (len + 1 > cap)
			return len;
		memmove(buf + pos + 1, buf + pos, len - pos);
		buf[pos] = interesting[rng() % (sizeof(interesting) - 1)];
		return len + 1;
	case 3: /* delete a run */
		n = (size_t)(rng() % 8) + 1;
		if (pos + n > len)
			n = len - pos;
		memmove(buf + pos, buf + pos + n, len - pos - n);
		return len - n;
	case 4: /* truncate */
		return pos;
	case 5: /* delete the line holding pos (keeps most files valid) */
		while (pos > 0 && buf[pos - 1] != '\n')
			pos--;
		for (n = pos; n < len && buf[n] != '\n'; n++)
			;
		n = n < len ? n + 1 - pos : len - pos;
		memmove(buf + pos, buf + pos + n, len - pos - n);
		return len - n;
	default: /* copy a chunk from elsewhere (duplicates keys) */
		n = (size_t)(rng() % 200);
		if (len + n > cap || n > len)
			return len;
		memmove(buf + pos + n, buf + pos, len - pos);
		memmove(buf + pos, buf + (size_t)(rng() % (len - n + 1)), n);
		return len + n;
	}
}

START_TEST(mutations_never_crash)
{
	struct mfa_state st, back;
	struct mfa_parse_error e;
	char *base, *buf = malloc(2 * MFA_STATE_MAX_SIZE);
	size_t baselen, len;
	unsigned int iter, k, accepted_count = 0;

	ck_assert_ptr_nonnull(buf);
	fill_full(&st);
	ck_assert_int_eq(mfa_state_serialize(&st, &base, &baselen), MFA_OK);
	for (iter = 0; iter < 20000; iter++) {
		char *exact, *t1, *t2;
		size_t l1, l2;
		int rc;

		memcpy(buf, base, baselen);
		len = baselen;
		for (k = (unsigned int)(rng() % 4); k < 4; k++)
			len = mutate(buf, len, 2 * MFA_STATE_MAX_SIZE);
		exact = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(exact);
		memcpy(exact, buf, len);
		rc = mfa_state_parse(exact, len, &st, &e);
		free(exact);
		if (rc != MFA_OK) {
			ck_assert_int_lt(rc, 0);
			ck_assert_uint_gt(strlen(e.msg), 0);
			ck_assert_uint_eq(st.ndevices, 0);
			continue;
		}
		/* Whatever is accepted serialises to a fixed point. */
		accepted_count++;
		ck_assert_int_eq(mfa_state_serialize(&st, &t1, &l1), MFA_OK);
		ck_assert_int_eq(mfa_state_parse(t1, l1, &back, &e), MFA_OK);
		ck_assert_int_eq(mfa_state_serialize(&back, &t2, &l2), MFA_OK);
		ck_assert_str_eq(t1, t2);
		mfa_strfree(t1);
		mfa_strfree(t2);
	}
	/* The loop must exercise both paths to mean anything. */
	ck_assert_uint_gt(accepted_count, 100);
	ck_assert_uint_lt(accepted_count, 20000);
	mfa_strfree(base);
	free(buf);
}
END_TEST

static Suite *
state_suite(void)
{
	Suite *s = suite_create("state");
	TCase *tc = tcase_create("format");
	TCase *th = tcase_create("helpers");
	TCase *tf = tcase_create("mutations");

	tcase_add_test(tc, empty_round_trip);
	tcase_add_test(tc, full_round_trip);
	tcase_add_test(tc, enrol_pending_round_trip);
	tcase_add_test(tc, handover_nonces_round_trip);
	tcase_add_test(tc, enrol_pending_names_and_clear);
	tcase_add_test(tc, known_answer_parse);
	tcase_add_loop_test(
	    tc, accepts_edges, 0, sizeof(accepted) / sizeof(accepted[0]));
	tcase_add_test(tc, parse_honours_len);
	tcase_add_loop_test(tc, rejects_with_line_and_reason, 0,
	    sizeof(rejects) / sizeof(rejects[0]));
	tcase_add_test(tc, failure_leaves_empty_record);
	tcase_add_test(tc, twenty_one_devices_rejected);
	tcase_add_test(tc, size_limits);
	tcase_add_test(tc, serialize_refuses_unstorable);
	tcase_add_test(tc, serialize_omits_empty_fields);
	suite_add_tcase(s, tc);
	tcase_add_test(th, lockout_reaches_deny_exactly);
	tcase_add_test(th, lockout_until_admin_and_limits);
	tcase_add_test(th, success_clears_account_and_its_source);
	tcase_add_test(th, deny_total_locks_everywhere);
	tcase_add_test(th, eviction_keeps_the_counts_that_matter);
	tcase_add_test(th, eviction_of_locked_only_when_all_are);
	tcase_add_test(th, source_keys);
	tcase_add_test(th, old_file_reads_as_account_lock);
	tcase_add_test(th, backup_mask_across_sets);
	tcase_add_test(th, prune_drops_expired);
	tcase_add_test(th, device_cap_drops_oldest);
	tcase_add_test(th, method_names);
	suite_add_tcase(s, th);
	tcase_add_test(tf, mutations_never_crash);
	tcase_set_timeout(tf, 120);
	suite_add_tcase(s, tf);
	return s;
}

int
main(void)
{
	return mfa_test_run(state_suite());
}
