/*
 * test_deliver.c - handing a code to the delivery program: the argument
 * vector it gets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "deliver.h"
#include "error.h"
#include "testutil.h"

/* The words a program sees, one a line, from a file it wrote. */
static void
read_words(const char *path, char *buf, size_t bufsz)
{
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, bufsz - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/*
 * sms_command= of the longest length the parser allows, held in an array
 * with no room for anything after its last word: the word count bounds
 * the copy before any word is read, so nothing past the array is touched
 * (under AddressSanitizer a read past it aborts the test).
 */
START_TEST(full_command_read_within_bounds)
{
	char dir[4096], out[4200], script[4300], want[512] = "", why[256] = "";
	char **argv;
	struct mfa_config cfg;
	size_t i, n = 0;

	snprintf(dir, sizeof(dir), "%s", mfa_test_tmpdir());
	snprintf(out, sizeof(out), "%s/words", dir);
	snprintf(script, sizeof(script), "printf '%%s\\n' \"$@\" >'%s'", out);
	ck_assert_int_eq(mfa_config_init(&cfg), MFA_OK);
	argv = malloc(MFA_CONFIG_CMD_WORDS * sizeof(*argv));
	ck_assert_ptr_nonnull(argv);
	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = script;
	argv[3] = "sh";
	for (i = 4; i < MFA_CONFIG_CMD_WORDS; i++) {
		argv[i] = "w";
		n += (size_t)snprintf(want + n, sizeof(want) - n, "w\n");
	}
	snprintf(want + n, sizeof(want) - n, "+15551234567\n");
	cfg.sms_argv = argv;
	ck_assert_int_eq(mfa_deliver_code(&cfg, MFA_METHOD_SMS, "+15551234567",
			     "alice", "123456", 300, 0, why, sizeof(why)),
	    MFA_OK);
	cfg.sms_argv = NULL;
	free(argv);
	mfa_config_free(&cfg);
	read_words(out, script, sizeof(script));
	mfa_test_rm_rf(dir);
	ck_assert_str_eq(script, want);
}
END_TEST

static Suite *
deliver_suite(void)
{
	Suite *s = suite_create("deliver");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, full_command_read_within_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(deliver_suite());
}
