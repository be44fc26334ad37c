/*
 * challenge.c - asking for the second factor and checking the answers.
 *
 * Every answer is checked in its own short transaction on the user's
 * record (lock, load, verify, record, save, unlock), so two logins racing
 * with the same code get exactly one success, and no lock is held while a
 * person is typing.
 */
#include <stdio.h>
#include <string.h>

#include "backup.h"
#include "challenge.h"
#include "enrolment.h"
#include "error.h"
#include "mem.h"
#include "otp.h"
#include "prompt.h"
#include "reply.h"
#include "secretfile.h"
#include "skkey.h"
#include "otpcode.h"
#include "sendcode.h"
#include "store.h"
#include "store_open.h"
#include "trust.h"

#define MFA_PROMPT_CODE "Verification code: "
#define MFA_BACKUP_LOW 3
/* A clock offset the user is told about (seconds): two 30 s steps. */
#define MFA_DRIFT_TELL 60
/* How far beyond hotp_window a login looks for a resynchronisation. */
#define MFA_HOTP_RESYNC_LOGIN 100
/* Said to real users and unknown names alike. */
#define MFA_MSG_INVALID "Invalid code."
#define MFA_MSG_NO_CODE "No code entered."
#define MFA_MSG_NO_CHANNEL "No code can be sent that way."
/* The code length an unknown name is asked for: the default. */
#define MFA_UNKNOWN_DIGITS 6

enum attempt {
	ATTEMPT_OK,     /* accepted */
	ATTEMPT_WRONG,  /* refused, counted as a failure */
	ATTEMPT_LOCKED, /* the user is (now) locked out */
	ATTEMPT_ERROR,  /* the system failed: fail closed */
	ATTEMPT_EMPTY,  /* no code typed: not a failure, but a try */
	ATTEMPT_CONV,   /* the conversation failed */
	ATTEMPT_BYPASS, /* delivery failed and failmode=safe */
	ATTEMPT_DENIED, /* refused with its own message: a try */
	/* The password, not a code: not a failure, but a try. */
	ATTEMPT_PASSWORD,
};

/* A wrong answer (rather than a failure of the system). */
static int
is_wrong(int rc)
{
	return rc == MFA_ERR_MISMATCH || rc == MFA_ERR_REPLAY ||
	    rc == MFA_ERR_FORMAT || rc == MFA_ERR_EXPIRED;
}

/*
 * A verifier checks one reply against the secret and the locked record.
 * It returns MFA_OK, sets *m to the method that matched and updates the
 * record's method-specific marks (TOTP step, used backup slot, consumed
 * emailed code), or an error: MFA_ERR_MISMATCH, MFA_ERR_REPLAY,
 * MFA_ERR_EXPIRED and MFA_ERR_FORMAT are wrong answers, anything else a
 * system failure.
 */
typedef int (*verify_fn)(struct mfa_login *lg, struct mfa_state *st,
    const struct mfa_reply *r, enum mfa_method *m);

/* Forget the floors of authenticators no longer in the file. */
static void
keep_known_floors(const struct mfa_login *lg, struct mfa_state *st)
{
	unsigned char ids[MFA_SECRET_AUTH_MAX][8];
	struct mfa_authenticator a;
	size_t i, n = mfa_secret_auth_count(lg->secret);

	memset(ids, 0, sizeof(ids));
	for (i = 0; i < n; i++)
		if (mfa_secret_auth_get(lg->secret, i, &a) == MFA_OK)
			memcpy(ids[i], a.id, sizeof(ids[i]));
	MFA_WIPE_OBJ(&a);
	mfa_state_auth_keep(st, (const unsigned char(*)[8])ids, n);
}

/*
 * A code of the counter after the one a wrong code of this login matched
 * beyond the look-ahead (resync_candidate): two codes in a row are the
 * token's, wherever it is within MFA_HOTP_RESYNC_LOGIN.  Still above the
 * floor read in this transaction (floor, NULL: none), which another login
 * may have moved since the first code: a used counter stays used.
 */
static int
resync_second(struct mfa_login *lg, const struct mfa_authenticator *a,
    const uint64_t *floor, const char *code, uint64_t *step)
{
	uint64_t before;

	if (!lg->resync_armed || lg->resync_next == 0 ||
	    memcmp(lg->resync_id, a->id, sizeof(a->id)) != 0)
		return MFA_ERR_MISMATCH;
	lg->resync_armed = 0; /* one chance: the very next answer */
	if (floor != NULL && lg->resync_next <= *floor)
		return MFA_ERR_MISMATCH;
	before = lg->resync_next - 1;
	return mfa_hotp_verify(a->key, a->keylen, a->totp.alg, a->totp.digits,
	    &before, 1, code, step);
}

/* Beyond the look-ahead, a bounded way: remember where (not accepted). */
static void
resync_candidate(struct mfa_login *lg, const struct mfa_authenticator *a,
    const uint64_t *floor, const char *code)
{
	uint64_t edge =
		     (floor != NULL ? *floor + 1 : 0) + lg->cfg.hotp_window - 1,
		 c = 0;

	if (edge > UINT64_MAX - MFA_HOTP_RESYNC_LOGIN - 2 ||
	    mfa_hotp_verify(a->key, a->keylen, a->totp.alg, a->totp.digits,
		&edge, MFA_HOTP_RESYNC_LOGIN, code, &c) != MFA_OK)
		return;
	lg->resync_armed = 1;
	lg->resync_next = c + 1;
	memcpy(lg->resync_id, a->id, sizeof(lg->resync_id));
}

/*
 * A resynchronisation in a login, as an audit event of its own (the
 * success event that follows names the token but not the jump); logged
 * when the second code matches, before the state is saved: a save that
 * fails logs a failure right after it ("state not saved").
 */
static void
resync_event(const struct mfa_login *lg, const struct mfa_authenticator *a,
    uint64_t step)
{
	struct mfa_event ev = {.kind = MFA_EVENT_RESYNC,
	    .user = lg->user_clean,
	    .service = lg->service,
	    .rhost = lg->rhost[0] != '\0' ? lg->rhost : NULL,
	    .result = "success",
	    .authenticator = a->name};

	mfa_log_event(&lg->log, LOG_NOTICE, &ev,
	    "HOTP token %s of %s resynchronised at counter %llu "
	    "(two codes in a row)",
	    a->name, lg->user_clean, (unsigned long long)step);
}

/*
 * An HOTP token: the counters after its last used one, hotp_window of
 * them; the counter only moves forward.  A token pressed too often away
 * from a login resynchronises itself with two codes in a row in one
 * login (each wrong code still counts as one).
 */
static int
verify_hotp(struct mfa_login *lg, struct mfa_state *st,
    const struct mfa_reply *r, const struct mfa_authenticator *a,
    uint64_t *step)
{
	const uint64_t *floor = mfa_enrolment_floor(st, lg->secret, a);
	int rc, armed = lg->resync_armed;

	rc = mfa_hotp_verify(a->key, a->keylen, a->totp.alg, a->totp.digits,
	    floor, lg->cfg.hotp_window, r->digits, step);
	if (rc == MFA_ERR_MISMATCH && armed &&
	    (rc = resync_second(lg, a, floor, r->digits, step)) == MFA_OK)
		resync_event(lg, a, *step);
	if (rc == MFA_ERR_MISMATCH && !armed)
		resync_candidate(lg, a, floor, r->digits);
	return rc;
}

/* The verdict of the window centred on time centre; *step on MFA_OK. */
static int
verify_window(const struct mfa_login *lg, const struct mfa_state *st,
    const struct mfa_authenticator *a, const char *code, int64_t centre,
    uint64_t *step)
{
	return mfa_totp_verify(a->key, a->keylen, &a->totp,
	    centre < 0 ? 0 : centre, lg->cfg.window,
	    mfa_enrolment_floor(st, lg->secret, a), code, step);
}

/*
 * One authenticator's verdict on the code (a code of another length: no).
 * Besides the window around the host's time, a window centred on the step
 * its clock was last seen at (its learnt offset, bounded by
 * MFA_STATE_MAX_DRIFT) is checked too, so a phone whose clock runs a
 * minute behind keeps working without a wider window, and one whose clock
 * was set right again works at once.  Both are always computed.  *drift
 * gets the offset of the step that matched from the host's step.
 */
static int
verify_one(struct mfa_login *lg, struct mfa_state *st,
    const struct mfa_reply *r, const struct mfa_authenticator *a,
    uint64_t *step, int *drift)
{
	int64_t shift =
	    (int64_t)mfa_state_auth_drift(st, a->id) * (int64_t)a->totp.period;
	uint64_t s2 = 0;
	int rc, rc2 = MFA_ERR_MISMATCH;

	*drift = 0;
	/* An HOTP token's counter is root's: no caller without it. */
	if (strlen(r->digits) != a->totp.digits || (a->hotp && lg->unpriv))
		return MFA_ERR_MISMATCH;
	if (a->hotp)
		return verify_hotp(lg, st, r, a, step);
	rc = verify_window(lg, st, a, r->digits, lg->now, step);
	if (shift != 0)
		rc2 = verify_window(lg, st, a, r->digits, lg->now + shift, &s2);
	if (rc != MFA_OK && (rc2 == MFA_OK || rc == MFA_ERR_MISMATCH)) {
		rc = rc2;
		*step = s2;
	}
	if (rc == MFA_OK)
		*drift = (int)((int64_t)*step -
		    (int64_t)((uint64_t)lg->now / a->totp.period));
	return rc;
}

/*
 * Each time step is accepted once per authenticator: steps up to the last
 * one it accepted are refused, even after the clock goes back.  Every
 * authenticator is tried (no early exit: the time taken does not tell
 * which one matched); the first that accepts the code wins and is named
 * in lg->auth_name for the log line.  A new enrolment (new secret, new id)
 * starts afresh.
 */
static int
verify_totp(
    struct mfa_login *lg, struct mfa_state *st, const struct mfa_reply *r)
{
	struct mfa_authenticator a, won;
	size_t i, n = mfa_secret_auth_count(lg->secret);
	uint64_t step = 0, won_step = 0;
	int rc, best = MFA_ERR_MISMATCH, drift = 0, won_drift = 0;

	memset(&won, 0, sizeof(won));
	keep_known_floors(lg, st);
	for (i = 0; i < n; i++) {
		if (mfa_secret_auth_get(lg->secret, i, &a) != MFA_OK)
			continue;
		rc = verify_one(lg, st, r, &a, &step, &drift);
		if (rc == MFA_OK && best != MFA_OK) {
			won = a;
			won_step = step;
			won_drift = drift;
		}
		if (best != MFA_OK &&
		    (rc == MFA_OK || !is_wrong(rc) ||
			(rc == MFA_ERR_REPLAY && best == MFA_ERR_MISMATCH)))
			best = rc;
	}
	if (best == MFA_OK) {
		mfa_enrolment_set_floor(
		    st, lg->secret, &won, won_step, won_drift);
		lg->drift =
		    mfa_state_auth_drift(st, won.id) * (int)won.totp.period;
		snprintf(lg->auth_name, sizeof(lg->auth_name), "%s", won.name);
		MFA_WIPE_OBJ(&won);
	}
	MFA_WIPE_OBJ(&a);
	return best;
}

/*
 * Six or eight digits: the app's code, else the newest emailed or SMS
 * code (checked second, so that a right app code never uses up one of
 * the emailed code's tries).
 */
static int
verify_numeric(struct mfa_login *lg, struct mfa_state *st,
    const struct mfa_reply *r, enum mfa_method *m)
{
	int rc = verify_totp(lg, st, r), rc2;

	if (rc == MFA_OK) {
		*m = MFA_METHOD_TOTP;
		return MFA_OK;
	}
	if (!st->otp.active || strlen(r->digits) != MFA_OTPCODE_DIGITS)
		return rc;
	*m = st->otp.channel;
	rc2 = mfa_otpcode_verify(st, r->digits, lg->now);
	return rc2 == MFA_OK || rc == MFA_ERR_MISMATCH ? rc2 : rc;
}

static unsigned int
backup_codes_issued(const struct mfa_secret *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < MFA_BACKUP_SLOTS; i++)
		n += s->backup[i] != NULL;
	return n;
}

/*
 * A backup-shaped reply that no stored code can match still costs one
 * Argon2id evaluation, as a real check does: how long the answer takes
 * must not tell a user with codes from one without, or from an unknown
 * name.  Always MFA_ERR_MISMATCH.
 */
static int
spend_backup_hash(const struct mfa_reply *r)
{
	char *phc = NULL;

	if (mfa_backup_hash(r->backup, &phc) == MFA_OK)
		mfa_strfree(phc);
	return MFA_ERR_MISMATCH;
}

/*
 * One Argon2id evaluation: the code names its own slot.  "Already used"
 * is said only of the code itself, after its hash matched: a made-up code
 * naming a used slot is just wrong, so guessing cannot tell which slots
 * are spent, nor a real user from an unknown name.
 */
static int
verify_backup(struct mfa_login *lg, struct mfa_state *st,
    const struct mfa_reply *r, enum mfa_method *m)
{
	const struct mfa_secret *s = lg->secret;
	int rc;

	if (!s->has_backup || r->slot >= MFA_BACKUP_SLOTS ||
	    s->backup[r->slot] == NULL)
		return spend_backup_hash(r);
	rc = mfa_backup_verify(r->backup, s->backup[r->slot]);
	if (rc != MFA_OK)
		return rc;
	if (mfa_state_backup_is_used(st, s->backup_set, r->slot))
		return MFA_ERR_REPLAY;
	mfa_state_backup_mark_used(st, s->backup_set, r->slot);
	*m = MFA_METHOD_BACKUP;
	/* A backup code often means a lost phone: trust nothing it had. */
	if (!lg->cfg.trust_keep_on_backup)
		mfa_state_device_remove_all(st);
	return MFA_OK;
}

/* A reply no code of this user could match (wrong length, garbage). */
static int
verify_nothing(struct mfa_login *lg, struct mfa_state *st,
    const struct mfa_reply *r, enum mfa_method *m)
{
	(void)lg;
	(void)st;
	(void)r;
	(void)m;
	return MFA_ERR_FORMAT;
}

/* Mark the user enrolled (DESIGN §2) at their first success. */
static void
mark_enrolled(struct mfa_login *lg, struct mfa_state *st)
{
	/* The file that answered is not an unconfirmed one (policy.c): a
	 * pending enrolment at login left in the record names nothing. */
	mfa_state_enrol_pending_clear(st);
	if (mfa_enrolment_same(st, lg->secret))
		return;
	st->enrolled = 1;
	st->enrolled_at = lg->now;
	memcpy(st->enrolled_id, lg->secret->id, sizeof(st->enrolled_id));
}

/* The log's reason for a spent code; ask_loop tells the user so. */
static const char reason_replay[] = "code already used";

/*
 * Count a wrong answer against this login's source (deny=) and the
 * account (deny_total=); the attempt's outcome.
 */
static enum attempt
record_wrong(struct mfa_login *lg, struct mfa_state *st)
{
	const struct mfa_lockout_policy policy = {
	    lg->cfg.deny, lg->cfg.deny_total, lg->cfg.unlock_time};

	if (mfa_state_record_failure(st, lg->now, lg->source, &policy) !=
	    MFA_OK) {
		mfa_log(&lg->log, LOG_ERR, "cannot count a failure of %s",
		    lg->user_clean);
		return ATTEMPT_ERROR;
	}
	return mfa_state_lock_end(st, lg->source, lg->now) != 0 ? ATTEMPT_LOCKED
								: ATTEMPT_WRONG;
}

/* Apply the verifier's verdict to the record; the attempt's outcome. */
static enum attempt
judge(struct mfa_login *lg, struct mfa_state *st, int vrc, enum mfa_method m)
{
	if (vrc == MFA_OK) {
		/* The account's count and this source's start again; other
		 * sources keep theirs (a stranger gets no fresh tries). */
		mfa_state_record_success(st, lg->now, m);
		(void)mfa_state_source_success(st, lg->source); /* a key */
		mark_enrolled(lg, st);
		return ATTEMPT_OK;
	}
	if (!is_wrong(vrc)) {
		mfa_log(&lg->log, LOG_ERR, "verifying a code for %s: %s",
		    lg->user_clean, mfa_strerror(vrc));
		return ATTEMPT_ERROR;
	}
	lg->reason = vrc == MFA_ERR_REPLAY ? reason_replay : "wrong code";
	return record_wrong(lg, st);
}

/* One read-verify-write transaction; *snap receives the record after it. */
static enum attempt
attempt(struct mfa_login *lg, const struct mfa_reply *r, verify_fn verify,
    struct mfa_state *snap)
{
	enum mfa_method m = MFA_METHOD_NONE;
	struct mfa_store_txn *txn = NULL;
	enum attempt out;
	char why[256];
	int vrc;

	if (mfa_login_store_begin(
		lg, lg->username, snap, &txn, why, sizeof(why)) != MFA_OK) {
		mfa_log(
		    &lg->log, LOG_ERR, "state for %s: %s", lg->user_clean, why);
		lg->reason = "state unavailable";
		return ATTEMPT_ERROR;
	}
	if (mfa_state_lock_end(snap, lg->source, lg->now) != 0) {
		mfa_store_end(txn);
		return ATTEMPT_LOCKED;
	}
	vrc = verify(lg, snap, r, &m); /* sets m: call it before judge */
	out = judge(lg, snap, vrc, m);
	if (out != ATTEMPT_ERROR &&
	    (vrc = mfa_store_commit(txn, snap, lg->now)) != MFA_OK) {
		/* Disk full, read-only: say which, the admin must act. */
		mfa_log(&lg->log, LOG_ERR,
		    "cannot save the state of %s in %s: %s: refusing the login",
		    lg->user_clean, mfa_store_config_where(&lg->cfg),
		    mfa_strerror(vrc));
		lg->reason = "state not saved";
		out = ATTEMPT_ERROR;
	}
	mfa_store_end(txn);
	if (out == ATTEMPT_OK)
		lg->method = m;
	return out;
}

/* One generic message, whichever lock-out it is (DESIGN §3). */
static void
say_locked(struct mfa_login *lg, const struct mfa_state *st)
{
	int64_t end = mfa_state_lock_end(st, lg->source, lg->now);
	int64_t left = end - lg->now;

	lg->reason = "locked out";
	if (end == INT64_MAX || left <= 0) {
		mfa_prompt_error(lg->pamh, lg->silent,
		    "Too many failed attempts. Contact your administrator.");
		return;
	}
	mfa_prompt_error(lg->pamh, lg->silent,
	    "Too many failed attempts. Try again in %lld minute%s.",
	    (long long)((left + 59) / 60), left > 60 ? "s" : "");
}

static void
say_backup_left(struct mfa_login *lg, const struct mfa_state *st)
{
	unsigned int issued = backup_codes_issued(lg->secret);
	unsigned int used =
	    mfa_state_backup_used_count(st, lg->secret->backup_set);
	unsigned int left = used < issued ? issued - used : 0;

	mfa_prompt_info(lg->pamh, lg->silent,
	    "Backup code accepted. %u backup code%s left.", left,
	    left == 1 ? "" : "s");
	if (left <= MFA_BACKUP_LOW)
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Run mfa-enroll backup-codes to get a new set.");
}

/*
 * After a right code only (so nothing is told about a wrong one): an
 * authenticator whose clock is off by two steps or more is named, with
 * what to do, before the learnt offset runs out of room.
 */
static void
say_drift(struct mfa_login *lg)
{
	int off = lg->drift < 0 ? -lg->drift : lg->drift;

	if (lg->method != MFA_METHOD_TOTP || off < MFA_DRIFT_TELL)
		return;
	mfa_prompt_info(lg->pamh, lg->silent,
	    "The clock of your authenticator %s is about %d s %s: set it to "
	    "the network time.",
	    lg->auth_name, off, lg->drift < 0 ? "behind" : "ahead");
}

/* An empty reply or "email"/"sms": send a code, then ask again. */
static enum attempt
request_code(struct mfa_login *lg, enum mfa_method want)
{
	enum mfa_method channel = mfa_sendcode_channel(lg, want);

	if (channel == MFA_METHOD_NONE) {
		mfa_prompt_error(lg->pamh, lg->silent,
		    want == MFA_METHOD_NONE ? MFA_MSG_NO_CODE
					    : MFA_MSG_NO_CHANNEL);
		return ATTEMPT_EMPTY;
	}
	switch (mfa_sendcode(lg, channel)) {
	case MFA_SEND_ERROR:
		lg->reason = "state unavailable";
		return ATTEMPT_ERROR;
	case MFA_SEND_FAILED:
		/* failmode=safe: the admin prefers no second factor to none
		 * that works (Duo's meaning); logged loudly. */
		if (lg->cfg.failmode == MFA_FAILMODE_SAFE)
			return ATTEMPT_BYPASS;
		return ATTEMPT_EMPTY;
	default:
		return ATTEMPT_EMPTY;
	}
}

/*
 * A caller without root's state (unpriv.c): the app's code against an
 * empty record (no floor, nothing counted), and nothing that needs a
 * record: a backup code would stay usable, an emailed code cannot be kept.
 */
static enum attempt
check_unrecorded(
    struct mfa_login *lg, const struct mfa_reply *r, struct mfa_state *snap)
{
	enum mfa_method m = MFA_METHOD_NONE;
	int vrc = MFA_ERR_FORMAT;

	switch (r->kind) {
	case MFA_REPLY_NUMERIC:
		vrc = verify_numeric(lg, snap, r, &m);
		break;
	case MFA_REPLY_BACKUP:
		mfa_prompt_error(lg->pamh, lg->silent,
		    "Backup codes cannot be used here. Enter the code from "
		    "your authenticator app.");
		lg->reason = "backup code refused, unprivileged caller";
		return ATTEMPT_DENIED;
	case MFA_REPLY_EMPTY:
	case MFA_REPLY_EMAIL:
	case MFA_REPLY_SMS:
		mfa_prompt_error(lg->pamh, lg->silent,
		    "No code can be sent here. Enter the code from your "
		    "authenticator app.");
		return ATTEMPT_EMPTY;
	default:
		break;
	}
	if (vrc == MFA_OK) {
		lg->method = m;
		return ATTEMPT_OK;
	}
	if (!is_wrong(vrc))
		return judge(lg, snap, vrc, m); /* logs it: ATTEMPT_ERROR */
	lg->reason = "wrong code";
	return ATTEMPT_WRONG;
}

/* Check one classified reply; the attempt's outcome. */
static enum attempt
check_reply(
    struct mfa_login *lg, const struct mfa_reply *r, struct mfa_state *snap)
{
	enum attempt out;

	if (lg->unpriv)
		return check_unrecorded(lg, r, snap);
	switch (r->kind) {
	case MFA_REPLY_NUMERIC:
		out = attempt(lg, r, verify_numeric, snap);
		if (out == ATTEMPT_OK)
			say_drift(lg);
		return out;
	case MFA_REPLY_BACKUP:
		out = attempt(lg, r, verify_backup, snap);
		if (out == ATTEMPT_OK) {
			say_backup_left(lg, snap);
			mfa_sendcode_notify(lg, "A backup code was used");
		}
		return out;
	case MFA_REPLY_EMPTY:
		return request_code(lg, MFA_METHOD_NONE);
	case MFA_REPLY_EMAIL:
		return request_code(lg, MFA_METHOD_EMAIL);
	case MFA_REPLY_SMS:
		return request_code(lg, MFA_METHOD_SMS);
	default:
		break;
	}
	/* Not a code this user could have: a wrong answer all the same. */
	return attempt(lg, r, verify_nothing, snap);
}

/*
 * The line before the first prompt.  Backup codes are named whether or not
 * this user has any (every enrolment issues them): the line is the same for
 * an unknown name, and must not tell one from a user without codes.
 */
static void
say_methods_line(
    struct mfa_login *lg, unsigned int digits, const char *channels)
{
	mfa_prompt_info(lg->pamh, lg->silent,
	    "Enter the %u-digit code from your authenticator app, or a "
	    "backup code.%s",
	    digits, channels);
}

static void
say_methods(struct mfa_login *lg)
{
	const struct mfa_secret *s = lg->secret;
	char channels[256] = "";

	if (lg->unpriv) { /* the app's code only: check_unrecorded */
		mfa_prompt_info(lg->pamh, lg->silent,
		    "Enter the %u-digit code from your authenticator app.",
		    s->totp.digits);
		return;
	}
	mfa_sendcode_describe(lg, channels, sizeof(channels));
	say_methods_line(lg, s->totp.digits, channels);
}

/* The verdict of the login whose last attempt ended as out. */
static enum mfa_verdict
verdict_of(struct mfa_login *lg, enum attempt out, const struct mfa_state *st)
{
	switch (out) {
	case ATTEMPT_OK:
		lg->reason = NULL;
		return MFA_VERDICT_SUCCESS;
	case ATTEMPT_LOCKED:
		say_locked(lg, st);
		return MFA_VERDICT_LOCKED;
	case ATTEMPT_CONV:
		return MFA_VERDICT_CONV_FAILED;
	case ATTEMPT_WRONG:
	case ATTEMPT_EMPTY:
	case ATTEMPT_DENIED:
	case ATTEMPT_PASSWORD:
		return MFA_VERDICT_REFUSED;
	case ATTEMPT_BYPASS:
		lg->reason = "code not delivered, failmode=safe";
		mfa_log(&lg->log, LOG_WARNING,
		    "failmode=safe: %s logs in without a second factor because "
		    "a code could not be delivered",
		    lg->user_clean);
		return MFA_VERDICT_IGNORE;
	default:
		mfa_prompt_error(lg->pamh, lg->silent,
		    "Multi-factor authentication is temporarily unavailable.");
		return MFA_VERDICT_UNAVAILABLE;
	}
}

/*
 * What a wrong answer tells the user.  A code already used says so: it
 * reveals nothing (the code is spent, whoever typed it), and a user who
 * typed the same app code twice learns to wait for the next one.
 */
static const char *
wrong_answer_text(const struct mfa_login *lg, const struct mfa_reply *r)
{
	if (lg->reason != reason_replay)
		return MFA_MSG_INVALID;
	if (r->kind == MFA_REPLY_BACKUP)
		return "This backup code was already used.";
	return "This code was already used. Wait for the next code from "
	       "your app.";
}

/* What the password typed at the code prompt tells anybody, user or not. */
static void
say_password_typed(struct mfa_login *lg, unsigned int digits)
{
	mfa_prompt_error(lg->pamh, lg->silent,
	    "That looks like your password. Enter the %u-digit code from "
	    "your authenticator app.",
	    digits);
}

/* The password at the code prompt: say so, log it, count nothing. */
static enum attempt
password_typed(struct mfa_login *lg)
{
	lg->reason = "password typed at the code prompt";
	mfa_log(&lg->log, LOG_NOTICE,
	    "%s answered the code prompt with the password given to this "
	    "login: not counted as a failure",
	    lg->user_clean);
	say_password_typed(lg, lg->secret->totp.digits);
	return ATTEMPT_PASSWORD;
}

/*
 * The next answer: the prompt's, or with code_in_password the code at the
 * end of the one answer already given (combined.h), then no more.
 */
static int
ask_reply(struct mfa_login *lg, struct mfa_reply *r, int *password)
{
	if (lg->combined == NULL)
		return mfa_prompt_ask_code(
		    lg->pamh, lg->cfg.echo_code, MFA_PROMPT_CODE, r, password);
	memset(r, 0, sizeof(*r));
	*password = 0;
	lg->code_taken = 1;
	mfa_reply_classify(lg->combined_code, r);
	return MFA_OK;
}

/* Prompts per login: one answer only with code_in_password. */
static unsigned int
tries_of(const struct mfa_login *lg)
{
	return lg->combined != NULL ? 1 : lg->cfg.tries;
}

/* Up to `tries` prompts; the outcome of the last answer. */
static enum attempt
ask_loop(struct mfa_login *lg, struct mfa_state *snap)
{
	struct mfa_reply r;
	enum attempt out = ATTEMPT_WRONG;
	unsigned int i;
	int password;

	if (lg->combined == NULL)
		say_methods(lg);
	for (i = 0; i < tries_of(lg); i++) {
		if (ask_reply(lg, &r, &password) != MFA_OK) {
			lg->reason = "conversation failed";
			return ATTEMPT_CONV;
		}
		out = password ? password_typed(lg) : check_reply(lg, &r, snap);
		if (out == ATTEMPT_WRONG)
			mfa_prompt_error(lg->pamh, lg->silent, "%s",
			    wrong_answer_text(lg, &r));
		mfa_reply_wipe(&r);
		if (out != ATTEMPT_WRONG && out != ATTEMPT_EMPTY &&
		    out != ATTEMPT_DENIED && out != ATTEMPT_PASSWORD)
			break;
	}
	if (out == ATTEMPT_EMPTY)
		lg->reason = "no code entered";
	return out;
}

/* Trust may follow a code, or a backup code when the admin allows it. */
static int
may_offer_trust(const struct mfa_login *lg)
{
	return lg->method != MFA_METHOD_BACKUP || lg->cfg.trust_keep_on_backup;
}

/* Where this login comes from, for deny= (state.h: source keys). */
static int
source_of(struct mfa_login *lg)
{
	const void *rhost = NULL;

	if (pam_get_item(lg->pamh, PAM_RHOST, &rhost) != PAM_SUCCESS)
		rhost = NULL;
	if (mfa_state_source_key(rhost, lg->source) == MFA_OK)
		return MFA_OK;
	mfa_log(&lg->log, LOG_ERR, "cannot name the source of a login of %s",
	    lg->user_clean);
	return MFA_ERR_SYSTEM;
}

enum mfa_verdict
mfa_challenge_run(struct mfa_login *lg, const struct mfa_state *st)
{
	struct mfa_state snap = *st;
	struct mfa_device_id id;
	enum mfa_trust_skip skip = MFA_TRUST_ASK;
	enum mfa_verdict v;
	int have_id;

	/* code_in_password: this user needs a code, so the answer's end
	 * is one whatever happens next (a lock-out too): the password
	 * module gets the password alone. */
	lg->code_taken |= lg->combined != NULL;
	if (source_of(lg) != MFA_OK)
		return verdict_of(lg, ATTEMPT_ERROR, st);
	if (mfa_state_lock_end(st, lg->source, lg->now) != 0)
		return verdict_of(lg, ATTEMPT_LOCKED, st);
	/* A FIDO2 key sshd verified, where sk_keys= says it counts. */
	switch (lg->unpriv ? MFA_SKKEY_NONE : mfa_skkey_check(lg)) {
	case MFA_SKKEY_PASSED:
		return MFA_VERDICT_SUCCESS;
	case MFA_SKKEY_LOCKED:
		return verdict_of(lg, ATTEMPT_LOCKED, st);
	case MFA_SKKEY_FAILED:
		return verdict_of(lg, ATTEMPT_ERROR, st);
	default:
		break;
	}
	/* No trusted devices without a record to keep them in. */
	/* One answer only with code_in_password: no "trust this device?",
	 * and no skipping the code that answer holds. */
	have_id =
	    !lg->unpriv && lg->combined == NULL && mfa_trust_identify(lg, &id);
	if (have_id)
		skip = mfa_trust_skip(lg, &id);
	if (skip == MFA_TRUST_SKIPPED)
		return MFA_VERDICT_SUCCESS;
	if (skip == MFA_TRUST_FAILED)
		return verdict_of(lg, ATTEMPT_ERROR, st);
	v = verdict_of(lg, ask_loop(lg, &snap), &snap);
	if (v == MFA_VERDICT_SUCCESS && have_id && may_offer_trust(lg))
		mfa_trust_offer(lg, &id);
	mfa_state_wipe(&snap);
	return v;
}

/*
 * One reply of an unknown name, answered as it would be for an enrolled
 * user with an app, backup codes and no email or SMS address: nothing to
 * send on an empty reply or "email"/"sms", every other reply wrong.  A
 * backup code costs one Argon2id hash, as checking a real one does.
 */
static void
answer_unknown(struct mfa_login *lg, const struct mfa_reply *r)
{
	switch (r->kind) {
	case MFA_REPLY_EMPTY:
		mfa_prompt_error(lg->pamh, lg->silent, MFA_MSG_NO_CODE);
		return;
	case MFA_REPLY_EMAIL:
	case MFA_REPLY_SMS:
		mfa_prompt_error(lg->pamh, lg->silent, MFA_MSG_NO_CHANNEL);
		return;
	case MFA_REPLY_BACKUP:
		spend_backup_hash(r);
		break;
	default:
		break;
	}
	mfa_prompt_error(lg->pamh, lg->silent, MFA_MSG_INVALID);
}

enum mfa_verdict
mfa_challenge_unknown_user(struct mfa_login *lg)
{
	struct mfa_reply r;
	unsigned int i;
	int password;

	lg->reason = "unknown user";
	if (lg->combined == NULL)
		say_methods_line(lg, MFA_UNKNOWN_DIGITS, "");
	for (i = 0; i < tries_of(lg); i++) {
		if (ask_reply(lg, &r, &password) != MFA_OK)
			return MFA_VERDICT_CONV_FAILED;
		if (password) /* as a real user's password_typed */
			say_password_typed(lg, MFA_UNKNOWN_DIGITS);
		else
			answer_unknown(lg, &r);
		mfa_reply_wipe(&r);
	}
	return MFA_VERDICT_REFUSED;
}
