/*
 * enrol_qr.h - the QR code of an enrolment at login (enrol_login.c): the
 * key URI encoded by a libqrencode loaded at run time, drawn by
 * common/qrrender and shown as info lines, in colours where they reach
 * the terminal and in the terminal's own colours over SSH.
 *
 * libqrencode is loaded with dlopen only here (DESIGN section 10): the
 * module does not link it, so an ordinary login pays nothing for it, and a
 * system without it still enrols (the caller shows the key as text).
 */
#ifndef MFA_ENROL_QR_H
#define MFA_ENROL_QR_H

#include "login.h"

/*
 * mfa_enrol_qr_show - draw uri (the otpauth:// URI of the new key) as a QR
 * code of at most 80 columns (error correction M, or L when M would not
 * fit), one info message per line after "Scan this QR code with the
 * app:", unless lg->silent.  Over SSH (PAM_TTY "ssh", whose client shows
 * escape codes as text) the colours are dropped and the user is asked
 * whether the terminal's background is dark, to draw the negative there.
 * Returns 1 when a code was drawn, 0 when not (libqrencode missing, the
 * URI too long, memory, the conversation failed); why is logged at
 * LOG_NOTICE, never the URI.  The drawing and the QR matrix (they encode
 * the secret) are wiped.
 */
int mfa_enrol_qr_show(struct mfa_login *lg, const char *uri);

/*
 * mfa_enrol_qr_strip_colours - remove every SGR sequence ("ESC [ ... m",
 * up to the first 'm' or the end of the string) of the NUL-terminated
 * drawn, in place.  Every other byte is kept as it is, so a malformed
 * UTF-8 sequence stays malformed.  drawn must not be NULL.
 */
void mfa_enrol_qr_strip_colours(char *drawn);

/*
 * mfa_enrol_qr_negative - the negative of a colourless drawing: each
 * space becomes a full block (U+2588) and each full block a space, the
 * upper half block (U+2580) becomes the lower one (U+2584) and the other
 * way round; every other byte (newlines, a malformed sequence) is copied.
 * Drawn in the light foreground of a dark theme it shows dark modules on
 * a light field, as scanners expect.  Applied twice it gives drawn back.
 * Returns a new NUL-terminated string (the caller wipes it with
 * mfa_strfree: it shows the secret) or NULL when out of memory.
 */
char *mfa_enrol_qr_negative(const char *drawn);

#endif /* MFA_ENROL_QR_H */
