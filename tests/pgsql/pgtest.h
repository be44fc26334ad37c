/*
 * pgtest.h - helpers of the suites that run against the private
 * PostgreSQL server of tests/pgsql/store_pgsql.sh.
 */
#ifndef MFA_PGTEST_H
#define MFA_PGTEST_H

#include <stddef.h>
#include <stdint.h>

/*
 * pgtest_admin - run sql (one or more statements) on the test server as
 * its superuser ($MFA_PG_ADMIN); the first value of the last result
 * into val ("" when none; val may be NULL).  Fails the test on an error.
 */
void pgtest_admin(const char *sql, char *val, size_t valsz);

/* pgtest_mono_ms - milliseconds on CLOCK_MONOTONIC. */
int64_t pgtest_mono_ms(void);

#endif /* MFA_PGTEST_H */
