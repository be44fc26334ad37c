/*
 * test_tally.c - the failure tally record: exact bytes of known records,
 * round trips, every refusal with its code and reason (and st untouched),
 * and mfa_tally_only_change over a table of changes to a record.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "state.h"
#include "tally.h"
#include "testutil.h"

#define T0 INT64_C(1764028800)

/* A version 1 record from its three number fields (20, 10, 19 digits). */
#define REC(s, f, t)                                                           \
	"pam_mfa-tally 1 serial " s " failures " f " last-failure " t "\n"
/* A version 2 record: the same, then one pair per source slot. */
#define ZP " 0000000000 0000000000000000000"
#define ZP4 ZP ZP ZP ZP
#define REC2P(s, f, t, pairs)                                                  \
	"pam_mfa-tally 2 serial " s " failures " f " last-failure " t          \
	" sources" pairs "\n"
#define REC2(s, f, t) REC2P(s, f, t, ZP4 ZP4)
#define S42 "00000000000000000042"
#define F3 "0000000003"
#define TT0 "0000000001764028800"
/* A literal and its length, NULs inside included. */
#define BYTES(s) s, sizeof(s) - 1

/* Where the digits of the three numbers are in a record. */
#define SERIAL_AT 23
#define FAILURES_AT 53
#define TIME_AT 77

/* ---- format and round trip ---- */

/* Both versions of a record with these fields. */
#define K(sv, fv, tv, s, f, t)                                                 \
	{                                                                      \
		sv, fv, tv, REC(s, f, t), REC2(s, f, t)                        \
	}

static const struct {
	uint64_t serial;
	unsigned int failures;
	int64_t last;
	const char *text;  /* version 1: still read */
	const char *text2; /* version 2: written */
} known[] = {
    K(0, 0, 0, "00000000000000000000", "0000000000", "0000000000000000000"),
    K(42, 3, T0, S42, F3, TT0),
    K(1, 1, 1, "00000000000000000001", "0000000001", "0000000000000000001"),
    K(12345678901234567890u, 1234567890, 1234567890123456789,
	"12345678901234567890", "1234567890", "1234567890123456789"),
    K(UINT64_MAX, UINT_MAX, INT64_MAX, "18446744073709551615", "4294967295",
	"9223372036854775807"),
};

/* A record whose other fields are set, to see they are left alone. */
static void
busy_state(struct mfa_state *st, uint64_t serial)
{
	mfa_state_init(st);
	st->serial = serial;
	st->enrolled = 1;
	st->enrolled_at = T0 - 1000;
	memset(st->enrolled_id, 0x6f, sizeof(st->enrolled_id));
	st->has_last_step = 1;
	st->totp_last_step = 58800587;
	st->locked_until = T0 + 900;
	st->last_success = T0 - 5000;
	st->last_method = MFA_METHOD_TOTP;
}

START_TEST(layout)
{
	/* The offsets this suite uses, checked against a known record. */
	ck_assert_uint_eq(MFA_TALLY_V1_LEN, 97);
	ck_assert_uint_eq(MFA_TALLY_LEN, 353);
	ck_assert_uint_eq(strlen(known[1].text), MFA_TALLY_V1_LEN);
	ck_assert_uint_eq(strlen(known[1].text2), MFA_TALLY_LEN);
	ck_assert_mem_eq(known[1].text2 + SERIAL_AT, S42, 20);
	ck_assert_mem_eq(known[1].text + SERIAL_AT, S42, 20);
	ck_assert_mem_eq(known[1].text + FAILURES_AT, F3, 10);
	ck_assert_mem_eq(known[1].text + TIME_AT, TT0, 19);
}
END_TEST

START_TEST(format_known)
{
	struct mfa_state st;
	char out[MFA_TALLY_LEN + 1];

	ck_assert_uint_eq(strlen(known[_i].text2), MFA_TALLY_LEN);
	busy_state(&st, known[_i].serial);
	st.failures = known[_i].failures;
	st.last_failure = known[_i].last;
	memset(out, 'x', sizeof(out));
	ck_assert_int_eq(mfa_tally_format(&st, out, sizeof(out)), MFA_OK);
	ck_assert_mem_eq(out, known[_i].text2, MFA_TALLY_LEN);
	ck_assert_int_eq(out[MFA_TALLY_LEN], '\0');
	ck_assert_uint_eq(strlen(out), MFA_TALLY_LEN);
}
END_TEST

START_TEST(apply_known)
{
	struct mfa_state st, want;
	struct mfa_parse_error e;

	busy_state(&st, known[_i].serial);
	busy_state(&want, known[_i].serial);
	want.failures = known[_i].failures;
	want.last_failure = known[_i].last;
	memset(&e, 'x', sizeof(e));
	ck_assert_int_eq(
	    mfa_tally_apply(known[_i].text, MFA_TALLY_V1_LEN, &st, &e), MFA_OK);
	/* Only the two values changed: nothing else of the record. */
	ck_assert_mem_eq(&st, &want, sizeof(st));
	ck_assert_uint_eq(e.line, 1);
	ck_assert_str_eq(e.msg, "");
	busy_state(&st, known[_i].serial);
	ck_assert_int_eq(
	    mfa_tally_apply(known[_i].text, MFA_TALLY_V1_LEN, &st, NULL),
	    MFA_OK);
	ck_assert_mem_eq(&st, &want, sizeof(st));
	/* Version 2 reads the same. */
	busy_state(&st, known[_i].serial);
	ck_assert_int_eq(
	    mfa_tally_apply(known[_i].text2, MFA_TALLY_LEN, &st, &e), MFA_OK);
	ck_assert_mem_eq(&st, &want, sizeof(st));
}
END_TEST

/* A valid record counted on another version of the state record (its
 * serial differs, lower or higher) is stale: accepted, and ignored. */
START_TEST(apply_stale_serial)
{
	static const uint64_t serials[] = {0, 41, 43, 420, UINT64_MAX};
	struct mfa_state st, want;
	struct mfa_parse_error e;
	size_t i;

	for (i = 0; i < sizeof(serials) / sizeof(serials[0]); i++) {
		busy_state(&st, serials[i]);
		busy_state(&want, serials[i]);
		ck_assert_int_eq(
		    mfa_tally_apply(known[1].text, MFA_TALLY_V1_LEN, &st, &e),
		    MFA_OK);
		ck_assert_mem_eq(&st, &want, sizeof(st));
		ck_assert_int_eq(
		    mfa_tally_apply(known[1].text2, MFA_TALLY_LEN, &st, &e),
		    MFA_OK);
		ck_assert_str_eq(e.msg, "");
		ck_assert_mem_eq(&st, &want, sizeof(st));
	}
	/* Stale or not, a damaged record is still refused. */
	busy_state(&st, 7);
	busy_state(&want, 7);
	ck_assert_int_eq(
	    mfa_tally_apply(BYTES(REC(S42, "4294967296", TT0)), &st, &e),
	    MFA_ERR_RANGE);
	ck_assert_str_eq(e.msg, "failures: number out of range");
	ck_assert_mem_eq(&st, &want, sizeof(st));
}
END_TEST

/* format then apply gives the values back, over a range of values. */
START_TEST(round_trip)
{
	static const uint64_t serials[] = {0, 1, 99, UINT64_MAX};
	static const unsigned int fails[] = {
	    0, 1, 9, 10, 99, 65536, UINT_MAX - 1, UINT_MAX};
	static const int64_t times[] = {
	    0, 1, T0, 9999999999, INT64_MAX - 1, INT64_MAX};
	struct mfa_state st, back;
	char out[MFA_TALLY_LEN + 1];
	size_t i, j, k;

	for (k = 0; k < sizeof(serials) / sizeof(serials[0]); k++)
		for (i = 0; i < sizeof(fails) / sizeof(fails[0]); i++)
			for (j = 0; j < sizeof(times) / sizeof(times[0]); j++) {
				mfa_state_init(&st);
				st.serial = serials[k];
				st.failures = fails[i];
				st.last_failure = times[j];
				ck_assert_int_eq(
				    mfa_tally_format(&st, out, sizeof(out)),
				    MFA_OK);
				ck_assert_uint_eq(strlen(out), MFA_TALLY_LEN);
				busy_state(&back, serials[k]);
				ck_assert_int_eq(
				    mfa_tally_apply(
					out, MFA_TALLY_LEN, &back, NULL),
				    MFA_OK);
				ck_assert_uint_eq(back.failures, fails[i]);
				ck_assert_int_eq(back.last_failure, times[j]);
			}
}
END_TEST

START_TEST(format_ignores_other_fields)
{
	struct mfa_state a, b;
	char x[MFA_TALLY_LEN + 1], y[MFA_TALLY_LEN + 1];

	mfa_state_init(&a);
	busy_state(&b, 42);
	a.serial = b.serial;
	b.failures = 0;
	a.failures = b.failures;
	a.last_failure = b.last_failure;
	ck_assert_int_eq(mfa_tally_format(&a, x, sizeof(x)), MFA_OK);
	ck_assert_int_eq(mfa_tally_format(&b, y, sizeof(y)), MFA_OK);
	ck_assert_str_eq(x, y);
	ck_assert_str_eq(x, REC2(S42, "0000000000", "0000000000000000000"));
}
END_TEST

START_TEST(format_refusals)
{
	struct mfa_state st;
	char out[MFA_TALLY_LEN + 16];

	busy_state(&st, 42);
	ck_assert_int_eq(
	    mfa_tally_format(NULL, out, sizeof(out)), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_tally_format(&st, NULL, sizeof(out)), MFA_ERR_INVALID);
	/* Room for the record but not its NUL, or for nothing. */
	ck_assert_int_eq(
	    mfa_tally_format(&st, out, MFA_TALLY_LEN), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_tally_format(&st, out, 1), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_tally_format(&st, out, 0), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_tally_format(&st, out, MFA_TALLY_LEN + 1), MFA_OK);
	/* A negative time has no 19-digit form and no place in a file. */
	st.last_failure = -1;
	ck_assert_int_eq(
	    mfa_tally_format(&st, out, sizeof(out)), MFA_ERR_INVALID);
	st.last_failure = INT64_MIN;
	ck_assert_int_eq(
	    mfa_tally_format(&st, out, sizeof(out)), MFA_ERR_INVALID);
}
END_TEST

/* A record with three sources, as the state file would give it. */
static void
three_sources(struct mfa_state *st)
{
	busy_state(st, 42);
	st->failures = 6;
	st->last_failure = T0;
	st->sources[0].key[0] = '-';
	st->sources[0].failures = 2;
	st->sources[0].last_failure = T0 - 10;
	memcpy(st->sources[1].key, "192.0.2.7", 9);
	st->sources[1].failures = 3;
	st->sources[1].last_failure = T0;
	st->sources[1].locked_until = T0 + 900;
	memcpy(st->sources[2].key, "2001:db8::1", 11);
	st->sources[2].failures = 1;
	st->sources[2].last_failure = T0 - 5;
	st->nsources = 3;
}

#define P(f, t) " " f " " t

START_TEST(format_sources)
{
	struct mfa_state st;
	char out[MFA_TALLY_LEN + 1];

	three_sources(&st);
	ck_assert_int_eq(mfa_tally_format(&st, out, sizeof(out)), MFA_OK);
	ck_assert_str_eq(out,
	    REC2P(S42, "0000000006", TT0,
		P("0000000002", "0000000001764028790")
		    P("0000000003", "0000000001764028800")
			P("0000000001", "0000000001764028795") ZP ZP4));
	/* More sources than the record has room for: refused. */
	st.nsources = MFA_STATE_MAX_SOURCES + 1;
	ck_assert_int_eq(
	    mfa_tally_format(&st, out, sizeof(out)), MFA_ERR_INVALID);
	st.nsources = 1;
	st.sources[0].last_failure = -1;
	ck_assert_int_eq(
	    mfa_tally_format(&st, out, sizeof(out)), MFA_ERR_INVALID);
}
END_TEST

/* Each counter becomes the larger of the record's and the tally's: a
 * tally only adds, so an old one never lowers a count (tally.h). */
START_TEST(apply_sources_only_raises)
{
	static const char rec[] =
	    REC2P(S42, "0000000004", "0000000001764028900",
		P("0000000009", "0000000001764028900")
		    P("0000000001", "0000000001764028700") ZP ZP ZP4);
	struct mfa_state st, want;

	three_sources(&st);
	three_sources(&want);
	want.last_failure = T0 + 100;            /* raised; 4 < 6 stays */
	want.sources[0].failures = 9;            /* raised */
	want.sources[0].last_failure = T0 + 100; /* raised */
	ck_assert_uint_eq(sizeof(rec) - 1, MFA_TALLY_LEN);
	ck_assert_int_eq(mfa_tally_apply(BYTES(rec), &st, NULL), MFA_OK);
	ck_assert_mem_eq(&st, &want, sizeof(st));
	/* A version 1 tally raises the account's counters only. */
	three_sources(&st);
	three_sources(&want);
	want.failures = 7;
	ck_assert_int_eq(
	    mfa_tally_apply(BYTES(REC(S42, "0000000007", TT0)), &st, NULL),
	    MFA_OK);
	ck_assert_mem_eq(&st, &want, sizeof(st));
}
END_TEST

/* ---- apply: no record, NULL arguments, refusals ---- */

START_TEST(apply_empty_leaves_state)
{
	struct mfa_state st, want;
	struct mfa_parse_error e;
	const char *rec = known[1].text;

	busy_state(&st, 42);
	busy_state(&want, 42);
	ck_assert_int_eq(mfa_tally_apply(rec, 0, &st, &e), MFA_OK);
	ck_assert_mem_eq(&st, &want, sizeof(st));
	ck_assert_str_eq(e.msg, "");
	ck_assert_int_eq(mfa_tally_apply(NULL, 0, &st, &e), MFA_OK);
	ck_assert_mem_eq(&st, &want, sizeof(st));
	ck_assert_int_eq(mfa_tally_apply(NULL, 0, &st, NULL), MFA_OK);
	ck_assert_mem_eq(&st, &want, sizeof(st));
}
END_TEST

START_TEST(apply_null_arguments)
{
	struct mfa_state st, want;
	struct mfa_parse_error e;
	const char *rec = known[1].text;

	busy_state(&st, 42);
	busy_state(&want, 42);
	ck_assert_int_eq(
	    mfa_tally_apply(rec, MFA_TALLY_V1_LEN, NULL, &e), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_tally_apply(rec, 0, NULL, &e), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_tally_apply(NULL, MFA_TALLY_LEN, &st, &e), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_tally_apply(NULL, 1, &st, NULL), MFA_ERR_INVALID);
	ck_assert_mem_eq(&st, &want, sizeof(st));
}
END_TEST

static const struct {
	const char *name;
	const char *buf;
	size_t len;
	int rc;
	const char *msg;
} refusals[] = {
    {"96 bytes", BYTES(REC(S42, "000000003", TT0)), MFA_ERR_FORMAT,
	"tally record of 96 bytes, not 353 (or 97, version 1)"},
    {"98 bytes", BYTES(REC(S42, "00000000003", TT0)), MFA_ERR_FORMAT,
	"tally record of 98 bytes, not 353 (or 97, version 1)"},
    {"no final newline, 96 bytes",
	BYTES(
	    "pam_mfa-tally 1 serial " S42 " failures " F3 " last-failure " TT0),
	MFA_ERR_FORMAT, "tally record of 96 bytes, not 353 (or 97, version 1)"},
    {"a record and a newline", BYTES(REC(S42, F3, TT0) "\n"), MFA_ERR_FORMAT,
	"tally record of 98 bytes, not 353 (or 97, version 1)"},
    {"a record and a byte", BYTES(REC(S42, F3, TT0) "x"), MFA_ERR_FORMAT,
	"tally record of 98 bytes, not 353 (or 97, version 1)"},
    {"NUL-padded record", BYTES(REC(S42, F3, TT0) "\0\0\0"), MFA_ERR_FORMAT,
	"tally record of 100 bytes, not 353 (or 97, version 1)"},
    {"one byte", BYTES("\n"), MFA_ERR_FORMAT,
	"tally record of 1 bytes, not 353 (or 97, version 1)"},
    {"two records", BYTES(REC(S42, F3, TT0) REC(S42, F3, TT0)), MFA_ERR_FORMAT,
	"tally record of 194 bytes, not 353 (or 97, version 1)"},
    {"the old record without a serial",
	BYTES("pam_mfa-tally 1 failures " F3 " last-failure " TT0 "\n"),
	MFA_ERR_FORMAT, "tally record of 69 bytes, not 353 (or 97, version 1)"},
    {"97 NULs",
	BYTES("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	      "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	      "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"
	      "\0\0\0\0\0\0\0"),
	MFA_ERR_FORMAT, "not a pam_mfa tally record"},
    {"magic misspelt",
	BYTES("pam_mfa-tallx 1 serial " S42 " failures " F3 " last-failure " TT0
	      "\n"),
	MFA_ERR_FORMAT, "not a pam_mfa tally record"},
    {"magic upper case",
	BYTES("PAM_MFA-TALLY 1 serial " S42 " failures " F3 " last-failure " TT0
	      "\n"),
	MFA_ERR_FORMAT, "not a pam_mfa tally record"},
    {"a state file of the same length",
	BYTES(
	    "pam_mfa-state 1\nfailures 3\n"
	    "last-failure 17640288000000000000000000000000000000000000000000000"
	    "000\n"),
	MFA_ERR_FORMAT, "not a pam_mfa tally record"},
    {"version 2 without its sources",
	BYTES("pam_mfa-tally 2 serial " S42 " failures " F3 " last-failure " TT0
	      "\n"),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"version 3",
	BYTES("pam_mfa-tally 3 serial " S42 " failures " F3 " last-failure " TT0
	      "\n"),
	MFA_ERR_VERSION, "unsupported tally version"},
    {"version 1 with sources",
	BYTES("pam_mfa-tally 1 serial " S42 " failures " F3 " last-failure " TT0
	      " sources" ZP4 ZP4 "\n"),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"version 2, a pair misspelt",
	BYTES(REC2P(
	    S42, F3, TT0, ZP4 ZP ZP ZP " 0000000000/0000000000000000000")),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"version 2, a pair out of range",
	BYTES(REC2P(
	    S42, F3, TT0, ZP4 ZP ZP ZP " 4294967296 0000000000000000000")),
	MFA_ERR_RANGE, "source failures: number out of range"},
    {"version 2, a time not a digit",
	BYTES(REC2P(
	    S42, F3, TT0, ZP4 ZP ZP ZP " 0000000000 000000000000000000x")),
	MFA_ERR_FORMAT, "source last failure: not a decimal number"},
    {"version 2, a count for a source the record lacks",
	BYTES(REC2P(
	    S42, F3, TT0, ZP4 ZP ZP ZP " 0000000001 0000000000000000000")),
	MFA_ERR_FORMAT, "tally counts a source the state record does not have"},
    {"version 0",
	BYTES("pam_mfa-tally 0 serial " S42 " failures " F3 " last-failure " TT0
	      "\n"),
	MFA_ERR_VERSION, "unsupported tally version"},
    {"serial key misspelt",
	BYTES("pam_mfa-tally 1 serjal " S42 " failures " F3 " last-failure " TT0
	      "\n"),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"failures key misspelt",
	BYTES("pam_mfa-tally 1 serial " S42 " failurez " F3 " last-failure " TT0
	      "\n"),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"last-failure key misspelt",
	BYTES("pam_mfa-tally 1 serial " S42 " failures " F3 " last_failure " TT0
	      "\n"),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"two spaces",
	BYTES("pam_mfa-tally 1 serial " S42 " failures " F3
	      "  last-failure 000000001764028800\n"),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"final newline replaced",
	BYTES("pam_mfa-tally 1 serial " S42 " failures " F3 " last-failure " TT0
	      " "),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"CR for the newline",
	BYTES("pam_mfa-tally 1 serial " S42 " failures " F3 " last-failure " TT0
	      "\r"),
	MFA_ERR_FORMAT, "malformed tally record"},
    {"serial not a digit", BYTES(REC("0000000000000000004x", F3, TT0)),
	MFA_ERR_FORMAT, "serial: not a decimal number"},
    {"serial 2^64", BYTES(REC("18446744073709551616", F3, TT0)), MFA_ERR_RANGE,
	"serial: number out of range"},
    {"serial 10^20-1", BYTES(REC("99999999999999999999", F3, TT0)),
	MFA_ERR_RANGE, "serial: number out of range"},
    {"failures not a digit", BYTES(REC(S42, "00000000x3", TT0)), MFA_ERR_FORMAT,
	"failures: not a decimal number"},
    {"failures with a sign", BYTES(REC(S42, "+000000003", TT0)), MFA_ERR_FORMAT,
	"failures: not a decimal number"},
    {"failures with a space", BYTES(REC(S42, " 000000003", TT0)),
	MFA_ERR_FORMAT, "failures: not a decimal number"},
    {"failures in hex", BYTES(REC(S42, "0x00000003", TT0)), MFA_ERR_FORMAT,
	"failures: not a decimal number"},
    {"last-failure not a digit", BYTES(REC(S42, F3, "000000000176402880a")),
	MFA_ERR_FORMAT, "last-failure: not a decimal number"},
    {"last-failure negative", BYTES(REC(S42, F3, "-000000001764028800")),
	MFA_ERR_FORMAT, "last-failure: not a decimal number"},
    {"failures 2^32", BYTES(REC(S42, "4294967296", TT0)), MFA_ERR_RANGE,
	"failures: number out of range"},
    {"failures 9999999999", BYTES(REC(S42, "9999999999", TT0)), MFA_ERR_RANGE,
	"failures: number out of range"},
    {"last-failure 2^63", BYTES(REC(S42, F3, "9223372036854775808")),
	MFA_ERR_RANGE, "last-failure: number out of range"},
    {"last-failure 10^19-1", BYTES(REC(S42, F3, "9999999999999999999")),
	MFA_ERR_RANGE, "last-failure: number out of range"},
    {"NUL in the magic",
	BYTES("pam_mfa\0tally 1 serial " S42 " failures " F3
	      " last-failure " TT0 "\n"),
	MFA_ERR_FORMAT, "not a pam_mfa tally record"},
    /* "\000" is a NUL: an octal escape stops after three digits. */
    {"NUL in serial", BYTES(REC("00000000000000000\00042", F3, TT0)),
	MFA_ERR_FORMAT, "serial: not a decimal number"},
    {"NUL in failures", BYTES(REC(S42, "00000\0000003", TT0)), MFA_ERR_FORMAT,
	"failures: not a decimal number"},
    {"NUL in last-failure", BYTES(REC(S42, F3, "00000000017\0004028800")),
	MFA_ERR_FORMAT, "last-failure: not a decimal number"},
    {"NUL for the newline",
	BYTES("pam_mfa-tally 1 serial " S42 " failures " F3 " last-failure " TT0
	      "\0"),
	MFA_ERR_FORMAT, "malformed tally record"},
};

START_TEST(apply_refusals)
{
	struct mfa_state st, want;
	struct mfa_parse_error e;

	/* The serial matches, so a record that passed would be applied. */
	busy_state(&st, 42);
	busy_state(&want, 42);
	memset(&e, 0, sizeof(e));
	ck_assert_msg(mfa_tally_apply(refusals[_i].buf, refusals[_i].len, &st,
			  &e) == refusals[_i].rc,
	    "%s: wrong result", refusals[_i].name);
	ck_assert_msg(strcmp(e.msg, refusals[_i].msg) == 0,
	    "%s: reason \"%s\", expected \"%s\"", refusals[_i].name, e.msg,
	    refusals[_i].msg);
	ck_assert_uint_eq(e.line, 1);
	/* Not even half a record: failures stays when last-failure is bad. */
	ck_assert_msg(memcmp(&st, &want, sizeof(st)) == 0, "%s: state changed",
	    refusals[_i].name);
	/* The same without a place for the reason. */
	ck_assert_int_eq(
	    mfa_tally_apply(refusals[_i].buf, refusals[_i].len, &st, NULL),
	    refusals[_i].rc);
	ck_assert_mem_eq(&st, &want, sizeof(st));
}
END_TEST

/* The value of the n digits at s. */
static uint64_t
digits_value(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v;
}

static int
in_field(size_t i, size_t at, size_t n)
{
	return i >= at && i < at + n;
}

/* Every single-byte change of a valid record is refused (st untouched),
 * or is a digit changed into another digit: then a changed serial makes
 * the record stale (st untouched) and a changed value is read exactly. */
START_TEST(apply_every_byte_mutation)
{
	char buf[MFA_TALLY_V1_LEN];
	struct mfa_state st, want;
	size_t i;
	int c, rc, accepted = 0;

	for (i = 0; i < MFA_TALLY_V1_LEN; i++) {
		for (c = 0; c < 256; c++) {
			memcpy(buf, known[1].text, MFA_TALLY_V1_LEN);
			if ((unsigned char)buf[i] == c)
				continue;
			buf[i] = (char)c;
			busy_state(&st, 42);
			busy_state(&want, 42);
			rc = mfa_tally_apply(buf, sizeof(buf), &st, NULL);
			if (rc != MFA_OK || in_field(i, SERIAL_AT, 20)) {
				ck_assert_mem_eq(&st, &want, sizeof(st));
				accepted += rc == MFA_OK;
				continue;
			}
			accepted++;
			ck_assert(c >= '0' && c <= '9');
			ck_assert(in_field(i, FAILURES_AT, 10) ||
			    in_field(i, TIME_AT, 19));
			ck_assert_uint_eq(
			    st.failures, digits_value(buf + FAILURES_AT, 10));
			ck_assert_uint_eq((uint64_t)st.last_failure,
			    digits_value(buf + TIME_AT, 19));
		}
	}
	/* 9 other digits in 49 places, less those out of range: the top
	 * digit of the serial may only become 1 (8 refused), that of
	 * failures 1..4 (5 refused). */
	ck_assert_int_eq(accepted, 49 * 9 - 8 - 5);
}
END_TEST

/* ---- mfa_tally_only_change ---- */

static void
base_record(struct mfa_state *st)
{
	size_t i;

	mfa_state_init(st);
	st->serial = 5;
	st->enrolled = 1;
	st->enrolled_at = T0 - 86400;
	for (i = 0; i < sizeof(st->enrolled_id); i++)
		st->enrolled_id[i] = (unsigned char)(0x6f + i);
	st->has_last_step = 1;
	st->totp_last_step = 58800587;
	st->failures = 2;
	st->last_failure = T0 - 50;
	st->last_success = T0 - 5000;
	st->last_method = MFA_METHOD_TOTP;
	/* Two sources: the console with one failure, an address with one. */
	st->sources[0].key[0] = '-';
	st->sources[0].failures = 1;
	st->sources[0].last_failure = T0 - 60;
	memcpy(st->sources[1].key, "192.0.2.7", 9);
	st->sources[1].failures = 1;
	st->sources[1].last_failure = T0 - 50;
	st->nsources = 2;
}

static const struct mfa_lockout_policy deny5 = {5, 100, 900};
static const struct mfa_lockout_policy deny0 = {0, 0, 900};
static const struct mfa_lockout_policy deny2 = {2, 100, 900};
static const struct mfa_lockout_policy total3 = {0, 3, 900};

static void
ch_none(struct mfa_state *st)
{
	(void)st;
}

static void
ch_serial(struct mfa_state *st)
{
	st->serial++;
}

static void
ch_failures_up(struct mfa_state *st)
{
	st->failures++;
}

static void
ch_failures_zero(struct mfa_state *st)
{
	st->failures = 0;
}

static void
ch_last_failure(struct mfa_state *st)
{
	st->last_failure = T0;
}

static void
ch_both_max(struct mfa_state *st)
{
	st->failures = UINT_MAX;
	st->last_failure = INT64_MAX;
}

static void
ch_failure_below_deny(struct mfa_state *st)
{
	mfa_state_record_failure(st, T0, "-", &deny5);
}

static void
ch_failure_no_deny(struct mfa_state *st)
{
	mfa_state_record_failure(st, T0, "192.0.2.7", &deny0);
}

static void
ch_failure_reaches_deny(struct mfa_state *st)
{
	mfa_state_record_failure(st, T0, "-", &deny2);
}

static void
ch_failure_reaches_deny_total(struct mfa_state *st)
{
	mfa_state_record_failure(st, T0, "192.0.2.7", &total3);
}

static void
ch_failure_new_source(struct mfa_state *st)
{
	mfa_state_record_failure(st, T0, "198.51.100.1", &deny5);
}

static void
ch_source_up(struct mfa_state *st)
{
	st->sources[1].failures++;
}

static void
ch_source_time(struct mfa_state *st)
{
	st->sources[0].last_failure = T0;
}

static void
ch_source_locked(struct mfa_state *st)
{
	st->sources[1].locked_until = T0 + 900;
}

static void
ch_source_cleared(struct mfa_state *st)
{
	mfa_state_source_success(st, "-");
}

static void
ch_sources_swapped(struct mfa_state *st)
{
	struct mfa_source tmp = st->sources[0];

	st->sources[0] = st->sources[1];
	st->sources[1] = tmp;
}

static void
ch_locked_until(struct mfa_state *st)
{
	st->locked_until = T0 + 100;
}

static void
ch_device_added(struct mfa_state *st)
{
	struct mfa_device d;

	memset(&d, 0, sizeof(d));
	memset(d.id, 0x11, sizeof(d.id));
	memset(d.digest, 0x22, sizeof(d.digest));
	d.created = T0;
	d.expires = T0 + 86400;
	d.last_used = T0;
	snprintf(d.label, sizeof(d.label), "laptop");
	ck_assert_int_eq(mfa_state_device_add(st, &d), MFA_OK);
}

static void
ch_device_pending(struct mfa_state *st)
{
	memset(st->pending[0].digest, 0x33, sizeof(st->pending[0].digest));
	st->pending[0].created = T0;
	st->pending[0].expires = T0 + 300;
	st->npending = 1;
}

static void
ch_backup_used(struct mfa_state *st)
{
	static const unsigned char set[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	mfa_state_backup_mark_used(st, set, 3);
}

static void
ch_totp_step(struct mfa_state *st)
{
	st->totp_last_step++;
}

static void
ch_no_last_step(struct mfa_state *st)
{
	st->has_last_step = 0;
	st->totp_last_step = 0;
}

static void
ch_last_success(struct mfa_state *st)
{
	mfa_state_record_success(st, T0, MFA_METHOD_EMAIL);
}

static void
ch_last_method(struct mfa_state *st)
{
	st->last_method = MFA_METHOD_BACKUP;
}

static void
ch_otp_pending(struct mfa_state *st)
{
	st->otp.active = 1;
	st->otp.channel = MFA_METHOD_EMAIL;
	st->otp.expires = T0 + 300;
	st->otp.sent_at = T0;
	st->otp.tries_left = 3;
	memset(st->otp.salt, 0x44, sizeof(st->otp.salt));
	memset(st->otp.hash, 0x55, sizeof(st->otp.hash));
}

static void
ch_send_time(struct mfa_state *st)
{
	st->send_times[0] = T0;
	st->nsends = 1;
}

static void
ch_unenrolled(struct mfa_state *st)
{
	st->enrolled = 0;
	st->enrolled_at = 0;
	memset(st->enrolled_id, 0, sizeof(st->enrolled_id));
}

static void
ch_enrol_pending(struct mfa_state *st)
{
	st->has_enrol_pending = 1;
	memset(st->enrol_pending_id, 0x77, sizeof(st->enrol_pending_id));
	st->enrol_pending_at = T0;
	st->enrol_pending_step = 58800600;
}

/* Records the format cannot hold: the durable path must refuse them. */
static void
ch_bad_success_time(struct mfa_state *st)
{
	st->last_success = -1;
}

static void
ch_bad_failure_time(struct mfa_state *st)
{
	st->last_failure = -1;
}

static void
ch_bad_label(struct mfa_state *st)
{
	ch_device_added(st);
	snprintf(st->devices[0].label, sizeof(st->devices[0].label), "a\nb");
}

static void
ch_bad_method(struct mfa_state *st)
{
	st->last_method = MFA_METHOD_NONE;
}

/*
 * only: whether before -> after may be a tally; rev: after -> before (a
 * count that goes down never may: the tally only adds, tally.h).
 */
static const struct {
	const char *name;
	void (*change)(struct mfa_state *);
	int only, rev;
} changes[] = {
    {"identical", ch_none, 1, 1},
    {"failures + 1", ch_failures_up, 1, 0},
    {"failures to 0", ch_failures_zero, 0, 1},
    {"last_failure moved", ch_last_failure, 1, 0},
    {"both at their maximum", ch_both_max, 1, 0},
    {"a failure below deny", ch_failure_below_deny, 1, 0},
    {"a failure without deny", ch_failure_no_deny, 1, 0},
    {"a source's failures + 1", ch_source_up, 1, 0},
    {"a source's last failure moved", ch_source_time, 1, 0},
    {"serial bumped", ch_serial, 0, 0},
    {"a failure reaching deny", ch_failure_reaches_deny, 0, 0},
    {"a failure reaching deny_total", ch_failure_reaches_deny_total, 0, 0},
    {"a failure from a new source", ch_failure_new_source, 0, 0},
    {"a source locked", ch_source_locked, 0, 0},
    {"a source cleared", ch_source_cleared, 0, 1},
    {"sources in another order", ch_sources_swapped, 0, 0},
    {"locked_until set", ch_locked_until, 0, 0},
    {"a device added", ch_device_added, 0, 0},
    {"a device pending", ch_device_pending, 0, 0},
    {"a backup slot used", ch_backup_used, 0, 0},
    {"totp_last_step moved", ch_totp_step, 0, 0},
    {"totp_last_step cleared", ch_no_last_step, 0, 0},
    {"last_success set", ch_last_success, 0, 0},
    {"last_method changed", ch_last_method, 0, 0},
    {"an otp pending", ch_otp_pending, 0, 0},
    {"a send time", ch_send_time, 0, 0},
    {"enrolment cleared", ch_unenrolled, 0, 0},
    {"an enrolment pending", ch_enrol_pending, 0, 0},
    {"negative last_success", ch_bad_success_time, 0, 0},
    {"negative last_failure", ch_bad_failure_time, 0, 0},
    {"unstorable label", ch_bad_label, 0, 0},
    {"method NONE with last_success", ch_bad_method, 0, 0},
};

START_TEST(only_change_table)
{
	struct mfa_state before, after, b0, a0;

	base_record(&before);
	base_record(&after);
	changes[_i].change(&after);
	memcpy(&b0, &before, sizeof(b0));
	memcpy(&a0, &after, sizeof(a0));
	ck_assert_msg(
	    mfa_tally_only_change(&before, &after) == changes[_i].only,
	    "%s: expected %d", changes[_i].name, changes[_i].only);
	ck_assert_msg(mfa_tally_only_change(&after, &before) == changes[_i].rev,
	    "%s reversed: expected %d", changes[_i].name, changes[_i].rev);
	/* Inputs are const in deed too. */
	ck_assert_mem_eq(&before, &b0, sizeof(b0));
	ck_assert_mem_eq(&after, &a0, sizeof(a0));
}
END_TEST

START_TEST(only_change_base_is_storable)
{
	struct mfa_state st;
	char *text = NULL;
	size_t len = 0;

	/* Otherwise every "0" above would prove nothing. */
	base_record(&st);
	ck_assert_int_eq(mfa_state_serialize(&st, &text, &len), MFA_OK);
	mfa_strfree(text);
}
END_TEST

START_TEST(only_change_lock_transitions)
{
	struct mfa_state before, after;

	/* An admin's unlock ends a lock-out: durable. */
	base_record(&before);
	before.locked_until = T0 + 100;
	memcpy(&after, &before, sizeof(after));
	mfa_state_unlock(&after);
	ck_assert_int_eq(mfa_tally_only_change(&before, &after), 0);
	/* Unlocking a record with counts but no lock-out lowers them:
	 * durable too (the tally only adds). */
	base_record(&before);
	memcpy(&after, &before, sizeof(after));
	mfa_state_unlock(&after);
	ck_assert_int_eq(mfa_tally_only_change(&before, &after), 0);
	/* A failure after an expired lock-out restarts the count: durable
	 * (the account's, from before per-source counting, and a source's). */
	before.locked_until = T0 + 100;
	memcpy(&after, &before, sizeof(after));
	mfa_state_record_failure(&after, T0 + 100, "-", &deny5);
	ck_assert_int_eq(after.locked_until, 0);
	ck_assert_int_eq(mfa_tally_only_change(&before, &after), 0);
	base_record(&before);
	before.sources[1].locked_until = T0 + 100;
	memcpy(&after, &before, sizeof(after));
	mfa_state_record_failure(&after, T0 + 100, "192.0.2.7", &deny5);
	ck_assert_int_eq(after.sources[1].locked_until, 0);
	ck_assert_int_eq(mfa_tally_only_change(&before, &after), 0);
	/* A failure while the account is locked (count only): a tally. */
	before.sources[1].locked_until = 0;
	before.locked_until = T0 + 100;
	memcpy(&after, &before, sizeof(after));
	mfa_state_record_failure(&after, T0 + 99, "-", &deny0);
	ck_assert_int_eq(after.locked_until, T0 + 100);
	ck_assert_int_eq(mfa_tally_only_change(&before, &after), 1);
	/* Identical locked records. */
	ck_assert_int_eq(mfa_tally_only_change(&before, &before), 1);
}
END_TEST

START_TEST(only_change_bad_records)
{
	struct mfa_state good, bad;

	base_record(&good);
	memcpy(&bad, &good, sizeof(bad));
	bad.last_success = -5;
	/* Identical but unstorable: no tally may stand in for it. */
	ck_assert_int_eq(mfa_tally_only_change(&bad, &bad), 0);
	memcpy(&bad, &good, sizeof(bad));
	bad.last_failure = -1;
	ck_assert_int_eq(mfa_tally_only_change(&bad, &bad), 0);
	ck_assert_int_eq(mfa_tally_only_change(&bad, &good), 0);
	ck_assert_int_eq(mfa_tally_only_change(&good, &bad), 0);
	ck_assert_int_eq(mfa_tally_only_change(NULL, &good), 0);
	ck_assert_int_eq(mfa_tally_only_change(&good, NULL), 0);
	ck_assert_int_eq(mfa_tally_only_change(NULL, NULL), 0);
}
END_TEST

static Suite *
tally_suite(void)
{
	Suite *s = suite_create("tally");
	TCase *tc = tcase_create("format");
	TCase *ta = tcase_create("apply");
	TCase *to = tcase_create("only_change");

	tcase_add_test(tc, layout);
	tcase_add_loop_test(
	    tc, format_known, 0, (int)(sizeof(known) / sizeof(known[0])));
	tcase_add_loop_test(
	    tc, apply_known, 0, (int)(sizeof(known) / sizeof(known[0])));
	tcase_add_test(tc, apply_stale_serial);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, format_ignores_other_fields);
	tcase_add_test(tc, format_refusals);
	tcase_add_test(tc, format_sources);
	tcase_add_test(tc, apply_sources_only_raises);
	suite_add_tcase(s, tc);
	tcase_add_test(ta, apply_empty_leaves_state);
	tcase_add_test(ta, apply_null_arguments);
	tcase_add_loop_test(ta, apply_refusals, 0,
	    (int)(sizeof(refusals) / sizeof(refusals[0])));
	tcase_add_test(ta, apply_every_byte_mutation);
	suite_add_tcase(s, ta);
	tcase_add_test(to, only_change_base_is_storable);
	tcase_add_loop_test(to, only_change_table, 0,
	    (int)(sizeof(changes) / sizeof(changes[0])));
	tcase_add_test(to, only_change_lock_transitions);
	tcase_add_test(to, only_change_bad_records);
	suite_add_tcase(s, to);
	return s;
}

int
main(void)
{
	return mfa_test_run(tally_suite());
}
