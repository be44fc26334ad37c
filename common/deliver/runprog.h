/*
 * runprog.h - run a delivery program (mail_command=, sms_command=) safely.
 *
 * The module runs inside sshd or login, as root, with whatever signal
 * dispositions, descriptors and environment its host has.  A delivery
 * program must see none of that: it gets a fixed argument vector (no
 * shell), a fixed environment, only standard input (the message),
 * output and error (/dev/null, or pipes the caller reads: see
 * mfa_run_program_capture), default signal dispositions and an empty
 * signal mask, and it is killed, with everything it started, when it
 * takes too long.  The host's dispositions of SIGCHLD and SIGPIPE are
 * changed only for the duration of the call and restored afterwards; as
 * sigaction is process-wide, do not call this while other threads of the
 * process rely on those two signals.
 */
#ifndef MFA_RUNPROG_H
#define MFA_RUNPROG_H

#include <stddef.h>

/* The environment every program gets, and nothing else. */
#define MFA_RUN_PATH "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
#define MFA_RUN_LOCALE "LC_ALL=C"
/* Enough for any reason mfa_run_program writes, with the NUL. */
#define MFA_RUN_WHY_SIZE 128

/* What happened to the program. */
struct mfa_run_result {
	int exited;    /* 1: it exited; status is its exit status */
	int status;    /* exit status (exited) or signal number (signaled) */
	int signaled;  /* 1: it was killed by signal status */
	int timed_out; /* 1: we killed it (SIGKILL) at the time-out */
};

/*
 * mfa_run_program - run argv[0] with the arguments argv (NULL-terminated)
 * and the len bytes at input on its standard input, and wait at most
 * timeout_ms milliseconds (> 0) in all for it to read them and exit.
 *
 * argv[0] must be an absolute path to an existing regular file that the
 * caller may execute; this is checked before anything is forked.  The
 * program is started with execve (never a shell) in a new process group,
 * with the environment MFA_RUN_PATH and MFA_RUN_LOCALE only, the working
 * directory "/", standard input a pipe, standard output and error
 * /dev/null, no other descriptor, default signal dispositions and an
 * empty signal mask.  After the time-out the whole process group gets
 * SIGKILL and the program is reaped; in every case it is reaped (no
 * zombie is left), with waitpid on its pid only.  If the program exits
 * without reading its input, that is not an error in itself: its exit
 * status decides.  A program that leaves a process in the background
 * (some sendmail implementations do, to deliver) is not disturbed unless
 * the time-out hits.
 *
 * res (required) is filled in whenever something was started; why (whysz
 * bytes; may be NULL when whysz is 0) gets a short English reason for the
 * log, e.g. "exited with status 75", "missing or not executable",
 * "timed out after 300 ms", "exec failed: Permission denied".  why may
 * contain argv[0]'s errno text, never the input.
 *
 * Returns MFA_OK (the program exited with status 0), MFA_ERR_EXEC (argv[0]
 * missing, relative or not executable; exec failed; non-zero exit; killed
 * by a signal), MFA_ERR_TIMEOUT, MFA_ERR_SYSTEM (pipe, fork or waitpid
 * failed) or MFA_ERR_INVALID (NULL argv, argv[0], res, or input with
 * len > 0; timeout_ms 0).
 */
int mfa_run_program(char *const argv[], const void *input, size_t len,
    unsigned int timeout_ms, struct mfa_run_result *res, char *why,
    size_t whysz);

/*
 * What to keep of a program's output.  A NULL buffer sends that stream to
 * /dev/null; otherwise the first size - 1 bytes are kept, NUL-terminated
 * (the output is untrusted bytes: clean it before logging it), and the
 * rest is read and dropped, so that a talkative program never blocks.
 * len receives the number of bytes kept.
 */
struct mfa_run_capture {
	char *out; /* standard output, or NULL */
	size_t out_size;
	size_t out_len;
	char *err; /* standard error, or NULL */
	size_t err_size;
	size_t err_len;
};

/*
 * mfa_run_program_capture - mfa_run_program, with the program's standard
 * output and/or error kept in cap's buffers instead of /dev/null (cap
 * NULL: as mfa_run_program).  Only what arrives before the program exits
 * (or the time-out) is kept: a background process it leaves is not waited
 * for.  The buffers are filled whatever the result, so a failing mailer's
 * complaint can go to the log.  MFA_ERR_INVALID also for a non-NULL
 * buffer of size 0.
 */
int mfa_run_program_capture(char *const argv[], const void *input, size_t len,
    unsigned int timeout_ms, struct mfa_run_capture *cap,
    struct mfa_run_result *res, char *why, size_t whysz);

#endif /* MFA_RUNPROG_H */
