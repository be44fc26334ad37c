/*
 * doctor_store.c - the doctor's look at the configured store: open it as
 * the module would and ask it about itself (mfa_store_probe), whatever
 * its backend: a server's version, TLS, schema and round-trip time, or
 * simply where the files are.
 */
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "error.h"
#include "store.h"
#include "store_open.h"

/* What to do about a store that does not answer as it should. */
static const char *
store_fix(int rc)
{
	if (rc == MFA_ERR_VERSION)
		return "run mfa-enroll store init to upgrade it";
	return "every login fails closed until this is fixed; then run "
	       "mfa-enroll store init to check it";
}

void
mfa_doctor_check_store(struct doctor *d, const struct mfa_config *cfg)
{
	const char *where = mfa_store_config_where(cfg);
	struct mfa_store *s = NULL;
	char info[768] = "", *advice = NULL;
	int rc;

	rc = mfa_store_open_config(cfg, 0, &s, info, sizeof(info));
	if (rc == MFA_ERR_NOENT) {
		mfa_doctor_say(d, DOC_WARN,
		    "store at %s does not exist yet: mfa-enroll store init "
		    "creates it",
		    where);
		return;
	}
	if (rc == MFA_OK)
		rc = mfa_store_probe(s, info, sizeof(info));
	mfa_store_close(s);
	/* A store that works but should be set up otherwise (store.h). */
	if (rc == MFA_OK && (advice = strchr(info, '\n')) != NULL)
		*advice++ = '\0';
	if (rc == MFA_OK)
		mfa_doctor_say(d, DOC_OK, "store at %s: %s", where, info);
	if (advice != NULL)
		mfa_doctor_say(d, DOC_WARN, "store at %s: %s", where, advice);
	else if (rc != MFA_OK)
		mfa_doctor_say(d, DOC_FAIL, "store at %s: %s: %s", where,
		    info[0] != '\0' ? info : mfa_strerror(rc), store_fix(rc));
}
