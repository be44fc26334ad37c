/*
 * vaultcmd.c - mfa-enroll with secrets = vault: what a user may do (ask
 * the next login for a renewal, new backup codes, another authenticator
 * or one less), and root's move of home enrolments into the vault
 * (import-home).
 */
#include <errno.h>
#include <getopt.h>
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

static const char user_usage[] =
    "usage: mfa-enroll [backup-codes | add [--name NAME] | remove NAME |\n"
    "                   status | list]   (secrets = vault, as a user)\n"
    "\n"
    "  (no command)       a new authenticator in place of the current one\n"
    "  backup-codes       a new set of backup codes\n"
    "  add [--name NAME]  another authenticator (default app2, app3...)\n"
    "  remove NAME        remove the authenticator NAME\n"
    "  status, list       who can tell what is set up for you\n"
    "\n"
    "The first four record a request in ~/" MFA_VAULT_REQUEST_NAME
    " (a new one\n"
    "replaces it) for your next login, which honours it once you have "
    "typed\n"
    "a code from your app or a backup code (to remove NAME: a code from\n"
    "another authenticator or a backup code).\n"
    "\n";

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
write_request(const struct mfa_cli *c, const struct mfa_vault_req *r)
{
	struct mfa_file_rules rules = {
	    .owner = c->uid, .max_size = MFA_VAULT_REQUEST_MAX};
	struct mfa_file_error ferr = {""};
	char path[4096], text[MFA_VAULT_REQUEST_MAX];
	const char *name = NULL;
	int dirfd = -1, rc;

	rc = mfa_vault_request_format(r, text, sizeof(text));
	if (rc == MFA_OK)
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

/* The request waiting in the home into *r (kind NONE: none). */
static void
read_request(const struct mfa_cli *c, struct mfa_vault_req *r)
{
	struct mfa_file_rules rules = {
	    .owner = c->uid, .max_size = MFA_VAULT_REQUEST_MAX};
	char path[4096], *buf = NULL;
	size_t len = 0;
	int fd = -1;

	memset(r, 0, sizeof(*r));
	if (request_path(c, path, sizeof(path)) != MFA_OK ||
	    mfa_file_open_read(path, &rules, &fd, NULL) != MFA_OK)
		return;
	if (mfa_file_read_all(fd, MFA_VAULT_REQUEST_MAX, &buf, &len) == MFA_OK)
		mfa_vault_request_parse(buf, len, r);
	close(fd);
	if (buf != NULL)
		mfa_freezero(buf, len + 1);
}

#define RECORDED                                                               \
	"Request recorded: at your next login, once you have typed a code "    \
	"from "

/* What the next login does for r. */
static void
print_promise(const struct mfa_vault_req *r)
{
	switch (r->kind) {
	case MFA_VAULT_REQUEST_APP:
		printf(
		    RECORDED "your app\nor a backup code, the login shows a "
			     "new QR code to scan and new backup codes.\nThe "
			     "old key and codes work until that login "
			     "completes.\n");
		break;
	case MFA_VAULT_REQUEST_BACKUP:
		printf(RECORDED "your app\nor a backup code, the login shows a "
				"new set of backup codes.  The old codes\nwork "
				"until that login completes.\n");
		break;
	case MFA_VAULT_REQUEST_ADD:
		printf(RECORDED
		    "your app\nor a backup code, the login shows "
		    "the QR code of another authenticator,\n%s, and "
		    "asks for its first code; it joins the others "
		    "when that login\ncompletes.  At most %d: the "
		    "login tells you if you have them all already.\n",
		    r->name[0] != '\0' ? r->name : "app2 (or app3...)",
		    MFA_SECRET_AUTH_MAX);
		break;
	default:
		printf(RECORDED "another\nauthenticator or a backup code (not "
				"from %s itself), the login removes\nthe "
				"authenticator %s.  The last one cannot be "
				"removed: ask your\nadministrator for a reset "
				"instead.\n",
		    r->name, r->name);
	}
}

/* mfa-enroll [backup-codes | add | remove] by the user: the request. */
static int
user_request(const struct mfa_cli *c, const struct mfa_vault_req *r)
{
	fputs(held_by_root, stdout);
	if (write_request(c, r) != MFA_OK)
		return MFA_EXIT_FAIL;
	print_promise(r);
	printf("To cancel, delete ~/%s.\nNot set up at all yet?  Ask your "
	       "administrator.\n",
	    MFA_VAULT_REQUEST_NAME);
	return MFA_EXIT_OK;
}

/* mfa-enroll status or list by the user: nothing to read; who knows. */
static int
user_status(const struct mfa_cli *c, const char *cmd)
{
	struct mfa_vault_req r;

	read_request(c, &r);
	fputs(held_by_root, stdout);
	printf("Ask your administrator what is set up for you (mfa-enroll "
	       "--user %s %s).\n",
	    c->user, cmd);
	if (r.kind == MFA_VAULT_REQUEST_NONE)
		return MFA_EXIT_OK;
	printf("Waiting for your next login: %s%s (~/%s).\n",
	    r.kind == MFA_VAULT_REQUEST_APP          ? "a new authenticator"
		: r.kind == MFA_VAULT_REQUEST_BACKUP ? "new backup codes"
		: r.kind == MFA_VAULT_REQUEST_ADD    ? "another authenticator "
						       "called "
						     : "removing the "
						       "authenticator ",
	    r.kind == MFA_VAULT_REQUEST_ADD && r.name[0] == '\0' ? "app2..."
								 : r.name,
	    MFA_VAULT_REQUEST_NAME);
	return MFA_EXIT_OK;
}

/* The usage on stderr; MFA_EXIT_USAGE. */
static int
user_usage_err(void)
{
	fputs(user_usage, stderr);
	fputs(held_by_root, stderr);
	return MFA_EXIT_USAGE;
}

/* add [--name NAME]: r's name; -1 to go on, else an exit status. */
static int
parse_add(
    const struct mfa_cli *c, int argc, char **argv, struct mfa_vault_req *r)
{
	static const struct option longopts[] = {
	    {"name", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
	const char *name = NULL;
	int ch;

	optind = 0;
	opterr = 0; /* one message of our own */
	while ((ch = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (ch != 'n') {
			mfa_cli_err(c,
			    "add: only --name here: the new key is made at "
			    "your next login");
			return user_usage_err();
		}
		name = optarg;
	}
	if (optind != argc)
		return user_usage_err();
	if (name != NULL && mfa_secret_name_check(name) != MFA_OK) {
		mfa_cli_err(c, "--name: " MFA_SECRET_NAME_RULE);
		return MFA_EXIT_FAIL;
	}
	snprintf(r->name, sizeof(r->name), "%s", name != NULL ? name : "");
	return -1;
}

/* The request cmd and its arguments ask for into *r (NONE: status or
 * list); -1 to go on, else an exit status. */
static int
user_args(const struct mfa_cli *c, const char *cmd, int argc, char **argv,
    struct mfa_vault_req *r)
{
	static const struct {
		const char *name;
		enum mfa_vault_request kind;
	} cmds[] = {{"backup-codes", MFA_VAULT_REQUEST_BACKUP},
	    {"add", MFA_VAULT_REQUEST_ADD},
	    {"remove", MFA_VAULT_REQUEST_REMOVE},
	    {"status", MFA_VAULT_REQUEST_NONE},
	    {"list", MFA_VAULT_REQUEST_NONE}};
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; cmd != NULL && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			break;
	if (cmd != NULL && i == sizeof(cmds) / sizeof(cmds[0])) {
		fputs(held_by_root, stderr);
		mfa_cli_err(c, "%s: ask your administrator", cmd);
		return MFA_EXIT_FAIL;
	}
	r->kind = cmd == NULL ? MFA_VAULT_REQUEST_APP : cmds[i].kind;
	if (mfa_cli_want_help(argc, argv)) {
		printf("%s%s", user_usage, held_by_root);
		return MFA_EXIT_OK;
	}
	if (r->kind == MFA_VAULT_REQUEST_ADD)
		return parse_add(c, argc, argv, r);
	if (r->kind != MFA_VAULT_REQUEST_REMOVE)
		return argc > 1 ? user_usage_err() : -1;
	if (argc != 2 || argv[1][0] == '-')
		return user_usage_err();
	if (mfa_secret_name_check(argv[1]) != MFA_OK) {
		mfa_cli_err(c, "remove: " MFA_SECRET_NAME_RULE);
		return MFA_EXIT_FAIL;
	}
	snprintf(r->name, sizeof(r->name), "%s", argv[1]);
	return -1;
}

int
mfa_vaultcmd_user(const struct mfa_cli *c, const char *cmd, int argc,
    char **argv, int *handled)
{
	struct mfa_vault_req r;
	int ex;

	*handled = cmd == NULL ||
	    (strcmp(cmd, "devices") != 0 && strcmp(cmd, "doctor") != 0);
	if (!*handled)
		return MFA_EXIT_OK; /* not the enrolment's business */
	ex = user_args(c, cmd, argc, argv, &r);
	if (ex >= 0)
		return ex;
	return r.kind == MFA_VAULT_REQUEST_NONE ? user_status(c, cmd)
						: user_request(c, &r);
}

/* ---- import-home (root) ---- */

/*
 * Copy c's user's home enrolment into the vault.  Returns MFA_OK (copied,
 * or there already), MFA_ERR_NOENT (no home file) or an error, with a line
 * printed in every case but a missing file when quiet (--all).  A copy is
 * an enrolment event naming the admin (none when it was there already).
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
		if (rc == MFA_OK) {
			printf("%s: imported into the vault; the home file "
			       "is no longer read\n",
			    c->user);
			mfa_admin_event(c, MFA_EVENT_ENROLMENT,
			    "home enrolment imported into the vault");
		}
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
	struct mfa_cli u;
	int rc;

	rc = mfa_cli_as_user(base, pw, &u);
	if (rc == MFA_OK)
		rc = import_one(&u, 1);
	mfa_cli_as_user_end(&u);
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
