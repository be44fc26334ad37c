/*
 * test_config.c - the options parser: defaults, every option from the file
 * and from module arguments, overriding, every class of error with its
 * message, dates, groups= matching, secret= expansion and hostile input.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_load.h"
#include "error.h"
#include "testutil.h"

#define ERRSZ 256

/* Parse NUL-terminated text as the file, with err filled. */
static int
parse_text(struct mfa_config *c, const char *text, char *err)
{
	return mfa_config_parse_file(c, text, strlen(text), err, ERRSZ);
}

static void
init(struct mfa_config *c)
{
	ck_assert_int_eq(mfa_config_init(c), MFA_OK);
}

static void
assert_argv(char **argv, const char *const *want)
{
	size_t i;

	ck_assert_ptr_nonnull(argv);
	for (i = 0; want[i] != NULL; i++) {
		ck_assert_ptr_nonnull(argv[i]);
		ck_assert_str_eq(argv[i], want[i]);
	}
	ck_assert_ptr_null(argv[i]);
}

START_TEST(defaults)
{
	static const char *const mail[] = {
	    "/usr/sbin/sendmail", "-t", "-i", NULL};
	struct mfa_config c;

	init(&c);
	ck_assert_str_eq(c.secret, "~/.pam_mfa");
	ck_assert_str_eq(c.state_dir, MFA_STATEDIR);
	ck_assert_str_eq(c.conf, MFA_SYSCONFDIR "/security/pam_mfa.conf");
	ck_assert_int_eq(c.nullok, 0);
	ck_assert_int_eq(c.enroll_at_login, 0);
	ck_assert_int_eq(c.echo_code, 0);
	ck_assert_int_eq(c.debug, 0);
	ck_assert_int_eq(c.trust_keep_on_backup, 0);
	ck_assert_int_eq(c.notify, 0);
	ck_assert_int_eq(c.has_enforce_after, 0);
	ck_assert_int_eq(c.enforce_after, 0);
	ck_assert_ptr_null(c.groups);
	ck_assert_uint_eq(c.ngroups, 0);
	ck_assert_uint_eq(c.window, 1);
	ck_assert_uint_eq(c.tries, 3);
	ck_assert_uint_eq(c.deny, 10);
	ck_assert_uint_eq(c.deny_total, 100);
	ck_assert_uint_eq(c.unlock_time, 900);
	ck_assert_uint_eq(c.code_ttl, 300);
	ck_assert_uint_eq(c.email_interval, 60);
	ck_assert_uint_eq(c.email_hourly_max, 10);
	ck_assert_uint_eq(c.trust_days, 90);
	ck_assert_uint_eq(c.lock_timeout, 5000);
	ck_assert_int_eq(c.trust_by, MFA_TRUST_SSHKEY);
	ck_assert_int_eq(c.failmode, MFA_FAILMODE_SECURE);
	ck_assert_int_eq(c.store, MFA_STORE_FILES);
	ck_assert_str_eq(c.store_conninfo, "/etc/security/pam_mfa.pgsql");
	ck_assert_uint_eq(c.store_timeout, 3000);
	ck_assert_str_eq(c.plugin_dir, MFA_PLUGINDIR);
	ck_assert_int_eq(c.sk_keys, MFA_SK_KEYS_OFF);
	ck_assert_int_eq(c.secrets, MFA_SECRETS_HOME);
	assert_argv(c.mail_argv, mail);
	ck_assert_ptr_null(c.sms_argv);
	ck_assert_ptr_null(c.mail_from);
	ck_assert_ptr_null(c.issuer);
	mfa_config_free(&c);
	ck_assert_ptr_null(c.secret);
	mfa_config_free(&c); /* twice is harmless */
	mfa_config_free(NULL);
	ck_assert_int_eq(mfa_config_init(NULL), MFA_ERR_INVALID);
}
END_TEST

/*
 * Every option with a value that differs from its default.  conf is last
 * because it is only accepted as a module argument.
 */
static const struct {
	const char *key;
	const char *val; /* NULL: a flag */
} every[] = {
    {"code_ttl", "3600"},
    {"debug", NULL},
    {"deny", "0"},
    {"deny_total", "0"},
    {"echo_code", NULL},
    {"email_hourly_max", "20"},
    {"email_interval", "0"},
    {"enforce_after", "2024-02-29"},
    {"enroll_at_login", NULL},
    {"failmode", "safe"},
    {"groups", "wheel, !guests,dev*"},
    {"issuer", "Example Corp (SSH)"},
    {"lock_timeout", "100"},
    {"mail_command", "/usr/bin/msmtp -t --read-envelope-from"},
    {"mail_from", "mfa-noreply@mail.example.org"},
    {"notify", NULL},
    {"nullok", NULL},
    {"plugin_dir", "/opt/mfa/plugins"},
    {"secret", "/srv/mfa/${USER}/secret"},
    {"secrets", "vault"},
    {"sk_keys", "second-factor"},
    {"sms_command", "/usr/local/bin/sms-gw\t--to"},
    {"state_dir", "/srv/mfa-state"},
    {"store", "postgresql"},
    {"store_conninfo", "/etc/pam_mfa/fleet.conninfo"},
    {"store_timeout", "60000"},
    {"tries", "10"},
    {"trust_by", "rhost"},
    {"trust_days", "0"},
    {"trust_keep_on_backup", NULL},
    {"trust_services", "sshd, login\t,su-l"},
    {"unlock_time", "604800"},
    {"window", "10"},
    /* Module arguments only: last, left out of the file. */
    {"line", "common-auth"},
    {"conf", "/etc/pam_mfa-alt.conf"},
};
#define NARGS_ONLY 2
#define NEVERY (sizeof(every) / sizeof(every[0]))

static void
assert_every(const struct mfa_config *c)
{
	static const char *const mail[] = {
	    "/usr/bin/msmtp", "-t", "--read-envelope-from", NULL};
	static const char *const sms[] = {
	    "/usr/local/bin/sms-gw", "--to", NULL};
	static const char *const services[] = {"sshd", "login", "su-l", NULL};

	ck_assert_uint_eq(c->code_ttl, 3600);
	ck_assert_int_eq(c->debug, 1);
	ck_assert_uint_eq(c->deny, 0);
	ck_assert_int_eq(c->echo_code, 1);
	ck_assert_uint_eq(c->email_hourly_max, 20);
	ck_assert_uint_eq(c->email_interval, 0);
	ck_assert_int_eq(c->has_enforce_after, 1);
	ck_assert_int_eq(c->enforce_after, 1709164800);
	ck_assert_int_eq(c->enroll_at_login, 1);
	ck_assert_int_eq(c->failmode, MFA_FAILMODE_SAFE);
	ck_assert_int_eq(c->secrets, MFA_SECRETS_VAULT);
	ck_assert_uint_eq(c->ngroups, 3);
	ck_assert_str_eq(c->groups[0].pattern, "wheel");
	ck_assert_int_eq(c->groups[0].exclude, 0);
	ck_assert_str_eq(c->groups[1].pattern, "guests");
	ck_assert_int_eq(c->groups[1].exclude, 1);
	ck_assert_str_eq(c->groups[2].pattern, "dev*");
	ck_assert_int_eq(c->groups[2].exclude, 0);
	ck_assert_str_eq(c->issuer, "Example Corp (SSH)");
	ck_assert_uint_eq(c->lock_timeout, 100);
	assert_argv(c->mail_argv, mail);
	ck_assert_str_eq(c->mail_from, "mfa-noreply@mail.example.org");
	ck_assert_int_eq(c->notify, 1);
	ck_assert_int_eq(c->nullok, 1);
	ck_assert_str_eq(c->secret, "/srv/mfa/${USER}/secret");
	ck_assert_int_eq(c->sk_keys, MFA_SK_KEYS_SECOND_FACTOR);
	assert_argv(c->sms_argv, sms);
	ck_assert_str_eq(c->state_dir, "/srv/mfa-state");
	ck_assert_int_eq(c->store, MFA_STORE_POSTGRESQL);
	ck_assert_str_eq(c->store_conninfo, "/etc/pam_mfa/fleet.conninfo");
	ck_assert_uint_eq(c->store_timeout, 60000);
	ck_assert_str_eq(c->plugin_dir, "/opt/mfa/plugins");
	ck_assert_uint_eq(c->tries, 10);
	ck_assert_int_eq(c->trust_by, MFA_TRUST_RHOST);
	ck_assert_uint_eq(c->trust_days, 0);
	ck_assert_int_eq(c->trust_keep_on_backup, 1);
	assert_argv(c->trust_services, services);
	ck_assert_uint_eq(c->unlock_time, 604800);
	ck_assert_uint_eq(c->window, 10);
}

START_TEST(every_option_from_file)
{
	struct mfa_config c;
	char text[4096], err[ERRSZ];
	size_t i, o = 0;

	/* Comments, blank lines, odd spacing and a CRLF line on the way. */
	o += (size_t)snprintf(text + o, sizeof(text) - o,
	    "# pam_mfa site policy\n\n   # indented comment\n");
	for (i = 0; i + NARGS_ONLY < NEVERY; i++) {
		if (every[i].val == NULL)
			o += (size_t)snprintf(text + o, sizeof(text) - o,
			    "  %s \r\n", every[i].key);
		else
			o += (size_t)snprintf(text + o, sizeof(text) - o,
			    i % 2 ? "%s = %s\n" : "%s=%s  \t\n", every[i].key,
			    every[i].val);
	}
	ck_assert_uint_lt(o, sizeof(text));
	init(&c);
	ck_assert_int_eq(parse_text(&c, text, err), MFA_OK);
	ck_assert_str_eq(err, "");
	assert_every(&c);
	ck_assert_str_eq(c.conf, MFA_SYSCONFDIR "/security/pam_mfa.conf");
	mfa_config_free(&c);
}
END_TEST

START_TEST(every_option_from_args)
{
	struct mfa_config c;
	char buf[NEVERY][256], err[ERRSZ];
	const char *argv[NEVERY];
	size_t i;

	for (i = 0; i < NEVERY; i++) {
		if (every[i].val == NULL)
			snprintf(buf[i], sizeof(buf[i]), "%s", every[i].key);
		else
			snprintf(buf[i], sizeof(buf[i]), "%s=%s", every[i].key,
			    every[i].val);
		argv[i] = buf[i];
	}
	init(&c);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, (int)NEVERY, argv, err, ERRSZ), MFA_OK);
	ck_assert_str_eq(err, "");
	assert_every(&c);
	ck_assert_str_eq(c.conf, "/etc/pam_mfa-alt.conf");
	ck_assert_str_eq(c.line, "common-auth");
	mfa_config_free(&c);
}
END_TEST

/* The test table covers exactly the parser's options, in its order. */
/* trust_services=: exact names, up to the limits; the default is sshd. */
/* line=: a name for the log, module arguments only, strict characters. */
START_TEST(line_name)
{
	static const char *good[] = {"line=common-auth"}, *empty[] = {"line="};
	static const char *bad[][1] = {{"line=a b"}, {"line=x;y"},
	    {"line=123456789012345678901234567890123"}};
	struct mfa_config c;
	char err[ERRSZ];
	size_t i;

	init(&c);
	ck_assert_ptr_null(c.line);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 1, good, err, ERRSZ), MFA_OK);
	ck_assert_str_eq(c.line, "common-auth");
	mfa_config_free(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		init(&c);
		ck_assert_int_eq(
		    mfa_config_parse_args(&c, 1, bad[i], err, ERRSZ),
		    MFA_ERR_FORMAT);
		ck_assert_ptr_nonnull(
		    strstr(err, "line: 1 to 32 letters, digits"));
		mfa_config_free(&c);
	}
	init(&c);
	ck_assert_int_ne(
	    mfa_config_parse_args(&c, 1, empty, err, ERRSZ), MFA_OK);
	mfa_config_free(&c);
	init(&c);
	ck_assert_int_ne(parse_text(&c, "line = common-auth\n", err), MFA_OK);
	mfa_config_free(&c);
}
END_TEST

START_TEST(trust_services_match)
{
	static const char *const dflt[] = {"sshd", NULL};
	static const char *argv[] = {
	    "trust_services=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,"
	    "s234567890123456789012345678901234567890123456789012345678901234"};
	struct mfa_config c;
	char err[ERRSZ];

	init(&c);
	assert_argv(c.trust_services, dflt);
	ck_assert_int_eq(mfa_config_trust_service(&c, "sshd"), 1);
	ck_assert_int_eq(mfa_config_trust_service(&c, "login"), 0);
	ck_assert_int_eq(mfa_config_trust_service(&c, "SSHD"), 0);
	ck_assert_int_eq(mfa_config_trust_service(&c, "sshd2"), 0);
	ck_assert_int_eq(mfa_config_trust_service(&c, "ssh"), 0);
	ck_assert_int_eq(mfa_config_trust_service(&c, ""), 0);
	ck_assert_int_eq(mfa_config_trust_service(&c, NULL), 0);
	ck_assert_int_eq(mfa_config_trust_service(NULL, "sshd"), 0);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 1, argv, err, sizeof(err)), MFA_OK);
	ck_assert_int_eq(mfa_config_trust_service(&c, "sshd"), 0);
	ck_assert_int_eq(mfa_config_trust_service(&c, "o"), 1);
	ck_assert_int_eq(
	    mfa_config_trust_service(&c,
		"s2345678901234567890123456789012345678901234567890"
		"12345678901234"),
	    1);
	mfa_config_free(&c);
}
END_TEST

START_TEST(option_names_sorted_and_covered)
{
	const char *const *names = mfa_config_option_names();
	size_t n, i;

	for (n = 0; names[n] != NULL; n++) {
		if (n > 0)
			ck_assert_int_lt(strcmp(names[n - 1], names[n]), 0);
		for (i = 0; i < NEVERY; i++)
			if (strcmp(every[i].key, names[n]) == 0)
				break;
		ck_assert_msg(
		    i < NEVERY, "option %s not in the test table", names[n]);
	}
	ck_assert_uint_eq(n, NEVERY);
}
END_TEST

START_TEST(args_override_file)
{
	static const char *const sms[] = {"/usr/bin/gw", NULL};
	static const char *argv[] = {"tries=7", "groups=admins",
	    "sms_command=/usr/bin/gw", "issuer=B", "conf=/etc/other.conf"};
	struct mfa_config c;
	char err[ERRSZ];

	init(&c);
	ck_assert_int_eq(parse_text(&c,
			     "tries = 5\ngroups = wheel,!guests\ndeny = 4\n"
			     "sms_command = /usr/bin/old -x\nissuer = A\n",
			     err),
	    MFA_OK);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 5, argv, err, ERRSZ), MFA_OK);
	ck_assert_uint_eq(c.tries, 7);
	ck_assert_uint_eq(c.deny, 4); /* the file's value stays */
	ck_assert_uint_eq(c.ngroups, 1);
	ck_assert_str_eq(c.groups[0].pattern, "admins");
	assert_argv(c.sms_argv, sms);
	ck_assert_str_eq(c.issuer, "B");
	ck_assert_str_eq(c.conf, "/etc/other.conf");
	mfa_config_free(&c);
}
END_TEST

/*
 * Errors, each tried as line 2 of the file (after a comment) and as the
 * second module argument (after "debug"; so "debug" itself is not used).
 */
static const struct {
	const char *key;
	const char *val; /* NULL: written bare */
	int rc;
} bad[] = {
    /* unknown keys */
    {"fooo", "1", MFA_ERR_UNKNOWN_KEY},
    {"Tries", "3", MFA_ERR_UNKNOWN_KEY},
    {"nullok_", NULL, MFA_ERR_UNKNOWN_KEY},
    /* flags */
    {"nullok", "1", MFA_ERR_FORMAT},
    {"notify", "yes", MFA_ERR_FORMAT},
    {"echo_code", "", MFA_ERR_FORMAT},
    /* numbers */
    {"tries", NULL, MFA_ERR_FORMAT},
    {"tries", "", MFA_ERR_FORMAT},
    {"tries", "-1", MFA_ERR_FORMAT},
    {"tries", "+3", MFA_ERR_FORMAT},
    {"tries", "03", MFA_ERR_FORMAT},
    {"tries", "3x", MFA_ERR_FORMAT},
    {"tries", "0x3", MFA_ERR_FORMAT},
    {"tries", "3 3", MFA_ERR_FORMAT},
    {"tries", "\x01", MFA_ERR_FORMAT},
    {"tries", "0", MFA_ERR_RANGE},
    {"tries", "11", MFA_ERR_RANGE},
    {"window", "11", MFA_ERR_RANGE},
    {"window", "99999999999999999999999", MFA_ERR_RANGE},
    {"tries", "18446744073709551619", MFA_ERR_RANGE}, /* 2^64 + 3 */
    {"deny", "1001", MFA_ERR_RANGE},
    {"deny", "4294967296", MFA_ERR_RANGE},
    {"deny_total", "100001", MFA_ERR_RANGE},
    {"deny_total", "-1", MFA_ERR_FORMAT},
    {"unlock_time", "604801", MFA_ERR_RANGE},
    {"code_ttl", "59", MFA_ERR_RANGE},
    {"code_ttl", "3601", MFA_ERR_RANGE},
    {"email_interval", "3601", MFA_ERR_RANGE},
    {"email_hourly_max", "0", MFA_ERR_RANGE},
    {"email_hourly_max", "21", MFA_ERR_RANGE},
    {"trust_days", "366", MFA_ERR_RANGE},
    /* sk_keys */
    {"sk_keys", "on", MFA_ERR_FORMAT},
    {"sk_keys", "Second-Factor", MFA_ERR_FORMAT},
    {"sk_keys", NULL, MFA_ERR_FORMAT},
    /* trust_services */
    {"trust_services", NULL, MFA_ERR_FORMAT},
    {"trust_services", "sshd,,login", MFA_ERR_FORMAT},
    {"trust_services", "sshd,", MFA_ERR_FORMAT},
    {"trust_services", ", sshd", MFA_ERR_FORMAT},
    {"trust_services", "ss hd", MFA_ERR_FORMAT},
    {"trust_services", "../sshd", MFA_ERR_FORMAT},
    {"trust_services", "ssh\xc3\xa9", MFA_ERR_FORMAT},
    {"trust_services", "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", MFA_ERR_FORMAT},
    {"trust_services",
	"s234567890123456789012345678901234567890123456789012345678901234x",
	MFA_ERR_FORMAT},
    {"lock_timeout", "99", MFA_ERR_RANGE},
    {"lock_timeout", "60001", MFA_ERR_RANGE},
    /* dates */
    {"enforce_after", NULL, MFA_ERR_FORMAT},
    {"enforce_after", "2026-1-01", MFA_ERR_FORMAT},
    {"enforce_after", "2026-02-30", MFA_ERR_FORMAT},
    {"enforce_after", "1999-12-31", MFA_ERR_RANGE},
    /* paths */
    {"state_dir", "var/lib/pam_mfa", MFA_ERR_FORMAT},
    {"state_dir", "/var/lib/\x1b[1m", MFA_ERR_FORMAT},
    {"state_dir", NULL, MFA_ERR_FORMAT},
    {"secret", ".pam_mfa", MFA_ERR_FORMAT},
    {"secret", "${USER}/.pam_mfa", MFA_ERR_FORMAT},
    {"secret", "$HOME/.pam_mfa", MFA_ERR_FORMAT},
    {"secret", "${FOO}/.pam_mfa", MFA_ERR_FORMAT},
    {"secret", "~alice/.pam_mfa", MFA_ERR_FORMAT},
    {"secret", "/srv/../etc/shadow", MFA_ERR_FORMAT},
    {"secret", "~/..", MFA_ERR_FORMAT},
    /* groups */
    {"groups", "wheel,,dev", MFA_ERR_FORMAT},
    {"groups", "wheel,", MFA_ERR_FORMAT},
    {"groups", ",wheel", MFA_ERR_FORMAT},
    {"groups", "!", MFA_ERR_FORMAT},
    {"groups", "wheel,! guests", MFA_ERR_FORMAT},
    {"groups",
	"wh\x7f"
	"eel",
	MFA_ERR_FORMAT},
    /* commands */
    {"mail_command", "sendmail -t -i", MFA_ERR_FORMAT},
    {"mail_command", "/usr/sbin/sendmail -f $USER", MFA_ERR_FORMAT},
    {"mail_command", "/usr/sbin/sendmail -t|/bin/sh", MFA_ERR_FORMAT},
    {"mail_command", "/usr/sbin/sendmail;reboot", MFA_ERR_FORMAT},
    {"mail_command", "/usr/sbin/sendmail `id`", MFA_ERR_FORMAT},
    {"mail_command", "/usr/sbin/sendmail -t >/tmp/x", MFA_ERR_FORMAT},
    {"mail_command", "/usr/sbin/sendmail -t &", MFA_ERR_FORMAT},
    {"sms_command", "/usr/bin/gw \"a b\"", MFA_ERR_FORMAT},
    {"sms_command", "/usr/bin/gw 'a b'", MFA_ERR_FORMAT},
    {"sms_command", "/usr/bin/gw a\\ b", MFA_ERR_FORMAT},
    {"sms_command", "/usr/bin/gw \x01", MFA_ERR_FORMAT},
    {"sms_command", "/usr/bin/gw a b c d e f g h i j k l m n o p",
	MFA_ERR_FORMAT},
    /* mail_from, issuer, choices */
    {"mail_from", "not-an-address", MFA_ERR_FORMAT},
    {"mail_from", "-oQ/tmp@example.com", MFA_ERR_FORMAT},
    {"mail_from", "a@example..com", MFA_ERR_FORMAT},
    {"mail_from", "a..b@example.com", MFA_ERR_FORMAT},
    {"mail_from", "a b@example.com", MFA_ERR_FORMAT},
    {"mail_from", "a@-example.com", MFA_ERR_FORMAT},
    {"mail_from", "a@example.com>", MFA_ERR_FORMAT},
    {"mail_from", "@example.com", MFA_ERR_FORMAT},
    {"mail_from", "root@localhost", MFA_ERR_FORMAT},
    {"mail_from", "a@example.com\x01", MFA_ERR_FORMAT},
    {"issuer", "Example:Corp", MFA_ERR_FORMAT},
    {"issuer", "Caf\xc3\xa9", MFA_ERR_FORMAT},
    {"issuer", "A\x01", MFA_ERR_FORMAT},
    {"issuer",
	"0123456789012345678901234567890123456789012345678901234567890"
	"1234",
	MFA_ERR_FORMAT},
    {"trust_by", "ssh", MFA_ERR_FORMAT},
    {"trust_by", "SSHKEY", MFA_ERR_FORMAT},
    {"failmode", "open", MFA_ERR_FORMAT},
    {"store", "ldap", MFA_ERR_FORMAT},
    {"store", "PostgreSQL", MFA_ERR_FORMAT},
    {"store", NULL, MFA_ERR_FORMAT},
    {"store_conninfo", "relative/file", MFA_ERR_FORMAT},
    {"store_timeout", "99", MFA_ERR_RANGE},
    {"store_timeout", "60001", MFA_ERR_RANGE},
    {"plugin_dir", "lib/pam_mfa", MFA_ERR_FORMAT},
    {"secrets", "root", MFA_ERR_FORMAT},
    {"secrets", "VAULT", MFA_ERR_FORMAT},
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

static void
assert_mentions(const char *err, const char *what)
{
	ck_assert_msg(
	    strstr(err, what) != NULL, "'%s' does not name '%s'", err, what);
}

START_TEST(errors_in_file)
{
	struct mfa_config c;
	char text[512], err[ERRSZ];

	if (bad[_i].val == NULL)
		snprintf(text, sizeof(text), "# x\n%s\n", bad[_i].key);
	else
		snprintf(text, sizeof(text), "# x\n%s = %s\n", bad[_i].key,
		    bad[_i].val);
	init(&c);
	ck_assert_int_eq(parse_text(&c, text, err), bad[_i].rc);
	assert_mentions(err, "pam_mfa.conf line 2: ");
	assert_mentions(err, bad[_i].key);
	mfa_config_free(&c);
}
END_TEST

START_TEST(errors_in_args)
{
	struct mfa_config c;
	char arg[512], err[ERRSZ];
	const char *argv[2] = {"debug", arg};

	if (bad[_i].val == NULL)
		snprintf(arg, sizeof(arg), "%s", bad[_i].key);
	else
		snprintf(arg, sizeof(arg), "%s=%s", bad[_i].key, bad[_i].val);
	init(&c);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 2, argv, err, ERRSZ), bad[_i].rc);
	assert_mentions(err, "module argument 2: ");
	assert_mentions(err, bad[_i].key);
	mfa_config_free(&c);
}
END_TEST

/* Errors that only one of the two sources can have. */
START_TEST(errors_special)
{
	static const char *dup_args[] = {"tries=3", "nullok", "tries=4"};
	static const char *dup_flag[] = {"debug", "debug"};
	static const char *space_args[] = {"tries= 3"};
	static const char *space2[] = {"secret=/x/y "};
	static const char *null_arg[] = {"debug", NULL};
	static const char *noname[] = {"=3"};
	struct mfa_config c;
	char err[ERRSZ];

	init(&c);
	ck_assert_int_eq(
	    parse_text(&c, "tries = 3\n\ntries = 4\n", err), MFA_ERR_DUPLICATE);
	assert_mentions(err, "line 3: ");
	assert_mentions(err, "tries");
	ck_assert_int_eq(
	    parse_text(&c, "debug\n#\ndebug\n", err), MFA_ERR_DUPLICATE);
	assert_mentions(err, "line 3: ");
	ck_assert_int_eq(
	    parse_text(&c, "conf = /etc/x.conf\n", err), MFA_ERR_UNKNOWN_KEY);
	assert_mentions(err, "line 1: option 'conf'");
	ck_assert_int_eq(parse_text(&c, "tries 3\n", err), MFA_ERR_FORMAT);
	assert_mentions(err, "line 1: tries");
	ck_assert_int_eq(parse_text(&c, "#\n= 3\n", err), MFA_ERR_FORMAT);
	assert_mentions(err, "line 2: ");
	ck_assert_int_eq(
	    parse_text(&c, "\x1b[2Jfoo\n", err), MFA_ERR_UNKNOWN_KEY);
	ck_assert_str_eq(err, "pam_mfa.conf line 1: unknown option '?[2Jfoo'");
	ck_assert_int_eq(mfa_config_parse_args(&c, 3, dup_args, err, ERRSZ),
	    MFA_ERR_DUPLICATE);
	assert_mentions(err, "module argument 3: ");
	assert_mentions(err, "tries");
	ck_assert_int_eq(mfa_config_parse_args(&c, 2, dup_flag, err, ERRSZ),
	    MFA_ERR_DUPLICATE);
	ck_assert_int_eq(mfa_config_parse_args(&c, 1, space_args, err, ERRSZ),
	    MFA_ERR_FORMAT);
	assert_mentions(err, "tries");
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 1, space2, err, ERRSZ), MFA_ERR_FORMAT);
	assert_mentions(err, "secret");
	ck_assert_int_eq(mfa_config_parse_args(&c, 2, null_arg, err, ERRSZ),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 1, noname, err, ERRSZ), MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, -1, NULL, err, ERRSZ), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 0, NULL, err, ERRSZ), MFA_OK);
	ck_assert_str_eq(err, ""); /* cleared on success */
	mfa_config_free(&c);
}
END_TEST

/* Values at the edges of their ranges, and other valid spellings. */
START_TEST(valid_edges)
{
	static const char *argv[] = {"mail_command=/usr/bin/msmtp -t",
	    "window=0", "tries=1", "deny=1000", "deny_total=100000",
	    "unlock_time=0", "code_ttl=60", "email_interval=3600",
	    "email_hourly_max=1", "trust_days=365", "lock_timeout=60000",
	    "failmode=secure", "trust_by=sshkey", "mail_from=root@h.example",
	    "groups=!guests", "secret=${HOME}/.config/pam_mfa", "issuer=a",
	    "enforce_after=9999-12-31", "state_dir=/"};
	static const char *const msmtp[] = {"/usr/bin/msmtp", "-t", NULL};
	struct mfa_config c;
	char err[ERRSZ];

	int rc;

	init(&c);
	rc = mfa_config_parse_args(
	    &c, (int)(sizeof(argv) / sizeof(argv[0])), argv, err, ERRSZ);
	ck_assert_msg(rc == MFA_OK, "rc %d: %s", rc, err);
	assert_argv(c.mail_argv, msmtp);
	ck_assert_uint_eq(c.window, 0);
	ck_assert_uint_eq(c.tries, 1);
	ck_assert_uint_eq(c.deny, 1000);
	ck_assert_uint_eq(c.deny_total, 100000);
	ck_assert_uint_eq(c.unlock_time, 0);
	ck_assert_uint_eq(c.code_ttl, 60);
	ck_assert_uint_eq(c.email_interval, 3600);
	ck_assert_uint_eq(c.email_hourly_max, 1);
	ck_assert_uint_eq(c.trust_days, 365);
	ck_assert_uint_eq(c.lock_timeout, 60000);
	ck_assert_int_eq(c.failmode, MFA_FAILMODE_SECURE);
	ck_assert_int_eq(c.trust_by, MFA_TRUST_SSHKEY);
	ck_assert_str_eq(c.mail_from, "root@h.example");
	ck_assert_uint_eq(c.ngroups, 1);
	ck_assert_int_eq(c.groups[0].exclude, 1);
	ck_assert_str_eq(c.secret, "${HOME}/.config/pam_mfa");
	ck_assert_str_eq(c.issuer, "a");
	ck_assert_int_eq(c.enforce_after, 253402214400);
	ck_assert_str_eq(c.state_dir, "/");
	mfa_config_free(&c);
}
END_TEST

/* Commands: 16 words and 256-byte words are the limits. */
START_TEST(command_limits)
{
	struct mfa_config c;
	char val[1200], err[ERRSZ];
	const char *argv[1] = {val};
	size_t o;
	int i;

	init(&c);
	o = (size_t)snprintf(val, sizeof(val), "sms_command=/bin/gw");
	for (i = 0; i < 15; i++)
		o += (size_t)snprintf(val + o, sizeof(val) - o, " \t a%d", i);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 1, argv, err, ERRSZ), MFA_OK);
	ck_assert_str_eq(c.sms_argv[15], "a14");
	ck_assert_ptr_null(c.sms_argv[16]);
	mfa_config_free(&c);

	init(&c);
	o = (size_t)snprintf(val, sizeof(val), "sms_command=/bin/gw ");
	memset(val + o, 'x', 256);
	val[o + 256] = '\0';
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 1, argv, err, ERRSZ), MFA_OK);
	ck_assert_uint_eq(strlen(c.sms_argv[1]), 256);
	mfa_config_free(&c);

	init(&c);
	memset(val + o, 'x', 257);
	val[o + 257] = '\0';
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 1, argv, err, ERRSZ), MFA_ERR_FORMAT);
	assert_mentions(err, "sms_command");
	ck_assert_ptr_null(c.sms_argv); /* a refused value changes nothing */
	mfa_config_free(&c);
}
END_TEST

START_TEST(path_length_limits)
{
	struct mfa_config c;
	char text[1200], err[ERRSZ];
	size_t o;

	init(&c);
	o = (size_t)snprintf(text, sizeof(text), "state_dir = /");
	memset(text + o, 'd', 1023);
	text[o + 1023] = '\0';
	ck_assert_int_eq(parse_text(&c, text, err), MFA_OK);
	ck_assert_uint_eq(strlen(c.state_dir), 1024);
	mfa_config_free(&c);

	init(&c);
	memset(text + o, 'd', 1024);
	text[o + 1024] = '\0';
	ck_assert_int_eq(parse_text(&c, text, err), MFA_ERR_FORMAT);
	assert_mentions(err, "line 1: state_dir");
	ck_assert_str_eq(c.state_dir, MFA_STATEDIR);
	mfa_config_free(&c);
}
END_TEST

static const struct {
	const char *date;
	int rc;
	int64_t t;
} dates[] = {
    {"2024-02-29", MFA_OK, 1709164800},
    {"2000-01-01", MFA_OK, 946684800},
    {"2000-02-29", MFA_OK, 951782400},
    {"2026-03-01", MFA_OK, 1772323200},
    {"2100-03-01", MFA_OK, 4107542400},
    {"9999-12-31", MFA_OK, 253402214400},
    {"2023-02-29", MFA_ERR_FORMAT, 0},
    {"2100-02-29", MFA_ERR_FORMAT, 0},
    {"2026-13-01", MFA_ERR_FORMAT, 0},
    {"2026-00-10", MFA_ERR_FORMAT, 0},
    {"2026-01-00", MFA_ERR_FORMAT, 0},
    {"2026-01-32", MFA_ERR_FORMAT, 0},
    {"2026-04-31", MFA_ERR_FORMAT, 0},
    {"2026-02-30", MFA_ERR_FORMAT, 0},
    {"2026-1-01", MFA_ERR_FORMAT, 0},
    {"2026-01-1", MFA_ERR_FORMAT, 0},
    {"26-01-01", MFA_ERR_FORMAT, 0},
    {"2026/01/01", MFA_ERR_FORMAT, 0},
    {"2026-01-01T00", MFA_ERR_FORMAT, 0},
    {"2026-+1-01", MFA_ERR_FORMAT, 0},
    {"2026-01- 1", MFA_ERR_FORMAT, 0},
    {"+026-01-01", MFA_ERR_FORMAT, 0},
    {"1999-12-31", MFA_ERR_RANGE, 0},
    {"0000-01-01", MFA_ERR_RANGE, 0},
};

START_TEST(date_table)
{
	struct mfa_config c;
	char arg[64], err[ERRSZ];
	const char *argv[1] = {arg};

	snprintf(arg, sizeof(arg), "enforce_after=%s", dates[_i].date);
	init(&c);
	ck_assert_int_eq(
	    mfa_config_parse_args(&c, 1, argv, err, ERRSZ), dates[_i].rc);
	ck_assert_int_eq(c.has_enforce_after, dates[_i].rc == MFA_OK);
	ck_assert_int_eq(c.enforce_after, dates[_i].t);
	if (dates[_i].rc != MFA_OK)
		assert_mentions(err, "enforce_after");
	mfa_config_free(&c);
}
END_TEST

static const struct {
	const char *groups; /* NULL: no groups= */
	const char *user[3];
	int want;
} gm[] = {
    {NULL, {NULL}, 1},
    {NULL, {"users"}, 1},
    {"wheel", {"wheel"}, 1},
    {"wheel", {"users", "wheel"}, 1},
    {"wheel", {"users"}, 0},
    {"wheel", {NULL}, 0},
    {"wheel,!guests,dev*", {"dev-team"}, 1},
    {"wheel,!guests,dev*", {"developers", "guests"}, 0},
    {"wheel,!guests,dev*", {"guests", "wheel"}, 0},
    {"wheel,!guests,dev*", {"staff"}, 0},
    {"!guests", {"users"}, 1},
    {"!guests", {NULL}, 1},
    {"!guests", {"users", "guests"}, 0},
    {"!guests,!contractors", {"contractors"}, 0},
    {"*", {".hidden"}, 1}, /* no FNM_PERIOD */
    {"adm?n", {"admin"}, 1},
    {"adm?n", {"admn"}, 0},
    {"[ab]c", {"bc"}, 1},
    {"domain users", {"domain users"}, 1},
    {"Wheel", {"wheel"}, 0},
};

START_TEST(groups_table)
{
	struct mfa_config c;
	char arg[128], err[ERRSZ];
	const char *argv[1] = {arg};
	size_t n = 0;

	init(&c);
	if (gm[_i].groups != NULL) {
		snprintf(arg, sizeof(arg), "groups=%s", gm[_i].groups);
		ck_assert_int_eq(
		    mfa_config_parse_args(&c, 1, argv, err, ERRSZ), MFA_OK);
	}
	while (n < 3 && gm[_i].user[n] != NULL)
		n++;
	ck_assert_int_eq(
	    mfa_config_groups_match(&c, gm[_i].user, n), gm[_i].want);
	mfa_config_free(&c);
}
END_TEST

static const struct {
	const char *pattern;
	const char *user;
	const char *home;
	int rc;
	const char *want;
} paths[] = {
    {"~/.pam_mfa", "alice", "/home/alice", MFA_OK, "/home/alice/.pam_mfa"},
    {"${HOME}/x", "alice", "/home/alice", MFA_OK, "/home/alice/x"},
    {"/var/lib/x/${USER}", "alice", "/home/alice", MFA_OK, "/var/lib/x/alice"},
    {"/srv/${USER}/${USER}.mfa", "bob", "/h", MFA_OK, "/srv/bob/bob.mfa"},
    {"/srv/a~b/..x/...", "bob", "/h", MFA_OK, "/srv/a~b/..x/..."},
    {"relative/x", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"${USER}/x", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"/srv/../etc/shadow", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"/srv/x/..", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"~/x", "alice", "/home/../etc", MFA_ERR_FORMAT, NULL},
    {"$FOO/x", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"/x/$USER", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"${HOME", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"/x/${user}", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"~alice/x", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"~", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"/a\tb", "alice", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"/x/${USER}", "a\nb", "/home/alice", MFA_ERR_FORMAT, NULL},
    {"/x/${USER}", "../root", "/home/alice", MFA_ERR_INVALID, NULL},
    {"/x/${USER}", "..", "/home/alice", MFA_ERR_INVALID, NULL},
    {"/x/${USER}", "", "/home/alice", MFA_ERR_INVALID, NULL},
    {"~/x", "alice", "home/alice", MFA_ERR_INVALID, NULL},
    {NULL, "alice", "/home/alice", MFA_ERR_INVALID, NULL},
};

START_TEST(expand_table)
{
	char *out = (char *)"sentinel";
	int rc = mfa_config_expand_path(
	    paths[_i].pattern, paths[_i].user, paths[_i].home, &out);

	ck_assert_int_eq(rc, paths[_i].rc);
	if (paths[_i].want != NULL) {
		ck_assert_str_eq(out, paths[_i].want);
		free(out);
	} else {
		ck_assert_ptr_null(out);
	}
}
END_TEST

START_TEST(expand_overlong)
{
	char pat[PATH_MAX + 16], home[PATH_MAX];
	char *out = NULL;
	size_t i;

	pat[0] = '/';
	memset(pat + 1, 'a', PATH_MAX - 2);
	pat[PATH_MAX - 1] = '\0'; /* PATH_MAX - 1 bytes: fits */
	ck_assert_int_eq(mfa_config_expand_path(pat, "u", "/h", &out), MFA_OK);
	ck_assert_uint_eq(strlen(out), PATH_MAX - 1);
	free(out);
	pat[PATH_MAX - 1] = 'a';
	pat[PATH_MAX] = '\0';
	ck_assert_int_eq(
	    mfa_config_expand_path(pat, "u", "/h", &out), MFA_ERR_TOOBIG);
	ck_assert_ptr_null(out);
	/* Short pattern, long expansion. */
	home[0] = '/';
	memset(home + 1, 'h', 1500);
	home[1501] = '\0';
	pat[0] = '\0';
	for (i = 0; i < 3; i++)
		strcat(pat, "${HOME}");
	ck_assert_int_eq(
	    mfa_config_expand_path(pat, "u", home, &out), MFA_ERR_TOOBIG);
	ck_assert_int_eq(
	    mfa_config_expand_path("~/x", "u", "/h", NULL), MFA_ERR_INVALID);
}
END_TEST

/* A deterministic generator, so a failure can be replayed. */
static uint32_t
next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

START_TEST(garbage_100k)
{
	struct mfa_config c;
	size_t len = 100 * 1024, i;
	char *buf = malloc(len), err[ERRSZ];
	uint32_t s = 42;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < len; i++)
		buf[i] = (char)(next_rand(&s) & 0xff);
	init(&c);
	ck_assert_int_eq(mfa_config_parse_file(&c, buf, len, err, sizeof(err)),
	    MFA_ERR_TOOBIG);
	assert_mentions(err, "pam_mfa.conf");
	mfa_config_free(&c);
	free(buf);
}
END_TEST

/*
 * Garbage under the size limit, built from the characters that matter to
 * the parser so that it gets past the first line now and then; and valid
 * files with bytes flipped.  Nothing may crash or leak (ASan run), and
 * every refusal says where.
 */
START_TEST(garbage_below_limit)
{
	static const char alpha[] = "abcdefgnorstuwy_=  \t\n\n#,!*/~${}0123\r";
	static const char good[] = "tries = 3\nnullok\ngroups = a,!b\n"
				   "mail_command = /bin/m -t\n"
				   "enforce_after = 2030-01-31\n";
	struct mfa_config c;
	char buf[MFA_CONFIG_FILE_MAX], err[ERRSZ];
	uint32_t s = (uint32_t)_i + 1;
	size_t len, i;
	int rc;

	len = next_rand(&s) % sizeof(buf);
	for (i = 0; i < len; i++)
		buf[i] = (_i % 2) ? alpha[next_rand(&s) % (sizeof(alpha) - 1)]
				  : (char)(next_rand(&s) & 0xff);
	init(&c);
	rc = mfa_config_parse_file(&c, buf, len, err, sizeof(err));
	ck_assert_int_lt(rc, 0);
	assert_mentions(err, "pam_mfa.conf line ");
	mfa_config_free(&c);

	memcpy(buf, good, sizeof(good) - 1);
	for (i = 0; i < 3; i++)
		buf[next_rand(&s) % (sizeof(good) - 1)] =
		    (char)(next_rand(&s) & 0xff);
	init(&c);
	rc = mfa_config_parse_file(&c, buf, sizeof(good) - 1, err, sizeof(err));
	if (rc != MFA_OK)
		assert_mentions(err, "pam_mfa.conf line ");
	mfa_config_free(&c);
}
END_TEST

START_TEST(nul_bytes)
{
	static const char t1[] = "nullok\n\0debug\n";
	static const char t2[] = "tries = 3\0\n";
	static const char t3[] = "# comment \0 with a NUL\n";
	struct mfa_config c;
	char err[ERRSZ];

	init(&c);
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, t1, sizeof(t1) - 1, err, ERRSZ),
	    MFA_ERR_FORMAT);
	assert_mentions(err, "line 2: NUL");
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, t2, sizeof(t2) - 1, err, ERRSZ),
	    MFA_ERR_FORMAT);
	assert_mentions(err, "line 1: NUL");
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, t3, sizeof(t3) - 1, err, ERRSZ),
	    MFA_ERR_FORMAT);
	mfa_config_free(&c);
}
END_TEST

START_TEST(file_shapes)
{
	struct mfa_config c;
	static char buf[MFA_CONFIG_FILE_MAX + 1];
	char err[ERRSZ];

	init(&c);
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, NULL, 0, err, ERRSZ), MFA_OK);
	ck_assert_int_eq(parse_text(&c, "\n\n \t\r\n", err), MFA_OK);
	/* No final newline, CRLF, trailing blanks. */
	ck_assert_int_eq(parse_text(&c, "deny = 5\r\ntries = 2 ", err), MFA_OK);
	ck_assert_uint_eq(c.deny, 5);
	ck_assert_uint_eq(c.tries, 2);
	/* No inline comments: the value would silently change meaning. */
	ck_assert_int_eq(
	    parse_text(&c, "window = 2 # two steps\n", err), MFA_ERR_FORMAT);
	mfa_config_free(&c);

	/* The longest line, and one byte more. */
	init(&c);
	memset(buf, ' ', MFA_CONFIG_LINE_MAX);
	buf[0] = '#';
	buf[MFA_CONFIG_LINE_MAX] = '\n';
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, buf, MFA_CONFIG_LINE_MAX + 1, err, ERRSZ),
	    MFA_OK);
	buf[MFA_CONFIG_LINE_MAX] = ' ';
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, buf, MFA_CONFIG_LINE_MAX + 1, err, ERRSZ),
	    MFA_ERR_TOOBIG);
	assert_mentions(err, "line 1: line longer");

	/* The largest file, and one byte more. */
	memset(buf, '\n', sizeof(buf));
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, buf, MFA_CONFIG_FILE_MAX, err, ERRSZ),
	    MFA_OK);
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, buf, MFA_CONFIG_FILE_MAX + 1, err, ERRSZ),
	    MFA_ERR_TOOBIG);
	ck_assert_int_eq(
	    mfa_config_parse_file(NULL, "x", 1, err, ERRSZ), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, NULL, 1, err, ERRSZ), MFA_ERR_INVALID);
	mfa_config_free(&c);
}
END_TEST

START_TEST(error_buffer_handling)
{
	struct mfa_config c;
	char small[12];

	init(&c);
	/* No buffer at all. */
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, "x\n", 2, NULL, 0), MFA_ERR_UNKNOWN_KEY);
	/* A small buffer is truncated and still terminated. */
	memset(small, 'Z', sizeof(small));
	ck_assert_int_eq(
	    mfa_config_parse_file(&c, "fooo\n", 5, small, sizeof(small)),
	    MFA_ERR_UNKNOWN_KEY);
	ck_assert_str_eq(small, "pam_mfa.con");
	mfa_config_free(&c);
}
END_TEST

START_TEST(find_conf)
{
	static const char *a1[] = {"debug", "conf=/etc/x.conf", "nullok"};
	static const char *a2[] = {"debug", "confx=/y", "conf="};
	static const char *a3[] = {NULL, "conf=/z"};
	static const char *a4[] = {"conf=etc/x.conf", "conf=/etc/y.conf"};
	static const char *a5[] = {"conf=/etc/\x1b.conf"};

	ck_assert_str_eq(mfa_config_find_conf(3, a1), "/etc/x.conf");
	ck_assert_ptr_null(mfa_config_find_conf(3, a2));
	ck_assert_str_eq(mfa_config_find_conf(2, a3), "/z");
	ck_assert_ptr_null(mfa_config_find_conf(1, a1));
	/* Refused values are left for mfa_config_parse_args to report. */
	ck_assert_ptr_null(mfa_config_find_conf(2, a4));
	ck_assert_ptr_null(mfa_config_find_conf(1, a5));
	ck_assert_ptr_null(mfa_config_find_conf(0, NULL));
}
END_TEST

/*
 * A site file readable by all is fine; one writable by group or others is
 * refused with its path said once and the real reason (issue 15: 0664
 * printed the path twice and "group or others have access").
 */
START_TEST(load_file_modes)
{
	static const unsigned int ok_modes[] = {0644, 0600, 0444};
	static const unsigned int bad_modes[] = {0664, 0646, 0666};
	char dir[4096], path[4200], arg[4300], err[512], want[4400];
	const char *argv[1] = {arg};
	struct mfa_config c;
	size_t i;

	ck_assert_int_eq(mfa_test_safe_tmpdir("cfgload", dir, sizeof(dir)), 0);
	snprintf(path, sizeof(path), "%s/pam_mfa.conf", dir);
	snprintf(arg, sizeof(arg), "conf=%s", path);
	for (i = 0; i < sizeof(ok_modes) / sizeof(ok_modes[0]); i++) {
		unlink(path);
		mfa_test_write_file(path, "tries = 2\n", 10, ok_modes[i]);
		ck_assert_int_eq(
		    mfa_config_load(&c, 1, argv, err, sizeof(err)), MFA_OK);
		ck_assert_uint_eq(c.tries, 2);
		mfa_config_free(&c);
	}
	for (i = 0; i < sizeof(bad_modes) / sizeof(bad_modes[0]); i++) {
		unlink(path);
		mfa_test_write_file(path, "tries = 2\n", 10, bad_modes[i]);
		ck_assert_int_eq(mfa_config_load(&c, 1, argv, err, sizeof(err)),
		    MFA_ERR_UNSAFE);
		snprintf(want, sizeof(want),
		    "%s: writable by group or others (mode %04o)", path,
		    bad_modes[i]);
		ck_assert_str_eq(err, want);
	}
	mfa_test_rm_rf(dir);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, every_option_from_file);
	tcase_add_test(tc, every_option_from_args);
	tcase_add_test(tc, option_names_sorted_and_covered);
	tcase_add_test(tc, args_override_file);
	tcase_add_loop_test(tc, errors_in_file, 0, (int)NBAD);
	tcase_add_loop_test(tc, errors_in_args, 0, (int)NBAD);
	tcase_add_test(tc, errors_special);
	tcase_add_test(tc, valid_edges);
	tcase_add_test(tc, command_limits);
	tcase_add_test(tc, path_length_limits);
	tcase_add_loop_test(
	    tc, date_table, 0, (int)(sizeof(dates) / sizeof(dates[0])));
	tcase_add_loop_test(
	    tc, groups_table, 0, (int)(sizeof(gm) / sizeof(gm[0])));
	tcase_add_loop_test(
	    tc, expand_table, 0, (int)(sizeof(paths) / sizeof(paths[0])));
	tcase_add_test(tc, expand_overlong);
	tcase_add_test(tc, garbage_100k);
	tcase_add_loop_test(tc, garbage_below_limit, 0, 64);
	tcase_add_test(tc, nul_bytes);
	tcase_add_test(tc, file_shapes);
	tcase_add_test(tc, error_buffer_handling);
	tcase_add_test(tc, find_conf);
	tcase_add_test(tc, load_file_modes);
	tcase_add_test(tc, trust_services_match);
	tcase_add_test(tc, line_name);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(config_suite());
}
