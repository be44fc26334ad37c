/*
 * test_doctor_conf.c - the doctor's checks of what the configuration
 * points at: each place listed once, pam_mfa.conf's owner and syntax, the
 * state directory's mode, the delivery programs, the syslog socket; under
 * --root DIR, with DIR's owner as the expected owner.
 */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doctor_test.h"
#include "error.h"

#define CONF "/etc/security/pam_mfa.conf"

static void
conf_begin(struct doc_test *t, const char *root)
{
	doc_test_begin(t, root);
	t->d.owner = getuid();
}

/* Each state directory and program once, DOC_TARGETS at most. */
START_TEST(targets_listed_once)
{
	static const char *const confs[] = {
	    "state_dir = /srv/a\nmail_command = /bin/m -t\n",
	    "state_dir = /srv/a\nmail_command = /bin/m -i\n"
	    "sms_command = /bin/s\n",
	    "state_dir = /srv/b\n", "state_dir = /srv/c\n",
	    "state_dir = /srv/d\n", "state_dir = /srv/e\n"};
	struct doc_targets tg;
	struct mfa_config cfg;
	size_t i;

	memset(&tg, 0, sizeof(tg));
	for (i = 0; i < sizeof(confs) / sizeof(confs[0]); i++) {
		ck_assert_int_eq(mfa_config_init(&cfg), MFA_OK);
		ck_assert_int_eq(mfa_config_parse_file(
				     &cfg, confs[i], strlen(confs[i]), NULL, 0),
		    MFA_OK);
		mfa_doctor_targets_from(&tg, &cfg);
		mfa_config_free(&cfg);
	}
	ck_assert_uint_eq(tg.nstate, DOC_TARGETS);
	ck_assert_str_eq(tg.state_dir[0], "/srv/a");
	ck_assert_str_eq(tg.state_dir[3], "/srv/d");
	/* /bin/m once, then the default mail_command of the others. */
	ck_assert_uint_eq(tg.nmail, 2);
	ck_assert_str_eq(tg.mail[0], "/bin/m");
	ck_assert_str_eq(tg.mail[1], "/usr/sbin/sendmail");
	ck_assert_uint_eq(tg.nsms, 1);
}
END_TEST

/* "root", or "uid N": how the doctor names our uid. */
static const char *
me(char *buf, size_t bufsz)
{
	return mfa_doctor_owner_name(getuid(), buf, bufsz);
}

START_TEST(conf_checked)
{
	const char *root = mfa_test_tmpdir();
	char path[PATH_MAX], want[512], who[32];
	struct doc_targets tg;
	struct doc_test t;

	memset(&tg, 0, sizeof(tg));
	conf_begin(&t, root);
	mfa_doctor_check_conf(&t.d, CONF, &tg);
	doc_test_has(&t, "ok: " CONF " does not exist: the defaults apply");
	ck_assert_uint_eq(tg.nstate, 1); /* the default state directory */
	doc_test_end(&t);

	doc_test_file(root, CONF, "state_dir = /srv/x\nwindowx = 3\n");
	snprintf(path, sizeof(path), "%s" CONF, root);
	ck_assert_int_eq(chmod(path, 0620), 0);
	conf_begin(&t, root);
	mfa_doctor_check_conf(&t.d, CONF, &tg);
	snprintf(want, sizeof(want),
	    "FAIL: " CONF ": owner %s, mode 0620: it must be %s's and not "
	    "writable by group or others, or the module refuses it",
	    me(who, sizeof(who)), getuid() == 0 ? "root" : "DIR's owner");
	doc_test_has(&t, want);
	doc_test_has(&t,
	    "FAIL: " CONF " does not parse: pam_mfa.conf line "
	    "2: unknown option 'windowx' (every login through "
	    "pam_mfa fails until it is fixed)");
	ck_assert_uint_eq(t.d.fails, 2);
	ck_assert_ptr_nonnull(t.d.conf_buf); /* kept for the pam_mfa lines */
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

/* mkdir root + dir with mode (umask ignored). */
static void
state_dir(const char *root, const char *dir, mode_t mode)
{
	char path[PATH_MAX];

	doc_test_file(root, "/srv/.keep", "");
	snprintf(path, sizeof(path), "%s%s", root, dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(state_dir_modes)
{
	const char *root = mfa_test_tmpdir();
	char want[512], who[32];
	struct doc_test t;

	state_dir(root, "/srv/ok", 0700);
	state_dir(root, "/srv/seen", 0750);
	state_dir(root, "/srv/open", 0777);
	conf_begin(&t, root);
	mfa_doctor_check_state_dir(&t.d, "/srv/ok");
	mfa_doctor_check_state_dir(&t.d, "/srv/seen");
	mfa_doctor_check_state_dir(&t.d, "/srv/open");
	mfa_doctor_check_state_dir(&t.d, "/srv/none");
	mfa_doctor_check_state_dir(&t.d, "/srv/.keep");
	snprintf(want, sizeof(want),
	    "ok: state directory /srv/ok: owner %s, mode 0700",
	    me(who, sizeof(who)));
	doc_test_has(&t, want);
	doc_test_has(&t,
	    "warn: state directory /srv/seen has mode 0750: "
	    "others can see who is enrolled; chmod 0700 "
	    "/srv/seen");
	doc_test_has(&t,
	    "FAIL: state directory /srv/open has mode 0777: "
	    "writable by group or others, who could reset "
	    "lock-outs; chmod 0700 /srv/open");
	doc_test_has(&t,
	    "warn: state directory /srv/none: No such file or "
	    "directory (the module creates it, mode 0700, at the "
	    "first login)");
	doc_test_has(&t,
	    "FAIL: state directory /srv/.keep is not a directory "
	    "(or is a symbolic link): the module refuses it");
	ck_assert_uint_eq(t.d.fails, 2);
	ck_assert_uint_eq(t.d.warns, 2);
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

START_TEST(programs_and_syslog)
{
	const char *root = mfa_test_tmpdir();
	char path[PATH_MAX];
	struct doc_test t;

	doc_test_file(root, "/bin/mailer", "#!/bin/sh\n");
	snprintf(path, sizeof(path), "%s/bin/mailer", root);
	ck_assert_int_eq(chmod(path, 0755), 0);
	doc_test_file(root, "/bin/plain", "");
	conf_begin(&t, root);
	mfa_doctor_check_program(&t.d, "mail_command", "/bin/mailer", "x");
	mfa_doctor_check_program(
	    &t.d, "sms_command", "/bin/plain", "SMS codes will fail");
	mfa_doctor_check_syslog(&t.d);
	doc_test_has(&t, "ok: mail_command /bin/mailer is executable");
	doc_test_has(&t,
	    "warn: sms_command /bin/plain is missing or not "
	    "executable: SMS codes will fail");
	doc_test_has(&t,
	    "warn: no syslog socket at /dev/log: every line "
	    "pam_mfa logs (failures, lock-outs, refused files) is "
	    "lost; start a syslog daemon (rsyslog) or "
	    "systemd-journald");
	ck_assert_uint_eq(t.d.warns, 2);
	doc_test_end(&t);
	mfa_test_rm_rf(root);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("doctor_conf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, targets_listed_once);
	tcase_add_test(tc, conf_checked);
	tcase_add_test(tc, state_dir_modes);
	tcase_add_test(tc, programs_and_syslog);
	suite_add_tcase(s, tc);
	return mfa_test_run(s);
}
