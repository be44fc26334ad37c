/*
 * doctor_test.h - what the suites of the doctor's units share: a run whose
 * result lines go to memory, and fixture files below a --root directory.
 */
#ifndef MFA_DOCTOR_TEST_H
#define MFA_DOCTOR_TEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "testutil.h"

/* A doctor run under root (NULL: "/"), its lines kept in memory. */
struct doc_test {
	struct doctor d;
	char *text; /* the lines printed so far, after doc_test_text */
	size_t len;
};

static inline void
doc_test_begin(struct doc_test *t, const char *root)
{
	memset(t, 0, sizeof(*t));
	if (root != NULL)
		snprintf(t->d.root, sizeof(t->d.root), "%s", root);
	t->d.out = open_memstream(&t->text, &t->len);
	ck_assert_ptr_nonnull(t->d.out);
}

/* Everything printed so far (NUL-terminated, owned by t). */
static inline const char *
doc_test_text(struct doc_test *t)
{
	ck_assert_int_eq(fflush(t->d.out), 0);
	return t->text != NULL ? t->text : "";
}

/* Asserts that line (without its '\n') was printed. */
static inline void
doc_test_has(struct doc_test *t, const char *line)
{
	const char *all = doc_test_text(t), *p = all;
	size_t n = strlen(line);

	for (; (p = strstr(p, line)) != NULL; p++)
		if ((p == all || p[-1] == '\n') && p[n] == '\n')
			return;
	ck_abort_msg("no line \"%s\" in:\n%s", line, all);
}

static inline void
doc_test_end(struct doc_test *t)
{
	fclose(t->d.out);
	free(t->text);
	free(t->d.conf_buf);
}

/*
 * The file root + rel (rel starts with '/') holding text, its directories
 * made as needed.
 */
static inline void
doc_test_file(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;

	ck_assert_int_lt(
	    snprintf(path, sizeof(path), "%s%s", root, rel), (int)sizeof(path));
	for (slash = path + strlen(root) + 1; (slash = strchr(slash, '/'));
	     slash++) {
		*slash = '\0';
		ck_assert(mkdir(path, 0700) == 0 || errno == EEXIST);
		*slash = '/';
	}
	mfa_test_write_file(path, text, strlen(text), 0600);
}

#endif /* MFA_DOCTOR_TEST_H */
