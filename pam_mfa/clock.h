/*
 * clock.h - the module's one source of the current time.
 */
#ifndef MFA_CLOCK_H
#define MFA_CLOCK_H

#include <stdint.h>

/*
 * mfa_clock_now - the current time in unix seconds.  The test build of the
 * module (compiled with MFA_TEST_CLOCK, never installed) takes the time from
 * the environment variable MFA_TEST_NOW when it is set, so tests can check
 * window edges, expiry and lock-out ends; the real module has no such hook.
 */
int64_t mfa_clock_now(void);

#endif /* MFA_CLOCK_H */
