/*
 * test_skkey.c - a FIDO2 SSH key sshd verified as the second factor
 * (sk_keys=second-factor), through the real libpam.
 *
 * No security key can be touched here, so tests/modules/putenv_authinfo.so
 * stands for sshd and puts the SSH_AUTH_INFO_0 line of an sk key ahead of
 * pam_mfa.  The keys are well-formed public keys of both FIDO2 types; their
 * fingerprints are the ones ssh-keygen -l prints for them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <security/pam_appl.h>

#include "pamh.h"
#include "testutil.h"

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define T0 1111111109
#define SK_ED25519                                                             \
	"publickey sk-ssh-ed25519@openssh.com "                                \
	"AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAECAwQFBgcICQoLDA0ODxAR" \
	"EhMUFRYXGBkaGxwdHh8gAAAABHNzaDo=\n"
#define SK_ED25519_FP "SHA256:nX0hpi5mKbTIJ10yBq5/sLQhiI1Y0RBAqN0drDdgJWs"
#define SK_ECDSA                                                               \
	"publickey sk-ecdsa-sha2-nistp256@openssh.com "                        \
	"AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZAb3BlbnNzaC5jb20AAAAIbmlzdHAyNTYA" \
	"AABBBGsX0fLhLEJH+Lzm5WOkQPJ3A32BLeszoPShOUXYmMKWT+NC4v4af5uO5+tKfA+e" \
	"FivOM1drMV7Oy7ZAaDe/UfUAAAAEc3NoOg==\n"
#define SK_ECDSA_FP "SHA256:Sq6FPgsPWZc3RXSXKFq4uzEhPEwaHZCAoX46/7Q5024"
#define ED25519                                                                \
	"publickey ssh-ed25519 "                                               \
	"AAAAC3NzaC1lZDI1NTE5AAAAICD64LRP+"                                    \
	"EWimdU91FDxIJrvausp5bxNG89G2mjfXYLZ\n"
#define PROMPT "P: Verification code: "
#define PASSED "I: Second factor given by your security key."

static const struct mfa_pamh_service services[] = {
    {"sshd", "", 1, 1, 0},
    {"login", "", 1, 1, 0},
    {NULL, NULL, 0, 0, 0},
};

static struct mfa_pamh_result res;
static int setcred_rv;

/* The fixture's pam_mfa.conf, which every service reads first. */
static void
write_conf(const char *text)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/pam_mfa.conf", mfa_pamh_dir());
	mfa_test_write_file(path, text, strlen(text), 0600);
}

/* The SSH_AUTH_INFO_0 value sshd would give this login. */
static void
set_authinfo(const char *line)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/authinfo", mfa_pamh_dir());
	mfa_test_write_file(path, line, strlen(line), 0600);
	setenv("MFA_TEST_AUTHINFO_FILE", path, 1);
}

static void
setup(void)
{
	mfa_pamh_reset();
	write_conf("sk_keys = second-factor\n");
	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\ntotp-secret " SEED "\n");
	set_authinfo(SK_ED25519);
	mfa_pamh_set_time(T0);
	mfa_pamh_log_clear();
}

/* A login with no answer at all, authenticate and setcred. */
static int
login_no_answer(const char *service)
{
	const char *answers[] = {NULL};

	setcred_rv = -1;
	mfa_pamh_login_setcred(service, "alice", answers, &res, &setcred_rv);
	return res.rv;
}

/* An ed25519 security key is the second factor: no prompt, logged. */
START_TEST(sk_ed25519_is_the_second_factor)
{
	ck_assert_int_eq(login_no_answer("sshd"), PAM_SUCCESS);
	ck_assert_uint_eq(res.nprompts, 0);
	MFA_CK_IN(res.transcript, PASSED);
	ck_assert_int_eq(setcred_rv, PAM_SUCCESS);
	ck_logged("user=alice service=sshd rhost=- method=fido2-key "
		  "result=success key=" SK_ED25519_FP);
}
END_TEST

START_TEST(sk_ecdsa_is_the_second_factor)
{
	set_authinfo(SK_ECDSA);
	ck_assert_int_eq(login_no_answer("sshd"), PAM_SUCCESS);
	ck_assert_uint_eq(res.nprompts, 0);
	ck_logged("method=fido2-key result=success key=" SK_ECDSA_FP);
}
END_TEST

/* Without sk_keys=second-factor (the default), the code is asked. */
START_TEST(sk_key_does_not_count_by_default)
{
	write_conf("# empty\n");
	ck_assert_int_eq(login_no_answer("sshd"), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, PROMPT);
	MFA_CK_NOT_IN(res.transcript, PASSED);
	write_conf("sk_keys = off\n");
	ck_assert_int_eq(login_no_answer("sshd"), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, PROMPT);
}
END_TEST

/* An ordinary key is no second factor: the prompt, then the code. */
START_TEST(ordinary_key_gets_the_prompt)
{
	char code[16];
	const char *answers[] = {code, "n", NULL};

	set_authinfo(ED25519);
	ck_assert_int_eq(login_no_answer("sshd"), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, PROMPT);
	mfa_pamh_oath_code(SEED, T0, code);
	mfa_pamh_login("sshd", "alice", answers, 0, &res);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_logged("method=totp result=success");
	MFA_CK_NOT_IN(mfa_pamh_log(), "fido2-key");
}
END_TEST

/* Outside trust_services= (a console), the environment is not sshd's. */
START_TEST(sk_key_counts_only_on_sshd)
{
	ck_assert_int_eq(login_no_answer("login"), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, PROMPT);
	write_conf("sk_keys = second-factor\ntrust_services = sshd, login\n");
	ck_assert_int_eq(login_no_answer("login"), PAM_SUCCESS);
	MFA_CK_IN(res.transcript, PASSED);
}
END_TEST

/* A locked-out user stays locked out, key or not. */
START_TEST(sk_key_does_not_lift_a_lock_out)
{
	const char *wrong[] = {"000000", NULL};

	write_conf("sk_keys = second-factor\ndeny = 1\ntries = 1\n");
	set_authinfo(ED25519);
	mfa_pamh_login("sshd", "alice", wrong, 0, &res);
	ck_assert_int_eq(res.rv, PAM_AUTH_ERR);
	set_authinfo(SK_ED25519);
	ck_assert_int_ne(login_no_answer("sshd"), PAM_SUCCESS);
	MFA_CK_IN(res.transcript, "Too many failed attempts");
	MFA_CK_NOT_IN(res.transcript, PASSED);
}
END_TEST

/*
 * The key is never a trusted device: no question after it, and once
 * sk_keys= is off, the same key (trust_days is 90) gets the prompt.
 */
START_TEST(sk_key_is_never_a_trusted_device)
{
	ck_assert_int_eq(login_no_answer("sshd"), PAM_SUCCESS);
	MFA_CK_NOT_IN(res.transcript, "Trust this device");
	write_conf("# empty\n");
	mfa_pamh_set_time(T0 + 60);
	ck_assert_int_eq(login_no_answer("sshd"), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, PROMPT);
	MFA_CK_NOT_IN(res.transcript, "trusted device");
}
END_TEST

/*
 * secrets = vault: sshd took the key from the user's own authorized_keys,
 * so it is no second factor there (the user's shell could add one): the
 * code is asked, and the log says why.
 */
START_TEST(sk_key_is_no_second_factor_with_the_vault)
{
	const char *text = "pam_mfa-secret 1\n"
			   "id 00112233445566778899aabbccddeeff\n"
			   "created 1111111000\ntotp-secret " SEED "\n";
	char path[4096], code[16];
	const char *answers[] = {code, "n", NULL};

	snprintf(path, sizeof(path), "%s/.vault", mfa_pamh_state_dir());
	ck_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
	strncat(path, "/alice", sizeof(path) - strlen(path) - 1);
	mfa_test_write_file(path, text, strlen(text), 0600);
	write_conf("sk_keys = second-factor\nsecrets = vault\n");
	ck_assert_int_eq(login_no_answer("sshd"), PAM_CONV_ERR);
	MFA_CK_IN(res.transcript, PROMPT);
	MFA_CK_NOT_IN(res.transcript, PASSED);
	ck_logged("sk_keys=second-factor ignored for alice: with "
		  "secrets=vault a FIDO2 key from the user's authorized_keys "
		  "is no second factor; asking for the code");
	mfa_pamh_oath_code(SEED, T0, code);
	mfa_pamh_login("sshd", "alice", answers, 0, &res);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_logged("method=totp result=success");
}
END_TEST

static Suite *
skkey_suite(void)
{
	Suite *s = suite_create("skkey");
	TCase *tc = tcase_create("skkey");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, sk_ed25519_is_the_second_factor);
	tcase_add_test(tc, sk_ecdsa_is_the_second_factor);
	tcase_add_test(tc, sk_key_does_not_count_by_default);
	tcase_add_test(tc, ordinary_key_gets_the_prompt);
	tcase_add_test(tc, sk_key_counts_only_on_sshd);
	tcase_add_test(tc, sk_key_does_not_lift_a_lock_out);
	tcase_add_test(tc, sk_key_is_no_second_factor_with_the_vault);
	tcase_add_test(tc, sk_key_is_never_a_trusted_device);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, skkey_suite);
}
