/*
 * backupcmd.c - "mfa-enroll backup-codes": a new set of backup codes.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "error.h"
#include "mem.h"
#include "userfile.h"

static const char backup_usage[] =
    "usage: mfa-enroll [--user NAME] backup-codes\n"
    "\n"
    "Make a new set of 10 backup codes and print it once.  The previous set\n"
    "stops working at once.  Each code works for one login, when the phone\n"
    "is not at hand; type it with or without its dashes.\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 usage, 3 not enrolled.\n";

void
mfa_backupcmd_print(
    const char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE])
{
	int i, half = MFA_BACKUP_SLOTS / 2;

	printf("\nBackup codes (each works once; they are not shown again,\n"
	       "so print them or keep them somewhere safe):\n\n");
	for (i = 0; i < half; i++)
		printf("    %s    %s\n", display[i], display[i + half]);
	printf("\n");
	fflush(stdout);
}

int
mfa_backupcmd_run(struct mfa_cli *c, int argc, char **argv)
{
	char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE];
	char why[MFA_USERFILE_WHY] = "";
	struct mfa_secret *s = NULL;
	int rc;

	if (mfa_cli_want_help(argc, argv)) {
		fputs(backup_usage, stdout);
		return MFA_EXIT_OK;
	}
	if (argc > 1) {
		fputs(backup_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	rc = mfa_userfile_load(c, &s, why, sizeof(why));
	if (rc == MFA_ERR_NOENT) {
		mfa_cli_err(
		    c, "%s is not enrolled: run mfa-enroll first", c->user);
		return MFA_EXIT_NOT_ENROLLED;
	}
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s", why);
		return MFA_EXIT_FAIL;
	}
	rc = mfa_backup_new_set(s, display, mfa_cli_now());
	if (rc == MFA_OK) {
		rc = mfa_userfile_write(c, s, why, sizeof(why));
		if (rc == MFA_OK) {
			if (c->admin)
				mfa_admin_event(
				    c, MFA_EVENT_ENROLMENT, "new backup codes");
			mfa_backupcmd_print(display);
			printf("The previous backup codes no longer work.\n");
		} else {
			mfa_cli_err(c, "%s; the old codes still work", why);
		}
	} else {
		mfa_cli_err(
		    c, "cannot make backup codes: %s", mfa_strerror(rc));
	}
	MFA_WIPE_ARRAY(display);
	mfa_secret_free(s);
	return rc == MFA_OK ? MFA_EXIT_OK : MFA_EXIT_FAIL;
}
