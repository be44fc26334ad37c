/*
 * runprog.c - run a delivery program with a clean slate and a time-out.
 *
 * The ideas are those of Linux-PAM's pam_exec (SIGCHLD at its default
 * around fork and waitpid, an explicit environment, sanitised descriptors,
 * _exit in the child); the code is ours.  Everything the child needs is
 * prepared before fork, so that the child only makes async-signal-safe
 * calls between fork and execve.  Descriptors the parent creates are moved
 * above 2 first: a daemon may run with 0, 1 or 2 closed, and a pipe end
 * that landed there would be clobbered by the child's dup2 calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "runprog.h"
#include "text.h"

/* The child's exit status when it could not exec (as a shell's 127). */
#define RUN_EXEC_FAILED 127
/* Longest sleep between two checks of a running child, in ms. */
#define RUN_POLL_MAX_MS 50

struct run_fds {
	int in_rd, in_wr;   /* the child's standard input */
	int err_rd, err_wr; /* errno of a failed exec, close-on-exec */
	int null_fd;        /* /dev/null for the child's output and error */
	int cap_rd[2];      /* captured standard output, error: read ends */
	int cap_wr[2];      /* and the child's ends; -1 when not captured */
	long max_fd;        /* highest descriptor for the close fallback */
};

/* Where the bytes read from cap_rd[i] go (see struct mfa_run_capture). */
struct run_sink {
	char *buf;
	size_t size;
	size_t *len;
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * Check argv[0] before forking, so that a missing or mistyped
 * mail_command= is reported as such rather than as an exit status.  The
 * effective ids decide (AT_EACCESS), as they will for execve.
 */
static int
check_program(const char *path, char *why, size_t whysz)
{
	struct stat st;

	if (path[0] != '/') {
		mfa_text_why(why, whysz, "not an absolute path");
		return MFA_ERR_EXEC;
	}
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) != 0) {
		mfa_text_why(why, whysz, "missing or not executable");
		return MFA_ERR_EXEC;
	}
	return MFA_OK;
}

/* Move *fd to a number above 2 (keeping close-on-exec). */
static int
fd_above_stdio(int *fd)
{
	int nfd;

	if (*fd > 2)
		return 0;
	nfd = fcntl(*fd, F_DUPFD_CLOEXEC, 3);
	if (nfd < 0)
		return -1;
	close(*fd);
	*fd = nfd;
	return 0;
}

static void
close_fds(struct run_fds *f)
{
	int i;

	close_fd(&f->in_rd);
	close_fd(&f->in_wr);
	close_fd(&f->err_rd);
	close_fd(&f->err_wr);
	close_fd(&f->null_fd);
	for (i = 0; i < 2; i++) {
		close_fd(&f->cap_rd[i]);
		close_fd(&f->cap_wr[i]);
	}
}

/* A pipe for captured output i (0 standard output, 1 error). */
static int
open_capture(struct run_fds *f, int i)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	f->cap_rd[i] = p[0];
	f->cap_wr[i] = p[1];
	if (fd_above_stdio(&f->cap_rd[i]) != 0 ||
	    fd_above_stdio(&f->cap_wr[i]) != 0)
		return -1;
	/* Read without blocking: a grand-child may keep the pipe open. */
	return fcntl(f->cap_rd[i], F_SETFL, O_NONBLOCK);
}

static int
open_fds(struct run_fds *f, const struct run_sink sink[2])
{
	int in[2], err[2], i;

	f->in_rd = f->in_wr = f->err_rd = f->err_wr = f->null_fd = -1;
	for (i = 0; i < 2; i++)
		f->cap_rd[i] = f->cap_wr[i] = -1;
	f->max_fd = sysconf(_SC_OPEN_MAX);
	if (f->max_fd < 0 || f->max_fd > INT_MAX)
		f->max_fd = INT_MAX;
	if (pipe2(in, O_CLOEXEC) != 0)
		return -1;
	f->in_rd = in[0];
	f->in_wr = in[1];
	if (pipe2(err, O_CLOEXEC | O_NONBLOCK) != 0)
		return -1;
	f->err_rd = err[0];
	f->err_wr = err[1];
	f->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (f->null_fd < 0)
		return -1;
	if (fd_above_stdio(&f->in_rd) != 0 || fd_above_stdio(&f->in_wr) != 0 ||
	    fd_above_stdio(&f->err_rd) != 0 ||
	    fd_above_stdio(&f->err_wr) != 0 || fd_above_stdio(&f->null_fd) != 0)
		return -1;
	for (i = 0; i < 2; i++)
		if (sink[i].buf != NULL && open_capture(f, i) != 0)
			return -1;
	/* A child that never reads must not block the parent forever. */
	if (fcntl(f->in_wr, F_SETFL, O_NONBLOCK) != 0)
		return -1;
	return 0;
}

/*
 * Child: close every descriptor from lo to hi (inclusive).  close_range
 * is called through syscall() so that this builds against a C library
 * without the wrapper; a kernel without it (before 5.9), or a seccomp
 * filter refusing it, gets the loop.
 */
static void
close_span(unsigned int lo, unsigned int hi, long max_fd)
{
	long fd;

	if (lo > hi)
		return;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, lo, hi, 0U) == 0)
		return;
#endif
	for (fd = (long)lo; fd <= (long)hi && fd < max_fd; fd++)
		close((int)fd);
}

static void
child_fail(int err_wr)
{
	int e = errno;

	/* Nothing can be done if this write fails: the status says 127. */
	if (write(err_wr, &e, sizeof(e)) < 0)
		_exit(RUN_EXEC_FAILED);
	_exit(RUN_EXEC_FAILED);
}

/*
 * Child, between fork and execve: async-signal-safe calls only.  All
 * signals are blocked on entry (see mfa_run_program), so no handler of
 * the host runs here before the dispositions are back at their defaults.
 */
static void __attribute__((noreturn))
child_exec(char *const argv[], const struct run_fds *f)
{
	static char env_path[] = MFA_RUN_PATH;
	static char env_locale[] = MFA_RUN_LOCALE;
	char *const envp[] = {env_path, env_locale, NULL};
	struct sigaction dfl;
	sigset_t none;
	int sig;

	/* Own process group, so that a time-out kills grand-children too. */
	setpgid(0, 0);
	if (dup2(f->in_rd, 0) < 0 ||
	    dup2(f->cap_wr[0] >= 0 ? f->cap_wr[0] : f->null_fd, 1) < 0 ||
	    dup2(f->cap_wr[1] >= 0 ? f->cap_wr[1] : f->null_fd, 2) < 0)
		child_fail(f->err_wr);
	/* Everything else goes, except the close-on-exec error pipe. */
	close_span(3, (unsigned int)f->err_wr - 1, f->max_fd);
	close_span((unsigned int)f->err_wr + 1, ~0U, f->max_fd);
	if (chdir("/") != 0)
		child_fail(f->err_wr);
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* SIGKILL etc. fail: harmless */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(argv[0], argv, envp);
	child_fail(f->err_wr);
	_exit(RUN_EXEC_FAILED);
}

/*
 * Parent: keep what fd has to read in sink (up to sink->size - 1 bytes,
 * NUL-terminated; more is read and dropped, so the child never blocks on
 * a full pipe).  At end of file fd is closed.
 */
static void
drain(int *fd, const struct run_sink *sink)
{
	char scratch[512];
	size_t room;
	ssize_t n;

	while (*fd >= 0) {
		room = *sink->len + 1 < sink->size ? sink->size - 1 - *sink->len
						   : 0;
		n = room > 0 ? read(*fd, sink->buf + *sink->len, room)
			     : read(*fd, scratch, sizeof(scratch));
		if (n > 0 && room > 0) {
			*sink->len += (size_t)n;
			sink->buf[*sink->len] = '\0';
		} else if (n == 0) {
			close_fd(fd);
		} else if (n < 0 && errno != EINTR) {
			return; /* EAGAIN: nothing more for now */
		}
	}
}

/*
 * Parent: write what is left of the input without blocking.  Returns 0
 * (written, or the child stopped reading: EPIPE, its exit status will
 * tell), 1 (the pipe is full: poll for it) or -1 (another error).
 */
static int
feed(int fd, const unsigned char **p, size_t *len)
{
	ssize_t n;

	while (*len > 0) {
		n = write(fd, *p, *len);
		if (n > 0) {
			*p += n;
			*len -= (size_t)n;
		} else if (n < 0 && errno == EPIPE) {
			*len = 0;
		} else if (n < 0 && errno == EAGAIN) {
			return 1;
		} else if (n < 0 && errno != EINTR) {
			return -1;
		}
	}
	return 0;
}

/* The parent's side of a run: input, captures, the child, the clock. */
struct run_wait {
	pid_t pid;
	int64_t deadline;
	const unsigned char *in;
	size_t in_left;
};

/*
 * Parent: feed the input, drain the captures and reap the child before
 * the deadline.  Returns 0 (reaped, *status set), 1 (deadline reached,
 * still running) or -1 (writing or waitpid failed).  Polling with a short
 * growing sleep needs neither a SIGCHLD handler (which would disturb the
 * host's) nor a pidfd (which older kernels lack).
 */
static int
wait_child(struct run_wait *w, struct run_fds *f, const struct run_sink sink[2],
    int *status)
{
	struct pollfd pfd[3];
	int64_t left, step = 1;
	pid_t r;
	int i;

	for (;;) {
		if (f->in_wr >= 0 && feed(f->in_wr, &w->in, &w->in_left) < 0)
			return -1;
		if (w->in_left == 0)
			close_fd(&f->in_wr); /* end of input */
		r = waitpid(w->pid, status, WNOHANG);
		if (r < 0 && errno != EINTR)
			return -1;
		for (i = 0; i < 2; i++)
			if (f->cap_rd[i] >= 0)
				drain(&f->cap_rd[i], &sink[i]);
		if (r == w->pid)
			return 0;
		left = w->deadline - now_ms();
		if (left <= 0)
			return 1;
		pfd[0] = (struct pollfd){.fd = f->in_wr, .events = POLLOUT};
		pfd[1] = (struct pollfd){.fd = f->cap_rd[0], .events = POLLIN};
		pfd[2] = (struct pollfd){.fd = f->cap_rd[1], .events = POLLIN};
		poll(pfd, 3, (int)(step < left ? step : left));
		if (step < RUN_POLL_MAX_MS)
			step *= 2;
	}
}

/* Kill the child's whole process group, then the child, and reap it. */
static int
kill_and_reap(pid_t pid, int *status)
{
	pid_t r;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL); /* in case it had not joined its group yet */
	do
		r = waitpid(pid, status, 0);
	while (r < 0 && errno == EINTR);
	return r == pid ? 0 : -1;
}

/* Turn a wait status (and a failed exec's errno) into res and why. */
static int
describe(int status, int exec_errno, struct mfa_run_result *res, char *why,
    size_t whysz)
{
	char buf[64];

	if (WIFSIGNALED(status)) {
		res->signaled = 1;
		res->status = WTERMSIG(status);
		mfa_text_why(why, whysz, "killed by signal %d", res->status);
		return MFA_ERR_EXEC;
	}
	res->exited = 1;
	res->status = WEXITSTATUS(status);
	if (exec_errno != 0 && res->status == RUN_EXEC_FAILED) {
		mfa_text_why(why, whysz, "exec failed: %s",
		    strerror_r(exec_errno, buf, sizeof(buf)));
		return MFA_ERR_EXEC;
	}
	mfa_text_why(why, whysz, "exited with status %d", res->status);
	return res->status == 0 ? MFA_OK : MFA_ERR_EXEC;
}

/*
 * Parent after fork: feed, wait, kill at the deadline, describe.  SIGPIPE
 * is ignored meanwhile, or a child closing its input would kill the host.
 */
static int
run_parent(struct run_wait *rw, struct run_fds *f,
    const struct run_sink sink[2], unsigned int timeout_ms,
    struct mfa_run_result *res, char *why, size_t whysz)
{
	struct sigaction ign, old;
	pid_t pid = rw->pid;
	int status = 0, exec_errno = 0, w, i;

	/* Also from here: no window where the child is outside its group. */
	setpgid(pid, pid);
	close_fd(&f->in_rd);
	close_fd(&f->err_wr);
	close_fd(&f->null_fd);
	for (i = 0; i < 2; i++)
		close_fd(&f->cap_wr[i]);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	w = wait_child(rw, f, sink, &status);
	sigaction(SIGPIPE, &old, NULL);
	if (w != 0) {
		if (kill_and_reap(pid, &status) != 0) {
			mfa_text_why(
			    why, whysz, "waitpid: %s", strerror(errno));
			return MFA_ERR_SYSTEM;
		}
		if (w > 0) {
			res->timed_out = 1;
			res->signaled = 1;
			res->status = SIGKILL;
			mfa_text_why(
			    why, whysz, "timed out after %u ms", timeout_ms);
			return MFA_ERR_TIMEOUT;
		}
		mfa_text_why(why, whysz, "writing the input failed");
		return MFA_ERR_SYSTEM;
	}
	if (read(f->err_rd, &exec_errno, sizeof(exec_errno)) !=
	    (ssize_t)sizeof(exec_errno))
		exec_errno = 0;
	return describe(status, exec_errno, res, why, whysz);
}

/* The sinks of cap (NULL: nothing captured), their lengths zeroed. */
static int
sinks_from(struct mfa_run_capture *cap, struct run_sink sink[2])
{
	memset(sink, 0, 2 * sizeof(sink[0]));
	if (cap == NULL)
		return MFA_OK;
	if ((cap->out != NULL && cap->out_size == 0) ||
	    (cap->err != NULL && cap->err_size == 0))
		return MFA_ERR_INVALID;
	cap->out_len = cap->err_len = 0;
	sink[0] = (struct run_sink){cap->out, cap->out_size, &cap->out_len};
	sink[1] = (struct run_sink){cap->err, cap->err_size, &cap->err_len};
	if (cap->out != NULL)
		cap->out[0] = '\0';
	if (cap->err != NULL)
		cap->err[0] = '\0';
	return MFA_OK;
}

/* Fork with every signal blocked (see child_exec), then run the parent. */
static int
fork_and_run(char *const argv[], struct run_fds *f,
    const struct run_sink sink[2], struct run_wait *rw, unsigned int timeout_ms,
    struct mfa_run_result *res, char *why, size_t whysz)
{
	struct sigaction dfl, old_chld;
	sigset_t all, old_mask;
	int rc;

	/* A host ignoring SIGCHLD would have the child reaped for us. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGCHLD, &dfl, &old_chld);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old_mask);
	rw->pid = fork();
	if (rw->pid == 0)
		child_exec(argv, f);
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (rw->pid < 0) {
		mfa_text_why(why, whysz, "fork: %s", strerror(errno));
		rc = MFA_ERR_SYSTEM;
	} else {
		rc = run_parent(rw, f, sink, timeout_ms, res, why, whysz);
	}
	sigaction(SIGCHLD, &old_chld, NULL);
	return rc;
}

int
mfa_run_program_capture(char *const argv[], const void *input, size_t len,
    unsigned int timeout_ms, struct mfa_run_capture *cap,
    struct mfa_run_result *res, char *why, size_t whysz)
{
	struct run_sink sink[2];
	struct run_wait rw;
	struct run_fds f;
	int rc;

	mfa_text_why(why, whysz, "%s", "");
	if (argv == NULL || argv[0] == NULL || res == NULL ||
	    (input == NULL && len > 0) || timeout_ms == 0 ||
	    sinks_from(cap, sink) != MFA_OK)
		return MFA_ERR_INVALID;
	memset(res, 0, sizeof(*res));
	rc = check_program(argv[0], why, whysz);
	if (rc != MFA_OK)
		return rc;
	if (open_fds(&f, sink) != 0) {
		mfa_text_why(why, whysz, "pipe: %s", strerror(errno));
		close_fds(&f);
		return MFA_ERR_SYSTEM;
	}
	/* now_ms() truncates: one more millisecond gives the whole time. */
	rw = (struct run_wait){.pid = -1,
	    .deadline = now_ms() + timeout_ms + 1,
	    .in = input,
	    .in_left = len};
	rc = fork_and_run(argv, &f, sink, &rw, timeout_ms, res, why, whysz);
	close_fds(&f);
	return rc;
}

int
mfa_run_program(char *const argv[], const void *input, size_t len,
    unsigned int timeout_ms, struct mfa_run_result *res, char *why,
    size_t whysz)
{
	return mfa_run_program_capture(
	    argv, input, len, timeout_ms, NULL, res, why, whysz);
}
