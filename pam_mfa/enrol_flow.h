/*
 * enrol_flow.h - what the units of an enrolment inside a login share
 * (internal to pam_mfa/enrol_*.c; the rest of the module uses
 * enrol_login.h, enrol_confirm.h and enrol_request.h).
 *
 * One enrolment in progress is a struct mfa_enrol: a first enrolment at
 * login (enrol_login.c, req.kind NONE) or a self-service request of
 * secrets = vault honoured after the current factor (enrol_request.c).
 * Both show a key and ask a code from it (mfa_enrol_prepare,
 * mfa_enrol_ask), and both record the result as pending for setcred
 * (mfa_enrol_record, enrol_record.c); setcred confirms it
 * (enrol_confirm.c).
 */
#ifndef MFA_ENROL_FLOW_H
#define MFA_ENROL_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "enrolment.h"
#include "handover.h"
#include "login.h"
#include "retcode.h"
#include "secretfile.h"
#include "vault.h"

/* One enrolment in progress; wiped by mfa_enrol_wipe. */
struct mfa_enrol {
	struct mfa_login *lg;
	struct mfa_secret *s;
	struct mfa_enrolment_text text;
	int may_skip;
	struct mfa_vault_req req;       /* kind NONE: the first enrolment */
	struct mfa_authenticator added; /* ADD: the new one (secret) */
	char deadline[64];              /* "" without enforce_after */
	uint64_t step;                  /* the step proved */
	unsigned char nonce[MFA_HANDOVER_NONCE_SIZE]; /* for setcred */
};

/*
 * mfa_enrol_log - the log line "enrolment at login WHAT: user=... service=
 * ..." at prio, with " reason=WHY" unless why is NULL (enrol_login.c).
 */
void mfa_enrol_log(
    struct mfa_login *lg, int prio, const char *what, const char *why);

/*
 * mfa_enrol_prepare - a new secret in e->s and its text in e->text (the
 * QR code's URI, the key in groups), the issuer and account named as the
 * mails and mfa-enroll name them; e->may_skip and e->deadline set from
 * nullok= and enforce_after=.  Returns MFA_OK or an error already logged
 * (enrol_login.c).  mfa_enrol_wipe releases what it made.
 */
int mfa_enrol_prepare(struct mfa_enrol *e);

/*
 * mfa_enrol_ask - show the key of e->s (the QR code when it can be drawn,
 * the key as text), ask up to tries= codes from it, and conclude: a right
 * code goes on to mfa_enrol_finish; a skip, wrong codes or a failed
 * conversation are logged and give MFA_VERDICT_FALLBACK (with a request,
 * the user is told it waits).  A first enrolment that succeeds sets
 * lg->method to TOTP and logs "completed" (enrol_login.c).
 */
enum mfa_verdict mfa_enrol_ask(struct mfa_enrol *e);

/*
 * mfa_enrol_finish - after the new key's first code (or for new backup
 * codes, at once): a new set of backup codes into e->s, recorded
 * (mfa_enrol_record), then shown once; an ADD request goes to
 * mfa_enrol_finish_add instead.  Returns mfa_enrol_record's verdicts, or
 * MFA_VERDICT_CONV_FAILED when the codes could not be shown after they
 * were recorded: fail closed (enrol_login.c).
 */
enum mfa_verdict mfa_enrol_finish(struct mfa_enrol *e);

/*
 * mfa_enrol_wipe - release and wipe everything e holds (e->s, e->text,
 * the new authenticator's key); e itself is the caller's (enrol_login.c).
 */
void mfa_enrol_wipe(struct mfa_enrol *e);

/*
 * mfa_enrol_record - e->s recorded as pending for setcred: a fresh nonce,
 * the pending mark in the root state (with e->step, and the floor of an
 * added authenticator), then the file written with the user's identity
 * (or, with secrets = vault, root's record: the current slot for a first
 * enrolment, the pending slot for a request), then the nonce handed over
 * (handover.h).  Returns MFA_VERDICT_SUCCESS, MFA_VERDICT_FALLBACK
 * (nothing that counts was written; the user is told), MFA_VERDICT_REFUSED
 * (root's identity not regained: fail closed) or MFA_VERDICT_UNAVAILABLE
 * (written, not handed over: it stays unconfirmed).  Every failure is
 * logged (enrol_record.c).
 */
enum mfa_verdict mfa_enrol_record(struct mfa_enrol *e);

/*
 * mfa_enrol_finish_add - an ADD request after the new authenticator's
 * first code: it joins a copy of the current enrolment (lg->secret) in
 * e->s, which is recorded (mfa_enrol_record) and the user told.  Returns
 * mfa_enrol_record's verdicts, or MFA_VERDICT_FALLBACK (logged) when the
 * copy cannot be made (enrol_request.c).
 */
enum mfa_verdict mfa_enrol_finish_add(struct mfa_enrol *e);

#endif /* MFA_ENROL_FLOW_H */
