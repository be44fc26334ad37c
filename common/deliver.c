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
#include "mailmsg.h"
#include "mem.h"
#include "random.h"
#include "runprog.h"
#include "text.h"

#define HOST_MAX 256

/* This machine's name, if it is a usable mail domain; else a fallback. */
static void
host_name(char *out, size_t outsz)
{
	char from[HOST_MAX + 16];

	if (gethostname(out, outsz) != 0)
		out[0] = '\0';
	out[outsz - 1] = '\0';
	snprintf(from, sizeof(from), "pam_mfa@%s", out);
	if (mfa_addr_email_check(from, NULL, 0) != MFA_OK)
		snprintf(out, outsz, "localhost.localdomain");
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
 * The email message: the code message, or a notice when notice is not
 * NULL.  *text freed by the caller with mfa_strfree.
 */
static int
mail_text(const struct mfa_config *cfg, const char *to, const char *user,
    const char *code, const char *notice, unsigned int ttl, int64_t now,
    char **text, size_t *len)
{
	char host[HOST_MAX], from[HOST_MAX + 16], msgid[33];
	struct mfa_mail m;
	int rc;

	host_name(host, sizeof(host));
	snprintf(from, sizeof(from), "pam_mfa@%s", host);
	rc = random_hex(msgid, 16);
	if (rc != MFA_OK)
		return rc;
	memset(&m, 0, sizeof(m));
	m.from = cfg->mail_from != NULL ? cfg->mail_from : from;
	m.to = to;
	m.host = host;
	m.user = user;
	m.code = code;
	m.ttl_minutes = (ttl + 59) / 60;
	m.now = now;
	m.msgid_random_hex = msgid;
	if (notice != NULL)
		return mfa_mail_notice_message(&m, notice, text, len);
	return mfa_mail_code_message(&m, text, len);
}

/*
 * Run argv (plus extra as the last argument, if not NULL) on text; why
 * names the option and the program, e.g. "mail_command (/usr/bin/msmtp)
 * exited with status 75".
 */
static int
run(const char *option, char *const *argv, const char *extra, const char *text,
    size_t len, char *why, size_t whysz)
{
	char *full[MFA_CONFIG_CMD_WORDS + 2], reason[MFA_RUN_WHY_SIZE] = "";
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
	rc = mfa_run_program(full, text, len, MFA_DELIVER_TIMEOUT_MS, &res,
	    reason, sizeof(reason));
	if (rc != MFA_OK)
		snprintf(why, whysz, "%s (%s) %s", option, argv[0], reason);
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
deliver_email(const struct mfa_config *cfg, const char *to, const char *user,
    const char *code, const char *notice, unsigned int ttl, int64_t now,
    char *why, size_t whysz)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (mfa_addr_email_check(to, why, whysz) != MFA_OK)
		return MFA_ERR_FORMAT;
	rc = mail_text(cfg, to, user, code, notice, ttl, now, &text, &len);
	return send_text(rc, "message", "mail_command", cfg->mail_argv, NULL,
	    text, len, why, whysz);
}

static int
deliver_sms(const struct mfa_config *cfg, const char *number, const char *code,
    unsigned int ttl, char *why, size_t whysz)
{
	char host[HOST_MAX], *text = NULL;
	size_t len = 0;
	int rc;

	if (cfg->sms_argv == NULL) {
		snprintf(why, whysz, "no sms_command is configured");
		return MFA_ERR_DENIED;
	}
	if (mfa_addr_phone_check(number, why, whysz) != MFA_OK)
		return MFA_ERR_FORMAT;
	host_name(host, sizeof(host));
	rc = mfa_sms_text(host, code, (ttl + 59) / 60, &text, &len);
	return send_text(rc, "text", "sms_command", cfg->sms_argv, number, text,
	    len, why, whysz);
}

int
mfa_deliver_code(const struct mfa_config *cfg, enum mfa_method channel,
    const char *address, const char *user, const char *code, unsigned int ttl,
    int64_t now, char *why, size_t whysz)
{
	if (cfg == NULL || address == NULL || user == NULL || code == NULL)
		return MFA_ERR_INVALID;
	if (channel == MFA_METHOD_SMS)
		return deliver_sms(cfg, address, code, ttl, why, whysz);
	return deliver_email(
	    cfg, address, user, code, NULL, ttl, now, why, whysz);
}

int
mfa_deliver_notice(const struct mfa_config *cfg, const char *to,
    const char *user, const char *text, int64_t now, char *why, size_t whysz)
{
	if (cfg == NULL || to == NULL || user == NULL || text == NULL)
		return MFA_ERR_INVALID;
	return deliver_email(cfg, to, user, NULL, text, 60, now, why, whysz);
}
