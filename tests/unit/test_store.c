/*
 * test_store.c - the per-user store on a real directory: durable writes,
 * failure-only writes as a tally (in the two-slot record file, or in the
 * lock file of a record in the older layout; the record untouched),
 * lock-outs and successes taking the durable path, the merged view, stale
 * and corrupt tallies, stale or planted temporary files, and two commits
 * in one transaction.  Every case looks at the files on disk.
 *
 * The store wants a directory owned by the effective uid, mode 0700, with
 * no world-writable directory above it (so not /tmp): tests/run.sh points
 * TMPDIR at a private directory in the build tree; without it the suite
 * tries MFA_BUILD, HOME and the current directory, and fails (it does not
 * skip) when none of them will do.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mem.h"
#include "slots.h"
#include "state.h"
#include "store.h"
#include "store_files.h"
#include "tally.h"
#include "testutil.h"

#define T0 INT64_C(1764028800)
#define STEP UINT64_C(58800960)
#define WAIT_MS 2000
#define USER "alice"
#define LOCK ".alice.lock"
#define NEWF ".alice.new"
#define DENY 3
#define UNLOCK 900

/* Every failure here comes from the console ("-"): deny per source. */
static const struct mfa_lockout_policy deny_policy = {DENY, 0, UNLOCK};
static const struct mfa_lockout_policy count_only = {0, 0, UNLOCK};

static char g_base[PATH_MAX];    /* this test's private directory */
static char g_dir[PATH_MAX + 8]; /* the store: g_base/state */
static struct mfa_store *g_s;

static void
setup(void)
{
	struct stat st;

	/* create: the store makes its own directory, 0700. */
	mfa_test_store_open(
	    "store-test", g_base, sizeof(g_base), g_dir, sizeof(g_dir), &g_s);
	ck_assert_int_eq(lstat(g_dir, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
}

static void
teardown(void)
{
	mfa_test_store_close(g_base, &g_s);
}

/* ---- looking at the files ---- */

/* The largest record file (slots.h). */
#define SLURP_MAX (2 * MFA_SLOTS_MAX_SLOT + MFA_TALLY_SEALED_LEN)
static const char no_boot[] = "00000000000000000000000000000000";

/* dir + "/" + rel in one of four rotating buffers. */
static const char *
at(const char *dir, const char *rel)
{
	static char buf[4][PATH_MAX];
	static unsigned int n;
	char *b = buf[n++ % 4];
	int len = snprintf(b, PATH_MAX, "%s/%s", dir, rel);

	ck_assert(len > 0 && len < PATH_MAX);
	return b;
}

/* The content of a small file as a fresh string (its length in *len),
 * or NULL when it does not exist.  Free with free(). */
static char *
slurp(const char *path, size_t *len)
{
	char *buf = malloc(SLURP_MAX + 1);
	ssize_t n;
	int fd;

	ck_assert_ptr_nonnull(buf);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ck_assert_int_eq(errno, ENOENT);
		free(buf);
		*len = 0;
		return NULL;
	}
	n = read(fd, buf, SLURP_MAX);
	ck_assert_int_ge(n, 0);
	close(fd);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static int
exists(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return 1;
	ck_assert_int_eq(errno, ENOENT);
	return 0;
}

static ino_t
ino_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(lstat(path, &st), 0);
	return st.st_ino;
}

/* A version 1 tally record (still read), written out here independently
 * of tally.c. */
static void
tally_text(char *out, size_t outsz, uint64_t serial, unsigned int failures,
    int64_t last)
{
	int n = snprintf(out, outsz,
	    "pam_mfa-tally 1 serial %020llu failures %010u last-failure "
	    "%019lld\n",
	    (unsigned long long)serial, failures, (long long)last);

	ck_assert_int_eq(n, MFA_TALLY_V1_LEN);
}

/* The version 2 record the store writes when the record's one source
 * (the console) has the account's counts. */
static void
tally2_text(char *out, size_t outsz, uint64_t serial, unsigned int failures,
    int64_t last)
{
	int n = snprintf(out, outsz,
	    "pam_mfa-tally 2 serial %020llu failures %010u last-failure "
	    "%019lld sources %010u %019lld",
	    (unsigned long long)serial, failures, (long long)last, failures,
	    (long long)last);
	int i;

	for (i = 1; i < MFA_STATE_MAX_SOURCES; i++)
		n += snprintf(out + n, outsz - (size_t)n,
		    " 0000000000 0000000000000000000");
	n += snprintf(out + n, outsz - (size_t)n, "\n");
	ck_assert_int_eq(n, MFA_TALLY_LEN);
}

/* The record file's name for a lock file's (".alice.lock": "alice"). */
static const char *
record_of(const char *lock)
{
	static char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)(strlen(lock) - 6), lock + 1);
	return name;
}

/* The current slot and the tally of a two-slot record file. */
static int
view_of(const char *buf, size_t len, struct mfa_slots_view *v)
{
	struct mfa_parse_error e = {0, ""};

	if (buf == NULL || !mfa_slots_detect(buf, len))
		return 0;
	ck_assert_msg(mfa_slots_read(buf, len, no_boot, v, &e) == MFA_OK,
	    "record file: %s", e.msg);
	return 1;
}

/*
 * The tally the store wrote is exactly (serial, failures, last), sealed:
 * in the record file when it has two slots, else in the lock file.
 */
static void
assert_tally(
    const char *lock, uint64_t serial, unsigned int failures, int64_t last)
{
	char want[MFA_TALLY_SEALED_LEN + 1], sha[65];
	struct mfa_slots_view v;
	size_t len, rlen;
	char *rec = slurp(at(g_dir, record_of(lock)), &rlen);
	char *got = slurp(at(g_dir, lock), &len);

	tally2_text(want, sizeof(want), serial, failures, last);
	want[14] = '3';
	ck_assert_int_eq(mfa_slots_checksum(want, MFA_TALLY_LEN - 1, sha), 0);
	snprintf(want + MFA_TALLY_LEN - 1, sizeof(want) - MFA_TALLY_LEN + 1,
	    " sha256 %s\n", sha);
	if (view_of(rec, rlen, &v)) {
		ck_assert_mem_eq(v.tally, want, MFA_TALLY_SEALED_LEN);
	} else {
		ck_assert_ptr_nonnull(got);
		ck_assert_uint_eq(len, MFA_TALLY_SEALED_LEN);
		ck_assert_str_eq(got, want);
	}
	free(rec);
	free(got);
}

/*
 * No tally counts on the record: the lock file exists, is 0600 and empty,
 * and the tally of a two-slot record file names another serial.
 */
static void
assert_no_tally(const char *lock)
{
	struct mfa_state st, merged;
	struct mfa_parse_error e = {0, ""};
	struct mfa_slots_view v;
	struct stat sb;
	size_t rlen;
	char *rec = slurp(at(g_dir, record_of(lock)), &rlen);

	ck_assert_int_eq(lstat(at(g_dir, lock), &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	ck_assert_int_eq(sb.st_size, 0);
	if (view_of(rec, rlen, &v)) {
		ck_assert_int_eq(
		    mfa_state_parse(v.text, v.text_len, &st, &e), 0);
		memcpy(&merged, &st, sizeof(st));
		ck_assert_int_eq(mfa_tally_apply_sealed(v.tally,
				     MFA_TALLY_SEALED_LEN, &merged, &e),
		    0);
		ck_assert_mem_eq(&merged, &st, sizeof(st));
	}
	free(rec);
}

/* The record of a record file as the store reads it (its current slot). */
static char *
record_text(const char *name, size_t *len)
{
	struct mfa_slots_view v;
	char *buf = slurp(at(g_dir, name), len), *text;

	ck_assert_msg(buf != NULL, "no state file %s", name);
	if (!view_of(buf, *len, &v))
		return buf;
	text = strndup(v.text, v.text_len);
	ck_assert_ptr_nonnull(text);
	*len = v.text_len;
	free(buf);
	return text;
}

/* The bytes of a record file without its tally (which a failure writes). */
static size_t
without_tally(const char *buf, size_t len)
{
	struct mfa_slots_view v;

	return view_of(buf, len, &v) ? 2 * v.slot_size : len;
}

/* Parse the state file name as the store would (it must exist). */
static void
parse_file(const char *name, struct mfa_state *st, char **text)
{
	struct mfa_parse_error e = {0, ""};
	struct stat sb;
	size_t len;
	char *buf = record_text(name, &len);

	ck_assert_int_eq(lstat(at(g_dir, name), &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	ck_assert_msg(mfa_state_parse(buf, len, st, &e) == MFA_OK,
	    "state file line %u: %s", e.line, e.msg);
	if (text != NULL)
		*text = buf;
	else
		free(buf);
}

/* The entries of the store directory are exactly the names given. */
static void
assert_entries(const char *const *names, size_t n)
{
	DIR *d = opendir(g_dir);
	struct dirent *e;
	size_t seen = 0, i;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(e->d_name, names[i]) == 0)
				break;
		ck_assert_msg(i < n, "unexpected file %s", e->d_name);
		seen++;
	}
	closedir(d);
	ck_assert_uint_eq(seen, n);
}

#define ENTRIES(...)                                                           \
	do {                                                                   \
		static const char *const names_[] = {__VA_ARGS__};             \
		assert_entries(names_, sizeof(names_) / sizeof(names_[0]));    \
	} while (0)

/* ---- driving the store ---- */

static struct mfa_store_txn *
begin(const char *user, struct mfa_state *st)
{
	struct mfa_store_txn *txn = NULL;
	char why[256] = "";
	int rc =
	    mfa_store_begin(g_s, user, WAIT_MS, st, &txn, why, sizeof(why));

	ck_assert_msg(
	    rc == MFA_OK, "begin %s: %s (%s)", user, mfa_strerror(rc), why);
	ck_assert_ptr_nonnull(txn);
	return txn;
}

static void
commit(struct mfa_store_txn *txn, struct mfa_state *st, int64_t now)
{
	int rc = mfa_store_commit(txn, st, now);

	ck_assert_msg(rc == MFA_OK, "commit: %s", mfa_strerror(rc));
}

/* One transaction: a wrong answer at now (lock-out at DENY). */
static void
fail_once(const char *user, int64_t now)
{
	struct mfa_state st;
	struct mfa_store_txn *txn = begin(user, &st);

	mfa_state_record_failure(&st, now, "-", &deny_policy);
	commit(txn, &st, now);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
}

/* One transaction: a right TOTP code at now. */
static void
succeed_once(const char *user, int64_t now)
{
	struct mfa_state st;
	struct mfa_store_txn *txn = begin(user, &st);

	mfa_state_record_success(&st, now, MFA_METHOD_TOTP);
	st.has_last_step = 1;
	st.totp_last_step = STEP + (uint64_t)(now - T0);
	commit(txn, &st, now);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
}

/* The serial seed_enrolled's first write gave the record. */
static uint64_t g_first;

/* An enrolled user whose record was written once (serial g_first). */
static void
seed_enrolled(const char *user)
{
	struct mfa_state st;
	struct mfa_store_txn *txn = begin(user, &st);

	st.enrolled = 1;
	st.enrolled_at = T0 - 86400;
	memset(st.enrolled_id, 0x6f, sizeof(st.enrolled_id));
	mfa_state_record_success(&st, T0, MFA_METHOD_TOTP);
	st.has_last_step = 1;
	st.totp_last_step = STEP;
	/* The console is a known source with no failures (a login from
	 * there succeeded), so its next failure is a tally. */
	st.sources[0].key[0] = '-';
	st.nsources = 1;
	commit(txn, &st, T0);
	g_first = st.serial;
	ck_assert_uint_ne(g_first, 0); /* a new record: random */
	mfa_store_end(txn);
	mfa_state_wipe(&st);
}

/*
 * An enrolled user whose record is in the older layout (one text, its
 * tally in the lock file), as an earlier version wrote it: serial
 * g_first, the console a known source.
 */
static void
seed_legacy(const char *user)
{
	char text[512];
	int n;

	g_first = 7001;
	n = snprintf(text, sizeof(text),
	    "pam_mfa-state 1\nserial %llu\nenrolled %lld "
	    "6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f\ntotp-last-step %llu\n"
	    "last-success %lld totp\nsource - 0 0 0\n",
	    (unsigned long long)g_first, (long long)(T0 - 86400),
	    (unsigned long long)STEP, (long long)T0);
	ck_assert(n > 0 && (size_t)n < sizeof(text));
	mfa_test_write_file(at(g_dir, user), text, (size_t)n, 0600);
}

/* ---- cases ---- */

START_TEST(new_user_then_success)
{
	struct mfa_state st, empty, file;
	uint64_t first;
	struct mfa_store_txn *txn;
	char *text;

	mfa_state_init(&empty);
	txn = begin(USER, &st);
	/* No record yet: the empty one; the lock file exists, empty. */
	ck_assert_mem_eq(&st, &empty, sizeof(st));
	ck_assert(!exists(at(g_dir, USER)));
	assert_no_tally(LOCK);
	mfa_state_record_success(&st, T0, MFA_METHOD_TOTP);
	st.has_last_step = 1;
	st.totp_last_step = STEP;
	commit(txn, &st, T0);
	ck_assert_uint_ne(st.serial, 0); /* the first write: random */
	first = st.serial;
	mfa_store_end(txn);
	parse_file(USER, &file, &text);
	ck_assert_uint_eq(file.serial, first);
	ck_assert_int_eq(file.last_success, T0);
	ck_assert_int_eq(file.last_method, MFA_METHOD_TOTP);
	ck_assert_uint_eq(file.totp_last_step, STEP);
	ck_assert_uint_eq(file.failures, 0);
	ck_assert_ptr_nonnull(strstr(text, "\nlast-success 1764028800 totp\n"));
	ck_assert_ptr_null(strstr(text, "\nfailures "));
	free(text);
	assert_no_tally(LOCK);
	ENTRIES(USER, LOCK);
	/* And the store reads back what it wrote. */
	txn = begin(USER, &st);
	ck_assert_int_eq(st.last_success, T0);
	ck_assert_uint_eq(st.serial, first);
	mfa_store_end(txn);
}
END_TEST

START_TEST(failure_only_writes_the_tally)
{
	struct mfa_state st;
	struct mfa_store_txn *txn;
	char *before, *after;
	size_t blen, alen;
	ino_t ino;

	seed_enrolled(USER);
	ino = ino_of(at(g_dir, USER));
	before = slurp(at(g_dir, USER), &blen);
	fail_once(USER, T0 + 10);
	/* The record: same inode, same bytes.  The tally: exactly. */
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino);
	after = slurp(at(g_dir, USER), &alen);
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(after, before, without_tally(before, blen));
	free(after);
	assert_tally(LOCK, g_first, 1, T0 + 10);
	ENTRIES(USER, LOCK);
	/* The next transaction sees the tally over the record. */
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 1);
	ck_assert_int_eq(st.last_failure, T0 + 10);
	ck_assert_int_eq(st.last_success, T0);
	ck_assert_uint_eq(st.totp_last_step, STEP);
	ck_assert_int_eq(st.enrolled, 1);
	mfa_store_end(txn);
	fail_once(USER, T0 + 20);
	fail_once(USER, T0 + 25); /* DENY is 3: this one locks */
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 3);
	ck_assert_int_eq(st.last_failure, T0 + 25);
	mfa_store_end(txn);
	free(before);
}
END_TEST

START_TEST(two_more_failures_make_three)
{
	struct mfa_state st;
	struct mfa_store_txn *txn;
	char *before, *after;
	size_t blen, alen;
	ino_t ino;
	int i;

	seed_enrolled(USER);
	ino = ino_of(at(g_dir, USER));
	before = slurp(at(g_dir, USER), &blen);
	/* deny 0 here: counting only, however many. */
	for (i = 1; i <= 3; i++) {
		txn = begin(USER, &st);
		ck_assert_uint_eq(st.failures, (unsigned int)(i - 1));
		mfa_state_record_failure(&st, T0 + i, "-", &count_only);
		commit(txn, &st, T0 + i);
		mfa_store_end(txn);
		assert_tally(LOCK, g_first, (unsigned int)i, T0 + i);
	}
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 3);
	ck_assert_int_eq(st.last_failure, T0 + 3);
	mfa_store_end(txn);
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino);
	after = slurp(at(g_dir, USER), &alen);
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(after, before, without_tally(before, blen));
	free(before);
	free(after);
	ENTRIES(USER, LOCK);
}
END_TEST

START_TEST(lockout_is_durable)
{
	struct mfa_state st, file;
	struct mfa_store_txn *txn;
	char *text, line[64];
	ino_t ino;

	seed_enrolled(USER);
	ino = ino_of(at(g_dir, USER));
	fail_once(USER, T0 + 1);
	fail_once(USER, T0 + 2);
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino);
	assert_tally(LOCK, g_first, 2, T0 + 2);
	/* The third reaches DENY: locked_until changes, so a durable write
	 * (in the other slot of the same file). */
	fail_once(USER, T0 + 3);
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino);
	parse_file(USER, &file, &text);
	ck_assert_uint_eq(file.serial, g_first + 1);
	ck_assert_uint_eq(file.failures, 3);
	ck_assert_int_eq(file.sources[0].locked_until, T0 + 3 + UNLOCK);
	ck_assert_int_eq(file.locked_until, 0);
	ck_assert_int_eq(file.last_failure, T0 + 3);
	ck_assert_ptr_nonnull(strstr(text, "\nfailures 3\n"));
	snprintf(line, sizeof(line), "\nsource - 3 %lld %lld\n",
	    (long long)(T0 + 3), (long long)(T0 + 3 + UNLOCK));
	ck_assert_ptr_nonnull(strstr(text, line));
	free(text);
	assert_no_tally(LOCK);
	ENTRIES(USER, LOCK);
	txn = begin(USER, &st);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", T0 + 4), T0 + 3 + UNLOCK);
	ck_assert_uint_eq(st.failures, 3);
	mfa_store_end(txn);
	/* A failure after the lock-out ran out starts again, durably too
	 * (locked_until goes back to 0). */
	fail_once(USER, T0 + 3 + UNLOCK);
	parse_file(USER, &file, NULL);
	ck_assert_uint_eq(file.serial, g_first + 2);
	ck_assert_uint_eq(file.sources[0].failures, 1);
	ck_assert_int_eq(file.sources[0].locked_until, 0);
	ck_assert_uint_eq(file.failures, 4); /* the account's goes on */
	assert_no_tally(LOCK);
}
END_TEST

START_TEST(success_after_failures)
{
	struct mfa_state st, file;
	struct mfa_store_txn *txn;
	char *text;

	seed_enrolled(USER);
	fail_once(USER, T0 + 10);
	fail_once(USER, T0 + 11);
	assert_tally(LOCK, g_first, 2, T0 + 11);
	succeed_once(USER, T0 + 40);
	parse_file(USER, &file, &text);
	ck_assert_uint_eq(file.serial, g_first + 1);
	ck_assert_uint_eq(file.failures, 0);
	ck_assert_int_eq(file.locked_until, 0);
	ck_assert_int_eq(file.last_success, T0 + 40);
	ck_assert_uint_eq(file.totp_last_step, STEP + 40);
	ck_assert_ptr_null(strstr(text, "\nfailures "));
	ck_assert_ptr_null(strstr(text, "\nlocked-until "));
	free(text);
	assert_no_tally(LOCK);
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_int_eq(st.last_success, T0 + 40);
	mfa_store_end(txn);
	ENTRIES(USER, LOCK);
}
END_TEST

/* A durable write for another reason carries the tally's count. */
START_TEST(durable_write_keeps_the_count)
{
	struct mfa_state st, file;
	struct mfa_store_txn *txn;

	seed_enrolled(USER);
	fail_once(USER, T0 + 10);
	fail_once(USER, T0 + 11);
	txn = begin(USER, &st);
	st.send_times[0] = T0 + 12; /* an emailed code went out */
	st.nsends = 1;
	commit(txn, &st, T0 + 12);
	mfa_store_end(txn);
	parse_file(USER, &file, NULL);
	ck_assert_uint_eq(file.serial, g_first + 1);
	ck_assert_uint_eq(file.failures, 2);
	ck_assert_int_eq(file.last_failure, T0 + 11);
	ck_assert_uint_eq(file.nsends, 1);
	assert_no_tally(LOCK);
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 2);
	mfa_store_end(txn);
}
END_TEST

/* A record and a tally from before per-source counting (tally version 1)
 * read as they always did; the next write converts them. */
START_TEST(version_1_tally_converts_on_write)
{
	static const char file[] = "pam_mfa-state 1\n"
				   "serial 7\n"
				   "failures 5\n"
				   "last-failure 100\n";
	char rec[MFA_TALLY_LEN + 1], *text, *got;
	struct mfa_slots_view v;
	struct mfa_state st;
	struct mfa_store_txn *txn;
	size_t len;

	mfa_test_write_file(at(g_dir, USER), file, sizeof(file) - 1, 0600);
	tally_text(rec, sizeof(rec), 7, 8, 200);
	mfa_test_write_file(at(g_dir, LOCK), rec, MFA_TALLY_V1_LEN, 0600);
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 8);
	ck_assert_int_eq(st.last_failure, 200);
	mfa_store_end(txn);
	/* A failure from the console: a new source, so a new record that
	 * keeps the tally's count; the old tally is gone. */
	fail_once(USER, T0);
	parse_file(USER, &st, &text);
	ck_assert_uint_eq(st.serial, 8);
	ck_assert_uint_eq(st.failures, 9);
	ck_assert_ptr_nonnull(strstr(text, "\nsource - 1 1764028800 0\n"));
	free(text);
	assert_no_tally(LOCK);
	/* The record is a two-slot file now; the next one is a sealed
	 * tally in it, and the lock file stays empty. */
	fail_once(USER, T0 + 1);
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 10);
	ck_assert_uint_eq(st.sources[0].failures, 2);
	mfa_store_end(txn);
	got = slurp(at(g_dir, USER), &len);
	ck_assert(view_of(got, len, &v));
	ck_assert_mem_eq(v.tally,
	    "pam_mfa-tally 3 serial 00000000000000000008 failures 0000000010 ",
	    64);
	free(got);
	got = slurp(at(g_dir, LOCK), &len);
	ck_assert_uint_eq(len, 0);
	free(got);
}
END_TEST

/*
 * The first failure from a source the record does not list yet names it
 * in the record: durable (a new file for a user who had none); the next
 * ones from there are the tally.
 */
START_TEST(failures_without_a_state_file)
{
	struct mfa_state st, want;
	struct mfa_store_txn *txn;
	char why[256] = "";
	uint64_t first;
	char *text;

	fail_once("bob", T0);
	parse_file("bob", &st, &text);
	first = st.serial;
	ck_assert_uint_ne(first, 0); /* a new record: random */
	ck_assert_uint_eq(st.failures, 1);
	ck_assert_ptr_nonnull(strstr(text, "\nsource - 1 1764028800 0\n"));
	free(text);
	assert_no_tally(".bob.lock");
	fail_once("bob", T0 + 1);
	assert_tally(".bob.lock", first, 2, T0 + 1);
	ENTRIES("bob", ".bob.lock");
	memcpy(&want, &st, sizeof(want));
	want.failures = 2;
	want.last_failure = T0 + 1;
	want.sources[0].failures = 2;
	want.sources[0].last_failure = T0 + 1;
	txn = begin("bob", &st);
	ck_assert_mem_eq(&st, &want, sizeof(st));
	mfa_store_end(txn);
	memset(&st, 0xa5, sizeof(st));
	ck_assert_int_eq(
	    mfa_store_read(g_s, "bob", WAIT_MS, &st, why, sizeof(why)), MFA_OK);
	ck_assert_mem_eq(&st, &want, sizeof(st));
	/* The third locks the source: durable again. */
	fail_once("bob", T0 + 2);
	parse_file("bob", &st, NULL);
	ck_assert_uint_eq(st.serial, first + 1);
	ck_assert_uint_eq(st.failures, 3);
	ck_assert_int_eq(mfa_state_lock_end(&st, "-", T0 + 2), T0 + 2 + UNLOCK);
	assert_no_tally(".bob.lock");
	ENTRIES("bob", ".bob.lock");
}
END_TEST

START_TEST(read_gives_the_merged_view)
{
	static const char file[] = "pam_mfa-state 1\n"
				   "serial 7\n"
				   "totp-last-step 42\n"
				   "failures 5\n"
				   "last-failure 100\n";
	char rec[MFA_TALLY_LEN + 1], why[256] = "";
	struct mfa_state st, back;
	struct mfa_store_txn *txn;

	mfa_test_write_file(at(g_dir, USER), file, sizeof(file) - 1, 0600);
	/* No tally: the file's own values. */
	ck_assert_int_eq(
	    mfa_store_read(g_s, USER, WAIT_MS, &st, why, sizeof(why)), MFA_OK);
	ck_assert_uint_eq(st.failures, 5);
	ck_assert_int_eq(st.last_failure, 100);
	/* A tally counted on this record adds to them (version 1 here). */
	tally_text(rec, sizeof(rec), 7, 9, 200);
	mfa_test_write_file(at(g_dir, LOCK), rec, MFA_TALLY_V1_LEN, 0600);
	ck_assert_int_eq(
	    mfa_store_read(g_s, USER, WAIT_MS, &st, why, sizeof(why)), MFA_OK);
	ck_assert_uint_eq(st.failures, 9);
	ck_assert_int_eq(st.last_failure, 200);
	ck_assert_uint_eq(st.totp_last_step, 42);
	ck_assert_uint_eq(st.serial, 7);
	/* One that says less never reads as fewer failures than the
	 * record (tally.h): an old or edited tally cannot reset a count. */
	tally_text(rec, sizeof(rec), 7, 0, 0);
	mfa_test_write_file(at(g_dir, LOCK), rec, MFA_TALLY_V1_LEN, 0600);
	ck_assert_int_eq(
	    mfa_store_read(g_s, USER, WAIT_MS, &st, why, sizeof(why)), MFA_OK);
	ck_assert_uint_eq(st.failures, 5);
	ck_assert_int_eq(st.last_failure, 100);
	/* begin gives the same as read. */
	tally_text(rec, sizeof(rec), 7, 4, 300);
	mfa_test_write_file(at(g_dir, LOCK), rec, MFA_TALLY_V1_LEN, 0600);
	ck_assert_int_eq(
	    mfa_store_read(g_s, USER, WAIT_MS, &st, why, sizeof(why)), MFA_OK);
	txn = begin(USER, &back);
	mfa_store_end(txn);
	ck_assert_mem_eq(&st, &back, sizeof(st));
	ck_assert_uint_eq(st.failures, 5);
	ck_assert_int_eq(st.last_failure, 300);
}
END_TEST

/* A tally of another serial was counted on a record since replaced (a
 * writer killed between its rename and emptying the lock file): it is
 * ignored, and the next failure starts from the record. */
START_TEST(stale_tally_is_ignored)
{
	uint64_t stale[4];
	char rec[MFA_TALLY_LEN + 1];
	struct mfa_state st;
	struct mfa_store_txn *txn;
	size_t i;

	seed_legacy(USER); /* serial g_first */
	stale[0] = 0;
	stale[1] = g_first + 1;
	stale[2] = g_first + 2;
	stale[3] = g_first - 1;
	for (i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
		tally_text(rec, sizeof(rec), stale[i], 50, T0 - 1);
		mfa_test_write_file(
		    at(g_dir, LOCK), rec, MFA_TALLY_V1_LEN, 0600);
		txn = begin(USER, &st);
		ck_assert_uint_eq(st.failures, 0);
		ck_assert_int_eq(st.last_failure, 0);
		mfa_store_end(txn);
	}
	fail_once(USER, T0 + 5);
	assert_tally(LOCK, g_first, 1, T0 + 5);
}
END_TEST

#define X10 "xxxxxxxxxx"
#define X100 X10 X10 X10 X10 X10 X10 X10 X10 X10 X10

static const struct {
	const char *name;
	const char *content;
	size_t len;
	int rc;
	const char *reason;
} corrupt[] = {
    /* Only the first 426 bytes are read; the test holds to what is true
     * whatever the file's size. */
    {"430 bytes", X100 X100 X100 X100 X10 X10 X10, 430, MFA_ERR_FORMAT,
	"more than 425 bytes: not a tally record"},
    {"garbage", "hello, world\n", 13, MFA_ERR_FORMAT,
	"tally record of 13 bytes, not 353 (or 97, version 1)"},
    {"98 bytes",
	"pam_mfa-tally 1 serial 00000000000000000001 failures 0000000003 "
	"last-failure 0000000001764028800\n\n",
	98, MFA_ERR_FORMAT,
	"tally record of 98 bytes, not 353 (or 97, version 1)"},
    {"version 2 without its sources",
	"pam_mfa-tally 2 serial 00000000000000000001 failures 0000000003 "
	"last-failure 0000000001764028800\n",
	97, MFA_ERR_FORMAT, "malformed tally record"},
    {"version 3",
	"pam_mfa-tally 3 serial 00000000000000000001 failures 0000000003 "
	"last-failure 0000000001764028800\n",
	97, MFA_ERR_VERSION, "unsupported tally version"},
    {"failures out of range",
	"pam_mfa-tally 1 serial 00000000000000000001 failures 4294967296 "
	"last-failure 0000000001764028800\n",
	97, MFA_ERR_RANGE, "failures: number out of range"},
    {"torn by NULs",
	"pam_mfa-tally 1 serial 00000000000000000001 failures 00000\0\0\0\0\0"
	" last-failure 0000000001764028800\n",
	97, MFA_ERR_FORMAT, "failures: not a decimal number"},
    {"no final newline",
	"pam_mfa-tally 1 serial 00000000000000000001 failures 0000000003 "
	"last-failure 0000000001764028800 ",
	97, MFA_ERR_FORMAT, "malformed tally record"},
};

START_TEST(corrupt_tally_fails_closed)
{
	struct mfa_state st, empty;
	struct mfa_store_txn *txn = NULL;
	char why[256] = "", *got;
	size_t len;
	int rc;

	seed_legacy(USER);
	mfa_test_write_file(
	    at(g_dir, LOCK), corrupt[_i].content, corrupt[_i].len, 0600);
	memset(&st, 0xa5, sizeof(st));
	rc = mfa_store_begin(g_s, USER, WAIT_MS, &st, &txn, why, sizeof(why));
	ck_assert_msg(
	    rc == corrupt[_i].rc, "%s: %s", corrupt[_i].name, mfa_strerror(rc));
	ck_assert_ptr_null(txn);
	/* Nothing half-loaded reaches the caller. */
	mfa_state_init(&empty);
	ck_assert_mem_eq(&st, &empty, sizeof(st));
	ck_assert_msg(strstr(why, "tally") != NULL && strstr(why, USER) &&
		strstr(why, corrupt[_i].reason) != NULL,
	    "%s: why: %s", corrupt[_i].name, why);
	why[0] = '\0';
	ck_assert_int_eq(
	    mfa_store_read(g_s, USER, WAIT_MS, &st, why, sizeof(why)),
	    corrupt[_i].rc);
	ck_assert_ptr_nonnull(strstr(why, corrupt[_i].reason));
	/* Refusing it changed nothing on disk. */
	got = slurp(at(g_dir, LOCK), &len);
	ck_assert_uint_eq(len, corrupt[_i].len);
	ck_assert_mem_eq(got, corrupt[_i].content, len);
	free(got);
	ck_assert(exists(at(g_dir, USER)));
	ck_assert_ptr_nonnull(strstr(why, "unlock clears it"));
	/* The admin's unlock empties the tally and keeps the record. */
	ck_assert_int_eq(
	    mfa_store_clear_tally(g_s, USER, WAIT_MS, why, sizeof(why)),
	    MFA_OK);
	assert_no_tally(LOCK);
	txn = begin(USER, &st);
	ck_assert_int_eq(st.enrolled, 1);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	mfa_test_write_file(
	    at(g_dir, LOCK), corrupt[_i].content, corrupt[_i].len, 0600);
	/* The admin's reset clears both; then the user starts afresh. */
	ck_assert_int_eq(mfa_store_remove(g_s, USER, WAIT_MS), MFA_OK);
	ck_assert(!exists(at(g_dir, USER)));
	assert_no_tally(LOCK);
	txn = begin(USER, &st);
	ck_assert_mem_eq(&st, &empty, sizeof(st));
	mfa_store_end(txn);
	ENTRIES(LOCK);
}
END_TEST

/* unlock's way out of a bad tally must not hide a bad record. */
START_TEST(clear_tally_keeps_a_bad_record)
{
	static const char bad[] = "pam_mfa-state 1\nfailures -1\n";
	char rec[MFA_TALLY_LEN + 1], why[256] = "", *got;
	size_t len;

	mfa_test_write_file(at(g_dir, USER), bad, sizeof(bad) - 1, 0600);
	tally_text(rec, sizeof(rec), 0, 7, T0);
	mfa_test_write_file(at(g_dir, LOCK), rec, MFA_TALLY_V1_LEN, 0600);
	ck_assert_int_eq(
	    mfa_store_clear_tally(g_s, USER, WAIT_MS, why, sizeof(why)),
	    MFA_ERR_FORMAT);
	ck_assert_msg(strstr(why, "line 2") != NULL, "why: %s", why);
	got = slurp(at(g_dir, LOCK), &len);
	ck_assert_uint_eq(len, MFA_TALLY_V1_LEN);
	ck_assert_mem_eq(got, rec, len);
	free(got);
}
END_TEST

START_TEST(remove_is_fine_without_a_record)
{
	struct mfa_state st, empty;
	struct mfa_store_txn *txn;

	ck_assert_int_eq(mfa_store_remove(g_s, USER, WAIT_MS), MFA_OK);
	fail_once(USER, T0);
	ck_assert_int_eq(mfa_store_remove(g_s, USER, WAIT_MS), MFA_OK);
	assert_no_tally(LOCK);
	mfa_state_init(&empty);
	txn = begin(USER, &st);
	ck_assert_mem_eq(&st, &empty, sizeof(st));
	mfa_store_end(txn);
}
END_TEST

static const unsigned int stale_modes[] = {0644, 0600, 0000, 0444};

START_TEST(stale_new_file_is_replaced)
{
	static const char junk[] = "pam_mfa-state 1\nfailures 99\njunk";
	struct mfa_state file;
	char *text;

	seed_legacy(USER);
	/* Left by a writer killed before its rename. */
	mfa_test_write_file(
	    at(g_dir, NEWF), junk, sizeof(junk) - 1, stale_modes[_i]);
	succeed_once(USER, T0 + 30);
	ck_assert(!exists(at(g_dir, NEWF)));
	parse_file(USER, &file, &text);
	ck_assert_uint_eq(file.serial, g_first + 1);
	ck_assert_int_eq(file.last_success, T0 + 30);
	ck_assert_uint_eq(file.failures, 0);
	ck_assert_ptr_null(strstr(text, "junk"));
	free(text);
	ENTRIES(USER, LOCK);
}
END_TEST

START_TEST(failures_leave_no_temporary_files)
{
	int i;

	seed_enrolled(USER);
	ENTRIES(USER, LOCK);
	for (i = 1; i <= 5; i++) {
		struct mfa_state st;
		struct mfa_store_txn *txn = begin(USER, &st);

		mfa_state_record_failure(&st, T0 + i, "-", &count_only);
		commit(txn, &st, T0 + i);
		mfa_store_end(txn);
		ENTRIES(USER, LOCK);
	}
	assert_tally(LOCK, g_first, 5, T0 + 5);
	/* And durable writes leave none behind either. */
	succeed_once(USER, T0 + 60);
	succeed_once(USER, T0 + 90);
	ENTRIES(USER, LOCK);
}
END_TEST

/*
 * Links planted at ".alice.new" (only root could, the directory being
 * root's 0700, but the store must not follow one anyway): the stale name
 * is unlinked, never opened through, so the commit succeeds, the target
 * is untouched and the record is a new regular file.
 */
START_TEST(planted_symlink_not_followed)
{
	static const char precious[] = "precious\n";
	struct mfa_state file;
	struct stat before, after;
	char *got;
	size_t len;

	seed_legacy(USER);
	mfa_test_write_file(
	    at(g_base, "target"), precious, sizeof(precious) - 1, 0600);
	ck_assert_int_eq(lstat(at(g_base, "target"), &before), 0);
	ck_assert_int_eq(symlink(at(g_base, "target"), at(g_dir, NEWF)), 0);
	succeed_once(USER, T0 + 30);
	ck_assert_int_eq(lstat(at(g_base, "target"), &after), 0);
	ck_assert_uint_eq(after.st_ino, before.st_ino);
	ck_assert_uint_eq(after.st_mode, before.st_mode);
	ck_assert_int_eq(after.st_size, (off_t)sizeof(precious) - 1);
	got = slurp(at(g_base, "target"), &len);
	ck_assert_str_eq(got, precious);
	free(got);
	ck_assert(!exists(at(g_dir, NEWF)));
	parse_file(USER, &file, NULL);
	ck_assert_int_eq(file.last_success, T0 + 30);
	ENTRIES(USER, LOCK);
}
END_TEST

START_TEST(planted_dangling_symlink_not_followed)
{
	struct mfa_state file;

	seed_legacy(USER);
	ck_assert_int_eq(symlink(at(g_base, "nothere"), at(g_dir, NEWF)), 0);
	succeed_once(USER, T0 + 30);
	/* O_CREAT through the link would have made the target. */
	ck_assert(!exists(at(g_base, "nothere")));
	ck_assert(!exists(at(g_dir, NEWF)));
	parse_file(USER, &file, NULL);
	ck_assert_int_eq(file.last_success, T0 + 30);
	ENTRIES(USER, LOCK);
}
END_TEST

START_TEST(planted_hard_link_not_written)
{
	static const char precious[] = "precious\n";
	struct stat st;
	char *got;
	size_t len;

	seed_legacy(USER);
	mfa_test_write_file(
	    at(g_base, "target"), precious, sizeof(precious) - 1, 0600);
	ck_assert_int_eq(link(at(g_base, "target"), at(g_dir, NEWF)), 0);
	succeed_once(USER, T0 + 30);
	got = slurp(at(g_base, "target"), &len);
	ck_assert_str_eq(got, precious);
	free(got);
	ck_assert_int_eq(lstat(at(g_base, "target"), &st), 0);
	ck_assert_uint_eq(st.st_nlink, 1);
	ck_assert(!exists(at(g_dir, NEWF)));
	ENTRIES(USER, LOCK);
}
END_TEST

/* A directory at ".alice.new" cannot be unlinked: the commit fails closed
 * (the record on disk stays the old one), and works once it is gone. */
START_TEST(planted_directory_fails_closed)
{
	struct mfa_state st, file;
	struct mfa_store_txn *txn;
	char *before, *after;
	size_t blen, alen;
	ino_t ino;
	int rc;

	seed_legacy(USER);
	ino = ino_of(at(g_dir, USER));
	before = slurp(at(g_dir, USER), &blen);
	ck_assert_int_eq(mkdir(at(g_dir, NEWF), 0700), 0);
	txn = begin(USER, &st);
	mfa_state_record_success(&st, T0 + 30, MFA_METHOD_BACKUP);
	rc = mfa_store_commit(txn, &st, T0 + 30);
	ck_assert_int_ne(rc, MFA_OK);
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino);
	after = slurp(at(g_dir, USER), &alen);
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(after, before, blen);
	free(after);
	free(before);
	ck_assert_int_eq(rmdir(at(g_dir, NEWF)), 0);
	commit(txn, &st, T0 + 30);
	mfa_store_end(txn);
	parse_file(USER, &file, NULL);
	ck_assert_int_eq(file.last_method, MFA_METHOD_BACKUP);
	ck_assert_uint_ge(file.serial, g_first + 1);
	ENTRIES(USER, LOCK);
}
END_TEST

/* Links planted at the record or the lock file are refused, never
 * followed: begin fails closed and the targets stay as they were. */
START_TEST(planted_links_at_record_and_lock_refused)
{
	static const char precious[] = "pam_mfa-state 1\n";
	struct mfa_state st;
	struct mfa_store_txn *txn = NULL;
	char why[256] = "", *got;
	size_t len;

	mfa_test_write_file(
	    at(g_base, "target"), precious, sizeof(precious) - 1, 0600);
	/* At the record. */
	ck_assert_int_eq(symlink(at(g_base, "target"), at(g_dir, USER)), 0);
	ck_assert_int_eq(
	    mfa_store_begin(g_s, USER, WAIT_MS, &st, &txn, why, sizeof(why)),
	    MFA_ERR_UNSAFE);
	ck_assert_ptr_null(txn);
	ck_assert_int_eq(unlink(at(g_dir, USER)), 0);
	/* At the lock file: to a file, and dangling (O_CREAT must not
	 * create the target). */
	ck_assert_int_eq(unlink(at(g_dir, LOCK)), 0);
	ck_assert_int_eq(symlink(at(g_base, "target"), at(g_dir, LOCK)), 0);
	ck_assert_int_eq(
	    mfa_store_begin(g_s, USER, WAIT_MS, &st, &txn, why, sizeof(why)),
	    MFA_ERR_UNSAFE);
	ck_assert_ptr_null(txn);
	ck_assert_int_eq(mfa_store_remove(g_s, USER, WAIT_MS), MFA_ERR_UNSAFE);
	ck_assert_int_eq(unlink(at(g_dir, LOCK)), 0);
	ck_assert_int_eq(symlink(at(g_base, "nothere"), at(g_dir, LOCK)), 0);
	ck_assert_int_eq(
	    mfa_store_begin(g_s, USER, WAIT_MS, &st, &txn, why, sizeof(why)),
	    MFA_ERR_UNSAFE);
	ck_assert(!exists(at(g_base, "nothere")));
	got = slurp(at(g_base, "target"), &len);
	ck_assert_str_eq(got, precious);
	free(got);
	/* A second hard link to the lock file is refused too. */
	ck_assert_int_eq(unlink(at(g_dir, LOCK)), 0);
	ck_assert_int_eq(link(at(g_base, "target"), at(g_dir, LOCK)), 0);
	ck_assert_int_eq(
	    mfa_store_begin(g_s, USER, WAIT_MS, &st, &txn, why, sizeof(why)),
	    MFA_ERR_UNSAFE);
	ck_assert_ptr_null(txn);
}
END_TEST

/* Failure then success in one transaction: the second commit compares
 * against the first one's result, so it is durable and clears the tally. */
START_TEST(failure_then_success_in_one_transaction)
{
	struct mfa_state st, file;
	struct mfa_store_txn *txn;
	ino_t ino;

	seed_enrolled(USER);
	ino = ino_of(at(g_dir, USER));
	txn = begin(USER, &st);
	mfa_state_record_failure(&st, T0 + 10, "-", &deny_policy);
	commit(txn, &st, T0 + 10);
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino);
	assert_tally(LOCK, g_first, 1, T0 + 10);
	mfa_state_record_success(&st, T0 + 11, MFA_METHOD_TOTP);
	commit(txn, &st, T0 + 11);
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino); /* in place */
	assert_no_tally(LOCK);
	mfa_store_end(txn);
	parse_file(USER, &file, NULL);
	ck_assert_uint_eq(file.serial, g_first + 1);
	ck_assert_uint_eq(file.failures, 0);
	ck_assert_int_eq(file.last_success, T0 + 11);
	ck_assert_int_eq(file.last_failure, T0 + 10);
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 0);
	mfa_store_end(txn);
}
END_TEST

/* Success then failure: durable, then a tally naming the new serial. */
START_TEST(success_then_failure_in_one_transaction)
{
	struct mfa_state st, file;
	struct mfa_store_txn *txn;
	ino_t ino;

	seed_enrolled(USER);
	txn = begin(USER, &st);
	mfa_state_record_success(&st, T0 + 20, MFA_METHOD_EMAIL);
	commit(txn, &st, T0 + 20);
	ino = ino_of(at(g_dir, USER));
	assert_no_tally(LOCK);
	mfa_state_record_failure(&st, T0 + 21, "-", &deny_policy);
	commit(txn, &st, T0 + 21);
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino);
	assert_tally(LOCK, g_first + 1, 1, T0 + 21);
	/* And a second failure in the same transaction: still a tally. */
	mfa_state_record_failure(&st, T0 + 22, "-", &deny_policy);
	commit(txn, &st, T0 + 22);
	ck_assert_uint_eq(ino_of(at(g_dir, USER)), ino);
	assert_tally(LOCK, g_first + 1, 2, T0 + 22);
	mfa_store_end(txn);
	parse_file(USER, &file, NULL);
	ck_assert_uint_eq(file.serial, g_first + 1);
	ck_assert_int_eq(file.last_method, MFA_METHOD_EMAIL);
	ck_assert_uint_eq(file.failures, 0);
	txn = begin(USER, &st);
	ck_assert_uint_eq(st.failures, 2);
	ck_assert_int_eq(st.last_failure, T0 + 22);
	ck_assert_int_eq(st.last_method, MFA_METHOD_EMAIL);
	mfa_store_end(txn);
}
END_TEST

/* A record the format cannot hold is refused on either path, and
 * nothing on disk changes. */
START_TEST(unstorable_record_refused)
{
	struct mfa_state st;
	struct mfa_store_txn *txn;
	char *before, *after;
	size_t blen, alen;

	seed_enrolled(USER);
	fail_once(USER, T0 + 1);
	before = slurp(at(g_dir, USER), &blen);
	txn = begin(USER, &st);
	st.last_failure = -1; /* "failure-only", but no tally can hold it */
	ck_assert_int_eq(mfa_store_commit(txn, &st, T0 + 2), MFA_ERR_INVALID);
	st.last_failure = T0 + 2;
	st.last_success = -5;
	ck_assert_int_eq(mfa_store_commit(txn, &st, T0 + 2), MFA_ERR_INVALID);
	mfa_store_end(txn);
	after = slurp(at(g_dir, USER), &alen);
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(after, before, blen);
	free(before);
	free(after);
	assert_tally(LOCK, g_first, 1, T0 + 1);
	ENTRIES(USER, LOCK);
}
END_TEST

/* The lock is per user and held for the whole transaction. */
START_TEST(lock_is_held_until_end)
{
	struct mfa_state st, other;
	struct mfa_store_txn *txn, *txn2 = NULL;
	char why[256] = "";

	txn = begin(USER, &st);
	ck_assert_int_eq(
	    mfa_store_begin(g_s, USER, 0, &other, &txn2, why, sizeof(why)),
	    MFA_ERR_LOCK_TIMEOUT);
	ck_assert_ptr_null(txn2);
	ck_assert_ptr_nonnull(strstr(why, USER));
	ck_assert_int_eq(mfa_store_remove(g_s, USER, 0), MFA_ERR_LOCK_TIMEOUT);
	txn2 = begin("bob", &other);
	mfa_store_end(txn2);
	mfa_store_end(txn);
	txn = begin(USER, &st);
	mfa_store_end(txn);
}
END_TEST

START_TEST(unsafe_directory_refused)
{
	struct mfa_store *s = NULL;
	char why[256] = "";

	ck_assert_int_eq(chmod(g_dir, 0770), 0);
	ck_assert_int_ne(
	    mfa_store_open(g_dir, 0, &s, why, sizeof(why)), MFA_OK);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(why, "state directory"));
	ck_assert_int_eq(chmod(g_dir, 0700), 0);
	ck_assert_int_eq(
	    mfa_store_open(g_dir, 0, &s, why, sizeof(why)), MFA_OK);
	mfa_store_close(s);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, new_user_then_success);
	tcase_add_test(tc, failure_only_writes_the_tally);
	tcase_add_test(tc, two_more_failures_make_three);
	tcase_add_test(tc, lockout_is_durable);
	tcase_add_test(tc, success_after_failures);
	tcase_add_test(tc, durable_write_keeps_the_count);
	tcase_add_test(tc, failures_without_a_state_file);
	tcase_add_test(tc, version_1_tally_converts_on_write);
	tcase_add_test(tc, read_gives_the_merged_view);
	tcase_add_test(tc, stale_tally_is_ignored);
	tcase_add_loop_test(tc, corrupt_tally_fails_closed, 0,
	    (int)(sizeof(corrupt) / sizeof(corrupt[0])));
	tcase_add_test(tc, clear_tally_keeps_a_bad_record);
	tcase_add_test(tc, remove_is_fine_without_a_record);
	tcase_add_loop_test(tc, stale_new_file_is_replaced, 0,
	    (int)(sizeof(stale_modes) / sizeof(stale_modes[0])));
	tcase_add_test(tc, failures_leave_no_temporary_files);
	tcase_add_test(tc, planted_symlink_not_followed);
	tcase_add_test(tc, planted_dangling_symlink_not_followed);
	tcase_add_test(tc, planted_hard_link_not_written);
	tcase_add_test(tc, planted_directory_fails_closed);
	tcase_add_test(tc, planted_links_at_record_and_lock_refused);
	tcase_add_test(tc, failure_then_success_in_one_transaction);
	tcase_add_test(tc, success_then_failure_in_one_transaction);
	tcase_add_test(tc, unstorable_record_refused);
	tcase_add_test(tc, lock_is_held_until_end);
	tcase_add_test(tc, unsafe_directory_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(store_suite());
}
