/*
 * cli.c - run context, messages and prompts of mfa-enroll.
 */
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "hostname.h"
#include "mem.h"
#include "store_open.h"
#include "timefmt.h"

#define MAX_GROUPS 65536

void
mfa_cli_free(struct mfa_cli *c)
{
	if (c == NULL)
		return;
	mfa_config_free(&c->cfg);
	free(c->user);
	free(c->home);
	free(c->groups);
	free(c->own_groups);
	c->own_groups = NULL;
	c->user = c->home = NULL;
	c->groups = NULL;
	c->ngroups = 0;
}

void
mfa_cli_err(const struct mfa_cli *c, const char *fmt, ...)
{
	va_list ap;

	(void)c;
	fflush(stdout);
	fputs("mfa-enroll: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int64_t
mfa_cli_now(void)
{
	return (int64_t)time(NULL);
}

/* Read one line from stdin into buf; the rest of an over-long line is
 * consumed so that the next answer starts on the next line. */
static int
read_line(char *buf, size_t bufsz)
{
	size_t n = 0;
	int ch, toolong = 0;

	for (;;) {
		ch = getchar();
		if (ch == EOF) {
			if (ferror(stdin) && errno == EINTR)
				return MFA_ERR_SYSTEM;
			if (n == 0 && !toolong)
				return MFA_ERR_NOENT;
			break;
		}
		if (ch == '\n')
			break;
		if (n + 1 >= bufsz)
			toolong = 1;
		else
			buf[n++] = (char)ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (toolong) {
		mfa_wipe(buf, bufsz);
		return MFA_ERR_TOOBIG;
	}
	return MFA_OK;
}

int
mfa_cli_ask(const struct mfa_cli *c, const char *prompt, const char *flag,
    char *buf, size_t bufsz)
{
	FILE *out = c->stdout_tty ? stdout : stderr;
	int rc;

	if (bufsz == 0)
		return MFA_ERR_INVALID;
	buf[0] = '\0';
	fflush(stdout);
	fputs(prompt, out);
	fflush(out);
	rc = read_line(buf, bufsz);
	if (!c->stdin_tty) /* the answer was not echoed: end the line */
		fputc('\n', out);
	if (rc == MFA_ERR_NOENT) {
		mfa_cli_err(c,
		    "no answer on standard input%s; give %s to run without "
		    "a prompt",
		    c->stdin_tty ? "" : " (not a terminal)", flag);
	} else if (rc == MFA_ERR_TOOBIG) {
		mfa_cli_err(c, "answer too long (over %zu bytes)", bufsz - 1);
	} else if (rc != MFA_OK) {
		mfa_cli_err(c, "cannot read standard input");
	}
	return rc;
}

int
mfa_cli_confirm(const struct mfa_cli *c, const char *question, int yes)
{
	char ans[MFA_CLI_ANSWER_MAX];
	int rc;

	if (yes)
		return 1;
	printf("%s\n", question);
	rc = mfa_cli_ask(c, "Type yes to go on: ", "--yes", ans, sizeof(ans));
	if (rc != MFA_OK)
		return 0;
	if (strcmp(ans, "yes") != 0) {
		mfa_cli_err(c, "not confirmed: nothing was changed");
		return 0;
	}
	return 1;
}

int
mfa_cli_want_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return 0;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return 1;
	}
	return 0;
}

void
mfa_cli_hostname(char *out, size_t outsz)
{
	/* The same name as the mails and the enrolment at login use. */
	mfa_host_name(out, outsz);
}

void
mfa_cli_printable(const char *text, char *out, size_t outsz)
{
	size_t o = 0;

	for (; *text != '\0' && o + 1 < outsz; text++)
		out[o++] = *text >= 0x20 && *text < 0x7f ? *text : '?';
	out[o] = '\0';
}

void
mfa_cli_time(int64_t t, char *out, size_t outsz)
{
	if (t <= 0) {
		snprintf(out, outsz, "never");
		return;
	}
	if (t == INT64_MAX) {
		snprintf(out, outsz, "until an admin unlocks");
		return;
	}
	mfa_timefmt_local(t, "%Y-%m-%d %H:%M %Z", NULL, out, outsz);
}

int
mfa_cli_state_begin(const struct mfa_cli *c, int create,
    struct mfa_cli_state *cs, char *why, size_t whysz)
{
	int rc;

	cs->store = NULL;
	cs->txn = NULL;
	mfa_state_init(&cs->st);
	rc = mfa_store_open_config(&c->cfg, create, &cs->store, why, whysz);
	if (rc == MFA_OK)
		rc = mfa_store_begin(cs->store, c->user, c->cfg.lock_timeout,
		    &cs->st, &cs->txn, why, whysz);
	return rc;
}

void
mfa_cli_state_end(struct mfa_cli_state *cs)
{
	mfa_store_end(cs->txn);
	mfa_store_close(cs->store);
	cs->txn = NULL;
	cs->store = NULL;
	mfa_state_wipe(&cs->st);
}

int
mfa_cli_load_groups(struct mfa_cli *c)
{
	int n = 32, got;

	for (;;) {
		free(c->groups);
		c->groups = calloc((size_t)n, sizeof(gid_t));
		if (c->groups == NULL)
			return MFA_ERR_NOMEM;
		got = n;
		if (getgrouplist(c->user, c->gid, c->groups, &got) >= 0) {
			c->ngroups = got;
			break;
		}
		if (got <= n || got > MAX_GROUPS)
			return MFA_ERR_SYSTEM;
		n = got;
	}
	n = getgroups(0, NULL);
	if (n < 0 || n > MAX_GROUPS)
		return MFA_ERR_SYSTEM;
	c->own_groups = calloc((size_t)n + 1, sizeof(gid_t));
	if (c->own_groups == NULL)
		return MFA_ERR_NOMEM;
	c->own_ngroups = getgroups(n, c->own_groups);
	return c->own_ngroups < 0 ? MFA_ERR_SYSTEM : MFA_OK;
}
