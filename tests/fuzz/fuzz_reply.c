/*
 * fuzz_reply.c - the classifier of what was typed at the prompt
 * (pam_mfa/reply.c, compiled into the target directly).
 */
#include "fuzz.h"

#include "reply.h"

static void
check(const char *in, const struct mfa_reply *r)
{
	size_t n;

	switch (r->kind) {
	case MFA_REPLY_EMPTY:
		FUZZ_ASSERT(in[strspn(in, " ")] == '\0');
		break;
	case MFA_REPLY_NUMERIC:
		n = strlen(r->digits);
		FUZZ_ASSERT(n == 6 || n == 8);
		FUZZ_ASSERT(strspn(r->digits, "0123456789") == n);
		FUZZ_ASSERT(r->backup[0] == '\0');
		break;
	case MFA_REPLY_BACKUP:
		FUZZ_ASSERT(strlen(r->backup) == MFA_BACKUP_CODE_CHARS);
		FUZZ_ASSERT(r->slot == (unsigned int)(r->backup[0] - '0'));
		FUZZ_ASSERT(r->digits[0] == '\0');
		break;
	case MFA_REPLY_EMAIL:
	case MFA_REPLY_SMS:
		/* A keyword: nothing secret was kept. */
		FUZZ_ASSERT(r->digits[0] == '\0' && r->backup[0] == '\0');
		FUZZ_ASSERT(strlen(in) >= 3);
		break;
	case MFA_REPLY_INVALID:
		FUZZ_ASSERT(r->digits[0] == '\0' && r->backup[0] == '\0');
		break;
	default:
		FUZZ_ASSERT(0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstring(data, size);
	struct mfa_reply r;

	if (in == NULL)
		return 0;
	mfa_reply_classify(in, &r);
	check(in, &r);
	mfa_reply_wipe(&r);
	free(in);
	return 0;
}
