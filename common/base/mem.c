/*
 * mem.c - wiping and constant-time comparison of secrets.
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"

/* MemorySanitizer (make fuzz-msan) does not see explicit_bzero write:
 * tell it the wiped bytes are set, as they are. */
#if defined(__has_feature)
#if __has_feature(memory_sanitizer)
#include <sanitizer/msan_interface.h>
#define WIPED(p, n) __msan_unpoison((p), (n))
#endif
#endif
#ifndef WIPED
#define WIPED(p, n) ((void)0)
#endif

void
mfa_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0) {
		explicit_bzero(p, n);
		WIPED(p, n);
	}
}

void
mfa_freezero(void *p, size_t n)
{
	if (p == NULL)
		return;
	mfa_wipe(p, n);
	free(p);
}

void
mfa_strfree(char *s)
{
	if (s == NULL)
		return;
	mfa_freezero(s, strlen(s));
}

int
mfa_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char *x = a;
	const volatile unsigned char *y = b;
	unsigned char diff = 0;
	size_t i;

	for (i = 0; i < n; i++)
		diff |= (unsigned char)(x[i] ^ y[i]);
	return diff == 0;
}
