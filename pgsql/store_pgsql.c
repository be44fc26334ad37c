/*
 * store_pgsql.c - the PostgreSQL backend of store.h, built as a plug-in
 * (store_backend.h): the records of every host that shares one database.
 *
 * A user's lock is a session-level advisory lock on (PGSQL_LOCK_CLASS,
 * hashtext(name)): taken by begin (bounded by lock_timeout), held across
 * commits, released by end (or by the server when the connection ends),
 * so two transactions on one user never interleave, whichever host they
 * run on.  Each step is one round trip (pipeline mode, conn.h): begin
 * sends the time-outs, the lock (taken only when the schema version is
 * ours) and the read together; commit is one upsert, committed at once
 * (durable: every commit is a full write, no tally); end sends the unlock
 * without waiting for its answer.  A TOTP login (read, begin, commit, end)
 * thus costs three round trips after the connection.
 *
 * The connection made by open may sit idle while a person types a code;
 * when the server or the network closed it meanwhile, the next exchange
 * that applies nothing before it holds a lock connects again, once
 * (run_first).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <libpq-fe.h>

#include "conn.h"
#include "error.h"
#include "mem.h"
#include "random.h"
#include "state.h"
#include "store.h"
#include "store_backend.h"
#include "store_files.h"
#include "store_pgsql.h"

/* The version of pgsql/schema.sql this plug-in reads and writes. */
#define PGSQL_SCHEMA_VERSION 2
#define PGSQL_SCHEMA_VERSION_TEXT "2"
#define PGSQL_NAME_MAX 256

/* schema.sql, as the build embedded it. */
static const char schema_sql[] =
#include "pgsql_schema.inc"
    ;

#define SQL_TIMEOUTS                                                           \
	"SELECT set_config('lock_timeout', $1, true), "                        \
	"set_config('statement_timeout', $2, true)"
/* One row when the schema is ours and the lock taken, none otherwise. */
#define SQL_LOCK                                                               \
	"SELECT pg_advisory_lock(1296449841, hashtext($1)) "                   \
	"FROM pam_mfa.schema_version WHERE version = $2"
#define SQL_READ                                                               \
	"SELECT s.record, floor(extract(epoch FROM clock_timestamp()))::int8 " \
	"FROM (SELECT 1) AS one LEFT JOIN pam_mfa.state AS s ON s.name = $1"
#define SQL_WRITE                                                              \
	"INSERT INTO pam_mfa.state (name, record, serial, updated) "           \
	"VALUES ($1, $2, $3, now()) ON CONFLICT (name) DO UPDATE SET "         \
	"record = excluded.record, serial = excluded.serial, "                 \
	"updated = excluded.updated"
#define SQL_UNLOCK "SELECT pg_advisory_unlock(1296449841, hashtext($1))"
#define SQL_DELETE "DELETE FROM pam_mfa.state WHERE name = $1"
#define SQL_VERSION "SELECT version FROM pam_mfa.schema_version"
#define SQL_LIST "SELECT name, record FROM pam_mfa.state ORDER BY name"
/* The vault (schema version 2): one row per (name, slot). */
#define SQL_VAULT_LOAD                                                         \
	"SELECT v.record FROM pam_mfa.schema_version AS sv "                   \
	"LEFT JOIN pam_mfa.vault AS v ON v.name = $1 AND v.slot = $2 "         \
	"WHERE sv.version = $3"
#define SQL_VAULT_INSERT                                                       \
	"INSERT INTO pam_mfa.vault (name, slot, id, record) "                  \
	"VALUES ($1, $2, $3, $4) ON CONFLICT (name, slot) DO "
#define SQL_VAULT_PUT                                                          \
	SQL_VAULT_INSERT "UPDATE SET id = excluded.id, "                       \
			 "record = excluded.record, updated = now()"
#define SQL_VAULT_NEW SQL_VAULT_INSERT "NOTHING"
#define SQL_VAULT_DELETE                                                       \
	"DELETE FROM pam_mfa.vault WHERE name = $1 AND slot = $2"
/* One statement, so all or nothing: how many were pending, how many moved. */
#define SQL_VAULT_PROMOTE                                                      \
	"WITH p AS (SELECT 1 FROM pam_mfa.vault "                              \
	"WHERE name = $1 AND slot = 'pending'), "                              \
	"m AS (DELETE FROM pam_mfa.vault WHERE name = $1 "                     \
	"AND slot = 'pending' AND id = $2 RETURNING id, record), "             \
	"u AS (INSERT INTO pam_mfa.vault (name, slot, id, record) "            \
	"SELECT $1, 'current', id, record FROM m "                             \
	"ON CONFLICT (name, slot) DO UPDATE SET id = excluded.id, "            \
	"record = excluded.record, updated = now() RETURNING 1) "              \
	"SELECT (SELECT count(*) FROM p), (SELECT count(*) FROM u)"

/* A PostgreSQL store: the generic handle first (store_backend.h). */
struct pgstore {
	struct mfa_store head;
	struct pgc c;
	unsigned int locks; /* transactions holding a lock on c */
};

struct pgtxn {
	struct mfa_store_txn head;
	struct pgstore *store;
	char name[PGSQL_NAME_MAX]; /* the key: mfa_store_filename */
	int64_t server_now;        /* the server's clock, read at begin */
	int locked;                /* the lock is ours: unlock at the end */
};

static const struct mfa_store_ops pgsql_ops;

/* The PostgreSQL store behind gs (only ever called with one of ours). */
static struct pgstore *
pgstore_of(struct mfa_store *gs)
{
	return (struct pgstore *)gs;
}

/* The PostgreSQL transaction behind gt. */
static struct pgtxn *
pgtxn_of(struct mfa_store_txn *gt)
{
	return (struct pgtxn *)gt;
}

/* A line of the plug-in's own into the caller's log, if it gave one. */
static void __attribute__((format(printf, 3, 4)))
note(struct pgstore *s, int priority, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (s->head.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->head.log(s->head.log_arg, priority, line);
}

/* Clear the n results of an exchange. */
static void
clear_results(PGresult **res, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		PQclear(res[i]);
		res[i] = NULL;
	}
}

/* The schema version of the database, after a lock found it not ours. */
static int
version_error(struct pgstore *s, char *why, size_t whysz)
{
	struct pgc_query q = {SQL_VERSION, 0, {NULL}};
	PGresult *r = NULL;
	int rc;

	rc = pgc_run(&s->c, &q, 1, 0, &r, why, whysz);
	if (rc == MFA_OK)
		snprintf(why, whysz,
		    "the database holds pam_mfa schema version %s, this "
		    "plug-in needs %d: run mfa-enroll store init",
		    PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "(none)",
		    PGSQL_SCHEMA_VERSION);
	pgc_printable(why); /* the value is the database's */
	PQclear(r);
	return rc == MFA_OK ? MFA_ERR_VERSION : rc;
}

/*
 * pgc_run for an exchange that applies nothing before it holds a lock of
 * its own (begin's lock and read, a list, a vault load).  When it finds
 * the connection closed by the server or the network (c.dropped: an idle
 * time-out, a restart, pg_terminate_backend; never a deadline, which
 * would cost its time twice) and no transaction holds a lock on it,
 * connect again within a fresh deadline and run it once more.  Safe:
 * whatever the first attempt did died with its session (a session's
 * advisory lock, a read).  Never used for a commit or any write sent
 * under a lock: a lost answer there leaves the outcome unknown, and the
 * lock it relied on is gone, so it fails closed.
 */
static int
run_first(struct pgstore *s, const struct pgc_query *q, size_t n,
    unsigned int extra_ms, PGresult **res, char *why, size_t whysz)
{
	int rc;

	rc = pgc_run(&s->c, q, n, extra_ms, res, why, whysz);
	if (rc == MFA_OK || s->c.conn != NULL || !s->c.dropped || s->locks > 0)
		return rc;
	clear_results(res, n);
	note(s, LOG_INFO,
	    "postgresql: the connection closed while idle (%s): "
	    "connecting again",
	    why);
	rc = pgc_reconnect(&s->c, why, whysz);
	if (rc == MFA_OK)
		rc = pgc_run(&s->c, q, n, extra_ms, res, why, whysz);
	return rc;
}

/* An error of the schema, with what the admin does about it. */
static int
schema_advice(int rc, char *why, size_t whysz)
{
	size_t n;

	if (rc == MFA_ERR_VERSION && why != NULL && (n = strlen(why)) > 0 &&
	    n < whysz)
		snprintf(why + n, whysz - n, " (run mfa-enroll store init)");
	return rc;
}

/*
 * Lock name in one round trip, with the statements of more (results into
 * res[3..]) sent after the lock; waiting at most timeout_ms for it.
 */
static int
lock_and(struct pgtxn *t, unsigned int timeout_ms, const struct pgc_query *more,
    size_t nmore, PGresult **res, char *why, size_t whysz)
{
	char lock_ms[16], stmt_ms[16];
	struct pgc_query q[4] = {
	    {SQL_TIMEOUTS, 2, {lock_ms, stmt_ms}},
	    {SQL_LOCK, 2, {t->name, PGSQL_SCHEMA_VERSION_TEXT}},
	};
	int rc;

	snprintf(lock_ms, sizeof(lock_ms), "%u", timeout_ms);
	snprintf(stmt_ms, sizeof(stmt_ms), "%u",
	    timeout_ms + t->store->c.timeout_ms);
	if (nmore > 0)
		q[2] = more[0];
	rc = run_first(t->store, q, 2 + nmore, timeout_ms, res, why, whysz);
	if (rc == MFA_ERR_LOCK_TIMEOUT)
		snprintf(why, whysz, "lock of %s: %s (%u ms)", t->name,
		    mfa_strerror(rc), timeout_ms);
	if (rc == MFA_OK && PQntuples(res[1]) != 1)
		rc = version_error(t->store, why, whysz);
	t->locked = rc == MFA_OK;
	if (t->locked)
		t->store->locks++;
	return schema_advice(rc, why, whysz);
}

/* A transaction on user, not locked yet. */
static int
txn_new(struct pgstore *s, const char *user, struct pgtxn **out, char *why,
    size_t whysz)
{
	struct pgtxn *t;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return MFA_ERR_NOMEM;
	t->head.store = &s->head;
	t->store = s;
	rc = mfa_store_filename(user, t->name, sizeof(t->name));
	if (rc != MFA_OK) {
		snprintf(why, whysz, "user name: %s", mfa_strerror(rc));
		free(t);
		return rc;
	}
	*out = t;
	return MFA_OK;
}

/* Parse the record row r (no record: the empty one) into st. */
static int
parse_row(const struct pgtxn *t, const PGresult *r, struct mfa_state *st,
    char *why, size_t whysz)
{
	struct mfa_parse_error perr = {0, ""};
	const char *rec;
	int rc;

	mfa_state_init(st);
	if (PQntuples(r) != 1 || PQnfields(r) != 2) {
		snprintf(why, whysz, "read of %s: unexpected answer", t->name);
		return MFA_ERR_UNAVAILABLE;
	}
	if (PQgetisnull(r, 0, 0))
		return MFA_OK;
	rec = PQgetvalue(r, 0, 0);
	rc = mfa_state_parse(rec, (size_t)PQgetlength(r, 0, 0), st, &perr);
	if (rc != MFA_OK)
		snprintf(why, whysz,
		    "record of %s in the database, line %u: %s", t->name,
		    perr.line, perr.msg);
	return rc;
}

/* The server's clock in the read row r. */
static int
server_time(struct pgtxn *t, const PGresult *r)
{
	long long v;
	char *end;

	v = strtoll(PQgetvalue(r, 0, 1), &end, 10);
	if (*end != '\0' || v < 0)
		return MFA_ERR_UNAVAILABLE;
	t->server_now = (int64_t)v;
	return MFA_OK;
}

/* Release the lock of t (if taken) without waiting, and free t. */
static void
txn_free(struct pgtxn *t)
{
	struct pgc_query q = {SQL_UNLOCK, 1, {t->name}};

	if (t->locked) {
		pgc_send_only(&t->store->c, &q, 1);
		t->store->locks--;
	}
	free(t);
}

static int
pg_begin(struct mfa_store *gs, const char *user, unsigned int timeout_ms,
    struct mfa_state *st, struct mfa_store_txn **txn, char *why, size_t whysz)
{
	PGresult *res[3] = {NULL, NULL, NULL};
	struct pgtxn *t = NULL;
	struct pgc_query read;
	int rc;

	mfa_state_init(st);
	rc = txn_new(pgstore_of(gs), user, &t, why, whysz);
	if (rc != MFA_OK)
		return rc;
	read = (struct pgc_query){SQL_READ, 1, {t->name}};
	rc = lock_and(t, timeout_ms, &read, 1, res, why, whysz);
	if (rc == MFA_OK)
		rc = parse_row(t, res[2], st, why, whysz);
	if (rc == MFA_OK && server_time(t, res[2]) != MFA_OK) {
		snprintf(why, whysz, "read of %s: bad server time", t->name);
		rc = MFA_ERR_UNAVAILABLE;
	}
	clear_results(res, 3);
	if (rc != MFA_OK) {
		txn_free(t);
		mfa_state_wipe(st);
		return rc;
	}
	*txn = &t->head;
	return MFA_OK;
}

/* The serial of the next write: +1, or random (never 0) for a new one. */
static int
bump_serial(uint64_t *serial)
{
	if (*serial == 0 && mfa_random_bytes(serial, sizeof(*serial)) != MFA_OK)
		return MFA_ERR_SYSTEM;
	else if (*serial != 0)
		(*serial)++;
	*serial += *serial == 0;
	return MFA_OK;
}

static int
pg_commit(struct mfa_store_txn *gt, struct mfa_state *st, int64_t now)
{
	struct pgtxn *t = pgtxn_of(gt);
	char why[256], serial[24], *text = NULL;
	struct pgc_query q = {SQL_WRITE, 3, {t->name, NULL, serial}};
	PGresult *r = NULL;
	size_t len = 0;
	int rc;

	mfa_state_prune(st, now);
	rc = bump_serial(&st->serial);
	if (rc == MFA_OK)
		rc = mfa_state_serialize(st, &text, &len);
	if (rc != MFA_OK)
		return rc;
	snprintf(serial, sizeof(serial), "%" PRIu64, st->serial);
	q.params[1] = text;
	rc = pgc_run(&t->store->c, &q, 1, 0, &r, why, sizeof(why));
	PQclear(r);
	mfa_strfree(text);
	return rc;
}

static void
pg_end(struct mfa_store_txn *gt)
{
	txn_free(pgtxn_of(gt));
}

static int64_t
pg_now(struct mfa_store_txn *gt, int64_t host_now)
{
	(void)host_now;
	return pgtxn_of(gt)->server_now;
}

static int
pg_remove(struct mfa_store *gs, const char *user, unsigned int timeout_ms)
{
	struct pgc_query del;
	PGresult *res[3] = {NULL, NULL, NULL};
	struct pgtxn *t = NULL;
	char why[256];
	int rc;

	rc = txn_new(pgstore_of(gs), user, &t, why, sizeof(why));
	if (rc != MFA_OK)
		return rc;
	rc = lock_and(t, timeout_ms, NULL, 0, res, why, sizeof(why));
	clear_results(res, 2);
	/* After the lock is known to be held: a separate round trip. */
	del = (struct pgc_query){SQL_DELETE, 1, {t->name}};
	if (rc == MFA_OK)
		rc = pgc_run(&t->store->c, &del, 1, 0, res, why, sizeof(why));
	clear_results(res, 1);
	txn_free(t);
	return rc;
}

static int
pg_unlock(struct mfa_store *s, const char *user, unsigned int timeout_ms,
    int64_t now, unsigned int *failures, int *dropped, char *why, size_t whysz)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	int rc;

	(void)now;    /* the server's clock decides what has expired */
	*dropped = 0; /* no separate failure counts to drop */
	rc = pg_begin(s, user, timeout_ms, &st, &txn, why, whysz);
	if (rc == MFA_OK) {
		*failures = st.failures;
		mfa_state_unlock(&st);
		rc = pg_commit(txn, &st, pgtxn_of(txn)->server_now);
		mfa_state_wipe(&st);
		pg_end(txn);
	}
	return rc;
}

/* Hand row i of the listing r to visit. */
static int
list_row(const PGresult *r, int i, mfa_store_visit visit, void *arg)
{
	struct mfa_parse_error perr = {0, ""};
	struct mfa_store_entry e = {NULL, 0, NULL, "state", 1, 0, ""};
	char user[PGSQL_NAME_MAX];
	struct mfa_state st;
	int rc;

	mfa_store_username(PQgetvalue(r, i, 0), user, sizeof(user));
	e.user = user;
	e.rc = mfa_state_parse(
	    PQgetvalue(r, i, 1), (size_t)PQgetlength(r, i, 1), &st, &perr);
	if (e.rc == MFA_OK) {
		e.st = &st;
		e.needs_reset = 0;
	}
	e.line = perr.line;
	e.why = perr.msg;
	rc = visit(arg, &e);
	mfa_state_wipe(&st);
	return rc;
}

static int
pg_list(struct mfa_store *gs, mfa_store_visit visit, void *arg, char *why,
    size_t whysz)
{
	struct pgstore *s = pgstore_of(gs);
	struct pgc_query q[2] = {
	    {SQL_VERSION, 0, {NULL}}, {SQL_LIST, 0, {NULL}}};
	PGresult *res[2] = {NULL, NULL};
	int i, rc;

	rc = run_first(s, q, 2, 0, res, why, whysz);
	if (rc == MFA_OK &&
	    (PQntuples(res[0]) != 1 ||
		strcmp(PQgetvalue(res[0], 0, 0), PGSQL_SCHEMA_VERSION_TEXT) !=
		    0))
		rc = version_error(s, why, whysz);
	for (i = 0; rc == MFA_OK && i < PQntuples(res[1]); i++)
		rc = list_row(res[1], i, visit, arg);
	clear_results(res, 2);
	return schema_advice(rc, why, whysz);
}

/* ---- the vault (store.h: mfa_store_vault_*) ---- */

/* The slot's name in the table. */
static const char *
slot_text(enum mfa_store_vault_slot slot)
{
	return slot == MFA_STORE_VAULT_PENDING ? "pending" : "current";
}

/* The id of a record as the table keeps it: 32 hex digits. */
static void
id_text(const unsigned char *id, char out[2 * MFA_STORE_VAULT_ID_LEN + 1])
{
	size_t i;

	for (i = 0; i < MFA_STORE_VAULT_ID_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

/*
 * Under user's lock (the state's: a promote or a write never interleaves
 * with a state transaction of another host), waiting at most timeout_ms:
 * run q (params[0] becomes the key) into *r when q is not NULL.
 */
static int
vault_exchange(struct pgstore *s, const char *user, unsigned int timeout_ms,
    const struct pgc_query *q, PGresult **r, char *why, size_t whysz)
{
	PGresult *res[2] = {NULL, NULL};
	struct pgtxn *t = NULL;
	struct pgc_query named;
	int rc;

	*r = NULL;
	rc = txn_new(s, user, &t, why, whysz);
	if (rc != MFA_OK)
		return rc;
	rc = lock_and(t, timeout_ms, NULL, 0, res, why, whysz);
	clear_results(res, 2);
	/* After the lock is known to be held: a separate round trip. */
	if (rc == MFA_OK && q != NULL) {
		named = *q;
		named.params[0] = t->name;
		rc = pgc_run(&s->c, &named, 1, 0, r, why, whysz);
	}
	txn_free(t);
	return rc;
}

/* The rows a write changed: 0 or 1. */
static int
changed(const PGresult *r)
{
	return strcmp(PQcmdTuples((PGresult *)r), "0") != 0;
}

static int
pg_vault_load(struct mfa_store *gs, const char *user,
    enum mfa_store_vault_slot slot, char **text, size_t *len, char *why,
    size_t whysz)
{
	struct pgstore *s = pgstore_of(gs);
	char name[PGSQL_NAME_MAX];
	struct pgc_query q = {SQL_VAULT_LOAD, 3,
	    {name, slot_text(slot), PGSQL_SCHEMA_VERSION_TEXT}};
	PGresult *r = NULL;
	int rc;

	rc = mfa_store_filename(user, name, sizeof(name));
	if (rc != MFA_OK) {
		snprintf(why, whysz, "user name: %s", mfa_strerror(rc));
		return rc;
	}
	rc = run_first(s, &q, 1, 0, &r, why, whysz);
	if (rc == MFA_OK && PQntuples(r) != 1)
		rc = version_error(s, why, whysz);
	else if (rc == MFA_OK && PQgetisnull(r, 0, 0))
		rc = MFA_ERR_NOENT;
	if (rc == MFA_OK) {
		*len = (size_t)PQgetlength(r, 0, 0);
		*text = malloc(*len + 1);
		rc = *text != NULL ? MFA_OK : MFA_ERR_NOMEM;
	}
	if (rc == MFA_OK) {
		memcpy(*text, PQgetvalue(r, 0, 0), *len + 1);
		/* libpq's copy holds the TOTP key too. */
		mfa_wipe(PQgetvalue(r, 0, 0), *len);
	}
	PQclear(r);
	if (rc == MFA_ERR_NOENT)
		snprintf(why, whysz, "no %s vault record of %s in the database",
		    slot_text(slot), name);
	return schema_advice(rc, why, whysz);
}

static int
pg_vault_write(struct mfa_store *gs, const char *user,
    enum mfa_store_vault_slot slot, enum mfa_store_vault_op op,
    const unsigned char *id, const char *text, size_t len,
    unsigned int timeout_ms, char *why, size_t whysz)
{
	char idhex[2 * MFA_STORE_VAULT_ID_LEN + 1];
	struct pgc_query q = {
	    SQL_VAULT_PUT, 4, {NULL, slot_text(slot), idhex, text}};
	int put = op == MFA_STORE_VAULT_REPLACE || op == MFA_STORE_VAULT_NEW;
	PGresult *r = NULL;
	int rc;

	/* A text parameter ends at its first NUL: no record has one. */
	if (put && (id == NULL || text == NULL || strlen(text) != len)) {
		snprintf(why, whysz, "vault record of %s: not a record", user);
		return MFA_ERR_INVALID;
	}
	if (put)
		id_text(id, idhex);
	if (op == MFA_STORE_VAULT_NEW)
		q.sql = SQL_VAULT_NEW;
	else if (op == MFA_STORE_VAULT_REMOVE)
		q = (struct pgc_query){
		    SQL_VAULT_DELETE, 2, {NULL, slot_text(slot)}};
	rc = vault_exchange(pgstore_of(gs), user, timeout_ms,
	    op == MFA_STORE_VAULT_CLEAR ? NULL : &q, &r, why, whysz);
	if (rc == MFA_OK && r != NULL && !changed(r)) {
		rc = op == MFA_STORE_VAULT_NEW ? MFA_ERR_DENIED : MFA_ERR_NOENT;
		snprintf(why, whysz, "%s vault record of %s: %s",
		    slot_text(slot), user,
		    rc == MFA_ERR_DENIED ? "there is one already" : "none");
	}
	PQclear(r);
	return schema_advice(rc, why, whysz);
}

static int
pg_vault_promote(struct mfa_store *gs, const char *user,
    const unsigned char *id, unsigned int timeout_ms, char *why, size_t whysz)
{
	char idhex[2 * MFA_STORE_VAULT_ID_LEN + 1];
	struct pgc_query q = {SQL_VAULT_PROMOTE, 2, {NULL, idhex}};
	PGresult *r = NULL;
	int rc;

	id_text(id, idhex);
	rc = vault_exchange(
	    pgstore_of(gs), user, timeout_ms, &q, &r, why, whysz);
	if (rc == MFA_OK && (PQntuples(r) != 1 || PQnfields(r) != 2)) {
		snprintf(why, whysz, "promote of %s: unexpected answer", user);
		rc = MFA_ERR_UNAVAILABLE;
	} else if (rc == MFA_OK && strcmp(PQgetvalue(r, 0, 0), "0") == 0) {
		snprintf(why, whysz, "no pending vault record of %s", user);
		rc = MFA_ERR_NOENT;
	} else if (rc == MFA_OK && strcmp(PQgetvalue(r, 0, 1), "0") == 0) {
		snprintf(why, whysz, "the pending enrolment is another one");
		rc = MFA_ERR_MISMATCH;
	}
	PQclear(r);
	return schema_advice(rc, why, whysz);
}

/* Milliseconds on the monotonic clock, as a double. */
static double
mono_ms_f(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* "TLSv1.3" or "no TLS" for the connection of s. */
static const char *
tls_text(struct pgstore *s)
{
	const char *proto;

	if (!PQsslInUse(s->c.conn))
		return "no TLS";
	proto = PQsslAttribute(s->c.conn, "protocol");
	return proto != NULL ? proto : "TLS";
}

/* Advice after the probe's line in info (store.h: mfa_store_probe). */
static void
advise(char *info, size_t infosz, const char *advice)
{
	size_t n = strlen(info);

	if (n + 1 < infosz)
		snprintf(info + n, infosz - n, "\n%s", advice);
}

static int
pg_probe(struct mfa_store *gs, char *info, size_t infosz)
{
	struct pgstore *s = pgstore_of(gs);
	struct pgc_query q = {SQL_VERSION, 0, {NULL}};
	char why[256] = "", schema[64] = "";
	PGresult *r = NULL;
	int rc, sv;
	double t0, rtt;

	if (s->c.conn == NULL) {
		snprintf(info, infosz, "postgresql: connection lost");
		return MFA_ERR_UNAVAILABLE;
	}
	sv = PQserverVersion(s->c.conn);
	t0 = mono_ms_f();
	rc = pgc_run(&s->c, &q, 1, 0, &r, why, sizeof(why));
	rtt = mono_ms_f() - t0;
	if (rc == MFA_OK && PQntuples(r) == 1 &&
	    strcmp(PQgetvalue(r, 0, 0), PGSQL_SCHEMA_VERSION_TEXT) == 0)
		snprintf(
		    schema, sizeof(schema), "schema %d", PGSQL_SCHEMA_VERSION);
	else if (rc == MFA_OK || rc == MFA_ERR_VERSION)
		rc = MFA_ERR_VERSION;
	if (rc == MFA_ERR_VERSION)
		snprintf(schema, sizeof(schema),
		    "schema %s, plug-in needs %d (run mfa-enroll store init)",
		    r != NULL && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0)
						   : "missing",
		    PGSQL_SCHEMA_VERSION);
	PQclear(r);
	if (rc != MFA_OK && rc != MFA_ERR_VERSION) {
		snprintf(info, infosz, "postgresql: %s", why);
		return rc;
	}
	snprintf(info, infosz,
	    "postgresql: %s port %s database %s user %s, server %d.%d, %s, "
	    "%s, round trip %.1f ms",
	    PQhost(s->c.conn), PQport(s->c.conn), PQdb(s->c.conn),
	    PQuser(s->c.conn), sv / 10000, sv % 10000, tls_text(s), schema,
	    rtt);
	pgc_printable(info); /* the schema version is the database's */
	if (rc == MFA_OK && s->c.resolves)
		advise(info, infosz,
		    "the connection file names a host by name: its resolution "
		    "is not bounded by store_timeout=: add hostaddr=");
	return rc;
}

static int
pg_setup(struct mfa_store *gs, char *why, size_t whysz)
{
	struct pgstore *s = pgstore_of(gs);

	/* A few statements, each bounded by statement_timeout. */
	return pgc_script(&s->c, schema_sql, 4 * s->c.timeout_ms, why, whysz);
}

static void
pg_close(struct mfa_store *gs)
{
	struct pgstore *s = pgstore_of(gs);

	pgc_close(&s->c);
	free(s);
}

static const struct mfa_store_ops pgsql_ops = {
    .name = "postgresql",
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .end = pg_end,
    .remove = pg_remove,
    .unlock = pg_unlock,
    .list = pg_list,
    .now = pg_now,
    .probe = pg_probe,
    .setup = pg_setup,
    .vault_load = pg_vault_load,
    .vault_write = pg_vault_write,
    .vault_promote = pg_vault_promote,
};

/* The entry point has the type the loader calls it with. */
_Static_assert(__builtin_types_compatible_p(mfa_store_plugin_open_fn,
		   __typeof__(&mfa_store_plugin_open)),
    "mfa_store_plugin_open does not match store_backend.h");

int
mfa_store_plugin_open(const struct mfa_store_params *p, struct mfa_store **out,
    char *why, size_t whysz)
{
	struct pgstore *s;
	int rc;

	*out = NULL;
	if (p == NULL || p->abi != MFA_STORE_ABI) {
		snprintf(why, whysz,
		    "the PostgreSQL plug-in was built for store ABI %d, "
		    "pam_mfa for another: install matching versions",
		    MFA_STORE_ABI);
		return MFA_ERR_VERSION;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return MFA_ERR_NOMEM;
	s->head.ops = &pgsql_ops;
	rc = pgc_connect(&s->c, p->conninfo, p->timeout_ms, why, whysz);
	if (rc != MFA_OK) {
		free(s);
		return rc;
	}
	*out = &s->head;
	return MFA_OK;
}
