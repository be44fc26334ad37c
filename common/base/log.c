/*
 * log.c - logging to syslog through PAM, or to standard error; audit
 * events also to the journal.  The one place that emits log lines.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <security/pam_ext.h>
#include <systemd/sd-journal.h>

#include "log.h"

void
mfa_log(const struct mfa_logger *lg, int priority, const char *fmt, ...)
{
	va_list ap;

	if (priority == LOG_DEBUG && (lg == NULL || !lg->debug))
		return;
	va_start(ap, fmt);
	if (lg != NULL && lg->pamh != NULL) {
		pam_vsyslog(lg->pamh, priority, fmt, ap);
	} else {
		fprintf(stderr, "%s: ",
		    lg != NULL && lg->prog != NULL ? lg->prog : "pam_mfa");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	va_end(ap);
}

char *
mfa_log_clean(const char *in, char *out, size_t outsz)
{
	size_t i;

	if (outsz == 0)
		return out;
	if (in == NULL)
		in = "(null)";
	for (i = 0; in[i] != '\0' && i + 1 < outsz; i++) {
		unsigned char c = (unsigned char)in[i];

		out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[i] = '\0';
	return out;
}

/* ---- audit events ---- */

static const struct {
	const char *name, *id;
} events[MFA_EVENT_COUNT] = {
    [MFA_EVENT_SUCCESS] = {"success", "19005c459b9d4b7fa7bab3bc9c908024"},
    [MFA_EVENT_FAILURE] = {"failure", "21b096103b5444e7bbe7408890522c66"},
    [MFA_EVENT_LOCKOUT] = {"lockout", "62d12b392fb34219b61356751891d2fa"},
    [MFA_EVENT_UNLOCK] = {"unlock", "826557fc50d54748b55a522fd9652415"},
    [MFA_EVENT_ENROLMENT] = {"enrolment", "73af81824431436d81f36e859bdaeb67"},
    [MFA_EVENT_DEVICE_TRUSTED] = {"device-trusted",
	"b01a1a3c23a644a8a4e1d31eed7ffddd"},
    [MFA_EVENT_DEVICE_FORGOTTEN] = {"device-forgotten",
	"f49a8e1258db470fa3ae2819d40e5011"},
    [MFA_EVENT_BACKUP_USED] = {"backup-used",
	"129af139230f4d3f934ff708db97ec70"},
    [MFA_EVENT_CODE_SENT] = {"code-sent", "660225aba9ba4b0095c8730aee673249"},
    [MFA_EVENT_CONFIG_ERROR] = {"config-error",
	"f967b3fdcea841f8b8b532e67e5a3f71"},
    [MFA_EVENT_RESET] = {"reset", "9635738d707149fbb2ff183c783a8f12"},
    [MFA_EVENT_IGNORED] = {"ignored", "4ce06bdc0cef47d1a9e2ee5f1f80962d"},
    [MFA_EVENT_RESYNC] = {"resync", "368448c9d89348558f6ea2166fd5eece"},
};

const char *
mfa_event_name(enum mfa_event_kind kind)
{
	return (unsigned int)kind < MFA_EVENT_COUNT ? events[kind].name
						    : "unknown";
}

const char *
mfa_event_message_id(enum mfa_event_kind kind)
{
	return (unsigned int)kind < MFA_EVENT_COUNT ? events[kind].id : NULL;
}

#define JOURNAL_FIELDS 20
#define JOURNAL_FIELD_MAX 320

/* The fields of one journal entry, each "NAME=value". */
struct journal_entry {
	struct iovec iov[JOURNAL_FIELDS];
	char field[JOURNAL_FIELDS][JOURNAL_FIELD_MAX];
	int n;
};

/* Add NAME=value (cleaned, cut to fit) unless value is NULL. */
static void
journal_add(struct journal_entry *j, const char *name, const char *value)
{
	char clean[JOURNAL_FIELD_MAX];
	int len;

	if (value == NULL || j->n >= JOURNAL_FIELDS)
		return;
	mfa_log_clean(value, clean, sizeof(clean) - strlen(name) - 1);
	len = snprintf(j->field[j->n], JOURNAL_FIELD_MAX, "%s=%s", name, clean);
	if (len < 0)
		return;
	j->iov[j->n].iov_base = j->field[j->n];
	j->iov[j->n].iov_len = strlen(j->field[j->n]);
	j->n++;
}

/* The event as one structured journal entry; errors are ignored. */
static void
journal_send(const char *ident, int priority, const struct mfa_event *ev,
    const char *message)
{
	struct journal_entry *j = calloc(1, sizeof(*j));
	char prio[4];

	if (j == NULL || (unsigned int)ev->kind >= MFA_EVENT_COUNT) {
		free(j);
		return;
	}
	snprintf(prio, sizeof(prio), "%d", priority & LOG_PRIMASK);
	journal_add(j, "MESSAGE", message);
	journal_add(j, "MESSAGE_ID", events[ev->kind].id);
	journal_add(j, "PRIORITY", prio);
	journal_add(j, "SYSLOG_FACILITY", "10"); /* authpriv */
	journal_add(j, "SYSLOG_IDENTIFIER", ident);
	journal_add(j, "MFA_EVENT", events[ev->kind].name);
	journal_add(j, "MFA_USER", ev->user);
	journal_add(j, "MFA_SERVICE", ev->service);
	journal_add(j, "MFA_RHOST", ev->rhost);
	journal_add(j, "MFA_METHOD", ev->method);
	journal_add(j, "MFA_RESULT", ev->result);
	journal_add(j, "MFA_REASON", ev->reason);
	journal_add(j, "MFA_AUTHENTICATOR", ev->authenticator);
	journal_add(j, "MFA_KEY_SHA256", ev->key_sha256);
	journal_add(j, "MFA_ADMIN", ev->admin);
	(void)sd_journal_sendv(j->iov, j->n);
	free(j);
}

void
mfa_log_event(const struct mfa_logger *lg, int priority,
    const struct mfa_event *ev, const char *fmt, ...)
{
	const char *ident =
	    lg != NULL && lg->prog != NULL ? lg->prog : "pam_mfa";
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (lg != NULL && lg->pamh != NULL)
		pam_syslog(lg->pamh, priority, "%s", line);
	else
		syslog(LOG_AUTHPRIV | priority, "%s", line);
	if (ev != NULL)
		journal_send(ident, priority, ev, line);
}
