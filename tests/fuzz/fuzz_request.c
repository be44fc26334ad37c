/*
 * fuzz_request.c - the self-service request a user leaves in the home in
 * vault mode (~/.pam_mfa-request, vault.h): a file the user writes, parsed
 * by the module as root.
 *
 * Properties checked: a request that parses names a valid kind, and a
 * valid name exactly when its kind takes one; its text, made again, is
 * the input byte for byte (one spelling per request); a refused input
 * leaves the result empty.
 */
#include "fuzz.h"

#include "error.h"
#include "secretfile.h"
#include "vault.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_vault_req r;
	char text[MFA_VAULT_REQUEST_MAX + 64];

	if (mfa_vault_request_parse((const char *)data, size, &r) != MFA_OK) {
		FUZZ_ASSERT(r.kind == MFA_VAULT_REQUEST_NONE);
		FUZZ_ASSERT(r.name[0] == '\0');
		return 0;
	}
	FUZZ_ASSERT(r.kind > MFA_VAULT_REQUEST_NONE &&
	    r.kind <= MFA_VAULT_REQUEST_REMOVE);
	FUZZ_ASSERT(
	    r.name[0] == '\0' || mfa_secret_name_check(r.name) == MFA_OK);
	FUZZ_ASSERT(r.kind != MFA_VAULT_REQUEST_REMOVE || r.name[0] != '\0');
	FUZZ_ASSERT(mfa_vault_request_format(&r, text, sizeof(text)) == MFA_OK);
	FUZZ_ASSERT(strlen(text) == size && memcmp(text, data, size) == 0);
	return 0;
}
