/*
 * store.c - store.h for every backend: each call goes to the table of
 * operations of the store it names (store_backend.h).
 */
#include <dlfcn.h>
#include <stdio.h>

#include "error.h"
#include "log.h"
#include "store.h"
#include "store_backend.h"

void
mfa_store_close(struct mfa_store *s)
{
	void *plugin;

	if (s == NULL)
		return;
	plugin = s->plugin;
	s->ops->close(s);
	if (plugin != NULL)
		dlclose(plugin);
}

/* A backend's own line into the caller's log (mfa_store_log_fn). */
static void
log_line(void *arg, int priority, const char *line)
{
	mfa_log(arg, priority, "%s", line);
}

void
mfa_store_set_logger(struct mfa_store *s, const struct mfa_logger *lg)
{
	s->log = lg != NULL ? log_line : NULL;
	s->log_arg = (void *)lg; /* handed back to log_line only */
}

int
mfa_store_begin(struct mfa_store *s, const char *user, unsigned int timeout_ms,
    struct mfa_state *st, struct mfa_store_txn **txn, char *why, size_t whysz)
{
	*txn = NULL;
	return s->ops->begin(s, user, timeout_ms, st, txn, why, whysz);
}

int
mfa_store_commit(struct mfa_store_txn *txn, struct mfa_state *st, int64_t now)
{
	return txn->store->ops->commit(txn, st, now);
}

void
mfa_store_end(struct mfa_store_txn *txn)
{
	if (txn != NULL)
		txn->store->ops->end(txn);
}

int
mfa_store_read(struct mfa_store *s, const char *user, unsigned int timeout_ms,
    struct mfa_state *st, char *why, size_t whysz)
{
	struct mfa_store_txn *txn = NULL;
	int rc;

	rc = mfa_store_begin(s, user, timeout_ms, st, &txn, why, whysz);
	mfa_store_end(txn);
	return rc;
}

int
mfa_store_remove(struct mfa_store *s, const char *user, unsigned int timeout_ms)
{
	return s->ops->remove(s, user, timeout_ms);
}

int
mfa_store_unlock(struct mfa_store *s, const char *user, unsigned int timeout_ms,
    int64_t now, unsigned int *failures, int *dropped, char *why, size_t whysz)
{
	return s->ops->unlock(
	    s, user, timeout_ms, now, failures, dropped, why, whysz);
}

int
mfa_store_list(struct mfa_store *s, mfa_store_visit visit, void *arg, char *why,
    size_t whysz)
{
	return s->ops->list(s, visit, arg, why, whysz);
}

int64_t
mfa_store_now(struct mfa_store_txn *txn, int64_t host_now)
{
	const struct mfa_store_ops *ops = txn->store->ops;

	return ops->now != NULL ? ops->now(txn, host_now) : host_now;
}

int
mfa_store_probe(struct mfa_store *s, char *info, size_t infosz)
{
	if (s->ops->probe != NULL)
		return s->ops->probe(s, info, infosz);
	snprintf(info, infosz, "%s", s->ops->name);
	return MFA_OK;
}

int
mfa_store_setup(struct mfa_store *s, char *why, size_t whysz)
{
	return s->ops->setup != NULL ? s->ops->setup(s, why, whysz) : MFA_OK;
}

const char *
mfa_store_backend(const struct mfa_store *s)
{
	return s->ops->name;
}

int
mfa_store_has_vault(const struct mfa_store *s)
{
	return s != NULL && s->ops->vault_load != NULL &&
	    s->ops->vault_write != NULL && s->ops->vault_promote != NULL;
}

/* MFA_ERR_INVALID, with why, for a store without a vault of its own. */
static int
no_vault(const struct mfa_store *s, char *why, size_t whysz)
{
	if (whysz > 0)
		snprintf(why, whysz, "the %s store holds no vault",
		    s != NULL ? s->ops->name : "(no)");
	return MFA_ERR_INVALID;
}

int
mfa_store_vault_load(struct mfa_store *s, const char *user,
    enum mfa_store_vault_slot slot, char **text, size_t *len, char *why,
    size_t whysz)
{
	*text = NULL;
	*len = 0;
	if (!mfa_store_has_vault(s))
		return no_vault(s, why, whysz);
	return s->ops->vault_load(s, user, slot, text, len, why, whysz);
}

int
mfa_store_vault_write(struct mfa_store *s, const char *user,
    enum mfa_store_vault_slot slot, enum mfa_store_vault_op op,
    const unsigned char *id, const char *text, size_t len,
    unsigned int timeout_ms, char *why, size_t whysz)
{
	if (!mfa_store_has_vault(s))
		return no_vault(s, why, whysz);
	return s->ops->vault_write(
	    s, user, slot, op, id, text, len, timeout_ms, why, whysz);
}

int
mfa_store_vault_promote(struct mfa_store *s, const char *user,
    const unsigned char *id, unsigned int timeout_ms, char *why, size_t whysz)
{
	if (!mfa_store_has_vault(s))
		return no_vault(s, why, whysz);
	return s->ops->vault_promote(s, user, id, timeout_ms, why, whysz);
}
