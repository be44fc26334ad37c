/*
 * test_vault.c - secrets = vault through the real libpam (pam_wrapper):
 * the enrolment is root's record below the state directory
 * (STATE/.vault/NAME), files in the home change nothing, and a request the
 * user leaves in the home (~/.pam_mfa-request) is honoured only after the
 * current factor succeeded, and takes effect only in pam_setcred.
 *
 * TOTP, backup codes, an emailed code, a trusted device and enrolment at
 * login each run once in vault mode; with MFA_TEST_STORE_CONF (another
 * store, tests/lib/pamh.h) the vault is that store's, and the fixtures
 * reach it through vault.h; the last test moves three home
 * enrolments into the vault with mfa-enroll --all import-home (root only:
 * mfa-enroll switches to each user).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "backup.h"
#include "error.h"
#include "mem.h"
#include "pamh.h"
#include "store.h"
#include "testutil.h"
#include "vault.h"

#define ck_shown(s) MFA_CK_IN(res.transcript, s)
#define ck_not_shown(s) MFA_CK_NOT_IN(res.transcript, s)

#define SEED "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
#define SEED2 "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
#define T0 1111111109
#define CODE_T0 "081804"
#define BACKUP_CODE "3-K7PM-Q2XD"
#define KEY1                                                                   \
	"publickey ssh-ed25519 "                                               \
	"AAAAC3NzaC1lZDI1NTE5AAAAICD64LRP+"                                    \
	"EWimdU91FDxIJrvausp5bxNG89G2mjfXYLZ\n"
#define SHOWN_KEY "the key into the app ("
#define ASKED_APP "I: You asked for a new authenticator"

static const struct mfa_pamh_service services[] = {
    {"v", "secrets=vault", 1, 0, 0},
    {"v1", "secrets=vault tries=1", 1, 0, 0},
    {"v-pw", "secrets=vault", 0, 0, 0},
    {"v-enrol", "secrets=vault enroll_at_login", 1, 0, 0},
    {"v-ssh", "secrets=vault trust_services=v-ssh", 1, 1, 0},
    {"home", "", 1, 0, 0},
    {NULL, NULL, 0, 0, 0},
};

static struct mfa_pamh_result res;
static int64_t now;
static char backup_line[512];
static char new_code[16];
static char shown_key[160]; /* the last key the module showed */

/* ---- fixtures ---- */

static void
vault_path(const char *user, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/.vault/%s", mfa_pamh_state_dir(), user);
}

/* The vault of the hooked store (MFA_TEST_STORE_CONF), open. */
static void
hooked_vault(struct mfa_vault *v)
{
	v->store = mfa_pamh_store_open();
	v->state_dir = mfa_pamh_state_dir();
	v->lock_timeout = 5000;
}

/* text as user's record in the hooked store's vault. */
static void
hooked_put(const char *user, const char *text)
{
	struct mfa_secret *s = NULL;
	struct mfa_vault v;
	char why[512] = "";
	int rc;

	ck_assert_int_eq(mfa_secret_parse(text, strlen(text), &s, NULL), 0);
	hooked_vault(&v);
	rc = mfa_vault_write(&v, user, MFA_VAULT_CURRENT,
	    MFA_SECRET_WRITE_REPLACE, s, why, sizeof(why));
	ck_assert_msg(rc == MFA_OK, "vault write: %s", why);
	mfa_secret_free(s);
	mfa_store_close(v.store);
}

/* user's record in the hooked store's vault into buf ("" when none). */
static void
hooked_get(const char *user, char *buf, size_t bufsz)
{
	struct mfa_secret *s = NULL;
	struct mfa_vault v;
	char why[512] = "", *text = NULL;
	size_t len = 0;
	int rc;

	hooked_vault(&v);
	rc = mfa_vault_load(&v, user, MFA_VAULT_CURRENT, &s, why, sizeof(why));
	mfa_store_close(v.store);
	buf[0] = '\0';
	if (rc == MFA_ERR_NOENT)
		return;
	ck_assert_msg(rc == MFA_OK, "vault load: %s", why);
	ck_assert_int_eq(mfa_secret_serialize(s, &text, &len), 0);
	snprintf(buf, bufsz, "%s", text);
	mfa_freezero(text, len);
	mfa_secret_free(s);
}

/* Empty the hooked store's vault of the fixture's users. */
static void
hooked_clear(void)
{
	static const char *const users[] = {"alice", "bob", "carol"};
	struct mfa_vault v;
	size_t i;

	hooked_vault(&v);
	for (i = 0; i < 3; i++) {
		mfa_vault_write(&v, users[i], MFA_VAULT_CURRENT,
		    MFA_SECRET_WRITE_REMOVE, NULL, NULL, 0);
		mfa_vault_write(&v, users[i], MFA_VAULT_PENDING,
		    MFA_SECRET_WRITE_REMOVE, NULL, NULL, 0);
	}
	mfa_store_close(v.store);
}

/* A record in the vault, as mfa-enroll --user would leave it; a version
 * 2 record when extra names other authenticators. */
static void
vault_put(const char *user, const char *seed, const char *extra)
{
	char path[4096], text[2048];

	snprintf(text, sizeof(text),
	    "pam_mfa-secret %d\nid 00112233445566778899aabbccddeeff\n"
	    "created 1111111000\ntotp-secret %s\n%s",
	    extra != NULL && strstr(extra, "authenticator ") != NULL ? 2 : 1,
	    seed, extra != NULL ? extra : "");
	if (mfa_pamh_store_hooked()) {
		hooked_put(user, text);
		return;
	}
	snprintf(path, sizeof(path), "%s/.vault", mfa_pamh_state_dir());
	ck_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
	vault_path(user, path, sizeof(path));
	mfa_test_write_file(path, text, strlen(text), 0600);
}

/* The vault record of user, "" when there is none. */
static const char *
vault_get(const char *user)
{
	static char buf[8192];
	char path[4096];
	size_t n = 0;
	FILE *f;

	if (mfa_pamh_store_hooked()) {
		hooked_get(user, buf, sizeof(buf));
		return buf;
	}
	vault_path(user, path, sizeof(path));
	buf[0] = '\0';
	f = fopen(path, "r");
	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

/* The base32 key of user's vault record. */
static const char *
vault_key(const char *user)
{
	static char key[160];
	const char *p = strstr(vault_get(user), "totp-secret ");

	ck_assert_ptr_nonnull(p);
	sscanf(p, "totp-secret %159s", key);
	return key;
}

static void
request_path(const char *user, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s/.pam_mfa-request", mfa_pamh_home(user));
}

/* What the user's own mfa-enroll leaves: "authenticator" or "backup-codes". */
static void
put_request(const char *user, const char *what)
{
	char path[4096], text[128];

	request_path(user, path, sizeof(path));
	snprintf(text, sizeof(text), "pam_mfa-request 1\n%s\n", what);
	mfa_test_write_file(path, text, strlen(text), 0600);
}

static int
has_request(const char *user)
{
	char path[4096];

	request_path(user, path, sizeof(path));
	return access(path, F_OK) == 0;
}

/* pam_mfa.conf: emailed codes go to DIR/mail.out through a script. */
static void
write_conf(void)
{
	char path[4096], text[8192];

	snprintf(path, sizeof(path), "%s/mail.sh", mfa_pamh_dir());
	snprintf(text, sizeof(text), "cat >%s/mail.out\n", mfa_pamh_dir());
	mfa_test_write_file(path, text, strlen(text), 0700);
	snprintf(text, sizeof(text), "mail_command = /bin/sh %s/mail.sh\n",
	    mfa_pamh_dir());
	mfa_pamh_write_conf(text);
}

/* The code of the last email, "" when there is none. */
static const char *
mailed_code(void)
{
	static char code[8];
	char path[4096], buf[8192];
	const char *p;
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/mail.out", mfa_pamh_dir());
	code[0] = '\0';
	f = fopen(path, "r");
	if (f == NULL)
		return code;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strstr(buf, "code is: ");
	if (p != NULL)
		snprintf(code, sizeof(code), "%.6s", p + strlen("code is: "));
	return code;
}

/*
 * "@NEWCODE": the code, at the test clock, of the key the module has just
 * shown (the line after "... the key into the app (...):").
 */
static const char *
answer_hook(const char *token, const char *transcript)
{
	char key[160];
	const char *p = strstr(transcript, SHOWN_KEY);
	size_t n = 0;

	if (strcmp(token, "@MAIL") == 0)
		return mailed_code();
	ck_assert_str_eq(token, "@NEWCODE");
	ck_assert_msg(p != NULL, "no key shown:\n%s", transcript);
	p = strstr(p, "\nI:     ");
	ck_assert_ptr_nonnull(p);
	for (p += strlen("\nI:     "); *p != '\n' && *p != '\0'; p++)
		if (*p != ' ' && n + 1 < sizeof(key))
			key[n++] = *p;
	key[n] = '\0';
	snprintf(shown_key, sizeof(shown_key), "%s", key);
	mfa_pamh_oath_code(key, now, new_code);
	return new_code;
}

static void
setup(void)
{
	char norm[MFA_BACKUP_CODE_SIZE], *phc = NULL, path[4096];
	unsigned int slot;

	mfa_pamh_reset();
	write_conf();
	if (mfa_pamh_store_hooked())
		hooked_clear();
	ck_assert_int_eq(mfa_backup_normalize(BACKUP_CODE, norm, &slot), 0);
	ck_assert_int_eq(mfa_backup_hash(norm, &phc), 0);
	snprintf(backup_line, sizeof(backup_line),
	    "backup-set 0011223344556677\nbackup %u %s\n", slot, phc);
	free(phc);
	request_path("alice", path, sizeof(path));
	unlink(path);
	snprintf(path, sizeof(path), "%s/mail.out", mfa_pamh_dir());
	unlink(path);
	mfa_pamh_set_answer_hook(answer_hook);
	now = T0;
	mfa_pamh_set_time(now);
}

/* A login at time t; setcred runs too (as sshd does) when it succeeded. */
static int
login_at(const char *service, int64_t t, const char *a1, const char *a2,
    const char *a3)
{
	const char *answers[] = {a1, a2, a3, NULL};
	int setcred_rv = -1;

	now = t;
	mfa_pamh_set_time(now);
	mfa_pamh_login_setcred(service, "alice", answers, &res, &setcred_rv);
	return res.rv;
}

static const char *
code_at(const char *seed, int64_t t)
{
	static char code[16];

	mfa_pamh_oath_code(seed, t, code);
	return code;
}

/* ---- the vault decides, the home does not ---- */

START_TEST(vault_totp_and_planted_home_file)
{
	vault_put("alice", SEED, NULL);
	/* Someone with alice's shell plants a file with a key they know. */
	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 1\n"
	    "id ffeeddccbbaa99887766554433221100\n"
	    "created 1111111000\n"
	    "totp-secret " SEED2 "\n");
	ck_assert_int_eq(
	    login_at("v1", T0, code_at(SEED2, T0), NULL, NULL), PAM_AUTH_ERR);
	ck_assert_int_eq(
	    login_at("v", T0 + 30, code_at(SEED, T0 + 30), NULL, NULL),
	    PAM_SUCCESS);
	ck_logged("user=alice service=v rhost=- method=totp result=success");
	/* The same file counts in home mode: the test plants a real key. */
	ck_assert_int_eq(
	    login_at("home", T0 + 60, code_at(SEED2, T0 + 60), NULL, NULL),
	    PAM_SUCCESS);
}
END_TEST

START_TEST(vault_home_file_alone_is_not_an_enrolment)
{
	mfa_pamh_write_secret("alice",
	    "pam_mfa-secret 1\n"
	    "id ffeeddccbbaa99887766554433221100\n"
	    "created 1111111000\n"
	    "totp-secret " SEED "\n");
	ck_assert_int_eq(login_at("v", T0, CODE_T0, NULL, NULL), PAM_AUTH_ERR);
	ck_shown("E: Multi-factor authentication is required for this "
		 "account, but it is not set up.");
	ck_assert_int_eq(res.nprompts, 0);
}
END_TEST

START_TEST(vault_record_refused_when_others_may_read_it)
{
	char path[4096];

	if (!mfa_pamh_files_only("the vault file's mode"))
		return;
	vault_put("alice", SEED, NULL);
	vault_path("alice", path, sizeof(path));
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(login_at("v", T0, CODE_T0, NULL, NULL), PAM_AUTH_ERR);
	ck_shown("E: Multi-factor authentication is not available for this "
		 "account. Contact your administrator.");
	ck_logged("secret file of alice: ");
}
END_TEST

START_TEST(vault_backup_code)
{
	vault_put("alice", SEED, backup_line);
	ck_assert_int_eq(
	    login_at("v", T0, BACKUP_CODE, NULL, NULL), PAM_SUCCESS);
	ck_logged("method=backup result=success");
	ck_assert_int_eq(
	    login_at("v1", T0 + 30, BACKUP_CODE, NULL, NULL), PAM_AUTH_ERR);
}
END_TEST

START_TEST(vault_emailed_code)
{
	vault_put("alice", SEED, "email alice@example.org\n");
	ck_assert_int_eq(login_at("v", T0, "", "@MAIL", NULL), PAM_SUCCESS);
	ck_logged("method=email result=success");
}
END_TEST

START_TEST(vault_trusted_device)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/authinfo", mfa_pamh_dir());
	mfa_test_write_file(path, KEY1, strlen(KEY1), 0600);
	setenv("MFA_TEST_AUTHINFO_FILE", path, 1);
	vault_put("alice", SEED, NULL);
	ck_assert_int_eq(
	    login_at("v-ssh", T0, CODE_T0, "y", NULL), PAM_SUCCESS);
	ck_assert_int_eq(
	    login_at("v-ssh", T0 + 30, NULL, NULL, NULL), PAM_SUCCESS);
	ck_logged("method=trusted-device result=success");
}
END_TEST

START_TEST(vault_enrolment_at_login)
{
	char path[4096];

	ck_assert_int_eq(
	    login_at("v-enrol", T0, "@NEWCODE", "", NULL), PAM_SUCCESS);
	ck_logged("enrolment at login confirmed");
	MFA_CK_IN(vault_get("alice"), "totp-secret ");
	snprintf(path, sizeof(path), "%s/.pam_mfa", mfa_pamh_home("alice"));
	ck_assert_int_ne(access(path, F_OK), 0);
	ck_assert_int_eq(login_at("v", T0 + 60,
			     code_at(vault_key("alice"), T0 + 60), NULL, NULL),
	    PAM_SUCCESS);
	/* Another store holds the vault: this host keeps none of its own. */
	snprintf(path, sizeof(path), "%s/.vault", mfa_pamh_state_dir());
	if (mfa_pamh_store_hooked())
		ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

/* ---- self-service: a request honoured after the current factor ---- */

START_TEST(request_new_authenticator)
{
	char old_key[160];

	vault_put("alice", SEED, NULL);
	put_request("alice", "authenticator");
	ck_assert_int_eq(
	    login_at("v", T0, CODE_T0, "@NEWCODE", ""), PAM_SUCCESS);
	ck_shown(ASKED_APP);
	ck_shown(SHOWN_KEY);
	ck_shown("I: Code accepted: the new authenticator and these backup "
		 "codes replace the old ones when this login completes.");
	ck_shown("I: Backup codes: each works once");
	ck_logged("self-service request honoured: authenticator");
	ck_logged("method=totp result=success");
	ck_logged("user=alice now in force: renewal of the app");
	snprintf(old_key, sizeof(old_key), "%s", SEED);
	ck_assert_str_ne(vault_key("alice"), old_key);
	ck_assert(!has_request("alice"));
	/* The old app no longer counts; the new one does. */
	ck_assert_int_eq(
	    login_at("v1", T0 + 60, code_at(SEED, T0 + 60), NULL, NULL),
	    PAM_AUTH_ERR);
	ck_assert_int_eq(login_at("v", T0 + 90,
			     code_at(vault_key("alice"), T0 + 90), NULL, NULL),
	    PAM_SUCCESS);
	ck_not_shown(ASKED_APP);
}
END_TEST

START_TEST(request_without_the_factor_gives_nothing)
{
	vault_put("alice", SEED, NULL);
	put_request("alice", "authenticator");
	ck_assert_int_eq(
	    login_at("v", T0, "000000", "111111", "222222"), PAM_AUTH_ERR);
	ck_not_shown(ASKED_APP);
	ck_not_shown(SHOWN_KEY);
	ck_not_shown("otpauth");
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED "\n");
	ck_assert(has_request("alice"));
}
END_TEST

START_TEST(request_others_could_write_is_ignored)
{
	char path[4096];

	vault_put("alice", SEED, NULL);
	put_request("alice", "authenticator");
	request_path("alice", path, sizeof(path));
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_int_eq(login_at("v", T0, CODE_T0, NULL, NULL), PAM_SUCCESS);
	ck_not_shown(ASKED_APP);
	ck_logged("user=alice self-service request ignored: ");
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED "\n");
}
END_TEST

START_TEST(request_not_honoured_by_email_alone)
{
	vault_put("alice", SEED, "email alice@example.org\n");
	put_request("alice", "authenticator");
	ck_assert_int_eq(login_at("v", T0, "", "@MAIL", NULL), PAM_SUCCESS);
	ck_shown("I: Your request for new codes needs a login with a code "
		 "from your app or a backup code.");
	ck_not_shown(SHOWN_KEY);
	ck_logged("self-service request not honoured");
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED "\n");
	ck_assert(has_request("alice"));
}
END_TEST

START_TEST(request_renewal_waits_for_the_whole_stack)
{
	vault_put("alice", SEED, NULL);
	put_request("alice", "authenticator");
	/* A wrong password: the stack fails, setcred never runs. */
	ck_assert_int_eq(
	    login_at("v-pw", T0, "wrong", CODE_T0, "@NEWCODE"), PAM_AUTH_ERR);
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED "\n");
	ck_assert(has_request("alice"));
	/* The request still stands; skipping it keeps the old key. */
	ck_assert_int_eq(
	    login_at("v", T0 + 60, code_at(SEED, T0 + 60), "", NULL),
	    PAM_SUCCESS);
	ck_shown(ASKED_APP);
	ck_logged("enrolment at login skipped");
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED "\n");
}
END_TEST

START_TEST(request_new_backup_codes_with_a_backup_code)
{
	vault_put("alice", SEED, backup_line);
	put_request("alice", "backup-codes");
	ck_assert_int_eq(login_at("v", T0, BACKUP_CODE, "", NULL), PAM_SUCCESS);
	ck_shown("I: You asked for new backup codes (mfa-enroll "
		 "backup-codes).");
	ck_shown("I: These backup codes replace the old ones when this login "
		 "completes.");
	ck_logged("user=alice now in force: new backup codes");
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED "\n");
	MFA_CK_NOT_IN(vault_get("alice"), "backup-set 0011223344556677");
	ck_assert(!has_request("alice"));
	ck_assert_int_eq(
	    login_at("v", T0 + 30, code_at(SEED, T0 + 30), NULL, NULL),
	    PAM_SUCCESS);
}
END_TEST

/* ---- self-service: another authenticator, or one less ---- */

#define PHONE "authenticator phone 0102030405060708 1111111000 SHA1 6 30 "
#define ASKED_ADD "I: You asked for another authenticator, "
#define KEPT "I: Nothing was changed: this login goes on with the code you "

/* user's vault record, copied into out, to compare byte for byte. */
static void
vault_copy(const char *user, char out[8192])
{
	snprintf(out, 8192, "%s", vault_get(user));
}

START_TEST(request_add_authenticator)
{
	char key[160], code[16];

	vault_put("alice", SEED, backup_line);
	put_request("alice", "add phone-b");
	ck_assert_int_eq(
	    login_at("v", T0, CODE_T0, "@NEWCODE", NULL), PAM_SUCCESS);
	ck_shown(ASKED_ADD "phone-b (mfa-enroll add). Add this key to it; "
			   "your other authenticators keep working.");
	ck_shown(SHOWN_KEY);
	ck_shown("I: Code accepted: authenticator phone-b is added when this "
		 "login completes (2 of 5).");
	ck_not_shown("Backup codes:");
	ck_logged("self-service request honoured: add phone-b");
	ck_logged("user=alice now in force: authenticator phone-b added");
	MFA_CK_NOT_IN(mfa_pamh_log(), "renewal");
	snprintf(key, sizeof(key), "%s", shown_key);
	MFA_CK_IN(vault_get("alice"), "authenticator phone-b ");
	MFA_CK_IN(vault_get("alice"), key);
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED "\n");
	MFA_CK_IN(vault_get("alice"), "backup-set 0011223344556677\n");
	ck_assert(!has_request("alice"));
	/* Its first code was used: not again in the same step. */
	mfa_pamh_oath_code(key, T0, code);
	ck_assert_int_eq(login_at("v1", T0, code, NULL, NULL), PAM_AUTH_ERR);
	/* The new one logs in, and so does the old one. */
	ck_assert_int_eq(
	    login_at("v", T0 + 60, code_at(key, T0 + 60), NULL, NULL),
	    PAM_SUCCESS);
	ck_logged("method=totp result=success authenticator=phone-b");
	ck_assert_int_eq(
	    login_at("v", T0 + 90, code_at(SEED, T0 + 90), NULL, NULL),
	    PAM_SUCCESS);
	ck_logged("method=totp result=success authenticator=app");
	ck_not_shown(ASKED_ADD);
}
END_TEST

START_TEST(request_add_default_name_wrong_first_code)
{
	char before[8192];

	vault_put("alice", SEED, NULL);
	vault_copy("alice", before);
	put_request("alice", "add");
	/* tries=1: one wrong code from the new key ends the walk-through. */
	ck_assert_int_eq(
	    login_at("v1", T0, CODE_T0, "000000", NULL), PAM_SUCCESS);
	ck_shown(ASKED_ADD "app2 (mfa-enroll add).");
	ck_shown("E: Invalid code (is the phone's clock right?).");
	ck_shown(KEPT "typed first, and your request waits for your next "
		      "login (delete ~/.pam_mfa-request to cancel it).");
	ck_logged("method=totp result=success");
	ck_assert_str_eq(vault_get("alice"), before);
	ck_assert(has_request("alice"));
}
END_TEST

START_TEST(request_add_waits_for_the_whole_stack)
{
	char before[8192];

	vault_put("alice", SEED, NULL);
	vault_copy("alice", before);
	put_request("alice", "add phone-b");
	/* A wrong password: the stack fails, setcred never runs. */
	ck_assert_int_eq(
	    login_at("v-pw", T0, "wrong", CODE_T0, "@NEWCODE"), PAM_AUTH_ERR);
	ck_shown("I: Code accepted: authenticator phone-b is added");
	ck_assert_str_eq(vault_get("alice"), before);
	ck_assert(has_request("alice"));
	/* Authenticated, but the application never calls setcred. */
	now = T0 + 30;
	mfa_pamh_set_time(now);
	mfa_pamh_login("v", "alice",
	    (const char *[]){code_at(SEED, now), "@NEWCODE", NULL}, 0, &res);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	ck_shown("I: Code accepted: authenticator phone-b is added");
	ck_assert_str_eq(vault_get("alice"), before);
	ck_assert(has_request("alice"));
	/* Neither new key logs in. */
	ck_assert_int_eq(
	    login_at("v1", T0 + 60, code_at(shown_key, T0 + 60), NULL, NULL),
	    PAM_AUTH_ERR);
}
END_TEST

/*
 * The attacker: a process with alice's uid writes requests, but has no
 * current factor: an emailed code alone, or wrong codes.
 */
START_TEST(request_add_remove_without_the_factor)
{
	static const char *const asks[] = {"add evil", "remove app"};
	char before[8192];
	size_t i;

	vault_put("alice", SEED, "email alice@example.org\n" PHONE SEED2 "\n");
	vault_copy("alice", before);
	for (i = 0; i < 2; i++) {
		put_request("alice", asks[i]);
		ck_assert_int_eq(
		    login_at("v", T0 + 60 * (int64_t)i, "", "@MAIL", NULL),
		    PAM_SUCCESS);
		ck_logged("method=email result=success");
		ck_shown(i == 0 ? "I: Your request for another authenticator "
				  "needs a login with a code from your app or "
				  "a backup code."
				: "I: Your request to remove app needs a login "
				  "with a code from another authenticator or "
				  "a backup code.");
		ck_not_shown(SHOWN_KEY);
		ck_assert_int_eq(login_at("v", T0 + 60 * (int64_t)i + 30,
				     "000000", "111111", "222222"),
		    PAM_AUTH_ERR);
		ck_not_shown(SHOWN_KEY);
		ck_assert_str_eq(vault_get("alice"), before);
		ck_assert(has_request("alice"));
	}
}
END_TEST

/* A line the grammar does not allow is no request at all. */
START_TEST(request_malformed_is_ignored)
{
	static const char *const bad[] = {
	    "add Phone B", "remove", "add ../x", "remove app app"};
	char before[8192];
	size_t i;

	vault_put("alice", SEED, PHONE SEED2 "\n");
	vault_copy("alice", before);
	for (i = 0; i < 4; i++) {
		put_request("alice", bad[i]);
		ck_assert_int_eq(
		    login_at("v", T0 + 30 * (int64_t)i,
			code_at(SEED2, T0 + 30 * (int64_t)i), NULL, NULL),
		    PAM_SUCCESS);
		ck_logged("user=alice self-service request ignored: it does "
			  "not parse");
		ck_not_shown("You asked");
		ck_not_shown(SHOWN_KEY);
		ck_assert_str_eq(vault_get("alice"), before);
	}
}
END_TEST

START_TEST(request_add_refused_at_the_cap_or_name_taken)
{
	char before[8192];

	vault_put("alice", SEED,
	    "authenticator b 0102030405060701 1111111000 SHA1 6 30 " SEED2
	    "\nauthenticator c 0102030405060702 1111111000 SHA1 6 30 " SEED2
	    "\nauthenticator d 0102030405060703 1111111000 SHA1 6 30 " SEED2
	    "\nauthenticator e 0102030405060704 1111111000 SHA1 6 30 " SEED2
	    "\n");
	vault_copy("alice", before);
	put_request("alice", "add");
	ck_assert_int_eq(login_at("v", T0, CODE_T0, NULL, NULL), PAM_SUCCESS);
	ck_shown("I: You asked for another authenticator (mfa-enroll add), "
		 "but you have 5, the most there can be: remove one first "
		 "(mfa-enroll remove NAME). The request is dropped.");
	ck_not_shown(SHOWN_KEY);
	ck_logged("self-service request refused and removed: add");
	ck_assert(!has_request("alice"));
	ck_assert_str_eq(vault_get("alice"), before);
	vault_put("alice", SEED, PHONE SEED2 "\n");
	vault_copy("alice", before);
	put_request("alice", "add phone");
	ck_assert_int_eq(
	    login_at("v", T0 + 30, code_at(SEED, T0 + 30), NULL, NULL),
	    PAM_SUCCESS);
	ck_shown("I: You asked for another authenticator called phone "
		 "(mfa-enroll add), but you have one by that name: ask again "
		 "with another name. The request is dropped.");
	ck_assert(!has_request("alice"));
	ck_assert_str_eq(vault_get("alice"), before);
}
END_TEST

START_TEST(request_remove_needs_another_authenticator)
{
	char before[8192];

	vault_put("alice", SEED, PHONE SEED2 "\n");
	vault_copy("alice", before);
	put_request("alice", "remove phone");
	/* The right authenticator, but a wrong password: nothing changes. */
	ck_assert_int_eq(
	    login_at("v-pw", T0 - 30, "wrong", code_at(SEED, T0 - 30), NULL),
	    PAM_AUTH_ERR);
	ck_shown("I: The authenticator phone is removed when this login");
	ck_assert_str_eq(vault_get("alice"), before);
	ck_assert(has_request("alice"));
	ck_assert_int_eq(
	    login_at("v", T0, code_at(SEED2, T0), NULL, NULL), PAM_SUCCESS);
	ck_logged("authenticator=phone");
	ck_shown("I: Your request to remove phone needs a login with a code "
		 "from another authenticator or a backup code, not from phone "
		 "itself. It waits for such a login.");
	ck_assert_str_eq(vault_get("alice"), before);
	ck_assert(has_request("alice"));
	ck_assert_int_eq(
	    login_at("v", T0 + 30, code_at(SEED, T0 + 30), NULL, NULL),
	    PAM_SUCCESS);
	ck_shown("I: The authenticator phone is removed when this login "
		 "completes; 1 left.");
	ck_logged("self-service request honoured: remove phone");
	ck_logged("user=alice now in force: authenticator phone removed");
	MFA_CK_NOT_IN(mfa_pamh_log(), "renewal");
	MFA_CK_NOT_IN(vault_get("alice"), "phone");
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED "\n");
	ck_assert(!has_request("alice"));
	ck_assert_int_eq(
	    login_at("v1", T0 + 60, code_at(SEED2, T0 + 60), NULL, NULL),
	    PAM_AUTH_ERR);
}
END_TEST

START_TEST(request_remove_with_a_backup_code)
{
	char extra[1024];

	snprintf(extra, sizeof(extra), "%s" PHONE SEED2 "\n", backup_line);
	vault_put("alice", SEED, extra);
	put_request("alice", "remove app");
	ck_assert_int_eq(
	    login_at("v", T0, BACKUP_CODE, NULL, NULL), PAM_SUCCESS);
	ck_shown("I: The authenticator app is removed when this login "
		 "completes; 1 left.");
	ck_logged("user=alice now in force: authenticator app removed");
	/* phone is the enrolment's own authenticator now. */
	MFA_CK_IN(vault_get("alice"), "totp-secret " SEED2 "\n");
	MFA_CK_NOT_IN(vault_get("alice"), SEED);
	ck_assert(!has_request("alice"));
	ck_assert_int_eq(
	    login_at("v1", T0 + 30, code_at(SEED, T0 + 30), NULL, NULL),
	    PAM_AUTH_ERR);
	ck_assert_int_eq(
	    login_at("v", T0 + 60, code_at(SEED2, T0 + 60), NULL, NULL),
	    PAM_SUCCESS);
	ck_logged("authenticator=phone");
}
END_TEST

START_TEST(request_remove_the_last_one_refused)
{
	char before[8192];

	vault_put("alice", SEED, backup_line);
	vault_copy("alice", before);
	put_request("alice", "remove app");
	ck_assert_int_eq(
	    login_at("v", T0, BACKUP_CODE, NULL, NULL), PAM_SUCCESS);
	ck_shown("I: You asked to remove app (mfa-enroll remove), your only "
		 "authenticator: ask your administrator for a reset instead. "
		 "The request is dropped.");
	ck_assert_str_eq(vault_get("alice"), before);
	ck_assert(!has_request("alice"));
	put_request("alice", "remove nosuch");
	ck_assert_int_eq(
	    login_at("v", T0 + 30, code_at(SEED, T0 + 30), NULL, NULL),
	    PAM_SUCCESS);
	ck_shown("I: You asked to remove the authenticator nosuch (mfa-enroll "
		 "remove), but you have none by that name. The request is "
		 "dropped.");
	ck_assert_str_eq(vault_get("alice"), before);
	ck_assert(!has_request("alice"));
}
END_TEST

/* ---- moving a site: home enrolments into the vault ---- */

START_TEST(import_home_keeps_the_app_codes)
{
	static const char *const users[] = {"alice", "bob", "carol"};
	char cmd[8192], path[4096];
	const char *answers[] = {NULL, NULL};
	char code[16];
	size_t i;

	if (geteuid() != 0) {
		fprintf(stderr,
		    "SKIP: import-home needs root (it switches "
		    "to each user)\n");
		return;
	}
	for (i = 0; i < 3; i++)
		mfa_pamh_write_secret(users[i],
		    "pam_mfa-secret 1\nid 00112233445566778899aabbccddeeff\n"
		    "created 1111111000\ntotp-secret " SEED "\n");
	snprintf(path, sizeof(path), "%s/vault.conf", mfa_pamh_dir());
	snprintf(cmd, sizeof(cmd), "state_dir = %s\nsecrets = vault\n",
	    mfa_pamh_state_dir());
	mfa_test_write_file(path, cmd, strlen(cmd), 0644);
	if (mfa_pamh_store_hooked()) { /* mfa-enroll on the same store */
		snprintf(cmd, sizeof(cmd), "cat %s >>%s",
		    getenv("MFA_TEST_STORE_CONF"), path);
		ck_assert_int_eq(system(cmd), 0);
	}
	snprintf(cmd, sizeof(cmd),
	    "%s/mfa-enroll --conf %s --all import-home >%s/import.out 2>&1",
	    getenv("MFA_BUILD"), path, mfa_pamh_dir());
	ck_assert_int_eq(system(cmd), 0);
	for (i = 0; i < 3; i++) {
		answers[0] = code;
		now = T0 + 30 * (int64_t)i;
		mfa_pamh_set_time(now);
		mfa_pamh_oath_code(SEED, now, code);
		mfa_pamh_login("v", users[i], answers, 0, &res);
		ck_assert_msg(
		    res.rv == PAM_SUCCESS, "%s: %s", users[i], res.transcript);
		/* The home file no longer counts. */
		mfa_pamh_write_secret(users[i], "not a secret file\n");
	}
	now = T0 + 120;
	mfa_pamh_set_time(now);
	mfa_pamh_oath_code(SEED, now, code);
	mfa_pamh_login("v", "bob", answers, 0, &res);
	ck_assert_int_eq(res.rv, PAM_SUCCESS);
	mfa_pamh_login("home", "carol", answers, 0, &res);
	ck_assert_int_ne(res.rv, PAM_SUCCESS);
}
END_TEST

static Suite *
make_suite(void)
{
	Suite *s = suite_create("vault");
	TCase *tc = tcase_create("vault");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, vault_totp_and_planted_home_file);
	tcase_add_test(tc, vault_home_file_alone_is_not_an_enrolment);
	tcase_add_test(tc, vault_record_refused_when_others_may_read_it);
	tcase_add_test(tc, vault_backup_code);
	tcase_add_test(tc, vault_emailed_code);
	tcase_add_test(tc, vault_trusted_device);
	tcase_add_test(tc, vault_enrolment_at_login);
	tcase_add_test(tc, request_new_authenticator);
	tcase_add_test(tc, request_without_the_factor_gives_nothing);
	tcase_add_test(tc, request_others_could_write_is_ignored);
	tcase_add_test(tc, request_not_honoured_by_email_alone);
	tcase_add_test(tc, request_renewal_waits_for_the_whole_stack);
	tcase_add_test(tc, request_new_backup_codes_with_a_backup_code);
	tcase_add_test(tc, request_add_authenticator);
	tcase_add_test(tc, request_add_default_name_wrong_first_code);
	tcase_add_test(tc, request_add_waits_for_the_whole_stack);
	tcase_add_test(tc, request_add_remove_without_the_factor);
	tcase_add_test(tc, request_malformed_is_ignored);
	tcase_add_test(tc, request_add_refused_at_the_cap_or_name_taken);
	tcase_add_test(tc, request_remove_needs_another_authenticator);
	tcase_add_test(tc, request_remove_with_a_backup_code);
	tcase_add_test(tc, request_remove_the_last_one_refused);
	tcase_add_test(tc, import_home_keeps_the_app_codes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	return mfa_pamh_main(argc, argv, services, make_suite);
}
