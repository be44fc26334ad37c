/*
 * qrdemo.c - test driver for tests/sh/qr_scan.sh: builds a key URI with
 * mfa_otpauth_uri, encodes text with libqrencode and draws it with
 * mfa_qr_render, so the drawing can be turned into an image and scanned.
 *
 *   qrdemo uri ISSUER ACCOUNT SECRET ALG DIGITS PERIOD   print the URI
 *   qrdemo utf8|ansi TEXT                                 draw TEXT's code
 *   qrdemo width TEXT                                     modules per side
 *
 * Codes use error correction level M, as mfa-enroll is expected to.
 * Exit status 0 on success, 1 on a library error, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "error.h"
#include "otpauth.h"
#include "qrrender.h"

static int
print_uri(char **argv)
{
	char *uri = NULL;
	int r;

	r = mfa_otpauth_uri(argv[2], argv[3], argv[4], argv[5],
	    (unsigned)strtoul(argv[6], NULL, 10),
	    (unsigned)strtoul(argv[7], NULL, 10), &uri);
	if (r != MFA_OK) {
		fprintf(stderr, "qrdemo: uri: %s\n", mfa_strerror(r));
		return 1;
	}
	printf("%s\n", uri);
	free(uri);
	return 0;
}

static int
draw(const char *how, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	struct mfa_qr_matrix m;
	char *out = NULL;
	int r;

	if (qr == NULL) {
		perror("qrdemo: QRcode_encodeString");
		return 1;
	}
	if (strcmp(how, "width") == 0) {
		printf("%d\n", qr->width);
		QRcode_free(qr);
		return 0;
	}
	m.width = qr->width;
	m.modules = qr->data;
	r = mfa_qr_render(
	    &m, strcmp(how, "ansi") == 0 ? MFA_QR_ANSI : MFA_QR_UTF8, &out);
	QRcode_free(qr);
	if (r != MFA_OK) {
		fprintf(stderr, "qrdemo: render: %s\n", mfa_strerror(r));
		return 1;
	}
	fputs(out, stdout);
	free(out);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 8 && strcmp(argv[1], "uri") == 0)
		return print_uri(argv);
	if (argc == 3 &&
	    (strcmp(argv[1], "utf8") == 0 || strcmp(argv[1], "ansi") == 0 ||
		strcmp(argv[1], "width") == 0))
		return draw(argv[1], argv[2]);
	fprintf(stderr,
	    "usage: qrdemo uri ISSUER ACCOUNT SECRET ALG DIGITS "
	    "PERIOD | qrdemo utf8|ansi|width TEXT\n");
	return 2;
}
