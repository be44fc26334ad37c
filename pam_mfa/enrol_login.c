/*
 * enrol_login.c - enrolment at first login, as web portals do it: an
 * info line, the QR code (enrol_qr.c; without one the key is shown as
 * text), a code from the new app, then backup codes shown once.  The
 * same steps show the key of a self-service request (enrol_request.c).
 *
 * Nothing is written before the user has typed a code from the new app:
 * a skipped, failed or interrupted enrolment leaves no file and no state.
 * What is written then, and in which order, is enrol_record.c's; setcred
 * confirms it (enrol_confirm.c).  This unit also gives the notice of
 * backup codes running low after a login.
 */
#include <stdio.h>
#include <string.h>

#include <security/pam_ext.h>

#include "backup.h"
#include "enrol_flow.h"
#include "enrol_login.h"
#include "enrol_qr.h"
#include "enrolment.h"
#include "error.h"
#include "hostname.h"
#include "mem.h"
#include "otp.h"
#include "prompt.h"
#include "reply.h"
#include "timefmt.h"
#include "user.h"
#include "vault.h"

#define PROMPT_CODE "Code from your app: "
#define PROMPT_SAVED "Press Enter when you have saved them: "
#define BACKUP_LOW 3

enum outcome {
	ENROL_OK,    /* a right code: step proved */
	ENROL_SKIP,  /* an empty answer where skipping is allowed */
	ENROL_WRONG, /* `tries` wrong answers */
	ENROL_CONV,  /* the conversation failed */
};

void
mfa_enrol_log(struct mfa_login *lg, int prio, const char *what, const char *why)
{
	mfa_log(&lg->log, prio, "enrolment at login %s: user=%s service=%s%s%s",
	    what, lg->user_clean, lg->service, why != NULL ? " reason=" : "",
	    why != NULL ? why : "");
}

/* ---- the conversation ---- */

/* The first line, sent so that a failed conversation is noticed. */
static int
say_intro(struct mfa_login *lg)
{
	char *resp = NULL;
	int rc;

	rc = pam_prompt(lg->pamh, PAM_TEXT_INFO, &resp, "%s",
	    "Multi-factor authentication is required for this account and is "
	    "not set up yet. Set it up now with an authenticator app (Google "
	    "Authenticator, Microsoft Authenticator, Authy, FreeOTP, "
	    "1Password or any TOTP app).");
	mfa_strfree(resp);
	return rc == PAM_SUCCESS ? MFA_OK : MFA_ERR_SYSTEM;
}

static void
show_secret(struct mfa_enrol *e)
{
	struct mfa_login *lg = e->lg;
	const struct mfa_totp_params *p = &e->s->totp;
	int qr;

	qr = mfa_enrol_qr_show(lg, e->text.uri);
	mfa_prompt_info(lg->pamh, lg->silent,
	    "%s the key into the app (time-based, %s, %u digits, %u s):",
	    qr ? "Or type" : "Type", mfa_otp_alg_name(p->alg), p->digits,
	    p->period);
	mfa_prompt_info(lg->pamh, lg->silent, "    %s", e->text.grouped);
	if (!e->may_skip)
		return;
	if (e->deadline[0] != '\0')
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Press Enter to do this later; it will be required from "
		    "%s.",
		    e->deadline);
	else
		mfa_prompt_info(
		    lg->pamh, lg->silent, "Press Enter to do this later.");
}

/* The code of the new key, at the module's clock, within window=. */
static int
check_code(struct mfa_enrol *e, const struct mfa_reply *r)
{
	const struct mfa_secret *s = e->s;

	if (r->kind != MFA_REPLY_NUMERIC || strlen(r->digits) != s->totp.digits)
		return MFA_ERR_MISMATCH;
	return mfa_totp_verify(s->key, s->keylen, &s->totp, e->lg->now,
	    e->lg->cfg.window, NULL, r->digits, &e->step);
}

static enum outcome
ask_code(struct mfa_enrol *e)
{
	struct mfa_login *lg = e->lg;
	struct mfa_reply r;
	enum mfa_reply_kind kind;
	unsigned int i;
	int rc;

	for (i = 0; i < lg->cfg.tries; i++) {
		if (mfa_prompt_ask_reply(
			lg->pamh, lg->cfg.echo_code, PROMPT_CODE, &r) != MFA_OK)
			return ENROL_CONV;
		kind = r.kind;
		if (kind == MFA_REPLY_EMPTY && e->may_skip)
			return ENROL_SKIP;
		rc = check_code(e, &r);
		mfa_reply_wipe(&r);
		if (rc == MFA_OK)
			return ENROL_OK;
		mfa_prompt_error(lg->pamh, lg->silent, "%s",
		    kind == MFA_REPLY_EMPTY
			? "A code from the app is required to finish."
			: "Invalid code (is the phone's clock right?).");
	}
	return ENROL_WRONG;
}

/* Show the codes once, and wait until the user has them. */
static int
show_backup(struct mfa_login *lg,
    const char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE])
{
	char *resp = NULL;
	int i, half = MFA_BACKUP_SLOTS / 2, rc;

	mfa_prompt_info(lg->pamh, lg->silent,
	    "Backup codes: each works once, when the phone is not at hand. "
	    "They are not shown again: write them down or keep them "
	    "somewhere safe.");
	for (i = 0; i < half; i++)
		mfa_prompt_info(lg->pamh, lg->silent, "    %s    %s",
		    display[i], display[i + half]);
	/* A prompt, not only info lines: sshd shows info text only with
	 * the next prompt. */
	rc = mfa_prompt_ask(lg->pamh, 1, PROMPT_SAVED, &resp);
	mfa_strfree(resp);
	return rc == MFA_OK || rc == MFA_ERR_TOOBIG ? MFA_OK : rc;
}

/* After a right code: backup codes, the state, the file, the codes. */
enum mfa_verdict
mfa_enrol_finish(struct mfa_enrol *e)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	struct mfa_login *lg = e->lg;
	enum mfa_verdict v;
	int rc;

	if (e->req.kind == MFA_VAULT_REQUEST_ADD)
		return mfa_enrol_finish_add(e);
	rc = mfa_backup_new_set(e->s, display, lg->now);
	if (rc != MFA_OK) {
		mfa_enrol_log(lg, LOG_ERR, "failed", mfa_strerror(rc));
		return MFA_VERDICT_FALLBACK;
	}
	v = mfa_enrol_record(e);
	if (v == MFA_VERDICT_SUCCESS) {
		mfa_prompt_info(lg->pamh, lg->silent, "%s",
		    e->req.kind == MFA_VAULT_REQUEST_NONE
			? "Code accepted: multi-factor authentication is set "
			  "up. Your next logins will ask for a code from the "
			  "app."
			: e->req.kind == MFA_VAULT_REQUEST_APP
			? "Code accepted: the new authenticator and these "
			  "backup codes replace the old ones when this login "
			  "completes."
			: "These backup codes replace the old ones when this "
			  "login completes.");
		if (show_backup(lg, display) != MFA_OK) {
			/* Enrolled, but the client is gone: fail closed. */
			lg->reason = "conversation failed after enrolment";
			mfa_enrol_log(lg, LOG_NOTICE, "failed", lg->reason);
			v = MFA_VERDICT_CONV_FAILED;
		}
	}
	MFA_WIPE_ARRAY(display);
	return v;
}

/* ---- the flow ---- */

static void
names(const struct mfa_login *lg, char *issuer, size_t issz, char *account,
    size_t acsz)
{
	char host[MFA_HOST_NAME_MAX + 1];

	/* The same name as the mails and mfa-enroll use (hostname.h). */
	mfa_host_name(host, sizeof(host));
	snprintf(
	    issuer, issz, "%s", lg->cfg.issuer != NULL ? lg->cfg.issuer : host);
	snprintf(account, acsz, "%s@%s", lg->user->pw.pw_name, host);
}

/* A new secret and its text; MFA_OK or an error already logged. */
int
mfa_enrol_prepare(struct mfa_enrol *e)
{
	struct mfa_login *lg = e->lg;
	char issuer[2 * MFA_OTPAUTH_MAX_NAME],
	    account[2 * MFA_OTPAUTH_MAX_NAME];
	int rc;

	e->may_skip = lg->cfg.nullok ||
	    (lg->cfg.has_enforce_after && lg->now < lg->cfg.enforce_after);
	if (lg->cfg.has_enforce_after)
		/* The same words as login.c's notice after a skip. */
		mfa_timefmt_utc(lg->cfg.enforce_after, "%e %B %Y", "soon",
		    e->deadline, sizeof(e->deadline));
	names(lg, issuer, sizeof(issuer), account, sizeof(account));
	rc = mfa_enrolment_new(lg->now, &e->s);
	if (rc == MFA_OK)
		rc = mfa_enrolment_text(e->s, issuer, account, &e->text);
	if (rc != MFA_OK)
		mfa_enrol_log(lg, LOG_ERR, "failed", mfa_strerror(rc));
	return rc;
}

/* A request left as it was (skipped, wrong codes): the login goes on. */
static void
say_unchanged(const struct mfa_enrol *e)
{
	if (e->req.kind != MFA_VAULT_REQUEST_NONE)
		mfa_prompt_info(e->lg->pamh, e->lg->silent,
		    "Nothing was changed: this login goes on with the code "
		    "you typed first, and your request waits for your next "
		    "login (delete ~/%s to cancel it).",
		    MFA_VAULT_REQUEST_NAME);
}

static enum mfa_verdict
conclude(struct mfa_enrol *e, enum outcome out)
{
	struct mfa_login *lg = e->lg;
	enum mfa_verdict v;

	switch (out) {
	case ENROL_OK:
		v = mfa_enrol_finish(e);
		/* A renewal keeps the method of the factor just verified. */
		if (v == MFA_VERDICT_SUCCESS &&
		    e->req.kind == MFA_VAULT_REQUEST_NONE) {
			lg->method = MFA_METHOD_TOTP;
			lg->reason = "enrolled at login";
			mfa_enrol_log(lg, LOG_INFO, "completed", NULL);
		}
		return v;
	case ENROL_SKIP:
		mfa_enrol_log(lg, LOG_NOTICE, "skipped", NULL);
		say_unchanged(e);
		return MFA_VERDICT_FALLBACK;
	case ENROL_WRONG:
		mfa_enrol_log(lg, LOG_NOTICE, "failed", "wrong code");
		say_unchanged(e);
		return MFA_VERDICT_FALLBACK;
	default:
		mfa_enrol_log(lg, LOG_NOTICE, "failed", "conversation failed");
		return MFA_VERDICT_FALLBACK;
	}
}

enum mfa_verdict
mfa_enrol_ask(struct mfa_enrol *e)
{
	show_secret(e);
	return conclude(e, ask_code(e));
}

void
mfa_enrol_wipe(struct mfa_enrol *e)
{
	mfa_enrolment_text_wipe(&e->text);
	mfa_secret_free(e->s);
	MFA_WIPE_OBJ(e);
}

enum mfa_verdict
mfa_enrol_login(struct mfa_login *lg)
{
	struct mfa_enrol e;
	enum mfa_verdict v;

	if (lg->user == NULL || lg->store == NULL)
		return MFA_VERDICT_FALLBACK;
	if (lg->silent) { /* no messages, so nothing to scan */
		mfa_enrol_log(lg, LOG_NOTICE, "not offered", "PAM_SILENT");
		return MFA_VERDICT_FALLBACK;
	}
	memset(&e, 0, sizeof(e));
	e.lg = lg;
	mfa_enrol_log(lg, LOG_INFO, "started", NULL);
	if (mfa_enrol_prepare(&e) != MFA_OK)
		v = MFA_VERDICT_FALLBACK;
	else if (say_intro(lg) != MFA_OK)
		v = conclude(&e, ENROL_CONV);
	else
		v = mfa_enrol_ask(&e);
	mfa_enrol_wipe(&e);
	return v;
}

void
mfa_enrol_login_notices(struct mfa_login *lg, const struct mfa_state *st)
{
	const struct mfa_secret *s = lg->secret;
	unsigned int i, issued = 0, used, left;

	if (s == NULL || !s->has_backup || lg->method == MFA_METHOD_BACKUP)
		return;
	for (i = 0; i < MFA_BACKUP_SLOTS; i++)
		issued += s->backup[i] != NULL;
	used = mfa_state_backup_used_count(st, s->backup_set);
	left = used < issued ? issued - used : 0;
	if (left > BACKUP_LOW)
		return;
	mfa_prompt_info(lg->pamh, lg->silent,
	    "%u backup code%s left. Run mfa-enroll backup-codes to get a new "
	    "set.",
	    left, left == 1 ? "" : "s");
}
