/*
 * store_plugin.h - load a store backend built as a plug-in
 * (store_backend.h), only when the configuration asks for it.
 */
#ifndef MFA_STORE_PLUGIN_H
#define MFA_STORE_PLUGIN_H

#include <stddef.h>

#include "store.h"
#include "store_backend.h"

/*
 * mfa_store_plugin_load - open a store through the plug-in
 * "<dir>/pam_mfa_store_<name>.so".  dir must be a directory and the
 * plug-in a regular file (neither a link), owned by root (or the
 * effective uid) and writable by nobody else; the file checked is the
 * file loaded.  Its entry point MFA_STORE_PLUGIN_ENTRY is called with p;
 * on success *out owns the plug-in, unloaded by mfa_store_close.
 * Returns MFA_OK, MFA_ERR_NOENT (not installed), MFA_ERR_UNSAFE,
 * MFA_ERR_VERSION (not a plug-in, or built for another ABI) or the
 * plug-in's error, with a reason for the log in why.
 */
int mfa_store_plugin_load(const char *dir, const char *name,
    const struct mfa_store_params *p, struct mfa_store **out, char *why,
    size_t whysz);

#endif /* MFA_STORE_PLUGIN_H */
