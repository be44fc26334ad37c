/*
 * device.h - the identity of a device for "trust this device" (DESIGN §6).
 *
 * A device is what the client proved, not what it claims: for SSH, the
 * public key that sshd verified in an earlier authentication method and
 * exposes in the PAM environment as SSH_AUTH_INFO_0.  This unit parses that
 * value strictly, turns a key (or, only where the admin asks, a remote
 * address) into a digest bound to the user and the PAM service, and finds a
 * matching trusted-device record in the state.  The digest is all that is
 * ever stored: never the key.  No I/O, no clock: time is a parameter.
 */
#ifndef MFA_DEVICE_H
#define MFA_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"
#include "text.h"

/* Longest SSH_AUTH_INFO_0 value we look at (bytes, without the NUL). */
#define MFA_DEVICE_INFO_MAX 16384
/* Longest decoded key or certificate blob. */
#define MFA_DEVICE_BLOB_MAX 8192
/* Longest key type name ("sk-ecdsa-sha2-nistp256-cert-v01@openssh.com"
 * is 43 bytes). */
#define MFA_DEVICE_KEYTYPE_MAX 64
/* Longest remote host for trust_by=rhost (a DNS name is at most 253). */
#define MFA_DEVICE_RHOST_MAX 255
/* Characters of the OpenSSH SHA256 fingerprint shown in a label. */
#define MFA_DEVICE_FP_CHARS 12

/* Bytes of a whole OpenSSH fingerprint: "SHA256:" and 43 characters. */
#define MFA_DEVICE_FP_MAX 50

/* A device identity: what is stored (digest) and what is shown (label). */
struct mfa_device_id {
	unsigned char digest[32];
	/* printable ASCII, no leading or trailing space, NUL-terminated */
	char label[MFA_STATE_MAX_LABEL + 1];
};

/*
 * mfa_device_parse_authinfo - parse the value of SSH_AUTH_INFO_0 (value, a
 * C string; nothing past its NUL is read) and return the one public key
 * the client authenticated with.
 *
 * Grammar: zero or more lines, each ending with '\n' (a missing final '\n'
 * is refused), no empty line, no control byte other than the '\n's (so no
 * CR and no tab), fields separated by exactly one space, no leading or
 * trailing space.  The first field is the method.  A "publickey" line is
 * exactly "publickey TYPE BASE64": TYPE is 1..MFA_DEVICE_KEYTYPE_MAX bytes
 * of [A-Za-z0-9@._+-]; BASE64 is canonical padded base64 (RFC 4648, '='
 * only as the final padding, unused bits zero) of an SSH wire blob of at
 * most MFA_DEVICE_BLOB_MAX bytes whose first field (uint32 big-endian
 * length, then that many bytes, inside the blob) is the key type,
 * equals TYPE and is followed by at least one byte (the key itself).
 * Certificates ("ssh-ed25519-cert-v01@openssh.com" ...) are keys like any
 * other: their identity is the whole certificate blob.
 * Lines of other methods ("keyboard-interactive/pam", "password",
 * "hostbased ...", ...) are ignored; a method "publickey/..." is refused.
 *
 * Exactly one distinct key is required: the same key on several lines is
 * one key; two different keys are ambiguous (with "publickey,publickey"
 * we would not know which one the device is), so never trust on a partial
 * match.
 *
 * On MFA_OK, *keytype (a NUL-terminated copy of TYPE) and *blob (*bloblen
 * bytes) are fresh allocations that the caller frees with free(3) (a
 * public key is not secret).  On error they are NULL and 0.
 * Returns MFA_OK, MFA_ERR_NOENT (no publickey line: no identity, offer no
 * trust), MFA_ERR_FORMAT (anything malformed, or two different keys),
 * MFA_ERR_TOOBIG (value over MFA_DEVICE_INFO_MAX, blob over
 * MFA_DEVICE_BLOB_MAX), MFA_ERR_INVALID (a NULL argument) or
 * MFA_ERR_NOMEM.
 */
int mfa_device_parse_authinfo(
    const char *value, char **keytype, unsigned char **blob, size_t *bloblen);

/*
 * mfa_device_parse_authinfo_err - mfa_device_parse_authinfo, and when err
 * is not NULL and the result is not MFA_OK, the line and the reason in
 * *err (text.h; line 0 when the value as a whole is wrong), for the
 * admin's log: why no trust was offered.  The reason never quotes the
 * value, so it cannot forge a log line.
 */
int mfa_device_parse_authinfo_err(const char *value, char **keytype,
    unsigned char **blob, size_t *bloblen, struct mfa_parse_error *err);

/*
 * mfa_device_id_sshkey - the identity of an SSH key (keytype and blob as
 * returned by mfa_device_parse_authinfo) for user and PAM service:
 *   digest = SHA-256("pam_mfa device v1" 0x00 user 0x00 service 0x00
 *                    "sshkey" 0x00 blob)
 *   label  = "TYPE SHA256:XXXXXXXXXXXX" [" from RHOST"]
 * where XXXXXXXXXXXX is the first MFA_DEVICE_FP_CHARS characters of the
 * OpenSSH fingerprint (unpadded base64 of SHA-256(blob)), and the suffix is
 * added when rhost is neither NULL nor "".  In the label every byte of
 * rhost outside '!'..'~' (spaces too) becomes '?' and the label is cut at
 * MFA_STATE_MAX_LABEL bytes, inside the host name, so it always fits a
 * state file's label field.  user and service must be non-empty;
 * the blob's type field must equal keytype.
 * Returns MFA_OK (*out filled), MFA_ERR_INVALID (a NULL or empty argument,
 * a blob over MFA_DEVICE_BLOB_MAX or not of type keytype; *out zeroed) or
 * MFA_ERR_CRYPTO.
 */
int mfa_device_id_sshkey(const char *user, const char *service,
    const char *keytype, const unsigned char *blob, size_t bloblen,
    const char *rhost, struct mfa_device_id *out);

/*
 * mfa_device_id_rhost - the identity of a remote address, for
 * trust_by=rhost only (weak: many clients share an address behind NAT):
 *   digest = SHA-256("pam_mfa device v1" 0x00 user 0x00 service 0x00
 *                    "rhost" 0x00 rhost)
 *   label  = "address RHOST" (cut at MFA_STATE_MAX_LABEL bytes).
 * rhost must be 1..MFA_DEVICE_RHOST_MAX bytes of printable ASCII without
 * spaces ('!'..'~'); user and service must be non-empty.
 * Returns MFA_OK, MFA_ERR_FORMAT (rhost empty, too long or with other
 * bytes: no identity), MFA_ERR_INVALID (NULL or empty user or service) or
 * MFA_ERR_CRYPTO; on error *out is zeroed.
 */
int mfa_device_id_rhost(const char *user, const char *service,
    const char *rhost, struct mfa_device_id *out);

/*
 * mfa_device_find - the index in st->devices of a record whose digest is
 * id->digest, of trust generation generation, and valid at now under the
 * current setting: created <= now (a record dated in the future is not
 * honoured), expires > now (a record is expired at its expiry second) and
 * expires - created <= max_life seconds (trust_days as configured now, so
 * lowering it shortens devices trusted earlier; max_life <= 0 honours
 * none).  Every record is compared, in constant time and without an early
 * exit, so the time taken does not tell which record (or how much of a
 * digest) matched.
 * Returns the index of the first such record, or -1 (none, or a NULL
 * argument).
 */
int mfa_device_find(const struct mfa_state *st, const struct mfa_device_id *id,
    uint32_t generation, int64_t now, int64_t max_life);

/*
 * mfa_device_fingerprint - OpenSSH's fingerprint of a key blob, as
 * ssh-keygen -l prints it: "SHA256:" and the unpadded base64 of
 * SHA-256(blob), NUL-terminated in out.  A public key is no secret: it is
 * for log lines.  Returns MFA_OK or MFA_ERR_CRYPTO (out is then "").
 */
int mfa_device_fingerprint(
    const unsigned char *blob, size_t len, char out[MFA_DEVICE_FP_MAX + 1]);

/*
 * mfa_device_is_sk_type - 1 when keytype (as parsed from SSH_AUTH_INFO_0)
 * is a FIDO2 security key type sk_keys= counts:
 * "sk-ssh-ed25519@openssh.com" or "sk-ecdsa-sha2-nistp256@openssh.com"
 * (their certificate types are not counted).  0 otherwise, NULL
 * included.
 */
int mfa_device_is_sk_type(const char *keytype);

#endif /* MFA_DEVICE_H */
