/*
 * test_trust.c - "Trust this device for 90 days" through the real libpam.
 *
 * A test-only module (tests/modules/putenv_authinfo.c) puts the file named
 * by MFA_TEST_AUTHINFO_FILE into SSH_AUTH_INFO_0 ahead of pam_mfa, as sshd
 * does after a publickey method.  A "yes" becomes a trusted device only in
 * pam_setcred, so logins here run authenticate and setcred in one
 * transaction, as sshd does.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "backup.h"
#include "pamh.h"
#include "testutil.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)
#define ck_not_shown(s) MFA_CK_NOT_IN(res.transcript, s)

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109 /* 2005-03-18 01:58:29 UTC */
#define DAY 86400
#define KEY1                                                                   \
	"publickey ssh-ed25519 "                                               \
	"AAAAC3NzaC1lZDI1NTE5AAAAICD64LRP+"                                    \
	"EWimdU91FDxIJrvausp5bxNG89G2mjfXYLZ\n"
#define KEY2                                                                   \
	"publickey ssh-ed25519 "                                               \
	"AAAAC3NzaC1lZDI1NTE5AAAAIGTCGwk56n0n4RJWTe5PN2kbqy1tGO82+"            \
	"rGiCydhfGHB\n"
#define ASK "Q: Trust this device for 90 days? [y/N]: "
#define CODE_PROMPT "P: Verification code: "
#define BACKUP_CODE "3-K7PM-Q2XD"

/* Trust is offered only on the services trust_services= names. */
#define TS "trust_services=ssh,ssh2,sshpw,ssh-keep,ssh-30,ssh-off,rhost "

static const struct mfa_pamh_service services[] = {
    {"ssh", TS, 1, 1, 0},
    {"ssh2", TS, 1, 1, 0},
    {"sshpw", TS, 0, 1, 0},
    {"ssh-keep", TS "trust_keep_on_backup", 1, 1, 0},
    {"ssh-30", TS "trust_days=30", 1, 1, 0},
    {"ssh-off", TS "trust_days=0", 1, 1, 0},
    {"rhost", TS "trust_by=rhost", 1, 0, 1},
    {"console", "", 1, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static struct mfa_pamh_result res;
static int setcred_rv;
static int64_t now;
static char backup_line[512];

static void
write_secret(const char *id, unsigned int generation)
{
	char text[2048];

	snprintf(text, sizeof(text),
	    "pam_mfa-secret 1\nid %s\ncreated 1111111000\n"
	    "totp-secret " SEED "\ntrust-generation %u\n"
	    "backup-set 0011223344556677\n%s",
	    id, generation, backup_line);
	mfa_pamh_write_secret("alice", text);
}

static void
set_authinfo(const char *value, size_t len)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/authinfo", mfa_pamh_dir());
	mfa_test_write_file(path, value, len, 0600);
	setenv("MFA_TEST_AUTHINFO_FILE", path, 1);
}

static void
setup(void)
{
	char norm[MFA_BACKUP_CODE_SIZE], *phc = NULL;
	unsigned int slot;

	mfa_pamh_reset();
	ck_assert_int_eq(mfa_backup_normalize(BACKUP_CODE, norm, &slot), 0);
	ck_assert_int_eq(mfa_backup_hash(norm, &phc), 0);
	snprintf(backup_line, sizeof(backup_line), "backup %u %s\n", slot, phc);
	free(phc);
	write_secret("00112233445566778899aabbccddeeff", 0);
	set_authinfo(KEY1, strlen(KEY1));
	now = T0;
	mfa_pamh_set_time(now);
}

/* Log in at the next time step (codes are single use) with answers. */
static int
login_at(const char *service, int64_t t, const char *a1, const char *a2)
{
	char code[16];
	const char *answers[] = {code, a1, a2, NULL};

	now = t;
	mfa_pamh_set_time(now);
	mfa_pamh_oath_code(SEED, now, code);
	setcred_rv = -1;
	mfa_pamh_login_setcred(service, "alice", answers, &res, &setcred_rv);
	return res.rv;
}

/* A login with no answers at all: only a trusted device gets in. */
static int
login_silent_device(const char *service, int64_t t)
{
	const char *answers[] = {NULL};

	now = t;
	mfa_pamh_set_time(now);
	mfa_pamh_login_setcred(service, "alice", answers, &res, &setcred_rv);
	return res.rv;
}

/* alice's trusted devices in the store. */
static int
devices_in_state(void)
{
	return mfa_pamh_count(mfa_pamh_state_text("alice"), "\ndevice ");
}

/* Trust KEY1 on "ssh" at time t. */
static void
trust_key1(int64_t t)
{
	set_authinfo(KEY1, strlen(KEY1));
	ck_assert_int_eq(login_at("ssh", t, "y", NULL), PAM_SUCCESS);
	ck_assert_int_eq(setcred_rv, PAM_SUCCESS);
	ck_assert_int_eq(devices_in_state(), 1);
}

START_TEST(first_login_asks_then_skips)
{
	ck_assert_int_eq(login_at("ssh", T0, "y", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
	ck_shown(ASK);
	ck_shown("I: This device will be trusted for 90 days.");
	ck_assert_int_eq(setcred_rv, PAM_SUCCESS);
	ck_assert_int_eq(devices_in_state(), 1);
	/* The key trusted, as ssh-keygen -l prints KEY1's print. */
	ck_logged("user=alice service=ssh trusted a device "
		  "key=SHA256:flratgjUX9C0Ooyoo9oA7zTnuuBmaGRYNZg2r/XV3Eg");
	mfa_pamh_log_clear();
	ck_assert_int_eq(login_silent_device("ssh", T0 + 3600), PAM_SUCCESS);
	ck_assert_uint_eq(res.nprompts, 0);
	ck_shown("I: Second factor skipped: trusted device, until 2005-06-16.");
	ck_logged("method=trusted-device result=success");
	/* A key that was read is no refusal: no "no identity" notice. */
	MFA_CK_NOT_IN(mfa_pamh_log(), "no trusted-device identity");
}
END_TEST

START_TEST(other_key_or_service_is_asked)
{
	trust_key1(T0);
	set_authinfo(KEY2, strlen(KEY2));
	ck_assert_int_eq(login_at("ssh", T0 + 30, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
	ck_shown(ASK);
	set_authinfo(KEY1, strlen(KEY1));
	ck_assert_int_eq(login_at("ssh2", T0 + 60, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
	/* "n" trusted nothing. */
	ck_assert_int_eq(devices_in_state(), 1);
}
END_TEST

START_TEST(expiry_is_absolute)
{
	trust_key1(T0);
	/* Use does not extend it. */
	ck_assert_int_eq(
	    login_silent_device("ssh", T0 + 80 * DAY), PAM_SUCCESS);
	ck_assert_int_eq(
	    login_silent_device("ssh", T0 + 90 * DAY - 1), PAM_SUCCESS);
	ck_assert_int_eq(
	    login_at("ssh", T0 + 90 * DAY, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
}
END_TEST

START_TEST(only_yes_trusts)
{
	static const char *const no[] = {
	    "n", "", "no", "yess", "yes please", "Y\n", "\xd1\x83", NULL};
	size_t i;

	for (i = 0; no[i] != NULL; i++) {
		ck_assert_int_eq(
		    login_at("ssh", T0 + 30 * (int64_t)i, no[i], NULL),
		    PAM_SUCCESS);
		ck_assert_msg(devices_in_state() == 0, "answer %zu trusted", i);
	}
	ck_assert_int_eq(login_at("ssh", T0 + 600, "YES", NULL), PAM_SUCCESS);
	ck_assert_int_eq(devices_in_state(), 1);
}
END_TEST

/* A "yes" in a login whose password was wrong never becomes trust. */
START_TEST(failed_stack_trusts_nothing)
{
	char code[16], code2[16];
	const char *bad[] = {"wrong", code, "y", NULL};
	const char *good[] = {"secret", code2, "n", NULL};

	mfa_pamh_oath_code(SEED, T0, code);
	mfa_pamh_login_setcred("sshpw", "alice", bad, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	ck_shown(ASK); /* asked: the module cannot see the password result */
	ck_assert_int_eq(devices_in_state(), 0);
	/* A later good login from the same key does not pick that "yes" up. */
	mfa_pamh_set_time(T0 + 30);
	mfa_pamh_oath_code(SEED, T0 + 30, code2);
	mfa_pamh_login_setcred("sshpw", "alice", good, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_assert_int_eq(setcred_rv, PAM_SUCCESS);
	ck_assert_int_eq(devices_in_state(), 0);
}
END_TEST

START_TEST(backup_code_login_forgets_devices)
{
	const char *answers[] = {BACKUP_CODE, NULL};

	trust_key1(T0);
	set_authinfo(KEY2, strlen(KEY2));
	mfa_pamh_login_setcred("ssh", "alice", answers, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_not_shown("Trust this device");
	ck_assert_int_eq(devices_in_state(), 0);
	set_authinfo(KEY1, strlen(KEY1));
	ck_assert_int_eq(login_at("ssh", T0 + 30, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
}
END_TEST

START_TEST(backup_code_keeps_devices_when_asked)
{
	const char *answers[] = {BACKUP_CODE, "n", NULL};

	trust_key1(T0);
	set_authinfo(KEY2, strlen(KEY2));
	mfa_pamh_login_setcred("ssh-keep", "alice", answers, &res, &setcred_rv);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_shown(ASK);
	ck_assert_int_eq(devices_in_state(), 1);
}
END_TEST

START_TEST(generation_bump_forgets_devices)
{
	trust_key1(T0);
	write_secret("00112233445566778899aabbccddeeff", 1);
	ck_assert_int_eq(login_at("ssh", T0 + 30, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
}
END_TEST

START_TEST(reenrolment_forgets_devices)
{
	trust_key1(T0);
	write_secret("ffeeddccbbaa99887766554433221100", 0);
	ck_assert_int_eq(login_at("ssh", T0 + 30, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
}
END_TEST

START_TEST(admin_reset_forgets_devices)
{
	trust_key1(T0);
	ck_assert(mfa_pamh_state_has("alice"));
	mfa_pamh_state_remove("alice");
	ck_assert_int_eq(login_at("ssh", T0 + 30, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
}
END_TEST

/* Hostile SSH_AUTH_INFO_0: no trust offered or honoured, no crash. */
START_TEST(hostile_authinfo_offers_nothing)
{
	static char big[1024 * 1024];
	const char *const values[] = {KEY1 KEY2, "publickey ssh-ed25519 AAAA\n",
	    "publickey ssh-ed25519 "
	    "AAAAC3NzaC1lZDI1NTE5AAAAICD64LRP+"
	    "EWimdU91FDxIJrvausp5bxNG89G2mjfXYLZ"
	    "\r\n",
	    "publickey  ssh-ed25519 x\n", "password\n", "garbage", big, NULL};
	size_t i;

	memset(big, 'A', sizeof(big) - 1);
	memcpy(big, KEY1, strlen(KEY1) - 1);
	for (i = 0; values[i] != NULL; i++) {
		set_authinfo(values[i], strlen(values[i]));
		ck_assert_int_eq(
		    login_at("ssh", T0 + 30 * (int64_t)i, "y", NULL),
		    PAM_SUCCESS);
		ck_assert_msg(strstr(res.transcript, "Trust this") == NULL,
		    "value %zu offered trust", i);
	}
	ck_assert_int_eq(devices_in_state(), 0);
}
END_TEST

START_TEST(no_offer_when_silent_off_or_console)
{
	char code[16];
	const char *answers[] = {code, "y", NULL};

	mfa_pamh_oath_code(SEED, T0, code);
	mfa_pamh_login("ssh", "alice", answers, PAM_SILENT, &res);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_not_shown("Trust this");
	ck_assert_int_eq(login_at("ssh-off", T0 + 30, "y", NULL), PAM_SUCCESS);
	ck_not_shown("Trust this");
	ck_assert_int_eq(login_at("console", T0 + 60, "y", NULL), PAM_SUCCESS);
	ck_not_shown("Trust this");
	ck_assert_int_eq(login_at("ssh-30", T0 + 90, "y", NULL), PAM_SUCCESS);
	ck_shown("Q: Trust this device for 30 days? [y/N]: ");
}
END_TEST

START_TEST(trust_by_rhost)
{
	setenv("PAM_RHOST", "192.0.2.7", 1);
	ck_assert_int_eq(login_at("rhost", T0, "y", NULL), PAM_SUCCESS);
	ck_shown(ASK);
	ck_assert_int_eq(login_silent_device("rhost", T0 + 60), PAM_SUCCESS);
	setenv("PAM_RHOST", "192.0.2.8", 1);
	ck_assert_int_eq(login_at("rhost", T0 + 90, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
	unsetenv("PAM_RHOST");
}
END_TEST

/* An ed25519 SSH_AUTH_INFO_0 line for a made-up key number n. */
static void
fake_key(unsigned int n, char *out, size_t outsz)
{
	unsigned char blob[51] = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd',
	    '2', '5', '5', '1', '9', 0, 0, 0, 32};
	unsigned char b64[80];

	blob[19] = (unsigned char)n;
	EVP_EncodeBlock(b64, blob, sizeof(blob));
	snprintf(out, outsz, "publickey ssh-ed25519 %s\n", b64);
}

START_TEST(at_most_twenty_devices)
{
	char line[128];
	unsigned int i;

	for (i = 0; i < 21; i++) {
		fake_key(i, line, sizeof(line));
		set_authinfo(line, strlen(line));
		ck_assert_int_eq(
		    login_at("ssh", T0 + 30 * (int64_t)i, "y", NULL),
		    PAM_SUCCESS);
	}
	ck_assert_int_eq(devices_in_state(), 20);
	/* The oldest (key 0) was dropped, the newest kept. */
	fake_key(0, line, sizeof(line));
	set_authinfo(line, strlen(line));
	ck_assert_int_eq(login_at("ssh", T0 + 3000, "n", NULL), PAM_SUCCESS);
	ck_shown(CODE_PROMPT);
	fake_key(20, line, sizeof(line));
	set_authinfo(line, strlen(line));
	ck_assert_int_eq(login_silent_device("ssh", T0 + 3100), PAM_SUCCESS);
}
END_TEST

static Suite *
trust_suite(void)
{
	Suite *s = suite_create("trust");
	TCase *tc = tcase_create("devices");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, first_login_asks_then_skips);
	tcase_add_test(tc, other_key_or_service_is_asked);
	tcase_add_test(tc, expiry_is_absolute);
	tcase_add_test(tc, only_yes_trusts);
	tcase_add_test(tc, failed_stack_trusts_nothing);
	tcase_add_test(tc, backup_code_login_forgets_devices);
	tcase_add_test(tc, backup_code_keeps_devices_when_asked);
	tcase_add_test(tc, generation_bump_forgets_devices);
	tcase_add_test(tc, reenrolment_forgets_devices);
	tcase_add_test(tc, admin_reset_forgets_devices);
	tcase_add_test(tc, hostile_authinfo_offers_nothing);
	tcase_add_test(tc, no_offer_when_silent_off_or_console);
	tcase_add_test(tc, trust_by_rhost);
	tcase_add_test(tc, at_most_twenty_devices);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, trust_suite);
}
