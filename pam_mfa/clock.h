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

/*
 * mfa_clock_store - the time a login goes by inside a transaction of its
 * store: store_now, the store's clock (mfa_store_now: the database
 * server's for a store shared by many hosts, else host_now).  The test
 * build keeps host_now while MFA_TEST_NOW fixes the clock.
 */
int64_t mfa_clock_store(int64_t store_now, int64_t host_now);

#endif /* MFA_CLOCK_H */
