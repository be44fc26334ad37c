/*
 * store_pgsql.h - the PostgreSQL store plug-in (pgsql/README.md).
 */
#ifndef MFA_STORE_PGSQL_H
#define MFA_STORE_PGSQL_H

#include <stddef.h>

#include "store_backend.h"

/*
 * mfa_store_plugin_open - the plug-in's entry point (store_backend.h,
 * MFA_STORE_PLUGIN_ENTRY): connect to the server named by the connection
 * file p->conninfo within p->timeout_ms (conn.h) and return the store in
 * *out, which mfa_store_close releases (closing the connection).  The
 * schema version is checked by the first operation that reads or writes
 * records (MFA_ERR_VERSION: run mfa-enroll store init), so that setup
 * works on a database without it.  Returns MFA_OK, MFA_ERR_VERSION
 * (p->abi is not MFA_STORE_ABI), an error of pgc_connect, or
 * MFA_ERR_NOMEM, with the cause in why.
 */
int mfa_store_plugin_open(const struct mfa_store_params *p,
    struct mfa_store **out, char *why, size_t whysz);

#endif /* MFA_STORE_PGSQL_H */
