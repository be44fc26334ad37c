/*
 * conn.h - one connection to the PostgreSQL server of a store, with a
 * hard deadline on everything: connecting, and every exchange after it.
 *
 * The server is named by a root-owned connection file (store_conninfo=,
 * pam_mfa.conf(5)): one libpq connection string, nothing taken from the
 * caller's environment.  No threads, no signals: libpq's asynchronous
 * calls and poll(2).  After connecting, the connection stays in libpq's
 * pipeline mode, so that the statements of one step go to the server in
 * one round trip (pgc_run).
 */
#ifndef MFA_PGSQL_CONN_H
#define MFA_PGSQL_CONN_H

#include <stddef.h>

#include <libpq-fe.h>

#define PGC_CONNINFO_MAX 4096 /* bytes of the connection file */
#define PGC_MAX_PARAMS 4      /* parameters of one statement */
#define PGC_PATH_MAX 4096     /* bytes of the connection file's path */

struct pgc {
	PGconn *conn; /* NULL once lost: every exchange fails */
	unsigned int
	    timeout_ms;       /* deadline of connecting, and of an exchange */
	unsigned int pending; /* syncs sent whose results nobody awaits */
	/* Lost because the server or the network closed it (EOF, a reset,
	 * the server's shutdown or pg_terminate_backend), not because a
	 * deadline passed: pgc_reconnect may try again. */
	int dropped;
	/* A host of the string is a name without hostaddr=: libpq
	 * resolves it with getaddrinfo, which no deadline bounds. */
	int resolves;
	char path[PGC_PATH_MAX]; /* the connection file */
};

/* One statement of an exchange and its text parameters. */
struct pgc_query {
	const char *sql;
	int nparams;
	const char *params[PGC_MAX_PARAMS];
};

/*
 * pgc_connect - read the connection file at path (a regular file, not a
 * link, owned by the effective uid or root, no group or other permission
 * bits, at most PGC_CONNINFO_MAX bytes, every directory above it safe: see
 * mfa_file_open_read) and connect to the server it names within
 * timeout_ms, with statement_timeout and lock_timeout set to timeout_ms.
 * PG* variables of the environment are hidden from libpq while it
 * connects (environ is the same array again afterwards), and the files
 * libpq would otherwise look for in the caller's home (password file,
 * client certificate and key, root certificate, revocation list) are the
 * ones the connection string names or none.  A "service" in the string
 * is refused.  With several hosts, each is tried alone in turn with its
 * share of the time left (a hung host leaves time for the next).
 * Returns MFA_OK with c ready, MFA_ERR_UNSAFE/NOENT/TOOBIG (the file),
 * MFA_ERR_FORMAT (the string), MFA_ERR_UNAVAILABLE (server down,
 * stopped, refusing, wrong password, TLS failure, deadline) or
 * MFA_ERR_NOMEM, with the cause in why; c is then closed.
 */
int pgc_connect(struct pgc *c, const char *path, unsigned int timeout_ms,
    char *why, size_t whysz);

/*
 * pgc_reconnect - close c and connect again exactly as pgc_connect did
 * (the same connection file, read and checked again, the same hidden
 * environment and pinned parameters), within a fresh c->timeout_ms.
 * Returns what pgc_connect returns, with why.
 */
int pgc_reconnect(struct pgc *c, char *why, size_t whysz);

/* pgc_close - close c (a closed one is fine). */
void pgc_close(struct pgc *c);

/*
 * pgc_run - send the n statements of q (at most 8) and a sync, and wait
 * for their results for at most c->timeout_ms + extra_ms.  res[i] gets the
 * result of q[i] (the caller PQclear()s each; NULL when none came).
 * Returns MFA_OK when every statement succeeded, else the error of the
 * first that failed (pgc_error) with why; when the deadline passes or the
 * connection breaks, c is closed and the result is MFA_ERR_UNAVAILABLE
 * (c->dropped set when the server or the network ended it: an EOF, a
 * reset, a FATAL admin_shutdown, crash_shutdown, cannot_connect_now or
 * idle_session_timeout, SQLSTATE 57P01, 57P02, 57P03, 57P05).
 */
int pgc_run(struct pgc *c, const struct pgc_query *q, size_t n,
    unsigned int extra_ms, PGresult **res, char *why, size_t whysz);

/*
 * pgc_send_only - send the n statements of q and a sync without waiting
 * for anything: their results are read and dropped by the next pgc_run.
 * For a last statement whose outcome changes nothing for the caller (an
 * advisory unlock, which closing the connection does as well).
 */
void pgc_send_only(struct pgc *c, const struct pgc_query *q, size_t n);

/*
 * pgc_script - run sql, several statements, through the simple query
 * protocol (outside pipeline mode), within c->timeout_ms + extra_ms; an
 * explicit transaction left aborted by an error is rolled back.  Returns
 * MFA_OK or the error of the statement that failed, with why.
 */
int pgc_script(struct pgc *c, const char *sql, unsigned int extra_ms, char *why,
    size_t whysz);

/*
 * pgc_error - the mfa_err of a failed result r: lock_not_available
 * MFA_ERR_LOCK_TIMEOUT, an undefined table or schema, or the plug-in's own
 * "schema version" error, MFA_ERR_VERSION, disk_full MFA_ERR_NOSPACE,
 * anything else MFA_ERR_UNAVAILABLE; with the server's message (one line,
 * printable ASCII) in why.
 */
int pgc_error(const PGresult *r, char *why, size_t whysz);

/*
 * pgc_printable - make s (NUL-terminated) one printable ASCII line in
 * place: tabs and newlines become spaces, other bytes outside 0x20..0x7e
 * '?'.  For text from the database that goes into a log line.
 */
void pgc_printable(char *s);

#endif /* MFA_PGSQL_CONN_H */
