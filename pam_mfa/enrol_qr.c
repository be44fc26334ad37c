/*
 * enrol_qr.c - the QR code of an enrolment at login, through a
 * libqrencode loaded now (enrol_qr.h).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <security/pam_ext.h>

#include "enrol_qr.h"
#include "error.h"
#include "mem.h"
#include "prompt.h"
#include "qrrender.h"

#define QRLIB_NAME "libqrencode.so.4"
/* An 80-column SSH client must show the code without wrapping. */
#define QR_MAX_COLUMNS 80

typedef QRcode *(*qr_encode_fn)(
    const char *, int, QRecLevel, QRencodeMode, int);
typedef void (*qr_free_fn)(QRcode *);

struct qrlib {
	void *handle;
	qr_encode_fn encode;
	qr_free_fn release;
};

static const char *
qrlib_name(void)
{
#ifdef MFA_TEST_CLOCK
	/* Test build only (never installed): simulate a missing library. */
	const char *name = getenv("MFA_TEST_QRENCODE");

	if (name != NULL)
		return name;
#endif
	return QRLIB_NAME;
}

static int
qrlib_open(struct mfa_login *lg, struct qrlib *q)
{
	const char *err;

	memset(q, 0, sizeof(*q));
	q->handle = dlopen(qrlib_name(), RTLD_NOW | RTLD_LOCAL);
	if (q->handle != NULL) {
		/* POSIX guarantees that a function pointer survives this. */
		q->encode =
		    (qr_encode_fn)dlsym(q->handle, "QRcode_encodeString");
		q->release = (qr_free_fn)dlsym(q->handle, "QRcode_free");
		if (q->encode != NULL && q->release != NULL)
			return MFA_OK;
	}
	err = dlerror();
	mfa_log(&lg->log, LOG_NOTICE,
	    "enrolment at login: no QR code for %s, the key is shown as text: "
	    "cannot load %s: %s",
	    lg->user_clean, QRLIB_NAME, err != NULL ? err : "symbol missing");
	if (q->handle != NULL)
		dlclose(q->handle);
	memset(q, 0, sizeof(*q));
	return MFA_ERR_SYSTEM;
}

static void
qr_release(const struct qrlib *q, QRcode *code)
{
	if (code == NULL)
		return;
	/* The matrix encodes the secret. */
	mfa_wipe(code->data, (size_t)code->width * (size_t)code->width);
	q->release(code);
}

/* Error correction M, or L when M would not fit; NULL when none fits. */
static QRcode *
qr_encode(const struct qrlib *q, const char *uri)
{
	static const QRecLevel levels[] = {QR_ECLEVEL_M, QR_ECLEVEL_L};
	QRcode *code;
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		/* Version 0: the smallest that fits; 8-bit mode keeps case. */
		code = q->encode(uri, 0, levels[i], QR_MODE_8, 1);
		if (code == NULL)
			return NULL;
		if (mfa_qr_render_columns(code->width, MFA_QR_UTF8) <=
		    QR_MAX_COLUMNS)
			return code;
		qr_release(q, code);
	}
	return NULL;
}

/*
 * One info message per drawn line: each stays far below PAM_MAX_MSG_SIZE
 * (an 80-column line is under 260 bytes), and every conversation (sshd's
 * keyboard-interactive, login's, a test harness) shows a message as a line
 * of its own.
 */
static void
show_lines(struct mfa_login *lg, char *drawn)
{
	char *line = drawn, *end;

	while (*line != '\0') {
		end = strchr(line, '\n');
		if (end != NULL)
			*end = '\0';
		if (strlen(line) < PAM_MAX_MSG_SIZE)
			mfa_prompt_info(lg->pamh, lg->silent, "%s", line);
		if (end == NULL)
			break;
		line = end + 1;
	}
}

/*
 * The OpenSSH client prints keyboard-interactive text with every ESC
 * escaped as the four characters "\033" (UTF-8 passes), so over SSH the
 * colours would arrive as junk beside each line.  sshd names the tty
 * "ssh" while it authenticates; there the colours are dropped, the code is
 * drawn in the terminal's own colours, and colourless() asks whether the
 * theme is dark to draw the negative there.
 */
static int
colours_reach_terminal(struct mfa_login *lg)
{
	const void *tty = NULL;

	return pam_get_item(lg->pamh, PAM_TTY, &tty) != PAM_SUCCESS ||
	    tty == NULL || strcmp(tty, "ssh") != 0;
}

void
mfa_enrol_qr_strip_colours(char *drawn)
{
	char *in = drawn, *out = drawn;

	while (*in != '\0') {
		if (in[0] == '\x1b' && in[1] == '[') {
			in += 2;
			while (*in != '\0' && *in++ != 'm')
				;
			continue;
		}
		*out++ = *in++;
	}
	*out = '\0';
}

char *
mfa_enrol_qr_negative(const char *drawn)
{
	static const char full[] = "\xe2\x96\x88", upper[] = "\xe2\x96\x80",
			  lower[] = "\xe2\x96\x84";
	char *out = malloc(3 * strlen(drawn) + 1), *o = out;

	while (out != NULL && *drawn != '\0') {
		const char *with = NULL;

		if (*drawn == ' ')
			with = full;
		else if (strncmp(drawn, full, 3) == 0)
			with = " ";
		else if (strncmp(drawn, upper, 3) == 0)
			with = lower;
		else if (strncmp(drawn, lower, 3) == 0)
			with = upper;
		if (with == NULL) {
			*o++ = *drawn++;
			continue;
		}
		drawn += *drawn == ' ' ? 1 : 3;
		memcpy(o, with, strlen(with));
		o += strlen(with);
	}
	if (out != NULL)
		*o = '\0';
	return out;
}

/*
 * Without colours (an SSH client shows escape codes as text) the drawing
 * takes the terminal's own colours, so ask which way round they are.
 */
static int
colourless(struct mfa_login *lg, char **drawn)
{
	char *answer = NULL, *neg;
	int dark;

	mfa_enrol_qr_strip_colours(*drawn);
	if (mfa_prompt_ask(lg->pamh, 1,
		"Is your terminal's background dark? [y/N]: ", &answer) !=
	    MFA_OK)
		return MFA_ERR_SYSTEM;
	dark = mfa_prompt_is_yes(answer);
	mfa_strfree(answer);
	if (!dark)
		return MFA_OK;
	neg = mfa_enrol_qr_negative(*drawn);
	if (neg == NULL)
		return MFA_ERR_NOMEM;
	mfa_strfree(*drawn);
	*drawn = neg;
	return MFA_OK;
}

int
mfa_enrol_qr_show(struct mfa_login *lg, const char *uri)
{
	struct mfa_qr_matrix m;
	struct qrlib q;
	QRcode *code;
	char *drawn = NULL;
	int rc = MFA_ERR_TOOBIG;

	if (qrlib_open(lg, &q) != MFA_OK)
		return 0;
	code = qr_encode(&q, uri);
	if (code != NULL) {
		m.width = code->width;
		m.modules = code->data;
		rc = mfa_qr_render(&m, MFA_QR_UTF8, &drawn);
		qr_release(&q, code);
	}
	if (rc == MFA_OK && !colours_reach_terminal(lg))
		rc = colourless(lg, &drawn);
	if (rc == MFA_OK) {
		mfa_prompt_info(
		    lg->pamh, lg->silent, "Scan this QR code with the app:");
		show_lines(lg, drawn);
	} else
		mfa_log(&lg->log, LOG_NOTICE,
		    "enrolment at login: no QR code for %s: %s", lg->user_clean,
		    mfa_strerror(rc));
	mfa_strfree(drawn);
	dlclose(q.handle);
	return rc == MFA_OK;
}
