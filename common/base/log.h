/*
 * log.h - one logger for the module and the command-line tool.
 *
 * With a PAM handle, messages go to syslog (LOG_AUTHPRIV) through
 * pam_syslog, which prefixes the module and service names.  Without one
 * (mfa-enroll, tests), they go to standard error prefixed by the program
 * name.  This is the only unit of common/ that includes PAM headers.
 */
#ifndef MFA_LOG_H
#define MFA_LOG_H

#include <stddef.h>
#include <syslog.h>

struct mfa_logger {
	void *pamh;       /* pam_handle_t *, or NULL for standard error */
	const char *prog; /* prefix on standard error, e.g. "mfa-enroll" */
	int debug;        /* when 0, LOG_DEBUG messages are dropped */
};

/*
 * mfa_log - log one line at a syslog priority (LOG_ERR, LOG_NOTICE, ...).
 * lg may be NULL: the line then goes to standard error.  Strings that come
 * from outside (user names, host names, file content) must pass through
 * mfa_log_clean first.
 */
void mfa_log(const struct mfa_logger *lg, int priority, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * mfa_log_clean - copy the untrusted string in into out (outsz bytes, at
 * least 1), replacing every byte outside printable ASCII with '?' and
 * truncating to fit, so that a log line cannot be forged or split.  NULL
 * in gives "(null)".  Returns out.
 */
char *mfa_log_clean(const char *in, char *out, size_t outsz);

/*
 * Audit events: the kinds an admin can query.  Each has a fixed
 * MESSAGE_ID in the journal, explained by pam_mfa.catalog (installed in
 * /usr/lib/systemd/catalog/); the ids never change once released.
 */
enum mfa_event_kind {
	MFA_EVENT_SUCCESS,          /* a second factor was given */
	MFA_EVENT_FAILURE,          /* a login was refused */
	MFA_EVENT_LOCKOUT,          /* refused: locked out */
	MFA_EVENT_UNLOCK,           /* an admin cleared a lock-out */
	MFA_EVENT_ENROLMENT,        /* enrolled at login, or by an admin */
	MFA_EVENT_DEVICE_TRUSTED,   /* a device became trusted */
	MFA_EVENT_DEVICE_FORGOTTEN, /* an admin forgot trusted devices */
	MFA_EVENT_BACKUP_USED,      /* a login with a backup code */
	MFA_EVENT_CODE_SENT,        /* a code went out by email or SMS */
	MFA_EVENT_CONFIG_ERROR,     /* a bad option stopped a login */
	MFA_EVENT_RESET,            /* an admin reset a user's enrolment */
	MFA_EVENT_IGNORED,          /* no second factor required (nullok,
				       groups=, before enforce_after=) */
	MFA_EVENT_RESYNC,           /* an HOTP token's counter was moved */
	MFA_EVENT_COUNT
};

/*
 * One event: its kind and the fields an admin filters on.  Any field may
 * be NULL (left out).  Never a code, a secret or a full email address or
 * phone number: the values are logged as given (cleaned of control
 * bytes).
 */
struct mfa_event {
	enum mfa_event_kind kind;
	const char *user;          /* MFA_USER */
	const char *service;       /* MFA_SERVICE */
	const char *rhost;         /* MFA_RHOST */
	const char *method;        /* MFA_METHOD: totp, backup, fido2-key... */
	const char *result;        /* MFA_RESULT: success, failure, ignored */
	const char *reason;        /* MFA_REASON: why it failed */
	const char *authenticator; /* MFA_AUTHENTICATOR: what answered */
	const char *key_sha256;    /* MFA_KEY_SHA256: an SSH key's print */
	const char *admin;         /* MFA_ADMIN: who ran mfa-enroll */
};

/*
 * mfa_log_event - log one audit event: the line (fmt) goes where mfa_log
 * sends it with a PAM handle (syslog through pam_syslog, unchanged), or
 * without one to syslog (LOG_AUTHPRIV) under lg->prog, never to standard
 * error; and, when journald runs, the same line also goes to the journal
 * as a structured entry (sd_journal_send: MESSAGE, MESSAGE_ID of the
 * kind, PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER, MFA_EVENT and the
 * MFA_* fields of ev).  Journal errors (no journald) are ignored.
 */
void mfa_log_event(const struct mfa_logger *lg, int priority,
    const struct mfa_event *ev, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* mfa_event_name - "success", "lockout"...; "unknown" out of range. */
const char *mfa_event_name(enum mfa_event_kind kind);

/* mfa_event_message_id - the kind's MESSAGE_ID (32 hex digits), or NULL. */
const char *mfa_event_message_id(enum mfa_event_kind kind);

#endif /* MFA_LOG_H */
