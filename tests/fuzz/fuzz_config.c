/*
 * fuzz_config.c - the option parser, both ways in: pam_mfa.conf text
 * (mfa_config_parse_file) and module arguments (the same bytes split on
 * NUL and newline into argv, mfa_config_parse_args), then the helpers that
 * use parsed values (groups=, secret= expansion).
 */
#include "fuzz.h"

#include "config.h"
#include "error.h"

#define FUZZ_MAX_ARGS 64

static void
use(const struct mfa_config *c)
{
	static const char *const groups[] = {"staff", "wheel", "users"};
	char *path = NULL;
	int m;

	m = mfa_config_groups_match(c, groups, 3);
	FUZZ_ASSERT(m == 0 || m == 1);
	if (c->secret != NULL &&
	    mfa_config_expand_path(c->secret, "alice", "/home/alice", &path) ==
		MFA_OK) {
		FUZZ_ASSERT(path[0] == '/');
		FUZZ_ASSERT(strstr(path, "/../") == NULL);
	} else {
		FUZZ_ASSERT(path == NULL);
	}
	free(path);
}

static void
file(const uint8_t *data, size_t size)
{
	struct mfa_config c;
	char err[256];

	if (mfa_config_init(&c) != MFA_OK)
		return;
	err[0] = 'x';
	if (mfa_config_parse_file(
		&c, (const char *)data, size, err, sizeof(err)) == MFA_OK) {
		FUZZ_ASSERT(err[0] == '\0');
		use(&c);
	} else {
		FUZZ_ASSERT(err[0] != '\0');
	}
	mfa_config_free(&c);
	mfa_config_free(&c); /* twice is documented to be fine */
}

static void
args(const uint8_t *data, size_t size)
{
	const char *argv[FUZZ_MAX_ARGS];
	char *copy = fuzz_cstring(data, size), *p, *start;
	struct mfa_config c;
	char err[256];
	int argc = 0;

	if (copy == NULL)
		return;
	for (p = start = copy; p <= copy + size && argc < FUZZ_MAX_ARGS; p++) {
		if (p == copy + size || *p == '\0' || *p == '\n') {
			*p = '\0';
			argv[argc++] = start;
			start = p + 1;
		}
	}
	(void)mfa_config_find_conf(argc, argv);
	if (mfa_config_init(&c) == MFA_OK) {
		if (mfa_config_parse_args(&c, argc, argv, err, sizeof(err)) ==
		    MFA_OK)
			use(&c);
		else
			FUZZ_ASSERT(err[0] != '\0');
		mfa_config_free(&c);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	file(data, size);
	args(data, size);
	return 0;
}
