/*
 * config.h - pam_mfa's options: one parser for /etc/security/pam_mfa.conf
 * and for the module arguments.
 *
 * Both sources go through one table sorted by option name, so an option
 * means the same thing wherever it is written.  The file holds plain
 * "key = value" lines, "#" comment lines and blank lines; a flag is a bare
 * keyword (as in faillock.conf).  Module arguments are "key=value" or a
 * bare flag; PAM's bracket syntax ("[mail_command=/usr/bin/msmtp -t]")
 * reaches us without the brackets, so a value is everything after the
 * first '='.
 *
 * Nothing here does I/O or reads the clock: the caller reads the file and
 * passes its bytes.  Unknown keys and bad values are errors, never a
 * silent default (DESIGN section 5), and every error text names the
 * option and, for the file, the line.
 */
#ifndef MFA_CONFIG_H
#define MFA_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* Longest value of a path option (secret=, state_dir=, conf=), in bytes. */
#define MFA_CONFIG_PATH_MAX 1024
/* Largest pam_mfa.conf accepted, and its longest line, in bytes. */
#define MFA_CONFIG_FILE_MAX 65536
#define MFA_CONFIG_LINE_MAX 4096
/* Bounds of mail_command= and sms_command=. */
#define MFA_CONFIG_CMD_WORDS 16
#define MFA_CONFIG_CMD_WORD_MAX 256
/* Bounds of groups=. */
#define MFA_CONFIG_GROUPS_MAX 64
#define MFA_CONFIG_GROUP_MAX 256
/* Bounds of trust_services=. */
#define MFA_CONFIG_SERVICES_MAX 16
#define MFA_CONFIG_SERVICE_MAX 64

enum mfa_trust_by { MFA_TRUST_SSHKEY, MFA_TRUST_RHOST };

/* Where the per-user state lives (store_open.h). */
enum mfa_store_kind { MFA_STORE_FILES, MFA_STORE_POSTGRESQL };

/* What to do when a code cannot be delivered: secure fails the method. */
enum mfa_failmode { MFA_FAILMODE_SECURE, MFA_FAILMODE_SAFE };

/* sk_keys=: off, or a FIDO2 SSH key sshd verified is the second factor. */
enum mfa_sk_keys { MFA_SK_KEYS_OFF, MFA_SK_KEYS_SECOND_FACTOR };

/* Where enrolments live (secrets=): the user's file, or root's vault. */
enum mfa_secrets { MFA_SECRETS_HOME, MFA_SECRETS_VAULT };

/* One element of groups=: an fnmatch(3) pattern, "!" patterns exclude. */
struct mfa_group_rule {
	char *pattern; /* without the leading '!' */
	int exclude;   /* 1 for a "!pattern" */
};

struct mfa_config {
	char *secret;    /* "~/.pam_mfa"; may hold ~/ (at start), ${HOME},
			    ${USER}: see mfa_config_expand_path */
	char *state_dir; /* MFA_STATEDIR */
	char *conf;      /* MFA_SYSCONFDIR "/security/pam_mfa.conf" */
	enum mfa_store_kind store;  /* files */
	char *store_conninfo;       /* MFA_SYSCONFDIR
				       "/security/pam_mfa.pgsql" */
	unsigned int store_timeout; /* 3000 ms, 100..60000 */
	char *plugin_dir;           /* MFA_PLUGINDIR */
	int nullok;
	int enroll_at_login;
	int echo_code;
	int debug;
	int trust_keep_on_backup; /* a backup-code login keeps devices */
	int64_t enforce_after;    /* 00:00 UTC of that date, if set */
	int has_enforce_after;
	struct mfa_group_rule *groups; /* NULL: everybody must use MFA */
	size_t ngroups;
	unsigned int window;           /* 1, 0..10 steps either side */
	unsigned int tries;            /* 3, 1..10 prompts per login */
	unsigned int deny;             /* 10, 0..1000 per source; 0 = never */
	unsigned int deny_total;       /* 100, 0..100000 account; 0 = off */
	unsigned int unlock_time;      /* 900 s, 0..604800; 0 = admin only */
	unsigned int code_ttl;         /* 300 s, 60..3600 */
	unsigned int email_interval;   /* 60 s, 0..3600 */
	unsigned int email_hourly_max; /* 10, 1..20 (the state keeps 20) */
	unsigned int trust_days;       /* 90, 0..365; 0 = no trust */
	unsigned int lock_timeout;     /* 5000 ms, 100..60000 */
	enum mfa_trust_by trust_by;    /* sshkey */
	char **trust_services; /* NULL-terminated PAM service names where
				  trust is offered and honoured: "sshd" */
	char **mail_argv;      /* NULL-terminated; "/usr/sbin/sendmail -t -i" */
	char **sms_argv;       /* NULL-terminated, or NULL: no SMS */
	char *mail_from;       /* NULL: the caller uses "pam_mfa@<hostname>" */
	char *issuer;          /* NULL: the caller uses the host name */
	char *line; /* line=: this stack line's name for logs; NULL: none */
	enum mfa_failmode failmode; /* secure */
	enum mfa_secrets secrets;   /* home */
	int notify; /* email the user when a backup code is used or a
		       device is trusted */
	enum mfa_sk_keys sk_keys; /* off */
};

/*
 * mfa_config_init - fill c with the defaults above.  Returns MFA_OK, or
 * MFA_ERR_NOMEM (c is then empty and safe to pass to mfa_config_free).
 * The caller owns c and releases it with mfa_config_free.
 */
int mfa_config_init(struct mfa_config *c);

/*
 * mfa_config_free - free everything c owns and zero it.  NULL is fine;
 * calling it twice is fine.
 */
void mfa_config_free(struct mfa_config *c);

/*
 * mfa_config_parse_file - apply the len bytes of pam_mfa.conf text in buf
 * (need not be NUL-terminated) to c, which mfa_config_init prepared.
 * Returns MFA_OK, or on the first problem:
 *   MFA_ERR_UNKNOWN_KEY  an unknown option, or conf= (arguments only);
 *   MFA_ERR_FORMAT       a bad, missing or empty value, a value given to a
 *                        flag, a NUL byte;
 *   MFA_ERR_RANGE        a number or date outside its range;
 *   MFA_ERR_DUPLICATE    an option given twice in the file;
 *   MFA_ERR_TOOBIG       over MFA_CONFIG_FILE_MAX bytes or a line over
 *                        MFA_CONFIG_LINE_MAX;
 *   MFA_ERR_NOMEM, MFA_ERR_INVALID (NULL c or buf).
 * err (errsz bytes; may be NULL when errsz is 0) receives a text such as
 * "pam_mfa.conf line 7: unknown option 'fooo'", or "" on success.  On an
 * error c may hold some of the file's options but stays valid for
 * mfa_config_free; the caller must not use it for a login.
 */
int mfa_config_parse_file(
    struct mfa_config *c, const char *buf, size_t len, char *err, size_t errsz);

/*
 * mfa_config_parse_args - apply PAM module arguments to c, after the file:
 * an argument overrides the file's value (that is not a duplicate), but
 * an option given twice among the arguments is MFA_ERR_DUPLICATE.  conf=
 * is accepted and only recorded in c->conf (the caller has read that file
 * already, see mfa_config_find_conf).  Results and err as for
 * mfa_config_parse_file (err names "module argument N"); a NULL argv
 * entry or argc < 0 is MFA_ERR_INVALID.
 */
int mfa_config_parse_args(
    struct mfa_config *c, int argc, const char **argv, char *err, size_t errsz);

/*
 * mfa_config_find_conf - the value of the first non-empty "conf=" among
 * the arguments, without applying or checking anything else, so that the
 * caller can read that file before applying the arguments.  Returns a
 * pointer into argv, or NULL when there is none.
 */
const char *mfa_config_find_conf(int argc, const char **argv);

/*
 * mfa_config_option_names - the names of every accepted option, sorted,
 * NULL-terminated, static (for the tests that check the man pages).
 */
const char *const *mfa_config_option_names(void);

/*
 * mfa_config_option_range - the range and default of the numeric option
 * name, into *min, *max and *def (the value mfa_config_init sets), so
 * that tests can hold the man pages and the example file to the table.
 * Returns MFA_OK, MFA_ERR_UNKNOWN_KEY for no such option, MFA_ERR_FORMAT
 * for an option that is not a number, MFA_ERR_INVALID for a NULL
 * argument, MFA_ERR_NOMEM.
 */
int mfa_config_option_range(
    const char *name, unsigned int *min, unsigned int *max, unsigned int *def);

/*
 * mfa_config_groups_match - whether a user who belongs to the n groups
 * named in user_groups must use MFA: 1 yes, 0 no.  Without groups= it is
 * always 1.  A "!" pattern that matches any of the groups excludes the
 * user even when another pattern includes them; with only "!" patterns,
 * everyone not excluded is in.  Patterns use fnmatch(3) without
 * FNM_PERIOD.  NULL entries in user_groups are skipped.
 */
int mfa_config_groups_match(
    const struct mfa_config *c, const char *const *user_groups, size_t n);

/*
 * mfa_config_trust_service - 1 when trust_services= names service (exact,
 * case-sensitive, as PAM service names are), else 0 (also for NULL).
 */
int mfa_config_trust_service(const struct mfa_config *c, const char *service);

/*
 * mfa_config_expand_path - expand a secret= pattern for one user: "~/" at
 * the start and "${HOME}" become home, "${USER}" becomes user; any other
 * '$' or a '~' at the start without '/' is MFA_ERR_FORMAT.  The result
 * must be absolute, must not contain "/../" nor end in "/..", and must not
 * hold control characters (MFA_ERR_FORMAT), and must be shorter than
 * PATH_MAX (MFA_ERR_TOOBIG).  user must be non-empty without '/', home
 * absolute (else MFA_ERR_INVALID).  On MFA_OK *out is a new string the
 * caller frees with free(); on an error *out is NULL.
 */
int mfa_config_expand_path(
    const char *pattern, const char *user, const char *home, char **out);

#endif /* MFA_CONFIG_H */
