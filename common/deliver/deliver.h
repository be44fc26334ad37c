/*
 * deliver.h - sending a one-time code by email or SMS, for the module and
 * for mfa-enroll alike (DESIGN §7).
 */
#ifndef MFA_DELIVER_H
#define MFA_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "state.h"

/* How long a delivery program may take before it is killed. */
#define MFA_DELIVER_TIMEOUT_MS 15000

/*
 * mfa_deliver_code - send code (6 digits) to address for user, valid
 * ttl seconds.  MFA_METHOD_EMAIL: a complete message (mailmsg.h) on the
 * standard input of cfg->mail_argv (sendmail -t -i style: the recipient is
 * in the headers); MFA_METHOD_SMS: cfg->sms_argv with the number as one
 * more argument and the text on standard input.  The address is checked
 * again (mfa_addr_*_check) before anything runs.  The text names the
 * machine by mfa_host_name (hostname.h), as the app's entry does.  From is
 * cfg->mail_from, else "pam_mfa@HOST" (HOST that name, or
 * localhost.localdomain when it is not a mail domain, e.g. has no dot).
 * Returns MFA_OK, MFA_ERR_FORMAT (bad address), MFA_ERR_DENIED (no SMS
 * gateway configured), MFA_ERR_EXEC or MFA_ERR_TIMEOUT (the program failed;
 * why says how), or another error; why (whysz bytes) gets a reason for the
 * log that never contains the code.
 */
int mfa_deliver_code(const struct mfa_config *cfg, enum mfa_method channel,
    const char *address, const char *user, const char *code, unsigned int ttl,
    int64_t now, char *why, size_t whysz);

/*
 * mfa_deliver_confirm_code - mfa_deliver_code for a code that confirms
 * address (mfa-enroll email/sms): the message says so (mailmsg.h,
 * MFA_MAIL_CONFIRM) instead of speaking of a sign-in.  Same results.
 */
int mfa_deliver_confirm_code(const struct mfa_config *cfg,
    enum mfa_method channel, const char *address, const char *user,
    const char *code, unsigned int ttl, int64_t now, char *why, size_t whysz);

/*
 * mfa_deliver_notice - email a notice without any code (notify=) to the
 * address `to`: text is one line of printable ASCII (mailmsg.h).  Same
 * results as mfa_deliver_code.
 */
int mfa_deliver_notice(const struct mfa_config *cfg, const char *to,
    const char *user, const char *text, int64_t now, char *why, size_t whysz);

#endif /* MFA_DELIVER_H */
