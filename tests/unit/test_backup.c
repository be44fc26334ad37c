/*
 * test_backup.c - backup codes: generation, normalisation, Argon2id PHC
 * strings (known answers, the strict parser and its parameter whitelist)
 * and whole sets.
 */
#include <argon2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "error.h"
#include "mem.h"
#include "secretfile.h"
#include "testutil.h"

#define ALPHABET "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

/*
 * Known answers, made once with libargon2's argon2id_hash_encoded (the
 * reference implementation) for the code "3K7PMQ2XD" and the 16-byte salt
 * "pam_mfa-kat-salt", and for "0ABCDEFGH" with a 32-byte salt.
 */
static const char kat_code[] = "3K7PMQ2XD";
static const char kat_salt[] = "pam_mfa-kat-salt";
static const char kat_default[] =
    "$argon2id$v=19$m=19456,t=2,p=1$cGFtX21mYS1rYXQtc2FsdA$"
    "rA0NmakJc9lBI6ULciOOSzM7u2nbEQevA5WRclveDDI";
static const char kat_m7168[] =
    "$argon2id$v=19$m=7168,t=5,p=1$cGFtX21mYS1rYXQtc2FsdA$"
    "fnnYbmJiNR4yBy/KShBfR6mHRYbJizHe96CtReATVB4";
static const char kat_salt32[] = "$argon2id$v=19$m=47104,t=1,p=1$"
				 "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY$"
				 "VVtbCeNWVgQ0few0TWvv+ljwLtxzxdb8DcY1sEdIXJA";

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(generate_shape)
{
	char display[MFA_BACKUP_DISPLAY_SIZE], code[MFA_BACKUP_CODE_SIZE];
	char again[MFA_BACKUP_CODE_SIZE];
	unsigned int slot, i;

	for (slot = 0; slot < MFA_BACKUP_SLOTS; slot++) {
		ck_assert_int_eq(
		    mfa_backup_generate(slot, display, code), MFA_OK);
		ck_assert_uint_eq(strlen(display), 11);
		ck_assert_uint_eq(strlen(code), MFA_BACKUP_CODE_CHARS);
		ck_assert_int_eq(display[0], (int)('0' + slot));
		ck_assert_int_eq(code[0], (int)('0' + slot));
		ck_assert_int_eq(display[1], '-');
		ck_assert_int_eq(display[6], '-');
		for (i = 1; i < MFA_BACKUP_CODE_CHARS; i++)
			ck_assert_ptr_nonnull(strchr(ALPHABET, code[i]));
		ck_assert_int_eq(
		    mfa_backup_normalize(display, again, &i), MFA_OK);
		ck_assert_str_eq(again, code);
		ck_assert_uint_eq(i, slot);
	}
	ck_assert_int_eq(
	    mfa_backup_generate(10, display, code), MFA_ERR_INVALID);
}
END_TEST

/* 4000 draws of 32 letters: a letter never drawn means a broken sampler. */
START_TEST(generate_uses_whole_alphabet)
{
	char display[MFA_BACKUP_DISPLAY_SIZE], code[MFA_BACKUP_CODE_SIZE];
	unsigned int counts[256] = {0}, n, i;
	char prev[MFA_BACKUP_CODE_SIZE] = "";

	for (n = 0; n < 500; n++) {
		ck_assert_int_eq(
		    mfa_backup_generate(n % 10, display, code), MFA_OK);
		ck_assert_str_ne(code, prev);
		memcpy(prev, code, sizeof(prev));
		for (i = 1; i < MFA_BACKUP_CODE_CHARS; i++)
			counts[(unsigned char)code[i]]++;
	}
	for (i = 0; i < sizeof(ALPHABET) - 1; i++) {
		/* expected 125 each; 40 is more than 7 sigma below */
		ck_assert_msg(counts[(unsigned char)ALPHABET[i]] > 40,
		    "'%c' drawn %u times", ALPHABET[i],
		    counts[(unsigned char)ALPHABET[i]]);
	}
	for (i = 0; i < 256; i++)
		if (strchr(ALPHABET, (int)i) == NULL || i == 0)
			ck_assert_uint_eq(counts[i], 0);
}
END_TEST

static const struct {
	const char *typed;
	const char *norm; /* NULL: refused */
} norm_cases[] = {
    {"3-K7PM-Q2XD", "3K7PMQ2XD"},
    {"3-k7pm-q2xd", "3K7PMQ2XD"},
    {" 3 K7PM Q2XD ", "3K7PMQ2XD"},
    {"3K7PMQ2XD", "3K7PMQ2XD"},
    {"--3--k7Pm q2Xd--", "3K7PMQ2XD"},
    {"0-2345-6789", "023456789"},
    {"9-ZZZZ-ZZZZ", "9ZZZZZZZZ"},
    /* An imported google-authenticator scratch code: slot + 8 digits. */
    {"2-12345678", "212345678"},
    {"0-0000-0001", "000000001"},
    {"212345678", "212345678"},
    {"2-1234567A", NULL},    /* digits and letters: neither form */
    {"2-0BCD-EFGH", NULL},   /* 0 among letters */
    {"2-1234567", NULL},     /* 7 digits */
    {"12345678", NULL},      /* 8 digits: a TOTP code, not a backup code */
    {"3-K7PM-Q2X0", NULL},   /* 0 is not in the alphabet */
    {"3-K7PM-Q2X1", NULL},   /* nor 1 */
    {"3-K7PM-Q2XI", NULL},   /* nor I */
    {"3-K7PM-Q2XO", NULL},   /* nor O */
    {"3-k7pm-q2xo", NULL},   /* nor o, after upper-casing */
    {"3-K7PM-Q2X", NULL},    /* 8 characters */
    {"3-K7PM-Q2XDD", NULL},  /* 10 */
    {"33-K7PM-Q2XD", NULL},  /* 10, two digits */
    {"K-K7PM-Q2XD", NULL},   /* slot not a digit */
    {"-K7PM-Q2XD3", NULL},   /* slot at the end */
    {"3-K7PM\tQ2XD", NULL},  /* tab is not a separator */
    {"3_K7PM_Q2XD", NULL},   /* nor '_' */
    {"3-K7PM-Q2XD\n", NULL}, /* nor a newline */
    {"3-K7PM-Q2\xc3\x89", NULL},
    {"123456", NULL}, /* a TOTP code */
    {"", NULL},
    {"   ", NULL},
};

START_TEST(normalize_table)
{
	char out[MFA_BACKUP_CODE_SIZE];
	unsigned int slot = 99;
	int r = mfa_backup_normalize(norm_cases[_i].typed, out, &slot);

	if (norm_cases[_i].norm == NULL) {
		ck_assert_msg(
		    r == MFA_ERR_FORMAT, "'%s' accepted", norm_cases[_i].typed);
		ck_assert_uint_eq(slot, 99);
		return;
	}
	ck_assert_int_eq(r, MFA_OK);
	ck_assert_str_eq(out, norm_cases[_i].norm);
	ck_assert_uint_eq(slot, (unsigned int)(norm_cases[_i].norm[0] - '0'));
}
END_TEST

START_TEST(normalize_hostile)
{
	char out[MFA_BACKUP_CODE_SIZE];
	size_t n = 1 << 20;
	char *big = malloc(n + 1);

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	big[n] = '\0';
	memcpy(big + n - 11, "3-K7PM-Q2XD", 11);
	/* a megabyte of separators is refused, not walked */
	ck_assert_int_eq(mfa_backup_normalize(big, out, NULL), MFA_ERR_FORMAT);
	free(big);
	ck_assert_int_eq(
	    mfa_backup_normalize(NULL, out, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_backup_normalize("3K7PMQ2XD", NULL, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_backup_normalize("3K7PMQ2XD", out, NULL), MFA_OK);
}
END_TEST

START_TEST(known_answers)
{
	char *phc = NULL;

	ck_assert_int_eq(mfa_backup_hash_salt(kat_code,
			     (const unsigned char *)kat_salt, 16, &phc),
	    MFA_OK);
	ck_assert_str_eq(phc, kat_default);
	/* the reference verifier agrees with our encoding */
	ck_assert_int_eq(argon2id_verify(phc, kat_code, 9), ARGON2_OK);
	free(phc);

	ck_assert_int_eq(mfa_backup_verify(kat_code, kat_default), MFA_OK);
	ck_assert_int_eq(mfa_backup_verify(kat_code, kat_m7168), MFA_OK);
	ck_assert_int_eq(mfa_backup_verify("0ABCDEFGH", kat_salt32), MFA_OK);
	ck_assert_int_eq(
	    mfa_backup_verify("3K7PMQ2XE", kat_default), MFA_ERR_MISMATCH);
	ck_assert_int_eq(
	    mfa_backup_verify("4K7PMQ2XD", kat_default), MFA_ERR_MISMATCH);
	ck_assert_int_eq(
	    mfa_backup_verify("0ABCDEFGH", kat_m7168), MFA_ERR_MISMATCH);
}
END_TEST

START_TEST(hash_verify_round_trip)
{
	char display[MFA_BACKUP_DISPLAY_SIZE], code[MFA_BACKUP_CODE_SIZE];
	char typed[MFA_BACKUP_CODE_SIZE], wrong[MFA_BACKUP_CODE_SIZE];
	char *phc = NULL, *phc2 = NULL;

	ck_assert_int_eq(mfa_backup_generate(7, display, code), MFA_OK);
	ck_assert_int_eq(mfa_backup_hash(code, &phc), MFA_OK);
	ck_assert_int_eq(mfa_backup_phc_check(phc), MFA_OK);
	ck_assert_int_eq(
	    strncmp(phc, "$argon2id$v=19$m=19456,t=2,p=1$", 31), 0);
	ck_assert_int_eq(argon2id_verify(phc, code, 9), ARGON2_OK);
	ck_assert_int_eq(mfa_backup_normalize(display, typed, NULL), MFA_OK);
	ck_assert_int_eq(mfa_backup_verify(typed, phc), MFA_OK);

	/* one character off */
	memcpy(wrong, code, sizeof(wrong));
	wrong[8] = wrong[8] == 'Z' ? 'Y' : 'Z';
	ck_assert_int_eq(mfa_backup_verify(wrong, phc), MFA_ERR_MISMATCH);
	/* same 8 characters, another slot */
	memcpy(wrong, code, sizeof(wrong));
	wrong[0] = '6';
	ck_assert_int_eq(mfa_backup_verify(wrong, phc), MFA_ERR_MISMATCH);

	/* a fresh salt each time */
	ck_assert_int_eq(mfa_backup_hash(code, &phc2), MFA_OK);
	ck_assert_str_ne(phc, phc2);
	ck_assert_int_eq(mfa_backup_verify(code, phc2), MFA_OK);
	free(phc);
	free(phc2);
}
END_TEST

/* Imported scratch codes (slot + 8 digits) hash and verify like ours. */
START_TEST(imported_digits_round_trip)
{
	char norm[MFA_BACKUP_CODE_SIZE], *phc = NULL;
	unsigned int slot = 99;

	ck_assert_int_eq(
	    mfa_backup_normalize("4-87654321", norm, &slot), MFA_OK);
	ck_assert_uint_eq(slot, 4);
	ck_assert_int_eq(mfa_backup_hash(norm, &phc), MFA_OK);
	ck_assert_int_eq(mfa_backup_verify("487654321", phc), MFA_OK);
	ck_assert_int_eq(mfa_backup_verify("487654320", phc), MFA_ERR_MISMATCH);
	free(phc);
}
END_TEST

START_TEST(hash_refuses_unnormalized)
{
	char *phc = (char *)"sentinel";
	unsigned char salt[65] = {0};
	char shortc[MFA_BACKUP_CODE_SIZE] = "3K7PMQ2X"; /* 8 characters */

	ck_assert_int_eq(mfa_backup_hash("3k7pmq2xd", &phc), MFA_ERR_INVALID);
	ck_assert_ptr_null(phc);
	ck_assert_int_eq(mfa_backup_hash("3-K7PM-Q2XD", &phc), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_backup_hash("3K7PMQ2XDX", &phc), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_backup_hash(shortc, &phc), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_backup_hash(NULL, &phc), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_backup_hash(kat_code, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_backup_hash_salt(kat_code, salt, 15, &phc), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_backup_hash_salt(kat_code, salt, 65, &phc), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_backup_verify("3k7pmq2xd", kat_default), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_backup_verify(kat_code, NULL), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_backup_phc_check(NULL), MFA_ERR_INVALID);
}
END_TEST

#define SALT16 "cGFtX21mYS1rYXQtc2FsdA"
#define HASH32 "rA0NmakJc9lBI6ULciOOSzM7u2nbEQevA5WRclveDDI"

static const char *const good_phc[] = {
    kat_default,
    kat_m7168,
    kat_salt32,
    "$argon2id$v=19$m=47104,t=1,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=12288,t=3,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=9216,t=4,p=1$" SALT16 "$" HASH32,
    /* 64-byte salt */
    "$argon2id$v=19$m=19456,t=2,p=1$"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAA$" HASH32,
};

START_TEST(phc_accepts)
{
	ck_assert_int_eq(mfa_backup_phc_check(good_phc[_i]), MFA_OK);
}
END_TEST

static const char *const bad_phc[] = {
    /* costs a user must not be able to choose for root */
    "$argon2id$v=19$m=4194304,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=4294967295,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=4294967295,t=4294967295,p=255$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=2$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=1,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=8,t=1,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=3,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=0$" SALT16 "$" HASH32,
    /* numbers */
    "$argon2id$v=19$m=019456,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=02,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=+19456,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1 $" SALT16 "$" HASH32,
    "$argon2id$v=19$m=18446744073709570072,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=4294986752,t=2,p=1$" SALT16 "$" HASH32,
    /* other types and versions */
    "$argon2i$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2d$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32,
    "$ARGON2ID$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=16$m=19456,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2id$m=19456,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=019$m=19456,t=2,p=1$" SALT16 "$" HASH32,
    /* field order and extra fields */
    "$argon2id$v=19$t=2,m=19456,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1,keyid=abc$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1,data=abc$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32 "$",
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32 "$AAAA",
    "$argon2id$v=19$m=19456,t=2,p=1$$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16,
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16 "$",
    "$argon2id$v=19$m=19456,t=2,p=1$$" HASH32,
    /* salt and hash sizes: 8-byte salt, 15-byte salt, 16 and 33-byte hash */
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAA$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16 "$AAAAAAAAAAAAAAAAAAAAAA",
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16
    "$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    /* 65-byte salt */
    "$argon2id$v=19$m=19456,t=2,p=1$"
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAA$" HASH32,
    /* base64: padding, other alphabets, non-canonical trailing bits */
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16 "==$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32 "=",
    "$argon2id$v=19$m=19456,t=2,p=1$cGFtX21mYS1rYXQtc2FsdB$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16
    "$rA0NmakJc9lBI6ULciOOSzM7u2nbEQevA5WRclveDDJ",
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16
    "$rA0NmakJc9lBI6ULciOOSzM7u2nbEQevA5WRclve_DI",
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16
    "$rA0NmakJc9lBI6ULciOOSzM7u2nbEQevA5WRclve-DI",
    "$argon2id$v=19$m=19456,t=2,p=1$cGFtX21mYS1rYXQtc2FsdA1$" HASH32,
    /* white space and garbage */
    " $argon2id$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32,
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32 " ",
    "$argon2id$v=19$m=19456,t=2,p=1$" SALT16 "$" HASH32 "\n",
    "$argon2id$v=19$m=19456, t=2,p=1$" SALT16 "$" HASH32,
    "",
    "$",
    "$argon2id$",
    "$argon2id$v=19$m=",
    "$argon2id$v=19$m=19456,t=2,p=1",
    "$2b$12$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01",
    "plaintext-3K7PMQ2XD",
};

START_TEST(phc_refuses)
{
	double t0 = now_seconds();

	ck_assert_msg(mfa_backup_phc_check(bad_phc[_i]) == MFA_ERR_FORMAT,
	    "accepted: %s", bad_phc[_i]);
	/* verify refuses the same strings, without hashing: fast */
	ck_assert_int_eq(
	    mfa_backup_verify(kat_code, bad_phc[_i]), MFA_ERR_FORMAT);
	ck_assert_msg(
	    now_seconds() - t0 < 0.1, "took %.3f s", now_seconds() - t0);
}
END_TEST

START_TEST(phc_refuses_overlong)
{
	char buf[2048];
	size_t n;

	/* a valid string with a huge salt, and a string with no end in sight */
	strcpy(buf, "$argon2id$v=19$m=19456,t=2,p=1$");
	n = strlen(buf);
	memset(buf + n, 'A', 1200);
	strcpy(buf + n + 1200, "$" HASH32);
	ck_assert_int_eq(mfa_backup_phc_check(buf), MFA_ERR_FORMAT);
	memset(buf, '$', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	ck_assert_int_eq(mfa_backup_phc_check(buf), MFA_ERR_FORMAT);
}
END_TEST

/*
 * The m=4194304 (4 GiB) string must be refused before any allocation.
 * A child with a 512 MiB address-space limit proves it: had verify handed
 * the parameters to Argon2, the allocation would fail and verify would
 * return MFA_ERR_NOMEM (the control below shows the limit bites), not
 * MFA_ERR_FORMAT.  AddressSanitizer reserves terabytes of address space,
 * so under it the limit is left out and only the result and the time
 * (far below one Argon2 run) are checked.
 */
START_TEST(verify_refuses_before_allocating)
{
	const char *huge = bad_phc[0];
	pid_t pid;
	int status;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		double t0;
		int r;
#if !defined(__SANITIZE_ADDRESS__)
		struct rlimit rl = {512UL << 20, 512UL << 20};
		unsigned char out[32];

		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(10);
		r = argon2id_hash_raw(
		    1, 4194304, 1, kat_code, 9, kat_salt, 16, out, sizeof(out));
		if (r != ARGON2_MEMORY_ALLOCATION_ERROR)
			_exit(11);
#endif
		t0 = now_seconds();
		r = mfa_backup_verify(kat_code, huge);
		if (r != MFA_ERR_FORMAT)
			_exit(12);
		_exit(now_seconds() - t0 < 0.1 ? 0 : 13);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

START_TEST(new_set_fills_secret)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	char code[MFA_BACKUP_CODE_SIZE], *old0;
	unsigned char oldset[8];
	struct mfa_secret *s = NULL;
	unsigned int i, j, slot;

	ck_assert_int_eq(mfa_secret_new(&s), MFA_OK);
	ck_assert_int_eq(mfa_backup_new_set(s, display, 1764017613), MFA_OK);
	ck_assert_int_eq(s->has_backup, 1);
	ck_assert_int_eq(s->backup_created, 1764017613);
	for (i = 0; i < MFA_BACKUP_SLOTS; i++) {
		ck_assert_ptr_nonnull(s->backup[i]);
		ck_assert_int_eq(
		    mfa_backup_normalize(display[i], code, &slot), MFA_OK);
		ck_assert_uint_eq(slot, i);
		ck_assert_int_eq(mfa_backup_verify(code, s->backup[i]), MFA_OK);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(display[i], display[j]);
	}
	/* a code does not open another slot */
	ck_assert_int_eq(mfa_backup_normalize(display[3], code, NULL), MFA_OK);
	ck_assert_int_eq(
	    mfa_backup_verify(code, s->backup[4]), MFA_ERR_MISMATCH);

	/* a second set replaces the first entirely */
	memcpy(oldset, s->backup_set, sizeof(oldset));
	old0 = strdup(s->backup[0]);
	ck_assert_int_eq(mfa_backup_new_set(s, display, 1764020000), MFA_OK);
	ck_assert_int_ne(memcmp(oldset, s->backup_set, sizeof(oldset)), 0);
	ck_assert_str_ne(old0, s->backup[0]);
	ck_assert_int_eq(s->backup_created, 1764020000);
	ck_assert_int_eq(mfa_backup_normalize(display[0], code, NULL), MFA_OK);
	ck_assert_int_eq(mfa_backup_verify(code, old0), MFA_ERR_MISMATCH);
	ck_assert_int_eq(mfa_backup_verify(code, s->backup[0]), MFA_OK);
	free(old0);
	MFA_WIPE_ARRAY(display);
	MFA_WIPE_ARRAY(code);

	ck_assert_int_eq(mfa_backup_new_set(NULL, display, 1), MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_backup_new_set(s, display, -1), MFA_ERR_INVALID);
	mfa_secret_free(s);
}
END_TEST

static Suite *
backup_suite(void)
{
	Suite *s = suite_create("backup");
	TCase *tc = tcase_create("core");

	/* Argon2id at 19 MiB is some 30 ms a hash; a set is 10 of them. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, generate_shape);
	tcase_add_test(tc, generate_uses_whole_alphabet);
	tcase_add_loop_test(tc, normalize_table, 0,
	    (int)(sizeof(norm_cases) / sizeof(norm_cases[0])));
	tcase_add_test(tc, normalize_hostile);
	tcase_add_test(tc, known_answers);
	tcase_add_test(tc, hash_verify_round_trip);
	tcase_add_test(tc, imported_digits_round_trip);
	tcase_add_test(tc, hash_refuses_unnormalized);
	tcase_add_loop_test(
	    tc, phc_accepts, 0, (int)(sizeof(good_phc) / sizeof(good_phc[0])));
	tcase_add_loop_test(
	    tc, phc_refuses, 0, (int)(sizeof(bad_phc) / sizeof(bad_phc[0])));
	tcase_add_test(tc, phc_refuses_overlong);
	tcase_add_test(tc, verify_refuses_before_allocating);
	tcase_add_test(tc, new_set_fills_secret);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(backup_suite());
}
