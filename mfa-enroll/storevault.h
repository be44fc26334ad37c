/*
 * storevault.h - the vault's part of "mfa-enroll store import DIR": the
 * enrolments root holds below a file store (DIR/.vault, vault.h) copied
 * into the vault of the configured store, so that a site on files and
 * secrets = vault moves to a shared store (PostgreSQL) without anybody
 * enrolling again.
 */
#ifndef MFA_STOREVAULT_H
#define MFA_STOREVAULT_H

#include "cli.h"
#include "store.h"

/* What the vault's import did, for the summary line. */
struct mfa_storevault_counts {
	unsigned int imported, unchanged, kept, unreadable, errors;
};

/*
 * mfa_storevault_import - copy each current record of DIR/.vault (src is
 * the file store DIR, open) into target's vault, under the same rules as
 * the state: a user the target's vault has no record of is copied, one it
 * has the same record of is unchanged, one it has another record of
 * keeps it (the target's is never overwritten); a record that cannot be
 * read is reported and not copied.  A pending renewal is not copied (the
 * user asks again).  Prints a line per user and, when DIR has a vault,
 * a summary line.  Returns 1 when DIR has a vault, 0 when not; *n counts.
 */
int mfa_storevault_import(const struct mfa_cli *c, const char *dir,
    struct mfa_store *src, struct mfa_store *target,
    struct mfa_storevault_counts *n);

#endif /* MFA_STOREVAULT_H */
