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
 * mfa_test_base - the directory every fixture goes below: the first of
 * $MFA_TEST_BASE (made by tests/run.sh, see tests/lib/testdir.sh),
 * $MFA_TEST_SAFE_DIR, $TMPDIR, $MFA_BUILD, $HOME and the current directory
 * whose every directory up to "/" is owned by root or us and not writable
 * by group or others: what the module's path checks accept.  Returns the
 * path (environment or static storage), or NULL when none is safe.
 */
const char *mfa_test_base(void);

/* What to say when mfa_test_base() finds nothing. */
#define MFA_TEST_NO_BASE                                                       \
	"no private directory for test fixtures (every candidate is below "    \
	"a group- or world-writable directory such as /tmp): run through "     \
	"`make check`, or set MFA_TEST_BASE to a directory that only root "    \
	"or you can write, up to /"

/*
 * mfa_test_tmpdir - create a fresh private directory (mode 0700) below
 * mfa_test_base() and return its path (static storage, valid until the
 * next call).  Aborts the test on failure.
 */
const char *mfa_test_tmpdir(void);

/*
 * mfa_test_safe_tmpdir - make a fresh directory "prefix.XXXXXX" (mode
 * 0700, path into out) below mfa_test_base().  Returns 0, or -1 (out "")
 * when there is no safe base.
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

/*
 * mfa_test_dir_names - the names in dir but "." and "..", sorted, each
 * followed by a newline ("" for an empty directory), in static storage
 * valid until the next call.  Fails the test when dir cannot be listed.
 */
const char *mfa_test_dir_names(const char *dir);

/*
 * mfa_test_process_dies - 1 when process pid is gone, or only a zombie
 * (killed, waiting for init to reap it), within ms milliseconds (checked
 * every 10 ms: SIGKILL is sent at once, dying takes a moment on a busy
 * machine); else 0.
 */
int mfa_test_process_dies(long pid, unsigned int ms);

/*
 * mfa_test_record_text - the state text of a record file read whole into
 * buf (len bytes, buf holding len + 1): for a two-slot file (slots.h) its
 * current record is moved to the start of buf, for an older one-text file
 * nothing moves; either way NUL-terminated.  Returns the text's length.
 * Fails the test when a two-slot file does not check out.
 */
size_t mfa_test_record_text(char *buf, size_t len);

struct mfa_store;

/*
 * mfa_test_store_open - the fixture of the file-store suites: a fresh
 * private directory "prefix.XXXXXX" into base (mfa_test_safe_tmpdir) and
 * a file store created at "<base>/state" (path into dir), opened into *s.
 * Aborts the test on failure.
 */
void mfa_test_store_open(const char *prefix, char *base, size_t basesz,
    char *dir, size_t dirsz, struct mfa_store **s);

/* mfa_test_store_close - close *s (set NULL) and remove base, if made. */
void mfa_test_store_close(const char *base, struct mfa_store **s);

#endif /* MFA_TESTUTIL_H */
