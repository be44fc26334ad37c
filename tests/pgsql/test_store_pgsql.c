/*
 * test_store_pgsql.c - the PostgreSQL store plug-in (pgsql/) against a
 * real private server, started by tests/pgsql/store_pgsql.sh, which sets
 * MFA_PG_PORT (the server on 127.0.0.1), MFA_PG_PID (its postmaster) and
 * MFA_PG_ADMIN (a libpq connection string with every right).  The plug-in
 * is loaded from $MFA_BUILD/plugins as the module loads it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "error.h"
#include "mem.h"
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
	conninfo(text, sizeof(text), "mfaadmin", "sslmode=disable");
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
	pgtest_admin("DELETE FROM pam_mfa.vault", NULL, 0);
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
		strstr(info, "schema 2") != NULL &&
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

START_TEST(hosts_need_only_the_documented_grants)
{
	char text[512], path[PATH_MAX + 32];
	struct mfa_store *s = NULL;
	struct mfa_state st;
	unsigned int failures = 0;
	int dropped, rc;

	/* As pgsql/README.md, "Privileges", says. */
	pgtest_admin("DROP ROLE IF EXISTS mfa_host", NULL, 0);
	pgtest_admin("CREATE ROLE mfa_host LOGIN; "
		     "GRANT USAGE ON SCHEMA pam_mfa TO mfa_host; "
		     "GRANT SELECT ON pam_mfa.schema_version TO mfa_host; "
		     "GRANT SELECT, INSERT, UPDATE, DELETE ON pam_mfa.state "
		     "TO mfa_host",
	    NULL, 0);
	conninfo(text, sizeof(text), "mfa_host", "sslmode=disable");
	conninfo_file("host.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, T_MS, &s);
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	update(s, "ivy", fail_once);
	rc = mfa_store_unlock(
	    s, "ivy", T_MS, 0, &failures, &dropped, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	ck_assert_uint_eq(failures, 1);
	ck_assert_int_eq(mfa_store_remove(s, "ivy", T_MS), MFA_OK);
	ck_assert_int_eq(
	    mfa_store_read(s, "ivy", T_MS, &st, g_why, sizeof(g_why)), MFA_OK);
	/* ... and cannot change the schema. */
	ck_assert_int_eq(
	    mfa_store_setup(s, g_why, sizeof(g_why)), MFA_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(g_why, "permission denied") != NULL, "%s", g_why);
	mfa_store_close(s);
	pgtest_admin("DROP OWNED BY mfa_host; DROP ROLE mfa_host", NULL, 0);
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

	pgtest_admin("UPDATE pam_mfa.schema_version SET version = 3", NULL, 0);
	ck_assert_int_eq(
	    mfa_store_setup(s, g_why, sizeof(g_why)), MFA_ERR_VERSION);
	ck_assert_msg(strstr(g_why, "newer") != NULL, "%s", g_why);
	pgtest_admin(
	    "SELECT version FROM pam_mfa.schema_version", v, sizeof(v));
	ck_assert_str_eq(v, "3");
	assert_schema_refused(s);
	pgtest_admin("UPDATE pam_mfa.schema_version SET version = 2", NULL, 0);
	mfa_store_close(s);
}
END_TEST

/* A schema version someone made text with a line break in it reaches
 * the log as one printable line. */
START_TEST(schema_version_text_is_one_line)
{
	struct mfa_store *s = open_admin(T_MS);
	struct mfa_state st;
	char info[512];

	pgtest_admin("ALTER TABLE pam_mfa.schema_version ALTER version "
		     "TYPE text; UPDATE pam_mfa.schema_version SET version = "
		     "E'7\\nJan  1 00:00:00 host sshd: Accepted'",
	    NULL, 0);
	ck_assert_int_eq(
	    mfa_store_read(s, "frank", T_MS, &st, g_why, sizeof(g_why)),
	    MFA_ERR_VERSION);
	ck_assert_msg(strchr(g_why, '\n') == NULL, "%s", g_why);
	ck_assert_msg(strstr(g_why, "version 7 Jan") != NULL, "%s", g_why);
	ck_assert_int_eq(
	    mfa_store_probe(s, info, sizeof(info)), MFA_ERR_VERSION);
	ck_assert_msg(strchr(info, '\n') == NULL, "%s", info);
	pgtest_admin("UPDATE pam_mfa.schema_version SET version = '2'; "
		     "ALTER TABLE pam_mfa.schema_version ALTER version TYPE "
		     "integer USING version::integer",
	    NULL, 0);
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

/* A port on 127.0.0.1 that accepts connections and never answers. */
static int
hung_port(int *fd)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert(*fd >= 0 && bind(*fd, (struct sockaddr *)&a, len) == 0 &&
	    listen(*fd, 8) == 0 &&
	    getsockname(*fd, (struct sockaddr *)&a, &len) == 0);
	return ntohs(a.sin_port);
}

START_TEST(hung_host_leaves_time_for_the_next)
{
	char text[512], path[PATH_MAX + 32];
	struct mfa_store *s = NULL;
	int64_t t0, took;
	int fd1, fd2, fd3, rc;

	/* The first host hangs; the second answers. */
	snprintf(text, sizeof(text),
	    "host=127.0.0.1,127.0.0.1 port=%d,%s dbname=mfa user=mfaadmin "
	    "sslmode=disable",
	    hung_port(&fd1), need_env("MFA_PG_PORT"));
	conninfo_file("hung.conninfo", text, 0600, path, sizeof(path));
	t0 = pgtest_mono_ms();
	rc = open_path(path, 2000, &s);
	took = pgtest_mono_ms() - t0;
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	ck_assert_msg(
	    took >= 900 && took < 2000 + MARGIN_MS, "%lld ms", (long long)took);
	mfa_store_close(s);
	/* Both hang: one deadline for all, each host named. */
	snprintf(text, sizeof(text),
	    "hostaddr=127.0.0.1,127.0.0.1 port=%d,%d dbname=mfa "
	    "user=mfaadmin",
	    hung_port(&fd2), hung_port(&fd3));
	conninfo_file("hung2.conninfo", text, 0600, path, sizeof(path));
	t0 = pgtest_mono_ms();
	rc = open_path(path, 1000, &s);
	took = pgtest_mono_ms() - t0;
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	ck_assert_msg(
	    took >= 900 && took < 1000 + MARGIN_MS, "%lld ms", (long long)took);
	ck_assert_msg(strstr(g_why, "(store_timeout); 127.0.0.1 port") != NULL,
	    "%s", g_why);
	close(fd1);
	close(fd2);
	close(fd3);
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

START_TEST(tls_verified_or_refused)
{
	char text[PATH_MAX * 2], path[PATH_MAX + 32], extra[PATH_MAX + 64];
	char info[512];
	struct mfa_store *s = NULL;
	int rc;

	snprintf(extra, sizeof(extra), "sslmode=verify-full sslrootcert=%s",
	    need_env("MFA_PG_CA"));
	conninfo(text, sizeof(text), "mfaadmin", extra);
	conninfo_file("tls.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, T_MS, &s);
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	ck_assert_int_eq(mfa_store_probe(s, info, sizeof(info)), MFA_OK);
	ck_assert_msg(strstr(info, "TLSv1.") != NULL, "%s", info);
	mfa_store_close(s);
	/* A server certificate from another CA. */
	snprintf(extra, sizeof(extra), "sslmode=verify-full sslrootcert=%s",
	    need_env("MFA_PG_OTHER_CA"));
	conninfo(text, sizeof(text), "mfaadmin", extra);
	conninfo_file("other.conninfo", text, 0600, path, sizeof(path));
	ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_UNAVAILABLE);
	ck_assert_msg(
	    strstr(g_why, "certificate verify failed") != NULL, "%s", g_why);
	/* The root certificate comes from the file, never from the caller. */
	setenv("PGSSLROOTCERT", need_env("MFA_PG_CA"), 1);
	conninfo(text, sizeof(text), "mfaadmin", "sslmode=verify-full");
	conninfo_file("noroot.conninfo", text, 0600, path, sizeof(path));
	ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(g_why, "root certificate") != NULL, "%s", g_why);
}
END_TEST

/*
 * A server named over the network is verified unless the file says
 * otherwise (libpq's own default, prefer, would take any server that
 * answers): the same server, named pgtest.invalid at 127.0.0.1, is
 * refused for want of a root certificate, then for a name its certificate
 * does not hold; sslmode=disable written out is the admin's choice.  On
 * this host (127.0.0.1, localhost, a socket) libpq's default stays.
 */
START_TEST(tls_required_over_the_network)
{
	char text[PATH_MAX * 2], path[PATH_MAX + 32], head[128];
	struct mfa_store *s = NULL;

	snprintf(head, sizeof(head),
	    "host=pgtest.invalid hostaddr=127.0.0.1 port=%s dbname=mfa "
	    "user=mfaadmin",
	    need_env("MFA_PG_PORT"));
	conninfo_file("net.conninfo", head, 0600, path, sizeof(path));
	ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(g_why, "root certificate") != NULL, "%s", g_why);
	snprintf(text, sizeof(text), "%s sslrootcert=%s", head,
	    need_env("MFA_PG_CA"));
	conninfo_file("netca.conninfo", text, 0600, path, sizeof(path));
	ck_assert_int_eq(open_path(path, T_MS, &s), MFA_ERR_UNAVAILABLE);
	ck_assert_msg(strstr(g_why, "pgtest.invalid") != NULL, "%s", g_why);
	snprintf(text, sizeof(text), "%s sslmode=disable", head);
	conninfo_file("netoff.conninfo", text, 0600, path, sizeof(path));
	ck_assert_msg(open_path(path, T_MS, &s) == MFA_OK, "%s", g_why);
	mfa_store_close(s);
	conninfo(text, sizeof(text), "mfaadmin", "");
	conninfo_file("local.conninfo", text, 0600, path, sizeof(path));
	ck_assert_msg(open_path(path, T_MS, &s) == MFA_OK, "%s", g_why);
	mfa_store_close(s);
}
END_TEST

/*
 * A proxy between one client and the test server that holds every answer
 * of the server for DELAY_MS before passing it on, without holding up
 * what the client sends: the time a series of calls takes is then about
 * DELAY_MS times the round trips the client waited for.
 */
#define DELAY_MS 400
#define PROXY_CHUNKS 256

struct chunk {
	int64_t due;
	size_t len;
	char *data;
};

struct proxy {
	int port;
	pid_t pid;
};

/* The proxy's child: the answers held in q, until their time. */
struct held {
	struct chunk q[PROXY_CHUNKS];
	size_t head, n;
};

/* Read what the server sent into the queue; 0 once it has ended. */
static int
hold(struct held *h, int fd)
{
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));
	struct chunk *c;

	if (n <= 0 || h->n == PROXY_CHUNKS)
		return 0;
	c = &h->q[(h->head + h->n++) % PROXY_CHUNKS];
	c->due = pgtest_mono_ms() + DELAY_MS;
	c->len = (size_t)n;
	c->data = malloc((size_t)n);
	if (c->data == NULL)
		return 0;
	memcpy(c->data, buf, (size_t)n);
	return 1;
}

/* Pass on the answers whose time has come; ms until the next one. */
static int
release(struct held *h, int fd)
{
	struct chunk *c;

	while (h->n > 0) {
		c = &h->q[h->head];
		if (c->due > pgtest_mono_ms())
			return (int)(c->due - pgtest_mono_ms());
		if (write(fd, c->data, c->len) != (ssize_t)c->len)
			_exit(1);
		free(c->data);
		h->head = (h->head + 1) % PROXY_CHUNKS;
		h->n--;
	}
	return -1;
}

/* Serve one connection from lfd to the test server. */
static void
proxy_serve(int lfd)
{
	static struct held h;
	struct sockaddr_in a = {.sin_family = AF_INET};
	struct pollfd p[2];
	char buf[65536];
	ssize_t n;

	p[0].fd = accept(lfd, NULL, NULL);
	p[1].fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_port = htons((uint16_t)atoi(need_env("MFA_PG_PORT")));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (p[0].fd < 0 ||
	    connect(p[1].fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		_exit(1);
	p[0].events = p[1].events = POLLIN;
	while (poll(p, 2, release(&h, p[0].fd)) >= 0) {
		if (p[1].revents != 0 && !hold(&h, p[1].fd))
			_exit(0);
		if (p[0].revents == 0)
			continue;
		n = read(p[0].fd, buf, sizeof(buf));
		if (n <= 0 || write(p[1].fd, buf, (size_t)n) != n)
			_exit(0);
	}
	_exit(1);
}

static void
proxy_start(struct proxy *px)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert(lfd >= 0 && bind(lfd, (struct sockaddr *)&a, len) == 0 &&
	    listen(lfd, 1) == 0 &&
	    getsockname(lfd, (struct sockaddr *)&a, &len) == 0);
	px->port = ntohs(a.sin_port);
	px->pid = fork();
	ck_assert(px->pid >= 0);
	if (px->pid == 0)
		proxy_serve(lfd);
	close(lfd);
}

/* Open a store through a new proxy. */
static struct mfa_store *
open_proxied(struct proxy *px)
{
	char text[256], path[PATH_MAX + 32];
	struct mfa_store *s = NULL;
	int rc;

	proxy_start(px);
	snprintf(text, sizeof(text),
	    "host=127.0.0.1 port=%d dbname=mfa user=mfaadmin sslmode=disable",
	    px->port);
	conninfo_file("proxy.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, 5 * DELAY_MS, &s);
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	return s;
}

START_TEST(totp_login_in_three_round_trips)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	struct proxy px;
	struct mfa_store *s;
	int64_t t0, took;

	s = open_proxied(&px);
	/* What the module does for a TOTP login: the policy's read, then
	 * begin, commit, end. */
	t0 = pgtest_mono_ms();
	ck_assert_int_eq(
	    mfa_store_read(s, "hank", T_MS, &st, g_why, sizeof(g_why)), MFA_OK);
	ck_assert_int_eq(
	    mfa_store_begin(s, "hank", T_MS, &st, &txn, g_why, sizeof(g_why)),
	    MFA_OK);
	st.has_last_step = 1;
	st.totp_last_step = 58800960;
	ck_assert_int_eq(
	    mfa_store_commit(txn, &st, mfa_store_now(txn, 0)), MFA_OK);
	mfa_store_end(txn);
	took = pgtest_mono_ms() - t0;
	mfa_store_close(s);
	waitpid(px.pid, NULL, 0);
	ck_assert_msg(took >= 3 * DELAY_MS && took < 4 * DELAY_MS,
	    "%lld ms: %.1f round trips of %d ms", (long long)took,
	    (double)took / DELAY_MS, DELAY_MS);
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

/* ---- the vault (schema version 2) ---- */

static const unsigned char vault_id_a[MFA_STORE_VAULT_ID_LEN] = {1, 2, 3};
static const unsigned char vault_id_b[MFA_STORE_VAULT_ID_LEN] = {9, 8, 7};
#define VAULT_A "pam_mfa-secret 1\nid a\n"
#define VAULT_B "pam_mfa-secret 1\nid b\n"

/* op on user's record in slot with text (and its id). */
static int
vault_put(struct mfa_store *s, enum mfa_store_vault_slot slot,
    enum mfa_store_vault_op op, const unsigned char *id, const char *text)
{
	g_why[0] = '\0';
	return mfa_store_vault_write(s, "vic", slot, op, id, text,
	    text != NULL ? strlen(text) : 0, T_MS, g_why, sizeof(g_why));
}

/* vic's record in slot is text ("" when there is none). */
static void
assert_vault(
    struct mfa_store *s, enum mfa_store_vault_slot slot, const char *text)
{
	char *got = NULL;
	size_t len = 0;
	int rc;

	rc = mfa_store_vault_load(
	    s, "vic", slot, &got, &len, g_why, sizeof(g_why));
	if (text[0] == '\0') {
		ck_assert_msg(rc == MFA_ERR_NOENT, "load: %d %s", rc, g_why);
		ck_assert_ptr_null(got);
		return;
	}
	ck_assert_msg(rc == MFA_OK, "load: %d %s", rc, g_why);
	ck_assert_str_eq(got, text);
	ck_assert_uint_eq(len, strlen(text));
	mfa_freezero(got, len + 1);
}

START_TEST(vault_write_load_remove)
{
	struct mfa_store *s = open_admin(T_MS);

	ck_assert(mfa_store_has_vault(s));
	assert_vault(s, MFA_STORE_VAULT_CURRENT, "");
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_NEW, vault_id_a, VAULT_A),
	    MFA_OK);
	assert_vault(s, MFA_STORE_VAULT_CURRENT, VAULT_A);
	assert_vault(s, MFA_STORE_VAULT_PENDING, "");
	/* NEW never replaces; REPLACE does. */
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_NEW, vault_id_b, VAULT_B),
	    MFA_ERR_DENIED);
	assert_vault(s, MFA_STORE_VAULT_CURRENT, VAULT_A);
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_REPLACE, vault_id_b, VAULT_B),
	    MFA_OK);
	assert_vault(s, MFA_STORE_VAULT_CURRENT, VAULT_B);
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_CLEAR, NULL, NULL),
	    MFA_OK);
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_REMOVE, NULL, NULL),
	    MFA_OK);
	assert_vault(s, MFA_STORE_VAULT_CURRENT, "");
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_REMOVE, NULL, NULL),
	    MFA_ERR_NOENT);
	mfa_store_close(s);
}
END_TEST

START_TEST(vault_promote_checks_the_id)
{
	struct mfa_store *s = open_admin(T_MS);

	ck_assert_int_eq(mfa_store_vault_promote(
			     s, "vic", vault_id_b, T_MS, g_why, sizeof(g_why)),
	    MFA_ERR_NOENT);
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_NEW, vault_id_a, VAULT_A),
	    MFA_OK);
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_PENDING,
			     MFA_STORE_VAULT_REPLACE, vault_id_b, VAULT_B),
	    MFA_OK);
	/* Another enrolment's id: nothing moves. */
	ck_assert_int_eq(mfa_store_vault_promote(
			     s, "vic", vault_id_a, T_MS, g_why, sizeof(g_why)),
	    MFA_ERR_MISMATCH);
	assert_vault(s, MFA_STORE_VAULT_CURRENT, VAULT_A);
	assert_vault(s, MFA_STORE_VAULT_PENDING, VAULT_B);
	ck_assert_int_eq(mfa_store_vault_promote(
			     s, "vic", vault_id_b, T_MS, g_why, sizeof(g_why)),
	    MFA_OK);
	assert_vault(s, MFA_STORE_VAULT_CURRENT, VAULT_B);
	assert_vault(s, MFA_STORE_VAULT_PENDING, "");
	mfa_store_close(s);
}
END_TEST

/* The vault's writes take the user's lock of the state, on every host. */
START_TEST(vault_waits_for_the_state_lock)
{
	struct mfa_store *a = open_admin(T_MS), *b = open_admin(T_MS);
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;

	ck_assert_int_eq(vault_put(a, MFA_STORE_VAULT_PENDING,
			     MFA_STORE_VAULT_NEW, vault_id_a, VAULT_A),
	    MFA_OK);
	ck_assert_int_eq(
	    mfa_store_begin(a, "vic", T_MS, &st, &txn, g_why, sizeof(g_why)),
	    MFA_OK);
	ck_assert_int_eq(mfa_store_vault_promote(
			     b, "vic", vault_id_a, 200, g_why, sizeof(g_why)),
	    MFA_ERR_LOCK_TIMEOUT);
	ck_assert_int_eq(mfa_store_vault_write(b, "vic",
			     MFA_STORE_VAULT_CURRENT, MFA_STORE_VAULT_REMOVE,
			     NULL, NULL, 0, 200, g_why, sizeof(g_why)),
	    MFA_ERR_LOCK_TIMEOUT);
	/* The connection holding it (a login's setcred) goes through. */
	ck_assert_int_eq(mfa_store_vault_promote(
			     a, "vic", vault_id_a, 200, g_why, sizeof(g_why)),
	    MFA_OK);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	assert_vault(b, MFA_STORE_VAULT_CURRENT, VAULT_A);
	mfa_store_close(a);
	mfa_store_close(b);
}
END_TEST

/* A version 1 database: refused until setup, which keeps its records. */
START_TEST(vault_upgrade_from_version_1)
{
	struct mfa_store *s = open_admin(T_MS);
	struct mfa_state st;
	char *text = NULL;
	size_t len = 0;

	update(s, "frank", enrol);
	pgtest_admin("DROP TABLE pam_mfa.vault; "
		     "UPDATE pam_mfa.schema_version SET version = 1",
	    NULL, 0);
	ck_assert_int_eq(mfa_store_vault_load(s, "vic", MFA_STORE_VAULT_CURRENT,
			     &text, &len, g_why, sizeof(g_why)),
	    MFA_ERR_VERSION);
	ck_assert_msg(strstr(g_why, "store init") != NULL, "%s", g_why);
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_NEW, vault_id_a, VAULT_A),
	    MFA_ERR_VERSION);
	ck_assert_int_eq(mfa_store_setup(s, g_why, sizeof(g_why)), MFA_OK);
	ck_assert_int_eq(mfa_store_setup(s, g_why, sizeof(g_why)), MFA_OK);
	ck_assert_int_eq(
	    mfa_store_read(s, "frank", T_MS, &st, g_why, sizeof(g_why)),
	    MFA_OK);
	ck_assert(st.enrolled);
	mfa_state_wipe(&st);
	ck_assert_int_eq(vault_put(s, MFA_STORE_VAULT_CURRENT,
			     MFA_STORE_VAULT_NEW, vault_id_a, VAULT_A),
	    MFA_OK);
	assert_vault(s, MFA_STORE_VAULT_CURRENT, VAULT_A);
	mfa_store_close(s);
}
END_TEST

/* ---- a connection that the server or the network closed while idle ---- */

/* The backend's own lines (mfa_store_set_logger), kept for asserts. */
static char g_noted[2048];

/* How many times needle is in hay. */
static int
count_in(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static void
capture_line(void *arg, int priority, const char *line)
{
	size_t n = strlen(g_noted);

	(void)arg;
	snprintf(g_noted + n, sizeof(g_noted) - n, "%d %s\n", priority, line);
}

/* Open a store as user, named app in pg_stat_activity, lines captured. */
static struct mfa_store *
open_app(const char *user, const char *app, unsigned int timeout_ms)
{
	char text[512], extra[128], path[PATH_MAX + 64], name[64];
	struct mfa_store *s = NULL;
	int rc;

	snprintf(
	    extra, sizeof(extra), "sslmode=disable application_name=%s", app);
	conninfo(text, sizeof(text), user, extra);
	snprintf(name, sizeof(name), "%s.conninfo", app);
	conninfo_file(name, text, 0600, path, sizeof(path));
	rc = open_path(path, timeout_ms, &s);
	ck_assert_msg(rc == MFA_OK, "open: %d %s", rc, g_why);
	s->log = capture_line;
	g_noted[0] = '\0';
	return s;
}

/* pg_terminate_backend on app's session, waiting until it is gone. */
static void
terminate(const char *app)
{
	char sql[256], v[32];

	snprintf(sql, sizeof(sql),
	    "SELECT pid FROM pg_stat_activity WHERE application_name = '%s'",
	    app);
	pgtest_admin(sql, v, sizeof(v));
	ck_assert_msg(atol(v) > 0, "no session of %s", app);
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%ld, 5000)",
	    atol(v));
	pgtest_admin(sql, v, sizeof(v));
	ck_assert_str_eq(v, "t");
}

/* begin on user, MFA_OK or not, and the time it took. */
static int
timed_begin(struct mfa_store *s, const char *user, struct mfa_state *st,
    struct mfa_store_txn **txn, int64_t *took)
{
	int64_t t0 = pgtest_mono_ms();
	int rc;

	rc = mfa_store_begin(s, user, T_MS, st, txn, g_why, sizeof(g_why));
	*took = pgtest_mono_ms() - t0;
	return rc;
}

START_TEST(dropped_while_idle_connects_again)
{
	struct mfa_store *s = open_app("mfaadmin", "idle1", T_MS);
	struct mfa_store_txn *txn = NULL;
	char rec[4096], v[16];
	struct mfa_state st;
	int64_t took;
	int rc;

	/* The policy's read (its unlock is sent, not awaited), then the
	 * user types while the server ends the session. */
	update(s, "jill", enrol);
	rc = mfa_store_read(s, "jill", T_MS, &st, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	terminate("idle1");
	rc = timed_begin(s, "jill", &st, &txn, &took);
	ck_assert_msg(rc == MFA_OK, "begin after the drop: %d %s", rc, g_why);
	ck_assert_msg(took < T_MS + MARGIN_MS, "%lld ms", (long long)took);
	ck_assert_int_eq(st.enrolled, 1);
	ck_assert_uint_eq(st.totp_last_step, 58800960);
	st.totp_last_step = 58800961;
	rc = mfa_store_commit(txn, &st, mfa_store_now(txn, 0));
	ck_assert_msg(rc == MFA_OK, "commit: %d", rc);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	pgtest_admin("SELECT record FROM pam_mfa.state WHERE name = 'jill'",
	    rec, sizeof(rec));
	ck_assert_msg(strstr(rec, "\ntotp-last-step 58800961\n") != NULL,
	    "record: %s", rec);
	/* One line, at info level, naming the drop and the reconnect. */
	ck_assert_int_eq(count_in(g_noted, "connecting again"), 1);
	ck_assert_msg(strstr(g_noted,
			  "6 postgresql: the connection closed "
			  "while idle (") != NULL &&
		strstr(g_noted, "administrator command") != NULL,
	    "%s", g_noted);
	/* The new session is the store's, and works on. */
	pgtest_admin("SELECT count(*) FROM pg_stat_activity WHERE "
		     "application_name = 'idle1'",
	    v, sizeof(v));
	ck_assert_str_eq(v, "1");
	update(s, "jill", fail_once);
	ck_assert_int_eq(count_in(g_noted, "connecting again"), 1);
	mfa_store_close(s);
}
END_TEST

START_TEST(dropped_twice_fails_closed)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	struct mfa_store *s;
	int64_t took;
	int rc;

	/* The session ends and the server refuses the next one. */
	pgtest_admin("DROP ROLE IF EXISTS mfa_once; "
		     "CREATE ROLE mfa_once LOGIN SUPERUSER",
	    NULL, 0);
	s = open_app("mfa_once", "idle2", T_MS);
	pgtest_admin("ALTER ROLE mfa_once NOLOGIN", NULL, 0);
	terminate("idle2");
	rc = timed_begin(s, "kate", &st, &txn, &took);
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	ck_assert_ptr_null(txn);
	ck_assert_msg(
	    strstr(g_why, "not permitted to log in") != NULL, "%s", g_why);
	ck_assert_msg(took < T_MS + MARGIN_MS, "%lld ms", (long long)took);
	ck_assert_int_eq(count_in(g_noted, "connecting again"), 1);
	/* A connection that could not be made again stays lost. */
	rc = timed_begin(s, "kate", &st, &txn, &took);
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	ck_assert_int_eq(count_in(g_noted, "connecting again"), 1);
	mfa_store_close(s);
	pgtest_admin("DROP ROLE mfa_once", NULL, 0);
}
END_TEST

/* Kill the proxy px (its one connection ends, its port refuses). */
static void
proxy_kill(struct proxy *px)
{
	ck_assert_int_eq(kill(px->pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(px->pid, NULL, 0), px->pid);
}

START_TEST(network_closed_then_refused_fails_closed)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	struct proxy px;
	struct mfa_store *s;
	int64_t took;
	int rc;

	/* The path to the server ends (a reset, no word from the server)
	 * and nothing listens there any more (a server restarting). */
	s = open_proxied(&px);
	s->log = capture_line;
	g_noted[0] = '\0';
	proxy_kill(&px);
	rc = timed_begin(s, "lena", &st, &txn, &took);
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	ck_assert_ptr_null(txn);
	ck_assert_msg(strstr(g_why, "refused") != NULL, "%s", g_why);
	ck_assert_msg(took < T_MS, "%lld ms", (long long)took);
	ck_assert_msg(count_in(g_noted, "connecting again") == 1 &&
		strstr(g_noted, "closed the connection") != NULL,
	    "%s", g_noted);
	mfa_store_close(s);
}
END_TEST

/* Poll the database until user has a record, then kill the proxy. */
static pid_t
kill_proxy_when_written(struct proxy *px, const char *user)
{
	char sql[128], v[16] = "0";
	pid_t pid = fork();

	ck_assert(pid >= 0);
	if (pid != 0)
		return pid;
	snprintf(sql, sizeof(sql),
	    "SELECT count(*) FROM pam_mfa.state WHERE name = '%s'", user);
	while (strcmp(v, "0") == 0)
		pgtest_admin(sql, v, sizeof(v));
	kill(px->pid, SIGKILL);
	_exit(0);
}

START_TEST(drop_after_commit_sent_is_not_retried)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	struct proxy px;
	struct mfa_store *s;
	pid_t killer;
	char rec[4096];
	int rc;

	/* The server has the write; its answer (held DELAY_MS by the
	 * proxy) is lost with the connection: the outcome is unknown to
	 * the client, which must fail closed rather than write again. */
	s = open_proxied(&px);
	s->log = capture_line;
	g_noted[0] = '\0';
	rc = mfa_store_begin(s, "mona", T_MS, &st, &txn, g_why, sizeof(g_why));
	ck_assert_msg(rc == MFA_OK, "%d %s", rc, g_why);
	enrol(&st);
	killer = kill_proxy_when_written(&px, "mona");
	rc = mfa_store_commit(txn, &st, mfa_store_now(txn, 0));
	ck_assert_int_eq(rc, MFA_ERR_UNAVAILABLE);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
	ck_assert_int_eq(waitpid(killer, NULL, 0), killer);
	ck_assert_int_eq(waitpid(px.pid, NULL, 0), px.pid);
	ck_assert_msg(g_noted[0] == '\0', "%s", g_noted);
	pgtest_admin("SELECT record FROM pam_mfa.state WHERE name = 'mona'",
	    rec, sizeof(rec));
	ck_assert_msg(strstr(rec, "\nenrolled ") != NULL, "record: %s", rec);
	mfa_store_close(s);
}
END_TEST

/* probe of a store whose connection file holds text: its info. */
static int
probe_text(const char *text, char *info, size_t infosz)
{
	char path[PATH_MAX + 32];
	struct mfa_store *s = NULL;
	int rc;

	conninfo_file("names.conninfo", text, 0600, path, sizeof(path));
	rc = open_path(path, T_MS, &s);
	ck_assert_msg(rc == MFA_OK, "%s: %d %s", text, rc, g_why);
	rc = mfa_store_probe(s, info, infosz);
	mfa_store_close(s);
	return rc;
}

START_TEST(host_names_are_advised_against)
{
	char text[512], info[1024];
	const char *advice;

	conninfo(text, sizeof(text), "mfaadmin", "sslmode=disable");
	ck_assert_int_eq(probe_text(text, info, sizeof(info)), MFA_OK);
	ck_assert_msg(strchr(info, '\n') == NULL, "%s", info);
	/* A name: resolved by getaddrinfo, which no deadline bounds. */
	snprintf(text, sizeof(text),
	    "host=localhost port=%s dbname=mfa user=mfaadmin sslmode=disable",
	    need_env("MFA_PG_PORT"));
	ck_assert_int_eq(probe_text(text, info, sizeof(info)), MFA_OK);
	advice = strchr(info, '\n');
	ck_assert_msg(advice != NULL, "%s", info);
	ck_assert_str_eq(advice + 1,
	    "the connection file names a host by name: its resolution is "
	    "not bounded by store_timeout=: add hostaddr=");
	/* With its address beside it, libpq resolves nothing. */
	snprintf(text, sizeof(text),
	    "host=localhost,localhost hostaddr=127.0.0.1,127.0.0.1 "
	    "port=%s dbname=mfa user=mfaadmin sslmode=disable",
	    need_env("MFA_PG_PORT"));
	ck_assert_int_eq(probe_text(text, info, sizeof(info)), MFA_OK);
	ck_assert_msg(strchr(info, '\n') == NULL, "%s", info);
	/* One name in a list is enough. */
	snprintf(text, sizeof(text),
	    "host=127.0.0.1,localhost port=%s dbname=mfa user=mfaadmin "
	    "sslmode=disable",
	    need_env("MFA_PG_PORT"));
	ck_assert_int_eq(probe_text(text, info, sizeof(info)), MFA_OK);
	ck_assert_msg(strchr(info, '\n') != NULL, "%s", info);
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
	tcase_add_test(tc, hosts_need_only_the_documented_grants);
	tcase_add_test(tc, bad_record_is_an_error);
	tcase_add_test(tc, racing_processes_lose_no_update);
	tcase_add_test(tc, lock_wait_is_bounded);
	tcase_add_test(tc, list_sorted_with_errors);
	tcase_add_test(tc, remove_and_unlock);
	tcase_add_test(tc, old_or_missing_schema_refused);
	tcase_add_test(tc, newer_schema_left_alone);
	tcase_add_test(tc, schema_version_text_is_one_line);
	tcase_add_test(tc, environment_is_ignored);
	tcase_add_test(tc, right_and_wrong_password);
	tcase_add_test(tc, refused_port);
	tcase_add_test(tc, stopped_server_fails_in_time);
	tcase_add_test(tc, hung_host_leaves_time_for_the_next);
	tcase_add_test(tc, connection_file_checked);
	tcase_add_test(tc, tls_verified_or_refused);
	tcase_add_test(tc, tls_required_over_the_network);
	tcase_add_test(tc, totp_login_in_three_round_trips);
	tcase_add_test(tc, other_abi_refused);
	tcase_add_test(tc, vault_write_load_remove);
	tcase_add_test(tc, vault_promote_checks_the_id);
	tcase_add_test(tc, vault_waits_for_the_state_lock);
	tcase_add_test(tc, vault_upgrade_from_version_1);
	tcase_add_test(tc, dropped_while_idle_connects_again);
	tcase_add_test(tc, dropped_twice_fails_closed);
	tcase_add_test(tc, network_closed_then_refused_fails_closed);
	tcase_add_test(tc, drop_after_commit_sent_is_not_retried);
	tcase_add_test(tc, host_names_are_advised_against);
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
