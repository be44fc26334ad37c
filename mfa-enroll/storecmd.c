/*
 * storecmd.c - "mfa-enroll store": set up the configured store (init) and
 * copy a file store into it (import), so that a site moves to another
 * store without anybody enrolling again.
 *
 * Both go through store.h only (never a file name, a lock or a tally of
 * the configured store), so that they work unchanged on every backend.
 * The one thing known of files is the source of an import: a state
 * directory, opened with the file backend's safety checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "error.h"
#include "mem.h"
#include "state.h"
#include "store.h"
#include "store_files.h"
#include "store_open.h"

static const char store_usage[] =
    "usage: mfa-enroll store init           (root only)\n"
    "       mfa-enroll store import [DIR]   (root only)\n"
    "\n"
    "The module's per-user state lives in the store that pam_mfa.conf\n"
    "names (files in state_dir by default).\n"
    "  init          make the configured store ready to hold records\n"
    "                (create or upgrade what it needs); running it again\n"
    "                changes nothing\n"
    "  import [DIR]  copy every user's record of the file store DIR\n"
    "                (default: state_dir) into the configured store, so\n"
    "                that nobody enrols again.  A user the store has no\n"
    "                record of is copied; one it has the same record of is\n"
    "                unchanged; one it has another record of keeps the\n"
    "                store's (newer state, such as a used code, is never\n"
    "                overwritten); a record of DIR that does not parse is\n"
    "                reported and not copied.  Running it again copies\n"
    "                nothing twice.  DIR must be root's and not writable\n"
    "                by others; keep logins from writing it meanwhile.\n"
    "\n"
    "Exit status: 0 done, 1 failed (a record unreadable or not copied, an\n"
    "error, not root), 2 usage.\n";

/* What import did with one user. */
enum import_outcome { IMPORTED, UNCHANGED, KEPT };

/* One run of import. */
struct import_run {
	const struct mfa_cli *c;
	struct mfa_store *target;
	const char *from; /* DIR as given */
	unsigned int imported, unchanged, kept, unreadable, errors;
};

/* "store init": the configured store, created and set up. */
static int
store_init(const struct mfa_cli *c)
{
	struct mfa_store *s = NULL;
	char why[256] = "";
	int rc;

	rc = mfa_store_open_config(&c->cfg, 1, &s, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_store_setup(s, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "store %s: %s", mfa_store_config_where(&c->cfg),
		    why[0] != '\0' ? why : mfa_strerror(rc));
		mfa_store_close(s);
		return MFA_EXIT_FAIL;
	}
	printf("The %s store at %s is ready.\n", mfa_store_backend(s),
	    mfa_store_config_where(&c->cfg));
	mfa_store_close(s);
	return MFA_EXIT_OK;
}

/*
 * The text of st as a store would keep it at now, without its serial (a
 * count of writes, which differs between two stores holding the same
 * state): two records are the same state when their texts are equal.
 * The caller frees *text with mfa_strfree.
 */
static int
record_text(const struct mfa_state *st, int64_t now, char **text, size_t *len)
{
	struct mfa_state *copy = malloc(sizeof(*copy));
	int rc;

	*text = NULL;
	if (copy == NULL)
		return MFA_ERR_NOMEM;
	*copy = *st;
	copy->serial = 0;
	mfa_state_prune(copy, now);
	rc = mfa_state_serialize(copy, text, len);
	mfa_state_wipe(copy);
	free(copy);
	return rc;
}

/* *same = 1 when a and b hold the same state at now (record_text). */
static int
same_record(const struct mfa_state *a, const struct mfa_state *b, int64_t now,
    int *same)
{
	char *ta = NULL, *tb = NULL;
	size_t la = 0, lb = 0;
	int rc;

	rc = record_text(a, now, &ta, &la);
	if (rc == MFA_OK)
		rc = record_text(b, now, &tb, &lb);
	*same = rc == MFA_OK && la == lb && memcmp(ta, tb, la) == 0;
	mfa_strfree(ta);
	mfa_strfree(tb);
	return rc;
}

/*
 * Copy src as user's record into the target, unless the target already
 * has a record of user (the same one: UNCHANGED; another: KEPT).  All
 * under the target's lock of user, so no login changes it meanwhile.
 */
static int
copy_record(struct import_run *r, const char *user, const struct mfa_state *src,
    enum import_outcome *out, char *why, size_t whysz)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state *cur = malloc(sizeof(*cur)), *none = NULL;
	int rc, same = 0, empty = 0;
	uint64_t serial;
	int64_t now;

	if (cur == NULL || (none = malloc(sizeof(*none))) == NULL) {
		free(cur);
		return MFA_ERR_NOMEM;
	}
	mfa_state_init(none);
	rc = mfa_store_begin(
	    r->target, user, r->c->cfg.lock_timeout, cur, &txn, why, whysz);
	if (rc != MFA_OK)
		goto out;
	now = mfa_store_now(txn, mfa_cli_now());
	rc = same_record(cur, src, now, &same);
	/* No record and an empty one are the same state: nothing there. */
	if (rc == MFA_OK && !same)
		rc = same_record(cur, none, now, &empty);
	if (rc != MFA_OK || same || !empty) {
		*out = same ? UNCHANGED : KEPT;
		goto out;
	}
	serial = cur->serial; /* the store's own count of writes */
	*cur = *src;
	cur->serial = serial;
	rc = mfa_store_commit(txn, cur, now);
	*out = IMPORTED;
out:
	mfa_store_end(txn);
	mfa_state_wipe(cur);
	free(cur);
	free(none);
	return rc;
}

/* A record of DIR that does not parse: reported, nothing copied. */
static void
report_unreadable(
    struct import_run *r, const char *user, const struct mfa_store_entry *e)
{
	char line[32] = "";

	r->unreadable++;
	if (e->line > 0)
		snprintf(line, sizeof(line), "line %u: ", e->line);
	printf("%s: not imported: its %s in %s does not parse (%s%s); fix "
	       "or remove it there, then import again\n",
	    user, e->part, r->from, line,
	    e->why[0] != '\0' ? e->why : mfa_strerror(e->rc));
}

/* One user of DIR (mfa_store_list): copied, unchanged, kept or not. */
static int
import_user(void *arg, const struct mfa_store_entry *e)
{
	struct import_run *r = arg;
	enum import_outcome outcome = KEPT;
	char user[256], why[256] = "";
	int rc;

	mfa_cli_printable(e->user, user, sizeof(user));
	if (e->rc != MFA_OK) {
		report_unreadable(r, user, e);
		return 0;
	}
	rc = copy_record(r, e->user, e->st, &outcome, why, sizeof(why));
	if (rc != MFA_OK) {
		r->errors++;
		printf("%s: not imported: %s\n", user,
		    why[0] != '\0' ? why : mfa_strerror(rc));
	} else if (outcome == IMPORTED) {
		r->imported++;
		printf("%s: imported\n", user);
	} else if (outcome == UNCHANGED) {
		r->unchanged++;
		printf("%s: unchanged (the store has the same record)\n", user);
	} else {
		r->kept++;
		printf("%s: kept the store's own record, which differs from "
		       "the one in %s (newer state is never overwritten)\n",
		    user, r->from);
	}
	return 0;
}

/* 1 when dir is the directory the configured store lives in. */
static int
is_configured_dir(const struct mfa_cli *c, const char *dir)
{
	char *a = realpath(dir, NULL);
	char *b = realpath(mfa_store_config_where(&c->cfg), NULL);
	struct stat st;
	int same = a != NULL && b != NULL && strcmp(a, b) == 0 &&
	    stat(a, &st) == 0 && S_ISDIR(st.st_mode);

	free(a);
	free(b);
	return same;
}

/* List DIR into the open target; the summary line and the exit status. */
static int
import_all(struct import_run *r, struct mfa_store *src)
{
	char why[256] = "";
	int rc;

	rc = mfa_store_list(src, import_user, r, why, sizeof(why));
	if (rc != MFA_OK) {
		r->errors++;
		mfa_cli_err(r->c, "cannot list %s: %s", r->from,
		    why[0] != '\0' ? why : mfa_strerror(rc));
	}
	printf("%u imported, %u unchanged, %u kept, %u unreadable\n",
	    r->imported, r->unchanged, r->kept, r->unreadable);
	return r->unreadable > 0 || r->errors > 0 ? MFA_EXIT_FAIL : MFA_EXIT_OK;
}

/* "store import [DIR]". */
static int
store_import(const struct mfa_cli *c, const char *dir)
{
	struct import_run r = {c, NULL, dir, 0, 0, 0, 0, 0};
	struct mfa_store *src = NULL;
	char why[256] = "";
	int rc, ex = MFA_EXIT_FAIL;

	if (is_configured_dir(c, dir)) {
		printf(
		    "%s is the configured store itself: nothing to import.\n",
		    dir);
		return MFA_EXIT_OK;
	}
	rc = mfa_store_open(dir, 0, &src, why, sizeof(why));
	if (rc != MFA_OK) {
		mfa_cli_err(c, "file store %s: %s", dir,
		    why[0] != '\0' ? why : mfa_strerror(rc));
		return MFA_EXIT_FAIL;
	}
	rc = mfa_store_open_config(&c->cfg, 1, &r.target, why, sizeof(why));
	if (rc != MFA_OK)
		mfa_cli_err(c, "store %s: %s", mfa_store_config_where(&c->cfg),
		    why[0] != '\0' ? why : mfa_strerror(rc));
	else
		ex = import_all(&r, src);
	mfa_store_close(r.target);
	mfa_store_close(src);
	return ex;
}

int
mfa_storecmd_run(struct mfa_cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	int init;

	if (mfa_cli_want_help(argc, argv)) {
		fputs(store_usage, stdout);
		return MFA_EXIT_OK;
	}
	if (!((strcmp(sub, "init") == 0 && argc == 2) ||
		(strcmp(sub, "import") == 0 && argc <= 3 &&
		    (argc < 3 || argv[2][0] != '-')))) {
		fputs(store_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	if (c->admin) {
		mfa_cli_err(c,
		    "store acts on every user: --user does not "
		    "apply");
		return MFA_EXIT_USAGE;
	}
	init = strcmp(sub, "init") == 0;
	if (!mfa_admin_need_root(c, init ? "store init" : "store import"))
		return MFA_EXIT_FAIL; /* not a usage error: exit 1 */
	if (init)
		return store_init(c);
	return store_import(c, argc == 3 ? argv[2] : c->cfg.state_dir);
}
