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
#include <stdio.h>
#include <string.h>

#include <security/pam_modules.h>

#include "enrol_confirm.h"
#include "enrolment.h"
#include "error.h"
#include "handover.h"
#include "mem.h"
#include "secretfile.h"
#include "store.h"
#include "vault.h"
#include "vault_request.h"

/* The name of authenticator i of s (0: the one of s->key). */
static const char *
auth_name(const struct mfa_secret *s, size_t i)
{
	return i == 0 ? s->name : s->extra[i - 1].name;
}

/* The first authenticator of more that less has no name for. */
static const char *
name_not_in(const struct mfa_secret *more, const struct mfa_secret *less)
{
	size_t i, n = mfa_secret_auth_count(more);

	for (i = 0; i < n; i++)
		if (mfa_secret_auth_find(less, auth_name(more, i)) < 0)
			return auth_name(more, i);
	return "?";
}

/*
 * What a promotion put in force, for the log: told by the vault's record
 * before it (old, NULL when it could not be read) and the one now
 * current, never by the request in the home, which the user may have
 * changed since.  A renewal of the app is a new enrolment id; a request
 * to add or remove one keeps the id and changes the authenticators; new
 * backup codes change neither.
 */
static void
describe(const struct mfa_vault *v, const char *user,
    const struct mfa_secret *old, char *out, size_t outsz)
{
	struct mfa_secret *cur = NULL;
	size_t was, now;

	snprintf(out, outsz, "a renewal at login");
	if (old == NULL ||
	    mfa_vault_load(v, user, MFA_VAULT_CURRENT, &cur, NULL, 0) != MFA_OK)
		return;
	was = mfa_secret_auth_count(old);
	now = mfa_secret_auth_count(cur);
	if (!mfa_ct_equal(old->id, cur->id, sizeof(old->id)))
		snprintf(out, outsz, "renewal of the app");
	else if (now > was)
		snprintf(out, outsz, "authenticator %s added",
		    name_not_in(cur, old));
	else if (now < was)
		snprintf(out, outsz, "authenticator %s removed",
		    name_not_in(old, cur));
	else
		snprintf(out, outsz, "new backup codes");
	mfa_secret_free(cur);
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
	struct mfa_secret *old = NULL;
	char why[256] = "", what[96] = "";
	int rc;

	/* The record in force until now, to say what changed. */
	(void)mfa_vault_load(&v, user, MFA_VAULT_CURRENT, &old, NULL, 0);
	rc = mfa_vault_promote(&v, user, id, why, sizeof(why));
	if (rc == MFA_OK)
		describe(&v, user, old, what, sizeof(what));
	mfa_secret_free(old);
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
	mfa_log(&lg->log, LOG_INFO, "user=%s now in force: %s", lg->user_clean,
	    what);
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
