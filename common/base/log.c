/*
 * log.c - logging to syslog through PAM, or to standard error.
 */
#include <stdarg.h>
#include <stdio.h>

#include <security/pam_ext.h>

#include "log.h"

void
mfa_log(const struct mfa_logger *lg, int priority, const char *fmt, ...)
{
	va_list ap;

	if (priority == LOG_DEBUG && (lg == NULL || !lg->debug))
		return;
	va_start(ap, fmt);
	if (lg != NULL && lg->pamh != NULL) {
		pam_vsyslog(lg->pamh, priority, fmt, ap);
	} else {
		fprintf(stderr, "%s: ",
		    lg != NULL && lg->prog != NULL ? lg->prog : "pam_mfa");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

char *
mfa_log_clean(const char *in, char *out, size_t outsz)
{
	size_t i;

	if (outsz == 0)
		return out;
	if (in == NULL)
		in = "(null)";
	for (i = 0; in[i] != '\0' && i + 1 < outsz; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[i] = '\0';
	return out;
}
