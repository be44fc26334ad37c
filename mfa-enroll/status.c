/*
 * status.c - "mfa-enroll status": what is enrolled, and as root the
 * module's state of the user.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "commands.h"
#include "enrolment.h"
#include "error.h"
#include "mem.h"
#include "otp.h"
#include "store.h"
#include "store_open.h"
#include "userfile.h"

static const char status_usage[] =
    "usage: mfa-enroll [--user NAME] status\n"
    "\n"
    "Show what is enrolled and when: the authenticator app and its TOTP\n"
    "parameters, the backup codes, the email address and phone number\n"
    "(masked).  Run by root with --user, also the module's state: failures\n"
    "and lock-outs, of the account and of each source (remote host), last\n"
    "success, backup codes used and left.\n"
    "\n"
    "Exit status: 0 enrolled, 1 failed, 2 usage, 3 not enrolled.\n";

static unsigned int
backup_count(const struct mfa_secret *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < MFA_BACKUP_SLOTS; i++)
		n += s->backup[i] != NULL;
	return n;
}

static void
print_addresses(const struct mfa_secret *s)
{
	char masked[MFA_ADDR_MASK_SIZE];

	if (s->email != NULL &&
	    mfa_addr_email_mask(s->email, masked, sizeof(masked)) == MFA_OK)
		printf("  email:          %s\n", masked);
	if (s->phone != NULL &&
	    mfa_addr_phone_mask(s->phone, masked, sizeof(masked)) == MFA_OK)
		printf("  phone:          %s\n", masked);
}

static void
print_secret(const struct mfa_secret *s)
{
	char when[64], id[MFA_SECRET_ID_HEX_SIZE];

	char label[MFA_SECRET_NAME_MAX + 16];
	size_t i;

	mfa_secret_id_hex(s, id);
	mfa_cli_time(s->created, when, sizeof(when));
	snprintf(label, sizeof(label), "%s (TOTP):", s->name);
	printf("  %-16s enrolled %s\n", label, when);
	printf("  TOTP:           %s, %u digits, %u s steps\n",
	    mfa_otp_alg_name(s->totp.alg), s->totp.digits, s->totp.period);
	for (i = 0; i < s->nextra; i++) {
		const struct mfa_authenticator *a = &s->extra[i];

		mfa_cli_time(a->created, when, sizeof(when));
		snprintf(label, sizeof(label), "%s (%s):", a->name,
		    a->hotp ? "HOTP" : "TOTP");
		printf("  %-16s added %s; %s, %u digits", label, when,
		    mfa_otp_alg_name(a->totp.alg), a->totp.digits);
		if (!a->hotp)
			printf(", %u s steps", a->totp.period);
		printf("\n");
	}
	if (s->short_key)
		printf("  warning:        the key has %zu bits, under 128: "
		       "accepted only with\n                  "
		       "legacy_short_keys; enrol again (mfa-enroll)\n",
		    s->keylen * 8);
	printf("  enrolment id:   %s\n", id);
	if (s->has_backup) {
		mfa_cli_time(s->backup_created, when, sizeof(when));
		printf("  backup codes:   %u issued %s\n", backup_count(s),
		    s->backup_created > 0 ? when : "(time not recorded)");
	} else {
		printf(
		    "  backup codes:   none (run mfa-enroll backup-codes)\n");
	}
	print_addresses(s);
}

static void
print_backup_state(const struct mfa_secret *s, const struct mfa_state *st)
{
	unsigned int i, used = 0, left = 0;

	if (s == NULL || !s->has_backup)
		return;
	for (i = 0; i < MFA_BACKUP_SLOTS; i++) {
		if (s->backup[i] == NULL)
			continue;
		if (mfa_state_backup_is_used(st, s->backup_set, i))
			used++;
		else
			left++;
	}
	printf("  backup codes:   %u used, %u left\n", used, left);
}

/* The account's failures and lock-out, then each source's (deny=). */
static void
print_failures(const struct mfa_state *st, int64_t now)
{
	char when[64];
	size_t i;

	mfa_cli_time(st->last_failure, when, sizeof(when));
	printf("  failures:       %u in all (last %s)\n", st->failures, when);
	mfa_cli_time(st->locked_until, when, sizeof(when));
	printf("  locked:         %s%s\n",
	    mfa_state_is_locked(st, now) ? "yes, everywhere, " : "no",
	    mfa_state_is_locked(st, now) ? when : "");
	for (i = 0; i < st->nsources; i++) {
		const struct mfa_source *src = &st->sources[i];

		if (src->failures == 0 && src->locked_until <= now)
			continue; /* a place the user logged in from */
		mfa_cli_time(src->last_failure, when, sizeof(when));
		printf("  from %s: %u failure%s (last %s)", src->key,
		    src->failures, src->failures == 1 ? "" : "s", when);
		mfa_cli_time(src->locked_until, when, sizeof(when));
		if (src->locked_until > now)
			printf(", locked %s%s",
			    src->locked_until == INT64_MAX ? "" : "until ",
			    when);
		printf("\n");
	}
}

/* "phone-b's clock is about 40 s behind", learnt at login. */
static void
print_drift(const struct mfa_authenticator *a, int drift)
{
	if (drift != 0)
		printf("  clock:          %s's clock is about %d s %s\n",
		    a->name, drift < 0 ? -drift : drift,
		    drift < 0 ? "behind" : "ahead");
}

/*
 * The authenticator whose code was accepted last: each one's replay floor
 * is the time step of its last accepted code.
 */
static void
print_last_code(const struct mfa_secret *s, const struct mfa_state *st)
{
	struct mfa_authenticator a;
	char best[MFA_SECRET_NAME_MAX + 1] = "", when[64];
	int64_t t, latest = 0;
	size_t i;

	for (i = 0; s != NULL && i < mfa_secret_auth_count(s); i++) {
		if (mfa_secret_auth_get(s, i, &a) != MFA_OK)
			continue;
		t = mfa_enrolment_last_code(st, s, &a);
		print_drift(&a, mfa_enrolment_drift(st, &a));
		if (t > latest) {
			latest = t;
			memcpy(best, a.name, sizeof(best));
		}
	}
	MFA_WIPE_OBJ(&a);
	if (latest == 0)
		return;
	mfa_cli_time(latest, when, sizeof(when));
	printf("  last app code:  %s, from %s\n", when, best);
}

static void
print_state(const struct mfa_secret *s, const struct mfa_state *st)
{
	char when[64], id[MFA_SECRET_ID_HEX_SIZE] = "";
	int64_t now = mfa_cli_now();

	if (s != NULL)
		mfa_secret_id_hex(s, id);
	mfa_cli_time(st->enrolled_at, when, sizeof(when));
	if (st->enrolled)
		printf("  enrolled mark:  yes, since %s%s\n", when,
		    s == NULL ? " (but the file is missing: logins fail)"
			: memcmp(s->id, st->enrolled_id, sizeof(s->id)) == 0
			? ""
			: " (another enrolment id than the file)");
	else
		printf("  enrolled mark:  no\n");
	print_failures(st, now);
	mfa_cli_time(st->last_success, when, sizeof(when));
	if (st->last_success > 0)
		printf("  last success:   %s (%s)\n", when,
		    mfa_method_name(st->last_method));
	else
		printf("  last success:   never\n");
	print_last_code(s, st);
	print_backup_state(s, st);
	printf("  trusted devices: %zu\n", st->ndevices);
}

/* Root: the module's record of the user.  Returns MFA_OK or an error. */
static int
show_state(const struct mfa_cli *c, const struct mfa_secret *s)
{
	struct mfa_store *store = NULL;
	struct mfa_state st;
	char why[256] = "";
	int rc;

	mfa_state_init(&st);
	printf("Module state (%s):\n", mfa_store_config_where(&c->cfg));
	rc = mfa_store_open_config(&c->cfg, 0, &store, why, sizeof(why));
	if (rc == MFA_ERR_NOENT) {
		printf("  none (the state directory does not exist yet)\n");
		return MFA_OK;
	}
	if (rc == MFA_OK)
		rc = mfa_store_read(
		    store, c->user, c->cfg.lock_timeout, &st, why, sizeof(why));
	mfa_store_close(store);
	if (rc == MFA_OK)
		print_state(s, &st);
	else
		mfa_cli_err(c, "state of %s: %s", c->user,
		    why[0] != '\0' ? why : mfa_strerror(rc));
	mfa_state_wipe(&st);
	return rc;
}

int
mfa_status_run(struct mfa_cli *c, int argc, char **argv)
{
	char why[MFA_USERFILE_WHY] = "";
	struct mfa_secret *s = NULL;
	int rc, ex;

	if (mfa_cli_want_help(argc, argv)) {
		fputs(status_usage, stdout);
		return MFA_EXIT_OK;
	}
	if (argc > 1) {
		fputs(status_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	printf("User %s:\n", c->user);
	rc = mfa_userfile_load(c, &s, why, sizeof(why));
	if (rc == MFA_OK) {
		print_secret(s);
		ex = MFA_EXIT_OK;
	} else if (rc == MFA_ERR_NOENT) {
		printf("  not enrolled (run mfa-enroll)\n");
		ex = MFA_EXIT_NOT_ENROLLED;
	} else {
		mfa_cli_err(c, "%s", why);
		ex = MFA_EXIT_FAIL;
	}
	if (c->is_root && show_state(c, s) != MFA_OK)
		ex = MFA_EXIT_FAIL;
	mfa_secret_free(s);
	return ex;
}
