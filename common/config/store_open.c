/*
 * store_open.c - the configured store (see store_open.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "store.h"
#include "store_backend.h"
#include "store_files.h"
#include "store_open.h"
#include "store_plugin.h"

/* The PostgreSQL backend, through its plug-in: what it needs, or why. */
static int
open_postgresql(const struct mfa_config *cfg, struct mfa_store **out, char *why,
    size_t whysz)
{
	const struct mfa_store_params p = {
	    MFA_STORE_ABI, cfg->store_conninfo, cfg->store_timeout};
	char inner[512] = "";
	int rc;

	rc = mfa_store_plugin_load(
	    cfg->plugin_dir, "pgsql", &p, out, inner, sizeof(inner));
	/* Not "no store yet": callers take NOENT for an empty store. */
	if (rc == MFA_ERR_NOENT) {
		snprintf(why, whysz,
		    "store = postgresql needs the PostgreSQL plug-in "
		    "(Debian package libpam-mfa-pgsql): %s",
		    inner);
		return MFA_ERR_UNAVAILABLE;
	}
	snprintf(why, whysz, "%s", inner);
	return rc;
}

int
mfa_store_open_config(const struct mfa_config *cfg, int create,
    struct mfa_store **out, char *why, size_t whysz)
{
	if (cfg->store == MFA_STORE_POSTGRESQL)
		return open_postgresql(cfg, out, why, whysz);
	return mfa_store_open(cfg->state_dir, create, out, why, whysz);
}

const char *
mfa_store_config_where(const struct mfa_config *cfg)
{
	return cfg->store == MFA_STORE_POSTGRESQL ? cfg->store_conninfo
						  : cfg->state_dir;
}

/* Is path owned by uid?  0 when it cannot be examined. */
static int
owned_by(const char *path, uid_t uid)
{
	struct stat st;

	return lstat(path, &st) == 0 && st.st_uid == uid;
}

int
mfa_store_config_foreign(const struct mfa_config *cfg)
{
	const char *dir = cfg->state_dir;
	char parent[PATH_MAX];
	const char *slash;
	uid_t me = geteuid();
	struct stat st;

	/* The connection file is the store's key: whoever cannot own it
	 * cannot use the store. */
	if (cfg->store == MFA_STORE_POSTGRESQL)
		return !owned_by(cfg->store_conninfo, me);
	if (lstat(dir, &st) == 0)
		return st.st_uid != me;
	if (errno != ENOENT) /* EACCES: a root-only directory above it */
		return 1;
	slash = strrchr(dir, '/'); /* state_dir= is absolute */
	if (slash == NULL || (size_t)(slash - dir) >= sizeof(parent))
		return 1;
	/* Missing: the store would create it, which only its owner can. */
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - dir), dir);
	return !owned_by(slash == dir ? "/" : parent, me);
}
