/*
 * qr.c - libqrencode to common/qrrender.
 */
#include <errno.h>
#include <stdio.h>

#include <qrencode.h>

#include "error.h"
#include "mem.h"
#include "qr.h"

/* Encode text at level; NULL on failure (errno says why). */
static QRcode *
encode(const char *text, QRecLevel level)
{
	/* Version 0: the smallest that fits; case-sensitive 8-bit mode, since
	 * the URI holds lower-case letters and '%' escapes. */
	return QRcode_encodeString(text, 0, level, QR_MODE_8, 1);
}

static void
free_code(QRcode *qr)
{
	if (qr == NULL)
		return;
	/* The matrix encodes the secret. */
	mfa_wipe(qr->data, (size_t)qr->width * (size_t)qr->width);
	QRcode_free(qr);
}

int
mfa_qr_print(FILE *out, const char *text, enum mfa_qr_style style, int columns)
{
	struct mfa_qr_matrix m;
	QRcode *qr;
	char *drawn = NULL;
	int rc;

	if (out == NULL || text == NULL)
		return MFA_ERR_INVALID;
	if (columns <= 0)
		columns = 80;
	qr = encode(text, QR_ECLEVEL_M);
	if (qr != NULL && mfa_qr_render_columns(qr->width, style) > columns) {
		free_code(qr);
		qr = encode(text, QR_ECLEVEL_L);
	}
	if (qr == NULL)
		return errno == ENOMEM ? MFA_ERR_NOMEM : MFA_ERR_TOOBIG;
	if (mfa_qr_render_columns(qr->width, style) > columns) {
		free_code(qr);
		return MFA_ERR_TOOBIG;
	}
	m.width = qr->width;
	m.modules = qr->data;
	rc = mfa_qr_render(&m, style, &drawn);
	free_code(qr);
	if (rc != MFA_OK)
		return rc;
	fputs(drawn, out);
	fflush(out);
	mfa_strfree(drawn);
	return MFA_OK;
}
