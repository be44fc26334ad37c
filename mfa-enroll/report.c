/*
 * report.c - "mfa-enroll report" (root): collect the accounts that must
 * use MFA and what each has (see report.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "report.h"
#include "state.h"
#include "store.h"
#include "store_open.h"
#include "userfile.h"

#define REPORT_GROUPS_MAX 1024
#define LOGIN_DEFS MFA_SYSCONFDIR "/login.defs"

static const char report_usage[] =
    "usage: mfa-enroll report [--json] [--prometheus FILE]\n"
    "\n"
    "Root only.  The roll-out of MFA: every account that must use it (uid\n"
    "from UID_MIN to UID_MAX of " LOGIN_DEFS ", in groups=), enrolled or\n"
    "not, its methods, last success, failures and lock-out, backup codes\n"
    "left and trusted devices, with the totals and the days left before\n"
    "enforce_after= at the top.\n"
    "\n"
    "  --json             one JSON object instead of the table\n"
    "  --prometheus FILE  also write the metrics in the Prometheus text\n"
    "                     format to FILE (replaced atomically, mode 0644),\n"
    "                     for node_exporter's textfile collector\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 usage or not root.\n";

/* UID_MIN / UID_MAX of login.defs, or Debian's defaults. */
static void
uid_range(struct report *r)
{
	char line[256], key[64];
	unsigned long v;
	FILE *f;

	r->uid_min = 1000;
	r->uid_max = 60000;
	if ((f = fopen(LOGIN_DEFS, "re")) == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " %63s %lu", key, &v) != 2 || v > 0x7fffffff)
			continue;
		if (strcmp(key, "UID_MIN") == 0)
			r->uid_min = (uid_t)v;
		else if (strcmp(key, "UID_MAX") == 0)
			r->uid_max = (uid_t)v;
	}
	fclose(f);
}

/* Does the account pw fall under groups=?  Unknown groups are skipped. */
static int
in_groups(const struct mfa_config *cfg, const struct passwd *pw)
{
	gid_t gids[REPORT_GROUPS_MAX];
	char *names[REPORT_GROUPS_MAX];
	int n = REPORT_GROUPS_MAX, i, ok;
	size_t k = 0;
	struct group *g;

	if (cfg->groups == NULL)
		return 1;
	if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &n) < 0)
		n = 0; /* too many: judged by none, so not in scope */
	for (i = 0; i < n; i++)
		if ((g = getgrgid(gids[i])) != NULL &&
		    (names[k] = strdup(g->gr_name)) != NULL)
			k++;
	ok = mfa_config_groups_match(cfg, (const char *const *)names, k);
	while (k > 0)
		free(names[--k]);
	return ok;
}

static int
add_user(struct report *r, const struct passwd *pw)
{
	struct report_user *u, *grown;

	grown = reallocarray(r->users, r->nusers + 1, sizeof(*r->users));
	if (grown == NULL)
		return MFA_ERR_NOMEM;
	r->users = grown;
	u = &r->users[r->nusers];
	memset(u, 0, sizeof(*u));
	u->name = strdup(pw->pw_name);
	u->home = strdup(pw->pw_dir != NULL ? pw->pw_dir : "");
	if (u->name == NULL || u->home == NULL) {
		free(u->name);
		free(u->home);
		return MFA_ERR_NOMEM;
	}
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	u->last_method = "";
	u->backup_left = -1;
	r->nusers++;
	return MFA_OK;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const struct report_user *)a)->name,
	    ((const struct report_user *)b)->name);
}

/* Every account of the password database that must use MFA. */
static int
collect_accounts(const struct mfa_cli *c, struct report *r)
{
	struct passwd *pw;
	int rc = MFA_OK;

	setpwent();
	while (rc == MFA_OK && (pw = getpwent()) != NULL)
		if (pw->pw_uid >= r->uid_min && pw->pw_uid <= r->uid_max &&
		    pw->pw_name != NULL && pw->pw_name[0] != '\0' &&
		    in_groups(&c->cfg, pw))
			rc = add_user(r, pw);
	endpwent();
	if (r->nusers > 1)
		qsort(r->users, r->nusers, sizeof(*r->users), by_name);
	return rc;
}

/* Sources of st locked out at now. */
static int
some_source_locked(const struct mfa_state *st, int64_t now)
{
	size_t i;

	for (i = 0; i < st->nsources; i++)
		if (st->sources[i].locked_until > now)
			return 1;
	return 0;
}

/* One record of the store's list, joined to its account (if in scope). */
static int
visit_record(void *arg, const struct mfa_store_entry *e)
{
	struct report *r = arg;
	struct report_user key = {.name = (char *)e->user}, *u;
	const struct mfa_state *st = e->st;

	u = bsearch(&key, r->users, r->nusers, sizeof(*r->users), by_name);
	if (u == NULL)
		return 0; /* not an account that must use MFA */
	u->has_record = 1;
	u->record_rc = e->rc;
	if (e->rc != MFA_OK)
		return 0;
	u->enrolled_mark = st->enrolled != 0;
	u->last_success = st->last_success;
	if (st->last_method != MFA_METHOD_NONE)
		u->last_method = mfa_method_name(st->last_method);
	u->failures = st->failures;
	u->locked_until =
	    mfa_state_is_locked(st, r->now) ? st->locked_until : 0;
	u->locked = u->locked_until != 0 || some_source_locked(st, r->now);
	u->devices = (unsigned int)st->ndevices;
	u->backup_used_match = st->has_backup_used;
	memcpy(u->backup_set, st->backup_set, sizeof(u->backup_set));
	u->backup_used_mask = st->backup_used_mask;
	return 0;
}

/* Methods and backup codes left, from u's enrolment file. */
static void
read_methods(const struct mfa_cli *c, struct report_user *u)
{
	struct mfa_cli uc = *c; /* the run context, acting for u */
	struct mfa_secret *s = NULL;
	gid_t groups[REPORT_GROUPS_MAX];
	int n = REPORT_GROUPS_MAX, i, issued = 0, used = 0;
	char why[MFA_USERFILE_WHY];

	if (getgrouplist(u->name, u->gid, groups, &n) < 0)
		n = 0;
	uc.user = u->name;
	uc.home = u->home;
	uc.uid = u->uid;
	uc.gid = u->gid;
	uc.groups = groups;
	uc.ngroups = n;
	uc.admin = 1;
	u->secret_rc = mfa_userfile_load(&uc, &s, why, sizeof(why));
	if (u->secret_rc != MFA_OK)
		return;
	u->app = 1;
	u->email = s->email != NULL;
	u->sms = s->phone != NULL;
	for (i = 0; s->has_backup && i < MFA_BACKUP_SLOTS; i++)
		if (s->backup[i] != NULL) {
			issued++;
			used += u->backup_used_match &&
			    memcmp(u->backup_set, s->backup_set, 8) == 0 &&
			    (u->backup_used_mask & (1u << i)) != 0;
		}
	if (s->has_backup)
		u->backup_left = issued - used;
	mfa_secret_free(s);
}

/* The totals at the top. */
static void
count(struct report *r)
{
	size_t i;

	for (i = 0; i < r->nusers; i++) {
		const struct report_user *u = &r->users[i];

		r->enrolled += mfa_report_enrolled(u) != 0;
		r->locked += u->locked != 0;
		/* No codes issued counts as none left. */
		r->backup_low += u->secret_rc == MFA_OK &&
		    u->backup_left <= MFA_REPORT_BACKUP_LOW;
		r->broken += mfa_report_broken(u) != 0;
	}
}

/* Collect everything; errors are printed.  MFA_OK or an error. */
static int
collect(const struct mfa_cli *c, struct report *r)
{
	struct mfa_store *store = NULL;
	char why[256];
	size_t i;
	int rc;

	r->now = mfa_cli_now();
	r->has_deadline = c->cfg.has_enforce_after;
	r->deadline = c->cfg.enforce_after;
	uid_range(r);
	if ((rc = collect_accounts(c, r)) != MFA_OK) {
		mfa_cli_err(
		    c, "cannot list the accounts: %s", mfa_strerror(rc));
		return rc;
	}
	rc = mfa_store_open_config(&c->cfg, 0, &store, why, sizeof(why));
	if (rc == MFA_OK)
		rc = mfa_store_list(store, visit_record, r, why, sizeof(why));
	mfa_store_close(store);
	if (rc != MFA_OK && rc != MFA_ERR_NOENT) { /* NOENT: no state yet */
		mfa_cli_err(c, "cannot list the module state (%s): %s",
		    mfa_store_config_where(&c->cfg), why);
		return rc;
	}
	for (i = 0; i < r->nusers; i++)
		read_methods(c, &r->users[i]);
	count(r);
	return MFA_OK;
}

static void
report_free(struct report *r)
{
	size_t i;

	for (i = 0; i < r->nusers; i++) {
		free(r->users[i].name);
		free(r->users[i].home);
	}
	free(r->users);
}

/* Write text to path, atomically (fileio.h: temporary file, rename). */
static int
write_metrics(
    const struct mfa_cli *c, const char *path, const char *text, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash != NULL ? slash + 1 : path;
	char dir[PATH_MAX];
	int dirfd, rc = MFA_ERR_INVALID;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else if ((size_t)(slash - path) < sizeof(dir))
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else
		name = ""; /* too long: refused below */
	if (*name != '\0' && strcmp(name, ".") != 0 &&
	    strcmp(name, "..") != 0) {
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		rc = dirfd < 0 ? mfa_err_from_errno(errno)
			       : mfa_file_replace(dirfd, name, text, len, 0644,
				     (uid_t)-1, (gid_t)-1);
		if (dirfd >= 0)
			close(dirfd);
	}
	if (rc != MFA_OK)
		mfa_cli_err(c, "--prometheus %s: %s", path, mfa_strerror(rc));
	return rc;
}

/* Parse the options; -1 to go on, else an exit status. */
static int
parse_report(const struct mfa_cli *c, int argc, char **argv, int *json,
    const char **prom)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(report_usage, stdout);
			return MFA_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			*json = 1;
		} else if (strcmp(argv[i], "--prometheus") == 0 &&
		    i + 1 < argc && argv[i + 1][0] != '\0') {
			*prom = argv[++i];
		} else {
			mfa_cli_err(c,
			    "report: unknown or incomplete option "
			    "(see mfa-enroll report --help)");
			return MFA_EXIT_USAGE;
		}
	}
	if (!mfa_admin_need_root(c, "report"))
		return MFA_EXIT_USAGE;
	return -1;
}

int
mfa_report_run(struct mfa_cli *c, int argc, char **argv)
{
	struct report r = {0};
	const char *prom = NULL;
	char *text = NULL;
	size_t len = 0;
	int json = 0, ex;

	if ((ex = parse_report(c, argc, argv, &json, &prom)) >= 0)
		return ex;
	ex = MFA_EXIT_FAIL;
	if (collect(c, &r) != MFA_OK)
		goto out;
	if (prom != NULL &&
	    (mfa_report_prometheus(&r, &text, &len) != MFA_OK ||
		write_metrics(c, prom, text, len) != MFA_OK))
		goto out;
	if (json)
		mfa_report_json(&r, stdout);
	else
		mfa_report_table(&r, stdout);
	ex = fflush(stdout) == 0 ? MFA_EXIT_OK : MFA_EXIT_FAIL;
out:
	free(text);
	report_free(&r);
	return ex;
}
