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
#include "store.h"
#include "store_files.h"
#include "store_open.h"

int
mfa_store_open_config(const struct mfa_config *cfg, int create,
    struct mfa_store **out, char *why, size_t whysz)
{
	return mfa_store_open(cfg->state_dir, create, out, why, whysz);
}

const char *
mfa_store_config_where(const struct mfa_config *cfg)
{
	return cfg->state_dir;
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
