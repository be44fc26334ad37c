/*
 * fuzz_authinfo.c - the SSH_AUTH_INFO_0 parser (mfa_device_parse_authinfo).
 *
 * sshd fills the value from what the client sent, so every byte is
 * hostile.  When a key is accepted, the identity built from it must fit a
 * state file's label field, and the rhost identity must never accept
 * bytes it promises to refuse.
 */
#include "fuzz.h"

#include "device.h"
#include "error.h"

static void
label_ok(const char *label)
{
	size_t i, n = strlen(label);

	FUZZ_ASSERT(n >= 1 && n <= MFA_STATE_MAX_LABEL);
	FUZZ_ASSERT(label[0] != ' ' && label[n - 1] != ' ');
	for (i = 0; i < n; i++)
		FUZZ_ASSERT(label[i] >= ' ' && label[i] <= '~');
}

static void
key(const char *value)
{
	struct mfa_parse_error err;
	struct mfa_device_id id;
	unsigned char *blob = NULL;
	char *type = NULL;
	size_t len = 0;

	memset(&err, 0, sizeof(err));
	if (mfa_device_parse_authinfo_err(value, &type, &blob, &len, &err) !=
	    MFA_OK) {
		FUZZ_ASSERT(type == NULL && blob == NULL && len == 0);
		FUZZ_ASSERT(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		return;
	}
	FUZZ_ASSERT(type != NULL && blob != NULL);
	FUZZ_ASSERT(len >= 4 && len <= MFA_DEVICE_BLOB_MAX);
	FUZZ_ASSERT(mfa_device_id_sshkey("alice", "sshd", type, blob, len,
			"192.0.2.7", &id) == MFA_OK);
	label_ok(id.label);
	free(type);
	free(blob);
}

static void
rhost(const char *value)
{
	struct mfa_device_id id;

	if (mfa_device_id_rhost("alice", "sshd", value, &id) != MFA_OK)
		return;
	FUZZ_ASSERT(strlen(value) <= MFA_DEVICE_RHOST_MAX);
	FUZZ_ASSERT(strchr(value, ' ') == NULL);
	label_ok(id.label);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value = fuzz_cstring(data, size);

	if (value == NULL)
		return 0;
	key(value);
	rhost(value);
	free(value);
	return 0;
}
