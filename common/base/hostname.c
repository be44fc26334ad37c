/*
 * hostname.c - the one name of this machine that users see.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hostname.h"

int
mfa_host_name_ok(const char *name)
{
	size_t i, n;

	if (name == NULL)
		return 0;
	n = strlen(name);
	if (n == 0 || n > MFA_HOST_NAME_MAX || name[0] == '-' || name[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '.' ||
			c == '_'))
			return 0;
	}
	return 1;
}

void
mfa_host_name(char *out, size_t outsz)
{
	char name[HOST_NAME_MAX + 2];

	if (out == NULL || outsz == 0)
		return;
	memset(name, 0, sizeof(name));
	/* gethostname need not terminate a truncated name: the last byte
	 * stays NUL, and a name that long is refused by mfa_host_name_ok(). */
	if (gethostname(name, sizeof(name) - 1) != 0 || !mfa_host_name_ok(name))
		snprintf(name, sizeof(name), "localhost");
	snprintf(out, outsz, "%s", name);
}
