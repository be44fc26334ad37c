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
#include "store.h"
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

/* A vault needs the open store: a NULL one is the caller's mistake. */
static int
check_store(const struct mfa_vault *v, char *why, size_t whysz)
{
	if (v != NULL && v->store != NULL)
		return MFA_OK;
	mfa_text_why(why, whysz, "no store for the vault");
	return MFA_ERR_INVALID;
}

/* The file store's vault: the record file of user in slot. */
static int
files_load(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, struct mfa_secret **out, char *why, size_t whysz)
{
	char *path = NULL;
	int rc;

	rc = path_why(v, user, slot, &path, why, whysz);
	if (rc != MFA_OK)
		return rc;
	rc = mfa_secret_load_path(path, geteuid(), out, why, whysz);
	free(path);
	return rc;
}

/* A store that holds the vault: its text of user's record, parsed. */
static int
store_load(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, struct mfa_secret **out, char *why, size_t whysz)
{
	struct mfa_parse_error perr = {0, ""};
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = mfa_store_vault_load(v->store, user,
	    (enum mfa_store_vault_slot)slot, &text, &len, why, whysz);
	if (rc != MFA_OK)
		return rc;
	rc = mfa_secret_parse(text, len, out, &perr);
	if (rc != MFA_OK)
		mfa_text_why(why, whysz, "vault record of %s, line %u: %s",
		    user, perr.line, perr.msg);
	/* The text holds the TOTP key. */
	mfa_freezero(text, len + 1);
	return rc;
}

int
mfa_vault_load(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, struct mfa_secret **out, char *why, size_t whysz)
{
	int rc;

	*out = NULL;
	rc = check_store(v, why, whysz);
	if (rc != MFA_OK)
		return rc;
	if (mfa_store_has_vault(v->store))
		return store_load(v, user, slot, out, why, whysz);
	return files_load(v, user, slot, out, why, whysz);
}

/* The file store's vault: op on the record file of user in slot. */
static int
files_write(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, enum mfa_secret_write_op op, const char *text,
    size_t len, char *why, size_t whysz)
{
	struct mfa_secret_target t = {NULL, geteuid(), user, 0};
	char *path = NULL;
	int rc;

	rc = path_why(v, user, slot, &path, why, whysz);
	if (rc == MFA_OK && op != MFA_SECRET_WRITE_REMOVE)
		rc = make_dirs(v, slot, why, whysz);
	if (rc == MFA_OK) {
		t.path = path;
		t.lock_timeout_ms = v->lock_timeout;
		rc = mfa_secret_write(&t, op, text, len, why, whysz);
	}
	free(path);
	return rc;
}

/* The store's name of op. */
static enum mfa_store_vault_op
store_op(enum mfa_secret_write_op op)
{
	switch (op) {
	case MFA_SECRET_WRITE_REPLACE:
		return MFA_STORE_VAULT_REPLACE;
	case MFA_SECRET_WRITE_NEW:
		return MFA_STORE_VAULT_NEW;
	case MFA_SECRET_WRITE_REMOVE:
		return MFA_STORE_VAULT_REMOVE;
	default:
		return MFA_STORE_VAULT_CLEAR;
	}
}

int
mfa_vault_write(const struct mfa_vault *v, const char *user,
    enum mfa_vault_slot slot, enum mfa_secret_write_op op,
    const struct mfa_secret *s, char *why, size_t whysz)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	rc = check_store(v, why, whysz);
	if (rc == MFA_OK &&
	    (op == MFA_SECRET_WRITE_REPLACE || op == MFA_SECRET_WRITE_NEW)) {
		rc = s == NULL ? MFA_ERR_INVALID
			       : mfa_secret_serialize(s, &text, &len);
		if (rc != MFA_OK)
			mfa_text_why(why, whysz, "cannot build the record: %s",
			    mfa_strerror(rc));
	}
	if (rc == MFA_OK && mfa_store_has_vault(v->store))
		rc = mfa_store_vault_write(v->store, user,
		    (enum mfa_store_vault_slot)slot, store_op(op),
		    s != NULL ? s->id : NULL, text, len, v->lock_timeout, why,
		    whysz);
	else if (rc == MFA_OK)
		rc = files_write(v, user, slot, op, text, len, why, whysz);
	if (text != NULL)
		mfa_freezero(text, len);
	return rc;
}

/* The file store's vault: pending -> current, then the pending removed. */
static int
files_promote(const struct mfa_vault *v, const char *user,
    const unsigned char id[16], char *why, size_t whysz)
{
	struct mfa_secret *s = NULL;
	int rc;

	rc = files_load(v, user, MFA_VAULT_PENDING, &s, why, whysz);
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
mfa_vault_promote(const struct mfa_vault *v, const char *user,
    const unsigned char id[16], char *why, size_t whysz)
{
	int rc = check_store(v, why, whysz);

	if (rc != MFA_OK)
		return rc;
	if (mfa_store_has_vault(v->store))
		return mfa_store_vault_promote(
		    v->store, user, id, v->lock_timeout, why, whysz);
	return files_promote(v, user, id, why, whysz);
}

/* The word of a request kind in the file, NULL for NONE. */
static const char *
request_word(enum mfa_vault_request kind)
{
	switch (kind) {
	case MFA_VAULT_REQUEST_APP:
		return "authenticator";
	case MFA_VAULT_REQUEST_BACKUP:
		return "backup-codes";
	case MFA_VAULT_REQUEST_ADD:
		return "add";
	case MFA_VAULT_REQUEST_REMOVE:
		return "remove";
	default:
		return NULL;
	}
}

/* May a request of kind name an authenticator (1), must it (2)? */
static int
request_named(enum mfa_vault_request kind)
{
	return kind == MFA_VAULT_REQUEST_REMOVE ? 2
	    : kind == MFA_VAULT_REQUEST_ADD     ? 1
						: 0;
}

/* The line after the header, without its '\n' (len bytes, no NUL). */
static int
parse_line(const char *line, size_t len, struct mfa_vault_req *out)
{
	int k;
	const char *word, *sp = memchr(line, ' ', len);
	size_t wlen = sp != NULL ? (size_t)(sp - line) : len;
	size_t nlen = sp != NULL ? len - wlen - 1 : 0;

	if (memchr(line, '\0', len) != NULL || nlen > MFA_SECRET_NAME_MAX)
		return MFA_ERR_FORMAT;
	for (k = MFA_VAULT_REQUEST_APP; k <= MFA_VAULT_REQUEST_REMOVE; k++) {
		word = request_word((enum mfa_vault_request)k);
		if (strlen(word) == wlen && memcmp(line, word, wlen) == 0)
			break;
	}
	if (k > MFA_VAULT_REQUEST_REMOVE ||
	    request_named((enum mfa_vault_request)k) == (sp == NULL ? 2 : 0))
		return MFA_ERR_FORMAT;
	memcpy(out->name, line + len - nlen, nlen);
	out->name[nlen] = '\0';
	if (sp != NULL && mfa_secret_name_check(out->name) != MFA_OK)
		return MFA_ERR_FORMAT;
	out->kind = (enum mfa_vault_request)k;
	return MFA_OK;
}

int
mfa_vault_request_parse(const char *buf, size_t len, struct mfa_vault_req *out)
{
	size_t hl = strlen(MFA_VAULT_REQUEST_HEADER);
	const char *line = buf + hl;
	int rc = MFA_ERR_FORMAT;

	memset(out, 0, sizeof(*out));
	/* The header, then one line: a '\n' at the end and nowhere else. */
	if (buf != NULL && len > hl + 1 &&
	    memcmp(buf, MFA_VAULT_REQUEST_HEADER, hl) == 0 &&
	    buf[len - 1] == '\n' && memchr(line, '\n', len - hl - 1) == NULL)
		rc = parse_line(line, len - hl - 1, out);
	if (rc != MFA_OK)
		memset(out, 0, sizeof(*out));
	return rc;
}

int
mfa_vault_request_format(const struct mfa_vault_req *r, char *out, size_t outsz)
{
	const char *word = request_word(r->kind);
	int named = r->name[0] != '\0', n;

	if (word == NULL || (named && request_named(r->kind) == 0) ||
	    (!named && request_named(r->kind) == 2) ||
	    (named && mfa_secret_name_check(r->name) != MFA_OK))
		return MFA_ERR_FORMAT;
	n = snprintf(out, outsz, "%s%s%s%s\n", MFA_VAULT_REQUEST_HEADER, word,
	    named ? " " : "", r->name);
	return n > 0 && (size_t)n < outsz ? MFA_OK : MFA_ERR_TOOBIG;
}
