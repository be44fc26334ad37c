/*
 * config_load.c - reading the site's configuration file.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config_load.h"
#include "error.h"
#include "fileio.h"
#include "mem.h"

/* Whether why already starts with "path:" (the path is said once). */
static int
names_path(const char *why, const char *path)
{
	size_t n = strlen(path);

	return strncmp(why, path, n) == 0 && why[n] == ':';
}

/* Read the text of the configuration file path; *buf NULL when missing. */
static int
read_conf(const char *path, char **buf, size_t *len, char *err, size_t errsz)
{
	struct mfa_file_rules rules = {.owner = geteuid(),
	    .max_size = MFA_CONFIG_FILE_MAX,
	    .readable_by_all = 1};
	struct mfa_file_error ferr = {""};
	int fd, rc;

	*buf = NULL;
	rc = mfa_file_open_read(path, &rules, &fd, &ferr);
	if (rc == MFA_OK) {
		rc = mfa_file_read_all(fd, MFA_CONFIG_FILE_MAX, buf, len);
		close(fd);
	}
	if (rc != MFA_OK && rc != MFA_ERR_NOENT)
		snprintf(err, errsz, "%s%s%s",
		    names_path(ferr.why, path) ? "" : path,
		    names_path(ferr.why, path) ? "" : ": ",
		    ferr.why[0] != '\0' ? ferr.why : mfa_strerror(rc));
	else if (rc == MFA_ERR_NOENT)
		snprintf(err, errsz, "%s: no such file", path);
	return rc;
}

int
mfa_config_load(
    struct mfa_config *c, int argc, const char **argv, char *err, size_t errsz)
{
	const char *explicit = mfa_config_find_conf(argc, argv);
	char *buf = NULL;
	size_t len = 0;
	int rc;

	rc = mfa_config_init(c);
	if (rc != MFA_OK) {
		snprintf(err, errsz, "%s", mfa_strerror(rc));
		return rc;
	}
	rc = read_conf(
	    explicit != NULL ? explicit : c->conf, &buf, &len, err, errsz);
	if (rc == MFA_ERR_NOENT && explicit == NULL)
		rc = MFA_OK; /* no site file: defaults and arguments */
	else if (rc == MFA_OK)
		rc = mfa_config_parse_file(c, buf, len, err, errsz);
	if (rc == MFA_OK)
		rc = mfa_config_parse_args(c, argc, argv, err, errsz);
	mfa_freezero(buf, buf != NULL ? len + 1 : 0);
	if (rc != MFA_OK)
		mfa_config_free(c);
	return rc;
}
