/*
 * store_fixture.c - a plug-in for the loader's tests (test_store_plugin):
 * its entry point opens nothing; it reports what the loader handed it
 * ("fixture: abi=N conninfo=PATH timeout=MS" in why) and fails with
 * MFA_ERR_UNAVAILABLE, so that a test sees the call and its arguments.
 */
#include <stdio.h>

#include "error.h"
#include "store_backend.h"

int mfa_store_plugin_open(const struct mfa_store_params *p,
    struct mfa_store **out, char *why, size_t whysz);

int
mfa_store_plugin_open(const struct mfa_store_params *p, struct mfa_store **out,
    char *why, size_t whysz)
{
	*out = NULL;
	snprintf(why, whysz, "fixture: abi=%u conninfo=%s timeout=%u", p->abi,
	    p->conninfo, p->timeout_ms);
	return MFA_ERR_UNAVAILABLE;
}
