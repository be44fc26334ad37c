/*
 * config.c - one table-driven parser for pam_mfa.conf and module arguments.
 *
 * The table below lists every option once, sorted by name; the file
 * parser and the argument parser both look an option up there and call
 * its handler, so the two sources cannot drift apart.  Handlers validate
 * completely before they change the configuration, and replace (never
 * append to) what an earlier source set: arguments override the file.
 */
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "config.h"
#include "error.h"
#include "log.h"
#include "otpauth.h"
#include "text.h"

#ifndef MFA_SYSCONFDIR
#define MFA_SYSCONFDIR "/etc"
#endif
#ifndef MFA_STATEDIR
#define MFA_STATEDIR "/var/lib/pam_mfa"
#endif

#define DEFAULT_SECRET "~/.pam_mfa"
#define DEFAULT_CONF MFA_SYSCONFDIR "/security/pam_mfa.conf"
#define DEFAULT_CONNINFO MFA_SYSCONFDIR "/security/pam_mfa.pgsql"
#define DEFAULT_MAIL "/usr/sbin/sendmail -t -i"
#define DEFAULT_TRUST_SERVICES "sshd"
#define MFA_STR_(x) #x
#define MFA_STR(x) MFA_STR_(x)

#define FILE_NAME "pam_mfa.conf"
#define ISSUER_MAX 64
#define SHOWN_MAX 64     /* how much of a bad value an error text quotes */
#define LINE_NAME_MAX 32 /* line= */

struct parse_ctx;
struct opt;
typedef int (*opt_set_fn)(
    struct parse_ctx *x, const struct opt *o, const char *val);

/* One option: its name, handler, field and, for numbers, range. */
struct opt {
	const char *name;
	opt_set_fn set;
	size_t off;
	unsigned int min, max;
	int args_only; /* conf= names the file, so it cannot be in it */
};

static int set_flag(struct parse_ctx *, const struct opt *, const char *);
static int set_uint(struct parse_ctx *, const struct opt *, const char *);
static int set_path(struct parse_ctx *, const struct opt *, const char *);
static int set_secret(struct parse_ctx *, const struct opt *, const char *);
static int set_date(struct parse_ctx *, const struct opt *, const char *);
static int set_groups(struct parse_ctx *, const struct opt *, const char *);
static int set_command(struct parse_ctx *, const struct opt *, const char *);
static int set_email(struct parse_ctx *, const struct opt *, const char *);
static int set_issuer(struct parse_ctx *, const struct opt *, const char *);
static int set_line(struct parse_ctx *, const struct opt *, const char *);
static int set_trust_by(struct parse_ctx *, const struct opt *, const char *);
static int set_failmode(struct parse_ctx *, const struct opt *, const char *);
static int set_services(struct parse_ctx *, const struct opt *, const char *);
static int set_store(struct parse_ctx *, const struct opt *, const char *);
static int set_sk_keys(struct parse_ctx *, const struct opt *, const char *);
static int set_secrets(struct parse_ctx *, const struct opt *, const char *);

#define OFF(f) offsetof(struct mfa_config, f)

/*
 * Every option, sorted by name (bsearch relies on it; the unit test checks
 * it).  Columns: name, handler, field, minimum, maximum, arguments only.
 */
#define MFA_OPTIONS(X)                                                         \
	X(code_ttl, set_uint, OFF(code_ttl), 60, 3600, 0)                      \
	X(conf, set_path, OFF(conf), 0, 0, 1)                                  \
	X(debug, set_flag, OFF(debug), 0, 0, 0)                                \
	X(deny, set_uint, OFF(deny), 0, 1000, 0)                               \
	X(deny_total, set_uint, OFF(deny_total), 0, 100000, 0)                 \
	X(echo_code, set_flag, OFF(echo_code), 0, 0, 0)                        \
	X(email_hourly_max, set_uint, OFF(email_hourly_max), 1, 20, 0)         \
	X(email_interval, set_uint, OFF(email_interval), 0, 3600, 0)           \
	X(enforce_after, set_date, OFF(enforce_after), 0, 0, 0)                \
	X(enroll_at_login, set_flag, OFF(enroll_at_login), 0, 0, 0)            \
	X(failmode, set_failmode, OFF(failmode), 0, 0, 0)                      \
	X(groups, set_groups, OFF(groups), 0, 0, 0)                            \
	X(issuer, set_issuer, OFF(issuer), 0, 0, 0)                            \
	X(line, set_line, OFF(line), 0, 0, 1)                                  \
	X(lock_timeout, set_uint, OFF(lock_timeout), 100, 60000, 0)            \
	X(mail_command, set_command, OFF(mail_argv), 0, 0, 0)                  \
	X(mail_from, set_email, OFF(mail_from), 0, 0, 0)                       \
	X(notify, set_flag, OFF(notify), 0, 0, 0)                              \
	X(nullok, set_flag, OFF(nullok), 0, 0, 0)                              \
	X(plugin_dir, set_path, OFF(plugin_dir), 0, 0, 0)                      \
	X(secret, set_secret, OFF(secret), 0, 0, 0)                            \
	X(secrets, set_secrets, OFF(secrets), 0, 0, 0)                         \
	X(sk_keys, set_sk_keys, OFF(sk_keys), 0, 0, 0)                         \
	X(sms_command, set_command, OFF(sms_argv), 0, 0, 0)                    \
	X(state_dir, set_path, OFF(state_dir), 0, 0, 0)                        \
	X(store, set_store, OFF(store), 0, 0, 0)                               \
	X(store_conninfo, set_path, OFF(store_conninfo), 0, 0, 0)              \
	X(store_timeout, set_uint, OFF(store_timeout), 100, 60000, 0)          \
	X(tries, set_uint, OFF(tries), 1, 10, 0)                               \
	X(trust_by, set_trust_by, OFF(trust_by), 0, 0, 0)                      \
	X(trust_days, set_uint, OFF(trust_days), 0, 365, 0)                    \
	X(trust_keep_on_backup, set_flag, OFF(trust_keep_on_backup), 0, 0, 0)  \
	X(trust_services, set_services, OFF(trust_services), 0, 0, 0)          \
	X(unlock_time, set_uint, OFF(unlock_time), 0, 604800, 0)               \
	X(window, set_uint, OFF(window), 0, 10, 0)

#define OPT_ENTRY(n, fn, off, lo, hi, ao) {#n, fn, off, lo, hi, ao},
#define OPT_NAME(n, fn, off, lo, hi, ao) #n,

static const struct opt opts[] = {MFA_OPTIONS(OPT_ENTRY)};
static const char *const opt_names[] = {MFA_OPTIONS(OPT_NAME) NULL};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))

/* Where an error happened, and which options this source has set. */
struct parse_ctx {
	struct mfa_config *c;
	char *err;
	size_t errsz;
	char where[64];   /* "pam_mfa.conf line 7", "module argument 2" */
	int from_args;    /* 1 for module arguments */
	char seen[NOPTS]; /* duplicates are errors within one source */
};

static int fail(struct parse_ctx *x, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Write "<where>: <message>" into the caller's buffer; return rc. */
static int
fail(struct parse_ctx *x, int rc, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (x->err == NULL || x->errsz == 0)
		return rc;
	k = snprintf(x->err, x->errsz, "%s: ", x->where);
	if (k >= 0 && (size_t)k < x->errsz) {
		va_start(ap, fmt);
		vsnprintf(x->err + k, x->errsz - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* An untrusted string made safe and short enough to quote in an error. */
static const char *
shown(const char *s, char *buf, size_t bufsz)
{
	return mfa_log_clean(s, buf, bufsz);
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' ||
	    ch == '\f';
}

static int
is_ctrl(unsigned char ch)
{
	return ch < 0x20 || ch == 0x7f;
}

static int
has_ctrl(const char *s)
{
	for (; *s != '\0'; s++)
		if (is_ctrl((unsigned char)*s))
			return 1;
	return 0;
}

static void *
field(struct parse_ctx *x, const struct opt *o)
{
	return (char *)x->c + o->off;
}

/* Replace the string at *dst by a copy of val. */
static int
replace_str(struct parse_ctx *x, char **dst, const char *val)
{
	char *dup = strdup(val);

	if (dup == NULL)
		return fail(x, MFA_ERR_NOMEM, "out of memory");
	free(*dst);
	*dst = dup;
	return MFA_OK;
}

static void
free_argv(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static void
free_groups(struct mfa_group_rule *g, size_t n)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < n; i++)
		free(g[i].pattern);
	free(g);
}

/* ---- numbers and dates ---- */

/*
 * Strict decimal: digits only, no sign, no leading zero, no overflow.
 * Returns MFA_OK, MFA_ERR_FORMAT or MFA_ERR_RANGE (overflow).
 */
static int
parse_u64(const char *s, size_t n, uint64_t *out)
{
	if (n == 0 || (s[0] == '0' && n > 1))
		return MFA_ERR_FORMAT;
	return mfa_text_digits(s, n, UINT64_MAX, out);
}

static int
set_flag(struct parse_ctx *x, const struct opt *o, const char *val)
{
	(void)val;
	*(int *)field(x, o) = 1;
	return MFA_OK;
}

static int
set_uint(struct parse_ctx *x, const struct opt *o, const char *val)
{
	char b[SHOWN_MAX];
	uint64_t v;
	int rc = parse_u64(val, strlen(val), &v);

	if (rc == MFA_ERR_FORMAT)
		return fail(x, rc,
		    "%s: '%s' is not a number (decimal digits, no sign, "
		    "no leading zero)",
		    o->name, shown(val, b, sizeof(b)));
	if (rc != MFA_OK || v < o->min || v > o->max)
		return fail(x, MFA_ERR_RANGE, "%s: %s is out of range %u..%u",
		    o->name, shown(val, b, sizeof(b)), o->min, o->max);
	*(unsigned int *)field(x, o) = (unsigned int)v;
	return MFA_OK;
}

static int
is_leap(unsigned int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to 00:00 of January 1st of year y (y >= 1970). */
static int64_t
days_before_year(int64_t y)
{
	int64_t p = y - 1;

	return 365 * (y - 1970) + (p / 4 - p / 100 + p / 400) -
	    (1969 / 4 - 1969 / 100 + 1969 / 400);
}

/* n decimal digits at s (leading zeros allowed, as in dates). */
static int
digits(const char *s, size_t n, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned int)(s[i] - '0');
	}
	*out = v;
	return 1;
}

/*
 * "YYYY-MM-DD", a real calendar date, years 2000..9999, to the unix time
 * of 00:00 UTC that day.  *why says what is wrong on an error.
 */
static int
parse_date(const char *s, int64_t *out, const char **why)
{
	static const unsigned int mdays[12] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	static const unsigned int before[12] = {
	    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	unsigned int y, m, d, leap;

	*why = "expected a date as YYYY-MM-DD";
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return MFA_ERR_FORMAT;
	leap = is_leap(y) ? 1 : 0;
	*why = "no such date";
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 ? leap : 0))
		return MFA_ERR_FORMAT;
	*why = "the year must be 2000..9999";
	if (y < 2000)
		return MFA_ERR_RANGE;
	*out =
	    (days_before_year(y) + before[m - 1] + (m > 2 ? leap : 0) + d - 1) *
	    86400;
	return MFA_OK;
}

static int
set_date(struct parse_ctx *x, const struct opt *o, const char *val)
{
	char b[SHOWN_MAX];
	const char *why;
	int64_t t;
	int rc = parse_date(val, &t, &why);

	if (rc != MFA_OK)
		return fail(x, rc, "%s: '%s': %s", o->name,
		    shown(val, b, sizeof(b)), why);
	x->c->enforce_after = t;
	x->c->has_enforce_after = 1;
	return MFA_OK;
}

/* ---- paths ---- */

/* Append n bytes of s at out[*o], keeping room for the final NUL. */
static int
append(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	if (n >= outsz - *o)
		return MFA_ERR_TOOBIG;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return MFA_OK;
}

/* Expand the ~/, ${HOME} and ${USER} of pat into out (outsz >= 1). */
static int
expand_vars(const char *pat, const char *user, const char *home, char *out,
    size_t outsz, const char **why)
{
	size_t o = 0;
	int rc = MFA_OK;

	out[0] = '\0';
	if (pat[0] == '~') {
		*why = "'~' is only supported as '~/' at the start";
		if (pat[1] != '/')
			return MFA_ERR_FORMAT;
		rc = append(out, outsz, &o, home, strlen(home));
		pat++;
	}
	while (*pat != '\0' && rc == MFA_OK) {
		if (strncmp(pat, "${HOME}", 7) == 0) {
			rc = append(out, outsz, &o, home, strlen(home));
			pat += 7;
		} else if (strncmp(pat, "${USER}", 7) == 0) {
			rc = append(out, outsz, &o, user, strlen(user));
			pat += 7;
		} else if (*pat == '$') {
			*why = "only ${HOME} and ${USER} may follow '$'";
			return MFA_ERR_FORMAT;
		} else {
			rc = append(out, outsz, &o, pat++, 1);
		}
	}
	*why = "the expanded path is too long";
	return rc;
}

/* The expansion plus the checks on its result. */
static int
expand_checked(const char *pat, const char *user, const char *home, char *out,
    size_t outsz, const char **why)
{
	size_t n;
	int rc = expand_vars(pat, user, home, out, outsz, why);

	if (rc != MFA_OK)
		return rc;
	n = strlen(out);
	*why = "the path must be absolute";
	if (out[0] != '/')
		return MFA_ERR_FORMAT;
	/* ".." could climb out of the directory the admin chose. */
	*why = "the path must not contain '..' components";
	if (strstr(out, "/../") != NULL ||
	    (n >= 3 && strcmp(out + n - 3, "/..") == 0))
		return MFA_ERR_FORMAT;
	*why = "the path must not contain control characters";
	if (has_ctrl(out))
		return MFA_ERR_FORMAT;
	return MFA_OK;
}

int
mfa_config_expand_path(
    const char *pattern, const char *user, const char *home, char **out)
{
	char buf[PATH_MAX];
	const char *why;
	int rc;

	if (out == NULL)
		return MFA_ERR_INVALID;
	*out = NULL;
	/* A user name with '/' (or "..") could name another user's path. */
	if (pattern == NULL || user == NULL || home == NULL ||
	    user[0] == '\0' || strchr(user, '/') != NULL ||
	    strcmp(user, "..") == 0 || strcmp(user, ".") == 0 || home[0] != '/')
		return MFA_ERR_INVALID;
	rc = expand_checked(pattern, user, home, buf, sizeof(buf), &why);
	if (rc != MFA_OK)
		return rc;
	*out = strdup(buf);
	return *out == NULL ? MFA_ERR_NOMEM : MFA_OK;
}

/* Why a state_dir= or conf= value is refused, or NULL. */
static const char *
path_why(const char *val)
{
	if (strlen(val) > MFA_CONFIG_PATH_MAX)
		return "the path is longer than 1024 bytes";
	if (val[0] != '/')
		return "the path must be absolute";
	if (has_ctrl(val))
		return "the path must not contain control characters";
	return NULL;
}

static int
set_path(struct parse_ctx *x, const struct opt *o, const char *val)
{
	char b[SHOWN_MAX];
	const char *why = path_why(val);

	if (why != NULL)
		return fail(x, MFA_ERR_FORMAT, "%s: '%s': %s", o->name,
		    shown(val, b, sizeof(b)), why);
	return replace_str(x, (char **)field(x, o), val);
}

/* secret=: as a path, and its expansion for a sample user must work. */
static int
set_secret(struct parse_ctx *x, const struct opt *o, const char *val)
{
	char b[SHOWN_MAX], out[PATH_MAX];
	const char *why;
	int rc;

	if (strlen(val) > MFA_CONFIG_PATH_MAX)
		return fail(x, MFA_ERR_FORMAT, "%s: longer than %d bytes",
		    o->name, MFA_CONFIG_PATH_MAX);
	rc = expand_checked(val, "user", "/home/user", out, sizeof(out), &why);
	if (rc != MFA_OK)
		return fail(x, MFA_ERR_FORMAT, "%s: '%s': %s", o->name,
		    shown(val, b, sizeof(b)), why);
	return replace_str(x, (char **)field(x, o), val);
}

/* ---- groups= ---- */

/* One comma-separated element [s, s + n): trimmed, '!' for exclusion. */
static int
parse_group(const char *s, size_t n, struct mfa_group_rule *r, const char **why)
{
	size_t i;

	while (n > 0 && is_blank(*s))
		s++, n--;
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	*why = "an empty group pattern";
	if (n > 0 && *s == '!') {
		r->exclude = 1;
		s++, n--;
	}
	if (n == 0 || is_blank(*s))
		return MFA_ERR_FORMAT;
	*why = "a group pattern is too long";
	if (n > MFA_CONFIG_GROUP_MAX)
		return MFA_ERR_FORMAT;
	*why = "control characters in a group pattern";
	for (i = 0; i < n; i++)
		if (is_ctrl((unsigned char)s[i]))
			return MFA_ERR_FORMAT;
	r->pattern = strndup(s, n);
	return r->pattern == NULL ? MFA_ERR_NOMEM : MFA_OK;
}

static int
set_groups(struct parse_ctx *x, const struct opt *o, const char *val)
{
	struct mfa_group_rule *g;
	const char *p = val, *comma, *why = "out of memory";
	size_t n = 1, i;
	int rc = MFA_OK;

	for (comma = strchr(p, ','); comma != NULL;
	     comma = strchr(comma + 1, ','))
		n++;
	if (n > MFA_CONFIG_GROUPS_MAX)
		return fail(x, MFA_ERR_FORMAT, "%s: more than %d patterns",
		    o->name, MFA_CONFIG_GROUPS_MAX);
	g = calloc(n, sizeof(*g));
	if (g == NULL)
		return fail(x, MFA_ERR_NOMEM, "out of memory");
	for (i = 0; i < n && rc == MFA_OK; i++) {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		rc = parse_group(p, (size_t)(comma - p), &g[i], &why);
		p = comma + 1;
	}
	if (rc != MFA_OK) {
		free_groups(g, n);
		return fail(x, rc, "%s: pattern %zu: %s", o->name, i, why);
	}
	free_groups(x->c->groups, x->c->ngroups);
	x->c->groups = g;
	x->c->ngroups = n;
	return MFA_OK;
}

/* ---- trust_services= ---- */

/* A PAM service name is a file name in /etc/pam.d: no '/', no blank. */
static const char *
service_why(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return "an empty service name";
	if (n > MFA_CONFIG_SERVICE_MAX)
		return "a service name is too long";
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f ||
		    s[i] == '/')
			return "only printable ASCII without spaces or '/' in "
			       "a service name";
	return NULL;
}

/*
 * Split a comma-separated list of service names (blanks around each one
 * ignored) into a new NULL-terminated *out.  *why says what was wrong.
 */
static int
split_services(const char *val, char ***out, const char **why)
{
	const char *p = val, *end;
	char **v;
	size_t n = 0, len;

	*out = NULL;
	*why = "more than " MFA_STR(MFA_CONFIG_SERVICES_MAX) " names";
	if ((v = calloc(MFA_CONFIG_SERVICES_MAX + 1, sizeof(*v))) == NULL)
		return MFA_ERR_NOMEM;
	for (;; p = end + 1) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && is_blank(*p))
			p++, len--;
		while (len > 0 && is_blank(p[len - 1]))
			len--;
		if (n == MFA_CONFIG_SERVICES_MAX ||
		    (*why = service_why(p, len)) != NULL) {
			free_argv(v);
			return MFA_ERR_FORMAT;
		}
		if ((v[n++] = strndup(p, len)) == NULL) {
			free_argv(v);
			return MFA_ERR_NOMEM;
		}
		if (end == NULL)
			break;
	}
	*out = v;
	return MFA_OK;
}

static int
set_services(struct parse_ctx *x, const struct opt *o, const char *val)
{
	char **v = NULL, ***dst = (char ***)field(x, o);
	const char *why = "out of memory";
	int rc = split_services(val, &v, &why);

	if (rc != MFA_OK)
		return fail(x, rc, "%s: %s", o->name, why);
	free_argv(*dst);
	*dst = v;
	return MFA_OK;
}

int
mfa_config_trust_service(const struct mfa_config *c, const char *service)
{
	size_t i;

	if (c == NULL || c->trust_services == NULL || service == NULL)
		return 0;
	for (i = 0; c->trust_services[i] != NULL; i++)
		if (strcmp(c->trust_services[i], service) == 0)
			return 1;
	return 0;
}

int
mfa_config_groups_match(
    const struct mfa_config *c, const char *const *user_groups, size_t n)
{
	int have_include = 0, included = 0;
	size_t i, j;

	if (c == NULL || c->ngroups == 0)
		return 1;
	for (i = 0; i < c->ngroups; i++) {
		const struct mfa_group_rule *r = &c->groups[i];

		if (!r->exclude)
			have_include = 1;
		for (j = 0; user_groups != NULL && j < n; j++) {
			if (user_groups[j] == NULL ||
			    fnmatch(r->pattern, user_groups[j], 0) != 0)
				continue;
			/* An exclusion wins over any inclusion. */
			if (r->exclude)
				return 0;
			included = 1;
		}
	}
	return have_include ? included : 1;
}

/* ---- commands ---- */

/*
 * Why a command line is refused, or NULL.  No shell ever sees it, so shell
 * syntax (quotes, variables, pipes, redirections) would silently mean
 * something else: refuse it instead.
 */
static const char *
command_chars_why(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == ' ' || ch == '\t')
			continue;
		if (ch <= 0x20 || ch >= 0x7f)
			return "only printable ASCII characters are allowed";
		if (strchr("$`;|&<>'\"\\", ch) != NULL)
			return "shell characters ($ ` ; | & < > quotes "
			       "backslash) are not allowed: no shell runs "
			       "the command";
	}
	return NULL;
}

/* Split s on spaces and tabs into a new NULL-terminated vector. */
static int
split_command(const char *s, char ***out, const char **why)
{
	const char *start[MFA_CONFIG_CMD_WORDS];
	size_t len[MFA_CONFIG_CMD_WORDS], n = 0, i;
	char **argv;

	if ((*why = command_chars_why(s)) != NULL)
		return MFA_ERR_FORMAT;
	while (*s != '\0') {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		*why = "more than 16 words";
		if (n == MFA_CONFIG_CMD_WORDS)
			return MFA_ERR_FORMAT;
		start[n] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		len[n] = (size_t)(s - start[n]);
		*why = "a word is longer than 256 bytes";
		if (len[n++] > MFA_CONFIG_CMD_WORD_MAX)
			return MFA_ERR_FORMAT;
	}
	*why = "the program must be an absolute path";
	if (n == 0 || start[0][0] != '/')
		return MFA_ERR_FORMAT;
	*why = "out of memory";
	argv = calloc(n + 1, sizeof(*argv));
	if (argv == NULL)
		return MFA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		argv[i] = strndup(start[i], len[i]);
		if (argv[i] == NULL) {
			free_argv(argv);
			return MFA_ERR_NOMEM;
		}
	}
	*out = argv;
	return MFA_OK;
}

static int
set_command(struct parse_ctx *x, const struct opt *o, const char *val)
{
	char **argv = NULL, ***dst = (char ***)field(x, o);
	const char *why;
	int rc = split_command(val, &argv, &why);

	if (rc != MFA_OK)
		return fail(x, rc, "%s: %s", o->name, why);
	free_argv(*dst);
	*dst = argv;
	return MFA_OK;
}

/* ---- mail_from=, issuer=, choices ---- */

/* mail_from= goes into a From: header: the same rules as users' addresses. */
static int
set_email(struct parse_ctx *x, const struct opt *o, const char *val)
{
	char b[SHOWN_MAX], why[128];

	if (mfa_addr_email_check(val, why, sizeof(why)) != MFA_OK)
		return fail(x, MFA_ERR_FORMAT,
		    "%s: '%s' is not a valid email address (%s)", o->name,
		    shown(val, b, sizeof(b)), why);
	return replace_str(x, (char **)field(x, o), val);
}

/* issuer= becomes the "Issuer:" prefix of the otpauth label: no ':'. */
static int
set_issuer(struct parse_ctx *x, const struct opt *o, const char *val)
{
	if (strlen(val) > ISSUER_MAX)
		return fail(x, MFA_ERR_FORMAT, "%s: longer than %d bytes",
		    o->name, ISSUER_MAX);
	if (mfa_otpauth_name_check(val) != MFA_OK)
		return fail(
		    x, MFA_ERR_FORMAT, "%s: " MFA_OTPAUTH_NAME_RULE, o->name);
	return replace_str(x, (char **)field(x, o), val);
}

/*
 * line=NAME: a name for this pam_mfa line of the stack, for the log.  Any
 * argument also gives the line an argument vector of its own, which is how
 * two pam_mfa lines of one stack are told apart (handover.h); the
 * pam-auth-update profile's line carries line=common-auth for that.
 */
static int
set_line(struct parse_ctx *x, const struct opt *o, const char *val)
{
	size_t n = strspn(val,
	    "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

	if (*val == '\0' || val[n] != '\0' || n > LINE_NAME_MAX)
		return fail(x, MFA_ERR_FORMAT,
		    "%s: 1 to %d letters, digits, '.', '_' or '-'", o->name,
		    LINE_NAME_MAX);
	return replace_str(x, (char **)field(x, o), val);
}

/*
 * A keyword option: val must be one of names (NULL-terminated), and the
 * option's enum field (whose values are 0, 1... in the order of names)
 * gets the index of the one it is.
 */
_Static_assert(sizeof(enum mfa_trust_by) == sizeof(unsigned int) &&
	sizeof(enum mfa_failmode) == sizeof(unsigned int) &&
	sizeof(enum mfa_store_kind) == sizeof(unsigned int) &&
	sizeof(enum mfa_sk_keys) == sizeof(unsigned int) &&
	sizeof(enum mfa_secrets) == sizeof(unsigned int),
    "set_keyword writes enum fields as unsigned int");

static int
set_keyword(struct parse_ctx *x, const struct opt *o, const char *val,
    const char *const *names)
{
	char b[SHOWN_MAX], list[128] = "";
	size_t i, n = 0;

	for (i = 0; names[i] != NULL; i++) {
		if (strcmp(val, names[i]) == 0) {
			*(unsigned int *)field(x, o) = (unsigned int)i;
			return MFA_OK;
		}
		if (n < sizeof(list))
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", i > 0 ? ", " : "", names[i]);
	}
	return fail(x, MFA_ERR_FORMAT, "%s: '%s' is not one of %s", o->name,
	    shown(val, b, sizeof(b)), list);
}

static int
set_trust_by(struct parse_ctx *x, const struct opt *o, const char *val)
{
	static const char *const names[] = {"sshkey", "rhost", NULL};

	return set_keyword(x, o, val, names);
}

/* sk_keys=: does a FIDO2 SSH key sshd verified count (pam_mfa.conf(5))? */
static int
set_sk_keys(struct parse_ctx *x, const struct opt *o, const char *val)
{
	static const char *const names[] = {"off", "second-factor", NULL};

	return set_keyword(x, o, val, names);
}

/* secrets=: where enrolments live (pam_mfa.conf(5)). */
static int
set_secrets(struct parse_ctx *x, const struct opt *o, const char *val)
{
	static const char *const names[] = {"home", "vault", NULL};

	return set_keyword(x, o, val, names);
}

static int
set_failmode(struct parse_ctx *x, const struct opt *o, const char *val)
{
	static const char *const names[] = {"secure", "safe", NULL};

	return set_keyword(x, o, val, names);
}

static int
set_store(struct parse_ctx *x, const struct opt *o, const char *val)
{
	static const char *const names[] = {"files", "postgresql", NULL};

	return set_keyword(x, o, val, names);
}

/* ---- the two sources ---- */

static int
opt_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct opt *)elem)->name);
}

/* Apply one option; val is NULL for a bare keyword. */
static int
apply(struct parse_ctx *x, const char *key, const char *val)
{
	char b[SHOWN_MAX];
	const struct opt *o =
	    bsearch(key, opts, NOPTS, sizeof(opts[0]), opt_cmp);
	int rc;

	if (o == NULL)
		return fail(x, MFA_ERR_UNKNOWN_KEY, "unknown option '%s'",
		    shown(key, b, sizeof(b)));
	if (o->args_only && !x->from_args)
		return fail(x, MFA_ERR_UNKNOWN_KEY,
		    "option '%s' is only accepted as a module argument",
		    o->name);
	if (x->seen[o - opts])
		return fail(
		    x, MFA_ERR_DUPLICATE, "option '%s' given twice", o->name);
	if (o->set == set_flag && val != NULL)
		return fail(x, MFA_ERR_FORMAT,
		    "%s: a flag takes no value (write just '%s')", o->name,
		    o->name);
	if (o->set != set_flag && val == NULL)
		return fail(x, MFA_ERR_FORMAT, "%s: missing value", o->name);
	if (val != NULL && val[0] == '\0')
		return fail(x, MFA_ERR_FORMAT, "%s: empty value", o->name);
	rc = o->set(x, o, val);
	if (rc == MFA_OK)
		x->seen[o - opts] = 1;
	return rc;
}

/* Trim blanks at both ends of the NUL-terminated s, in place. */
static char *
trim(char *s)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* One line of the file, n bytes at p without its '\n'. */
static int
parse_line(struct parse_ctx *x, const char *p, size_t n)
{
	char line[MFA_CONFIG_LINE_MAX + 1], b[SHOWN_MAX], *key, *val = NULL;
	char *eq;
	size_t k;

	if (n > MFA_CONFIG_LINE_MAX)
		return fail(x, MFA_ERR_TOOBIG, "line longer than %d bytes",
		    MFA_CONFIG_LINE_MAX);
	if (memchr(p, '\0', n) != NULL)
		return fail(x, MFA_ERR_FORMAT, "NUL byte in the line");
	memcpy(line, p, n);
	line[n] = '\0';
	key = trim(line);
	if (key[0] == '\0' || key[0] == '#')
		return MFA_OK;
	eq = strchr(key, '=');
	if (eq != NULL) {
		*eq = '\0';
		val = trim(eq + 1);
		key = trim(key);
	}
	k = strcspn(key, " \t\v\f");
	if (key[k] != '\0') {
		key[k] = '\0';
		return fail(x, MFA_ERR_FORMAT,
		    "%s: expected 'key = value' or a bare flag",
		    shown(key, b, sizeof(b)));
	}
	if (key[0] == '\0')
		return fail(
		    x, MFA_ERR_FORMAT, "missing option name before '='");
	return apply(x, key, val);
}

static void
ctx_init(struct parse_ctx *x, struct mfa_config *c, char *err, size_t errsz,
    int from_args)
{
	memset(x, 0, sizeof(*x));
	x->c = c;
	x->err = err;
	x->errsz = errsz;
	x->from_args = from_args;
	snprintf(x->where, sizeof(x->where), "%s",
	    from_args ? "module arguments" : FILE_NAME);
	if (err != NULL && errsz > 0)
		err[0] = '\0';
}

int
mfa_config_parse_file(
    struct mfa_config *c, const char *buf, size_t len, char *err, size_t errsz)
{
	struct parse_ctx x;
	size_t pos = 0, n;
	unsigned int lineno = 0;
	const char *nl;
	int rc = MFA_OK;

	ctx_init(&x, c, err, errsz, 0);
	if (c == NULL || (buf == NULL && len > 0))
		return fail(&x, MFA_ERR_INVALID, "no configuration to fill");
	if (len > MFA_CONFIG_FILE_MAX)
		return fail(&x, MFA_ERR_TOOBIG, "larger than %d bytes",
		    MFA_CONFIG_FILE_MAX);
	while (pos < len && rc == MFA_OK) {
		nl = memchr(buf + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (buf + pos)) : len - pos;
		snprintf(x.where, sizeof(x.where), "%s line %u", FILE_NAME,
		    ++lineno);
		rc = parse_line(&x, buf + pos, n);
		pos += n + 1;
	}
	return rc;
}

/* One module argument: "key=value" (value may hold spaces) or "flag". */
static int
parse_arg(struct parse_ctx *x, const char *arg)
{
	char key[64], b[SHOWN_MAX];
	const char *eq, *val = NULL;
	size_t k, n = strlen(arg);

	if (n > MFA_CONFIG_LINE_MAX)
		return fail(x, MFA_ERR_TOOBIG, "longer than %d bytes",
		    MFA_CONFIG_LINE_MAX);
	eq = strchr(arg, '=');
	k = eq != NULL ? (size_t)(eq - arg) : n;
	if (k == 0)
		return fail(
		    x, MFA_ERR_FORMAT, "missing option name before '='");
	if (k >= sizeof(key))
		k = sizeof(key) - 1; /* too long for any option: unknown */
	memcpy(key, arg, k);
	key[k] = '\0';
	if (eq != NULL) {
		val = eq + 1;
		n = strlen(val);
		/* No trimming here: PAM hands us exactly what was written. */
		if (n > 0 && (is_blank(val[0]) || is_blank(val[n - 1])))
			return fail(x, MFA_ERR_FORMAT,
			    "%s: white space around the value",
			    shown(key, b, sizeof(b)));
	}
	return apply(x, key, val);
}

int
mfa_config_parse_args(
    struct mfa_config *c, int argc, const char **argv, char *err, size_t errsz)
{
	struct parse_ctx x;
	int i, rc = MFA_OK;

	ctx_init(&x, c, err, errsz, 1);
	if (c == NULL || argc < 0 || (argv == NULL && argc > 0))
		return fail(&x, MFA_ERR_INVALID, "no arguments to apply");
	for (i = 0; i < argc && rc == MFA_OK; i++) {
		snprintf(x.where, sizeof(x.where), "module argument %d", i + 1);
		if (argv[i] == NULL)
			return fail(&x, MFA_ERR_INVALID, "NULL argument");
		rc = parse_arg(&x, argv[i]);
	}
	return rc;
}

const char *
mfa_config_find_conf(int argc, const char **argv)
{
	int i;

	/*
	 * The caller reads this file before mfa_config_parse_args checks the
	 * arguments, so a value that check would refuse (a relative path,
	 * resolved against whatever directory the application runs in) is
	 * not handed out; the argument parser then reports it.
	 */
	for (i = 0; argv != NULL && i < argc; i++)
		if (argv[i] != NULL && strncmp(argv[i], "conf=", 5) == 0)
			return argv[i][5] != '\0' &&
				path_why(argv[i] + 5) == NULL
			    ? argv[i] + 5
			    : NULL;
	return NULL;
}

const char *const *
mfa_config_option_names(void)
{
	return opt_names;
}

int
mfa_config_option_range(
    const char *name, unsigned int *min, unsigned int *max, unsigned int *def)
{
	const struct opt *o;
	struct mfa_config c;

	if (name == NULL || min == NULL || max == NULL || def == NULL)
		return MFA_ERR_INVALID;
	o = bsearch(name, opts, NOPTS, sizeof(opts[0]), opt_cmp);
	if (o == NULL)
		return MFA_ERR_UNKNOWN_KEY;
	if (o->set != set_uint)
		return MFA_ERR_FORMAT;
	if (mfa_config_init(&c) != MFA_OK)
		return MFA_ERR_NOMEM;
	*min = o->min;
	*max = o->max;
	*def = *(const unsigned int *)((const char *)&c + o->off);
	mfa_config_free(&c);
	return MFA_OK;
}

/* ---- life cycle ---- */

int
mfa_config_init(struct mfa_config *c)
{
	const char *why;

	if (c == NULL)
		return MFA_ERR_INVALID;
	memset(c, 0, sizeof(*c));
	c->window = 1;
	c->tries = 3;
	c->deny = 10;
	c->deny_total = 100;
	c->unlock_time = 900;
	c->code_ttl = 300;
	c->email_interval = 60;
	c->email_hourly_max = 10;
	c->trust_days = 90;
	c->lock_timeout = 5000;
	c->trust_by = MFA_TRUST_SSHKEY;
	c->failmode = MFA_FAILMODE_SECURE;
	c->secret = strdup(DEFAULT_SECRET);
	c->state_dir = strdup(MFA_STATEDIR);
	c->conf = strdup(DEFAULT_CONF);
	c->store = MFA_STORE_FILES;
	c->store_timeout = 3000;
	c->store_conninfo = strdup(DEFAULT_CONNINFO);
	c->plugin_dir = strdup(MFA_PLUGINDIR);
	if (c->secret == NULL || c->state_dir == NULL || c->conf == NULL ||
	    c->store_conninfo == NULL || c->plugin_dir == NULL ||
	    split_command(DEFAULT_MAIL, &c->mail_argv, &why) != MFA_OK ||
	    split_services(DEFAULT_TRUST_SERVICES, &c->trust_services, &why) !=
		MFA_OK) {
		mfa_config_free(c);
		return MFA_ERR_NOMEM;
	}
	return MFA_OK;
}

void
mfa_config_free(struct mfa_config *c)
{
	if (c == NULL)
		return;
	free(c->secret);
	free(c->state_dir);
	free(c->conf);
	free(c->store_conninfo);
	free(c->plugin_dir);
	free_groups(c->groups, c->ngroups);
	free_argv(c->mail_argv);
	free_argv(c->sms_argv);
	free_argv(c->trust_services);
	free(c->mail_from);
	free(c->issuer);
	free(c->line);
	memset(c, 0, sizeof(*c));
}
