/*
 * hostname.h - the one name of this machine that users see.
 *
 * The emailed code's subject and body, its Message-ID, the SMS text, the
 * authenticator app's entry made by mfa-enroll or by the enrolment at
 * login (issuer and "user@host" label, unless issuer= or --issuer and
 * --label say otherwise): all of them name the machine with this, so a
 * user sees one name everywhere.  It is gethostname(2), the kernel's node
 * name, not a DNS lookup: a login never waits on a resolver, and every
 * process on the machine gets the same answer.
 */
#ifndef MFA_HOSTNAME_H
#define MFA_HOSTNAME_H

#include <stddef.h>

/* Longest name returned, without the NUL (a DNS name). */
#define MFA_HOST_NAME_MAX 253

/*
 * mfa_host_name_ok - 1 when name is a DNS-style name that a mail header,
 * a QR code's label and a log line can all hold: 1..MFA_HOST_NAME_MAX
 * bytes of letters, digits, '-', '_' and '.', not starting with '-' or
 * '.'; else 0 (also for NULL).
 */
int mfa_host_name_ok(const char *name);

/*
 * mfa_host_name - this machine's name into out (outsz bytes, at least
 * MFA_HOST_NAME_MAX + 1 to never truncate): gethostname(2) when
 * mfa_host_name_ok accepts it, else "localhost".  Never
 * fails; outsz 0 writes nothing.
 */
void mfa_host_name(char *out, size_t outsz);

#endif /* MFA_HOSTNAME_H */
