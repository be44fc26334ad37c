/*
 * trust.c - "Trust this device for N days" (see trust.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <security/pam_ext.h>

#include "enrolment.h"
#include "error.h"
#include "mem.h"
#include "prompt.h"
#include "random.h"
#include "secretfile.h"
#include "sendcode.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"
#include "trust.h"

#define DAY 86400

/* A PAM string item, or "" when unset. */
static const char *
item(pam_handle_t *pamh, int which)
{
	const void *v = NULL;

	if (pam_get_item(pamh, which, &v) != PAM_SUCCESS || v == NULL)
		return "";
	return v;
}

/* The key sshd verified, from SSH_AUTH_INFO_0 (authenticate only). */
static int
identify_sshkey(struct mfa_login *lg, struct mfa_device_id *id)
{
	const char *info = pam_getenv(lg->pamh, "SSH_AUTH_INFO_0");
	struct mfa_parse_error err = {0, ""};
	unsigned char *blob = NULL;
	char *keytype = NULL;
	size_t bloblen = 0;
	int rc;

	if (info == NULL || *info == '\0')
		return 0;
	rc = mfa_device_parse_authinfo_err(
	    info, &keytype, &blob, &bloblen, &err);
	if (rc == MFA_OK)
		rc = mfa_device_id_sshkey(lg->username,
		    item(lg->pamh, PAM_SERVICE), keytype, blob, bloblen,
		    item(lg->pamh, PAM_RHOST), id);
	/* The whole print, for the journal's MFA_KEY_SHA256 (login.h); ""
	 * when it cannot be made. */
	if (rc == MFA_OK)
		(void)mfa_device_fingerprint(blob, bloblen, lg->device_fp);
	else if (rc != MFA_ERR_NOENT)
		mfa_log(&lg->log, LOG_NOTICE,
		    "no trusted-device identity for %s: SSH_AUTH_INFO_0 line "
		    "%u: %s",
		    lg->user_clean, err.line, err.msg);
	free(keytype);
	free(blob);
	return rc == MFA_OK;
}

int
mfa_trust_identify(struct mfa_login *lg, struct mfa_device_id *id)
{
	const char *rhost;

	memset(id, 0, sizeof(*id));
	if (lg->cfg.trust_days == 0)
		return 0;
	/*
	 * Only where the admin names the service: another module may put
	 * SSH_AUTH_INFO_0 into the environment of a console login or sudo.
	 */
	if (!mfa_config_trust_service(&lg->cfg, item(lg->pamh, PAM_SERVICE))) {
		mfa_log(&lg->log, LOG_DEBUG,
		    "no trust on service %s: not in trust_services=",
		    lg->service);
		return 0;
	}
	if (lg->cfg.trust_by == MFA_TRUST_SSHKEY)
		return identify_sshkey(lg, id);
	rhost = item(lg->pamh, PAM_RHOST);
	return *rhost != '\0' &&
	    mfa_device_id_rhost(
		lg->username, item(lg->pamh, PAM_SERVICE), rhost, id) == MFA_OK;
}

/* Is *id a valid trusted device of this enrolment in *st?  Its index. */
static int
find_device(struct mfa_login *lg, const struct mfa_state *st,
    const struct mfa_device_id *id)
{
	if (!mfa_enrolment_same(st, lg->secret))
		return -1;
	return mfa_device_find(st, id, lg->secret->trust_generation, lg->now,
	    (int64_t)lg->cfg.trust_days * DAY);
}

enum mfa_trust_skip
mfa_trust_skip(struct mfa_login *lg, const struct mfa_device_id *id)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char why[256], until[32];
	int idx, rc;

	if (mfa_login_store_begin(
		lg, lg->username, &st, &txn, why, sizeof(why)) != MFA_OK) {
		mfa_log(
		    &lg->log, LOG_ERR, "state for %s: %s", lg->user_clean, why);
		return MFA_TRUST_FAILED;
	}
	idx = mfa_state_is_locked(&st, lg->now) ? -1 : find_device(lg, &st, id);
	if (idx >= 0) {
		st.devices[idx].last_used = lg->now;
		mfa_state_record_success(
		    &st, lg->now, MFA_METHOD_TRUSTED_DEVICE);
		mfa_timefmt_utc(st.devices[idx].expires, "%Y-%m-%d", "?", until,
		    sizeof(until));
	}
	rc = idx >= 0 ? mfa_store_commit(txn, &st, lg->now) : MFA_OK;
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	if (rc != MFA_OK)
		return MFA_TRUST_FAILED;
	if (idx < 0)
		return MFA_TRUST_ASK;
	lg->method = MFA_METHOD_TRUSTED_DEVICE;
	mfa_prompt_info(lg->pamh, lg->silent,
	    "Second factor skipped: trusted device, until %s.", until);
	return MFA_TRUST_SKIPPED;
}

/* Room for one more pending "yes": drop stale ones, then the oldest. */
static size_t
pending_slot(struct mfa_state *st, const struct mfa_device_id *id, int64_t now)
{
	size_t i, oldest = 0;

	for (i = 0; i < st->npending; i++)
		if (memcmp(st->pending[i].digest, id->digest, 32) == 0 ||
		    now - st->pending[i].created > MFA_TRUST_PENDING_TTL)
			return i;
	if (st->npending < MFA_STATE_MAX_PENDING)
		return st->npending++;
	for (i = 1; i < st->npending; i++)
		if (st->pending[i].created < st->pending[oldest].created)
			oldest = i;
	return oldest;
}

/* Record the "yes" handed over as nonce in the root state; MFA_OK or an
 * error. */
static int
record_pending(struct mfa_login *lg, const struct mfa_device_id *id,
    const unsigned char nonce[MFA_HANDOVER_NONCE_SIZE])
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_device_pending *p;
	struct mfa_state st;
	char why[256];
	int rc;

	rc = mfa_login_store_begin(
	    lg, lg->username, &st, &txn, why, sizeof(why));
	if (rc != MFA_OK)
		return rc;
	p = &st.pending[pending_slot(&st, id, lg->now)];
	memset(p, 0, sizeof(*p));
	p->has_nonce = 1;
	memcpy(p->nonce, nonce, sizeof(p->nonce));
	memcpy(p->digest, id->digest, sizeof(p->digest));
	p->created = lg->now;
	p->expires = lg->now + (int64_t)lg->cfg.trust_days * DAY;
	p->generation = lg->secret->trust_generation;
	snprintf(p->label, sizeof(p->label), "%s", id->label);
	rc = mfa_store_commit(txn, &st, lg->now);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	return rc;
}

/* "Trust this device?"; 1 for yes. */
static int
ask(struct mfa_login *lg)
{
	char question[64], *answer = NULL;
	int yes;

	snprintf(question, sizeof(question),
	    "Trust this device for %u days? [y/N]: ", lg->cfg.trust_days);
	if (mfa_prompt_ask(lg->pamh, 1, question, &answer) != MFA_OK)
		return 0;
	yes = mfa_prompt_is_yes(answer);
	mfa_strfree(answer);
	return yes;
}

void
mfa_trust_offer(struct mfa_login *lg, const struct mfa_device_id *id)
{
	unsigned char nonce[MFA_HANDOVER_NONCE_SIZE];
	int rc;

	if (lg->silent || !ask(lg))
		return;
	/* The pending record first, then the hand-over that names it. */
	rc = mfa_handover_nonce(nonce);
	if (rc == MFA_OK)
		rc = record_pending(lg, id, nonce);
	if (rc == MFA_OK)
		rc = mfa_handover_publish(lg->pamh, MFA_HANDOVER_TRUST, nonce);
	mfa_wipe(nonce, sizeof(nonce));
	if (rc != MFA_OK) {
		mfa_log(&lg->log, LOG_ERR,
		    "cannot record a trusted device for %s: %s", lg->user_clean,
		    mfa_strerror(rc));
		return;
	}
	mfa_prompt_info(lg->pamh, lg->silent,
	    "This device will be trusted for %u days.", lg->cfg.trust_days);
	mfa_sendcode_notify(lg, "A device was marked as trusted");
}

/* The pending "yes" handed over as nonce, recent enough; its index or -1. */
static int
find_pending(const struct mfa_state *st,
    const unsigned char nonce[MFA_HANDOVER_NONCE_SIZE], int64_t now)
{
	size_t i;
	int found = -1;

	for (i = 0; i < st->npending; i++)
		if (st->pending[i].has_nonce &&
		    mfa_ct_equal(
			st->pending[i].nonce, nonce, MFA_HANDOVER_NONCE_SIZE) &&
		    now >= st->pending[i].created &&
		    now - st->pending[i].created <= MFA_TRUST_PENDING_TTL)
			found = (int)i;
	return found;
}

/* Move pending[i] into the trusted devices. */
static int
promote(struct mfa_state *st, size_t i, int64_t now)
{
	struct mfa_device d;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = mfa_random_bytes(d.id, sizeof(d.id));
	if (rc != MFA_OK)
		return rc;
	memcpy(d.digest, st->pending[i].digest, sizeof(d.digest));
	d.created = d.last_used = now;
	d.expires = st->pending[i].expires;
	d.generation = st->pending[i].generation;
	memcpy(d.label, st->pending[i].label, sizeof(d.label));
	rc = mfa_state_device_add(st, &d);
	st->pending[i] = st->pending[--st->npending];
	return rc;
}

/* Confirm the pending device handed over as nonce, its digest in
 * digest; MFA_OK or an error. */
static int
confirm(struct mfa_login *lg, const char *user,
    const unsigned char nonce[MFA_HANDOVER_NONCE_SIZE],
    unsigned char digest[32])
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char why[256];
	int rc, i;

	rc = mfa_handover_store(lg, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_login_store_begin(
		    lg, user, &st, &txn, why, sizeof(why));
	if (rc != MFA_OK)
		return rc;
	i = find_pending(&st, nonce, lg->now);
	if (i >= 0) {
		memcpy(digest, st.pending[i].digest, 32);
		rc = promote(&st, (size_t)i, lg->now);
		if (rc == MFA_OK)
			rc = mfa_store_commit(txn, &st, lg->now);
	}
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	return i < 0 ? MFA_ERR_NOENT : rc;
}

/*
 * The SSH key of the device just trusted (digest), for the journal's
 * MFA_KEY_SHA256: the key of SSH_AUTH_INFO_0 (sshd puts it into the PAM
 * environment of the handle it later calls setcred on, before
 * authentication starts), taken only when its identity is the device's,
 * so another key in the environment cannot be logged as the one trusted.
 * NULL when unknown (trust_by=rhost, no SSH_AUTH_INFO_0 here).
 */
static const char *
trusted_key(struct mfa_login *lg, const unsigned char digest[32])
{
	struct mfa_device_id id;
	const char *fp = NULL;

	if (lg->cfg.trust_by == MFA_TRUST_SSHKEY &&
	    mfa_trust_identify(lg, &id) &&
	    mfa_ct_equal(id.digest, digest, 32) && lg->device_fp[0] != '\0')
		fp = lg->device_fp;
	MFA_WIPE_OBJ(&id);
	return fp;
}

void
mfa_trust_confirm(struct mfa_login *lg)
{
	unsigned char nonce[MFA_HANDOVER_NONCE_SIZE], digest[32] = {0};
	const char *user = item(lg->pamh, PAM_USER), *key = NULL;
	int rc;

	rc = mfa_handover_take(lg->pamh, MFA_HANDOVER_TRUST, nonce);
	if (rc == MFA_ERR_NOENT)
		return;
	mfa_log_clean(user, lg->user_clean, sizeof(lg->user_clean));
	if (rc == MFA_OK && *user == '\0')
		rc = MFA_ERR_INVALID;
	/* The record is the account's, whatever the spelling typed. */
	if (rc == MFA_OK)
		rc = mfa_login_account(lg, user);
	if (rc == MFA_OK)
		rc = confirm(lg, lg->username, nonce, digest);
	mfa_wipe(nonce, sizeof(nonce));
	if (rc == MFA_OK)
		key = trusted_key(lg, digest);
	if (rc == MFA_OK)
		mfa_log_event(&lg->log, LOG_INFO,
		    &(struct mfa_event){.kind = MFA_EVENT_DEVICE_TRUSTED,
			.user = lg->user_clean,
			.service = lg->service,
			.rhost = lg->rhost[0] != '\0' ? lg->rhost : NULL,
			.key_sha256 = key},
		    "user=%s service=%s trusted a device%s%s", lg->user_clean,
		    lg->service, key != NULL ? " key=" : "",
		    key != NULL ? key : "");
	else
		mfa_log(&lg->log, LOG_NOTICE,
		    "user=%s service=%s: no device trusted: " MFA_TRUST_ENV
		    " ignored: %s",
		    lg->user_clean, lg->service, mfa_handover_why(rc));
}
