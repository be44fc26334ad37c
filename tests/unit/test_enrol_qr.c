/*
 * test_enrol_qr.c - the pure text transforms of the module's QR code
 * (pam_mfa/enrol_qr.c): colours stripped from a drawing, and its negative
 * for a dark terminal.  Known answers, a round trip over real drawings of
 * common/qrrender, malformed UTF-8 and empty input.
 */
#include <stdlib.h>
#include <string.h>

#include "enrol_qr.h"
#include "error.h"
#include "mem.h"
#include "qrrender.h"
#include "testutil.h"

#define UP "\xe2\x96\x80"
#define LO "\xe2\x96\x84"
#define FU "\xe2\x96\x88"
#define SGR "\x1b[30;107m"
#define RST "\x1b[0m"

struct strip_case {
	const char *in, *want;
};

static const struct strip_case strip_cases[] = {
    {"", ""}, {"plain text", "plain text"},
    {SGR " " UP LO " " RST "\n", " " UP LO " \n"}, {SGR RST SGR, ""},
    {"a\x1b[mb", "ab"}, /* an empty parameter list */
    {"a\x1b[1;2", "a"}, /* unterminated: to the end */
    {"a\x1b"
     "b",
	"a\x1b"
	"b"},                          /* ESC without '[' stays */
    {"\x1b", "\x1b"},                  /* a lone ESC at the end */
    {"\xe2\x96" SGR "x", "\xe2\x96x"}, /* malformed UTF-8 kept as is */
};

START_TEST(strip_known_answers)
{
	const struct strip_case *c = &strip_cases[_i];
	char *buf = strdup(c->in);

	ck_assert_ptr_nonnull(buf);
	mfa_enrol_qr_strip_colours(buf);
	ck_assert_str_eq(buf, c->want);
	free(buf);
}
END_TEST

struct negative_case {
	const char *in, *want;
};

static const struct negative_case negative_cases[] = {
    {"", ""},
    {" ", FU},
    {FU, " "},
    {UP, LO},
    {LO, UP},
    {" " FU UP LO "\n" LO, FU " " LO UP "\n" UP},
    {"x\n", "x\n"},
    /* Truncated or foreign sequences are copied byte for byte. */
    {"\xe2\x96", "\xe2\x96"},
    {"\xe2\x96\x81", "\xe2\x96\x81"},
    {"\xe2"
     " ",
	"\xe2" FU},
    {"\xff\xfe", "\xff\xfe"},
};

START_TEST(negative_known_answers)
{
	const struct negative_case *c = &negative_cases[_i];
	char *out = mfa_enrol_qr_negative(c->in);

	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(out, c->want);
	mfa_strfree(out);
}
END_TEST

/* negative(negative(x)) == x for every case above, inputs and answers. */
START_TEST(negative_round_trip_cases)
{
	const struct negative_case *c = &negative_cases[_i];
	const char *ins[2] = {c->in, c->want};
	int k;

	for (k = 0; k < 2; k++) {
		char *once = mfa_enrol_qr_negative(ins[k]);
		char *twice = mfa_enrol_qr_negative(once);

		ck_assert_ptr_nonnull(twice);
		ck_assert_str_eq(twice, ins[k]);
		mfa_strfree(once);
		mfa_strfree(twice);
	}
}
END_TEST

static int
count_newlines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/*
 * A real drawing of a random matrix, stripped as over SSH: only spaces,
 * blocks and newlines are left, the negative differs from it and has its
 * lines, and the negative of the negative is the drawing.
 */
START_TEST(negative_round_trip_drawings)
{
	static const int widths[] = {1, 2, 21, 25, 57, 177};
	int width = widths[_i], n = width * width, i;
	unsigned char *mods = malloc((size_t)n);
	struct mfa_qr_matrix m = {width, mods};
	char *drawn = NULL, *neg, *back;
	const char *p;

	ck_assert_ptr_nonnull(mods);
	srandom((unsigned int)(width * 7919));
	for (i = 0; i < n; i++)
		mods[i] = (unsigned char)(random() & 1);
	ck_assert_int_eq(mfa_qr_render(&m, MFA_QR_UTF8, &drawn), MFA_OK);
	mfa_enrol_qr_strip_colours(drawn);
	ck_assert_ptr_null(strchr(drawn, '\x1b'));
	for (p = drawn; *p != '\0';)
		if (*p == ' ' || *p == '\n')
			p++;
		else {
			ck_assert_msg(strncmp(p, UP, 3) == 0 ||
				strncmp(p, LO, 3) == 0 ||
				strncmp(p, FU, 3) == 0,
			    "unexpected byte %02x", (unsigned char)*p);
			p += 3;
		}
	neg = mfa_enrol_qr_negative(drawn);
	ck_assert_ptr_nonnull(neg);
	ck_assert_str_ne(neg, drawn);
	ck_assert_int_eq(count_newlines(neg), count_newlines(drawn));
	back = mfa_enrol_qr_negative(neg);
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(back, drawn);
	mfa_strfree(back);
	mfa_strfree(neg);
	mfa_strfree(drawn);
	free(mods);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
enrol_qr_suite(void)
{
	Suite *s = suite_create("enrol_qr");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, strip_known_answers, 0, N(strip_cases));
	tcase_add_loop_test(tc, negative_known_answers, 0, N(negative_cases));
	tcase_add_loop_test(
	    tc, negative_round_trip_cases, 0, N(negative_cases));
	tcase_add_loop_test(tc, negative_round_trip_drawings, 0, 6);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(enrol_qr_suite());
}
