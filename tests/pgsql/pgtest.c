/*
 * pgtest.c - see pgtest.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <check.h>
#include <libpq-fe.h>

#include "pgtest.h"

void
pgtest_admin(const char *sql, char *val, size_t valsz)
{
	const char *conninfo = getenv("MFA_PG_ADMIN");
	PGconn *c;
	PGresult *r;

	ck_assert_msg(conninfo != NULL,
	    "MFA_PG_ADMIN is not set: run through tests/pgsql/store_pgsql.sh");
	c = PQconnectdb(conninfo);
	ck_assert_msg(
	    PQstatus(c) == CONNECTION_OK, "admin: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK ||
		PQresultStatus(r) == PGRES_COMMAND_OK,
	    "%s: %s", sql, PQresultErrorMessage(r));
	if (val != NULL)
		snprintf(val, valsz, "%s",
		    PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
}

int64_t
pgtest_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
