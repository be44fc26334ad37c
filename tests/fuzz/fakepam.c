/*
 * fakepam.c - the in-memory libpam of the whole-module fuzz target (see
 * fakepam.h).  Written for this project; it implements only what pam_mfa
 * calls, the way Linux-PAM documents it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>
#include <security/pam_modutil.h>

#include "fakepam.h"

static struct {
	char name[256], home[4096];
	uid_t uid;
	gid_t gid;
} fake_user;

void
fakepam_set_user(const char *name, const char *home, uid_t uid, gid_t gid)
{
	snprintf(fake_user.name, sizeof(fake_user.name), "%s", name);
	snprintf(fake_user.home, sizeof(fake_user.home), "%s", home);
	fake_user.uid = uid;
	fake_user.gid = gid;
}

pam_handle_t *
fakepam_start(const char *service, const char *user)
{
	pam_handle_t *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->env = calloc(1, sizeof(char *));
	if (h->env == NULL ||
	    (service != NULL &&
		pam_set_item(h, PAM_SERVICE, service) != PAM_SUCCESS) ||
	    (user != NULL && pam_set_item(h, PAM_USER, user) != PAM_SUCCESS)) {
		fakepam_end(h);
		return NULL;
	}
	return h;
}

void
fakepam_end(pam_handle_t *h)
{
	size_t i;

	if (h == NULL)
		return;
	for (i = 0; i < h->ndata; i++) {
		if (h->data[i].cleanup != NULL)
			h->data[i].cleanup(h, h->data[i].data, PAM_SUCCESS);
		free(h->data[i].name);
	}
	free(h->service);
	free(h->user);
	free(h->rhost);
	free(h->authtok);
	free(h->ruser);
	free(h->tty);
	for (i = 0; i < h->nenv; i++)
		free(h->env[i]);
	free(h->env);
	free(h);
}

/* Append text and a newline to buf (len bytes used), truncating. */
static void
append(char *buf, size_t size, size_t *len, const char *tag, const char *text)
{
	int n = snprintf(buf + *len, size - *len, "%s%s\n", tag, text);

	if (n > 0)
		*len += (size_t)n < size - *len ? (size_t)n : size - *len - 1;
}

static char **
item_slot(pam_handle_t *h, int item)
{
	switch (item) {
	case PAM_SERVICE:
		return &h->service;
	case PAM_USER:
		return &h->user;
	case PAM_RHOST:
		return &h->rhost;
	case PAM_RUSER:
		return &h->ruser;
	case PAM_TTY:
		return &h->tty;
	case PAM_AUTHTOK:
		return &h->authtok;
	default:
		return NULL;
	}
}

int
pam_set_item(pam_handle_t *h, int item, const void *value)
{
	char **slot = item_slot(h, item);
	char *copy = NULL;

	if (slot == NULL)
		return PAM_BAD_ITEM;
	if (value != NULL && (copy = strdup(value)) == NULL)
		return PAM_BUF_ERR;
	free(*slot);
	*slot = copy;
	return PAM_SUCCESS;
}

int
pam_get_item(const pam_handle_t *h, int item, const void **value)
{
	char **slot;

	/* item_slot does not write; the cast only shares the switch. */
	slot = item_slot((pam_handle_t *)(uintptr_t)h, item);
	if (slot == NULL)
		return PAM_BAD_ITEM;
	*value = *slot;
	return PAM_SUCCESS;
}

int
pam_vprompt(
    pam_handle_t *h, int style, char **response, const char *fmt, va_list ap)
{
	char text[1024];

	if (response != NULL)
		*response = NULL;
	vsnprintf(text, sizeof(text), fmt, ap);
	switch (style) {
	case PAM_TEXT_INFO:
	case PAM_ERROR_MSG:
		append(h->transcript, sizeof(h->transcript), &h->transcript_len,
		    style == PAM_TEXT_INFO ? "I: " : "E: ", text);
		return PAM_SUCCESS;
	case PAM_PROMPT_ECHO_ON:
	case PAM_PROMPT_ECHO_OFF:
		break;
	default:
		return PAM_CONV_ERR;
	}
	append(h->transcript, sizeof(h->transcript), &h->transcript_len,
	    style == PAM_PROMPT_ECHO_OFF ? "P: " : "Q: ", text);
	h->prompts++;
	if (h->next_answer >= h->nanswers || response == NULL)
		return PAM_CONV_ERR;
	*response = strdup(h->answers[h->next_answer++]);
	return *response != NULL ? PAM_SUCCESS : PAM_BUF_ERR;
}

int
pam_prompt(pam_handle_t *h, int style, char **response, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = pam_vprompt(h, style, response, fmt, ap);
	va_end(ap);
	return rc;
}

int
pam_get_user(pam_handle_t *h, const char **user, const char *prompt)
{
	char *answer = NULL;
	int rc;

	if (h->user == NULL) {
		/* Linux-PAM asks through the conversation. */
		rc = pam_prompt(h, PAM_PROMPT_ECHO_ON, &answer, "%s",
		    prompt != NULL ? prompt : "login: ");
		if (rc != PAM_SUCCESS)
			return rc;
		rc = pam_set_item(h, PAM_USER, answer);
		free(answer);
		if (rc != PAM_SUCCESS)
			return rc;
	}
	*user = h->user;
	return PAM_SUCCESS;
}

void
pam_vsyslog(const pam_handle_t *h, int priority, const char *fmt, va_list ap)
{
	pam_handle_t *w = (pam_handle_t *)(uintptr_t)h;
	char text[1024];

	(void)priority;
	vsnprintf(text, sizeof(text), fmt, ap);
	if (w != NULL)
		append(w->log, sizeof(w->log), &w->log_len, "", text);
}

void
pam_syslog(const pam_handle_t *h, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pam_vsyslog(h, priority, fmt, ap);
	va_end(ap);
}

const char *
pam_getenv(pam_handle_t *h, const char *name)
{
	size_t i, len;

	len = strlen(name);
	for (i = 0; i < h->nenv; i++)
		if (strncmp(h->env[i], name, len) == 0 && h->env[i][len] == '=')
			return h->env[i] + len + 1;
	return NULL;
}

/* pam_putenv("NAME"): remove the variable (PAM_BAD_ITEM when absent). */
static int
unsetenv_item(pam_handle_t *h, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < h->nenv; i++) {
		if (strncmp(h->env[i], name, len) == 0 &&
		    h->env[i][len] == '=') {
			free(h->env[i]);
			memmove(&h->env[i], &h->env[i + 1],
			    (h->nenv - i) * sizeof(char *));
			h->nenv--;
			return PAM_SUCCESS;
		}
	}
	return PAM_BAD_ITEM;
}

int
pam_putenv(pam_handle_t *h, const char *name_value)
{
	const char *eq;
	char **grown, *copy;
	size_t i;

	if (*name_value == '\0')
		return PAM_BAD_ITEM;
	if ((eq = strchr(name_value, '=')) == NULL)
		return unsetenv_item(h, name_value);
	if (eq == name_value)
		return PAM_BAD_ITEM;
	if ((copy = strdup(name_value)) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < h->nenv; i++) {
		if (strncmp(h->env[i], name_value,
			(size_t)(eq - name_value) + 1) == 0) {
			free(h->env[i]);
			h->env[i] = copy;
			return PAM_SUCCESS;
		}
	}
	grown = realloc(h->env, (h->nenv + 2) * sizeof(char *));
	if (grown == NULL) {
		free(copy);
		return PAM_BUF_ERR;
	}
	h->env = grown;
	h->env[h->nenv++] = copy;
	h->env[h->nenv] = NULL;
	return PAM_SUCCESS;
}

static struct fakepam_data *
find_data(pam_handle_t *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->ndata; i++)
		if (strcmp(h->data[i].name, name) == 0)
			return &h->data[i];
	return NULL;
}

int
pam_set_data(pam_handle_t *h, const char *name, void *data,
    void (*cleanup)(pam_handle_t *, void *, int))
{
	struct fakepam_data *d = find_data(h, name);

	if (d != NULL) {
		/* Linux-PAM calls the old entry's cleanup, then replaces it. */
		if (d->cleanup != NULL)
			d->cleanup(h, d->data, PAM_DATA_REPLACE);
	} else {
		if (h->ndata == FAKEPAM_MAX_DATA)
			return PAM_BUF_ERR;
		d = &h->data[h->ndata];
		if ((d->name = strdup(name)) == NULL)
			return PAM_BUF_ERR;
		h->ndata++;
	}
	d->data = data;
	d->cleanup = cleanup;
	return PAM_SUCCESS;
}

int
pam_get_data(const pam_handle_t *h, const char *name, const void **data)
{
	const struct fakepam_data *d =
	    find_data((pam_handle_t *)(uintptr_t)h, name);

	if (d == NULL)
		return PAM_NO_MODULE_DATA;
	*data = d->data;
	return PAM_SUCCESS;
}

/*
 * The fuzzer runs as one user and reads files that user owns, so there is
 * nothing to switch; what is checked is that every drop is matched by a
 * regain before the module returns (fuzz_pam.c asserts it).
 */
int
pam_modutil_drop_priv(
    pam_handle_t *h, struct pam_modutil_privs *p, const struct passwd *pw)
{
	(void)p;
	(void)pw;
	if (h->privs_dropped)
		return -1;
	h->privs_dropped = 1;
	return 0;
}

int
pam_modutil_regain_priv(pam_handle_t *h, struct pam_modutil_privs *p)
{
	(void)p;
	if (!h->privs_dropped || h->regain_fails)
		return -1;
	h->privs_dropped = 0;
	return 0;
}

/* ---- the password and group database: one user ---- */

/* Copy s into buf at *off; NULL when it does not fit. */
static char *
put(char *buf, size_t buflen, size_t *off, const char *s)
{
	size_t len = strlen(s) + 1;
	char *p = buf + *off;

	if (len > buflen - *off)
		return NULL;
	memcpy(p, s, len);
	*off += len;
	return p;
}

int
fuzz_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t buflen,
    struct passwd **result)
{
	size_t off = 0;

	*result = NULL;
	if (name == NULL || fake_user.name[0] == '\0' ||
	    strcmp(name, fake_user.name) != 0)
		return 0;
	memset(pw, 0, sizeof(*pw));
	pw->pw_name = put(buf, buflen, &off, fake_user.name);
	pw->pw_passwd = put(buf, buflen, &off, "x");
	pw->pw_gecos = put(buf, buflen, &off, "Fuzz");
	pw->pw_dir = put(buf, buflen, &off, fake_user.home);
	pw->pw_shell = put(buf, buflen, &off, "/bin/sh");
	if (pw->pw_name == NULL || pw->pw_passwd == NULL ||
	    pw->pw_gecos == NULL || pw->pw_dir == NULL || pw->pw_shell == NULL)
		return ERANGE;
	pw->pw_uid = fake_user.uid;
	pw->pw_gid = fake_user.gid;
	*result = pw;
	return 0;
}

int
fuzz_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t buflen,
    struct group **result)
{
	static char *no_members[] = {NULL};
	size_t off = 0;

	*result = NULL;
	memset(gr, 0, sizeof(*gr));
	gr->gr_name = put(buf, buflen, &off,
	    gid == fake_user.gid ? "users"
		: gid == 4242    ? "staff"
				 : "wheel");
	gr->gr_passwd = put(buf, buflen, &off, "x");
	if (gr->gr_name == NULL || gr->gr_passwd == NULL)
		return ERANGE;
	gr->gr_gid = gid;
	gr->gr_mem = no_members;
	*result = gr;
	return 0;
}

int
fuzz_getgrouplist(const char *user, gid_t group, gid_t *groups, int *n)
{
	static const gid_t extra[] = {4242, 4243};
	int i, want = 3;

	(void)user;
	if (*n < want) {
		*n = want;
		return -1;
	}
	groups[0] = group;
	for (i = 1; i < want; i++)
		groups[i] = extra[i - 1];
	*n = want;
	return want;
}
