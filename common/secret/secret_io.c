/*
 * secret_io.c - open, check, read and parse a user's enrolment file.
 */
#include <unistd.h>

#include "error.h"
#include "fileio.h"
#include "mem.h"
#include "secret_io.h"
#include "text.h"

int
mfa_secret_load_path(const char *path, uid_t owner, struct mfa_secret **out,
    char *why, size_t whysz)
{
	struct mfa_file_rules rules = {
	    .owner = owner, .max_size = MFA_SECRET_MAX_SIZE};
	struct mfa_file_error ferr = {""};
	struct mfa_parse_error perr = {0, ""};
	char *buf = NULL;
	size_t len = 0;
	int fd = -1, rc;

	if (out == NULL || path == NULL)
		return MFA_ERR_INVALID;
	*out = NULL;
	rc = mfa_file_open_read(path, &rules, &fd, &ferr);
	if (rc == MFA_OK) {
		rc = mfa_file_read_all(fd, MFA_SECRET_MAX_SIZE, &buf, &len);
		close(fd);
	}
	if (rc != MFA_OK) {
		/* fileio's reason names the path as far as it was walked. */
		if (ferr.why[0] != '\0')
			mfa_text_why(why, whysz, "%s", ferr.why);
		else
			mfa_text_why(
			    why, whysz, "%s: %s", path, mfa_strerror(rc));
		return rc;
	}
	rc = mfa_secret_parse(buf, len, out, &perr);
	if (rc != MFA_OK)
		mfa_text_why(
		    why, whysz, "%s line %u: %s", path, perr.line, perr.msg);
	/* The buffer holds the TOTP key. */
	mfa_freezero(buf, len + 1);
	return rc;
}
