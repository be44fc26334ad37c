/*
 * report_out.c - what "mfa-enroll report" prints: the table, the JSON
 * object and the Prometheus metrics (see report.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report.h"
#include "timefmt.h"

#define DAY 86400

int
mfa_report_enrolled(const struct report_user *u)
{
	return u->secret_rc == MFA_OK || u->enrolled_mark;
}

long
mfa_report_days_left(const struct report *r)
{
	if (!r->has_deadline || r->deadline <= r->now)
		return 0;
	return (long)((r->deadline - r->now + DAY - 1) / DAY);
}

int
mfa_report_broken(const struct report_user *u)
{
	return (u->has_record && u->record_rc != MFA_OK) ||
	    (u->enrolled_mark && u->secret_rc != MFA_OK);
}

static const char *
state_word(const struct report_user *u)
{
	if (mfa_report_broken(u))
		return "broken";
	return mfa_report_enrolled(u) ? "enrolled" : "not-enrolled";
}

/* "app,email,sms,backup" (what u has), or "-". */
static void
methods(const struct report_user *u, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s%s%s%s", u->app ? ",app" : "",
	    u->email ? ",email" : "", u->sms ? ",sms" : "",
	    u->backup_left >= 0 ? ",backup" : "");
	if (out[0] == ',')
		memmove(out, out + 1, strlen(out));
	else
		snprintf(out, outsz, "-");
}

/* A user name as shown: printable ASCII, anything else '?'. */
static void
shown(const char *in, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *in != '\0' && o + 1 < outsz; in++)
		out[o++] = *in >= 0x20 && *in < 0x7f ? *in : '?';
	out[o] = '\0';
}

static void
totals_line(const struct report *r, FILE *out)
{
	char date[32];
	long days = mfa_report_days_left(r);

	fprintf(out, "%u of %zu enrolled, %zu left", r->enrolled, r->nusers,
	    r->nusers - r->enrolled);
	if (r->has_deadline) {
		mfa_timefmt_utc(
		    r->deadline, "%Y-%m-%d", "?", date, sizeof(date));
		if (days > 0)
			fprintf(out, ", deadline in %ld day%s (%s)", days,
			    days == 1 ? "" : "s", date);
		else
			fprintf(out, ", enforced since %s", date);
	}
	fprintf(out,
	    "\n%u locked out, %u with %d backup codes or fewer, %u broken "
	    "(logins fail until an admin acts)\n",
	    r->locked, r->backup_low, MFA_REPORT_BACKUP_LOW, r->broken);
}

void
mfa_report_table(const struct report *r, FILE *out)
{
	char name[33], meth[32], when[64], left[16];
	size_t i;

	totals_line(r, out);
	fprintf(out, "\n%-16s %-12s %-20s %-22s %-14s %8s %6s %6s %7s\n",
	    "USER", "STATE", "METHODS", "LAST SUCCESS", "LAST METHOD",
	    "FAILURES", "LOCKED", "BACKUP", "DEVICES");
	for (i = 0; i < r->nusers; i++) {
		const struct report_user *u = &r->users[i];

		shown(u->name, name, sizeof(name));
		methods(u, meth, sizeof(meth));
		if (u->last_success != 0)
			mfa_timefmt_utc(u->last_success, "%Y-%m-%d %H:%M UTC",
			    "?", when, sizeof(when));
		else
			snprintf(when, sizeof(when), "never");
		if (u->backup_left >= 0)
			snprintf(left, sizeof(left), "%d", u->backup_left);
		else
			snprintf(left, sizeof(left), "-");
		fprintf(out, "%-16s %-12s %-20s %-22s %-14s %8u %6s %6s %7u\n",
		    name, state_word(u), meth, when,
		    u->last_method[0] != '\0' ? u->last_method : "-",
		    u->failures, u->locked ? "yes" : "no", left, u->devices);
	}
}

/* A JSON string of printable ASCII (names are shown, never used). */
static void
json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else
			fputc(*s >= 0x20 && *s < 0x7f ? *s : '?', out);
	}
	fputc('"', out);
}

/* A time as a number, or null for 0. */
static void
json_time(FILE *out, const char *key, int64_t t)
{
	if (t != 0)
		fprintf(out, ",\"%s\":%lld", key, (long long)t);
	else
		fprintf(out, ",\"%s\":null", key);
}

static void
json_user(FILE *out, const struct report_user *u)
{
	char meth[32], *m, *save = NULL;
	int first = 1;

	fputs("{\"user\":", out);
	json_str(out, u->name);
	fprintf(out, ",\"uid\":%lu,\"state\":\"%s\",\"methods\":[",
	    (unsigned long)u->uid, state_word(u));
	methods(u, meth, sizeof(meth));
	for (m = strtok_r(meth, ",", &save); m != NULL && strcmp(m, "-") != 0;
	     m = strtok_r(NULL, ",", &save), first = 0)
		fprintf(out, "%s\"%s\"", first ? "" : ",", m);
	fputc(']', out);
	json_time(out, "last_success", u->last_success);
	if (u->last_method[0] != '\0')
		fprintf(out, ",\"last_method\":\"%s\"", u->last_method);
	else
		fputs(",\"last_method\":null", out);
	fprintf(out, ",\"failures\":%u,\"locked\":%s", u->failures,
	    u->locked ? "true" : "false");
	json_time(out, "locked_until", u->locked_until);
	if (u->backup_left >= 0)
		fprintf(out, ",\"backup_codes_left\":%d", u->backup_left);
	else
		fputs(",\"backup_codes_left\":null", out);
	fprintf(out, ",\"trusted_devices\":%u}", u->devices);
}

void
mfa_report_json(const struct report *r, FILE *out)
{
	char date[32];
	size_t i;

	fprintf(out, "{\"generated\":%lld", (long long)r->now);
	if (r->has_deadline) {
		mfa_timefmt_utc(
		    r->deadline, "%Y-%m-%d", "?", date, sizeof(date));
		fprintf(out, ",\"enforce_after\":\"%s\",\"days_left\":%ld",
		    date, mfa_report_days_left(r));
	} else {
		fputs(",\"enforce_after\":null,\"days_left\":null", out);
	}
	fprintf(out,
	    ",\"totals\":{\"users\":%zu,\"enrolled\":%u,\"not_enrolled\":%zu,"
	    "\"locked\":%u,\"backup_codes_low\":%u,\"broken\":%u},"
	    "\"users\":[",
	    r->nusers, r->enrolled, r->nusers - r->enrolled, r->locked,
	    r->backup_low, r->broken);
	for (i = 0; i < r->nusers; i++) {
		fputs(i == 0 ? "" : ",", out);
		json_user(out, &r->users[i]);
	}
	fputs("]}\n", out);
}

/* One gauge: HELP, TYPE and its sample (labels may be ""). */
static void
gauge(FILE *f, const char *name, const char *help, const char *labels,
    long long value)
{
	if (help != NULL)
		fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	fprintf(f, "%s%s %lld\n", name, labels, value);
}

int
mfa_report_prometheus(const struct report *r, char **text, size_t *len)
{
	FILE *f = open_memstream(text, len);

	if (f == NULL)
		return MFA_ERR_NOMEM;
	gauge(f, "pam_mfa_users",
	    "Accounts that must use MFA, by enrolment state.",
	    "{state=\"enrolled\"}", r->enrolled);
	gauge(f, "pam_mfa_users", NULL, "{state=\"not_enrolled\"}",
	    (long long)(r->nusers - r->enrolled));
	gauge(f, "pam_mfa_locked_users",
	    "Accounts locked out now, everywhere or from some address.", "",
	    r->locked);
	gauge(f, "pam_mfa_backup_codes_low_users",
	    "Enrolled accounts with 3 backup codes or fewer left.", "",
	    r->backup_low);
	gauge(f, "pam_mfa_broken_users",
	    "Accounts whose logins fail until an admin acts.", "", r->broken);
	if (r->has_deadline)
		gauge(f, "pam_mfa_enforce_after_seconds",
		    "When enforce_after= starts refusing accounts that are "
		    "not enrolled, in unix time.",
		    "", (long long)r->deadline);
	gauge(f, "pam_mfa_report_timestamp_seconds",
	    "When this report was made, in unix time.", "", (long long)r->now);
	if (fclose(f) != 0) {
		free(*text);
		*text = NULL;
		return MFA_ERR_NOMEM;
	}
	return MFA_OK;
}
