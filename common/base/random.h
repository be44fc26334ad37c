/*
 * random.h - randomness from the kernel CSPRNG.
 */
#ifndef MFA_RANDOM_H
#define MFA_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/*
 * mfa_random_bytes - fill buf with n bytes from getrandom(2) (blocking
 * until the pool is initialised, retrying on EINTR and short reads).
 * n may be 0 (buf may then be NULL).  No file descriptor is used, so it
 * works in a chroot and when descriptors have run out.
 * Returns MFA_OK, MFA_ERR_INVALID (buf NULL with n > 0) or MFA_ERR_SYSTEM
 * (buf contents then unspecified: do not use them).
 */
int mfa_random_bytes(void *buf, size_t n);

/*
 * mfa_random_uniform - a uniformly distributed integer in [0, bound) with
 * no modulo bias (rejection sampling).  bound must be at least 1; bound 1
 * always gives 0.  Expected draws per call are under 2 for any bound.
 * Returns MFA_OK, MFA_ERR_INVALID (bound 0 or out NULL; *out untouched)
 * or MFA_ERR_SYSTEM.
 */
int mfa_random_uniform(uint32_t bound, uint32_t *out);

#endif /* MFA_RANDOM_H */
