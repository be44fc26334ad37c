/*
 * test_qrrender.c - terminal drawings of QR module matrices: exact bytes
 * for small hand-made matrices, sizes, the quiet zone, and a decoder that
 * reads the drawing back into modules for larger random matrices.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "qrrender.h"
#include "testutil.h"

#define U_SGR "\x1b[30;107m"
#define RST "\x1b[0m\n"
#define UP "\xe2\x96\x80"
#define LO "\xe2\x96\x84"
#define FU "\xe2\x96\x88"
#define SP4 "    "
#define SP11 SP4 SP4 "   "
#define U_BLANK U_SGR SP11 RST
#define BK "\x1b[40m"
#define WH "\x1b[47m"
#define SP8 SP4 SP4
#define SP22 SP8 SP8 "      "
#define A_BLANK WH SP22 RST

static const unsigned char checker[9] = {1, 0, 1, 0, 1, 0, 1, 0, 1};
/* Not symmetric under transposition or mirroring: catches x/y mix-ups. */
static const unsigned char ell[9] = {1, 1, 1, 1, 0, 0, 0, 0, 1};

struct exact_case {
	const unsigned char *modules;
	enum mfa_qr_style style;
	const char *want;
};

static const struct exact_case exact_cases[] = {
    {checker, MFA_QR_UTF8,
	U_BLANK U_BLANK U_SGR SP4 UP LO UP SP4 RST U_SGR SP4 UP
	" " UP SP4 RST U_BLANK U_BLANK},
    {ell, MFA_QR_UTF8,
	U_BLANK U_BLANK U_SGR SP4 FU UP UP SP4 RST U_SGR SP4
	"  " UP SP4 RST U_BLANK U_BLANK},
    {checker, MFA_QR_ANSI,
	A_BLANK A_BLANK A_BLANK A_BLANK WH SP8 BK
	"  " WH "  " BK "  " WH SP8 RST WH SP8 "  " BK "  " WH
	"  " SP8 RST WH SP8 BK "  " WH "  " BK
	"  " WH SP8 RST A_BLANK A_BLANK A_BLANK A_BLANK},
    {ell, MFA_QR_ANSI,
	A_BLANK A_BLANK A_BLANK A_BLANK WH SP8 BK
	"      " WH SP8 RST WH SP8 BK "  " WH "    " SP8 RST WH SP8 "    " BK
	"  " WH SP8 RST A_BLANK A_BLANK A_BLANK A_BLANK},
};

START_TEST(exact_bytes)
{
	const struct exact_case *c = &exact_cases[_i];
	struct mfa_qr_matrix m = {3, c->modules};
	char *out = NULL;

	ck_assert_int_eq(mfa_qr_render(&m, c->style, &out), MFA_OK);
	ck_assert_str_eq(out, c->want);
	free(out);
}
END_TEST

START_TEST(high_bits_ignored)
{
	/* libqrencode keeps flags in the upper bits; only bit 0 counts. */
	static const unsigned char noisy[9] = {
	    0x81, 0xc0, 0x03, 0xfe, 0x85, 0x02, 0xc1, 0x80, 0xff};
	struct mfa_qr_matrix a = {3, checker}, b = {3, noisy};
	char *want = NULL, *got = NULL;

	ck_assert_int_eq(mfa_qr_render(&a, MFA_QR_UTF8, &want), MFA_OK);
	ck_assert_int_eq(mfa_qr_render(&b, MFA_QR_UTF8, &got), MFA_OK);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
}
END_TEST

struct size_case {
	int width;
	int utf8_cols, utf8_lines, ansi_cols, ansi_lines;
};

static const struct size_case size_cases[] = {
    {1, 9, 5, 18, 9},
    {21, 29, 15, 58, 29},
    {33, 41, 21, 82, 41},
    {49, 57, 29, 114, 57},
    {177, 185, 93, 370, 185},
    {0, MFA_ERR_INVALID, MFA_ERR_INVALID, MFA_ERR_INVALID, MFA_ERR_INVALID},
    {-1, MFA_ERR_INVALID, MFA_ERR_INVALID, MFA_ERR_INVALID, MFA_ERR_INVALID},
    {178, MFA_ERR_INVALID, MFA_ERR_INVALID, MFA_ERR_INVALID, MFA_ERR_INVALID},
};

START_TEST(sizes)
{
	const struct size_case *c = &size_cases[_i];

	ck_assert_int_eq(
	    mfa_qr_render_columns(c->width, MFA_QR_UTF8), c->utf8_cols);
	ck_assert_int_eq(
	    mfa_qr_render_lines(c->width, MFA_QR_UTF8), c->utf8_lines);
	ck_assert_int_eq(
	    mfa_qr_render_columns(c->width, MFA_QR_ANSI), c->ansi_cols);
	ck_assert_int_eq(
	    mfa_qr_render_lines(c->width, MFA_QR_ANSI), c->ansi_lines);
}
END_TEST

START_TEST(rejects)
{
	static const unsigned char one[1] = {1};
	struct mfa_qr_matrix m = {1, one};
	char *out = (char *)"untouched";

	ck_assert_int_eq(
	    mfa_qr_render(NULL, MFA_QR_UTF8, &out), MFA_ERR_INVALID);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(mfa_qr_render(&m, MFA_QR_UTF8, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_qr_render(&m, (enum mfa_qr_style)7, &out), MFA_ERR_INVALID);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(
	    mfa_qr_render_columns(21, (enum mfa_qr_style)7), MFA_ERR_INVALID);
	m.modules = NULL;
	ck_assert_int_eq(mfa_qr_render(&m, MFA_QR_ANSI, &out), MFA_ERR_INVALID);
	m.modules = one;
	m.width = 0;
	ck_assert_int_eq(mfa_qr_render(&m, MFA_QR_ANSI, &out), MFA_ERR_INVALID);
	m.width = MFA_QR_MAX_WIDTH + 1;
	ck_assert_int_eq(mfa_qr_render(&m, MFA_QR_UTF8, &out), MFA_ERR_INVALID);
	ck_assert_ptr_null(out);
}
END_TEST

/*
 * Read a UTF8 drawing back: grid[y * size + x] = 1 for dark, where size is
 * the drawn width.  Fails the test on any byte the renderer must not emit.
 * Returns the number of module rows decoded (two per line).
 */
static int
decode_utf8(const char *s, unsigned char *grid, int size)
{
	int x, y = 0;

	while (*s != '\0') {
		ck_assert_int_lt(y, size);
		ck_assert_msg(strncmp(s, U_SGR, strlen(U_SGR)) == 0,
		    "line %d does not set its colours", y / 2);
		s += strlen(U_SGR);
		for (x = 0; strncmp(s, RST, strlen(RST)) != 0; x++) {
			int top, bot;

			ck_assert_int_lt(x, size);
			if (*s == ' ') {
				top = bot = 0, s++;
			} else if (strncmp(s, UP, 3) == 0) {
				top = 1, bot = 0, s += 3;
			} else if (strncmp(s, LO, 3) == 0) {
				top = 0, bot = 1, s += 3;
			} else {
				ck_assert_msg(strncmp(s, FU, 3) == 0,
				    "unexpected byte 0x%02x",
				    (unsigned char)*s);
				top = bot = 1, s += 3;
			}
			grid[y * size + x] = (unsigned char)top;
			if (y + 1 < size)
				grid[(y + 1) * size + x] = (unsigned char)bot;
			else
				ck_assert_int_eq(bot, 0);
		}
		ck_assert_int_eq(x, size);
		s += strlen(RST);
		y += 2;
	}
	return y > size ? size : y;
}

/* The same for an ANSI drawing, one module row per line. */
static int
decode_ansi(const char *s, unsigned char *grid, int size)
{
	int x, y, colour;

	for (y = 0; *s != '\0'; y++) {
		ck_assert_int_lt(y, size);
		colour = -1;
		for (x = 0; strncmp(s, RST, strlen(RST)) != 0;) {
			if (strncmp(s, BK, strlen(BK)) == 0) {
				colour = 1, s += strlen(BK);
			} else if (strncmp(s, WH, strlen(WH)) == 0) {
				colour = 0, s += strlen(WH);
			} else {
				ck_assert_msg(strncmp(s, "  ", 2) == 0,
				    "unexpected byte 0x%02x",
				    (unsigned char)*s);
				ck_assert_msg(colour >= 0,
				    "line %d draws before setting a colour", y);
				ck_assert_int_lt(x, size);
				grid[y * size + x++] = (unsigned char)colour;
				s += 2;
			}
		}
		ck_assert_int_eq(x, size);
		s += strlen(RST);
	}
	return y;
}

/* Widths 1..177 in a few steps, odd and even, random content. */
static const int round_trip_widths[] = {1, 2, 3, 4, 17, 21, 25, 33, 100, 177};

START_TEST(round_trip)
{
	int w = round_trip_widths[_i / 2], size = w + 2 * MFA_QR_QUIET;
	enum mfa_qr_style style = _i % 2 ? MFA_QR_ANSI : MFA_QR_UTF8;
	unsigned char *mods = malloc((size_t)(w * w));
	unsigned char *grid = malloc((size_t)(size * size));
	struct mfa_qr_matrix m = {w, mods};
	char *out = NULL;
	int x, y, rows, want, lines = 0;
	const char *p;

	ck_assert_ptr_nonnull(mods);
	ck_assert_ptr_nonnull(grid);
	srand((unsigned)(w * 7 + 1));
	for (x = 0; x < w * w; x++)
		mods[x] = (unsigned char)(rand() & 0xff);
	memset(grid, 0xaa, (size_t)(size * size));
	ck_assert_int_eq(mfa_qr_render(&m, style, &out), MFA_OK);
	for (p = out; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	ck_assert_int_eq(lines, mfa_qr_render_lines(w, style));
	rows = style == MFA_QR_UTF8 ? decode_utf8(out, grid, size)
				    : decode_ansi(out, grid, size);
	ck_assert_int_eq(rows, size);
	for (y = 0; y < size; y++) {
		for (x = 0; x < size; x++) {
			/* The quiet zone: MFA_QR_QUIET light modules. */
			int in = x >= MFA_QR_QUIET && x < w + MFA_QR_QUIET &&
			    y >= MFA_QR_QUIET && y < w + MFA_QR_QUIET;

			want = in
			    ? mods[(y - MFA_QR_QUIET) * w + x - MFA_QR_QUIET] &
				1
			    : 0;
			ck_assert_msg(grid[y * size + x] == want,
			    "width %d style %d module (%d,%d)", w, (int)style,
			    x, y);
		}
	}
	free(out);
	free(mods);
	free(grid);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
qrrender_suite(void)
{
	Suite *s = suite_create("qrrender");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, exact_bytes, 0, N(exact_cases));
	tcase_add_test(tc, high_bits_ignored);
	tcase_add_loop_test(tc, sizes, 0, N(size_cases));
	tcase_add_test(tc, rejects);
	tcase_add_loop_test(tc, round_trip, 0, 2 * N(round_trip_widths));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(qrrender_suite());
}
