/*
 * qr.h - the QR code of a key URI, drawn in the terminal: libqrencode
 * makes the module matrix, common/qrrender draws it with explicit colours
 * (so it scans on dark and light themes alike).
 */
#ifndef MFA_ENROLL_QR_H
#define MFA_ENROLL_QR_H

#include <stdio.h>

#include "qrrender.h"

/*
 * mfa_qr_print - encode text (8-bit mode, case kept, error correction M,
 * or L when M would be wider than columns; columns 0 means 80) and draw
 * it on out in style.  text may be a key URI, a secret: every copy made
 * here is wiped.
 * Returns MFA_OK, MFA_ERR_TOOBIG (the code would not fit in columns:
 * nothing drawn), MFA_ERR_NOMEM or MFA_ERR_INVALID.
 */
int mfa_qr_print(
    FILE *out, const char *text, enum mfa_qr_style style, int columns);

#endif /* MFA_ENROLL_QR_H */
