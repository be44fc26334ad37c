/*
 * test_doctor_sshd.c - the doctor's sshd unit: sshd_config read as sshd
 * reads it (first value wins, Key=value, quotes, old aliases, Include
 * globs, Match blocks, Include loops), sshd -T output, and the sshd -T
 * runner on stand-in programs.
 */
#include <string.h>
#include <unistd.h>

#include "doctor_test.h"
#include "error.h"

#define CONF DOC_SSHD_CONFIG
#define MS 5000 /* the runner's time-out, as the doctor's */

/* Read root's sshd_config into sc. */
static void
read_conf(struct doc_test *t, struct doc_sshd_conf *sc)
{
	char path[PATH_MAX];

	memset(sc, 0, sizeof(*sc));
	ck_assert_int_eq(
	    mfa_doctor_rooted(&t->d, CONF, path, sizeof(path)), MFA_OK);
	mfa_doctor_sshd_read(&t->d, sc, path);
}

START_TEST(first_value_wins)
{
	const char *root = mfa_test_tmpdir();
	struct doc_sshd_conf sc;
	struct doc_test t;

	doc_test_file(root, CONF,
	    "# comment\n"
	    "\n"
	    "  UsePAM=yes\n"
	    "usepam no\n"
	    "ChallengeResponseAuthentication \"no\"\r\n"
	    "AuthenticationMethods publickey,keyboard-interactive  \n");
	doc_test_begin(&t, root);
	read_conf(&t, &sc);
	ck_assert_uint_eq(sc.files, 1);
	ck_assert_int_eq(sc.s[SK_USEPAM].set, 1);
	ck_assert_str_eq(sc.s[SK_USEPAM].value, "yes");
	ck_assert_str_eq(sc.s[SK_USEPAM].where, CONF " line 3");
	/* The old alias stays visible, its quotes and CR go. */
	ck_assert_str_eq(sc.s[SK_KBDINT].kw, "ChallengeResponseAuthentication");
	ck_assert_str_eq(sc.s[SK_KBDINT].value, "no");
	ck_assert_str_eq(
	    sc.s[SK_METHODS].value, "publickey,keyboard-interactive");
	ck_assert_int_eq(sc.s[SK_PASSWORD].set, 0);
	ck_assert_str_eq(doc_test_text(&t), "");
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(match_block_warns_and_is_not_taken)
{
	const char *root = mfa_test_tmpdir();
	struct doc_sshd_conf sc;
	struct doc_test t;

	doc_test_file(root, CONF,
	    "UsePAM yes\n"
	    "Match User alice\n"
	    "\tPasswordAuthentication yes\n"
	    "\tX11Forwarding no\n"
	    "\tInclude /etc/ssh/other.conf\n");
	doc_test_begin(&t, root);
	read_conf(&t, &sc);
	ck_assert_int_eq(sc.s[SK_PASSWORD].set, 0);
	doc_test_has(&t,
	    "warn: sshd: " CONF " line 3 sets PasswordAuthentication inside "
	    "a Match block: only the global settings are checked; make sure "
	    "the users it matches still get the code prompt");
	doc_test_has(&t,
	    "warn: sshd: " CONF " line 5 sets Include inside a "
	    "Match block: only the global settings are checked; "
	    "make sure the users it matches still get the code "
	    "prompt");
	ck_assert_uint_eq(t.d.warns, 2); /* X11Forwarding: not ours */
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(include_glob_read_in_place)
{
	const char *root = mfa_test_tmpdir();
	struct doc_sshd_conf sc;
	struct doc_test t;

	doc_test_file(root, CONF,
	    "Include sshd_config.d/*.conf \"/etc/ssh/none/*.conf\"\n"
	    "KbdInteractiveAuthentication yes\n"
	    "UsePAM no\n");
	doc_test_file(root, "/etc/ssh/sshd_config.d/20-b.conf", "UsePAM no\n");
	doc_test_file(root, "/etc/ssh/sshd_config.d/10-a.conf",
	    "\n"
	    "KbdInteractiveAuthentication no\n"
	    "UsePAM yes\n");
	doc_test_begin(&t, root);
	read_conf(&t, &sc);
	ck_assert_uint_eq(sc.files, 3);
	ck_assert_str_eq(sc.s[SK_KBDINT].value, "no");
	ck_assert_str_eq(
	    sc.s[SK_KBDINT].where, "/etc/ssh/sshd_config.d/10-a.conf line 2");
	ck_assert_str_eq(sc.s[SK_USEPAM].value, "yes");
	ck_assert_str_eq(doc_test_text(&t), "");
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(include_loop_stops_once)
{
	const char *root = mfa_test_tmpdir();
	struct doc_sshd_conf sc;
	struct doc_test t;

	doc_test_file(root, CONF, "Include /etc/ssh/sshd_config\nUsePAM yes\n");
	doc_test_begin(&t, root);
	read_conf(&t, &sc);
	ck_assert_uint_eq(sc.files, 17); /* depth 0 to 16 */
	ck_assert_uint_eq(t.d.warns, 1);
	doc_test_has(&t,
	    "warn: sshd: Include nested too deeply or too many "
	    "files at " CONF ": the rest is not checked");
	ck_assert_str_eq(sc.s[SK_USEPAM].value, "yes");
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(match_only_takes_no_value)
{
	const char *root = mfa_test_tmpdir();
	struct doc_sshd_conf sc;
	struct doc_test t;
	char path[PATH_MAX];

	doc_test_file(
	    root, CONF, "UsePAM no\nMatch all\nPermitRootLogin yes\n");
	doc_test_begin(&t, root);
	memset(&sc, 0, sizeof(sc));
	sc.match_only = 1;
	ck_assert_int_eq(
	    mfa_doctor_rooted(&t.d, CONF, path, sizeof(path)), MFA_OK);
	mfa_doctor_sshd_read(&t.d, &sc, path);
	ck_assert_int_eq(sc.s[SK_USEPAM].set, 0);
	ck_assert_uint_eq(t.d.warns, 1);
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(sshd_t_output)
{
	char out[] = "port 22\n"
		     "usepam yes\n"
		     "kbdinteractiveauthentication no\n"
		     "authenticationmethods publickey,keyboard-interactive\n"
		     "permitrootlogin without-password";
	struct doc_sshd_conf sc;

	memset(&sc, 0, sizeof(sc));
	mfa_doctor_sshd_t_parse(&sc, out);
	ck_assert_str_eq(sc.s[SK_USEPAM].value, "yes");
	ck_assert_str_eq(sc.s[SK_USEPAM].where, "sshd -T");
	ck_assert_str_eq(sc.s[SK_KBDINT].kw, "KbdInteractiveAuthentication");
	ck_assert_str_eq(sc.s[SK_KBDINT].value, "no");
	ck_assert_str_eq(sc.s[SK_ROOTLOGIN].value, "without-password");
	ck_assert_int_eq(sc.s[SK_PASSWORD].set, 0);
}
END_TEST

/* A stand-in for sshd: a shell script in a private directory. */
static void
fake_sshd(const char *dir, const char *body, char *path, size_t pathsz)
{
	char text[PATH_MAX + 128];

	snprintf(path, pathsz, "%s/sshd", dir);
	ck_assert_int_lt(snprintf(text, sizeof(text), "#!/bin/sh\n%s\n", body),
	    (int)sizeof(text));
	mfa_test_write_file(path, text, strlen(text), 0700);
}

START_TEST(sshd_t_runner)
{
	const char *dir = mfa_test_tmpdir();
	char prog[PATH_MAX], buf[64];
	int status = 7;

	/* It gets -T and a fixed environment. */
	fake_sshd(dir, "echo \"usepam $1 $LC_ALL\"", prog, sizeof(prog));
	ck_assert_int_eq(
	    mfa_doctor_sshd_t_run(prog, MS, buf, sizeof(buf), &status), MFA_OK);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(buf, "usepam -T C\n");
	fake_sshd(dir, "echo bad config >&2; exit 255", prog, sizeof(prog));
	ck_assert_int_eq(
	    mfa_doctor_sshd_t_run(prog, MS, buf, sizeof(buf), &status),
	    MFA_ERR_EXEC);
	ck_assert_int_eq(status, 255);
	/* Output that fills the buffer could miss the setting that matters. */
	fake_sshd(dir,
	    "i=0; while [ $i -lt 100 ]; do echo usepam yes; "
	    "i=$((i+1)); done",
	    prog, sizeof(prog));
	ck_assert_int_eq(
	    mfa_doctor_sshd_t_run(prog, MS, buf, sizeof(buf), &status),
	    MFA_ERR_TOOBIG);
	ck_assert_int_eq(status, -1);
	snprintf(prog, sizeof(prog), "%s/missing", dir);
	ck_assert_int_eq(
	    mfa_doctor_sshd_t_run(prog, MS, buf, sizeof(buf), &status),
	    MFA_ERR_NOENT);
	ck_assert_int_eq(status, -1);
	mfa_test_rm_rf(dir);
}
END_TEST

/*
 * A hung sshd is killed at the time-out with everything it started (the
 * old runner killed only the child and left its children running).
 */
START_TEST(sshd_t_timeout_kills_the_group)
{
	const char *dir = mfa_test_tmpdir();
	char prog[PATH_MAX], pidfile[PATH_MAX], body[PATH_MAX + 64], buf[64];
	long pid = 0;
	int status = 7;
	FILE *f;

	snprintf(pidfile, sizeof(pidfile), "%s/pid", dir);
	snprintf(body, sizeof(body), "sleep 30 & echo $! >%s; wait", pidfile);
	fake_sshd(dir, body, prog, sizeof(prog));
	ck_assert_int_eq(
	    mfa_doctor_sshd_t_run(prog, 1000, buf, sizeof(buf), &status),
	    MFA_ERR_TIMEOUT);
	ck_assert_int_eq(status, -1);
	f = fopen(pidfile, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld", &pid), 1);
	fclose(f);
	ck_assert_msg(mfa_test_process_dies(pid, 3000),
	    "sshd's child %ld still runs", pid);
	mfa_test_rm_rf(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("doctor_sshd");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, first_value_wins);
	tcase_add_test(tc, match_block_warns_and_is_not_taken);
	tcase_add_test(tc, include_glob_read_in_place);
	tcase_add_test(tc, include_loop_stops_once);
	tcase_add_test(tc, match_only_takes_no_value);
	tcase_add_test(tc, sshd_t_output);
	tcase_add_test(tc, sshd_t_runner);
	tcase_add_test(tc, sshd_t_timeout_kills_the_group);
	suite_add_tcase(s, tc);
	return mfa_test_run(s);
}
