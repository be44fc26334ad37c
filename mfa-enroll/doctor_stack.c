/*
 * doctor_stack.c - judge a service's auth stack (doctor_pamd.c reads it):
 * pam_mfa present and only once, after the password module, not skipped
 * by the success of a line before it (sufficient, success=done, a
 * [success=N] jump that lands past it), required, with arguments the
 * module accepts; and which of the two stacks of pam_mfa(8) it is.
 * Works on the stack in memory; only a conf= argument is read from disk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config.h"
#include "doctor.h"
#include "error.h"

#define DOC_PAM_ARGS 32

/* Report each pam.d line once, although several services include it. */
static int
first_time(struct doctor *d, const char *where)
{
	size_t i;

	for (i = 0; i < d->nseen; i++)
		if (strcmp(d->seen[i], where) == 0)
			return 0;
	if (d->nseen < DOC_SEEN_MAX)
		snprintf(d->seen[d->nseen++], sizeof(d->seen[0]), "%s", where);
	return 1;
}

static int
is_mfa(const struct doc_pam_entry *e)
{
	return strcmp(e->module, "pam_mfa.so") == 0;
}

static int
is_password_module(const struct doc_pam_entry *e)
{
	static const char *const mods[] = {"pam_unix.so", "pam_sss.so",
	    "pam_ldap.so", "pam_krb5.so", "pam_winbind.so", "pam_userdb.so"};
	size_t i;

	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		if (strcmp(e->module, mods[i]) == 0)
			return 1;
	return 0;
}

/* Module arguments as an argv (brackets of "[a b]" dropped, as PAM does). */
static int
pam_argv(char *args, const char **argv, int max)
{
	int n = 0;
	char *t;
	size_t l;

	while (n < max && (t = mfa_doctor_pam_token(&args)) != NULL) {
		l = strlen(t);
		if (t[0] == '[' && l >= 2 && t[l - 1] == ']') {
			t[l - 1] = '\0';
			t++;
		}
		argv[n++] = t;
	}
	return n;
}

/* Load a conf= file named by a module argument (FAIL when it is bad). */
static int
pam_conf_arg(struct doctor *d, const struct doc_pam_entry *e, const char *conf,
    struct mfa_config *cfg)
{
	char path[PATH_MAX], *buf = NULL, err[512] = "";
	struct stat st;
	size_t len = 0;
	int rc;

	rc = mfa_doctor_rooted(d, conf, path, sizeof(path));
	if (rc == MFA_OK)
		rc = mfa_doctor_read_text(path, &buf, &len, &st);
	if (rc == MFA_OK)
		rc = mfa_config_parse_file(cfg, buf, len, err, sizeof(err));
	free(buf);
	if (rc != MFA_OK)
		mfa_doctor_say(d, DOC_FAIL, "%s: pam_mfa conf=%s: %s", e->where,
		    conf, err[0] != '\0' ? err : mfa_strerror(rc));
	return rc;
}

/*
 * The arguments of a pam_mfa line, on top of its configuration file.
 * Returns 1 when the line FAILs, else 0.
 */
static int
pam_check_args(
    struct doctor *d, const struct doc_pam_entry *e, struct doc_targets *t)
{
	char args[sizeof(e->args)], err[512] = "";
	const char *argv[DOC_PAM_ARGS], *conf;
	struct mfa_config cfg;
	int argc, rc;

	memcpy(args, e->args, sizeof(args));
	argc = pam_argv(args, argv, DOC_PAM_ARGS);
	rc = mfa_config_init(&cfg);
	conf = mfa_config_find_conf(argc, argv);
	if (rc == MFA_OK && conf != NULL)
		rc = pam_conf_arg(d, e, conf, &cfg) == MFA_OK ? MFA_OK : 1;
	else if (rc == MFA_OK && d->conf_buf != NULL)
		rc = mfa_config_parse_file(
			 &cfg, d->conf_buf, d->conf_len, NULL, 0) == MFA_OK
		    ? MFA_OK
		    : 1; /* reported by check_conf */
	if (rc == MFA_OK)
		rc = mfa_config_parse_args(&cfg, argc, argv, err, sizeof(err));
	if (rc < 0)
		mfa_doctor_say(d, DOC_FAIL,
		    "%s: pam_mfa %s: every login through this line fails "
		    "until it is fixed",
		    e->where, err[0] != '\0' ? err : mfa_strerror(rc));
	else if (rc == MFA_OK)
		mfa_doctor_targets_from(t, &cfg);
	mfa_config_free(&cfg);
	return rc != MFA_OK;
}

/* The control of a pam_mfa line; no "ok" for a stack that FAILs. */
static void
pam_check_control(
    struct doctor *d, const struct doc_pam_entry *e, int stack_bad)
{
	const char *c = e->control;

	if (strcmp(c, "required") == 0 || strcmp(c, "requisite") == 0) {
		if (!stack_bad)
			mfa_doctor_say(
			    d, DOC_OK, "%s: pam_mfa is %s", e->where, c);
	} else if (strcmp(c, "sufficient") == 0)
		mfa_doctor_say(d, DOC_FAIL,
		    "%s: pam_mfa is sufficient: a right code would replace the "
		    "password; use required",
		    e->where);
	else if (strcmp(c, "optional") == 0)
		mfa_doctor_say(d, DOC_FAIL,
		    "%s: pam_mfa is optional: the code is not enforced; use "
		    "required",
		    e->where);
	else
		mfa_doctor_say(d, DOC_WARN,
		    "%s: pam_mfa has the control %s, which the doctor cannot "
		    "judge: make sure a wrong code fails the login (required)",
		    e->where, c);
}

/*
 * What a success of entry e does: 0 goes on to the next line, 1 ends the
 * stack (sufficient, success=done), 2 jumps over *jump modules.
 */
static int
success_jump(const struct doc_pam_entry *e, unsigned long *jump)
{
	const char *s;
	char *end;

	if (strcmp(e->control, "sufficient") == 0)
		return 1;
	if (e->control[0] != '[')
		return 0;
	s = strstr(e->control, "success=");
	if (s == NULL || (s != e->control + 1 && s[-1] != ' ' && s[-1] != '\t'))
		return 0;
	s += strlen("success=");
	if (strncmp(s, "done", 4) == 0)
		return 1;
	errno = 0;
	*jump = strtoul(s, &end, 10);
	return end != s && errno == 0 ? 2 : 0;
}

/* Could a success of entry i end the stack, or jump over entry mfa? */
static int
skips_mfa(const struct doc_pam_entry *e, size_t i, size_t mfa)
{
	unsigned long jump = 0;
	int kind = success_jump(e, &jump);

	return kind == 1 || (kind == 2 && mfa - i <= jump);
}

/*
 * FAIL for entry i whose success skips pam_mfa at mfa, with a fix the
 * doctor then accepts: pam_mfa moved to just below the line the jump
 * lands on is where the jump (one line shorter without pam_mfa) lands
 * then, and it stays after the password module.
 */
static void
say_skip(struct doctor *d, const struct doc_pam_stack *ps, size_t i, size_t mfa)
{
	const struct doc_pam_entry *e = &ps->e[i], *land = NULL;
	unsigned long jump = 0;
	char fix[DOC_SHOWN_MAX + 128];

	if (success_jump(e, &jump) == 2 && jump < ps->n - i - 1)
		land = &ps->e[i + jump + 1];
	if (land != NULL)
		snprintf(fix, sizeof(fix),
		    "move the pam_mfa line to just below %s (%s), where the "
		    "jump lands",
		    land->where, land->module);
	else if (is_password_module(e))
		snprintf(fix, sizeof(fix), "make %s required", e->module);
	else
		snprintf(
		    fix, sizeof(fix), "change the control of %s", e->module);
	mfa_doctor_say(d, DOC_FAIL,
	    "%s: a success of %s (%s) skips pam_mfa at %s: %s; %s", e->where,
	    e->module, e->control, ps->e[mfa].where,
	    land != NULL && strcmp(land->module, "pam_deny.so") == 0
		? "every login with the right password fails"
		: "the code is never asked",
	    fix);
}

/*
 * Which of the two stacks (see pam_mfa(8)) the service
 * uses: something between the password module and pam_mfa that ends a
 * failed login (requisite, as Debian's common-auth has with pam_deny.so)
 * gives a password oracle; without it strangers' wrong codes count.
 */
static void
say_stack_kind(struct doctor *d, const struct doc_pam_stack *ps,
    const char *service, size_t pw, size_t mfa)
{
	const struct doc_pam_entry *stop = NULL;
	size_t i;

	if (strcmp(ps->e[pw].control, "requisite") == 0 ||
	    strstr(ps->e[pw].control, "=die") != NULL)
		stop = &ps->e[pw];
	for (i = pw + 1; i < mfa && stop == NULL; i++)
		if (strcmp(ps->e[i].control, "requisite") == 0)
			stop = &ps->e[i];
	if (stop != NULL)
		mfa_doctor_say(d, DOC_INFO,
		    "pam.d/%s: a wrong password ends the login at %s (%s %s) "
		    "before the code prompt: the prompt tells the password "
		    "was right, and strangers cannot add failures to a "
		    "user's lock-out",
		    service, stop->where, stop->control, stop->module);
	else
		mfa_doctor_say(d, DOC_INFO,
		    "pam.d/%s: the password and the code are both required: "
		    "a wrong password still gets the code prompt (no password "
		    "oracle), and wrong codes typed after it count toward the "
		    "user's lock-out from that address (deny=) and in all "
		    "(deny_total=)",
		    service);
}

/* No password module: a code alone logs in, unless sshd asks for a key. */
static void
say_no_password(struct doctor *d, const char *service)
{
	if (strcmp(service, "sshd") == 0 && d->ssh_key_first)
		mfa_doctor_say(d, DOC_INFO,
		    "pam.d/%s: no password module in the auth stack: SSH "
		    "logins need a key (AuthenticationMethods) and a code",
		    service);
	else
		mfa_doctor_say(d, DOC_FAIL,
		    "pam.d/%s: no password module (pam_unix, pam_sss...) in "
		    "the auth stack: a code alone logs in%s; add the password "
		    "module before pam_mfa (@include common-auth)",
		    service,
		    strcmp(service, "sshd") == 0
			? " (AuthenticationMethods does not ask for a key "
			  "first)"
			: "");
}

/*
 * code_in_password (one prompt): pam_mfa first is right, and the password
 * module must take the password it hands on (use_first_pass) rather than
 * ask again.  Returns 1 on a FAIL.
 */
static int
one_prompt_order(struct doctor *d, const struct doc_pam_stack *ps,
    const char *service, size_t mfa, size_t pw)
{
	if (strstr(ps->e[pw].args, "use_first_pass") == NULL) {
		mfa_doctor_say(d, DOC_FAIL,
		    "%s: pam_mfa code_in_password hands the password on, but "
		    "%s at %s asks again: add use_first_pass to it",
		    ps->e[mfa].where, ps->e[pw].module, ps->e[pw].where);
		return 1;
	}
	mfa_doctor_say(d, DOC_OK,
	    "pam.d/%s: one prompt: pam_mfa code_in_password hands the "
	    "password on to %s use_first_pass",
	    service, ps->e[pw].module);
	return 0;
}

/*
 * Order: the password module first, nothing able to skip pam_mfa.
 * bad says the stack already FAILed (then no "ok" line for it).  Returns
 * 1 when the stack has a failure (reported here, or already for another
 * service that includes the same line), else 0.
 */
static int
pam_check_order(struct doctor *d, const struct doc_pam_stack *ps,
    const char *service, size_t mfa, int bad)
{
	char key[sizeof(d->seen[0])];
	size_t i, pw = ps->n;

	for (i = 0; i < ps->n && pw == ps->n; i++)
		if (is_password_module(&ps->e[i]))
			pw = i;
	for (i = 0; i < mfa; i++) {
		if (!skips_mfa(&ps->e[i], i, mfa))
			continue;
		bad = 1;
		snprintf(key, sizeof(key), "skip %s", ps->e[i].where);
		if (first_time(d, key))
			say_skip(d, ps, i, mfa);
	}
	if (pw == ps->n) {
		say_no_password(d, service);
		return bad || strcmp(service, "sshd") != 0 || !d->ssh_key_first;
	}
	if (pw > mfa && strstr(ps->e[mfa].args, "code_in_password") != NULL)
		return one_prompt_order(d, ps, service, mfa, pw) || bad;
	if (pw > mfa) {
		mfa_doctor_say(d, DOC_FAIL,
		    "%s: pam_mfa comes before the password module (%s at %s): "
		    "put it after the password module (after @include "
		    "common-auth)",
		    ps->e[mfa].where, ps->e[pw].module, ps->e[pw].where);
		return 1;
	}
	if (bad)
		return 1;
	mfa_doctor_say(d, DOC_OK, "pam.d/%s: pam_mfa comes after %s", service,
	    ps->e[pw].module);
	say_stack_kind(d, ps, service, pw, mfa);
	return 0;
}

/*
 * pam_mfa twice in one auth stack (the pam-auth-update profile in
 * common-auth and a line in the service's file): one login asks twice.
 * Returns 1 when it is.
 */
static int
pam_check_twice(struct doctor *d, const struct doc_pam_stack *ps,
    const char *service, size_t mfa)
{
	size_t i;

	for (i = mfa + 1; i < ps->n; i++)
		if (is_mfa(&ps->e[i]))
			break;
	if (i == ps->n)
		return 0;
	mfa_doctor_say(d, DOC_FAIL,
	    "pam.d/%s: pam_mfa is twice in the auth stack (%s and %s): one "
	    "login runs it twice; keep one of the two lines",
	    service, ps->e[mfa].where, ps->e[i].where);
	return 1;
}

/*
 * The service's stack: pam_mfa in it, once, in order, and each of its
 * lines (once, however many services include it) with a sound control
 * and valid arguments.
 */
void
mfa_doctor_stack_check(struct doctor *d, const struct doc_pam_stack *ps,
    const char *service, struct doc_targets *t)
{
	char shown[DOC_SHOWN_MAX];
	size_t i, mfa;
	int bad, args_bad;

	snprintf(shown, sizeof(shown), DOC_PAM_DIR "%s", service);
	for (mfa = 0; mfa < ps->n && !is_mfa(&ps->e[mfa]); mfa++)
		;
	if (mfa == ps->n) {
		mfa_doctor_say(d, DOC_WARN,
		    "%s: pam_mfa is not in the auth stack: logins through it "
		    "ask for no code; add 'auth required pam_mfa.so' after "
		    "the password module",
		    shown);
		return;
	}
	bad = pam_check_twice(d, ps, service, mfa);
	bad = pam_check_order(d, ps, service, mfa, bad);
	for (i = mfa; i < ps->n; i++) {
		if (!is_mfa(&ps->e[i]) || !first_time(d, ps->e[i].where))
			continue;
		args_bad = pam_check_args(d, &ps->e[i], t);
		pam_check_control(d, &ps->e[i], bad || args_bad);
	}
}
