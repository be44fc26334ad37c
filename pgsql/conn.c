/*
 * conn.c - the connection of a PostgreSQL store (conn.h): the connection
 * file, a connection that takes nothing from the caller's environment,
 * and exchanges with a deadline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "conn.h"
#include "error.h"
#include "fileio.h"
#include "mem.h"

extern char **environ;

/*
 * Where libpq would look in the caller's home for a file the connection
 * string does not name: a path that cannot exist (nothing can be created
 * in /proc/self), so libpq finds nothing there.
 */
#define PGC_NOWHERE "/proc/self/pam_mfa-no-such-file"
#define PGC_MAX_RUN 8
#define PGC_MAX_KEYS 80 /* libpq has about 50 options */

/* The options libpq would otherwise find in the caller's home. */
static const char *const pinned_files[] = {
    "passfile", "sslcert", "sslkey", "sslrootcert", "sslcrl", "sslcrldir"};

/* The keywords and values passed to PQconnectStartParams. */
struct pgc_params {
	const char *keys[PGC_MAX_KEYS + 1];
	const char *vals[PGC_MAX_KEYS + 1];
	size_t n;
	char options[PGC_CONNINFO_MAX + 128];
	/* host, hostaddr, port: where in vals (-1: not given), the lists as
	 * given, and the one entry of each tried at a time. */
	int at[3];
	const char *list[3];
	char item[3][256];
};

static const char *const host_keys[3] = {"host", "hostaddr", "port"};

/* Milliseconds on the monotonic clock. */
static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A message of libpq or the server as one printable line into why. */
static void
set_why_line(char *why, size_t whysz, const char *prefix, const char *msg)
{
	size_t n;
	char *p;

	if (why == NULL || whysz == 0)
		return;
	snprintf(why, whysz, "%s%s", prefix, msg != NULL ? msg : "");
	n = strlen(why);
	while (n > 0 && (why[n - 1] == '\n' || why[n - 1] == ' '))
		why[--n] = '\0';
	for (p = why; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
		else if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
}

void
pgc_printable(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n' || *s == '\t')
			*s = ' ';
		else if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

/* Read the connection file into *buf (the caller wipes and frees it). */
static int
read_conninfo(const char *path, char **buf, char *why, size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = geteuid(), .max_size = PGC_CONNINFO_MAX};
	struct mfa_file_error ferr = {""};
	size_t len = 0;
	int fd, rc;

	*buf = NULL;
	rc = mfa_file_open_read(path, &rules, &fd, &ferr);
	if (rc != MFA_OK) {
		snprintf(why, whysz, "connection file: %s",
		    ferr.why[0] != '\0' ? ferr.why : mfa_strerror(rc));
		return rc;
	}
	rc = mfa_file_read_all(fd, PGC_CONNINFO_MAX, buf, &len);
	close(fd);
	if (rc != MFA_OK) {
		snprintf(why, whysz, "connection file %s: %s", path,
		    mfa_strerror(rc));
		return rc;
	}
	if (strlen(*buf) != len) {
		snprintf(
		    why, whysz, "connection file %s: holds a NUL byte", path);
		mfa_freezero(*buf, len + 1);
		*buf = NULL;
		return MFA_ERR_FORMAT;
	}
	return MFA_OK;
}

/* Add keyword k = v to p; MFA_ERR_TOOBIG when full. */
static int
add_param(struct pgc_params *p, const char *k, const char *v)
{
	if (p->n >= PGC_MAX_KEYS)
		return MFA_ERR_TOOBIG;
	p->keys[p->n] = k;
	p->vals[p->n] = v;
	p->n++;
	p->keys[p->n] = NULL;
	p->vals[p->n] = NULL;
	return MFA_OK;
}

/* 1 when opt is given a value (libpq takes "" for "not given"). */
static int
given(const PQconninfoOption *opt)
{
	return opt->val != NULL && opt->val[0] != '\0';
}

/* The value of keyword in opts, or NULL when the string gives none. */
static const char *
given_value(const PQconninfoOption *opts, const char *keyword)
{
	for (; opts->keyword != NULL; opts++)
		if (strcmp(opts->keyword, keyword) == 0)
			return given(opts) ? opts->val : NULL;
	return NULL;
}

/* 1 when the n bytes at e name this host: a Unix socket directory (a
 * path), with names allowed "localhost", or a loopback address written
 * as one (127.0.0.0/8, ::1); a name that merely looks like one is not. */
static int
entry_local(const char *e, size_t n, int names)
{
	char buf[64];
	struct in_addr a4;
	struct in6_addr a6;

	if (n > 0 && (e[0] == '/' || e[0] == '@'))
		return 1;
	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, e, n);
	buf[n] = '\0';
	if (names && strcmp(buf, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, buf, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, buf, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* 1 when each entry of the comma-separated list is local (entry_local). */
static int
list_local(const char *list, int names)
{
	const char *e = list;

	for (;;) {
		size_t n = strcspn(e, ",");

		if (!entry_local(e, n, names))
			return 0;
		if (e[n] == '\0')
			return 1;
		e += n + 1;
	}
}

/*
 * 1 when every server the string names is on this host (no host and no
 * hostaddr: libpq's Unix socket), so no one on the network sits between
 * the module and the database.
 */
static int
servers_local(const PQconninfoOption *opts)
{
	const char *host = given_value(opts, "host");
	const char *addr = given_value(opts, "hostaddr");

	return (host == NULL || list_local(host, 1)) &&
	    (addr == NULL || list_local(addr, 0));
}

/*
 * The value for keyword opt->keyword: the string's own, a pinned file
 * or setting when it gives none, else NULL (libpq's compiled-in default).
 * A server reached over the network is verified (sslmode verify-full)
 * unless the string says otherwise: libpq's default, prefer, would take
 * any server that answers, and that server decides who is locked out and,
 * with secrets = vault, holds the keys.
 */
static const char *
value_for(const PQconninfoOption *opt, int local)
{
	size_t i;

	if (given(opt))
		return opt->val;
	if (strcmp(opt->keyword, "sslmode") == 0 && !local)
		return "verify-full";
	for (i = 0; i < sizeof(pinned_files) / sizeof(pinned_files[0]); i++)
		if (strcmp(opt->keyword, pinned_files[i]) == 0)
			return PGC_NOWHERE;
	/* GSSAPI encryption would use the caller's credential cache. */
	if (strcmp(opt->keyword, "gssencmode") == 0)
		return "disable";
	if (strcmp(opt->keyword, "fallback_application_name") == 0)
		return "pam_mfa";
	return NULL;
}

/* The startup options: the string's own, then our time-outs. */
static int
set_options(
    struct pgc_params *p, const PQconninfoOption *opt, unsigned int timeout_ms)
{
	int n;

	n = snprintf(p->options, sizeof(p->options),
	    "%s%s-c statement_timeout=%u -c lock_timeout=%u",
	    given(opt) ? opt->val : "", given(opt) ? " " : "", timeout_ms,
	    timeout_ms);
	if (n < 0 || (size_t)n >= sizeof(p->options))
		return MFA_ERR_TOOBIG;
	return add_param(p, "options", p->options);
}

/* When keyword (just added to p) is host, hostaddr or port: note it. */
static void
note_host_param(struct pgc_params *p, const char *keyword)
{
	int k;

	for (k = 0; k < 3; k++)
		if (strcmp(keyword, host_keys[k]) == 0) {
			p->at[k] = (int)p->n - 1;
			p->list[k] = p->vals[p->n - 1];
		}
}

/* The parameters from the parsed string opts (which p points into). */
static int
build_params(struct pgc_params *p, const PQconninfoOption *opts,
    unsigned int timeout_ms, char *why, size_t whysz)
{
	const PQconninfoOption *o;
	const char *v;
	int rc = MFA_OK, local = servers_local(opts);

	p->n = 0;
	p->at[0] = p->at[1] = p->at[2] = -1;
	for (o = opts; o->keyword != NULL && rc == MFA_OK; o++) {
		if (strcmp(o->keyword, "service") == 0 && given(o)) {
			snprintf(why, whysz,
			    "connection file: \"service\" is not allowed "
			    "(it would read a service file): give the "
			    "parameters themselves");
			return MFA_ERR_FORMAT;
		}
		if (strcmp(o->keyword, "options") == 0)
			rc = set_options(p, o, timeout_ms);
		else if ((v = value_for(o, local)) != NULL)
			rc = add_param(p, o->keyword, v);
		if (rc == MFA_OK && given(o))
			note_host_param(p, o->keyword);
	}
	if (rc != MFA_OK)
		snprintf(why, whysz, "connection file: too many parameters");
	return rc;
}

/* 1 when an environment entry is one libpq (or GSSAPI) would read. */
static int
env_for_libpq(const char *e)
{
	return strncmp(e, "PG", 2) == 0 || strncmp(e, "KRB5", 4) == 0;
}

/*
 * Point environ at a copy without the entries libpq would read; *saved
 * gets the caller's array, put back by env_restore.  No callback of the
 * caller runs in between, and there are no threads (pam_mfa(8)).
 */
static int
env_hide(char ***saved, char ***copy)
{
	size_t n = 0, k = 0;
	char **e;

	*saved = environ;
	*copy = NULL;
	for (e = environ; e != NULL && *e != NULL; e++)
		n++;
	*copy = calloc(n + 1, sizeof(char *));
	if (*copy == NULL)
		return MFA_ERR_NOMEM;
	for (e = environ; e != NULL && *e != NULL; e++)
		if (!env_for_libpq(*e))
			(*copy)[k++] = *e;
	environ = *copy;
	return MFA_OK;
}

/* Give the caller its environ back, exactly as it was. */
static void
env_restore(char **saved, char **copy)
{
	environ = saved;
	free(copy);
}

/*
 * Wait until fd is ready for events or deadline (monotonic ms) passes.
 * Returns MFA_OK, or MFA_ERR_UNAVAILABLE (deadline, poll error).
 */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int64_t left;
	int r;

	for (;;) {
		left = deadline - mono_ms();
		if (left <= 0 || fd < 0)
			return MFA_ERR_UNAVAILABLE;
		r = poll(&pfd, 1, (int)(left > INT32_MAX ? INT32_MAX : left));
		if (r > 0)
			return MFA_OK;
		if (r < 0 && errno != EINTR)
			return MFA_ERR_UNAVAILABLE;
	}
}

/* Drive PQconnectPoll until it is done or deadline passes. */
static int
poll_connection(PGconn *conn, int64_t deadline, char *why, size_t whysz)
{
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;

	for (;;) {
		if (st == PGRES_POLLING_OK)
			return MFA_OK;
		if (st == PGRES_POLLING_FAILED) {
			set_why_line(why, whysz,
			    "cannot connect: ", PQerrorMessage(conn));
			return MFA_ERR_UNAVAILABLE;
		}
		if (wait_fd(PQsocket(conn),
			st == PGRES_POLLING_READING ? POLLIN : POLLOUT,
			deadline) != MFA_OK) {
			snprintf(why, whysz,
			    "%s port %s: no answer from the server within the "
			    "deadline (store_timeout)",
			    PQhost(conn) != NULL ? PQhost(conn) : "?",
			    PQport(conn) != NULL ? PQport(conn) : "?");
			return MFA_ERR_UNAVAILABLE;
		}
		st = PQconnectPoll(conn);
	}
}

/* Server notices (NOTICE: ... already exists) are not the caller's. */
static void
drop_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/*
 * Start and finish the connection with p by deadline, environment hidden;
 * the reason of a failure into why.
 */
static int
connect_once(struct pgc *c, const struct pgc_params *p, int64_t deadline,
    char *why, size_t whysz)
{
	char **saved, **copy;
	int rc;

	rc = env_hide(&saved, &copy);
	if (rc != MFA_OK)
		return rc;
	c->conn = PQconnectStartParams(p->keys, p->vals, 0);
	if (c->conn == NULL) {
		rc = MFA_ERR_NOMEM;
	} else if (PQstatus(c->conn) == CONNECTION_BAD) {
		set_why_line(
		    why, whysz, "cannot connect: ", PQerrorMessage(c->conn));
		rc = MFA_ERR_UNAVAILABLE;
	} else {
		PQsetNoticeProcessor(c->conn, drop_notice, NULL);
		rc = poll_connection(c->conn, deadline, why, whysz);
	}
	env_restore(saved, copy);
	if (rc == MFA_OK &&
	    (PQsetnonblocking(c->conn, 1) != 0 ||
		PQenterPipelineMode(c->conn) != 1)) {
		set_why_line(
		    why, whysz, "pipeline mode: ", PQerrorMessage(c->conn));
		rc = MFA_ERR_UNAVAILABLE;
	}
	return rc;
}

/* Entries of the comma-separated list v (NULL: none). */
static size_t
list_count(const char *v)
{
	size_t n = 1;

	if (v == NULL)
		return 0;
	for (; *v != '\0'; v++)
		n += *v == ',';
	return n;
}

/* Entry i of list v into out (a list of one serves every i; "": none). */
static void
list_item(const char *v, size_t i, char *out, size_t outsz)
{
	size_t len;

	if (list_count(v) == 1)
		i = 0;
	for (; v != NULL && i > 0; i--)
		if ((v = strchr(v, ',')) != NULL)
			v++;
	len = v == NULL ? 0 : strcspn(v, ",");
	snprintf(out, outsz, "%.*s", (int)len, v == NULL ? "" : v);
}

/* Point p at the i-th host of its lists alone. */
static void
one_host(struct pgc_params *p, size_t i)
{
	int k;

	for (k = 0; k < 3; k++)
		if (p->at[k] >= 0) {
			list_item(
			    p->list[k], i, p->item[k], sizeof(p->item[k]));
			p->vals[p->at[k]] = p->item[k];
		}
}

/* Append "; " and more to why. */
static void
why_append(char *why, size_t whysz, const char *more)
{
	size_t n = strlen(why);

	if (n + 2 < whysz)
		snprintf(why + n, whysz - n, "%s%s", n > 0 ? "; " : "", more);
}

/*
 * Connect within c->timeout_ms.  With several hosts, each is tried alone
 * in turn with its share of the time left, so that one that accepts and
 * never answers cannot use up the deadline of the others.
 */
static int
connect_params(struct pgc *c, struct pgc_params *p, char *why, size_t whysz)
{
	int64_t deadline = mono_ms() + c->timeout_ms, left;
	size_t i, n = list_count(p->list[0]);
	char one[512];
	int rc = MFA_ERR_UNAVAILABLE;

	if (list_count(p->list[1]) > n)
		n = list_count(p->list[1]);
	if (n <= 1)
		return connect_once(c, p, deadline, why, whysz);
	why[0] = '\0';
	for (i = 0; i < n && (left = deadline - mono_ms()) > 0; i++) {
		one_host(p, i);
		one[0] = '\0';
		rc = connect_once(c, p, mono_ms() + left / (int64_t)(n - i),
		    one, sizeof(one));
		if (rc != MFA_ERR_UNAVAILABLE)
			return rc;
		why_append(why, whysz, one);
		pgc_close(c);
	}
	return rc;
}

/* 1 when host is a name that getaddrinfo resolves (not an address or a
 * socket directory). */
static int
host_is_name(const char *host)
{
	unsigned char addr[16];

	if (host[0] == '\0' || host[0] == '/' || host[0] == '@')
		return 0;
	return inet_pton(AF_INET, host, addr) != 1 &&
	    inet_pton(AF_INET6, host, addr) != 1;
}

/*
 * 1 when a host of p is a name with no hostaddr= beside it: libpq then
 * resolves it with getaddrinfo, which has no deadline (and an
 * asynchronous resolver would need threads).
 */
static int
resolves_names(const struct pgc_params *p)
{
	size_t i, n = list_count(p->list[0]);
	char host[256], addr[256];

	for (i = 0; i < n; i++) {
		list_item(p->list[0], i, host, sizeof(host));
		list_item(p->list[1], i, addr, sizeof(addr));
		if (addr[0] == '\0' && host_is_name(host))
			return 1;
	}
	return 0;
}

/* Wipe the values of parsed options (a password among them). */
static void
options_free(PQconninfoOption *opts)
{
	PQconninfoOption *o;

	if (opts == NULL)
		return;
	for (o = opts; o->keyword != NULL; o++)
		if (o->val != NULL)
			mfa_wipe(o->val, strlen(o->val));
	PQconninfoFree(opts);
}

int
pgc_connect(struct pgc *c, const char *path, unsigned int timeout_ms, char *why,
    size_t whysz)
{
	PQconninfoOption *opts = NULL;
	struct pgc_params *p = NULL;
	char *text = NULL, *err = NULL;
	int rc;

	memset(c, 0, sizeof(*c));
	c->timeout_ms = timeout_ms;
	if (snprintf(c->path, sizeof(c->path), "%s", path) >=
	    (int)sizeof(c->path)) {
		snprintf(why, whysz, "connection file: path too long");
		return MFA_ERR_TOOBIG;
	}
	rc = read_conninfo(path, &text, why, whysz);
	if (rc != MFA_OK)
		goto out;
	opts = PQconninfoParse(text, &err);
	if (opts == NULL) {
		set_why_line(why, whysz,
		    "connection file: ", err != NULL ? err : "out of memory");
		rc = err != NULL ? MFA_ERR_FORMAT : MFA_ERR_NOMEM;
		goto out;
	}
	p = calloc(1, sizeof(*p));
	rc = p == NULL ? MFA_ERR_NOMEM
		       : build_params(p, opts, timeout_ms, why, whysz);
	if (rc == MFA_OK) {
		c->resolves = resolves_names(p);
		rc = connect_params(c, p, why, whysz);
	}
out:
	if (rc != MFA_OK)
		pgc_close(c);
	free(p);
	options_free(opts);
	PQfreemem(err);
	mfa_strfree(text);
	return rc;
}

int
pgc_reconnect(struct pgc *c, char *why, size_t whysz)
{
	char path[PGC_PATH_MAX];

	/* pgc_connect starts by clearing c, c->path with it. */
	snprintf(path, sizeof(path), "%s", c->path);
	pgc_close(c);
	return pgc_connect(c, path, c->timeout_ms, why, whysz);
}

void
pgc_close(struct pgc *c)
{
	if (c->conn != NULL)
		PQfinish(c->conn);
	c->conn = NULL;
	c->pending = 0;
}

/*
 * Lose the connection after a failure whose effect is unknown; noted as
 * dropped when libpq found it closed (EOF, reset, the server's FATAL),
 * not when a deadline passed.
 */
static int
lost(struct pgc *c, const char *what, char *why, size_t whysz)
{
	int dropped = c->conn != NULL && PQstatus(c->conn) == CONNECTION_BAD;

	if (dropped)
		set_why_line(
		    why, whysz, "connection lost: ", PQerrorMessage(c->conn));
	else
		snprintf(why, whysz, "%s", what);
	pgc_close(c);
	c->dropped = dropped;
	return MFA_ERR_UNAVAILABLE;
}

/* Close c, which the server or the network has closed (not a deadline). */
static int
dropped(struct pgc *c)
{
	pgc_close(c);
	c->dropped = 1;
	return MFA_ERR_UNAVAILABLE;
}

/*
 * The result of res[0..n) that is the server's FATAL ending the session,
 * or NULL: admin_shutdown (pg_terminate_backend, a fast shutdown),
 * crash_shutdown, cannot_connect_now, idle_session_timeout.
 */
static const PGresult *
server_end(PGresult **res, size_t n)
{
	static const char *const ending[] = {
	    "57P01", "57P02", "57P03", "57P05"};
	const char *state;
	size_t i, k;

	for (i = 0; i < n; i++) {
		state = res[i] != NULL
		    ? PQresultErrorField(res[i], PG_DIAG_SQLSTATE)
		    : NULL;
		for (k = 0; state != NULL && k < 4; k++)
			if (strcmp(state, ending[k]) == 0)
				return res[i];
	}
	return NULL;
}

/* Send what libpq has buffered, and read what has come, until deadline. */
static int
flush_and_read(struct pgc *c, int64_t deadline)
{
	int f;

	for (;;) {
		f = PQflush(c->conn);
		if (f < 0)
			return MFA_ERR_UNAVAILABLE;
		if (f == 0 && !PQisBusy(c->conn))
			return MFA_OK;
		if (wait_fd(PQsocket(c->conn), f ? POLLIN | POLLOUT : POLLIN,
			deadline) != MFA_OK)
			return MFA_ERR_UNAVAILABLE;
		if (PQconsumeInput(c->conn) != 1)
			return MFA_ERR_UNAVAILABLE;
	}
}

/*
 * The results up to the next sync: each into res[k++] while k < n (the
 * rest cleared).  res may be NULL (results dropped).
 */
static int
collect(struct pgc *c, int64_t deadline, PGresult **res, size_t n)
{
	unsigned int nulls = 0;
	size_t k = 0;
	PGresult *r;

	for (;;) {
		if (flush_and_read(c, deadline) != MFA_OK)
			return MFA_ERR_UNAVAILABLE;
		r = PQgetResult(c->conn);
		if (r == NULL) {
			/* Between statements; endless only on a broken one. */
			if (PQstatus(c->conn) == CONNECTION_BAD ||
			    ++nulls > PGC_MAX_RUN + 1)
				return MFA_ERR_UNAVAILABLE;
			continue;
		}
		nulls = 0;
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			return MFA_OK;
		}
		if (res != NULL && k < n)
			res[k++] = r;
		else
			PQclear(r);
	}
}

/* Queue the statements of q and a sync. */
static int
send_queries(struct pgc *c, const struct pgc_query *q, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (PQsendQueryParams(c->conn, q[i].sql, q[i].nparams, NULL,
			q[i].params, NULL, NULL, 0) != 1)
			return MFA_ERR_UNAVAILABLE;
	return PQpipelineSync(c->conn) == 1 ? MFA_OK : MFA_ERR_UNAVAILABLE;
}

/* The first failed result of res[0..n) as an error with why. */
static int
first_error(PGresult **res, size_t n, char *why, size_t whysz)
{
	ExecStatusType st;
	size_t i;

	for (i = 0; i < n; i++) {
		if (res[i] == NULL) {
			snprintf(why, whysz, "statement %zu: no result", i + 1);
			return MFA_ERR_UNAVAILABLE;
		}
		st = PQresultStatus(res[i]);
		if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
			return pgc_error(res[i], why, whysz);
	}
	return MFA_OK;
}

int
pgc_run(struct pgc *c, const struct pgc_query *q, size_t n,
    unsigned int extra_ms, PGresult **res, char *why, size_t whysz)
{
	int64_t deadline = mono_ms() + c->timeout_ms + extra_ms;
	const PGresult *end;
	size_t i;
	int rc;

	for (i = 0; i < n; i++)
		res[i] = NULL;
	if (c->conn == NULL) {
		snprintf(why, whysz, "connection lost earlier");
		return MFA_ERR_UNAVAILABLE;
	}
	if (n > PGC_MAX_RUN || send_queries(c, q, n) != MFA_OK)
		return lost(c, "cannot send a statement", why, whysz);
	for (; c->pending > 0; c->pending--)
		if (collect(c, deadline, NULL, 0) != MFA_OK)
			return lost(
			    c, "no answer within the deadline", why, whysz);
	if (collect(c, deadline, res, n) != MFA_OK) {
		if ((end = server_end(res, n)) == NULL)
			return lost(
			    c, "no answer within the deadline", why, whysz);
		/* The server's reason, rather than libpq's EOF. */
		set_why_line(
		    why, whysz, "connection lost: ", PQresultErrorMessage(end));
		return dropped(c);
	}
	rc = first_error(res, n, why, whysz);
	if (rc != MFA_OK &&
	    (PQstatus(c->conn) == CONNECTION_BAD || server_end(res, n) != NULL))
		return dropped(c);
	return rc;
}

void
pgc_send_only(struct pgc *c, const struct pgc_query *q, size_t n)
{
	if (c->conn == NULL)
		return;
	/* Nothing waited: no deadline passed. */
	if (send_queries(c, q, n) != MFA_OK || PQflush(c->conn) < 0) {
		dropped(c);
		return;
	}
	c->pending++;
}

/* Read every result of a simple query; the first error is the result. */
static int
script_results(struct pgc *c, int64_t deadline, char *why, size_t whysz)
{
	ExecStatusType st;
	int rc = MFA_OK;
	PGresult *r;

	for (;;) {
		if (flush_and_read(c, deadline) != MFA_OK)
			return lost(
			    c, "no answer within the deadline", why, whysz);
		r = PQgetResult(c->conn);
		if (r == NULL)
			return rc;
		st = PQresultStatus(r);
		if (rc == MFA_OK && st != PGRES_TUPLES_OK &&
		    st != PGRES_COMMAND_OK)
			rc = pgc_error(r, why, whysz);
		PQclear(r);
	}
}

int
pgc_script(struct pgc *c, const char *sql, unsigned int extra_ms, char *why,
    size_t whysz)
{
	int64_t deadline = mono_ms() + c->timeout_ms + extra_ms;
	char ignored[64];
	int rc;

	if (c->conn == NULL) {
		snprintf(why, whysz, "connection lost earlier");
		return MFA_ERR_UNAVAILABLE;
	}
	for (; c->pending > 0; c->pending--)
		if (collect(c, deadline, NULL, 0) != MFA_OK)
			return lost(
			    c, "no answer within the deadline", why, whysz);
	if (PQexitPipelineMode(c->conn) != 1 || PQsendQuery(c->conn, sql) != 1)
		return lost(c, "cannot send the script", why, whysz);
	rc = script_results(c, deadline, why, whysz);
	if (c->conn != NULL &&
	    PQtransactionStatus(c->conn) == PQTRANS_INERROR &&
	    (PQsendQuery(c->conn, "ROLLBACK") != 1 ||
		script_results(c, deadline, ignored, sizeof(ignored)) !=
		    MFA_OK))
		return lost(c, "cannot roll back", why, whysz);
	if (c->conn != NULL && PQenterPipelineMode(c->conn) != 1)
		return lost(c, "cannot enter pipeline mode", why, whysz);
	return rc;
}

int
pgc_error(const PGresult *r, char *why, size_t whysz)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

	set_why_line(why, whysz, "server: ", PQresultErrorMessage(r));
	if (state == NULL)
		return MFA_ERR_UNAVAILABLE;
	if (strcmp(state, "55P03") == 0) /* lock_not_available */
		return MFA_ERR_LOCK_TIMEOUT;
	/* undefined_table, invalid_schema_name, schema.sql's own */
	if (strcmp(state, "42P01") == 0 || strcmp(state, "3F000") == 0 ||
	    strcmp(state, "MFAV1") == 0)
		return MFA_ERR_VERSION;
	if (strcmp(state, "53100") == 0) /* disk_full */
		return MFA_ERR_NOSPACE;
	return MFA_ERR_UNAVAILABLE;
}
