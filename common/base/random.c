/*
 * random.c - randomness from the kernel CSPRNG.
 *
 * getrandom(2) without GRND_NONBLOCK blocks only until the pool has been
 * initialised once at boot, and after that never fails for lack of
 * entropy.  It needs no file descriptor, so it works inside chroots and
 * when the process is out of descriptors, which /dev/urandom does not.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

#include "error.h"
#include "random.h"

/*
 * getrandom returns at most 33554431 bytes per call and may return fewer
 * (a signal after 256 bytes); ask for bounded chunks and loop.
 */
#define MFA_RANDOM_CHUNK ((size_t)1 << 20)

int
mfa_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	size_t done = 0;

	if (p == NULL && n > 0)
		return MFA_ERR_INVALID;
	while (done < n) {
		size_t want = n - done;
		ssize_t got;

		if (want > MFA_RANDOM_CHUNK)
			want = MFA_RANDOM_CHUNK;
		got = getrandom(p + done, want, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return MFA_ERR_SYSTEM;
		}
		done += (size_t)got;
	}
	return MFA_OK;
}

int
mfa_random_uniform(uint32_t bound, uint32_t *out)
{
	uint32_t limit, r;
	int rc;

	if (bound == 0 || out == NULL)
		return MFA_ERR_INVALID;
	/*
	 * 2^32 mod bound values at the bottom of the range would make small
	 * results more likely; reject them and draw again.  limit is the
	 * smallest accepted value, and fewer than half the draws are ever
	 * rejected, so the loop ends quickly.
	 */
	limit = (uint32_t)(-bound) % bound;
	for (;;) {
		rc = mfa_random_bytes(&r, sizeof(r));
		if (rc != MFA_OK)
			return rc;
		if (r >= limit)
			break;
	}
	*out = r % bound;
	return MFA_OK;
}
