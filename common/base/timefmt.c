/*
 * timefmt.c - unix times as text for people.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

static void
format_tm(int64_t t, int utc, const char *fmt, const char *fallback, char *out,
    size_t outsz)
{
	time_t tt = (time_t)t;
	struct tm tm, *ok;

	if (out == NULL || outsz == 0)
		return;
	ok = utc ? gmtime_r(&tt, &tm) : localtime_r(&tt, &tm);
/* fmt is a literal at every call of the public functions, whose format
 * attribute has the compiler check it there. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (ok == NULL || strftime(out, outsz, fmt, &tm) == 0) {
#pragma GCC diagnostic pop
		if (fallback != NULL)
			snprintf(out, outsz, "%s", fallback);
		else
			snprintf(out, outsz, "%lld", (long long)t);
	}
	if (out[0] == ' ')
		memmove(out, out + 1, strlen(out));
}

void
mfa_timefmt_utc(
    int64_t t, const char *fmt, const char *fallback, char *out, size_t outsz)
{
	format_tm(t, 1, fmt, fallback, out, outsz);
}

void
mfa_timefmt_local(
    int64_t t, const char *fmt, const char *fallback, char *out, size_t outsz)
{
	format_tm(t, 0, fmt, fallback, out, outsz);
}
