/*
 * doctor_sshd.c - the doctor's sshd checks: which settings sshd uses, and
 * whether they let pam_mfa ask for a code.
 *
 * On the live system the settings come from "sshd -T" (sshd's own view,
 * defaults and Match-less includes resolved); under --root, or when sshd
 * -T fails, from sshd_config read the way sshd reads it: the first value
 * of a keyword wins, Include globs are read in place, and settings inside
 * a Match block are only warned about (they apply to some logins only).
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doctor.h"
#include "error.h"
#include "runprog.h"

#define DOC_SSHD_T_MAX (256 * 1024)
#define DOC_SSHD_T_MS 5000
#define DOC_SSHD_DEPTH 16 /* Include nesting, as sshd allows */

static const struct {
	const char *name, *alias, *shown;
} sshd_keys[SK_COUNT] = {
    {"usepam", NULL, "UsePAM"},
    {"kbdinteractiveauthentication", "challengeresponseauthentication",
	"KbdInteractiveAuthentication"},
    {"passwordauthentication", NULL, "PasswordAuthentication"},
    {"authenticationmethods", NULL, "AuthenticationMethods"},
    {"permitrootlogin", NULL, "PermitRootLogin"},
    {"pubkeyauthoptions", NULL, "PubkeyAuthOptions"},
};

static int
sshd_key_find(const char *kw)
{
	int i;

	for (i = 0; i < SK_COUNT; i++)
		if (strcasecmp(kw, sshd_keys[i].name) == 0 ||
		    (sshd_keys[i].alias != NULL &&
			strcasecmp(kw, sshd_keys[i].alias) == 0))
			return i;
	return -1;
}

/* Record a value; the first one wins, as in sshd.  Quotes are dropped. */
static void
sshd_set(struct doc_sshd_conf *sc, int k, const char *kw, const char *value,
    const char *where)
{
	struct doc_sshd_setting *s = &sc->s[k];
	size_t i, o = 0;

	if (s->set)
		return;
	s->set = 1;
	snprintf(s->kw, sizeof(s->kw), "%s", kw);
	for (i = 0; value[i] != '\0' && o + 1 < sizeof(s->value); i++)
		if (value[i] != '"')
			s->value[o++] = value[i];
	s->value[o] = '\0';
	snprintf(s->where, sizeof(s->where), "%s", where);
}

/*
 * Split an sshd_config line into its keyword and the rest ("Key value"
 * or "Key=value").  Returns 0 for a blank or comment line.
 */
static int
sshd_split(char *line, char **kw, char **val)
{
	char *p = line + strspn(line, " \t\r"), *end;

	if (*p == '\0' || *p == '#')
		return 0;
	*kw = p;
	p += strcspn(p, " \t\r=");
	if (*p != '\0')
		*p++ = '\0';
	p += strspn(p, " \t\r");
	if (*p == '=')
		p += 1 + strspn(p + 1, " \t\r");
	end = p + strlen(p);
	while (
	    end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	*val = p;
	return 1;
}

static void sshd_parse_file(
    struct doctor *d, struct doc_sshd_conf *sc, const char *path, int depth);

/* Include: each argument is a glob, relative to /etc/ssh, under DIR. */
static void
sshd_include(struct doctor *d, struct doc_sshd_conf *sc, char *args, int depth)
{
	char pattern[PATH_MAX], *w;
	glob_t g;
	size_t i;

	while ((w = mfa_doctor_next_word(&args)) != NULL) {
		if (w[0] == '"' && w[1] != '\0' && w[strlen(w) - 1] == '"') {
			w[strlen(w) - 1] = '\0';
			w++;
		}
		if (snprintf(pattern, sizeof(pattern), "%s%s%s", d->root,
			w[0] == '/' ? "" : DOC_SSHD_DIR,
			w) >= (int)sizeof(pattern))
			continue;
		if (glob(pattern, 0, NULL, &g) != 0)
			continue; /* sshd ignores a pattern with no match */
		for (i = 0; i < g.gl_pathc; i++)
			sshd_parse_file(d, sc, g.gl_pathv[i], depth + 1);
		globfree(&g);
	}
}

/* One line of sshd_config (Match state in *in_match). */
static void
sshd_line(struct doctor *d, struct doc_sshd_conf *sc, char *line,
    const char *where, int depth, int *in_match)
{
	char *kw, *val;
	int k;

	if (!sshd_split(line, &kw, &val))
		return;
	if (strcasecmp(kw, "match") == 0) {
		*in_match = 1;
		return;
	}
	k = sshd_key_find(kw);
	if (*in_match) {
		if (k >= 0 || strcasecmp(kw, "include") == 0)
			mfa_doctor_say(d, DOC_WARN,
			    "sshd: %s sets %s inside a Match block: only the "
			    "global settings are checked; make sure the users "
			    "it matches still get the code prompt",
			    where, k >= 0 ? sshd_keys[k].shown : "Include");
		return;
	}
	if (strcasecmp(kw, "include") == 0)
		sshd_include(d, sc, val, depth);
	else if (k >= 0 && !sc->match_only)
		sshd_set(sc, k, kw, val, where);
}

/* A file being read: where its lines go, and whether in a Match block. */
struct sshd_walk {
	struct doctor *d;
	struct doc_sshd_conf *sc;
	int depth, in_match;
};

static void
sshd_walk_line(void *ctx, char *line, const char *where)
{
	struct sshd_walk *w = ctx;

	sshd_line(w->d, w->sc, line, where, w->depth, &w->in_match);
}

/* Read path (under DIR) and the files it includes. */
static void
sshd_parse_file(
    struct doctor *d, struct doc_sshd_conf *sc, const char *path, int depth)
{
	const char *shown = path + strlen(d->root);
	struct sshd_walk w = {d, sc, depth, 0};
	char *buf = NULL;
	struct stat st;
	size_t len;

	if (depth > DOC_SSHD_DEPTH || sc->files >= DOC_FILES_MAX) {
		if (!sc->too_deep++)
			mfa_doctor_say(d, DOC_WARN,
			    "sshd: Include nested too deeply or too many "
			    "files at %s: the rest is not checked",
			    shown);
		return;
	}
	if (mfa_doctor_read_text(path, &buf, &len, &st) != MFA_OK)
		return;
	sc->files++;
	mfa_doctor_each_line(buf, shown, sshd_walk_line, &w);
	free(buf);
}

void
mfa_doctor_sshd_read(
    struct doctor *d, struct doc_sshd_conf *sc, const char *path)
{
	sshd_parse_file(d, sc, path, 0);
}

/*
 * sshd -T through runprog: a fixed environment, no shell, standard input
 * and error /dev/null, and at the time-out its whole process group is
 * killed.  Output that fills buf counts as a failure, as a truncated list
 * of settings could miss the one that matters.
 */
int
mfa_doctor_sshd_t_run(const char *prog, unsigned int timeout_ms, char *buf,
    size_t bufsz, int *status)
{
	char *argv[] = {(char *)prog, (char *)"-T", NULL};
	struct mfa_run_capture cap = {buf, bufsz, 0, NULL, 0, 0};
	struct mfa_run_result res;
	int rc;

	*status = -1;
	if (access(prog, X_OK) != 0)
		return MFA_ERR_NOENT;
	memset(&res, 0, sizeof(res));
	rc = mfa_run_program_capture(
	    argv, NULL, 0, timeout_ms, &cap, &res, NULL, 0);
	if (res.exited && !res.timed_out)
		*status = res.status;
	if (rc == MFA_OK && cap.out_len + 1 >= bufsz) {
		*status = -1;
		rc = MFA_ERR_TOOBIG;
	}
	return rc;
}

/* Take the settings from sshd -T output ("key value" lines). */
void
mfa_doctor_sshd_t_parse(struct doc_sshd_conf *sc, char *out)
{
	char *line, *kw, *val;
	int k;

	while ((line = mfa_doctor_next_line(&out)) != NULL) {
		if (!sshd_split(line, &kw, &val))
			continue;
		k = sshd_key_find(kw);
		if (k >= 0)
			sshd_set(sc, k, sshd_keys[k].shown, val, "sshd -T");
	}
}

/* Does every alternative list of AuthenticationMethods hold method?
 * Returns 2 all, 1 some, 0 none. */
static int
methods_include(const char *value, const char *method)
{
	char copy[DOC_VALUE_MAX], *p = copy, *list, *m, *save;
	int all = 1, some = 0, hit;
	size_t ml = strlen(method);

	snprintf(copy, sizeof(copy), "%s", value);
	while ((list = mfa_doctor_next_word(&p)) != NULL) {
		hit = 0;
		for (m = strtok_r(list, ",", &save); m != NULL;
		     m = strtok_r(NULL, ",", &save))
			if (strncasecmp(m, method, ml) == 0 &&
			    (m[ml] == '\0' || m[ml] == ':'))
				hit = 1;
		all &= hit;
		some |= hit;
	}
	return all && some ? 2 : some;
}

static int
is_yes(const struct doc_sshd_setting *s, int dflt)
{
	return s->set ? strcasecmp(s->value, "yes") == 0 : dflt;
}

/* " (where)" after a value, or " (default)". */
static const char *
sshd_where(const struct doc_sshd_setting *s, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, " (%s)", s->set ? s->where : "sshd's default");
	return buf;
}

static void
sshd_check_pam(struct doctor *d, const struct doc_sshd_conf *sc)
{
	const struct doc_sshd_setting *s = &sc->s[SK_USEPAM];
	char w[DOC_SHOWN_MAX + 64];

	if (is_yes(s, 0))
		mfa_doctor_say(d, DOC_OK, "sshd: UsePAM yes%s",
		    sshd_where(s, w, sizeof(w)));
	else
		mfa_doctor_say(d, DOC_FAIL,
		    "sshd: UsePAM %s%s: sshd never runs the PAM stack, so "
		    "pam_mfa is never asked; set UsePAM yes",
		    s->set ? s->value : "no", sshd_where(s, w, sizeof(w)));
	s = &sc->s[SK_KBDINT];
	if (is_yes(s, 1))
		mfa_doctor_say(d, DOC_OK, "sshd: %s yes%s",
		    s->set ? s->kw : "KbdInteractiveAuthentication",
		    sshd_where(s, w, sizeof(w)));
	else
		mfa_doctor_say(d, DOC_FAIL,
		    "sshd: %s %s%s: the code prompt cannot be shown; set "
		    "KbdInteractiveAuthentication yes",
		    s->kw, s->value, sshd_where(s, w, sizeof(w)));
	s = &sc->s[SK_PASSWORD];
	if (is_yes(s, 1))
		mfa_doctor_say(d, DOC_WARN,
		    "sshd: PasswordAuthentication yes%s: sshd feeds the "
		    "password to the code prompt: set PasswordAuthentication "
		    "no and use keyboard-interactive",
		    sshd_where(s, w, sizeof(w)));
	else
		mfa_doctor_say(d, DOC_OK, "sshd: PasswordAuthentication %s%s",
		    s->value, sshd_where(s, w, sizeof(w)));
}

/* AuthenticationMethods; returns 1 when every login passes PAM auth. */
static int
sshd_check_methods(struct doctor *d, const struct doc_sshd_conf *sc)
{
	const struct doc_sshd_setting *s = &sc->s[SK_METHODS];
	char w[DOC_SHOWN_MAX + 64];
	int ki;

	if (!s->set || strcasecmp(s->value, "any") == 0) {
		mfa_doctor_say(d, DOC_WARN,
		    "sshd: AuthenticationMethods is not set%s: publickey alone "
		    "skips PAM auth and the code; set AuthenticationMethods "
		    "publickey,keyboard-interactive (or keyboard-interactive)",
		    sshd_where(s, w, sizeof(w)));
		return 0;
	}
	ki = methods_include(s->value, "keyboard-interactive");
	d->ssh_key_first = methods_include(s->value, "publickey") == 2;
	if (ki == 2)
		mfa_doctor_say(d, DOC_OK, "sshd: AuthenticationMethods %s%s",
		    s->value, sshd_where(s, w, sizeof(w)));
	else if (ki == 1)
		mfa_doctor_say(d, DOC_WARN,
		    "sshd: AuthenticationMethods %s%s: a list without "
		    "keyboard-interactive lets a login skip the code",
		    s->value, sshd_where(s, w, sizeof(w)));
	else
		mfa_doctor_say(d, DOC_FAIL,
		    "sshd: AuthenticationMethods %s%s has no "
		    "keyboard-interactive: SSH logins never ask for a code",
		    s->value, sshd_where(s, w, sizeof(w)));
	return ki == 2;
}

static void
sshd_check_root(struct doctor *d, const struct doc_sshd_conf *sc, int ki_always)
{
	const struct doc_sshd_setting *s = &sc->s[SK_ROOTLOGIN];
	const char *v = s->set ? s->value : "prohibit-password";
	char w[DOC_SHOWN_MAX + 64];

	if (strcasecmp(v, "no") == 0 || ki_always) {
		mfa_doctor_say(d, DOC_OK, "sshd: PermitRootLogin %s%s%s", v,
		    sshd_where(s, w, sizeof(w)),
		    strcasecmp(v, "no") == 0
			? ""
			: ": root too must pass keyboard-interactive");
		return;
	}
	mfa_doctor_say(d, DOC_WARN,
	    "sshd: PermitRootLogin %s%s: key-only root logins skip PAM auth "
	    "and the code; set PermitRootLogin no, or require "
	    "keyboard-interactive in AuthenticationMethods",
	    v, sshd_where(s, w, sizeof(w)));
}

/* Keep PubkeyAuthOptions for mfa_doctor_check_sk_keys (doctor.h). */
static void
sshd_note_pubkey_opts(struct doctor *d, const struct doc_sshd_conf *sc)
{
	const struct doc_sshd_setting *s = &sc->s[SK_PUBKEYOPTS];
	char w[DOC_SHOWN_MAX + 64], copy[DOC_VALUE_MAX], *save, *word;

	snprintf(copy, sizeof(copy), "%s", s->set ? s->value : "none");
	snprintf(d->sk_opts, sizeof(d->sk_opts), "%s%s", copy,
	    sshd_where(s, w, sizeof(w)));
	d->sk_verify = 0;
	/* Options are words, or a comma-separated list. */
	for (word = strtok_r(copy, " \t,", &save); word != NULL;
	     word = strtok_r(NULL, " \t,", &save))
		d->sk_verify |= strcasecmp(word, "verify-required") == 0;
}

void
mfa_doctor_check_sshd(struct doctor *d)
{
	struct doc_sshd_conf sc;
	char path[PATH_MAX], *out = NULL;
	int status = -1, rc = MFA_ERR_NOENT;

	memset(&sc, 0, sizeof(sc));
	if (d->root[0] == '\0' && (out = malloc(DOC_SSHD_T_MAX)) != NULL &&
	    (rc = mfa_doctor_sshd_t_run(DOC_SSHD_BIN, DOC_SSHD_T_MS, out,
		 DOC_SSHD_T_MAX, &status)) == MFA_OK) {
		mfa_doctor_sshd_t_parse(&sc, out);
		sc.match_only = 1;
	} else if (rc != MFA_ERR_NOENT) {
		mfa_doctor_say(d, DOC_WARN,
		    "sshd: %s -T failed (%s%d): sshd may not start with this "
		    "configuration; reading " DOC_SSHD_CONFIG " instead",
		    DOC_SSHD_BIN, status >= 0 ? "exit status " : "error ",
		    status >= 0 ? status : rc);
	}
	free(out);
	if (mfa_doctor_rooted(d, DOC_SSHD_CONFIG, path, sizeof(path)) == MFA_OK)
		mfa_doctor_sshd_read(d, &sc, path);
	if (sc.files == 0 && !sc.match_only) {
		mfa_doctor_say(d, DOC_WARN,
		    "sshd: no " DOC_SSHD_CONFIG " (is openssh-server "
		    "installed?): SSH checks skipped");
		return;
	}
	mfa_doctor_say(d, DOC_OK, "sshd: settings read from %s",
	    sc.match_only ? DOC_SSHD_BIN " -T"
			  : DOC_SSHD_CONFIG " and "
					    "its includes");
	sshd_check_pam(d, &sc);
	sshd_check_root(d, &sc, sshd_check_methods(d, &sc));
	sshd_note_pubkey_opts(d, &sc);
}

void
mfa_doctor_check_sk_keys(struct doctor *d)
{
	if (d->sk_verify)
		mfa_doctor_say(d, DOC_OK,
		    "sshd: PubkeyAuthOptions %s: a FIDO2 key (sk_keys="
		    "second-factor) proves possession and the PIN",
		    d->sk_opts);
	else
		mfa_doctor_say(d, DOC_WARN,
		    "sshd: PubkeyAuthOptions %s: with sk_keys=second-factor a "
		    "touch-only FIDO2 key proves possession only, no PIN; set "
		    "PubkeyAuthOptions verify-required",
		    d->sk_opts);
}
