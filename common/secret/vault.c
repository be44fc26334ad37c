/*
 * vault.c - root-held enrolments in the file store (vault.h).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "secret_io.h"
#include "store_files.h"
#include "text.h"
#include "vault.h"

/* "<state_dir>/.vault" or "<state_dir>/.vault/.pending" into out. */
static int
slot_dir(const struct mfa_vault *v, enum mfa_vault_slot slot, char *out,
    size_t outsz)
{
	int n;

	if (v == NULL || v->state_dir == NULL || v->state_dir[0] != '/')
		return MFA_ERR_INVALID;
	n = snprintf(out, outsz, "%s/%s%s%s", v->state_dir, MFA_VAULT_DIR,
	    slot == MFA_VAULT_PENDING ? "/" : "",
	    slot == MFA_VAULT_PENDING ? MFA_VAULT_PENDING_DIR : "");
	return n > 0 && (size_t)n < outsz ? MFA_OK : MFA_ERR_TOOBIG;
}

int
mfa_vault_path(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, char **path)
{
	char dir[PATH_MAX], name[NAME_MAX + 1];
	int rc, n;

	*path = NULL;
	if (user == NULL)
		return MFA_ERR_INVALID;
	rc = slot_dir(v, slot, dir, sizeof(dir));
	if (rc == MFA_OK)
		rc = mfa_store_filename(user, name, sizeof(name));
	if (rc != MFA_OK)
		return rc == MFA_ERR_BUFSIZE ? MFA_ERR_TOOBIG : rc;
	n = snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/%s", name);
	if (n < 0 || (size_t)n >= sizeof(dir) - (strlen(dir)))
		return MFA_ERR_TOOBIG;
	*path = strdup(dir);
	return *path != NULL ? MFA_OK : MFA_ERR_NOMEM;
}

/* mfa_vault_path, with a reason in why when it fails. */
static int
path_why(const struct mfa_vault *v, const char *user, enum mfa_vault_slot slot,
    char **path, char *why, size_t whysz)
{
	int rc = mfa_vault_path(v, user, slot, path);

	if (rc != MFA_OK)
		mfa_text_why(why, whysz, "no vault file for this name: %s",
		    mfa_strerror(rc));
	return rc;
}

/* One private directory (0700, ours), created when missing. */
static int
make_dir(const char *path, char *why, size_t whysz)
{
	struct mfa_file_error ferr = {""};
	int fd = -1, rc;

	rc = mfa_dir_open_private_as(path, 1, geteuid(), &fd, &ferr);
	if (rc != MFA_OK) {
		mfa_secret_file_why(why, whysz, path, rc, &ferr);
		return rc;
	}
	close(fd);
	return MFA_OK;
}

/* The state directory, the vault, and the pending directory for slot. */
static int
make_dirs(const struct mfa_vault *v, enum mfa_vault_slot slot, char *why,
    size_t whysz)
{
	char dir[PATH_MAX];
	int rc;

	rc = make_dir(v->state_dir, why, whysz);
	if (rc == MFA_OK &&
	    (rc = slot_dir(v, MFA_VAULT_CURRENT, dir, sizeof(dir))) == MFA_OK)
		rc = make_dir(dir, why, whysz);
	if (rc == MFA_OK && slot == MFA_VAULT_PENDING &&
	    (rc = slot_dir(v, slot, dir, sizeof(dir))) == MFA_OK)
		rc = make_dir(dir, why, whysz);
	return rc;
}

int
mfa_vault_load(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, struct mfa_secret **out, char *why, size_t whysz)
{
	char *path = NULL;
	int rc;

	*out = NULL;
	rc = path_why(v, user, slot, &path, why, whysz);
	if (rc != MFA_OK)
		return rc;
	rc = mfa_secret_load_path(path, geteuid(), out, why, whysz);
	free(path);
	return rc;
}

int
mfa_vault_write(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, enum mfa_secret_write_op op,
    const struct mfa_secret *s, char *why, size_t whysz)
{
	struct mfa_secret_target t = {NULL, geteuid(), user, 0};
	char *path = NULL, *text = NULL;
	size_t len = 0;
	int rc;

	rc = path_why(v, user, slot, &path, why, whysz);
	if (rc != MFA_OK)
		return rc;
	if (op == MFA_SECRET_WRITE_REPLACE || op == MFA_SECRET_WRITE_NEW) {
		rc = s == NULL ? MFA_ERR_INVALID
			       : mfa_secret_serialize(s, &text, &len);
		if (rc != MFA_OK)
			mfa_text_why(why, whysz, "cannot build the record: %s",
			    mfa_strerror(rc));
	}
	if (rc == MFA_OK && op != MFA_SECRET_WRITE_REMOVE)
		rc = make_dirs(v, slot, why, whysz);
	if (rc == MFA_OK) {
		t.path = path;
		t.lock_timeout_ms = v->lock_timeout;
		rc = mfa_secret_write(&t, op, text, len, why, whysz);
	}
	if (text != NULL)
		mfa_freezero(text, len);
	free(path);
	return rc;
}

int
mfa_vault_promote(const struct mfa_vault *v, const char *user,
    const unsigned char id[16], char *why, size_t whysz)
{
	struct mfa_secret *s = NULL;
	int rc;

	rc = mfa_vault_load(v, user, MFA_VAULT_PENDING, &s, why, whysz);
	if (rc == MFA_OK && !mfa_ct_equal(s->id, id, sizeof(s->id))) {
		mfa_text_why(
		    why, whysz, "the pending enrolment is another one");
		rc = MFA_ERR_MISMATCH;
	}
	if (rc == MFA_OK)
		rc = mfa_vault_write(v, user, MFA_VAULT_CURRENT,
		    MFA_SECRET_WRITE_REPLACE, s, why, whysz);
	if (rc == MFA_OK)
		rc = mfa_vault_write(v, user, MFA_VAULT_PENDING,
		    MFA_SECRET_WRITE_REMOVE, NULL, why, whysz);
	mfa_secret_free(s);
	return rc;
}

int
mfa_vault_request_parse(
    const char *buf, size_t len, enum mfa_vault_request *out)
{
	size_t hl = strlen(MFA_VAULT_REQUEST_HEADER);
	const char *app = mfa_vault_request_text(MFA_VAULT_REQUEST_APP);
	const char *backup = mfa_vault_request_text(MFA_VAULT_REQUEST_BACKUP);

	*out = MFA_VAULT_REQUEST_NONE;
	if (buf == NULL || len < hl || memcmp(buf, app, hl) != 0)
		return MFA_ERR_FORMAT;
	if (len == strlen(app) && memcmp(buf, app, len) == 0)
		*out = MFA_VAULT_REQUEST_APP;
	else if (len == strlen(backup) && memcmp(buf, backup, len) == 0)
		*out = MFA_VAULT_REQUEST_BACKUP;
	return *out != MFA_VAULT_REQUEST_NONE ? MFA_OK : MFA_ERR_FORMAT;
}

const char *
mfa_vault_request_text(enum mfa_vault_request r)
{
	switch (r) {
	case MFA_VAULT_REQUEST_APP:
		return MFA_VAULT_REQUEST_HEADER "authenticator\n";
	case MFA_VAULT_REQUEST_BACKUP:
		return MFA_VAULT_REQUEST_HEADER "backup-codes\n";
	default:
		return NULL;
	}
}
