/*
 * mem.h - wiping and constant-time comparison of secrets.
 */
#ifndef MFA_MEM_H
#define MFA_MEM_H

#include <stddef.h>

/*
 * mfa_wipe - overwrite n bytes at p with zeros in a way the compiler may not
 * remove.  p may be NULL when n is 0.
 */
void mfa_wipe(void *p, size_t n);

/*
 * MFA_WIPE_ARRAY - wipe a whole array.  Refuses (at compile time) to be
 * given a pointer, the classic sizeof(pointer) mistake.
 */
#define MFA_WIPE_ARRAY(a)                                                      \
	do {                                                                   \
		_Static_assert(!__builtin_types_compatible_p(                  \
				   __typeof__(a), __typeof__(&(a)[0])),        \
		    "MFA_WIPE_ARRAY needs an array");                          \
		mfa_wipe((a), sizeof(a));                                      \
	} while (0)

/*
 * MFA_WIPE_OBJ - wipe the object a pointer points to (sizeof *p bytes).
 */
#define MFA_WIPE_OBJ(p) mfa_wipe((p), sizeof(*(p)))

/*
 * mfa_freezero - wipe n bytes at p, then free(p).  NULL is fine.
 */
void mfa_freezero(void *p, size_t n);

/*
 * mfa_strfree - wipe a NUL-terminated string and free it.  NULL is fine.
 */
void mfa_strfree(char *s);

/*
 * mfa_ct_equal - compare n bytes in time that depends only on n.
 * Returns 1 when equal, 0 otherwise.
 */
int mfa_ct_equal(const void *a, const void *b, size_t n);

#endif /* MFA_MEM_H */
