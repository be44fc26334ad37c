/*
 * test_pam_pgsql.c - the real module (through libpam and pam_wrapper, see
 * pamh.h) with store = postgresql: the plug-in is loaded from
 * BUILD/plugins, a login's state lands in the database and nowhere on
 * disk, a replayed code is refused, and a server that does not answer or
 * has no schema fails the login closed, in time, with the user told
 * "temporarily unavailable" and the cause logged.  Run by
 * tests/pgsql/store_pgsql.sh (MFA_PG_PORT, MFA_PG_PID, MFA_PG_ADMIN).
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <security/pam_appl.h>

#include "pamh.h"
#include "pgtest.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)

/* RFC 6238's SHA1 seed "12345678901234567890" in base32. */
#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109
#define UNAVAILABLE "Multi-factor authentication is temporarily unavailable."

static char g_args[PATH_MAX * 3];
static struct mfa_pamh_service services[] = {
    {"pg", g_args, 1, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static const char *secret_text = "pam_mfa-secret 1\n"
				 "id 00112233445566778899aabbccddeeff\n"
				 "created 1111111000\n"
				 "totp-secret " SEED "\n";

static struct mfa_pamh_result res;

/* Run the shipped pgsql/schema.sql as another client would (psql -f). */
static void
apply_schema(void)
{
	char path[PATH_MAX], *sql;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/pgsql/schema.sql", getenv("MFA_SRC"));
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	ck_assert(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0);
	rewind(f);
	sql = calloc(1, (size_t)n + 1);
	ck_assert(sql != NULL && fread(sql, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	pgtest_admin(sql, NULL, 0);
	free(sql);
}

static void
setup(void)
{
	apply_schema();
	mfa_pamh_reset();
	mfa_pamh_set_time(T0);
	mfa_pamh_write_secret("alice", secret_text);
	mfa_pamh_log_clear();
	pgtest_admin("DELETE FROM pam_mfa.state", NULL, 0);
}

/* One login of alice at T0 with code. */
static int
login(const char *code)
{
	const char *answers[] = {code, NULL};

	mfa_pamh_login("pg", "alice", answers, 0, &res);
	return res.rv;
}

START_TEST(state_in_the_database)
{
	char code[16], rec[4096], path[PATH_MAX];
	struct stat sb;

	mfa_pamh_oath_code(SEED, T0, code);
	ck_assert_int_eq(login(code), PAM_SUCCESS);
	pgtest_admin("SELECT record FROM pam_mfa.state WHERE name = 'alice'",
	    rec, sizeof(rec));
	ck_assert_msg(strstr(rec, "enrolled") != NULL, "record: %s", rec);
	snprintf(path, sizeof(path), "%s/alice", mfa_pamh_state_dir());
	ck_assert_int_ne(stat(path, &sb), 0);
	/* The same code again, from any host sharing the database. */
	ck_assert_int_ne(login(code), PAM_SUCCESS);
}
END_TEST

START_TEST(stopped_server_fails_closed_in_time)
{
	pid_t pid = (pid_t)atol(getenv("MFA_PG_PID"));
	char code[16];
	int64_t t0, took;
	int rv;

	mfa_pamh_oath_code(SEED, T0, code);
	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	t0 = pgtest_mono_ms();
	rv = login(code);
	took = pgtest_mono_ms() - t0;
	kill(pid, SIGCONT);
	ck_assert_int_eq(rv, PAM_AUTHINFO_UNAVAIL);
	ck_assert_msg(took < 1000 + 2000, "%lld ms", (long long)took);
	ck_shown(UNAVAILABLE);
	ck_logged("deadline");
}
END_TEST

START_TEST(missing_schema_fails_closed)
{
	char code[16];

	pgtest_admin("DROP SCHEMA pam_mfa CASCADE", NULL, 0);
	mfa_pamh_oath_code(SEED, T0, code);
	ck_assert_int_eq(login(code), PAM_AUTHINFO_UNAVAIL);
	ck_shown(UNAVAILABLE);
	ck_logged("mfa-enroll store init");
}
END_TEST

/* The code to answer with, after ending the module's session. */
static char g_code[16];

/*
 * "The user types": meanwhile the server ends the session the module
 * opened (fallback_application_name pam_mfa) and waits until it is gone.
 */
static const char *
drop_then_answer(const char *token, const char *transcript)
{
	char pid[32], sql[128], v[8];

	ck_assert_msg(
	    strstr(transcript, "Verification code") != NULL, "%s", transcript);
	pgtest_admin("SELECT pid FROM pg_stat_activity WHERE "
		     "application_name = 'pam_mfa'",
	    pid, sizeof(pid));
	ck_assert_msg(atol(pid) > 0, "no session of the module");
	snprintf(sql, sizeof(sql), "SELECT pg_terminate_backend(%ld, 5000)",
	    atol(pid));
	pgtest_admin(sql, v, sizeof(v));
	ck_assert_str_eq(v, "t");
	/* "@hang": and the server stops answering (kill -STOP). */
	if (strcmp(token, "@hang") == 0)
		ck_assert_int_eq(
		    kill((pid_t)atol(getenv("MFA_PG_PID")), SIGSTOP), 0);
	return g_code;
}

START_TEST(session_dropped_while_typing)
{
	const char *answers[] = {"@drop", NULL};
	const char *again[] = {g_code, g_code, g_code, NULL};

	mfa_pamh_oath_code(SEED, T0, g_code);
	mfa_pamh_set_answer_hook(drop_then_answer);
	mfa_pamh_login("pg", "alice", answers, 0, &res);
	mfa_pamh_set_answer_hook(NULL);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_logged("postgresql: the connection closed while idle (connection "
		  "lost: FATAL:  terminating connection due to administrator "
		  "command): connecting again");
	ck_assert_int_eq(mfa_pamh_count(mfa_pamh_log(), "connecting again"), 1);
	/* The code was recorded as used: a replay is refused. */
	mfa_pamh_log_clear();
	mfa_pamh_login("pg", "alice", again, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	ck_logged("result=failure reason=code already used");
}
END_TEST

START_TEST(reconnect_to_a_hung_server_fails_closed_in_time)
{
	const char *answers[] = {"@hang", NULL};
	int64_t t0, took;

	mfa_pamh_oath_code(SEED, T0, g_code);
	mfa_pamh_set_answer_hook(drop_then_answer);
	t0 = pgtest_mono_ms();
	mfa_pamh_login("pg", "alice", answers, 0, &res);
	took = pgtest_mono_ms() - t0;
	kill((pid_t)atol(getenv("MFA_PG_PID")), SIGCONT);
	mfa_pamh_set_answer_hook(NULL);
	ck_assert_int_eq(res.rv, PAM_AUTHINFO_UNAVAIL);
	ck_shown(UNAVAILABLE);
	ck_assert_int_eq(mfa_pamh_count(mfa_pamh_log(), "connecting again"), 1);
	ck_logged("state for alice: 127.0.0.1 port");
	ck_logged("no answer from the server within the deadline");
	/* One connection's deadline (store_timeout=1000), not two. */
	ck_assert_msg(took < 1000 + 2000, "%lld ms", (long long)took);
}
END_TEST

static Suite *
pam_pgsql_suite(void)
{
	Suite *s = suite_create("pam_pgsql");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, state_in_the_database);
	tcase_add_test(tc, stopped_server_fails_closed_in_time);
	tcase_add_test(tc, missing_schema_fails_closed);
	tcase_add_test(tc, session_dropped_while_typing);
	tcase_add_test(tc, reconnect_to_a_hung_server_fails_closed_in_time);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	const char *conninfo = getenv("MFA_PG_CONNINFO_FILE");

	if (conninfo == NULL || getenv("MFA_PG_ADMIN") == NULL ||
	    getenv("MFA_SRC") == NULL || getenv("MFA_BUILD") == NULL) {
		fprintf(stderr, "run through tests/pgsql/store_pgsql.sh\n");
		return 2;
	}
	snprintf(g_args, sizeof(g_args),
	    "store=postgresql store_conninfo=%s store_timeout=1000 "
	    "plugin_dir=%s/plugins",
	    conninfo, getenv("MFA_BUILD"));
	return mfa_pamh_main(argc, argv, services, pam_pgsql_suite);
}
