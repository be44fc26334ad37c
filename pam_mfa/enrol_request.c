/*
 * enrol_request.c - the self-service requests of secrets = vault, honoured
 * after the current factor.  The user cannot write the vault, so
 * mfa-enroll leaves a request in the home (~/.pam_mfa-request, read and
 * removed as the user by vault_request.c): "authenticator" (a new key in
 * place of the current one), "backup-codes", "add [NAME]" (another
 * authenticator), "remove NAME".  A login that verified an app code or a
 * backup code honours it with the steps of an enrolment at login
 * (enrol_login.c) and records the result in the vault's pending slot
 * (enrol_record.c); setcred puts it in force and removes the request
 * (enrol_confirm.c).  A request that cannot be honoured as written is
 * refused, logged and removed; the login stands on the factor verified.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "enrol_flow.h"
#include "enrol_request.h"
#include "enrolment.h"
#include "error.h"
#include "mem.h"
#include "prompt.h"
#include "secretfile.h"
#include "vault.h"
#include "vault_request.h"

/* A copy of the current enrolment into *out, to change and write. */
static int
copy_current(struct mfa_enrol *e, struct mfa_secret **out)
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
		mfa_enrol_log(e->lg, LOG_ERR, "failed", mfa_strerror(rc));
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
say_honoured(const struct mfa_enrol *e)
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
drop_request(const struct mfa_enrol *e, const char *why, const char *fmt, ...)
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
offer_key(struct mfa_enrol *e, const char *intro)
{
	struct mfa_login *lg = e->lg;

	if (mfa_enrol_prepare(e) != MFA_OK)
		return MFA_VERDICT_FALLBACK;
	e->may_skip = 1; /* the login has succeeded already */
	e->deadline[0] = '\0';
	say_honoured(e);
	mfa_prompt_info(lg->pamh, lg->silent, "%s", intro);
	return mfa_enrol_ask(e);
}

/* A new key in place of the current one, and new backup codes. */
static enum mfa_verdict
renew_app(struct mfa_enrol *e)
{
	return offer_key(e,
	    "You asked for a new authenticator (mfa-enroll). Add this key "
	    "to your app; the old one keeps working until this login "
	    "completes.");
}

/* The same enrolment with a new set of backup codes. */
static enum mfa_verdict
renew_backup(struct mfa_enrol *e)
{
	struct mfa_login *lg = e->lg;

	if (copy_current(e, &e->s) != MFA_OK)
		return MFA_VERDICT_FALLBACK;
	say_honoured(e);
	mfa_prompt_info(lg->pamh, lg->silent,
	    "You asked for new backup codes (mfa-enroll backup-codes).");
	return mfa_enrol_finish(e);
}

/* Another authenticator (mfa-enroll add): room and a free name first. */
static enum mfa_verdict
add_app(struct mfa_enrol *e)
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
enum mfa_verdict
mfa_enrol_finish_add(struct mfa_enrol *e)
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
		mfa_enrol_log(lg, LOG_ERR, "failed", mfa_strerror(rc));
		mfa_secret_free(cur);
		return MFA_VERDICT_FALLBACK;
	}
	mfa_secret_free(e->s);
	e->s = cur;
	v = mfa_enrol_record(e);
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
without_named(struct mfa_enrol *e, enum mfa_verdict *v)
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
remove_app(struct mfa_enrol *e)
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
	v = mfa_enrol_record(e);
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
honour(struct mfa_enrol *e)
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
	struct mfa_enrol e;
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
	mfa_enrol_wipe(&e);
	/* Not renewed: the login stands on the factor already verified. */
	return v == MFA_VERDICT_FALLBACK || v == MFA_VERDICT_UNAVAILABLE
	    ? MFA_VERDICT_SUCCESS
	    : v;
}
