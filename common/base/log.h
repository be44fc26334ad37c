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

#endif /* MFA_LOG_H */
