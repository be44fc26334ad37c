/*
 * clock.c - the current time, with a test-only override.
 */
#include <stdlib.h>
#include <time.h>

#include "clock.h"

#ifdef MFA_TEST_CLOCK
/* Test build only: MFA_TEST_NOW=<unix seconds> fixes the clock. */
static int
test_clock(int64_t *now)
{
	const char *s = getenv("MFA_TEST_NOW");
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v < 0)
		return 0;
	*now = (int64_t)v;
	return 1;
}
#endif

int64_t
mfa_clock_now(void)
{
	struct timespec ts;

#ifdef MFA_TEST_CLOCK
	int64_t fixed;

	if (test_clock(&fixed))
		return fixed;
#endif
	if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec;
}

int64_t
mfa_clock_store(int64_t store_now, int64_t host_now)
{
#ifdef MFA_TEST_CLOCK
	int64_t fixed;

	if (test_clock(&fixed))
		return host_now;
#else
	(void)host_now;
#endif
	return store_now;
}
