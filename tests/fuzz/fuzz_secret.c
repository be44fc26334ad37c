/*
 * fuzz_secret.c - the secret-file parser (mfa_secret_parse).
 *
 * The user writes this file and root parses it, so it is the first place
 * hostile bytes reach.  When a file parses, serializing the record and
 * parsing that again must succeed and give the same text.
 */
#include "fuzz.h"

#include "error.h"
#include "mem.h"
#include "secretfile.h"

static void
round_trip(const struct mfa_secret *s)
{
	struct mfa_secret *again = NULL;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;

	FUZZ_ASSERT(mfa_secret_serialize(s, &text, &len) == MFA_OK);
	FUZZ_ASSERT(text != NULL && strlen(text) == len);
	FUZZ_ASSERT(mfa_secret_parse(text, len, &again, NULL) == MFA_OK);
	FUZZ_ASSERT(mfa_secret_serialize(again, &text2, &len2) == MFA_OK);
	FUZZ_ASSERT(len == len2 && memcmp(text, text2, len) == 0);
	mfa_freezero(text, len + 1);
	mfa_freezero(text2, len2 + 1);
	mfa_secret_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfa_secret *s = NULL;
	struct mfa_parse_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = mfa_secret_parse((const char *)data, size, &s, &err);
	if (rc == MFA_OK) {
		FUZZ_ASSERT(s != NULL);
		round_trip(s);
	} else {
		FUZZ_ASSERT(s == NULL && rc < 0);
		/* Every rejection carries a reason. */
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
	}
	mfa_secret_free(s);
	return 0;
}
