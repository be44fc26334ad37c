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
#include <stdarg.h>
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
	struct mfa_vault_req req;       /* kind NONE: the first enrolment */
	struct mfa_authenticator added; /* ADD: the new one (secret) */
	char deadline[64];              /* "" without enforce_after */
	uint64_t step;                  /* the step proved */
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
	struct mfa_vault v = {
	    lg->store, lg->cfg.state_dir, lg->cfg.lock_timeout};
	int renew = e->req.kind != MFA_VAULT_REQUEST_NONE;

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
		/* Its first code is used: it logs in from the next step. */
		if (e->req.kind == MFA_VAULT_REQUEST_ADD)
			mfa_enrolment_set_floor(
			    &st, e->s, &e->added, e->step, 0);
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

static enum mfa_verdict finish_add(struct enrolment *e);

/* After a right code: backup codes, the state, the file, the codes. */
static enum mfa_verdict
finish(struct enrolment *e)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	struct mfa_login *lg = e->lg;
	enum mfa_verdict v;
	int rc;

	if (e->req.kind == MFA_VAULT_REQUEST_ADD)
		return finish_add(e);
	rc = mfa_backup_new_set(e->s, display, lg->now);
	if (rc != MFA_OK) {
		say_log(lg, LOG_ERR, "failed", mfa_strerror(rc));
		return MFA_VERDICT_FALLBACK;
	}
	v = record(e);
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

/* A request left as it was (skipped, wrong codes): the login goes on. */
static void
say_unchanged(const struct enrolment *e)
{
	if (e->req.kind != MFA_VAULT_REQUEST_NONE)
		mfa_prompt_info(e->lg->pamh, e->lg->silent,
		    "Nothing was changed: this login goes on with the code "
		    "you typed first, and your request waits for your next "
		    "login (delete ~/%s to cancel it).",
		    MFA_VAULT_REQUEST_NAME);
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
		    e->req.kind == MFA_VAULT_REQUEST_NONE) {
			lg->method = MFA_METHOD_TOTP;
			lg->reason = "enrolled at login";
			say_log(lg, LOG_INFO, "completed", NULL);
		}
		return v;
	case ENROL_SKIP:
		say_log(lg, LOG_NOTICE, "skipped", NULL);
		say_unchanged(e);
		return MFA_VERDICT_FALLBACK;
	case ENROL_WRONG:
		say_log(lg, LOG_NOTICE, "failed", "wrong code");
		say_unchanged(e);
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
	struct mfa_vault v = {
	    lg->store, lg->cfg.state_dir, lg->cfg.lock_timeout};
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

/* ---- what the user asked for (secrets = vault) ---- */

/* A copy of the current enrolment into *out, to change and write. */
static int
copy_current(struct enrolment *e, struct mfa_secret **out)
{
	struct mfa_parse_error perr = {0, ""};
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = mfa_secret_serialize(e->lg->secret, &text, &len);
	if (rc == MFA_OK) {
		rc = mfa_secret_parse(text, len, out, &perr);
		mfa_freezero(text, len);
	}
	if (rc != MFA_OK)
		say_log(e->lg, LOG_ERR, "failed", mfa_strerror(rc));
	return rc;
}

/* The request as the log names it: "authenticator", "remove phone"... */
static void
request_words(const struct mfa_vault_req *r, char *out, size_t outsz)
{
	char text[MFA_VAULT_REQUEST_MAX];
	const char *line = text + strlen(MFA_VAULT_REQUEST_HEADER);

	if (mfa_vault_request_format(r, text, sizeof(text)) != MFA_OK)
		line = "?\n";
	snprintf(out, outsz, "%.*s", (int)strcspn(line, "\n"), line);
}

static void
say_honoured(const struct enrolment *e)
{
	char what[64];

	request_words(&e->req, what, sizeof(what));
	mfa_log(&e->lg->log, LOG_INFO,
	    "user=%s service=%s self-service request honoured: %s",
	    e->lg->user_clean, e->lg->service, what);
}

/*
 * A request that cannot be honoured as written: the user is told (fmt),
 * it is logged (why) and removed, and the login stands on the factor
 * verified.
 */
static enum mfa_verdict __attribute__((format(printf, 3, 4)))
drop_request(const struct enrolment *e, const char *why, const char *fmt, ...)
{
	char what[64], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mfa_prompt_info(e->lg->pamh, e->lg->silent, "%s", msg);
	request_words(&e->req, what, sizeof(what));
	mfa_log(&e->lg->log, LOG_NOTICE,
	    "user=%s service=%s self-service request refused and removed: %s "
	    "(%s)",
	    e->lg->user_clean, e->lg->service, what, why);
	mfa_vault_request_done(e->lg);
	return e->lg->privs_lost ? MFA_VERDICT_REFUSED : MFA_VERDICT_SUCCESS;
}

/* A new key: the QR code and a code from it, after intro. */
static enum mfa_verdict
offer_key(struct enrolment *e, const char *intro)
{
	struct mfa_login *lg = e->lg;

	if (prepare(e) != MFA_OK)
		return MFA_VERDICT_FALLBACK;
	e->may_skip = 1; /* the login has succeeded already */
	e->deadline[0] = '\0';
	say_honoured(e);
	mfa_prompt_info(lg->pamh, lg->silent, "%s", intro);
	show_secret(e);
	return conclude(e, ask_code(e));
}

/* A new key in place of the current one, and new backup codes. */
static enum mfa_verdict
renew_app(struct enrolment *e)
{
	return offer_key(e,
	    "You asked for a new authenticator (mfa-enroll). Add this key "
	    "to your app; the old one keeps working until this login "
	    "completes.");
}

/* The same enrolment with a new set of backup codes. */
static enum mfa_verdict
renew_backup(struct enrolment *e)
{
	struct mfa_login *lg = e->lg;

	if (copy_current(e, &e->s) != MFA_OK)
		return MFA_VERDICT_FALLBACK;
	say_honoured(e);
	mfa_prompt_info(lg->pamh, lg->silent,
	    "You asked for new backup codes (mfa-enroll backup-codes).");
	return finish(e);
}

/* Another authenticator (mfa-enroll add): room and a free name first. */
static enum mfa_verdict
add_app(struct enrolment *e)
{
	struct mfa_login *lg = e->lg;
	char *name = e->req.name, intro[256];

	if (mfa_secret_auth_count(lg->secret) >= MFA_SECRET_AUTH_MAX)
		return drop_request(e, "at the most authenticators already",
		    "You asked for another authenticator (mfa-enroll add), "
		    "but you have %d, the most there can be: remove one "
		    "first (mfa-enroll remove NAME). The request is dropped.",
		    MFA_SECRET_AUTH_MAX);
	if (name[0] != '\0' && mfa_secret_auth_find(lg->secret, name) >= 0)
		return drop_request(e, "name taken",
		    "You asked for another authenticator called %s "
		    "(mfa-enroll add), but you have one by that name: ask "
		    "again with another name. The request is dropped.",
		    name);
	if (name[0] == '\0')
		mfa_enrolment_free_name(
		    lg->secret, 0, name, sizeof(e->req.name));
	snprintf(intro, sizeof(intro),
	    "You asked for another authenticator, %s (mfa-enroll add). Add "
	    "this key to it; your other authenticators keep working.",
	    name);
	return offer_key(e, intro);
}

/* After its first code: the new one joins a copy of the enrolment. */
static enum mfa_verdict
finish_add(struct enrolment *e)
{
	struct mfa_login *lg = e->lg;
	struct mfa_secret *cur = NULL;
	enum mfa_verdict v;
	int rc;

	mfa_enrolment_authenticator(e->s, e->req.name, 0, &e->added);
	if (copy_current(e, &cur) != MFA_OK)
		return MFA_VERDICT_FALLBACK;
	rc = mfa_secret_auth_add(cur, &e->added);
	if (rc != MFA_OK) {
		say_log(lg, LOG_ERR, "failed", mfa_strerror(rc));
		mfa_secret_free(cur);
		return MFA_VERDICT_FALLBACK;
	}
	mfa_secret_free(e->s);
	e->s = cur;
	v = record(e);
	if (v == MFA_VERDICT_SUCCESS)
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Code accepted: authenticator %s is added when this login "
		    "completes (%zu of %d).",
		    e->req.name, mfa_secret_auth_count(cur),
		    MFA_SECRET_AUTH_MAX);
	return v;
}

/*
 * The authenticator a remove request names, in a copy of the enrolment
 * without it (e->s); 0, or -1 with the request dropped (*v set).
 */
static int
without_named(struct enrolment *e, enum mfa_verdict *v)
{
	struct mfa_login *lg = e->lg;
	const char *name = e->req.name;
	int i = mfa_secret_auth_find(lg->secret, name), rc;

	*v = MFA_VERDICT_SUCCESS;
	if (i < 0 || mfa_secret_auth_count(lg->secret) == 1) {
		*v = drop_request(e, i < 0 ? "no such name" : "the last one",
		    i < 0 ? "You asked to remove the authenticator %s "
			    "(mfa-enroll remove), but you have none by that "
			    "name. The request is dropped."
			  : "You asked to remove %s (mfa-enroll remove), your "
			    "only authenticator: ask your administrator for a "
			    "reset instead. The request is dropped.",
		    name);
		return -1;
	}
	if (copy_current(e, &e->s) != MFA_OK) {
		*v = MFA_VERDICT_FALLBACK;
		return -1;
	}
	rc = mfa_secret_auth_remove(e->s, (size_t)i);
	if (rc != MFA_OK) { /* the enrolment's own app before tokens */
		*v = drop_request(e, "the only app",
		    "You asked to remove %s (mfa-enroll remove), your only "
		    "authenticator app: add another app first. The request "
		    "is dropped.",
		    name);
		return -1;
	}
	return 0;
}

/* Remove an authenticator (mfa-enroll remove NAME), proved by another. */
static enum mfa_verdict
remove_app(struct enrolment *e)
{
	struct mfa_login *lg = e->lg;
	enum mfa_verdict v;

	/* A moment at an unlocked phone must not take the others away. */
	if (lg->method == MFA_METHOD_TOTP &&
	    strcmp(lg->auth_name, e->req.name) == 0) {
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Your request to remove %s needs a login with a code from "
		    "another authenticator or a backup code, not from %s "
		    "itself. It waits for such a login.",
		    e->req.name, e->req.name);
		mfa_log(&lg->log, LOG_NOTICE,
		    "user=%s service=%s self-service request not honoured: a "
		    "code from the authenticator to remove",
		    lg->user_clean, lg->service);
		return MFA_VERDICT_SUCCESS;
	}
	if (without_named(e, &v) != 0)
		return v;
	say_honoured(e);
	v = record(e);
	if (v == MFA_VERDICT_SUCCESS)
		mfa_prompt_info(lg->pamh, lg->silent,
		    "The authenticator %s is removed when this login "
		    "completes; %zu left.",
		    e->req.name, mfa_secret_auth_count(e->s));
	return v;
}

/* Is the factor just verified one that may honour request r? */
static int
may_renew(struct mfa_login *lg, const struct mfa_vault_req *r)
{
	if (lg->method == MFA_METHOD_TOTP || lg->method == MFA_METHOD_BACKUP)
		return 1;
	if (r->kind == MFA_VAULT_REQUEST_REMOVE)
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Your request to remove %s needs a login with a code from "
		    "another authenticator or a backup code.",
		    r->name);
	else
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Your request for %s needs a login with a code from your "
		    "app or a backup code.",
		    r->kind == MFA_VAULT_REQUEST_ADD ? "another authenticator"
						     : "new codes");
	mfa_log(&lg->log, LOG_NOTICE,
	    "user=%s service=%s self-service request not honoured: only an "
	    "app or a backup code may",
	    lg->user_clean, lg->service);
	return 0;
}

static enum mfa_verdict
honour(struct enrolment *e)
{
	switch (e->req.kind) {
	case MFA_VAULT_REQUEST_APP:
		return renew_app(e);
	case MFA_VAULT_REQUEST_BACKUP:
		return renew_backup(e);
	case MFA_VAULT_REQUEST_ADD:
		return add_app(e);
	default:
		return remove_app(e);
	}
}

enum mfa_verdict
mfa_enrol_login_renew(struct mfa_login *lg)
{
	struct mfa_vault_req r;
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
	if (r.kind == MFA_VAULT_REQUEST_NONE || !may_renew(lg, &r))
		return MFA_VERDICT_SUCCESS;
	memset(&e, 0, sizeof(e));
	e.lg = lg;
	e.req = r;
	v = honour(&e);
	mfa_enrolment_text_wipe(&e.text);
	mfa_secret_free(e.s);
	MFA_WIPE_OBJ(&e);
	/* Not renewed: the login stands on the factor already verified. */
	return v == MFA_VERDICT_FALLBACK || v == MFA_VERDICT_UNAVAILABLE
	    ? MFA_VERDICT_SUCCESS
	    : v;
}
