/*
 * doctor_users.c - count the users the module's state directory knows:
 * enrolled, with failed attempts, locked out (everywhere or from some
 * addresses), and state files that do not parse, read as the module reads
 * them (the state file and the failure tally of its lock file).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "doctor.h"
#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "state.h"
#include "tally.h"

struct doc_users {
	unsigned int files, enrolled, locked, failing, bad;
};

/* A state file name back to the user name (%XX escapes), printable. */
static void
user_from_file(const char *name, char *out, size_t outsz)
{
	size_t o = 0;
	unsigned int x;

	for (; *name != '\0' && o + 1 < outsz; name++) {
		if (name[0] == '%' && sscanf(name + 1, "%2x", &x) == 1 &&
		    name[1] != '\0' && name[2] != '\0') {
			/* Shown, never used as a name: keep it printable. */
			out[o++] = x >= 0x20 && x < 0x7f ? (char)x : '?';
			name += 2;
		} else {
			out[o++] = *name;
		}
	}
	out[o] = '\0';
}

/* The regular file name of dfd (at most max bytes) into *buf. */
static int
read_small(int dfd, const char *name, size_t max, char **buf, size_t *len)
{
	struct stat sb;
	int fd, rc;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return mfa_err_from_errno(errno);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		rc = MFA_ERR_UNSAFE;
	else
		rc = mfa_file_read_all(fd, max, buf, len);
	close(fd);
	return rc;
}

/*
 * Read one user's state file of the directory (dfd) into st, with the
 * failure tally of its lock file (tally.h) when there is one, as the
 * module sees them.  *what names the file at fault on failure.
 */
static int
user_state(int dfd, const char *name, struct mfa_state *st,
    struct mfa_parse_error *se, const char **what)
{
	char lock[NAME_MAX + 1];
	char *buf = NULL;
	size_t len = 0;
	int rc;

	*what = "state";
	rc = read_small(dfd, name, MFA_STATE_MAX_SIZE, &buf, &len);
	if (rc == MFA_OK)
		rc = mfa_state_parse(buf, len, st, se);
	if (buf != NULL)
		mfa_freezero(buf, len + 1); /* holds code hashes */
	if (rc != MFA_OK ||
	    snprintf(lock, sizeof(lock), ".%s.lock", name) >= (int)sizeof(lock))
		return rc;
	*what = "failure tally (in its lock file)";
	buf = NULL;
	rc = read_small(dfd, lock, MFA_TALLY_LEN, &buf, &len);
	if (rc == MFA_ERR_NOENT)
		return MFA_OK;
	if (rc == MFA_OK)
		rc = mfa_tally_apply(buf, len, st, se);
	free(buf);
	return rc;
}

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

static void
user_count(struct doctor *d, struct doc_users *u, int dfd, const char *name)
{
	struct mfa_state st;
	struct mfa_parse_error se = {0, ""};
	char user[DOC_SHOWN_MAX], when[64];
	const char *what = "state";
	int rc = user_state(dfd, name, &st, &se, &what);
	int locked = rc == MFA_OK && mfa_state_is_locked(&st, d->now);
	unsigned int sources = rc == MFA_OK ? sources_locked(&st, d->now) : 0;

	user_from_file(name, user, sizeof(user));
	u->files++;
	if (rc != MFA_OK) {
		u->bad++;
		mfa_doctor_say(d, DOC_WARN,
		    "%s of %s does not parse (line %u: %s): %s's logins "
		    "fail until mfa-enroll --user %s %s",
		    what, user, se.line,
		    se.msg[0] != '\0' ? se.msg : mfa_strerror(rc), user, user,
		    strcmp(what, "state") == 0 ? "reset" : "unlock");
		return;
	}
	u->enrolled += st.enrolled != 0;
	u->locked += locked != 0 || sources > 0;
	u->failing += st.failures > 0;
	if (d->verbose) {
		mfa_cli_time(st.locked_until, when, sizeof(when));
		fprintf(d->out, "  user %s: %s, %u failures%s%s", user,
		    st.enrolled ? "enrolled" : "not enrolled", st.failures,
		    locked ? ", locked out until " : "", locked ? when : "");
		if (sources > 0)
			fprintf(d->out, ", locked out from %u address%s",
			    sources, sources == 1 ? "" : "es");
		fputc('\n', d->out);
	}
	mfa_state_wipe(&st);
}

/* Record names never start with '.': lock and temporary files do. */
static int
not_hidden(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

void
mfa_doctor_check_users(struct doctor *d, const char *dir)
{
	struct doc_users u = {0, 0, 0, 0, 0};
	char path[PATH_MAX];
	struct dirent **list = NULL;
	int i, n, dfd;

	if (mfa_doctor_rooted(d, dir, path, sizeof(path)) != MFA_OK)
		return;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return;
	/* Sorted, so that --verbose lists users in a stable order. */
	n = scandirat(dfd, ".", &list, not_hidden, alphasort);
	for (i = 0; i < n; i++) {
		user_count(d, &u, dfd, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	close(dfd);
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
