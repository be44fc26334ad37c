/*
 * store_open.h - open the per-user state store the configuration names
 * (store.h): the one place that knows which backend a site uses.
 */
#ifndef MFA_STORE_OPEN_H
#define MFA_STORE_OPEN_H

#include <stddef.h>

#include "config.h"
#include "store.h"

/*
 * mfa_store_open_config - open the store of cfg: the file backend in
 * cfg->state_dir (store_files.h), created (mode 0700) when create is set
 * and it is missing; or, with store = postgresql, the PostgreSQL backend
 * through its plug-in in cfg->plugin_dir (store_plugin.h), connected to
 * the server cfg->store_conninfo names within cfg->store_timeout.  Hosts
 * that keep files never load the plug-in.  Returns MFA_OK with *out
 * (close with mfa_store_close), MFA_ERR_NOENT when the directory does
 * not exist and create is not set, MFA_ERR_UNAVAILABLE when the plug-in
 * is not installed or the server cannot be reached, or another
 * error (MFA_ERR_UNSAFE...) with a reason for the log in why.
 */
int mfa_store_open_config(const struct mfa_config *cfg, int create,
    struct mfa_store **out, char *why, size_t whysz);

/*
 * mfa_store_config_where - where the configured store lives, for messages
 * and the log (the state directory, or the file naming the database
 * server); never NULL while cfg lives.
 */
const char *mfa_store_config_where(const struct mfa_config *cfg);

/*
 * mfa_store_config_foreign - 1 when the configured store belongs to
 * another account than the effective uid, which then cannot use it (a
 * screen locker running as the user): for files, the state directory, or
 * when missing its parent, is owned by another uid or cannot be examined;
 * for a database, the connection file is not the effective uid's.
 * 0 when the effective uid owns it or could create it.
 */
int mfa_store_config_foreign(const struct mfa_config *cfg);

#endif /* MFA_STORE_OPEN_H */
