/*
 * login.c - one login's context: options, names, the account, the log
 * line.  The decision itself is policy.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "clock.h"
#include "config_load.h"
#include "error.h"
#include "login.h"
#include "mem.h"
#include "secretfile.h"
#include "store.h"
#include "user.h"

/* The reason of a login stopped by a bad option (an event of its own). */
static const char reason_config[] = "configuration error";

/* Copy PAM item `item` (a string) into out, cleaned for a log line. */
static void
item_for_log(pam_handle_t *pamh, int item, char *out, size_t outsz)
{
	const void *v = NULL;

	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS || v == NULL)
		v = "";
	mfa_log_clean(v, out, outsz);
}

enum mfa_verdict
mfa_login_begin(pam_handle_t *pamh, int flags, int argc, const char **argv,
    struct mfa_login **out)
{
	struct mfa_login *lg;
	char err[256];

	*out = lg = calloc(1, sizeof(*lg));
	if (lg == NULL)
		return MFA_VERDICT_NO_MEMORY;
	lg->pamh = pamh;
	lg->silent = ((unsigned int)flags & PAM_SILENT) != 0;
	lg->log.pamh = pamh;
	lg->now = mfa_clock_now();
	item_for_log(pamh, PAM_SERVICE, lg->service, sizeof(lg->service));
	item_for_log(pamh, PAM_RHOST, lg->rhost, sizeof(lg->rhost));
	snprintf(lg->user_clean, sizeof(lg->user_clean), "?");
	if (mfa_config_load(&lg->cfg, argc, argv, err, sizeof(err)) != MFA_OK) {
		lg->reason = reason_config;
		mfa_log(&lg->log, LOG_ERR, "configuration error: %s", err);
		return MFA_VERDICT_SERVICE_ERROR;
	}
	lg->log.debug = lg->cfg.debug;
	return MFA_VERDICT_SUCCESS;
}

int
mfa_login_account(struct mfa_login *lg, const char *name)
{
	char typed[sizeof(lg->user_clean)];
	int rc;

	mfa_user_free(lg->user); /* setcred may resolve twice */
	lg->user = NULL;
	lg->username = name;
	mfa_log_clean(name, lg->user_clean, sizeof(lg->user_clean));
	rc = mfa_user_lookup(name, &lg->user);
	if (rc != MFA_OK)
		return rc;
	/*
	 * One account, one record: with a case-insensitive name service
	 * (SSSD, winbind) "ALICE" and "alice" are the same user, and keying
	 * state by the spelling typed would give each its own lock-out,
	 * replay floor and enrolment mark.
	 */
	lg->username = lg->user->pw.pw_name;
	if (strcmp(name, lg->username) == 0)
		return MFA_OK;
	memcpy(typed, lg->user_clean, sizeof(typed));
	mfa_log_clean(lg->username, lg->user_clean, sizeof(lg->user_clean));
	mfa_log(&lg->log, LOG_NOTICE, "user=%s service=%s: name typed as %s",
	    lg->user_clean, lg->service, typed);
	return MFA_OK;
}

void
mfa_login_free(struct mfa_login *lg)
{
	if (lg == NULL)
		return;
	mfa_strfree(lg->combined); /* a password: wiped */
	mfa_secret_free(lg->secret);
	mfa_store_close(lg->store);
	mfa_user_free(lg->user);
	mfa_config_free(&lg->cfg);
	free(lg);
}

/* The kind of audit event the decision v is. */
static enum mfa_event_kind
event_kind(const struct mfa_login *lg, enum mfa_verdict v)
{
	if (v == MFA_VERDICT_SUCCESS)
		return lg->method == MFA_METHOD_BACKUP ? MFA_EVENT_BACKUP_USED
						       : MFA_EVENT_SUCCESS;
	if (v == MFA_VERDICT_IGNORE)
		return MFA_EVENT_IGNORED;
	if (v == MFA_VERDICT_LOCKED)
		return MFA_EVENT_LOCKOUT;
	return lg->reason == reason_config ? MFA_EVENT_CONFIG_ERROR
					   : MFA_EVENT_FAILURE;
}

/* What answered, for MFA_AUTHENTICATOR: never the code itself. */
static const char *
authenticator(const struct mfa_login *lg)
{
	switch (lg->method) {
	case MFA_METHOD_TOTP:
		return "authenticator app";
	case MFA_METHOD_BACKUP:
		return "backup code";
	case MFA_METHOD_EMAIL:
		return "code sent by email";
	case MFA_METHOD_SMS:
		return "code sent by SMS";
	case MFA_METHOD_TRUSTED_DEVICE:
		return "trusted device";
	case MFA_METHOD_FIDO2_KEY:
		return "FIDO2 security key";
	default:
		return NULL;
	}
}

/* The decision v as an audit event (log.h).  MFA_AUTHENTICATOR is the
 * name of the app or token whose code was accepted ("app", "phone2", as
 * mfa-enroll list shows it), so that journalctl MFA_AUTHENTICATOR=NAME
 * finds its logins; else what answered. */
static void
decision_event(
    const struct mfa_login *lg, enum mfa_verdict v, struct mfa_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = event_kind(lg, v);
	ev->user = lg->user_clean;
	ev->service = lg->service;
	ev->rhost = lg->rhost[0] != '\0' ? lg->rhost : NULL;
	ev->method = mfa_method_name(lg->method);
	ev->result = mfa_verdict_name(v);
	ev->reason = lg->reason;
	ev->authenticator = authenticator(lg);
	if (lg->method == MFA_METHOD_TOTP && lg->auth_name[0] != '\0')
		ev->authenticator = lg->auth_name;
	if (lg->key_fp[0] != '\0')
		ev->key_sha256 = lg->key_fp;
	else if (lg->method == MFA_METHOD_TRUSTED_DEVICE &&
	    lg->device_fp[0] != '\0')
		ev->key_sha256 = lg->device_fp;
}

void
mfa_login_end(struct mfa_login *lg, enum mfa_verdict v)
{
	char drift[32];
	struct mfa_event ev;
	int named;

	if (lg == NULL)
		return;
	decision_event(lg, v, &ev);
	named = lg->method == MFA_METHOD_TOTP && lg->auth_name[0] != '\0';
	/* The authenticator's clock offset that was learnt: the admin sees
	 * a phone whose clock wanders before its codes fail. */
	snprintf(drift, sizeof(drift), " clock_offset=%+ds", lg->drift);
	mfa_log_event(&lg->log,
	    v == MFA_VERDICT_SUCCESS ? LOG_INFO : LOG_NOTICE, &ev,
	    "user=%s service=%s rhost=%s method=%s result=%s%s%s%s%s%s%s%s%s%s",
	    lg->user_clean, lg->service, lg->rhost[0] != '\0' ? lg->rhost : "-",
	    mfa_method_name(lg->method), mfa_verdict_name(v),
	    named ? " authenticator=" : "", named ? lg->auth_name : "",
	    named && lg->drift != 0 ? drift : "",
	    lg->key_fp[0] != '\0' ? " key=" : "", lg->key_fp,
	    lg->cfg.line != NULL ? " line=" : "",
	    lg->cfg.line != NULL ? lg->cfg.line : "",
	    lg->reason != NULL ? " reason=" : "",
	    lg->reason != NULL ? lg->reason : "");
	mfa_login_free(lg);
}

int
mfa_login_store_begin(struct mfa_login *lg, const char *user,
    struct mfa_state *st, struct mfa_store_txn **txn, char *why, size_t whysz)
{
	int rc;

	rc = mfa_store_begin(
	    lg->store, user, lg->cfg.lock_timeout, st, txn, why, whysz);
	if (rc == MFA_OK)
		lg->now =
		    mfa_clock_store(mfa_store_now(*txn, lg->now), lg->now);
	return rc;
}
