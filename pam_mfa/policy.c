/*
 * policy.c - the second-factor decision of one login: who must answer,
 * what a missing, unconfirmed or refused secret file means, then the
 * challenge.
 */
#include <stdio.h>
#include <string.h>

#include <security/pam_ext.h>

#include "challenge.h"
#include "enrol_login.h"
#include "enrol_request.h"
#include "enrolment.h"
#include "error.h"
#include "handover.h"
#include "policy.h"
#include "prompt.h"
#include "secret_load.h"
#include "secretfile.h"
#include "store.h"
#include "store_open.h"
#include "timefmt.h"
#include "unpriv.h"
#include "user.h"

/*
 * Resolve the user: PAM's name, then the password database.  SUCCESS when
 * the login goes on (lg->user NULL for an unknown name), else the verdict.
 */
static enum mfa_verdict
resolve_user(struct mfa_login *lg)
{
	const char *name = NULL;
	int rc;

	rc = pam_get_user(lg->pamh, &name, NULL);
	if (rc != PAM_SUCCESS || name == NULL || *name == '\0') {
		lg->reason = "no user name";
		return mfa_verdict_of_pam(rc);
	}
	rc = mfa_login_account(lg, name);
	/* Unknown: challenged all the same (mfa_challenge_unknown_user). */
	if (rc == MFA_ERR_NOENT || rc == MFA_ERR_INVALID)
		return MFA_VERDICT_SUCCESS;
	if (rc != MFA_OK) {
		lg->reason = "user database error";
		return mfa_verdict_of_err(rc);
	}
	return MFA_VERDICT_SUCCESS;
}

/* Open the state directory and take a snapshot of the user's record. */
static int
read_state(struct mfa_login *lg, struct mfa_state *st)
{
	char why[256];
	int rc;

	rc = mfa_store_open_config(&lg->cfg, 1, &lg->store, why, sizeof(why));
	if (rc == MFA_OK) {
		/* The backend's own lines (a connection made again). */
		mfa_store_set_logger(lg->store, &lg->log);
		rc = mfa_store_read(lg->store, lg->username,
		    lg->cfg.lock_timeout, st, why, sizeof(why));
	}
	if (rc != MFA_OK) {
		lg->reason = "state unavailable";
		mfa_log(
		    &lg->log, LOG_ERR, "state for %s: %s", lg->user_clean, why);
	}
	return rc;
}

/*
 * A user with no secret file who was never marked enrolled: DESIGN §4.
 * nullok and a deadline still in the future let them through with
 * MFA_VERDICT_IGNORE (never a success); everybody else is refused.
 */
static enum mfa_verdict
not_enrolled(struct mfa_login *lg)
{
	enum mfa_verdict v;
	char date[64];

	if (lg->cfg.enroll_at_login) {
		v = mfa_enrol_login(lg); /* enrol now, or the policy below */
		if (v != MFA_VERDICT_FALLBACK)
			return v;
	}
	if (lg->cfg.nullok) {
		lg->reason = "not enrolled, nullok";
		return MFA_VERDICT_IGNORE;
	}
	if (lg->cfg.has_enforce_after && lg->now < lg->cfg.enforce_after) {
		mfa_timefmt_utc(lg->cfg.enforce_after, "%e %B %Y", "soon", date,
		    sizeof(date));
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Multi-factor authentication will be required from %s. "
		    "Run mfa-enroll to set it up.",
		    date);
		lg->reason = "not enrolled, before enforce_after";
		return MFA_VERDICT_IGNORE;
	}
	mfa_prompt_error(lg->pamh, lg->silent,
	    "Multi-factor authentication is required for this account, but "
	    "it is not set up. Run mfa-enroll to set it up, or ask your "
	    "administrator.");
	lg->reason = "not enrolled";
	return MFA_VERDICT_REFUSED;
}

/*
 * Was the loaded secret written by an enrolment at login whose stack was
 * never seen to succeed (a wrong password, say)?  The pending record names
 * it, as the new file or as the unconfirmed one it was to replace.
 */
static int
unconfirmed(const struct mfa_login *lg, const struct mfa_state *st)
{
	return !mfa_enrolment_same(st, lg->secret) &&
	    mfa_state_enrol_pending_names(st, lg->secret->id);
}

/* The one message for a user whose enrolment is broken: an admin must act. */
static void
say_unavailable(struct mfa_login *lg)
{
	mfa_prompt_error(lg->pamh, lg->silent,
	    "Multi-factor authentication is not available for this account. "
	    "Contact your administrator.");
}

/*
 * An unconfirmed file is not the user's: a user never enrolled counts as
 * not enrolled and may enrol again.  An enrolled user must never drop to
 * "not enrolled" that way (DESIGN §2): refused, and the admin told how.
 */
static enum mfa_verdict
ignore_unconfirmed(struct mfa_login *lg, const struct mfa_state *st)
{
	const char *u = lg->user_clean;

	lg->unconfirmed_file = 1;
	memcpy(lg->unconfirmed_id, lg->secret->id, sizeof(lg->unconfirmed_id));
	mfa_secret_free(lg->secret);
	lg->secret = NULL;
	if (!st->enrolled) {
		mfa_log(&lg->log, LOG_NOTICE,
		    "secret file of %s comes from an enrolment at login that "
		    "was never confirmed: ignored",
		    u);
		return not_enrolled(lg);
	}
	lg->reason = "unconfirmed secret file but user is enrolled";
	mfa_log(&lg->log, LOG_ERR,
	    "secret file of %s comes from an enrolment at login that was "
	    "never confirmed, but %s is enrolled with another key: refused. "
	    "Restore the user's own secret file, or run "
	    "\"mfa-enroll --user %s reset\" (which removes the file) to "
	    "enrol again",
	    u, u, u);
	say_unavailable(lg);
	return MFA_VERDICT_REFUSED;
}

/*
 * Load the secret file and decide what a missing or bad one means: SUCCESS
 * with lg->secret to go on to the challenge (or without it: enrolled at
 * login just now), else the verdict.
 */
static enum mfa_verdict
load_secret(struct mfa_login *lg, const struct mfa_state *st)
{
	char why[256];
	int rc;

	rc = mfa_secret_load(lg->pamh, &lg->cfg, lg->store, lg->user,
	    &lg->secret, why, sizeof(why));
	/* A key under 128 bits, imported with --allow-short-key, only
	 * where the site says so (legacy_short_keys). */
	if (rc == MFA_OK && lg->secret->short_key &&
	    !lg->cfg.legacy_short_keys) {
		snprintf(why, sizeof(why),
		    "the key is shorter than 128 bits (legacy-short-key) and "
		    "legacy_short_keys is not set: set it, or have the user "
		    "enrol again");
		rc = MFA_ERR_RANGE;
	}
	if (rc == MFA_OK && unconfirmed(lg, st))
		return ignore_unconfirmed(lg, st);
	if (rc == MFA_OK)
		return MFA_VERDICT_SUCCESS;
	if (rc == MFA_ERR_NOENT && !st->enrolled)
		return not_enrolled(lg);
	/*
	 * Enrolled once, so a missing file is not "not enrolled": deleting
	 * one's own file must not downgrade the login to one factor.
	 */
	lg->reason = rc == MFA_ERR_NOENT ? "secret file missing but user is "
					   "enrolled"
					 : "secret file refused";
	mfa_log(
	    &lg->log, LOG_ERR, "secret file of %s: %s", lg->user_clean, why);
	say_unavailable(lg);
	return rc == MFA_ERR_NOMEM ? MFA_VERDICT_NO_MEMORY
				   : MFA_VERDICT_REFUSED;
}

/* The user must use MFA unless groups= leaves them out. */
static int
in_scope(const struct mfa_login *lg)
{
	return mfa_config_groups_match(
	    &lg->cfg, (const char *const *)lg->user->groups, lg->user->ngroups);
}

enum mfa_verdict
mfa_policy_authenticate(struct mfa_login *lg)
{
	struct mfa_state st;
	enum mfa_verdict v;

	mfa_state_init(&st);
	v = resolve_user(lg);
	if (v != MFA_VERDICT_SUCCESS)
		return v;
	if (lg->user == NULL)
		return mfa_challenge_unknown_user(lg);
	if (mfa_handover_honour(lg))
		return MFA_VERDICT_SUCCESS; /* pam_mfa twice in one stack */
	if (!in_scope(lg)) {
		lg->reason = "not in groups=";
		return MFA_VERDICT_IGNORE;
	}
	/* A screen locker running as the user: no state to read (unpriv.c). */
	if (mfa_unpriv_caller(lg))
		return mfa_unpriv_authenticate(lg);
	if (read_state(lg, &st) != MFA_OK) {
		/* Read-only, a stuck lock, a corrupt record: logged above. */
		mfa_prompt_error(lg->pamh, lg->silent,
		    "Multi-factor authentication is temporarily unavailable.");
		return MFA_VERDICT_UNAVAILABLE;
	}
	v = load_secret(lg, &st);
	/* Success without a secret: the user has just enrolled at login. */
	if (v == MFA_VERDICT_SUCCESS && lg->secret != NULL) {
		v = mfa_challenge_run(lg, &st);
		if (v == MFA_VERDICT_SUCCESS)
			mfa_enrol_login_notices(lg, &st);
		if (v == MFA_VERDICT_SUCCESS) /* secrets = vault */
			v = mfa_enrol_login_renew(lg);
	}
	mfa_state_wipe(&st);
	return v;
}
