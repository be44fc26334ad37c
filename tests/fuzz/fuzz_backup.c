/*
 * fuzz_backup.c - backup codes: the normaliser of typed codes and the
 * strict check of stored PHC strings.  Never mfa_backup_verify: a fuzzer
 * must not spend its time in Argon2, and the check is what stands between
 * a user-written file and root's memory.
 */
#include <ctype.h>

#include "fuzz.h"

#include "backup.h"
#include "error.h"

static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static void
normalize(const char *in)
{
	char out[MFA_BACKUP_CODE_SIZE];
	unsigned int slot = 99;
	size_t i;

	if (mfa_backup_normalize(in, out, &slot) != MFA_OK)
		return;
	FUZZ_ASSERT(strlen(out) == MFA_BACKUP_CODE_CHARS);
	FUZZ_ASSERT(out[0] >= '0' && out[0] <= '9');
	FUZZ_ASSERT(slot == (unsigned int)(out[0] - '0'));
	/*
	 * The body is 8 alphabet characters, or 8 digits (imported
	 * google-authenticator scratch codes, see backup.c body_ok).
	 */
	if (strspn(out + 1, "0123456789") != MFA_BACKUP_CODE_CHARS - 1)
		for (i = 1; i < MFA_BACKUP_CODE_CHARS; i++)
			FUZZ_ASSERT(strchr(alphabet, out[i]) != NULL);
	/* Normalising the normal form changes nothing. */
	{
		char again[MFA_BACKUP_CODE_SIZE];

		FUZZ_ASSERT(mfa_backup_normalize(out, again, NULL) == MFA_OK);
		FUZZ_ASSERT(strcmp(out, again) == 0);
	}
}

static void
phc(const char *in)
{
	if (mfa_backup_phc_check(in) != MFA_OK)
		return;
	/* Accepted strings are the bounded, argon2id ones only. */
	FUZZ_ASSERT(strlen(in) <= MFA_BACKUP_PHC_MAX);
	FUZZ_ASSERT(strncmp(in, "$argon2id$v=19$m=", 17) == 0);
	FUZZ_ASSERT(strstr(in, ",p=1$") != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstring(data, size);

	if (in == NULL)
		return 0;
	normalize(in);
	phc(in);
	free(in);
	return 0;
}
