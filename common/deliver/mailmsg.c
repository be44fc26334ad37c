/*
 * mailmsg.c - the text of the emailed code, of notices and of the SMS.
 *
 * Each value is validated before it is formatted: the message goes to a
 * sendmail-compatible program reading its recipients from the headers
 * (-t), so a line break in any header value would add recipients.  The
 * day and month names come from our own tables, not strftime, so that the
 * Date header does not depend on the host's locale.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "error.h"
#include "hostname.h"
#include "mailmsg.h"
#include "mem.h"

/* 9999-12-31T23:59:59Z: the Date header has four year digits. */
#define MAIL_TIME_MAX INT64_C(253402300799)
/* Room for the headers: two addresses, the host twice, the rest. */
#define MAIL_HDR_SIZE 2048

static int
is_hex_lower(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* A DNS-style name: it is shown to the user and ends the Message-ID. */
static int
check_host(const char *host)
{
	return mfa_host_name_ok(host) ? MFA_OK : MFA_ERR_FORMAT;
}

/* Printable ASCII (space included), 1..max bytes. */
static int
check_printable(const char *s, size_t max)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > max)
		return MFA_ERR_FORMAT;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return MFA_ERR_FORMAT;
	return MFA_OK;
}

static int
check_code(const char *code)
{
	size_t i;

	for (i = 0; i < 6; i++)
		if (code[i] < '0' || code[i] > '9')
			return MFA_ERR_FORMAT;
	return code[6] == '\0' ? MFA_OK : MFA_ERR_FORMAT;
}

static int
check_msgid(const char *hex)
{
	size_t i, n = strlen(hex);

	if (n < MFA_MAIL_MSGID_MIN || n > MFA_MAIL_MSGID_MAX)
		return MFA_ERR_FORMAT;
	for (i = 0; i < n; i++)
		if (!is_hex_lower(hex[i]))
			return MFA_ERR_FORMAT;
	return MFA_OK;
}

/* The fields every message uses; code and ttl are checked by the caller. */
static int
check_common(const struct mfa_mail *m)
{
	if (m->from == NULL || m->to == NULL || m->host == NULL ||
	    m->user == NULL || m->msgid_random_hex == NULL)
		return MFA_ERR_INVALID;
	if (mfa_addr_email_check(m->from, NULL, 0) != MFA_OK ||
	    mfa_addr_email_check(m->to, NULL, 0) != MFA_OK ||
	    check_host(m->host) != MFA_OK ||
	    check_printable(m->user, MFA_MAIL_USER_MAX) != MFA_OK ||
	    check_msgid(m->msgid_random_hex) != MFA_OK)
		return MFA_ERR_FORMAT;
	if (m->now < 0 || m->now > MAIL_TIME_MAX)
		return MFA_ERR_RANGE;
	return MFA_OK;
}

/* "Tue, 24 Nov 2026 21:00:00 +0000" (RFC 5322 section 3.3), in UTC. */
static int
format_date(int64_t now, char *buf, size_t bufsz)
{
	static const char days[7][4] = {
	    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_wday < 0 || tm.tm_wday > 6 ||
	    tm.tm_mon < 0 || tm.tm_mon > 11)
		return MFA_ERR_RANGE;
	snprintf(buf, bufsz, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
	return MFA_OK;
}

static int
format_headers(
    const struct mfa_mail *m, const char *subject, char *buf, size_t bufsz)
{
	char date[40];
	int n, rc;

	rc = format_date(m->now, date, sizeof(date));
	if (rc != MFA_OK)
		return rc;
	n = snprintf(buf, bufsz,
	    "From: %s\n"
	    "To: %s\n"
	    "Subject: %s %s\n"
	    "Date: %s\n"
	    "Message-ID: <%s@%s>\n"
	    "Auto-Submitted: auto-generated\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "\n",
	    m->from, m->to, subject, m->host, date, m->msgid_random_hex,
	    m->host);
	return n < 0 || (size_t)n >= bufsz ? MFA_ERR_TOOBIG : MFA_OK;
}

/*
 * A fresh allocation of exactly the formatted size.  Measuring first and
 * formatting once means no realloc leaves a copy of the code behind in
 * freed memory.
 */
static int format_alloc(char **out, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
format_alloc(char **out, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *buf;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MFA_ERR_INVALID;
	buf = malloc((size_t)n + 1);
	if (buf == NULL)
		return MFA_ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	*out = buf;
	*len = (size_t)n;
	return MFA_OK;
}

/*
 * The body of a code message (m already checked): a sign-in code, or one
 * that confirms the address it was sent to.
 */
static int
code_body(const struct mfa_mail *m, const char *hdr, char **out, size_t *len)
{
	char what[MFA_MAIL_USER_MAX + MFA_MAIL_HOST_MAX + 128];
	int confirm = m->purpose == MFA_MAIL_CONFIRM;

	if (confirm)
		snprintf(what, sizeof(what),
		    "Type it into mfa-enroll to confirm that this address "
		    "receives\nthe sign-in codes of %s on %s.",
		    m->user, m->host);
	else
		snprintf(what, sizeof(what), "Enter it to sign in to %s as %s.",
		    m->host, m->user);
	return format_alloc(out, len,
	    "%s"
	    "Your %s code is: %s\n"
	    "\n"
	    "%s\n"
	    "It is valid for %u minute%s and can be used once.\n"
	    "\n"
	    "Nobody from your IT team will ask for this code.\n"
	    "%s\n",
	    hdr, confirm ? "confirmation" : "sign-in", m->code, what,
	    m->ttl_minutes, m->ttl_minutes == 1 ? "" : "s",
	    confirm
		? "If you did not ask for this, do not give the code to "
		  "anyone,\nand tell your administrator."
		: "If you did not try to sign in, tell your administrator.");
}

int
mfa_mail_code_message(const struct mfa_mail *m, char **out, size_t *len)
{
	char hdr[MAIL_HDR_SIZE];
	int rc;

	if (out == NULL || len == NULL)
		return MFA_ERR_INVALID;
	*out = NULL;
	*len = 0;
	if (m == NULL || m->code == NULL)
		return MFA_ERR_INVALID;
	rc = check_common(m);
	if (rc == MFA_OK && check_code(m->code) != MFA_OK)
		rc = MFA_ERR_FORMAT;
	if (rc == MFA_OK &&
	    (m->ttl_minutes == 0 || m->ttl_minutes > MFA_MAIL_TTL_MAX))
		rc = MFA_ERR_RANGE;
	if (rc == MFA_OK)
		rc = format_headers(m,
		    m->purpose == MFA_MAIL_CONFIRM
			? "Confirm your email address for"
			: "Your sign-in code for",
		    hdr, sizeof(hdr));
	if (rc != MFA_OK)
		return rc;
	return code_body(m, hdr, out, len);
}

int
mfa_mail_notice_message(
    const struct mfa_mail *m, const char *text, char **out, size_t *len)
{
	char hdr[MAIL_HDR_SIZE];
	int rc;

	if (out == NULL || len == NULL)
		return MFA_ERR_INVALID;
	*out = NULL;
	*len = 0;
	if (m == NULL || text == NULL)
		return MFA_ERR_INVALID;
	rc = check_common(m);
	if (rc == MFA_OK && check_printable(text, MFA_MAIL_TEXT_MAX) != MFA_OK)
		rc = MFA_ERR_FORMAT;
	if (rc == MFA_OK)
		rc = format_headers(m, "Sign-in notice for", hdr, sizeof(hdr));
	if (rc != MFA_OK)
		return rc;
	return format_alloc(out, len,
	    "%s"
	    "%s\n"
	    "\n"
	    "If this was not you, tell your administrator.\n",
	    hdr, text);
}

/* An SMS: "HOST <what>: CODE (valid N min).<advice>". */
static int
sms_text(const char *host, const char *code, unsigned int ttl_minutes,
    const char *what, const char *advice, char **out, size_t *len)
{
	if (out == NULL || len == NULL)
		return MFA_ERR_INVALID;
	*out = NULL;
	*len = 0;
	if (host == NULL || code == NULL)
		return MFA_ERR_INVALID;
	if (check_host(host) != MFA_OK || check_code(code) != MFA_OK)
		return MFA_ERR_FORMAT;
	if (ttl_minutes == 0 || ttl_minutes > MFA_MAIL_TTL_MAX)
		return MFA_ERR_RANGE;
	return format_alloc(out, len,
	    "%s %s: %s (valid %u min).%s Nobody will ask you for it.", host,
	    what, code, ttl_minutes, advice);
}

int
mfa_sms_text(const char *host, const char *code, unsigned int ttl_minutes,
    char **out, size_t *len)
{
	return sms_text(host, code, ttl_minutes, "sign-in code", "", out, len);
}

int
mfa_sms_confirm_text(const char *host, const char *code,
    unsigned int ttl_minutes, char **out, size_t *len)
{
	return sms_text(host, code, ttl_minutes, "confirmation code",
	    " Type it into mfa-enroll.", out, len);
}
