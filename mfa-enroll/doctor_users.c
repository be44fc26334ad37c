/*
 * doctor_users.c - count the users the module's state directory knows:
 * enrolled, with failed attempts, locked out (everywhere or from some
 * addresses), and records that do not parse, as the store lists them
 * (mfa_store_list).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "doctor.h"
#include "error.h"
#include "state.h"
#include "store.h"
#include "store_files.h"

struct doc_users {
	struct doctor *d;
	unsigned int files, enrolled, locked, failing, bad;
};

/* Sources (deny=) of st locked out at now: logins from there are refused. */
static unsigned int
sources_locked(const struct mfa_state *st, int64_t now)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < st->nsources; i++)
		n += st->sources[i].locked_until > now;
	return n;
}

/* One user of the store's list (mfa_store_list), counted and shown. */
static int
user_count(void *arg, const struct mfa_store_entry *e)
{
	struct doc_users *u = arg;
	struct doctor *d = u->d;
	const struct mfa_state *st = e->st;
	char user[DOC_SHOWN_MAX], when[64];
	int locked = e->rc == MFA_OK && mfa_state_is_locked(st, d->now);
	unsigned int sources = e->rc == MFA_OK ? sources_locked(st, d->now) : 0;

	mfa_cli_printable(e->user, user, sizeof(user));
	u->files++;
	if (e->rc != MFA_OK) {
		u->bad++;
		mfa_doctor_say(d, DOC_WARN,
		    "%s of %s does not parse (line %u: %s): %s's logins "
		    "fail until mfa-enroll --user %s %s",
		    e->part, user, e->line,
		    e->why[0] != '\0' ? e->why : mfa_strerror(e->rc), user,
		    user, e->needs_reset ? "reset" : "unlock");
		return 0;
	}
	u->enrolled += st->enrolled != 0;
	u->locked += locked != 0 || sources > 0;
	u->failing += st->failures > 0;
	if (d->verbose) {
		mfa_cli_time(st->locked_until, when, sizeof(when));
		fprintf(d->out, "  user %s: %s, %u failures%s%s", user,
		    st->enrolled ? "enrolled" : "not enrolled", st->failures,
		    locked ? ", locked out until " : "", locked ? when : "");
		if (sources > 0)
			fprintf(d->out, ", locked out from %u address%s",
			    sources, sources == 1 ? "" : "es");
		fputc('\n', d->out);
	}
	return 0;
}

void
mfa_doctor_check_users(struct doctor *d, const char *dir)
{
	struct doc_users u = {d, 0, 0, 0, 0, 0};
	struct mfa_store *store = NULL;
	char path[PATH_MAX], why[256] = "";

	if (mfa_doctor_rooted(d, dir, path, sizeof(path)) != MFA_OK)
		return;
	/* The directory itself is mfa_doctor_check_state_dir's to judge
	 * (file backend): here, only the users it lists, sorted, so that
	 * --verbose lists them in a stable order. */
	if (mfa_store_open_inspect(path, &store, why, sizeof(why)) != MFA_OK)
		return;
	(void)mfa_store_list(store, user_count, &u, why, sizeof(why));
	mfa_store_close(store);
	mfa_doctor_say(d, DOC_OK,
	    "users in %s: %u enrolled, %u with failed attempts (only users "
	    "the module has seen are counted: the others' homes are not read)",
	    dir, u.enrolled, u.failing);
	if (u.locked > 0)
		mfa_doctor_say(d, DOC_WARN,
		    "%u user%s locked out now (everywhere or from some "
		    "addresses): mfa-enroll --user NAME unlock lets one in%s",
		    u.locked, u.locked == 1 ? " is" : "s are",
		    d->verbose ? "" : " (--verbose lists them)");
	else
		mfa_doctor_say(
		    d, DOC_OK, "users in %s: nobody is locked out", dir);
}
