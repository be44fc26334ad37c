/*
 * store_backend.h - what a backend of store.h provides: the table of its
 * operations, and the entry point of a backend built as a plug-in.
 *
 * A backend's store handle starts with struct mfa_store and its
 * transaction with struct mfa_store_txn (so the generic pointer is the
 * backend's own); store.c forwards each call of store.h to the table.
 * The file backend is built in (store_files.h); the PostgreSQL backend is
 * a plug-in (store_plugin.h) so that hosts that keep files never load
 * libpq.  Every operation keeps the contract of its store.h function.
 */
#ifndef MFA_STORE_BACKEND_H
#define MFA_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "store.h"

/*
 * Bumped whenever this table, struct mfa_state, struct
 * mfa_store_params or the error codes change: a plug-in built for
 * another value is refused, never called.
 */
#define MFA_STORE_ABI 3

struct mfa_store_ops {
	const char *name; /* "files", "postgresql": for messages */
	void (*close)(struct mfa_store *s);
	int (*begin)(struct mfa_store *s, const char *user,
	    unsigned int timeout_ms, struct mfa_state *st,
	    struct mfa_store_txn **txn, char *why, size_t whysz);
	int (*commit)(
	    struct mfa_store_txn *txn, struct mfa_state *st, int64_t now);
	void (*end)(struct mfa_store_txn *txn);
	int (*remove)(
	    struct mfa_store *s, const char *user, unsigned int timeout_ms);
	int (*unlock)(struct mfa_store *s, const char *user,
	    unsigned int timeout_ms, int64_t now, unsigned int *failures,
	    int *dropped, char *why, size_t whysz);
	int (*list)(struct mfa_store *s, mfa_store_visit visit, void *arg,
	    char *why, size_t whysz);
	/* mfa_store_now; NULL: the host's clock is the store's. */
	int64_t (*now)(struct mfa_store_txn *txn, int64_t host_now);
	/* mfa_store_probe; NULL: nothing to report. */
	int (*probe)(struct mfa_store *s, char *info, size_t infosz);
	/* mfa_store_setup; NULL: nothing to set up. */
	int (*setup)(struct mfa_store *s, char *why, size_t whysz);
	/*
	 * mfa_store_vault_load, _write, _promote; all three NULL: the
	 * backend does not hold the vault (the files below the state
	 * directory do, vault.h).
	 */
	int (*vault_load)(struct mfa_store *s, const char *user,
	    enum mfa_store_vault_slot slot, char **text, size_t *len, char *why,
	    size_t whysz);
	int (*vault_write)(struct mfa_store *s, const char *user,
	    enum mfa_store_vault_slot slot, enum mfa_store_vault_op op,
	    const unsigned char *id, const char *text, size_t len,
	    unsigned int timeout_ms, char *why, size_t whysz);
	int (*vault_promote)(struct mfa_store *s, const char *user,
	    const unsigned char *id, unsigned int timeout_ms, char *why,
	    size_t whysz);
};

/*
 * Where a backend sends a line of its own that is no error of the call
 * (a connection made again): the caller's log at priority (LOG_INFO...).
 */
typedef void (*mfa_store_log_fn)(void *arg, int priority, const char *line);

/* The head of every backend's store handle. */
struct mfa_store {
	const struct mfa_store_ops *ops;
	void *plugin; /* dlopen handle, closed after ops->close; or NULL */
	/* Set by mfa_store_set_logger; NULL: such lines are dropped. */
	mfa_store_log_fn log;
	void *log_arg;
};

/* The head of every backend's transaction. */
struct mfa_store_txn {
	struct mfa_store *store;
};

/*
 * What the configuration tells a plug-in backend (pam_mfa.conf(5)):
 * abi is MFA_STORE_ABI as the caller was built; conninfo the path of
 * the root-owned file naming the server (store_conninfo=); timeout_ms
 * the deadline of the whole connection (store_timeout=).
 */
struct mfa_store_params {
	unsigned int abi;
	const char *conninfo;
	unsigned int timeout_ms;
};

/*
 * The one symbol a plug-in exports, by this name: open a store from p
 * (refusing p->abi != MFA_STORE_ABI with MFA_ERR_VERSION), MFA_OK with
 * *out, or an error with a reason for the log in why.
 */
#define MFA_STORE_PLUGIN_ENTRY "mfa_store_plugin_open"
typedef int (*mfa_store_plugin_open_fn)(const struct mfa_store_params *p,
    struct mfa_store **out, char *why, size_t whysz);

#endif /* MFA_STORE_BACKEND_H */
