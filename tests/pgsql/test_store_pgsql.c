/*
 * test_store_pgsql.c - the PostgreSQL store plug-in (pgsql/) against a
 * real private server, started by tests/pgsql/store_pgsql.sh, which sets
 * MFA_PG_PORT (the server on 127.0.0.1), MFA_PG_PID (its postmaster) and
 * MFA_PG_ADMIN (a libpq connection string with every right).  The plug-in
 * is loaded from $MFA_BUILD/plugins as the module loads it.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "error.h"
#include "state.h"
#include "store.h"
#include "store_backend.h"
#include "store_plugin.h"
#include "pgtest.h"
#include "testutil.h"

#define T_MS 2000      /* store_timeout of most tests */
#define MARGIN_MS 2000 /* what a loaded machine may add to a deadline */

extern char **environ;

static char g_base[PATH_MAX];
static char g_why[512];

/* The environment the suite needs; fails the test when absent. */
static const char *
need_env(const char *name)
{
	const char *v = getenv(name);

	ck_assert_msg(v != NULL && *v != '\0',
	    "%s is not set: run through tests/pgsql/store_pgsql.sh", name);
	return v;
}

/* Write a connection file with text at name (mode), its path in out. */
static void
conninfo_file(const char *name, const char *text, unsigned int mode, char *out,
    size_t outsz)
{
	snprintf(out, outsz, "%s/%s", g_base, name);
	mfa_test_write_file(out, text, strlen(text), mode);
}

/* The connection string of the test server for user, plus extra. */
static void
conninfo(char *out, size_t outsz, const char *user, const char *extra)
{
	snprintf(out, outsz, "host=127.0.0.1 port=%s dbname=mfa user=%s %s",
	    need_env("MFA_PG_PORT"), user, extra);
}

/* Load the plug-in and open a store from the connection file path. */
static int
open_path(const char *path, unsigned int timeout_ms, struct mfa_store **s)
{
	char dir[PATH_MAX];
	struct mfa_store_params p = {MFA_STORE_ABI, path, timeout_ms};

	snprintf(dir, sizeof(dir), "%s/plugins", need_env("MFA_BUILD"));
	g_why[0] = '\0';
	return mfa_store_plugin_load(dir, "pgsql", &p, s, g_why, sizeof(g_why));
}

/* Open a store on the test server as its admin, schema set up. */
static struct mfa_store *
open_admin(unsigned int timeout_ms)
{
	char text[512], path[PATH_MAX + 32];
	struct mfa_store *s = NULL;
	int rc;

	/* Written once per test, before any writer forks. */
	snprintf(path, sizeof(path), "%s/admin.conninfo", g_base);
	conninfo(text, sizeof(text), "mfaadmin", "");
	if (access(path, F_OK) != 0)
		conninfo_file("admin.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, timeout_ms, &s);
	ck_assert_msg(rc == MFA_OK, "open: %d %s", rc, g_why);
	rc = mfa_store_setup(s, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "setup: %d %s", rc, g_why);
	return s;
}

static void
setup(void)
{
	ck_assert(mfa_test_safe_tmpdir("pgsql", g_base, sizeof(g_base)) == 0);
	/* Every test starts from the current schema and no records. */
	mfa_store_close(open_admin(T_MS));
	pgtest_admin("DELETE FROM pam_mfa.state", NULL, 0);
}

static void
teardown(void)
{
	if (g_base[0] != '\0')
		mfa_test_rm_rf(g_base);
}

/* begin + commit of change() + end, all checked. */
static void
update(
    struct mfa_store *s, const char *user, void (*change)(struct mfa_state *))
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	int rc;

	rc = mfa_store_begin(s, user, T_MS, &st, &txn, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "begin %s: %d %s", user, rc, g_why);
	change(&st);
	rc = mfa_store_commit(txn, &st, mfa_store_now(txn, 0));
	ck_assert_msg(rc == MFA_OK, "commit %s: %d", user, rc);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
}

static void
enrol(struct mfa_state *st)
{
	st->enrolled = 1;
	st->enrolled_at = 1764028800;
	st->has_last_step = 1;
	st->totp_last_step = 58800960;
}

static void
fail_once(struct mfa_state *st)
{
	st->failures++;
	st->last_failure = 1764028800;
}

START_TEST(setup_is_idempotent)
{
	struct mfa_store *s = open_admin(T_MS);
	char info[512], v[32];
	int rc;

	rc = mfa_store_setup(s, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "second setup: %d %s", rc, g_why);
	pgtest_admin(
	    "SELECT count(*) FROM pam_mfa.schema_version", v, sizeof(v));
	ck_assert_str_eq(v, "1");
	rc = mfa_store_probe(s, info, sizeof(info));
	ck_assert_msg(rc == MFA_OK, "probe: %d %s", rc, info);
	ck_assert_msg(strstr(info, "server 15.") != NULL &&
		strstr(info, "no TLS") != NULL &&
		strstr(info, "schema 1") != NULL &&
		strstr(info, "round trip") != NULL,
	    "%s", info);
	ck_assert_str_eq(mfa_store_backend(s), "postgresql");
	mfa_store_close(s);
}
END_TEST

START_TEST(commit_then_read_back)
{
	struct mfa_store *s = open_admin(T_MS);
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char v[64], want[64];
	uint64_t serial0;
	int64_t now;
	int rc;

	rc = mfa_store_read(s, "alice", T_MS, &st, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	ck_assert_int_eq(st.enrolled, 0);
	ck_assert_uint_eq(st.serial, 0);
	update(s, "alice", enrol);
	/* Seen by another connection, with its serial in a column. */
	mfa_store_close(s);
	s = open_admin(T_MS);
	rc = mfa_store_begin(s, "alice", T_MS, &st, &txn, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	ck_assert_int_eq(st.enrolled, 1);
	ck_assert_uint_eq(st.totp_last_step, 58800960);
	ck_assert_uint_ne(st.serial, 0);
	serial0 = st.serial;
	/* Expiry goes by the server's clock, read at begin. */
	now = mfa_store_now(txn, 0);
	ck_assert_msg(now > time(NULL) - 60 && now < time(NULL) + 60,
	    "server time %lld", (long long)now);
	/* Two commits in one transaction: both kept, serial +1 each. */
	st.failures = 1;
	ck_assert_int_eq(mfa_store_commit(txn, &st, now), MFA_OK);
	st.failures = 2;
	ck_assert_int_eq(mfa_store_commit(txn, &st, now), MFA_OK);
	mfa_store_end(txn);
	rc = mfa_store_read(s, "alice", T_MS, &st, g_why, sizeof(g_why));
	ck_assert_int_eq(rc, MFA_OK);
	ck_assert_uint_eq(st.failures, 2);
	ck_assert_uint_eq(st.serial, serial0 + 2);
	snprintf(want, sizeof(want), "%llu", (unsigned long long)st.serial);
	pgtest_admin("SELECT serial FROM pam_mfa.state WHERE name = 'alice'", v,
	    sizeof(v));
	ck_assert_str_eq(v, want);
	mfa_state_wipe(&st);
	mfa_store_close(s);
}
END_TEST

START_TEST(bad_record_is_an_error)
{
	struct mfa_store *s = open_admin(T_MS);
	struct mfa_state st;
	int rc;

	pgtest_admin("INSERT INTO pam_mfa.state (name, record, serial) VALUES "
		     "('bob', 'not a state record', 1)",
	    NULL, 0);
	rc = mfa_store_read(s, "bob", T_MS, &st, g_why, sizeof(g_why));
	ck_assert_msg(rc != MFA_OK && rc != MFA_ERR_UNAVAILABLE, "%d", rc);
	ck_assert_msg(strstr(g_why, "record of bob") != NULL &&
		strstr(g_why, "line") != NULL,
	    "%s", g_why);
	ck_assert_int_eq(st.enrolled, 0);
	/* The failed begin released its lock: the admin's reset works. */
	ck_assert_int_eq(mfa_store_remove(s, "bob", 500), MFA_OK);
	rc = mfa_store_read(s, "bob", T_MS, &st, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	mfa_store_close(s);
}
END_TEST

/* Count one failure for user n times, each in its own transaction. */
static void
count_failures(const char *user, int n)
{
	struct mfa_store *s = open_admin(T_MS);
	int i;

	for (i = 0; i < n; i++)
		update(s, user, fail_once);
	mfa_store_close(s);
}

START_TEST(racing_processes_lose_no_update)
{
	const int procs = 4, each = 25;
	struct mfa_store *s;
	struct mfa_state st;
	pid_t pids[4];
	int i, status, rc;

	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		ck_assert(pids[i] >= 0);
		if (pids[i] == 0) {
			count_failures("racer", each);
			_exit(0);
		}
	}
	for (i = 0; i < procs; i++) {
		ck_assert(waitpid(pids[i], &status, 0) == pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "writer %d failed", i);
	}
	s = open_admin(T_MS);
	rc = mfa_store_read(s, "racer", T_MS, &st, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	ck_assert_uint_eq(st.failures, (unsigned int)(procs * each));
	mfa_store_close(s);
}
END_TEST

START_TEST(lock_wait_is_bounded)
{
	/* b's own lock_timeout (5 s) must not be what bounds the wait. */
	struct mfa_store *a = open_admin(T_MS), *b = open_admin(5000);
	struct mfa_store_txn *ta = NULL, *tb = NULL;
	struct mfa_state st;
	int64_t t0, took;
	int rc;

	rc = mfa_store_begin(a, "carol", T_MS, &st, &ta, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	t0 = pgtest_mono_ms();
	rc = mfa_store_begin(b, "carol", 300, &st, &tb, g_why, sizeof(g_why));
	took = pgtest_mono_ms() - t0;
	ck_assert_int_eq(rc, MFA_ERR_LOCK_TIMEOUT);
	ck_assert_ptr_null(tb);
	ck_assert_msg(
	    took >= 250 && took < 300 + MARGIN_MS, "%lld ms", (long long)took);
	ck_assert_msg(strstr(g_why, "carol") != NULL, "%s", g_why);
	/* Another user is not held up; the lock goes with end. */
	rc = mfa_store_read(b, "dave", 300, &st, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	mfa_store_end(ta);
	rc = mfa_store_begin(b, "carol", T_MS, &st, &tb, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	mfa_store_end(tb);
	mfa_store_close(a);
	mfa_store_close(b);
}
END_TEST

/* What a listing saw, one "user rc failures" line per user. */
struct seen {
	char text[1024];
};

static int
note_user(void *arg, const struct mfa_store_entry *e)
{
	struct seen *seen = arg;
	size_t n = strlen(seen->text);

	snprintf(seen->text + n, sizeof(seen->text) - n, "%s %d %u %d\n",
	    e->user, e->rc, e->st != NULL ? e->st->failures : 999,
	    e->needs_reset);
	return 0;
}

START_TEST(list_sorted_with_errors)
{
	struct mfa_store *s = open_admin(T_MS);
	struct seen seen = {""};
	int rc;

	update(s, "zoe", fail_once);
	update(s, "Adam", enrol);
	update(s, "d.e f", fail_once);
	pgtest_admin("INSERT INTO pam_mfa.state (name, record, serial) VALUES "
		     "('mallory', 'garbage', 1)",
	    NULL, 0);
	rc = mfa_store_list(s, note_user, &seen, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	/* Byte order of the stored names, names decoded, bad one flagged. */
	ck_assert_msg(
	    strncmp(seen.text, "Adam 0 0 0\nd.e f 0 1 0\nmallory -", 30) == 0 &&
		strstr(seen.text, " 999 1\nzoe 0 1 0\n") != NULL,
	    "%s", seen.text);
	mfa_store_close(s);
}
END_TEST

START_TEST(remove_and_unlock)
{
	struct mfa_store *s = open_admin(T_MS);
	struct mfa_state st;
	unsigned int failures = 0;
	int dropped = -1, rc, i;

	for (i = 0; i < 3; i++)
		update(s, "erin", fail_once);
	rc = mfa_store_unlock(
	    s, "erin", T_MS, 0, &failures, &dropped, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	ck_assert_uint_eq(failures, 3);
	ck_assert_int_eq(dropped, 0);
	ck_assert_int_eq(
	    mfa_store_read(s, "erin", T_MS, &st, g_why, sizeof(g_why)), MFA_OK);
	ck_assert_uint_eq(st.failures, 0);
	ck_assert_int_eq(mfa_store_remove(s, "erin", T_MS), MFA_OK);
	ck_assert_int_eq(
	    mfa_store_read(s, "erin", T_MS, &st, g_why, sizeof(g_why)), MFA_OK);
	ck_assert_uint_eq(st.serial, 0);
	/* Removing nothing is fine. */
	ck_assert_int_eq(mfa_store_remove(s, "nobody-here", T_MS), MFA_OK);
	mfa_store_close(s);
}
END_TEST

/* Every operation on records says the schema must be set up. */
static void
assert_schema_refused(struct mfa_store *s)
{
	struct seen seen = {""};
	struct mfa_state st;
	char info[512];

	ck_assert_int_eq(
	    mfa_store_read(s, "frank", T_MS, &st, g_why, sizeof(g_why)),
	    MFA_ERR_VERSION);
	ck_assert_msg(
	    strstr(g_why, "mfa-enroll store init") != NULL, "%s", g_why);
	ck_assert_int_eq(
	    mfa_store_list(s, note_user, &seen, g_why, sizeof(g_why)),
	    MFA_ERR_VERSION);
	ck_assert_int_eq(mfa_store_remove(s, "frank", T_MS), MFA_ERR_VERSION);
	ck_assert_int_eq(
	    mfa_store_probe(s, info, sizeof(info)), MFA_ERR_VERSION);
	ck_assert_msg(strstr(info, "store init") != NULL, "%s", info);
}

START_TEST(old_or_missing_schema_refused)
{
	struct mfa_store *s = open_admin(T_MS);
	struct mfa_state st;

	pgtest_admin("UPDATE pam_mfa.schema_version SET version = 0", NULL, 0);
	assert_schema_refused(s);
	/* setup upgrades it, and the store works again. */
	ck_assert_int_eq(mfa_store_setup(s, g_why, sizeof(g_why)), MFA_OK);
	ck_assert_int_eq(
	    mfa_store_read(s, "frank", T_MS, &st, g_why, sizeof(g_why)),
	    MFA_OK);
	pgtest_admin("DROP SCHEMA pam_mfa CASCADE", NULL, 0);
	assert_schema_refused(s);
	ck_assert_int_eq(mfa_store_setup(s, g_why, sizeof(g_why)), MFA_OK);
	ck_assert_int_eq(
	    mfa_store_read(s, "frank", T_MS, &st, g_why, sizeof(g_why)),
	    MFA_OK);
	mfa_store_close(s);
}
END_TEST

START_TEST(newer_schema_left_alone)
{
	struct mfa_store *s = open_admin(T_MS);
	char v[16];

	pgtest_admin("UPDATE pam_mfa.schema_version SET version = 2", NULL, 0);
	ck_assert_int_eq(
	    mfa_store_setup(s, g_why, sizeof(g_why)), MFA_ERR_VERSION);
	ck_assert_msg(strstr(g_why, "newer") != NULL, "%s", g_why);
	pgtest_admin(
	    "SELECT version FROM pam_mfa.schema_version", v, sizeof(v));
	ck_assert_str_eq(v, "2");
	assert_schema_refused(s);
	pgtest_admin("UPDATE pam_mfa.schema_version SET version = 1", NULL, 0);
	mfa_store_close(s);
}
END_TEST

/* A copy of environ's pointers, to compare after an open. */
static char **
env_snapshot(size_t *n)
{
	char **copy;

	for (*n = 0; environ[*n] != NULL; (*n)++)
		;
	copy = calloc(*n + 1, sizeof(char *));
	ck_assert(copy != NULL);
	memcpy(copy, environ, *n * sizeof(char *));
	return copy;
}

/* The caller's environment: wrong for the server at every turn. */
static void
hostile_env(void)
{
	char path[PATH_MAX + 32], text[256];

	snprintf(text, sizeof(text), "127.0.0.1:%s:*:*:right-pw\n",
	    need_env("MFA_PG_PORT"));
	conninfo_file(".pgpass", text, 0600, path, sizeof(path));
	setenv("PGPASSFILE", path, 1);
	conninfo_file(".pg_service.conf", "[evil]\nhost=192.0.2.1\n", 0600,
	    path, sizeof(path));
	setenv("PGSERVICEFILE", path, 1);
	setenv("HOME", g_base, 1);
	setenv("PGHOST", "/nonexistent", 1);
	setenv("PGHOSTADDR", "192.0.2.1", 1);
	setenv("PGPORT", "1", 1);
	setenv("PGPASSWORD", "right-pw", 1);
	setenv("PGSERVICE", "evil", 1);
	setenv("PGSSLMODE", "require", 1);
	setenv("PGOPTIONS", "-c no_such_setting=1", 1);
	setenv("PGDATABASE", "nodb", 1);
	setenv("PGCONNECT_TIMEOUT", "1", 1);
}

START_TEST(environment_is_ignored)
{
	char text[512], path[PATH_MAX + 32], **before;
	struct mfa_store *s = NULL;
	size_t n, i;
	int rc;

	hostile_env();
	before = env_snapshot(&n);
	/* Everything given: none of the variables may change a thing. */
	conninfo(text, sizeof(text), "mfaadmin", "");
	conninfo_file("all.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, T_MS, &s);
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	mfa_store_close(s);
	/* No password given: PGPASSWORD, PGPASSFILE, ~/.pgpass unused. */
	conninfo(text, sizeof(text), "mfa_pw", "");
	conninfo_file("nopw.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, T_MS, &s);
	ck_assert_msg(rc == MFA_ERR_UNAVAILABLE, "%d %s", rc, g_why);
	ck_assert_msg(strstr(g_why, "password") != NULL, "%s", g_why);
	/* environ is the same array of the same strings. */
	ck_assert_ptr_eq(environ[n], NULL);
	for (i = 0; i < n; i++)
		ck_assert_ptr_eq(environ[i], before[i]);
	ck_assert_str_eq(getenv("PGHOST"), "/nonexistent");
	free(before);
}
END_TEST

START_TEST(right_and_wrong_password)
{
	char text[512], path[PATH_MAX + 32];
	struct mfa_store *s = NULL;
	int rc;

	conninfo(text, sizeof(text), "mfa_pw", "password=right-pw");
	conninfo_file("pw.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, T_MS, &s);
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	mfa_store_close(s);
	conninfo(text, sizeof(text), "mfa_pw", "password=wrong-pw");
	conninfo_file("wrong.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, T_MS, &s);
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(g_why, "password authentication failed") != NULL,
	    "%s", g_why);
	ck_assert_msg(strstr(g_why, "wrong-pw") == NULL, "%s", g_why);
}
END_TEST

START_TEST(refused_port)
{
	char text[512], path[PATH_MAX + 32];
	struct mfa_store *s = NULL;
	int64_t t0, took;
	int rc;

	/* Port 1 on loopback: nothing listens there (not as a test user). */
	conninfo_file("refused.conninfo",
	    "host=127.0.0.1 port=1 dbname=mfa user=mfaadmin", 0600, path,
	    sizeof(path));
	(void)text;
	t0 = pgtest_mono_ms();
	rc = open_path(path, T_MS, &s);
	took = pgtest_mono_ms() - t0;
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(g_why, "refused") != NULL, "%s", g_why);
	ck_assert_msg(took < T_MS, "%lld ms", (long long)took);
}
END_TEST

/* kill -STOP pid, run open or a read, kill -CONT: the time it took. */
static int64_t
stopped(pid_t pid, struct mfa_store *s, const char *path, int *rc)
{
	struct mfa_store *o = NULL;
	struct mfa_state st;
	int64_t t0, took;

	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	t0 = pgtest_mono_ms();
	if (s == NULL)
		*rc = open_path(path, 1000, &o);
	else
		*rc = mfa_store_read(s, "gina", 500, &st, g_why, sizeof(g_why));
	took = pgtest_mono_ms() - t0;
	kill(pid, SIGCONT);
	mfa_store_close(o);
	return took;
}

START_TEST(stopped_server_fails_in_time)
{
	char text[512], path[PATH_MAX + 32], pid[32];
	struct mfa_store *s = NULL;
	int64_t took;
	int rc;

	conninfo(text, sizeof(text), "mfaadmin", "");
	conninfo_file("stop.conninfo", text, 0600, path, sizeof(path));
	/* The postmaster: the kernel accepts, nobody answers. */
	took = stopped((pid_t)atol(need_env("MFA_PG_PID")), NULL, path, &rc);
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	ck_assert_msg(
	    took >= 900 && took < 1000 + MARGIN_MS, "%lld ms", (long long)took);
	ck_assert_msg(strstr(g_why, "deadline") != NULL, "%s", g_why);
	/* A backend that stops answering in the middle of a session. */
	conninfo(text, sizeof(text), "mfaadmin", "application_name=stopme");
	conninfo_file("stop2.conninfo", text, 0600, path, sizeof(path));
	ck_assert_int_eq(open_path(path, 1000, &s), MFA_OK);
	pgtest_admin(
	    "SELECT pid FROM pg_stat_activity WHERE application_name = "
	    "'stopme'",
	    pid, sizeof(pid));
	ck_assert_msg(atol(pid) > 0, "no backend");
	took = stopped((pid_t)atol(pid), s, NULL, &rc);
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	ck_assert_msg(
	    took < 1000 + 500 + MARGIN_MS, "%lld ms", (long long)took);
	/* The lost connection stays lost, and says so. */
	ck_assert_int_eq(mfa_store_remove(s, "gina", 500), MFA_ERR_UNAVAILABLE);
	mfa_store_close(s);
}
END_TEST

START_TEST(connection_file_checked)
{
	char text[512], path[PATH_MAX + 32], link[PATH_MAX + 32];
	struct mfa_store *s = NULL;
	char big[5001];

	conninfo(text, sizeof(text), "mfaadmin", "");
	conninfo_file("open.conninfo", text, 0644, path, sizeof(path));
	ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_UNSAFE);
	ck_assert_msg(strstr(g_why, "group or others") != NULL, "%s", g_why);
	ck_assert_int_eq(chmod(path, 0600), 0);
	snprintf(link, sizeof(link), "%s/link.conninfo", g_base);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(open_path(link, T_MS, &s), MFA_ERR_UNSAFE);
	ck_assert_msg(strstr(g_why, "link") != NULL, "%s", g_why);
	if (geteuid() == 0) {
		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_UNSAFE);
		ck_assert_msg(strstr(g_why, "owned by") != NULL, "%s", g_why);
	}
	memset(big, ' ', 5000);
	big[5000] = '\0';
	conninfo_file("big.conninfo", big, 0600, path, sizeof(path));
	ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_TOOBIG);
	conninfo(text, sizeof(text), "mfaadmin", "service=evil");
	conninfo_file("svc.conninfo", text, 0600, path, sizeof(path));
	ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_FORMAT);
	ck_assert_msg(strstr(g_why, "service") != NULL, "%s", g_why);
	conninfo_file(
	    "bad.conninfo", "host=127.0.0.1 port", 0600, path, sizeof(path));
	ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_FORMAT);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(other_abi_refused)
{
	char dir[PATH_MAX];
	struct mfa_store_params p = {MFA_STORE_ABI + 1, "/nonexistent", 100};
	struct mfa_store *s = NULL;

	snprintf(dir, sizeof(dir), "%s/plugins", need_env("MFA_BUILD"));
	ck_assert_int_eq(
	    mfa_store_plugin_load(dir, "pgsql", &p, &s, g_why, sizeof(g_why)),
	    MFA_ERR_VERSION);
	ck_assert_ptr_null(s);
}
END_TEST

static Suite *
pgsql_suite(void)
{
	Suite *s = suite_create("store_pgsql");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, setup_is_idempotent);
	tcase_add_test(tc, commit_then_read_back);
	tcase_add_test(tc, bad_record_is_an_error);
	tcase_add_test(tc, racing_processes_lose_no_update);
	tcase_add_test(tc, lock_wait_is_bounded);
	tcase_add_test(tc, list_sorted_with_errors);
	tcase_add_test(tc, remove_and_unlock);
	tcase_add_test(tc, old_or_missing_schema_refused);
	tcase_add_test(tc, newer_schema_left_alone);
	tcase_add_test(tc, environment_is_ignored);
	tcase_add_test(tc, right_and_wrong_password);
	tcase_add_test(tc, refused_port);
	tcase_add_test(tc, stopped_server_fails_in_time);
	tcase_add_test(tc, connection_file_checked);
	tcase_add_test(tc, other_abi_refused);
	suite_add_tcase(s, tc);
	return s;
}

/* CK_ENV: store_pgsql.sh asks for one line per test (CK_VERBOSITY). */
int
main(void)
{
	SRunner *sr = srunner_create(pgsql_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
