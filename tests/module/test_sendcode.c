/*
 * test_sendcode.c - sending a one-time code during a login
 * (pam_mfa/sendcode.c), without a mailer: which channel a reply asks for,
 * the words of the info line, and the throttle, whose decisions are taken
 * before anything is delivered.  The "mailer" is /bin/false where a send
 * must fail.
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "fakepam.h"
#include "login.h"
#include "otpcode.h"
#include "secretfile.h"
#include "sendcode.h"
#include "store.h"
#include "store_files.h"
#include "testutil.h"

#define NOW 1800000000
#define BULLETS "\xe2\x80\xa2\xe2\x80\xa2\xe2\x80\xa2"
#define EMAIL "alice@example.com"
#define PHONE "+441234567890"

static struct mfa_login lg;
static char dir[4096];

/* A login of alice with the options args and the addresses given. */
static void
start(const char *email, const char *phone, int argc, const char **argv)
{
	char err[256];

	memset(&lg, 0, sizeof(lg));
	lg.pamh = fakepam_start("sshd", "alice");
	ck_assert_ptr_nonnull(lg.pamh);
	lg.log.pamh = lg.pamh;
	lg.now = NOW;
	lg.username = "alice";
	strcpy(lg.user_clean, "alice");
	ck_assert_int_eq(mfa_config_init(&lg.cfg), MFA_OK);
	ck_assert_msg(mfa_config_parse_args(
			  &lg.cfg, argc, argv, err, sizeof(err)) == MFA_OK,
	    "%s", err);
	ck_assert_int_eq(mfa_secret_new(&lg.secret), MFA_OK);
	if (email != NULL)
		ck_assert_int_eq(
		    mfa_secret_set_email(lg.secret, email, NULL, 0), MFA_OK);
	if (phone != NULL)
		ck_assert_int_eq(
		    mfa_secret_set_phone(lg.secret, phone, NULL, 0), MFA_OK);
}

/* The same, with a state directory of its own. */
static void
start_with_store(const char *email, int argc, const char **argv)
{
	char why[256];

	start(email, NULL, argc, argv);
	ck_assert_int_eq(mfa_test_safe_tmpdir("sendcode", dir, sizeof(dir)), 0);
	ck_assert_msg(
	    mfa_store_open(dir, 1, &lg.store, why, sizeof(why)) == MFA_OK, "%s",
	    why);
}

static void
teardown(void)
{
	mfa_store_close(lg.store);
	mfa_secret_free(lg.secret);
	mfa_config_free(&lg.cfg);
	fakepam_end(lg.pamh);
	memset(&lg, 0, sizeof(lg));
	if (dir[0] != '\0')
		mfa_test_rm_rf(dir);
	dir[0] = '\0';
}

static const char *sms_args[] = {"sms_command=/bin/false"};

static const struct {
	const char *email, *phone;
	int sms; /* sms_command= set */
	enum mfa_method want, got;
} channels[] = {
    /* An empty reply: email first, else SMS. */
    {EMAIL, NULL, 0, MFA_METHOD_NONE, MFA_METHOD_EMAIL},
    {EMAIL, PHONE, 1, MFA_METHOD_NONE, MFA_METHOD_EMAIL},
    {NULL, PHONE, 1, MFA_METHOD_NONE, MFA_METHOD_SMS},
    {NULL, NULL, 1, MFA_METHOD_NONE, MFA_METHOD_NONE},
    /* A number without sms_command= is no channel. */
    {NULL, PHONE, 0, MFA_METHOD_NONE, MFA_METHOD_NONE},
    {NULL, PHONE, 0, MFA_METHOD_SMS, MFA_METHOD_NONE},
    /* "email" / "sms": that channel or none. */
    {EMAIL, PHONE, 1, MFA_METHOD_SMS, MFA_METHOD_SMS},
    {EMAIL, NULL, 1, MFA_METHOD_SMS, MFA_METHOD_NONE},
    {NULL, PHONE, 1, MFA_METHOD_EMAIL, MFA_METHOD_NONE},
    {EMAIL, PHONE, 1, MFA_METHOD_EMAIL, MFA_METHOD_EMAIL},
};

START_TEST(channel_choice)
{
	start(
	    channels[_i].email, channels[_i].phone, channels[_i].sms, sms_args);
	ck_assert_int_eq(
	    mfa_sendcode_channel(&lg, channels[_i].want), channels[_i].got);
}
END_TEST

static const struct {
	const char *email, *phone;
	const char *line;
} describes[] = {
    {NULL, NULL, ""},
    {EMAIL, NULL,
	" Press Enter to get a code by email (a" BULLETS "@example.com)."},
    {NULL, PHONE,
	" Type sms to get a code by text message (+44" BULLETS BULLETS
	"\xe2\x80\xa2"
	"890)."},
    {EMAIL, PHONE,
	" Press Enter to get a code by email (a" BULLETS "@example.com)."
	" Type sms to get a code by text message (+44" BULLETS BULLETS
	"\xe2\x80\xa2"
	"890)."},
};

START_TEST(describe_line)
{
	char out[256];

	start(describes[_i].email, describes[_i].phone, 1, sms_args);
	mfa_sendcode_describe(&lg, out, sizeof(out));
	ck_assert_str_eq(out, describes[_i].line);
}
END_TEST

/* A buffer too small for both parts keeps a terminated string. */
START_TEST(describe_small_buffer)
{
	char out[40];

	start(EMAIL, PHONE, 1, sms_args);
	mfa_sendcode_describe(&lg, out, sizeof(out));
	ck_assert_uint_eq(strlen(out), sizeof(out) - 1);
	ck_assert(strncmp(out, " Press Enter", 12) == 0);
}
END_TEST

START_TEST(no_address_sends_nothing)
{
	start(NULL, NULL, 0, NULL);
	ck_assert_int_eq(mfa_sendcode(&lg, MFA_METHOD_EMAIL), MFA_SEND_NONE);
	ck_assert_str_eq(lg.pamh->transcript, "");
}
END_TEST

/* Put send times into alice's record. */
static void
sent_at(const int64_t *times, size_t n)
{
	struct mfa_store_txn *txn = NULL;
	struct mfa_state st;
	char why[256];
	size_t i;

	ck_assert_int_eq(mfa_store_begin(lg.store, "alice", 1000, &st, &txn,
			     why, sizeof(why)),
	    MFA_OK);
	for (i = 0; i < n; i++)
		mfa_otpcode_note_send(&st, times[i]);
	ck_assert_int_eq(mfa_store_commit(txn, &st, NOW), MFA_OK);
	mfa_store_end(txn);
	mfa_state_wipe(&st);
}

static void
read_state(struct mfa_state *st)
{
	char why[256];

	ck_assert_int_eq(
	    mfa_store_read(lg.store, "alice", 1000, st, why, sizeof(why)),
	    MFA_OK);
}

/* Sends already in the record, seconds ago, and the wait they impose. */
static const struct {
	int64_t ago[3];
	size_t n;
	const char *arg; /* an option, or NULL */
	const char *wait;
} throttles[] = {
    /* email_interval=60: a code sent 10 s ago means 50 s more. */
    {{10}, 1, NULL, "50 seconds"},
    {{59}, 1, NULL, "1 second"},
    /* email_hourly_max: until the oldest of the hour ages out. */
    {{3000, 2000, 1000}, 3, "email_hourly_max=3", "600 seconds"},
};

/* Throttled: told when to retry; no new code, nothing counted. */
START_TEST(throttle)
{
	const char *args[] = {throttles[_i].arg};
	int64_t t[3];
	struct mfa_state st;
	char want[256];
	size_t i;

	for (i = 0; i < throttles[_i].n; i++)
		t[i] = NOW - throttles[_i].ago[i];
	start_with_store(EMAIL, throttles[_i].arg != NULL, args);
	sent_at(t, throttles[_i].n);
	ck_assert_int_eq(mfa_sendcode(&lg, MFA_METHOD_EMAIL), MFA_SEND_WAIT);
	snprintf(want, sizeof(want),
	    "E: A code was sent recently. Check your messages, or ask for a "
	    "new one in %s.\n",
	    throttles[_i].wait);
	ck_assert_str_eq(lg.pamh->transcript, want);
	read_state(&st);
	ck_assert_int_eq(st.otp.active, 0);
	ck_assert_uint_eq(st.nsends, throttles[_i].n);
	mfa_state_wipe(&st);
}
END_TEST

/*
 * A failed delivery: the user is pointed to the other methods, the log
 * says why, and the attempt counts toward the throttle (the code was
 * issued before delivery).
 */
START_TEST(failed_delivery)
{
	const char *args[] = {"mail_command=/bin/false"};
	struct mfa_state st;

	start_with_store(EMAIL, 1, args);
	ck_assert_int_eq(mfa_sendcode(&lg, MFA_METHOD_EMAIL), MFA_SEND_FAILED);
	ck_assert_str_eq(lg.pamh->transcript,
	    "E: The code could not be sent by email. Use your authenticator "
	    "app or a backup code.\n");
	ck_assert_ptr_nonnull(
	    strstr(lg.pamh->log, "sending a code to alice by email failed"));
	read_state(&st);
	ck_assert_uint_eq(st.nsends, 1);
	ck_assert_int_eq(st.otp.active, 1);
	mfa_state_wipe(&st);
	/* At once again: throttled, not sent twice. */
	lg.pamh->transcript[0] = '\0';
	lg.pamh->transcript_len = 0;
	lg.now = NOW + 1;
	ck_assert_int_eq(mfa_sendcode(&lg, MFA_METHOD_EMAIL), MFA_SEND_WAIT);
	ck_assert_ptr_nonnull(strstr(lg.pamh->transcript, "in 59 seconds."));
}
END_TEST

static Suite *
sendcode_suite(void)
{
	Suite *s = suite_create("sendcode");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, channel_choice, 0,
	    (int)(sizeof(channels) / sizeof(channels[0])));
	tcase_add_loop_test(tc, describe_line, 0,
	    (int)(sizeof(describes) / sizeof(describes[0])));
	tcase_add_test(tc, describe_small_buffer);
	tcase_add_test(tc, no_address_sends_nothing);
	tcase_add_loop_test(
	    tc, throttle, 0, (int)(sizeof(throttles) / sizeof(throttles[0])));
	tcase_add_test(tc, failed_delivery);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return mfa_test_run(sendcode_suite());
}
