/*
 * test_device.c - device identity for "trust this device": the strict
 * SSH_AUTH_INFO_0 parser (a table of hostile values), the digest binding,
 * labels and their sanitising, trust_by=rhost, and the record lookup.
 * Real keys come from ssh-keygen at test time (skipped when it is missing)
 * and from one fixed ed25519 key with its known OpenSSH fingerprint.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "device.h"
#include "error.h"
#include "state.h"
#include "testutil.h"

/* Made once with ssh-keygen -t ed25519; ssh-keygen -lf gives FIXED_FP. */
#define FIXED_TYPE "ssh-ed25519"
#define FIXED_B64                                                              \
	"AAAAC3NzaC1lZDI1NTE5AAAAIGZUDJJ83L31XNG0zDlAbxGhTMl7dCb8MtsOjKQh6/gv"
#define FIXED_FP "SHA256:TUmE2fZ7AMSJgBPdAPf5kHRs4wSzEzMp6AXUGhvz0XQ"
#define FIXED_LINE "publickey " FIXED_TYPE " " FIXED_B64 "\n"
#define CERT_TYPE "ssh-ed25519-cert-v01@openssh.com"

static const char b64chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Padded base64 of len bytes into out (room for 4 * ceil(len / 3) + 1). */
static void
b64(const unsigned char *in, size_t len, char *out)
{
	size_t i, o = 0;
	uint32_t acc;

	for (i = 0; i < len; i += 3) {
		acc = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			acc |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < len)
			acc |= in[i + 2];
		out[o++] = b64chars[(acc >> 18) & 63];
		out[o++] = b64chars[(acc >> 12) & 63];
		out[o++] = i + 1 < len ? b64chars[(acc >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? b64chars[acc & 63] : '=';
	}
	out[o] = '\0';
}

/* An SSH wire blob: string type, then extra bytes of filler. */
static size_t
make_blob(
    const char *type, size_t extra, unsigned char fill, unsigned char *out)
{
	size_t n = strlen(type);

	out[0] = (unsigned char)(n >> 24);
	out[1] = (unsigned char)(n >> 16);
	out[2] = (unsigned char)(n >> 8);
	out[3] = (unsigned char)n;
	memcpy(out + 4, type, n);
	memset(out + 4 + n, fill, extra);
	return 4 + n + extra;
}

/* "publickey TYPE BASE64\n" for a blob; returns a static buffer. */
static const char *
key_line(const char *type, const unsigned char *blob, size_t len)
{
	static char line[16384];
	int n = snprintf(line, sizeof(line), "publickey %s ", type);

	ck_assert(len <= 9000);
	b64(blob, len, line + n);
	strcat(line, "\n");
	return line;
}

/* Parse value; on success check the result is expected (type and blob). */
static int
parse(const char *value, const char *want_type, const unsigned char *want,
    size_t wantlen)
{
	char *type = (char *)1;
	unsigned char *blob = (unsigned char *)1;
	size_t len = 99;
	int r = mfa_device_parse_authinfo(value, &type, &blob, &len);

	if (r != MFA_OK) {
		ck_assert_ptr_null(type);
		ck_assert_ptr_null(blob);
		ck_assert_uint_eq(len, 0);
		return r;
	}
	if (want_type != NULL)
		ck_assert_str_eq(type, want_type);
	if (want != NULL) {
		ck_assert_uint_eq(len, wantlen);
		ck_assert_mem_eq(blob, want, wantlen);
	}
	free(type);
	free(blob);
	return r;
}

START_TEST(fixed_key_and_fingerprint)
{
	struct mfa_device_id id;
	char *type = NULL;
	unsigned char *blob = NULL;
	size_t len = 0;

	ck_assert_int_eq(
	    mfa_device_parse_authinfo(FIXED_LINE, &type, &blob, &len), MFA_OK);
	ck_assert_str_eq(type, FIXED_TYPE);
	ck_assert_uint_eq(len, 51); /* string type (4 + 11) + string pk */
	ck_assert_int_eq(
	    mfa_device_id_sshkey("alice", "sshd", type, blob, len, NULL, &id),
	    MFA_OK);
	/* The label's print is the start of what ssh-keygen -l shows. */
	ck_assert_str_eq(id.label, "ssh-ed25519 SHA256:TUmE2fZ7AMSJ");
	ck_assert(strncmp(FIXED_FP, id.label + 12, 19) == 0);
	ck_assert_int_eq(mfa_device_id_sshkey("alice", "sshd", type, blob, len,
			     "192.0.2.7", &id),
	    MFA_OK);
	ck_assert_str_eq(
	    id.label, "ssh-ed25519 SHA256:TUmE2fZ7AMSJ from 192.0.2.7");
	free(type);
	free(blob);
}
END_TEST

/* The digest, computed here independently from the documented layout. */
static void
expected_digest(const char *user, const char *service, const char *kind,
    const void *data, size_t len, unsigned char out[32])
{
	unsigned char buf[10000];
	size_t n = 0;
	const char *parts[] = {"pam_mfa device v1", user, service, kind};
	unsigned int mdlen = 0;
	size_t i;

	for (i = 0; i < 4; i++) {
		memcpy(buf + n, parts[i], strlen(parts[i]) + 1);
		n += strlen(parts[i]) + 1;
	}
	ck_assert(n + len <= sizeof(buf));
	memcpy(buf + n, data, len);
	ck_assert_int_eq(
	    EVP_Digest(buf, n + len, out, &mdlen, EVP_sha256(), NULL), 1);
}

START_TEST(digest_known_answer)
{
	unsigned char blob[64], want[32];
	size_t len = make_blob(FIXED_TYPE, 36, 0x42, blob);
	struct mfa_device_id id;

	expected_digest("alice", "sshd", "sshkey", blob, len, want);
	ck_assert_int_eq(mfa_device_id_sshkey("alice", "sshd", FIXED_TYPE, blob,
			     len, "host", &id),
	    MFA_OK);
	ck_assert_mem_eq(id.digest, want, 32);
	expected_digest("alice", "sshd", "rhost", "192.0.2.7", 9, want);
	ck_assert_int_eq(
	    mfa_device_id_rhost("alice", "sshd", "192.0.2.7", &id), MFA_OK);
	ck_assert_mem_eq(id.digest, want, 32);
	ck_assert_str_eq(id.label, "address 192.0.2.7");
}
END_TEST

START_TEST(digest_binding)
{
	unsigned char k1[64], k2[64];
	size_t l1 = make_blob(FIXED_TYPE, 36, 1, k1);
	size_t l2 = make_blob(FIXED_TYPE, 36, 2, k2);
	struct mfa_device_id base, same, other;
	const char *T = FIXED_TYPE;

	ck_assert_int_eq(
	    mfa_device_id_sshkey("alice", "sshd", T, k1, l1, NULL, &base), 0);
	/* Same user, service and key: same digest, rhost notwithstanding. */
	ck_assert_int_eq(
	    mfa_device_id_sshkey("alice", "sshd", T, k1, l1, "h", &same), 0);
	ck_assert_mem_eq(base.digest, same.digest, 32);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("bob", "sshd", T, k1, l1, NULL, &other), 0);
	ck_assert_mem_ne(base.digest, other.digest, 32);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("alice", "login", T, k1, l1, NULL, &other), 0);
	ck_assert_mem_ne(base.digest, other.digest, 32);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("alice", "sshd", T, k2, l2, NULL, &other), 0);
	ck_assert_mem_ne(base.digest, other.digest, 32);
	/* The NUL separators keep "ab"+"c" apart from "a"+"bc". */
	ck_assert_int_eq(
	    mfa_device_id_sshkey("alices", "shd", T, k1, l1, NULL, &other), 0);
	ck_assert_mem_ne(base.digest, other.digest, 32);
	/* An address equal to the key bytes is still another identity. */
	ck_assert_int_eq(mfa_device_id_rhost("alice", "sshd", "x", &other), 0);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("alice", "sshd", T, k1, l1, NULL, &base), 0);
	ck_assert_mem_ne(base.digest, other.digest, 32);
}
END_TEST

/* Hostile and odd SSH_AUTH_INFO_0 values built from two real-shaped keys. */
struct hostile {
	const char *name;
	const char *value;
	int want;
};

static const struct hostile hostile_fixed[] = {
    {"empty", "", MFA_ERR_NOENT},
    {"keyboard-interactive only", "keyboard-interactive/pam\n", MFA_ERR_NOENT},
    {"password and k-i", "password\nkeyboard-interactive\n", MFA_ERR_NOENT},
    {"publickeyx is another method",
	"publickeyx " FIXED_TYPE " " FIXED_B64 "\n", MFA_ERR_NOENT},
    {"hostbased key is not a device",
	"hostbased " FIXED_TYPE " " FIXED_B64 "\n", MFA_ERR_NOENT},
    {"one key", FIXED_LINE, MFA_OK},
    {"after k-i", "keyboard-interactive/pam\n" FIXED_LINE, MFA_OK},
    {"same key twice", FIXED_LINE FIXED_LINE, MFA_OK},
    {"non-ASCII in another method",
	"gssapi-with-mic al\xc3\xa9@EX\n" FIXED_LINE, MFA_OK},
    {"publickey alone", "publickey\n", MFA_ERR_FORMAT},
    {"publickey type only", "publickey " FIXED_TYPE "\n", MFA_ERR_FORMAT},
    {"publickey sub-method", "publickey/x " FIXED_TYPE " " FIXED_B64 "\n",
	MFA_ERR_FORMAT},
    {"CRLF", "publickey " FIXED_TYPE " " FIXED_B64 "\r\n", MFA_ERR_FORMAT},
    {"CR in another line", "password\r\n" FIXED_LINE, MFA_ERR_FORMAT},
    {"space before newline", "publickey " FIXED_TYPE " " FIXED_B64 " \n",
	MFA_ERR_FORMAT},
    {"two spaces", "publickey  " FIXED_TYPE " " FIXED_B64 "\n", MFA_ERR_FORMAT},
    {"two spaces before key", "publickey " FIXED_TYPE "  " FIXED_B64 "\n",
	MFA_ERR_FORMAT},
    {"leading space", " " FIXED_LINE, MFA_ERR_FORMAT},
    {"tab", "publickey\t" FIXED_TYPE " " FIXED_B64 "\n", MFA_ERR_FORMAT},
    {"trailing space in another line", "keyboard-interactive \n" FIXED_LINE,
	MFA_ERR_FORMAT},
    {"double space in another line", "gssapi-with-mic a  b\n" FIXED_LINE,
	MFA_ERR_FORMAT},
    {"tab in another line", "keyboard-interactive\t\n" FIXED_LINE,
	MFA_ERR_FORMAT},
    {"control byte", "password\x01\n" FIXED_LINE, MFA_ERR_FORMAT},
    {"DEL byte", FIXED_LINE "pass\x7fword\n", MFA_ERR_FORMAT},
    {"empty line", "\n" FIXED_LINE, MFA_ERR_FORMAT},
    {"blank line after", FIXED_LINE "\n", MFA_ERR_FORMAT},
    {"missing final newline", "publickey " FIXED_TYPE " " FIXED_B64,
	MFA_ERR_FORMAT},
    {"missing newline on 2nd", "password\n" FIXED_LINE "password",
	MFA_ERR_FORMAT},
    {"trailing field", "publickey " FIXED_TYPE " " FIXED_B64 " comment\n",
	MFA_ERR_FORMAT},
    {"non-alphabet base64",
	"publickey " FIXED_TYPE
	" AAAAC3NzaC1lZDI1NTE5AAAAIGZUDJJ83L31XNG0zDlA*xGhT"
	"Ml7dCb8MtsOjKQh6/gv\n",
	MFA_ERR_FORMAT},
    {"url-safe base64",
	"publickey " FIXED_TYPE
	" AAAAC3NzaC1lZDI1NTE5AAAAIGZUDJJ83L31XNG0zDlAbxGhTMl7"
	"dCb8MtsOjKQh6_gv\n",
	MFA_ERR_FORMAT},
    {"truncated by 1",
	"publickey " FIXED_TYPE
	" AAAAC3NzaC1lZDI1NTE5AAAAIGZUDJJ83L31XNG0zDlAbxGhTMl7dC"
	"b8MtsOjKQh6/g\n",
	MFA_ERR_FORMAT},
    {"truncated by 3",
	"publickey " FIXED_TYPE
	" AAAAC3NzaC1lZDI1NTE5AAAAIGZUDJJ83L31XNG0zDlAbxGhTMl7dC"
	"b8MtsOjKQh6\n",
	MFA_ERR_FORMAT},
    {"padding added", "publickey " FIXED_TYPE " " FIXED_B64 "====\n",
	MFA_ERR_FORMAT},
    {"type mismatch", "publickey ssh-rsa " FIXED_B64 "\n", MFA_ERR_FORMAT},
    {"type case differs", "publickey SSH-ED25519 " FIXED_B64 "\n",
	MFA_ERR_FORMAT},
    {"bad type bytes", "publickey ssh*ed25519 " FIXED_B64 "\n", MFA_ERR_FORMAT},
    {"type too long",
	"publickey "
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	" " FIXED_B64 "\n",
	MFA_ERR_FORMAT},
    {"blob shorter than 4", "publickey " FIXED_TYPE " AAA=\n", MFA_ERR_FORMAT},
    /* uint32 0xffffffff then "ssh-ed25519": a length that lies. */
    {"type length lies (huge)",
	"publickey " FIXED_TYPE " /////3NzaC1lZDI1NTE5\n", MFA_ERR_FORMAT},
    /* uint32 12 with 11 bytes left. */
    {"type length lies by one",
	"publickey " FIXED_TYPE " AAAADHNzaC1lZDI1NTE5\n", MFA_ERR_FORMAT},
    /* "ssh-ed25519" and nothing after it. */
    {"no key material", "publickey " FIXED_TYPE " AAAAC3NzaC1lZDI1NTE5\n",
	MFA_ERR_FORMAT},
    /* uint32 10: a prefix of the type. */
    {"type length short", "publickey " FIXED_TYPE " AAAACnNzaC1lZDI1NTE5\n",
	MFA_ERR_FORMAT},
};

START_TEST(hostile_table)
{
	const struct hostile *h = &hostile_fixed[_i];
	int r = parse(h->value, NULL, NULL, 0);

	ck_assert_msg(r == h->want, "%s: got %d, want %d", h->name, r, h->want);
}
END_TEST

/* Padding and length cases need blobs of chosen sizes. */
/* The end of the base64 text of a blob of 4 + 11 + extra bytes of 0xff. */
static char *
padded_line(size_t extra, char *line, size_t size)
{
	unsigned char blob[64];
	size_t n = make_blob(FIXED_TYPE, extra, 0xff, blob);

	snprintf(line, size, "%s", key_line(FIXED_TYPE, blob, n));
	ck_assert_int_eq(parse(line, FIXED_TYPE, blob, n), MFA_OK);
	return strchr(line, '\n');
}

START_TEST(base64_padding)
{
	char line[256], *end;

	/* 51 bytes: no padding (the fixed key); 52: "=="; 53: "=". */
	end = padded_line(36, line, sizeof(line));
	ck_assert_int_ne(end[-1], '=');
	/* 53 bytes end "//8=": drop the '=', or set an unused low bit. */
	end = padded_line(38, line, sizeof(line));
	ck_assert_str_eq(end - 4, "//8=\n");
	end[-2] = '9';
	ck_assert_int_eq(parse(line, NULL, NULL, 0), MFA_ERR_FORMAT);
	end = padded_line(38, line, sizeof(line));
	memmove(end - 1, end, 2);
	ck_assert_int_eq(parse(line, NULL, NULL, 0), MFA_ERR_FORMAT);
	/* 52 bytes end "/w==": "/x==" has unused bits set; "/w=" and
	 * "/w===" are the wrong length; "/w=A" puts '=' inside. */
	end = padded_line(37, line, sizeof(line));
	ck_assert_str_eq(end - 4, "/w==\n");
	end[-3] = 'x';
	ck_assert_int_eq(parse(line, NULL, NULL, 0), MFA_ERR_FORMAT);
	end = padded_line(37, line, sizeof(line));
	memmove(end - 1, end, 2);
	ck_assert_int_eq(parse(line, NULL, NULL, 0), MFA_ERR_FORMAT);
	end = padded_line(37, line, sizeof(line));
	end[-1] = 'A';
	ck_assert_int_eq(parse(line, NULL, NULL, 0), MFA_ERR_FORMAT);
	end = padded_line(37, line, sizeof(line));
	memcpy(end, "=\n", 3);
	ck_assert_int_eq(parse(line, NULL, NULL, 0), MFA_ERR_FORMAT);
	/* '=' in the middle of the text */
	end = padded_line(36, line, sizeof(line));
	line[40] = '=';
	ck_assert_int_eq(parse(line, NULL, NULL, 0), MFA_ERR_FORMAT);
}
END_TEST

START_TEST(two_different_keys)
{
	unsigned char k1[64], k2[256];
	size_t l1 = make_blob(FIXED_TYPE, 36, 1, k1);
	size_t l2 = make_blob(FIXED_TYPE, 36, 2, k2);
	char value[1024];
	struct mfa_parse_error err;
	char *type;
	unsigned char *blob;
	size_t len;

	snprintf(value, sizeof(value), "%s", key_line(FIXED_TYPE, k1, l1));
	strcat(value, "keyboard-interactive/pam\n");
	strcat(value, key_line(FIXED_TYPE, k1, l1));
	ck_assert_int_eq(parse(value, FIXED_TYPE, k1, l1), MFA_OK);
	strcat(value, key_line(FIXED_TYPE, k2, l2));
	ck_assert_int_eq(
	    mfa_device_parse_authinfo_err(value, &type, &blob, &len, &err),
	    MFA_ERR_FORMAT);
	ck_assert_uint_eq(err.line, 4);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than one public key"));
	/* A certificate and its own key are two blobs: ambiguous too. */
	l2 = make_blob(CERT_TYPE, 100, 1, k2);
	snprintf(value, sizeof(value), "%s", key_line(FIXED_TYPE, k1, l1));
	strcat(value, key_line(CERT_TYPE, k2, l2));
	ck_assert_int_eq(parse(value, NULL, NULL, 0), MFA_ERR_FORMAT);
}
END_TEST

START_TEST(certificate_is_whole_blob)
{
	unsigned char cert[256];
	size_t n = make_blob(CERT_TYPE, 200, 0x5a, cert);
	struct mfa_device_id id;
	unsigned char md[32];
	unsigned int mdlen = 0;
	char fp[64], want[128];

	ck_assert_int_eq(
	    parse(key_line(CERT_TYPE, cert, n), CERT_TYPE, cert, n), MFA_OK);
	ck_assert_int_eq(mfa_device_id_sshkey(
			     "alice", "sshd", CERT_TYPE, cert, n, NULL, &id),
	    MFA_OK);
	ck_assert_int_eq(
	    EVP_Digest(cert, n, md, &mdlen, EVP_sha256(), NULL), 1);
	b64(md, 32, fp);
	fp[MFA_DEVICE_FP_CHARS] = '\0';
	snprintf(want, sizeof(want), "%s SHA256:%s", CERT_TYPE, fp);
	ck_assert_str_eq(id.label, want);
}
END_TEST

START_TEST(size_limits)
{
	static unsigned char blob[MFA_DEVICE_BLOB_MAX + 8];
	char *value;
	size_t n, len;

	/* The largest blob is fine, one byte more is not. */
	n = make_blob(FIXED_TYPE, MFA_DEVICE_BLOB_MAX - 15, 7, blob);
	ck_assert_uint_eq(n, MFA_DEVICE_BLOB_MAX);
	ck_assert_int_eq(
	    parse(key_line(FIXED_TYPE, blob, n), FIXED_TYPE, blob, n), MFA_OK);
	n = make_blob(FIXED_TYPE, MFA_DEVICE_BLOB_MAX - 14, 7, blob);
	ck_assert_int_eq(parse(key_line(FIXED_TYPE, blob, n), NULL, NULL, 0),
	    MFA_ERR_TOOBIG);
	/* A value of exactly MFA_DEVICE_INFO_MAX bytes is read whole. */
	value = malloc(1024 * 1024 + 1);
	ck_assert_ptr_nonnull(value);
	strcpy(value, FIXED_LINE);
	len = strlen(value);
	while (len + 2 <= MFA_DEVICE_INFO_MAX) {
		memcpy(value + len, "x\n", 2);
		len += 2;
	}
	if (len < MFA_DEVICE_INFO_MAX) /* make the last line "xx\n" */
		memcpy(value + len - 1, "x\n", 2), len++;
	value[len] = '\0';
	ck_assert_uint_eq(len, MFA_DEVICE_INFO_MAX);
	ck_assert_int_eq(parse(value, FIXED_TYPE, NULL, 0), MFA_OK);
	memcpy(value + len - 1, "x\n", 3);
	ck_assert_int_eq(parse(value, NULL, NULL, 0), MFA_ERR_TOOBIG);
	/* 1 MB of repeated valid lines. */
	for (len = 0; len + sizeof(FIXED_LINE) < 1024 * 1024;
	     len += sizeof(FIXED_LINE) - 1)
		memcpy(value + len, FIXED_LINE, sizeof(FIXED_LINE) - 1);
	value[len] = '\0';
	ck_assert_int_eq(parse(value, NULL, NULL, 0), MFA_ERR_TOOBIG);
	free(value);
}
END_TEST

/*
 * A NUL inside the buffer: the parser sees a C string that stops there.
 * The buffers are allocated to their exact size so that AddressSanitizer
 * catches any read past them.
 */
START_TEST(nul_in_the_middle)
{
	static const char cut[] = "publickey " FIXED_TYPE " AAAAC3NzaC1l\0"
				  "ZDI1NTE5AAAAIGZUDJJ83L31XNG0zDlAbxGhTMl7"
				  "dCb8MtsOjKQh6/gv\n";
	static const char second[] = FIXED_LINE "\0publickey ssh-rsa AAAA\n";
	char *buf;

	buf = malloc(sizeof(cut));
	memcpy(buf, cut, sizeof(cut));
	ck_assert_int_eq(parse(buf, NULL, NULL, 0), MFA_ERR_FORMAT);
	free(buf);
	buf = malloc(sizeof(second));
	memcpy(buf, second, sizeof(second));
	ck_assert_int_eq(parse(buf, FIXED_TYPE, NULL, 0), MFA_OK);
	free(buf);
	/* The shortest strings, at exact size. */
	buf = malloc(1);
	buf[0] = '\0';
	ck_assert_int_eq(parse(buf, NULL, NULL, 0), MFA_ERR_NOENT);
	free(buf);
	buf = malloc(2);
	memcpy(buf, "p", 2);
	ck_assert_int_eq(parse(buf, NULL, NULL, 0), MFA_ERR_FORMAT);
	free(buf);
}
END_TEST

START_TEST(parse_errors_name_line)
{
	struct mfa_parse_error err;
	char *type = NULL;
	unsigned char *blob = NULL;
	size_t len = 0;

	ck_assert_int_eq(
	    mfa_device_parse_authinfo_err(
		"password\n" FIXED_LINE "x\r\n", &type, &blob, &len, &err),
	    MFA_ERR_FORMAT);
	ck_assert_uint_eq(err.line, 3);
	ck_assert_str_eq(err.msg, "carriage return");
	ck_assert_int_eq(mfa_device_parse_authinfo_err(
			     "password\n", &type, &blob, &len, &err),
	    MFA_ERR_NOENT);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_str_ne(err.msg, "");
	ck_assert_int_eq(mfa_device_parse_authinfo(NULL, &type, &blob, &len),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_parse_authinfo("", NULL, &blob, &len), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_parse_authinfo(FIXED_LINE, &type, &blob, &len), MFA_OK);
	free(type);
	free(blob);
	ck_assert_int_eq(
	    mfa_device_parse_authinfo_err(FIXED_LINE, &type, &blob, &len, &err),
	    MFA_OK);
	ck_assert_str_eq(err.msg, ""); /* cleared, nothing to report */
	free(type);
	free(blob);
}
END_TEST

START_TEST(type_length_limit)
{
	char type[MFA_DEVICE_KEYTYPE_MAX + 2];
	unsigned char blob[256];
	struct mfa_device_id id;
	size_t n;

	memset(type, 'k', sizeof(type) - 1);
	type[MFA_DEVICE_KEYTYPE_MAX] = '\0';
	n = make_blob(type, 32, 9, blob);
	ck_assert_int_eq(parse(key_line(type, blob, n), type, blob, n), MFA_OK);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", type, blob, n, "h", &id), MFA_OK);
	type[MFA_DEVICE_KEYTYPE_MAX] = 'k';
	type[MFA_DEVICE_KEYTYPE_MAX + 1] = '\0';
	n = make_blob(type, 32, 9, blob);
	ck_assert_int_eq(
	    parse(key_line(type, blob, n), NULL, NULL, 0), MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", type, blob, n, "h", &id),
	    MFA_ERR_INVALID);
}
END_TEST

/*
 * A type length that matches the line's type but runs past the end of
 * the blob ("\0\0\0\x0bssh-e", 9 bytes): refused before any byte past
 * the blob is read (the heap blob is exactly 9 bytes, for ASan).
 */
START_TEST(type_length_past_end)
{
	struct mfa_parse_error err;
	char *type = NULL;
	unsigned char *blob = NULL;
	size_t len = 0;
	unsigned char *shortblob = malloc(9);
	struct mfa_device_id id;

	ck_assert_int_eq(mfa_device_parse_authinfo_err("publickey " FIXED_TYPE
						       " AAAAC3NzaC1l\n",
			     &type, &blob, &len, &err),
	    MFA_ERR_FORMAT);
	ck_assert_uint_eq(err.line, 1);
	ck_assert_str_eq(err.msg, "key blob's type length runs past its end");
	ck_assert_ptr_nonnull(shortblob);
	memcpy(shortblob, "\0\0\0\x0bssh-e", 9);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", FIXED_TYPE, shortblob, 9, NULL, &id),
	    MFA_ERR_INVALID);
	free(shortblob);
}
END_TEST

/* A label must be storable as it is: mfa_state_device_add checks it. */
static void
assert_storable(const char *label)
{
	struct mfa_state st;
	struct mfa_device d;

	mfa_state_init(&st);
	memset(&d, 0, sizeof(d));
	d.created = 1;
	d.expires = 2;
	snprintf(d.label, sizeof(d.label), "%s", label);
	ck_assert_int_eq(mfa_state_device_add(&st, &d), MFA_OK);
	mfa_state_wipe(&st);
}

START_TEST(label_sanitising)
{
	unsigned char blob[64];
	size_t n = make_blob(FIXED_TYPE, 36, 3, blob);
	struct mfa_device_id id;
	char rhost[400];
	size_t i;

	ck_assert_int_eq(mfa_device_id_sshkey("a", "s", FIXED_TYPE, blob, n,
			     "evil\nhost \x1b[31m\xc3\xa9", &id),
	    MFA_OK);
	ck_assert_str_eq(id.label + 31, " from evil?host??[31m??");
	assert_storable(id.label);
	/* "" is no rhost. */
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", FIXED_TYPE, blob, n, "", &id), 0);
	ck_assert_uint_eq(strlen(id.label), 31);
	/* A long rhost is cut at the label size. */
	for (i = 0; i < 300; i++)
		rhost[i] = (char)('a' + i % 26);
	rhost[300] = '\0';
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", FIXED_TYPE, blob, n, rhost, &id), 0);
	ck_assert_uint_eq(strlen(id.label), MFA_STATE_MAX_LABEL);
	ck_assert(strncmp(id.label + 37, rhost, MFA_STATE_MAX_LABEL - 37) == 0);
	assert_storable(id.label);
	rhost[255] = '\0';
	ck_assert_int_eq(mfa_device_id_rhost("a", "s", rhost, &id), MFA_OK);
	ck_assert_uint_eq(strlen(id.label), MFA_STATE_MAX_LABEL);
	assert_storable(id.label);
}
END_TEST

START_TEST(rhost_rules)
{
	struct mfa_device_id id;
	char rhost[300];

	ck_assert_int_eq(mfa_device_id_rhost("a", "s", "2001:db8::1", &id), 0);
	ck_assert_str_eq(id.label, "address 2001:db8::1");
	memset(rhost, 'h', sizeof(rhost));
	rhost[MFA_DEVICE_RHOST_MAX] = '\0';
	ck_assert_int_eq(mfa_device_id_rhost("a", "s", rhost, &id), MFA_OK);
	rhost[MFA_DEVICE_RHOST_MAX] = 'h';
	rhost[MFA_DEVICE_RHOST_MAX + 1] = '\0';
	ck_assert_int_eq(
	    mfa_device_id_rhost("a", "s", rhost, &id), MFA_ERR_FORMAT);
	ck_assert_int_eq(id.label[0], 0);
	ck_assert_int_eq(
	    mfa_device_id_rhost("a", "s", "", &id), MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_device_id_rhost("a", "s", "a host", &id), MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_device_id_rhost("a", "s", "host\n", &id), MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_device_id_rhost("a", "s", "h\xc3\xa9", &id), MFA_ERR_FORMAT);
	ck_assert_int_eq(
	    mfa_device_id_rhost("a", "s", NULL, &id), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_id_rhost("", "s", "h", &id), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_id_rhost("a", NULL, "h", &id), MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_id_rhost("a", "s", "h", NULL), MFA_ERR_INVALID);
}
END_TEST

START_TEST(sshkey_bad_arguments)
{
	unsigned char blob[MFA_DEVICE_BLOB_MAX + 8];
	size_t n = make_blob(FIXED_TYPE, 36, 3, blob);
	struct mfa_device_id id;

	memset(&id, 0x55, sizeof(id));
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", "ssh-rsa", blob, n, NULL, &id),
	    MFA_ERR_INVALID);
	ck_assert_uint_eq(id.digest[0], 0); /* zeroed on error */
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", FIXED_TYPE, blob, 3, NULL, &id),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("", "s", FIXED_TYPE, blob, n, NULL, &id),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "", FIXED_TYPE, blob, n, NULL, &id),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", FIXED_TYPE, NULL, n, NULL, &id),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(mfa_device_id_sshkey("a", "s", "", blob, n, NULL, &id),
	    MFA_ERR_INVALID);
	n = make_blob(FIXED_TYPE, MFA_DEVICE_BLOB_MAX - 14, 0, blob);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", FIXED_TYPE, blob, n, NULL, &id),
	    MFA_ERR_INVALID);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("a", "s", FIXED_TYPE, blob, 20, NULL, NULL),
	    MFA_ERR_INVALID);
}
END_TEST

/* A state with n devices, digest i+1 each, valid until 1000, gen 5. */
static void
fill_state(struct mfa_state *st, size_t n)
{
	size_t i;

	mfa_state_init(st);
	for (i = 0; i < n; i++) {
		struct mfa_device *d = &st->devices[i];

		memset(d->digest, (int)(i + 1), sizeof(d->digest));
		d->created = 100;
		d->expires = 1000;
		d->generation = 5;
	}
	st->ndevices = n;
}

/* A life long enough for every record of fill_state. */
#define LIFE 10000

static struct mfa_device_id
id_of(unsigned char b)
{
	struct mfa_device_id id;

	memset(&id, 0, sizeof(id));
	memset(id.digest, b, sizeof(id.digest));
	return id;
}

START_TEST(find_records)
{
	struct mfa_state st;
	struct mfa_device_id id;

	fill_state(&st, MFA_STATE_MAX_DEVICES);
	id = id_of(1);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 999, LIFE), 0);
	/* Expired at its expiry second. */
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 1000, LIFE), -1);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 2000, LIFE), -1);
	/* Another trust generation: the user has forgotten all devices. */
	ck_assert_int_eq(mfa_device_find(&st, &id, 6, 999, LIFE), -1);
	ck_assert_int_eq(mfa_device_find(&st, &id, 4, 999, LIFE), -1);
	/* The last of twenty. */
	id = id_of(MFA_STATE_MAX_DEVICES);
	ck_assert_int_eq(
	    mfa_device_find(&st, &id, 5, 999, LIFE), MFA_STATE_MAX_DEVICES - 1);
	/* One byte off at the end: no match. */
	id.digest[31] ^= 1;
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 999, LIFE), -1);
	/* Duplicates: the first valid one wins. */
	memset(st.devices[3].digest, 0xee, 32);
	memset(st.devices[7].digest, 0xee, 32);
	memset(st.devices[12].digest, 0xee, 32);
	id = id_of(0xee);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 999, LIFE), 3);
	st.devices[3].expires = 999;
	st.devices[7].generation = 4;
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 999, LIFE), 12);
	/* Records past ndevices do not count. */
	st.ndevices = 12;
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 999, LIFE), -1);
	st.ndevices = 0;
	id = id_of(1);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 999, LIFE), -1);
	ck_assert_int_eq(mfa_device_find(NULL, &id, 5, 999, LIFE), -1);
	ck_assert_int_eq(mfa_device_find(&st, NULL, 5, 999, LIFE), -1);
	mfa_state_wipe(&st);
}
END_TEST

START_TEST(find_with_computed_ids)
{
	struct mfa_state st;
	struct mfa_device_id mine, other;

	mfa_state_init(&st);
	ck_assert_int_eq(
	    parse(FIXED_LINE, FIXED_TYPE, NULL, 0), MFA_OK); /* sanity */
	ck_assert_int_eq(mfa_device_id_rhost("alice", "sshd", "h1", &mine), 0);
	ck_assert_int_eq(mfa_device_id_rhost("alice", "sshd", "h2", &other), 0);
	memcpy(st.devices[0].digest, other.digest, 32);
	memcpy(st.devices[1].digest, mine.digest, 32);
	st.devices[0].expires = st.devices[1].expires = 50;
	st.ndevices = 2;
	ck_assert_int_eq(mfa_device_find(&st, &mine, 0, 49, LIFE), 1);
	ck_assert_int_eq(mfa_device_find(&st, &other, 0, 49, LIFE), 0);
	ck_assert_int_eq(mfa_device_find(&st, &mine, 0, 50, LIFE), -1);
}
END_TEST

/*
 * Only created <= now < expires under the current life: a record dated in
 * the future is not honoured, and a shorter trust_days shortens records
 * made under a longer one.
 */
START_TEST(find_life_rules)
{
	struct mfa_state st;
	struct mfa_device_id id = id_of(1);

	fill_state(&st, 1); /* created 100, expires 1000: a life of 900 */
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 100, 900), 0);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 99, 900), -1);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 999, 900), 0);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 500, 899), -1);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 500, 0), -1);
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 500, -1), -1);
	/* A forged record: made "later", expiring far away. */
	st.devices[0].created = 5000;
	st.devices[0].expires = 5000 + 900;
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 500, 900), -1);
	/* Extremes do not overflow into a match. */
	st.devices[0].created = INT64_MIN;
	st.devices[0].expires = INT64_MAX;
	ck_assert_int_eq(mfa_device_find(&st, &id, 5, 0, INT64_MAX), -1);
	mfa_state_wipe(&st);
}
END_TEST

/* ---- real keys from ssh-keygen ---- */

static int
have_ssh_keygen(void)
{
	return system("command -v ssh-keygen >/dev/null 2>&1") == 0;
}

/* The first line of a file without its newline, into buf. */
static void
read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(buf, (int)size, f));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
}

/* Check a real public key file: parse its line, compare the fingerprint. */
static void
check_real_key(const char *dir, const char *pub, const char *fp_of)
{
	char path[4096], cmd[8192], line[8192], value[16384], fp[256];
	char *type, *sp, *colon;
	unsigned char *blob;
	size_t len;
	struct mfa_device_id id;

	snprintf(path, sizeof(path), "%s/%s", dir, pub);
	read_line(path, line, sizeof(line));
	/* "TYPE BASE64 [comment]" -> "publickey TYPE BASE64\n" */
	sp = strchr(strchr(line, ' ') + 1, ' ');
	if (sp != NULL)
		*sp = '\0';
	snprintf(value, sizeof(value),
	    "keyboard-interactive/pam\npublickey "
	    "%s\n",
	    line);
	ck_assert_int_eq(
	    mfa_device_parse_authinfo(value, &type, &blob, &len), MFA_OK);
	ck_assert(strncmp(line, type, strlen(type)) == 0);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("alice", "sshd", type, blob, len, NULL, &id),
	    MFA_OK);
	/* ssh-keygen -l: "BITS SHA256:XXXX comment (TYPE)" */
	snprintf(cmd, sizeof(cmd), "ssh-keygen -E sha256 -lf '%s/%s' > '%s/fp'",
	    dir, fp_of, dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/fp", dir);
	read_line(path, fp, sizeof(fp));
	colon = strstr(fp, "SHA256:");
	ck_assert_ptr_nonnull(colon);
	colon[7 + MFA_DEVICE_FP_CHARS] = '\0';
	ck_assert_str_eq(strchr(id.label, ' ') + 1, colon);
	ck_assert(strncmp(id.label, type, strlen(type)) == 0);
	free(type);
	free(blob);
}

START_TEST(real_keys)
{
	static const char *const kinds[][2] = {
	    {"ed25519", ""}, {"rsa", "-b 2048"}, {"ecdsa", "-b 256"}};
	char cmd[4096], name[64];
	const char *dir;
	size_t i;

	if (!have_ssh_keygen()) {
		fprintf(stderr, "SKIP real_keys: no ssh-keygen\n");
		return;
	}
	dir = mfa_test_tmpdir();
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		snprintf(name, sizeof(name), "id_%s", kinds[i][0]);
		snprintf(cmd, sizeof(cmd),
		    "ssh-keygen -q -t %s %s -N '' -C test -f '%s/%s' "
		    "</dev/null >/dev/null 2>&1",
		    kinds[i][0], kinds[i][1], dir, name);
		ck_assert_int_eq(system(cmd), 0);
		strcat(name, ".pub");
		check_real_key(dir, name, name);
	}
	mfa_test_rm_rf(dir);
}
END_TEST

/*
 * A real certificate: parsed and identified as a whole blob.  Its label's
 * print is that of the certificate blob (ssh-keygen -l prints the plain
 * key's), so compare with a print of the blob computed here.
 */
START_TEST(real_certificate)
{
	char cmd[8192], line[8192], value[16384], path[4096];
	const char *dir;
	char *type, *sp;
	unsigned char *blob, md[32];
	unsigned int mdlen = 0;
	char fp[64], want[128];
	size_t len;
	struct mfa_device_id id;

	if (!have_ssh_keygen()) {
		fprintf(stderr, "SKIP real_certificate: no ssh-keygen\n");
		return;
	}
	dir = mfa_test_tmpdir();
	snprintf(cmd, sizeof(cmd),
	    "cd '%s' && ssh-keygen -q -t ed25519 -N '' -f ca </dev/null && "
	    "ssh-keygen -q -t ed25519 -N '' -f user </dev/null && "
	    "ssh-keygen -q -s ca -I test -n alice user.pub",
	    dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/user-cert.pub", dir);
	read_line(path, line, sizeof(line));
	sp = strchr(strchr(line, ' ') + 1, ' ');
	if (sp != NULL)
		*sp = '\0';
	snprintf(value, sizeof(value), "publickey %s\n", line);
	ck_assert_int_eq(
	    mfa_device_parse_authinfo(value, &type, &blob, &len), MFA_OK);
	ck_assert_str_eq(type, CERT_TYPE);
	ck_assert_int_eq(
	    mfa_device_id_sshkey("alice", "sshd", type, blob, len, "h", &id),
	    MFA_OK);
	ck_assert_int_eq(
	    EVP_Digest(blob, len, md, &mdlen, EVP_sha256(), NULL), 1);
	b64(md, 32, fp);
	fp[MFA_DEVICE_FP_CHARS] = '\0';
	snprintf(want, sizeof(want), "%s SHA256:%s from h", CERT_TYPE, fp);
	ck_assert_str_eq(id.label, want);
	free(type);
	free(blob);
	mfa_test_rm_rf(dir);
}
END_TEST

static Suite *
device_suite(void)
{
	Suite *s = suite_create("device");
	TCase *tc = tcase_create("core");
	TCase *keys = tcase_create("ssh-keygen");

	tcase_add_test(tc, fixed_key_and_fingerprint);
	tcase_add_test(tc, digest_known_answer);
	tcase_add_test(tc, digest_binding);
	tcase_add_loop_test(tc, hostile_table, 0,
	    (int)(sizeof(hostile_fixed) / sizeof(hostile_fixed[0])));
	tcase_add_test(tc, base64_padding);
	tcase_add_test(tc, two_different_keys);
	tcase_add_test(tc, certificate_is_whole_blob);
	tcase_add_test(tc, size_limits);
	tcase_add_test(tc, nul_in_the_middle);
	tcase_add_test(tc, parse_errors_name_line);
	tcase_add_test(tc, type_length_limit);
	tcase_add_test(tc, type_length_past_end);
	tcase_add_test(tc, label_sanitising);
	tcase_add_test(tc, rhost_rules);
	tcase_add_test(tc, sshkey_bad_arguments);
	tcase_add_test(tc, find_records);
	tcase_add_test(tc, find_with_computed_ids);
	tcase_add_test(tc, find_life_rules);
	suite_add_tcase(s, tc);
	tcase_set_timeout(keys, 60);
	tcase_add_test(keys, real_keys);
	tcase_add_test(keys, real_certificate);
	suite_add_tcase(s, keys);
	return s;
}

int
main(void)
{
	return mfa_test_run(device_suite());
}
