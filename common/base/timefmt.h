/*
 * timefmt.h - a unix time as text for people (notices, prompts, the
 * admin's listings).  The module, its notices and mfa-enroll all format
 * dates the same way through here.  No clock is read: the time is always
 * the caller's.
 */
#ifndef MFA_TIMEFMT_H
#define MFA_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * mfa_timefmt_utc - t (unix seconds) formatted by strftime(3) with fmt in
 * UTC into out (outsz bytes, NUL-terminated).  A leading space (from %e)
 * is dropped: "28 May 2027", not " 8 May" with its pad.  When t cannot be
 * converted or the text does not fit, out gets fallback instead, or t in
 * decimal when fallback is NULL.
 */
void mfa_timefmt_utc(int64_t t, const char *fmt, const char *fallback,
    char *out, size_t outsz) __attribute__((format(strftime, 2, 0)));

/*
 * mfa_timefmt_local - the same in the local time zone (TZ, /etc/localtime:
 * this may read the zone file, so the module's core never calls it).
 */
void mfa_timefmt_local(int64_t t, const char *fmt, const char *fallback,
    char *out, size_t outsz) __attribute__((format(strftime, 2, 0)));

#endif /* MFA_TIMEFMT_H */
