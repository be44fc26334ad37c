/*
 * report.h - "mfa-enroll report": the roll-out of MFA across the accounts
 * that must use it, for the admin (a table), scripts (JSON) and
 * monitoring (node_exporter's textfile format).
 *
 * report.c collects: the accounts come from the password database (uids in
 * the range of real users, in groups=), their module state from the
 * configured store's list (store.h: mfa_store_list, whatever the backend),
 * their methods from their enrolment files (read with each user's
 * identity, userfile.h).  report_out.c prints what was collected.
 */
#ifndef MFA_ENROLL_REPORT_H
#define MFA_ENROLL_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "cli.h"

/* Backup codes left at or below this count as "low" (as at login). */
#define MFA_REPORT_BACKUP_LOW 3

/* What one account looks like. */
struct report_user {
	char *name;
	uid_t uid;
	gid_t gid;
	char *home;
	int has_record;    /* the store has a record of the user */
	int record_rc;     /* MFA_OK, or why the record cannot be read */
	int enrolled_mark; /* the record says enrolled */
	int64_t last_success;
	const char *last_method; /* static string, "" when none */
	unsigned int failures;
	int locked; /* the account, or some source, is locked out now */
	int64_t locked_until; /* the account's, 0 when not */
	unsigned int devices; /* trusted devices recorded */
	int secret_rc;        /* loading the enrolment file: MFA_OK... */
	int app, email, sms;  /* methods of the enrolment file */
	int backup_left;      /* -1: no backup codes issued */
	unsigned char backup_set[8];
	uint16_t backup_used_mask; /* of backup_set, from the record */
	int backup_used_match;     /* the record's set is the file's */
};

struct report {
	int64_t now;
	int has_deadline;
	int64_t deadline; /* enforce_after, 00:00 UTC */
	uid_t uid_min, uid_max;
	struct report_user *users; /* sorted by name */
	size_t nusers;
	unsigned int enrolled, locked, backup_low, broken;
};

/*
 * mfa_report_enrolled - the account counts as enrolled: it has an
 * enrolment file that loads, or the store says enrolled (its logins then
 * ask for the second factor, or fail when the file is gone).
 */
int mfa_report_enrolled(const struct report_user *u);

/*
 * mfa_report_broken - the account's logins fail until an admin acts: its
 * record cannot be read, or it is marked enrolled and its enrolment file
 * cannot be loaded.
 */
int mfa_report_broken(const struct report_user *u);

/* mfa_report_days_left - whole days until the deadline (ceil), or 0. */
long mfa_report_days_left(const struct report *r);

/* mfa_report_table - the totals line and one line per account to out. */
void mfa_report_table(const struct report *r, FILE *out);

/* mfa_report_json - the same as one JSON object to out. */
void mfa_report_json(const struct report *r, FILE *out);

/*
 * mfa_report_prometheus - the metrics in Prometheus' text format into a
 * fresh buffer (*text, *len; the caller frees it).  MFA_OK or
 * MFA_ERR_NOMEM.
 */
int mfa_report_prometheus(const struct report *r, char **text, size_t *len);

#endif /* MFA_ENROLL_REPORT_H */
