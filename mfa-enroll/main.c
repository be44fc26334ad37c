/*
 * main.c - mfa-enroll: global options, who we act for, and the command.
 *
 *   mfa-enroll [--user NAME] [--conf FILE] [COMMAND] [ARGS]
 *
 * Global options come before the command (git-style); each command parses
 * its own.  mfa-enroll must never run with privileges it was not started
 * with: a setuid or setgid copy refuses to run at all.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "config_load.h"
#include "error.h"
#include "log.h"

#ifndef MFA_VERSION
#error "MFA_VERSION comes from debian/changelog through the Makefile"
#endif

#define PW_BUF 16384

struct command {
	const char *name;
	int (*run)(struct mfa_cli *, int, char **);
};

static const struct command commands[] = {
    {"add", mfa_enrol_add_run},
    {"backup-codes", mfa_backupcmd_run},
    {"devices", mfa_devices_run},
    {"disable", mfa_admin_disable_run},
    {"doctor", mfa_doctor_run},
    {"email", mfa_contact_email_run},
    {"import-google-authenticator", mfa_import_ga_run},
    {"import-home", mfa_import_home_run},
    {"import-oath", mfa_import_oath_run},
    {"list", mfa_authcmd_list_run},
    {"remove", mfa_authcmd_remove_run},
    {"report", mfa_report_run},
    {"reset", mfa_admin_reset_run},
    {"resync", mfa_authcmd_resync_run},
    {"sms", mfa_contact_sms_run},
    {"status", mfa_status_run},
    {"store", mfa_storecmd_run},
    {"unlock", mfa_admin_unlock_run},
};

static const char usage[] =
    "usage: mfa-enroll [--user NAME] [--conf FILE] [COMMAND] [ARGS]\n"
    "\n"
    "Set up a second factor for your logins (pam_mfa).\n"
    "\n"
    "Commands:\n"
    "  (none)            enrol an authenticator app: QR code, one code to\n"
    "                    check, then 10 backup codes.  Options:\n"
    "      --secret BASE32   import a known secret (at least 128 bits)\n"
    "      --code CODE       answer the verification without a prompt\n"
    "      --qr=utf8|ansi|none  QR code style (default utf8 on a terminal;\n"
    "                        without a terminal the otpauth URI is shown)\n"
    "      --issuer NAME     name shown by the app (default: host name)\n"
    "      --label ACCOUNT   account shown by the app (default: user@host)\n"
    "  add [--name NAME] another authenticator (second phone, TOTP token):\n"
    "                    QR code and one code, as enrolment (at most 5)\n"
    "  list              your authenticators\n"
    "  remove NAME [--code CODE]\n"
    "                    remove one, after a code from another one or a\n"
    "                    backup code (root: none needed)\n"
    "  backup-codes      a new set of backup codes (the old set stops "
    "working)\n"
    "  status            what is enrolled and when\n"
    "  disable [--yes]   remove your enrolment\n"
    "  import-google-authenticator [--code CODE] [FILE]\n"
    "                    convert ~/.google_authenticator\n"
    "  email ADDRESS | --remove\n"
    "                    record the address that login codes can be sent\n"
    "                    to (after a code sent there is typed back)\n"
    "  sms NUMBER | --remove\n"
    "                    the same for a phone number (needs sms_command)\n"
    "  devices [forget all]  list (root) or forget your trusted devices\n"
    "Root only:\n"
    "  --user NAME       act for NAME with any command (files stay NAME's)\n"
    "  reset [--yes]     remove NAME's enrolment and module state\n"
    "  unlock            clear NAME's failures and lock-outs\n"
    "  add --hotp --secret HEX|BASE32 --code CODE\n"
    "                    provision an HOTP hardware token for NAME\n"
    "  import-oath FILE --user NAME | --all\n"
    "                    move pam_oath users (HOTP, HOTP/T30, HOTP/T60)\n"
    "  resync [--name TOKEN] CODE1 CODE2\n"
    "                    resynchronise NAME's HOTP token (two codes in a row)\n"
    "  status            also shows NAME's module state\n"
    "  devices forget ID forget one of NAME's trusted devices\n"
    "  report [--json] [--prometheus FILE]\n"
    "                    the roll-out: who must use MFA, who enrolled\n"
    "  import-home       (secrets = vault) copy NAME's home enrolment into\n"
    "                    the vault; --all import-home: every user's\n"
    "  doctor [--root DIR] [--verbose]\n"
    "                    check sshd, pam.d, pam_mfa.conf and the state\n"
    "                    directory: what will and will not work\n"
    "  store init        make the configured store ready (idempotent)\n"
    "  store import [DIR]  copy the file store DIR (default: state_dir)\n"
    "                    into the configured store: nobody enrols again\n"
    "\n"
    "Global options:\n"
    "  --conf FILE       read FILE instead of " MFA_SYSCONFDIR
    "/security/pam_mfa.conf\n"
    "  --all             every user of the password database (root, with\n"
    "                    import-home only)\n"
    "  --help, --version\n"
    "With secrets = vault the enrolments are root's: run by a user, no\n"
    "command, backup-codes, add and remove only ask the next login (after a\n"
    "code from the app or a backup code) to show a new QR code or new\n"
    "codes, or to add or remove an authenticator; status and list say to\n"
    "ask the admin.\n"
    "Each command has its own --help.  Without a terminal, answers are read\n"
    "from standard input; --code and --yes answer without a prompt.\n"
    "\n"
    "Exit status: 0 success, 1 the operation failed (wrong code, I/O error,\n"
    "refused file; store run by someone else than root), 2 usage error (bad\n"
    "option, unknown command, not root for another root command), 3 not\n"
    "enrolled.\n";

/* Refuse to run with privileges that are not the caller's own. */
static int
privileged_copy(void)
{
	struct stat st;

	if (getuid() != geteuid() || getgid() != getegid() ||
	    getauxval(AT_SECURE) != 0)
		return 1;
	/* Root running a setuid-root copy has equal ids: look at the file. */
	if (stat("/proc/self/exe", &st) == 0 &&
	    (st.st_mode & (S_ISUID | S_ISGID)) != 0)
		return 1;
	return 0;
}

/* Look the user up (by name for --user, else our real uid). */
static int
find_user(struct mfa_cli *c, const char *name)
{
	struct passwd pw, *res = NULL;
	char *buf = malloc(PW_BUF);
	int e, notfound;

	if (buf == NULL)
		return MFA_EXIT_FAIL;
	if (name != NULL)
		e = getpwnam_r(name, &pw, buf, PW_BUF, &res);
	else
		e = getpwuid_r(getuid(), &pw, buf, PW_BUF, &res);
	/* getpwnam_r(3): "not found" may come as 0, ENOENT, ESRCH, EBADF
	 * or EPERM depending on the NSS module. */
	notfound = res == NULL &&
	    (e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM);
	if (res == NULL || pw.pw_dir == NULL || pw.pw_dir[0] != '/') {
		if (notfound && name != NULL)
			mfa_cli_err(c, "--user: no user named %s", name);
		else
			mfa_cli_err(c, "cannot look up %s",
			    name != NULL ? "the user" : "who you are");
		free(buf);
		return notfound && name != NULL ? MFA_EXIT_USAGE
						: MFA_EXIT_FAIL;
	}
	c->user = strdup(pw.pw_name);
	c->home = strdup(pw.pw_dir);
	c->uid = pw.pw_uid;
	c->gid = pw.pw_gid;
	free(buf);
	if (c->user == NULL || c->home == NULL)
		return MFA_EXIT_FAIL;
	if (c->admin && mfa_cli_load_groups(c) != MFA_OK) {
		mfa_cli_err(c, "cannot list the groups of %s", c->user);
		return MFA_EXIT_FAIL;
	}
	return MFA_EXIT_OK;
}

struct globals {
	const char *user, *conf;
	int own_conf; /* the command reads and checks pam_mfa.conf itself */
	int all;      /* --all: every user (import-home only) */
};

/* Global options.  Returns the index of the first other argument, or
 * -1 - exit status when the program should stop. */
static int
parse_globals(int argc, char **argv, struct globals *g)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], **dst = NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return -1 - MFA_EXIT_OK;
		}
		if (strcmp(a, "--version") == 0) {
			printf("mfa-enroll (pam_mfa) %s\n", MFA_VERSION);
			return -1 - MFA_EXIT_OK;
		}
		if (strcmp(a, "--all") == 0) {
			g->all = 1;
			continue;
		}
		if (strncmp(a, "--user", 6) == 0)
			dst = &g->user;
		else if (strncmp(a, "--conf", 6) == 0)
			dst = &g->conf;
		else
			break;
		if (a[6] == '=')
			*dst = a + 7;
		else if (a[6] == '\0' && i + 1 < argc)
			*dst = argv[++i];
		else if (a[6] == '\0')
			*dst = "";
		else
			break; /* "--username": not ours; the command says so */
		if (**dst == '\0') {
			fprintf(stderr, "mfa-enroll: %.6s needs a value\n", a);
			return -1 - MFA_EXIT_USAGE;
		}
	}
	return i;
}

/*
 * Read pam_mfa.conf (or --conf).  With own_conf (doctor), a file that does
 * not load is not fatal here: defaults are used and the command itself
 * reports what is wrong with the file.
 */
static int
load_config(struct mfa_cli *c, const char *conf, int own_conf)
{
	char err[512] = "", arg[4200];
	const char *argv[1] = {arg};
	int rc;

	if (conf != NULL &&
	    (size_t)snprintf(arg, sizeof(arg), "conf=%s", conf) >=
		sizeof(arg)) {
		mfa_cli_err(c, "--conf: path too long");
		return MFA_EXIT_USAGE;
	}
	rc = mfa_config_load(
	    &c->cfg, conf != NULL ? 1 : 0, argv, err, sizeof(err));
	if (rc != MFA_OK && own_conf) {
		c->conf_unloaded = 1;
		rc = mfa_config_init(&c->cfg);
		if (rc == MFA_OK && conf != NULL) {
			free(c->cfg.conf); /* the file the command checks */
			c->cfg.conf = strdup(conf);
			rc = c->cfg.conf != NULL ? MFA_OK : MFA_ERR_NOMEM;
		}
	}
	if (rc != MFA_OK) {
		mfa_cli_err(c, "%s", err[0] != '\0' ? err : mfa_strerror(rc));
		return MFA_EXIT_FAIL;
	}
	return MFA_EXIT_OK;
}

/* Set up c for the user acted for.  Returns an exit status. */
static int
setup(struct mfa_cli *c, const struct globals *g)
{
	int ex;

	c->log.prog = "mfa-enroll";
	c->is_root = geteuid() == 0;
	c->stdin_tty = isatty(STDIN_FILENO);
	c->stdout_tty = isatty(STDOUT_FILENO);
	if (g->user != NULL && !c->is_root) {
		mfa_cli_err(c,
		    "--user is for root only (run it with sudo, or "
		    "ask your admin)");
		return MFA_EXIT_USAGE;
	}
	c->admin = g->user != NULL;
	ex = find_user(c, g->user);
	if (ex == MFA_EXIT_OK)
		ex = load_config(c, g->conf, g->own_conf);
	return ex;
}

static const struct command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * The command (argv[1] when cmd is set; argv[0] is what came before):
 * --all only with import-home, and the user's own commands in vault mode
 * go to vaultcmd.c.
 */
static int
run(struct mfa_cli *c, const struct globals *g, const struct command *cmd,
    int argc, char **argv)
{
	int ex, handled = 0;

	if (g->all &&
	    (cmd == NULL || cmd->run != mfa_import_home_run ||
		g->user != NULL)) {
		mfa_cli_err(c,
		    "--all goes with import-home only (and not "
		    "with --user)");
		return MFA_EXIT_USAGE;
	}
	if (g->all)
		return mfa_import_home_all(c, argc - 1, argv + 1);
	if (c->cfg.secrets == MFA_SECRETS_VAULT && !c->is_root) {
		ex = cmd != NULL
		    ? mfa_vaultcmd_user(
			  c, cmd->name, argc - 1, argv + 1, &handled)
		    : mfa_vaultcmd_user(c, NULL, argc, argv, &handled);
		if (handled)
			return ex;
	}
	return cmd != NULL ? cmd->run(c, argc - 1, argv + 1)
			   : mfa_enrol_run(c, argc, argv);
}

int
main(int argc, char **argv)
{
	struct mfa_cli c;
	struct globals g = {NULL, NULL, 0, 0};
	const struct command *cmd = NULL;
	int i, ex;

	memset(&c, 0, sizeof(c));
	if (privileged_copy()) {
		fputs("mfa-enroll: refusing to run setuid or setgid: it works "
		      "with the rights of\nwhoever runs it.  Remove the bit: "
		      "chmod u-s,g-s mfa-enroll\n",
		    stderr);
		return MFA_EXIT_FAIL;
	}
	i = parse_globals(argc, argv, &g);
	if (i < 0)
		return -1 - i;
	if (i < argc && argv[i][0] != '-') {
		cmd = find_command(argv[i]);
		if (cmd == NULL) {
			fprintf(stderr,
			    "mfa-enroll: unknown command '%s' "
			    "(see mfa-enroll --help)\n",
			    argv[i]);
			return MFA_EXIT_USAGE;
		}
		g.own_conf = cmd->run == mfa_doctor_run;
	}
	ex = setup(&c, &g);
	if (ex == MFA_EXIT_OK)
		ex = run(&c, &g, cmd, argc - i + 1, argv + i - 1);
	mfa_cli_free(&c);
	return ex;
}
