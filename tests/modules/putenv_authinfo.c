/*
 * putenv_authinfo.c - a test-only PAM module standing in for sshd: it puts
 * SSH_AUTH_INFO_0 into the PAM environment ahead of pam_mfa, as sshd does
 * after an earlier "publickey" method.
 *
 * pam_sm_authenticate reads the file named by the process environment
 * variable MFA_TEST_AUTHINFO_FILE (getenv is fine here: this module is never
 * installed) and sets SSH_AUTH_INFO_0 to its whole content, bytes as they
 * are, up to MAX_FILE bytes, so that tests can feed hostile values (CRLF,
 * 1 MB, binary).  A NUL in the file ends the value there, as it would in
 * any C string.  Unset variable: nothing is done.  Returns PAM_IGNORE, or
 * PAM_SYSTEM_ERR when the file cannot be read (so a broken test set-up
 * fails loudly instead of silently testing "no key").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <security/pam_modules.h>

#define MAX_FILE (2 * 1024 * 1024)
#define PREFIX "SSH_AUTH_INFO_0="

/* Read all of path into a fresh "SSH_AUTH_INFO_0=<content>" string. */
static char *
read_assignment(const char *path)
{
	size_t plen = sizeof(PREFIX) - 1, n = 0;
	char *buf;
	ssize_t got = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return NULL;
	/* One byte more than allowed, to see an oversized file. */
	if ((buf = malloc(plen + MAX_FILE + 2)) == NULL) {
		close(fd);
		return NULL;
	}
	memcpy(buf, PREFIX, plen);
	while (n <= MAX_FILE) {
		got = read(fd, buf + plen + n, MAX_FILE + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (got < 0 || n > MAX_FILE) {
		free(buf);
		return NULL;
	}
	buf[plen + n] = '\0';
	return buf;
}

int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	const char *path = getenv("MFA_TEST_AUTHINFO_FILE");
	char *assignment;
	int r;

	(void)flags;
	(void)argc;
	(void)argv;
	if (path == NULL)
		return PAM_IGNORE;
	if ((assignment = read_assignment(path)) == NULL) {
		fprintf(stderr, "putenv_authinfo: cannot read %s\n", path);
		return PAM_SYSTEM_ERR;
	}
	r = pam_putenv(pamh, assignment);
	free(assignment);
	return r == PAM_SUCCESS ? PAM_IGNORE : PAM_SYSTEM_ERR;
}

int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_IGNORE;
}
