/*
 * config_load.h - the options of the module and of mfa-enroll: the site's
 * configuration file, then the module arguments.
 */
#ifndef MFA_CONFIG_LOAD_H
#define MFA_CONFIG_LOAD_H

#include <stddef.h>

#include "config.h"

/*
 * mfa_config_load - defaults, then the configuration file (conf= among the
 * arguments, or MFA_SYSCONFDIR/security/pam_mfa.conf), then the arguments,
 * which override the file.  The file must be owned by root (or the
 * effective uid, for unprivileged tests) and not writable by group or
 * others; it may be readable by all.  A missing default file is fine; a
 * missing file named by conf= is an error.  On error err holds a message
 * naming the file, line and key, and c is freed.
 * Returns MFA_OK (free c with mfa_config_free) or an mfa_err.
 */
int mfa_config_load(
    struct mfa_config *c, int argc, const char **argv, char *err, size_t errsz);

#endif /* MFA_CONFIG_LOAD_H */
