/*
 * enrol_record.c - an enrolment made inside a login, recorded for setcred
 * to confirm: the pending mark in the root state first, then the secret
 * file (or, with secrets = vault, root's record), then the nonce handed
 * over (handover.h).
 *
 * The pending mark goes into the state first and the file after it, so
 * that whichever write fails, no file the state does not name as
 * unconfirmed is left (issue 14); setcred confirms it (enrol_confirm.c).
 * The secret file is written with the user's identity, never root's
 * (DESIGN section 2), and it is never written over: if one appeared while
 * the user was typing, theirs wins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_modutil.h>

#include "enrol_flow.h"
#include "enrolment.h"
#include "error.h"
#include "mem.h"
#include "prompt.h"
#include "secret_write.h"
#include "store.h"
#include "user.h"
#include "vault.h"

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
write_vault(struct mfa_enrol *e, char *why, size_t whysz)
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
save_file(struct mfa_enrol *e, int *lost)
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
		mfa_enrol_log(e->lg, LOG_ERR, "failed", why);
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
mark_pending(struct mfa_enrol *e)
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
		mfa_enrol_log(lg, LOG_ERR,
		    "failed: state not saved, nothing written", why);
	return rc;
}

/*
 * The pending mark, then the file, then the hand-over to setcred: a
 * failure at any step leaves nothing that counts (issue 14, DESIGN §12).
 * Returns SUCCESS, FALLBACK (nothing counts; the policy applies), REFUSED
 * (privileges lost) or UNAVAILABLE (written, not handed over).
 */
enum mfa_verdict
mfa_enrol_record(struct mfa_enrol *e)
{
	struct mfa_login *lg = e->lg;
	int lost = 0;

	if (mfa_handover_nonce(e->nonce) != MFA_OK) {
		mfa_enrol_log(lg, LOG_ERR, "failed", "no randomness");
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
		mfa_enrol_log(lg, LOG_ERR,
		    "failed: secret file written, not handed over",
		    "pam_putenv failed");
		lg->reason = "hand-over failed";
		return MFA_VERDICT_UNAVAILABLE;
	}
	return MFA_VERDICT_SUCCESS;
}
