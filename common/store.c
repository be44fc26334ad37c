/*
 * store.c - per-user state in a root-owned directory (see store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "store.h"

#define MFA_STORE_NAME_MAX 256

struct mfa_store {
	int dirfd;
	uid_t owner;
};

struct mfa_store_txn {
	struct mfa_store *store;
	int lockfd;
	char name[MFA_STORE_NAME_MAX];
};

static int
safe_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int
mfa_store_filename(const char *user, char *out, size_t outsz)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	const unsigned char *p;

	if (user == NULL || *user == '\0')
		return MFA_ERR_INVALID;
	for (p = (const unsigned char *)user; *p != '\0'; p++) {
		int plain = safe_char(*p) &&
		    !(p == (const unsigned char *)user && *p == '.');

		if (n + (plain ? 1 : 3) + 1 > outsz)
			return MFA_ERR_BUFSIZE;
		if (plain) {
			out[n++] = (char)*p;
			continue;
		}
		out[n++] = '%';
		out[n++] = hex[*p >> 4];
		out[n++] = hex[*p & 15];
	}
	out[n] = '\0';
	return MFA_OK;
}

int
mfa_store_open(const char *dir, int create, struct mfa_store **out, char *why,
    size_t whysz)
{
	struct mfa_file_error ferr = {""};
	struct mfa_store *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return MFA_ERR_NOMEM;
	/* Root in production; the tests' own uid when they run unprivileged. */
	s->owner = geteuid();
	rc = mfa_dir_open_private_as(dir, create, s->owner, &s->dirfd, &ferr);
	if (rc != MFA_OK) {
		snprintf(why, whysz, "state directory: %s",
		    ferr.why[0] != '\0' ? ferr.why : mfa_strerror(rc));
		free(s);
		return rc;
	}
	*out = s;
	return MFA_OK;
}

void
mfa_store_close(struct mfa_store *s)
{
	if (s == NULL)
		return;
	close(s->dirfd);
	free(s);
}

/* Read and parse the record of an open transaction (missing = empty). */
static int
load(struct mfa_store_txn *t, struct mfa_state *st, char *why, size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = t->store->owner, .max_size = MFA_STATE_MAX_SIZE};
	struct mfa_file_error ferr = {""};
	struct mfa_parse_error perr = {0, ""};
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	mfa_state_init(st);
	rc = mfa_file_openat_read(t->store->dirfd, t->name, &rules, &fd, &ferr);
	if (rc == MFA_ERR_NOENT)
		return MFA_OK;
	if (rc != MFA_OK) {
		snprintf(why, whysz, "%s", ferr.why);
		return rc;
	}
	rc = mfa_file_read_all(fd, MFA_STATE_MAX_SIZE, &buf, &len);
	close(fd);
	if (rc == MFA_OK) {
		rc = mfa_state_parse(buf, len, st, &perr);
		if (rc != MFA_OK)
			snprintf(why, whysz, "state file %s line %u: %s",
			    t->name, perr.line, perr.msg);
		mfa_freezero(buf, len + 1);
	} else {
		snprintf(
		    why, whysz, "state file %s: %s", t->name, mfa_strerror(rc));
	}
	return rc;
}

/* Lock user's record; the transaction, or an error with why. */
static int
lock_user(struct mfa_store *s, const char *user, unsigned int timeout_ms,
    struct mfa_store_txn **out, char *why, size_t whysz)
{
	char lockname[MFA_STORE_NAME_MAX + 8];
	struct mfa_store_txn *t;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return MFA_ERR_NOMEM;
	t->store = s;
	t->lockfd = -1;
	rc = mfa_store_filename(user, t->name, sizeof(t->name));
	if (rc == MFA_OK) {
		/* Data names never start with '.', so ".NAME.lock" is free. */
		snprintf(lockname, sizeof(lockname), ".%s.lock", t->name);
		rc = mfa_lock_acquire(
		    s->dirfd, lockname, timeout_ms, &t->lockfd);
	}
	if (rc != MFA_OK) {
		snprintf(why, whysz, "lock %s: %s",
		    t->name[0] != '\0' ? t->name : "(bad user name)",
		    mfa_strerror(rc));
		free(t);
		return rc;
	}
	*out = t;
	return MFA_OK;
}

int
mfa_store_begin(struct mfa_store *s, const char *user, unsigned int timeout_ms,
    struct mfa_state *st, struct mfa_store_txn **txn, char *why, size_t whysz)
{
	int rc;

	rc = lock_user(s, user, timeout_ms, txn, why, whysz);
	if (rc != MFA_OK)
		return rc;
	rc = load(*txn, st, why, whysz);
	if (rc != MFA_OK) {
		mfa_store_end(*txn);
		*txn = NULL;
		mfa_state_wipe(st);
	}
	return rc;
}

int
mfa_store_commit(struct mfa_store_txn *txn, struct mfa_state *st, int64_t now)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	mfa_state_prune(st, now);
	rc = mfa_state_serialize(st, &text, &len);
	if (rc != MFA_OK)
		return rc;
	rc = mfa_file_replace(txn->store->dirfd, txn->name, text, len, 0600,
	    (uid_t)-1, (gid_t)-1);
	mfa_freezero(text, len);
	return rc;
}

void
mfa_store_end(struct mfa_store_txn *txn)
{
	if (txn == NULL)
		return;
	mfa_lock_release(txn->lockfd);
	free(txn);
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
	struct mfa_store_txn *txn = NULL;
	char why[256];
	int rc;

	rc = lock_user(s, user, timeout_ms, &txn, why, sizeof(why));
	if (rc != MFA_OK)
		return rc;
	rc = mfa_file_remove(s->dirfd, txn->name);
	mfa_store_end(txn);
	return rc;
}
