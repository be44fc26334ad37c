/*
 * vaultcmd.c - mfa-enroll with secrets = vault: what a user may do (ask
 * for a renewal at the next login), and root's move of home enrolments
 * into the vault (import-home).
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "userfile.h"
#include "vault.h"

static const char held_by_root[] =
    "Enrolments on this host are held by root (secrets = vault): no "
    "program you run can read or change your key, mfa-enroll included.\n";

static const char import_usage[] =
    "usage: mfa-enroll --user NAME import-home   (root only)\n"
    "       mfa-enroll --all import-home\n"
    "\n"
    "Copy NAME's enrolment file (secret=, ~/.pam_mfa by default), or every\n"
    "user's, into the vault (secrets = vault): the same key, backup codes\n"
    "and addresses, so nobody enrols again.  A user already in the vault\n"
    "with the same enrolment is left as is (running it twice is fine); one\n"
    "with another enrolment is refused (reset first).  The home file is\n"
    "left for the user to delete; logins no longer read it.\n"
    "\n"
    "Exit status: 0 done, 1 a file was refused or not written, 2 usage or\n"
    "not root, 3 (NAME) no enrolment file in the home.\n";

/* "<home>/.pam_mfa-request" of c's user into out. */
static int
request_path(const struct mfa_cli *c, char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/%s", c->home, MFA_VAULT_REQUEST_NAME);

	return n > 0 && (size_t)n < outsz ? MFA_OK : MFA_ERR_TOOBIG;
}

/* Write the request r into the home, as the user (we are the user). */
static int
write_request(const struct mfa_cli *c, enum mfa_vault_request r)
{
	struct mfa_file_rules rules = {
	    .owner = c->uid, .max_size = MFA_VAULT_REQUEST_MAX};
	struct mfa_file_error ferr = {""};
	const char *text = mfa_vault_request_text(r), *name = NULL;
	char path[4096];
	int dirfd = -1, rc;

	rc = request_path(c, path, sizeof(path));
	if (rc == MFA_OK)
		rc = mfa_file_open_parent(path, &rules, &dirfd, &name, &ferr);
	if (rc == MFA_OK) {
		rc = mfa_file_replace(dirfd, name, text, strlen(text), 0600,
		    (uid_t)-1, (gid_t)-1);
		close(dirfd);
	}
	if (rc != MFA_OK)
		mfa_cli_err(c, "cannot record the request: %s",
		    ferr.why[0] != '\0' ? ferr.why : mfa_strerror(rc));
	return rc;
}

/* The request waiting in the home, NONE when there is none. */
static enum mfa_vault_request
read_request(const struct mfa_cli *c)
{
	struct mfa_file_rules rules = {
	    .owner = c->uid, .max_size = MFA_VAULT_REQUEST_MAX};
	enum mfa_vault_request r = MFA_VAULT_REQUEST_NONE;
	char path[4096], *buf = NULL;
	size_t len = 0;
	int fd = -1;

	if (request_path(c, path, sizeof(path)) != MFA_OK ||
	    mfa_file_open_read(path, &rules, &fd, NULL) != MFA_OK)
		return r;
	if (mfa_file_read_all(fd, MFA_VAULT_REQUEST_MAX, &buf, &len) == MFA_OK)
		mfa_vault_request_parse(buf, len, &r);
	close(fd);
	if (buf != NULL)
		mfa_freezero(buf, len + 1);
	return r;
}

/* mfa-enroll [backup-codes] by the user: record the request. */
static int
user_request(const struct mfa_cli *c, enum mfa_vault_request r)
{
	fputs(held_by_root, stdout);
	if (write_request(c, r) != MFA_OK)
		return MFA_EXIT_FAIL;
	printf("Request recorded: at your next login, once you have typed a "
	       "code from your app\nor a backup code, the login shows %s.  "
	       "The old %s work until that login\ncompletes.  To cancel, "
	       "delete ~/%s.\nNot set up at all yet?  Ask your "
	       "administrator.\n",
	    r == MFA_VAULT_REQUEST_APP
		? "a new QR code to scan and new backup codes"
		: "a new set of backup codes",
	    r == MFA_VAULT_REQUEST_APP ? "key and codes" : "codes",
	    MFA_VAULT_REQUEST_NAME);
	return MFA_EXIT_OK;
}

/* mfa-enroll status by the user: nothing to read; say who knows. */
static int
user_status(const struct mfa_cli *c)
{
	enum mfa_vault_request r = read_request(c);

	fputs(held_by_root, stdout);
	printf("Ask your administrator what is set up for you (mfa-enroll "
	       "--user %s status).\n",
	    c->user);
	if (r != MFA_VAULT_REQUEST_NONE)
		printf("Waiting for your next login: %s (~/%s).\n",
		    r == MFA_VAULT_REQUEST_APP ? "a new authenticator"
					       : "new backup codes",
		    MFA_VAULT_REQUEST_NAME);
	return MFA_EXIT_OK;
}

int
mfa_vaultcmd_user(const struct mfa_cli *c, const char *cmd, int argc,
    char **argv, int *handled)
{
	int help = mfa_cli_want_help(argc, argv);

	*handled = cmd == NULL ||
	    (strcmp(cmd, "devices") != 0 && strcmp(cmd, "doctor") != 0);
	if (!*handled)
		return MFA_EXIT_OK; /* not the enrolment's business */
	if (cmd != NULL && strcmp(cmd, "backup-codes") != 0 &&
	    strcmp(cmd, "status") != 0) {
		fputs(held_by_root, stderr);
		mfa_cli_err(c, "%s: ask your administrator", cmd);
		return MFA_EXIT_FAIL;
	}
	if (help || argc > 1) {
		fprintf(help ? stdout : stderr,
		    "usage: mfa-enroll [backup-codes | status]   (secrets = "
		    "vault)\n\n%s",
		    held_by_root);
		return help ? MFA_EXIT_OK : MFA_EXIT_USAGE;
	}
	if (cmd == NULL)
		return user_request(c, MFA_VAULT_REQUEST_APP);
	if (strcmp(cmd, "backup-codes") == 0)
		return user_request(c, MFA_VAULT_REQUEST_BACKUP);
	return user_status(c);
}

/* ---- import-home (root) ---- */

/*
 * Copy c's user's home enrolment into the vault.  Returns MFA_OK (copied,
 * or there already), MFA_ERR_NOENT (no home file) or an error, with a line
 * printed in every case but a missing file when quiet (--all).
 */
static int
import_one(const struct mfa_cli *c, int quiet)
{
	char why[MFA_USERFILE_WHY] = "";
	struct mfa_secret *home = NULL, *held = NULL;
	int rc;

	rc = mfa_userfile_load_home(c, &home, why, sizeof(why));
	if (rc == MFA_ERR_NOENT) {
		if (!quiet)
			printf("%s: no enrolment in the home, nothing to "
			       "import\n",
			    c->user);
		return rc;
	}
	if (rc == MFA_OK)
		rc = mfa_userfile_load(c, &held, why, sizeof(why));
	if (rc == MFA_OK) {
		rc = mfa_ct_equal(held->id, home->id, sizeof(home->id))
		    ? MFA_OK
		    : MFA_ERR_DENIED;
		if (rc == MFA_OK)
			printf("%s: already in the vault\n", c->user);
		else
			snprintf(why, sizeof(why),
			    "the vault holds another enrolment (run "
			    "mfa-enroll --user %s reset first)",
			    c->user);
	} else if (rc == MFA_ERR_NOENT) {
		rc = mfa_userfile_write(c, home, why, sizeof(why));
		if (rc == MFA_OK)
			printf("%s: imported into the vault; the home file "
			       "is no longer read\n",
			    c->user);
	}
	if (rc != MFA_OK)
		mfa_cli_err(c, "%s: %s", c->user, why);
	mfa_secret_free(home);
	mfa_secret_free(held);
	return rc;
}

/* Refuse import-home where it cannot run; -1 to go on, else a status. */
static int
import_check(const struct mfa_cli *c, int argc, char **argv)
{
	if (mfa_cli_want_help(argc, argv)) {
		fputs(import_usage, stdout);
		return MFA_EXIT_OK;
	}
	if (argc > 1) {
		fputs(import_usage, stderr);
		return MFA_EXIT_USAGE;
	}
	if (!mfa_admin_need_root(c, "import-home"))
		return MFA_EXIT_USAGE;
	if (c->cfg.secrets != MFA_SECRETS_VAULT) {
		mfa_cli_err(c, "import-home: set secrets = vault in %s first",
		    c->cfg.conf);
		return MFA_EXIT_USAGE;
	}
	return -1;
}

int
mfa_import_home_run(struct mfa_cli *c, int argc, char **argv)
{
	int ex = import_check(c, argc, argv), rc;

	if (ex >= 0)
		return ex;
	if (!c->admin) {
		mfa_cli_err(c,
		    "import-home: name the user (--user NAME) or "
		    "--all");
		return MFA_EXIT_USAGE;
	}
	rc = import_one(c, 0);
	return rc == MFA_OK       ? MFA_EXIT_OK
	    : rc == MFA_ERR_NOENT ? MFA_EXIT_NOT_ENROLLED
				  : MFA_EXIT_FAIL;
}

/* import_one for the user of the passwd entry pw. */
static int
import_entry(const struct mfa_cli *base, const struct passwd *pw)
{
	struct mfa_cli u = *base; /* the options are base's: never freed */
	int rc;

	u.user = pw->pw_name;
	u.home = pw->pw_dir;
	u.uid = pw->pw_uid;
	u.gid = pw->pw_gid;
	u.groups = u.own_groups = NULL;
	u.admin = 1;
	rc = mfa_cli_load_groups(&u);
	if (rc == MFA_OK)
		rc = import_one(&u, 1);
	else
		mfa_cli_err(&u, "%s: cannot list the groups", pw->pw_name);
	free(u.groups);
	free(u.own_groups);
	return rc;
}

int
mfa_import_home_all(struct mfa_cli *c, int argc, char **argv)
{
	struct passwd *pw;
	unsigned int done = 0, failed = 0;
	int ex = import_check(c, argc, argv), rc;

	if (ex >= 0)
		return ex;
	setpwent();
	while ((errno = 0, pw = getpwent()) != NULL) {
		if (pw->pw_dir == NULL || pw->pw_dir[0] != '/')
			continue;
		rc = import_entry(c, pw);
		done += rc == MFA_OK;
		failed += rc != MFA_OK && rc != MFA_ERR_NOENT;
	}
	endpwent();
	printf("%u in the vault, %u failed\n", done, failed);
	return failed == 0 ? MFA_EXIT_OK : MFA_EXIT_FAIL;
}
