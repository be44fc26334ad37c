/*
 * test_store_list.c - the backend-neutral pieces of store.h on the file
 * backend: opening the configured store (store_open.h), listing its users
 * (sorted, names decoded from %XX, lock, temporary and other hidden files
 * left out, a record that cannot be read handed over with its error), the
 * admin's unlock, and a store opened for inspection only.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "state.h"
#include "store.h"
#include "store_files.h"
#include "store_open.h"
#include "testutil.h"

#define T0 INT64_C(1764028800)
#define WAIT_MS 2000

static char g_base[PATH_MAX];    /* this test's private directory */
static char g_dir[PATH_MAX + 8]; /* the store: g_base/state */
static struct mfa_store *g_s;

/* What a listing saw: one line per user (see note), and when to stop. */
struct seen {
	char text[1024];
	unsigned int n, stop_after;
};

static void
setup(void)
{
	mfa_test_store_open(
	    "list-test", g_base, sizeof(g_base), g_dir, sizeof(g_dir), &g_s);
}

static void
teardown(void)
{
	mfa_test_store_close(g_base, &g_s);
}

static const char *
at(const char *rel)
{
	static char buf[PATH_MAX + 64];

	snprintf(buf, sizeof(buf), "%s/%s", g_dir, rel);
	return buf;
}

static void
plant(const char *rel, const char *text)
{
	mfa_test_write_file(at(rel), text, strlen(text), 0600);
}

/* Write user's record through the store: enrolled, with failures. */
static void
put_user(struct mfa_store *s, const char *user, unsigned int failures)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char why[256] = "";

	ck_assert_msg(mfa_store_begin(s, user, WAIT_MS, &st, &txn, why,
			  sizeof(why)) == MFA_OK,
	    "%s", why);
	st.enrolled = 1;
	st.enrolled_at = T0;
	st.failures = failures;
	ck_assert_int_eq(mfa_store_commit(txn, &st, T0), MFA_OK);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
}

/* A visitor: "user rc part needs_reset line why|failures" per line. */
static int
note(void *arg, const struct mfa_store_entry *e)
{
	struct seen *s = arg;
	size_t o = strlen(s->text);

	if (e->rc == MFA_OK)
		snprintf(s->text + o, sizeof(s->text) - o, "%s ok %u\n",
		    e->user, e->st->failures);
	else
		snprintf(s->text + o, sizeof(s->text) - o, "%s %s %s %u: %s\n",
		    e->user, e->part, e->needs_reset ? "reset" : "unlock",
		    e->line, e->why[0] != '\0' ? e->why : "(no reason)");
	s->n++;
	return s->stop_after != 0 && s->n == s->stop_after ? 7 : 0;
}

static void
list(struct mfa_store *s, struct seen *seen, int want)
{
	char why[256] = "";

	memset(seen, 0, sizeof(*seen));
	ck_assert_int_eq(mfa_store_list(s, note, seen, why, sizeof(why)), want);
}

START_TEST(users_sorted_and_decoded)
{
	struct seen seen;

	put_user(g_s, "carol", 0);
	put_user(g_s, "bob", 1);
	put_user(g_s, "al/ice", 0); /* file "al%2Fice" */
	put_user(g_s, ".dot", 0);   /* file "%2Edot" */
	list(g_s, &seen, MFA_OK);
	/* Sorted by file name: "%2Edot" < "al%2Fice" < "bob" < "carol". */
	ck_assert_str_eq(
	    seen.text, ".dot ok 0\nal/ice ok 0\nbob ok 1\ncarol ok 0\n");
	ck_assert_uint_eq(seen.n, 4);
}
END_TEST

/* Lock files, a killed writer's temporary file and anything else whose
 * name starts with '.' are not users. */
START_TEST(hidden_files_are_not_users)
{
	struct seen seen;
	struct stat sb;

	put_user(g_s, "alice", 0);
	ck_assert_int_eq(lstat(at(".alice.lock"), &sb), 0);
	plant(".alice.new", "pam_mfa-state 1\n");
	plant(".planted", "pam_mfa-state 1\n");
	plant(".bob.lock", "");
	list(g_s, &seen, MFA_OK);
	ck_assert_str_eq(seen.text, "alice ok 0\n");
}
END_TEST

/* The failures counted in the tally (a failure-only commit) are listed,
 * as the module counts them. */
START_TEST(tally_counted)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	struct seen seen;
	struct stat sb;
	char why[256] = "";

	put_user(g_s, "alice", 0);
	ck_assert_int_eq(
	    mfa_store_begin(g_s, "alice", WAIT_MS, &st, &txn, why, sizeof(why)),
	    MFA_OK);
	st.failures = 2;
	st.last_failure = T0 + 5;
	ck_assert_int_eq(mfa_store_commit(txn, &st, T0 + 5), MFA_OK);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	/* It went to the tally, which is in the record file now: the lock
	 * file stays empty. */
	ck_assert_int_eq(lstat(at(".alice.lock"), &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);
	list(g_s, &seen, MFA_OK);
	ck_assert_str_eq(seen.text, "alice ok 2\n");
}
END_TEST

/* A record that is not a file, one that does not parse, and a tally that
 * does not parse: each user is listed with the error and the way out. */
START_TEST(unreadable_records_reported)
{
	struct seen seen;

	ck_assert_int_eq(mkdir(at("dave"), 0700), 0);
	plant("erin", "pam_mfa-state 1\nfailures x\n");
	plant("frank", "pam_mfa-state 1\nfailures 1\n");
	plant(".frank.lock", "not a tally");
	/* Read as the module reads it: group or other bits are refused. */
	mfa_test_write_file(at("gina"), "pam_mfa-state 1\n", 16, 0644);
	list(g_s, &seen, MFA_OK);
	ck_assert_uint_eq(seen.n, 4);
	ck_assert_ptr_nonnull(
	    strstr(seen.text, "\ngina state reset 0: (no reason)\n"));
	/* Not a file: it cannot be read, no parse reason. */
	ck_assert_msg(
	    strncmp(seen.text, "dave state reset 0: (no reason)\n", 32) == 0,
	    "%s", seen.text);
	ck_assert_ptr_nonnull(strstr(seen.text,
	    "\nerin state reset 2: failures: not a decimal number\n"));
	ck_assert_ptr_nonnull(strstr(
	    seen.text, "\nfrank failure tally (in its lock file) unlock 1: "));
}
END_TEST

/* What the visitor returns stops the listing and is the result. */
START_TEST(visitor_stops)
{
	struct seen seen;
	char why[256] = "";

	put_user(g_s, "a", 0);
	put_user(g_s, "b", 0);
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	ck_assert_int_eq(mfa_store_list(g_s, note, &seen, why, sizeof(why)), 7);
	ck_assert_str_eq(seen.text, "a ok 0\n");
}
END_TEST

START_TEST(username_decoded)
{
	char out[64];

	mfa_store_username("al%2Fice", out, sizeof(out));
	ck_assert_str_eq(out, "al/ice");
	mfa_store_username("%2edot%0a", out, sizeof(out));
	ck_assert_str_eq(out, ".dot\n");
	/* Not an escape: kept as it is ("%00" would end the name). */
	mfa_store_username("b%zz%00%4", out, sizeof(out));
	ck_assert_str_eq(out, "b%zz%00%4");
	mfa_store_username("abcdef", out, 4);
	ck_assert_str_eq(out, "abc");
}
END_TEST

/* The configured store: state_dir=, created 0700 only when asked. */
START_TEST(open_from_config)
{
	struct mfa_config cfg;
	struct mfa_store *s = NULL;
	struct seen seen;
	struct stat sb;
	char dir[PATH_MAX + 16], why[256] = "";

	ck_assert_int_eq(mfa_config_init(&cfg), MFA_OK);
	snprintf(dir, sizeof(dir), "%s/other", g_base);
	free(cfg.state_dir);
	cfg.state_dir = strdup(dir);
	ck_assert_ptr_nonnull(cfg.state_dir);
	ck_assert_str_eq(mfa_store_config_where(&cfg), dir);
	ck_assert_int_eq(mfa_store_open_config(&cfg, 0, &s, why, sizeof(why)),
	    MFA_ERR_NOENT);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(why, "state directory") != NULL, "%s", why);
	ck_assert_int_eq(lstat(dir, &sb), -1);
	ck_assert_int_eq(
	    mfa_store_open_config(&cfg, 1, &s, why, sizeof(why)), MFA_OK);
	ck_assert_int_eq(lstat(dir, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0700);
	put_user(s, "zoe", 1);
	list(s, &seen, MFA_OK);
	ck_assert_str_eq(seen.text, "zoe ok 1\n");
	mfa_store_close(s);
	/* g_s, the other directory, has nobody. */
	list(g_s, &seen, MFA_OK);
	ck_assert_str_eq(seen.text, "");
	mfa_config_free(&cfg);
}
END_TEST

/* Whose store: the effective uid's own directory, or one it could create,
 * is not foreign; root's "/" is, to anybody else. */
START_TEST(foreign_store)
{
	struct mfa_config cfg;
	char dir[PATH_MAX + 16];

	ck_assert_int_eq(mfa_config_init(&cfg), MFA_OK);
	free(cfg.state_dir);
	cfg.state_dir = strdup(g_dir);
	ck_assert_int_eq(mfa_store_config_foreign(&cfg), 0);
	snprintf(dir, sizeof(dir), "%s/missing", g_base);
	free(cfg.state_dir);
	cfg.state_dir = strdup(dir);
	ck_assert_int_eq(mfa_store_config_foreign(&cfg), 0);
	snprintf(dir, sizeof(dir), "%s/missing/deeper", g_base);
	free(cfg.state_dir);
	cfg.state_dir = strdup(dir);
	ck_assert_int_eq(mfa_store_config_foreign(&cfg), 1);
	free(cfg.state_dir);
	cfg.state_dir = strdup("/");
	ck_assert_int_eq(mfa_store_config_foreign(&cfg), geteuid() != 0);
	mfa_config_free(&cfg);
}
END_TEST

/* Opened for inspection: listed, never written. */
START_TEST(inspect_lists_only)
{
	struct mfa_store *s = NULL;
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	struct seen seen;
	char why[256] = "";

	put_user(g_s, "alice", 3);
	ck_assert_int_eq(
	    mfa_store_open_inspect(g_dir, &s, why, sizeof(why)), MFA_OK);
	list(s, &seen, MFA_OK);
	ck_assert_str_eq(seen.text, "alice ok 3\n");
	ck_assert_int_eq(
	    mfa_store_begin(s, "bob", WAIT_MS, &st, &txn, why, sizeof(why)),
	    MFA_ERR_READONLY);
	ck_assert_ptr_null(txn);
	ck_assert_int_eq(
	    mfa_store_remove(s, "alice", WAIT_MS), MFA_ERR_READONLY);
	mfa_store_close(s);
	ck_assert_int_eq(
	    mfa_store_open_inspect(at("nobody"), &s, why, sizeof(why)),
	    MFA_ERR_NOENT);
	ck_assert_ptr_null(s);
}
END_TEST

/* unlock: failures and lock-outs cleared; a bad tally dropped; a bad
 * record left for reset. */
START_TEST(unlock_clears)
{
	struct mfa_state st;
	unsigned int failures = 0;
	int dropped = -1, fd;
	struct stat sb;
	char why[256] = "";

	put_user(g_s, "alice", 5);
	ck_assert_int_eq(mfa_store_unlock(g_s, "alice", WAIT_MS, T0, &failures,
			     &dropped, why, sizeof(why)),
	    MFA_OK);
	ck_assert_uint_eq(failures, 5);
	ck_assert_int_eq(dropped, 0);
	ck_assert_int_eq(
	    mfa_store_read(g_s, "alice", WAIT_MS, &st, why, sizeof(why)),
	    MFA_OK);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_int_eq(st.enrolled, 1);
	mfa_state_wipe(&st);
	/* A byte of the record file's tally (its last bytes) flipped. */
	fd = open(at("alice"), O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &sb), 0);
	ck_assert_int_eq(pwrite(fd, "x", 1, sb.st_size - 10), 1);
	close(fd);
	ck_assert_int_eq(
	    mfa_store_read(g_s, "alice", WAIT_MS, &st, why, sizeof(why)),
	    MFA_ERR_FORMAT);
	ck_assert_msg(strstr(why, "unlock clears it") != NULL, "%s", why);
	ck_assert_int_eq(mfa_store_unlock(g_s, "alice", WAIT_MS, T0, &failures,
			     &dropped, why, sizeof(why)),
	    MFA_OK);
	ck_assert_int_eq(dropped, 1);
	plant("bob", "pam_mfa-state 1\nfailures x\n");
	ck_assert_int_eq(mfa_store_unlock(g_s, "bob", WAIT_MS, T0, &failures,
			     &dropped, why, sizeof(why)),
	    MFA_ERR_FORMAT);
	ck_assert_msg(strstr(why, "line 2") != NULL, "%s", why);
}
END_TEST

static Suite *
store_list_suite(void)
{
	Suite *s = suite_create("store_list");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, users_sorted_and_decoded);
	tcase_add_test(tc, hidden_files_are_not_users);
	tcase_add_test(tc, tally_counted);
	tcase_add_test(tc, unreadable_records_reported);
	tcase_add_test(tc, visitor_stops);
	tcase_add_test(tc, username_decoded);
	tcase_add_test(tc, open_from_config);
	tcase_add_test(tc, foreign_store);
	tcase_add_test(tc, inspect_lists_only);
	tcase_add_test(tc, unlock_clears);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(store_list_suite());
}
