/*
 * test_slots.c - the two-slot record file (slots.h) and the sealed tally
 * (tally.h, version 3): which slot a reader takes after a writer was
 * killed or the power was cut, and that damage anywhere is refused: a
 * record file and a tally with a byte flipped at every offset, or cut or
 * extended at every length, never read as another record (fewer
 * failures, "not enrolled", an older replay floor).  Also: a state
 * directory of the older layout read and converted on the first durable
 * write, and listed beside converted records.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "mem.h"
#include "slots.h"
#include "state.h"
#include "store.h"
#include "store_files.h"
#include "tally.h"
#include "testutil.h"

#define T0 INT64_C(1764028800)
#define STEP UINT64_C(58800960)
#define WAIT_MS 2000
#define BOOT_A "0123456789abcdef0123456789abcdef"
#define BOOT_B "fedcba9876543210fedcba9876543210"
#define S MFA_SLOTS_PAGE
#define FILE_LEN (2 * S + MFA_TALLY_SEALED_LEN)

static const char text_old[] = "pam_mfa-state 1\nserial 5\nfailures 9\n";
static const char text_new[] = "pam_mfa-state 1\nserial 6\n";
static char g_file[FILE_LEN + 1]; /* and the NUL of a formatted tally */

/* ---- buffers ---- */

/* A file image: slot 1 seq 5 (text_old), slot 2 seq 6 (text_new). */
static void
image(void)
{
	struct mfa_state none;

	mfa_state_init(&none);
	ck_assert_int_eq(mfa_slots_format(5, BOOT_A, S, text_old,
			     sizeof(text_old) - 1, g_file),
	    MFA_OK);
	ck_assert_int_eq(mfa_slots_format(6, BOOT_A, S, text_new,
			     sizeof(text_new) - 1, g_file + S),
	    MFA_OK);
	ck_assert_int_eq(mfa_tally_format_sealed(
			     &none, g_file + 2 * S, MFA_TALLY_SEALED_LEN + 1),
	    MFA_OK);
}

/* mfa_slots_read of g_file as seen in boot; its result. */
static int
read_image(const char *boot, struct mfa_slots_view *v, char *why)
{
	struct mfa_parse_error e = {0, ""};
	int rc = mfa_slots_read(g_file, FILE_LEN, boot, v, &e);

	snprintf(why, 160, "%s", e.msg);
	return rc;
}

/* The text the reader takes is exactly want. */
static void
assert_takes(const char *boot, const char *want)
{
	struct mfa_slots_view v;
	char why[160];

	ck_assert_msg(read_image(boot, &v, why) == MFA_OK, "refused: %s", why);
	ck_assert_uint_eq(v.text_len, strlen(want));
	ck_assert_mem_eq(v.text, want, v.text_len);
	ck_assert_ptr_eq(v.tally, g_file + 2 * S);
}

static void
assert_refused(const char *boot, const char *reason)
{
	struct mfa_slots_view v;
	char why[160];

	ck_assert_int_eq(read_image(boot, &v, why), MFA_ERR_FORMAT);
	ck_assert_msg(strstr(why, reason) != NULL, "why: %s", why);
}

START_TEST(newer_slot_wins)
{
	struct mfa_slots_view v;
	char why[160];

	image();
	assert_takes(BOOT_A, text_new);
	ck_assert_int_eq(read_image(BOOT_A, &v, why), MFA_OK);
	ck_assert_uint_eq(v.current, 1);
	ck_assert_uint_eq(v.seq, 6);
	ck_assert_uint_eq(v.slot_size, S);
	/* The layout an admin reads (pam_mfa(8) FILES). */
	ck_assert_mem_eq(g_file + S,
	    "pam_mfa-state 2 seq 00000000000000000006 boot " BOOT_A
	    " slot 0000004096 length 0000000025 body ",
	    118);
	ck_assert_mem_eq(
	    g_file + S + MFA_SLOTS_HEADER_LEN, text_new, sizeof(text_new) - 1);
	ck_assert_int_eq(g_file[2 * S - 1], '\n');
}
END_TEST

/* A writer killed between the body and the header: the slot keeps its
 * old header, older than the current slot: passed over. */
START_TEST(killed_writer_leaves_the_old_record)
{
	image();
	/* Slot 1 (seq 5) was being written as seq 7: new body, old header. */
	memcpy(
	    g_file + MFA_SLOTS_HEADER_LEN, "pam_mfa-state 1\nserial 7\n", 25);
	assert_takes(BOOT_A, text_new);
}
END_TEST

/* A power cut kept a new header over a torn body: passed over when it was
 * written in another boot and is the very next write; refused otherwise. */
START_TEST(power_cut_leaves_the_old_record)
{
	static char slot[S];

	image();
	/* Slot 1 claims seq 7 (the next write), torn body, boot A. */
	ck_assert_int_eq(mfa_slots_format(7, BOOT_A, S, text_new,
			     sizeof(text_new) - 1, g_file),
	    MFA_OK);
	g_file[MFA_SLOTS_HEADER_LEN + 3] ^= 1;
	assert_takes(BOOT_B, text_new);
	/* In the boot that wrote it no power was cut: damage. */
	assert_refused(BOOT_A, "slot 1 damaged");
	/* Unknown boot: never passed over. */
	assert_refused("00000000000000000000000000000000", "slot 1 damaged");
	/* A slot claiming more than the next write: damage in any boot. */
	ck_assert_int_eq(mfa_slots_format(8, BOOT_A, S, text_new,
			     sizeof(text_new) - 1, slot),
	    MFA_OK);
	memcpy(g_file, slot, MFA_SLOTS_HEADER_LEN);
	assert_refused(BOOT_B, "slot 1 damaged");
}
END_TEST

/* A failed flush puts the slot's header back older than the current
 * slot's: passed over, in this boot too. */
START_TEST(retracted_slot_is_passed_over)
{
	image();
	/* Slot 1 written as seq 7, its flush failed: retracted to 5. */
	ck_assert_int_eq(mfa_slots_format(7, BOOT_A, S, text_old,
			     sizeof(text_old) - 1, g_file),
	    MFA_OK);
	ck_assert_int_eq(mfa_slots_retract(5, BOOT_A, S, g_file), MFA_OK);
	assert_takes(BOOT_A, text_new);
}
END_TEST

START_TEST(two_slots_one_seq_refused)
{
	image();
	ck_assert_int_eq(mfa_slots_format(6, BOOT_A, S, text_old,
			     sizeof(text_old) - 1, g_file),
	    MFA_OK);
	assert_refused(BOOT_A, "both slots have sequence number 6");
}
END_TEST

/*
 * Every byte of the image flipped (three ways) and the image cut or
 * extended at every length: the reader refuses, or (a byte of the older
 * slot's body, which it passes over) takes exactly the newer record.  A
 * flip in the newer slot is always refused in the boot that wrote it (in
 * a later one, a damaged body of the newest slot cannot be told from a
 * write a power cut tore: power_cut_leaves_the_old_record); a flipped
 * tally is refused by mfa_tally_apply_sealed.
 */
START_TEST(damage_at_every_offset_refused)
{
	static const unsigned char masks[] = {0x01, 0x80, 0xff};
	struct mfa_slots_view v;
	struct mfa_state st;
	struct mfa_parse_error e;
	char why[160];
	size_t i, m;
	int rc;

	image();
	for (i = 0; i < FILE_LEN; i++)
		for (m = 0; m < sizeof(masks); m++) {
			g_file[i] = (char)(g_file[i] ^ masks[m]);
			rc = read_image(BOOT_A, &v, why);
			if (i >= S && i < 2 * S)
				ck_assert_msg(rc != MFA_OK, "offset %zu", i);
			if (rc == MFA_OK) {
				ck_assert_uint_eq(v.seq, 6);
				ck_assert_mem_eq(
				    v.text, text_new, sizeof(text_new) - 1);
			}
			if (rc == MFA_OK && i >= 2 * S) {
				mfa_state_init(&st);
				ck_assert_int_ne(
				    mfa_tally_apply_sealed(
					v.tally, MFA_TALLY_SEALED_LEN, &st, &e),
				    MFA_OK);
			}
			g_file[i] = (char)(g_file[i] ^ masks[m]);
		}
	for (i = 0; i < FILE_LEN; i++) {
		struct mfa_parse_error pe = {0, ""};

		ck_assert_int_eq(
		    mfa_slots_read(g_file, i, BOOT_B, &v, &pe), MFA_ERR_FORMAT);
	}
	assert_takes(BOOT_B, text_new);
}
END_TEST

/* The sealed tally: written and read back; cut, extended or flipped at
 * every byte: refused, st untouched. */
START_TEST(sealed_tally_damage_refused)
{
	char rec[MFA_TALLY_SEALED_LEN + 2];
	struct mfa_state st, want;
	struct mfa_parse_error e = {0, ""};
	size_t i;

	mfa_state_init(&st);
	st.serial = 42;
	st.failures = 3;
	st.last_failure = T0;
	ck_assert_int_eq(mfa_tally_format_sealed(&st, rec, sizeof(rec)), 0);
	ck_assert_uint_eq(strlen(rec), MFA_TALLY_SEALED_LEN);
	ck_assert_mem_eq(
	    rec, "pam_mfa-tally 3 serial 00000000000000000042 ", 44);
	ck_assert_mem_eq(rec + MFA_TALLY_LEN - 1, " sha256 ", 8);
	mfa_state_init(&want);
	want.serial = 42;
	ck_assert_int_eq(
	    mfa_tally_apply_sealed(rec, MFA_TALLY_SEALED_LEN, &want, &e), 0);
	ck_assert_uint_eq(want.failures, 3);
	ck_assert_int_eq(want.last_failure, T0);
	for (i = 0; i <= MFA_TALLY_SEALED_LEN + 1; i++) {
		mfa_state_init(&st);
		st.serial = 42;
		if (i != MFA_TALLY_SEALED_LEN)
			ck_assert_int_ne(
			    mfa_tally_apply_sealed(rec, i, &st, &e), 0);
		ck_assert_uint_eq(st.failures, 0);
	}
	for (i = 0; i < MFA_TALLY_SEALED_LEN; i++) {
		rec[i] ^= 0x01;
		mfa_state_init(&st);
		st.serial = 42;
		ck_assert_msg(mfa_tally_apply_sealed(
				  rec, MFA_TALLY_SEALED_LEN, &st, &e) != 0,
		    "offset %zu", i);
		ck_assert_uint_eq(st.failures, 0);
		rec[i] ^= 0x01;
	}
}
END_TEST

/* ---- a real state directory ---- */

static char g_base[PATH_MAX];
static char g_dir[PATH_MAX + 8];
static struct mfa_store *g_s;

static void
setup(void)
{
	mfa_test_store_open(
	    "slots-test", g_base, sizeof(g_base), g_dir, sizeof(g_dir), &g_s);
}

static void
teardown(void)
{
	mfa_test_store_close(g_base, &g_s);
}

static const char *
at(const char *rel)
{
	static char buf[PATH_MAX + 64];

	snprintf(buf, sizeof(buf), "%s/%s", g_dir, rel);
	return buf;
}

/* One transaction on user: f changes the record; committed at now. */
static void
change(const char *user, int64_t now, void (*f)(struct mfa_state *, int64_t))
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char why[256] = "";

	ck_assert_msg(mfa_store_begin(g_s, user, WAIT_MS, &st, &txn, why,
			  sizeof(why)) == MFA_OK,
	    "begin: %s", why);
	f(&st, now);
	ck_assert_int_eq(mfa_store_commit(txn, &st, now), MFA_OK);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
}

static void
enrol_and_succeed(struct mfa_state *st, int64_t now)
{
	st->enrolled = 1;
	st->enrolled_at = T0 - 86400;
	memset(st->enrolled_id, 0x6f, sizeof(st->enrolled_id));
	mfa_state_record_success(st, now, MFA_METHOD_TOTP);
	st->has_last_step = 1;
	st->totp_last_step = STEP + (uint64_t)(now - T0);
	ck_assert_int_eq(mfa_state_source_success(st, "-"), MFA_OK);
}

static void
fail_from_console(struct mfa_state *st, int64_t now)
{
	static const struct mfa_lockout_policy count_only = {0, 0, 900};

	mfa_state_record_failure(st, now, "-", &count_only);
}

/* The whole file at path into buf; its length. */
static size_t
read_whole(const char *path, char *buf, size_t bufsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_int_ge(fd, 0);
	n = read(fd, buf, bufsz);
	ck_assert_int_ge(n, 0);
	close(fd);
	return (size_t)n;
}

static void
write_whole(const char *path, const char *buf, size_t len)
{
	mfa_test_write_file(path, buf, len, 0600);
}

/* What the store reads of alice now: rc, and the record into st. */
static int
store_read(struct mfa_state *st)
{
	char why[256] = "";

	return mfa_store_read(g_s, "alice", WAIT_MS, st, why, sizeof(why));
}

/*
 * alice's record file with a byte flipped at every offset, then cut at
 * every length and extended by a byte, through the store as the module
 * reads it: refused, or exactly the record as it was (never fewer
 * failures, never "not enrolled", never an older replay floor).
 */
START_TEST(store_refuses_damage_at_every_offset)
{
	static char good[2 * MFA_SLOTS_MAX_SLOT], bad[sizeof(good)];
	struct mfa_state want, got;
	size_t len, i;
	int rc;

	change("alice", T0, enrol_and_succeed);
	change("alice", T0 + 30, enrol_and_succeed); /* both slots used */
	change("alice", T0 + 40, fail_from_console);
	change("alice", T0 + 41, fail_from_console); /* the tally: 2 */
	ck_assert_int_eq(store_read(&want), MFA_OK);
	ck_assert_uint_eq(want.failures, 2);
	ck_assert_int_eq(want.enrolled, 1);
	len = read_whole(at("alice"), good, sizeof(good));
	ck_assert(mfa_slots_detect(good, len));
	for (i = 0; i < len; i++) {
		memcpy(bad, good, len);
		bad[i] = (char)(bad[i] ^ 0x20);
		write_whole(at("alice"), bad, len);
		rc = store_read(&got);
		if (rc == MFA_OK)
			ck_assert_msg(memcmp(&got, &want, sizeof(got)) == 0,
			    "offset %zu: another record read", i);
	}
	for (i = 0; i <= len; i++) {
		memcpy(bad, good, len);
		bad[len] = '\n';
		write_whole(at("alice"), bad, i < len ? i : len + 1);
		ck_assert_msg(store_read(&got) != MFA_OK, "cut at %zu", i);
	}
	write_whole(at("alice"), good, len);
	ck_assert_int_eq(store_read(&got), MFA_OK);
	ck_assert_mem_eq(&got, &want, sizeof(got));
}
END_TEST

/* The log line of a damaged record names the file and the fix. */
START_TEST(damaged_record_names_file_and_fix)
{
	static char buf[2 * MFA_SLOTS_MAX_SLOT];
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char why[256] = "";
	size_t len;

	change("alice", T0, enrol_and_succeed);
	len = read_whole(at("alice"), buf, sizeof(buf));
	write_whole(at("alice"), buf, len - 1);
	ck_assert_int_eq(
	    mfa_store_begin(g_s, "alice", WAIT_MS, &st, &txn, why, sizeof(why)),
	    MFA_ERR_FORMAT);
	ck_assert_ptr_null(txn);
	ck_assert_msg(strstr(why, "state file alice: file of ") != NULL &&
		strstr(why, "truncated or extended") != NULL &&
		strstr(why, "mfa-enroll --user NAME reset") != NULL,
	    "why: %s", why);
	/* The tally's damage names the other fix. */
	write_whole(at("alice"), buf, len);
	buf[len - 2] ^= 0x01;
	write_whole(at("alice"), buf, len);
	ck_assert_int_eq(
	    mfa_store_begin(g_s, "alice", WAIT_MS, &st, &txn, why, sizeof(why)),
	    MFA_ERR_FORMAT);
	ck_assert_msg(
	    strstr(why, "failure tally in the state file of alice") != NULL &&
		strstr(why, "unlock clears it") != NULL,
	    "why: %s", why);
}
END_TEST

/* Listing: what a visit saw, one "user rc failures" line each. */
static int
note(void *arg, const struct mfa_store_entry *e)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 256 - n, "%s %d %u\n", e->user, e->rc,
	    e->st != NULL ? e->st->failures : 0);
	return 0;
}

/*
 * A directory of the older layout (one text per user, the tally in the
 * lock file): read as it was, listed, and converted on the first
 * durable write, the tally's count carried into the record.
 */
START_TEST(older_layout_read_and_converted)
{
	static const char legacy[] = "pam_mfa-state 1\n"
				     "serial 7\n"
				     "enrolled 1764000000 "
				     "6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f\n"
				     "totp-last-step 58800900\n"
				     "failures 1\n"
				     "last-failure 100\n";
	static char buf[2 * MFA_SLOTS_MAX_SLOT];
	char tally[MFA_TALLY_SEALED_LEN + 1], why[256] = "", seen[256] = "";
	struct mfa_state st;
	struct stat sb;
	size_t len;

	write_whole(at("alice"), legacy, sizeof(legacy) - 1);
	mfa_state_init(&st);
	st.serial = 7;
	st.failures = 4;
	st.last_failure = 200;
	ck_assert_int_eq(mfa_tally_format(&st, tally, sizeof(tally)), 0);
	write_whole(at(".alice.lock"), tally, MFA_TALLY_LEN);
	change("bob", T0, enrol_and_succeed);
	ck_assert_int_eq(mfa_store_list(g_s, note, seen, why, sizeof(why)), 0);
	ck_assert_str_eq(seen, "alice 0 4\nbob 0 0\n");
	ck_assert_int_eq(store_read(&st), MFA_OK);
	ck_assert_uint_eq(st.failures, 4);
	ck_assert_uint_eq(st.totp_last_step, 58800900);
	/* The first durable write converts it. */
	change("alice", T0, enrol_and_succeed);
	len = read_whole(at("alice"), buf, sizeof(buf));
	ck_assert(mfa_slots_detect(buf, len));
	ck_assert_uint_eq(len, 2 * S + MFA_TALLY_SEALED_LEN);
	ck_assert_int_eq(stat(at(".alice.lock"), &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);
	ck_assert_int_eq(store_read(&st), MFA_OK);
	ck_assert_uint_eq(st.serial, 8);
	ck_assert_int_eq(st.enrolled, 1);
	ck_assert_uint_eq(st.totp_last_step, STEP);
	ck_assert_uint_eq(st.failures, 0);
	/* And the next ones are in place: same file, one slot over. */
	change("alice", T0 + 30, enrol_and_succeed);
	ck_assert_int_eq(store_read(&st), MFA_OK);
	ck_assert_uint_eq(st.serial, 9);
	ck_assert_uint_eq(st.totp_last_step, STEP + 30);
	seen[0] = '\0';
	ck_assert_int_eq(mfa_store_list(g_s, note, seen, why, sizeof(why)), 0);
	ck_assert_str_eq(seen, "alice 0 0\nbob 0 0\n");
}
END_TEST

static Suite *
slots_suite(void)
{
	Suite *s = suite_create("slots");
	TCase *tc = tcase_create("buffers");
	TCase *dir = tcase_create("directory");

	tcase_add_test(tc, newer_slot_wins);
	tcase_add_test(tc, killed_writer_leaves_the_old_record);
	tcase_add_test(tc, power_cut_leaves_the_old_record);
	tcase_add_test(tc, retracted_slot_is_passed_over);
	tcase_add_test(tc, two_slots_one_seq_refused);
	tcase_add_test(tc, damage_at_every_offset_refused);
	tcase_add_test(tc, sealed_tally_damage_refused);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(dir, setup, teardown);
	tcase_add_test(dir, store_refuses_damage_at_every_offset);
	tcase_add_test(dir, damaged_record_names_file_and_fix);
	tcase_add_test(dir, older_layout_read_and_converted);
	suite_add_tcase(s, dir);
	return s;
}

int
main(void)
{
	return mfa_test_run(slots_suite());
}
