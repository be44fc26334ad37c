/*
 * deliver.c - driver for tests/sh/smtp_delivery.sh: build the emailed-code
 * message with mfa_mail_code_message and hand it to msmtp through
 * mfa_run_program, exactly as the module will.
 *
 *   deliver MSMTP PORT FROM TO CODE TIMEOUT_MS
 *
 * Prints "result: TEXT (WHY)" and "children: none" (or "children: left")
 * and exits 0 (delivered), 1 (MFA_ERR_EXEC), 2 (MFA_ERR_TIMEOUT), 3 (the
 * message was refused before anything ran) or 4 (anything else).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "error.h"
#include "mailmsg.h"
#include "mem.h"
#include "runprog.h"

int
main(int argc, char **argv)
{
	char host[64], port[64], from[300], why[MFA_RUN_WHY_SIZE], *msg;
	struct mfa_mail m = {.host = "mfa-test.example",
	    .user = "alice",
	    .ttl_minutes = 5,
	    .now = 1795554000,
	    .msgid_random_hex = "00112233445566778899aabbccddeeff"};
	struct mfa_run_result res;
	size_t len;
	int rc, st;

	if (argc != 7) {
		fprintf(stderr, "usage: deliver MSMTP PORT FROM TO CODE MS\n");
		return 4;
	}
	m.from = argv[3];
	m.to = argv[4];
	m.code = argv[5];
	rc = mfa_mail_code_message(&m, &msg, &len);
	if (rc != MFA_OK) {
		printf("result: refused: %s\n", mfa_strerror(rc));
		return 3;
	}
	snprintf(host, sizeof(host), "--host=127.0.0.1");
	snprintf(port, sizeof(port), "--port=%s", argv[2]);
	snprintf(from, sizeof(from), "--from=%s", argv[3]);
	{
		char *cmd[] = {argv[1], host, port, (char *)"--auth=off",
		    (char *)"--tls=off", from, (char *)"-t", NULL};

		rc = mfa_run_program(cmd, msg, len,
		    (unsigned int)strtoul(argv[6], NULL, 10), &res, why,
		    sizeof(why));
	}
	mfa_strfree(msg);
	printf("result: %s (%s)\n", mfa_strerror(rc), why);
	printf("children: %s\n",
	    waitpid(-1, &st, WNOHANG) == -1 && errno == ECHILD ? "none"
							       : "left");
	return rc == MFA_OK         ? 0
	    : rc == MFA_ERR_EXEC    ? 1
	    : rc == MFA_ERR_TIMEOUT ? 2
				    : 4;
}
