/*
 * storevault.c - the vault's part of "mfa-enroll store import" (storevault.h).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "mem.h"
#include "secretfile.h"
#include "store_files.h"
#include "storevault.h"
#include "vault.h"

/* What happened to one user's record. */
enum vault_outcome { V_IMPORTED, V_UNCHANGED, V_KEPT };

/* One run: where from and where to. */
struct vault_run {
	const struct mfa_cli *c;
	const char *dir;
	struct mfa_vault from, to;
	struct mfa_storevault_counts *n;
};

/* *same = 1 when a and b serialize to the same text. */
static int
same_secret(const struct mfa_secret *a, const struct mfa_secret *b, int *same)
{
	char *ta = NULL, *tb = NULL;
	size_t la = 0, lb = 0;
	int rc;

	rc = mfa_secret_serialize(a, &ta, &la);
	if (rc == MFA_OK)
		rc = mfa_secret_serialize(b, &tb, &lb);
	*same = rc == MFA_OK && la == lb && mfa_ct_equal(ta, tb, la);
	if (ta != NULL)
		mfa_freezero(ta, la);
	if (tb != NULL)
		mfa_freezero(tb, lb);
	return rc;
}

/* Copy src as user's record unless the target has one (same or other). */
static int
copy_one(struct vault_run *r, const char *user, const struct mfa_secret *src,
    enum vault_outcome *out, char *why, size_t whysz)
{
	struct mfa_secret *cur = NULL;
	int rc, same = 0;

	rc = mfa_vault_load(&r->to, user, MFA_VAULT_CURRENT, &cur, why, whysz);
	if (rc == MFA_ERR_NOENT) {
		/* NEW: one written meanwhile (a login, an admin) stays. */
		rc = mfa_vault_write(&r->to, user, MFA_VAULT_CURRENT,
		    MFA_SECRET_WRITE_NEW, src, why, whysz);
		*out = V_IMPORTED;
		if (rc == MFA_ERR_DENIED) {
			rc = MFA_OK;
			*out = V_KEPT;
		}
		return rc;
	}
	if (rc == MFA_OK)
		rc = same_secret(cur, src, &same);
	*out = same ? V_UNCHANGED : V_KEPT;
	mfa_secret_free(cur);
	return rc;
}

/* One file of DIR/.vault: read, copied, and the line saying so. */
static void
import_one(struct vault_run *r, const char *file)
{
	enum vault_outcome out = V_KEPT;
	struct mfa_secret *s = NULL;
	char user[256], shown[256], why[512] = "";
	int rc;

	mfa_store_username(file, user, sizeof(user));
	mfa_cli_printable(user, shown, sizeof(shown));
	rc = mfa_vault_load(
	    &r->from, user, MFA_VAULT_CURRENT, &s, why, sizeof(why));
	if (rc != MFA_OK) {
		r->n->unreadable++;
		printf("%s: vault record not imported: %s; fix or remove it "
		       "there, then import again\n",
		    shown, why[0] != '\0' ? why : mfa_strerror(rc));
		return;
	}
	rc = copy_one(r, user, s, &out, why, sizeof(why));
	mfa_secret_free(s);
	if (rc != MFA_OK) {
		r->n->errors++;
		printf("%s: vault record not imported: %s\n", shown,
		    why[0] != '\0' ? why : mfa_strerror(rc));
	} else if (out == V_IMPORTED) {
		r->n->imported++;
		printf("%s: vault record imported\n", shown);
	} else if (out == V_UNCHANGED) {
		r->n->unchanged++;
		printf("%s: vault record unchanged (the store has the same "
		       "one)\n",
		    shown);
	} else {
		r->n->kept++;
		printf("%s: kept the store's own vault record, which differs "
		       "from the one in %s\n",
		    shown, r->dir);
	}
}

/* Every record file of DIR/.vault, in the order of their names. */
static int
import_dir(struct vault_run *r, const char *path)
{
	struct dirent **names = NULL;
	int i, count;

	count = scandir(path, &names, NULL, alphasort);
	if (count < 0)
		return 0; /* no vault (or none readable: the loads say why) */
	for (i = 0; i < count; i++) {
		/* ".pending", ".NAME.lock", ".NAME.new": not records. */
		if (names[i]->d_name[0] != '.')
			import_one(r, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return 1;
}

int
mfa_storevault_import(const struct mfa_cli *c, const char *dir,
    struct mfa_store *src, struct mfa_store *target,
    struct mfa_storevault_counts *n)
{
	struct vault_run r = {c, dir, {src, NULL, c->cfg.lock_timeout},
	    {target, c->cfg.state_dir, c->cfg.lock_timeout}, n};
	char path[PATH_MAX], *abs = realpath(dir, NULL);
	int len, found = 0;

	memset(n, 0, sizeof(*n));
	if (abs == NULL) /* the state import has said why */
		return 0;
	r.from.state_dir = abs; /* the vault's file paths are absolute */
	len = snprintf(path, sizeof(path), "%s/%s", abs, MFA_VAULT_DIR);
	if (len > 0 && (size_t)len < sizeof(path))
		found = import_dir(&r, path);
	if (found)
		printf("vault: %u imported, %u unchanged, %u kept, %u "
		       "unreadable\n",
		    n->imported, n->unchanged, n->kept, n->unreadable);
	free(abs);
	return found;
}
