/*
 * login.c - one login: options, user, policy, and the enrolment decisions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <security/pam_ext.h>

#include "challenge.h"
#include "clock.h"
#include "config_load.h"
#include "enrol_login.h"
#include "error.h"
#include "handover.h"
#include "login.h"
#include "prompt.h"
#include "retcode.h"
#include "secret_load.h"
#include "secretfile.h"
#include "store.h"
#include "timefmt.h"
#include "unpriv.h"
#include "user.h"

/* Copy PAM item `item` (a string) into out, cleaned for a log line. */
static void
item_for_log(pam_handle_t *pamh, int item, char *out, size_t outsz)
{
	const void *v = NULL;

	if (pam_get_item(pamh, item, &v) != PAM_SUCCESS || v == NULL)
		v = "";
	mfa_log_clean(v, out, outsz);
}

int
mfa_login_begin(pam_handle_t *pamh, int flags, int argc, const char **argv,
    struct mfa_login **out)
{
	struct mfa_login *lg;
	char err[256];

	*out = lg = calloc(1, sizeof(*lg));
	if (lg == NULL)
		return PAM_BUF_ERR;
	lg->pamh = pamh;
	lg->silent = ((unsigned int)flags & PAM_SILENT) != 0;
	lg->log.pamh = pamh;
	lg->now = mfa_clock_now();
	item_for_log(pamh, PAM_SERVICE, lg->service, sizeof(lg->service));
	item_for_log(pamh, PAM_RHOST, lg->rhost, sizeof(lg->rhost));
	snprintf(lg->user_clean, sizeof(lg->user_clean), "?");
	if (mfa_config_load(&lg->cfg, argc, argv, err, sizeof(err)) != MFA_OK) {
		lg->reason = "configuration error";
		mfa_log(&lg->log, LOG_ERR, "configuration error: %s", err);
		return PAM_SERVICE_ERR;
	}
	lg->log.debug = lg->cfg.debug;
	return PAM_SUCCESS;
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

/* Resolve the user: PAM's name, then the password database. */
static int
resolve_user(struct mfa_login *lg)
{
	const char *name = NULL;
	int rc;

	rc = pam_get_user(lg->pamh, &name, NULL);
	if (rc != PAM_SUCCESS || name == NULL || *name == '\0') {
		lg->reason = "no user name";
		return rc != PAM_SUCCESS ? rc : PAM_AUTH_ERR;
	}
	rc = mfa_login_account(lg, name);
	if (rc == MFA_ERR_NOENT || rc == MFA_ERR_INVALID)
		return PAM_SUCCESS; /* unknown: challenged all the same */
	if (rc != MFA_OK) {
		lg->reason = "user database error";
		return mfa_pam_code(rc);
	}
	return PAM_SUCCESS;
}

/* Open the state directory and take a snapshot of the user's record. */
static int
read_state(struct mfa_login *lg, struct mfa_state *st)
{
	char why[256];
	int rc;

	rc = mfa_store_open(lg->cfg.state_dir, 1, &lg->store, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_store_read(lg->store, lg->username,
		    lg->cfg.lock_timeout, st, why, sizeof(why));
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
 * PAM_IGNORE (never PAM_SUCCESS); everybody else is refused.
 */
static int
not_enrolled(struct mfa_login *lg)
{
	char date[64];
	int rc;

	if (lg->cfg.enroll_at_login) {
		rc = mfa_enrol_login(lg); /* enrol now, or the policy below */
		if (rc != MFA_ENROL_LOGIN_FALLBACK)
			return rc;
	}
	if (lg->cfg.nullok) {
		lg->reason = "not enrolled, nullok";
		return PAM_IGNORE;
	}
	if (lg->cfg.has_enforce_after && lg->now < lg->cfg.enforce_after) {
		mfa_timefmt_utc(lg->cfg.enforce_after, "%e %B %Y", "soon", date,
		    sizeof(date));
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Multi-factor authentication will be required from %s. "
		    "Run mfa-enroll to set it up.",
		    date);
		lg->reason = "not enrolled, before enforce_after";
		return PAM_IGNORE;
	}
	mfa_prompt_error(lg->pamh, lg->silent,
	    "Multi-factor authentication is required for this account, but "
	    "it is not set up. Run mfa-enroll to set it up, or ask your "
	    "administrator.");
	lg->reason = "not enrolled";
	return PAM_AUTH_ERR;
}

/*
 * Was the loaded secret written by an enrolment at login whose stack was
 * never seen to succeed (a wrong password, say)?  The pending record names
 * it, as the new file or as the unconfirmed one it was to replace.
 */
static int
unconfirmed(const struct mfa_login *lg, const struct mfa_state *st)
{
	return !mfa_login_same_enrolment(lg, st) &&
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
static int
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
	return PAM_AUTH_ERR;
}

/* Load the secret file and decide what a missing or bad one means. */
static int
load_secret(struct mfa_login *lg, const struct mfa_state *st)
{
	char why[256];
	int rc;

	rc = mfa_secret_load(
	    lg->pamh, &lg->cfg, lg->user, &lg->secret, why, sizeof(why));
	if (rc == MFA_OK && unconfirmed(lg, st))
		return ignore_unconfirmed(lg, st);
	if (rc == MFA_OK)
		return PAM_SUCCESS;
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
	return rc == MFA_ERR_NOMEM ? PAM_BUF_ERR : PAM_AUTH_ERR;
}

/* The user must use MFA unless groups= leaves them out. */
static int
in_scope(const struct mfa_login *lg)
{
	return mfa_config_groups_match(
	    &lg->cfg, (const char *const *)lg->user->groups, lg->user->ngroups);
}

int
mfa_login_authenticate(struct mfa_login *lg)
{
	struct mfa_state st;
	int rc;

	mfa_state_init(&st);
	rc = resolve_user(lg);
	if (rc != PAM_SUCCESS)
		return rc;
	if (lg->user == NULL)
		return mfa_challenge_unknown_user(lg);
	if (mfa_handover_honour(lg))
		return PAM_SUCCESS; /* pam_mfa twice in one stack */
	if (!in_scope(lg)) {
		lg->reason = "not in groups=";
		return PAM_IGNORE;
	}
	/* A screen locker running as the user: no state to read (unpriv.c). */
	if (mfa_unpriv_caller(lg))
		return mfa_unpriv_authenticate(lg);
	if (read_state(lg, &st) != MFA_OK) {
		/* Read-only, a stuck lock, a corrupt record: logged above. */
		mfa_prompt_error(lg->pamh, lg->silent,
		    "Multi-factor authentication is temporarily unavailable.");
		return PAM_AUTHINFO_UNAVAIL;
	}
	rc = load_secret(lg, &st);
	/* Success without a secret: the user has just enrolled at login. */
	if (rc == PAM_SUCCESS && lg->secret != NULL) {
		rc = mfa_challenge_run(lg, &st);
		if (rc == PAM_SUCCESS)
			mfa_enrol_login_notices(lg, &st);
	}
	mfa_state_wipe(&st);
	return rc;
}

static const char *
result_name(int pam_rc)
{
	switch (pam_rc) {
	case PAM_SUCCESS:
		return "success";
	case PAM_IGNORE:
		return "ignored";
	default:
		return "failure";
	}
}

int
mfa_login_same_enrolment(const struct mfa_login *lg, const struct mfa_state *st)
{
	return lg->secret != NULL && st->enrolled &&
	    memcmp(st->enrolled_id, lg->secret->id, sizeof(st->enrolled_id)) ==
	    0;
}

void
mfa_login_free(struct mfa_login *lg)
{
	if (lg == NULL)
		return;
	mfa_secret_free(lg->secret);
	mfa_store_close(lg->store);
	mfa_user_free(lg->user);
	mfa_config_free(&lg->cfg);
	free(lg);
}

void
mfa_login_end(struct mfa_login *lg, int pam_rc)
{
	if (lg == NULL)
		return;
	mfa_log(&lg->log, pam_rc == PAM_SUCCESS ? LOG_INFO : LOG_NOTICE,
	    "user=%s service=%s rhost=%s method=%s result=%s%s%s%s%s",
	    lg->user_clean, lg->service, lg->rhost[0] != '\0' ? lg->rhost : "-",
	    mfa_method_name(lg->method), result_name(pam_rc),
	    lg->cfg.line != NULL ? " line=" : "",
	    lg->cfg.line != NULL ? lg->cfg.line : "",
	    lg->reason != NULL ? " reason=" : "",
	    lg->reason != NULL ? lg->reason : "");
	mfa_login_free(lg);
}
