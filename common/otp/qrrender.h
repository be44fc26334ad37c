/*
 * qrrender.h - draw a QR code's modules as terminal text.
 *
 * The renderer takes a plain module matrix (the layout of libqrencode's
 * QRcode: width and data) so that neither this unit nor its callers need
 * libqrencode to draw: mfa-enroll links libqrencode, the PAM module only
 * dlopens it when it must, and the tests hand-make matrices.  No I/O.
 *
 * A phone must scan the result on a dark and on a light terminal theme,
 * and an inverted code (light modules on dark) defeats many scanners, so
 * every line sets its colours explicitly instead of relying on the
 * terminal's defaults, draws a quiet zone of MFA_QR_QUIET light modules on
 * every side, and ends with a reset ("\x1b[0m") so the terminal is left
 * clean.
 */
#ifndef MFA_QRRENDER_H
#define MFA_QRRENDER_H

/* Light modules drawn around the code on every side (ISO/IEC 18004). */
#define MFA_QR_QUIET 4
/* Largest width accepted: a version 40 QR code is 177 modules wide. */
#define MFA_QR_MAX_WIDTH 177

/*
 * A square matrix of width x width modules; modules[y * width + x] & 1
 * means dark (the other bits, which libqrencode uses, are ignored).
 * The caller owns modules.
 */
struct mfa_qr_matrix {
	int width;
	const unsigned char *modules;
};

enum mfa_qr_style {
	/* Half blocks (U+2580, U+2584, U+2588 and space), black on bright
	 * white ("\x1b[30;107m"), two module rows per line: compact, needs
	 * a UTF-8 terminal. */
	MFA_QR_UTF8,
	/* Two spaces per module, black or white background ("\x1b[40m",
	 * "\x1b[47m"), one module row per line: plain ASCII, twice as
	 * wide. */
	MFA_QR_ANSI,
};

/*
 * mfa_qr_render - draw m in the given style.  On success *out is a
 * malloc'd NUL-terminated string of lines, each ended by "\x1b[0m\n"; the
 * caller frees it (a QR code of a key URI shows the secret: wipe it with
 * mfa_strfree).
 * Returns MFA_OK, MFA_ERR_INVALID (NULL arguments, width outside
 * 1..MFA_QR_MAX_WIDTH, unknown style) or MFA_ERR_NOMEM; *out is NULL on
 * error.
 */
int mfa_qr_render(
    const struct mfa_qr_matrix *m, enum mfa_qr_style style, char **out);

/*
 * mfa_qr_render_columns - the terminal columns that mfa_qr_render uses for
 * a code width modules wide, quiet zone included (UTF8: width + 8, ANSI:
 * 2 * (width + 8)).  Returns the count, or MFA_ERR_INVALID for a width
 * outside 1..MFA_QR_MAX_WIDTH or an unknown style.
 */
int mfa_qr_render_columns(int width, enum mfa_qr_style style);

/*
 * mfa_qr_render_lines - the terminal lines that mfa_qr_render produces for
 * a code width modules wide (UTF8: (width + 9) / 2, ANSI: width + 8).
 * Returns the count, or MFA_ERR_INVALID as mfa_qr_render_columns.
 */
int mfa_qr_render_lines(int width, enum mfa_qr_style style);

#endif /* MFA_QRRENDER_H */
