/*
 * test_email.c - emailed and SMS codes through the real libpam, with a
 * real SMTP conversation: msmtp as the mail command, talking to a local
 * sink (tests/tools/smtp_sink.py, aiosmtpd) on 127.0.0.1 that the suite
 * starts and stops by its PID.  SMS goes through a script gateway that
 * records its arguments and standard input.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "backup.h"
#include "pamh.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)
#define ck_not_shown(s) MFA_CK_NOT_IN(res.transcript, s)

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109
#define PROMPT "P: Verification code: "

static const struct mfa_pamh_service services[] = {
    {"mfa", "tries=3", 1, 0, 0},
    {"mfa-safe", "failmode=safe", 0, 0, 0},
    {"mfa-notify", "notify", 1, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static pid_t sink_pid = -1;
static int sink_port;
static int mail_base; /* messages the sink had received before this test */
static char maildir[PATH_MAX], gateway_out[PATH_MAX];
static struct mfa_pamh_result res;

/* Run argv without our preloads (pam_wrapper, ASan); its pid. */
static pid_t
spawn(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		unsetenv("LD_PRELOAD");
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Suite fixture, in the parent: start the sink and wait for its port. */
static void
start_sink(void)
{
	char script[PATH_MAX], portfile[PATH_MAX + 8];
	char *argv[] = {
	    (char *)"/usr/bin/python3", script, maildir, portfile, NULL};
	int i;
	FILE *f;

	snprintf(script, sizeof(script), "%s/tests/tools/smtp_sink.py",
	    getenv("MFA_SRC"));
	snprintf(maildir, sizeof(maildir), "%s/mail", mfa_pamh_dir());
	snprintf(portfile, sizeof(portfile), "%s/port", mfa_pamh_dir());
	mkdir(maildir, 0700);
	sink_pid = spawn(argv);
	for (i = 0; i < 200 && sink_port == 0; i++) {
		usleep(50000);
		f = fopen(portfile, "r");
		if (f != NULL) {
			if (fscanf(f, "%d", &sink_port) != 1)
				sink_port = 0;
			fclose(f);
		}
	}
	if (sink_port == 0)
		fprintf(stderr, "test_email: the SMTP sink did not start\n");
}

static void
stop_sink(void)
{
	if (sink_pid > 0) {
		kill(sink_pid, SIGTERM);
		waitpid(sink_pid, NULL, 0);
	}
}

/* pam_mfa.conf for the next logins; mail_command to port (0: our sink). */
static void
write_conf(const char *mail_command, int port)
{
	char text[2 * PATH_MAX + 512];

	snprintf(
	    gateway_out, sizeof(gateway_out), "%s/sms.out", mfa_pamh_dir());
	if (mail_command == NULL)
		snprintf(text, sizeof(text),
		    "mail_command = /usr/bin/msmtp --host=127.0.0.1 --port=%d "
		    "--auth=off --tls=off --from=pam_mfa@example.org -t\n",
		    port != 0 ? port : sink_port);
	else
		snprintf(
		    text, sizeof(text), "mail_command = %s\n", mail_command);
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
	    "sms_command = /bin/sh %s/tests/tools/gateway_probe.sh %s\n",
	    getenv("MFA_SRC"), gateway_out);
	mfa_pamh_write_conf(text);
}

/* How many messages the sink has stored (it numbers them 1, 2, ...). */
static int
count_messages(void)
{
	char path[PATH_MAX + 32];
	int n = 0;

	for (;;) {
		snprintf(path, sizeof(path), "%s/msg-%d.eml", maildir, n + 1);
		if (access(path, F_OK) != 0)
			return n;
		n++;
	}
}

static void
setup(void)
{
	ck_assert_msg(sink_port != 0, "no SMTP sink");
	mfa_pamh_reset();
	mail_base = count_messages();
	unlink(gateway_out);
	mfa_pamh_set_time(T0);
	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\ntotp-secret " SEED "\n"
	    "email alice@example.org\nphone +441234567123\n");
	write_conf(NULL, 0);
}

static int
login(const char *service, const char *a1, const char *a2, const char *a3)
{
	const char *answers[] = {a1, a2, a3, NULL};

	mfa_pamh_login(service, "alice", answers, 0, &res);
	return res.rv;
}

/* The n-th message of this test (1-based), or NULL after a short wait. */
static char *
message(int n)
{
	static char buf[16384];
	char path[PATH_MAX + 32];
	size_t len;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/msg-%d.eml", maildir, mail_base + n);
	for (i = 0; i < 100; i++) {
		f = fopen(path, "r");
		if (f != NULL)
			break;
		usleep(20000);
	}
	if (f == NULL)
		return NULL;
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* The code in a message or SMS text: the digits after "code". */
static void
code_in(const char *text, char out[7])
{
	const char *p = strstr(text, "code is: ");

	if (p == NULL)
		p = strstr(text, "code: ");
	ck_assert_ptr_nonnull(p);
	p = strchr(p, ':') + 2;
	memcpy(out, p, 6);
	out[6] = '\0';
	ck_assert_uint_eq(strspn(out, "0123456789"), 6);
}

START_TEST(enter_sends_code_by_email)
{
	char code[7], *msg;

	ck_assert_int_eq(login("mfa", "", NULL, NULL), PAM_CONV_ERR);
	ck_shown("Press Enter to get a code by email (a\xe2\x80\xa2\xe2\x80\xa2"
		 "\xe2\x80\xa2@example.org).");
	ck_shown("I: A code was sent by email to a\xe2\x80\xa2\xe2\x80\xa2\xe2"
		 "\x80\xa2@example.org. It is valid for 5 minutes.");
	msg = message(1);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(strstr(msg, "To: alice@example.org\n"));
	ck_assert_ptr_nonnull(strstr(msg, "From: pam_mfa@"));
	ck_assert_ptr_nonnull(strstr(msg, "Subject: Your sign-in code for "));
	ck_assert_ptr_nonnull(
	    strstr(msg, "Date: Fri, 18 Mar 2005 01:58:29 +0000"));
	ck_assert_ptr_nonnull(strstr(msg, "Message-ID: <"));
	ck_assert_ptr_nonnull(strstr(msg, "Auto-Submitted: auto-generated\n"));
	code_in(msg, code);
	ck_assert_ptr_null(strstr(mfa_pamh_log(), code));
	/* The code survives the end of that session; it works once. */
	ck_assert_int_eq(login("mfa", code, NULL, NULL), PAM_SUCCESS);
	ck_logged("method=email result=success");
	ck_assert_int_eq(login("mfa", code, "000000", "000000"), PAM_AUTH_ERR);
}
END_TEST

START_TEST(emailed_code_expires)
{
	char code[7];

	login("mfa", "", NULL, NULL);
	code_in(message(1), code);
	mfa_pamh_set_time(T0 + 301);
	ck_assert_int_eq(login("mfa", code, "000000", "000000"), PAM_AUTH_ERR);
}
END_TEST

START_TEST(emailed_code_dies_after_three_wrong)
{
	char code[7], wrong[16];

	login("mfa", "", NULL, NULL);
	code_in(message(1), code);
	snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 1) % 1000000);
	ck_assert_int_eq(login("mfa", wrong, wrong, wrong), PAM_AUTH_ERR);
	ck_assert_int_eq(login("mfa", code, NULL, NULL), PAM_CONV_ERR);
	ck_shown("E: Invalid code.");
}
END_TEST

START_TEST(resend_is_throttled_and_newest_counts)
{
	char first[7], second[7];

	ck_assert_int_eq(login("mfa", "", "", NULL), PAM_CONV_ERR);
	ck_shown("E: A code was sent recently. Check your messages, or ask for "
		 "a new one in 60 seconds.");
	code_in(message(1), first);
	ck_assert_ptr_null(message(2));
	mfa_pamh_set_time(T0 + 60);
	ck_assert_int_eq(login("mfa", "", NULL, NULL), PAM_CONV_ERR);
	code_in(message(2), second);
	if (strcmp(first, second) != 0)
		ck_assert_int_eq(login("mfa", first, NULL, NULL), PAM_CONV_ERR);
	ck_assert_int_eq(login("mfa", second, NULL, NULL), PAM_SUCCESS);
}
END_TEST

START_TEST(right_app_code_spares_the_emailed_code)
{
	char code[7], app[16];

	login("mfa", "", NULL, NULL);
	code_in(message(1), code);
	mfa_pamh_oath_code(SEED, T0, app);
	ck_assert_int_eq(login("mfa", app, NULL, NULL), PAM_SUCCESS);
	ck_logged("method=totp result=success");
	ck_assert_int_eq(login("mfa", code, NULL, NULL), PAM_SUCCESS);
}
END_TEST

/* Delivery failures: fail the method, point elsewhere, log, no hang. */
START_TEST(nothing_listening_fails_cleanly)
{
	char app[16];
	int free_port = sink_port + 1;

	write_conf(NULL, free_port == 65536 ? 1 : free_port);
	mfa_pamh_oath_code(SEED, T0, app);
	ck_assert_int_eq(login("mfa", "", app, NULL), PAM_SUCCESS);
	ck_shown("E: The code could not be sent by email. Use your "
		 "authenticator app or a backup code.");
	ck_logged("sending a code to alice by email failed: mail_command "
		  "(/usr/bin/msmtp) exited with status 75: msmtp: cannot "
		  "connect to 127.0.0.1, port ");
}
END_TEST

/*
 * The log names what the mailer said: the first line of its standard
 * error, control bytes made harmless, runs of six or more digits masked
 * (a gateway echoing its input would log the code), cut at 120 characters.
 */
START_TEST(mailer_complaint_logged)
{
	char script[PATH_MAX], cmd[PATH_MAX + 16], long_line[200], hashes[128];
	const char *text;

	snprintf(script, sizeof(script), "%s/mailer.sh", mfa_pamh_dir());
	text = "cat >/dev/null\n"
	       "printf 'sendmail: bad \\033[31mnews\\t %s\\nsecond line\\n' "
	       "\"$(printf '%0150d' 0)\" >&2\nexit 69\n";
	mfa_test_write_file(script, text, strlen(text), 0700);
	snprintf(cmd, sizeof(cmd), "/bin/sh %s", script);
	write_conf(cmd, 0);
	ck_assert_int_eq(login("mfa", "", NULL, NULL), PAM_CONV_ERR);
	memset(hashes, '#', sizeof(hashes));
	snprintf(long_line, sizeof(long_line),
	    "mail_command (/bin/sh) exited with status 69: sendmail: bad "
	    "?[31mnews? %.*s...",
	    120 - (int)strlen("sendmail: bad ?[31mnews? "), hashes);
	ck_logged(long_line);
	MFA_CK_NOT_IN(mfa_pamh_log(), "second line");
	MFA_CK_NOT_IN(mfa_pamh_log(), "\033");
}
END_TEST

/* A code echoed back (six digits) is masked; a short number is not. */
START_TEST(mailer_echo_masked)
{
	char script[PATH_MAX], cmd[PATH_MAX + 16];
	const char *text;

	snprintf(script, sizeof(script), "%s/mailer.sh", mfa_pamh_dir());
	text = "cat >/dev/null\n"
	       "echo 'gw: code 123456 for +441234567890 refused (error 42)' "
	       ">&2\nexit 1\n";
	mfa_test_write_file(script, text, strlen(text), 0700);
	snprintf(cmd, sizeof(cmd), "/bin/sh %s", script);
	write_conf(cmd, 0);
	ck_assert_int_eq(login("mfa", "", NULL, NULL), PAM_CONV_ERR);
	ck_logged("exited with status 1: gw: code ###### for +############ "
		  "refused (error 42)");
	MFA_CK_NOT_IN(mfa_pamh_log(), "123456");
}
END_TEST

START_TEST(missing_and_hanging_mailers)
{
	time_t t0;

	write_conf("/nonexistent/sendmail -t -i", 0);
	ck_assert_int_eq(login("mfa", "", NULL, NULL), PAM_CONV_ERR);
	ck_shown("could not be sent");
	ck_logged("missing or not executable");
	write_conf("/bin/sleep 120", 0);
	mfa_pamh_set_time(T0 + 60); /* past the throttle of the first try */
	t0 = time(NULL);
	ck_assert_int_eq(login("mfa", "", NULL, NULL), PAM_CONV_ERR);
	ck_assert_int_le(time(NULL) - t0, 30);
	ck_logged("timed out");
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1); /* no zombie */
}
END_TEST

START_TEST(failmode_safe_lets_in_on_failure)
{
	write_conf("/nonexistent/sendmail -t -i", 0);
	/* pam_mfa ignores itself: the password module decides. */
	ck_assert_int_eq(login("mfa-safe", "secret", "", NULL), PAM_SUCCESS);
	ck_logged("result=ignored reason=code not delivered, failmode=safe");
	ck_logged("failmode=safe: alice logs in without a second factor");
}
END_TEST

START_TEST(hostile_address_refused_before_anything_runs)
{
	static const char *const bad[] = {"-X/tmp/x@example.org",
	    "a@b.org\r\nBcc: c@d.org", "\"a b\"@example.org", NULL};
	char text[1024];
	size_t i;

	for (i = 0; bad[i] != NULL; i++) {
		snprintf(text, sizeof(text),
		    "pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
		    "created 1111111000\ntotp-secret " SEED "\nemail %s\n",
		    bad[i]);
		mfa_pamh_write_secret("alice", text);
		ck_assert_int_eq(login("mfa", "", NULL, NULL), PAM_AUTH_ERR);
	}
	ck_assert_ptr_null(message(1));
}
END_TEST

START_TEST(sms_through_gateway)
{
	char buf[8192], code[7];
	size_t len;
	FILE *f;

	ck_assert_int_eq(login("mfa", "sms", NULL, NULL), PAM_CONV_ERR);
	ck_shown("Type sms to get a code by text message (+44");
	ck_shown("I: A code was sent by text message to +44");
	f = fopen(gateway_out, "r");
	ck_assert_ptr_nonnull(f);
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	ck_assert_ptr_nonnull(strstr(buf, "arg: +441234567123\n--- env"));
	ck_assert_ptr_nonnull(strstr(buf, "Nobody will ask you for it."));
	code_in(strstr(buf, "--- stdin"), code);
	ck_assert_int_eq(login("mfa", code, NULL, NULL), PAM_SUCCESS);
	ck_logged("method=sms result=success");
}
END_TEST

START_TEST(notify_on_backup_code)
{
	char norm[MFA_BACKUP_CODE_SIZE], *phc = NULL, text[1024], *msg;
	unsigned int slot;

	ck_assert_int_eq(mfa_backup_normalize("4-K7PM-Q2XD", norm, &slot), 0);
	ck_assert_int_eq(mfa_backup_hash(norm, &phc), 0);
	snprintf(text, sizeof(text),
	    "pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\ntotp-secret " SEED "\n"
	    "email alice@example.org\nbackup-set 0011223344556677\n"
	    "backup 4 %s\n",
	    phc);
	free(phc);
	mfa_pamh_write_secret("alice", text);
	ck_assert_int_eq(
	    login("mfa-notify", "4-K7PM-Q2XD", NULL, NULL), PAM_SUCCESS);
	msg = message(1);
	ck_assert_ptr_nonnull(msg);
	ck_assert_ptr_nonnull(strstr(msg, "Subject: Sign-in notice for "));
	ck_assert_ptr_nonnull(strstr(msg,
	    "A backup code was used to sign in as alice at 2005-03-18 01:58 "
	    "UTC from a local terminal."));
	ck_assert_ptr_null(strstr(msg, "K7PM"));
}
END_TEST

static Suite *
email_suite(void)
{
	Suite *s = suite_create("email");
	TCase *tc = tcase_create("codes");

	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, start_sink, stop_sink);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, enter_sends_code_by_email);
	tcase_add_test(tc, emailed_code_expires);
	tcase_add_test(tc, emailed_code_dies_after_three_wrong);
	tcase_add_test(tc, resend_is_throttled_and_newest_counts);
	tcase_add_test(tc, right_app_code_spares_the_emailed_code);
	tcase_add_test(tc, nothing_listening_fails_cleanly);
	tcase_add_test(tc, mailer_complaint_logged);
	tcase_add_test(tc, mailer_echo_masked);
	tcase_add_test(tc, missing_and_hanging_mailers);
	tcase_add_test(tc, failmode_safe_lets_in_on_failure);
	tcase_add_test(tc, hostile_address_refused_before_anything_runs);
	tcase_add_test(tc, sms_through_gateway);
	tcase_add_test(tc, notify_on_backup_code);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, email_suite);
}
