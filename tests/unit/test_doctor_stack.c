/*
 * test_doctor_stack.c - the doctor's judgement of an auth stack, on
 * stacks built in memory: pam_mfa missing, twice, before the password
 * module, skipped by a success (sufficient, success=done, a jump over it),
 * a jump that lands on it, its control and arguments, and which kind of
 * stack it is.  Each case: the stack, the line that must be printed, and
 * the number of FAIL lines.
 */
#include <string.h>

#include "doctor_test.h"
#include "error.h"

#define CA "/etc/pam.d/common-auth line "
#define SD "/etc/pam.d/sshd line "
#define ENTRIES_MAX 6

struct line {
	const char *where, *control, *module, *args;
};

static const struct {
	const char *name, *service;
	int key_first; /* sshd's AuthenticationMethods ask for a key */
	struct line e[ENTRIES_MAX];
	const char *want; /* a line that must be printed */
	unsigned int fails;
} cases[] = {
    {"good", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"ok: " SD "2: pam_mfa is required", 0},
    {"good: no password oracle", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"info: pam.d/sshd: the password and the code are both required: a "
	"wrong password still gets the code prompt (no password oracle), and "
	"wrong codes typed after it count toward the user's lock-out from "
	"that address (deny=) and in all (deny_total=)",
	0},
    {"debian's common-auth: jump lands on pam_deny, requisite", "sshd", 0,
	{{CA "1", "[success=1 default=ignore]", "pam_unix.so", "nullok"},
	    {CA "2", "requisite", "pam_deny.so", ""},
	    {CA "3", "required", "pam_permit.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"info: pam.d/sshd: a wrong password ends the login at " CA "2 "
	"(requisite pam_deny.so) before the code prompt: the prompt tells the "
	"password was right, and strangers cannot add failures to a user's "
	"lock-out",
	0},
    {"missing", "login", 0, {{CA "1", "required", "pam_unix.so", ""}},
	"warn: /etc/pam.d/login: pam_mfa is not in the auth stack: logins "
	"through it ask for no code; add 'auth required pam_mfa.so' after the "
	"password module",
	0},
    {"twice", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {CA "2", "required", "pam_mfa.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"FAIL: pam.d/sshd: pam_mfa is twice in the auth stack (" CA "2 and " SD
	"2): one login runs it twice; keep one of the two lines",
	1},
    {"before the password module", "sshd", 0,
	{{SD "1", "required", "pam_mfa.so", ""},
	    {CA "1", "required", "pam_unix.so", ""}},
	"FAIL: " SD "1: pam_mfa comes before the password module (pam_unix.so "
	"at " CA "1): put it after the password module (after @include "
	"common-auth)",
	1},
    {"code_in_password first, use_first_pass", "sshd", 0,
	{{SD "1", "required", "pam_mfa.so", "code_in_password"},
	    {CA "1", "required", "pam_unix.so", "use_first_pass"}},
	"ok: pam.d/sshd: one prompt: pam_mfa code_in_password hands the "
	"password on to pam_unix.so use_first_pass",
	0},
    {"code_in_password first, no use_first_pass", "sshd", 0,
	{{SD "1", "required", "pam_mfa.so", "code_in_password"},
	    {CA "1", "required", "pam_unix.so", ""}},
	"FAIL: " SD "1: pam_mfa code_in_password hands the password on, but "
	"pam_unix.so at " CA "1 asks again: add use_first_pass to it",
	1},
    {"jump over pam_mfa", "sshd", 0,
	{{CA "1", "[success=2 default=ignore]", "pam_unix.so", ""},
	    {CA "2", "requisite", "pam_deny.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""},
	    {SD "3", "required", "pam_permit.so", ""}},
	"FAIL: " CA "1: a success of pam_unix.so ([success=2 default=ignore]) "
	"skips pam_mfa at " SD "2: the code is never asked; move the pam_mfa "
	"line to just below " SD "3 (pam_permit.so), where the jump lands",
	1},
    {"jump over pam_mfa onto pam_deny", "sshd", 0,
	{{CA "1", "[default=ignore success=1]", "pam_unix.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""},
	    {SD "3", "requisite", "pam_deny.so", ""}},
	"FAIL: " CA "1: a success of pam_unix.so ([default=ignore success=1]) "
	"skips pam_mfa at " SD "2: every login with the right password "
	"fails; move the pam_mfa line to just below " SD "3 (pam_deny.so), "
	"where the jump lands",
	1},
    {"jump past the end", "sshd", 0,
	{{CA "1", "[success=5 default=ignore]", "pam_unix.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"FAIL: " CA "1: a success of pam_unix.so ([success=5 default=ignore]) "
	"skips pam_mfa at " SD "2: the code is never asked; make pam_unix.so "
	"required",
	1},
    {"success=done", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {CA "2", "[success=done default=ignore]", "pam_sss.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"FAIL: " CA "2: a success of pam_sss.so ([success=done "
	"default=ignore]) skips pam_mfa at " SD "2: the code is never "
	"asked; make pam_sss.so required",
	1},
    {"sufficient before pam_mfa", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {CA "2", "sufficient", "pam_rootok.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"FAIL: " CA "2: a success of pam_rootok.so (sufficient) skips pam_mfa "
	"at " SD "2: the code is never asked; change the control of "
	"pam_rootok.so",
	1},
    {"a jump that lands on pam_mfa", "sshd", 0,
	{{CA "1", "[success=1 default=ignore]", "pam_unix.so", ""},
	    {CA "2", "requisite", "pam_deny.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"ok: pam.d/sshd: pam_mfa comes after pam_unix.so", 0},
    {"not a success= word", "sshd", 0,
	{{CA "1", "[nosuccess=9 default=ignore]", "pam_unix.so", ""},
	    {SD "2", "required", "pam_mfa.so", ""}},
	"ok: pam.d/sshd: pam_mfa comes after pam_unix.so", 0},
    {"sufficient pam_mfa", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {SD "2", "sufficient", "pam_mfa.so", ""}},
	"FAIL: " SD "2: pam_mfa is sufficient: a right code would replace the "
	"password; use required",
	1},
    {"optional pam_mfa", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {SD "2", "optional", "pam_mfa.so", ""}},
	"FAIL: " SD "2: pam_mfa is optional: the code is not enforced; use "
	"required",
	1},
    {"bracket control on pam_mfa", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {SD "2", "[default=bad]", "pam_mfa.so", ""}},
	"warn: " SD "2: pam_mfa has the control [default=bad], which the "
	"doctor cannot judge: make sure a wrong code fails the login "
	"(required)",
	0},
    {"bad argument", "sshd", 0,
	{{CA "1", "required", "pam_unix.so", ""},
	    {SD "2", "required", "pam_mfa.so", "tries=3 fooo"}},
	"FAIL: " SD "2: pam_mfa module argument 2: unknown option 'fooo': "
	"every login through this line fails until it is fixed",
	1},
    {"no password module, no key", "sshd", 0,
	{{SD "1", "required", "pam_mfa.so", ""}},
	"FAIL: pam.d/sshd: no password module (pam_unix, pam_sss...) in the "
	"auth stack: a code alone logs in (AuthenticationMethods does not ask "
	"for a key first); add the password module before pam_mfa (@include "
	"common-auth)",
	1},
    {"no password module, a key first", "sshd", 1,
	{{SD "1", "required", "pam_mfa.so", ""}},
	"info: pam.d/sshd: no password module in the auth stack: SSH logins "
	"need a key (AuthenticationMethods) and a code",
	0},
    {"no password module at the console", "login", 1,
	{{SD "1", "required", "pam_mfa.so", ""}},
	"FAIL: pam.d/login: no password module (pam_unix, pam_sss...) in the "
	"auth stack: a code alone logs in; add the password module before "
	"pam_mfa (@include common-auth)",
	1},
};

static void
build(struct doc_pam_stack *ps, const struct line *e)
{
	size_t i;

	memset(ps, 0, sizeof(*ps));
	for (i = 0; i < ENTRIES_MAX && e[i].where != NULL; i++) {
		struct doc_pam_entry *x = &ps->e[ps->n++];

		snprintf(x->where, sizeof(x->where), "%s", e[i].where);
		snprintf(x->control, sizeof(x->control), "%s", e[i].control);
		snprintf(x->module, sizeof(x->module), "%s", e[i].module);
		snprintf(x->args, sizeof(x->args), "%s", e[i].args);
	}
}

START_TEST(stack_table)
{
	struct doc_pam_stack *ps = calloc(1, sizeof(*ps));
	struct doc_targets tg;
	struct doc_test t;

	ck_assert_ptr_nonnull(ps);
	memset(&tg, 0, sizeof(tg));
	build(ps, cases[_i].e);
	doc_test_begin(&t, NULL);
	t.d.ssh_key_first = cases[_i].key_first;
	mfa_doctor_stack_check(&t.d, ps, cases[_i].service, &tg);
	doc_test_has(&t, cases[_i].want);
	ck_assert_msg(t.d.fails == cases[_i].fails, "%s: %u FAIL lines:\n%s",
	    cases[_i].name, t.d.fails, doc_test_text(&t));
	doc_test_end(&t);
	free(ps);
}
END_TEST

/* A line two services include is judged once; a good stack's targets. */
START_TEST(shared_line_judged_once)
{
	const struct line e[ENTRIES_MAX] = {
	    {CA "1", "required", "pam_unix.so", ""},
	    {CA "2", "sufficient", "pam_mfa.so", "state_dir=/srv/mfa"}};
	struct doc_pam_stack *ps = calloc(1, sizeof(*ps));
	struct doc_targets tg;
	struct doc_test t;

	ck_assert_ptr_nonnull(ps);
	memset(&tg, 0, sizeof(tg));
	build(ps, e);
	doc_test_begin(&t, NULL);
	mfa_doctor_stack_check(&t.d, ps, "sshd", &tg);
	mfa_doctor_stack_check(&t.d, ps, "login", &tg);
	ck_assert_uint_eq(t.d.fails, 1);
	ck_assert_uint_eq(tg.nstate, 1);
	ck_assert_str_eq(tg.state_dir[0], "/srv/mfa");
	doc_test_end(&t);
	free(ps);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("doctor_stack");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(
	    tc, stack_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, shared_line_judged_once);
	suite_add_tcase(s, tc);
	return mfa_test_run(s);
}
