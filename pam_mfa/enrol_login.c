/*
 * enrol_login.c - enrolment at first login, as web portals do it.
 *
 * Nothing is written before the user has typed a code from the new app:
 * a skipped, failed or interrupted enrolment leaves no file and no state.
 * Then the pending mark goes into the state first and the file after it,
 * so that whichever write fails, no file the state does not name as
 * unconfirmed is left (issue 14); setcred confirms it (handover.h).
 * The secret file is written with the user's identity, never root's
 * (DESIGN section 2), and it is never written over: if one appeared while
 * the user was typing, theirs wins.
 *
 * The QR code is enrol_qr.c's; without one the key is shown as text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_ext.h>
#include <security/pam_modutil.h>

#include "backup.h"
#include "enrol_login.h"
#include "enrol_qr.h"
#include "enrolment.h"
#include "error.h"
#include "hostname.h"
#include "mem.h"
#include "otp.h"
#include "prompt.h"
#include "reply.h"
#include "secret_write.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"
#include "user.h"
#include "vault.h"
#include "vault_request.h"

#define PROMPT_CODE "Code from your app: "
#define PROMPT_SAVED "Press Enter when you have saved them: "
#define BACKUP_LOW 3

enum outcome {
	ENROL_OK,    /* a right code: step proved */
	ENROL_SKIP,  /* an empty answer where skipping is allowed */
	ENROL_WRONG, /* `tries` wrong answers */
	ENROL_CONV,  /* the conversation failed */
};

/* One enrolment in progress. */
struct enrolment {
	struct mfa_login *lg;
	struct mfa_secret *s;
	struct mfa_enrolment_text text;
	int may_skip;
	enum mfa_vault_request renew; /* NONE: the first enrolment */
	char deadline[64];            /* "" without enforce_after */
	uint64_t step;                /* the step proved */
	unsigned char nonce[MFA_HANDOVER_NONCE_SIZE]; /* for setcred */
};

static void
say_log(struct mfa_login *lg, int prio, const char *what, const char *why)
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
show_secret(struct enrolment *e)
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
check_code(struct enrolment *e, const struct mfa_reply *r)
{
	const struct mfa_secret *s = e->s;

	if (r->kind != MFA_REPLY_NUMERIC || strlen(r->digits) != s->totp.digits)
		return MFA_ERR_MISMATCH;
	return mfa_totp_verify(s->key, s->keylen, &s->totp, e->lg->now,
	    e->lg->cfg.window, NULL, r->digits, &e->step);
}

static enum outcome
ask_code(struct enrolment *e)
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

/* ---- writing the file as the user, and the state as root ---- */

/*
 * Write the file with the user's uid, gid and groups, under its lock and
 * through its one temporary name (secret_write.h), so that a login killed
 * mid-write leaves at most that name, which the next writer removes.
 * Nothing is replaced but the file an unconfirmed enrolment left: a file
 * that appeared meanwhile is the user's choice.  *lost is set when root's
 * identity could not be regained: the caller must fail at once.
 */
static int
write_as_user(struct mfa_login *lg, const char *text, size_t len, int *lost,
    char *why, size_t whysz)
{
/* Linux-PAM's macro initialises ids with -1. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
	PAM_MODUTIL_DEF_PRIVS(privs);
#pragma GCC diagnostic pop
	const struct passwd *pw = &lg->user->pw;
	struct mfa_secret_target t = {
	    NULL, pw->pw_uid, pw->pw_name, lg->cfg.lock_timeout};
	char *path = NULL;
	int rc;

	*lost = 0;
	rc = mfa_config_expand_path(
	    lg->cfg.secret, pw->pw_name, pw->pw_dir, &path);
	if (rc != MFA_OK) {
		snprintf(why, whysz, "secret= does not expand to a safe path");
		return rc;
	}
	if (pam_modutil_drop_priv(lg->pamh, &privs, pw) != 0) {
		snprintf(why, whysz, "cannot switch to the user's identity");
		free(path);
		return MFA_ERR_SYSTEM;
	}
	t.path = path;
	rc = mfa_secret_write(&t,
	    lg->unconfirmed_file ? MFA_SECRET_WRITE_REPLACE
				 : MFA_SECRET_WRITE_NEW,
	    text, len, why, whysz);
	if (pam_modutil_regain_priv(lg->pamh, &privs) != 0) {
		snprintf(why, whysz, "cannot regain privileges after writing");
		*lost = 1;
		rc = MFA_ERR_SYSTEM;
	}
	free(path);
	return rc;
}

/*
 * secrets = vault: root's own record, written as root.  A renewal goes to
 * the pending slot, which setcred moves over the current record: until
 * then the user's old key keeps working.
 */
static int
write_vault(struct enrolment *e, char *why, size_t whysz)
{
	struct mfa_login *lg = e->lg;
	struct mfa_vault v = {lg->cfg.state_dir, lg->cfg.lock_timeout};
	int renew = e->renew != MFA_VAULT_REQUEST_NONE;

	return mfa_vault_write(&v, lg->username,
	    renew ? MFA_VAULT_PENDING : MFA_VAULT_CURRENT,
	    renew || lg->unconfirmed_file ? MFA_SECRET_WRITE_REPLACE
					  : MFA_SECRET_WRITE_NEW,
	    e->s, why, whysz);
}

static int
save_file(struct enrolment *e, int *lost)
{
	char why[256] = "", *text = NULL;
	size_t len = 0;
	int rc;

	*lost = 0;
	if (e->lg->cfg.secrets == MFA_SECRETS_VAULT)
		rc = write_vault(e, why, sizeof(why));
	else if ((rc = mfa_secret_serialize(e->s, &text, &len)) != MFA_OK)
		snprintf(why, sizeof(why), "cannot build the file: %s",
		    mfa_strerror(rc));
	else
		rc = write_as_user(e->lg, text, len, lost, why, sizeof(why));
	mfa_freezero(text, len);
	if (rc != MFA_OK)
		say_log(e->lg, LOG_ERR, "failed", why);
	return rc;
}

/*
 * Record the enrolment as pending in the root state, before anything else
 * is written: until pam_sm_setcred confirms it (mfa_enrol_login_confirm,
 * called only when the whole stack succeeded), the module ignores the new
 * file, so that a login with a wrong password cannot plant a secret.  An
 * unconfirmed file this enrolment replaces stays named too, in case the
 * new one cannot be written.
 */
static int
mark_pending(struct enrolment *e)
{
	char why[256] = "";
	struct mfa_login *lg = e->lg;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	int rc;

	mfa_state_init(&st);
	rc = mfa_login_store_begin(
	    lg, lg->username, &st, &txn, why, sizeof(why));
	if (rc == MFA_OK) {
		mfa_state_enrol_pending_clear(&st);
		st.has_enrol_pending = st.has_enrol_nonce = 1;
		memcpy(st.enrol_pending_id, e->s->id, 16);
		st.enrol_pending_at = lg->now;
		st.enrol_pending_step = e->step;
		memcpy(st.enrol_pending_nonce, e->nonce, sizeof(e->nonce));
		st.has_enrol_replaced = lg->unconfirmed_file;
		if (lg->unconfirmed_file)
			memcpy(st.enrol_replaced_id, lg->unconfirmed_id, 16);
		rc = mfa_store_commit(txn, &st, lg->now);
		if (rc != MFA_OK)
			snprintf(why, sizeof(why), "%s", mfa_strerror(rc));
	}
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	if (rc != MFA_OK)
		say_log(lg, LOG_ERR, "failed: state not saved, nothing written",
		    why);
	return rc;
}

/*
 * The pending mark, then the file, then the hand-over to setcred: a
 * failure at any step leaves nothing that counts (issue 14, DESIGN §12).
 * Returns SUCCESS, FALLBACK (nothing counts; the policy applies), REFUSED
 * (privileges lost) or UNAVAILABLE (written, not handed over).
 */
static enum mfa_verdict
record(struct enrolment *e)
{
	struct mfa_login *lg = e->lg;
	int lost = 0;

	if (mfa_handover_nonce(e->nonce) != MFA_OK) {
		say_log(lg, LOG_ERR, "failed", "no randomness");
		return MFA_VERDICT_FALLBACK;
	}
	if (mark_pending(e) != MFA_OK || save_file(e, &lost) != MFA_OK) {
		if (lost) {
			lg->reason = "privileges not regained";
			return MFA_VERDICT_REFUSED;
		}
		mfa_prompt_error(lg->pamh, lg->silent,
		    "The set-up could not be saved; nothing was changed.");
		return MFA_VERDICT_FALLBACK;
	}
	if (mfa_handover_publish(lg->pamh, MFA_HANDOVER_ENROL, e->nonce) !=
	    MFA_OK) {
		say_log(lg, LOG_ERR,
		    "failed: secret file written, not handed over",
		    "pam_putenv failed");
		lg->reason = "hand-over failed";
		return MFA_VERDICT_UNAVAILABLE;
	}
	return MFA_VERDICT_SUCCESS;
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
static enum mfa_verdict
finish(struct enrolment *e)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	struct mfa_login *lg = e->lg;
	enum mfa_verdict v;
	int rc;

	rc = mfa_backup_new_set(e->s, display, lg->now);
	if (rc != MFA_OK) {
		say_log(lg, LOG_ERR, "failed", mfa_strerror(rc));
		return MFA_VERDICT_FALLBACK;
	}
	v = record(e);
	if (v == MFA_VERDICT_SUCCESS) {
		mfa_prompt_info(lg->pamh, lg->silent, "%s",
		    e->renew == MFA_VAULT_REQUEST_NONE
			? "Code accepted: multi-factor authentication is set "
			  "up. Your next logins will ask for a code from the "
			  "app."
			: e->renew == MFA_VAULT_REQUEST_APP
			? "Code accepted: the new authenticator and these "
			  "backup codes replace the old ones when this login "
			  "completes."
			: "These backup codes replace the old ones when this "
			  "login completes.");
		if (show_backup(lg, display) != MFA_OK) {
			/* Enrolled, but the client is gone: fail closed. */
			lg->reason = "conversation failed after enrolment";
			say_log(lg, LOG_NOTICE, "failed", lg->reason);
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
static int
prepare(struct enrolment *e)
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
		say_log(lg, LOG_ERR, "failed", mfa_strerror(rc));
	return rc;
}

static enum mfa_verdict
conclude(struct enrolment *e, enum outcome out)
{
	struct mfa_login *lg = e->lg;
	enum mfa_verdict v;

	switch (out) {
	case ENROL_OK:
		v = finish(e);
		/* A renewal keeps the method of the factor just verified. */
		if (v == MFA_VERDICT_SUCCESS &&
		    e->renew == MFA_VAULT_REQUEST_NONE) {
			lg->method = MFA_METHOD_TOTP;
			lg->reason = "enrolled at login";
			say_log(lg, LOG_INFO, "completed", NULL);
		}
		return v;
	case ENROL_SKIP:
		say_log(lg, LOG_NOTICE, "skipped", NULL);
		return MFA_VERDICT_FALLBACK;
	case ENROL_WRONG:
		say_log(lg, LOG_NOTICE, "failed", "wrong code");
		return MFA_VERDICT_FALLBACK;
	default:
		say_log(lg, LOG_NOTICE, "failed", "conversation failed");
		return MFA_VERDICT_FALLBACK;
	}
}

enum mfa_verdict
mfa_enrol_login(struct mfa_login *lg)
{
	struct enrolment e;
	enum mfa_verdict v;

	if (lg->user == NULL || lg->store == NULL)
		return MFA_VERDICT_FALLBACK;
	if (lg->silent) { /* no messages, so nothing to scan */
		say_log(lg, LOG_NOTICE, "not offered", "PAM_SILENT");
		return MFA_VERDICT_FALLBACK;
	}
	memset(&e, 0, sizeof(e));
	e.lg = lg;
	say_log(lg, LOG_INFO, "started", NULL);
	if (prepare(&e) != MFA_OK)
		v = MFA_VERDICT_FALLBACK;
	else if (say_intro(lg) != MFA_OK)
		v = conclude(&e, ENROL_CONV);
	else {
		show_secret(&e);
		v = conclude(&e, ask_code(&e));
	}
	mfa_enrolment_text_wipe(&e.text);
	mfa_secret_free(e.s);
	MFA_WIPE_OBJ(&e);
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

/*
 * secrets = vault, once the state names the confirmed enrolment: a renewal
 * waits in the vault's pending slot; it becomes the current record and the
 * request in the home is done.  Nothing pending (or another enrolment's):
 * an enrolment at login, written to the current record already.
 */
static void
promote_vault(struct mfa_login *lg, const char *user, const unsigned char *id)
{
	struct mfa_vault v = {lg->cfg.state_dir, lg->cfg.lock_timeout};
	char why[256] = "";
	int rc;

	rc = mfa_vault_promote(&v, user, id, why, sizeof(why));
	/* A pending record of another id is a renewal abandoned earlier. */
	if (rc == MFA_ERR_NOENT || rc == MFA_ERR_MISMATCH)
		return;
	if (rc != MFA_OK) {
		mfa_log(&lg->log, LOG_ERR,
		    "user=%s renewal at login not moved into the vault, the "
		    "old enrolment stays: %s",
		    lg->user_clean, why);
		return;
	}
	mfa_log(&lg->log, LOG_INFO, "user=%s renewal at login now in force",
	    lg->user_clean);
	mfa_vault_request_done(lg);
}

/* Under the lock: promote the pending enrolment handed over as nonce. */
static int
promote(struct mfa_login *lg, const char *user,
    const unsigned char nonce[MFA_HANDOVER_NONCE_SIZE])
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	unsigned char id[16];
	uint64_t step;
	char why[256];
	int rc;

	rc = mfa_handover_store(lg, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_login_store_begin(
		    lg, user, &st, &txn, why, sizeof(why));
	if (rc != MFA_OK)
		return rc;
	memcpy(id, st.enrol_pending_id, sizeof(id));
	if (!st.has_enrol_pending || !st.has_enrol_nonce ||
	    !mfa_ct_equal(
		st.enrol_pending_nonce, nonce, MFA_HANDOVER_NONCE_SIZE) ||
	    lg->now < st.enrol_pending_at ||
	    lg->now - st.enrol_pending_at > MFA_ENROL_PENDING_TTL) {
		rc = MFA_ERR_NOENT;
	} else if (st.enrolled && mfa_ct_equal(st.enrolled_id, id, 16)) {
		/* New backup codes of the same enrolment (a renewal). */
		mfa_state_enrol_pending_clear(&st);
		rc = mfa_store_commit(txn, &st, lg->now);
	} else {
		step = st.enrol_pending_step;
		mfa_enrolment_mark(&st, id, lg->now, &step); /* clears it */
		mfa_state_record_success(&st, lg->now, MFA_METHOD_TOTP);
		rc = mfa_store_commit(txn, &st, lg->now);
	}
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	if (rc == MFA_OK && lg->cfg.secrets == MFA_SECRETS_VAULT)
		promote_vault(lg, user, id);
	mfa_wipe(id, sizeof(id));
	return rc;
}

void
mfa_enrol_login_confirm(struct mfa_login *lg)
{
	unsigned char nonce[MFA_HANDOVER_NONCE_SIZE];
	const void *user = NULL;
	int rc;

	rc = mfa_handover_take(lg->pamh, MFA_HANDOVER_ENROL, nonce);
	if (rc == MFA_ERR_NOENT)
		return;
	if (pam_get_item(lg->pamh, PAM_USER, &user) != PAM_SUCCESS ||
	    user == NULL)
		rc = MFA_ERR_INVALID;
	/* The account's record, whatever the spelling typed; a hand-over
	 * that did not check out stays refused. */
	if (rc == MFA_OK)
		rc = mfa_login_account(lg, user);
	if (rc == MFA_OK)
		rc = promote(lg, lg->username, nonce);
	mfa_wipe(nonce, sizeof(nonce));
	mfa_log_event(&lg->log, rc == MFA_OK ? LOG_INFO : LOG_NOTICE,
	    rc == MFA_OK ? &(struct mfa_event){.kind = MFA_EVENT_ENROLMENT,
			       .user = lg->user_clean,
			       .service = lg->service,
			       .method = "totp",
			       .result = "confirmed"}
			 : NULL,
	    "user=%s service=%s enrolment at login %s%s", lg->user_clean,
	    lg->service,
	    rc == MFA_OK ? "confirmed" : "not confirmed: " MFA_ENROL_ENV " ",
	    rc == MFA_OK ? "" : mfa_handover_why(rc));
}

/* ---- a renewal the user asked for (secrets = vault) ---- */

static const char *
request_word(enum mfa_vault_request r)
{
	return r == MFA_VAULT_REQUEST_APP ? "authenticator" : "backup-codes";
}

/* A new key: the QR code, a code from the new app, new backup codes. */
static enum mfa_verdict
renew_app(struct enrolment *e)
{
	struct mfa_login *lg = e->lg;

	if (prepare(e) != MFA_OK)
		return MFA_VERDICT_FALLBACK;
	e->may_skip = 1; /* the login has succeeded already */
	e->deadline[0] = '\0';
	mfa_prompt_info(lg->pamh, lg->silent,
	    "You asked for a new authenticator (mfa-enroll). Add this key "
	    "to your app; the old one keeps working until this login "
	    "completes.");
	show_secret(e);
	return conclude(e, ask_code(e));
}

/* The same enrolment with a new set of backup codes. */
static enum mfa_verdict
renew_backup(struct enrolment *e)
{
	struct mfa_login *lg = e->lg;
	struct mfa_parse_error perr = {0, ""};
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = mfa_secret_serialize(lg->secret, &text, &len);
	if (rc == MFA_OK) {
		rc = mfa_secret_parse(text, len, &e->s, &perr);
		mfa_freezero(text, len);
	}
	if (rc != MFA_OK) {
		say_log(lg, LOG_ERR, "failed", mfa_strerror(rc));
		return MFA_VERDICT_FALLBACK;
	}
	mfa_prompt_info(lg->pamh, lg->silent,
	    "You asked for new backup codes (mfa-enroll backup-codes).");
	return finish(e);
}

/* Is the factor just verified one that may honour a request? */
static int
may_renew(struct mfa_login *lg)
{
	if (lg->method == MFA_METHOD_TOTP || lg->method == MFA_METHOD_BACKUP)
		return 1;
	mfa_prompt_info(lg->pamh, lg->silent,
	    "Your request for new codes needs a login with a code from your "
	    "app or a backup code.");
	mfa_log(&lg->log, LOG_NOTICE,
	    "user=%s service=%s self-service request not honoured: only an "
	    "app or a backup code may",
	    lg->user_clean, lg->service);
	return 0;
}

enum mfa_verdict
mfa_enrol_login_renew(struct mfa_login *lg)
{
	enum mfa_vault_request r = MFA_VAULT_REQUEST_NONE;
	struct enrolment e;
	enum mfa_verdict v;
	int lost = 0;

	if (lg->cfg.secrets != MFA_SECRETS_VAULT || lg->secret == NULL ||
	    lg->unpriv || lg->silent)
		return MFA_VERDICT_SUCCESS;
	mfa_vault_request_read(lg, &r, &lost);
	if (lost) {
		lg->reason = "privileges not regained";
		return MFA_VERDICT_REFUSED;
	}
	if (r == MFA_VAULT_REQUEST_NONE || !may_renew(lg))
		return MFA_VERDICT_SUCCESS;
	memset(&e, 0, sizeof(e));
	e.lg = lg;
	e.renew = r;
	mfa_log(&lg->log, LOG_INFO,
	    "user=%s service=%s self-service request honoured: %s",
	    lg->user_clean, lg->service, request_word(r));
	v = r == MFA_VAULT_REQUEST_APP ? renew_app(&e) : renew_backup(&e);
	mfa_enrolment_text_wipe(&e.text);
	mfa_secret_free(e.s);
	MFA_WIPE_OBJ(&e);
	/* Not renewed: the login stands on the factor already verified. */
	return v == MFA_VERDICT_FALLBACK || v == MFA_VERDICT_UNAVAILABLE
	    ? MFA_VERDICT_SUCCESS
	    : v;
}
