/*
 * unpriv.c - a login checked by a caller that is not root (screen lockers).
 *
 * Such a caller runs as the user whose screen it locks, so it can read the
 * user's own secret file but not the root-owned state.  It may check an
 * app's code and nothing more: with no state there is no replay floor, no
 * failure count, no record of used backup codes or emailed codes, and no
 * trusted device, so all of those are off (challenge.c, lg->unpriv).  This
 * takes nothing from root's logins: their state is never read or written
 * here, and everything allowed here is what a process running as the user
 * could do anyway.
 */
#include <unistd.h>

#include "challenge.h"
#include "error.h"
#include "login.h"
#include "prompt.h"
#include "secret_load.h"
#include "store_open.h"
#include "unpriv.h"

int
mfa_unpriv_caller(const struct mfa_login *lg)
{
	return geteuid() != 0 && mfa_store_config_foreign(&lg->cfg);
}

/*
 * A caller running as another account can read neither the user's file
 * nor the state: refused.  It gets the prompts an unknown user gets, so
 * it learns nothing about the account; the log says why.
 */
static enum mfa_verdict
other_account(struct mfa_login *lg)
{
	enum mfa_verdict v;

	mfa_log(&lg->log, LOG_ERR,
	    "unprivileged caller (uid %u) cannot check the second factor of "
	    "%s (uid %u): refused",
	    (unsigned int)geteuid(), lg->user_clean,
	    (unsigned int)lg->user->pw.pw_uid);
	v = mfa_challenge_unknown_user(lg);
	lg->reason = "unprivileged caller for another account";
	return v;
}

/*
 * The user's own secret file; what a missing or bad one means here: SUCCESS
 * with lg->secret to go on, else the verdict.
 */
static enum mfa_verdict
load_own_secret(struct mfa_login *lg)
{
	char why[256];
	int rc;

	rc = mfa_secret_load(lg->pamh, &lg->cfg, lg->store, lg->user,
	    &lg->secret, why, sizeof(why));
	if (rc == MFA_OK)
		return MFA_VERDICT_SUCCESS;
	if (rc == MFA_ERR_NOENT) {
		/*
		 * Whether the user was ever enrolled is in root's state.  The
		 * caller is the user's own process, which could delete the
		 * file anyway; root's logins still require it.
		 */
		mfa_log(&lg->log, LOG_NOTICE,
		    "%s has no secret file: the password alone decides for "
		    "this unprivileged caller",
		    lg->user_clean);
		lg->reason = "no secret file, unprivileged caller";
		return MFA_VERDICT_IGNORE;
	}
	mfa_log(&lg->log, LOG_ERR,
	    "secret file of %s (unprivileged caller): %s", lg->user_clean, why);
	mfa_prompt_error(lg->pamh, lg->silent,
	    "Multi-factor authentication is not available for this account. "
	    "Contact your administrator.");
	lg->reason = "secret file refused";
	return rc == MFA_ERR_NOMEM ? MFA_VERDICT_NO_MEMORY
				   : MFA_VERDICT_REFUSED;
}

enum mfa_verdict
mfa_unpriv_authenticate(struct mfa_login *lg)
{
	struct mfa_state st;
	enum mfa_verdict v;

	if (lg->user->pw.pw_uid != geteuid())
		return other_account(lg);
	lg->unpriv = 1;
	mfa_log(&lg->log, LOG_INFO,
	    "unprivileged caller (uid %u): the code of %s is checked against "
	    "the user's secret file, nothing is recorded",
	    (unsigned int)geteuid(), lg->user_clean);
	v = load_own_secret(lg);
	if (v != MFA_VERDICT_SUCCESS)
		return v;
	mfa_state_init(&st); /* empty: no floor, no count, no device */
	v = mfa_challenge_run(lg, &st);
	mfa_state_wipe(&st);
	return v;
}
