/*
 * userfile.c - the user's files, read and written with the user's identity.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "secret_io.h"
#include "secret_write.h"
#include "userfile.h"
#include "vault.h"

/* Back to root.  Failing to get back is not survivable: stop at once. */
static void
become_root(const struct mfa_cli *c)
{
	if (!c->admin)
		return;
	if (seteuid(0) != 0 || setegid(0) != 0 ||
	    setgroups((size_t)c->own_ngroups, c->own_groups) != 0) {
		fputs("mfa-enroll: cannot switch back to root\n", stderr);
		abort();
	}
}

/*
 * Switch the effective ids to the user's when root acts for them, so that
 * the kernel's permission checks are the user's own and every file created
 * is theirs.  Order matters: groups and gid first, while we still may.
 * On failure why says so and we are root again.
 */
static int
become_user(const struct mfa_cli *c, char *why, size_t whysz)
{
	int e;

	if (!c->admin)
		return MFA_OK;
	if (setgroups((size_t)c->ngroups, c->groups) == 0 &&
	    setegid(c->gid) == 0 && seteuid(c->uid) == 0)
		return MFA_OK;
	e = errno;
	become_root(c); /* never go on with a mixed identity */
	snprintf(why, whysz, "cannot switch to %s's identity", c->user);
	return mfa_err_from_errno(e);
}

int
mfa_userfile_path(const struct mfa_cli *c, char **path, char *why, size_t whysz)
{
	int rc;

	rc = mfa_config_expand_path(c->cfg.secret, c->user, c->home, path);
	if (rc != MFA_OK)
		snprintf(why, whysz,
		    "secret = %s does not give a safe absolute path for this "
		    "user: %s",
		    c->cfg.secret, mfa_strerror(rc));
	return rc;
}

int
mfa_userfile_read(const struct mfa_cli *c, const char *path, size_t max,
    char **buf, size_t *len, char *why, size_t whysz)
{
	struct mfa_file_rules rules = {.owner = c->uid, .max_size = max};
	struct mfa_file_error ferr = {""};
	int fd = -1, rc;

	*buf = NULL;
	*len = 0;
	if ((rc = become_user(c, why, whysz)) != MFA_OK)
		return rc;
	rc = mfa_file_open_read(path, &rules, &fd, &ferr);
	if (rc == MFA_OK) {
		rc = mfa_file_read_all(fd, max, buf, len);
		close(fd);
	}
	become_root(c);
	if (rc != MFA_OK)
		mfa_secret_file_why(why, whysz, path, rc, &ferr);
	return rc;
}

/*
 * secrets = vault: the record is root's (vault.h), and only root acts on
 * it, with root's own identity; the user is refused (MFA_ERR_DENIED).
 */
static int
in_vault(const struct mfa_cli *c, struct mfa_vault *v, char *why, size_t whysz)
{
	if (c->cfg.secrets != MFA_SECRETS_VAULT)
		return 0;
	v->state_dir = c->cfg.state_dir;
	v->lock_timeout = c->cfg.lock_timeout;
	if (!c->is_root)
		snprintf(why, whysz,
		    "enrolments on this host are held by root (secrets = "
		    "vault): ask your administrator");
	return 1;
}

int
mfa_userfile_load(
    const struct mfa_cli *c, struct mfa_secret **out, char *why, size_t whysz)
{
	struct mfa_vault v;

	*out = NULL;
	if (!in_vault(c, &v, why, whysz))
		return mfa_userfile_load_home(c, out, why, whysz);
	return c->is_root
	    ? mfa_vault_load(&v, c->user, MFA_VAULT_CURRENT, out, why, whysz)
	    : MFA_ERR_DENIED;
}

int
mfa_userfile_load_home(
    const struct mfa_cli *c, struct mfa_secret **out, char *why, size_t whysz)
{
	char *path = NULL;
	int rc;

	*out = NULL;
	rc = mfa_userfile_path(c, &path, why, whysz);
	if (rc == MFA_OK && (rc = become_user(c, why, whysz)) == MFA_OK) {
		rc = mfa_secret_load_path(path, c->uid, out, why, whysz);
		become_root(c);
	}
	free(path);
	return rc;
}

/*
 * mfa_secret_write on the user's enrolment file, with the user's identity
 * (see become_user): every file it creates is theirs.
 */
static int
as_user(const struct mfa_cli *c, enum mfa_secret_write_op op, const char *text,
    size_t len, char *why, size_t whysz)
{
	struct mfa_secret_target t = {
	    NULL, c->uid, c->user, c->cfg.lock_timeout};
	char *path = NULL;
	int rc;

	if ((rc = become_user(c, why, whysz)) != MFA_OK)
		return rc;
	rc = mfa_userfile_path(c, &path, why, whysz);
	if (rc == MFA_OK) {
		t.path = path;
		rc = mfa_secret_write(&t, op, text, len, why, whysz);
	}
	become_root(c);
	free(path);
	return rc;
}

/* op on the vault's record of c's user, as root; the user is refused. */
static int
in_vault_write(const struct mfa_cli *c, enum mfa_secret_write_op op,
    const struct mfa_secret *s, char *why, size_t whysz)
{
	struct mfa_vault v;

	if (!in_vault(c, &v, why, whysz))
		return MFA_ERR_NOENT; /* not vault mode: the home file */
	if (!c->is_root)
		return MFA_ERR_DENIED;
	/* A renewal abandoned at a login goes with the enrolment. */
	if (op == MFA_SECRET_WRITE_REMOVE)
		mfa_vault_write(
		    &v, c->user, MFA_VAULT_PENDING, op, NULL, NULL, 0);
	return mfa_vault_write(
	    &v, c->user, MFA_VAULT_CURRENT, op, s, why, whysz);
}

int
mfa_userfile_check(const struct mfa_cli *c, char *why, size_t whysz)
{
	if (c->cfg.secrets == MFA_SECRETS_VAULT)
		return in_vault_write(
		    c, MFA_SECRET_WRITE_CLEAR, NULL, why, whysz);
	return as_user(c, MFA_SECRET_WRITE_CLEAR, NULL, 0, why, whysz);
}

int
mfa_userfile_write(const struct mfa_cli *c, const struct mfa_secret *s,
    char *why, size_t whysz)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (c->cfg.secrets == MFA_SECRETS_VAULT)
		return in_vault_write(
		    c, MFA_SECRET_WRITE_REPLACE, s, why, whysz);
	rc = mfa_secret_serialize(s, &text, &len);
	if (rc != MFA_OK) {
		snprintf(
		    why, whysz, "cannot build the file: %s", mfa_strerror(rc));
		return rc;
	}
	rc = as_user(c, MFA_SECRET_WRITE_REPLACE, text, len, why, whysz);
	mfa_freezero(text, len);
	return rc;
}

int
mfa_userfile_remove(const struct mfa_cli *c, char *why, size_t whysz)
{
	if (c->cfg.secrets == MFA_SECRETS_VAULT)
		return in_vault_write(
		    c, MFA_SECRET_WRITE_REMOVE, NULL, why, whysz);
	return as_user(c, MFA_SECRET_WRITE_REMOVE, NULL, 0, why, whysz);
}
