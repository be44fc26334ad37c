/*
 * enrol_confirm.c - pam_sm_setcred's part of an enrolment made inside a
 * login (enrol_login.c, enrol_request.c): pam_sm_authenticate cannot see
 * whether the rest of the stack succeeded, so what it recorded stays
 * pending (enrol_record.c) until setcred, called only when the whole
 * stack succeeded, finds the nonce it handed over (handover.h).  Then the
 * pending record becomes the user's enrolment, and with secrets = vault
 * the vault's pending slot becomes the current one and the request in
 * the home is removed.
 */
#include <string.h>

#include <security/pam_modules.h>

#include "enrol_confirm.h"
#include "enrolment.h"
#include "error.h"
#include "handover.h"
#include "mem.h"
#include "store.h"
#include "vault.h"
#include "vault_request.h"

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
