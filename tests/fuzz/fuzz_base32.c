/*
 * fuzz_base32.c - base32: the strict decoder, the forgiving normaliser, the
 * encoder.
 *
 * Properties checked: the strict decoder accepts exactly one encoding per
 * byte string (what it accepts re-encodes to the same text); whatever the
 * normaliser returns is what the decoder then judges; every byte string
 * survives encode then decode.
 */
#include "fuzz.h"

#include "base32.h"
#include "error.h"
#include "mem.h"

#define FUZZ_B32_MAX 4096

static void
strict(const uint8_t *data, size_t size)
{
	unsigned char bytes[FUZZ_B32_MAX];
	char text[MFA_BASE32_ENCODED_LEN(FUZZ_B32_MAX) + 1];
	size_t n = 0;

	if (size > FUZZ_B32_MAX)
		return;
	if (mfa_base32_decode(
		(const char *)data, size, bytes, sizeof(bytes), &n) != MFA_OK) {
		FUZZ_ASSERT(n == 0);
		return;
	}
	FUZZ_ASSERT(n == size * 5 / 8);
	FUZZ_ASSERT(mfa_base32_encode(bytes, n, text, sizeof(text)) == MFA_OK);
	FUZZ_ASSERT(strlen(text) == size && memcmp(text, data, size) == 0);
}

static void
forgiving(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstring(data, size), *out;
	unsigned char bytes[FUZZ_B32_MAX];
	size_t outsz = size + 1, n = 0;
	char text[MFA_BASE32_ENCODED_LEN(FUZZ_B32_MAX) + 1];

	if (in == NULL)
		return;
	out = malloc(outsz);
	FUZZ_ASSERT(out != NULL);
	if (mfa_base32_normalize(in, out, outsz) == MFA_OK) {
		size_t len = strlen(out);

		FUZZ_ASSERT(len <= strlen(in));
		if (len <= FUZZ_B32_MAX &&
		    mfa_base32_decode(out, len, bytes, sizeof(bytes), &n) ==
			MFA_OK) {
			FUZZ_ASSERT(mfa_base32_encode(bytes, n, text,
					sizeof(text)) == MFA_OK);
			FUZZ_ASSERT(strcmp(text, out) == 0);
		}
	} else {
		FUZZ_ASSERT(out[0] == '\0');
	}
	free(out);
	free(in);
}

static void
encode_decode(const uint8_t *data, size_t size)
{
	char text[MFA_BASE32_ENCODED_LEN(FUZZ_B32_MAX) + 1];
	unsigned char bytes[FUZZ_B32_MAX];
	size_t n = 0, len;

	if (size > FUZZ_B32_MAX)
		return;
	FUZZ_ASSERT(
	    mfa_base32_encode(data, size, text, sizeof(text)) == MFA_OK);
	len = strlen(text);
	FUZZ_ASSERT(len == MFA_BASE32_ENCODED_LEN(size));
	/* One byte too small a buffer must be refused, not overrun. */
	FUZZ_ASSERT(
	    mfa_base32_encode(data, size, text, len) == MFA_ERR_BUFSIZE);
	FUZZ_ASSERT(
	    mfa_base32_encode(data, size, text, sizeof(text)) == MFA_OK);
	FUZZ_ASSERT(
	    mfa_base32_decode(text, len, bytes, sizeof(bytes), &n) == MFA_OK);
	FUZZ_ASSERT(n == size && memcmp(bytes, data, size) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	strict(data, size);
	forgiving(data, size);
	encode_decode(data, size);
	return 0;
}
