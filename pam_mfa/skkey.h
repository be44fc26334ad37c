/*
 * skkey.h - a FIDO2 SSH key as the second factor (sk_keys=second-factor).
 *
 * With AuthenticationMethods publickey,keyboard-interactive, sshd has
 * already verified the user's public key when pam_mfa runs, and names it
 * in SSH_AUTH_INFO_0.  A key of a FIDO2 security key type
 * (sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com) signs
 * only on the token, with a touch (and the PIN with sshd's
 * PubkeyAuthOptions verify-required): it proved possession of a second
 * thing, so no code is asked.  It is never a trusted device: nothing about
 * the key is stored, the next login needs the token again.
 */
#ifndef MFA_SKKEY_H
#define MFA_SKKEY_H

#include "login.h"

/* What mfa_skkey_check decided. */
enum mfa_skkey {
	MFA_SKKEY_NONE,   /* no security key counts here: ask for a code */
	MFA_SKKEY_PASSED, /* the key is the second factor: success */
	MFA_SKKEY_LOCKED, /* the user is locked out from here */
	MFA_SKKEY_FAILED, /* the state could not be used: fail closed */
};

/*
 * mfa_skkey_check - when sk_keys=second-factor, the service is one of
 * trust_services= (sshd: where SSH_AUTH_INFO_0 comes from sshd) and the
 * one key of SSH_AUTH_INFO_0 is of a FIDO2 type, record the success
 * (method fido2-key, this source's failures cleared) in the user's record,
 * set lg->method and lg->key_fp (the key's SHA256 fingerprint, for the log
 * line) and tell the user.  lg->store must be open and lg->source set.
 * Returns what it decided; a lock-out is the caller's to tell.
 */
enum mfa_skkey mfa_skkey_check(struct mfa_login *lg);

#endif /* MFA_SKKEY_H */
