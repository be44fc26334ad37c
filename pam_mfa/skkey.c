/*
 * skkey.c - a FIDO2 SSH key as the second factor (see skkey.h).
 */
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "device.h"
#include "error.h"
#include "prompt.h"
#include "skkey.h"
#include "store.h"

/*
 * The fingerprint of the FIDO2 key in SSH_AUTH_INFO_0 into fp: 1, or 0
 * when there is none (no key, another type, a value that does not parse:
 * logged, since sshd never writes one).
 */
static int
sk_key_fingerprint(struct mfa_login *lg, char fp[MFA_DEVICE_FP_MAX + 1])
{
	const char *info = pam_getenv(lg->pamh, "SSH_AUTH_INFO_0");
	struct mfa_parse_error err = {0, ""};
	unsigned char *blob = NULL;
	char *keytype = NULL;
	size_t bloblen = 0;
	int rc, found = 0;

	if (info == NULL || *info == '\0')
		return 0;
	rc = mfa_device_parse_authinfo_err(
	    info, &keytype, &blob, &bloblen, &err);
	if (rc == MFA_OK && mfa_device_is_sk_type(keytype))
		found = mfa_device_fingerprint(blob, bloblen, fp) == MFA_OK;
	else if (rc != MFA_OK && rc != MFA_ERR_NOENT)
		mfa_log(&lg->log, LOG_NOTICE,
		    "no security key for %s: SSH_AUTH_INFO_0 line %u: %s",
		    lg->user_clean, err.line, err.msg);
	free(keytype);
	free(blob);
	return found;
}

/* Record the key's success in the user's record, under the lock. */
static enum mfa_skkey
record_success(struct mfa_login *lg)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	enum mfa_skkey out = MFA_SKKEY_PASSED;
	char why[256];
	int rc;

	if (mfa_store_begin(lg->store, lg->username, lg->cfg.lock_timeout, &st,
		&txn, why, sizeof(why)) != MFA_OK) {
		mfa_log(
		    &lg->log, LOG_ERR, "state for %s: %s", lg->user_clean, why);
		lg->reason = "state unavailable";
		return MFA_SKKEY_FAILED;
	}
	if (mfa_state_lock_end(&st, lg->source, lg->now) != 0) {
		out = MFA_SKKEY_LOCKED;
	} else {
		mfa_state_record_success(&st, lg->now, MFA_METHOD_FIDO2_KEY);
		(void)mfa_state_source_success(&st, lg->source); /* a key */
		if ((rc = mfa_store_commit(txn, &st, lg->now)) != MFA_OK) {
			mfa_log(&lg->log, LOG_ERR,
			    "cannot save the state of %s: %s: refusing the "
			    "login",
			    lg->user_clean, mfa_strerror(rc));
			lg->reason = "state not saved";
			out = MFA_SKKEY_FAILED;
		}
	}
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	return out;
}

enum mfa_skkey
mfa_skkey_check(struct mfa_login *lg)
{
	char fp[MFA_DEVICE_FP_MAX + 1];
	const void *service = NULL;
	enum mfa_skkey out;

	if (lg->cfg.sk_keys != MFA_SK_KEYS_SECOND_FACTOR)
		return MFA_SKKEY_NONE;
	/* sshd takes the key from ~/.ssh/authorized_keys, which the user
	 * writes: in vault mode that would let the user's shell choose the
	 * second factor, which the vault exists to prevent. */
	if (lg->cfg.secrets == MFA_SECRETS_VAULT) {
		mfa_log(&lg->log, LOG_NOTICE,
		    "sk_keys=second-factor ignored for %s: with secrets=vault "
		    "a FIDO2 key from the user's authorized_keys is no second "
		    "factor; asking for the code",
		    lg->user_clean);
		return MFA_SKKEY_NONE;
	}
	/* Elsewhere another module may have put SSH_AUTH_INFO_0 there. */
	if (pam_get_item(lg->pamh, PAM_SERVICE, &service) != PAM_SUCCESS ||
	    !mfa_config_trust_service(&lg->cfg, service))
		return MFA_SKKEY_NONE;
	if (!sk_key_fingerprint(lg, fp))
		return MFA_SKKEY_NONE;
	out = record_success(lg);
	if (out != MFA_SKKEY_PASSED)
		return out;
	lg->method = MFA_METHOD_FIDO2_KEY;
	memcpy(lg->key_fp, fp, sizeof(lg->key_fp));
	mfa_prompt_info(
	    lg->pamh, lg->silent, "Second factor given by your security key.");
	return MFA_SKKEY_PASSED;
}
