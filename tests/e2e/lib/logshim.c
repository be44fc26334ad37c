/*
 * logshim.c - an LD_PRELOAD shim that writes syslog lines to a file, so the
 * end-to-end tests can assert the module's decision lines (and check that a
 * password never reaches a log).
 *
 * Why not PAM_WRAPPER_USE_SYSLOG and a /dev/log listener: sshd runs the
 * PAM conversation in a child that empties its environment (environ[0] =
 * NULL in auth-pam.c), so pam_wrapper no longer sees its variables there and
 * drops pam_syslog lines below LOG_ERR.  The shim reads MFA_E2E_LOG once, at
 * load time, while the environment is still there.
 *
 * Preload it before libpam_wrapper.so: modules look pam_syslog up in the
 * global scope, where the first preloaded definition wins.  It also
 * wraps pam_start (see there) for runs under AddressSanitizer.  Built by
 * tests/e2e/lib.sh at run time; never installed.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char log_path[4096];
static int no_deepbind;

__attribute__((constructor)) static void
shim_init(void)
{
	const char *p = getenv("MFA_E2E_LOG");

	if (p != NULL && strlen(p) < sizeof(log_path))
		strcpy(log_path, p);
	p = getenv("PAM_WRAPPER_DISABLE_DEEPBIND");
	no_deepbind = p != NULL && strcmp(p, "1") == 0;
	p = getenv("LD_PRELOAD");
	no_deepbind |= p != NULL && strstr(p, "libasan.so") != NULL;
}

/*
 * pam_wrapper loads the real libpam at the first pam_start, with
 * RTLD_DEEPBIND (which ASan refuses) unless, at that moment, LD_PRELOAD
 * names libasan.so or UID_WRAPPER_DISABLE_DEEPBIND is set (pam_wrapper
 * 1.1.4 reads that name, not PAM_WRAPPER_DISABLE_DEEPBIND).  shadow's
 * login drops LD_* variables from its environment before pam_start, so
 * under ASan set the variable for the duration of the call.
 */
typedef int (*pam_start_fn)(const char *, const char *, const void *, void **);
int pam_start(
    const char *service, const char *user, const void *conv, void **pamh);

int
pam_start(const char *service, const char *user, const void *conv, void **pamh)
{
	pam_start_fn next = (pam_start_fn)dlsym(RTLD_NEXT, "pam_start");
	int rc, set = 0;

	if (next == NULL)
		return 4; /* PAM_SYSTEM_ERR */
	if (no_deepbind && getenv("UID_WRAPPER_DISABLE_DEEPBIND") == NULL)
		set = setenv("UID_WRAPPER_DISABLE_DEEPBIND", "1", 1) == 0;
	rc = next(service, user, conv, pamh);
	if (set)
		unsetenv("UID_WRAPPER_DISABLE_DEEPBIND");
	return rc;
}

/* One line per message, appended with a single write so lines never mix. */
static void
shim_write(const char *kind, int prio, const char *fmt, va_list ap)
{
	char line[4096];
	int n, m, fd;

	if (log_path[0] == '\0')
		return;
	n = snprintf(
	    line, sizeof(line), "%s[%ld] <%d> ", kind, (long)getpid(), prio);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* nothing to do: a test log line is lost */
	}
	close(fd);
}

void pam_vsyslog(const void *pamh, int prio, const char *fmt, va_list ap);
void pam_syslog(const void *pamh, int prio, const char *fmt, ...);
void vsyslog(int prio, const char *fmt, va_list ap);
void syslog(int prio, const char *fmt, ...);
void __vsyslog_chk(int prio, int flag, const char *fmt, va_list ap);
void __syslog_chk(int prio, int flag, const char *fmt, ...);

void
pam_vsyslog(const void *pamh, int prio, const char *fmt, va_list ap)
{
	(void)pamh;
	shim_write("pam_syslog", prio, fmt, ap);
}

void
pam_syslog(const void *pamh, int prio, const char *fmt, ...)
{
	va_list ap;

	(void)pamh;
	va_start(ap, fmt);
	shim_write("pam_syslog", prio, fmt, ap);
	va_end(ap);
}

void
vsyslog(int prio, const char *fmt, va_list ap)
{
	shim_write("syslog", prio, fmt, ap);
}

void
syslog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	shim_write("syslog", prio, fmt, ap);
	va_end(ap);
}

void
__vsyslog_chk(int prio, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	shim_write("syslog", prio, fmt, ap);
}

void
__syslog_chk(int prio, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	shim_write("syslog", prio, fmt, ap);
	va_end(ap);
}
