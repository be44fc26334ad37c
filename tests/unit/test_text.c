/*
 * test_text.c - the pieces shared by the line-oriented parsers: line
 * walking, parse errors, canonical decimal numbers and strict hex.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "text.h"
#include "testutil.h"

static const struct {
	const char *in;
	uint64_t max;
	int rc;
	uint64_t value;  /* when rc is MFA_OK */
	const char *why; /* when rc is not MFA_OK */
} uint_cases[] = {
    {"0", 10, MFA_OK, 0, NULL},
    {"7", 10, MFA_OK, 7, NULL},
    {"10", 10, MFA_OK, 10, NULL},
    {"11", 10, MFA_ERR_RANGE, 0, "number out of range"},
    {"9", 8, MFA_ERR_RANGE, 0, "number out of range"},
    {"18446744073709551615", UINT64_MAX, MFA_OK, UINT64_MAX, NULL},
    {"18446744073709551616", UINT64_MAX, MFA_ERR_RANGE, 0,
	"number out of range"},
    {"9223372036854775807", INT64_MAX, MFA_OK, INT64_MAX, NULL},
    {"9223372036854775808", INT64_MAX, MFA_ERR_RANGE, 0, "number out of range"},
    {"", 10, MFA_ERR_FORMAT, 0, "empty number"},
    {"00", 10, MFA_ERR_FORMAT, 0, "leading zero"},
    {"01", 10, MFA_ERR_FORMAT, 0, "leading zero"},
    {"-1", 10, MFA_ERR_FORMAT, 0, "not a decimal number"},
    {"+1", 10, MFA_ERR_FORMAT, 0, "not a decimal number"},
    {" 1", 10, MFA_ERR_FORMAT, 0, "not a decimal number"},
    {"1 ", 10, MFA_ERR_FORMAT, 0, "not a decimal number"},
    {"1a", 10, MFA_ERR_FORMAT, 0, "not a decimal number"},
    {"0x1", 10, MFA_ERR_FORMAT, 0, "leading zero"},
    {"1x0", 10, MFA_ERR_FORMAT, 0, "not a decimal number"},
    /* The spelling is judged before the size. */
    {"99999999999999999999999x", UINT64_MAX, MFA_ERR_FORMAT, 0,
	"not a decimal number"},
};

START_TEST(uint_table)
{
	uint64_t v = 12345;
	const char *why = NULL;
	int rc = mfa_text_uint(uint_cases[_i].in, uint_cases[_i].max, &v, &why);

	ck_assert_msg(rc == uint_cases[_i].rc, "\"%s\": rc %d, want %d",
	    uint_cases[_i].in, rc, uint_cases[_i].rc);
	if (rc == MFA_OK) {
		ck_assert(v == uint_cases[_i].value);
	} else {
		ck_assert(v == 12345); /* untouched on failure */
		ck_assert_str_eq(why, uint_cases[_i].why);
	}
}
END_TEST

START_TEST(uint_why_may_be_null)
{
	uint64_t v = 0;

	ck_assert_int_eq(mfa_text_uint("x", 10, &v, NULL), MFA_ERR_FORMAT);
	ck_assert_int_eq(mfa_text_uint("11", 10, &v, NULL), MFA_ERR_RANGE);
}
END_TEST

START_TEST(hex_round_trip)
{
	const unsigned char in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
	unsigned char out[sizeof(in)];
	char hex[2 * sizeof(in) + 1];

	memset(hex, 'x', sizeof(hex));
	mfa_text_hex_encode(in, sizeof(in), hex);
	ck_assert_str_eq(hex, "00017f80abff");
	ck_assert_int_eq(mfa_text_hex_decode(hex, out, sizeof(out)), MFA_OK);
	ck_assert_mem_eq(out, in, sizeof(in));
	mfa_text_hex_encode(in, 0, hex);
	ck_assert_str_eq(hex, "");
}
END_TEST

START_TEST(hex_decode_is_strict)
{
	static const char *const bad[] = {
	    "",           /* too short */
	    "0011223",    /* too short by one */
	    "001122334",  /* too long by one */
	    "0011223344", /* too long */
	    "00112G33",   /* not hex */
	    "00112A33",   /* upper case: one spelling per value */
	    "0011 233",   /* a space */
	    "-0112233",   /* a sign */
	};
	unsigned char out[4];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(mfa_text_hex_decode(bad[i], out, sizeof(out)) ==
			MFA_ERR_FORMAT,
		    "accepted \"%s\"", bad[i]);
	ck_assert_int_eq(mfa_text_hex_decode("00112a33", out, 4), MFA_OK);
	ck_assert_uint_eq(out[2], 0x2a);
}
END_TEST

START_TEST(lines_walk)
{
	const char buf[] = "one\n\ntwo words\nlast";
	struct mfa_text t;
	const char *s = NULL;
	size_t n = 0;
	int term = -1;

	mfa_text_init(&t, buf, sizeof(buf) - 1, NULL);
	ck_assert_uint_eq(t.line, 0);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 1);
	ck_assert_uint_eq(t.line, 1);
	ck_assert(n == 3 && memcmp(s, "one", 3) == 0 && term == 1);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 1);
	ck_assert(n == 0 && term == 1);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 1);
	ck_assert(n == 9 && memcmp(s, "two words", 9) == 0 && term == 1);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 1);
	ck_assert(n == 4 && memcmp(s, "last", 4) == 0 && term == 0);
	ck_assert_uint_eq(t.line, 4);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 0);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 0);
	ck_assert_uint_eq(t.line, 4);
}
END_TEST

START_TEST(lines_never_read_past_len)
{
	/* The bytes after len hold a '\n' that must not be seen. */
	const char buf[] = "abc\ndef\nghi";
	struct mfa_text t;
	const char *s;
	size_t n;
	int term;

	mfa_text_init(&t, buf, 6, NULL);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 1);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 1);
	ck_assert(n == 2 && memcmp(s, "de", 2) == 0 && term == 0);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 0);
	mfa_text_init(&t, NULL, 5, NULL);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 0);
	mfa_text_init(&t, "", 0, NULL);
	ck_assert_int_eq(mfa_text_next_line(&t, &s, &n, &term), 0);
}
END_TEST

START_TEST(fail_records_line_and_reason)
{
	struct mfa_parse_error err = {99, "old"};
	struct mfa_text t;
	const char *s;
	size_t n;
	int term;
	char longmsg[400];

	mfa_text_init(&t, "a\nb\n", 4, &err);
	ck_assert_uint_eq(err.line, 99); /* init does not clear err */
	mfa_text_next_line(&t, &s, &n, &term);
	mfa_text_next_line(&t, &s, &n, &term);
	ck_assert_int_eq(
	    mfa_text_fail(&t, MFA_ERR_FORMAT, "bad %s %d", "key", 7),
	    MFA_ERR_FORMAT);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_str_eq(err.msg, "bad key 7");
	/* Too long a reason is cut, still NUL-terminated. */
	memset(longmsg, 'm', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = '\0';
	t.line = 0;
	ck_assert_int_eq(
	    mfa_text_fail(&t, MFA_ERR_TOOBIG, "%s", longmsg), MFA_ERR_TOOBIG);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_uint_eq(strlen(err.msg), sizeof(err.msg) - 1);
	/* Without err, only the code comes back. */
	t.err = NULL;
	ck_assert_int_eq(mfa_text_fail(&t, MFA_ERR_RANGE, "x"), MFA_ERR_RANGE);
}
END_TEST

START_TEST(why_tolerates_no_buffer)
{
	char why[8] = "unset";

	mfa_text_why(NULL, 0, "ignored %d", 1);
	mfa_text_why(why, 0, "ignored");
	ck_assert_str_eq(why, "unset");
	mfa_text_why(why, sizeof(why), "%s %d", "reason", 12345);
	ck_assert_str_eq(why, "reason "); /* cut to fit */
}
END_TEST

START_TEST(printf_stops_at_capacity)
{
	char buf[8];
	struct mfa_text_out o = {buf, 0, sizeof(buf), 0};

	mfa_text_printf(&o, "%s", "abc");
	mfa_text_printf(&o, "%d", 1234); /* exactly fills: 7 + NUL */
	ck_assert_int_eq(o.rc, 0);
	ck_assert_uint_eq(o.len, 7);
	ck_assert_str_eq(buf, "abc1234");
	mfa_text_printf(&o, "x");
	ck_assert_int_eq(o.rc, MFA_ERR_TOOBIG);
	ck_assert_str_eq(buf, "abc1234");
	o.len = 3;
	o.buf[3] = '\0';
	mfa_text_printf(&o, "y"); /* after a failure: nothing */
	ck_assert_str_eq(buf, "abc");
	ck_assert_uint_eq(o.len, 3);
}
END_TEST

START_TEST(printf_keeps_text_before_overflow)
{
	char buf[6];
	struct mfa_text_out o = {buf, 0, sizeof(buf), 0};

	mfa_text_printf(&o, "ab");
	mfa_text_printf(&o, "cdefgh");
	ck_assert_int_eq(o.rc, MFA_ERR_TOOBIG);
	ck_assert_uint_eq(o.len, 2);
	ck_assert_str_eq(buf, "ab");
}
END_TEST

/* A format for the walker's tests: lines of at most 3 bytes, no 'X'. */
struct walk_rec {
	struct mfa_text t;
	char seen[64]; /* the lines given to the line callback, "|"-joined */
	int stop_at;   /* the line callback fails on this line (0: never) */
};

static int
walk_check_x(void *ctx, const char *s, size_t n)
{
	struct walk_rec *w = ctx;

	if (memchr(s, 'X', n) != NULL)
		return mfa_text_fail(&w->t, MFA_ERR_FORMAT, "an X");
	return MFA_OK;
}

static int
walk_record(void *ctx, const char *s, size_t n)
{
	struct walk_rec *w = ctx;
	size_t l = strlen(w->seen);

	if ((int)w->t.line == w->stop_at)
		return mfa_text_fail(&w->t, MFA_ERR_UNKNOWN_KEY, "stop");
	snprintf(w->seen + l, sizeof(w->seen) - l, "%.*s|", (int)n, s);
	return MFA_OK;
}

static const struct {
	const char *in;
	int newline_first, stop_at;
	int rc;
	unsigned int line;
	const char *msg, *seen;
} walk_cases[] = {
    {"a\n\nbbb\n", 0, 0, MFA_OK, 3, "", "a||bbb|"},
    {"", 1, 0, MFA_OK, 0, "", ""},
    {"a\nbbbb\nc\n", 0, 0, MFA_ERR_TOOBIG, 2, "line longer than 3 bytes", "a|"},
    {"a\nbX\n", 1, 0, MFA_ERR_FORMAT, 2, "an X", "a|"},
    /* The last line: which is named first, the newline or the bytes. */
    {"a\nbX", 1, 0, MFA_ERR_FORMAT, 2, "no newline", "a|"},
    {"a\nbX", 0, 0, MFA_ERR_FORMAT, 2, "an X", "a|"},
    {"a\nbbbb", 1, 0, MFA_ERR_FORMAT, 2, "no newline", "a|"},
    {"a\nbbbb", 0, 0, MFA_ERR_TOOBIG, 2, "line longer than 3 bytes", "a|"},
    {"a\nb", 0, 0, MFA_ERR_FORMAT, 2, "no newline", "a|"},
    /* The line callback's error stops the walk, its line kept. */
    {"a\nb\nc\n", 0, 2, MFA_ERR_UNKNOWN_KEY, 2, "stop", "a|"},
};

START_TEST(walk_table)
{
	struct mfa_text_rules rules = {3, "no newline",
	    walk_cases[_i].newline_first, walk_check_x, walk_record};
	struct mfa_parse_error err = {0, ""};
	struct walk_rec w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.stop_at = walk_cases[_i].stop_at;
	mfa_text_init(&w.t, walk_cases[_i].in, strlen(walk_cases[_i].in), &err);
	rc = mfa_text_walk(&w.t, &rules, &w);
	ck_assert_msg(rc == walk_cases[_i].rc, "case %d: rc %d", _i, rc);
	ck_assert_uint_eq(w.t.line, walk_cases[_i].line);
	ck_assert_str_eq(err.msg, walk_cases[_i].msg);
	if (rc != MFA_OK)
		ck_assert_uint_eq(err.line, walk_cases[_i].line);
	ck_assert_str_eq(w.seen, walk_cases[_i].seen);
}
END_TEST

/* No check, no length limit: every line reaches the line callback. */
START_TEST(walk_without_limits)
{
	struct mfa_text_rules rules = {0, "no newline", 1, NULL, walk_record};
	struct walk_rec w;

	memset(&w, 0, sizeof(w));
	mfa_text_init(&w.t, "abcdefX\n", 8, NULL);
	ck_assert_int_eq(mfa_text_walk(&w.t, &rules, &w), MFA_OK);
	ck_assert_str_eq(w.seen, "abcdefX|");
}
END_TEST

/* Control bytes, in the words of the format; the first one counts. */
START_TEST(control_bytes_named)
{
	static const struct mfa_text_byte_words words = {
	    "NUL!", "CR!", "ctl <", ">"};
	static const struct {
		const char *s;
		size_t n;
		const char *msg;
	} cases[] = {
	    {"plain text ~", 12, ""}, {"a\0b", 3, "NUL!"}, {"a\rb\0", 4, "CR!"},
	    {"a\tb", 3, "ctl <0x09>"}, {"\x7f", 1, "ctl <0x7f>"},
	    {"\x1b[31m\r", 6, "ctl <0x1b>"},
	    {"caf\xc3\xa9", 5, ""}, /* bytes >= 0x80 are not controls */
	};
	struct mfa_parse_error err;
	struct mfa_text t;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		mfa_text_init(&t, cases[i].s, cases[i].n, &err);
		rc =
		    mfa_text_check_controls(&t, cases[i].s, cases[i].n, &words);
		ck_assert_int_eq(
		    rc, cases[i].msg[0] != '\0' ? MFA_ERR_FORMAT : MFA_OK);
		ck_assert_str_eq(err.msg, cases[i].msg);
	}
}
END_TEST

START_TEST(fail_at_names_another_line)
{
	struct mfa_parse_error err = {0, ""};
	struct mfa_text t;

	mfa_text_init(&t, "a\n", 2, &err);
	ck_assert_int_eq(mfa_text_fail_at(&t, 7, MFA_ERR_FORMAT, "at %d", 7),
	    MFA_ERR_FORMAT);
	ck_assert_uint_eq(err.line, 7);
	ck_assert_uint_eq(t.line, 7);
	ck_assert_str_eq(err.msg, "at 7");
	ck_assert_int_eq(
	    mfa_text_fail_at(&t, 0, MFA_ERR_NOENT, "whole"), MFA_ERR_NOENT);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_str_eq(err.msg, "whole");
	mfa_text_init(&t, "a\n", 2, NULL); /* no err: only the code */
	ck_assert_int_eq(
	    mfa_text_fail_at(&t, 3, MFA_ERR_FORMAT, "x"), MFA_ERR_FORMAT);
}
END_TEST

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_loop_test(
	    tc, uint_table, 0, sizeof(uint_cases) / sizeof(uint_cases[0]));
	tcase_add_test(tc, uint_why_may_be_null);
	tcase_add_test(tc, hex_round_trip);
	tcase_add_test(tc, hex_decode_is_strict);
	tcase_add_test(tc, lines_walk);
	tcase_add_test(tc, lines_never_read_past_len);
	tcase_add_test(tc, fail_records_line_and_reason);
	tcase_add_test(tc, why_tolerates_no_buffer);
	tcase_add_test(tc, printf_stops_at_capacity);
	tcase_add_test(tc, printf_keeps_text_before_overflow);
	tcase_add_loop_test(
	    tc, walk_table, 0, sizeof(walk_cases) / sizeof(walk_cases[0]));
	tcase_add_test(tc, walk_without_limits);
	tcase_add_test(tc, fail_at_names_another_line);
	tcase_add_test(tc, control_bytes_named);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(text_suite());
}
