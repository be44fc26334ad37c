/*
 * test_store_flush.c - what the file store flushes (issue 19): a durable
 * commit on a record that exists is one fdatasync and nothing else, a
 * failure-only commit none; a first write (a new file) is two.  And a
 * flush that fails leaves the old record for every reader.
 *
 * The program counts the flushes itself: it defines fsync and fdatasync,
 * which the store (linked into it from the static library) calls instead
 * of libc's; they count, then make the real system call (or fail with EIO
 * when told to).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "error.h"
#include "state.h"
#include "store.h"
#include "store_files.h"
#include "testutil.h"

#define T0 INT64_C(1764028800)
#define STEP UINT64_C(58800960)
#define WAIT_MS 2000

static unsigned int n_fsync, n_fdatasync;
static int fail_fdatasync;

int fsync(int fd);
int fdatasync(int fd);

int
fsync(int fd)
{
	n_fsync++;
	return (int)syscall(SYS_fsync, fd);
}

int
fdatasync(int fd)
{
	n_fdatasync++;
	if (fail_fdatasync) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fdatasync, fd);
}

static char g_base[PATH_MAX];
static struct mfa_store *g_s;

static void
setup(void)
{
	char dir[PATH_MAX + 8], why[256] = "";

	ck_assert(
	    mfa_test_safe_tmpdir("flush-test", g_base, sizeof(g_base)) == 0);
	snprintf(dir, sizeof(dir), "%s/state", g_base);
	ck_assert_msg(mfa_store_open(dir, 1, &g_s, why, sizeof(why)) == MFA_OK,
	    "store: %s", why);
	fail_fdatasync = 0;
}

static void
teardown(void)
{
	mfa_store_close(g_s);
	g_s = NULL;
	if (g_base[0] != '\0')
		mfa_test_rm_rf(g_base);
}

/* One transaction on alice: a right code at now, or a wrong one; the
 * commit's result and the flushes it made (fsync + fdatasync). */
static int
login(int64_t now, int right, unsigned int *flushes)
{
	static const struct mfa_lockout_policy count_only = {0, 0, 900};
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char why[256] = "";
	unsigned int before;
	int rc;

	ck_assert_msg(mfa_store_begin(g_s, "alice", WAIT_MS, &st, &txn, why,
			  sizeof(why)) == MFA_OK,
	    "begin: %s", why);
	if (right) {
		st.enrolled = 1;
		mfa_state_record_success(&st, now, MFA_METHOD_TOTP);
		st.has_last_step = 1;
		st.totp_last_step = STEP + (uint64_t)(now - T0);
		ck_assert_int_eq(mfa_state_source_success(&st, "-"), MFA_OK);
	} else {
		mfa_state_record_failure(&st, now, "-", &count_only);
	}
	before = n_fsync + n_fdatasync;
	rc = mfa_store_commit(txn, &st, now);
	*flushes = n_fsync + n_fdatasync - before;
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	return rc;
}

START_TEST(one_flush_per_successful_login)
{
	unsigned int flushes, i, datasyncs;

	/* The first write makes the file: file and directory flushed. */
	ck_assert_int_eq(login(T0, 1, &flushes), MFA_OK);
	ck_assert_uint_eq(flushes, 2);
	for (i = 1; i <= 5; i++) {
		datasyncs = n_fdatasync;
		ck_assert_int_eq(login(T0 + 30 * i, 1, &flushes), MFA_OK);
		ck_assert_uint_eq(flushes, 1);
		ck_assert_uint_eq(n_fdatasync - datasyncs, 1);
		/* A wrong code: one unflushed write. */
		ck_assert_int_eq(login(T0 + 30 * i + 1, 0, &flushes), MFA_OK);
		ck_assert_uint_eq(flushes, 0);
	}
}
END_TEST

/* A flush that fails: the commit fails, and the record read is the old
 * one (the slot's header is put back older). */
START_TEST(failed_flush_leaves_the_old_record)
{
	struct mfa_state st;
	unsigned int flushes;
	char why[256] = "";

	ck_assert_int_eq(login(T0, 1, &flushes), MFA_OK);
	ck_assert_int_eq(login(T0 + 30, 1, &flushes), MFA_OK);
	fail_fdatasync = 1;
	ck_assert_int_eq(login(T0 + 60, 1, &flushes), MFA_ERR_SYSTEM);
	fail_fdatasync = 0;
	ck_assert_int_eq(
	    mfa_store_read(g_s, "alice", WAIT_MS, &st, why, sizeof(why)),
	    MFA_OK);
	ck_assert_uint_eq(st.totp_last_step, STEP + 30);
	ck_assert_int_eq(st.last_success, T0 + 30);
	mfa_state_wipe(&st);
	/* The next commit takes that slot again, and is read. */
	ck_assert_int_eq(login(T0 + 90, 1, &flushes), MFA_OK);
	ck_assert_int_eq(
	    mfa_store_read(g_s, "alice", WAIT_MS, &st, why, sizeof(why)),
	    MFA_OK);
	ck_assert_uint_eq(st.totp_last_step, STEP + 90);
	mfa_state_wipe(&st);
}
END_TEST

static Suite *
flush_suite(void)
{
	Suite *s = suite_create("store_flush");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, one_flush_per_successful_login);
	tcase_add_test(tc, failed_flush_leaves_the_old_record);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(flush_suite());
}
