/*
 * testutil.h - helpers shared by the Check suites.
 */
#ifndef MFA_TESTUTIL_H
#define MFA_TESTUTIL_H

#include <check.h>

/*
 * mfa_test_run - run suite s with Check's normal output (which prints the
 * "NN%: Checks: N, Failures: F, Errors: E" line tests/run.sh reads) and
 * return the process exit status: 0 when everything passed, 1 otherwise.
 */
int mfa_test_run(Suite *s);

/*
 * mfa_test_tmpdir - create a fresh private directory under $TMPDIR (or
 * /tmp) and return its path (static storage, valid until the next call).
 * Aborts the test on failure.
 */
const char *mfa_test_tmpdir(void);

/*
 * mfa_test_safe_tmpdir - make a fresh directory "prefix.XXXXXX" (mode
 * 0700, path into out) under the first of $MFA_TEST_SAFE_DIR, $TMPDIR,
 * $MFA_BUILD, $HOME and the current directory whose every directory up to
 * "/" is owned by root or us and not writable by group or others: what the
 * module's path checks accept.  Returns 0, or -1 (out "") when none is.
 */
int mfa_test_safe_tmpdir(const char *prefix, char *out, size_t outsz);

/*
 * mfa_test_write_file - create path with exactly the len bytes of data and
 * the given mode (umask ignored).  Aborts the test on failure.
 */
void mfa_test_write_file(
    const char *path, const void *data, size_t len, unsigned int mode);

/*
 * mfa_test_rm_rf - remove a directory tree made by a test (best effort).
 */
void mfa_test_rm_rf(const char *path);

#endif /* MFA_TESTUTIL_H */
