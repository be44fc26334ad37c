/*
 * commands.h - the commands of mfa-enroll and the steps they share.
 *
 * Every mfa_*_run function takes the run context and the command's own
 * arguments (argv[0] is the command name) and returns an exit status
 * (enum mfa_exit), having printed what the user needs to know.
 */
#ifndef MFA_ENROLL_COMMANDS_H
#define MFA_ENROLL_COMMANDS_H

#include <stdint.h>

#include "backup.h"
#include "cli.h"
#include "secretfile.h"

/* No command: enrol an authenticator app (enrol.c). */
int mfa_enrol_run(struct mfa_cli *c, int argc, char **argv);

/* add [--name NAME]: another authenticator (enrol.c). */
int mfa_enrol_add_run(struct mfa_cli *c, int argc, char **argv);

/* list: the authenticators; remove NAME: one of them (authcmd.c). */
int mfa_authcmd_list_run(struct mfa_cli *c, int argc, char **argv);
int mfa_authcmd_remove_run(struct mfa_cli *c, int argc, char **argv);

/* resync [--name TOKEN] CODE1 CODE2 (root): an HOTP token far ahead. */
int mfa_authcmd_resync_run(struct mfa_cli *c, int argc, char **argv);

/* backup-codes: a new set of backup codes (backupcmd.c). */
int mfa_backupcmd_run(struct mfa_cli *c, int argc, char **argv);

/* status: what is enrolled; as root with --user, the module state too. */
int mfa_status_run(struct mfa_cli *c, int argc, char **argv);

/* disable [--yes]: remove the user's enrolment file (admin.c). */
int mfa_admin_disable_run(struct mfa_cli *c, int argc, char **argv);

/* reset [--yes] (root): remove the enrolment file and the module state. */
int mfa_admin_reset_run(struct mfa_cli *c, int argc, char **argv);

/* unlock (root): clear the failure count and the lock-out. */
int mfa_admin_unlock_run(struct mfa_cli *c, int argc, char **argv);

/*
 * mfa_admin_event - when root runs mfa-enroll, log what it did to c->user
 * as an audit event of kind (log.h: syslog, and the journal when journald
 * runs): "admin=NAME user=USER what", naming the admin (SUDO_USER, else
 * the login uid's name, else root) in MFA_ADMIN.  Nothing for a user.
 */
void mfa_admin_event(
    const struct mfa_cli *c, enum mfa_event_kind kind, const char *what);

/*
 * mfa_admin_auth_event - mfa_admin_event about one authenticator of
 * c->user (its name as mfa-enroll list shows it): MFA_AUTHENTICATOR=NAME,
 * and " authenticator=NAME" after what in the line (cleaned).
 */
void mfa_admin_auth_event(const struct mfa_cli *c, enum mfa_event_kind kind,
    const char *authenticator, const char *what);

/*
 * doctor [--root DIR] [--verbose] (root, unless --root): check sshd, pam.d,
 * pam_mfa.conf and the state directory; one ok/warn/FAIL line per check
 * (doctor.c).  MFA_EXIT_FAIL when any check FAILs.
 */
int mfa_doctor_run(struct mfa_cli *c, int argc, char **argv);

/*
 * store init | store import [DIR] (root): set up the configured store, or
 * copy the file store DIR into it (storecmd.c).
 */
int mfa_storecmd_run(struct mfa_cli *c, int argc, char **argv);

/*
 * report [--json] [--prometheus FILE] (root): the accounts that must use
 * MFA and how far each is (report.c).
 */
int mfa_report_run(struct mfa_cli *c, int argc, char **argv);

/* import-oath FILE --user NAME | --all (root): pam_oath users
 * (import_oath.c). */
int mfa_import_oath_run(struct mfa_cli *c, int argc, char **argv);

/* import-google-authenticator [FILE] (import_ga.c). */
int mfa_import_ga_run(struct mfa_cli *c, int argc, char **argv);

/* email ADDRESS | --remove: verify and record an address (contact.c). */
int mfa_contact_email_run(struct mfa_cli *c, int argc, char **argv);

/* sms NUMBER | --remove: the same for a phone number (contact.c). */
int mfa_contact_sms_run(struct mfa_cli *c, int argc, char **argv);

/* devices [forget ID|all]: list or forget trusted devices (devices.c). */
int mfa_devices_run(struct mfa_cli *c, int argc, char **argv);

/*
 * import-home (root, secrets = vault): copy the user's home enrolment into
 * the vault (vaultcmd.c); mfa_import_home_all: every user of the passwd
 * database (--all import-home).
 */
int mfa_import_home_run(struct mfa_cli *c, int argc, char **argv);
int mfa_import_home_all(struct mfa_cli *c, int argc, char **argv);

/*
 * mfa_vaultcmd_user - a user (not root) runs mfa-enroll with secrets =
 * vault: cmd (NULL: no command, argv[0] then is not a command name) with
 * its arguments.  No command, backup-codes, add [--name NAME] and remove
 * NAME record a request for the next login (vault.h), status and list say
 * who can tell (nothing about the enrolment is where the user can read
 * it), devices goes on as usual (*handled 0), anything else is refused.
 * Returns an exit status when *handled.
 */
int mfa_vaultcmd_user(const struct mfa_cli *c, const char *cmd, int argc,
    char **argv, int *handled);

/*
 * mfa_enrol_verify - ask for a code from the app (or take code, from
 * --code: one try only) and check it against s at the current time with
 * the site's window; up to 3 tries.  Returns MFA_OK once a code matched
 * (its TOTP step in *step),
 * MFA_ERR_MISMATCH after the last wrong one, or the error of the prompt
 * (no answer).  Messages are printed; typed codes are wiped.
 */
int mfa_enrol_verify(const struct mfa_cli *c, const struct mfa_secret *s,
    const char *code, uint64_t *step);

/*
 * mfa_enrol_save - the last step of an enrolment: write s as the user's
 * file, and when root acts for the user, record them as enrolled in the
 * module state (enrolment time now, the id of s, step, the TOTP step just
 * verified, as the replay floor; their trusted devices are dropped, since
 * they belonged to the old secret).
 * Returns MFA_OK or an error, with a message printed.
 */
int mfa_enrol_save(const struct mfa_cli *c, const struct mfa_secret *s,
    int64_t now, uint64_t step);

/*
 * mfa_enrol_next_steps - tell the user what to do now: the PAM line, when
 * no file of /etc/pam.d mentions pam_mfa yet, and to test a login.
 */
void mfa_enrol_next_steps(const struct mfa_cli *c);

/*
 * mfa_backupcmd_print - print a set of backup codes, once, in two columns.
 * The caller wipes display afterwards.
 */
void mfa_backupcmd_print(
    const char display[MFA_BACKUP_SLOTS][MFA_BACKUP_DISPLAY_SIZE]);

/*
 * mfa_admin_need_root - 1 when the effective uid is root, else print that
 * command needs root and return 0 (the caller exits with MFA_EXIT_USAGE).
 */
int mfa_admin_need_root(const struct mfa_cli *c, const char *command);

#endif /* MFA_ENROLL_COMMANDS_H */
