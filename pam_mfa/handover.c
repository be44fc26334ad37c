/*
 * handover.c - what one pam_authenticate call leaves on the PAM handle
 * (see handover.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

#include "error.h"
#include "handover.h"
#include "mem.h"
#include "random.h"
#include "store.h"
#include "store_open.h"
#include "text.h"
#include "user.h"

/* pam_set_data names; the same for every pam_mfa line of a stack. */
#define HANDOVER_DATA "pam_mfa_handover"
#define GIVEN_DATA "pam_mfa_factor_given"

/* The record of this call's hand-overs, one slot per kind. */
struct handover {
	int has[2];
	unsigned char nonce[2][MFA_HANDOVER_NONCE_SIZE];
};

/* "The second factor was given in this call by line `instance`". */
struct given {
	const void *instance;
	char user[]; /* the account's name from the password database */
};

static const char *const env_names[] = {
    [MFA_HANDOVER_ENROL] = MFA_ENROL_ENV,
    [MFA_HANDOVER_TRUST] = MFA_TRUST_ENV,
};

static void
free_handover(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	if (data != NULL)
		MFA_WIPE_OBJ((struct handover *)data);
	free(data);
}

static void
free_given(pam_handle_t *pamh, void *data, int error_status)
{
	(void)pamh;
	(void)error_status;
	free(data);
}

/* This module's data called name, or NULL. */
static void *
get_data(pam_handle_t *pamh, const char *name)
{
	const void *data = NULL;

	if (pam_get_data(pamh, name, &data) != PAM_SUCCESS)
		return NULL;
	/* Ours: allocated by this unit, so writable. */
	return (void *)(uintptr_t)data;
}

/* The record of this call's hand-overs, made (empty) when there is none. */
static struct handover *
handover_record(pam_handle_t *pamh)
{
	struct handover *h = get_data(pamh, HANDOVER_DATA);

	if (h != NULL)
		return h;
	h = calloc(1, sizeof(*h));
	if (h != NULL &&
	    pam_set_data(pamh, HANDOVER_DATA, h, free_handover) !=
		PAM_SUCCESS) {
		free(h);
		h = NULL;
	}
	return h;
}

void
mfa_handover_reset(pam_handle_t *pamh)
{
	struct handover *h;
	size_t i;

	for (i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
		if (pam_getenv(pamh, env_names[i]) != NULL)
			(void)pam_putenv(pamh, env_names[i]);
	/*
	 * An empty record, not none: it tells setcred that authenticate ran
	 * in this process and handed nothing over, so that a variable is
	 * refused here (without memory, setcred falls back to the state).
	 */
	h = handover_record(pamh);
	if (h != NULL)
		MFA_WIPE_OBJ(h);
}

void
mfa_handover_begin(struct mfa_login *lg, const void *instance)
{
	struct given *g = get_data(lg->pamh, GIVEN_DATA);

	lg->instance = instance;
	if (g != NULL && g->instance == instance) {
		/* This line starts again: a new pam_authenticate call. */
		(void)pam_set_data(lg->pamh, GIVEN_DATA, NULL, NULL);
		g = NULL;
	}
	lg->factor_given = g != NULL;
	if (!lg->factor_given)
		mfa_handover_reset(lg->pamh);
}

int
mfa_handover_honour(struct mfa_login *lg)
{
	const struct given *g;

	if (!lg->factor_given || lg->user == NULL)
		return 0;
	g = get_data(lg->pamh, GIVEN_DATA);
	if (g == NULL || strcmp(g->user, lg->user->pw.pw_name) != 0) {
		lg->factor_given = 0;
		mfa_handover_reset(lg->pamh);
		return 0;
	}
	lg->reason = "second factor already given by an earlier pam_mfa "
		     "line of this stack";
	return 1;
}

/* Leave the marker of a success of this line for the lines after it. */
static void
mark_given(struct mfa_login *lg)
{
	const char *name = lg->user->pw.pw_name;
	struct given *g = malloc(sizeof(*g) + strlen(name) + 1);

	if (g == NULL)
		return; /* a later line asks again: safe */
	g->instance = lg->instance;
	memcpy(g->user, name, strlen(name) + 1);
	if (pam_set_data(lg->pamh, GIVEN_DATA, g, free_given) != PAM_SUCCESS)
		free(g);
}

void
mfa_handover_end(pam_handle_t *pamh, struct mfa_login *lg, enum mfa_verdict v)
{
	if (v != MFA_VERDICT_SUCCESS) {
		mfa_handover_reset(pamh);
		/* No mark of an earlier line outlives a line that failed. */
		(void)pam_set_data(pamh, GIVEN_DATA, NULL, NULL);
		return;
	}
	if (lg != NULL && !lg->factor_given && lg->user != NULL)
		mark_given(lg);
}

int
mfa_handover_nonce(unsigned char nonce[MFA_HANDOVER_NONCE_SIZE])
{
	static const unsigned char zero[MFA_HANDOVER_NONCE_SIZE];
	int rc;

	/* All zeros is impossible in practice; refuse it all the same. */
	do
		rc = mfa_random_bytes(nonce, MFA_HANDOVER_NONCE_SIZE);
	while (rc == MFA_OK && mfa_ct_equal(nonce, zero, sizeof(zero)));
	return rc;
}

int
mfa_handover_publish(pam_handle_t *pamh, enum mfa_handover_kind kind,
    const unsigned char nonce[MFA_HANDOVER_NONCE_SIZE])
{
	char env[sizeof(MFA_ENROL_ENV) + sizeof(MFA_TRUST_ENV) +
	    2 * MFA_HANDOVER_NONCE_SIZE];
	struct handover *h = handover_record(pamh);
	int rc = MFA_OK;

	if (h == NULL)
		return MFA_ERR_NOMEM;
	memcpy(h->nonce[kind], nonce, MFA_HANDOVER_NONCE_SIZE);
	h->has[kind] = 1;
	snprintf(env, sizeof(env), "%s=", env_names[kind]);
	mfa_text_hex_encode(nonce, MFA_HANDOVER_NONCE_SIZE, env + strlen(env));
	if (pam_putenv(pamh, env) != PAM_SUCCESS) {
		h->has[kind] = 0;
		mfa_wipe(h->nonce[kind], MFA_HANDOVER_NONCE_SIZE);
		rc = MFA_ERR_SYSTEM;
	}
	mfa_wipe(env, sizeof(env));
	return rc;
}

int
mfa_handover_take(pam_handle_t *pamh, enum mfa_handover_kind kind,
    unsigned char nonce[MFA_HANDOVER_NONCE_SIZE])
{
	const char *text = pam_getenv(pamh, env_names[kind]);
	struct handover *h = get_data(pamh, HANDOVER_DATA);
	int rc;

	if (text == NULL)
		return MFA_ERR_NOENT;
	rc = mfa_text_hex_decode(text, nonce, MFA_HANDOVER_NONCE_SIZE);
	/* In the process that authenticated, the record must agree. */
	if (rc == MFA_OK && h != NULL &&
	    (!h->has[kind] ||
		!mfa_ct_equal(h->nonce[kind], nonce, MFA_HANDOVER_NONCE_SIZE)))
		rc = MFA_ERR_MISMATCH;
	if (h != NULL) {
		h->has[kind] = 0;
		mfa_wipe(h->nonce[kind], MFA_HANDOVER_NONCE_SIZE);
	}
	(void)pam_putenv(pamh, env_names[kind]);
	return rc;
}

const char *
mfa_handover_why(int rc)
{
	switch (rc) {
	case MFA_ERR_FORMAT:
		return "the variable is not a hand-over of pam_mfa (forged?)";
	case MFA_ERR_MISMATCH:
		return "the variable does not match this process's "
		       "authentication (stale or forged)";
	case MFA_ERR_NOENT:
		return "the variable names nothing pending in the state (stale "
		       "or forged)";
	default:
		return mfa_strerror(rc);
	}
}

int
mfa_handover_store(struct mfa_login *lg, char *why, size_t whysz)
{
	int rc;

	if (lg->store != NULL)
		return MFA_OK;
	rc = mfa_store_open_config(&lg->cfg, 0, &lg->store, why, whysz);
	if (rc == MFA_OK)
		mfa_store_set_logger(lg->store, &lg->log);
	return rc;
}
