/*
 * store_open.c - the configured store (see store_open.h).
 */
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
