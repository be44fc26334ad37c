/*
 * fuzz.h - what every libFuzzer target of pam_mfa shares.
 *
 * A target checks more than "does not crash": where a parser promises a
 * round trip (parse, serialize, parse again gives the same text) the target
 * asserts it, and a broken promise aborts with FUZZ_ASSERT so that libFuzzer
 * keeps the input as a crash.
 */
#ifndef MFA_FUZZ_H
#define MFA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_ASSERT(cond)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: assertion failed: %s\n",       \
			    __FILE__, __LINE__, #cond);                        \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of the input (the caller frees it), or NULL. */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* MFA_FUZZ_H */
