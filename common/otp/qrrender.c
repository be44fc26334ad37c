/*
 * qrrender.c - draw a QR code's modules as terminal text.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "qrrender.h"

/*
 * Black on bright white.  Bright white (107) is near #ffffff in nearly every
 * palette, where plain white (47) is often a mid grey; the scanner needs
 * the contrast.  Black (30) is the darkest colour of dark and light themes.
 */
#define SGR_UTF8_LINE "\x1b[30;107m"
#define SGR_DARK_BG "\x1b[40m"
#define SGR_LIGHT_BG "\x1b[47m"
#define SGR_RESET_EOL "\x1b[0m\n"

/* UTF-8 of the half blocks; the foreground (black) paints dark modules. */
#define UPPER_HALF "\xe2\x96\x80" /* U+2580: top dark */
#define LOWER_HALF "\xe2\x96\x84" /* U+2584: bottom dark */
#define FULL_BLOCK "\xe2\x96\x88" /* U+2588: both dark */

struct text_out {
	char *p;
	size_t len;
};

static void
put(struct text_out *t, const char *s)
{
	size_t n = strlen(s);

	memcpy(t->p + t->len, s, n);
	t->len += n;
}

/* Module (x, y) of the drawing, quiet zone included: 1 when dark. */
static int
dark(const struct mfa_qr_matrix *m, int x, int y)
{
	x -= MFA_QR_QUIET;
	y -= MFA_QR_QUIET;
	if (x < 0 || y < 0 || x >= m->width || y >= m->width)
		return 0;
	return m->modules[(size_t)y * (size_t)m->width + (size_t)x] & 1;
}

/* Two module rows per line; a last odd row gets a light lower half. */
static void
draw_utf8(const struct mfa_qr_matrix *m, struct text_out *t)
{
	static const char *const cell[4] = {
	    " ", LOWER_HALF, UPPER_HALF, FULL_BLOCK};
	int size = m->width + 2 * MFA_QR_QUIET;
	int x, y;

	for (y = 0; y < size; y += 2) {
		put(t, SGR_UTF8_LINE);
		for (x = 0; x < size; x++)
			put(t, cell[dark(m, x, y) << 1 | dark(m, x, y + 1)]);
		put(t, SGR_RESET_EOL);
	}
}

/* One module row per line, the colour set only where it changes. */
static void
draw_ansi(const struct mfa_qr_matrix *m, struct text_out *t)
{
	int size = m->width + 2 * MFA_QR_QUIET;
	int x, y, d, prev;

	for (y = 0; y < size; y++) {
		prev = -1;
		for (x = 0; x < size; x++) {
			d = dark(m, x, y);
			if (d != prev)
				put(t, d ? SGR_DARK_BG : SGR_LIGHT_BG);
			put(t, "  ");
			prev = d;
		}
		put(t, SGR_RESET_EOL);
	}
}

static int
valid_width(int width)
{
	return width >= 1 && width <= MFA_QR_MAX_WIDTH;
}

int
mfa_qr_render_columns(int width, enum mfa_qr_style style)
{
	if (!valid_width(width))
		return MFA_ERR_INVALID;
	switch (style) {
	case MFA_QR_UTF8:
		return width + 2 * MFA_QR_QUIET;
	case MFA_QR_ANSI:
		return 2 * (width + 2 * MFA_QR_QUIET);
	}
	return MFA_ERR_INVALID;
}

int
mfa_qr_render_lines(int width, enum mfa_qr_style style)
{
	if (!valid_width(width))
		return MFA_ERR_INVALID;
	switch (style) {
	case MFA_QR_UTF8:
		return (width + 2 * MFA_QR_QUIET + 1) / 2;
	case MFA_QR_ANSI:
		return width + 2 * MFA_QR_QUIET;
	}
	return MFA_ERR_INVALID;
}

int
mfa_qr_render(
    const struct mfa_qr_matrix *m, enum mfa_qr_style style, char **out)
{
	struct text_out t = {NULL, 0};
	size_t size, per_line, cap;
	int lines;

	if (out == NULL)
		return MFA_ERR_INVALID;
	*out = NULL;
	if (m == NULL || m->modules == NULL ||
	    (lines = mfa_qr_render_lines(m->width, style)) < 0)
		return MFA_ERR_INVALID;
	size = (size_t)m->width + 2 * MFA_QR_QUIET;
	/* Worst case per line: a 3-byte half block per column (UTF8), or a
	 * colour change before every module (ANSI); width <= 177 keeps
	 * this far from overflow. */
	if (style == MFA_QR_UTF8)
		per_line = strlen(SGR_UTF8_LINE) + 3 * size;
	else
		per_line = (strlen(SGR_DARK_BG) + 2) * size;
	per_line += strlen(SGR_RESET_EOL);
	cap = (size_t)lines * per_line + 1;
	if ((t.p = malloc(cap)) == NULL)
		return MFA_ERR_NOMEM;
	if (style == MFA_QR_UTF8)
		draw_utf8(m, &t);
	else
		draw_ansi(m, &t);
	t.p[t.len] = '\0';
	*out = t.p;
	return MFA_OK;
}
