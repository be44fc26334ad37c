/*
 * devices.c - "mfa-enroll devices": list and forget trusted devices.
 *
 * Trusted devices live in the module's state, which is root's (DESIGN
 * section 2: a user must not be able to plant one).  So only root lists
 * them or forgets a single one.  A user can still forget all of theirs
 * without root: the enrolment file carries a trust generation, every
 * device record carries the generation it was made under, and the module
 * honours only records of the file's current generation.  Bumping it in
 * the file is a revocation that needs no privilege.  It is only as strong
 * as the file (whoever can write the file could set the number back), so
 * root's "forget" also removes the records themselves, for good.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "error.h"
#include "mem.h"
#include "store.h"
#include "store_open.h"
#include "text.h"
#include "userfile.h"

#define DEVICE_ID_HEX 16

static const char devices_usage[] =
    "usage: mfa-enroll [--user NAME] devices\n"
    "       mfa-enroll [--user NAME] devices forget all\n"
    "       mfa-enroll --user NAME devices forget ID   (root only)\n"
    "\n"
    "Trusted devices are those where you answered yes to \"Trust this\n"
    "device?\" after a login: they skip the second factor until they\n"
    "expire.  The list is kept by the system and only root can read it:\n"
    "  devices               (root) list NAME's devices: id, label, when\n"
    "                        created, expiry, last use, and whether still\n"
    "                        valid\n"
    "  devices forget all    forget every trusted device: the next login\n"
    "                        from each asks for a second factor again.  A\n"
    "                        user can do this without root (it changes the\n"
    "                        trust generation in the enrolment file); root\n"
    "                        also removes the records\n"
    "  devices forget ID     (root) forget one device (ID: 16 hex digits,\n"
    "                        from the list)\n"
    "\n"
    "Exit status: 0 done, 1 failed (unknown ID, refused file), 2 usage or\n"
    "not root, 3 not enrolled.\n";

/* Open the state directory and start a transaction on c's user.  A
 * missing directory is MFA_ERR_NOENT (nothing recorded yet). */
static int
state_begin(const struct mfa_cli *c, struct mfa_cli_state *cs)
{
	char why[256] = "";
	int rc;

	rc = mfa_cli_state_begin(c, 0, cs, why, sizeof(why));
	if (rc != MFA_OK && rc != MFA_ERR_NOENT)
		mfa_cli_err(c, "state of %s in %s: %s", c->user,
		    mfa_store_config_where(&c->cfg),
		    why[0] != '\0' ? why : mfa_strerror(rc));
	return rc;
}

/* 16 hex digits into 8 bytes; either case, since a person types them.
 * MFA_OK or MFA_ERR_FORMAT. */
static int
parse_id(const char *hex, unsigned char id[8])
{
	char lower[DEVICE_ID_HEX + 1];
	size_t i;

	if (strnlen(hex, DEVICE_ID_HEX + 1) != DEVICE_ID_HEX)
		return MFA_ERR_FORMAT;
	for (i = 0; i <= DEVICE_ID_HEX; i++)
		lower[i] = hex[i] >= 'A' && hex[i] <= 'F'
		    ? (char)(hex[i] - 'A' + 'a')
		    : hex[i];
	return mfa_text_hex_decode(lower, id, 8);
}

/* Whether the module would still honour d, in the user's words. */
static const char *
device_status(const struct mfa_device *d, const struct mfa_secret *s,
    const struct mfa_state *st, int64_t now)
{
	if (d->expires <= now)
		return "expired";
	if (s == NULL)
		return "not valid (no readable enrolment file)";
	if (d->generation != s->trust_generation)
		return "not valid (forgotten: older trust generation)";
	if (st->enrolled && memcmp(st->enrolled_id, s->id, sizeof(s->id)) != 0)
		return "not valid (enrolled again since)";
	return "valid";
}

static void
print_device(const struct mfa_device *d, const struct mfa_secret *s,
    const struct mfa_state *st, int64_t now)
{
	char id[DEVICE_ID_HEX + 1], created[64], expires[64], used[64];

	mfa_text_hex_encode(d->id, sizeof(d->id), id);
	mfa_cli_time(d->created, created, sizeof(created));
	mfa_cli_time(d->expires, expires, sizeof(expires));
	mfa_cli_time(d->last_used, used, sizeof(used));
	printf("  %s  %s\n", id, d->label[0] != '\0' ? d->label : "(no label)");
	printf("      created %s, expires %s\n", created, expires);
	printf("      last used %s; %s\n", used, device_status(d, s, st, now));
}

static void
print_devices(const struct mfa_cli *c, const struct mfa_secret *s,
    const struct mfa_state *st)
{
	int64_t now = mfa_cli_now();
	size_t i;

	if (st->ndevices == 0)
		printf("%s has no trusted devices.\n", c->user);
	else
		printf("Trusted devices of %s (trust generation %s%u):\n",
		    c->user, s != NULL ? "" : "unknown, ",
		    s != NULL ? s->trust_generation : 0);
	for (i = 0; i < st->ndevices; i++)
		print_device(&st->devices[i], s, st, now);
	if (st->npending > 0)
		printf("%zu more awaiting confirmation at the end of a login "
		       "(\"trust this device\" answered yes).\n",
		    st->npending);
}

/* The user's enrolment, or NULL (reported) when there is none to read. */
static struct mfa_secret *
load_quiet(const struct mfa_cli *c)
{
	char why[MFA_USERFILE_WHY] = "";
	struct mfa_secret *s = NULL;
	int rc;

	rc = mfa_userfile_load(c, &s, why, sizeof(why));
	if (rc == MFA_ERR_NOENT)
		printf("(%s has no enrolment file.)\n", c->user);
	else if (rc != MFA_OK)
		mfa_cli_err(c, "%s", why);
	return rc == MFA_OK ? s : NULL;
}

static int
list_devices(const struct mfa_cli *c)
{
	struct mfa_secret *s = NULL;
	struct mfa_cli_state cs;
	int rc;

	if (!c->is_root) {
		mfa_cli_err(c,
		    "only root can list trusted devices: they are kept in "
		    "the system's state\n(%s).  Ask your admin to run: "
		    "mfa-enroll --user %s devices\nTo forget all of your "
		    "trusted devices yourself, run: mfa-enroll devices "
		    "forget all",
		    mfa_store_config_where(&c->cfg), c->user);
		return MFA_EXIT_USAGE;
	}
	rc = state_begin(c, &cs);
	mfa_store_end(cs.txn); /* a snapshot: no need to hold the lock */
	cs.txn = NULL;
	if (rc == MFA_OK || rc == MFA_ERR_NOENT) {
		s = load_quiet(c);
		print_devices(c, s, &cs.st);
	}
	mfa_cli_state_end(&cs);
	mfa_secret_free(s);
	return rc == MFA_OK || rc == MFA_ERR_NOENT ? MFA_EXIT_OK
						   : MFA_EXIT_FAIL;
}

/* Remove device i, keeping the order of the others. */
static void
remove_device(struct mfa_state *st, size_t i)
{
	memmove(&st->devices[i], &st->devices[i + 1],
	    (st->ndevices - i - 1) * sizeof(st->devices[0]));
	st->ndevices--;
	MFA_WIPE_OBJ(&st->devices[st->ndevices]);
}

static int
forget_one(const struct mfa_cli *c, const char *hex)
{
	struct mfa_cli_state cs;
	struct mfa_state *st = &cs.st;
	unsigned char id[8];
	char what[64];
	size_t i;
	int rc;

	if (!mfa_admin_need_root(c, "devices forget ID"))
		return MFA_EXIT_USAGE;
	if (parse_id(hex, id) != MFA_OK) {
		mfa_cli_err(c,
		    "devices forget: a device ID is 16 hex digits "
		    "(see mfa-enroll --user %s devices)",
		    c->user);
		return MFA_EXIT_USAGE;
	}
	rc = state_begin(c, &cs);
	for (i = 0; rc == MFA_OK && i < st->ndevices; i++)
		if (memcmp(st->devices[i].id, id, sizeof(id)) == 0)
			break;
	if (rc == MFA_OK && i < st->ndevices) {
		remove_device(st, i);
		rc = mfa_store_commit(cs.txn, st, mfa_cli_now());
		if (rc != MFA_OK)
			mfa_cli_err(c, "cannot write the state of %s: %s",
			    c->user, mfa_strerror(rc));
		else {
			/* hex is 16 hex digits (parse_id): the device's ID
			 * as the devices list shows it. */
			snprintf(what, sizeof(what), "forgot trusted device %s",
			    hex);
			mfa_admin_event(c, MFA_EVENT_DEVICE_FORGOTTEN, what);
			printf("Device %s of %s is forgotten.\n", hex, c->user);
		}
	} else if (rc == MFA_OK || rc == MFA_ERR_NOENT) {
		mfa_cli_err(c, "%s has no trusted device %s", c->user, hex);
		rc = MFA_ERR_NOENT;
	}
	mfa_cli_state_end(&cs);
	return rc == MFA_OK ? MFA_EXIT_OK : MFA_EXIT_FAIL;
}

/* Root: remove every device record (and pending one) of the user. */
static int
clear_state(const struct mfa_cli *c, size_t *removed)
{
	struct mfa_cli_state cs;
	struct mfa_state *st = &cs.st;
	int rc;

	*removed = 0;
	rc = state_begin(c, &cs);
	if (rc == MFA_ERR_NOENT)
		rc = MFA_OK; /* no state directory: nothing to remove */
	else if (rc == MFA_OK && st->ndevices + st->npending > 0) {
		*removed = st->ndevices;
		mfa_state_device_remove_all(st);
		rc = mfa_store_commit(cs.txn, st, mfa_cli_now());
		if (rc != MFA_OK)
			mfa_cli_err(c, "cannot write the state of %s: %s",
			    c->user, mfa_strerror(rc));
	}
	mfa_cli_state_end(&cs);
	return rc;
}

/* Bump the trust generation in the enrolment file.  Returns MFA_OK,
 * MFA_ERR_NOENT (no file) or another error (reported). */
static int
bump_generation(const struct mfa_cli *c, uint32_t *gen)
{
	char why[MFA_USERFILE_WHY] = "";
	struct mfa_secret *s = NULL;
	int rc;

	rc = mfa_userfile_load(c, &s, why, sizeof(why));
	if (rc == MFA_OK && s->trust_generation == UINT32_MAX) {
		/* Wrapping to 0 would bring old records back to life. */
		snprintf(why, sizeof(why),
		    "the trust generation is at its maximum: enrol again "
		    "(mfa-enroll) to start afresh");
		rc = MFA_ERR_RANGE;
	} else if (rc == MFA_OK) {
		s->trust_generation++;
		rc = mfa_userfile_write(c, s, why, sizeof(why));
		*gen = s->trust_generation;
	}
	if (rc != MFA_OK && rc != MFA_ERR_NOENT)
		mfa_cli_err(c, "%s", why);
	mfa_secret_free(s);
	return rc;
}

static int
forget_all(const struct mfa_cli *c)
{
	size_t removed = 0;
	uint32_t gen = 0;
	int frc, src = MFA_OK;

	frc = bump_generation(c, &gen);
	if (frc == MFA_ERR_NOENT && !c->is_root) {
		mfa_cli_err(
		    c, "%s is not enrolled: no devices to forget", c->user);
		return MFA_EXIT_NOT_ENROLLED;
	}
	if (c->is_root)
		src = clear_state(c, &removed);
	if (frc == MFA_OK)
		printf("Every trusted device of %s is forgotten (trust "
		       "generation now %u):\nthe next login from any device "
		       "asks for a second factor again.\n",
		    c->user, (unsigned int)gen);
	else if (frc == MFA_ERR_NOENT)
		printf("%s has no enrolment file.\n", c->user);
	if (c->is_root && src == MFA_OK &&
	    (frc == MFA_OK || frc == MFA_ERR_NOENT))
		mfa_admin_event(c, MFA_EVENT_DEVICE_FORGOTTEN,
		    "forgot every trusted device");
	if (c->is_root && src == MFA_OK)
		printf("%zu device record%s removed from the module state.\n",
		    removed, removed == 1 ? "" : "s");
	return (frc == MFA_OK || frc == MFA_ERR_NOENT) && src == MFA_OK
	    ? MFA_EXIT_OK
	    : MFA_EXIT_FAIL;
}

int
mfa_devices_run(struct mfa_cli *c, int argc, char **argv)
{
	if (mfa_cli_want_help(argc, argv)) {
		fputs(devices_usage, stdout);
		return MFA_EXIT_OK;
	}
	if (argc == 1)
		return list_devices(c);
	if (argc == 3 && strcmp(argv[1], "forget") == 0)
		return strcmp(argv[2], "all") == 0 ? forget_all(c)
						   : forget_one(c, argv[2]);
	fputs(devices_usage, stderr);
	return MFA_EXIT_USAGE;
}
