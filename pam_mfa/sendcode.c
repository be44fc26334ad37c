/*
 * sendcode.c - sending a one-time code during a login.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "deliver.h"
#include "error.h"
#include "mem.h"
#include "otpcode.h"
#include "prompt.h"
#include "secretfile.h"
#include "sendcode.h"
#include "store.h"
#include "timefmt.h"

static const char *
address_of(const struct mfa_login *lg, enum mfa_method channel)
{
	if (channel == MFA_METHOD_EMAIL)
		return lg->secret->email;
	if (channel == MFA_METHOD_SMS && lg->cfg.sms_argv != NULL)
		return lg->secret->phone;
	return NULL;
}

enum mfa_method
mfa_sendcode_channel(const struct mfa_login *lg, enum mfa_method want)
{
	if (want != MFA_METHOD_NONE)
		return address_of(lg, want) != NULL ? want : MFA_METHOD_NONE;
	if (address_of(lg, MFA_METHOD_EMAIL) != NULL)
		return MFA_METHOD_EMAIL;
	if (address_of(lg, MFA_METHOD_SMS) != NULL)
		return MFA_METHOD_SMS;
	return MFA_METHOD_NONE;
}

static void
mask(enum mfa_method channel, const char *address, char *out, size_t outsz)
{
	int rc = channel == MFA_METHOD_SMS
	    ? mfa_addr_phone_mask(address, out, outsz)
	    : mfa_addr_email_mask(address, out, outsz);

	if (rc != MFA_OK)
		snprintf(out, outsz, "your address on file");
}

void
mfa_sendcode_describe(const struct mfa_login *lg, char *out, size_t outsz)
{
	char masked[MFA_ADDR_MASK_SIZE];
	const char *email = address_of(lg, MFA_METHOD_EMAIL);
	const char *phone = address_of(lg, MFA_METHOD_SMS);
	size_t n = 0;

	out[0] = '\0';
	if (email != NULL) {
		mask(MFA_METHOD_EMAIL, email, masked, sizeof(masked));
		n = (size_t)snprintf(out, outsz,
		    " Press Enter to get a code by email (%s).", masked);
	}
	if (phone != NULL && n < outsz) {
		mask(MFA_METHOD_SMS, phone, masked, sizeof(masked));
		snprintf(out + n, outsz - n,
		    " Type sms to get a code by text message (%s).", masked);
	}
}

/*
 * Under the lock: throttle, then a new code into the record.  MFA_OK with
 * code set, MFA_ERR_DENIED with *wait_s, or another error.
 */
static int
issue(struct mfa_login *lg, enum mfa_method channel, char code[7],
    int64_t *wait_s)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char why[256];
	int rc;

	rc = mfa_login_store_begin(
	    lg, lg->username, &st, &txn, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_log(
		    &lg->log, LOG_ERR, "state for %s: %s", lg->user_clean, why);
		return rc;
	}
	rc = mfa_otpcode_may_send(&st, lg->now, lg->cfg.email_interval,
	    lg->cfg.email_hourly_max, wait_s);
	if (rc == MFA_OK)
		rc = mfa_otpcode_issue(
		    &st, channel, lg->now, lg->cfg.code_ttl, code);
	if (rc == MFA_OK) {
		mfa_otpcode_note_send(&st, lg->now);
		rc = mfa_store_commit(txn, &st, lg->now);
	}
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	return rc;
}

static void
say_wait(struct mfa_login *lg, int64_t wait_s)
{
	mfa_prompt_error(lg->pamh, lg->silent,
	    "A code was sent recently. Check your messages, or ask for a new "
	    "one in %lld second%s.",
	    (long long)wait_s, wait_s == 1 ? "" : "s");
}

static const char *
channel_word(enum mfa_method channel)
{
	return channel == MFA_METHOD_SMS ? "text message" : "email";
}

enum mfa_send
mfa_sendcode(struct mfa_login *lg, enum mfa_method channel)
{
	const char *address = address_of(lg, channel);
	char code[7] = "", why[256] = "", masked[MFA_ADDR_MASK_SIZE];
	int64_t wait_s = 0;
	int rc;

	if (address == NULL)
		return MFA_SEND_NONE;
	rc = issue(lg, channel, code, &wait_s);
	if (rc != MFA_OK)
		MFA_WIPE_ARRAY(code); /* a code issued but not saved */
	if (rc == MFA_ERR_DENIED) {
		say_wait(lg, wait_s);
		return MFA_SEND_WAIT;
	}
	if (rc != MFA_OK)
		return MFA_SEND_ERROR;
	/* Outside the lock: a slow mailer must not hold up other logins. */
	rc = mfa_deliver_code(&lg->cfg, channel, address, lg->username, code,
	    lg->cfg.code_ttl, lg->now, why, sizeof(why));
	MFA_WIPE_ARRAY(code);
	if (rc != MFA_OK) {
		mfa_log(&lg->log, LOG_ERR,
		    "sending a code to %s by %s failed: %s", lg->user_clean,
		    channel_word(channel), why);
		mfa_prompt_error(lg->pamh, lg->silent,
		    "The code could not be sent by %s. Use your authenticator "
		    "app or a backup code.",
		    channel_word(channel));
		return MFA_SEND_FAILED;
	}
	mask(channel, address, masked, sizeof(masked));
	mfa_log_event(&lg->log, LOG_INFO,
	    &(struct mfa_event){.kind = MFA_EVENT_CODE_SENT,
		.user = lg->user_clean,
		.service = lg->service,
		.rhost = lg->rhost[0] != '\0' ? lg->rhost : NULL,
		.method = channel_word(channel)},
	    "user=%s code sent by %s", lg->user_clean, channel_word(channel));
	mfa_prompt_info(lg->pamh, lg->silent,
	    "A code was sent by %s to %s. It is valid for %u minutes.",
	    channel_word(channel), masked, (lg->cfg.code_ttl + 59) / 60);
	return MFA_SEND_SENT;
}

void
mfa_sendcode_notify(struct mfa_login *lg, const char *event)
{
	char text[512], when[64], why[256] = "";

	if (!lg->cfg.notify || lg->secret == NULL || lg->secret->email == NULL)
		return;
	mfa_timefmt_utc(lg->now, "%Y-%m-%d %H:%M UTC", "?", when, sizeof(when));
	/* user_clean and rhost are printable ASCII already (log-cleaned). */
	snprintf(text, sizeof(text), "%s to sign in as %s at %s from %s.",
	    event, lg->user_clean, when,
	    lg->rhost[0] != '\0' ? lg->rhost : "a local terminal");
	if (mfa_deliver_notice(&lg->cfg, lg->secret->email, lg->username, text,
		lg->now, why, sizeof(why)) != MFA_OK)
		mfa_log(&lg->log, LOG_ERR, "notice to %s by email failed: %s",
		    lg->user_clean, why);
}
