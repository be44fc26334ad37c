/*
 * store_files.c - per-user state in a root-owned directory: the file
 * backend of store.h (see store_files.h; the record file's layout is
 * slots.h's).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "random.h"
#include "store.h"
#include "slots.h"
#include "store_backend.h"
#include "store_files.h"
#include "tally.h"
#include "text.h"

#define MFA_STORE_NAME_MAX 256
/* The largest record file: two of the largest slots and the tally. */
#define RECORD_MAX (2 * MFA_SLOTS_MAX_SLOT + MFA_TALLY_SEALED_LEN)

/* A file store: the generic handle first (store_backend.h). */
struct fstore {
	struct mfa_store head;
	int dirfd;
	uid_t owner;
	int inspect; /* mfa_store_open_inspect: listing only */
	char boot[MFA_SLOTS_BOOT_LEN + 1]; /* this boot's id (slots.h) */
};

struct ftxn {
	struct mfa_store_txn head;
	struct fstore *store;
	int lockfd; /* holds the tally of an older-layout record (tally.h) */
	int recfd;  /* the two-slot record file, read-write; or -1 */
	char name[MFA_STORE_NAME_MAX];
	struct mfa_state base; /* the record as loaded or last committed */
	/* The record file as loaded or last written (slots.h). */
	int slotted; /* 0: no file, or one in the older, one-text layout */
	size_t slot_size;
	unsigned int current;
	uint64_t seq;
	char tally[MFA_TALLY_SEALED_LEN];
};

static const struct mfa_store_ops files_ops;
static void files_end(struct mfa_store_txn *gt);

/* The file store behind gs (only ever called with one of ours). */
static struct fstore *
fstore_of(struct mfa_store *gs)
{
	return (struct fstore *)gs;
}

/* The file transaction behind gt. */
static struct ftxn *
ftxn_of(struct mfa_store_txn *gt)
{
	return (struct ftxn *)gt;
}

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

/*
 * This boot's id as 32 hex digits (the kernel's boot_id without its
 * dashes), or zeros when it cannot be read: then a reader never passes
 * over a torn slot (slots.h), it refuses it.
 */
static void
read_boot_id(char out[MFA_SLOTS_BOOT_LEN + 1])
{
	char buf[64];
	size_t i, o = 0;
	ssize_t n = -1;
	int fd;

	memset(out, '0', MFA_SLOTS_BOOT_LEN);
	out[MFA_SLOTS_BOOT_LEN] = '\0';
	fd = open("/proc/sys/kernel/random/boot_id",
	    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	for (i = 0; n > 0 && i < (size_t)n && o < MFA_SLOTS_BOOT_LEN; i++)
		if (isxdigit((unsigned char)buf[i]))
			out[o++] = (char)tolower((unsigned char)buf[i]);
		else if (buf[i] != '-')
			break;
	if (o != MFA_SLOTS_BOOT_LEN)
		memset(out, '0', MFA_SLOTS_BOOT_LEN);
}

int
mfa_store_open(const char *dir, int create, struct mfa_store **out, char *why,
    size_t whysz)
{
	struct mfa_file_error ferr = {""};
	struct fstore *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return MFA_ERR_NOMEM;
	s->head.ops = &files_ops;
	read_boot_id(s->boot);
	/* Root in production; the tests' own uid when they run unprivileged. */
	s->owner = geteuid();
	rc = mfa_dir_open_private_as(dir, create, s->owner, &s->dirfd, &ferr);
	if (rc != MFA_OK) {
		snprintf(why, whysz, "state directory: %s",
		    ferr.why[0] != '\0' ? ferr.why : mfa_strerror(rc));
		free(s);
		return rc;
	}
	*out = &s->head;
	return MFA_OK;
}

int
mfa_store_open_inspect(
    const char *dir, struct mfa_store **out, char *why, size_t whysz)
{
	struct fstore *s;
	struct stat sb;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return MFA_ERR_NOMEM;
	s->head.ops = &files_ops;
	s->inspect = 1;
	read_boot_id(s->boot);
	s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dirfd < 0 || fstat(s->dirfd, &sb) != 0) {
		rc = mfa_err_from_errno(errno);
		snprintf(
		    why, whysz, "state directory %s: %s", dir, strerror(errno));
		if (s->dirfd >= 0)
			close(s->dirfd);
		free(s);
		return rc;
	}
	s->owner = sb.st_uid;
	*out = &s->head;
	return MFA_OK;
}

static void
files_close(struct mfa_store *gs)
{
	struct fstore *s = fstore_of(gs);

	close(s->dirfd);
	free(s);
}

/*
 * Read the record file of t whole into *buf (the caller frees it with
 * mfa_freezero(*buf, *len + 1)); with keep, opened read-write and kept in
 * t->recfd.  MFA_ERR_NOENT when there is none.
 */
static int
read_file(
    struct ftxn *t, int keep, char **buf, size_t *len, char *why, size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = t->store->owner, .max_size = RECORD_MAX};
	struct mfa_file_error ferr = {""};
	int fd, rc;

	*buf = NULL;
	*len = 0;
	rc = keep
	    ? mfa_file_openat_rw(t->store->dirfd, t->name, &rules, &fd, &ferr)
	    : mfa_file_openat_read(
		  t->store->dirfd, t->name, &rules, &fd, &ferr);
	if (rc == MFA_ERR_NOENT)
		return rc;
	if (rc != MFA_OK) {
		snprintf(why, whysz, "%s", ferr.why);
		return rc;
	}
	rc = mfa_file_read_all(fd, RECORD_MAX, buf, len);
	if (rc != MFA_OK)
		snprintf(
		    why, whysz, "state file %s: %s", t->name, mfa_strerror(rc));
	if (keep && rc == MFA_OK)
		t->recfd = fd;
	else
		close(fd);
	return rc;
}

/*
 * Parse the len bytes of t's record file: a two-slot file (slots.h),
 * whose current slot and tally t keeps, or an older one-text file.
 */
static int
parse_record(struct ftxn *t, const char *buf, size_t len, struct mfa_state *st,
    struct mfa_parse_error *perr, char *why, size_t whysz)
{
	struct mfa_slots_view v;
	int rc;

	t->slotted = mfa_slots_detect(buf, len);
	if (!t->slotted) {
		rc = mfa_state_parse(buf, len, st, perr);
		if (rc != MFA_OK)
			snprintf(why, whysz, "state file %s line %u: %s",
			    t->name, perr->line, perr->msg);
		return rc;
	}
	rc = mfa_slots_read(buf, len, t->store->boot, &v, perr);
	if (rc == MFA_OK)
		rc = mfa_state_parse(v.text, v.text_len, st, perr);
	if (rc != MFA_OK) {
		t->slotted = 0;
		snprintf(why, whysz,
		    "state file %s: %s (restore it from a backup, or "
		    "mfa-enroll --user NAME reset)",
		    t->name, perr->msg);
		return rc;
	}
	t->slot_size = v.slot_size;
	t->current = v.current;
	t->seq = v.seq;
	memcpy(t->tally, v.tally, sizeof(t->tally));
	return MFA_OK;
}

/*
 * Read and parse the record of t (missing = empty; keep as read_file),
 * the line and reason of a parse error in *perr (left as it is otherwise).
 */
static int
load_parsed(struct ftxn *t, int keep, struct mfa_state *st,
    struct mfa_parse_error *perr, char *why, size_t whysz)
{
	char *buf = NULL;
	size_t len = 0;
	int rc;

	mfa_state_init(st);
	t->slotted = 0;
	rc = read_file(t, keep, &buf, &len, why, whysz);
	if (rc == MFA_ERR_NOENT)
		return MFA_OK;
	if (rc != MFA_OK)
		return rc;
	rc = parse_record(t, buf, len, st, perr, why, whysz);
	mfa_freezero(buf, len + 1);
	return rc;
}

/* load_parsed, for callers that only want why. */
static int
load(struct ftxn *t, int keep, struct mfa_state *st, char *why, size_t whysz)
{
	struct mfa_parse_error perr = {0, ""};

	return load_parsed(t, keep, st, &perr, why, whysz);
}

/* The tally in an older layout's lock file (t->lockfd) into st. */
static int
apply_lock_tally(struct ftxn *t, struct mfa_state *st,
    struct mfa_parse_error *perr, char *why, size_t whysz)
{
	char buf[MFA_TALLY_SEALED_LEN + 1];
	ssize_t n;

	do
		n = pread(t->lockfd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		snprintf(why, whysz, "lock file of %s: %s", t->name,
		    strerror(errno));
		return mfa_err_from_errno(errno);
	}
	if (n > MFA_TALLY_SEALED_LEN) {
		snprintf(perr->msg, sizeof(perr->msg),
		    "more than %d bytes: not a tally record",
		    MFA_TALLY_SEALED_LEN);
		return MFA_ERR_FORMAT;
	}
	if (n == MFA_TALLY_SEALED_LEN)
		return mfa_tally_apply_sealed(buf, (size_t)n, st, perr);
	return mfa_tally_apply(buf, (size_t)n, st, perr);
}

/*
 * Put the tally into st: the sealed one of a two-slot file, or the one in
 * the lock file (if any) of an older record or of none; a parse error in
 * *perr.
 */
static int
load_tally_parsed(struct ftxn *t, struct mfa_state *st,
    struct mfa_parse_error *perr, char *why, size_t whysz)
{
	int rc;

	if (t->slotted)
		rc = mfa_tally_apply_sealed(
		    t->tally, sizeof(t->tally), st, perr);
	else
		rc = apply_lock_tally(t, st, perr, why, whysz);
	if (rc != MFA_OK && perr->msg[0] != '\0')
		snprintf(why, whysz,
		    "failure tally in the %s of %s: %s (mfa-enroll "
		    "--user NAME unlock clears it)",
		    t->slotted ? "state file" : "lock file", t->name,
		    perr->msg);
	return rc;
}

/* load_tally_parsed, for callers that only want why. */
static int
load_tally(struct ftxn *t, struct mfa_state *st, char *why, size_t whysz)
{
	struct mfa_parse_error perr = {0, ""};

	return load_tally_parsed(t, st, &perr, why, whysz);
}

/* Lock user's record; the transaction, or an error with why. */
static int
lock_user(struct fstore *s, const char *user, unsigned int timeout_ms,
    struct ftxn **out, char *why, size_t whysz)
{
	char lockname[MFA_STORE_NAME_MAX + 8];
	struct ftxn *t;
	int rc;

	*out = NULL;
	if (s->inspect) {
		snprintf(why, whysz, "store opened for inspection only");
		return MFA_ERR_READONLY;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return MFA_ERR_NOMEM;
	t->head.store = &s->head;
	t->store = s;
	t->lockfd = -1;
	t->recfd = -1;
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

static int
files_begin(struct mfa_store *gs, const char *user, unsigned int timeout_ms,
    struct mfa_state *st, struct mfa_store_txn **txn, char *why, size_t whysz)
{
	struct ftxn *t = NULL;
	int rc;

	rc = lock_user(fstore_of(gs), user, timeout_ms, &t, why, whysz);
	if (rc != MFA_OK)
		return rc;
	rc = load(t, 1, st, why, whysz);
	if (rc == MFA_OK)
		rc = load_tally(t, st, why, whysz);
	if (rc != MFA_OK) {
		files_end(&t->head);
		mfa_state_wipe(st);
		return rc;
	}
	memcpy(&t->base, st, sizeof(t->base));
	*txn = &t->head;
	return MFA_OK;
}

/* Write all len bytes at offset at of fd (a file of fixed size). */
static int
pwrite_all(int fd, const char *p, size_t len, off_t at)
{
	ssize_t n;

	while (len > 0) {
		n = pwrite(fd, p, len, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mfa_err_from_errno(errno);
		if (n == 0)
			return MFA_ERR_NOSPACE;
		p += n;
		len -= (size_t)n;
		at += n;
	}
	return MFA_OK;
}

/* The record file of txn, read-write (reopened after a replacement). */
static int
record_fd(struct ftxn *txn, int *fd)
{
	struct mfa_file_rules rules = {
	    .owner = txn->store->owner, .max_size = RECORD_MAX};
	struct mfa_file_error ferr = {""};
	int rc = MFA_OK;

	if (txn->recfd < 0)
		rc = mfa_file_openat_rw(
		    txn->store->dirfd, txn->name, &rules, &txn->recfd, &ferr);
	*fd = txn->recfd;
	return rc;
}

/* The offset of a two-slot file's tally. */
static off_t
tally_at(const struct ftxn *txn)
{
	return (off_t)(2 * txn->slot_size);
}

/*
 * A failure-only update: one sealed record over the last, no flush
 * (tally.h): in the record file when it has two slots, else in the lock
 * file.
 */
static int
write_tally(struct ftxn *txn, const struct mfa_state *st)
{
	char rec[MFA_TALLY_SEALED_LEN + 1];
	int rc, fd = txn->lockfd;

	rc = mfa_tally_format_sealed(st, rec, sizeof(rec));
	if (rc == MFA_OK && txn->slotted)
		rc = record_fd(txn, &fd);
	if (rc == MFA_OK)
		rc = pwrite_all(fd, rec, MFA_TALLY_SEALED_LEN,
		    txn->slotted ? tally_at(txn) : 0);
	return rc;
}

/* Empty the tally of a locked record: the lock file's (older layout). */
static int
clear_tally(struct ftxn *txn)
{
	return ftruncate(txn->lockfd, 0) == 0 ? MFA_OK
					      : mfa_err_from_errno(errno);
}

/* Empty the tally of a locked record, wherever it is kept. */
static int
clear_any_tally(struct ftxn *txn)
{
	struct mfa_state none;

	if (!txn->slotted)
		return clear_tally(txn);
	mfa_state_init(&none); /* serial 0: names no record */
	return write_tally(txn, &none);
}

/* The temporary file of a durable write: ".NAME.new". */
static int
temp_name(const struct ftxn *txn, char *out, size_t outsz)
{
	/* Data names never start with '.', so ".NAME.new" is free. */
	int n = snprintf(out, outsz, ".%s.new", txn->name);

	return n > 0 && (size_t)n < outsz ? MFA_OK : MFA_ERR_BUFSIZE;
}

/*
 * The serial of the next durable write: one more than the last, or a
 * random one for a new record, so that a tally left from a record that
 * was removed (reset, or deleted by hand) never matches its successor.
 * 0 is kept for "no record yet".
 */
static int
next_serial(uint64_t *serial)
{
	int rc = MFA_OK;

	if (*serial == 0)
		rc = mfa_random_bytes(serial, sizeof(*serial));
	else
		(*serial)++;
	if (*serial == 0)
		*serial = 1;
	return rc;
}

/*
 * The durable path in place: the slot that is not current gets the text,
 * body first and header last, then one fdatasync (slots.h).  When the
 * flush fails, the slot's header is put back older than the current one,
 * so that what a reader sees is the old record.
 */
static int
write_slot(struct ftxn *txn, const char *text, size_t len)
{
	size_t s = txn->slot_size;
	unsigned int next = 1 - txn->current;
	off_t at = (off_t)(next * s);
	char *img;
	int rc, fd = -1;

	img = malloc(s);
	if (img == NULL)
		return MFA_ERR_NOMEM;
	rc =
	    mfa_slots_format(txn->seq + 1, txn->store->boot, s, text, len, img);
	if (rc == MFA_OK)
		rc = record_fd(txn, &fd);
	if (rc == MFA_OK)
		rc = pwrite_all(fd, img + MFA_SLOTS_HEADER_LEN,
		    s - MFA_SLOTS_HEADER_LEN, at + MFA_SLOTS_HEADER_LEN);
	if (rc == MFA_OK)
		rc = pwrite_all(fd, img, MFA_SLOTS_HEADER_LEN, at);
	if (rc == MFA_OK && fdatasync(fd) != 0) {
		rc = mfa_err_from_errno(errno);
		if (mfa_slots_retract(txn->seq - 1, txn->store->boot, s, img) ==
		    MFA_OK)
			(void)pwrite_all(fd, img, MFA_SLOTS_HEADER_LEN, at);
	}
	mfa_freezero(img, s);
	if (rc == MFA_OK) {
		txn->current = next;
		txn->seq++;
	}
	return rc;
}

/*
 * The durable path through a new file: a two-slot file (the record in
 * slot 1, slot 2 blank, an empty tally) replaces the record file, for a
 * new record, a record in the older layout (its conversion), or one that
 * outgrew its slots.  The lock file's tally is counted in the record now.
 */
static int
write_new_file(struct ftxn *txn, const char *text, size_t len)
{
	size_t s = mfa_slots_size_for(len), flen = 2 * s + MFA_TALLY_SEALED_LEN;
	uint64_t seq = txn->slotted && txn->seq < UINT64_MAX ? txn->seq + 1 : 1;
	char tmp[MFA_STORE_NAME_MAX + 8], *img;
	struct mfa_state none;
	int rc;

	if (s == 0)
		return MFA_ERR_TOOBIG;
	img = malloc(flen + 1);
	if (img == NULL)
		return MFA_ERR_NOMEM;
	mfa_state_init(&none);
	rc = mfa_slots_format(seq, txn->store->boot, s, text, len, img);
	if (rc == MFA_OK)
		rc = mfa_slots_format(0, txn->store->boot, s, NULL, 0, img + s);
	if (rc == MFA_OK)
		rc = mfa_tally_format_sealed(
		    &none, img + 2 * s, MFA_TALLY_SEALED_LEN + 1);
	if (rc == MFA_OK)
		rc = temp_name(txn, tmp, sizeof(tmp));
	if (rc == MFA_OK)
		rc = mfa_file_replace_locked(
		    txn->store->dirfd, txn->name, tmp, img, flen, 0600);
	mfa_freezero(img, flen + 1);
	if (rc != MFA_OK)
		return rc;
	if (txn->recfd >= 0)
		close(txn->recfd);
	txn->recfd = -1; /* the old file's: reopened when needed */
	txn->slotted = 1;
	txn->slot_size = s;
	txn->current = 0;
	txn->seq = seq;
	/* Stale from now on (the serial moved); emptied only so that an
	 * admin reading the lock file finds no old count there. */
	(void)clear_tally(txn);
	return MFA_OK;
}

/* The durable path: the record in the next slot, or in a new file. */
static int
write_record(struct ftxn *txn, struct mfa_state *st, int64_t now)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	mfa_state_prune(st, now);
	/* A new serial: the tally in the lock file is stale from now on. */
	rc = next_serial(&st->serial);
	if (rc == MFA_OK)
		rc = mfa_state_serialize(st, &text, &len);
	if (rc != MFA_OK)
		return rc;
	if (txn->slotted && mfa_slots_fits(txn->slot_size, len) &&
	    txn->seq < UINT64_MAX)
		rc = write_slot(txn, text, len);
	else
		rc = write_new_file(txn, text, len);
	mfa_freezero(text, len);
	return rc;
}

static int
files_commit(struct mfa_store_txn *gt, struct mfa_state *st, int64_t now)
{
	struct ftxn *txn = ftxn_of(gt);
	int rc;

	if (mfa_tally_only_change(&txn->base, st))
		rc = write_tally(txn, st);
	else
		rc = write_record(txn, st, now);
	if (rc == MFA_OK)
		memcpy(&txn->base, st, sizeof(txn->base));
	return rc;
}

static void
files_end(struct mfa_store_txn *gt)
{
	struct ftxn *txn = ftxn_of(gt);

	mfa_lock_release(txn->lockfd);
	if (txn->recfd >= 0)
		close(txn->recfd);
	mfa_state_wipe(&txn->base);
	free(txn);
}

static int
files_remove(struct mfa_store *gs, const char *user, unsigned int timeout_ms)
{
	struct fstore *s = fstore_of(gs);
	struct ftxn *txn = NULL;
	char why[256], tmp[MFA_STORE_NAME_MAX + 8];
	int rc;

	rc = lock_user(s, user, timeout_ms, &txn, why, sizeof(why));
	if (rc != MFA_OK)
		return rc;
	/* The tally first: a reset that stops half-way never leaves an old
	 * count to be read against a new record. */
	rc = clear_tally(txn);
	if (rc == MFA_OK)
		rc = mfa_file_remove(s->dirfd, txn->name);
	/* A killed writer's temporary holds code hashes too. */
	if (rc == MFA_OK && temp_name(txn, tmp, sizeof(tmp)) == MFA_OK)
		rc = mfa_file_remove(s->dirfd, tmp);
	files_end(&txn->head);
	return rc;
}

int
mfa_store_clear_tally(struct mfa_store *gs, const char *user,
    unsigned int timeout_ms, char *why, size_t whysz)
{
	struct ftxn *txn = NULL;
	struct mfa_state record;
	int rc;

	if (gs->ops != &files_ops)
		return MFA_ERR_INVALID;
	rc = lock_user(fstore_of(gs), user, timeout_ms, &txn, why, whysz);
	if (rc != MFA_OK)
		return rc;
	/* Only the tally may be at fault: a record that does not parse is
	 * the admin's to inspect, with its failure count as it stands. */
	rc = load(txn, 1, &record, why, whysz);
	mfa_state_wipe(&record);
	if (rc == MFA_OK)
		rc = clear_any_tally(txn);
	files_end(&txn->head);
	return rc;
}

static int
files_unlock(struct mfa_store *s, const char *user, unsigned int timeout_ms,
    int64_t now, unsigned int *failures, int *dropped, char *why, size_t whysz)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	int rc;

	*dropped = 0;
	rc = mfa_store_begin(s, user, timeout_ms, &st, &txn, why, whysz);
	/* A tally that does not parse blocks every read: only a failure
	 * count, which unlock clears anyway, so it goes.  The record's own
	 * error stays the result when the record is at fault. */
	if (rc != MFA_OK && rc != MFA_ERR_LOCK_TIMEOUT &&
	    mfa_store_clear_tally(s, user, timeout_ms, why, whysz) == MFA_OK) {
		rc =
		    mfa_store_begin(s, user, timeout_ms, &st, &txn, why, whysz);
		*dropped = rc == MFA_OK;
	}
	if (rc == MFA_OK) {
		*failures = st.failures;
		mfa_state_unlock(&st);
		rc = mfa_store_commit(txn, &st, now);
		mfa_state_wipe(&st);
	}
	mfa_store_end(txn);
	return rc;
}

/* The byte of the %XX escape at p ("%" and two hex digits), or -1. */
static int
escaped_byte(const char *p)
{
	char hex[3];
	unsigned char b;

	if (p[0] != '%' || p[1] == '\0' || p[2] == '\0')
		return -1;
	hex[0] = (char)tolower((unsigned char)p[1]);
	hex[1] = (char)tolower((unsigned char)p[2]);
	hex[2] = '\0';
	return mfa_text_hex_decode(hex, &b, 1) == MFA_OK ? b : -1;
}

void
mfa_store_username(const char *file, char *out, size_t outsz)
{
	size_t o = 0;
	int b;

	for (; *file != '\0' && o + 1 < outsz; file++) {
		b = escaped_byte(file);
		if (b > 0) {
			out[o++] = (char)b;
			file += 2;
		} else {
			out[o++] = *file;
		}
	}
	out[o] = '\0';
}

/*
 * The failure tally of a record being listed, read without the lock from
 * its lock file when there is one (a snapshot: the serial it names keeps a
 * stale one out).
 */
static int
peek_tally(struct ftxn *t, struct mfa_state *st, struct mfa_parse_error *perr,
    char *why, size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = t->store->owner, .max_size = MFA_TALLY_SEALED_LEN + 1};
	struct mfa_file_error ferr = {""};
	char lockname[MFA_STORE_NAME_MAX + 8];
	int rc;

	if (t->slotted) /* the sealed tally came with the record */
		return load_tally_parsed(t, st, perr, why, whysz);
	snprintf(lockname, sizeof(lockname), ".%s.lock", t->name);
	rc = mfa_file_openat_read(
	    t->store->dirfd, lockname, &rules, &t->lockfd, &ferr);
	if (rc == MFA_ERR_NOENT)
		return MFA_OK;
	if (rc != MFA_OK) {
		snprintf(why, whysz, "%s", ferr.why);
		return rc;
	}
	rc = load_tally_parsed(t, st, perr, why, whysz);
	close(t->lockfd);
	t->lockfd = -1;
	return rc;
}

/* Read the record file name as the module would, and hand it to visit. */
static int
list_one(struct fstore *s, const char *name, mfa_store_visit visit, void *arg)
{
	struct ftxn t = {.store = s, .lockfd = -1, .recfd = -1};
	struct mfa_parse_error perr = {0, ""};
	struct mfa_store_entry e = {NULL, 0, NULL, "state", 1, 0, ""};
	char user[MFA_STORE_NAME_MAX],
	    why[256] = ""; /* for a log: not listed */
	struct mfa_state st;
	int rc;

	snprintf(t.name, sizeof(t.name), "%s", name);
	mfa_store_username(name, user, sizeof(user));
	e.rc = load_parsed(&t, 0, &st, &perr, why, sizeof(why));
	if (e.rc == MFA_OK) {
		e.part = t.slotted ? "failure tally (in its state file)"
				   : "failure tally (in its lock file)";
		e.needs_reset = 0;
		e.rc = peek_tally(&t, &st, &perr, why, sizeof(why));
	}
	e.user = user;
	e.st = e.rc == MFA_OK ? &st : NULL;
	e.line = perr.line;
	e.why = perr.msg;
	rc = visit(arg, &e);
	mfa_state_wipe(&st);
	return rc;
}

/* Record names never start with '.': lock and temporary files do. */
static int
not_hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

static int
files_list(struct mfa_store *gs, mfa_store_visit visit, void *arg, char *why,
    size_t whysz)
{
	struct fstore *s = fstore_of(gs);
	struct dirent **list = NULL;
	int i, n, rc = MFA_OK;

	n = scandirat(s->dirfd, ".", &list, not_hidden, alphasort);
	if (n < 0) {
		rc = mfa_err_from_errno(errno);
		snprintf(why, whysz, "state directory: %s", strerror(errno));
		return rc;
	}
	for (i = 0; i < n; i++) {
		/* d_name (at most NAME_MAX bytes) fits MFA_STORE_NAME_MAX. */
		if (rc == MFA_OK)
			rc = list_one(s, list[i]->d_name, visit, arg);
		free(list[i]);
	}
	free(list);
	return rc;
}

static const struct mfa_store_ops files_ops = {
    .name = "files",
    .close = files_close,
    .begin = files_begin,
    .commit = files_commit,
    .end = files_end,
    .remove = files_remove,
    .unlock = files_unlock,
    .list = files_list,
};
