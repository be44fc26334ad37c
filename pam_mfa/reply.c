/*
 * reply.c - sorting what a person typed at the prompt.
 */
#include <string.h>
#include <strings.h>

#include "error.h"
#include "mem.h"
#include "reply.h"

/* The reply without spaces, if it is 6 or 8 ASCII digits. */
static int
numeric(const char *text, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *text != '\0'; text++) {
		if (*text == ' ')
			continue;
		if (*text < '0' || *text > '9' || n + 1 >= outsz)
			return 0;
		out[n++] = *text;
	}
	out[n] = '\0';
	return n == 6 || n == 8;
}

static int
blank(const char *text)
{
	return text[strspn(text, " ")] == '\0';
}

/* Is text the word (any case), with nothing but spaces around it? */
static int
is_word(const char *text, const char *word)
{
	size_t n = strlen(word);

	text += strspn(text, " ");
	return strncasecmp(text, word, n) == 0 && blank(text + n);
}

void
mfa_reply_classify(const char *text, struct mfa_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (blank(text))
		r->kind = MFA_REPLY_EMPTY;
	else if (numeric(text, r->digits, sizeof(r->digits)))
		r->kind = MFA_REPLY_NUMERIC;
	else if (is_word(text, "email"))
		r->kind = MFA_REPLY_EMAIL;
	else if (is_word(text, "sms"))
		r->kind = MFA_REPLY_SMS;
	else if (mfa_backup_normalize(text, r->backup, &r->slot) == MFA_OK)
		r->kind = MFA_REPLY_BACKUP;
	else
		r->kind = MFA_REPLY_INVALID;
	if (r->kind != MFA_REPLY_NUMERIC)
		MFA_WIPE_ARRAY(r->digits);
	if (r->kind != MFA_REPLY_BACKUP)
		MFA_WIPE_ARRAY(r->backup);
}

void
mfa_reply_wipe(struct mfa_reply *r)
{
	MFA_WIPE_OBJ(r);
}
