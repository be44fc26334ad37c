/*
 * doctor_pamd.c - read a service's auth stack from pam.d as libpam does:
 * "@include NAME", "auth include NAME" and "auth substack NAME" are read
 * in place (relative to /etc/pam.d), "-auth" lines count, "[...]" control
 * groups are one token, and comments end a line.  Only auth lines are
 * kept; what they mean is judged in doctor_stack.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doctor.h"
#include "error.h"

#define DOC_PAM_DEPTH 8

/* The next token of a PAM line: a word or a whole "[...]" group. */
char *
mfa_doctor_pam_token(char **p)
{
	char *t = *p + strspn(*p, " \t\r"), *end;

	if (*t == '\0')
		return NULL;
	if (*t == '[') {
		for (end = t + 1; *end != '\0' && *end != ']'; end++)
			if (*end == '\\' && end[1] != '\0')
				end++;
		if (*end == ']')
			end++;
	} else {
		end = t + strcspn(t, " \t\r");
	}
	if (*end != '\0')
		*end++ = '\0';
	*p = end;
	return t;
}

static void pam_parse_file(
    struct doctor *d, struct doc_pam_stack *ps, const char *shown, int depth);

/* @include NAME, or auth include/substack NAME. */
static void
pam_follow(struct doctor *d, struct doc_pam_stack *ps, const char *name,
    const char *where, int depth)
{
	char shown[DOC_SHOWN_MAX];

	if (snprintf(shown, sizeof(shown), "%s%s",
		name[0] == '/' ? "" : DOC_PAM_DIR, name) >= (int)sizeof(shown))
		return;
	if (depth < DOC_PAM_DEPTH && ps->files < DOC_FILES_MAX)
		pam_parse_file(d, ps, shown, depth + 1);
	else if (!ps->too_deep++)
		mfa_doctor_say(d, DOC_WARN,
		    "%s: includes nested too deeply or too many files: the "
		    "rest is not checked",
		    where);
}

static void
pam_add(struct doctor *d, struct doc_pam_stack *ps, const char *where,
    const char *control, const char *module, const char *args)
{
	const char *base = strrchr(module, '/');
	struct doc_pam_entry *e;

	if (ps->n == DOC_PAM_ENTRIES) {
		if (!ps->too_deep++)
			mfa_doctor_say(d, DOC_WARN,
			    "%s: auth stack too long to check", where);
		return;
	}
	e = &ps->e[ps->n++];
	snprintf(e->where, sizeof(e->where), "%s", where);
	snprintf(e->control, sizeof(e->control), "%s", control);
	snprintf(e->module, sizeof(e->module), "%s",
	    base != NULL ? base + 1 : module);
	snprintf(e->args, sizeof(e->args), "%s", args);
}

/* One line of a PAM file: only auth lines and includes matter. */
static void
pam_line(struct doctor *d, struct doc_pam_stack *ps, char *line,
    const char *where, int depth)
{
	char *type, *control, *module, *hash = strchr(line, '#');

	if (hash != NULL)
		*hash = '\0';
	type = mfa_doctor_pam_token(&line);
	if (type == NULL)
		return;
	control = mfa_doctor_pam_token(&line);
	if (control != NULL && strcmp(type, "@include") == 0) {
		pam_follow(d, ps, control, where, depth);
		return;
	}
	if (type[0] == '-')
		type++;
	module = control != NULL ? mfa_doctor_pam_token(&line) : NULL;
	if (strcasecmp(type, "auth") != 0 || module == NULL)
		return;
	if (strcasecmp(control, "include") == 0 ||
	    strcasecmp(control, "substack") == 0)
		pam_follow(d, ps, module, where, depth);
	else
		pam_add(d, ps, where, control, module,
		    line + strspn(line, " \t\r"));
}

/* A file being read: where its auth lines go. */
struct pam_walk {
	struct doctor *d;
	struct doc_pam_stack *ps;
	int depth;
};

static void
pam_walk_line(void *ctx, char *line, const char *where)
{
	struct pam_walk *w = ctx;

	pam_line(w->d, w->ps, line, where, w->depth);
}

static void
pam_parse_file(
    struct doctor *d, struct doc_pam_stack *ps, const char *shown, int depth)
{
	struct pam_walk w = {d, ps, depth};
	char path[PATH_MAX], *buf = NULL;
	struct stat st;
	size_t len;
	int rc;

	if (mfa_doctor_rooted(d, shown, path, sizeof(path)) != MFA_OK)
		return;
	ps->files++;
	rc = mfa_doctor_read_text(path, &buf, &len, &st);
	if (rc != MFA_OK) {
		if (depth > 0)
			mfa_doctor_say(d, DOC_FAIL,
			    "%s is included but cannot be read (%s): PAM fails "
			    "every login of the service",
			    shown, mfa_strerror(rc));
		return;
	}
	mfa_doctor_each_line(buf, shown, pam_walk_line, &w);
	free(buf);
}

void
mfa_doctor_pam_read(
    struct doctor *d, struct doc_pam_stack *ps, const char *shown)
{
	pam_parse_file(d, ps, shown, 0);
}

/*
 * A service's stack: its file must exist (a missing one is only warned
 * about: not every system has login or sshd).
 */
void
mfa_doctor_check_pam_service(
    struct doctor *d, const char *service, struct doc_targets *t)
{
	char shown[DOC_SHOWN_MAX], path[PATH_MAX];
	struct doc_pam_stack *ps = calloc(1, sizeof(*ps));

	snprintf(shown, sizeof(shown), DOC_PAM_DIR "%s", service);
	if (ps == NULL ||
	    mfa_doctor_rooted(d, shown, path, sizeof(path)) != MFA_OK) {
		mfa_doctor_say(d, DOC_FAIL, "%s: out of memory", shown);
		free(ps);
		return;
	}
	if (access(path, F_OK) != 0) {
		mfa_doctor_say(d, DOC_WARN, "no %s: %s logins are not checked",
		    shown, service);
		free(ps);
		return;
	}
	mfa_doctor_pam_read(d, ps, shown);
	mfa_doctor_stack_check(d, ps, service, t);
	free(ps);
}
