/*
 * deliver.c - sending a one-time code by email or SMS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "deliver.h"
#include "error.h"
#include "hostname.h"
#include "log.h"
#include "mailmsg.h"
#include "mem.h"
#include "random.h"
#include "runprog.h"
#include "text.h"

#define HOST_MAX (MFA_HOST_NAME_MAX + 1)
/* What is read of a failing program's standard error, and how much of
 * its first line the log shows. */
#define DELIVER_STDERR_READ 512
#define DELIVER_STDERR_SHOWN 120
#define DELIVER_MASK_DIGITS 6 /* a code, or more */

/* One message or text to send: what it carries and for whom. */
struct send_req {
	const char *to;     /* address or number, checked again here */
	const char *user;   /* the account */
	const char *code;   /* NULL for a notice */
	const char *notice; /* the notice's text, or NULL */
	unsigned int ttl;   /* seconds the code is valid */
	int64_t now;
	enum mfa_mail_purpose purpose;
};

/*
 * The default sender, "pam_mfa@HOST": HOST is the name users see
 * (hostname.h) when it makes a mail domain (it has a dot), else
 * localhost.localdomain, which a mailer accepts.  The text of the message
 * names the machine by its name all the same.
 */
static void
default_from(const char *host, char *out, size_t outsz)
{
	snprintf(out, outsz, "pam_mfa@%s", host);
	if (mfa_addr_email_check(out, NULL, 0) != MFA_OK)
		snprintf(out, outsz, "pam_mfa@localhost.localdomain");
}

static int
random_hex(char *out, size_t nbytes)
{
	unsigned char raw[32];

	if (nbytes > sizeof(raw) || mfa_random_bytes(raw, nbytes) != MFA_OK)
		return MFA_ERR_SYSTEM;
	mfa_text_hex_encode(raw, nbytes, out);
	return MFA_OK;
}

/*
 * The email message: the code message, or a notice when r->notice is not
 * NULL.  *text freed by the caller with mfa_strfree.
 */
static int
mail_text(const struct mfa_config *cfg, const struct send_req *r, char **text,
    size_t *len)
{
	char host[HOST_MAX], from[HOST_MAX + 32], msgid[33];
	struct mfa_mail m;
	int rc;

	mfa_host_name(host, sizeof(host));
	default_from(host, from, sizeof(from));
	rc = random_hex(msgid, 16);
	if (rc != MFA_OK)
		return rc;
	memset(&m, 0, sizeof(m));
	m.purpose = r->purpose;
	m.from = cfg->mail_from != NULL ? cfg->mail_from : from;
	m.to = r->to;
	m.host = host;
	m.user = r->user;
	m.code = r->code;
	m.ttl_minutes = (r->ttl + 59) / 60;
	m.now = r->now;
	m.msgid_random_hex = msgid;
	if (r->notice != NULL)
		return mfa_mail_notice_message(&m, r->notice, text, len);
	return mfa_mail_code_message(&m, text, len);
}

/*
 * The first line of a program's standard error, as the log may show it:
 * control bytes as '?', at most DELIVER_STDERR_SHOWN characters ("..."
 * marks a cut).  "" when it wrote nothing.
 */
/*
 * Mask every run of six or more digits with '#': a gateway that echoes
 * its input on error would otherwise put the code (or the whole phone
 * number) into the log.
 */
static void
mask_digit_runs(char *s)
{
	size_t n;

	while (*s != '\0') {
		n = strspn(s, "0123456789");
		if (n >= DELIVER_MASK_DIGITS)
			memset(s, '#', n);
		s += n > 0 ? n : 1;
	}
}

static void
first_line(const char *err, char *out, size_t outsz)
{
	char line[DELIVER_STDERR_SHOWN + 1];
	size_t n = strcspn(err, "\r\n");

	if (n > DELIVER_STDERR_SHOWN)
		n = DELIVER_STDERR_SHOWN;
	memcpy(line, err, n);
	line[n] = '\0';
	mask_digit_runs(line);
	mfa_log_clean(line, out, outsz);
	n = strlen(out);
	if (strcspn(err, "\r\n") > DELIVER_STDERR_SHOWN && n + 4 <= outsz)
		memcpy(out + n, "...", 4); /* with its NUL, room checked */
}

/*
 * Run argv (plus extra as the last argument, if not NULL) on text; why
 * names the option and the program, e.g. "mail_command (/usr/bin/msmtp)
 * exited with status 75: msmtp: cannot connect to 127.0.0.1, port 25",
 * with the first line of what the program said on standard error.
 */
static int
run(const char *option, char *const *argv, const char *extra, const char *text,
    size_t len, char *why, size_t whysz)
{
	char *full[MFA_CONFIG_CMD_WORDS + 2], reason[MFA_RUN_WHY_SIZE] = "";
	char err[DELIVER_STDERR_READ], said[DELIVER_STDERR_SHOWN + 4];
	struct mfa_run_capture cap = {NULL, 0, 0, err, sizeof(err), 0};
	struct mfa_run_result res;
	size_t n = 0;
	int rc;

	while (n < MFA_CONFIG_CMD_WORDS && argv[n] != NULL) {
		full[n] = argv[n];
		n++;
	}
	if (extra != NULL)
		full[n++] = (char *)extra;
	full[n] = NULL;
	rc = mfa_run_program_capture(full, text, len, MFA_DELIVER_TIMEOUT_MS,
	    &cap, &res, reason, sizeof(reason));
	if (rc == MFA_OK)
		return rc;
	first_line(err, said, sizeof(said));
	snprintf(why, whysz, "%s (%s) %s%s%s", option, argv[0], reason,
	    said[0] != '\0' ? ": " : "", said);
	return rc;
}

/*
 * Hand text (what composing it gave: rc; what names it in a message) to
 * the program of option, then wipe it: it holds the code.
 */
static int
send_text(int rc, const char *what, const char *option, char *const *argv,
    const char *extra, char *text, size_t len, char *why, size_t whysz)
{
	if (rc != MFA_OK)
		snprintf(why, whysz, "cannot compose the %s: %s", what,
		    mfa_strerror(rc));
	else
		rc = run(option, argv, extra, text, len, why, whysz);
	mfa_strfree(text);
	return rc;
}

static int
deliver_email(const struct mfa_config *cfg, const struct send_req *r, char *why,
    size_t whysz)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (mfa_addr_email_check(r->to, why, whysz) != MFA_OK)
		return MFA_ERR_FORMAT;
	rc = mail_text(cfg, r, &text, &len);
	return send_text(rc, "message", "mail_command", cfg->mail_argv, NULL,
	    text, len, why, whysz);
}

static int
deliver_sms(const struct mfa_config *cfg, const struct send_req *r, char *why,
    size_t whysz)
{
	char host[HOST_MAX], *text = NULL;
	size_t len = 0;
	int rc;

	if (cfg->sms_argv == NULL) {
		snprintf(why, whysz, "no sms_command is configured");
		return MFA_ERR_DENIED;
	}
	if (mfa_addr_phone_check(r->to, why, whysz) != MFA_OK)
		return MFA_ERR_FORMAT;
	mfa_host_name(host, sizeof(host));
	rc = r->purpose == MFA_MAIL_CONFIRM
	    ? mfa_sms_confirm_text(
		  host, r->code, (r->ttl + 59) / 60, &text, &len)
	    : mfa_sms_text(host, r->code, (r->ttl + 59) / 60, &text, &len);
	return send_text(rc, "text", "sms_command", cfg->sms_argv, r->to, text,
	    len, why, whysz);
}

/* A code to send, for signing in or for confirming the address. */
static int
deliver_any_code(enum mfa_mail_purpose purpose, const struct mfa_config *cfg,
    enum mfa_method channel, const char *address, const char *user,
    const char *code, unsigned int ttl, int64_t now, char *why, size_t whysz)
{
	struct send_req r = {address, user, code, NULL, ttl, now, purpose};

	if (cfg == NULL || address == NULL || user == NULL || code == NULL)
		return MFA_ERR_INVALID;
	if (channel == MFA_METHOD_SMS)
		return deliver_sms(cfg, &r, why, whysz);
	return deliver_email(cfg, &r, why, whysz);
}

int
mfa_deliver_code(const struct mfa_config *cfg, enum mfa_method channel,
    const char *address, const char *user, const char *code, unsigned int ttl,
    int64_t now, char *why, size_t whysz)
{
	return deliver_any_code(MFA_MAIL_SIGN_IN, cfg, channel, address, user,
	    code, ttl, now, why, whysz);
}

int
mfa_deliver_confirm_code(const struct mfa_config *cfg, enum mfa_method channel,
    const char *address, const char *user, const char *code, unsigned int ttl,
    int64_t now, char *why, size_t whysz)
{
	return deliver_any_code(MFA_MAIL_CONFIRM, cfg, channel, address, user,
	    code, ttl, now, why, whysz);
}

int
mfa_deliver_notice(const struct mfa_config *cfg, const char *to,
    const char *user, const char *text, int64_t now, char *why, size_t whysz)
{
	struct send_req r = {to, user, NULL, text, 60, now, MFA_MAIL_SIGN_IN};

	if (cfg == NULL || to == NULL || user == NULL || text == NULL)
		return MFA_ERR_INVALID;
	return deliver_email(cfg, &r, why, whysz);
}
