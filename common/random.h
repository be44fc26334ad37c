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
 * Returns MFA_OK or MFA_ERR_SYSTEM.
 */
int mfa_random_bytes(void *buf, size_t n);

/*
 * mfa_random_uniform - a uniformly distributed integer in [0, bound) with
 * no modulo bias (rejection sampling).  bound must be at least 1.
 * Returns MFA_OK, MFA_ERR_INVALID (bound 0) or MFA_ERR_SYSTEM.
 */
int mfa_random_uniform(uint32_t bound, uint32_t *out);

#endif /* MFA_RANDOM_H */
